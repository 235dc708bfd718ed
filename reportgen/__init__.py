"""reportgen: write, check and typeset the annual report on government information disclosure.

The public API (the CLI is built on it)::

    from reportgen import check_file, load_report

    outcome = check_file("2024.yaml")          # Outcome(report, problems)
    report = load_report("2024.yaml")          # raises ValidationFailed on errors

Names are imported on first use, so ``import reportgen`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    "check_file": "reportgen.validate",
    "check_text": "reportgen.validate",
    "load_report": "reportgen.validate",
    "load_previous": "reportgen.validate",
    "Outcome": "reportgen.validate",
    "ValidationFailed": "reportgen.validate",
    "Report": "reportgen.report",
    "Problem": "reportgen.errors",
    "InputError": "reportgen.errors",
    "ReportgenError": "reportgen.errors",
    "formats": "reportgen.definition",
    "get_format": "reportgen.definition",
    "format_for_year": "reportgen.definition",
    "dump_report": "reportgen.writer",
    "json_schema": "reportgen.model",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'reportgen' has no attribute {name!r}")

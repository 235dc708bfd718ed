"""The auditors' rules, loaded from ``templates/audit/rules.yaml`` like the format's rules.

They are :class:`~reportgen.definition.Rule` records (``kind: check``) whose ``check`` names
a function in :mod:`reportgen.audit.checks`; every other key of a rule is a parameter of
that function, so an office can tighten a threshold without touching code.
"""

from __future__ import annotations

import functools

from reportgen.definition import Rule, _build_rules, _load_yaml
from reportgen.paths import templates_dir


@functools.cache
def audit_rules() -> tuple[Rule, ...]:
    """The rules ``reportgen audit`` adds to the format's own (all warnings)."""
    root = templates_dir()
    return _build_rules(_load_yaml(root / "audit" / "rules.yaml"), root)

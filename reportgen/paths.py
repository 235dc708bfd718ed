"""Where the built-in templates live, in a source checkout and in an installed wheel."""

from __future__ import annotations

import functools
from pathlib import Path


@functools.cache
def templates_dir() -> Path:
    """The built-in ``templates/`` folder.

    A wheel installs it as ``reportgen/templates``; a source checkout (editable install,
    tests) keeps it at the top of the repository next to the package.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "v2021" / "format.yaml").is_file():
            return candidate
    raise FileNotFoundError("reportgen: built-in templates folder not found")

"""Output file names from a pattern: ``{机关}{年度}年政府信息公开工作年度报告``.

Offices file reports by agency and year, not by the name of the YAML file, so ``build`` and
``export`` accept ``--name PATTERN``.  Fields: ``{机关}`` (or ``{agency}``), ``{年度}`` (or
``{year}``) and ``{文件名}`` (or ``{stem}``, the input's name without extension).  The result
is made safe on Windows, where most clerks open it: characters Windows forbids become
full-width look-alikes, reserved device names (CON, NUL, COM1 …) get a suffix, trailing dots
and spaces go, and the name is cut to a length every file system takes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from reportgen.errors import InputError

FIELDS = {"机关": "agency", "agency": "agency", "年度": "year", "year": "year"}
STEM_FIELDS = ("文件名", "stem")
_FORBIDDEN = str.maketrans('<>:"/\\|?*', "＜＞：＂／＼｜？＊")
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$", re.I)
_FIELD = re.compile(r"\{([^{}]*)\}")
MAX_LENGTH = 120


def safe_file_name(name: str) -> str:
    """``name`` as a file name that Windows, macOS and Linux all accept."""
    name = name.translate(_FORBIDDEN)
    name = "".join(ch for ch in name if ord(ch) >= 32)
    name = name.strip().rstrip(". ")
    if _RESERVED.match(name):
        name += "_"
    return name[:MAX_LENGTH].rstrip(". ") or "报告"


def check_pattern(pattern: str) -> None:
    """Refuse an unknown ``{field}`` up front, before any file is read."""
    for field in _FIELD.findall(pattern):
        if field not in FIELDS and field not in STEM_FIELDS:
            known = "、".join("{" + f + "}" for f in ("机关", "年度", "文件名"))
            raise InputError(
                f"输出文件名中的 {{{field}}} 无法识别",
                hint=f"可用：{known}，例如 --name '{{机关}}{{年度}}年政府信息公开工作年度报告'",
            )


def fill_pattern(pattern: str, values: dict[str, Any], stem: str) -> str:
    """The file name (without extension) ``pattern`` gives for one report."""
    check_pattern(pattern)

    def field(match: re.Match) -> str:
        name = match.group(1)
        if name in STEM_FIELDS:
            return stem
        value = values.get(FIELDS[name])
        return "" if value is None else str(value).strip()

    return safe_file_name(_FIELD.sub(field, pattern))


def report_stem(pattern: str | None, path: str | Path) -> str:
    """The output stem for report file ``path``: its own stem, or ``pattern`` filled in.

    A file that cannot be read keeps its own stem; reading it again later reports why.
    """
    path = Path(path)
    if not pattern:
        return path.stem
    from reportgen.source import read_source

    try:
        data = read_source(path).data
    except InputError:
        data = None
    values = data if isinstance(data, dict) else {}
    return fill_pattern(pattern, values, path.stem)

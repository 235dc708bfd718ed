"""The served folder: which report files a browser may name, and the list of them.

A browser names files by a bare file name; anything else (a path with folders, ``..``, an
absolute path, a hidden file, a name that is not ``.yaml``/``.yml``, a symbolic link that
leads out of the folder) is refused before the file system is touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import InputError

SUFFIXES = (".yaml", ".yml")
_NAME = re.compile(r"[^/\\\x00-\x1f]{1,120}")


class PathRefused(InputError):
    """A file name that points outside the served folder or is not a report file."""


def resolve_report(root: Path, name: str) -> Path:
    """The absolute path of report ``name`` inside ``root``; :class:`PathRefused` otherwise."""
    name = (name or "").strip()
    if not _NAME.fullmatch(name) or name.startswith(".") or name in ("..", "."):
        raise PathRefused(
            f"文件名「{name[:40]}」不可用", hint="只能打开本文件夹中的报告文件，如 2024.yaml。"
        )
    if not name.lower().endswith(SUFFIXES):
        raise PathRefused(f"「{name}」不是报告文件", hint="报告文件名以 .yaml 结尾，如 2024.yaml。")
    base = root.resolve()
    target = (base / name).resolve()
    if target.parent != base:
        raise PathRefused(f"「{name}」不在本文件夹中", hint="只能打开本文件夹中的报告文件。")
    return target


@dataclass(frozen=True)
class Listed:
    name: str
    year: int | None
    agency: str | None
    has_draft: bool


def list_reports(root: Path) -> list[Listed]:
    """Report files of the folder with their year and agency (unreadable ones still listed)."""
    from reportgen.source import read_source
    from reportgen.wizard.answers import draft_path_for

    found = []
    for path in sorted(root.iterdir()):
        if path.name.startswith(".") or path.suffix.lower() not in SUFFIXES:
            continue
        try:
            resolve_report(root, path.name)
        except PathRefused:
            continue
        year = agency = None
        try:
            data = read_source(path).data
        except InputError:
            data = None
        if isinstance(data, dict):
            year = data.get("year") if isinstance(data.get("year"), int) else None
            agency = data.get("agency") if isinstance(data.get("agency"), str) else None
        found.append(Listed(path.name, year, agency, draft_path_for(path).exists()))
    return found

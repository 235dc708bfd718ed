"""Write an import as a report file, with the rows it could not read commented out.

The file is the one :func:`reportgen.writer.dump_report` writes for ``reportgen init``, so it
looks like any other report file.  A row that was not imported must not load as zeros:
its line is turned into a comment carrying the reason, a group left without rows becomes an
empty mapping, and ``reportgen check`` then names every missing row instead of passing
numbers nobody published.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.writer import dump_report

if TYPE_CHECKING:
    from reportgen.importer.result import ImportResult

#: Starts the row note of a row that was not imported; the line is commented out.
SKIPPED_MARK = "未导入："

_ROW = re.compile(r"^(\s*)(\w+): (?:\[.*?\]|\{.*?\})\s*#\s*(.*)$")
_GROUP = re.compile(r"^(\s*)(\w+):(\s*)(#.*)?$")


def report_file(result: ImportResult) -> str:
    """The commented report file of ``result``; its header says how the source was read."""
    header = [f"由 reportgen import 从 {Path(result.source).name} 导入（{result.kind}）。"]
    if result.published_from == "发布时间":
        header.append("原文没有落款日期：published 取网页“发布时间”。")
    if result.mixed:
        header.append("原文混用了两版格式的表格，见各行注释。")
    if result.skipped:
        header.append(
            "注释掉的“（未导入）”行在原文中找不到或读不出，没有编造数字；"
            "reportgen check 会报告缺少这些行。"
        )
    if result.blanks:
        header.append("原文空白的单元格按 0 填写，并在该行注释中注明。")
    text = dump_report(result.format, result.data, notes=result.notes, header=header)
    return _comment_out(text, result.sections_found)


def _comment_out(text: str, found: dict[str, str | None]) -> str:
    """Comment out rows that were not imported (and group keys left without rows)."""
    out = []
    for line in text.split("\n"):
        if SKIPPED_MARK in line:
            m = _ROW.match(line)
            if m:
                indent, name, comment = m.groups()
                line = f"{indent}# {name}: （未导入）  # {comment}"
        out.append(line)
    # A key whose rows are all commented out would load as null: give it an empty mapping,
    # so check names each missing row.  Repeat for nested groups (denied: inside a table).
    changed = True
    while changed:
        changed = False
        for i, line in enumerate(out):
            m = _GROUP.match(line)
            if not m or m.group(2) == "sections":
                continue
            indent = len(m.group(1))
            children = []
            for nxt in out[i + 1 :]:
                if not nxt.strip():
                    break
                if len(nxt) - len(nxt.lstrip()) <= indent and not nxt.lstrip().startswith("#"):
                    break
                children.append(nxt)
            if children and all(c.strip().startswith("#") for c in children):
                out[i] = f"{m.group(1)}{m.group(2)}: {{}}{m.group(3)[:-3] or ' '}{m.group(4) or ''}"
                changed = True
    result = "\n".join(out)
    for section, heading in found.items():
        if heading is None:
            result = re.sub(
                rf"^(  {section}: \"\"\s*# [^\n]*)$",
                r"\1；原文中没有这一部分",
                result,
                flags=re.M,
            )
    return result

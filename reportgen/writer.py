"""Write report files: commented YAML in one fixed layout.

``reportgen init``, the wizard and the importer all write through :func:`dump_report`, so
every report file reportgen produces looks the same: English keys in the order of the
printed form, each followed by its official Chinese label as a comment, table-三 rows as a
line of numbers in column order.  The output always loads back with ``reportgen check``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from reportgen.definition import Format, Node, Table

_COMMENT_COLUMN = 44


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return json.dumps(str(value), ensure_ascii=False)


def _line(indent: int, text: str, comment: str | None = None) -> str:
    line = " " * indent + text
    if comment:
        pad = max(_COMMENT_COLUMN - _width(line), 1)
        line += " " * pad + "# " + comment
    return line


def _width(text: str) -> int:
    """Display width: a Chinese character takes two columns, so comments line up."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _text_block(indent: int, key: str, text: str, comment: str) -> list[str]:
    if not text:
        return [_line(indent, f'{key}: ""', comment)]
    lines = text.split("\n")
    chomp = "" if text.endswith("\n") else "-"
    if text.endswith("\n"):
        lines = lines[:-1]
        if text.endswith("\n\n"):
            chomp = "+"
    indicator = "2" if lines and lines[0][:1] in (" ", "\t") else ""
    out = [_line(indent, f"{key}: |{indicator}{chomp}", comment)]
    for line in lines:
        out.append(" " * (indent + 2) + line if line else "")
    return out


def _mapping(values: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in values.items()) + "}"


def _row_values(table: Table, row: Node, data: dict[str, Any]) -> dict[str, Any] | None:
    node: Any = data.get(table.key) or {}
    for part in row.path:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node if isinstance(node, dict) else None


def _columns_comment(columns: list[Node]) -> str:
    return "、".join(c.label for c in columns)


def _table_lines(table: Table, data: dict[str, Any], notes: dict[str, str]) -> list[str]:
    out = [_line(0, f"{table.key}:", table.heading)]
    listed = table.key == "applications"
    for block in table.blocks:
        columns = block.column_leaves
        if block.title:
            out.append(f"  # {block.title}：{_columns_comment(columns)}")
        elif listed:
            labels = _columns_comment([c for c in columns if not c.sum_of])
            out.append(f"  # 每行按列顺序填写：{labels}；第 7 个数“总计”可省略（自动计算）")
        emitted: set[str] = set()
        for leaf in block.row_leaves:
            # Open group keys (denied:, unable: …) the first time one of their rows comes.
            chain = []
            parent = leaf.parent
            while parent is not None:
                chain.append(parent)
                parent = parent.parent
            depth = 1
            for group in reversed(chain):
                if group.key:
                    if group.dotted not in emitted:
                        emitted.add(group.dotted)
                        out.append(_line(2 * depth, f"{group.key}:", group.label))
                    depth += 1
            values = _row_values(table, leaf, data)
            if leaf.key is None:  # table 四: the columns are keyed groups of their own
                out.extend(_appeals_lines(block.columns, data.get(table.key) or {}, notes))
                continue
            if values is None:
                if leaf.sum_of:
                    continue  # a total row left out is computed
                values = {}
            comment = leaf.label
            note = notes.get(f"{table.key}.{leaf.dotted}")
            if listed:
                keys = [c.key for c in columns if not c.sum_of or values.get(c.key) is not None]
                numbers = ", ".join(_scalar(values.get(k, 0)) for k in keys)
                text = f"{leaf.key}: [{numbers}]"
            else:
                row = {c.key: values.get(c.key, 0) for c in columns}
                for c in columns:
                    unit_key = c.extra.get("unit_key")
                    if unit_key:
                        row[unit_key] = values.get(unit_key) or c.extra["units"][0]
                    for variant in c.extra.get("variants", {}):
                        if values.get(variant) is not None:
                            row[variant] = values[variant]
                text = f"{leaf.key}: {_mapping(row)}"
            if note:
                comment += f"；{note}"
            out.append(_line(2 * depth, text, comment))
    return out


def _appeals_lines(columns: tuple[Node, ...], data: dict[str, Any], notes: dict) -> list[str]:
    out = []
    for node in columns:
        for group in node.walk():
            if not group.key or not group.children:
                continue
            values = data.get(group.key) or {}
            row = {}
            for leaf in group.children:
                if leaf.sum_of and values.get(leaf.key) is None:
                    continue
                row[leaf.key] = values.get(leaf.key, 0)
            comment = f"{group.label}：{_columns_comment(list(group.children))}"
            note = notes.get(f"appeals.{group.key}")
            if note:
                comment += f"；{note}"
            out.append(_line(2, f"{group.key}: {_mapping(row)}", comment))
    return out


def dump_report(
    fmt: Format,
    data: dict[str, Any],
    notes: dict[str, str] | None = None,
    header: list[str] | None = None,
) -> str:
    """Serialise report ``data`` (the report file's structure) as commented YAML.

    ``notes`` adds a remark to a row's comment, keyed by ``table.row`` (for example the
    importer's ``applications.new_received: 原文空白：法律服务机构``).
    """
    notes = notes or {}
    out = [f"# 政府信息公开工作年度报告（{fmt.name}，{fmt.basis}）"]
    out += [f"# {line}" for line in header or []]
    out.append("# 检查：reportgen check 本文件    生成：reportgen build 本文件")
    out.append("")
    out.append(_line(0, f"year: {_scalar(data.get('year'))}", "报告年度"))
    out.append(_line(0, f"agency: {_scalar(data.get('agency', ''))}", "机关名称"))
    if data.get("title"):
        out.append(_line(0, f"title: {_scalar(data['title'])}", "报告标题（可选）"))
    if data.get("published") is not None:
        out.append(_line(0, f"published: {_scalar(data['published'])}", "成文日期（落款日期）"))
    else:
        out.append("# published: 2025-01-20                    # 成文日期（落款日期），可选")
    out.append("")
    sections = data.get("sections") or {}
    out.append("sections:")
    if sections.get("preface"):
        out += _text_block(2, "preface", sections["preface"], "开头语（可选）")
    for section in fmt.sections:
        if section.kind == "text":
            out += _text_block(2, section.key, sections.get(section.key) or "", section.label)
    for section in fmt.sections:
        if section.kind == "table":
            out.append("")
            out += _table_lines(fmt.tables[section.key], data, notes)
    if data.get("acknowledged"):
        out += ["", _line(0, "acknowledged:", "已说明的警告（规则、位置、理由；错误不能说明）")]
        for entry in data["acknowledged"]:
            out.append(f"  - {_mapping({k: entry[k] for k in ('rule', 'where', 'reason')})}")
    return "\n".join(out) + "\n"


def skeleton(fmt: Format, year: int, agency: str = "") -> str:
    """A complete report file with zeros and empty sections, for ``reportgen init``."""
    return dump_report(fmt, {"year": year, "agency": agency or "某某市某某局"})

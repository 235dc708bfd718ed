"""Rebuild tables 二, 三 and 四 from the lines of a published report.

The parser is anchored on row labels, not on positions: a recognised row label opens a row,
and the values that follow it (on the same line, or on the next lines for one-cell-per-line
scrapes) are its cells, until the next label.  This reads every layout the seeds and real
reports use — one cell per line, tab or space separated rows, markdown, HTML and Word
tables, PDF lines — with one set of rules:

* Padding: blank cells beyond the row's width are dropped from the front (label columns of
  a merged label cell) and then from the end (colspan padding, the ``-`` a crawler adds).
* Blank cells (``-``, ``/``, ``—``, empty table cells) inside the row's width stay blank:
  they are written as 0 with a note, never silently.
* Run-together digits: when a row has fewer values than cells, its runs of digits are left
  ``pending`` and cut afterwards for all tables at once under every balancing rule
  (:mod:`.digit_runs`).
* Anything else (too many values, too few with no split) leaves the row unread, with the
  reason and the source line.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from reportgen.definition import DefinitionError, Format, Node, Table, formats
from reportgen.importer.labels import LabelIndex
from reportgen.importer.sources import Line
from reportgen.limits import MAX_DIGITS, number_too_long

BLANK_MARKS = {"", "-", "/", "—", "－", "／", "\\", "–", "——", "无", "空"}
_NUMBER = re.compile(r"^[+\-−－]?\d[\d,，]*(?:[.．]\d+)?(?:万元|元)?$")
#: A run of digits that may hold several cells (a leading sign belongs to the first).
_RUN = re.compile(r"[-−－+]?\d{2,}(?:[.．]\d+)?(?:万元|元)?")
_GLUED = re.compile(r"^(.*?[^\d\s.．,，+\-])\s*(\d+)$")
#: Longest text whose tokens are kept for the next report: labels and numbers recur, long
#: paragraphs do not (and would only fill the memory of a long batch).
CACHED_TEXT = 200
#: Most candidate splits looked at for one row before giving up as ambiguous.
MAX_SPLITS = 20000


@dataclass(slots=True)
class Token:
    kind: str  # label | value | blank
    text: str
    line: Line
    match: Any = None  # labels.Match for label tokens


@dataclass
class RowRead:
    """What the source says for one row of a table."""

    table: str
    node: Node | None
    label: str  # the label text as published
    line: Line
    raw: list[Token] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)  # int | Decimal | None (blank)
    unit: str | None = None
    status: str = "ok"  # ok | split | unreadable | ambiguous | pending (runs to cut)
    reason: str = ""
    candidates: list[list[int]] = field(default_factory=list)
    #: column key → the values it takes in the whole-table solutions (ambiguous rows)
    cell_candidates: dict[str, list[int]] = field(default_factory=dict)
    #: the digit runs (and single values) of a row whose cells ran together
    runs: list[str] = field(default_factory=list)
    #: split taken although no split satisfies every rule (a published total is wrong)
    relaxed: bool = False
    #: split with no choice (one digit per cell): as sure as separated numbers
    forced: bool = False
    exact_label: bool = True
    lines: list[Line] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return self.status in ("ok", "split")

    @property
    def source(self) -> str:
        """The source line(s) of the row, for messages."""
        seen = []
        for line in [self.line, *self.lines]:
            if line not in seen:
                seen.append(line)
        return "；".join(f"{ln.ref}：{ln.text[:80]}" for ln in seen[:3])


def is_value(text: str) -> bool:
    return text.strip() in BLANK_MARKS or bool(_NUMBER.match(text.replace(" ", "")))


def tokenize(line: Line, labels: LabelIndex) -> list[Token]:
    """The label and value tokens of a line."""
    return [Token(kind, text, line, match) for kind, text, match in line_tokens(line, labels)]


def line_tokens(line: Line, labels: LabelIndex) -> tuple[tuple[str, str, Any], ...]:
    """The tokens of a line as (kind, text, match), looked up by the line's content.

    Reports repeat the same labels and small numbers line after line and file after file,
    so the tokens of a content are worked out once per process.
    """
    if line.structured:
        return _structured_tokens(labels, line.cells)
    text = line.text
    return (_text_tokens if len(text) <= CACHED_TEXT else _text_tokens.__wrapped__)(labels, text)


def _structured_tokens(labels: LabelIndex, cells: list[str]) -> tuple:
    tokens: list[tuple[str, str, Any]] = []
    for cell in cells:
        one = _cell_tokens if len(cell) <= CACHED_TEXT else _cell_tokens.__wrapped__
        tokens.extend(one(labels, cell))
    return tuple(tokens)


@functools.lru_cache(maxsize=65536)
def _cell_tokens(labels: LabelIndex, cell: str) -> tuple:
    """The tokens of one table cell (a label glued to its digits makes two)."""
    squeezed = cell.replace(" ", "")
    if squeezed in BLANK_MARKS:
        return (("blank", cell, None),)
    if _NUMBER.match(squeezed):
        return (("value", squeezed, None),)
    tokens: list[tuple[str, str, Any]] = []
    _label_token(cell, labels, tokens)
    return tuple(tokens)


@functools.lru_cache(maxsize=65536)
def _text_tokens(labels: LabelIndex, text: str) -> tuple:
    tokens: list[tuple[str, str, Any]] = []
    pending: list[str] = []
    for word in text.split():
        if is_value(word) and word not in ("无", "空"):
            if pending:
                _label_token("".join(pending), labels, tokens)
                pending = []
            kind = "blank" if word in BLANK_MARKS else "value"
            tokens.append((kind, word, None))
        else:
            pending.append(word)
    if pending:
        _label_token("".join(pending), labels, tokens)
    return tuple(tokens)


def _label_token(text: str, labels: LabelIndex, out: list[tuple[str, str, Any]]) -> None:
    match = labels.match(text)
    glued = _GLUED.match(text)
    if glued:
        # ``行政规范性文件123150``, ``重新出具0``: a label with its digits stuck to it.
        head = labels.match(glued.group(1))
        if (
            head is not None
            and head.label.kind == "row"
            and (match is None or match.label.kind != "row" or head.score >= match.score)
        ):
            out.append(("label", glued.group(1), head))
            out.append(("value", glued.group(2), None))
            return
    out.append(("label", text, match))


# --------------------------------------------------------------------------- values


def parse_value(text: str, cell_type: str) -> tuple[Any, str | None, str | None]:
    """(value, unit, error) of one published cell."""
    if text.isdigit() and text.isascii() and len(text) <= MAX_DIGITS:
        return (Decimal(text) if cell_type == "money" else int(text)), None, None
    s = text.replace(" ", "").replace("，", ",").replace(",", "").replace("．", ".")
    s = s.replace("−", "-").replace("－", "-")
    unit = None
    for suffix in ("万元", "元"):
        if s.endswith(suffix):
            unit, s = suffix, s[: -len(suffix)]
    if number_too_long(s):
        return None, unit, f"“{text[:12]}…”位数过多（共 {len(s)} 位），不是报告中的数字"
    try:
        number = Decimal(s)
    except InvalidOperation:
        return None, unit, f"“{text}”不是数字"
    if not number.is_finite():
        return None, unit, f"“{text}”不是数字"
    if cell_type == "money":
        return number, unit, None
    if unit:
        return None, unit, f"“{text}”带有金额单位，这里应是件数"
    if number != number.to_integral_value() or "." in s:
        return None, unit, f"“{text}”不是整数"
    return int(number), unit, None


# --------------------------------------------------------------------------- rows


@functools.lru_cache(maxsize=4096)
def block_of(fmt_id: str, table: str, dotted: str):
    """(block, node) of row ``dotted`` in a table of format ``fmt_id``, or None (cached)."""
    try:
        return formats()[fmt_id].tables[table].block_of_row(dotted)
    except DefinitionError:
        return None


def row_leaves(table: Table) -> list[Node]:
    """Every row of a table, block after block (table 二 has four or five blocks)."""
    return [leaf for block in table.blocks for leaf in block.row_leaves]


def row_columns(fmt: Format, table: str, dotted: str) -> list[Node] | None:
    """The value columns of row ``dotted`` of a table in format ``fmt``.

    Table 四's one unlabelled row and a table-三 row of the other version (（六）其他处理
    printed one way or the other) have the columns of the table's first block; a table-二
    row of the other version has none here (None): it is reported, not read.
    """
    t = fmt.tables[table]
    if table != "appeals":
        found = block_of(fmt.id, table, dotted)
        if found is not None:
            return found[0].column_leaves
        if table != "applications":
            return None
    return t.blocks[0].column_leaves


def settle(row: RowRead, fmt: Format, columns: list[Node]) -> None:
    """Turn the raw tokens of a row into one value per column, or say why it cannot."""
    width = len(columns)
    tokens = [t for t in row.raw if t.kind in ("value", "blank")]
    if len(tokens) > width or not all(t.line.exact for t in tokens):
        # Empty cells around the values are the label columns and colspan padding of a
        # tab-separated or pasted table, not blank values.
        while tokens and tokens[0].kind == "blank" and tokens[0].text == "":
            tokens.pop(0)
        while tokens and tokens[-1].kind == "blank" and tokens[-1].text == "":
            tokens.pop()
    while len(tokens) > width and tokens[0].kind == "blank":
        tokens.pop(0)
    while len(tokens) > width and tokens[-1].kind == "blank":
        tokens.pop()
    if len(tokens) > width:
        row.status = "unreadable"
        row.reason = f"有 {len(tokens)} 个数，应为 {width} 个（列无法对齐）"
        return
    if len(tokens) < width and any(_RUN.fullmatch(t.text) for t in tokens):
        # Digits ran together: blank marks after them are a crawler's padding (``-``).
        while tokens and tokens[-1].kind == "blank":
            tokens.pop()
    if len(tokens) < width:
        texts = [t.text for t in tokens]
        if (
            tokens
            and all(t.kind == "value" for t in tokens)
            and any(_RUN.fullmatch(t.text) for t in tokens)
        ):
            # Digits run together: cut later, with the whole table (:mod:`.digit_runs`).
            row.status = "pending"
            row.runs = texts
            return
        row.status = "unreadable"
        row.reason = (
            f"只有 {len(tokens)} 个数，应为 {width} 个（列无法对齐）"
            if tokens
            else "这一行没有数字"
        )
        return
    values = []
    for token, column in zip(tokens, columns, strict=False):
        if token.kind == "blank":
            values.append(None)
            continue
        ctype = (
            column.cell
            or (row.node.cell if row.node else None)
            or fmt.tables[row.table].cell_type
            or "count"
        )
        value, unit, error = parse_value(token.text, ctype)
        if error:
            row.status = "unreadable"
            row.reason = f"{column.label}：{error}"
            return
        if unit:
            row.unit = unit
        values.append(value)
    row.values = values

"""Find the rows of tables 二, 三 and 四 in the lines of a published report.

The walk is anchored on labels: a row label opens a row and the values after it are its
cells until the next label (:mod:`.tables` tokenises lines and settles the values).  Table
四 has no row label, so its heading (section 四 or the table's own header) starts it.  While
walking, the reader also collects what tells the two format versions apart: table-二 labels
found in one version only, and how table 三's （六）其他处理 is printed.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from reportgen.definition import formats
from reportgen.importer.labels import Label, LabelIndex, key
from reportgen.importer.result import Finding
from reportgen.importer.sections import Heading
from reportgen.importer.sources import Line
from reportgen.importer.tables import CACHED_TEXT, RowRead, Token, line_tokens, tokenize
from reportgen.importer.versions import other_group


@dataclass
class TableRead:
    """The rows found by (table, dotted row path), and the evidence for each version."""

    rows: dict[tuple[str, str], RowRead] = field(default_factory=dict)
    #: per table (proactive, applications): how many labels speak for each format id
    evidence: dict[str, Counter] = field(
        default_factory=lambda: {"proactive": Counter(), "applications": Counter()}
    )
    #: (variant key, value) of table 二's fee column header (收费金额 precision), if printed
    precision: tuple[str, Any] | None = None


def table_region(
    lines: list[Line], headings: dict[str, Heading], title_index: int | None, labels: LabelIndex
) -> tuple[int, int]:
    """Line indexes (start, end) of the tables: from section 二 to section 五 (or 六)."""
    if "proactive" in headings:
        start = headings["proactive"].index
    else:
        start = _first_table_line(lines, headings, title_index, labels)
    end = headings["problems"].index if "problems" in headings else len(lines)
    if "other_matters" in headings and "problems" not in headings:
        end = headings["other_matters"].index
    return start, end


def _first_table_line(
    lines: list[Line], headings: dict[str, Heading], title_index: int | None, labels: LabelIndex
) -> int:
    """Without the heading of section 二: the first line with a table title or row label."""
    begin = headings["overview"].index + 1 if "overview" in headings else (title_index or 0)
    for i in range(begin, len(lines)):
        for token in tokenize(lines[i], labels):
            if token.match and token.match.label.kind in ("title", "corner", "row"):
                return i
    return len(lines)


def _appeals_header(label: Label, labels: LabelIndex) -> bool:
    if label.kind == "section":
        return label.section == "appeals"
    if label.table != "appeals":
        return False
    return all(lb.table == "appeals" for lb in labels.by_key.get(key(label.text), []))


@functools.cache
def _fee_variants() -> dict[str, tuple[str, Any]]:
    """Key of each printed form of a variant column header → (variant key, value)."""
    found = {}
    for node in formats()["v2021"].tables["proactive"].cells.values():
        for variant, choices in node.column.extra.get("variants", {}).items():
            for value, text in choices.items():
                found[key(text)] = (variant, value)
    return found


def _group_pieces(line: Line, has_number: bool, labels: LabelIndex) -> bool:
    """Whether the line holds nothing but group labels or pieces of them (``本  （四）``).

    A PDF prints a group label (a rowspan cell) centred on its rows, so its lines fall
    between the lines of a row label wrapped in the next cell, sometimes next to a piece of
    another group label (三、本年度办理结果 set one character per line on the left).
    """
    if has_number:
        return False
    words = tuple(line.cells) if line.structured else tuple(line.text.split())
    if len(line.text) > CACHED_TEXT:
        return _only_group_pieces.__wrapped__(labels, words)
    return _only_group_pieces(labels, words)


@functools.lru_cache(maxsize=65536)
def _only_group_pieces(labels: LabelIndex, words: tuple[str, ...]) -> bool:
    words = [w for w in words if key(w)]
    return bool(words) and all(labels.in_group_label(w) for w in words)


def _line_kinds(tokens: tuple) -> tuple[bool, bool]:
    """(has a number, has a known label) of a line's tokens."""
    has_number = has_label = False
    for kind, _text, match in tokens:
        if kind == "value":
            has_number = True
        elif kind == "label" and match:
            has_label = True
    return has_number, has_label


def _row_match(labels: LabelIndex, text: str):
    """The row label ``text`` reads as, or None."""
    match = labels.match(text)
    return match if match is not None and match.label.kind == "row" else None


def read_rows(lines: list[Line], labels: LabelIndex, findings: list[Finding]) -> TableRead:
    """Walk the table region: the rows it holds and the version evidence."""
    read = TableRead()
    rows = read.rows
    evidence = read.evidence
    current: RowRead | None = None
    appeals: RowRead | None = None
    appeals_mode = False
    v2021_other = {n.dotted for n in other_group("v2021").leaves()}
    precision_keys = _fee_variants()

    def close(row: RowRead | None) -> None:
        if row is None:
            return
        ident = (row.table, row.node.dotted)
        has_values = any(t.kind in ("value", "blank") for t in row.raw)
        if not has_values and row.table == "applications" and row.node.dotted == "other":
            return  # （六）其他处理 as the group heading of the 2021 sub-rows
        if ident in rows:
            findings.append(
                Finding(
                    "warning",
                    f"“{row.label}”出现了不止一次，只取第一次（{rows[ident].line.ref}）",
                    row.line.ref,
                )
            )
            return
        rows[ident] = row

    fragment = ""  # unmatched label text: a long label wrapped over lines (PDF cells)
    aside = ""  # pieces of group labels printed between the lines of ``fragment``
    for line in lines:
        if not line.structured and not line.text:
            continue  # an empty line holds no token
        tokens = line_tokens(line, labels)
        opened_here = False
        has_number, has_label = _line_kinds(tokens)
        group_line = _group_pieces(line, has_number, labels)
        for kind, text, match in tokens:
            if kind == "label":
                if (group_line and (fragment or match is None or not match.exact)) or (
                    match is None and labels.in_group_label(text)
                ):
                    # A group label's piece neither starts nor ends a wrapped row label,
                    # nor passes for a label it only resembles (结果 for 结果维持).
                    aside += text
                    continue
                if match is None:
                    before, fragment = fragment, fragment + text
                    if not before:
                        continue
                    match = _row_match(labels, fragment)
                    if match is None and aside:
                        match = _row_match(labels, before + aside + text)
                    if match is None:
                        continue
                    text = fragment
                fragment = aside = ""
                label = match.label
                if label.table == "proactive" and len(label.format_ids) == 1:
                    evidence["proactive"][label.format_ids[0]] += 1
                if key(text) in precision_keys:
                    read.precision = precision_keys[key(text)]
                if label.kind == "row":
                    close(current)
                    current = RowRead(label.table, label.node, text, line, exact_label=match.exact)
                    opened_here = True
                    dotted = label.node.dotted
                    if label.table == "applications" and dotted in v2021_other:
                        evidence["applications"]["v2021"] += 1
                    continue
                if _appeals_header(label, labels):
                    close(current)
                    current = None
                    appeals_mode = True
                    if appeals is None:
                        appeals = RowRead("appeals", None, "", line)
                    continue
                if current is not None and any(t.kind == "value" for t in current.raw):
                    close(current)
                    current = None
                continue
            fragment = aside = ""
            if kind == "blank" and text == "" and not opened_here and (has_label or not has_number):
                continue
            target = current if current is not None else (appeals if appeals_mode else None)
            if target is None:
                continue
            target.raw.append(Token(kind, text, line))
            # Lines come one after the other, so the line is already listed only as the last
            # one (a row's lines are listed for its messages and for its first line).
            if not target.lines or target.lines[-1] is not line:
                target.lines.append(line)
    close(current)
    single = rows.get(("applications", "other"))
    if single is not None and any(t.kind == "value" for t in single.raw):
        evidence["applications"]["v2019"] += 1
    if appeals is not None and appeals.raw:
        appeals.line = appeals.lines[0]
        appeals.label = formats()["v2021"].tables["appeals"].caption
        rows[("appeals", "")] = appeals
    return read

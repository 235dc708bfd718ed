"""PDF tables that continue onto another page keep their labels readable there.

A table's merged label cells (``rowspan``: 三、本年度办理结果, （三）不予公开 …) are drawn once,
on the page where they start, so when a page break falls inside their rows the
continuation page shows blank label columns; WeasyPrint repeats the ``<thead>`` but not
a cell cut by the break.  Every built-in table fits its page, but a user's layout with
larger table text or rows (``--template-dir``) makes table 三 continue.

So after laying the document out, :func:`cut_spans` reads from the laid-out pages which
body row starts each continuation page of a table in which a merged cell runs across
that break.  :func:`split_tables` then cuts the table there into two tables, in the HTML
tree WeasyPrint parsed: the second one gets a copy of the caption and the header rows and
starts on a new page, and every merged cell cut by the break is restarted in its first
row with the rows it still spans, so its label prints on both pages.  The document is
laid out again; the loop ends when no merged cell is cut any more (a restarted label can
make its rows taller, so a part may break again).

A table that breaks between rows no merged cell crosses (table 二 between its blocks) is
left as it is, and a document without such a break is laid out once: ordinary reports
pay nothing and come out byte for byte as before.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass

from reportgen.render.spans import cut_cells, grid_columns

#: At most this many extra layouts of one document (each cut is found in one layout).
MAX_PASSES = 6


@dataclass(frozen=True)
class Cut:
    """Split the table whose element is ``table`` before its body row ``row``."""

    table: object
    row: int


def _span(cell, name: str) -> int:
    try:
        return max(1, int(cell.get(name) or 1))
    except ValueError:
        return 1


def body_rows(table) -> list:
    """The rows of a table's ``<tbody>`` elements, in document order (not the header)."""
    return [tr for body in table if body.tag == "tbody" for tr in body if tr.tag == "tr"]


def _cells(row) -> list:
    return [cell for cell in row if cell.tag in ("td", "th")]


def _spans(rows: list) -> list[list[tuple[int, int]]]:
    return [[(_span(c, "colspan"), _span(c, "rowspan")) for c in _cells(row)] for row in rows]


def _groups(table) -> list[list]:
    """The rows of each ``<tbody>`` (row spans never cross a row group)."""
    return [[tr for tr in body if tr.tag == "tr"] for body in table if body.tag == "tbody"]


def spans_cut(table, row: int) -> bool:
    """Whether a merged cell of ``table`` starts above body row ``row`` and covers it."""
    start = 0
    for rows in _groups(table):
        if start < row < start + len(rows):
            return bool(cut_cells(_spans(rows), row - start))
        start += len(rows)
    return False


def _tables(box) -> Iterator[object]:
    """The table boxes under ``box``, without descending into tables or lines."""
    from weasyprint.formatting_structure import boxes

    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.TableBox):
            yield child
        elif isinstance(child, boxes.ParentBox) and not isinstance(child, boxes.LineBox):
            yield from _tables(child)


def cut_spans(document) -> list[Cut]:
    """Where a laid-out ``document`` breaks a table inside a merged cell.

    For each table fragment on a page after the table's first, the first body row it
    holds; a cut is reported only when a merged cell runs across that break, and only the
    first of each table: the rows after it move, so later breaks are found again.
    """
    seen: dict[int, tuple[object, dict[int, int]]] = {}
    cuts = []
    for page in document.pages:
        for box in _tables(page._page_box):
            element = box.element
            if element is None:
                continue
            if id(element) not in seen:
                index = {id(tr): i for i, tr in enumerate(body_rows(element))}
                seen[id(element)] = (element, index)
                continue  # the first fragment
            _, index = seen[id(element)]
            first = next(
                (
                    index[id(row.element)]
                    for group in box.children
                    if not group.is_header
                    for row in group.children
                    if id(row.element) in index
                ),
                None,
            )
            if first and spans_cut(element, first):
                cuts.append(Cut(element, first))
                index.clear()  # the next cut is found once this one is made
    return cuts


def _parents(root) -> dict[int, object]:
    return {id(child): parent for parent in root.iter() for child in parent}


def _renamed(element, suffix: str):
    """A deep copy of ``element`` whose ids (and references to them) carry ``suffix``."""
    clone = copy.deepcopy(element)
    for el in clone.iter():
        for name in ("id", "aria-labelledby"):
            if el.get(name):
                el.set(name, " ".join(f"{v}{suffix}" for v in el.get(name).split()))
    return clone


def _split(root, cut: Cut, number: int) -> None:
    table = cut.table
    parents = _parents(root)
    suffix = f"-cont{number}"
    # cut the row group holding the row, restarting the merged cells it cuts
    start = 0
    moved: list = []
    for body in [b for b in table if b.tag == "tbody"]:
        rows = [tr for tr in body if tr.tag == "tr"]
        if moved:
            moved.append(body)
        elif start < cut.row < start + len(rows):
            local = cut.row - start
            columns = grid_columns(_spans(rows))
            first = rows[local]
            placed = list(zip(_cells(first), columns[local], strict=True))
            # restart each cut cell in the row after the cut, left of the first cell
            # that starts further right; the cells are visited left to right
            for r, i, col in sorted(cut_cells(_spans(rows), local), key=lambda c: c[2]):
                cell = _cells(rows[r])[i]
                rowspan = _span(cell, "rowspan")
                clone = _renamed(cell, suffix)
                _set_span(cell, local - r)
                _set_span(clone, r + rowspan - local)
                after = [c for c, c_col in placed if c_col > col]
                first.insert(list(first).index(after[0]) if after else len(first), clone)
            tail = _shell(body)
            for tr in rows[local:]:
                body.remove(tr)
                tail.append(tr)
            moved.append(tail)
        start += len(rows)
    for body in moved[1:]:
        table.remove(body)
    second = _shell(table)
    second[:] = [
        _renamed(child, suffix) for child in table if child.tag in ("caption", "colgroup", "thead")
    ]
    second.extend(moved)
    if second.get("id"):
        second.set("id", second.get("id") + suffix)
    # the unit to repeat: the table's wrapper (div.table-wrap) when it has one
    parent = parents[id(table)]
    unit, holder = table, parent
    if "table-wrap" in (parent.get("class") or "").split() and len(parent) == 1:
        unit, holder = parent, parents[id(parent)]
        outer = _shell(parent)
        outer.append(second)
        for name in ("id", "aria-labelledby"):
            if outer.get(name):
                outer.set(name, f"{outer.get(name)}{suffix}")
        second = outer
    style = (second.get("style") or "").rstrip("; ")
    # on a page of its own, right at the top of the type area, as if the table went on
    rule = "break-before: page; margin-top: 0"
    second.set("style", f"{style}; {rule}" if style else rule)
    second.tail, unit.tail = unit.tail, "\n"
    holder.insert(list(holder).index(unit) + 1, second)


def _shell(element):
    """A new element with the tag, attributes and leading text of ``element``, no children.

    (``copy.copy`` of an ElementTree element shares its attribute dictionary.)
    """
    shell = element.makeelement(element.tag, dict(element.attrib))
    shell.text = element.text
    return shell


def _set_span(cell, rowspan: int) -> None:
    if rowspan > 1:
        cell.set("rowspan", str(rowspan))
    elif "rowspan" in cell.attrib:
        del cell.attrib["rowspan"]


def split_tables(root, cuts: list[Cut], counter: int = 0) -> int:
    """Split the tables of the parsed page ``root`` at ``cuts`` (one per table); returns
    the number of parts made so far, which keeps the ids of later parts unique."""
    for cut in cuts:
        counter += 1
        _split(root, cut, counter)
    return counter

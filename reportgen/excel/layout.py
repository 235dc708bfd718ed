"""Where each label and value of a table goes on a sheet, derived from the definition.

:meth:`Table.header_rows` and :meth:`Table.body_rows` list a table's printed rows with their
spans, leaving out grid positions covered from a row above; this module gives every item its
sheet row and column, so the writer can merge the ranges and the tests can find each cell.
Row 1 holds the section heading (二、主动公开政府信息情况); the table starts on row 2.  A
column with a unit (v2019 采购总金额: 元 or 万元) gets one extra column for the unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from reportgen.definition import Block, Cell, Node, Table

#: Header of the extra column holding a money cell's unit.
UNIT_HEADER = "单位"


@dataclass(frozen=True)
class Placed:
    """One item on the sheet: its top-left position, spans and what it is."""

    row: int
    col: int
    text: str
    role: str  # heading | title | corner | row-header | column | label | value | unit-header | unit
    rowspan: int = 1
    colspan: int = 1
    cell: Cell | None = None
    node: Node | None = None

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"


@dataclass
class SheetLayout:
    table: Table
    placed: list[Placed] = field(default_factory=list)
    #: value cell path -> (row, column)
    cells: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: "row.unit_key" of a money row -> (row, column) of its unit
    units: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    #: first and last sheet row of the column header (printed on every page)
    header: tuple[int, int] = (2, 2)
    width: int = 0
    last_row: int = 1

    def at(self, path: str) -> str:
        """The cell reference (C12) of value cell ``path``."""
        row, col = self.cells[path]
        return f"{get_column_letter(col)}{row}"


def _unit_columns(block: Block) -> list[Node]:
    return [c for c in block.column_leaves if c.extra.get("unit_key")]


def table_layout(
    table: Table, header_label: Callable[[Block, Node], str] | None = None
) -> SheetLayout:
    """Place ``table`` on a sheet; ``header_label`` may switch a column to its variant."""
    has_units = any(_unit_columns(b) for b in table.blocks)
    width = table.grid_width + (1 if has_units else 0)
    out = SheetLayout(table, width=width)
    out.placed.append(Placed(1, 1, table.heading, "heading", colspan=width))
    covered: set[tuple[int, int]] = set()
    row = 2
    header_first = header_last = None

    def put(items: list[Placed]) -> None:
        for item in items:
            for r in range(item.row, item.row + item.rowspan):
                for c in range(item.col, item.col + item.colspan):
                    covered.add((r, c))
            out.placed.append(item)

    for block in table.blocks:
        headers = table.header_rows(block)
        first_column_row = row + (1 if block.title else 0)
        for cells in headers:
            col = 1
            items = []
            for hc in cells:
                while (row, col) in covered:
                    col += 1
                text = hc.label
                if hc.node is not None and header_label is not None:
                    text = header_label(block, hc.node)
                items.append(Placed(row, col, text, hc.role, hc.rowspan, hc.colspan, node=hc.node))
                col += hc.colspan
            put(items)
            if header_first is None:
                header_first = row
            header_last = row
            row += 1
        if _unit_columns(block):
            depth = row - first_column_row
            put([Placed(first_column_row, width, UNIT_HEADER, "unit-header", rowspan=depth)])
        for body in table.body_rows(block):
            col = 1
            items = []
            for lc in body.labels:
                while (row, col) in covered:
                    col += 1
                items.append(
                    Placed(row, col, lc.node.label, "label", lc.rowspan, lc.colspan, node=lc.node)
                )
                col += lc.colspan
            for cell in body.cells:
                while (row, col) in covered:
                    col += 1
                items.append(Placed(row, col, "", "value", 1, body.span, cell=cell))
                out.cells[cell.path] = (row, col)
                col += body.span
            for column in _unit_columns(block):
                key = (body.node.dotted, column.extra["unit_key"])
                items.append(Placed(row, width, "", "unit", node=column))
                out.units[key] = (row, width)
            put(items)
            row += 1
    out.header = (header_first or 2, header_last or 2)
    out.last_row = row - 1
    return out

"""A loaded report: its format, texts, and the value of every table cell.

:func:`load_report` reads and validates a file (see :mod:`reportgen.validate`); this module
holds the result.  Cell values are kept in one flat mapping keyed by the cell's dotted path
(``applications.new_received.total``), with totals that the file left out computed from
their parts, so the rule engine, the narrative placeholders and the renderers all read the
same numbers.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reportgen.definition import Cell, Format, Node, Table, cell_path, get_format
from reportgen.source import Mark, Source

Number = int | Decimal


@dataclass
class Report:
    """A validated report, ready for the rules and the renderers."""

    format: Format
    year: int
    agency: str
    published: dt.date | None
    sections: dict[str, str]
    #: every cell's value by dotted path, totals included
    values: dict[str, Number]
    #: cell paths written in the file (the others were computed)
    given: frozenset[str]
    #: row-level attributes: fee precision, procurement unit … by "table.row.attr"
    attributes: dict[str, Any] = field(default_factory=dict)
    source: Source | None = None
    #: the validated data as written (after list rows became mappings)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """The report's title: as the file gives it, or the customary form."""
        custom = self.data.get("title")
        if custom:
            return custom.strip()
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    def value(self, path: str) -> Number:
        return self.values[path]

    def cell_mark(self, cell: Cell | str) -> Mark | None:
        """Where a cell was written in the YAML (a list row counts columns by position)."""
        if self.source is None:
            return None
        if isinstance(cell, str):
            cell = self.format.cells[cell]
        return locate(self.source, cell)

    def context(self) -> dict[str, Any]:
        """Nested mapping of every value, for ``{{ applications.new_received.total }}``."""
        ctx: dict[str, Any] = {
            "year": self.year,
            "agency": self.agency,
            "published": self.published,
        }
        for path, value in self.values.items():
            node = ctx
            *parents, last = path.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[last] = value
        return ctx


def locate(source: Source, cell: Cell) -> Mark | None:
    """The YAML mark of a cell, whether its row was a mapping or a positional list."""
    path = tuple(cell.path.split("."))
    if path in source.marks:
        return source.marks[path]
    col_index = cell.block.column_leaves.index(cell.column)
    row_path = (cell.table.key, *cell.row.path)
    indexed = (*row_path, col_index)
    if indexed in source.marks:
        return source.marks[indexed]
    return source.mark(path)


def dig(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


@dataclass(frozen=True)
class _Total:
    """How to compute a left-out total cell."""

    path: str
    row_keys: tuple[str, ...] | None  # the total row's key path, when the row sums rows
    row_parts: tuple[str, ...]  # cells it adds when its whole row is absent
    column_parts: tuple[str, ...]  # cells it adds across its row


@functools.cache
def _plan(format_id: str) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[_Total, ...]]:
    """Per format, once: every cell's key path, and the recipe of every total."""
    fmt = get_format(format_id)
    cells = tuple((path, tuple(path.split("."))) for path in fmt.cells)
    totals = []
    for table in fmt.tables.values():
        for path, cell in table.cells.items():
            if not cell.computed:
                continue
            row_parts: tuple[str, ...] = ()
            row_keys = None
            if cell.row.sum_of:
                row_keys = (table.key, *cell.row.path)
                row_parts = tuple(
                    cell_path(table, r, cell.column) for r in sum_parts(table, cell.row)
                )
            column_parts: tuple[str, ...] = ()
            if cell.column.sum_of:
                column_parts = tuple(
                    cell_path(table, cell.row, c) for c in sum_parts(table, cell.column)
                )
            totals.append(_Total(path, row_keys, row_parts, column_parts))
    return cells, tuple(totals)


def _flatten(data: Any, prefix: str, into: dict[str, Any]) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            _flatten(value, f"{prefix}.{key}", into)
    else:
        into[prefix] = data


def resolve_values(fmt: Format, data: dict[str, Any]) -> tuple[dict[str, Number], set[str]]:
    """Every cell's value: as written, or computed when it is a total left out."""
    cells, totals = _plan(fmt.id)
    flat: dict[str, Any] = {}
    for table in fmt.tables:
        _flatten(data.get(table), table, flat)
    values: dict[str, Number] = {p: flat[p] for p, _ in cells if flat.get(p) is not None}
    given = set(values)
    recipes = {t.path: t for t in totals}

    def value_of(path: str) -> Number:
        if path not in values:
            recipe = recipes[path]  # a required cell is never missing after validation
            if recipe.row_parts and dig(data, recipe.row_keys) is None:
                parts = recipe.row_parts
            else:
                parts = recipe.column_parts
            total: Number = 0
            for part in parts:
                total += value_of(part)
            values[path] = total
        return values[path]

    for recipe in totals:
        value_of(recipe.path)
    return values, given


def sum_parts(table: Table, node: Node) -> list[Node]:
    """The leaves a total node adds up, from its ``sum_of`` declaration."""
    if node.sum_of == "siblings":
        siblings = node.parent.children if node.parent else _roots(table, node)
        return [leaf for s in siblings if s is not node for leaf in s.leaves() if not leaf.sum_of]
    group = table.find_ref(node.sum_of)
    return [leaf for leaf in group.leaves() if leaf is not node and not leaf.sum_of]


def _roots(table: Table, node: Node) -> tuple[Node, ...]:
    for block in table.blocks:
        if node in block.columns:
            return block.columns
        if node in block.rows:
            return block.rows
    return ()

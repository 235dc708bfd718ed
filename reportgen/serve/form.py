"""The form, derived from the format definition: tables, totals, choices, citable figures.

The tables reuse the HTML renderer's view (:func:`reportgen.render.html.table_view`): the
same header rows, merged cells and ``headers`` associations as the printed report, with an
input in every value cell and an output in every total.  Totals are recomputed in the page
from the recipes given here (the ``sum_of`` declarations), so they are never typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportgen.definition import Format, Table, cell_path
from reportgen.model import TOP_LEVEL
from reportgen.render.html import TableView, table_view
from reportgen.report import Report, sum_parts
from reportgen.wizard.questions import all_cell_questions, unfold


def blank_report(fmt: Format, year: int, attributes: dict[str, Any]) -> Report:
    """A report of zeros, only for its structure (header variants follow ``attributes``)."""
    return Report(
        format=fmt,
        year=year,
        agency="",
        published=None,
        sections={},
        values=dict.fromkeys(fmt.cells, 0),
        given=frozenset(),
        attributes=attributes,
    )


def total_recipes(fmt: Format) -> dict[str, list[str]]:
    """Every total cell and the cells it adds (which may be totals themselves)."""
    recipes = {}
    for table in fmt.tables.values():
        for path, cell in table.cells.items():
            if cell.column.sum_of:
                parts = [cell_path(table, cell.row, c) for c in sum_parts(table, cell.column)]
            elif cell.row.sum_of:
                parts = [cell_path(table, r, cell.column) for r in sum_parts(table, cell.row)]
            else:
                continue
            recipes[path] = parts
    return recipes


@dataclass
class Choice:
    key: str
    title: str
    options: list[tuple[str, str]]  # (label, value; "" for none)


def choices(fmt: Format, table: Table) -> list[Choice]:
    """The row attributes of a table picked from a list: a unit, a header variant."""
    result = []
    for q in all_cell_questions(fmt):
        if q.kind == "choice" and q.step == table.key:
            options = [(label, "" if value is None else str(value)) for label, value in q.choices]
            result.append(Choice(q.key, q.title, options))
    return result


def figures(fmt: Format) -> list[tuple[str, list[tuple[str, str]]]]:
    """What a text may cite, grouped by table: (placeholder name, Chinese name)."""
    groups = [("基本信息", [("year", TOP_LEVEL["year"]), ("agency", TOP_LEVEL["agency"])])]
    for table in fmt.tables.values():
        items = [(path, cell.describe()) for path, cell in table.cells.items()]
        groups.append((f"{table.name} {table.caption}", items))
    return groups


def form_view(fmt: Format, values: dict[str, Any]) -> dict[str, Any]:
    """Everything the form template needs, in the printed order of the sections."""
    year = values.get("year") if isinstance(values.get("year"), int) else fmt.first_year
    attributes = {k: v for k, v in values.items() if k not in fmt.cells and v is not None}
    report = blank_report(fmt, year, attributes)
    sections = []
    for section in fmt.sections:
        entry: dict[str, Any] = {"key": section.key, "label": section.label, "kind": section.kind}
        if section.kind == "table":
            table = fmt.tables[section.key]
            entry["table"] = table_view(report, table)
            entry["choices"] = choices(fmt, table)
        else:
            entry["help"] = unfold(section.help or "")
        sections.append(entry)
    cells = {
        path: {"label": cell.describe(), "computed": cell.computed, "type": cell.type}
        for path, cell in fmt.cells.items()
    }
    return {"sections": sections, "cells": cells, "figures": figures(fmt)}


__all__ = ["TableView", "form_view", "total_recipes"]

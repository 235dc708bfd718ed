"""Defaults carried over from last year's report, by the format's own cross-year rules.

No figure is hard-wired: a cell gets a default when a rule that needs last year's report
says it equals a sum of known figures, for example 二、上年结转 = last year's
四、结转下年度继续办理 (rule X-1), and 现行有效件数 = last year's 现行有效 + this year's
制发 − 废止 (rule T2-5).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from reportgen.definition import Cell, Format
from reportgen.report import Number, Report
from reportgen.rules import Comparison, comparisons
from reportgen.wizard.questions import parse_value


def carry_rules(fmt: Format, cell: Cell) -> Iterator[Comparison]:
    """The cross-year equalities that have ``cell`` alone on their left side."""
    for cmp in comparisons(fmt.id):
        if not cmp.rule.needs_previous or cmp.op != "=" or len(cmp.left) != 1:
            continue
        target = cmp.left[0]
        if target.previous or target.weight != 1 or target.cell.path != cell.path:
            continue
        yield cmp


def carried_value(
    fmt: Format, previous: Report | None, answers: Mapping[str, Any], cell: Cell
) -> tuple[Number, str] | None:
    """The default for ``cell`` and how it was worked out, or None when nothing carries."""
    if previous is None:
        return None
    for cmp in carry_rules(fmt, cell):
        total: Number = 0
        parts = []
        for term in cmp.right:
            if term.previous:
                value = previous.values.get(term.cell.path)
            else:
                raw = answers.get(term.cell.path)
                value = None if raw is None else parse_value(term.cell.type, str(raw))
            if value is None:
                break
            total += term.weight * value
            sign = "−" if term.weight < 0 else "+"
            parts.append(f"{sign if parts or term.weight < 0 else ''}{term.name}({value})")
        else:
            if total < 0 and cell.type != "signed":
                continue
            return total, f"{''.join(parts)} = {total}"
    return None


def carry_hint(fmt: Format, cell: Cell) -> str:
    """What the first carrying rule of ``cell`` says, to explain a prefilled row."""
    for cmp in carry_rules(fmt, cell):
        return cmp.rule.hint or cmp.rule.id
    return ""

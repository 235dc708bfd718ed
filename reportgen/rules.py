"""The rule engine: evaluates the balancing rules declared in a format definition.

Rules are data (``rules:`` in ``format.yaml``).  Each ``balance`` or ``total`` rule expands,
once per format, into concrete linear comparisons over cells — ``Σ wᵢ·xᵢ  op  Σ wⱼ·xⱼ`` —
that name the row or column they are about.  Evaluating a report is then a loop of sums,
which keeps validation fast enough for thousands of reports a second.  ``check`` rules call
a named function in :mod:`reportgen.checks`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from reportgen.definition import Cell, Node, Rule, Table, cell_path, get_format
from reportgen.errors import Problem
from reportgen.report import Number, Report, sum_parts


@dataclass(frozen=True)
class Term:
    weight: int
    cell: Cell
    name: str
    previous: bool = False


@dataclass(frozen=True)
class Comparison:
    """One concrete instance of a rule: a row or column of a table, and its two sides."""

    rule: Rule
    table: Table
    where: str  # 「自然人」列 / 「规章」行
    row: Node | None
    column: Node | None
    left: tuple[Term, ...]
    op: str
    right: tuple[Term, ...]

    def totals(
        self, values: dict[str, Number], previous: dict[str, Number] | None = None
    ) -> tuple[Number, Number]:
        """The two sides' sums (``previous``: last year's values, for ``prev:`` terms)."""

        def side(terms: tuple[Term, ...]) -> Number:
            total: Number = 0
            for t in terms:
                total += t.weight * (previous if t.previous else values)[t.cell.path]
            return total

        return side(self.left), side(self.right)

    def holds(self, left: Number, right: Number) -> bool:
        """Whether the comparison is satisfied (within the rule's tolerance)."""
        return _HOLDS[self.op](left, right, self.rule.tolerance)


def display_name(node: Node) -> str:
    """How a row is named in a sum: its short name, with its group's number when nested."""
    if node.short:
        return node.short
    parent = node.parent
    if parent is not None and parent.key and "）" in parent.label and node.label[:1].isdigit():
        return parent.label[: parent.label.index("）") + 1] + node.label
    return node.label


def _term(table: Table, spec: str, fixed: Node, along: str, block_nodes) -> Term:
    weight = 1
    if spec.startswith("-"):
        weight, spec = -1, spec[1:]
    previous = spec.startswith("prev:")
    if previous:
        spec = spec[len("prev:") :]
    node = block_nodes(spec)
    if along == "column":  # terms are rows, the column is fixed
        cell = table.cells[cell_path(table, node, fixed)]
    else:
        cell = table.cells[cell_path(table, fixed, node)]
    name = ("上年" if previous else "") + display_name(node)
    return Term(weight, cell, name, previous)


def _find(nodes: list[Node], dotted: str, table: Table) -> Node:
    for node in nodes:
        if node.dotted == dotted:
            return node
    raise KeyError(f"{table.key}: no node {dotted!r}")


def _all_nodes(roots) -> list[Node]:
    return [n for r in roots for n in r.walk()]


def _expand_balance(rule: Rule, table: Table) -> list[Comparison]:
    result = []
    if rule.for_each == "column":
        block = table.blocks[0]
        rows = _all_nodes(block.rows)
        for column in block.column_leaves:

            def row_of(key: str) -> Node:
                return _find(rows, key, table)

            result.append(
                Comparison(
                    rule,
                    table,
                    f"「{column.label}」列",
                    None,
                    column,
                    tuple(_term(table, t, column, "column", row_of) for t in rule.left),
                    rule.op,
                    tuple(_term(table, t, column, "column", row_of) for t in rule.right),
                )
            )
        return result
    row_keys = rule.rows or [leaf.dotted for b in table.blocks for leaf in b.row_leaves]
    for key in row_keys:
        block, row = table.block_of_row(key)
        columns = _all_nodes(block.columns)

        def column_of(key: str, columns=columns) -> Node:
            return _find(columns, key, table)

        where = f"「{row.label}」行" if row.label else ""
        result.append(
            Comparison(
                rule,
                table,
                where,
                row,
                None,
                tuple(_term(table, t, row, "row", column_of) for t in rule.left),
                rule.op,
                tuple(_term(table, t, row, "row", column_of) for t in rule.right),
            )
        )
    return result


def _expand_total(rule: Rule, table: Table) -> list[Comparison]:
    """``target`` equals the sum of the leaves its ``sum_of`` names, in every crossing line."""
    result = []
    for block in table.blocks:
        for target in (*_all_nodes(block.rows), *_all_nodes(block.columns)):
            if target.dotted != rule.target or not target.sum_of:
                continue
            parts = sum_parts(table, target)
            is_column = target in _all_nodes(block.columns)
            lines = block.row_leaves if is_column else block.column_leaves
            for line in lines:

                def cell(node: Node, line=line, is_column=is_column) -> Cell:
                    return table.cells[
                        cell_path(table, line, node) if is_column else cell_path(table, node, line)
                    ]

                where = ""
                if line.label:
                    where = f"「{line.label}」{'行' if is_column else '列'}"
                result.append(
                    Comparison(
                        rule,
                        table,
                        where,
                        line if is_column else None,
                        None if is_column else line,
                        (Term(1, cell(target), display_name(target)),),
                        "=",
                        tuple(Term(1, cell(p), display_name(p)) for p in parts),
                    )
                )
    if not result:
        raise KeyError(f"rule {rule.id}: no total {rule.target!r} in {table.key}")
    return result


@functools.cache
def comparisons(format_id: str) -> tuple[Comparison, ...]:
    """All concrete comparisons of a format, expanded once and cached."""
    fmt = get_format(format_id)
    result: list[Comparison] = []
    for rule in fmt.rules:
        if rule.kind == "balance":
            result.extend(_expand_balance(rule, fmt.tables[rule.table]))
        elif rule.kind == "total":
            result.extend(_expand_total(rule, fmt.tables[rule.table]))
    return tuple(result)


_HOLDS = {
    "=": lambda a, b, tol: abs(a - b) <= tol,
    ">=": lambda a, b, tol: a >= b - tol,
    "<=": lambda a, b, tol: a <= b + tol,
}

#: How a failed comparison reads unless the rule declares its own ``message:`` template.
DEFAULT_MESSAGE = "{table}{where}：{left} {op} {right}，差 {difference}"
_NEGATED = {"=": "≠", ">=": "<", "<=": ">"}


def fmt_number(value: Number) -> str:
    return str(value)


def _side(terms: tuple[Term, ...], values: list[Number]) -> tuple[str, Number]:
    """``一(241)+二(5)=246``; long sums list only their non-zero terms."""
    if not terms:
        return "0", 0
    total: Number = 0
    shown = []
    for term, value in zip(terms, values, strict=True):
        total += term.weight * value
        shown.append((term, value))
    compact = len(terms) > 7
    if compact:
        shown = [(t, v) for t, v in shown if v]
    text = ""
    for term, value in shown:
        sign = ("−" if term.weight < 0 else "+") if text else ("−" if term.weight < 0 else "")
        text += f"{sign}{term.name}({fmt_number(value)})"
    if len(terms) > 1:
        text = f"{text or '0'}={fmt_number(total)}"
    if compact:
        text += "（其余各项为0）"
    return text, total


@functools.cache
def _compiled(format_id: str) -> tuple[tuple[Comparison, tuple, tuple], ...]:
    """Comparisons with their terms as (weight, path, previous) tuples, for the hot loop."""
    return tuple(
        (
            cmp,
            tuple((t.weight, t.cell.path, t.previous) for t in cmp.left),
            tuple((t.weight, t.cell.path, t.previous) for t in cmp.right),
        )
        for cmp in comparisons(format_id)
    )


def evaluate(report: Report, previous: Report | None = None) -> list[Problem]:
    """Run every balance and total rule of the report's format; return what fails."""
    problems = []
    values = report.values
    prev_values = previous.values if previous is not None else None
    for cmp, left, right in _compiled(report.format.id):
        if cmp.rule.needs_previous:
            if prev_values is None:
                continue
            if any(p and path not in prev_values for _, path, p in left + right):
                continue  # last year used the other format: no bridge for this table
        left_sum: Number = 0
        for weight, path, prev in left:
            left_sum += weight * (prev_values if prev else values)[path]
        right_sum: Number = 0
        for weight, path, prev in right:
            right_sum += weight * (prev_values if prev else values)[path]
        if cmp.holds(left_sum, right_sum):
            continue
        problems.append(_failure(report, cmp, values, prev_values, left_sum, right_sum))
    return problems


def _failure(report, cmp, values, prev_values, left_sum, right_sum) -> Problem:
    def side(terms):
        return _side(terms, [(prev_values if t.previous else values)[t.cell.path] for t in terms])

    left_text, _ = side(cmp.left)
    right_text, _ = side(cmp.right)
    anchor = _anchor(report, cmp)
    mark = report.cell_mark(anchor) if anchor else None
    diff = left_sum - right_sum
    message = (cmp.rule.message or DEFAULT_MESSAGE).format(
        table=cmp.table.name,
        where=cmp.where,
        left=left_text,
        op=_NEGATED[cmp.op],
        right=right_text,
        difference=fmt_number(abs(diff)),
    )
    return Problem(
        severity=cmp.rule.severity,
        rule=cmp.rule.id,
        message=message,
        file=report.source.name if report.source else None,
        line=mark.line if mark else None,
        column=mark.column if mark else None,
        table=cmp.table.name,
        row=cmp.row.label if cmp.row is not None else None,
        col=cmp.column.label if cmp.column is not None else None,
        expected=fmt_number(right_sum),
        actual=fmt_number(left_sum),
        difference=fmt_number(diff),
        hint=cmp.rule.hint,
        path=anchor.path if anchor else None,
    )


def _anchor(report: Report, cmp: Comparison) -> Cell | None:
    """The cell to point at: the first one of this year's that the file actually wrote."""
    own = [t.cell for t in cmp.left + cmp.right if not t.previous]
    for cell in own:
        if cell.path in report.given:
            return cell
    return own[0] if own else None

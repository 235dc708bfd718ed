"""Split run-together digits for whole tables at once, under every balancing rule.

Crawlers and copy-paste lose the separators between cells: ``0000000`` for a row of seven
zeros, ``693665`` for three counts, table 四's fifteen cells as one run.  A row alone rarely
decides such a run — its own total may fit several splits — but the table does: every
column of table 三 balances (（七）总计 = the results; 一 + 二 = （七） + 四) and every row's
总计 is the sum of its parts.  So every open row of every table is solved together:

* each run is cut into numbers without leading zeros (``0`` alone is fine), each at most
  :data:`MAX_DIGITS` long, so that each row gets exactly as many numbers as it has columns;
* the rules come from the definition: columns declared ``sum_of: siblings`` (each row's
  总计, table 四's three totals), rows declared ``sum_of: <ref>`` (（七）总计), and the format's
  per-column ``balance`` rules (T3-1) — nothing is spelled here;
* rows read completely are constants; rows not read at all leave their rules out.

The cut of a row is a path through a small graph (position in the run × cells used); the
model and the questions asked of OR-Tools CP-SAT are in :mod:`.cut_model`: one solve
when every rule can hold, one whole-table question "does any row read otherwise?", and
candidates only for the rows that do.  A row is settled only when no whole-table solution
gives it other values, otherwise it is ambiguous and its readings are reported.  When no
split satisfies all rules — a published number that is really wrong — the splits that
explain the page with the fewest cells printed wrong are its readings (counted in cells,
not in broken rules: one typo in a total breaks its row and its column), and a row is
taken only when they all agree on it; it then
says which rules do not hold, so ``check`` reports the published error and the reader
knows the split was not confirmed.  Rows no rule ties (table 二) are listed without a
solver.

A run whose cut is forced (as many digits as cells) needs no search; OR-Tools is imported
only when some run really has a choice.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from reportgen.definition import Format
from reportgen.importer.tables import RowRead, row_columns

#: Longest number a run is cut into (published counts stay well below a billion) …
MAX_DIGITS = 9
#: … and for money (yuan amounts run to billions).
MONEY_DIGITS = 14
#: Candidates of one row kept for the report.
MAX_CANDIDATES = 16
#: Deterministic time (about seconds) all solving of one report may take.  Clean tables
#: take milliseconds; a table whose published totals are wrong everywhere can make the
#: search long, and then what is not proven within the budget stays unread (never guessed).
TIME_BUDGET = 0.15


@dataclass
class _Open:
    """One row whose values are runs of digits: the texts and the cut to find."""

    row: RowRead
    texts: list[str]
    width: int
    arcs: list[tuple[int, int, int, int]] = field(default_factory=list)  # (from, to, cell, value)
    nodes: int = 0
    #: longest number each cell may take
    limits: list[int] = field(default_factory=list)
    #: decimals of the row's last number (``3481775656.00``), set back after the cut
    fraction: str = ""


def is_open(row: RowRead) -> bool:
    return row.status == "pending"


_RUN = re.compile(r"([-−－+]?)(\d+)")


def run_of(text: str) -> tuple[int, str] | None:
    """(sign, digits) of a run that may be cut (``-46145750``: the first number is
    negative, as table 二's 本年增/减 can be), or None for a value that is not a run."""
    m = _RUN.fullmatch(text)
    if not m:
        return None
    return (-1 if m.group(1) and m.group(1) != "+" else 1), m.group(2)


def is_run(text: str) -> bool:
    found = run_of(text)
    return found is not None and len(found[1]) > 1


_MONEY_TAIL = re.compile(r"(.*?\d)([.．]\d+)?(万元|元)?")


def _money_tail(row: RowRead) -> tuple[list[str] | None, str]:
    """The row's texts as integers, and the decimals of its last number (money cells).

    A unit after the last number is the row's unit.  Decimals anywhere but at the end of
    the row cannot be told apart from the digits around them: None.
    """
    texts = list(row.runs)
    m = _MONEY_TAIL.fullmatch(texts[-1].replace(",", "").replace("，", ""))
    fraction = ""
    if m:
        texts[-1] = m.group(1)
        fraction = (m.group(2) or "").replace("．", ".")
        if m.group(3):
            row.unit = m.group(3)
    texts = [t.replace(",", "").replace("，", "") for t in texts]
    if not all(_RUN.fullmatch(t) for t in texts):
        return None, ""
    return texts, fraction


def _with_fraction(values: list[int], fraction: str) -> list:
    if not fraction:
        return values
    return [*values[:-1], Decimal(f"{values[-1]}{fraction}")]


def forced(texts: list[str], width: int) -> list[int] | None:
    """The one cut when every digit must be its own cell (or nothing is to cut)."""
    runs = [run_of(t) for t in texts]
    if sum(len(r[1]) if r else 1 for r in runs) != width:
        return None
    out = []
    for text, run in zip(texts, runs, strict=True):
        if run is None:
            out.append(int(text))
            continue
        sign, digits = run
        out.extend((sign if i == 0 else 1) * int(ch) for i, ch in enumerate(digits))
    return out


def solve(rows: dict[tuple[str, str], RowRead], fmt: Format) -> None:
    """Settle every row left ``pending`` by :func:`tables.settle`, all tables at once."""
    open_rows = [r for r in rows.values() if is_open(r)]
    if not open_rows:
        return
    width = {
        id(r): len(row_columns(fmt, r.table, r.node.dotted if r.node else "")) for r in open_rows
    }
    pending: list[_Open] = []
    for row in open_rows:
        texts, fraction = _money_tail(row)
        if texts is None:
            row.status = "unreadable"
            row.reason = f"数字连在一起（{' '.join(row.runs)}），其中的小数无法拆分"
            continue
        cut = forced(texts, width[id(row)])
        if cut is not None:
            _settle(row, _with_fraction(cut, fraction), row.runs, [], forced=True)
            continue
        item = _Open(row, texts, width[id(row)], fraction=fraction)
        columns = row_columns(fmt, row.table, row.node.dotted if row.node else "") or []
        cell_type = fmt.tables[row.table].cell_type
        item.limits = [
            MONEY_DIGITS if (c.cell or cell_type) == "money" else MAX_DIGITS for c in columns
        ]
        pending.append(item)
    if not pending:
        return
    for item in pending:
        _graph(item)
    unsolvable = [p for p in pending if not p.arcs]
    for p in unsolvable:
        p.row.status = "unreadable"
        p.row.reason = f"数字连在一起（{' '.join(p.texts)}），无法拆成 {p.width} 个不以 0 开头的数"
    pending = [p for p in pending if p.arcs]
    budget: list = []  # the report's solver budget, made (and OR-Tools imported) when needed
    # Small groups first: a table whose published errors use up the budget must not
    # leave a one-row table 四 unread that would have taken a millisecond.
    groups = sorted(_components(pending, rows, fmt), key=lambda g: sum(len(p.arcs) for p in g))
    later: list = []
    for group in groups:
        _solve_model(group, rows, fmt, budget, later)
    # Only once every row is settled or known ambiguous are the candidates listed: that is
    # for the reader, and must not take the budget from deciding the other tables.
    for p, cut, rid, known, least in later:
        from reportgen.importer import cut_model

        paths, complete = cut_model.readings(cut, rid, known, MAX_CANDIDATES, budget[0])
        seen = [_with_fraction(cut.values(rid, path), p.fraction) for path in paths]
        _ambiguous(p, seen, complete, least, fmt)


def _components(pending: list[_Open], rows, fmt: Format) -> list[list[_Open]]:
    """Open rows that share no rule are solved apart (their solutions multiply otherwise)."""
    tables: dict[str, list[_Open]] = {}
    for p in pending:
        tables.setdefault(p.row.table, []).append(p)
    out = []
    for table, group in tables.items():
        if _has_column_rules(fmt, table):
            out.append(group)
        else:
            out.extend([p] for p in group)
    return out


def _has_column_rules(fmt: Format, table: str) -> bool:
    """Whether rows of ``table`` are tied together (a row total or a balance rule)."""
    t = fmt.tables[table]
    if any(node.sum_of for block in t.blocks for top in block.rows for node in top.walk()):
        return True
    return any(
        r.kind == "balance" and r.table == table and r.for_each == "column" for r in fmt.rules
    )


# --------------------------------------------------------------------------- graph


def _graph(item: _Open) -> None:
    """The ways to cut a row's runs, as arcs (from node, to node, cell, value).

    A node is (position in the concatenated runs, cells used so far); only arcs on some
    path from the start to the end (every digit used, every cell filled) are kept.
    """
    runs = [run_of(t) for t in item.texts]
    offsets = [0]
    for run in runs:
        offsets.append(offsets[-1] + (len(run[1]) if run else 1))
    total_len = offsets[-1]
    w = item.width

    def node(pos: int, cell: int) -> int:
        return pos * (w + 1) + cell

    room = [sum(item.limits[c:]) for c in range(w + 1)]  # most digits cells c… can take
    arcs = []
    for t, text in enumerate(item.texts):
        start = offsets[t]
        if runs[t] is None:
            for cell in range(w):
                arcs.append((node(start, cell), node(start + 1, cell + 1), cell, int(text)))
            continue
        sign, digits = runs[t]
        for a in range(len(digits)):
            for b in range(a + 1, min(len(digits), a + max(item.limits)) + 1):
                piece = digits[a:b]
                if len(piece) > 1 and piece[0] == "0":
                    continue
                value = int(piece) * (sign if a == 0 else 1)
                # the cells before take at least a digit each, those after at least one
                # and at most their limit: only those cells can hold this number
                before, after = start + a, total_len - start - b
                for cell in range(min(w, before + 1)):
                    if b - a <= item.limits[cell] and w - cell - 1 <= after <= room[cell + 1]:
                        arcs.append((node(start + a, cell), node(start + b, cell + 1), cell, value))
    source, sink = node(0, 0), node(total_len, w)
    forward = defaultdict(list)
    backward = defaultdict(list)
    for arc in arcs:
        forward[arc[0]].append(arc)
        backward[arc[1]].append(arc)
    reach = _reach(source, forward, 1)
    coreach = _reach(sink, backward, 0)
    item.arcs = [a for a in arcs if a[0] in reach and a[1] in coreach]
    item.nodes = (total_len + 1) * (w + 1)


def _reach(start: int, edges, end: int) -> set[int]:
    seen = {start}
    todo = [start]
    while todo:
        n = todo.pop()
        for arc in edges.get(n, ()):
            nxt = arc[end]
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


# --------------------------------------------------------------------------- rules


@dataclass
class _Rule:
    """One linear equation over cells: sum(left) == sum(right); cells are (row id, column)."""

    name: str
    left: list[tuple[str, int]]
    right: list[tuple[str, int]]


def _row_total_rules(fmt: Format, table: str, ident: str, dotted: str) -> list[_Rule]:
    columns = row_columns(fmt, table, dotted) or []
    out = []
    index = {id(c): i for i, c in enumerate(columns)}
    for i, column in enumerate(columns):
        if column.sum_of != "siblings":
            continue
        siblings = column.parent.children if column.parent is not None else ()
        parts = [index[id(leaf)] for s in siblings if s is not column for leaf in s.leaves()]
        parts = [p for p in parts if p is not None]
        out.append(
            _Rule(f"{column.short or column.label}", [(ident, i)], [(ident, p) for p in parts])
        )
    return out


def _table_rules(fmt: Format, table: str, present: dict[str, str]) -> list[_Rule]:
    """Column rules of ``table`` over the rows present (dotted path → row id)."""
    t = fmt.tables[table]
    out: list[_Rule] = []
    width = len(t.blocks[0].column_leaves)
    for block in t.blocks:
        for top in block.rows:
            for node in top.walk():
                if not node.sum_of or node.dotted not in present:
                    continue
                group = t.find_ref(node.sum_of)
                keys = {child.key for child in group.children if child.key}
                parts = [
                    p
                    for p in present
                    if p.split(".")[0] in keys
                    and p != node.dotted  # （七）总计 sits among the results it sums
                    and not any(q != p and q.startswith(p + ".") for q in present)
                ]
                for c in range(width):
                    out.append(
                        _Rule(
                            f"{node.short or node.label}",
                            [(present[node.dotted], c)],
                            [(present[p], c) for p in parts],
                        )
                    )
    for rule in fmt.rules:
        if rule.kind != "balance" or rule.table != table or rule.needs_previous:
            continue
        if rule.for_each != "column" or rule.op != "=":
            continue
        terms = [*rule.left, *rule.right]
        if any(term not in present for term in terms):
            continue  # a weighted or previous-year term, or a row not in the source
        for c in range(width):
            out.append(
                _Rule(
                    rule.id,
                    [(present[x], c) for x in rule.left],
                    [(present[x], c) for x in rule.right],
                )
            )
    return out


# --------------------------------------------------------------------------- model


def _solve_model(pending: list[_Open], rows, fmt: Format, budget: list, later: list) -> None:
    """Cut the open rows of one table under its rules (:mod:`.cut_model` asks the solver)."""
    ident = {id(r): f"{r.table}:{r.node.dotted if r.node else ''}" for r in rows.values()}
    known: dict[tuple[str, int], int | None] = {}
    for r in rows.values():
        if r.readable and r.values:
            for c, v in enumerate(r.values):
                known[(ident[id(r)], c)] = v if isinstance(v, int) else None
    by_key = {ident[id(p.row)]: p for p in pending}
    rules: list[_Rule] = []
    for table in sorted({p.row.table for p in pending}):
        present = {}
        for r in rows.values():
            if r.table == table and (r.readable or is_open(r)):
                present[r.node.dotted if r.node is not None else ""] = ident[id(r)]
        for dotted, rid in present.items():
            rules.extend(_row_total_rules(fmt, table, rid, dotted))
        rules.extend(_table_rules(fmt, table, present))
    equations = []
    for rule in rules:
        cells = [*rule.left, *rule.right]
        if not any(c[0] in by_key for c in cells):
            continue
        if any(c[0] not in by_key and known.get(c) is None for c in cells):
            continue  # a blank or unread cell: the rule cannot be evaluated
        from reportgen.importer.cut_model import Equation, Known

        equations.append(
            Equation(
                rule.name,
                [c if c[0] in by_key else Known(c, known[c]) for c in rule.left],
                [c if c[0] in by_key else Known(c, known[c]) for c in rule.right],
            )
        )
    for keys, group_equations in _linked(list(by_key), equations):
        group = [by_key[k] for k in keys]
        _solve_group(group, group_equations, fmt, budget, ident, later)


def _linked(keys: list[str], equations: list) -> list[tuple[list[str], list]]:
    """Open rows that share no equation are solved apart (smaller models, same optimum:
    rules broken and differences add up over independent groups)."""
    parent = {k: k for k in keys}

    def root(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def rows_of(eq):
        return {c[0] for c in [*eq.left, *eq.right] if isinstance(c, tuple)}

    for eq in equations:
        first, *rest = sorted(rows_of(eq))
        for other in rest:
            parent[root(other)] = root(first)
    groups: dict[str, tuple[list, list]] = {}
    for k in keys:
        groups.setdefault(root(k), ([], []))[0].append(k)
    for eq in equations:
        groups[root(next(iter(rows_of(eq))))][1].append(eq)
    return list(groups.values())


def _solve_group(
    group: list[_Open], equations: list, fmt: Format, budget: list, ident, later: list
) -> None:
    """Settle the rows of one group; ambiguous ones go to ``later`` for their candidates."""
    if not equations:  # no rule ties the row (table 二): its readings are all its cuts
        for p in group:
            seen = _cuts_of(p.arcs, MAX_CANDIDATES + 1)
            if len(seen) == 1:
                _settle(p.row, _with_fraction(seen[0], p.fraction), p.row.runs, [])
                continue
            seen = [_with_fraction(v, p.fraction) for v in seen]
            _ambiguous(p, seen[:MAX_CANDIDATES], len(seen) <= MAX_CANDIDATES, 0, fmt)
        return
    from reportgen.importer import cut_model

    if not budget:
        budget.append(cut_model.Budget(TIME_BUDGET))
    rows = [cut_model.Row(ident[id(p.row)], p.arcs, p.width) for p in group]
    best = cut_model.best_cuts(rows, equations, budget[0])
    if best is None:
        _unsolved(group, "在限定时间内找不到拆法")
        return
    cut, found, least = best
    broken_rules = cut.broken_in(found)
    others, unproven = cut_model.unsettled(cut, found, budget[0])
    for p in group:
        rid = ident[id(p.row)]
        if rid not in others and rid not in unproven:
            mine = {r.name for r in broken_rules if any(c[0] == rid for c in _cells_of(r))}
            values = cut.values(rid, found[rid])
            _settle(p.row, _with_fraction(values, p.fraction), p.row.runs, sorted(mine))
            continue
        if rid in others:
            later.append((p, cut, rid, [found[rid], *others[rid]], least))
            continue
        seen = [_with_fraction(cut.values(rid, found[rid]), p.fraction)]
        _ambiguous(p, seen, False, least, fmt)  # not proven either way in the budget


def _cuts_of(arcs: list[tuple[int, int, int, int]], limit: int) -> list[list[int]]:
    """Up to ``limit`` cuts of a row's graph (values in cell order), in a fixed order."""
    end = max(a[1] for a in arcs)
    out_of = defaultdict(list)
    for arc in sorted(arcs):
        out_of[arc[0]].append(arc)
    found: list[list[int]] = []

    def walk(node: int, values: list[int]) -> None:
        if node == end:
            found.append(list(values))
            return
        for arc in out_of[node]:
            if len(found) >= limit:
                return
            walk(arc[1], [*values, arc[3]])

    walk(0, [])
    return found


def _slack() -> int:
    from reportgen.importer.cut_model import SLACK

    return SLACK


def _cells_of(eq) -> list:
    return [c for c in [*eq.left, *eq.right] if isinstance(c, tuple)]


def _ambiguous(p: _Open, seen: list, complete: bool, least: int, fmt: Format) -> None:
    row = p.row
    row.status = "ambiguous"
    row.candidates = seen[:MAX_CANDIDATES]
    more = "" if complete else "（可能更多）"
    shown = "；".join(" / ".join(map(str, c)) for c in seen[:5])
    open_cells = []
    columns = row_columns(fmt, row.table, row.node.dotted if row.node else "") or []
    for c, column in enumerate(columns):
        options = sorted({s[c] for s in seen})
        if len(options) > 1:
            open_cells.append(f"{column.label}：{'或'.join(map(str, options[:6]))}")
    row.cell_candidates = {
        columns[c].key or columns[c].label: sorted({s[c] for s in seen})
        for c in range(len(columns))
        if len({s[c] for s in seen}) > 1
    }
    rules_said = (
        "都符合勾稽关系"
        if not least
        else f"都只需原文有 {least}{f'～{least + _slack()}' if _slack() else ''} 个数字印错"
    )
    row.reason = (
        f"数字连在一起（{' '.join(p.texts)}），全表有 {len(seen)} 种拆法{more}{rules_said}："
        f"{shown}；不确定的单元格：{'；'.join(open_cells)}"
    )


def _settle(
    row: RowRead, values: list[int], texts: list[str], broken: list[str], forced: bool = False
) -> None:
    row.values = list(values)
    row.status = "split"
    row.forced = forced
    row.reason = f"数字连在一起（{' '.join(texts)}），按勾稽关系和列数拆分为 " + " / ".join(
        str(v) for v in values
    )
    if broken:
        row.relaxed = True
        row.reason += (
            "；没有一种拆法能让全部勾稽关系成立（原文数字有误），按这种拆法（"
            + "、".join(broken)
            + "）不成立；能用最少几个印错的数字解释原文的拆法只有这一种，请核对原文"
        )


def _unsolved(pending: list[_Open], why: str) -> None:
    for p in pending:
        p.row.status = "unreadable"
        p.row.reason = f"数字连在一起（{' '.join(p.texts)}），{why}"

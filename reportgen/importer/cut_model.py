"""The CP-SAT model of one group of digit runs, and the few questions asked of it.

:mod:`.digit_runs` turns the rows whose cells ran together into cut graphs (an arc per
number a run may start with at a position) and the table's rules into linear equations over
cells.  This module answers, with as few solver calls as possible:

1. **Which cuts explain the page best?**  First the model with every rule as a hard
   equation (clean reports: one call, propagation does most of it).  Only when that has
   no solution — a published number is wrong — each cell of a rule may be "printed
   wrong", a rule may fail only when one of its cells is, and the least number of wrong
   cells is found by "at most 1? at most 2? …".  The solutions kept are those needing
   at most :data:`SLACK` wrong cells more than the fewest.
2. **Is any row's cut not unique?**  One call for the whole table: "some open row takes a
   path other than the one found" (a single clause over the arcs of the found paths; a
   row's values and its path determine each other, since numbers have no leading zeros).
   No solution: every row is settled at once.  A solution: the rows it changes are
   ambiguous; the question is asked again of the others until no other solution exists.
3. **The readings of an ambiguous row** (its candidates): "this row differs from every
   reading found so far", a clause added per reading, until none is left or enough are
   shown.

Every call is deterministic (one worker, a budget of CP-SAT's deterministic time shared by
the whole report): same input, same result on a loaded or a fast machine.  What is not
proven within the budget is not taken.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

#: Wall-clock guard only for pathological cases (the deterministic budget decides).
WALL_LIMIT = 10.0
#: When the published numbers break rules, the cuts needing up to this many wrong cells
#: more than the fewest possible still count as readings.  Counted in cells, a tie is
#: already ambiguous: a mis-cut changes at least two cells of its row, so it needs as
#: few as the page as printed mostly where it meets the wrong cell (measured on
#: bench/bench_collapsed.py and bench/eval_import.py: nothing invented at 0).
SLACK = 0
#: Search settings (measured with bench/bench_collapsed.py): one worker for determinism.
PARAMETERS = {"num_workers": 1}
#: … and for the questions asked of the wrong-cells model: its presolve (not counted in
#: deterministic time by CP-SAT) took 0.3 s a call on tables of large numbers.
REPAIR_PARAMETERS = {"cp_model_presolve": False}


class Budget:
    """Deterministic time (about seconds of CP-SAT work) left for one report."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds

    def solve(self, model: cp_model.CpModel, **more) -> tuple[int, cp_model.CpSolver | None]:
        if self.left <= 0:
            return cp_model.UNKNOWN, None
        solver = cp_model.CpSolver()
        for name, value in {**PARAMETERS, **more}.items():
            setattr(solver.parameters, name, value)
        solver.parameters.max_time_in_seconds = WALL_LIMIT
        solver.parameters.max_deterministic_time = self.left
        status = solver.solve(model)
        self.left -= solver.deterministic_time
        return status, solver


@dataclass
class Row:
    """One row to cut: arcs (from node, to node, cell, value) of its graph, its width."""

    key: object
    arcs: list[tuple[int, int, int, int]]
    width: int


@dataclass(frozen=True)
class Known:
    """A cell read completely (a constant), named so that a correction of it is one cell
    however many rules it appears in."""

    cell: object
    value: int


@dataclass
class Equation:
    """sum(left) == sum(right) over cells ((row key, column), a :class:`Known` or an int)."""

    name: str
    left: list
    right: list


class CutModel:
    """The rows' cuts and the rules over their cells, as one CP-SAT model.

    Each row has a literal per arc of its graph; a row's *path* is the tuple of the
    indices of its true literals.
    """

    def __init__(self, rows: list[Row], equations: list[Equation], soft: bool) -> None:
        self.rows = {row.key: row for row in rows}
        self.equations = equations
        self.model = cp_model.CpModel()
        m = self.model
        self.arcs: dict[object, list] = {}
        self.cells: dict[tuple[object, int], object] = {}
        for row in rows:
            self._graph(row)
        own = defaultdict(list)
        for i, eq in enumerate(equations):
            inside = _rows_of(eq)
            if len(inside) == 1:
                own[next(iter(inside))].append(i)
        #: equation index → the literal "this rule is broken" (soft model)
        self.broken: list = [None] * len(equations)
        #: solver settings for the questions asked of this model
        self.parameters: dict = {}
        #: cell → the literal "this cell is printed wrong" (see :func:`_fewest_wrong`)
        self.wrong: dict[object, object] = {}
        explicit = set()
        for key, (i, *more) in own.items():
            if more:
                continue  # several rules in one row (table 四): counted one by one below
            paths = _consistent_paths(self.rows[key], equations[i])
            if paths is None:
                continue
            explicit.add(i)
            self._explicit(key, paths, i, soft)
        for i, eq in enumerate(equations):
            if i in explicit:
                continue
            diff = self._side(eq.left) - self._side(eq.right)
            if not soft:
                m.add(diff == 0)
                continue
            b = m.new_bool_var("")
            m.add(diff == 0).only_enforce_if(~b)
            self.broken[i] = b

    def _explicit(self, key, paths: list[tuple[int, ...]], i: int, soft: bool) -> None:
        """A row's own total as a choice: one of its few balancing cuts, or (soft) none.

        Far stronger than the linear equation with an enforcement literal: the row is then
        a handful of cuts for the search, and "broken" is exactly "none of them".
        """
        m = self.model
        xs = self.arcs[key]
        ys = [m.new_bool_var("") for _ in paths]
        for y, path in zip(ys, paths, strict=True):
            for a in path:
                m.add_implication(y, xs[a])
        if not soft:
            m.add_exactly_one(ys)
            return
        b = m.new_bool_var("")
        m.add_exactly_one([*ys, b])
        for path in paths:
            m.add_bool_or([xs[a].Not() for a in path]).only_enforce_if(b)
        self.broken[i] = b

    def _cell(self, key, cell: int, choices: list[tuple[object, int]]) -> None:
        values = sorted({v for _, v in choices})
        if len(values) == 1:
            self.cells[(key, cell)] = values[0]
            return
        m = self.model
        v = m.new_int_var_from_domain(cp_model.Domain.from_values(values), "")
        m.add(v == sum(value * x for x, value in choices))
        self.cells[(key, cell)] = v

    def _graph(self, row: Row) -> None:
        m = self.model
        xs = [m.new_bool_var("") for _ in row.arcs]
        self.arcs[row.key] = xs
        flow = defaultdict(int)
        per_cell = defaultdict(list)
        for x, (a, b, cell, value) in zip(xs, row.arcs, strict=True):
            flow[a] += x
            flow[b] -= x
            per_cell[cell].append((x, value))
        start, end = 0, max(a[1] for a in row.arcs)
        for node, net in flow.items():
            m.add(net == (1 if node == start else 0) - (1 if node == end else 0))
        for cell in range(row.width):
            m.add_exactly_one(x for x, _ in per_cell[cell])
            self._cell(row.key, cell, per_cell[cell])

    def _term(self, cell):
        if isinstance(cell, int):
            return cell
        if isinstance(cell, Known):
            return cell.value
        return self.cells[cell]

    def _side(self, cells):
        return sum(self._term(c) for c in cells)

    # ------------------------------------------------------------------ reading out

    def paths(self, solver: cp_model.CpSolver) -> dict[object, tuple[int, ...]]:
        """Row key → indices of the arcs of its cut in a solution."""
        return {
            key: tuple(i for i, x in enumerate(xs) if solver.boolean_value(x))
            for key, xs in self.arcs.items()
        }

    def values(self, key, path: tuple[int, ...]) -> list[int]:
        row = self.rows[key]
        out = [0] * row.width
        for i in path:
            out[row.arcs[i][2]] = row.arcs[i][3]
        return out

    def broken_in(self, path_of: dict[object, tuple[int, ...]]) -> list[Equation]:
        """The equations a solution does not satisfy."""
        value = {}
        for key, path in path_of.items():
            for c, v in enumerate(self.values(key, path)):
                value[(key, c)] = v

        def side(cells):
            return sum(
                c if isinstance(c, int) else c.value if isinstance(c, Known) else value[c]
                for c in cells
            )

        return [eq for eq in self.equations if side(eq.left) != side(eq.right)]

    # ------------------------------------------------------------------ questions

    def not_path(self, model: cp_model.CpModel, key, path: tuple[int, ...]) -> list:
        """Literals of which one is true exactly when row ``key`` leaves ``path``."""
        xs = self.arcs[key]
        return [_in(model, xs[i]).Not() for i in path]


def best_cuts(
    rows: list[Row], equations: list[Equation], budget: Budget
) -> tuple[CutModel, dict, int] | None:
    """The model restricted to its best cuts, one of them, and the cells it takes as wrong.

    None when the budget ran out before the best was proven.  Clean tables: one call with
    every rule hard.  Otherwise the page has published errors, and the best cuts are those
    that explain it with the fewest cells printed wrong (:func:`_fewest_wrong`).
    """
    hard = CutModel(rows, equations, soft=False)
    status, solver = budget.solve(hard.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return hard, hard.paths(solver), 0
    if status != cp_model.INFEASIBLE:
        return None
    return _fewest_wrong(rows, equations, budget)


def _fewest_wrong(rows: list[Row], equations: list[Equation], budget: Budget):
    """The cuts explaining the page with the fewest cells printed wrong, and how few.

    A published error is usually one wrong number, and it breaks every rule the cell is
    in (its row's 总计 and its column's): counted as rules, one typo weighs two or three,
    so far-fetched cuts come within any slack.  Here each cell of a rule (a cut cell or
    one read completely) may be "printed wrong"; a rule may fail only when one of its
    cells is.  The least number of such cells is found by asking "at most k?" for
    k = 1, 2, … (few cells are wrong on a real page, and a small bound propagates far
    better than minimising the count down from a poor first solution), and the model
    then keeps only the cuts needing at most least + :data:`SLACK`.
    """
    cut = CutModel(rows, equations, soft=True)
    m = cut.model
    for eq, broken in zip(equations, cut.broken, strict=True):
        cells = []
        for c in [*eq.left, *eq.right]:
            if isinstance(c, int):
                continue
            name = c.cell if isinstance(c, Known) else c
            if name not in cut.wrong:
                cut.wrong[name] = m.new_bool_var("")
            cells.append(cut.wrong[name])
        m.add_bool_or(cells).only_enforce_if(broken)
    cut.parameters = REPAIR_PARAMETERS
    for least in range(1, len(cut.wrong) + 1):
        model = cut.model.clone()
        model.add(sum(_in(model, w) for w in cut.wrong.values()) <= least)
        status, solver = budget.solve(model, **cut.parameters)
        if status == cp_model.INFEASIBLE:
            continue
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None  # a least not proven is no basis for a reading
        cut.model.add(sum(cut.wrong.values()) <= least + SLACK)
        return cut, cut.paths(solver), least
    return None


#: Partial sums followed per node by :func:`_consistent_paths` …
MAX_STATES = 20000
#: … and balancing cuts of a row listed explicitly (more: the rule stays a linear equation).
MAX_PATHS = 64


def _consistent_paths(row: Row, eq: Equation) -> list[tuple[int, ...]] | None:
    """The cuts of ``row`` (arc indices) that satisfy ``eq``, a rule within the row.

    A walk along the cut graph keeps, per node, the reachable differences left − right;
    the balancing cuts are then walked back from the end with difference 0.  None when
    that takes more than MAX_STATES states or there are more than MAX_PATHS such cuts.
    """
    weight = defaultdict(int)
    start = 0
    for side, sign in ((eq.left, 1), (eq.right, -1)):
        for c in side:
            if isinstance(c, int | Known):
                start += sign * (c if isinstance(c, int) else c.value)
            else:
                weight[c[1]] += sign
    into = defaultdict(list)
    out_of = defaultdict(list)
    for index, arc in enumerate(row.arcs):
        out_of[arc[0]].append((index, arc))
        into[arc[1]].append((index, arc))
    end = max(a[1] for a in row.arcs)
    # What the rest of a cut can still add, per node: a difference that cannot come back
    # to 0 from there is dropped (node numbers grow along every arc).
    low, high = {end: 0}, {end: 0}
    for node in sorted(out_of, reverse=True):
        steps = [(value * weight[cell], b) for _, (_, b, cell, value) in out_of[node]]
        low[node] = min(step + low[b] for step, b in steps)
        high[node] = max(step + high[b] for step, b in steps)
    states: dict[int, set[int]] = {0: {start}}
    total = 0
    for node in sorted(out_of):
        here = states.get(node, set())
        for _, (_, b, cell, value) in out_of[node]:
            step = value * weight[cell]
            lo, hi = -high[b], -low[b]
            states.setdefault(b, set()).update(d + step for d in here if lo <= d + step <= hi)
            total += len(here)
            if total > MAX_STATES:
                return None
    found: list[tuple[int, ...]] = []

    def back(node: int, diff: int, suffix: tuple[int, ...]) -> bool:
        if node == 0:
            if diff == start:
                found.append(suffix)
            return len(found) <= MAX_PATHS
        for index, (a, _, cell, value) in into[node]:
            before = diff - value * weight[cell]
            if before in states.get(a, ()) and not back(a, before, (index, *suffix)):
                return False
        return True

    if 0 in states.get(end, ()) and not back(end, 0, ()):
        return None
    return sorted(found)


def _hint_paths(cut: CutModel, model: cp_model.CpModel, found: dict) -> None:
    """Start the search from the solution found (the question asks for one close by)."""
    for key, xs in cut.arcs.items():
        used = set(found[key])
        for i, x in enumerate(xs):
            model.add_hint(_in(model, x), i in used)


def _rows_of(eq: Equation) -> set:
    return {c[0] for c in [*eq.left, *eq.right] if isinstance(c, tuple)}


def _in(model: cp_model.CpModel, literal):
    """The same literal in a clone of the model it was made in."""
    return model.get_bool_var_from_proto_index(literal.index)


def unsettled(
    cut: CutModel, found: dict, budget: Budget
) -> tuple[dict[object, list[tuple[int, ...]]], set]:
    """The rows some other best solution cuts differently, with those other cuts.

    Returns (row key → further paths found, rows not proven either way).  A row absent from
    both is settled: no best whole-table solution gives it other values.
    """
    others: dict[object, list[tuple[int, ...]]] = {}
    open_keys = list(cut.rows)
    while open_keys:
        model = cut.model.clone()
        _hint_paths(cut, model, found)
        model.add_bool_or(
            [lit for key in open_keys for lit in cut.not_path(model, key, found[key])]
        )
        status, solver = budget.solve(model, **cut.parameters)
        if status == cp_model.INFEASIBLE:
            return others, set()
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return others, set(open_keys)
        paths = cut.paths(solver)
        for key in open_keys:
            if paths[key] != found[key]:
                others[key] = [paths[key]]
        open_keys = [k for k in open_keys if k not in others]
    return others, set()


def readings(
    cut: CutModel, key, known: list[tuple[int, ...]], limit: int, budget: Budget
) -> tuple[list[tuple[int, ...]], bool]:
    """Paths of row ``key`` over all best solutions, up to ``limit``; True when all."""
    model = cut.model.clone()
    seen = list(known)
    for path in seen:
        model.add_bool_or(cut.not_path(model, key, path))
    while len(seen) < limit:
        status, solver = budget.solve(model, **cut.parameters)
        if status == cp_model.INFEASIBLE:
            return seen, True
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return seen, False  # out of time: not proven complete
        path = cut.paths(solver)[key]
        seen.append(path)
        model.add_bool_or(cut.not_path(model, key, path))
    return seen, False

"""Settle run-together rows of table 三 with the balance of its columns.

A row whose digits ran together can often be split several ways that each keep the row's
own total right.  Table 三's columns balance too (T3-3: （七）总计 is the sum of the results;
T3-1: 新收 + 上年结转 = （七）总计 + 结转下年度), and usually only one combination of the open
rows' splits makes every column balance.  The sums are spelled out here rather than taken from
the rule engine because a published table may mix the versions' result rows (a single
（六）其他处理 row in a 2021 report), which the chosen format's rules would not recognise.
The one combination that balances is taken and said; otherwise the rows stay unread.
"""

from __future__ import annotations

import itertools
import math

from reportgen.importer.tables import MAX_SPLITS, RowRead

#: Rows of table 三 that are not results: the balance of T3-1 and the total of T3-3.
_FLOW = ("new_received", "carried_over", "carried_forward")
_TOTAL = "results_total"
#: Value columns of table 三: six kinds of applicant and 总计.
_COLUMNS = 7


def resolve_by_balance(rows: dict[tuple[str, str], RowRead]) -> None:
    """Settle ambiguous rows of table 三 with the column balance (T3-1, T3-3), if unique."""
    apps = {p: r for (t, p), r in rows.items() if t == "applications"}
    open_rows = [p for p, r in apps.items() if r.status == "ambiguous"]
    if not open_rows or any(not r.readable for r in apps.values() if r.status != "ambiguous"):
        return
    if not {*_FLOW, _TOTAL} <= set(apps):
        return
    fixed = {p: r.values for p, r in apps.items() if r.readable}
    results = [p for p in apps if p not in (*_FLOW, _TOTAL)]
    options = [apps[p].candidates for p in open_rows]
    if math.prod(len(o) for o in options) > MAX_SPLITS:
        return
    fitting = []
    for combo in itertools.product(*options):
        values = dict(fixed)
        values.update(zip(open_rows, combo, strict=True))
        if any(v is None for row in values.values() for v in row):
            return
        if all(_balances(values, results, c) for c in range(_COLUMNS)):
            fitting.append(combo)
    if len(fitting) == 1:
        for p, values in zip(open_rows, fitting[0], strict=True):
            row = apps[p]
            row.values = list(values)
            row.status = "split"
            row.reason += "；按表三各列的勾稽关系只有一种拆法成立：" + " / ".join(map(str, values))
            row.candidates = []


def _balances(values: dict[str, list[int]], results: list[str], column: int) -> bool:
    total = values[_TOTAL][column]
    return total == sum(values[p][column] for p in results) and (
        values["new_received"][column] + values["carried_over"][column]
        == total + values["carried_forward"][column]
    )

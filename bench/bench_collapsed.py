"""Benchmark the whole-table digit solver on collapsed reports with published errors.

The corpus (``tests/collapsed_errors.py``): reports drawn from the definition (few and many
requests), as published and with 1, 2 or 3 cells of tables 三 and 四 made wrong, and the
seed texts with such errors, collapsed to one line as crawlers keep pages.  Each report is
imported ``--repeat`` times; the median CPU time (``time.process_time``, not wall clock:
the machine is shared) and the spread of its runs are kept.  Printed per group: median,
90th percentile and max of the per-report median, with the spread (max − min over the
repeats) — and what the import got right:

* cells exact / not read (ambiguous or unreadable rows) / **invented** (must be 0);
* published errors: ``check`` on the collapsed import against ``check`` on the page as
  printed — errors found on both, hidden (a row not read), **false** (must be 0).

    .venv/bin/python bench/bench_collapsed.py --seeds 10 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import collapsed_errors  # noqa: E402

from reportgen.importer import import_text  # noqa: E402
from reportgen.validate import check_text  # noqa: E402


def errors_of(result) -> set[tuple]:
    problems = check_text(result.to_yaml(), "<import>").problems
    return {(p.rule, p.table, p.row, p.col) for p in problems if p.is_error}


def measure(case, repeat: int) -> dict:
    text = case.collapsed()
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        result = import_text(text)
        times.append(time.process_time() - t0)
    got = collapsed_errors.imported_cells(result, case.fmt_id)
    printed = errors_of(import_text(case.text))
    found = {e for e in errors_of(result) if e[0] != "E-MISSING"}
    return {
        "time": statistics.median(times),
        "spread": max(times) - min(times),
        "cells": len(case.cells),
        "exact": sum(got[k] == v for k, v in case.cells.items()),
        "unread": sum(got[k] is None for k in case.cells),
        "invented": sum(got[k] is not None and got[k] != v for k, v in case.cells.items()),
        "errors": len(printed),
        "errors_found": len(found & printed),
        "unread_rows": sum(not r.readable for r in result.rows.values()),
        "false_errors": len(found - printed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=6, help="drawn reports per size")
    parser.add_argument("--repeat", type=int, default=3, help="imports of each report")
    args = parser.parse_args()
    cases = collapsed_errors.seed_cases() + collapsed_errors.drawn_cases(
        range(args.seeds), errors=(0, 1, 2, 3)
    )
    import_text(cases[0].collapsed())  # warm caches and the OR-Tools import
    groups: dict[str, list[dict]] = defaultdict(list)
    slowest = []
    for case in cases:
        m = measure(case, args.repeat)
        group = "seed"
        if case.name.startswith("drawn"):
            kind = "clean" if case.name.endswith("-0err") else "errors"
            group = f"{case.name.split('-')[1]}-{kind}"
        groups[group].append(m)
        groups["all"].append(m)
        slowest.append((m["time"], case.name))
    for group, ms in groups.items():
        times = sorted(m["time"] for m in ms)
        p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
        total = {k: sum(m[k] for m in ms) for k in ms[0] if k not in ("time", "spread")}
        print(
            f"{group:12} {len(ms):3} reports: CPU median {1000 * statistics.median(times):.0f} ms, "
            f"p90 {1000 * p90:.0f} ms, max {1000 * times[-1]:.0f} ms "
            f"(repeat spread median {1000 * statistics.median(m['spread'] for m in ms):.0f} ms); "
            f"cells exact {100 * total['exact'] / total['cells']:.1f}%, "
            f"not read {100 * total['unread'] / total['cells']:.1f}%, "
            f"invented {total['invented']}; published errors {total['errors']}: "
            f"found {total['errors_found']}, false {total['false_errors']}"
        )
    print("slowest:", ", ".join(f"{n} {1000 * t:.0f} ms" for t, n in sorted(slowest)[-5:]))


if __name__ == "__main__":
    main()

"""The cascade patches alone (``render/weasy_cascade.py``): A/B in one process (a script).

    .venv/bin/python bench/bench_cascade.py [REPORT.yaml] [--runs N]

Typesets the report again and again in one process, alternating document by document
between WeasyPrint's own ``StyleFor.__init__`` and ``AnonymousStyle.__missing__`` and
the patched ones (every other patch stays installed on both sides), and prints the CPU
time a document (``time.process_time``) of each side and the per-pair saving, medians
with quartiles and extremes.  One process and alternated pairs: load on a shared
machine hits both sides alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _summary(values: list[float], scale: float = 1000) -> str:
    values = sorted(v * scale for v in values)
    q1, median, q3 = statistics.quantiles(values, n=4)
    return (
        f"median {median:.1f} ms (quartiles {q1:.1f}–{q3:.1f}, "
        f"min {values[0]:.1f}, max {values[-1]:.1f}, n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "report", nargs="?", type=Path, default=ROOT / "samples" / "002-zengcheng-2020.yaml"
    )
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from reportgen.render import weasy
    from reportgen.render.pdf import html_to_pdf, print_html
    from reportgen.validate import check_file

    weasy.load()
    from weasyprint import css

    mine = [
        (owner, name, original, new)
        for owner, name, original, new in weasy._PATCHES
        if owner in (css.StyleFor, css.AnonymousStyle)
    ]
    if not mine:
        sys.exit("the cascade patches are not installed (WeasyPrint 70.x and pydyf 0.13.x only)")
    page = print_html(check_file(args.report).report)
    html_to_pdf(page)
    times: dict[bool, list[float]] = {False: [], True: []}
    for run in range(2 * args.runs):
        patched = bool(run % 2) ^ bool(run // 2 % 2)  # ABBA order
        for owner, name, original, new in mine:
            setattr(owner, name, new if patched else original)
        start = time.process_time()
        html_to_pdf(page)
        times[patched].append(time.process_time() - start)
    for owner, name, _, new in mine:
        setattr(owner, name, new)
    print(f"released cascade: {_summary(times[False])}")
    print(f"patched cascade:  {_summary(times[True])}")
    saving = [a - b for a, b in zip(times[False], times[True], strict=True)]
    print(f"saving per pair:  {_summary(saving)}")


if __name__ == "__main__":
    main()

"""Stylesheets remembered across documents: their saving, alternated in one process.

    .venv/bin/python bench/bench_css.py [REPORT.yaml] [--runs N]

Typesets the report's print page again and again with the patches of
``reportgen/render/weasy_css.py`` undone and installed, alternately (every other
patch stays installed), and prints the CPU time (``time.process_time``) of each side
and the saving per pair: for the whole document, and for WeasyPrint's cascade alone
(``get_all_computed_styles`` of the same page, which is where the patches act and
which varies far less).  A script, not a test.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = "reportgen.render.weasy_css"
sys.path.insert(0, str(ROOT))


def _figures(name: str, values: list[float]) -> str:
    q1, _, q3 = statistics.quantiles(values, n=4)
    return (
        f"{name}: median {statistics.median(values) * 1000:.1f} ms"
        f" (quartiles {q1 * 1000:.1f}–{q3 * 1000:.1f}, min {min(values) * 1000:.1f},"
        f" max {max(values) * 1000:.1f}, n={len(values)})"
    )


def alternate(work, runs: int) -> dict[str, list[float]]:
    """CPU seconds of ``work()`` with this module's patches off and on, alternated."""
    from reportgen.render import weasy

    mine = [p for p in weasy._PATCHES if getattr(p[3], "__module__", None) == MODULE]
    if not mine:
        raise SystemExit("the stylesheet patches are not installed (WeasyPrint 70 needed)")

    def off() -> None:
        for owner, name, original, _ in mine:
            setattr(owner, name, original)

    def on() -> None:
        for owner, name, _, replacement in mine:
            setattr(owner, name, replacement)

    sides = {"off": off, "on": on}
    for side in (off, on, off, on):
        side()
        work()
    seen: dict[str, list[float]] = {"off": [], "on": []}
    try:
        for run in range(runs):
            for name in ("off", "on") if run % 2 else ("on", "off"):
                sides[name]()
                start = time.process_time()
                work()
                seen[name].append(time.process_time() - start)
    finally:
        on()
    return seen


def report(title: str, seen: dict[str, list[float]]) -> None:
    print(title)
    print("  " + _figures("patches undone", seen["off"]))
    print("  " + _figures("patches installed", seen["on"]))
    saving = [a - b for a, b in zip(seen["off"], seen["on"], strict=True)]
    print("  " + _figures("saving per pair", saving))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "report", nargs="?", default=str(ROOT / "samples" / "002-zengcheng-2020.yaml")
    )
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()

    from reportgen.render import weasy
    from reportgen.render.html import builtin_template_dir
    from reportgen.render.pdf import html_to_pdf, print_html
    from reportgen.validate import check_file

    page = print_html(check_file(args.report).report)
    weasyprint = weasy.load()
    from weasyprint.css import get_all_computed_styles
    from weasyprint.css.counters import CounterStyle

    html = weasyprint.HTML(string=page, base_url=builtin_template_dir().resolve().as_uri() + "/")

    def cascade() -> None:
        with weasy.typesetting():
            get_all_computed_styles(
                html,
                font_config=weasy.font_config(),
                counter_style=CounterStyle(),
                color_profiles={},
                page_rules=[],
                layers=[],
            )

    report(f"warm document ({args.report}):", alternate(lambda: html_to_pdf(page), args.runs))
    gc.collect()
    report("cascade alone (get_all_computed_styles):", alternate(cascade, args.runs * 3))


if __name__ == "__main__":
    main()

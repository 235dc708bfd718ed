"""What keeping labels on a table's continuation page costs (a script, not a test).

    .venv/bin/python bench/bench_table_breaks.py [--runs N]

CPU time (``time.process_time``, less affected by other work on the shared machine) in one
warm process, median with the lowest and highest run:

* **check**: :func:`reportgen.render.table_breaks.cut_spans` on the laid-out document of
  each sample report (all of them keep their tables whole): the whole extra cost of an
  ordinary PDF, which is laid out once as before.
* **pdf**: a whole PDF of each sample report in the built-in layout, and of the first
  sample in a roomier table layout (taller lines and rows, ``tests/test_table_continue.py``)
  where table 三 continues and is laid out again once per cut.
* **docx**: a whole DOCX of the same, the roomier one cut into parts by estimated heights.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_table_continue import DOCX_YAML, PRINT_CSS  # noqa: E402

from reportgen.render import table_breaks, weasy  # noqa: E402
from reportgen.render.docx import render_docx  # noqa: E402
from reportgen.render.pdf import html_to_pdf, print_html  # noqa: E402
from reportgen.validate import check_file  # noqa: E402


def _cpu(function, runs: int) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return statistics.median(times), min(times), max(times)


def _show(label: str, figures: tuple[float, float, float]) -> None:
    median, low, high = (1000 * f for f in figures)
    print(f"{label:<44} {median:8.2f} ms  ({low:.2f}–{high:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    weasyprint = weasy.load()
    samples = sorted((ROOT / "samples").glob("*.yaml"))
    reports = {path.stem: check_file(str(path)).report for path in samples}
    for name, report in reports.items():
        document = weasyprint.HTML(string=print_html(report)).render(
            font_config=weasy.font_config()
        )
        assert table_breaks.cut_spans(document) == [], name
        _show(f"check {name}", _cpu(lambda d=document: table_breaks.cut_spans(d), args.runs * 5))
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder)
        (template / "print.css").write_text(PRINT_CSS, encoding="utf-8")
        (template / "docx.yaml").write_text(DOCX_YAML, encoding="utf-8")
        first = next(iter(reports))
        cases = [(name, report, None) for name, report in reports.items()]
        cases.append((f"{first} (roomier tables)", reports[first], template))
        for name, report, folder_ in cases:
            page = print_html(report, template_dir=folder_)
            html_to_pdf(page, folder_)  # warm the fonts and subsets of this layout
            _show(f"pdf {name}", _cpu(lambda p=page, t=folder_: html_to_pdf(p, t), args.runs))
        for name, report, folder_ in cases:
            _show(
                f"docx {name}",
                _cpu(lambda r=report, t=folder_: render_docx(r, template_dir=t), args.runs * 3),
            )


if __name__ == "__main__":
    main()

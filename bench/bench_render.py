"""Measure rendering speed and PDF size (a script, not a test: timings depend on the machine).

    .venv/bin/python bench/bench_render.py [REPORT.yaml] [--runs N]

Uses ``samples/002-*.yaml`` (a transcribed published report with real, non-zero figures)
unless a report file is given.  Prints, for the warm process, the best and median time of
checking the file and of rendering HTML, DOCX and PDF; then the wall time of a cold
``reportgen build`` of all three formats (a new process each run, as a user runs it); and
the size of the PDF.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"pdf_warm": 0.35, "build_cold": 1.5, "pdf_bytes": 250_000}


def default_report() -> Path:
    found = sorted((ROOT / "samples").glob("002-*.yaml"))
    if not found:
        raise SystemExit("samples/002-*.yaml not found: give a report file")
    return found[0]


def timed(fn, runs: int) -> tuple[float, float, object]:
    fn()  # warm up: imports, font loading, caches
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def cold_build(path: Path, runs: int, formats: str) -> tuple[float, float]:
    exe = Path(sys.executable).with_name("reportgen")
    times = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(
                [str(exe), "build", str(path), "-o", out, "--to", formats],
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    path = args.report or default_report()

    from reportgen.render.docx import render_docx
    from reportgen.render.html import render_html
    from reportgen.render.pdf import html_to_pdf
    from reportgen.validate import check_file

    outcome = check_file(path)
    if outcome.report is None or not outcome.ok:
        raise SystemExit(f"{path} has errors; fix them first (reportgen check)")
    report = outcome.report
    html = render_html(report)

    rows = []
    best, median, _ = timed(lambda: check_file(path), args.runs)
    rows.append(("check (validate)", best, median))
    best, median, _ = timed(lambda: render_html(report), args.runs)
    rows.append(("HTML", best, median))
    best, median, _ = timed(lambda: render_docx(report), args.runs)
    rows.append(("DOCX", best, median))
    best, median, pdf = timed(lambda: html_to_pdf(html), args.runs)
    rows.append(("PDF (warm process)", best, median))
    pdf_best = best
    cold = cold_build(path, max(3, args.runs // 2), "html,docx,pdf")
    rows.append(("reportgen build, 3 formats (cold)", *cold))
    cold_pdf = cold_build(path, max(3, args.runs // 2), "pdf")
    rows.append(("reportgen build --to pdf (cold)", *cold_pdf))

    print(f"report: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    print(f"{'step':36} {'best':>8} {'median':>8}")
    for name, b, m in rows:
        print(f"{name:36} {b:7.3f}s {m:7.3f}s")
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"PDF size: {len(pdf) / 1000:.0f} KB, {pages} pages")
    print(
        "targets: PDF warm <= {pdf_warm}s ({a}), cold build <= {build_cold}s ({b}), "
        "PDF <= {kb} KB ({c})".format(
            **TARGETS,
            kb=TARGETS["pdf_bytes"] // 1000,
            a="met" if pdf_best <= TARGETS["pdf_warm"] else "missed",
            b="met" if cold[0] <= TARGETS["build_cold"] else "missed",
            c="met" if len(pdf) <= TARGETS["pdf_bytes"] else "missed",
        )
    )


if __name__ == "__main__":
    main()

"""Time the DOCX renderer on a full report in a warm process, and report the file size.

Usage: ``.venv/bin/python bench/bench_docx.py [REPORT.yaml ...] [--runs N]``

Without a file it renders the two complete reports of the DOCX tests (2021 and 2019
formats: every cell a distinct number, narrative with headings, bold and placeholders).
The first render of a process pays for imports and for building the cached empty package;
the figure that matters is the warm one, the median of the following runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def reports(paths: list[str]):
    if paths:
        from reportgen.validate import check_file

        for path in paths:
            outcome = check_file(path)
            if outcome.report is None:
                sys.exit(f"{path}: 无法读取报告")
            yield path, outcome.report
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from test_render_docx import full_data, load

    for year in (2024, 2020):
        yield f"full report {year}", load(full_data(year))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from reportgen.render.docx import render_docx

    for name, report in reports(args.files):
        start = time.perf_counter()
        data = render_docx(report)
        first = time.perf_counter() - start
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            again = render_docx(report)
            times.append(time.perf_counter() - start)
            assert again == data, "output is not deterministic"
        print(
            f"{name}: first {first * 1000:.1f} ms, warm median "
            f"{statistics.median(times) * 1000:.1f} ms (min {min(times) * 1000:.1f}, "
            f"max {max(times) * 1000:.1f}, {args.runs} runs), {len(data) / 1024:.1f} KB"
        )


if __name__ == "__main__":
    main()

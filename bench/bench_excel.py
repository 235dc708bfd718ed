"""Benchmark the Excel workbooks: ``export --to xlsx`` and ``import`` of a workbook.

For each sample report, builds the workbook in memory and reads it back (through a file,
as ``reportgen import`` does), ``--repeat`` times, and prints the median and the spread
(min–max) in milliseconds per report for each direction, plus the cost of importing
openpyxl once (which only ``export``, ``init --xlsx`` and ``import *.xlsx`` pay).

    .venv/bin/python bench/bench_excel.py --repeat 20
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


def _spread(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return f"median {statistics.median(ms):.1f} ms (min {min(ms):.1f}, max {max(ms):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    started = time.perf_counter()
    code = "import time; t = time.perf_counter(); import openpyxl; print(time.perf_counter() - t)"
    imports = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)
        for _ in range(5)
    ]
    from reportgen.excel.reader import import_workbook
    from reportgen.excel.workbook import build_workbook
    from reportgen.validate import load_report

    reports = [load_report(p) for p in sorted((ROOT / "samples").glob("*.yaml"))]
    write: list[float] = []
    read: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            for n, report in enumerate(reports):
                t = time.perf_counter()
                data = build_workbook(report.format, report, year=report.year, agency=report.agency)
                write.append(time.perf_counter() - t)
                path = Path(tmp) / f"{n}.xlsx"
                path.write_bytes(data)
                t = time.perf_counter()
                import_workbook(path)
                read.append(time.perf_counter() - t)
    print(f"{len(reports)} samples × {args.repeat} rounds")
    print(f"import openpyxl (fresh process, 5 runs): {_spread(imports)}")
    print(f"export --to xlsx, per report:            {_spread(write)}")
    print(f"import of a workbook, per report:        {_spread(read)}")
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

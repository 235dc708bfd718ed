"""Benchmark ``reportgen audit`` on many published text and HTML reports.

Writes ``--count`` distinct published reports into a temporary folder — half plain text
(the seed reports of ``tests/data/published`` with another agency and other numbers), half
HTML pages rendered from generated balanced reports (``tests/members.py``) — then runs
``reportgen audit FOLDER -j JOBS`` ``--runs`` times as a fresh process and prints the wall
time of each run (best, median, worst) and the peak memory of the largest process.
Memory is measured at several sizes to show it stays flat.

    .venv/bin/python bench/bench_audit.py --count 1000 --jobs 2 --runs 3
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "data" / "published"
sys.path.insert(0, str(ROOT / "tests"))

_PEAK = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
"""


def _vary(text: str, n: int, rng: random.Random) -> str:
    """Another agency, other numbers, the same published layout."""
    text = re.sub(
        r"(?m)^(\s*)(-?\d{1,3})(\s*)$", lambda m: f"{m[1]}{rng.randint(0, 99)}{m[3]}", text
    )
    return text.replace("工业和信息化局", f"第{n}局", 2)


def write_corpus(folder: Path, count: int) -> None:
    from members import member_data

    from reportgen.definition import format_for_year
    from reportgen.render.html import render_html
    from reportgen.validate import check_text
    from reportgen.writer import dump_report

    rng = random.Random(1)
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for n in range(count):
        if n % 2:
            year = 2020 + n % 5
            fmt = format_for_year(year)
            data = member_data(fmt, f"某某市第{n}局", year, random.Random(n))
            report = check_text(dump_report(fmt, data)).report
            (folder / f"{n:05d}.html").write_text(render_html(report, []), encoding="utf-8")
        else:
            page = _vary(texts[n % len(texts)], n, rng)
            (folder / f"{n:05d}.txt").write_text(page, encoding="utf-8")


def audit_once(folder: Path, out: Path, jobs: int) -> tuple[float, int, float]:
    """Seconds of one cold ``reportgen audit`` run, the peak RSS (KB) of its largest
    process, and the CPU seconds of all its processes (which other load does not inflate)."""
    cmd = [sys.executable, "-m", "reportgen", "audit", str(folder), "-o", str(out), "-j", str(jobs)]
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", _PEAK, *cmd], capture_output=True, text=True, check=True
    )
    peak, cpu = run.stdout.split()
    return time.perf_counter() - started, int(peak), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--memory-sizes", default="250,500", help="smaller sizes whose peak memory is also shown"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sizes = sorted({*map(int, args.memory_sizes.split(",")), args.count})
        for size in sizes:
            folder = root / f"in-{size}"
            folder.mkdir()
            write_corpus(folder, size)
            times, peaks, cpus = [], [], []
            for i in range(args.runs if size == args.count else 1):
                seconds, peak, cpu = audit_once(folder, root / f"out-{size}-{i}", args.jobs)
                times.append(seconds)
                peaks.append(peak)
                cpus.append(cpu)
            print(
                f"{size} reports, -j {args.jobs}: wall best {min(times):.2f} s, "
                f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s; "
                f"CPU {min(cpus):.1f}–{max(cpus):.1f} s; "
                f"peak memory {max(peaks) / 1024:.0f} MB; load {os.getloadavg()[0]:.1f}"
            )


if __name__ == "__main__":
    main()

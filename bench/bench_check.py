"""Benchmark validation: throughput in one process, and the cold ``reportgen check``.

Run: .venv/bin/python bench/bench_check.py [--seconds N]
Prints reports/s (YAML parsing included) over the bundled samples, and the median wall time
of a fresh ``reportgen check`` process on one sample.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def throughput(files: list[Path], seconds: float) -> float:
    from reportgen.source import parse_text
    from reportgen.validate import check_source

    texts = [(f.read_text(encoding="utf-8"), str(f)) for f in files]
    for text, name in texts:  # warm-up: model building, rule expansion
        check_source(parse_text(text, name))
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for text, name in texts:
            check_source(parse_text(text, name))
            done += 1
    return done / (time.perf_counter() - start)


def cold_check(path: Path, runs: int) -> float:
    exe = ROOT / ".venv" / "bin" / "reportgen"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "reportgen"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*cmd, "check", str(path)], capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    files = sorted((ROOT / "samples").glob("*.yaml"))
    rate = throughput(files, args.seconds)
    print(f"validation throughput: {rate:,.0f} reports/s ({len(files)} samples, one process)")
    sample = ROOT / "samples" / "002-zengcheng-2020.yaml"
    print(f"cold `reportgen check` of one file: {cold_check(sample, args.runs):.3f} s (median)")


if __name__ == "__main__":
    main()

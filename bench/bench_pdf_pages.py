"""Benchmark PDF import per page (reading by word position, then the table parser).

Imports every PDF of the layout corpus (bench/layout_corpus.py; built into a temporary
folder unless CORPUS_DIR holds one) ``--repeat`` times in one process and prints the time
per page: median, 10th and 90th percentile, min and max over all runs, and per layout —
wall-clock time and the process's CPU time (on a shared machine the wall clock also
counts the time other processes had the CPU).

    .venv/bin/python bench/bench_pdf_pages.py [CORPUS_DIR] --repeat 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import layout_corpus

from reportgen.importer import import_file


def _spread(values: list[float]) -> str:
    q = statistics.quantiles(values, n=10) if len(values) > 1 else [values[0]] * 9
    return (
        f"median {statistics.median(values):.3f} s  p10 {q[0]:.3f}  p90 {q[-1]:.3f}  "
        f"min {min(values):.3f}  max {max(values):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    out = Path(args.corpus) if args.corpus else Path(tempfile.mkdtemp(prefix="layouts-"))
    if (out / "manifest.json").is_file():
        manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    else:
        manifest = layout_corpus.build(out)
    import pypdf

    pdfs = [(e["layout"], out / e["file"]) for e in manifest if e["file"].endswith(".pdf")]
    pages = {path: len(pypdf.PdfReader(str(path)).pages) for _, path in pdfs}
    import_file(pdfs[0][1])  # warm up: imports, label index
    wall: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.repeat):
        for layout, path in pdfs:
            start, start_cpu = time.perf_counter(), time.process_time()
            import_file(path)
            for times, spent in ((wall, time.perf_counter() - start),
                                 (cpu, time.process_time() - start_cpu)):  # fmt: skip
                times[layout].append(spent / pages[path])
                times["all"].append(spent / pages[path])
    total = sum(pages.values())
    print(f"{len(pdfs)} PDFs, {total} pages, {args.repeat} runs; seconds per page")
    for name, times in (("wall clock", wall), ("CPU", cpu)):
        print(name)
        for layout in ["all", *sorted(k for k in times if k != "all")]:
            print(f"  {layout:24} {_spread(times[layout])}")


if __name__ == "__main__":
    main()

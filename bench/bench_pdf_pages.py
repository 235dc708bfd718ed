"""Benchmark PDF import per page (reading by word position, then the table parser).

Imports every PDF of the layout corpus (bench/layout_corpus.py; built into a temporary
folder unless CORPUS_DIR holds one) ``--repeat`` times in one process and prints the time
per page: median, 10th and 90th percentile, min and max over all runs, and per layout.

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
    per_page: list[float] = []
    by_layout: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.repeat):
        for layout, path in pdfs:
            start = time.perf_counter()
            import_file(path)
            value = (time.perf_counter() - start) / pages[path]
            per_page.append(value)
            by_layout[layout].append(value)
    total = sum(pages.values())
    print(f"{len(pdfs)} PDFs, {total} pages, {args.repeat} runs")
    print(f"{'all':24} {_spread(per_page)}")
    for layout, values in sorted(by_layout.items()):
        print(f"{layout:24} {_spread(values)}")


if __name__ == "__main__":
    main()

"""Benchmark ``reportgen import`` on many text and HTML reports.

Makes ``--count`` distinct reports by varying the agency, year and every number of the seed
reports (text) and of HTML pages rendered from ``samples/*.yaml`` (when the HTML renderer is
present), then imports them all in one process and prints reports per second.

    .venv/bin/python bench/bench_import.py --count 2000
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reportgen.importer import import_document
from reportgen.importer.sources import Document, html_lines, text_lines

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(__file__).resolve().parent.parent / "tests" / "data" / "published"


def _vary(text: str, n: int, rng: random.Random) -> str:
    """A different report with the same layout: other agency, other numbers."""
    text = re.sub(
        r"(?m)^(\s*)(-?\d{1,3})(\s*)$", lambda m: f"{m[1]}{rng.randint(0, 99)}{m[3]}", text
    )
    return text.replace("工业和信息化局", f"第{n}局", 1)


def sources(count: int) -> list[tuple[str, str]]:
    rng = random.Random(1)
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    htmls = []
    samples = sorted((ROOT / "samples").glob("*.yaml"))
    if samples:
        with tempfile.TemporaryDirectory() as tmp:
            run = subprocess.run(
                [sys.executable, "-m", "reportgen", "build", *map(str, samples), "-o", tmp,
                 "--to", "html", "--draft", "-j", "1"],
                capture_output=True,
            )  # fmt: skip
            if run.returncode in (0, 1):
                htmls = [p.read_text(encoding="utf-8") for p in sorted(Path(tmp).glob("*.html"))]
    out = []
    for n in range(count):
        if htmls and n % 2:
            page = htmls[n % len(htmls)]
            out.append(("html", re.sub(r">(\d{1,3})<", lambda m: f">{rng.randint(0, 99)}<", page)))
        else:
            out.append(("text", _vary(texts[n % len(texts)], n, rng)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    corpus = sources(args.count)
    started = time.perf_counter()
    complete = {"text": 0, "html": 0}
    total = {"text": 0, "html": 0}
    elapsed = {"text": 0.0, "html": 0.0}
    for kind, content in corpus:
        t0 = time.perf_counter()
        lines = text_lines(content) if kind == "text" else html_lines(content)
        result = import_document(Document(lines, kind, f"<{kind}>"))
        elapsed[kind] += time.perf_counter() - t0
        total[kind] += 1
        complete[kind] += result.complete
    wall = time.perf_counter() - started
    for kind in ("text", "html"):
        if total[kind]:
            print(
                f"{kind}: {total[kind]} reports, {total[kind] / elapsed[kind]:.0f} reports/s, "
                f"{complete[kind]} read completely"
            )
    print(f"all: {len(corpus)} reports in {wall:.2f} s = {len(corpus) / wall:.0f} reports/s")


if __name__ == "__main__":
    main()

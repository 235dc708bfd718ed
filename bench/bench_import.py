"""Benchmark ``reportgen import`` on many text and HTML reports.

Makes ``--count`` distinct reports by varying the agency, year and every number of the seed
reports (text) and of HTML pages rendered from ``samples/*.yaml`` (when the HTML renderer is
present), then imports them all in one process and prints reports per second.

    .venv/bin/python bench/bench_import.py --count 2000 --repeat 5

Text and HTML are timed over ``--repeat`` runs (mean ± standard deviation, median, range),
by the wall clock and by the process's CPU time (``time.process_time``: on a machine shared
with other work the CPU figure varies less); reports collapsed to one line (the whole-table
solver's path) are timed one by one.  ``--files`` writes the reports to files first and
times ``import_file`` on them, as ``reportgen import`` runs: reading, decoding, recognising
HTML saved as text and removing refused characters included.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from reportgen.importer import import_document, import_file
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


def collapsed(text: str) -> str:
    """The report with every space and line break lost, as some crawlers keep it."""
    return re.sub(r"\s+", "", text)


def run_once(corpus: list[tuple[str, Any]]) -> dict[str, tuple[int, float, int, float]]:
    """Per kind: (reports, seconds, read completely, CPU seconds).

    An entry is (kind, text) or (kind, path of a file holding it).
    """
    out: dict[str, list] = {}
    for kind, content in corpus:
        t0 = time.perf_counter()
        c0 = time.process_time()
        if isinstance(content, Path):
            result = import_file(content)
        else:
            lines = html_lines(content) if kind == "html" else text_lines(content)
            result = import_document(Document(lines, kind, f"<{kind}>"))
        entry = out.setdefault(kind, [0, 0.0, 0, 0.0])
        entry[0] += 1
        entry[1] += time.perf_counter() - t0
        entry[2] += result.complete
        entry[3] += time.process_time() - c0
    return {k: tuple(v) for k, v in out.items()}


def _figure(values: list[float]) -> str:
    """Mean ± standard deviation, median and range of reports per second."""
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return (
        f"{statistics.mean(values):.0f} ± {spread:.0f} reports/s (median "
        f"{statistics.median(values):.0f}, min {min(values):.0f}, max {max(values):.0f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5, help="runs, for the spread")
    parser.add_argument(
        "--collapsed", type=int, default=50, help="reports collapsed to one line (solver path)"
    )
    parser.add_argument(
        "--files", action="store_true", help="import from files, as `reportgen import` does"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _measure(args, Path(tmp))


def _measure(args: argparse.Namespace, tmp: Path) -> None:
    corpus: list[tuple[str, Any]] = sources(args.count)
    if args.files:
        for n, (kind, content) in enumerate(corpus):
            path = tmp / f"{n}.{'html' if kind == 'html' else 'txt'}"
            path.write_text(content, encoding="utf-8")
            corpus[n] = (kind, path)
    run_once(corpus[:10])  # warm the caches (definitions, label index, zhconv)
    rates: dict[str, list[float]] = {}
    cpu_rates: dict[str, list[float]] = {}
    complete: dict[str, int] = {}
    for _ in range(args.repeat):
        for kind, (n, seconds, done, cpu) in run_once(corpus).items():
            rates.setdefault(kind, []).append(n / seconds)
            cpu_rates.setdefault(kind, []).append(n / cpu)
            complete[kind] = done
    print(f"ortools imported by text/HTML imports: {'ortools' in sys.modules}")
    for kind, values in rates.items():
        print(
            f"{kind}: {_figure(values)} wall; {_figure(cpu_rates[kind])} CPU "
            f"({args.repeat} runs of {args.count // 2}), {complete[kind]} read completely"
        )
    if args.collapsed:
        texts = [c.read_text("utf-8") if isinstance(c, Path) else c for k, c in corpus]
        texts = [t for (kind, _), t in zip(corpus, texts, strict=True) if kind == "text"]
        flat = [("one_line", collapsed(c)) for c in texts][: args.collapsed]
        t0 = time.perf_counter()
        run_once(flat[:1])
        first = time.perf_counter() - t0
        times = []
        for kind, content in flat:
            t = time.perf_counter()
            import_document(Document(text_lines(content), kind, "<one_line>"))
            times.append(time.perf_counter() - t)
        print(
            f"collapsed to one line: median {1000 * statistics.median(times):.0f} ms, "
            f"max {1000 * max(times):.0f} ms per report ({len(times)} reports; first one, "
            f"with the OR-Tools import, {1000 * first:.0f} ms)"
        )


if __name__ == "__main__":
    main()

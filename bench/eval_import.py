"""Measure ``reportgen import`` on a corpus of published reports with known values.

A corpus is a folder of pairs: a published report in any layout (``name.txt``,
``name.html``, ``name.md``, ``name.pdf``, ``name.docx`` …) and next to it ``name.yaml``, the
report file written by hand from it (several sources may share one expected file:
``name.one_line.txt`` is checked against ``name.yaml``).  Printed: cells exact (of the cells
the expected file gives), cells not read, **invented** numbers (a cell imported with a value
the report does not publish — must be 0), agency and year right, per layout.

    .venv/bin/python bench/eval_import.py CORPUS
    .venv/bin/python bench/eval_import.py --make-corpus /tmp/corpus   # from samples/*.yaml

``--make-corpus`` renders each sample as HTML and PDF and writes the layouts crawlers and
converters produce from them (page source and fragment saved as text, markup inside a
JavaScript string, text with its line breaks lost three ways, ``pdftotext -layout``).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def expected_for(source: Path) -> Path | None:
    stem = source.name.split(".")[0]
    candidate = source.with_name(f"{stem}.yaml")
    return candidate if candidate.is_file() else None


def layout_of(source: Path) -> str:
    parts = source.name.split(".")
    return ".".join(parts[1:]) if len(parts) > 2 else parts[-1]


def imported_cells(result, report) -> dict[str, object]:
    """Every cell the expected report gives, as imported (None: not imported)."""
    out = {}
    for table in result.format.tables.values():
        for cell in table.cells.values():
            if cell.path not in report.values or (cell.computed and cell.path not in report.given):
                continue
            node = result.data.get(table.key, {})
            for part in (*cell.row.path, *cell.column.path):
                node = node.get(part, {}) if isinstance(node, dict) else {}
            out[cell.path] = None if isinstance(node, dict) else node
    return out


def _same(value, want) -> bool:
    """Equal as numbers (``0.0000`` is the published ``0`` at the stated precision)."""
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(str(value)) == Decimal(str(want))
    except InvalidOperation:
        return str(value) == str(want)


def evaluate(corpus: Path) -> int:
    from reportgen.errors import ReportgenError
    from reportgen.importer import import_file
    from reportgen.validate import load_report

    stats: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    invented_at: list[str] = []
    sources = sorted(p for p in corpus.iterdir() if p.suffix != ".yaml" and expected_for(p))
    for source in sources:
        report = load_report(expected_for(source))
        s = stats[layout_of(source)]
        s["reports"] += 1
        started = time.perf_counter()
        try:
            result = import_file(source)
        except ReportgenError:
            s["unreadable"] += 1
            s["cells"] += sum(1 for _ in report.values)
            s["missing"] += sum(1 for _ in report.values)
            continue
        s["seconds"] += time.perf_counter() - started
        s["agency"] += result.agency == report.agency
        s["year"] += result.year == report.year
        for path, value in imported_cells(result, report).items():
            want = report.values[path]
            s["cells"] += 1
            if value is None:
                s["missing"] += 1
            elif _same(value, want):
                s["exact"] += 1
            else:
                s["invented"] += 1
                invented_at.append(f"{source.name}: {path} = {value}, published {want}")
    total: dict[str, float] = defaultdict(float)
    print(f"{'layout':<14}{'reports':>8}{'cells':>8}{'exact':>9}{'not read':>10}"
          f"{'invented':>10}{'agency':>8}{'year':>7}{'ms/report':>11}")  # fmt: skip
    for layout, s in sorted(stats.items()):
        for k, v in s.items():
            total[k] += v
        _row(layout, s)
    _row("all", total)
    for line in invented_at[:20]:
        print("  invented:", line)
    return 1 if total["invented"] else 0


def _row(name: str, s: dict[str, float]) -> None:
    cells = s["cells"] or 1
    n = s["reports"] or 1
    read = n - s["unreadable"] or 1
    print(
        f"{name:<14}{int(s['reports']):>8}{int(s['cells']):>8}{s['exact'] / cells:>9.1%}"
        f"{s['missing'] / cells:>10.1%}{int(s['invented']):>10}{s['agency'] / n:>8.0%}"
        f"{s['year'] / n:>7.0%}{1000 * s['seconds'] / read:>11.1f}"
    )


# --------------------------------------------------------------------------- corpus


def make_corpus(out: Path) -> None:
    """Layouts of every sample, each with the sample as its expected report file."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_import import _page_as_text, _pdf_markdown, collapse

    from reportgen.validate import load_report

    out.mkdir(parents=True, exist_ok=True)
    samples = sorted((ROOT / "samples").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "reportgen", "build", *map(str, samples), "-o", tmp,
             "--to", "html,pdf", "--draft"],
            capture_output=True, check=False,
        )  # fmt: skip
        for sample in samples:
            report = load_report(sample)
            stem = sample.stem
            (out / f"{stem}.yaml").write_bytes(sample.read_bytes())
            html = (Path(tmp) / f"{stem}.html").read_text(encoding="utf-8")
            (out / f"{stem}.html").write_text(html, encoding="utf-8")
            for how in ("source", "fragment", "javascript"):
                (out / f"{stem}.{how}.txt").write_text(_page_as_text(html, how), encoding="utf-8")
            page = _page_as_text(html, "one_line")
            lines = re.sub(r"(?<=[。：])", "\n", page)  # the text as lines again
            for layout in ("one_line", "spaced", "few_lines"):
                (out / f"{stem}.{layout}.txt").write_text(collapse(lines, layout), encoding="utf-8")
            text = subprocess.run(
                ["pdftotext", "-layout", str(Path(tmp) / f"{stem}.pdf"), "-"],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            (out / f"{stem}.pdftext.txt").write_text(text, encoding="utf-8")
            title = f"{report.agency}{report.year}年政府信息公开工作年度报告"
            (out / f"{stem}.pdf.md").write_text(_pdf_markdown(text, title), encoding="utf-8")
            (out / f"{stem}.pdf").write_bytes((Path(tmp) / f"{stem}.pdf").read_bytes())
    print(f"corpus written to {out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--make-corpus", type=Path, metavar="DIR")
    args = parser.parse_args()
    if args.make_corpus:
        make_corpus(args.make_corpus)
        if not args.corpus:
            args.corpus = args.make_corpus
    if not args.corpus:
        parser.error("give a corpus folder or --make-corpus DIR")
    return evaluate(args.corpus)


if __name__ == "__main__":
    raise SystemExit(main())

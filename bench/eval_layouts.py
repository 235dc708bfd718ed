"""Cell accuracy of ``reportgen import`` per file layout, on the corpus of bench/layout_corpus.py.

Usage: ``python bench/eval_layouts.py [CORPUS_DIR]`` — builds the corpus into CORPUS_DIR
(default: a temporary folder) unless it already holds a manifest.json, imports every file
and prints, per layout, the share of hand-written cells read exactly (a blank cell must come
out blank), the files read completely, and the import time per PDF page (median and spread).
"""

from __future__ import annotations

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

from reportgen.errors import InputError
from reportgen.importer import import_file


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="layouts-"))
    manifest_path = out / "manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text("utf-8"))
    else:
        manifest = layout_corpus.build(out)
    import_file(out / manifest[0]["file"])  # warm up: label index, imports
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    per_page: list[float] = []
    failures = []
    for entry in manifest:
        path = out / entry["file"]
        start = time.perf_counter()
        try:
            result = import_file(path)
        except InputError as exc:
            result, error = None, str(exc).splitlines()[0]
        else:
            error = ""
        elapsed = time.perf_counter() - start
        if path.suffix == ".pdf":
            import pypdf

            per_page.append(elapsed / len(pypdf.PdfReader(str(path)).pages))
        right, total, wrong = layout_corpus.score(entry, result)
        t = totals[entry["layout"]]
        t[0] += right
        t[1] += total
        t[2] += 1
        t[3] += int(result is not None and result.complete)
        if wrong or error:
            failures.append((entry["file"], error or f"{len(wrong)} wrong: {', '.join(wrong[:4])}"))
    print(f"{'layout':26} {'files':>5} {'complete':>8} {'cells':>11} {'exact':>7}")
    grand = [0, 0]
    for layout, (right, total, files, complete) in sorted(totals.items()):
        share = f"{100 * right / total:6.1f}%" if total else "      -"
        print(f"{layout:26} {files:5} {complete:8} {right:5}/{total:<5} {share}")
        grand[0] += right
        grand[1] += total
    print(f"{'all':26} {'':5} {'':8} {grand[0]:5}/{grand[1]:<5} {100 * grand[0] / grand[1]:6.1f}%")
    if per_page:
        q = statistics.quantiles(per_page, n=10)
        print(
            f"PDF import time per page: median {statistics.median(per_page):.3f} s, "
            f"p10 {q[0]:.3f} s, p90 {q[-1]:.3f} s, max {max(per_page):.3f} s "
            f"({len(per_page)} PDFs)"
        )
    for name, why in failures:
        print(f"  {name}: {why}")


if __name__ == "__main__":
    main()

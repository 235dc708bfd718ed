"""PDF speed against a Typst reference, warm rendering, and batches (a script, not a test).

    .venv/bin/python bench/bench_pdf.py [REPORT.yaml] [--runs N] [--batch N]
    .venv/bin/python bench/bench_pdf.py --ab [REPORT.yaml ...] [--runs N]
    .venv/bin/python bench/bench_pdf.py --against TREE [REPORT.yaml] [--runs N]

Needs ``pip install typst`` (benchmark only).  Prints:

* **cold**: a new ``reportgen build --to pdf`` process against a new process typesetting
  the same content with Typst (``bench/typst_reference.py``: same page geometry, fonts and
  tables, reading the same report file), run alternately; the ratio of the medians and the
  spread of the per-pair ratios.  Measured as a ratio in one run so machine load affects
  both sides alike.
* **warm**: one process typesetting the report again and again as ``build --watch``
  does (best, median, worst), wall-clock and CPU time until the PDF is there
  (``time.process_time``: less affected by other work on a shared machine); then the CPU
  time of the garbage collection that follows each document while the result is shown,
  and of both together; once for the same report again and again, once with a figure
  in the text changed before each document.  ``--warm-only`` skips the cold and batch
  parts.
* **--ab** (only this): in one process, WeasyPrint and pydyf as released
  (``weasy.as_released()``) against reportgen's patches, alternated run by run, wall and
  CPU time with their spread and the per-pair saving.  With several reports the runs go
  through them in turn.  ``--forget`` drops what was remembered from earlier documents
  before each patched run (``weasy.forget()``): the figure for a document never seen
  before (a batch of different reports, the first build of ``--watch``).  The patched
  side also reports the CPU time until the PDF is there, the collection left until
  after it as the edit loop does; ``--released-under S`` repeats the figures for the
  pairs in which WeasyPrint as released took at most S seconds (the host's speed
  drifts; this compares with a measurement made at another speed).
* **--against TREE** (only this): the warm loop of this tree against the same loop of
  another source tree (for example ``git archive OLD | tar -x -C /tmp/old``), each in
  its own process with the tree first on the path, processes alternated; the medians
  and spread of the CPU time a document on each side.
* **batch**: ``reportgen build`` of N copies with ``-j 1`` and ``-j 2`` (speed-up), and the
  resident memory of each worker after every file (peak, at file 20 and at the last file).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOALS = {"cold_ratio": 2.5, "warm": 0.25, "batch_speedup": 1.9, "worker_mib": 200}


def _spread(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):.3f}s "
        f"(min {min(values):.3f}, max {max(values):.3f}, n={len(values)})"
    )


def _run(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def cold(report: Path, runs: int) -> dict[str, list[float]]:
    exe = str(Path(sys.executable).with_name("reportgen"))
    times: dict[str, list[float]] = {"reportgen": [], "typst": []}
    with tempfile.TemporaryDirectory() as out:
        rg = [exe, "build", str(report), "-o", out, "--to", "pdf"]
        ty = [sys.executable, str(ROOT / "bench" / "typst_reference.py"), str(report)]
        ty.append(str(Path(out) / "typst.pdf"))
        _run(rg), _run(ty)  # page cache, font cache
        for _ in range(runs):
            times["reportgen"].append(_run(rg))
            times["typst"].append(_run(ty))
    return times


def warm(report: Path, runs: int, edits: bool = False) -> dict[str, list[float]]:
    """Each warm typesetting of ``report`` as the edit loop does it (``build --watch``).

    ``wall``/``cpu``: until the PDF bytes are there (what the clerk waits for);
    ``collect``: CPU of the garbage collection run afterwards, while the result is shown;
    ``total``: CPU of both.  With ``edits`` every document differs from the one before
    (a number in the longest section's text changes, as when the clerk corrects a figure).
    """
    import dataclasses

    from reportgen.render import weasy
    from reportgen.render.pdf import html_to_pdf, print_html
    from reportgen.validate import check_file

    checked = check_file(report).report

    def page(run: int) -> str:
        if not edits:
            return print_html(checked)
        edited = max(checked.sections, key=lambda key: len(checked.sections[key]))
        sections = {**checked.sections, edited: f"{checked.sections[edited]}（第{run}次修改）"}
        return print_html(dataclasses.replace(checked, sections=sections))

    html_to_pdf(page(0))
    seen: dict[str, list[float]] = {"wall": [], "cpu": [], "collect": [], "total": []}
    for run in range(1, runs + 1):
        html = page(run)
        start, cpu = time.perf_counter(), time.process_time()
        with weasy.collection_deferred():
            html_to_pdf(html)
        seen["wall"].append(time.perf_counter() - start)
        seen["cpu"].append(time.process_time() - cpu)
        collected = time.process_time()
        weasy.collect_pending()
        seen["collect"].append(time.process_time() - collected)
        seen["total"].append(time.process_time() - cpu)
    return seen


def ab(
    reports: list[Path], runs: int, forget: bool = False, released_under: float | None = None
) -> None:
    """As released against patched, alternated in one process (see the module help)."""
    import contextlib

    from reportgen.render import weasy
    from reportgen.render.pdf import html_to_pdf, print_html
    from reportgen.validate import check_file

    pages = [print_html(check_file(r).report) for r in reports]
    weasy.load()
    sides = {"as released": weasy.as_released, "patched": contextlib.nullcontext}
    for page in pages:  # fonts loaded, first-document costs paid on both sides
        for side in sides.values():
            with side():
                html_to_pdf(page)
    seen: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in sides}
    until_pdf: list[float] = []  # patched, the collection left until after (the edit loop)
    for run in range(runs):
        order = list(sides) if run % 2 else list(sides)[::-1]
        for name in order:
            if forget:
                weasy.forget()
            with sides[name]():
                start, cpu = time.perf_counter(), time.process_time()
                with weasy.collection_deferred():
                    html_to_pdf(pages[run % len(pages)])
                if name == "patched":
                    until_pdf.append(time.process_time() - cpu)
                weasy.collect_pending()
                seen[name][0].append(time.perf_counter() - start)
                seen[name][1].append(time.process_time() - cpu)
    for name, (walls, cpus) in seen.items():
        print(f"{name:12s} wall {_spread(walls)}")
        print(f"{'':12s} CPU  {_spread(cpus)}")
    print(f"{'':12s} CPU until the PDF is there (collection after it) {_spread(until_pdf)}")
    saved = [a - b for a, b in zip(seen["as released"][1], seen["patched"][1], strict=True)]
    ratios = [b / a for a, b in zip(seen["as released"][1], seen["patched"][1], strict=True)]
    print(
        f"CPU saved per document: median {1000 * statistics.median(saved):.0f} ms "
        f"(min {1000 * min(saved):.0f}, max {1000 * max(saved):.0f}); "
        f"patched/released per pair {statistics.median(ratios):.2f} "
        f"({min(ratios):.2f}-{max(ratios):.2f}) (goal <= {GOALS['warm']}s a document)"
    )
    if released_under is not None:
        # The machine's speed drifts (a shared host): the pairs in which WeasyPrint as
        # released ran as fast as in an earlier measurement give that measurement's scale.
        kept = [i for i, cpu in enumerate(seen["as released"][1]) if cpu <= released_under]
        print(f"{len(kept)} pairs with as released <= {released_under}s:")
        if kept:
            for label, values in (
                ("as released", seen["as released"][1]),
                ("patched", seen["patched"][1]),
                ("patched, until the PDF is there", until_pdf),
            ):
                print(f"  {label}: CPU {_spread([values[i] for i in kept])}")


_WARM_LOOP = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from reportgen.render.pdf import html_to_pdf, print_html
from reportgen.validate import check_file
page = print_html(check_file(sys.argv[2]).report)
html_to_pdf(page)
cpus = []
for _ in range(int(sys.argv[3])):
    cpu = time.process_time()
    html_to_pdf(page)
    cpus.append(time.process_time() - cpu)
print(json.dumps(cpus))
"""


def against(report: Path, tree: Path, runs: int, rounds: int = 4) -> None:
    """This tree's warm loop against another tree's, alternated process by process."""
    import json

    sides = {"this tree": ROOT, str(tree): tree.resolve()}
    seen: dict[str, list[float]] = {name: [] for name in sides}
    for round_ in range(rounds):
        for name in list(sides) if round_ % 2 else list(sides)[::-1]:
            env = dict(os.environ, PYTHONPATH=str(sides[name]))
            out = subprocess.run(
                [sys.executable, "-c", _WARM_LOOP, str(sides[name]), str(report), str(runs)],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            ).stdout
            seen[name] += json.loads(out.strip().splitlines()[-1])
    for name, cpus in seen.items():
        print(f"{name}: CPU a warm document {_spread(cpus)}")
    ratio = statistics.median(seen["this tree"]) / statistics.median(seen[str(tree)])
    print(f"this tree / {tree}: {ratio:.2f} (goal: this tree <= {GOALS['warm']}s a document)")


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _build_and_measure(args) -> tuple[int, int, float]:
    from reportgen.render.build import BuildOptions, build_file

    index, name, out = args
    targets = {"pdf": Path(out) / f"{Path(name).stem}.pdf"}
    result = build_file(name, targets, BuildOptions(formats=("pdf",), outdir=Path(out)))
    if not result.ok:
        raise SystemExit(f"{name}: {result.status} {result.message}")
    return index, os.getpid(), _rss_mib()


def batch(report: Path, count: int) -> None:
    exe = str(Path(sys.executable).with_name("reportgen"))
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(count):
            target = Path(tmp) / f"r{i:04d}.yaml"
            shutil.copyfile(report, target)
            files.append(str(target))
        walls = {}
        for jobs in (1, 2):
            out = Path(tmp) / f"out{jobs}"
            walls[jobs] = _run(
                [exe, "build", *files, "-o", str(out), "--to", "pdf", "-j", str(jobs)]
            )
        print(
            f"batch of {count}: -j 1 {walls[1]:.1f}s, -j 2 {walls[2]:.1f}s, "
            f"speed-up {walls[1] / walls[2]:.2f}x (goal >= {GOALS['batch_speedup']}x)"
        )
        import multiprocessing

        memory: dict[int, list[tuple[int, float]]] = {}
        out = Path(tmp) / "mem"
        out.mkdir()
        jobs = [(i, name, str(out)) for i, name in enumerate(files)]
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
            for index, pid, rss in pool.map(_build_and_measure, jobs):
                memory.setdefault(pid, []).append((index, rss))
        for n, (_pid, seen) in enumerate(sorted(memory.items()), 1):
            values = [rss for _, rss in seen]
            at20 = values[min(19, len(values) - 1)]
            print(
                f"worker {n}: {len(values)} files, peak {max(values):.0f} MiB, "
                f"after file 20 {at20:.0f} MiB, after the last {values[-1]:.0f} MiB "
                f"(goal peak <= {GOALS['worker_mib']} MiB, flat)"
            )


def _print_warm(report: Path, runs: int) -> None:
    for edits, name in ((False, "the same report again"), (True, "one figure changed each time")):
        seen = warm(report, runs, edits)
        print(f"warm PDF, {name}: {_spread(seen['wall'])} (goal <= {GOALS['warm']}s)")
        print(f"  CPU until the PDF is there: {_spread(seen['cpu'])}")
        print(f"  collection after it, while idle: CPU {_spread(seen['collect'])}")
        print(f"  CPU a document with the collection: {_spread(seen['total'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="*", type=Path, metavar="REPORT.yaml")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--ab", action="store_true", help="only the released/patched A/B")
    parser.add_argument("--forget", action="store_true", help="--ab: nothing remembered")
    parser.add_argument(
        "--released-under", type=float, metavar="S", help="--ab: also the pairs released <= S"
    )
    parser.add_argument("--against", type=Path, metavar="TREE", help="warm loop against TREE")
    parser.add_argument("--warm-only", action="store_true", help="only the warm loop")
    args = parser.parse_args()
    reports = args.reports or [ROOT / "samples" / "002-zengcheng-2020.yaml"]
    if args.ab:
        ab(reports, args.runs, args.forget, args.released_under)
        return
    if args.against:
        against(reports[0], args.against, args.runs)
        return
    args.report = reports[0]
    if args.warm_only:
        _print_warm(args.report, args.runs)
        return

    times = cold(args.report, args.runs)
    ratios = [a / b for a, b in zip(times["reportgen"], times["typst"], strict=True)]
    print(f"cold reportgen build --to pdf: {_spread(times['reportgen'])}")
    print(f"cold Typst, same content:      {_spread(times['typst'])}")
    ratio = statistics.median(times["reportgen"]) / statistics.median(times["typst"])
    print(
        f"ratio of medians {ratio:.2f}x (pairs {min(ratios):.2f}-{max(ratios):.2f}x; "
        f"goal <= {GOALS['cold_ratio']}x)"
    )
    _print_warm(args.report, args.runs)
    if args.batch:
        batch(args.report, args.batch)


if __name__ == "__main__":
    main()

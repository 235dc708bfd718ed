"""One module's WeasyPrint patches off against on, in one warm process (a script, not a test).

    .venv/bin/python bench/bench_patch_module.py REPORT.yaml [--module M] [--pairs N]

Typesets the report's print page again and again in one process, alternating run by run
between every patch installed by ``reportgen/render/<M>.py`` put back to WeasyPrint's
own function and the patches in place (all other patches stay installed, so this is
the module's share of a warm document).  Prints the medians of the CPU time a document
(``time.process_time``) and the median and quartiles of the per-pair saving; the order
within each pair alternates so machine load hits both sides alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--module", default="weasy_layout", help="reportgen/render/<module>.py")
    parser.add_argument("--pairs", type=int, default=30)
    args = parser.parse_args()

    from reportgen.render import weasy
    from reportgen.render.pdf import html_to_pdf, print_html
    from reportgen.validate import check_file

    weasy.load()
    name = f"reportgen.render.{args.module}"
    mine = [p for p in weasy._PATCHES if getattr(p[3], "__module__", "") == name]
    if not mine:
        raise SystemExit(f"{name} installed no patch")

    def patched(on: bool) -> None:
        for owner, attribute, original, replacement in mine:
            setattr(owner, attribute, replacement if on else original)

    page = print_html(check_file(args.report).report)
    times: dict[bool, list[float]] = {False: [], True: []}
    for on in (False, True):  # warm both sides once
        patched(on)
        html_to_pdf(page)
    try:
        for pair in range(args.pairs):
            for on in (True, False) if pair % 2 else (False, True):
                patched(on)
                start = time.process_time()
                html_to_pdf(page)
                times[on].append(time.process_time() - start)
    finally:
        patched(True)
    saving = [(off - on) * 1000 for off, on in zip(times[False], times[True], strict=True)]
    quartiles = statistics.quantiles(saving, n=4)
    print(f"{len(mine)} patches of {name}: {sorted({p[1] for p in mine})}")
    print(
        f"CPU a document: off median {statistics.median(times[False]):.3f}s, "
        f"on median {statistics.median(times[True]):.3f}s ({args.pairs} pairs)"
    )
    print(
        f"saving per pair: median {statistics.median(saving):.1f} ms "
        f"(quartiles {quartiles[0]:.1f} to {quartiles[2]:.1f}, "
        f"min {min(saving):.1f}, max {max(saving):.1f})"
    )


if __name__ == "__main__":
    main()

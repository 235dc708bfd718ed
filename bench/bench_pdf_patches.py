"""The saving of some of the warm-renderer patches, measured in one process (a script).

    .venv/bin/python bench/bench_pdf_patches.py MODULE[,MODULE...] [REPORT.yaml] [--runs N]
        [--parts]

MODULE names modules of ``reportgen.render`` (for example ``weasy_draw,weasy_boxes``,
``weasy_css``, ``weasy_cascade``, ``weasy_layout``; ``weasy.PATCH_MODULES`` lists them).
The patches those modules installed through ``weasy._patch`` are switched off and on
document by document (alternated, the same report each time, every other patch on),
and the CPU time of each warm document (``time.process_time``) is compared pair by
pair: the median saving with its quartiles and extremes.  Pairs measured a few
hundred milliseconds apart in one process see the same machine load, so this is less
noisy than comparing separate processes on a shared machine.

``--parts`` also times the parts of a document the patches touch (:data:`PARTS`: the
cascade, box building, layout, drawing the pages, making the pages' anchors, the other
PDF objects and tags, writing the file), whose saving is then not lost in the noise of
the rest.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


#: (module, attribute, label) of the parts ``--parts`` times; ``generate_pdf`` is
#: counted without the drawing it calls.
PARTS = (
    ("weasyprint.document", "get_all_computed_styles", "cascade"),
    ("weasyprint.document", "build_formatting_structure", "box building"),
    ("weasyprint.document", "layout_document", "layout"),
    ("weasyprint.document", "Page.paint", "drawing"),
    ("weasyprint.document", "Page.__init__", "anchors"),
    ("weasyprint.document", "generate_pdf", "objects and tags"),
    ("pydyf", "PDF.write", "writing"),
)


def _time_parts(spent: dict[str, float]) -> None:
    """Wrap each of :data:`PARTS` to add its CPU time to ``spent`` (for this process)."""
    import importlib
    import inspect

    for module, attribute, label in PARTS:
        owner = importlib.import_module(module)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        inner = owner.__dict__[name]

        def timed(*args, _inner=inner, _label=label, **kwargs):
            start = time.process_time()
            try:
                return _inner(*args, **kwargs)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.process_time() - start

        def timed_steps(*args, _inner=inner, _label=label, **kwargs):
            """A generator (``layout_document``): only its own steps are counted."""
            steps = _inner(*args, **kwargs)
            while True:
                start = time.process_time()
                try:
                    item = next(steps)
                except StopIteration:
                    return
                finally:
                    spent[_label] = spent.get(_label, 0.0) + time.process_time() - start
                yield item

        setattr(owner, name, timed_steps if inspect.isgeneratorfunction(inner) else timed)


def _print_saving(label: str, with_: list[float], without: list[float]) -> None:
    saved = [off - on for on, off in zip(with_, without, strict=True)]
    low, _, high = statistics.quantiles(saved, n=4)
    print(
        f"{label}: with {1000 * statistics.median(with_):.1f} ms, without "
        f"{1000 * statistics.median(without):.1f} ms; saved per pair: median "
        f"{1000 * statistics.median(saved):.1f} ms (quartiles {1000 * low:.1f} to "
        f"{1000 * high:.1f}, min {1000 * min(saved):.1f}, max {1000 * max(saved):.1f})"
    )


def _owned(patch, modules: tuple[str, ...]) -> bool:
    replacement = patch[3]
    if isinstance(replacement, property):
        replacement = replacement.fget
    return getattr(replacement, "__module__", "") in modules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", help="modules of reportgen.render, comma separated")
    parser.add_argument("report", nargs="?", type=Path, help="report file (default: a sample)")
    parser.add_argument("--runs", type=int, default=40, help="pairs of documents")
    parser.add_argument("--parts", action="store_true", help="also time the parts drawn")
    args = parser.parse_args()

    from reportgen.render import weasy
    from reportgen.render.pdf import html_to_pdf, print_html
    from reportgen.validate import check_file

    report = args.report or sorted((ROOT / "samples").glob("*.yaml"))[0]
    page = print_html(check_file(report).report)
    weasy.load()
    modules = tuple(f"reportgen.render.{name}" for name in args.modules.split(","))
    toggled = [patch for patch in weasy._PATCHES if _owned(patch, modules)]
    if not toggled:
        raise SystemExit(f"no patch installed by {', '.join(modules)}")
    print("switched:", ", ".join(f"{getattr(o, '__name__', o)}.{n}" for o, n, _, _ in toggled))

    def switch(on: bool) -> None:
        for owner, name, original, replacement in toggled:
            setattr(owner, name, replacement if on else original)

    spent: dict[str, float] = {}
    if args.parts:
        _time_parts(spent)
    for _ in range(3):  # fonts and first-document costs paid
        html_to_pdf(page)
    seen: dict[bool, list[float]] = {True: [], False: []}
    parts: dict[bool, list[dict[str, float]]] = {True: [], False: []}
    try:
        for run in range(args.runs):
            for on in (True, False) if run % 2 else (False, True):
                switch(on)
                spent.clear()
                cpu = time.process_time()
                html_to_pdf(page)
                seen[on].append(time.process_time() - cpu)
                if "objects and tags" in spent:
                    spent["objects and tags"] -= spent.get("drawing", 0.0)
                parts[on].append(dict(spent))
    finally:
        switch(True)
    print(f"CPU time a warm document, {args.runs} pairs:")
    _print_saving("whole document", seen[True], seen[False])
    for label in (label for _, _, label in PARTS) if args.parts else ():
        _print_saving(label, *([p.get(label, 0.0) for p in parts[on]] for on in (True, False)))
    if args.parts:
        _print_saving(
            "these parts", *([sum(p.values()) for p in parts[on]] for on in (True, False))
        )


if __name__ == "__main__":
    main()

"""``reportgen build --watch``: rebuild one report every time it is saved.

The point is the edit loop: the clerk (or whoever writes the report) keeps the PDF open
next to the editor and sees each change a moment after saving.  Everything slow is paid
once: WeasyPrint, the fonts and the templates stay loaded in this process
(:mod:`reportgen.render.weasy`), so a rebuild costs only the typesetting itself, and the
garbage collection after a document runs once the result is printed.

Saving is detected by polling the file's size, modification time and inode (a few
``stat`` calls a second, no extra dependency, works on network drives where change
notification does not).  Editors save in steps (write a temporary file, rename it over
the original, sometimes delete first), so a change is acted on only once the file has
stopped changing and exists again.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from reportgen.render import weasy
from reportgen.render.build import BuildOptions, FileResult, build_file, output_paths

#: How often the file is looked at, and how long it must stay unchanged before a rebuild.
POLL_SECONDS = 0.2
SETTLE_SECONDS = 0.15


def _stamp(paths: Iterable[Path]) -> tuple:
    stamps = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            stamps.append(None)
        else:
            stamps.append((st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(stamps)


def watch(
    name: str,
    options: BuildOptions,
    report: Callable[[FileResult, float], None],
    waiting: Callable[[], None] = lambda: None,
    rounds: int | None = None,
) -> None:
    """Build ``name`` now and after every save, calling ``report`` with each result.

    Runs until interrupted (Ctrl-C), or for ``rounds`` builds when given (tests).
    ``waiting`` is called while the file is missing (an editor replacing it).
    """
    targets = output_paths([name], options)[name]
    watched = [Path(name)] + ([options.previous] if options.previous else [])
    built = 0
    last = None
    while rounds is None or built < rounds:
        current = _stamp(watched)
        if current != last:
            if current[0] is None:
                waiting()
                last = current
                time.sleep(POLL_SECONDS)
                continue
            time.sleep(SETTLE_SECONDS)
            if _stamp(watched) != current:
                continue  # still being written
            started = time.perf_counter()
            with weasy.collection_deferred():
                result = build_file(name, targets, options)
            report(result, time.perf_counter() - started)
            weasy.collect_pending()  # while the clerk looks at the result
            built += 1
            last = current
            continue
        time.sleep(POLL_SECONDS)

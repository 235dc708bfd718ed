"""Worker processes die with the ``reportgen`` process that started them.

``build`` typesets PDFs in helper processes.  When ``reportgen`` is killed (``kill -9``,
an out-of-memory kill, a closed terminal) a helper must not live on: it would hold the
output pipes open, so a script reading them would wait for ever.  Two guards, because
either alone has gaps: on Linux the kernel sends SIGKILL to the helper when its parent dies
(``PR_SET_PDEATHSIG``), and everywhere a watchdog thread notices the parent is gone (its
process id changes) and ends the helper.

Ctrl-C reaches every process of the terminal's group at once; the helpers ignore it and
leave the interrupt to ``reportgen`` itself, which stops them and exits with 130, so no
helper prints a traceback.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1
_POLL_SECONDS = 0.5


def _death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # the watchdog still covers it


def _watch(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(_POLL_SECONDS)


def start_worker(parent: int) -> None:
    """Initializer of every worker process: follow ``parent``, leave Ctrl-C to it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _death_signal()
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="reportgen-lifeline", daemon=True).start()


def stop_pool(pool) -> None:
    """End a process pool now (interrupted run): kill its workers, wait for none."""
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        with contextlib.suppress(OSError, AttributeError):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=2)

"""Running ``reportgen`` as a user would, under a time and memory bound, and what to assert.

Shared by the bad-input corpus, the fuzz tests and the interruption tests: a command runs in
a subprocess whose address space is capped (``RLIMIT_AS``) and which is killed after a
timeout, so a case that would exhaust the machine or hang fails the test instead.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Address-space cap of one run (Python, pydantic, lxml, WeasyPrint fit well below).
MEMORY_BYTES = 3 * 1024**3
TIMEOUT_SECONDS = 60

CHINESE = re.compile(r"[\u4e00-\u9fff]")
#: Raw Python or library text that must never reach a user.
LEAKS = (
    "Traceback",
    "Error:",
    "Exception",
    "Input should",
    "Not a directory",
    "No such file",
    "Too many levels",
    "Permission denied",
    "EOF marker",
    "is undefined",
    "position ",
)


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("REPORTGEN_READ_TIMEOUT", "1")
    env.update(extra)
    return env


def reportgen(
    args: list[str], cwd: Path, timeout: float = TIMEOUT_SECONDS, **env: str
) -> subprocess.CompletedProcess:
    """Run ``python -m reportgen ARGS`` bounded in memory and time."""
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *map(str, args)],
        cwd=cwd,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limits,
        check=False,
    )


def snapshot(folder: Path) -> dict[str, str]:
    """Every regular file under ``folder`` (hidden ones too) with a hash of its content."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def temporaries(folder: Path) -> list[str]:
    """Hidden temporary files reportgen might have left (``.r.pdf.xxxx.tmp``)."""
    return [str(p) for p in folder.rglob(".*.tmp")]


def session_processes(session: int) -> list[str]:
    """Live (not zombie) processes of a session, as ``pid state`` strings."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, sid = fields[0], int(fields[3])
        if sid == session and state not in ("Z", "X"):
            alive.append(f"{stat.parent.name} {state}")
    return alive

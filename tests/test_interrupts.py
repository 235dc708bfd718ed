"""``build`` killed (``kill -9``) or interrupted (Ctrl-C) at several moments.

After either: no process of the run is left (the PDF helper dies with its parent), the
pipes reach end-of-file, no temporary file is left, and the output folder holds either the
previous set or the complete new one, never a mix.  Ctrl-C exits 130 without a traceback.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hardening import ROOT, environment, session_processes, temporaries

from reportgen.errors import OutputError
from reportgen.outputset import write_set

SAMPLE = ROOT / "samples" / "002-zengcheng-2020.yaml"
FORMATS = ("html", "docx", "pdf")
OLD = {fmt: f"previous {fmt}".encode() for fmt in FORMATS}
#: Seconds after the start: while importing, checking, rendering, typesetting, writing.
MOMENTS = (0.4, 1.2, 2.5, 4.0)


def _start(tmp: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "reportgen", "build", "r.yaml", "-o", "out", *extra],
        cwd=tmp,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal gives a command
    )


def _prepare(tmp: Path) -> None:
    shutil.copy(SAMPLE, tmp / "r.yaml")
    (tmp / "out").mkdir()
    for fmt, data in OLD.items():
        (tmp / "out" / f"r.{fmt}").write_bytes(data)


def _assert_clean(tmp: Path, session: int) -> str:
    """No live process, no temporary, one whole set; returns which set ('old'/'new')."""
    deadline = time.monotonic() + 5
    while session_processes(session) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(session) == []
    assert temporaries(tmp) == []
    out = tmp / "out"
    assert sorted(p.name for p in out.iterdir()) == [f"r.{fmt}" for fmt in sorted(FORMATS)]
    old = [(out / f"r.{fmt}").read_bytes() == OLD[fmt] for fmt in FORMATS]
    assert all(old) or not any(old), "a mixed set: " + str(dict(zip(FORMATS, old, strict=True)))
    return "old" if all(old) else "new"


@pytest.mark.parametrize("moment", MOMENTS)
def test_kill_9_leaves_no_process_no_temporary_no_mixed_set(tmp_path: Path, moment: float):
    _prepare(tmp_path)
    run = _start(tmp_path)
    time.sleep(moment)
    run.kill()
    run.communicate(timeout=20)  # end-of-file: no helper holds the pipes
    _assert_clean(tmp_path, run.pid)


@pytest.mark.parametrize("moment", MOMENTS)
def test_ctrl_c_exits_130_without_traceback(tmp_path: Path, moment: float):
    _prepare(tmp_path)
    run = _start(tmp_path)
    time.sleep(moment)
    if run.poll() is None:
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C does: the whole group
    _, err = run.communicate(timeout=30)
    if _assert_clean(tmp_path, run.pid) == "new" and run.returncode == 0:
        return  # finished before the interrupt arrived
    assert run.returncode == 130, err.decode()
    assert b"Traceback" not in err and "已中止".encode() in err


@pytest.mark.parametrize("moment", MOMENTS[1:3])
def test_kill_cleans_up_and_exits_143(tmp_path: Path, moment: float):
    _prepare(tmp_path)
    run = _start(tmp_path)
    time.sleep(moment)
    if run.poll() is None:
        run.terminate()
    _, err = run.communicate(timeout=30)
    if _assert_clean(tmp_path, run.pid) == "new" and run.returncode == 0:
        return
    assert run.returncode == 143, err.decode()
    assert b"Traceback" not in err


def test_kill_9_of_a_parallel_batch(tmp_path: Path):
    _prepare(tmp_path)
    for name in ("a", "b"):
        shutil.copy(SAMPLE, tmp_path / f"{name}.yaml")
    run = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "build", "a.yaml", "b.yaml", "r.yaml", "-o", "out",
         "-j", "2"],
        cwd=tmp_path,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    time.sleep(2.0)
    run.kill()
    run.communicate(timeout=20)
    deadline = time.monotonic() + 5
    while session_processes(run.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(run.pid) == []
    assert temporaries(tmp_path) == []


# ------------------------------------------------------------------ the write step itself


def test_full_disk_in_the_middle_of_a_set_changes_nothing(tmp_path, monkeypatch):
    targets = {tmp_path / f"r.{fmt}": b"new " + fmt.encode() * 1000 for fmt in FORMATS}
    for target in targets:
        target.write_bytes(b"old")
    real_write = os.write
    calls = []

    def write(fd, data):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    with pytest.raises(OutputError, match="磁盘空间不足"):
        write_set(targets)
    assert all(t.read_bytes() == b"old" for t in targets)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(t.name for t in targets)


def test_interrupt_while_writing_changes_nothing(tmp_path, monkeypatch):
    targets = {tmp_path / f"r.{fmt}": fmt.encode() for fmt in FORMATS}
    real_fsync = os.fsync
    calls = []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(KeyboardInterrupt):
        write_set(targets)
    assert list(tmp_path.iterdir()) == []


def test_a_set_is_written_whole(tmp_path):
    targets = {tmp_path / f"r.{fmt}": fmt.encode() * 3 for fmt in FORMATS}
    (tmp_path / "r.pdf").write_bytes(b"old")
    write_set(targets)
    assert {t.name: t.read_bytes() for t in targets} == {t.name: d for t, d in targets.items()}
    assert {oct(t.stat().st_mode & 0o777) for t in targets} == {"0o644"}

"""Bounds on what reportgen reads, so no input can hang a run or exhaust the machine.

A report file is a few KB and a published report a few MB; anything beyond the limits here
is refused with a message before it is read whole.  The same reader serves report files,
``--previous``, template files and published reports: a regular file is checked by its size,
anything else (a FIFO, ``/dev/zero``, a terminal) is read without blocking, up to the limit
and a deadline, so a pipe that never ends or never writes cannot stall ``build`` of many
files.  Numbers get bounds too: Python refuses to convert integers of more than 4,300
digits to text, and a report never needs more than a few dozen.
"""

from __future__ import annotations

import os
import select
import stat
import time
from pathlib import Path

from reportgen.errors import InputError
from reportgen.oserrors import reason

#: Report files (and template files) are a few KB; anything this big is not one.
MAX_REPORT_BYTES = 4 * 1024 * 1024
#: Published reports (PDF, DOCX with images) may be larger than report files.
MAX_SOURCE_BYTES = 32 * 1024 * 1024
#: What a DOCX (a zip) may hold once inflated: text and a few images.
MAX_UNZIPPED_BYTES = 128 * 1024 * 1024
#: Seconds a pipe or device may stay silent before reading it is given up
#: (``REPORTGEN_READ_TIMEOUT`` changes it, e.g. for tests).
READ_TIMEOUT = float(os.environ.get("REPORTGEN_READ_TIMEOUT") or 10.0)
#: Digits a number in a report may have (counts stay below 10⁹, money below 10¹²).
MAX_DIGITS = 40


def _size_text(limit: int) -> str:
    return f"{limit // 1024 // 1024} MB"


def too_large(name: str, size: int | None, limit: int, what: str = "报告文件") -> InputError:
    shown = f"（{size // 1024} KB）" if size is not None else ""
    return InputError(
        f"文件过大{shown}，不像是一份{what}",
        file=name,
        hint=f"{what}的上限为 {_size_text(limit)}；请确认选对了文件。",
    )


def read_bytes(path: str | Path, limit: int = MAX_REPORT_BYTES, what: str = "报告文件") -> bytes:
    """The bytes of ``path``, refusing more than ``limit`` and anything that will not end.

    Every failure is an :class:`InputError` in plain Chinese (errno-based, never the
    operating system's English text).
    """
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        from reportgen.input_paths import windows_path_hint

        raise InputError("文件不存在", file=name, hint=windows_path_hint(name)) from None
    except OSError as exc:
        raise InputError(f"无法读取文件：{reason(exc)}", file=name) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("这是一个目录，不是文件", file=name)
        if stat.S_ISREG(info.st_mode):
            if info.st_size > limit:
                raise too_large(name, info.st_size, limit, what)
            os.set_blocking(fd, True)
            return _read_all(fd, name, limit, what, deadline=None)
        return _read_all(fd, name, limit, what, deadline=time.monotonic() + READ_TIMEOUT)
    except OSError as exc:
        raise InputError(f"无法读取文件：{reason(exc)}", file=name) from None
    finally:
        os.close(fd)


def _read_all(fd: int, name: str, limit: int, what: str, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        if deadline is not None:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(0.0, left))
            if not ready:
                raise InputError(
                    "读取超时：这不是普通文件，且长时间没有数据",
                    file=name,
                    hint="请给出保存在磁盘上的文件。",
                )
        try:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        except BlockingIOError:
            continue
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise too_large(name, None, limit, what)


def number_too_long(text: str) -> bool:
    """A numeric literal too long to be a figure of a report (and for Python to print)."""
    return sum(ch.isalnum() for ch in text) > MAX_DIGITS


def exponent_too_large(adjusted: int) -> bool:
    """A decimal like ``1e999999``: refused before anything converts it to an integer."""
    return abs(adjusted) > MAX_DIGITS

"""Atomic file writes: a failed or interrupted run never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from reportgen.errors import OutputError
from reportgen.oserrors import reason


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "wb") -> Iterator[IO]:
    """Write to a temporary file in the target's folder, then rename it over the target.

    The rename is atomic on POSIX, so readers see either the old file or the complete new
    one; on any exception the temporary file is removed and the target is untouched.  The
    folder must exist (callers that own an output folder create it); a file that cannot be
    written raises :class:`~reportgen.errors.OutputError`, a message rather than a traceback.
    """
    path = Path(path)
    try:
        with _atomic(path, mode) as fh:
            yield fh
    except OSError as exc:
        raise OutputError(
            f"无法写入文件：{reason(exc, writing=True)}",
            file=str(path),
            hint="检查文件夹是否存在、是否有写入权限、磁盘是否已满。",
        ) from None


@contextlib.contextmanager
def _atomic(path: Path, mode: str) -> Iterator[IO]:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_open(path, "wb") as fh:
        fh.write(data)


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_open(path, "w") as fh:
        fh.write(text)

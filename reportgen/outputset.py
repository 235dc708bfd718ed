"""Write the formats of one report all together or not at all.

:func:`reportgen.atomic.atomic_write_bytes` makes each file atomic; a build writes two or
three files, and a run stopped between them (Ctrl-C, ``kill``, a full disk) would leave the
new HTML next to last run's PDF.  Here every file is first written completely and flushed to
disk, then all are renamed over their targets in one short step during which Ctrl-C and
``kill`` (SIGTERM) wait.  On Linux the files are written as anonymous files (``O_TMPFILE``),
which have no name until the commit, so even ``kill -9`` during the write leaves nothing
behind; elsewhere they are named temporaries, removed on any error or interruption.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
from collections.abc import Iterator
from pathlib import Path

from reportgen.errors import OutputError
from reportgen.oserrors import reason

_HINT = "检查文件夹是否存在、是否有写入权限、磁盘是否已满。"
_O_TMPFILE = getattr(os, "O_TMPFILE", 0)
_BLOCKED = {signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGINT)}


class _Pending:
    """One written, not yet visible file: an anonymous fd or a named temporary."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.fd: int | None = None
        self.temp: Path | None = None

    def open(self) -> None:
        folder = str(self.target.parent)
        if _O_TMPFILE and os.path.exists("/proc/self/fd"):
            try:
                self.fd = os.open(folder, _O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o644)
                return
            except OSError:
                self.fd = None  # a file system without O_TMPFILE: fall back to a name
        self.temp = self._temp_name()
        self.fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)

    def _temp_name(self) -> Path:
        return self.target.parent / f".{self.target.name}.{secrets.token_hex(4)}.tmp"

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]
        os.fchmod(self.fd, 0o644)
        os.fsync(self.fd)

    def link(self, data: bytes) -> None:
        """Give an anonymous file a (temporary) name next to its target."""
        if self.temp is not None:
            return
        name = self._temp_name()
        folder = os.open(self.target.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            # a directory fd makes os.link call linkat(AT_SYMLINK_FOLLOW), not link()
            os.link(f"/proc/self/fd/{self.fd}", name.name, src_dir_fd=folder, dst_dir_fd=folder)
            self.temp = name
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise
            self.discard()  # linkat refused (old kernel, odd file system): write a name
            self.temp = name
            self.fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
            self.write(data)
        finally:
            os.close(folder)

    def discard(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None
        if self.temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.temp)
            self.temp = None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block ends (then act as usual)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _BLOCKED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def write_set(files: dict[Path, bytes]) -> None:
    """Write every file or none; an existing target is replaced only if all can be.

    Raises :class:`~reportgen.errors.OutputError` naming the file that could not be
    written; then no target has changed and no temporary is left.
    """
    pending: list[_Pending] = []
    current: Path | None = None
    try:
        for target, data in files.items():
            current = target
            if target.is_dir():
                raise IsADirectoryError(21, "is a directory", str(target))
            item = _Pending(target)
            pending.append(item)
            item.open()
            item.write(data)
        with _signals_held():
            for item, data in zip(pending, files.values(), strict=True):
                current = item.target
                item.link(data)
            for item in pending:
                current = item.target
                os.replace(item.temp, item.target)
                item.temp = None
    except OSError as exc:
        raise OutputError(
            f"无法写入文件：{reason(exc, writing=True)}", file=str(current), hint=_HINT
        ) from None
    finally:
        for item in pending:
            item.discard()

"""Limits for published reports being imported: size, zip bombs, broken files, characters.

``import`` reads what agencies publish, which may be anything: a 100 MB scan, a DOCX that
inflates to gigabytes, a truncated PDF, text with NUL or ESC pasted in.  The source is read
once through :func:`reportgen.limits.read_bytes` (bounded, never blocking on a FIFO); a
DOCX's uncompressed sizes are added up from the zip directory *before* anything is
inflated; reader failures become messages by their kind; and every cell is cleaned of the
characters ``check`` refuses, so a file ``import`` writes is one ``check`` can read.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

from reportgen import textclean
from reportgen.errors import InputError
from reportgen.limits import MAX_SOURCE_BYTES, MAX_UNZIPPED_BYTES, read_bytes

WHAT = "已发布的报告"


def read_published(path) -> bytes:
    return read_bytes(path, MAX_SOURCE_BYTES, WHAT)


def check_zip(data: bytes, name: str) -> None:
    """Refuse a DOCX whose parts would inflate beyond :data:`MAX_UNZIPPED_BYTES`."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise InputError(
            "DOCX 文件已损坏（不是有效的 zip 压缩包）",
            file=name,
            hint="请用 Word 或 WPS 打开后重新另存为 .docx。",
        ) from None
    if total > MAX_UNZIPPED_BYTES:
        raise InputError(
            f"DOCX 解压后过大（{total // 1024 // 1024} MB），不像是一份年度报告",
            file=name,
            hint=f"解压后的上限为 {MAX_UNZIPPED_BYTES // 1024 // 1024} MB；请确认选对了文件。",
        )


def unreadable(kind: str, exc: BaseException, name: str) -> InputError:
    """A reader's failure (pypdf, python-docx, lxml) in Chinese, by its kind."""
    text = str(exc).lower()
    if isinstance(exc, MemoryError):
        reason = "内容过大，内存不足"
    elif isinstance(exc, RecursionError):
        reason = "结构嵌套过深"
    elif "eof" in text or "truncat" in text or "startxref" in text or "xref" in text:
        reason = "文件不完整或已损坏（可能没有下载完）"
    elif "encrypt" in text or "password" in text:
        reason = "文件已加密，需要密码"
    else:
        reason = "文件已损坏或格式不对"
    return InputError(f"无法读取 {kind}：{reason}", file=name, hint="请重新下载或另存后再试。")


def clean_document(document):
    """The document with refused characters removed from every cell."""
    if textclean.first_bad("\n".join([c for line in document.lines for c in line.cells])) is None:
        document.lines = list(document.lines)  # nothing to remove: one scan of the text
        return document
    lines = []
    for line in document.lines:
        cells = [textclean.clean(c) for c in line.cells]
        lines.append(line if cells == line.cells else replace(line, cells=cells))
    document.lines = lines
    return document

"""Comparison keys for agency names and texts: the same agency however a site printed it.

Published reports of one agency differ from year to year in traditional or simplified
characters, full- or half-width letters, stray spaces and punctuation.  Those are removed;
words are not: 某县人民政府 and 某县人民政府办公室 are two agencies and stay two.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: Characters of an agency name kept in a file name (255 bytes is the usual limit).
_MAX_NAME = 60
_DROP = re.compile(r"[\W_]+", re.UNICODE)


@functools.lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    """Traditional → simplified characters (zhconv)."""
    if not any(ord(ch) > 0x2E7F for ch in text):
        return text
    import zhconv

    return zhconv.convert(text, "zh-cn")


def text_key(text: str) -> str:
    """Text without spaces and punctuation, NFKC and simplified: what a reader compares."""
    return _DROP.sub("", simplified(unicodedata.normalize("NFKC", text)))


@functools.lru_cache(maxsize=65536)
def agency_key(name: str) -> str:
    """The key two reports of one agency share: ``廣州市 增城區`` = ``广州市增城区``."""
    return text_key(name)


def file_stem(agency: str, year: int | None) -> str:
    """``<agency>-<year>``, safe as a file name on every system."""
    name = re.sub(r'[\\/:*?"<>|\s]+', "_", agency.strip())[:_MAX_NAME] or "未知机关"
    return f"{name}-{year}" if year else name

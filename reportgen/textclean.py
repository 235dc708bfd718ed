"""Characters a report's text may not hold, found the same way everywhere.

DOCX is XML, and XML 1.0 cannot carry most control characters (``All strings must be XML
compatible``); in HTML they are invisible garbage.  So ``check`` refuses them — written raw
in the file or as YAML escapes (``"\\x1b"``) — at their line and column, and ``import``
removes them from published texts, so a file that passes ``check`` always renders, and a
file ``import`` writes always passes this part of ``check``.  Tab, line feed and carriage
return are ordinary text.
"""

from __future__ import annotations

import re
import unicodedata

#: C0 controls but tab/LF/CR, DEL and C1 controls, lone surrogates, U+FFFE/U+FFFF.
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def first_bad(text: str) -> int | None:
    """Index of the first character reportgen refuses in ``text``, or None."""
    found = _BAD.search(text)
    return found.start() if found else None


def describe(char: str) -> str:
    """``U+001B（ESC 控制字符）`` — how a message names an invisible character."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        kind = "不成对的代理字符"
    elif code in (0xFFFE, 0xFFFF):
        kind = "非字符"
    else:
        kind = "控制字符"
    names = {0: "NUL", 0x1B: "ESC", 0x7F: "DEL", 0x0B: "垂直制表符", 0x0C: "换页符"}
    label = names.get(code) or unicodedata.name(char, "")
    return f"U+{code:04X}（{label + ' ' if label else ''}{kind}）"


def line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``index`` in ``text``."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def clean(text: str) -> str:
    """``text`` without the refused characters (for published texts being imported)."""
    return _BAD.sub("", text)


HINT = (
    "这是看不见的控制字符，多半是从别的软件复制时带进来的；请删除它（可在该位置重新输入这一段）。"
)

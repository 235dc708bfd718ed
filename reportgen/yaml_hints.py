"""Say what is wrong with a report file's YAML the way a clerk can fix it.

PyYAML reports where its parser gave up (``did not find expected key``), which is often a
line or more after the slip that caused it and always in English.  The slips people make
when typing a report file by hand are few — a Tab, a missing space after a colon, a
full-width colon or comma typed with a Chinese input method, an indentation that does not
line up, a bracket or quote not closed — so :func:`syntax_error` looks for them on the lines
up to where the parser stopped and names the first one found, in Chinese, at its own line,
with that line shown and a caret under the spot (:func:`excerpt`).  Only when none is
found is the parser's own complaint translated.

:func:`value_hint` and :func:`key_hint` do the same for values and keys that parse but
cannot be right (``"4"`` in quotes, ``amount：0``), for the validator's messages.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from reportgen.errors import InputError

_KEY = r"[A-Za-z_][A-Za-z0-9_]*"
_FULL_COLON_KEY = re.compile(rf"^(?P<lead>\s*(?:-\s+)?)(?P<key>{_KEY})\s*(?P<colon>：)")
_NO_SPACE_KEY = re.compile(rf"^(?P<lead>\s*(?:-\s+)?)(?P<key>{_KEY}):(?P<next>[^\s:/])")
_FLOW_FULL_COLON = re.compile(rf"[{{,]\s*(?P<key>{_KEY})\s*(?P<colon>：)")
_NEW_KEY = re.compile(rf"^\s*{_KEY}\s*[:：]")
#: a full-width comma after a number inside brackets: [5，0] or {issued: 0，repealed: 0}
_FLOW_FULL_COMMA = re.compile(r"[\[{][^\]}]*?\d\s*(?P<comma>[，、；])")
_BLOCK_TEXT = re.compile(r":\s*[|>][+-]?\d*\s*$")
_ROW_SEPARATORS = re.compile(r"[\s,，、；;]+")

#: PyYAML's complaints, in the words a clerk can act on
_PROBLEMS = (
    ("found character '\\t' that cannot start any token", "这里有制表符（Tab）"),
    ("cannot start any token", "这里有 YAML 不认识的字符"),
    ("did not find expected key", "这一行的缩进与上面的行对不齐，或者缺少“键: 值”中的键"),
    (
        "mapping values are not allowed here",
        "这里不能出现冒号：可能是冒号后缺空格，或上一行的缩进不对",
    ),
    ("could not find expected ':'", "这一行缺少冒号：应写成“键: 值”"),
    ("did not find expected ',' or ']'", "方括号「[」没有配对的「]」，或者数字之间缺少逗号"),
    ("did not find expected ',' or '}'", "花括号「{」没有配对的「}」，或者各项之间缺少逗号"),
    ("found unexpected end of stream", "文件在引号或括号还没有结束时就结束了"),
    ("did not find expected <document start>", "这一行不是“键: 值”的写法"),
    ("expected <block end>", "这一行的缩进与上面的行对不齐"),
    ("found duplicate anchor", "报告文件中不能使用 YAML 锚点和别名（& 与 *）"),
    ("found undefined alias", "报告文件中不能使用 YAML 锚点和别名（& 与 *）"),
    ("found unknown escape character", "双引号里的反斜杠「\\」后面跟了不认识的字符"),
    ("unacceptable character", "文件里有不能显示的控制字符"),
)
_GENERIC_HINT = "检查这一行和上一行：缩进（只用空格）、冒号后的空格、括号和引号是否成对。"


class Finding(NamedTuple):
    line: int  # 1-based
    column: int  # 1-based, in characters
    message: str
    hint: str


# ---------------------------------------------------------------------- showing a line


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def excerpt(text: str, line: int, column: int) -> str | None:
    """The line ``line`` of ``text`` with a caret under ``column`` (display columns)::

    23 | 	licensing: {decisions: 0}
       | ^
    """
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    shown = lines[line - 1].replace("\t", "→")
    before = shown[: max(column - 1, 0)]
    number = str(line)
    return f"{number} | {shown.rstrip()}\n{' ' * len(number)} | {' ' * display_width(before)}^"


# ---------------------------------------------------------------------- syntax errors


def _code(line: str) -> str:
    """The line without its comment (a ``#`` outside quotes, after a space or at the start)."""
    quote = None
    for i, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


#: (find, the group marking the spot, message, hint) of the slips that show on one line
_SLIPS = (
    (
        lambda code: _FULL_COLON_KEY.match(code) or _FLOW_FULL_COLON.search(code),
        "colon",
        "「{key}」后面用了全角冒号「：」",
        "改成半角冒号加一个空格：{key}: {rest}（输入法切换到英文再输入冒号）。",
    ),
    (
        _NO_SPACE_KEY.match,
        "next",
        "「{key}:」的冒号后面缺空格",
        "在冒号后加一个空格：{key}: {rest}",
    ),
    (
        _FLOW_FULL_COMMA.search,
        "comma",
        "括号里用了全角标点「{comma}」",
        "括号里的各项用半角逗号「,」分开，例如 {{issued: 0, repealed: 0}}。",
    ),
)


def _value_after(code: str, start: int) -> str:
    """What follows a key on its line, shortened for a hint."""
    rest = re.split(r"[,，}]", code[start:].strip(), maxsplit=1)[0].strip()
    if rest.startswith("["):
        rest = code[start:].strip().split("]")[0] + "]"
    return rest if len(rest) <= 40 else rest[:40] + "…"


def _line_findings(number: int, line: str, code: str) -> Finding | None:
    """A slip that shows on one line by itself."""
    if "\t" in code:
        column = code.index("\t") + 1
        where = "缩进里" if not code[: column - 1].strip() else "这一行"
        return Finding(
            number,
            column,
            f"{where}有制表符（Tab）：YAML 只能用空格",
            "把 Tab 换成空格（每一级缩进两个空格）；编辑器里可设置“用空格代替 Tab”。",
        )
    for find, spot, message, hint in _SLIPS:
        m = find(code)
        if m:
            fields = {k: v for k, v in m.groupdict().items() if v is not None}
            # the value as it should follow "key: " (after the colon or the glued text)
            value_at = m.end("colon") if "colon" in fields else m.start(spot)
            fields["rest"] = _value_after(code, value_at)
            return Finding(
                number, m.start(spot) + 1, message.format(**fields), hint.format(**fields)
            )
    if code.count('"') % 2:
        return Finding(
            number,
            code.rindex('"') + 1,
            "双引号没有成对",
            "补上另一个引号，或者去掉这个引号（数字不用加引号）。",
        )
    return None


def _find(text: str, stop: int) -> Finding | None:
    """The first slip on lines 1..``stop`` (block texts and flow continuations skipped)."""
    lines = text.splitlines()
    levels = [(0, 0)]  # (indent, line number) of the open mappings
    opens_block = False  # the last key line ended with ':' (a nested mapping follows)
    last = (0, 0)  # (indent, line number) of the last key line
    text_indent: int | None = None  # inside a `key: |` text deeper than this
    depth = 0  # open flow brackets carried from earlier lines
    depth_line = 0
    for number, line in enumerate(lines[:stop], 1):
        if text_indent is not None:
            if not line.strip() or _indent(line) > text_indent:
                continue
            text_indent = None
        code = _code(line).rstrip()
        if not code.strip():
            continue
        found = _line_findings(number, line, code)
        if found:
            return found
        indent = _indent(code)
        if depth > 0:
            if _NEW_KEY.match(code) and indent <= levels[-1][0]:
                return _unclosed(lines, depth_line)
            depth += _depth(code)
            continue
        if indent > levels[-1][0]:
            if not opens_block:
                return Finding(
                    number,
                    indent + 1,
                    f"这一行比上一行（第 {last[1]} 行）多缩进了 {indent - last[0]} 格",
                    f"同一级的键要左边对齐：改成 {last[0]} 格，"
                    f"或者把上一行（第 {last[1]} 行）也缩进到 {indent} 格。",
                )
            levels.append((indent, number))
        elif indent < levels[-1][0]:
            while len(levels) > 1 and indent < levels[-1][0]:
                levels.pop()
            if indent != levels[-1][0]:
                return Finding(
                    number,
                    indent + 1,
                    f"这一行的缩进（{indent} 格）与上面的各级都对不齐",
                    f"与上一行（第 {last[1]} 行）对齐就改成 {last[0]} 格，"
                    f"与第 {levels[-1][1] or 1} 行对齐就改成 {levels[-1][0]} 格；只用空格缩进。",
                )
        opens_block = code.endswith(":")
        last = (indent, number)
        if _BLOCK_TEXT.search(code):
            text_indent = indent
        depth = _depth(code)
        depth_line = number
    if depth > 0 and stop >= len(lines):
        return _unclosed(lines, depth_line)
    return None


def _unclosed(lines: list[str], number: int) -> Finding:
    return Finding(
        number,
        len(_code(lines[number - 1]).rstrip()) + 1,
        "这一行的括号没有结束",
        "在行尾补上「]」或「}」（与行首的「[」「{」配对）。",
    )


def _depth(code: str) -> int:
    """Brackets opened minus closed on a line (quoted text ignored)."""
    depth = 0
    quote = None
    for char in code:
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth


def syntax_error(name: str, text: str, exc: Any) -> InputError:
    """An :class:`InputError` for PyYAML's ``MarkedYAMLError`` ``exc`` on ``text``."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else 1
    column = mark.column + 1 if mark else 1
    # The slip is on the parser's line or before it; the line after is read ahead by
    # the scanner only when the error is at the very start of a line.
    found = _find(text, line)
    if found is None:
        problem = str(getattr(exc, "problem", "") or "")
        message = next((zh for en, zh in _PROBLEMS if en in problem), "YAML 写法有误")
        found = Finding(line, column, message, _GENERIC_HINT)
    return InputError(
        found.message,
        file=name,
        line=found.line,
        column=found.column,
        hint=found.hint,
        excerpt=excerpt(text, found.line, found.column),
    )


# ---------------------------------------------------------------------- values and keys


def row_numbers(value: str) -> list[int] | None:
    """A table row written with Chinese separators (``5，0，0``) as numbers, else None."""
    parts = [p for p in _ROW_SEPARATORS.split(value.strip()) if p]
    if len(parts) < 2 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]


def value_hint(value: Any) -> str | None:
    """Why a text value that should be a number is not one, and what to type instead."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        Decimal(text)
        is_number = bool(text) and text.isascii()
    except InvalidOperation:
        is_number = False
    if is_number:
        return f'去掉引号：写 {text}，不要写 "{text}"。'
    folded = unicodedata.normalize("NFKC", text)
    if folded != text and folded.replace(".", "", 1).isdigit():
        return f"这是全角数字；改用半角数字 {folded}（输入法切换到英文）。"
    if text[:1] in "【（［｛" or text[-1:] in "】）］｝":
        return "用了全角括号；一行的数写在半角方括号里，例如 [5, 0, 0, 0, 0, 0]。"
    if row_numbers(text) is not None:
        return "一行的数要写在方括号里，用半角逗号分开，例如 [5, 0, 0, 0, 0, 0]。"
    if re.fullmatch(r"[\d.]+\s*(万元|元|件|个|项)", text):
        return "只写数字，不带单位。"
    return None


def key_hint(key: str) -> str | None:
    """A key that is really a key and its value run together (``amount:0``, ``amount：0``)."""
    m = re.fullmatch(rf"({_KEY})\s*([:：])\s*(.*)", key)
    if not m:
        return None
    name, colon, rest = m.groups()
    if colon == "：":
        return f"「{name}」后面用了全角冒号「：」；改成半角冒号加一个空格：{name}: {rest}"
    return f"冒号后面缺空格；改成 {name}: {rest}"

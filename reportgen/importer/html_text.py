"""Text files that are really HTML: page sources, fragments, HTML inside JavaScript strings.

People save what the browser or a crawler gives them: the page source as ``.txt``, a
fragment (``<p style=…>``, a ``<table>`` without ``<html>``), or the script that carries the
report as a string (``var content = "<p style=\\"…\\">…";``, with ``\\"``, ``\\n``,
``\\u003c`` escapes).  Read as plain text, every tag would become part of the labels and
numbers; so the content decides: enough tags make it HTML, and JavaScript escapes are undone
first.
"""

from __future__ import annotations

import re

#: Tags that carry a report's text (blocks, tables, breaks).
_TAG = re.compile(
    r"<\s*/?\s*(p|div|table|tr|td|th|tbody|br|span|font|h[1-6]|li|strong|b)\b[^>]*>", re.I
)
#: ``<p style=\"…\">``: a tag whose attributes are escaped for a JavaScript string.
_ESCAPED_ATTRIBUTE = re.compile(r"<\w+[^<>]*=\\[\"']")
_JS_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\"'\\/nrt])")
#: Fewest tags for a text to count as HTML (a stray ``<br>`` in plain text does not).
MIN_TAGS = 4


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is markup (page source or fragment), judged by its tags."""
    return len(_TAG.findall(text[:200000])) >= MIN_TAGS


def escaped_for_javascript(text: str) -> bool:
    return bool(_ESCAPED_ATTRIBUTE.search(text)) or text.count('\\"') >= MIN_TAGS


def unescape_javascript(text: str) -> str:
    """Undo the escapes of a JavaScript string literal (``\\"``, ``\\n``, ``\\u003c`` …)."""

    def one(m: re.Match) -> str:
        code = m.group(1)
        if code[0] in "ux":
            return chr(int(code[1:], 16))
        return {"n": "\n", "r": "\r", "t": "\t"}.get(code, code)

    return _JS_ESCAPE.sub(one, text)


#: A JavaScript string literal (double or single quoted).
_STRING = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'", re.S)


def _strings_with_markup(text: str) -> str:
    """The string literals of a script that hold markup, unescaped, in order."""
    parts = []
    for m in _STRING.finditer(text):
        body = m.group(1) if m.group(1) is not None else m.group(2)
        if len(body) > 40 and _TAG.search(body):
            parts.append(unescape_javascript(body))
    return "\n".join(parts)


def as_html(text: str) -> str | None:
    """The markup to read when ``text`` is HTML (escapes undone), or None for plain text."""
    if escaped_for_javascript(text):
        inner = _strings_with_markup(text)
        if looks_like_html(inner):
            return inner
        if looks_like_html(unescape_javascript(text)):
            return unescape_javascript(text)
    if looks_like_html(text):
        return text
    return None

"""Table labels that break between words, not inside one (（三）不予公开, 自然人).

A narrow label column broke 「（三）不予公开」 as 「（三）不 / 予公开」 and the 自然人 column
as 「自然 / 人」.  Labels are short and follow two patterns, so no dictionary is needed:

- a numbered label (（三）不予公开, 1.属于国家秘密) may break after its number; when what
  follows is short (:data:`SHORT_REST` characters or fewer) it is kept on one line;
- a label of :data:`SHORT_LABEL` characters or fewer (自然人, 其他) is one word, set on one
  line, slightly condensed where the column is narrow.

The HTML marks these with ``<wbr>`` and ``<span class="nobr">``; the DOCX, which has no
such marks, gets an explicit line break after the number when the label does not fit on
one line of its column.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|\d+[.．、])")
SHORT_REST = 6
SHORT_LABEL = 3


def split_number(label: str) -> tuple[str, str] | None:
    """(number, rest) of a numbered label whose rest is short enough to keep whole."""
    match = _NUMBER.match(label)
    if not match:
        return None
    rest = label[match.end() :]
    if not rest or len(rest) > SHORT_REST:
        return None
    return label[: match.end()], rest


def is_short_word(label: str) -> bool:
    return 1 < len(label) <= SHORT_LABEL and not _NUMBER.match(label)


def label_html(label: str):
    """The label as markup with its break opportunities (a Jinja filter)."""
    from markupsafe import Markup, escape

    parts = split_number(label)
    if parts is not None:
        number, rest = parts
        return Markup(f'{escape(number)}<wbr><span class="nobr">{escape(rest)}</span>')
    if is_short_word(label):
        return Markup(f'<span class="nobr">{escape(label)}</span>')
    return escape(label)

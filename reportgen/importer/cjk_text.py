"""Joining pieces of Chinese text that a PDF or Word file keeps apart.

A cell's lines (PDF) or paragraphs (Word) are one text: between two Chinese characters the
break is no space, elsewhere (``2024`` / ``年度``, Latin words) it is one.
"""

from __future__ import annotations

import re

from reportgen.importer.sources import clean_cell

#: CJK ideographs, radicals, punctuation and full-width forms.
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def join_texts(parts: list[str]) -> str:
    """Join the lines of one cell: no space next to a Chinese character, one otherwise."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and not (CJK.search(out[-1]) or CJK.search(part[0])):
            out += " "
        out += part
    return clean_cell(out)

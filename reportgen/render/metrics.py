"""Text widths measured with the real font of a role, for breaks and offsets set in Python.

The title's line breaks and the signature's offsets are computed once here and written
into all three formats, so they must be measured with the font the PDF (and, on this
machine, LibreOffice) actually uses: the first family of the role's list that fontconfig
finds, as WeasyPrint picks it.  Advance widths come from the font's ``hmtx`` table read with
fontTools (a WeasyPrint dependency); CJK ideographs are one em in every CJK font, but
digits, Latin letters and punctuation differ between 仿宋_GB2312 and Noto Serif CJK, and
an estimate of "half a 字" is off by up to a fifth of a 字 on a date.

Without fontconfig (or a font file fontTools cannot read) widths fall back to the usual
estimate: CJK characters one em, everything else half.
"""

from __future__ import annotations

import functools
from pathlib import Path

from reportgen.render.fonts import (
    FontMap,
    fc_match,
    fontconfig_available,
    installed,
    load_font_map,
)


def estimate_em(text: str) -> float:
    """Width in em without a font: CJK characters (and full-width forms) one, others half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


@functools.cache
def _face(family: str) -> tuple[str, int] | None:
    """(file, index in the collection) fontconfig uses for an installed ``family``."""
    if not fontconfig_available() or installed(family) is None:
        return None
    out = fc_match(family, "%{file}\t%{index}")
    if out is None:
        return None
    file, _, index = out.partition("\t")
    if not file:
        return None
    return file, int(index or 0)


@functools.cache
def _advances(file: str, index: int) -> tuple[dict[int, int], int] | None:
    """(advance width by code point, units per em) of a font face, or None if unreadable."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(file, fontNumber=index, lazy=True)
        cmap = font.getBestCmap() or {}
        metrics = font["hmtx"].metrics
        upem = font["head"].unitsPerEm
    except Exception:
        return None
    return {cp: metrics[name][0] for cp, name in cmap.items() if name in metrics}, upem


@functools.cache
def role_family(role: str, template_dir: str | None = None) -> str | None:
    """The family of ``role`` that is installed (the one the PDF is set in), if any."""
    font_map: FontMap = load_font_map(template_dir)
    for family in font_map.families(role):
        if _face(family) is not None:
            return family
    return None


def width_em(text: str, role: str, template_dir: str | Path | None = None) -> float:
    """Width of ``text`` in em of the role's installed font (estimated when none is)."""
    family = role_family(role, str(template_dir) if template_dir else None)
    face = _face(family) if family else None
    loaded = _advances(*face) if face else None
    if loaded is None:
        return estimate_em(text)
    advances, upem = loaded
    total = 0.0
    for ch in text:
        units = advances.get(ord(ch))
        total += units / upem if units is not None else estimate_em(ch)
    return total

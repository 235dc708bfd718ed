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

from reportgen.render.fonts import FontMap, fc_list, fontconfig_available, load_font_map


def estimate_em(text: str) -> float:
    """Width in em without a font: CJK characters (and full-width forms) one, others half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


#: fontconfig's weight of a regular face (what a family name without a weight matches).
_REGULAR = 80


@functools.cache
def _installed_faces() -> dict[str, tuple[str, int]]:
    """Every installed family (case-folded) → the (file, index) of its most regular face.

    One ``fc-list`` call lists them all (some 30 ms); asking ``fc-match`` family by family
    cost that much per family, a quarter of a second for the font map's roles.
    """
    if not fontconfig_available():
        return {}
    out = fc_list("%{family}\t%{weight}\t%{file}\t%{index}\n")
    best: dict[str, tuple[float, str, int]] = {}
    for line in (out or "").splitlines():
        parts = line.split("\t")
        if len(parts) != 4:
            continue
        families, weight, file, index = parts
        try:
            distance = abs(float(weight.split()[0]) - _REGULAR) if weight else 0.0
            number = int(index or 0)
        except ValueError:
            continue
        for family in families.split(","):
            key = family.strip().casefold()
            if key and (key not in best or (distance, file, number) < best[key]):
                best[key] = (distance, file, number)
    return {key: (file, index) for key, (_, file, index) in best.items()}


def _face(family: str) -> tuple[str, int] | None:
    """(file, index in the collection) of an installed ``family``, None when it is missing."""
    return _installed_faces().get(family.strip().casefold())


class _Advances:
    """Advance widths of one face, read from the raw ``cmap`` (format 4) and ``hmtx`` tables.

    Parsing a CJK font's whole character map with fontTools takes most of a second; the few
    characters measured here (digits, Latin letters, the odd punctuation mark) are looked up
    in the raw tables instead, in microseconds.  Characters outside the Basic Multilingual
    Plane, or absent from the font, are estimated.
    """

    def __init__(self, font) -> None:
        import struct

        self.upem = struct.unpack(">H", font.reader["head"][18:20])[0]
        self.count = struct.unpack(">H", font.reader["hhea"][34:36])[0]
        self.hmtx = font.reader["hmtx"]
        cmap = font.reader["cmap"]
        tables = struct.unpack(">H", cmap[2:4])[0]
        offset = None
        for i in range(tables):
            platform, encoding, start = struct.unpack(">HHI", cmap[4 + 8 * i : 12 + 8 * i])
            if (platform, encoding) in ((3, 1), (0, 3)) and cmap[start : start + 2] == b"\0\4":
                offset = start
                break
        if offset is None:
            raise ValueError("no format-4 Unicode character map")
        segments = struct.unpack(">H", cmap[offset + 6 : offset + 8])[0] // 2
        words = (len(cmap) - offset - 14) // 2
        data = struct.unpack(f">{words}H", cmap[offset + 14 : offset + 14 + 2 * words])
        self.ends = data[:segments]
        self.starts = data[segments + 1 : 2 * segments + 1]
        self.deltas = data[2 * segments + 1 : 3 * segments + 1]
        self.ranges = data[3 * segments + 1 :]  # idRangeOffset, then the glyph id array

    def glyph(self, cp: int) -> int:
        import bisect

        i = bisect.bisect_left(self.ends, cp)
        if cp > 0xFFFF or i >= len(self.ends) or self.starts[i] > cp:
            return 0
        if self.ranges[i] == 0:
            return (cp + self.deltas[i]) & 0xFFFF
        index = i + self.ranges[i] // 2 + (cp - self.starts[i])
        gid = self.ranges[index] if index < len(self.ranges) else 0
        return (gid + self.deltas[i]) & 0xFFFF if gid else 0

    def width(self, ch: str) -> float | None:
        """Advance of ``ch`` in em, or None when the font does not have it."""
        import struct

        gid = self.glyph(ord(ch))
        if gid == 0:
            return None
        at = 4 * min(gid, self.count - 1)
        return struct.unpack(">H", self.hmtx[at : at + 2])[0] / self.upem


@functools.cache
def _advances(file: str, index: int) -> _Advances | None:
    """The advance widths of a font face, or None if its tables cannot be read."""
    from fontTools.ttLib import TTFont

    try:
        return _Advances(TTFont(file, fontNumber=index, lazy=True))
    except Exception:
        return None


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
    total = 0.0
    for ch in text:
        width = loaded.width(ch)
        total += width if width is not None else estimate_em(ch)
    return total

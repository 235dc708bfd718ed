"""The 版心 and the 28-character line of GB/T 9704 5.2.3, shared by the PDF and the title.

The page geometry is defined once, in ``docx.yaml`` (page size, margins, characters per
line); the PDF's print stylesheet receives the numbers computed here.  28 characters of
3号 (16 pt) are 448 pt, wider than the 156 mm (442.2 pt) 版心, so body text is condensed:
each character advances by the 版心 width / 28 (15.79 pt), as the DOCX condenses it, and
the first-line indent of 2 字 is two such advances, so a full first line holds 26.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BodyGrid:
    type_width_pt: float
    size_pt: float
    chars_per_line: int

    @property
    def pitch_pt(self) -> float:
        """The advance of one body character, rounded down to 1/100 pt so 28 always fit."""
        return math.floor(self.type_width_pt / self.chars_per_line * 100) / 100

    @property
    def letter_spacing_pt(self) -> float:
        return round(min(0.0, self.pitch_pt - self.size_pt), 2)

    @property
    def indent_pt(self) -> float:
        return round(2 * self.pitch_pt, 2)


def body_grid(template_dir: str | Path | None = None) -> BodyGrid:
    from reportgen.render.docx_settings import load_docx_settings

    settings = load_docx_settings(template_dir)
    return BodyGrid(
        settings.text_width / 20,
        settings.style("body")["size_pt"],
        settings.page["chars_per_line"],
    )

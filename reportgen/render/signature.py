"""Where the signature's two lines sit, per GB/T 9704 7.3.5.1, measured in the body font.

Unsealed report, one agency: the name is set 右空二字 (2 字 from the right edge); the date
goes on the next line, its first character 2 字 to the right of the name's first
character.  When the date is the longer line, the date is set 右空二字 and the name moves
left so that the same 2 字 step remains.  Both lines are right-aligned, so the step is
turned into a right padding for each, computed from the *measured* widths of the two
texts (:mod:`reportgen.render.metrics`): a date's digits are not half a 字 in every font,
and an estimate put the date 1.7 字 instead of 2 字 right of the name.

The PDF and the DOCX set the signature without the body's condensing (letter-spacing 0)
and, in Word, without automatic CJK–digit spacing, so the widths measured here are the
widths printed.
"""

from __future__ import annotations

from pathlib import Path

from reportgen.render.metrics import width_em

#: 右空二字 and the step between the name's and the date's first characters, in 字.
RIGHT = 2.0
STEP = 2.0


def signature_offsets(
    agency: str, date_text: str | None, template_dir: str | Path | None = None
) -> tuple[float, float]:
    """Right padding (in 字 of body text) of the name line and of the date line."""
    if date_text is None:
        return RIGHT, 0.0
    name = width_em(agency, "body", template_dir)
    date = width_em(date_text, "body", template_dir)
    if date <= name:
        return RIGHT, round(RIGHT + name - STEP - date, 3)
    # the date is the longer line: it gets the 2 字, the name moves left
    return round(RIGHT + STEP + date - name, 3), RIGHT

"""Justified CJK lines in the PDF: WeasyPrint stretches only spaces, Chinese has none.

``text-align: justify`` in WeasyPrint 70 distributes a line's free width over its spaces
(``weasyprint.layout.inline.justify_line``); a line of Chinese has no spaces, so every line
that holds a few digits or Latin letters (narrower than a 字) or was shortened by the
line-breaking rules (no 。，at a line start) kept a ragged right edge.  Typeset Chinese
spreads such a line between its characters instead (CSS ``text-justify: inter-character``,
which WeasyPrint does not implement), and this module adds exactly that: a line without
spaces gets the free width as extra letter-spacing on each of its characters.

A line is left as it is when the free width exceeds :data:`MAX_STRETCH_EM` per line: that
happens before a long unbreakable run (a URL, a phone number) and stretching it would
space the characters visibly apart.
"""

from __future__ import annotations

#: Free width (in em of the line's font) above which a line is not stretched.
MAX_STRETCH_EM = 2.0


def _text_boxes(box):
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child)


def _spread(context, box, per_char: float, shift: float) -> float:
    """Add ``per_char`` after each character of the text boxes in ``box``; return the shift."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import create_layout

    if isinstance(box, boxes.TextBox):
        box.position_x += shift
        style = box.style.copy()
        spacing = style["letter_spacing"]
        style["letter_spacing"] = (0 if spacing == "normal" else spacing) + per_char
        layout = create_layout(box.text, style, context, None, box.justification_spacing)
        layout.deactivate()
        box.pango_layout = layout
        box.style = style
        extra = per_char * len(box.text)
        box.width += extra
        return shift + extra
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += shift
        before = shift
        for child in box.children:
            if child.is_in_normal_flow():
                shift = _spread(context, child, per_char, shift)
        box.width += shift - before
        return shift
    box.translate(shift, 0)
    return shift


def justify_line(context, line, extra_width, _original) -> None:
    """WeasyPrint's justification, with inter-character spreading for lines without spaces."""
    texts = list(_text_boxes(line))
    chars = sum(len(t.text) for t in texts)
    if not texts or any(" " in t.text or "\u00a0" in t.text for t in texts) or chars < 2:
        _original(context, line, extra_width)
        return
    size = texts[0].style["font_size"]
    if extra_width <= 0 or extra_width > MAX_STRETCH_EM * size:
        return
    _spread(context, line, extra_width / chars, 0.0)


def install() -> None:
    """Replace ``justify_line`` in WeasyPrint's inline layout (once per process)."""
    from weasyprint.layout import inline

    if getattr(inline.justify_line, "reportgen", False):
        return
    original = inline.justify_line

    def patched(context, line, extra_width):
        justify_line(context, line, extra_width, original)

    patched.reportgen = True
    inline.justify_line = patched

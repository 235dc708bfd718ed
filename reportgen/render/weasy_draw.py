"""Drawing a page and writing its PDF objects with less work (patches of WeasyPrint 70
and pydyf 0.13).

What a warm document spends in drawing and writing is mostly small, repeated work:

* **Collapsed borders.**  Every segment of a table's collapsed-border grid (~750 a
  document) is drawn inside three context managers (an artifact, a saved state, and
  ``draw_line``'s own saved state).  :func:`draw_collapsed_borders` is WeasyPrint
  70.0's own with two changes, marked ``reportgen``: a *solid*
  segment is written by :func:`_solid_line`, which makes the very calls those context
  managers and ``draw_line`` make for a solid line, in the same order (every other
  style goes to ``draw_line`` as before); and the half widths of the neighbouring
  borders that lengthen a segment are read without building lists of grid
  positions (the same widths, the same ``max`` and division).
* **Colours.**  ``Stream.set_color`` converted an sRGB colour to sRGB again (a new
  ``Color``) and formatted its three channels every time it was set.  The operator a
  colour gives (``r g b RG`` / ``rg``) depends on its channels and on ``stroke`` alone,
  so it is remembered per (channels, stroke) (:data:`_COLOURS_KEPT` entries); the
  alpha state and the "colour already set" check are WeasyPrint's own.
* **Text boxes marked.**  Each text box is tagged for PDF/UA inside ``Stream.marked``;
  :func:`draw_inline_level` is WeasyPrint 70.0's own with that context manager's calls
  made in place (marked ``reportgen``).
* **Outlines.**  ``draw_outline`` walked every box and computed four outline properties
  of each; nothing is drawn when the outline width is 0 (the width of every outline
  whose style is ``none``), so the other three are now read only when it is not.
* **PDF numbers and names.**  pydyf turns every operand and dictionary entry into bytes
  with ``_to_bytes`` (~40 000 calls a document): bytes, ``str`` and ``int`` now take one
  type test each, and a float's text, which depends on its value alone, is remembered
  (:data:`_FLOATS_KEPT` entries).  Dictionaries and arrays embedded in others are
  formatted with the same expressions as ``Dictionary.data`` and ``Array.data``, and a
  string with nothing to escape skips ``String.data``'s ``re.sub``.

The two copied functions, :func:`draw_collapsed_borders` and
:func:`draw_inline_level`, are WeasyPrint 70.0's (``weasyprint/draw/__init__.py``, BSD
licence, © Simon Sapin, Guillaume Ayoub and contributors), whole, with the changed
lines marked ``reportgen``.

Installed by :func:`reportgen.render.weasy.load` for WeasyPrint 70.x and pydyf 0.13.x;
:func:`forget` (called by ``weasy.forget()``) drops what is remembered.
"""

# ruff: noqa: SIM108 (the functions copied from WeasyPrint keep their own form)
from __future__ import annotations

import operator

import pydyf
from weasyprint import draw
from weasyprint.formatting_structure import boxes
from weasyprint.stacking import StackingContext

_FLOATS_KEPT = 8_192  # texts of floats (a few hundred bytes each at most: ~1 MB)
_COLOURS_KEPT = 1_024  # colour operators
_floats: dict[float, bytes] = {}
_colours: dict[tuple, bytes] = {}


def forget() -> None:
    """Drop the remembered float texts and colour operators."""
    _floats.clear()
    _colours.clear()


# ----------------------------------------------------------------------- pydyf values


def _quick_to_bytes(original, dictionary_class, array_class, string_class):
    """pydyf 0.13's ``_to_bytes`` with the common types first.

    The original returns ``bytes`` as they are, formats a float (an integral one as
    an ``int``, another with ``%f`` and its trailing zeros stripped), gives an
    ``Object`` its ``data`` and anything else ``str(item).encode('ascii')``.  For an
    exact ``str`` or ``int`` that is ``item.encode('ascii')`` or ``b"%d" % item``; a
    float's text is the original's, remembered; a ``Dictionary`` or ``Array``
    (exactly those classes) is formatted with the expressions of their ``data``
    (which ``_write_objects_once`` only remembers, for numbered objects, during one
    write); a ``String`` whose text is ASCII without a backslash or parenthesis (which
    ``String.data`` escapes with ``re.sub``) is that text in parentheses.  Other types
    (bool, subclasses, streams, other strings) go to the original.
    """

    def to_bytes(item):
        cls = item.__class__
        if cls is bytes:
            return item
        if cls is float:
            text = _floats.get(item)
            if text is None:
                text = original(item)
                if len(_floats) >= _FLOATS_KEPT:
                    _floats.clear()
                _floats[item] = text
            return text
        if cls is str:
            return item.encode("ascii")
        if cls is int:
            return b"%d" % item
        if cls is dictionary_class:
            # b"/" + _to_bytes(key) + b" " + _to_bytes(value) for each entry, the
            # usual names and values (str, bytes) formatted here
            parts = []
            for key, value in item.items():
                key = key.encode("ascii") if key.__class__ is str else to_bytes(key)
                kind = value.__class__
                if kind is str:
                    value = value.encode("ascii")
                elif kind is not bytes:
                    value = to_bytes(value)
                parts.append(b"/" + key + b" " + value)
            return b"<<" + b"".join(parts) + b">>"
        if cls is array_class:
            return (
                b"[" + b" ".join([c if c.__class__ is bytes else to_bytes(c) for c in item]) + b"]"
            )
        if cls is string_class:
            try:
                text = to_bytes(item.string)
            except UnicodeEncodeError:
                return original(item)
            if b"\\" in text or b"(" in text or b")" in text:
                return original(item)
            return b"(" + text + b")"
        return original(item)

    return to_bytes


# ---------------------------------------------------------------------------- colours


def _quick_set_color(original, color_classes):
    """WeasyPrint 70's ``Stream.set_color`` with the operator of an sRGB colour remembered.

    For a colour of one of ``color_classes`` (tinycss2's ``Color`` classes, which
    share ``__iter__`` and ``to``) in the ``srgb`` space, the original sets the
    alpha, returns if ``(space, *channels)`` is the colour already set (stroking or
    not), and otherwise records it and appends ``set_color_rgb(*color.to('srgb')
    .coordinates, stroke)``: an operator made of the channels (``None`` read as 0) and
    ``stroke`` alone.  The replacement does the same steps and appends the operator
    the original made the first time.  Other colours go to the original.
    """

    def set_color(self, color, stroke=False):
        if color.__class__ not in color_classes or color.space != "srgb":
            return original(self, color, stroke)
        channels = color.coordinates
        self.set_alpha(color.alpha, stroke)
        current = ("srgb", *channels)
        if stroke:
            if current == self._current_color_stroke:
                return None
            self._current_color_stroke = current
        else:
            if current == self._current_color:
                return None
            self._current_color = current
        key = (channels, stroke)
        operator_ = _colours.get(key)
        if operator_ is None:
            mark = len(self.stream)
            self.set_color_rgb(*color.to("srgb").coordinates, stroke)
            operator_ = self.stream[mark]
            if len(self.stream) == mark + 1 and operator_.__class__ is bytes:
                if len(_colours) >= _COLOURS_KEPT:
                    _colours.clear()
                _colours[key] = operator_
            return None
        self.stream.append(operator_)
        return None

    return set_color


# -------------------------------------------------------------------- collapsed borders


def _solid_line(stream, x1, y1, x2, y2, thickness, color):
    """``with stream.artifact(), stream.stacked(): draw_line(..., 'solid', color)``.

    The same calls in the same order (WeasyPrint 70's ``artifact``, ``stacked`` and
    ``draw_line`` for a solid line), without the context managers.
    """
    assert x1 == x2 or y1 == y2  # as draw_line
    tagged = stream._tags is not None
    if tagged:
        pydyf.Stream.begin_marked_content(stream, "Artifact")
    stream.push_state()
    stream.push_state()
    stream.set_color(color, stroke=True)
    stream.set_line_width(thickness)
    stream.move_to(x1, y1)
    stream.line_to(x2, y2)
    stream.stroke()
    stream.pop_state()
    stream.pop_state()
    if tagged:
        pydyf.Stream.end_marked_content(stream)


def draw_collapsed_borders(stream, table):
    """Draw borders of table cells when they collapse."""
    draw_line, styled_color = draw.draw_line, draw.styled_color  # reportgen: its globals

    row_heights = [row.height for row_group in table.children for row in row_group.children]
    column_widths = table.column_widths
    if not (row_heights and column_widths):
        # One of the list is empty: don’t bother with empty tables.
        return
    row_positions = [row.position_y for row_group in table.children for row in row_group.children]
    column_positions = list(table.column_positions)
    grid_height = len(row_heights)
    grid_width = len(column_widths)
    assert grid_width == len(column_positions)
    vertical_borders, horizontal_borders = table.collapsed_border_grid
    # Add the end of the last column.
    column_positions.append(column_positions[-1] + column_widths[-1])
    # Add the end of the last row.
    row_positions.append(row_positions[-1] + row_heights[-1])
    if table.children[0].is_header:
        header_rows = len(table.children[0].children)
    else:
        header_rows = 0
    if table.children[-1].is_footer:
        footer_rows = len(table.children[-1].children)
    else:
        footer_rows = 0
    skipped_rows = table.skipped_rows
    if skipped_rows:
        body_rows_offset = skipped_rows - header_rows
    else:
        body_rows_offset = 0
    original_grid_height = len(vertical_borders)
    footer_rows_offset = original_grid_height - grid_height

    def row_number(y, horizontal):
        # Examples in comments for 2 headers rows, 5 body rows, 3 footer rows.
        if header_rows and y < header_rows + int(horizontal):
            # Row in header: y < 2 for vertical, y < 3 for horizontal.
            return y
        elif footer_rows and y >= grid_height - footer_rows:
            # Row in footer: y >= 7 for vertical and horizontal.
            return y + footer_rows_offset
        else:
            # Row in body: 2 >= y > 7 for vertical, 3 >= y > 7 for horizontal.
            return y + body_rows_offset

    segments = []

    # reportgen: half_max_width(grid, [(y1, x1), (y2, x2)], vertical) is
    # max(0, width(y1, x1), width(y2, x2)) / 2, a width outside the grid counting as
    # none; the two helpers below read one width of each grid as it did.
    def horizontal_width(y, x):
        if 0 <= y <= grid_height and 0 <= x < grid_width:
            return horizontal_borders[row_number(y, horizontal=True)][x][1][1]
        return 0

    def vertical_width(y, x):
        if 0 <= y < grid_height and 0 <= x <= grid_width:
            return vertical_borders[row_number(y, horizontal=False)][x][1][1]
        return 0

    def add_vertical(x, y):
        yy = row_number(y, horizontal=False)
        score, (style, width, color) = vertical_borders[yy][x]
        if width == 0 or color.alpha == 0:
            return
        pos_x = column_positions[x]
        pos_y1 = row_positions[y]
        if y != 0 or not table.skip_cell_border_top:
            pos_y1 -= max(0, horizontal_width(y, x - 1), horizontal_width(y, x)) / 2
        pos_y2 = row_positions[y + 1]
        if y != grid_height - 1 or not table.skip_cell_border_bottom:
            pos_y2 += max(0, horizontal_width(y + 1, x - 1), horizontal_width(y + 1, x)) / 2
        segments.append((score, style, width, color, "left", (pos_x, pos_y1, 0, pos_y2 - pos_y1)))

    def add_horizontal(x, y):
        if y == 0 and table.skip_cell_border_top:
            return
        if y == grid_height and table.skip_cell_border_bottom:
            return
        yy = row_number(y, horizontal=True)
        score, (style, width, color) = horizontal_borders[yy][x]
        if width == 0 or color.alpha == 0:
            return
        pos_y = row_positions[y]
        shift_before = max(0, vertical_width(y - 1, x), vertical_width(y, x)) / 2
        shift_after = max(0, vertical_width(y - 1, x + 1), vertical_width(y, x + 1)) / 2
        pos_x1 = column_positions[x] - shift_before
        pos_x2 = column_positions[x + 1] + shift_after
        segments.append((score, style, width, color, "top", (pos_x1, pos_y, pos_x2 - pos_x1, 0)))

    for x in range(grid_width):
        add_horizontal(x, 0)
    for y in range(grid_height):
        add_vertical(0, y)
        for x in range(grid_width):
            add_vertical(x + 1, y)
            add_horizontal(x, y + 1)

    # Sort bigger scores last (painted later, on top).
    segments.sort(key=operator.itemgetter(0))

    for segment in segments:
        _, style, width, color, side, border_box = segment
        bx, by, bw, bh = border_box
        if style == "solid":  # reportgen: styled_color keeps a solid colour as it is
            _solid_line(stream, bx, by, bx + bw, by + bh, width, color)
            continue
        color = styled_color(style, color, side)
        with stream.artifact(), stream.stacked():
            draw_line(stream, bx, by, bx + bw, by + bh, width, style, color)


# ------------------------------------------------------------------------ inline boxes


def draw_inline_level(stream, page, box, offset_x=0, text_overflow="clip", block_ellipsis="none"):
    """WeasyPrint 70.0's ``draw_inline_level``, each text box marked without a
    context manager (the calls of ``Stream.marked``, marked ``reportgen``)."""
    if isinstance(box, StackingContext):
        stacking_context = box
        allowed_boxes = (boxes.InlineBlockBox, boxes.InlineFlexBox, boxes.InlineGridBox)
        assert isinstance(stacking_context.box, allowed_boxes)
        draw.draw_stacking_context(stream, stacking_context)
    else:
        draw.set_mask_border(stream, box)
        draw.draw_background(stream, box.background)
        draw.draw_border(stream, box)
        if isinstance(box, (boxes.InlineBox, boxes.LineBox)):
            if isinstance(box, boxes.LineBox):
                text_overflow = box.text_overflow
                block_ellipsis = box.block_ellipsis
            ellipsis = "none"
            for i, child in enumerate(box.children):
                if i == len(box.children) - 1:
                    # Last child
                    ellipsis = block_ellipsis
                if isinstance(child, StackingContext):
                    child_offset_x = offset_x
                else:
                    child_offset_x = offset_x + child.position_x - box.position_x
                if isinstance(child, boxes.TextBox):
                    # reportgen: what ``with stream.marked(child, 'Span'):`` does
                    if stream._tags is not None:
                        mcid = len(stream._tags)
                        assert child not in stream._tags
                        stream._tags[child] = {"tag": "Span", "mcid": mcid}
                        pydyf.Stream.begin_marked_content(
                            stream, "Span", pydyf.Dictionary({"MCID": mcid})
                        )
                    draw.draw_text(stream, child, child_offset_x, text_overflow, ellipsis)
                    if stream._tags is not None:
                        pydyf.Stream.end_marked_content(stream)
                else:
                    draw.draw_inline_level(
                        stream, page, child, child_offset_x, text_overflow, ellipsis
                    )
        elif isinstance(box, boxes.InlineReplacedBox):
            with stream.marked(box, "Figure"):
                draw.draw_replacedbox(stream, box)
        else:
            assert isinstance(box, boxes.TextBox)
            # Should only happen for list markers.
            draw.draw_text(stream, box, offset_x, text_overflow)


# ---------------------------------------------------------------------------- outlines


def _quick_draw_outline(original):
    """WeasyPrint 70's ``draw_outline`` reading the outline only when it has a width.

    The original reads the outline's width, offset, colour and style and draws only
    if the box is visible, the width is not 0 and the colour not transparent, then
    does the same for every child that is a ``Box``.  A box whose outline width is 0
    draws nothing: its children are walked without reading the rest.
    """
    box_class = boxes.Box

    def draw_outline(stream, box):
        if box.style["outline_width"]:
            return original(stream, box)
        for child in box.children:
            if isinstance(child, box_class):
                draw_outline(stream, child)
        return None

    return draw_outline


def install() -> None:
    """Install the patches above where WeasyPrint 70 and pydyf 0.13 define and call them."""
    from tinycss2 import color4, color5
    from weasyprint.draw import border
    from weasyprint.pdf import stream

    from reportgen.render import weasy

    weasy._patch(
        pydyf,
        "_to_bytes",
        _quick_to_bytes(pydyf._to_bytes, pydyf.Dictionary, pydyf.Array, pydyf.String),
    )
    weasy._patch(
        stream.Stream,
        "set_color",
        _quick_set_color(stream.Stream.__dict__["set_color"], (color4.Color, color5.Color)),
    )
    weasy._patch(draw, "draw_collapsed_borders", draw_collapsed_borders)
    weasy._patch(draw, "draw_inline_level", draw_inline_level)
    outline = _quick_draw_outline(border.__dict__["draw_outline"])
    weasy._patch(border, "draw_outline", outline)
    weasy._patch(draw, "draw_outline", outline)

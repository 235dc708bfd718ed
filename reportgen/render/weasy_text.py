"""Drawing a text box again without shaping it again (a patch of WeasyPrint 70's drawing).

To draw a text box, WeasyPrint 70 rebuilds its Pango layout (``Layout.reactivate``:
a new Pango context and layout, the text shaped again) and walks the glyphs of its
first line, writing the PDF text operators and noting, in the document's font
objects, each glyph's width and the text it stands for.  A report repeats the same
short texts in the same style hundreds of times (the "0" cells of the tables) and a
document typeset again (``build --watch``, the browser preview) repeats all of them.

:func:`draw_text` does the same work once per distinct text box and remembers what
it produced: the fonts in the order they were added, the operators after the text
matrix, and for every glyph its id, its text and its width.  Another text box with the
same text, the same justification spacing and the same style properties
(:data:`.weasy.LINE_BREAK_STYLE`, every property the layout and the drawing read)
gets the same operators at its own position and makes the same changes to the
document's fonts.  The answer is only reused when it cannot differ from WeasyPrint's
own:

* only the plain case is remembered: no ellipsis, no underline, overline or
  line-through, no glyph missing from the fonts, no raised glyph, no emoji, bitmap,
  SVG or colour font; everything else is drawn by WeasyPrint as released;
* a glyph width already noted in the document must be the one remembered (a face used
  at two sizes shares one font object, and the first size drawn sets the width);
* the Pango fonts remembered are kept alive by a reference of their own.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import threading

from reportgen.render import weasy

_KEPT = 6_000  # distinct text boxes remembered per font configuration
_lock = threading.Lock()
_gobject: list[object] = []


def _object_ref():
    """``g_object_ref``/``g_object_unref`` of GLib (None when it cannot be loaded)."""
    if not _gobject:
        lib = None
        try:
            lib = ctypes.CDLL("libgobject-2.0.so.0")  # already loaded by WeasyPrint
        except OSError:
            name = ctypes.util.find_library("gobject-2.0")
            if name:
                with contextlib.suppress(OSError):
                    lib = ctypes.CDLL(name)
        if lib is not None:
            lib.g_object_ref.argtypes = [ctypes.c_void_p]
            lib.g_object_ref.restype = ctypes.c_void_p
            lib.g_object_unref.argtypes = [ctypes.c_void_p]
            lib.g_object_unref.restype = None
        _gobject.append(lib)
    return _gobject[0]


class _Held:
    """A reference of our own to a Pango font, released when the memo drops it."""

    __slots__ = ("address", "lib")

    def __init__(self, lib, address: int) -> None:
        self.lib, self.address = lib, address
        lib.g_object_ref(address)

    def __del__(self) -> None:
        self.lib.g_object_unref(self.address)


class _Recorder:
    """The PDF stream as ``draw_first_line`` sees it, noting the calls it makes."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.ops: list[tuple] = []
        self.fonts: list[tuple[object, object, float]] = []  # (pango font, font, size)
        self.plain = True

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def set_text_matrix(self, *values):
        self.ops.append(("matrix",))
        self._stream.set_text_matrix(*values)

    def add_font(self, pango_font):
        font, size = self._stream.add_font(pango_font)
        self.fonts.append((pango_font, font, size))
        return font, size

    def set_font_size(self, name, size):
        self.ops.append(("size", name, size))
        self._stream.set_font_size(name, size)

    def show_text(self, text):
        self.ops.append(("show", text))
        self._stream.show_text(text)

    def set_text_rise(self, rise):
        self.plain = False
        self._stream.set_text_rise(rise)


def _fancy(font) -> bool:
    return bool(font.bitmap or font.png or font.svg or font.colr)


def _glyphs(textbox, recorder, stream):
    """Per font added: [(glyph, text, width)] of the first line just drawn, or None."""
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango

    if not recorder.plain or not recorder.fonts or recorder.ops[:1] != [("matrix",)]:
        return None
    layout = textbox.pango_layout
    line = pango.pango_layout_get_line_readonly(layout.layout, 0)
    utf8 = layout.text.encode()
    fonts = iter(recorder.fonts)
    per_font: list[list[tuple[int, str, int]]] = []
    previous = None
    font = size = None
    run = line.runs[0]
    while run != ffi.NULL:
        item = run.data
        run = run.next
        glyph_string = item.glyphs
        count = glyph_string.num_glyphs
        clusters = glyph_string.log_clusters
        pango_font = item.item.analysis.font
        if pango_font != previous:
            previous = pango_font
            added = next(fonts, None)
            if added is None or added[0] != pango_font:
                return None
            _, font, size = added
            if _fancy(font):
                return None
            if pango.pango_version() < 14802:
                size = textbox.style["font_size"]
            per_font.append([])
        offset = item.item.offset
        rtl = item.item.analysis.level % 2
        for i, info in enumerate(glyph_string.glyphs[0:count]):
            glyph = info.glyph
            if glyph == pango.PANGO_GLYPH_EMPTY:
                continue
            if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG or info.geometry.y_offset:
                return None
            start = clusters[i]
            if rtl:
                end = item.item.length if i == 0 else clusters[i - 1]
            else:
                end = item.item.length if i == count - 1 else clusters[i + 1]
            try:
                text = utf8[offset + start : offset + end].decode()
            except UnicodeDecodeError:
                return None
            pango.pango_font_get_glyph_extents(
                pango_font, glyph, stream.ink_rect, stream.logical_rect
            )
            width = round(stream.logical_rect.width * 1000 * FROM_UNITS / size)
            if font.widths.get(glyph) != width:  # this document noted another width
                return None
            per_font[-1].append((glyph, text, width))
    if next(fonts, None) is not None:
        return None
    return per_font


def _key(textbox):
    layout = textbox.pango_layout
    style = textbox.style
    return (
        textbox.text,
        layout.text,
        layout.justification_spacing,
        *weasy.line_break_values(style),
    )


def _replay(stream, textbox, entry, x, y) -> bool:
    """Draw ``textbox`` from ``entry``; False (nothing written) if it does not apply."""
    from weasyprint.matrix import Matrix

    pango_fonts, ops, per_font, text, direction, _ = entry
    fonts = [stream.add_font(pango_font) for pango_font in pango_fonts]
    for (font, _), glyphs in zip(fonts, per_font, strict=True):
        if _fancy(font):
            return False
        widths = font.widths
        for glyph, _, width in glyphs:
            if widths.get(glyph, width) != width:
                return False
    for (font, _), glyphs in zip(fonts, per_font, strict=True):
        widths, to_unicode = font.widths, font.to_unicode
        for glyph, glyph_text, width in glyphs:
            if glyph not in to_unicode:
                to_unicode[glyph] = glyph_text
            if glyph not in widths:
                widths[glyph] = width
    stream.set_color(textbox.style["color"])
    stream.begin_text()
    for op in ops:
        if op[0] == "show":
            stream.show_text(op[1])
        elif op[0] == "size":
            stream.set_font_size(op[1], op[2])
        else:
            stream.set_text_matrix(*Matrix(d=-1, e=x, f=y).values)
    stream.end_text()
    layout = textbox.pango_layout
    layout.text, layout.first_line_direction = text, direction
    if hasattr(layout, "layout"):
        layout.deactivate()
    return True


def install() -> None:
    """Replace WeasyPrint 70's ``draw_text`` (where it is defined and where it is used)."""
    from weasyprint import draw
    from weasyprint.draw import text as draw_module
    from weasyprint.draw.color import get_color

    original = draw_module.draw_text
    if _object_ref() is None:
        return

    def draw_text(stream, textbox, offset_x, text_overflow, block_ellipsis):
        style = textbox.style
        decoration = style["text_decoration_line"]
        if (
            text_overflow == "ellipsis"
            or block_ellipsis != "none"
            or "underline" in decoration
            or "overline" in decoration
            or "line-through" in decoration
            or not style["font_size"]
            or style["visibility"] != "visible"
        ):
            return original(stream, textbox, offset_x, text_overflow, block_ellipsis)
        get_color(style, "text_decoration_color")  # read as WeasyPrint reads it
        try:
            key = _key(textbox)
            known = style.font_config.__dict__.setdefault("reportgen_drawn_text", {})
            entry = known.get(key)
        except TypeError:  # an unhashable value
            return original(stream, textbox, offset_x, text_overflow, block_ellipsis)
        x, y = textbox.position_x, textbox.position_y + textbox.baseline
        if entry is not None and _replay(stream, textbox, entry, x, y):
            return None
        from weasyprint.matrix import Matrix

        stream.set_color(style["color"])
        textbox.pango_layout.reactivate(style)
        stream.begin_text()
        recorder = _Recorder(stream)
        emojis = draw_module.draw_first_line(
            recorder, textbox, text_overflow, block_ellipsis, Matrix(d=-1, e=x, f=y)
        )
        stream.end_text()
        draw_module.draw_emojis(stream, style, x, y, emojis)
        if entry is None and not emojis:
            per_font = _glyphs(textbox, recorder, stream)
            lib = _object_ref()
            if per_font is not None:
                from weasyprint.text.ffi import ffi

                held = [
                    _Held(lib, int(ffi.cast("uintptr_t", pango_font)))
                    for pango_font, _, _ in recorder.fonts
                ]
                layout = textbox.pango_layout
                entry = (
                    [pango_font for pango_font, _, _ in recorder.fonts],
                    recorder.ops,
                    per_font,
                    layout.text,
                    layout.first_line_direction,
                    held,
                )
                with _lock:
                    if len(known) >= _KEPT:
                        known.clear()
                    known[key] = entry
        textbox.pango_layout.deactivate()
        return None

    weasy._patch(draw_module, "draw_text", draw_text)
    weasy._patch(draw, "draw_text", draw_text)

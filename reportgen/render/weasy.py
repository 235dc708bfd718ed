"""Load WeasyPrint once, cheaply, and keep what it can reuse between documents.

Work WeasyPrint (and pydyf, which writes its PDF) repeats or does not need is removed
here; none of it changes a byte of the PDF (``tests/test_pdf_speedups.py``):

* **Library lookup.**  WeasyPrint opens Pango, HarfBuzz and fontconfig through cffi, trying
  several names each; for a bare name cffi asks :func:`ctypes.util.find_library`, which on
  Linux runs ``ldconfig -p`` and, for every name that is not in the cache, ``gcc`` and
  ``ld`` as well.  Loading WeasyPrint made about 22 such calls (16 misses, ~54 subprocesses,
  0.2–0.3 s of every cold PDF build).  While WeasyPrint is imported, lookups are answered
  from one read of the linker cache (then ``LD_LIBRARY_PATH``), which finds the same
  libraries.
* **Font configuration.**  A new :class:`weasyprint.text.fonts.FontConfiguration` per
  document makes Pango load every font face again; one per process is reused (the report
  pages declare no ``@font-face``, so the configuration never grows).
* **Font data.**  Every document copied each font it uses (a CJK collection is ~20 MB)
  out of HarfBuzz into Python to embed a subset of it: 25 ms and ~60 MB a document.  The
  documents now read the font data in place (see :func:`_share_font_data`).
* **PDF objects written twice.**  With a document identifier, pydyf serialises (and
  compresses) every object of the PDF a second time to hash it; the second pass now
  reuses the first one's bytes (see :func:`_write_objects_once`).
* **Compressing the same stream again.**  A font subset or a page that did not change
  since the last document (``build --watch``, the browser preview) compresses to the
  same bytes: the last few large streams' compressed bytes are kept (see
  :func:`_remember_compressed_streams`).
* **Breaking the same line again.**  Table cells repeat the same short texts ("0"
  hundreds of times) and a section pushed to the next page is laid out twice; each
  time WeasyPrint asked Pango to break the same text in the same font at the same
  width.  The answers are remembered (see :func:`_remember_line_breaks`).
* **Used lengths.**  Every box's sixteen margins, paddings and sizes went through two
  generic calls each, every time the box was laid out; a plain length now takes one
  (see :func:`_quick_used_lengths`).
* **Computed values nobody declared.**  Most of a style's ~100 properties that layout
  reads are neither declared nor special: their computed value is the parent's
  (inherited) or the initial one.  These now skip the general path's string and
  ``calc()`` handling (see :func:`_quick_undeclared_values`).
* **Stylesheets parsed again.**  Every document parsed the page's ``<style>`` elements
  (selectors compiled, declarations validated) and every ``style`` attribute again.  A
  stylesheet text parsed before with the same base URL and media type now reuses the
  first parse's matcher and ``@page`` rules, and attribute texts are parsed once (see
  :mod:`reportgen.render.weasy_css`).
* **Styles nobody reads.**  The user-agent stylesheet matches six pseudo-elements on
  every element (~2 650 styles a report) that box building asks for only on list items,
  footnotes and notes; they are made when first asked for, and an element sharing
  another's style no longer builds a cascade that is thrown away (see
  :mod:`reportgen.render.weasy_cascade`).
* **Lines, floats and backgrounds.**  Every line box asked where the floats are, and
  every box had its corner radii and background worked out, though a report has no
  floats, round corners or backgrounds; the key of each line's strut was printed from 16
  properties ~800 times a document.  Quick paths handle these common cases with
  WeasyPrint's own expressions (see :mod:`reportgen.render.weasy_layout`).
* **Drawing, tagging, PDF values.**  Collapsed borders, colours, outlines, text-box
  marks, pydyf's value formatting, tagging's page references and anchor gathering take
  quick paths that make WeasyPrint's and pydyf's own calls or values (see
  :mod:`reportgen.render.weasy_draw` and :mod:`reportgen.render.weasy_boxes`).
* **Garbage collection.**  Layout allocates hundreds of thousands of short-lived objects
  and the cyclic collector ran repeatedly over WeasyPrint's own import-time objects.  Those
  are frozen once after import, the collector is paused while one document is typeset,
  and one collection runs after it, so a long-lived worker's memory stays flat.  The edit
  loop (``build --watch``, the browser form's downloads) runs that collection after the
  result is shown instead of before (see :func:`collection_deferred`).
"""

from __future__ import annotations

import contextlib
import ctypes.util
import gc
import operator
import os
import re
import subprocess
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

_state: dict[str, object] = {}
#: the font data documents read in place (id -> buffer); kept for the life of the process
_lasting_font_data: dict[int, object] = {}


def _linker_cache() -> str | None:
    """The output of ``ldconfig -p`` (None: no linker cache to ask)."""
    for exe in ("/sbin/ldconfig", "/usr/sbin/ldconfig"):
        try:
            out = subprocess.run(
                [exe, "-p"],
                capture_output=True,
                text=True,
                timeout=5,
                env={"LC_ALL": "C", "LANG": "C"},
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        if out:
            return out
    return None


def _abi_type() -> str:
    """The ABI tag ``ldconfig -p`` prints for this interpreter's libraries (as CPython)."""
    import struct

    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    return {
        "x86_64-64": "libc6,x86-64",
        "ppc64-64": "libc6,64bit",
        "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit",
        "ia64-64": "libc6,IA-64",
    }.get(machine, "libc6")


def _fast_find_library(cache: str):
    """``find_library`` answered from the linker cache exactly as CPython's first step is.

    CPython's own lookup searches the same ``ldconfig -p`` text with this expression; a
    name it does not find there is looked for in ``LD_LIBRARY_PATH`` (CPython's last
    step) instead of by compiling and linking a test program.
    """
    found: dict[str, str | None] = {}
    abi = _abi_type()

    def find_library(name: str) -> str | None:
        if name not in found:
            hit = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(abi)}", cache)
            found[name] = hit.group(1) if hit else _search_ld_library_path(name)
        return found[name]

    return find_library


def _search_ld_library_path(name: str) -> str | None:
    for folder in filter(None, os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep)):
        with contextlib.suppress(OSError):
            for entry in sorted(os.listdir(folder)):
                if re.fullmatch(rf"lib{re.escape(name)}\.so(\.\d+)*", entry):
                    return str(Path(folder) / entry)
    return None


@contextlib.contextmanager
def _quick_library_lookup() -> Iterator[None]:
    original = ctypes.util.find_library
    cache = _linker_cache() if sys.platform.startswith("linux") else None
    if cache is not None:
        ctypes.util.find_library = _fast_find_library(cache)
    try:
        yield
    finally:
        ctypes.util.find_library = original


def load():
    """Import WeasyPrint (once per process) and return the module."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    import logging

    with _quick_library_lookup():
        import weasyprint
    _share_font_data()
    if _patchable():
        _write_objects_once()
        _remember_compressed_streams()
        _remember_line_breaks()
        _quick_used_lengths()
        _quick_undeclared_values()
        _quick_box_lengths()
        _remembered_character_runs()
        for module in _patch_modules():
            module.install()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    # WeasyPrint's import-time objects live as long as the process: keep them out of
    # every later collection.
    gc.collect()
    gc.freeze()
    return weasyprint


def _share_font_data() -> None:
    """Let every document read the fonts' data in place (see above); WeasyPrint 70's ``Font``.

    ``Font.file_content`` becomes a read-only view of the face's HarfBuzz blob (the font
    file as fontconfig mapped it) instead of a fresh 20 MB copy per font and document; it
    is only read, to subset it, and the subset that is embedded is a new ``bytes``.
    """
    from weasyprint.pdf import fonts
    from weasyprint.text.ffi import ffi, harfbuzz

    if getattr(fonts.Font.__init__, "reportgen", False):
        return
    original_init = fonts.Font.__init__
    original_data = fonts.get_hb_object_data
    shared: dict[int, tuple[object, object, object]] = {}

    def face_data(hb_object, ot_color=None, glyph=None):
        if ot_color is not None or glyph is not None:
            return original_data(hb_object, ot_color, glyph)
        address = int(ffi.cast("uintptr_t", hb_object))
        if address not in shared:
            blob = ffi.gc(harfbuzz.hb_face_reference_blob(hb_object), harfbuzz.hb_blob_destroy)
            length = ffi.new("unsigned int *")
            data = harfbuzz.hb_blob_get_data(blob, length)
            if data == ffi.NULL:
                return None
            # the face and blob held here stay alive, so the view stays valid and the
            # face's address is never reused for another face
            shared[address] = (hb_object, blob, ffi.buffer(data, int(length[0])))
            _lasting_font_data[id(shared[address][2])] = shared[address][2]
        return shared[address][2]

    def init(self, pango_font, description, font_size):
        fonts.get_hb_object_data = face_data
        try:
            original_init(self, pango_font, description, font_size)
        finally:
            fonts.get_hb_object_data = original_data

    init.reportgen = True
    fonts.Font.__init__ = init


# ------------------------------------------------------------- patches of the libraries
#
# Each speed-up below replaces one function or property of WeasyPrint 70 or the pydyf it
# uses (both pinned), is installed once, and is recorded so that :func:`as_released` can
# typeset a page without them: ``tests/test_pdf_speedups.py`` compares the bytes.

_PATCHES: list[tuple[object, str, object, object]] = []


#: The modules of ``reportgen.render`` whose ``install()`` patches WeasyPrint 70 (through
#: :func:`_patch`) and whose ``forget()``, where they have one, drops what they remember.
PATCH_MODULES = (
    "weasy_text",
    "weasy_tables",
    "weasy_css",
    "weasy_cascade",
    "weasy_layout",
    "weasy_draw",
    "weasy_boxes",
)


def _patch_modules(loaded_only: bool = False) -> list:
    import importlib

    names = [f"reportgen.render.{name}" for name in PATCH_MODULES]
    if loaded_only:
        return [sys.modules[name] for name in names if name in sys.modules]
    return [importlib.import_module(name) for name in names]


def _patchable() -> bool:
    """Whether the installed WeasyPrint and pydyf are the versions the patches were read in."""
    import pydyf
    import weasyprint

    return weasyprint.__version__.startswith("70.") and pydyf.__version__.startswith("0.13.")


def _patch(owner: object, name: str, replacement: object) -> None:
    original = owner.__dict__[name]
    if getattr(original, "reportgen", False) or any(
        p[0] is owner and p[1] == name for p in _PATCHES
    ):
        return
    setattr(owner, name, replacement)
    _PATCHES.append((owner, name, original, replacement))


@contextlib.contextmanager
def as_released() -> Iterator[None]:
    """WeasyPrint and pydyf without the patches of :func:`_patch`, and nothing remembered
    from earlier documents (:func:`lasting_font_data` knows no font): to compare output."""
    for owner, name, original, _ in _PATCHES:
        setattr(owner, name, original)
    _state["released"] = True
    try:
        yield
    finally:
        _state["released"] = False
        for owner, name, _, replacement in _PATCHES:
            setattr(owner, name, replacement)


_writing = threading.local()


def _write_objects_once() -> None:
    """Serialise each object of a PDF once per ``PDF.write`` (pydyf 0.13).

    Given an identifier, ``PDF.write`` writes every object, then joins every object's
    ``data`` again to hash it: each stream is compressed twice (zlib level 9, ~15 ms of
    a 5-page report) and every dictionary is formatted twice.  Nothing changes any
    object between the two passes (``write`` only adds the object and xref streams and
    sets offsets, which are not part of ``data``), so the second pass can reuse the
    bytes of the first.  Only objects numbered in the PDF being written are remembered,
    by identity: the PDF holds them for the whole write, so no identity is reused, and
    the memo is dropped when ``write`` returns.  Temporaries (a stream's own dictionary,
    values inside dictionaries) are formatted as before.
    """
    import pydyf

    original_write = pydyf.PDF.write

    def write(self, *args, **kwargs):
        outer = getattr(_writing, "memo", None)
        _writing.memo = ({}, self.objects)
        try:
            return original_write(self, *args, **kwargs)
        finally:
            _writing.memo = outer

    def remembered(compute):
        def data(self):
            memo = getattr(_writing, "memo", None)
            if memo is None:
                return compute(self)
            known, objects = memo
            number = self.number
            if number is None or number >= len(objects) or objects[number] is not self:
                return compute(self)
            key = id(self)
            if key not in known:
                known[key] = compute(self)
            return known[key]

        return property(data, doc=f"{compute.__doc__ or ''} (once per PDF.write)")

    _patch(pydyf.PDF, "write", write)
    for cls in (pydyf.Dictionary, pydyf.Stream, pydyf.Array):
        _patch(cls, "data", remembered(cls.__dict__["data"].fget))


class _RememberingZlib:
    """pydyf's ``zlib``: the same calls, with the last large results remembered.

    zlib's output is a function of the input and the settings alone, and pydyf compresses
    a stream with one ``compress`` and one ``flush``; so the compressed bytes of an input
    compressed before are exactly what compressing it again would give.
    """

    SMALLEST = 8 * 1024  # smaller streams compress in well under a millisecond
    BUDGET = 16 * 1024 * 1024  # bytes of input and output kept, at most

    def __init__(self, zlib) -> None:
        self._zlib = zlib
        self._known: OrderedDict[tuple[int, bytes], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __getattr__(self, name: str):
        return getattr(self._zlib, name)

    def compressobj(self, level: int = -1, *args, **kwargs):
        if args or kwargs:
            return self._zlib.compressobj(level, *args, **kwargs)
        return _RememberingCompressor(self, level)

    def compressed(self, level: int, data: bytes) -> bytes:
        if len(data) < self.SMALLEST:
            return self._deflate(level, data)
        key = (level, data)
        with self._lock:
            if key in self._known:
                self._known.move_to_end(key)
                return self._known[key]
        out = self._deflate(level, data)
        with self._lock:
            if key not in self._known:
                self._known[key] = out
                self._size += len(data) + len(out)
            while self._size > self.BUDGET and len(self._known) > 1:
                (_, old), old_out = self._known.popitem(last=False)
                self._size -= len(old) + len(old_out)
        return out

    def _deflate(self, level: int, data: bytes) -> bytes:
        compressor = self._zlib.compressobj(level=level)
        return compressor.compress(data) + compressor.flush()


class _RememberingCompressor:
    """Collects what pydyf gives ``compress`` and deflates it all in ``flush``."""

    def __init__(self, owner: _RememberingZlib, level: int) -> None:
        self._owner, self._level, self._chunks = owner, level, []

    def compress(self, data) -> bytes:
        self._chunks.append(bytes(data))
        return b""

    def flush(self, *mode) -> bytes:
        data = b"".join(self._chunks)
        if mode:  # pydyf never flushes part-way; such a call is left to zlib
            compressor = self._owner._zlib.compressobj(level=self._level)
            return compressor.compress(data) + compressor.flush(*mode)
        return self._owner.compressed(self._level, data)


def _remember_compressed_streams() -> None:
    """Give pydyf a ``zlib`` that remembers large results (see :class:`_RememberingZlib`)."""
    import pydyf

    if not isinstance(pydyf.__dict__.get("zlib"), _RememberingZlib):
        _patch(pydyf, "zlib", _RememberingZlib(pydyf.zlib))


def forget() -> None:
    """Drop what was remembered from earlier documents (line breaks, compressed streams,
    font subsets, parsed stylesheets): the next document costs what a first one does
    (for benchmarks)."""
    import pydyf

    from reportgen.render import pdf

    if "font_config" in _state:
        _state["font_config"].__dict__.pop("reportgen_line_breaks", None)
        _state["font_config"].__dict__.pop("reportgen_drawn_text", None)
    remembering = pydyf.__dict__.get("zlib")
    if isinstance(remembering, _RememberingZlib):
        with remembering._lock:
            remembering._known.clear()
            remembering._size = 0
    with pdf._SUBSETS_LOCK:
        pdf._SUBSETS.clear()
    for module in _patch_modules(loaded_only=True):
        getattr(module, "forget", lambda: None)()


def lasting_font_data(data: object) -> int | None:
    """An identity for ``data`` if it is font data that lives as long as the process.

    Such data (see :func:`_share_font_data`) never changes and its identity is never
    reused, so results computed from it can be remembered under this identity.
    """
    key = id(data)
    if _state.get("released") or _lasting_font_data.get(key) is not data:
        return None
    return key


#: Every style property WeasyPrint 70's ``split_first_line`` reads, with what it calls
#: (``Layout.setup``/``set_text``, ``get_font_description``, ``font_features``,
#: ``line_size``, ``first_line_metrics``, ``percentage`` of the hyphenation zone).
LINE_BREAK_STYLE = (
    "direction",
    "font_family",
    "font_feature_settings",
    "font_kerning",
    "font_language_override",
    "font_size",
    "font_stretch",
    "font_style",
    "font_variant_alternates",
    "font_variant_caps",
    "font_variant_east_asian",
    "font_variant_ligatures",
    "font_variant_numeric",
    "font_variant_position",
    "font_variation_settings",
    "font_weight",
    "hyphenate_character",
    "hyphenate_limit_chars",
    "hyphenate_limit_zone",
    "hyphens",
    "lang",
    "letter_spacing",
    "overflow_wrap",
    "tab_size",
    "text_decoration_line",
    "white_space",
    "word_break",
    "word_spacing",
)
#: A style's :data:`LINE_BREAK_STYLE` values as a tuple, read in one C call (the key of
#: every remembered line break and drawn text box is built with it).
line_break_values = operator.itemgetter(*LINE_BREAK_STYLE)
_LINE_BREAKS_KEPT = 8_000  # ~750 bytes each: at most ~6 MB


def _remember_line_breaks() -> None:
    """Remember ``split_first_line``'s answers per font configuration (WeasyPrint 70).

    ``split_first_line(text, style, context, max_width, justification_spacing,
    is_line_start, minimum)`` builds a Pango layout, breaks the text's first line and
    returns the layout (already *deactivated*: only its text, widths and font metrics
    are left; drawing rebuilds the Pango layout from the box's own style) and five
    numbers.  It reads nothing but its arguments, the style properties in
    :data:`LINE_BREAK_STYLE`, the font configuration (the key lives on it) and the
    context's hyphenation dictionaries (the same for the same language and limits).  So
    the same text, properties and arguments give the same answer, and a copy of the
    layout object is handed out each time (drawing an ellipsis changes its text).
    A property value that cannot be hashed leaves that call unremembered.
    """
    import copy

    from weasyprint.layout import inline, preferred
    from weasyprint.text import line_break

    original = line_break.split_first_line

    def split_first_line(
        text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False
    ):
        try:
            key = (
                text,
                max_width,
                justification_spacing,
                is_line_start,
                minimum,
                *line_break_values(style),
            )
            known = style.font_config.__dict__.setdefault("reportgen_line_breaks", {})
            answer = known.get(key)
        except TypeError:  # an unhashable value
            return original(
                text, style, context, max_width, justification_spacing, is_line_start, minimum
            )
        if answer is None:
            answer = original(
                text, style, context, max_width, justification_spacing, is_line_start, minimum
            )
            if len(known) >= _LINE_BREAKS_KEPT:
                known.clear()
            known[key] = answer = (copy.copy(answer[0]), *answer[1:])
        return (copy.copy(answer[0]), *answer[1:])

    for module in (line_break, inline, preferred):
        _patch(module, "split_first_line", split_first_line)


def _quick_used_lengths() -> None:
    """``resolve_one_percentage`` with the common case first (WeasyPrint 70).

    The original sets ``box.<property>`` to ``percentage(style[property], style,
    refer_to)``, which returns ``refer_to * value.value / 100`` for a ``Dimension`` in
    ``%``, ``value.value`` for any other ``Dimension`` with a unit, and otherwise
    resolves ``auto``, ``None`` and ``calc()``.  The replacement computes the first two
    itself with the same expressions and hands everything else to the original, so the
    used values are the same floats.
    """
    from weasyprint.css.properties import Dimension
    from weasyprint.layout import inline, percent, table

    original = percent.resolve_one_percentage

    def resolve_one_percentage(box, property_name, refer_to):
        value = box.style[property_name]
        if value.__class__ is Dimension and value.unit is not None:
            if value.unit == "%":
                setattr(box, property_name, refer_to * value.value / 100)
            else:
                setattr(box, property_name, value.value)
        else:
            original(box, property_name, refer_to)

    for module in (percent, inline, table):
        _patch(module, "resolve_one_percentage", resolve_one_percentage)


def _quick_box_lengths() -> None:
    """``resolve_percentages`` in one loop (WeasyPrint 70).

    The original resolves each of a box's fourteen margins, paddings, sizes and limits
    with ``resolve_one_percentage`` (the width of the containing block for the
    horizontal ones and for the vertical margins and paddings, its height for the
    heights), then copies the four border widths and applies ``box-sizing``; it runs
    for every box each time it is laid out.  The replacement makes the same calls (to
    :func:`_quick_used_lengths`'s version) in the same order from one loop over a
    fixed plan, and treats the height of a box in a block of content-based height, the
    border widths and ``adjust_box_sizing`` exactly as the original.
    """
    from math import inf

    from weasyprint.css.functions import check_math
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import (
        absolute,
        block,
        column,
        grid,
        inline,
        page,
        percent,
        table,
    )
    from weasyprint.layout import float as floats

    one = percent.__dict__["resolve_one_percentage"]  # :func:`_quick_used_lengths`
    sizing = percent.adjust_box_sizing
    box_class, page_class = boxes.Box, boxes.PageBox
    widths = (
        "margin_left",
        "margin_right",
        "margin_top",
        "margin_bottom",
        "padding_left",
        "padding_right",
        "padding_top",
        "padding_bottom",
        "width",
        "min_width",
        "max_width",
    )
    across = (False, False, True, True, False, False, True, True, False, False, False)
    first = tuple(zip(widths, across, strict=True))
    heights = ("height", "min_height", "max_height")
    borders = ("border_top_width", "border_right_width", "border_bottom_width")
    borders += ("border_left_width",)

    def resolve_percentages(box, containing_block):
        if isinstance(containing_block, box_class):
            cb_width = containing_block.width
            cb_height = containing_block.height
        else:
            cb_width, cb_height = containing_block
        maybe_height = cb_height if isinstance(box, page_class) else cb_width
        style = box.style
        plan = [(name, maybe_height if vertical else cb_width) for name, vertical in first]
        if cb_height == "auto":
            height = style["height"]
            if height == "auto" or check_math(height) or height.unit == "%":
                plan.append(("height", "auto"))
            else:
                assert height.unit.lower() == "px"
                plan.append(("height", height.value))
            plan += (("min_height", 0), ("max_height", inf))
        else:
            plan += ((name, cb_height) for name in heights)
        for name, refer_to in plan:
            if name == "height" and cb_height == "auto":
                box.height = refer_to
                continue
            one(box, name, refer_to)
        collapse = style["border_collapse"] == "collapse"
        for name in borders:
            if not (collapse and hasattr(box, name)):
                setattr(box, name, style[name])
        sizing(box, "width")
        sizing(box, "height")

    for module in (percent, inline, page, floats, grid, absolute, block, column, table):
        _patch(module, "resolve_percentages", resolve_percentages)


def _remembered_character_runs() -> None:
    """Let tinyhtml5 2.1's ``chars_until`` find the expressions it compiled before.

    ``chars_until(characters, opposite)`` (reading up to, or while, one of a set of
    characters: every tag and attribute name, every text run) keeps a compiled
    expression per ``(characters, opposite)``, but its chained assignment stores it
    under the expression itself, so every call built the character class again from
    the set (~3% of a warm document).  The expression is now stored under the key
    the lookup uses, built exactly as tinyhtml5 builds it; the call itself is
    tinyhtml5's own.
    """
    import tinyhtml5
    from tinyhtml5 import inputstream

    if not getattr(tinyhtml5, "VERSION", "").startswith("2.1."):
        return
    known = inputstream.characters_until_regex
    original = inputstream.HTMLUnicodeInputStream.__dict__["chars_until"]

    def chars_until(self, characters, opposite=False):
        key = (characters, opposite)
        if key not in known:
            regex = "".join([f"\\x{ord(character):02x}" for character in characters])
            if not opposite:
                regex = f"^{regex}"
            known[key] = re.compile(f"[{regex}]+")
        return original(self, characters, opposite)

    _patch(inputstream.HTMLUnicodeInputStream, "chars_until", chars_until)


def _quick_undeclared_values() -> None:
    """``ComputedStyle.__missing__`` with the plain cases first (WeasyPrint 70).

    For a property that is not in the element's cascaded declarations and is none of
    those the original treats specially (``float``, ``display``, ``position``,
    ``page``, ``text-decoration-*``, custom properties), the original computes (a
    physical property such as ``width`` or ``border-left-style`` counts as not
    declared when the logical property it maps to for the element's ``direction``,
    such as ``inline-size``, is not declared either; the mapping of each property and
    direction is remembered):

    * inherited, with a parent: the parent's computed value, stored as is unless it
      holds a math function (``calc()`` …), which it goes on to resolve;
    * otherwise: the initial value, stored as is unless the property is in
      ``INITIAL_NOT_COMPUTED``, in which case the property's computer function is
      applied and its result stored.  No initial value holds a math function (checked
      when the patch is installed).

    A declared property that is none of those special ones (and, if physical, whose
    logical property is not declared) with a value that is not pending (``var()``),
    not ``inherit`` or ``initial`` and holds no math function, the original passes to
    the property's computer function, if it has one, and stores the result.

    The replacement does exactly that for those properties and hands every other case,
    including an inherited value with a math function, to the original.
    """
    from weasyprint import css
    from weasyprint.css.computed_values import COMPUTER_FUNCTIONS, PHYSICAL_FUNCTIONS
    from weasyprint.css.functions import check_math
    from weasyprint.css.properties import INHERITED, INITIAL_NOT_COMPUTED, INITIAL_VALUES
    from weasyprint.css.tokens import Pending

    if any(check_math(value) for value in INITIAL_VALUES.values()):
        return
    original = css.ComputedStyle.__dict__["__missing__"]
    special = {"float", "display", "position", "page"}
    special |= {key for key in INITIAL_VALUES if key.startswith("text_decoration_")}
    plain_inherited = frozenset(INHERITED) - special
    plain_initial = frozenset(INITIAL_VALUES) - special - frozenset(INHERITED)
    physical = frozenset(PHYSICAL_FUNCTIONS) - special
    plain_declared = frozenset(INITIAL_VALUES) - special
    logical_keys: dict[tuple[str, str], str] = {}

    def __missing__(self, key):
        cascaded = self.cascaded
        declared = key in cascaded
        if declared and key not in plain_declared:
            return original(self, key)
        if key in physical:
            direction = self["direction"]
            logical = logical_keys.get((key, direction))
            if logical is None:
                logical = PHYSICAL_FUNCTIONS[key](block="ttb", inline=direction)
                logical_keys[key, direction] = logical
            if logical in cascaded:
                return original(self, key)
        if declared:
            value = cascaded[key][0]
            if (
                isinstance(value, Pending)
                or value == "inherit"
                or value == "initial"
                or check_math(value)
            ):
                return original(self, key)
            if key in COMPUTER_FUNCTIONS:
                value = COMPUTER_FUNCTIONS[key](self, key, value)
            self[key] = value
            return value
        if key in plain_inherited and self.parent_style is not None:
            value = self.parent_style[key]
            if check_math(value):
                return original(self, key)
        elif key in plain_initial or (key in plain_inherited and self.parent_style is None):
            value = INITIAL_VALUES[key]
            if key in INITIAL_NOT_COMPUTED and key in COMPUTER_FUNCTIONS:
                value = COMPUTER_FUNCTIONS[key](self, key, value)
        else:
            return original(self, key)
        self[key] = value
        return value

    _patch(css.ComputedStyle, "__missing__", __missing__)


def font_config():
    """This process's font configuration (a forked worker makes its own)."""
    pid = os.getpid()
    if _state.get("pid") != pid:
        load()
        from weasyprint.text.fonts import FontConfiguration

        _state.update(pid=pid, font_config=FontConfiguration())
    return _state["font_config"]


_collecting = threading.Lock()
_deferring = threading.local()


@contextlib.contextmanager
def typesetting() -> Iterator[None]:
    """Pause the cyclic collector for one document, then collect what it left.

    Inside :func:`collection_deferred` the collection (~40 ms of freeing the document's
    ~45 000 objects held in reference cycles) is left for :func:`collect_pending`, which
    the edit loop calls once the result is shown: the clerk does not wait for it.  Until
    then the collector stays paused, so the document's garbage is not walked by an
    automatic collection in the middle of writing the files.
    """
    collect_pending()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if getattr(_deferring, "depth", 0):
            with _collecting:
                _state["collect_pending"] = enabled or bool(_state.get("collect_pending"))
        else:
            if enabled:
                gc.enable()
            gc.collect()


@contextlib.contextmanager
def collection_deferred() -> Iterator[None]:
    """Leave the collection after each document typeset in this block to the caller.

    The caller must call :func:`collect_pending` when it is idle (after printing the
    check result, after sending the download); the next document collects first
    otherwise, so at most one document's garbage waits.
    """
    _deferring.depth = getattr(_deferring, "depth", 0) + 1
    try:
        yield
    finally:
        _deferring.depth -= 1


def collect_pending() -> None:
    """Collect the garbage of a document whose collection was deferred (if any)."""
    with _collecting:
        if "collect_pending" not in _state:
            return
        enable = _state.pop("collect_pending")
        gc.collect()
        if enable:
            gc.enable()

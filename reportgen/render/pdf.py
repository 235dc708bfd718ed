"""The report as a PDF laid out to GB/T 9704-2012, typeset by WeasyPrint from the HTML page.

The PDF is the HTML page of :mod:`reportgen.render.html` under its print stylesheet
(``templates/default/print.css``): A4, the standard's margins and 版心, 3号仿宋 body text on
the 22-line grid, page numbers ``— N —`` outside, table header rows repeated on every page,
bookmarks for the six sections.  Fonts come from the font map and are embedded as subsets.

Rendering never touches the network: the URL fetcher only serves ``data:`` URIs and files
inside the template folders.  Output is deterministic: the document identifier is derived
from the content and the dates are the report's own (published date, else 31 December of
the report year), so the same input gives byte-identical files.

WeasyPrint is imported only here, inside functions: it takes most of a second to load and
``reportgen check`` must not pay for it.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from reportgen.errors import Problem, RenderError
from reportgen.render import justify, pdf_access
from reportgen.render.html import builtin_template_dir, render_html
from reportgen.report import Report


def _fetcher_class():
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    from weasyprint.urls import URLFetcher

    class ConfinedFetcher(URLFetcher):
        """Serves ``data:`` URIs and files under the template folders; refuses the rest."""

        def __init__(self, roots: list[Path]) -> None:
            super().__init__(allowed_protocols=("data", "file"))
            self.roots = [r.resolve() for r in roots]

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in self.roots):
                    raise ValueError(f"refused (outside the template folders): {url}")
            elif not url.startswith("data:"):
                raise ValueError(f"refused (no network access while rendering): {url}")
            return super().fetch(url, headers)

    return ConfinedFetcher


# ------------------------------------------------------------------ compact CJK fonts
#
# WeasyPrint subsets fonts but keeps every glyph index up to the last one used, so a CJK
# font still carries 40 000-65 000 empty glyph slots (offsets, metrics): about 90 KB per
# font after compression, and the subsetting itself takes ~25 ms per font.  CID-keyed CFF
# fonts (Noto CJK, most OpenType CJK fonts) do not need the slots: the PDF addresses their
# glyphs by CID, which the font's charset keeps when unused glyphs are dropped.  So for
# those fonts reportgen subsets in one pass without the slots (checking that every CID the
# PDF uses is still there), and the finisher embeds the bare CFF table (``CIDFontType0C``),
# which every viewer reads by CID.  Any other font goes through WeasyPrint unchanged.

_HB_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef struct hb_set_t hb_set_t;
typedef uint32_t hb_codepoint_t;
hb_blob_t *hb_blob_create(const char *data, unsigned int length, int mode, void *user_data,
                          void *destroy);
void hb_blob_destroy(hb_blob_t *blob);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set(hb_subset_input_t *input);
hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
void hb_set_add(hb_set_t *set, hb_codepoint_t codepoint);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned int value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""
_HB_NO_HINTING, _HB_DESUBROUTINIZE, _HB_PASSTHROUGH = 0x1, 0x4, 0x20
_HB_DROP_TABLE_TAG = 3
#: Tables a PDF never reads (as WeasyPrint drops them); without GSUB the subset also stops
#: pulling in vertical and localised variants of every glyph.
_DROP_TABLES = (
    b"BASE",
    b"DSIG",
    b"EBDT",
    b"EBLC",
    b"EBSC",
    b"GPOS",
    b"GSUB",
    b"JSTF",
    b"LTSH",
    b"PCLT",
    b"SVG ",
    b"VORG",
    b"vhea",
    b"vmtx",
)


@functools.cache
def _harfbuzz_subset():
    """(ffi, lib) for libharfbuzz-subset, or None when it is not installed."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(_HB_CDEF)
    for name in ("harfbuzz-subset", "libharfbuzz-subset.so.0", "libharfbuzz-subset-0.dll"):
        try:
            return ffi, ffi.dlopen(name)
        except OSError:
            continue
    return None


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (fast) rather than fontTools (slow)."""
    try:
        from reportgen.render import weasy

        weasy.load()
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except (ImportError, OSError):
        return False
    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def _subset(data: bytes, index: int, gids: set[int]) -> bytes | None:
    """The font (face ``index`` of a collection) reduced to ``gids``, renumbered."""
    loaded = _harfbuzz_subset()
    if loaded is None:
        return None
    ffi, hb = loaded
    source = data if isinstance(data, bytes) else ffi.from_buffer(data)
    blob = ffi.gc(hb.hb_blob_create(source, len(data), 1, ffi.NULL, ffi.NULL), hb.hb_blob_destroy)
    face = ffi.gc(hb.hb_face_create(blob, index), hb.hb_face_destroy)
    request = hb.hb_subset_input_create_or_fail()
    if request == ffi.NULL:
        return None
    request = ffi.gc(request, hb.hb_subset_input_destroy)
    glyphs = hb.hb_subset_input_glyph_set(request)
    for gid in sorted({0, *gids}):
        hb.hb_set_add(glyphs, gid)
    hb.hb_subset_input_set_flags(request, _HB_NO_HINTING | _HB_DESUBROUTINIZE | _HB_PASSTHROUGH)
    dropped = hb.hb_subset_input_set(request, _HB_DROP_TABLE_TAG)
    for tag in _DROP_TABLES:
        hb.hb_set_add(dropped, int.from_bytes(tag, "big"))
    subset = hb.hb_subset_or_fail(face, request)
    if subset == ffi.NULL:
        return None
    subset = ffi.gc(subset, hb.hb_face_destroy)
    out_blob = ffi.gc(hb.hb_face_reference_blob(subset), hb.hb_blob_destroy)
    length = ffi.new("unsigned int *")
    pointer = hb.hb_blob_get_data(out_blob, length)
    return bytes(ffi.buffer(pointer, length[0]))


def _cid_cff(font: bytes, cids: set[int]) -> bytes | None:
    """The bare CFF table of an OpenType ``font`` if it is CID-keyed and has every CID."""
    import io

    from fontTools.ttLib import TTFont

    try:
        tt = TTFont(io.BytesIO(font), lazy=True)
        if "CFF " not in tt or not hasattr(tt["CFF "].cff.topDictIndex[0], "ROS"):
            return None
        names = set(tt.getGlyphOrder())
        raw = tt.reader["CFF "]
    except Exception:
        return None
    # HarfBuzz may add glyphs reachable through the font's layout tables; extra is harmless
    if not {f"cid{c:05d}" for c in cids - {0}} <= names:
        return None
    return bytes(raw)


def _compact_subset(font, to_unicode, hinting, _original):
    """``Font.subset`` for CID-keyed CFF fonts: one pass, no empty slots (see above).

    The font's data may be a read-only view of the font file (:mod:`.weasy`); whatever
    is embedded in the end is ``bytes``.
    """
    content = font.file_content
    if to_unicode and "fvar" not in font.tables and content[:4] in (b"OTTO", b"ttcf"):
        index = font.index if content[:4] == b"ttcf" else 0
        gids = set(to_unicode)
        subset = _subset(content, index, gids)
        if subset is not None and subset[:4] == b"OTTO" and _cid_cff(subset, gids):
            font.file_content = subset
            return
    _original(font, to_unicode, hinting)
    if not isinstance(font.file_content, bytes):
        font.file_content = bytes(font.file_content)


_SUBSETS: OrderedDict[tuple, bytes] = OrderedDict()
_SUBSETS_KEPT = 24
_SUBSETS_LOCK = threading.Lock()


def _remembered_subset(font, to_unicode, hinting, _original):
    """:func:`_compact_subset`, remembered for the fonts a process keeps loaded.

    A subset depends on the font file, the face, the glyphs, hinting and whether a
    glyph was missing (WeasyPrint then keeps the .notdef outline), nothing else; the
    subset only sets ``file_content``.  So a document typeset again with the same glyphs
    of the same fonts (``build --watch``, the browser preview, most edits of figures)
    reuses the bytes instead of subsetting again (~25 ms a document).  Font data that
    is not kept loaded (:func:`.weasy.lasting_font_data`) is subset every time.
    """
    from reportgen.render import weasy

    lasting = weasy.lasting_font_data(font.file_content)
    if lasting is None or not to_unicode:
        return _compact_subset(font, to_unicode, hinting, _original)
    key = (lasting, font.index, frozenset(to_unicode), bool(hinting), bool(font.missing))
    with _SUBSETS_LOCK:
        if key in _SUBSETS:
            _SUBSETS.move_to_end(key)
            font.file_content = _SUBSETS[key]
            return
    whole = len(font.file_content)
    _compact_subset(font, to_unicode, hinting, _original)
    if len(font.file_content) >= whole:  # not subset after all: not worth keeping
        return
    with _SUBSETS_LOCK:
        _SUBSETS[key] = font.file_content
        while len(_SUBSETS) > _SUBSETS_KEPT:
            _SUBSETS.popitem(last=False)


def _install_compact_subset() -> None:
    from weasyprint.pdf.fonts import Font

    if getattr(Font.subset, "reportgen", False):
        return
    original = Font.subset

    def subset(self, to_unicode, hinting):
        _remembered_subset(self, to_unicode, hinting, original)

    subset.reportgen = True
    Font.subset = subset


def _reference(pdf, ref) -> object:
    return pdf.objects[int(bytes(ref).split()[0])]


def compact_fonts(document, pdf) -> None:
    """A ``write_pdf`` finisher: embed CID-keyed OpenType fonts as bare CFF programs."""
    used: dict[int, set[int]] = {}
    for obj in list(pdf.objects):
        if not isinstance(obj, dict) or obj.get("Subtype") != "/CIDFontType0":
            continue
        descriptor = _reference(pdf, obj["FontDescriptor"])
        if "FontFile3" not in descriptor:
            continue
        cids = used.setdefault(int(bytes(descriptor["FontFile3"]).split()[0]), set())
        widths = list(obj.get("W") or ())
        for start, run in zip(widths[::2], widths[1::2], strict=False):
            cids.update(range(int(start), int(start) + len(run)))
    for number, cids in used.items():
        stream = pdf.objects[number]
        if stream.extra.get("Subtype") != "/OpenType" or not cids:
            continue
        data = b"".join(bytes(chunk) for chunk in stream.stream)
        cff = _cid_cff(data, cids)
        if cff is None or len(cff) > 16 * len(data) // 10:
            continue
        stream.stream = [cff]
        stream.extra["Subtype"] = "/CIDFontType0C"


def _finisher(document, pdf) -> None:
    compact_fonts(document, pdf)
    pdf_access.finish(document, pdf)


def _laid_out(source):
    """The laid-out document, its tables split where a break cuts a merged label cell.

    Most documents are laid out once; see :mod:`reportgen.render.table_breaks`.
    """
    import cssselect2

    from reportgen.render import table_breaks, weasy

    document = source.render(font_config=weasy.font_config())
    parts = 0
    for _ in range(table_breaks.MAX_PASSES):
        cuts = table_breaks.cut_spans(document)
        if not cuts:
            break
        root = source.etree_element
        parts = table_breaks.split_tables(root, cuts, parts)
        source.wrapper_element = cssselect2.ElementWrapper.from_html_root(
            root, content_language=None
        )
        document = source.render(font_config=weasy.font_config())
    return document


def html_to_pdf(
    html: str, template_dir: str | Path | None = None, identifier: bytes | None = None
) -> bytes:
    """Typeset an HTML page of this package into PDF bytes.

    The document identifier is derived from ``html`` unless given (32 hex digits).

    The process keeps one WeasyPrint and one font configuration (:mod:`.weasy`), so a
    worker or ``build --watch`` pays for loading them once.
    """
    from reportgen.render import weasy

    weasyprint = weasy.load()
    roots = [builtin_template_dir()]
    if template_dir is not None:
        roots.insert(0, Path(template_dir))
    _install_compact_subset()
    justify.install()
    fetcher = _fetcher_class()(roots)
    if identifier is None:
        identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    try:
        with weasy.typesetting():
            source = weasyprint.HTML(
                string=html, base_url=roots[0].resolve().as_uri() + "/", url_fetcher=fetcher
            )
            document = _laid_out(source)
            return document.write_pdf(
                pdf_identifier=identifier, finisher=_finisher, **pdf_access.WRITE_OPTIONS
            )
    except Exception as exc:  # WeasyPrint raises many kinds; report them as render failures
        raise RenderError(f"PDF 排版失败：{type(exc).__name__}: {exc}") from exc


def warm_up(template_dir: str | Path | None = None) -> None:
    """Load everything the first PDF needs: WeasyPrint, each role's font, the subsetter.

    Run by a helper process while the main one checks the report and renders the HTML,
    so a one-file ``build`` does not pay for loading fonts after the page is ready.
    """
    from html import escape

    from reportgen.render.html import template_set

    fonts = template_set(str(Path(template_dir).resolve()) if template_dir else None).fonts
    lines = "".join(
        f'<p style="font-family: {escape(fonts.css_stack(role))}">政府信息公开 2025</p>'
        for role in fonts.roles
    )
    html_to_pdf(f"<!DOCTYPE html><html lang='zh-CN'><body>{lines}</body></html>", template_dir)


def print_html(
    report: Report,
    problems: list[Problem] | None = None,
    draft: bool = False,
    template_dir: str | Path | None = None,
) -> str:
    """The page the PDF is typeset from (see :func:`render_html`'s ``print_page``)."""
    return render_html(report, problems, draft=draft, template_dir=template_dir, print_page=True)


def render_pdf(
    report: Report,
    problems: list[Problem] | None = None,
    draft: bool = False,
    template_dir: str | Path | None = None,
) -> bytes:
    """The report as PDF bytes (``draft`` adds the 草稿 mark and the list of problems)."""
    return html_to_pdf(print_html(report, problems, draft, template_dir), template_dir)

"""Tagged PDF (PDF/UA-1, GB/T 37668): structure tree, XMP, viewer settings, subset tags."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from test_render_html import load

from reportgen.render.pdf import render_pdf


@pytest.fixture(scope="module")
def reader():
    return PdfReader(io.BytesIO(render_pdf(load(2024))))


def _structure(node, depth=0, out=None):
    """(type, depth) of every structure element, in document order."""
    out = [] if out is None else out
    node = node.get_object()
    kind = node.get("/S")
    if kind is not None:
        out.append((str(kind), depth))
    kids = node.get("/K")
    if kids is None:
        return out
    kids = kids if isinstance(kids, list) else [kids]
    for kid in kids:
        kid = kid.get_object()
        if isinstance(kid, dict) and ("/S" in kid or "/K" in kid) and kid.get("/Type") != "/MCR":
            _structure(kid, depth + 1, out)
    return out


def test_structure_tree_has_headings_paragraphs_and_tables(reader):
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    kinds = [kind for kind, _ in _structure(root["/StructTreeRoot"])]
    for needed in ("/H1", "/H2", "/P", "/Table", "/TR", "/TH", "/TD"):
        assert needed in kinds, needed
    # reading order: the title first, then the six section headings in order
    assert kinds.index("/H1") < kinds.index("/H2")
    assert kinds.count("/H2") == 6


def test_viewer_opens_bookmarks_and_shows_the_title(reader):
    root = reader.trailer["/Root"]
    assert root["/PageMode"] == "/UseOutlines"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert root["/Lang"] == "zh-CN"


def test_xmp_metadata_names_title_and_conformance(reader):
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert reader.metadata.title in xmp
    assert 'pdfuaid:part="1"' in xmp


def test_each_font_subset_has_its_own_tag(reader):
    tags: dict[str, bytes] = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            name = str(font["/BaseFont"])
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert str(descriptor["/FontName"]) == name
            program = next(
                descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor
            )
            data = program.get_object().get_data()
            tag = name.lstrip("/").split("+")[0]
            assert len(tag) == 6 and tag.isupper()
            if tag in tags:
                assert tags[tag] == data, f"two different subsets share the tag {tag}"
            tags[tag] = data
    assert len(tags) >= 3


def test_page_number_dash_seven_millimetres_below_the_type_area():
    """GB/T 9704 7.5: the 一字线 of the folio 7 mm below the 版心's bottom edge."""
    import pdfplumber
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    from reportgen.render.metrics import _face, role_family

    face = _face(role_family("page_number"))
    if face is None:
        pytest.skip("fontconfig cannot name the page-number font")
    font = TTFont(face[0], fontNumber=face[1], lazy=True)
    glyphs = font.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[font.getBestCmap()[ord("—")]].draw(pen)
    ink_top = pen.bounds[3] / font["head"].unitsPerEm
    mm = 72 / 25.4
    with pdfplumber.open(io.BytesIO(render_pdf(load(2024)))) as pdf:
        for page in pdf.pages:
            dash = next(c for c in page.chars if c["text"] == "—" and abs(c["size"] - 14) < 0.1)
            top = page.height - dash["matrix"][5] - ink_top * dash["size"]
            assert top / mm - (297 - 35) == pytest.approx(7, abs=0.3)

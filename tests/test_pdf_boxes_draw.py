"""The drawing, tagging and PDF-object speed-ups (``weasy_draw``, ``weasy_boxes``) change
no byte.

Each page below holds the cases a quick path could get wrong: every border style and
colour kind in collapsed tables (with headers and footers repeated on the next page,
spans and right-to-left), outlines, colours outside sRGB and with transparency,
links, lists, headings, anchors and titles with parentheses, backslashes and non-ASCII
text, inline blocks, replaced boxes, opacity and transforms.  Each is typeset as
WeasyPrint and pydyf are released and then patched, twice (nothing remembered, then
everything), with the same identifier, and the bytes are compared.
"""

from __future__ import annotations

import hashlib
import inspect
import re
from pathlib import Path

import pytest

from reportgen.render import weasy
from reportgen.render.pdf import html_to_pdf, print_html
from reportgen.validate import check_file

ROOT = Path(__file__).resolve().parent.parent

_ROWS = "".join(
    f"<tr><td>{n}</td><td style='color: hsl(120 50% 40%)'>0</td>"
    f"<td style='border-bottom: 0.7px solid rgba(0, 0, 255, 0.5)'>政府信息</td></tr>"
    for n in range(40)
)
PAGES = {
    "border-styles": (
        "<style>table { border-collapse: collapse; margin: 4px }"
        " td { border: 1.5px solid; padding: 2px }</style>"
        + "".join(
            f"<table><tr><td style='border: 3px {style} {colour}'>{style}</td>"
            f"<td>0</td></tr><tr><td>1</td><td style='border-top: 2.25px {style}'>2</td>"
            "</tr></table>"
            for style in (
                "solid",
                "dashed",
                "dotted",
                "double",
                "ridge",
                "groove",
                "inset",
                "outset",
                "hidden",
                "none",
            )
            for colour in ("red", "currentcolor")
        )
    ),
    "border-colours": (
        "<style>table { border-collapse: collapse } td { border: 1px solid }</style>"
        "<table>"
        "<tr><td style='border-color: transparent'>a</td>"
        "<td style='border-color: rgb(10% 20% 30% / 0.4)'>b</td>"
        "<td style='border-color: hsl(200 80% 40%)'>c</td></tr>"
        "<tr><td style='border-color: lab(40% 20 -30)'>d</td>"
        "<td style='border-color: oklch(60% 0.1 200)'>e</td>"
        "<td style='border-color: #123456; color: #654321'>f</td></tr>"
        "<tr><td style='color: rgba(0, 0, 0, 0)'>g</td>"
        "<td style='border: 0.33px solid #abc'>h</td><td style='opacity: 0.5'>i</td></tr>"
        "</table>"
        "<p style='color: hwb(30 10% 20%)'>政府 0</p><p style='color: lch(50% 30 40)'>0</p>"
        "<p style='color: rgb(255 0 0 / 0.3); background: rgba(0, 0, 0, 0.1)'>0</p>"
    ),
    "repeated-headers": (
        "<style>table { border-collapse: collapse; border: 2px solid }"
        " td, th { border: 1px solid; padding: 3px } thead { border-bottom: 3px double }"
        " tfoot td { border-top: 2px dashed }</style>"
        "<table><thead><tr><th>甲</th><th scope='col'>乙</th><th>丙</th></tr></thead>"
        "<tfoot><tr><td colspan='3'>合计</td></tr></tfoot>"
        f"<tbody>{_ROWS}</tbody></table>"
        "<table dir='rtl'><tr><td rowspan='2'>ا</td><td>0</td></tr><tr><td>1</td></tr>"
        "</table>"
        "<table style='border-collapse: collapse'><tr><th scope='row'>行</th>"
        "<td style='border: 1px solid'>0</td></tr></table>"
    ),
    "outlines": (
        "<p style='outline: 2px solid red; outline-offset: 3px'>outlined <span"
        " style='outline: 1px dotted blue'>inner</span></p>"
        "<div style='outline: 0 solid'><p style='outline-style: dashed'>dashed 0</p></div>"
        "<p style='outline: 3px double green; visibility: hidden'>hidden</p>"
        "<p style='outline: 2px solid transparent'>transparent</p>"
        "<ul><li style='outline: 1px solid'>item</li></ul>"
    ),
    "tags-and-names": (
        "<h1 id='top'>标题 (一)</h1><h2 id='a\\\\b'>back\\slash</h2>"
        "<h3 id='c(d)'>paren (x)</h3><h5 id='e(f'>open (</h5><h6 id='g)h'>close )</h6>"
        "<h4 id='非'>非 ASCII</h4><h2>no id</h2><p id='plain'>anchor only</p>"
        "<p><a href='#top'>link (top)</a> <a href='#c(d)'>paren</a>"
        " <a href='https://example.org/a(b)'>out</a></p>"
        "<ul><li>one<ul><li>nested</li></ul></li><li style='list-style: none'>two</li></ul>"
        "<ol style='list-style-position: inside'><li>in</li></ol>"
        "<dl><dt>term</dt><dd>definition</dd></dl>"
        "<p>before <span style='display: inline-block; border: 1px solid'>block 0</span>"
        " after <svg width='10' height='10'><title>square</title>"
        "<rect width='10' height='10'/></svg></p>"
        "<div style='transform: rotate(10deg)'>turned 0</div>"
        "<div style='position: relative; z-index: 2; opacity: 0.7'>above 0</div>"
        "<p style='letter-spacing: 0.123px; word-spacing: 1.005px'>0.1 2.5 3</p>"
        "<form><input value='x'> <select><option>o</option></select> <button>b</button>"
        "<textarea>t</textarea></form><p style='bookmark-label: \"label\"'>no level</p>"
        "<a href='#top'><span>in link <b>bold</b></span></a>"
    ),
}


def _identifier(page: str) -> bytes:
    return hashlib.sha256(page.encode()).hexdigest()[:32].encode()


def _released_and_patched(page: str) -> tuple[bytes, bytes, bytes]:
    same_id = _identifier(page)
    weasy.load()
    with weasy.as_released():
        released = html_to_pdf(page, identifier=same_id)
    weasy.forget()
    first, again = (html_to_pdf(page, identifier=same_id) for _ in range(2))
    return released, first, again


@pytest.mark.parametrize("name", sorted(PAGES))
def test_drawing_patches_keep_crafted_pages_byte_identical(name):
    title = "<title>报告 (2025) \\ 标题</title>"
    page = (
        f"<!DOCTYPE html><html lang='zh-CN'><head>{title}</head>"
        f"<body>{PAGES[name] * 2}</body></html>"
    )
    released, first, again = _released_and_patched(page)
    assert first == released and again == released


@pytest.mark.parametrize("sample", [0, 2], ids=["sample-000", "sample-002"])
def test_drawing_patches_keep_samples_byte_identical(sample):
    path = sorted((ROOT / "samples").glob("*.yaml"))[sample]
    released, first, again = _released_and_patched(print_html(check_file(path).report))
    assert first == released and again == released


@pytest.mark.parametrize("year", [2019, 2025])
def test_drawing_patches_keep_test_reports_byte_identical(tmp_path, year):
    from conftest import report_text

    path = tmp_path / f"r{year}.yaml"
    path.write_text(report_text(year), encoding="utf-8")
    released, first, again = _released_and_patched(print_html(check_file(path).report))
    assert first == released and again == released


def _installed():
    import pydyf
    from weasyprint import anchors, document, draw
    from weasyprint.draw import border
    from weasyprint.pdf import stream, tags

    return (
        anchors.gather_anchors,
        document.gather_anchors,
        pydyf._to_bytes,
        stream.Stream.set_color,
        draw.draw_collapsed_borders,
        draw.draw_inline_level,
        draw.draw_outline,
        border.draw_outline,
        tags.add_tags,
    )


def test_the_patches_are_installed_and_undone():
    from reportgen.render import weasy_boxes, weasy_draw

    weasy.load()
    patched = _installed()
    assert {f.__module__ for f in patched} == {weasy_boxes.__name__, weasy_draw.__name__}
    with weasy.as_released():
        released = _installed()
    assert all(a is not b for a, b in zip(patched, released, strict=True))
    assert all(f.__module__.startswith(("pydyf", "weasyprint")) for f in released)


def test_remembered_texts_are_bounded_and_forgotten():
    import pydyf

    from reportgen.render import weasy_draw

    weasy.load()
    for n in range(weasy_draw._FLOATS_KEPT + 10):
        assert pydyf._to_bytes(n + 0.5) == f"{n + 0.5:f}".rstrip("0").encode()
    assert 0 < len(weasy_draw._floats) <= weasy_draw._FLOATS_KEPT
    html_to_pdf("<p style='color: rgb(1 2 3)'>0</p>")
    assert weasy_draw._colours
    weasy.forget()
    assert not weasy_draw._floats and not weasy_draw._colours


def test_quick_values_are_pydyf_values():
    """Every type the quick ``_to_bytes`` handles gives what pydyf 0.13 gives."""
    import pydyf

    weasy.load()
    quick = pydyf._to_bytes
    with weasy.as_released():
        released = pydyf._to_bytes
    nested = pydyf.Dictionary({"A": pydyf.Array([1, 2.5, -0.0, "/N", True, None])})
    values = [
        b"x",
        "/Name",
        0,
        -7,
        2**70,
        0.0,
        -0.0,
        1.0,
        1.5,
        1e-7,
        123456.789,
        1e20,
        float("inf"),
        float("nan"),
        True,
        False,
        None,
        nested,
        pydyf.Array([nested]),
        pydyf.String("plain"),
        pydyf.String("a(b)"),
        pydyf.String("a(b"),
        pydyf.String("a)b"),
        pydyf.String("a\\b"),
        pydyf.String("非"),
        pydyf.String(b"bytes"),
        pydyf.String(12),
    ]
    for value in values:
        assert quick(value) == released(value), value
    for value in ("非", pydyf.Dictionary({"K": "非"})):
        with pytest.raises(UnicodeEncodeError):
            quick(value)
        with pytest.raises(UnicodeEncodeError):
            released(value)


def test_tagging_reads_only_what_the_view_of_the_pdf_forms_once():
    """``add_tags`` asks the PDF for its page references, to add objects and for its
    catalog only, and adds no page: the references cannot change while it runs."""
    from weasyprint.pdf import tags

    source = inspect.getsource(tags)
    assert set(re.findall(r"\bpdf\.(\w+)", source)) == {
        "add_object",
        "catalog",
        "page_references",
    }


#: The WeasyPrint 70.0 / pydyf 0.13.0 code the patches copy or repeat the calls of;
#: another release must be read again before the patches are trusted with it.
READ = {
    "weasyprint.draw:draw_collapsed_borders": "120b162d2a4f",
    "weasyprint.draw:draw_inline_level": "068162a401d0",
    "weasyprint.draw.border:draw_outline": "c98afcef4e21",
    "weasyprint.draw.border:draw_line": "cc41cbfdbabe",
    "weasyprint.draw.color:styled_color": "73bf2eb81da9",
    "weasyprint.pdf.stream:Stream.set_color": "d289ec41ef82",
    "weasyprint.pdf.stream:Stream.set_alpha": "c9c74350fd9a",
    "weasyprint.pdf.stream:Stream.marked": "3fa3acacbbf6",
    "weasyprint.pdf.stream:Stream.artifact": "be61e4218680",
    "weasyprint.pdf.stream:Stream.stacked": "241f5cdfb961",
    "weasyprint.pdf.stream:Stream.push_state": "3e2340c99b30",
    "weasyprint.pdf.stream:Stream.pop_state": "de364bfee3bd",
    "weasyprint.pdf.tags:add_tags": "f0e74575b0ba",
    "pydyf:_to_bytes": "1cefd02c285d",
    "pydyf:Dictionary.data": "1a6ebf2b6bc6",
    "pydyf:Array.data": "136a84494ae7",
    "pydyf:String.data": "6097c307ae6f",
    "pydyf:Stream.set_color_rgb": "c64335d569ba",
    "pydyf:Stream.begin_marked_content": "4348260a8eb6",
    "pydyf:Stream.end_marked_content": "8a54f4f87e2a",
    "tinycss2.color4:Color.to": "815384a1ac59",
    "tinycss2.color4:Color.__iter__": "12848a7276f5",
}


def _fingerprint(qualified: str) -> str:
    import importlib

    module, _, name = qualified.partition(":")
    target = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    if isinstance(target, property):
        target = target.fget
    return hashlib.sha256(inspect.getsource(target).encode()).hexdigest()[:12]


def test_the_copied_code_is_the_code_that_was_read():
    weasy.load()
    with weasy.as_released():
        seen = {name: _fingerprint(name) for name in READ}
    assert seen == READ


def test_form_fields_are_gathered_as_released():
    """With WeasyPrint's own ``pdf_forms`` (reportgen does not ask for it), the fields
    the quick ``gather_anchors`` hands to WeasyPrint still become the same PDF fields."""
    weasyprint = weasy.load()
    page = (
        "<html lang='en'><body><form><p>name <input name='n' value='x'></p>"
        "<div><select name='s'><option>o</option></select>"
        "<textarea name='t'>t</textarea></div></form><p><input type='checkbox'></p>"
        "</body></html>"
    )

    def typeset() -> bytes:
        return weasyprint.HTML(string=page).write_pdf(
            pdf_forms=True, pdf_identifier=b"0" * 32, font_config=weasy.font_config()
        )

    with weasy.as_released():
        released = typeset()
    weasy.forget()
    import io

    from pypdf import PdfReader

    assert typeset() == released
    assert "/AcroForm" in PdfReader(io.BytesIO(released)).trailer["/Root"]

"""The quick paths through WeasyPrint's line-box and background layout change no byte.

Each page below holds what the quick paths hand back to WeasyPrint (floats beside
lines, right-to-left blocks, backgrounds of every kind, border images, shadows, round
corners of a box split across pages, hidden boxes) next to what they handle
themselves (plain lines and boxes, fonts at several sizes and line heights); it is
typeset as WeasyPrint is released and then patched, twice (nothing remembered, then
everything), and the bytes are compared.
"""

from __future__ import annotations

import inspect
import re

import pytest

from reportgen.render import weasy
from reportgen.render.pdf import html_to_pdf

_PIXEL = (
    "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'>"
    "<rect width='4' height='4' fill='red'/></svg>"
)
_TEXT = "政府信息公开工作年度报告 0 12 text " * 3
PAGES = {
    "floats": (
        f"<div style='float: left; width: 6em; height: 3em; background: #eee'>左</div>"
        f"<p>{_TEXT}</p><div style='float: right; width: 4em; height: 5em'>右</div>"
        f"<p style='text-align: justify'>{_TEXT}</p><div style='clear: both'>0</div>"
        f"<div dir='rtl'><span style='float: left'>ا</span>مرحبا بالعالم {_TEXT}</div>"
        "<table style='float: right; width: 30%'><tr><td>0</td></tr></table>"
        f"<p style='overflow: hidden'>{_TEXT}</p><img src=\"{_PIXEL}\" style='display: block'>"
    ),
    "directions": (
        f"<div dir='rtl' style='width: 20em; margin-right: 2em'>مرحبا 0 {_TEXT}</div>"
        "<div dir='rtl'><table style='width: 8em'><tr><td>ا</td></tr></table>"
        f"<div style='overflow: hidden; margin: 0 1em'>مرحبا</div><img src=\"{_PIXEL}\""
        " style='display: block; margin-left: 1em'></div>"
        "<div style='display: flow-root; margin: 0 3em'>0</div>"
        "<p style='text-indent: 2em; text-align: center'>0 政府</p>"
    ),
    "backgrounds": (
        "<p style='background: yellow'>0</p><p style='background-color: rgba(0,0,0,0)'>0</p>"
        f"<p style=\"background: url('{_PIXEL}') no-repeat\">0</p>"
        "<p style='background-image: linear-gradient(red, blue)'>0</p>"
        "<p style='box-shadow: 2px 2px 3px gray'>0</p>"
        "<p style='visibility: hidden; background: red'>0</p>"
        f"<p style=\"border: 6px solid; border-image: url('{_PIXEL}') 1\">0</p>"
        "<p style='color: green; background-color: currentcolor'>0</p>"
        "<p style='border-radius: 30%; border: 2px solid; background: #ccc'>0</p>"
        "<p style='border-radius: 4px 0; border: 1px solid'>0</p>"
        "<p style='border-top-left-radius: 0 5px; border: 1px solid'>0</p>"
        "<span style='background: #ddd; border-radius: 50%'>0 政府</span>"
        "<table style='border-collapse: collapse'><colgroup><col style='background: #eee'>"
        "</colgroup><tbody style='background: #ddd'><tr style='background: #ccc'>"
        "<td style='background: white'>0</td><td>1</td></tr></tbody></table>"
        "<div style='border: 3px solid; border-radius: 12px; background: #eee;"
        f" box-decoration-break: slice'>{'<p>0 政府</p>' * 60}</div>"
    ),
    "struts": (
        "<p style='font-size: 0'>0</p><p style='line-height: normal'>0 政府</p>"
        "<p style='line-height: 1.5'>0 <span style='font-size: 8px'>政府</span></p>"
        "<p style='line-height: 150%; font-family: sans-serif'>0 政府</p>"
        "<p style='line-height: calc(1em + 2px); font-weight: bold'>0 政府</p>"
        "<p lang='ja' style='font-style: italic; font-variant: small-caps'>0 日本</p>"
        '<p style=\'font-feature-settings: "liga" 0; font-variation-settings: "wght" 400\'>'
        "0 fi</p><p style='font-weight: 400; font-size: 16.0px'>0</p>"
        "<p style='vertical-align: 20%'>0 <span style='vertical-align: 10%'>1</span>"
        "<span style='vertical-align: middle; line-height: 3'>2</span></p>"
        "<table style='font-size: 10.5pt; line-height: 13pt'>"
        + "<tr><td>0</td><td style='font-size: 9pt'>政府</td></tr>" * 4
        + "</table>"
    ),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_layout_quick_paths_keep_crafted_pages_byte_identical(name, typeset_both_ways):
    released, first, again = typeset_both_ways(PAGES[name] * 2)
    assert first == released and again == released


@pytest.mark.parametrize("year", [2019, 2025])
def test_layout_quick_paths_keep_the_reports_byte_identical(year, typeset_both_ways, write_report):
    """Both formats of the test report (table 三 pushed to the next page, its first
    layout discarded), through the print page as ``build`` typesets it."""
    from conftest import report_text

    from reportgen.render.pdf import print_html
    from reportgen.validate import check_file

    page = print_html(check_file(write_report(report_text(year))).report)
    released, first, again = typeset_both_ways(page)
    assert first == released and again == released


def test_strut_key_lists_what_weasyprint_prints():
    """The properties whose objects name a remembered strut key are the ones
    ``_font_style_cache_key`` prints, size and line height included."""
    from weasyprint.text import line_break

    from reportgen.render import weasy_layout

    weasy.load()
    source = inspect.getsource(line_break._font_style_cache_key)
    read = re.findall(r"style\[['\"](\w+)['\"]\]", source)
    assert tuple(read) == weasy_layout.STRUT_KEY_STYLE
    # strut reads nothing else before it looks its cache up
    strut = inspect.getsource(line_break.strut)
    before_lookup = strut.split("strut_layouts", 1)[0]
    assert set(re.findall(r"style\[['\"](\w+)['\"]\]", before_lookup)) == {"font_size"}


def test_strut_keys_are_bounded_and_forgotten():
    from weasyprint.css.properties import INITIAL_VALUES

    from reportgen.render import weasy_layout

    weasy.load()
    page = "".join(f"<p style='font-size: {10 + n / 8}px'>0</p>" for n in range(40))
    html_to_pdf(page)
    known = weasy_layout._strut_keys
    assert 0 < len(known) <= weasy_layout._STRUT_KEYS_KEPT
    for values, key in known.values():
        assert all(weasy_layout._immutable(value) for value in values)
        assert isinstance(key, str)
    assert not weasy_layout._immutable([1])  # a list could change after it was printed
    assert weasy_layout._immutable(INITIAL_VALUES["font_family"])
    weasy.forget()
    assert not known


def test_plain_radii_are_weasyprint_s_initial_zero():
    """The quick radius path stands for the original's short track: the initial value
    of every corner holds a zero length."""
    from weasyprint.css.properties import INITIAL_VALUES

    from reportgen.render import weasy_layout

    for name, _ in weasy_layout._CORNERS:
        assert (0, "px") in INITIAL_VALUES[name]

"""The cascade without unread work (``render/weasy_cascade.py``) changes no byte.

The pages below hold what a style made later, or a cascade not built, could get wrong:
pseudo-elements of every kind (``::before``/``::after`` with counters, quotes,
``attr()`` and table display, ``::marker``, ``::first-line``, ``::first-letter``,
footnote calls and markers, an anchor declared or inherited on a pseudo-element),
elements that share a style next to ones that must not (layers, ``!important``,
``style`` attributes, ids, ``lang``, sibling selectors, custom properties), declared
values of every kind (colours, ``currentcolor``, relative sizes and lengths,
percentages, ``calc()``, ``var()``, ``inherit``, ``initial``, keywords, physical and
logical properties of one side at different weights: the quick path of
``weasy._quick_undeclared_values``), and anonymous boxes (table wrappers and cells,
blocks around inline text, flex items, propagated text decorations, a named page,
custom properties).  Each is typeset as released and patched (nothing remembered,
then again) and the bytes are compared; every style of every element and
pseudo-element is compared as well.
"""

from __future__ import annotations

import pytest
from conftest import report_text

from reportgen.render import weasy
from reportgen.render.pdf import print_html
from reportgen.validate import check_file

PAGES = {
    "pseudo": (
        "<style>"
        "@page { @top-center { content: 'T' counter(page) } }"
        ".n::before { content: '№' counter(item) ' '; color: red; counter-increment: item }"
        ".n::after { content: attr(data-x); display: table; padding: 2px; margin: 3px;"
        " border: 1px solid }"
        ".t::before { content: 'x'; display: table-cell; padding: 4px; margin: 2px }"
        "p.f::first-line { color: blue; font-weight: bold }"
        "p.f::first-letter { font-size: 2em; float: left }"
        "li::marker { color: green } ol li:nth-child(2)::marker { font-weight: bold; color: red }"
        ".a::before { -weasy-anchor: 'pa'; content: 'anchor' }"
        ".b::after { -weasy-anchor: inherit; content: '↑' }"
        ".fn { float: footnote } ::footnote-call { color: red }"
        " ::footnote-marker { font-weight: bold }"
        "</style>"
        + "<p class='n' data-x='一'>政府 0</p>"
        * 3
        + "<p class='n a' id='p1' data-x='二'>信息 0</p><p class='b' id='p2'>公开</p>"
        "<ul><li>one</li><li>two</li></ul><ol><li>a</li><li>b</li><li>c</li></ol>"
        "<p class='f'>" + "第一行的文字 first line " * 6 + "</p>"
        "<p>正文<span class='fn'>脚注的文字</span>继续 <q>引 <q>套</q></q></p>"
        "<div class='t'>单元</div><div class='t'>单元</div>"
    ),
    "shared": (
        "<style>"
        "@layer base, top; @layer top { .x { color: green } }"
        " @layer base { .x { color: red; font-weight: bold } }"
        ".y { color: blue !important } .y.z { color: orange }"
        "td:first-child { background: #eee } td + td { border-left: 2px solid }"
        "#u { text-decoration: underline } [lang=en] { font-style: italic }"
        ":root { --gap: 3px } .v { padding: var(--gap);"
        " margin-inline-start: calc(1em + var(--gap)) }"
        "</style><table>"
        + (
            "<tr><td class='x'>0</td><td class='x'>0</td>"
            "<td class='y z' style='color: purple'>0</td><td class='y'>1</td></tr>"
        )
        * 4
        + "</table><p class='x y' id='u' lang='en'>text 0</p><p class='x y'>text 0</p>"
        "<p class='v'>政府 0</p><p class='v' dir='rtl'>مرحبا 0</p><p class='v'>政府 0</p>"
    ),
    "declared": (
        "<style>"
        ".k { color: #336699; border: 2px solid currentcolor; border-top-color: rgb(200 0 0);"
        " font-size: larger; text-indent: 2em; letter-spacing: normal; line-height: 1.5;"
        " font-weight: bolder; width: calc(50% - 1em); padding-left: var(--p, 3px);"
        " margin: initial; border-left-width: thick; outline: medium dotted }"
        ".k span { color: inherit; font-size: 0.8em; border-bottom: thin none red;"
        " padding: 5%; vertical-align: 10% }"
        ".k .i { background-color: inherit; margin-top: inherit; width: initial }"
        ".r { direction: rtl; margin-left: 3px; border-right: 4px double blue }"
        "div.r { margin-inline-end: 7px; padding-right: 2px } .r.s { margin-left: 9px }"
        ".l { margin-left: 3px; padding-left: 1px } div.l { margin-inline-start: 9px }"
        "div.m { margin-left: 3px; border-left: 1px solid } .m { margin-inline-start: 9px;"
        " border-inline-start-width: 5px }"
        ".c { margin-top: calc(1em + 2px); border-top: calc(1px + 2px) solid;"
        " letter-spacing: calc(0.1em); font-size: calc(12px + 0.5em) }"
        "</style>"
        "<div class='k' style='--p: 4px'>政府 <span>信息 <b class='i'>公开</b></span> 0</div>"
        "<div class='r'>مرحبا 0</div><div class='r s'>مرحبا 0</div><p class='r'>مرحبا</p>"
        "<div class='l'>政府 0</div><div class='m'>政府 0</div><div class='c'>政府 0</div>"
    ),
    "anonymous": (
        "<style>@page big { size: A5 } .pg { page: big }"
        ".deco { text-decoration: underline overline; text-decoration-color: red;"
        " letter-spacing: 1px; text-transform: uppercase }</style>"
        "<div class='deco'>abc <p>block</p> tail <span>inline</span></div>"
        "<div style='display: table; border: 1px solid; --w: 2px'>cell text"
        "<span style='display: table-cell; padding: var(--w)'>x</span></div>"
        "<div class='pg'>named page <p>para</p> text</div>"
        "<div style='display: flex; color: red'>flex text <b>bold</b></div>"
        "<ul style='list-style-position: inside'><li>item <p>para</p></li></ul>"
        "<div style='white-space: pre; visibility: hidden'>a  b</div><p>after</p>"
    ),
}


def _page(name: str) -> str:
    return f"<!DOCTYPE html><html lang='zh-CN'><body>{PAGES[name] * 2}</body></html>"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_cascade_patches_keep_crafted_pages_byte_identical(name, typeset_both_ways):
    released, first, again = typeset_both_ways(_page(name))
    assert first == released and again == released


@pytest.mark.parametrize("year", [2019, 2025])
def test_cascade_patches_keep_the_test_reports_byte_identical(
    year, write_report, typeset_both_ways
):
    page = print_html(check_file(write_report(report_text(year))).report)
    released, first, again = typeset_both_ways(page)
    assert first == released and again == released


def _styles(page: str) -> dict:
    """Every style of every element and pseudo-element of ``page``, every property."""
    import weasyprint
    from weasyprint.css import PSEUDO_ELEMENTS, get_all_computed_styles
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.css.targets import TargetCollector

    html = weasyprint.HTML(string=page)
    collector = TargetCollector()
    style_for = get_all_computed_styles(
        html, font_config=weasy.font_config(), target_collector=collector
    )
    seen = {}
    for number, element in enumerate(html.etree_element.iter()):
        for pseudo_type in [*sorted(PSEUDO_ELEMENTS - {None}, key=str), None]:
            style = style_for(element, pseudo_type)
            key = (number, element.tag, pseudo_type)
            seen[key] = (
                None
                if style is None
                else {name: repr(style[name]) for name in sorted(INITIAL_VALUES)}
            )
    seen["anchors"] = sorted(collector.target_lookup_items)
    return seen


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_style_is_the_released_one(name):
    weasy.load()
    with weasy.as_released():
        released = _styles(_page(name))
    patched = _styles(_page(name))
    assert patched == released
    assert sum(style is not None for style in released.values()) > len(released) // 8


def test_pseudo_element_styles_are_made_when_asked_for():
    import weasyprint
    from weasyprint.css import get_all_computed_styles
    from weasyprint.css.targets import TargetCollector

    weasy.load()
    html = weasyprint.HTML(string=_page("pseudo"))
    style_for = get_all_computed_styles(
        html, font_config=weasy.font_config(), target_collector=TargetCollector()
    )
    made = style_for.get_computed_styles()
    pseudo = {key for key in made if key[1] is not None}
    # only the two pseudo-elements declaring an anchor (twice: the page repeats)
    assert len(pseudo) == 4 and all(key[1] in ("before", "after") for key in pseudo)
    first = next(element for element in html.etree_element.iter("p"))
    assert style_for(first, "marker") is not None and (first, "marker") in made
    assert style_for(first, "first-line") is None

"""The warm-renderer speed-ups of WeasyPrint's drawing and layout change no byte.

Each page below holds the cases a remembered answer could get wrong (the same face at
two sizes, spacing, justification, right-to-left text, decorations, ellipses, glyphs
missing from every font); it is typeset as WeasyPrint is released and then patched,
twice (nothing remembered, then everything), and the bytes are compared.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from conftest import typeset_released_and_patched

from reportgen.render import weasy
from reportgen.render.pdf import html_to_pdf

_CELLS = "".join(
    f"<tr><td>{n}</td><td>0</td><td>政府信息公开</td><td style='font-size: 10.5px'>{n}</td></tr>"
    for n in (0, 0, 12, 0, 3, 12)
)
PAGES = {
    "sizes": (
        "<style>td { border: 1px solid; font-family: serif }</style>"
        f"<table style='border-collapse: collapse'>{_CELLS}</table>"
        "<p style='font-size: 16px'>0 12 政府</p><p style='font-size: 10.5px'>0 12 政府</p>"
    ),
    "spacing": (
        "<p style='letter-spacing: 0.3em'>政府信息 0</p>"
        "<p style='word-spacing: 2em'>a b <span> </span> c</p>"
        "<p style='text-align: justify; width: 12em'>" + "word and text " * 8 + "</p>"
        "<pre>a\tb\tc</pre>"
    ),
    "scripts": (
        "<p dir='rtl' lang='ar'>مرحبا بالعالم 12</p><p lang='ja'>日本語のテキスト</p>"
        "<p>\U000f0000 \u0378 missing</p><p>emoji \U0001f600</p>"
    ),
    "borders": (
        "<style>table { border-collapse: collapse; border: 3px double }"
        " td { border: 1px solid } .h { border: hidden } .t { border: 2px inset red }"
        " tr.r { border-bottom: 4px dashed blue } col.c { border-left: 5px dotted }</style>"
        "<table><colgroup><col class='c'><col></colgroup>"
        "<tr class='r'><td rowspan='2'>0</td><td class='t'>1</td><td>2</td></tr>"
        "<tr><td colspan='2' class='h'>3</td></tr><tr><td>0</td><td>0</td><td>0</td></tr>"
        "</table><table dir='rtl'><tr><td class='t'>ا</td><td colspan='2'>0</td></tr>"
        "<tr class='r'><td>0</td><td class='h'>0</td><td>0</td></tr></table>"
    ),
    "logical": (
        "<div dir='rtl' style='inline-size: 10em; margin-inline-start: 2em;"
        " border-inline-end: 3px solid; padding-block-start: 1em'>مرحبا 0</div>"
        "<div style='inline-size: 8em; min-block-size: 3em; border-inline-start: 2px solid;"
        " margin-left: 1em'>政府 0</div><div style='width: 9em'>政府 0</div>"
    ),
    "decorations": (
        "<p style='text-decoration: underline'>0 政府</p><p>0 政府</p>"
        "<p style='text-decoration: line-through overline'>0 政府</p>"
        "<p style='overflow: hidden; white-space: nowrap; text-overflow: ellipsis; width: 4em'>"
        "政府信息公开工作年度报告</p>"
        "<p style='visibility: hidden'>0 政府</p><p style='color: red'>0 政府</p>"
    ),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_warm_patches_keep_crafted_pages_byte_identical(name):
    page = f"<!DOCTYPE html><html lang='zh-CN'><body>{PAGES[name] * 2}</body></html>"
    released, first, again = typeset_released_and_patched(page)
    assert first == released and again == released


def test_drawn_text_key_holds_every_property_the_drawing_reads():
    """What ``draw_first_line`` and the layout it rebuilds read is in the memo's key."""
    from weasyprint.draw import text
    from weasyprint.text import fonts, line_break

    weasy.load()
    source = "".join(
        inspect.getsource(part)
        for part in (
            text.draw_first_line,
            line_break.Layout,
            fonts.get_font_description,
            line_break.font_features,
        )
    )
    read = set(re.findall(r"style\[['\"](\w+)['\"]\]", source))
    assert read <= set(weasy.LINE_BREAK_STYLE)
    assert read >= {"font_family", "letter_spacing", "word_spacing"}


def test_drawn_text_is_remembered_and_reused():
    from reportgen.render import weasy_text

    weasy.load()
    weasy.forget()
    page = "<table>" + "<tr><td>0</td><td>政府</td></tr>" * 20 + "</table>"
    replayed = []
    original = weasy_text._replay

    def spy(*args):
        replayed.append(original(*args))
        return replayed[-1]

    weasy_text._replay = spy
    try:
        html_to_pdf(page)
        within = len(replayed)
        html_to_pdf(page)
    finally:
        weasy_text._replay = original
    known = weasy.font_config().__dict__["reportgen_drawn_text"]
    assert len(known) == 2  # "0" and "政府"
    assert within == 38 and all(replayed)  # the 19 repeats of each, then all 40 again
    assert len(replayed) == within + 40


def test_remembered_character_runs_parse_the_same_tree():
    """tinyhtml5 with its character-class expressions found again parses every page
    (the samples' print pages, malformed markup) to the same tree as released."""
    from xml.etree import ElementTree

    import tinyhtml5

    from reportgen.render.pdf import print_html
    from reportgen.validate import check_file

    weasy.load()
    samples = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.yaml"))
    pages = [print_html(check_file(samples[0]).report), *PAGES.values()]
    pages.append("<p class=a CLASS=b id='x\0y'>unclosed <b>bold <i>both</b> 1 &amp 2 &lt;<td>")
    for page in pages:
        patched = ElementTree.tostring(tinyhtml5.parse(page))
        with weasy.as_released():
            released = ElementTree.tostring(tinyhtml5.parse(page))
        assert patched == released

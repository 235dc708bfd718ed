"""Stylesheets and ``style`` attributes remembered across documents change no byte.

Pages below hold what a remembered parse could get wrong (the same stylesheet twice,
``@media`` and ``@page`` rules with margin boxes and named pages, pseudo-elements,
``!important``, selectors WeasyPrint drops half-way, and the constructs that must take
WeasyPrint's own path: ``@import``, ``@layer``, ``@counter-style``, ``var()``,
escapes); each is typeset as WeasyPrint is released and patched, with nothing
remembered and then with everything remembered, and the bytes are compared.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import re
from pathlib import Path

import pytest

from reportgen.render import weasy, weasy_css
from reportgen.render.pdf import html_to_pdf, print_html
from reportgen.validate import check_file

ROOT = Path(__file__).resolve().parent.parent

_PAGE_RULES = (
    "@page { size: A5; margin: 20mm 15mm; @bottom-center { content: counter(page) } }"
    " @page :first { margin-top: 30mm; @top-right { content: 'first' } }"
    " @page :left { @bottom-left { content: counter(page) ' / ' counter(pages) } }"
    " @page wide { size: A5 landscape } .wide { page: wide }"
)
_RULES = (
    "p { color: #333; margin: 0 0 .5em } p.note::before { content: '注：' }"
    " li::marker { color: #900 } td:nth-child(2) { text-align: right !important }"
    " td { text-align: left; border: 1px solid } :lang(en) { font-style: italic }"
    " p::no-such-thing, h2 { color: green } h2 { color: red } div > p + p { color: blue }"
    " @media print { h2 { font-size: 14pt } } @media screen { h2 { font-size: 40pt } }"
    " p { colr: red; margin: bad }"
)
_BODY = (
    "<h2>标题</h2><p class='note'>说明 0</p><p lang='en'>text</p><p>段落 12</p>"
    "<ol><li>一</li><li>二</li></ol>"
    "<table><tr><td>0</td><td>12</td></tr><tr><td>政府</td><td>3</td></tr></table>"
    "<div class='wide'><p>横向</p><p>页面</p></div>"
)
PAGES = {
    "sheets": (
        f"<style>{_PAGE_RULES}</style><style>{_RULES}</style><style>{_RULES}</style>"
        f"<style media='screen'>p {{ color: red }}</style>"
        f"<style media='print'>td {{ padding: 2px }}</style>{_BODY}"
    ),
    "own path": (
        "<style>@import url('data:text/css,p{color:purple}'); h2 { color: teal }</style>"
        "<style>@layer base, top; @layer top { p { color: olive } }"
        " @layer base { p { color: navy } }</style>"
        "<style>@counter-style ticks { system: cyclic; symbols: '*' '+'; suffix: ' ' }"
        " ol { list-style-type: ticks }</style>"
        "<style>:root { --accent: maroon } h2 { color: var(--accent) }"
        " p.note::before { content: '\\2014  ' }</style>"
        f"<style>{_PAGE_RULES}</style>{_BODY}"
    ),
    "elements": (
        "<svg width='40' height='10'><style>rect { fill: red }</style>"
        "<rect width='40' height='10'/></svg>"
        "<link rel='stylesheet' href='data:text/css,h2{color:orange}'>"
        "<link rel='alternate stylesheet' href='data:text/css,h2{color:red}'>"
        "<link rel='icon' href='data:text/css,h2{color:red}'>"
        "<style type='text/plain'>p { color: red }</style>"
        "<style type='text/css; charset=utf-8' media='print, screen'>p { color: navy }</style>"
        f"<style media='(min-width: 1mm)'>{_PAGE_RULES}</style>{_BODY}"
        "<div><style>td { color: green }</style></div><!-- <style>p{}</style> -->"
    ),
    "attributes": (
        "<style>td { border: 1px solid }</style>"
        + "".join(
            f"<p style='color: #{n}{n}0; margin-left: {n}em' id='p{n}' lang='zh'>段 {n}</p>"
            for n in (1, 2, 1, 3)
        )
        + "<table>"
        + "<tr><td style='width: 30%'>0</td><td style='width: 30%' id='c'>1</td></tr>" * 3
        + "</table><p style='color: var(--none, green)'>var</p>"
        "<p style='colr: red; padding-left: 2em'>bad</p><a name='anchor'>a</a>"
        "<svg width='20' height='10'><rect width='20' height='10'/></svg>"
        "<p style='background: url(data:image/svg+xml,%3Csvg/%3E)'>url</p>"
    ),
}


def _document(body: str) -> str:
    return f"<!DOCTYPE html><html lang='zh-CN'><head></head><body>{body}</body></html>"


def _identifier(page: str) -> bytes:
    return hashlib.sha256(page.encode()).hexdigest()[:32].encode()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_remembered_stylesheets_keep_crafted_pages_byte_identical(name, typeset_both_ways):
    released, first, again = typeset_both_ways(_document(PAGES[name]))
    assert first == released and again == released


def test_remembered_stylesheets_are_reused_and_others_are_not():
    weasy.load()
    weasy.forget()
    html_to_pdf(_document(PAGES["sheets"]))
    assert len(weasy_css._sheets) == 3  # page rules, rules (twice in the page), td
    html_to_pdf(_document(PAGES["own path"]))
    assert len(weasy_css._sheets) == 3  # none of these is plain (the @page one is known)
    assert weasy_css._attributes


def test_pages_in_turn_keep_their_bytes(tmp_path):
    """Different pages, one after another in one process: what is remembered for one
    page's stylesheets and attributes never leaks into another's PDF."""
    from conftest import report_text

    weasy.load()
    pages = [_document(body) for body in PAGES.values()]
    for sample in sorted((ROOT / "samples").glob("*.yaml")):
        pages.append(print_html(check_file(sample).report))
    for year in (2019, 2025):
        path = tmp_path / f"{year}.yaml"
        path.write_text(report_text(year), encoding="utf-8")
        pages.append(print_html(check_file(path).report))
    with weasy.as_released():
        released = [html_to_pdf(page, identifier=_identifier(page)) for page in pages]
    weasy.forget()
    for _ in range(2):
        patched = [html_to_pdf(page, identifier=_identifier(page)) for page in pages]
        assert patched == released


def _sheet_dump(sheet, elements) -> tuple:
    """Everything a ``CSS`` object gives the cascade, comparable across two parses."""
    matcher = sheet.matcher
    matches = [
        [(spec, order, pseudo, repr(payload)) for spec, order, pseudo, payload in matcher.match(e)]
        for e in elements
    ]
    rules = [(repr(rule), selectors, repr(decls)) for rule, selectors, decls in sheet.page_rules]
    return sheet.base_url, matcher.order, matches, rules, list(sheet.layers)


def test_a_remembered_stylesheet_gives_the_cascade_what_a_new_parse_does():
    """Each text parsed as released and patched (parsed, then remembered) for several
    base URLs and media types, one after another: the same matches, page rules and
    layers, and the page rules appended after the document's earlier ones."""
    weasy.load()  # before WeasyPrint is imported here: it installs the patches
    weasy.forget()
    import cssselect2
    import tinyhtml5
    from weasyprint import CSS

    page = _document(_BODY + "<p style='x'>1</p><img src='i.png'>")
    tree = tinyhtml5.parse(page, namespace_html_elements=False)
    elements = list(cssselect2.ElementWrapper.from_html_root(tree).iter_subtree())
    texts = [
        _PAGE_RULES,
        _RULES,
        "img { background: url(i.png) } p { list-style-image: url('../l.png') }",
        "@media print and (min-width: 10mm) { p { color: red } } @media screen { p { x: y } }",
    ]
    cases = [
        (text, base_url, media_type)
        for base_url in (None, "file:///tmp/a/", "file:///tmp/b/", "rel/dir/")
        for media_type in ("print", "screen")
        for text in texts
    ]
    for text, base_url, media_type in cases:
        with weasy.as_released():
            released = CSS(string=text, base_url=base_url, media_type=media_type)
            released_dump = _sheet_dump(released, elements)
        for _ in range(2):  # parsed, then remembered
            page_rules = [("earlier", [], [])]
            patched = CSS(
                string=text, base_url=base_url, media_type=media_type, page_rules=page_rules
            )
            assert page_rules[0] == ("earlier", [], []) and patched.page_rules is page_rules
            page_rules.pop(0)
            assert _sheet_dump(patched, elements) == released_dump, (text, base_url, media_type)
    assert len(weasy_css._sheets) == len(cases)


def test_attribute_declarations_keep_elements_apart():
    """Elements with equal ``style`` attributes share a computed style exactly when they
    did as released (WeasyPrint tells their parsed declarations apart by identity)."""
    weasy.load()
    from weasyprint import HTML
    from weasyprint.css import get_all_computed_styles

    page = _document(PAGES["attributes"] + "<p style='color: red'>1</p><p style='color: red'>2</p>")

    def styles() -> tuple[int, int]:
        html = HTML(string=page)
        style_for = get_all_computed_styles(html, font_config=weasy.font_config())
        # the elements' own styles (pseudo-element styles are made when first asked for)
        computed = [s for (_, pseudo), s in style_for.get_computed_styles().items() if not pseudo]
        return len(computed), len({id(style) for style in computed})

    with weasy.as_released():
        released = styles()
    weasy.forget()
    assert styles() == released and styles() == released


def test_attribute_urls_resolve_against_each_documents_base():
    """The same ``style`` text in documents with different base URLs."""
    weasy.load()
    from weasyprint import HTML
    from weasyprint.css import get_all_computed_styles

    page = _document("<p style='background-image: url(i.png)'>0</p><p id='x'>1</p>")

    def images() -> list:
        seen = []
        for base_url in ("file:///tmp/a/", "file:///tmp/b/", "file:///tmp/a/"):
            html = HTML(string=page, base_url=base_url)
            style_for = get_all_computed_styles(html, font_config=weasy.font_config())
            for p in html.etree_element.iter("p"):
                seen.append(repr(style_for(p)["background_image"]))
        return seen

    with weasy.as_released():
        released = images()
    weasy.forget()
    assert "/tmp/b/i.png" in "".join(released)
    assert images() == released and images() == released


def test_warnings_are_logged_every_time_while_the_logger_shows_them(caplog):
    """Remembered while WeasyPrint's logger is quiet (as reportgen sets it), then typeset
    while it shows warnings: every document warns as released does."""
    weasy.load()
    weasy.forget()
    page = _document("<style>p { colr: red }</style><p style='margin: bad'>0</p>")
    html_to_pdf(page)
    assert weasy_css._sheets and weasy_css._attributes
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        with caplog.at_level(logging.WARNING, logger="weasyprint"):
            for _ in range(2):
                caplog.clear()
                html_to_pdf(page)
                messages = [r.getMessage() for r in caplog.records]
                assert any("colr" in m for m in messages)
                assert any("margin" in m for m in messages)
    finally:
        logger.setLevel(level)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("p { color: red } @media print { @page { margin: 1cm } }", True),
        ("@PAGE :first { @Top-Center { content: 'x' } }", True),
        ("@import 'a.css'; p { color: red }", False),
        ("@font-face { font-family: x; src: local(y) }", False),
        ("@color-profile --p { src: url(p.icc) }", False),
        ("@counter-style x { system: cyclic; symbols: a }", False),
        ("@layer a { p { color: red } }", False),
        ("@\\66ont-face { font-family: x; src: local(y) }", False),
        ("@font\\-face { font-family: x; src: local(y) }", False),
        ("p { color: VAR(--x) }", False),
        ("p { content: '@import' }", False),
    ],
)
def test_only_plain_stylesheets_are_remembered(text, plain):
    assert weasy_css.plain(text) is plain


def test_every_at_rule_weasyprint_handles_is_known():
    """The at-rules WeasyPrint 70 handles: those that touch nothing but the stylesheet's
    matcher and the document's page rules are remembered, the others never are."""
    weasy.load()
    from weasyprint import CSS, css

    source = inspect.getsource(css.preprocess_stylesheet)
    handled = set(re.findall(r"lower_at_keyword == '([\w-]+)'", source))
    assert handled == {"import", "media", "page", "font-face", "color-profile"} | {
        "counter-style",
        "layer",
    }
    assert handled & weasy_css._PLAIN_AT_RULES == {"media", "page"}
    assert set(css.PAGE_MARGIN_BOXES) <= weasy_css._PLAIN_AT_RULES
    # what CSS.__init__ leaves on the object is what a remembered parse sets
    with weasy.as_released():
        init = CSS.__init__
    assert set(re.findall(r"self\.(\w+) =", inspect.getsource(init))) == {
        "base_url",
        "matcher",
        "page_rules",
        "layers",
    }
    patched = inspect.signature(CSS.__init__)
    assert patched.parameters.keys() == inspect.signature(init).parameters.keys()
    assert all(
        patched.parameters[k].default == p.default
        for k, p in inspect.signature(init).parameters.items()
    )


def test_stylesheets_are_found_as_weasyprint_finds_them():
    """``find_stylesheets`` asks the root for ``style`` and ``link`` elements and reads
    only their ``etree_element``: the elements handed over are the ones cssselect2
    finds whose tag is ``style`` or ``link``, in the same order."""
    weasy.load()
    import cssselect2
    import tinyhtml5
    from weasyprint import css

    with weasy.as_released():
        source = inspect.getsource(css.find_stylesheets)
    assert "wrapper_element.query_all('style', 'link')" in source
    assert set(re.findall(r"\bwrapper\.(\w+)", source)) == {"etree_element"}
    assert source.count("wrapper_element") == 2  # the argument and the query
    page = _document(PAGES["elements"] + PAGES["sheets"])
    tree = tinyhtml5.parse(page, namespace_html_elements=False)  # as WeasyPrint parses
    root = cssselect2.ElementWrapper.from_html_root(tree)
    found = [w.etree_element for w in root.query_all("style", "link")]
    mine = [f.etree_element for f in weasy_css._Root(root).query_all("style", "link")]
    assert mine == [e for e in found if e.tag in ("style", "link")]
    assert len(found) == len(mine) + 1  # the SVG one, which gives no stylesheet
    assert len(mine) == 12  # three links, four styles and the five of "sheets"


_METADATA = (
    "<!DOCTYPE html><html lang='zh-CN'><head><title>第一</title><title>第二</title>"
    "<meta name='Keywords' content='政府, 公开, 政府'><meta name='author' content='甲'>"
    "<meta name='author' content='乙'><meta name='description' content='说明'>"
    "<meta name='generator' content='x'><meta name='dcterms.created' content='2025-01-31'>"
    "<meta name='dcterms.modified' content='2025-02-01T10:00+08:00'>"
    "<meta name='custom' content='1'><meta name='custom' content='2'><meta content='none'>"
    "<link rel='stylesheet' href='x.css'><link rel='alternate' href='y'></head>"
    "<body><svg><title>图</title><style>p {}</style></svg><p>0</p>"
    "<math><mi>x</mi></math><p>政府信息公开</p></body></html>"
)


def test_metadata_is_read_as_weasyprint_reads_it(typeset_both_ways):
    """``get_html_metadata`` asks the root for ``title``, ``meta`` and ``link`` elements
    and compares each one's tag with the plain name: the metadata found without the
    wrappers is the same, SVG titles and first-title rules included."""
    weasy.load()
    from weasyprint import HTML, html

    with weasy.as_released():
        source = inspect.getsource(html.get_html_metadata)
        released = html.get_html_metadata(HTML(string=_METADATA))
    assert "wrapper_element.query_all('title', 'meta', 'link')" in source
    assert source.count("wrapper_element") == 1
    assert "element = element.etree_element" in source
    assert "element.tag == 'title'" in source and "element.tag == 'meta'" in source
    assert "element.tag == 'link'" in source
    patched = html.get_html_metadata(HTML(string=_METADATA))
    assert patched == released
    assert released["title"] == "第一" and released["authors"] == ["甲", "乙"]
    assert released["keywords"] == ["政府", "公开"] and released["custom"] == {"custom": "1"}
    released_pdf, first, again = typeset_both_ways(_METADATA)
    assert first == released_pdf and again == released_pdf


def test_the_attributes_weasyprint_reads_are_the_ones_remembered():
    """``find_style_attributes`` without presentational hints reads ``style``, ``lang``,
    ``id``, ``name`` (of ``a``) and ``width``/``height`` (of ``svg``)."""
    weasy.load()
    from weasyprint import css

    with weasy.as_released():
        source = inspect.getsource(css.find_style_attributes)
    source = source.split("if not presentational_hints:")[0]
    assert set(re.findall(r"element\.get\('(\w+)'\)", source)) == {"style", "lang", "id", "name"}
    assert set(re.findall(r"'(width|height)'", source)) == {"width", "height"}
    assert re.findall(r"f'(-weasy-[\w-]+):", source) == [
        "-weasy-lang",
        "-weasy-anchor",
        "-weasy-anchor",
    ]


def test_documents_from_a_worker_thread_keep_their_bytes():
    """As the browser form's server typesets them: remembered in one thread, reused in
    another."""
    from concurrent.futures import ThreadPoolExecutor

    weasy.load()
    pages = [_document(PAGES["sheets"]), _document(PAGES["attributes"])]
    with weasy.as_released():
        released = [html_to_pdf(page, identifier=b"0" * 32) for page in pages]
    weasy.forget()
    here = [html_to_pdf(page, identifier=b"0" * 32) for page in pages]
    with ThreadPoolExecutor(1) as pool:
        there = list(pool.map(lambda p: html_to_pdf(p, identifier=b"0" * 32), pages))
    assert here == released and there == released


def test_what_is_remembered_is_bounded(monkeypatch, typeset_both_ways):
    """The oldest stylesheet goes first, by count and by text; a stylesheet parsed
    again after it went gives the same; attribute texts are dropped when too many."""
    weasy.load()
    from weasyprint import CSS

    weasy.forget()
    monkeypatch.setattr(weasy_css, "_KEPT", 2)
    texts = [f"p.c{n} {{ margin: {n}px }}" for n in range(3)]
    for text in texts:
        CSS(string=text)
    assert [key[0] for key in weasy_css._sheets] == texts[1:]
    monkeypatch.setattr(weasy_css, "_KEPT_TEXT", len(texts[0]) * 2 + 1)
    CSS(string="p { margin: 1px; padding: 2px }")
    assert len(weasy_css._sheets) == 1
    monkeypatch.setattr(weasy_css, "_KEPT_ATTRIBUTES", 5)
    page = "".join(f"<p id='i{n}' style='margin: {n}px'>{n}</p>" for n in range(8))
    released, first, again = typeset_both_ways(_document(page))
    assert first == released and again == released
    assert 0 < len(weasy_css._attributes) <= 5

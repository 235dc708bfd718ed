"""Stylesheets and ``style`` attributes parsed once per process (a patch of WeasyPrint 70).

Every document, WeasyPrint 70 parses the page's ``<style>`` elements again: tinycss2
tokenises the text, ``preprocess_stylesheet`` compiles every selector (cssselect2) and
validates every declaration, and the result is a new :class:`cssselect2.Matcher` plus
the ``@page`` rules it appends to the document's ``page_rules`` (~9 ms of a warm
document for the print page's two stylesheets).  ``build --watch`` and the browser
preview typeset the same page, with the same stylesheets, again and again.

:func:`install` replaces ``CSS.__init__``: a stylesheet given as a string, parsed before
with the same text, the same base URL (as WeasyPrint resolves it) and the same media
type, gets the matcher built the first time (the matcher is only read once built:
``match`` returns its entries without changing it) and appends the same ``@page``
entries, in the same order, to the document's ``page_rules``.  That is everything
``CSS.__init__`` leaves behind for such a stylesheet, so the cascade sees equal
objects in the same order.  Everything else takes WeasyPrint's own path:

* a stylesheet read from a file, a URL or bytes, or imported (a matcher or layer given);
* a text holding an at-rule other than ``@media``, ``@page`` and the page-margin
  rules: ``@import``, ``@font-face``, ``@color-profile``, ``@counter-style`` and
  ``@layer`` read or change the document's fetcher, fonts, colour profiles, counter
  styles or layers; a text holding a backslash (an escape could spell any of them)
  or ``var(`` (its pending values remember whether they reported an error);
* while WeasyPrint's logger would show its warnings (a remembered stylesheet would not
  warn again), and when the parse changed the layers, counter styles or colour profiles
  after all.

Finding the ``<style>`` and ``<link>`` elements, and the ``<title>``, ``<meta>`` and
``<link>`` elements the PDF's metadata is read from, no longer wraps every element of
the page for cssselect2 (see :class:`_Root`).

``style`` attributes (and the ``lang``/``id`` declarations WeasyPrint makes for every
element) are parsed and validated once per text and base URL too.  The cascade only
uses the parsed nodes to tell elements apart (elements with equal declarations share a
computed style), so each element still gets declarations of its own.

What is remembered is bounded (:data:`_KEPT` stylesheets, :data:`_KEPT_TEXT`
characters; :data:`_KEPT_ATTRIBUTES` attribute texts), shared by all threads under a
lock, and dropped by :func:`forget` (called by :func:`.weasy.forget`).
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from pathlib import Path

# A parsed stylesheet takes ~20 times its text in memory (the print page's two: 5 KB
# of text, 108 KB parsed); an attribute text ~1 KB.
_KEPT = 32  # stylesheets remembered
_KEPT_TEXT = 500_000  # characters of stylesheet text remembered (~10 MB parsed), at most
_LARGEST = 100_000  # a longer stylesheet is not remembered
_KEPT_ATTRIBUTES = 4_000  # attribute texts remembered (~4 MB; the print page has ~110)
_LONGEST_ATTRIBUTE = 2_000

_lock = threading.Lock()
_sheets: OrderedDict[tuple, tuple] = OrderedDict()
_sheets_text = [0]
_attributes: dict[tuple, _Attribute] = {}

#: At-rules whose handling reads or changes nothing but the stylesheet's own matcher
#: and the document's ``page_rules`` (WeasyPrint 70's ``preprocess_stylesheet``).
_PLAIN_AT_RULES = frozenset(
    (
        "media",
        "page",
        "top-left-corner",
        "top-left",
        "top-center",
        "top-right",
        "top-right-corner",
        "bottom-left-corner",
        "bottom-left",
        "bottom-center",
        "bottom-right",
        "bottom-right-corner",
        "left-top",
        "left-middle",
        "left-bottom",
        "right-top",
        "right-middle",
        "right-bottom",
        "footnote",
        "note-area",
    )
)
_AT_KEYWORD = re.compile(r"@([A-Za-z0-9_-]*)")
_VAR = re.compile(r"var\(", re.IGNORECASE)


def plain(text: str) -> bool:
    """Whether parsing ``text`` can change nothing outside its own result.

    An at-keyword token begins with a literal ``@``; without backslashes its name is
    the run of name characters after it (a non-ASCII character would end the run
    early, and no harmful name begins with a plain one).  Strings and comments
    holding ``@`` or ``var(`` only make the answer a safe "no".
    """
    if "\\" in text or _VAR.search(text):
        return False
    return all(name.lower() in _PLAIN_AT_RULES for name in _AT_KEYWORD.findall(text))


def _quiet() -> bool:
    """Whether WeasyPrint's logger shows none of the warnings a parse can log."""
    from weasyprint.logger import LOGGER

    return not LOGGER.isEnabledFor(logging.WARNING)


def forget() -> None:
    """Drop every remembered stylesheet and attribute."""
    with _lock:
        _sheets.clear()
        _sheets_text[0] = 0
        _attributes.clear()


def _remembered_sheet(key: tuple) -> tuple | None:
    with _lock:
        entry = _sheets.get(key)
        if entry is not None:
            _sheets.move_to_end(key)
        return entry


def _remember_sheet(key: tuple, entry: tuple) -> None:
    size = len(key[0])
    with _lock:
        if key in _sheets:
            return
        _sheets[key] = entry
        _sheets_text[0] += size
        while len(_sheets) > 1 and (len(_sheets) > _KEPT or _sheets_text[0] > _KEPT_TEXT):
            old, _ = _sheets.popitem(last=False)
            _sheets_text[0] -= len(old[0])


def _sizes(*parts) -> tuple[int, ...]:
    return tuple(0 if part is None else len(part) for part in parts)


def _css_init(original):
    """``CSS.__init__`` that reuses what an earlier parse of the same text left behind."""
    from weasyprint.logger import PROGRESS_LOGGER
    from weasyprint.urls import ensure_url

    def __init__(
        self,
        guess=None,
        filename=None,
        url=None,
        file_obj=None,
        string=None,
        encoding=None,
        base_url=None,
        url_fetcher=None,
        _check_mime_type=False,
        media_type="print",
        font_config=None,
        counter_style=None,
        color_profiles=None,
        matcher=None,
        page_rules=None,
        layers=None,
        layer=None,
    ):
        arguments = dict(
            guess=guess,
            filename=filename,
            url=url,
            file_obj=file_obj,
            string=string,
            encoding=encoding,
            base_url=base_url,
            url_fetcher=url_fetcher,
            _check_mime_type=_check_mime_type,
            media_type=media_type,
            font_config=font_config,
            counter_style=counter_style,
            color_profiles=color_profiles,
            matcher=matcher,
            page_rules=page_rules,
            layers=layers,
            layer=layer,
        )
        if (
            string.__class__ is not str
            or guess is not None
            or filename is not None
            or url is not None
            or file_obj is not None
            or matcher is not None
            or layer is not None
            or len(string) > _LARGEST
            or not _quiet()
        ):
            return original(self, **arguments)
        # the base URL as CSS.__init__ and select_source resolve it
        if isinstance(base_url, Path):
            base_url = str(base_url)
        if base_url is not None and base_url.__class__ is not str:
            return original(self, **arguments)
        resolved = None if base_url is None else ensure_url(base_url)
        try:
            key = (string, resolved, media_type)
            entry = _remembered_sheet(key)
        except TypeError:  # an unhashable media type
            return original(self, **arguments)
        if entry is not None:
            PROGRESS_LOGGER.info("Step 2 - Fetching and parsing CSS - %s", "CSS string")
            self.base_url, self.matcher, own_page_rules = entry
            self.page_rules = [] if page_rules is None else page_rules
            self.page_rules.extend(own_page_rules)
            self.layers = [] if layers is None else layers
            return None
        if not plain(string):
            return original(self, **arguments)
        sizes = _sizes(layers, counter_style, color_profiles)
        own_page_rules: list = []
        original(self, **{**arguments, "page_rules": own_page_rules})
        self.page_rules = [] if page_rules is None else page_rules
        self.page_rules.extend(own_page_rules)
        if _sizes(layers, counter_style, color_profiles) == sizes and _quiet():
            _remember_sheet(key, (self.base_url, self.matcher, tuple(own_page_rules)))
        return None

    __init__.reportgen = True
    return __init__


class _Attribute:
    """One ``style`` attribute text (or made-up declaration) parsed, then validated."""

    __slots__ = ("nodes", "validated")

    def __init__(self, nodes) -> None:
        self.nodes = nodes
        self.validated = None


class _Declarations(list):
    """What an element's attribute declarations are to the cascade.

    The cascade keys shared computed styles on ``tuple(declarations)`` and hands the
    declarations to ``preprocess_declarations``.  This list holds one object of its own
    (so no two elements look alike that did not before: WeasyPrint's nodes are told
    apart by identity) and carries the remembered parse.
    """

    __slots__ = ("attribute",)


class _Found:
    """A ``<style>`` or ``<link>`` element as ``find_stylesheets`` reads it."""

    __slots__ = ("etree_element",)

    def __init__(self, element) -> None:
        self.etree_element = element


class _Root:
    """The document's root as ``find_stylesheets`` and ``get_html_metadata`` read it,
    without the wrappers.

    WeasyPrint 70's ``find_stylesheets`` asks ``query_all('style', 'link')`` and
    ``get_html_metadata`` ``query_all('title', 'meta', 'link')``; both read only
    ``etree_element`` of what they get, and cssselect2 answers by wrapping every element
    of the page (~1 000) to test its local name.  Only elements whose tag is exactly one
    of the names are used (the others, such as an SVG ``style`` or ``title``, are read
    and dropped: both compare ``element.tag`` with the plain name), so these are handed
    over, in tree order.  Other questions go to cssselect2.
    """

    __slots__ = ("_wrapper",)

    #: the questions answered here (those of the two functions above)
    QUESTIONS = (("style", "link"), ("title", "meta", "link"))

    def __init__(self, wrapper) -> None:
        self._wrapper = wrapper

    def query_all(self, *selectors):
        if selectors not in self.QUESTIONS:
            return self._wrapper.query_all(*selectors)
        root = self._wrapper.etree_element
        return (_Found(e) for e in root.iter() if e.tag in selectors)


class _Page:
    """An ``HTML`` document as ``get_html_metadata`` reads it: its root through
    :class:`_Root`, everything else its own."""

    __slots__ = ("_html", "wrapper_element")

    def __init__(self, html) -> None:
        self._html = html
        self.wrapper_element = _Root(html.wrapper_element)

    def __getattr__(self, name: str):
        return getattr(self._html, name)


def install() -> None:
    """Use :func:`_css_init`, :class:`_Root` and the remembered attributes (WeasyPrint 70)."""
    import tinycss2
    from weasyprint import CSS, css, document, html

    from reportgen.render import weasy

    weasy._patch(CSS, "__init__", _css_init(CSS.__dict__["__init__"]))
    original_find = css.find_stylesheets

    def find_stylesheets(wrapper_element, *args, **kwargs):
        return original_find(_Root(wrapper_element), *args, **kwargs)

    find_stylesheets.reportgen = True
    weasy._patch(css, "find_stylesheets", find_stylesheets)
    original_metadata = html.get_html_metadata

    def get_html_metadata(page):
        return original_metadata(_Page(page))

    for module in (html, document):
        weasy._patch(module, "get_html_metadata", get_html_metadata)
    _install_attributes(css, tinycss2)


def _install_attributes(css, tinycss2) -> None:
    from weasyprint.css.tokens import get_length

    original_find = css.find_style_attributes
    original_preprocess = css.preprocess_declarations

    def attribute(kind: str, text: str) -> _Declarations:
        key = (kind, text)
        entry = _attributes.get(key)
        if entry is None:
            if kind == "style":
                nodes = tinycss2.parse_blocks_contents(text)
            else:
                nodes = (tinycss2.parse_one_declaration(text),)
            entry = _Attribute(nodes)
            if len(text) <= _LONGEST_ATTRIBUTE and not _VAR.search(text):
                with _lock:
                    if len(_attributes) >= _KEPT_ATTRIBUTES:
                        _attributes.clear()
                    entry = _attributes.setdefault(key, entry)
        declarations = _Declarations((object(),))
        declarations.attribute = entry
        return declarations

    def find_style_attributes(tree, presentational_hints=False, base_url=None):
        if presentational_hints or not _quiet():
            yield from original_find(tree, presentational_hints, base_url)
            return
        for element in tree.iter():
            if style := element.get("style"):
                yield (1, 0, 0), element, attribute("style", style), base_url
            specificity = (0, 0, 0)
            if lang := element.get("lang"):
                yield specificity, element, attribute("one", f'-weasy-lang:"{lang}"'), base_url
            if id_ := element.get("id"):
                yield specificity, element, attribute("one", f'-weasy-anchor:"{id_}"'), base_url
            if element.tag == "a" and (name := element.get("name")):
                yield specificity, element, attribute("one", f'-weasy-anchor:"{name}"'), base_url
            if element.tag == "{http://www.w3.org/2000/svg}svg":
                for name in ("width", "height"):
                    if length := element.get(name):
                        token = tinycss2.parse_one_component_value(length)
                        if get_length(token, percentage=True):
                            declarations = attribute("one", f"{name}:{length}")
                            yield specificity, element, declarations, base_url

    def preprocess_declarations(base_url, declarations, prelude=None):
        if declarations.__class__ is not _Declarations or prelude is not None:
            return original_preprocess(base_url, declarations, prelude)
        entry = declarations.attribute
        known = entry.validated
        if known is not None and known[0] == base_url:
            return iter(known[1])
        validated = list(original_preprocess(base_url, entry.nodes))
        if _quiet():
            entry.validated = (base_url, validated)
        return iter(validated)

    find_style_attributes.reportgen = True
    preprocess_declarations.reportgen = True
    from reportgen.render import weasy

    weasy._patch(css, "find_style_attributes", find_style_attributes)
    weasy._patch(css, "preprocess_declarations", preprocess_declarations)

"""WeasyPrint 70's cascade without the work no document reads (``weasyprint/css``).

``StyleFor.__init__`` matches every stylesheet against every element and builds, for
each element and for each pseudo-element a rule matched, the cascaded declarations,
then a :class:`ComputedStyle` for each.  Two kinds of that work are never read:

* **Pseudo-element styles nobody asks for.**  The user-agent stylesheet gives every
  element a ``::marker``, ``::footnote-call``, ``::footnote-marker``, ``::note-call``,
  ``::note-marker`` and ``::note-callback`` rule (six styles an element, ~2 650 a
  report), yet box building asks for a marker only on list items and for the others
  only on footnotes and notes.  The matched declarations are kept, in matching
  order, and the cascade and the style are made the first time ``style_for`` asks
  (:class:`_PseudoOnDemand`), by ``set_computed_styles`` exactly as the original makes
  them; nothing reads a style before that.  A pseudo-element whose rules declare
  ``-weasy-anchor`` (the only thing making a style does besides storing it: its
  anchor is collected) is made at once, in the original order.
* **The cascade of an element whose style is shared.**  WeasyPrint gives elements
  with the same parent style, ``style`` attribute and matched rules one shared
  style, made from the first such element's cascade; the others' cascades are
  thrown away unread.  They are no longer built.

The element styles, their order and the sharing are WeasyPrint 70.0's own (the
loop below is its loop, BSD licence, © Simon Sapin, Guillaume Ayoub and
contributors, changed where marked ``reportgen``).

``AnonymousStyle.__missing__`` (the styles of anonymous boxes: table wrappers, line
boxes, text) takes the parent's value for an inherited property and the initial one
for most others; those two cases are answered from precomputed sets before the
original's chain of tests, and everything else goes to the original.

Nothing is remembered across documents.  Installed by
:func:`reportgen.render.weasy.load` for WeasyPrint 70.x only.
"""

from __future__ import annotations

from math import inf


class _PseudoOnDemand(dict):
    """``StyleFor._computed_styles`` that makes a pseudo-element's style on first ask.

    ``pending`` maps ``(element, pseudo_type)`` to the matched rules, in the order
    the original applied them: ``(origin, specificity, layer_order, declarations)``.
    Only ``get`` is asked for pseudo-elements (``StyleFor.__call__``);
    ``set_computed_styles`` reads element styles with ``[]``, and those are all made
    at once.
    """

    __slots__ = ("base_url", "owner", "pending", "root", "target_collector")

    def __init__(self) -> None:
        super().__init__()
        self.owner = self.root = self.base_url = self.target_collector = None
        self.pending: dict = {}

    def get(self, key, default=None):
        if key in self:
            return dict.__getitem__(self, key)
        if key in self.pending:
            self._make(key)
            return dict.__getitem__(self, key)
        return default

    def _make(self, key) -> None:
        element, pseudo_type = key
        owner = self.owner
        cascaded = owner._cascaded_styles
        cascaded[key] = _cascade({}, self.pending.pop(key))
        try:
            owner.set_computed_styles(
                element,
                pseudo_type=pseudo_type,
                root=self.root,
                parent=element,
                base_url=self.base_url,
                target_collector=self.target_collector,
            )
        finally:
            del cascaded[key]


def _cascade(style: dict, rules) -> dict:
    """Apply matched rules to ``style`` as WeasyPrint 70's ``StyleFor.__init__`` does."""
    from weasyprint.css import declaration_precedence

    for origin, specificity, layer_order, declarations in rules:
        for name, values, importance in declarations:
            precedence = declaration_precedence(origin, importance)
            weight = (precedence, layer_order, specificity)
            old_weight = style.get(name, (None, None))[1]
            if old_weight is None or old_weight <= weight:
                style[name] = values, weight
    return style


def _declares_anchor(declarations) -> bool:
    return any(name == "anchor" for name, _, _ in declarations)


def style_for_init(self, html, sheets, presentational_hints, font_config, target_collector):
    """WeasyPrint 70.0's ``StyleFor.__init__``, changed where marked ``reportgen``."""
    from weasyprint import css

    self._cascaded_styles = cascaded_styles = {}
    # reportgen: pseudo-element styles are made when first asked for
    self._computed_styles = computed_styles = _PseudoOnDemand()
    self.initial_page_sizes = {"box": None, "area": None}
    self._sheets = sheets
    self.font_config = font_config

    css.PROGRESS_LOGGER.info("Step 3 - Applying CSS")
    layer_order = inf
    elements_declarations = {}
    for specificity, element, declarations, base_url in css.find_style_attributes(
        html.etree_element, presentational_hints, html.base_url
    ):
        style = cascaded_styles.setdefault((element, None), {})
        elements_declarations[element] = tuple(declarations)
        for name, values, importance in css.preprocess_declarations(base_url, declarations):
            precedence = css.declaration_precedence("author", importance)
            weight = (precedence, layer_order, specificity)
            old_weight = style.get(name, (None, None))[1]
            if old_weight is None or old_weight <= weight:
                style[name] = values, weight

    # reportgen: the rules matched for each pseudo-element, in matching order
    pending = {}
    anchored = set()  # pseudo-elements whose rules declare an anchor
    anchor_rules = {}  # id(declarations) -> whether they declare an anchor
    computed_cache = {}
    for element in html.wrapper_element.iter_subtree():
        etree_element = element.etree_element
        parent = element.parent.etree_element if element.parent else None
        parent_id = id(computed_styles[parent, None]) if element.parent else None
        element_declarations = elements_declarations.get(etree_element)
        selectors_keys = []
        own = []
        for sheet, origin, sheet_specificity in sheets:
            for selector in sheet.matcher.match(element):
                specificity, _order, pseudo_type, (declarations, layer) = selector
                layer_order = inf if layer is None else sheet.layers.index(layer)
                selectors_keys.append((sheet, specificity, id(declarations), layer_order))
                specificity = sheet_specificity or specificity
                rule = (origin, specificity, layer_order, declarations)
                if pseudo_type is None:
                    own.append(rule)
                else:
                    pending.setdefault((etree_element, pseudo_type), []).append(rule)
                    declares = anchor_rules.get(id(declarations))
                    if declares is None:
                        declares = anchor_rules[id(declarations)] = _declares_anchor(declarations)
                    if declares:
                        anchored.add((etree_element, pseudo_type))

        key = (parent_id, element_declarations, tuple(selectors_keys))
        if key in computed_cache:
            computed_styles[etree_element, None] = computed_cache[key]
        else:
            # reportgen: the cascade is built only for the element whose style is made
            if own:
                _cascade(cascaded_styles.setdefault((etree_element, None), {}), own)
            self.set_computed_styles(
                etree_element,
                root=html.etree_element,
                parent=parent,
                base_url=html.base_url,
                target_collector=target_collector,
            )
            computed_cache[key] = computed_styles[etree_element, None]

    computed_styles.owner = self
    computed_styles.pending = pending
    computed_styles.root = html.etree_element
    computed_styles.base_url = html.base_url
    computed_styles.target_collector = target_collector
    # reportgen: only pseudo-elements whose anchor is collected are made now (in the
    # original order); the others when first asked for
    for key in [key for key in pending if key in anchored]:
        computed_styles._make(key)

    self._cascaded_styles.clear()


def _quick_anonymous_values(original):
    """``AnonymousStyle.__missing__`` with its two common cases decided from sets.

    The original stores and returns the parent's value for an inherited property (and
    for ``page``), and the initial value for a property that is not inherited, not a
    ``text-decoration-*`` one and not in ``INITIAL_NOT_COMPUTED``; so does this, and
    every other key goes to the original.
    """
    from weasyprint.css.properties import INHERITED, INITIAL_NOT_COMPUTED, INITIAL_VALUES

    from_parent = frozenset(INHERITED) | {"page"}
    initial = frozenset(
        key
        for key in INITIAL_VALUES
        if key not in from_parent
        and key not in INITIAL_NOT_COMPUTED
        and not key.startswith(("text_decoration_", "__"))
    )

    def __missing__(self, key):
        if key in from_parent:
            value = self[key] = self.parent_style[key]
            return value
        if key in initial:
            value = self[key] = INITIAL_VALUES[key]
            return value
        return original(self, key)

    return __missing__


def install() -> None:
    """Install the cascade above and the anonymous styles' quick path (WeasyPrint 70)."""
    from weasyprint import css

    from reportgen.render import weasy

    weasy._patch(css.StyleFor, "__init__", style_for_init)
    original = css.AnonymousStyle.__dict__["__missing__"]
    weasy._patch(css.AnonymousStyle, "__missing__", _quick_anonymous_values(original))

"""Quick paths through WeasyPrint 70's layout of line boxes and backgrounds.

A report's cells and paragraphs are laid out by WeasyPrint's general code, which
prepares for floats, border radii and background images the report never has.  Three
helpers called for every line box or every box take a shorter road in the common case
and hand every other case to WeasyPrint's own function; the results are the same
values (same floats, same objects where the original hands out shared ones):

* :func:`avoid_collisions` (``layout/float.py``), run twice for every line box and
  once for every block that establishes a formatting context: with no float on the
  page (``context.excluded_shapes`` empty) there is nothing to collide with, and the
  bounds are the containing block's content box, computed with the original's
  expressions.  With a float, the original runs.
* :func:`strut` (``text/line_break.py``, as the inline layout calls it), run for
  every line box and inline box (~800 times a document, for ~8 distinct fonts): the
  original builds its cache key with ``str()`` of fourteen font properties plus the
  size and line height (namedtuples printed by Python code) before it looks the answer
  up in the font configuration's ``strut_layouts``.  The string made for a given set
  of property *objects* is remembered under their identities (the entry holds the
  objects, so no identity is reused while it lives; only immutable values are kept),
  and the answer is read from ``strut_layouts`` under that same string; when the
  string is not there yet, the original runs.
* :func:`resolve_radii_percentages` (``layout/percent.py``, run for every box while
  the backgrounds are laid out): a corner whose computed radius is WeasyPrint's
  initial value (zero) is set to ``(0, 0)`` as the original's "short track" does;
  every other corner goes through the original's own steps.

Installed by :func:`reportgen.render.weasy.load` for WeasyPrint 70.x only; each is a
:func:`reportgen.render.weasy._patch`, undone by ``weasy.as_released()``.
"""

from __future__ import annotations

import operator
import threading

#: the fourteen font properties and then the two sizes ``_font_style_cache_key`` prints
STRUT_KEY_STYLE = (
    "font_family",
    "font_style",
    "font_stretch",
    "font_weight",
    "font_variant_ligatures",
    "font_variant_position",
    "font_variant_caps",
    "font_variant_numeric",
    "font_variant_alternates",
    "font_variant_east_asian",
    "font_feature_settings",
    "font_variation_settings",
    "font_language_override",
    "lang",
    "font_size",
    "line_height",
)
_STRUT_KEYS_KEPT = 512  # distinct sets of property objects; each entry holds 16 references
_strut_keys: dict[tuple[int, ...], tuple[tuple[object, ...], str]] = {}
_strut_lock = threading.Lock()
_IMMUTABLE = (str, int, float, type(None))


def _immutable(value: object) -> bool:
    """Whether ``value`` (and so its ``str()``) can never change."""
    if isinstance(value, tuple):
        return all(_immutable(item) for item in value)
    return type(value) in _IMMUTABLE or (
        isinstance(value, _IMMUTABLE) and type(value).__hash__ is not None
    )


def forget() -> None:
    """Drop the remembered strut keys (called by ``weasy.forget``)."""
    with _strut_lock:
        _strut_keys.clear()


def _quick_strut(original, cache_key):
    key_values = operator.itemgetter(*STRUT_KEY_STYLE)  # style[name] for each, in C

    def strut(style):
        if style["font_size"] == 0:
            return original(style)
        values = key_values(style)
        ids = tuple(map(id, values))
        entry = _strut_keys.get(ids)
        if entry is None:
            key = cache_key(style, include_size=True)
            if all(_immutable(value) for value in values):
                with _strut_lock:
                    if len(_strut_keys) >= _STRUT_KEYS_KEPT:
                        _strut_keys.clear()
                    _strut_keys[ids] = (values, key)
        else:
            key = entry[1]
        layouts = style.font_config.strut_layouts
        if key in layouts:
            return layouts[key]
        return original(style)

    return strut


def _quick_avoid_collisions(original, boxes):
    def avoid_collisions(context, box, containing_block, outer=True):
        if context.excluded_shapes:
            return original(context, box, containing_block, outer)
        # WeasyPrint 70's avoid_collisions with no excluded shape: the loop over the
        # shapes finds none, so no bound moves and the loop ends at once.
        position_y = box.position_y if outer else box.border_box_y()

        box_width = box.margin_width() if outer else box.border_width()
        box.margin_height() if outer else box.border_height()  # as the original

        if box.border_height() == 0 and box.is_floated():
            return 0, position_y, containing_block.width

        containing_block.style["direction"]  # read as the original reads it

        max_left_bound = containing_block.content_box_x()
        max_right_bound = max_left_bound + containing_block.width

        if not outer:
            max_left_bound += box.margin_left
            max_right_bound -= box.margin_right

        assert (
            box.is_floated()
            or isinstance(box, boxes.LineBox)
            or box.is_table_wrapper
            or isinstance(box, boxes.BlockReplacedBox)
            or box.establishes_formatting_context()
        )

        position_x = max_left_bound
        if box.style["float"] == "none" and containing_block.style["direction"] == "rtl":
            if isinstance(box, boxes.LineBox):
                position_x = max_right_bound
            elif box.is_table_wrapper:
                position_x = max_right_bound - box_width
            else:
                assert (
                    isinstance(box, boxes.BlockReplacedBox) or box.establishes_formatting_context()
                )
                position_x = max_right_bound - box_width

        available_width = max_right_bound - max_left_bound

        if not outer:
            position_x -= box.margin_left
            position_y -= box.margin_top

        return position_x, position_y, available_width

    return avoid_collisions


_CORNERS = tuple(
    (f"border_{corner}_radius", tuple(corner.split("_")))
    for corner in ("top_left", "top_right", "bottom_right", "bottom_left")
)


def _quick_radii(percentage, initial_values):
    initial = {name: initial_values[name] for name, _ in _CORNERS}

    def resolve_radii_percentages(box):
        style = box.style
        for property_name, sides in _CORNERS:
            computed = style[property_name]
            if computed is initial[property_name]:
                # (0px, 0px): the original's short track
                setattr(box, property_name, (0, 0))
                continue
            rx, ry = computed

            # Short track for common case
            if (0, "px") in (rx, ry):
                setattr(box, property_name, (0, 0))
                continue

            for side in sides:
                if side in box.remove_decoration_sides:
                    setattr(box, property_name, (0, 0))
                    break
            else:
                rx = percentage(rx, box.style, box.border_width())
                ry = percentage(ry, box.style, box.border_height())
                setattr(box, property_name, (rx, ry))

    return resolve_radii_percentages


def _quick_box_backgrounds(original, radii, get_color):
    def layout_box_backgrounds(page, box, get_image_from_uri, layout_children=True, style=None):
        if style is not None or box is page:
            return original(page, box, get_image_from_uri, layout_children, style)
        radii(box)
        if layout_children:
            for child in box.all_children():
                layout_box_backgrounds(page, child, get_image_from_uri)
        style = box.style
        if (
            style["border_image_source"][0] == "none"
            and style["mask_border_source"][0] == "none"
            and not style["box_shadow"]
        ):
            if style["visibility"] == "hidden":
                box.background = None
                return None
            if (
                not any(type_ == "url" or value for type_, value in style["background_image"])
                and get_color(style, "background_color").alpha == 0
            ):
                box.background = None
                return None
        # something to lay out: the original, for this box alone (setting the radii
        # again gives the same values)
        return original(page, box, get_image_from_uri, False)

    return layout_box_backgrounds


def install() -> None:
    """Install the quick paths where WeasyPrint 70 defines and calls the functions."""
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.draw.color import get_color
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import background, block, inline, percent
    from weasyprint.layout import float as floats
    from weasyprint.text import line_break

    from reportgen.render import weasy

    strut = _quick_strut(line_break.strut, line_break._font_style_cache_key)
    weasy._patch(inline, "strut", strut)

    avoid = _quick_avoid_collisions(floats.avoid_collisions, boxes)
    for module in (floats, inline, block):
        weasy._patch(module, "avoid_collisions", avoid)

    radii = _quick_radii(percent.percentage, INITIAL_VALUES)
    for module in (percent, background):
        weasy._patch(module, "resolve_radii_percentages", radii)

    box_backgrounds = _quick_box_backgrounds(background.layout_box_backgrounds, radii, get_color)
    weasy._patch(background, "layout_box_backgrounds", box_backgrounds)

"""DOCX layout settings: ``docx.yaml`` of the built-in template, merged with a user's.

The settings hold everything the DOCX layout may vary (page setup, style sizes and spacing,
table column shares); typefaces come from the font map (``fonts.yaml``), one family per
role — the first, the font agencies have installed, because Word and WPS substitute a
similar face themselves when it is missing.  Lengths are converted here to the units
WordprocessingML uses, so the writers never do arithmetic on millimetres.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.errors import TemplateError
from reportgen.paths import templates_dir
from reportgen.render.fonts import load_font_map

SETTINGS_FILE = "docx.yaml"
GRID_MODES = ("lines_and_chars", "lines", "none")


def builtin_settings_file() -> Path:
    return templates_dir() / "default" / SETTINGS_FILE


def twips_mm(mm: float) -> int:
    """Millimetres to twentieths of a point, the unit of page and paragraph geometry."""
    return round(mm * 1440 / 25.4)


def twips_pt(pt: float) -> int:
    return round(pt * 20)


def half_points(pt: float) -> int:
    """Font sizes are written in half-points (10.5 pt → 21)."""
    return round(pt * 2)


def _read(path: Path) -> dict[str, Any]:
    from reportgen.sandbox import read_yaml

    data = read_yaml(path, "DOCX 版式配置")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TemplateError("DOCX 版式配置应是键值对映射", file=str(path))
    return data


def _merge(base: dict[str, Any], override: dict[str, Any], file: str, where: str = "") -> dict:
    """Override ``base`` key by key, refusing keys and value kinds the layout does not know."""
    merged = dict(base)
    for key, value in override.items():
        name = f"{where}{key}"
        if key not in base:
            known = "、".join(str(k) for k in base)
            raise TemplateError(
                f"DOCX 版式配置中未知的键 {name!r}", file=file, hint=f"可用：{known}"
            )
        default = base[key]
        if isinstance(default, dict):
            if not isinstance(value, dict):
                raise TemplateError(f"DOCX 版式配置 {name} 应是键值对映射", file=file)
            merged[key] = _merge(default, value, file, f"{name}.")
        elif isinstance(default, (bool, str)):
            if not isinstance(value, type(default)):
                raise TemplateError(f"DOCX 版式配置 {name} 的值 {value!r} 类型不对", file=file)
            merged[key] = value
        elif isinstance(default, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise TemplateError(f"DOCX 版式配置 {name} 应是非负数，而不是 {value!r}", file=file)
            merged[key] = value
        elif isinstance(default, list):
            if not isinstance(value, list) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in value
            ):
                raise TemplateError(f"DOCX 版式配置 {name} 应是正数列表", file=file)
            merged[key] = value
        else:
            merged[key] = value
    return merged


@dataclass(frozen=True)
class DocxSettings:
    """The merged ``docx.yaml`` plus the family chosen for each font role."""

    page: dict[str, Any]
    styles: dict[str, dict[str, Any]]
    tables: dict[str, dict[str, Any]]
    signature: dict[str, Any]
    fonts: dict[str, str]

    def style(self, name: str) -> dict[str, Any]:
        return self.styles[name]

    def font(self, style: str) -> str:
        """The typeface of a style, through its font-map role."""
        return self.fonts[self.styles[style]["font"]]

    @property
    def text_width(self) -> int:
        """Width of the 版心 in twips (156 mm by default)."""
        p = self.page
        return twips_mm(p["width_mm"] - p["margin_left_mm"] - p["margin_right_mm"])

    @property
    def text_height(self) -> int:
        p = self.page
        return twips_mm(p["height_mm"] - p["margin_top_mm"] - p["margin_bottom_mm"])

    @property
    def body_char(self) -> int:
        """Width of one 字 of body text in twips (the unit of indents and the signature)."""
        return twips_pt(self.styles["body"]["size_pt"])

    @property
    def line_pitch(self) -> int:
        """One 行 of body text in twips."""
        return twips_pt(self.styles["body"]["line_pt"])

    @property
    def char_spacing(self) -> int:
        """Condensing of body characters (in twips) so ``chars_per_line`` fill the 版心.

        Rounded down: 28 characters of 3号 need 15.79 pt each on a 156 mm line, and a
        spacing that rounds to a wider pitch would push the 28th character to the next
        line.  Zero under Word's character grid, which sets the pitch itself.
        """
        if self.page["grid"] == "lines_and_chars":
            return 0
        pitch = self.text_width / self.page["chars_per_line"]
        return min(0, math.floor(pitch - self.body_char))

    def key(self) -> str:
        """A canonical form of the settings, to cache what is built from them."""
        return json.dumps(
            [self.page, self.styles, self.tables, self.signature, self.fonts],
            sort_keys=True,
            ensure_ascii=False,
        )


def load_docx_settings(template_dir: str | Path | None = None) -> DocxSettings:
    """The built-in settings, overridden by ``docx.yaml`` in ``template_dir`` when present."""
    data = _read(builtin_settings_file())
    if template_dir is not None:
        from reportgen.sandbox import confined

        user_file = confined(Path(template_dir), SETTINGS_FILE)
        if user_file is not None:
            data = _merge(data, _read(user_file), str(user_file))
    if data["page"]["grid"] not in GRID_MODES:
        raise TemplateError(
            f"DOCX 版式配置 page.grid 的值 {data['page']['grid']!r} 无效",
            hint="可用：" + "、".join(GRID_MODES),
        )
    font_map = load_font_map(template_dir)
    fonts = {}
    for name, style in data["styles"].items():
        role = style["font"]
        families = font_map.families(role)
        if not families:
            raise TemplateError(f"DOCX 样式 {name} 的字体用途 {role!r} 在字体配置中没有字体")
        fonts[role] = families[0]
    return DocxSettings(data["page"], data["styles"], data["tables"], data["signature"], fonts)

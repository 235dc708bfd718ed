"""The font map: which typeface each typographic role of GB/T 9704 uses.

GB/T 9704-2012 names typefaces generically (小标宋体, 仿宋体, 黑体, 楷体).  Agencies use fonts
that are not freely redistributable (方正小标宋简体, 仿宋_GB2312 …), so the map lists, for each
role, the families to try in order: the agencies' fonts first (used when installed), free
fonts last (Noto CJK, AR PL UKai) so a report never prints a missing-glyph box.

The built-in map is ``templates/default/fonts.yaml``; a user template folder may hold its own
``fonts.yaml`` whose families are tried before the built-in ones.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import TemplateError
from reportgen.paths import templates_dir

#: The roles of the font map and the CSS generic family that ends each stack.
ROLES = {
    "title": "serif",
    "heading1": "sans-serif",
    "heading2": "serif",
    "body": "serif",
    "table": "serif",
    "page_number": "serif",
}

#: Free fonts that cover simplified Chinese, and the Debian packages that install them.
FREE_FONTS = {
    "Noto Serif CJK SC Black": "fonts-noto-cjk-extra",
    "Noto Serif CJK SC": "fonts-noto-cjk",
    "Noto Sans CJK SC": "fonts-noto-cjk",
    "AR PL UKai CN": "fonts-arphic-ukai",
}


def builtin_font_file() -> Path:
    return templates_dir() / "default" / "fonts.yaml"


def _read_map(path: Path) -> dict[str, list[str]]:
    from reportgen.sandbox import read_yaml

    data = read_yaml(path, "字体配置") or {}
    if not isinstance(data, dict):
        raise TemplateError("字体配置应是“用途: [字体名, …]”的映射", file=str(path))
    result = {}
    for role, families in data.items():
        if role not in ROLES:
            known = "、".join(ROLES)
            raise TemplateError(f"未知的字体用途 {role!r}（可用：{known}）", file=str(path))
        if isinstance(families, str):
            families = [families]
        if not isinstance(families, list) or not all(isinstance(f, str) for f in families):
            raise TemplateError(f"字体用途 {role} 应列出字体名", file=str(path))
        result[role] = [f.strip() for f in families if f.strip()]
    return result


@functools.cache
def _builtin_map() -> dict[str, tuple[str, ...]]:
    return {role: tuple(f) for role, f in _read_map(builtin_font_file()).items()}


@dataclass(frozen=True)
class FontMap:
    """Families per role, best first."""

    roles: dict[str, tuple[str, ...]]

    def families(self, role: str) -> tuple[str, ...]:
        return self.roles.get(role, ())

    def css_stack(self, role: str) -> str:
        """A CSS ``font-family`` value: the quoted families, then the generic family."""
        names = [_css_string(f) for f in self.families(role)]
        return ", ".join([*names, ROLES[role]])


def load_font_map(template_dir: str | Path | None = None) -> FontMap:
    """The built-in map, with a user template's ``fonts.yaml`` families tried first."""
    roles = dict(_builtin_map())
    if template_dir is not None:
        from reportgen.sandbox import confined

        user_file = confined(Path(template_dir), "fonts.yaml")
        if user_file is not None:
            for role, families in _read_map(user_file).items():
                rest = [f for f in roles.get(role, ()) if f not in families]
                roles[role] = (*families, *rest)
    return FontMap(roles)


def _css_string(name: str) -> str:
    """Quote a family name for CSS; characters that could end a style element are dropped."""
    cleaned = "".join(ch for ch in name if ch not in '<>"\\\n\r')
    return f'"{cleaned}"'


# ------------------------------------------------------------------ resolution (doctor)


@dataclass(frozen=True)
class Resolution:
    """Which installed font a role ends up with."""

    role: str
    family: str | None  # the first family of the role's list that is installed
    file: str | None
    preferred: bool  # True when it is one of the agencies' fonts (not a free fallback)
    fallback: str | None = None  # what fontconfig substitutes when no listed family exists


def fontconfig_available() -> bool:
    return shutil.which("fc-match") is not None


def fc_match(pattern: str, fmt: str) -> str | None:
    """What ``fc-match`` prints for ``pattern`` in format ``fmt``; None when it cannot run."""
    try:
        return subprocess.run(
            ["fc-match", "-f", fmt, pattern],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def fc_list(fmt: str) -> str | None:
    """What ``fc-list`` prints for every installed face in format ``fmt``."""
    try:
        return subprocess.run(
            ["fc-list", "-f", fmt], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def _fc_match(pattern: str) -> tuple[list[str], str] | None:
    out = fc_match(pattern, "%{family}\t%{file}")
    if out is None or "\t" not in out:
        return None
    families, file = out.split("\t", 1)
    return [f.strip() for f in families.split(",")], file.strip()


def installed(family: str) -> str | None:
    """The font file fontconfig uses for ``family``, or None when it is not installed."""
    found = _fc_match(family)
    if found is None:
        return None
    names, file = found
    wanted = family.casefold()
    return file if any(n.casefold() == wanted for n in names) else None


def resolve(font_map: FontMap, role: str) -> Resolution:
    families = font_map.families(role)
    for family in families:
        file = installed(family)
        if file:
            return Resolution(role, family, file, preferred=family not in FREE_FONTS)
    fallback = _fc_match(f":lang=zh-cn:family={ROLES[role]}")
    return Resolution(role, None, None, False, fallback[0][0] if fallback else None)

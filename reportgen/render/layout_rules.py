"""The typesetting rules kept as data: ``templates/default/typesetting.yaml``.

How a title is cut into words and what an empty section prints are editorial choices, not
code; they live in the template folder next to the font map and the DOCX settings, and a
user template's ``typesetting.yaml`` replaces the built-in entries it names.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from reportgen.errors import RenderError
from reportgen.paths import templates_dir

FILE = "typesetting.yaml"


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RenderError(f"排版规则无法读取：{exc}", file=str(path)) from None
    if not isinstance(data, dict):
        raise RenderError("排版规则应是键值对映射", file=str(path))
    return data


@functools.cache
def layout_rules(template_dir: str | None = None) -> dict[str, Any]:
    """The built-in rules, with the top-level entries of a user template's file replacing them."""
    rules = _read(templates_dir() / "default" / FILE)
    if template_dir is not None:
        user = Path(template_dir) / FILE
        if user.is_file():
            for key, value in _read(user).items():
                if key not in rules:
                    known = "、".join(rules)
                    raise RenderError(
                        f"排版规则中未知的键 {key!r}", file=str(user), hint=f"可用：{known}"
                    )
                rules[key] = value
    return rules

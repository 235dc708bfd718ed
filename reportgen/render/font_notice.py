"""The one notice ``build`` prints when the PDF is set in free substitute fonts.

Agencies publish in 方正小标宋简体, 仿宋_GB2312, 楷体_GB2312 and 黑体; on a machine without
them the PDF falls back to the free fonts of the font map (Noto CJK, AR PL UKai).  That is
a correct, printable PDF, but not the faces a reviewer expects, so ``build`` says once per
run which role fell back to which font and how to get the agency's fonts, instead of only
``reportgen doctor`` knowing it.
"""

from __future__ import annotations

from pathlib import Path

#: How each role is called in messages.
ROLE_NAMES = {
    "title": "标题（小标宋）",
    "heading1": "一级标题（黑体）",
    "heading2": "二级标题（楷体）",
    "body": "正文（仿宋）",
    "table": "表格（仿宋）",
    "page_number": "页码（宋体）",
}


def fallback_notice(template_dir: str | Path | None = None) -> str | None:
    """A few lines naming the roles set in a substitute font, or None when none is."""
    from reportgen.render.fonts import FREE_FONTS, fontconfig_available, load_font_map
    from reportgen.render.metrics import role_family

    if not fontconfig_available():
        return None
    key = str(template_dir) if template_dir else None
    font_map = load_font_map(template_dir)
    substitutes, wanted = [], []
    for role in font_map.roles:
        used = role_family(role, key)
        if used is not None and used not in FREE_FONTS:
            continue
        substitutes.append(f"{ROLE_NAMES.get(role, role)} → {used or '系统默认字体'}")
        preferred = [f for f in font_map.families(role) if f not in FREE_FONTS]
        if preferred and preferred[0] not in wanted:
            wanted.append(preferred[0])
    if not substitutes:
        return None
    lines = ["提示：本机未安装机关公文常用字体，PDF 使用了开源替代字体："]
    lines.append("    " + "；".join(substitutes))
    if wanted:
        lines.append(
            f"    如需与正式公文一致，请安装 {'、'.join(wanted)}（按字体授权使用），"
            "或在模板目录的 fonts.yaml 中指定已安装的字体，然后重新生成；"
            "运行 reportgen doctor 可查看每种字体的详情。"
        )
    return "\n".join(lines)

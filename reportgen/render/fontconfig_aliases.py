"""A fontconfig file that makes LibreOffice set a DOCX in the right free faces.

The DOCX names the agencies' fonts (仿宋_GB2312, 楷体_GB2312, 方正小标宋简体, 黑体 …).  On a
machine without them LibreOffice does not read the font table's stand-ins (its DOCX
import keeps only ``w:name`` and ``w:charset`` of a ``w:font``; ``w:altName``,
``w:panose1`` and ``w:family`` are dropped), so it asks fontconfig for the missing name,
with the text's language.  fontconfig knows no generic family for a Chinese font name
and answers with its default sans-serif face, Noto Sans CJK SC: 仿宋 and 宋体 come out as
a 黑体-like sans.  (Its glyph forms are Chinese: they follow the text's ``w:lang``
zh-CN; ``pdffonts`` shows "NotoSansCJKjp" because every face of the Noto CJK collection
shares one CFF font named after the Japanese one.)

Nothing inside the DOCX changes that choice, but fontconfig aliases do, for every
program.  They must bind strongly: a weak alias (fontconfig's default) loses to the
language, which LibreOffice always passes.  The aliases are derived from the font map:
every family of a role that is not installed stands for the role's first installed
family, the face the PDF is set in.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportgen.render.fonts import load_font_map
from reportgen.render.metrics import role_family

#: Where fontconfig reads a user's own rules (through the system's 50-user.conf).
USER_FILE = "~/.config/fontconfig/conf.d/50-reportgen.conf"


def aliases(template_dir: str | Path | None = None) -> list[tuple[str, str]]:
    """(missing family, installed family) for every role of the font map, in role order."""
    key = str(Path(template_dir).resolve()) if template_dir else None
    font_map = load_font_map(key)
    result: dict[str, str] = {}
    for role in font_map.roles:
        target = role_family(role, key)
        if target is None:
            continue
        for family in font_map.families(role):
            if family == target:
                break
            result.setdefault(family, target)
    return list(result.items())


def aliases_conf(template_dir: str | Path | None = None) -> str:
    """The fontconfig file (to save as :data:`USER_FILE`)."""
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        # (no "--" inside an XML comment)
        f"<!-- reportgen doctor 生成的字体替换配置，请保存为 {USER_FILE} -->",
        "<fontconfig>",
    ]
    for missing, installed in aliases(template_dir):
        lines.append(
            f'  <alias binding="strong"><family>{escape(missing)}</family>'
            f"<prefer><family>{escape(installed)}</family></prefer></alias>"
        )
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"

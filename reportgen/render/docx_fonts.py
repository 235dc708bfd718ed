"""The DOCX font table: every typeface named, with what to substitute when it is missing.

A report names the agencies' fonts (仿宋_GB2312, 楷体_GB2312, 方正小标宋简体), which a stock
Windows or Linux machine lacks.  Without a font table Word guesses and WPS picks its
default.  Each font therefore gets a ``w:font`` entry (``word/fontTable.xml``) with the
stock face that stands in for it (``w:altName``: 仿宋, 楷体, 黑体, 宋体), its PANOSE class,
the GB2312 character set (86) and its pitch, from ``docx_fonts`` in ``typesetting.yaml``;
the stand-in faces get entries of their own so the substitute is described as well.

LibreOffice reads none of this but the name and the character set; it asks fontconfig,
which the aliases of :mod:`reportgen.render.fontconfig_aliases` steer.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from reportgen.render.docx_settings import DocxSettings
from reportgen.render.layout_rules import layout_rules

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: GB2312, the character set of simplified-Chinese fonts in the Windows font table.
GB2312 = "86"


def _entry(name: str, spec: dict, alt: str | None) -> str:
    parts = [f"<w:font w:name={quoteattr(name)}>"]
    if alt and alt != name:
        parts.append(f"<w:altName w:val={quoteattr(alt)}/>")
    parts.append(f'<w:panose1 w:val="{spec["panose"]}"/>')
    parts.append(f'<w:charset w:val="{GB2312}"/>')
    parts.append(f'<w:family w:val="{spec["family"]}"/>')
    parts.append(f'<w:pitch w:val="{spec["pitch"]}"/>')
    parts.append("</w:font>")
    return "".join(parts)


def font_table_xml(settings: DocxSettings, template_dir: str | None = None) -> str:
    """``word/fontTable.xml`` for the families the settings use, in role order."""
    specs = layout_rules(template_dir).get("docx_fonts", {}) or {}
    entries: dict[str, str] = {}
    for role, family in settings.fonts.items():
        spec = specs.get(role) or specs.get("body")
        if not spec:
            continue
        alt = spec.get("alt")
        entries.setdefault(family, _entry(family, spec, alt))
        if alt:
            entries.setdefault(alt, _entry(alt, spec, None))
    return f'{_DECL}<w:fonts xmlns:w="{W_NS}">{"".join(entries.values())}</w:fonts>'

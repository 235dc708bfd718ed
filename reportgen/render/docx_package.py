"""The empty DOCX package a report is written into, and its deterministic zip.

python-docx's own default template is a US-Letter Word 2010 document with 438 KB of
Latin-themed styles, a thumbnail and custom XML; none of it fits a 公文.  This module writes
a small package instead: A4 with the GB/T 9704 margins and document grid, styles whose
East Asian typefaces are set explicitly (``w:rFonts w:eastAsia``, and ascii/hAnsi so digits
and Latin letters match), odd/even footers enabled.  The renderer opens it with python-docx
and adds the content.

A zip entry carries a modification time; :func:`stable_zip` rewrites the saved package with
one fixed time (the report's date), so the same report gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

from reportgen.render.docx_fonts import font_table_xml
from reportgen.render.docx_settings import DocxSettings, half_points, twips_mm, twips_pt

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Style ids (what paragraphs reference) of the styles this package defines.
NORMAL = "Normal"
TITLE = "Title"
HEADING = {1: "Heading1", 2: "Heading2", 3: "Heading3"}
LEAD = "LeadIn"
STRONG = "StrongEmphasis"
TABLE = "ReportTable"
TABLE_TEXT = "TableText"
TABLE_HEADING = "TableHeading"
TABLE_LABEL = "TableLabel"
SIGNATURE = "Signature"
PAGE_NUMBER_ODD = "PageNumberOdd"
PAGE_NUMBER_EVEN = "PageNumberEven"
DRAFT_MARK = "DraftMark"
PROBLEM_HEADING = "ProblemHeading"
PROBLEM_LIST = "ProblemList"


# ------------------------------------------------------------------ XML fragments

#: Characters XML 1.0 cannot carry at all (control characters a pasted text may contain).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text for a ``w:t`` element: escaped, without characters XML cannot hold."""
    return escape(_NOT_XML.sub("", text))


def _fonts(family: str) -> str:
    """All four font slots on one family; ``hint=eastAsia`` keeps “” and — in the CJK face."""
    f = quoteattr(family)
    return f'<w:rFonts w:ascii={f} w:eastAsia={f} w:hAnsi={f} w:cs={f} w:hint="eastAsia"/>'


def _rpr(
    family: str | None = None,
    size_pt: float | None = None,
    color: str | None = None,
    spacing: int | None = None,
) -> str:
    parts = []
    if family:
        parts.append(_fonts(family))
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if spacing is not None:
        parts.append(f'<w:spacing w:val="{spacing}"/>')
    if size_pt:
        sz = half_points(size_pt)
        parts.append(f'<w:sz w:val="{sz}"/><w:szCs w:val="{sz}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def _ppr(
    *,
    keep_next: bool = False,
    keep_lines: bool = False,
    auto_space: bool | None = None,
    snap: bool | None = None,
    line: int | None = None,
    exact: bool = True,
    before: int | None = None,
    after: int | None = None,
    first_chars: float | None = None,
    first: int | None = None,
    left: int | None = None,
    right: int | None = None,
    jc: str | None = None,
    outline: int | None = None,
) -> str:
    """A ``w:pPr`` with its children in schema order."""
    parts = []
    if keep_next:
        parts.append("<w:keepNext/>")
    if keep_lines:
        parts.append("<w:keepLines/>")
    if auto_space is not None:
        value = int(auto_space)
        parts.append(f'<w:autoSpaceDE w:val="{value}"/><w:autoSpaceDN w:val="{value}"/>')
    if snap is not None:
        parts.append(f'<w:snapToGrid w:val="{int(snap)}"/>')
    spacing = []
    if before is not None:
        spacing.append(f'w:before="{before}"')
    if after is not None:
        spacing.append(f'w:after="{after}"')
    if line is not None:
        spacing.append(f'w:line="{line}" w:lineRule="{"exact" if exact else "auto"}"')
    if spacing:
        parts.append(f"<w:spacing {' '.join(spacing)}/>")
    ind = []
    if left is not None:
        ind.append(f'w:left="{left}"')
    if right is not None:
        ind.append(f'w:right="{right}"')
    if first_chars is not None:
        ind.append(f'w:firstLineChars="{round(first_chars * 100)}"')
    if first is not None:
        ind.append(f'w:firstLine="{first}"')
    if ind:
        parts.append(f"<w:ind {' '.join(ind)}/>")
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    return f"<w:pPr>{''.join(parts)}</w:pPr>" if parts else ""


def _style(
    kind: str,
    style_id: str,
    name: str,
    *,
    based_on: str | None = None,
    next_style: str | None = None,
    default: bool = False,
    ppr: str = "",
    rpr: str = "",
    extra: str = "",
) -> str:
    attrs = f'w:type="{kind}"' + (' w:default="1"' if default else "")
    inner = f'<w:name w:val="{name}"/>'
    if based_on:
        inner += f'<w:basedOn w:val="{based_on}"/>'
    if next_style:
        inner += f'<w:next w:val="{next_style}"/>'
    inner += '<w:uiPriority w:val="0"/><w:qFormat/>' if kind != "table" else ""
    return f'<w:style {attrs} w:styleId="{style_id}">{inner}{ppr}{rpr}{extra}</w:style>'


def styles_xml(s: DocxSettings) -> str:
    """Every style the report uses, with its typeface, size and spacing from the settings."""
    body = s.style("body")
    line = s.line_pitch
    no_indent = {"first_chars": 0, "first": 0}
    title = s.style("title")
    table = s.style("table")
    page_number = s.style("page_number")
    draft = s.style("draft_mark")
    problems = s.style("problems")
    border = round(table["border_pt"] * 8)  # eighths of a point
    pad = twips_mm(table["cell_padding_mm"])
    edges = "".join(
        f'<w:{edge} w:val="single" w:sz="{border}" w:space="0" w:color="000000"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    page_char = twips_pt(page_number["size_pt"])
    styles = [
        _style(
            "paragraph",
            NORMAL,
            "Normal",
            default=True,
            ppr=_ppr(
                line=line,
                first_chars=body["first_line_chars"],
                first=body["first_line_chars"] * s.body_char,
                jc="both",
            ),
            rpr=_rpr(s.font("body"), body["size_pt"], spacing=s.char_spacing or None),
        ),
        _style("character", "DefaultParagraphFont", "Default Paragraph Font", default=True),
        _style(
            "table",
            "TableNormal",
            "Normal Table",
            default=True,
            extra='<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
            '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr>",
        ),
        _style(
            "paragraph",
            TITLE,
            "Title",
            based_on=NORMAL,
            next_style=NORMAL,
            ppr=_ppr(
                keep_next=True,
                snap=False,
                line=twips_pt(title["line_pt"]),
                before=0,
                after=round(title["space_after_lines"] * line),
                jc="center",
                **no_indent,
            ),
            rpr=_rpr(s.font("title"), title["size_pt"], spacing=0),
        ),
    ]
    for level in (1, 2, 3):
        style = s.style(f"heading{level}")
        styles.append(
            _style(
                "paragraph",
                HEADING[level],
                f"heading {level}",
                based_on=NORMAL,
                next_style=NORMAL,
                ppr=_ppr(keep_next=True, keep_lines=True, outline=level - 1),
                rpr=_rpr(s.font(f"heading{level}"), style["size_pt"]),
            )
        )
    styles += [
        _style("character", LEAD, "Lead In", rpr=_rpr(s.font("lead"))),
        # 一是… emphasis in 黑体 (as the PDF sets it), not a synthetic bold of 仿宋
        _style("character", STRONG, "Strong Emphasis", rpr=_rpr(s.font("heading1"))),
        _style(
            "table",
            TABLE,
            "Report Table",
            based_on="TableNormal",
            extra=f'<w:tblPr><w:jc w:val="center"/><w:tblBorders>{edges}</w:tblBorders>'
            f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{pad}" '
            f'w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="{pad}" '
            'w:type="dxa"/></w:tblCellMar></w:tblPr>',
        ),
        _style(
            "paragraph",
            TABLE_TEXT,
            "Table Text",
            based_on=NORMAL,
            ppr=_ppr(snap=False, line=twips_pt(table["line_pt"]), jc="center", **no_indent),
            rpr=_rpr(s.font("table"), table["size_pt"], spacing=0),
        ),
        _style(
            "paragraph", TABLE_HEADING, "Table Heading", based_on=TABLE_TEXT, ppr=_ppr(jc="center")
        ),
        _style("paragraph", TABLE_LABEL, "Table Label", based_on=TABLE_TEXT, ppr=_ppr(jc="left")),
        _style(
            "paragraph",
            SIGNATURE,
            "Signature",
            based_on=NORMAL,
            # set as measured (reportgen/render/signature.py): no condensing, no CJK–digit gap
            ppr=_ppr(keep_lines=True, auto_space=False, jc="right", **no_indent),
            rpr=_rpr(spacing=0),
        ),
        _style(
            "paragraph",
            "Header",
            "header",
            based_on=NORMAL,
            ppr=_ppr(snap=False, line=240, exact=False, jc="center", **no_indent),
        ),
        _style(
            "paragraph",
            "Footer",
            "footer",
            based_on=NORMAL,
            ppr=_ppr(snap=False, line=240, exact=False, jc="center", **no_indent),
            rpr=_rpr(s.font("page_number"), page_number["size_pt"], spacing=0),
        ),
        _style(
            "paragraph",
            PAGE_NUMBER_ODD,
            "Page Number Odd",
            based_on="Footer",
            ppr=_ppr(right=page_char, jc="right"),
        ),
        _style(
            "paragraph",
            PAGE_NUMBER_EVEN,
            "Page Number Even",
            based_on="Footer",
            ppr=_ppr(left=page_char, jc="left"),
        ),
        _style(
            "paragraph",
            DRAFT_MARK,
            "Draft Mark",
            based_on="Header",
            rpr=_rpr(s.font("draft_mark"), draft["size_pt"], draft["color"]),
        ),
        _style(
            "paragraph",
            PROBLEM_HEADING,
            "Problem Heading",
            based_on=NORMAL,
            ppr=_ppr(keep_next=True, before=line, jc="left", **no_indent),
            rpr=_rpr(s.font("draft_mark"), body["size_pt"], draft["color"]),
        ),
        _style(
            "paragraph",
            PROBLEM_LIST,
            "Problem List",
            based_on=NORMAL,
            ppr=_ppr(snap=False, line=twips_pt(problems["line_pt"]), jc="left", **no_indent),
            rpr=_rpr(s.font("problems"), problems["size_pt"], spacing=0),
        ),
    ]
    defaults = (
        "<w:docDefaults><w:rPrDefault>"
        f"{_rpr(s.font('body'), body['size_pt'])[: -len('</w:rPr>')]}"
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>'
        "</w:rPrDefault><w:pPrDefault/></w:docDefaults>"
    )
    return f'{_DECL}<w:styles xmlns:w="{W_NS}">{defaults}{"".join(styles)}</w:styles>'


def section_xml(s: DocxSettings) -> str:
    """The body's ``w:sectPr``: A4, GB/T 9704 margins and the 22 × 28 document grid."""
    p = s.page
    size = f'<w:pgSz w:w="{twips_mm(p["width_mm"])}" w:h="{twips_mm(p["height_mm"])}"/>'
    margins = (
        f'<w:pgMar w:top="{twips_mm(p["margin_top_mm"])}" '
        f'w:right="{twips_mm(p["margin_right_mm"])}" '
        f'w:bottom="{twips_mm(p["margin_bottom_mm"])}" '
        f'w:left="{twips_mm(p["margin_left_mm"])}" w:header="{twips_mm(p["header_mm"])}" '
        f'w:footer="{twips_mm(p["footer_mm"])}" w:gutter="0"/>'
    )
    pitch = s.text_height // p["lines_per_page"]
    if p["grid"] == "lines_and_chars":
        # Word's character pitch is the Normal font size plus charSpace/4096 pt.
        char_pt = s.text_width / 20 / p["chars_per_line"]
        space = round((char_pt - s.style("body")["size_pt"]) * 4096)
        grid = f'<w:docGrid w:type="linesAndChars" w:linePitch="{pitch}" w:charSpace="{space}"/>'
    elif p["grid"] == "lines":
        grid = f'<w:docGrid w:type="lines" w:linePitch="{pitch}"/>'
    else:
        grid = '<w:docGrid w:linePitch="360"/>'
    return f'<w:sectPr>{size}{margins}<w:cols w:space="425"/>{grid}</w:sectPr>'


_SETTINGS = (
    f'{_DECL}<w:settings xmlns:w="{W_NS}">'
    '<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>'
    "<w:evenAndOddHeaders/>"
    '<w:characterSpacingControl w:val="compressPunctuation"/>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" '
    'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
    '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
    '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
    "</w:settings>"
)

_CONTENT_TYPES = (
    f"{_DECL}"
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = (
    f'{_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

_DOCUMENT_RELS = (
    f'{_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/settings" Target="settings.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/fontTable" Target="fontTable.xml"/>'
    "</Relationships>"
)

_CORE = (
    f"{_DECL}"
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<cp:revision>1</cp:revision></cp:coreProperties>"
)

_APP = (
    f"{_DECL}"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>reportgen</Application></Properties>'
)

#: A fixed time for the zip entries of the empty package (the report's date replaces it).
_EPOCH = (1980, 1, 1, 0, 0, 0)


@functools.lru_cache(maxsize=8)
def _empty_package(document: str, styles: str, fonts: str) -> bytes:
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _PACKAGE_RELS,
        "docProps/core.xml": _CORE,
        "docProps/app.xml": _APP,
        "word/document.xml": document,
        "word/_rels/document.xml.rels": _DOCUMENT_RELS,
        "word/styles.xml": styles,
        "word/settings.xml": _SETTINGS,
        "word/fontTable.xml": fonts,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(zipfile.ZipInfo(name, _EPOCH), text.encode("utf-8"))
    return buffer.getvalue()


def empty_package(s: DocxSettings, template_dir: str | None = None) -> bytes:
    """The package with styles, settings and page setup but an empty body (cached)."""
    document = (
        f'{_DECL}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{section_xml(s)}'
        "</w:body></w:document>"
    )
    return _empty_package(document, styles_xml(s), font_table_xml(s, template_dir))


def stable_zip(data: bytes, day: dt.date) -> bytes:
    """Rewrite a saved package with every entry dated ``day`` 00:00, in the same order."""
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()

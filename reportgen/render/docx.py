"""The report as a Word document, laid out to GB/T 9704-2012.

The document is built from the format definition and the :class:`Report`, not from the
HTML: the title, the optional preface, the six sections under their official headings
(text sections as typed paragraphs, tables 二、三、四 with the official merged cells), and
the signature block.  Everything is formatted through named styles (Title, Normal,
Heading 1–3, Table Text …, see :mod:`reportgen.render.docx_package`), so a clerk who opens
the file in Word or WPS finds the 仿宋/黑体/楷体 roles in the style list and can restyle the
whole report at once.

The output is deterministic: fixed core properties (dated by the report), no revision
identifiers, and zip entries with a fixed time, so the same report gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from reportgen.errors import Problem
from reportgen.render.docx_package import (
    DRAFT_MARK,
    HEADING,
    LEAD,
    NORMAL,
    PAGE_NUMBER_EVEN,
    PAGE_NUMBER_ODD,
    PROBLEM_HEADING,
    PROBLEM_LIST,
    SIGNATURE,
    STRONG,
    TITLE,
    W_NS,
    empty_package,
    stable_zip,
    xml_text,
)
from reportgen.render.docx_settings import DocxSettings, load_docx_settings
from reportgen.render.docx_tables import table_xml
from reportgen.render.html import report_date
from reportgen.render.metrics import width_em
from reportgen.render.signature import RIGHT, STEP, signature_offsets
from reportgen.render.text import Paragraph, chinese_date, section_paragraphs
from reportgen.render.title_breaks import title_lines
from reportgen.report import Report

#: The mark on every page of a report that failed validation.
DRAFT_TEXT = "草稿（未通过校验）"
PROBLEMS_TEXT = "校验发现的问题"

_KEEP_NEXT = "<w:keepNext/>"
_PARAGRAPH_STYLES = {"body": NORMAL, "heading2": HEADING[2], "heading3": HEADING[3]}


def render_docx(
    report: Report,
    problems: list[Problem] | None = None,
    draft: bool = False,
    template_dir: str | Path | None = None,
) -> bytes:
    """The report as DOCX bytes; ``draft`` marks every page and lists ``problems`` at the end."""
    from docx import Document

    settings = load_docx_settings(template_dir)
    key = str(template_dir) if template_dir else None
    document = Document(io.BytesIO(empty_package(settings, key)))
    writer = _BodyWriter(document, settings, template_dir)
    writer.title(report)
    writer.paragraphs(section_paragraphs(report, "preface"))
    last = report.format.sections[-1]
    for section in report.format.sections:
        writer.heading(section.label)
        if section.kind == "table":
            writer.table(table_xml(report, report.format.tables[section.key], settings))
        else:
            # The signature never stands alone on a page: it keeps the last text with it.
            writer.paragraphs(
                section_paragraphs(report, section.key, empty=True, template_dir=template_dir),
                section is last,
            )
    writer.signature(report)
    if draft:
        writer.problems(problems or [])
    _page_furniture(document, draft)
    _core_properties(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return stable_zip(buffer.getvalue(), report_date(report))


class _BodyWriter:
    """Appends paragraphs and tables to the document body, before its ``w:sectPr``.

    Paragraphs are written as XML text and parsed in batches: far faster than python-docx's
    object API for the few hundred runs of a report, and just as valid.
    """

    def __init__(self, document, settings: DocxSettings, template_dir=None) -> None:
        self.document = document
        self.settings = settings
        self.template_dir = template_dir
        self.pending: list[str] = []
        self.after_table = False

    def _paragraph(self, style: str, runs: str, props: str = "") -> None:
        self.pending.append(f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{props}</w:pPr>{runs}</w:p>')

    def flush(self) -> None:
        from docx.oxml import parse_xml

        if not self.pending:
            return
        body = self.document.element.body
        anchor = body.sectPr
        fragment = parse_xml(f'<w:body xmlns:w="{W_NS}">{"".join(self.pending)}</w:body>')
        for element in list(fragment):
            anchor.addprevious(element)
        self.pending = []

    def title(self, report: Report) -> None:
        """The title on the lines chosen for every format (GB/T 9704 7.3.1)."""
        lines = title_lines(report.title, report.agency, self.template_dir)
        self._paragraph(TITLE, "<w:r><w:br/></w:r>".join(_run("".join(line)) for line in lines))

    def heading(self, label: str) -> None:
        # half a line of space between a table's bottom border and the next heading
        space = (
            f'<w:spacing w:before="{self.settings.line_pitch // 2}"/>' if self.after_table else ""
        )
        self.after_table = False
        self._paragraph(HEADING[1], _run(label), space)

    def paragraphs(self, paragraphs: list[Paragraph], keep_last: bool = False) -> None:
        """Typed paragraphs; ``keep_last`` keeps the last one on the page of what follows."""
        for number, paragraph in enumerate(paragraphs, 1):
            runs = "".join(
                _run(run.text, style=LEAD if run.lead else STRONG if run.bold else None)
                for run in paragraph.runs
            )
            keep = _KEEP_NEXT if keep_last and number == len(paragraphs) else ""
            self._paragraph(_PARAGRAPH_STYLES[paragraph.kind], runs, keep)

    def table(self, xml: str) -> None:
        """A table: one ``w:tbl``, or the parts of a long one with paragraphs between."""
        self.flush()
        self.pending.append(xml)
        self.flush()
        self.after_table = True

    def signature(self, report: Report) -> None:
        """The issuing body and the date, placed per GB/T 9704 7.3.5.1 (右空二字)."""
        date_text = chinese_date(report.published) if report.published else None
        name_pad, date_pad = signature_offsets(report.agency, date_text, self.template_dir)
        extra = self.settings.signature["right_chars"] - 2
        char = self.settings.body_char
        for _ in range(self.settings.signature["blank_lines_before"]):
            self._paragraph(NORMAL, "", _KEEP_NEXT)
        # (text, right padding or None, left indent or None) in 字
        lines: list[tuple[str, float | None, float | None]] = [(report.agency, name_pad, None)]
        if date_text:
            # The date starts 2 字 right of the name's first character.  It is set flush left
            # from that point, not right-aligned: the name is Chinese, as wide in every font,
            # while the date's digits are not (Word, WPS and LibreOffice may set them in
            # another face than the one measured, or add CJK–digit spacing).
            name_width = width_em(report.agency, "body", self.template_dir)
            name_start = self.settings.text_width / char - name_pad - extra - name_width
            if date_pad == RIGHT and name_pad > RIGHT:  # the date is the longer line
                lines[0] = (report.agency, None, name_start)
            lines.append((date_text, None, name_start + STEP))
        for number, (text, pad, left) in enumerate(lines, 1):
            keep = _KEEP_NEXT if number < len(lines) else ""
            if left is None:
                chars = pad + extra
                indent = (
                    f'<w:ind w:rightChars="{round(chars * 100)}" w:right="{round(chars * char)}"/>'
                )
                self._paragraph(SIGNATURE, _run(text), keep + indent)
            else:
                # a negative right indent: a date set wider than measured runs into the
                # 右空 space instead of wrapping
                indent = f'<w:ind w:left="{round(left * char)}" w:right="{-round(RIGHT * char)}"/>'
                self._paragraph(SIGNATURE, _run(text), keep + indent + '<w:jc w:val="left"/>')
        self.flush()

    def problems(self, problems: list[Problem]) -> None:
        if not problems:
            return
        self._paragraph(PROBLEM_HEADING, _run(PROBLEMS_TEXT))
        for problem in problems:
            self._paragraph(PROBLEM_LIST, _run(problem.format()))
        self.flush()


def _run(text: str, bold: bool = False, style: str | None = None) -> str:
    if not text:
        return ""
    props = ""
    if style or bold:
        props = "<w:rPr>"
        if style:
            props += f'<w:rStyle w:val="{style}"/>'
        if bold:
            props += "<w:b/><w:bCs/>"
        props += "</w:rPr>"
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<w:r>{props}<w:t{space}>{xml_text(text)}</w:t></w:r>"


def _page_number(style: str) -> str:
    """``— N —`` with N a PAGE field, so Word and WPS number the pages themselves."""
    return (
        f'<w:p xmlns:w="{W_NS}"><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
        '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>1</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p>'
    )


def _page_furniture(document, draft: bool) -> None:
    """Footers with the page number (right on odd pages, left on even) and the draft mark."""
    from docx.oxml import parse_xml

    section = document.sections[0]
    footers = ((section.footer, PAGE_NUMBER_ODD), (section.even_page_footer, PAGE_NUMBER_EVEN))
    for footer, style in footers:
        element = footer._element
        for child in list(element):
            element.remove(child)
        element.append(parse_xml(_page_number(style)))
    if draft:
        for header in (section.header, section.even_page_header):
            element = header._element
            for child in list(element):
                element.remove(child)
            element.append(
                parse_xml(
                    f'<w:p xmlns:w="{W_NS}"><w:pPr><w:pStyle w:val="{DRAFT_MARK}"/></w:pPr>'
                    f"{_run(DRAFT_TEXT)}</w:p>"
                )
            )


def _core_properties(document, report: Report) -> None:
    """Title, author and language; dated by the report so that rebuilding changes nothing."""
    day = report_date(report)
    stamp = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    props = document.core_properties
    props.title = report.title
    props.author = report.agency
    props.last_modified_by = report.agency
    props.subject = f"{report.format.name}（{report.format.basis}）"
    props.language = "zh-CN"
    props.created = stamp
    props.modified = stamp
    props.revision = 1

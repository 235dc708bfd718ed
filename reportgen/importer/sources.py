"""Read a published report (text, HTML, DOCX, PDF) into numbered lines of cells.

Every reader produces the same thing: a list of :class:`Line`, each with the cells it holds
and where it came from (``第55行``, ``第3页第12行``, ``表2第5行``), so the table and section
parsers never care about the file type.  A line is *structured* when its cells are real table
cells (tab-separated text, markdown pipes, HTML ``<td>``, Word table cells): there a blank
cell is a blank cell, and spaces inside a cell are stray.  Plain text and PDF lines are not
structured: there whitespace separates cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reportgen import textclean
from reportgen.errors import InputError
from reportgen.importer.guard import check_zip, clean_document, read_published

_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_PAGE_NUMBER = re.compile(
    r"^\s*[-—–－]\s*\d+\s*[-—–－]\s*$|^\s*第\s*\d+\s*页(\s*共\s*\d+\s*页)?\s*$"
)
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")


@dataclass(slots=True)
class Line:
    """One line of the source: its cells, and where it is for messages."""

    cells: list[str]
    ref: str
    structured: bool = False
    #: Structured cells that are the source's own cells (HTML, Word): an empty one is a
    #: blank value.  Tab-separated text pads merged label cells with empty cells instead.
    exact: bool = False
    #: PDF only: the line starts a new paragraph (it is indented).
    indented: bool = False

    #: The line as text (cells joined by two spaces), for messages and narrative.
    text: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.cells) == 1:
            self.text = self.cells[0].strip()
        else:
            self.text = "  ".join([c for c in self.cells if c.strip()]).strip()


@dataclass
class Document:
    lines: list[Line]
    kind: str  # text | html | docx | pdf
    name: str


def clean_cell(text: str) -> str:
    """Collapse whitespace (incl. no-break and ideographic spaces) to single spaces."""
    if text.isdigit():  # a number: nothing to collapse
        return text
    return _SPACES.sub(" ", text).strip()


# --------------------------------------------------------------------------- text


def text_lines(text: str) -> list[Line]:
    """Plain text as scraped: tabs and markdown pipes make structured rows."""
    lines = []
    append = lines.append
    # ``splitlines`` leaves no line break in a line, so ``raw`` needs no ``rstrip("\r\n")``.
    for number, raw in enumerate(text.splitlines(), 1):
        ref = f"第{number}行"
        stripped = raw.strip()
        if stripped.startswith("|") and stripped.count("|") >= 2:
            if _MD_SEPARATOR.match(stripped):
                continue
            inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
            append(Line([clean_cell(c) for c in inner.split("|")], ref, structured=True))
        elif stripped and "\t" in raw:
            cells = [clean_cell(c) for c in raw.split("\t")]
            if sum(1 for c in cells if c) > 1 or not raw.startswith("\t"):
                append(Line(cells, ref, structured=True))
            else:
                append(Line([c for c in cells if c], ref))
        else:
            append(Line([raw], ref))
    return lines


def read_text(path: Path, data: bytes) -> Document:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError("无法识别文件编码（应为 UTF-8 或 GB18030）", file=str(path))
    return text_document(text, str(path))


def text_document(text: str, name: str) -> Document:
    """A text as a document: plain text, or HTML saved as text (recognised by content)."""
    from reportgen.importer.html_text import as_html

    markup = as_html(text)
    if markup is not None:
        return Document(html_lines(markup), "html", name)
    return Document(text_lines(text), "text", name)


# --------------------------------------------------------------------------- HTML

_BLOCK = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "blockquote", "pre", "header", "footer", "dd", "dt", "dl", "center", "form", "main",
}  # fmt: skip
_SKIP = {"script", "style", "noscript", "nav", "head", "template", "select", "button", "iframe"}


def html_lines(html: str) -> list[Line]:
    """Paragraphs become lines; each ``<tr>`` of a data table becomes a structured line.

    A table that holds other tables is page layout (site navigation around the report), so
    its cells are read as blocks, not as a row of values.
    """
    from lxml import etree

    try:
        # lxml's own HTML parser, without lxml.html's element classes (the same tree; its
        # Python class lookup per element cost a third of the parse) and without an index
        # of ``id`` attributes (nothing looks elements up by id)
        root = etree.fromstring(html, etree.HTMLParser(collect_ids=False))
        if root is None:
            raise etree.ParserError("Document is empty")
    except Exception as exc:  # lxml raises several types for unreadable input
        raise InputError(f"无法解析 HTML：{exc}") from exc
    lines: list[Line] = []
    buffer: list[str] = []
    where = [1]

    def flush() -> None:
        text = clean_cell("".join(buffer))
        buffer.clear()
        if text:
            lines.append(Line([text], f"第{where[0]}行"))

    def cell_text(el) -> str:
        parts: list[str] = []

        def walk(node) -> None:
            tag = node.tag if isinstance(node.tag, str) else ""
            if tag in _SKIP:
                return
            if tag == "br" or (tag in _BLOCK and parts):
                parts.append(" ")
            if node.text and tag not in _SKIP:
                parts.append(node.text)
            for child in node:
                walk(child)
                if child.tail:
                    parts.append(child.tail)

        walk(el)
        return clean_cell("".join(parts))

    def visit(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP:
            return
        if tag == "table" and el.find(".//table") is None:
            flush()
            for tr in el.iter("tr"):
                cells = [
                    # a cell holding only text (the usual case) needs no walk
                    clean_cell(td.text or "") if not len(td) else cell_text(td)
                    for td in tr.iterchildren("td", "th")
                ]
                if any(cells):
                    ref = f"第{tr.sourceline or where[0]}行"
                    lines.append(Line(cells, ref, structured=True, exact=True))
            return
        block = tag in _BLOCK or tag in ("table", "tr", "td", "th", "tbody", "body")
        if block or tag == "br":
            flush()
        if el.sourceline:
            where[0] = el.sourceline
        if el.text:
            buffer.append(el.text)
        for child in el:
            visit(child)
            if child.tail:
                buffer.append(child.tail)
        if block:
            flush()

    body = root.find("body")
    visit(body if body is not None else root)
    flush()
    return lines


def read_html(path: Path, data: bytes) -> Document:
    text = None
    m = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", data[:4096])
    encodings = [m.group(1).decode("ascii")] if m else []
    for encoding in [*encodings, "utf-8", "gb18030"]:
        try:
            text = data.decode(encoding)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    if text is None:
        raise InputError("无法识别 HTML 的编码", file=str(path))
    return Document(html_lines(textclean.clean(text)), "html", str(path))


# --------------------------------------------------------------------------- DOCX


def read_docx(path: Path, data: bytes) -> Document:
    """Paragraphs and table rows in document order (:mod:`.docx_source`).

    A ``.docx`` that is really a web page (some programs save HTML under that name) is
    read as HTML.
    """

    from reportgen.importer.docx_source import read_docx_lines

    if not data.startswith(b"PK") and re.search(rb"<(html|body|table|p|div)\b", data[:4096], re.I):
        return read_html(path, data)
    check_zip(data, str(path))
    return Document(read_docx_lines(path, data), "docx", str(path))


# --------------------------------------------------------------------------- PDF


def read_pdf(path: Path, data: bytes) -> Document:
    """Words by their position on the page (:mod:`.pdf_layout`): rows and text lines."""
    from reportgen.importer.pdf_layout import read_pdf_layout

    lines = read_pdf_layout(path, data)
    if not any(line.text for line in lines):
        raise InputError(
            "PDF 没有文字层（可能是扫描件）", file=str(path), hint="请先用 OCR 软件识别文字。"
        )
    return Document(lines, "pdf", str(path))


READERS = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".shtml": read_html,
    ".xhtml": read_html,
    ".docx": read_docx,
    ".pdf": read_pdf,
}


def read_source(path: str | Path) -> Document:
    """Read ``path`` by its extension (or its first bytes when the extension says nothing)."""
    path = Path(path)
    data = read_published(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        head = data[:512]
        if head.startswith(b"%PDF"):
            reader = read_pdf
        elif head.startswith(b"PK"):
            reader = read_docx
        elif re.search(rb"<(html|body|table|p|div)\b", head, re.I):
            reader = read_html
        else:
            reader = read_text
    return clean_document(reader(path, data))

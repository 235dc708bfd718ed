"""Read a Word document (DOCX) — also one that LibreOffice or WPS saved from a web page.

The package is read with lxml directly (no python-docx): ``word/document.xml``, and
``word/numbering.xml`` for automatic numbering.  What such files hold, and what is made of it:

* Paragraphs become text lines.  Automatic numbering (``一、`` ``（一）`` ``1.`` written by
  Word, not typed) is put back in front of the text, since the importer finds headings and
  row labels by their numbers.  A paragraph typed with tabs between values is a row of cells.
* A table whose cells hold other tables is page layout (a site's menu cell and content
  cell around the report, saved from a web page): its cells are read as blocks, in order,
  and the tables inside them (at any depth) are read as tables.
* A data table gives one structured row per ``w:tr``: a cell spanning columns
  (``gridSpan``) is one cell, a cell covered by the one above (``vMerge`` without
  ``restart``, old ``hMerge``) is left out — as an HTML row leaves out the cells under a
  ``rowspan`` — and an empty cell is an empty, *exact* cell: a blank value.  Empty
  paragraphs inside a cell are dropped; the others are joined.
* Content controls (``w:sdt``), ``w:customXml`` wrappers and ``mc:AlternateContent`` (its
  first choice only) are looked through; deleted text and field codes are not text.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from reportgen.errors import InputError
from reportgen.importer.cjk_text import join_texts
from reportgen.importer.sources import Line, clean_cell

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOC = "/officeDocument"
#: Wrappers whose content counts as if it stood in their place.
_WRAPPERS = {f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}smartTag", f"{W}ins"}


def _children(el):
    """The children of ``el``, looking through content controls and similar wrappers."""
    for child in el:
        tag = child.tag
        if tag in _WRAPPERS:
            yield from _children(child)
        elif tag == f"{MC}AlternateContent":
            choice = child.find(f"{MC}Choice")
            if choice is None:
                choice = child.find(f"{MC}Fallback")
            if choice is not None:
                yield from _children(choice)
        elif tag == f"{W}sdtPr" or tag == f"{W}sdtEndPr":
            continue
        else:
            yield child


# --------------------------------------------------------------------------- numbering


_CHINESE = "零一二三四五六七八九十"


def _chinese(n: int) -> str:
    if n <= 10:
        return _CHINESE[n]
    if n < 20:
        return "十" + (_CHINESE[n % 10] if n % 10 else "")
    tens, ones = divmod(n, 10)
    return _CHINESE[tens] + "十" + (_CHINESE[ones] if ones else "")


def _format(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional",
               "chineseLegalSimplified", "japaneseCounting", "taiwaneseCounting"):  # fmt: skip
        return _chinese(n)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class Numbering:
    """Word's automatic numbering: the text each numbered paragraph shows in front."""

    def __init__(self, xml: bytes | None) -> None:
        from lxml import etree

        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        if not xml:
            return
        root = etree.fromstring(xml, _parser())
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.iter(f"{W}abstractNum"):
            levels = {}
            for lvl in node.iter(f"{W}lvl"):
                ilvl = int(lvl.get(f"{W}ilvl", "0"))
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                start = lvl.find(f"{W}start")
                levels[ilvl] = (
                    fmt.get(f"{W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{W}val", "") if text is not None else "",
                    int(start.get(f"{W}val", "1")) if start is not None else 1,
                )
            abstract[node.get(f"{W}abstractNumId")] = levels
        for num in root.iter(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{W}numId")] = abstract.get(ref.get(f"{W}val"), {})

    def prefix(self, paragraph) -> str:
        props = paragraph.find(f"{W}pPr/{W}numPr")
        if props is None:
            return ""
        num = props.find(f"{W}numId")
        lvl = props.find(f"{W}ilvl")
        num_id = num.get(f"{W}val") if num is not None else None
        ilvl = int(lvl.get(f"{W}val", "0")) if lvl is not None else 0
        levels = self.levels.get(num_id or "")
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [0] * 10)
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = 0
        fmt, text, _ = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def value(m: re.Match) -> str:
            level = int(m.group(1)) - 1
            if level not in levels:
                return ""
            start = levels[level][2]
            return _format(start + max(counters[level], 1) - 1, levels[level][0])

        return re.sub(r"%(\d)", value, text)


# --------------------------------------------------------------------------- text


def _paragraph_parts(p) -> list[str]:
    """The text of a paragraph, cut at its tabs."""
    parts = [""]

    def walk(el) -> None:
        for child in _children(el):
            tag = child.tag
            if tag == f"{W}t":
                parts[-1] += child.text or ""
            elif tag == f"{W}tab":
                parts.append("")
            elif tag in (f"{W}br", f"{W}cr"):
                parts[-1] += " "
            elif tag in (f"{W}delText", f"{W}instrText", f"{W}pPr", f"{W}rPr", f"{W}del"):
                continue
            elif tag == f"{W}p":  # a paragraph inside a text box of this one
                parts[-1] += " "
                walk(child)
            else:
                walk(child)

    walk(p)
    return [clean_cell(part) for part in parts]


# --------------------------------------------------------------------------- walk


class _Reader:
    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.lines: list[Line] = []
        self.paragraphs = 0
        self.tables = 0

    def blocks(self, container) -> None:
        for child in _children(container):
            if child.tag == f"{W}p":
                self.paragraph(child)
            elif child.tag == f"{W}tbl":
                self.table(child)

    def paragraph(self, p) -> None:
        self.paragraphs += 1
        ref = f"第{self.paragraphs}段"
        parts = _paragraph_parts(p)
        prefix = self.numbering.prefix(p)
        if prefix:
            parts[0] = prefix + parts[0]
        filled = [part for part in parts if part]
        if len(filled) > 1:
            # Typed with tabs between the cells: a row, but not a table's own cells.
            self.lines.append(Line(parts, ref, structured=True))
        elif filled:
            self.lines.append(Line([filled[0]], ref))

    def cell_text(self, tc) -> str:
        texts = []
        for child in _children(tc):
            if child.tag == f"{W}p":
                prefix = self.numbering.prefix(child)
                text = " ".join(part for part in _paragraph_parts(child) if part)
                texts.append(clean_cell(prefix + text))
        return join_texts(texts)

    def table(self, tbl) -> None:
        if tbl.find(f".//{W}tc//{W}tbl") is not None:
            for tr in _rows(tbl):
                for tc in _cells(tr):
                    self.blocks(tc)
            return
        self.tables += 1
        for row_no, tr in enumerate(_rows(tbl), 1):
            cells = []
            for tc in _cells(tr):
                props = tc.find(f"{W}tcPr")
                if props is not None and _covered(props):
                    continue
                cells.append(self.cell_text(tc))
            if any(cells):
                ref = f"表{self.tables}第{row_no}行"
                self.lines.append(Line(cells, ref, structured=True, exact=True))


def _rows(tbl):
    return [el for el in _children(tbl) if el.tag == f"{W}tr"]


def _cells(tr):
    return [el for el in _children(tr) if el.tag == f"{W}tc"]


def _covered(props) -> bool:
    """A cell merged into the one above (vMerge) or to its left (old-style hMerge)."""
    for tag in (f"{W}vMerge", f"{W}hMerge"):
        merge = props.find(tag)
        if merge is not None and merge.get(f"{W}val", "continue") != "restart":
            return True
    return False


# --------------------------------------------------------------------------- package


def _main_part(package: zipfile.ZipFile) -> str:
    """The document part named by the package relationships (usually word/document.xml)."""
    from lxml import etree

    try:
        rels = etree.fromstring(package.read("_rels/.rels"), _parser())
    except KeyError:
        return "word/document.xml"
    for rel in rels.iter(_REL):
        if rel.get("Type", "").endswith(_OFFICE_DOC):
            return str(PurePosixPath(rel.get("Target", "word/document.xml").lstrip("/")))
    return "word/document.xml"


def _parser():
    """An XML parser that expands no entities and fetches nothing: a DOCX is untrusted."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def read_docx_lines(path: Path, data: bytes | None = None) -> list[Line]:
    """The paragraphs and table rows of a DOCX (``data``, else read from ``path``) in
    document order."""
    import io

    from lxml import etree

    from reportgen.importer.guard import unreadable

    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as package:
            main = _main_part(package)
            xml = package.read(main)
            folder = str(PurePosixPath(main).parent)
            try:
                numbering = package.read(f"{folder}/numbering.xml")
            except KeyError:
                numbering = None
        root = etree.fromstring(xml, _parser())
        numbers = Numbering(numbering)
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError, ValueError) as exc:
        raise unreadable("DOCX", exc, str(path)) from None
    body = root.find(f"{W}body")
    if body is None:
        raise InputError("无法读取 DOCX：文件里没有正文", file=str(path))
    reader = _Reader(numbers)
    reader.blocks(body)
    return reader.lines

"""Import of PDFs and DOCX made by LibreOffice, Word-like and WPS-like programs.

The files are made once per test session (bench/layout_corpus.py: reportgen renders every
sample, LibreOffice and Chromium convert them the ways agencies do, and the seed texts
too); every cell is compared with the hand-written values of samples/*.yaml,
tests/data/import/seeds.yaml and tests/data/import/published_pdfs.yaml (the two published
WPS PDFs), never with what the importer produced elsewhere.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import layout_corpus  # noqa: E402

from reportgen.importer import import_file  # noqa: E402

#: Cells a layout cannot show, and why (each must come out *not read*, never as a number).
NOT_SHOWN = {
    # Seed 003 prints table 四 as one tab-separated line that wraps in the PDF.
    ("seed-lo-pdf", "003_e766bb0a4b10c749.txt"): {"appeals"},
}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> tuple[Path, list[dict]]:
    """The converted files, made once (or taken from $REPORTGEN_LAYOUT_CORPUS)."""
    given = os.environ.get("REPORTGEN_LAYOUT_CORPUS")
    if given and (Path(given) / "manifest.json").is_file():
        out = Path(given)
        return out, json.loads((out / "manifest.json").read_text("utf-8"))
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path_factory.mktemp("layouts")
    return out, layout_corpus.build(out)


def _entries(corpus, layout: str) -> list[dict]:
    return [e for e in corpus[1] if e["layout"] == layout]


LAYOUTS = [
    "reportgen-pdf", "reportgen-docx", "lo-html-pdf", "lo-html-bordered-pdf", "lo-html-docx",
    "lo-html-docx-pdf", "lo-word-pdf", "lo-narrow-pdf", "lo-blank-pdf",
    "lo-blank-bordered-pdf", "chromium-pdf", "chromium-blank-pdf", "seed-lo-pdf",
    "seed-lo-docx", "published-wps-pdf",
]  # fmt: skip


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_cell_of_every_file(corpus, layout):
    out, _ = corpus
    entries = _entries(corpus, layout)
    if layout.startswith("chromium") and not entries and shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed")
    assert entries, layout
    for entry in entries:
        result = import_file(out / entry["file"])
        want = layout_corpus.expected_cells(entry)
        got = layout_corpus.imported_cells(result)
        assert want, entry
        source = entry["sample"] or entry["seed"] or entry["published"]
        hidden = NOT_SHOWN.get((layout, source), set())
        for path, value in want.items():
            if path.split(".")[0] in hidden:
                # Not shown: reported as not read, with its place in the source.
                assert got[path] is None, (entry["file"], path, got[path])
                assert path.rsplit(".", 1)[0] in result.skipped, (entry["file"], path)
                continue
            assert got[path] == value, (entry["file"], path, value, got[path])
        if entry["sample"]:
            assert result.complete or hidden, (entry["file"], result.skipped)


def test_blank_cells_come_out_blank_not_zero(corpus):
    out, _ = corpus
    entries = [
        e for layout in ("lo-blank-bordered-pdf", "lo-blank-pdf", "chromium-blank-pdf")
        for e in _entries(corpus, layout)
    ]  # fmt: skip
    checked = 0
    for entry in entries:
        assert entry["blank"]
        result = import_file(out / entry["file"])
        got = layout_corpus.imported_cells(result)
        for path in entry["blank"]:
            assert got[path] == "blank", (entry["file"], path, got[path])
            checked += 1
        # Table 四 (one row): its blanks are placed by the header's columns.
        assert any(p.startswith("appeals.") for p in entry["blank"])
        assert "原文空白" in result.to_yaml()
    assert checked >= 60


def _assert_sections(result, entry: dict) -> None:
    """Agency, year and every text section as in the sample."""
    from reportgen.render.layout_rules import layout_rules
    from reportgen.validate import load_report

    report = load_report(ROOT / "samples" / entry["sample"])
    assert (result.agency, result.year) == (report.agency, report.year)
    for section in result.format.text_sections:
        source = report.sections.get(section.key, "")
        if "{{" in source:
            continue
        # an empty section is printed as what published reports write there (无。)
        want = "".join(source.replace("**", "").split()) or layout_rules()["empty_section"]
        got = "".join(result.sections.get(section.key, "").split())
        assert got == want, (entry["file"], section.key)


@pytest.mark.parametrize("layout", ["reportgen-pdf", "lo-html-pdf", "lo-html-docx-pdf"])
def test_sections_and_titles_from_pdf(corpus, layout):
    out, _ = corpus
    for entry in _entries(corpus, layout):
        _assert_sections(import_file(out / entry["file"]), entry)


def test_seed_saved_as_html_by_libreoffice(corpus):
    out, _ = corpus
    entry = _entries(corpus, "seed-lo-html")[0]
    result = import_file(out / entry["file"])
    want = layout_corpus.expected_cells(entry)
    got = layout_corpus.imported_cells(result)
    assert {p: got[p] for p in want} == want


# --------------------------------------------------------------------------- material


def _words(path: Path, page_no: int):
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        page = pdf.pages[page_no]
        return page.extract_words(), page


def _page_with(path: Path, text: str) -> int:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        for i, page in enumerate(pdf.pages):
            if text in (page.extract_text() or ""):
                return i
    raise AssertionError(f"{text} not in {path}")


def test_material_is_what_it_claims(corpus):
    """The converted PDFs really have the layouts the tests are about."""
    import pdfplumber

    out, _ = corpus
    # Web page printed by LibreOffice: no ruling lines, table 三 over several pages with
    # its header repeated.
    path = out / "lo-html-pdf" / "003-shangqiu-gxj-2021.pdf"
    with pdfplumber.open(str(path)) as pdf:
        assert not any(p.lines for p in pdf.pages)
        headers = sum("申请人情况" in (p.extract_text() or "") for p in pdf.pages)
    assert headers >= 2
    # Bordered page: ruled tables.
    path = out / "lo-bordered-pdf" / "003-shangqiu-gxj-2021.pdf"
    with pdfplumber.open(str(path)) as pdf:
        assert sum(len(p.edges) for p in pdf.pages) > 100
    # Narrow columns: the header 自然人 is set one character per line.
    path = out / "lo-narrow-pdf" / "003-shangqiu-gxj-2021.pdf"
    words, _ = _words(path, _page_with(path, "申请人情况"))
    singles = [w for w in words if w["text"] in ("自", "然", "人")]
    assert len(singles) == 3 and len({round(w["x0"]) for w in singles}) == 1
    # Blanked cells are empty in the PDF: fewer numbers on the table-三 page.
    full = out / "lo-bordered-pdf" / "001-wendeng-gxj-2020.pdf"
    blank = out / "lo-blank-bordered-pdf" / "001-wendeng-gxj-2020.pdf"
    count = [
        sum(w["text"].isdigit() for w in _words(p, _page_with(p, "申请人情况"))[0])
        for p in (full, blank)
    ]
    assert count[1] < count[0]


# --------------------------------------------------------------------------- DOCX

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NUMBERING = (
    '<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
    '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'
    '<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num></w:numbering>'
)


def _wps_like(source: Path, target: Path) -> None:
    """reportgen's DOCX as a web page saved by WPS: the report inside a layout table
    inside a layout table, empty paragraphs around every table cell's text, section
    headings numbered automatically (their ``一、`` not typed), rows in content controls,
    cells spanning columns written as old-style ``hMerge`` runs instead of ``gridSpan``."""
    with zipfile.ZipFile(source) as zin:
        parts = {name: zin.read(name) for name in zin.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    body = root.find(f"{W}body")
    numbered = 0
    for p in body.iter(f"{W}p"):
        texts = p.findall(f".//{W}t")
        first = texts[0].text if texts else ""
        head = next((n for n in "一二三四五六" if first and first.startswith(f"{n}、")), None)
        if head and p.getparent() is body and len(first) < 20:
            texts[0].text = first[2:]
            ppr = p.find(f"{W}pPr")
            if ppr is None:
                ppr = etree.SubElement(p, f"{W}pPr")
                p.insert(0, ppr)
            num = etree.SubElement(ppr, f"{W}numPr")
            etree.SubElement(num, f"{W}ilvl").set(f"{W}val", "0")
            etree.SubElement(num, f"{W}numId").set(f"{W}val", "3")
            numbered += 1
    assert numbered == 6
    for tc in list(body.iter(f"{W}tc")):
        tc.insert(1 if tc.find(f"{W}tcPr") is not None else 0, etree.Element(f"{W}p"))
        tc.append(etree.Element(f"{W}p"))
    merged = 0
    for span in list(body.iter(f"{W}gridSpan")):
        tc = span.getparent().getparent()
        n = int(span.get(f"{W}val"))
        span.getparent().remove(span)
        etree.SubElement(tc.find(f"{W}tcPr"), f"{W}hMerge").set(f"{W}val", "restart")
        for _ in range(n - 1):
            follower = etree.Element(f"{W}tc")
            props = etree.SubElement(follower, f"{W}tcPr")
            etree.SubElement(props, f"{W}hMerge").set(f"{W}val", "continue")
            etree.SubElement(follower, f"{W}p")
            tc.addnext(follower)
        merged += 1
    assert merged > 10
    for tr in list(body.iter(f"{W}tr"))[::3]:
        sdt = etree.Element(f"{W}sdt")
        tr.addprevious(sdt)
        content = etree.SubElement(sdt, f"{W}sdtContent")
        content.append(tr)
    content = [el for el in body if el.tag != f"{W}sectPr"]

    def wrap(children, menu: bool):
        tbl = etree.Element(f"{W}tbl")
        tr = etree.SubElement(tbl, f"{W}tr")
        if menu:
            cell = etree.SubElement(tr, f"{W}tc")
            p = etree.SubElement(cell, f"{W}p")
            etree.SubElement(etree.SubElement(p, f"{W}r"), f"{W}t").text = "栏目导航"
        cell = etree.SubElement(tr, f"{W}tc")
        for child in children:
            cell.append(child)
        cell.append(etree.Element(f"{W}p"))
        return tbl

    outer = wrap([wrap(content, menu=False)], menu=True)
    sect = body.find(f"{W}sectPr")
    if sect is not None:
        sect.addprevious(outer)
    else:
        body.append(outer)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    parts["word/numbering.xml"] = NUMBERING.encode()
    types = parts["[Content_Types].xml"].decode()
    if "numbering.xml" not in types:
        types = types.replace(
            "</Types>",
            '<Override PartName="/word/numbering.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/></Types>',
        )
    parts["[Content_Types].xml"] = types.encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)


def test_docx_saved_from_a_web_page_by_wps(corpus, tmp_path):
    out, _ = corpus
    for entry in _entries(corpus, "reportgen-docx"):
        target = tmp_path / Path(entry["file"]).name
        _wps_like(out / entry["file"], target)
        with zipfile.ZipFile(target) as z:
            xml = z.read("word/document.xml").decode()
        assert "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>栏目导航" in xml  # nested layout
        result = import_file(target)
        assert result.complete, result.skipped
        want = layout_corpus.expected_cells(entry)
        got = layout_corpus.imported_cells(result)
        assert {p: got[p] for p in want} == want, entry["file"]
        # The headings were found although their numbers are not typed.
        _assert_sections(result, entry)


def test_docx_with_tabs_and_html_disguised(tmp_path):
    """A paragraph typed with tabs is a row; a web page saved under a .docx name is HTML."""
    import docx

    document = docx.Document()
    document.add_paragraph("规章\t0\t1\t2")
    path = tmp_path / "tabs.docx"
    document.save(str(path))
    from reportgen.importer.sources import read_source

    line = read_source(path).lines[0]
    assert line.cells == ["规章", "0", "1", "2"] and line.structured and not line.exact
    page = tmp_path / "page.docx"
    page.write_text(
        "<html><body><p>某某局2023年政府信息公开工作年度报告</p></body></html>", "utf-8"
    )
    assert read_source(page).kind == "html"


def test_unreadable_docx_and_pdf_are_messages(tmp_path):
    from reportgen.errors import InputError
    from reportgen.importer.sources import read_source

    for name, data in (("bad.docx", b"PK\x03\x04 broken"), ("bad.pdf", b"%PDF-1.4 broken")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InputError) as info:
            read_source(path)
        assert any(w in str(info.value) for w in ("无法读取", "没有文字层", "已损坏")), info.value


def test_pdfplumber_only_when_a_pdf_is_read(tmp_path):
    source = tmp_path / "r.txt"
    source.write_text("某某局2023年政府信息公开工作年度报告\n一、总体情况\n无。\n", "utf-8")
    code = (
        "import sys\nfrom reportgen.importer import import_file\n"
        f"import_file({str(source)!r})\n"
        "print('pdfplumber' in sys.modules, 'pdfminer' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True,
    )  # fmt: skip
    assert run.stdout.split() == ["False", "False"]

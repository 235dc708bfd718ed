"""A table that continues onto another page shows its header and labels there.

Every built-in table fits its page; a user's layout with larger table text and rows
(``--template-dir`` with its own print.css and docx.yaml) makes table 三 run over two or
three pages.  Both the PDF and the DOCX (converted by LibreOffice) are read back with
pdfplumber's table finder, part by part: each part on a continuation page must show the
header rows and, for every row it holds, the row's label and every group label above it
(三、本年度办理结果, （三）不予公开 …); the figures of all parts, row by row, must be the
table's figures exactly once and in order.  Ordinary reports are laid out once and keep
table 三 whole.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile

import pdfplumber
import pytest
from test_render_html import load

from reportgen.render.docx import render_docx
from reportgen.render.html import cell_text
from reportgen.render.pdf import render_pdf

#: A roomier table layout, as an agency might set it: taller lines and rows.
PRINT_CSS = """{% include "default/print.css" %}
.report-table { line-height: 16pt; }
.report-table th, .report-table td { padding-top: 6pt; padding-bottom: 6pt; }
"""
DOCX_YAML = "styles:\n  table: {line_pt: 16, row_min_height_mm: 9.5}\n"


def _plain(text: str | None) -> str:
    return (text or "").replace("\n", "").replace(" ", "")


def _expected(report):
    """(header labels, [(row labels, leaf label, figures)]) of table 三."""
    table = report.format.tables["applications"]
    block = table.blocks[0]
    header = {_plain(cell.label) for row in table.header_rows(block) for cell in row}
    rows = []
    for body in table.body_rows(block):
        labels, node = [], body.node
        while node is not None:
            if node.label:
                labels.append(_plain(node.label))
            node = node.parent
        figures = tuple(cell_text(report, cell) for cell in body.cells)
        rows.append((labels, labels[0], figures))
    return header, rows


def _parts(data: bytes, header: set[str], width: int):
    """Each printed part of table 三: (page, cell texts, rows of figures), in page order."""
    parts = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            for found in page.find_tables():
                texts = {_plain(page.within_bbox(cell).extract_text()) for cell in found.cells}
                if not header <= texts:
                    continue  # another table
                figures = [
                    tuple(_plain(x) for x in row[-width:])
                    for row in found.extract()
                    if all(_plain(x).replace(".", "").isdigit() for x in row[-width:])
                ]
                parts.append((number, texts, figures))
    return parts


@pytest.fixture(scope="module", params=[2024, 2020], ids=["v2021", "v2019"])
def continued(request, tmp_path_factory):
    """(report, PDF bytes, DOCX converted by LibreOffice or None) in the larger layout."""
    folder = tmp_path_factory.mktemp(f"continued-{request.param}")
    template = folder / "template"
    template.mkdir()
    (template / "print.css").write_text(PRINT_CSS, encoding="utf-8")
    (template / "docx.yaml").write_text(DOCX_YAML, encoding="utf-8")
    report = load(request.param)
    pdf = render_pdf(report, template_dir=template)
    converted = None
    soffice = shutil.which("soffice")
    if soffice:
        (folder / "report.docx").write_bytes(render_docx(report, template_dir=template))
        profile = f"file:///tmp/lo-continued-test-{os.getpid()}-{request.param}"
        subprocess.run(
            [
                *(soffice, "--headless", f"-env:UserInstallation={profile}"),
                *("--convert-to", "pdf", "--outdir", str(folder), str(folder / "report.docx")),
            ],
            capture_output=True,
            timeout=300,
            check=False,
        )
        target = folder / "report.pdf"
        converted = target.read_bytes() if target.is_file() else None
    return report, pdf, converted


@pytest.fixture(params=["pdf", "docx"])
def printed(request, continued):
    report, pdf, converted = continued
    data = pdf if request.param == "pdf" else converted
    if data is None:
        pytest.skip("LibreOffice (soffice) is not installed: the DOCX cannot be checked")
    return report, data


def test_the_larger_layout_continues_table_three(printed):
    report, data = printed
    header, rows = _expected(report)
    parts = _parts(data, header, len(rows[0][2]))
    pages = [page for page, _, _ in parts]
    assert len(pages) >= 2 and pages == sorted(set(pages)), pages


def test_every_part_shows_the_header_and_the_labels_of_its_rows(printed):
    report, data = printed
    header, rows = _expected(report)
    parts = _parts(data, header, len(rows[0][2]))
    assert len(parts) >= 2
    for page, texts, _ in parts:
        assert header <= texts, page
        held = [labels for labels, leaf, _ in rows if leaf in texts]
        assert held, f"page {page} holds no row of table 三"
        for labels in held:
            missing = [label for label in labels if label not in texts]
            assert missing == [], f"page {page}: labels {missing} of row {labels[0]} not shown"


def test_no_figure_is_lost_or_repeated(printed):
    report, data = printed
    header, rows = _expected(report)
    parts = _parts(data, header, len(rows[0][2]))
    printed_rows = [figures for _, _, part in parts for figures in part]
    assert printed_rows == [figures for _, _, figures in rows]


def test_the_first_continuation_restarts_the_cut_group_labels(printed):
    """The first row of a continuation part carries the labels of the groups it is in."""
    report, data = printed
    header, rows = _expected(report)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        tables = [
            (page, found)
            for page in pdf.pages
            for found in page.find_tables()
            if header <= {_plain(page.within_bbox(c).extract_text()) for c in found.cells}
        ]
        assert len(tables) >= 2
        leaves = {leaf: labels for labels, leaf, _ in rows}
        for _, found in tables[1:]:
            body = [
                [_plain(x) for x in row]
                for row in found.extract()
                if any(_plain(x) in leaves for x in row)
            ]
            first = body[0]
            leaf = next(x for x in reversed(first) if x in leaves)
            assert [label for label in leaves[leaf] if label not in first] == [], first


def test_ordinary_reports_are_laid_out_once_and_keep_table_three_whole(monkeypatch):
    from reportgen.render import weasy

    weasyprint = weasy.load()
    layouts = []
    original = weasyprint.HTML.render

    def counted(self, *args, **kwargs):
        layouts.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", counted)
    report = load(2024)
    data = render_pdf(report)
    assert len(layouts) == 1
    header, rows = _expected(report)
    assert len(_parts(data, header, len(rows[0][2]))) == 1
    document = render_docx(report)
    xml = zipfile.ZipFile(io.BytesIO(document)).read("word/document.xml").decode()
    assert "pageBreakBefore" not in xml
    assert xml.count("<w:tbl>") + xml.count("<w:tbl ") == len(report.format.tables)

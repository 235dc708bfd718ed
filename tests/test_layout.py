"""Layout under stress: many report shapes, read back from the PDF and from the DOCX.

Each case is rendered once to PDF (WeasyPrint) and to DOCX; the DOCX files are converted to
PDF by LibreOffice in one ``soffice`` call.  Both PDFs are then read with pdfplumber and
checked as a reviewer would (tests/layout_checks.py): no page holding only the signature,
no block title of table 二 at a page bottom, title lines broken between words, table 三 on
one page, 28 characters on every full body line, the date 2 字 right of the agency.

The cases are a sample, not a product: section 六 from 0 to 25 paragraphs (short ones and
long ones, including the lengths that once left the signature alone), section 一 lengths
that move table 二 across a page break, short and long agency names, titles with 年度, and
every sample report of the repository.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from layout_checks import (
    block_title_at_bottom,
    breaks_at_word_boundaries,
    full_line_counts,
    pages_of,
    signature_alone,
    signature_step,
    title_lines,
)
from test_render_html import OVERVIEW, PROBLEMS, load

from reportgen.render.docx import render_docx
from reportgen.render.pdf import render_pdf
from reportgen.render.title_breaks import title_words
from reportgen.validate import check_file

ROOT = Path(__file__).resolve().parent.parent
SHORT = "本机关持续推进政务公开标准化建设。"
LONG = (
    "本机关持续推进政务公开标准化规范化建设，围绕重点领域加强信息发布、政策解读和回应关切，"
    "全年组织业务培训两次，参训人员覆盖各科室和下属单位，进一步提升了工作人员的公开意识。"
)
AGENCIES = [
    "某某局",
    "某某市生态环境局",
    "商丘市工业和信息化局",
    "某某省某某市发展和改革委员会",
    "某某自治区某某市某某县人民政府办公室",
]

#: (name, year, agency index, title with 年度, paragraphs of 一 before the standard text,
#: paragraphs of 六, short or long paragraphs in 六)
CASES = [
    ("six-0", 2024, 1, False, 0, 0, SHORT),
    ("six-7", 2024, 0, True, 0, 7, SHORT),
    ("six-8", 2024, 2, False, 0, 8, SHORT),
    ("six-9", 2020, 3, True, 0, 9, SHORT),
    ("six-25", 2024, 3, False, 0, 25, SHORT),
    ("long-5", 2024, 2, True, 0, 5, LONG),
    ("long-16", 2020, 1, False, 0, 16, LONG),
    ("table2-11", 2024, 4, True, 11, 1, SHORT),
    ("table2-13", 2020, 0, False, 13, 1, SHORT),
    ("table2-15", 2024, 2, True, 15, 1, SHORT),
]
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))


def _case_report(name, year, agency, yearly, extra, six, paragraph):
    agency_name = AGENCIES[agency]
    changes = {
        "agency": agency_name,
        "sections": {
            "overview": "\n".join([SHORT] * extra + [OVERVIEW]),
            "problems": PROBLEMS,
            "other_matters": "\n".join([paragraph] * six),
        },
    }
    if yearly:
        changes["title"] = f"{agency_name}{year}年度政府信息公开工作年度报告"
    return load(year, **changes)


def _reports() -> dict[str, object]:
    reports = {case[0]: _case_report(*case) for case in CASES}
    for path in SAMPLES:
        outcome = check_file(str(path))
        assert outcome.report is not None, path
        reports[path.stem] = outcome.report
    return reports


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """name → (report, PDF bytes, DOCX converted by LibreOffice as PDF bytes or None)."""
    folder = tmp_path_factory.mktemp("layout")
    reports = _reports()
    pdfs = {name: render_pdf(report) for name, report in reports.items()}
    converted: dict[str, bytes | None] = dict.fromkeys(reports)
    soffice = shutil.which("soffice")
    if soffice:
        for name, report in reports.items():
            (folder / f"{name}.docx").write_bytes(render_docx(report))
        profile = f"file:///tmp/lo-layout-test-{os.getpid()}"
        subprocess.run(
            [soffice, "--headless", f"-env:UserInstallation={profile}", "--convert-to", "pdf"]
            + ["--outdir", str(folder)]
            + [str(folder / f"{name}.docx") for name in reports],
            capture_output=True,
            timeout=600,
            check=False,
        )
        for name in reports:
            target = folder / f"{name}.pdf"
            converted[name] = target.read_bytes() if target.is_file() else None
    return {name: (reports[name], pdfs[name], converted[name]) for name in reports}


NAMES = [case[0] for case in CASES] + [path.stem for path in SAMPLES]


@pytest.fixture(params=["pdf", "docx"])
def printed(request, rendered):
    """(report, pdfplumber document, which output) for each case and each output."""

    def get(name):
        report, pdf, converted = rendered[name]
        data = pdf if request.param == "pdf" else converted
        if data is None:
            pytest.skip("LibreOffice (soffice) is not installed: the DOCX cannot be checked")
        return report, pdfplumber.open(io.BytesIO(data)), request.param

    return get


@pytest.mark.parametrize("name", NAMES)
def test_signature_never_alone_and_two_characters_right(printed, name):
    report, pdf, _ = printed(name)
    with pdf:
        assert signature_alone(pdf, report) == []
        step = signature_step(pdf, report)
        if report.published:
            assert step == pytest.approx(32, abs=1.0), step  # 2 字 of 3号 (GB/T 9704 7.3.5.1)


@pytest.mark.parametrize("name", NAMES)
def test_no_block_title_at_a_page_bottom(printed, name):
    report, pdf, _ = printed(name)
    table = report.format.tables["proactive"]
    blocks = {
        block.title.replace(" ", ""): [row.label for row in block.row_leaves]
        for block in table.blocks
        if block.title
    }
    with pdf:
        assert block_title_at_bottom(pdf, blocks) == []


@pytest.mark.parametrize("name", NAMES)
def test_title_breaks_between_words(printed, name):
    report, pdf, _ = printed(name)
    offsets, total = set(), 0
    for word in title_words(report.title, report.agency):
        total += len(word.text)
        offsets.add(total)
    with pdf:
        printed_lines = title_lines(pdf)
    # a year with 年度 is one word, so this also keeps 年度 whole
    assert breaks_at_word_boundaries(printed_lines, report.title, offsets) == []


@pytest.mark.parametrize("name", NAMES)
def test_table_three_on_one_page(printed, name):
    report, pdf, _ = printed(name)
    table = report.format.tables["applications"]
    rows = [row for block in table.blocks for row in table.body_rows(block)]
    first, last = rows[0].labels[0].node.label, rows[-1].labels[0].node.label
    with pdf:
        assert len(pages_of(pdf, [first, last])) == 1, (first, last)


@pytest.mark.parametrize("name", NAMES)
def test_full_body_lines_hold_28_characters(printed, name):
    _, pdf, _ = printed(name)
    with pdf:
        counts = full_line_counts(pdf)
    assert counts, "no full line of Chinese text found"
    wrong = [(n, text) for n, text in counts if n != 28]
    assert wrong == []


@pytest.mark.parametrize("name", ["six-0"])
def test_empty_section_prints_none(printed, name):
    report, pdf, _ = printed(name)
    label = report.format.section("other_matters").label
    with pdf:
        text = "".join((page.extract_text() or "") for page in pdf.pages).replace(" ", "")
    after = text.split(label.replace(" ", ""), 1)[1]
    assert after.lstrip("\n").startswith("无。")

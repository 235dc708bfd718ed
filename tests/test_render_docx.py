"""The DOCX renderer: parse the document with python-docx and compare it with the format."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reportgen.definition import get_format
from reportgen.errors import ERROR, Problem, RenderError
from reportgen.render.docx import DRAFT_TEXT, PROBLEMS_TEXT, render_docx
from reportgen.render.signature import signature_offsets
from reportgen.render.text import chinese_date, section_paragraphs
from reportgen.render.title_breaks import title_lines
from reportgen.report import Report
from reportgen.validate import check_text
from reportgen.writer import dump_report

AGENCY = "某某市交通运输局"

OVERVIEW = (
    "2024年，市交通运输局认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "全年新收申请{{ applications.new_received.total }}件。\n"
    """\
（一）主动公开情况
全年主动公开政府信息1250条，**一是**规范发布，**二是**及时解读。
（二）依申请公开情况。全年依法办理政府信息公开申请，按时答复率100%。
1. 办理流程
严格执行登记、审核、答复三级流程。"""
)


def full_data(year: int, fee_precision: int | None = None) -> dict:
    """A report with a different number in every cell, balanced as the rules demand."""
    fmt = _format(year)
    data: dict = {
        "year": year,
        "agency": AGENCY,
        "published": dt.date(year + 1, 1, 20),
        "sections": {
            "preface": "本报告依据《中华人民共和国政府信息公开条例》编制。",
            "overview": OVERVIEW,
            "problems": "（一）存在的主要问题\n信息发布的及时性有待提高。",
            "other_matters": "本年度未收取信息处理费。",
        },
    }
    counter = iter(range(1, 10_000))
    proactive: dict = {}
    for block in fmt.tables["proactive"].blocks:
        for row in block.row_leaves:
            values: dict = {}
            for col in block.column_leaves:
                cell = fmt.tables["proactive"].cells[f"proactive.{row.key}.{col.key}"]
                if cell.type == "money":
                    values[col.key] = Decimal("20.3") if row.key == "fees" else Decimal("251000")
                elif cell.type == "signed":
                    values[col.key] = -(next(counter) % 3) - 1
                else:
                    values[col.key] = next(counter)
                if col.extra.get("unit_key"):
                    values[col.extra["unit_key"]] = "元"
            if row.key == "fees" and fee_precision:
                values["precision"] = fee_precision
            proactive[row.key] = values
    data["proactive"] = proactive
    applications: dict = {}
    table = fmt.tables["applications"]
    columns = [c for c in table.blocks[0].column_leaves if not c.sum_of]
    results = [r for r in table.find_ref("results").leaves() if not r.sum_of]
    for row in table.blocks[0].row_leaves:
        if row.sum_of or row.key == "carried_forward":
            continue
        base = 100 if row.key in ("new_received", "carried_over") else 1
        _put(applications, row.path, {c.key: base + next(counter) % 7 for c in columns})
    carried: dict = {}
    for c in columns:
        total_in = sum(_get(applications, key)[c.key] for key in ("new_received", "carried_over"))
        done = sum(_get(applications, *r.path)[c.key] for r in results)
        carried[c.key] = total_in - done
    applications["carried_forward"] = carried
    data["applications"] = applications
    data["appeals"] = {
        group: {"upheld": n, "corrected": n + 1, "other": n + 2, "pending": 0}
        for group, n in (("review", 1), ("lit_direct", 2), ("lit_after_review", 3))
    }
    return data


def _format(year: int):
    return get_format("v2021" if year >= 2021 else "v2019")


def _put(tree: dict, path: tuple[str, ...], value: dict) -> None:
    for part in path[:-1]:
        tree = tree.setdefault(part, {})
    tree[path[-1]] = value


def _get(tree: dict, *path: str) -> dict:
    for part in path:
        tree = tree[part]
    return tree


def load(data: dict) -> Report:
    outcome = check_text(dump_report(_format(data["year"]), data), "report.yaml")
    errors = [p.format() for p in outcome.problems if p.is_error]
    assert outcome.report is not None and not errors, errors
    return outcome.report


@pytest.fixture(scope="module")
def report_2021() -> Report:
    return load(full_data(2024))


@pytest.fixture(scope="module")
def report_2019() -> Report:
    return load(full_data(2020))


@pytest.fixture(scope="module")
def docx_2021(report_2021) -> bytes:
    return render_docx(report_2021)


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


# ------------------------------------------------------------------ helpers on the XML


def grid_of(tbl) -> list[list[tuple[str, int, str | None]]]:
    """Each row's cells as (text, gridSpan, vMerge) straight from the ``w:tc`` elements."""
    rows = []
    for tr in tbl._tbl.tr_lst:
        cells = []
        for tc in tr.tc_lst:
            tcPr = tc.tcPr
            span = tcPr.find(qn("w:gridSpan")) if tcPr is not None else None
            vmerge = tcPr.find(qn("w:vMerge")) if tcPr is not None else None
            merge = None
            if vmerge is not None:
                merge = vmerge.get(qn("w:val")) or "continue"
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            cells.append((text, int(span.get(qn("w:val"))) if span is not None else 1, merge))
        rows.append(cells)
    return rows


def expected_rows(report: Report, key: str) -> list[list[tuple[str, int, int]]]:
    """(label, colspan, rowspan) of the definition's printed rows, for comparison."""
    table = report.format.tables[key]
    rows = []
    for block in table.blocks:
        for header in table.header_rows(block):
            rows.append([(_fixed_label(h), h.colspan, h.rowspan) for h in header])
        for body in table.body_rows(block):
            cells = [(lc.node.label, lc.colspan, lc.rowspan) for lc in body.labels]
            cells += [(None, body.span, 1) for _ in body.cells]
            rows.append(cells)
    return rows


def _fixed_label(header) -> str | None:
    """A header's label, or None where the report may choose a variant (tested apart)."""
    if header.node is not None and header.node.extra.get("variants"):
        return None
    return header.label


def row_label(report: Report, table: str, key: str) -> str:
    return report.format.tables[table].block_of_row(key)[1].label


def table_for(document, report: Report, key: str):
    index = [s.key for s in report.format.sections if s.kind == "table"].index(key)
    return document.tables[index]


def origin_cells(grid_row):
    return [(text, span, merge) for text, span, merge in grid_row if merge != "continue"]


# ------------------------------------------------------------------ structure


@pytest.mark.parametrize("fixture", ["report_2021", "report_2019"])
@pytest.mark.parametrize("key", ["proactive", "applications", "appeals"])
def test_tables_follow_the_definition(request, fixture, key):
    report = request.getfixturevalue(fixture)
    document = open_docx(render_docx(report))
    table = report.format.tables[key]
    grid = grid_of(table_for(document, report, key))
    expected = expected_rows(report, key)
    assert len(grid) == len(expected)
    active: list[int] = []  # rows each open rowspan still covers below the current row
    for got, want in zip(grid, expected, strict=True):
        # Every row spans the whole grid, the covered positions as vMerge continuations.
        assert sum(span for _, span, _ in got) == table.grid_width
        origins = origin_cells(got)
        assert len(origins) == len(want)
        for (text, span, merge), (label, colspan, rowspan) in zip(origins, want, strict=True):
            assert span == colspan
            assert merge == ("restart" if rowspan > 1 else None)
            if label is not None:
                assert text == label
        assert sum(merge == "continue" for _, _, merge in got) == len(active)
        active = [n - 1 for n in active if n > 1]
        active += [rowspan - 1 for _, _, rowspan in want if rowspan > 1]
    assert not active


def test_table_three_rowspans_match_the_official_form(report_2021, report_2019):
    for report, results_rows in ((report_2021, 22), (report_2019, 20)):
        document = open_docx(render_docx(report))
        grid = grid_of(table_for(document, report, "applications"))
        # 3 header rows: the corner cell spans 3 columns and 3 rows.
        corner = grid[0][0]
        assert corner[1] == 3 and corner[2] == "restart"
        assert [row[0][2] for row in grid[1:3]] == ["continue", "continue"]
        label = report.format.tables["applications"].find_ref("results").label
        results = next(i for i, row in enumerate(grid) if row[0][0] == label)
        chain = [row[0][2] for row in grid[results : results + results_rows]]
        assert chain == ["restart"] + ["continue"] * (results_rows - 1)
        assert grid[results + results_rows][0][2] is None
        body_rows = len(grid) - 3
        assert body_rows == (25 if report.format.id == "v2021" else 23)


def test_every_value_printed_including_zero(report_2021, docx_2021):
    document = open_docx(docx_2021)
    texts = {}
    for key in ("proactive", "applications", "appeals"):
        table = report_2021.format.tables[key]
        grid = grid_of(table_for(document, report_2021, key))
        values = [
            text
            for row in grid[len(table.header_rows(table.blocks[0])) :]
            for text, _, merge in row
            if merge is None
        ]
        texts[key] = values
    # Table 四: 15 numbers, the pending columns are 0 and printed as such.
    appeals = texts["appeals"]
    assert len(appeals) == 15
    assert appeals[3] == "0" and "" not in appeals
    for path in ("appeals.review.total", "appeals.lit_after_review.total"):
        assert str(report_2021.values[path]) in appeals
    # Table 三: every row prints its label and 7 numbers; totals are computed values.
    grid = grid_of(table_for(document, report_2021, "applications"))
    row = next(r for r in grid if r[0][0] == row_label(report_2021, "applications", "new_received"))
    assert [t for t, _, _ in row[1:]] == [
        str(report_2021.values[f"applications.new_received.{c}"])
        for c in (
            "natural_person",
            "commercial",
            "research",
            "social_welfare",
            "legal_service",
            "other_org",
            "total",
        )
    ]
    assert all(text != "" for r in grid[3:] for text, _, merge in r if merge is None)


def test_fee_precision_variant_header_and_padding():
    report = load(full_data(2024, fee_precision=4))
    document = open_docx(render_docx(report))
    variant = report.format.tables["proactive"].blocks[3].column_leaves[0]
    header = variant.extra["variants"]["precision"][4]
    texts = [t for row in grid_of(table_for(document, report, "proactive")) for t, _, _ in row]
    assert header in texts and variant.label not in texts
    assert "20.3000" in texts  # padded to the stated precision, never rounded


def test_plain_fee_header_keeps_the_users_decimals(report_2021, docx_2021):
    column = report_2021.format.tables["proactive"].blocks[3].column_leaves[0]
    document = open_docx(docx_2021)
    texts = [t for row in grid_of(table_for(document, report_2021, "proactive")) for t, _, _ in row]
    assert column.label in texts
    assert "20.3" in texts


def test_v2019_procurement_amount_carries_its_unit(report_2019):
    document = open_docx(render_docx(report_2019))
    grid = grid_of(table_for(document, report_2019, "proactive"))
    row = next(r for r in grid if r[0][0] == row_label(report_2019, "proactive", "procurement"))
    assert row[-1][0] == "251000元"
    change = next(r for r in grid if r[0][0] == row_label(report_2019, "proactive", "licensing"))
    assert change[2][0].startswith("-")  # 本年增/减 keeps its sign


def test_table_rows_do_not_split_and_single_block_headers_repeat(report_2021, docx_2021):
    document = open_docx(docx_2021)
    for key in ("proactive", "applications", "appeals"):
        table = report_2021.format.tables[key]
        rows = table_for(document, report_2021, key)._tbl.tr_lst
        assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
        repeat = [tr.trPr.find(qn("w:tblHeader")) is not None for tr in rows]
        if len(table.blocks) == 1:
            depth = len(table.header_rows(table.blocks[0]))
            assert repeat == [True] * depth + [False] * (len(rows) - depth)
        else:
            assert not any(repeat)


def test_column_widths_fill_the_type_area_and_table_three_labels_take_half(report_2021, docx_2021):
    document = open_docx(docx_2021)
    for key in ("proactive", "applications", "appeals"):
        tbl = table_for(document, report_2021, key)._tbl
        widths = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))]
        assert len(widths) == report_2021.format.tables[key].grid_width
        assert abs(sum(widths) - Mm(156).twips) <= 2
        layout = tbl.tblPr.find(qn("w:tblLayout"))
        assert layout.get(qn("w:type")) == "fixed"
        if key == "applications":
            assert 0.45 <= sum(widths[:3]) / sum(widths) <= 0.55


# ------------------------------------------------------------------ text and layout


def test_title_sections_and_paragraph_styles(report_2021, docx_2021):
    document = open_docx(docx_2021)
    paragraphs = document.paragraphs
    title = paragraphs[0]
    assert title.style.name == "Title"
    assert title.text.replace("\n", "") == report_2021.title
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.label for s in report_2021.format.sections]
    texts = [p.text for p in paragraphs]
    assert texts[1] == "本报告依据《中华人民共和国政府信息公开条例》编制。"  # preface
    expected = section_paragraphs(report_2021, "overview")
    start = texts.index(report_2021.format.section("overview").label) + 1
    for offset, paragraph in enumerate(expected):
        got = paragraphs[start + offset]
        assert got.text == paragraph.text
        style = {"body": "Normal", "heading2": "Heading 2", "heading3": "Heading 3"}
        assert got.style.name == style[paragraph.kind]
    # The placeholder was filled with the table's number.
    total = report_2021.values["applications.new_received.total"]
    assert f"全年新收申请{total}件" in paragraphs[start].text
    # emphasis is set in 黑体 through a character style (as in the PDF), never fake bold
    strong = [r.text for p in paragraphs for r in p.runs if r.style.name == "Strong Emphasis"]
    assert strong[:2] == ["一是", "二是"]
    assert not any(r.bold for p in paragraphs for r in p.runs)
    lead = [r for p in paragraphs for r in p.runs if r.style.name == "Lead In"]
    assert [r.text for r in lead] == ["（二）依申请公开情况。"]


def test_signature_block(report_2021, docx_2021):
    document = open_docx(docx_2021)
    signature = [p for p in document.paragraphs if p.style.name == "Signature"]
    assert [p.text for p in signature] == [AGENCY, chinese_date(report_2021.published)]
    assert signature[1].text == "2025年1月20日"
    assert signature[0].alignment in (None, WD_ALIGN_PARAGRAPH.RIGHT)
    assert document.styles["Signature"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # 右空二字 for the name and the date starting 2 字 to the right of the name, measured
    # in the body font (the layout test checks the printed positions)
    body_char = Pt(16)
    name_pad, _ = signature_offsets(AGENCY, chinese_date(report_2021.published))
    assert name_pad == 2
    assert signature[0].paragraph_format.right_indent == body_char * 2
    # the date is set flush left from 2 字 right of the name's start: the name is Chinese,
    # as wide in every font, the date's digits are not
    date = signature[1].paragraph_format
    assert date.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert abs(date.left_indent - (Mm(156) - body_char * (2 + len(AGENCY) - 2))) < 635 * 2
    # The signature block stays on one page, with the last line of text before it.
    blank = signature[0]._p.getprevious()
    assert [p.paragraph_format.keep_with_next for p in signature] == [True, None]
    assert blank.pPr.keepNext is not None and blank.getprevious().pPr.keepNext is not None


def test_unpublished_report_signs_without_a_date():
    data = full_data(2024)
    del data["published"]
    document = open_docx(render_docx(load(data)))
    signature = [p.text for p in document.paragraphs if p.style.name == "Signature"]
    assert signature == [AGENCY]


def test_long_title_breaks_on_the_computed_lines():
    data = full_data(2024)
    data["agency"] = "商丘市工业和信息化局"
    report = load(data)
    document = open_docx(render_docx(report))
    lines = ["".join(line) for line in title_lines(report.title, report.agency)]
    assert document.paragraphs[0].text == "\n".join(lines)
    assert lines == ["商丘市工业和信息化局2024年", "政府信息公开工作年度报告"]


def test_styles_have_east_asian_fonts_and_sizes(docx_2021):
    document = open_docx(docx_2021)
    expected = {
        "Normal": ("仿宋_GB2312", 16),
        "Title": ("方正小标宋简体", 22),
        "Heading 1": ("黑体", 16),
        "Heading 2": ("楷体_GB2312", 16),
        "Table Text": ("仿宋_GB2312", 10.5),
        "Footer": ("宋体", 14),
    }
    for name, (family, size) in expected.items():
        style = document.styles[name]
        fonts = style.element.rPr.find(qn("w:rFonts"))
        for slot in ("w:eastAsia", "w:ascii", "w:hAnsi"):
            assert fonts.get(qn(slot)) == family, (name, slot)
        assert style.font.size == Pt(size), name
    normal = document.styles["Normal"].paragraph_format
    assert normal.first_line_indent == Pt(32)  # two characters of 3号
    assert normal.line_spacing == Pt(28.95)
    heading = document.styles["Table Heading"].paragraph_format
    assert heading.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert document.styles["Table Label"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT
    table_text = document.styles["Table Text"].paragraph_format
    assert table_text.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert table_text.first_line_indent == 0


def test_user_template_overrides_fonts_and_layout(tmp_path, report_2021):
    (tmp_path / "fonts.yaml").write_text("body: [方正仿宋_GBK]\n", encoding="utf-8")
    (tmp_path / "docx.yaml").write_text(
        "page: {margin_left_mm: 30}\nstyles: {table: {size_pt: 12}}\n", encoding="utf-8"
    )
    document = open_docx(render_docx(report_2021, template_dir=tmp_path))
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "方正仿宋_GBK"
    assert document.styles["Table Text"].font.size == Pt(12)
    assert document.sections[0].left_margin == Mm(30).twips * 635
    assert abs(document.sections[0].top_margin - Mm(37)) < Mm(0.05)


def test_bad_user_settings_are_reported(tmp_path, report_2021):
    (tmp_path / "docx.yaml").write_text("page: {margin_left: 30}\n", encoding="utf-8")
    with pytest.raises(RenderError, match="margin_left"):
        render_docx(report_2021, template_dir=tmp_path)


def test_page_setup_gb_t_9704(docx_2021):
    section = open_docx(docx_2021).sections[0]
    for got, mm in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(got - Mm(mm)) < Mm(0.05)


def test_footer_page_numbers_odd_right_even_left(docx_2021):
    document = open_docx(docx_2021)
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, style, alignment in (
        (section.footer, "Page Number Odd", WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, "Page Number Even", WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        assert paragraph.style.name == style
        assert paragraph.style.paragraph_format.alignment == alignment
        instructions = "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
        assert instructions.strip() == "PAGE"
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
    assert document.styles["Footer"].font.size == Pt(14)


def test_core_properties(report_2021, docx_2021):
    props = open_docx(docx_2021).core_properties
    assert props.title == report_2021.title
    assert props.author == AGENCY
    assert props.language == "zh-CN"
    assert props.revision == 1
    stamp = dt.datetime(2025, 1, 20)
    assert props.created.replace(tzinfo=None) == stamp
    assert props.modified.replace(tzinfo=None) == stamp


def test_unpublished_report_is_dated_31_december():
    data = full_data(2023)
    del data["published"]
    output = render_docx(load(data))
    props = open_docx(output).core_properties
    assert props.created.date() == dt.date(2023, 12, 31)
    with zipfile.ZipFile(io.BytesIO(output)) as zf:
        assert {info.date_time for info in zf.infolist()} == {(2023, 12, 31, 0, 0, 0)}


def test_same_input_gives_the_same_bytes(report_2021, docx_2021):
    assert render_docx(report_2021) == docx_2021
    again = load(full_data(2024))
    assert render_docx(again) == docx_2021


def test_file_is_small_and_clean(docx_2021):
    assert len(docx_2021) <= 60_000
    with zipfile.ZipFile(io.BytesIO(docx_2021)) as zf:
        names = zf.namelist()
        document = zf.read("word/document.xml").decode("utf-8")
    assert "word/styles.xml" in names and "docProps/core.xml" in names
    assert not any("thumbnail" in n or "customXml" in n for n in names)
    assert "w:rsid" not in document


# ------------------------------------------------------------------ draft


def test_draft_marks_every_page_and_lists_problems(report_2021):
    problems = [
        Problem(
            ERROR,
            "T3-1",
            "表三「自然人」列：第一项加第二项之和不等于第三项加第四项之和",
            file="report.yaml",
            line=31,
        ),
        Problem("warning", "X-4", "第五部分内容过短", file="report.yaml", line=12),
    ]
    document = open_docx(render_docx(report_2021, problems, draft=True))
    section = document.sections[0]
    for header in (section.header, section.even_page_header):
        assert header.paragraphs[0].text == DRAFT_TEXT
    texts = [p.text for p in document.paragraphs]
    assert texts[-2:] == [p.format() for p in problems]
    assert texts[-3] == PROBLEMS_TEXT
    assert document.paragraphs[-3].style.name == "Problem Heading"
    # The report itself is complete before the list.
    assert report_2021.format.section("proactive").label in texts


def test_draft_without_problems_still_marks_the_pages(report_2021):
    document = open_docx(render_docx(report_2021, [], draft=True))
    assert document.sections[0].even_page_header.paragraphs[0].text == DRAFT_TEXT
    assert document.paragraphs[-1].style.name == "Signature"


def test_final_report_has_no_draft_mark(docx_2021):
    document = open_docx(docx_2021)
    section = document.sections[0]
    assert not any(DRAFT_TEXT in p.text for p in section.header.paragraphs)
    assert not any(DRAFT_TEXT in p.text for p in document.paragraphs)


def test_markup_characters_and_control_characters_in_text(report_2021):
    sections = dict(report_2021.sections, problems="A&B <公开> 栏目\x0b更新不及时。")
    report = dataclasses.replace(report_2021, sections=sections)
    texts = [p.text for p in open_docx(render_docx(report)).paragraphs]
    assert "A&B <公开> 栏目更新不及时。" in texts


@pytest.mark.parametrize(
    ("grid", "grid_type", "condensed"),
    [
        ("lines", "lines", True),
        ("lines_and_chars", "linesAndChars", False),
    ],
)
def test_document_grid_gives_28_characters_a_line(
    tmp_path, report_2021, grid, grid_type, condensed
):
    (tmp_path / "docx.yaml").write_text(f"page: {{grid: {grid}}}\n", encoding="utf-8")
    document = open_docx(render_docx(report_2021, template_dir=tmp_path))
    doc_grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert doc_grid.get(qn("w:type")) == grid_type
    assert int(doc_grid.get(qn("w:linePitch"))) == Mm(225).twips // 22
    spacing = document.styles["Normal"].element.rPr.find(qn("w:spacing"))
    if condensed:
        # 28 characters of 16 pt minus the condensing fit in the 156 mm line.
        pitch = Pt(16).twips + int(spacing.get(qn("w:val")))
        assert pitch * 28 <= Mm(156).twips < (pitch + 1) * 28
    else:
        assert spacing is None
        char_pt = 16 + int(doc_grid.get(qn("w:charSpace"))) / 4096
        assert round(char_pt * 28 * 20) == pytest.approx(Mm(156).twips, abs=3)

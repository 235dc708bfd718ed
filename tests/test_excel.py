"""Excel: export in the official layout, the blank form, reading workbooks back, file names."""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, report_text

from reportgen.cli import main
from reportgen.definition import column_title, get_format
from reportgen.excel.workbook import COVER_SHEET, TEXT_SHEET
from reportgen.model import TOP_LEVEL
from reportgen.naming import fill_pattern, safe_file_name
from reportgen.validate import check_file, check_text, load_report

SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))


def run(args, capsys):
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return info.value.code, out, err


def export(path: Path, tmp_path: Path, capsys) -> Path:
    target = tmp_path / (path.stem + ".xlsx")
    code, _, err = run(["export", path, "--to", "xlsx", "-o", target], capsys)
    assert code == 0, err
    return target


def find(ws, text: str) -> list[str]:
    return [c.coordinate for row in ws.iter_rows() for c in row if c.value == text]


def merged_range(ws, coordinate: str) -> str | None:
    for rng in ws.merged_cells.ranges:
        if coordinate in rng:
            return rng.coord
    return None


# --------------------------------------------------------------------------- export


def test_export_sheets_labels_and_merged_headers(write_report, tmp_path, capsys):
    path = write_report(report_text())
    wb = openpyxl.load_workbook(export(path, tmp_path, capsys))
    fmt = get_format("v2021")
    assert wb.sheetnames == [COVER_SHEET, *(t.name for t in fmt.tables.values()), TEXT_SHEET]
    table = fmt.tables["applications"]
    ws = wb[table.name]
    assert ws["A1"].value == table.heading
    # 申请人情况 spans every value column (D..J) on the first header row.
    group = table.blocks[0].columns[0]
    (where,) = find(ws, group.label)
    assert merged_range(ws, where) == "D2:J2"
    # every row label of the definition is on the sheet, each once
    for leaf in table.blocks[0].row_leaves:
        assert len(find(ws, leaf.label)) == 1, leaf.label
    # 三、本年度办理结果 is one merged cell down the rows it groups
    results = table.find_ref("results")
    (where,) = find(ws, results.label)
    rng = merged_range(ws, where)
    rows = rng.split(":")
    assert int(rows[1][1:]) - int(rows[0][1:]) + 1 == len(results.leaves())
    # table 四: 结果维持 appears under each of the three groups
    appeals = wb[fmt.tables["appeals"].name]
    assert len(find(appeals, "结果维持")) == 3


def test_export_values_and_total_formulas(write_report, tmp_path, capsys):
    path = write_report(report_text())
    report = load_report(path)
    ws = openpyxl.load_workbook(export(path, tmp_path, capsys))["表三"]
    table = report.format.tables["applications"]
    new = next(r for r in table.blocks[0].row_leaves if r.key == "new_received")
    (label,) = find(ws, new.label)
    row = ws[label].row
    header = {c.value: c.column for r in ws.iter_rows(min_row=2, max_row=4) for c in r if c.value}
    assert ws.cell(row, header["自然人"]).value == 241
    assert ws.cell(row, header["商业企业"]).value == 16
    # the row total adds its row; （七）总计 adds the results rows
    total = ws.cell(row, ws.max_column).value
    assert total == f"=SUM(D{row}:I{row})"
    (seven,) = find(ws, next(r for r in table.blocks[0].row_leaves if r.sum_of).label)
    formula = ws.cell(ws[seven].row, header["自然人"]).value
    assert formula.startswith("=SUM(D") and formula.count(":") == 1


def test_export_is_printable_a4_fit_to_width(write_report, tmp_path, capsys):
    path = write_report(report_text())
    wb = openpyxl.load_workbook(export(path, tmp_path, capsys))
    for name in ("表二", "表三", "表四"):
        ws = wb[name]
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows
    assert wb["表四"].page_setup.orientation == "landscape"
    assert wb["表三"].print_title_rows.replace("$", "") == "2:4"


def test_a_total_that_does_not_add_up_is_kept_as_published(write_report, tmp_path, capsys):
    text = report_text().replace(
        "new_received: [241, 16, 0, 0, 1, 2]", "new_received: [241, 16, 0, 0, 1, 2, 999]"
    )
    path = write_report(text)
    target = tmp_path / "x.xlsx"
    code, _, _ = run(["export", path, "-o", target], capsys)
    assert code == 1  # exported, but the report has an error
    ws = openpyxl.load_workbook(target)["表三"]
    assert 999 in [c.value for row in ws.iter_rows() for c in row]


def test_export_is_deterministic_and_refuses_to_overwrite(write_report, tmp_path, capsys):
    path = write_report(report_text())
    first = export(path, tmp_path, capsys).read_bytes()
    code, _, err = run(["export", path, "-o", tmp_path / (path.stem + ".xlsx")], capsys)
    assert code == 2 and "文件已存在" in err
    code, _, _ = run(["export", path, "-o", tmp_path / "b.xlsx"], capsys)
    assert (tmp_path / "b.xlsx").read_bytes() == first


def _with_appeals(tmp_path) -> Path:
    """The balanced fixture with every cell of table 四 filled (samples have zeros there)."""
    import re

    numbers = iter(range(1, 100))
    text = re.sub(
        r"^(  (review|lit_direct|lit_after_review): )\{(.*)\}",
        lambda m: (
            m.group(1) + "{" + re.sub(r": 0", lambda _: f": {next(numbers)}", m.group(3)) + "}"
        ),
        report_text(),
        flags=re.M,
    )
    path = tmp_path / "appeals.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("sample", [*SAMPLES, "appeals"], ids=lambda p: getattr(p, "stem", p))
def test_round_trip_equals_the_original(sample, tmp_path, capsys):
    if sample == "appeals":
        sample = _with_appeals(tmp_path)
        assert load_report(sample).values["appeals.lit_after_review.upheld"] > 0
    original = load_report(sample)
    workbook = export(sample, tmp_path, capsys)
    target = tmp_path / "back.yaml"
    code, _, err = run(["import", workbook, "-o", target], capsys)
    assert code == 0, err
    back = load_report(target)
    assert back.values == original.values
    assert back.given == original.given
    assert back.attributes == original.attributes
    assert back.sections == original.sections
    assert (back.year, back.agency, back.title, back.published) == (
        original.year,
        original.agency,
        original.title,
        original.published,
    )


# --------------------------------------------------------------------------- the blank form


def test_blank_form_inputs_unlocked_totals_formulas_validation(tmp_path, capsys):
    target = tmp_path / "2025.xlsx"
    code, _, err = run(["init", "--xlsx", "-o", target, "--year", 2025, "--agency", "某局"], capsys)
    assert code == 0 and "reportgen import" in err
    wb = openpyxl.load_workbook(target)
    fmt = get_format("v2021")
    ws = wb["表三"]
    assert ws.protection.sheet
    inputs = [c for row in ws.iter_rows() for c in row if c.protection.locked is False]
    formulas = [c for row in ws.iter_rows() for c in row if str(c.value).startswith("=")]
    table = fmt.tables["applications"]
    computed = [c for c in table.cells.values() if c.computed]
    assert len(inputs) == len(table.cells) - len(computed)
    assert len(formulas) == len(computed)
    assert all(c.value == 0 and c.fill.fgColor.rgb.endswith("FFF2CC") for c in inputs)
    # labels stay locked
    (label,) = find(ws, table.blocks[0].row_leaves[0].label)
    assert ws[label].protection.locked is not False
    kinds = {(dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}
    assert ("whole", "0") in kinds
    covered = {str(r) for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges}
    assert {c.coordinate for c in inputs} <= {cell for rng in covered for cell in _cells_of(rng)}
    cover = wb[COVER_SHEET]
    (year,) = find(cover, TOP_LEVEL["year"])
    assert cover[year].offset(0, 1).value == 2025


def _cells_of(rng: str):
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.cell import range_boundaries

    c0, r0, c1, r1 = range_boundaries(rng)
    return [f"{get_column_letter(c)}{r}" for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def test_blank_form_needs_an_output_file(capsys):
    code, _, err = run(["init", "--xlsx"], capsys)
    assert code == 2 and "-o" in err


def libreoffice(path: Path, to: str, outdir: Path) -> Path:
    """Convert ``path`` with LibreOffice (a private profile, so parallel runs do not clash)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    profile = f"file:///tmp/lo-xl-test-{os.getpid()}"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={profile}", "--convert-to", to,
         "--outdir", outdir, path],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return outdir / f"{path.stem}.{to}"


def _fill(path: Path, values: dict[tuple[str, str], object]) -> None:
    """Type values into the cell where a row label meets a column header."""
    wb = openpyxl.load_workbook(path)
    for (sheet, label), row_values in values.items():
        ws = wb[sheet]
        (where,) = find(ws, label)
        row = ws[where].row
        for column, value in row_values.items():
            ws.cell(row, column).value = value
    wb.save(path)


def test_filled_form_reads_back_after_libreoffice_saves_it(tmp_path, capsys):
    form = tmp_path / "form.xlsx"
    run(["init", "-o", form, "--year", 2024, "--agency", "某某市某某区工业和信息化局"], capsys)
    table = get_format("v2021").tables["applications"]
    labels = {r.key: r.label for r in table.blocks[0].row_leaves}
    # D..I are the six applicant columns of the form
    _fill(
        form,
        {
            ("表三", labels["new_received"]): dict(
                zip(range(4, 10), [241, 16, 0, 0, 1, 2], strict=True)
            ),
            ("表三", labels["carried_over"]): {4: 5},
            ("表三", labels["granted"]): {4: 111, 5: 5},
            ("表三", labels["partial"]): {4: 10, 5: 2},
            ("表三", labels["carried_forward"]): {4: 125, 5: 9, 8: 1, 9: 2},
        },
    )
    saved = libreoffice(form, "xlsx", tmp_path / "lo")
    cached = openpyxl.load_workbook(saved, data_only=True)["表三"]
    (seven,) = find(cached, next(r for r in table.blocks[0].row_leaves if r.sum_of).label)
    assert cached.cell(cached[seven].row, 4).value == 121  # the total formula was computed
    target = tmp_path / "back.yaml"
    code, _, err = run(["import", saved, "-o", target], capsys)
    assert code == 0, err
    report = load_report(target)
    assert report.values["applications.new_received.total"] == 260
    assert report.values["applications.carried_forward.natural_person"] == 125
    assert report.values["applications.results_total.natural_person"] == 121


def test_exported_workbook_prints_through_libreoffice(write_report, tmp_path, capsys):
    import pdfplumber

    workbook = export(write_report(report_text()), tmp_path, capsys)
    with pdfplumber.open(libreoffice(workbook, "pdf", tmp_path / "lo")) as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
        widths = [(p.width, p.height) for p in pdf.pages]
    text = "".join(pages).replace(" ", "")
    fmt = get_format("v2021")
    for table in fmt.tables.values():
        assert table.heading in text
    assert "260" in text  # 一、本年新收 total, computed by the formula
    # every page is A4 (portrait or landscape) and table 四 is on a landscape page
    assert all(sorted(round(x) for x in w) == [595, 842] for w in widths)
    four = next(
        i for i, p in enumerate(pages) if fmt.tables["appeals"].heading in p.replace(" ", "")
    )
    assert widths[four][0] > widths[four][1]


# --------------------------------------------------------------------------- reading


def test_every_bad_cell_is_named_by_reference(tmp_path, capsys):
    form = tmp_path / "form.xlsx"
    run(["init", "-o", form, "--year", 2024, "--agency", "某局"], capsys)
    table = get_format("v2021").tables["applications"]
    labels = {r.key: r for r in table.blocks[0].row_leaves}
    wb = openpyxl.load_workbook(form)
    ws = wb["表三"]
    rows = {k: ws[find(ws, r.label)[0]].row for k, r in labels.items()}
    ws.cell(rows["granted"], 4).value = -1
    ws.cell(rows["partial"], 5).value = 1.5
    ws.cell(rows["repeat"], 6).value = "五"
    ws.cell(rows["petition"], 7).value = "=1+1"  # a formula LibreOffice/Excel never computed
    ws.cell(rows["publication"], 4).value = None  # blank: taken as 0, said so
    ws.cell(rows["mass_repeat"], 4).value = " 12 "  # a number typed as text is fine
    wb.save(form)
    target = tmp_path / "r.yaml"
    code, _, err = run(["import", form, "-o", target], capsys)
    assert code == 1
    assert f"表三!D{rows['granted']}" in err and "不能是负数" in err
    assert f"表三!E{rows['partial']}" in err and "应是整数" in err
    assert f"表三!F{rows['repeat']}" in err and "「五」" in err
    assert f"表三!G{rows['petition']}" in err and "没有保存计算结果" in err
    assert f"表三!A{rows['publication']}" in err and "空白" in err
    text = target.read_text(encoding="utf-8")
    assert "# granted: （未导入）" in text and "不能是负数" in text
    assert "mass_repeat: [12, 0, 0, 0, 0, 0]" in text
    assert "空白按 0 填写：自然人" in text
    outcome = check_text(text, "r.yaml")
    assert any("granted" in (p.path or "") or "予以公开" in p.message for p in outcome.errors)


def test_a_hand_made_sheet_in_the_official_layout_is_read(tmp_path, capsys):
    """One sheet, no merged cells, tables at other positions, labels with stray spaces."""
    fmt = get_format("v2021")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws["B1"] = "某某县某某局2024年政府信息公开工作年度报告"
    row = 3
    expected = {}
    for table in fmt.tables.values():
        ws.cell(row, 2, table.heading)
        row += 1
        for block in table.blocks:
            col0 = 3 + table.label_width
            for hdr in table.header_rows(block):
                for hc in hdr:
                    if hc.node is None:  # the block title, the corner, 信息内容
                        ws.cell(row, 2, hc.label)
                        continue
                    # the label over its first column, its span left unmerged
                    start = col0 + block.column_leaves.index(hc.node.leaves()[0])
                    ws.cell(row, start, " " + hc.label.replace("（", "(").replace("）", ")"))
                row += 1
            for leaf in block.row_leaves:
                if leaf.label:
                    ws.cell(row, 2 + table.label_width, leaf.label)
                for i, column in enumerate(block.column_leaves):
                    path = ".".join((table.key, *leaf.path, *column.path))
                    value = (row * 7 + i) % 13
                    if table.cells[path].type == "money":
                        value = Decimal("1.25")
                    ws.cell(row, col0 + i, float(value) if isinstance(value, Decimal) else value)
                    expected[path] = value
                row += 1
        row += 2
    path = tmp_path / "hand.xlsx"
    wb.save(path)
    target = tmp_path / "hand.yaml"
    code, _, err = run(["import", path, "-o", target], capsys)
    assert code == 0, err
    report = check_file(target).report  # made-up numbers do not balance; the cells are read
    assert (report.year, report.agency) == (2024, "某某县某某局")
    for cell_path, value in expected.items():
        assert report.values[cell_path] == value, cell_path
    assert report.given == set(expected)


def test_previous_year_from_a_workbook(write_report, tmp_path, capsys):
    last = write_report(report_text(2023), "2023.yaml")
    workbook = export(last, tmp_path, capsys)
    this = write_report(report_text(2024), "2024.yaml")
    code, out, _ = run(["check", this, "--previous", workbook], capsys)
    assert "X-1" in out  # 上年结转 5 ≠ 上年报告的结转下年度 9, read from the workbook
    assert code == 0


def test_a_workbook_without_a_year_says_where_to_put_it(tmp_path, capsys):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "随便写的表"
    path = tmp_path / "x.xlsx"
    wb.save(path)
    code, _, err = run(["import", path], capsys)
    assert code == 2 and TOP_LEVEL["year"] in err and "提示" in err
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    code, _, err = run(["import", tmp_path / "bad.xlsx"], capsys)
    assert code == 2 and "无法读取 Excel 文件" in err and "Traceback" not in err


def test_cell_descriptions_use_the_definition():
    table = get_format("v2021").tables["appeals"]
    cell = table.cells["appeals.lit_after_review.total"]
    assert column_title(cell.column) in cell.describe()


# --------------------------------------------------------------------------- file names


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("某局2025年报告", "某局2025年报告"),
        ('a/b\\c:d*e?f"g<h>i|j', "a／b＼c：d＊e？f＂g＜h＞i｜j"),
        ("CON", "CON_"),
        ("nul.txt", "nul.txt_"),
        ("报告. . ", "报告"),
        ("x" * 300, "x" * 120),
        ("\x00\x1f", "报告"),
    ],
)
def test_safe_file_names(name, safe):
    assert safe_file_name(name) == safe


def test_name_pattern_fields():
    values = {"agency": "某市/某局", "year": 2025}
    assert fill_pattern("{机关}{年度}年政府信息公开工作年度报告", values, "r") == (
        "某市／某局2025年政府信息公开工作年度报告"
    )
    assert fill_pattern("{文件名}-{year}", values, "r") == "r-2025"


def test_build_names_outputs_after_agency_and_year(write_report, tmp_path, capsys):
    path = write_report(report_text())
    out = tmp_path / "out"
    code, _, _ = run(
        ["build", path, "--to", "html", "-o", out, "-j", 1, "--name", "{机关}{年度}年度报告"],
        capsys,
    )
    assert code == 0
    assert [p.name for p in out.iterdir()] == ["某某市某某区工业和信息化局2024年度报告.html"]
    code, _, err = run(["build", path, "--to", "html", "--name", "{单位}"], capsys)
    assert code == 2 and "{单位}" in err


def test_export_name_pattern(write_report, tmp_path, capsys):
    path = write_report(report_text())
    code, _, _ = run(["export", path, "--name", "{机关}{年度}年报表"], capsys)
    assert code == 0
    assert (path.parent / "某某市某某区工业和信息化局2024年报表.xlsx").is_file()


def test_balance_errors_of_a_workbook_are_named_by_cell(write_report, tmp_path, capsys):
    from reportgen.excel.layout import table_layout

    path = write_report(report_text(carried_forward="[9, 2, 0, 0, 0, 0]"))
    workbook = tmp_path / "ub.xlsx"
    code, _, _ = run(["export", path, "-o", workbook], capsys)
    assert code == 1  # exported, with the report's errors listed
    code, _, err = run(["import", workbook, "-o", tmp_path / "back.yaml"], capsys)
    assert code == 0  # every cell was read; the balance is the department's to fix
    table = get_format("v2021").tables["applications"]
    where = table_layout(table).at("applications.new_received.commercial")
    assert f"（表三!{where}）: 错误 T3-1 表三「商业企业」列" in err


def test_check_and_build_do_not_import_openpyxl(write_report):
    """openpyxl takes about half a second to import: only the Excel commands pay for it."""
    import subprocess
    import sys

    path = write_report(report_text())
    code = (
        "import sys; from reportgen.cli import main\n"
        "try:\n"
        f"    main(['check', {str(path)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('openpyxl' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("False")


def test_import_json_describes_the_workbook(write_report, tmp_path, capsys):
    import json

    workbook = export(write_report(report_text()), tmp_path, capsys)
    code, out, _ = run(["import", workbook, "--json"], capsys)
    assert code == 0
    info = json.loads(out)
    fmt = get_format("v2021")
    leaves = [r for t in fmt.tables.values() for b in t.blocks for r in b.row_leaves]
    assert (info["kind"], info["complete"]) == ("xlsx", True)
    assert len(info["found"]["rows"]) == len(leaves)
    assert info["not_found"] == {"sections": [], "rows": []}
    row = info["tables"]["applications"]["rows"]["new_received"]
    assert row["values"][:6] == [241, 16, 0, 0, 1, 2] and row["source"].startswith("表三!A")


def test_blank_form_takes_the_year_from_the_file_name(tmp_path, capsys):
    code, _, err = run(["init", "--xlsx", "-o", tmp_path / "2020.xlsx"], capsys)
    assert code == 0 and "2020 年" in err and get_format("v2019").name in err
    cover = openpyxl.load_workbook(tmp_path / "2020.xlsx")[COVER_SHEET]
    (year,) = find(cover, TOP_LEVEL["year"])
    assert cover[year].offset(0, 1).value == 2020

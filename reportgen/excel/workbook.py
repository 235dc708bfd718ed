"""Write a workbook: a cover sheet, one sheet per table in the official layout, the texts.

The same function writes both workbooks a clerk meets: ``reportgen export --to xlsx`` (a
filled report, ready to print or send) and ``reportgen init --xlsx`` (a blank form a
department fills in: the cells to fill are yellow and unlocked, the rest of the sheet is
protected without a password so the labels the importer looks for stay intact).  Totals are
formulas over their parts, so the form adds up as it is filled; a published total that is not
the sum of its parts is kept as the number it was.  Each cell to fill only accepts what the
report file accepts (non-negative whole numbers, money ≥ 0, a unit from the list).
"""

from __future__ import annotations

import io
import math
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation

from reportgen.definition import Block, Format, Node, Table
from reportgen.excel.layout import Placed, SheetLayout, table_layout
from reportgen.model import MAX_COUNT, MAX_MONEY, TOP_LEVEL
from reportgen.report import Report, sum_parts

FONT = "宋体"
#: Sheet names of the cover and the texts (tables use their own names: 表二 …).
COVER_SHEET = "基本信息"
TEXT_SHEET = "正文"
#: Share of the sheet width given to each table's label columns (as in the printed form).
_LABEL_SHARES = {"proactive": [0.28], "applications": [0.09, 0.12, 0.29], "appeals": []}
_SHEET_CHARS = {"proactive": 90, "applications": 110, "appeals": 150}
_INPUT = PatternFill("solid", fgColor="FFF2CC")
_TOTAL = PatternFill("solid", fgColor="E7E6E6")
_HEAD = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_NUMBER_FORMATS = {"count": "0", "signed": "0"}
#: Short notes on the cover, for the clerk filling in the form.
_FORM_NOTES = (
    "黄色单元格填写数字（没有的填 0）；灰色的总计由公式自动计算，不用填写。",
    "请不要改动表格的文字和行列位置：导入时按这些文字找到每个数字。",
    "填好后保存，交回汇总，或运行：reportgen import 本文件 -o 报告.yaml",
)


def build_workbook(fmt: Format, report: Report | None, *, year: int, agency: str) -> bytes:
    """The workbook as bytes (deterministic: fixed document properties).

    ``report`` None writes the blank form for ``init --xlsx``.
    """
    wb = Workbook()
    wb.remove(wb.active)
    _styles(wb)
    form = report is None
    _cover(wb.create_sheet(COVER_SHEET), fmt, report, year, agency, form)
    for table in fmt.tables.values():
        _table_sheet(wb.create_sheet(table.name), table, report, form)
    _text_sheet(wb.create_sheet(TEXT_SHEET), fmt, report, form)
    props = wb.properties
    props.creator = "reportgen"
    props.title = report.title if report is not None else f"{agency}{year}"
    import datetime as dt

    fixed = dt.datetime(year + 1, 1, 1)
    props.created = props.modified = fixed
    buffer = io.BytesIO()
    wb.save(buffer)
    return _fixed_zip(buffer.getvalue(), fixed)


def _fixed_zip(data: bytes, when: Any) -> bytes:
    """Rewrite the package with fixed dates (openpyxl stamps the save time into the
    properties and the zip members) so equal input gives equal bytes."""
    import re
    import zipfile

    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, body)
            dst.writestr(fixed, body)
    return out.getvalue()


# --------------------------------------------------------------------------- cover


def _cover(ws, fmt: Format, report: Report | None, year: int, agency: str, form: bool) -> None:
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 60
    ws["A1"] = f"{fmt.name}（{fmt.basis}）"
    ws["A1"].font = Font(name=FONT, bold=True, size=12)
    ws.merge_cells("A1:B1")
    fields = [
        ("agency", report.agency if report else agency),
        ("year", year),
        ("title", (report.data.get("title") or "") if report else ""),
        ("published", report.published if report else None),
    ]
    for number, (key, value) in enumerate(fields, 3):
        label = ws.cell(number, 1, TOP_LEVEL[key])
        label.font = Font(name=FONT, bold=True)
        label.border = _BORDER
        cell = ws.cell(number, 2, value)
        cell.font = Font(name=FONT)
        cell.border = _BORDER
        if key == "published":
            cell.number_format = "yyyy-mm-dd"
        if form and key != "year":
            cell.fill = _INPUT
            cell.protection = Protection(locked=False)
    if form:
        for number, note in enumerate(_FORM_NOTES, 8):
            ws.cell(number, 1, note).font = Font(name=FONT, color="595959")
        ws.protection.sheet = True
    _page(ws, landscape=False, titles=None)


# --------------------------------------------------------------------------- tables


def _table_sheet(ws, table: Table, report: Report | None, form: bool) -> None:
    label = None
    if report is not None:
        from reportgen.render.html import column_label

        def label(block: Block, node: Node) -> str:
            return column_label(report, table, block, node)

    layout = table_layout(table, label)
    _widths(ws, layout)
    rules = _validations(ws, table)
    validations: dict[str, list[str]] = {kind: [] for kind in rules}
    for item in layout.placed:
        _place(ws, layout, item, report, form, validations)
    for kind, refs in validations.items():
        if refs:
            rules[kind].sqref = MultiCellRange(" ".join(refs))
    _heights(ws, layout)
    if form:
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
    single = len(table.blocks) == 1
    first, last = layout.header
    _page(ws, landscape=table.value_width > 8, titles=f"{first}:{last}" if single else "1:1")
    if single:
        ws.freeze_panes = ws.cell(last + 1, table.label_width + 1)


def _widths(ws, layout: SheetLayout) -> None:
    table = layout.table
    total = _SHEET_CHARS.get(table.key, 100)
    shares = _LABEL_SHARES.get(table.key) or []
    if len(shares) != table.label_width:
        shares = [0.3 / max(table.label_width, 1)] * table.label_width
    labels = [round(total * s) for s in shares]
    value = max(7, (total - sum(labels)) // max(table.value_width, 1))
    for number, width in enumerate([*labels, *[value] * table.value_width], 1):
        ws.column_dimensions[get_column_letter(number)].width = width
    if layout.width > table.grid_width:
        ws.column_dimensions[get_column_letter(layout.width)].width = 8


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _heights(ws, layout: SheetLayout) -> None:
    """Row heights for wrapped labels (Excel does not grow rows it did not lay out)."""
    lines: dict[int, int] = {}
    for item in layout.placed:
        if not item.text or item.role == "heading":
            continue
        width = sum(
            ws.column_dimensions[get_column_letter(c)].width
            for c in range(item.col, item.col + item.colspan)
        )
        needed = math.ceil(_display_width(item.text) / max(width - 1, 1))
        per_row = math.ceil(needed / item.rowspan)
        lines[item.row] = max(lines.get(item.row, 1), per_row)
    for row, count in lines.items():
        ws.row_dimensions[row].height = max(20, 15 * count + 4)
    ws.row_dimensions[1].height = 26


def _validations(ws, table: Table) -> dict[str, DataValidation]:
    made = {
        "count": DataValidation(
            type="whole", operator="between", formula1="0", formula2=str(MAX_COUNT)
        ),
        "signed": DataValidation(
            type="whole", operator="between", formula1=str(-MAX_COUNT), formula2=str(MAX_COUNT)
        ),
        "money": DataValidation(
            type="decimal", operator="between", formula1="0", formula2=str(MAX_MONEY)
        ),
    }
    texts = {
        "count": "请填写不小于 0 的整数（件数）。",
        "signed": "请填写整数（减少时填负数）。",
        "money": "请填写不小于 0 的金额数字，不要带单位。",
    }
    for kind, dv in made.items():
        dv.error = texts[kind]
        dv.errorTitle = "数字不对"
        dv.showErrorMessage = True
        dv.allow_blank = True
        ws.add_data_validation(dv)
    units = sorted(
        {u for b in table.blocks for c in b.column_leaves for u in c.extra.get("units", ())}
    )
    if units:
        dv = DataValidation(type="list", formula1='"' + ",".join(units) + '"')
        dv.error = "请从列表中选择单位：" + "、".join(units)
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        made["unit"] = dv
    return made


def _styles(wb) -> None:
    """Register the sheet's few cell styles once: setting font, border, fill and alignment
    cell by cell costs openpyxl most of the time of an export."""
    from openpyxl.styles import NamedStyle

    centre = Alignment(horizontal="center", vertical="center")
    specs = {
        "rg-heading": (
            Font(name=FONT, bold=True, size=14),
            None,
            None,
            Alignment(vertical="center"),
        ),
        "rg-head": (
            Font(name=FONT, bold=True, size=10.5),
            _BORDER,
            _HEAD,
            Alignment(horizontal="center", vertical="center", wrap_text=True),
        ),
        "rg-label": (
            Font(name=FONT, size=10.5),
            _BORDER,
            None,
            Alignment(horizontal="left", vertical="center", wrap_text=True),
        ),
        "rg-border": (Font(name=FONT, size=10.5), _BORDER, None, None),
        "rg-value": (Font(name=FONT, size=10.5), _BORDER, None, centre),
        "rg-input": (Font(name=FONT, size=10.5), _BORDER, _INPUT, centre),
        "rg-total": (Font(name=FONT, size=10.5), _BORDER, _TOTAL, centre),
    }
    for name, (font, border, fill, alignment) in specs.items():
        style = NamedStyle(name=name, font=font)
        if border is not None:
            style.border = border
        if fill is not None:
            style.fill = fill
        if alignment is not None:
            style.alignment = alignment
        if name == "rg-input":
            style.protection = Protection(locked=False)
        wb.add_named_style(style)


def _place(ws, layout, item: Placed, report, form: bool, validations) -> None:
    cell = ws.cell(item.row, item.col)
    last_row = item.row + item.rowspan - 1
    last_col = item.col + item.colspan - 1
    if item.rowspan > 1 or item.colspan > 1:
        ws.merge_cells(
            start_row=item.row, start_column=item.col, end_row=last_row, end_column=last_col
        )
    if item.role == "heading":
        cell.value = item.text
        cell.style = "rg-heading"
        return
    for r in range(item.row, last_row + 1):
        for c in range(item.col, last_col + 1):
            if (r, c) != (item.row, item.col):
                ws.cell(r, c).style = "rg-border"
    if item.role == "value":
        _value(ws, layout, item, report, form, validations)
        return
    if item.role == "unit":
        unit = None
        if report is not None:
            row_path, unit_key = next(
                k for k, v in layout.units.items() if v == (item.row, item.col)
            )
            unit = report.attributes.get(f"{layout.table.key}.{row_path}.{unit_key}")
        cell.value = unit or item.node.extra["units"][-1]
        cell.style = "rg-input" if form else "rg-value"
        validations["unit"].append(cell.coordinate)
        return
    cell.value = item.text
    cell.style = "rg-label" if item.role == "label" else "rg-head"


def _value(ws, layout: SheetLayout, item: Placed, report, form: bool, validations) -> None:
    cell_def = item.cell
    cell = ws.cell(item.row, item.col)
    formula = _formula(layout, cell_def) if cell_def.computed else None
    value: Any = 0
    if report is not None:
        value = report.values[cell_def.path]
    if formula is not None and (report is None or _adds_up(report, layout, cell_def)):
        cell.value = formula
        cell.style = "rg-total"
    else:
        cell.value = value
        cell.style = "rg-input" if form else "rg-value"
        validations[cell_def.type].append(cell.coordinate)
    if cell_def.type == "money":
        precision = None
        if report is not None:
            precision = report.attributes.get(f"{layout.table.key}.{cell_def.row.dotted}.precision")
        cell.number_format = "0." + "0" * int(precision) if precision else "0.00##"
    else:
        cell.number_format = _NUMBER_FORMATS[cell_def.type]


def _parts(layout: SheetLayout, cell_def) -> list[str]:
    """Paths of the cells a total adds: across its row, or down its column."""
    table = layout.table
    if cell_def.column.sum_of:
        nodes = sum_parts(table, cell_def.column)
        return [f"{table.key}.{'.'.join((*cell_def.row.path, *n.path))}" for n in nodes]
    nodes = sum_parts(table, cell_def.row)
    return [f"{table.key}.{'.'.join((*n.path, *cell_def.column.path))}" for n in nodes]


def _formula(layout: SheetLayout, cell_def) -> str:
    refs = [layout.at(p) for p in _parts(layout, cell_def)]
    return "=SUM(" + ",".join(_ranges(refs, layout, _parts(layout, cell_def))) + ")"


def _ranges(refs: list[str], layout: SheetLayout, paths: list[str]) -> list[str]:
    """Join neighbouring cells into ranges (C5:H5) so the formula reads like one typed."""
    positions = [layout.cells[p] for p in paths]
    out: list[str] = []
    start = 0
    for i in range(1, len(positions) + 1):
        if i < len(positions):
            (r0, c0), (r1, c1) = positions[i - 1], positions[i]
            if (r1 == r0 and c1 == c0 + 1) or (c1 == c0 and r1 == r0 + 1):
                continue
        run = refs[start:i]
        out.append(run[0] if len(run) == 1 else f"{run[0]}:{run[-1]}")
        start = i
    return out


def _adds_up(report: Report, layout: SheetLayout, cell_def) -> bool:
    total = report.values[cell_def.path]
    return total == sum((report.values[p] for p in _parts(layout, cell_def)), Decimal(0))


# --------------------------------------------------------------------------- texts


def _text_sheet(ws, fmt: Format, report: Report | None, form: bool) -> None:
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 100
    sections = text_rows(fmt)
    for number, (key, label) in enumerate(sections, 1):
        head = ws.cell(number, 1, label)
        head.font = Font(name=FONT, bold=True)
        head.alignment = Alignment(vertical="top", wrap_text=True)
        text = (report.sections.get(key) or "") if report is not None else ""
        cell = ws.cell(number, 2, text)
        cell.font = Font(name=FONT)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        lines = sum(max(1, math.ceil(_display_width(p) / 98)) for p in (text or " ").split("\n"))
        ws.row_dimensions[number].height = min(409, max(30, 15 * lines + 4))
        if form:
            cell.fill = _INPUT
            cell.protection = Protection(locked=False)
    if form:
        ws.protection.sheet = True
        ws.protection.formatRows = False
    _page(ws, landscape=False, titles=None)


def text_rows(fmt: Format) -> list[tuple[str, str]]:
    """(key, label) of the texts sheet's rows: the preface, then sections 一、五、六."""
    from reportgen.model import report_model

    sections = report_model(fmt.id).model_fields["sections"].annotation
    preface = sections.model_fields["preface"].title
    return [("preface", preface), *((s.key, s.label) for s in fmt.text_sections)]


def _page(ws, *, landscape: bool, titles: str | None) -> None:
    """A4, fit to the page width, centred, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if titles:
        ws.print_title_rows = titles

"""``audit.xlsx``: 概览, 问题清单 and 关键数字, with frozen header rows and filters.

Written with openpyxl (imported only here) in its streaming mode.  关键数字 has a column per
cell of tables 二、三、四 (300 000 cells for 1 000 reports), far too many for openpyxl's
per-cell writer (about 30 µs a cell): openpyxl writes each sheet with its header only, and the
rows are added to the sheet's XML directly — numbers as values (money exactly as its digits),
text as inline strings, the plainest form of the format.  The workbook is made byte-for-byte
reproducible: fixed document dates and zip entry dates.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import BinaryIO

from reportgen.audit.summary import PROBLEM_COLUMNS, Summary, problem_rows, value_header
from reportgen.definition import formats

#: The date written into the workbook (openpyxl would write the time of the run).
_STAMP = dt.datetime(2000, 1, 1)
_ZIP_STAMP = (2000, 1, 1, 0, 0, 0)


def write_xlsx(summary: Summary, fh: BinaryIO) -> None:
    """The workbook: openpyxl writes each sheet's header, styles and settings, the rows are
    added to the sheet's XML directly (memory and time do not grow with openpyxl's cells)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E6E6E6")
    wrap = Alignment(wrap_text=True, vertical="top")
    bodies: dict[str, Iterator[bytes]] = {}

    def sheet(title, header, count, rows, widths):
        ws = wb.create_sheet(title)
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "B2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
        cells = []
        for name in header:
            cell = WriteOnlyCell(ws, value=name)
            cell.font, cell.fill, cell.alignment = bold, fill, wrap
            cells.append(cell)
        ws.append(cells)
        bodies[f"xl/worksheets/sheet{len(wb.worksheets)}.xml"] = _rows_xml(rows, len(header))

    sheet(
        "概览",
        summary.overview_header,
        len(summary.rows),
        (r.cells for r in summary.rows),
        [28, 7, 16, 36, 10, 12],
    )
    sheet(
        "问题清单",
        PROBLEM_COLUMNS,
        sum(len(r.result.problems) for r in summary.rows),
        (line for r in summary.rows for line in problem_rows(r)),
        [28, 7, 36, 10, 14, 9, 8, 24, 14, 60],
    )
    sheet(
        "关键数字",
        ["机关", "年度", "格式", "来源文件", *value_header()],
        len(summary.rows),
        (
            [
                r.result.agency,
                r.result.year,
                formats()[r.result.format_id].name if r.result.format_id else "",
                r.result.path,
                *(r.result.values or ()),
            ]
            for r in summary.rows
        ),
        [28, 7, 16, 36],
    )
    wb.properties.creator = "reportgen"
    wb.properties.created = _STAMP
    out = io.BytesIO()
    wb.save(out)
    _stable(out.getvalue(), bodies, fh)


_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _rows_xml(rows, width: int) -> Iterator[bytes]:
    """``<row>`` elements from row 2 on: numbers as ``<v>``, text as inline strings."""
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(i) for i in range(1, width + 1)]
    for r, values in enumerate(rows, 2):
        cells = []
        for letter, value in zip(letters, values, strict=False):
            if value is None or value == "":
                continue
            if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                cells.append(f'<c r="{letter}{r}"><v>{value}</v></c>')
            else:
                text = escape(_BAD_XML.sub("", str(value)))
                cells.append(f'<c r="{letter}{r}" t="inlineStr"><is><t>{text}</t></is></c>')
        yield f'<row r="{r}">{"".join(cells)}</row>'.encode()


def _stable(data: bytes, rows: dict[str, Iterator[bytes]], fh: BinaryIO) -> None:
    """Copy openpyxl's package into ``fh`` with fixed dates (the same workbook for the same
    input), streaming the ``rows`` of each sheet after its header row."""
    stamp = _STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(fh, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, _ZIP_STAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            if info.filename not in rows:
                dst.writestr(entry, content)
                continue
            head, tail = content.split(b"</sheetData>", 1)
            with dst.open(entry, "w") as out:
                out.write(head)
                for chunk in rows[info.filename]:
                    out.write(chunk)
                out.write(b"</sheetData>" + tail)

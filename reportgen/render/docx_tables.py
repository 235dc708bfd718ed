"""Tables 二、三、四 as WordprocessingML, with the official form's merged cells.

The layout comes from the format definition: :meth:`Table.header_rows` and
:meth:`Table.body_rows` list each printed row's cells with their spans, left to right,
leaving out the grid positions a cell from a row above already covers.  Word writes a
column span as ``w:gridSpan`` on one cell and a row span as a ``w:vMerge`` chain — a
``restart`` cell followed, in each covered row, by an empty ``continue`` cell with the same
column span.  The XML is produced directly, in one pass over the rows: python-docx's
``table.cell(r, c)`` rebuilds the cell grid on every call and ``cell.merge`` is quadratic.

Every row is kept on one page (``w:cantSplit``).  A table with a single block (三、四)
repeats its header rows on each page (``w:tblHeader``); table 二's blocks each carry their
own title and header rows.  Each block (or one-block table) is kept on one page where it
fits: the paragraphs of every row but its last carry ``w:keepNext``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from reportgen.definition import Table
from reportgen.errors import RenderError
from reportgen.render.docx_package import (
    TABLE,
    TABLE_HEADING,
    TABLE_LABEL,
    TABLE_TEXT,
    W_NS,
    xml_text,
)
from reportgen.render.docx_settings import DocxSettings, twips_mm
from reportgen.render.docx_table_breaks import (
    SEPARATOR,
    part_starts,
    row_heights,
    split_rows,
)
from reportgen.render.html import cell_text, column_label
from reportgen.render.labels import is_short_word, split_number
from reportgen.render.metrics import width_em
from reportgen.report import Report


@dataclass(frozen=True)
class GridCell:
    """A printed cell: its text, spans and paragraph style."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    style: str = TABLE_TEXT


@dataclass(frozen=True)
class GridRow:
    cells: tuple[GridCell, ...]
    #: "header" rows repeat on each page
    kind: str = "body"
    #: the row stays on the page of the next row
    keep: bool = False


def column_widths(table: Table, settings: DocxSettings) -> list[int]:
    """Grid column widths in twips: label shares from the settings, values share the rest."""
    shares = list(settings.tables.get(table.key, {}).get("labels", []))
    if len(shares) != table.label_width:
        raise RenderError(
            f"DOCX 版式配置 tables.{table.key}.labels 应列出 {table.label_width} 个标签列宽度",
            hint="每个数是占版心宽度的比例，例如 [0.09, 0.12, 0.29]",
        )
    if sum(shares) >= 1:
        raise RenderError(f"DOCX 版式配置 tables.{table.key}.labels 的比例之和应小于 1")
    total = settings.text_width
    labels = [round(total * share) for share in shares]
    rest = total - sum(labels)
    value = rest // table.value_width
    values = [value] * table.value_width
    values[-1] += rest - value * table.value_width
    return labels + values


def grid_rows(report: Report, table: Table) -> list[GridRow]:
    """The printed rows of ``table``, each cell with its text, spans and style."""
    single = len(table.blocks) == 1
    rows = []
    for block in table.blocks:
        start = len(rows)
        for header in table.header_rows(block):
            cells = []
            for hc in header:
                label = hc.label
                if hc.node is not None:
                    label = column_label(report, table, block, hc.node)
                cells.append(GridCell(label, hc.colspan, hc.rowspan, TABLE_HEADING))
            rows.append(GridRow(tuple(cells), "header" if single else "body"))
        for body in table.body_rows(block):
            cells = [
                GridCell(lc.node.label, lc.colspan, lc.rowspan, TABLE_LABEL) for lc in body.labels
            ]
            cells += [GridCell(cell_text(report, c), body.span) for c in body.cells]
            rows.append(GridRow(tuple(cells)))
        # a block (table 二) or a whole one-block table (三、四) stays on one page when it
        # fits: every row but its last keeps with the next, as the PDF never splits them
        for i in range(start, len(rows) - 1):
            rows[i] = replace(rows[i], keep=True)
    return rows


def _runs(text: str, room_em: float | None) -> str:
    """The cell text; a label too wide for its column breaks between words (labels.py)."""
    if not text:
        return ""
    if room_em is not None and width_em(text, "table") > room_em:
        parts = split_number(text)
        if parts is not None:
            number, rest = parts
            return f"<w:r><w:t>{xml_text(number)}</w:t><w:br/><w:t>{xml_text(rest)}</w:t></w:r>"
        if is_short_word(text):
            # scaled horizontally by what it lacks, so the word stays on one line
            scale = math.floor(100 * room_em / width_em(text, "table"))
            return (
                f'<w:r><w:rPr><w:w w:val="{max(scale, 66)}"/></w:rPr>'
                f"<w:t>{xml_text(text)}</w:t></w:r>"
            )
    return f"<w:r><w:t>{xml_text(text)}</w:t></w:r>"


def _paragraph(text: str, style: str, keep_next: bool, room_em: float | None = None) -> str:
    keep = "<w:keepNext/>" if keep_next else ""
    run = _runs(text, room_em)
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep}</w:pPr>{run}</w:p>'


def _cell(width: int, colspan: int, merge: str | None, paragraph: str) -> str:
    span = f'<w:gridSpan w:val="{colspan}"/>' if colspan > 1 else ""
    vmerge = ""
    if merge == "restart":
        vmerge = '<w:vMerge w:val="restart"/>'
    elif merge == "continue":
        vmerge = "<w:vMerge/>"
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{vmerge}'
        f'<w:vAlign w:val="center"/></w:tcPr>{paragraph}</w:tc>'
    )


def table_xml(report: Report, table: Table, settings: DocxSettings) -> str:
    """The ``w:tbl`` element (with its namespace declaration) for ``table``.

    A one-block table too tall for a page is cut into parts that each fit one
    (:mod:`reportgen.render.docx_table_breaks`): then several ``w:tbl`` elements, each
    after a paragraph that starts a new page.
    """
    widths = column_widths(table, settings)
    rows = grid_rows(report, table)
    header = sum(row.kind == "header" for row in rows)
    parts = [rows]
    if header:
        heights = row_heights(rows, widths, settings, lambda cell: cell.style != TABLE_TEXT)
        # the section heading (and half a line of space) sits above the first part
        above = settings.line_pitch * 3 // 2
        starts = part_starts(heights, header, settings.text_height, above)
        if starts:
            parts = split_rows(rows, header, starts)
    return SEPARATOR.join(_table_part(table, part, widths, settings) for part in parts)


def _table_part(table: Table, rows: list[GridRow], widths: list[int], settings) -> str:
    offsets = [0]
    for w in widths:
        offsets.append(offsets[-1] + w)
    height = twips_mm(settings.style("table")["row_min_height_mm"])
    padding = 2 * twips_mm(settings.style("table")["cell_padding_mm"])
    size = settings.style("table")["size_pt"]

    def room(span_width: int) -> float:
        """How many em of table text fit on one line of a cell this wide."""
        return (span_width - padding) / 20 / size

    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = [
        f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblStyle w:val="{TABLE}"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" '
        'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
    ]
    covered: dict[int, list] = {}  # grid column → [rows still covered, colspan, style]
    width = table.grid_width
    for number, row in enumerate(rows):
        keep = row.keep
        repeat = "<w:tblHeader/>" if row.kind == "header" else ""
        out.append(
            f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{height}" w:hRule="atLeast"/>'
            f"{repeat}</w:trPr>"
        )
        cells = iter(row.cells)
        col = 0
        while col < width:
            if col in covered:
                left, span, style = covered[col]
                out.append(
                    _cell(
                        offsets[col + span] - offsets[col],
                        span,
                        "continue",
                        _paragraph("", style, keep),
                    )
                )
                if left == 1:
                    del covered[col]
                else:
                    covered[col][0] = left - 1
                col += span
                continue
            cell = next(cells, None)
            if cell is None or col + cell.colspan > width:
                raise RenderError(f"{table.name}第 {number + 1} 行的单元格与表格网格不符")
            merge = None
            if cell.rowspan > 1:
                merge = "restart"
                covered[col] = [cell.rowspan - 1, cell.colspan, cell.style]
            span_width = offsets[col + cell.colspan] - offsets[col]
            label = cell.style != TABLE_TEXT
            out.append(
                _cell(
                    span_width,
                    cell.colspan,
                    merge,
                    _paragraph(cell.text, cell.style, keep, room(span_width) if label else None),
                )
            )
            col += cell.colspan
        if next(cells, None) is not None:
            raise RenderError(f"{table.name}第 {number + 1} 行的单元格多于表格网格")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)

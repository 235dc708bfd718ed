"""DOCX tables too tall for one page, cut at row boundaries so labels show on every page.

Word, WPS and LibreOffice decide the page breaks of a DOCX, and a merged label cell
(``w:vMerge``: 三、本年度办理结果, （三）不予公开 …) is printed on the page where it starts
only, so a table that continues shows blank label columns on the next page.  The
reader's page breaks cannot be known, but the rows' heights and the type area can:
the table text's line height and each row's minimum height are exact (``docx.yaml``),
and how many lines a cell takes follows from its text and its column's width.

So a one-block table (三、四) keeps whole where it fits (its rows keep with the next, as
before).  Where the estimate says it cannot fit one page, it is cut into parts that each
fit a page, filling each page in turn: every part repeats the header rows, restarts each
merged cell the cut goes through with the rows it still spans, and starts on a new page
(a one-point paragraph with ``w:pageBreakBefore`` between the parts, which also keeps
the word processor from joining them into one table).  The estimate errs on the tall
side, so a part ends on its page with some room to spare rather than run over it.
"""

from __future__ import annotations

import functools
import math
from dataclasses import replace

from reportgen.render.docx_settings import DocxSettings, twips_mm, twips_pt
from reportgen.render.labels import is_short_word, split_number
from reportgen.render.metrics import width_em
from reportgen.render.spans import cut_cells, grid_columns

#: Share of the type area a part may fill: the reader's borders, rounding and fonts vary.
FILL = 0.94
#: Room lost on a line of a cell to characters moved down (no punctuation starts a line).
LINE_SLACK_EM = 0.5
#: The paragraph between two parts: on the next page, one point high.
SEPARATOR = (
    '<w:p><w:pPr><w:pageBreakBefore/><w:snapToGrid w:val="0"/>'
    '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
    '<w:ind w:left="0" w:right="0" w:firstLine="0"/>'
    '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>'
)


@functools.lru_cache(maxsize=4096)
def cell_lines(text: str, room_em: float, label: bool) -> int:
    """How many lines a cell's text takes in a column ``room_em`` wide (docx_tables.py).

    Remembered: the same labels come back in every report (widths come from the fonts
    installed, which a process does not see change, as in :mod:`.metrics`).
    """
    if not text or len(text) <= room_em - LINE_SLACK_EM:
        return 1  # no character is wider than one em
    width = width_em(text, "table")
    if not label or width <= room_em:
        return max(1, math.ceil(width / max(room_em - LINE_SLACK_EM, 0.5)))
    parts = split_number(text)
    if parts is not None:  # broken after its number
        return sum(cell_lines(part, room_em, False) for part in parts)
    if is_short_word(text):  # scaled to fit one line
        return 1
    return max(1, math.ceil(width / max(room_em - LINE_SLACK_EM, 0.5)))


def row_heights(rows, widths: list[int], settings: DocxSettings, is_label) -> list[int]:
    """Each row's estimated height in twips: its tallest one-row cell, at least the
    minimum; a merged cell taller than its rows makes its last row taller."""
    table = settings.style("table")
    line = twips_pt(table["line_pt"])
    least = twips_mm(table["row_min_height_mm"])
    padding = 2 * twips_mm(table["cell_padding_mm"])
    border = twips_pt(table.get("border_pt", 0.5))
    offsets = [0]
    for w in widths:
        offsets.append(offsets[-1] + w)
    columns = grid_columns([[(c.colspan, c.rowspan) for c in row.cells] for row in rows])
    heights = [least] * len(rows)
    tall: list[tuple[int, int, int]] = []  # (first row, rows spanned, height)
    for r, row in enumerate(rows):
        for cell, col in zip(row.cells, columns[r], strict=True):
            room = (offsets[col + cell.colspan] - offsets[col] - padding) / 20 / table["size_pt"]
            need = cell_lines(cell.text, room, is_label(cell)) * line + border
            if cell.rowspan == 1:
                heights[r] = max(heights[r], need)
            else:
                tall.append((r, cell.rowspan, need))
    for r, span, need in tall:
        last = min(r + span, len(rows)) - 1
        heights[last] += max(0, need - sum(heights[r : last + 1]))
    return heights


def part_starts(heights: list[int], header: int, page: int, above: int) -> list[int]:
    """Rows (after the ``header`` rows) that start a new part; empty when all fits.

    ``page`` is the type area's height and ``above`` what stands above the table on its
    first page (the section heading).  A table that fits there whole is left whole (it
    keeps together, so the word processor moves it to a new page if need be).  Otherwise
    each part fills :data:`FILL` of a page, the first one under the heading; each repeats
    the header rows and holds at least one row.
    """
    head = sum(heights[:header])
    if head + sum(heights[header:]) <= page - above:
        return []
    room = int(page * FILL)
    starts, used, limit = [], head, room - above
    for r in range(header, len(heights)):
        if used + heights[r] > limit and used > head:
            starts.append(r)
            used, limit = head, room
        used += heights[r]
    return starts


def split_rows(rows: list, header: int, starts: list[int]) -> list[list]:
    """The parts of ``rows`` cut before each row of ``starts``, each with the header rows.

    A merged cell the cut goes through ends above it and starts again, with its text and
    the rows it still spans, in the first row below it.  The last row of each part does
    not keep with the next (the next part begins a page of its own).
    """
    head = rows[:header]
    body = [replace(row, cells=list(row.cells)) for row in rows[header:]]
    bounds = [s - header for s in starts]
    parts = []
    for cut in reversed(bounds):
        spans = [[(c.colspan, c.rowspan) for c in row.cells] for row in body]
        columns = grid_columns(spans)
        placed = list(zip(body[cut].cells, columns[cut], strict=True))
        for r, i, col in sorted(cut_cells(spans, cut), key=lambda c: c[2]):
            cell = body[r].cells[i]
            body[r].cells[i] = replace(cell, rowspan=cut - r)
            restarted = replace(cell, rowspan=r + cell.rowspan - cut)
            after = [c for c, c_col in placed if c_col > col]
            at = body[cut].cells.index(after[0]) if after else len(body[cut].cells)
            body[cut].cells.insert(at, restarted)
        parts.insert(0, body[cut:])
        body = body[:cut]
    parts.insert(0, body)
    result = []
    for part in parts:
        rows_of = [replace(row, cells=tuple(row.cells)) for row in part]
        rows_of[-1] = replace(rows_of[-1], keep=False)
        result.append([*head, *rows_of])
    return result

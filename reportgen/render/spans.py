"""Grid columns of table cells given row by row with their spans, as HTML and Word list them.

Both the HTML table and the DOCX rows list each row's cells left to right, leaving out
the positions a cell of a row above still covers.  Cutting a table in two (a continuation
page, :mod:`reportgen.render.table_breaks` and :mod:`reportgen.render.docx_table_breaks`)
needs to know which column each cell starts in, to restart a cut label cell in its place.
"""

from __future__ import annotations


def grid_columns(rows: list[list[tuple[int, int]]]) -> list[list[int]]:
    """For rows of (colspan, rowspan) cells, the grid column each cell starts in."""
    covered: set[tuple[int, int]] = set()
    result = []
    for r, row in enumerate(rows):
        col, starts = 0, []
        for colspan, rowspan in row:
            while (r, col) in covered:
                col += 1
            covered.update((r + dr, col + dc) for dr in range(rowspan) for dc in range(colspan))
            starts.append(col)
            col += colspan
        result.append(starts)
    return result


def cut_cells(rows: list[list[tuple[int, int]]], cut: int) -> list[tuple[int, int, int]]:
    """The cells a cut before row ``cut`` goes through: (row, index in its row, column).

    Each such cell starts above the cut and spans rows below it.
    """
    columns = grid_columns(rows)
    return [
        (r, i, columns[r][i])
        for r in range(min(cut, len(rows)))
        for i, (_, rowspan) in enumerate(rows[r])
        if r + rowspan > cut
    ]

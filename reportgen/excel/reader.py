"""Read a workbook back into a report file: find the official labels, read the cells under them.

Nothing here depends on where ``reportgen init --xlsx`` put things.  Each table is found by
its labels, taken from the format definition: a row by the cell holding its label (一、本年新收
政府信息公开申请数量), a column by its header cell *and* the header cells of its groups
above it (结果维持 under 复议后起诉 under 行政诉讼), so the 总计 of table 四's review part is not
confused with table 三's.  The value is where the row meets the column.  A sheet a clerk laid
out by hand in the official form therefore reads as well as the form reportgen wrote, merged
or not, one table per sheet or all on one sheet.

Every value cell is checked and named by its reference (``表三!C12``): whole numbers ≥ 0 for
counts, a formula without a saved result, text that is not a number.  A row with a bad cell
is not written (no number is invented): it is commented out with the reason, as the importer
does for published reports, and the import exits 1.  A blank cell is taken as 0 and said so.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportgen.definition import Block, Cell, Format, Node, Table, format_for_year
from reportgen.errors import InputError
from reportgen.model import MAX_COUNT, TOP_LEVEL

_BLANK_TEXTS = {"", "-", "—", "－", "--", "——", "/", "／"}
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_TITLE_YEAR = re.compile(r"^(.*?)(\d{4})\s*年")


def norm(text: Any) -> str:
    """Compare labels as a reader would: full/half width alike, spaces and line breaks ignored."""
    if text is None:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


@dataclass
class Grid:
    """One sheet's cells, formulas and saved results, and its merged ranges."""

    name: str
    formulas: dict[tuple[int, int], Any]
    _values: dict[tuple[int, int], Any] | None = None
    merged: dict[tuple[int, int], tuple[int, int, int, int]] = field(default_factory=dict)
    texts: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    max_col: int = 1
    source: Path | None = None

    def value(self, key: tuple[int, int]) -> Any:
        """The cell as shown: a formula's saved result (read on first need), else the cell."""
        formula = self.formulas.get(key)
        if not (isinstance(formula, str) and formula.startswith("=")):
            return formula
        if self._values is None:
            from openpyxl import load_workbook

            book = load_workbook(self.source, read_only=True, data_only=True)
            ws = book[self.name]
            self._values = {
                (c.row, c.column): c.value
                for row in ws.iter_rows()
                for c in row
                if getattr(c, "value", None) is not None
            }
            book.close()
        return self._values.get(key)

    def ref(self, row: int, col: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"{self.name}!{get_column_letter(col)}{row}"

    def span(self, row: int, col: int) -> tuple[int, int, int]:
        """Columns covered by the header cell at (row, col), and its last row.

        A merged cell covers its range; an unmerged one reaches to the next filled cell of
        its row (a hand-made sheet may centre a group label over its columns unmerged).
        """
        if (row, col) in self.merged:
            _, c0, r1, c1 = self.merged[(row, col)]
            return c0, c1, r1
        nxt = col + 1
        while nxt <= self.max_col and norm(self.formulas.get((row, nxt))) == "":
            nxt += 1
        return col, nxt - 1, row

    def find(self, label: str) -> list[tuple[int, int]]:
        return self.texts.get(norm(label), [])

    def right_of(self, row: int, col: int) -> tuple[int, int] | None:
        """The first filled cell right of (row, col), skipping the cell's own merged range."""
        start = self.span(row, col)[1] + 1 if (row, col) in self.merged else col + 1
        for c in range(start, self.max_col + 1):
            if norm(self.formulas.get((row, c))) != "":
                return row, c
        return None


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+[0-9]+):([A-Z]+[0-9]+)"')


def _grids(path: Path) -> list[Grid]:
    """Every sheet's cells, read in openpyxl's streaming mode.

    The full mode spends most of a second restyling the borders of merged cells; here the
    merged ranges are taken from the sheet XML instead.  Saved formula results are read
    (a second pass) only when a formula stands where a number is expected.
    """
    import zipfile

    from openpyxl import load_workbook

    hint = "请用 Excel 或 WPS 打开后另存为 .xlsx 格式再导入。"
    try:
        book = load_workbook(path, read_only=True, data_only=False)
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"无法读取 Excel 文件：{exc}", file=str(path), hint=hint) from None
    grids = []
    with archive:
        for ws in book.worksheets:
            grid = Grid(ws.title, {}, source=path)
            for row in ws.iter_rows():
                for cell in row:
                    value = getattr(cell, "value", None)
                    if value is None:
                        continue
                    key = (cell.row, cell.column)
                    grid.formulas[key] = value
                    grid.max_col = max(grid.max_col, cell.column)
                    if isinstance(value, str) and not value.startswith("="):
                        grid.texts.setdefault(norm(value), []).append(key)
            try:
                xml = archive.read(ws._worksheet_path)
            except KeyError:
                xml = b""
            for first, last in _MERGE.findall(xml):
                c0, r0 = _position(first.decode())
                c1, r1 = _position(last.decode())
                box = (r0, c0, r1, c1)
                for r in range(r0, r1 + 1):
                    for c in range(c0, c1 + 1):
                        grid.merged[(r, c)] = box
            grids.append(grid)
    book.close()
    return grids


def _position(ref: str) -> tuple[int, int]:
    """``C12`` → (3, 12)."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(ref)
    return column_index_from_string(letters), row


# --------------------------------------------------------------------------- cover


def _cover_value(grids: list[Grid], key: str) -> tuple[Any, str] | None:
    for grid in grids:
        for row, col in grid.find(TOP_LEVEL[key]):
            found = grid.right_of(row, col)
            if found:
                return grid.value(found), grid.ref(*found)
    return None


def _title_year(grids: list[Grid]) -> tuple[int, str, str] | None:
    """Year and agency from a title cell (某某局2025年政府信息公开工作年度报告) on any sheet."""
    for grid in grids:
        for (row, col), value in sorted(grid.formulas.items()):
            if not isinstance(value, str) or len(value) > 80:
                continue
            m = _TITLE_YEAR.match(norm(value))
            if m and "公开" in value and 2000 < int(m.group(2)) < 2100:
                return int(m.group(2)), m.group(1), grid.ref(row, col)
    return None


def _year(grids: list[Grid], name: str) -> tuple[int, str]:
    given = _cover_value(grids, "year")
    if given is not None:
        value, ref = given
        m = re.match(r"^(\d{4})(年|年度)?$", norm(value))
        if isinstance(value, (int, float)) and float(value).is_integer():
            return int(value), ref
        if m:
            return int(m.group(1)), ref
        raise InputError(
            f"{ref}：{TOP_LEVEL['year']}应是四位数的年份，实际为「{value}」", file=name
        )
    titled = _title_year(grids)
    if titled:
        return titled[0], titled[2]
    raise InputError(
        f"工作簿中找不到{TOP_LEVEL['year']}",
        file=name,
        hint=f"在一个单元格写“{TOP_LEVEL['year']}”，右边一格写年份（如 2025）；"
        "或在表格上方写报告标题（如“某某局2025年政府信息公开工作年度报告”）。",
    )


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = re.match(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$", norm(value))
    if m:
        try:
            return dt.date(*map(int, m.groups()))
        except ValueError:
            return None
    return None


# --------------------------------------------------------------------------- tables


@dataclass
class Found:
    """Where one table's rows and columns are on a sheet."""

    grid: Grid
    rows: dict[str, int]  # row leaf dotted path -> sheet row
    columns: dict[tuple[int, str], tuple[int, str | None]]  # (block, column path) -> col, variant
    missing: list[str] = field(default_factory=list)


def _ancestors_above(grid: Grid, row: int, col: int, node: Node) -> bool:
    """True when every labelled group of ``node`` heads the column ``col`` above ``row``."""
    parent = node.parent
    limit = row
    while parent is not None:
        if parent.label:
            hits = [
                (r, c)
                for r, c in grid.find(parent.label)
                if r < limit and grid.span(r, c)[0] <= col <= grid.span(r, c)[1]
            ]
            if not hits:
                return False
            limit = max(r for r, _ in hits)
        parent = parent.parent
    return True


def _column(grid: Grid, node: Node, above: int | None) -> tuple[int, int, str | None] | None:
    """(column, last header row, variant) of leaf column ``node``: nearest above ``above``."""
    names = [(node.label, None)]
    for variant, labels in (node.extra.get("variants") or {}).items():
        names += [(text, f"{variant}={choice}") for choice, text in labels.items()]
    best = None
    for text, variant in names:
        for r, c in grid.find(text):
            if above is not None and r >= above:
                continue
            if not _ancestors_above(grid, r, c, node):
                continue
            c0, _, bottom = grid.span(r, c)
            if (
                best is None
                or (above is not None and r > best[3])
                or (above is None and r < best[3])
            ):
                best = (c0, bottom, variant, r)
    return best[:3] if best else None


def _locate(grid: Grid, table: Table) -> Found:
    found = Found(grid, {}, {})
    for b, block in enumerate(table.blocks):
        first_row = None
        for leaf in block.row_leaves:
            if not leaf.label:
                continue
            hits = grid.find(leaf.label)
            if hits:
                found.rows[leaf.dotted] = hits[0][0]
                first_row = hits[0][0] if first_row is None else min(first_row, hits[0][0])
            else:
                found.missing.append(leaf.dotted)
        bottom = 0
        for col in block.column_leaves:
            spot = _column(grid, col, first_row)
            if spot is None:
                continue
            found.columns[(b, col.dotted)] = (spot[0], spot[2])
            bottom = max(bottom, spot[1])
        for leaf in block.row_leaves:
            if not leaf.label and bottom:
                found.rows[leaf.dotted] = bottom + 1
    return found


def _score(found: Found, table: Table) -> int:
    return len(found.rows) * 2 + len(found.columns)


def _locate_table(grids: list[Grid], table: Table) -> Found | None:
    """The sheet that carries ``table``'s labels best (its own named sheet on a tie)."""
    ranked = sorted(
        ((_score(f, table), g.name == table.name, f) for g in grids for f in [_locate(g, table)]),
        key=lambda t: (t[0], t[1]),
        reverse=True,
    )
    if not ranked or ranked[0][0] == 0:
        return None
    return ranked[0][2]


def parse_cell(cell: Cell, formula: Any, value: Any, ref: str) -> tuple[Any, str | None, bool]:
    """(value, unit written in the cell, blank) of one value cell; raises :class:`BadCell`."""
    what = cell.describe()
    if isinstance(formula, str) and formula.startswith("="):
        if value is None:
            raise BadCell(
                ref,
                f"{what}是公式，但文件里没有保存计算结果",
                "请用 Excel 或 WPS 打开此文件、保存后再导入，或把公式改成数字。",
            )
        formula = value
    if formula is None or (isinstance(formula, str) and norm(formula) in _BLANK_TEXTS):
        return 0, None, True
    unit = None
    number: Any = formula
    if isinstance(formula, bool):
        raise BadCell(ref, f"{what}应填数字，实际为「{formula}」")
    if isinstance(formula, str):
        text = norm(formula).replace(",", "")
        for u in cell.column.extra.get("units", ()):
            if text.endswith(u):
                unit, text = u, text[: -len(u)]
                break
        if not _NUMBER.match(text):
            raise BadCell(ref, f"{what}应填数字，实际为「{formula}」", "没有的填 0。")
        number = Decimal(text)
    if isinstance(number, float):
        number = Decimal(repr(number))
    if isinstance(number, (dt.date, dt.datetime, dt.time)):
        raise BadCell(ref, f"{what}应填数字，实际是日期", "把单元格格式改为“常规”或“数值”。")
    number = Decimal(number) if not isinstance(number, Decimal) else number
    if cell.type == "money":
        if number < 0:
            raise BadCell(ref, f"{what}不能是负数，实际为 {number}")
        if number == number.to_integral_value():
            number = Decimal(int(number))
        return number, unit, False
    if number != number.to_integral_value():
        raise BadCell(ref, f"{what}应是整数（件数），实际为 {number}")
    whole = int(number)
    if cell.type == "count" and whole < 0:
        raise BadCell(ref, f"{what}不能是负数，实际为 {whole}", "件数应填不小于 0 的整数。")
    if abs(whole) > MAX_COUNT:
        raise BadCell(ref, f"{what}的数字大得不合理：{whole}")
    return whole, unit, False


class BadCell(Exception):
    def __init__(self, ref: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.ref, self.message, self.hint = ref, message, hint


def _put(data: dict, path: list[str], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def _row_unit(grid: Grid, row: int, col: int, column: Node) -> str | None:
    units = column.extra.get("units", ())
    for c in range(col + 1, grid.max_col + 1):
        text = norm(grid.formulas.get((row, c)))
        if text in units:
            return text
    return None


def read_tables(result, grids: list[Grid]) -> dict[str, str]:
    """Fill ``result.data`` with every table's rows, reporting each bad cell by reference;
    returns where each cell was found (path → ``表三!C12``)."""
    from reportgen.importer.result import Finding

    refs: dict[str, str] = {}
    fmt: Format = result.format
    for table in fmt.tables.values():
        found = _locate_table(grids, table)
        if found is None:
            for block in table.blocks:
                for leaf in block.row_leaves:
                    result.skip(_row_key(table, leaf), f"工作簿中找不到{table.name}")
            result.findings.append(
                Finding("error", f"工作簿中找不到{table.name}（{table.caption}）的表头和行名")
            )
            continue
        result.confidence[table.key] = 1.0
        result.sections_found[table.key] = table.heading
        grid = found.grid
        for b, block in enumerate(table.blocks):
            for leaf in block.row_leaves:
                _read_row(result, table, b, block, leaf, found, grid, Finding, refs)
    return refs


def _row_key(table: Table, leaf: Node) -> str:
    return f"{table.key}.{leaf.dotted}" if leaf.dotted else table.key


def _read_row(result, table, b, block: Block, leaf: Node, found: Found, grid, Finding, refs):
    key = _row_key(table, leaf)
    row = found.rows.get(leaf.dotted)
    if row is None:
        label = leaf.label or table.caption
        result.skip(key, f"{grid.name} 中找不到行名“{label}”")
        result.findings.append(Finding("error", f"{table.name}找不到“{label}”这一行", grid.name))
        return
    values: dict[tuple[str, ...], Any] = {}
    blanks: list[str] = []
    attributes: dict[str, Any] = {}
    for column in block.column_leaves:
        spot = found.columns.get((b, column.dotted))
        if spot is None:
            result.skip(key, f"{grid.name} 中找不到列名“{column.label}”")
            result.findings.append(
                Finding("error", f"{table.name}找不到“{column.label}”这一列", grid.ref(row, 1))
            )
            return
        col, variant = spot
        cell = table.cells[".".join((table.key, *leaf.path, *column.path))]
        formula = grid.formulas.get((row, col))
        ref = grid.ref(row, col)
        refs[cell.path] = ref
        if cell.computed and isinstance(formula, str) and formula.startswith("="):
            continue  # a total left to its formula is computed from its parts
        try:
            value, unit, blank = parse_cell(cell, formula, grid.value((row, col)), ref)
        except BadCell as bad:
            result.skip(key, f"{bad.ref}：{bad.message}")
            result.findings.append(Finding("error", bad.message, bad.ref))
            return
        if blank:
            if cell.computed:
                continue
            blanks.append(column.label)
        values[column.path] = value
        if variant:
            name, choice = variant.split("=", 1)
            attributes[name] = int(choice) if choice.isdigit() else choice
        unit_key = column.extra.get("unit_key")
        if unit_key:
            unit = unit or _row_unit(grid, row, col, column)
            if unit is None:
                units = "或".join(column.extra["units"])
                result.skip(key, f"{ref}：找不到{column.label}的单位（{units}）")
                result.findings.append(
                    Finding("error", f"{cell.describe()}没有写单位（{units}）", ref)
                )
                return
            attributes[unit_key] = unit
    _record_row(result, table, block, leaf, values, grid.ref(row, _label_column(found, leaf)))
    if blanks:
        result.blanks[key] = blanks
        result.note(key, "空白按 0 填写：" + "、".join(blanks))
        result.findings.append(
            Finding(
                "warning",
                f"{table.name}“{leaf.label or table.caption}”有空白单元格，按 0 填写",
                grid.ref(row, 1),
            )
        )
    values.update({(name,): value for name, value in attributes.items()})
    target = result.data.setdefault(table.key, {})
    for column_path, value in values.items():
        _put(target, [*leaf.path, *column_path], value)


def _label_column(found: Found, leaf: Node) -> int:
    hits = found.grid.find(leaf.label) if leaf.label else []
    return hits[0][1] if hits else 1


def _record_row(result, table: Table, block: Block, leaf: Node, values: dict, ref: str) -> None:
    """What ``import --json`` reports for a row: read, where, and its values in column order."""
    from reportgen.importer.sources import Line
    from reportgen.importer.tables import RowRead

    line = Line([leaf.label or table.caption], ref)
    ordered = [values.get(column.path) for column in block.column_leaves]
    path = leaf.dotted or "values"
    result.rows[(table.key, path)] = RowRead(table.key, leaf, leaf.label, line, values=ordered)


# --------------------------------------------------------------------------- texts


def read_texts(result, grids: list[Grid]) -> None:
    from reportgen.excel.workbook import text_rows

    sections: dict[str, str] = {}
    for key, label in text_rows(result.format):
        text, seen = "", False
        for grid in grids:
            for row, col in grid.find(label):
                seen = True
                spot = grid.right_of(row, col)
                if spot is not None:
                    value = grid.value(spot)
                    text = str(value).replace("\r\n", "\n")
                break
            if seen:
                break
        result.sections_found[key] = label if seen else None
        if text or key != "preface":
            sections[key] = text
    result.sections = sections
    result.data["sections"] = sections


# --------------------------------------------------------------------------- entry


def import_workbook(path: str | Path):
    """Read ``path`` (.xlsx) into an :class:`~reportgen.importer.result.ImportResult`."""
    from reportgen.importer.result import Finding, ImportResult

    path = Path(path)
    if not path.is_file():
        raise InputError("文件不存在", file=str(path))
    grids = _grids(path)
    year, year_ref = _year(grids, str(path))
    fmt = format_for_year(year)
    if fmt is None:
        raise InputError(
            f"{year_ref}：不支持 {year} 年的报告",
            file=str(path),
            hint="支持 2019 年及以后的年度报告。",
        )
    agency = _cover_value(grids, "agency")
    agency_text = norm(agency[0]) if agency else ""
    if not agency_text:
        titled = _title_year(grids)
        agency_text = titled[1] if titled else ""
    result = ImportResult(source=str(path), kind="xlsx", format=fmt, year=year, agency=agency_text)
    result.data = {"year": year, "agency": agency_text}
    if not agency_text:
        result.findings.append(Finding("warning", f"工作簿中找不到{TOP_LEVEL['agency']}"))
    title = _cover_value(grids, "title")
    if title and str(title[0]).strip():
        result.data["title"] = str(title[0]).strip()
    published = _cover_value(grids, "published")
    if published:
        date = _date(published[0])
        if date is None:
            result.findings.append(
                Finding(
                    "warning", f"{TOP_LEVEL['published']}不是日期：「{published[0]}」", published[1]
                )
            )
        else:
            result.published, result.published_from = date, TOP_LEVEL["published"]
            result.data["published"] = date
    refs = read_tables(result, grids)
    read_texts(result, grids)
    _check_cells(result, refs)
    return result


def _check_cells(result, refs: dict[str, str]) -> None:
    """The report's own checks (一+二 = 三+四 …), each named by the cell it is about, so a
    department sees 表三!J5 rather than a line of a YAML file it never opened."""
    from reportgen.importer.result import Finding
    from reportgen.validate import check_text

    outcome = check_text(result.to_yaml(), result.source)
    if outcome.report is None:
        return  # rows were left out: the findings above say which
    for problem in outcome.problems:
        ref = refs.get(problem.path or "")
        if ref is not None:
            result.findings.append(
                Finding(problem.severity, f"{problem.rule} {problem.message}", ref)
            )


def workbook_report_text(path: str | Path) -> str:
    """The report file (YAML) a workbook reads as, for ``--previous 2025.xlsx``."""
    result = import_workbook(path)
    if result.skipped:
        first = next(iter(result.skipped.values()))
        raise InputError(
            f"工作簿有 {len(result.skipped)} 行读不出，例如：{first}",
            file=str(path),
            hint=f"先运行 reportgen import {Path(path).name} 查看并改正每个单元格。",
        )
    return result.to_yaml()

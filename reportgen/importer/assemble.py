"""Put what was read into the shape of a report file.

:func:`import_document` runs the steps in order: title and section headings
(:mod:`.sections`), table rows (:mod:`.reader`), the format version (:mod:`.versions`), the
values of each row (:mod:`.tables`; digits run together: :mod:`.digit_runs`), then the
report data built here, the section texts and the confidence.  Building the data is where
the import policy is applied: numbers as published, blank cells as 0 with a note, rows
that were not read left out with their reason, and table 三's （六）其他处理 carried over
from the other version's shape when the report mixes the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportgen.definition import Node, format_for_year, formats
from reportgen.errors import InputError
from reportgen.importer import sections as sec
from reportgen.importer import versions
from reportgen.importer.confidence import rate
from reportgen.importer.digit_runs import solve
from reportgen.importer.labels import index, key
from reportgen.importer.reader import read_rows, table_region
from reportgen.importer.result import Finding, ImportResult
from reportgen.importer.sources import Document
from reportgen.importer.stream import relined
from reportgen.importer.tables import RowRead, block_of, row_columns, row_leaves, settle
from reportgen.importer.title import read_title


def import_document(document: Document) -> ImportResult:
    """Import the lines of one published report."""
    labels = index()
    lines = relined(document.lines, labels)
    title = read_title(lines, min(len(lines), 40))
    headings = sec.find_headings(lines, formats()["v2021"])
    if title.year is None:
        raise InputError(
            "找不到报告标题中的年度（如“2024年政府信息公开工作年度报告”）",
            file=document.name,
            hint="导入的应是一份政府信息公开工作年度报告。",
        )
    if format_for_year(title.year) is None:
        raise InputError(
            f"不支持 {title.year} 年的报告：2019 年以前的年度报告格式完全不同",
            file=document.name,
            hint="reportgen 支持 2019 年及以后的年度报告（2019年版和2021年版格式）。",
        )
    findings: list[Finding] = []
    start, end = table_region(lines, headings, title.title_index, labels)
    read = read_rows(lines[start:end], labels, findings)

    found_versions = versions.decide(title.year, read.evidence)
    fmt = versions.chosen(found_versions)
    result = ImportResult(
        source=document.name,
        kind=document.kind,
        format=fmt,
        year=title.year,
        agency=title.agency or "",
        agency_from=title.agency_from,
        year_from=title.year_from,
        versions=found_versions,
        findings=findings,
    )
    versions.report_mixed(result)

    for (table, path), row in read.rows.items():
        columns = row_columns(fmt, table, path)
        if columns is not None:
            settle(row, fmt, columns)
    solve(read.rows, fmt)
    result.rows = read.rows
    _build_data(result, read.precision)

    sec.read_sections(result, lines, headings, title, document.kind, start)
    rate(result)
    return result


def _cells(columns: Sequence[Node], values: list[Any]) -> tuple[dict[str, Any], list[str]]:
    """A row's mapping for the report file, and the labels of its blank cells.

    A blank cell is written as 0, except a blank total, which is left out to be computed.
    """
    mapping: dict[str, Any] = {}
    blank = []
    for column, value in zip(columns, values, strict=False):
        if value is None:
            blank.append(column.label)
            if column.sum_of:
                continue
            value = 0
        mapping[column.key] = value
    return mapping, blank


def _build_data(result: ImportResult, precision: tuple[str, Any] | None) -> None:
    fmt = result.format
    data: dict[str, Any] = {"year": result.year, "agency": result.agency}
    rows = result.rows

    def place(table: str, leaf: Node, read: RowRead | None, target: dict[str, Any]) -> None:
        path = f"{table}.{leaf.dotted}"
        if read is None:
            result.skip(path, "原文中没有这一行")
            return
        if not read.readable:
            result.skip(path, f"{read.source}：{read.reason}")
            result.findings.append(
                Finding(
                    "error",
                    f"{fmt.tables[table].name}“{leaf.label}”读不出：{read.reason}",
                    read.line.ref,
                )
            )
            return
        columns = row_columns(fmt, table, leaf.dotted)
        mapping, blank = _cells(columns, read.values)
        for column in columns:
            unit_key = column.extra.get("unit_key")
            if unit_key:
                if read.unit:
                    mapping[unit_key] = read.unit
                elif mapping.get(column.key):
                    result.note(
                        path, f"原文未注明{column.label}的单位，按{column.extra['units'][0]}"
                    )
            for variant in column.extra.get("variants", {}):
                if precision is not None and precision[0] == variant:
                    mapping[variant] = precision[1]
        if blank:
            result.blanks[path] = blank
            result.note(path, "原文空白：" + "、".join(blank))
        if read.status == "split":
            result.note(path, read.reason)
        if read.status == "split" and not read.forced:
            result.findings.append(
                Finding("warning", f"“{leaf.label}”：{read.reason}", read.line.ref)
            )
        if not read.exact_label and key(read.label) != key(leaf.label):
            result.note(path, f"原文标签“{read.label}”")
        node = target
        for part in leaf.path[:-1]:
            node = node.setdefault(part, {})
        node[leaf.path[-1]] = mapping

    for tkey in ("proactive", "applications"):
        target = data.setdefault(tkey, {})
        for leaf in row_leaves(fmt.tables[tkey]):
            place(tkey, leaf, rows.get((tkey, leaf.dotted)), target)
        if tkey == "proactive":
            _report_foreign_rows(result)
    _mixed_other(result, data)
    _place_appeals(result, data.setdefault("appeals", {}))
    result.data = data


def _report_foreign_rows(result: ImportResult) -> None:
    """Table-二 rows of the other version have no place in this format: say so."""
    fmt = result.format
    for (table, path), read in result.rows.items():
        if table == "proactive" and block_of(fmt.id, table, path) is None:
            result.findings.append(
                Finding("warning", f"表二“{read.label}”不属于{fmt.name}，未导入", read.line.ref)
            )


def _place_appeals(result: ImportResult, target: dict[str, Any]) -> None:
    """Table 四's one row, as the report file keys it: one mapping per column group."""
    appeals = result.format.tables["appeals"]
    read = result.rows.get(("appeals", ""))
    groups = [g for c in appeals.blocks[0].columns for g in c.walk() if g.key and g.children]
    if read is None or not read.readable:
        reason = "原文中没有这张表" if read is None else f"{read.source}：{read.reason}"
        for group in groups:
            result.skip(f"appeals.{group.key}", reason)
        if read is not None:
            result.findings.append(Finding("error", f"表四读不出：{read.reason}", read.line.ref))
        return
    values = iter(read.values)
    for group in groups:
        mapping, blank = _cells(group.children, [next(values) for _ in group.children])
        target[group.key] = mapping
        if blank:
            result.blanks[f"appeals.{group.key}"] = blank
            result.note(f"appeals.{group.key}", "原文空白：" + "、".join(blank))
    if read.status == "split":
        result.note(f"appeals.{groups[0].key}", read.reason)


def _mixed_other(result: ImportResult, data: dict[str, Any]) -> None:
    """（六）其他处理 printed in the other version's shape: keep the numbers, say where."""
    fmt = result.format
    rows = result.rows
    apps = data["applications"]
    columns = fmt.tables["applications"].blocks[0].column_leaves
    if fmt.id == "v2021":
        single = rows.get(("applications", "other"))
        subs = versions.other_group("v2021").leaves()
        if single is None or not single.readable:
            return
        if any(("applications", n.dotted) in rows for n in subs):
            return
        last = subs[-1]
        mapping, _ = _cells(columns, single.values)
        apps.setdefault("other", {})
        for n in subs:
            path = f"applications.{n.dotted}"
            result.skipped.pop(path, None)
            result.notes.pop(path, None)
            if n is last:
                apps["other"][n.key] = mapping
                result.notes[path] = (
                    f"原文只有一行“{single.label}”（{formats()['v2019'].name}的写法，"
                    f"{single.line.ref}），其数字记在这一行"
                )
            else:
                apps["other"][n.key] = {c.key: 0 for c in columns if not c.sum_of}
                result.notes[path] = f"原文没有这一行（只有一行“{single.label}”），按 0 填写"
    else:
        subs = [
            rows.get(("applications", n.dotted)) for n in versions.other_group("v2021").leaves()
        ]
        if ("applications", "other") in rows or not any(subs):
            return
        if not all(s is not None and s.readable for s in subs):
            return
        summed = []
        for values in zip(*(s.values for s in subs), strict=True):
            summed.append(None if all(v is None for v in values) else sum(v or 0 for v in values))
        apps["other"], _ = _cells(columns, summed)
        result.skipped.pop("applications.other", None)
        result.notes["applications.other"] = (
            "原文按2021年版格式分三行（逾期不补正、逾期未缴费、其他），这里是三行之和"
        )
        result.mixed = True

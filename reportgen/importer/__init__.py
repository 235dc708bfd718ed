"""``reportgen import``: turn a published report back into a report file.

:func:`import_file` reads a source (:mod:`.sources`), finds the title, the six sections
(:mod:`.sections`) and the rows of tables 二, 三 and 四 (:mod:`.tables`, labels matched by
:mod:`.labels` against the format definitions), decides the format version from the labels,
and returns an :class:`ImportResult` that can be written as a commented report file
(:meth:`ImportResult.to_yaml`) and described as JSON (:meth:`ImportResult.to_json`).

Policy, for people auditing published reports:

* Numbers are kept as published, including totals that are not sums (``check`` reports them).
* A blank cell is written as 0 and the row's comment says which cells were blank.
* A row that cannot be read (columns that cannot be aligned, an ambiguous run of digits) or
  is not in the source at all is *not* written: its line is commented out with the reason
  and source line, so ``reportgen check`` reports the missing row and nothing is invented;
  the import then exits 1.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportgen.definition import Format, Node, format_for_year, formats
from reportgen.errors import InputError
from reportgen.importer import sections as sec
from reportgen.importer.labels import index, key
from reportgen.importer.sources import Document, Line, read_source, text_lines
from reportgen.importer.tables import RowRead, Token, block_of, settle, tokenize

SKIPPED_MARK = "未导入："


@dataclass
class Finding:
    severity: str  # error | warning | info
    message: str
    ref: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class ImportResult:
    """Everything import found in one source, and what it did not find."""

    source: str
    kind: str
    format: Format
    year: int
    agency: str
    published: dt.date | None = None
    published_from: str | None = None
    sections: dict[str, str] = field(default_factory=dict)
    sections_found: dict[str, str | None] = field(default_factory=dict)
    rows: dict[tuple[str, str], RowRead] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # "table.row" -> reason
    blanks: dict[str, list[str]] = field(default_factory=dict)  # "table.row" -> columns
    findings: list[Finding] = field(default_factory=list)
    versions: dict[str, str | None] = field(default_factory=dict)
    mixed: bool = False
    confidence: dict[str, float] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when every row of every table was read."""
        return not self.skipped

    @property
    def exit_code(self) -> int:
        return 0 if self.complete else 1

    def to_yaml(self) -> str:
        from reportgen.writer import dump_report

        header = [f"由 reportgen import 从 {Path(self.source).name} 导入（{self.kind}）。"]
        if self.published_from == "发布时间":
            header.append("原文没有落款日期：published 取网页“发布时间”。")
        if self.mixed:
            header.append("原文混用了两版格式的表格，见各行注释。")
        if self.skipped:
            header.append(
                "注释掉的“（未导入）”行在原文中找不到或读不出，没有编造数字；"
                "reportgen check 会报告缺少这些行。"
            )
        if self.blanks:
            header.append("原文空白的单元格按 0 填写，并在该行注释中注明。")
        text = dump_report(self.format, self.data, notes=self.notes, header=header)
        return _comment_out(text, self.format, self.skipped, self.sections_found)

    def to_json(self) -> dict[str, Any]:
        tables: dict[str, Any] = {}
        for tkey, table in self.format.tables.items():
            rows = {}
            for leaf in _leaves(table):
                path = leaf.dotted or "values"
                read = self.rows.get((tkey, path))
                entry: dict[str, Any] = {"label": leaf.label or table.caption}
                if read is None:
                    entry["status"] = "not_found"
                else:
                    entry.update(
                        status=read.status,
                        published_label=read.label,
                        source=read.source,
                        values=[_json_value(v) for v in read.values] if read.readable else None,
                    )
                    if read.reason:
                        entry["reason"] = read.reason
                    if read.candidates:
                        entry["candidates"] = read.candidates
                    if read.unit:
                        entry["unit"] = read.unit
                note_key = f"{tkey}.{path}" if leaf.dotted else f"{tkey}"
                blanks = [b for k, v in self.blanks.items() if k.startswith(note_key) for b in v]
                if blanks:
                    entry["blank_cells"] = blanks
                rows[path] = entry
            tables[tkey] = {
                "name": table.name,
                "caption": table.caption,
                "confidence": self.confidence.get(tkey, 0.0),
                "rows": rows,
            }
        found = [k for k, v in self.sections_found.items() if v]
        return {
            "source": self.source,
            "kind": self.kind,
            "agency": self.agency,
            "year": self.year,
            "published": self.published.isoformat() if self.published else None,
            "published_from": self.published_from,
            "format": self.format.id,
            "versions": self.versions,
            "mixed_versions": self.mixed,
            "sections": {
                s.key: {"label": s.label, "heading": self.sections_found.get(s.key)}
                for s in self.format.sections
            },
            "found": {
                "sections": found,
                "rows": sorted(f"{t}.{r}" for (t, r), v in self.rows.items() if v.readable),
            },
            "not_found": {
                "sections": [s.key for s in self.format.sections if s.key not in found],
                "rows": sorted(self.skipped),
            },
            "blank_cells": self.blanks,
            "tables": tables,
            "findings": [f.to_dict() for f in self.findings],
            "complete": self.complete,
        }


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def _leaves(table) -> list[Node]:
    out = []
    for block in table.blocks:
        out.extend(block.row_leaves)
    return out


# --------------------------------------------------------------------------- entry points


def import_file(path: str | Path) -> ImportResult:
    """Read and import one published report."""
    document = read_source(path)
    return import_document(document)


def import_text(text: str, name: str = "<text>") -> ImportResult:
    """Import a report given as plain text (as scraped from a web page)."""
    return import_document(Document(text_lines(text), "text", name))


def import_document(document: Document) -> ImportResult:
    lines = document.lines
    labels = index()
    title = sec.read_title(lines, min(len(lines), 40))
    any_fmt = formats()["v2021"]
    headings = sec.find_headings(lines, any_fmt)
    if title.year is None:
        raise InputError(
            "找不到报告标题中的年度（如“2024年政府信息公开工作年度报告”）",
            file=document.name,
            hint="导入的应是一份政府信息公开工作年度报告。",
        )
    findings: list[Finding] = []

    # ---- tables: rows anchored on labels, between section 二 and section 五
    start = _table_start(lines, headings, title.title_index)
    end = headings["problems"].index if "problems" in headings else len(lines)
    if "other_matters" in headings and "problems" not in headings:
        end = headings["other_matters"].index
    rows, evidence, extras = _read_rows(lines[start:end], labels, findings)

    year_fmt = format_for_year(title.year)
    proactive_fmt = _vote(evidence["proactive"])
    apps_fmt = _vote(evidence["applications"])
    fmt = formats()[proactive_fmt or apps_fmt or year_fmt.id]
    versions = {
        "year": year_fmt.id,
        "proactive": proactive_fmt,
        "applications": apps_fmt,
    }
    result = ImportResult(
        source=document.name,
        kind=document.kind,
        format=fmt,
        year=title.year,
        agency=title.agency or "",
        versions=versions,
        findings=findings,
    )
    if not title.agency:
        findings.append(Finding("warning", "标题中找不到机关名称"))
    if fmt.id != year_fmt.id:
        result.mixed = True
        findings.append(
            Finding(
                "warning",
                f"{title.year} 年的报告应使用{year_fmt.name}，原文表格却是{fmt.name}",
            )
        )
    if apps_fmt and apps_fmt != fmt.id:
        result.mixed = True
        single = formats()["v2019"].tables["applications"].block_of_row("other")[1]
        findings.append(
            Finding(
                "warning",
                f"原文混用两版格式：表二是{fmt.name}，表三的“{single.label}”却是"
                f"{formats()[apps_fmt].name}的写法；已按{fmt.name}导入，见该行注释",
            )
        )

    for (table, path), row in rows.items():
        width = _width(fmt, table, path)
        if width is None:
            continue
        settle(row, fmt, width)
    _resolve_by_columns(rows)
    result.rows = rows
    _build_data(result, extras)

    # ---- sections
    _read_sections(result, lines, headings, title, document.kind, start)
    _confidence(result)
    return result


def _table_start(lines: list[Line], headings, title_index: int | None) -> int:
    if "proactive" in headings:
        return headings["proactive"].index
    labels = index()
    begin = headings["overview"].index + 1 if "overview" in headings else (title_index or 0)
    for i in range(begin, len(lines)):
        for token in tokenize(lines[i], labels):
            if token.match and token.match.label.kind in ("title", "corner", "row"):
                return i
    return len(lines)


def _vote(counter: Counter) -> str | None:
    if not counter:
        return None
    (best, n), *rest = counter.most_common()
    if rest and rest[0][1] == n:
        return None
    return best


def _appeals_header(label) -> bool:
    if label.kind == "section":
        return label.section == "appeals"
    if label.table != "appeals":
        return False
    return all(lb.table == "appeals" for lb in index().by_key.get(key(label.text), []))


def _read_rows(lines: list[Line], labels, findings: list[Finding]):
    """Walk the table region; returns rows by (table, dotted path) and version evidence."""
    rows: dict[tuple[str, str], RowRead] = {}
    evidence = {"proactive": Counter(), "applications": Counter()}
    extras: dict[str, Any] = {}
    current: RowRead | None = None
    appeals: RowRead | None = None
    appeals_mode = False
    v2021_other = {
        n.dotted
        for n in formats()["v2021"].tables["applications"].block_of_row("other")[1].leaves()
    }
    precision_keys = {}
    for node in formats()["v2021"].tables["proactive"].cells.values():
        for variant, choices in node.column.extra.get("variants", {}).items():
            for value, text in choices.items():
                precision_keys[key(text)] = (variant, value)

    def close(row: RowRead | None) -> None:
        if row is None:
            return
        ident = (row.table, row.node.dotted)
        has_values = any(t.kind in ("value", "blank") for t in row.raw)
        if not has_values and row.table == "applications" and row.node.dotted == "other":
            return  # （六）其他处理 as the group heading of the 2021 sub-rows
        if ident in rows:
            findings.append(
                Finding(
                    "warning",
                    f"“{row.label}”出现了不止一次，只取第一次（{rows[ident].line.ref}）",
                    row.line.ref,
                )
            )
            return
        rows[ident] = row

    fragment = ""  # unmatched label text: a long label wrapped over lines (PDF cells)
    for line in lines:
        tokens = tokenize(line, labels)
        opened_here = False
        has_number = any(t.kind == "value" for t in tokens)
        has_label = any(t.kind == "label" and t.match for t in tokens)
        for token in tokens:
            if token.kind == "label":
                match = token.match
                if match is None:
                    fragment += token.text
                    if fragment == token.text:
                        continue
                    match = labels.match(fragment)
                    if match is None or match.label.kind != "row":
                        continue
                    token = Token("label", fragment, line, match)
                fragment = ""
                label = match.label
                if label.table == "proactive" and len(label.format_ids) == 1:
                    evidence["proactive"][label.format_ids[0]] += 1
                if key(token.text) in precision_keys:
                    extras["precision"] = precision_keys[key(token.text)]
                if label.kind == "row":
                    close(current)
                    current = RowRead(
                        label.table, label.node, token.text, line, exact_label=match.exact
                    )
                    opened_here = True
                    dotted = label.node.dotted
                    if label.table == "applications" and dotted in v2021_other:
                        evidence["applications"]["v2021"] += 1
                    continue
                if _appeals_header(label):
                    close(current)
                    current = None
                    appeals_mode = True
                    if appeals is None:
                        appeals = RowRead("appeals", None, "", line)
                    continue
                if current is not None and any(t.kind == "value" for t in current.raw):
                    close(current)
                    current = None
                continue
            fragment = ""
            empty = token.kind == "blank" and token.text == ""
            if empty and not opened_here and (has_label or not has_number):
                continue
            target = current if current is not None else (appeals if appeals_mode else None)
            if target is None:
                continue
            target.raw.append(token)
            if line not in target.lines:
                target.lines.append(line)
    close(current)
    single = rows.get(("applications", "other"))
    if single is not None and any(t.kind == "value" for t in single.raw):
        evidence["applications"]["v2019"] += 1
    if appeals is not None and appeals.raw:
        appeals.line = appeals.lines[0]
        appeals.label = formats()["v2021"].tables["appeals"].caption
        rows[("appeals", "")] = appeals
    return rows, evidence, extras


def _width(fmt: Format, table: str, path: str) -> int | None:
    t = fmt.tables[table]
    if table == "appeals":
        return len(t.blocks[0].column_leaves)
    found = block_of(fmt.id, table, path)
    if found is None:
        if table == "applications":
            return len(t.blocks[0].column_leaves)  # a row of the other version
        return None
    return len(found[0].column_leaves)


def _resolve_by_columns(rows: dict[tuple[str, str], RowRead]) -> None:
    """Settle ambiguous rows of table 三 with the column balance (T3-1, T3-3), if unique."""
    apps = {p: r for (t, p), r in rows.items() if t == "applications"}
    open_rows = [p for p, r in apps.items() if r.status == "ambiguous"]
    if not open_rows or any(not r.readable for r in apps.values() if r.status != "ambiguous"):
        return
    fixed = {p: r.values for p, r in apps.items() if r.readable}
    results = [p for p in apps if p not in ("new_received", "carried_over", "carried_forward")]
    results = [p for p in results if p != "results_total"]
    needed = {"new_received", "carried_over", "carried_forward", "results_total"}
    if not needed <= set(apps):
        return
    options = [apps[p].candidates for p in open_rows]
    total = 1
    for o in options:
        total *= len(o)
    if total > 20000:
        return
    import itertools

    fitting = []
    for combo in itertools.product(*options):
        values = dict(fixed)
        values.update(zip(open_rows, combo, strict=True))
        if any(v is None for row in values.values() for v in row):
            return
        ok = all(
            values["results_total"][c] == sum(values[p][c] for p in results)
            and values["new_received"][c] + values["carried_over"][c]
            == values["results_total"][c] + values["carried_forward"][c]
            for c in range(7)
        )
        if ok:
            fitting.append(combo)
    if len(fitting) == 1:
        for p, values in zip(open_rows, fitting[0], strict=True):
            row = apps[p]
            row.values = list(values)
            row.status = "split"
            row.reason += "；按表三各列的勾稽关系只有一种拆法成立：" + " / ".join(map(str, values))
            row.candidates = []


# --------------------------------------------------------------------------- data


def _build_data(result: ImportResult, extras: dict[str, Any]) -> None:
    fmt = result.format
    data: dict[str, Any] = {"year": result.year, "agency": result.agency}
    rows = result.rows

    def note(path: str, text: str) -> None:
        result.notes[path] = f"{result.notes[path]}；{text}" if path in result.notes else text

    def skip(path: str, reason: str) -> None:
        result.skipped[path] = reason
        note(path, SKIPPED_MARK + reason)

    def place(table: str, leaf: Node, read: RowRead | None, target: dict[str, Any]) -> None:
        path = f"{table}.{leaf.dotted}"
        if read is None:
            skip(path, "原文中没有这一行")
            return
        if not read.readable:
            skip(path, f"{read.source}：{read.reason}")
            result.findings.append(
                Finding(
                    "error",
                    f"{fmt.tables[table].name}“{leaf.label}”读不出：{read.reason}",
                    read.line.ref,
                )
            )
            return
        columns = _row_columns(fmt, table, leaf)
        mapping: dict[str, Any] = {}
        blank = []
        for column, value in zip(columns, read.values, strict=False):
            if value is None:
                blank.append(column.label)
                if column.sum_of:
                    continue  # a blank total is computed
                value = 0
            mapping[column.key] = value
        for column in columns:
            unit_key = column.extra.get("unit_key")
            if unit_key:
                if read.unit:
                    mapping[unit_key] = read.unit
                elif mapping.get(column.key):
                    note(path, f"原文未注明{column.label}的单位，按{column.extra['units'][0]}")
            for variant in column.extra.get("variants", {}):
                if extras.get("precision", (None,))[0] == variant:
                    mapping[variant] = extras["precision"][1]
        if blank:
            result.blanks[path] = blank
            note(path, "原文空白：" + "、".join(blank))
        if read.status == "split":
            note(path, read.reason)
            result.findings.append(
                Finding("warning", f"“{leaf.label}”：{read.reason}", read.line.ref)
            )
        if not read.exact_label and key(read.label) != key(leaf.label):
            note(path, f"原文标签“{read.label}”")
        node = target
        for part in leaf.path[:-1]:
            node = node.setdefault(part, {})
        node[leaf.path[-1]] = mapping

    for tkey in ("proactive", "applications"):
        table = fmt.tables[tkey]
        target = data.setdefault(tkey, {})
        for leaf in _leaves(table):
            place(tkey, leaf, rows.get((tkey, leaf.dotted)), target)
        for (t, path), read in rows.items():
            if t != tkey:
                continue
            if block_of(fmt.id, tkey, path) is None and tkey == "proactive":
                result.findings.append(
                    Finding("warning", f"表二“{read.label}”不属于{fmt.name}，未导入", read.line.ref)
                )
    _mixed_other(result, data)

    appeals = fmt.tables["appeals"]
    read = rows.get(("appeals", ""))
    target = data.setdefault("appeals", {})
    groups = [g for c in appeals.blocks[0].columns for g in c.walk() if g.key and g.children]
    if read is None or not read.readable:
        reason = "原文中没有这张表" if read is None else f"{read.source}：{read.reason}"
        for group in groups:
            result.skipped[f"appeals.{group.key}"] = reason
            note(f"appeals.{group.key}", SKIPPED_MARK + reason)
        if read is not None:
            result.findings.append(Finding("error", f"表四读不出：{read.reason}", read.line.ref))
    else:
        values = iter(zip(appeals.blocks[0].column_leaves, read.values, strict=True))
        for group in groups:
            mapping = {}
            blank = []
            for child in group.children:
                _, value = next(values)
                if value is None:
                    blank.append(child.label)
                    if child.sum_of:
                        continue
                    value = 0
                mapping[child.key] = value
            target[group.key] = mapping
            if blank:
                result.blanks[f"appeals.{group.key}"] = blank
                note(f"appeals.{group.key}", "原文空白：" + "、".join(blank))
        if read.status == "split":
            note(f"appeals.{groups[0].key}", read.reason)
    result.data = data


def _row_columns(fmt: Format, table: str, leaf: Node) -> list[Node]:
    return block_of(fmt.id, table, leaf.dotted)[0].column_leaves


def _mixed_other(result: ImportResult, data: dict[str, Any]) -> None:
    """（六）其他处理 printed in the other version's shape: keep the numbers, say where."""
    fmt = result.format
    rows = result.rows
    apps = data["applications"]
    columns = fmt.tables["applications"].blocks[0].column_leaves
    if fmt.id == "v2021":
        single = rows.get(("applications", "other"))
        subs = [n for n in _leaves(fmt.tables["applications"]) if n.dotted.startswith("other.")]
        if single is None or not single.readable:
            return
        if any(("applications", n.dotted) in rows for n in subs):
            return
        last = subs[-1]
        mapping = {
            c.key: (v if v is not None else 0)
            for c, v in zip(columns, single.values, strict=False)
            if v is not None or not c.sum_of
        }
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
            rows.get(("applications", n.dotted))
            for n in formats()["v2021"].tables["applications"].block_of_row("other")[1].leaves()
        ]
        if ("applications", "other") in rows or not any(subs):
            return
        if not all(s is not None and s.readable for s in subs):
            return
        summed = []
        for values in zip(*(s.values for s in subs), strict=True):
            summed.append(None if all(v is None for v in values) else sum(v or 0 for v in values))
        apps["other"] = {
            c.key: (v if v is not None else 0)
            for c, v in zip(columns, summed, strict=False)
            if v is not None or not c.sum_of
        }
        result.skipped.pop("applications.other", None)
        result.notes["applications.other"] = (
            "原文按2021年版格式分三行（逾期不补正、逾期未缴费、其他），这里是三行之和"
        )
        result.mixed = True


# --------------------------------------------------------------------------- sections


def _read_sections(result, lines, headings, title, kind: str, table_start: int) -> None:
    fmt = result.format
    order = [s for s in fmt.sections]
    positions = sorted((h.index, h.section) for h in headings.values())
    result.sections_found = {
        s.key: (headings[s.key].text if s.key in headings else None) for s in order
    }
    texts: dict[str, list[str]] = {}
    for n, (begin, section) in enumerate(positions):
        stop = positions[n + 1][0] if n + 1 < len(positions) else len(lines)
        if section in ("proactive", "applications", "appeals"):
            continue
        if section == "overview":
            stop = min(stop, table_start) if table_start > begin else stop
        body = lines[begin + 1 : stop]
        paras = sec.paragraphs(body, kind)
        heading_key = key(headings[section].text)
        while paras and key(paras[0]) == heading_key:
            paras.pop(0)  # the heading repeated (seed 003)
        texts[section] = paras
    # Preface: between the title block and section 一.
    first = positions[0][0] if positions else table_start
    begin = (title.title_index or -1) + 1
    preface = [
        p for p in sec.paragraphs(lines[begin:first], kind) if not _looks_like_title(p, result)
    ]
    last_text = next(
        (s for _, s in reversed(positions) if s in ("other_matters", "problems", "overview")), None
    )
    published = None
    if last_text:
        texts[last_text], published = sec.signature(texts[last_text], result.agency)
    if published:
        result.published, result.published_from = published, "落款"
    else:
        web = sec.web_date(lines, min(len(lines), 12))
        if web:
            result.published, result.published_from = web, "发布时间"
    sections: dict[str, str] = {}
    if preface:
        sections["preface"] = "\n".join(preface)
    for s in fmt.text_sections:
        sections[s.key] = "\n".join(texts.get(s.key, []))
        if s.key not in headings:
            result.findings.append(Finding("warning", f"原文中找不到“{s.label}”这一部分"))
    for s in fmt.sections:
        if s.kind == "table" and s.key not in headings:
            result.findings.append(Finding("info", f"原文中找不到标题“{s.label}”"))
    result.sections = sections
    result.data["sections"] = sections
    if result.published:
        result.data["published"] = result.published


def _looks_like_title(text: str, result: ImportResult) -> bool:
    k = key(text)
    return (
        bool(result.agency) and k and (k in key(result.agency) or ("年度报告" in k and len(k) < 40))
    )


def _confidence(result: ImportResult) -> None:
    """Per table: the share of its rows read, lowered for approximate labels and splits."""
    for tkey, table in result.format.tables.items():
        leaves = _leaves(table)
        if tkey == "appeals":
            read = result.rows.get(("appeals", ""))
            score = 1.0 if read and read.readable else 0.0
            if read and read.status == "split":
                score = 0.8
            result.confidence[tkey] = score
            continue
        total = 0.0
        for leaf in leaves:
            path = f"{tkey}.{leaf.dotted}"
            if path in result.skipped:
                continue
            read = result.rows.get((tkey, leaf.dotted))
            weight = 1.0
            if read is not None and read.status == "split":
                weight = 0.8
            elif read is not None and not read.exact_label:
                weight = 0.95
            elif read is None:
                weight = 0.9  # filled from the other version's row (mixed formats)
            total += weight
        result.confidence[tkey] = round(total / len(leaves), 2) if leaves else 0.0


# --------------------------------------------------------------------------- YAML


def _comment_out(text: str, fmt: Format, skipped: dict[str, str], found: dict) -> str:
    """Comment out rows that were not imported (and group keys left without rows)."""
    out = []
    lines = text.split("\n")
    for line in lines:
        if SKIPPED_MARK in line and re.match(r"^\s*\w+: [\[{]", line):
            m = re.match(r"^(\s*)(\w+): (?:\[.*?\]|\{.*?\})\s*#\s*(.*)$", line)
            if m:
                indent, name, comment = m.groups()
                line = f"{indent}# {name}: （未导入）  # {comment}"
        out.append(line)
    # A key whose rows are all commented out would load as null: give it an empty mapping,
    # so check names each missing row.  Repeat for nested groups (denied: inside a table).
    changed = True
    while changed:
        changed = False
        for i, line in enumerate(out):
            m = re.match(r"^(\s*)(\w+):(\s*)(#.*)?$", line)
            if not m or m.group(2) == "sections":
                continue
            indent = len(m.group(1))
            children = []
            for nxt in out[i + 1 :]:
                if not nxt.strip():
                    break
                if len(nxt) - len(nxt.lstrip()) <= indent and not nxt.lstrip().startswith("#"):
                    break
                children.append(nxt)
            if children and all(c.strip().startswith("#") for c in children):
                out[i] = f"{m.group(1)}{m.group(2)}: {{}}{m.group(3)[:-3] or ' '}{m.group(4) or ''}"
                changed = True
    final = out
    result = "\n".join(final)
    for section, heading in found.items():
        if heading is None:
            result = re.sub(
                rf"^(  {section}: \"\"\s*# [^\n]*)$",
                r"\1；原文中没有这一部分",
                result,
                flags=re.M,
            )
    return result

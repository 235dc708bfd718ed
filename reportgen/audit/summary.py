"""The audit's results as plain rows and totals, shared by every output (HTML, XLSX, CSV, JSON).

Column names, totals and the problem frequencies are computed once here, so the page, the
workbook and the CSV can never disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reportgen.audit.names import file_stem
from reportgen.audit.run import (
    ORIGIN_LABELS,
    STATUS_LABELS,
    Audited,
    duplicates,
    overview_spec,
    value_columns,
)
from reportgen.definition import formats
from reportgen.errors import SEVERITY_LABELS

#: The overview's fixed columns, before the key figures.
OVERVIEW_COLUMNS = (
    "机关",
    "年度",
    "格式",
    "来源文件",
    "读取完整度",
    "状态",
    "错误",
    "读取存疑",
    "警告",
    "已说明",
    "规则",
)
TRAILING_COLUMNS = ("空白单元格", "上年报告", "备注")
PROBLEM_COLUMNS = (
    "机关",
    "年度",
    "来源文件",
    "级别",
    "性质",
    "规则",
    "表",
    "行",
    "列",
    "问题",
    "应为",
    "实际",
    "差",
    "提示",
    "说明理由",
    "键",
)


def rule_names() -> dict[str, str]:
    """A short name per rule id (``rule_names`` in ``templates/audit/overview.yaml``)."""
    return dict(overview_spec().get("rule_names") or {})


@dataclass
class Row:
    """One report as the overview shows it."""

    result: Audited
    stem: str
    duplicate_of: str | None = None
    cells: list[Any] = field(default_factory=list)

    @property
    def note(self) -> str:
        notes = list(self.result.unread)
        if self.result.message:
            notes.append(self.result.message)
        if self.duplicate_of:
            notes.append(f"与 {self.duplicate_of} 是同一机关同一年度的报告")
        return "；".join(notes)


def completeness_text(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


@dataclass
class Summary:
    rows: list[Row]
    figure_names: list[str]
    totals: dict[str, Any]
    by_status: dict[str, int]
    frequent: list[tuple[str, str, int, int]]  # rule, name, problems, reports

    @property
    def overview_header(self) -> list[str]:
        return [*OVERVIEW_COLUMNS, *self.figure_names, *TRAILING_COLUMNS]


def summarise(results: list[Audited]) -> Summary:
    spec = overview_spec()
    figures = spec["figures"]
    dups = duplicates(results)
    stems: Counter = Counter()
    rows = []
    for r in results:
        stem = file_stem(r.agency or _plain_name(r.path), r.year)
        stems[stem] += 1
        if stems[stem] > 1:
            stem = f"{stem}-{stems[stem]}"
        row = Row(r, stem, dups.get(r.path))
        row.cells = [
            r.agency,
            r.year,
            formats()[r.format_id].name if r.format_id else "",
            r.path,
            completeness_text(r.completeness),
            STATUS_LABELS[r.status],
            r.errors,
            r.doubtful,
            r.warnings,
            r.explained,
            " ".join(r.rules),
            *(r.figures.get(f["key"]) for f in figures),
            r.blank_cells,
            r.previous or "",
            row.note,
        ]
        rows.append(row)
    totals: dict[str, Any] = {
        "reports": len(results),
        "errors": sum(r.errors for r in results),
        "doubtful": sum(r.doubtful for r in results),
        "warnings": sum(r.warnings for r in results),
        "explained": sum(r.explained for r in results),
        "blank_cells": sum(r.blank_cells for r in results),
    }
    for f in figures:
        totals[f["key"]] = sum(r.figures.get(f["key"], 0) for r in results)
    by_status = {k: sum(r.status == k for r in results) for k in STATUS_LABELS}
    problems: Counter = Counter()
    reports: Counter = Counter()
    for r in results:
        hit = [p.rule for p in r.problems if p.open]
        problems.update(hit)
        reports.update(set(hit))
    names = rule_names()
    frequent = [
        (rule, names.get(rule, rule), n, reports[rule])
        for rule, n in sorted(problems.items(), key=lambda kv: (-kv[1], kv[0]))
    ][: spec.get("chart_rules", 12)]
    return Summary(rows, [f["name"] for f in figures], totals, by_status, frequent)


def _plain_name(path: str) -> str:
    from pathlib import Path

    return Path(path).stem


def problem_rows(row: Row) -> list[list[Any]]:
    """The 问题清单 rows of one report."""
    r = row.result
    out = []
    for p, origin in zip(r.problems, r.origins, strict=True):
        out.append(
            [
                r.agency,
                r.year,
                r.path,
                SEVERITY_LABELS[p.severity] + ("（已说明）" if p.acknowledged else ""),
                ORIGIN_LABELS[origin],
                p.rule,
                p.table or "",
                p.row or "",
                p.col or "",
                p.message,
                p.expected or "",
                p.actual or "",
                p.difference or "",
                p.hint or "",
                p.acknowledged or "",
                p.key,
            ]
        )
    return out


def value_header() -> list[str]:
    """关键数字 columns after 机关/年度/格式/来源文件: every cell, named as printed."""
    names = {}
    for fmt in formats().values():
        for path, cell in fmt.cells.items():
            names.setdefault(path, cell.describe())
    return [names[p] for p in value_columns()]


def json_value(value: Any) -> Any:
    """Money stays exact: a Decimal is written as its digits."""
    return str(value) if isinstance(value, Decimal) else value


def report_json(row: Row) -> dict[str, Any]:
    r = row.result
    return {
        "source": r.path,
        "kind": r.kind,
        "agency": r.agency,
        "year": r.year,
        "format": r.format_id,
        "status": r.status,
        "status_label": STATUS_LABELS[r.status],
        "completeness": r.completeness,
        "confidence": r.confidence,
        "unread": r.unread,
        "blank_cells": r.blank_cells,
        "previous": r.previous,
        "duplicate_of": row.duplicate_of,
        "message": r.message,
        "errors": r.errors,
        "doubtful": r.doubtful,
        "warnings": r.warnings,
        "explained": r.explained,
        "rules": r.rules,
        "figures": {k: json_value(v) for k, v in r.figures.items()},
        "problems": [
            {**p.to_dict(), "origin": o, "origin_label": ORIGIN_LABELS[o]}
            for p, o in zip(r.problems, r.origins, strict=True)
        ],
        "values": (
            {
                p: json_value(v)
                for p, v in zip(value_columns(), r.values, strict=True)
                if v is not None
            }
            if r.values
            else None
        ),
        "text_file": f"{row.stem}.txt",
    }

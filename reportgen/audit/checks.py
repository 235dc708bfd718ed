"""The auditors' checks named by ``check:`` in ``templates/audit/rules.yaml``.

Each takes an :class:`AuditContext` (the report, last year's report of the same agency when
the audit has one, and what the import saw in the published source) and its rule, and
returns warnings in the same form as the format's own checks, so ``check``, the audit
overview and ``acknowledged:`` treat them alike.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from reportgen.audit.names import text_key
from reportgen.audit.rules import audit_rules
from reportgen.checks import _cell_problem, _problem
from reportgen.definition import Rule, formats
from reportgen.errors import Problem
from reportgen.narrative import strip_placeholders
from reportgen.report import Report


@dataclass
class ImportInfo:
    """What the import of a published source saw, in plain values (it crosses processes)."""

    kind: str
    confidence: dict[str, float] = field(default_factory=dict)
    blanks: dict[str, list[str]] = field(default_factory=dict)
    headings: dict[str, str | None] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    findings: list[dict] = field(default_factory=list)
    #: the format the printed tables follow, and the one the year asks for
    table_format: str | None = None
    year_format: str | None = None


@dataclass
class AuditContext:
    report: Report
    previous: Report | None = None
    imported: ImportInfo | None = None


AUDIT_CHECKS: dict[str, Callable[[AuditContext, Rule], list[Problem]]] = {}


def audit_check(name: str):
    def register(func):
        AUDIT_CHECKS[name] = func
        return func

    return register


def run_audit_checks(ctx: AuditContext) -> list[Problem]:
    problems: list[Problem] = []
    for rule in audit_rules():
        if rule.check in AUDIT_CHECKS:
            problems.extend(AUDIT_CHECKS[rule.check](ctx, rule))
    return problems


def _text(report: Report, key: str) -> str:
    return text_key(strip_placeholders(report.sections.get(key, "") or ""))


def _section_label(report: Report, key: str) -> str:
    return report.format.section(key).label


@audit_check("thin_section")
def thin_section(ctx: AuditContext, rule: Rule) -> list[Problem]:
    """Section 五 that says nothing: 「无」, or a line or two.  (Empty is X-4's.)"""
    key = rule.params["section"]
    text = _text(ctx.report, key)
    label = _section_label(ctx.report, key)
    if not text:
        return []
    empty = {text_key(w) for w in rule.params.get("empty_words", [])}
    if text in empty:
        message = f"「{label}」只写了“{ctx.report.sections[key].strip()}”"
    elif len(text) < rule.params.get("min_chars", 40):
        message = f"「{label}」只有 {len(text)} 个字，过于简略"
    else:
        return []
    return [_problem(ctx.report, rule, message, path=("sections", key), actual=str(len(text)))]


def similarity(text: str, previous: str, shingle: int) -> float:
    """Share of ``text`` (in runs of ``shingle`` characters) that also occurs in ``previous``.

    Linear in the lengths, so thousands of report pairs compare in well under a second;
    a sentence copied from last year counts fully wherever it moved.
    """
    if len(text) < shingle or len(previous) < shingle:
        return 1.0 if text and text == previous else 0.0
    seen = {previous[i : i + shingle] for i in range(len(previous) - shingle + 1)}
    covered = bytearray(len(text))
    for i in range(len(text) - shingle + 1):
        if text[i : i + shingle] in seen:
            covered[i : i + shingle] = b"\x01" * shingle
    return sum(covered) / len(text)


@audit_check("repeated_text")
def repeated_text(ctx: AuditContext, rule: Rule) -> list[Problem]:
    """Sections 一 and 五 largely copied from the same agency's previous report."""
    if ctx.previous is None:
        return []
    problems = []
    for key in rule.params["sections"]:
        text = _text(ctx.report, key)
        before = _text(ctx.previous, key)
        if len(text) < rule.params.get("min_chars", 40) or not before or text == before:
            continue  # identical texts are X-4's
        share = similarity(text, before, rule.params.get("shingle", 8))
        percent = round(share * 100)
        if percent >= rule.params.get("threshold_percent", 50):
            label = _section_label(ctx.report, key)
            problems.append(
                _problem(
                    ctx.report,
                    rule,
                    f"「{label}」有 {percent}% 与 {ctx.previous.year} 年报告相同",
                    path=("sections", key),
                    actual=f"{percent}%",
                )
            )
    return problems


@audit_check("jumps")
def jumps(ctx: AuditContext, rule: Rule) -> list[Problem]:
    """Key figures ×5 or ÷5 against last year while section 五 says nothing about them."""
    if ctx.previous is None:
        return []
    factor = rule.params.get("factor", 5)
    floor = rule.params.get("min_value", 10)
    explained = ctx.report.sections.get(rule.params.get("explained_in", "problems"), "") or ""
    problems = []
    for figure in rule.params["figures"]:
        path = figure["cell"]
        now, before = ctx.report.values.get(path), ctx.previous.values.get(path)
        if now is None or before is None:
            continue
        big, small = max(now, before), min(now, before)
        if big < floor or (small and big < factor * small):
            continue
        if any(word in explained for word in figure.get("words", [])):
            continue
        times = f"约 {big / small:.1f} 倍" if small else "上年为 0" if not before else "本年为 0"
        direction = "增至" if now > before else "降至"
        cell = ctx.report.format.cells[path]
        problems.append(
            _cell_problem(
                ctx.report,
                rule,
                cell,
                f"：{ctx.previous.year} 年 {before}，本年{direction} {now}（{times}），"
                f"「{_section_label(ctx.report, 'problems')}」没有说明",
                expected=str(before),
            )
        )
    return problems


@audit_check("blank_cells")
def blank_cells(ctx: AuditContext, rule: Rule) -> list[Problem]:
    """Cells the published table left blank (the import counts them as 0), per table."""
    if ctx.imported is None or not ctx.imported.blanks:
        return []
    fmt = ctx.report.format
    by_table: dict[str, list[str]] = {}
    for row_path, columns in sorted(ctx.imported.blanks.items()):
        table_key = row_path.split(".")[0]
        table = fmt.tables.get(table_key)
        if table is None:
            continue
        row_key = row_path[len(table_key) + 1 :]
        label = _row_label(table, row_key)
        by_table.setdefault(table_key, []).append(f"{label}（{'、'.join(columns)}）")
    problems = []
    for table_key, rows in by_table.items():
        count = sum(len(c) for p, c in ctx.imported.blanks.items() if p.split(".")[0] == table_key)
        table = fmt.tables[table_key]
        problems.append(
            _problem(
                ctx.report,
                rule,
                f"原文{table.name}有 {count} 个空白单元格：{'；'.join(rows)}",
                table=table.name,
                actual=str(count),
            )
        )
        problems[-1].path = f"blank_cells.{table_key}"
    return problems


def _row_label(table, row_key: str) -> str:
    try:
        return f"「{table.block_of_row(row_key)[1].label or table.caption}」行"
    except Exception:
        return row_key or table.caption


def _ordinal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    head = text.split("、", 1)[0] if "、" in text[:4] else ""
    return head


@audit_check("wording")
def wording(ctx: AuditContext, rule: Rule) -> list[Problem]:
    """A title or section heading with the wrong ordinal or other words than the format's."""
    report = ctx.report
    problems = []
    title = report.data.get("title")
    if title:
        ending = rule.params["title_ending"]
        key = text_key(title)
        wrong = []
        if str(report.year) not in key:
            wrong.append(f"没有报告年度 {report.year}")
        if not key.endswith(text_key(ending)):
            wrong.append(f"结尾应为“{ending}”")
        if wrong:
            problems.append(
                _problem(
                    report,
                    rule,
                    f"标题“{title.strip()}”{'，'.join(wrong)}",
                    path=("title",),
                    expected=f"{report.agency}{report.year}年{ending}",
                    actual=title.strip(),
                )
            )
    if ctx.imported is None:
        return problems
    need = rule.params.get("min_similarity_percent", 100) / 100
    for section in report.format.sections:
        printed = ctx.imported.headings.get(section.key)
        if not printed:
            continue
        ordinal, expected_ordinal = _ordinal(printed), _ordinal(section.label)
        if text_key(ordinal) != text_key(expected_ordinal):
            what = f"序号应为“{expected_ordinal}、”"
        elif _ratio(text_key(printed), text_key(section.label)) < need:
            what = "文字与格式规定不同"
        else:
            continue
        problem = _problem(
            report,
            rule,
            f"标题“{printed.strip()}”{what}；格式规定为“{section.label}”",
            expected=section.label,
            actual=printed.strip(),
        )
        problem.path = f"heading.{section.key}"
        problems.append(problem)
    return problems


def _ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    import difflib

    return difflib.SequenceMatcher(None, a, b).ratio()


def format_version(name: str, year: int, info: ImportInfo | None) -> list[Problem]:
    """The published tables follow another format version than the year asks for.

    Run on the import alone (rule A-6), because such a report may not load at all: its
    tables do not fit the format its year asks for.
    """
    if info is None or not info.table_format or info.table_format == info.year_format:
        return []
    rule = next(r for r in audit_rules() if r.check == "format_version")
    printed, due = formats()[info.table_format], formats()[info.year_format]
    return [
        Problem(
            rule.severity,
            rule.id,
            f"{year} 年的报告应使用{due.name}（{due.basis}），原文表格是{printed.name}",
            name,
            hint=rule.hint,
            expected=due.id,
            actual=printed.id,
            path="format",
        )
    ]

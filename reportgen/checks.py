"""Plausibility checks that are not linear balances, named by ``check:`` in a format's rules.

Each function takes the report, its rule and last year's report (or None) and returns the
problems it finds.  They are warnings: published reports legitimately differ from these
expectations, and the clerk decides.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from reportgen.definition import Cell, Rule, column_title
from reportgen.errors import Problem
from reportgen.narrative import strip_placeholders, text_mark
from reportgen.report import Report

CHECKS: dict[str, Callable[[Report, Rule, Report | None], list[Problem]]] = {}


def check(name: str):
    def register(func):
        CHECKS[name] = func
        return func

    return register


def _problem(
    report: Report,
    rule: Rule,
    message: str,
    *,
    path: tuple | None = None,
    cell: str | None = None,
    line_offset: int | None = None,
    column_offset: int = 0,
    **extra,
) -> Problem:
    mark = None
    if cell is not None:
        mark = report.cell_mark(cell)
    elif path is not None and report.source is not None:
        mark = (
            text_mark(report.source, path, line_offset, column_offset)
            if line_offset is not None
            else report.source.mark(path)
        )
    return Problem(
        severity=rule.severity,
        rule=rule.id,
        message=message,
        file=report.source.name if report.source else None,
        line=mark.line if mark else None,
        column=mark.column if mark else None,
        hint=extra.pop("hint", rule.hint),
        path=cell or (".".join(path) if path else None),
        **extra,
    )


def _cell_problem(report: Report, rule: Rule, cell: Cell, message: str, **extra) -> Problem:
    """A problem about one table cell, located at it and named by its labels."""
    return _problem(
        report,
        rule,
        f"{cell.describe()}{message}",
        cell=cell.path,
        table=cell.table.name,
        row=cell.row.label or None,
        col=cell.column.label,
        actual=str(report.values[cell.path]),
        **extra,
    )


def run_checks(report: Report, previous: Report | None) -> list[Problem]:
    problems: list[Problem] = []
    for rule in report.format.rules:
        if rule.kind == "check":
            problems.extend(CHECKS[rule.check](report, rule, previous))
    return problems


# ------------------------------------------------------------------ table 二


@check("decimals")
def decimals(report: Report, rule: Rule, previous: Report | None) -> list[Problem]:
    """Money with more decimals than 万元 sensibly carries (published reports do have them)."""
    limit = rule.params.get("max_decimals", 4)
    problems = []
    for path, cell in report.format.cells.items():
        value = report.values[path]
        if cell.type != "money" or not isinstance(value, Decimal):
            continue
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > limit:
            problems.append(
                _cell_problem(
                    report, rule, cell, f"：{value} 有 {-exponent} 位小数，超过 {limit} 位"
                )
            )
    return problems


@check("magnitude")
def magnitude(report: Report, rule: Rule, previous: Report | None) -> list[Problem]:
    path = rule.params["cell"]
    cell = report.format.cells[path]
    value = report.values[path]
    above = Decimal(str(rule.params["above"]))
    if value <= above:
        return []
    return [_cell_problem(report, rule, cell, f"：{value} 万元 即 {value * 10000} 元，数额异常大")]


_LOCAL = re.compile(r"[省市县區区州旗盟镇鎮乡鄉街]")
_GOVERNMENT = re.compile(r"人民政府(?:办公厅|办公室)?$")


def has_rulemaking_power(agency: str) -> bool:
    """Whether an agency can make 规章: State Council departments, provincial governments and
    governments of cities with districts.  A name is enough to rule out most bodies below
    them (a 市工业和信息化局, a 县人民政府); doubtful names get the benefit of the doubt."""
    if _GOVERNMENT.search(agency):
        return not re.search(r"[县縣区區镇鎮乡鄉]|街道", agency.removesuffix("人民政府"))
    return not _LOCAL.search(agency)


@check("rulemaking")
def rulemaking(report: Report, rule: Rule, previous: Report | None) -> list[Problem]:
    if has_rulemaking_power(report.agency):
        return []
    table = report.format.tables["proactive"]
    problems = []
    for path, cell in table.cells.items():
        if cell.row.key == "regulations" and report.values[path]:
            message = f"为 {report.values[path]}，但「{report.agency}」没有规章制定权"
            problems.append(_cell_problem(report, rule, cell, message, expected="0"))
    return problems


# ------------------------------------------------------------------ text vs tables

_SECTION_KEYS = ("overview", "problems", "other_matters")


@dataclass(frozen=True)
class Reading:
    """One figure a phrase may state: its value, what it is, and the placeholder citing it."""

    value: int
    meaning: str
    #: the placeholders of the cells it adds up (placeholders cite cells, they do not add)
    placeholders: tuple[str, ...]

    def hint(self, written: int) -> str:
        if len(self.placeholders) == 1:
            return (
                f"把 {written} 改为占位符 {self.placeholders[0]}（{self.meaning}，"
                f"现为 {self.value}），生成时自动填入表格中的数字。"
            )
        return (
            f"表格中{self.meaning}为 {self.value}；要让文字随表格变化，可分开引用 "
            + "、".join(self.placeholders)
            + "（占位符只能引用单元格，不能相加）。"
        )


def _reading(report: Report, *paths: str) -> Reading:
    """The sum of ``paths``, named by their rows (or column groups) in the definition."""
    names = []
    for path in paths:
        cell = report.format.cells[path]
        names.append(cell.row.label or column_title(cell.column))
    meaning = names[0] if len(names) == 1 else "与".join(names) + "之和"
    cites = tuple("{{ " + path + " }}" for path in paths)
    return Reading(sum(report.values[p] for p in paths), meaning, cites)


def _readings(report: Report) -> list[tuple[str, re.Pattern, list[Reading]]]:
    """Phrases that state a table figure, and every figure a fair reading of them allows."""
    a = "applications."
    new, carried = a + "new_received.total", a + "carried_over.total"
    done, forward = a + "results_total.total", a + "carried_forward.total"
    review = "appeals.review.total"
    direct, after = "appeals.lit_direct.total", "appeals.lit_after_review.total"
    r = functools.partial(_reading, report)
    num = r"(\d+)\s*(?:件|宗|条|項|项|个|個|起)"
    gap = r"[^。；;，,\d]{0,12}?"
    return [
        (
            "申请数",
            re.compile(
                r"(?:收到|新收|受理|接收|接到)" + gap + r"申[请請]" + r"[^。；;\d]{0,8}?" + num
            ),
            [r(new), r(new, carried)],
        ),
        ("办结数", re.compile(r"(?:办结|辦結|办理完结)" + gap + num), [r(done), r(done, forward)]),
        ("结转数", re.compile(r"(?:结转|結轉|转下年|轉下年)" + gap + num), [r(forward)]),
        ("行政复议", re.compile(r"行政[复複]議?议?" + gap + num), [r(review)]),
        (
            "行政诉讼",
            re.compile(r"行政[诉訴][讼訟]" + gap + num),
            [r(direct, after), r(direct), r(after)],
        ),
    ]


def _explain(readings: list[Reading]) -> str:
    """「260（一、本年新收…）或 265（…之和）」: each figure with what it counts."""
    seen: dict[int, Reading] = {}
    for reading in readings:
        seen.setdefault(reading.value, reading)
    return "或 ".join(f"{v}（{seen[v].meaning}）" for v in sorted(seen))


_NONE_RECEIVED = re.compile(r"(?:没有|未|無|无)(?:收到|受理|接到)[^。；;\d]{0,10}申[请請]")


@check("narrative_numbers")
def narrative_numbers(report: Report, rule: Rule, previous: Report | None) -> list[Problem]:
    """Numbers written in the text next to 收到申请/行政复议… that no table reading gives.

    The message says what each allowed figure counts, and the hint offers the placeholder
    of the reading nearest to the number written (办结 cites （七）总计, not 本年新收).
    """
    problems = []
    readings = _readings(report)
    new_row = report.format.cells["applications.new_received.total"]
    new_total = report.values[new_row.path]
    for key in _SECTION_KEYS:
        text = strip_placeholders(report.sections.get(key, ""))
        label = report.format.section(key).label
        for lineno, line in enumerate(text.split("\n")):
            for what, pattern, allowed in readings:
                for match in pattern.finditer(line):
                    n = int(match.group(1))
                    if any(n == reading.value for reading in allowed):
                        continue
                    expected = "或".join(str(x) for x in sorted({x.value for x in allowed}))
                    best = min(allowed, key=lambda x: abs(x.value - n))
                    said = f"「{label}」写“{match.group(0)}”"
                    problems.append(
                        _problem(
                            report,
                            rule,
                            f"{said}，表格中的{what}为 {_explain(allowed)}",
                            path=("sections", key),
                            line_offset=lineno,
                            column_offset=match.start(),
                            expected=expected,
                            actual=str(n),
                            hint=best.hint(n),
                        )
                    )
            if new_total and _NONE_RECEIVED.search(line):
                problems.append(
                    _problem(
                        report,
                        rule,
                        f"「{label}」写未收到申请，但{new_row.describe()}为 {new_total}",
                        path=("sections", key),
                        line_offset=lineno,
                        expected=str(new_total),
                        actual="0",
                    )
                )
    return problems


@check("fee_notices")
def fee_notices(report: Report, rule: Rule, previous: Report | None) -> list[Problem]:
    path = "applications.other.fee_unpaid.total"
    if path not in report.values or not report.values[path]:
        return []
    text = report.sections.get("other_matters", "")
    if re.search(r"收费|处理费|收費|處理費", text):
        return []
    return [
        _problem(
            report,
            rule,
            f"表三“逾期未按收费通知要求缴纳费用”为 {report.values[path]} 件，"
            "但第六部分没有报告信息处理费的收取情况",
            path=("sections", "other_matters"),
        )
    ]


def _normalised(text: str) -> str:
    return re.sub(r"\s+", "", strip_placeholders(text))


@check("sections")
def sections(report: Report, rule: Rule, previous: Report | None) -> list[Problem]:
    problems = []
    for key in _SECTION_KEYS:
        label = report.format.section(key).label
        text = _normalised(report.sections.get(key, ""))
        if not text:
            problems.append(
                _problem(
                    report,
                    rule,
                    f"「{label}」没有内容",
                    path=("sections", key)
                    if report.source and ("sections", key) in report.source.marks
                    else ("sections",),
                )
            )
        elif (
            previous is not None
            and key in ("overview", "problems")
            and len(text) > 20
            and text == _normalised(previous.sections.get(key, ""))
        ):
            problems.append(
                _problem(
                    report, rule, f"「{label}」与上年报告的内容完全相同", path=("sections", key)
                )
            )
    return problems


@check("deadline")
def deadline(report: Report, rule: Rule, previous: Report | None) -> list[Problem]:
    published = report.published
    if published is None:
        return []
    government = bool(_GOVERNMENT.search(report.agency))
    due = dt.date(report.year + 1, 3 if government else 1, 31)
    if published > due:
        whom = "人民政府的年度报告" if government else "部门的年度报告"
        return [
            _problem(
                report,
                rule,
                f"成文日期 {published:%Y年%-m月%-d日} 晚于{whom}的公布期限 {due:%Y年%-m月%-d日}",
                path=("published",),
                expected=str(due),
                actual=str(published),
            )
        ]
    if published <= dt.date(report.year, 12, 31):
        return [
            _problem(
                report,
                rule,
                f"成文日期 {published:%Y年%-m月%-d日} 早于统计期结束（{report.year}年12月31日）",
                path=("published",),
                actual=str(published),
            )
        ]
    return []

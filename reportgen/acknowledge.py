"""Explained warnings: ``acknowledged:`` entries in a report file.

A warning can be true and still justified — a 合理性 check in the words of Chinese reporting
software: fewer documents in force because a batch expired, a carried-over figure that
differs because last year's report was corrected.  The agency writes

.. code-block:: yaml

    acknowledged:
      - {rule: T2-5, where: proactive.normative_docs.in_force, reason: 5件文件到期失效}

and ``check`` then shows that warning as explained, ``--strict`` accepts it and ``audit``
lists it with its reason.  ``where`` is the problem's stable key (:attr:`Problem.key`: the
cell or text it is about), never a line number, so it survives edits elsewhere in the file.

Errors (逻辑性 checks: balances, totals, types) can never be acknowledged: an entry naming
an error rule is itself an error, and an entry that matches no warning is reported so that
stale explanations do not pile up.
"""

from __future__ import annotations

from reportgen.errors import ERROR, WARNING, Problem
from reportgen.report import Report

#: Rule ids of the problems this module reports about the entries themselves.
ACK_ERROR = "E-ACK"
ACK_STALE = "W-ACK"


def _rules(report: Report, audited: bool, previous: bool) -> tuple[dict[str, str], set[str]]:
    """Every rule a report can be checked with (the format's and the auditors'), by id,
    and the ids of those that ran this time (cross-year rules need last year's report)."""
    from reportgen.audit.rules import audit_rules

    extra = audit_rules()
    severity = {r.id: r.severity for r in (*report.format.rules, *extra)}
    ran = {
        r.id
        for r in (*report.format.rules, *(extra if audited else ()))
        if previous or not r.needs_previous
    }
    return severity, ran


def apply(
    report: Report, problems: list[Problem], *, previous: bool = False, audited: bool = False
) -> list[Problem]:
    """Mark the warnings the report explains; add a problem for every entry that is wrong.

    ``previous``: last year's report was given; ``audited``: the auditors' rules ran.  An
    entry for a rule that did not run this time is neither used nor called stale.
    """
    entries = report.data.get("acknowledged") or []
    if not entries:
        return problems
    known, ran = _rules(report, audited, previous)
    extra: list[Problem] = []
    for index, entry in enumerate(entries):
        rule, where, reason = entry["rule"].strip(), entry["where"].strip(), entry["reason"]
        severity = known.get(rule, ERROR if rule.startswith("E-") else None)
        if severity is None:
            extra.append(_entry_problem(report, index, ERROR, f"未知的规则「{rule}」"))
            continue
        if severity == ERROR:
            extra.append(
                _entry_problem(
                    report,
                    index,
                    ERROR,
                    f"{rule} 是错误（逻辑性检查），不能作为已说明的警告；请改正报告中的数字或文字",
                )
            )
            continue
        matched = [p for p in problems if p.rule == rule and p.key == where and not p.is_error]
        if not matched and rule in ran:
            extra.append(
                _entry_problem(
                    report,
                    index,
                    WARNING,
                    f"已说明的警告 {rule}（{where}）现在没有出现；如已不需要请删去这一条",
                    hint="位置写问题的键，见 reportgen check --json 输出中的 key。",
                )
            )
        for problem in matched:
            problem.acknowledged = reason.strip()
    return problems + extra


def _entry_problem(
    report: Report, index: int, severity: str, message: str, hint: str | None = None
) -> Problem:
    mark = report.source.mark(("acknowledged", index)) if report.source else None
    return Problem(
        severity,
        ACK_ERROR if severity == ERROR else ACK_STALE,
        f"acknowledged 第 {index + 1} 条：{message}",
        report.source.name if report.source else None,
        mark.line if mark else None,
        mark.column if mark else None,
        hint=hint,
        path=f"acknowledged.{index}",
    )

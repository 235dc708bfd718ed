"""One case per rule: a balanced report passes; a mutation makes exactly that rule fire."""

from __future__ import annotations

import re

import pytest
from conftest import report_text

from reportgen.validate import check_text


def problems_of(text: str, previous_text: str | None = None):
    previous = None
    if previous_text is not None:
        previous = check_text(previous_text, "last.yaml").report
        assert previous is not None
    outcome = check_text(text, "report.yaml", previous)
    return outcome.problems


@pytest.mark.parametrize("year", [2024, 2020])
def test_balanced_report_has_no_problems(year):
    assert problems_of(report_text(year)) == []


def test_t3_1_message_names_column_terms_and_difference():
    text = report_text(carried_forward="[8, 1, 0, 0, 0, 0]").replace(
        "  carried_forward", "  results_total: [237, 15, 0, 0, 1, 2]\n  carried_forward"
    )
    problems = [p for p in problems_of(text) if p.rule == "T3-1"]
    first = next(p for p in problems if p.col == "自然人")
    assert first.format() == (
        f"report.yaml:{first.line}:{first.column}: 错误 T3-1 "
        "表三「自然人」列：一(241)+二(5)=246 ≠ （七）总计(237)+四(8)=245，差 1"
    )
    line = text.split("\n")[first.line - 1]
    assert line.lstrip().startswith("new_received:")
    assert (first.table, first.col, first.expected, first.actual) == (
        "表三",
        "自然人",
        "245",
        "246",
    )


RULE_CASES = [
    # (rule, severity, edit(text) -> text, expected message fragment)
    (
        "T3-2",
        "error",
        lambda t: t.replace(
            "new_received: [241, 16, 0, 0, 1, 2]", "new_received: [241, 16, 0, 0, 1, 2, 261]"
        ),
        "表三「一、本年新收政府信息公开申请数量」行：总计(261) ≠ 自然人(241)+商业企业(16)",
    ),
    (
        "T3-3",
        "error",
        lambda t: t.replace(
            "  carried_forward", "  results_total: [236, 15, 0, 0, 1, 2]\n  carried_forward"
        ),
        "表三「自然人」列：（七）总计(236) ≠ （一）予以公开(111)",
    ),
    (
        "T4-1",
        "error",
        lambda t: t.replace(
            "review: {upheld: 0, corrected: 0, other: 0, pending: 0}",
            "review: {upheld: 1, corrected: 0, other: 0, pending: 1, total: 3}",
        ),
        "表四：总计(3) ≠ 结果维持(1)+结果纠正(0)+其他结果(0)+尚未审结(1)=2，差 1",
    ),
    (
        "T4-2",
        "error",
        lambda t: t.replace(
            "lit_direct: {upheld: 0, corrected: 0, other: 0, pending: 0}",
            "lit_direct: {upheld: 0, corrected: 0, other: 0, pending: 0, total: 1}",
        ),
        "表四：总计(1) ≠",
    ),
    (
        "T4-3",
        "error",
        lambda t: t.replace(
            "lit_after_review: {upheld: 0, corrected: 0, other: 0, pending: 0}",
            "lit_after_review: {upheld: 2, corrected: 0, other: 0, pending: 0, total: 0}",
        ),
        "表四：总计(0) ≠ 结果维持(2)",
    ),
    (
        "T2-2",
        "warning",
        lambda t: t.replace(
            "normative_docs: {issued: 0, repealed: 0, in_force: 0}",
            "normative_docs: {issued: 4, repealed: 0, in_force: 3}",
        ),
        "表二「行政规范性文件」行：现行有效件数(3) < 本年制发件数(4)，差 1",
    ),
    (
        "T2-3",
        "warning",
        lambda t: t.replace(
            "regulations: {issued: 0, repealed: 0, in_force: 0}",
            "regulations: {issued: 1, repealed: 0, in_force: 1}",
        ),
        "没有规章制定权",
    ),
    (
        "T2-4",
        "warning",
        lambda t: t.replace("fees: {amount: 0}", "fees: {amount: 25000}"),
        "表二「行政事业性收费」行「本年收费金额（单位：万元）」列：25000 万元",
    ),
    (
        "M-1",
        "warning",
        lambda t: t.replace("fees: {amount: 0}", "fees: {amount: 1.234567}"),
        "1.234567 有 6 位小数，超过 4 位",
    ),
    (
        "X-2",
        "warning",
        lambda t: t.replace(
            "fee_unpaid: [0, 0, 0, 0, 0, 0]", "fee_unpaid: [1, 0, 0, 0, 0, 0]"
        ).replace("new_received: [241,", "new_received: [242,"),
        "第六部分没有报告信息处理费",
    ),
    (
        "X-3",
        "warning",
        lambda t: t.replace("全年新收政府信息公开申请260件", "全年新收政府信息公开申请300件"),
        "「一、总体情况」写“新收政府信息公开申请300件”，表格中的申请数为 "
        "260（一、本年新收政府信息公开申请数量）或 "
        "265（一、本年新收政府信息公开申请数量与二、上年结转政府信息公开申请数量之和）",
    ),
    (
        "X-4",
        "warning",
        lambda t: t.replace("other_matters: |\n    无。", 'other_matters: ""'),
        "「六、其他需要报告的事项」没有内容",
    ),
    (
        "X-6",
        "warning",
        lambda t: t.replace("year: 2024", "year: 2024\npublished: 2025-02-10"),
        "成文日期 2025年2月10日 晚于部门的年度报告的公布期限 2025年1月31日",
    ),
    (
        "T2-1",
        "error",
        lambda t: t.replace("penalty: {decisions: 0}", "penalty: {decisions: -1}"),
        "表二「行政处罚」行「本年处理决定数量」列：不能小于 0，实际为 -1",
    ),
    (
        "T3-4",
        "error",
        lambda t: t.replace("granted: [111,", "granted: [111.5,"),
        "表三「（一）予以公开」行「自然人」列：应为整数，实际为 111.5",
    ),
    (
        "T3-4",
        "error",
        lambda t: t.replace("granted: [111, 5, 0, 0, 0, 0]", "granted: [111, 5, 0, 0, 0]"),
        "表三「（一）予以公开」行：应有 6 个数（可再加总计），实际 5 个",
    ),
    (
        "T4-4",
        "error",
        lambda t: t.replace("review: {upheld: 0,", "review: {upheld: -2,"),
        "表四「行政复议·结果维持」列：不能小于 0，实际为 -2",
    ),
]


@pytest.mark.parametrize(
    ("rule", "severity", "edit", "fragment"),
    RULE_CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(RULE_CASES)],
)
def test_rule_fires_with_its_message(rule, severity, edit, fragment):
    text = edit(report_text())
    assert text != report_text(), "the edit must change the report"
    problems = problems_of(text)
    fired = [p for p in problems if p.rule == rule]
    assert fired, [p.format() for p in problems]
    assert all(p.severity == severity for p in fired)
    assert any(fragment in p.message for p in fired), [p.message for p in fired]
    assert all(p.line for p in fired)


V2019_CASES = [
    (
        "T2-19-1",
        "error",
        "licensing: {previous_items: 0, change: 0, decisions: 0}",
        "licensing: {previous_items: -1, change: 0, decisions: 0}",
        "不能小于 0",
    ),
    (
        "T2-19-2",
        "warning",
        "normative_docs: {new_made: 0, new_published: 0, published_total: 0}",
        "normative_docs: {new_made: 5, new_published: 5, published_total: 3}",
        "对外公开总数量(3) < 本年新公开数量(5)",
    ),
    (
        "T2-19-3",
        "warning",
        "normative_docs: {new_made: 0, new_published: 0, published_total: 0}",
        "normative_docs: {new_made: 1, new_published: 2, published_total: 9}",
        "本年新公开数量(2) > 本年新制作数量(1)",
    ),
    (
        "T2-19-4",
        "error",
        "penalty: {previous_items: 0, change: 0, decisions: 0}",
        "penalty: {previous_items: 3, change: -5, decisions: 0}",
        "表二「行政处罚」行：上一年项目数量(3)+本年增/减(-5)=-2 < 0",
    ),
]


@pytest.mark.parametrize(("rule", "severity", "old", "new", "fragment"), V2019_CASES)
def test_v2019_table_two_rules(rule, severity, old, new, fragment):
    text = report_text(2020)
    assert old in text
    problems = problems_of(text.replace(old, new))
    fired = [p for p in problems if p.rule == rule]
    assert fired and all(p.severity == severity for p in fired), [p.format() for p in problems]
    assert any(fragment in p.message for p in fired), [p.message for p in fired]


def test_signed_change_accepts_negative_numbers():
    text = report_text(2020).replace(
        "licensing: {previous_items: 0, change: 0, decisions: 0}",
        "licensing: {previous_items: 583, change: -46, decisions: 145750}",
    )
    assert problems_of(text) == []


def test_x1_carry_over_must_match_last_years_carried_forward():
    last = report_text(2023, carried_forward="[7, 1, 0, 0, 0, 0]", not_held="[75, 3, 0, 0, 1, 2]")
    assert problems_of(last) == []
    problems = problems_of(report_text(2024), last)
    x1 = [p for p in problems if p.rule == "X-1"]
    assert {p.message for p in x1} == {
        "表三「自然人」列：二(5) ≠ 上年四(7)，差 2",
        "表三「商业企业」列：二(0) ≠ 上年四(1)，差 1",
        "表三「总计」列：二(5) ≠ 上年四(8)，差 3",
    }
    assert all(p.severity == "warning" for p in x1)


def test_x1_holds_across_the_format_change_and_t2_5_does_not_run():
    last = report_text(2020)
    problems = problems_of(report_text(2021), last)
    assert {p.rule for p in problems} == {"X-1"}


def test_t2_5_in_force_continuity():
    last = report_text(2023).replace(
        "normative_docs: {issued: 0, repealed: 0, in_force: 0}",
        "normative_docs: {issued: 2, repealed: 0, in_force: 10}",
    )
    this = report_text(2024).replace(
        "normative_docs: {issued: 0, repealed: 0, in_force: 0}",
        "normative_docs: {issued: 3, repealed: 1, in_force: 13}",
    )
    t25 = [p for p in problems_of(this, last) if p.rule == "T2-5"]
    assert [p.message for p in t25] == [
        "表二「行政规范性文件」行：现行有效件数(13) ≠ "
        "上年现行有效件数(10)+本年制发件数(3)−本年废止件数(1)=12，差 1"
    ]


def test_t2_19_5_and_6_cross_year():
    last = (
        report_text(2019)
        .replace(
            "licensing: {previous_items: 0, change: 0, decisions: 0}",
            "licensing: {previous_items: 10, change: 2, decisions: 0}",
        )
        .replace(
            "normative_docs: {new_made: 0, new_published: 0, published_total: 0}",
            "normative_docs: {new_made: 0, new_published: 0, published_total: 9}",
        )
    )
    this = report_text(2020).replace(
        "licensing: {previous_items: 0, change: 0, decisions: 0}",
        "licensing: {previous_items: 11, change: 0, decisions: 0}",
    )
    rules = {p.rule: p.message for p in problems_of(this, last)}
    assert rules["T2-19-5"].startswith(
        "表二「行政许可」行：上一年项目数量(11) ≠ 上年上一年项目数量(10)"
    )
    assert "对外公开总数量(0) < 上年对外公开总数量(9)" in rules["T2-19-6"]


def test_x4_section_copied_from_last_year():
    text = report_text(2024).replace(
        "problems: |\n    2024年，一是公开内容有待充实。",
        "problems: |\n    一是公开内容有待充实，二是解读形式较为单一，三是队伍能力有待提高。",
    )
    last = text.replace("year: 2024", "year: 2023").replace("2024年，全年", "2023年，全年")
    fired = [p for p in problems_of(text, last) if p.rule == "X-4"]
    assert [p.message for p in fired] == [
        "「五、存在的主要问题及改进情况」与上年报告的内容完全相同"
    ]


def test_x3_accepts_new_plus_carried_over_and_silence():
    text = report_text().replace("全年新收政府信息公开申请260件", "全年受理政府信息公开申请265件")
    assert problems_of(text) == []
    text = report_text().replace("全年新收政府信息公开申请260件", "全年未收到政府信息公开申请。")
    assert [p.rule for p in problems_of(text)] == ["X-3"]


def test_x3_suggests_the_placeholder_the_sentence_needs():
    text = report_text().replace(
        "全年新收政府信息公开申请260件", "全年新收政府信息公开申请264件，办结250件，行政复议2件"
    )
    hints = {p.actual: p.hint for p in problems_of(text) if p.rule == "X-3"}
    # 264 is nearest to 一+二 (265), not to 一 (260): both cells are offered, to cite apart
    assert "{{ applications.new_received.total }}" in hints["264"]
    assert "{{ applications.carried_over.total }}" in hints["264"]
    assert "为 265" in hints["264"]
    # every placeholder offered is one that check accepts (a citation, not a sum)
    offered = {m for hint in hints.values() for m in re.findall(r"\{\{[^}]*\}\}", hint)}
    cited = report_text().replace("按时公开各类信息。", "按时公开各类信息。" + "".join(offered))
    assert not [p for p in problems_of(cited) if p.rule == "P-1"]
    assert "{{ applications.results_total.total }}" in hints["250"]
    assert "{{ appeals.review.total }}" in hints["2"]


def test_x3_reads_traditional_characters():
    text = report_text().replace(
        "全年新收政府信息公开申请260件", "全年新收到政府信息公開申請259宗,行政複議3宗"
    )
    messages = [p.message for p in problems_of(text) if p.rule == "X-3"]
    assert len(messages) == 2
    assert any("行政複議3宗" in m and "为 0" in m for m in messages)


def test_x5_format_must_agree_with_year():
    problems = problems_of(report_text(2024).replace("year: 2024", "year: 2024\nformat: v2019"))
    assert [p.rule for p in problems] == ["X-5"]
    assert "2024 年的报告应使用 v2021" in problems[0].message
    assert problems_of(report_text(2024).replace("year: 2024", "year: 2024\nformat: v2021")) == []


def test_years_before_2019_are_refused():
    problems = problems_of(report_text(2024).replace("year: 2024", "year: 2018"))
    assert [p.rule for p in problems] == ["X-5"]
    assert "2019 年以前" in problems[0].message


def test_all_problems_are_reported_at_once():
    text = report_text().replace("penalty: {decisions: 0}", "penalty: {decisions: -1}")
    text = text.replace("coercion: {decisions: 0}", "coercion: {decisions: 1.5}")
    text = text.replace("agency: ", "agnecy: ")
    rules = sorted(p.rule for p in problems_of(text))
    assert rules == ["E-KEY", "E-MISSING", "T2-1", "T2-1"]


def test_rule_tolerance_and_message_template_come_from_the_rule(monkeypatch):
    """Rules are data: a tolerance and a message template declared on a rule are honoured."""
    import dataclasses

    from reportgen import rules

    text = report_text(carried_forward="[8, 1, 0, 0, 0, 0]")  # 自然人 off by 1
    report = check_text(text, "r.yaml").report
    original = rules._compiled("v2021")

    def patched(rule_changes):
        result = []
        for cmp, left, right in original:
            if cmp.rule.id == "T3-1":
                cmp = dataclasses.replace(cmp, rule=dataclasses.replace(cmp.rule, **rule_changes))
            result.append((cmp, left, right))
        return tuple(result)

    monkeypatch.setattr(
        rules, "_compiled", lambda fid: patched({"message": "{where}不平：{difference}"})
    )
    messages = {p.message for p in rules.evaluate(report) if p.rule == "T3-1"}
    assert "「自然人」列不平：1" in messages
    monkeypatch.setattr(rules, "_compiled", lambda fid: patched({"tolerance": 1}))
    assert [p for p in rules.evaluate(report) if p.rule == "T3-1" and p.col == "自然人"] == []


def test_title_defaults_to_the_customary_form_and_may_be_given():
    report = check_text(report_text(), "r.yaml").report
    assert report.title == "某某市某某区工业和信息化局2024年政府信息公开工作年度报告"
    text = report_text().replace("agency:", "title: 某局2024年度政府信息公开工作年度报告\nagency:")
    assert check_text(text, "r.yaml").report.title == "某局2024年度政府信息公开工作年度报告"

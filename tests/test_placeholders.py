"""Narrative placeholders cite table cells; unknown ones are errors with their line."""

from __future__ import annotations

from conftest import report_text

from reportgen.narrative import render_text
from reportgen.validate import check_text


def with_overview(text: str) -> str:
    body = "".join(f"    {line}\n" for line in text.split("\n"))
    return report_text().replace(
        report_text().split("  overview: |\n")[1].split("  problems:")[0], body
    )


def test_placeholders_render_table_values():
    text = with_overview(
        "全年新收申请{{ applications.new_received.total }}件，"
        "办结{{ applications.results_total.total }}件。"
    )
    outcome = check_text(text, "r.yaml")
    assert outcome.problems == []
    report = outcome.report
    rendered = render_text(report.sections["overview"], report.context())
    assert rendered.startswith("全年新收申请260件，办结255件。")


def test_unknown_reference_is_an_error_on_its_line_with_a_suggestion():
    text = with_overview("第一段。\n第二段引用{{ applications.new_recieved.total }}件。")
    outcome = check_text(text, "r.yaml")
    [problem] = outcome.problems
    assert problem.rule == "P-1" and problem.severity == "error"
    assert (
        problem.message == "「一、总体情况」引用了不存在的数据「applications.new_recieved.total」"
    )
    assert problem.hint == "是不是「applications.new_received」？"
    lines = text.split("\n")
    assert "new_recieved" in lines[problem.line - 1]


def test_syntax_error_in_placeholder():
    outcome = check_text(with_overview("共{{ applications.new_received.total 件"), "r.yaml")
    [problem] = outcome.problems
    assert problem.rule == "P-1" and "占位符写法有误" in problem.message


def test_code_in_a_placeholder_is_refused_by_check_and_never_run():
    text = with_overview("{{ year.__class__.__mro__ }}")
    outcome = check_text(text, "r.yaml")
    assert [p.rule for p in outcome.errors] == ["P-1"]
    attack = "{{ ''.__class__.__mro__[1].__subclasses__() }}"
    # a draft renders the text as written: nothing is evaluated
    assert render_text(attack, outcome.report.context()) == attack


def test_placeholders_are_not_read_as_literal_numbers():
    # X-3 looks only at numbers written literally in the text
    text = with_overview("全年新收政府信息公开申请{{ applications.new_received.total }}件。")
    assert check_text(text, "r.yaml").problems == []

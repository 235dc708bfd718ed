"""Explained warnings: ``acknowledged:`` in the report file, seen by check, --strict and JSON."""

from __future__ import annotations

import json

from conftest import report_text
from test_aggregate import run

from reportgen.definition import get_format
from reportgen.validate import check_text
from reportgen.writer import dump_report

#: 现行有效 below 本年制发: T2-2, a warning that can be true and justified.
DOCS = "normative_docs: {issued: 0, repealed: 0, in_force: 0}"
FEWER_IN_FORCE = "normative_docs: {issued: 4, repealed: 0, in_force: 2}"
WHERE = "proactive.normative_docs.in_force"


def report(*entries: str) -> str:
    text = report_text().replace(DOCS, FEWER_IN_FORCE)
    assert FEWER_IN_FORCE in text
    if entries:
        text += "\nacknowledged:\n" + "".join(f"  - {e}\n" for e in entries)
    return text


def test_the_warning_key_is_in_check_json(write_report, capsys):
    code, out, _ = run(["check", write_report(report()), "--json"], capsys)
    assert code == 0
    [problem] = json.loads(out)["problems"]
    assert problem["rule"] == "T2-2" and problem["key"] == WHERE


def test_explained_warning_shown_and_accepted_by_strict(write_report, capsys):
    path = write_report(report(f"{{rule: T2-2, where: {WHERE}, reason: 两件文件当年即被替代}}"))
    code, out, _ = run(["check", path, "--strict"], capsys)
    assert code == 0, out
    assert "警告（已说明） T2-2" in out
    assert "    说明：两件文件当年即被替代" in out
    assert out.strip().endswith("1 个文件通过检查，有 1 个警告（其中 1 个已说明）")
    code, out, _ = run(["check", path, "--json"], capsys)
    data = json.loads(out)
    assert data["explained"] == 1
    assert data["problems"][0]["acknowledged"] == "两件文件当年即被替代"


def test_unexplained_warning_still_fails_strict(write_report, capsys):
    code, _, _ = run(["check", write_report(report()), "--strict"], capsys)
    assert code == 1


def test_errors_can_never_be_acknowledged(write_report, capsys):
    text = report_text(carried_forward="[8, 1, 0, 0, 0, 0]")
    text += (
        "\nacknowledged:\n"
        "  - {rule: T3-1, where: applications.carried_forward.natural_person, reason: 就是这样}\n"
    )
    path = write_report(text)
    code, out, _ = run(["check", path], capsys)
    assert code == 1
    assert "错误 E-ACK acknowledged 第 1 条：T3-1 是错误" in out
    assert "错误 T3-1" in out and "已说明） T3-1" not in out
    line = text.split("\n").index(
        "  - {rule: T3-1, where: applications.carried_forward.natural_person, reason: 就是这样}"
    )
    assert f"{path}:{line + 1}:" in out


def test_stale_and_unknown_entries_are_reported(write_report, capsys):
    path = write_report(
        report(
            f"{{rule: T2-2, where: {WHERE}, reason: 有原因}}",
            "{rule: T2-4, where: proactive.fees.amount, reason: 早已改正}",
            "{rule: Z-9, where: x, reason: 拼错了}",
            # a cross-year rule is not checked without --previous: neither used nor stale
            "{rule: X-1, where: applications.carried_over.natural_person, reason: 上年漏计}",
        )
    )
    code, out, _ = run(["check", path], capsys)
    assert code == 1
    stale = "警告 W-ACK acknowledged 第 2 条：已说明的警告 T2-4（proactive.fees.amount）"
    assert stale + "现在没有出现" in out
    assert "错误 E-ACK acknowledged 第 3 条：未知的规则「Z-9」" in out
    assert "第 4 条" not in out


def test_entries_must_have_a_reason():
    outcome = check_text(report(f"{{rule: T2-2, where: {WHERE}, reason: ''}}"))
    assert not outcome.ok
    assert any(p.path == "acknowledged.0.reason" for p in outcome.problems)


def test_report_files_written_by_reportgen_keep_the_entries():
    outcome = check_text(report(f"{{rule: T2-2, where: {WHERE}, reason: 两件文件当年即被替代}}"))
    text = dump_report(get_format("v2021"), outcome.report.data)
    again = check_text(text)
    assert again.report.data["acknowledged"] == outcome.report.data["acknowledged"]
    assert [p.acknowledged for p in again.problems] == ["两件文件当年即被替代"]


def test_editing_a_report_with_the_wizard_keeps_the_entries(write_report):
    from reportgen.wizard.answers import AnswerStore

    entry = f"{{rule: T2-2, where: {WHERE}, reason: 两件文件当年即被替代}}"
    store = AnswerStore.from_report_file(write_report(report(entry)))
    fmt = get_format("v2021")
    again = check_text(dump_report(fmt, store.report_data(fmt)))
    assert [p.acknowledged for p in again.problems] == ["两件文件当年即被替代"]

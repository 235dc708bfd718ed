"""Mistakes people make typing a report file, and the Chinese message each one gets.

Each case takes the balanced report of ``conftest.report_text``, makes one slip in it and
checks the message, the line it is reported at (the slip's own line, found by where the
slip is in the text, not hard-coded) and the caret under the spot.
"""

from __future__ import annotations

import json

import pytest
from conftest import report_text

from reportgen.cli import main
from reportgen.errors import InputError
from reportgen.source import parse_text
from reportgen.validate import check_text
from reportgen.yaml_hints import display_width, excerpt

GOOD = report_text()


def slip(old: str, new: str) -> tuple[str, int]:
    """The report with ``old`` replaced by ``new``, and the line ``new`` is on."""
    assert GOOD.count(old) >= 1, old
    text = GOOD.replace(old, new, 1)
    return text, text[: text.index(new)].count("\n") + 1


# (case, old, new, expected message fragment, expected hint fragment, line offset from the
#  slip's line, character the caret points at)
SYNTAX = [
    ("tab indent", "  licensing:", "\tlicensing:", "缩进里有制表符（Tab）", "换成空格", 0, "\t"),
    ("no space after colon", "year: 2024", "year:2024", "「year:」的冒号后面缺空格",
     "year: 2024", 0, "2"),
    ("no space, nested row", "  carried_over: [5", "  carried_over:[5",
     "「carried_over:」的冒号后面缺空格", "carried_over: [5, 0, 0, 0, 0, 0]", 0, "["),
    ("full-width colon", "year: 2024", "year： 2024", "「year」后面用了全角冒号「：」",
     "year: 2024", 0, "："),
    ("full-width colon, nested", "  carried_over: [5", "  carried_over：[5",
     "「carried_over」后面用了全角冒号「：」", "半角冒号", 0, "："),
    ("full-width comma in braces", "{issued: 0, repealed: 0, in_force: 0} # 规章",
     "{issued: 0，repealed: 0，in_force: 0} # 规章", "括号里用了全角标点「，」", "半角逗号",
     0, "，"),
    ("enumeration comma in braces", "{upheld: 0, corrected: 0, other: 0, pending: 0} # 行政复议",
     "{upheld: 0、corrected: 0, other: 0, pending: 0} # 行政复议", "全角标点「、」", "半角逗号",
     0, "、"),
    ("indented too far", "  carried_over: [5", "   carried_over: [5", "多缩进了 1 格", "改成 2 格",
     0, "c"),
    ("indented between levels", "    third_party: [9", "   third_party: [9",
     "缩进（3 格）与上面的各级都对不齐", "改成 4 格", 0, "t"),
    ("a row moved out of its group", "    third_party: [9", "  third_party: [9",
     "多缩进了 2 格", "也缩进到 4 格", 1, "i"),
    ("bracket not closed", "carried_over: [5, 0, 0, 0, 0, 0]", "carried_over: [5, 0, 0, 0, 0, 0",
     "这一行的括号没有结束", "补上「]」", 0, " "),
    ("quote not closed", 'agency: "某某市某某区工业和信息化局"',
     'agency: "某某市某某区工业和信息化局', "双引号没有成对", "补上另一个引号", 0, '"'),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "message", "hint", "offset", "spot"),
    [case[1:] for case in SYNTAX],
    ids=[case[0] for case in SYNTAX],
)
def test_syntax_slips_are_named_at_their_line(old, new, message, hint, offset, spot):
    text, line = slip(old, new)
    with pytest.raises(InputError) as info:
        parse_text(text, "r.yaml")
    err = info.value
    assert message in err.message
    assert hint in err.hint
    assert err.line == line + offset
    assert text.splitlines()[err.line - 1][err.column - 1] == spot
    shown, marker = err.excerpt.splitlines()
    assert shown.startswith(f"{err.line} | ")
    assert marker.endswith("^") and len(marker) - 1 == len(f"{err.line} | ") + display_width(
        text.splitlines()[err.line - 1][: err.column - 1]
    )
    assert not any(word in err.message for word in ("expected", "found", "mapping"))


def test_unclosed_bracket_at_the_end_of_the_file():
    with pytest.raises(InputError) as info:
        parse_text("year: 2024\nagency: [unclosed\n", "r.yaml")
    assert (info.value.line, info.value.message) == (2, "这一行的括号没有结束")


def test_other_syntax_errors_are_translated_at_the_parsers_line():
    with pytest.raises(InputError) as info:
        parse_text("year: 2024\nagency: x\n- a\n", "r.yaml")
    assert info.value.line == 3
    assert info.value.message.isascii() is False and "expected" not in info.value.message


def test_caret_counts_chinese_characters_as_two_columns():
    assert excerpt("a: 某某：x\n", 1, 6) == "1 | a: 某某：x\n  |        ^"


# (case, old, new, rule, message fragment, hint fragment)
VALUES = [
    ("quoted count", "licensing: {decisions: 0}", 'licensing: {decisions: "3"}', "T2-1",
     "应为整数", "去掉引号：写 3"),
    ("quoted money", "fees: {amount: 0}", 'fees: {amount: "20.3"}', "T2-1", "应为数字",
     "去掉引号：写 20.3"),
    ("full-width digit", "[5, 0, 0, 0, 0, 0]", "[５, 0, 0, 0, 0, 0]", "T3-4", "应为整数",
     "全角数字；改用半角数字 5"),
    ("full-width brackets", "[5, 0, 0, 0, 0, 0]", "【5, 0, 0, 0, 0, 0】", "T3-4", "应为键值对",
     "全角括号"),
    ("year typed twice", "year: 2024", "year: 20242024", "E-TYPE", "数值过大",
     "报告年度写四位数"),
    ("unit typed", "fees: {amount: 0}", "fees: {amount: 20万元}", "T2-1", "应为数字",
     "不带单位"),
    ("key and value run together", "fees: {amount: 0}", "fees: {amount:0}", "E-KEY",
     "未知的键「amount:0」", "冒号后面缺空格；改成 amount: 0"),
    ("full-width colon in braces", "fees: {amount: 0}", "fees: {amount：0}", "E-KEY",
     "未知的键「amount：0」", "全角冒号"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "rule", "message", "hint"),
    [case[1:] for case in VALUES],
    ids=[case[0] for case in VALUES],
)
def test_values_that_cannot_be_right_say_what_to_type(old, new, rule, message, hint):
    text, line = slip(old, new)
    outcome = check_text(text, "r.yaml")
    first = [p for p in outcome.problems if p.cause is None]
    assert len(first) == 1, [p.format() for p in outcome.problems]
    assert first[0].rule == rule and message in first[0].message
    assert hint in first[0].hint
    assert first[0].line == line


def test_full_width_commas_in_a_row_are_accepted_as_the_wizard_does():
    text, _ = slip("carried_over: [5, 0, 0, 0, 0, 0]", "carried_over: [5，0、0，0，0，0]")
    outcome = check_text(text, "r.yaml")
    assert outcome.ok, [p.format() for p in outcome.problems]
    assert outcome.report.values["applications.carried_over.natural_person"] == 5


# ---------------------------------------------------------------------- cascades


def run(args, capsys):
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code, out + err


@pytest.mark.parametrize(
    ("old", "new", "cause", "consequences"),
    [
        ("  carried_over:", "  carried_ovr:", "E-KEY", ["E-MISSING"]),
        ("carried_over: [5, 0, 0, 0, 0, 0]", "carried_over: [5, 0, 0, 0, 0]", "T3-4",
         ["E-MISSING"] * 6),
        ("new_received: [241, 16, 0, 0, 1, 2]", "new_received: [214, 16, 0, 0, 1, 2, 260]",
         "T3-2", ["T3-1"]),
        ("fees: {amount: 0}", "fees: {amount:0}", "E-KEY", ["E-MISSING"]),
    ],
    ids=["misspelt key", "row too short", "mistyped cell with its total", "glued key"],
)  # fmt: skip
def test_one_mistake_one_message_first(old, new, cause, consequences, write_report, capsys):
    text, line = slip(old, new)
    path = write_report(text)
    outcome = check_text(text, str(path))
    [first] = [p for p in outcome.problems if p.cause is None]
    assert first.rule == cause and first.line == line
    assert sorted(p.rule for p in outcome.problems if p.cause is first) == consequences

    code, out = run(["check", str(path)], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{path}:{line}:") and f"错误 {cause} " in lines[0]
    under = lines.index("    由此引起（先改上面这一处，再检查一次）：")
    assert len([x for x in lines[under + 1 :] if x.startswith(f"      {path}:")]) == len(
        consequences
    )
    assert lines[-1] == "1 个文件：1 个错误，0 个警告"

    code, out = run(["check", "--json", str(path)], capsys)
    data = json.loads(out)
    linked = [p for p in data["problems"] if "caused_by" in p]
    assert len(linked) == len(consequences)
    assert all(p["caused_by"] == {"rule": cause, "line": line, "column": first.column}
               for p in linked)  # fmt: skip


def test_independent_mistakes_are_not_grouped():
    text, _ = slip("licensing: {decisions: 0}", "licensing: {decisions: -1}")
    text = text.replace("  carried_over:", "  carried_ovr:")
    outcome = check_text(text, "r.yaml")
    assert sorted(p.rule for p in outcome.problems if p.cause is None) == ["E-KEY", "T2-1"]


# ---------------------------------------------------------------------- what is given to check


def test_a_draft_is_named_with_how_to_resume(tmp_path, capsys):
    draft = tmp_path / "2024.yaml.draft"
    payload = {
        "kind": "reportgen-wizard-draft",
        "version": 1,
        "target": "2024.yaml",
        "mode": "new",
        "previous": None,
        "answers": {"agency": "某局", "year": 2024, "@mode": "rows"},
    }
    draft.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    code, out = run(["check", str(draft)], capsys)
    assert code == 2
    assert "这是向导中断时保存的草稿（已填写 2 项），还不是报告文件" in out
    assert f"接着填写：reportgen new --resume {draft}" in out
    payload["mode"] = "edit"
    draft.write_text(json.dumps(payload), encoding="utf-8")
    code, out = run(["check", str(draft)], capsys)
    assert f"接着修改：reportgen edit {tmp_path / '2024.yaml'}" in out


def test_a_folder_checks_the_report_files_in_it(tmp_path, capsys):
    folder = tmp_path / "各部门"
    folder.mkdir()
    (folder / "甲局.yaml").write_text(GOOD, encoding="utf-8")
    (folder / "乙局.yml").write_text(GOOD.replace("year: 2024", "year:2024"), encoding="utf-8")
    (folder / "说明.txt").write_text("不是报告", encoding="utf-8")
    code, out = run(["check", str(folder)], capsys)
    assert code == 2
    assert f"{folder / '乙局.yml'}:4:6: 错误 E-INPUT 「year:」的冒号后面缺空格" in out
    assert "说明.txt" not in out
    assert out.splitlines()[-1] == "2 个文件：1 个错误，0 个警告"
    empty = tmp_path / "空"
    empty.mkdir()
    code, out = run(["check", str(empty)], capsys)
    assert code == 2 and "文件夹里没有报告文件（.yaml）" in out


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("C:\\Users\\张三\\Desktop\\2024.yaml", "/mnt/c/Users/张三/Desktop/2024.yaml"),
        ("C:Users张三Desktop2024.yaml", "反斜杠「\\」被命令行去掉了"),
    ],
)
def test_windows_paths_get_a_hint(name, hint, capsys):
    code, out = run(["check", name], capsys)
    assert code == 2 and "文件不存在" in out and hint in out

"""Bad input gets a located message and exit code 2, never a traceback."""

from __future__ import annotations

import pytest
from conftest import report_text

from reportgen.errors import InputError
from reportgen.source import MAX_BYTES, parse_text, read_source
from reportgen.validate import check_text


def test_marks_point_at_values():
    src = parse_text("year: 2024\nagency: 某局\nlist: [1, 2]\n", "r.yaml")
    assert (src.marks[("year",)].line, src.marks[("year",)].column) == (1, 7)
    assert (src.marks[("list", 1)].line, src.marks[("list", 1)].column) == (3, 11)
    assert src.key_marks[("agency",)].line == 2


def test_decimal_numbers_stay_exact():
    src = parse_text("a: 0.1\nb: 3481775656.00\nc: 1_000\n")
    assert str(src.data["a"]) == "0.1"
    assert str(src.data["b"]) == "3481775656.00"
    assert src.data["c"] == 1000


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("year: 2024\nagency: [unclosed\n", 2, "括号没有结束"),
        ("year: 2024\nyear: 2025\n", 2, "键「year」重复出现（第一次在第 1 行）"),
        ("year: !!python/object:os.system 1\n", 1, "不支持 YAML 标签"),
        ("a: &x [1]\nb: *x\n", 1, "锚点和别名"),
        ("a: [1]\nb: *x\n", 2, "锚点和别名"),
        ("---\na: 1\n---\nb: 2\n", 3, "多个 YAML 文档"),
        ("a: !custom 1\n", 1, "不支持 YAML 标签"),
        ("<<: {a: 1}\n", 1, "合并键"),
        ("", None, "文件是空的"),
    ],
)
def test_unreadable_yaml(text, line, fragment):
    with pytest.raises(InputError) as info:
        parse_text(text, "r.yaml")
    assert fragment in info.value.message
    assert info.value.line == line
    assert info.value.file == "r.yaml"


def test_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    with pytest.raises(InputError, match="锚点和别名"):
        parse_text("\n".join(lines))


def test_non_utf8_file_names_gbk(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("year: 2024\nagency: 某某局\n".encode("gbk"))
    with pytest.raises(InputError) as info:
        read_source(path)
    assert info.value.message == "文件不是 UTF-8 编码"
    assert info.value.line == 2
    assert "GBK" in info.value.hint


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + report_text().encode())
    assert read_source(path).data["year"] == 2024


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.yaml"
    with path.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)
    with pytest.raises(InputError, match="文件过大"):
        read_source(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="文件不存在"):
        read_source(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="目录"):
        read_source(tmp_path)


@pytest.mark.parametrize(
    ("old", "new", "rule", "fragment"),
    [
        ("fees: {amount: 0}", "fees: {amount: .nan}", "T2-1", "应为有限的数字"),
        ("fees: {amount: 0}", "fees: {amount: .inf}", "T2-1", "应为有限的数字"),
        ("fees: {amount: 0}", 'fees: {amount: "20万元"}', "T2-1", "应为数字（不带单位、不加引号）"),
        ("fees: {amount: 0}", "fees: {amount: 2000000000000}", "T2-1", "数值过大"),
        ("penalty: {decisions: 0}", "penalty: {decisions: 1000000001}", "T2-1", "数值过大"),
        ("penalty: {decisions: 0}", "penalty: {decisions: .nan}", "T2-1", "应为整数"),
        ("penalty: {decisions: 0}", "penalty: {decisions: true}", "T2-1", "应为整数"),
        ("penalty: {decisions: 0}", 'penalty: {decisions: "3"}', "T2-1", "应为整数"),
        ("penalty: {decisions: 0}", "penalty: {decisions: }", "T2-1", "应为整数，实际为 空值"),
        ("year: 2024", "year: 二〇二四", "E-TYPE", "「year」应为整数年份"),
        ("year: 2024", "year: 2024\npublished: 2025-13-01", "E-INPUT", "无效的日期"),
    ],
)
def test_bad_values_are_located_problems(old, new, rule, fragment):
    text = report_text()
    assert old in text
    text = text.replace(old, new)
    try:
        outcome = check_text(text, "r.yaml")
    except InputError as exc:  # unreadable values are input errors (exit 2)
        assert rule == "E-INPUT"
        assert fragment in exc.message and exc.line
        return
    problems = outcome.problems
    assert outcome.report is None
    assert [p.rule for p in problems] == [rule], [p.format() for p in problems]
    assert fragment in problems[0].message
    assert (
        problems[0].line
        == text.split("\n").index(
            next(line for line in text.split("\n") if new.split("\n")[-1] in line)
        )
        + 1
    )


def test_unknown_key_suggests_the_right_one():
    outcome = check_text(report_text().replace("carried_over:", "carried_ovr:"), "r.yaml")
    messages = {p.rule: p for p in outcome.problems}
    assert messages["E-KEY"].message == "表三中有未知的键「carried_ovr」"
    assert messages["E-KEY"].hint == "是不是「carried_over」？"
    assert messages["E-MISSING"].message.startswith("缺少表三「二、上年结转政府信息公开申请数量」")


def test_top_level_must_be_a_mapping():
    outcome = check_text("- 1\n- 2\n", "r.yaml")
    assert [p.rule for p in outcome.problems] == ["E-TYPE"]

"""The wizard as a clerk meets it: order, figures to cite, editors, jumping to a row, pasting.

Driven like tests/test_wizard.py, through the real questionary prompts fed from
prompt_toolkit pipes; what the wizard printed is read back from the captured output.
"""

from __future__ import annotations

import re

import pytest
from conftest import report_text
from test_wizard import (
    CTRL_C,
    CTRL_U,
    DOWN,
    SEED_002_TABLE_3,
    UP,
    E,
    Scripted,
    seed_002_keys,
)

from reportgen.definition import get_format
from reportgen.errors import InputError
from reportgen.validate import check_file
from reportgen.wizard.answers import AnswerStore
from reportgen.wizard.flow import edit_session, new_session, run_session
from reportgen.wizard.jump import WIDTH, display_width, find_questions, find_section
from reportgen.wizard.prompts import Prompter, _figure_completer
from reportgen.wizard.questions import steps


class Recording(Scripted):
    """Also records each select's choices and default, and each text prompt's instruction."""

    def __init__(self, keys, edits=None):
        super().__init__(keys, edits)
        self.selects: list[tuple[str, list[str], object]] = []
        self.instructions: dict[str, str | None] = {}

    def select(self, message, choices, default=None):
        self.selects.append((message, [t for t, _ in choices], default))
        return super().select(message, choices, default)

    def text(self, message, **kwargs):
        self.instructions[message] = kwargs.get("instruction")
        return super().text(message, **kwargs)


def _edit_file(tmp_path):
    path = tmp_path / "2024.yaml"
    path.write_text(report_text(2024), encoding="utf-8")
    return path


# ---------------------------------------------------------------- order and wording


def test_tables_come_before_the_texts():
    fmt = get_format("v2021")
    kinds = [s.kind for s in steps(fmt)]
    assert kinds == ["meta", "table", "table", "table", "text", "text", "text"]


def test_drafts_count_questions_not_cells(tmp_path, capsys):
    target = tmp_path / "r.yaml"
    keys = seed_002_keys()
    cut = keys.index("9 1 0 0 0 0" + E)  # the 4.保护第三方合法权益 row of table 三
    ui = Scripted([*keys[:cut], CTRL_C])
    assert run_session(new_session(ui, target)) == 130
    out = capsys.readouterr().out
    store = AnswerStore.load_draft(tmp_path / "r.yaml.draft")
    # 3 basic facts, 21 figures of table 二 with the unit and the amount, 7 rows of 三
    asked = 3 + 23 + 7
    assert store.questions_answered == asked
    assert f"已填写的 {asked} 项" in out
    assert store.answered > asked  # the cells: one question fills six of them


def test_fee_unit_is_said_once_and_the_header_question_explains_itself(tmp_path):
    path = _edit_file(tmp_path)
    keys = [DOWN * 2 + E, E]  # 修改：表二 → 整张表逐项修改
    ui = Recording(keys + [E] * 11 + [CTRL_C])  # keep every answer, then stop
    run_session(edit_session(ui, path))
    fee = next(m for m in ui.instructions if "本年收费金额" in m)
    assert "万元" in fee and ui.instructions[fee] is None  # the label already says 万元
    header = next(s for s in ui.selects if "表头" in s[0])
    assert "保留几位小数" in header[0]
    assert any("格式原文" in c for c in header[1])


# ---------------------------------------------------------------- texts


def test_citable_figures_by_chinese_name_with_values(tmp_path):
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    path = _edit_file(tmp_path)
    wizard = edit_session(Scripted([]), path)
    figures = wizard.citable_figures()
    new = next(f for f in figures if f.placeholder == "{{ applications.new_received.total }}")
    assert new.value == "现为 260"
    assert "本年新收" in new.name and "总计" in new.name
    completer = _figure_completer(figures)
    text = "全年收到申请{{新收 总计"
    found = list(completer.get_completions(Document(text), CompleteEvent()))
    assert [c.text for c in found] == ["{{ applications.new_received.total }}"]
    assert found[0].start_position == -len("{{新收 总计")
    # outside a {{ nothing is offered; after a closed placeholder neither
    assert not list(completer.get_completions(Document("全年收到申请"), CompleteEvent()))
    done = Document("{{ year }} 年")
    assert not list(completer.get_completions(done, CompleteEvent()))


def test_a_figure_picked_from_the_list_is_inserted(tmp_path, capsys):
    """Typing {{新收 and Tab inserts the placeholder of the first figure listed."""
    keys = seed_002_keys()
    at = keys.index("2020年，增城区全年新收申请{{ applications.new_received.total }}宗。\x1b\r")
    keys[at] = "全年新收申请{{新收\t件。\x1b\r"
    target = tmp_path / "r.yaml"
    ui = Scripted(keys)
    assert run_session(new_session(ui, target)) == 0
    report = check_file(target).report
    typed = "全年新收申请{{ applications.new_received.total }}件。"
    assert report.sections["overview"] == typed
    assert f"已读入 {len(typed)} 字" in capsys.readouterr().out


def test_no_vi_and_no_select_editor(monkeypatch, tmp_path):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # neither nano nor vi to be found
    assert Prompter.editor_name() is None
    (tmp_path / "nano").write_text("#!/bin/sh\n", encoding="utf-8")
    (tmp_path / "nano").chmod(0o755)
    assert Prompter.editor_name() == "nano"
    monkeypatch.setenv("EDITOR", "gedit --wait")
    assert Prompter.editor_name() == "gedit --wait"


def test_without_an_editor_the_text_menu_offers_none(monkeypatch, tmp_path):
    class NoEditor(Recording):
        @staticmethod
        def editor_name():
            return None

    path = _edit_file(tmp_path)
    ui = NoEditor([DOWN * 5 + E, E, CTRL_C])  # 修改：一、总体情况 → keep → …
    run_session(edit_session(ui, path))
    menu = next(s for s in ui.selects if s[0].startswith("怎样填写"))
    assert not any("编辑器" in c for c in menu[1])


def test_the_editor_route_lists_totals_and_says_what_was_read(tmp_path, capsys):
    keys = seed_002_keys()
    at = keys.index("2020年，增城区全年新收申请{{ applications.new_received.total }}宗。\x1b\r")
    keys[at - 1 : at + 1] = [DOWN + E]  # 用编辑器输入
    ui = Scripted(keys, edits=["\n第一段。\n"])
    assert run_session(new_session(ui, tmp_path / "r.yaml")) == 0
    assert "{{ applications.new_received.total }}" in ui.editor_saw
    assert "现为 259" in ui.editor_saw
    assert "已读入 4 字" in capsys.readouterr().out


# ---------------------------------------------------------------- pasting rows


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["excel-crlf", "terminal-cr"])
def test_rows_pasted_from_excel_fill_the_following_rows(tmp_path, capsys, newline):
    block = newline.join(["241\t16\t0\t0\t0\t2", "5\t0\t0\t0\t0\t0", "111\t5\t0\t0\t0\t0", ""])
    table3 = list(SEED_002_TABLE_3)
    table3[0:3] = ["\x1b[200~" + block + "\x1b[201~"]
    keys = seed_002_keys(table3)
    # the pasted row is entered at once: drop its Enter
    at = keys.index(table3[0] + E)
    keys[at] = table3[0]
    ui = Scripted(keys)
    assert run_session(new_session(ui, tmp_path / "r.yaml")) == 0
    assert "二、上年结转政府信息公开申请数量：" not in ui.asked
    assert "（一）予以公开：" not in ui.asked
    out = capsys.readouterr().out
    assert "（一）予以公开：111 5 0 0 0 0（粘贴）" in out
    values = check_file(tmp_path / "r.yaml").report.values
    assert values["applications.carried_over.natural_person"] == 5
    assert values["applications.granted.commercial"] == 5


def test_a_bad_pasted_row_stops_the_paste_and_is_asked(tmp_path, capsys):
    block = "241\t16\t0\t0\t0\t2\n5\t0\t甲\t0\t0\t0\n111\t5\t0\t0\t0\t0\n"
    table3 = list(SEED_002_TABLE_3)
    table3[0:2] = ["\x1b[200~" + block + "\x1b[201~", CTRL_U + "5 0 0 0 0 0"]
    keys = seed_002_keys(table3)
    at = keys.index(table3[0] + E)
    keys[at] = table3[0]
    ui = Scripted(keys)
    assert run_session(new_session(ui, tmp_path / "r.yaml")) == 0
    out = capsys.readouterr().out
    assert "粘贴的这一行不对" in out and "其后粘贴的 1 行未用" in out
    assert check_file(tmp_path / "r.yaml").ok


# ---------------------------------------------------------------- the balance menu


def test_balance_menu_shows_values_and_fits_80_by_24(tmp_path, capsys):
    table3 = list(SEED_002_TABLE_3)
    table3[-1] = "9 2 0 0 0 0"  # 四 one too many for 商业企业
    keys = seed_002_keys(table3)
    at = keys.index("9 2 0 0 0 0" + E) + 1
    keys[at:at] = [
        DOWN * 3 + E,  # 三、本年度办理结果 (a group: opens its rows)
        UP + E,  # ↑ from 返回上一级 wraps to the last entry, （六）其他处理
        E,  # keep its figures; the balance and the menu come again
        UP + E,  # 四、结转下年度继续办理
        CTRL_U + "9 1 0 0 0 0" + E,
    ]
    ui = Recording(keys)
    assert run_session(new_session(ui, tmp_path / "r.yaml")) == 0
    menus = [s for s in ui.selects if s[0].startswith("有的列不平衡")]
    top, group, _ = menus[0], menus[1], menus[2]
    assert top[2] == "@continue"
    assert len(top[1]) == 5  # 继续, 一, 二, 三 (a group), 四
    assert any(re.search(r"^四、结转下年度继续办理\s+9 2 0 0 0 0$", t) for t in top[1])
    # a group shows its sums per column: 三 = （一）…（六）
    assert any(
        t.startswith("三、本年度办理结果") and re.search(r"\s(\d+ ){5}\d+$", t) for t in top[1]
    )
    assert group[1][0].startswith("↑")
    for _, titles, _ in menus:
        assert all(display_width(t) <= WIDTH - 4 for t in titles), titles
        assert len(titles) <= 12
    # the balance and the menu fit on a 24-line screen
    out = capsys.readouterr().out
    shown = out[out.index("表三 勾稽关系") :].split("\n")
    height = next(i for i, line in enumerate(shown) if i > 2 and not line.strip())
    assert height + len(top[1]) + 1 <= 24, "\n".join(shown[:height])


# ---------------------------------------------------------------- edit


def test_edit_goes_straight_to_one_cell(tmp_path):
    path = _edit_file(tmp_path)
    target = {"table": "二", "row": "行政许可", "column": "本年处理决定数量"}
    keys = [CTRL_U + "7" + E]
    keys += [UP * 2 + E]  # review: the default reopens 表二; save is two up
    keys += ["n"]
    ui = Recording(keys)
    assert run_session(edit_session(ui, path, target=target)) == 0
    assert ui.asked[0] == "行政许可 · 本年处理决定数量："
    assert check_file(path).report.values["proactive.licensing.decisions"] == 7
    review = next(s for s in ui.selects if s[0] == "下一步：")
    assert "覆盖原文件" in review[1][0] and review[2] == "proactive"


def test_edit_goes_straight_to_one_row_of_table_three(tmp_path):
    path = _edit_file(tmp_path)
    target = {"table": "表三", "row": "（二）"}
    keys = [CTRL_U + "11 1 0 0 0 0" + E]  # 自然人 and 商业企业 no longer balance
    keys += [E]  # the balance shows it; 继续
    keys += [UP * 3 + E, "n"]  # the review starts at 表三 (the error); save anyway
    ui = Scripted(keys)
    assert run_session(edit_session(ui, path, target=target)) == 1
    assert ui.asked[0].startswith("（二）部分公开")
    values = check_file(path).report.values
    assert values["applications.partial.natural_person"] == 11
    assert values["applications.partial.commercial"] == 1


def test_review_default_is_never_overwrite(tmp_path):
    path = _edit_file(tmp_path)
    before = path.read_bytes()
    target = {"table": "四", "row": "行政复议"}
    # change a row, then press Enter at the review by reflex: the row menu opens, not a save
    keys = [CTRL_U + "1 0 0 0" + E, E, CTRL_C]
    ui = Recording(keys)
    assert run_session(edit_session(ui, path, target=target)) == 130
    assert path.read_bytes() == before
    review = next(s for s in ui.selects if s[0] == "下一步：")
    assert review[2] == "appeals"
    assert ui.selects[-1][0] == "修改表四的哪一行？"
    assert (tmp_path / "2024.yaml.draft").exists()  # the change is kept in the draft


def test_an_unchanged_edit_writes_nothing_and_leaves_no_draft(tmp_path, capsys):
    path = _edit_file(tmp_path)
    before = path.read_bytes()
    # 修改：表四 → 行政复议 → Enter keeps the values → review: 结束（没有修改）
    keys = [DOWN * 4 + E, DOWN + E, E, E]
    ui = Recording(keys)
    assert run_session(edit_session(ui, path)) == 0
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.draft"))
    review = [s for s in ui.selects if s[0] == "下一步："][-1]
    assert review[1][0].startswith("结束（没有修改")
    assert "没有修改" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("table", "row", "column", "first"),
    [
        ("三", "一", None, "一、本年新收政府信息公开申请数量"),
        ("applications", "国家秘密", None, "1.属于国家秘密"),
        (
            "表三",
            "（二）",
            "商业企业",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
            " · 申请人情况 · 法人或其他组织 · 商业企业",
        ),
        ("四", "复议后", None, "复议后起诉"),
        ("四", "复议后起诉", "总计", None),
        ("二", "收费", None, "行政事业性收费 · 本年收费金额（单位：万元）"),
    ],
)
def test_edit_targets_by_the_words_a_clerk_uses(table, row, column, first):
    fmt = get_format("v2021")
    if first is None:
        with pytest.raises(InputError, match="没有唯一"):
            find_questions(fmt, table, row, column)
        return
    questions = find_questions(fmt, table, row, column)
    assert questions[0].title == first


def test_edit_target_errors_name_the_choices():
    fmt = get_format("v2021")
    with pytest.raises(InputError, match="可选：表二、表三、表四"):
        find_questions(fmt, "五")
    with pytest.raises(InputError, match="多行"):
        find_questions(fmt, "三", "其他")
    with pytest.raises(InputError, match="没有"):
        find_questions(fmt, "三", "不存在的行")
    assert find_section(fmt, "五").key == "sections.problems"


def test_pasting_rows_in_a_real_terminal(tmp_path):
    """Bracketed paste of three rows copied from Excel, in a pseudo-terminal."""
    pytest.importorskip("pexpect")
    import json

    from test_wizard_tty import PASTE, answer, spawn

    path = _edit_file(tmp_path)
    child = spawn(["edit", path.name, "--table", "三"], tmp_path)
    answer(child, "修改表三的哪一行？", E)  # 整张表逐项修改
    answer(child, "表格怎样填写", E)
    rows = "200\t10\t0\t0\t1\t2\r\n6\t0\t0\t0\t0\t0\r\n120\t5\t0\t0\t0\t0\r\n"
    answer(child, "一、本年新收政府信息公开申请数量", PASTE.format(rows))
    child.expect_exact("（一）予以公开：120 5 0 0 0 0（粘贴）")
    child.expect_exact("（二）部分公开")
    child.sendcontrol("c")
    child.expect_exact("已中断")
    child.wait()
    draft = json.loads((tmp_path / "2024.yaml.draft").read_text(encoding="utf-8"))["answers"]
    assert draft["applications.new_received.natural_person"] == 200
    assert draft["applications.carried_over.natural_person"] == 6
    assert draft["applications.granted.natural_person"] == 120


def test_a_year_typed_after_the_suggested_one_is_asked_again(tmp_path):
    """The year box starts with a suggestion; typing after it gives 20252025, refused."""
    import datetime as dt

    from reportgen.wizard.answers import AnswerStore
    from reportgen.wizard.basics import BasicFacts

    facts = BasicFacts(None, AnswerStore(tmp_path / "r.yaml"))
    this_year = dt.date.today().year
    assert "不晚于今年" in facts._check_year(f"{this_year}{this_year}")
    assert facts._check_year(str(this_year - 1)) is None
    assert "四位数" in facts._check_year("二〇二四")

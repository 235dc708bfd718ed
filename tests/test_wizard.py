"""The wizard driven through its real questionary prompts, fed from prompt_toolkit pipes.

Each prompt gets the keystrokes a user would type (Enter is ``\\r``, ↓ is ``ESC [ B``,
Ctrl-C is ``\\x03``); the resulting file is then checked with the validator and its numbers
compared with what was typed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import report_text

from reportgen.definition import get_format
from reportgen.validate import check_file
from reportgen.wizard.answers import AnswerStore
from reportgen.wizard.flow import edit_session, new_session, run_session
from reportgen.wizard.prompts import Prompter
from reportgen.wizard.questions import (
    CELLS,
    ROWS,
    AnswerError,
    parse_date,
    parse_line,
    parse_value,
    table_questions,
)

E = "\r"
DOWN = "\x1b[B"
UP = "\x1b[A"
CTRL_C = "\x03"
CTRL_U = "\x15"  # clear the line before the cursor
DONE = "\x1b\r"  # Esc, Enter: ends a multi-line answer


class Scripted(Prompter):
    """Runs every real prompt on a fresh pipe holding the next scripted keystrokes.

    When the script runs out, the pipe is closed empty, which prompt_toolkit reports as
    EOF — the same as a user pressing Ctrl-D.
    """

    def __init__(self, keys: list[str], edits: list[str] | None = None) -> None:
        self.keys = list(keys)
        self.edits = list(edits or [])
        self.asked: list[str] = []

    def run(self, build, message):
        from prompt_toolkit.input import create_pipe_input
        from prompt_toolkit.output import DummyOutput

        self.asked.append(message)
        with create_pipe_input() as pipe:
            if self.keys:
                pipe.send_text(self.keys.pop(0))
            pipe.close()
            return build(input=pipe, output=DummyOutput()).unsafe_ask()

    def edit(self, text):
        self.editor_saw = text
        return text + self.edits.pop(0)

    @staticmethod
    def editor_name():
        return "nano"  # offered whatever this machine has installed


# ---------------------------------------------------------------- seed 002 (v2019)

SEED_002_TABLE_2 = [
    *["0", "0", "0"],  # 规章
    *["26", "26", "102"],  # 规范性文件
    *["583", "-46", "145,750"],  # 行政许可 (a thousands comma as copied from the web page)
    *["570", "+205", "536945"],  # 其他对外管理服务事项
    *["4761", "-407", "6261"],  # 行政处罚
    *["262", "-52", "1052"],  # 行政强制
    *["27", "+5"],  # 行政事业性收费
    "1233",  # 采购项目数量
]
SEED_002_TABLE_3 = [
    "\x1b[200~241\t16\t0\t0\t0\t2\t259\r\n\x1b[201~",  # a bracketed paste, total included
    "5\t0\t0\t0\t0\t0",  # pasted from a spreadsheet
    "111，5，0，0，0，0",  # typed with Chinese commas
    "10 2 0 0 0 0 12",  # pasted with its total
    "0",
    "5 1 0 0 0 0",
    "1 0 0 0 0 0",
    "9 1 0 0 0 0",
    "2 1 0 0 0 0",
    "3 0 0 0 0 0",
    "2 0 0 0 0 0",
    "1 1 0 0 0 0",
    "73 3 0 0 0 2",
    "10 1 0 0 0 0",
    "2 0 0 0 0 0",
    "2 0 0 0 0 0",
    "6 0 0 0 0 0",
    "0",
    "0",
    "0",
    "0",  # （六）其他处理 (one row in the 2019 format)
    "9 1 0 0 0 0",
]


#: The overview as typed, citing a figure of table 三 entered before it.
OVERVIEW = "2020年，增城区全年新收申请{{ applications.new_received.total }}宗。"


def seed_002_keys(table3: list[str] | None = None) -> list[str]:
    """Every keystroke of seed 002: basic facts, tables 二、三、四, then the texts."""
    keys = ["n", "广州市增城区人民政府" + E, CTRL_U + "2020" + E, "2021年1月20日" + E]
    keys += [k + E for k in SEED_002_TABLE_2]
    keys += [E, "3481775656.00" + E]  # 采购总金额: unit 元 (the first choice), then the amount
    keys += [E]  # table mode: row by row
    keys += [k + E for k in (table3 or SEED_002_TABLE_3)]
    keys += ["2 0 1 0" + E, "3 0 1 1" + E, "0" + E]
    keys += TEXT_KEYS
    keys += [E]  # save
    keys += ["n"]  # do not build now
    return keys


#: 一 typed inline; 五、六 left empty for now (the third choice).
TEXT_KEYS = [E, OVERVIEW + DONE, DOWN + DOWN + E, DOWN + DOWN + E]


def text_start(keys: list[str]) -> int:
    """Where the texts begin in ``keys`` (they follow the tables)."""
    return len(keys) - 2 - len(TEXT_KEYS)


def test_seed_002_typed_in_full_passes_check(tmp_path):
    target = tmp_path / "zengcheng-2020.yaml"
    ui = Scripted(seed_002_keys())
    code = run_session(new_session(ui, target))
    assert code == 0, ui.asked[-3:]
    assert not ui.keys
    outcome = check_file(target)
    assert outcome.ok, [p.format() for p in outcome.problems]
    report = outcome.report
    assert report.format.id == "v2019"
    assert report.agency == "广州市增城区人民政府"
    assert str(report.published) == "2021-01-20"
    values = report.values
    assert values["applications.new_received.total"] == 259
    assert values["applications.results_total.total"] == 254
    assert values["applications.carried_forward.total"] == 10
    assert values["applications.partial.commercial"] == 2
    assert values["applications.carried_over.natural_person"] == 5
    assert values["proactive.licensing.change"] == -46
    assert values["proactive.licensing.decisions"] == 145750
    assert values["proactive.procurement.amount"] == Decimal("3481775656.00")
    assert report.attributes["proactive.procurement.unit"] == "元"
    assert values["appeals.lit_direct.total"] == 5
    assert "{{ applications.new_received.total }}" in report.sections["overview"]
    assert not (tmp_path / "zengcheng-2020.yaml.draft").exists()
    # Totals are computed, never asked; every row of table 三 was one prompt.
    assert not any("总计" in m for m in ui.asked)
    assert ui.asked.count("（六）其他处理：") == 1


def test_wrong_answers_are_asked_again(tmp_path):
    table3 = list(SEED_002_TABLE_3)
    # Five numbers, then a letter, then a wrong pasted total: each Enter is refused and
    # the same prompt stays until the row is right.
    table3[0] = (
        "241 16 0 0 2"
        + E
        + CTRL_U
        + "241 16 0 o 0 2"
        + E
        + CTRL_U
        + "241 16 0 0 0 2 300"
        + E
        + CTRL_U
        + "241 16 0 0 0 2"
    )
    keys = seed_002_keys(table3)
    # A negative count in table 二, corrected.
    at = keys.index("26" + E)
    keys[at] = "-26" + E + CTRL_U + "26" + E
    target = tmp_path / "r.yaml"
    ui = Scripted(keys)
    assert run_session(new_session(ui, target)) == 0
    report = check_file(target).report
    assert report.values["applications.new_received.natural_person"] == 241
    assert report.values["proactive.normative_docs.new_made"] == 26
    assert ui.asked.count("一、本年新收政府信息公开申请数量：") == 1


def test_validation_messages():
    fmt = get_format("v2021")
    row = next(q for q in table_questions(fmt, fmt.tables["applications"], ROWS))
    cells, total = row.cells, row.total
    assert parse_line(cells, total, "241\t16\t0\t0\t0\t2\n") == [241, 16, 0, 0, 0, 2]
    assert parse_line(cells, total, "２４１、16，0, 0;0 2") == [241, 16, 0, 0, 0, 2]
    assert parse_line(cells, total, "0") == [0] * 6
    assert parse_line(cells, total, "1 1 1 1 1 1 6") == [1] * 6
    with pytest.raises(AnswerError, match="应有 6 个数"):
        parse_line(cells, total, "1 2 3")
    with pytest.raises(AnswerError, match="第 3 个数（科研机构）"):
        parse_line(cells, total, "1 2 x 4 5 6")
    with pytest.raises(AnswerError, match="前 6 个数之和是 6"):
        parse_line(cells, total, "1 1 1 1 1 1 7")
    with pytest.raises(AnswerError, match="不能为负"):
        parse_value("count", "-3")
    with pytest.raises(AnswerError, match="最多保留 4 位小数"):
        parse_value("money", "1.23456")
    with pytest.raises(AnswerError, match="不带单位"):
        parse_value("money", "20万元")
    assert parse_value("money", "20.3000") == Decimal("20.3000")
    assert parse_value("signed", "−46") == -46
    assert parse_value("signed", "+205") == 205
    assert str(parse_date("2025年1月20日")) == "2025-01-20"
    with pytest.raises(AnswerError):
        parse_date("2025-02-30")


@pytest.mark.parametrize("fmt_id", ["v2019", "v2021"])
def test_questions_cover_every_cell_except_totals(fmt_id):
    fmt = get_format(fmt_id)
    for table in fmt.tables.values():
        wanted = {p for p, c in table.cells.items() if not c.computed}
        for mode in (ROWS, CELLS):
            asked = [c.path for q in table_questions(fmt, table, mode) for c in q.cells]
            assert sorted(asked) == sorted(wanted), (table.key, mode)
        titles = {q.title for q in table_questions(fmt, table, ROWS) if q.kind == "line"}
        for block in table.blocks:
            for row in block.row_leaves:
                if row.label and not row.sum_of and table.key == "applications":
                    assert row.label in titles


# ---------------------------------------------------------------- Ctrl-C and resume


def test_ctrl_c_saves_a_draft_and_resume_continues(tmp_path, capsys):
    target = tmp_path / "r.yaml"
    keys = seed_002_keys()
    cut = keys.index("9 1 0 0 0 0" + E)  # the 4.保护第三方合法权益 row
    ui = Scripted([*keys[:cut], "9 1" + CTRL_C])
    assert run_session(new_session(ui, target)) == 130
    out = capsys.readouterr().out
    draft = tmp_path / "r.yaml.draft"
    assert draft.exists() and not target.exists()
    assert f"reportgen new --resume {draft}" in out
    saved = json.loads(draft.read_text(encoding="utf-8"))
    assert saved["answers"]["applications.denied.security_stability.natural_person"] == 1
    assert "applications.denied.third_party.natural_person" not in saved["answers"]

    ui = Scripted(keys[cut:])
    assert run_session(new_session(ui, "ignored.yaml", resume=str(draft))) == 0
    assert ui.asked[0] == "4.保护第三方合法权益："
    outcome = check_file(target)
    assert outcome.ok
    assert outcome.report.values["applications.results_total.total"] == 254
    assert outcome.report.agency == "广州市增城区人民政府"
    assert not draft.exists()


def test_eof_or_crash_keeps_answers(tmp_path, monkeypatch):
    target = tmp_path / "r.yaml"
    keys = seed_002_keys()
    stop = keys.index("26" + E) + 1  # 规范性文件 · 本年新制作数量; the next sees end of input
    ui = Scripted(keys[:stop])
    assert run_session(new_session(ui, target)) == 130
    store = AnswerStore.load_draft(tmp_path / "r.yaml.draft")
    assert store["agency"] == "广州市增城区人民政府"
    assert store["proactive.normative_docs.new_made"] == 26

    def broken(self, q):
        raise RuntimeError("boom")

    monkeypatch.setattr("reportgen.wizard.flow.Wizard.ask_number", broken)
    ui = Scripted(keys[stop:])
    with pytest.raises(RuntimeError):
        run_session(new_session(ui, target, resume=str(tmp_path / "r.yaml.draft")))
    store = AnswerStore.load_draft(tmp_path / "r.yaml.draft")
    assert store["proactive.normative_docs.new_made"] == 26


# ---------------------------------------------------------------- last year's file


def _previous_2023(tmp_path: Path) -> Path:
    text = report_text(2023)
    text = text.replace(
        "normative_docs: {issued: 0, repealed: 0, in_force: 0}",
        "normative_docs: {issued: 6, repealed: 1, in_force: 40}",
    )
    path = tmp_path / "2023.yaml"
    path.write_text(text, encoding="utf-8")
    assert check_file(path).ok
    return path


def test_previous_prefills_agency_carry_over_and_in_force(tmp_path):
    previous = _previous_2023(tmp_path)
    last_problems = "2023年，一是公开内容有待充实。"
    keys = [E, E, E]  # agency and year from last year's file, no date yet
    keys += ["0" + E, "0" + E, "0" + E]  # 规章
    keys += ["5" + E, "2" + E, E]  # 行政规范性文件: 现行有效 offered as 40 + 5 − 2
    keys += ["3" + E, "4" + E, "0" + E, "1.25" + E, E]  # 许可、处罚、强制、收费 + header
    keys += [E]  # row by row
    rows = {
        "new_received": "20 1 0 0 0 0",
        "carried_over": "",  # Enter: last year's 四 per column
        "granted": "15 1 0 0 0 0",
        "carried_forward": "14 1 0 0 0 0",
    }
    fmt = get_format("v2021")
    for row in fmt.tables["applications"].blocks[0].row_leaves:
        if not row.sum_of:
            keys.append(rows.get(row.key, "0") + E)
    keys += ["0" + E] * 3
    keys += [DOWN + DOWN + E]  # overview empty
    # Typing last year's text again is refused; a new text is accepted.
    keys += [E, last_problems + DONE + CTRL_U * 3 + "2024年，问题已整改。" + DONE]
    keys += [DOWN + DOWN + E]
    keys += [E, "n"]
    target = tmp_path / "2024.yaml"
    ui = Scripted(keys)
    assert run_session(new_session(ui, target, previous=str(previous))) == 0
    outcome = check_file(target, previous=check_file(previous).report)
    assert outcome.ok, [p.format() for p in outcome.problems]
    report = outcome.report
    assert report.year == 2024
    assert report.agency == "某某市某某区工业和信息化局"
    last = check_file(previous).report.values
    for col in ("natural_person", "commercial", "total"):
        assert (
            report.values[f"applications.carried_over.{col}"]
            == last[f"applications.carried_forward.{col}"]
        )
    assert report.values["proactive.normative_docs.in_force"] == 43
    assert report.sections["overview"] == ""
    assert report.sections["problems"] == "2024年，问题已整改。"
    assert not [p for p in outcome.problems if p.rule in ("X-1", "T2-5")]


# ---------------------------------------------------------------- balance, overwrite, edit


def test_live_balance_offers_to_go_back_to_a_row(tmp_path, capsys):
    table3 = list(SEED_002_TABLE_3)
    table3[-1] = "9 2 0 0 0 0"  # 四 one too many for 商业企业
    keys = seed_002_keys(table3)
    at = keys.index("9 2 0 0 0 0" + E) + 1  # after the last row of table 三
    keys[at:at] = [
        UP + E,  # ↑ from 继续 wraps to the last entry: 四、结转下年度继续办理
        CTRL_U + "9 1 0 0 0 0" + E,
    ]
    target = tmp_path / "r.yaml"
    ui = Scripted(keys)
    assert run_session(new_session(ui, target)) == 0
    out = capsys.readouterr().out
    assert "✗ 不平衡" in out and "各列勾稽关系平衡" in out
    assert ui.asked.count("四、结转下年度继续办理：") == 2
    assert check_file(target).ok


def test_never_overwrites_without_asking(tmp_path):
    target = tmp_path / "r.yaml"
    target.write_text("keep me\n", encoding="utf-8")
    keys = seed_002_keys()
    other = tmp_path / "r2.yaml"
    keys[-2:] = [E, "n", f"{target}" + E + CTRL_U + f"{other}" + E, "n"]
    ui = Scripted(keys)
    assert run_session(new_session(ui, target)) == 0
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert check_file(other).ok
    assert not list(tmp_path.glob("*.draft"))


def test_edit_reopens_a_section_with_current_values(tmp_path, capsys):
    path = tmp_path / "2024.yaml"
    path.write_text(report_text(2024), encoding="utf-8")
    before = check_file(path).report
    # The review menu: save, 基本信息, 表二, 表三, 表四, 一, 五, 六.
    keys = ["".join([DOWN] * 4) + E]  # 修改：四、政府信息公开行政复议、行政诉讼情况
    keys += [E]  # 整张表逐项修改
    keys += [E]  # keep row-by-row entry
    keys += [CTRL_U + "2 1 0 0" + E, E, E]  # change 行政复议, keep the others
    keys += [UP * 4 + E]  # the default reopens 表四; 保存（覆盖原文件） is four up
    keys += ["n"]
    ui = Scripted(keys)
    assert run_session(edit_session(ui, path)) == 0
    out = capsys.readouterr().out
    assert "检查" in out
    after = check_file(path).report
    assert after.values["appeals.review.total"] == 3
    assert after.values["appeals.review.corrected"] == 1
    changed = {k for k in before.values if before.values[k] != after.values[k]}
    assert changed == {"appeals.review.upheld", "appeals.review.corrected", "appeals.review.total"}
    assert after.sections == before.sections


def test_edit_interrupted_without_changes_leaves_no_draft(tmp_path, capsys):
    path = tmp_path / "2024.yaml"
    path.write_text(report_text(2024), encoding="utf-8")
    before = path.read_bytes()
    ui = Scripted([CTRL_C])
    assert run_session(edit_session(ui, path)) == 130
    assert "没有修改" in capsys.readouterr().out
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.draft"))


def test_editor_route_strips_the_hint_lines(tmp_path):
    keys = seed_002_keys()
    at = text_start(keys)
    keys[at : at + 2] = [DOWN + E]  # overview via the editor
    ui = Scripted(keys, edits=["\n第一段。\n\n第二段。\n"])
    target = tmp_path / "r.yaml"
    assert run_session(new_session(ui, target)) == 0
    assert "一、总体情况" in ui.editor_saw
    assert check_file(target).report.sections["overview"] == "第一段。\n\n第二段。"


# ---------------------------------------------------------------- without a terminal


@pytest.mark.parametrize("args", [["new"], ["edit", "missing-is-fine.yaml"]])
def test_without_a_terminal_exits_2_with_the_yaml_route(tmp_path, args):
    if args[0] == "edit":
        (tmp_path / args[1]).write_text(report_text(2024), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", *args],
        input="",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert "reportgen init" in result.stderr
    assert "Traceback" not in result.stderr
    assert not re.search(r"prompt_toolkit|questionary", result.stderr)
    assert not list(tmp_path.glob("*.draft"))

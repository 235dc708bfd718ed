"""``reportgen new`` in a real pseudo-terminal, driven with pexpect as a user would type.

Covers what only a terminal shows: the validation message under a refused answer, a row
pasted with bracketed paste, Ctrl-C saving a draft (exit 130), and ``--resume`` finishing
the report with the same numbers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from reportgen.validate import check_file

pexpect = pytest.importorskip("pexpect")

REPORTGEN = [sys.executable, "-m", "reportgen"]
DOWN = "\x1b[B"
PASTE = "\x1b[200~{}\x1b[201~"


def spawn(args: list[str], cwd: Path):
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", TERM="xterm", EDITOR="true")
    env["PROMPT_TOOLKIT_NO_CPR"] = "1"  # pexpect does not answer cursor-position queries
    child = pexpect.spawn(
        REPORTGEN[0],
        [*REPORTGEN[1:], *args],
        cwd=str(cwd),
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )
    return child


def answer(child, prompt: str, keys: str) -> None:
    child.expect_exact(prompt)
    child.send(keys)


TABLE_2 = [
    ("规章 · 本年新制作数量", "0"),
    ("规章 · 本年新公开数量", "0"),
    ("规章 · 对外公开总数量", "0"),
    ("规范性文件 · 本年新制作数量", "26"),
    ("规范性文件 · 本年新公开数量", "26"),
    ("规范性文件 · 对外公开总数量", "102"),
    ("行政许可 · 上一年项目数量", "583"),
    ("行政许可 · 本年增/减", "-46"),
    ("行政许可 · 处理决定数量", "145750"),
    ("其他对外管理服务事项 · 上一年项目数量", "570"),
    ("其他对外管理服务事项 · 本年增/减", "+205"),
    ("其他对外管理服务事项 · 处理决定数量", "536945"),
    ("行政处罚 · 上一年项目数量", "4761"),
    ("行政处罚 · 本年增/减", "-407"),
    ("行政处罚 · 处理决定数量", "6261"),
    ("行政强制 · 上一年项目数量", "262"),
    ("行政强制 · 本年增/减", "-52"),
    ("行政强制 · 处理决定数量", "1052"),
    ("行政事业性收费 · 上一年项目数量", "27"),
    ("行政事业性收费 · 本年增/减", "+5"),
    ("政府集中采购 · 采购项目数量", "1233"),
]

TABLE_3_LATER = [
    ("（一）予以公开", "111 5 0 0 0 0"),
    ("（二）部分公开", "10 2 0 0 0 0"),
    ("1.属于国家秘密", "0"),
    ("2.其他法律行政法规禁止公开", "5 1 0 0 0 0"),
    ("3.危及", "1 0 0 0 0 0"),
    ("4.保护第三方合法权益", "9 1 0 0 0 0"),
    ("5.属于三类内部事务信息", "2 1 0 0 0 0"),
    ("6.属于四类过程性信息", "3 0 0 0 0 0"),
    ("7.属于行政执法案卷", "2 0 0 0 0 0"),
    ("8.属于行政查询事项", "1 1 0 0 0 0"),
    ("1.本机关不掌握相关政府信息", "73 3 0 0 0 2"),
    ("2.没有现成信息需要另行制作", "10 1 0 0 0 0"),
    ("3.补正后申请内容仍不明确", "2 0 0 0 0 0"),
    ("1.信访举报投诉类申请", "2 0 0 0 0 0"),
    ("2.重复申请", "6 0 0 0 0 0"),
    ("3.要求提供公开出版物", "0"),
    ("4.无正当理由大量反复申请", "0"),
    ("5.要求行政机关确认或重新出具已获取信息", "0"),
    ("（六）其他处理", "0"),
    ("四、结转下年度继续办理", "9 1 0 0 0 0"),
]


def test_new_in_a_terminal_ctrl_c_and_resume(tmp_path):
    child = spawn(["new", "-o", "zengcheng.yaml"], tmp_path)
    answer(child, "导入上一年度的报告文件吗", "n")
    answer(child, "机关名称", "广州市增城区人民政府\r")
    answer(child, "报告年度", "\x15" + "2020\r")
    child.expect_exact("2019年版格式（试行）")
    answer(child, "成文日期", "2021-01-20\r")
    for prompt, value in TABLE_2:
        answer(child, prompt, value + "\r")
    answer(child, "采购总金额的单位", "\r")
    answer(child, "采购总金额：", "3481775656.000001\r")
    child.expect_exact("最多保留 4 位小数")
    child.send("\x15" + "3481775656.00\r")
    answer(child, "表格怎样填写", "\r")
    answer(child, "一、本年新收政府信息公开申请数量", "241 16 0 0 2\r")
    child.expect_exact("应有 6 个数")
    child.send("\x15" + PASTE.format("241\t16\t0\t0\t0\t2\n") + "\r")
    child.expect_exact("二、上年结转政府信息公开申请数量")
    child.sendcontrol("c")
    child.expect_exact("继续填写：reportgen new --resume zengcheng.yaml.draft")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert (tmp_path / "zengcheng.yaml.draft").exists()
    assert not (tmp_path / "zengcheng.yaml").exists()

    child = spawn(["new", "--resume", "zengcheng.yaml.draft"], tmp_path)
    child.expect_exact("继续草稿")
    answer(child, "二、上年结转政府信息公开申请数量", "5 0 0 0 0 0\r")
    for prompt, value in TABLE_3_LATER:
        answer(child, prompt, value + "\r")
    child.expect_exact("各列勾稽关系平衡")
    answer(child, "行政复议", "2 0 1 0\r")
    answer(child, "未经复议直接起诉", "3 0 1 1\r")
    answer(child, "复议后起诉", "0\r")
    answer(child, "怎样填写「一、总体情况」", "\r")
    answer(child, "正文：", "2020年，增城区坚持以公开促落实。\r全年新收申请259宗。\x1b\r")
    child.expect_exact("已读入 30 字")
    answer(child, "怎样填写「五、存在的主要问题及改进情况」", DOWN + DOWN + "\r")
    answer(child, "怎样填写「六、其他需要报告的事项」", DOWN + DOWN + "\r")
    child.expect_exact("没有错误")
    answer(child, "下一步", "\r")
    child.expect_exact("已保存 zengcheng.yaml")
    if child.expect_exact(["现在生成", pexpect.EOF]) == 0:
        child.send("n")
        child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    outcome = check_file(tmp_path / "zengcheng.yaml")
    assert outcome.ok
    values = outcome.report.values
    assert values["applications.new_received.total"] == 259
    assert values["applications.results_total.total"] == 254
    assert values["applications.carried_over.total"] == 5
    assert values["proactive.other_services.change"] == 205
    assert str(values["proactive.procurement.amount"]) == "3481775656.00"
    assert outcome.report.sections["overview"].endswith("全年新收申请259宗。")
    assert not (tmp_path / "zengcheng.yaml.draft").exists()

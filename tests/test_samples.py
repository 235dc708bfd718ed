"""The sample reports in ``samples/``: five real published reports, transcribed.

Every sample must pass ``reportgen check`` (exit 0) with exactly the warnings that are true
statements about the published page, and must carry the agency's own figures and text.  The
expected values below were read by hand from the published reports, not from the samples.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.definition import format_for_year
from reportgen.render.text import section_paragraphs
from reportgen.validate import load_report

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FILES = sorted(SAMPLES.glob("*.yaml"))
NAMES = [f.stem for f in FILES]

#: Warnings each sample must raise, as (rule, path, actual value) — and no others.
WARNINGS: dict[str, set[tuple[str, str, str | None]]] = {
    "000-jieyang-gxj-2020": set(),
    "001-wendeng-gxj-2020": set(),
    "002-zengcheng-2020": {
        # The page has no table 四 but its text cites 行政複議3宗, 行政訴訟5宗.
        ("X-3", "sections.overview", "3"),
        ("X-3", "sections.overview", "5"),
        # The page has no sections 五 and 六.
        ("X-4", "sections.problems", None),
        ("X-4", "sections.other_matters", None),
    },
    "003-shangqiu-gxj-2021": set(),
    # Section 六 of the page holds only the site's "扫一扫在手机打开当前页".
    "004-suining-anju-2019": {("X-4", "sections.other_matters", None)},
}

#: Figures read from the published reports.
VALUES: dict[str, dict[str, int | Decimal]] = {
    "000-jieyang-gxj-2020": {
        "proactive.licensing.previous_items": 1,
        "proactive.licensing.change": 14,
        "proactive.licensing.decisions": 15,
        "proactive.fees.previous_items": 5,
        "proactive.fees.change": 1,
        "proactive.procurement.amount": 0,
        "applications.new_received.total": 0,
        "applications.results_total.total": 0,
    },
    "001-wendeng-gxj-2020": {
        "proactive.normative_docs.new_made": 1,
        "proactive.normative_docs.new_published": 1,
        "proactive.normative_docs.published_total": 1,
        "proactive.regulations.published_total": 0,
        "applications.new_received.total": 0,
    },
    "002-zengcheng-2020": {
        "proactive.normative_docs.new_made": 26,
        "proactive.normative_docs.published_total": 102,
        "proactive.licensing.previous_items": 583,
        "proactive.licensing.change": -46,
        "proactive.licensing.decisions": 145750,
        "proactive.other_services.change": 205,
        "proactive.other_services.decisions": 536945,
        "proactive.penalty.change": -407,
        "proactive.penalty.decisions": 6261,
        "proactive.coercion.previous_items": 262,
        "proactive.coercion.change": -52,
        "proactive.fees.previous_items": 27,
        "proactive.fees.change": 5,
        "proactive.procurement.projects": 1233,
        "proactive.procurement.amount": Decimal("3481775656.00"),
        "applications.new_received.natural_person": 241,
        "applications.new_received.commercial": 16,
        "applications.new_received.other_org": 2,
        "applications.new_received.total": 259,
        "applications.carried_over.total": 5,
        # totals printed on the page, here computed from their parts
        "applications.granted.total": 116,
        "applications.partial.total": 12,
        "applications.denied.third_party.total": 10,
        "applications.unable.not_held.total": 78,
        "applications.unable.needs_creation.total": 11,
        "applications.not_processed.repeat.total": 6,
        "applications.results_total.natural_person": 237,
        "applications.results_total.commercial": 15,
        "applications.results_total.other_org": 2,
        "applications.results_total.total": 254,
        "applications.carried_forward.total": 10,
        "appeals.review.total": 0,
    },
    "003-shangqiu-gxj-2021": {
        "proactive.normative_docs.issued": 4,
        "proactive.normative_docs.repealed": 0,
        "proactive.normative_docs.in_force": 5,
        "proactive.licensing.decisions": 0,
        "proactive.fees.amount": 0,
        "applications.new_received.commercial": 1,
        "applications.new_received.total": 1,
        "applications.denied.third_party.commercial": 1,
        "applications.denied.third_party.total": 1,
        "applications.results_total.total": 1,
        "applications.carried_forward.total": 0,
    },
    "004-suining-anju-2019": {
        "proactive.normative_docs.published_total": 0,
        "proactive.procurement.projects": 0,
        "applications.new_received.total": 0,
    },
}

HEADER = {
    "000-jieyang-gxj-2020": ("揭阳市工业和信息化局", 2020, dt.date(2021, 1, 13)),
    "001-wendeng-gxj-2020": ("威海市文登区工业和信息化局", 2020, dt.date(2021, 1, 27)),
    "002-zengcheng-2020": ("廣州市增城區人民政府", 2020, None),
    "003-shangqiu-gxj-2021": ("商丘市工业和信息化局", 2021, None),
    "004-suining-anju-2019": ("遂宁市安居区经济合作局", 2019, dt.date(2020, 1, 30)),
}

#: First and last paragraph of each text section, as published ("" = empty section).
TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "000-jieyang-gxj-2020": {
        "preface": ("", ""),
        "overview": (
            "根据《中华人民共和国政府信息公开条例》、《关于广东省全面推进政务公开工作实施意见》",
            "2020年,没有与我局有关的因政府信息公开申请行政复议、提起行政诉讼的案件。",
        ),
        "problems": (
            "2020年,我局在政府信息公开工作方面取得一定成效",
            "确保政府信息公开工作简明、有效。",
        ),
        "other_matters": ("无。", "无。"),
    },
    "001-wendeng-gxj-2020": {
        "preface": (
            "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）",
            "电话：0631—8451391）。",
        ),
        "overview": (
            "2020年，区工信局高度重视政府信息公开工作",
            "确保政府信息公开工作安全、有效、有序进行。",
        ),
        "problems": (
            "一年来，区工信局严格贯彻落实政务公开工作要求",
            "推动我局服务型机关建设再上新台阶。",
        ),
        "other_matters": ("2020年度，区工信局办理区政协十届四次会议提案1件", "专栏主动公开。"),
    },
    "002-zengcheng-2020": {
        "preface": ("", ""),
        "overview": (
            "2020年,增城區堅持以習近平新時代中國特色社會主義思想為指導",
            "累計參訓人數達300餘人。",
        ),
        "problems": ("", ""),
        "other_matters": ("", ""),
    },
    "003-shangqiu-gxj-2021": {
        "preface": ("", ""),
        "overview": (
            "2021年，在市政府办公室政府信息公开办的精心指导下",
            "不断提高做好政府信息公开工作的能力和水平。",
        ),
        "problems": (
            "2021年, 虽然我局在政府信息公开工作方面做了一些工作",
            "增强企业和群众的便利感获得感。",
        ),
        "other_matters": ("无", "无"),
    },
    "004-suining-anju-2019": {
        "preface": ("为高质量完成政府信息公开工作年度报告相关工作", "现将相关情况报告如下:"),
        "overview": (
            "2019年我局高度重视政府信息公开工作,围绕招商引资工作重点",
            "三是利用发放文件、安居招商信息简报等方式公开。",
        ),
        "problems": (
            "2019年的政府信息公开工作在诸多方面取得了明显成效",
            "保证政府信息公开工作的顺利开展。",
        ),
        "other_matters": ("", ""),
    },
}

#: Page furniture of the scraped pages that must not reach a report.
NOISE = ("扫一扫", "相关附件", "相關詞條", "[image:", "基本介紹", "浏览次数", "\xa0", "<http")


def test_every_published_report_has_a_sample():
    assert sorted(WARNINGS) == NAMES
    assert [n[:3] for n in NAMES] == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("path", FILES, ids=NAMES)
def test_sample_passes_check_with_exactly_the_expected_warnings(path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--json", str(path)])
    assert exit_info.value.code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] and result["errors"] == 0
    found = [(p["rule"], p["path"], p.get("actual")) for p in result["problems"]]
    assert all(p["severity"] == "warning" for p in result["problems"])
    assert len(found) == len(set(found))
    assert set(found) == WARNINGS[path.stem]


def test_all_samples_pass_check_together(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", *map(str, FILES)])
    assert exit_info.value.code == 0
    assert "5 个文件通过检查" in capsys.readouterr().out


@pytest.mark.parametrize("path", FILES, ids=NAMES)
def test_header_and_format_follow_the_published_year(path):
    report = load_report(path)
    agency, year, published = HEADER[path.stem]
    assert (report.agency, report.year, report.published) == (agency, year, published)
    assert report.format.id == format_for_year(year).id
    assert path.stem.endswith(str(year))


@pytest.mark.parametrize("path", FILES, ids=NAMES)
def test_figures_are_the_published_ones(path):
    report = load_report(path)
    for cell, expected in VALUES[path.stem].items():
        assert report.values[cell] == expected, cell
        assert type(report.values[cell]) is type(expected) or expected == 0, cell


@pytest.mark.parametrize("path", FILES, ids=NAMES)
def test_table_three_balances_in_every_column(path):
    """一 + 二 = （七）总计 + 四, as on every page (003 after reconstruction)."""
    v = load_report(path).values
    columns = ["natural_person", "commercial", "research"]
    columns += ["social_welfare", "legal_service", "other_org", "total"]
    for col in columns:
        a = "applications."
        received = v[f"{a}new_received.{col}"] + v[f"{a}carried_over.{col}"]
        assert received == v[f"{a}results_total.{col}"] + v[f"{a}carried_forward.{col}"]


@pytest.mark.parametrize("path", FILES, ids=NAMES)
def test_texts_are_the_published_paragraphs(path):
    report = load_report(path)
    for key, (first, last) in TEXTS[path.stem].items():
        paragraphs = report.sections.get(key, "").split("\n")
        if not first:
            assert report.sections.get(key, "") == "", key
            continue
        assert paragraphs[0].startswith(first), key
        assert paragraphs[-1].endswith(last), key
        assert all(p.strip() == p and p for p in paragraphs), key
        for noise in NOISE:
            assert noise not in report.sections[key], (key, noise)


def test_traditional_characters_are_kept_as_published():
    report = load_report(SAMPLES / "002-zengcheng-2020.yaml")
    overview = report.sections["overview"]
    assert "全年新收到政府信息公開申請259宗,辦結254宗,轉下年辦理10宗。" in overview
    assert "因政府信息公開申請引發行政複議3宗,行政訴訟5宗。" in overview
    assert report.attributes["proactive.procurement.unit"] == "元"


def test_shangqiu_fee_header_and_inline_headings():
    report = load_report(SAMPLES / "003-shangqiu-gxj-2021.yaml")
    assert report.attributes["proactive.fees.precision"] == 4
    assert "收到依申请公开事项1项" in report.sections["overview"]
    paragraphs = section_paragraphs(report, "overview")
    headings = [p.text for p in paragraphs if p.kind == "heading2"]
    assert headings == [
        "(一) 主动公开情况",
        "(二) 依申请公开情况",
        "(三) 政府信息管理情况",
        "(四) 政府信息公开平台建设情况",
        "(五) 监督保障情况",
    ]
    bold = [r.text for p in paragraphs for r in p.runs if r.bold]
    assert bold == ["二是完善工作机制。", "二是强化人员教育培训。"]
    assert "http://gxj.shangqiu.gov.cn/" in report.sections["overview"]


def test_reconstructions_are_documented():
    shangqiu = (SAMPLES / "003-shangqiu-gxj-2021.yaml").read_text(encoding="utf-8")
    for row in ("new_received", "third_party"):
        line = next(x for x in shangqiu.splitlines() if re.match(rf"\s+{row}:", x))
        assert "据正文重建" in line
    zengcheng = (SAMPLES / "002-zengcheng-2020.yaml").read_text(encoding="utf-8")
    assert "原文（转载页）没有表四" in zengcheng
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert f"{name}.yaml" in readme

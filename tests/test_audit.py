"""``reportgen audit``: real published reports, a generated county, and the outputs read back."""

from __future__ import annotations

import csv
import json
import random
import shutil
from pathlib import Path

import pytest
from members import following_year, member_data
from test_cli_check import run

from reportgen.cli import main
from reportgen.definition import format_for_year, get_format
from reportgen.writer import dump_report

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "tests" / "data" / "published"


def by_source(data, name):
    [found] = [r for r in data["reports"] if Path(r["source"]).name == name]
    return found


# ------------------------------------------------------------------ real material


@pytest.fixture(scope="module")
def real_audit(tmp_path_factory):
    """The seeds, the two real PDFs (two years of one agency) and the samples, audited."""
    out = tmp_path_factory.mktemp("audit")
    with pytest.raises(SystemExit) as info:
        main(["audit", str(PUBLISHED), str(ROOT / "samples"), "-o", str(out), "-j", "2"])
    return out, info.value.code


def test_real_reports_published_wrong_kept_apart_from_not_read(real_audit):
    out, code = real_audit
    assert code == 1
    data = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert data["totals"]["reports"] == 12
    # Seed 002 prints no table 四: not read, and nothing about it is called wrong.
    zengcheng = by_source(data, "002_f38c235b9a3e9290.txt")
    assert zengcheng["status"] == "incomplete"
    assert any(u.startswith("表四") for u in zengcheng["unread"])
    assert all(p["origin"] == "reading" for p in zengcheng["problems"])
    # Seed 003 prints table 三 with merged columns: not read, said per table.
    shangqiu = by_source(data, "003_e766bb0a4b10c749.txt")
    assert shangqiu["status"] == "incomplete" and shangqiu["unread"][0].startswith("表三")
    # Seed 001 heads section 四 with other words than the format.
    wendeng = by_source(data, "001_3c3763e501192771.txt")
    [heading] = [p for p in wendeng["problems"] if p["rule"] == "A-5"]
    assert heading["origin"] == "published" and heading["key"] == "heading.appeals"
    assert heading["expected"] == get_format("v2019").section("appeals").label
    # The samples are transcriptions of the seeds: same agency and year, flagged as such.
    sample = by_source(data, "000-jieyang-gxj-2020.yaml")
    assert Path(sample["duplicate_of"]).name == "000_d70af7ae21dfd526.txt"


def test_real_pdfs_of_consecutive_years_are_paired(real_audit):
    out, _ = real_audit
    data = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    later = by_source(data, "009.pdf")
    earlier = by_source(data, "008.pdf")
    # 洪泽区人民政府 (2023) and 淮安市洪泽区人民政府 (2024): the same agency.
    assert earlier["agency"] != later["agency"]
    assert Path(later["previous"]).name == "008.pdf"
    assert earlier["previous"] is None
    text = (out / f"{later['agency']}-2024.txt").read_text(encoding="utf-8")
    assert "上年报告：" in text and "008.pdf" in text


def test_real_audit_xlsx_read_back(real_audit):
    from openpyxl import load_workbook

    out, _ = real_audit
    data = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    wb = load_workbook(out / "audit.xlsx")
    assert wb.sheetnames == ["概览", "问题清单", "关键数字"]
    overview, problems, values = (wb[n] for n in wb.sheetnames)
    for ws in (overview, problems, values):
        assert ws.freeze_panes == "B2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    header = [c.value for c in overview[1]]
    assert header[:6] == ["机关", "年度", "格式", "来源文件", "读取完整度", "状态"]
    assert "新收" in header and "诉讼" in header
    assert overview.max_row == 1 + len(data["reports"])
    lines = overview.iter_rows(min_row=2, values_only=True)
    rows = {r[3]: dict(zip(header, r, strict=True)) for r in lines}
    hongze = next(v for k, v in rows.items() if k.endswith("009.pdf"))
    assert hongze["新收"] == by_source(data, "009.pdf")["figures"]["new_received"]
    n_problems = sum(len(r["problems"]) for r in data["reports"])
    assert problems.max_row == 1 + n_problems
    cell = get_format("v2021").cells["applications.new_received.natural_person"]
    vheader = [c.value for c in values[1]]
    assert cell.describe() in vheader
    col = vheader.index(cell.describe())
    row = next(r for r in values.iter_rows(2, values_only=True) if r[3].endswith("009.pdf"))
    assert row[col] == by_source(data, "009.pdf")["values"][cell.path]
    with (out / "audit.csv").open(encoding="utf-8-sig") as fh:
        assert next(csv.reader(fh)) == header


def test_real_audit_html_is_self_contained_and_accessible(real_audit):
    from lxml import html

    out, _ = real_audit
    page = (out / "audit.html").read_text(encoding="utf-8")
    tree = html.fromstring(page)
    assert tree.get("lang") == "zh-CN"
    assert not tree.xpath("//script[@src] | //link[@href] | //img[@src]")
    assert "http://" not in page and "https://" not in page
    table = tree.get_element_by_id("report-table")
    assert table.xpath("./caption")
    assert all(th.get("scope") == "col" for th in table.xpath("./thead/tr/th"))
    bodies = table.xpath("./tbody")
    assert len(bodies) == 12
    for toggle in table.xpath(".//button[@class='toggle']"):
        assert toggle.get("aria-expanded") == "false"
        assert tree.get_element_by_id(toggle.get("aria-controls")).get("hidden") is not None
    for control in tree.xpath("//form[@role='search']//select | //form[@role='search']//input"):
        assert control.getparent().tag == "label"


def test_audit_output_is_deterministic(real_audit, tmp_path, capsys):
    out, _ = real_audit
    again = tmp_path / "again"
    run(["audit", str(PUBLISHED), str(ROOT / "samples"), "-o", str(again), "-j", "1"], capsys)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


# ------------------------------------------------------------------ a generated county


COUNTY = "某某县"
DEPARTMENTS = ["教育局", "财政局", "民政局", "司法局", "交通运输局", "水利局", "审计局", "统计局"]


def _write(path: Path, fmt_year: int, data) -> Path:
    path.write_text(dump_report(format_for_year(fmt_year), data), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """Eight departments' 2024 reports and their 2023 reports, with known faults."""
    root = tmp_path_factory.mktemp("county")
    now, before = root / "2024", root / "2023"
    now.mkdir()
    before.mkdir()
    faults = {}
    for i, dept in enumerate(DEPARTMENTS):
        agency = COUNTY + dept
        last = member_data(format_for_year(2023), agency, 2023, random.Random(i))
        this = following_year(last, 2024, 100 + i)
        if dept == "财政局":  # T3-1 broken: the published report is wrong
            this["applications"]["granted"]["natural_person"] += 3
            faults[dept] = "T3-1"
        elif dept == "民政局":  # section 五 says nothing
            this["sections"]["problems"] = "无。"
            faults[dept] = "A-1"
        elif dept == "司法局":  # section 五 copied from last year, a sentence added
            this["sections"]["problems"] = last["sections"]["problems"] + "同时加强督促检查。"
            faults[dept] = "A-2"
        elif dept == "交通运输局":  # ten times last year's applications, nothing said
            _scale_new_received(this, 10)
            this["sections"]["problems"] = (
                "工作中仍有不足，主要是队伍建设和制度落实方面还有差距。"
                "今后将继续完善制度、加强培训、充实专栏，确保各项要求落到实处。"
            )
            faults[dept] = "A-3"
        elif dept == "水利局":  # 上年结转 differs from last year's 结转下年度, explained
            this["applications"]["carried_over"]["natural_person"] += 1
            this["applications"]["new_received"]["natural_person"] -= 1
            if this["applications"]["new_received"]["natural_person"] < 0:
                this["applications"]["new_received"]["natural_person"] = 0
                this["applications"]["carried_forward"]["natural_person"] += 1
            this["acknowledged"] = [  # the column and, with it, the 总计 column
                {"rule": "X-1", "where": f"applications.carried_over.{col}",
                 "reason": "上年报告漏计1件，已更正"}
                for col in ("natural_person", "total")
            ]  # fmt: skip
            faults[dept] = "X-1"
        elif dept == "审计局":  # a title with the wrong wording
            this["title"] = f"{agency}2024年政府信息公开年度报告"
            faults[dept] = "A-5"
        # last year's name printed in traditional characters with a space: same agency
        last["agency"] = (COUNTY + " " + dept).replace("县", "縣").replace("财政", "財政")
        _write(now / f"{i:02d}.yaml", 2024, this)
        _write(before / f"{i:02d}.yaml", 2023, last)
    (now / "broken.yaml").write_text("year: 2024\nagency: [未闭合\n", encoding="utf-8")
    (now / "notes.txt").write_text("这不是年度报告。\n", encoding="utf-8")
    return root, faults


def _scale_new_received(data, factor):
    apps = data["applications"]
    extra = {k: v * (factor - 1) + 12 for k, v in apps["new_received"].items()}
    apps["new_received"] = {k: apps["new_received"][k] + extra[k] for k in extra}
    apps["granted"] = {k: apps["granted"][k] + extra[k] for k in extra}


@pytest.fixture(scope="module")
def county_audit(county, tmp_path_factory):
    root, faults = county
    out = tmp_path_factory.mktemp("county-audit")
    with pytest.raises(SystemExit) as info:
        main(["audit", str(root / "2024"), "--previous-dir", str(root / "2023"),
              "-o", str(out), "-j", "2"])  # fmt: skip
    data = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    return out, info.value.code, data, faults


def test_generated_county_each_fault_found_once(county_audit):
    out, code, data, faults = county_audit
    assert code == 2  # one file cannot be read at all
    reports = {r["agency"]: r for r in data["reports"] if r["agency"]}
    for dept in DEPARTMENTS:
        report = reports[COUNTY + dept]
        rules = {p["rule"] for p in report["problems"]}
        expected = {faults[dept]} if dept in faults else set()
        assert rules == expected, (dept, report["problems"])
        assert report["previous"] is not None, dept  # paired despite 縣/財政 and the space
    assert reports[COUNTY + "财政局"]["status"] == "wrong"
    t31 = [p for p in reports[COUNTY + "财政局"]["problems"] if p["rule"] == "T3-1"]
    assert {p["col"] for p in t31} == {"自然人", "总计"}
    assert {p["origin"] for p in t31} == {"published"}
    [copied] = reports[COUNTY + "司法局"]["problems"]
    assert copied["actual"].endswith("%") and 80 <= int(copied["actual"][:-1]) < 100
    jumps = {p["path"]: p for p in reports[COUNTY + "交通运输局"]["problems"]}
    new = get_format("v2021").cells["applications.new_received.total"]
    assert jumps[new.path]["message"].startswith(new.describe())
    assert "本年增至" in jumps[new.path]["message"]
    explained = reports[COUNTY + "水利局"]["problems"]
    assert {p["key"] for p in explained} == {
        "applications.carried_over.natural_person",
        "applications.carried_over.total",
    }
    assert {p["acknowledged"] for p in explained} == {"上年报告漏计1件，已更正"}
    assert reports[COUNTY + "水利局"]["status"] == "passed"
    text = (out / f"{COUNTY}水利局-2024.txt").read_text(encoding="utf-8")
    assert "已说明的警告（2）" in text and "说明：上年报告漏计1件，已更正" in text


def test_generated_county_unreadable_files_do_not_stop_the_run(county_audit):
    _, _, data, _ = county_audit
    assert data["totals"]["reports"] == len(DEPARTMENTS) + 2
    unreadable = [r for r in data["reports"] if r["status"] == "unreadable"]
    assert sorted(Path(r["source"]).name for r in unreadable) == ["broken.yaml", "notes.txt"]
    assert all(r["message"] for r in unreadable)
    assert data["by_status"]["unreadable"] == 2
    # totals are the sums of the reports' own figures
    assert data["totals"]["new_received"] == sum(
        r["figures"].get("new_received", 0) for r in data["reports"]
    )


def test_audit_page_filters_and_sorts_in_a_browser(county_audit):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    out, _, data, _ = county_audit
    if not Path("/usr/bin/chromedriver").exists():
        pytest.skip("chromedriver is not installed")
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--window-size=1280,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get((out / "audit.html").as_uri())

        def visible():
            return [
                b.find_element(By.CSS_SELECTOR, "tr.summary-row th").text
                for b in driver.find_elements(By.CSS_SELECTOR, "#report-table > tbody")
                if b.is_displayed()
            ]

        total = len(data["reports"])
        assert len(visible()) == total
        Select(driver.find_element(By.ID, "filter-status")).select_by_value("wrong")
        assert visible() == [COUNTY + "财政局"]
        shown = driver.find_element(By.ID, "shown").text
        assert shown == f"显示 1 / {total} 份报告"
        driver.find_element(By.ID, "filter-reset").click()
        Select(driver.find_element(By.ID, "filter-rule")).select_by_value("A-3")
        assert visible() == [COUNTY + "交通运输局"]
        driver.find_element(By.ID, "filter-reset").click()
        driver.find_element(By.ID, "filter-text").send_keys("水利")
        assert visible() == [COUNTY + "水利局"]
        driver.find_element(By.ID, "filter-reset").click()
        # sort by 新收, descending (two clicks): the tenfold report comes first
        header = driver.find_element(By.XPATH, "//th/button[normalize-space()='新收']")
        header.click()
        header.click()
        assert header.find_element(By.XPATH, "..").get_attribute("aria-sort") == "descending"
        assert visible()[0] == COUNTY + "交通运输局"
        # open a report's problems
        body = next(
            b
            for b in driver.find_elements(By.CSS_SELECTOR, "#report-table > tbody")
            if COUNTY + "财政局" in b.text
        )
        toggle = body.find_element(By.CSS_SELECTOR, "button.toggle")
        detail = body.find_element(By.CSS_SELECTOR, "tr.detail")
        assert not detail.is_displayed()
        toggle.click()
        assert detail.is_displayed() and toggle.get_attribute("aria-expanded") == "true"
        assert "T3-1" in detail.text and "原文有误" in detail.text
        # the chart's rule buttons filter too
        driver.find_element(By.CSS_SELECTOR, ".rule-filter[data-rule='A-1']").click()
        assert visible() == [COUNTY + "民政局"]
    finally:
        driver.quit()


def test_audit_without_inputs_is_a_usage_error(tmp_path, capsys):
    code, _, err = run(["audit", str(tmp_path / "nothing"), "-o", str(tmp_path / "o")], capsys)
    assert code == 2 and "没有找到要审核的报告" in err


def test_audit_one_file_in_process(tmp_path, capsys):
    shutil.copy(ROOT / "samples" / "003-shangqiu-gxj-2021.yaml", tmp_path / "a.yaml")
    code, out, _ = run(["audit", str(tmp_path / "a.yaml"), "-o", str(tmp_path / "o"), "--json"],
                       capsys)  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["reports"][0]["status"] == "passed"
    assert (
        (tmp_path / "o" / "商丘市工业和信息化局-2021.txt")
        .read_text(encoding="utf-8")
        .endswith("没有发现问题。\n")
    )


def test_pairing_keeps_government_and_its_office_apart():
    from reportgen.audit.run import Source, pair

    def src(name, agency, year):
        return Source(name, "report", agency, year, "text")

    now = [
        src("a", "某某县人民政府", 2024),
        src("b", "某某县人民政府办公室", 2024),
        src("c", "洪泽区人民政府", 2024),
        src("d", "廣州市 增城區人民政府", 2024),
    ]
    before = [
        src("a0", "某某县人民政府办公室", 2023),
        src("c0", "淮安市洪泽区人民政府", 2023),
        src("d0", "广州市增城区人民政府", 2023),
        src("x0", "某某县人民政府", 2022),
    ]
    found = {k: v.path for k, v in pair(now, before).items()}
    assert found == {"b": "a0", "c": "c0", "d": "d0"}

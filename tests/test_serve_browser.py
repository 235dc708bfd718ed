"""``reportgen serve`` in a real browser: headless Chromium driven by selenium.

The command is started as users start it (``reportgen serve DIR``, on 127.0.0.1 with a free
port) and stopped at the end.  The seed-002 figures are typed into a new report, table 三 is
pasted from the clipboard as a block copied from a spreadsheet, an imbalance is made, seen
and fixed, the report is saved, and the PDF downloaded from the page is imported back: it
must hold the figures that were typed, and ``reportgen check`` must pass both files.  Every
page is checked with axe-core.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT

CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "vendor" / "axe.min.js"
SAMPLE = ROOT / "samples" / "002-zengcheng-2020.yaml"

pytestmark = pytest.mark.skipif(
    not CHROMEDRIVER.exists() or not CHROMIUM.exists(),
    reason="needs Debian's chromium and chromium-driver (scripts/setup.sh installs them)",
)


def reportgen(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``reportgen serve DIR --port 0``: its address and folder; stopped afterwards."""
    folder = tmp_path_factory.mktemp("reports")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "serve", str(folder), "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env=env,
    )
    found: list[str] = []
    lines: list[str] = []

    def read() -> None:
        for line in proc.stdout:
            lines.append(line)
            match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            if match and not found:
                found.append(match.group(1))

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 30
    while not found and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    try:
        assert found, f"reportgen serve did not start: {''.join(lines)}"
        yield found[0], folder
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(arg)
    options.add_argument("--disable-dev-shm-usage")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Where screenshots go: REPORTGEN_SCREENSHOTS to keep them, else a temporary folder."""
    keep = os.environ.get("REPORTGEN_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        return Path(keep)
    return tmp_path_factory.mktemp("screenshots")


# ------------------------------------------------------------------ helpers


def wait_for(condition, timeout: float = 20, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def cell(driver, path: str):
    return driver.find_element("id", f"c-{path}")


def type_into(driver, element, text: str) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()  # the form selects the cell's content on focus, as a spreadsheet does
    element.send_keys(text)


def settled(driver) -> None:
    """Wait until the page has sent its last change and shown the answer."""
    wait_for(
        lambda: (
            "草稿已自动保存" in driver.find_element("id", "status").text
            or "已保存" in driver.find_element("id", "status").text
        ),
        what="the draft to be saved",
    )


def error_count(driver) -> int:
    return len(driver.find_elements("css selector", "#error-list li"))


def axe_violations(driver) -> list[dict]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))),"
        " e => done([{id: 'axe-error', help: String(e), nodes: []}]));"
    )
    return result


def paste(driver, element, text: str) -> None:
    """Put ``text`` on the system clipboard and press Ctrl+V in ``element``."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    origin = driver.current_url.split("/edit")[0]
    driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    written = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.writeText(arguments[0]).then(() => done('ok'), e => done(String(e)));",
        text,
    )
    assert written == "ok", written
    type_into(driver, element, "")
    ActionChains(driver).key_down(Keys.CONTROL).send_keys("v").key_up(Keys.CONTROL).perform()


def table_three_block(fmt, report) -> str:
    """Table 三 as copied from a spreadsheet of the printed table: every row, totals too."""
    table = fmt.tables["applications"]
    lines = []
    for row in table.body_rows(table.blocks[0]):
        lines.append("\t".join(str(report.values[c.path]) for c in row.cells))
    return "\r\n".join(lines) + "\r\n"


def no_severe_console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


# ------------------------------------------------------------------ the scenario


def test_fill_seed_002_paste_fix_save_and_download_a_pdf(served, browser, downloads, shots):
    from selenium.webdriver.support.ui import Select

    from reportgen.validate import check_file

    base, folder = served
    sample = check_file(SAMPLE).report
    fmt = sample.format
    driver = browser

    # The folder's list: a new report, named there.
    driver.get(base)
    assert driver.find_element("tag name", "h1").text == "政府信息公开工作年度报告"
    assert axe_violations(driver) == []
    driver.find_element("id", "new-file").send_keys("2020.yaml")
    driver.find_element("id", "new-year").send_keys(str(sample.year))
    driver.find_element("id", "new-agency").send_keys(sample.agency)
    driver.find_element("css selector", ".new-form button").click()
    wait_for(lambda: driver.find_elements("css selector", "body[data-ready]"), what="the form")
    assert fmt.name in driver.find_element("css selector", ".bar .file").text
    captions = [c.get_attribute("textContent") for c in driver.find_elements("tag name", "caption")]
    assert captions == [f"{t.name} {t.caption}" for t in fmt.tables.values()]

    # Basic facts and the texts: the long overview as if pasted, a sentence with a figure
    # picked from the list and previewed with its number filled in.
    type_into(driver, driver.find_element("id", "f-title"), sample.title)
    overview = driver.find_element("id", "s-overview")
    driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        overview,
        sample.sections["overview"],
    )
    problems = driver.find_element("id", "s-problems")
    type_into(driver, problems, "全年新收申请")
    Select(driver.find_element("id", "pick-problems")).select_by_value(
        "applications.new_received.total"
    )
    driver.find_element("css selector", '[data-insert="problems"]').click()
    problems.send_keys("件，答复质量有待提高。")

    # Table 二, typed cell by cell; the procurement unit chosen from its list.
    for path, table_cell in fmt.tables["proactive"].cells.items():
        if not table_cell.computed:
            type_into(driver, cell(driver, path), str(sample.values[path]))
    unit = Select(driver.find_element("id", "a-proactive.procurement.unit"))
    unit.select_by_value(sample.attributes["proactive.procurement.unit"])

    # Table 三, pasted as one block at its first cell; totals in the block are not typed.
    paste(
        driver,
        cell(driver, "applications.new_received.natural_person"),
        table_three_block(fmt, sample),
    )
    settled(driver)
    status = driver.find_element("id", "status").text
    pasted = re.search(r"已粘贴 (\d+) 个数；(\d+) 个落在合计格", status)
    assert pasted, status
    table = fmt.tables["applications"]
    assert int(pasted.group(1)) == sum(not c.computed for c in table.cells.values())
    assert int(pasted.group(2)) == sum(c.computed for c in table.cells.values())
    for path, table_cell in fmt.tables["applications"].cells.items():
        element = cell(driver, path)
        shown = element.get_attribute("value") if not table_cell.computed else element.text
        assert shown == str(sample.values[path]), path

    # Table 四, all zeros, typed with the arrow keys moving right along the row.
    from selenium.webdriver.common.keys import Keys

    appeals = [p for p, c in fmt.tables["appeals"].cells.items() if not c.computed]
    type_into(driver, cell(driver, appeals[0]), "0")
    for path in appeals[1:]:
        driver.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
        assert driver.switch_to.active_element.get_attribute("data-key") == path
        driver.switch_to.active_element.send_keys("0")
    settled(driver)
    wait_for(lambda: error_count(driver) == 0, what="no errors once all is typed")

    # Enter and the arrows move like a spreadsheet, skipping the computed totals.
    granted = cell(driver, "applications.granted.natural_person")
    type_into(driver, granted, "")
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    assert driver.switch_to.active_element.get_attribute("data-key") == (
        "applications.partial.natural_person"
    )
    driver.switch_to.active_element.send_keys(Keys.ARROW_UP, Keys.ARROW_UP)
    assert driver.switch_to.active_element.get_attribute("data-key") == (
        "applications.carried_over.natural_person"
    )
    type_into(driver, cell(driver, "applications.carried_forward.commercial"), "")
    driver.switch_to.active_element.send_keys(Keys.ARROW_UP)
    assert driver.switch_to.active_element.get_attribute("data-key") == (
        "applications.other.commercial"  # past the （七）总计 row, which is computed
    )

    # An imbalance: highlighted at its cell, named in Chinese beside it and in the list.
    type_into(driver, granted, "112")
    settled(driver)
    anchor = driver.find_element(
        "css selector", 'td[data-cell="applications.new_received.natural_person"]'
    )
    wait_for(lambda: "has-error" in anchor.get_attribute("class"), what="the highlight")
    total = cell(driver, "applications.results_total.natural_person")
    assert total.text == str(sample.values["applications.results_total.natural_person"] + 1)
    items = driver.find_elements("css selector", "#error-list li")
    # the 自然人 column and the 总计 column no longer balance
    assert sorted(re.search(r"「(.+?)」列", i.text).group(1) for i in items) == ["总计", "自然人"]
    item = next(i for i in items if "「自然人」列" in i.text)
    assert item.text.startswith("T3-1 表三「自然人」列") and "差 1" in item.text
    item.find_element("tag name", "button").click()
    active = driver.switch_to.active_element
    assert active.get_attribute("data-key") == "applications.new_received.natural_person"
    assert active.get_attribute("aria-invalid") == "true"
    note = driver.find_element("id", "cell-note")
    assert note.is_displayed() and "差 1" in note.text
    assert "has-warning" not in anchor.get_attribute("class")
    warnings = driver.find_elements("css selector", "#warning-list li")
    assert warnings and all("X-" in w.text for w in warnings)
    driver.save_screenshot(str(shots / "serve-1280.png"))
    assert axe_violations(driver) == []

    # The preview of the text has the number filled in.
    preview = driver.find_element("id", "pv-problems").text
    assert f"全年新收申请{sample.values['applications.new_received.total']}件" in preview

    # Fixed: the highlight and the error go.
    type_into(driver, granted, str(sample.values["applications.granted.natural_person"]))
    settled(driver)
    wait_for(lambda: "has-error" not in anchor.get_attribute("class"), what="the fix")
    assert error_count(driver) == 0
    assert not note.is_displayed() or "差" not in note.text

    # Saved: the file passes `reportgen check` and holds what was typed.
    driver.find_element("id", "save").click()
    wait_for(
        lambda: "已保存到 2020.yaml" in driver.find_element("id", "status").text, what="the save"
    )
    saved = folder / "2020.yaml"
    assert not (folder / "2020.yaml.draft").exists()
    checked = reportgen("check", str(saved))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    report = check_file(saved).report
    assert report.values == sample.values
    assert report.title == sample.title
    assert report.sections["overview"] == sample.sections["overview"]
    assert report.sections["problems"] == (
        "全年新收申请{{ applications.new_received.total }}件，答复质量有待提高。"
    )

    # The rendered report in the preview frame.
    driver.find_element("id", "refresh-preview").click()
    frame = driver.find_element("id", "preview-frame")
    wait_for(lambda: frame.is_displayed(), what="the preview frame")
    driver.switch_to.frame(frame)
    try:
        heading = wait_for(
            lambda: driver.find_elements("css selector", "h1.report-title"), what="the preview"
        )
        assert heading[0].text.replace("\n", "") == sample.title
        assert axe_violations(driver) == []  # the rendered report as well
    finally:
        driver.switch_to.default_content()

    # The PDF, downloaded from the page: `import` reads back the figures, `check` agrees.
    driver.find_element("css selector", '[data-build="pdf"]').click()
    pdf = downloads / "2020.pdf"
    wait_for(
        lambda: pdf.exists() and not list(downloads.glob("*.crdownload")),
        timeout=120,
        what="the PDF download",
    )
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.read_bytes() == (folder / "2020.pdf").read_bytes()
    imported_file = downloads / "imported.yaml"
    imported = reportgen("import", str(pdf), "-o", str(imported_file))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    rechecked = reportgen("check", str(imported_file))
    assert rechecked.returncode == 0, rechecked.stdout + rechecked.stderr
    back = check_file(imported_file).report
    assert back.values == report.values
    assert back.agency == report.agency and back.year == report.year
    assert no_severe_console_errors(driver) == []


def test_reloading_continues_and_the_page_reflows_on_a_phone(served, browser, shots):
    base, folder = served
    driver = browser
    driver.get(f"{base}edit?file=phone.yaml&year=2024&agency=某某市某某局")
    wait_for(lambda: driver.find_elements("css selector", "body[data-ready]"), what="the form")
    path = "applications.new_received.natural_person"
    type_into(driver, cell(driver, path), "7")
    settled(driver)
    assert (folder / "phone.yaml.draft").exists() and not (folder / "phone.yaml").exists()
    driver.refresh()
    wait_for(lambda: driver.find_elements("css selector", "body[data-ready]"), what="reload")
    assert cell(driver, path).get_attribute("value") == "7"
    assert cell(driver, "applications.new_received.total").text == "7"
    wait_for(lambda: error_count(driver) > 0, what="the unbalanced column")
    try:
        driver.set_window_size(390, 844)
        time.sleep(0.3)
        width = driver.execute_script("return document.documentElement.scrollWidth")
        inner = driver.execute_script("return window.innerWidth")
        assert width <= inner, "the page itself must not scroll sideways on a phone"
        wrap = driver.find_element("css selector", "#part-applications .table-wrap")
        assert driver.execute_script(
            "return arguments[0].scrollWidth > arguments[0].clientWidth", wrap
        )  # the wide table scrolls inside its frame
        driver.execute_script("document.getElementById('part-applications').scrollIntoView()")
        driver.save_screenshot(str(shots / "serve-390.png"))
        assert axe_violations(driver) == []
    finally:
        driver.set_window_size(1280, 900)

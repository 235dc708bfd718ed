"""``reportgen serve`` without a browser: the API through Starlette's TestClient.

Security (CSRF, token, host, paths, sizes, headers, escaping), and that what the form saves
is the same commented report file as ``reportgen new`` and passes ``reportgen check``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from conftest import ROOT, report_text

with warnings.catch_warnings():  # Starlette 1.x nudges towards httpx2; httpx works
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient

from reportgen.serve.app import ServeConfig, create_app
from reportgen.serve.guard import loopback_hosts
from reportgen.validate import check_file, load_previous
from reportgen.wizard.answers import AnswerStore

SAMPLE = ROOT / "samples" / "002-zengcheng-2020.yaml"
CSRF = "csrf-token-for-tests-0123456789"


def client(root: Path, base_url: str = "http://testserver", **config) -> TestClient:
    app = create_app(ServeConfig(root=root, csrf=CSRF, **config))
    return TestClient(app, base_url=base_url)


def write(c: TestClient, url: str, body: dict, **kwargs):
    headers = {"X-CSRF-Token": CSRF, **kwargs.pop("headers", {})}
    return c.post(url, content=json.dumps(body), headers=headers, **kwargs)


def sample_values() -> dict[str, str]:
    """The seed-002 report as the form sends it: every field as text."""
    store = AnswerStore.from_report_file(SAMPLE)
    values = {k: "" if v is None else str(v) for k, v in store.values.items() if "@" not in k}
    values["title"] = "廣州市增城區人民政府2020年政府信息公開工作年度報告"
    return values


@pytest.fixture
def folder(tmp_path):
    return tmp_path


# ------------------------------------------------------------------ security


def test_every_response_forbids_outside_requests(folder):
    c = client(folder)
    for url in ("/", "/edit?file=a.yaml", "/static/serve.js"):
        r = c.get(url)
        assert r.status_code == 200, url
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "SAMEORIGIN"
    page = c.get("/edit?file=a.yaml").text
    # no script or stylesheet from anywhere else, no inline script
    assert not re.search(r'(src|href)="(https?:)?//', page)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert all('type="application/json"' in attrs or body == "" for attrs, body in scripts)


def test_writes_need_the_csrf_token(folder):
    c = client(folder)
    body = {"file": "a.yaml", "values": {"year": "2024"}}
    assert c.post("/api/draft", json=body).status_code == 403
    r = c.post("/api/draft", json=body, headers={"X-CSRF-Token": "wrong"})
    assert r.status_code == 403 and "CSRF" in r.json()["error"]
    assert not (folder / "a.yaml.draft").exists()
    evil = write(c, "/api/draft", body, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403
    assert not (folder / "a.yaml.draft").exists()
    assert write(c, "/api/draft", body).status_code == 200
    assert (folder / "a.yaml.draft").exists()


def test_other_hosts_need_the_token(folder):
    c = client(folder, token="secret-token")
    r = c.get("/")
    assert r.status_code == 401 and "令牌" in r.json()["error"]
    assert c.get("/?token=wrong").status_code == 401
    r = c.get("/edit?file=a.yaml&token=secret-token", follow_redirects=False)
    assert r.status_code == 303
    assert "token" not in r.headers["location"] and "file=a.yaml" in r.headers["location"]
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert c.get("/").status_code == 200  # the client keeps the cookie
    other = client(folder, token="secret-token")
    assert other.get("/", headers={"Authorization": "Bearer secret-token"}).status_code == 200
    # the token does not replace the CSRF token
    body = {"file": "a.yaml", "values": {}}
    assert c.post("/api/check", json=body).status_code == 403


def test_loopback_server_accepts_only_its_own_host_names(folder):
    hosts = loopback_hosts(8000)
    c = client(folder, allowed_hosts=hosts, base_url="http://127.0.0.1:8000")
    assert c.get("/").status_code == 200
    assert c.get("/", headers={"Host": "localhost:8000"}).status_code == 200
    rebound = c.get("/", headers={"Host": "attacker.example:8000"})
    assert rebound.status_code == 400


@pytest.mark.parametrize(
    "name",
    ["../outside.yaml", "/etc/passwd", "sub/a.yaml", ".hidden.yaml", "notes.txt", "a.yaml\x00"],
)
def test_only_report_files_of_the_folder(folder, name):
    c = client(folder)
    assert c.get("/edit", params={"file": name}).status_code == 403
    r = write(c, "/api/save", {"file": name, "values": {"year": "2024"}})
    assert r.status_code == 403
    assert "文件" in r.json()["error"]
    assert sorted(p.name for p in folder.iterdir()) == []


def test_a_link_out_of_the_folder_is_refused(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    outside = tmp_path / "secret.yaml"
    outside.write_text("year: 2024\n", encoding="utf-8")
    (served / "link.yaml").symlink_to(outside)
    c = client(served)
    assert c.get("/edit?file=link.yaml").status_code == 403
    assert write(c, "/api/save", {"file": "link.yaml", "values": {}}).status_code == 403
    assert outside.read_text(encoding="utf-8") == "year: 2024\n"
    assert "link.yaml" not in c.get("/").text


def test_request_bodies_are_limited(folder):
    c = client(folder)
    big = {"file": "a.yaml", "values": {"sections.overview": "字" * (2 * 1024 * 1024)}}
    r = write(c, "/api/draft", big)
    assert r.status_code == 413 and "MB" in r.json()["error"]

    def chunks():  # no Content-Length: counted while reading
        yield b'{"file": "a.yaml", "values": {"x": "'
        for _ in range(5):
            yield b"a" * (1024 * 1024)
        yield b'"}}'

    r = c.post("/api/draft", content=chunks(), headers={"X-CSRF-Token": CSRF})
    assert r.status_code == 413
    assert not (folder / "a.yaml.draft").exists()


def test_report_text_is_escaped(folder):
    c = client(folder)
    values = {
        "year": "2024",
        "agency": '<script>alert("x")</script>',
        "sections.overview": "</textarea><img src=x onerror=alert(1)>",
    }
    assert write(c, "/api/draft", {"file": "a.yaml", "values": values}).status_code == 200
    page = c.get("/edit?file=a.yaml").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page
    assert "&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    listing = c.get("/").text
    assert "<script>alert" not in listing
    preview = c.get("/preview?file=a.yaml")
    assert preview.status_code == 200
    assert "<img src=x" not in preview.text
    assert "default-src 'none'" in preview.headers["content-security-policy"]


def test_bad_requests_are_messages(folder):
    c = client(folder)
    r = c.post("/api/check", content=b"not json", headers={"X-CSRF-Token": CSRF})
    assert r.status_code == 422 and r.json()["error"] == "请求内容不是 JSON"
    r = write(c, "/api/build", {"file": "a.yaml", "values": {}, "format": "exe"})
    assert r.status_code == 422 and "未知的格式" in r.json()["error"]
    (folder / "broken.yaml").write_text("year: [2024\n", encoding="utf-8")
    r = c.get("/edit?file=broken.yaml")
    assert r.status_code == 422 and "无法打开" in r.text


# ------------------------------------------------------------------ the report


def test_check_locates_an_imbalance_at_its_cell(folder):
    c = client(folder)
    values = sample_values()
    ok = write(c, "/api/check", {"file": "a.yaml", "values": values}).json()
    assert ok["format"] == "v2019" and ok["errors"] == 0
    values["applications.granted.natural_person"] = "112"
    bad = write(c, "/api/check", {"file": "a.yaml", "values": values}).json()
    errors = [p for p in bad["problems"] if p["severity"] == "error"]
    cells = {p["path"] for p in errors}
    assert "applications.new_received.natural_person" in cells
    first = next(p for p in errors if p["path"] == "applications.new_received.natural_person")
    assert first["rule"] == "T3-1"
    assert "表三「自然人」列" in first["message"] and first["message"].endswith("差 1")
    warnings = [p for p in bad["problems"] if p["severity"] == "warning"]
    # the seed's missing table 四 and sections 五、六, as `reportgen check` reports them
    assert {p["rule"] for p in warnings} == {"X-3", "X-4"}


def test_typing_slips_are_located_with_the_wizard_message(folder):
    c = client(folder)
    values = sample_values()
    values["applications.partial.commercial"] = "两"
    values["proactive.licensing.change"] = "－46"  # a full-width minus from an input method
    values["published"] = "2021-02-30"
    result = write(c, "/api/check", {"file": "a.yaml", "values": values}).json()
    by_path = {p["path"]: p for p in result["problems"]}
    slip = by_path["applications.partial.commercial"]
    assert slip["rule"] == "T3-4" and "「两」不是件数" in slip["message"]
    assert "「（二）部分公开" in slip["message"]
    assert "proactive.licensing.change" not in by_path
    assert "不是日期" in by_path["published"]["message"]


def test_save_writes_the_wizards_commented_yaml(folder):
    from reportgen.definition import get_format
    from reportgen.writer import dump_report

    c = client(folder)
    values = sample_values()
    r = write(c, "/api/save", {"file": "2020.yaml", "values": values})
    assert r.status_code == 200 and r.json()["saved"] == "2020.yaml"
    saved = folder / "2020.yaml"
    text = saved.read_text(encoding="utf-8")
    store = AnswerStore.from_report_file(SAMPLE)
    data = store.report_data(get_format("v2019"))
    data["title"] = values["title"]
    assert text == dump_report(get_format("v2019"), data)
    assert "# 一、本年新收政府信息公开申请数量" in text
    assert not (folder / "2020.yaml.draft").exists()
    outcome = check_file(saved)
    assert outcome.ok
    assert outcome.report.values == check_file(SAMPLE).report.values
    assert outcome.report.sections == check_file(SAMPLE).report.sections
    assert outcome.report.title == check_file(SAMPLE).report.title
    listed = c.get("/").text
    assert "2020.yaml" in listed and "廣州市增城區人民政府" in listed


def test_every_change_is_a_draft_and_reloading_continues(folder):
    c = client(folder)
    values = sample_values()
    write(c, "/api/save", {"file": "a.yaml", "values": values})
    values["applications.granted.natural_person"] = "112"
    values["sections.problems"] = "一是公开内容有待充实。"
    r = write(c, "/api/draft", {"file": "a.yaml", "values": values})
    assert r.json()["draft"] == "a.yaml.draft"
    draft = AnswerStore.load_draft(folder / "a.yaml.draft")  # the wizard can resume it
    assert draft.values["applications.granted.natural_person"] == 112
    assert "granted: [111," in (folder / "a.yaml").read_text(encoding="utf-8")
    fresh = client(folder)  # a restarted server, a reloaded tab
    page = fresh.get("/edit?file=a.yaml").text
    key = "applications.granted.natural_person"
    assert f'id="c-{key}" data-key="{key}" value="112"' in page
    assert "一是公开内容有待充实。</textarea>" in page


def test_new_report_from_the_folder_list(folder):
    c = client(folder)
    page = c.get("/edit", params={"file": "新报告.yaml", "year": "2020", "agency": "某某区政府"})
    assert page.status_code == 200
    assert "2019年版格式" in page.text and 'value="某某区政府"' in page.text
    assert not (folder / "新报告.yaml").exists()  # opening writes nothing
    assert "data-carry" not in page.text  # nothing to carry over without last year's report


def test_previous_prefills_as_the_wizard_does(tmp_path):
    from reportgen.definition import get_format
    from reportgen.wizard.carry_over import carried_value

    prev_path = tmp_path / "2023.yaml"
    prev_path.write_text(report_text(2023), encoding="utf-8")
    previous = load_previous(prev_path)
    c = client(tmp_path, previous=(str(prev_path), previous))
    page = c.get("/edit?file=2024.yaml").text
    assert f'value="{previous.agency}"' in page and 'value="2024"' in page
    fmt = get_format("v2021")
    for column in ("natural_person", "commercial", "legal_service", "other_org"):
        path = f"applications.carried_over.{column}"
        expected = carried_value(fmt, previous, {}, fmt.cells[path])[0]
        assert expected == previous.values[f"applications.carried_forward.{column}"]
        assert f'data-key="{path}" value="{expected}"' in page
    # 现行有效 = 上年现行有效 + 本年制发 − 本年废止, once this year's figures are typed
    values = {"year": "2024", "proactive.normative_docs.issued": "3"}
    values["proactive.normative_docs.repealed"] = "1"
    carry = ["proactive.normative_docs.in_force"]
    r = write(c, "/api/check", {"file": "2024.yaml", "values": values, "carry": carry}).json()
    answers = {"proactive.normative_docs.issued": 3, "proactive.normative_docs.repealed": 1}
    cell = fmt.cells["proactive.normative_docs.in_force"]
    value, explanation = carried_value(fmt, previous, answers, cell)
    assert r["carried"]["proactive.normative_docs.in_force"] == [str(value), f"预填：{explanation}"]


def test_choosing_last_years_file_in_the_folder(tmp_path):
    (tmp_path / "2023.yaml").write_text(report_text(2023), encoding="utf-8")
    c = client(tmp_path)
    page = c.get("/edit?file=2024.yaml&year=2024").text
    assert '<option value="2023.yaml">' in page
    body = {"file": "2024.yaml", "values": {"year": "2024"}, "previous": "2023.yaml"}
    assert write(c, "/api/previous", body).json() == {"ok": True}
    page = c.get("/edit?file=2024.yaml").text
    assert '<option value="2023.yaml" selected>' in page
    assert 'data-key="applications.carried_over.natural_person" value="9"' in page
    escape = {**body, "previous": "../2023.yaml"}
    assert write(c, "/api/previous", escape).status_code == 403


def test_build_downloads_html_and_docx_next_to_the_file(folder):
    import io
    import zipfile

    c = client(folder)
    values = sample_values()
    r = write(c, "/api/build", {"file": "2020.yaml", "values": values, "format": "html"})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == "attachment; filename*=UTF-8''2020.html"
    assert r.content == (folder / "2020.html").read_bytes()
    assert "廣州市增城區人民政府2020年政府信息公開工作年度報告" in r.text
    r = write(c, "/api/build", {"file": "2020.yaml", "values": values, "format": "docx"})
    assert r.status_code == 200
    document = zipfile.ZipFile(io.BytesIO(r.content)).read("word/document.xml").decode()
    assert "536945" in document
    values["applications.granted.natural_person"] = "112"
    r = write(c, "/api/build", {"file": "2020.yaml", "values": values, "format": "html"})
    assert r.status_code == 422 and r.json()["error"] == "报告有错误，未生成"
    assert any(p["rule"] == "T3-1" for p in r.json()["problems"])


# ------------------------------------------------------------------ the command


def run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def test_serve_refuses_what_it_cannot_serve(tmp_path):
    r = run("serve", str(tmp_path / "notes.txt"), "--no-browser")
    assert r.returncode == 2 and "既不是文件夹，也不是报告文件" in r.stderr
    assert "Traceback" not in r.stderr
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = run("serve", str(tmp_path), "--port", str(port), "--no-browser")
    assert r.returncode == 2 and "端口可能已被占用" in r.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("year: 2024\nagency: x\napplications: 3\n", encoding="utf-8")
    r = run("serve", str(tmp_path), "--previous", str(bad), "--no-browser")
    assert r.returncode == 2 and "无法使用" in r.stderr


def test_html_and_docx_downloads_never_import_weasyprint(tmp_path):
    """WeasyPrint (half a second to import) is loaded only when a PDF is asked for."""
    script = f"""
import json, sys
from pathlib import Path
from starlette.testclient import TestClient
from reportgen.serve.app import ServeConfig, create_app
from reportgen.wizard.answers import AnswerStore
store = AnswerStore.from_report_file({str(SAMPLE)!r})
values = {{k: "" if v is None else str(v) for k, v in store.values.items() if "@" not in k}}
c = TestClient(create_app(ServeConfig(root=Path({str(tmp_path)!r}), csrf="x" * 20)))
c.get("/edit?file=a.yaml")
for fmt in ("html", "docx"):
    body = {{"file": "a.yaml", "values": values, "format": fmt}}
    r = c.post("/api/build", content=json.dumps(body), headers={{"X-CSRF-Token": "x" * 20}})
    assert r.status_code == 200, r.text
print("weasyprint" in sys.modules)
"""
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
    assert (tmp_path / "a.html").exists() and (tmp_path / "a.docx").exists()


def test_other_hosts_get_a_token_printed_at_start(tmp_path):
    import httpx

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reportgen",
            "serve",
            str(tmp_path),
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--no-browser",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
    )
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        match = re.search(r"http://0\.0\.0\.0:(\d+)/\?token=([\w-]+)", "".join(lines))
        assert match, lines
        assert "令牌" in lines[2]
        port, token = match.groups()
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(base + "/", timeout=10).status_code == 401
        with httpx.Client(base_url=base, timeout=10, follow_redirects=True) as browser:
            r = browser.get(f"/?token={token}")  # redirected, with the cookie set
            assert r.status_code == 200 and "新建报告" in r.text
            assert "token" not in str(r.url)
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_file_opens_at_once_and_the_year_picks_the_form(tmp_path):
    c = client(tmp_path, default_file="2024.yaml")
    r = c.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/edit?file=2024.yaml"
    page = c.get("/edit?file=2024.yaml").text
    assert "2021年版格式" in page and 'data-key="proactive.fees.amount"' in page
    body = {"file": "2024.yaml", "values": {"year": "2020", "agency": "某某区政府"}}
    assert write(c, "/api/draft", body).json()["format"] == "v2019"
    page = c.get("/edit?file=2024.yaml").text  # the page reloads in the new format
    assert "2019年版格式" in page and 'data-key="proactive.procurement.amount"' in page
    body["values"]["year"] = "1999"
    result = write(c, "/api/check", body).json()
    assert result["format"] is None
    assert any(p["rule"] == "X-5" and p["path"] == "year" for p in result["problems"])


def test_explained_warnings_of_the_file_stay_explained(folder):
    """A report file's ``acknowledged:`` entries survive editing in the form and are shown
    as explained, with their reason."""
    text = SAMPLE.read_text(encoding="utf-8") + (
        "acknowledged:\n  - {rule: X-4, where: sections.problems, reason: 本年度无需报告的问题}\n"
    )
    (folder / "a.yaml").write_text(text, encoding="utf-8")
    c = client(folder)
    assert c.get("/edit?file=a.yaml").status_code == 200
    values = sample_values()
    checked = write(c, "/api/check", {"file": "a.yaml", "values": values}).json()
    explained = [p for p in checked["problems"] if p.get("acknowledged")]
    assert [(p["rule"], p["path"], p["acknowledged"]) for p in explained] == [
        ("X-4", "sections.problems", "本年度无需报告的问题")
    ]

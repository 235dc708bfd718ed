"""``reportgen build`` and ``reportgen doctor``: many files, drafts, exit codes, atomic writes."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from test_render_html import parse, report_yaml

from reportgen.cli import main


def run(args, capsys):
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return info.value.code, out, err


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def invalid_yaml() -> str:
    text = report_yaml(2024)
    assert "carried_forward: [9, 1" in text
    return text.replace("carried_forward: [9, 1", "carried_forward: [19, 1")


def test_single_file_all_formats_next_to_input(tmp_path, capsys):
    src = write(tmp_path / "bureau-2024.yaml", report_yaml(2024))
    code, out, _ = run(["build", src], capsys)
    assert code == 0, out
    outputs = {p.name for p in tmp_path.iterdir()}
    assert {"bureau-2024.html", "bureau-2024.docx", "bureau-2024.pdf"} <= outputs
    assert (tmp_path / "bureau-2024.pdf").read_bytes().startswith(b"%PDF-")
    assert zipfile.is_zipfile(tmp_path / "bureau-2024.docx")
    dom = parse((tmp_path / "bureau-2024.html").read_text(encoding="utf-8"))
    assert dom.find("h1").text() == "某某市生态环境局2024年政府信息公开工作年度报告"
    assert out.strip().splitlines()[-1].startswith("1 个文件：1 个已生成")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_many_files_in_parallel_one_failing(tmp_path, capsys):
    files = [
        write(tmp_path / "in" / "a.yaml", report_yaml(2024)),
        write(tmp_path / "in" / "bad.yaml", invalid_yaml()),
        write(tmp_path / "in" / "c.yaml", report_yaml(2020)),
    ]
    out_dir = tmp_path / "out"
    code, out, _ = run(["build", *files, "-o", out_dir, "--to", "html,pdf", "-j", "2"], capsys)
    assert code == 1
    assert sorted(p.name for p in out_dir.iterdir()) == ["a.html", "a.pdf", "c.html", "c.pdf"]
    assert "bad.yaml：未通过校验，未生成" in out
    assert "错误 T3-1" in out  # the problems are shown
    assert out.strip().splitlines()[-1].startswith(f"3 个文件：2 个已生成，1 个失败（{files[1]}）")
    c_html = (out_dir / "c.html").read_text(encoding="utf-8")
    assert 'class="format-v2019' in c_html


def test_json_summary(tmp_path, capsys):
    good = write(tmp_path / "good.yaml", report_yaml(2024))
    bad = write(tmp_path / "bad.yaml", invalid_yaml())
    code, out, _ = run(
        ["build", good, bad, "-o", tmp_path / "out", "--to", "html", "--json", "-j", "1"], capsys
    )
    assert code == 1
    summary = json.loads(out)
    assert summary["ok"] is False
    assert (summary["built"], summary["failed"]) == (1, 1)
    by_file = {Path(f["file"]).name: f for f in summary["files"]}
    assert by_file["good.yaml"]["status"] == "built"
    assert by_file["good.yaml"]["outputs"] == {"html": str(tmp_path / "out" / "good.html")}
    assert by_file["bad.yaml"]["status"] == "invalid"
    assert by_file["bad.yaml"]["outputs"] == {}
    assert by_file["bad.yaml"]["errors"] == 2
    assert {p["rule"] for p in by_file["bad.yaml"]["problems"]} == {"T3-1"}


def test_draft_renders_with_mark_and_problems(tmp_path, capsys):
    bad = write(tmp_path / "bad.yaml", invalid_yaml())
    code, out, _ = run(["build", bad, "--draft", "--to", "html,pdf", "--json"], capsys)
    assert code == 1  # a draft is not a passing report
    result = json.loads(out)["files"][0]
    assert result["status"] == "draft"
    dom = parse((tmp_path / "bad.html").read_text(encoding="utf-8"))
    assert dom.find("div", class_="draft-mark").text() == "草稿（未通过校验）"
    assert len(list(dom.find("section", class_="draft-problems").iter("li"))) == 2
    assert (tmp_path / "bad.pdf").stat().st_size > 10_000


def test_draft_flag_on_a_clean_report_renders_it_as_final(tmp_path, capsys):
    good = write(tmp_path / "good.yaml", report_yaml(2024))
    code, _, _ = run(["build", good, "--draft", "--to", "html"], capsys)
    assert code == 0
    dom = parse((tmp_path / "good.html").read_text(encoding="utf-8"))
    assert not [d for d in dom.iter("div") if d.attrs.get("class") == "draft-mark"]
    assert not list(dom.iter("section"))[-1].attrs.get("class", "").startswith("draft")


def test_failed_render_keeps_the_previous_good_output(tmp_path, capsys):
    src = write(tmp_path / "r.yaml", report_yaml(2024))
    out_dir = tmp_path / "out"
    good_html = write(out_dir / "r.html", "<p>previous good output</p>")
    good_pdf = out_dir / "r.pdf"
    good_pdf.write_bytes(b"%PDF-previous")
    broken = tmp_path / "tpl"
    write(
        broken / "report.html.j2",
        '{% extends "default/report.html.j2" %}'
        "{% block footer %}{{ no_such_variable }}{% endblock %}",
    )
    code, out, _ = run(
        ["build", src, "-o", out_dir, "--to", "html,pdf", "--template-dir", broken], capsys
    )
    assert code == 2  # a broken template is the caller's to fix, like a bad input
    assert "模板有误" in out and "no_such_variable" in out
    assert good_html.read_text(encoding="utf-8") == "<p>previous good output</p>"
    assert good_pdf.read_bytes() == b"%PDF-previous"
    assert sorted(p.name for p in out_dir.iterdir()) == ["r.html", "r.pdf"]  # no temp files


def test_user_template_dir_is_used(tmp_path, capsys):
    src = write(tmp_path / "r.yaml", report_yaml(2024))
    tpl = tmp_path / "tpl"
    write(
        tpl / "report.html.j2",
        '{% extends "default/report.html.j2" %}'
        '{% block letterhead %}<p class="letterhead">某某市人民政府办公室</p>{% endblock %}',
    )
    code, _, _ = run(["build", src, "--to", "html", "--template-dir", tpl], capsys)
    assert code == 0
    dom = parse((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert dom.find("p", class_="letterhead").text() == "某某市人民政府办公室"


def test_user_template_dir_reaches_the_docx(tmp_path, capsys):
    import docx
    from docx.oxml.ns import qn

    src = write(tmp_path / "r.yaml", report_yaml(2024))
    tpl = tmp_path / "tpl"
    write(tpl / "fonts.yaml", "body: [方正仿宋_GBK]\n")
    code, _, _ = run(["build", src, "--to", "docx", "--template-dir", tpl], capsys)
    assert code == 0
    document = docx.Document(str(tmp_path / "r.docx"))
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "方正仿宋_GBK"


def test_unreadable_file_exits_2_others_still_built(tmp_path, capsys):
    good = write(tmp_path / "good.yaml", report_yaml(2024))
    code, out, _ = run(
        ["build", good, tmp_path / "missing.yaml", "--to", "html", "-j", "1"], capsys
    )
    assert code == 2
    assert (tmp_path / "good.html").exists()
    assert "missing.yaml：无法读取" in out


def test_same_stem_twice_is_a_usage_error(tmp_path, capsys):
    a = write(tmp_path / "x" / "r.yaml", report_yaml(2024))
    b = write(tmp_path / "y" / "r.yaml", report_yaml(2024))
    code, _, err = run(["build", a, b, "-o", tmp_path / "out", "--to", "html"], capsys)
    assert code == 2
    assert "同名文件" in err
    assert not (tmp_path / "out").exists()


def test_unknown_format_is_a_usage_error(tmp_path, capsys):
    src = write(tmp_path / "r.yaml", report_yaml(2024))
    code, _, err = run(["build", src, "--to", "html,odt"], capsys)
    assert code == 2
    assert "odt" in err


def test_html_only_build_does_not_load_weasyprint(tmp_path):
    src = write(tmp_path / "r.yaml", report_yaml(2024))
    code = (
        "import sys\n"
        "from reportgen.cli import main\n"
        "try:\n"
        f"    main(['build', {str(src)!r}, '--to', 'html'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "assert 'weasyprint' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_doctor_reports_libraries_and_fonts(capsys):
    code, out, _ = run(["doctor", "--json"], capsys)
    report = json.loads(out)
    names = [c["name"] for c in report["checks"]]
    assert names[:3] == ["WeasyPrint", "Pango", "HarfBuzz 字体子集化"]
    assert "正文（仿宋）" in names and "一级标题（黑体）" in names
    assert code == (0 if report["ok"] else 1)
    body = next(c for c in report["checks"] if c["name"] == "正文（仿宋）")
    assert body["status"] in ("ok", "warning")  # fonts-noto-cjk is installed here


def test_doctor_flags_missing_fonts(tmp_path, capsys, monkeypatch):
    from reportgen.render import fonts

    monkeypatch.setattr(fonts, "installed", lambda family: None)
    code, out, _ = run(["doctor"], capsys)
    assert code == 1
    assert "apt-get install -y fonts-noto-cjk" in out


def test_broken_template_is_a_usage_error(tmp_path, capsys):
    src = write(tmp_path / "r.yaml", report_yaml(2024))
    tpl = tmp_path / "tpl"
    write(tpl / "report.html.j2", "{% block letterhead %}unclosed")
    code, _, err = run(["build", src, "--to", "html", "--template-dir", tpl], capsys)
    assert code == 2
    assert "模板" in err
    assert not (tmp_path / "r.html").exists()

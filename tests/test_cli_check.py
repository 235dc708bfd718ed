"""The check, init and schema commands: output, exit codes, and what they import."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
import yaml
from conftest import report_text

from reportgen.cli import main


def run(args, capsys):
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code, out, err


def test_check_ok_exits_0(write_report, capsys):
    path = write_report(report_text())
    code, out, _ = run(["check", str(path)], capsys)
    assert code == 0
    assert out.strip() == "1 个文件通过检查"


def test_check_errors_exit_1_with_located_lines(write_report, capsys):
    path = write_report(report_text(carried_forward="[8, 1, 0, 0, 0, 0]"))
    code, out, _ = run(["check", str(path)], capsys)
    assert code == 1
    lines = out.strip().split("\n")
    assert any(
        line.startswith(f"{path}:") and "错误 T3-1 表三「自然人」列：一(241)+二(5)=246" in line
        for line in lines
    ), out
    assert lines[-1] == "1 个文件：2 个错误，0 个警告"
    assert "    提示：本列数据的勾稽关系为" in out


def test_warnings_pass_unless_strict(write_report, capsys):
    path = write_report(report_text().replace("fees: {amount: 0}", "fees: {amount: 1.23456}"))
    assert run(["check", str(path)], capsys)[0] == 0
    assert run(["check", "--strict", str(path)], capsys)[0] == 1


def test_json_output(write_report, capsys):
    path = write_report(report_text(carried_forward="[8, 1, 0, 0, 0, 0]"))
    code, out, _ = run(["check", "--json", str(path)], capsys)
    data = json.loads(out)
    assert code == 1
    assert data["ok"] is False and data["errors"] == 2
    first = next(p for p in data["problems"] if p.get("col") == "自然人")
    assert first["rule"] == "T3-1" and first["severity"] == "error"
    assert first["expected"] == "245" and first["actual"] == "246" and first["difference"] == "1"
    assert first["line"] > 0 and first["table"] == "表三"


def test_unreadable_input_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("year: [\n", encoding="utf-8")
    code, out, _ = run(["check", str(bad)], capsys)
    assert code == 2
    assert f"{bad}:1:8: 错误 E-INPUT 这一行的括号没有结束" in out
    code, out, _ = run(["check", str(tmp_path / "missing.yaml")], capsys)
    assert code == 2 and "文件不存在" in out


def test_bad_usage_exits_2(capsys):
    assert run(["check"], capsys)[0] == 2
    assert run(["check", "--nope", "x"], capsys)[0] == 2


def test_several_files_worst_code_wins(write_report, capsys):
    good = write_report(report_text(), "good.yaml")
    bad = write_report(report_text(carried_forward="[8, 1, 0, 0, 0, 0]"), "bad.yaml")
    code, out, _ = run(["check", str(good), str(bad)], capsys)
    assert code == 1
    assert out.strip().endswith("2 个文件：2 个错误，0 个警告")


def test_previous_enables_cross_year_checks(write_report, capsys):
    last = write_report(
        report_text(2023, carried_forward="[7, 1, 0, 0, 0, 0]", not_held="[75, 3, 0, 0, 1, 2]"),
        "2023.yaml",
    )
    this = write_report(report_text(2024), "2024.yaml")
    code, out, _ = run(["check", str(this), "--previous", str(last)], capsys)
    assert code == 0
    assert "警告 X-1 表三「自然人」列：二(5) ≠ 上年四(7)，差 2" in out


def test_init_writes_a_skeleton_that_checks(tmp_path, capsys):
    target = tmp_path / "r.yaml"
    code, _, err = run(["init", "-o", str(target), "--year", "2020", "--agency", "某局"], capsys)
    assert code in (0, None)
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert data["year"] == 2020 and data["agency"] == "某局"
    assert "procurement" in data["proactive"]
    code, out, _ = run(["check", str(target)], capsys)
    assert code == 0 and "警告 X-4" in out
    # never overwrites without --force
    target.write_text("keep", encoding="utf-8")
    code, _, err = run(["init", "-o", str(target), "--year", "2020"], capsys)
    assert code == 2 and "文件已存在" in err
    assert target.read_text(encoding="utf-8") == "keep"


def test_init_rejects_unsupported_year(capsys):
    code, _, err = run(["init", "--year", "2017"], capsys)
    assert code == 2 and "不支持 2017 年" in err


@pytest.mark.parametrize("year", [2020, 2024])
def test_schema_validates_what_init_writes_and_rejects_bad_data(year, capsys):
    _, out, _ = run(["schema"], capsys)
    schema = json.loads(out)
    data = yaml.safe_load(report_text(year))
    jsonschema.validate(data, schema)
    data["applications"]["granted"] = [1, 2, 3]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_schema_titles_are_official_labels(capsys):
    _, out, _ = run(["schema", "--format", "v2021"], capsys)
    schema = json.loads(out)
    assert schema["properties"]["applications"]["title"] == "三、收到和处理政府信息公开申请情况"
    defs = schema["$defs"]
    titles = {p.get("title") for d in defs.values() for p in d.get("properties", {}).values()}
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in titles
    assert "本年收费金额（单位：万元）" in titles


def test_check_does_not_import_renderers(write_report):
    path = write_report(report_text())
    code = (
        "import sys\n"
        "from reportgen.cli import main\n"
        "try:\n"
        f"    main(['check', {str(path)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('weasyprint', 'docx', 'questionary', 'reportgen.render') "
        "if m in sys.modules]\n"
        "print(heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().endswith("[]"), result.stdout + result.stderr


def test_python_dash_m(write_report):
    path = write_report(report_text())
    result = subprocess.run(
        [sys.executable, "-m", "reportgen", "check", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0 and "通过检查" in result.stdout


def test_unwritable_output_is_a_message_not_a_traceback(tmp_path, capsys):
    target = tmp_path / "missing-folder" / "r.yaml"
    code, _, err = run(["init", "-o", str(target), "--year", "2024"], capsys)
    assert code == 2
    assert f"{target}: 无法写入文件：文件夹不存在" in err
    assert "Traceback" not in err
    assert not target.parent.exists()


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    from reportgen.atomic import atomic_open
    from reportgen.errors import OutputError

    target = tmp_path / "r.yaml"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_open(target, "w") as fh:
        fh.write("new, half")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.yaml"]
    with pytest.raises(OutputError, match="目标是一个文件夹"), atomic_open(tmp_path, "w") as fh:
        fh.write("x")

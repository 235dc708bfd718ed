"""The command line speaks Chinese: every --help page, every usage error, laid out cleanly.

Output is scanned for Latin words; the only ones allowed are option names, command names,
choice values, file names shown as examples and a few product names a clerk meets anyway.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import report_text

from reportgen.catalogue import LOCALE_DIR, read_po, write_mo
from reportgen.cli import COMMANDS, cli, main
from reportgen.help_format import display_width, join_lines, wrap_paragraph

PO = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "click.po"

#: Latin words a clerk may see: product and format names, and the file names of examples
PRODUCT_WORDS = {
    "reportgen", "HTML", "DOCX", "PDF", "JSON", "Schema", "YAML", "WeasyPrint", "Pango",
    "HarfBuzz", "Ctrl", "CI", "Tab", "CPU", "Excel", "WPS", "Word", "A4", "XLSX", "CSV",
    "report", "yaml", "draft", "html", "docx", "pdf", "txt",
}  # fmt: skip
#: a Latin word, not an option (--json), a file name (fonts.yaml), a path or a rule id (E-KEY)
WORD = re.compile(r"(?<![-\w./\\!])[A-Za-z][A-Za-z0-9_]*(?![\w-]|\.[A-Za-z])")
#: a space between two Chinese characters: what click's wrapping leaves behind
STRAY_SPACE = re.compile(r"[\u3400-\u9fff\uff0c\u3002\uff1b\uff1a\u3001] [\u3400-\u9fff]")


def allowed_words(command: click.Command | None = None) -> set[str]:
    words = set(PRODUCT_WORDS) | set(COMMANDS)
    for cmd in [command] if command else []:
        for param in cmd.params:
            for opt in [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]:
                words.update(WORD.findall(opt.lstrip("-")))
            if isinstance(param.type, click.Choice):
                words.update(str(c) for c in param.type.choices)
    return words


def latin_words(text: str, allowed: set[str]) -> list[str]:
    return [w for w in WORD.findall(text) if w not in allowed]


def invoke(args: list[str]):
    return CliRunner().invoke(cli, args, prog_name="reportgen")


def command(name: str) -> click.Command:
    return cli.get_command(click.Context(cli), name)


def assert_chinese(text: str, allowed: set[str]) -> None:
    assert not latin_words(text, allowed), (latin_words(text, allowed), text)
    assert not STRAY_SPACE.search(text), text


@pytest.mark.parametrize("name", [*COMMANDS, None])
def test_every_help_page_is_chinese_and_fits_80_columns(name):
    args = [name, "--help"] if name else ["--help"]
    result = invoke(args)
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("用法：reportgen"), text
    assert "选项：" in text and "显示本帮助并退出。" in text
    assert "Usage" not in text and "Options" not in text
    assert_chinese(text, allowed_words(command(name) if name else cli))
    for line in text.splitlines():
        assert display_width(line) <= 80, line


def test_defaults_ranges_and_metavars_are_chinese():
    text = invoke(["build", "--help"]).output
    assert "[默认：" in text and "不小于 1" in text
    assert "-o, --output 文件夹" in text and "-j, --jobs 整数" in text
    assert "用法：reportgen build [选项] 文件..." in text
    assert "INTEGER" not in text and "x>=1" not in text and "PATH" not in text


@pytest.mark.parametrize(
    ("args", "expected", "typed"),
    [
        (["check"], "错误：缺少参数 '文件...'", []),
        (["build"], "错误：缺少参数", []),
        (["edit"], "错误：缺少参数", []),
        (["import"], "错误：缺少参数", []),
        (["check", "--nope", "x.yaml"], "没有选项「--nope」", ["nope", "x"]),
        (["build", "--jobs", "0", "x.yaml"], "超出范围（不小于 1）", ["x"]),
        (["build", "--jobs", "abc", "x.yaml"], "「abc」不是整数", ["abc", "x"]),
        (["init", "--year", "abc"], "「abc」不是整数", ["abc"]),
        (["schema", "--format", "v1999"], "「v1999」不是可选的值", ["v1999"]),
        (["edit", "."], "是文件夹，这里要的是文件", []),
        (["chek", "x.yaml"], "没有「chek」这个命令。是不是「check」？", ["chek", "x"]),
        (["frobnicate"], "没有「frobnicate」这个命令。全部命令：reportgen help", ["frobnicate"]),
        (["--nope"], "没有选项「--nope」", ["nope"]),
        (["new", "--resume"], "选项 --resume 后面要写一个值", []),
    ],
)
def test_usage_errors_are_chinese(args, expected, typed):
    result = invoke(args)
    assert result.exit_code == 2, result.output
    assert expected in result.output, result.output
    if args != ["new", "--resume"]:  # an option without its value is told without usage
        assert result.output.startswith("用法：reportgen")
        assert "查看用法：reportgen" in result.output
    name = args[0] if args[0] in COMMANDS else None
    assert_chinese(result.output, allowed_words(command(name) if name else cli) | set(typed))


def run(args, capsys):
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code, out + err


def test_reportgen_alone_says_what_to_do_first(capsys):
    code, out = run([], capsys)
    assert code == 0
    assert out.startswith("reportgen：")
    assert "第一次使用" in out and "reportgen new" in out and "reportgen build report.yaml" in out
    assert "reportgen help" in out
    assert_chinese(out, allowed_words() | {"previous"})


def test_help_command(capsys):
    code, out = run(["help"], capsys)
    assert code == 0 and out.startswith("用法：reportgen [选项] 命令 [参数]...")
    assert "命令：" in out and "check" in out
    code, out = run(["help", "build"], capsys)
    assert code == 0 and out.startswith("用法：reportgen build [选项] 文件...")
    assert out == run(["build", "--help"], capsys)[1]
    code, out = run(["help", "bild"], capsys)
    assert code == 2 and "没有「bild」这个命令" in out and "是不是「build」？" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "missing.yaml"], "文件不存在"),
        (["build", "missing.yaml"], "文件不存在"),
        (["new"], "向导需要在终端中运行"),
        (["init", "--year", "2015"], "不支持 2015 年的报告"),
        (["build", "--to", "xlsxx", "r.yaml"], "未知的输出格式"),
        (["build", "--previous", "missing.yaml", "r.yaml"], "上一年度报告 missing.yaml 无法使用"),
    ],
)
def test_errors_after_parsing_are_chinese(args, expected, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.yaml").write_text(report_text(), encoding="utf-8")
    code, out = run(args, capsys)
    assert code == 2 and expected in out, out
    assert "Traceback" not in out and "Error" not in out
    typed = {w for a in args for w in WORD.findall(a)}
    assert_chinese(out, allowed_words(command(args[0])) | typed)


def test_version(capsys):
    code, out = run(["--version"], capsys)
    assert code == 0 and re.fullmatch(r"reportgen 版本 \d+\.\d+\.\d+\n", out)


# ---------------------------------------------------------------------- wrapping


def test_chinese_lines_join_without_spaces_latin_keeps_them():
    assert join_lines(["检查报告文件的勾稽关系，", "填写错误和文表一致性。"]) == (
        "检查报告文件的勾稽关系，填写错误和文表一致性。"
    )
    assert join_lines(["可以用", "reportgen init", "生成"]) == "可以用 reportgen init 生成"
    assert join_lines(["有警告）；", "2 文件无法读取"]) == "有警告）；2 文件无法读取"


def test_wrap_by_display_width_and_never_before_closing_punctuation():
    text = "有错误的文件不生成（除非 --draft）；一个文件失败不影响其他文件，输出先写临时文件。"
    for width in range(12, 40):
        lines = wrap_paragraph(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            assert display_width(line) <= width or " " not in line.strip()
            assert line[:1] not in "，。；）、"
            assert line[-1:] not in "（"
        assert all("--draft" in line or "draft" not in line for line in lines)


def test_docstring_paragraphs_are_rewrapped_without_stray_spaces():
    page = invoke(["check", "--help"]).output
    assert "（或 --strict 下有警告）；2 文件无法读取或用法错误。" in page.replace("\n  ", "")


# ---------------------------------------------------------------------- the catalogue


def test_shipped_catalogue_is_compiled_from_its_po():
    entries = read_po(PO.read_text(encoding="utf-8"))
    assert PO.with_suffix(".mo").read_bytes() == write_mo(entries)
    with PO.with_suffix(".mo").open("rb") as fh:
        assert gettext.GNUTranslations(fh).gettext("Usage:") == "用法："


def click_messages() -> set[str]:
    """Every string click passes to gettext, read from click's own source."""
    found = set()
    for path in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "ngettext")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_every_click_message_is_translated():
    entries = read_po(PO.read_text(encoding="utf-8"))
    singulars = {k.split("\0")[0] for k in entries}
    missing = {m for m in click_messages() if m not in singulars}
    assert not missing, missing


def test_translations_use_only_the_placeholders_click_fills_in():
    for key, value in read_po(PO.read_text(encoding="utf-8")).items():
        given = set(re.findall(r"\{(\w+)", key)) | set(re.findall(r"%\((\w+)\)", key))
        used = set(re.findall(r"\{(\w+)", value)) | set(re.findall(r"%\((\w+)\)", value))
        assert used <= given, (key, value)

"""The bad-input corpus: every class of hostile or careless input, one table.

Each case builds its files in a fresh folder, runs one ``reportgen`` command in a subprocess
capped in memory and time (:mod:`hardening`), and asserts the exit code, a Chinese message
with its location, no Python text, no temporary file left, and nothing that existed before
changed — in particular an earlier good output set in ``out/``.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import report_text
from hardening import CHINESE, LEAKS, reportgen, snapshot, temporaries

OLD = {"r.html": b"<p>old</p>", "r.docx": b"old docx", "r.pdf": b"%PDF-old"}


@dataclass(frozen=True)
class Case:
    id: str
    setup: Callable[[Path], list[str]]  # writes the files, returns the arguments
    code: int
    message: str  # a Chinese phrase the output must hold
    where: str = r"r\.yaml:\d+:\d+"  # the location it must name (a regex)
    writes: tuple[str, ...] = ()  # files the run may create or change (exit 0 only)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def report(**sections: str) -> str:
    """A balanced report, its overview replaced when given."""
    text = report_text(2024)
    if "overview" in sections:
        block = "|\n" + "".join(f"    {line}\n" for line in sections["overview"].split("\n"))
        text = re.sub(r"(\n  overview: )\|\n(    .*\n)+", lambda m: m.group(1) + block, text)
    return text


def replaced(old: str, new: str) -> str:
    text = report()
    assert old in text
    return text.replace(old, new, 1)


def check(text: str | bytes) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        write(tmp / "r.yaml", text)
        return ["check", "r.yaml"]

    return setup


def placeholder(expression: str) -> Callable[[Path], list[str]]:
    return check(report(overview=f"全年新收申请{expression}件。\n（一）主动公开"))


def build(text: str | None = None, *extra: str, to: str = "html,docx"):
    def setup(tmp: Path) -> list[str]:
        write(tmp / "r.yaml", text if text is not None else report())
        return ["build", "r.yaml", "-o", "out", "--to", to, *extra]

    return setup


def template(files: dict[str, str | bytes], links: dict[str, str] | None = None, to="html,docx"):
    """A ``--template-dir`` with ``files`` and symlinks (name → target, {tmp} expanded)."""

    def setup(tmp: Path) -> list[str]:
        write(tmp / "secret" / "passwd.txt", "root:SECRET-CONTENT:0:0\n")
        write(tmp / "secret" / "fonts.yaml", "SECRET-ROLE: [x]\n")
        for name, text in files.items():
            write(tmp / "tpl" / name, text)
        for name, target in (links or {}).items():
            link = tmp / "tpl" / name
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(target.format(tmp=tmp))
        return build(None, "--template-dir", "tpl", to=to)(tmp)

    return setup


def extends(block: str) -> str:
    return '{% extends "default/report.html.j2" %}{% block letterhead %}' + block + "{% endblock %}"


def fifo(tmp: Path) -> list[str]:
    os.mkfifo(tmp / "r.yaml")
    return ["check", "r.yaml"]


def fifo_among_others(tmp: Path) -> list[str]:
    write(tmp / "a.yaml", report())
    os.mkfifo(tmp / "r.yaml")
    return ["build", "a.yaml", "r.yaml", "-o", "out", "--to", "html", "-j", "2"]


def sparse(name: str, size: int, command: str):
    def setup(tmp: Path) -> list[str]:
        with open(tmp / name, "wb") as fh:
            fh.truncate(size)
        return [command, name] if command == "check" else ["import", name, "-o", "i.yaml"]

    return setup


def loop(tmp: Path) -> list[str]:
    (tmp / "r.yaml").symlink_to(tmp / "s.yaml")
    (tmp / "s.yaml").symlink_to(tmp / "r.yaml")
    return ["check", "r.yaml"]


def through_file(tmp: Path) -> list[str]:
    write(tmp / "r.yaml", report())
    return ["check", "r.yaml/x.yaml"]


def unwritable_folder(tmp: Path) -> list[str]:
    write(tmp / "r.yaml", report())
    write(tmp / "blocker", "a file where the output folder should be")
    return ["build", "r.yaml", "-o", "blocker/out", "--to", "html,docx"]


def target_is_folder(tmp: Path) -> list[str]:
    write(tmp / "r.yaml", report())
    (tmp / "out" / "r.docx").unlink()
    (tmp / "out" / "r.docx").mkdir()
    return ["build", "r.yaml", "-o", "out", "--to", "html,docx"]


def twice(tmp: Path) -> list[str]:
    write(tmp / "r.yaml", report())
    return ["build", "r.yaml", "r.yaml", "./r.yaml", "-o", "out", "--to", "html"]


def previous(text: str | None):
    def setup(tmp: Path) -> list[str]:
        write(tmp / "r.yaml", report())
        if text is not None:
            write(tmp / "last.yaml", text)
        return ["build", "r.yaml", "-p", "last.yaml", "-o", "out", "--to", "html"]

    return setup


# ------------------------------------------------------------------ imports


def _published_html() -> str:
    """A published report as HTML: the 2021 sample, rendered once."""
    from conftest import ROOT

    from reportgen.render.html import render_html
    from reportgen.validate import load_report

    return render_html(load_report(ROOT / "samples" / "003-shangqiu-gxj-2021.yaml"))


def published(mutate: Callable[[str], str]):
    def setup(tmp: Path) -> list[str]:
        write(tmp / "p.html", mutate(_html()))
        return ["import", "p.html", "-o", "i.yaml"]

    return setup


_CACHE: dict[str, str] = {}


def _html() -> str:
    if "html" not in _CACHE:
        _CACHE["html"] = _published_html()
    return _CACHE["html"]


def nth_cell(n: int, value: str) -> Callable[[str], str]:
    def mutate(html: str) -> str:
        cells = list(re.finditer(r"(<td[^>]*>)([^<]*)(</td>)", html))
        cell = cells[n]
        return html[: cell.start(2)] + value + html[cell.end(2) :]

    return mutate


def zip_bomb(tmp: Path) -> list[str]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(200):
                member.write(block)
    write(tmp / "p.docx", buffer.getvalue())
    return ["import", "p.docx", "-o", "i.yaml"]


def truncated_pdf(tmp: Path) -> list[str]:
    from conftest import ROOT

    data = (ROOT / "tests" / "data" / "published" / "008.pdf").read_bytes()
    write(tmp / "p.pdf", data[: len(data) // 3])
    return ["import", "p.pdf", "-o", "i.yaml"]


def not_a_zip(tmp: Path) -> list[str]:
    write(tmp / "p.docx", b"PK\x03\x04 this is not really a zip")
    return ["import", "p.docx", "-o", "i.yaml"]


def init_year(tmp: Path) -> list[str]:
    return ["init", "--year", "3000", "-o", "r.yaml"]


DIGITS = "7" * 5000
BAD_TEMPLATE = r"tpl/[\w./]+"

CASES = [
    # --- syntax, tags, aliases, duplicates, encodings, sizes (already handled, kept so)
    Case("yaml-syntax", check(replaced("year: 2024", "year: [2024")), 2, "括号没有结束"),
    Case("duplicate-key", check(replaced("year: 2024", "year: 2024\nyear: 2023")), 2, "重复"),
    Case(
        "python-tag", check(replaced("year: 2024", "year: !!python/object:os.system x")), 2, "标签"
    ),
    Case("alias", check(replaced("year: 2024", "year: &y 2024\nx: *y")), 2, "锚点"),
    Case("gbk", check(report().encode("gb18030")), 2, "UTF-8", r"r\.yaml:\d+"),
    Case("over-4mb", sparse("r.yaml", 5 * 1024 * 1024, "check"), 2, "文件过大", r"r\.yaml"),
    Case("missing", lambda tmp: ["check", "nope.yaml"], 2, "不存在", r"nope\.yaml"),
    Case("directory", lambda tmp: ["check", "."], 2, "文件夹里没有报告文件", r"\."),
    # --- devices and FIFOs
    Case("dev-zero", lambda tmp: ["check", "/dev/zero"], 2, "文件过大", r"/dev/zero"),
    Case("fifo-no-writer", fifo, 2, "读取超时", r"r\.yaml"),
    Case("fifo-in-a-batch", fifo_among_others, 2, "读取超时", r"r\.yaml", ("out/a.html",)),
    # --- OS errors in Chinese
    Case("symlink-loop", loop, 2, "循环", r"r\.yaml"),
    Case("not-a-directory", through_file, 2, "不是文件夹", r"r\.yaml/x\.yaml"),
    # --- control characters, raw and escaped
    Case("raw-nul", check(replaced("某某市某某区", "某某\0市某某区")), 2, "U+0000"),
    Case("raw-esc-text", check(report(overview="总体\x1b情况")), 2, "U+001B"),
    Case("escaped-esc", check(replaced('agency: "', 'agency: "\\x1b')), 2, "U+001B"),
    Case("escaped-vt", check(replaced('agency: "', 'agency: "\\v')), 2, "U+000B"),
    # --- numbers Python cannot print, base 60, signed zero
    Case("year-5000-digits", check(replaced("year: 2024", f"year: {DIGITS}")), 2, "数字过长"),
    Case("cell-5000-digits", check(replaced("[241,", f"[{DIGITS},")), 2, "数字过长"),
    Case("hex-5000-digits", check(replaced("[241,", f"[0x{'f' * 5000},")), 2, "数字过长"),
    Case("huge-exponent", check(replaced("amount: 0", "amount: 1.0e+999999999")), 2, "数字过长"),
    Case("base-60", check(replaced("[241,", "[4:01,")), 1, "应为整数"),
    Case(
        "bad-date",
        check(replaced("# published: 2025-01-20", "published: '2025-01-xx'")),
        1,
        "应为日期",
    ),
    Case("year-3000", check(replaced("year: 2024", "year: 3000")), 1, "超过"),
    Case("init-year-3000", init_year, 2, "不支持 3000 年", r"2019 到 2100"),
    # --- placeholders: data, not a program (P-1 at the line)
    Case("ph-repeat", placeholder("{{ 'a' * 10**10 }}"), 1, "P-1"),
    Case("ph-format", placeholder("{{ '{:>999999999}'.format(1) }}"), 1, "P-1"),
    Case(
        "ph-loops",
        placeholder("{% for a in agency %}{% for b in agency %}x{% endfor %}{% endfor %}"),
        1,
        "P-1",
    ),
    Case("ph-power", placeholder("{{ 10**100000 }}"), 1, "P-1"),
    Case("ph-division", placeholder("{{ 1 / 0 }}"), 1, "P-1"),
    Case("ph-filter-args", placeholder("{{ year | round(999999999) }}"), 1, "过滤器"),
    Case("ph-unknown-filter", placeholder("{{ agency | center(999999999) }}"), 1, "过滤器"),
    Case("ph-include", placeholder("{% include 'report.html.j2' %}"), 1, "语句"),
    Case("ph-mapping", placeholder("{{ applications }}"), 1, "一组数据"),
    Case("ph-long-literal", placeholder("{{ " + DIGITS + " }}"), 1, "P-1"),
    Case("ph-nesting", placeholder("{{ " + "(" * 5000 + "year" + ")" * 5000 + " }}"), 1, "P-1"),
    Case("ph-dunder", placeholder("{{ year.__class__.__mro__ }}"), 1, "不存在的数据"),
    Case("ph-build", build(report(overview="{{ 'a' * 10**10 }}")), 1, "P-1"),
    # --- build: outputs, duplicates, previous
    Case("unwritable-folder", unwritable_folder, 2, "无法写入", r"blocker"),
    Case("target-is-folder", target_is_folder, 2, "无法写入", r"out/r\.docx"),
    Case("same-file-twice", twice, 0, "1 个文件", r"r\.yaml", ("out/r.html",)),
    Case("previous-broken", previous("year: [2023"), 2, "上一年度报告", r"last\.yaml:\d+:\d+"),
    Case("previous-missing", previous(None), 2, "上一年度报告", r"last\.yaml"),
    Case("unknown-format", build(None, to="html,odt"), 2, "未知的输出格式", r"odt"),
    # --- templates: confined to their folder, broken ones are exit 2
    Case(
        "tpl-include-symlink",
        template(
            {"report.html.j2": extends('{% include "p.txt" %}')},
            {"p.txt": "{tmp}/secret/passwd.txt"},
        ),
        2,
        "模板目录之外",
        BAD_TEMPLATE,
    ),
    Case(
        "tpl-symlinked-folder",
        template(
            {"report.html.j2": extends('{% include "s/passwd.txt" %}')}, {"s": "{tmp}/secret"}
        ),
        2,
        "模板目录之外",
        BAD_TEMPLATE,
    ),
    Case(
        "tpl-symlinked-css",
        template({}, {"print.css": "{tmp}/secret/passwd.txt"}),
        2,
        "模板目录之外",
        BAD_TEMPLATE,
    ),
    Case(
        "tpl-symlinked-fonts",
        template({}, {"fonts.yaml": "{tmp}/secret/fonts.yaml"}),
        2,
        "模板目录之外",
        BAD_TEMPLATE,
    ),
    Case(
        "tpl-symlinked-asset",
        template(
            {"report.html.j2": extends("<img src=\"{{ asset('logo.png') }}\">")},
            {"logo.png": "{tmp}/secret/passwd.txt"},
        ),
        2,
        "模板目录之外",
        BAD_TEMPLATE,
    ),
    Case(
        "tpl-self-include",
        template({"report.html.j2": '{% include "report.html.j2" %}'}),
        2,
        "嵌套过深",
        BAD_TEMPLATE,
    ),
    Case(
        "tpl-docx-not-utf8",
        template({"docx.yaml": "page: {grid: 行}\n".encode("gb18030")}),
        2,
        "UTF-8",
        BAD_TEMPLATE,
    ),
    Case(
        "tpl-undefined",
        template({"report.html.j2": extends("{{ no_such_variable }}")}),
        2,
        "no_such_variable",
        BAD_TEMPLATE,
    ),
    Case(
        "tpl-bad-fonts", template({"fonts.yaml": "bogus_role: [x]\n"}), 2, "字体用途", BAD_TEMPLATE
    ),
    Case("tpl-fonts-syntax", template({"fonts.yaml": "body: [x\n"}), 2, "YAML", BAD_TEMPLATE),
    Case(
        "tpl-syntax",
        template({"report.html.j2": "{% block letterhead %}unclosed"}),
        2,
        "模板语法错误",
        BAD_TEMPLATE,
    ),
    Case(
        "tpl-bad-filter-arg",
        template({"report.html.j2": extends("{{ agency | round('x') }}")}),
        2,
        "模板",
        BAD_TEMPLATE,
    ),
    Case(
        "tpl-huge-repeat",
        template({"report.html.j2": extends("{{ 'a' * 10**10 }}")}),
        2,
        "不允许的操作",
        BAD_TEMPLATE,
    ),
    Case(
        "tpl-huge-power",
        template({"report.html.j2": extends("{{ 10**10000000 }}")}),
        2,
        "不允许的操作",
        BAD_TEMPLATE,
    ),
    Case(
        "tpl-runaway-loop",
        template(
            {
                "report.html.j2": extends(
                    "{% for i in range(99999) %}{% for j in range(99999) %}{{ agency }}"
                    "{% endfor %}{% endfor %}"
                )
            }
        ),
        2,
        "过大",
        r"r\.yaml",
    ),
    # --- imports: limits and cleaning
    Case(
        "import-5000-digits",
        published(nth_cell(20, DIGITS)),
        1,
        "位数过多",
        r"第\d+行",
        ("i.yaml",),
    ),
    Case(
        "import-unit-in-count",
        published(nth_cell(20, "5万元")),
        1,
        "金额单位",
        r"第\d+行",
        ("i.yaml",),
    ),
    Case(
        "import-control-chars",
        published(lambda h: h.replace("。", "。\x1b\x00", 5)),
        0,
        "完整",
        r"p\.html",
        ("i.yaml",),
    ),
    Case("import-zip-bomb", zip_bomb, 2, "解压后过大", r"p\.docx"),
    Case("import-not-a-zip", not_a_zip, 2, "已损坏", r"p\.docx"),
    Case("import-truncated-pdf", truncated_pdf, 2, "无法读取 PDF", r"p\.pdf"),
    Case(
        "import-over-limit", sparse("p.txt", 100 * 1024 * 1024, "import"), 2, "文件过大", r"p\.txt"
    ),
    Case(
        "import-dev-zero",
        lambda tmp: ["import", "/dev/zero", "-o", "i.yaml"],
        2,
        "文件过大",
        r"/dev/zero",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path) -> None:
    for name, data in OLD.items():
        write(tmp_path / "out" / name, data)
    args = case.setup(tmp_path)
    before = snapshot(tmp_path)
    result = reportgen(args, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == case.code, output
    assert case.message in output, output
    assert re.search(case.where, output), output
    assert CHINESE.search(output)
    for leak in LEAKS:
        assert leak not in output, (leak, output)
    assert "SECRET" not in output
    assert not temporaries(tmp_path)
    after = snapshot(tmp_path)
    changed = {n for n in set(before) | set(after) if before.get(n) != after.get(n)}
    assert changed == set(case.writes), changed  # nothing else created, changed or removed
    for name in after:
        if not name.startswith("secret/"):
            assert b"SECRET" not in (tmp_path / name).read_bytes(), name


def test_signed_zero_is_printed_as_zero(tmp_path: Path) -> None:
    write(tmp_path / "r.yaml", replaced("amount: 0", "amount: -0.0"))
    result = reportgen(["build", "r.yaml", "--to", "html"], tmp_path)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "-0.0" not in html and ">0.0<" in html


def test_imported_text_with_control_characters_passes_check(tmp_path: Path) -> None:
    write(tmp_path / "p.html", _html().replace("。", "。\x1b\x00\x7f", 8))
    assert reportgen(["import", "p.html", "-o", "i.yaml"], tmp_path).returncode == 0
    checked = reportgen(["check", "i.yaml"], tmp_path)
    assert checked.returncode == 0, checked.stdout

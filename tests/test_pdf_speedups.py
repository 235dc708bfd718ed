"""The PDF speed-ups change nothing in the output, and ``build --watch`` rebuilds on save.

Speed itself is measured by ``bench/bench_pdf.py``, not here: these tests hold the
speed-ups to their promise that the PDF stays the same, byte for byte.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen.render import weasy
from reportgen.render.html import render_html
from reportgen.render.pdf import html_to_pdf, print_html
from reportgen.validate import check_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))


def _identifier(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32].encode("ascii")


@pytest.mark.parametrize("sample", SAMPLES[:2], ids=lambda p: p.stem)
def test_print_page_typesets_to_the_same_pdf_as_the_full_page(sample):
    report = check_file(sample).report
    full, page = render_html(report), print_html(report)
    assert len(page) < len(full) * 0.6  # the screen stylesheet and reader attributes are gone
    assert 'media="screen"' not in page and "headers=" not in page and "data-cell" not in page
    same_id = _identifier(full)
    assert html_to_pdf(page, identifier=same_id) == html_to_pdf(full, identifier=same_id)


def test_documents_in_one_process_do_not_affect_each_other():
    """Shared font data and one font configuration: A, B, A gives A twice, identical."""
    first, second = (print_html(check_file(p).report) for p in SAMPLES[:2])
    a1 = html_to_pdf(first)
    b = html_to_pdf(second)
    a2 = html_to_pdf(first)
    assert a1 == a2 and a1 != b
    for data in (a1, b):
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        assert "政府信息公开" in text


def test_font_configuration_is_one_per_process():
    assert weasy.font_config() is weasy.font_config()


def test_quick_library_lookup_finds_what_ctypes_finds():
    cache = weasy._linker_cache()
    if cache is None:
        pytest.skip("no ldconfig on this system")
    quick = weasy._fast_find_library(cache)
    names = ["gobject-2.0", "pango-1.0", "harfbuzz", "fontconfig", "pangoft2-1.0", "c"]
    names += ["libpango-1.0-0", "harfbuzz-vector", "no-such-library-at-all"]
    for name in names:
        assert quick(name) == ctypes.util.find_library(name), name


def test_weasyprint_import_runs_no_compiler(tmp_path):
    """Loading WeasyPrint asks the linker cache once instead of running gcc and ld."""
    script = (
        "import subprocess, sys\n"
        "calls = []\n"
        "original = subprocess.Popen.__init__\n"
        "def spy(self, args, *a, **k):\n"
        "    calls.append(args[0] if isinstance(args, (list, tuple)) else args)\n"
        "    original(self, args, *a, **k)\n"
        "subprocess.Popen.__init__ = spy\n"
        "from reportgen.render import weasy\n"
        "weasy.load()\n"
        "print(len(calls), sorted({str(c).rsplit('/', 1)[-1] for c in calls}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    count, names = out.split(" ", 1)
    assert int(count) <= 1, out
    assert "gcc" not in names and "ld'" not in names


def _pages() -> list:
    pages = [pytest.param(p, id=p.stem) for p in SAMPLES]
    return pages + [pytest.param(year, id=f"report_text-{year}") for year in (2024, 2020)]


@pytest.mark.parametrize("source", _pages())
def test_speedups_keep_every_pdf_byte_identical(source, tmp_path):
    """Each sample and both formats: as WeasyPrint and pydyf are released, then patched
    twice (first with nothing remembered from earlier documents, then reusing the
    remembered line breaks, subsets and compressed streams)."""
    if isinstance(source, int):
        from conftest import report_text

        path = tmp_path / "report.yaml"
        path.write_text(report_text(source), encoding="utf-8")
        source = path
    page = print_html(check_file(source).report)
    same_id = _identifier(page)
    weasy.load()
    with weasy.as_released():
        released = html_to_pdf(page, identifier=same_id)
    weasy.forget()  # first: nothing remembered; again: everything that can be
    first, again = (html_to_pdf(page, identifier=same_id) for _ in range(2))
    assert first == released and again == released


def test_as_released_undoes_each_patch_and_puts_it_back():
    import pydyf

    weasy.load()
    assert weasy._patchable() and weasy._PATCHES
    for owner, name, _, replacement in weasy._PATCHES:
        assert owner.__dict__[name] is replacement
    with weasy.as_released():
        for owner, name, original, _ in weasy._PATCHES:
            assert owner.__dict__[name] is original
        assert isinstance(pydyf.zlib.compressobj(level=9), type(__import__("zlib").compressobj()))
    assert all(owner.__dict__[name] is new for owner, name, _, new in weasy._PATCHES)


def test_remembered_compression_is_zlibs_own():
    import random
    import zlib

    remembering = weasy._RememberingZlib(zlib)
    remembering.BUDGET = 200_000
    rng = random.Random(14)
    blobs = [bytes(rng.getrandbits(8) for _ in range(n)) * 3 for n in (10, 5_000, 20_000)]
    blobs += [b"0 0 m 10 10 l S\n" * 4_000, "政府信息公开".encode() * 3_000]
    for _ in range(2):  # the second round is served from memory where kept
        for data in blobs:
            compressor = remembering.compressobj(level=9)
            out = compressor.compress(data[:7]) + compressor.compress(data[7:])
            out += compressor.flush()
            plain = zlib.compressobj(level=9)
            assert out == plain.compress(data) + plain.flush()
            assert zlib.decompress(out) == data
    assert remembering._size <= remembering.BUDGET
    assert all(len(data) >= remembering.SMALLEST for _, data in remembering._known)


def test_remembered_line_breaks_key_on_every_property_weasyprint_reads():
    """The line-break memo's key holds each style property the line breaker (and the
    font description it builds) reads; its context is read for hyphenation only."""
    import inspect
    import re

    from weasyprint.text import fonts, line_break

    weasy.load()
    source = inspect.getsource(line_break) + inspect.getsource(fonts.get_font_description)
    # strut() (and its cache key) is the line height of a box, not part of breaking
    for helper in (line_break.strut, line_break._font_style_cache_key):
        source = source.replace(inspect.getsource(helper), "")
    read = set(re.findall(r"style\[['\"](\w+)['\"]\]", source))
    assert read <= set(weasy.LINE_BREAK_STYLE)
    assert read >= {"font_family", "white_space"}  # the pattern finds them
    assert set(re.findall(r"\bcontext\.(\w+)", source)) == {"dictionaries"}


def test_remembered_line_breaks_hand_out_copies():
    from weasyprint.text import line_break

    weasy.load()
    page = '<p style="font-family: serif; width: 3em">政府信息公开 0 0 0</p>' * 3
    html_to_pdf(page)
    known = [
        getattr(weasy.font_config(), "reportgen_line_breaks", {}).get(key)
        for key in getattr(weasy.font_config(), "reportgen_line_breaks", {})
    ]
    assert known, "the line breaks were not remembered"
    layout = known[0][0]
    assert isinstance(layout, line_break.Layout) and not hasattr(layout, "layout")


# ------------------------------------------------------------------ build --watch


def _wait_for(predicate, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_watch_rebuilds_on_every_save_and_stops_cleanly(tmp_path):
    report = tmp_path / "report.yaml"
    original = SAMPLES[2].read_text(encoding="utf-8")
    report.write_text(original, encoding="utf-8")
    out = tmp_path / "out"
    log = tmp_path / "log.txt"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reportgen",
                "build",
                str(report),
                "-o",
                str(out),
                "--to",
                "html,pdf",
                "--watch",
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        pdf = out / "report.pdf"
        _wait_for(lambda: "第 1 次生成" in log.read_text() and pdf.exists())
        first = pdf.read_bytes()
        # an editor saving through a temporary file and a rename
        changed = original.replace('\nagency: "', '\nagency: "修订', 1)
        assert changed != original
        temp = tmp_path / ".report.yaml.swp"
        temp.write_text(changed, encoding="utf-8")
        os.replace(temp, report)
        _wait_for(lambda: "第 2 次生成" in log.read_text())
        _wait_for(lambda: pdf.read_bytes() != first)
        # a broken save is reported and leaves the last good output alone
        good = pdf.read_bytes()
        report.write_text(changed + "\n  bad: [\n", encoding="utf-8")
        _wait_for(lambda: "第 3 次生成" in log.read_text())
        assert pdf.read_bytes() == good
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    text = log.read_text()
    assert "已停止监视" in text and "Traceback" not in text
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_watch_takes_one_file(tmp_path, write_report):
    from conftest import report_text

    a = write_report(report_text(), "a.yaml")
    b = write_report(report_text(), "b.yaml")
    proc = subprocess.run(
        [sys.executable, "-m", "reportgen", "build", str(a), str(b), "--watch"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert proc.returncode == 2
    assert "--watch 一次只能监视一个报告文件" in proc.stderr

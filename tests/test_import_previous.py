"""``--previous`` takes last year as published (text, HTML, PDF …), imported on the fly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "tests" / "data" / "published"
SAMPLE = ROOT / "samples" / "001-wendeng-gxj-2020.yaml"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_check_previous_published_text_is_imported():
    run = _cli("check", str(SAMPLE), "--previous", str(PUBLISHED / "000_d70af7ae21dfd526.txt"))
    assert run.returncode == 0, run.stderr
    assert "已自动导入" in run.stderr and "揭阳市工业和信息化局 2020 年" in run.stderr
    assert run.stderr.count("已自动导入") == 1
    # The cross-year rules ran against the imported numbers (上年 licensing 1 + 14).
    assert "X-1" in run.stdout or "T2-19-5" in run.stdout
    assert "不是 UTF-8" not in run.stderr + run.stdout


def test_check_previous_published_pdf_is_imported():
    run = _cli("check", str(SAMPLE), "--previous", str(PUBLISHED / "009.pdf"))
    assert run.returncode in (0, 1), run.stderr
    assert "已自动导入" in run.stderr
    assert "Traceback" not in run.stderr


def test_build_previous_published_text(tmp_path):
    out = tmp_path / "out"
    run = _cli(
        "build", str(SAMPLE), "-o", str(out), "--to", "html", "--draft",
        "--previous", str(PUBLISHED / "000_d70af7ae21dfd526.txt"),
    )  # fmt: skip
    assert run.returncode in (0, 1), run.stderr
    assert "已自动导入" in run.stderr
    assert (out / f"{SAMPLE.stem}.html").is_file()


def test_previous_that_cannot_be_read_is_a_clear_message(tmp_path):
    bad = tmp_path / "last-year.txt"
    bad.write_text("这不是年度报告。\n", encoding="utf-8")
    run = _cli("check", str(SAMPLE), "--previous", str(bad))
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "年度" in run.stderr

"""``reportgen import`` of many files in parallel (``-j``), reported in the order given."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OPENINGS = ROOT / "tests" / "data" / "openings"
PUBLISHED = ROOT / "tests" / "data" / "published"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_parallel_import_writes_every_file_and_keeps_order(tmp_path):
    sources = [*sorted(PUBLISHED.glob("*.txt")), OPENINGS / "042.txt", OPENINGS / "020.txt"]
    out = tmp_path / "out"
    run = _cli("import", *map(str, sources), "-d", str(out), "-j", "2", "--json")
    assert run.returncode == 2  # 042 states no year: unreadable input
    reports = json.loads(run.stdout)
    assert [Path(r["source"]).name for r in reports] == [s.name for s in sources]
    assert "error" in reports[-2] and "年度" in reports[-2]["error"]
    for source, report in zip(sources, reports, strict=True):
        if "error" in report:
            assert not (out / f"{source.stem}.yaml").exists()
            continue
        data = yaml.safe_load((out / f"{source.stem}.yaml").read_text(encoding="utf-8"))
        assert data["agency"] == report["agency"] and data["year"] == report["year"]
    assert reports[-1]["agency"] == "上海市人民政府参事室"
    assert reports[-1]["agency_from"] == "标题" and reports[-1]["year_from"] == "标题"
    assert "Traceback" not in run.stderr
    assert "[7/7]" in run.stderr


def test_sequential_and_parallel_give_the_same_files(tmp_path):
    sources = sorted(PUBLISHED.glob("*.txt"))
    for jobs in ("1", "2"):
        run = _cli("import", *map(str, sources), "-d", str(tmp_path / jobs), "-j", jobs)
        assert run.returncode == 1, run.stderr  # seeds 002 and 003 have rows not read
    for source in sources:
        one = (tmp_path / "1" / f"{source.stem}.yaml").read_bytes()
        two = (tmp_path / "2" / f"{source.stem}.yaml").read_bytes()
        assert one == two

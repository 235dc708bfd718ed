"""Shared fixtures: a balanced report with real-looking figures, in both formats."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportgen.definition import get_format
from reportgen.writer import skeleton

ROOT = Path(__file__).resolve().parent.parent

#: Table 三 rows of a balanced 2024 report: 一 + 二 = （七）总计 + 四 in every column.
ROWS = {
    "new_received": "[241, 16, 0, 0, 1, 2]",
    "carried_over": "[5, 0, 0, 0, 0, 0]",
    "granted": "[111, 5, 0, 0, 0, 0]",
    "partial": "[10, 2, 0, 0, 0, 0]",
    "law_prohibited": "[5, 1, 0, 0, 0, 0]",
    "third_party": "[9, 1, 0, 0, 0, 0]",
    "not_held": "[73, 3, 0, 0, 1, 2]",
    "repeat": "[6, 0, 0, 0, 0, 0]",
    "no_correction": "[23, 3, 0, 0, 0, 0]",
    "carried_forward": "[9, 1, 0, 0, 0, 0]",
}


def fill(text: str, rows: dict[str, str]) -> str:
    for key, value in rows.items():
        text, n = re.subn(rf"(\n\s+{key}: )\[[^\]]*\]", rf"\g<1>{value}", text, count=1)
        assert n == 1, key
    return text


def report_text(year: int = 2024, **overrides: str) -> str:
    """A complete, balanced report file; keyword arguments replace table-三 rows."""
    fmt_id = "v2021" if year >= 2021 else "v2019"
    text = skeleton(get_format(fmt_id), year, "某某市某某区工业和信息化局")
    rows = dict(ROWS)
    if fmt_id == "v2019":
        rows.pop("no_correction")
        rows["other"] = "[23, 3, 0, 0, 0, 0]"
    rows.update(overrides)
    text = fill(text, rows)
    texts = {
        "overview": f"{year}年，全年新收政府信息公开申请260件。\n"
        "（一）主动公开\n按时公开各类信息。",
        "problems": f"{year}年，一是公开内容有待充实。",
        "other_matters": "无。",
    }
    for key, value in texts.items():
        block = "|\n" + "".join(f"    {line}\n" for line in value.split("\n"))
        text = re.sub(rf'(\n  {key}: )"".*\n', lambda m, b=block: m.group(1) + b, text, count=1)
    return text


@pytest.fixture
def write_report(tmp_path):
    """Write report text to a file and return its path."""

    def write(text: str, name: str = "report.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def typeset_released_and_patched(page: str) -> tuple[bytes, bytes, bytes]:
    """``page`` typeset as WeasyPrint and pydyf are released, then patched twice (first
    with nothing remembered from earlier documents, then with everything that can be),
    all three with the same document identifier: the bytes a speed-up must not change."""
    import hashlib

    from reportgen.render import weasy
    from reportgen.render.pdf import html_to_pdf

    same_id = hashlib.sha256(page.encode()).hexdigest()[:32].encode()
    weasy.load()
    with weasy.as_released():
        released = html_to_pdf(page, identifier=same_id)
    weasy.forget()
    first, again = (html_to_pdf(page, identifier=same_id) for _ in range(2))
    return released, first, again

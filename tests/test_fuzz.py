"""Fuzzing ``check``, ``build --to html,docx`` and ``import`` with hypothesis.

The properties: ``check`` either reads a file (problems, located) or refuses it with an
:class:`~reportgen.errors.InputError` — never another exception; a report ``check``
passes always renders, as HTML without control characters and as a DOCX whose XML
parses; ``import`` of any text gives a report file that ``check`` can read, or an
``InputError``.

CI runs a small fixed budget, derandomized so a run is repeatable; a longer run:
``REPORTGEN_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py`` (see docs/hardening.md).
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

from conftest import report_text
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from reportgen.errors import InputError
from reportgen.importer import import_text
from reportgen.source import parse_text
from reportgen.validate import check_text

EXAMPLES = int(os.environ.get("REPORTGEN_FUZZ_EXAMPLES") or 60)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="REPORTGEN_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

BASE = report_text(2024)
LINES = BASE.split("\n")
PUBLISHED = (Path(__file__).parent / "data" / "published" / "003_e766bb0a4b10c749.txt").read_text(
    encoding="utf-8"
)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

#: Text as typed, pasted and mangled: every plane, control characters included.
noise = st.text(st.characters(codec="utf-8"), max_size=40)
#: Text as agencies write it: letters, digits, punctuation and spaces of any script.
prose = st.text(st.characters(categories=["L", "N", "P", "Zs"]), max_size=30)
numbers = st.one_of(
    st.integers(-(10**12), 10**15).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
    st.sampled_from(["1:30", "-0.0", "0x1F", "1e+999999", "1_000", ".inf", "7" * 60, "20万元"]),
)
fragments = st.one_of(
    noise,
    numbers,
    st.sampled_from(
        [
            "{{ year }}",
            "{{ applications.new_received.total }}",
            "{% for x in agency %}",
            "&a",
            "*a",
            "!!str",
            "<<: {}",
            "---",
            "\t",
            "  ",
            ": ",
            "[",
            "{",
            '"',
            "'",
            "|",
            "#",
        ]
    ),
)


@st.composite
def mutated_reports(draw) -> str:
    """The balanced report with a few edits: a value replaced, text inserted, lines moved."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["value", "insert", "delete", "duplicate", "line"]))
        line = lines[i]
        if kind == "value" and ": " in line:
            key = line.split(": ", 1)[0]
            lines[i] = f"{key}: {draw(fragments)}"
        elif kind == "insert":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(fragments) + line[at:]
        elif kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, line)
        else:
            lines.insert(i, draw(fragments))
    return "\n".join(lines)


@st.composite
def edited_cells(draw) -> str:
    """The balanced report with table-二 cells and texts changed: often still valid."""
    text = BASE
    for _ in range(draw(st.integers(0, 3))):
        # table 二 has no balancing rule, so its cells can change and the report stay valid
        start, end = text.index("proactive:"), text.index("applications:")
        cells = list(re.finditer(r"(?<=: )[^,{}:\n]+(?=[,}])", text[start:end]))
        cell = draw(st.sampled_from(cells))
        counts = st.integers(0, 10**9).map(str)
        value = draw(st.one_of(counts, counts, counts, numbers))
        text = text[: start + cell.start()] + value + text[start + cell.end() :]
    pieces = st.one_of(prose, prose, prose, noise, st.sampled_from(["{{ year }}", "**", "（一）"]))
    words = draw(st.lists(pieces, max_size=4))
    agency = json.dumps("".join(words)[:90] or "某某局", ensure_ascii=False)
    text = re.sub(r'agency: ".*?"', lambda m: f"agency: {agency}", text, count=1)
    sentence = "".join(w.replace("\n", " ") for w in draw(st.lists(pieces, max_size=3)))
    return text.replace("无。", sentence or "无。", 1)


def _checked(text: str):
    try:
        return check_text(text, "fuzz.yaml")
    except InputError as exc:
        assert exc.message and re.search(r"[\u4e00-\u9fff]", exc.message)
        return None


@FUZZ
@given(mutated_reports())
def test_check_never_crashes(text: str) -> None:
    outcome = _checked(text)
    if outcome is not None:
        for problem in outcome.problems:
            assert re.search(r"[\u4e00-\u9fff]", problem.message), problem.message
            assert "Input should" not in problem.message


@FUZZ
@given(edited_cells())
def test_what_check_passes_renders(text: str) -> None:
    from reportgen.render.docx import render_docx
    from reportgen.render.html import render_html

    outcome = _checked(text)
    if outcome is None or outcome.errors or outcome.report is None:
        event("refused by check")
        return
    event("rendered")
    html = render_html(outcome.report, outcome.problems)
    assert not CONTROL.search(html)
    document = render_docx(outcome.report, problems=outcome.problems)
    with zipfile.ZipFile(io.BytesIO(document)) as package:
        etree.fromstring(package.read("word/document.xml"))


@FUZZ
@given(
    st.lists(st.one_of(fragments, st.sampled_from(PUBLISHED.split("\n"))), max_size=30),
    st.booleans(),
)
def test_import_gives_files_check_can_read(parts: list[str], whole: bool) -> None:
    text = PUBLISHED + "\n".join(parts) if whole else "\n".join(parts)
    try:
        result = import_text(text, "fuzz.txt")
    except InputError:
        return
    parse_text(result.to_yaml(), "imported.yaml")  # raises on anything check would refuse

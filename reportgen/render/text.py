"""The free-text sections as paragraphs, shared by every renderer.

A section's text is written one paragraph per line (as published reports are).  A line
that is only a structural heading such as ``（一）主动公开情况`` becomes a level-2 heading
(楷体 in GB/T 9704); a paragraph that *starts* with such a heading followed by text
(``（一）主动公开情况。全年…``) keeps its heading as a lead-in run.  ``**bold**`` marks, as
published reports use for ``一是…``, become bold runs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from reportgen.narrative import render_text
from reportgen.report import Report

_HEADING2 = re.compile(r"^[（(][一二三四五六七八九十]+[）)]\s*")
_HEADING3 = re.compile(r"^\d+[.．、]\s*")
_SENTENCE_END = re.compile(r"[。！？；：:]")


@dataclass
class Run:
    text: str
    bold: bool = False
    lead: bool = False  # an inline level-2 heading (楷体)


@dataclass
class Paragraph:
    #: "body", "heading2" (（一）…, 楷体) or "heading3" (1. …, 仿宋)
    kind: str
    runs: list[Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def _runs(text: str) -> list[Run]:
    runs = []
    for i, part in enumerate(re.split(r"\*\*", text)):
        if part:
            runs.append(Run(part, bold=i % 2 == 1))
    return runs


def paragraphs(text: str) -> list[Paragraph]:
    """Split a section's text into typed paragraphs (blank lines are dropped)."""
    result = []
    for raw in text.split("\n"):
        line = raw.strip().replace("\u3000", " ").strip()
        if not line:
            continue
        plain = line.replace("**", "")
        heading = _HEADING2.match(plain)
        if heading and len(plain) <= 40 and not _SENTENCE_END.search(plain[heading.end() :]):
            result.append(Paragraph("heading2", [Run(plain)]))
            continue
        if heading:
            end = _SENTENCE_END.search(plain)
            if end and end.start() <= 40:
                lead = plain[: end.end()]
                rest = plain[end.end() :]
                result.append(Paragraph("body", [Run(lead, lead=True), *_runs(rest)]))
                continue
        if _HEADING3.match(plain) and len(plain) <= 40 and not _SENTENCE_END.search(plain):
            result.append(Paragraph("heading3", _runs(line)))
            continue
        result.append(Paragraph("body", _runs(line)))
    return result


def section_paragraphs(
    report: Report, key: str, empty: bool = False, template_dir=None
) -> list[Paragraph]:
    """A text section's paragraphs with table placeholders filled in.

    With ``empty``, a section left blank prints what published reports write there
    (``empty_section`` of ``typesetting.yaml``: 无。) instead of a bare heading.
    """
    text = report.sections.get(key, "") or ""
    result = paragraphs(render_text(text, report.context()))
    if not result and empty:
        from reportgen.render.layout_rules import layout_rules

        result = paragraphs(
            layout_rules(str(template_dir) if template_dir else None)["empty_section"]
        )
    return result


def chinese_date(day: dt.date) -> str:
    """GB/T 9704 7.3.5.4: Arabic numerals, full year, no zero padding — 2025年1月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def format_number(value) -> str:
    """Table cells print every number, 0 included, exactly as stored (no rounding)."""
    return str(value)

"""Typesetting checks on a printed report (a PDF read with pdfplumber), shared by the tests.

Each check reads positions the way a reviewer reads a page: lines are characters grouped by
their baseline, the body size (3号, 16 pt) tells body text from tables and folios, and the
type area (版心) is the page minus the GB/T 9704 margins.  A check returns the problems it
finds as readable strings, so a failing test says which page and which line.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

MM = 72 / 25.4
TYPE_WIDTH = 156 * MM
#: Characters that may not start a line (GB/T 15834 punctuation, line-breaking rules).
NO_LINE_START = set("，。、；：？！）》」』”’…—,.;:?!)")
#: Full-width punctuation a word processor may set at half width (compressPunctuation).
COMPRESSIBLE = set("，。、；：？！（）《》「」『』“”‘’")


@dataclass
class Line:
    page: int
    top: float
    x0: float
    x1: float
    size: float
    text: str
    chars: list


def lines(pdf) -> list[Line]:
    """Every text line of the document, page by page, top to bottom."""
    result = []
    for number, page in enumerate(pdf.pages, 1):
        rows: dict[float, list] = {}
        for char in page.chars:
            if not char["text"].strip():
                continue
            key = round(char["matrix"][5] * 2) / 2
            rows.setdefault(key, []).append(char)
        for key in sorted(rows, reverse=True):
            chars = sorted(rows[key], key=lambda c: c["x0"])
            result.append(
                Line(
                    number,
                    min(c["top"] for c in chars),
                    chars[0]["x0"],
                    chars[-1]["x1"],
                    max(c["size"] for c in chars),
                    "".join(c["text"] for c in chars),
                    chars,
                )
            )
    return result


def is_folio(line: Line) -> bool:
    return line.text.startswith("—") and line.text.endswith("—")


def body_lines(all_lines: list[Line], page: int) -> list[Line]:
    return [ln for ln in all_lines if ln.page == page and not is_folio(ln)]


def signature_alone(pdf, report) -> list[str]:
    """The last page must hold more than the signature (no 此页无正文 page)."""
    all_lines = lines(pdf)
    last = body_lines(all_lines, len(pdf.pages))
    signature = {report.agency.replace(" ", "")}
    if report.published:
        signature.add(
            f"{report.published.year}年{report.published.month}月{report.published.day}日"
        )
    texts = [ln.text.replace(" ", "") for ln in last]
    if texts and all(t in signature for t in texts):
        return [f"page {len(pdf.pages)} holds only the signature: {texts}"]
    return []


def block_title_at_bottom(pdf, blocks: dict[str, list[str]]) -> list[str]:
    """No table block (第二十条第（九）项) may leave its title and header without a row.

    ``blocks`` maps each block title to the labels of its rows; after the last block title
    on a page, at least one of that block's rows must follow on the same page.
    """
    problems = []
    all_lines = lines(pdf)
    for page in range(1, len(pdf.pages)):
        body = [ln.text.replace(" ", "") for ln in body_lines(all_lines, page)]
        starts = [i for i, text in enumerate(body) if text in blocks]
        if not starts:
            continue
        title = body[starts[-1]]
        rows = [r.replace(" ", "") for r in blocks[title]]
        if not any(text.startswith(tuple(rows)) for text in body[starts[-1] + 1 :]):
            problems.append(f"page {page} ends with the block {title} but none of its rows")
    return problems


def title_lines(pdf, size: float = 22) -> list[str]:
    """The title's lines on page 1 (the text set at the title size)."""
    return [
        ln.text.replace(" ", "") for ln in lines(pdf) if ln.page == 1 and abs(ln.size - size) < 0.6
    ]


def breaks_at_word_boundaries(printed: list[str], title: str, boundaries: set[int]) -> list[str]:
    """Each line break of the printed title falls on one of ``boundaries`` (offsets)."""
    if "".join(printed) != title.replace(" ", ""):
        return [f"title printed as {printed}, not {title}"]
    problems, offset = [], 0
    for line in printed[:-1]:
        offset += len(line)
        if offset not in boundaries:
            problems.append(f"title breaks inside a word after {title[:offset]!r}")
    return problems


def pages_of(pdf, labels: list[str]) -> set[int]:
    """The pages on which each label appears (spaces and line breaks ignored)."""
    found = set()
    texts = [(page.extract_text() or "").replace(" ", "").replace("\n", "") for page in pdf.pages]
    for label in labels:
        plain = label.replace(" ", "")
        found |= {i + 1 for i, t in enumerate(texts) if plain in t}
    return found


def _cjk(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def full_line_counts(pdf, body_size: float = 16, margin: float = 2.0) -> list[tuple[int, str]]:
    """(characters, text) of every full body line made only of CJK characters.

    28 is the grid's count.  Two exceptions count as 28: a line of 27 whose last character
    was moved down so that punctuation does not start the next line, and a line of a few
    more where a word processor compressed punctuation to half width.

    A line is full when the next line continues the same paragraph: same page, body size,
    one line pitch below, starting at the left edge of the type area (not indented).  The
    count includes the indent of a first line, in characters of the line's own pitch.
    """
    result = []
    all_lines = [ln for ln in lines(pdf) if abs(ln.size - body_size) < 0.6 and not is_folio(ln)]
    # the left edge of the type area, on odd and on even pages (margins may be mirrored)
    edges = {
        parity: min((ln.x0 for ln in all_lines if ln.page % 2 == parity), default=0.0)
        for parity in (0, 1)
    }
    for line, following in itertools.pairwise(all_lines):
        if following.page != line.page or not 20 < following.top - line.top < 40:
            continue
        left = edges[line.page % 2]
        if abs(following.x0 - left) > margin or not all(_cjk(ch) for ch in line.text):
            continue
        if not _cjk(following.text.lstrip("（(《“‘「")[:1] or "a"):
            continue  # ended early by an unbreakable run (a URL, a number) on the next line
        pitch = (line.chars[-1]["x0"] - line.chars[0]["x0"]) / max(1, len(line.chars) - 1)
        indent = round((line.x0 - left) / pitch)
        if indent > 2:  # a centred or right-aligned line (title, signature)
            continue
        count = len(line.text) + indent
        if count == 27 and len(following.text) > 1 and following.text[1] in NO_LINE_START:
            count = 28  # a character moved down so that punctuation does not start a line
        squeezed = sum(ch in COMPRESSIBLE for ch in line.text)
        if 28 < count <= 28 + (squeezed + 1) // 2:
            count = 28  # punctuation set at half width makes room for one more character
        result.append((count, line.text))
    return result


def signature_step(pdf, report) -> float | None:
    """How far right of the name's first character the date starts, in points."""
    if not report.published:
        return None
    date = f"{report.published.year}年{report.published.month}月{report.published.day}日"
    all_lines = lines(pdf)
    name = next(
        (ln for ln in reversed(all_lines) if ln.text.replace(" ", "") == report.agency), None
    )
    when = next((ln for ln in reversed(all_lines) if ln.text.replace(" ", "") == date), None)
    if name is None or when is None:
        return None
    return when.x0 - name.x0

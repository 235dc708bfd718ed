"""Read a PDF made by Word, WPS or LibreOffice by the position of each word on the page.

Office programs write a table into the PDF cell by cell, row after row, and each cell's
lines in order; pdfplumber gives the words in that order (``use_text_flow``) with their
boxes.  So a table row is a run of label cells followed by a run of numbers on one
baseline, and the reader rebuilds it as one structured row:

* The numbers of a row are put into columns by their x position.  The columns of a table
  are the x extents of its numbers (one column per cluster of overlapping extents) and the
  ruling lines of the table when it has them, so a cell left blank comes out as an empty
  *exact* cell (a blank value), not as a row with one number too few.
* The label cells are the words before the numbers that lie left of them, grouped into
  cells by their boxes: a wrapped label (``2.其他法律`` / ``行政法规禁`` / ``止公开``) is one cell,
  and so is a header set one character per line in a narrow column.
* A table continued on the next page simply goes on: page headers, footers and page
  numbers are dropped first, and the header rows a program repeats on each page come out as
  plain lines, which the table reader passes over.
* Everything else is text: words are joined into lines, and a line that starts right of
  the page's left margin is marked as indented (a new paragraph).

pdfplumber is imported only when a PDF is read.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from reportgen.importer.cjk_text import CJK as _CJK
from reportgen.importer.cjk_text import join_texts
from reportgen.importer.radicals import RADICALS
from reportgen.importer.sources import Line

#: Words that are values of a table cell: a number, or a mark a report puts in a blank cell.
_VALUE = re.compile(r"^(?:[+\-−－]?\d[\d,，]*(?:[.．]\d+)?(?:万元|元)?|[-/—－／\\–]|——)$")
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－]?\s*\d{1,3}\s*[-—–－]?|第\s*\d+\s*页(?:\s*[,，]?\s*共\s*\d+\s*页)?"
    r"|\d+\s*/\s*\d+|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$"
)
#: Share of the page height at the top and at the bottom where running headers live.
_MARGIN = 0.12
#: A label line that starts with its own number starts a new label cell.
_NUMBERED = re.compile(
    r"^(?:\d+[.．、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)"
)


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    line: int = 0  # physical line number on the page

    @property
    def size(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def value(self) -> bool:
        return bool(_VALUE.match(self.text))


# --------------------------------------------------------------------------- pages


def _page_words(page) -> list[Word]:
    raw = page.extract_words(
        use_text_flow=True, keep_blank_chars=False, x_tolerance=2.5, return_chars=True
    )
    words = _join_units(_join_wrapped_values([w for r in raw for w in _split_digits(r)]))
    # Physical line numbers, for messages: tops closer than half a line are one line.
    number, last = 0, None
    for word in sorted(words, key=lambda w: w.top):
        if last is None or word.top - last > word.size * 0.5:
            number += 1
            last = word.top
        word.line = number
    return words


def _split_digits(raw: dict) -> list[Word]:
    """A word cut where a number follows Chinese text with a gap (a label and the value
    of the next cell set close together: ``行政规范性文件`` ``4``)."""
    chars = raw["chars"]
    if any(0x2E80 <= ord(c["text"][0]) <= 0x2FD5 for c in chars if c["text"]):
        # Radicals a font maps its ideographs to (``⺠`` for 民, ``⼯`` for 工 in
        # Chromium's output) are the ideographs.
        chars = [{**c, "text": c["text"].translate(RADICALS)} for c in chars]
        raw = {**raw, "text": "".join(c["text"] for c in chars)}
    pieces: list[list[dict]] = [[chars[0]]]
    for prev, char in itertools.pairwise(chars):
        gap = char["x0"] - prev["x1"]
        if gap >= 1.0 and _CJK.match(prev["text"]) and char["text"].isdigit():
            pieces.append([])
        pieces[-1].append(char)
    if len(pieces) == 1:
        return [Word(raw["text"], raw["x0"], raw["x1"], raw["top"], raw["bottom"])]
    return [
        Word("".join(c["text"] for c in p), p[0]["x0"], p[-1]["x1"],
             min(c["top"] for c in p), max(c["bottom"] for c in p))
        for p in pieces
    ]  # fmt: skip


def _join_wrapped_values(words: list[Word]) -> list[Word]:
    """A number wrapped in a narrow cell (``3481775656.0`` / ``0元``) is one value, set on
    the middle of its lines."""
    out: list[Word] = []
    for word in words:
        if out:
            prev = out[-1]
            below = -1 < word.top - prev.bottom < prev.size * 1.2
            overlap = min(prev.x1, word.x1) - max(prev.x0, word.x0) > 0
            joined = prev.text + word.text
            # Only a long number wraps (a money amount); short numbers one per line are
            # separate values.
            long = len(prev.text) >= 8 and len(word.text) < len(prev.text)
            if (
                below
                and overlap
                and long
                and re.match(r"^[\d,，.．]+$", prev.text)
                and _VALUE.match(joined)
            ):
                height = prev.size
                middle = (prev.top + word.bottom) / 2
                out[-1] = Word(
                    joined,
                    min(prev.x0, word.x0),
                    max(prev.x1, word.x1),
                    middle - height / 2,
                    middle + height / 2,
                )
                continue
        out.append(word)
    return out


def _join_units(words: list[Word]) -> list[Word]:
    """``0`` ``元`` set apart by Chinese–Latin spacing is one value ``0元``."""
    out: list[Word] = []
    for word in words:
        if out and word.text in ("元", "万元") and re.match(r"^[\d,，.．]+$", out[-1].text):
            prev = out[-1]
            if (
                abs(word.top - prev.top) < prev.size * 0.5
                and 0 <= word.x0 - prev.x1 < prev.size * 0.5
            ):
                out[-1] = Word(prev.text + word.text, prev.x0, word.x1, prev.top, prev.bottom)
                continue
        out.append(word)
    return out


def _lines_of(words: list[Word]) -> list[list[Word]]:
    """Words in stream order cut into physical lines (a new line when the text goes down
    or back to the left)."""
    lines: list[list[Word]] = []
    for word in words:
        if lines:
            prev = lines[-1][-1]
            same = abs(word.top - prev.top) < prev.size * 0.5 and word.x0 >= prev.x1 - 1
            if same:
                lines[-1].append(word)
                continue
        lines.append([word])
    return lines


def _text(line: list[Word]) -> str:
    """A physical line as text: a narrow gap next to a Chinese character is the space a
    program puts between Chinese and Latin text, not a space of the source."""
    out = ""
    for prev, word in zip([None, *line], line, strict=False):
        if prev is not None:
            gap = word.x0 - prev.x1
            if gap > word.size:
                out += "  "
            elif (
                gap >= word.size * 0.5
                or (word is line[-1] and word.value)
                or not (_CJK.search(prev.text[-1]) or _CJK.search(word.text[0]))
            ):
                out += " "
        out += word.text
    return out.strip()


def _furniture(pages: list[tuple[float, list[Word]]]) -> list[set[int]]:
    """Per page, the indexes of words that are running headers, footers or page numbers.

    Only lines in the top or bottom band of a page are candidates.  A decorated page
    number (``- 3 -``, ``第3页 共9页``, ``3/9``) goes; a bare number only when it counts the
    pages (its difference to the page number is the same on several pages), so a table
    value that happens to open a page stays; a text line goes when the same line (digits
    aside) heads or foots several pages.
    """
    candidates: list[list[tuple[str, str, list[int]]]] = []
    seen: Counter = Counter()
    offsets: Counter = Counter()
    for page_no, (height, words) in enumerate(pages, 1):
        found = []
        by_line: dict[int, list[int]] = {}
        for i, word in enumerate(words):
            if word.top < height * _MARGIN or word.bottom > height * (1 - _MARGIN):
                by_line.setdefault(word.line, []).append(i)
        page_offsets, page_shapes = set(), set()
        ends: set[int] = set()
        if words:
            ends = {min(w.line for w in words), max(w.line for w in words)}
        for number, indexes in by_line.items():
            text = "".join(words[i].text for i in indexes).strip()
            if text.isdigit() and number not in ends:
                continue  # a page number is the first or the last line of its page
            shape = re.sub(r"\d+", "#", text)
            found.append((text, shape, indexes))
            if text.isdigit():
                page_offsets.add(int(text) - page_no)
            elif re.search(r"[^\W\d_]", text) and len(text) >= 2:
                page_shapes.add(shape)
        offsets.update(page_offsets)  # counted once per page
        seen.update(page_shapes)
        candidates.append(found)
    drop = []
    for page_no, found in enumerate(candidates, 1):
        page_drop: set[int] = set()
        for text, shape, indexes in found:
            if text.isdigit():
                gone = len(pages) > 1 and offsets[int(text) - page_no] >= 2
            else:
                gone = bool(_PAGE_NUMBER.match(text)) or (len(pages) > 1 and seen[shape] >= 2)
            if gone:
                page_drop.update(indexes)
        drop.append(page_drop)
    return drop


# --------------------------------------------------------------------------- tables


def _value_run_end(words: list[Word], start: int) -> int:
    """End (exclusive) of the run of values on one baseline that starts at ``start``."""
    end = start + 1
    while end < len(words):
        prev, word = words[end - 1], words[end]
        if not word.value or abs(word.top - prev.top) > prev.size * 0.5 or word.x0 < prev.x1:
            break
        end += 1
    return end


def _is_row(words: list[Word], start: int, end: int) -> bool:
    """A run of values is a table row when it ends its line and stands apart from text."""
    first, _last = words[start], words[end - 1]
    spread = [b.x0 - a.x1 for a, b in zip(words[start:end], words[start + 1 : end], strict=False)]
    if spread and min(spread) >= first.size * 0.9:
        return not _text_follows(words, end)
    if _text_follows(words, end):
        return False
    if start > 0:
        before = words[start - 1]
        if abs(before.top - first.top) < first.size * 0.5 and before.x1 <= first.x0:
            return first.x0 - before.x1 >= first.size * 0.9
    return True


def _text_follows(words: list[Word], end: int) -> bool:
    """The run is followed on its line by text close after it (a sentence, not a row)."""
    if end >= len(words):
        return False
    last, after = words[end - 1], words[end]
    same = abs(after.top - last.top) < last.size * 0.5 and after.x0 >= last.x1
    return same and after.x0 - last.x1 < last.size * 1.5


def _cells(words: list[Word]) -> list[list[Word]]:
    """Group words (stream order) into cells: a word goes on the cell above it when it
    starts a new line under that cell's words (a wrapped or one-per-line label)."""
    cells: list[list[Word]] = []
    for word in words:
        if cells:
            cell = cells[-1]
            prev = cell[-1]
            below = word.top > prev.top + prev.size * 0.5
            lo, hi = min(w.x0 for w in cell), max(w.x1 for w in cell)
            overlap = min(hi, word.x1) - max(lo, word.x0)
            same_line = abs(word.top - prev.top) < prev.size * 0.5
            near = word.x0 - prev.x1 < prev.size * 0.3
            numbered = below and _NUMBERED.match(word.text)
            if (below and overlap > -prev.size * 0.3 and not numbered) or (same_line and near):
                cell.append(word)
                continue
        cells.append([word])
    return cells


def _cell_text(cell: list[Word]) -> str:
    rows = _lines_of(cell)
    return join_texts([_text(r).replace("  ", " ") for r in rows])


@dataclass
class _Row:
    labels: list[list[Word]]  # label cells, each its words
    values: list[Word]


def _bands(rows: list[_Row], rules: list[float]) -> list[tuple[float, float]]:
    """The value columns of a group of rows: clusters of overlapping number extents, plus
    the ruled columns no number falls in.  (Header words are not used: a header is
    centred while numbers may be set right or left, so their extents need not overlap.)"""
    spans = sorted((w.x0, w.x1) for row in rows for w in row.values)
    bands: list[list[float]] = []
    for x0, x1 in spans:
        if bands and x0 <= bands[-1][1] + 0.5:
            bands[-1][1] = max(bands[-1][1], x1)
        else:
            bands.append([x0, x1])
    labels = [w.x1 for row in rows for cell in row.labels for w in cell]
    left = max(labels) if labels else min(b[0] for b in bands)
    extra: list[tuple[float, float]] = []
    # Ruling lines between two bands that no number crosses split nothing; a column with
    # rules on both sides and no number is a column too.
    for a, b in itertools.pairwise(rules):
        if b - a < 4 or a < left - 1:
            continue
        if not any(band[0] < b and band[1] > a for band in bands) and not any(
            e[0] < b and e[1] > a for e in extra
        ):
            extra.append((a + 1, b - 1))
    first_value = min(b[0] for b in bands)
    if not rules and labels and first_value < max(labels) - 1:
        # A number stands left of the end of another row's label: there is no label
        # column, the numbers follow the text at tab stops, and their x says nothing
        # about blank cells.
        return []
    return sorted([(b[0], b[1]) for b in bands] + extra)


def _header_columns(
    header: list[Word], row: _Row, bands: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """The columns of a table of one row (table 四) from its header's leaf cells.

    With one row the numbers alone cannot show a blank cell.  The header cells that have no
    other header cell under them are the columns; they are taken only when every number
    falls inside one of them, each in its own, and there are more of them than numbers.
    """
    cells = [c for c in _cells(header) if min(w.x0 for w in c) >= _left_of(row) - 1]
    boxes = [(min(w.x0 for w in c), max(w.x1 for w in c), max(w.bottom for w in c)) for c in cells]
    leaves = sorted(
        (x0, x1)
        for x0, x1, bottom in boxes
        if not any(
            o[0] < x1 and o[1] > x0 and o[2] > bottom + 1 and (o[0], o[1]) != (x0, x1)
            for o in boxes
        )
    )
    if len(leaves) <= len(row.values):
        return bands
    size = row.values[0].size
    taken = set()
    for word in row.values:
        centre = (word.x0 + word.x1) / 2
        inside = [
            k for k, (x0, x1) in enumerate(leaves) if x0 - size / 2 <= centre <= x1 + size / 2
        ]
        if len(inside) != 1 or inside[0] in taken:
            return bands
        taken.add(inside[0])
    return leaves


def _left_of(row: _Row) -> float:
    """Where a row's values begin: right of its labels, or at its first value."""
    labels = [w.x1 for cell in row.labels for w in cell]
    return max(labels) if labels else row.values[0].x0


def _place(values: list[Word], bands: list[tuple[float, float]]) -> list[str] | None:
    """One cell per band: the value in it or ``""``; None when two values share a band
    (or there are no columns to place them in)."""
    if not bands:
        return None
    cells = [""] * len(bands)
    for word in values:
        centre = (word.x0 + word.x1) / 2
        best = min(
            range(len(bands)),
            key=lambda i: (
                0
                if bands[i][0] <= centre <= bands[i][1]
                else min(abs(centre - bands[i][0]), abs(centre - bands[i][1]))
            ),
        )
        if cells[best]:
            return None
        cells[best] = word.text
    return cells


def _vertical_rules(page) -> list[tuple[float, float, float]]:
    """(x, top, bottom) of the vertical ruling lines (and rectangle edges) of a page."""
    found = set()
    width, height = float(page.width), float(page.height)
    for edge in page.edges:
        length = edge["bottom"] - edge["top"]
        if edge["x0"] < 2 or edge["x0"] > width - 2 or length > height * 0.8:
            continue  # the page's own frame or background, not a table rule
        if edge.get("orientation") == "v" and length > 6:
            found.add((round(edge["x0"], 0), round(edge["top"], 0), round(edge["bottom"], 0)))
    return sorted(found)


def _rules_at(rules: list[tuple[float, float, float]], rows: list[_Row]) -> list[float]:
    """x of the rules that cross the numbers of ``rows``."""
    xs = set()
    for row in rows:
        mid = (row.values[0].top + row.values[0].bottom) / 2
        xs.update(x for x, top, bottom in rules if top <= mid <= bottom)
    return sorted(xs)


# --------------------------------------------------------------------------- document


def _page_lines(
    page_no: int,
    words: list[Word],
    rules: list[tuple[float, float, float]],
    starts: list[tuple[Line, float, float]],
) -> list[tuple[Line, int | None]]:
    """The lines of one page: table rows as structured exact lines (with the number of
    their label cells), the rest as text (None; their start x is added to ``starts``)."""
    items: list[tuple[int, object]] = []  # (order key, payload)
    used = [False] * len(words)
    i = 0
    prev_end = 0
    groups: list[list[tuple[int, _Row]]] = []
    headers: list[list[Word]] = []  # per group, the words between it and what is before
    while i < len(words):
        if not words[i].value:
            i += 1
            continue
        end = _value_run_end(words, i)
        if not _is_row(words, i, end):
            i = end
            continue
        first_x = words[i].x0
        # Walk back over the label cells: words left of the numbers, back to the last row
        # (a stray number ends the walk too).
        j = i
        while j > prev_end and words[j - 1].x1 <= first_x + 1 and not words[j - 1].value:
            j -= 1
        row = _Row(_cells(words[j:i]), words[i:end])
        for k in range(j, end):
            used[k] = True
        if j > prev_end or not groups:
            groups.append([])  # a caption, header or text stands between: a new group
            headers.append(words[prev_end:j])
        groups[-1].append((i, row))
        prev_end = end
        i = end
    for group, header in zip(groups, headers, strict=True):
        members = [r for _, r in group]
        bands = _bands(members, _rules_at(rules, members))
        if len(members) == 1 and bands:
            bands = _header_columns(header, members[0], bands)
        for position, row in group:
            cells = _place(row.values, bands)
            if cells is None:  # columns do not line up: give the numbers as they are
                cells = [w.text for w in row.values]
            labels = [_cell_text(c) for c in row.labels]
            ref = f"第{page_no}页第{row.values[0].line}行"
            line = Line([*labels, *cells], ref, structured=True, exact=True)
            items.append((position, (line, len(labels))))
    # Text: the words not in a row, as physical lines.
    rest = [(k, w) for k, w in enumerate(words) if not used[k]]
    text_lines: list[tuple[int, list[Word]]] = []
    for k, word in rest:
        if text_lines:
            prev_k, line = text_lines[-1]
            prev = line[-1]
            if (
                abs(word.top - prev.top) < prev.size * 0.5
                and word.x0 >= prev.x1 - 1
                and k == prev_k + len(line)
            ):
                line.append(word)
                continue
        text_lines.append((k, [word]))
    for k, line in text_lines:
        ref = f"第{page_no}页第{line[0].line}行"
        text = Line([_text(line)], ref)
        starts.append((text, line[0].x0, line[0].size))
        items.append((k, (text, None)))
    items.sort(key=lambda item: item[0])
    return [payload for _, payload in items]


def _mark_indented(starts: list[tuple[Line, float, float]]) -> None:
    """A text line that starts right of the document's left margin (the x where most
    lines start, over all pages) opens a paragraph."""
    counts = Counter(round(x) for line, x, _ in starts if len(line.text) >= 8)
    if not counts:
        return
    best = max(counts.values())
    margin = min(x for x, n in counts.items() if n == best)
    for line, x, size in starts:
        line.indented = x - margin > size * 0.8


def read_pdf_layout(path: Path, data: bytes | None = None) -> list[Line]:
    """Every page's rows and text lines (of ``data``, else of the file at ``path``), page
    headers/footers dropped."""
    import io

    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    from reportgen.importer.guard import unreadable

    # pdfminer logs font quirks (``Could not get FontBBox``) as warnings: not the user's
    # business, the text is read all the same.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data) if data is not None else str(path)) as pdf:
            pages = []
            rules = []
            for page in pdf.pages:
                pages.append((float(page.height), _page_words(page)))
                rules.append(_vertical_rules(page))
                page.flush_cache()
    except (PDFSyntaxError, OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise unreadable("PDF", exc, str(path)) from None
    except Exception as exc:  # pdfminer raises its own types for broken files
        if type(exc).__module__.startswith(("pdfminer", "pdfplumber")):
            raise unreadable("PDF", exc, str(path)) from None
        raise
    drop = _furniture(pages)
    lines: list[tuple[Line, int | None]] = []
    starts: list[tuple[Line, float, float]] = []
    for page_no, ((_, words), gone, page_rules) in enumerate(
        zip(pages, drop, rules, strict=True), 1
    ):
        kept = [w for k, w in enumerate(words) if k not in gone]
        page = _page_lines(page_no, kept, page_rules, starts)
        _join_split_row(lines, page)
        lines.extend(page)
    _mark_indented(starts)
    return [line for line, _ in lines]


def _join_split_row(before: list[tuple[Line, int | None]], page: list[tuple[Line, int | None]]):
    """A row broken at the foot of a page: the rest of its label opens the next page.

    The first label cell of the page's first row is moved back to the last row of the
    previous page when together they make an official row label and apart they do not.
    """
    from reportgen.importer.labels import index, key

    last = next((i for i in range(len(before) - 1, -1, -1) if before[i][1] is not None), None)
    first = next((i for i, (_, n) in enumerate(page) if n is not None), None)
    if last is None or first is None or not before[last][1] or (page[first][1] or 0) < 1:
        return
    (prev, n_prev), (row, n_row) = before[last], page[first]
    head = prev.cells[n_prev - 1]
    labels = index()

    def is_row_label(text: str) -> bool:
        return any(lb.kind == "row" for lb in labels.by_key.get(key(text), []))

    if is_row_label(head):
        return
    for k in range(n_row):
        if not is_row_label(head + row.cells[k]):
            continue
        cells = list(prev.cells)
        cells[n_prev - 1] = head + row.cells[k]
        before[last] = (Line(cells, prev.ref, structured=True, exact=True), n_prev)
        rest = row.cells[:k] + row.cells[k + 1 :]
        page[first] = (Line(rest, row.ref, structured=True, exact=True), n_row - 1)
        return

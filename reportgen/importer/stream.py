"""Re-line a report whose line breaks were lost: find its labels in the character stream.

Crawlers often keep a page as one line (or a few), with no separator at all between the
headings, the labels and the numbers: ``…规章000行政规范性文件693665第二十条第（五）项…``.
The rest of the importer reads lines, so such a line is cut back into lines here:

* the six section headings are looked for in their order (number + a heading that reads
  like the official one, as :mod:`.sections` does on lines);
* between section 二 and section 五 (the tables), every label of the format definitions
  (rows, groups, column headers, table titles) is looked for on the comparison key of the
  text (:func:`.labels.key`: simplified, without spaces and punctuation), and the set of
  non-overlapping labels covering the most text is kept;
* the line is cut before and after each label found, the numbers between labels are set
  apart from any text glued to them (a label's own numbering, ``8.``, is given back to the
  label), and the title and the closing date are set on lines of their own.

Labels the definition does not know verbatim (an agency's wording) are not anchors, but
their text ends up on a line of its own between two anchors, where the fuzzy matching of
:mod:`.labels` finds it.  A line is only cut when it plainly holds several parts of a
report (two section headings, or a table's labels), so a narrative paragraph that names a
row label stays one paragraph.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
import unicodedata
from bisect import bisect_right

from reportgen.definition import formats
from reportgen.importer.labels import LabelIndex, key, number_of, simplified
from reportgen.importer.sources import Line

#: Label kinds that anchor a cut (the section headings are found separately).
_ANCHOR_KINDS = ("row", "group", "title", "corner", "header", "column")
#: A line is looked at only when it is at least this long.
MIN_LENGTH = 120
#: More cells than any table row has: a tab-separated "row" that is really a whole page.
MAX_ROW_CELLS = 30
_HEADING_SIMILARITY = 0.5
_WORD = re.compile(r"\w", re.UNICODE)
#: ``20245.`` before a label: the label's own numbering glued to the run before it.
_NUMBERING_AFTER_DIGITS = re.compile(r"(?<=\d)(\d)(?=[.．、]\s*[^\d\s.．、])")
#: ``0000000-4.无正当理由…``: a blank mark glued to the next label's numbering.
_DASH_BEFORE_NUMBERING = re.compile(r"([-—–/])(?=\d[.．、]\s*[^\d\s])")
#: Digits next to anything that is not part of a number.
_DIGIT_EDGE = re.compile(r"(?<=[^\d\s.．,，+\-−－])(?=[+\-−－]?\d)|(?<=\d)(?=[^\d\s.．,，%元万])")
_TITLE_END = re.compile(r"(?:年度报告|工作报告|年报|年度報告|工作報告|年報)")
_YEAR = re.compile(r"\d{4}\s*年")
_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
#: Site furniture that follows a title on the same line: cut before it.
_FURNITURE = re.compile(
    r"(?:来源|发布时间|发布日期|发布机构|浏览次数|字体|【?打印】?|分享到)\s*[:：]?"
)
#: Site furniture with a known end, anywhere outside the tables: cut before and after.
_FURNITURE_ITEM = re.compile(
    r"(?:发布(?:时间|日期)|时间|日期)\s*[:：]\s*\d{4}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?|浏览次数\s*[:：]\s*\d*次?|【?字体\s*[:：]?\s*(?:\[[^\]]*\]|大中小)?】?"
    r"|【?打印(?:本页)?】?|【?关闭(?:窗口)?】?|扫一扫在手机(?:上)?打开当前页|相关(?:附件|阅读|链接)\s*[:：]?"
    r"|分享到\s*[:：]?"
)


@functools.cache
def _section_keys() -> list[tuple[str, str, str]]:
    """(section key, number, heading body key) in the definition's order."""
    fmt = formats()["v2021"]
    out = []
    for s in fmt.sections:
        number = number_of(s.label)
        out.append((s.key, number, key(s.label)[len(number) :]))
    return out


@functools.cache
def _anchor_keys(labels: LabelIndex) -> tuple[tuple[str, int], ...]:
    """Comparison keys of the table labels (with their numbering, and without it)."""
    found: dict[str, int] = {}
    for label in labels.labels:
        if label.kind not in _ANCHOR_KINDS:
            continue
        whole = key(label.text)
        if label.kind == "column" and len(whole) <= 2:
            continue  # 其他, 总计: words inside row labels, not places to cut
        if len(whole) >= 2:
            found[whole] = len(whole)
        if label.number and len(label.body) >= 4:
            found.setdefault(label.body, len(label.body))
    return tuple(sorted(found.items()))


class _Stream:
    """A line's text normalised per character, with its key and the way back."""

    def __init__(self, text: str) -> None:
        self.text = text
        norm: list[str] = []
        back: list[int] = []
        whole = simplified(text) if unicodedata.is_normalized("NFKC", text) else ""
        if len(whole) == len(text):  # the usual case: no character changes length
            norm, back = list(whole), list(range(len(text)))
            text = ""
        for i, ch in enumerate(text):
            n = unicodedata.normalize("NFKC", ch)
            if n and ord(n[0]) > 0x2E7F:
                n = simplified(n)
            for c in n:
                norm.append(c)
                back.append(i)
        self.norm = "".join(norm)
        self.back = back
        kchars: list[str] = []
        kback: list[int] = []
        for j, c in enumerate(self.norm):
            if _WORD.match(c) and c != "_":
                kchars.append(c)
                kback.append(j)
        self.key = "".join(kchars)
        self.kback = kback

    def original(self, key_pos: int) -> int:
        """Index in the original text of key position ``key_pos`` (end positions too)."""
        if key_pos >= len(self.kback):
            return len(self.text)
        return self.back[self.kback[key_pos]]

    def key_pos(self, norm_pos: int) -> int:
        return bisect_right(self.kback, norm_pos - 1)


def _headings(stream: _Stream) -> list[tuple[str, int, int]]:
    """(section, start, end) in key positions of the section headings found, in order."""
    out = []
    k = stream.key
    position = 0
    for section, number, body in _section_keys():
        best = None
        for m in re.finditer(re.escape(number), k[position:]):
            start = position + m.start()
            after = k[start + 1 : start + 1 + len(body) + 8]
            # Only where the numbering is followed by 、 or . in the text itself.
            norm_at = stream.kback[start]
            tail = stream.norm[norm_at + 1 : norm_at + 3].lstrip()
            if not tail or tail[0] not in "、.．":
                continue
            length, score = _best_prefix(after, body)
            if score >= _HEADING_SIMILARITY:
                best = (section, start, start + 1 + length)
                break
        if best:
            out.append(best)
            position = best[2]
    return out


def _best_prefix(text: str, body: str) -> tuple[int, float]:
    """How much of ``text`` reads as the heading ``body``: (length, similarity)."""
    if text.startswith(body):
        return len(body), 1.0
    best = (0, 0.0)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(body)
    for length in range(max(2, len(body) - 6), min(len(text), len(body) + 8) + 1):
        matcher.set_seq1(text[:length])
        score = matcher.ratio()
        if score > best[1]:
            best = (length, score)
    return best


def _labels_in(
    stream: _Stream, labels: LabelIndex, begin: int, end: int, heads=()
) -> list[tuple[int, int]]:
    """Non-overlapping label occurrences in key positions [begin, end), most text covered.

    Labels inside a section heading (table 三's caption is section 三's heading) are not
    anchors: the heading is cut as a whole.
    """
    k = stream.key
    found = []
    for text, length in _anchor_keys(labels):
        start = k.find(text, begin, end)
        while start != -1:
            if not any(a < start + length and start < b for _s, a, b in heads):
                found.append((start, start + length))
            start = k.find(text, start + 1, end)
    if not found:
        return []
    # Weighted interval scheduling: keep the labels that cover the most characters.
    found = sorted(set(found), key=lambda iv: (iv[1], iv[0]))
    ends = [iv[1] for iv in found]
    best = [0] * (len(found) + 1)
    take = [False] * len(found)
    for i, (s, e) in enumerate(found):
        j = bisect_right(ends, s, 0, i)
        with_it = best[j] + (e - s)
        take[i] = with_it > best[i]
        best[i + 1] = max(best[i], with_it)
    chosen = []
    i = len(found) - 1
    while i >= 0:
        if take[i]:
            chosen.append(found[i])
            i = bisect_right(ends, found[i][0], 0, i) - 1
        else:
            i -= 1
    return sorted(chosen)


def _candidate(line: Line) -> bool:
    """Long, and not a table row (a tab-separated line of a whole page is not a row)."""
    if len(line.text) < MIN_LENGTH:
        return False
    return not line.structured or (not line.exact and len(line.cells) > MAX_ROW_CELLS)


_NUMBERED = re.compile(r"[一二三四五六][、.．]")
_GLUED_NUMBER = re.compile(r"\d[^\x00-\x7f]")


def _may_be_collapsed(text: str) -> bool:
    """A cheap first look: two numbered headings, or many numbers glued to text."""
    return _at_least(_NUMBERED, text, 2) or _at_least(_GLUED_NUMBER, text, 8)


def _at_least(pattern: re.Pattern, text: str, count: int) -> bool:
    """Whether ``pattern`` occurs ``count`` times in ``text`` (stops looking there)."""
    return sum(1 for _ in itertools.islice(pattern.finditer(text), count)) >= count


def collapsed(line: Line, labels: LabelIndex) -> bool:
    """Whether ``line`` holds several parts of a report run together."""
    if not _candidate(line) or not _may_be_collapsed(line.text):
        return False
    stream = _Stream(line.text)
    if len(_headings(stream)) >= 2:
        return True
    return len(_labels_in(stream, labels, 0, len(stream.key))) >= 4


def _table_state(heads, inside: bool) -> bool:
    """Whether the tables go on after a line with these headings (``inside``: before it)."""
    for section, _a, _b in heads:
        if section in ("proactive", "applications", "appeals"):
            inside = True
        elif section in ("problems", "other_matters", "overview"):
            inside = False
    return inside


def split_line(
    line: Line, labels: LabelIndex, tables: bool = True, inside: bool = False
) -> list[Line]:
    """The lines ``line`` would have had: cut at its headings, labels, title and date.

    ``inside``: the line starts within the tables (a page kept as a few lines breaks
    anywhere); ``tables``: the line plainly holds a table even without section 二.
    """
    text = line.text
    stream = _Stream(text)
    heads = _headings(stream)
    tables = tables or inside
    cuts: set[int] = set()
    for _section, start, end in heads:
        cuts.update((stream.original(start), stream.original(end)))
        if stream.key[end : end + end - start] == stream.key[start:end]:
            cuts.add(stream.original(end + end - start))  # the heading printed twice
    by_section = {s: (a, b) for s, a, b in heads}
    begin = 0 if inside else by_section.get("proactive", (0, 0))[1]
    stop = len(stream.key)
    for later in ("problems", "other_matters"):
        if later in by_section:
            stop = by_section[later][0]
            break
    table_cuts = set()
    anchors = set()
    if "proactive" not in by_section and not tables:
        stop = begin  # a line of narrative: only its headings are cut
    for start, end in _labels_in(stream, labels, begin, stop, heads):
        at = stream.original(start)
        while at > 0 and text[at - 1] in "(（[【":
            at -= 1  # the label's opening bracket: (一)予以公开
        table_cuts.update((at, stream.original(end)))
        anchors.add(at)
    cuts |= table_cuts
    cuts |= _title_cuts(text, heads and stream.original(heads[0][1]))
    cuts |= _date_cuts(text)
    cuts |= _furniture_cuts(text, stream.original(begin), stream.original(stop))
    table_from = len(text) if not tables else 0
    if "proactive" in by_section:
        table_from = stream.original(begin)
    table_to = stream.original(stop)
    bounds = sorted(c for c in cuts | {0, len(text)} if 0 <= c <= len(text))
    out = []
    for a, b in itertools.pairwise(bounds):
        piece = text[a:b]
        if table_from <= a < table_to and a not in anchors:
            piece = _space_numbers(piece)
        piece = piece.strip()
        if piece:
            out.append(Line([piece], f"{line.ref}第{a + 1}字"))
    return out


def _space_numbers(piece: str) -> str:
    """Set numbers apart from the text glued to them; give a label its numbering back."""
    piece = _NUMBERING_AFTER_DIGITS.sub(r" \1", piece)
    piece = _DASH_BEFORE_NUMBERING.sub(r"\1 ", piece)
    return _DIGIT_EDGE.sub(" ", piece)


def _title_cuts(text: str, first_heading: int | None) -> set[int]:
    """Around the title: after ``…年度报告`` (a year before it) and before site furniture."""
    limit = first_heading if first_heading else min(len(text), 400)
    cuts = set()
    for m in _TITLE_END.finditer(text, 0, limit):
        if _YEAR.search(text, max(0, m.start() - 60), m.start()):
            cuts.add(m.end())
            for f in _FURNITURE.finditer(text, m.end(), limit):
                cuts.add(f.start())
            break
    return cuts


def _furniture_cuts(text: str, table_from: int, table_to: int) -> set[int]:
    """Site furniture outside the tables on lines of its own (they are then dropped)."""
    cuts = set()
    for m in _FURNITURE_ITEM.finditer(text):
        if m.end() > m.start() and not table_from < m.start() < table_to:
            cuts.update((m.start(), m.end()))
    return cuts


def _date_cuts(text: str) -> set[int]:
    """The closing date (and the signature before it) on lines of their own."""
    tail = max(0, len(text) - 200)
    dates = list(_DATE.finditer(text, tail))
    if not dates:
        return set()
    m = dates[-1]
    cuts = {m.start(), m.end()}
    stop = max(text.rfind("。", 0, m.start()), text.rfind("；", 0, m.start()))
    if stop != -1 and m.start() - stop <= 40:
        cuts.add(stop + 1)
    return cuts


def _join_broken_numbers(lines: list[Line], flags: list[bool]) -> tuple[list[Line], list[bool]]:
    """Join long lines broken inside a number (``…-5210`` / ``52…``).

    Where a page was kept as a few long lines, the breaks fall anywhere; a break between two
    digits is no separator to trust.  Joined, the digits form one run that the whole-table
    solver cuts (:mod:`.digit_runs`) — where the break really was a separator, that cut is
    among the ones it considers — instead of two numbers that may both be wrong.
    """
    out: list[Line] = []
    out_flags: list[bool] = []
    for line, flag in zip(lines, flags, strict=True):
        prev = out[-1] if out else None
        if (
            prev is not None
            and not prev.structured
            and not line.structured
            and (len(prev.text) >= MIN_LENGTH or len(line.text) >= MIN_LENGTH)
            and re.search(r"\d$", prev.text)
            and re.match(r"\d", line.text)
        ):
            out[-1] = Line([prev.text + line.text], prev.ref)
            out_flags[-1] = out_flags[-1] or flag
            continue
        out.append(line)
        out_flags.append(flag)
    return out, out_flags


def relined(lines: list[Line], labels: LabelIndex) -> list[Line]:
    """``lines`` cut back into the lines they had, when some line is collapsed.

    Then every long line is looked at (a page kept as a few lines breaks anywhere): it is
    cut at its headings, title and date, and at table labels when it holds section 二 or
    plainly holds a table (:func:`collapsed`).
    """
    flags = [collapsed(line, labels) for line in lines]
    if not any(flags):
        return lines
    lines, flags = _join_broken_numbers(lines, flags)
    out: list[Line] = []
    inside = False
    for line, flag in zip(lines, flags, strict=True):
        short_in_tables = inside and not line.structured and len(line.text) > 1
        if not (_candidate(line) or short_in_tables):
            out.append(line)
        else:
            out.extend(split_line(line, labels, tables=flag, inside=inside))
        inside = _table_state(_headings(_Stream(line.text)), inside)
    return out

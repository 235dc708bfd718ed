"""Where the report title breaks, computed once and written into the HTML, DOCX and PDF.

GB/T 9704-2012 7.3.1: a title that needs more than one line breaks so that words stay
whole, the lines are balanced and the block is a trapezoid or a diamond.  Each renderer
used to break the title its own way (the browser and WeasyPrint inside 年度 or inside the
agency's name, Word after the name); now :func:`title_lines` chooses the lines here, from
the title's words (:mod:`reportgen.render.layout_rules`) and their widths measured in the
title font (:mod:`reportgen.render.metrics`), and every format receives explicit breaks.

Choice of lines, in order of importance:

1. as few lines as fit the 版心 width;
2. the agency's name whole (broken only between its units when it cannot fit on a line);
3. balanced lengths: the smallest spread between the longest and the shortest line, and
   never a middle line shorter than both its neighbours (an hourglass is neither a
   trapezoid nor a diamond);
4. ties: the longer line first (an inverted trapezoid, as most published titles are).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from reportgen.render.layout_rules import layout_rules
from reportgen.render.metrics import width_em
from reportgen.render.page_grid import body_grid

_YEAR = re.compile(r"\d{4}年度?")
#: A safety margin (in em) so rounding in a renderer never pushes a word to a new line.
_SLACK = 0.15


@dataclass(frozen=True)
class Word:
    text: str
    agency: bool = False  # part of the agency's name


def agency_units(agency: str, rules: dict) -> list[str]:
    """The agency's name cut after each administrative unit (商丘市 | 工业和信息化局)."""
    ends = sorted(rules.get("unit_ends", []), key=len, reverse=True)
    not_before = rules.get("not_before", {}) or {}
    units, start, i = [], 0, 0
    while i < len(agency):
        end = next((e for e in ends if agency.startswith(e, i)), None)
        if end is None:
            i += 1
            continue
        i += len(end)
        following = agency[i : i + 1]
        if i < len(agency) and following in (not_before.get(end) or []):
            continue
        units.append(agency[start:i])
        start = i
    if start < len(agency):
        units.append(agency[start:])
    return units


def _split_words(text: str, words: list[str]) -> list[str]:
    """Longest-match words, years with 年/年度 whole, anything else one character each."""
    vocabulary = sorted(words, key=len, reverse=True)
    out, i = [], 0
    while i < len(text):
        year = _YEAR.match(text, i)
        if year:
            out.append(year.group())
            i = year.end()
            continue
        word = next((w for w in vocabulary if text.startswith(w, i)), None)
        if word is None:
            run = re.match(r"[0-9A-Za-z]+", text[i:])
            word = run.group() if run else text[i]
        out.append(word)
        i += len(word)
    return out


def title_words(title: str, agency: str, template_dir: str | None = None) -> list[Word]:
    """The title as the words a line may break between."""
    rules = layout_rules(template_dir)["title"]
    words = list(rules.get("words", []))
    result: list[Word] = []
    rest = title
    if agency and title.startswith(agency):
        result = [Word(u, agency=True) for u in agency_units(agency, rules)]
        rest = title[len(agency) :]
    result += [Word(w) for w in _split_words(rest, words)]
    return result


def _fit(words: list[Word], limit: float, measure) -> list[Word]:
    """Words wider than a line split into characters (the only way they can be set)."""
    out = []
    for word in words:
        if measure(word.text) <= limit:
            out.append(word)
        else:
            out += [Word(ch, word.agency) for ch in word.text]
    return out


def _score(lines: list[list[Word]], measure, limit: float):
    widths = [measure("".join(w.text for w in line)) for line in lines]
    if max(widths) > limit:
        return None
    agency_breaks = sum(
        1 for line in lines[:-1] if line[-1].agency and lines[lines.index(line) + 1][0].agency
    )
    hourglass = sum(
        1 for a, b, c in zip(widths, widths[1:], widths[2:], strict=False) if b < a and b < c
    )
    spread = round(max(widths) - min(widths), 3)
    return (agency_breaks, hourglass, spread, [-w for w in widths])


def break_lines(words: list[Word], limit: float, measure, max_lines: int = 4) -> list[list[Word]]:
    """The best lines (see the module docstring) for ``words`` within ``limit`` em."""
    words = _fit(words, limit, measure)
    n = len(words)
    if measure("".join(w.text for w in words)) <= limit or n < 2:
        return [words]
    if n > 40:  # a long custom title: greedy filling, still between words
        lines, line = [], []
        for word in words:
            if line and measure("".join(w.text for w in [*line, word])) > limit:
                lines.append(line)
                line = []
            line.append(word)
        return [*lines, line]
    for count in range(2, max_lines + 1):
        best, best_score = None, None
        for cuts in itertools.combinations(range(1, n), count - 1):
            bounds = (0, *cuts, n)
            lines = [words[a:b] for a, b in itertools.pairwise(bounds)]
            score = _score(lines, measure, limit)
            if score is not None and (best_score is None or score < best_score):
                best, best_score = lines, score
        if best is not None:
            return best
    return break_lines(words, limit, measure, max_lines + 1)


@functools.lru_cache(maxsize=8)
def line_width_em(template_dir: str | Path | None = None) -> float:
    """How many em of the title font fit on a line of the 版心."""
    from reportgen.render.docx_settings import load_docx_settings

    settings = load_docx_settings(template_dir)
    return body_grid(template_dir).type_width_pt / settings.style("title")["size_pt"]


def title_lines(title: str, agency: str, template_dir: str | Path | None = None) -> list[list[str]]:
    """The title's lines, each a list of its words (break opportunities on narrow screens)."""
    key = str(template_dir) if template_dir else None
    return [list(line) for line in _title_lines(title, agency, key)]


@functools.lru_cache(maxsize=256)
def _title_lines(title: str, agency: str, key: str | None) -> tuple[tuple[str, ...], ...]:
    rules = layout_rules(key)["title"]

    def measure(text: str) -> float:
        return width_em(text, "title", key)

    limit = line_width_em(key) - _SLACK
    lines = break_lines(title_words(title, agency, key), limit, measure, rules.get("max_lines", 4))
    return tuple(tuple(w.text for w in line) for line in lines)

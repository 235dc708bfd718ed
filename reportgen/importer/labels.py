"""Recognise the official labels in published text, whatever the agency did to them.

Published reports print the labels of the format with half- or full-width punctuation,
stray spaces, traditional characters (seed 002), small edits (``没有现成信息需另行制作``,
``其他法律法规禁止公开``) and a site's own conversions (``規範性檔案`` for 规范性文件).  A label
is therefore compared on a *key*: traditional characters converted to simplified ones,
NFKC-normalised, with every space and punctuation mark removed.  Keys that are not equal are
compared by similarity; a numbered label (``1.``, ``（三）``, ``四、``) only matches text that
carries the same number, so the column header ``其他`` never passes for the row ``3.其他``.

The labels come from the format definitions (both versions); nothing here spells one.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

from reportgen.definition import Format, Node, formats

#: Numbering in front of a label: ``1.`` ``（三）`` ``四、`` (after NFKC: ``(三)``).
_NUMBER = re.compile(r"^(?:\d+[.、]|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、)")
#: Where a numbered label may start inside a longer run of text (PDF rows carry stray
#: characters of the vertical group label in front of them).
_NUMBER_INSIDE = re.compile(
    r"\d+[.．、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、"
)
_DROP = re.compile(r"[\W_]+", re.UNICODE)

#: Least similarity of two keys for a label to count as found.
THRESHOLD = 0.6


@functools.lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    """Traditional → simplified characters (zhconv), for matching only."""
    import zhconv

    return zhconv.convert(text, "zh-cn")


@functools.lru_cache(maxsize=65536)
def key(text: str) -> str:
    """The comparison key of a label: simplified, NFKC, without spaces and punctuation."""
    text = unicodedata.normalize("NFKC", text)
    if any(ord(ch) > 0x2E7F for ch in text):
        text = simplified(text)
    return _DROP.sub("", text)


def number_of(text: str) -> str:
    """The numbering of a label (``1``, ``三``) or ``""``; read from the NFKC text."""
    m = _NUMBER.match(unicodedata.normalize("NFKC", text).replace(" ", ""))
    return key(m.group(0)) if m else ""


@dataclass(frozen=True)
class Label:
    """One official label and what it stands for in the definition."""

    text: str
    kind: str  # row | column | title | corner | section | header
    table: str | None
    format_ids: tuple[str, ...]
    node: Node | None = None
    section: str | None = None

    @property
    def number(self) -> str:
        return number_of(self.text)

    @property
    def body(self) -> str:
        """The key without its numbering."""
        whole = key(self.text)
        return whole[len(self.number) :] if self.number else whole


@dataclass(frozen=True)
class Match:
    label: Label
    score: float
    text: str

    @property
    def exact(self) -> bool:
        return self.score >= 0.999


class LabelIndex:
    """Every label of both formats, keyed for fast exact lookups and fuzzy matching."""

    def __init__(self, fmts: dict[str, Format]) -> None:
        found: dict[tuple[str, str, str | None, str | None], list[str]] = {}
        nodes: dict[tuple, Node | None] = {}
        sections: dict[tuple, str | None] = {}

        def add(text: str, kind: str, table: str | None, fid: str, node=None, section=None):
            ident = (text, kind, table, node.dotted if node is not None else section)
            found.setdefault(ident, []).append(fid)
            nodes.setdefault(ident, node)
            sections.setdefault(ident, section)

        for fid, fmt in fmts.items():
            for section in fmt.sections:
                add(section.label, "section", None, fid, section=section.key)
            for tkey, table in fmt.tables.items():
                add(table.caption, "caption", tkey, fid)
                for block in table.blocks:
                    if block.title:
                        add(block.title, "title", tkey, fid)
                    if block.corner:
                        add(block.corner, "corner", tkey, fid)
                    if block.row_header:
                        add(block.row_header, "header", tkey, fid)
                    for column in block.columns:
                        for node in column.walk():
                            add(node.label, "column", tkey, fid, node)
                            for variant in node.extra.get("variants", {}).values():
                                for text in variant.values():
                                    add(text, "column", tkey, fid, node)
                    for row in block.rows:
                        for node in row.walk():
                            if not node.label:
                                continue
                            kind = "row" if not node.children else "group"
                            add(node.label, kind, tkey, fid, node)
        self.labels = [
            Label(text, kind, table, tuple(fids), nodes[ident], sections[ident])
            for ident, fids in found.items()
            for (text, kind, table, _) in [ident]
        ]
        self.by_key: dict[str, list[Label]] = {}
        for label in self.labels:
            self.by_key.setdefault(key(label.text), []).append(label)
        self.max_len = max(len(k) for k in self.by_key)
        self.group_keys = tuple(sorted({key(lb.text) for lb in self.labels if lb.kind == "group"}))

    def in_group_label(self, text: str) -> bool:
        """Whether ``text`` is a group label or a piece of one (``（六）``, ``其他处理``, ``理``).

        A PDF prints a group label (a rowspan cell) in its own lines, centred on its rows, so
        its pieces fall between the lines of a row label wrapped in the next cell.
        """
        k = key(text)
        return bool(k) and any(k in group for group in self.group_keys)

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one index per process
    def match(self, text: str) -> Match | None:
        """The label ``text`` stands for, or None.

        Tries the whole text, then each numbered part of it (``（四）无法提供1.本机关…``
        yields the row ``1.本机关不掌握相关政府信息``); the deepest numbered part that
        matches a row wins, since group labels carry no numbers.
        """
        whole = self._match_one(text)
        parts = [m.start() for m in _NUMBER_INSIDE.finditer(text) if m.start() > 0]
        if not parts:
            return whole
        best = whole
        for start in parts:
            found = self._match_one(text[start:])
            if found is None or found.label.kind != "row":
                continue
            if best is None or best.label.kind != "row" or found.score >= best.score:
                best = found
        return best

    def _match_one(self, text: str) -> Match | None:
        k = key(text)
        if not k:
            return None
        exact = self.by_key.get(k)
        if exact:
            return Match(_prefer(exact), 1.0, text)
        if len(k) > self.max_len * 1.5 + 4:
            return None
        number = number_of(text)
        body = k[len(number) :] if number else k
        best: Match | None = None
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(body)
        for lkey, labels in self.by_key.items():
            label = labels[0]
            if label.number != number:
                continue
            matcher.set_seq1(label.body)
            if matcher.real_quick_ratio() < THRESHOLD or matcher.quick_ratio() < THRESHOLD:
                continue
            score = matcher.ratio()
            if score >= THRESHOLD and (best is None or score > best.score):
                best = Match(_prefer(labels), score, text)
            del lkey
        return best


def _prefer(labels: list[Label]) -> Label:
    """Of labels with the same key, rows first (they carry numbers), then the rest."""
    order = {"row": 0, "group": 1, "title": 2, "column": 3}
    return min(labels, key=lambda lb: order.get(lb.kind, 4))


@functools.cache
def index() -> LabelIndex:
    return LabelIndex(formats())

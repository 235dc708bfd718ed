"""Lay out ``--help`` pages written in Chinese: wrap by display width, join lines without spaces.

click's own formatter is made for English: it measures text in characters (a Chinese
character takes two columns, so lines overflow the terminal), breaks only at spaces (a
Chinese sentence has none) and joins the lines of a docstring paragraph with a space, which
puts stray spaces into the middle of Chinese sentences.  :class:`ChineseHelpFormatter`
keeps click's page structure and replaces the text handling:

- the lines of a paragraph are joined with nothing between two Chinese characters and with a
  space where either side is Latin (``用 reportgen init`` keeps its spaces);
- a line may break between any two Chinese characters or at a space, never inside a Latin
  word or option name, never before closing punctuation (，。、）」…) nor after an opening
  one (（「…);
- widths count a Chinese character as two columns.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator

import click

#: may not start a line (closing punctuation and the like)
NO_LINE_START = frozenset("，。、；：？！）」』》〉】〕…—,.;:?!)]}%")
#: may not end a line (opening punctuation)
NO_LINE_END = frozenset("（「『《〈【〔([{")


def is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (ANSI styles not counted)."""
    text = click.unstyle(text)
    return sum(2 if is_wide(c) else 0 if unicodedata.combining(c) else 1 for c in text if c != "\b")


def is_wide_punctuation(char: str) -> bool:
    return is_wide(char) and unicodedata.category(char).startswith("P")


def join_lines(lines: Iterable[str]) -> str:
    """Join the lines of one paragraph without the spaces Chinese does not put between words.

    Nothing goes between two Chinese characters nor next to full-width punctuation; a space
    goes where Latin text meets Latin or Chinese text (``用 reportgen init 生成``).
    """
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and not (
            (is_wide(out[-1]) and is_wide(line[0]))
            or is_wide_punctuation(out[-1])
            or is_wide_punctuation(line[0])
        ):
            out += " "
        out += line
    return out


def _units(text: str) -> list[str]:
    """Unbreakable pieces: each wide character, each run of Latin text, each space."""
    units: list[str] = []
    word = ""
    for char in text:
        if char == " " or is_wide(char):
            if word:
                units.append(word)
                word = ""
            units.append(char)
        else:
            word += char
    if word:
        units.append(word)
    return units


def _can_break(before: str, after: str) -> bool:
    if after == " " or before == " ":
        return True
    if after[0] in NO_LINE_START or before[-1] in NO_LINE_END:
        return False
    return is_wide(before[-1]) or is_wide(after[0])


def wrap_paragraph(
    text: str, width: int, initial_indent: str = "", subsequent_indent: str = ""
) -> list[str]:
    """Greedy line filling of one paragraph by display width."""
    lines: list[str] = []
    indent = initial_indent
    line: list[str] = []
    for unit in _units(text):
        if not line and unit == " ":
            continue
        line.append(unit)
        if len(line) < 2 or display_width(indent + "".join(line).rstrip()) <= width:
            continue
        breaks = [k for k in range(1, len(line)) if _can_break(line[k - 1], line[k])]
        fitting = [k for k in breaks if display_width(indent + "".join(line[:k]).rstrip()) <= width]
        if not breaks:
            continue  # one long Latin word: let it overflow rather than cut it
        cut = fitting[-1] if fitting else breaks[0]
        lines.append((indent + "".join(line[:cut])).rstrip())
        line = line[cut:]
        while line and line[0] == " ":
            line.pop(0)
        indent = subsequent_indent
    if line or not lines:
        lines.append((indent + "".join(line)).rstrip())
    return lines


def wrap_text(
    text: str,
    width: int = 78,
    initial_indent: str = "",
    subsequent_indent: str = "",
    preserve_paragraphs: bool = False,
) -> str:
    """click's :func:`click.formatting.wrap_text` for Chinese text (same ``\\b`` blocks)."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return "\n".join(
            wrap_paragraph(join_lines(text.splitlines()), width, initial_indent, subsequent_indent)
        )
    out = []
    for indent, raw, lines in _paragraphs(text):
        pad = " " * indent
        if raw:
            out.append("\n".join((initial_indent + pad + line).rstrip() for line in lines))
        else:
            out.append(
                "\n".join(
                    wrap_paragraph(
                        join_lines(lines), width, initial_indent + pad, subsequent_indent + pad
                    )
                )
            )
    return "\n\n".join(out)


def _paragraphs(text: str) -> Iterator[tuple[int, bool, list[str]]]:
    """(indent, keep as written, lines) per paragraph; a ``\\b`` line keeps its block as is."""
    block: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            first = block[0]
            if first.strip() == "\b":
                yield 0, True, block[1:]
            else:
                indent = len(first) - len(first.lstrip())
                yield indent, False, [x.strip() for x in block]
            block = []


class ChineseHelpFormatter(click.HelpFormatter):
    """click's help page, laid out for Chinese text (see the module docstring)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            from reportgen.cli_chinese import catalogue

            prefix = catalogue().gettext("Usage:")
        head = f"{'':>{self.current_indent}}{prefix}{prog}"
        if not args:
            self.write(head + "\n")
            return
        hang = " " * (self.current_indent + display_width(prefix) + 2)
        text = head + " " + args
        self.write("\n".join(wrap_paragraph(text, self.width, "", hang)) + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap_text(text, self.width, indent, indent, preserve_paragraphs=True))
        self.write("\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = [(first, second) for first, second in rows]
        if not rows:
            return
        first_col = min(max(display_width(first) for first, _ in rows), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - self.current_indent, 20)
            lines = wrap_text(second, text_width, preserve_paragraphs=True).splitlines()
            pad = " " * (first_col + self.current_indent)
            self.write((lines[0] if lines else "") + "\n")
            for line in lines[1:]:
                self.write((pad + line).rstrip() + "\n")

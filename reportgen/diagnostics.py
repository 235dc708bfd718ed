"""Print problems for people (coloured on a terminal) or for scripts (``--json``)."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from reportgen.errors import Problem, indent_block


def _console(stream: TextIO):
    """A rich console on a terminal; None for pipes and files (plain, fast, no escapes)."""
    if not stream.isatty():
        return None
    from rich.console import Console

    return Console(file=stream, highlight=False, soft_wrap=True)


def print_problems(problems: list[Problem], stream: TextIO | None = None) -> None:
    """Each problem, its line of the file when known, its hint; what follows from a problem
    (:attr:`Problem.cause`) is printed under it rather than in line order."""
    stream = stream or sys.stdout
    console = _console(stream)
    listed = {id(p) for p in problems}
    following: dict[int, list[Problem]] = {}
    for p in problems:
        if p.cause is not None and id(p.cause) in listed:
            following.setdefault(id(p.cause), []).append(p)
    for p in problems:
        if p.cause is not None and id(p.cause) in listed:
            continue
        _print_one(p, stream, console, "")
        if id(p) in following:
            _write(stream, console, "    由此引起（先改上面这一处，再检查一次）：", "dim")
            for c in following[id(p)]:
                _print_one(c, stream, console, "      ", hint=False)


def _write(stream: TextIO, console: Any, text: str, style: str | None = None) -> None:
    if console is None:
        stream.write(text + "\n")
    else:
        from rich.text import Text

        console.print(Text(text, style=style or ""))


def _print_one(p: Problem, stream: TextIO, console: Any, indent: str, hint: bool = True) -> None:
    if console is None:
        stream.write(indent + p.format() + "\n")
    else:
        from rich.text import Text

        colour = "red" if p.is_error else "yellow"
        line = Text(indent)
        line.append(p.location + ": ", style="bold")
        kind = "错误" if p.is_error else "警告（已说明）" if p.acknowledged else "警告"
        line.append(f"{kind} {p.rule} ", style="dim" if p.acknowledged else f"bold {colour}")
        line.append(p.message)
        console.print(line)
    if p.excerpt:
        _write(stream, console, indent_block(p.excerpt, indent + "    "), "cyan")
    if p.acknowledged:
        _write(stream, console, f"{indent}    说明：{p.acknowledged}", "dim")
    elif p.hint and hint:
        _write(stream, console, f"{indent}    提示：{p.hint}", "dim")


def print_summary(
    files: int, errors: int, warnings: int, stream: TextIO | None = None, explained: int = 0
) -> None:
    stream = stream or sys.stdout
    if explained:
        warnings_text = f"{warnings} 个警告（其中 {explained} 个已说明）"
    else:
        warnings_text = f"{warnings} 个警告"
    if errors:
        text = f"{files} 个文件：{errors} 个错误，{warnings_text}"
    elif warnings:
        text = f"{files} 个文件通过检查，有 {warnings_text}"
    else:
        text = f"{files} 个文件通过检查"
    console = _console(stream)
    if console is None:
        stream.write(text + "\n")
    else:
        console.print(text, style="bold red" if errors else "bold green")


def dump_json(data: Any, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    json.dump(data, stream, ensure_ascii=False, indent=2, default=str)
    stream.write("\n")

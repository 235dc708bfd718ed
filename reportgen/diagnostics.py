"""Print problems for people (coloured on a terminal) or for scripts (``--json``)."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from reportgen.errors import Problem


def _console(stream: TextIO):
    """A rich console on a terminal; None for pipes and files (plain, fast, no escapes)."""
    if not stream.isatty():
        return None
    from rich.console import Console

    return Console(file=stream, highlight=False, soft_wrap=True)


def print_problems(problems: list[Problem], stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    console = _console(stream)
    for p in problems:
        if console is None:
            stream.write(p.format() + "\n")
            if p.acknowledged:
                stream.write(f"    说明：{p.acknowledged}\n")
            elif p.hint:
                stream.write(f"    提示：{p.hint}\n")
            continue
        from rich.markup import escape
        from rich.text import Text

        colour = "red" if p.is_error else "yellow"
        line = Text()
        line.append(p.location + ": ", style="bold")
        kind = "错误" if p.is_error else "警告（已说明）" if p.acknowledged else "警告"
        line.append(f"{kind} {p.rule} ", style="dim" if p.acknowledged else f"bold {colour}")
        line.append(p.message)
        console.print(line)
        if p.acknowledged:
            console.print(f"    [dim]说明：{escape(p.acknowledged)}[/dim]")
        elif p.hint:
            console.print(f"    [dim]提示：{escape(p.hint)}[/dim]")


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

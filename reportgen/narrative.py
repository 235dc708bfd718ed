"""The free-text sections: table placeholders and locating text in the YAML.

A section may cite table cells as ``{{ applications.new_received.total }}`` so that a number
in the text can never disagree with the table.  Placeholders are checked against the cells
the format defines (with the line they are on, and a suggestion for a misspelt name) and
rendered in a sandboxed Jinja environment, so a report file can never run code.
"""

from __future__ import annotations

import difflib
import functools
from typing import Any

from reportgen.errors import ERROR, Problem
from reportgen.source import Mark, Source


def has_placeholders(text: str) -> bool:
    return "{{" in text or "{%" in text


@functools.cache
def _environment():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


def text_mark(
    source: Source | None, path: tuple, offset_line: int = 0, offset_column: int = 0
) -> Mark | None:
    """The mark of line ``offset_line``, character ``offset_column`` (0-based) of a text.

    Only block texts (``|``) map line for line onto the file; a one-line text is located
    at its start.
    """
    if source is None:
        return None
    start = source.text_starts.get(path)
    if start is None:
        return source.mark(path)
    line = start.line + offset_line
    lines = source.text.split("\n", line)
    indent = 0
    if len(lines) >= line:
        raw = lines[line - 1]
        indent = len(raw) - len(raw.lstrip(" "))
    return Mark(line, indent + offset_column + 1)


def check_placeholders(
    text: str, context: dict[str, Any], path: tuple, source: Source | None, label: str
) -> list[Problem]:
    """Every placeholder must name a cell (or year/agency); report the ones that do not."""
    from jinja2 import TemplateSyntaxError, nodes

    env = _environment()
    name = source.name if source else None
    try:
        tree = env.parse(text)
    except TemplateSyntaxError as exc:
        mark = text_mark(source, path, (exc.lineno or 1) - 1)
        return [
            _problem(
                name,
                mark,
                f"「{label}」中的占位符写法有误：{exc.message}",
                "占位符的写法是 {{ applications.new_received.total }}。",
            )
        ]
    # Only the outermost name of each chain (a.b.c, not its inner a.b and a).
    inner = {id(n.node) for n in tree.find_all((nodes.Getattr, nodes.Getitem))}
    problems = []
    for node in tree.find_all((nodes.Getattr, nodes.Name, nodes.Getitem)):
        if id(node) in inner:
            continue
        chain = _chain(node)
        if chain is None:
            continue
        scope: Any = context
        for i, part in enumerate(chain):
            if isinstance(scope, dict) and part in scope:
                scope = scope[part]
                continue
            options = list(scope) if isinstance(scope, dict) else []
            guess = difflib.get_close_matches(part, options, n=1)
            hint = (
                f"是不是「{'.'.join([*chain[:i], guess[0]])}」？"
                if guess
                else "可引用的名称见 README 中“正文中引用表格数字”一节。"
            )
            mark = text_mark(source, path, node.lineno - 1)
            problems.append(
                _problem(name, mark, f"「{label}」引用了不存在的数据「{'.'.join(chain)}」", hint)
            )
            break
    return problems


def _chain(node) -> list[str] | None:
    from jinja2 import nodes

    parts: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            parts.append(str(node.arg.value))
            node = node.node
        elif isinstance(node, nodes.Name):
            parts.append(node.name)
            return list(reversed(parts))
        else:
            return None


def render_text(text: str, context: dict[str, Any]) -> str:
    """Replace placeholders by their values (the text must have passed the check)."""
    if not has_placeholders(text):
        return text
    return _environment().from_string(text).render(context)


def strip_placeholders(text: str) -> str:
    """Text without its placeholders, so the number check looks only at literal numbers."""
    import re

    return re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", text, flags=re.S)


def _problem(file: str | None, mark: Mark | None, message: str, hint: str) -> Problem:
    return Problem(
        severity=ERROR,
        rule="P-1",
        message=message,
        file=file,
        line=mark.line if mark else None,
        column=mark.column if mark else None,
        hint=hint,
    )

"""The free-text sections: table placeholders and locating text in the YAML.

A section may cite table cells as ``{{ applications.new_received.total }}`` so that a number
in the text can never disagree with the table.  Placeholders are checked against the cells
the format defines (with the line they are on, and a suggestion for a misspelt name) and
filled in by :func:`render_text` itself: Jinja only parses the text, and only citations
(names of cells, a few formatting filters) are accepted, so a report file can never run
code, loop, or grow without bound.
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


#: Filters a citation may use: what printing a figure needs, nothing that computes.
FILTERS = {"abs": 0, "int": 0, "round": 1}
#: A literal inside a placeholder (``{{ "{{" }}`` to print braces) is at most this long.
MAX_LITERAL = 100

_CITE_HINT = "正文中只能用 {{ applications.new_received.total }} 这样的写法引用表格数字。"


class Refused(Exception):
    """A placeholder that is not a citation; ``lineno`` is its line in the text."""

    def __init__(self, message: str, lineno: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.lineno = lineno
        self.hint = hint


def _parse(text: str):
    """The Jinja syntax tree of a text, or :class:`Refused` (syntax, nesting, huge numbers)."""
    from jinja2 import TemplateSyntaxError

    try:
        return _environment().parse(text)
    except TemplateSyntaxError as exc:
        raise Refused(f"中的占位符写法有误：{exc.message}", exc.lineno or 1, _CITE_HINT) from None
    except (RecursionError, MemoryError, ValueError, OverflowError):
        raise Refused("中的占位符写法有误：嵌套过深或数字过长", 1, _CITE_HINT) from None


def _citations(tree) -> list:
    """Every expression of the text, refusing statements ({% for %}, {% set %} …)."""
    from jinja2 import nodes

    found = []
    for node in tree.body:
        if not isinstance(node, nodes.Output):
            message = "中不能使用 {% … %} 语句（正文是数据，不是程序）"
            raise Refused(message, node.lineno, _CITE_HINT)
        for child in node.nodes:
            if not isinstance(child, nodes.TemplateData):
                found.append(child)
    return found


def _filter_ok(node) -> bool:
    from jinja2 import nodes

    allowed = FILTERS.get(node.name)
    args = node.args or []
    if allowed is None or len(args) > allowed or node.kwargs or node.dyn_args or node.dyn_kwargs:
        return False
    return all(
        isinstance(a, nodes.Const) and type(a.value) is int and 0 <= a.value <= 6 for a in args
    )


def _cited(node) -> tuple[Any, list[str] | None]:
    """The cited node of an allowed expression and its cell chain (None: a short literal)."""
    from jinja2 import nodes

    if isinstance(node, nodes.Filter):
        if not _filter_ok(node):
            raise Refused(
                f"中不能使用过滤器「{node.name}」或这样的参数",
                node.lineno,
                f"可用的过滤器：{'、'.join(FILTERS)}（round 可带 0 到 6 的位数）。",
            )
        if node.node is None:
            raise Refused("中的过滤器前缺少要引用的数据", node.lineno, _CITE_HINT)
        return _cited(node.node)
    if isinstance(node, nodes.Const):
        value = node.value
        if type(value) in (str, int) and len(str(value)) <= MAX_LITERAL:
            return node, None
    chain = _chain(node)
    if chain is None:
        raise Refused("中的占位符只能写表格数据的名称，不能计算或调用", node.lineno, _CITE_HINT)
    return node, chain


def _lookup(context: dict[str, Any], chain: list[str], lineno: int) -> Any:
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
        raise Refused(f"引用了不存在的数据「{'.'.join(chain)}」", lineno, hint)
    if isinstance(scope, dict):
        example = ".".join([*chain, next(iter(scope), "total")])
        raise Refused(
            f"引用的「{'.'.join(chain)}」是一组数据，不是一个数字",
            lineno,
            f"请引用到单元格，例如 {example}。",
        )
    return scope


def check_placeholders(
    text: str, context: dict[str, Any], path: tuple, source: Source | None, label: str
) -> list[Problem]:
    """Every placeholder must cite a cell (or year/agency); report the ones that do not.

    The narrative is data: a placeholder names a cell, perhaps through one of
    :data:`FILTERS`; statements, arithmetic, calls and attribute tricks are refused here,
    so ``build`` never meets a placeholder it cannot fill.
    """
    name = source.name if source else None
    try:
        expressions = _citations(_parse(text))
    except Refused as exc:
        return [_located(name, source, path, label, exc)]
    problems = []
    for expression in expressions:
        try:
            node, chain = _cited(expression)
            if chain is not None:
                _lookup(context, chain, node.lineno)
        except Refused as exc:
            problems.append(_located(name, source, path, label, exc))
    return problems


def _located(name: str | None, source: Source | None, path: tuple, label: str, exc: Refused):
    mark = text_mark(source, path, exc.lineno - 1)
    return _problem(name, mark, f"「{label}」{exc.message}", exc.hint or _CITE_HINT)


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
    """Replace placeholders by their values.

    A text with a placeholder ``check`` refuses is kept as written (only ``--draft`` renders
    such a report), so rendering is bounded by the text: no loop, no arithmetic.
    """
    if not has_placeholders(text):
        return text
    from jinja2 import nodes

    try:
        tree = _parse(text)
        _citations(tree)
        parts = []
        for output in tree.body:
            for child in output.nodes:
                if isinstance(child, nodes.TemplateData):
                    parts.append(child.data)
                else:
                    parts.append(_value(child, context))
    except Refused:
        return text
    return "".join(parts)


def _value(expression, context: dict[str, Any]) -> str:
    from jinja2 import nodes

    filters = []
    node = expression
    while isinstance(node, nodes.Filter):
        filters.append(node)
        node = node.node
    target, chain = _cited(expression)
    value = target.value if chain is None else _lookup(context, chain, target.lineno)
    for f in reversed(filters):
        value = _apply(f.name, value, [a.value for a in f.args or []])
    return "" if value is None else str(value)


def _apply(name: str, value: Any, args: list[int]) -> Any:
    from decimal import Decimal

    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return value
    if name == "abs":
        return abs(value)
    if name == "int":
        return int(value)
    if isinstance(value, int):
        return value
    digits = args[0] if args else 0
    rounded = value.quantize(Decimal(1).scaleb(-digits))
    return int(rounded) if digits == 0 else rounded


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

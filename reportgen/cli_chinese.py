"""Make click speak Chinese: its messages, its help layout and the names of value types.

click marks every message it prints (``Usage:``, ``Options:``, ``Error: …``, ``No such
command …``, ``… is a directory.``) for translation with :mod:`gettext`, each of its modules
calling ``gettext.gettext`` as ``_``.  Left alone, that looks up the process-wide default
domain in the locale the environment names, which on a clerk's machine is anything from
unset (Windows) to ``C`` or ``en_US``; reportgen's users read Chinese whatever the locale,
so :func:`install` binds those calls to the catalogue reportgen ships
(``reportgen/locale/zh_CN/LC_MESSAGES/click.po``, compiled by :mod:`reportgen.catalogue`).

A few English words in click's output are not messages but data: the value-type names used
as metavars and in errors (``INTEGER RANGE``, ``'x' is not a valid integer``), the range
description (``x>=1``), ``[OPTIONS]`` and ``COMMAND [ARGS]...``.  :func:`localise` sets
those through click's public attributes (``metavar``, ``options_metavar``, the parameter's
type) on each command when the group hands it out, so commands added later need nothing.
"""

from __future__ import annotations

import copy
import functools
import gettext
import importlib

import click

from reportgen.catalogue import LOCALE_DIR
from reportgen.help_format import ChineseHelpFormatter

#: click's modules that print messages (each imported ``gettext``/``ngettext`` itself)
_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.types",
    "click.utils",
    "click.termui",
    "click.shell_completion",
)

OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."


@functools.cache
def catalogue() -> gettext.GNUTranslations:
    """The Chinese messages for click."""
    with open(LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "click.mo", "rb") as fh:
        return gettext.GNUTranslations(fh)


def install() -> None:
    """Route click's gettext calls to reportgen's Chinese catalogue."""
    messages = catalogue()
    for name in _CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = messages.gettext
        if hasattr(module, "ngettext"):
            module.ngettext = messages.ngettext


class ChineseContext(click.Context):
    """A context whose help pages are laid out for Chinese text."""

    formatter_class = ChineseHelpFormatter


# ---------------------------------------------------------------------- value types


class _ChineseRange:
    """Describe a number range in words: 不小于 1, 不大于 9, 1 到 9 之间."""

    def _describe_range(self) -> str:
        low, high = self.min, self.max  # type: ignore[attr-defined]
        low_word = "大于" if self.min_open else "不小于"  # type: ignore[attr-defined]
        high_word = "小于" if self.max_open else "不大于"  # type: ignore[attr-defined]
        if low is None:
            return f"{high_word} {high}"
        if high is None:
            return f"{low_word} {low}"
        if not (self.min_open or self.max_open):  # type: ignore[attr-defined]
            return f"{low} 到 {high} 之间"
        return f"{low_word} {low}，{high_word} {high}"


class ChineseIntRange(_ChineseRange, click.IntRange):
    name = "整数"


class ChineseFloatRange(_ChineseRange, click.FloatRange):
    name = "数字"


#: value type -> its name in messages (「abc」不是整数。) and as a metavar
TYPE_NAMES = (
    (click.types.BoolParamType, "是或否"),
    (click.types.IntParamType, "整数"),
    (click.types.FloatParamType, "数字"),
    (click.types.UUIDParameterType, "编号"),
    (click.types.DateTime, "日期"),
    (click.File, "文件"),
    (click.types.StringParamType, "文字"),
)


def path_name(kind: click.Path) -> str:
    if kind.file_okay and not kind.dir_okay:
        return "文件"
    if kind.dir_okay and not kind.file_okay:
        return "文件夹"
    return "路径"


def chinese_type(kind: click.ParamType) -> click.ParamType:
    """The same value type, named in Chinese (a copy: click's types are shared singletons)."""
    if isinstance(kind, (click.IntRange, click.FloatRange)) and not isinstance(kind, _ChineseRange):
        cls = ChineseIntRange if isinstance(kind, click.IntRange) else ChineseFloatRange
        return cls(kind.min, kind.max, kind.min_open, kind.max_open, kind.clamp)
    if isinstance(kind, click.Path):
        kind.name = path_name(kind)
        return kind
    for cls, name in TYPE_NAMES:
        if isinstance(kind, cls):
            if kind.name != name:
                kind = copy.copy(kind)
                kind.name = name
            return kind
    return kind


def _metavar(param: click.Parameter) -> str | None:
    """A Chinese metavar for a parameter that has none (None where click needs none).

    A metavar that is set is printed as is, so the marks click adds to the names it makes
    up are added here: ``[…]`` for an optional argument, ``...`` for several values.
    """
    if isinstance(param, click.Option) and (param.is_flag or param.count):
        return None
    if isinstance(param.type, click.Choice):
        return None  # click lists the choices: [html|docx|pdf]
    name = param.type.name
    if isinstance(param, click.Argument) and not param.required:
        name = f"[{name}]"
    if param.nargs != 1:
        name += "..."
    return name


def localise(command: click.Command) -> click.Command:
    """Chinese metavars, type names and help layout for one command (and its subcommands)."""
    if getattr(command, "_reportgen_chinese", False):
        return command
    command.context_class = ChineseContext
    command.options_metavar = OPTIONS_METAVAR
    if isinstance(command, click.Group):
        command.subcommand_metavar = SUBCOMMAND_METAVAR
        for sub in command.commands.values():
            localise(sub)
    for param in command.params:
        param.type = chinese_type(param.type)
        if param.metavar is None:
            param.metavar = _metavar(param)
    command._reportgen_chinese = True  # type: ignore[attr-defined]
    return command

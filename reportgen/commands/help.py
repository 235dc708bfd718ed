"""``reportgen help [命令]``, and what ``reportgen`` alone prints: where to start.

A clerk who types ``reportgen`` and nothing else wants to know what to do first, not a list
of options; ``reportgen help build`` is what people try before ``reportgen build --help``.
"""

from __future__ import annotations

import difflib

import click

from reportgen.errors import InputError

FIRST_STEPS = """\
reportgen：填写、检查并排版政府信息公开工作年度报告。

第一次使用，从这里开始：
  reportgen new                       按提示逐项填写，保存为 report.yaml
  reportgen build report.yaml         生成 report.pdf（以及 .docx、.html）

去年用过 reportgen：
  reportgen new --previous 去年.yaml  预填机关名称和上年结转
改已有的报告：
  reportgen edit report.yaml

全部命令：reportgen help        某个命令的说明：reportgen help build"""


def first_steps() -> str:
    return FIRST_STEPS


@click.command("help")
@click.argument("names", nargs=-1, metavar="[命令]")
@click.pass_context
def help_command(ctx: click.Context, names: tuple[str, ...]) -> None:
    """显示全部命令，或某个命令的用法，例如 reportgen help build。"""
    group = ctx.parent.command if ctx.parent else ctx.command
    parent = ctx.parent or ctx
    if not names:
        click.echo(group.get_help(parent))
        return
    name = names[0]
    command = group.get_command(parent, name) if isinstance(group, click.Group) else None
    if command is None:
        known = group.list_commands(parent) if isinstance(group, click.Group) else []
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"是不是「{close[0]}」？" if close else "全部命令：reportgen help"
        raise InputError(f"没有「{name}」这个命令", hint=hint)
    sub = command.context_class(command, info_name=name, parent=parent)
    click.echo(command.get_help(sub))

"""``reportgen new`` and ``reportgen edit``: the interactive wizard.

Both need a terminal.  Without one (piped input, CI) they stop at once with exit code 2 and
point to the YAML route, rather than failing inside prompt_toolkit.
"""

from __future__ import annotations

import sys

import click

from reportgen.errors import EXIT_USAGE, InputError, ReportgenError

NO_TERMINAL_HINT = (
    "没有终端时（管道、CI）请直接编辑报告文件：reportgen init --year 2024 -o report.yaml "
    "生成带中文注释的模板，填好后用 reportgen check report.yaml 检查。"
)


def require_terminal() -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InputError("向导需要在终端中运行（标准输入或输出不是终端）", hint=NO_TERMINAL_HINT)


def _open(setup):
    """Build the session; an unusable previous report is listed problem by problem."""
    from reportgen.diagnostics import print_problems

    try:
        return setup()
    except ReportgenError as exc:
        problems = getattr(exc, "problems", None)
        if problems:
            click.echo(f"{exc.file or '文件'} 无法使用：", err=True)
            print_problems(problems, sys.stderr)
            raise SystemExit(EXIT_USAGE) from None
        raise


@click.command("new")
@click.option(
    "-o",
    "--output",
    default="report.yaml",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="要写出的报告文件。",
)
@click.option(
    "--previous",
    "-p",
    type=click.Path(exists=True, dir_okay=False),
    help="上一年度的报告文件：预填机关名称、上年结转和现行有效的文件数等。",
)
@click.option(
    "--resume",
    type=click.Path(exists=True, dir_okay=False),
    help="从中断时保存的草稿（报告文件名.draft）接着填写。",
)
def new_command(output: str, previous: str | None, resume: str | None) -> None:
    """交互式向导：逐项填写年度报告，检查勾稽关系，写出带中文注释的报告文件。

    随时可按 Ctrl-C 中断：已填写的内容保存在草稿里，用 --resume 接着填。
    """
    require_terminal()
    from reportgen.wizard.flow import new_session, run_session
    from reportgen.wizard.prompts import Prompter

    prompter = Prompter()
    wizard = _open(lambda: new_session(prompter, output, previous, resume))
    raise SystemExit(run_session(wizard))


@click.command("edit")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--previous",
    "-p",
    type=click.Path(exists=True, dir_okay=False),
    help="上一年度的报告文件，用于跨年检查和预填。",
)
@click.option("--table", "-t", "table", help="直接修改这张表，如「三」或「表三」。")
@click.option(
    "--row",
    "-r",
    "row",
    help="直接修改这一行（写行名的开头即可，如「一」「（二）」「国家秘密」）。",
)
@click.option("--column", "-c", "column", help="只改这一行中的一格（列名，如「自然人」）。")
@click.option("--section", "-s", "section", help="直接修改这一部分正文，如「一」「五」「六」。")
def edit_command(
    file: str,
    previous: str | None,
    table: str | None = None,
    row: str | None = None,
    column: str | None = None,
    section: str | None = None,
) -> None:
    """用向导修改已有的报告文件：先显示检查结果，再按部分修改，现有内容作为默认值。

    \b
    直接跳到要改的地方：
      reportgen edit 报告.yaml --table 三              选择表三的一行
      reportgen edit 报告.yaml --table 三 --row 一     改表三第一行
      reportgen edit 报告.yaml -t 三 -r 一 -c 自然人    只改一格
      reportgen edit 报告.yaml --section 五            改第五部分正文
    没有修改就结束时，原文件保持不变，也不留草稿。
    """
    require_terminal()
    from reportgen.wizard.flow import edit_session, run_session
    from reportgen.wizard.prompts import Prompter

    prompter = Prompter()
    target = {"table": table, "row": row, "column": column, "section": section}
    wizard = _open(lambda: edit_session(prompter, file, previous, target))
    raise SystemExit(run_session(wizard))


__all__ = ["EXIT_USAGE", "edit_command", "new_command"]

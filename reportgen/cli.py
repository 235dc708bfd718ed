"""The ``reportgen`` command line: argument parsing and exit codes only.

Each command lives in ``reportgen/commands/<name>.py`` and is imported only when it runs,
so ``reportgen check`` never pays for the renderers (WeasyPrint takes most of a second to
import).  Errors meant for users (:class:`~reportgen.errors.ReportgenError`) are printed
as messages with their location and hint, never as tracebacks.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys

import click

from reportgen import cli_chinese
from reportgen.errors import EXIT_USAGE, ReportgenError

cli_chinese.install()

#: command name -> (module, short help).  The help is here so ``--help`` imports nothing.
COMMANDS = {
    "check": ("reportgen.commands.check", "检查报告文件的勾稽关系和填写错误"),
    "build": ("reportgen.commands.build", "生成 HTML、DOCX、PDF 格式的年度报告"),
    "new": ("reportgen.commands.new", "交互式向导：逐项填写新的年度报告"),
    "edit": ("reportgen.commands.new", "用向导修改已有的报告文件"),
    "init": ("reportgen.commands.init", "生成一份带注释的空白报告文件"),
    "import": ("reportgen.commands.import_", "把已发布的报告（文本、HTML、DOCX、PDF）转成报告文件"),
    "export": ("reportgen.commands.export", "把报告的表二、表三、表四导出为 Excel 工作簿"),
    "schema": ("reportgen.commands.schema", "输出报告文件的 JSON Schema（供编辑器补全和校验）"),
    "doctor": ("reportgen.commands.doctor", "检查 PDF 所需的字体和系统库"),
    "audit": ("reportgen.commands.audit", "审核多份报告：问题总览（HTML、XLSX、CSV、JSON）"),
    "aggregate": ("reportgen.commands.aggregate", "把各成员单位的报告逐格相加，生成本级汇总报告"),
    "serve": ("reportgen.commands.serve", "在浏览器中按官方表格填写报告（本机网页）"),
    "help": ("reportgen.commands.help", "显示全部命令或某个命令的用法"),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (help in Chinese, see cli_chinese)."""

    context_class = cli_chinese.ChineseContext

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[name][0])
        return cli_chinese.localise(getattr(module, name.replace("-", "_") + "_command"))

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0] if args else ""
        if name and name not in COMMANDS and not name.startswith("-"):
            import difflib

            close = difflib.get_close_matches(name, list(COMMANDS), n=1)
            guess = f"是不是「{close[0]}」？" if close else "全部命令：reportgen help"
            ctx.fail(f"没有「{name}」这个命令。{guess}")
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("命令"):
            formatter.write_dl([(name, help_) for name, (_, help_) in COMMANDS.items()])


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    options_metavar=cli_chinese.OPTIONS_METAVAR,
    subcommand_metavar=cli_chinese.SUBCOMMAND_METAVAR,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="reportgen")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """reportgen：政府信息公开工作年度报告的填写、检查与排版。

    \b
    reportgen init -o report.yaml     生成空白报告文件
    reportgen new                     交互式向导
    reportgen check report.yaml       检查勾稽关系
    reportgen build report.yaml       生成 HTML、DOCX、PDF
    """
    if ctx.invoked_subcommand is None:
        from reportgen.commands.help import first_steps

        click.echo(first_steps())


def _terminated(signum, frame) -> None:
    """``kill`` (SIGTERM): unwind like Ctrl-C, so temporaries and workers are cleaned up."""
    raise SystemExit(128 + signum)


def _interrupted(signum, frame) -> None:
    """Ctrl-C: one KeyboardInterrupt only.  Terminals and process groups may deliver it
    more than once; a second one while the first is being cleaned up would end the
    process by the signal instead of exit 130."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI and map user-facing errors to exit codes."""
    # pydantic scans every installed distribution for plugins on first use (~20 ms of a
    # 0.25 s check); the command line uses none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if argv is None:
        signal.signal(signal.SIGTERM, _terminated)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _interrupted)
    try:
        code = cli.main(args=argv, prog_name="reportgen", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("已中止。", err=True)
        code = 130
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except ReportgenError as exc:
        click.echo(click.style("错误：", fg="red", bold=True) + str(exc), err=True)
        code = exc.exit_code
    except BrokenPipeError:
        code = 0
    except KeyboardInterrupt:
        click.echo("\n已中止。", err=True)
        code = 130
    # the work is done (or stopped): a late Ctrl-C must not turn the exit into a signal death
    if argv is None:  # the process's own command line, not a call from Python code
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if code == 130:
            _exit_interrupted()
    sys.exit(code if isinstance(code, int) else 0)


def _exit_interrupted() -> None:
    """Exit 130 after a handled Ctrl-C, bypassing the interpreter's own exit.

    When the interrupt landed inside code run from a string (``dataclasses`` and
    ``collections.namedtuple`` build their methods with ``exec`` while modules load),
    CPython remembers an "unhandled" KeyboardInterrupt even though it was caught here, and
    after finalising re-raises SIGINT on itself, so the shell sees a signal death instead of
    130.  Everything the command started is already cleaned up (temporaries removed in
    ``finally`` blocks, worker pools stopped); only the streams need flushing.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()

__all__ = ["EXIT_USAGE", "cli", "main"]

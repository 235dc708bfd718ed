"""``reportgen audit``: check many members' reports at once and write an overview."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from reportgen.errors import EXIT_INVALID, EXIT_OK, EXIT_USAGE, InputError


@click.command("audit")
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option(
    "-o",
    "--output",
    "outdir",
    default="audit",
    show_default=True,
    type=click.Path(file_okay=False),
    help="输出文件夹：audit.html、audit.xlsx、audit.csv、audit.json 和每份报告的问题清单。",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="并行处理的进程数（默认为 CPU 核数；1 表示在本进程内依次处理）。",
)
@click.option(
    "--previous-dir",
    type=click.Path(file_okay=False, exists=True),
    help="上一年度报告所在的文件夹，用于上年结转等跨年检查（同一机关的报告自动配对）。",
)
@click.option("--json", "as_json", is_flag=True, help="在标准输出打印 audit.json 的内容。")
def audit_command(
    sources: tuple[str, ...], outdir: str, jobs: int | None, previous_dir: str | None, as_json: bool
) -> None:
    """审核给出的全部报告：报告文件、已发布的报告（文本、HTML、DOCX、PDF）或文件夹。

    \b
    每份报告都按全部规则检查，并分清“原文有误”（表格完整读出但不符合规则）
    和“未完整读出”（表格缺失、是图片或读不准，相关问题请对照原文核实）。
    同一机关相邻年度的报告自动配对做跨年检查。一个文件读不出不影响其他文件。

    \b
    退出码：0 全部通过（可有警告）；1 有报告原文有误或未完整读出；
    2 有文件无法读取、用法错误或结果无法写入。
    """
    from reportgen.audit.outputs import FILES, write_all, write_json
    from reportgen.audit.run import (
        INCOMPLETE,
        STATUS_LABELS,
        UNREADABLE,
        WRONG,
        collect,
        run,
    )
    from reportgen.audit.summary import summarise

    started = time.perf_counter()
    missing = [s for s in sources if not Path(s).exists()]
    for name in missing:
        click.echo(f"错误：{name} 不存在，已跳过", err=True)
    paths = collect(s for s in sources if s not in missing)
    if not paths:
        raise InputError(
            "没有找到要审核的报告" + (f"：{'、'.join(missing)} 不存在" if missing else ""),
            hint="给出报告文件、已发布的报告（.txt .html .docx .pdf）或它们所在的文件夹。",
        )
    previous = collect([previous_dir]) if previous_dir else []
    progress = _Progress(len(paths) + len(previous), quiet=as_json)
    results = []
    with progress:
        for result in run(paths, previous, jobs, progress.update):
            results.append(result)
            progress.done(result, STATUS_LABELS)
    summary = summarise(results)
    folder = Path(outdir)
    write_all(summary, folder)
    if as_json:
        sys.stdout.flush()
        write_json(summary, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        counts = "，".join(
            f"{label} {summary.by_status[key]}"
            for key, label in STATUS_LABELS.items()
            if summary.by_status[key]
        )
        click.echo(
            f"审核 {len(results)} 份报告：{counts}；结果见 {folder}/"
            f"（{'、'.join(FILES)} 和每份报告的 .txt），"
            f"用时 {time.perf_counter() - started:.1f} 秒"
        )
    statuses = {r.status for r in results}
    code = EXIT_OK
    if statuses & {WRONG, INCOMPLETE}:
        code = EXIT_INVALID
    if UNREADABLE in statuses or missing:
        code = EXIT_USAGE
    raise SystemExit(code)


class _Progress:
    """A progress bar on a terminal; one line per report in pipes and logs."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.quiet = quiet
        self.bar = None
        self.tasks: dict[str, int] = {}
        self.total = total
        if not quiet:
            from reportgen.progress import progress_bar

            self.bar = progress_bar()

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def update(self, stage: str, done: int, total: int) -> None:
        if self.bar is None:
            return
        if stage not in self.tasks:
            label = {"read": "读取", "check": "检查"}[stage]
            self.tasks[stage] = self.bar.add_task(label, total=total)
        self.bar.update(self.tasks[stage], completed=done)

    def done(self, result, labels: dict[str, str]) -> None:
        if self.quiet or self.bar is not None:
            return
        name = result.agency or Path(result.path).name
        line = f"{result.path}：{name} {result.year or ''} {labels[result.status]}"
        if result.message:
            line += f"（{result.message}）"
        click.echo(line, err=True)

"""``reportgen import``: turn published reports back into report files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from reportgen.errors import EXIT_INVALID, EXIT_OK, EXIT_USAGE


@click.command("import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(), metavar="文件...")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="输出的报告文件（一个来源时）。"
)
@click.option(
    "-d",
    "--directory",
    type=click.Path(file_okay=False),
    help="输出目录：每个来源写成同名的 .yaml 文件。",
)
@click.option(
    "--json", "as_json", is_flag=True, help="以 JSON 输出导入情况（找到什么、缺什么、可信度）。"
)
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="并行导入的文件数（默认为 CPU 核数；1 表示在本进程内依次导入）。",
)
def import_command(
    sources: tuple[str, ...],
    output: str | None,
    directory: str | None,
    as_json: bool,
    force: bool,
    jobs: int | None,
) -> None:
    """把已发布的年度报告或 Excel 填报表转成报告文件。

    可以读文本、HTML、DOCX、PDF 和 Excel（.xlsx）文件，可以一次给多个。

    Excel：按表格中的官方行名、列名找到每个数字（reportgen init --xlsx 生成的填报表，
    或按官方格式自制的表格都可以），逐格检查，有问题的单元格按位置（如「表三!D12」）指出。

    数字照原文保留（包括不等于各项之和的总计）；原文空白的单元格填 0 并在行注释中注明；
    读不出或找不到的行不编造数字，而是注释掉并说明原因和原文位置。

    退出码：0 全部读出；1 有读不出或找不到的行；2 文件无法读取或用法错误。
    """
    from reportgen.importer.batch import import_all

    if output and directory:
        raise click.UsageError("-o 和 -d 只能选一个。")
    if output and len(sources) > 1:
        raise click.UsageError("多个来源请用 -d 指定输出目录。")
    if not output and not directory and len(sources) > 1 and not as_json:
        raise click.UsageError("多个来源请用 -d 指定输出目录。")

    plan = []
    for source in sources:
        target = None
        if output:
            target = output
        elif directory:
            target = str(Path(directory) / (Path(source).stem + ".yaml"))
        plan.append((source, target))
    to_stdout = not output and not directory and not as_json
    worst = EXIT_OK
    done = {}
    with _Progress(len(plan), quiet=as_json) as progress:
        for item in import_all(plan, force, keep_yaml=to_stdout, jobs=jobs):
            done[item.source] = item
            worst = max(worst, item.exit_code)
            progress.advance(item)
    reports = []
    for source, _target in plan:  # report in the order given, whatever finished first
        item = done[source]
        if item.yaml is not None:
            sys.stdout.write(item.yaml)
        if item.info is not None:
            reports.append(item.info)
        else:
            reports.append({"source": source, "error": item.error, "complete": False})
    if as_json:
        payload = reports[0] if len(reports) == 1 else reports
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    sys.exit(worst if worst in (EXIT_OK, EXIT_INVALID, EXIT_USAGE) else EXIT_USAGE)


class _Progress:
    """A bar on a terminal for many files (like ``build``); each file's messages on stderr."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.total = total
        self.quiet = quiet
        self.count = 0
        self.bar = None
        if total > 1:
            from reportgen.progress import progress_bar

            self.bar = progress_bar("导入")

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
            self.task = self.bar.add_task("", total=self.total)
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def advance(self, item) -> None:
        self.count += 1
        lines = list(item.messages)
        if self.total > 1:
            lines.insert(0, f"[{self.count}/{self.total}] {item.source}")
        for line in lines:
            if self.bar is not None:
                self.bar.console.print(line, markup=False, highlight=False)
            else:
                click.echo(line, err=True)
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=Path(item.source).name)

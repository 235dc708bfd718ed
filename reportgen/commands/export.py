"""``reportgen export``: a report's tables 二、三、四 as an Excel workbook."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.errors import EXIT_INVALID, InputError


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--to",
    "target",
    type=click.Choice(["xlsx"]),
    default="xlsx",
    show_default=True,
    help="导出格式（目前为 Excel 的 xlsx）。",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="输出文件（默认与报告文件同名）。"
)
@click.option(
    "--name",
    "name_pattern",
    help="输出文件名（不含扩展名），可用 {机关}、{年度}、{文件名}。",
)
@click.option("--force", is_flag=True, help="覆盖已存在的文件。")
def export_command(
    file: str, target: str, output: str | None, name_pattern: str | None, force: bool
) -> None:
    """把报告文件的表二、表三、表四导出为 Excel 工作簿。

    \b
    每张表一个工作表，表头、合并单元格和行列名称与官方格式一致，总计为公式；
    已设好 A4 打印（适应页宽、每页重复表头）；正文各部分在“正文”工作表。
    导出的文件可以用 reportgen import 读回。

    \b
    退出码：0 已导出；1 报告有错误（仍导出）；2 文件无法读取或无法写入。
    """
    from reportgen.atomic import atomic_write_bytes
    from reportgen.diagnostics import print_problems
    from reportgen.excel.workbook import build_workbook
    from reportgen.naming import fill_pattern
    from reportgen.validate import check_file

    outcome = check_file(file)
    if outcome.report is None:
        print_problems(outcome.problems)
        click.echo(f"{file} 有错误，无法导出；改正后再运行。", err=True)
        raise SystemExit(EXIT_INVALID)
    report = outcome.report
    source = Path(file)
    if output:
        path = Path(output)
    else:
        stem = source.stem
        if name_pattern:
            stem = fill_pattern(name_pattern, {"agency": report.agency, "year": report.year}, stem)
        path = source.with_name(f"{stem}.{target}")
    if path.exists() and not force:
        raise InputError("文件已存在，未覆盖", file=str(path), hint="加 --force 覆盖。")
    data = build_workbook(report.format, report, year=report.year, agency=report.agency)
    atomic_write_bytes(path, data)
    if outcome.errors:
        print_problems(outcome.problems)
        click.echo(f"已导出 {path}，但报告有 {len(outcome.errors)} 处错误（见上）。", err=True)
        raise SystemExit(EXIT_INVALID)
    click.echo(f"已导出 {path}（{report.format.name}，表二、表三、表四和正文）。", err=True)

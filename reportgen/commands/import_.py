"""``reportgen import``: turn published reports back into report files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from reportgen.errors import EXIT_INVALID, EXIT_OK, EXIT_USAGE, InputError, ReportgenError


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
def import_command(
    sources: tuple[str, ...], output: str | None, directory: str | None, as_json: bool, force: bool
) -> None:
    """把已发布的年度报告或 Excel 填报表转成报告文件。

    可以读文本、HTML、DOCX、PDF 和 Excel（.xlsx）文件，可以一次给多个。

    Excel：按表格中的官方行名、列名找到每个数字（reportgen init --xlsx 生成的填报表，
    或按官方格式自制的表格都可以），逐格检查，有问题的单元格按位置（如「表三!D12」）指出。

    数字照原文保留（包括不等于各项之和的总计）；原文空白的单元格填 0 并在行注释中注明；
    读不出或找不到的行不编造数字，而是注释掉并说明原因和原文位置。

    退出码：0 全部读出；1 有读不出或找不到的行；2 文件无法读取或用法错误。
    """
    from reportgen.atomic import atomic_write_text
    from reportgen.importer import import_file
    from reportgen.limits import MAX_REPORT_BYTES, too_large

    if output and directory:
        raise click.UsageError("-o 和 -d 只能选一个。")
    if output and len(sources) > 1:
        raise click.UsageError("多个来源请用 -d 指定输出目录。")
    if not output and not directory and len(sources) > 1 and not as_json:
        raise click.UsageError("多个来源请用 -d 指定输出目录。")

    worst = EXIT_OK
    reports = []
    for source in sources:
        target = None
        if output:
            target = Path(output)
        elif directory:
            target = Path(directory) / (Path(source).stem + ".yaml")
        try:
            if target is not None and target.exists() and not force:
                raise InputError("输出文件已存在", file=str(target), hint="加 --force 覆盖。")
            result = import_file(source)
        except ReportgenError as exc:
            click.echo(f"错误：{exc}", err=True)
            worst = max(worst, exc.exit_code)
            if as_json:
                reports.append({"source": source, "error": exc.message, "complete": False})
            continue
        text = result.to_yaml()
        if len(text.encode("utf-8")) > MAX_REPORT_BYTES:
            exc = too_large(source, None, MAX_REPORT_BYTES, "报告文件（导入结果）")
            click.echo(f"错误：{exc}", err=True)
            worst = max(worst, exc.exit_code)
            continue
        if target is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(target, text)
        elif not as_json:
            sys.stdout.write(text)
        info = result.to_json()
        if target is not None:
            info["output"] = str(target)
        reports.append(info)
        _print_findings(result, target)
        worst = max(worst, result.exit_code)
    if as_json:
        payload = reports[0] if len(reports) == 1 else reports
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    sys.exit(worst if worst in (EXIT_OK, EXIT_INVALID, EXIT_USAGE) else EXIT_USAGE)


def _print_findings(result, target: Path | None) -> None:
    labels = {"error": "错误", "warning": "警告", "info": "提示"}
    name = result.source
    for finding in result.findings:
        where = f"{name}（{finding.ref}）" if finding.ref else name
        click.echo(f"{where}: {labels[finding.severity]} {finding.message}", err=True)
    for path, reason in result.skipped.items():
        if reason.startswith("原文中没有"):  # unreadable rows were reported as errors above
            click.echo(f"{name}: 未导入 {path}：{reason}", err=True)
    confidence = "，".join(
        f"{result.format.tables[k].name} {v:.2f}" for k, v in result.confidence.items()
    )
    state = "完整" if result.complete else f"有 {len(result.skipped)} 行未导入"
    written = f" → {target}" if target else ""
    click.echo(
        f"{name}: {result.agency} {result.year} 年，{result.format.name}；{state}；"
        f"可信度 {confidence}{written}",
        err=True,
    )

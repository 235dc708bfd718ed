"""``reportgen aggregate``: the office's report as the cell-by-cell sum of its members'."""

from __future__ import annotations

import sys

import click

from reportgen.errors import EXIT_INVALID, EXIT_OK, EXIT_USAGE, InputError


@click.command("aggregate")
@click.argument("members", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--agency", required=True, help="汇总报告的机关名称，如“某某县人民政府”。")
@click.option("--year", required=True, type=int, help="报告年度；成员报告必须都是这一年。")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="写入的报告文件（默认打印到标准输出）。",
)
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, exists=True),
    help="应报送报告的机关名单（YAML 列表或每行一个），列出缺少的机关。",
)
@click.option(
    "--check",
    "published",
    type=click.Path(dir_okay=False, exists=True),
    help="已公布的汇总报告（报告文件或任一可导入的格式）：逐格与成员合计比对。",
)
@click.option(
    "--allow-invalid", is_flag=True, help="成员报告有错误也汇总（结果文件中注明，只作参考）。"
)
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
def aggregate_command(
    members: tuple[str, ...],
    agency: str,
    year: int,
    output: str | None,
    roster: str | None,
    published: str | None,
    allow_invalid: bool,
    force: bool,
) -> None:
    """把成员单位报告的表二、表三、表四逐格相加，生成本级的汇总报告文件。

    \b
    成员可以是报告文件，也可以是已发布的报告（文本、HTML、DOCX、PDF）。
    金额按精确小数相加；第一部分预填一段用占位符写成的概述（与表格永远一致），
    第五、六部分留给本级填写；文件开头的注释列出每个成员及其主要数字。

    \b
    以下情况拒绝汇总（退出码 1）：年度或格式版本不同、同一机关出现两次、
    某个成员本身是其他成员的汇总（会重复计算）、
    成员报告有错误（除非加 --allow-invalid）。

    \b
    退出码：0 完成（名单中缺报告的机关照常列出）；
    1 拒绝汇总、用了 --allow-invalid 或 --check 发现不一致；
    2 文件无法读取或用法错误。
    """
    from pathlib import Path

    from reportgen.aggregate import (
        aggregate,
        compare,
        describe_difference,
        load_member,
        read_roster,
    )
    from reportgen.atomic import atomic_write_text
    from reportgen.validate import check_text

    if output and Path(output).exists() and not force:
        raise InputError("输出文件已存在", file=output, hint="加 --force 覆盖。")
    names = read_roster(roster) if roster else None
    loaded = [load_member(m) for m in members]
    result = aggregate(loaded, agency.strip(), year, names, allow_invalid)
    code = EXIT_OK
    outcome = check_text(result.text, output or "<aggregate>")
    errors = [p for p in outcome.problems if p.is_error]
    if output:
        atomic_write_text(output, result.text)
    elif not published:
        sys.stdout.write(result.text)
    total = result.values["applications.new_received.total"]
    click.echo(
        f"已汇总 {len(loaded)} 份成员报告（{result.format.name}）"
        + (f" → {output}" if output else "")
        + f"；{result.format.cells['applications.new_received.total'].describe()}合计 {total}",
        err=True,
    )
    if result.invalid:
        click.echo(
            "注意：有错误的成员报告也已相加，结果只作参考："
            + "、".join(m.path for m in result.invalid),
            err=True,
        )
        code = EXIT_INVALID
    if errors:
        from reportgen.diagnostics import print_problems

        click.echo("汇总结果未通过检查：", err=True)
        print_problems(errors, sys.stderr)
        code = EXIT_INVALID
    if names is not None:
        if result.missing:
            click.echo(
                f"名单中有 {len(result.missing)} 个机关没有报告：" + "、".join(result.missing),
                err=True,
            )
        else:
            click.echo(f"名单中的 {len(names)} 个机关都有报告。", err=True)
        if result.unlisted:
            click.echo("不在名单中的成员：" + "、".join(result.unlisted), err=True)
    if published:
        code = max(code, _check_published(published, result, compare, describe_difference))
    raise SystemExit(code)


def _check_published(path: str, result, compare, describe_difference) -> int:
    """Compare a published aggregate with the members' sum; print every difference."""
    from reportgen.audit.run import _report_of, read

    source = read(path)
    if not source.readable:
        raise InputError(source.message or "无法读取", file=path)
    outcome = _report_of(source)
    if outcome.report is None:
        click.echo(f"{path}：表格读不完整，无法逐格比对：", err=True)
        for p in outcome.problems[:10]:
            click.echo(f"  {p.message}", err=True)
        return EXIT_USAGE
    if outcome.report.format.id != result.format.id:
        click.echo(
            f"{path} 使用{outcome.report.format.name}，成员报告使用{result.format.name}，"
            "只比对两版共有的单元格。",
            err=True,
        )
    differences = compare(outcome.report, result.values)
    if not differences:
        click.echo(f"{path}：每个单元格都等于成员合计。", err=True)
        return EXIT_OK
    click.echo(f"{path}：有 {len(differences)} 个单元格与成员合计不同：", err=True)
    for d in differences:
        click.echo(f"  {describe_difference(d)}", err=True)
    return EXIT_INVALID

"""``reportgen init``: write a complete, commented report file with zeros."""

from __future__ import annotations

import datetime as dt

import click

from reportgen.errors import InputError


@click.command("init")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="输出文件（默认标准输出）。")
@click.option("--year", type=int, help="报告年度（默认为上一年）。")
@click.option("--agency", default="", help="机关名称。")
@click.option("--force", is_flag=True, help="覆盖已存在的文件。")
def init_command(output: str | None, year: int | None, agency: str, force: bool) -> None:
    """生成一份带中文注释、数字全为 0 的报告文件，按年度选用格式。"""
    from pathlib import Path

    from reportgen.atomic import atomic_write_text
    from reportgen.definition import format_for_year
    from reportgen.model import MAX_YEAR
    from reportgen.writer import skeleton

    year = year or dt.date.today().year - 1
    fmt = format_for_year(year)
    if year > MAX_YEAR:
        raise InputError(f"不支持 {year} 年的报告", hint=f"报告年度应在 2019 到 {MAX_YEAR} 之间。")
    if fmt is None:
        raise InputError(f"不支持 {year} 年的报告", hint="支持 2019 年及以后的年度报告。")
    text = skeleton(fmt, year, agency)
    if not output:
        click.echo(text, nl=False)
        return
    if Path(output).exists() and not force:
        raise InputError("文件已存在，未覆盖", file=output, hint="加 --force 覆盖。")
    atomic_write_text(output, text)
    click.echo(
        f"已生成 {output}（{year} 年，{fmt.name}）。填写后运行：reportgen check {output}", err=True
    )

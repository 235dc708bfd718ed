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
@click.option(
    "--xlsx",
    "as_xlsx",
    is_flag=True,
    help="生成空白的 Excel 填报表（表二、表三、表四和正文），填好后用 reportgen import 读回。",
)
def init_command(
    output: str | None, year: int | None, agency: str, force: bool, as_xlsx: bool = False
) -> None:
    """生成一份带中文注释、数字全为 0 的报告文件，按年度选用格式。

    \b
    加 --xlsx（或输出文件以 .xlsx 结尾）时生成 Excel 填报表：黄色格子填数字，
    总计自动计算，发给各部门填写后用 reportgen import 表格.xlsx 读回报告文件。
    不写 --year 时，年度取文件名中的年份（如 -o 2025.xlsx），没有则为上一年。
    """
    from pathlib import Path

    from reportgen.atomic import atomic_write_text
    from reportgen.definition import format_for_year
    from reportgen.model import MAX_YEAR
    from reportgen.writer import skeleton

    form = as_xlsx or (output or "").lower().endswith(".xlsx")
    if year is None and form and output:
        year = _year_in_name(output)  # init --xlsx -o 2025.xlsx: the form for 2025
    year = year or dt.date.today().year - 1
    fmt = format_for_year(year)
    if year > MAX_YEAR:
        raise InputError(f"不支持 {year} 年的报告", hint=f"报告年度应在 2019 到 {MAX_YEAR} 之间。")
    if fmt is None:
        raise InputError(f"不支持 {year} 年的报告", hint="支持 2019 年及以后的年度报告。")
    if form:
        _write_form(fmt, year, agency, output, force)
        return
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


def _year_in_name(name: str) -> int | None:
    import re
    from pathlib import Path

    m = re.search(r"(?<!\d)(20[1-9]\d)(?!\d)", Path(name).stem)
    return int(m.group(1)) if m and int(m.group(1)) >= 2019 else None


def _write_form(fmt, year: int, agency: str, output: str | None, force: bool) -> None:
    """The blank Excel form of ``init --xlsx``."""
    from pathlib import Path

    from reportgen.atomic import atomic_write_bytes
    from reportgen.excel.workbook import build_workbook

    if not output:
        raise click.UsageError("Excel 填报表请用 -o 指定文件，例如 -o 2025.xlsx")
    if Path(output).exists() and not force:
        raise InputError("文件已存在，未覆盖", file=output, hint="加 --force 覆盖。")
    atomic_write_bytes(output, build_workbook(fmt, None, year=year, agency=agency))
    click.echo(
        f"已生成 Excel 填报表 {output}（{year} 年，{fmt.name}）。"
        f"填好后运行：reportgen import {output} -o 报告.yaml",
        err=True,
    )

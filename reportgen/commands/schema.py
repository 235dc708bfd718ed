"""``reportgen schema``: the JSON Schema of report files, for editors."""

from __future__ import annotations

import click


@click.command("schema")
@click.option(
    "--format",
    "format_id",
    type=click.Choice(["v2019", "v2021"]),
    help="只输出某一版格式（默认两版皆可）。",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入文件而不是标准输出。")
def schema_command(format_id: str | None, output: str | None) -> None:
    """输出报告文件的 JSON Schema（中文标题与说明），供编辑器补全和校验 YAML。"""
    import json

    from reportgen.atomic import atomic_write_text
    from reportgen.model import json_schema

    text = json.dumps(json_schema(format_id), ensure_ascii=False, indent=2) + "\n"
    if output:
        atomic_write_text(output, text)
        click.echo(f"已写入 {output}", err=True)
    else:
        click.echo(text, nl=False)

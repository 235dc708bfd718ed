"""``reportgen doctor``: check what PDF output needs — WeasyPrint, Pango, HarfBuzz, fonts."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import click

from reportgen.errors import EXIT_INVALID, EXIT_OK
from reportgen.render.font_notice import ROLE_NAMES

OK, WARN, MISSING = "ok", "warning", "missing"
MARKS = {OK: "✓", WARN: "!", MISSING: "✗"}


@dataclass
class Check:
    name: str
    status: str
    detail: str
    fix: str | None = None


def check_weasyprint() -> list[Check]:
    """WeasyPrint and, through it, Pango, HarfBuzz and fontconfig (loaded by its ffi)."""
    try:
        from reportgen.render import weasy

        weasyprint = weasy.load()
        from weasyprint.text.ffi import pango
    except (ImportError, OSError) as exc:
        return [
            Check(
                "WeasyPrint",
                MISSING,
                f"无法加载：{exc}",
                "pip install 'weasyprint>=66,<71'；Debian/Ubuntu 还需 "
                "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b",
            )
        ]
    number = pango.pango_version()  # major * 10000 + minor * 100 + micro
    pango_version = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    return [
        Check("WeasyPrint", OK, weasyprint.__version__),
        Check("Pango", OK, pango_version),
    ]


def check_harfbuzz_subset() -> Check:
    """Without libharfbuzz-subset WeasyPrint subsets CJK fonts with fontTools (~8 s a page)."""
    from reportgen.render.pdf import harfbuzz_subset_available

    if harfbuzz_subset_available():
        return Check("HarfBuzz 字体子集化", OK, "libharfbuzz-subset 可用")
    return Check(
        "HarfBuzz 字体子集化",
        MISSING,
        "未找到 libharfbuzz-subset：中文字体子集化将退回 fontTools，每页约慢 8 秒",
        "apt-get install -y libharfbuzz-subset0",
    )


def check_fonts(template_dir: str | None) -> list[Check]:
    from reportgen.render.fonts import FREE_FONTS, fontconfig_available, load_font_map, resolve

    if not fontconfig_available():
        return [
            Check(
                "fontconfig",
                MISSING,
                "未找到 fc-match，无法确认字体",
                "apt-get install -y fontconfig",
            )
        ]
    font_map = load_font_map(template_dir)
    checks = []
    for role in font_map.roles:
        found = resolve(font_map, role)
        name = ROLE_NAMES.get(role, role)
        if found.family is None:
            packages = sorted({FREE_FONTS[f] for f in font_map.families(role) if f in FREE_FONTS})
            checks.append(
                Check(
                    name,
                    MISSING,
                    f"字体表中的字体都未安装（系统会替换为 {found.fallback or '未知字体'}）",
                    "apt-get install -y " + " ".join(packages or ["fonts-noto-cjk"]),
                )
            )
        elif found.preferred:
            checks.append(Check(name, OK, f"{found.family}（{found.file}）"))
        else:
            preferred = [f for f in font_map.families(role) if f not in FREE_FONTS]
            checks.append(
                Check(
                    name,
                    WARN,
                    f"使用开源替代字体 {found.family}（{found.file}）",
                    f"如需机关常用字体，请安装 {preferred[0]} 等并按授权使用"
                    if preferred
                    else None,
                )
            )
    return checks


@click.command("doctor")
@click.option(
    "--template-dir",
    type=click.Path(file_okay=False, exists=True),
    help="同时检查自定义模板目录中 fonts.yaml 指定的字体。",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查结果。")
@click.option(
    "--fontconfig",
    "fontconfig",
    is_flag=True,
    help="输出一份 fontconfig 字体替换配置：本机没有机关字体时，让办公软件打开 DOCX "
    "也用宋体、仿宋类的衬线字体，而不是黑体类字体。",
)
def doctor_command(template_dir: str | None, as_json: bool, fontconfig: bool) -> None:
    """检查生成 PDF 所需的 WeasyPrint、Pango、HarfBuzz 和中文字体。

    每种排版用途（标题、正文、标题层级、表格、页码）显示实际使用的字体；
    缺少必需组件时给出安装命令并返回退出码 1。开源替代字体只是警告。
    加 --fontconfig 时只输出字体替换配置，保存到提示的位置即可。
    """
    if fontconfig:
        from reportgen.render.fontconfig_aliases import aliases_conf

        click.echo(aliases_conf(template_dir), nl=False)
        raise SystemExit(EXIT_OK)
    checks = check_weasyprint()
    if checks[0].status == OK:
        checks.append(check_harfbuzz_subset())
    checks += check_fonts(str(Path(template_dir)) if template_dir else None)
    failed = any(c.status == MISSING for c in checks)
    if as_json:
        click.echo(
            json.dumps(
                {"ok": not failed, "checks": [asdict(c) for c in checks]},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        colours = {OK: "green", WARN: "yellow", MISSING: "red"}
        for c in checks:
            mark = click.style(MARKS[c.status], fg=colours[c.status], bold=True)
            click.echo(f"{mark} {c.name}：{c.detail}")
            if c.fix and c.status != OK:
                click.echo(f"    解决：{c.fix}")
        if failed:
            click.echo(click.style("缺少生成 PDF 所需的组件，请按上面的提示安装。", fg="red"))
        else:
            click.echo("可以生成 PDF。")
    raise SystemExit(EXIT_INVALID if failed else EXIT_OK)

"""``reportgen build``: check report files and render them as HTML, DOCX and PDF."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from reportgen.errors import EXIT_USAGE, ReportgenError


@click.command("build")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--output",
    "-o",
    "outdir",
    type=click.Path(file_okay=False),
    help="输出目录（默认与报告文件同目录）；每个文件的输出以其文件名命名。",
)
@click.option(
    "--to",
    "formats",
    default="html,docx,pdf",
    show_default=True,
    help="输出格式，逗号分隔：html、docx、pdf。",
)
@click.option(
    "--previous",
    "-p",
    type=click.Path(dir_okay=False, exists=True),
    help="上一年度的报告文件，用于跨年衔接检查。",
)
@click.option(
    "--draft", is_flag=True, help="有错误也生成，每页标注“草稿（未通过校验）”并在末尾列出问题。"
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="并行处理的文件数（默认为 CPU 核数；1 表示在本进程内依次处理）。",
)
@click.option(
    "--template-dir",
    type=click.Path(file_okay=False, exists=True),
    help="自定义模板目录（可继承内置模板，自带版头、标志、字体和样式）。",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出汇总结果，供脚本使用。")
def build_command(
    files: tuple[str, ...],
    outdir: str | None,
    formats: str,
    previous: str | None,
    draft: bool,
    jobs: int | None,
    template_dir: str | None,
    as_json: bool,
) -> None:
    """检查报告文件 FILES 并生成 HTML、DOCX、PDF。

    有错误的文件不生成（除非 --draft）；一个文件失败不影响其他文件。
    输出先写临时文件再改名替换，失败时不会留下残缺文件，也不会覆盖原有的正确输出。

    \b
    退出码：0 全部生成；1 有文件未通过校验、只生成了草稿或生成失败；2 用法错误或文件无法读取。
    """
    from reportgen.render.build import BuildOptions, build_all, exit_code, parse_formats

    started = time.perf_counter()
    options = BuildOptions(
        formats=parse_formats(formats),
        outdir=Path(outdir) if outdir else None,
        previous=Path(previous) if previous else None,
        draft=draft,
        template_dir=Path(template_dir) if template_dir else None,
    )
    if template_dir:
        _check_template(template_dir)
    reporter = _Reporter(len(files), as_json)
    results = []
    with reporter:
        for result in build_all(list(files), options, jobs):
            results.append(result)
            reporter.done(result)
    order = {name: i for i, name in enumerate(files)}
    results.sort(key=lambda r: order[r.file])
    reporter.finish(results, time.perf_counter() - started)
    if "pdf" in options.formats and not as_json and any(r.outputs.get("pdf") for r in results):
        from reportgen.render.font_notice import fallback_notice

        notice = fallback_notice(options.template_dir)
        if notice:
            click.echo(notice, err=True)
    raise SystemExit(exit_code(results))


def _check_template(template_dir: str) -> None:
    """Load the user template once up front: a broken template is a usage error, not N."""
    from reportgen.render.html import template_set

    try:
        template_set(str(Path(template_dir).resolve())).env.get_template("report.html.j2")
    except ReportgenError:
        raise
    except Exception as exc:
        raise ReportgenError(f"模板无法加载：{exc}", file=template_dir) from None


class _Reporter:
    """Progress and results: a rich bar on a terminal, plain lines otherwise, JSON at the end."""

    def __init__(self, total: int, as_json: bool) -> None:
        self.total = total
        self.as_json = as_json
        self.count = 0
        self.progress = None
        self.task = None
        if not as_json and sys.stderr.isatty() and total > 1:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.progress = Progress(
                TextColumn("生成"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                transient=True,
            )

    def __enter__(self) -> _Reporter:
        if self.progress is not None:
            self.progress.start()
            self.task = self.progress.add_task("", total=self.total)
        return self

    def __exit__(self, *exc) -> None:
        if self.progress is not None:
            self.progress.stop()

    def done(self, result) -> None:
        from reportgen.render.build import STATUS_LABELS

        self.count += 1
        if self.as_json:
            return
        if self.progress is not None:
            self.progress.update(self.task, advance=1, description=Path(result.file).name)
        lines = [f"[{self.count}/{self.total}] {result.file}：{STATUS_LABELS[result.status]}"]
        if result.outputs:
            lines[0] += " → " + "、".join(result.outputs.values())
        if result.message:
            lines.append(f"    {result.message}")
        self._print_problems(result)
        for line in lines:
            self._echo(line)

    def _print_problems(self, result) -> None:
        if not result.problems:
            return
        from reportgen.diagnostics import print_problems

        if self.progress is not None:
            for p in result.problems:
                self.progress.console.print(p.format(), markup=False, highlight=False)
        else:
            print_problems(result.problems)

    def _echo(self, line: str) -> None:
        if self.progress is not None:
            self.progress.console.print(line, markup=False, highlight=False)
        else:
            click.echo(line)

    def finish(self, results, seconds: float) -> None:
        from reportgen.diagnostics import dump_json
        from reportgen.render.build import BUILT, DRAFT, summary

        if self.as_json:
            dump_json(summary(results, seconds))
            return
        built = sum(r.status == BUILT for r in results)
        drafts = sum(r.status == DRAFT for r in results)
        failed = [r for r in results if r.status not in (BUILT, DRAFT)]
        text = f"{len(results)} 个文件：{built} 个已生成"
        if drafts:
            text += f"，{drafts} 个草稿"
        if failed:
            text += f"，{len(failed)} 个失败（{'、'.join(r.file for r in failed)}）"
        text += f"，用时 {seconds:.1f} 秒"
        click.echo(text)


__all__ = ["EXIT_USAGE", "build_command"]

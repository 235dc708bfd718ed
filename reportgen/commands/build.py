"""``reportgen build``: check report files and render them as HTML, DOCX and PDF."""

from __future__ import annotations

import time
from pathlib import Path

import click

from reportgen.errors import EXIT_USAGE, ReportgenError


@click.command("build")
@click.argument("files", nargs=-1, required=True, type=click.Path(), metavar="文件...")
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
    type=click.Path(),
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
@click.option(
    "--name",
    "name_pattern",
    help="输出文件名，可用 {机关}、{年度}、{文件名}，"
    "例如 --name '{机关}{年度}年政府信息公开工作年度报告'。",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出汇总结果，供脚本使用。")
@click.option(
    "--watch",
    "-w",
    is_flag=True,
    help="生成后继续等待：每次保存报告文件都自动重新生成，并显示检查结果；按 Ctrl-C 结束。",
)
def build_command(
    files: tuple[str, ...],
    outdir: str | None,
    formats: str,
    previous: str | None,
    draft: bool,
    jobs: int | None,
    template_dir: str | None,
    as_json: bool,
    watch: bool = False,
    name_pattern: str | None = None,
) -> None:
    """检查报告文件（可以一次给多个）并生成 HTML、DOCX、PDF。

    有错误的文件不生成（除非 --draft）；一个文件失败不影响其他文件。
    输出先写临时文件再改名替换，失败时不会留下残缺文件，也不会覆盖原有的正确输出。

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
        name=name_pattern,
    )
    if name_pattern:
        from reportgen.naming import check_pattern

        check_pattern(name_pattern)
    if template_dir:
        _check_template(template_dir, options.formats)
    if previous:
        _check_previous(previous)
    files = _unique(files)
    if watch:
        _watch(files, options, as_json)
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


def _watch(files: tuple[str, ...], options, as_json: bool) -> None:
    """``--watch``: one file, rebuilt on every save until Ctrl-C (then exit 0)."""
    from reportgen.render.watch import watch

    if len(files) != 1 or as_json:
        raise ReportgenError(
            "--watch 一次只能监视一个报告文件，且不能与 --json 同用",
            hint="例如：reportgen build 2025.yaml --watch",
        )
    name = files[0]
    reporter = _Reporter(1, False)
    round_ = 0

    def report(result, seconds: float) -> None:
        nonlocal round_
        round_ += 1
        stamp = time.strftime("%H:%M:%S")
        reporter.count = 0
        click.echo(f"—— 第 {round_} 次生成（{stamp}，用时 {seconds:.1f} 秒）")
        reporter.done(result)
        click.echo("正在监视文件变化：保存后自动重新生成；按 Ctrl-C 结束。")

    def waiting() -> None:
        click.echo(f"{name} 暂时不存在，等它重新出现……")

    try:
        watch(name, options, report, waiting)
    except KeyboardInterrupt:
        click.echo("已停止监视。")
        raise SystemExit(0) from None


def _check_template(template_dir: str, formats: tuple[str, ...]) -> None:
    """Load the user template once up front: a broken template is a usage error, not N."""
    from reportgen.render.html import template_set
    from reportgen.sandbox import template_error

    try:
        if "html" in formats or "pdf" in formats:
            template_set(str(Path(template_dir).resolve())).env.get_template("report.html.j2")
        if "docx" in formats:
            from reportgen.render.docx_settings import load_docx_settings

            load_docx_settings(template_dir)
    except Exception as exc:  # Jinja and the sandbox raise many kinds
        raise template_error(exc, template_dir) from None


def _check_previous(previous: str) -> None:
    """Last year's report is read once here, so a bad one is named as itself (exit 2)."""
    from reportgen.diagnostics import print_problems
    from reportgen.validate import load_previous

    try:
        load_previous(previous)
    except ReportgenError as exc:
        click.echo(f"上一年度报告 {previous} 无法使用：", err=True)
        print_problems(list(getattr(exc, "problems", None) or [exc.to_problem()]))
        raise SystemExit(EXIT_USAGE) from None


def _unique(files: tuple[str, ...]) -> tuple[str, ...]:
    """Each input once, even when named twice (``r.yaml r.yaml``, ``./r.yaml``)."""
    seen: set[str] = set()
    kept = []
    for name in files:
        try:
            key = str(Path(name).resolve())
        except (OSError, RuntimeError):
            key = name
        if key not in seen:
            seen.add(key)
            kept.append(name)
    return tuple(kept)


class _Reporter:
    """Progress and results: a rich bar on a terminal, plain lines otherwise, JSON at the end."""

    def __init__(self, total: int, as_json: bool) -> None:
        self.total = total
        self.as_json = as_json
        self.count = 0
        self.progress = None
        self.task = None
        if not as_json and total > 1:
            from reportgen.progress import progress_bar

            self.progress = progress_bar("生成")

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

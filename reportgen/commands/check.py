"""``reportgen check``: validate report files against the format's rules."""

from __future__ import annotations

import click

from reportgen.errors import EXIT_INVALID, EXIT_OK, EXIT_USAGE, ReportgenError


@click.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(), metavar="文件...")
@click.option(
    "--previous",
    "-p",
    type=click.Path(),
    help="上一年度的报告文件，用于检查上年结转等跨年衔接。",
)
@click.option("--strict", is_flag=True, help="有警告也返回失败（退出码 1）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出问题列表，供脚本使用。")
def check_command(
    files: tuple[str, ...], previous: str | None, strict: bool, as_json: bool
) -> None:
    """检查报告文件的勾稽关系、填写错误和文表一致性。

    可以一次给多个文件；给出文件夹时，检查其中所有的报告文件（.yaml）。

    退出码：0 没有错误（警告照常显示）；1 有错误（或 --strict 下有警告）；
    2 文件无法读取或用法错误。
    """
    from reportgen.diagnostics import dump_json, print_problems, print_summary
    from reportgen.input_paths import expand
    from reportgen.validate import check_file, load_previous

    prev = None
    results = []
    worst = EXIT_OK
    if previous:
        try:
            prev = load_previous(previous)
        except ReportgenError as exc:
            problems = getattr(exc, "problems", None) or [exc.to_problem()]
            if as_json:
                dump_json({"previous": previous, "problems": [p.to_dict() for p in problems]})
            else:
                click.echo(f"上一年度报告 {previous} 无法使用：", err=True)
                print_problems(problems)
            raise SystemExit(EXIT_USAGE) from None
    errors = warnings = explained = 0
    names = expand(files)
    for entry in names:
        name = entry.file if isinstance(entry, ReportgenError) else entry
        try:
            if isinstance(entry, ReportgenError):
                raise entry
            outcome = check_file(name, prev)
            problems = outcome.problems
        except ReportgenError as exc:
            problems = [exc.to_problem()]
            worst = max(worst, EXIT_USAGE)
        # what follows from another problem is printed under it, not counted again
        file_errors = sum(p.is_error and p.cause is None for p in problems)
        file_warnings = sum(not p.is_error and p.cause is None for p in problems)
        file_explained = sum(p.acknowledged is not None and p.cause is None for p in problems)
        errors += file_errors
        warnings += file_warnings
        explained += file_explained
        # --strict: a warning the report explains (acknowledged:) does not fail it
        if file_errors or (strict and file_warnings > file_explained):
            worst = max(worst, EXIT_INVALID)
        if as_json:
            results.append(
                {
                    "file": name,
                    "ok": not file_errors,
                    "errors": file_errors,
                    "warnings": file_warnings,
                    "explained": file_explained,
                    "problems": [p.to_dict() for p in problems],
                }
            )
        else:
            print_problems(problems)
    if as_json:
        single = len(files) == 1 and names == [files[0]]  # one file named: one object
        dump_json(results[0] if single else results)
    else:
        print_summary(len(names), errors, warnings, explained=explained)
    raise SystemExit(worst)

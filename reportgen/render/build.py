"""Build many reports at once: validate, render every format, write atomically, summarise.

Each input file is one job: it is checked first; a file with errors renders nothing (unless
``draft``), and a file whose rendering fails writes nothing either, so a previous good
output is never replaced by a bad or truncated one.  All formats of a file are rendered in
memory before the first one is written.  Files run in parallel worker processes; one
failing file never stops the others.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reportgen.errors import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    InputError,
    OutputError,
    Problem,
    ReportgenError,
    TemplateError,
)
from reportgen.oserrors import reason
from reportgen.outputset import write_set

#: Output formats, in the order they are rendered and listed.
FORMATS = ("html", "docx", "pdf")

#: Statuses of a built file and what they mean for the exit code.
BUILT, DRAFT, INVALID, FAILED, UNREADABLE = "built", "draft", "invalid", "failed", "unreadable"
UNWRITABLE, TEMPLATE = "unwritable", "template"
STATUS_LABELS = {
    BUILT: "已生成",
    DRAFT: "已生成草稿",
    INVALID: "未通过校验，未生成",
    FAILED: "生成失败",
    UNREADABLE: "无法读取",
    UNWRITABLE: "无法写入，未生成",
    TEMPLATE: "模板有误，未生成",
}
#: Statuses that are the caller's to fix (input, output folder, template): exit 2.
USAGE_STATUSES = frozenset({UNREADABLE, UNWRITABLE, TEMPLATE})


@dataclass(frozen=True)
class BuildOptions:
    formats: tuple[str, ...] = FORMATS
    outdir: Path | None = None  # None: next to each input file
    previous: Path | None = None
    draft: bool = False
    template_dir: Path | None = None
    #: output file name pattern (``{机关}{年度}年…``, see :mod:`reportgen.naming`)
    name: str | None = None


@dataclass
class FileResult:
    """What happened to one input file."""

    file: str
    status: str
    outputs: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    message: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == BUILT

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    @property
    def exit_code(self) -> int:
        if self.status == BUILT:
            return EXIT_OK
        return EXIT_USAGE if self.status in USAGE_STATUSES else EXIT_INVALID

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": self.file,
            "ok": self.ok,
            "status": self.status,
            "outputs": self.outputs,
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": [p.to_dict() for p in self.problems],
            "seconds": round(self.seconds, 3),
        }
        if self.message:
            data["message"] = self.message
        return data


def parse_formats(text: str) -> tuple[str, ...]:
    """``html,pdf`` → ('html', 'pdf') in canonical order; unknown names are a usage error."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise InputError(
            f"未知的输出格式：{', '.join(unknown) or text!r}",
            hint=f"可选：{','.join(FORMATS)}，用逗号分隔，例如 --to html,pdf",
        )
    return tuple(f for f in FORMATS if f in names)


def output_paths(files: list[str], options: BuildOptions) -> dict[str, dict[str, Path]]:
    """Each file's outputs, named after the input's stem (or ``options.name``); two inputs
    may not share one."""
    from reportgen.naming import report_stem

    plan: dict[str, dict[str, Path]] = {}
    owners: dict[Path, str] = {}
    for name in files:
        src = Path(name)
        folder = options.outdir if options.outdir is not None else src.parent
        stem = report_stem(options.name, src)
        targets = {fmt: folder / f"{stem}.{fmt}" for fmt in options.formats}
        for target in targets.values():
            key = target.resolve()
            if key in owners and owners[key] != name:
                raise InputError(
                    f"{owners[key]} 和 {name} 会生成同名文件 {target}",
                    hint="请改名其中一个文件，或分两次生成到不同的目录（-o）。",
                )
            owners[key] = name
        plan[name] = targets
    return plan


# ------------------------------------------------------------------ one file


def _render_all(
    report, problems: list[Problem], options: BuildOptions, formats, pdf_pool=None
) -> dict[str, bytes]:
    """Every requested format in memory; the PDF is typeset from the print page of the HTML."""
    rendered: dict[str, bytes] = {}
    html = None
    if "html" in formats:
        from reportgen.render.html import render_html

        html = render_html(report, problems, options.draft, options.template_dir)
    pending = page = None
    if "pdf" in formats:
        from reportgen.render.pdf import html_to_pdf, print_html

        page = print_html(report, problems, options.draft, options.template_dir)
        if pdf_pool is not None:
            pending = pdf_pool.submit(_typeset_in_helper, page, options.template_dir)
    for fmt in formats:
        if fmt == "html":
            rendered[fmt] = html.encode("utf-8")
        elif fmt == "docx":
            rendered[fmt] = _render_docx(report, problems, options)
    if "pdf" in formats:
        if pending is not None:
            rendered["pdf"] = pending.result()
        else:
            rendered["pdf"] = html_to_pdf(page, options.template_dir)
    return {fmt: rendered[fmt] for fmt in formats}


def _render_docx(report, problems: list[Problem], options: BuildOptions) -> bytes:
    from reportgen.render.docx import render_docx

    return render_docx(
        report, problems=problems, draft=options.draft, template_dir=options.template_dir
    )


def build_file(
    name: str, targets: dict[str, Path], options: BuildOptions, pdf_pool=None
) -> FileResult:
    """Check one file and, when it may be rendered, write all its formats.

    ``pdf_pool`` is an executor (a helper process that has already imported WeasyPrint)
    that typesets the PDF while this process renders the DOCX.
    """
    from reportgen.validate import check_file, load_previous

    started = time.perf_counter()
    result = FileResult(name, BUILT)
    try:
        previous = load_previous(options.previous) if options.previous else None
        outcome = check_file(name, previous)
    except ReportgenError as exc:
        result.status = UNREADABLE
        result.problems = list(getattr(exc, "problems", None) or [exc.to_problem()])
        result.message = exc.message
        result.seconds = time.perf_counter() - started
        return result
    result.problems = list(outcome.problems)
    if outcome.report is None or (outcome.errors and not options.draft):
        result.status = INVALID
        if outcome.report is None and options.draft:
            result.message = "报告结构有误，无法生成草稿"
        result.seconds = time.perf_counter() - started
        return result
    # --draft marks only reports that did not pass; a clean report renders as final
    draft = bool(outcome.errors) and options.draft
    opts = replace(options, draft=draft)
    try:
        rendered = _render_all(outcome.report, outcome.problems, opts, tuple(targets), pdf_pool)
    except TemplateError as exc:
        return _failed(result, f"{exc}", started, TEMPLATE)
    except ReportgenError as exc:
        return _failed(result, f"{exc}", started)
    except Exception as exc:  # a renderer bug must not stop the other files
        return _failed(result, internal_error(exc), started)
    try:
        for target in targets.values():
            target.parent.mkdir(parents=True, exist_ok=True)
        write_set({target: rendered[fmt] for fmt, target in targets.items()})
    except OutputError as exc:
        return _failed(result, str(exc), started, UNWRITABLE)
    except OSError as exc:
        where = exc.filename or next(iter(targets.values())).parent
        message = f"{where}: 无法写入：{reason(exc, writing=True)}"
        return _failed(result, message, started, UNWRITABLE)
    result.outputs = {fmt: str(target) for fmt, target in targets.items()}
    result.status = DRAFT if draft else BUILT
    result.seconds = time.perf_counter() - started
    return result


def internal_error(exc: BaseException) -> str:
    """A failure that is no one's input: named in Chinese, with the exception's class."""
    if isinstance(exc, MemoryError):
        return "内存不足，未能生成"
    if isinstance(exc, RecursionError):
        return "内容嵌套过深，未能生成"
    return f"生成时出现内部错误（{type(exc).__name__}），请报告此问题"


def _failed(result: FileResult, message: str, started: float, status: str = FAILED) -> FileResult:
    result.status = status
    result.message = message
    result.seconds = time.perf_counter() - started
    return result


def _job(args: tuple[str, dict[str, Path], BuildOptions]) -> FileResult:
    return build_file(*args)


# ------------------------------------------------------------------ many files


def build_all(
    files: list[str], options: BuildOptions, jobs: int | None = None
) -> Iterator[FileResult]:
    """Build every file, yielding results as they complete (in-process when jobs is 1)."""
    plan = output_paths(files, options)
    jobs = max(1, jobs or os.cpu_count() or 1)
    if jobs == 1:
        for name in files:
            yield build_file(name, plan[name], options)
        return
    if len(files) == 1:
        yield _build_one_with_helper(files[0], plan[files[0]], options)
        return
    with _pool(min(jobs, len(files))) as pool:
        futures = {pool.submit(_job, (name, plan[name], options)): name for name in files}
        for future in as_completed(futures):
            name = futures[future]
            try:
                yield future.result()
            except Exception:  # the worker died (killed, out of memory)
                yield FileResult(name, FAILED, message="处理进程意外退出（可能是内存不足或被终止）")


def _build_one_with_helper(name: str, targets: dict[str, Path], options: BuildOptions):
    """One file on several cores: a helper process loads WeasyPrint and the fonts (about
    half a second) while this one validates and renders HTML, then typesets the PDF while
    this one renders the DOCX."""
    if "pdf" not in targets:
        return build_file(name, targets, options)
    with _pool(1) as pool:
        pool.submit(_warm_up, options.template_dir)
        return build_file(name, targets, options, pdf_pool=pool)


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """Worker processes that die with this one; an interrupt stops them at once."""
    from reportgen.lifeline import start_worker, stop_pool

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_context(),
        initializer=start_worker,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def _typeset_in_helper(page: str, template_dir: Path | None) -> bytes:
    """The PDF of a one-file build, typeset by its helper process.

    The helper typesets this one document and ends, and the end of the process frees
    everything at once: collecting the document's garbage first (~40 ms) would only
    delay the build.
    """
    from reportgen.render import weasy
    from reportgen.render.pdf import html_to_pdf

    with weasy.collection_deferred():
        return html_to_pdf(page, template_dir)


def _warm_up(template_dir: Path | None) -> None:
    from reportgen.render.pdf import warm_up

    warm_up(template_dir)


def _context():
    """Fork where available: workers start at once, without importing reportgen again."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def summary(results: list[FileResult], seconds: float) -> dict[str, Any]:
    """The machine-readable summary of ``reportgen build --json``."""
    return {
        "ok": all(r.ok for r in results),
        "files": [r.to_dict() for r in results],
        "built": sum(r.status == BUILT for r in results),
        "drafts": sum(r.status == DRAFT for r in results),
        "failed": sum(r.status not in (BUILT, DRAFT) for r in results),
        "seconds": round(seconds, 3),
    }


def exit_code(results: list[FileResult]) -> int:
    """0 when every file was built clean; 1 if any failed or is only a draft; 2 unreadable."""
    return max((r.exit_code for r in results), default=EXIT_OK)

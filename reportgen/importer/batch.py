"""Import many published reports, in parallel processes, as ``build`` builds many files.

An auditor imports a folder of hundreds of reports.  Each source is imported, its report
file written (atomically) and its messages prepared in a worker; the parent only prints,
so the output of one file is never interleaved with another's.  What a worker returns is a
small picklable record, not the :class:`ImportResult` (which holds the format definition).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.errors import EXIT_OK, EXIT_USAGE, InputError, ReportgenError
from reportgen.render.build import _pool  # workers that die with this process, as build's

LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass
class FileImport:
    """The outcome of importing one source."""

    source: str
    target: str | None
    exit_code: int = EXIT_OK
    yaml: str | None = None  # only kept when it goes to stdout
    info: dict[str, Any] | None = None
    messages: list[str] = field(default_factory=list)
    error: str | None = None


def import_one(source: str, target: str | None, force: bool, keep_yaml: bool) -> FileImport:
    """Import ``source``; write the report file to ``target`` (if any)."""
    from reportgen.atomic import atomic_write_text
    from reportgen.importer import import_file
    from reportgen.limits import MAX_REPORT_BYTES, too_large

    out = FileImport(source, target)
    try:
        if target is not None and Path(target).exists() and not force:
            raise InputError("输出文件已存在", file=target, hint="加 --force 覆盖。")
        result = import_file(source)
        text = result.to_yaml()
        if len(text.encode("utf-8")) > MAX_REPORT_BYTES:
            # check would refuse the file: do not write one
            raise too_large(source, None, MAX_REPORT_BYTES, "报告文件（导入结果）")
        if target is not None:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(Path(target), text)
    except ReportgenError as exc:
        out.error = exc.message
        out.exit_code = exc.exit_code
        out.messages.append(f"错误：{exc}")
        return out
    out.yaml = text if keep_yaml else None
    out.info = result.to_json()
    if target is not None:
        out.info["output"] = target
    out.messages = findings(result, target)
    out.exit_code = result.exit_code
    return out


def findings(result, target: str | None) -> list[str]:
    """What the command prints about one import: findings, rows not found, a summary."""
    name = result.source
    lines = []
    for finding in result.findings:
        where = f"{name}（{finding.ref}）" if finding.ref else name
        lines.append(f"{where}: {LABELS[finding.severity]} {finding.message}")
    for path, reason in result.skipped.items():
        if reason.startswith("原文中没有"):  # unreadable rows were reported as errors above
            lines.append(f"{name}: 未导入 {path}：{reason}")
    confidence = "，".join(
        f"{result.format.tables[k].name} {v:.2f}" for k, v in result.confidence.items()
    )
    state = "完整" if result.complete else f"有 {len(result.skipped)} 行未导入"
    written = f" → {target}" if target else ""
    agency = result.agency or "（机关名称未找到）"
    lines.append(
        f"{name}: {agency} {result.year} 年，{result.format.name}；{state}；"
        f"可信度 {confidence}{written}"
    )
    return lines


def _job(args: tuple[str, str | None, bool, bool]) -> FileImport:
    return import_one(*args)


def import_all(
    plan: list[tuple[str, str | None]], force: bool, keep_yaml: bool, jobs: int | None
) -> Iterator[FileImport]:
    """Import every (source, target), yielding as each finishes (in-process when jobs is 1)."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    if jobs == 1 or len(plan) == 1:
        for source, target in plan:
            yield import_one(source, target, force, keep_yaml)
        return
    with _pool(min(jobs, len(plan))) as pool:
        futures = {
            pool.submit(_job, (source, target, force, keep_yaml)): (source, target)
            for source, target in plan
        }
        for future in as_completed(futures):
            source, target = futures[future]
            try:
                yield future.result()
            except Exception as exc:  # the worker died (killed, out of memory)
                failed = FileImport(source, target, exit_code=EXIT_USAGE)
                failed.error = f"{type(exc).__name__}: {exc}"
                failed.messages.append(f"错误：{source}: 导入进程异常退出（{failed.error}）")
                yield failed

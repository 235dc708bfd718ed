"""Audit many reports: read every source, pair the years, check every rule, classify.

Two passes, both in parallel worker processes:

1. *read*: a report file is parsed just far enough to know its agency and year; a published
   report (text, HTML, DOCX, PDF) is imported once with :func:`reportgen.importer.import_file`,
   which also says how completely each table was read (its confidence).
2. *check*: each report is checked with every rule of its format and every auditor's rule,
   with last year's report of the same agency (found in the input or ``--previous-dir``,
   agency names compared after :func:`~reportgen.audit.names.agency_key`) for the
   cross-year rules.

What is kept per report is small (counts, problems, one tuple of cell values), so memory
stays flat whatever the number of reports; nothing a worker raises stops the run.

Every problem is classified: ``published`` when the tables it is about were read
completely (the published report is wrong), ``reading`` when one of them was not (reportgen
may have misread it).  The auditor sees the two apart.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.audit.checks import AuditContext, ImportInfo, format_version, run_audit_checks
from reportgen.audit.names import agency_key
from reportgen.definition import _load_yaml, formats
from reportgen.errors import Problem, ReportgenError, sort_problems
from reportgen.paths import templates_dir
from reportgen.render.build import _context

#: Report files (YAML) and the published forms the importer reads, for folder walks.
REPORT_SUFFIXES = (".yaml", ".yml")
PUBLISHED_SUFFIXES = (".txt", ".html", ".htm", ".shtml", ".docx", ".pdf")

#: Overall state of one audited report, worst first.
UNREADABLE, WRONG, INCOMPLETE, WARNINGS, PASSED = (
    "unreadable",
    "wrong",
    "incomplete",
    "warnings",
    "passed",
)
STATUS_LABELS = {
    UNREADABLE: "无法读取",
    WRONG: "原文有误",
    INCOMPLETE: "未完整读出",
    WARNINGS: "有警告",
    PASSED: "通过",
}
#: Where a problem comes from (see the module docstring).
PUBLISHED, READING = "published", "reading"
ORIGIN_LABELS = {PUBLISHED: "原文有误", READING: "可能是读取问题"}
#: Rules about the text that also depend on tables 三 and 四 being read.
_TEXT_VS_TABLES = {"X-2": ("applications",), "X-3": ("applications", "appeals")}


@functools.cache
def overview_spec() -> dict[str, Any]:
    """The key figures and chart size, from ``templates/audit/overview.yaml``."""
    return _load_yaml(templates_dir() / "audit" / "overview.yaml")


@functools.cache
def value_columns() -> tuple[str, ...]:
    """Every cell path of tables 二、三、四 in either format (newest first), once each."""
    seen: dict[str, None] = {}
    for fmt in formats().values():
        for path in fmt.cells:
            seen.setdefault(path, None)
    return tuple(seen)


@dataclass
class Source:
    """One input after the read pass."""

    path: str
    kind: str  # "report" for a report file, else the import's kind (text, html, docx, pdf)
    agency: str = ""
    year: int | None = None
    text: str | None = None  # the report file (as written, or as imported)
    imported: ImportInfo | None = None
    message: str | None = None  # why it could not be read at all
    #: where ``text`` was put between the passes (None: in ``text``, or the file itself)
    stored: str | None = None

    @property
    def key(self) -> tuple[str, int | None]:
        return agency_key(self.agency), self.year

    @property
    def readable(self) -> bool:
        return self.message is None

    def report_text(self) -> str:
        """The report file's text, wherever the read pass left it."""
        if self.text is not None:
            return self.text
        from reportgen.source import decode

        where = self.stored or self.path
        return decode(Path(where).read_bytes(), self.path)

    def put_away(self, folder: str, index: int) -> None:
        """Keep the text on disk between the passes: the main process holds no report text."""
        if self.text is None:
            return
        if self.kind != "report":
            self.stored = str(Path(folder) / f"{index}.yaml")
            Path(self.stored).write_text(self.text, encoding="utf-8")
        self.text = None


@dataclass
class Audited:
    """One report after the check pass: everything the outputs show."""

    path: str
    kind: str
    agency: str
    year: int | None
    format_id: str | None
    status: str
    problems: list[Problem] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)  # PUBLISHED or READING, per problem
    figures: dict[str, Any] = field(default_factory=dict)
    values: tuple | None = None  # aligned with value_columns()
    confidence: dict[str, float] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)  # what could not be read, in words
    blank_cells: int = 0
    previous: str | None = None  # the source last year's report came from
    message: str | None = None

    @property
    def errors(self) -> int:
        return sum(
            p.is_error and o == PUBLISHED for p, o in zip(self.problems, self.origins, strict=True)
        )

    @property
    def doubtful(self) -> int:
        return sum(o == READING for o in self.origins)

    @property
    def warnings(self) -> int:
        return sum(
            not p.is_error and p.acknowledged is None and o == PUBLISHED
            for p, o in zip(self.problems, self.origins, strict=True)
        )

    @property
    def explained(self) -> int:
        return sum(p.acknowledged is not None for p in self.problems)

    @property
    def rules(self) -> list[str]:
        return sorted({p.rule for p in self.problems if p.open})

    @property
    def completeness(self) -> float | None:
        """The mean confidence of its tables (1.0 for a report file), None if unread."""
        if self.status == UNREADABLE:
            return None
        if not self.confidence:
            return 1.0
        return round(sum(self.confidence.values()) / len(self.confidence), 2)


# ------------------------------------------------------------------ the inputs


def collect(sources: Iterable[str]) -> list[str]:
    """Files named, and the report files and published reports inside folders (recursive)."""
    found: list[str] = []
    for name in sources:
        path = Path(name)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.is_file() and child.suffix.lower() in (
                    *REPORT_SUFFIXES,
                    *PUBLISHED_SUFFIXES,
                ):
                    found.append(str(child))
        else:
            found.append(name)
    return list(dict.fromkeys(found))


def read(path: str) -> Source:
    """Pass 1 for one input; never raises."""
    try:
        if path.lower().endswith(REPORT_SUFFIXES):
            return _read_report_file(path)
        return _read_published(path)
    except ReportgenError as exc:
        return Source(path, "report" if path.lower().endswith(REPORT_SUFFIXES) else "?",
                      message=str(exc.message))  # fmt: skip
    except Exception as exc:  # a reader bug on one odd file must not stop the others
        return Source(path, "?", message=f"读取时出错（{type(exc).__name__}: {exc}）")


def _read_report_file(path: str) -> Source:
    from reportgen.source import read_source

    src = read_source(path)
    data = src.data if isinstance(src.data, dict) else {}
    year = data.get("year") if isinstance(data.get("year"), int) else None
    agency = data.get("agency") if isinstance(data.get("agency"), str) else ""
    return Source(path, "report", agency.strip(), year, src.text)


def _read_published(path: str) -> Source:
    from reportgen.importer import import_file

    result = import_file(path)
    info = ImportInfo(
        kind=result.kind,
        confidence=dict(result.confidence),
        blanks={k: list(v) for k, v in result.blanks.items()},
        headings=dict(result.sections_found),
        skipped=dict(result.skipped),
        findings=[f.to_dict() for f in result.findings],
        table_format=result.format.id,
        year_format=(result.versions or {}).get("year"),
    )
    return Source(path, result.kind, result.agency, result.year, result.to_yaml(), info)


# ------------------------------------------------------------------ checking one report


def check(source: Source, previous: Source | None) -> Audited:
    """Pass 2 for one report; never raises."""
    try:
        return _check(source, previous)
    except Exception as exc:
        return Audited(
            source.path,
            source.kind,
            source.agency,
            source.year,
            None,
            UNREADABLE,
            message=f"检查时出错（{type(exc).__name__}: {exc}）",
        )


def _report_of(source: Source):
    from reportgen.source import parse_text
    from reportgen.validate import build_report

    return build_report(parse_text(source.report_text(), source.path))


def _check(source: Source, previous: Source | None) -> Audited:
    from reportgen.acknowledge import apply
    from reportgen.validate import check_report

    result = Audited(source.path, source.kind, source.agency, source.year, None, PASSED)
    if not source.readable:
        result.status, result.message = UNREADABLE, source.message
        return result
    info = source.imported
    if info is not None:
        result.confidence = dict(info.confidence)
        result.blank_cells = sum(len(c) for c in info.blanks.values())
        result.unread = _unread(info)
    outcome = _report_of(source)
    problems = list(outcome.problems)
    report = outcome.report
    if info is not None:
        problems += format_version(source.path, source.year, info)
    if report is not None:
        result.format_id = report.format.id
        result.agency = report.agency
        last = None
        if previous is not None and previous.readable:
            last = _report_of(previous).report
            if last is not None:
                result.previous = previous.path
        problems += check_report(report, last)
        problems += run_audit_checks(AuditContext(report, last, info))
        problems = apply(report, problems, previous=last is not None, audited=True)
        result.values = tuple(report.values.get(p) for p in value_columns())
        for figure in overview_spec()["figures"]:
            result.figures[figure["key"]] = sum(report.values[c] for c in figure["cells"])
    if info is not None:
        problems = [p for p in problems if not _said_unread(p, info)]
        for p in problems:  # lines of the generated file mean nothing to the auditor
            p.line = p.column = None
        if report is None and result.unread:
            result.unread.append("表格不完整，其余各项检查未能进行")
    result.problems = sort_problems(problems)
    result.origins = [_origin(p, info, report) for p in result.problems]
    result.status = _status(result)
    return result


#: Reasons shown per table that was not read completely (the importer gives one per row).
_REASONS_SHOWN = 3


def _unread(info: ImportInfo) -> list[str]:
    """What the import could not read, table by table, in words."""
    out = []
    tables = formats()[info.table_format].tables if info.table_format else {}
    for key, score in info.confidence.items():
        if score >= 1:
            continue
        table = tables.get(key)
        name = table.name if table else key
        reasons = sorted({r for p, r in info.skipped.items() if p.split(".")[0] == key})
        if len(reasons) > _REASONS_SHOWN:
            more = len(reasons) - _REASONS_SHOWN
            reasons = [*reasons[:_REASONS_SHOWN], f"另有 {more} 行读不出"]
        what = "原文中没有这张表，或表格是图片" if score == 0 else f"只读出约 {round(score * 100)}%"
        out.append(f"{name}：{what}" + (f"（{'；'.join(reasons)}）" if reasons else ""))
    return out


def _said_unread(problem: Problem, info: ImportInfo) -> bool:
    """A row missing from a table that was not read completely: ``unread`` says so once."""
    table = (problem.path or "").split(".")[0]
    return problem.rule == "E-MISSING" and info.confidence.get(table, 1.0) < 1


def _origin(problem: Problem, info: ImportInfo | None, report) -> str:
    if info is None:
        return PUBLISHED
    tables = set(_TEXT_VS_TABLES.get(problem.rule, ()))
    head = (problem.path or "").split(".")[0]
    fmt = report.format if report is not None else None
    if fmt is not None:
        if head in fmt.tables:
            tables.add(head)
        tables.update(k for k, t in fmt.tables.items() if t.name == problem.table)
    elif problem.rule.startswith("E-"):
        return READING  # the import did not give a loadable file
    if any(info.confidence.get(t, 0.0) < 1 for t in tables):
        return READING
    return PUBLISHED


def _status(result: Audited) -> str:
    if result.errors:
        return WRONG
    if result.unread or (result.doubtful and result.format_id is None):
        return INCOMPLETE
    if result.warnings or result.doubtful:
        return WARNINGS
    return PASSED


# ------------------------------------------------------------------ many reports


def pair(sources: list[Source], earlier: list[Source]) -> dict[str, Source]:
    """Last year's report of the same agency, by path, from the inputs or ``earlier``."""
    index: dict[tuple[str, int | None], Source] = {}
    for src in (*earlier, *sources):
        if src.readable and src.year is not None and src.agency:
            index.setdefault(src.key, src)
    by_year: dict[int | None, list[Source]] = {}
    for src in index.values():
        by_year.setdefault(src.year, []).append(src)
    found = {}
    for src in sources:
        if src.year is None or not src.agency:
            continue
        key = agency_key(src.agency)
        last = index.get((key, src.year - 1))
        if last is None:
            last = _with_place_prefix(key, by_year.get(src.year - 1, []))
        if last is not None:
            found[src.path] = last
    return found


#: The last character of a place name a site may print in front of an agency or leave off.
_PLACE_END = "省市州盟县区旗"


def _with_place_prefix(key: str, candidates: list[Source]) -> Source | None:
    """The one candidate whose name is this one with a place in front, or the reverse
    (淮安市洪泽区人民政府 / 洪泽区人民政府); the suffix — 人民政府, 政府办公室 — must match."""
    found = []
    for other in candidates:
        okey = agency_key(other.agency)
        short, long_ = sorted((key, okey), key=len)
        if short != long_ and long_.endswith(short) and long_[: -len(short)][-1] in _PLACE_END:
            found.append(other)
    return found[0] if len(found) == 1 else None


def duplicates(results: list[Audited]) -> dict[str, str]:
    """Reports of the same agency and year given twice: path -> the first one's path."""
    first: dict[tuple[str, int | None], str] = {}
    found = {}
    for r in results:
        if not r.agency or r.year is None:
            continue
        key = (agency_key(r.agency), r.year)
        if key in first:
            found[r.path] = first[key]
        else:
            first[key] = r.path
    return found


def _check_job(args: tuple[Source, Source | None]) -> Audited:
    return check(*args)


def _read_job(args: tuple[int, str, str]) -> Source:
    index, path, folder = args
    source = read(path)
    source.put_away(folder, index)
    return source


def run(
    paths: list[str],
    previous_paths: list[str] | None = None,
    jobs: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Iterator[Audited]:
    """Audit ``paths``; yield each report's result in input order.

    ``progress(stage, done, total)`` is called as work completes (stage ``read``/``check``).
    """
    previous_paths = previous_paths or []
    jobs = max(1, jobs or os.cpu_count() or 1)
    everything = [*paths, *previous_paths]
    pool = None
    if jobs > 1 and len(everything) > 1:
        _warm()
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(everything)), mp_context=_context())
    store = tempfile.TemporaryDirectory(prefix="reportgen-audit-")
    try:
        jobs_in = [(i, path, store.name) for i, path in enumerate(everything)]
        read_sources = list(_map(pool, _read_job, jobs_in, "read", progress))
        sources, earlier = read_sources[: len(paths)], read_sources[len(paths) :]
        pairs = pair(sources, earlier)
        del read_sources, earlier
        jobs_args = [(s, pairs.get(s.path)) for s in sources]
        del sources
        yield from _map(pool, _check_job, jobs_args, "check", progress)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        store.cleanup()


def _map(pool, func, items: list, stage: str, progress) -> Iterator[Any]:
    total = len(items)
    if pool is None:
        results = map(func, items)
    else:
        chunk = max(1, min(32, total // (8 * (pool._max_workers or 1)) or 1))
        results = pool.map(func, items, chunksize=chunk)
    for done, result in enumerate(results, 1):
        if progress is not None:
            progress(stage, done, total)
        yield result


def _warm() -> None:
    """Import and build what every worker needs once, before forking them."""
    import reportgen.importer  # noqa: F401
    from reportgen.validate import check_text
    from reportgen.writer import skeleton

    for fmt in formats().values():
        check_text(skeleton(fmt, fmt.first_year))  # builds the model and the rules
    value_columns()
    overview_spec()

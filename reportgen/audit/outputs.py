"""Write the audit's files into its folder, each atomically.

``audit.html`` (the page), ``audit.xlsx`` (three sheets), ``audit.csv`` (the overview),
``audit.json`` (everything) and one ``<agency>-<year>.txt`` per report with its own
problems.  Every file is complete or absent: written to a temporary file and renamed.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import BinaryIO

from reportgen.atomic import atomic_open, atomic_write_text
from reportgen.audit.run import ORIGIN_LABELS, PUBLISHED, READING, STATUS_LABELS
from reportgen.audit.summary import Row, Summary, completeness_text, report_json
from reportgen.definition import formats
from reportgen.errors import SEVERITY_LABELS, OutputError

#: Names of the files ``reportgen audit`` writes besides the per-report texts.
FILES = ("audit.html", "audit.xlsx", "audit.csv", "audit.json")


def write_all(summary: Summary, folder: Path) -> list[Path]:
    """Every output of the audit; returns the paths written."""
    from reportgen.audit.html import write_html
    from reportgen.audit.xlsx import write_xlsx

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹：{exc.strerror}", file=str(folder)) from None
    written = []
    writers = {  # each streams into its file: no output is ever whole in memory
        "audit.html": write_html,
        "audit.xlsx": write_xlsx,
        "audit.csv": write_csv,
        "audit.json": write_json,
    }
    for name, write in writers.items():
        with atomic_open(folder / name, "wb") as fh:
            write(summary, fh)
        written.append(folder / name)
    texts = [(folder / f"{row.stem}.txt", report_text(row)) for row in summary.rows]
    _write_many(texts)
    return written + [path for path, _ in texts]


def _write_many(items: list[tuple[Path, str]]) -> None:
    """Many small files, each atomic (a temporary file renamed over the target); the disk
    flushes run in threads, so a thousand reports do not wait for a thousand in a row."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda item: atomic_write_text(*item), items))


def write_csv(summary: Summary, fh: BinaryIO) -> None:
    """The overview, UTF-8 with a BOM so that Excel opens it in Chinese."""
    out = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(summary.overview_header)
    for row in summary.rows:
        writer.writerow(["" if v is None else v for v in row.cells])
    out.flush()
    out.detach()


def write_json(summary: Summary, fh: BinaryIO) -> None:
    """Everything, one report per line (streamed: the C encoder, no indent, ten times faster
    than an indented dump on a big audit)."""
    data = {
        "totals": summary.totals,
        "by_status": summary.by_status,
        "frequent_problems": [
            {"rule": rule, "name": name, "problems": n, "reports": reports}
            for rule, name, n, reports in summary.frequent
        ],
    }
    fh.write((_dumps(data)[:-1] + ',"reports":[').encode("utf-8"))
    for i, row in enumerate(summary.rows):
        fh.write((("," if i else "") + "\n" + _dumps(report_json(row))).encode("utf-8"))
    fh.write(b"\n]}\n")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def report_text(row: Row) -> str:
    """One report's problems, for the agency that wrote it."""
    r = row.result
    lines = [
        f"机关：{r.agency or '（未读出）'}",
        f"年度：{r.year or '（未读出）'}",
        f"格式：{formats()[r.format_id].name if r.format_id else '（未确定）'}",
        f"来源文件：{r.path}",
        f"读取完整度：{completeness_text(r.completeness)}",
        f"结论：{STATUS_LABELS[r.status]}（错误 {r.errors}，读取存疑 {r.doubtful}，"
        f"警告 {r.warnings}，已说明 {r.explained}）",
    ]
    if r.previous:
        lines.append(f"上年报告：{r.previous}")
    if row.note:
        lines.append(f"备注：{row.note}")
    groups = (
        ("原文有误", lambda p, o: o == PUBLISHED and p.acknowledged is None),
        (ORIGIN_LABELS[READING] + "（请对照原文核实）", lambda p, o: o == READING),
        ("已说明的警告", lambda p, o: p.acknowledged is not None),
    )
    for title, wanted in groups:
        chosen = [p for p, o in zip(r.problems, r.origins, strict=True) if wanted(p, o)]
        if not chosen:
            continue
        lines += ["", f"{title}（{len(chosen)}）："]
        for p in chosen:
            lines.append(f"  {SEVERITY_LABELS[p.severity]} {p.rule} {p.message}")
            if p.acknowledged:
                lines.append(f"      说明：{p.acknowledged}")
            elif p.hint:
                lines.append(f"      提示：{p.hint}")
    if not r.problems and not row.note:
        lines += ["", "没有发现问题。"]
    return "\n".join(lines) + "\n"

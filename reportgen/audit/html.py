"""``audit.html``: one self-contained page (styles and script inlined, no request to anything).

The page is rendered from ``templates/audit/audit.html.j2`` with the rows of
:mod:`reportgen.audit.summary`; sorting and filtering are a small inline script over
``data-`` attributes, so the page also reads (unsorted) without script.
"""

from __future__ import annotations

import functools
from typing import Any, BinaryIO

from reportgen.audit.run import ORIGIN_LABELS, STATUS_LABELS, overview_spec
from reportgen.audit.summary import OVERVIEW_COLUMNS, Summary, completeness_text, rule_names
from reportgen.errors import SEVERITY_LABELS
from reportgen.paths import templates_dir


@functools.cache
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(str(templates_dir() / "audit")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def write_html(summary: Summary, fh: BinaryIO) -> None:
    """Stream the page into ``fh`` (Jinja's ``generate``: never the whole page in memory)."""
    env = _environment()
    folder = templates_dir() / "audit"
    names = rule_names()
    rules_seen = sorted({rule for row in summary.rows for rule in row.result.rules})
    years = sorted({row.result.year for row in summary.rows if row.result.year})
    top = max((n for _, _, n, _ in summary.frequent), default=0)
    stream = env.get_template("audit.html.j2").generate(
        css=(folder / "audit.css").read_text(encoding="utf-8"),
        script=(folder / "audit.js").read_text(encoding="utf-8"),
        summary=summary,
        rows=(_row(row, len(summary.figure_names)) for row in summary.rows),
        columns=OVERVIEW_COLUMNS,
        figure_names=summary.figure_names,
        figure_totals=[summary.totals[f["key"]] for f in overview_spec()["figures"]],
        status_labels=STATUS_LABELS,
        rules=[(rule, names.get(rule, rule)) for rule in rules_seen],
        years=years,
        chart=[
            {
                "rule": rule,
                "name": name,
                "count": n,
                "reports": reports,
                "percent": round(100 * n / top) if top else 0,
            }
            for rule, name, n, reports in summary.frequent
        ],
    )
    for chunk in stream:
        fh.write(chunk.encode("utf-8"))


def _row(row, figures: int) -> dict[str, Any]:
    r = row.result
    problems = []
    for p, origin in zip(r.problems, r.origins, strict=True):
        where = "".join(
            part
            for part in (
                p.table or "",
                f"「{p.row}」行" if p.row else "",
                f"「{p.col}」列" if p.col else "",
            )
        )
        problems.append(
            {
                "severity": p.severity,
                "severity_label": SEVERITY_LABELS[p.severity],
                "origin": origin,
                "origin_label": ORIGIN_LABELS[origin],
                "rule": p.rule,
                "where": where,
                "message": p.message,
                "hint": p.hint,
                "acknowledged": p.acknowledged,
                "key": p.key,
            }
        )
    return {
        "id": row.stem,
        "agency": r.agency or "（未读出）",
        "year": r.year or "",
        "format": row.cells[2],
        "path": r.path,
        "completeness": completeness_text(r.completeness),
        "completeness_value": -1 if r.completeness is None else r.completeness,
        "status": r.status,
        "status_label": STATUS_LABELS[r.status],
        "errors": r.errors,
        "doubtful": r.doubtful,
        "warnings": r.warnings,
        "explained": r.explained,
        "rules": r.rules,
        "figures": row.cells[len(OVERVIEW_COLUMNS) : len(OVERVIEW_COLUMNS) + figures],
        "note": row.note,
        "previous": r.previous,
        "text_file": f"{row.stem}.txt",
        "problems": problems,
    }

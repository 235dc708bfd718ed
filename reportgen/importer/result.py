"""What an import found in one source, and what it did not find.

An :class:`ImportResult` is the one record every later step reads: the report file is written
from it (:meth:`ImportResult.to_yaml`), ``reportgen import --json`` describes it
(:meth:`ImportResult.to_json`), and the command prints its findings.  Rows that were not
imported are kept by path with their reason, so nothing missing goes unmentioned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reportgen.definition import Format
from reportgen.importer.report_file import SKIPPED_MARK, report_file
from reportgen.importer.tables import RowRead, row_leaves


@dataclass
class Finding:
    severity: str  # error | warning | info
    message: str
    ref: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class ImportResult:
    """Everything import found in one source, and what it did not find."""

    source: str
    kind: str
    format: Format
    year: int
    agency: str
    #: where the agency and the year were read (标题, 正文, 统计期限, 落款, 发布机构 …)
    agency_from: str | None = None
    year_from: str | None = None
    published: dt.date | None = None
    published_from: str | None = None
    sections: dict[str, str] = field(default_factory=dict)
    sections_found: dict[str, str | None] = field(default_factory=dict)
    rows: dict[tuple[str, str], RowRead] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # "table.row" -> reason
    blanks: dict[str, list[str]] = field(default_factory=dict)  # "table.row" -> columns
    findings: list[Finding] = field(default_factory=list)
    versions: dict[str, str | None] = field(default_factory=dict)
    mixed: bool = False
    confidence: dict[str, float] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when every row of every table was read."""
        return not self.skipped

    @property
    def exit_code(self) -> int:
        return 0 if self.complete else 1

    def note(self, path: str, text: str) -> None:
        """Add a remark to the comment of row ``path`` (``table.row``) in the report file."""
        self.notes[path] = f"{self.notes[path]}；{text}" if path in self.notes else text

    def skip(self, path: str, reason: str) -> None:
        """Leave row ``path`` out of the report file, saying why."""
        self.skipped[path] = reason
        self.note(path, SKIPPED_MARK + reason)

    def to_yaml(self) -> str:
        return report_file(self)

    def to_json(self) -> dict[str, Any]:
        tables: dict[str, Any] = {}
        for tkey, table in self.format.tables.items():
            rows = {}
            for leaf in row_leaves(table):
                path = leaf.dotted or "values"
                read = self.rows.get((tkey, path))
                entry: dict[str, Any] = {"label": leaf.label or table.caption}
                if read is None:
                    entry["status"] = "not_found"
                else:
                    entry.update(
                        status=read.status,
                        published_label=read.label,
                        source=read.source,
                        values=[_json_value(v) for v in read.values] if read.readable else None,
                    )
                    if read.reason:
                        entry["reason"] = read.reason
                    if read.candidates:
                        entry["candidates"] = read.candidates
                    if read.cell_candidates:
                        entry["cell_candidates"] = read.cell_candidates
                    if read.relaxed:
                        entry["rules_broken_by_published_numbers"] = True
                    if read.unit:
                        entry["unit"] = read.unit
                note_key = f"{tkey}.{path}" if leaf.dotted else f"{tkey}"
                blanks = [b for k, v in self.blanks.items() if k.startswith(note_key) for b in v]
                if blanks:
                    entry["blank_cells"] = blanks
                rows[path] = entry
            tables[tkey] = {
                "name": table.name,
                "caption": table.caption,
                "confidence": self.confidence.get(tkey, 0.0),
                "rows": rows,
            }
        found = [k for k, v in self.sections_found.items() if v]
        return {
            "source": self.source,
            "kind": self.kind,
            "agency": self.agency,
            "agency_from": self.agency_from,
            "year": self.year,
            "year_from": self.year_from,
            "published": self.published.isoformat() if self.published else None,
            "published_from": self.published_from,
            "format": self.format.id,
            "versions": self.versions,
            "mixed_versions": self.mixed,
            "sections": {
                s.key: {"label": s.label, "heading": self.sections_found.get(s.key)}
                for s in self.format.sections
            },
            "found": {
                "sections": found,
                "rows": sorted(f"{t}.{r}" for (t, r), v in self.rows.items() if v.readable),
            },
            "not_found": {
                "sections": [s.key for s in self.format.sections if s.key not in found],
                "rows": sorted(self.skipped),
            },
            "blank_cells": self.blanks,
            "tables": tables,
            "findings": [f.to_dict() for f in self.findings],
            "complete": self.complete,
        }


def _json_value(value: Any) -> Any:
    """Money stays exact in JSON: a Decimal is written as its digits, not as a float."""
    if isinstance(value, Decimal):
        return str(value)
    return value

"""One report being edited in the browser: its answers, its draft, its checks, its file.

The form keeps its state in the wizard's :class:`~reportgen.wizard.answers.AnswerStore`, so
the browser and ``reportgen new`` share one draft (``report.yaml.draft``, written atomically
on every change) and write the same commented YAML through
:func:`~reportgen.writer.dump_report`.  Checking builds exactly that file and runs the
validator on it (``check_text``), so the page never disagrees with ``reportgen check``.
Cells are parsed as the wizard parses answers; defaults from last year's report come from
:mod:`reportgen.wizard.carry_over`, as in the wizard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.atomic import atomic_write_text
from reportgen.definition import Format, format_for_year, formats
from reportgen.errors import ERROR, InputError, Problem
from reportgen.model import TOP_LEVEL
from reportgen.report import Report
from reportgen.wizard.answers import ACKNOWLEDGED, AnswerStore, draft_path_for, fillable_keys
from reportgen.wizard.carry_over import carried_value, carry_rules
from reportgen.wizard.questions import AnswerError, parse_date, parse_value, stored

#: Keys of the report file the form edits besides the wizard's answers.
TITLE = "title"
PREVIOUS = "@previous"
#: cells still showing last year's default, kept in the draft so a reload keeps them
CARRY = "@serve.carry"


@dataclass
class Editing:
    """A report file of the served folder and the answers typed for it."""

    target: Path
    name: str
    store: AnswerStore
    previous: Report | None = None
    previous_name: str | None = None
    #: cells still showing last year's default (not typed by the user)
    carry: set[str] = field(default_factory=set)

    @property
    def fmt(self) -> Format:
        year = self.store.get("year")
        fmt = format_for_year(year) if isinstance(year, int) else None
        return fmt or next(iter(formats().values()))  # the newest, until the year is valid

    # ---------------------------------------------------------------- opening

    @classmethod
    def open(
        cls,
        target: Path,
        name: str,
        previous: tuple[str, Report] | None = None,
        year: int | None = None,
        agency: str | None = None,
    ) -> Editing:
        """A draft if one was left, else the file, else a new report (prefilled like the
        wizard: the agency and the following year from last year's report)."""
        draft = draft_path_for(target)
        store = None
        if draft.exists():
            try:
                store = AnswerStore.load_draft(draft)
            except InputError:
                store = None
            if store is not None:
                store.target = target
        if store is None and target.exists():
            store = AnswerStore.from_report_file(target)
            _read_title(store, target)
        new = store is None
        if store is None:
            store = AnswerStore(target)
            prev = previous[1] if previous else None
            store.values["agency"] = agency or (prev.agency if prev else "")
            fallback = prev.year + 1 if prev else dt.date.today().year - 1
            store.values["year"] = year if year and format_for_year(year) else fallback
            store.values["published"] = None
        store.autosave = False
        editing = cls(target, name, store)
        chosen = previous
        if chosen is None and store.get(PREVIOUS):
            chosen = _load_previous_quietly(Path(store.get(PREVIOUS)))
        if chosen is not None:
            editing.set_previous(*chosen)
        if not new:
            editing.carry = set(store.get(CARRY) or ()) & set(editing.fmt.cells)
        elif editing.previous is not None:
            editing.carry = {
                path
                for path, cell in editing.fmt.cells.items()
                if path not in store and next(carry_rules(editing.fmt, cell), None)
            }
            editing.fill_carried()
        return editing

    def set_previous(self, path: str, report: Report) -> None:
        self.previous = report
        self.previous_name = Path(path).name
        self.store.previous = str(path)
        self.store.values[PREVIOUS] = str(path)

    # ---------------------------------------------------------------- the form's state

    def fill_carried(self) -> dict[str, tuple[str, str]]:
        """Give cells still on their default last year's figure, in printed order, each
        from the answers before it — the wizard's order of questions."""
        filled: dict[str, tuple[str, str]] = {}
        if self.previous is None:
            return filled
        for path, cell in self.fmt.cells.items():
            if path not in self.carry:
                continue
            self.store.values.pop(path, None)
            carried = carried_value(self.fmt, self.previous, self.store.values, cell)
            if carried is not None:
                value, explanation = carried
                self.store.values[path] = stored(value)
                filled[path] = (str(value), f"预填：{explanation}")
        return filled

    def update(self, raw: dict[str, Any], carry: list[str] | None = None) -> list[Problem]:
        """Replace the answers by what the form shows; returns the entries that do not
        parse (located at their cell or field), which are left out of the report."""
        # bookkeeping and the file's explained warnings are not form fields: kept as they are
        kept = {
            k: v for k, v in self.store.values.items() if k.startswith("@") or k == ACKNOWLEDGED
        }
        problems: list[Problem] = []
        values: dict[str, Any] = dict(kept)
        year = str(raw.get("year", self.store.get("year"))).strip()
        if year.isdigit() and format_for_year(int(year)):
            self.store.values["year"] = int(year)  # the year picks the cells that exist
        fmt = self.fmt
        allowed = fillable_keys(fmt)
        for key, value in raw.items():
            if not isinstance(key, str) or not isinstance(value, (str, int, type(None))):
                continue
            text = "" if value is None else str(value)
            if key == "year":
                try:
                    values["year"] = int(text.strip())
                except ValueError:
                    problems.append(_field_problem("year", f"应为四位数的年份，实际为“{text}”"))
                    values["year"] = self.store.get("year")
            elif key == "agency":
                values["agency"] = text.strip()
            elif key == TITLE:
                if text.strip():
                    values[TITLE] = text.strip()
            elif key == "published":
                try:
                    date = parse_date(text)
                except AnswerError as exc:
                    problems.append(_field_problem("published", str(exc)))
                    date = None
                values["published"] = date.isoformat() if date else None
            elif key.startswith("sections."):
                values[key] = text.replace("\r\n", "\n")
            elif key in fmt.cells:
                if not text.strip():
                    continue
                cell = fmt.cells[key]
                try:
                    values[key] = stored(parse_value(cell.type, text))
                except AnswerError as exc:
                    problems.append(_cell_problem(cell, str(exc)))
            elif key in allowed:  # a unit or a header variant chosen from a list
                values[key] = text or None
        if carry is not None:
            self.carry = {p for p in carry if p in fmt.cells}
        values[CARRY] = sorted(self.carry)
        self.store.values = values
        return problems

    def report_text(self) -> str:
        """The report file the answers make, as ``reportgen new`` would write it."""
        from reportgen.writer import dump_report

        fmt = self.fmt
        data = self.store.report_data(fmt)
        if self.store.get(TITLE):
            data[TITLE] = self.store.get(TITLE)
        return dump_report(fmt, data)

    def check(self, parse_problems: list[Problem] | None = None) -> dict[str, Any]:
        """Every problem of the current answers, the text previews and the carried cells."""
        from reportgen.validate import check_text

        carried = self.fill_carried()
        outcome = check_text(self.report_text(), self.name, self.previous)
        problems = list(parse_problems or [])
        typed = {p.path for p in problems}
        problems += [p for p in outcome.problems if p.path not in typed]
        year = self.store.get("year")
        fmt = format_for_year(year) if isinstance(year, int) else None
        return {
            "format": fmt.id if fmt else None,
            "problems": [problem_json(p) for p in problems],
            "errors": sum(p.is_error for p in problems),
            "warnings": sum(not p.is_error for p in problems),
            "previews": previews(outcome.report) if outcome.report else {},
            "carried": carried,
        }

    # ---------------------------------------------------------------- writing

    def save_draft(self) -> None:
        self.store.save_draft()

    def save(self) -> None:
        """Write the report file atomically and drop the draft it came from."""
        atomic_write_text(self.target, self.report_text())
        self.store.discard_draft()


def _read_title(store: AnswerStore, target: Path) -> None:
    from reportgen.source import read_source

    data = read_source(target).data
    title = data.get(TITLE) if isinstance(data, dict) else None
    if isinstance(title, str) and title.strip():
        store.values[TITLE] = title.strip()


def _load_previous_quietly(path: Path) -> tuple[str, Report] | None:
    """Last year's report a draft refers to; a file gone or broken since is ignored."""
    from reportgen.errors import ReportgenError
    from reportgen.validate import load_previous

    try:
        return str(path), load_previous(path)
    except ReportgenError:
        return None


def _field_problem(key: str, message: str) -> Problem:
    return Problem(ERROR, "E-TYPE", f"「{key}」（{TOP_LEVEL[key]}）：{message}", path=key)


def _cell_problem(cell, message: str) -> Problem:
    return Problem(
        ERROR,
        cell.table.domain_rule or "E-TYPE",
        f"{cell.describe()}：{message}",
        table=cell.table.name,
        row=cell.row.label or None,
        col=cell.column.label,
        path=cell.path,
    )


def problem_json(problem: Problem) -> dict[str, Any]:
    """A problem as the page shows it: the message, the hint and the key it is about."""
    return {
        "severity": problem.severity,
        "rule": problem.rule,
        "message": problem.message,
        "hint": problem.hint,
        "path": problem.path,
        # a warning the report explains (acknowledged:): shown with its reason
        "acknowledged": problem.acknowledged,
    }


def previews(report: Report) -> dict[str, list[str] | None]:
    """Each text section as printed: its paragraphs with the table figures filled in."""
    from reportgen.render.text import section_paragraphs

    result: dict[str, list[str] | None] = {}
    for key in ("preface", *(s.key for s in report.format.text_sections)):
        try:
            result[key] = [p.text for p in section_paragraphs(report, key)]
        except Exception:  # a placeholder still being typed: the check names it
            result[key] = None
    return result

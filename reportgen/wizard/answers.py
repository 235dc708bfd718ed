"""The wizard's answers, and the draft that keeps them when a session is interrupted.

Every answer is written to a JSON draft next to the target file (``report.yaml.draft``) as
soon as it is given, atomically, so neither Ctrl-C, a crash nor a closed terminal loses
work; ``reportgen new --resume report.yaml.draft`` continues at the first unanswered
question.  The draft is removed once the report file is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportgen.atomic import atomic_write_text
from reportgen.definition import Format
from reportgen.errors import InputError
from reportgen.wizard.questions import (
    ENTRY_MODE,
    ROWS,
    AnswerError,
    all_cell_questions,
    balanced_key,
    parse_value,
    stored,
)

DRAFT_KIND = "reportgen-wizard-draft"
DRAFT_VERSION = 1
DRAFT_SUFFIX = ".draft"


def fillable_keys(fmt: Format) -> set[str]:
    """Cell paths and row attributes of ``fmt`` (answers for another format are ignored)."""
    return {k for q in all_cell_questions(fmt) for k in q.keys}


def put(tree: dict[str, Any], key: str, value: Any) -> None:
    """Set ``value`` at the dotted ``key`` of a nested mapping, creating the levels above."""
    *parents, last = key.split(".")
    for part in parents:
        tree = tree.setdefault(part, {})
    tree[last] = value


def draft_path_for(target: str | Path) -> Path:
    target = Path(target)
    return target.with_name(target.name + DRAFT_SUFFIX)


#: The explained warnings of an edited report file (``acknowledged:``), carried over unchanged.
ACKNOWLEDGED = "acknowledged"


class AnswerStore:
    """Answers by key (see :mod:`reportgen.wizard.questions`), saved as they come."""

    def __init__(
        self,
        target: str | Path,
        *,
        mode: str = "new",
        previous: str | None = None,
        values: dict[str, Any] | None = None,
        autosave: bool = True,
    ) -> None:
        self.target = Path(target)
        self.mode = mode
        self.previous = previous
        self.values: dict[str, Any] = dict(values or {})
        self.autosave = autosave
        #: True once an answer was given in this session (loading a file does not count)
        self.changed = False

    # -------------------------------------------------------------- mapping access

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.update({key: value})

    def update(self, values: dict[str, Any]) -> None:
        """Record answers; the draft is written once an answer differs from what was there
        (an edit that keeps every value, or reopens a step only to look, leaves no draft)."""
        differs = any(k not in self.values or self.values[k] != v for k, v in values.items())
        self.values.update(values)
        if self.autosave and differs:
            self.changed = True
        if self.autosave and self.changed:
            self.save_draft()

    # -------------------------------------------------------------- drafts

    @property
    def draft_path(self) -> Path:
        return draft_path_for(self.target)

    @property
    def answered(self) -> int:
        """How many answers the user has given (wizard settings not counted)."""
        return sum(not k.startswith("@") for k in self.values)

    @property
    def questions_answered(self) -> int:
        """How many questions are answered, as the clerk counts them: a row typed on one
        line is one, however many cells it fills (「已填写 37 项」, not 119 cells)."""
        from reportgen.definition import format_for_year
        from reportgen.wizard.questions import META_KEYS, step_questions, steps

        count = sum(k in self.values for k in META_KEYS)
        year = self.values.get("year")
        fmt = format_for_year(year) if isinstance(year, int) else None
        if fmt is None:
            return count
        for step in steps(fmt):
            questions = step_questions(fmt, step, self.values)
            count += sum(q.answered(self.values) for q in questions)
        return count

    def save_draft(self) -> Path:
        payload = {
            "kind": DRAFT_KIND,
            "version": DRAFT_VERSION,
            "target": os.path.relpath(self.target, self.draft_path.parent),
            "mode": self.mode,
            "previous": self.previous,
            "answers": self.values,
        }
        text = json.dumps(payload, ensure_ascii=False, indent=1)
        atomic_write_text(self.draft_path, text + "\n")
        return self.draft_path

    def discard_draft(self) -> None:
        self.draft_path.unlink(missing_ok=True)

    @classmethod
    def load_draft(cls, path: str | Path) -> AnswerStore:
        path = Path(path)
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(
                f"无法读取草稿：{exc}",
                file=str(path),
                hint="草稿是 reportgen new 中断时保存的 .draft 文件。",
            ) from None
        if not isinstance(payload, dict) or payload.get("kind") != DRAFT_KIND:
            raise InputError(
                "这不是 reportgen 向导的草稿文件",
                file=str(path),
                hint="要修改已有的报告文件，请用 reportgen edit 文件名。",
            )
        if payload.get("version") != DRAFT_VERSION or not isinstance(payload.get("answers"), dict):
            raise InputError("草稿文件的版本或内容不对", file=str(path))
        target = path.parent / payload.get("target", path.name.removesuffix(DRAFT_SUFFIX))
        store = cls(
            os.path.normpath(target),
            mode=payload.get("mode") or "new",
            previous=payload.get("previous"),
            values=payload["answers"],
        )
        store.changed = True  # a draft holds answers that are not in the report file yet
        if store.draft_path.resolve() != path.resolve():
            # A draft renamed or moved by hand: keep saving to where it is now.
            store.target = path.with_name(path.name.removesuffix(DRAFT_SUFFIX) or "report.yaml")
        return store

    @classmethod
    def from_report_file(cls, path: str | Path) -> AnswerStore:
        """A report file as answers, for ``reportgen edit``: every value that parses is kept;
        a value that does not (a typing slip in the YAML) is asked again."""
        from reportgen.report import dig
        from reportgen.source import read_source
        from reportgen.validate import normalise_rows, pick_format

        src = read_source(path)
        fmt, problems = pick_format(src)
        if fmt is None:
            raise InputError(problems[0].message, file=str(path), hint=problems[0].hint)
        normalise_rows(fmt, src)
        data = src.data
        store = cls(path, mode="edit", autosave=False)
        store.set("year", data["year"])
        agency = data.get("agency")
        if isinstance(agency, str) and agency.strip():
            store.set("agency", agency.strip())
        published = data.get("published")
        if isinstance(published, dt.date):
            store.set("published", published.isoformat())
        elif published is None:
            store.set("published", None)
        sections = data.get("sections") if isinstance(data.get("sections"), dict) else {}
        for key, text in sections.items():
            if isinstance(text, str):
                store.set(f"sections.{key}", text)
        for section in fmt.text_sections:
            if f"sections.{section.key}" not in store:
                store.set(f"sections.{section.key}", "")
        if isinstance(data.get("acknowledged"), list):  # kept as written, not asked
            store.set(ACKNOWLEDGED, data["acknowledged"])
        questions = all_cell_questions(fmt)
        for q in questions:
            for key in q.keys:
                value = dig(data, tuple(key.split(".")))
                if value is None:
                    continue
                if q.kind == "choice":
                    if any(value == v for _, v in q.choices):
                        store.set(key, value)
                    continue
                with contextlib.suppress(AnswerError):
                    store.set(key, stored(parse_value(q.cells[0].type, str(value))))
        for q in questions:
            if q.kind == "choice" and q.key not in store and q.choices[0][1] is None:
                store.set(q.key, None)  # an optional header variant that the file leaves out
        store.set(ENTRY_MODE, ROWS)
        for table in fmt.tables.values():
            store.set(balanced_key(table), True)
        store.autosave = True
        return store

    # -------------------------------------------------------------- the report data

    def report_data(self, fmt: Format) -> dict[str, Any]:
        """The answers in the report file's structure, ready for ``dump_report``."""
        data: dict[str, Any] = {
            "year": self.values.get("year"),
            "agency": self.values.get("agency", ""),
        }
        published = self.values.get("published")
        if published:
            data["published"] = dt.date.fromisoformat(published)
        sections = {}
        for key, value in self.values.items():
            if key.startswith("sections."):
                sections[key.removeprefix("sections.")] = value
        data["sections"] = sections
        if self.values.get(ACKNOWLEDGED):
            data["acknowledged"] = self.values[ACKNOWLEDGED]
        known = fillable_keys(fmt)
        for key, value in self.values.items():
            if key not in known or value is None:
                continue
            cell = fmt.cells.get(key)
            if cell is not None:
                value = Decimal(str(value)) if cell.type == "money" else int(value)
            put(data, key, value)
        return data

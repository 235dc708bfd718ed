"""The wizard's answers, and the draft that keeps them when a session is interrupted.

Every answer is written to a JSON draft next to the target file (``report.yaml.draft``) as
soon as it is given, atomically, so neither Ctrl-C, a crash nor a closed terminal loses
work; ``reportgen new --resume report.yaml.draft`` continues at the first unanswered
question.  The draft is removed once the report file is written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportgen.atomic import atomic_write_text
from reportgen.definition import Format
from reportgen.errors import InputError
from reportgen.wizard.questions import all_cell_questions

DRAFT_KIND = "reportgen-wizard-draft"
DRAFT_VERSION = 1
DRAFT_SUFFIX = ".draft"


def fillable_keys(fmt: Format) -> set[str]:
    """Cell paths and row attributes of ``fmt`` (answers for another format are ignored)."""
    return {k for q in all_cell_questions(fmt) for k in q.keys}


def draft_path_for(target: str | Path) -> Path:
    target = Path(target)
    return target.with_name(target.name + DRAFT_SUFFIX)


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

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def keys(self):
        return self.values.keys()

    def set(self, key: str, value: Any) -> None:
        self.values[key] = value
        if self.autosave:
            self.changed = True
            self.save_draft()

    def update(self, values: dict[str, Any]) -> None:
        self.values.update(values)
        if self.autosave:
            self.changed = True
            self.save_draft()

    def forget(self, keys: list[str]) -> None:
        for key in keys:
            self.values.pop(key, None)
        if self.autosave:
            self.changed = True
            self.save_draft()

    # -------------------------------------------------------------- drafts

    @property
    def draft_path(self) -> Path:
        return draft_path_for(self.target)

    @property
    def answered(self) -> int:
        """How many answers the user has given (wizard settings not counted)."""
        return sum(not k.startswith("@") for k in self.values)

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
        known = fillable_keys(fmt)
        for key, value in self.values.items():
            if key not in known or value is None:
                continue
            parts = key.split(".")
            cell = fmt.cells.get(key)
            if cell is not None:
                value = Decimal(str(value)) if cell.type == "money" else int(value)
            node = data
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = value
        return data

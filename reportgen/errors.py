"""Problems found in a report, the errors reportgen raises, and the exit codes they map to.

Validation never stops at the first problem: every check adds :class:`Problem` records and
the caller reports them all at once.  Exceptions are for what prevents reading a file at all
(:class:`InputError`, exit 2) or rendering it (:class:`RenderError`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2

ERROR = "error"
WARNING = "warning"
SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告"}


@dataclass(slots=True)
class Problem:
    """One finding, located in the report file and named in the table's own words.

    Slotted: an audit of thousands of reports keeps every problem in memory."""

    severity: str
    rule: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    table: str | None = None
    row: str | None = None
    col: str | None = None
    expected: str | None = None
    actual: str | None = None
    difference: str | None = None
    hint: str | None = None
    path: str | None = None
    #: the line of the file with a caret under the spot (syntax errors)
    excerpt: str | None = None
    #: the reason given in the report file's ``acknowledged:`` for this warning
    acknowledged: str | None = None
    #: the problem this one follows from (a row missing because its key was misspelt);
    #: printed under it, see reportgen.cascade
    cause: Problem | None = field(default=None, repr=False, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def open(self) -> bool:
        """An error, or a warning nobody has explained."""
        return self.is_error or self.acknowledged is None

    @property
    def key(self) -> str:
        """The stable key of the problem (``where:`` of an acknowledgement): the cell or text
        it is about, never a line number, so it survives edits elsewhere in the file."""
        return self.path or "|".join(filter(None, (self.table, self.row, self.col))) or "report"

    @property
    def location(self) -> str:
        parts = [self.file or "<report>"]
        if self.line:
            parts.append(str(self.line))
            if self.column:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self) -> str:
        """``file:line:col: 错误 T3-1 表三「自然人」列：…`` — the one-line form."""
        label = SEVERITY_LABELS[self.severity] + ("（已说明）" if self.acknowledged else "")
        return f"{self.location}: {label} {self.rule} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__slots__}  # flat: no deep copy
        data["severity_label"] = SEVERITY_LABELS[self.severity]
        data["key"] = self.key
        data.pop("cause")
        if self.cause is not None:
            c = self.cause
            data["caused_by"] = {"rule": c.rule, "line": c.line, "column": c.column}
        return {k: v for k, v in data.items() if v is not None}


def indent_block(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.column or 0, p.rule))


class ReportgenError(Exception):
    """Base of the errors reportgen reports to users as a message, not a traceback."""

    exit_code = EXIT_USAGE

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        excerpt: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.hint = hint
        self.excerpt = excerpt

    @property
    def location(self) -> str | None:
        if not self.file:
            return None
        parts = [self.file]
        if self.line:
            parts.append(str(self.line))
            if self.column:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.excerpt:
            text += "\n" + indent_block(self.excerpt, "    ")
        if self.hint:
            text += f"\n  提示：{self.hint}"
        return text

    def to_problem(self) -> Problem:
        return Problem(
            severity=ERROR,
            rule="E-INPUT",
            message=self.message,
            file=self.file,
            line=self.line,
            column=self.column,
            hint=self.hint,
            excerpt=self.excerpt,
        )


class InputError(ReportgenError):
    """The input cannot be read as a report file at all (exit 2)."""


class OutputError(ReportgenError):
    """An output file cannot be written (missing folder, no permission, disk full): exit 2."""


class RenderError(ReportgenError):
    """A template or an output format failed to render."""

    exit_code = EXIT_INVALID


class TemplateError(RenderError):
    """A template (``--template-dir`` or its files) is broken: fix the template, exit 2."""

    exit_code = EXIT_USAGE

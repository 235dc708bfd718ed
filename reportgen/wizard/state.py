"""What every step of the wizard shares: the terminal, the answers and last year's report.

The steps are parts of one :class:`~reportgen.wizard.flow.Wizard`, each in the module named
for it; this base holds the state they all read and the one way the answers are judged:
write the file they would produce and check it with the validator (``check_text``), so the
wizard never disagrees with ``reportgen check``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.definition import Format, format_for_year
from reportgen.errors import InputError, Problem
from reportgen.report import Report
from reportgen.wizard.answers import AnswerStore
from reportgen.wizard.prompts import Prompter

if TYPE_CHECKING:
    from reportgen.validate import Outcome


class WizardState:
    """One wizard session over an :class:`AnswerStore`."""

    def __init__(
        self, prompter: Prompter, store: AnswerStore, previous: Report | None = None
    ) -> None:
        self.ui = prompter
        self.store = store
        self.previous = previous
        #: the headings last shown above a question, so each is printed once
        self._context: tuple[str, ...] = ()
        self._helps_shown: set[str] = set()
        self.saved: Path | None = None
        self._text = ""
        self.final_ok = False
        #: the step the review reopened last (the review's default when editing)
        self.last_step: str | None = None
        #: questions ``reportgen edit --table/--row/--column/--section`` goes straight to
        self.targets: list = []

    @property
    def fmt(self) -> Format:
        year = self.store.get("year")
        fmt = format_for_year(year) if isinstance(year, int) else None
        if fmt is None:
            raise InputError(f"不支持 {year} 年的报告")
        return fmt

    def current_report(self, previous: bool = False) -> tuple[str, Outcome]:
        """Check the file the answers would produce, exactly as ``reportgen check`` would."""
        from reportgen.validate import check_text
        from reportgen.writer import dump_report

        text = dump_report(self.fmt, self.store.report_data(self.fmt))
        outcome = check_text(text, str(self.store.target), self.previous if previous else None)
        return text, outcome

    def print_problems(self, problems: list[Problem]) -> None:
        from reportgen.diagnostics import print_problems

        print_problems(problems, sys.stdout)

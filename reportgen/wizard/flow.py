"""The wizard's course: the steps in order, and a session from its start to its end.

``reportgen new`` walks every step in the order of the printed report (basic facts, the
texts, the tables with their balance) and asks only what is still unanswered, so a resumed
draft continues where it stopped.  ``reportgen edit`` loads a report file as answers and
goes straight to the review, from which any step can be reopened with the current values as
defaults.  Whatever ends a session early — Ctrl-C, end of input, a crash — the answers are
kept in the draft and the user is told how to go on.
"""

from __future__ import annotations

import os
from pathlib import Path

from reportgen.errors import ReportgenError
from reportgen.wizard.answers import AnswerStore, draft_path_for
from reportgen.wizard.balance import LiveBalance, balance_comparisons
from reportgen.wizard.basics import BasicFacts
from reportgen.wizard.prompts import Prompter
from reportgen.wizard.questions import (
    ENTRY_MODE,
    Question,
    Step,
    balanced_key,
    line_table,
    step_questions,
    steps,
    unfold,
)
from reportgen.wizard.review import SAVE, Review
from reportgen.wizard.table_entry import TableEntry
from reportgen.wizard.texts import TextSections

EXIT_INTERRUPTED = 130


class Wizard(BasicFacts, TextSections, TableEntry, LiveBalance, Review):
    """One wizard session: the steps of :mod:`~reportgen.wizard.basics`,
    :mod:`~reportgen.wizard.texts`, :mod:`~reportgen.wizard.table_entry`,
    :mod:`~reportgen.wizard.balance` (with the row menu of :mod:`~reportgen.wizard.jump`)
    and :mod:`~reportgen.wizard.review`, in order."""

    def run(self) -> int:
        """Ask everything unanswered, then review until the report is saved."""
        if self.store.mode == "new":
            self.ui.say(
                "reportgen 向导：逐项填写政府信息公开工作年度报告。"
                "随时可按 Ctrl-C 中断，已填的内容都保存在草稿里。",
                style="bold",
            )
            if self.store.answered:
                self.ui.say(f"继续草稿：已填写 {self.store.questions_answered} 项。")
            self.ask_previous()
        self.ask_meta(only_missing=True)
        for step in steps(self.fmt)[1:]:
            self.ask_step(step, only_missing=True)
        if self.targets:
            self.ask_targets()
        while True:
            action = self.review()
            if action == SAVE:
                self.save()
                if self.store.mode == "new" or self.store.changed:
                    self.offer_build()
                return 0 if self.final_ok else 1
            step = next(s for s in steps(self.fmt) if s.key == action)
            self.last_step = step.key
            if step.kind == "table":
                self.reopen_table(self.fmt.tables[step.key])
            else:
                self.ask_step(step, only_missing=False)

    def reopen_table(self, table) -> None:
        """From the review: the whole table again, or straight to one row of it."""
        whole = "@whole"
        picked = self.pick_rows(
            table, f"修改{table.name}的哪一行？", first=("整张表逐项修改", whole)
        )
        if picked == whole:
            self.ask_step(Step(table.key, table.heading, "table"), only_missing=False)
            return
        self.ask_questions(picked)
        if balance_comparisons(self.fmt, table):
            self.balance_loop(table)

    def ask_targets(self) -> None:
        """``edit --table/--row/--column/--section``: those questions first, then the review."""
        questions = self.targets
        if isinstance(questions[0], _TableMenu):
            self.last_step = questions[0].table.key
            self.reopen_table(questions[0].table)
            return
        self.last_step = questions[0].step
        self.ask_questions(questions)
        table = self.fmt.tables.get(questions[0].step)
        if table is not None and balance_comparisons(self.fmt, table):
            self.balance_loop(table)

    def ask_step(self, step: Step, only_missing: bool) -> None:
        if step.kind == "meta":
            self.ask_meta(only_missing)
            return
        fmt = self.fmt
        table = fmt.tables[step.key] if step.kind == "table" else None
        asking_all = not only_missing
        if table is not None and line_table(table) and (asking_all or ENTRY_MODE not in self.store):
            questions = step_questions(fmt, step, self.store)
            if asking_all or any(not q.answered(self.store) for q in questions):
                self.ask_entry_mode()
        # asked after the entry mode, which decides whether a row is one question or many
        for question in step_questions(fmt, step, self.store):
            if only_missing and question.answered(self.store):
                continue
            self.ask(question)
        self.drop_pasted()
        if (
            table is not None
            and balance_comparisons(fmt, table)
            and (asking_all or balanced_key(table) not in self.store)
        ):
            self.balance_loop(table)

    def ask(self, q: Question) -> None:
        self._show_context(q)
        if q.kind == "narrative":
            self.ask_narrative(q)
        elif q.kind == "choice":
            value = self.ui.select(q.title, list(q.choices), default=self.store.get(q.key))
            self.store.set(q.key, value)
        elif q.kind == "number":
            self.ask_number(q)
        elif q.kind == "line":
            self.ask_line(q)
        else:  # pragma: no cover - the question kinds are closed
            raise ValueError(q.kind)

    def _show_context(self, q: Question) -> None:
        """Print the headings that changed since the last question, and a help text once."""
        for depth, heading in enumerate(q.context):
            if self._context[: depth + 1] != q.context[: depth + 1]:
                self.ui.say(("  " * depth) + heading, style="bold" if depth == 0 else None)
                if depth == 0 and q.kind == "line":
                    self._line_intro(q)
        self._context = q.context
        if q.help and q.kind != "narrative" and q.help not in self._helps_shown:
            self._helps_shown.add(q.help)
            self.ui.say(f"  提示：{unfold(q.help)}", style="dim")


# ---------------------------------------------------------------------- sessions


def _load_previous(path: str | None):
    from reportgen.validate import load_previous

    return load_previous(path) if path else None


def new_session(
    prompter: Prompter,
    output: str | Path,
    previous: str | None = None,
    resume: str | None = None,
) -> Wizard:
    """Set up ``reportgen new``: a fresh store, an offered draft, or ``--resume``."""
    if resume:
        store = AnswerStore.load_draft(resume)
    else:
        store = AnswerStore(output)
        draft = draft_path_for(output)
        if draft.exists():
            found = AnswerStore.load_draft(draft)
            if prompter.confirm(
                f"发现未完成的草稿 {draft}（已填写 {found.questions_answered} 项），接着填写吗？",
                True,
            ):
                store = found
        if Path(output).exists() and store.mode == "new":
            prompter.say(
                f"注意：{output} 已存在，保存前会先询问是否覆盖；"
                f"要修改它请用 reportgen edit {output}。",
                style="yellow",
            )
    if previous:
        store.previous = os.path.abspath(previous)
        store.values["@previous"] = store.previous
    return Wizard(prompter, store, _load_previous(store.previous))


def edit_session(
    prompter: Prompter,
    path: str | Path,
    previous: str | None = None,
    target: dict[str, str | None] | None = None,
) -> Wizard:
    """Set up ``reportgen edit FILE``, continuing an interrupted edit when one is found.

    ``target`` (table, row, column, section as typed on the command line) names the
    questions to go straight to; a name that fits nothing stops here with a message.
    """
    draft = draft_path_for(path)
    store = None
    if draft.exists():
        found = AnswerStore.load_draft(draft)
        if prompter.confirm(f"发现未完成的修改草稿 {draft}，接着修改吗？", True):
            store = found
    if store is None:
        store = AnswerStore.from_report_file(path)
    if previous:
        store.previous = os.path.abspath(previous)
    wizard = Wizard(prompter, store, _load_previous(store.previous))
    if target and any(target.values()):
        wizard.targets = _targets(wizard.fmt, **target)
    return wizard


class _TableMenu:
    """``edit --table T`` alone: open the row menu of T instead of asking every row."""

    def __init__(self, table) -> None:
        self.table = table


def _targets(fmt, table=None, row=None, column=None, section=None) -> list[Question]:
    from reportgen.errors import InputError
    from reportgen.wizard.jump import find_questions, find_section, find_table

    if section:
        if table or row or column:
            raise InputError("--section 不能与 --table、--row、--column 同时使用")
        return [find_section(fmt, section)]
    if not table:
        raise InputError("--row 和 --column 需要和 --table 一起用", hint="例如 --table 三 --row 一")
    if row is None and column is None:
        return [_TableMenu(find_table(fmt, table))]
    return find_questions(fmt, table, row, column)


def run_session(wizard: Wizard) -> int:
    """Run the wizard; on Ctrl-C or a crash keep the answers in the draft and say how to go on."""
    store = wizard.store
    try:
        return wizard.run()
    except (KeyboardInterrupt, EOFError):
        wizard.ui.say("")
        _report_draft(wizard, "已中断。")
        if wizard.saved is not None:
            return 0 if wizard.final_ok else 1
        return EXIT_INTERRUPTED
    except ReportgenError:
        if store.answered:
            store.save_draft()
        raise
    except Exception:
        if store.answered:
            _report_draft(wizard, "向导出错。")
        raise


def _report_draft(wizard: Wizard, reason: str) -> None:
    store = wizard.store
    if wizard.saved is not None:
        wizard.ui.say(reason)
        return
    if not store.answered:
        wizard.ui.say(reason + "尚未填写任何内容。")
        return
    if store.mode == "edit" and not store.changed:
        wizard.ui.say(reason + f"没有修改，{store.target} 保持原样。")
        return
    path = store.save_draft()
    shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    wizard.ui.say(
        f"{reason}已填写的 {store.questions_answered} 项保存在草稿 {shown}。\n"
        f"继续填写：reportgen new --resume {shown}",
        style="bold",
    )

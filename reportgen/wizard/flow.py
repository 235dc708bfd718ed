"""The wizard's sequence: basic facts, the texts, the tables, the balance, the review.

``reportgen new`` walks every step in the order of the printed report and asks only what is
still unanswered, so a resumed draft continues where it stopped.  ``reportgen edit`` loads a
report file as answers and goes straight to the review, from which any part can be
reopened with the current values as defaults.  The numbers are checked by the validator
itself (``check_text`` on the file that would be written), so the wizard never disagrees
with ``reportgen check``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportgen.definition import Format, Table, column_title, format_for_year, formats
from reportgen.errors import InputError, Problem, ReportgenError
from reportgen.model import TOP_LEVEL
from reportgen.report import Report
from reportgen.wizard.answers import AnswerStore, draft_path_for, fillable_keys
from reportgen.wizard.prompts import MULTILINE_DONE, Prompter
from reportgen.wizard.questions import (
    CELLS,
    ENTRY_MODE,
    ROWS,
    AnswerError,
    Question,
    Step,
    all_cell_questions,
    balanced_key,
    line_table,
    parse_date,
    parse_line,
    parse_value,
    placeholder_example,
    show_value,
    step_questions,
    steps,
    stored,
    zero_context,
)

EXIT_INTERRUPTED = 130
_CONTINUE = "@continue"
_SAVE = "@save"


class Wizard:
    """One wizard session over an :class:`AnswerStore`."""

    def __init__(
        self, prompter: Prompter, store: AnswerStore, previous: Report | None = None
    ) -> None:
        self.ui = prompter
        self.store = store
        self.previous = previous
        self._context: tuple[str, ...] = ()
        self._helps_shown: set[str] = set()
        self.saved: Path | None = None
        self._text = ""
        self.final_ok = False

    # ------------------------------------------------------------------ basics

    @property
    def fmt(self) -> Format:
        year = self.store.get("year")
        fmt = format_for_year(year) if isinstance(year, int) else None
        if fmt is None:
            raise InputError(f"不支持 {year} 年的报告")
        return fmt

    def run(self) -> int:
        """Ask everything unanswered, then review until the report is saved."""
        if self.store.mode == "new":
            self.ui.say(
                "reportgen 向导：逐项填写政府信息公开工作年度报告。"
                "随时可按 Ctrl-C 中断，已填的内容都保存在草稿里。",
                style="bold",
            )
            if self.store.answered:
                self.ui.say(f"继续草稿：已填写 {self.store.answered} 项。")
            self.ask_previous()
        self.ask_meta(only_missing=True)
        for step in steps(self.fmt)[1:]:
            self.ask_step(step, only_missing=True)
        while True:
            action = self.review()
            if action == _SAVE:
                if self.save():
                    self.offer_build()
                    return 0 if self.final_ok else 1
                continue
            step = next(s for s in steps(self.fmt) if s.key == action)
            self.ask_step(step, only_missing=False)

    # ------------------------------------------------------------------ last year

    def ask_previous(self) -> None:
        if "@previous" in self.store:
            return
        if not self.ui.confirm("导入上一年度的报告文件吗？（预填机关名称、上年结转等）", False):
            self.store.set("@previous", "")
            return
        loaded: dict[str, Report] = {}

        def check(text: str) -> str | None:
            from reportgen.validate import ValidationFailed, load_previous

            path = text.strip()
            if not path:
                return "请输入上年报告文件的路径"
            try:
                loaded["report"] = load_previous(path)
            except ValidationFailed as exc:
                first = next((p for p in exc.problems if p.is_error), None)
                return f"上年报告有错误，无法使用：{first.format() if first else exc}"
            except ReportgenError as exc:
                return exc.message
            return None

        path = self.ui.text("上年报告文件：", check=check)
        self.previous = loaded["report"]
        self.store.previous = os.path.abspath(path.strip())
        self.store.set("@previous", self.store.previous)
        self.ui.say(f"已读入上年报告：{self.previous.title}")

    # ------------------------------------------------------------------ step 1

    def ask_meta(self, only_missing: bool) -> None:
        prev = self.previous
        if not only_missing or "agency" not in self.store:
            default = self.store.get("agency") or (prev.agency if prev else "")
            agency = self.ui.text(
                f"{TOP_LEVEL['agency']}：", default=default, check=_check_agency
            ).strip()
            self.store.set("agency", agency)
        if not only_missing or "year" not in self.store:
            fallback = prev.year + 1 if prev else dt.date.today().year - 1
            default = str(self.store.get("year") or fallback)
            year = int(
                self.ui.text(f"{TOP_LEVEL['year']}：", default=default, check=self._check_year)
            )
            self.store.set("year", year)
            fmt = self.fmt
            self.ui.say(f"{year} 年度报告使用 {fmt.name}（{fmt.basis}）。", style="cyan")
        if not only_missing or "published" not in self.store:
            text = self.ui.text(
                f"{TOP_LEVEL['published']}（落款日期，可空着以后再填）：",
                default=self.store.get("published") or "",
                check=_checker(parse_date),
            )
            date = parse_date(text)
            self.store.set("published", date.isoformat() if date else None)

    def _check_year(self, text: str) -> str | None:
        try:
            year = int(text.strip())
        except ValueError:
            return "请输入四位数的年份，如 2024"
        fmt = format_for_year(year)
        if fmt is None:
            supported = "、".join(f"{f.name}（{f.first_year}年起）" for f in formats().values())
            return f"不支持 {year} 年的报告；支持：{supported}"
        current = self.store.get("year")
        old = format_for_year(current) if isinstance(current, int) else None
        filled = old is not None and any(k in self.store for k in fillable_keys(old))
        if filled and old is not fmt:
            return f"{year} 年使用{fmt.name}，与已填的表格格式不同；请用 reportgen new 另建一份报告"
        return None

    # ------------------------------------------------------------------ steps 3 and 4

    def ask_step(self, step: Step, only_missing: bool) -> None:
        if step.kind == "meta":
            self.ask_meta(only_missing)
            return
        fmt = self.fmt
        if step.kind == "table":
            table = fmt.tables[step.key]
            if line_table(table) and (not only_missing or ENTRY_MODE not in self.store):
                questions = step_questions(fmt, step, self.store)
                if not only_missing or any(not q.answered(self.store) for q in questions):
                    self.ask_entry_mode()
        for question in step_questions(fmt, step, self.store):
            if only_missing and question.answered(self.store):
                continue
            self.ask(question)
        if step.kind == "table":
            table = fmt.tables[step.key]
            if self._balance_rules(table) and (
                not only_missing or balanced_key(table) not in self.store
            ):
                self.balance_loop(table)

    def ask_entry_mode(self) -> None:
        mode = self.ui.select(
            "表格怎样填写？",
            [
                ("逐行输入：每行一次输入该行各列的数（可从 Excel 或网页粘贴一整行）", ROWS),
                ("逐格输入：每格单独输入", CELLS),
            ],
            default=self.store.get(ENTRY_MODE, ROWS),
        )
        self.store.set(ENTRY_MODE, mode)

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
        for depth, heading in enumerate(q.context):
            if self._context[: depth + 1] != q.context[: depth + 1]:
                self.ui.say(("  " * depth) + heading, style="bold" if depth == 0 else None)
                if depth == 0 and q.kind == "line":
                    self._line_intro(q)
        self._context = q.context
        if q.help and q.kind != "narrative" and q.help not in self._helps_shown:
            self._helps_shown.add(q.help)
            self.ui.say(f"  提示：{_unfold(q.help)}", style="dim")

    def _line_intro(self, q: Question) -> None:
        names = " ".join(c.column.label for c in q.cells)
        total = f"；{q.total.column.label}自动计算" if q.total else ""
        self.ui.say(
            f"  每行按顺序输入 {len(q.cells)} 个数：{names}\n"
            f"  用空格、逗号或 Tab 分开（可直接粘贴表格的一行）；全为 0 可只输一个 0{total}。",
            style="dim",
        )

    def _current(self, q: Question) -> list[Any] | None:
        if all(k in self.store for k in q.keys):
            return [self.store[k] for k in q.keys]
        return None

    def ask_number(self, q: Question) -> None:
        cell = q.cells[0]
        current = self._current(q)
        default = show_value(current[0]) if current else ""
        if current is None:
            carried = self.carry(cell)
            if carried is not None:
                value, explanation = carried
                default = show_value(value)
                self.ui.say(f"  预填：{explanation}（回车采用）", style="dim")
        unit = q.extra.get("unit")
        text = self.ui.text(
            f"{q.title}：",
            default=default,
            check=_checker(lambda t: parse_value(cell.type, t)),
            instruction=f"（单位：{unit}）" if unit else None,
        )
        self.store.set(cell.path, stored(parse_value(cell.type, text)))

    def ask_line(self, q: Question) -> None:
        current = self._current(q)
        default = " ".join(show_value(v) for v in current) if current else ""
        if current is None:
            carried = [self.carry(cell) for cell in q.cells]
            if all(c is not None for c in carried):
                default = " ".join(show_value(c[0]) for c in carried)
                hint = self._carry_hint(q.cells[0])
                self.ui.say(f"  预填：{hint}（回车采用）", style="dim")
        text = self.ui.text(
            f"{q.title}：",
            default=default,
            check=_checker(lambda t: parse_line(q.cells, q.total, t)),
            instruction=f"（{len(q.cells)} 个数）",
            line=True,
        )
        values = parse_line(q.cells, q.total, text)
        self.store.update({c.path: stored(v) for c, v in zip(q.cells, values, strict=True)})

    # ------------------------------------------------------------------ carried over

    def _carry_rules(self, cell):
        from reportgen.rules import comparisons

        for cmp in comparisons(self.fmt.id):
            if not cmp.rule.needs_previous or cmp.op != "=" or len(cmp.left) != 1:
                continue
            target = cmp.left[0]
            if target.previous or target.weight != 1 or target.cell.path != cell.path:
                continue
            yield cmp

    def carry(self, cell) -> tuple[int | Decimal, str] | None:
        """A default from last year's report, by the format's own cross-year rules.

        For example 二、上年结转 = last year's 四、结转下年度继续办理 (rule X-1), and 现行有效件数
        = last year's 现行有效 + this year's 制发 − 废止 (rule T2-5).
        """
        if self.previous is None:
            return None
        for cmp in self._carry_rules(cell):
            total: int | Decimal = 0
            parts = []
            for term in cmp.right:
                if term.previous:
                    value = self.previous.values.get(term.cell.path)
                else:
                    raw = self.store.get(term.cell.path)
                    value = None if raw is None else parse_value(term.cell.type, str(raw))
                if value is None:
                    break
                total += term.weight * value
                sign = "−" if term.weight < 0 else "+"
                parts.append(f"{sign if parts or term.weight < 0 else ''}{term.name}({value})")
            else:
                if total < 0 and cell.type != "signed":
                    continue
                return total, f"{''.join(parts)} = {total}"
        return None

    def _carry_hint(self, cell) -> str:
        for cmp in self._carry_rules(cell):
            return cmp.rule.hint or cmp.rule.id
        return ""

    # ------------------------------------------------------------------ narrative

    def ask_narrative(self, q: Question) -> None:
        section = q.section
        fmt = self.fmt
        self.ui.say("")
        self.ui.say(section.label, style="bold")
        if section.help:
            self.ui.say(f"  要求：{_unfold(section.help)}", style="dim")
        example, meaning = placeholder_example(fmt)
        self.ui.say(
            f"  引用表格数字可写占位符，如 {example}（{meaning}），生成时自动填入。", style="dim"
        )
        last = self.previous.sections.get(section.key, "") if self.previous else ""
        if last.strip():
            self.ui.say("  上年报告的这一部分（仅供参考，不会复制到本年报告）：", style="dim")
            excerpt = last.strip().replace("\n", " ")
            if len(excerpt) > 160:
                excerpt = excerpt[:160] + "……"
            self.ui.say(f"    {excerpt}", style="dim italic")
        current = self.store.get(q.key, "")
        choices = []
        if current:
            choices.append((f"保留现有内容（{len(current)} 字）", "keep"))
        choices += [
            (f"在这里输入（可多行，{MULTILINE_DONE}）", "inline"),
            (f"用编辑器输入（{self.ui.editor_name()}）", "editor"),
            ("先空着，以后再写", "skip"),
        ]
        how = self.ui.select(
            f"怎样填写「{section.label}」？", choices, default="keep" if current else "inline"
        )
        check = self._narrative_check(section)
        if how == "keep":
            text = current
        elif how == "skip":
            text = ""
        elif how == "inline":
            self.ui.say(f"  在下面输入或粘贴正文，可以多行；{MULTILINE_DONE}。", style="dim")
            text = _clean_text(
                self.ui.text(
                    "正文：",
                    default=current,
                    check=lambda t: check(_clean_text(t)),
                    instruction="",
                    multiline=True,
                )
            )
        else:
            text = self._edit_narrative(section, current, check)
        self.store.set(q.key, text)

    def _edit_narrative(self, section, current: str, check) -> str:
        example, _ = placeholder_example(self.fmt)
        header = [
            f"# {section.label}",
            *(f"# {section.help}" for _ in [0] if section.help),
            f"# 引用表格数字可写占位符，如 {example}。以 # 开头的前几行不会写入报告。",
            "",
        ]
        text = current
        while True:
            edited = self.ui.edit("\n".join(header) + "\n" + text)
            if edited is None:
                self.ui.say("  编辑器未保存，内容不变。")
                return text
            lines = edited.splitlines()
            while lines and (lines[0].startswith("#") or not lines[0].strip()):
                lines.pop(0)
            text = _clean_text("\n".join(lines))
            message = check(text)
            if message is None:
                return text
            self.ui.say(f"  {message}", style="red")
            if not self.ui.confirm("重新打开编辑器修改吗？", True):
                return text

    def _narrative_check(self, section):
        from reportgen.narrative import check_placeholders, has_placeholders

        context = zero_context(self.fmt)
        last = self.previous.sections.get(section.key, "") if self.previous else ""

        def check(text: str) -> str | None:
            if last.strip() and text.strip() == _clean_text(last).strip():
                return "与上年报告的这一部分完全相同；请按本年度的情况重写"
            if has_placeholders(text):
                problems = check_placeholders(
                    text, context, ("sections", section.key), None, section.label
                )
                if problems:
                    p = problems[0]
                    return p.message + (f"。{p.hint}" if p.hint else "")
            return None

        return check

    # ------------------------------------------------------------------ step 5: balance

    def _balance_rules(self, table: Table):
        from reportgen.rules import comparisons

        return [
            c
            for c in comparisons(self.fmt.id)
            if c.table.key == table.key
            and c.rule.kind == "balance"
            and c.rule.for_each == "column"
            and not c.rule.needs_previous
        ]

    def current_report(self, previous: bool = False):
        """Check the file the answers would produce, exactly as ``reportgen check`` would."""
        from reportgen.validate import check_text
        from reportgen.writer import dump_report

        text = dump_report(self.fmt, self.store.report_data(self.fmt))
        outcome = check_text(text, str(self.store.target), self.previous if previous else None)
        return text, outcome

    def show_balance(self, table: Table) -> bool:
        """Print the balance of every column; True when all of them hold."""
        from rich.table import Table as RichTable

        _, outcome = self.current_report()
        report = outcome.report
        if report is None:
            self._print_problems(outcome.problems)
            return False
        comparisons = self._balance_rules(table)
        first = comparisons[0]
        left_name = "+".join(t.name for t in first.left)
        right_name = "+".join(t.name for t in first.right)
        grid = RichTable(
            title=f"{table.name} 勾稽关系：{left_name} = {right_name}", title_justify="left"
        )
        grid.add_column("列")
        grid.add_column(left_name, justify="right")
        grid.add_column(right_name, justify="right")
        grid.add_column("差", justify="right")
        grid.add_column("")
        all_ok = True
        for cmp in comparisons:
            left = sum(t.weight * report.values[t.cell.path] for t in cmp.left)
            right = sum(t.weight * report.values[t.cell.path] for t in cmp.right)
            ok = _holds(cmp.op, left, right)
            all_ok &= ok
            grid.add_row(
                column_title(cmp.column) if cmp.column is not None else cmp.where,
                str(left),
                str(right),
                "" if ok else str(left - right),
                "[green]✓[/green]" if ok else "[bold red]✗ 不平衡[/bold red]",
            )
        self.ui.show(grid)
        return all_ok

    def balance_loop(self, table: Table) -> None:
        step = Step(table.key, table.heading, "table")
        while True:
            if self.show_balance(table):
                self.ui.say("各列勾稽关系平衡。", style="green")
                self.store.set(balanced_key(table), True)
                return
            rows: dict[str, tuple[str, list[Question]]] = {}
            for q in step_questions(self.fmt, step, self.store):
                key = q.row.dotted if q.row is not None else q.key
                title = _row_title(q.row) if q.row is not None and q.row.label else q.title
                rows.setdefault(key, (title, []))[1].append(q)
            choices = [("继续（不平衡的列稍后仍可在检查时修改）", _CONTINUE)]
            choices += [(f"返回修改：{title}", key) for key, (title, _) in rows.items()]
            pick = self.ui.select("有的列不平衡，要返回修改哪一行？", choices, default=_CONTINUE)
            if pick == _CONTINUE:
                self.store.set(balanced_key(table), True)
                return
            self._context = ()
            for q in rows[pick][1]:
                self.ask(q)

    # ------------------------------------------------------------------ step 6: review

    def review(self) -> str:
        """Show the full check and a summary; return ``_SAVE`` or the step to revisit."""
        fmt = self.fmt
        self._text, outcome = self.current_report(previous=True)
        self.ui.say("")
        self.ui.say("检查与汇总", style="bold")
        report = outcome.report
        if report is not None:
            self._summary(report)
        errors = [p for p in outcome.problems if p.is_error]
        warnings = [p for p in outcome.problems if not p.is_error]
        self._print_problems(outcome.problems)
        if errors:
            self.ui.say(f"共 {len(errors)} 个错误，{len(warnings)} 个警告。", style="bold red")
        elif warnings:
            self.ui.say(f"没有错误，有 {len(warnings)} 个警告。", style="bold yellow")
        else:
            self.ui.say("检查通过：没有错误和警告。", style="bold green")
        self.final_ok = not errors
        target = self.store.target
        save_title = f"保存到 {target}" + ("（覆盖原文件）" if self.store.mode == "edit" else "")
        choices = [(save_title, _SAVE)]
        choices += [(f"修改：{s.title}", s.key) for s in steps(fmt)]
        default = _SAVE
        if errors:
            default = _step_of(errors[0], steps(fmt)) or _SAVE
        return self.ui.select("下一步：", choices, default=default)

    def _summary(self, report: Report) -> None:
        fmt = report.format
        self.ui.say(f"{report.title}（{fmt.name}）")
        if report.published:
            from reportgen.render.text import chinese_date

            self.ui.say(f"  {TOP_LEVEL['published']}：{chinese_date(report.published)}")
        for section in fmt.text_sections:
            text = report.sections.get(section.key, "")
            size = f"{len(text)} 字" if text.strip() else "（空）"
            self.ui.say(f"  {section.label}：{size}")
        for table in fmt.tables.values():
            for cell in table.cells.values():
                row = cell.row
                if cell.column.sum_of and (not row.label or row.depth == 1 or row.sum_of):
                    name = row.label if row.label else column_title(cell.column)
                    self.ui.say(f"  {table.name} {name}：{report.values[cell.path]}")

    def _print_problems(self, problems: list[Problem]) -> None:
        from reportgen.diagnostics import print_problems

        print_problems(problems, sys.stdout)

    def save(self) -> bool:
        """Write the report atomically; never replace another file without asking."""
        from reportgen.atomic import atomic_write_text

        target = self.store.target
        asked = self.store.mode == "new" and target.exists()
        if asked and not self.ui.confirm(f"{target} 已存在，覆盖吗？", False):
            name = self.ui.text("另存为：", check=_check_new_file).strip()
            old_draft = self.store.draft_path
            self.store.target = Path(name)
            self.store.save_draft()
            old_draft.unlink(missing_ok=True)
            target = self.store.target
        atomic_write_text(target, self._text)
        self.store.discard_draft()
        self.saved = target
        self.ui.say(f"已保存 {target}。检查：reportgen check {target}", style="bold green")
        return True

    def offer_build(self) -> None:
        if importlib.util.find_spec("reportgen.commands.build") is None:
            return
        target = self.saved
        if not self.ui.confirm(f"现在生成 HTML、DOCX、PDF 吗？（reportgen build {target}）", True):
            return
        subprocess.run([sys.executable, "-m", "reportgen", "build", str(target)], check=False)


# ---------------------------------------------------------------------- helpers


def _row_title(row) -> str:
    """A row with its keyed groups: （三）不予公开 › 1.属于国家秘密."""
    return column_title(row, " › ")


def _holds(op: str, left: Any, right: Any) -> bool:
    return {"=": left == right, ">=": left >= right, "<=": left <= right}[op]


def _step_of(problem: Problem, all_steps: list[Step]) -> str | None:
    head = (problem.path or "").split(".")[0]
    if head == "sections":
        head = (problem.path or "").split(".")[1:2][0] if "." in (problem.path or "") else ""
    for step in all_steps:
        if step.key == head:
            return step.key
    return None


def _checker(parse):
    """A prompt check from a parser: its :class:`AnswerError` message, or None when fine."""

    def check(text: str) -> str | None:
        try:
            parse(text)
        except AnswerError as exc:
            return str(exc)
        return None

    return check


def _check_agency(text: str) -> str | None:
    name = text.strip()
    if not name:
        return "请输入机关名称，如：某某市某某局"
    if len(name) > 100:
        return "机关名称过长（不超过 100 个字）"
    return None


def _check_new_file(text: str) -> str | None:
    name = text.strip()
    if not name:
        return "请输入文件名，如 report-2024.yaml"
    if Path(name).exists():
        return f"{name} 也已存在，请换一个文件名"
    if Path(name).is_dir():
        return f"{name} 是文件夹"
    return None


def _unfold(text: str) -> str:
    """Drop the spaces YAML folding leaves between Chinese characters in help texts."""
    import re

    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", text)


def _clean_text(text: str) -> str:
    """Trim each line (pasted text brings indents) and blank lines at both ends."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


# ---------------------------------------------------------------------- sessions


def load_previous_report(path: str) -> Report:
    from reportgen.validate import load_previous

    return load_previous(path)


def store_from_file(path: str | Path) -> AnswerStore:
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
    store = AnswerStore(path, mode="edit", autosave=False)
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
    for q in all_cell_questions(fmt):
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
    for q in all_cell_questions(fmt):
        if q.kind == "choice" and q.key not in store and q.choices[0][1] is None:
            store.set(q.key, None)  # an optional header variant that the file leaves out
    store.set(ENTRY_MODE, ROWS)
    for table in fmt.tables.values():
        store.set(balanced_key(table), True)
    store.autosave = True
    return store


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
        f"{reason}已填写的 {store.answered} 项保存在草稿 {shown}。\n"
        f"继续填写：reportgen new --resume {shown}",
        style="bold",
    )


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
                f"发现未完成的草稿 {draft}（已填写 {found.answered} 项），接着填写吗？", True
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
    prev_report = None
    if store.previous:
        prev_report = load_previous_report(store.previous)
    return Wizard(prompter, store, prev_report)


def edit_session(prompter: Prompter, path: str | Path, previous: str | None = None) -> Wizard:
    """Set up ``reportgen edit FILE``, continuing an interrupted edit when one is found."""
    draft = draft_path_for(path)
    store = None
    if draft.exists():
        found = AnswerStore.load_draft(draft)
        if prompter.confirm(f"发现未完成的修改草稿 {draft}，接着修改吗？", True):
            store = found
    if store is None:
        store = store_from_file(path)
    if previous:
        store.previous = os.path.abspath(previous)
    prev_report = load_previous_report(store.previous) if store.previous else None
    return Wizard(prompter, store, prev_report)

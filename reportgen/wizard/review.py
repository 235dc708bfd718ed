"""Step six: the full check, a summary of the report, and saving it.

The review runs the validator on the file the answers would produce, prints every problem
as ``reportgen check`` does, and offers to save or to reopen any step, starting at the step
of the first error.  The file is written atomically and never replaces another file
without asking.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reportgen.definition import column_title
from reportgen.errors import Problem
from reportgen.model import TOP_LEVEL
from reportgen.report import Report
from reportgen.wizard.questions import Step, steps
from reportgen.wizard.state import WizardState

#: The review's choice that saves the report (the others are step keys).
SAVE = "@save"


class Review(WizardState):
    def review(self) -> str:
        """Show the full check and a summary; return :data:`SAVE` or the step to revisit."""
        fmt = self.fmt
        self._text, outcome = self.current_report(previous=True)
        self.ui.say("")
        self.ui.say("检查与汇总", style="bold")
        report = outcome.report
        if report is not None:
            self._summary(report)
        errors = [p for p in outcome.problems if p.is_error]
        warnings = [p for p in outcome.problems if not p.is_error]
        self.print_problems(outcome.problems)
        if errors:
            self.ui.say(f"共 {len(errors)} 个错误，{len(warnings)} 个警告。", style="bold red")
        elif warnings:
            self.ui.say(f"没有错误，有 {len(warnings)} 个警告。", style="bold yellow")
        else:
            self.ui.say("检查通过：没有错误和警告。", style="bold green")
        self.final_ok = not errors
        target = self.store.target
        editing = self.store.mode == "edit"
        if editing and not self.store.changed:
            save_title = f"结束（没有修改，{target} 保持原样）"
        else:
            save_title = f"保存到 {target}" + ("（覆盖原文件）" if editing else "")
        choices = [(save_title, SAVE)]
        choices += [(f"修改：{s.title}", s.key) for s in steps(fmt)]
        default = SAVE
        if errors:
            default = _step_of(errors[0], steps(fmt)) or SAVE
        elif editing and self.store.changed:
            # Enter must never overwrite the file by reflex: it reopens the last part changed.
            default = self.last_step or steps(fmt)[1].key
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

    def save(self) -> None:
        """Write the report atomically; never replace another file without asking."""
        from reportgen.atomic import atomic_write_text

        target = self.store.target
        if self.store.mode == "edit" and not self.store.changed:
            self.store.discard_draft()
            self.saved = target
            self.ui.say(f"没有修改，{target} 保持原样。")
            return
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

    def offer_build(self) -> None:
        target = self.saved
        if not self.ui.confirm(f"现在生成 HTML、DOCX、PDF 吗？（reportgen build {target}）", True):
            return
        subprocess.run([sys.executable, "-m", "reportgen", "build", str(target)], check=False)


def _step_of(problem: Problem, all_steps: list[Step]) -> str | None:
    """The step that fixes ``problem``: its table, or its section for a text."""
    parts = (problem.path or "").split(".")
    head = parts[0]
    if head == "sections":
        head = parts[1] if len(parts) > 1 else ""
    return head if head in {step.key for step in all_steps} else None


def _check_new_file(text: str) -> str | None:
    name = text.strip()
    if not name:
        return "请输入文件名，如 report-2024.yaml"
    if Path(name).exists():
        return f"{name} 也已存在，请换一个文件名"
    return None

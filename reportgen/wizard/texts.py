"""Step two: the free-text sections (概述, 存在的主要问题 …), typed inline or in an editor.

Each section shows its requirement from the definition and how to cite a table figure with
a placeholder.  Last year's text is shown for reference only and may not be handed in
again unchanged; placeholders are checked against the format's cells while typing, with the
same messages ``reportgen check`` gives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportgen.definition import Format, Section
from reportgen.wizard.answers import put
from reportgen.wizard.prompts import MULTILINE_DONE, Figure
from reportgen.wizard.questions import Question, unfold
from reportgen.wizard.state import WizardState

#: How much of last year's text is shown above the prompt.
EXCERPT_LENGTH = 160


class TextSections(WizardState):
    def ask_narrative(self, q: Question) -> None:
        section = q.section
        self.ui.say("")
        self.ui.say(section.label, style="bold")
        if section.help:
            self.ui.say(f"  要求：{unfold(section.help)}", style="dim")
        figures = self.citable_figures()
        self.ui.say(
            "  引用表格数字：在正文中输入 {{ 会列出可引用的数字（中文名称和已填的数），"
            "可接着输入文字筛选，如 {{新收；选中后填入占位符，生成时自动换成表格中的数。",
            style="dim",
        )
        last = self._last_year(section)
        if last.strip():
            self.ui.say("  上年报告的这一部分（仅供参考，不会复制到本年报告）：", style="dim")
            excerpt = last.strip().replace("\n", " ")
            if len(excerpt) > EXCERPT_LENGTH:
                excerpt = excerpt[:EXCERPT_LENGTH] + "……"
            self.ui.say(f"    {excerpt}", style="dim italic")
        current = self.store.get(q.key, "")
        choices = []
        if current:
            choices.append((f"保留现有内容（{len(current)} 字）", "keep"))
        choices.append((f"在这里输入（可多行，{MULTILINE_DONE}）", "inline"))
        editor = self.ui.editor_name()
        if editor:
            choices.append((f"用编辑器输入（{editor}）", "editor"))
        choices.append(("先空着，以后再写", "skip"))
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
            text = clean_text(
                self.ui.text(
                    "正文：",
                    default=current,
                    check=lambda t: check(clean_text(t)),
                    instruction="",
                    multiline=True,
                    figures=figures,
                )
            )
        else:
            text = self._edit_narrative(section, current, check, figures)
        if how in ("inline", "editor"):
            self.ui.say(f"  已读入 {len(text)} 字（{text.count(chr(10)) + 1 if text else 0} 段）。")
        self.store.set(q.key, text)

    def citable_figures(self) -> list[Figure]:
        """Every table figure, totals first, named as the printed table names it, with the
        value entered so far (tables are filled before the texts)."""
        _, outcome = self.current_report()
        values = outcome.report.values if outcome.report is not None else {}
        cells = list(self.fmt.cells.values())
        cells.sort(key=lambda c: not c.computed)
        figures = []
        for cell in cells:
            value = values.get(cell.path)
            shown = f"现为 {value}" if value is not None else ""
            figures.append(Figure("{{ " + cell.path + " }}", cell.describe(), shown))
        return figures

    def _last_year(self, section: Section) -> str:
        return self.previous.sections.get(section.key, "") if self.previous else ""

    def _edit_narrative(
        self,
        section: Section,
        current: str,
        check: Callable[[str], str | None],
        figures: list[Figure],
    ) -> str:
        header = [
            f"# {section.label}",
            *([f"# {unfold(section.help)}"] if section.help else []),
            "# 以 # 开头的前几行不会写入报告。引用表格数字可复制下面的占位符：",
            *(
                f"#   {f.placeholder}  {f.name}{'，' + f.value if f.value else ''}"
                for f in figures
                if f.placeholder in _total_placeholders(self.fmt)
            ),
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
            text = clean_text("\n".join(lines))
            message = check(text)
            if message is None:
                return text
            self.ui.say(f"  {message}", style="red")
            if not self.ui.confirm("重新打开编辑器修改吗？", True):
                return text

    def _narrative_check(self, section: Section) -> Callable[[str], str | None]:
        from reportgen.narrative import check_placeholders, has_placeholders

        context = zero_context(self.fmt)
        last = self._last_year(section)

        def check(text: str) -> str | None:
            if last.strip() and text.strip() == clean_text(last).strip():
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


def clean_text(text: str) -> str:
    """Trim each line (pasted text brings indents) and blank lines at both ends."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _total_placeholders(fmt: Format) -> set[str]:
    """Placeholders of the totals: the short list shown in the editor's header."""
    return {"{{ " + c.path + " }}" for c in fmt.cells.values() if c.computed}


def zero_context(fmt: Format) -> dict[str, Any]:
    """A placeholder context with every cell of the format, to check names while typing."""
    context: dict[str, Any] = {"year": 0, "agency": "", "published": None}
    for path in fmt.cells:
        put(context, path, 0)
    return context

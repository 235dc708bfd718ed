"""Steps three and four: the figures of the tables, a cell or a whole row at a time.

Tables of plain counts (三, 四) may be typed a row per prompt, as numbers separated by
spaces, commas or tabs, so a row can be pasted from Excel or a web page; the others are
asked cell by cell, with the unit when the column has one.  Answers already given, or
carried over from last year's report, are offered as defaults.
"""

from __future__ import annotations

from typing import Any

from reportgen.wizard.carry_over import carried_value, carry_hint
from reportgen.wizard.questions import (
    CELLS,
    ENTRY_MODE,
    ROWS,
    AnswerError,
    Question,
    checker,
    parse_line,
    parse_value,
    show_value,
    stored,
)
from reportgen.wizard.state import WizardState


class TableEntry(WizardState):
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

    def _line_intro(self, q: Question) -> None:
        """Say once per table how a row is typed."""
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
            carried = carried_value(self.fmt, self.previous, self.store, cell)
            if carried is not None:
                value, explanation = carried
                default = show_value(value)
                self.ui.say(f"  预填：{explanation}（回车采用）", style="dim")
        unit = q.extra.get("unit")
        shown = unit and unit not in q.title  # 本年收费金额（单位：万元） says it already
        text = self.ui.text(
            f"{q.title}：",
            default=default,
            check=checker(lambda t: parse_value(cell.type, t)),
            instruction=f"（单位：{unit}）" if shown else None,
        )
        self.store.set(cell.path, stored(parse_value(cell.type, text)))

    def ask_line(self, q: Question) -> None:
        if self._pasted(q):
            return
        current = self._current(q)
        default = " ".join(show_value(v) for v in current) if current else ""
        if current is None:
            carried = [carried_value(self.fmt, self.previous, self.store, c) for c in q.cells]
            if all(c is not None for c in carried):
                default = " ".join(show_value(c[0]) for c in carried)
                hint = carry_hint(self.fmt, q.cells[0])
                self.ui.say(f"  预填：{hint}（回车采用）", style="dim")
        text = self.ui.text(
            f"{q.title}：",
            default=default,
            check=checker(lambda t: parse_line(q.cells, q.total, t)),
            instruction=f"（{len(q.cells)} 个数）",
            line=True,
        )
        values = parse_line(q.cells, q.total, text)
        self.store.update({c.path: stored(v) for c, v in zip(q.cells, values, strict=True)})

    def _pasted(self, q: Question) -> bool:
        """Fill ``q`` from the next row of a block pasted into an earlier row, if any.

        A row that does not parse stops the paste: it is offered as the default of the
        normal prompt, with the reason, and the rows after it are dropped.
        """
        pending = self.ui.pasted_rows
        if not pending:
            return False
        row = pending.pop(0)
        try:
            values = parse_line(q.cells, q.total, row)
        except AnswerError as exc:
            dropped = len(pending)
            pending.clear()
            more = f"，其后粘贴的 {dropped} 行未用" if dropped else ""
            self.ui.say(f"  粘贴的这一行不对：{exc}{more}；请改正：", style="yellow")
            text = self.ui.text(
                f"{q.title}：",
                default=" ".join(row.split()),
                check=checker(lambda t: parse_line(q.cells, q.total, t)),
                instruction=f"（{len(q.cells)} 个数）",
                line=True,
            )
            values = parse_line(q.cells, q.total, text)
        else:
            shown = " ".join(show_value(v) for v in values)
            self.ui.say(f"  {q.title}：{shown}（粘贴）")
        self.store.update({c.path: stored(v) for c, v in zip(q.cells, values, strict=True)})
        return True

    def drop_pasted(self) -> None:
        """Rows pasted beyond the last row of a table are not used; say so."""
        if self.ui.pasted_rows:
            self.ui.say(
                f"  粘贴的行比表格多出 {len(self.ui.pasted_rows)} 行，多出的没有使用。",
                style="yellow",
            )
            self.ui.pasted_rows.clear()

"""Step five: the live balance of a table, column by column, before moving on.

After a table is filled in, every column of its balancing rule (一 + 二 = 三 + 四 for
table 三) is shown with both sides and the difference, computed by the validator from the
file the answers would produce.  When a column does not balance, the user can go back to
any row of the table, or move on and fix it at the review.
"""

from __future__ import annotations

from reportgen.definition import Format, Table, column_title
from reportgen.rules import Comparison, comparisons
from reportgen.wizard.jump import RowMenu
from reportgen.wizard.questions import balanced_key

_CONTINUE = "@continue"


def balance_comparisons(fmt: Format, table: Table) -> list[Comparison]:
    """The per-column balance of ``table`` that this year's figures alone decide."""
    return [
        c
        for c in comparisons(fmt.id)
        if c.table.key == table.key
        and c.rule.kind == "balance"
        and c.rule.for_each == "column"
        and not c.rule.needs_previous
    ]


class LiveBalance(RowMenu):
    """Reopens a row through the :class:`~reportgen.wizard.jump.RowMenu`."""

    def show_balance(self, table: Table) -> bool:
        """Print the balance of every column; True when all of them hold."""
        from rich.table import Table as RichTable

        _, outcome = self.current_report()
        report = outcome.report
        if report is None:
            self.print_problems(outcome.problems)
            return False
        balance = balance_comparisons(self.fmt, table)
        first = balance[0]
        left_name = "+".join(t.name for t in first.left)
        right_name = "+".join(t.name for t in first.right)
        from rich import box

        grid = RichTable(
            title=f"{table.name} 勾稽关系：{left_name} = {right_name}",
            title_justify="left",
            box=box.SIMPLE_HEAD,  # no rules above and below: the menu must fit under it
            pad_edge=False,
        )
        grid.add_column("列")
        grid.add_column(left_name, justify="right")
        grid.add_column(right_name, justify="right")
        grid.add_column("差", justify="right")
        grid.add_column("")
        all_ok = True
        for cmp in balance:
            left, right = cmp.totals(report.values)
            ok = cmp.holds(left, right)
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
        while True:
            if self.show_balance(table):
                self.ui.say("各列勾稽关系平衡。", style="green")
                self.store.set(balanced_key(table), True)
                return
            pick = self.pick_rows(
                table,
                "有的列不平衡，要返回修改哪一行？",
                first=("继续（不平衡的列稍后仍可在检查时修改）", _CONTINUE),
            )
            if pick == _CONTINUE:
                self.store.set(balanced_key(table), True)
                return
            self.ask_questions(pick)

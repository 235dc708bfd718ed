"""Going straight to one row: a menu of a table's rows with their current values.

The balance fix-up and ``reportgen edit`` both let the clerk pick the row to change.  Table
三 has 27 rows, more than an 80×24 terminal shows under the balance, so the menu follows
the definition's row groups: 一、二、三、本年度办理结果、四 first, then the rows inside a
group, never more than a dozen entries at once.  Each entry shows the row's current figures
(a group shows its sums), shortened to fit 80 columns.

``reportgen edit FILE --table 三 --row 一 --column 自然人`` names the same places on the
command line; :func:`find_questions` turns those words into the questions to ask.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportgen.definition import Format, Node, Table, column_title
from reportgen.errors import InputError
from reportgen.wizard.questions import CELLS, ROWS, Question, line_table, table_questions
from reportgen.wizard.state import WizardState

#: Terminal width the menu entries must fit (the prompt adds a few columns in front).
WIDTH = 80
_INDENT = 6
_BACK = "@back"


def display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns, with … when cut."""
    if display_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if display_width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def _chain(node: Node | None) -> list[Node]:
    """The labelled row groups from the outermost down to ``node``."""
    nodes = []
    while node is not None:
        if node.label:
            nodes.append(node)
        node = node.parent
    return nodes[::-1]


def _values(questions: list[Question], answers: Mapping[str, Any]) -> str:
    """The figures under an entry: a row's cells, or a group's sums column by column."""
    sums: dict[str, Any] = {}
    for q in questions:
        for cell in q.cells:
            value = answers.get(cell.path)
            if value is None:
                sums.setdefault(cell.column.dotted, None)
                continue
            try:
                number = float(value) if isinstance(value, str) else value
            except ValueError:
                continue
            previous = sums.get(cell.column.dotted)
            sums[cell.column.dotted] = number if previous is None else previous + number
    shown = ["—" if v is None else _number(v) for v in sums.values()]
    return " ".join(shown)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def aligned(rows: list[tuple[str, str, Any]]) -> list[tuple[str, Any]]:
    """Menu titles 「label  figures」 with the figures in one column, fitted to the
    terminal: a long label gives way (…), the figures stay whole."""
    widest = max((display_width(v) for _, v, _ in rows), default=0)
    room = max(WIDTH - _INDENT - widest - 2, 12)
    labels = [shorten(label, room) for label, _, _ in rows]
    column = max((display_width(label) for label in labels), default=0)
    out = []
    for label, (_, values, node) in zip(labels, rows, strict=True):
        pad = " " * (column - display_width(label) + 2)
        out.append((f"{label}{pad}{values}" if values else label, node))
    return out


class RowMenu(WizardState):
    """Uses ``ask`` of the :class:`~reportgen.wizard.flow.Wizard`."""

    def row_questions(self, table: Table) -> list[Question]:
        return table_questions(self.fmt, table, self.store.get("@entry", ROWS))

    def pick_rows(
        self, table: Table, message: str, first: tuple[str, Any] | None = None
    ) -> list[Question] | Any:
        """Walk the row groups of ``table`` down to one row; its questions, or the value of
        ``first`` (an extra entry on top, such as 继续) when that is chosen."""
        questions = self.row_questions(table)
        path: list[Node] = []
        while True:
            entries = self._entries(questions, path)
            choices: list[tuple[str, Any]] = []
            if first is not None and not path:
                choices.append(first)
            if path:
                choices.append(("↑ 返回上一级", _BACK))
            choices += [(title, i) for i, (title, _, _) in enumerate(entries)]
            heading = message if not path else f"{message}（{path[-1].label}）"
            picked = self.ui.select(heading, choices, default=choices[0][1])
            if first is not None and picked == first[1] and not path:
                return picked
            if picked == _BACK:
                path.pop()
                continue
            _, node, members = entries[picked]
            if node is not None:
                path.append(node)
                continue
            return members

    def _entries(
        self, questions: list[Question], path: list[Node]
    ) -> list[tuple[str, Node | None, list[Question]]]:
        """The entries one level below ``path``: groups to open, or rows (node None)."""
        groups: dict[int, tuple[Node, list[Question]]] = {}
        order: list[Any] = []
        for q in questions:
            chain = _chain(q.row)
            if chain[: len(path)] != path:
                continue
            rest = chain[len(path) :]
            if len(rest) <= 1:  # the row itself (or table 四's unlabelled row: each group)
                key = id(rest[0]) if rest else id(q)
                if key not in groups:
                    groups[key] = (rest[0] if rest else None, [])
                    order.append(("row", key, q))
                groups[key][1].append(q)
                continue
            key = id(rest[0])
            if key not in groups:
                groups[key] = (rest[0], [])
                order.append(("group", key, q))
            groups[key][1].append(q)
        rows = []
        for kind, key, q in order:
            node, members = groups[key]
            label = node.label if node is not None else q.title
            rows.append((label, _values(members, self.store), node if kind == "group" else None))
        return [
            (title, node, groups[key][1])
            for (title, node), (_, key, _) in zip(aligned(rows), order, strict=True)
        ]

    def ask_questions(self, questions: list[Question]) -> None:
        self._context = ()  # show the table's headings again above the reopened row
        for q in questions:
            self.ask(q)
        self.drop_pasted()


# ---------------------------------------------------------------------- command line


def _norm(text: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).split())


def find_table(fmt: Format, name: str) -> Table:
    """A table by what a clerk calls it: 三, 表三, 三、收到和处理…, or its key."""
    wanted = _norm(name)
    for table in fmt.tables.values():
        names = {table.key, table.name, table.name[1:], table.heading}
        names.add(table.heading.split("、", 1)[0])
        if wanted in {_norm(n) for n in names}:
            return table
    known = "、".join(t.name for t in fmt.tables.values())
    raise InputError(f"没有这张表：{name}", hint=f"可选：{known}（也可只写 二、三、四）。")


def find_section(fmt: Format, name: str):
    """A text section by its number (一、五、六), its label or its key."""
    from reportgen.wizard.questions import narrative_question

    candidates = []
    for section in fmt.text_sections:
        names = [section.key, section.label, section.label.split("、", 1)[0]]
        candidates.append((names, section))
    found = _matches(candidates, name)
    if len(found) != 1:
        known = "、".join(s.label for s in fmt.text_sections)
        raise InputError(
            f"没有唯一的正文部分“{name}”", hint=f"可选：{known}（也可只写 一、五、六）。"
        )
    return narrative_question(found[0])


def _matches(candidates: list[tuple[str, Any]], name: str) -> list[Any]:
    """Exact name first, then names starting with it, then names containing it."""
    wanted = _norm(name)
    for test in (
        lambda n: n == wanted,
        lambda n: n.startswith(wanted),
        lambda n: wanted in n,
    ):
        found = []
        for names, value in candidates:
            if any(test(_norm(n)) for n in names) and value not in found:
                found.append(value)
        if found:
            return found
    return []


def find_questions(
    fmt: Format, table_name: str, row: str | None = None, column: str | None = None
) -> list[Question]:
    """The questions for ``edit --table T [--row R [--column C]]``."""
    table = find_table(fmt, table_name)
    questions = table_questions(fmt, table, ROWS if line_table(table) else CELLS)
    if row is None:
        return questions
    rows: list[tuple[list[str], Any]] = []
    for q in questions:
        node = q.row
        if node is None or not node.label:  # table 四's one row: a line per column group
            rows.append(([q.title, q.key.rsplit(".", 1)[-1]], q))
            continue
        names = [node.label, node.key or "", node.short or "", column_title(node, "")]
        if "、" in node.label:
            names.append(node.label.split("、", 1)[0])
        rows.append((names, node))
    found = _matches(rows, row)
    if not found:
        raise InputError(
            f"{table.name}中没有“{row}”这一行",
            hint="写行名的开头即可，如 --row 一、--row （二）、--row 国家秘密。",
        )
    if len(found) > 1:
        listed = "、".join(getattr(n, "label", None) or n.title for n in found[:6])
        raise InputError(f"“{row}”对应{table.name}中的多行：{listed}", hint="请写得更完整一些。")
    node = found[0]
    picked = [q for q in questions if q is node or (q.row is node and node.label)]
    label = getattr(node, "label", None) or node.title
    if column is None:
        return picked
    by_cell = {q.key: q for q in table_questions(fmt, table, CELLS)}
    cells = [
        ([c.column.label, c.column.key or "", column_title(c.column, "")], by_cell[c.path])
        for q in picked
        for c in q.cells
    ]
    hits = _matches(cells, column)
    if len(hits) != 1:
        names = "、".join(column_title(c.column) for q in picked for c in q.cells)
        raise InputError(f"{label}中没有唯一的“{column}”列", hint=f"可选：{names}。")
    return hits

"""The same report typeset by Typst: the reference a cold ``reportgen build --to pdf`` is
measured against (a benchmark aid, not part of reportgen).

    .venv/bin/python bench/typst_reference.py REPORT.yaml OUT.pdf

It reads the report file with reportgen (as ``build`` does), then sets the same content on
the same page geometry as the print stylesheet: A4, margins 37/26/35/28 mm mirrored, the
title in 22 pt, body 16 pt on a 28.95 pt grid, tables 二/三/四 in 10.5 pt with the format's
merged cells (taken from the HTML renderer's table view), page numbers ``— N —`` outside.
Fonts are the free ones reportgen falls back to (Noto Serif/Sans CJK SC), so both sides
shape the same glyphs.  Needs ``pip install typst`` (a benchmark-only dependency).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _text(value: str) -> str:
    """A Typst string literal (content is set from strings, never parsed as markup)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _table(view) -> str:
    rows = [*view.head] + [row for body in view.bodies for row in body]
    widths = ", ".join(f"{w:.3f}%" for w in view.col_widths)
    cells = []
    for row in rows:
        for c in row:
            align = "left + horizon" if c.kind == "row" else "center + horizon"
            cells.append(
                f"table.cell(colspan: {c.colspan}, rowspan: {c.rowspan}, align: {align})"
                f"[#{_text(c.text)}]"
            )
    header = len(view.head)
    head = ""
    if header:
        head_cells = ", ".join(cells[: sum(len(r) for r in view.head)])
        cells = cells[sum(len(r) for r in view.head) :]
        head = f"table.header({head_cells}),\n"
    return (
        '#block(above: 6pt, below: 14.5pt, text(size: 10.5pt, font: ("Noto Serif CJK SC"),'
        f" table(columns: ({widths}), stroke: 0.75pt, inset: (x: 2.5pt, y: 1.5pt),\n"
        f"{head}{', '.join(cells)})))\n"
    )


def typst_source(report_file: str) -> str:
    from reportgen.render.html import report_view
    from reportgen.validate import check_file

    outcome = check_file(report_file)
    if outcome.report is None:
        raise SystemExit(f"{report_file}: cannot be read")
    view = report_view(outcome.report)
    out = [
        '#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, inside: 28mm, '
        "outside: 26mm), footer: context [#set text(size: 14pt); #let n = counter(page)"
        ".get().first(); #if calc.odd(n) { align(right)[— #n —] } else { align(left)[— #n —] }])",
        '#set text(lang: "zh", font: ("Noto Serif CJK SC"), size: 16pt, top-edge: 1em, '
        "bottom-edge: 0em)",
        "#set par(leading: 12.95pt, first-line-indent: (amount: 2em, all: true), "
        "justify: true, spacing: 12.95pt)",
        '#align(center, block(below: 28.95pt, text(size: 22pt, weight: "bold", '
        f"{_text(''.join(view['title_parts']))})))",
    ]
    for p in view["preface"]:
        out.append(f"#par({_text(p.text)})")
    for section in view["sections"]:
        out.append(
            f'#heading(level: 1, outlined: true, text(size: 16pt, font: ("Noto Sans CJK SC"),'
            f' weight: "regular", {_text(section.label)}))'
        )
        if section.kind == "table":
            out.append(_table(section.table))
        else:
            for p in section.paragraphs:
                out.append(f"#par({_text(p.text)})")
    sig = view["signature"]
    out.append(f"#v(28.95pt)\n#align(right)[#{_text(sig['agency'])}]")
    if sig["date"]:
        out.append(f"#align(right)[#{_text(sig['date'])}]")
    return "\n".join(out) + "\n"


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    import typst

    source = typst_source(sys.argv[1])
    Path(sys.argv[2]).write_bytes(typst.compile(source.encode("utf-8")))


if __name__ == "__main__":
    main()

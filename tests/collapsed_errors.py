"""Collapsed reports with published arithmetic errors in tables 三 and 四 (test corpus).

Real reports print wrong totals; on a page whose line breaks were lost, no cut of the digit
runs then satisfies every rule and the solver looks for the cuts breaking the fewest.  The
corpus is made from

* reports drawn from the definition with balanced numbers (fixed seeds; few requests, as a
  small office has, or many, as a city bureau has), printed one cell per line;
* the seed texts (``tests/data/published``) whose tables print one number per line, with
  the values of ``tests/data/import/seeds.yaml`` (written by hand);

and each gets 1, 2 or 3 cells of tables 三 and 四 changed at random (fixed seeds) — the
agency added wrong.  The expected values are the printed (wrong) numbers, never the
importer's output.  Used by ``tests/test_import_collapsed_errors.py`` and
``bench/bench_collapsed.py``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from test_import import collapse
from test_import_collapsed import LARGE, SMALL, _draw, _table_cells, _text

from reportgen.definition import get_format

#: (path, column) → value of tables 三 and 四 as imported (None: not imported)
imported_cells = _table_cells
DATA = Path(__file__).resolve().parent / "data"
APPEALS = [
    (group, leaf)
    for group in ("review", "lit_direct", "lit_after_review")
    for leaf in ("upheld", "corrected", "other", "pending", "total")
]


@dataclass
class Case:
    name: str
    fmt_id: str
    #: the report as printed one cell per line (with the errors)
    text: str
    #: (row path or appeals group, column key) → the published value
    cells: dict[tuple[str, str], int]
    #: the cells changed from a balanced table
    errors: list[tuple[str, str]] = field(default_factory=list)

    def collapsed(self, layout: str = "one_line") -> str:
        return collapse(self.text, layout)


def _cells(fmt_id: str, applications: dict[str, list[int]], appeals: list[int]) -> dict:
    block = get_format(fmt_id).tables["applications"].blocks[0]
    out = {}
    for row in block.row_leaves:
        for c, column in enumerate(block.column_leaves):
            out[(row.dotted, column.key)] = applications[row.dotted][c]
    out.update(zip(APPEALS, appeals, strict=True))
    return out


def _mutate(cells: dict, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Change ``count`` cells (never below 0) the way a wrong sum looks on the page."""
    chosen = rng.sample(sorted(cells), count)
    for cell in chosen:
        delta = rng.choice([1, 1, 2, 3, 10, 100])
        cells[cell] += -delta if cells[cell] >= delta and rng.random() < 0.4 else delta
    return chosen


def drawn_cases(seeds: range, errors: tuple[int, ...] = (1, 2, 3)) -> list[Case]:
    out = []
    for seed in seeds:
        for counts, size in ((SMALL, "small"), (LARGE, "large")):
            for count in errors:
                values = _draw("v2021", seed, counts)
                cells = _cells("v2021", values["applications"], values["appeals"])
                chosen = _mutate(cells, count, random.Random(f"{seed}-{size}-{count}"))
                block = get_format("v2021").tables["applications"].blocks[0]
                for row in block.row_leaves:
                    values["applications"][row.dotted] = [
                        cells[(row.dotted, c.key)] for c in block.column_leaves
                    ]
                values["appeals"] = [cells[k] for k in APPEALS]
                name = f"drawn-{size}-{seed}-{count}err"
                out.append(Case(name, "v2021", _text("v2021", values), cells, chosen))
    return out


_NUMBER_LINE = re.compile(r"(?m)^(\s*)(\d+)(\s*)$")


def seed_cases(errors: tuple[int, ...] = (1, 2, 3)) -> list[Case]:
    """Seeds whose tables 三 and 四 print one number per line, in reading order."""
    expected = yaml.safe_load((DATA / "import" / "seeds.yaml").read_text(encoding="utf-8"))
    out = []
    for name, want in expected.items():
        if want["applications"] != "zeros":
            continue  # a row the page itself misaligns: no table to put errors in
        fmt = get_format(want["format"])
        text = (DATA / "published" / name).read_text(encoding="utf-8")
        heading = {s.key: s.label for s in fmt.sections}
        start = text.index(heading["applications"])
        end = text.index(heading["problems"])
        numbers = list(_NUMBER_LINE.finditer(text, start, end))
        block = fmt.tables["applications"].blocks[0]
        zeros = {r.dotted: [0] * len(block.column_leaves) for r in block.row_leaves}
        cells = _cells(want["format"], zeros, want["appeals"])
        if len(numbers) != len(cells):
            continue
        order = list(cells)  # row by row, then table 四: the order the page prints them
        for count in errors:
            mutated = dict(cells)
            chosen = _mutate(mutated, count, random.Random(f"{name}-{count}"))
            pieces, last = [], 0
            for m, cell in zip(numbers, order, strict=True):
                pieces.append(text[last : m.start(2)] + str(mutated[cell]))
                last = m.end(2)
            pieces.append(text[last:])
            stem = name.split("_")[0]
            out.append(
                Case(f"seed-{stem}-{count}err", want["format"], "".join(pieces), mutated, chosen)
            )
    return out


def row_of(cell: tuple[str, str]) -> tuple[str, str]:
    """The importer's row key of a cell (table 四 is one row)."""
    if cell in APPEALS:
        return ("appeals", "")
    return ("applications", cell[0])

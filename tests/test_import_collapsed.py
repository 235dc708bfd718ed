"""Reports whose line breaks were lost: tables solved whole, published errors kept.

The reports are made here from the definition with numbers drawn at random (fixed seeds)
that balance as the rules require — or not, where a total is deliberately made wrong as in
real reports.  Each is printed one cell per line (what agencies publish), then collapsed as
crawlers do.  The expected values are the drawn numbers, never the importer's output.
"""

from __future__ import annotations

import random

import pytest
from test_import import HEAD, TAIL, _rows, collapse

from reportgen.definition import get_format
from reportgen.importer import import_text
from reportgen.validate import check_file

#: Counts drawn for table 三 results: an office's few requests, or a city bureau's many.
SMALL = (0, 0, 0, 1, 2, 7, 13)
LARGE = (0, 0, 3, 14, 27, 154, 1203)


def _draw(fmt_id: str, seed: int, counts: tuple[int, ...] = SMALL) -> dict:
    """Balanced values for every cell, table 三 and 四 with multi-digit numbers."""
    rng = random.Random(seed)
    fmt = get_format(fmt_id)
    proactive = {}
    for block in fmt.tables["proactive"].blocks:
        for row in block.row_leaves:
            proactive[row.dotted] = {
                c.key: rng.choice([0, 0, 1, 3, 12]) for c in block.column_leaves
            }
    leaves = fmt.tables["applications"].blocks[0].row_leaves
    flow = ("new_received", "carried_over", "carried_forward", "results_total")
    results = [r.dotted for r in leaves if r.dotted not in flow]
    apps = {r: [rng.choice(counts) for _ in range(6)] for r in results}
    apps["results_total"] = [sum(apps[r][c] for r in results) for c in range(6)]
    apps["carried_forward"] = [rng.choice([0, 1, 4]) for _ in range(6)]
    apps["carried_over"] = [rng.choice([0, 2]) for _ in range(6)]
    apps["new_received"] = [
        apps["results_total"][c] + apps["carried_forward"][c] - apps["carried_over"][c]
        for c in range(6)
    ]
    for c in range(6):  # new_received must stay a count
        if apps["new_received"][c] < 0:
            apps["carried_forward"][c] -= apps["new_received"][c]
            apps["new_received"][c] = 0
    for key in apps:
        apps[key] = [*apps[key], sum(apps[key])]
    appeals = []
    for _ in range(3):
        group = [rng.choice([0, 0, 1, 2, 11]) for _ in range(4)]
        appeals += [*group, sum(group)]
    return {"proactive": proactive, "applications": apps, "appeals": appeals}


def _text(fmt_id: str, values: dict) -> str:
    """The report printed one cell per line, as many agencies' pages are."""
    lines = [HEAD.replace("2023", "2023" if fmt_id == "v2021" else "2020")]
    for _kind, labels, nums in _rows(fmt_id, values):
        lines.extend(f"{label}\n" for label in labels)
        lines.extend(f"{n}\n" for n in nums)
    return "".join(lines) + TAIL


def _table_cells(result, fmt_id: str):
    """(path, column) → value of tables 三 and 四 as imported (None: not imported)."""
    fmt = get_format(fmt_id)
    out = {}
    apps = fmt.tables["applications"].blocks[0]
    for row in apps.row_leaves:
        node = result.data["applications"]
        for part in row.dotted.split("."):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        for column in apps.column_leaves:
            out[(row.dotted, column.key)] = node.get(column.key) if node else None
    for group in ("review", "lit_direct", "lit_after_review"):
        got = result.data["appeals"].get(group, {})
        for leaf in ("upheld", "corrected", "other", "pending", "total"):
            out[(group, leaf)] = got.get(leaf)
    return out


def _expected_cells(values: dict, fmt_id: str):
    fmt = get_format(fmt_id)
    apps = fmt.tables["applications"].blocks[0]
    out = {}
    for row in apps.row_leaves:
        for c, column in enumerate(apps.column_leaves):
            out[(row.dotted, column.key)] = values["applications"][row.dotted][c]
    i = 0
    for group in ("review", "lit_direct", "lit_after_review"):
        for leaf in ("upheld", "corrected", "other", "pending", "total"):
            out[(group, leaf)] = values["appeals"][i]
            i += 1
    return out


@pytest.mark.parametrize("layout", ["one_line", "spaced", "few_lines"])
@pytest.mark.parametrize("seed", range(6))
def test_collapsed_tables_three_and_four_every_cell(seed, layout):
    values = _draw("v2021", seed)
    result = import_text(collapse(_text("v2021", values), layout))
    got = _table_cells(result, "v2021")
    want = _expected_cells(values, "v2021")
    wrong = {k: (got[k], want[k]) for k in want if got[k] is not None and got[k] != want[k]}
    assert not wrong  # nothing invented
    missing = [k for k in want if got[k] is None]
    for row, _column in missing:  # only rows the whole table cannot decide, with the truth
        if row in ("review", "lit_direct", "lit_after_review"):
            read, truth = result.rows[("appeals", "")], values["appeals"]
        else:
            read, truth = result.rows[("applications", row)], values["applications"][row]
        assert read.status == "ambiguous"
        assert truth in read.candidates
    settled = [r for (t, _), r in result.rows.items() if t == "applications" and r.readable]
    assert len(settled) >= 14  # the column rules decide most rows
    for (table, _path), read in result.rows.items():
        if table == "proactive" and not read.readable:
            assert read.status == "ambiguous" and read.candidates


@pytest.mark.parametrize("seed", range(4))
def test_published_errors_are_kept_not_fixed(tmp_path, seed):
    """A wrong total stays wrong: check finds the same errors as on the page as printed."""
    values = _draw("v2021", seed)
    rng = random.Random(seed)
    row = rng.choice(["granted", "results_total", "carried_forward", "new_received"])
    values["applications"][row][6] += rng.choice([1, 10])  # the agency added wrong
    values["appeals"][4] += 1
    text = _text("v2021", values)
    rules = {}
    for layout in ("as_scraped", "one_line"):
        result = import_text(collapse(text, layout))
        out = tmp_path / f"{layout}.yaml"
        out.write_text(result.to_yaml(), encoding="utf-8")
        problems = check_file(out).problems
        rules[layout] = {(p.rule, p.table, p.row, p.col) for p in problems if p.is_error}
        got = _table_cells(result, "v2021")
        want = _expected_cells(values, "v2021")
        assert not {k for k in want if got[k] is not None and got[k] != want[k]}
    assert rules["as_scraped"]  # the mutation is a real error
    # No false alarm from reading: what check finds on the collapsed page is a published
    # error, or a row reported as not read (E-MISSING), never an error of its own.
    assert {r for r in rules["one_line"] if r[0] != "E-MISSING"} <= rules["as_scraped"]


def test_wrong_total_in_a_run_is_read_as_published(tmp_path):
    """``121000014``: 12+1 is not 14, no cut balances; the published reading breaks least,
    and every other cut breaks at least two rules more."""
    values = _draw("v2021", 0)
    apps = values["applications"]
    for key in apps:
        apps[key] = [0] * 7
    values["appeals"] = [0] * 15
    for row in values["proactive"].values():
        row.update(dict.fromkeys(row, 0))
    apps["granted"] = [12, 1, 0, 0, 0, 0, 14]  # published wrong: 12 + 1 = 13
    apps["results_total"] = [12, 1, 0, 0, 0, 0, 13]
    apps["new_received"] = [12, 1, 0, 0, 0, 0, 13]
    rules = {}
    label = get_format("v2021").tables["applications"].blocks[0].row_leaves[0].label
    for layout in ("as_scraped", "one_line"):
        text = collapse(_text("v2021", values), layout)
        if layout == "one_line":  # row 一 printed apart, the rest run together
            head, tail = text.split(label)
            text = head + label + tail.replace("121000013", "12 1 0 0 0 0 13 ", 1)
        result = import_text(text)
        out = tmp_path / f"{layout}.yaml"
        out.write_text(result.to_yaml(), encoding="utf-8")
        rules[layout] = {(p.rule, p.row, p.col) for p in check_file(out).problems if p.is_error}
    read = result.rows[("applications", "granted")]
    assert read.values == [12, 1, 0, 0, 0, 0, 14] and read.relaxed
    assert "原文数字有误" in read.reason
    assert result.to_json()["tables"]["applications"]["rows"]["granted"][
        "rules_broken_by_published_numbers"
    ]
    assert {r[0] for r in rules["as_scraped"]} == {"T3-2", "T3-3"}
    assert rules["one_line"] == rules["as_scraped"]


def test_run_that_cannot_be_cut_is_reported_with_its_position():
    values = _draw("v2021", 1)
    text = collapse(_text("v2021", values), "one_line")
    # Drop two digits of 结转下年度: seven cells cannot come out of what is left.
    label = get_format("v2021").tables["applications"].blocks[0].row_leaves[-1].label
    head, tail = text.split(label)
    digits = "".join(str(v) for v in values["applications"]["carried_forward"])
    assert tail.startswith(digits)
    tail = digits[:5] + tail[len(digits) :]
    result = import_text(head + label + tail)
    read = result.rows[("applications", "carried_forward")]
    assert not read.readable
    assert "applications.carried_forward" in result.skipped
    assert "第1行第" in result.skipped["applications.carried_forward"]
    assert result.to_json()["tables"]["applications"]["confidence"] < 1.0


def test_row_alone_is_ambiguous_the_table_decides():
    """``11150000116`` is 111/5 or 1/115 for the row; the printed row 一 decides (T3-1, T3-3)."""
    values = _draw("v2021", 0)
    apps = values["applications"]
    for key in apps:
        apps[key] = [0] * 7
    for key in ("granted", "results_total", "new_received"):
        apps[key] = [111, 5, 0, 0, 0, 0, 116]
    text = collapse(_text("v2021", values), "one_line")
    label = get_format("v2021").tables["applications"].blocks[0].row_leaves[0].label
    head, tail = text.split(label)
    tail = tail.replace("11150000116", "111 5 0 0 0 0 116 ", 1)  # row 一 printed apart
    result = import_text(f"{head}{label}{tail}")
    for key in ("granted", "results_total"):
        read = result.rows[("applications", key)]
        assert read.status == "split" and read.values == [111, 5, 0, 0, 0, 0, 116], key
    assert result.data["applications"]["granted"]["commercial"] == 5

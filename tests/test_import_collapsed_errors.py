"""Collapsed reports with 1–3 published errors in tables 三 and 四: read or reported, never
invented, and ``check`` still finds what the agency printed wrong.

The corpus (:mod:`collapsed_errors`) is made from drawn reports and the seed texts; the
expected cells are the numbers as printed (with the errors), never the importer's output.
"""

from __future__ import annotations

import collapsed_errors
import pytest
from collapsed_errors import drawn_cases, row_of, seed_cases

from reportgen.importer import import_text
from reportgen.validate import check_text

CASES = {case.name: case for case in seed_cases() + drawn_cases(range(4))}


def _errors(result) -> set[tuple]:
    problems = check_text(result.to_yaml(), "<import>").problems
    return {(p.rule, p.table, p.row, p.col) for p in problems if p.is_error}


@pytest.mark.parametrize("name", sorted(CASES))
def test_cells_are_right_or_reported(name):
    case = CASES[name]
    from collapsed_errors import imported_cells

    result = import_text(case.collapsed())
    got = imported_cells(result, case.fmt_id)
    invented = {k: (got[k], v) for k, v in case.cells.items() if got[k] not in (None, v)}
    assert not invented
    for cell, value in case.cells.items():
        if got[cell] is not None:
            continue
        read = result.rows[row_of(cell)]
        assert read.status in ("ambiguous", "unreadable"), (cell, read.status)
        assert f"{read.table}." in " ".join(result.skipped)
        if read.status == "ambiguous" and "可能更多" not in read.reason:
            # every reading was listed: the printed one is among them
            column = [c for c in read.candidates if value in c]
            assert column, (cell, read.candidates)


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_finds_the_published_errors(name):
    """What check finds on the collapsed page it finds on the page as printed (no false
    alarm from reading); when every row is read, it finds all of it."""
    case = CASES[name]
    printed = import_text(case.text)
    assert printed.complete
    wanted = _errors(printed)
    assert any(e[0] != "E-MISSING" for e in wanted)  # the changed cells are real errors
    result = import_text(case.collapsed())
    found = _errors(result)
    assert {e for e in found if e[0] != "E-MISSING"} <= wanted
    if all(r.readable for r in result.rows.values()):
        assert found == wanted


def test_same_input_same_output():
    case = CASES["drawn-small-1-2err"]
    first = import_text(case.collapsed()).to_yaml()
    assert import_text(case.collapsed()).to_yaml() == first


ONE_TYPO = [
    name
    for name, case in sorted(CASES.items())
    if name.startswith("drawn-small-")
    and len(case.errors) == 1
    and case.errors[0] not in collapsed_errors.APPEALS
]


@pytest.mark.parametrize("name", ONE_TYPO)
def test_one_wrong_cell_in_table_3_is_read_as_printed(name):
    """One number printed wrong in table 三 breaks its row and its column, yet only the
    printed cut explains the page with a single wrong cell: the table is read as printed
    and the error is left for ``check``."""
    case = CASES[name]
    from collapsed_errors import imported_cells

    result = import_text(case.collapsed())
    got = imported_cells(result, case.fmt_id)
    table3 = {k: v for k, v in case.cells.items() if k not in collapsed_errors.APPEALS}
    assert {k: got[k] for k in table3} == table3
    assert any(r.relaxed for r in result.rows.values() if r.table == "applications")

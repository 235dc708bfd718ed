"""Group the problems that follow from one mistake under it.

One slip often produces several problems: a misspelt key ``carried_ovr`` is an unknown key
*and* leaves the row ``carried_over`` missing; a row typed with five numbers instead of six
leaves all its columns missing; a key run together with its value (``amount:0``) is an
unknown key and a missing cell; a mistyped cell in a row whose total is written makes the
row total wrong (a ``total`` rule, which names the row) and the column no longer balance (a
``balance`` rule, off by the same amount).  Listed in line order, the consequence often comes first
(the missing row is reported at its parent, above the misspelt key) and the clerk fixes the
wrong thing.  :func:`link` marks what follows from a mistake with its
:attr:`~reportgen.errors.Problem.cause`; the list itself is left whole (every problem is still
counted and in ``--json``), and :func:`~reportgen.diagnostics.print_problems` prints the
consequences under their cause.
"""

from __future__ import annotations

import re

from reportgen.errors import Problem

_GUESS = re.compile(r"是不是「([^」]+)」")
_KEY_IN_MESSAGE = re.compile(r"未知的键「([^」]+)」")
_RUN_TOGETHER = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*[:：]")


def _missing_key(problem: Problem) -> str | None:
    """The dotted path a missing-item problem is about (its parent path + the key)."""
    m = re.search(r"（键「([^」]+)」）$", problem.message)
    if problem.rule != "E-MISSING" or not m:
        return None
    return f"{problem.path}.{m.group(1)}" if problem.path else m.group(1)


def _meant(problem: Problem) -> str | None:
    """For an unknown key: the dotted path of the key that was probably meant."""
    if problem.rule != "E-KEY" or not problem.path:
        return None
    parent = problem.path.rpartition(".")[0]
    written = _KEY_IN_MESSAGE.search(problem.message)
    guess = _GUESS.search(problem.hint or "")
    run_together = _RUN_TOGETHER.match(written.group(1)) if written else None
    key = run_together.group(1) if run_together else guess.group(1) if guess else None
    if key is None:
        return None
    return f"{parent}.{key}" if parent else key


def link(problems: list[Problem], kinds: dict[str, str] | None = None) -> list[Problem]:
    """Set the :attr:`cause` of the problems that follow from another; returns ``problems``.

    ``kinds`` maps rule ids to their kind in the format definition (``total``, ``balance``).
    """
    _link_rules(problems, kinds or {})
    causes: list[tuple[str, Problem]] = []
    for p in problems:
        meant = _meant(p)
        if meant:
            causes.append((meant, p))  # the missing key itself
        elif p.rule.startswith("T3-4") and p.path and "应有" in p.message:
            causes.append((p.path + ".", p))  # every column of a wrong-length row
    for p in problems:
        missing = _missing_key(p)
        cause = None
        if missing:
            cause = next(
                (
                    c
                    for path, c in causes
                    if c is not p
                    and (missing == path or (path.endswith(".") and missing.startswith(path)))
                ),
                None,
            )
        if cause is not None and p.cause is None:
            p.cause = cause
    return problems


def _link_rules(problems: list[Problem], kinds: dict[str, str]) -> None:
    """A failed row or column total is the cause of balance failures of the same table that
    are off by the same amount: the one mistyped cell shows in both."""
    totals = [p for p in problems if p.is_error and kinds.get(p.rule) == "total" and p.difference]
    if not totals:
        return
    for p in problems:
        cause = None
        if p.is_error and kinds.get(p.rule) == "balance" and p.difference:
            cause = next(
                (
                    t
                    for t in totals
                    if t.table == p.table and _magnitude(t.difference) == _magnitude(p.difference)
                ),
                None,
            )
        if cause is not None:
            p.cause = cause


def _magnitude(number: str | None) -> str:
    return (number or "").lstrip("+-")

"""How far to trust each imported table, as one figure per table for ``--json``.

The figure is the share of the table's rows that were read, each row counting less when it
was read with doubt: digits split by the balancing rules (less when no split kept every
rule), a label matched only by similarity, or numbers carried over from the other
version's row.  Someone auditing many reports sorts on it to see which imports to look at
first.
"""

from __future__ import annotations

from reportgen.importer.result import ImportResult
from reportgen.importer.tables import row_leaves


def rate(result: ImportResult) -> None:
    """Per table: the share of its rows read, lowered for approximate labels and splits."""
    for tkey, table in result.format.tables.items():
        leaves = row_leaves(table)
        if tkey == "appeals":
            read = result.rows.get(("appeals", ""))
            score = 1.0 if read and read.readable else 0.0
            if read and read.status == "split" and not read.forced:
                score = 0.5 if read.relaxed else 0.8
            result.confidence[tkey] = score
            continue
        total = 0.0
        for leaf in leaves:
            path = f"{tkey}.{leaf.dotted}"
            if path in result.skipped:
                continue
            read = result.rows.get((tkey, leaf.dotted))
            weight = 1.0
            if read is not None and read.status == "split" and not read.forced:
                weight = 0.5 if read.relaxed else 0.8
            elif read is not None and not read.exact_label:
                weight = 0.95
            elif read is None:
                weight = 0.9  # filled from the other version's row (mixed formats)
            total += weight
        result.confidence[tkey] = round(total / len(leaves), 2) if leaves else 0.0

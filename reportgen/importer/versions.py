"""Decide which format version a published report follows.

The year says which version a report *should* use, but agencies keep printing the old
tables and some mix both.  The tables decide: table-二 labels that exist in one version
only, and table 三's （六）其他处理 printed as one row (2019) or as three sub-rows (2021).  A
version the tables contradict, or two tables that disagree, is reported, never hidden.
"""

from __future__ import annotations

from collections import Counter

from reportgen.definition import Format, Node, format_for_year, formats
from reportgen.importer.result import Finding, ImportResult


def other_group(format_id: str) -> Node:
    """Table 三's （六）其他处理 in format ``format_id``: one row (2019) or a group (2021)."""
    return formats()[format_id].tables["applications"].block_of_row("other")[1]


def vote(counter: Counter) -> str | None:
    """The format id with the most evidence, or None when there is none or a tie."""
    if not counter:
        return None
    (best, n), *rest = counter.most_common()
    if rest and rest[0][1] == n:
        return None
    return best


def decide(year: int, evidence: dict[str, Counter]) -> dict[str, str | None]:
    """The version the year asks for and the version each table shows (None: no evidence)."""
    return {
        "year": format_for_year(year).id,
        "proactive": vote(evidence["proactive"]),
        "applications": vote(evidence["applications"]),
    }


def chosen(versions: dict[str, str | None]) -> Format:
    """The format to import with: table 二 decides, then table 三, then the year."""
    return formats()[versions["proactive"] or versions["applications"] or versions["year"]]


def report_mixed(result: ImportResult) -> None:
    """Say so when the tables are not the year's version, or disagree with each other."""
    fmt = result.format
    year_fmt = formats()[result.versions["year"]]
    apps_fmt = result.versions["applications"]
    if fmt.id != year_fmt.id:
        result.mixed = True
        result.findings.append(
            Finding(
                "warning",
                f"{result.year} 年的报告应使用{year_fmt.name}，原文表格却是{fmt.name}",
            )
        )
    if apps_fmt and apps_fmt != fmt.id:
        result.mixed = True
        single = other_group("v2019")
        result.findings.append(
            Finding(
                "warning",
                f"原文混用两版格式：表二是{fmt.name}，表三的“{single.label}”却是"
                f"{formats()[apps_fmt].name}的写法；已按{fmt.name}导入，见该行注释",
            )
        )

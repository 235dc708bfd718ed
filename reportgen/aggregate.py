"""The office's aggregate report: tables 二、三、四 as the cell-by-cell sums of its members.

A county's 本级政府 report is in practice the sum of its departments' and towns' tables (the
same tables as any report).  :func:`aggregate` loads the members (report files or published
reports, through the audit's reader), refuses what would give a wrong sum — two formats or
years, one agency twice, a member that is itself the sum of others in the list, members
with errors — and returns a report file: summed tables (money as exact decimals), section
一 prefilled with placeholders so it can never disagree with the tables, and a comment that
lists every member with its figures.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportgen.audit.names import agency_key
from reportgen.definition import Format, _load_yaml
from reportgen.errors import EXIT_INVALID, InputError, Problem, ReportgenError
from reportgen.paths import templates_dir
from reportgen.report import Report


class Refused(ReportgenError):
    """The members cannot be summed as given (exit 1)."""

    exit_code = EXIT_INVALID


@functools.cache
def texts() -> dict[str, str]:
    return _load_yaml(templates_dir() / "aggregate" / "aggregate.yaml")


@dataclass
class Member:
    path: str
    report: Report
    problems: list[Problem]
    #: agencies a member written by ``reportgen aggregate`` says it sums
    sums_of: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


@dataclass
class Aggregate:
    text: str  # the report file
    members: list[Member]
    values: dict[str, Any]  # every cell of the sum, totals included
    format: Format
    missing: list[str] = field(default_factory=list)  # roster names without a report
    unlisted: list[str] = field(default_factory=list)  # members not on the roster
    invalid: list[Member] = field(default_factory=list)


def load_member(path: str) -> Member:
    """Read one member (a report file or a published report) and check it."""
    from reportgen.audit.run import _report_of, read
    from reportgen.validate import check_report

    source = read(path)
    if not source.readable:
        raise InputError(source.message or "无法读取", file=path)
    outcome = _report_of(source)
    if outcome.report is None:
        errors = [p for p in outcome.problems if p.is_error]
        first = errors[0].message if errors else ""
        raise Refused(
            f"成员报告的结构有误，无法相加（{len(errors)} 个错误，如：{first}）",
            file=path,
            hint=f"先用 reportgen check {path} 查看并改正。",
        )
    problems = outcome.problems + check_report(outcome.report)
    marker = texts()["members_line"]
    sums_of = []
    for line in source.report_text().splitlines():
        if line.startswith("# " + marker):
            sums_of = [n for n in line[len("# " + marker) :].split("、") if n]
    return Member(path, outcome.report, problems, sums_of)


def read_roster(path: str) -> list[str]:
    """A plain list of agencies: YAML (a list) or one name per line (# comments allowed)."""
    from reportgen.source import decode

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取名单：{exc.strerror}", file=path) from None
    text = decode(raw, path)
    try:
        import yaml

        data = yaml.safe_load(text)
    except Exception:
        data = None
    if isinstance(data, list):
        names = [str(n).strip() for n in data if str(n).strip()]
    else:
        names = [
            line.strip().lstrip("-").strip()
            for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]
    if not names:
        raise InputError("名单是空的", file=path, hint="每行写一个应报送年度报告的机关名称。")
    return names


def aggregate(
    members: list[Member],
    agency: str,
    year: int,
    roster: list[str] | None = None,
    allow_invalid: bool = False,
) -> Aggregate:
    """Sum ``members`` into the report of ``agency`` for ``year``; refuse a wrong sum."""
    _refuse_mixed(members, agency, year)
    _refuse_double_counting(members)
    invalid = [m for m in members if m.errors]
    if invalid and not allow_invalid:
        lines = "；".join(f"{m.path}（{m.report.agency}，{len(m.errors)} 个错误）" for m in invalid)
        raise Refused(
            f"{len(invalid)} 份成员报告有错误，相加的结果不可靠：{lines}",
            hint="请成员单位改正后再汇总；确需先看结果可加 --allow-invalid（结果会注明）。",
        )
    fmt = members[0].report.format
    values, data = _sum(fmt, members)
    data.update(year=year, agency=agency)
    overview = texts()["overview"].replace("〔成员数〕", str(len(members)))
    data["sections"] = {"overview": overview}
    missing, unlisted = _roster(members, roster) if roster else ([], [])
    header = _header(fmt, members, invalid, missing)
    from reportgen.writer import dump_report

    text = dump_report(fmt, data, header=header)
    return Aggregate(text, members, values, fmt, missing, unlisted, invalid)


def _refuse_mixed(members: list[Member], agency: str, year: int) -> None:
    if not members:
        raise Refused("没有成员报告")
    other_years = [m for m in members if m.report.year != year]
    if other_years:
        listed = "；".join(f"{m.path}（{m.report.year}年）" for m in other_years)
        raise Refused(
            f"成员报告的年度与 --year {year} 不同：{listed}",
            hint="只汇总同一年度的报告。",
        )
    formats_used = {m.report.format.id for m in members}
    if len(formats_used) > 1:
        listed = "；".join(f"{m.path}（{m.report.format.name}）" for m in members)
        raise Refused(f"成员报告使用了不同的格式版本，表格无法逐格相加：{listed}")
    seen: dict[str, Member] = {}
    for m in members:
        key = agency_key(m.report.agency)
        if key == agency_key(agency):
            raise Refused(
                f"成员中有本级报告本身（{m.report.agency}）",
                file=m.path,
                hint="成员只列所属部门和单位的报告；本级的汇总报告由本命令生成。",
            )
        if key in seen:
            raise Refused(
                f"同一机关出现了两次：{seen[key].path} 和 {m.path}（{m.report.agency}）",
                hint="每个机关只放一份报告，否则会重复计算。",
            )
        seen[key] = m


def _refuse_double_counting(members: list[Member]) -> None:
    """A member that sums others in the list: by its own header, or by its figures."""
    names = {agency_key(m.report.agency): m for m in members}
    for m in members:
        inside = [names[k] for k in map(agency_key, m.sums_of) if k in names and names[k] is not m]
        if inside:
            raise Refused(
                f"{m.path}（{m.report.agency}）本身是汇总报告，已包含 "
                + "、".join(o.report.agency for o in inside)
                + "，再相加会重复计算",
                hint="去掉这份汇总报告，或去掉它已包含的成员。",
            )
    # The figures: counts of tables 三 and 四 (never negative).  Members whose counts all fit
    # under one member's are candidates; those that overshoot are dropped one by one.
    paths = [
        p
        for p, c in members[0].report.format.cells.items()
        if c.type == "count" and c.table.key != "proactive"
    ]
    vectors = {id(m): [m.report.values[p] for p in paths] for m in members}
    for m in members:
        own = vectors[id(m)]
        if not any(own):
            continue
        parts = [
            o
            for o in members
            if o is not m and any(vectors[id(o)]) and all(map(_le, vectors[id(o)], own))
        ]
        rest = [sum(vectors[id(o)][i] for o in parts) - x for i, x in enumerate(own)]
        for o in sorted(parts, key=lambda o: -sum(vectors[id(o)])):
            if any(rest) and all(map(_le, vectors[id(o)], rest)):
                parts.remove(o)
                rest = [r - x for r, x in zip(rest, vectors[id(o)], strict=True)]
        if parts and not any(rest):
            raise Refused(
                f"{m.path}（{m.report.agency}）的每个数字都等于 "
                + "、".join(o.report.agency for o in parts)
                + " 之和：它像是这些成员的汇总，再相加会重复计算",
                hint="去掉这份汇总报告，或去掉它已包含的成员。",
            )


def _le(a: Any, b: Any) -> bool:
    return a <= b


def _sum(fmt: Format, members: list[Member]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every cell summed (exact), and the report-file data of the cells that are written."""
    from reportgen.validate import attribute_paths

    units = _money_units(fmt, members)
    values: dict[str, Any] = {}
    data: dict[str, Any] = {}
    for path, cell in fmt.cells.items():
        total: Any = 0
        for m in members:
            value = m.report.values[path]
            factor = units.get((m.path, path))
            total += value / factor if factor else value
        values[path] = total
        if not cell.computed:
            _put(data, path.split("."), total)
    for path, keys in attribute_paths(fmt.id):
        found = {m.report.attributes.get(path) for m in members}
        if len(found) == 1 and None not in found:
            _put(data, list(keys), found.pop())
        elif path.endswith("unit") and found - {None}:
            _put(data, list(keys), "万元")
    return values, data


def _money_units(fmt: Format, members: list[Member]) -> dict[tuple[str, str], Decimal]:
    """Divisors that bring amounts in 元 to 万元 when members used different units."""
    result = {}
    for cell in fmt.cells.values():
        unit_key = cell.column.extra.get("unit_key")
        if not unit_key:
            continue
        unit_path = ".".join((cell.table.key, *cell.row.path, unit_key))
        used = {m.report.attributes.get(unit_path) for m in members}
        if len(used) > 1:
            for m in members:
                if m.report.attributes.get(unit_path) == "元":
                    result[(m.path, cell.path)] = Decimal(10000)
    return result


def _put(data: dict[str, Any], keys: list[str], value: Any) -> None:
    for key in keys[:-1]:
        data = data.setdefault(key, {})
    data[keys[-1]] = value


def _roster(members: list[Member], roster: list[str]) -> tuple[list[str], list[str]]:
    from reportgen.audit.run import Source, _with_place_prefix

    have = [Source(m.path, "report", m.report.agency, m.report.year, "") for m in members]
    keys = {agency_key(s.agency) for s in have}
    missing = [
        name
        for name in roster
        if agency_key(name) not in keys and _with_place_prefix(agency_key(name), have) is None
    ]
    listed = [Source(n, "report", n, 0, "") for n in roster]
    listed_keys = {agency_key(n) for n in roster}
    unlisted = [
        m.report.agency
        for m in members
        if agency_key(m.report.agency) not in listed_keys
        and _with_place_prefix(agency_key(m.report.agency), listed) is None
    ]
    return missing, unlisted


def _header(
    fmt: Format, members: list[Member], invalid: list[Member], missing: list[str]
) -> list[str]:
    from reportgen.audit.run import overview_spec

    figures = overview_spec()["figures"]
    lines = [
        f"由 reportgen aggregate 汇总 {len(members)} 份成员报告：表二、表三、表四逐格相加。",
        texts()["members_line"] + "、".join(m.report.agency for m in members),
    ]
    for i, m in enumerate(members, 1):
        shown = "，".join(
            f"{f['name']} {sum(m.report.values[c] for c in f['cells'])}" for f in figures
        )
        lines.append(f"成员 {i}：{m.report.agency}（{Path(m.path).name}）：{shown}")
    if invalid:
        lines.append(
            "注意：以下成员报告有错误，汇总数只能作参考："
            + "、".join(f"{m.report.agency}（{len(m.errors)} 个错误）" for m in invalid)
        )
    if missing:
        lines.append(f"名单中没有报告的机关（{len(missing)} 个）：" + "、".join(missing))
    lines.append("第一部分的数字是表格单元格的占位符；第五、六部分请本级填写。")
    return lines


@dataclass
class Difference:
    path: str
    where: str
    published: Any
    summed: Any


def compare(published: Report, values: dict[str, Any]) -> list[Difference]:
    """Every cell where a published aggregate differs from the sum of its members."""
    out = []
    for path, cell in published.format.cells.items():
        mine, theirs = values.get(path), published.values.get(path)
        if mine is None or theirs is None or mine == theirs:
            continue
        out.append(Difference(path, cell.describe(), theirs, mine))
    return out


def describe_difference(d: Difference) -> str:
    diff = d.published - d.summed
    sign = "+" if diff > 0 else ""
    return f"{d.where}：公布 {d.published}，成员合计 {d.summed}，差 {sign}{diff}"

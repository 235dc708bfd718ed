"""Load and check a report file: every problem, located, in the table's own words.

The pipeline is: read the YAML (:mod:`reportgen.source`), pick the format from the year,
turn table-三 rows written as lists into mappings, validate types against the generated
pydantic model (:mod:`reportgen.model`), compute left-out totals, then run the balancing
rules (:mod:`reportgen.rules`), the plausibility checks (:mod:`reportgen.checks`) and the
narrative placeholders.  Nothing stops at the first problem.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.cascade import link
from reportgen.definition import Format, Node, Table, format_for_year, formats
from reportgen.errors import ERROR, EXIT_INVALID, InputError, Problem, sort_problems
from reportgen.report import Report, dig, resolve_values
from reportgen.source import Source, parse_text, read_source


@dataclass
class Outcome:
    """The result of checking one file."""

    source: Source | None
    report: Report | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


class ValidationFailed(InputError):
    """A report has errors; ``problems`` lists all of them."""

    exit_code = EXIT_INVALID

    def __init__(self, outcome: Outcome) -> None:
        name = outcome.source.name if outcome.source else None
        super().__init__(f"报告有 {len(outcome.errors)} 个错误", file=name)
        self.outcome = outcome
        self.problems = outcome.problems


def _problem(
    src: Source, path: tuple, rule: str, message: str, hint: str | None = None, **extra: Any
) -> Problem:
    mark = src.key_marks.get(path) if extra.pop("at_key", False) else src.mark(path)
    return Problem(
        ERROR,
        rule,
        message,
        src.name,
        mark.line if mark else None,
        mark.column if mark else None,
        hint=hint,
        path=".".join(str(p) for p in path) or None,
        **extra,
    )


# ------------------------------------------------------------------ format and lists


def pick_format(src: Source) -> tuple[Format | None, list[Problem]]:
    data = src.data
    if not isinstance(data, dict):
        return None, [
            _problem(
                src,
                (),
                "E-TYPE",
                "报告文件的顶层应是键值对（year: …, agency: …）",
                "用 reportgen init 生成一份报告模板。",
            )
        ]
    year = data.get("year")
    if year is None:
        return None, [_problem(src, (), "E-MISSING", "缺少「year」（报告年度）", "例如 year: 2024")]
    if isinstance(year, bool) or not isinstance(year, int):
        return None, [_problem(src, ("year",), "E-TYPE", f"「year」应为整数年份，实际为 {year!r}")]
    fmt = format_for_year(year)
    if fmt is None:
        supported = "、".join(f"{f.id}（{f.first_year}年起）" for f in formats().values())
        return None, [
            _problem(
                src,
                ("year",),
                "X-5",
                f"不支持 {year} 年的报告：2019 年以前的年度报告格式完全不同",
                f"支持的格式：{supported}。",
            )
        ]
    declared = data.get("format")
    if declared is not None and declared != fmt.id:
        known = declared in formats()
        return None, [
            _problem(
                src,
                ("format",),
                "X-5",
                f"format: {declared} 与报告年度 {year} 不符："
                f"{year} 年的报告应使用 {fmt.id}（{fmt.name}）"
                if known
                else f"未知的格式「{declared}」",
                "删去 format 一行即可按年度自动选择格式。",
            )
        ]
    return fmt, []


def normalise_rows(fmt: Format, src: Source) -> list[Problem]:
    """Turn list-form rows (six numbers, a seventh total optional) into mappings, in place."""
    problems = []
    table = fmt.tables["applications"]
    block = table.blocks[0]
    columns = [c.key for c in block.column_leaves]
    labels = "、".join(c.label for c in block.column_leaves)
    data = src.data.get(table.key)
    if not isinstance(data, dict):
        return problems

    def walk(nodes: tuple[Node, ...], container: dict, path: tuple) -> None:
        for node in nodes:
            if node.children:
                sub = container.get(node.key) if node.key else container
                if isinstance(sub, dict):
                    walk(node.children, sub, (*path, node.key) if node.key else path)
                continue
            value = container.get(node.key)
            if not isinstance(value, list):
                continue
            value = _split_chinese_commas(value)
            if len(value) not in (len(columns) - 1, len(columns)):
                problems.append(
                    _problem(
                        src,
                        (*path, node.key),
                        "T3-4",
                        f"表三「{node.label}」行：应有 {len(columns) - 1} 个数（可再加总计），"
                        f"实际 {len(value)} 个",
                        f"按列顺序填写：{labels}。",
                        table=table.name,
                        row=node.label,
                    )
                )
                container[node.key] = {}
                continue
            container[node.key] = dict(zip(columns, value, strict=False))

    walk(block.rows, data, (table.key,))
    return problems


def _split_chinese_commas(row: list) -> list:
    """``[5，0，0, 0]`` reads as one text item per run of full-width commas; split it into
    numbers, as the wizard does with a pasted row, so the Chinese comma is simply accepted."""
    from reportgen.yaml_hints import row_numbers

    out: list = []
    for item in row:
        numbers = row_numbers(item) if isinstance(item, str) else None
        out.extend(numbers if numbers is not None else [item])
    return out


# ------------------------------------------------------------------ pydantic errors


_MESSAGES = {
    "int_type": "应为整数，实际为 {input}",
    "int_from_float": "应为整数，实际为 {input}",
    "int_parsing": "应为整数，实际为 {input}",
    "greater_than_equal": "不能小于 {ge}，实际为 {input}",
    "less_than_equal": "数值过大（{input}），超过 {le}，请核对",
    "decimal_type": "应为数字，实际为 {input}",
    "decimal_parsing": "应为数字，实际为 {input}",
    "finite_number": "应为有限的数字，实际为 {input}",
    "string_type": "应为文字，实际为 {input}",
    "string_too_short": "不能为空",
    "string_too_long": "过长（不超过 {max_length} 个字）",
    "date_type": "应为日期（如 2025-01-20），实际为 {input}",
    "date_from_datetime_inexact": "应为日期（如 2025-01-20），实际为 {input}",
    "date_parsing": "应为日期（如 2025-01-20），实际为 {input}",
    "literal_error": "应为 {expected} 之一，实际为 {input}",
    "model_type": "应为键值对",
    "dict_type": "应为键值对",
    "model_attributes_type": "应为键值对",
}


def describe(fmt: Format, path: tuple) -> tuple[str, dict[str, str]]:
    """Name a data path with the official labels: 表三「…」行「自然人」列."""
    from reportgen.model import TOP_LEVEL

    if not path:
        return "报告", {}
    head = path[0]
    if head in fmt.tables:
        table = fmt.tables[head]
        dotted = ".".join(str(p) for p in path)
        for cpath, cell in table.cells.items():
            if cpath == dotted:
                return cell.describe(), {
                    "table": table.name,
                    "row": cell.row.label or None,
                    "col": cell.column.label,
                }
        node = _node_at(table, path[1:])
        if node is not None:
            return f"{table.name}「{node.label}」", {"table": table.name}
        return table.name, {"table": table.name}
    if head == "sections" and len(path) > 1:
        if path[1] == "preface":
            return "「开头语」", {}
        try:
            return f"「{fmt.section(str(path[1])).label}」", {}
        except StopIteration:
            pass
    return f"「{head}」（{TOP_LEVEL.get(str(head), head)}）", {}


def _node_at(table: Table, path: tuple) -> Node | None:
    dotted = ".".join(str(p) for p in path)
    for block in table.blocks:
        for root in (*block.rows, *block.columns):
            for node in root.walk():
                if node.key and node.dotted == dotted:
                    return node
    return None


def _expected_keys(model: type, loc: tuple) -> list[str]:
    """The keys the model allows at ``loc`` (for “did you mean”)."""
    from pydantic import BaseModel

    current: Any = model
    for part in loc:
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        annotation = fields[part].annotation
        args = getattr(annotation, "__args__", None)
        if args:
            annotation = next(
                (a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), annotation
            )
        current = annotation
    return list(getattr(current, "model_fields", {}))


def pydantic_problems(fmt: Format, src: Source, exc: Any, model: type) -> list[Problem]:
    from reportgen.yaml_hints import key_hint, value_hint

    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        etype = err["type"]
        rule = "E-TYPE"
        if loc and loc[0] in fmt.tables and fmt.tables[loc[0]].domain_rule:
            rule = fmt.tables[loc[0]].domain_rule
        where, labels = describe(fmt, loc)
        if etype == "extra_forbidden":
            key = str(loc[-1])
            allowed = _expected_keys(model, loc[:-1])
            guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
            parent, _ = describe(fmt, loc[:-1])
            hint = key_hint(key) or (
                f"是不是「{guess[0]}」？"
                if guess
                else "可用的键：" + "、".join(allowed)
                if allowed
                else None
            )
            problems.append(
                _problem(
                    src, loc, "E-KEY", f"{parent}中有未知的键「{key}」", hint, at_key=True, **labels
                )
            )
            continue
        if etype == "missing":
            parent_loc = loc[:-1]
            problems.append(
                _problem(
                    src,
                    parent_loc,
                    "E-MISSING",
                    f"缺少{where}（键「{loc[-1]}」）",
                    "用 reportgen init 生成的模板列出了所有需要填写的项。",
                    **labels,
                )
            )
            continue
        ctx = dict(err.get("ctx") or {})
        ctx["input"] = _show(err.get("input"))
        template = _MESSAGES.get(etype)
        if template is None and etype == "value_error" and "money_type" in str(err.get("msg")):
            template = "应为数字（不带单位、不加引号），实际为 {input}"
        if template is None and etype.startswith(("date", "datetime")):
            template = _MESSAGES["date_type"]
        if template is None:  # pydantic's own text is English: name the value instead
            template = "填写有误，实际为 {input}"
        try:
            text = template.format(**ctx)
        except (KeyError, IndexError):
            text = "填写有误"
        hint = None
        if (etype in ("int_type", "int_from_float") and isinstance(err.get("input"), (float,))) or (
            etype in ("int_type",) and type(err.get("input")).__name__ == "Decimal"
        ):
            hint = "件数只能是整数。"
        elif etype == "greater_than_equal":
            hint = "件数不能为负；没有就填 0。"
        elif etype == "less_than_equal" and loc == ("year",):
            hint = "报告年度写四位数，例如 2025。"
        elif etype == "less_than_equal":
            hint = "请核对是否多输了位数，或误把元当作万元。"
        hint = value_hint(err.get("input")) or hint
        problems.append(
            _problem(src, loc, rule, f"{where}：{text}", hint, actual=ctx["input"], **labels)
        )
    return problems


def _show(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "键值对" if isinstance(value, dict) else "列表"
    return str(value)


# ------------------------------------------------------------------ the pipeline


@functools.cache
def attribute_paths(format_id: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Row attributes a format allows (fee precision, procurement unit), by dotted path."""
    fmt = formats()[format_id]
    paths = []
    for table in fmt.tables.values():
        for block in table.blocks:
            for column in block.column_leaves:
                names = [column.extra.get("unit_key"), *column.extra.get("variants", {})]
                for row in block.row_leaves:
                    for name in filter(None, names):
                        keys = (table.key, *row.path, name)
                        paths.append((".".join(keys), keys))
    return tuple(paths)


def build_report(src: Source) -> Outcome:
    """Validate a parsed source and, when it is well-formed, build the :class:`Report`."""
    from pydantic import ValidationError

    from reportgen.model import report_model

    fmt, problems = pick_format(src)
    if fmt is None:
        return Outcome(src, None, problems)
    problems += normalise_rows(fmt, src)
    model = report_model(fmt.id)
    try:
        validated = model.model_validate(src.data)
    except ValidationError as exc:
        problems += pydantic_problems(fmt, src, exc, model)
        return Outcome(src, None, link(sort_problems(problems)))
    if problems:
        return Outcome(src, None, link(sort_problems(problems)))
    data = validated.model_dump(exclude_none=False)
    values, given = resolve_values(fmt, data)
    attributes = {}
    for path, keys in attribute_paths(fmt.id):
        value = dig(data, keys)
        if value is not None:
            attributes[path] = value
    report = Report(
        format=fmt,
        year=data["year"],
        agency=data["agency"].strip(),
        published=data.get("published"),
        sections=dict(data["sections"]),
        values=values,
        given=frozenset(given),
        attributes=attributes,
        source=src,
        data=data,
    )
    return Outcome(src, report, problems)


def check_report(report: Report, previous: Report | None = None) -> list[Problem]:
    """Rules, plausibility checks and placeholders of a well-formed report."""
    from reportgen.checks import run_checks
    from reportgen.narrative import check_placeholders, has_placeholders
    from reportgen.rules import evaluate

    problems = evaluate(report, previous)
    problems += run_checks(report, previous)
    texts = {k: v for k, v in report.sections.items() if has_placeholders(v)}
    if texts:
        context = report.context()
        for key, text in texts.items():
            label = "开头语" if key == "preface" else report.format.section(key).label
            problems += check_placeholders(text, context, ("sections", key), report.source, label)
    return problems


def check_source(src: Source, previous: Report | None = None) -> Outcome:
    from reportgen.acknowledge import apply

    outcome = build_report(src)
    if outcome.report is not None:
        problems = outcome.problems + check_report(outcome.report, previous)
        problems = apply(outcome.report, problems, previous=previous is not None)
        kinds = {rule.id: rule.kind for rule in outcome.report.format.rules}
        outcome.problems = link(sort_problems(problems), kinds)
    return outcome


def check_file(path: str | Path, previous: Report | None = None) -> Outcome:
    """Check one file.  Unreadable input raises :class:`InputError`; the rest is problems."""
    return check_source(read_source(path), previous)


def check_text(text: str, name: str = "<string>", previous: Report | None = None) -> Outcome:
    return check_source(parse_text(text, name), previous)


def load_report(path: str | Path, previous: Report | None = None) -> Report:
    """Load a report that must be free of errors (warnings are allowed)."""
    outcome = check_file(path, previous)
    if not outcome.ok or outcome.report is None:
        raise ValidationFailed(outcome)
    return outcome.report


#: Report files; any other file given as last year's report is a published report.
REPORT_SUFFIXES = (".yaml", ".yml")


def load_previous(path: str | Path) -> Report:
    """Last year's report for the cross-year checks: it must at least be well-formed.

    ``check``, ``build`` and ``new`` all load ``--previous`` here.  A first-year user has
    last year only as a published page or PDF: a file that is not a report file is imported
    on the fly (:mod:`reportgen.importer`) and one line on stderr says so.  A workbook
    (``--previous 2025.xlsx``) is read by :mod:`reportgen.excel.reader`.
    """
    from reportgen.excel import XLSX_SUFFIXES

    if str(path).lower().endswith(XLSX_SUFFIXES):
        from reportgen.excel.reader import workbook_report_text

        outcome = build_report(parse_text(workbook_report_text(path), str(path)))
    elif Path(path).suffix.lower() not in REPORT_SUFFIXES:
        return _import_previous(path)
    else:
        outcome = build_report(read_source(path))
    if outcome.report is None:
        raise ValidationFailed(outcome)
    return outcome.report


def _import_previous(path: str | Path) -> Report:
    import sys

    from reportgen.importer import import_file

    result = import_file(path)
    outcome = build_report(parse_text(result.to_yaml(), str(path)))
    if outcome.report is None:
        raise ValidationFailed(outcome)
    missing = f"，{len(result.skipped)} 行未读出（按缺失处理）" if result.skipped else ""
    print(
        f"上一年度报告 {path} 是已发布的报告，已自动导入（{result.agency} {result.year} 年"
        f"{missing}）；可用 reportgen import 导入后核对。",
        file=sys.stderr,
    )
    return outcome.report

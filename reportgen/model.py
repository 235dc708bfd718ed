"""Pydantic models of the report file, generated from a format definition.

Nothing here names a table row: the models are built by walking the definition's row and
column trees, so the schema, the validation and the JSON Schema editors use always agree
with the labels that are printed.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, create_model

from reportgen.definition import Block, Format, Node, Table, formats

#: Upper bounds: larger numbers are typing errors, not real reports.
MAX_COUNT = 10**9
MAX_MONEY = 10**12
#: Years a report may be for (the first format is for 2019).
MAX_YEAR = 2100


def _no_text(value: Any) -> Any:
    """Money accepts numbers only: a quoted "20.3" or "20万元" is a typing slip to report."""
    if isinstance(value, (str, bool)):
        raise ValueError("money_type")
    return value


COUNT = Annotated[int, Strict(), Field(ge=0, le=MAX_COUNT)]
SIGNED = Annotated[int, Strict(), Field(ge=-MAX_COUNT, le=MAX_COUNT)]
MONEY = Annotated[
    Decimal, BeforeValidator(_no_text), Field(ge=0, le=MAX_MONEY, allow_inf_nan=False)
]
CELL_ANNOTATIONS = {"count": COUNT, "signed": SIGNED, "money": MONEY}


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Acknowledgement(StrictModel):
    """A warning the agency has checked and explains (see :mod:`reportgen.acknowledge`)."""

    rule: str = Field(title="规则", min_length=1, max_length=20)
    where: str = Field(title="位置（问题的键：check --json 的 key）", min_length=1, max_length=200)
    reason: str = Field(title="说明理由", min_length=1, max_length=500)


def _field(annotation: Any, title: str, *, optional: bool, description: str | None = None):
    if optional:
        return (annotation | None, Field(default=None, title=title, description=description))
    return (annotation, Field(title=title, description=description))


def _class_name(fmt: Format, *parts: str) -> str:
    return "".join(p.title().replace("_", "") for p in (fmt.id, *parts))


def _columns_model(fmt: Format, table: Table, block: Block, row: Node) -> type[BaseModel]:
    """The mapping of one data row: a field per leaf column (nested for keyed groups)."""

    def build(nodes: tuple[Node, ...], name: str) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for node in nodes:
            if node.children and node.key:
                sub = build(node.children, f"{name}_{node.key}")
                model = create_model(_class_name(fmt, name, node.key), __base__=StrictModel, **sub)
                fields[node.key] = _field(model, node.label, optional=False)
            elif node.children:
                fields.update(build(node.children, name))
            else:
                ctype = node.cell or row.cell or table.cell_type
                fields[node.key] = _field(
                    CELL_ANNOTATIONS[ctype],
                    node.label,
                    optional=bool(node.sum_of),
                    description="可省略，省略时自动计算" if node.sum_of else None,
                )
                if "unit_key" in node.extra:
                    units = tuple(node.extra["units"])
                    fields[node.extra["unit_key"]] = _field(
                        Literal[units], f"{node.label}的单位", optional=False
                    )
                for variant, choices in node.extra.get("variants", {}).items():
                    fields[variant] = _field(
                        Literal[tuple(choices)],
                        f"{node.label}：表头注明的小数位数",
                        optional=True,
                    )
        return fields

    fields = build(block.columns, f"{table.key}_{row.dotted or 'row'}")
    return create_model(
        _class_name(fmt, table.key, row.dotted.replace(".", "_") or "row"),
        __base__=StrictModel,
        **fields,
    )


def _rows_model(fmt: Format, table: Table) -> type[BaseModel]:
    fields: dict[str, Any] = {}

    def add(nodes: tuple[Node, ...], block: Block, into: dict[str, Any], name: str) -> None:
        for node in nodes:
            if node.children:
                target = into
                if node.key:
                    sub: dict[str, Any] = {}
                    add(node.children, block, sub, f"{name}_{node.key}")
                    model = create_model(
                        _class_name(fmt, name, node.key), __base__=StrictModel, **sub
                    )
                    into[node.key] = _field(model, node.label, optional=False)
                    continue
                add(node.children, block, target, name)
            elif not node.key:
                # Table 四's single unlabelled row: its columns sit directly in the table.
                into.update(_merge_fields(_columns_model(fmt, table, block, node)))
            else:
                into[node.key] = _field(
                    _columns_model(fmt, table, block, node),
                    node.label,
                    optional=bool(node.sum_of),
                    description=(node.help or "")
                    + ("可省略，省略时自动计算" if node.sum_of else ""),
                )

    for block in table.blocks:
        add(block.rows, block, fields, table.key)
    return create_model(_class_name(fmt, table.key), __base__=StrictModel, **fields)


def _merge_fields(cls: type[BaseModel]) -> dict[str, Any]:
    """Table 四 has no row key: its column fields are lifted into the table model."""
    return {name: (f.annotation, f) for name, f in cls.model_fields.items()}


@functools.cache
def report_model(format_id: str) -> type[BaseModel]:
    """The pydantic model of a report file in format ``format_id``."""
    fmt = formats()[format_id]
    sections = {
        s.key: (str, Field(default="", title=s.label, description=s.help))
        for s in fmt.text_sections
    }
    sections["preface"] = (
        str,
        Field(
            default="",
            title="开头语",
            description=f"标题之后、“{fmt.sections[0].label}”之前的引言（可选）",
        ),
    )
    sections_model = create_model(_class_name(fmt, "sections"), __base__=StrictModel, **sections)
    tables = {
        key: (_rows_model(fmt, table), Field(title=table.heading))
        for key, table in fmt.tables.items()
    }
    return create_model(
        _class_name(fmt, "report"),
        __base__=StrictModel,
        format=(Literal[fmt.id] | None, Field(default=None, title="格式版本")),
        year=(Annotated[int, Strict()], Field(title="报告年度", ge=2019, le=MAX_YEAR)),
        agency=(str, Field(title="机关名称", min_length=1, max_length=100)),
        title=(
            str | None,
            Field(
                default=None,
                title="报告标题",
                description="可选；省略时为“机关名称+年度+年政府信息公开工作年度报告”",
                min_length=1,
                max_length=120,
            ),
        ),
        published=(dt.date | None, Field(default=None, title="成文日期（落款日期）")),
        sections=(sections_model, Field(default_factory=sections_model, title="正文各部分")),
        acknowledged=(
            list[Acknowledgement] | None,
            Field(
                default=None,
                title="已说明的警告",
                description="确有原因的警告：规则、位置和理由；错误不能说明",
            ),
        ),
        **tables,
    )


#: Top-level keys and their Chinese names, for messages about them.
TOP_LEVEL = {
    "format": "格式版本",
    "year": "报告年度",
    "agency": "机关名称",
    "title": "报告标题",
    "published": "成文日期",
    "sections": "正文各部分",
    "acknowledged": "已说明的警告",
}


def json_schema(format_id: str | None = None) -> dict[str, Any]:
    """JSON Schema of the report file, with the official labels as titles.

    Without ``format_id`` the schema accepts either format (``oneOf``).  Rows of table 三 may
    be written as a list of six numbers (a seventh, the total, is optional); pydantic only
    knows the mapping form, so the list form is added here.
    """
    ids = [format_id] if format_id else list(formats())
    schemas = []
    for fid in ids:
        schema = report_model(fid).model_json_schema()
        _allow_row_lists(schema, fid)
        schemas.append(schema)
    if len(schemas) == 1:
        result = schemas[0]
    else:
        defs: dict[str, Any] = {}
        for s in schemas:
            defs.update(s.pop("$defs", {}))
        result = {"oneOf": schemas, "$defs": defs}
    result["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    result["title"] = "政府信息公开工作年度报告"
    return result


def _allow_row_lists(schema: dict[str, Any], format_id: str) -> None:
    table = formats()[format_id].tables["applications"]
    width = len(table.blocks[0].column_leaves)
    labels = "、".join(c.label for c in table.blocks[0].column_leaves)
    listed = {
        "type": "array",
        "items": {"type": "integer", "minimum": 0},
        "minItems": width - 1,
        "maxItems": width,
        "description": f"按列顺序：{labels}（总计可省略）",
    }
    defs = schema.get("$defs", {})
    for name, definition in defs.items():
        if not name.lower().startswith(f"{format_id}applications"):
            continue
        for prop in definition.get("properties", {}).values():
            ref = prop.get("$ref") or next(
                (a["$ref"] for a in prop.get("anyOf", []) if "$ref" in a), None
            )
            if ref and "natural_person" in defs[ref.rsplit("/", 1)[-1]].get("properties", {}):
                alternatives = [{"$ref": ref}, listed]
                if "anyOf" in prop:
                    alternatives.append({"type": "null"})
                title, desc = prop.get("title"), prop.get("description")
                prop.clear()
                prop["anyOf"] = alternatives
                if title:
                    prop["title"] = title
                if desc:
                    prop["description"] = desc

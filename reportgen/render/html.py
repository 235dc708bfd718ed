"""The report as one self-contained HTML page, the source of the PDF as well.

The page is rendered from Jinja templates (``templates/default/report.html.j2`` and its
partials) in a sandboxed environment with autoescaping, so neither a narrative nor a user
template can inject markup or reach Python internals.  The templates receive a *view* of
the report built here: the six sections in order, each text section as typed paragraphs
(:func:`reportgen.render.text.section_paragraphs`) and each table as rows of cells with the
exact merged-cell structure of the format definition, their ``scope``/``headers``
associations, and every number formatted (0 printed as ``0``).

A user template folder (``--template-dir``) comes first in the loader; the built-in one is
reachable under the ``default/`` prefix, so ``{% extends "default/report.html.j2" %}``
works.  Stylesheets and images are inlined, so the page makes no request of its own.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import mimetypes
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportgen.definition import Block, Cell, Node, Table
from reportgen.errors import Problem, TemplateError
from reportgen.limits import MAX_SOURCE_BYTES, read_bytes
from reportgen.paths import templates_dir
from reportgen.render.fonts import FontMap, load_font_map
from reportgen.render.labels import label_html
from reportgen.render.page_grid import body_grid
from reportgen.render.signature import signature_offsets
from reportgen.render.text import Paragraph, chinese_date, format_number, section_paragraphs
from reportgen.render.title_breaks import title_lines
from reportgen.report import Report

TEMPLATE = "report.html.j2"


def builtin_template_dir() -> Path:
    return templates_dir() / "default"


# ------------------------------------------------------------------ the view of a table


@dataclass
class CellView:
    """One ``<th>``/``<td>`` of a rendered table."""

    tag: str
    text: str
    colspan: int = 1
    rowspan: int = 1
    scope: str | None = None
    id: str | None = None
    headers: str | None = None
    kind: str = "value"  # title, corner, column, row, value
    path: str | None = None  # the cell path of a value cell


@dataclass
class TableView:
    key: str
    name: str
    caption: str
    grid_width: int
    label_width: int
    #: rows repeated on every page (single-block tables); empty for table 二
    head: list[list[CellView]] = field(default_factory=list)
    #: one list of rows per ``<tbody>``
    bodies: list[list[list[CellView]]] = field(default_factory=list)
    #: width of each grid column in percent of the table
    col_widths: list[float] = field(default_factory=list)


def column_widths(label_width: int, value_width: int) -> list[float]:
    """Grid column widths in percent.

    Table 三 keeps its three label columns at half the width (GB/T 9704 practice for a
    portrait table at 五号): a narrow one for 三、本年度办理结果, a medium one for （三）不予公开,
    the rest for the long item labels.  Table 二 gives its one label column 28 %.
    """
    if label_width == 0:
        labels: list[float] = []
    elif label_width == 1:
        labels = [28.0]
    else:
        inner = [6.0, 12.0][: label_width - 1] + [6.0] * max(0, label_width - 3)
        labels = [*inner, 50.0 - sum(inner)]
    value = (100.0 - sum(labels)) / value_width
    return [round(w, 3) for w in (*labels, *[value] * value_width)]


def fee_text(value: Any, precision: int | None) -> str:
    """A money amount as written; with a precision, padded with zeros but never rounded."""
    if precision is None:
        return format_number(value)
    amount = Decimal(value)
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent < precision:
        amount = amount.quantize(Decimal(1).scaleb(-precision))
    return format(amount, "f")


def _attribute(report: Report, table: Table, row: Node, key: str) -> Any:
    return report.attributes.get(f"{table.key}.{row.dotted}.{key}")


def cell_text(report: Report, cell: Cell) -> str:
    """The printed content of a value cell: the number, with a unit where the format asks."""
    value = report.values[cell.path]
    if cell.type != "money":
        return format_number(value)
    precision = _attribute(report, cell.table, cell.row, "precision")
    text = fee_text(value, int(precision) if precision is not None else None)
    unit_key = cell.column.extra.get("unit_key")
    if unit_key:
        unit = _attribute(report, cell.table, cell.row, unit_key)
        if unit:
            text += str(unit)
    return text


def column_label(report: Report, table: Table, block: Block, node: Node) -> str:
    """A column header, switched to its variant (e.g. 保留4位小数) when a row selects it."""
    for variant, labels in (node.extra.get("variants") or {}).items():
        for row in block.row_leaves:
            chosen = _attribute(report, table, row, variant)
            if chosen is not None:
                label = labels.get(chosen, labels.get(str(chosen)))
                if label:
                    return label
    return node.label


def table_view(report: Report, table: Table) -> TableView:
    """Rows of header and value cells, with the format's merges and header associations."""
    view = TableView(
        table.key,
        table.name,
        table.caption,
        table.grid_width,
        table.label_width,
        col_widths=column_widths(table.label_width, table.value_width),
    )
    single = len(table.blocks) == 1
    for b, block in enumerate(table.blocks):
        ids: dict[int, str] = {}
        title_id = None
        header: list[list[CellView]] = []
        counter = 0
        for row in table.header_rows(block):
            cells = []
            for hc in row:
                counter += 1
                cid = f"{table.key}-{b + 1}-h{counter}"
                if hc.role == "title":
                    title_id = cid
                    cells.append(
                        CellView("th", hc.label, hc.colspan, 1, "colgroup", cid, None, "title")
                    )
                    continue
                if hc.node is not None:
                    ids[id(hc.node)] = cid
                    label = column_label(report, table, block, hc.node)
                else:
                    label = hc.label
                scope = "col" if hc.colspan == 1 or hc.node is None else "colgroup"
                kind = "column" if hc.node is not None else hc.role
                cells.append(CellView("th", label, hc.colspan, hc.rowspan, scope, cid, None, kind))
            header.append(cells)
        body: list[list[CellView]] = []
        for r, brow in enumerate(table.body_rows(block)):
            cells = []
            for lc in brow.labels:
                cid = f"{table.key}-{b + 1}-r{r + 1}-{lc.node.depth}"
                ids[id(lc.node)] = cid
                scope = "row" if lc.rowspan == 1 else "rowgroup"
                cells.append(
                    CellView("th", lc.node.label, lc.colspan, lc.rowspan, scope, cid, None, "row")
                )
            row_ids = _chain_ids(brow.node, ids)
            for cell in brow.cells:
                refs = [i for i in (title_id, *_chain_ids(cell.column, ids), *row_ids) if i]
                cells.append(
                    CellView(
                        "td",
                        cell_text(report, cell),
                        brow.span,
                        1,
                        None,
                        None,
                        " ".join(refs),
                        "value",
                        cell.path,
                    )
                )
            body.append(cells)
        if single:
            view.head = header
            view.bodies.append(body)
        else:
            view.bodies.append(header + body)
    return view


def _chain_ids(node: Node | None, ids: dict[int, str]) -> list[str]:
    """Header ids of a node and its ancestors, outermost first."""
    chain = []
    while node is not None:
        if id(node) in ids:
            chain.append(ids[id(node)])
        node = node.parent
    return list(reversed(chain))


# ------------------------------------------------------------------ the view of a report


@dataclass
class SectionView:
    key: str
    label: str
    kind: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    table: TableView | None = None
    #: the heading element of each paragraph (None for body text), see heading_tags
    tags: list[str | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.tags:
            self.tags = heading_tags(self.paragraphs)


def heading_tags(paragraphs: list[Paragraph]) -> list[str | None]:
    """h3 for （一）…, h4 for 1.… under one, h3 for a 1.… without one: no skipped level."""
    tags: list[str | None] = []
    under = False
    for p in paragraphs:
        if p.kind == "heading2":
            under = True
            tags.append("h3")
        elif p.kind == "heading3":
            tags.append("h4" if under else "h3")
        else:
            tags.append(None)
    return tags


def report_date(report: Report) -> dt.date:
    """The date the report speaks for: its published date, else 31 December of the year."""
    return report.published or dt.date(report.year, 12, 31)


def report_view(
    report: Report,
    problems: list[Problem] | None = None,
    draft: bool = False,
    template_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Everything the templates need, as plain data."""
    sections = []
    for section in report.format.sections:
        if section.kind == "table":
            sections.append(
                SectionView(
                    section.key,
                    section.label,
                    "table",
                    table=table_view(report, report.format.tables[section.key]),
                )
            )
        else:
            sections.append(
                SectionView(
                    section.key,
                    section.label,
                    "text",
                    section_paragraphs(report, section.key, True, template_dir),
                )
            )
    date_text = chinese_date(report.published) if report.published else None
    name_pad, date_pad = signature_offsets(report.agency, date_text, template_dir)
    day = report_date(report)
    lines = title_lines(report.title, report.agency, template_dir)
    return {
        "title": report.title,
        "title_lines": lines,
        "title_parts": ["".join(line) for line in lines],
        "agency": report.agency,
        "year": report.year,
        "format": {
            "id": report.format.id,
            "name": report.format.name,
            "basis": report.format.basis,
        },
        "preface": section_paragraphs(report, "preface"),
        "sections": sections,
        "signature": {
            "agency": report.agency,
            "date": date_text,
            "agency_pad": name_pad,
            "date_pad": date_pad,
        },
        "date_iso": day.isoformat(),
        "draft": draft,
        "problems": list(problems or []),
    }


# ------------------------------------------------------------------ templates


class TemplateSet:
    """The Jinja environment of a built-in or user template, with its fonts and assets."""

    def __init__(self, template_dir: str | Path | None = None) -> None:
        from jinja2 import ChoiceLoader, PrefixLoader, StrictUndefined

        from reportgen.sandbox import environment, loader

        builtin = builtin_template_dir()
        self.user_dir = Path(template_dir).resolve() if template_dir else None
        if self.user_dir is not None and not self.user_dir.is_dir():
            raise TemplateError("模板目录不存在", file=str(template_dir))
        self.roots = [p for p in (self.user_dir, builtin.resolve()) if p is not None]
        loaders = [loader(p) for p in self.roots]
        loaders.insert(len(loaders) - 1, PrefixLoader({"default": loader(builtin.resolve())}))
        self.env = environment(
            loader=ChoiceLoader(loaders),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.fonts: FontMap = load_font_map(self.user_dir)
        self.env.globals["asset"] = self.asset_uri
        self.env.globals["grid"] = body_grid(self.user_dir)
        self.env.filters["links_breakable"] = links_breakable
        self.env.filters["label_breaks"] = label_html
        self.env.globals["fonts"] = {
            role: _safe(self.fonts.css_stack(role)) for role in self.fonts.roles
        }

    def find(self, name: str) -> Path | None:
        """A file of the template folders (user first), never outside them."""
        from reportgen.sandbox import confined

        for root in self.roots:
            candidate = confined(root, name)
            if candidate is not None and candidate.is_file():
                return candidate
        return None

    def asset_uri(self, name: str) -> str:
        """Inline a template file (logo, font) as a ``data:`` URI: the page stays standalone."""
        path = self.find(str(name))
        if path is None:
            raise TemplateError(f"模板引用的文件不存在：{name}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = base64.b64encode(read_bytes(path, MAX_SOURCE_BYTES, "模板文件")).decode("ascii")
        return _safe(f"data:{mime};base64,{data}")

    def render(self, context: dict[str, Any]) -> str:
        from reportgen.sandbox import render_bounded, template_error

        try:
            return render_bounded(self.env.get_template(TEMPLATE), context)
        except Exception as exc:  # Jinja, the sandbox and the filters raise many kinds
            raise template_error(exc, TEMPLATE) from None


_URL = re.compile(r"(?:https?://|www\.)[\w./?=&%#:~+-]+", re.ASCII)


def links_breakable(text: str):
    """Escape ``text`` and mark URLs so they may break anywhere.

    A URL cannot break at a character like Chinese text, so a justified line before it was
    stretched into spaced-out characters; marked ``class="url"`` (``word-break: break-all``)
    it fills the line and continues on the next.
    """
    from markupsafe import escape

    out, last = [], 0
    for match in _URL.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        out.append(f'<span class="url">{escape(match.group())}</span>')
        last = match.end()
    out.append(str(escape(text[last:])))
    return _safe("".join(out))


def _safe(text: str):
    from markupsafe import Markup

    return Markup(text)


@functools.lru_cache(maxsize=8)
def template_set(template_dir: str | None = None) -> TemplateSet:
    return TemplateSet(template_dir)


def render_html(
    report: Report,
    problems: list[Problem] | None = None,
    draft: bool = False,
    template_dir: str | Path | None = None,
    print_page: bool = False,
) -> str:
    """The report as a standalone HTML page (screen and print styles inlined).

    ``print_page`` gives the page the PDF is typeset from: the same document without the
    screen stylesheet and the attributes only the HTML's readers use, which WeasyPrint
    would otherwise parse and cascade (about a third of the page).
    """
    templates = template_set(str(Path(template_dir).resolve()) if template_dir else None)
    context = report_view(report, problems, draft, template_dir)
    context["print_page"] = print_page
    return templates.render(context)

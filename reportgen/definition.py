"""The official report formats, loaded from their data definitions under ``templates/``.

Every label, table structure, cell type and balancing rule of the report lives once, in
``templates/<version>/format.yaml`` and the parts it includes from ``templates/common/``.
This module turns that data into immutable objects that the model, the validator, the
wizard, the importer and every renderer share, so no label is ever typed twice in code.

A table is a sequence of *blocks* (table 二 has one block per article item, tables 三 and
四 have one block each).  A block is the product of a row tree and a column tree: each pair
of a leaf row and a leaf column is one *cell*, addressed by its dotted *path*, for example
``applications.denied.third_party.commercial`` or ``appeals.review.total``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from math import lcm
from pathlib import Path
from typing import Any

import yaml

from reportgen.paths import templates_dir

#: Cell types: non-negative counts (件), signed counts (v2019 本年增/减), money (Decimal).
CELL_TYPES = ("count", "signed", "money")


class DefinitionError(Exception):
    """A format definition file is malformed (a bug in the templates, not in user input)."""


@dataclass(frozen=True, eq=False)
class Node:
    """A row or column label in a table's header tree.

    Attributes:
        label: the official label, verbatim.
        key: the path segment this node contributes to cell paths (None for pure groups
            such as 法人或其他组织 or 三、本年度办理结果).
        short: how balancing messages name the node (一、二、（七）总计 …); defaults to label.
        ref: a name other nodes use to refer to this group (``sum_of: results``).
        sum_of: ``siblings`` or a ref: this node is the total of those leaves.
        cell: cell type override for cells under this node.
        extra: remaining definition keys (unit, variants, help …).
    """

    label: str
    key: str | None = None
    short: str | None = None
    ref: str | None = None
    sum_of: str | None = None
    cell: str | None = None
    help: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    children: tuple[Node, ...] = ()
    path: tuple[str, ...] = ()
    depth: int = 1
    parent: Node | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.short or self.label

    @functools.cached_property
    def dotted(self) -> str:
        """The path joined by dots (asked for on every row an import reads: kept)."""
        return ".".join(self.path)

    def leaves(self) -> list[Node]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, eq=False)
class Cell:
    """One value cell of a table: the crossing of a leaf row and a leaf column."""

    path: str
    table: Table
    block: Block
    row: Node
    column: Node
    type: str

    @property
    def computed(self) -> bool:
        """True when the cell is a total that can be derived from other cells."""
        return bool(self.row.sum_of or self.column.sum_of)

    def describe(self) -> str:
        """Name the cell the way a clerk reads the printed table."""
        parts = [self.table.name]
        if self.row.label:
            parts.append(f"「{self.row.label}」行")
        parts.append(f"「{column_title(self.column)}」列")
        return "".join(parts)


def column_title(node: Node, separator: str = "·") -> str:
    """A label with its keyed ancestors (复议后起诉·总计), for unambiguous messages."""
    names = [node.label]
    parent = node.parent
    while parent is not None:
        if parent.key:
            names.append(parent.label)
        parent = parent.parent
    return separator.join(reversed(names))


@dataclass(frozen=True, eq=False)
class HeaderCell:
    label: str
    colspan: int = 1
    rowspan: int = 1
    node: Node | None = None
    #: "corner", "title", "row-header", "column" — renderers style them differently.
    role: str = "column"


@dataclass(frozen=True, eq=False)
class LabelCell:
    node: Node
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True, eq=False)
class BodyRow:
    node: Node
    labels: tuple[LabelCell, ...]
    cells: tuple[Cell, ...]
    #: grid columns spanned by each value cell (table 二 stretches 1–3 values over a grid).
    span: int = 1


@dataclass(frozen=True, eq=False)
class Block:
    """A rectangular part of a table: a row tree crossed with a column tree."""

    title: str | None
    columns: tuple[Node, ...]
    rows: tuple[Node, ...]
    corner: str | None = None
    row_header: str | None = None

    @functools.cached_property
    def column_leaves(self) -> list[Node]:
        return [leaf for node in self.columns for leaf in node.leaves()]

    @functools.cached_property
    def row_leaves(self) -> list[Node]:
        return [leaf for node in self.rows for leaf in node.leaves()]

    @functools.cached_property
    def label_width(self) -> int:
        """Grid columns used by row labels (0 when the only row is unlabelled)."""
        if all(not n.label for r in self.rows for n in r.walk()):
            return 0
        return max(n.depth for r in self.rows for n in r.walk())

    @functools.cached_property
    def header_depth(self) -> int:
        return max(n.depth for c in self.columns for n in c.walk())


@dataclass(frozen=True, eq=False)
class Table:
    key: str
    name: str
    caption: str
    heading: str
    blocks: tuple[Block, ...]
    cell_type: str = "count"
    domain_rule: str | None = None
    cells: dict[str, Cell] = field(default_factory=dict)

    @functools.cached_property
    def value_width(self) -> int:
        """Grid columns for values: a multiple of every block's value count (table 二)."""
        return lcm(*(len(b.column_leaves) for b in self.blocks))

    @functools.cached_property
    def label_width(self) -> int:
        return max(b.label_width for b in self.blocks)

    @property
    def grid_width(self) -> int:
        return self.label_width + self.value_width

    def block_of_row(self, key: str) -> tuple[Block, Node]:
        for block in self.blocks:
            for node in block.rows:
                for n in node.walk():
                    if n.dotted == key:
                        return block, n
        raise DefinitionError(f"{self.key}: no row {key!r}")

    def find_ref(self, ref: str) -> Node:
        for block in self.blocks:
            for root in (*block.rows, *block.columns):
                for n in root.walk():
                    if n.ref == ref:
                        return n
        raise DefinitionError(f"{self.key}: no node with ref {ref!r}")

    def header_rows(self, block: Block) -> list[list[HeaderCell]]:
        """The header of ``block`` as grid rows with their spans, exactly as printed."""
        rows: list[list[HeaderCell]] = []
        if block.title:
            rows.append([HeaderCell(block.title, colspan=self.grid_width, role="title")])
        depth = block.header_depth
        span = self.value_width // len(block.column_leaves)
        levels: list[list[HeaderCell]] = [[] for _ in range(depth)]
        if block.corner is not None or block.row_header is not None:
            levels[0].append(
                HeaderCell(
                    block.corner or block.row_header or "",
                    colspan=self.label_width,
                    rowspan=depth,
                    role="corner" if block.corner else "row-header",
                )
            )
        for root in block.columns:
            for node in root.walk():
                levels[node.depth - 1].append(
                    HeaderCell(
                        node.label,
                        colspan=len(node.leaves()) * span,
                        rowspan=1 if node.children else depth - node.depth + 1,
                        node=node,
                    )
                )
        return rows + levels

    def body_rows(self, block: Block) -> list[BodyRow]:
        """Data rows of ``block``: merged label cells (rowspans) then one cell per column."""
        span = self.value_width // len(block.column_leaves)
        result = []
        for leaf in block.row_leaves:
            labels: list[LabelCell] = []
            if self.label_width:
                chain = []
                node: Node | None = leaf.parent
                while node is not None:
                    chain.append(node)
                    node = node.parent
                for ancestor in reversed(chain):
                    if ancestor.leaves()[0] is leaf:
                        labels.append(LabelCell(ancestor, rowspan=len(ancestor.leaves())))
                labels.append(LabelCell(leaf, colspan=self.label_width - leaf.depth + 1))
            cells = tuple(self.cells[cell_path(self, leaf, col)] for col in block.column_leaves)
            result.append(BodyRow(leaf, tuple(labels), cells, span))
        return result


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    kind: str  # "text" or "table"
    help: str | None = None


@dataclass(frozen=True)
class Rule:
    """A balancing rule or plausibility check, as declared in the format's ``rules:``."""

    id: str
    kind: str  # balance | total | check
    severity: str  # error | warning
    table: str | None = None
    for_each: str | None = None  # row | column
    rows: tuple[str, ...] | None = None
    left: tuple[str, ...] = ()
    right: tuple[str, ...] = ()
    op: str = "="
    target: str | None = None
    check: str | None = None
    needs_previous: bool = False
    #: allowed absolute difference (money sums); counts must match exactly
    tolerance: Any = 0
    #: message template overriding the engine's default (fields: table, where, left, op,
    #: right, difference)
    message: str | None = None
    hint: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Format:
    """One official format version (``v2019`` or ``v2021``)."""

    id: str
    name: str
    basis: str
    first_year: int
    last_year: int | None
    sections: tuple[Section, ...]
    tables: dict[str, Table]
    rules: tuple[Rule, ...]
    cells: dict[str, Cell]

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    @property
    def text_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.kind == "text")

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def cell_path(table: Table, row: Node, column: Node) -> str:
    return ".".join((table.key, *row.path, *column.path))


# --------------------------------------------------------------------------- loading


def _load_yaml(path: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)


def _resolve(spec: Any, root: Path) -> Any:
    """Replace ``{include: file, ...overrides}`` by the file's content merged with overrides."""
    if isinstance(spec, dict) and "include" in spec:
        base = _load_yaml(root / spec["include"])
        rest = {k: v for k, v in spec.items() if k != "include"}
        if isinstance(base, dict):
            return {**base, **rest}
        return base
    return spec


_NODE_FIELDS = {"label", "key", "short", "ref", "sum_of", "cell", "help", "children"}


def _build_nodes(
    specs: list[dict], collapse: set[str], parent: Node | None = None, prefix: tuple = ()
) -> tuple[Node, ...]:
    nodes = []
    for spec in specs:
        if not isinstance(spec, dict) or "label" not in spec:
            raise DefinitionError(f"bad node {spec!r}")
        key = spec.get("key")
        path = (*prefix, key) if key else prefix
        node = Node(
            label=str(spec["label"]),
            key=key,
            short=spec.get("short"),
            ref=spec.get("ref"),
            sum_of=spec.get("sum_of"),
            cell=spec.get("cell"),
            help=spec.get("help"),
            extra={k: v for k, v in spec.items() if k not in _NODE_FIELDS},
            path=path,
            depth=(parent.depth + 1) if parent else 1,
            parent=parent,
        )
        children = spec.get("children") or []
        if children and key not in collapse:
            object.__setattr__(node, "children", _build_nodes(children, collapse, node, path))
        nodes.append(node)
    return tuple(nodes)


def _build_table(key: str, spec: dict, heading: str) -> Table:
    collapse = set(spec.get("collapse", ()))
    block_specs = spec.get("blocks") or [spec]
    blocks = []
    for b in block_specs:
        blocks.append(
            Block(
                title=b.get("title"),
                columns=_build_nodes(b["columns"], collapse),
                rows=_build_nodes(b["rows"], collapse),
                corner=spec.get("corner"),
                row_header=spec.get("row_header"),
            )
        )
    table = Table(
        key=key,
        name=spec["name"],
        caption=spec["caption"],
        heading=heading,
        blocks=tuple(blocks),
        cell_type=spec.get("cell", "count"),
        domain_rule=spec.get("domain_rule"),
    )
    for block in blocks:
        for row in block.row_leaves:
            for col in block.column_leaves:
                ctype = col.cell or row.cell or table.cell_type
                if ctype not in CELL_TYPES:
                    raise DefinitionError(f"{key}: unknown cell type {ctype!r}")
                path = cell_path(table, row, col)
                if path in table.cells:
                    raise DefinitionError(f"duplicate cell path {path}")
                table.cells[path] = Cell(path, table, block, row, col, ctype)
    return table


def _build_rules(specs: list, root: Path) -> tuple[Rule, ...]:
    rules = []
    for spec in specs:
        if "include" in spec:
            rules.extend(_build_rules(_load_yaml(root / spec["include"]), root))
            continue
        known = {f for f in Rule.__dataclass_fields__ if f != "params"}
        params = {k: v for k, v in spec.items() if k not in known}
        args = {k: v for k, v in spec.items() if k in known}
        for name in ("rows", "left", "right"):
            if name in args and args[name] is not None:
                args[name] = tuple(str(t) for t in args[name])
        if "tolerance" in args:
            args["tolerance"] = Decimal(str(args["tolerance"]))
        rules.append(Rule(**args, params=params))
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise DefinitionError(f"duplicate rule ids in {ids}")
    return tuple(rules)


def load_format(path: Path) -> Format:
    """Load one ``format.yaml`` (with its includes) into a :class:`Format`."""
    root = path.parent.parent
    spec = _load_yaml(path)
    sections = tuple(
        Section(s["key"], s["label"], s["kind"], s.get("help"))
        for s in _resolve(spec["sections"], root)
    )
    headings = {s.key: s.label for s in sections}
    tables = {}
    for key, tspec in spec["tables"].items():
        tables[key] = _build_table(key, _resolve(tspec, root), headings[key])
    cells = {p: c for t in tables.values() for p, c in t.cells.items()}
    years = spec["years"]
    return Format(
        id=spec["id"],
        name=spec["name"],
        basis=spec["basis"],
        first_year=years["from"],
        last_year=years.get("to"),
        sections=sections,
        tables=tables,
        rules=_build_rules(spec.get("rules", []), root),
        cells=cells,
    )


@functools.cache
def formats() -> dict[str, Format]:
    """All built-in formats by id, newest first."""
    found = {}
    for path in sorted(templates_dir().glob("*/format.yaml"), reverse=True):
        fmt = load_format(path)
        found[fmt.id] = fmt
    return found


def get_format(format_id: str) -> Format:
    return formats()[format_id]


def format_for_year(year: int) -> Format | None:
    """The format that applies to reports on ``year`` (None before 2019)."""
    for fmt in formats().values():
        if fmt.covers(year):
            return fmt
    return None

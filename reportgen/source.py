"""Read a report file: safe YAML with a line/column mark for every key and value.

PyYAML's C composer builds the node tree quickly and keeps the marks; we then build plain
Python values ourselves, which lets us refuse what a report file never needs and what can
hurt (duplicate keys, tags, aliases, huge files) with a message naming the line.  Numbers
written with a decimal point become :class:`~decimal.Decimal`, never float, so money is
kept exactly as written.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from reportgen.errors import InputError

#: Report files are a few KB; anything this big is not a report.
MAX_BYTES = 4 * 1024 * 1024

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.constructor.SafeConstructor()

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP}

Path_ = tuple  # a key path such as ("applications", "new_received", 0)


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class Source:
    """A parsed report file: its data plus where each key path was written."""

    name: str
    data: Any
    text: str = field(default="", repr=False)
    marks: dict[tuple, Mark] = field(default_factory=dict)
    key_marks: dict[tuple, Mark] = field(default_factory=dict)
    #: first content line of block scalars (``|``), to locate text inside a section
    text_starts: dict[tuple, Mark] = field(default_factory=dict)

    def mark(self, path: tuple) -> Mark | None:
        """The mark of ``path`` or of its nearest written ancestor."""
        path = tuple(path)
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get(())


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _error(name: str, node_or_mark: Any, message: str, hint: str | None = None) -> InputError:
    mark = node_or_mark if isinstance(node_or_mark, Mark) else _mark(node_or_mark)
    return InputError(message, file=name, line=mark.line, column=mark.column, hint=hint)


def _scalar(node: yaml.ScalarNode, name: str) -> Any:
    tag = node.tag
    if tag not in _SCALAR_TAGS:
        raise _error(name, node, f"不支持 YAML 标签 {tag}", "报告文件只需普通的数字、文字和日期。")
    if tag == _STR:
        return node.value
    if tag == _INT:
        return _constructor.construct_yaml_int(node)
    if tag == _FLOAT:
        text = node.value.replace("_", "")
        if text.lower().lstrip("+-") in (".nan", ".inf"):
            return float(_constructor.construct_yaml_float(node))
        try:
            return Decimal(text)
        except InvalidOperation:
            raise _error(name, node, f"无法识别的数字 {node.value!r}") from None
    if tag == _BOOL:
        return _constructor.construct_yaml_bool(node)
    if tag == _NULL:
        return None
    try:
        return _constructor.construct_yaml_timestamp(node)
    except ValueError:
        raise _error(name, node, f"无效的日期 {node.value!r}", "日期写作 2025-01-20。") from None


def _build(node: yaml.Node, path: tuple, src: Source, seen: set[int]) -> Any:
    if id(node) in seen:
        raise _error(
            src.name,
            _first_alias(src.text) or _mark(node),
            "报告文件中不能使用 YAML 锚点和别名（& 与 *）",
            "请直接写出数值。",
        )
    seen.add(id(node))
    src.marks[path] = _mark(node)
    if isinstance(node, yaml.ScalarNode):
        if node.style in ("|", ">"):
            src.text_starts[path] = Mark(node.start_mark.line + 2, 1)
        return _scalar(node, src.name)
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ:
            raise _error(src.name, node, f"不支持 YAML 标签 {node.tag}")
        return [_build(item, (*path, i), src, seen) for i, item in enumerate(node.value)]
    if node.tag != _MAP:
        raise _error(src.name, node, f"不支持 YAML 标签 {node.tag}")
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _error(src.name, key_node, "键必须是简单的名称")
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise _error(src.name, key_node, "报告文件中不能使用 YAML 合并键（<<）")
        key = _scalar(key_node, src.name)
        if not isinstance(key, str):
            key = str(key).lower() if isinstance(key, bool) else str(key)
        if key in result:
            first = src.key_marks[(*path, key)]
            raise _error(
                src.name,
                key_node,
                f"键「{key}」重复出现（第一次在第 {first.line} 行）",
                "每个键只能写一次；请删除或合并重复的一项。",
            )
        src.key_marks[(*path, key)] = _mark(key_node)
        result[key] = _build(value_node, (*path, key), src, seen)
    return result


def _first_alias(text: str) -> Mark | None:
    """Where the first ``*alias`` is (the node tree only knows where its anchor was)."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            return Mark(event.start_mark.line + 1, event.start_mark.column + 1)
    return None


def parse_text(text: str, name: str = "<string>") -> Source:
    """Parse report YAML from a string."""
    src = Source(name=name, data=None, text=text)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)
        problem = exc.problem or exc.context or "语法错误"
        raise _error(
            name, where, f"YAML 语法错误：{problem}", "检查缩进、冒号后的空格和引号是否成对。"
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML 语法错误：{exc}", file=name) from None
    if node is None:
        raise InputError("文件是空的", file=name, hint="用 reportgen init 生成一份报告模板。")
    src.data = _build(node, (), src, set())
    return src


def read_source(path: str | Path) -> Source:
    """Read and parse a report file; every failure becomes an :class:`InputError`."""
    name = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"文件过大（{size // 1024} KB），不像是一份年度报告",
                file=name,
                hint=f"报告文件一般只有几 KB；上限为 {MAX_BYTES // 1024 // 1024} MB。",
            )
        raw = Path(path).read_bytes()
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError("文件不存在", file=name) from None
    except IsADirectoryError:
        raise InputError("这是一个目录，不是报告文件", file=name) from None
    except OSError as exc:
        raise InputError(f"无法读取文件：{exc.strerror}", file=name) from None
    return parse_text(decode(raw, name), name)


def decode(raw: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM); name GBK files, a common export from Windows."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = "请将文件另存为 UTF-8 编码。"
        try:
            raw.decode("gb18030")
            hint = "文件似乎是 GBK/GB18030 编码；请在编辑器中另存为 UTF-8。"
        except UnicodeDecodeError:
            pass
        raise InputError("文件不是 UTF-8 编码", file=name, line=line, hint=hint) from None

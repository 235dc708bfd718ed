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
from typing import Any, NamedTuple

import yaml

from reportgen import limits, textclean
from reportgen.errors import InputError

#: Report files are a few KB; anything this big is not a report.
MAX_BYTES = limits.MAX_REPORT_BYTES

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


class Mark(NamedTuple):
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class Source:
    """A parsed report file: its data plus where each key path was written.

    Marks are only needed to report a problem, so they are recorded lazily: the first
    access to :attr:`marks`, :attr:`key_marks` or :attr:`text_starts` reads the text again
    with recording on.  Valid reports — the bulk of a batch — never pay for them.
    """

    name: str
    data: Any
    text: str = field(default="", repr=False)
    _marks: dict[tuple, Mark] | None = field(default=None, repr=False)
    _key_marks: dict[tuple, Mark] | None = field(default=None, repr=False)
    _text_starts: dict[tuple, Mark] | None = field(default=None, repr=False)

    def _record(self) -> None:
        self._marks, self._key_marks, self._text_starts = {}, {}, {}
        _build(_events(self.text), self, record=True)

    @property
    def marks(self) -> dict[tuple, Mark]:
        """Where each value was written, by key path (list items by index)."""
        if self._marks is None:
            self._record()
        return self._marks

    @property
    def key_marks(self) -> dict[tuple, Mark]:
        """Where each key was written."""
        if self._key_marks is None:
            self._record()
        return self._key_marks

    @property
    def text_starts(self) -> dict[tuple, Mark]:
        """First content line of block texts (``|``), to locate text inside a section."""
        if self._text_starts is None:
            self._record()
        return self._text_starts

    def mark(self, path: tuple) -> Mark | None:
        """The mark of ``path`` or of its nearest written ancestor."""
        path = tuple(path)
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get(())


def _error(name: str, mark: Any, message: str, hint: str | None = None) -> InputError:
    if not isinstance(mark, Mark):
        mark = Mark(mark.line + 1, mark.column + 1)
    return InputError(message, file=name, line=mark.line, column=mark.column, hint=hint)


_resolver = yaml.resolver.Resolver()
_PLAIN = (True, False)


def _scalar(event: yaml.ScalarEvent, name: str) -> Any:
    """Resolve a scalar as PyYAML's safe loader would, but money stays Decimal."""
    value = event.value
    tag = event.tag
    if tag is None or tag == "!":
        if not event.implicit[0]:
            return _text(value, event, name)  # quoted
        if value.isdigit() and value.isascii() and len(value) < 20:
            return int(value)  # the common case, without the resolver's regex walk
        tag = _resolver.resolve(yaml.ScalarNode, value, _PLAIN)
        if tag == "tag:yaml.org,2002:merge":
            return value  # "<<", refused where it is used as a key
        if tag in (_INT, _FLOAT) and ":" in value:
            return value  # YAML 1.1 base 60 (1:30 = 90): a report means the text it wrote
    elif tag not in _SCALAR_TAGS:
        raise _error(
            name,
            event.start_mark,
            f"不支持 YAML 标签 {tag}",
            "报告文件只需普通的数字、文字和日期。",
        )
    if tag == _STR:
        return _text(value, event, name)
    node = yaml.ScalarNode(tag, value)
    if tag in (_INT, _FLOAT) and limits.number_too_long(value):
        raise _too_long(name, event, value)
    if tag == _INT:
        return _constructor.construct_yaml_int(node)
    if tag == _FLOAT:
        text = value.replace("_", "")
        if text.lower().lstrip("+-") in (".nan", ".inf"):
            return float(_constructor.construct_yaml_float(node))
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise _error(name, event.start_mark, f"无法识别的数字 {value!r}") from None
        if limits.exponent_too_large(number.adjusted()):
            raise _too_long(name, event, value)
        return number.copy_abs() if number.is_zero() else number  # -0.0 is 0.0
    if tag == _BOOL:
        return _constructor.construct_yaml_bool(node)
    if tag == _NULL:
        return None
    try:
        return _constructor.construct_yaml_timestamp(node)
    except ValueError:
        raise _error(
            name, event.start_mark, f"无效的日期 {value!r}", "日期写作 2025-01-20。"
        ) from None


def _text(value: str, event: Any, name: str) -> str:
    """A text value; control characters written as escapes (``"\\x1b"``) are refused."""
    bad = textclean.first_bad(value)
    if bad is not None:
        raise _error(
            name,
            event.start_mark,
            f"文字中有不允许的字符 {textclean.describe(value[bad])}",
            textclean.HINT,
        )
    return value


def _too_long(name: str, event: Any, value: str) -> InputError:
    shown = value if len(value) <= 24 else f"{value[:12]}…{value[-4:]}（共 {len(value)} 位）"
    return _error(
        name,
        event.start_mark,
        f"数字过长：{shown}",
        f"报告中的数字不会超过 {limits.MAX_DIGITS} 位；请核对是否误粘贴了内容。",
    )


class _Duplicate(Exception):
    """A duplicate key met while not recording marks: read again to locate both."""


def _build(events: Any, src: Source, record: bool = False) -> Any:
    """Build plain values from the parser's events, recording a mark for every path.

    Working on events (not a composed node tree) skips PyYAML's per-node Python objects,
    and sees anchors and aliases where they are written.
    """
    name = src.name
    marks = src._marks if record else None
    key_marks = src._key_marks if record else None
    # stack of frames: [container, path, pending key or None]
    stack: list[list[Any]] = []
    root: Any = None
    documents = 0

    def place(value: Any, event: Any) -> tuple | None:
        """Attach a value (or a new container) to its parent; return its path."""
        nonlocal root
        if not stack:
            root = value
            if record:
                marks[()] = Mark(event.start_mark.line + 1, event.start_mark.column + 1)
            return ()
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            child = (*path, len(container))
            container.append(value)
        else:
            key = frame[2]
            if key is None:  # this scalar is a key
                if isinstance(value, (dict, list)):
                    raise _error(name, event.start_mark, "键必须是简单的名称")
                if not isinstance(value, str):
                    value = str(value).lower() if isinstance(value, bool) else str(value)
                if value == "<<":
                    raise _error(name, event.start_mark, "报告文件中不能使用 YAML 合并键（<<）")
                if value in container:
                    if not record:
                        raise _Duplicate
                    first = key_marks[(*path, value)]
                    raise _error(
                        name,
                        event.start_mark,
                        f"键「{value}」重复出现（第一次在第 {first.line} 行）",
                        "每个键只能写一次；请删除或合并重复的一项。",
                    )
                if record:
                    key_marks[(*path, value)] = Mark(
                        event.start_mark.line + 1, event.start_mark.column + 1
                    )
                frame[2] = value
                return None
            child = (*path, key)
            container[key] = value
            frame[2] = None
        if record:
            marks[child] = Mark(event.start_mark.line + 1, event.start_mark.column + 1)
        return child

    for event in events:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.anchor:
                raise _anchor_error(name, event)
            path = place(_scalar(event, name), event)
            if record and path is not None and event.style in ("|", ">"):
                src._text_starts[path] = Mark(event.start_mark.line + 2, 1)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor:
                raise _anchor_error(name, event)
            expected = _MAP if kind is yaml.MappingStartEvent else _SEQ
            if event.tag not in (None, "!", expected):
                raise _error(name, event.start_mark, f"不支持 YAML 标签 {event.tag}")
            container: Any = {} if kind is yaml.MappingStartEvent else []
            path = place(container, event)
            if path is None:  # a mapping or list used as a key
                raise _error(name, event.start_mark, "键必须是简单的名称")
            stack.append([container, path, None])
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()
        elif kind is yaml.AliasEvent:
            raise _anchor_error(name, event)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _second_document(name, event)
    if documents == 0 or (root is None and not stack and _only_null(src.text)):
        raise InputError("文件是空的", file=name, hint="用 reportgen init 生成一份报告模板。")
    return root


_ScalarEvent = yaml.ScalarEvent
_MappingStart = yaml.MappingStartEvent
_SequenceStart = yaml.SequenceStartEvent
_CollectionEnd = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _build_fast(events: Any, name: str) -> Any:
    """:func:`_build` without marks or paths, for the common case of a file that is fine.

    Anything unusual (a duplicate key, a document that is empty) is handed to the full
    builder, which knows every location; other refusals carry the event's own mark.
    """
    stack: list[list[Any]] = []  # [container, pending key or None]
    root: Any = None
    documents = 0
    for event in events:
        kind = type(event)
        if kind is _ScalarEvent or kind is _MappingStart or kind is _SequenceStart:
            if event.anchor:
                raise _anchor_error(name, event)
            if kind is _ScalarEvent:
                text = event.value
                if (
                    event.tag is None
                    and event.implicit[0]
                    and text.isdigit()
                    and text.isascii()
                    and len(text) < 20
                ):
                    value: Any = int(text)
                else:
                    value = _scalar(event, name)
                opened = None
            else:
                expected = _MAP if kind is _MappingStart else _SEQ
                if event.tag not in (None, "!", expected):
                    raise _error(name, event.start_mark, f"不支持 YAML 标签 {event.tag}")
                value = opened = {} if kind is _MappingStart else []
            if not stack:
                root = value
            else:
                frame = stack[-1]
                container = frame[0]
                if type(container) is list:
                    container.append(value)
                elif frame[1] is None:  # a key
                    if opened is not None:
                        raise _error(name, event.start_mark, "键必须是简单的名称")
                    if type(value) is not str:
                        value = str(value).lower() if isinstance(value, bool) else str(value)
                    if value == "<<":
                        raise _error(name, event.start_mark, "报告文件中不能使用 YAML 合并键（<<）")
                    if value in container:
                        raise _Duplicate
                    frame[1] = value
                    continue
                else:
                    container[frame[1]] = value
                    frame[1] = None
            if opened is not None:
                stack.append([opened, None])
        elif kind in _CollectionEnd:
            stack.pop()
        elif kind is yaml.AliasEvent:
            raise _anchor_error(name, event)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _second_document(name, event)
    if documents == 0 or root is None:
        raise _Duplicate  # let the full builder decide (empty file, or a lone null)
    return root


def _only_null(text: str) -> bool:
    """True for a file with nothing but comments and blank lines."""
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _second_document(name: str, event: Any) -> InputError:
    return _error(name, event.start_mark, "文件中有多个 YAML 文档（---）", "一个文件只写一份报告。")


def _anchor_error(name: str, event: Any) -> InputError:
    return _error(
        name, event.start_mark, "报告文件中不能使用 YAML 锚点和别名（& 与 *）", "请直接写出数值。"
    )


def _events(text: str):
    """The C parser's events (``yaml.parse`` without its per-event ``check_event`` call)."""
    loader = _Loader(text)
    try:
        get = loader.get_event
        while True:
            event = get()
            yield event
            if type(event) is yaml.StreamEndEvent:
                return
    finally:
        loader.dispose()


def parse_text(text: str, name: str = "<string>") -> Source:
    """Parse report YAML from a string."""
    src = Source(name=name, data=None, text=text)
    bad = textclean.first_bad(text)
    if bad is not None:
        line, column = textclean.line_column(text, bad)
        raise InputError(
            f"文件中有不允许的字符 {textclean.describe(text[bad])}",
            file=name,
            line=line,
            column=column,
            hint=textclean.HINT,
        )
    try:
        try:
            src.data = _build_fast(_events(text), name)
        except _Duplicate:
            src._record()  # raises the located duplicate-key error
    except yaml.MarkedYAMLError as exc:
        from reportgen.yaml_hints import syntax_error

        raise syntax_error(name, text, exc) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML 语法错误：{exc}", file=name) from None
    return src


def read_source(path: str | Path) -> Source:
    """Read and parse a report file; every failure becomes an :class:`InputError`."""
    name = str(path)
    raw = limits.read_bytes(path, MAX_BYTES, "年度报告")
    text = decode(raw, name)
    if raw[:1] == b"{" or name.endswith(".draft"):
        from reportgen.input_paths import draft_error

        draft = draft_error(text, name)
        if draft is not None:
            raise draft
    return parse_text(text, name)


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

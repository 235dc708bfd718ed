"""User templates stay inside their folder; their errors are messages, not tracebacks.

A ``--template-dir`` is a folder someone else may have prepared.  Every file reportgen reads
from it — templates and their includes, stylesheets, ``fonts.yaml``, ``docx.yaml``, assets —
is resolved to its real path first, and a path whose real location is outside the folder
(``passwd.txt -> /etc/passwd``, a symlinked subfolder, ``../``) is refused, so a template
cannot copy other files of the machine into a report.  Files are read through
:func:`reportgen.limits.read_bytes` (size-bounded, never blocking on a FIFO).

Whatever goes wrong in a template is a :class:`~reportgen.errors.TemplateError` (exit 2)
in Chinese, classified by the exception's kind.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from reportgen.errors import InputError, ReportgenError, TemplateError
from reportgen.limits import MAX_REPORT_BYTES, read_bytes


def confined(root: Path, name: str) -> Path | None:
    """The real path of ``root/name`` if it exists; refused if it leaves ``root``."""
    root = root.resolve()
    candidate = root / name
    if not candidate.exists() and not candidate.is_symlink():
        return None
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        raise TemplateError(
            f"模板文件「{name}」无法解析（符号链接断开或循环）", file=str(candidate)
        ) from None
    if not real.is_relative_to(root):
        raise TemplateError(
            f"模板文件「{name}」指向模板目录之外，已拒绝读取",
            file=str(candidate),
            hint="模板目录中的文件（含符号链接指向的文件）都必须位于该目录之内。",
        )
    return real


def read_text(path: Path, what: str = "模板文件") -> str:
    """A template file as text: bounded in size, UTF-8, errors as :class:`TemplateError`."""
    try:
        raw = read_bytes(path, MAX_REPORT_BYTES, what)
    except InputError as exc:
        raise TemplateError(exc.message, file=exc.file, hint=exc.hint) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TemplateError(
            f"{what}不是 UTF-8 编码", file=str(path), line=line, hint="请另存为 UTF-8。"
        ) from None


def read_yaml(path: Path, what: str) -> Any:
    """A template's YAML settings file, with Chinese messages for every failure."""
    import yaml

    text = read_text(path, what)
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise TemplateError(
            f"{what}不是有效的 YAML",
            file=str(path),
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint="检查缩进、冒号后的空格和引号是否成对。",
        ) from None
    except (yaml.YAMLError, ValueError, RecursionError):
        raise TemplateError(f"{what}不是有效的 YAML", file=str(path)) from None


def loader(root: Path):
    """A Jinja loader for ``root`` that refuses files whose real path is outside it."""
    from jinja2 import FileSystemLoader, TemplateNotFound
    from jinja2.loaders import split_template_path

    class ConfinedLoader(FileSystemLoader):
        def get_source(self, environment, template):
            parts = split_template_path(template)
            path = confined(root, "/".join(parts))
            if path is None or not path.is_file():
                raise TemplateNotFound(template)
            source = read_text(path)
            mtime = path.stat().st_mtime

            def uptodate() -> bool:
                try:
                    return path.stat().st_mtime == mtime
                except OSError:
                    return False

            return source, str(path), uptodate

    return ConfinedLoader(str(root))


#: What one template may produce and how long it may take (the built-in page is ~100 KB
#: and renders in well under a second).
MAX_OUTPUT_CHARS = 16 * 1024 * 1024
RENDER_SECONDS = 60.0
#: The largest string, list or number one ``*`` or ``**`` in a template may make.
MAX_PRODUCT = 1_000_000


def environment(**options: Any):
    """Jinja's sandbox, with ``*`` and ``**`` bounded so a template cannot fill memory."""
    from jinja2.sandbox import SandboxedEnvironment, SecurityError

    class BoundedEnvironment(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context, operator, left, right):
            if operator == "*" and _repeats(left, right) > MAX_PRODUCT:
                raise SecurityError("product too large")
            if (
                operator == "**"
                and isinstance(left, int)
                and isinstance(right, int)
                and abs(right) * max(1, abs(left).bit_length()) > 4 * MAX_PRODUCT
            ):
                raise SecurityError("power too large")
            return super().call_binop(context, operator, left, right)

    return BoundedEnvironment(**options)


def _repeats(left: Any, right: Any) -> int:
    """The length of ``left * right`` when it repeats a string or a list, else 0."""
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, (str, bytes, list, tuple)) and isinstance(count, int):
            return len(seq) * count
    return 0


def render_bounded(template, context: dict[str, Any]) -> str:
    """Render within :data:`RENDER_SECONDS` (main thread, POSIX) and :data:`MAX_OUTPUT_CHARS`."""
    import signal
    import threading

    timed = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if timed:

        def expire(signum, frame):
            raise TemplateError(
                f"模板渲染超过 {RENDER_SECONDS:.0f} 秒，已停止", hint="检查模板中的循环。"
            )

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, RENDER_SECONDS)
    try:
        parts = []
        size = 0
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateError("模板生成的内容过大，已停止", hint="检查模板中的循环。")
            parts.append(chunk)
        return "".join(parts)
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


_UNDEFINED = re.compile(r"'([^']{1,80})' is undefined|has no attribute '([^']{1,80})'")


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The template file and line an error happened at (Jinja maps its frames onto them)."""
    found: tuple[str | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if not name.endswith(".py") and not name.startswith("<"):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def template_error(exc: BaseException, default_file: str) -> ReportgenError:
    """Any exception raised while loading or rendering a template, as a Chinese message."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.sandbox import SecurityError

    if isinstance(exc, ReportgenError):
        return exc
    where, line = _template_frame(exc)
    where = getattr(exc, "filename", None) or where or default_file
    line = getattr(exc, "lineno", None) or line
    if isinstance(exc, TemplateNotFound):
        message, hint = f"模板引用的文件「{exc.name}」不存在", "检查 include/extends 中的文件名。"
    elif isinstance(exc, TemplateSyntaxError):
        message, hint = "模板语法错误", f"Jinja 的说明：{exc.message}"
    elif isinstance(exc, UndefinedError):
        found = _UNDEFINED.search(str(exc))
        name = next((g for g in found.groups() if g), "") if found else ""
        message = f"模板引用了不存在的变量「{name}」" if name else "模板引用了不存在的变量"
        hint = "可用的变量见内置模板 templates/default/report.html.j2。"
    elif isinstance(exc, SecurityError):
        message, hint = "模板中有不允许的操作（模板在沙箱中运行）", None
    elif isinstance(exc, RecursionError):
        message, hint = "模板嵌套过深（是否包含或继承了自己？）", None
    elif isinstance(exc, MemoryError):
        message, hint = "模板生成的内容过大，内存不足", None
    else:
        message = "模板中的表达式无法求值（数据类型或过滤器参数不对）"
        hint = "检查模板中这一行的表达式和过滤器参数。"
    return TemplateError(message, file=where, line=line, hint=hint)

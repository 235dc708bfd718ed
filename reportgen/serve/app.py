"""The Starlette application behind ``reportgen serve``.

Pages are rendered server-side from Jinja templates (``templates/serve/``, autoescaped) and
enhanced by one plain script (``templates/serve/static/serve.js``); every asset is served
from the package, nothing from elsewhere.  The JSON endpoints receive the whole state of the
form on every change, write the draft, and answer with the problems the validator finds.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from reportgen.errors import InputError, ReportgenError
from reportgen.model import TOP_LEVEL
from reportgen.paths import templates_dir
from reportgen.report import Report
from reportgen.serve.editing import CARRY, Editing
from reportgen.serve.files import PathRefused, list_reports, resolve_report
from reportgen.serve.guard import Guard

DOWNLOADS = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
#: The rendered report shown in the preview frame: its inline styles and data: fonts only.
PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


@dataclass
class ServeConfig:
    root: Path
    csrf: str
    default_file: str | None = None
    previous: tuple[str, Report] | None = None
    token: str | None = None
    allowed_hosts: set[str] | None = None


@dataclass
class Sessions:
    """The reports open in this server, by file name; one lock keeps writes in order."""

    config: ServeConfig
    open: dict[str, Editing] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fresh(self, name: str, year: int | None = None, agency: str | None = None) -> Editing:
        target = resolve_report(self.config.root, name)
        editing = Editing.open(target, target.name, self.config.previous, year, agency)
        self.open[target.name] = editing
        return editing

    def get(self, name: str) -> Editing:
        target = resolve_report(self.config.root, name)
        return self.open.get(target.name) or self.fresh(target.name)


@functools.cache
def _templates():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(str(templates_dir() / "serve")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def create_app(config: ServeConfig):
    """The application wrapped in its :class:`~reportgen.serve.guard.Guard`."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    sessions = Sessions(config)

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = _templates().get_template(name).render(csrf=config.csrf, **context)
        return HTMLResponse(html, status_code=status)

    def error_page(exc: ReportgenError, status: int) -> HTMLResponse:
        return page("error.html.j2", status, message=exc.message, hint=exc.hint)

    def error_json(exc: ReportgenError, status: int) -> JSONResponse:
        return JSONResponse({"error": exc.message, "hint": exc.hint}, status_code=status)

    async def index(request: Request) -> Response:
        if config.default_file:
            return RedirectResponse(f"/edit?file={quote(config.default_file)}", status_code=303)
        files = await run_in_threadpool(list_reports, config.root)
        return page("index.html.j2", files=files, folder=str(config.root))

    async def edit(request: Request) -> Response:
        name = request.query_params.get("file", "")
        year_text = request.query_params.get("year", "")
        year = int(year_text) if year_text.isdigit() else None
        agency = request.query_params.get("agency") or None

        def open_page() -> dict[str, Any]:
            from reportgen.serve.form import form_view, total_recipes

            with sessions.lock:
                editing = sessions.fresh(name, year, agency)
                fmt = editing.fmt
                checked = editing.check()
                values = dict(editing.store.values)
            others = [f.name for f in list_reports(config.root) if f.name != editing.name]
            return {
                "editing": editing,
                "fmt": fmt,
                "values": values,
                "view": form_view(fmt, values),
                "checked": checked,
                "others": others,
                "top": TOP_LEVEL,
                "carry": set(editing.carry),
                "fixed_previous": config.previous[0] if config.previous else None,
                "data": {
                    "file": editing.name,
                    "format": fmt.id,
                    "totals": total_recipes(fmt),
                    "checked": checked,
                },
            }

        try:
            context = await run_in_threadpool(open_page)
        except PathRefused as exc:
            return error_page(exc, 403)
        except ReportgenError as exc:
            return error_page(exc, 422)
        return page("form.html.j2", **context)

    async def payload(request: Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError:
            raise InputError("请求内容不是 JSON") from None
        if not isinstance(data, dict) or not isinstance(data.get("file"), str):
            raise InputError("请求缺少报告文件名")
        if not isinstance(data.get("values", {}), dict):
            raise InputError("请求的内容格式不对")
        return data

    def api(action):
        async def endpoint(request: Request) -> Response:
            try:
                data = await payload(request)
                return await run_in_threadpool(action, data)
            except PathRefused as exc:
                return error_json(exc, 403)
            except ReportgenError as exc:
                return error_json(exc, 422)

        return endpoint

    def _updated(data: dict[str, Any]) -> tuple[Editing, list]:
        editing = sessions.get(data["file"])
        carry = data.get("carry")
        problems = editing.update(
            data.get("values") or {}, carry if isinstance(carry, list) else None
        )
        return editing, problems

    def check(data: dict[str, Any]) -> Response:
        with sessions.lock:
            editing, problems = _updated(data)
            return JSONResponse(editing.check(problems))

    def draft(data: dict[str, Any]) -> Response:
        with sessions.lock:
            editing, problems = _updated(data)
            result = editing.check(problems)
            editing.save_draft()
            return JSONResponse({**result, "draft": editing.store.draft_path.name})

    def save(data: dict[str, Any]) -> Response:
        with sessions.lock:
            editing, problems = _updated(data)
            result = editing.check(problems)
            editing.save()
            return JSONResponse({**result, "saved": editing.name})

    def choose_previous(data: dict[str, Any]) -> Response:
        from reportgen.validate import ValidationFailed, load_previous

        with sessions.lock:
            editing, _ = _updated(data)
            name = data.get("previous")
            if not isinstance(name, str) or not name:
                editing.previous = None
                editing.store.values.pop("@previous", None)
                editing.store.previous = None
            else:
                path = resolve_report(config.root, name)
                try:
                    report = load_previous(path)
                except ValidationFailed as exc:
                    first = next((p for p in exc.problems if p.is_error), None)
                    raise InputError(
                        f"上年报告 {name} 有错误，无法使用",
                        hint=first.message if first else None,
                    ) from None
                editing.set_previous(str(path), report)
                editing.carry = {
                    p
                    for p, cell in editing.fmt.cells.items()
                    if p not in editing.store.values and _carries(editing, cell)
                }
                editing.store.values[CARRY] = sorted(editing.carry)
            editing.save_draft()
            return JSONResponse({"ok": True})

    def build(data: dict[str, Any]) -> Response:
        from starlette.background import BackgroundTask

        from reportgen.render import weasy
        from reportgen.render.build import BuildOptions, build_file, output_paths

        fmt = data.get("format")
        if fmt not in DOWNLOADS:
            raise InputError(f"未知的格式：{fmt}", hint="可选：html、docx、pdf")
        with sessions.lock:
            editing, problems = _updated(data)
            result = editing.check(problems)
            editing.save()
            if problems or result["errors"]:
                return JSONResponse(
                    {**result, "error": "报告有错误，未生成", "hint": "请先改正列出的错误。"},
                    status_code=422,
                )
            previous = editing.store.previous
            options = BuildOptions(
                formats=(fmt,), previous=Path(previous) if editing.previous else None
            )
            targets = output_paths([str(editing.target)], options)[str(editing.target)]
        with weasy.collection_deferred():
            built = build_file(str(editing.target), targets, options)
        collect = BackgroundTask(weasy.collect_pending)  # once the answer is sent
        if not built.ok:
            return JSONResponse(
                {**result, "error": built.message or "生成失败", "hint": None},
                status_code=422,
                background=collect,
            )
        target = targets[fmt]
        return Response(
            target.read_bytes(),
            media_type=DOWNLOADS[fmt],
            headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(target.name)}"},
            background=collect,
        )

    async def preview(request: Request) -> Response:
        def render() -> str:
            from reportgen.render.html import render_html
            from reportgen.validate import check_text

            with sessions.lock:
                editing = sessions.get(request.query_params.get("file", ""))
                outcome = check_text(editing.report_text(), editing.name, editing.previous)
            if outcome.report is None:
                raise InputError("报告的填写有误，暂时无法预览", hint="请先改正列出的错误。")
            return render_html(outcome.report, outcome.problems, draft=bool(outcome.errors))

        try:
            html = await run_in_threadpool(render)
        except PathRefused as exc:
            return error_page(exc, 403)
        except ReportgenError as exc:
            return error_page(exc, 422)
        return HTMLResponse(html, headers={"content-security-policy": PREVIEW_CSP})

    routes = [
        Route("/", index),
        Route("/edit", edit),
        Route("/preview", preview),
        Route("/api/check", api(check), methods=["POST"]),
        Route("/api/draft", api(draft), methods=["POST"]),
        Route("/api/save", api(save), methods=["POST"]),
        Route("/api/previous", api(choose_previous), methods=["POST"]),
        Route("/api/build", api(build), methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(templates_dir() / "serve" / "static"))),
    ]
    app = Starlette(routes=routes)
    return Guard(app, csrf=config.csrf, token=config.token, allowed_hosts=config.allowed_hosts)


def _carries(editing: Editing, cell) -> bool:
    from reportgen.wizard.carry_over import carry_rules

    return next(carry_rules(editing.fmt, cell), None) is not None

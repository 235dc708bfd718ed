"""``reportgen serve``: the report as a form in the browser, on this machine or an intranet."""

from __future__ import annotations

import secrets
import socket
import sys
from pathlib import Path

import click

from reportgen.errors import EXIT_USAGE, InputError, ReportgenError


def _listen(host: str, port: int) -> socket.socket:
    """Bind first, so a port in use is a message, and --port 0 picks a free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise InputError(
            f"无法在 {host}:{port} 上启动：{exc.strerror or exc}",
            hint="端口可能已被占用；用 --port 换一个，如 --port 8001（--port 0 自动选择）。",
        ) from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def _where(path: str | None) -> tuple[Path, str | None]:
    """The served folder and the file to open first (None: the folder's list)."""
    target = Path(path or ".")
    if target.is_dir():
        return target.resolve(), None
    if target.suffix.lower() not in (".yaml", ".yml"):
        raise InputError(
            f"{path} 既不是文件夹，也不是报告文件（.yaml）",
            hint="reportgen serve 2024.yaml 打开一份报告；reportgen serve 文件夹 列出其中的报告。",
        )
    if not target.parent.resolve().is_dir():
        raise InputError(f"文件夹 {target.parent} 不存在")
    return target.parent.resolve(), target.name


@click.command("serve")
@click.argument("path", required=False, type=click.Path(), metavar="[路径]")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="监听的地址；其他地址需令牌访问。"
)
@click.option("--port", default=8000, show_default=True, type=int, help="端口（0 为自动选择）。")
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器。")
@click.option(
    "--previous",
    "-p",
    type=click.Path(dir_okay=False),
    help="上一年度的报告文件：预填机关名称、上年结转等，并做跨年检查。",
)
def serve_command(
    path: str | None, host: str, port: int, no_browser: bool, previous: str | None
) -> None:
    """在浏览器中填写报告：路径为报告文件（可以还不存在）或文件夹（列出其中的报告）。

    默认只在本机（127.0.0.1）访问；用 --host 0.0.0.0 供局域网访问时，
    须使用启动时显示的带令牌的地址。按 Ctrl-C 停止。
    """
    from reportgen.serve.app import ServeConfig, create_app
    from reportgen.serve.files import resolve_report
    from reportgen.serve.guard import is_loopback, loopback_hosts

    root, first = _where(path)
    if first is not None:
        resolve_report(root, first)
    prev = None
    if previous:
        from reportgen.diagnostics import print_problems
        from reportgen.validate import load_previous

        try:
            prev = (str(Path(previous).resolve()), load_previous(previous))
        except ReportgenError as exc:
            problems = getattr(exc, "problems", None)
            if not problems:
                raise
            click.echo(f"上一年度报告 {previous} 无法使用：", err=True)
            print_problems(problems, sys.stderr)
            raise SystemExit(EXIT_USAGE) from None
    sock = _listen(host, port)
    port = sock.getsockname()[1]
    local = is_loopback(host)
    token = None if local else secrets.token_urlsafe(24)
    config = ServeConfig(
        root=root,
        csrf=secrets.token_urlsafe(32),
        default_file=first,
        previous=prev,
        token=token,
        allowed_hosts=loopback_hosts(port) if local else None,
    )
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    click.echo(f"reportgen serve：{root}" + (f" 中的 {first}" if first else ""))
    click.echo(f"请在浏览器中打开：{url}")
    if token:
        click.echo("（局域网访问须使用这个带令牌的地址；令牌只在本次运行有效）")
    click.echo("按 Ctrl-C 停止。", nl=True)
    sys.stdout.flush()
    _run(create_app(config), sock, None if no_browser else url)


def _run(app, sock: socket.socket, open_url: str | None) -> None:
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    if open_url:
        import threading
        import webbrowser

        threading.Timer(0.5, webbrowser.open, (open_url,)).start()
    server.run(sockets=[sock])

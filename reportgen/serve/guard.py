"""The security layer around the application, as plain ASGI middleware.

Secure by default, because a report server may run on an office network:

- the Host header must name the server (127.0.0.1/localhost/[::1] with its port when bound
  to the loopback interface), which defeats DNS-rebinding pages;
- bound to any other address, every request needs the access token printed at start: the
  first visit brings it as ``?token=…``, which becomes an HttpOnly, SameSite=Strict cookie;
- every write (POST) carries the page's CSRF token in ``X-CSRF-Token`` and, when the browser
  sends one, an Origin equal to the server's own;
- request bodies are limited in size (checked before and while reading);
- every response forbids requests to anywhere but the server itself
  (``Content-Security-Policy: default-src 'self'``), sniffing, framing by others and
  referrers.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from reportgen.source import MAX_BYTES

TOKEN_COOKIE = "reportgen_token"
CSRF_HEADER = "x-csrf-token"
#: Larger than any report file (the parser refuses those anyway), small enough to be harmless.
MAX_BODY = MAX_BYTES
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

CSP = (
    "default-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; "
    "frame-ancestors 'self'"
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def loopback_hosts(port: int) -> set[str]:
    return {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")}


Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]


class Guard:
    """Wraps the application; see the module docstring for what it enforces."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        csrf: str,
        token: str | None = None,
        allowed_hosts: set[str] | None = None,
        max_body: int = MAX_BODY,
    ) -> None:
        self.app = app
        self.csrf = csrf
        self.token = token
        self.allowed_hosts = allowed_hosts
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        method = scope["method"]
        host = headers.get("host", "")
        send = _with_headers(send)
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            await _refuse(send, 400, "不接受这个主机名的请求", "请用启动时显示的地址打开。")
            return
        if self.token is not None:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            given = query.get("token")
            if given is not None and method in SAFE_METHODS and _same(given, self.token):
                await _redirect_with_cookie(send, scope, query, self.token)
                return
            cookie = SimpleCookie(headers.get("cookie", "")).get(TOKEN_COOKIE)
            bearer = headers.get("authorization", "").removeprefix("Bearer ").strip()
            if not (cookie and _same(cookie.value, self.token)) and not _same(bearer, self.token):
                await _refuse(
                    send, 401, "需要访问令牌", "请用启动时显示的完整地址（带 ?token=…）打开。"
                )
                return
        if method not in SAFE_METHODS:
            if not _same(headers.get(CSRF_HEADER, ""), self.csrf):
                await _refuse(send, 403, "请求缺少有效的 CSRF 令牌", "请刷新页面后重试。")
                return
            origin = headers.get("origin")
            scheme = scope.get("scheme", "http")
            if origin is not None and origin != f"{scheme}://{host}":
                await _refuse(send, 403, "不接受来自其他网站的请求", "请在本页面中操作。")
                return
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body):
                await _refuse(send, 413, _too_large(self.max_body), "内容过大，请分开提交。")
                return
            body = await _read_body(receive, self.max_body)
            if body is None:
                await _refuse(send, 413, _too_large(self.max_body), "内容过大，请分开提交。")
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)


def _same(given: str, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def _too_large(limit: int) -> str:
    return f"请求内容超过 {limit // (1024 * 1024)} MB 的上限"


async def _read_body(receive: Callable, limit: int) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Callable) -> Callable:
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _with_headers(send: Callable) -> Callable:
    """Add the security headers to every response (a response may set its own CSP)."""

    async def wrapped(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            names = {k.lower() for k, _ in headers}
            if b"content-security-policy" not in names:
                headers.append((b"content-security-policy", CSP.encode()))
            headers += [(k, v) for k, v in SECURITY_HEADERS if k not in names]
            if b"cache-control" not in names:
                headers.append((b"cache-control", b"no-store"))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


async def _refuse(send: Callable, status: int, message: str, hint: str) -> None:
    body = json.dumps({"error": message, "hint": hint}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _redirect_with_cookie(send: Callable, scope: Scope, query: dict, token: str) -> None:
    rest = {k: v for k, v in query.items() if k != "token"}
    location = quote(scope.get("path", "/")) + (f"?{urlencode(rest)}" if rest else "")
    cookie = f"{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [(b"location", location.encode()), (b"set-cookie", cookie.encode())],
        }
    )
    await send({"type": "http.response.body", "body": b""})

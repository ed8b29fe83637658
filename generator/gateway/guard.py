"""The ASGI entry: refuse a request on its head alone, then pages or forwarder, plus headers.

``/`` and ``/reference/...`` go to the pages, except ``STATUS_PATH`` (the gateway's status);
every other path, with any method, goes to the forwarder, which answers 404 unless it is a
generated operation.
"""

from __future__ import annotations

import asyncio
from typing import Optional

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..gateway_api import STATUS_PATH
from .config import Limits
from .origins import OriginPolicy

SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
PAGE_POLICY = (
    b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"connect-src http: https:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# The ASGI scope key under which the guard passes the loop time the body is due.
BODY_DEADLINE = "codegen.body_deadline"

Headers = list[tuple[bytes, bytes]]


class Guard:
    def __init__(
        self, pages: ASGIApp, forward: ASGIApp, policy: OriginPolicy, limits: Limits
    ) -> None:
        self.pages = pages
        self.forward = forward
        self.policy = policy
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.pages(scope, receive, send)
            return
        if scope["type"] != "http":
            return  # websockets: not served
        headers: Headers = list(scope.get("headers", []))
        refusal = self.refusal(scope, headers)
        if refusal is not None:
            await plain(send, *refusal)
            return
        path = scope.get("path", "")
        is_page = path == "/" or path == "/reference" or path.startswith("/reference/")
        is_page = is_page and path != STATUS_PATH  # the gateway's own endpoint
        loop = asyncio.get_running_loop()
        scope = {**scope, BODY_DEADLINE: loop.time() + self.limits.body_timeout}
        body = BodyProgress(has_body(headers))

        async def receive_tracked() -> Message:
            message = await receive()
            body.seen(message)
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [*SECURITY_HEADERS, *response_headers(is_page, body.pending)]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        app = self.pages if is_page else self.forward
        await app(scope, receive_tracked, send_with_headers)

    def refusal(self, scope: Scope, headers: Headers) -> Optional[tuple[int, bytes]]:
        """(status, text) for a request refused on its head alone, or None."""
        if len(headers) > self.limits.max_headers:
            return 431, b"Request header fields too large: too many fields.\n"
        size = len(scope.get("raw_path", b"")) + len(scope.get("query_string", b""))
        size += sum(len(name) + len(value) + 4 for name, value in headers)
        if size > self.limits.max_header_bytes:
            return 431, b"Request header fields too large.\n"
        names = {name for name, _ in headers}
        if b"content-length" in names and b"transfer-encoding" in names:
            return 400, b"Bad request: both Content-Length and Transfer-Encoding.\n"
        host = next((v.decode("latin-1") for n, v in headers if n == b"host"), "")
        if not self.policy.host_ok(host):
            return 421, b"Misdirected request: unknown Host.\n"
        return None


def response_headers(is_page: bool, body_pending: bool) -> Headers:
    """Caching and policy headers; ``connection: close`` when the body was left unread.

    Answered before the body was read: close rather than read (and wait for) the rest of it
    on a kept-alive connection.
    """
    if is_page:
        extra = [
            (b"content-security-policy", PAGE_POLICY),
            (b"cache-control", b"no-cache"),
        ]
    else:
        extra = [(b"cache-control", b"no-store")]
    if body_pending:
        extra.append((b"connection", b"close"))
    return extra


def has_body(headers: Headers) -> bool:
    for name, value in headers:
        if name == b"transfer-encoding" or (
            name == b"content-length" and value.strip() not in (b"", b"0")
        ):
            return True
    return False


class BodyProgress:
    """Whether a request still has body bytes the application has not read."""

    def __init__(self, has_body: bool) -> None:
        self.pending = has_body

    def seen(self, message: Message) -> None:
        if message.get("type") == "http.disconnect":
            self.pending = False
        elif message.get("type") == "http.request" and not message.get("more_body"):
            self.pending = False


async def plain(send: Send, status: int, body: bytes) -> None:
    """A plain-text refusal; the connection is closed after it (the body is never read)."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *SECURITY_HEADERS,
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

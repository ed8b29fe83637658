"""``codegen gateway``: serve the reference pages and forward their requests to Stripe.

The gateway keeps the secret key on the server: it reads ``STRIPE_API_KEY`` from its own
environment and adds ``Authorization: Bearer <key>`` to each request it forwards. It is built
on Starlette (routing, static files) served by uvicorn, and forwards with httpx.

What it refuses, and why:

- **Anything but the generated operations.** A request is forwarded only when its method and
  path match one operation of the IR (method plus path template, segment by segment, on the
  raw path as received); everything else gets 404. A path parameter must be one non-empty path
  segment: encoded slashes or backslashes (``%2F``, ``%5C``), dot segments (``.``, ``..``,
  ``%2E%2E``) and control characters are refused, and the value is re-encoded before it is
  forwarded, so a request cannot reach any other upstream path.
- **Choosing the upstream.** The upstream origin is fixed when the gateway starts. The outgoing
  URL is built from it and the matched path only: no request line (absolute-form URLs),
  ``Host``, ``X-Forwarded-*`` header or parameter can change where a request goes. Redirects
  from the upstream are not followed, and proxy settings from the environment are ignored.
- **Credentials from the caller.** Only a short allow-list of request headers is forwarded
  (``Content-Type``, ``Accept``, ``Idempotency-Key``, ``Stripe-Version``); ``Authorization``,
  ``Cookie`` and everything else are dropped.
- **Large bodies**: above ``--max-body-bytes`` the answer is 413, whether the size is declared
  in ``Content-Length`` or only discovered while reading a chunked body.
- **Other web sites.** CORS headers are sent only for the gateway's own origins (its address,
  and ``localhost``/``127.0.0.1``/``[::1]`` when it listens on loopback) and the ``--allow-origin``
  ones. A browser request to an operation from any other origin is refused with 403 even when it
  would not need CORS (a plain HTML form post), and so is a request whose ``Host`` is a domain
  name the gateway was not told about (DNS rebinding).
- **Cookies.** The upstream is called through a bare httpx transport, with no cookie jar at all:
  a cookie the upstream sets is never stored, never sent on a later request (nobody's), and
  ``Set-Cookie`` is not passed to the browser (it belongs to the gateway's own exchange with the
  upstream, not to the page's origin).
- **Holding it open or filling its memory** (limits in the spirit of nginx's): the request head
  must arrive within ``--header-timeout`` (``client_header_timeout``) and be at most
  ``--max-header-bytes`` with at most ``--max-headers`` fields (``large_client_header_buffers``;
  431 past them); the whole body within ``--body-timeout`` (408); a response the client stops
  reading is dropped after ``--send-timeout`` (``send_timeout``); at most ``--max-connections``
  connections are served at once, more get 503 (uvicorn's ``limit_concurrency``, like
  ``limit_conn``); an upstream response above ``--max-response-bytes`` is refused with 502 and
  never buffered past that size (declared or counted while reading).
- **Ambiguous framing** (RFC 9112, section 6.3): a request with both ``Content-Length`` and
  ``Transfer-Encoding`` is refused with 400 and the connection closed, since a proxy behind or
  in front of the gateway could read the body differently (request smuggling).
- **Leaking the key.** The key is never logged, never put in a page, and removed from anything the
  upstream sends back (body and headers) before it reaches the caller; every log record passes
  through a filter that redacts it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import re
import socket
import sys
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote, unquote_to_bytes, urlsplit

from . import __version__, ir
from .errors import CodegenError

__all__ = [
    "GatewayConfig",
    "Limits",
    "Route",
    "RouteTable",
    "create_app",
    "normalize_origin",
    "routes_from_api",
    "serve",
]

KEY_VARIABLE = "STRIPE_API_KEY"
DEFAULT_PORT = 8787
DEFAULT_UPSTREAM = "https://api.stripe.com"
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
UPSTREAM_TIMEOUT_SECONDS = 80.0  # Stripe's own limit for a request
# Limits (see ``Limits``); nginx's defaults for comparison: 60 s timeouts, 4 x 8 KB head buffers.
DEFAULT_HEADER_TIMEOUT = 10.0  # seconds for the whole request head
DEFAULT_BODY_TIMEOUT = 10.0  # seconds for the whole request body
DEFAULT_SEND_TIMEOUT = 30.0  # seconds for a client that stopped reading
DEFAULT_MAX_HEADER_BYTES = 32 * 1024  # request line plus headers
DEFAULT_MAX_HEADERS = 100  # header fields (Apache's LimitRequestFields)
DEFAULT_MAX_CONNECTIONS = 512  # served at once; more get 503
DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024  # upstream body; larger gets 502
# Upstream connections at once (nginx: max_conns); Stripe's test mode allows 25 requests/s.
UPSTREAM_POOL_SIZE = 16
REDACTED = "[redacted]"

FORWARDED_REQUEST_HEADERS = (
    "content-type",
    "accept",
    "idempotency-key",
    "stripe-version",
)
CORS_REQUEST_HEADERS = ("Content-Type", "Idempotency-Key", "Stripe-Version")
FORWARDED_RESPONSE_HEADERS = (
    "content-type",
    "request-id",
    "stripe-version",
    "idempotency-key",
    "original-request",
    "stripe-should-retry",
    "retry-after",
)
EXPOSED_RESPONSE_HEADERS = (
    "Request-Id",
    "Stripe-Version",
    "Idempotency-Key",
    "Original-Request",
    "Stripe-Should-Retry",
    "Retry-After",
)
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
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

logger = logging.getLogger("codegen.gateway")


# --- routes -----------------------------------------------------------------------------------

_PARAMETER = re.compile(r"\{([^{}]+)\}")
_SEGMENT_CHARS = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:@%]+$")


@dataclass(frozen=True)
class Route:
    """One forwardable operation: a method and a path template, compiled per segment.

    A segment is either a literal (compared byte for byte with the raw request segment) or a
    pattern with one group per parameter plus the pieces to rebuild it from clean values.
    """

    method: str  # upper case
    template: str
    operation_id: str
    segments: tuple[tuple[str, Optional["re.Pattern[str]"], tuple[str, ...]], ...]

    @classmethod
    def compile(cls, method: str, template: str, operation_id: str) -> "Route":
        if not template.startswith("/"):
            raise ValueError(f"path template {template!r} must start with '/'")
        segments: list[tuple[str, Optional[re.Pattern[str]], tuple[str, ...]]] = []
        for segment in template[1:].split("/"):
            # literal, name, literal, name, ..., literal
            pieces = tuple(_PARAMETER.split(segment))
            if len(pieces) == 1:
                segments.append((segment, None, pieces))
                continue
            pattern = "".join(
                re.escape(piece) if i % 2 == 0 else "([^/]+?)"
                for i, piece in enumerate(pieces)
            )
            segments.append((segment, re.compile(f"^{pattern}$"), pieces))
        return cls(method.upper(), template, operation_id, tuple(segments))

    def match(self, raw_segments: Sequence[str]) -> Optional[str]:
        """The upstream path for these raw (still percent-encoded) segments, or None."""
        if len(raw_segments) != len(self.segments):
            return None
        out = []
        for raw, (literal, pattern, pieces) in zip(raw_segments, self.segments):
            if pattern is None:
                if raw != literal:
                    return None
                out.append(literal)
                continue
            found = pattern.match(raw)
            if found is None:
                return None
            values = [_path_value(value) for value in found.groups()]
            if any(value is None for value in values):
                return None
            rebuilt = [
                piece if i % 2 == 0 else quote(str(values[i // 2]), safe="")
                for i, piece in enumerate(pieces)
            ]
            out.append("".join(rebuilt))
        return "/" + "/".join(out)


def _path_value(raw: str) -> Optional[str]:
    """A path parameter's decoded value, or None when it could leave its segment."""
    if not _SEGMENT_CHARS.match(raw):
        return None
    if re.search(r"%(?![0-9A-Fa-f]{2})", raw):
        return None  # a malformed escape
    try:
        value = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if value in (".", "..") or not value:
        return None
    if any(c in value for c in "/\\?#") or any(
        ord(c) < 0x20 or ord(c) == 0x7F for c in value
    ):
        return None
    return value


class RouteTable:
    """The generated operations, looked up by method and raw path."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = tuple(routes)

    def __len__(self) -> int:
        return len(self.routes)

    def match(self, method: str, raw_path: str) -> Optional[tuple[Route, str]]:
        """The route and the upstream path for a request, or None (→ 404)."""
        segments = _split(raw_path)
        if segments is None:
            return None
        for route in self.routes:
            if route.method != method.upper():
                continue
            upstream = route.match(segments)
            if upstream is not None:
                return route, upstream
        return None

    def methods_for(self, raw_path: str) -> list[str]:
        """The methods some route accepts at this path (for CORS preflight)."""
        segments = _split(raw_path)
        if segments is None:
            return []
        found = [r.method for r in self.routes if r.match(segments) is not None]
        return sorted(set(found))


def _split(raw_path: str) -> Optional[list[str]]:
    if not raw_path.startswith("/") or raw_path.startswith("//"):
        return None  # absolute-form or scheme-relative targets never match
    if "\\" in raw_path or "?" in raw_path or "#" in raw_path:
        return None
    return raw_path[1:].split("/")


def routes_from_api(api: ir.Api) -> RouteTable:
    return RouteTable(
        Route.compile(op.method, op.path, op.operation_id) for op in api.operations
    )


# --- configuration ----------------------------------------------------------------------------


def normalize_origin(text: str) -> str:
    """``scheme://host[:port]`` in lower case without a default port, as browsers send it."""
    value = text.strip()
    if value == "null":
        return value
    try:
        parts = urlsplit(value)
        hostname, port = parts.hostname, parts.port
    except ValueError as error:  # a port that is not a number 0-65535, a broken [IPv6]
        reason = (
            "its port is not a number from 1 to 65535"
            if str(error).startswith("Port")
            else error
        )
        raise CodegenError(
            f"--allow-origin {text!r} is not an origin: {reason}",
            hint="give scheme, host and a numeric port, e.g. http://localhost:3000",
        ) from None
    if parts.scheme not in ("http", "https") or not hostname:
        raise CodegenError(
            f"--allow-origin {text!r} is not an origin",
            hint="give scheme, host and port, e.g. http://localhost:3000",
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise CodegenError(
            f"--allow-origin {text!r} must be an origin only (no path, query or user)",
            hint="e.g. https://docs.example.com",
        )
    host = hostname
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def check_upstream(text: str) -> str:
    """The upstream origin (plus an optional path prefix), validated once at start."""
    try:
        parts = urlsplit(text.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        reason = (
            "its port is not a number from 1 to 65535"
            if str(error).startswith("Port")
            else error
        )
        raise CodegenError(
            f"--upstream {text!r} is not a URL: {reason}",
            hint="e.g. https://api.stripe.com or http://127.0.0.1:12111 for a local mock",
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CodegenError(
            f"--upstream {text!r} is not an http(s) URL",
            hint="e.g. https://api.stripe.com or http://127.0.0.1:12111 for a local mock",
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise CodegenError(
            f"--upstream {text!r} must not carry a query, fragment or credentials",
            hint="the key comes from STRIPE_API_KEY",
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise CodegenError(
            f"--upstream {text!r} would send the API key unencrypted",
            hint="use https://, or plain http:// only to a loopback address (a local mock)",
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


@dataclass(frozen=True)
class Limits:
    """What one caller may hold of the gateway: time, header space, connections, memory.

    Timeouts are in seconds and bound a whole phase, not one read: a client dripping a byte a
    second is cut off as surely as a silent one (nginx's ``client_body_timeout`` is per read,
    which a drip defeats).
    """

    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    send_timeout: float = DEFAULT_SEND_TIMEOUT
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES
    max_headers: int = DEFAULT_MAX_HEADERS
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    def check(self) -> None:
        """Refuse values that would disable a limit by accident (0, negative)."""
        for name in ("header_timeout", "body_timeout", "send_timeout"):
            if not getattr(self, name) > 0:
                option = "--" + name.replace("_", "-")
                raise CodegenError(
                    f"{option} must be more than 0 seconds", hint=f"e.g. {option} 10"
                )
        for name in (
            "max_header_bytes",
            "max_headers",
            "max_connections",
            "max_response_bytes",
        ):
            if getattr(self, name) < 1:
                option = "--" + name.replace("_", "-")
                raise CodegenError(
                    f"{option} must be at least 1",
                    hint=f"e.g. {option} {getattr(Limits, name)}",
                )


@dataclass(frozen=True)
class GatewayConfig:
    routes: RouteTable
    upstream: str
    api_key: str
    pages: Path
    host: str
    port: int
    allow_origins: tuple[str, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    limits: Limits = field(default_factory=Limits)

    def __repr__(self) -> str:  # never show the key
        return (
            f"GatewayConfig(upstream={self.upstream!r}, host={self.host!r}, port={self.port}, "
            f"routes={len(self.routes)}, api_key={REDACTED!r})"
        )

    @property
    def own_origins(self) -> tuple[str, ...]:
        host = f"[{self.host}]" if ":" in self.host else self.host
        names = [host]
        if _is_loopback(self.host):
            names += list(LOOPBACK_NAMES)
        origins = [f"http://{name}:{self.port}" for name in dict.fromkeys(names)]
        return tuple(origins)

    @property
    def origins(self) -> frozenset[str]:
        return frozenset(self.own_origins + self.allow_origins)

    @property
    def host_names(self) -> frozenset[str]:
        """Domain names a request's Host may carry (IP literals are always fine)."""
        names = {"localhost"}
        for origin in self.allow_origins:
            if origin != "null":
                hostname = urlsplit(origin).hostname
                if hostname:
                    names.add(hostname.lower())
        return frozenset(names)


# --- redaction --------------------------------------------------------------------------------


class RedactFilter(logging.Filter):
    """Replaces the secrets in every log record's final message."""

    def __init__(self, secrets: Sequence[str] = (), name: str = "") -> None:
        super().__init__(name)
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        if isinstance(record.msg, str):
            record.msg = _redact_text(record.msg, self.secrets)
        elif self._leaks(record.msg):
            record.msg = _redact_text(str(record.msg), self.secrets)
        if isinstance(record.args, tuple):
            record.args = tuple(self._clean(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: self._clean(v) for k, v in record.args.items()}
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = _redact_text(text, self.secrets)
        elif record.exc_text:
            record.exc_text = _redact_text(record.exc_text, self.secrets)
        return True

    def _leaks(self, value: Any) -> bool:
        try:
            text = str(value)
        except Exception:
            return False
        return any(secret in text for secret in self.secrets)

    def _clean(self, value: Any) -> Any:
        """An argument as it was, or its text redacted when it holds a secret."""
        if isinstance(value, str):
            return _redact_text(value, self.secrets)
        if isinstance(value, (int, float)) or value is None:
            return value
        return _redact_text(str(value), self.secrets) if self._leaks(value) else value


def _redact_text(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def _redact_bytes(data: bytes, secrets: Sequence[str]) -> bytes:
    for secret in secrets:
        data = data.replace(secret.encode("utf-8"), REDACTED.encode("ascii"))
    return data


# --- the application --------------------------------------------------------------------------


def _error_body(kind: str, message: str) -> dict[str, Any]:
    return {"error": {"type": kind, "message": message}}


def create_app(config: GatewayConfig) -> Any:
    """The ASGI application: pages under ``/reference/``, operations forwarded upstream."""
    import httpx
    from starlette.applications import Starlette
    from starlette.requests import ClientDisconnect, Request
    from starlette.responses import JSONResponse, RedirectResponse, Response
    from starlette.routing import Mount
    from starlette.routing import Route as StarletteRoute
    from starlette.routing import request_response
    from starlette.staticfiles import StaticFiles

    secrets = (config.api_key,)
    origins = config.origins
    host_names = config.host_names

    limits = config.limits
    timeout = httpx.Timeout(UPSTREAM_TIMEOUT_SECONDS, connect=10.0, pool=10.0)
    # The transport, not an httpx.Client: no cookie jar (a jar would be shared by every
    # caller), no redirects, no proxy settings from the environment, no default headers.
    transport = httpx.AsyncHTTPTransport(
        retries=0,
        limits=httpx.Limits(
            max_connections=UPSTREAM_POOL_SIZE,
            max_keepalive_connections=UPSTREAM_POOL_SIZE,
        ),
    )
    # Requests wait here rather than in httpcore's pool, whose scheduling scans every queued
    # request against every connection: hundreds queued there cost more CPU than the proxying.
    upstream_slots = asyncio.Semaphore(UPSTREAM_POOL_SIZE)

    def refuse(
        status: int, kind: str, message: str, origin: Optional[str] = None
    ) -> Response:
        response = JSONResponse(_error_body(kind, message), status_code=status)
        if origin is not None:
            _cors(response, origin)
        return response

    def _cors(response: Response, origin: str) -> None:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = ", ".join(
            EXPOSED_RESPONSE_HEADERS
        )
        response.headers["Vary"] = "Origin"

    def allowed_origin(request: Request) -> tuple[bool, Optional[str]]:
        """(may proceed, origin to answer CORS for)."""
        origin = request.headers.get("origin")
        if origin is not None:
            try:
                normalized = normalize_origin(origin)
            except CodegenError:
                return False, None
            host = request.headers.get("host", "")
            own = normalized == f"http://{host.strip().lower()}"
            ok = normalized in origins or own
            return ok, (origin if ok else None)
        # No Origin: not a cross-origin browser request, unless Fetch Metadata says so.
        site = request.headers.get("sec-fetch-site", "")
        if site in ("cross-site", "same-site"):
            return False, None
        return True, None

    async def read_body(request: Request) -> bytes:
        """The whole body, within ``--body-timeout`` from the start of the request."""
        deadline = request.scope.get(_BODY_DEADLINE)
        remaining = limits.body_timeout
        if isinstance(deadline, float):
            remaining = max(deadline - asyncio.get_running_loop().time(), 0.0)
        try:
            return await asyncio.wait_for(read_capped_body(request), remaining)
        except asyncio.TimeoutError:
            raise BodyTimeout() from None

    async def read_capped_body(request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise BodyTooLarge("bad content-length")
            if int(declared) > config.max_body_bytes:
                raise BodyTooLarge(declared)
        chunks = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > config.max_body_bytes:
                raise BodyTooLarge(str(size))
            chunks.append(chunk)
        return b"".join(chunks)

    async def call_upstream(
        method: str, url: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, httpx.Headers, bytes]:
        """Status, headers and body (at most ``--max-response-bytes``) of one upstream call.

        The body is read in chunks and counted as it arrives (after any content decoding, so
        a compressed bomb counts at its real size); past the limit the upstream connection is
        closed and ``ResponseTooLarge`` raised, so no more than the limit is ever held.
        """
        outgoing = httpx.Request(
            method,
            url,
            headers=headers,
            content=body,
            extensions={"timeout": timeout.as_dict()},
        )
        async with upstream_slots:
            response = await transport.handle_async_request(outgoing)
            try:
                content = await read_capped(response)
            finally:
                await response.aclose()
        return response.status_code, response.headers, content

    async def read_capped(response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limits.max_response_bytes:
            raise ResponseTooLarge(declared)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limits.max_response_bytes:
                raise ResponseTooLarge(f"more than {size}")
            chunks.append(chunk)
        return b"".join(chunks)

    async def forward(request: Request) -> Response:
        raw_path = (
            request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        )
        raw_path = raw_path.split("?", 1)[0]
        method = request.method.upper()
        if method == "OPTIONS":
            return preflight(request, raw_path)
        found = config.routes.match(method, raw_path)
        if found is None:
            return refuse(
                404,
                "invalid_request_error",
                "Unrecognized request: the gateway forwards only the generated operations.",
            )
        route, upstream_path = found
        ok, cors_origin = allowed_origin(request)
        if not ok:
            logger.warning("refused %s %s: origin not allowed", method, route.template)
            return refuse(
                403,
                "invalid_request_error",
                "This origin may not use the gateway; start it with --allow-origin <origin>.",
            )
        try:
            body = await read_body(request)
        except BodyTooLarge:
            return refuse(
                413,
                "invalid_request_error",
                f"Request body larger than {config.max_body_bytes} bytes.",
                cors_origin,
            )
        except BodyTimeout:
            logger.warning("refused %s %s: body too slow", method, route.template)
            return refuse(  # the guard closes the connection: the body is unread
                408,
                "invalid_request_error",
                f"Request body not received within {limits.body_timeout:g} s.",
                cors_origin,
            )
        except ClientDisconnect:
            return Response(status_code=400)
        headers = {
            name: value
            for name, value in request.headers.items()
            if name in FORWARDED_REQUEST_HEADERS
        }
        headers["Authorization"] = f"Bearer {config.api_key}"
        headers["User-Agent"] = f"codegen-gateway/{__version__}"
        query = request.scope.get("query_string", b"").decode("latin-1")
        url = config.upstream + upstream_path + (f"?{query}" if query else "")
        started = time.monotonic()
        try:
            status, upstream_headers, content = await asyncio.wait_for(
                call_upstream(method, url, headers, body), UPSTREAM_TIMEOUT_SECONDS
            )
        except (httpx.TimeoutException, asyncio.TimeoutError):
            logger.warning("upstream timed out for %s %s", method, route.template)
            return refuse(
                504,
                "api_connection_error",
                "The gateway timed out waiting for the upstream API.",
                cors_origin,
            )
        except ResponseTooLarge:
            logger.warning(
                "refused the upstream response to %s %s: larger than %d bytes",
                method,
                route.template,
                limits.max_response_bytes,
            )
            return refuse(
                502,
                "api_error",
                f"The upstream response was larger than {limits.max_response_bytes} "
                "bytes (the gateway's --max-response-bytes).",
                cors_origin,
            )
        except httpx.HTTPError as error:
            logger.warning(
                "upstream unreachable for %s %s: %s",
                method,
                route.template,
                type(error).__name__,
            )
            return refuse(
                502,
                "api_connection_error",
                "The gateway could not reach the upstream API.",
                cors_origin,
            )
        elapsed = (time.monotonic() - started) * 1000
        logger.info("%s %s -> %d (%.0f ms)", method, route.template, status, elapsed)
        response = Response(content=_redact_bytes(content, secrets), status_code=status)
        for name in FORWARDED_RESPONSE_HEADERS:
            value = upstream_headers.get(name)
            if value is not None:
                response.headers[name] = _redact_text(value, secrets)
        if cors_origin is not None:
            _cors(response, cors_origin)
        return response

    def preflight(request: Request, raw_path: str) -> Response:
        origin = request.headers.get("origin")
        wanted = request.headers.get("access-control-request-method", "").upper()
        if origin is None or not wanted:
            return refuse(404, "invalid_request_error", "Unrecognized request.")
        if wanted not in config.routes.methods_for(raw_path):
            return refuse(404, "invalid_request_error", "Unrecognized request.")
        try:
            normalized = normalize_origin(origin)
        except CodegenError:
            normalized = ""
        own = normalized == f"http://{request.headers.get('host', '').strip().lower()}"
        allowed = normalized in origins or own
        if not allowed:
            return Response(status_code=403)
        response = Response(status_code=204)
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = wanted
        response.headers["Access-Control-Allow-Headers"] = ", ".join(
            CORS_REQUEST_HEADERS
        )
        response.headers["Access-Control-Max-Age"] = "600"
        response.headers["Vary"] = "Origin"
        return response

    async def home(request: Request) -> Response:
        return RedirectResponse("/reference/", status_code=302)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        yield
        await transport.aclose()

    pages = Starlette(
        routes=[
            StarletteRoute("/", home, methods=["GET", "HEAD"]),
            Mount(
                "/reference", app=StaticFiles(directory=str(config.pages), html=True)
            ),
        ],
        lifespan=lifespan,
    )
    return _Guard(pages, request_response(forward), config)


class BodyTooLarge(Exception):
    """The request body is above ``--max-body-bytes`` (→ 413)."""


class BodyTimeout(Exception):
    """The request body did not arrive within ``--body-timeout`` (→ 408)."""


class ResponseTooLarge(Exception):
    """The upstream body is above ``--max-response-bytes`` (→ 502)."""


# The ASGI scope key under which the guard passes the loop time the body is due.
_BODY_DEADLINE = "codegen.body_deadline"


class _Guard:
    """ASGI entry: refuse unknown Host names, send pages or forward, add security headers.

    ``/`` and ``/reference/...`` go to the pages; every other path, with any method, goes to
    the forwarder, which answers 404 unless it is a generated operation.
    """

    def __init__(self, pages: Any, forward: Any, config: GatewayConfig) -> None:
        self.pages = pages
        self.forward = forward
        self.host_names = config.host_names
        self.limits = config.limits

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.pages(scope, receive, send)
            return
        if scope["type"] != "http":
            return  # websockets: not served
        headers: list[tuple[bytes, bytes]] = list(scope.get("headers", []))
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            status, text = refusal
            await _plain(send, status, text)
            return
        path = scope.get("path", "")
        is_page = path == "/" or path == "/reference" or path.startswith("/reference/")
        loop = asyncio.get_running_loop()
        scope = {**scope, _BODY_DEADLINE: loop.time() + self.limits.body_timeout}
        body = _BodyProgress(_has_body(headers))

        async def receive_tracked() -> Any:
            message = await receive()
            body.seen(message)
            return message

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                extra = list(SECURITY_HEADERS)
                if is_page:
                    extra.append((b"content-security-policy", PAGE_POLICY))
                    extra.append((b"cache-control", b"no-cache"))
                else:
                    extra.append((b"cache-control", b"no-store"))
                if body.pending:
                    # Answered before the body was read: close rather than read (and wait
                    # for) the rest of it on a kept-alive connection.
                    extra.append((b"connection", b"close"))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        app = self.pages if is_page else self.forward
        await app(scope, receive_tracked, send_with_headers)

    def _refusal(
        self, scope: Any, headers: list[tuple[bytes, bytes]]
    ) -> Optional[tuple[int, bytes]]:
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
        if not self._host_ok(host):
            return 421, b"Misdirected request: unknown Host.\n"
        return None

    def _host_ok(self, host: str) -> bool:
        name = _host_name(host)
        return bool(name) and (_is_ip_literal(name) or name in self.host_names)


def _host_name(host: str) -> str:
    """The name part of a Host header value, lower case ("" when malformed)."""
    name = host.strip().lower()
    if name.startswith("["):
        return name.split("]", 1)[0] + "]" if "]" in name else ""
    return name.rsplit(":", 1)[0] if ":" in name else name


def _has_body(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name == b"transfer-encoding" or (
            name == b"content-length" and value.strip() not in (b"", b"0")
        ):
            return True
    return False


class _BodyProgress:
    """Whether a request still has body bytes the application has not read."""

    def __init__(self, has_body: bool) -> None:
        self.pending = has_body

    def seen(self, message: Any) -> None:
        if message.get("type") == "http.disconnect":
            self.pending = False
        elif message.get("type") == "http.request" and not message.get("more_body"):
            self.pending = False


async def _plain(send: Any, status: int, body: bytes) -> None:
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


# --- the connection: timeouts uvicorn does not have --------------------------------------------

_HEAD_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 27\r\n"
    b"connection: close\r\n\r\n"
    b"Request head took too long\n"
)


def protocol_class(limits: Limits) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol plus the head and send timeouts it lacks.

    uvicorn arms a timer only between requests (``timeout_keep_alive``) and cancels it on the
    first byte received, so a request head sent a byte at a time, or never, keeps the
    connection forever; and a client that stops reading keeps its response buffered forever.
    Here the head (request line and headers) must be complete within ``header_timeout`` of
    the connection or of the first byte of a kept-alive request (nginx's
    ``client_header_timeout``), and once the response's write buffer is full (or the response
    is finished with bytes still unsent) the client must take them within ``send_timeout``
    (nginx's ``send_timeout``); else the connection is closed. The keep-alive timer starts
    when the response is sent, not when the application is done with it. Bodies are timed by
    the application (``BodyTimeout``), which can still answer 408.
    """
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class TimedH11Protocol(H11Protocol):
        _head_timer: Optional[asyncio.TimerHandle] = None
        _send_timer: Optional[asyncio.TimerHandle] = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm_head_timer()

        def data_received(self, data: bytes) -> None:
            if self.conn.their_state is h11.IDLE:
                self._arm_head_timer()  # no-op when already armed
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self._head_timer = _cancel(self._head_timer)

        def connection_lost(self, exc: Optional[Exception]) -> None:
            self._head_timer = _cancel(self._head_timer)
            self._send_timer = _cancel(self._send_timer)
            super().connection_lost(exc)

        def pause_writing(self) -> None:
            super().pause_writing()
            self._arm_send_timer()

        def resume_writing(self) -> None:
            super().resume_writing()
            self._send_timer = _cancel(self._send_timer)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self.transport.get_write_buffer_size() > 0:
                self._arm_send_timer()

        def timeout_keep_alive_handler(self) -> None:
            """Idle means nothing left to send: a client still reading is not idle.

            uvicorn starts the keep-alive timer when the application is done, so a client
            reading a large response slowly found its connection closed under its next
            request. While bytes are unsent, wait on (the send timer bounds that wait).
            """
            if self.transport.get_write_buffer_size() > 0:
                self._arm_send_timer()
                self.timeout_keep_alive_task = self.loop.call_later(
                    self.timeout_keep_alive, self.timeout_keep_alive_handler
                )
                return
            super().timeout_keep_alive_handler()

        def _arm_head_timer(self) -> None:
            if self._head_timer is None:
                self._head_timer = self.loop.call_later(
                    limits.header_timeout, self._head_timed_out
                )

        def _arm_send_timer(self) -> None:
            if self._send_timer is None:
                self._send_timer = self.loop.call_later(
                    limits.send_timeout, self._send_timed_out
                )

        def _head_timed_out(self) -> None:
            self._head_timer = None
            if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
                return
            if self.conn.trailing_data[0]:  # part of a head arrived: say why
                self.transport.write(_HEAD_TIMEOUT_RESPONSE)
            self.transport.close()

        def _send_timed_out(self) -> None:
            self._send_timer = None
            if self.transport.get_write_buffer_size() > 0:
                self.transport.abort()  # close() would wait for the reader forever

    return TimedH11Protocol


def _cancel(timer: Optional[asyncio.TimerHandle]) -> Optional[asyncio.TimerHandle]:
    """Cancel a timer if there is one; None, to clear the attribute that held it."""
    if timer is not None:
        timer.cancel()
    return None


# --- running --------------------------------------------------------------------------------


def _log_config(secrets: Sequence[str]) -> dict[str, Any]:
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = {
        **LOGGING_CONFIG,
        "filters": {"redact": {"()": RedactFilter, "secrets": tuple(secrets)}},
        "handlers": {
            name: {**handler, "filters": ["redact"]}
            for name, handler in LOGGING_CONFIG["handlers"].items()
        },
        "loggers": {
            **LOGGING_CONFIG["loggers"],
            "codegen.gateway": {
                "handlers": ["default"],
                "level": "INFO",
                "propagate": False,
            },
        },
    }
    return config


def serve(
    *,
    api: ir.Api,
    pages: Path,
    host: str,
    port: int,
    upstream: str,
    allow_origins: Sequence[str],
    max_body_bytes: int,
    limits: Optional[Limits] = None,
    environ: Optional[dict[str, str]] = None,
) -> None:
    """Run the gateway until interrupted. Port 0 picks a free port (printed at start)."""
    import uvicorn

    env = os.environ if environ is None else environ
    api_key = env.get(KEY_VARIABLE, "").strip()
    if not api_key:
        raise CodegenError(
            f"{KEY_VARIABLE} is not set",
            hint=f"export {KEY_VARIABLE}=sk_test_... in the gateway's environment; "
            "the pages never handle the key",
        )
    if not (pages / "index.html").is_file():
        raise CodegenError(
            f"no reference pages in {pages}",
            hint="run `codegen generate` first (or pass the --output it used)",
        )
    if max_body_bytes < 1:
        raise CodegenError("--max-body-bytes must be at least 1", hint="e.g. 1048576")
    limits = limits or Limits()
    limits.check()
    fixed_upstream = check_upstream(upstream)
    origins = tuple(dict.fromkeys(normalize_origin(o) for o in allow_origins))
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto is TCP, and
    # without it each response's body waits ~40 ms behind its head (Nagle + delayed ACK).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise CodegenError(
            f"cannot listen on {host}:{port}: {error.strerror}",
            hint="choose another --port (0 picks a free one)",
        ) from error
    sock.listen(max(128, min(limits.max_connections, 4096)))
    sock.set_inheritable(True)
    actual_port = sock.getsockname()[1]
    config = GatewayConfig(
        routes=routes_from_api(api),
        upstream=fixed_upstream,
        api_key=api_key,
        pages=pages.resolve(),
        host=host,
        port=actual_port,
        allow_origins=origins,
        max_body_bytes=max_body_bytes,
        limits=limits,
    )
    app = create_app(config)
    shown = f"[{host}]" if ":" in host else host
    print(
        f"codegen gateway: http://{shown}:{actual_port}/reference/ "
        f"({len(config.routes)} operation(s) forwarded to {fixed_upstream}; "
        f"key from {KEY_VARIABLE}; origins: {', '.join(sorted(config.origins))})",
        flush=True,
    )
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_config=_log_config((api_key,)),
            server_header=False,
            date_header=True,
            proxy_headers=False,
            forwarded_allow_ips="",
            timeout_graceful_shutdown=5,
            http=protocol_class(limits),
            # h11 buffers an incomplete head up to this size (then 400); a complete head
            # that arrived in one read is measured by the guard (431).
            h11_max_incomplete_event_size=limits.max_header_bytes,
            limit_concurrency=limits.max_connections,
        )
    )
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    sys.stdout.flush()

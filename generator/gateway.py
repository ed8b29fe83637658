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
- **Leaking the key.** The key is never logged, never put in a page, and removed from anything the
  upstream sends back (body and headers) before it reaches the caller; every log record passes
  through a filter that redacts it too.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import re
import socket
import sys
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote, unquote_to_bytes, urlsplit

from . import __version__, ir
from .errors import CodegenError

__all__ = [
    "GatewayConfig",
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
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CodegenError(
            f"--allow-origin {text!r} is not an origin",
            hint="give scheme, host and port, e.g. http://localhost:3000",
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise CodegenError(
            f"--allow-origin {text!r} must be an origin only (no path, query or user)",
            hint="e.g. https://docs.example.com",
        )
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    port = parts.port
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
    parts = urlsplit(text.strip())
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
class GatewayConfig:
    routes: RouteTable
    upstream: str
    api_key: str
    pages: Path
    host: str
    port: int
    allow_origins: tuple[str, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

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

    class BodyTooLarge(Exception):
        pass

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

    client = httpx.AsyncClient(
        timeout=httpx.Timeout(UPSTREAM_TIMEOUT_SECONDS, connect=10.0),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": f"codegen-gateway/{__version__}"},
    )

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
        except ClientDisconnect:
            return Response(status_code=400)
        headers = {
            name: value
            for name, value in request.headers.items()
            if name in FORWARDED_REQUEST_HEADERS
        }
        headers["Authorization"] = f"Bearer {config.api_key}"
        query = request.scope.get("query_string", b"").decode("latin-1")
        url = config.upstream + upstream_path + (f"?{query}" if query else "")
        started = time.monotonic()
        try:
            upstream = await client.request(method, url, headers=headers, content=body)
        except httpx.TimeoutException:
            logger.warning("upstream timed out for %s %s", method, route.template)
            return refuse(
                504,
                "api_connection_error",
                "The gateway timed out waiting for the upstream API.",
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
        logger.info(
            "%s %s -> %d (%.0f ms)",
            method,
            route.template,
            upstream.status_code,
            elapsed,
        )
        response = Response(
            content=_redact_bytes(upstream.content, secrets),
            status_code=upstream.status_code,
        )
        for name in FORWARDED_RESPONSE_HEADERS:
            value = upstream.headers.get(name)
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
        await client.aclose()

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


class _Guard:
    """ASGI entry: refuse unknown Host names, send pages or forward, add security headers.

    ``/`` and ``/reference/...`` go to the pages; every other path, with any method, goes to
    the forwarder, which answers 404 unless it is a generated operation.
    """

    def __init__(self, pages: Any, forward: Any, config: GatewayConfig) -> None:
        self.pages = pages
        self.forward = forward
        self.host_names = config.host_names

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.pages(scope, receive, send)
            return
        if scope["type"] != "http":
            return  # websockets: not served
        host = ""
        for name, value in scope.get("headers", []):
            if name == b"host":
                host = value.decode("latin-1")
                break
        if not self._host_ok(host):
            await _plain(send, 421, b"Misdirected request: unknown Host.\n")
            return
        path = scope.get("path", "")
        is_page = path == "/" or path == "/reference" or path.startswith("/reference/")

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += list(SECURITY_HEADERS)
                if is_page:
                    headers.append((b"content-security-policy", PAGE_POLICY))
                    headers.append((b"cache-control", b"no-cache"))
                else:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        app = self.pages if is_page else self.forward
        await app(scope, receive, send_with_headers)

    def _host_ok(self, host: str) -> bool:
        name = _host_name(host)
        return bool(name) and (_is_ip_literal(name) or name in self.host_names)


def _host_name(host: str) -> str:
    """The name part of a Host header value, lower case ("" when malformed)."""
    name = host.strip().lower()
    if name.startswith("["):
        return name.split("]", 1)[0] + "]" if "]" in name else ""
    return name.rsplit(":", 1)[0] if ":" in name else name


async def _plain(send: Any, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


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
    fixed_upstream = check_upstream(upstream)
    origins = tuple(dict.fromkeys(normalize_origin(o) for o in allow_origins))
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise CodegenError(
            f"cannot listen on {host}:{port}: {error.strerror}",
            hint="choose another --port (0 picks a free one)",
        ) from error
    sock.listen(128)
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
        )
    )
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    sys.stdout.flush()

"""The ASGI application: the pages under ``/reference/``, the routes forwarded upstream.

``Forwarder.forward`` is the path of one request: route, origin, body, upstream, response.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Optional

import httpx
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, request_response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from .. import __version__
from ..gateway_api import STATUS_PATH, is_account
from .config import UPSTREAM_TIMEOUT_SECONDS, GatewayConfig, key_status
from .guard import BODY_DEADLINE, Guard
from .redact import redact_bytes, redact_text
from .upstream import ResponseTooLarge, Upstream, UpstreamResponse

FORWARDED_REQUEST_HEADERS = (
    "content-type",
    "accept",
    "idempotency-key",
    "stripe-version",
    "stripe-account",  # checked first (is_account): a malformed one is refused with 400
)
CORS_REQUEST_HEADERS = (
    "Content-Type",
    "Idempotency-Key",
    "Stripe-Version",
    "Stripe-Account",
)
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

logger = logging.getLogger("codegen.gateway")


class BodyTooLarge(Exception):
    """The request body is above ``--max-body-bytes`` (→ 413)."""


class BodyTimeout(Exception):
    """The request body did not arrive within ``--body-timeout`` (→ 408)."""


def create_app(config: GatewayConfig) -> ASGIApp:
    """The guard in front of the pages and the forwarder."""
    forwarder = Forwarder(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await forwarder.upstream.aclose()

    pages = Starlette(
        routes=[
            Route("/", home, methods=["GET", "HEAD"]),
            Mount(
                "/reference", app=StaticFiles(directory=str(config.pages), html=True)
            ),
        ],
        lifespan=lifespan,
    )
    return Guard(
        pages, request_response(forwarder.forward), config.policy, config.limits
    )


async def home(request: Request) -> Response:
    return RedirectResponse("/reference/", status_code=302)


def refuse(
    status: int, kind: str, message: str, origin: Optional[str] = None
) -> Response:
    """A Stripe-shaped JSON error, with CORS headers when the origin may read it."""
    response = JSONResponse(
        {"error": {"type": kind, "message": message}}, status_code=status
    )
    if origin is not None:
        allow_cors(response, origin)
    return response


def allow_cors(response: Response, origin: str) -> None:
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = ", ".join(
        EXPOSED_RESPONSE_HEADERS
    )
    response.headers["Vary"] = "Origin"


class Forwarder:
    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        self.limits = config.limits
        self.policy = config.policy
        self.secrets = (config.api_key,)
        self.upstream = Upstream(config.limits.max_response_bytes)

    async def forward(self, request: Request) -> Response:
        raw_path = (
            request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        )
        raw_path = raw_path.split("?", 1)[0]
        method = request.method.upper()
        if method == "OPTIONS":
            return self.preflight(request, raw_path)
        if raw_path == STATUS_PATH:
            return self.status(request)
        found = self.config.routes.match(method, raw_path)
        if found is None:
            return refuse(
                404,
                "invalid_request_error",
                "Unrecognized request: the gateway forwards only the generated operations.",
            )
        route, upstream_path = found
        verdict = self.policy.check(
            request.headers.get("origin"),
            request.headers.get("host", ""),
            request.headers.get("sec-fetch-site", ""),
        )
        if not verdict.allowed:
            logger.warning("refused %s %s: origin not allowed", method, route.template)
            return refuse(
                403,
                "invalid_request_error",
                "This origin may not use the gateway; start it with --allow-origin <origin>.",
            )
        origin = verdict.cors_origin
        try:
            body = await self.read_body(request)
        except BodyTooLarge:
            return refuse(
                413,
                "invalid_request_error",
                f"Request body larger than {self.config.max_body_bytes} bytes.",
                origin,
            )
        except BodyTimeout:
            logger.warning("refused %s %s: body too slow", method, route.template)
            return refuse(  # the guard closes the connection: the body is unread
                408,
                "invalid_request_error",
                f"Request body not received within {self.limits.body_timeout:g} s.",
                origin,
            )
        except ClientDisconnect:
            return Response(status_code=400)
        account = request.headers.get("stripe-account")
        if account is not None and not is_account(account):
            logger.warning(
                "refused %s %s: malformed Stripe-Account", method, route.template
            )
            return refuse(
                400,
                "invalid_request_error",
                "The Stripe-Account header must be a connected account ID: acct_ followed "
                "by letters and digits (e.g. acct_1032D82eZvKYlo2C).",
                origin,
            )
        headers = {
            name: value
            for name, value in request.headers.items()
            if name in FORWARDED_REQUEST_HEADERS
        }
        headers["Authorization"] = f"Bearer {self.config.api_key}"
        headers["User-Agent"] = f"codegen-gateway/{__version__}"
        query = request.scope.get("query_string", b"").decode("latin-1")
        url = self.config.upstream + upstream_path + (f"?{query}" if query else "")
        return await self.relay(method, route.template, url, headers, body, origin)

    async def relay(
        self,
        method: str,
        template: str,
        url: str,
        headers: dict[str, str],
        body: bytes,
        origin: Optional[str],
    ) -> Response:
        """Call the upstream and pass its answer on, redacted; its failures as JSON errors."""
        started = time.monotonic()
        try:
            answer = await asyncio.wait_for(
                self.upstream.call(method, url, headers, body),
                UPSTREAM_TIMEOUT_SECONDS,
            )
        except (httpx.TimeoutException, asyncio.TimeoutError):
            logger.warning("upstream timed out for %s %s", method, template)
            return refuse(
                504,
                "api_connection_error",
                "The gateway timed out waiting for the upstream API.",
                origin,
            )
        except ResponseTooLarge:
            limit = self.limits.max_response_bytes
            logger.warning(
                "refused the upstream response to %s %s: larger than %d bytes",
                method,
                template,
                limit,
            )
            return refuse(
                502,
                "api_error",
                f"The upstream response was larger than {limit} "
                "bytes (the gateway's --max-response-bytes).",
                origin,
            )
        except httpx.HTTPError as error:
            logger.warning(
                "upstream unreachable for %s %s: %s",
                method,
                template,
                type(error).__name__,
            )
            return refuse(
                502,
                "api_connection_error",
                "The gateway could not reach the upstream API.",
                origin,
            )
        elapsed = (time.monotonic() - started) * 1000
        logger.info("%s %s -> %d (%.0f ms)", method, template, answer.status, elapsed)
        return self.passed_on(answer, origin)

    def passed_on(self, answer: UpstreamResponse, origin: Optional[str]) -> Response:
        response = Response(
            content=redact_bytes(answer.content, self.secrets),
            status_code=answer.status,
        )
        for name in FORWARDED_RESPONSE_HEADERS:
            value = answer.headers.get(name)
            if value is not None:
                response.headers[name] = redact_text(value, self.secrets)
        if origin is not None:
            allow_cors(response, origin)
        return response

    def status(self, request: Request) -> Response:
        """``GET STATUS_PATH``: what key the gateway holds (``key_status``), never the key.

        The same origin check as a forwarded request; CORS for the origins that may read it.
        """
        if request.method.upper() not in ("GET", "HEAD"):
            response = refuse(
                405, "invalid_request_error", f"{STATUS_PATH} answers GET only."
            )
            response.headers["Allow"] = "GET, HEAD"
            return response
        verdict = self.policy.check(
            request.headers.get("origin"),
            request.headers.get("host", ""),
            request.headers.get("sec-fetch-site", ""),
        )
        if not verdict.allowed:
            return refuse(
                403,
                "invalid_request_error",
                "This origin may not use the gateway; start it with --allow-origin <origin>.",
            )
        response = JSONResponse(key_status(self.config.api_key))
        if verdict.cors_origin is not None:
            allow_cors(response, verdict.cors_origin)
        return response

    def preflight(self, request: Request, raw_path: str) -> Response:
        origin = request.headers.get("origin")
        wanted = request.headers.get("access-control-request-method", "").upper()
        if origin is None or not wanted:
            return refuse(404, "invalid_request_error", "Unrecognized request.")
        methods = (
            ["GET", "HEAD"]
            if raw_path == STATUS_PATH
            else self.config.routes.methods_for(raw_path)
        )
        if wanted not in methods:
            return refuse(404, "invalid_request_error", "Unrecognized request.")
        if not self.policy.check(origin, request.headers.get("host", "")).allowed:
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

    async def read_body(self, request: Request) -> bytes:
        """The whole body, within ``--body-timeout`` from the start of the request."""
        deadline = request.scope.get(BODY_DEADLINE)
        remaining = self.limits.body_timeout
        if isinstance(deadline, float):
            remaining = max(deadline - asyncio.get_running_loop().time(), 0.0)
        try:
            return await asyncio.wait_for(self.read_capped_body(request), remaining)
        except asyncio.TimeoutError:
            raise BodyTimeout() from None

    async def read_capped_body(self, request: Request) -> bytes:
        limit = self.config.max_body_bytes
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise BodyTooLarge("bad content-length")
            if int(declared) > limit:
                raise BodyTooLarge(declared)
        chunks = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(str(size))
            chunks.append(chunk)
        return b"".join(chunks)

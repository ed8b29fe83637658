"""The upstream API, called through a bare httpx transport with a bounded response size.

The transport, not an ``httpx.Client``: no cookie jar (a jar would be shared by every caller),
no redirects, no proxy settings from the environment, no default headers.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from .config import UPSTREAM_POOL_SIZE, UPSTREAM_TIMEOUT_SECONDS


class ResponseTooLarge(Exception):
    """The upstream body is above ``--max-response-bytes`` (→ 502)."""


@dataclass(frozen=True)
class UpstreamResponse:
    status: int
    headers: httpx.Headers
    content: bytes


class Upstream:
    """At most ``UPSTREAM_POOL_SIZE`` calls at once, each body read up to a limit."""

    def __init__(self, max_response_bytes: int) -> None:
        self.max_response_bytes = max_response_bytes
        self.timeout = httpx.Timeout(UPSTREAM_TIMEOUT_SECONDS, connect=10.0, pool=10.0)
        self.transport = httpx.AsyncHTTPTransport(
            retries=0,
            limits=httpx.Limits(
                max_connections=UPSTREAM_POOL_SIZE,
                max_keepalive_connections=UPSTREAM_POOL_SIZE,
            ),
        )
        # Requests wait here rather than in httpcore's pool, whose scheduling scans every
        # queued request against every connection: hundreds queued there cost more CPU than
        # the proxying.
        self.slots = asyncio.Semaphore(UPSTREAM_POOL_SIZE)

    async def call(
        self, method: str, url: str, headers: dict[str, str], body: bytes
    ) -> UpstreamResponse:
        """Status, headers and body (at most ``max_response_bytes``) of one upstream call.

        The body is read in chunks and counted as it arrives (after any content decoding, so
        a compressed bomb counts at its real size); past the limit the upstream connection is
        closed and ``ResponseTooLarge`` raised, so no more than the limit is ever held.
        """
        outgoing = httpx.Request(
            method,
            url,
            headers=headers,
            content=body,
            extensions={"timeout": self.timeout.as_dict()},
        )
        async with self.slots:
            response = await self.transport.handle_async_request(outgoing)
            try:
                content = await self._read_capped(response)
            finally:
                await response.aclose()
        return UpstreamResponse(response.status_code, response.headers, content)

    async def _read_capped(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_response_bytes:
            raise ResponseTooLarge(declared)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_response_bytes:
                raise ResponseTooLarge(f"more than {size}")
            chunks.append(chunk)
        return b"".join(chunks)

    async def aclose(self) -> None:
        await self.transport.aclose()

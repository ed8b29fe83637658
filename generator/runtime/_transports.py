"""The transports of the `httpx` clients a client makes itself: TLS set up when first needed.

`httpx.Client()` loads the certificate bundle for TLS as it is created, which costs 50-250 ms
(more than the rest of a first call), and a client that talks plain http (a local mock, a
test server on 127.0.0.1) never needs it. So the `httpx` clients that `SyncAPIClient` and
`AsyncAPIClient` make send through these transports: https requests through httpx's default
transport, made by the first https request; plain http requests through one made without
certificates, which plain http never uses.

Proxies set in the environment (`HTTPS_PROXY`, `ALL_PROXY`, ...) are left to httpx, which
routes through them only with its own transports: with any set, the clients are httpx's
defaults.
"""

from __future__ import annotations

import threading
from typing import Callable, Dict, Generic, List, TypeVar, Union

import httpx

from ._deadlines import bound_reads_by_attempt_deadlines, bound_transport_reads

__all__ = [
    "AsyncDeferredTLSTransport",
    "DeferredTLSTransport",
    "async_http_client",
    "sync_http_client",
]

T = TypeVar("T")


def _proxies_in_environment() -> bool:
    # Imported here: `urllib.request` takes tens of milliseconds to import, and httpx
    # imports it only when it looks for proxies itself.
    import urllib.request

    return bool(urllib.request.getproxies())


def sync_http_client(timeout: Union[float, httpx.Timeout]) -> httpx.Client:
    """The `httpx.Client` a `SyncAPIClient` makes when given none: redirects are not
    followed, every read and write is bounded by the attempt's deadline (`_deadlines`), TLS
    is set up by the first https request."""
    if _proxies_in_environment():
        client = httpx.Client(timeout=timeout, follow_redirects=False)
        bound_reads_by_attempt_deadlines(client)
        return client
    transport = DeferredTLSTransport(prepare=bound_transport_reads)
    return httpx.Client(timeout=timeout, follow_redirects=False, transport=transport)


def async_http_client(timeout: Union[float, httpx.Timeout]) -> httpx.AsyncClient:
    """The `httpx.AsyncClient` an `AsyncAPIClient` makes when given none: redirects are not
    followed, TLS is set up by the first https request."""
    if _proxies_in_environment():
        return httpx.AsyncClient(timeout=timeout, follow_redirects=False)
    transport = AsyncDeferredTLSTransport()
    return httpx.AsyncClient(
        timeout=timeout, follow_redirects=False, transport=transport
    )


class _Transports(Generic[T]):
    """The transport for https, made by the first https request, and the one for plain
    http, each made by `make(tls)` on first use."""

    def __init__(self, make: Callable[[bool], T]) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._made: Dict[bool, T] = {}

    def for_url(self, url: httpx.URL) -> T:
        tls = url.scheme == "https"
        with self._lock:
            found = self._made.get(tls)
            if found is None:
                found = self._made[tls] = self._make(tls)
            return found

    def made(self) -> List[T]:
        """The transports made so far (https first)."""
        with self._lock:
            return [self._made[tls] for tls in (True, False) if tls in self._made]

    def take_all(self) -> List[T]:
        """The transports made so far, forgotten here (for closing them)."""
        with self._lock:
            made, self._made = list(self._made.values()), {}
        return made


class DeferredTLSTransport(httpx.BaseTransport):
    """httpx's `HTTPTransport`, one for https made by the first https request, one for plain
    http that loads no certificates. `prepare` is called with each one as it is made."""

    def __init__(self, prepare: Callable[[httpx.HTTPTransport], None]) -> None:
        def make(tls: bool) -> httpx.HTTPTransport:
            transport = httpx.HTTPTransport(verify=tls)
            prepare(transport)
            return transport

        self._transports = _Transports(make)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._transports.for_url(request.url).handle_request(request)

    def made(self) -> List[httpx.HTTPTransport]:
        """The transports made so far (https first)."""
        return self._transports.made()

    def close(self) -> None:
        for transport in self._transports.take_all():
            transport.close()


class AsyncDeferredTLSTransport(httpx.AsyncBaseTransport):
    """The awaitable twin of `DeferredTLSTransport`, over httpx's `AsyncHTTPTransport`."""

    def __init__(self) -> None:
        self._transports = _Transports(lambda tls: httpx.AsyncHTTPTransport(verify=tls))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._transports.for_url(request.url)
        return await transport.handle_async_request(request)

    def made(self) -> List[httpx.AsyncHTTPTransport]:
        """The transports made so far (https first)."""
        return self._transports.made()

    async def aclose(self) -> None:
        for transport in self._transports.take_all():
            await transport.aclose()

"""Bounding a whole attempt, not only each read: its deadline and the time it has left.

An attempt's `timeout` runs from connecting to the last byte of the body. Every network
operation of an attempt gets at most the time left (`bounded_timeouts`); the synchronous
client made by `SyncAPIClient` also bounds every read and write of its connections by the
attempt's deadline (`bound_reads_by_attempt_deadlines`), so that a server dripping its
response headers a byte at a time cannot stretch an attempt.
"""

from __future__ import annotations

import contextvars
import time
from typing import TYPE_CHECKING, Any, Dict, Iterable, Optional, Type, Union

import httpcore  # httpx's transport library, installed with it
import httpx

from ._constants import PACKAGE_NAME

if TYPE_CHECKING:
    import ssl

__all__ = [
    "ATTEMPT_DEADLINE",
    "attempt_seconds",
    "bound_reads_by_attempt_deadlines",
    "bound_transport_reads",
    "bounded_timeouts",
]

ATTEMPT_DEADLINE: contextvars.ContextVar[Optional[float]] = contextvars.ContextVar(
    f"{PACKAGE_NAME}_attempt_deadline", default=None
)
"""When the attempt running in this thread must end (`time.monotonic()`), or None."""


def attempt_seconds(timeout: Union[float, httpx.Timeout, None]) -> Optional[float]:
    """How long a whole attempt may take: a number itself, the largest limit of an
    `httpx.Timeout`, or None (unbounded) when the timeout or one of its limits is None.
    """
    if timeout is None:
        return None
    if not isinstance(timeout, httpx.Timeout):
        return float(timeout)
    limits = [timeout.connect, timeout.read, timeout.write, timeout.pool]
    bounded = [limit for limit in limits if limit is not None]
    if len(bounded) < len(limits):
        return None
    return max(bounded)


def bounded_timeouts(
    timeout: Union[float, httpx.Timeout], left: float
) -> Dict[str, Optional[float]]:
    """The request's `timeout` extension: each limit shortened to the time `left`."""
    limits = httpx.Timeout(timeout)
    return httpx.Timeout(
        connect=_at_most(limits.connect, left),
        read=_at_most(limits.read, left),
        write=_at_most(limits.write, left),
        pool=_at_most(limits.pool, left),
    ).as_dict()


def _at_most(limit: Optional[float], left: float) -> float:
    """The limit of one network operation, shortened to the time the attempt has left."""
    return left if limit is None else min(limit, left)


# --- bounding every read and write of an attempt (synchronous client) ---------------------


def _time_left(timeout: Optional[float], error: Type[Exception]) -> Optional[float]:
    """`timeout` shortened to the current attempt's time left; raises `error` when none is."""
    deadline = ATTEMPT_DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the attempt ran out of time")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the current attempt's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: Optional[float] = None) -> bytes:
        return self._stream.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: Optional[float] = None) -> None:
        self._stream.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._stream.start_tls(
                ssl_context,
                server_hostname,
                _time_left(timeout, httpcore.ConnectTimeout),
            )
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Opens `_DeadlineStream` connections."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: Optional[float] = None,
        local_address: Optional[str] = None,
        socket_options: Optional[Iterable[Any]] = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._backend.connect_tcp(
                host,
                port,
                _time_left(timeout, httpcore.ConnectTimeout),
                local_address,
                socket_options,
            )
        )

    def connect_unix_socket(
        self,
        path: str,
        timeout: Optional[float] = None,
        socket_options: Optional[Iterable[Any]] = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._backend.connect_unix_socket(
                path, _time_left(timeout, httpcore.ConnectTimeout), socket_options
            )
        )

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def bound_reads_by_attempt_deadlines(http_client: httpx.Client) -> None:
    """Make every read and write of the client's connections end by the attempt's deadline
    (`bound_transport_reads` on each transport of an `httpx.Client` made by
    `SyncAPIClient`, never on one passed in)."""
    transports = [getattr(http_client, "_transport", None)]
    transports += list(getattr(http_client, "_mounts", {}).values())
    for transport in transports:
        if isinstance(transport, httpx.HTTPTransport):
            bound_transport_reads(transport)


def bound_transport_reads(transport: httpx.HTTPTransport) -> None:
    """Make every read and write of the transport's connections end by the attempt's deadline.

    A per-read timeout alone lets a server that sends its response headers a byte at a time
    hold an attempt for as long as it likes. httpx offers no public way to choose the network
    backend of its transports, so this reaches into the transport's connection pool; should a
    future httpx be built differently, it changes nothing, and attempts stay bounded by the
    per-operation timeouts and the deadline checks between chunks of the body.
    """
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.NetworkBackend) and not isinstance(
        backend, _DeadlineBackend
    ):
        setattr(pool, "_network_backend", _DeadlineBackend(backend))

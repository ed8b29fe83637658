"""The runtime under abuse: slow servers, huge bodies, echoed keys, odd Retry-After, 409s.

A hostile or broken server (or proxy) must not be able to hold a call longer than its
timeout, make the client buffer an unbounded body, get the API key into anything the client
shows, or turn the retries into a hammering loop. Slow and huge replies are written by
`RawServer`, a socket server on 127.0.0.1 that speaks just enough HTTP/1.1 to drip or stream
bytes; the rest uses the scripted server of `conftest`.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
import tracemalloc
from typing import Any, Callable, List

import httpx
import pytest

from .conftest import API_KEY, CARD_ID, Reply, ScriptedServer, card_json, error_json

MB = 1024 * 1024


# --- a raw server for replies the scripted one cannot write ------------------------------


class RawServer:
    """Accepts connections on 127.0.0.1; `reply(sock, stop)` writes each answer by hand."""

    def __init__(self, reply: Callable[[socket.socket, threading.Event], None]) -> None:
        self._reply = reply
        self.stop_event = threading.Event()
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._threads: List[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self._listener.getsockname()[1]

    def __enter__(self) -> RawServer:
        self._acceptor.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop_event.set()
        self._acceptor.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self.stop_event.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                continue
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        with sock:
            try:
                while not self.stop_event.is_set():
                    if not read_request(sock):
                        return
                    self._reply(sock, self.stop_event)
            except OSError:
                pass  # the client gave up: that is what these tests provoke


def read_request(sock: socket.socket) -> bool:
    """Read one request (headers and a Content-Length body); False when the peer closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        body += sock.recv(65536)
    return True


def head(status: int, *headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status} X", "Content-Type: application/json", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def drip_body(sock: socket.socket, stop: threading.Event) -> None:
    """A 200 of 1,000 bytes, one byte every 0.1 s: each read is quick, the whole is not."""
    sock.sendall(head(200, "Content-Length: 1000"))
    while not stop.wait(0.1):
        sock.sendall(b" ")


def drip_headers(sock: socket.socket, stop: threading.Event) -> None:
    """Response headers one byte every 0.1 s, without end."""
    sock.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    while not stop.wait(0.1):
        sock.sendall(b"a")


def chunked(status: int, size: int) -> Callable[[socket.socket, threading.Event], None]:
    """A reply of `size` bytes in 64 KiB chunks, without Content-Length."""

    def reply(sock: socket.socket, stop: threading.Event) -> None:
        sock.sendall(head(status, "Transfer-Encoding: chunked"))
        piece = b"x" * 65536
        sent = 0
        while sent < size and not stop.is_set():
            sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
            sent += len(piece)
        sock.sendall(b"0\r\n\r\n")

    return reply


def declared(
    status: int, length: int
) -> Callable[[socket.socket, threading.Event], None]:
    """Headers that announce `length` bytes, then a trickle of a few bytes."""

    def reply(sock: socket.socket, stop: threading.Event) -> None:
        sock.sendall(head(status, f"Content-Length: {length}"))
        while not stop.wait(0.05):
            sock.sendall(b"x")

    return reply


def create_source(client: Any, **arguments: Any) -> Any:
    arguments.setdefault("source", "tok_1")
    return client.customers.sources.create("cus_1", **arguments)


async def acreate_source(client: Any, **arguments: Any) -> Any:
    arguments.setdefault("source", "tok_1")
    return await client.customers.sources.create("cus_1", **arguments)


def make(sdk: Any, url: str, **options: Any) -> Any:
    options.setdefault("backoff", sdk.package.Backoff(0.001, 0.004, 0.05))
    return sdk.package.Client(api_key=API_KEY, base_url=url, **options)


@pytest.fixture
def sleeps(sdk: Any, monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """Record the client's waits instead of sleeping."""
    recorded: List[float] = []
    monkeypatch.setattr(sdk.sync_client.time, "sleep", recorded.append)
    return recorded


# --- 1. the timeout bounds each whole attempt, and the call ---------------------------------


def test_timeout_bounds_a_drip_fed_body(sdk: Any) -> None:
    with RawServer(drip_body) as raw, make(sdk, raw.url, timeout=0.5) as client:
        started = time.monotonic()
        with pytest.raises(sdk.errors.APITimeoutError) as caught:
            create_source(client)
        elapsed = time.monotonic() - started
    # 3 attempts of at most 0.5 s each and two waits of a few milliseconds
    assert elapsed < 3 * 0.5 + 0.6, elapsed
    assert raw.connections == 3
    assert "0.5" in str(caught.value)


def test_timeout_bounds_drip_fed_headers(sdk: Any) -> None:
    with RawServer(drip_headers) as raw:
        with make(sdk, raw.url, timeout=0.3, max_retries=0) as client:
            started = time.monotonic()
            with pytest.raises(sdk.errors.APITimeoutError):
                create_source(client)
            elapsed = time.monotonic() - started
    assert elapsed < 0.3 + 0.4, elapsed


def test_timeout_bounds_a_drip_fed_body_with_a_client_of_your_own(sdk: Any) -> None:
    with RawServer(drip_body) as raw, httpx.Client() as own:
        with make(sdk, raw.url, timeout=0.3, max_retries=0, http_client=own) as client:
            started = time.monotonic()
            with pytest.raises(sdk.errors.APITimeoutError):
                create_source(client)
            assert time.monotonic() - started < 0.3 + 0.4


def test_per_call_timeout_bounds_the_attempt_as_float_and_httpx_timeout(
    sdk: Any,
) -> None:
    with RawServer(drip_body) as raw, make(sdk, raw.url, max_retries=0) as client:
        for timeout in (0.3, httpx.Timeout(0.3)):
            started = time.monotonic()
            with pytest.raises(sdk.errors.APITimeoutError):
                create_source(client, timeout=timeout)
            assert time.monotonic() - started < 0.3 + 0.4


def test_max_total_time_bounds_the_call_across_retries(sdk: Any) -> None:
    with RawServer(drip_body) as raw:
        with make(
            sdk, raw.url, timeout=0.4, max_retries=10, max_total_time=1.0
        ) as client:
            started = time.monotonic()
            with pytest.raises(sdk.errors.APITimeoutError) as caught:
                create_source(client)
            elapsed = time.monotonic() - started
    assert elapsed < 1.0 + 0.4, elapsed
    assert 2 <= raw.connections <= 4
    assert "max_total_time" in str(caught.value)


def test_max_total_time_does_not_wait_past_the_deadline(
    sdk: Any, server: ScriptedServer
) -> None:
    server.script(
        *[Reply(503, error_json("api_error"), headers={"Retry-After": "5"})] * 3
    )
    backoff = sdk.package.Backoff(0.001, 0.004, max_retry_after=60)
    with make(sdk, server.url, backoff=backoff, max_total_time=0.5) as client:
        started = time.monotonic()
        with pytest.raises(sdk.errors.APIError):
            create_source(client)
        elapsed = time.monotonic() - started
    assert elapsed < 0.5
    assert server.attempts == 1  # a 5 s wait would end past the deadline: give up now


def test_max_total_time_is_checked(sdk: Any) -> None:
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            make(sdk, "http://127.0.0.1:1", max_total_time=bad)
    client = make(sdk, "http://127.0.0.1:1", max_total_time=30)
    assert client.max_total_time == 30
    client.close()


def test_async_timeout_bounds_a_drip_fed_body_and_headers(sdk: Any) -> None:
    async def call(url: str, **options: Any) -> float:
        async with sdk.package.AsyncClient(
            api_key=API_KEY, base_url=url, max_retries=0, **options
        ) as client:
            started = time.monotonic()
            with pytest.raises(sdk.errors.APITimeoutError):
                await acreate_source(client)
            return time.monotonic() - started

    for reply in (drip_body, drip_headers):
        with RawServer(reply) as raw:
            assert asyncio.run(call(raw.url, timeout=0.3)) < 0.3 + 0.4
            assert asyncio.run(call(raw.url, timeout=httpx.Timeout(0.3))) < 0.7
    with RawServer(drip_body) as raw:

        async def total() -> float:
            async with sdk.package.AsyncClient(
                api_key=API_KEY,
                base_url=raw.url,
                timeout=0.4,
                max_retries=10,
                max_total_time=0.9,
                backoff=sdk.package.Backoff(0.001, 0.004),
            ) as client:
                started = time.monotonic()
                with pytest.raises(sdk.errors.APITimeoutError):
                    await acreate_source(client)
                return time.monotonic() - started

        assert asyncio.run(total()) < 0.9 + 0.4


# --- 2. responses above the size limit are refused without buffering them ------------------


def peak_memory(call: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("status", [200, 500])
def test_huge_body_is_refused_while_streaming(sdk: Any, status: int) -> None:
    with RawServer(chunked(status, 8 * MB)) as raw:
        with make(sdk, raw.url, max_response_size=1 * MB) as client:
            caught: List[Any] = []

            def call() -> None:
                with pytest.raises(sdk.errors.ResponseTooLargeError) as raised:
                    create_source(client)
                caught.append(raised.value)

            peak = peak_memory(call)
    error = caught[0]
    assert isinstance(error, sdk.errors.APIError)
    assert error.http_status == status
    assert raw.connections == 1  # too large is final: never fetched again
    assert peak < 3 * MB, peak
    assert "1048576" in str(error) and "max_response_size" in str(error)


def test_declared_content_length_is_refused_up_front(sdk: Any) -> None:
    with RawServer(declared(200, 1024 * MB)) as raw:
        with make(sdk, raw.url, max_response_size=1 * MB, timeout=5) as client:
            started = time.monotonic()
            with pytest.raises(sdk.errors.ResponseTooLargeError) as caught:
                create_source(client)
            assert time.monotonic() - started < 1
    assert "1073741824" in str(caught.value)


def test_response_under_the_limit_parses(sdk: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, card_json()))
    with make(sdk, server.url, max_response_size=64 * 1024) as client:
        assert create_source(client).id == CARD_ID
    assert client.max_response_size == 64 * 1024


def test_binary_responses_have_their_own_limit(ops: Any) -> None:
    with RawServer(chunked(200, 3 * MB)) as raw:
        with make(ops, raw.url, max_response_size=1 * MB) as client:
            assert len(client.quotes.pdf("qt_1")) >= 3 * MB
        with make(
            ops, raw.url, max_response_size=1 * MB, max_binary_response_size=2 * MB
        ) as client:
            with pytest.raises(ops.errors.ResponseTooLargeError) as caught:
                client.quotes.pdf("qt_1")
    assert "max_binary_response_size" in str(caught.value)


def test_async_huge_body_is_refused(sdk: Any) -> None:
    async def call(url: str) -> Any:
        async with sdk.package.AsyncClient(
            api_key=API_KEY, base_url=url, max_response_size=1 * MB
        ) as client:
            with pytest.raises(sdk.errors.ResponseTooLargeError) as caught:
                await acreate_source(client)
            return caught.value

    for status in (200, 500):
        with RawServer(chunked(status, 8 * MB)) as raw:
            peak = peak_memory(lambda: asyncio.run(call(raw.url)))
            assert peak < 3 * MB, peak
            assert raw.connections == 1


def test_size_limits_are_checked(sdk: Any) -> None:
    for option in ("max_response_size", "max_binary_response_size"):
        with pytest.raises(ValueError):
            make(sdk, "http://127.0.0.1:1", **{option: 0})


# --- 3. the API key is redacted from headers echoed back --------------------------------------


def test_key_echoed_in_response_headers_is_redacted(
    sdk: Any, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx's and httpcore's
    echo = {"X-Echo": f"Bearer {API_KEY}", "Request-Id": API_KEY}
    server.script(
        Reply(402, error_json("card_error", "Declined"), headers=echo),
        Reply(200, card_json(), headers=echo),
    )
    with make(sdk, server.url) as client:
        with pytest.raises(sdk.errors.CardError) as caught:
            create_source(client)
        card = create_source(client)
    error = caught.value
    texts = [str(error), repr(error), repr(error.headers), str(error.request_id)]
    texts += [repr(card.last_response), repr(dict(card.last_response.headers))]
    texts += [record.getMessage() for record in caplog.records]
    for text in texts:
        assert API_KEY not in text, text
        assert API_KEY[-12:] not in text, text
    assert error.headers["x-echo"] == "Bearer <redacted API key>"
    assert card.last_response.headers["x-echo"] == "Bearer <redacted API key>"
    assert "req_test1" in error.request_id  # the server's own Request-Id is kept


# --- 4. Retry-After is clamped ------------------------------------------------------------


@pytest.mark.parametrize("value", ["-5", "0", "nan", "-inf", "soon"])
def test_odd_retry_after_still_backs_off(
    sdk: Any, server: ScriptedServer, sleeps: List[float], value: str
) -> None:
    server.script(
        *[Reply(429, error_json(), headers={"Retry-After": value})] * 2,
        Reply(200, card_json()),
    )
    with make(sdk, server.url, backoff=sdk.package.Backoff(0.1, 0.4)) as client:
        create_source(client)
    assert server.attempts == 3
    assert 0.05 <= sleeps[0] <= 0.1 and 0.1 <= sleeps[1] <= 0.2, sleeps


@pytest.mark.parametrize("value", ["1e308", "99999999999999999999999", "inf"])
def test_huge_retry_after_is_capped(
    sdk: Any, server: ScriptedServer, sleeps: List[float], value: str
) -> None:
    server.script(
        Reply(503, error_json("api_error"), headers={"Retry-After": value}),
        Reply(200, card_json()),
    )
    with make(sdk, server.url, backoff=sdk.package.Backoff(0.1, 0.4, 2.0)) as client:
        create_source(client)
    assert len(sleeps) == 1 and 0.05 <= sleeps[0] <= 2.0, sleeps


def test_retry_after_never_shortens_the_backoff(sdk: Any) -> None:
    backoff = sdk.package.Backoff(1.0, 8.0, 60.0)
    for _ in range(20):
        assert 0.5 <= backoff.delay(1, retry_after=0.001) <= 1.0
        assert backoff.delay(1, retry_after=3.0) == 3.0
        assert backoff.delay(1, retry_after=1e9) == 60.0


def test_backoff_of_a_huge_retry_number_does_not_overflow(sdk: Any) -> None:
    backoff = sdk.package.Backoff(0.5, 8.0)
    assert 4.0 <= backoff.delay(5000) <= 8.0


# --- 5. a 409 idempotency error is final ------------------------------------------------------


def test_409_idempotency_error_is_not_retried(
    sdk: Any, server: ScriptedServer, sleeps: List[float]
) -> None:
    server.script(*[Reply(409, error_json("idempotency_error", "Key in use"))] * 3)
    with make(sdk, server.url) as client:
        with pytest.raises(sdk.errors.IdempotencyError):
            create_source(client)
    assert server.attempts == 1 and sleeps == []


def test_409_idempotency_error_retried_when_stripe_says_so(
    sdk: Any, server: ScriptedServer, sleeps: List[float]
) -> None:
    server.script(
        Reply(
            409,
            error_json("idempotency_error", "Key in use"),
            headers={"Stripe-Should-Retry": "true"},
        ),
        Reply(200, card_json()),
    )
    with make(sdk, server.url) as client:
        assert create_source(client).id == CARD_ID
    assert server.attempts == 2


def test_other_409_is_still_retried(
    sdk: Any, server: ScriptedServer, sleeps: List[float]
) -> None:
    server.script(
        Reply(409, error_json(message="Conflict", code="lock_timeout")),
        Reply(200, card_json()),
    )
    with make(sdk, server.url) as client:
        assert create_source(client).id == CARD_ID
    assert server.attempts == 2

"""`_transports`: the client's own `httpx` client sets TLS up only for its first https request.

Loading the certificate bundle is most of what `httpx.Client()` costs; a client that talks
plain http (this suite's servers on 127.0.0.1) must not pay it, and one that talks https must
verify exactly as httpx does by default.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from typing import Any

import httpx
import pytest

from .conftest import API_KEY, Reply, ScriptedServer, card_json


def _transport(client: Any) -> Any:
    return client._http_client._transport


def _context(transport: Any) -> ssl.SSLContext:
    context: ssl.SSLContext = transport._pool._ssl_context
    return context


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_plain_http_calls_set_up_no_tls(
    sdk: Any, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    server.script(Reply(200, card_json()))
    with sdk.package.Client(api_key=API_KEY, base_url=server.url) as client:
        transport = _transport(client)
        assert isinstance(transport, sdk.package._transports.DeferredTLSTransport)
        assert transport.made() == []  # nothing made before the first request
        client.customers.sources.create("cus_1", source="tok_1")
        (plain,) = transport.made()
        # the plain-http transport never does TLS, so it loaded no certificates
        assert _context(plain).verify_mode == ssl.CERT_NONE


def test_the_first_https_request_makes_a_verifying_transport(sdk: Any) -> None:
    url = f"https://127.0.0.1:{_closed_port()}"
    with sdk.package.Client(api_key=API_KEY, base_url=url, max_retries=0) as client:
        with pytest.raises(sdk.errors.APIConnectionError):
            client.customers.sources.create("cus_1", source="tok_1")
        (tls,) = _transport(client).made()
    context = _context(tls)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_async_clients_defer_tls_too(sdk: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, card_json()))

    async def call() -> Any:
        async with sdk.package.AsyncClient(
            api_key=API_KEY, base_url=server.url
        ) as client:
            transport = _transport(client)
            await client.customers.sources.create("cus_1", source="tok_1")
            return transport.made()

    (plain,) = asyncio.run(call())
    assert isinstance(plain, httpx.AsyncHTTPTransport)
    assert _context(plain).verify_mode == ssl.CERT_NONE


def test_with_a_proxy_in_the_environment_httpx_decides(
    sdk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """httpx routes through environment proxies only with its own transports."""
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    with sdk.package.Client(api_key=API_KEY) as client:
        assert isinstance(_transport(client), httpx.HTTPTransport)
        mounts = client._http_client._mounts
        assert any(isinstance(t, httpx.HTTPTransport) for t in mounts.values())

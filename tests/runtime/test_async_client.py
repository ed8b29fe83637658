"""The asyncio client over real sockets: the same behaviour as the synchronous one.

Every call goes through the real generated awaitable methods (`AsyncClient`).
"""

from __future__ import annotations

import asyncio
import types
import uuid
from typing import Any, Awaitable, Callable, TypeVar

import httpx
import pytest

from .conftest import (
    API_KEY,
    CARD_ID,
    PACKAGE,
    Reply,
    ScriptedServer,
    card_json,
    error_json,
    list_json,
    resource,
)

T = TypeVar("T")


def run(make: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(make())  # type: ignore[arg-type]


def make_client(
    package: types.SimpleNamespace, server: ScriptedServer, **options: Any
) -> Any:
    options.setdefault("backoff", package.package.Backoff(initial=0.001, maximum=0.004))
    return package.package.AsyncClient(api_key=API_KEY, base_url=server.url, **options)


async def create_source(client: Any, **arguments: Any) -> Any:
    arguments.setdefault("source", "tok_1")
    return await client.customers.sources.create("cus_1", **arguments)


def test_happy_path_and_headers(sdk: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, card_json()))

    async def call() -> Any:
        async with make_client(sdk, server, stripe_account="acct_1") as client:
            return await client.customers.sources.create(
                "cus_123",
                card={"number": "4242", "exp_month": 1, "exp_year": 2030},
                expand=["customer"],
            )

    card = run(call)
    assert isinstance(card, sdk.models.Card)
    assert card.id == CARD_ID
    assert card.last_response.request_id == "req_test1"
    (request,) = server.requests
    assert request.path == "/v1/customers/cus_123/sources"
    assert (
        request.body
        == b"card[exp_month]=1&card[exp_year]=2030&card[number]=4242&expand[0]=customer"
    )
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["stripe-version"] == "2023-08-16"
    assert request.headers["stripe-account"] == "acct_1"
    assert request.headers["user-agent"].startswith(
        f"{PACKAGE}/0.1.0 (codegen; python "
    )
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert uuid.UUID(request.headers["idempotency-key"]).version == 4


def test_500_then_200_keeps_the_idempotency_key(
    sdk: Any, server: ScriptedServer
) -> None:
    server.script(Reply(500, error_json("api_error")), Reply(200, card_json()))

    async def call() -> Any:
        async with make_client(sdk, server) as client:
            return await create_source(client, idempotency_key="k-1")

    assert run(call).id == CARD_ID
    assert [r.headers["idempotency-key"] for r in server.requests] == ["k-1", "k-1"]


def test_should_retry_false(sdk: Any, server: ScriptedServer) -> None:
    server.script(
        Reply(503, error_json("api_error"), headers={"Stripe-Should-Retry": "false"})
    )

    async def call() -> Any:
        async with make_client(sdk, server) as client:
            return await create_source(client)

    with pytest.raises(sdk.errors.APIError):
        run(call)
    assert server.attempts == 1


def test_retry_after_is_honoured(sdk: Any, server: ScriptedServer) -> None:
    server.script(
        Reply(429, error_json(), headers={"Retry-After": "0.15"}),
        Reply(200, card_json()),
    )

    async def call() -> float:
        async with make_client(sdk, server) as client:
            started = asyncio.get_running_loop().time()
            await create_source(client)
            return asyncio.get_running_loop().time() - started

    assert run(call) >= 0.15
    assert server.attempts == 2


def test_dropped_connection(sdk: Any, server: ScriptedServer) -> None:
    server.script(*[Reply(drop=True)] * 3)

    async def call() -> Any:
        async with make_client(sdk, server) as client:
            return await create_source(client)

    with pytest.raises(sdk.errors.APIConnectionError) as caught:
        run(call)
    assert type(caught.value) is sdk.errors.APIConnectionError
    assert server.attempts == 3


def test_timeout(sdk: Any, server: ScriptedServer) -> None:
    server.script(*[Reply(200, card_json(), delay=5)] * 2)

    async def call() -> Any:
        async with make_client(sdk, server, timeout=0.2, max_retries=1) as client:
            return await create_source(client)

    with pytest.raises(sdk.errors.APITimeoutError):
        run(call)
    assert server.attempts == 2


def test_html_error_page(sdk: Any, server: ScriptedServer) -> None:
    server.script(*[Reply(502, "<html>Bad gateway</html>")] * 2)

    async def call() -> Any:
        async with make_client(sdk, server, max_retries=1) as client:
            return await create_source(client)

    with pytest.raises(sdk.errors.APIError) as caught:
        run(call)
    assert (caught.value.http_status, caught.value.body) == (
        502,
        "<html>Bad gateway</html>",
    )
    assert server.attempts == 2


def test_card_error(sdk: Any, server: ScriptedServer) -> None:
    server.script(
        Reply(402, error_json("card_error", "Declined", code="card_declined"))
    )

    async def call() -> Any:
        async with make_client(sdk, server) as client:
            return await create_source(client)

    with pytest.raises(sdk.errors.CardError) as caught:
        run(call)
    assert caught.value.error.code == "card_declined"
    assert server.attempts == 1


def test_binary_response(ops: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, b"%PDF-1.7 \x00"))

    async def call() -> bytes:
        async with make_client(ops, server) as client:
            result: bytes = await client.quotes.pdf("qt_1")
            return result

    assert run(call) == b"%PDF-1.7 \x00"
    assert server.requests[0].path == "/v1/quotes/qt_1/pdf"


def test_list_iterator(ops: Any, server: ScriptedServer) -> None:
    first, second = resource("customer", id="cus_A"), resource("customer", id="cus_B")
    server.script(
        Reply(200, list_json("/v1/customers", first, has_more=True)),
        Reply(200, list_json("/v1/customers", second)),
    )

    async def call() -> Any:
        async with make_client(ops, server) as client:
            return [c.id async for c in client.customers.list(limit=1)]

    assert run(call) == ["cus_A", "cus_B"]
    assert server.requests[1].path == "/v1/customers?limit=1&starting_after=cus_A"


def test_list_pages_awaited_one_by_one(ops: Any, server: ScriptedServer) -> None:
    first, second = resource("customer", id="cus_A"), resource("customer", id="cus_B")
    server.script(
        Reply(200, list_json("/v1/customers", first, has_more=True)),
        Reply(200, list_json("/v1/customers", second)),
    )

    async def call() -> Any:
        async with make_client(ops, server) as client:
            paginator = client.customers.list(limit=1)
            assert server.attempts == 0  # nothing is sent before it is awaited
            page = await paginator
            assert isinstance(page.data[0], ops.models.Customer)
            seen = [([c.id for c in page.data], page.has_more, server.attempts)]
            following = await page.next_page()
            assert following is not None
            seen.append(
                ([c.id for c in following.data], following.has_more, server.attempts)
            )
            assert following.last_response.request_id == "req_test2"
            assert await following.next_page() is None  # has_more is false
            assert server.attempts == 2  # and no request was made for it
            return seen

    assert run(call) == [(["cus_A"], True, 1), (["cus_B"], False, 2)]
    assert [r.path for r in server.requests] == [
        "/v1/customers?limit=1",
        "/v1/customers?limit=1&starting_after=cus_A",
    ]


def test_multipart_upload(ops: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, resource("file")))

    async def call() -> Any:
        async with make_client(ops, server) as client:
            return await client.files.create(file=b"%PNG", purpose="dispute_evidence")

    assert isinstance(run(call), ops.models.File)
    (request,) = server.requests
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'filename="upload"\r\n' in request.body and b"%PNG" in request.body
    assert "idempotency-key" in request.headers


def test_injected_http_client_is_left_open(sdk: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, card_json()))

    async def call() -> bool:
        async with httpx.AsyncClient() as http_client:
            async with make_client(sdk, server, http_client=http_client) as client:
                await create_source(client)
            return http_client.is_closed

    assert run(call) is False


def test_own_http_client_is_closed(sdk: Any) -> None:
    async def call() -> bool:
        client = sdk.package.AsyncClient(api_key=API_KEY)
        await client.aclose()
        closed: bool = client._http_client.is_closed
        return closed

    assert run(call) is True

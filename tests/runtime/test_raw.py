"""`client.with_raw_response` and binary results (`_raw.py`, `_responses.py`), over sockets.

Every call goes through the real generated methods and their generated `...WithRawResponse`
views: `customers.sources.create` of the committed package (`sdk`), and the list, the
retrieve and the binary PDF of the package generated with more operations (`ops`). The
types are checked too: a small user module using the raw views goes through
`mypy --strict` against both packages.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterator, List, TypeVar

import pytest

from .conftest import (
    API_KEY,
    CARD_ID,
    OPS_PACKAGE,
    PACKAGE,
    Reply,
    ScriptedServer,
    card_json,
    error_json,
    list_json,
    resource,
)

T = TypeVar("T")
PDF = b"%PDF-1.4\n\x00\xff\xfe binary \r\n"
REDACTED = "<redacted API key>"


def run(make: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(make())  # type: ignore[arg-type]


def responses(package: types.SimpleNamespace) -> Any:
    """The `_responses` module of a vendored copy (APIResponse, BinaryContent)."""
    return importlib.import_module(f"{package.package.__name__}._responses")


@pytest.fixture
def client(sdk: types.SimpleNamespace, server: ScriptedServer) -> Iterator[Any]:
    backoff = sdk.package.Backoff(initial=0.001, maximum=0.004)
    with sdk.package.Client(
        api_key=API_KEY, base_url=server.url, backoff=backoff
    ) as made:
        yield made


@pytest.fixture
def ops_client(ops: types.SimpleNamespace, server: ScriptedServer) -> Iterator[Any]:
    backoff = ops.package.Backoff(initial=0.001, maximum=0.004)
    with ops.package.Client(
        api_key=API_KEY, base_url=server.url, backoff=backoff
    ) as made:
        yield made


def make_async(package: types.SimpleNamespace, server: ScriptedServer) -> Any:
    backoff = package.package.Backoff(initial=0.001, maximum=0.004)
    return package.package.AsyncClient(
        api_key=API_KEY, base_url=server.url, backoff=backoff
    )


def raw_create(client: Any, **arguments: Any) -> Any:
    arguments.setdefault("source", "tok_1")
    return client.with_raw_response.customers.sources.create("cus_1", **arguments)


def body_bytes(data: Dict[str, Any]) -> bytes:
    """A JSON body with a layout of its own (spaces, key order), to compare exactly."""
    return json.dumps(data, indent=1, sort_keys=True).encode() + b"\n"


# --- a single object --------------------------------------------------------------------


def test_raw_create_returns_the_response(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    body = body_bytes(card_json())
    server.script(Reply(200, body, headers={"X-Custom": "yes"}))
    raw = raw_create(
        client, card={"number": "4242424242424242", "exp_month": 1, "exp_year": 2030}
    )
    assert type(raw) is responses(sdk).APIResponse
    assert raw.status_code == 200
    assert raw.request_id == "req_test1"
    assert raw.headers["request-id"] == "req_test1"
    assert raw.headers["X-CUSTOM"] == raw.headers["x-custom"] == "yes"
    assert raw.headers["Content-Type"] == "application/json"
    assert raw.content == body and type(raw.content) is bytes
    assert raw.text == body.decode()
    assert raw.json() == json.loads(body)
    assert raw.json()["id"] == CARD_ID
    # the request went out as the normal call's would
    (request,) = server.requests
    assert request.method == "POST"
    assert request.path == "/v1/customers/cus_1/sources"
    assert b"card[number]=4242424242424242" in request.body
    assert request.headers["authorization"] == f"Bearer {API_KEY}"


def test_parse_gives_what_the_normal_call_returns(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    server.script(Reply(200, card_json()), Reply(200, card_json()))
    raw = raw_create(client)
    normal = client.customers.sources.create("cus_1", source="tok_1")
    parsed = raw.parse()
    assert type(parsed) is type(normal) is sdk.models.Card
    assert parsed.model_dump() == normal.model_dump()
    assert parsed.model_extra == {"field_from_a_newer_api_version": {"nested": True}}
    assert parsed.last_response.status_code == 200
    assert parsed.last_response.request_id == "req_test1"
    assert normal.last_response.request_id == "req_test2"
    assert parsed.last_response.headers["content-type"] == "application/json"
    assert server.attempts == 2  # parse() sends nothing


def test_repr_is_short_and_shows_no_body(client: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, card_json()))
    raw = raw_create(client)
    text = repr(raw)
    assert text == (
        f"APIResponse(status_code=200, request_id='req_test1', {len(raw.content)} bytes)"
    )
    assert CARD_ID not in text and len(text) < 100


def test_echoed_api_key_is_redacted_from_the_headers(
    client: Any, server: ScriptedServer
) -> None:
    server.script(Reply(200, card_json(), headers={"X-Echo": f"Bearer {API_KEY}"}))
    raw = raw_create(client)
    assert raw.headers["x-echo"] == f"Bearer {REDACTED}"
    assert all(API_KEY not in value for value in raw.headers.values())
    assert raw.parse().last_response.headers["x-echo"] == f"Bearer {REDACTED}"


def test_per_call_api_key_echoed_is_redacted(
    client: Any, server: ScriptedServer
) -> None:
    other = "sk_test_PerCallKeyForTheRawResponseTest0xBEEF"
    server.script(Reply(200, card_json(), headers={"X-Echo": other}))
    raw = raw_create(client, api_key=other)
    assert server.requests[0].headers["authorization"] == f"Bearer {other}"
    assert raw.headers["x-echo"] == REDACTED


def test_a_4xx_raises_the_usual_exception(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    server.script(
        Reply(402, error_json("card_error", "Declined", code="card_declined"))
    )
    with pytest.raises(sdk.errors.CardError) as caught:
        raw_create(client)
    assert caught.value.http_status == 402
    assert caught.value.code == "card_declined"
    assert caught.value.request_id == "req_test1"
    assert server.attempts == 1  # a 402 is not retried


def test_retries_happen_under_raw(client: Any, server: ScriptedServer) -> None:
    server.script(Reply(500, error_json("api_error")), Reply(200, card_json()))
    raw = raw_create(client)
    assert raw.status_code == 200
    assert raw.request_id == "req_test2"  # the response of the second attempt
    assert server.attempts == 2
    first, second = server.requests
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert raw.parse().last_response.request_id == "req_test2"


def test_retries_exhausted_under_raw_raise(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    server.script(*[Reply(503, error_json("api_error"))] * 3)
    with pytest.raises(sdk.errors.APIError) as caught:
        raw_create(client)
    assert caught.value.http_status == 503
    assert server.attempts == 3


def test_the_raw_flag_does_not_leak(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    server.script(
        Reply(200, card_json()),
        Reply(200, card_json()),
        Reply(402, error_json("card_error", "Declined")),
        Reply(200, card_json()),
    )
    assert type(raw_create(client)) is responses(sdk).APIResponse
    after_raw = client.customers.sources.create("cus_1", source="tok_1")
    assert isinstance(after_raw, sdk.models.Card)
    with pytest.raises(sdk.errors.CardError):
        raw_create(client)
    after_error = client.customers.sources.create("cus_1", source="tok_1")
    assert isinstance(after_error, sdk.models.Card)


def test_params_error_under_raw_does_not_leak(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    with pytest.raises(sdk.errors.InvalidParamsError):
        raw_create(client, card={"number": "4242", "cvv": "123"})
    assert server.attempts == 0
    server.script(Reply(200, card_json()))
    assert isinstance(
        client.customers.sources.create("cus_1", source="tok_1"), sdk.models.Card
    )


def test_views_are_cached_and_wrap_the_clients_resources(client: Any) -> None:
    raw = client.with_raw_response
    assert raw is client.with_raw_response
    assert raw.customers is client.with_raw_response.customers
    assert raw.customers.sources is client.with_raw_response.customers.sources
    assert raw.customers.sources.create is raw.customers.sources.create
    # the wrapped method keeps the name and docstring of the method it wraps
    method = client.customers.sources.create
    assert raw.customers.sources.create.__name__ == "create"
    assert raw.customers.sources.create.__doc__ == method.__doc__


def test_each_client_has_its_own_views(
    sdk: Any, server: ScriptedServer, client: Any
) -> None:
    with sdk.package.Client(api_key=API_KEY, base_url=server.url) as other:
        assert other.with_raw_response is not client.with_raw_response
        server.script(Reply(200, card_json()))
        raw_create(other)
    assert server.attempts == 1


def test_a_body_that_is_not_json_fails_on_parse_only(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    server.script(Reply(200, b"<html>not json</html>"))
    raw = raw_create(client)
    assert raw.content == b"<html>not json</html>"
    assert raw.text == "<html>not json</html>"
    with pytest.raises(ValueError):
        raw.json()
    with pytest.raises(sdk.errors.APIResponseValidationError) as caught:
        raw.parse()
    assert caught.value.http_status == 200
    assert caught.value.request_id == "req_test1"


def test_strict_validation_applies_on_parse(sdk: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, card_json(exp_year="not a year")))
    with sdk.package.Client(
        api_key=API_KEY, base_url=server.url, strict_response_validation=True
    ) as client:
        raw = raw_create(client)
    assert raw.json()["exp_year"] == "not a year"
    with pytest.raises(sdk.errors.APIResponseValidationError) as caught:
        raw.parse()
    assert "exp_year" in str(caught.value)
    assert caught.value.parsed.id == CARD_ID


def test_limits_hold_under_raw(sdk: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, card_json()))
    with sdk.package.Client(
        api_key=API_KEY, base_url=server.url, max_response_size=64, max_retries=0
    ) as client:
        with pytest.raises(sdk.errors.ResponseTooLargeError):
            raw_create(client)


def test_raw_response_types_are_exported(sdk: Any, ops: Any) -> None:
    # With the types at the package's top level, user code can annotate raw results
    # without importing the private `_base_client`.
    for package in (sdk.package, ops.package):
        assert (
            package.APIResponse
            is responses(sdk if package is sdk.package else ops).APIResponse
        )
        assert "APIResponse" in package.__all__
        assert "BinaryContent" in package.__all__


# --- async ------------------------------------------------------------------------------


def test_async_raw_create(sdk: Any, server: ScriptedServer) -> None:
    body = body_bytes(card_json())
    server.script(Reply(500, error_json("api_error")), Reply(200, body))

    async def call() -> Any:
        async with make_async(sdk, server) as client:
            raw = await client.with_raw_response.customers.sources.create(
                "cus_1", source="tok_1"
            )
            normal_after = await client.customers.sources.create(
                "cus_1", source="tok_1"
            )
            return raw, normal_after

    server.script(Reply(200, card_json()))
    raw, normal_after = run(call)
    assert type(raw) is responses(sdk).APIResponse
    assert (raw.status_code, raw.request_id, raw.content) == (200, "req_test2", body)
    assert raw.headers["Request-Id"] == "req_test2"
    card = raw.parse()
    assert isinstance(card, sdk.models.Card) and card.id == CARD_ID
    assert card.last_response.request_id == "req_test2"
    assert isinstance(normal_after, sdk.models.Card)
    assert server.attempts == 3


def test_async_raw_error_raises_and_does_not_leak(
    sdk: Any, server: ScriptedServer
) -> None:
    server.script(
        Reply(402, error_json("card_error", "Declined")), Reply(200, card_json())
    )

    async def call() -> Any:
        async with make_async(sdk, server) as client:
            with pytest.raises(sdk.errors.CardError):
                await client.with_raw_response.customers.sources.create(
                    "cus_1", source="tok_1"
                )
            return await client.customers.sources.create("cus_1", source="tok_1")

    assert isinstance(run(call), sdk.models.Card)


def test_async_raw_and_normal_calls_side_by_side(
    sdk: Any, server: ScriptedServer
) -> None:
    server.script(*[Reply(200, card_json(), delay=0.05)] * 4)

    async def call() -> List[Any]:
        async with make_async(sdk, server) as client:
            raw = client.with_raw_response.customers.sources
            normal = client.customers.sources
            return list(
                await asyncio.gather(
                    raw.create("cus_1", source="tok_1"),
                    normal.create("cus_1", source="tok_1"),
                    raw.create("cus_1", source="tok_1"),
                    normal.create("cus_1", source="tok_1"),
                )
            )

    results = run(call)
    kinds = [type(result) for result in results]
    api_response = responses(sdk).APIResponse
    assert kinds == [api_response, sdk.models.Card] * 2


def test_async_views_are_cached(sdk: Any, server: ScriptedServer) -> None:
    async def call() -> None:
        async with make_async(sdk, server) as client:
            raw = client.with_raw_response
            assert raw is client.with_raw_response
            assert raw.customers is raw.customers
            assert raw.customers.sources is client.with_raw_response.customers.sources

    run(call)


# --- lists ------------------------------------------------------------------------------


def two_pages(server: ScriptedServer) -> List[str]:
    ids = ["cus_A", "cus_B", "cus_C"]
    customers = [resource("customer", id=i) for i in ids]
    server.script(
        Reply(200, list_json("/v1/customers", *customers[:2], has_more=True)),
        Reply(200, list_json("/v1/customers", customers[2])),
    )
    return ids


def test_raw_list_parses_into_a_page_that_pages_on(
    ops_client: Any, server: ScriptedServer, ops: Any
) -> None:
    ids = two_pages(server)
    raw = ops_client.with_raw_response.customers.list(limit=2)
    assert type(raw) is responses(ops).APIResponse
    assert raw.request_id == "req_test1"
    assert [c["id"] for c in raw.json()["data"]] == ids[:2]
    assert server.attempts == 1
    page = raw.parse()
    assert isinstance(page, ops.package.SyncPage)
    assert [c.id for c in page.data] == ids[:2]
    assert all(isinstance(c, ops.models.Customer) for c in page.data)
    assert page.has_more is True
    assert page.last_response.request_id == "req_test1"
    following = page.next_page()
    assert isinstance(following, ops.package.SyncPage)  # not an APIResponse
    assert [c.id for c in following.data] == ids[2:]
    assert following.last_response.request_id == "req_test2"
    assert [r.path for r in server.requests] == [
        "/v1/customers?limit=2",
        "/v1/customers?limit=2&starting_after=cus_B",
    ]


def test_raw_list_page_iterates_every_item(
    ops_client: Any, server: ScriptedServer, ops: Any
) -> None:
    ids = two_pages(server)
    page = ops_client.with_raw_response.customers.list(limit=2).parse()
    assert [c.id for c in page] == ids
    assert server.attempts == 2
    # and a normal list after it gives a page
    server.script(Reply(200, list_json("/v1/customers")))
    assert isinstance(ops_client.customers.list(), ops.package.SyncPage)


def test_raw_list_error_raises(
    ops_client: Any, server: ScriptedServer, ops: Any
) -> None:
    server.script(Reply(400, error_json(message="bad limit", param="limit")))
    with pytest.raises(ops.errors.InvalidRequestError) as caught:
        ops_client.with_raw_response.customers.list(limit=2)
    assert caught.value.http_status == 400
    assert caught.value.error.param == "limit"


def test_async_raw_list_parses_into_an_async_page(
    ops: Any, server: ScriptedServer
) -> None:
    ids = two_pages(server)

    async def call() -> Any:
        async with make_async(ops, server) as client:
            raw = await client.with_raw_response.customers.list(limit=2)
            page = raw.parse()
            following = await page.next_page()
            return raw, page, following

    raw, page, following = run(call)
    assert type(raw) is responses(ops).APIResponse
    assert raw.request_id == "req_test1"
    assert isinstance(page, ops.package.AsyncPage)
    assert [c.id for c in page.data] == ids[:2]
    assert isinstance(following, ops.package.AsyncPage)
    assert [c.id for c in following.data] == ids[2:]
    assert server.requests[1].path == "/v1/customers?limit=2&starting_after=cus_B"


def test_raw_retrieve_of_the_ops_package(
    ops_client: Any, server: ScriptedServer, ops: Any
) -> None:
    server.script(Reply(200, card_json()))
    raw = ops_client.with_raw_response.customers.sources.retrieve("cus_1", CARD_ID)
    assert raw.status_code == 200
    assert isinstance(raw.parse(), ops.models.Card)
    assert server.requests[0].method == "GET"


# --- binary results ---------------------------------------------------------------------


def test_pdf_is_binary_content_with_last_response(
    ops_client: Any, server: ScriptedServer, ops: Any
) -> None:
    server.script(Reply(200, PDF, headers={"Content-Type": "application/pdf"}))
    pdf = ops_client.quotes.pdf("qt_1")
    assert type(pdf) is responses(ops).BinaryContent
    assert issubclass(type(pdf), bytes)
    assert pdf == PDF and bytes(pdf) == PDF and len(pdf) == len(PDF)
    assert pdf.last_response is not None
    assert pdf.last_response.request_id == "req_test1"
    assert pdf.last_response.status_code == 200
    # (the scripted server sends its JSON Content-Type first, then the reply's)
    assert "application/pdf" in pdf.last_response.headers["content-type"]
    assert server.requests[0].path == "/v1/quotes/qt_1/pdf"


def test_raw_pdf_gives_the_bytes(
    ops_client: Any, server: ScriptedServer, ops: Any
) -> None:
    server.script(Reply(200, PDF, headers={"Content-Type": "application/pdf"}))
    raw = ops_client.with_raw_response.quotes.pdf("qt_1")
    assert type(raw) is responses(ops).APIResponse
    assert raw.content == PDF and type(raw.content) is bytes
    assert "application/pdf" in raw.headers["content-type"]
    parsed = raw.parse()
    assert type(parsed) is responses(ops).BinaryContent and parsed == PDF
    assert parsed.last_response.request_id == "req_test1"
    with pytest.raises(ValueError):
        raw.json()


def test_async_pdf_is_binary_content(ops: Any, server: ScriptedServer) -> None:
    server.script(
        Reply(200, PDF, headers={"Content-Type": "application/pdf"}),
        Reply(200, PDF, headers={"Content-Type": "application/pdf"}),
    )

    async def call() -> Any:
        async with make_async(ops, server) as client:
            pdf = await client.quotes.pdf("qt_1")
            raw = await client.with_raw_response.quotes.pdf("qt_1")
            return pdf, raw

    pdf, raw = run(call)
    assert type(pdf) is responses(ops).BinaryContent and pdf == PDF
    assert pdf.last_response.request_id == "req_test1"
    assert raw.content == PDF and raw.request_id == "req_test2"


# --- static types -----------------------------------------------------------------------

GOOD = f"""
from __future__ import annotations

from {PACKAGE} import AsyncClient, Client
from {PACKAGE} import APIResponse
from {PACKAGE}.models import PaymentSource
from {OPS_PACKAGE} import AsyncClient as OpsAsyncClient, AsyncPage, SyncPage
from {OPS_PACKAGE} import Client as OpsClient
from {OPS_PACKAGE} import APIResponse as OpsAPIResponse, BinaryContent
from {OPS_PACKAGE}.models import Customer


def sync_calls(client: Client, ops: OpsClient) -> None:
    r: APIResponse[PaymentSource] = client.with_raw_response.customers.sources.create(
        "cus_1", source="tok_1", idempotency_key="k"
    )
    status: int = r.status_code
    request_id: str | None = r.request_id
    content: bytes = r.content
    text: str = r.text
    source: PaymentSource = r.parse()
    page: SyncPage[Customer] = ops.with_raw_response.customers.list(limit=2).parse()
    more: SyncPage[Customer] | None = page.next_page()
    pdf: BinaryContent = ops.quotes.pdf("qt_1")
    raw_pdf: OpsAPIResponse[BinaryContent] = ops.with_raw_response.quotes.pdf("qt_1")
    data: bytes = raw_pdf.parse()
    print(status, request_id, content, text, source, more, pdf, data)


async def async_calls(client: AsyncClient, ops: OpsAsyncClient) -> None:
    r: APIResponse[PaymentSource] = (
        await client.with_raw_response.customers.sources.create("cus_1", source="t")
    )
    page: AsyncPage[Customer] = (
        await ops.with_raw_response.customers.list(limit=2)
    ).parse()
    print(r.parse(), page.data)
"""

# Each line that must fail, tagged with the error mypy reports for it.
BAD = f"""
from __future__ import annotations

from {PACKAGE} import AsyncClient, Client
from {PACKAGE} import APIResponse
from {PACKAGE}.models import PaymentSource
from {OPS_PACKAGE} import Client as OpsClient


def sync_calls(client: Client, ops: OpsClient) -> None:
    client.customers.sources.create("cus_1", idempotency_ky="k")  # E: call-arg
    client.customers.sources.create("cus_1", timeout="5")  # E: arg-type
    ops.customers.list(idempotency_key="k")  # E: call-arg
    raw = client.with_raw_response.customers.sources
    x: int = raw.create("cus_1")  # E: assignment
    card: PaymentSource = raw.create("cus_1")  # E: assignment
    wrong: APIResponse[int] = raw.create("cus_1")  # E: assignment
    raw.create("cus_1", sorce="tok_1")  # E: call-arg
    raw.create(customer=5)  # E: arg-type
    name: str = raw.create("cus_1").parse()  # E: assignment
    client.with_raw_response.customers.nothing  # E: attr-defined


async def async_calls(client: AsyncClient) -> None:
    r: APIResponse[PaymentSource] = client.with_raw_response.customers.sources.create(  # E: assignment
        "cus_1"
    )
"""


def mypy(
    source: str, tmp_path: Path, *package_dirs: Path
) -> "subprocess.CompletedProcess[str]":
    module = tmp_path / "user_code.py"
    module.write_text(textwrap.dedent(source), encoding="utf-8")
    env = dict(os.environ)
    env["MYPYPATH"] = os.pathsep.join(str(d.parent) for d in package_dirs)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            os.devnull,
            "--show-error-codes",
            "--no-error-summary",
            str(module),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=600,
    )


@pytest.fixture(scope="module")
def mypy_dirs(package_dir: Path, ops_dir: Path) -> List[Path]:
    return [package_dir, ops_dir]


def test_mypy_strict_accepts_raw_response_types(
    tmp_path: Path, mypy_dirs: List[Path]
) -> None:
    result = mypy(GOOD, tmp_path, *mypy_dirs)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout


def test_mypy_strict_rejects_misuse(tmp_path: Path, mypy_dirs: List[Path]) -> None:
    result = mypy(BAD, tmp_path, *mypy_dirs)
    assert result.returncode == 1, result.stdout + result.stderr
    source = textwrap.dedent(BAD).splitlines()
    expected = {
        number: line.rpartition("# E: ")[2]
        for number, line in enumerate(source, start=1)
        if "# E: " in line
    }
    reported: Dict[int, List[str]] = {}
    for line in result.stdout.splitlines():
        parts = line.split(":", 3)
        if len(parts) == 4 and parts[0].endswith("user_code.py") and " error: " in line:
            code = line.rpartition("[")[2].rstrip("]")
            reported.setdefault(int(parts[1]), []).append(code)
    assert set(reported) == set(expected), result.stdout
    for number, code in expected.items():
        assert code in reported[number], (number, result.stdout)

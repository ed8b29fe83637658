"""The synchronous client over real sockets: headers, bodies, retries, faults and errors.

Every call goes through the real generated methods: `client.customers.sources.create(...)`
of the committed package (`sdk`), and the GET, DELETE, list, multipart and binary operations
of the package generated with more operations (`ops`). Nested parameters are plain dicts
keyed by wire name, checked before sending.
"""

from __future__ import annotations

import logging
import re
import socket
import time
import types
import uuid
import warnings
from typing import Any, Dict, Iterator, List

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

# The card dict is checked into its TypedDict's field order: the spec's (alphabetical) one.
CARD_BODY = (
    "card[exp_month]=8&card[exp_year]=2030&card[metadata][k]=v"
    "&card[number]=4242424242424242"
)


def new_card() -> Dict[str, Any]:
    """A card as the dict callers pass (`CustomerPaymentSourceCard` keys), not in wire order."""
    return {
        "number": "4242424242424242",
        "exp_month": 8,
        "exp_year": 2030,
        "metadata": {"k": "v"},
    }


@pytest.fixture
def fast(sdk: types.SimpleNamespace) -> Any:
    """Backoff with waits of a few milliseconds."""
    return sdk.package.Backoff(initial=0.001, maximum=0.004, max_retry_after=0.05)


@pytest.fixture
def sleeps(sdk: types.SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """Record the client's waits instead of sleeping."""
    recorded: List[float] = []
    monkeypatch.setattr(sdk.sync_client.time, "sleep", recorded.append)
    return recorded


@pytest.fixture
def client(
    sdk: types.SimpleNamespace, server: ScriptedServer, fast: Any
) -> Iterator[Any]:
    with sdk.package.Client(api_key=API_KEY, base_url=server.url, backoff=fast) as made:
        yield made


@pytest.fixture
def ops_client(ops: types.SimpleNamespace, server: ScriptedServer) -> Iterator[Any]:
    backoff = ops.package.Backoff(initial=0.001, maximum=0.004)
    with ops.package.Client(
        api_key=API_KEY, base_url=server.url, backoff=backoff
    ) as made:
        yield made


def create_source(client: Any, **arguments: Any) -> Any:
    """POST /v1/customers/cus_1/sources through the generated method."""
    arguments.setdefault("source", "tok_1")
    return client.customers.sources.create("cus_1", **arguments)


# --- the happy path and what is sent -----------------------------------------------------


def test_post_parses_the_discriminated_response(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    server.script(Reply(200, card_json()))
    card = client.customers.sources.create("cus_123", card=new_card())
    assert isinstance(card, sdk.models.Card)
    assert (card.id, card.last4, card.exp_year) == (CARD_ID, "4242", 2024)
    assert card.model_extra == {"field_from_a_newer_api_version": {"nested": True}}
    assert card.last_response.status_code == 200
    assert card.last_response.request_id == "req_test1"
    assert card.last_response.headers["content-type"] == "application/json"
    assert server.attempts == 1


def test_bank_account_member_of_the_union(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    server.script(Reply(200, resource("bank_account")))
    account = client.customers.sources.create("cus_123", source="btok_1")
    assert isinstance(account, sdk.models.BankAccount)
    assert (account.id, account.last4) == (resource("bank_account")["id"], "6789")
    assert account.last_response.request_id == "req_test1"


def test_post_sends_headers_and_exact_form_body(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    server.script(Reply(200, card_json()))
    client.customers.sources.create(
        "cus_123",
        card=new_card(),
        expand=["customer", "default_source"],
        metadata={"order": "6735"},
    )
    (request,) = server.requests
    assert request.method == "POST"
    assert request.path == "/v1/customers/cus_123/sources"
    assert request.body.decode() == (
        CARD_BODY + "&expand[0]=customer&expand[1]=default_source&metadata[order]=6735"
    )
    headers = request.headers
    assert headers["authorization"] == f"Bearer {API_KEY}"
    assert headers["stripe-version"] == "2023-08-16"
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    # A vendored copy names itself as it is imported (here `vendored_sdk`), not as generated.
    assert re.fullmatch(
        PACKAGE + r"/0\.1\.0 \(codegen; python \d+\.\d+\.\d+; httpx [\w.]+\)",
        headers["user-agent"],
    )
    assert uuid.UUID(headers["idempotency-key"]).version == 4
    assert "stripe-account" not in headers


def test_token_string_for_card(client: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, card_json()))
    client.customers.sources.create("cus_1", card="tok_visa")
    assert server.requests[0].body == b"card=tok_visa"


def test_every_post_gets_a_fresh_idempotency_key(
    client: Any, server: ScriptedServer
) -> None:
    server.script(Reply(200, card_json()), Reply(200, card_json()))
    create_source(client)
    create_source(client)
    first, second = (r.headers["idempotency-key"] for r in server.requests)
    assert first != second


def test_per_call_options(client: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, card_json()))
    create_source(
        client,
        idempotency_key="order-6735",
        stripe_account="acct_connected",
        extra_headers={"X-Trace": "abc", "stripe-version": "2024-01-01"},
    )
    headers = server.requests[0].headers
    assert headers["idempotency-key"] == "order-6735"
    assert headers["stripe-account"] == "acct_connected"
    assert headers["x-trace"] == "abc"
    assert headers["stripe-version"] == "2024-01-01"  # extra headers come last and win


def test_client_wide_stripe_account_and_version(
    sdk: Any, server: ScriptedServer
) -> None:
    server.script(Reply(200, card_json()), Reply(200, card_json()))
    with sdk.package.Client(
        api_key=API_KEY,
        base_url=server.url + "/",
        stripe_account="acct_default",
        stripe_version="2022-11-15",
    ) as client:
        create_source(client)
        create_source(client, stripe_account="acct_other")
    assert [r.headers["stripe-account"] for r in server.requests] == [
        "acct_default",
        "acct_other",
    ]
    assert server.requests[0].headers["stripe-version"] == "2022-11-15"
    assert server.requests[0].path == "/v1/customers/cus_1/sources"


def test_get_sends_query_and_no_idempotency_key(
    ops_client: Any, server: ScriptedServer, ops: Any
) -> None:
    server.script(Reply(200, card_json()))
    card = ops_client.customers.sources.retrieve(
        "cus/../1", CARD_ID, expand=["customer", "customer.default_source"]
    )
    assert isinstance(card, ops.models.Card) and card.id == CARD_ID
    (request,) = server.requests
    assert request.method == "GET"
    assert request.path == (
        f"/v1/customers/cus%2F..%2F1/sources/{CARD_ID}"
        "?expand[0]=customer&expand[1]=customer.default_source"
    )
    assert request.body == b""
    assert "idempotency-key" not in request.headers
    assert "content-type" not in request.headers


def test_list_query_with_a_nested_object(
    ops_client: Any, server: ScriptedServer, ops: Any
) -> None:
    customer = resource("customer")
    server.script(Reply(200, list_json("/v1/customers", customer)))
    page = ops_client.customers.list(
        created={"gte": 1700000000},
        email="jenny+1@example.com",
        limit=3,
    )
    assert isinstance(page.data[0], ops.models.Customer)
    assert (page.data[0].id, page.has_more) == (customer["id"], False)
    assert page.last_response.request_id == "req_test1"
    (request,) = server.requests
    assert request.path == (
        "/v1/customers?created[gte]=1700000000&email=jenny%2B1%40example.com&limit=3"
    )
    assert "idempotency-key" not in request.headers


def test_list_iterator_fetches_pages_on_demand(
    ops_client: Any, server: ScriptedServer
) -> None:
    first, second = resource("customer", id="cus_A"), resource("customer", id="cus_B")
    server.script(
        Reply(200, list_json("/v1/customers", first, has_more=True)),
        Reply(200, list_json("/v1/customers", second)),
    )
    page = ops_client.customers.list(limit=1)
    assert server.attempts == 1
    items = iter(page)
    assert next(items).id == "cus_A"
    assert server.attempts == 1  # the second page is not fetched before it is needed
    assert [c.id for c in items] == ["cus_B"]
    assert server.attempts == 2
    assert [r.path for r in server.requests] == [
        "/v1/customers?limit=1",
        "/v1/customers?limit=1&starting_after=cus_A",
    ]


def three_pages(server: ScriptedServer) -> None:
    """Five customers, two per page: the third page is the last."""
    ids = ["cus_A", "cus_B", "cus_C", "cus_D", "cus_E"]
    customers = [resource("customer", id=i) for i in ids]
    server.script(
        Reply(200, list_json("/v1/customers", *customers[0:2], has_more=True)),
        Reply(200, list_json("/v1/customers", *customers[2:4], has_more=True)),
        Reply(200, list_json("/v1/customers", *customers[4:])),
    )


PAGE_PATHS = [
    "/v1/customers?email=a%40example.com&limit=2",
    "/v1/customers?email=a%40example.com&limit=2&starting_after=cus_B",
    "/v1/customers?email=a%40example.com&limit=2&starting_after=cus_D",
]


def test_iterating_a_list_call_walks_every_page(
    ops_client: Any, server: ScriptedServer, ops: Any
) -> None:
    three_pages(server)
    seen = []
    for customer in ops_client.customers.list(limit=2, email="a@example.com"):
        assert isinstance(customer, ops.models.Customer)
        seen.append((customer.id, server.attempts))
    # each page is fetched when the iteration reaches it, with the first call's query
    assert seen == [
        ("cus_A", 1),
        ("cus_B", 1),
        ("cus_C", 2),
        ("cus_D", 2),
        ("cus_E", 3),
    ]
    assert [r.path for r in server.requests] == PAGE_PATHS
    assert all("idempotency-key" not in r.headers for r in server.requests)


def test_list_pages_walked_with_next_page(
    ops_client: Any, server: ScriptedServer, ops: Any
) -> None:
    three_pages(server)
    page = ops_client.customers.list(limit=2, email="a@example.com")
    assert isinstance(page, ops.package.SyncPage)
    walked = []
    while page is not None:
        walked.append(
            ([c.id for c in page.data], page.has_more, page.last_response.request_id)
        )
        page = page.next_page()
    assert walked == [
        (["cus_A", "cus_B"], True, "req_test1"),
        (["cus_C", "cus_D"], True, "req_test2"),
        (["cus_E"], False, "req_test3"),
    ]
    assert [r.path for r in server.requests] == PAGE_PATHS  # no request past the last


def test_list_previous_page_walks_backwards(
    ops_client: Any, server: ScriptedServer
) -> None:
    later = [resource("customer", id=i) for i in ("cus_C", "cus_D")]
    earlier = [resource("customer", id=i) for i in ("cus_A", "cus_B")]
    server.script(
        Reply(200, list_json("/v1/customers", *later, has_more=True)),
        Reply(200, list_json("/v1/customers", *earlier, has_more=False)),
    )
    page = ops_client.customers.list(limit=2, starting_after="cus_B")
    before = page.previous_page()
    assert before is not None and [c.id for c in before.data] == ["cus_A", "cus_B"]
    assert before.backwards and before.next_page() is None  # nothing before cus_A
    assert [r.path for r in server.requests] == [
        "/v1/customers?limit=2&starting_after=cus_B",
        "/v1/customers?limit=2&ending_before=cus_C",
    ]


def test_delete(ops_client: Any, server: ScriptedServer, ops: Any) -> None:
    server.script(Reply(200, resource("deleted_customer")))
    deleted = ops_client.customers.delete("cus_1")
    assert isinstance(deleted, ops.models.DeletedCustomer) and deleted.deleted is True
    (request,) = server.requests
    assert (request.method, request.path, request.body) == (
        "DELETE",
        "/v1/customers/cus_1",
        b"",
    )
    assert "idempotency-key" not in request.headers


def test_binary_response(ops_client: Any, server: ScriptedServer) -> None:
    pdf = b"%PDF-1.4\n\x00\xff binary"
    server.script(Reply(200, pdf, headers={"Content-Type": "application/pdf"}))
    assert ops_client.quotes.pdf("qt_1") == pdf
    assert server.requests[0].path == "/v1/quotes/qt_1/pdf"


def test_multipart_upload(ops_client: Any, server: ScriptedServer, ops: Any) -> None:
    server.script(Reply(200, resource("file")))
    uploaded = ops_client.files.create(file=b"a,b\n1,2\n", purpose="dispute_evidence")
    assert isinstance(uploaded, ops.models.File)
    assert uploaded.id == resource("file")["id"]
    (request,) = server.requests
    assert (
        request.path == "/v1/files"
    )  # the client's base URL wins over files.stripe.com
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="purpose"\r\n\r\ndispute_evidence\r\n' in request.body
    assert b'name="file"; filename="upload"\r\n' in request.body
    assert b"\r\n\r\na,b\n1,2\n\r\n" in request.body
    assert "idempotency-key" in request.headers


def test_operation_server_used_with_the_default_base_url(ops: Any) -> None:
    seen: List[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, json=resource("file"))

    http_client = httpx.Client(transport=httpx.MockTransport(handler))
    client = ops.package.Client(api_key=API_KEY, http_client=http_client)
    client.files.create(file=b"x", purpose="dispute_evidence")
    assert str(seen[0]) == "https://files.stripe.com/v1/files"


# --- retries ------------------------------------------------------------------------------


def test_429_honours_retry_after_within_its_bound(
    client: Any, server: ScriptedServer, sleeps: List[float]
) -> None:
    server.script(
        Reply(
            429,
            error_json("invalid_request_error", "Too many"),
            headers={"Retry-After": "0.02"},
        ),
        Reply(
            429,
            error_json("invalid_request_error", "Too many"),
            headers={"Retry-After": "30"},
        ),
        Reply(200, card_json()),
    )
    create_source(client)
    assert server.attempts == 3
    assert sleeps == [0.02, 0.05]  # the second is capped by max_retry_after


def test_429_retries_then_raises_rate_limit_error(
    client: Any, server: ScriptedServer, sdk: Any, sleeps: List[float]
) -> None:
    server.script(
        *[Reply(429, error_json(message="Slow down"), headers={"Retry-After": "0"})] * 3
    )
    with pytest.raises(sdk.errors.RateLimitError) as caught:
        create_source(client)
    assert server.attempts == 3
    assert caught.value.http_status == 429
    assert caught.value.request_id == "req_test3"
    # Retry-After: 0 does not shorten the backoff (no zero-delay hammering)
    assert 0.0005 <= sleeps[0] <= 0.001 and 0.001 <= sleeps[1] <= 0.002, sleeps


def test_500_then_200_keeps_the_idempotency_key(
    client: Any, server: ScriptedServer, sleeps: List[float], sdk: Any
) -> None:
    server.script(Reply(500, error_json("api_error", "Oops")), Reply(200, card_json()))
    card = create_source(client, source=None, card=new_card())
    assert card.last_response.request_id == "req_test2"
    assert server.attempts == 2
    first, second = server.requests
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert first.body == second.body == CARD_BODY.encode()
    assert len(sleeps) == 1 and 0.0005 <= sleeps[0] <= 0.001  # jittered first backoff


def test_backoff_grows_and_is_capped(
    sdk: Any, server: ScriptedServer, sleeps: List[float]
) -> None:
    backoff = sdk.package.Backoff(initial=0.001, maximum=0.002)
    server.script(*[Reply(503, error_json("api_error"))] * 5)
    with sdk.package.Client(
        api_key=API_KEY, base_url=server.url, max_retries=4, backoff=backoff
    ) as client:
        with pytest.raises(sdk.errors.APIError):
            create_source(client)
    assert server.attempts == 5
    assert 0.0005 <= sleeps[0] <= 0.001
    assert all(0.001 <= s <= 0.002 for s in sleeps[1:])


def test_should_retry_false_is_never_retried(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    server.script(
        Reply(
            500,
            error_json("api_error", "Declined for good"),
            headers={"Stripe-Should-Retry": "false"},
        )
    )
    with pytest.raises(sdk.errors.APIError) as caught:
        create_source(client)
    assert server.attempts == 1
    assert caught.value.message == "Declined for good"


def test_should_retry_true_retries_a_400(
    client: Any, server: ScriptedServer, sleeps: List[float]
) -> None:
    server.script(
        Reply(
            400,
            error_json(code="lock_timeout"),
            headers={"Stripe-Should-Retry": "true"},
        ),
        Reply(200, card_json()),
    )
    assert create_source(client).id == CARD_ID
    assert server.attempts == 2


def test_should_retry_true_gives_up_after_max_retries(
    client: Any, server: ScriptedServer, sdk: Any, sleeps: List[float]
) -> None:
    server.script(
        *[
            Reply(
                400,
                error_json(code="lock_timeout"),
                headers={"Stripe-Should-Retry": "true"},
            )
        ]
        * 3
    )
    with pytest.raises(sdk.errors.InvalidRequestError) as caught:
        create_source(client)
    assert caught.value.code == "lock_timeout"
    assert server.attempts == 3


def test_400_is_not_retried(client: Any, server: ScriptedServer, sdk: Any) -> None:
    server.script(Reply(400, error_json(message="No such token", param="source")))
    with pytest.raises(sdk.errors.InvalidRequestError) as caught:
        create_source(client)
    assert caught.value.error.param == "source"
    assert server.attempts == 1


def test_get_is_retried_too(
    ops_client: Any, server: ScriptedServer, sleeps: List[float]
) -> None:
    server.script(Reply(503, error_json("api_error")), Reply(200, b"%PDF"))
    assert ops_client.quotes.pdf("qt_1") == b"%PDF"
    assert server.attempts == 2
    assert all("idempotency-key" not in r.headers for r in server.requests)


def test_max_retries_zero_disables_retries(sdk: Any, server: ScriptedServer) -> None:
    server.script(Reply(503, error_json("api_error")))
    with sdk.package.Client(
        api_key=API_KEY, base_url=server.url, max_retries=0
    ) as client:
        with pytest.raises(sdk.errors.APIError):
            create_source(client)
    assert server.attempts == 1


# --- faults without a usable response ---------------------------------------------------


def test_dropped_connection_is_retried_then_raises(
    client: Any, server: ScriptedServer, sdk: Any, sleeps: List[float]
) -> None:
    server.script(*[Reply(drop=True)] * 3)
    with pytest.raises(sdk.errors.APIConnectionError) as caught:
        create_source(client)
    assert type(caught.value) is sdk.errors.APIConnectionError
    assert caught.value.http_status is None and caught.value.body is None
    assert "POST /v1/customers/cus_1/sources failed" in str(caught.value)
    assert isinstance(caught.value.__cause__, httpx.TransportError)
    assert server.attempts == 3
    assert len({r.headers["idempotency-key"] for r in server.requests}) == 1


def test_dropped_connection_then_success(
    client: Any, server: ScriptedServer, sleeps: List[float]
) -> None:
    server.script(Reply(drop=True), Reply(200, card_json()))
    assert create_source(client).id == CARD_ID
    assert server.attempts == 2


def test_connection_refused(sdk: Any, sleeps: List[float]) -> None:
    with (
        socket.socket() as probe
    ):  # a port that nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with sdk.package.Client(api_key=API_KEY, base_url=url, max_retries=1) as client:
        with pytest.raises(sdk.errors.APIConnectionError):
            create_source(client)
    assert len(sleeps) == 1


def test_slow_response_times_out(sdk: Any, server: ScriptedServer, fast: Any) -> None:
    server.script(*[Reply(200, card_json(), delay=5)] * 2)
    with sdk.package.Client(
        api_key=API_KEY, base_url=server.url, timeout=0.2, max_retries=1, backoff=fast
    ) as client:
        started = time.monotonic()
        with pytest.raises(sdk.errors.APITimeoutError) as caught:
            create_source(client)
        elapsed = time.monotonic() - started
    assert isinstance(caught.value, sdk.errors.APIConnectionError)
    assert "timed out" in str(caught.value)
    assert server.attempts == 2
    assert elapsed < 2


def test_per_call_timeout(client: Any, server: ScriptedServer, sdk: Any) -> None:
    server.script(Reply(200, card_json(), delay=5), Reply(200, card_json()))
    card = create_source(client, timeout=0.2)
    assert card.id == CARD_ID
    assert server.attempts == 2


# --- bodies that are not what they should be -----------------------------------------------


def test_malformed_json_on_200(client: Any, server: ScriptedServer, sdk: Any) -> None:
    """Not JSON at all: nothing to build, so the dedicated error, never retried."""
    server.script(Reply(200, b'{"id": "card_123", "object": "ca'))
    with pytest.raises(sdk.errors.APIResponseValidationError) as caught:
        create_source(client)
    error = caught.value
    assert not isinstance(error, sdk.errors.APIError)  # code retrying APIError skips it
    assert error.http_status == 200
    assert error.body == '{"id": "card_123", "object": "ca'
    assert "not valid JSON" in error.message
    assert error.request_id == "req_test1"
    assert error.parsed is None
    assert server.attempts == 1


def test_wrong_shape_on_200_strict(sdk: Any, server: ScriptedServer, fast: Any) -> None:
    server.script(Reply(200, {"object": "card", "id": "card_1"}))  # fields missing
    with sdk.package.Client(
        api_key=API_KEY,
        base_url=server.url,
        backoff=fast,
        strict_response_validation=True,
    ) as strict:
        with pytest.raises(sdk.errors.APIResponseValidationError) as caught:
            create_source(strict)
    assert caught.value.message == (
        "The API answered HTTP 200 with a body that is not the documented object:"
        " card.brand: Field required; card.exp_month: Field required; card.exp_year:"
        " Field required (and 2 more)"
    )
    parsed = caught.value.parsed
    assert type(parsed).__name__ == "Card" and parsed.id == "card_1"
    assert parsed.brand is None
    assert parsed.last_response.request_id == "req_test1"
    assert server.attempts == 1


def test_unknown_object_tag_on_200(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    """A kind the union does not have: a StripeObject keeping every field."""
    customer = resource("customer")
    server.script(Reply(200, customer))
    result = create_source(client)
    assert type(result).__name__ == "StripeObject"
    assert result.id == customer["id"] and result.object == "customer"
    assert result.model_extra["email"] == customer["email"]
    assert result.last_response.request_id == "req_test1"
    assert server.attempts == 1


def test_malformed_json_on_400(client: Any, server: ScriptedServer, sdk: Any) -> None:
    server.script(Reply(400, b'{"error": {"type": "invalid_req'))
    with pytest.raises(sdk.errors.InvalidRequestError) as caught:
        create_source(client)
    error = caught.value
    assert error.http_status == 400
    assert error.error is None and error.code is None
    assert error.body == '{"error": {"type": "invalid_req'
    assert "HTTP 400" in error.message
    assert server.attempts == 1


def test_html_error_page_on_502(
    client: Any, server: ScriptedServer, sdk: Any, sleeps: List[float]
) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    server.script(*[Reply(502, page)] * 3)
    with pytest.raises(sdk.errors.APIError) as caught:
        create_source(client)
    error = caught.value
    assert type(error) is sdk.errors.APIError
    assert (error.http_status, error.body, error.error) == (502, page, None)
    assert error.headers["content-type"].startswith("text/html")
    assert server.attempts == 3


# --- error classes -------------------------------------------------------------------------

ERROR_CASES = [
    (
        402,
        error_json(
            "card_error",
            "Your card was declined.",
            code="card_declined",
            decline_code="insufficient_funds",
        ),
        "CardError",
    ),
    (400, error_json(message="Missing param", param="source"), "InvalidRequestError"),
    (
        404,
        error_json(message="No such customer", code="resource_missing"),
        "InvalidRequestError",
    ),
    (401, error_json(message="Invalid API Key provided"), "AuthenticationError"),
    (403, error_json(message="Restricted key"), "PermissionDeniedError"),
    (
        409,
        error_json("idempotency_error", "Keys for idempotent requests..."),
        "IdempotencyError",
    ),
    (
        400,
        error_json("idempotency_error", "Same key, other parameters"),
        "IdempotencyError",
    ),
    (409, error_json(message="Conflict", code="lock_timeout"), "ConflictError"),
    (
        429,
        error_json(message="Too many requests", code="rate_limit"),
        "RateLimitError",
    ),
    (
        400,
        error_json(message="Too many requests", code="rate_limit"),
        "RateLimitError",
    ),
    (500, error_json("api_error", "Something went wrong"), "APIError"),
    (
        418,
        {"error": {"type": "a_type_from_the_future", "message": "Teapot"}},
        "APIError",
    ),
]


@pytest.mark.parametrize(("status", "body", "name"), ERROR_CASES)
def test_error_classes(
    sdk: Any, server: ScriptedServer, status: int, body: Any, name: str
) -> None:
    server.script(Reply(status, body))
    with sdk.package.Client(
        api_key=API_KEY, base_url=server.url, max_retries=0
    ) as client:
        with pytest.raises(sdk.errors.StripeError) as caught:
            create_source(client)
    error = caught.value
    assert type(error) is getattr(sdk.errors, name)
    assert type(error) is getattr(sdk.package, name)  # exported from the package root
    assert error.http_status == status
    assert error.request_id == "req_test1"
    assert error.headers["request-id"] == "req_test1"
    assert error.message == body["error"]["message"]
    assert isinstance(error.error, sdk.models.ApiErrors)
    assert error.error.type == body["error"]["type"]
    assert error.code == body["error"].get("code")
    assert f"HTTP {status}" in str(error) and "req_test1" in str(error)


def test_card_error_details(client: Any, server: ScriptedServer, sdk: Any) -> None:
    server.script(
        Reply(
            402,
            error_json(
                "card_error",
                "Your card was declined.",
                code="card_declined",
                decline_code="insufficient_funds",
                doc_url="https://stripe.com/docs/error-codes/card-declined",
            ),
        )
    )
    with pytest.raises(sdk.errors.CardError) as caught:
        create_source(client, source=None, card=new_card())
    error = caught.value
    assert error.code == "card_declined"
    assert error.error.decline_code == "insufficient_funds"
    assert error.error.doc_url == "https://stripe.com/docs/error-codes/card-declined"
    assert (
        str(error)
        == "Your card was declined. (HTTP 402, code card_declined, request req_test1)"
    )
    assert server.attempts == 1


def test_error_with_a_nested_source_object(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    body = error_json("card_error", "Declined", code="card_declined")
    body["error"]["source"] = card_json()
    server.script(Reply(402, body))
    with pytest.raises(sdk.errors.CardError) as caught:
        create_source(client)
    assert isinstance(caught.value.error.source, sdk.models.Card)
    assert caught.value.error.source.id == CARD_ID


def test_error_json_that_does_not_fit_the_model(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    server.script(
        Reply(404, {"error": {"message": "No such thing", "code": "resource_missing"}})
    )
    with pytest.raises(sdk.errors.InvalidRequestError) as caught:
        create_source(client)
    assert caught.value.error is None  # "type" is required by the model
    assert (caught.value.message, caught.value.code) == (
        "No such thing",
        "resource_missing",
    )


def test_errors_of_the_other_operations(
    ops_client: Any, server: ScriptedServer, ops: Any
) -> None:
    server.script(
        Reply(404, error_json(message="No such quote", code="resource_missing"))
    )
    with pytest.raises(ops.errors.InvalidRequestError) as caught:
        ops_client.quotes.pdf("qt_missing")
    assert caught.value.code == "resource_missing"
    assert isinstance(caught.value.error, ops.models.ApiErrors)
    assert server.attempts == 1


# --- configuration ---------------------------------------------------------------------------


def test_api_key_from_the_environment(
    sdk: Any, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_from_env")
    server.script(Reply(200, card_json()))
    with sdk.package.Client(base_url=server.url) as client:
        create_source(client)
    assert server.requests[0].headers["authorization"] == "Bearer sk_test_from_env"


def test_missing_api_key(sdk: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    with pytest.raises(ValueError, match="STRIPE_API_KEY"):
        sdk.package.Client()
    with pytest.raises(ValueError, match="STRIPE_API_KEY"):
        sdk.package.Client(api_key="")


def test_api_key_with_a_newline_is_refused_without_echoing_it(sdk: Any) -> None:
    with pytest.raises(ValueError) as caught:
        sdk.package.Client(api_key=API_KEY + "\n")
    assert API_KEY not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    ["http://api.example.com", "http://10.0.0.1:8080", "http://localhost.example.com"],
)
def test_plain_http_to_other_hosts_is_refused(sdk: Any, url: str) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("must not connect")

    http_client = httpx.Client(transport=httpx.MockTransport(refuse))
    with pytest.raises(ValueError, match="http://"):
        sdk.package.Client(api_key=API_KEY, base_url=url, http_client=http_client)
    sdk.package.Client(  # the explicit opt-in
        api_key=API_KEY, base_url=url, http_client=http_client, allow_insecure_http=True
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:12111",
        "http://localhost:12111",
        "http://[::1]:12111",
        "http://127.8.9.10",
    ],
)
def test_plain_http_to_loopback_is_allowed(sdk: Any, url: str) -> None:
    assert sdk.package.Client(api_key=API_KEY, base_url=url + "/").base_url == url


def test_operation_server_is_checked_too(sdk: Any) -> None:
    # A unit of the runtime's `request(base_url=...)`: no operation of the spec has a plain
    # http:// server, so no generated method can express this; the real package's Client
    # is called the way every generated method calls it.
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("must not connect")

    client = sdk.package.Client(
        api_key=API_KEY,
        http_client=httpx.Client(transport=httpx.MockTransport(refuse)),
    )
    with pytest.raises(ValueError, match="http://"):
        client.request(
            sdk.base.ResponseType.binary(),
            "get",
            "/x",
            base_url="http://files.example.com",
        )


def test_a_text_response_is_returned_as_str_in_its_charset(
    sdk: Any, server: ScriptedServer
) -> None:
    server.script(
        Reply(
            200,
            "caf\u00e9".encode("latin-1"),
            {"Content-Type": "text/plain; charset=latin-1"},
        ),
        Reply(200, "caf\u00e9".encode(), {"Content-Type": "text/csv"}),
    )
    with sdk.package.Client(api_key=API_KEY, base_url=server.url) as client:
        text = sdk.base.ResponseType.text()
        assert client.request(text, "get", "/v1/report") == "caf\u00e9"
        assert client.request(text, "get", "/v1/report") == "caf\u00e9"  # UTF-8 default


def test_a_response_without_a_body_is_none(sdk: Any, server: ScriptedServer) -> None:
    server.script(Reply(204), Reply(201, b"ignored"))
    with sdk.package.Client(api_key=API_KEY, base_url=server.url) as client:
        empty = sdk.base.ResponseType.empty()
        assert client.request(empty, "delete", "/v1/things/1") is None
        assert client.request(empty, "post", "/v1/things") is None
    assert [r.method for r in server.requests] == ["DELETE", "POST"]


@pytest.mark.parametrize("url", ["ftp://api.stripe.com", "api.stripe.com", "https://"])
def test_base_url_must_be_http(sdk: Any, url: str) -> None:
    with pytest.raises(ValueError):
        sdk.package.Client(api_key=API_KEY, base_url=url)


def test_negative_max_retries(sdk: Any) -> None:
    with pytest.raises(ValueError):
        sdk.package.Client(api_key=API_KEY, max_retries=-1)


def test_injected_http_client_is_left_open(sdk: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, card_json()))
    http_client = httpx.Client()
    with sdk.package.Client(
        api_key=API_KEY, base_url=server.url, http_client=http_client
    ) as client:
        create_source(client)
    assert not http_client.is_closed
    http_client.close()


def test_own_http_client_is_closed(sdk: Any) -> None:
    client = sdk.package.Client(api_key=API_KEY)
    client.close()
    assert client._http_client.is_closed


def test_configuration_is_readable(sdk: Any) -> None:
    client = sdk.package.Client(
        api_key=API_KEY, stripe_account="acct_1", timeout=5, max_retries=3
    )
    assert client.base_url == "https://api.stripe.com"
    assert (client.stripe_version, client.stripe_account) == ("2023-08-16", "acct_1")
    assert (client.timeout, client.max_retries) == (5, 3)
    assert repr(client) == (
        "Client(base_url='https://api.stripe.com', stripe_version='2023-08-16',"
        " stripe_account='acct_1', max_retries=3)"
    )


def test_request_parameters_are_checked_before_sending(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    with pytest.raises(sdk.errors.InvalidParamsError) as caught:  # a ValueError too
        create_source(client, source="x" * 5001)  # maxLength 5000 in the spec
    assert isinstance(caught.value, ValueError)
    assert caught.value.problems == [
        ("source", "string should have at most 5000 characters")
    ]
    with pytest.raises(TypeError):  # a top-level misspelling is no keyword argument
        create_source(client, cardd="tok_1")
    assert server.attempts == 0


# --- the key never leaks ---------------------------------------------------------------------


def test_api_key_never_leaks(
    sdk: Any, server: ScriptedServer, fast: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx's and httpcore's
    errors: List[Any] = []  # the StripeError subclasses of the copy
    scenarios: List[List[Reply]] = [
        [
            Reply(
                401,
                error_json(message="Invalid API Key provided"),
                echo_authorization=True,
            )
        ],
        [Reply(500, "<html>proxy error for ", echo_authorization=True)] * 3,
        [Reply(200, b"not json ", echo_authorization=True)],
        [Reply(drop=True)] * 3,
        [Reply(200, card_json(), delay=5)] * 3,
        [Reply(402, error_json("card_error", "Declined", code="card_declined"))],
    ]
    with warnings.catch_warnings(record=True) as caught_warnings:
        warnings.simplefilter("always")
        with sdk.package.Client(
            api_key=API_KEY, base_url=server.url, timeout=0.2, backoff=fast
        ) as client:
            for replies in scenarios:
                server.script(*replies)
                try:
                    create_source(client, source=None, card=new_card())
                except sdk.errors.StripeError as raised:
                    errors.append(raised)
            texts = [repr(client), str(client)]
    assert len(errors) == len(scenarios)
    assert any(
        API_KEY in r.headers["authorization"] for r in server.requests
    )  # it was sent
    for error in errors:
        texts += [
            str(error),
            repr(error),
            error.body or "",
            repr(error.args),
            repr(error.headers),
        ]
        if error.__cause__ is not None:
            texts += [str(error.__cause__), repr(error.__cause__)]
    texts += [record.getMessage() for record in caplog.records]
    texts += [str(w.message) for w in caught_warnings]
    assert caplog.records, "expected log records to scan"
    for text in texts:
        assert API_KEY not in text
        assert API_KEY[-12:] not in text
    assert "<redacted API key>" in errors[0].body


def test_logs_tell_attempts_and_request_ids(
    client: Any,
    server: ScriptedServer,
    caplog: pytest.LogCaptureFixture,
    sleeps: List[float],
) -> None:
    # A vendored copy logs to the logger of its import name (`vendored_sdk`).
    caplog.set_level(logging.DEBUG, logger=PACKAGE)
    server.script(Reply(500, error_json("api_error")), Reply(200, card_json()))
    create_source(client)
    ours = [r for r in caplog.records if r.name == PACKAGE]
    messages = [r.getMessage() for r in ours]
    assert messages[0] == "Sending POST /v1/customers/cus_1/sources (attempt 1 of 3)"
    assert (
        messages[1]
        == "Received HTTP 500 for POST /v1/customers/cus_1/sources (request id req_test1)"
    )
    assert re.fullmatch(
        r"Retrying POST /v1/customers/cus_1/sources in 0\.\d{3} s after HTTP 500"
        r" \(attempt 2 of 3\)",
        messages[2],
    )
    assert messages[-1].endswith("(request id req_test2)")
    assert len([r for r in ours if r.levelno == logging.INFO]) == 1

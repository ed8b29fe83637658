"""Per-call options and `with_options()`, over real sockets, sync and async.

`extra_query`/`extra_body` reach the wire and win over the encoded parameters; a per-call
`api_key`, `stripe_version` and `max_retries` replace the client's for that call only; a
per-call key is redacted like the client's; `with_options()` copies share the pool.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import inspect
import logging
import types
import typing
from typing import Any, Iterator, List, Union

import httpx
import pytest

from .conftest import API_KEY, CARD_ID, Reply, ScriptedServer, card_json, error_json

OTHER_KEY = "sk_test_51PerCallKeyThatMustNeverShowUpInAnyText0xBEEF"


@pytest.fixture
def client(sdk: types.SimpleNamespace, server: ScriptedServer) -> Iterator[Any]:
    backoff = sdk.package.Backoff(initial=0.001, maximum=0.004)
    with sdk.package.Client(
        api_key=API_KEY, base_url=server.url, backoff=backoff
    ) as made:
        yield made


def create_source(client: Any, **arguments: Any) -> Any:
    arguments.setdefault("source", "tok_1")
    return client.customers.sources.create("cus_1", **arguments)


# --- the signatures --------------------------------------------------------------------------


OPTIONS = [
    "api_key",
    "stripe_account",
    "stripe_version",
    "timeout",
    "max_retries",
    "extra_headers",
    "extra_query",
    "extra_body",
]


def customers(package: Any) -> Any:
    return importlib.import_module(package.package.__name__ + ".resources.customers")


def test_every_method_takes_the_call_options(sdk: Any, ops: Any) -> None:
    """The options arrive as ``**call_options``, typed by ``PostCallOptions`` on a POST and
    by ``CallOptions`` (without ``idempotency_key``) elsewhere; type checkers see each one.
    """
    mine, theirs = customers(sdk), customers(ops)
    methods = [
        (mine.CustomersSourcesResource.create, True),
        (mine.AsyncCustomersSourcesResource.create, True),
        (theirs.CustomersResource.list, False),
        (theirs.AsyncCustomersResource.list, False),
        (theirs.CustomersResource.delete, False),
        (theirs.AsyncCustomersResource.delete, False),
        (theirs.CustomersSourcesResource.retrieve, False),
        (theirs.AsyncCustomersSourcesResource.retrieve, False),
    ]
    for method, is_post in methods:
        parameters = inspect.signature(method).parameters
        last = list(parameters.values())[-1]
        assert last.name == "call_options" and last.kind is last.VAR_KEYWORD, method
        expected = "PostCallOptions" if is_post else "CallOptions"
        assert last.annotation == f"Unpack[{expected}]", method
        assert not set(OPTIONS + ["idempotency_key"]) & set(parameters), method
    for package in (sdk.package, ops.package):
        plain = typing.get_type_hints(package.CallOptions)
        post = typing.get_type_hints(package.PostCallOptions)
        assert list(plain) == OPTIONS
        assert set(post) == set(OPTIONS) | {"idempotency_key"}
        assert plain["timeout"] == Union[float, httpx.Timeout, None]
        assert package.CallOptions.__optional_keys__ == frozenset(OPTIONS)


def test_call_options_are_those_of_request_options(sdk: Any) -> None:
    fields = [f.name for f in dataclasses.fields(sdk.package.RequestOptions)]
    assert fields == ["idempotency_key", *OPTIONS]


def test_idempotency_key_is_refused_on_a_get(ops: Any) -> None:
    with ops.package.Client(api_key=API_KEY, base_url="http://127.0.0.1:9") as client:
        with pytest.raises(
            TypeError, match="idempotency_key is for POST requests, not GET"
        ):
            client.customers.list(idempotency_key="k")  # type checkers refuse it too


def test_a_misspelt_call_option_is_refused(client: Any, server: ScriptedServer) -> None:
    with pytest.raises(TypeError, match="idempotency_ky"):
        create_source(client, idempotency_ky="k")
    assert server.requests == []


# --- extra_query, extra_body -----------------------------------------------------------------


def test_extra_body_reaches_the_wire_and_wins(
    client: Any, server: ScriptedServer
) -> None:
    server.script(Reply(200, card_json()))
    create_source(
        client,
        metadata={"a": "1", "b": "2"},
        extra_body={
            "metadata": {"c": "3"},  # replaces every metadata[...] pair
            "newer_param": {"nested": True, "list": ["x"]},
        },
    )
    assert server.requests[0].body.decode() == (
        "source=tok_1&metadata[c]=3&newer_param[nested]=true&newer_param[list][0]=x"
    )


def test_extra_query_on_a_post_and_a_get(
    client: Any, ops: Any, server: ScriptedServer
) -> None:
    server.script(Reply(200, card_json()), Reply(200, card_json()))
    create_source(client, extra_query={"trace": "1"})
    assert server.requests[0].path == "/v1/customers/cus_1/sources?trace=1"
    assert server.requests[0].body == b"source=tok_1"
    with ops.package.Client(api_key=API_KEY, base_url=server.url) as ops_client:
        ops_client.customers.sources.retrieve(
            "cus_1", CARD_ID, expand=["customer"], extra_query={"expand": ["x"]}
        )
    assert server.requests[1].path == (
        f"/v1/customers/cus_1/sources/{CARD_ID}?expand[0]=x"
    )


# --- api_key, stripe_version, max_retries, timeout -------------------------------------------


def test_per_call_key_version_and_timeout(client: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, card_json()), Reply(200, card_json()))
    create_source(
        client,
        api_key=OTHER_KEY,
        stripe_version="2024-04-10",
        timeout=httpx.Timeout(5.0),
    )
    create_source(client)
    first, second = (r.headers for r in server.requests)
    assert first["authorization"] == f"Bearer {OTHER_KEY}"
    assert first["stripe-version"] == "2024-04-10"
    assert second["authorization"] == f"Bearer {API_KEY}"  # the client's again
    assert second["stripe-version"] == "2023-08-16"


def test_per_call_max_retries(client: Any, server: ScriptedServer, sdk: Any) -> None:
    server.script(*[Reply(503, error_json("api_error"))] * 2, Reply(200, card_json()))
    with pytest.raises(sdk.errors.APIError):
        create_source(client, max_retries=0)
    assert server.attempts == 1
    create_source(client, max_retries=1)
    assert server.attempts == 3


def test_bad_per_call_settings_are_refused_before_sending(
    client: Any, server: ScriptedServer
) -> None:
    with pytest.raises(ValueError, match="non-printable"):
        create_source(client, api_key="sk_test_bad\nkey")
    with pytest.raises(ValueError, match="max_retries"):
        create_source(client, max_retries=-1)
    assert server.attempts == 0


def test_per_call_api_key_is_redacted(
    client: Any, server: ScriptedServer, sdk: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors: List[Any] = []
    for replies in (
        [Reply(401, error_json(message="Invalid key "), echo_authorization=True)],
        [Reply(200, b"not json ", echo_authorization=True)],
        [
            Reply(
                400,
                error_json(message="bad"),
                headers={"X-Echo": OTHER_KEY},
            )
        ],
    ):
        server.script(*replies)
        with pytest.raises(sdk.errors.StripeError) as caught:
            create_source(client, api_key=OTHER_KEY, max_retries=0)
        errors.append(caught.value)
    assert all(OTHER_KEY in r.headers["authorization"] for r in server.requests)
    texts = [record.getMessage() for record in caplog.records]
    for error in errors:
        texts += [str(error), repr(error), error.body or "", repr(error.headers)]
    assert "<redacted API key>" in errors[0].body
    for text in texts:
        assert OTHER_KEY not in text
        assert OTHER_KEY[-12:] not in text


# --- with_options ----------------------------------------------------------------------------


def test_with_options_changes_defaults_and_shares_the_pool(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    server.script(
        Reply(503, error_json("api_error")),
        Reply(200, card_json()),
        Reply(200, card_json()),
    )
    copy = client.with_options(
        max_retries=0, api_key=OTHER_KEY, stripe_account="acct_1"
    )
    assert type(copy) is type(client)
    assert copy._http_client is client._http_client
    assert (copy.max_retries, copy.stripe_account) == (0, "acct_1")
    assert (client.max_retries, client.stripe_account) == (2, None)
    assert copy.base_url == client.base_url
    with pytest.raises(sdk.errors.APIError):
        create_source(copy)
    assert server.attempts == 1  # one attempt: no retry
    request = server.requests[0]
    assert request.headers["authorization"] == f"Bearer {OTHER_KEY}"
    assert request.headers["stripe-account"] == "acct_1"
    assert OTHER_KEY not in repr(copy)
    copy.close()  # leaves the shared pool open
    assert not client._http_client.is_closed
    create_source(client)
    cleared = copy.with_options(stripe_account=None)
    assert cleared.stripe_account is None and cleared.max_retries == 0
    create_source(cleared)
    assert "stripe-account" not in server.requests[-1].headers
    assert server.requests[-1].headers["authorization"] == f"Bearer {OTHER_KEY}"


def test_with_options_checks_its_settings(client: Any) -> None:
    with pytest.raises(ValueError, match="max_retries"):
        client.with_options(max_retries=-1)
    with pytest.raises(ValueError, match="plain http"):
        client.with_options(base_url="http://example.com")


def test_async_with_options_and_per_call_options(
    sdk: Any, server: ScriptedServer
) -> None:
    server.script(Reply(503, error_json("api_error")), Reply(200, card_json()))

    async def calls() -> Any:
        async with sdk.package.AsyncClient(
            api_key=API_KEY, base_url=server.url
        ) as client:
            copy = client.with_options(max_retries=0)
            assert copy._http_client is client._http_client
            with pytest.raises(sdk.errors.APIError):
                await copy.customers.sources.create("cus_1", source="tok_1")
            await copy.aclose()
            assert not client._http_client.is_closed
            return await client.customers.sources.create(
                "cus_1",
                source="tok_1",
                api_key=OTHER_KEY,
                extra_body={"newer": "1"},
                extra_headers={"X-Trace": "t"},
            )

    card = asyncio.run(calls())
    assert card.id == CARD_ID
    assert server.attempts == 2
    last = server.requests[-1]
    assert last.body == b"source=tok_1&newer=1"
    assert last.headers["authorization"] == f"Bearer {OTHER_KEY}"
    assert last.headers["x-trace"] == "t"

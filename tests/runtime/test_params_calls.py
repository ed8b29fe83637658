"""Request parameters checked by the generated methods, over real sockets, sync and async.

The dicts a caller passes go through the package's `ParamsType` before anything is sent: a
misspelt key at any depth or a value of the wrong type raises `InvalidParamsError`, the
server sees no request, and the values (card numbers) appear in no text of the exception.
`extra_body` stays the way to send a parameter the spec does not know.

Calls go through the committed package (`sdk`: `customers.sources.create`) and the package
with more operations (`ops`: `customers.list`, a query with a nested object).
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import types
from typing import Any, Dict, Iterator, List

import pytest

from .conftest import API_KEY, CARD_ID, Reply, ScriptedServer, card_json

NUMBER = "4000056655665556"  # a test card number: it must show up in no text


def card(**overrides: Any) -> Dict[str, Any]:
    values: Dict[str, Any] = {"number": NUMBER, "exp_month": 12, "exp_year": 2030}
    values.update(overrides)
    return values


@pytest.fixture
def client(sdk: types.SimpleNamespace, server: ScriptedServer) -> Iterator[Any]:
    with sdk.package.Client(api_key=API_KEY, base_url=server.url) as made:
        yield made


def texts_of(error: BaseException) -> List[str]:
    """Every text of an exception a log line or a traceback could show."""
    texts = [str(error), repr(error), repr(error.args)]
    texts += [repr(getattr(error, "problems", None)), repr(vars(error))]
    for linked in (error.__cause__, error.__context__):
        if linked is not None:
            texts += [str(linked), repr(linked)]
    return texts


# --- a misspelt nested key -------------------------------------------------------------------


def test_misspelt_nested_key_is_refused_before_sending(
    client: Any,
    server: ScriptedServer,
    sdk: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    server.script(Reply(200, card_json()))  # would be answered, were anything sent
    with pytest.raises(sdk.errors.InvalidParamsError) as caught:
        client.customers.sources.create("cus_1", card=card(cvv="123"))
    error: Any = caught.value
    assert server.attempts == 0  # nothing went over the wire
    assert str(error) == (
        "customers.sources.create: card.cvv: unknown parameter (did you mean 'cvc'?)"
    )
    assert error.problems == [("card.cvv", "unknown parameter (did you mean 'cvc'?)")]
    assert error.operation == "customers.sources.create"
    # A caller's mistake: a ValueError and a StripeError, but no API error, never retried.
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, sdk.errors.StripeError)
    assert not isinstance(caught.value, sdk.errors.APIError)
    assert error.http_status is None and error.request_id is None
    assert error.__cause__ is None and error.__context__ is None  # no ValidationError
    for text in texts_of(error):
        assert NUMBER not in text and "123" not in text
    assert all(NUMBER not in r.getMessage() for r in caplog.records)
    # The package exports it at its root, and it survives pickling without the values.
    assert sdk.package.InvalidParamsError is sdk.errors.InvalidParamsError
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.problems) == (
        type(error),
        str(error),
        error.problems,
    )
    # The same call, spelt right, goes through: the check refused the key, not the call.
    assert client.customers.sources.create("cus_1", card=card(cvc="123")).id == CARD_ID
    assert server.requests[0].body.decode() == (
        f"card[cvc]=123&card[exp_month]=12&card[exp_year]=2030&card[number]={NUMBER}"
    )


def test_misspelt_nested_key_async(sdk: Any, server: ScriptedServer) -> None:
    async def call() -> Any:
        async with sdk.package.AsyncClient(
            api_key=API_KEY, base_url=server.url
        ) as client:
            with pytest.raises(sdk.errors.InvalidParamsError) as caught:
                await client.customers.sources.create("cus_1", card=card(cvv="123"))
            return caught.value

    error = asyncio.run(call())
    assert server.attempts == 0
    assert error.problems == [("card.cvv", "unknown parameter (did you mean 'cvc'?)")]
    for text in texts_of(error):
        assert NUMBER not in text


# --- wrong types, missing keys ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (  # strict: a string of digits is no integer
            {"card": card(exp_month="12")},
            ("card.exp_month", "input should be a valid integer"),
        ),
        (
            {"card": card(exp_year=None)},
            ("card.exp_year", "input should be a valid integer"),
        ),
        (
            {"card": {"number": NUMBER, "exp_month": 12}},
            ("card.exp_year", "missing required parameter"),
        ),
        (
            {"card": card(number="4" * 5001)},  # maxLength 5000 in the spec
            ("card.number", "string should have at most 5000 characters"),
        ),
        (
            {"metadata": {"order": 6735}},
            ("metadata.order", "input should be a valid string"),
        ),
        ({"expand": "customer"}, ("expand", "input should be a valid list")),
    ],
)
def test_wrong_types_are_refused_before_sending(
    client: Any,
    server: ScriptedServer,
    sdk: Any,
    arguments: Dict[str, Any],
    problem: Any,
) -> None:
    with pytest.raises(sdk.errors.InvalidParamsError) as caught:
        client.customers.sources.create("cus_1", **arguments)
    assert server.attempts == 0
    assert caught.value.problems == [problem]
    assert str(caught.value) == f"customers.sources.create: {problem[0]}: {problem[1]}"
    for text in texts_of(caught.value):
        assert NUMBER not in text and "4" * 50 not in text


def test_misspelt_key_of_a_query_object(ops: Any, server: ScriptedServer) -> None:
    with ops.package.Client(api_key=API_KEY, base_url=server.url) as client:
        with pytest.raises(ops.errors.InvalidParamsError) as caught:
            client.customers.list(created={"gtee": 1700000000}, limit=2)
    assert server.attempts == 0
    assert caught.value.problems == [
        ("created.gtee", "unknown parameter (did you mean 'gte'?)")
    ]

    async def call() -> Any:
        async with ops.package.AsyncClient(
            api_key=API_KEY, base_url=server.url
        ) as client:
            # Raised by the call itself, before there is a paginator to await.
            with pytest.raises(ops.errors.InvalidParamsError) as caught:
                client.customers.list(limit="2")
            return caught.value

    assert asyncio.run(call()).problems == [
        ("limit", "input should be a valid integer")
    ]
    assert server.attempts == 0


# --- extra_body: what the spec does not know --------------------------------------------------


def test_extra_body_still_sends_an_unknown_top_level_param(
    client: Any, server: ScriptedServer
) -> None:
    server.script(Reply(200, card_json()))
    created = client.customers.sources.create(
        "cus_1",
        card=card(),
        extra_body={"newer_param": {"nested": "x"}, "flag": True},
    )
    assert created.id == CARD_ID
    (request,) = server.requests
    assert request.body.decode() == (
        f"card[exp_month]=12&card[exp_year]=2030&card[number]={NUMBER}"
        "&newer_param[nested]=x&flag=true"
    )


def test_extra_body_is_not_checked(client: Any, server: ScriptedServer) -> None:
    """What goes through `extra_body` is sent as it is, even a misspelt nested key."""
    server.script(Reply(200, card_json()))
    client.customers.sources.create(
        "cus_1", source="tok_1", extra_body={"card": {"cvv": "1"}}
    )
    assert server.requests[0].body == b"source=tok_1&card[cvv]=1"

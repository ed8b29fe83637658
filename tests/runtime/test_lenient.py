"""Lenient responses over a socket: a 2xx body always becomes an object, nothing sent lost.

Each case is a body the pinned spec would reject: a required field missing, a value of the
wrong type, an enum value and an `object` kind newer than the spec, extra fields at every
depth. By default each returns an object holding all the data; with
`strict_response_validation=True` each raises `APIResponseValidationError` (not an
`APIError`: the call succeeded), which carries the leniently parsed object. Sync and async.
"""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any, Callable, Dict, Iterator

import pytest

from .conftest import API_KEY, Reply, ScriptedServer, card_json, resource


def _missing_required() -> Dict[str, Any]:
    card = card_json()
    del card["brand"], card["exp_month"]
    return card


def _wrong_type() -> Dict[str, Any]:
    return card_json(exp_year="twenty-thirty", last4=4242)


def _unknown_enum() -> Dict[str, Any]:
    return card_json(funding="quantum", brand="NewBrand")


def _extra_nested() -> Dict[str, Any]:
    card = card_json(brand_new_top={"deep": {"er": [1, 2]}})
    card["metadata"] = {"order": "6735"}
    return card


CASES: Dict[str, Callable[[], Dict[str, Any]]] = {
    "missing-required": _missing_required,
    "wrong-type": _wrong_type,
    "unknown-enum": _unknown_enum,
    "extra-nested": _extra_nested,
}


def _check_keeps_everything(result: Any, body: Dict[str, Any]) -> None:
    assert type(result).__name__ == "Card"
    sent = result.to_dict() if hasattr(result, "to_dict") else None
    for key, value in body.items():
        if key in type(result).model_fields:
            assert getattr(result, key) == value, key
        else:
            assert result.model_extra[key] == value, key
    if sent is not None:
        assert sent == body
    assert result.last_response.request_id == "req_test1"


@pytest.fixture
def client(sdk: Any, server: ScriptedServer) -> Iterator[Any]:
    with sdk.package.Client(
        api_key=API_KEY, base_url=server.url, max_retries=0
    ) as made:
        yield made


@pytest.mark.parametrize("case", sorted(CASES))
def test_lenient_by_default(case: str, client: Any, server: ScriptedServer) -> None:
    body = CASES[case]()
    server.script(Reply(200, copy.deepcopy(body)))
    result = client.customers.sources.create("cus_1", source="tok_1")
    _check_keeps_everything(result, body)
    assert server.attempts == 1


def test_missing_fields_are_none_and_not_set(
    client: Any, server: ScriptedServer
) -> None:
    server.script(Reply(200, _missing_required()))
    result = client.customers.sources.create("cus_1", source="tok_1")
    assert result.brand is None and result.exp_month is None
    assert "brand" not in result.model_fields_set
    assert "last4" in result.model_fields_set


def test_an_unknown_object_kind_keeps_every_field(
    client: Any, server: ScriptedServer
) -> None:
    body = {
        "id": "pm_src_1",
        "object": "payment_source_of_the_future",
        "nested": {
            "object": "thing",
            "value": 1,
            "items": [{"object": "thing", "v": 2}],
        },
        "plain": {"a": 1},
    }
    server.script(Reply(200, copy.deepcopy(body)))
    result = client.customers.sources.create("cus_1", source="tok_1")
    assert type(result).__name__ == "StripeObject"
    assert result.id == "pm_src_1"
    assert type(result.nested).__name__ == "StripeObject"
    assert result.nested.value == 1
    assert result.nested.items[0].v == 2
    assert result.plain == {"a": 1}


# Unknown fields and enum values are valid even strictly (response enums are open, and
# models allow extra fields): newer API versions add them.
@pytest.mark.parametrize("case", ["missing-required", "wrong-type"])
def test_strict_raises_the_dedicated_error(
    case: str, sdk: Any, server: ScriptedServer
) -> None:
    body = CASES[case]()
    server.script(Reply(200, copy.deepcopy(body)))
    with sdk.package.Client(
        api_key=API_KEY, base_url=server.url, strict_response_validation=True
    ) as strict:
        with pytest.raises(sdk.errors.APIResponseValidationError) as caught:
            strict.customers.sources.create("cus_1", source="tok_1")
    error = caught.value
    assert not isinstance(error, sdk.errors.APIError)
    assert error.http_status == 200
    assert json.loads(error.body) == body
    _check_keeps_everything(error.parsed, body)
    assert server.attempts == 1


def test_strict_accepts_unknown_fields(sdk: Any, server: ScriptedServer) -> None:
    """Extra fields are part of the contract (newer API versions add them), even strictly."""
    body = _extra_nested()
    server.script(Reply(200, copy.deepcopy(body)))
    with sdk.package.Client(
        api_key=API_KEY, base_url=server.url, strict_response_validation=True
    ) as strict:
        result = strict.customers.sources.create("cus_1", source="tok_1")
    _check_keeps_everything(result, body)


def test_strict_is_a_with_options_setting(client: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, _wrong_type()), Reply(200, _wrong_type()))
    assert client.strict_response_validation is False
    strict = client.with_options(strict_response_validation=True)
    assert strict.strict_response_validation is True
    with pytest.raises(Exception) as caught:
        strict.customers.sources.create("cus_1", source="tok_1")
    assert type(caught.value).__name__ == "APIResponseValidationError"
    assert client.customers.sources.create("cus_1", source="tok_1").exp_year == (
        "twenty-thirty"
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_lenient_async(case: str, sdk: Any, server: ScriptedServer) -> None:
    body = CASES[case]()
    server.script(Reply(200, copy.deepcopy(body)))

    async def call() -> Any:
        async with sdk.package.AsyncClient(
            api_key=API_KEY, base_url=server.url, max_retries=0
        ) as client:
            return await client.customers.sources.create("cus_1", source="tok_1")

    _check_keeps_everything(asyncio.run(call()), body)


def test_strict_async(sdk: Any, server: ScriptedServer) -> None:
    server.script(Reply(200, _missing_required()))

    async def call() -> Any:
        async with sdk.package.AsyncClient(
            api_key=API_KEY, base_url=server.url, strict_response_validation=True
        ) as client:
            return await client.customers.sources.create("cus_1", source="tok_1")

    with pytest.raises(sdk.errors.APIResponseValidationError) as caught:
        asyncio.run(call())
    assert caught.value.parsed.last4 == "4242"

"""Units of the runtime without a server: backoff, Retry-After, ResponseType, models, errors.

The runtime modules and models are those of the committed package, imported as `vendored_sdk`.
"""

from __future__ import annotations

import ast
import json
import email.utils
import time
from typing import Any, Optional

import httpx
import pytest
from pydantic import Field, ValidationError
from typing_extensions import TypedDict

from .conftest import RUNTIME_FILES, card_json, resource


def test_backoff_delays(sdk: Any) -> None:
    backoff = sdk.base.Backoff()
    assert (backoff.initial, backoff.maximum, backoff.max_retry_after) == (
        0.5,
        8.0,
        60.0,
    )
    for _ in range(50):
        assert 0.25 <= backoff.delay(1) <= 0.5
        assert 0.5 <= backoff.delay(2) <= 1.0
        assert 4.0 <= backoff.delay(10) <= 8.0
    assert backoff.delay(1, retry_after=3.0) == 3.0
    assert backoff.delay(1, retry_after=3600.0) == 60.0


def test_backoff_rejects_negative_delays(sdk: Any) -> None:
    with pytest.raises(ValueError):
        sdk.base.Backoff(initial=-1)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("2", 2.0),
        ("0.5", 0.5),
        ("-3", None),  # not a wait: the backoff applies
        ("0", None),
        ("soon", None),
        ("nan", None),
        ("inf", float("inf")),  # capped by Backoff.delay
    ],
)
def test_retry_after_seconds(sdk: Any, header: str, expected: Any) -> None:
    response = httpx.Response(429, headers={"Retry-After": header})
    assert sdk.retries.retry_after(response) == expected


def test_retry_after_http_date(sdk: Any) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    seconds = sdk.retries.retry_after(
        httpx.Response(503, headers={"Retry-After": when})
    )
    assert 25 <= seconds <= 31


@pytest.mark.parametrize(
    ("status", "header", "expected"),
    [
        (409, None, True),
        (429, None, True),
        (500, None, True),
        (503, None, True),
        (400, None, False),
        (402, None, False),
        (404, None, False),
        (400, "true", True),
        (500, "false", False),
        (429, "false", False),
    ],
)
def test_should_retry(sdk: Any, status: int, header: Any, expected: bool) -> None:
    headers = {"Stripe-Should-Retry": header} if header else {}
    assert sdk.profile.should_retry(httpx.Response(status, headers=headers)) is expected


def test_response_type_builds_its_adapter_once(sdk: Any) -> None:
    response_type = sdk.base.ResponseType(sdk.models.PaymentSource)
    assert response_type._adapter is None
    card = response_type.parse(httpx.Response(200, json=card_json()).content)
    adapter = response_type._adapter
    assert isinstance(card, sdk.models.Card)
    account = response_type.parse(json.dumps(resource("bank_account")).encode())
    assert isinstance(account, sdk.models.BankAccount)
    assert response_type._adapter is adapter


def test_response_type_discriminates_by_object(sdk: Any) -> None:
    response_type = sdk.base.ResponseType(sdk.models.PaymentSource)
    assert type(response_type.parse(card_json_bytes())).__name__ == "Card"
    unknown = response_type.parse(b'{"id": "x", "object": "unknown_thing"}')
    assert type(unknown).__name__ == "StripeObject" and unknown.id == "x"
    with pytest.raises(ValidationError):  # strictly, an unknown kind does not fit
        response_type.validate(b'{"id": "x", "object": "unknown_thing"}')


def card_json_bytes() -> bytes:
    return json.dumps(card_json()).encode()


def test_binary_response_type(sdk: Any) -> None:
    binary = sdk.base.ResponseType.binary()
    assert binary is sdk.base.ResponseType.binary()
    assert binary.parse(b"\x00\x01") == b"\x00\x01"


def test_last_response_is_none_for_models_built_by_hand(sdk: Any) -> None:
    card = sdk.models.Card.model_validate(card_json())
    assert card.last_response is None


def test_equality_ignores_last_response(sdk: Any) -> None:
    parsed = sdk.models.Card.model_validate(card_json())
    parsed._last_response = sdk.model_base.ResponseInfo(200, {}, "req_1")
    assert parsed == sdk.models.Card.model_validate(card_json())
    assert parsed != sdk.models.Card.model_validate(card_json(last4="0000"))
    assert parsed != sdk.models.Card.model_validate(card_json(extra_field=1))


def test_last_response_is_read_only(sdk: Any) -> None:
    card = sdk.models.Card.model_validate(card_json())
    with pytest.raises(AttributeError):
        card.last_response = None


def test_request_params_reject_unknown_fields(sdk: Any) -> None:
    # The real parameter check of the committed package (`customers.sources.create`).
    check = sdk.resources._CUSTOMERS_SOURCES_CREATE_PARAMS
    refused = sdk.errors.InvalidParamsError
    card = {"number": "4242", "exp_month": 1, "exp_year": 2030}
    cases = [
        ({"cardd": "tok_1"}, ("cardd", "unknown parameter (did you mean 'card'?)")),
        (
            {"card": {**card, "number": "x" * 5001}},  # maxLength 5000 in the spec
            ("card.number", "string should have at most 5000 characters"),
        ),
        (
            {"card": {"number": "4242", "exp_month": 1}},
            ("card.exp_year", "missing required parameter"),
        ),
        # Nested objects are closed too: a key the TypedDict lacks is refused at any
        # depth (a newer parameter goes through `extra_body`).
        (
            {"card": {**card, "future_field": "x"}},
            ("card.future_field", "unknown parameter"),
        ),
    ]
    for values, problem in cases:
        with pytest.raises(refused) as caught:
            check.validate(values)
        assert caught.value.problems == [problem]
        assert caught.value.operation == "customers.sources.create"
    assert check.validate({"card": card, "source": None}) == {
        "card": {"exp_month": 1, "exp_year": 2030, "number": "4242"}
    }


def test_response_models_accept_aliases_and_names(sdk: Any) -> None:
    # Kept as a unit of `_model_base`: Stripe's spec has no field whose Python name differs
    # from its wire name, so no real model has an alias. This model is written the way
    # the generator writes an aliased field (validation_alias + serialization_alias).
    class Thing(sdk.model_base.StripeModel):  # type: ignore[misc]
        object_: Optional[str] = Field(
            default=None, validation_alias="object", serialization_alias="object"
        )

    assert Thing.model_validate({"object": "card"}).object_ == "card"
    assert Thing.model_validate({"object_": "card"}).object_ == "card"
    dumped = Thing(object_="card").model_dump(by_alias=True, exclude_none=True)
    assert dumped == {"object": "card"}


def test_request_params_are_keyed_by_wire_name(sdk: Any) -> None:
    # Request parameters are TypedDicts whose keys are the wire names themselves (no
    # aliases): `object` is accepted, the Python-style `object_` and a misspelling are not.
    class ThingParams(TypedDict, total=False):
        object: str

    check = sdk.params_check.ParamsType(ThingParams, "things.create")
    assert check.validate({"object": "card"}) == {"object": "card"}
    for key in ("object_", "objekt"):
        with pytest.raises(sdk.errors.InvalidParamsError) as caught:
            check.validate({key: "card"})
        assert caught.value.problems == [
            (key, "unknown parameter (did you mean 'object'?)")
        ]


def test_error_from_response_never_raises(sdk: Any) -> None:
    make = sdk.errors.error_from_response
    for body in [
        "",
        "null",
        "[]",
        '{"error": "text"}',
        '{"error": {"message": "no type"}}',  # the field the model requires
        "\x00\xff",
    ]:
        error = make(400, httpx.Headers({"Request-Id": "req_9"}), body)
        assert type(error) is sdk.errors.InvalidRequestError
        assert (error.request_id, error.body, error.error) == ("req_9", body, None)
    assert type(make(302, httpx.Headers(), "")) is sdk.errors.APIError
    # an error object is built leniently, like every response: a value of an unexpected
    # type is kept as it was sent
    odd = make(400, httpx.Headers(), '{"error": {"type": 5, "new_field": [1]}}').error
    assert type(odd) is sdk.models.ApiErrors
    assert (odd.type, odd.model_extra) == (5, {"new_field": [1]})


def test_error_without_response(sdk: Any) -> None:
    error = sdk.errors.APIConnectionError("GET /v1/x failed: refused")
    assert str(error) == "GET /v1/x failed: refused"
    assert (error.http_status, error.request_id, error.body, error.error) == (
        None,
        None,
        None,
        None,
    )
    assert error.headers == {}
    assert repr(error) == (
        "APIConnectionError(message='GET /v1/x failed: refused', http_status=None,"
        " request_id=None, code=None)"
    )


def test_runtime_modules_do_not_import_the_models_at_load_time(
    package_dir: Any,
) -> None:
    """`errors` imports the (big) models module only when an error body is parsed."""
    for name in (*RUNTIME_FILES, "_constants.py"):
        tree = ast.parse((package_dir / name).read_text())
        # module level only; `if TYPE_CHECKING:` blocks are not run
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                assert node.module != "models", name

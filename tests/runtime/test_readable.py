"""Readable response objects: short masked `repr`, JSON `str`, `to_dict`/`to_json` as data.

The runtime is imported directly, with small hand-written models; each object is built both
ways the runtime builds them: by pydantic (`model_validate`, strict response validation) and
by lenient parsing (`_lenient.construct`, the default).
"""

from __future__ import annotations

import copy
import datetime
import decimal
import json
import re
from typing import Any, Callable, Dict, List, Literal, Optional, Union

import pytest
from pydantic import Field

from generator.runtime import _lenient, _model_base
from generator.runtime._model_base import SENSITIVE_FIELDS, StripeModel, StripeObject

CARD_NUMBER = "4000056655665556"
CLIENT_SECRET = "pi_3Abc_secret_QwErTyUiOp123"
CVC = "987"


class Customer(StripeModel):
    id: Optional[str] = None
    object: Optional[Literal["customer"]] = None
    email: Optional[str] = None
    name: Optional[str] = None


class Card(StripeModel):
    id: Optional[str] = None
    object: Optional[Literal["card"]] = None
    brand: Optional[str] = None
    last4: Optional[str] = None
    number: Optional[str] = None
    cvc: Optional[str] = None
    exp_year: Optional[int] = None
    customer: Optional[Union[str, Customer]] = None
    from_: Optional[str] = Field(default=None, alias="from")
    metadata: Optional[Dict[str, str]] = None
    description: Optional[str] = None


class PaymentIntent(StripeModel):
    id: Optional[str] = None
    object: Optional[Literal["payment_intent"]] = None
    amount: Optional[int] = None
    client_secret: Optional[str] = None
    cards: Optional[List[Card]] = None
    customer: Optional[Union[str, Customer]] = None


class Invoice(StripeModel):
    id: Optional[str] = None
    object: Optional[Literal["invoice"]] = None
    number: Optional[str] = None


Build = Callable[[Any, Dict[str, Any]], Any]


def _validate(model: Any, data: Dict[str, Any]) -> Any:
    return model.model_validate(data)


def _lenient_build(model: Any, data: Dict[str, Any]) -> Any:
    return _lenient.construct(model, data)


BUILDERS = pytest.mark.parametrize(
    "build",
    [
        pytest.param(_validate, id="model_validate"),
        pytest.param(_lenient_build, id="lenient"),
    ],
)


def _card_data() -> Dict[str, Any]:
    return {
        "id": "card_123",
        "object": "card",
        "brand": "Visa",
        "last4": "5556",
        "number": CARD_NUMBER,
        "cvc": CVC,
        "customer": {
            "id": "cus_1",
            "object": "customer",
            "email": "jenny@example.com",
        },
        "from": "wallet",
        "description": None,  # sent as null: kept
        "metadata": {"order": "6735"},
        "wallet_type": "apple_pay",  # unknown to the model: an extra
    }


def _intent_data(cards: int) -> Dict[str, Any]:
    card = _card_data()
    return {
        "id": "pi_3Abc",
        "object": "payment_intent",
        "amount": 2000,
        "client_secret": CLIENT_SECRET,
        "customer": "cus_1",
        "cards": [dict(card, id=f"card_{n}") for n in range(cards)],
        "shipping": {"name": "Jenny", "password": "hunter2hunter2"},  # an extra dict
    }


# --- repr -------------------------------------------------------------------------------------


@BUILDERS
def test_repr_names_the_class_and_only_the_fields_set(build: Build) -> None:
    card = build(Card, _card_data())
    text = repr(card)
    assert text.startswith("Card(id='card_123', object='card', brand='Visa', ")
    assert "last4='5556'" in text
    assert "from_='wallet'" in text  # the attribute name, as users read it
    assert "description=None" in text  # sent as null
    assert "exp_year" not in text  # never sent
    assert "wallet_type='apple_pay'" in text  # extras are shown
    # Nested objects by class and id, not in full.
    assert "customer=Customer(id='cus_1', object='customer', ...)" not in text
    assert "customer=Customer(id='cus_1', ...)" in text
    assert "jenny@example.com" not in text
    assert text.endswith(")")


@BUILDERS
def test_repr_of_an_empty_object(build: Build) -> None:
    assert repr(build(Card, {})) == "Card()"


@BUILDERS
def test_repr_is_short_for_a_big_object(build: Build) -> None:
    data = _intent_data(cards=50)
    data.update({f"extra_{n}": "x" * 40 for n in range(100)})
    intent = build(PaymentIntent, data)
    text = repr(intent)
    assert len(text) <= 500
    assert text.startswith("PaymentIntent(id='pi_3Abc', object='payment_intent', ")
    assert text.endswith(", ...)")
    # Lists show their first items and a count of the rest.
    assert (
        "cards=[Card(id='card_0', ...), Card(id='card_1', ...), Card(id='card_2', ...),"
        " ... 47 more]" in text
    )
    assert "card_3" not in text
    assert "extra_99" not in text


@BUILDERS
def test_repr_cuts_one_huge_field(build: Build) -> None:
    card = build(Card, {"id": "card_1", "description": "word " * 1000})
    text = repr(card)
    assert len(text) <= 500
    assert text.startswith("Card(id='card_1', description='word word")
    assert "..." in text


@BUILDERS
def test_repr_cuts_long_maps(build: Build) -> None:
    card = build(Card, {"metadata": {f"k{n}": str(n) for n in range(10)}})
    assert repr(card) == "Card(metadata={'k0': '0', 'k1': '1', 'k2': '2', ... 7 more})"


# --- masking ----------------------------------------------------------------------------------


@BUILDERS
def test_repr_and_str_mask_card_numbers_and_secrets(build: Build) -> None:
    intent = build(PaymentIntent, _intent_data(cards=2))
    card = intent.cards[0]
    for text in (repr(intent), str(intent), repr(card), str(card)):
        assert CARD_NUMBER not in text
        assert CARD_NUMBER[:12] not in text
        assert CLIENT_SECRET not in text
        assert "secret_QwErTy" not in text
        assert "hunter2" not in text  # in an extra dict, masked by key too
    assert "number='****5556'" in repr(card)
    assert "cvc='****'" in repr(card)
    assert "client_secret='****'" in repr(intent)
    assert '"number": "****5556"' in str(intent)  # nested cards, shown in full, masked
    assert '"cvc": "****"' in str(intent)
    assert '"client_secret": "****"' in str(intent)
    assert '"password": "****"' in str(intent)
    # The CVC is short: not even a part of it is shown.
    assert f"'{CVC}'" not in repr(card) and f'"{CVC}"' not in str(card)


def test_pydantic_printers_are_masked_too() -> None:
    """rich and devtools print through `__repr_args__` and `__repr_str__`."""
    card = Card.model_validate(_card_data())
    args = dict(card.__repr_args__())
    assert args["number"] == "****5556"
    assert args["cvc"] == "****"
    assert "exp_year" not in args
    assert CARD_NUMBER not in getattr(card, "__repr_str__")(" ")


@BUILDERS
def test_masking_keeps_none_short_values_and_invoice_numbers(build: Build) -> None:
    card = build(Card, {"number": None, "cvc": None})
    assert repr(card) == "Card(number=None, cvc=None)"
    short = build(Card, {"number": "12345678"})
    assert repr(short) == "Card(number='****')"  # 8 characters: no last 4 shown
    invoice = build(Invoice, {"id": "in_1", "object": "invoice", "number": "A1B2-0001"})
    assert "number='A1B2-0001'" in repr(invoice)  # a document number, no card's
    assert '"number": "A1B2-0001"' in str(invoice)


def test_sensitive_fields_cover_the_documented_groups() -> None:
    for name in ("number", "account_number", "iban", "id_number"):
        assert SENSITIVE_FIELDS[name] == 4
    for name in ("cvc", "secret", "client_secret", "password", "dob"):
        assert SENSITIVE_FIELDS[name] == 0
    for name in ("last4", "fingerprint", "routing_number", "email"):
        assert name not in SENSITIVE_FIELDS
    with pytest.raises(TypeError):
        SENSITIVE_FIELDS["x"] = 0  # type: ignore[index]


# --- str --------------------------------------------------------------------------------------


@BUILDERS
def test_str_is_the_json_view(build: Build) -> None:
    card = build(Card, _card_data())
    text = str(card)
    match = re.match(r"<Card card_123 at 0x[0-9a-f]+> JSON: ", text)
    assert match is not None, text
    shown = json.loads(text[match.end() :])
    expected = _card_data()
    expected.update(number="****5556", cvc="****")
    assert shown == expected  # nested in full, wire names, null kept
    assert '\n  "customer": {\n    "id": "cus_1",' in text  # indented
    assert hex(id(card)) in text


def test_str_writes_values_that_are_no_json_types() -> None:
    when = datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.timezone.utc)
    obj = StripeObject.model_construct(
        id="x_1", created=when, fee=decimal.Decimal("1.50"), inner=Customer(id="cus_9")
    )
    text = str(obj)
    assert '"created": "2024-05-01T12:30:00+00:00"' in text
    assert '"fee": "1.50"' in text
    assert '"inner": {\n    "id": "cus_9"\n  }' in text
    assert json.loads(obj.to_json())["created"] == "2024-05-01T12:30:00+00:00"


# --- to_dict / to_json ------------------------------------------------------------------------


@BUILDERS
def test_to_dict_gives_back_the_data(build: Build) -> None:
    data = _intent_data(cards=3)
    intent = build(PaymentIntent, copy.deepcopy(data))
    result = intent.to_dict()
    assert result == data  # wire names, extras, nested models as dicts, unmasked
    assert result["cards"][0]["number"] == CARD_NUMBER
    assert result["client_secret"] == CLIENT_SECRET
    assert "from" in result["cards"][0] and "from_" not in result["cards"][0]
    assert result["cards"][0]["description"] is None  # sent as null
    assert "exp_year" not in result["cards"][0]  # never sent
    assert type(result["cards"][0]["customer"]) is dict
    # New containers: changing the result leaves the object alone.
    result["cards"].clear()
    result["shipping"]["name"] = "changed"
    assert len(intent.cards) == 3
    assert intent.to_dict() == data


@BUILDERS
def test_to_json_round_trips(build: Build) -> None:
    data = _intent_data(cards=2)
    intent = build(PaymentIntent, copy.deepcopy(data))
    text = intent.to_json()
    assert json.loads(text) == data
    assert text.startswith('{\n  "id": "pi_3Abc",')
    assert CLIENT_SECRET in text  # data, not a display: unmasked
    one_line = intent.to_json(indent=None)
    assert "\n" not in one_line and json.loads(one_line) == data
    assert json.loads(build(Card, {}).to_json()) == {}


# --- unknown object kinds ---------------------------------------------------------------------


def test_stripe_object_prints() -> None:
    data = {
        "id": "nk_1",
        "object": "new_kind",
        "client_secret": CLIENT_SECRET,
        "amount": 5,
        "child": {"id": "ch_1", "object": "other_kind", "secret": "whsec_abcdefgh123"},
        "items": [{"id": f"it_{n}", "object": "item"} for n in range(5)],
    }
    obj = _lenient.construct(Union[Card, Customer], copy.deepcopy(data))
    assert type(obj) is StripeObject
    text = repr(obj)
    assert text.startswith(
        "StripeObject(id='nk_1', object='new_kind', client_secret='****', amount=5,"
        " child=StripeObject(id='ch_1', object='other_kind', ...), items=["
    )
    assert "... 2 more]" in text
    shown = str(obj)
    assert re.match(r"<StripeObject new_kind nk_1 at 0x[0-9a-f]+> JSON: \{", shown)
    assert '"secret": "****"' in shown
    for secret in (CLIENT_SECRET, "whsec_abcdefgh123"):
        assert secret not in text and secret not in shown
    assert obj.to_dict() == data
    assert json.loads(obj.to_json()) == data


def test_equality_is_unchanged() -> None:
    """Printing adds no state: equal data still compares equal, either way it was built."""
    first = _lenient.construct(Card, _card_data())
    second = _lenient.construct(Card, _card_data())
    assert first == second
    assert first != _lenient.construct(Card, dict(_card_data(), brand="Amex"))
    assert repr(first) == repr(second)


def test_module_exports_the_constant() -> None:
    assert "SENSITIVE_FIELDS" in _model_base.__all__

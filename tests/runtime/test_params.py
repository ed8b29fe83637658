"""`ParamsType`: request parameters checked against hand-written `TypedDict`s before sending.

The classes below are written the way the generated `params` modules write them, with the
names Python 3.9 has (`typing_extensions.TypedDict`, which pydantic needs before 3.12,
`Required`, `typing.List`/`Dict`), and no `from __future__ import annotations`.
"""

import pickle
import traceback
from decimal import Decimal
from typing import Any, Dict, List, Literal, Optional, Union

import pytest
from pydantic import Field
from typing_extensions import Annotated, Required, TypedDict

from generator.runtime._encoding import encode_params
from generator.runtime._params import ParamsType
from generator.runtime.errors import APIError, InvalidParamsError, StripeError

CARD_NUMBER = "4242424242424242"


class CardParams(TypedDict, total=False):
    number: Required[Annotated[str, Field(max_length=19)]]
    cvc: str
    exp_month: Required[int]
    metadata: Dict[str, str]
    nickname: Optional[str]


class ItemParams(TypedDict, total=False):
    price: Required[str]
    quantity: int


RangeParams = TypedDict(
    "RangeParams",
    {"from": int, "to": int, "foo-bar": str},
    total=False,
)


class CreateParams(TypedDict, total=False):
    amount: Required[int]
    card: Union[CardParams, Annotated[str, Field(max_length=5000)]]
    items: List[ItemParams]
    mode: Literal["live", "test"]
    percent: float
    tax_rates: Union[List[str], Literal[""]]
    created: RangeParams
    description: str


CREATE: "ParamsType[CreateParams]" = ParamsType(
    CreateParams, "customers.sources.create"
)


def problems(values: Dict[str, Any]) -> List[Any]:
    with pytest.raises(InvalidParamsError) as caught:
        CREATE.validate(values)
    return caught.value.problems


def card(**changes: Any) -> Dict[str, Any]:
    given: Dict[str, Any] = {"number": CARD_NUMBER, "cvc": "314", "exp_month": 8}
    given.update(changes)
    return given


# --- what passes ------------------------------------------------------------------------------


def test_valid_parameters_come_back_by_wire_name_without_the_top_level_nones() -> None:
    given = {
        "amount": 2000,
        "card": card(metadata={"order": "6735"}),
        "items": [{"price": "price_1", "quantity": 2}],
        "mode": "test",
        "created": {"from": 1, "foo-bar": "x"},
        "description": None,  # a keyword argument left out
        "tax_rates": "",
    }
    checked = CREATE.validate(given)
    assert checked == {
        "amount": 2000,
        "card": {
            "number": CARD_NUMBER,
            "cvc": "314",
            "exp_month": 8,
            "metadata": {"order": "6735"},
        },
        "items": [{"price": "price_1", "quantity": 2}],
        "mode": "test",
        "created": {"from": 1, "foo-bar": "x"},
        "tax_rates": "",
    }
    assert checked is not given and "description" in given  # the input is left alone
    assert ("card[number]", CARD_NUMBER) in encode_params(checked)
    assert ("created[foo-bar]", "x") in encode_params(checked)


def test_a_token_string_fits_a_union_of_an_object_and_a_string() -> None:
    assert CREATE.validate({"amount": 1, "card": "tok_visa"})["card"] == "tok_visa"


def test_numbers_for_a_float_ints_and_decimals_are_fine() -> None:
    assert CREATE.validate({"amount": 1, "percent": 5})["percent"] == 5
    checked = CREATE.validate({"amount": 1, "percent": Decimal("12.5")})
    assert checked["percent"] == 12.5
    assert ("percent", "12.5") in encode_params(checked)


def test_none_inside_an_object_is_a_value_allowed_only_where_the_spec_allows_null() -> (
    None
):
    assert CREATE.validate({"amount": 1, "card": card(nickname=None)})["card"] == {
        "number": CARD_NUMBER,
        "cvc": "314",
        "exp_month": 8,
        "nickname": None,
    }
    assert problems({"amount": 1, "card": card(cvc=None)}) == [
        ("card.cvc", "input should be a valid string")
    ]


# --- what fails, and how it is said -----------------------------------------------------------


def test_an_unknown_key_at_depth_two_is_named_by_its_path_with_a_suggestion() -> None:
    with pytest.raises(InvalidParamsError) as caught:
        CREATE.validate(
            {"amount": 1, "card": {"number": CARD_NUMBER, "exp_month": 8, "cvv": "3"}}
        )
    # only the dict branch of `Union[CardParams, str]` is reported, and the path has no
    # pydantic tags in it (`card.CardParams.cvv`, `card.constrained-str`)
    assert caught.value.problems == [
        ("card.cvv", "unknown parameter (did you mean 'cvc'?)")
    ]
    assert str(caught.value) == (
        "customers.sources.create: card.cvv: unknown parameter (did you mean 'cvc'?)"
    )
    assert caught.value.operation == "customers.sources.create"


def test_a_suggestion_is_never_a_key_already_given() -> None:
    assert problems({"amount": 1, "card": card(cvcc="1")}) == [
        ("card.cvcc", "unknown parameter")
    ]
    without_cvc = {"number": CARD_NUMBER, "exp_month": 8, "cvcc": "1"}
    assert problems({"amount": 1, "card": without_cvc}) == [
        ("card.cvcc", "unknown parameter (did you mean 'cvc'?)")
    ]


def test_list_items_are_named_by_their_index() -> None:
    assert problems(
        {"amount": 1, "items": [{"price": "p"}, {"price": "p", "quantty": 1}]}
    ) == [("items.1.quantty", "unknown parameter (did you mean 'quantity'?)")]


def test_top_level_unknown_keys_are_refused_too() -> None:
    assert problems({"amout": 2}) == [
        ("amount", "missing required parameter"),
        ("amout", "unknown parameter (did you mean 'amount'?)"),
    ]


def test_keys_that_are_no_identifiers_are_checked_and_suggested() -> None:
    assert problems({"amount": 1, "created": {"fro": 1, "foo_bar": "x"}}) == [
        ("created.fro", "unknown parameter (did you mean 'from'?)"),
        ("created.foo_bar", "unknown parameter (did you mean 'foo-bar'?)"),
    ]


def test_missing_required_keys() -> None:
    assert problems({"card": {"cvc": "1"}}) == [
        ("amount", "missing required parameter"),
        ("card.number", "missing required parameter"),
        ("card.exp_month", "missing required parameter"),
    ]
    assert problems({"amount": 1, "items": [{}]}) == [
        ("items.0.price", "missing required parameter")
    ]


def test_enum_values_are_literals() -> None:
    assert problems({"amount": 1, "mode": "prod"}) == [
        ("mode", "input should be 'live' or 'test'")
    ]


def test_limits_from_the_spec_are_kept() -> None:
    assert problems({"amount": 1, "card": card(number="4" * 20)}) == [
        ("card.number", "string should have at most 19 characters")
    ]


@pytest.mark.parametrize(
    "values, expected",
    [
        ({"amount": "5"}, [("amount", "input should be a valid integer")]),
        ({"amount": True}, [("amount", "input should be a valid integer")]),
        ({"amount": 5.0}, [("amount", "input should be a valid integer")]),
        (
            {"amount": 1, "description": 5},
            [("description", "input should be a valid string")],
        ),
        (
            {"amount": 1, "items": ({"price": "p"},)},
            [("items", "input should be a valid list")],
        ),
        (
            {"amount": 1, "card": card(metadata={"order": 6735})},
            [("card.metadata.order", "input should be a valid string")],
        ),
    ],
)
def test_values_are_not_coerced(values: Dict[str, Any], expected: List[Any]) -> None:
    """As strict as a type checker: no "5" for an int, no bool for a number, no int for
    a str, no tuple for a list."""
    assert problems(values) == expected


def test_a_value_no_member_of_a_union_takes_gets_one_line() -> None:
    assert problems({"amount": 1, "card": 4242, "tax_rates": 7}) == [
        ("card", "input should be a valid dictionary or a valid string"),
        ("tax_rates", "input should be a valid list or ''"),
    ]


def test_the_member_that_took_the_value_kind_is_reported() -> None:
    assert problems({"amount": 1, "tax_rates": ["txr_1", 2]}) == [
        ("tax_rates.1", "input should be a valid string")
    ]


def test_no_value_appears_in_the_message_the_problems_or_the_traceback() -> None:
    long_number = CARD_NUMBER * 2
    with pytest.raises(InvalidParamsError) as caught:
        CREATE.validate(
            {"amount": 1, "card": {"number": long_number, "exp_month": 8, "cvv": "987"}}
        )
    error = caught.value
    assert [path for path, _ in error.problems] == ["card.number", "card.cvv"]
    texts = [str(error), repr(error), repr(error.problems), repr(error.args)]
    texts.append("".join(traceback.format_exception(type(error), error, None)))
    for text in texts:
        assert CARD_NUMBER not in text and "987" not in text, text
    # pydantic's ValidationError quotes the input: it is neither cause nor context
    assert error.__cause__ is None and error.__context__ is None


def test_many_problems_are_listed_up_to_a_cap_and_all_kept() -> None:
    values: Dict[str, Any] = {"amount": 1}
    values.update({f"unknown_{i}": i for i in range(8)})
    with pytest.raises(InvalidParamsError) as caught:
        CREATE.validate(values)
    lines = str(caught.value).splitlines()
    assert len(lines) == InvalidParamsError.MAX_SHOWN + 1
    assert lines[-1] == "customers.sources.create: ... and 3 more"
    assert len(caught.value.problems) == 8


def test_the_error_is_a_stripe_error_and_a_value_error_but_no_api_error() -> None:
    error = InvalidParamsError(
        "charges.create", [("amount", "missing required parameter")]
    )
    assert isinstance(error, StripeError) and isinstance(error, ValueError)
    assert not isinstance(error, APIError)
    assert error.http_status is None and error.request_id is None
    assert str(error) == "charges.create: amount: missing required parameter"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.operation, copy.problems, str(copy)) == (
        "charges.create",
        [("amount", "missing required parameter")],
        str(error),
    )


def test_creating_a_params_type_builds_nothing_until_the_first_call() -> None:
    """Created at import time of every resource module: it must not compile the schema,
    which a forward reference not yet defined would make fail."""

    class Later(TypedDict, total=False):
        child: "NotDefinedYet"  # type: ignore[name-defined]  # noqa: F821

    lazy = ParamsType(Later, "things.create")
    assert "things.create" in repr(lazy)
    with pytest.raises(Exception) as caught:
        lazy.validate({})
    assert not isinstance(caught.value, InvalidParamsError)  # a bug, not bad input

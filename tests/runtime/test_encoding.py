"""The form/query encoder and path quoting (`_encoding.py` of the committed package).

Pure unit tests of the runtime module, imported from the copy `vendored_sdk` of
`generated/stripe_client`.
"""

from __future__ import annotations

import enum
import sys
import types
from decimal import Decimal
from typing import Any, Dict, List, Tuple
from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st


def encode(
    sdk: types.SimpleNamespace, values: Dict[str, Any], **styles: str
) -> List[Tuple[str, str]]:
    result: List[Tuple[str, str]] = sdk.encoding.encode_params(values, styles)
    return result


def test_nested_card_object_uses_brackets(sdk: types.SimpleNamespace) -> None:
    card = {
        "number": "4242424242424242",
        "exp_month": 8,
        "exp_year": 2030,
        "metadata": {"k": "v", "order": "6735"},
    }
    assert encode(sdk, {"card": card}) == [
        ("card[number]", "4242424242424242"),
        ("card[exp_month]", "8"),
        ("card[exp_year]", "2030"),
        ("card[metadata][k]", "v"),
        ("card[metadata][order]", "6735"),
    ]


def test_metadata_and_scalars(sdk: types.SimpleNamespace) -> None:
    values = {"source": "tok_visa", "metadata": {"order": "6735"}, "amount": 2000}
    assert encode(sdk, values) == [
        ("source", "tok_visa"),
        ("metadata[order]", "6735"),
        ("amount", "2000"),
    ]


def test_arrays_are_indexed_in_deep_object_style(sdk: types.SimpleNamespace) -> None:
    assert encode(
        sdk, {"expand": ["customer", "default_source"]}, expand="deepObject"
    ) == [
        ("expand[0]", "customer"),
        ("expand[1]", "default_source"),
    ]


def test_arrays_of_objects(sdk: types.SimpleNamespace) -> None:
    items = [
        {"price": "price_1", "quantity": 2},
        {"price": "price_2", "tax_rates": ["txr_1"]},
    ]
    assert encode(sdk, {"items": items}) == [
        ("items[0][price]", "price_1"),
        ("items[0][quantity]", "2"),
        ("items[1][price]", "price_2"),
        ("items[1][tax_rates][0]", "txr_1"),
    ]


def test_booleans_are_lower_case_words(sdk: types.SimpleNamespace) -> None:
    assert encode(sdk, {"a": True, "b": False, "c": {"d": True}}) == [
        ("a", "true"),
        ("b", "false"),
        ("c[d]", "true"),
    ]


def test_empty_string_is_sent_to_unset(sdk: types.SimpleNamespace) -> None:
    assert encode(sdk, {"metadata": "", "card": {"name": ""}}) == [
        ("metadata", ""),
        ("card[name]", ""),
    ]
    assert sdk.encoding.urlencode_pairs([("metadata", "")]) == "metadata="


def test_none_is_omitted_everywhere_and_arrays_stay_dense(
    sdk: types.SimpleNamespace,
) -> None:
    values = {"a": None, "b": {"c": None, "d": "x"}, "e": [None, "y", None, "z"]}
    assert encode(sdk, values) == [("b[d]", "x"), ("e[0]", "y"), ("e[1]", "z")]


def test_empty_containers_send_nothing(sdk: types.SimpleNamespace) -> None:
    assert encode(
        sdk, {"metadata": {}, "expand": [], "items": [{}, {"price": "p"}]}
    ) == [("items[0][price]", "p")]


def test_numbers_without_exponent_noise(sdk: types.SimpleNamespace) -> None:
    values = {
        "a": 0.1,
        "b": 1e-7,
        "c": 1e22,
        "d": Decimal("12.50"),
        "e": Decimal("1E+3"),
        "f": -3,
        "g": 10**20,
    }
    assert encode(sdk, values) == [
        ("a", "0.1"),
        ("b", "0.0000001"),
        ("c", "10000000000000000000000"),
        ("d", "12.50"),
        ("e", "1000"),
        ("f", "-3"),
        ("g", "100000000000000000000"),
    ]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN")])
def test_non_finite_numbers_are_rejected(
    sdk: types.SimpleNamespace, value: Any
) -> None:
    with pytest.raises(ValueError, match="finite"):
        encode(sdk, {"amount": value})


@pytest.mark.parametrize("value", [b"bytes", {1, 2}, object(), 1j])
def test_other_types_are_rejected(sdk: types.SimpleNamespace, value: Any) -> None:
    with pytest.raises(TypeError, match="'x'"):
        encode(sdk, {"x": value})


def test_enum_members_encode_as_their_value(sdk: types.SimpleNamespace) -> None:
    class Interval(str, enum.Enum):
        MONTH = "month"

    class Count(enum.IntEnum):
        THREE = 3

    assert encode(sdk, {"interval": Interval.MONTH, "n": Count.THREE}) == [
        ("interval", "month"),
        ("n", "3"),
    ]


def test_form_style_repeats_arrays_and_explodes_objects(
    sdk: types.SimpleNamespace,
) -> None:
    values = {
        "ids": ["a", "b"],
        "limit": 3,
        "filter": {"status": "open", "active": True},
    }
    assert encode(sdk, values, ids="form", limit="form", filter="form") == [
        ("ids", "a"),
        ("ids", "b"),
        ("limit", "3"),
        ("status", "open"),
        ("active", "true"),
    ]


def test_form_style_arrays_of_objects_keep_brackets(sdk: types.SimpleNamespace) -> None:
    """Form has no spelling for them (OpenAPI leaves it undefined): sent as deepObject."""
    assert encode(sdk, {"ids": [{"a": 1}, "b"]}, ids="form") == [
        ("ids[0][a]", "1"),
        ("ids[1]", "b"),
    ]


def test_unknown_style_is_an_error(sdk: types.SimpleNamespace) -> None:
    with pytest.raises(ValueError, match="tabDelimited"):
        encode(sdk, {"ids": ["a"]}, ids="tabDelimited")


def test_order_follows_the_input(sdk: types.SimpleNamespace) -> None:
    values = {"z": "1", "a": {"y": "2", "b": "3"}}
    assert [key for key, _ in encode(sdk, values)] == ["z", "a[y]", "a[b]"]


def test_urlencode_keeps_brackets_and_escapes_values(
    sdk: types.SimpleNamespace,
) -> None:
    pairs = [("card[metadata][note]", "a&b=c d/é"), ("expand[0]", "customer")]
    text = sdk.encoding.urlencode_pairs(pairs)
    assert text == "card[metadata][note]=a%26b%3Dc+d%2F%C3%A9&expand[0]=customer"
    assert parse_qsl(text, keep_blank_values=True) == pairs


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("cus_123", "cus_123"),
        ("a/b", "a%2Fb"),
        ("../../v1/charges", "..%2F..%2Fv1%2Fcharges"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("a?b#c", "a%3Fb%23c"),
        ("sp ace", "sp%20ace"),
        ("100%", "100%25"),
        ("é", "%C3%A9"),
        ("a-b.c_d~e", "a-b.c_d~e"),
    ],
)
def test_quote_path(sdk: types.SimpleNamespace, value: str, quoted: str) -> None:
    assert sdk.encoding.quote_path(value) == quoted


def test_quote_path_rejects_empty(sdk: types.SimpleNamespace) -> None:
    with pytest.raises(ValueError):
        sdk.encoding.quote_path("")


def test_checked_params_encode_by_wire_name(sdk: types.SimpleNamespace) -> None:
    # The real parameter check of the committed package, run the way the generated method
    # runs it (plain dicts by wire name, top-level None dropped), then encoded. Keys come
    # out in the TypedDict's (the spec's) order, whatever order the caller wrote them in.
    check = sdk.resources._CUSTOMERS_SOURCES_CREATE_PARAMS
    values = check.validate(
        {
            "source": None,
            "metadata": {"order": ""},
            "expand": ["customer"],
            "card": {
                "object": "card",
                "number": "4242",
                "exp_year": 2030,
                "exp_month": 1,
            },
        }
    )
    assert encode(
        sdk, values, card="deepObject", expand="deepObject", metadata="deepObject"
    ) == [
        ("card[exp_month]", "1"),
        ("card[exp_year]", "2030"),
        ("card[number]", "4242"),
        ("card[object]", "card"),
        ("expand[0]", "customer"),
        ("metadata[order]", ""),
    ]


@pytest.mark.usefixtures("sdk")
@given(st.lists(st.tuples(st.text(), st.text()), max_size=5))
def test_urlencode_pairs_matches_urllib(pairs: List[Tuple[str, str]]) -> None:
    from urllib.parse import urlencode

    # The sdk fixture is session-scoped; hypothesis runs this body many times.
    encoding = sys.modules["vendored_sdk._encoding"]
    assert encoding.urlencode_pairs(pairs) == urlencode(pairs, safe="[]")

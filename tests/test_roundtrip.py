"""The generated client against a local server that validates requests with the spec."""

from __future__ import annotations

import asyncio
from types import ModuleType
from typing import Any

import pytest

from tests.spec_server import Seen, SpecServer, error_body, running

KEY = "sk_test_roundtrip_0123456789"


@pytest.fixture()
def api(stripe_spec: dict[str, Any], stripe_fixtures: dict[str, Any]) -> SpecServer:
    return SpecServer(stripe_spec, stripe_fixtures)


def answer_with(stripe_fixtures: dict[str, Any], resource: str) -> Any:
    return lambda seen: (200, stripe_fixtures[resource])


def test_card_object_metadata_and_expand_round_trip(
    vendored: ModuleType, api: SpecServer, stripe_fixtures: dict[str, Any]
) -> None:
    from vendored_stripe.models import Card
    from vendored_stripe.params.customers import CustomerPaymentSourceCard

    api.respond = answer_with(stripe_fixtures, "card")
    with (
        running(api) as server,
        vendored.Client(api_key=KEY, base_url=server.url) as client,
    ):
        card = client.customers.sources.create(
            "cus_123",
            card=CustomerPaymentSourceCard(
                number="4242424242424242",
                exp_month=12,
                exp_year=2030,
                metadata={"k": "v"},
            ),
            metadata={"order": "6735"},
            expand=["customer", "account"],
        )
    [seen] = api.seen
    assert seen.errors == []
    assert seen.operation_id == "PostCustomersCustomerSources"
    assert seen.path == "/v1/customers/cus_123/sources"
    assert seen.body == {
        "card": {
            "number": "4242424242424242",
            "exp_month": 12,
            "exp_year": 2030,
            "metadata": {"k": "v"},
        },
        "metadata": {"order": "6735"},
        "expand": ["customer", "account"],
    }
    assert isinstance(card, Card)
    assert card.id == stripe_fixtures["card"]["id"]
    assert card.last_response is not None and card.last_response.status_code == 200
    assert seen.headers["authorization"] == f"Bearer {KEY}"
    assert seen.headers["stripe-version"] == "2023-08-16"
    assert seen.headers["idempotency-key"]


@pytest.mark.parametrize("resource", ["card", "bank_account", "source", "account"])
def test_each_payment_source_parses_by_its_object_tag(
    vendored: ModuleType,
    api: SpecServer,
    stripe_fixtures: dict[str, Any],
    resource: str,
) -> None:
    from vendored_stripe import models

    expected = {
        "card": models.Card,
        "bank_account": models.BankAccount,
        "source": models.Source,
        "account": models.Account,
    }
    api.respond = answer_with(stripe_fixtures, resource)
    with (
        running(api) as server,
        vendored.Client(api_key=KEY, base_url=server.url) as client,
    ):
        result = client.customers.sources.create("cus_1", source="tok_visa")
    assert type(result) is expected[resource]
    assert api.seen[0].body == {"source": "tok_visa"}


def test_token_string_and_empty_metadata_value(
    vendored: ModuleType, api: SpecServer, stripe_fixtures: dict[str, Any]
) -> None:
    api.respond = answer_with(stripe_fixtures, "card")
    with (
        running(api) as server,
        vendored.Client(api_key=KEY, base_url=server.url) as client,
    ):
        client.customers.sources.create("cus_1", card="tok_visa", metadata={"old": ""})
    assert api.seen[0].errors == []
    assert api.seen[0].body == {"card": "tok_visa", "metadata": {"old": ""}}


def test_server_side_validation_error_is_raised_typed(
    vendored: ModuleType, api: SpecServer
) -> None:
    def reject(seen: Seen) -> tuple[int, Any]:
        body = error_body("card_error", "Your card was declined.")
        body["error"].update(
            code="card_declined", decline_code="generic_decline", param="number"
        )
        return 402, body

    api.respond = reject
    with (
        running(api) as server,
        vendored.Client(api_key=KEY, base_url=server.url, max_retries=0) as client,
    ):
        with pytest.raises(vendored.CardError) as raised:
            client.customers.sources.create("cus_1", source="tok_chargeDeclined")
    error = raised.value
    assert error.http_status == 402
    assert error.request_id == "req_1"
    assert error.error is not None and error.error.code == "card_declined"
    assert KEY not in str(error) and KEY not in repr(error)


def test_client_side_validation_stops_bad_input_before_the_network(
    vendored: ModuleType, api: SpecServer
) -> None:
    from vendored_stripe import InvalidParamsError
    from vendored_stripe.params.customers import CustomerPaymentSourceCard

    # params are TypedDicts: the call validates them, before anything is sent
    card = CustomerPaymentSourceCard(number="4" * 5001, exp_month=1, exp_year=2030)
    with (
        running(api) as server,
        vendored.Client(api_key=KEY, base_url=server.url) as client,
    ):
        with pytest.raises(InvalidParamsError) as too_long:
            client.customers.sources.create("cus_1", card=card)
        with pytest.raises(InvalidParamsError) as top_level:
            client.customers.sources.create("cus_1", alipay_account="x" * 5001)
        with pytest.raises(InvalidParamsError) as misspelt:
            client.customers.sources.create(
                "cus_1",
                card={"number": "4242", "exp_month": 1, "exp_year": 2030, "cvv": "1"},
            )
    assert api.seen == []
    assert isinstance(too_long.value, ValueError)
    assert too_long.value.operation == "customers.sources.create"
    assert any(path.startswith("card") for path, _ in too_long.value.problems)
    assert "4" * 20 not in str(too_long.value)  # the card number is not shown
    assert any(path == "alipay_account" for path, _ in top_level.value.problems)
    assert "customers.sources.create: card.cvv: unknown parameter" in str(
        misspelt.value
    )
    assert "did you mean 'cvc'?" in str(misspelt.value)


def test_async_client_round_trip(
    vendored: ModuleType, api: SpecServer, stripe_fixtures: dict[str, Any]
) -> None:
    from vendored_stripe.models import BankAccount
    from vendored_stripe.params.customers import CustomerPaymentSourceBankAccount

    api.respond = answer_with(stripe_fixtures, "bank_account")

    async def call(url: str) -> Any:
        async with vendored.AsyncClient(api_key=KEY, base_url=url) as client:
            return await client.customers.sources.create(
                "cus_9",
                bank_account=CustomerPaymentSourceBankAccount(
                    account_number="000123456789", country="US", currency="usd"
                ),
            )

    with running(api) as server:
        result = asyncio.run(call(server.url))
    assert isinstance(result, BankAccount)
    assert api.seen[0].errors == []
    assert api.seen[0].body == {
        "bank_account": {
            "account_number": "000123456789",
            "country": "US",
            "currency": "usd",
        }
    }


def test_unknown_fields_and_enum_values_from_a_newer_api_parse(
    vendored: ModuleType, api: SpecServer, stripe_fixtures: dict[str, Any]
) -> None:
    newer = dict(
        stripe_fixtures["card"],
        brand="NewBrand",
        funding="crypto",
        shiny_new_field={"x": 1},
    )
    api.respond = lambda seen: (200, newer)
    with (
        running(api) as server,
        vendored.Client(api_key=KEY, base_url=server.url) as client,
    ):
        card = client.customers.sources.create("cus_1", source="tok_visa")
    assert card.funding == "crypto"
    assert card.model_extra == {"shiny_new_field": {"x": 1}}

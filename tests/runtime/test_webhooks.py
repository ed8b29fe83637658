"""`webhooks`: Stripe's signature scheme, checked against stripe-python's own code.

Every signature here is made by stripe-python 16.1.0 (`stripe.WebhookSignature`), so the
runtime verifies what Stripe signs, not what it signs itself. The signature checks run on
`generator/runtime/webhooks.py` directly (its stand-in `_constants` has no models, so events
are `StripeObject`s); the typed events on the `ops` package (`GetCustomers` reaches
`Customer`), whose `Event` model the generator now always emits, with payloads built from
the pinned fixtures.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any, Dict, Optional, Union

import pytest
import stripe

from generator.runtime import webhooks
from generator.runtime._model_base import StripeObject
from generator.runtime.errors import SignatureVerificationError, StripeError

from .conftest import OPS_PACKAGE, resource

SECRET = "whsec_test_0123456789abcdefNOTREALsecretFORtests"
PAYLOAD = '{"id": "evt_test", "object": "event", "data": {"object": {"id": "x"}}}'


def stripe_header(
    payload: Union[str, bytes], timestamp: Optional[int] = None, secret: str = SECRET
) -> str:
    """The header stripe-python's test helper makes (`t=...,v1=...`)."""
    text = payload.decode("utf-8") if isinstance(payload, bytes) else payload
    return stripe.WebhookSignature.generate_signature_header(
        text, secret, timestamp=timestamp
    )


def stripe_signature(payload: str, timestamp: int, secret: str = SECRET) -> str:
    return stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload}", secret)


def stripe_accepts(
    payload: Union[str, bytes], header: str, tolerance: Optional[int] = 300
) -> bool:
    try:
        stripe.WebhookSignature.verify_header(payload, header, SECRET, tolerance)
    except stripe.SignatureVerificationError:
        return False
    return True


def refused(
    payload: Union[str, bytes], header: str, **options: Any
) -> SignatureVerificationError:
    with pytest.raises(SignatureVerificationError) as caught:
        webhooks.verify_signature(payload, header, SECRET, **options)
    error = caught.value
    assert isinstance(error, StripeError) and isinstance(error, ValueError)
    assert error.sig_header == header
    assert SECRET not in str(error) and SECRET not in repr(error.args)
    return error


# --- signatures ---------------------------------------------------------------------------


def test_a_good_signature_verifies() -> None:
    header = stripe_header(PAYLOAD)
    assert webhooks.verify_signature(PAYLOAD, header, SECRET) is None
    assert stripe_accepts(PAYLOAD, header)


def test_our_signature_header_is_stripes() -> None:
    assert webhooks.signature_header(
        PAYLOAD, SECRET, timestamp=1700000000
    ) == stripe_header(PAYLOAD, 1700000000)


def test_a_bad_signature_is_refused() -> None:
    now = int(time.time())
    header = f"t={now},v1={stripe_signature(PAYLOAD, now, 'whsec_another_secret')}"
    error = refused(PAYLOAD, header)
    assert "No v1 signature" in error.message and "matches" in error.message
    assert not stripe_accepts(PAYLOAD, header)
    # the payload changed after signing
    refused(PAYLOAD.replace("evt_test", "evt_tesT"), stripe_header(PAYLOAD))
    # the signature of another timestamp
    stale_sig = stripe_signature(PAYLOAD, now - 1)
    refused(PAYLOAD, f"t={now},v1={stale_sig}")
    # not even hex, nor ASCII: refused, not a TypeError from compare_digest
    refused(PAYLOAD, f"t={now},v1=zzz\u00e9")


def test_a_stale_timestamp_is_refused_after_the_signature_matched() -> None:
    signed_at = int(time.time()) - 301
    header = stripe_header(PAYLOAD, signed_at)
    error = refused(PAYLOAD, header)
    assert (
        "tolerance of 300 seconds" in error.message and str(signed_at) in error.message
    )
    assert not stripe_accepts(PAYLOAD, header, tolerance=300)
    # within the tolerance, judged at `now`
    webhooks.verify_signature(PAYLOAD, header, SECRET, now=signed_at + 300)
    refused(PAYLOAD, header, now=signed_at + 301, tolerance=300)
    webhooks.verify_signature(PAYLOAD, header, SECRET, tolerance=600)
    # a bad signature is reported as such, stale or not (stripe checks it first too)
    forged = f"t={signed_at},v1={'0' * 64}"
    assert "matches" in refused(PAYLOAD, forged).message


def test_tolerance_none_or_zero_does_not_check_the_age() -> None:
    header = stripe_header(PAYLOAD, 1000)  # 1970
    webhooks.verify_signature(PAYLOAD, header, SECRET, tolerance=None)
    webhooks.verify_signature(PAYLOAD, header, SECRET, tolerance=0)
    assert stripe_accepts(PAYLOAD, header, tolerance=None)
    assert stripe_accepts(PAYLOAD, header, tolerance=0)
    refused(PAYLOAD, header)  # the default does
    with pytest.raises(ValueError, match="at least 0"):
        webhooks.verify_signature(PAYLOAD, header, SECRET, tolerance=-1)


def test_a_future_timestamp_is_accepted_as_stripe_does() -> None:
    header = stripe_header(PAYLOAD, int(time.time()) + 3600)
    webhooks.verify_signature(PAYLOAD, header, SECRET)
    assert stripe_accepts(PAYLOAD, header)


def test_one_matching_signature_among_several_is_enough() -> None:
    """While a secret is rolled, Stripe signs with each active secret."""
    now = int(time.time())
    other = stripe_signature(PAYLOAD, now, "whsec_the_old_secret")
    good = stripe_signature(PAYLOAD, now)
    for header in (
        f"t={now},v1={other},v1={good}",
        f"t={now},v1={good},v1={other}",
        f"t={now},v0={other},v1={other},v1={good}",
    ):
        webhooks.verify_signature(PAYLOAD, header, SECRET)
        assert stripe_accepts(PAYLOAD, header)
    refused(PAYLOAD, f"t={now},v1={other},v1={other[::-1]}")


def test_a_v0_only_header_is_refused() -> None:
    now = int(time.time())
    header = f"t={now},v0={stripe_signature(PAYLOAD, now)}"
    error = refused(PAYLOAD, header)
    assert "no signature of the expected scheme `v1`" in error.message
    assert not stripe_accepts(PAYLOAD, header)


@pytest.mark.parametrize("header", ["", "   "])
def test_a_missing_header_is_refused(header: str) -> None:
    assert "No Stripe-Signature header" in refused(PAYLOAD, header).message
    with pytest.raises(SignatureVerificationError, match="No Stripe-Signature header"):
        webhooks.verify_signature(PAYLOAD, None, SECRET)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("header", "says"),
    [
        ("garbage", "cannot be read"),
        ("t=1700000000,v1", "cannot be read"),
        ("v1=abc,v0=def", "no timestamp"),
        ("t=soon,v1=abc", "no whole number"),
        ("t=-5,v1=abc", "no whole number"),
        ("t=1700000000", "no signature of the expected scheme"),
    ],
)
def test_an_unreadable_header_says_what_is_wrong(header: str, says: str) -> None:
    assert says in refused(PAYLOAD, header).message
    assert not stripe_accepts(PAYLOAD, header)


def test_an_empty_secret_is_refused_without_checking() -> None:
    header = stripe_header(PAYLOAD)
    with pytest.raises(SignatureVerificationError, match="whsec_"):
        webhooks.verify_signature(PAYLOAD, header, "")


def test_str_and_bytes_payloads_verify_alike() -> None:
    payload = '{"id": "evt_\u00e9\u4e2d", "object": "event"}'
    header = stripe_header(payload)
    webhooks.verify_signature(payload, header, SECRET)
    webhooks.verify_signature(payload.encode("utf-8"), header, SECRET)
    webhooks.verify_signature(bytearray(payload.encode("utf-8")), header, SECRET)
    assert stripe_accepts(payload.encode("utf-8"), header)
    # the bytes are checked as received: another encoding of the same text is not them
    refused(payload.encode("utf-16"), header)


def test_the_secret_never_appears_in_any_message() -> None:
    now = int(time.time())
    headers = [
        "",
        "x",
        "v1=a",
        "t=1",
        f"t={now},v1={SECRET}",
        f"t={now - 1000},v1={stripe_signature(PAYLOAD, now - 1000)}",
    ]
    for header in headers:
        refused(PAYLOAD, header)  # asserts it


def test_the_exception_pickles_with_its_header() -> None:
    import pickle

    error = refused(PAYLOAD, "t=1")
    again = pickle.loads(pickle.dumps(error))
    assert (again.message, again.sig_header) == (error.message, "t=1")


# --- construct_event on the runtime alone: StripeObject events ----------------------------


def test_without_models_the_event_is_a_stripe_object_keeping_every_field() -> None:
    event_json = {
        "id": "evt_1",
        "object": "event",
        "type": "thing.created",
        "data": {
            "object": {"id": "th_1", "object": "thing", "n": {"object": "bit", "a": 1}},
            "previous_attributes": {"n": None},
        },
    }
    payload = json.dumps(event_json)
    event = webhooks.construct_event(payload, stripe_header(payload), SECRET)
    assert type(event) is StripeObject
    assert (event.id, event.type) == ("evt_1", "thing.created")
    thing = event.data["object"]
    assert type(thing) is StripeObject and thing.id == "th_1"
    assert type(thing.n) is StripeObject and thing.n.a == 1
    assert event.data["previous_attributes"] == {"n": None}


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ("[1, 2]", "JSON list, not an event"),
        ('{"object": "v2.core.event", "id": "evt_x"}', "thin event"),
        ("{not json", "Expecting"),
    ],
)
def test_a_verified_payload_that_is_no_event_is_a_value_error(
    payload: str, says: str
) -> None:
    with pytest.raises(ValueError, match=says) as caught:
        webhooks.construct_event(payload, stripe_header(payload), SECRET)
    assert not isinstance(caught.value, SignatureVerificationError)


def test_construct_event_verifies_first() -> None:
    with pytest.raises(SignatureVerificationError):
        webhooks.construct_event(PAYLOAD, stripe_header(PAYLOAD + " "), SECRET)
    stale = stripe_header(PAYLOAD, int(time.time()) - 3600)
    with pytest.raises(SignatureVerificationError, match="tolerance"):
        webhooks.construct_event(PAYLOAD, stale, SECRET)
    assert webhooks.construct_event(PAYLOAD, stale, SECRET, tolerance=None).id == (
        "evt_test"
    )


# --- construct_event on a generated package: typed events ---------------------------------


def _event_json(data_object: Dict[str, Any], **data: Any) -> Dict[str, Any]:
    """The fixture event, carrying `data_object`."""
    return resource("event", data={"object": data_object, **data})


def _construct(ops: types.SimpleNamespace, event_json: Dict[str, Any]) -> Any:
    payload = json.dumps(event_json).encode("utf-8")
    hooks = importlib.import_module(f"{OPS_PACKAGE}.webhooks")
    assert ops.package.webhooks is hooks
    return hooks.construct_event(payload, stripe_header(payload), SECRET)


def test_a_customer_event_is_typed(ops: types.SimpleNamespace) -> None:
    customer = resource("customer", field_from_a_newer_api_version={"n": 1})
    event_json = _event_json(customer, previous_attributes={"email": "old@example.com"})
    event_json["type"] = "customer.updated"
    event = _construct(ops, event_json)
    assert type(event) is ops.models.Event
    assert event.id == event_json["id"] and event.type == "customer.updated"
    assert type(event.data) is ops.models.NotificationEventData
    obj = event.data.object
    assert type(obj) is ops.models.Customer
    assert obj.id == customer["id"] and obj.email == customer["email"]
    assert obj.model_extra == {"field_from_a_newer_api_version": {"n": 1}}
    assert event.data.previous_attributes == {"email": "old@example.com"}
    assert type(event.request) is ops.models.NotificationEventRequest
    assert ops.models.OBJECT_KINDS["customer"] == "Customer"
    # what stripe-python makes of the same delivery
    payload = json.dumps(event_json)
    theirs = stripe.Webhook.construct_event(payload, stripe_header(payload), SECRET)
    assert theirs.data.object.id == obj.id and theirs.type == event.type


def test_an_unknown_kind_is_a_stripe_object_keeping_its_fields(
    ops: types.SimpleNamespace,
) -> None:
    unknown = {
        "id": "nk_1",
        "object": "brand_new_kind",
        "amount": 5,
        "inner": {"object": "inner_kind", "x": [1, 2]},
        "plain": {"k": "v"},
    }
    event = _construct(ops, _event_json(unknown))
    assert type(event) is ops.models.Event
    obj = event.data.object
    assert type(obj) is ops.model_base.StripeObject
    assert obj.model_extra is not None and set(obj.model_extra) == set(unknown)
    assert (obj.id, obj.object, obj.amount, obj.plain) == (
        "nk_1",
        "brand_new_kind",
        5,
        {"k": "v"},
    )
    assert type(obj.inner) is ops.model_base.StripeObject and obj.inner.x == [1, 2]
    assert event.data.previous_attributes is None


def test_the_fixture_event_itself_parses(ops: types.SimpleNamespace) -> None:
    """Its `plan` object: a kind the ops package has no model of, or its model."""
    event_json = resource("event")
    event = _construct(ops, event_json)
    plan = event.data.object
    name = ops.models.OBJECT_KINDS.get("plan")
    expected = getattr(ops.models, name) if name else ops.model_base.StripeObject
    assert type(plan) is expected
    assert plan.id == event_json["data"]["object"]["id"]


def test_importing_the_package_does_not_load_the_models(ops_dir: Path) -> None:
    """`webhooks` is imported by the package; the models only on the first event."""
    payload = PAYLOAD
    script = f"""
import sys
import {OPS_PACKAGE}
assert {OPS_PACKAGE}.webhooks.construct_event is not None
assert "{OPS_PACKAGE}.models" not in sys.modules, "models imported"
event = {OPS_PACKAGE}.webhooks.construct_event(sys.argv[1], sys.argv[2], sys.argv[3])
assert "{OPS_PACKAGE}.models" in sys.modules
assert type(event).__name__ == "Event", type(event)
"""
    result = subprocess.run(
        [sys.executable, "-c", script, payload, stripe_header(payload), SECRET],
        cwd=ops_dir.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr

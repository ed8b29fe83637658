"""Webhooks: prove that a request came from Stripe, and read the event it carries.

Stripe signs every webhook delivery with the endpoint's secret (`whsec_...`, shown in the
Dashboard for each endpoint) in the `Stripe-Signature` header,
`t=<timestamp>,v1=<signature>[,v1=<signature>...][,v0=<signature>]`: each `v1` signature is
the hex HMAC-SHA256, keyed with the secret, of `"<timestamp>.<payload>"`. There are several
`v1` signatures while a secret is being rolled (one per active secret); `v0` ones are a
legacy scheme, ignored. The scheme is stripe-python's (`stripe.Webhook.construct_event`,
`stripe.WebhookSignature.verify_header`), step for step:

- The payload must be the request body exactly as received, before any JSON parsing or
  re-encoding: `bytes` are checked as they are, a `str` as its UTF-8 encoding.
- Every `v1` signature is compared with `hmac.compare_digest` (constant time); one match is
  enough.
- Only after a signature matched is the timestamp checked: older than `tolerance` seconds
  (300, five minutes, by default) is refused, so that a captured delivery cannot be replayed
  later. As in stripe-python, `tolerance=None` or `0` turns the check off, and a timestamp in
  the future is not refused (clocks differ; the signature still proves the payload).

Every failure raises `errors.SignatureVerificationError`, whose message says which check
failed and whose `sig_header` is the header as received; the secret never appears in it.

`construct_event` then parses the JSON payload as the package's `Event` model (the spec's
`event` component), leniently like every response (see `_lenient`): nothing sent is lost.
`event.data.object`, which the spec leaves free-form, is parsed by its `object` kind as this
package's model of that kind (`_constants.object_class`), a `StripeObject` keeping every
field for a kind the package has no model of; `data.previous_attributes` stays a `dict`.
Without an `event` component the whole event is a `StripeObject`. The models are only
imported on the first call, so importing this module stays cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Union, cast

from ._constants import event_class, object_class
from ._lenient import construct, generic_object
from ._model_base import StripeModel, wire_names
from .errors import SignatureVerificationError

if TYPE_CHECKING:
    from ._constants import Event

__all__ = [
    "DEFAULT_TOLERANCE",
    "construct_event",
    "signature_header",
    "verify_signature",
]

DEFAULT_TOLERANCE = 300
"""How old (in seconds) a signed timestamp may be by default: five minutes, as Stripe's."""

SCHEME = "v1"
"""The signature scheme checked; other schemes in the header (`v0`) are ignored."""

_TIMESTAMP = re.compile(r"[0-9]+")


def verify_signature(
    payload: Union[bytes, str],
    sig_header: str,
    secret: str,
    *,
    tolerance: Optional[int] = DEFAULT_TOLERANCE,
    now: Optional[float] = None,
) -> None:
    """Check that `payload` was signed by Stripe with `secret`, recently enough.

    Args:
        payload: The raw request body, as received (`bytes`, or `str` checked as UTF-8).
        sig_header: The request's `Stripe-Signature` header.
        secret: The endpoint's signing secret (`whsec_...`).
        tolerance: The greatest age of the signed timestamp, in seconds; None or 0 does not
            check the age (see the module).
        now: The current Unix time, `time.time()` when None (for tests).

    Raises:
        SignatureVerificationError: No header, or one that cannot be read; no timestamp; no
            `v1` signature; no signature matching the payload and secret; a timestamp older
            than `tolerance`. Also for an empty `secret`, which could only be a mistake.
        ValueError: A negative `tolerance`.
    """
    if tolerance is not None and tolerance < 0:
        raise ValueError(f"tolerance must be at least 0 seconds, not {tolerance}")
    if not sig_header or not sig_header.strip():
        raise SignatureVerificationError(
            "No Stripe-Signature header was given: pass the header of the incoming "
            "request as it was received.",
            sig_header,
        )
    if not secret or not secret.strip():
        raise SignatureVerificationError(
            "No webhook signing secret was given: it is the endpoint's secret, which "
            "starts with `whsec_`.",
            sig_header,
        )
    timestamp, signatures = _parse_header(sig_header)
    expected = _signature(_body(payload), timestamp, secret).encode("ascii")
    matched = False
    for signature in signatures:  # all of them: the time taken tells nothing
        given = signature.encode("utf-8", "replace")
        matched = hmac.compare_digest(expected, given) or matched
    if not matched:
        raise SignatureVerificationError(
            f"No {SCHEME} signature of the Stripe-Signature header matches the payload "
            "and the secret: check that the secret is this endpoint's and that the "
            "payload is the request body exactly as received.",
            sig_header,
        )
    current = time.time() if now is None else now
    if tolerance and timestamp < current - tolerance:
        raise SignatureVerificationError(
            f"The signature's timestamp {timestamp} is {int(current - timestamp)} "
            f"seconds old, more than the tolerance of {tolerance} seconds: a delivery "
            "replayed later is refused.",
            sig_header,
        )


def construct_event(
    payload: Union[bytes, str],
    sig_header: str,
    secret: str,
    *,
    tolerance: Optional[int] = DEFAULT_TOLERANCE,
) -> Event:
    """The event of a webhook delivery, once its signature is verified (`verify_signature`).

    Returns the package's `Event` model, its `data.object` as the model of its kind (or a
    `StripeObject`), see the module; a `StripeObject` when the spec has no `event`.

    Raises:
        SignatureVerificationError: The signature does not verify (see `verify_signature`).
        ValueError: The payload is no JSON (`json.JSONDecodeError`), no JSON object, or a
            thin event (`v2.core.event`), which has no snapshot to parse.
    """
    verify_signature(payload, sig_header, secret, tolerance=tolerance)
    loaded: Any = json.loads(payload)
    if type(loaded) is not dict:
        raise ValueError(
            f"The webhook payload is a JSON {type(loaded).__name__}, not an event object."
        )
    data = cast(Dict[str, Any], loaded)
    if data.get("object") == "v2.core.event":
        raise ValueError(
            "The webhook payload is a thin event notification (`v2.core.event`), which "
            "construct_event does not parse: it expects a snapshot event."
        )
    return cast("Event", _event(data))


def signature_header(
    payload: Union[bytes, str], secret: str, *, timestamp: Optional[int] = None
) -> str:
    """The `Stripe-Signature` header Stripe would send with `payload`, to test a handler.

    `timestamp` is the current time when None.
    """
    signed_at = int(time.time()) if timestamp is None else timestamp
    return f"t={signed_at},{SCHEME}={_signature(_body(payload), signed_at, secret)}"


# --- the header and the signature -----------------------------------------------------------


def _parse_header(sig_header: str) -> Tuple[int, List[str]]:
    """The (first) timestamp and the `v1` signatures of a `Stripe-Signature` header."""
    items: List[Tuple[str, str]] = []
    for item in sig_header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            raise SignatureVerificationError(
                "The Stripe-Signature header cannot be read: expected "
                f"`t=<timestamp>,{SCHEME}=<signature>`, comma-separated key=value pairs.",
                sig_header,
            )
        items.append((key, value))
    timestamps = [value for key, value in items if key == "t"]
    if not timestamps:
        raise SignatureVerificationError(
            "The Stripe-Signature header has no timestamp (`t=`).", sig_header
        )
    if not _TIMESTAMP.fullmatch(timestamps[0]):
        raise SignatureVerificationError(
            "The timestamp (`t=`) of the Stripe-Signature header is no whole number of "
            "seconds.",
            sig_header,
        )
    signatures = [value for key, value in items if key == SCHEME]
    if not signatures:
        raise SignatureVerificationError(
            f"The Stripe-Signature header has no signature of the expected scheme "
            f"`{SCHEME}` (other schemes, such as `v0`, are not accepted).",
            sig_header,
        )
    return int(timestamps[0]), signatures


def _body(payload: Union[bytes, str]) -> bytes:
    return payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)


def _signature(body: bytes, timestamp: int, secret: str) -> str:
    signed = b"%d." % timestamp + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


# --- the event --------------------------------------------------------------------------------


def _event(data: Dict[str, Any]) -> StripeModel:
    """`data` as the `Event` model, its `data.object` typed by kind."""
    model = event_class()
    event: StripeModel = (
        construct(model, data) if model is not None else generic_object(data)
    )
    raw: Any = data.get("data")
    if raw.__class__ is not dict or raw.get("object").__class__ is not dict:
        return event
    typed = _typed_object(cast(Dict[str, Any], raw["object"]))
    holder = _get(event, "data")
    if isinstance(holder, StripeModel):
        name = _field_name(holder, "object")
        setattr(holder, name if name is not None else "object", typed)
    elif isinstance(holder, dict):
        holder["object"] = typed
    return event


def _typed_object(value: Dict[str, Any]) -> StripeModel:
    """The object an event carries, as this package's model of its `object` kind."""
    kind = value.get("object")
    model = object_class(kind) if isinstance(kind, str) else None
    if model is None:
        return generic_object(value)
    built: StripeModel = construct(model, value)
    return built


def _get(model: StripeModel, wire: str) -> Any:
    """The value of `model` sent under the key `wire` (a field's alias, or an extra key)."""
    name = _field_name(model, wire)
    if name is not None:
        return getattr(model, name)
    return (model.model_extra or {}).get(wire)


def _field_name(model: StripeModel, wire: str) -> Optional[str]:
    return next((n for n, w in wire_names(type(model)).items() if w == wire), None)

"""What Stripe's API asks of a client beyond plain HTTP: its headers and when to retry.

Every package ships one profile module as `_profile`: this one for Stripe's spec,
`_profile_generic` for any other. The rest of the runtime is the same for both.

Stripe's headers: `Stripe-Version` (the client's API version, or the call's), `Stripe-Account`
(the Connect account the client or the call acts for) and an `Idempotency-Key` on every POST,
the caller's or a random UUID, kept across the retries of the call.
"""

from __future__ import annotations

import uuid
from typing import Dict, Optional

import httpx

from ._options import RequestOptions
from .errors import IdempotencyError, StripeError

__all__ = ["profile_headers", "should_retry"]


def profile_headers(
    authorization: Dict[str, str],
    user_agent: str,
    method: str,
    options: RequestOptions,
    stripe_version: str,
    stripe_account: Optional[str],
) -> Dict[str, str]:
    """The headers of a request before its body's and the caller's, in the order sent.

    Raises:
        TypeError: An `idempotency_key` given to a call that is not a POST.
    """
    headers = dict(authorization)
    headers["Stripe-Version"] = (
        stripe_version if options.stripe_version is None else options.stripe_version
    )
    headers["User-Agent"] = user_agent
    account = (
        options.stripe_account if options.stripe_account is not None else stripe_account
    )
    if account:
        headers["Stripe-Account"] = account
    idempotency_key = options.idempotency_key
    if idempotency_key is not None and method != "POST":
        raise TypeError(f"idempotency_key is for POST requests, not {method}")
    if idempotency_key is None and method == "POST":
        idempotency_key = str(uuid.uuid4())
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    return headers


def should_retry(response: httpx.Response, error: Optional[StripeError] = None) -> bool:
    """Whether an error response may be retried.

    Stripe's `Stripe-Should-Retry` header decides when present. Without it, an idempotency
    error (`error` is an `IdempotencyError`: the key is being used by another request, or was
    used with other parameters) is final, since the same key meets the same answer; otherwise
    409, 429 and 5xx are retried.
    """
    advice = response.headers.get("stripe-should-retry")
    if advice == "true":
        return True
    if advice == "false":
        return False
    if isinstance(error, IdempotencyError):
        return False
    status = response.status_code
    return status in (409, 429) or status >= 500

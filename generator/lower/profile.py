"""Which conventions the generated client follows: Stripe's, or those of any REST API.

Stripe's conventions (``Stripe-Version`` and ``Stripe-Account`` headers, idempotency keys on
every POST, ``Stripe-Should-Retry``, its error-type tree, ``object`` discriminators, expandable
fields, bracket form encoding, list and search pagination) are switched on for Stripe's own
spec only. Every other spec gets the generic client: errors by HTTP status, credentials from
its security schemes, pagination only where it is recognised.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .oas import Document, server_url

STRIPE = "stripe"
GENERIC = "generic"
AUTO = "auto"

STRIPE_API_HOST = "api.stripe.com"
STRIPE_INFO_EXTENSION = "x-stripeSpecFilename"


def detect_profile(document: Document) -> str:
    """``stripe`` for a spec Stripe publishes, ``generic`` for any other.

    Stripe's specs mark their ``info`` with ``x-stripeSpecFilename`` and serve from
    ``https://api.stripe.com``; either is enough.
    """
    info_extra: Any = getattr(document.info, "model_extra", None) or {}
    if STRIPE_INFO_EXTENSION in info_extra:
        return STRIPE
    for server in document.servers or []:
        if urlsplit(server_url(server)).hostname == STRIPE_API_HOST:
            return STRIPE
    return GENERIC


def chosen_profile(document: Document, setting: str) -> str:
    """The profile ``setting`` names (``[tool.codegen] profile``), or the detected one."""
    return detect_profile(document) if setting == AUTO else setting

"""The values that differ from one generated package to another.

The other runtime modules import them from here; `codegen generate` writes this module from
`templates/package/_constants.py.jinja`. This copy holds the defaults of the Stripe package
without its models, so that the runtime imports and type-checks on its own: webhook events
are then `StripeObject`s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Type

if TYPE_CHECKING:
    from ._model_base import StripeModel
    from ._model_base import StripeObject as Event

__all__ = [
    "API_VERSION",
    "BASE_URL",
    "ErrorDetail",
    "Event",
    "PACKAGE_NAME",
    "VERSION",
    "event_class",
    "object_class",
    "parse_error_detail",
]

PACKAGE_NAME = "stripe_client"
"""The package's own name: the logger's name and the start of the `User-Agent`."""
VERSION = "0.1.0"
"""The version of codegen that generated the package."""
API_VERSION = "2023-08-16"
"""The API version the package was generated for, sent as `Stripe-Version`."""
BASE_URL = "https://api.stripe.com"
"""The spec's server, where requests go unless the client is given another `base_url`."""

ErrorDetail = Dict[str, Any]
"""The type of `StripeError.error`: here the raw `error` object of the response."""


def parse_error_detail(raw: Dict[str, Any]) -> Optional[ErrorDetail]:
    """The typed error of an error response's `error` object `raw`: here `raw` itself."""
    return raw


def event_class() -> Optional[Type[Event]]:
    """The model of webhook events (the spec's `event` component), or None without one.

    A function, so that `webhooks` can be imported without loading every model.
    """
    return None


def object_class(kind: str) -> Optional[Type[StripeModel]]:
    """The model of the object kind `kind` (an `object` tag), None for a kind the package
    has no model of: here, every kind."""
    return None

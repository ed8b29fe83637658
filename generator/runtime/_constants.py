"""The values that differ from one generated package to another.

The other runtime modules import them from here; `codegen generate` writes this module from
`templates/package/_constants.py.jinja`. This copy holds the defaults of the Stripe package
without its models, so that the runtime imports and type-checks on its own: webhook events
are then `StripeObject`s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple, Type, cast

if TYPE_CHECKING:
    from ._model_base import StripeModel
    from ._model_base import StripeObject as Event

__all__ = [
    "API_VERSION",
    "BASE_URL",
    "DEFAULT_SECURITY",
    "ErrorBody",
    "ErrorDetail",
    "Event",
    "IDEMPOTENCY_HEADER",
    "LOG_ENV_VAR",
    "PACKAGE_NAME",
    "SECURITY_SCHEMES",
    "VERSION",
    "event_class",
    "object_class",
    "parse_error_body",
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
LOG_ENV_VAR = "STRIPE_LOG"
"""The environment variable that turns logging to stderr on: `debug` or `info`."""

# The values only the generic runtime (`_profile_generic`, `errors_generic`) reads; the
# generated `_constants` of a package of another API than Stripe's has them instead of
# `event_class` and `object_class`.
SECURITY_SCHEMES: Tuple[
    Tuple[str, str, str, str, Tuple[str, ...], Tuple[str, ...]], ...
] = (
    ("api_key", "bearer", "header", "Authorization", ("api_key",), ("STRIPE_API_KEY",)),
)
"""The API's security schemes: key, kind, location, wire name, arguments, env vars."""
DEFAULT_SECURITY: Tuple[Tuple[str, ...], ...] = (("api_key",),)
"""The requirement of an operation without its own: alternatives of scheme keys."""
IDEMPOTENCY_HEADER: Optional[str] = None
"""The header an idempotency key is sent in on every POST, or None."""
ErrorBody = Dict[str, Any]
"""The type of an error response's typed body: here the JSON object itself."""


def parse_error_body(data: object) -> Optional[ErrorBody]:
    """The typed body of an error response's JSON `data`, or None: here a JSON object."""
    if isinstance(data, dict):
        return cast(ErrorBody, data)
    return None


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

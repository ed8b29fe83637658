"""The base class of every response model in this package, and the response it came from.

Response models derive from `StripeModel`: lenient, so that a newer API version adding fields
does not break parsing, and carrying the HTTP response they came from. (Request parameters
are no models: they are plain dicts typed by the `TypedDict`s of `params`, checked by
`_params.ParamsType` before anything is sent.)

Fields whose Python name differs from the name on the wire carry the wire name as their alias;
models accept either name when built, and the client always validates by alias.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from pydantic import BaseModel, ConfigDict, PrivateAttr

__all__ = ["ResponseInfo", "StripeModel", "StripeObject", "set_last_response"]


@dataclass(frozen=True)
class ResponseInfo:
    """The HTTP response an object was parsed from.

    Attributes:
        status_code: The HTTP status, e.g. 200.
        headers: The response headers; lookups ignore case.
        request_id: Stripe's `Request-Id` header (the id Stripe support asks for), or None.
    """

    status_code: int
    headers: Mapping[str, str]
    request_id: Optional[str]


class StripeModel(BaseModel):
    """Base class of every object the API returns.

    Unknown fields are kept (see `model_extra`) instead of rejected, so that objects from a newer
    API version still parse. `last_response` tells which HTTP response the object came from.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        defer_build=True,
        protected_namespaces=(),
    )

    _last_response: Optional[ResponseInfo] = PrivateAttr(default=None)

    @property
    def last_response(self) -> Optional[ResponseInfo]:
        """Status, headers and request id of the response this object was parsed from.

        Set on the object a client method returns; None on objects built by hand and on the
        objects nested inside another one.
        """
        return self._last_response

    def __eq__(self, other: object) -> bool:
        """Compare type and field values (known and extra); `last_response` does not count."""
        if not isinstance(other, StripeModel):
            return NotImplemented
        return (
            type(self) is type(other)
            and self.__dict__ == other.__dict__
            and self.__pydantic_extra__ == other.__pydantic_extra__
        )


class StripeObject(StripeModel):
    """An object of a kind this client does not know (an `object` tag newer than its spec).

    Lenient parsing keeps every field it was sent: read them with `model_extra`, or as
    attributes (`obj.id`), nested objects of unknown kinds as `StripeObject`s too.
    """


def set_last_response(model: StripeModel, info: Optional[ResponseInfo]) -> None:
    """Record the response `model` was parsed from (`_responses.parse_body` calls it).

    `last_response` stays read-only for users; this is the client's one way to write it, kept
    here beside the attribute rather than in the module that parses responses.
    """
    # pyright has no notion of a private attribute shared by the modules of one package, and a
    # public setter (or method) would make the attribute writable by users (a method could
    # also be shadowed by a field): the one protected access of the runtime, on purpose.
    model._last_response = info  # pyright: ignore[reportPrivateUsage]

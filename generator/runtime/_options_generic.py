"""Per-call settings (`RequestOptions`), `NOT_GIVEN`, and the checks of settings given per call.

Every generated method passes its call options to `request()` as a `RequestOptions`; each one
left None keeps the client's setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Union

import httpx
from typing_extensions import TypedDict

__all__ = [
    "CallOptions",
    "NOT_GIVEN",
    "NO_OPTIONS",
    "NotGiven",
    "PostCallOptions",
    "RequestOptions",
    "check_max_retries",
    "checked_credential",
]


@dataclass(frozen=True)
class RequestOptions:
    """Per-call settings; every generated method takes them as keyword arguments.

    Each one left None keeps the client's setting.

    Attributes:
        idempotency_key: Sent in the API's idempotency header, when the package was
            generated with one (`[tool.codegen.auth] idempotency_header`); POSTs then get a
            random UUID when it is None. Generated methods offer it on POST operations only.
        timeout: Seconds (or an `httpx.Timeout`) each attempt of this call may take,
            instead of the client's `timeout` (see `SyncAPIClient`).
        max_retries: How often this call is retried, instead of the client's `max_retries`.
        extra_headers: Headers added last, replacing any header of the same name.
        extra_query: Query parameters added to the encoded ones; a key replaces every
            encoded pair of the same top-level name.
        extra_body: The same for a form or JSON object body, e.g. a parameter newer than the
            spec the package was generated from. A call without a body gets one.
    """

    idempotency_key: Optional[str] = None
    timeout: Union[float, httpx.Timeout, None] = None
    max_retries: Optional[int] = None
    extra_headers: Optional[Mapping[str, str]] = None
    extra_query: Optional[Mapping[str, object]] = None
    extra_body: Optional[Mapping[str, object]] = None


class CallOptions(TypedDict, total=False):
    """The per-call keyword arguments of a generated method (``**call_options``), typed: the
    fields of `RequestOptions` but `idempotency_key`, which only a POST has when the API has
    an idempotency header (`PostCallOptions`). The method passes them on as
    ``RequestOptions(**call_options)``.
    """

    timeout: Union[float, httpx.Timeout, None]
    max_retries: Optional[int]
    extra_headers: Optional[Mapping[str, str]]
    extra_query: Optional[Mapping[str, object]]
    extra_body: Optional[Mapping[str, object]]


class PostCallOptions(CallOptions, total=False):
    """The per-call keyword arguments of a method of a POST operation, when the API has an
    idempotency header."""

    idempotency_key: Optional[str]


class NotGiven:
    """The type of `NOT_GIVEN`: "keep the current setting" where None has a meaning."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
"""Default of `with_options` arguments: keep the client's setting."""


NO_OPTIONS = RequestOptions()
"""The settings of a call given none."""


def checked_credential(argument: str, value: str) -> str:
    """`value` of the credential `argument`, if it can be sent; raises `ValueError` if not."""
    if not value.isprintable() or (argument != "password" and " " in value):
        raise ValueError(
            f"The credential {argument} contains spaces or non-printable characters;"
            " check how it was loaded."
        )
    return value


def check_max_retries(max_retries: int) -> int:
    if max_retries < 0:
        raise ValueError("max_retries must not be negative")
    return max_retries

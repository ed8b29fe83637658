"""`with_raw_response`: the same methods, returning the HTTP response instead of the object.

    response = client.with_raw_response.customers.sources.create("cus_123", source="tok_visa")
    response.status_code, response.headers, response.request_id, response.content
    card = response.parse()          # what client.customers.sources.create would return

The generated `...WithRawResponse` classes wrap each method of a resource with
`to_raw_response` (awaitable methods with `async_to_raw_response`); the wrapped method keeps
its signature for type checkers and runs under `RAW_RESPONSE`, which makes the client's
`request()` answer with an `APIResponse`. Retries, limits, error exceptions and redaction
are those of the call: a failed call raises as usual.
"""

from __future__ import annotations

import functools
from typing import Awaitable, Callable, TypeVar, cast

from typing_extensions import ParamSpec

from ._core import RAW_RESPONSE
from ._responses import APIResponse

__all__ = ["async_to_raw_response", "to_raw_response"]

P = ParamSpec("P")
T = TypeVar("T")


def to_raw_response(method: Callable[P, T]) -> Callable[P, APIResponse[T]]:
    """`method`, returning the `APIResponse` of its call (parsed on `parse()`)."""

    @functools.wraps(method)
    def raw(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = RAW_RESPONSE.set(True)
        try:
            return cast(APIResponse[T], method(*args, **kwargs))
        finally:
            RAW_RESPONSE.reset(token)

    return raw


def async_to_raw_response(
    method: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[APIResponse[T]]]:
    """An awaitable `method` (an async method, or one returning an `AsyncPaginator`),
    returning the `APIResponse` of its call."""

    @functools.wraps(method)
    async def raw(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = RAW_RESPONSE.set(True)
        try:
            return cast(APIResponse[T], await method(*args, **kwargs))
        finally:
            RAW_RESPONSE.reset(token)

    return raw

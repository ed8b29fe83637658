"""The exceptions this package raises.

Every failure of an API call raises a subclass of `StripeError`; API errors are never returned
as values. Which class is chosen by the HTTP status and Stripe's error `type`:

    StripeError
    ├── InvalidParamsError           nothing was sent: the parameters do not fit their types
    │                                (also a ValueError)
    ├── CardError                    402: the card was declined
    ├── InvalidRequestError          400, 404: invalid parameters, unknown object
    ├── AuthenticationError          401: missing, wrong or expired API key
    ├── PermissionDeniedError        403: the key may not do this
    ├── IdempotencyError             error type `idempotency_error` (400 or 409): an
    │                                Idempotency-Key reused with other parameters
    ├── ConflictError                any other 409, e.g. concurrent changes of one object
    ├── RateLimitError               429 (or 400 with code `rate_limit`)
    ├── APIError                     5xx and any other unexpected status
    │   ├── APIResponseValidationError   a successful response whose body is not the
    │   │                                expected JSON
    │   └── ResponseTooLargeError        a response body over the client's size limit
    │                                    (`max_response_size`, `max_binary_response_size`)
    └── APIConnectionError           no response: connection refused or dropped, bad TLS, ...
        └── APITimeoutError          no response within the timeout

An error the API answered carries the HTTP status, the `Request-Id` (quote it to Stripe
support), the response headers, the raw body text and, when the body is Stripe's error JSON,
the typed error object in `error`. A body that is not JSON, or not Stripe's error shape, still
gives the class above with `error=None` and the raw text in `body`.
"""

from __future__ import annotations

import json
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    cast,
)

from ._constants import parse_error_detail

if TYPE_CHECKING:
    from ._constants import ErrorDetail

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APITimeoutError",
    "AuthenticationError",
    "CardError",
    "ConflictError",
    "IdempotencyError",
    "InvalidParamsError",
    "InvalidRequestError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "SignatureVerificationError",
    "StripeError",
]


class StripeError(Exception):
    """Base class of every error raised by this package.

    Attributes:
        message: What went wrong, in words (Stripe's own message when it sent one).
        http_status: The HTTP status of the response, or None when there was no response.
        request_id: Stripe's `Request-Id` response header, or None.
        headers: The response headers (empty when there was no response).
        error: Stripe's typed error object, or None when the body did not hold one.
        body: The raw response body text, or None when there was no response.
        code: Stripe's error code, e.g. `card_declined` or `resource_missing`, or None.
    """

    def __init__(
        self,
        message: str,
        *,
        http_status: Optional[int] = None,
        request_id: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        error: Optional[ErrorDetail] = None,
        body: Optional[str] = None,
        code: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.request_id = request_id
        self.headers: Mapping[str, str] = headers if headers is not None else {}
        self.error = error
        self.body = body
        self.code = code

    def __str__(self) -> str:
        details: List[str] = []
        if self.http_status is not None:
            details.append(f"HTTP {self.http_status}")
        if self.code:
            details.append(f"code {self.code}")
        if self.request_id:
            details.append(f"request {self.request_id}")
        if not details:
            return self.message
        return f"{self.message} ({', '.join(details)})"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r},"
            f" http_status={self.http_status!r}, request_id={self.request_id!r},"
            f" code={self.code!r})"
        )


class InvalidParamsError(StripeError, ValueError):
    """The parameters of a call do not fit their types; the request was not sent.

    Raised by the generated methods before anything goes over the wire: an unknown key (a
    misspelt one at any depth), a missing required key, a value of the wrong type, an enum
    value the API does not know, a text over its length limit. The message names the
    operation and, one line per problem, the path of each key, e.g.

        customers.sources.create: card.cvv: unknown parameter (did you mean 'cvc'?)

    Neither the message nor the exception holds the values given: they may be card numbers.
    A `ValueError` as well, since the caller passed a wrong value; never retried.

    Attributes:
        operation: The call as it reads, e.g. `customers.sources.create`.
        problems: Every problem as `(path, message)`; the path joins keys and list indexes
            with dots (`items.0.price`), "" for the parameters as a whole.
    """

    MAX_SHOWN = 5
    """How many problems the message lists; `problems` has them all."""

    def __init__(self, operation: str, problems: Sequence[Tuple[str, str]]) -> None:
        self.operation = operation
        self.problems: List[Tuple[str, str]] = list(problems)
        lines = [
            f"{operation}: {path}: {message}" if path else f"{operation}: {message}"
            for path, message in self.problems[: self.MAX_SHOWN]
        ]
        hidden = len(self.problems) - self.MAX_SHOWN
        if hidden > 0:
            lines.append(f"{operation}: ... and {hidden} more")
        super().__init__("\n".join(lines) or f"{operation}: invalid parameters")

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.operation, self.problems))


class CardError(StripeError):
    """The card was declined (HTTP 402); see `code` and `error.decline_code`."""


class InvalidRequestError(StripeError):
    """The request had invalid parameters or named an unknown object (HTTP 400, 404)."""


class AuthenticationError(StripeError):
    """The API key is missing, wrong, expired or revoked (HTTP 401)."""


class PermissionDeniedError(StripeError):
    """The API key may not perform this request (HTTP 403)."""


class IdempotencyError(StripeError):
    """An Idempotency-Key was reused with different parameters, or is still in use."""


class ConflictError(StripeError):
    """The request conflicted with another one on the same object (HTTP 409)."""


class RateLimitError(StripeError):
    """Too many requests in too short a time (HTTP 429)."""


class APIError(StripeError):
    """Stripe failed to handle the request (HTTP 5xx), or answered with an unexpected status."""


class APIResponseValidationError(StripeError):
    """A successful response whose body is not JSON, or, with the client's
    `strict_response_validation`, not the documented object.

    Not an `APIError`: the call succeeded on Stripe's side (a charge may have been made), so
    code that retries on `APIError` must not retry this. `parsed` holds the body parsed
    leniently (every field kept; None when it is not JSON), `body` the raw text, and the
    status, request ID and headers are those of the response.
    """

    def __init__(self, message: str, *, parsed: Any = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.parsed = parsed


class ResponseTooLargeError(APIError):
    """A response whose body is larger than the client accepts; it was not read whole.

    The limit is the client's `max_response_size` (JSON and error bodies) or
    `max_binary_response_size` (files such as PDFs); the message names the one that applied.
    `http_status`, `request_id` and `headers` are set, `body` is None. It is never retried.
    """


class SignatureVerificationError(StripeError, ValueError):
    """A webhook payload whose `Stripe-Signature` header does not prove it came from Stripe.

    Raised by `webhooks.construct_event` and `webhooks.verify_signature`: no header or one
    without a timestamp or a `v1` signature, no signature that matches the payload and the
    endpoint's secret, or a timestamp outside the tolerance. `sig_header` is the header as
    received; the secret is never part of the exception.
    """

    def __init__(self, message: str, sig_header: Optional[str] = None) -> None:
        super().__init__(message)
        self.sig_header = sig_header

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.message, self.sig_header))


class APIConnectionError(StripeError):
    """No response was received: the connection failed, was dropped, or TLS failed."""


class APITimeoutError(APIConnectionError):
    """No response was received within the timeout."""


_ERRORS_BY_STATUS: Dict[int, Type[StripeError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    402: CardError,
    403: PermissionDeniedError,
    404: InvalidRequestError,
    409: ConflictError,
    429: RateLimitError,
}
# Chosen before the status: by Stripe's error `type`, then by (status, error `code`).
_ERRORS_BY_TYPE: Dict[str, Type[StripeError]] = {
    "idempotency_error": IdempotencyError,
}
_ERRORS_BY_CODE: Dict[Tuple[int, str], Type[StripeError]] = {
    (400, "rate_limit"): RateLimitError,
}
_DEFAULT_ERROR: Type[StripeError] = APIError  # any other status


def error_from_response(
    status_code: int, headers: Mapping[str, str], body: str
) -> StripeError:
    """Build the exception for an error response; never raises itself.

    The body is parsed leniently: when it is not JSON, or not Stripe's error shape, the
    exception still gets the class its status calls for, with `error=None` and the raw text.
    """
    error, raw = _parse_error_body(body)
    error_type = raw.get("type")
    code = raw.get("code")
    cls: Optional[Type[StripeError]] = None
    if isinstance(error_type, str):
        cls = _ERRORS_BY_TYPE.get(error_type)
    if cls is None and isinstance(code, str):
        cls = _ERRORS_BY_CODE.get((status_code, code))
    if cls is None:
        cls = _ERRORS_BY_STATUS.get(status_code, _DEFAULT_ERROR)
    message = raw.get("message")
    if not isinstance(message, str) or not message:
        message = f"The API answered HTTP {status_code} without a Stripe error message"
    return cls(
        message,
        http_status=status_code,
        request_id=headers.get("request-id"),
        headers=headers,
        error=error,
        body=body,
        code=code if isinstance(code, str) else None,
    )


def _parse_error_body(
    body: str,
) -> Tuple[Optional[ErrorDetail], Dict[str, Any]]:
    """Stripe's typed error object (or None) and the raw `error` JSON object (or {})."""
    try:
        data = json.loads(body)
    except ValueError:
        return None, {}
    if not isinstance(data, dict):
        return None, {}
    # JSON objects: str keys, values of any JSON type.
    document = cast(Dict[str, Any], data)
    raw = document.get("error")
    if not isinstance(raw, dict):
        return None, {}
    error = cast(Dict[str, Any], raw)
    return parse_error_detail(error), error

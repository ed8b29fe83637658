"""The exceptions this package raises.

Every failure of an API call raises a subclass of `APIError`; API errors are never returned
as values. An answer with an error status is chosen by its HTTP status, as in the SDKs
Stainless generates (openai-python):

    APIError
    ├── InvalidParamsError           nothing was sent: the parameters do not fit their types
    │                                (also a ValueError)
    ├── MissingCredentialsError      nothing was sent: a credential the operation needs is
    │                                neither given nor in its environment variable
    ├── APIStatusError               the API answered with an error status
    │   ├── BadRequestError              400
    │   ├── AuthenticationError          401
    │   ├── PermissionDeniedError        403
    │   ├── NotFoundError                404
    │   ├── ConflictError                409
    │   ├── UnprocessableEntityError     422
    │   ├── RateLimitError               429
    │   └── InternalServerError          500 and above
    ├── APIResponseValidationError   a successful response whose body is not the expected JSON
    ├── ResponseTooLargeError        a response body over the client's size limit
    │                                (`max_response_size`, `max_binary_response_size`)
    └── APIConnectionError           no response: connection refused or dropped, bad TLS, ...
        └── APITimeoutError          no response within the timeout

An `APIStatusError` carries the HTTP status (`status_code`), the response (its headers with
every credential redacted) and the body: the spec's typed error object when the spec declares
one and the body has its shape, else the parsed JSON, else the text.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type

import httpx

from ._constants import parse_error_body

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "InvalidParamsError",
    "MissingCredentialsError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "UnprocessableEntityError",
]


class APIError(Exception):
    """Base class of every error raised by this package.

    Attributes:
        message: What went wrong, in words.
        http_status: The HTTP status of the response, or None when there was no response.
        request_id: The response's `Request-Id` (or `X-Request-Id`) header, or None.
        headers: The response headers, credentials redacted (empty without a response).
        body: The response body (see the subclasses), or None when there was no response.
    """

    def __init__(
        self,
        message: str,
        *,
        http_status: Optional[int] = None,
        request_id: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        body: object = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.request_id = request_id
        self.headers: Mapping[str, str] = headers if headers is not None else {}
        self.body = body

    def __str__(self) -> str:
        details: List[str] = []
        if self.http_status is not None:
            details.append(f"HTTP {self.http_status}")
        if self.request_id:
            details.append(f"request {self.request_id}")
        if not details:
            return self.message
        return f"{self.message} ({', '.join(details)})"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r},"
            f" http_status={self.http_status!r}, request_id={self.request_id!r})"
        )


class InvalidParamsError(APIError, ValueError):
    """The parameters of a call do not fit their types; the request was not sent.

    Raised by the generated methods before anything goes over the wire: an unknown key (a
    misspelt one at any depth), a missing required key, a value of the wrong type, an enum
    value the API does not know, a text over its length limit. The message names the
    operation and, one line per problem, the path of each key, e.g.

        pets.create: tag.nmae: unknown parameter (did you mean 'name'?)

    Neither the message nor the exception holds the values given. A `ValueError` as well,
    since the caller passed a wrong value; never retried.

    Attributes:
        operation: The call as it reads, e.g. `pets.create`.
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


class MissingCredentialsError(APIError, ValueError):
    """A credential the operation needs was neither given to the client nor found in its
    environment variable; the request was not sent. The message names both."""


class APIStatusError(APIError):
    """The API answered with an error status (4xx, 5xx, or any other status that is not a
    success).

    Attributes:
        status_code: The HTTP status.
        response: The response, its headers (and its request's) with credentials redacted.
        body: The spec's typed error object when the spec declares one and the body has its
            shape; else the parsed JSON; else the body text.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object,
        request_id: Optional[str] = None,
    ) -> None:
        super().__init__(
            message,
            http_status=response.status_code,
            request_id=request_id,
            headers=response.headers,
            body=body,
        )
        self.status_code = response.status_code
        self.response = response


class BadRequestError(APIStatusError):
    """HTTP 400: the request was malformed or had invalid parameters."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the credentials are missing, wrong or expired."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the credentials may not perform this request."""


class NotFoundError(APIStatusError):
    """HTTP 404: no such resource."""


class ConflictError(APIStatusError):
    """HTTP 409: the request conflicts with the state of the resource."""


class UnprocessableEntityError(APIStatusError):
    """HTTP 422: the request was well-formed but its content was refused."""


class RateLimitError(APIStatusError):
    """HTTP 429: too many requests in too short a time."""


class InternalServerError(APIStatusError):
    """HTTP 500 or above: the server failed to handle the request."""


class APIResponseValidationError(APIError):
    """A successful response whose body is not JSON, or, with the client's
    `strict_response_validation`, not the documented object.

    `parsed` holds the body parsed leniently (every field kept; None when it is not JSON),
    `body` the raw text, and the status, request ID and headers are those of the response.
    """

    def __init__(self, message: str, *, parsed: Any = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.parsed = parsed


class ResponseTooLargeError(APIError):
    """A response whose body is larger than the client accepts; it was not read whole.

    The limit is the client's `max_response_size` (JSON and error bodies) or
    `max_binary_response_size` (files); the message names the one that applied.
    `http_status`, `request_id` and `headers` are set, `body` is None. It is never retried.
    """


class APIConnectionError(APIError):
    """No response was received: the connection failed, was dropped, or TLS failed."""


class APITimeoutError(APIConnectionError):
    """No response was received within the timeout."""


_ERRORS_BY_STATUS: Dict[int, Type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}
_SERVER_ERROR: Type[APIStatusError] = InternalServerError  # any status from 500 on
_DEFAULT_ERROR: Type[APIStatusError] = APIStatusError  # any other status

MAX_MESSAGE_BODY = 500
"""How many characters of an error body its exception's message quotes at most."""


def error_class(status_code: int) -> Type[APIStatusError]:
    """The exception class of an error response of HTTP `status_code`."""
    if status_code >= 500:
        return _SERVER_ERROR
    return _ERRORS_BY_STATUS.get(status_code, _DEFAULT_ERROR)


def error_from_response(response: httpx.Response, text: str) -> APIStatusError:
    """Build the exception for an error response; never raises itself.

    `response` has its credentials redacted already, `text` is its redacted body text.
    """
    try:
        data: object = json.loads(text)
    except ValueError:
        data = None
    typed = parse_error_body(data) if data is not None else None
    body: object = typed if typed is not None else (text if data is None else data)
    quoted = text if len(text) <= MAX_MESSAGE_BODY else text[:MAX_MESSAGE_BODY] + "..."
    message = f"Error code: {response.status_code}"
    if quoted.strip():
        message += f" - {quoted}"
    headers = response.headers
    return error_class(response.status_code)(
        message,
        response=response,
        body=body,
        request_id=headers.get("request-id") or headers.get("x-request-id"),
    )

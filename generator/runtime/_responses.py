"""Reading and parsing response bodies: what a body is parsed into, and how much of it.

Bodies are streamed and counted: one larger than its limit raises `ResponseTooLargeError`
before more than the limit is held in memory, and a `Content-Length` above the limit is
refused before the body is read. Texts kept by exceptions have the API key redacted by the
`redact` functions the client passes in.
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable, Generic, List, Optional, TypeVar, cast

import httpx
from pydantic import TypeAdapter, ValidationError

from ._lenient import construct
from ._model_base import ResponseInfo, StripeModel, complete, set_last_response
from .errors import APIResponseValidationError, ResponseTooLargeError

__all__ = [
    "APIResponse",
    "BinaryContent",
    "Body",
    "ResponseType",
    "body_text",
    "parse_body",
    "raw_response",
    "response_info",
]

T = TypeVar("T")
U = TypeVar("U")


class ResponseType(Generic[T]):
    """What a successful response body is parsed into.

    Generated modules create one per response type, at import time and cheaply: the pydantic
    `TypeAdapter` is built on first use and then kept.

        _CARD: ResponseType[Card] = ResponseType(Card)
        _PAYMENT_SOURCE: ResponseType[PaymentSource] = ResponseType(PaymentSource)

    The type may be a model class or any type pydantic validates, such as an
    `Annotated[Union[...], Field(discriminator="object")]` alias. `ResponseType.binary()`
    returns the body as `bytes` instead (for PDF downloads), `ResponseType.text()` as `str`
    (a `text/*` body, in its charset) and `ResponseType.empty()` returns None (a response
    that has no body, such as a 204).
    """

    __slots__ = ("_type", "_adapter")

    def __init__(self, type_: Any) -> None:
        self._type = type_
        self._adapter: Optional[TypeAdapter[T]] = None

    def __repr__(self) -> str:
        return f"ResponseType({self._type!r})"

    @staticmethod
    def binary() -> ResponseType[BinaryContent]:
        """The response type of endpoints that return a file: the body, unparsed."""
        return _BINARY

    @staticmethod
    def text() -> ResponseType[str]:
        """The response type of endpoints that answer text: the body, decoded."""
        return _TEXT

    @staticmethod
    def empty() -> ResponseType[None]:
        """The response type of endpoints that answer without a body: None."""
        return _EMPTY

    @property
    def is_binary(self) -> bool:
        """Whether the body is a file, kept as it came (and limited as a file)."""
        return isinstance(self, _BinaryResponseType)

    @property
    def is_text(self) -> bool:
        """Whether the body is text, returned as `str` in its charset."""
        return isinstance(self, _TextResponseType)

    def parse(self, content: bytes) -> T:
        """Build a JSON body leniently (see `_lenient`): never rejects a JSON value.

        Raises:
            ValueError: If the body is not JSON (`json.JSONDecodeError`) or not UTF-8.
        """
        result: T = construct(self._type, json.loads(content))
        return result

    def validate(self, content: bytes) -> T:
        """Validate a JSON body strictly against the type (`strict_response_validation`).

        Raises:
            pydantic.ValidationError: If the body is not JSON or does not fit the type.
        """
        adapter = self._adapter
        if adapter is None:
            complete(self._type)
            adapter = self._adapter = TypeAdapter(self._type)
        return adapter.validate_json(content)


class BinaryContent(bytes):
    """The body of a file an operation returns (a PDF), as `bytes`, with `last_response`."""

    _last_response: Optional[ResponseInfo] = None

    @property
    def last_response(self) -> Optional[ResponseInfo]:
        """Status, headers and request id of the response the file came in."""
        return self._last_response

    def answered_by(self, info: ResponseInfo) -> BinaryContent:
        """These bytes, recording the response they came in (`last_response`)."""
        content = BinaryContent(self)
        content._last_response = info
        return content


class APIResponse(Generic[T]):
    """The raw response of a successful call: what `client.with_raw_response` returns.

    Attributes:
        status_code: The HTTP status, e.g. 200.
        headers: The response headers (the API key redacted, lookups ignore case).
        request_id: Stripe's `Request-Id` header, or None.
        content: The body, as the server sent it.

    `parse()` gives what the call itself would have returned (parsed as the client is set up
    to: leniently, or strictly with `strict_response_validation`).
    """

    __slots__ = ("status_code", "headers", "request_id", "content", "_info", "_parse")

    def __init__(
        self, info: ResponseInfo, content: bytes, parse: Callable[[], T]
    ) -> None:
        self._info = info
        self.status_code = info.status_code
        self.headers = info.headers
        self.request_id = info.request_id
        self.content = content
        self._parse = parse

    def __repr__(self) -> str:
        return (
            f"APIResponse(status_code={self.status_code},"
            f" request_id={self.request_id!r}, {len(self.content)} bytes)"
        )

    @property
    def text(self) -> str:
        """The body as text (UTF-8, undecodable bytes replaced)."""
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as plain JSON data (dicts, lists, str, numbers).

        Raises:
            ValueError: The body is not JSON.
        """
        return json.loads(self.content)

    def parse(self) -> T:
        """The body parsed into what the call returns.

        Raises:
            APIResponseValidationError: The body is not JSON, or with
                `strict_response_validation` not the documented object.
        """
        return self._parse()

    def map(self, change: Callable[[T], U]) -> APIResponse[U]:
        """The same response, whose `parse()` passes the result through `change`."""
        parse = self._parse
        return APIResponse(self._info, self.content, lambda: change(parse()))


def raw_response(value: object) -> Optional[APIResponse[Any]]:
    """`value` if it is an `APIResponse` (what `request()` returns under `with_raw_response`)."""
    if value.__class__ is not APIResponse:
        return None
    # mypy narrows `value` to APIResponse[Any] already, pyright to APIResponse[Unknown]
    return cast(APIResponse[Any], value)  # type: ignore[redundant-cast]


class _BinaryResponseType(ResponseType[BinaryContent]):
    """The body as it came, for endpoints that return a file."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(bytes)

    def parse(self, content: bytes) -> BinaryContent:
        return BinaryContent(content)

    def validate(self, content: bytes) -> BinaryContent:
        return BinaryContent(content)


_BINARY = _BinaryResponseType()


class _TextResponseType(ResponseType[str]):
    """The body as text: UTF-8 here; `parse_body` decodes it in its `Content-Type`'s charset."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(str)

    def parse(self, content: bytes) -> str:
        return content.decode("utf-8", errors="replace")

    def validate(self, content: bytes) -> str:
        return self.parse(content)


_TEXT = _TextResponseType()


class _EmptyResponseType(ResponseType[None]):
    """No body: whatever the server sent (nothing, as a rule) is ignored."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(type(None))

    def parse(self, content: bytes) -> None:
        return None

    def validate(self, content: bytes) -> None:
        return None


_EMPTY = _EmptyResponseType()


class Body:
    """Collects a streamed response body, refusing it as soon as it is too large or late.

    The attempt's deadline is checked after every chunk, so that a server dripping the body
    byte by byte cannot stretch an attempt past its timeout.

    Args:
        request: The request the response answers.
        response: The response, its body not read yet.
        limit: The largest body accepted, in bytes.
        option: The client option that set `limit`, named in the error.
        deadline: When the attempt runs out (`time.monotonic()`), or None.
        redact_headers: Blanks the API key out of the headers an error keeps.
    """

    def __init__(
        self,
        request: httpx.Request,
        response: httpx.Response,
        limit: int,
        option: str,
        deadline: Optional[float],
        redact_headers: Callable[[httpx.Headers], httpx.Headers],
    ) -> None:
        self._request = request
        self._response = response
        self._limit = limit
        self._option = option
        self._deadline = deadline
        self._redact_headers = redact_headers
        self._chunks: List[bytes] = []
        self._size = 0

    def check_declared_size(self) -> None:
        """Refuse the body before reading it when its `Content-Length` is over the limit.

        Raises:
            ResponseTooLargeError: The declared length is larger than the limit.
        """
        declared = self._response.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self._limit:
            raise self.too_large(int(declared))

    def add(self, chunk: bytes) -> None:
        """Keep one decoded chunk.

        Raises:
            ResponseTooLargeError: The body has grown past the limit.
            httpx.ReadTimeout: The attempt is out of time.
        """
        self._size += len(chunk)
        if self._size > self._limit:
            raise self.too_large()
        self._chunks.append(chunk)
        if self._deadline is not None and time.monotonic() >= self._deadline:
            raise httpx.ReadTimeout(
                "the response body did not arrive in time", request=self._request
            )

    def content(self) -> bytes:
        """The whole body."""
        return b"".join(self._chunks)

    def too_large(self, declared: Optional[int] = None) -> ResponseTooLargeError:
        """The exception for a body over the limit, of the `Content-Length` if `declared`."""
        status = self._response.status_code
        headers = self._redact_headers(self._response.headers)
        body = "a body" if declared is None else f"a body of {declared} bytes"
        if declared is not None:
            body += " (Content-Length)"
        return ResponseTooLargeError(
            f"The API answered HTTP {status} with {body} larger than the limit of"
            f" {self._limit} bytes set by {self._option}; pass a larger"
            f" {self._option}= to the client to accept it",
            http_status=status,
            request_id=headers.get("request-id"),
            headers=headers,
        )


def response_info(response: httpx.Response, headers: httpx.Headers) -> ResponseInfo:
    """What `last_response` and `APIResponse` tell of a response (`headers` redacted)."""
    return ResponseInfo(response.status_code, headers, headers.get("request-id"))


def parse_body(
    response_type: ResponseType[T],
    response: httpx.Response,
    content: bytes,
    headers: httpx.Headers,
    redact: Callable[[str], str],
    *,
    strict: bool = False,
) -> T:
    """The parsed body of a successful response, with the response attached.

    Lenient by default: any JSON body becomes an object (see `_lenient`). With `strict`
    (the client's `strict_response_validation`), a body that does not fit the documented type
    raises `APIResponseValidationError`, which carries the leniently parsed object
    (`parsed`) and the response; so does a body that is not JSON, in either mode. `headers`
    are the response headers with the API key redacted; `redact` blanks it out of the texts
    the exception keeps.
    """
    if response_type.is_text:
        return cast(T, body_text(response, content))
    info = response_info(response, headers)
    problem: Optional[str] = None
    parsed: Any = None
    result: Any = None
    try:
        if strict:
            try:
                result = response_type.validate(content)
            except ValidationError as exc:
                problem = _describe_invalid_body(response.status_code, exc)
                parsed = response_type.parse(content)
        else:
            result = response_type.parse(content)
    except ValueError:
        problem = (
            f"The API answered HTTP {response.status_code} with a body that is not"
            " valid JSON"
        )
    if problem is not None:
        # Raised without the ValidationError as its cause: that one quotes the body,
        # which the exception only keeps with the API key redacted.
        if isinstance(parsed, StripeModel):
            set_last_response(parsed, info)
        raise APIResponseValidationError(
            redact(problem),
            http_status=response.status_code,
            request_id=info.request_id,
            headers=headers,
            body=redact(body_text(response, content)),
            parsed=parsed,
        )
    if isinstance(result, StripeModel):
        set_last_response(result, info)
    elif isinstance(result, BinaryContent):
        result = result.answered_by(info)
    return cast(T, result)


def body_text(response: httpx.Response, content: bytes) -> str:
    """The body as text, in the charset of its `Content-Type` (UTF-8 by default)."""
    try:
        return content.decode(response.charset_encoding or "utf-8", errors="replace")
    except LookupError:
        return content.decode("utf-8", errors="replace")


def _describe_invalid_body(status_code: int, exc: ValidationError) -> str:
    """What is wrong with a successful response's body, without quoting it."""
    problems = exc.errors(include_url=False)
    if any(problem["type"] == "json_invalid" for problem in problems):
        return f"The API answered HTTP {status_code} with a body that is not valid JSON"
    details = "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'body'}: {problem['msg']}"
        for problem in problems[:3]
    )
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    return (
        f"The API answered HTTP {status_code} with a body that is not the documented"
        f" object: {details}{more}"
    )

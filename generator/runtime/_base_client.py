"""The HTTP machinery behind `Client` and `AsyncClient`.

`SyncAPIClient` and `AsyncAPIClient` hold the configuration (API key, base URL, API version,
Connect account, timeouts, retries, size limits) and send every request of the generated
methods through `request()`, which adds the headers, retries what is safe to retry, maps error
responses to the exceptions of `errors` and parses successful responses into typed models.

Safety with money:

- Every POST carries an `Idempotency-Key`, the caller's or a random UUID, and keeps it across
  retries, so that a retried request can never charge twice.
- Retries (`max_retries`, 2 by default, 0 disables them) happen on connection errors,
  timeouts, HTTP 409 (except an `idempotency_error`: the key is in use by another request or
  was used with other parameters, and asking again changes nothing), 429 and 5xx, and
  whenever the response says `Stripe-Should-Retry: true`; never when it says
  `Stripe-Should-Retry: false`. The wait grows exponentially with jitter, capped; a
  `Retry-After` header can lengthen it up to a bound but never shorten it (see `Backoff`).
- The API key never appears in `repr()`, exception texts, exception or response headers, or
  log records, even when a server echoes it back, and is only sent over `https://`, or plain
  `http://` to a loopback address (a local mock server), unless `allow_insecure_http=True`.

Limits, so that a slow, broken or hostile server cannot hold a call or exhaust memory:

- `timeout` bounds each whole attempt, from connecting to the last byte of the body, not
  only each read (with an `http_client` of your own, the synchronous client bounds the
  response headers per read only; see `SyncAPIClient`). `max_total_time` (None by default) bounds the whole call, retries and
  waits included; without it a call takes at most about `(max_retries + 1) * timeout`
  plus `max_retries` waits of at most `max(Backoff.maximum, Backoff.max_retry_after)` each
  (80 s per attempt, 8 s or 60 s per wait by default).
- Responses are streamed and counted: a body larger than `max_response_size` (JSON and error
  bodies, 32 MiB by default) or `max_binary_response_size` (files such as PDFs, 256 MiB by
  default) raises `ResponseTooLargeError` before more than the limit is held in memory, and a
  `Content-Length` above the limit is refused before the body is read.

Logging goes to the logger named after the package (`_constants.PACKAGE_NAME`): each attempt
and response at DEBUG (method, path, status, request id, attempt), each retry at INFO.
Headers, bodies and query strings are never logged. httpx and httpcore log too (response
headers, at DEBUG): anything shaped like a Stripe secret or restricted key is blanked out of
their records as well.
"""

from __future__ import annotations

import contextvars
import ipaddress
import logging
import math
import os
import random
import re
import sys
import time
import uuid
from dataclasses import dataclass
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Generic,
    Iterable,
    List,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
)

import httpcore  # httpx's transport library, installed with it
import httpx
from pydantic import TypeAdapter, ValidationError

from ._constants import API_VERSION, BASE_URL, PACKAGE_NAME, VERSION
from ._encoding import urlencode_pairs
from ._model_base import ResponseInfo, StripeModel
from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    IdempotencyError,
    ResponseTooLargeError,
    StripeError,
    error_from_response,
)

if TYPE_CHECKING:
    import ssl

__all__ = [
    "API_KEY_ENV_VAR",
    "AsyncAPIClient",
    "Backoff",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_BINARY_RESPONSE_SIZE",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_STRIPE_VERSION",
    "RequestOptions",
    "ResponseType",
    "SyncAPIClient",
    "USER_AGENT",
]

T = TypeVar("T")
_SyncClientT = TypeVar("_SyncClientT", bound="SyncAPIClient")
_AsyncClientT = TypeVar("_AsyncClientT", bound="AsyncAPIClient")

API_KEY_ENV_VAR = "STRIPE_API_KEY"
"""The environment variable read when no `api_key` is given."""

DEFAULT_BASE_URL = BASE_URL
DEFAULT_STRIPE_VERSION = API_VERSION
DEFAULT_TIMEOUT = 80.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RESPONSE_SIZE = 32 * 1024 * 1024
"""The default `max_response_size`: the largest JSON or error body accepted, in bytes."""
DEFAULT_MAX_BINARY_RESPONSE_SIZE = 256 * 1024 * 1024
"""The default `max_binary_response_size`: the largest file (PDF) accepted, in bytes."""

_PYTHON_VERSION = "%d.%d.%d" % sys.version_info[:3]
USER_AGENT = (
    f"{PACKAGE_NAME}/{VERSION} (codegen; python {_PYTHON_VERSION};"
    f" httpx {httpx.__version__})"
)
"""The `User-Agent` header of every request."""

_REDACTED = "<redacted API key>"

# What Stripe's secret and restricted keys look like; used for the log records of httpx and
# httpcore, which cannot know the client's key.
_KEY_PATTERN = re.compile(r"\b[rs]k_(?:live|test)_[0-9A-Za-z]+")

logger = logging.getLogger(PACKAGE_NAME)


@dataclass(frozen=True)
class RequestOptions:
    """Per-call settings; every generated method takes them as keyword arguments.

    Attributes:
        idempotency_key: Sent as `Idempotency-Key`; POSTs get a random UUID when it is None.
        stripe_account: Connect account to act for (`Stripe-Account`), instead of the
            client's default.
        timeout: Seconds (or an `httpx.Timeout`) each attempt of this call may take,
            instead of the client's `timeout` (see `SyncAPIClient`).
        extra_headers: Headers added last, replacing any header of the same name.
    """

    idempotency_key: Optional[str] = None
    stripe_account: Optional[str] = None
    timeout: Union[float, httpx.Timeout, None] = None
    extra_headers: Optional[Mapping[str, str]] = None


_NO_OPTIONS = RequestOptions()


@dataclass(frozen=True)
class Backoff:
    """How long to wait between attempts.

    Before retry number n (1 for the first retry) the client waits a random time between half
    and all of `min(maximum, initial * 2 ** (n - 1))` seconds. A `Retry-After` header of a
    positive number of seconds (or an HTTP date in the future) makes the wait longer when it
    asks for more, up to `max_retry_after`; it never makes it shorter, so a `Retry-After` of
    0, a negative number, NaN or garbage still gets the backoff (no hammering), and a huge one
    waits `max_retry_after`. Tests can make the waits tiny:
    `Client(..., backoff=Backoff(0.001, 0.01, 0.01))`.

    Attributes:
        initial: Upper bound of the first wait, in seconds.
        maximum: Upper bound of any computed wait, in seconds.
        max_retry_after: Upper bound of a wait asked for by `Retry-After`, in seconds.
    """

    initial: float = 0.5
    maximum: float = 8.0
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        if min(self.initial, self.maximum, self.max_retry_after) < 0:
            raise ValueError("backoff delays must not be negative")

    def delay(self, retry: int, retry_after: Optional[float] = None) -> float:
        """Seconds to wait before retry number `retry`, given the `Retry-After` seconds."""
        # The exponent is capped so that a huge max_retries cannot overflow the float.
        ceiling = min(self.maximum, self.initial * 2.0 ** min(retry - 1, 64))
        wait = ceiling * (0.5 + random.random() / 2)
        if retry_after is not None and retry_after > 0:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait


DEFAULT_BACKOFF = Backoff()


class ResponseType(Generic[T]):
    """What a successful response body is parsed into.

    Generated modules create one per response type, at import time and cheaply: the pydantic
    `TypeAdapter` is built on first use and then kept.

        _CARD: ResponseType[Card] = ResponseType(Card)
        _PAYMENT_SOURCE: ResponseType[PaymentSource] = ResponseType(PaymentSource)

    The type may be a model class or any type pydantic validates, such as an
    `Annotated[Union[...], Field(discriminator="object")]` alias. `ResponseType.binary()`
    returns the body as `bytes` instead (for PDF downloads).
    """

    __slots__ = ("_type", "_adapter")

    def __init__(self, type_: Any) -> None:
        self._type = type_
        self._adapter: Optional[TypeAdapter[T]] = None

    def __repr__(self) -> str:
        return f"ResponseType({self._type!r})"

    @staticmethod
    def binary() -> ResponseType[bytes]:
        """The response type of endpoints that return a file: the body, unparsed."""
        return _BINARY

    def parse(self, content: bytes) -> T:
        """Validate a JSON body.

        Raises:
            pydantic.ValidationError: If the body is not JSON or does not fit the type.
        """
        adapter = self._adapter
        if adapter is None:
            adapter = self._adapter = TypeAdapter(self._type)
        return adapter.validate_json(content)


class _BinaryResponseType(ResponseType[bytes]):
    """The body as it came, for endpoints that return a file."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(bytes)

    def parse(self, content: bytes) -> bytes:
        return content


_BINARY = _BinaryResponseType()


@dataclass
class _Call(Generic[T]):
    """One call of `request()`: its request and the limits its attempts run under."""

    request: httpx.Request
    response_type: ResponseType[T]
    timeout: Union[float, httpx.Timeout]
    attempt_seconds: Optional[float]  # None: no bound on a whole attempt
    deadline: Optional[float]  # time.monotonic() when max_total_time runs out, or None
    attempt_deadline: Optional[float] = (
        None  # when the current attempt runs out, or None
    )


class _BaseAPIClient:
    """Configuration and everything about a call that does not depend on sync or async I/O."""

    def __init__(
        self,
        api_key: Optional[str],
        *,
        base_url: Optional[str],
        stripe_version: str,
        stripe_account: Optional[str],
        timeout: Union[float, httpx.Timeout],
        max_retries: int,
        max_total_time: Optional[float],
        max_response_size: int,
        max_binary_response_size: int,
        allow_insecure_http: bool,
        backoff: Backoff,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get(API_KEY_ENV_VAR)
        if not key:
            raise ValueError(
                "No API key: pass api_key=... or set the"
                f" {API_KEY_ENV_VAR} environment variable."
            )
        if not key.isascii() or not key.isprintable() or " " in key:
            raise ValueError(
                "The API key contains spaces or non-printable characters;"
                " check how it was loaded."
            )
        if max_retries < 0:
            raise ValueError("max_retries must not be negative")
        if max_total_time is not None and not (
            math.isfinite(max_total_time) and max_total_time > 0
        ):
            raise ValueError(
                "max_total_time must be a positive number of seconds, or None"
            )
        for name, size in (
            ("max_response_size", max_response_size),
            ("max_binary_response_size", max_binary_response_size),
        ):
            if size < 1:
                raise ValueError(f"{name} must be a positive number of bytes")
        self._api_key = key
        self._allow_insecure_http = allow_insecure_http
        self._base_url = self._checked_base_url(
            base_url if base_url is not None else DEFAULT_BASE_URL
        )
        # A base URL given by the caller (a proxy, a mock server) also replaces the servers
        # that single operations have in the spec, such as https://files.stripe.com.
        self._base_url_is_custom = base_url is not None
        self._stripe_version = stripe_version
        self._stripe_account = stripe_account
        self._timeout = timeout
        self._max_retries = max_retries
        self._max_total_time = max_total_time
        self._max_response_size = max_response_size
        self._max_binary_response_size = max_binary_response_size
        self._backoff = backoff
        _redact_library_logs()

    @property
    def base_url(self) -> str:
        """The URL every path is appended to, without a trailing slash."""
        return self._base_url

    @property
    def stripe_version(self) -> str:
        """The API version sent as `Stripe-Version`."""
        return self._stripe_version

    @property
    def stripe_account(self) -> Optional[str]:
        """The Connect account sent as `Stripe-Account` by default, if any."""
        return self._stripe_account

    @property
    def timeout(self) -> Union[float, httpx.Timeout]:
        """The default time each attempt of a call may take, in seconds."""
        return self._timeout

    @property
    def max_retries(self) -> int:
        """How many times a failed call is retried at most."""
        return self._max_retries

    @property
    def max_total_time(self) -> Optional[float]:
        """Seconds a whole call may take, retries and waits included; None: no such bound."""
        return self._max_total_time

    @property
    def max_response_size(self) -> int:
        """The largest JSON or error response body accepted, in bytes."""
        return self._max_response_size

    @property
    def max_binary_response_size(self) -> int:
        """The largest file (such as a PDF) accepted as a successful response, in bytes."""
        return self._max_binary_response_size

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self._base_url!r},"
            f" stripe_version={self._stripe_version!r},"
            f" stripe_account={self._stripe_account!r},"
            f" max_retries={self._max_retries!r})"
        )

    def _checked_base_url(self, url: str) -> str:
        """The URL without trailing slash, if it is safe to send the API key to."""
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise ValueError(f"invalid base URL {url!r}: {exc}") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ValueError(
                f"base URL must be an http(s) URL with a host, not {url!r}"
            )
        if (
            parsed.scheme == "http"
            and not self._allow_insecure_http
            and not _is_loopback(parsed.host)
        ):
            raise ValueError(
                f"Refusing to send the API key over plain http:// to {parsed.host}: use"
                " https://, or pass allow_insecure_http=True if you really mean it."
            )
        return url.rstrip("/")

    def _start_call(
        self,
        http_client: Union[httpx.Client, httpx.AsyncClient],
        response_type: ResponseType[T],
        method: str,
        path: str,
        query: Optional[List[Tuple[str, str]]],
        form: Optional[List[Tuple[str, str]]],
        files: Optional[Dict[str, Any]],
        base_url: Optional[str],
        options: RequestOptions,
    ) -> _Call[T]:
        """The request of one call, sent unchanged by every attempt, and its limits."""
        timeout = self._timeout if options.timeout is None else options.timeout
        request = self._build_request(
            http_client, method, path, query, form, files, base_url, options, timeout
        )
        return _Call(
            request=request,
            response_type=response_type,
            timeout=timeout,
            attempt_seconds=_attempt_seconds(timeout),
            deadline=(
                None
                if self._max_total_time is None
                else time.monotonic() + self._max_total_time
            ),
        )

    def _build_request(
        self,
        http_client: Union[httpx.Client, httpx.AsyncClient],
        method: str,
        path: str,
        query: Optional[List[Tuple[str, str]]],
        form: Optional[List[Tuple[str, str]]],
        files: Optional[Dict[str, Any]],
        base_url: Optional[str],
        options: RequestOptions,
        timeout: Union[float, httpx.Timeout],
    ) -> httpx.Request:
        """The request of one call, sent unchanged by every attempt."""
        method = method.upper()
        if base_url is None or self._base_url_is_custom:
            url = self._base_url + path
        else:
            url = self._checked_base_url(base_url) + path
        if query:
            url += "?" + urlencode_pairs(query)
        headers = {
            "Authorization": f"Bearer {self._api_key}",
            "Stripe-Version": self._stripe_version,
            "User-Agent": USER_AGENT,
        }
        account = (
            options.stripe_account
            if options.stripe_account is not None
            else self._stripe_account
        )
        if account:
            headers["Stripe-Account"] = account
        idempotency_key = options.idempotency_key
        if idempotency_key is None and method == "POST":
            idempotency_key = str(uuid.uuid4())
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        content: Optional[bytes] = None
        data: Optional[Dict[str, List[str]]] = None
        if files is not None:
            # multipart/form-data: httpx writes the Content-Type with its boundary.
            data = {}
            for key, value in form or ():
                data.setdefault(key, []).append(value)
        elif form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            content = urlencode_pairs(form).encode("ascii")
        all_headers: Union[Dict[str, str], httpx.Headers] = headers
        if options.extra_headers:
            # httpx.Headers replaces a header whatever the case of its name.
            all_headers = httpx.Headers(headers)
            all_headers.update(options.extra_headers)
        return http_client.build_request(
            method,
            url,
            headers=all_headers,
            content=content,
            data=data,
            files=files,
            timeout=timeout,
        )

    def _start_attempt(self, call: _Call[Any]) -> Optional[float]:
        """Set the deadline of the next attempt; return the seconds it may take, or None.

        Every single network operation of the attempt (connect, write, read) gets at most
        the time left, so that none of them can outlast the attempt or the call.
        """
        now = time.monotonic()
        ends = [
            end
            for end in (
                None if call.attempt_seconds is None else now + call.attempt_seconds,
                call.deadline,
            )
            if end is not None
        ]
        call.attempt_deadline = min(ends) if ends else None
        if call.attempt_deadline is None:
            return None
        # At least a millisecond: a zero timeout would make the socket non-blocking.
        left = max(call.attempt_deadline - now, 0.001)
        limits = httpx.Timeout(call.timeout)
        call.request.extensions["timeout"] = httpx.Timeout(
            connect=_at_most(limits.connect, left),
            read=_at_most(limits.read, left),
            write=_at_most(limits.write, left),
            pool=_at_most(limits.pool, left),
        ).as_dict()
        return left

    def _body(self, call: _Call[Any], response: httpx.Response) -> _Body:
        """The collector of a response's body, refusing it early when it is too large."""
        if response.is_success and isinstance(call.response_type, _BinaryResponseType):
            limit, option = self._max_binary_response_size, "max_binary_response_size"
        else:
            limit, option = self._max_response_size, "max_response_size"
        body = _Body(self, call, response, limit, option)
        declared = response.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise body.too_large(int(declared))
        return body

    def _retry_delay(
        self,
        call: _Call[Any],
        retries: int,
        response: Optional[httpx.Response],
        error: Optional[StripeError] = None,
    ) -> Optional[float]:
        """Seconds to wait before the next attempt, or None when the failure is final.

        `response` is None when the attempt got no response (connection error or timeout);
        `error` is the exception an error response maps to. A wait that would end past
        `max_total_time` is not started: the failure is final then.
        """
        if retries >= self._max_retries:
            return None
        if response is None:
            delay = self._backoff.delay(retries + 1)
        elif not _should_retry(response, error):
            return None
        else:
            delay = self._backoff.delay(retries + 1, _retry_after(response))
        if call.deadline is not None and time.monotonic() + delay >= call.deadline:
            return None
        return delay

    def _retry_after_failure(
        self, call: _Call[Any], retries: int, exc: httpx.RequestError
    ) -> float:
        """The wait before retrying an attempt that got no response; raises when final."""
        delay = self._retry_delay(call, retries, None)
        if delay is None:
            raise self._connection_error(call, exc) from exc
        return delay

    def _retry_after_error(
        self,
        call: _Call[Any],
        retries: int,
        response: httpx.Response,
        content: bytes,
        headers: httpx.Headers,
    ) -> float:
        """The wait before retrying an error response; raises its exception when final.

        `headers` are the response headers with the API key redacted.
        """
        error = error_from_response(
            response.status_code, headers, self._redact(_text(response, content))
        )
        delay = self._retry_delay(call, retries, response, error)
        if delay is None:
            raise error
        return delay

    def _parse(
        self,
        response_type: ResponseType[T],
        response: httpx.Response,
        content: bytes,
        headers: httpx.Headers,
    ) -> T:
        """The parsed body of a successful response, with the response attached."""
        info = ResponseInfo(
            status_code=response.status_code,
            headers=headers,
            request_id=headers.get("request-id"),
        )
        try:
            result = response_type.parse(content)
        except ValidationError as exc:
            # Raised without the ValidationError as its cause: that one quotes the body,
            # which the exception only keeps with the API key redacted.
            raise APIResponseValidationError(
                self._redact(_describe_invalid_body(response.status_code, exc)),
                http_status=response.status_code,
                request_id=info.request_id,
                headers=headers,
                body=self._redact(_text(response, content)),
            ) from None
        if isinstance(result, StripeModel):
            result._last_response = info
        return result

    def _connection_error(
        self, call: _Call[Any], exc: httpx.RequestError
    ) -> APIConnectionError:
        """The exception for an attempt that got no response."""
        request = call.request
        reason = self._redact(str(exc)) or type(exc).__name__
        if isinstance(exc, httpx.TimeoutException):
            if call.attempt_seconds is None:
                limits = "no timeout per attempt"
            else:
                limits = f"timeout {call.attempt_seconds:g} s per attempt"
            if self._max_total_time is not None:
                limits += f", max_total_time {self._max_total_time:g} s per call"
            return APITimeoutError(
                f"{request.method} {request.url.path} timed out ({limits}): {reason}"
            )
        return APIConnectionError(
            f"{request.method} {request.url.path} failed: {reason}"
        )

    def _redact(self, text: str) -> str:
        """`text` with the API key blanked out, in case a proxy or a mock echoes it."""
        return text.replace(self._api_key, _REDACTED)

    def _redact_headers(self, headers: httpx.Headers) -> httpx.Headers:
        """`headers` with the API key blanked out of every name and value."""
        key = self._api_key
        if not any(
            key in name or key in value for name, value in headers.multi_items()
        ):
            return headers
        return httpx.Headers(
            [
                (self._redact(name), self._redact(value))
                for name, value in headers.multi_items()
            ]
        )


class _Body:
    """Collects a streamed response body, refusing it as soon as it is too large or late.

    The attempt's deadline is checked after every chunk, so that a server dripping the body
    byte by byte cannot stretch an attempt past its timeout.
    """

    def __init__(
        self,
        client: _BaseAPIClient,
        call: _Call[Any],
        response: httpx.Response,
        limit: int,
        option: str,
    ) -> None:
        self._client = client
        self._call = call
        self._response = response
        self._limit = limit
        self._option = option
        self._chunks: List[bytes] = []
        self._size = 0

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
        deadline = self._call.attempt_deadline
        if deadline is not None and time.monotonic() >= deadline:
            raise httpx.ReadTimeout(
                "the response body did not arrive in time", request=self._call.request
            )

    def content(self) -> bytes:
        """The whole body."""
        return b"".join(self._chunks)

    def too_large(self, declared: Optional[int] = None) -> ResponseTooLargeError:
        """The exception for a body over the limit, of the `Content-Length` if `declared`."""
        status = self._response.status_code
        headers = self._client._redact_headers(self._response.headers)
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


class SyncAPIClient(_BaseAPIClient):
    """A configured connection to the API, for synchronous code.

    Use it as a context manager, or call `close()`, to release its connections.

    Args:
        api_key: Secret or restricted key; when None, the `STRIPE_API_KEY` environment
            variable. Neither raises `ValueError`.
        base_url: Where to send requests, e.g. a proxy or a mock server; defaults to
            `DEFAULT_BASE_URL` (the spec's server). When given, it also replaces the spec's
            own server of the few operations that have one (file uploads go to
            `https://files.stripe.com`).
            Plain `http://` is refused, except to loopback addresses, unless
            `allow_insecure_http` is True (raises `ValueError`).
        stripe_version: The API version, sent as `Stripe-Version`.
        stripe_account: A Connect account to act for on every call, sent as `Stripe-Account`.
        timeout: Seconds each attempt may take, from connecting to the last byte of the
            response body (a slow server cannot stretch it by dripping bytes); each single
            connect, write or read gets at most the time left. An `httpx.Timeout` sets the
            limit of each kind of operation instead, and the whole attempt is bounded by the
            largest of them (not at all when one is None). A call's `timeout=` replaces it.
        max_retries: How often a failed call is retried; 0 disables retries.
        max_total_time: Seconds a whole call may take, all attempts and the waits between
            them included: an attempt running into it raises `APITimeoutError`, and a retry
            whose wait would end past it is not made (the last failure is raised). None,
            the default, leaves a call bounded by its attempts and waits only: at most
            `(max_retries + 1) * timeout` plus `max_retries` waits, each of at most
            `max(backoff.maximum, backoff.max_retry_after)` seconds.
        max_response_size: The largest JSON or error response body accepted, in bytes
            (32 MiB by default). A larger one raises `ResponseTooLargeError` without being
            held in memory; so does a larger `Content-Length`, before the body is read.
        max_binary_response_size: The same for files returned by successful calls, such as
            PDFs (256 MiB by default).
        http_client: An `httpx.Client` to send with, e.g. configured with proxies or
            certificates. It is left open by `close()`: whoever made it closes it. Its own
            timeout is replaced by `timeout`. With a client of your own, an attempt is
            bounded by the per-operation limits and checked between chunks of the body,
            but a server sending its response headers a byte at a time is only bounded
            per read; the client made here bounds every read by the attempt's deadline.
        allow_insecure_http: Allow plain `http://` to any host.
        backoff: The waits between attempts.
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        stripe_version: str = DEFAULT_STRIPE_VERSION,
        stripe_account: Optional[str] = None,
        timeout: Union[float, httpx.Timeout] = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_total_time: Optional[float] = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        max_binary_response_size: int = DEFAULT_MAX_BINARY_RESPONSE_SIZE,
        http_client: Optional[httpx.Client] = None,
        allow_insecure_http: bool = False,
        backoff: Backoff = DEFAULT_BACKOFF,
    ) -> None:
        super().__init__(
            api_key,
            base_url=base_url,
            stripe_version=stripe_version,
            stripe_account=stripe_account,
            timeout=timeout,
            max_retries=max_retries,
            max_total_time=max_total_time,
            max_response_size=max_response_size,
            max_binary_response_size=max_binary_response_size,
            allow_insecure_http=allow_insecure_http,
            backoff=backoff,
        )
        self._owns_http_client = http_client is None
        if http_client is None:
            http_client = httpx.Client(timeout=timeout, follow_redirects=False)
            _bound_reads_by_attempt_deadlines(http_client)
        self._http_client = http_client

    def close(self) -> None:
        """Release the connections, unless the `httpx.Client` was passed in."""
        if self._owns_http_client:
            self._http_client.close()

    def __enter__(self: _SyncClientT) -> _SyncClientT:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.close()

    def request(
        self,
        response_type: ResponseType[T],
        method: str,
        path: str,
        *,
        query: Optional[List[Tuple[str, str]]] = None,
        form: Optional[List[Tuple[str, str]]] = None,
        files: Optional[Dict[str, Any]] = None,
        base_url: Optional[str] = None,
        options: Optional[RequestOptions] = None,
    ) -> T:
        """Send one API call, retrying as configured, and parse its response.

        Args:
            response_type: What a successful body is parsed into.
            method: `"get"`, `"post"` or `"delete"`.
            path: The path after the base URL, path parameters encoded by `quote_path`.
            query: Query parameters, encoded by `encode_params`.
            form: Form body parameters, encoded by `encode_params`.
            files: Files for a `multipart/form-data` body (`form` is then sent as its fields),
                as httpx's `files=` takes them.
            base_url: The operation's own server from the spec, used instead of the default
                base URL (but not instead of one given to the client).
            options: Per-call settings.

        Raises:
            StripeError: A subclass for each kind of failure, see `errors`.
        """
        call = self._start_call(
            self._http_client,
            response_type,
            method,
            path,
            query,
            form,
            files,
            base_url,
            options if options is not None else _NO_OPTIONS,
        )
        retries = 0
        while True:
            _log_attempt(call.request, retries + 1, self._max_retries + 1)
            try:
                response, content = self._attempt(call)
            except httpx.RequestError as exc:
                delay = self._retry_after_failure(call, retries, exc)
                reason = type(exc).__name__
            else:
                headers = self._redact_headers(response.headers)
                _log_response(call.request, response.status_code, headers)
                if response.is_success:
                    return self._parse(call.response_type, response, content, headers)
                delay = self._retry_after_error(
                    call, retries, response, content, headers
                )
                reason = f"HTTP {response.status_code}"
            retries += 1
            _log_retry(call.request, retries, self._max_retries + 1, delay, reason)
            time.sleep(delay)

    def _attempt(self, call: _Call[Any]) -> Tuple[httpx.Response, bytes]:
        """Send the request once and read its body, by the attempt's deadline.

        Raises:
            httpx.RequestError: No complete response in time, or no response at all.
            ResponseTooLargeError: The body is larger than its limit.
        """
        self._start_attempt(call)
        token = _ATTEMPT_DEADLINE.set(call.attempt_deadline)
        try:
            response = self._http_client.send(call.request, stream=True)
            try:
                body = self._body(call, response)
                for chunk in response.iter_bytes():
                    body.add(chunk)
            finally:
                response.close()
        finally:
            _ATTEMPT_DEADLINE.reset(token)
        return response, body.content()


class AsyncAPIClient(_BaseAPIClient):
    """A configured connection to the API, for asyncio code.

    Use it as an async context manager, or await `aclose()`, to release its connections. The
    arguments are those of `SyncAPIClient`, with an `httpx.AsyncClient` as `http_client`;
    each attempt runs under `asyncio.wait_for`, so that its timeout bounds it whole whichever
    `httpx.AsyncClient` sends it.
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        stripe_version: str = DEFAULT_STRIPE_VERSION,
        stripe_account: Optional[str] = None,
        timeout: Union[float, httpx.Timeout] = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_total_time: Optional[float] = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        max_binary_response_size: int = DEFAULT_MAX_BINARY_RESPONSE_SIZE,
        http_client: Optional[httpx.AsyncClient] = None,
        allow_insecure_http: bool = False,
        backoff: Backoff = DEFAULT_BACKOFF,
    ) -> None:
        super().__init__(
            api_key,
            base_url=base_url,
            stripe_version=stripe_version,
            stripe_account=stripe_account,
            timeout=timeout,
            max_retries=max_retries,
            max_total_time=max_total_time,
            max_response_size=max_response_size,
            max_binary_response_size=max_binary_response_size,
            allow_insecure_http=allow_insecure_http,
            backoff=backoff,
        )
        self._owns_http_client = http_client is None
        self._http_client = (
            http_client
            if http_client is not None
            else httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        )

    async def aclose(self) -> None:
        """Release the connections, unless the `httpx.AsyncClient` was passed in."""
        if self._owns_http_client:
            await self._http_client.aclose()

    async def __aenter__(self: _AsyncClientT) -> _AsyncClientT:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        await self.aclose()

    async def request(
        self,
        response_type: ResponseType[T],
        method: str,
        path: str,
        *,
        query: Optional[List[Tuple[str, str]]] = None,
        form: Optional[List[Tuple[str, str]]] = None,
        files: Optional[Dict[str, Any]] = None,
        base_url: Optional[str] = None,
        options: Optional[RequestOptions] = None,
    ) -> T:
        """Send one API call, retrying as configured, and parse its response.

        The arguments are those of `SyncAPIClient.request`.

        Raises:
            StripeError: A subclass for each kind of failure, see `errors`.
        """
        call = self._start_call(
            self._http_client,
            response_type,
            method,
            path,
            query,
            form,
            files,
            base_url,
            options if options is not None else _NO_OPTIONS,
        )
        retries = 0
        while True:
            _log_attempt(call.request, retries + 1, self._max_retries + 1)
            try:
                response, content = await self._attempt(call)
            except httpx.RequestError as exc:
                delay = self._retry_after_failure(call, retries, exc)
                reason = type(exc).__name__
            else:
                headers = self._redact_headers(response.headers)
                _log_response(call.request, response.status_code, headers)
                if response.is_success:
                    return self._parse(call.response_type, response, content, headers)
                delay = self._retry_after_error(
                    call, retries, response, content, headers
                )
                reason = f"HTTP {response.status_code}"
            retries += 1
            _log_retry(call.request, retries, self._max_retries + 1, delay, reason)
            await _async_sleep(delay)

    async def _attempt(self, call: _Call[Any]) -> Tuple[httpx.Response, bytes]:
        """Send the request once and read its body, by the attempt's deadline.

        Raises:
            httpx.RequestError: No complete response in time, or no response at all.
            ResponseTooLargeError: The body is larger than its limit.
        """
        left = self._start_attempt(call)
        if left is None:
            return await self._send(call)
        import asyncio

        try:
            return await asyncio.wait_for(self._send(call), left)
        except asyncio.TimeoutError:
            raise httpx.ReadTimeout(
                "the response did not arrive in time", request=call.request
            ) from None

    async def _send(self, call: _Call[Any]) -> Tuple[httpx.Response, bytes]:
        """Send the request once and read its whole body."""
        response = await self._http_client.send(call.request, stream=True)
        try:
            body = self._body(call, response)
            async for chunk in response.aiter_bytes():
                body.add(chunk)
        finally:
            await response.aclose()
        return response, body.content()


async def _async_sleep(seconds: float) -> None:
    """`asyncio.sleep`, imported on first use: asyncio takes long to import and only the
    asynchronous client needs it."""
    import asyncio

    await asyncio.sleep(seconds)


# --- bounding every read and write of an attempt (synchronous client) ---------------------

_ATTEMPT_DEADLINE: contextvars.ContextVar[Optional[float]] = contextvars.ContextVar(
    f"{PACKAGE_NAME}_attempt_deadline", default=None
)
"""When the attempt running in this thread must end (`time.monotonic()`), or None."""


def _time_left(timeout: Optional[float], error: Type[Exception]) -> Optional[float]:
    """`timeout` shortened to the current attempt's time left; raises `error` when none is."""
    deadline = _ATTEMPT_DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the attempt ran out of time")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the current attempt's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: Optional[float] = None) -> bytes:
        return self._stream.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: Optional[float] = None) -> None:
        self._stream.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._stream.start_tls(
                ssl_context,
                server_hostname,
                _time_left(timeout, httpcore.ConnectTimeout),
            )
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Opens `_DeadlineStream` connections."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: Optional[float] = None,
        local_address: Optional[str] = None,
        socket_options: Optional[Iterable[Any]] = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._backend.connect_tcp(
                host,
                port,
                _time_left(timeout, httpcore.ConnectTimeout),
                local_address,
                socket_options,
            )
        )

    def connect_unix_socket(
        self,
        path: str,
        timeout: Optional[float] = None,
        socket_options: Optional[Iterable[Any]] = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._backend.connect_unix_socket(
                path, _time_left(timeout, httpcore.ConnectTimeout), socket_options
            )
        )

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def _bound_reads_by_attempt_deadlines(http_client: httpx.Client) -> None:
    """Make every read and write of the client's connections end by the attempt's deadline.

    A per-read timeout alone lets a server that sends its response headers a byte at a time
    hold an attempt for as long as it likes. httpx offers no public way to choose the network
    backend of its transports, so this reaches into the `httpx.Client` made by
    `SyncAPIClient` (never into one passed in); should a future httpx be built differently,
    it changes nothing, and attempts stay bounded by the per-operation timeouts and the
    deadline checks between chunks of the body.
    """
    transports = [getattr(http_client, "_transport", None)]
    transports += list(getattr(http_client, "_mounts", {}).values())
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore.NetworkBackend) and not isinstance(
            backend, _DeadlineBackend
        ):
            setattr(pool, "_network_backend", _DeadlineBackend(backend))


# --- helpers ---------------------------------------------------------------------------------


def _attempt_seconds(timeout: Union[float, httpx.Timeout, None]) -> Optional[float]:
    """How long a whole attempt may take: a number itself, the largest limit of an
    `httpx.Timeout`, or None (unbounded) when the timeout or one of its limits is None.
    """
    if timeout is None:
        return None
    if not isinstance(timeout, httpx.Timeout):
        return float(timeout)
    limits = [timeout.connect, timeout.read, timeout.write, timeout.pool]
    bounded = [limit for limit in limits if limit is not None]
    if len(bounded) < len(limits):
        return None
    return max(bounded)


def _at_most(limit: Optional[float], left: float) -> float:
    """The limit of one network operation, shortened to the time the attempt has left."""
    return left if limit is None else min(limit, left)


def _text(response: httpx.Response, content: bytes) -> str:
    """The body as text, in the charset of its `Content-Type` (UTF-8 by default)."""
    try:
        return content.decode(response.charset_encoding or "utf-8", errors="replace")
    except LookupError:
        return content.decode("utf-8", errors="replace")


def _should_retry(
    response: httpx.Response, error: Optional[StripeError] = None
) -> bool:
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


def _retry_after(response: httpx.Response) -> Optional[float]:
    """The wait a `Retry-After` header asks for, in seconds, or None.

    None also when the header is not a positive number of seconds (0, negative, NaN,
    garbage) or is an HTTP date that is not in the future: the backoff applies then.
    `Backoff.delay` caps what is returned (infinity included) at `max_retry_after`.
    """
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, OverflowError):
            return None
    if math.isnan(seconds) or seconds <= 0:
        return None
    return seconds


class _KeyRedactingFilter(logging.Filter):
    """Blanks out Stripe keys in log records of httpx and httpcore.

    httpcore logs the response headers at DEBUG, so a key a server echoes in a header would
    reach the log; these libraries cannot know the client's key, so anything shaped like a
    Stripe secret or restricted key is blanked out.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed record: logging reports it when it is emitted
        redacted = _KEY_PATTERN.sub(_REDACTED, message)
        if redacted != message:
            record.msg = redacted
            record.args = ()
        return True


_LIBRARY_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


def _redact_library_logs() -> None:
    """Add a `_KeyRedactingFilter` to the loggers of httpx and httpcore, once."""
    for name in _LIBRARY_LOGGERS:
        library_logger = logging.getLogger(name)
        if not any(isinstance(f, _KeyRedactingFilter) for f in library_logger.filters):
            library_logger.addFilter(_KeyRedactingFilter())


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


def _is_loopback(host: str) -> bool:
    """Whether `host` names this machine (`localhost`, 127.0.0.0/8 or ::1)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _log_attempt(request: httpx.Request, attempt: int, attempts: int) -> None:
    logger.debug(
        "Sending %s %s (attempt %d of %d)",
        request.method,
        request.url.path,
        attempt,
        attempts,
    )


def _log_response(
    request: httpx.Request, status_code: int, headers: httpx.Headers
) -> None:
    """Log a response; `headers` are its headers with the API key redacted."""
    logger.debug(
        "Received HTTP %d for %s %s (request id %s)",
        status_code,
        request.method,
        request.url.path,
        headers.get("request-id"),
    )


def _log_retry(
    request: httpx.Request, retry: int, attempts: int, delay: float, reason: str
) -> None:
    logger.info(
        "Retrying %s %s in %.3f s after %s (attempt %d of %d)",
        request.method,
        request.url.path,
        delay,
        reason,
        retry + 1,
        attempts,
    )

"""What the synchronous and asynchronous clients share: configuration, requests, errors.

`BaseAPIClient` checks and holds the configuration (credentials, base URL, timeouts,
retries, size limits), builds the request of a call (the credentials its operation needs,
headers, the idempotency key a POST keeps across retries when the API has one, the body),
sets the deadline of each attempt, decides on retries and turns responses into results or
exceptions, with every credential redacted. Only sending and waiting differ between `SyncAPIClient` and `AsyncAPIClient`.
"""

from __future__ import annotations

import ipaddress
import math
import sys
import time
from dataclasses import dataclass
from contextvars import ContextVar
from typing import (
    Any,
    Dict,
    Generic,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
    Union,
    cast,
)

import httpx

from ._bodies import cookie_header, merged_json, request_body
from ._constants import BASE_URL, VERSION
from ._deadlines import attempt_seconds, bounded_timeouts
from ._encoding import merged_pairs, urlencode_pairs
from ._profile import (
    Credentials,
    Requirement,
    SentCredentials,
    profile_headers,
    should_retry,
)
from ._logs import IMPORT_NAME, redact, redact_headers, redact_library_logs
from ._options import (
    NO_OPTIONS,
    NOT_GIVEN,
    NotGiven,
    RequestOptions,
    check_max_retries,
)
from ._responses import (
    APIResponse,
    Body,
    ResponseType,
    body_text,
    parse_body,
    response_info,
)
from ._retries import Backoff, retry_after
from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    error_from_response,
)

__all__ = [
    "BaseAPIClient",
    "Call",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_BINARY_RESPONSE_SIZE",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "NO_OPTIONS",
    "NotGiven",
    "RequestOptions",
    "USER_AGENT",
]

T = TypeVar("T")

RAW_RESPONSE: ContextVar[bool] = ContextVar("raw_response", default=False)
"""Set while a `with_raw_response` method runs: its call returns an `APIResponse`."""

DEFAULT_BASE_URL = BASE_URL
DEFAULT_TIMEOUT = 80.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RESPONSE_SIZE = 32 * 1024 * 1024
"""The default `max_response_size`: the largest JSON or error body accepted, in bytes."""
DEFAULT_MAX_BINARY_RESPONSE_SIZE = 256 * 1024 * 1024
"""The default `max_binary_response_size`: the largest file (PDF) accepted, in bytes."""

_PYTHON_VERSION = "%d.%d.%d" % sys.version_info[:3]
USER_AGENT = (
    f"{IMPORT_NAME}/{VERSION} (codegen; python {_PYTHON_VERSION};"
    f" httpx {httpx.__version__})"
)
"""The `User-Agent` header of every request."""


@dataclass
class Call(Generic[T]):
    """One call of `request()`: its request and the limits its attempts run under."""

    request: httpx.Request
    response_type: ResponseType[T]
    timeout: Union[float, httpx.Timeout]
    attempt_seconds: Optional[float]  # None: no bound on a whole attempt
    max_retries: int
    deadline: Optional[float]  # time.monotonic() when max_total_time runs out, or None
    attempt_deadline: Optional[float] = None  # when the current attempt runs out


class BaseAPIClient:
    """Configuration and everything about a call that does not depend on sync or async I/O."""

    def __init__(
        self,
        credentials: Mapping[str, Optional[str]],
        *,
        base_url: Optional[str],
        timeout: Union[float, httpx.Timeout],
        max_retries: int,
        max_total_time: Optional[float],
        max_response_size: int,
        max_binary_response_size: int,
        allow_insecure_http: bool,
        backoff: Backoff,
        strict_response_validation: bool,
    ) -> None:
        self._credentials = Credentials(credentials)
        self._secrets = self._credentials.secrets()
        check_max_retries(max_retries)
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
        self._allow_insecure_http = allow_insecure_http
        self._base_url = self._checked_base_url(
            base_url if base_url is not None else DEFAULT_BASE_URL
        )
        # A base URL given by the caller (a mock) also replaces the operations' own servers.
        self._base_url_is_custom = base_url is not None
        self._timeout = timeout
        self._max_retries = max_retries
        self._max_total_time = max_total_time
        self._max_response_size = max_response_size
        self._max_binary_response_size = max_binary_response_size
        self._backoff = backoff
        self._strict_response_validation = strict_response_validation
        redact_library_logs(self._secrets)

    def _changed_settings(
        self,
        credentials: Mapping[str, str],
        base_url: Union[str, NotGiven],
        timeout: Union[float, httpx.Timeout, NotGiven],
        max_retries: Union[int, NotGiven],
        max_total_time: Union[Optional[float], NotGiven],
        max_response_size: Union[int, NotGiven],
        max_binary_response_size: Union[int, NotGiven],
        backoff: Union[Backoff, NotGiven],
        strict_response_validation: Union[bool, NotGiven],
    ) -> Dict[str, Any]:
        """The constructor arguments of a copy of this client with some settings changed:
        `credentials` (by argument name) replace the client's, the others those not
        `NOT_GIVEN`."""
        given = {
            "base_url": base_url,
            "timeout": timeout,
            "max_retries": max_retries,
            "max_total_time": max_total_time,
            "max_response_size": max_response_size,
            "max_binary_response_size": max_binary_response_size,
            "backoff": backoff,
            "strict_response_validation": strict_response_validation,
        }
        known = self._credentials.given()
        unknown = sorted(set(credentials) - set(known))
        if unknown:
            raise TypeError(f"unknown credential argument: {', '.join(unknown)}")
        settings: Dict[str, Any] = {
            "credentials": {**known, **credentials},
            "base_url": self._base_url if self._base_url_is_custom else None,
            "timeout": self._timeout,
            "max_retries": self._max_retries,
            "max_total_time": self._max_total_time,
            "max_response_size": self._max_response_size,
            "max_binary_response_size": self._max_binary_response_size,
            "backoff": self._backoff,
            "allow_insecure_http": self._allow_insecure_http,
            "strict_response_validation": self._strict_response_validation,
        }
        settings.update(
            (name, value)
            for name, value in given.items()
            if not isinstance(value, NotGiven)
        )
        return settings

    @property
    def strict_response_validation(self) -> bool:
        """Whether successful responses must match the spec (see `parse_body`)."""
        return self._strict_response_validation

    @property
    def base_url(self) -> str:
        """The URL every path is appended to, without a trailing slash."""
        return self._base_url

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
            f" credentials={self._credentials!r},"
            f" max_retries={self._max_retries!r})"
        )

    def _checked_base_url(self, url: str) -> str:
        """The URL without trailing slash, if it is safe to send credentials to."""
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
                f"Refusing to send credentials over plain http:// to {parsed.host}: use"
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
        *,
        json: object = NOT_GIVEN,
        content: Union[bytes, str, None] = None,
        content_type: Optional[str] = None,
        headers: Optional[Sequence[Tuple[str, str]]] = None,
        cookies: Optional[Sequence[Tuple[str, str]]] = None,
        security: Optional[Requirement] = None,
    ) -> Call[T]:
        """The request of one call (see `SyncAPIClient.request`) and its limits."""
        timeout = self._timeout if options.timeout is None else options.timeout
        sent = self._credentials.for_requirement(
            security, f"{method.upper()} {path.partition('?')[0]}"
        )
        if sent.query:
            query = list(query or []) + list(sent.query)
        if sent.cookies:
            cookies = list(cookies or []) + list(sent.cookies)
        max_retries = self._max_retries
        if options.max_retries is not None:
            max_retries = check_max_retries(options.max_retries)
        if options.extra_query:
            query = merged_pairs(query or [], options.extra_query)
        if options.extra_body:
            if not isinstance(json, NotGiven):
                json = merged_json(json, options.extra_body)
            elif content is not None:
                raise TypeError("extra_body cannot be added to a raw content body")
            else:
                form = merged_pairs(form or [], options.extra_body)
        request = self._build_request(
            http_client,
            method,
            path,
            query,
            form,
            files,
            base_url,
            options,
            timeout,
            sent,
            json=json,
            content=content,
            content_type=content_type,
            headers=headers,
            cookies=cookies,
        )
        return Call(
            request=request,
            response_type=response_type,
            timeout=timeout,
            attempt_seconds=attempt_seconds(timeout),
            max_retries=max_retries,
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
        credentials: SentCredentials,
        *,
        json: object = NOT_GIVEN,
        content: Union[bytes, str, None] = None,
        content_type: Optional[str] = None,
        headers: Optional[Sequence[Tuple[str, str]]] = None,
        cookies: Optional[Sequence[Tuple[str, str]]] = None,
    ) -> httpx.Request:
        """The request of one call, sent unchanged by every attempt."""
        method = method.upper()
        if base_url is None or self._base_url_is_custom:
            url = self._base_url + path
        else:
            url = self._checked_base_url(base_url) + path
        if query:
            url += "?" + urlencode_pairs(query)
        sent = profile_headers(credentials, USER_AGENT, method, options)
        body, data, parts, mime = request_body(form, files, json, content, content_type)
        if mime is not None:
            sent["Content-Type"] = mime
        all_headers: Union[Dict[str, str], httpx.Headers] = sent
        if headers or cookies or options.extra_headers:
            # httpx.Headers replaces a header whatever the case of its name.
            all_headers = httpx.Headers(sent)
            for name, value in headers or ():
                all_headers[name] = value
            if cookies:
                all_headers["Cookie"] = cookie_header(cookies)
            if options.extra_headers:
                all_headers.update(options.extra_headers)
        return http_client.build_request(
            method,
            url,
            headers=all_headers,
            content=body,
            data=data,
            files=parts,
            timeout=timeout,
        )

    def _start_attempt(self, call: Call[Any]) -> Optional[float]:
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
        call.request.extensions["timeout"] = bounded_timeouts(call.timeout, left)
        return left

    def _body(self, call: Call[Any], response: httpx.Response) -> Body:
        """The collector of a response's body, refusing it early when it is too large."""
        if response.is_success and call.response_type.is_binary:
            limit, option = self._max_binary_response_size, "max_binary_response_size"
        else:
            limit, option = self._max_response_size, "max_response_size"
        body = Body(
            call.request,
            response,
            limit,
            option,
            call.attempt_deadline,
            lambda headers: self._redact_headers(headers, call),
        )
        body.check_declared_size()
        return body

    def _retry_delay(
        self,
        call: Call[Any],
        retries: int,
        response: Optional[httpx.Response],
        error: Optional[APIError] = None,
    ) -> Optional[float]:
        """Seconds to wait before the next attempt, or None when the failure is final.

        `response` is None when the attempt got no response (connection error or timeout);
        `error` is the exception an error response maps to. A wait that would end past
        `max_total_time` is not started: the failure is final then.
        """
        if retries >= call.max_retries:
            return None
        if response is None:
            delay = self._backoff.delay(retries + 1)
        elif not should_retry(response, error):
            return None
        else:
            delay = self._backoff.delay(retries + 1, retry_after(response))
        if call.deadline is not None and time.monotonic() + delay >= call.deadline:
            return None
        return delay

    def _retry_after_failure(
        self, call: Call[Any], retries: int, exc: httpx.RequestError
    ) -> float:
        """The wait before retrying an attempt that got no response; raises when final."""
        delay = self._retry_delay(call, retries, None)
        if delay is None:
            raise self._connection_error(call, exc) from exc
        return delay

    def _retry_after_error(
        self,
        call: Call[Any],
        retries: int,
        response: httpx.Response,
        content: bytes,
        headers: httpx.Headers,
    ) -> float:
        """The wait before retrying an error response; raises its exception when final.

        `headers` are the response headers with the credentials redacted.
        """
        error = error_from_response(
            self._redacted_response(call, response, content, headers),
            self._redact(body_text(response, content), call),
        )
        delay = self._retry_delay(call, retries, response, error)
        if delay is None:
            raise error
        return delay

    def _success(
        self,
        call: Call[T],
        response: httpx.Response,
        content: bytes,
        headers: httpx.Headers,
    ) -> T:
        """What a call returns for a successful response: the parsed body, or under
        `RAW_RESPONSE` (`with_raw_response`) an `APIResponse` that parses it on demand.
        """
        if not RAW_RESPONSE.get():
            return self._parse(call, response, content, headers)
        raw = APIResponse(
            response_info(response, headers),
            content,
            lambda: self._parse(call, response, content, headers),
        )
        return cast(T, raw)

    def _parse(
        self,
        call: Call[T],
        response: httpx.Response,
        content: bytes,
        headers: httpx.Headers,
    ) -> T:
        """The parsed body of a successful response, with the response attached."""
        return parse_body(
            call.response_type,
            response,
            content,
            headers,
            lambda text: self._redact(text, call),
            strict=self._strict_response_validation,
        )

    def _connection_error(
        self, call: Call[Any], exc: httpx.RequestError
    ) -> APIConnectionError:
        """The exception for an attempt that got no response."""
        request = call.request
        reason = self._redact(str(exc), call) or type(exc).__name__
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

    def _redacted_response(
        self,
        call: Call[Any],
        response: httpx.Response,
        content: bytes,
        headers: httpx.Headers,
    ) -> httpx.Response:
        """A copy of an error response (and of its request) to hand out: the credentials
        blanked out of the headers, the URL and the body."""
        request = call.request
        redacted_request = httpx.Request(
            request.method,
            self._redact(str(request.url), call),
            headers=self._redact_headers(request.headers, call),
        )
        # The body is handed out decoded: its encoding and length headers no longer apply.
        kept = [
            (name, value)
            for name, value in headers.multi_items()
            if name.lower() not in _BODY_FRAMING_HEADERS
        ]
        return httpx.Response(
            response.status_code,
            headers=kept,
            content=self._redact(body_text(response, content), call).encode("utf-8"),
            request=redacted_request,
        )

    def _redact(self, text: str, call: Optional[Call[Any]] = None) -> str:
        """`text` with the client's credentials blanked out, in case a proxy or a mock
        echoes them."""
        return redact(text, self._secrets)

    def _redact_headers(
        self, headers: httpx.Headers, call: Optional[Call[Any]] = None
    ) -> httpx.Headers:
        """`headers` with the secrets blanked out of every name and value."""
        return redact_headers(headers, self._secrets)


_BODY_FRAMING_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


def _is_loopback(host: str) -> bool:
    """Whether `host` names this machine (`localhost`, 127.0.0.0/8 or ::1)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

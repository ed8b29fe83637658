"""`SyncAPIClient`: the client for synchronous code, sending with an `httpx.Client`."""

from __future__ import annotations

import time
from types import TracebackType
from typing import (
    Any,
    Dict,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
    Union,
    cast,
)

import httpx
from typing_extensions import TypedDict

from ._core import (
    DEFAULT_MAX_BINARY_RESPONSE_SIZE,
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NO_OPTIONS,
    NOT_GIVEN,
    BaseAPIClient,
    Call,
    NotGiven,
    RequestOptions,
)
from ._deadlines import ATTEMPT_DEADLINE
from ._logs import log_attempt, log_response, log_retry
from ._profile import Requirement
from ._pagination import PageRequest, PageType, SyncPage
from ._responses import ResponseType, raw_response
from ._retries import DEFAULT_BACKOFF, Backoff
from ._transports import sync_http_client

__all__ = ["ClientSettings", "SyncAPIClient"]

T = TypeVar("T")
_SyncClientT = TypeVar("_SyncClientT", bound="SyncAPIClient")


class ClientSettings(TypedDict, total=False):
    """The settings the generated client takes besides its credentials, typed (see
    `SyncAPIClient`, whose arguments they are)."""

    base_url: Optional[str]
    timeout: Union[float, httpx.Timeout]
    max_retries: int
    max_total_time: Optional[float]
    max_response_size: int
    max_binary_response_size: int
    http_client: Optional[httpx.Client]
    allow_insecure_http: bool
    backoff: Backoff
    strict_response_validation: bool


class SyncAPIClient(BaseAPIClient):
    """A configured connection to the API, for synchronous code.

    Use it as a context manager, or call `close()`, to release its connections.

    Args:
        credentials: The API's credentials by argument name (`api_key`, `bearer_token`,
            `username` and `password`, ...: the generated `Client` takes each as an
            argument); one left out or None is read from its environment variable. A
            credential an operation needs that is set neither way raises
            `MissingCredentialsError` when the operation is called.
        base_url: Where to send requests, e.g. a proxy or a mock server; defaults to
            `DEFAULT_BASE_URL` (the spec's server). When given, it also replaces the spec's
            own server of the operations that have one.
            Plain `http://` is refused, except to loopback addresses, unless
            `allow_insecure_http` is True (raises `ValueError`).
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
        strict_response_validation: Validate every successful response against the spec and
            raise `APIResponseValidationError` when it does not match. Off by default: a
            response is then built leniently (missing fields None, unexpected values kept as
            sent, unknown fields kept), so that a server newer than this client's spec never
            turns a successful call into an exception.
    """

    def __init__(
        self,
        *,
        credentials: Optional[Mapping[str, Optional[str]]] = None,
        base_url: Optional[str] = None,
        timeout: Union[float, httpx.Timeout] = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_total_time: Optional[float] = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        max_binary_response_size: int = DEFAULT_MAX_BINARY_RESPONSE_SIZE,
        http_client: Optional[httpx.Client] = None,
        allow_insecure_http: bool = False,
        backoff: Backoff = DEFAULT_BACKOFF,
        strict_response_validation: bool = False,
    ) -> None:
        super().__init__(
            credentials or {},
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_total_time=max_total_time,
            max_response_size=max_response_size,
            max_binary_response_size=max_binary_response_size,
            allow_insecure_http=allow_insecure_http,
            backoff=backoff,
            strict_response_validation=strict_response_validation,
        )
        self._owns_http_client = http_client is None
        self._http_client = (
            http_client if http_client is not None else sync_http_client(timeout)
        )

    def with_options(
        self: _SyncClientT,
        *,
        base_url: Union[str, NotGiven] = NOT_GIVEN,
        timeout: Union[float, httpx.Timeout, NotGiven] = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        max_total_time: Union[Optional[float], NotGiven] = NOT_GIVEN,
        max_response_size: Union[int, NotGiven] = NOT_GIVEN,
        max_binary_response_size: Union[int, NotGiven] = NOT_GIVEN,
        backoff: Union[Backoff, NotGiven] = NOT_GIVEN,
        strict_response_validation: Union[bool, NotGiven] = NOT_GIVEN,
        **credentials: str,
    ) -> _SyncClientT:
        """A copy of this client with the given settings changed, the rest kept.

        The copy sends through the same connection pool (the same `httpx` client), which
        stays owned by this client: `close()` on the copy leaves it open, closing this
        client (or the `http_client` passed to it) closes it for both. Arguments are those
        of the constructor (credentials by their argument names, e.g. `api_key=`);
        `max_total_time=None` clears the setting.
        """
        settings = self._changed_settings(
            credentials,
            base_url,
            timeout,
            max_retries,
            max_total_time,
            max_response_size,
            max_binary_response_size,
            backoff,
            strict_response_validation,
        )
        # Made without the generated constructor, which only gathers the credentials.
        copy = type(self).__new__(type(self))
        SyncAPIClient.__init__(copy, **settings, http_client=self._http_client)
        return copy

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
        json: object = NOT_GIVEN,
        content: Union[bytes, str, None] = None,
        content_type: Optional[str] = None,
        headers: Optional[Sequence[Tuple[str, str]]] = None,
        cookies: Optional[Sequence[Tuple[str, str]]] = None,
        security: Optional[Requirement] = None,
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
            json: A JSON body: any JSON value (None is `null`; leave it out for no JSON body),
                sent compactly with its keys in the order given (`encode_json`), as
                `application/json` unless `content_type` says otherwise.
            content: A raw body, bytes (`application/octet-stream` by default) or text
                (UTF-8, `text/plain; charset=utf-8` by default).
            content_type: The `Content-Type` of a `json` or `content` body.
            headers: Header parameters as `(name, value)` pairs, sent after the client's own
                headers (replacing one of the same name) and before `extra_headers`.
            cookies: Cookie parameters as `(name, value)` pairs, sent in one `Cookie` header
                in their order, values as given (already encoded).
            security: The operation's security requirement, when it is not the API's
                default: alternatives, each the keys of the schemes sent together (`()`:
                no credentials), see `_profile`.

            A call has at most one body: `form` (with `files`), `json` or `content`; more
            raise `TypeError`. `extra_body` is added to a form or a JSON object body.

        Raises:
            APIError: A subclass for each kind of failure, see `errors`.
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
            options if options is not None else NO_OPTIONS,
            json=json,
            content=content,
            content_type=content_type,
            headers=headers,
            cookies=cookies,
            security=security,
        )
        retries = 0
        while True:
            log_attempt(call.request, retries + 1, call.max_retries + 1)
            try:
                response, content = self._attempt(call)
            except httpx.RequestError as exc:
                delay = self._retry_after_failure(call, retries, exc)
                reason = type(exc).__name__
            else:
                received = self._redact_headers(response.headers, call)
                log_response(call.request, response.status_code, received)
                if response.is_success:
                    return self._success(call, response, content, received)
                delay = self._retry_after_error(
                    call, retries, response, content, received
                )
                reason = f"HTTP {response.status_code}"
            retries += 1
            log_retry(call.request, retries, call.max_retries + 1, delay, reason)
            time.sleep(delay)

    def request_page(
        self,
        page_type: PageType[T],
        path: str,
        *,
        query: Optional[List[Tuple[str, str]]] = None,
        base_url: Optional[str] = None,
        options: Optional[RequestOptions] = None,
        security: Optional[Requirement] = None,
    ) -> SyncPage[T]:
        """Fetch the first page of a list (a GET through `request()`).

        The page fetches the following ones with the same request and another cursor, see
        `_pagination`. The arguments are those of `request()`, `page_type` saying what the
        body is parsed into and how the next page is found.

        Raises:
            APIError: A subclass for each kind of failure, see `errors`.
        """
        return self._request_page(
            PageRequest(page_type, path, query, base_url, options), security
        )

    def _request_page(
        self, page: PageRequest[T], security: Optional[Requirement] = None
    ) -> SyncPage[T]:
        """Send the request of one page and wrap its list object; the following pages are
        sent with the same `security`."""
        body = self.request(
            page.page_type.response_type,
            "get",
            page.path,
            query=page.query,
            base_url=page.base_url,
            options=page.options,
            security=security,
        )

        def fetch(following: PageRequest[T]) -> SyncPage[T]:
            return self._request_page(following, security)

        raw = raw_response(body)
        if raw is not None:  # with_raw_response: the page on parse()
            return cast(SyncPage[T], raw.map(lambda b: SyncPage(b, page, fetch)))
        return SyncPage(body, page, fetch)

    def _attempt(self, call: Call[Any]) -> Tuple[httpx.Response, bytes]:
        """Send the request once and read its body, by the attempt's deadline.

        Raises:
            httpx.RequestError: No complete response in time, or no response at all.
            ResponseTooLargeError: The body is larger than its limit.
        """
        self._start_attempt(call)
        token = ATTEMPT_DEADLINE.set(call.attempt_deadline)
        try:
            response = self._http_client.send(call.request, stream=True)
            try:
                body = self._body(call, response)
                for chunk in response.iter_bytes():
                    body.add(chunk)
            finally:
                response.close()
        finally:
            ATTEMPT_DEADLINE.reset(token)
        return response, body.content()

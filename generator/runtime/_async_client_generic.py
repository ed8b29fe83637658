"""`AsyncAPIClient`: the client for asyncio code, sending with an `httpx.AsyncClient`.

asyncio is imported on first use: it takes long to import and only this client needs it.
"""

from __future__ import annotations

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
from ._logs import log_attempt, log_response, log_retry
from ._profile import Requirement
from ._pagination import AsyncPage, AsyncPaginator, PageRequest, PageType
from ._responses import ResponseType, raw_response
from ._retries import DEFAULT_BACKOFF, Backoff
from ._transports import async_http_client

__all__ = ["AsyncAPIClient", "AsyncClientSettings"]

T = TypeVar("T")
_AsyncClientT = TypeVar("_AsyncClientT", bound="AsyncAPIClient")


class AsyncClientSettings(TypedDict, total=False):
    """The settings the generated client takes besides its credentials, typed (see
    `AsyncAPIClient`, whose arguments they are)."""

    base_url: Optional[str]
    timeout: Union[float, httpx.Timeout]
    max_retries: int
    max_total_time: Optional[float]
    max_response_size: int
    max_binary_response_size: int
    http_client: Optional[httpx.AsyncClient]
    allow_insecure_http: bool
    backoff: Backoff
    strict_response_validation: bool


class AsyncAPIClient(BaseAPIClient):
    """A configured connection to the API, for asyncio code.

    Use it as an async context manager, or await `aclose()`, to release its connections. The
    arguments are those of `SyncAPIClient`, with an `httpx.AsyncClient` as `http_client`;
    each attempt runs under `asyncio.wait_for`, so that its timeout bounds it whole whichever
    `httpx.AsyncClient` sends it.
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
        http_client: Optional[httpx.AsyncClient] = None,
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
            http_client if http_client is not None else async_http_client(timeout)
        )

    def with_options(
        self: _AsyncClientT,
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
    ) -> _AsyncClientT:
        """A copy of this client with the given settings changed, the rest kept.

        The copy sends through the same connection pool (the same `httpx` client), which
        stays owned by this client: `aclose()` on the copy leaves it open, closing this
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
        AsyncAPIClient.__init__(copy, **settings, http_client=self._http_client)
        return copy

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
        json: object = NOT_GIVEN,
        content: Union[bytes, str, None] = None,
        content_type: Optional[str] = None,
        headers: Optional[Sequence[Tuple[str, str]]] = None,
        cookies: Optional[Sequence[Tuple[str, str]]] = None,
        security: Optional[Requirement] = None,
    ) -> T:
        """Send one API call, retrying as configured, and parse its response.

        The arguments are those of `SyncAPIClient.request`.

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
                response, content = await self._attempt(call)
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
            await _async_sleep(delay)

    def request_page(
        self,
        page_type: PageType[T],
        path: str,
        *,
        query: Optional[List[Tuple[str, str]]] = None,
        base_url: Optional[str] = None,
        options: Optional[RequestOptions] = None,
        security: Optional[Requirement] = None,
    ) -> AsyncPaginator[T]:
        """The first page of a list, not requested yet: await the paginator for the page
        (a GET through `request()`), or `async for` over it for every item.

        The arguments are those of `SyncAPIClient.request_page`. Each `await` of the
        paginator sends the request again.

        Raises:
            APIError: When awaited or iterated, a subclass for each kind of failure, see
                `errors`.
        """

        async def fetch(page: PageRequest[T]) -> AsyncPage[T]:
            return await self._request_page(page, security)

        return AsyncPaginator(
            PageRequest(page_type, path, query, base_url, options), fetch
        )

    async def _request_page(
        self, page: PageRequest[T], security: Optional[Requirement] = None
    ) -> AsyncPage[T]:
        """Send the request of one page and wrap its list object; the following pages are
        sent with the same `security`."""
        body = await self.request(
            page.page_type.response_type,
            "get",
            page.path,
            query=page.query,
            base_url=page.base_url,
            options=page.options,
            security=security,
        )

        async def fetch(following: PageRequest[T]) -> AsyncPage[T]:
            return await self._request_page(following, security)

        raw = raw_response(body)
        if raw is not None:  # with_raw_response: the page on parse()
            return cast(AsyncPage[T], raw.map(lambda b: AsyncPage(b, page, fetch)))
        return AsyncPage(body, page, fetch)

    async def _attempt(self, call: Call[Any]) -> Tuple[httpx.Response, bytes]:
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

    async def _send(self, call: Call[Any]) -> Tuple[httpx.Response, bytes]:
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

"""Pages of list and search results: `PageType`, `SyncPage`, `AsyncPage`, `AsyncPaginator`.

A list method returns one page, not a list: its items (`data`), whether more follow
(`has_more`) and the response it came from (`last_response`). Iterating a page yields its
items and then those of every following page, each fetched only when the iteration gets
there, so that a loop over a large list holds one page at a time and can stop early:

    for customer in client.customers.list(limit=100):
        ...                                  # every customer, 100 per request
    page = client.customers.list(limit=10)   # one request
    page = page.next_page()                  # the next ten, or None after the last page

The asynchronous methods return an `AsyncPaginator`: `await` it for the first page, or
`async for` over it for every item.

Three kinds of pages, two of them as Stripe has them:

- `"cursor"` (lists): the next page is the one `starting_after` the id of the last item, the
  previous one the one `ending_before` the id of the first item. A list whose first request
  carried `ending_before` (and not `starting_after`) walks backwards, as Stripe's own SDK
  does: its following pages are those `ending_before` the first item of each page, and
  iterating yields the items of each page in reverse order, so that the items come in the
  reverse of the list's order (for lists ordered newest first, oldest to newest).
- `"search"` (search endpoints): the next page is the one of the `next_page` token; there is
  no going back.
- `"token"` (another API's cursor, as the generator's settings describe it): the items are at
  a dotted path of the body (`items`, e.g. `"meta.components"`), and the next page is the one
  whose `cursor_parameter` is the cursor at another path (`next_cursor`); a null or empty
  cursor ends the list. There is no going back either.

Every following request repeats the first one exactly (path, server, query parameters and
per-call options, `extra_headers` and the rest) with its cursor parameters (`starting_after`,
`ending_before`, `page`, or the `cursor_parameter`; also those given in `extra_query`) replaced
by the new cursor, and goes through the client's `request()`: retries, limits and key redaction apply
to each page as to any call.
"""

from __future__ import annotations

import dataclasses
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Generator,
    Generic,
    Iterable,
    Iterator,
    List,
    Optional,
    Tuple,
    TypeVar,
    cast,
)

from ._model_base import ResponseInfo, StripeModel, set_last_response
from ._options import RequestOptions
from ._responses import ResponseType

__all__ = [
    "CURSOR_PARAMETERS",
    "AsyncPage",
    "AsyncPaginator",
    "PageRequest",
    "PageType",
    "SyncPage",
]

T = TypeVar("T")

CURSOR_PARAMETERS = ("starting_after", "ending_before", "page")
"""The query parameters that say which page to fetch, replaced on every following request."""

_KINDS = ("cursor", "search", "token")


class PageType(Generic[T]):
    """What a list operation returns: the list model its bodies are parsed into, and how to
    fetch the page after one (`kind`).

    Generated modules create one per list operation, at import time and cheaply (the
    `ResponseType` builds its validator on first use):

        _CUSTOMERS_PAGE: PageType[Customer] = PageType(CustomerList, "cursor")

    `T` is the type of the items. `list_model` is a model with `data` (the items) and
    `has_more`, and for `"search"` the nullable `next_page` token; `url` and `total_count`
    are read when the body has them. A `"token"` page names its parts instead:

        _FILES_PAGE: PageType[File] = PageType(
            FileList, "token", cursor_parameter="after", items="files",
            next_cursor="meta.next",
        )

    Raises:
        ValueError: `kind` is not `"cursor"`, `"search"` or `"token"`, or a `"token"` page
            lacks its `cursor_parameter` or `next_cursor`.
    """

    __slots__ = (
        "_list_model",
        "_kind",
        "_response_type",
        "_cursor_parameter",
        "_items",
        "_next_cursor",
    )

    def __init__(
        self,
        list_model: Any,
        kind: str,
        *,
        cursor_parameter: str = "",
        items: str = "data",
        next_cursor: str = "",
    ) -> None:
        if kind not in _KINDS:
            raise ValueError(
                f"unknown kind of page {kind!r}: expected 'cursor', 'search' or 'token'"
            )
        if kind == "token" and not (cursor_parameter and next_cursor):
            raise ValueError(
                "a 'token' page needs its cursor_parameter and next_cursor"
            )
        self._list_model = list_model
        self._kind = kind
        self._response_type: ResponseType[Any] = ResponseType(list_model)
        self._cursor_parameter = cursor_parameter
        self._items = tuple(items.split("."))
        self._next_cursor = tuple(next_cursor.split(".")) if next_cursor else ()

    def __repr__(self) -> str:
        return f"PageType({self._list_model!r}, {self._kind!r})"

    @property
    def cursor_parameter(self) -> str:
        """The query parameter a `"token"` page's cursor is sent as ("" for the others)."""
        return self._cursor_parameter

    @property
    def items(self) -> str:
        """Where a page's body holds its items: `data`, or a dotted path."""
        return ".".join(self._items)

    def cursor_parameters(self) -> Tuple[str, ...]:
        """The query parameters replaced on every following request."""
        return (self._cursor_parameter,) if self._kind == "token" else CURSOR_PARAMETERS

    def items_of(self, body: Any) -> Any:
        """The items of a page's body (`data`, or the `items` path of a `"token"` page)."""
        return _at(body, self._items)

    def next_cursor_of(self, body: Any) -> Optional[str]:
        """The cursor of the page after this body's: its `next_page` token (`"search"`),
        the value at `next_cursor` (`"token"`); None when empty, absent, or a list."""
        path = {"search": ("next_page",), "token": self._next_cursor}.get(self._kind)
        value = _at(body, path) if path else None
        return value if isinstance(value, str) and value else None

    @property
    def list_model(self) -> Any:
        """The model each page's body is parsed into."""
        return self._list_model

    @property
    def kind(self) -> str:
        """`"cursor"` (`starting_after`/`ending_before`) or `"search"` (`page` token)."""
        return self._kind

    @property
    def response_type(self) -> ResponseType[Any]:
        """What `request()` parses each page's body into: the list model."""
        return self._response_type


@dataclasses.dataclass(frozen=True)
class PageRequest(Generic[T]):
    """The GET request of one page, as the client's `request()` takes it.

    The first page's request is the list method's call, as it was made; `following()` makes
    the request of another page from it.
    """

    page_type: PageType[T]
    path: str
    query: Optional[List[Tuple[str, str]]] = None
    base_url: Optional[str] = None
    options: Optional[RequestOptions] = None

    @property
    def backwards(self) -> bool:
        """Whether this request asks for the page before a cursor (`ending_before`, without
        `starting_after`): the pages following it are then the ones before it."""
        if self.page_type.kind != "cursor":
            return False
        names = {name for name, _ in self.query or ()}
        if self.options is not None and self.options.extra_query:
            names.update(self.options.extra_query)
        return "ending_before" in names and "starting_after" not in names

    def following(self, cursor: str, value: str) -> PageRequest[T]:
        """This request with its cursor parameters replaced by `cursor=value`."""
        replaced = self.page_type.cursor_parameters()
        query = [pair for pair in self.query or () if pair[0] not in replaced]
        query.append((cursor, value))
        options = self.options
        if options is not None and options.extra_query:
            extra = {
                name: value
                for name, value in options.extra_query.items()
                if name not in replaced
            }
            if len(extra) != len(options.extra_query):
                options = dataclasses.replace(options, extra_query=extra)
        return dataclasses.replace(self, query=query, options=options)


class _Page(Generic[T]):
    """What `SyncPage` and `AsyncPage` share: the fields of a page, and which page follows.

    Raises:
        TypeError: The list model has no `data` list (a `PageType` of the wrong model).
    """

    def __init__(self, body: Any, request: PageRequest[T]) -> None:
        page_type = request.page_type
        data = page_type.items_of(body)
        if not isinstance(data, list):
            raise TypeError(
                f"{type(body).__name__} is not a list object: it has no"
                f" `{page_type.items}` list"
            )
        self._request = request
        self._backwards = request.backwards
        self.data: List[T] = cast(List[T], data)
        self.next_page_token: Optional[str] = page_type.next_cursor_of(body)
        self.has_more: bool = (
            self.next_page_token is not None
            if page_type.kind == "token"
            else bool(getattr(body, "has_more", False))
        )
        url = getattr(body, "url", None)
        self.url: Optional[str] = url if isinstance(url, str) else None
        total = getattr(body, "total_count", None)
        self.total_count: Optional[int] = (
            total if isinstance(total, int) and not isinstance(total, bool) else None
        )
        info = getattr(body, "last_response", None)
        self.last_response: Optional[ResponseInfo] = (
            info if isinstance(info, ResponseInfo) else None
        )
        if self.last_response is not None:  # each item tells which response it came in
            for item in self.data:
                if isinstance(item, StripeModel):
                    set_last_response(item, self.last_response)

    @property
    def backwards(self) -> bool:
        """Whether this page walks backwards: its request carried `ending_before` (and not
        `starting_after`), so the page following it is the one before it in the list, and
        iterating yields each page's items in reverse order."""
        return self._backwards

    def has_next_page(self) -> bool:
        """Whether a page follows this one (for a backwards page: precedes it in the list).

        False when the API said `has_more: false`, when this page is empty, or when a search
        page has no `next_page` token; for a `"token"` page, whether it has a next cursor
        (an empty page may have one: the API decides where the list ends).
        """
        kind = self._request.page_type.kind
        if kind == "token":
            return self.next_page_token is not None
        if not self.has_more or not self.data:
            return False
        return kind == "cursor" or bool(self.next_page_token)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(data={_describe(self.data)}, has_more={self.has_more})"

    def _next_request(self) -> Optional[PageRequest[T]]:
        """The request of the following page, or None when this page is the last.

        Raises:
            TypeError: The first or last item has no string `id` to continue from.
        """
        if not self.has_next_page():
            return None
        page_type = self._request.page_type
        if page_type.kind == "token":
            token = cast(str, self.next_page_token)
            return self._request.following(page_type.cursor_parameter, token)
        if page_type.kind == "search":
            return self._request.following("page", cast(str, self.next_page_token))
        if self._backwards:
            return self._request.following("ending_before", _item_id(self.data[0]))
        return self._request.following("starting_after", _item_id(self.data[-1]))

    def _previous_request(self) -> Optional[PageRequest[T]]:
        """The request of the page before this one in the list, or None when it is empty.

        Raises:
            TypeError: A search or `"token"` page (those only go forward), or the first
                item has no string `id`.
        """
        kind = self._request.page_type.kind
        if kind == "search":
            raise TypeError(
                "search results only page forward (next_page() with the `page` token);"
                " previous_page() is for lists"
            )
        if kind == "token":
            raise TypeError(
                "these pages only go forward (next_page() with the next cursor);"
                " previous_page() is for lists that page by item id"
            )
        if not self.data:
            return None
        return self._request.following("ending_before", _item_id(self.data[0]))

    def _items(self) -> Iterable[T]:
        """This page's items in the order of the walk: reversed for a backwards page."""
        return reversed(self.data) if self._backwards else self.data


class SyncPage(_Page[T]):
    """One page of a list, from the synchronous client.

    Attributes:
        data: The items of this page, in the order the API returned them.
        has_more: Whether the API has more items past this page (for a backwards page:
            before it).
        url: The list's URL, e.g. `/v1/customers`, when the body has one.
        next_page_token: The token of the next page of search results, or the cursor of
            a `"token"` list's next page; None on lists and on the last page.
        total_count: The number of results, when the body has it.
        last_response: Status, headers and request id of this page's response.

    Iterating yields the items of this page and of every following page, fetched one at a
    time as the iteration reaches them; iterating again fetches them again.
    """

    def __init__(
        self,
        body: Any,
        request: PageRequest[T],
        fetch: Callable[[PageRequest[T]], SyncPage[T]],
    ) -> None:
        super().__init__(body, request)
        self._fetch = fetch

    def next_page(self) -> Optional[SyncPage[T]]:
        """Fetch the page following this one; None when this one is the last.

        A backwards page's next page is the one before it in the list (`ending_before` its
        first item).

        Raises:
            TypeError: The item to continue from has no string `id`.
            Exception: The request failed: an exception of `errors`.
        """
        request = self._next_request()
        return None if request is None else self._fetch(request)

    def previous_page(self) -> Optional[SyncPage[T]]:
        """Fetch the page before this one in the list (`ending_before` its first item);
        None when this page is empty. The page fetched walks backwards.

        Raises:
            TypeError: This is a page of search results or of a `"token"` list (those
                only go forward), or its first item has no string `id`.
            Exception: The request failed: an exception of `errors`.
        """
        request = self._previous_request()
        return None if request is None else self._fetch(request)

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        """This page, then each following page, fetched when the iteration reaches it.

        Raises:
            TypeError: An item to continue from has no string `id`.
            Exception: A request failed: an exception of `errors`.
        """
        page: Optional[SyncPage[T]] = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page._items()


class AsyncPage(_Page[T]):
    """One page of a list, from the asynchronous client.

    The attributes are those of `SyncPage`; `next_page()` and `previous_page()` are
    awaitable, `iter_pages()` is an async generator, and `async for` over a page yields the
    items of this page and of every following page, fetched as the iteration reaches them.
    """

    def __init__(
        self,
        body: Any,
        request: PageRequest[T],
        fetch: Callable[[PageRequest[T]], Awaitable[AsyncPage[T]]],
    ) -> None:
        super().__init__(body, request)
        self._fetch = fetch

    async def next_page(self) -> Optional[AsyncPage[T]]:
        """Fetch the page following this one; None when this one is the last.

        Raises:
            TypeError: The item to continue from has no string `id`.
            Exception: The request failed: an exception of `errors`.
        """
        request = self._next_request()
        return None if request is None else await self._fetch(request)

    async def previous_page(self) -> Optional[AsyncPage[T]]:
        """Fetch the page before this one in the list (`ending_before` its first item);
        None when this page is empty. The page fetched walks backwards.

        Raises:
            TypeError: This is a page of search results or of a `"token"` list (those
                only go forward), or its first item has no string `id`.
            Exception: The request failed: an exception of `errors`.
        """
        request = self._previous_request()
        return None if request is None else await self._fetch(request)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """This page, then each following page, fetched when the iteration reaches it.

        Raises:
            TypeError: An item to continue from has no string `id`.
            Exception: A request failed: an exception of `errors`.
        """
        page: Optional[AsyncPage[T]] = self
        while page is not None:
            yield page
            page = await page.next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page._items():
                yield item


class AsyncPaginator(Generic[T]):
    """What an asynchronous list method returns: the first page, not requested yet.

    `await paginator` sends the first request and returns its `AsyncPage`;
    `async for item in paginator` yields every item of every page. Nothing is sent until
    then, and each `await` (or `async for`) sends the first request again: await it once
    and keep the page to walk on from it.
    """

    def __init__(
        self,
        request: PageRequest[T],
        fetch: Callable[[PageRequest[T]], Awaitable[AsyncPage[T]]],
    ) -> None:
        self._request = request
        self._fetch = fetch

    def __repr__(self) -> str:
        return f"AsyncPaginator({self._request.path!r})"

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._first_page().__await__()

    async def _first_page(self) -> AsyncPage[T]:
        return await self._fetch(self._request)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """The first page, then each following page, fetched when the iteration reaches it."""
        first = await self._first_page()
        async for page in first.iter_pages():
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        first = await self._first_page()
        async for item in first:
            yield item


def _item_id(item: object) -> str:
    """The `id` of the item a cursor page continues from.

    Raises:
        TypeError: The item has no string `id`, so the API cannot be asked for what follows.
    """
    value = getattr(item, "id", None)
    if not isinstance(value, str) or not value:
        raise TypeError(
            f"cannot fetch the next page: {type(item).__name__} items have no string"
            " `id` to pass as starting_after/ending_before"
        )
    return value


def _at(body: Any, path: Tuple[str, ...]) -> Any:
    """The value at a dotted path of attributes (or keys, in a free-form part) of a body."""
    value = body
    for name in path:
        if isinstance(value, dict):
            value = cast(Dict[str, Any], value).get(name)
        else:
            value = getattr(value, name, None)
    return value


def _describe(data: List[Any]) -> str:
    """The items of a page in a few words: `[3 Customer objects]`, not the objects."""
    if not data:
        return "[]"
    names = {type(item).__name__ for item in data}
    name = f"{names.pop()} " if len(names) == 1 else ""
    return f"[{len(data)} {name}object{'' if len(data) == 1 else 's'}]"

"""Pages of lists and search results (`generator/runtime/_pagination.py`), over real sockets.

The runtime is imported directly, with small models of its own: an item with an `id`, a list
body and a search body. The server in this file serves seven items by the query's
`starting_after` / `ending_before` / `limit` (lists) or `page` token (search), and records
every request, so that each following request can be compared with the first one.
"""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import parse_qsl, urlsplit

import pytest

from generator.runtime import _base_client, _model_base, _pagination, errors
from generator.runtime._options import RequestOptions

API_KEY = "sk_test_51PaginationTestKeyNotReal0xFACE"
IDS = [f"it_{n}" for n in range(7)]


class Item(_model_base.StripeModel):
    id: str
    n: int


class ItemList(_model_base.StripeModel):
    object: str
    data: List[Item]
    has_more: bool
    url: str


class ItemSearch(_model_base.StripeModel):
    object: str
    data: List[Item]
    has_more: bool
    next_page: Optional[str] = None
    total_count: Optional[int] = None
    url: str


class Thing(_model_base.StripeModel):
    name: str


class ThingList(_model_base.StripeModel):
    object: str
    data: List[Thing]
    has_more: bool
    url: str


class Cursor(_model_base.StripeModel):
    next: Optional[str] = None


class Meta(_model_base.StripeModel):
    cursor: Cursor


class ItemPage(_model_base.StripeModel):
    """Another API's page: the items and the next cursor where its settings say."""

    files: List[Item]
    meta: Meta


ITEMS: _pagination.PageType[Item] = _pagination.PageType(ItemList, "cursor")
TOKENS: _pagination.PageType[Item] = _pagination.PageType(
    ItemPage,
    "token",
    cursor_parameter="after",
    items="files",
    next_cursor="meta.cursor.next",
)
SEARCH: _pagination.PageType[Item] = _pagination.PageType(ItemSearch, "search")
THINGS: _pagination.PageType[Thing] = _pagination.PageType(ThingList, "cursor")


# --- the server ----------------------------------------------------------------------------


class Seen:
    """One request the server received."""

    def __init__(self, path: str, query: List[Tuple[str, str]], headers: Any) -> None:
        self.path = path
        self.query = query
        self.headers = {name.lower(): value for name, value in headers.items()}

    def without(self, *names: str) -> List[Tuple[str, str]]:
        return [pair for pair in self.query if pair[0] not in names]

    def values(self, name: str) -> List[str]:
        return [value for key, value in self.query if key == name]


def _item(n: int) -> Dict[str, Any]:
    return {"id": IDS[n], "object": "item", "n": n}


def _list_body(query: Dict[str, str]) -> Tuple[int, Dict[str, Any]]:
    limit = int(query.get("limit", "3"))
    if query.get("starting_after") == query.get("fail_after", "-"):
        return 500, {"error": {"type": "api_error", "message": "page failed"}}
    if "starting_after" in query:
        start = IDS.index(query["starting_after"]) + 1
        end = min(start + limit, len(IDS))
        has_more = end < len(IDS)
    elif "ending_before" in query:
        end = IDS.index(query["ending_before"])
        start = max(end - limit, 0)
        has_more = start > 0
    else:
        start, end = 0, min(limit, len(IDS))
        has_more = end < len(IDS)
    data = [_item(n) for n in range(start, end)]
    return 200, {
        "object": "list",
        "data": data,
        "has_more": has_more,
        "url": "/v1/items",
    }


def _search_body(query: Dict[str, str]) -> Dict[str, Any]:
    limit = int(query.get("limit", "3"))
    start = int(query["page"].split("_")[1]) if "page" in query else 0
    end = min(start + limit, len(IDS))
    return {
        "object": "search_result",
        "data": [_item(n) for n in range(start, end)],
        "has_more": end < len(IDS),
        "next_page": f"tok_{end}" if end < len(IDS) else None,
        "total_count": len(IDS),
        "url": "/v1/items/search",
    }


def _token_body(query: Dict[str, str]) -> Dict[str, Any]:
    """Three items a page after the `after` cursor (`c_<n>`); `gap=<n>` answers the page
    at cursor n with no items but a cursor to go on from."""
    start = int(query["after"].split("_")[1]) if "after" in query else 0
    end = start if query.get("gap") == str(start) else min(start + 3, len(IDS))
    following = end if end > start else start + 3
    return {
        "files": [_item(n) for n in range(start, end)],
        "meta": {
            "cursor": {"next": f"c_{following}" if following < len(IDS) else None}
        },
    }


class PageServer:
    """Serves `/v1/items` (a cursor list), `/v1/items/search`, `/v1/empty` (no items;
    `has_more` as the `claim_more` query says) and `/v1/things` (items without an id).
    """

    def __init__(self) -> None:
        self.seen: List[Seen] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                owner._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}
        )

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        with self._lock:
            self.seen.append(Seen(parts.path, pairs, handler.headers))
            number = len(self.seen)
        query = dict(pairs)
        status = 200
        if parts.path == "/v1/items":
            status, body = _list_body(query)
        elif parts.path == "/v1/items/search":
            body = _search_body(query)
        elif parts.path == "/v1/files":
            body = _token_body(query)
        elif parts.path == "/v1/empty":
            more = query.get("claim_more") == "true"
            body = {"object": "list", "data": [], "has_more": more, "url": "/v1/empty"}
        elif parts.path == "/v1/things":
            things = [{"name": "a"}, {"name": "b"}]
            body = {"object": "list", "data": things, "has_more": True, "url": "/x"}
        else:
            status, body = 404, {"error": {"type": "invalid_request_error"}}
        payload = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.send_header("Request-Id", f"req_{number}")
        handler.end_headers()
        handler.wfile.write(payload)


@pytest.fixture
def server() -> Iterator[PageServer]:
    made = PageServer()
    made._thread.start()
    try:
        yield made
    finally:
        made._server.shutdown()
        made._server.server_close()
        made._thread.join(timeout=5)


@pytest.fixture
def client(server: PageServer) -> Iterator[_base_client.SyncAPIClient]:
    with _base_client.SyncAPIClient(
        api_key=API_KEY, base_url=server.url, max_retries=0
    ) as made:
        yield made


def run_async(server: PageServer, use: Any) -> Any:
    """Run `use(client)` with an `AsyncAPIClient` of `server`, in a fresh event loop."""

    async def main() -> Any:
        async with _base_client.AsyncAPIClient(
            api_key=API_KEY, base_url=server.url, max_retries=0
        ) as made:
            return await use(made)

    return asyncio.run(main())


def ids(items: Any) -> List[str]:
    return [item.id for item in items]


async def collect(items: Any) -> List[Any]:
    return [item async for item in items]


# --- PageType ------------------------------------------------------------------------------


def test_page_type_takes_cursor_or_search_only() -> None:
    assert ITEMS.kind == "cursor" and SEARCH.kind == "search"
    assert ITEMS.list_model is ItemList
    assert ITEMS.response_type.parse(
        b'{"object": "list", "data": [], "has_more": false, "url": "/v1/items"}'
    ) == ItemList(object="list", data=[], has_more=False, url="/v1/items")
    with pytest.raises(ValueError, match="'offset'"):
        _pagination.PageType(ItemList, "offset")


def test_the_facade_exports_the_pages() -> None:
    for name in ("PageType", "SyncPage", "AsyncPage", "AsyncPaginator"):
        assert name in _base_client.__all__
        assert getattr(_base_client, name) is getattr(_pagination, name)


def test_following_keeps_everything_but_the_cursor() -> None:
    options = RequestOptions(
        stripe_account="acct_1",
        extra_headers={"X-A": "1"},
        extra_query={"starting_after": "it_9", "mode": "x"},
    )
    first = _pagination.PageRequest(
        ITEMS,
        "/v1/items",
        [("limit", "2"), ("ending_before", "it_5"), ("page", "p"), ("a[b]", "c")],
        "https://files.example",
        options,
    )
    following = first.following("starting_after", "it_3")
    assert following.path == "/v1/items"
    assert following.base_url == "https://files.example"
    assert following.query == [
        ("limit", "2"),
        ("a[b]", "c"),
        ("starting_after", "it_3"),
    ]
    assert following.options == RequestOptions(
        stripe_account="acct_1", extra_headers={"X-A": "1"}, extra_query={"mode": "x"}
    )
    assert first.query is not None and len(first.query) == 4  # the first is unchanged
    assert not first.backwards  # starting_after (given in extra_query) wins
    assert following.following("ending_before", "it_1").backwards


# --- another API's cursor (kind "token") -------------------------------------------------------


def test_a_token_page_type_needs_its_cursor_parameter_and_next_cursor() -> None:
    assert TOKENS.kind == "token" and TOKENS.cursor_parameter == "after"
    assert TOKENS.items == "files"
    assert TOKENS.cursor_parameters() == ("after",)
    assert ITEMS.cursor_parameters() == _pagination.CURSOR_PARAMETERS
    with pytest.raises(ValueError, match="cursor_parameter and next_cursor"):
        _pagination.PageType(ItemPage, "token", items="files")


def test_token_pages_follow_the_cursor_at_its_path(
    client: _base_client.SyncAPIClient, server: PageServer
) -> None:
    options = RequestOptions(extra_query={"after": "c_0", "mode": "x"})
    page = client.request_page(
        TOKENS, "/v1/files", query=[("kind", "a")], options=options
    )
    assert ids(page.data) == IDS[:3]
    assert page.next_page_token == "c_3" and page.has_more and page.has_next_page()
    assert ids(page) == IDS
    assert [seen.query for seen in server.seen] == [
        [("kind", "a"), ("after", "c_0"), ("mode", "x")],
        [("kind", "a"), ("after", "c_3"), ("mode", "x")],
        [("kind", "a"), ("after", "c_6"), ("mode", "x")],
    ]
    last = list(page.iter_pages())[-1]
    assert last.next_page_token is None and not last.has_more
    assert last.next_page() is None
    with pytest.raises(TypeError, match="only go forward"):
        page.previous_page()


def test_an_empty_token_page_with_a_cursor_goes_on(
    client: _base_client.SyncAPIClient, server: PageServer
) -> None:
    page = client.request_page(TOKENS, "/v1/files", query=[("gap", "3")])
    assert ids(page) == IDS[:3] + IDS[6:]
    assert [seen.values("after") for seen in server.seen] == [[], ["c_3"], ["c_6"]]


def test_async_token_pages(server: PageServer) -> None:
    async def use(client: _base_client.AsyncAPIClient) -> List[Any]:
        return await collect(client.request_page(TOKENS, "/v1/files"))

    assert ids(run_async(server, use)) == IDS


def test_a_body_without_the_items_path_is_refused(
    client: _base_client.SyncAPIClient,
) -> None:
    wrong = _pagination.PageType(
        ItemPage, "token", cursor_parameter="after", items="meta.files", next_cursor="x"
    )
    with pytest.raises(TypeError, match="`meta.files` list"):
        client.request_page(wrong, "/v1/files")


# --- cursor lists, sync ----------------------------------------------------------------------


def test_iterating_a_page_yields_every_item_of_every_page(
    client: _base_client.SyncAPIClient, server: PageServer
) -> None:
    page = client.request_page(ITEMS, "/v1/items", query=[("limit", "3")])
    assert len(server.seen) == 1  # the following pages are fetched when reached
    assert ids(page) == IDS
    assert [seen.query for seen in server.seen] == [
        [("limit", "3")],
        [("limit", "3"), ("starting_after", "it_2")],
        [("limit", "3"), ("starting_after", "it_5")],
    ]
    assert {seen.path for seen in server.seen} == {"/v1/items"}
    assert all(
        seen.headers["authorization"] == f"Bearer {API_KEY}" for seen in server.seen
    )
    assert ids(page) == IDS and len(server.seen) == 5  # again: fetched again


def test_a_page_has_its_items_and_its_response(
    client: _base_client.SyncAPIClient,
) -> None:
    page = client.request_page(ITEMS, "/v1/items", query=[("limit", "3")])
    assert isinstance(page, _pagination.SyncPage)
    assert ids(page.data) == IDS[:3]
    assert all(isinstance(item, Item) for item in page.data)
    assert page.has_more is True and page.has_next_page()
    assert page.url == "/v1/items"
    assert page.next_page_token is None and page.total_count is None
    assert page.last_response is not None
    assert page.last_response.request_id == "req_1"
    assert page.last_response.status_code == 200
    assert not page.backwards
    following = page.next_page()
    assert following is not None and following.last_response is not None
    assert following.last_response.request_id == "req_2"


def test_next_page_until_none(
    client: _base_client.SyncAPIClient, server: PageServer
) -> None:
    page: Optional[_pagination.SyncPage[Item]] = client.request_page(
        ITEMS, "/v1/items", query=[("limit", "3")]
    )
    sizes, more = [], []
    while page is not None:
        sizes.append(len(page.data))
        more.append(page.has_next_page())
        last = page
        page = page.next_page()
    assert sizes == [3, 3, 1] and more == [True, True, False]
    assert last.has_more is False and ids(last.data) == ["it_6"]
    assert len(server.seen) == 3  # the last page's next_page() sent nothing
    assert last.next_page() is None and len(server.seen) == 3


def test_iter_pages(client: _base_client.SyncAPIClient, server: PageServer) -> None:
    page = client.request_page(ITEMS, "/v1/items", query=[("limit", "2")])
    pages = list(page.iter_pages())
    assert len(pages) == 4 and pages[0] is page
    assert [ids(each.data) for each in pages] == [IDS[0:2], IDS[2:4], IDS[4:6], IDS[6:]]
    whole = client.request_page(ITEMS, "/v1/items", query=[("limit", "7")])
    assert len(list(whole.iter_pages())) == 1 and not whole.has_more


def test_ending_before_walks_backwards(
    client: _base_client.SyncAPIClient, server: PageServer
) -> None:
    """Pages come in the list's order; each page's items are yielded reversed, the pages
    going towards the start of the list, as stripe-python's auto_paging_iter does."""
    page = client.request_page(
        ITEMS, "/v1/items", query=[("ending_before", "it_6"), ("limit", "2")]
    )
    assert page.backwards and ids(page.data) == ["it_4", "it_5"]
    assert ids(page) == ["it_5", "it_4", "it_3", "it_2", "it_1", "it_0"]
    assert [seen.query for seen in server.seen] == [
        [("ending_before", "it_6"), ("limit", "2")],
        [("limit", "2"), ("ending_before", "it_4")],
        [("limit", "2"), ("ending_before", "it_2")],
    ]
    following = page.next_page()
    assert following is not None and ids(following.data) == ["it_2", "it_3"]
    assert [ids(each.data) for each in page.iter_pages()] == [
        ["it_4", "it_5"],
        ["it_2", "it_3"],
        ["it_0", "it_1"],
    ]


def test_previous_page(client: _base_client.SyncAPIClient, server: PageServer) -> None:
    page = client.request_page(
        ITEMS, "/v1/items", query=[("starting_after", "it_3"), ("limit", "2")]
    )
    assert ids(page.data) == ["it_4", "it_5"] and not page.backwards
    before = page.previous_page()
    assert before is not None and ids(before.data) == ["it_2", "it_3"]
    assert before.backwards  # fetched with ending_before: it walks on backwards
    assert server.seen[-1].query == [("limit", "2"), ("ending_before", "it_4")]
    earlier = before.previous_page()
    assert earlier is not None and ids(earlier.data) == ["it_0", "it_1"]
    assert not earlier.has_next_page() and earlier.next_page() is None


def test_extra_query_and_call_options_are_repeated_on_every_page(
    client: _base_client.SyncAPIClient, server: PageServer
) -> None:
    query = [("limit", "3"), ("created[gte]", "5"), ("expand[0]", "data.owner")]
    options = RequestOptions(
        stripe_account="acct_9",
        stripe_version="2024-01-01",
        extra_headers={"X-Trace": "t1"},
        extra_query={"mode": "fast"},
    )
    page = client.request_page(ITEMS, "/v1/items", query=query, options=options)
    assert ids(page) == IDS
    assert len(server.seen) == 3
    for seen in server.seen:
        assert seen.path == "/v1/items"
        assert seen.without("starting_after") == [*query, ("mode", "fast")]
        assert seen.headers["stripe-account"] == "acct_9"
        assert seen.headers["stripe-version"] == "2024-01-01"
        assert seen.headers["x-trace"] == "t1"
    assert [seen.values("starting_after") for seen in server.seen] == [
        [],
        ["it_2"],
        ["it_5"],
    ]


def test_cursor_pairs_are_replaced_not_added(
    client: _base_client.SyncAPIClient, server: PageServer
) -> None:
    page = client.request_page(
        ITEMS,
        "/v1/items",
        query=[("starting_after", "it_0"), ("limit", "3"), ("page", "stale")],
    )
    assert ids(page) == IDS[1:]
    assert [seen.query for seen in server.seen[1:]] == [
        [("limit", "3"), ("starting_after", "it_3")],
    ]
    # a cursor given in extra_query is used first, then replaced as well
    server.seen.clear()
    options = RequestOptions(extra_query={"starting_after": "it_1"})
    page = client.request_page(
        ITEMS, "/v1/items", query=[("limit", "3")], options=options
    )
    assert ids(page) == IDS[2:]
    assert [seen.values("starting_after") for seen in server.seen] == [
        ["it_1"],
        ["it_4"],
    ]
    assert all(len(seen.query) == 2 for seen in server.seen)


def test_an_empty_first_page(
    client: _base_client.SyncAPIClient, server: PageServer
) -> None:
    page = client.request_page(ITEMS, "/v1/empty")
    assert page.data == [] and not page.has_more and not page.has_next_page()
    assert list(page) == [] and len(list(page.iter_pages())) == 1
    assert page.next_page() is None and page.previous_page() is None
    # an empty page has nothing to continue from, whatever has_more says
    claimed = client.request_page(ITEMS, "/v1/empty", query=[("claim_more", "true")])
    assert claimed.has_more and not claimed.has_next_page()
    assert claimed.next_page() is None and list(claimed) == []
    assert len(server.seen) == 2
    assert repr(page) == "SyncPage(data=[], has_more=False)"


def test_items_without_an_id_stop_with_a_type_error(
    client: _base_client.SyncAPIClient, server: PageServer
) -> None:
    page = client.request_page(THINGS, "/v1/things")
    assert page.has_next_page()
    with pytest.raises(TypeError, match="Thing items have no string `id`"):
        page.next_page()
    with pytest.raises(TypeError, match="Thing"):
        page.previous_page()
    seen: List[str] = []
    with pytest.raises(TypeError, match="Thing"):
        for thing in page:
            seen.append(thing.name)
    assert seen == ["a", "b"] and len(server.seen) == 1


def test_a_failing_following_page_raises_in_the_loop(
    client: _base_client.SyncAPIClient, server: PageServer
) -> None:
    page = client.request_page(
        ITEMS, "/v1/items", query=[("limit", "3"), ("fail_after", "it_2")]
    )
    seen: List[str] = []
    with pytest.raises(errors.APIError) as raised:
        for item in page:
            seen.append(item.id)
    assert seen == IDS[:3] and raised.value.request_id == "req_2"


def test_repr_is_short(client: _base_client.SyncAPIClient) -> None:
    page = client.request_page(ITEMS, "/v1/items", query=[("limit", "3")])
    assert repr(page) == "SyncPage(data=[3 Item objects], has_more=True)"
    one = client.request_page(ITEMS, "/v1/items", query=[("starting_after", "it_5")])
    assert repr(one) == "SyncPage(data=[1 Item object], has_more=False)"
    assert "it_" not in repr(page)


# --- search ----------------------------------------------------------------------------------


def test_search_pages_follow_the_next_page_token(
    client: _base_client.SyncAPIClient, server: PageServer
) -> None:
    page = client.request_page(
        SEARCH, "/v1/items/search", query=[("query", "n>0"), ("limit", "3")]
    )
    assert page.next_page_token == "tok_3" and page.total_count == 7
    assert page.url == "/v1/items/search" and page.has_next_page()
    assert ids(page) == IDS
    assert [seen.query for seen in server.seen] == [
        [("query", "n>0"), ("limit", "3")],
        [("query", "n>0"), ("limit", "3"), ("page", "tok_3")],
        [("query", "n>0"), ("limit", "3"), ("page", "tok_6")],
    ]
    pages = list(page.iter_pages())
    assert [each.next_page_token for each in pages] == ["tok_3", "tok_6", None]
    assert not pages[-1].has_next_page() and pages[-1].next_page() is None
    with pytest.raises(TypeError, match="search results only page forward"):
        page.previous_page()


# --- async -----------------------------------------------------------------------------------


def test_async_for_over_the_paginator_without_await(server: PageServer) -> None:
    async def use(client: _base_client.AsyncAPIClient) -> List[Any]:
        paginator = client.request_page(ITEMS, "/v1/items", query=[("limit", "3")])
        assert isinstance(paginator, _pagination.AsyncPaginator)
        assert server.seen == []  # nothing is sent before it is awaited or iterated
        return await collect(paginator)

    assert ids(run_async(server, use)) == IDS
    assert [seen.values("starting_after") for seen in server.seen] == [
        [],
        ["it_2"],
        ["it_5"],
    ]


def test_await_the_paginator_for_the_first_page(server: PageServer) -> None:
    async def use(client: _base_client.AsyncAPIClient) -> None:
        paginator = client.request_page(ITEMS, "/v1/items", query=[("limit", "3")])
        page = await paginator
        assert isinstance(page, _pagination.AsyncPage)
        assert ids(page.data) == IDS[:3] and page.has_more
        assert page.last_response is not None
        assert page.last_response.request_id == "req_1"
        assert repr(page) == "AsyncPage(data=[3 Item objects], has_more=True)"
        second = await page.next_page()
        assert second is not None and ids(second.data) == IDS[3:6]
        third = await second.next_page()
        assert third is not None and not third.has_next_page()
        assert await third.next_page() is None
        back = await second.previous_page()
        assert back is not None and back.backwards and ids(back.data) == IDS[0:3]
        assert len([each async for each in page.iter_pages()]) == 3
        assert ids(await collect(page)) == IDS
        # each await sends the first request again (documented)
        before = len(server.seen)
        await paginator
        assert len(server.seen) == before + 1
        assert len([each async for each in paginator.iter_pages()]) == 3

    run_async(server, use)


def test_async_backwards_search_and_options(server: PageServer) -> None:
    options = RequestOptions(stripe_account="acct_2", extra_headers={"X-T": "y"})

    async def use(client: _base_client.AsyncAPIClient) -> None:
        backwards = client.request_page(
            ITEMS,
            "/v1/items",
            query=[("limit", "3"), ("ending_before", "it_6")],
            options=options,
        )
        assert ids(await collect(backwards)) == IDS[5::-1]
        assert all(seen.headers["stripe-account"] == "acct_2" for seen in server.seen)
        assert all(seen.headers["x-t"] == "y" for seen in server.seen)
        search = await client.request_page(SEARCH, "/v1/items/search")
        assert search.total_count == 7
        assert ids(await collect(search)) == IDS
        with pytest.raises(TypeError, match="search"):
            await search.previous_page()
        empty = await client.request_page(ITEMS, "/v1/empty")
        assert await empty.next_page() is None and await collect(empty) == []
        things = await client.request_page(THINGS, "/v1/things")
        with pytest.raises(TypeError, match="Thing"):
            await things.next_page()

    run_async(server, use)
    assert [seen.query for seen in server.seen[:2]] == [
        [("limit", "3"), ("ending_before", "it_6")],
        [("limit", "3"), ("ending_before", "it_3")],
    ]
    assert (
        server.seen[2].path == "/v1/items/search"
    )  # it_0 was the start: no third page

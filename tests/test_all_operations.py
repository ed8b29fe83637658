"""Every operation of the spec: generated, type-checked, imported and called over a socket.

The all-operations package is generated once per session into a temporary folder, under a
package name of its own (it is not committed), then driven against the spec-validating server
for a sample of operations of every shape the spec uses.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator import spec as spec_stage
from generator.lower import operations_of
from tests.conftest import PIN, generate_into, import_copy, user_cache_folder
from tests.spec_server import Seen, SpecServer, running

KEY = "sk_test_all_operations_42"
PACKAGE = "stripe_all"


@pytest.fixture(scope="module")
def all_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("all") / "out"
    return generate_into(out, "--all", "--package", PACKAGE)


@pytest.fixture(scope="module")
def package(all_output: Path, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return import_copy(
        all_output / PACKAGE,
        tmp_path_factory.mktemp("vendor_all"),
        "stripe_all_vendored",
    )


@pytest.fixture()
def api(stripe_spec: dict[str, Any], stripe_fixtures: dict[str, Any]) -> SpecServer:
    return SpecServer(stripe_spec, stripe_fixtures)


def test_every_operation_has_a_method_and_a_page(all_output: Path) -> None:
    document = spec_stage.load_spec(PIN, cache_folder=user_cache_folder()).document
    operation_ids = {raw.operation_id for raw in operations_of(document)}
    assert len(operation_ids) == 468
    pages = list((all_output / "docs" / "operations").glob("*.md"))
    documented = {
        m.group(1)
        for p in pages
        for m in [re.search(r"Operation ID: `([^`]+)`", p.read_text())]
        if m
    }
    assert documented == operation_ids
    methods = set()
    for module in (all_output / PACKAGE / "resources").glob("*.py"):
        methods |= set(re.findall(r"^    def ([a-z]\w*)\(", module.read_text(), re.M))
    iterators = {m for m in methods if m.endswith("_iter")}
    assert len(methods - iterators) == 468
    assert len(iterators) >= 100  # every list and search endpoint


def test_mypy_strict_passes_on_every_operation(all_output: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", PACKAGE],
        cwd=all_output,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_list_with_deep_object_query_and_expand(
    package: ModuleType, api: SpecServer
) -> None:
    models = __import__(
        "stripe_all_vendored.params.customers", fromlist=["RangeQuerySpecs"]
    )
    with (
        running(api) as server,
        package.Client(api_key=KEY, base_url=server.url) as client,
    ):
        page = client.customers.get_customers(
            created=models.RangeQuerySpecs(gte=1690000000, lt=1700000000),
            limit=3,
            expand=["data.default_source"],
        )
    [seen] = api.seen
    assert seen.errors == []
    assert seen.query == {
        "created": {"gte": 1690000000, "lt": 1700000000},
        "limit": 3,
        "expand": ["data.default_source"],
    }
    assert page.data[0].id == api.fixtures["customer"]["id"]


def test_iterator_fetches_the_next_page_on_demand(
    package: ModuleType, api: SpecServer, stripe_fixtures: dict[str, Any]
) -> None:
    customer = stripe_fixtures["customer"]

    def pages(seen: Seen) -> tuple[int, Any]:
        after = seen.query.get("starting_after")
        data = (
            [dict(customer, id="cus_A")]
            if after is None
            else [dict(customer, id="cus_B")]
        )
        return 200, {
            "object": "list",
            "data": data,
            "has_more": after is None,
            "url": "/v1/customers",
        }

    api.respond = pages
    with (
        running(api) as server,
        package.Client(api_key=KEY, base_url=server.url) as client,
    ):
        iterator = client.customers.get_customers_iter(limit=1)
        first = next(iterator)
        assert len(api.seen) == 1  # the second page is not fetched before it is needed
        rest = list(iterator)
    assert [c.id for c in [first, *rest]] == ["cus_A", "cus_B"]
    assert [s.query.get("starting_after") for s in api.seen] == [None, "cus_A"]


def test_search_iterator_follows_next_page(
    package: ModuleType, api: SpecServer, stripe_fixtures: dict[str, Any]
) -> None:
    customer = stripe_fixtures["customer"]

    def pages(seen: Seen) -> tuple[int, Any]:
        token = seen.query.get("page")
        page = {
            "object": "search_result",
            "data": [customer],
            "url": "/v1/customers/search",
        }
        page.update(has_more=token is None, next_page=None if token else "tok_page_2")
        return 200, page

    api.respond = pages

    async def collect(url: str) -> list[Any]:
        async with package.AsyncClient(api_key=KEY, base_url=url) as client:
            return [
                c
                async for c in client.customers.get_customers_search_iter(
                    query="email:'a@b.c'"
                )
            ]

    with running(api) as server:
        items = asyncio.run(collect(server.url))
    assert len(items) == 2
    assert [s.query.get("page") for s in api.seen] == [None, "tok_page_2"]
    assert all(s.errors == [] for s in api.seen)


def test_delete_returns_the_deleted_object(
    package: ModuleType, api: SpecServer
) -> None:
    with (
        running(api) as server,
        package.Client(api_key=KEY, base_url=server.url) as client,
    ):
        deleted = client.customers.delete_customers_customer("cus_gone")
    assert (
        api.seen[0].method == "delete" and api.seen[0].path == "/v1/customers/cus_gone"
    )
    assert deleted.deleted is True


def test_nested_arrays_of_objects_in_a_form_body(
    package: ModuleType, api: SpecServer
) -> None:
    params = __import__(
        "stripe_all_vendored.params.subscriptions",
        fromlist=["SubscriptionItemCreateParams"],
    )
    with (
        running(api) as server,
        package.Client(api_key=KEY, base_url=server.url) as client,
    ):
        client.subscriptions.post_subscriptions(
            customer="cus_1",
            items=[
                params.SubscriptionItemCreateParams(
                    price="price_1", quantity=2, metadata={"a": "b"}
                )
            ],
            cancel_at_period_end=True,
        )
    [seen] = api.seen
    assert seen.errors == []
    assert seen.body == {
        "customer": "cus_1",
        "items": [{"price": "price_1", "quantity": 2, "metadata": {"a": "b"}}],
        "cancel_at_period_end": True,
    }


def test_empty_string_unsets_a_value(package: ModuleType, api: SpecServer) -> None:
    with (
        running(api) as server,
        package.Client(api_key=KEY, base_url=server.url) as client,
    ):
        client.customers.post_customers_customer("cus_1", address="", metadata="")
    [seen] = api.seen
    assert seen.errors == []
    assert seen.body == {"address": "", "metadata": ""}


def test_multipart_upload(package: ModuleType, api: SpecServer) -> None:
    content = b"%PDF-1.4 evidence\x00\xff"
    with (
        running(api) as server,
        package.Client(api_key=KEY, base_url=server.url) as client,
    ):
        uploaded = client.files.post_files(
            file=content, purpose="dispute_evidence", expand=["links"]
        )
    [seen] = api.seen
    assert seen.errors == []
    assert seen.headers["content-type"].startswith("multipart/form-data")
    assert seen.files == {"file": content}
    assert seen.body == {
        "file": "<file>",
        "purpose": "dispute_evidence",
        "expand": ["links"],
    }
    assert uploaded.id == api.fixtures["file"]["id"]


def test_binary_response(package: ModuleType, api: SpecServer) -> None:
    pdf = b"%PDF-1.7\n binary \x00\x01"
    api.respond = lambda seen: (200, pdf)
    with (
        running(api) as server,
        package.Client(api_key=KEY, base_url=server.url) as client,
    ):
        result = client.quotes.get_quotes_quote_pdf("qt_1")
    assert result == pdf
    assert api.seen[0].path == "/v1/quotes/qt_1/pdf"


def test_files_operation_goes_to_its_own_server(all_output: Path) -> None:
    source = (all_output / PACKAGE / "resources" / "files.py").read_text()
    assert 'base_url="https://files.stripe.com"' in source

"""Every operation of the spec: generated, type-checked, imported and called over a socket.

The all-operations package is generated once per session into a temporary folder, under a
package name of its own (it is not committed), then every operation is called once with its
required parameters against the spec-validating server, and a sample of operations of every
shape the spec uses is driven in detail.
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

from generator import ir
from generator import spec as spec_stage
from generator.lower import Selection, lower_document, operations_of
from tests.conftest import (
    ALL_OPERATIONS_PACKAGE,
    PIN,
    import_copy,
    user_cache_folder,
)
from tests.spec_server import Seen, SpecServer, running

KEY = "sk_test_all_operations_42"
PACKAGE = ALL_OPERATIONS_PACKAGE  # all_output (tests/conftest.py) generates it


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


@pytest.fixture(scope="module")
def all_api() -> ir.Api:
    """The IR of every operation: how each is called and what it requires."""
    loaded = spec_stage.load_spec(PIN, cache_folder=user_cache_folder())
    return lower_document(loaded.document, Selection(all=True), spec_sha256="0" * 64)


def resolve(client: Any, operation: ir.Operation) -> Any:
    """``client.<resource...>.<method>`` of an operation, from its IR."""
    target = client
    for attribute in operation.resource:
        target = getattr(target, attribute)
    return getattr(target, operation.name)


def test_every_operation_has_a_method_and_a_page(
    all_output: Path, package: ModuleType, all_api: ir.Api
) -> None:
    document = spec_stage.load_spec(PIN, cache_folder=user_cache_folder()).document
    operation_ids = {raw.operation_id for raw in operations_of(document)}
    assert len(operation_ids) == 468
    assert {op.operation_id for op in all_api.operations} == operation_ids
    pages = list((all_output / "docs" / "operations").glob("*.md"))
    documented: dict[str, str] = {}
    for page in pages:
        text = page.read_text()
        found = re.search(r"Operation ID: `([^`]+)`", text)
        call = re.search(r"Python: `client\.([\w.]+)\(", text)
        assert found and call, page
        documented[found.group(1)] = call.group(1)
    assert set(documented) == operation_ids
    calls = {op.operation_id: op.call for op in all_api.operations}
    assert documented == calls  # each page shows its operation's call
    assert len(set(calls.values())) == 468  # and no two operations share one
    with package.Client(api_key=KEY) as client:
        methods = {op.call: resolve(client, op) for op in all_api.operations}
    assert all(callable(m) for m in methods.values())
    assert not any(m.__name__.endswith("_iter") for m in methods.values())
    source = "".join(
        module.read_text()
        for module in (all_output / PACKAGE / "resources").glob("*.py")
    )
    paged = [op for op in all_api.operations if op.pagination is not None]
    assert len(paged) >= 100  # every list and search endpoint returns pages
    # each paged call returns a page, sync and async
    assert len(re.findall(r"\) -> SyncPage\[", source)) == len(paged)
    assert len(re.findall(r"\) -> AsyncPaginator\[", source)) == len(paged)


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
    with (
        running(api) as server,
        package.Client(api_key=KEY, base_url=server.url) as client,
    ):
        page = client.customers.list(
            created={"gte": 1690000000, "lt": 1700000000},
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
    assert [c.id for c in page] == [api.fixtures["customer"]["id"]]  # has_more false


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
        page = client.customers.list(limit=1)
        assert [c.id for c in page.data] == ["cus_A"] and page.has_more
        iterator = iter(page)
        first = next(iterator)
        assert len(api.seen) == 1  # the second page is not fetched before it is needed
        rest = list(iterator)
        assert len(api.seen) == 2
        second = page.next_page()  # page by page, too
        assert second is not None and [c.id for c in second.data] == ["cus_B"]
        assert second.next_page() is None
    assert [c.id for c in [first, *rest]] == ["cus_A", "cus_B"]
    assert all(s.errors == [] for s in api.seen)
    assert [s.query.get("starting_after") for s in api.seen] == [None, "cus_A", "cus_A"]


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
            return [c async for c in client.customers.search(query="email:'a@b.c'")]

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
        deleted = client.customers.delete("cus_gone")
    assert (
        api.seen[0].method == "delete" and api.seen[0].path == "/v1/customers/cus_gone"
    )
    assert deleted.deleted is True


def test_nested_arrays_of_objects_in_a_form_body(
    package: ModuleType, api: SpecServer
) -> None:
    with (
        running(api) as server,
        package.Client(api_key=KEY, base_url=server.url) as client,
    ):
        client.subscriptions.create(
            customer="cus_1",
            items=[{"price": "price_1", "quantity": 2, "metadata": {"a": "b"}}],
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
        client.customers.update("cus_1", address="", metadata="")
    [seen] = api.seen
    assert seen.errors == []
    assert seen.body == {"address": "", "metadata": ""}


def test_multipart_upload(package: ModuleType, api: SpecServer) -> None:
    content = b"%PDF-1.4 evidence\x00\xff"
    with (
        running(api) as server,
        package.Client(api_key=KEY, base_url=server.url) as client,
    ):
        uploaded = client.files.create(
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
        result = client.quotes.pdf("qt_1")
    assert result == pdf
    assert api.seen[0].path == "/v1/quotes/qt_1/pdf"


def test_files_operation_goes_to_its_own_server(all_output: Path) -> None:
    source = (all_output / PACKAGE / "resources" / "files.py").read_text()
    assert 'base_url="https://files.stripe.com"' in source


# --- every operation, once, with its required parameters ------------------------------------------


class Values:
    """A valid value of each IR type: what a caller passes for a required parameter.

    Nested objects are plain dicts keyed by wire name (the TypedDicts' keys), holding only
    their required keys (or, having none, their first).
    """

    def __init__(self, api: ir.Api) -> None:
        self.models = {m.name: m for g in api.groups for m in g.request_models}
        self.models.update({m.name: m for m in api.models if m.name not in self.models})

    def of(self, expr: ir.TypeExpr, depth: int = 0) -> Any:
        assert depth < 40, expr
        if isinstance(expr, ir.Nullable):
            return self.of(expr.inner, depth + 1)
        if isinstance(expr, ir.LiteralType):
            return expr.values[0]
        if isinstance(expr, ir.ListType):
            return [self.of(expr.item, depth + 1)]
        if isinstance(expr, ir.MapType):
            return {"k": self.of(expr.value, depth + 1)}
        if isinstance(expr, ir.UnionType):
            return self.of(expr.members[0], depth + 1)
        if isinstance(expr, ir.ModelRef):
            model = self.models[expr.name]
            # a form body cannot send an empty object: one with no required key gets its
            # first one
            chosen = [f for f in model.fields if f.required] or list(model.fields[:1])
            return {f.wire_name: self.of(f.type, depth + 1) for f in chosen}
        assert isinstance(expr, ir.Primitive), expr
        limits = {c.keyword: c.value for c in expr.constraints}
        if expr.name in ("int", "float"):
            number = limits.get("ge", limits.get("gt", 0) + 1)
            return int(number) if expr.name == "int" else float(number)
        return {"bool": True, "bytes": b"file", "str": "x", "Any": "x"}[expr.name]


def required_arguments(
    operation: ir.Operation, values: Values
) -> tuple[list[Any], dict[str, Any]]:
    positional = [f"{p.wire_name}_1" for p in operation.path_params]
    keywords = {
        argument: values.of(f.type)
        for payload in (operation.query, operation.body)
        if payload is not None
        for argument, f in payload.arguments_and_fields
        if f.required
    }
    return positional, keywords


def test_every_operation_is_called_with_its_required_parameters(
    package: ModuleType, api: SpecServer, all_api: ir.Api
) -> None:
    values = Values(all_api)
    problems: list[str] = []
    called: set[str] = set()
    with (
        running(api) as server,
        package.Client(api_key=KEY, base_url=server.url, max_retries=0) as client,
    ):
        for operation in all_api.operations:
            positional, keywords = required_arguments(operation, values)
            before = len(api.seen)
            try:
                result = resolve(client, operation)(*positional, **keywords)
            except Exception as error:  # collected: one report for all operations
                problems.append(f"{operation.call}: {type(error).__name__}: {error}")
                continue
            seen = api.seen[before:]
            if len(seen) != 1:
                problems.append(f"{operation.call}: {len(seen)} requests")
                continue
            if seen[0].operation_id != operation.operation_id or seen[0].errors:
                problems.append(
                    f"{operation.call}: {seen[0].operation_id} {seen[0].errors}"
                )
                continue
            if operation.pagination is not None:
                # a page of the items the server sent, walked without another request
                assert list(result) == list(result.data), operation.call
            # every response parsed (leniently): an object, a page or a file, each telling
            # which response it came from
            info = result.last_response
            if info is None or info.status_code != 200 or not info.request_id:
                problems.append(f"{operation.call}: no last_response on {result!r}")
                continue
            called.add(operation.operation_id)
    assert problems == [], "\n".join(problems)
    assert len(called) == 468

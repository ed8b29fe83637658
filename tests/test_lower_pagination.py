"""Unit tests for generator.lower.pagination: page shapes recognised on the IR."""

from __future__ import annotations

from typing import Optional

from generator import ir
from generator.lower.pagination import TokenPaging, page_shape

ITEM = ir.ModelRef("Customer")


def _field(wire: str, type_: ir.TypeExpr, name: Optional[str] = None) -> ir.Field:
    return ir.Field(name or wire, wire, type_, True, "")


def _models(
    *, id_type: ir.TypeExpr = ir.STR, search: bool = False
) -> dict[str, ir.Model]:
    page_fields = [
        _field("data", ir.ListType(ITEM)),
        _field("has_more", ir.Primitive("bool")),
    ]
    if search:
        page_fields.append(_field("next_page", ir.Nullable(ir.STR)))
    return {
        "CustomerList": ir.Model("CustomerList", tuple(page_fields), "", "/l"),
        "Customer": ir.Model("Customer", (_field("id", id_type),), "", "/c"),
    }


def _operation(*wires: str, method: str = "get") -> ir.Operation:
    fields = tuple(_field(w, ir.STR) for w in wires)
    query = ir.Payload(
        "CustomersListParams",
        "query",
        fields,
        tuple(f"{w}_arg" for w in wires),
        (),
        False,
    )
    return ir.Operation(
        operation_id="GetCustomers",
        name="list",
        resource=("customers",),
        method=method,
        path="/v1/customers",
        title="List customers",
        summary="",
        doc="",
        path_params=(),
        query=query if wires else None,
        body=None,
        response=ir.Response(ir.ModelRef("CustomerList"), "application/json", ""),
        error=None,
        server=None,
        pointer="/paths/~1v1~1customers/get",
    )


def test_cursor_pages_page_by_starting_after_over_items_with_an_id() -> None:
    shape = page_shape(
        _operation("limit", "starting_after", "ending_before"), _models()
    )
    assert shape == ir.Pagination("cursor", ITEM)


def test_search_pages_follow_next_page() -> None:
    shape = page_shape(_operation("query", "page"), _models(search=True))
    assert shape == ir.Pagination("search", ITEM)


def test_search_pages_need_the_page_argument_and_next_page() -> None:
    # a search page without a ``page`` argument cannot be followed
    assert page_shape(_operation("query"), _models(search=True)) is None
    # ``page`` without ``next_page`` in the response is no search page (nor a cursor one)
    assert page_shape(_operation("query", "page"), _models()) is None
    # a search-shaped page with a cursor argument too is searched by its token
    shape = page_shape(_operation("page", "starting_after"), _models(search=True))
    assert shape == ir.Pagination("search", ITEM)


def test_items_without_an_id_do_not_page_by_cursor() -> None:
    models = _models()
    models["Customer"] = ir.Model("Customer", (_field("name", ir.STR),), "", "/c")
    assert page_shape(_operation("starting_after"), models) is None
    # a union of items pages only when every member has an id
    union = ir.UnionType((ITEM, ir.ModelRef("Other")))
    models = _models()
    models["CustomerList"] = ir.Model(
        "CustomerList",
        (
            _field("data", ir.ListType(union)),
            _field("has_more", ir.Primitive("bool")),
        ),
        "",
        "/l",
    )
    models["Other"] = ir.Model("Other", (_field("id", ir.Primitive("int")),), "", "/o")
    assert page_shape(_operation("starting_after"), models) is None
    models["Other"] = ir.Model("Other", (_field("id", ir.STR),), "", "/o")
    assert page_shape(_operation("starting_after"), models) == ir.Pagination(
        "cursor", union
    )


def test_a_nullable_string_id_still_pages() -> None:
    shape = page_shape(
        _operation("starting_after"), _models(id_type=ir.Nullable(ir.STR))
    )
    assert shape is not None and shape.kind == "cursor"


def test_no_pages_without_a_string_id_a_query_or_a_get() -> None:
    assert (
        page_shape(_operation("starting_after"), _models(id_type=ir.Primitive("int")))
        is None
    )
    assert page_shape(_operation(), _models()) is None
    assert page_shape(_operation("starting_after", method="post"), _models()) is None
    assert page_shape(_operation("limit"), _models()) is None  # no cursor argument
    assert page_shape(_operation("starting_after"), {}) is None  # page model unknown


# --- [tool.codegen.pagination]: another API's cursor -------------------------------------------

PAGING = TokenPaging(
    cursor_parameter="after", items="files", next_cursor="meta.cursor.next"
)


def _token_models(
    *, next_type: ir.TypeExpr = ir.Nullable(ir.STR), items: Optional[ir.TypeExpr] = None
) -> dict[str, ir.Model]:
    """A page of another API: ``{"files": [...], "meta": {"cursor": {"next": ...}}}``."""
    return {
        "CustomerList": ir.Model(
            "CustomerList",
            (
                _field("files", items or ir.ListType(ITEM)),
                _field("meta", ir.Nullable(ir.ModelRef("Meta"))),
            ),
            "",
            "/l",
        ),
        "Meta": ir.Model("Meta", (_field("cursor", ir.ModelRef("Cursor")),), "", "/m"),
        "Cursor": ir.Model("Cursor", (_field("next", next_type),), "", "/n"),
        "Customer": ir.Model("Customer", (_field("name", ir.STR),), "", "/c"),
    }


def test_configured_paging_follows_its_dotted_paths() -> None:
    found = page_shape(_operation("after", "limit"), _token_models(), PAGING)
    assert found == ir.Pagination(
        "token",
        ITEM,
        cursor_parameter="after",
        items="files",
        next_cursor="meta.cursor.next",
    )


def test_configured_paging_needs_the_parameter_a_list_and_a_string_cursor() -> None:
    models = _token_models()
    assert page_shape(_operation("limit"), models, PAGING) is None  # no `after`
    assert page_shape(_operation("after", method="post"), models, PAGING) is None
    assert page_shape(_operation("after"), models, None) is None  # not configured
    integer = _token_models(next_type=ir.Primitive("int"))
    assert page_shape(_operation("after"), integer, PAGING) is None
    not_a_list = _token_models(items=ITEM)
    assert page_shape(_operation("after"), not_a_list, PAGING) is None
    elsewhere = TokenPaging("after", "files", "meta.next")  # no such field
    assert page_shape(_operation("after"), models, elsewhere) is None


def test_a_recognised_stripe_page_wins_over_the_configured_paging() -> None:
    found = page_shape(_operation("starting_after"), _models(), PAGING)
    assert found is not None and found.kind == "cursor"

"""Unit tests for generator.lower.pagination: page shapes recognised on the IR."""

from __future__ import annotations

from typing import Optional

from generator import ir
from generator.lower.pagination import PageShape, page_shape

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
        "GetCustomersQuery",
        "query",
        fields,
        tuple(f"{w}_arg" for w in wires),
        (),
        False,
    )
    return ir.Operation(
        operation_id="GetCustomers",
        name="get_customers",
        group="customers",
        method=method,
        path="/v1/customers",
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


def test_cursor_pages_skip_ending_before() -> None:
    shape = page_shape(
        _operation("limit", "starting_after", "ending_before"), _models()
    )
    assert shape == PageShape(
        "cursor", ITEM, "starting_after_arg", ("ending_before_arg",)
    )
    assert shape.named("get_customers_iter") == ir.Pagination(
        "cursor",
        "get_customers_iter",
        ITEM,
        "starting_after_arg",
        ("ending_before_arg",),
    )


def test_search_pages_follow_next_page() -> None:
    shape = page_shape(_operation("query", "page"), _models(search=True))
    assert shape == PageShape("search", ITEM, "page_arg", ())


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

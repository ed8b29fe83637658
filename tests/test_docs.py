"""Unit tests for generator.present.docs: the rows and pages the Markdown templates receive."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from generator import ir
from generator.present import docs
from generator.present.docs import Row, human_type
from generator.lower import Selection, lower_document
from generator.spec import parse_document

STR = ir.Primitive("str")


# --- human_type ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("str", "string"),
        ("int", "integer"),
        ("float", "number"),
        ("bool", "boolean"),
        ("bytes", "file"),
        ("Any", "any"),
    ],
)
def test_human_type_primitives(name: str, expected: str) -> None:
    assert human_type(ir.Primitive(name)) == expected


def test_human_type_composites() -> None:
    assert human_type(ir.LiteralType(("a",))) == "enum"
    assert human_type(ir.LiteralType(("a",), open=True)) == "enum (open)"
    assert human_type(ir.ListType(STR)) == "list of string"
    assert human_type(ir.MapType(ir.Primitive("int"))) == "map of integer"
    assert human_type(ir.Nullable(STR)) == "string or null"
    assert human_type(ir.UnionType((STR, ir.LiteralType(("",))))) == "string or enum"


def test_human_type_links_documented_models() -> None:
    card = ir.ModelRef("CustomerCard")
    assert human_type(card) == "[CustomerCard](models.md#customercard)"
    assert (
        human_type(ir.UnionType((card, STR)), prefix="../models.md")
        == "[CustomerCard](../models.md#customercard) or string"
    )
    assert human_type(card, prefix="") == "[CustomerCard](#customercard)"
    documented = frozenset({"CustomerCard"})
    assert human_type(ir.ListType(card), linkable=documented) == (
        "list of [CustomerCard](models.md#customercard)"
    )


def test_human_type_does_not_link_undocumented_models() -> None:
    params = ir.ModelRef("CardDetails")
    assert human_type(params, linkable=frozenset({"Other"})) == "`CardDetails`"
    assert human_type(ir.Nullable(params), linkable=frozenset()) == (
        "`CardDetails` or null"
    )


# --- pages from a small spec ---------------------------------------------------------------

SPEC: dict[str, Any] = {
    "openapi": "3.0.0",
    "info": {"title": "Test API", "version": "2024-01-01"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/v1/customers/{customer}/sources": {
            "post": {
                "operationId": "PostCustomersCustomerSources",
                "summary": "Create a source",
                "description": "Attaches a source | or a card.",
                "parameters": [
                    {
                        "name": "customer",
                        "in": "path",
                        "required": True,
                        "description": "The customer.",
                        "schema": {"type": "string", "maxLength": 5000},
                    }
                ],
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "required": ["source"],
                                "properties": {
                                    "source": {
                                        "type": "string",
                                        "maxLength": 5000,
                                        "description": "A token.",
                                    },
                                    "card": {
                                        "anyOf": [
                                            {
                                                "type": "object",
                                                "title": "card_details",
                                                "required": ["number"],
                                                "properties": {
                                                    "number": {
                                                        "type": "string",
                                                        "maxLength": 20,
                                                    },
                                                    "kind": {
                                                        "type": "string",
                                                        "enum": ["debit", "credit"],
                                                    },
                                                },
                                            },
                                            {"type": "string"},
                                        ],
                                        "description": "token or object",
                                    },
                                    "validate": {"type": "boolean"},
                                    "metadata": {
                                        "type": "object",
                                        "additionalProperties": {"type": "string"},
                                    },
                                    "expand": {
                                        "type": "array",
                                        "items": {"type": "string", "maxLength": 100},
                                    },
                                },
                            }
                        }
                    }
                },
                "responses": {
                    "200": {
                        "description": "The source.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/card"}
                            }
                        },
                    }
                },
            }
        },
        "/v1/charges": {
            "get": {
                "operationId": "GetCharges",
                "summary": "List charges",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "card": {
                "type": "object",
                "description": "A card.",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "brand": {"type": "string", "enum": ["visa", "amex"]},
                },
            }
        }
    },
}


@pytest.fixture(scope="module")
def api() -> ir.Api:
    return lower_document(
        parse_document(SPEC), Selection(all=True), spec_sha256="0" * 64
    )


@pytest.fixture(scope="module")
def site(api: ir.Api) -> docs.Site:
    return docs.Site(api, "my_client")


def _page(site: docs.Site, api: ir.Api, operation_id: str) -> docs.DocsPage:
    op = next(o for o in api.operations if o.operation_id == operation_id)
    return site.operation(op)


def test_nested_request_fields_are_flattened(site: docs.Site, api: ir.Api) -> None:
    page = _page(site, api, "PostCustomersCustomerSources")
    assert page.body_media_type == "application/x-www-form-urlencoded"
    assert [row.name for row in page.body_rows] == [
        "`source`",
        "`card`",
        "`card.number`",
        "`card.kind`",
        "`validate`",
        "`metadata`",
        "`expand`",
    ]
    rows = {row.name: row for row in page.body_rows}
    # CardDetails is a request model: models.md has no section to link to
    assert rows["`card`"] == Row(
        "`card`",
        "`CardDetails` or string",
        "no",
        "",
        "token or object",
    )
    assert rows["`card.number`"] == Row(
        "`card.number`", "string", "yes", "max length 20", ""
    )
    assert rows["`source`"] == Row(
        "`source`", "string", "yes", "max length 5000", "A token."
    )


def test_details_cell_holds_enum_values_and_constraints(
    site: docs.Site, api: ir.Api
) -> None:
    page = _page(site, api, "PostCustomersCustomerSources")
    rows = {row.name: row for row in page.body_rows}
    assert rows["`card.kind`"].details == "one of `debit`, `credit`"
    assert rows["`card.kind`"].type == "enum"
    assert rows["`expand`"].details == "items: max length 100"
    assert rows["`metadata`"].type == "map of string"
    assert rows["`metadata`"].details == ""


def test_empty_string_enum_is_spelled_out() -> None:
    five = ir.Constraint("max_length", 5, "max length 5")
    union = ir.UnionType((ir.Primitive("str", (five,)), ir.LiteralType(("",))))
    field = ir.Field("description", "description", union, False, "")
    row = docs._row("description", field, prefix="", linkable=frozenset())
    assert row.details == 'max length 5; one of `""` (empty string)'


def test_path_rows_and_page_metadata(site: docs.Site, api: ir.Api) -> None:
    page = _page(site, api, "PostCustomersCustomerSources")
    # alone below ``customers``, a POST on ``sources`` is an action named after it
    # (generator.lower.calls): the page is named by the call
    assert page.file_name == "customers.sources.md"
    assert page.title == "Create a source"
    assert page.method == "POST"
    assert page.path == "/v1/customers/{customer}/sources"
    assert page.call == "client.customers.sources(...)"
    assert page.server == "https://api.example.com"
    assert page.path_rows == (
        Row("`customer`", "string", "yes", "max length 5000", "The customer."),
    )
    assert page.query_rows == ()
    assert page.response == "[Card](../models.md#card)"
    assert page.response_description == "The source."
    assert page.errors == "none declared"


def test_example_compiles_and_passes_required_arguments(
    site: docs.Site, api: ir.Api
) -> None:
    page = _page(site, api, "PostCustomersCustomerSources")
    compile(page.example, "<example>", "exec")
    assert page.example == (
        "from my_client import Client\n\n"
        # not Stripe's spec, and it declares no security scheme: no credentials to pass
        "with Client() as client:\n"
        "    result = client.customers.sources(\n"
        '        "customer_id",\n'
        '        source="source_value",\n'
        '        card={"number": "number_value"},\n'
        '        metadata={"order_id": "6735"},\n'
        "    )\n"
        "    print(result)\n"
    )
    tree = ast.parse(page.example)
    (call,) = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "sources"
    ]
    assert [k.arg for k in call.keywords] == ["source", "card", "metadata"]
    assert len(call.args) == 1
    # a nested object is a dict of its required keys (wire names), not a model class
    card = next(k.value for k in call.keywords if k.arg == "card")
    assert isinstance(card, ast.Dict)
    assert ast.literal_eval(card) == {"number": "number_value"}


def test_example_without_arguments(site: docs.Site, api: ir.Api) -> None:
    page = _page(site, api, "GetCharges")
    compile(page.example, "<example>", "exec")
    assert "client.charges.retrieve()" in page.example
    assert [r.name for r in page.query_rows] == ["`limit`"]


def test_index_rows(site: docs.Site) -> None:
    index = site.index()
    assert index.title == "Test API"
    assert index.api_version == "2024-01-01"
    assert index.operation_count == 2
    assert index.model_count == 1
    assert [(g.name, g.attribute) for g in index.groups] == [
        ("charges", "charges"),
        ("customers", "customers"),
    ]
    assert index.groups[1].rows == (
        docs.IndexRow(
            link="operations/customers.sources.md",
            method="POST",
            path="/v1/customers/{customer}/sources",
            call="`client.customers.sources`",
            summary="Create a source",
        ),
    )


def test_models_page(site: docs.Site) -> None:
    (section,) = site.models().sections
    assert section.name == "Card"
    assert section.anchor == "card"
    assert section.description == "A card."
    assert section.alias == ""
    assert [r.name for r in section.rows] == ["`id`", "`brand`"]
    assert section.rows[1].type == "enum (open)"
    assert section.rows[1].details == "one of `visa`, `amex`"

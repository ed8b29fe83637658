"""Unit tests for generator.lower: small hand-written OpenAPI 3.0 specs → IR."""

from __future__ import annotations

import copy
from typing import Any, Optional

import pytest

from generator import ir
from generator.errors import CodegenError
from generator.lower import Selection, lower_document
from generator.spec import parse_document

SHA = "ab" * 32

STR = ir.Primitive("str")


def max_len(n: int) -> ir.Constraint:
    return ir.Constraint("max_length", n, f"max length {n}")


def json_response(schema: dict[str, Any], description: str = "ok") -> dict[str, Any]:
    return {
        "200": {
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    }


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def tagged(tag: str, **extra: Any) -> dict[str, Any]:
    """A Stripe-like resource: a required single-valued ``object`` enum and a string id."""
    return {
        "type": "object",
        "required": ["id", "object"],
        "properties": {
            "id": {"type": "string"},
            "object": {"type": "string", "enum": [tag]},
            **extra,
        },
    }


def document(
    paths: dict[str, Any],
    schemas: Optional[dict[str, Any]] = None,
    **top: Any,
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "openapi": "3.0.0",
        "info": {"title": "Test API", "version": "2024-01-01"},
        "paths": paths,
        **top,
    }
    if schemas is not None:
        spec["components"] = {"schemas": schemas}
    return spec


def lower(
    spec: dict[str, Any],
    selection: Optional[Selection] = None,
    *,
    profile: str = "auto",
) -> ir.Api:
    """``profile="stripe"`` for Stripe's conventions (``object`` tags), which a spec
    served from elsewhere does not get."""
    return lower_document(
        parse_document(spec),
        selection or Selection(all=True),
        spec_sha256=SHA,
        profile=profile,
    )


def form_body(
    properties: dict[str, Any],
    *,
    media_type: str = "application/x-www-form-urlencoded",
    encoding: Optional[dict[str, Any]] = None,
    required: Optional[list[str]] = None,
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    content: dict[str, Any] = {"schema": schema}
    if encoding:
        content["encoding"] = encoding
    return {"content": {media_type: content}, "required": False}


def post_spec(properties: dict[str, Any], **body: Any) -> dict[str, Any]:
    return document(
        {
            "/v1/things": {
                "post": {
                    "operationId": "PostThings",
                    "requestBody": form_body(properties, **body),
                    "responses": json_response(ref("thing")),
                }
            }
        },
        {"thing": tagged("thing")},
    )


def body_field(api: ir.Api, wire: str) -> ir.Field:
    (operation,) = api.operations
    assert operation.body is not None
    return next(f for f in operation.body.fields if f.wire_name == wire)


def request_model(api: ir.Api, name: str) -> ir.Model:
    return next(m for g in api.groups for m in g.request_models if m.name == name)


def response_model(api: ir.Api, name: str) -> ir.Model:
    return next(m for m in api.models if m.name == name)


def model_field(model: ir.Model, wire: str) -> ir.Field:
    return next(f for f in model.fields if f.wire_name == wire)


# --- selection -----------------------------------------------------------------------------


def _selection_spec() -> dict[str, Any]:
    ok = json_response({"type": "string"})
    return document(
        {
            "/v1/customers": {
                "get": {"operationId": "GetCustomers", "responses": ok},
                "post": {"operationId": "PostCustomers", "responses": ok},
            },
            "/v1/customers/{customer}": {
                "parameters": [
                    {
                        "name": "customer",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "get": {"operationId": "GetCustomersCustomer", "responses": ok},
            },
            "/v1/charges": {"get": {"operationId": "GetCharges", "responses": ok}},
        }
    )


def _ids(api: ir.Api) -> list[str]:
    return [op.operation_id for op in api.operations]


def test_select_all_groups_operations_sorted_by_call() -> None:
    api = lower(_selection_spec())
    assert _ids(api) == [
        "GetCharges",
        "PostCustomers",
        "GetCustomers",
        "GetCustomersCustomer",
    ]
    assert [op.call for op in api.operations] == [
        "charges.retrieve",
        "customers.create",
        "customers.list",
        "customers.retrieve",
    ]
    assert [g.name for g in api.groups] == ["charges", "customers"]


def test_select_by_id() -> None:
    api = lower(_selection_spec(), Selection(operation_ids=("GetCharges",)))
    assert _ids(api) == ["GetCharges"]
    assert [g.name for g in api.groups] == ["charges"]


def test_select_by_glob() -> None:
    api = lower(_selection_spec(), Selection(globs=("GetCustomers*",)))
    assert _ids(api) == ["GetCustomers", "GetCustomersCustomer"]


def test_select_by_path_prefix() -> None:
    api = lower(_selection_spec(), Selection(path_prefixes=("/v1/customers/",)))
    assert _ids(api) == ["GetCustomersCustomer"]


def test_select_union_of_criteria_in_document_order() -> None:
    selection = Selection(operation_ids=("GetCharges",), globs=("Post*",))
    api = lower(_selection_spec(), selection)
    assert [op.operation_id for g in api.groups for op in g.operations] == [
        "GetCharges",
        "PostCustomers",
    ]


def test_unknown_id_suggests_close_matches() -> None:
    with pytest.raises(CodegenError) as caught:
        lower(_selection_spec(), Selection(operation_ids=("GetCustomer",)))
    assert caught.value.message == "unknown operation ID 'GetCustomer'"
    assert caught.value.hint is not None
    assert caught.value.hint.startswith("did you mean: GetCustomers")
    assert "GetCharges" not in caught.value.hint


def test_unknown_id_without_close_match_points_to_list() -> None:
    with pytest.raises(CodegenError) as caught:
        lower(_selection_spec(), Selection(operation_ids=("Zzzzzzzz",)))
    assert caught.value.hint == "run `codegen list`"


def test_glob_and_prefix_matching_nothing_are_errors() -> None:
    with pytest.raises(CodegenError, match="no operation ID matches 'Zz\\*'"):
        lower(_selection_spec(), Selection(globs=("Zz*",)))
    with pytest.raises(CodegenError, match="no operation path starts with '/v2'"):
        lower(_selection_spec(), Selection(path_prefixes=("/v2",)))


def test_empty_selection_is_an_error() -> None:
    with pytest.raises(CodegenError, match="no operations selected"):
        lower(_selection_spec(), Selection())


# --- request bodies ------------------------------------------------------------------------


def _customer_body_spec() -> dict[str, Any]:
    return post_spec(
        {
            "email": {"type": "string", "maxLength": 512, "description": "The email."},
            "tax_exempt": {"type": "string", "enum": ["exempt", "none", "reverse"]},
            "card": {
                "anyOf": [
                    {
                        "type": "object",
                        "title": "card_details",
                        "required": ["number"],
                        "properties": {
                            "number": {"type": "string", "maxLength": 20},
                            "cvc": {"type": "string"},
                        },
                    },
                    {"type": "string", "maxLength": 5000},
                ],
                "description": "token or object",
            },
            "description": {
                "anyOf": [
                    {"type": "string", "maxLength": 350},
                    {"type": "string", "enum": [""]},
                ]
            },
            "metadata": {
                "anyOf": [
                    {"type": "object", "additionalProperties": {"type": "string"}},
                    {"type": "string", "enum": [""]},
                ]
            },
        },
        encoding={
            "card": {"style": "deepObject", "explode": True},
            "metadata": {"style": "deepObject", "explode": True},
        },
    )


def test_form_body_payload() -> None:
    api = lower(_customer_body_spec())
    (operation,) = api.operations
    body = operation.body
    assert body is not None
    assert body.model == "ThingsCreateParams"
    assert body.media_type == "application/x-www-form-urlencoded"
    assert body.arguments == ("email", "tax_exempt", "card", "description", "metadata")
    assert body.required is False
    assert body.styles == (
        ("email", "form"),
        ("tax_exempt", "form"),
        ("card", "deepObject"),
        ("description", "form"),
        ("metadata", "deepObject"),
    )
    model = request_model(api, "ThingsCreateParams")
    assert model.request is True
    assert model.closed is False
    assert model.fields == body.fields


def test_token_or_object_is_union_with_nested_titled_model() -> None:
    api = lower(_customer_body_spec())
    card = body_field(api, "card")
    assert card.doc == "token or object"
    assert card.type == ir.UnionType(
        (ir.ModelRef("CardDetails"), ir.Primitive("str", (max_len(5000),)))
    )
    nested = request_model(api, "CardDetails")
    assert nested.request is True
    assert [(f.name, f.required) for f in nested.fields] == [
        ("number", True),
        ("cvc", False),
    ]
    assert model_field(nested, "number").type == ir.Primitive("str", (max_len(20),))
    assert nested.pointer.endswith("/properties/card/anyOf/0")


def test_request_enum_is_closed_literal() -> None:
    api = lower(_customer_body_spec())
    assert body_field(api, "tax_exempt").type == ir.LiteralType(
        ("exempt", "none", "reverse"), open=False
    )


def test_max_length_on_request_primitive() -> None:
    api = lower(_customer_body_spec())
    email = body_field(api, "email")
    assert email.type == ir.Primitive("str", (max_len(512),))
    assert email.doc == "The email."


def test_empty_string_any_of_becomes_union_with_empty_literal() -> None:
    api = lower(_customer_body_spec())
    assert body_field(api, "description").type == ir.UnionType(
        (ir.Primitive("str", (max_len(350),)), ir.LiteralType(("",)))
    )
    assert body_field(api, "metadata").type == ir.UnionType(
        (ir.MapType(STR), ir.LiteralType(("",)))
    )
    assert body_field(api, "description").type.annotation(validated=True) == (
        'Union[Annotated[str, Field(max_length=350)], Literal[""]]'
    )


def test_multipart_body_media_type_and_binary_field() -> None:
    spec = post_spec(
        {
            "file": {"type": "string", "format": "binary"},
            "purpose": {"type": "string", "enum": ["dispute_evidence"]},
        },
        media_type="multipart/form-data",
        required=["file"],
    )
    api = lower(spec)
    (operation,) = api.operations
    assert operation.body is not None
    assert operation.body.media_type == "multipart/form-data"
    file = body_field(api, "file")
    assert file.type == ir.Primitive("bytes")
    assert file.required is True


def test_json_request_body_is_a_payload_of_its_properties() -> None:
    """More request bodies: tests/test_lower_requests.py."""
    spec = post_spec({"a": {"type": "string"}}, media_type="application/json")
    (operation,) = lower(spec).operations
    assert operation.body is not None
    assert operation.body.kind == "json" and not operation.body.whole
    assert operation.body.arguments == ("a",)


def test_body_argument_colliding_with_call_option_is_renamed() -> None:
    api = lower(post_spec({"timeout": {"type": "integer"}}))
    (operation,) = api.operations
    assert operation.body is not None
    assert operation.body.arguments == ("timeout_",)
    assert operation.body.fields[0].name == "timeout"


# --- responses: enums, constraints, nullable, unions ---------------------------------------


def _response_spec(properties: dict[str, Any], **schemas: Any) -> dict[str, Any]:
    return document(
        {
            "/v1/things/{thing}": {
                "get": {
                    "operationId": "GetThing",
                    "parameters": [
                        {
                            "name": "thing",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 5000},
                        }
                    ],
                    "responses": json_response(ref("thing")),
                }
            }
        },
        {"thing": tagged("thing", **properties), **schemas},
    )


def test_response_enum_is_open_and_type_tag_closed() -> None:
    api = lower(
        _response_spec({"status": {"type": "string", "enum": ["active", "closed"]}}),
        profile="stripe",
    )
    thing = response_model(api, "Thing")
    assert model_field(thing, "status").type == ir.LiteralType(
        ("active", "closed"), open=True
    )
    assert model_field(thing, "object").type == ir.LiteralType(("thing",), open=False)


def test_response_primitives_have_no_constraints_path_params_do() -> None:
    api = lower(_response_spec({"name": {"type": "string", "maxLength": 10}}))
    thing = response_model(api, "Thing")
    assert model_field(thing, "name").type == STR
    (operation,) = api.operations
    (param,) = operation.path_params
    assert param.type == ir.Primitive("str", (max_len(5000),))


def test_nullable_becomes_nullable() -> None:
    api = lower(
        _response_spec(
            {
                "email": {"type": "string", "nullable": True},
                "kind": {"type": "string", "enum": ["a", "b"], "nullable": True},
            }
        )
    )
    thing = response_model(api, "Thing")
    assert model_field(thing, "email").type == ir.Nullable(STR)
    assert model_field(thing, "kind").type == ir.Nullable(
        ir.LiteralType(("a", "b"), open=True)
    )


def test_nullable_any_of_single_ref() -> None:
    api = lower(
        _response_spec(
            {"other": {"anyOf": [ref("other")], "nullable": True}},
            other=tagged("other"),
        )
    )
    thing = response_model(api, "Thing")
    assert model_field(thing, "other").type == ir.Nullable(ir.ModelRef("Other"))


def test_expandable_field_is_string_or_model() -> None:
    api = lower(
        _response_spec(
            {
                "customer": {
                    "anyOf": [{"type": "string", "maxLength": 5000}, ref("customer")],
                    "nullable": True,
                    "x-expansionResources": {"oneOf": [ref("customer")]},
                }
            },
            customer=tagged("customer"),
        )
    )
    thing = response_model(api, "Thing")
    assert model_field(thing, "customer").type == ir.Nullable(
        ir.UnionType((STR, ir.ModelRef("Customer")))
    )
    assert response_model(api, "Customer").pointer == "/components/schemas/customer"


def test_additional_properties_map() -> None:
    api = lower(
        _response_spec(
            {
                "metadata": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                },
                "counts": {
                    "type": "object",
                    "additionalProperties": {"type": "integer"},
                },
                "anything": {"type": "object", "additionalProperties": True},
            }
        )
    )
    thing = response_model(api, "Thing")
    assert model_field(thing, "metadata").type == ir.MapType(STR)
    assert model_field(thing, "counts").type == ir.MapType(ir.Primitive("int"))
    assert model_field(thing, "anything").type == ir.MapType(ir.ANY)


def test_empty_object_component_is_an_empty_model() -> None:
    api = lower(
        _response_spec(
            {"settings": ref("empty_settings"), "bare": ref("bare")},
            empty_settings={"type": "object", "properties": {}},
            bare={"type": "object"},
        )
    )
    for name, wire in (("EmptySettings", "empty_settings"), ("Bare", "bare")):
        model = response_model(api, name)
        assert model.fields == ()
        assert model.pointer == f"/components/schemas/{wire}"
    thing = response_model(api, "Thing")
    assert model_field(thing, "settings").type == ir.ModelRef("EmptySettings")


def test_keyword_field_is_aliased() -> None:
    api = lower(_response_spec({"from": {"type": "string"}}))
    field = model_field(response_model(api, "Thing"), "from")
    assert field.name == "from_"
    assert field.aliased is True


def test_discriminated_union_of_tagged_components() -> None:
    api = lower(
        _response_spec(
            {"source": {"anyOf": [ref("card"), ref("bank_account")]}},
            card=tagged("card"),
            bank_account=tagged("bank_account"),
        ),
        profile="stripe",
    )
    source = model_field(response_model(api, "Thing"), "source")
    assert source.type == ir.UnionType(
        (ir.ModelRef("Card"), ir.ModelRef("BankAccount")), discriminator="object"
    )


def test_union_with_colliding_tags_is_not_discriminated() -> None:
    api = lower(
        _response_spec(
            {"source": {"oneOf": [ref("card"), ref("legacy_card")]}},
            card=tagged("card"),
            legacy_card=tagged("card"),
        ),
        profile="stripe",
    )
    source = model_field(response_model(api, "Thing"), "source")
    assert source.type == ir.UnionType(
        (ir.ModelRef("Card"), ir.ModelRef("LegacyCard")), discriminator=None
    )


def test_untagged_member_stays_outside_the_tagged_union() -> None:
    untagged = {"type": "object", "properties": {"id": {"type": "string"}}}
    api = lower(
        _response_spec(
            {
                "source": {
                    "anyOf": [{"type": "string"}, ref("card"), ref("bank"), ref("misc")]
                }
            },
            card=tagged("card"),
            bank=tagged("bank_account"),
            misc=untagged,
        ),
        profile="stripe",
    )
    source = model_field(response_model(api, "Thing"), "source")
    assert source.type == ir.UnionType(
        (
            STR,
            ir.ModelRef("Misc"),
            ir.UnionType(
                (ir.ModelRef("Card"), ir.ModelRef("Bank")), discriminator="object"
            ),
        )
    )


def test_union_component_becomes_alias() -> None:
    spec = document(
        {
            "/v1/sources": {
                "get": {
                    "operationId": "GetSource",
                    "responses": json_response(ref("payment_source")),
                }
            }
        },
        {
            "payment_source": {
                "anyOf": [ref("card"), ref("bank_account")],
                "description": "A source.",
            },
            "card": tagged("card"),
            "bank_account": tagged("bank_account"),
        },
    )
    api = lower(spec, profile="stripe")
    (operation,) = api.operations
    assert operation.response.type == ir.ModelRef("PaymentSource")
    (alias,) = api.aliases
    assert alias.name == "PaymentSource"
    assert alias.doc == "A source."
    assert alias.type == ir.UnionType(
        (ir.ModelRef("Card"), ir.ModelRef("BankAccount")), discriminator="object"
    )
    assert [m.name for m in api.models] == ["BankAccount", "Card"]


# --- errors with JSON pointers -------------------------------------------------------------


def test_missing_ref_target_reports_pointer_of_the_reference() -> None:
    spec = _response_spec({"owner": ref("persn")}, person=tagged("person"))
    with pytest.raises(CodegenError) as caught:
        lower(spec)
    error = caught.value
    assert error.message == "$ref target '#/components/schemas/persn' does not exist"
    assert error.pointer == "/components/schemas/thing/properties/owner"
    assert error.hint == "did you mean: person"


def test_missing_ref_in_response_schema() -> None:
    spec = document(
        {
            "/v1/x": {
                "get": {"operationId": "GetX", "responses": json_response(ref("x"))}
            }
        },
        {},
    )
    with pytest.raises(CodegenError) as caught:
        lower(spec)
    assert caught.value.pointer == (
        "/paths/~1v1~1x/get/responses/200/content/application~1json/schema"
    )
    assert caught.value.hint == "add the schema to components"


def test_undeclared_path_parameter_is_an_error() -> None:
    spec = document(
        {
            "/v1/things/{thing}": {
                "get": {
                    "operationId": "GetThing",
                    "responses": json_response({"type": "string"}),
                }
            }
        }
    )
    with pytest.raises(CodegenError) as caught:
        lower(spec)
    assert caught.value.message == (
        "path template names {thing} but no path parameter 'thing' is declared"
    )
    assert caught.value.pointer == "/paths/~1v1~1things~1{thing}/get"


def test_duplicate_operation_ids_are_an_error() -> None:
    ok = json_response({"type": "string"})
    spec = document(
        {
            "/v1/a": {"get": {"operationId": "Same", "responses": ok}},
            "/v1/b": {"get": {"operationId": "Same", "responses": ok}},
        }
    )
    with pytest.raises(CodegenError) as caught:
        lower(spec)
    assert caught.value.pointer == "/paths/~1v1~1b/get/operationId"


def test_operation_without_2xx_is_an_error() -> None:
    spec = document(
        {
            "/v1/a": {
                "get": {
                    "operationId": "GetA",
                    "responses": {"400": {"description": "error"}},
                }
            }
        }
    )
    with pytest.raises(CodegenError, match="no 2xx response") as caught:
        lower(spec, profile="stripe")  # a generic spec's call returns None
    assert caught.value.pointer == "/paths/~1v1~1a/get/responses"


# --- query parameters ----------------------------------------------------------------------


def _list_spec(*, page_token: bool = False, item_id: Any = None) -> dict[str, Any]:
    if page_token:
        parameters = [
            {
                "name": "query",
                "in": "query",
                "required": True,
                "schema": {"type": "string"},
            },
            {"name": "page", "in": "query", "schema": {"type": "string"}},
            {"name": "limit", "in": "query", "schema": {"type": "integer"}},
        ]
        page_fields: dict[str, Any] = {
            "next_page": {"type": "string", "nullable": True}
        }
    else:
        parameters = [
            {"name": "limit", "in": "query", "schema": {"type": "integer"}},
            {"name": "starting_after", "in": "query", "schema": {"type": "string"}},
            {"name": "ending_before", "in": "query", "schema": {"type": "string"}},
            {
                "name": "expand",
                "in": "query",
                "style": "deepObject",
                "explode": True,
                "schema": {"type": "array", "items": {"type": "string"}},
            },
            {
                "name": "created",
                "in": "query",
                "style": "deepObject",
                "schema": {
                    "anyOf": [
                        {
                            "type": "object",
                            "title": "range_query_specs",
                            "properties": {"gt": {"type": "integer"}},
                        },
                        {"type": "integer"},
                    ]
                },
            },
        ]
        page_fields = {"url": {"type": "string"}}
    customer = tagged("customer")
    if item_id is not None:
        customer["properties"]["id"] = item_id
    return document(
        {
            "/v1/customers": {
                "get": {
                    "operationId": "GetCustomers",
                    "parameters": parameters,
                    "responses": json_response(
                        {
                            "type": "object",
                            "title": "CustomerList",
                            "required": ["data", "has_more"],
                            "properties": {
                                "data": {"type": "array", "items": ref("customer")},
                                "has_more": {"type": "boolean"},
                                **page_fields,
                            },
                        }
                    ),
                }
            }
        },
        {"customer": customer},
    )


def test_query_parameters_become_query_model_with_styles() -> None:
    api = lower(_list_spec())
    (operation,) = api.operations
    query = operation.query
    assert query is not None
    assert query.model == "CustomersListParams"
    assert query.media_type == "query"
    assert query.required is False
    assert query.arguments == (
        "limit",
        "starting_after",
        "ending_before",
        "expand",
        "created",
    )
    assert query.styles == (
        ("limit", "form"),
        ("starting_after", "form"),
        ("ending_before", "form"),
        ("expand", "deepObject"),
        ("created", "deepObject"),
    )
    model = request_model(api, "CustomersListParams")
    assert model.closed is True
    assert model.request is True
    assert model.doc == "Query parameters of ``GET /v1/customers``."
    assert model_field(model, "expand").type == ir.ListType(STR)
    assert model_field(model, "created").type == ir.UnionType(
        (ir.ModelRef("RangeQuerySpecs"), ir.Primitive("int"))
    )
    assert [m.name for g in api.groups for m in g.request_models] == [
        "CustomersListParams",
        "RangeQuerySpecs",
    ]


def test_required_query_parameter_makes_payload_required() -> None:
    api = lower(_list_spec(page_token=True))
    (operation,) = api.operations
    assert operation.query is not None
    assert operation.query.required is True


def test_cursor_pagination() -> None:
    api = lower(_list_spec())
    (operation,) = api.operations
    assert operation.call == "customers.list"
    assert operation.pagination == ir.Pagination(
        kind="cursor", item=ir.ModelRef("Customer")
    )


def test_search_pagination() -> None:
    api = lower(_list_spec(page_token=True))
    (operation,) = api.operations
    assert operation.pagination == ir.Pagination(
        kind="search", item=ir.ModelRef("Customer")
    )


def test_no_cursor_pagination_when_items_have_no_string_id() -> None:
    api = lower(_list_spec(item_id={"type": "integer"}))
    (operation,) = api.operations
    assert operation.pagination is None


def test_no_pagination_for_post() -> None:
    spec = _list_spec()
    path = spec["paths"]["/v1/customers"]
    path["post"] = copy.deepcopy(path.pop("get"))
    path["post"]["operationId"] = "PostCustomers"
    (operation,) = lower(spec).operations
    assert operation.pagination is None


# --- operations, groups, servers -----------------------------------------------------------


def test_method_names_are_per_resource_across_groups() -> None:
    ok = json_response({"type": "string"})
    spec = document(
        {
            "/v1/alpha/x": {"get": {"operationId": "get_foo", "responses": ok}},
            "/v1/beta/x": {"get": {"operationId": "GetFoo", "responses": ok}},
        }
    )
    api = lower(spec)
    names = {
        op.operation_id: (op.name, op.resource, op.resource[0]) for op in api.operations
    }
    # one name in two resources: no clash, so no fallback
    assert names == {
        "get_foo": ("retrieve", ("alpha", "x"), "alpha"),
        "GetFoo": ("retrieve", ("beta", "x"), "beta"),
    }
    assert {op.naming_rule for op in api.operations} == {"path"}


def test_method_names_unique_when_fallbacks_meet() -> None:
    ok = json_response({"type": "string"})
    # two versions of one path: the same call, and operation IDs of one snake case
    spec = document(
        {
            "/v1/alpha/x": {"get": {"operationId": "get_foo", "responses": ok}},
            "/v2/alpha/x": {"get": {"operationId": "GetFoo", "responses": ok}},
        }
    )
    api = lower(spec)
    names = {op.operation_id: op.call for op in api.operations}
    assert len(set(names.values())) == 2
    assert names == {"get_foo": "alpha.x.get_foo", "GetFoo": "alpha.x.get_foo_2"}


def test_group_classes_end_in_resource_even_next_to_models() -> None:
    spec = document(
        {
            "/v1/customers": {
                "get": {
                    "operationId": "GetCustomers",
                    "responses": json_response(ref("customers")),
                }
            },
            "/v1/checkout/sessions": {
                "get": {
                    "operationId": "GetCheckoutSessions",
                    "responses": json_response({"type": "string"}),
                }
            },
        },
        {"customers": tagged("customers")},
    )
    api = lower(spec)
    assert [(g.name, g.class_name, g.attribute) for g in api.groups] == [
        ("checkout", "CheckoutResource", "checkout"),
        ("customers", "CustomersResource", "customers"),
    ]
    assert [m.name for m in api.models] == ["Customers"]


def test_group_named_like_client_attribute_is_renamed() -> None:
    spec = document(
        {
            "/v1/close": {
                "post": {
                    "operationId": "PostClose",
                    "responses": json_response({"type": "string"}),
                }
            }
        }
    )
    (group,) = lower(spec).groups
    assert group.name == "close_"
    assert group.attribute == "close_"


def test_binary_response_has_no_type() -> None:
    spec = document(
        {
            "/v1/quotes/{quote}/pdf": {
                "get": {
                    "operationId": "GetQuotesQuotePdf",
                    "parameters": [
                        {
                            "name": "quote",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The PDF.",
                            "content": {
                                "application/pdf": {
                                    "schema": {"type": "string", "format": "binary"}
                                }
                            },
                        }
                    },
                }
            }
        }
    )
    (operation,) = lower(spec).operations
    assert operation.response.type is None
    assert operation.response.binary is True
    assert operation.response.media_type == "application/pdf"
    assert operation.response.doc == "The PDF."
    assert operation.path_params == (ir.Parameter("quote", "quote", STR, ""),)


def test_per_operation_server_and_base_url() -> None:
    ok = json_response({"type": "string"})
    spec = document(
        {
            "/v1/files": {
                "post": {
                    "operationId": "PostFiles",
                    "servers": [{"url": "https://files.example.com/"}],
                    "responses": ok,
                },
                "get": {"operationId": "GetFiles", "responses": ok},
            }
        },
        servers=[{"url": "https://api.example.com/"}],
    )
    api = lower(spec)
    assert api.base_url == "https://api.example.com"
    servers = {op.operation_id: op.server for op in api.operations}
    assert servers == {"GetFiles": None, "PostFiles": "https://files.example.com"}


def test_default_response_becomes_error_model() -> None:
    spec = document(
        {
            "/v1/things": {
                "get": {
                    "operationId": "GetThings",
                    "responses": {
                        **json_response({"type": "string"}),
                        "default": {
                            "description": "Error",
                            "content": {"application/json": {"schema": ref("error")}},
                        },
                    },
                }
            }
        },
        {
            "error": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": ref("api_errors")},
            },
            "api_errors": {
                "type": "object",
                "properties": {"message": {"type": "string"}},
            },
        },
    )
    api = lower(spec)
    (operation,) = api.operations
    assert operation.error == ir.ModelRef("Error")
    assert api.error_model == "Error"
    assert [m.name for m in api.models] == ["ApiErrors", "Error"]


def test_api_metadata() -> None:
    spec = document(
        {
            "/v1/x": {
                "get": {
                    "operationId": "GetX",
                    "responses": json_response({"type": "string"}),
                }
            }
        }
    )
    api = lower(spec)
    assert api.title == "Test API"
    assert api.api_version == "2024-01-01"
    assert api.spec_sha256 == SHA
    assert api.base_url == "https://api.stripe.com"


def test_missing_operation_id_is_synthesised() -> None:
    spec = document(
        {"/v1/things": {"get": {"responses": json_response({"type": "string"})}}}
    )
    (operation,) = lower(spec).operations
    assert operation.operation_id == "GetV1Things"
    # the call comes from the path, whatever the ID
    assert (operation.resource, operation.name) == (("things",), "retrieve")


# --- nesting limits ----------------------------------------------------------------------------


def nested_objects(depth: int, leaf: dict[str, Any]) -> dict[str, Any]:
    schema = leaf
    for level in reversed(range(depth)):
        schema = {"type": "object", "properties": {f"level{level}": schema}}
    return schema


def nested_arrays(depth: int, leaf: dict[str, Any], **extra: Any) -> dict[str, Any]:
    schema = leaf
    for _ in range(depth):
        schema = {"type": "array", "items": schema, **extra}
    return schema


def get_spec(schema: dict[str, Any], schemas: Optional[dict[str, Any]] = None) -> Any:
    return document(
        {"/v1/x": {"get": {"operationId": "GetX", "responses": json_response(schema)}}},
        schemas,
    )


def type_depth(expr: ir.TypeExpr) -> int:
    if isinstance(expr, ir.ListType):
        return 1 + type_depth(expr.item)
    if isinstance(expr, ir.Nullable):
        return 1 + type_depth(expr.inner)
    return 0


def test_objects_nested_200_deep_lower_and_deeper_are_refused() -> None:
    """Each object in place is a class of its own: its fields' annotations start anew.
    The component and 200 objects in place below it lower; one more is refused."""
    deep = nested_objects(201, {"type": "string"})
    api = lower(get_spec(ref("Deep"), {"Deep": deep}))
    assert len(api.models) == 201
    assert all(len(m.name) <= 64 for m in api.models)
    deeper = nested_objects(202, {"type": "string"})
    with pytest.raises(CodegenError, match="objects nested deeper than 200") as info:
        lower(get_spec(ref("Deep"), {"Deep": deeper}))
    # The fields of the 201st object in place below the component.
    expected = "/components/schemas/Deep" + "".join(
        f"/properties/level{n}" for n in range(201)
    )
    assert info.value.pointer == expected
    assert "$ref" in (info.value.hint or "")


def test_arrays_nested_200_deep_are_refused_with_their_pointer() -> None:
    spec = get_spec(nested_arrays(200, {"type": "string"}))
    with pytest.raises(CodegenError, match="nested deeper than 64 levels") as info:
        lower(spec)
    assert info.value.pointer == (
        "/paths/~1v1~1x/get/responses/200/content/application~1json/schema"
        + "/items" * 64
    )


@pytest.mark.parametrize("keyword", ["anyOf", "additionalProperties"])
def test_other_nesting_counts_too(keyword: str) -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(100):
        schema = (
            {"anyOf": [schema, {"type": "integer"}]}
            if keyword == "anyOf"
            else {"type": "object", "additionalProperties": schema}
        )
    with pytest.raises(CodegenError, match="nested deeper than 64 levels"):
        lower(get_spec(schema))


def test_nesting_up_to_the_limit_lowers() -> None:
    # 63 arrays and their string: 64 schemas inside each other.
    api = lower(get_spec(nested_arrays(63, {"type": "string"}, nullable=True)))
    (operation,) = api.operations
    assert operation.response.type is not None
    assert type_depth(operation.response.type) == 126  # Optional[list[...]] 63 times
    with pytest.raises(CodegenError, match="nested deeper than 64 levels"):
        lower(get_spec(nested_arrays(64, {"type": "string"})))
    # Objects are classes of their own: 64 below the component are no limit.
    api = lower(get_spec(ref("Deep"), {"Deep": nested_objects(65, {"type": "string"})}))
    assert len(api.models) == 65


def test_a_ref_starts_a_new_count() -> None:
    """Deep nesting split into components is fine: each component is its own class."""
    schemas = {
        f"Part{n}": nested_objects(
            40, ref(f"Part{n + 1}") if n < 4 else {"type": "string"}
        )
        for n in range(5)
    }
    api = lower(get_spec(ref("Part0"), schemas))
    assert len(api.models) == 5 * 40  # each: the component and 39 inline levels


def test_a_long_chain_of_components_lowers_without_exhausting_the_stack() -> None:
    count = 250  # the limit is 256 levels
    schemas = {
        f"C{n}": {"type": "object", "properties": {"next": ref(f"C{n + 1}")}}
        for n in range(count)
    }
    schemas[f"C{count}"] = {"type": "object", "properties": {"id": {"type": "string"}}}
    api = lower(get_spec(ref("C0"), schemas))
    assert len(api.models) == count + 1


def test_a_chain_of_components_past_the_limit_is_refused() -> None:
    count = 300
    schemas = {
        f"C{n}": {"type": "object", "properties": {"next": ref(f"C{n + 1}")}}
        for n in range(count)
    }
    schemas[f"C{count}"] = {"type": "object"}
    with pytest.raises(CodegenError, match="deeper than 256 levels") as info:
        lower(get_spec(ref("C0"), schemas))
    assert "C0 -> C1 -> C2 -> ..." in info.value.message
    assert (info.value.pointer or "").startswith("/components/schemas/C")


def test_an_allof_cycle_is_refused() -> None:
    schemas = {
        "A": {
            "allOf": [
                ref("B"),
                {"type": "object", "properties": {"a": {"type": "string"}}},
            ]
        },
        "B": {"allOf": [ref("A"), {"type": "object"}]},
    }
    with pytest.raises(CodegenError, match="allOf cycle") as info:
        lower(get_spec(ref("A"), schemas))
    assert info.value.pointer == "/components/schemas/B/allOf/0"


def test_allof_nested_past_the_limit_is_refused() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {"id": {"type": "string"}},
    }
    for n in range(100):
        schema = {
            "allOf": [
                schema,
                {"type": "object", "properties": {f"p{n}": {"type": "string"}}},
            ]
        }
    with pytest.raises(CodegenError, match="allOf nested deeper than 64 levels"):
        lower(get_spec(schema))


def test_path_parameters_follow_the_url_not_the_spec_order() -> None:
    """Stripe lists `id` before `transfer`; called positionally in URL order, the request must
    go to /v1/transfers/{transfer}/reversals/{id}, never the other way round."""
    path = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    parent = {**path, "name": "transfer"}
    spec = document(
        {
            "/v1/transfers/{transfer}/reversals/{id}": {
                "get": {
                    "operationId": "GetTransfersTransferReversalsId",
                    "parameters": [path, parent],
                    "responses": json_response({"type": "string"}),
                }
            }
        }
    )
    (operation,) = lower(spec).operations
    assert [p.wire_name for p in operation.path_params] == ["transfer", "id"]

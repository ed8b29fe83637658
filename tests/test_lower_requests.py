"""Lowering the request side of any OpenAPI spec (issue 14, items 1 and 2): request bodies
of every media type, parameters in every location and style, and what is refused."""

from __future__ import annotations

from typing import Any, Optional

import pytest

from generator import ir
from generator.errors import CodegenError
from generator.lower import Selection, lower_document
from generator.spec import parse_document

OK = {
    "200": {
        "description": "ok",
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"ok": {"type": "boolean"}}}
            }
        },
    }
}


def spec_of(
    operation: dict[str, Any],
    *,
    path: str = "/things",
    method: str = "post",
    components: Optional[dict[str, Any]] = None,
    item: Optional[dict[str, Any]] = None,
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "Things", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": {
            path: {
                **(item or {}),
                method: {"operationId": "op", **operation, "responses": OK},
            }
        },
    }
    if components:
        spec["components"] = components
    return spec


def lower_one(spec: dict[str, Any]) -> ir.Operation:
    api = lower_document(
        parse_document(spec), Selection(all=True), spec_sha256="0" * 64
    )
    (operation,) = api.operations
    return operation


def refused(spec: dict[str, Any]) -> CodegenError:
    with pytest.raises(CodegenError) as caught:
        lower_document(parse_document(spec), Selection(all=True), spec_sha256="0" * 64)
    return caught.value


def body_of(content: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"requestBody": {"required": required, "content": content}}


OBJECT = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "size": {"type": "integer"}},
}


# --- bodies -------------------------------------------------------------------------------


def test_json_object_body_is_keyword_arguments() -> None:
    body = lower_one(spec_of(body_of({"application/json": {"schema": OBJECT}}))).body
    assert body is not None
    assert (body.kind, body.whole, body.media_type) == (
        "json",
        False,
        "application/json",
    )
    assert body.arguments == ("name", "size")
    assert [f.required for f in body.fields] == [True, False]
    assert body.content_types == ()


@pytest.mark.parametrize(
    ("schema", "annotation"),
    [
        ({"type": "array", "items": {"type": "string"}}, "list[str]"),
        ({"type": "string"}, "str"),
        (
            {"type": "object", "additionalProperties": {"type": "integer"}},
            "dict[str, int]",
        ),
        ({"type": "object"}, "dict[str, Any]"),
        ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, "Union[str, int]"),
    ],
)
def test_json_body_that_is_no_object_is_one_argument(
    schema: dict[str, Any], annotation: str
) -> None:
    body = lower_one(spec_of(body_of({"application/json": {"schema": schema}}))).body
    assert body is not None and body.whole
    assert body.arguments == ("body",)
    assert body.fields[0].type.annotation() == annotation


def test_plus_json_media_type_is_json() -> None:
    content = {"application/vnd.api+json": {"schema": OBJECT}}
    body = lower_one(spec_of(body_of(content))).body
    assert body is not None and body.kind == "json"
    assert body.media_type == "application/vnd.api+json"


@pytest.mark.parametrize(
    ("media_type", "expected", "kind"),
    [
        ("text/plain", "str", "text"),
        ("application/xml", "str", "text"),
        ("application/octet-stream", "bytes", "binary"),
        ("image/png", "bytes", "binary"),
    ],
)
def test_text_and_binary_bodies(media_type: str, expected: str, kind: str) -> None:
    content = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    body = lower_one(spec_of(body_of(content, required=False))).body
    assert body is not None and body.whole and body.kind == kind
    assert body.fields[0].type.annotation() == expected
    assert body.model == ""  # sent as given, no ParamsType
    assert not body.required


def test_json_is_the_default_and_the_same_schema_may_be_chosen() -> None:
    ref = {"$ref": "#/components/schemas/Thing"}
    content = {
        "application/xml": {"schema": ref},
        "multipart/form-data": {"schema": ref},
        "application/x-www-form-urlencoded": {"schema": ref},
        "application/json": {"schema": ref},
        "text/plain": {"schema": {"type": "string"}},
    }
    spec = spec_of(body_of(content), components={"schemas": {"Thing": OBJECT}})
    body = lower_one(spec).body
    assert body is not None
    assert body.media_type == "application/json"
    assert body.content_types == (
        "application/json",
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    )
    assert body.unoffered == ("application/xml", "text/plain")
    assert body.content_type_argument == "content_type"


def test_content_type_argument_gives_way_to_nothing() -> None:
    """A body field ``content_type`` is renamed, the option keeps its name."""
    schema = {"type": "object", "properties": {"content_type": {"type": "string"}}}
    content = {
        "application/json": {"schema": schema},
        "application/x-www-form-urlencoded": {"schema": schema},
    }
    body = lower_one(spec_of(body_of(content))).body
    assert body is not None
    assert body.content_type_argument == "content_type"
    assert body.arguments == ("content_type_2",)


def test_binary_media_types_are_a_choice() -> None:
    binary = {"schema": {"type": "string", "format": "binary"}}
    body = lower_one(spec_of(body_of({"image/png": binary, "image/jpeg": binary}))).body
    assert body is not None
    assert body.content_types == ("image/png", "image/jpeg")


def test_request_body_ref_resolves() -> None:
    components = {
        "requestBodies": {
            "Thing": {"content": {"application/json": {"schema": OBJECT}}}
        }
    }
    spec = spec_of(
        {"requestBody": {"$ref": "#/components/requestBodies/Thing"}},
        components=components,
    )
    body = lower_one(spec).body
    assert body is not None and body.arguments == ("name", "size")


def test_components_inside_a_request_are_request_classes() -> None:
    """A component a body reaches is a ``TypedDict`` of its own (``CategoryParam``), one for
    every place that sends it, itself included; a response still parses into ``Category``;
    a component that is a union is lowered in place, its objects request classes too."""
    components = {
        "schemas": {
            "Category": {
                "type": "object",
                "properties": {"id": {"type": "integer"}},
            },
            "Pet": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "category": {"$ref": "#/components/schemas/Category"},
                    "friends": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Pet"},
                    },
                    "owner": {"$ref": "#/components/schemas/Owner"},
                },
            },
            "Owner": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Category"},
                    {"type": "string"},
                ]
            },
        }
    }
    spec = spec_of(
        body_of({"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}),
        components=components,
    )
    spec["paths"]["/things"]["post"]["responses"] = {
        "200": {
            "description": "the pet's category",
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/Category"}
                }
            },
        }
    }
    api = lower_document(
        parse_document(spec), Selection(all=True), spec_sha256="0" * 64
    )
    (operation,) = api.operations
    body = operation.body
    assert body is not None
    types = {f.wire_name: f.type for f in body.fields}
    assert types["category"] == ir.ModelRef("CategoryParam")
    assert types["friends"] == ir.ListType(ir.ModelRef("PetParam"))
    assert types["owner"] == ir.UnionType(
        (ir.ModelRef("CategoryParam"), ir.Primitive("str"))
    )
    (group,) = api.groups
    requests = {m.name: m for m in group.request_models}
    assert {"CategoryParam", "PetParam"} <= set(requests)
    pet = requests["PetParam"]
    assert pet.request and pet.doc == "``Pet``, as a request sends it."
    assert {f.wire_name: f.type for f in pet.fields}["friends"] == ir.ListType(
        ir.ModelRef("PetParam")
    )
    assert operation.response.type == ir.ModelRef("Category")
    assert "Category" in {m.name for m in api.models}
    assert "Pet" not in {m.name for m in api.models}  # no response reaches it


def test_a_discriminated_union_in_a_request_tags_its_request_classes() -> None:
    """The members of a union with a ``discriminator`` get their tag as a ``Literal`` on the
    request side too: pydantic tells TypedDicts apart only by a Literal field."""
    member = {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"type": "string"}},
    }
    components = {
        "schemas": {
            "Animal": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Cat"},
                    {"$ref": "#/components/schemas/Lizard"},
                ],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {"cat": "#/components/schemas/Cat"},
                },
            },
            "Cat": member,
            "Lizard": member,
        }
    }
    body = {
        "type": "object",
        "properties": {"animal": {"$ref": "#/components/schemas/Animal"}},
    }
    spec = spec_of(
        body_of({"application/json": {"schema": body}}), components=components
    )
    api = lower_document(
        parse_document(spec), Selection(all=True), spec_sha256="0" * 64
    )
    (group,) = api.groups
    requests = {m.name: m for m in group.request_models}
    kinds = {
        name: next(f.type for f in requests[name].fields if f.wire_name == "kind")
        for name in ("CatParam", "LizardParam")
    }
    assert kinds == {
        "CatParam": ir.LiteralType(("cat",)),
        "LizardParam": ir.LiteralType(("Lizard",)),  # the component name, by default
    }
    (operation,) = api.operations
    assert operation.body is not None
    (animal,) = operation.body.fields
    assert animal.type == ir.UnionType(
        (ir.ModelRef("CatParam"), ir.ModelRef("LizardParam")), discriminator="kind"
    )


def test_read_only_properties_are_not_sent_and_write_only_ones_not_expected() -> None:
    """OpenAPI 3.0: a ``readOnly`` property SHOULD NOT be sent (its ``required`` is for
    responses), a ``writeOnly`` one is required of requests only."""
    user = {
        "type": "object",
        "required": ["id", "password", "name"],
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "password": {"type": "string", "writeOnly": True},
            "name": {"type": "string"},
            "manager": {"$ref": "#/components/schemas/User"},
        },
    }
    spec = spec_of(
        body_of(
            {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}
        ),
        components={"schemas": {"User": user}},
    )
    spec["paths"]["/things"]["post"]["responses"] = {
        "200": {
            "description": "the user",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/User"}}
            },
        }
    }
    api = lower_document(
        parse_document(spec), Selection(all=True), spec_sha256="0" * 64
    )
    (operation,) = api.operations
    assert operation.body is not None
    sent = {f.wire_name: f.required for f in operation.body.fields}
    assert sent == {"password": True, "name": True, "manager": False}
    (group,) = api.groups
    (nested,) = [m for m in group.request_models if m.name == "UserParam"]
    assert [f.wire_name for f in nested.fields] == ["password", "name", "manager"]
    (model,) = [m for m in api.models if m.name == "User"]
    answered = {f.wire_name: f.required for f in model.fields}
    assert answered == {"id": True, "password": False, "name": True, "manager": False}
    # 3.1 dropped that rule: the two are annotations, a required property is required
    spec["openapi"] = "3.1.0"
    api = lower_document(
        parse_document(spec), Selection(all=True), spec_sha256="0" * 64
    )
    (operation,) = api.operations
    assert operation.body is not None
    assert [f.wire_name for f in operation.body.fields if f.required] == [
        "id",
        "password",
        "name",
    ]


def test_request_body_ref_to_nothing_is_refused() -> None:
    components = {"requestBodies": {"Thing": {"content": {"application/json": {}}}}}
    spec = spec_of(
        {"requestBody": {"$ref": "#/components/requestBodies/Thin"}},
        components=components,
    )
    error = refused(spec)
    assert error.pointer == "/paths/~1things/post/requestBody"
    assert "Thing" in (error.hint or "")


def test_multipart_array_of_files_and_part_types() -> None:
    schema = {
        "type": "object",
        "properties": {
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
            "one": {"type": "string", "contentMediaType": "image/png"},
            "meta": {"type": "object", "properties": {"a": {"type": "integer"}}},
        },
    }
    content = {
        "multipart/form-data": {
            "schema": schema,
            "encoding": {"meta": {"contentType": "application/json"}},
        }
    }
    body = lower_one(spec_of(body_of(content))).body
    assert body is not None
    types = {f.wire_name: f.type.annotation() for f in body.fields}
    assert types["files"] == "list[bytes]"
    assert types["one"] == "bytes"
    assert body.part_types == (("meta", "application/json"),)


def test_generic_multipart_objects_are_json_parts() -> None:
    """OpenAPI's default content type of an object part is application/json."""
    schema = {
        "type": "object",
        "properties": {
            "meta": {"type": "object", "properties": {"a": {"type": "integer"}}},
            "items": {
                "type": "array",
                "items": {"type": "object", "properties": {"b": {"type": "string"}}},
            },
            "tags": {"type": "array", "items": {"type": "string"}},
            "text": {"type": "string"},
        },
    }
    body = lower_one(spec_of(body_of({"multipart/form-data": {"schema": schema}}))).body
    assert body is not None
    assert body.part_types == (
        ("meta", "application/json"),
        ("items", "application/json"),
    )


def test_free_form_form_body_is_refused() -> None:
    schema = {"type": "object", "additionalProperties": {"type": "string"}}
    error = refused(
        spec_of(body_of({"application/x-www-form-urlencoded": {"schema": schema}}))
    )
    assert error.pointer == (
        "/paths/~1things/post/requestBody/content/"
        "application~1x-www-form-urlencoded/schema"
    )


def test_form_body_of_an_array_is_refused() -> None:
    schema = {"type": "array", "items": {"type": "string"}}
    error = refused(
        spec_of(body_of({"application/x-www-form-urlencoded": {"schema": schema}}))
    )
    assert "must be an object" in error.message


# --- parameters -----------------------------------------------------------------------------


def param(
    name: str, where: str, schema: Optional[dict[str, Any]] = None, **extra: Any
) -> dict[str, Any]:
    return {"name": name, "in": where, "schema": schema or {"type": "string"}, **extra}


def test_header_and_cookie_parameters_are_payloads() -> None:
    operation = lower_one(
        spec_of(
            {
                "parameters": [
                    param(
                        "X-Request-ID", "header", required=True, description="Trace."
                    ),
                    param(
                        "X-Tags",
                        "header",
                        {"type": "array", "items": {"type": "string"}},
                        explode=True,
                    ),
                    param("session", "cookie"),
                    param("Accept", "header"),  # OpenAPI: ignored
                ]
            },
            method="get",
        )
    )
    assert operation.headers is not None and operation.cookies is not None
    assert operation.headers.media_type == "header"
    assert [f.wire_name for f in operation.headers.fields] == ["X-Request-ID", "X-Tags"]
    assert operation.headers.arguments == ("x_request_id", "x_tags")
    assert operation.headers.styles == (
        ("X-Request-ID", "simple"),
        ("X-Tags", "simpleExploded"),
    )
    assert operation.headers.required
    assert operation.cookies.arguments == ("session",)
    assert operation.cookies.styles == (("session", "form"),)


def test_names_never_collide_across_locations() -> None:
    operation = lower_one(
        spec_of(
            {
                "parameters": [
                    param("id", "query"),
                    param("id", "header"),
                    param("id", "cookie"),
                ]
            },
            method="get",
        )
    )
    names = [
        *operation.query.arguments,  # type: ignore[union-attr]
        *operation.headers.arguments,  # type: ignore[union-attr]
        *operation.cookies.arguments,  # type: ignore[union-attr]
    ]
    assert len(set(names)) == 3


@pytest.mark.parametrize(
    ("extra", "schema", "style"),
    [
        (
            {"style": "spaceDelimited"},
            {"type": "array", "items": {"type": "string"}},
            "spaceDelimited",
        ),
        (
            {"style": "pipeDelimited"},
            {"type": "array", "items": {"type": "string"}},
            "pipeDelimited",
        ),
        (
            {"style": "pipeDelimited", "explode": True},
            {"type": "array", "items": {"type": "string"}},
            "form",
        ),
        (
            {"style": "form", "explode": False},
            {"type": "array", "items": {"type": "string"}},
            "formUnexploded",
        ),
        ({}, {"type": "array", "items": {"type": "string"}}, "form"),
        (
            {"style": "deepObject", "explode": True},
            {"type": "object", "properties": {"a": {"type": "string"}}},
            "deepObject",
        ),
    ],
)
def test_query_styles(
    extra: dict[str, Any], schema: dict[str, Any], style: str
) -> None:
    operation = lower_one(
        spec_of({"parameters": [param("q", "query", schema, **extra)]}, method="get")
    )
    assert operation.query is not None
    assert operation.query.styles == (("q", style),)


def test_json_content_parameter() -> None:
    parameter = {
        "name": "where",
        "in": "query",
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"a": {"type": "integer"}}}
            }
        },
    }
    operation = lower_one(spec_of({"parameters": [parameter]}, method="get"))
    assert operation.query is not None
    assert operation.query.styles == (("where", "json"),)
    assert isinstance(operation.query.fields[0].type, ir.ModelRef)


@pytest.mark.parametrize(
    ("parameter", "pointer_end", "words"),
    [
        (param("q", "query", style="deepObject"), "/parameters/0/style", "deepObject"),
        (param("q", "query", style="simple"), "/parameters/0/style", "not allowed"),
        (param("X-A", "header", style="form"), "/parameters/0/style", "not allowed"),
        (
            param("c", "cookie", style="deepObject"),
            "/parameters/0/style",
            "not allowed",
        ),
    ],
)
def test_wrong_styles_are_refused(
    parameter: dict[str, Any], pointer_end: str, words: str
) -> None:
    error = refused(spec_of({"parameters": [parameter]}, method="get"))
    assert error.pointer == "/paths/~1things/get" + pointer_end
    assert words in error.message
    assert error.hint


def test_path_parameter_missing_from_the_template_is_refused() -> None:
    error = refused(
        spec_of({"parameters": [param("id", "path", required=True)]}, method="get")
    )
    assert error.pointer == "/paths/~1things/get/parameters/0"
    assert "{id}" in error.message


def test_path_parameters_keep_type_and_style() -> None:
    operation = lower_one(
        spec_of(
            {
                "parameters": [
                    param(
                        "id", "path", {"type": "integer"}, required=True, style="label"
                    ),
                    {"$ref": "#/components/parameters/Part"},
                ]
            },
            path="/things/{id}/{part}",
            method="get",
            components={
                "parameters": {
                    "Part": param(
                        "part", "path", required=True, style="matrix", explode=True
                    )
                }
            },
        )
    )
    first, second = operation.path_params
    assert (first.name, first.type.annotation(), first.style) == ("id", "int", "label")
    assert (second.wire_name, second.style) == ("part", "matrixExploded")


def test_path_item_servers_are_the_operation_server() -> None:
    item = {"servers": [{"url": "https://uploads.example.com/v1/"}]}
    operation = lower_one(spec_of({}, method="get", item=item))
    assert operation.server == "https://uploads.example.com/v1"


def test_operation_servers_win_over_the_path_item() -> None:
    item = {"servers": [{"url": "https://item.example.com"}]}
    spec = spec_of(
        {"servers": [{"url": "https://op.example.com"}]}, method="get", item=item
    )
    assert lower_one(spec).server == "https://op.example.com"

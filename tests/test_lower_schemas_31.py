"""Schemas of any OpenAPI 3.0/3.1 spec to IR (issue 14): the discriminator, nullable refs,
mixed enums, request constraints, 3.1's type arrays, ``const``, ``$defs``, ``prefixItems``,
``contentMediaType``, webhooks, long names and deep nesting."""

from __future__ import annotations

from typing import Any, Optional

import pytest
from openapi_pydantic.v3.v3_0 import Schema

from generator import ir, text
from generator.errors import CodegenError
from generator.lower import Selection, lower_document
from generator.lower import schemas
from generator.lower import schemas as schemas_module
from generator.lower.context import Context, Namespace
from generator.spec import parse_document

SHA = "cd" * 32
Json = dict[str, Any]


def ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def spec(
    response: Optional[Json] = None,
    schemas: Optional[Json] = None,
    *,
    body: Optional[Json] = None,
    version: str = "3.0.3",
    **top: Any,
) -> Json:
    """One operation ``GET /things`` answering ``response`` (or POST with a form body)."""
    operation: Json = {
        "operationId": "things",
        "responses": {
            "200": {
                "description": "ok",
                "content": {"application/json": {"schema": response or {}}},
            }
        },
    }
    method = "get"
    if body is not None:
        method = "post"
        operation["requestBody"] = {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": body}
                }
            }
        }
    document: Json = {
        "openapi": version,
        "info": {"title": "Things", "version": "1"},
        "servers": [{"url": "https://api.things.test"}],
        "paths": {"/things": {method: operation}},
        **top,
    }
    if schemas:
        document.setdefault("components", {})["schemas"] = schemas
    return document


def lower(document: Json) -> ir.Api:
    return lower_document(
        parse_document(document), Selection(all=True), spec_sha256=SHA
    )


def model(api: ir.Api, name: str) -> ir.Model:
    return next(m for m in api.models if m.name == name)


def field(found: ir.Model, wire: str) -> ir.Field:
    return next(f for f in found.fields if f.wire_name == wire)


def response_type(api: ir.Api) -> Optional[ir.TypeExpr]:
    (operation,) = api.operations
    return operation.response.type


def body_type(api: ir.Api, wire: str) -> ir.TypeExpr:
    (operation,) = api.operations
    assert operation.body is not None
    return next(f.type for f in operation.body.fields if f.wire_name == wire)


# --- the discriminator ---------------------------------------------------------------------

BASE = {
    "type": "object",
    "required": ["petType"],
    "properties": {"petType": {"type": "string"}, "name": {"type": "string"}},
}


def pets(discriminator: Json, *, with_base: bool = True) -> Json:
    def member(extra: str) -> Json:
        own = {"type": "object", "properties": {extra: {"type": "boolean"}}}
        return {"allOf": [ref("Base"), own]} if with_base else own

    return {
        "Pet": {
            "oneOf": [ref("Cat"), ref("Lizard")],
            "discriminator": discriminator,
        },
        "Base": BASE,
        "Cat": member("meows"),
        "Lizard": member("scales"),
    }


def test_a_discriminator_mapping_tags_each_member_with_its_values() -> None:
    mapping = {
        "cat": "#/components/schemas/Cat",
        "lizard": "#/components/schemas/Lizard",
    }
    api = lower(spec(ref("Pet"), pets({"propertyName": "petType", "mapping": mapping})))
    (alias,) = api.aliases
    assert alias.type == ir.UnionType(
        (ir.ModelRef("Cat"), ir.ModelRef("Lizard")), discriminator="pet_type"
    )
    tag = field(model(api, "Lizard"), "petType")
    assert tag.type == ir.LiteralType(("lizard",)) and tag.required
    assert field(model(api, "Cat"), "petType").type == ir.LiteralType(("cat",))
    assert alias.type.annotation() == (
        'Annotated[Union[Cat, Lizard], Field(discriminator="pet_type")]'
    )


def test_without_a_mapping_the_tag_is_the_component_name() -> None:
    api = lower(spec(ref("Pet"), pets({"propertyName": "petType"})))
    assert field(model(api, "Cat"), "petType").type == ir.LiteralType(("Cat",))


def test_a_member_without_the_tag_property_gets_it() -> None:
    api = lower(spec(ref("Pet"), pets({"propertyName": "kind"}, with_base=False)))
    tag = field(model(api, "Lizard"), "kind")
    assert tag.type == ir.LiteralType(("Lizard",))
    assert not tag.required  # the schema has no such property: outside the union none


def test_a_tag_the_member_leaves_optional_stays_optional() -> None:
    """A member model is a type of its own too: ``Owner.pet`` is a ``Cat`` outside the
    union, where the spec lets ``petType`` be missing (Scalar Galaxy's ``Planet.type``).
    """
    mapping = {
        "cat": "#/components/schemas/Cat",
        "lizard": "#/components/schemas/Lizard",
    }
    schemas = pets({"propertyName": "petType", "mapping": mapping}, with_base=False)
    for name in ("Cat", "Lizard"):
        schemas[name]["properties"]["petType"] = {"type": "string"}
    schemas["Owner"] = {"type": "object", "properties": {"pet": ref("Cat")}}
    response = {
        "type": "object",
        "properties": {"any": ref("Pet"), "owner": ref("Owner")},
    }
    api = lower(spec(response, schemas))
    tag = field(model(api, "Cat"), "petType")
    assert tag.type == ir.LiteralType(("cat",)) and not tag.required
    assert field(model(api, "Owner"), "pet").type == ir.ModelRef("Cat")
    union = next(a.type for a in api.aliases if a.name == "Pet")
    assert union == ir.UnionType(
        (ir.ModelRef("Cat"), ir.ModelRef("Lizard")),
        discriminator="pet_type",
        optional_tag="petType",
    )
    assert union.annotation() == (
        "Annotated[Union[Cat, Lizard], "
        'Field(json_schema_extra={"discriminator": {"propertyName": "petType"}})]'
    )


def test_a_declared_single_value_is_the_tag() -> None:
    schemas = pets({"propertyName": "petType"}, with_base=False)
    for name in ("Cat", "Lizard"):
        schemas[name]["properties"]["petType"] = {
            "type": "string",
            "enum": [name.lower() + "_kind"],
        }
    api = lower(spec(ref("Pet"), schemas))
    assert field(model(api, "Cat"), "petType").type == ir.LiteralType(("cat_kind",))


def test_members_sharing_a_tag_stay_a_plain_union() -> None:
    schemas = pets({"propertyName": "petType"}, with_base=False)
    for name in ("Cat", "Lizard"):
        schemas[name]["properties"]["petType"] = {"type": "string", "enum": ["same"]}
    api = lower(spec(ref("Pet"), schemas))
    assert all(
        not isinstance(a.type, ir.UnionType) or a.type.discriminator is None
        for a in api.aliases
    )


def inherited(discriminator: Json) -> Json:
    """``Pet`` carries the discriminator; ``Cat`` and ``Lizard`` extend it with ``allOf``
    (the inheritance style of springdoc and the OpenAPI Generator)."""
    base = {**BASE, "discriminator": discriminator}
    base["properties"] = {**BASE["properties"], "parent": ref("Pet")}
    return {
        "Pet": base,
        "Cat": {"allOf": [ref("Pet"), {"properties": {"meows": {"type": "boolean"}}}]},
        "Lizard": {
            "allOf": [ref("Pet"), {"properties": {"scales": {"type": "integer"}}}]
        },
    }


def test_a_base_with_a_discriminator_is_the_union_of_what_extends_it() -> None:
    api = lower(spec(ref("Pet"), inherited({"propertyName": "petType"})))
    (alias,) = api.aliases
    assert alias.name == "Pet" and response_type(api) == ir.ModelRef("Pet")
    assert alias.type == ir.UnionType(
        (ir.ModelRef("Cat"), ir.ModelRef("Lizard")), discriminator="pet_type"
    )
    lizard = model(api, "Lizard")
    assert field(lizard, "petType").type == ir.LiteralType(("Lizard",))
    assert field(lizard, "parent").type == ir.ModelRef("Pet")  # the union again
    assert "scales" in {f.wire_name for f in lizard.fields}


def test_a_base_mapping_may_name_subtypes_and_their_tags() -> None:
    mapping = {"cat": "#/components/schemas/Cat", "lizard": "Lizard"}
    schemas = inherited({"propertyName": "petType", "mapping": mapping})
    api = lower(spec(ref("Pet"), schemas))
    assert field(model(api, "Cat"), "petType").type == ir.LiteralType(("cat",))
    assert field(model(api, "Lizard"), "petType").type == ir.LiteralType(("lizard",))


def test_a_base_with_one_subtype_stays_a_model() -> None:
    schemas = inherited({"propertyName": "petType"})
    del schemas["Lizard"]
    api = lower(spec(ref("Pet"), schemas))
    assert api.aliases == () and model(api, "Pet").name == "Pet"


def test_a_base_sent_in_a_request_is_the_union_of_request_classes() -> None:
    api = lower(
        spec(body={"pet": ref("Pet")}, schemas=inherited({"propertyName": "petType"}))
    )
    assert body_type(api, "pet") == ir.UnionType(
        (ir.ModelRef("CatParam"), ir.ModelRef("LizardParam")), discriminator="pet_type"
    )


def test_the_generic_profile_ignores_stripes_object_tags() -> None:
    def tagged(tag: str) -> Json:
        return {
            "type": "object",
            "required": ["object"],
            "properties": {"object": {"type": "string", "enum": [tag]}},
        }

    schemas = {"A": tagged("a"), "B": tagged("b")}
    union = {"anyOf": [ref("A"), ref("B")]}
    generic = response_type(lower(spec(union, schemas)))
    assert generic == ir.UnionType((ir.ModelRef("A"), ir.ModelRef("B")))
    stripe = spec(union, schemas)
    stripe["servers"] = [{"url": "https://api.stripe.com"}]
    assert response_type(lower(stripe)) == ir.UnionType(
        (ir.ModelRef("A"), ir.ModelRef("B")), discriminator="object"
    )


# --- null -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schema",
    [
        {"$ref": "#/components/schemas/B", "nullable": True},
        {"allOf": [ref("B")], "nullable": True},
        {"oneOf": [ref("B"), {"type": "null"}]},
        {"anyOf": [ref("B"), {"enum": [None]}]},
    ],
    ids=["sibling", "allOf", "oneOf-null", "anyOf-enum-null"],
)
def test_a_nullable_reference_accepts_null(schema: Json) -> None:
    schemas = {"B": {"type": "object", "properties": {"x": {"type": "string"}}}}
    version = "3.1.0" if "oneOf" in schema else "3.0.3"  # type null is 3.1's
    document = spec(
        {"type": "object", "properties": {"b": schema}}, schemas, version=version
    )
    document["paths"]["/things"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]["required"] = ["b"]
    api = lower(document)
    (operation,) = api.operations
    assert isinstance(operation.response.type, ir.ModelRef)
    found = model(api, operation.response.type.name)
    assert field(found, "b").type == ir.Nullable(ir.ModelRef("B"))


# --- enums ----------------------------------------------------------------------------------


def test_a_float_enum_value_never_becomes_a_boolean() -> None:
    api = lower(spec(body={"level": {"enum": [True, 1.0, 1, "x", 2.5]}}))
    assert body_type(api, "level") == ir.UnionType(
        (
            ir.LiteralType(("x",)),
            ir.Primitive("bool"),
            ir.Primitive("int"),
            ir.Primitive("float"),
        )
    )


def test_literals_compare_by_type() -> None:
    assert ir.LiteralType((True,)) != ir.LiteralType((1,))
    assert len({ir.LiteralType((0,)), ir.LiteralType((False,))}) == 2


def test_enums_of_true_and_of_one_are_two_members() -> None:
    api = lower(spec(body={"v": {"anyOf": [{"enum": [True]}, {"enum": [1]}]}}))
    assert body_type(api, "v") == ir.UnionType(
        (ir.LiteralType((True,)), ir.LiteralType((1,)))
    )


# --- request constraints ----------------------------------------------------------------------


def keywords(expr: ir.TypeExpr) -> dict[str, Any]:
    assert isinstance(expr, ir.Primitive)
    return {c.keyword: c.value for c in expr.constraints}


def test_pattern_and_exclusive_bounds_are_kept_on_requests() -> None:
    api = lower(
        spec(
            body={
                "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
                "n30": {
                    "type": "integer",
                    "minimum": 0,
                    "exclusiveMinimum": True,
                    "maximum": 10,
                    "exclusiveMaximum": True,
                    "multipleOf": 2,
                },
            }
        )
    )
    assert keywords(body_type(api, "code")) == {"pattern": "^[A-Z]{3}$"}
    assert keywords(body_type(api, "n30")) == {"gt": 0, "lt": 10, "multiple_of": 2}


def test_31_exclusive_bounds_are_numbers() -> None:
    body = {"n": {"type": "number", "exclusiveMinimum": 1.5, "maximum": 9}}
    api = lower(spec(body=body, version="3.1.0"))
    assert keywords(body_type(api, "n")) == {"le": 9.0, "gt": 1.5}


def test_a_pattern_pydantic_cannot_compile_is_noted_not_enforced() -> None:
    body = {"code": {"type": "string", "pattern": "^(?=a)a+$"}}
    api = lower(spec(body=body))
    assert keywords(body_type(api, "code")) == {}
    ctx = Context.start(parse_document(spec()), "generic")
    request = ctx.request_side(Namespace(taken=set()))
    schema = Schema.model_validate(body["code"])
    expr = schemas.lower(request, schema, "/x", hint="X")
    assert keywords(expr) == {}
    assert ctx.found.notes == [
        "/x: pattern '^(?=a)a+$' is documented but not checked by the client "
        "(pydantic's regex engine has no look-around or backreferences)"
    ]


# --- OpenAPI 3.1 ----------------------------------------------------------------------------


def test_type_arrays_and_const() -> None:
    response = {
        "type": "object",
        "required": ["a", "b", "c"],
        "properties": {
            "a": {"type": ["string", "null"]},
            "b": {"type": ["string", "integer"]},
            "c": {"const": "fixed"},
        },
    }
    api = lower(spec(response, version="3.1.0"))
    returned = response_type(api)
    assert isinstance(returned, ir.ModelRef)
    found = model(api, returned.name)
    assert field(found, "a").type == ir.Nullable(ir.STR)
    assert field(found, "b").type == ir.UnionType((ir.STR, ir.Primitive("int")))
    assert field(found, "c").type == ir.LiteralType(("fixed",), open=True)


def test_defs_are_components_of_their_own() -> None:
    schemas = {
        "Order": {
            "type": "object",
            "properties": {
                "line": ref("Order/$defs/Line"),
                "lines": {"type": "array", "items": ref("Order/$defs/Line")},
            },
            "$defs": {
                "Line": {
                    "type": "object",
                    "properties": {"sku": {"type": "string"}},
                }
            },
        }
    }
    api = lower(spec(ref("Order"), schemas, version="3.1.0"))
    order = model(api, "Order")
    assert field(order, "line").type == ir.ModelRef("Line")
    assert field(order, "lines").type == ir.ListType(ir.ModelRef("Line"))
    assert [f.wire_name for f in model(api, "Line").fields] == ["sku"]


def test_prefix_items_are_a_list_of_their_types() -> None:
    response = {
        "type": "array",
        "prefixItems": [{"type": "string"}, {"type": "integer"}],
    }
    api = lower(spec(response, version="3.1.0"))
    assert response_type(api) == ir.ListType(
        ir.UnionType((ir.STR, ir.Primitive("int")))
    )


def test_webhooks_are_noted() -> None:
    webhooks = {"newThing": {"post": {"responses": {"200": {"description": "ok"}}}}}
    document = parse_document(spec({}, version="3.1.0", webhooks=webhooks))
    ctx = Context.start(document, "generic")
    assert ctx.found.notes == [
        "/webhooks: 1 webhook(s) not generated (newThing): the client calls the API; "
        "receiving its webhooks is up to your web framework"
    ]


# --- names and nesting ------------------------------------------------------------------------


def test_very_long_names_are_cut_to_short_identifiers() -> None:
    long_schema, long_property = "S" * 300, "p" * 300
    schemas = {
        long_schema: {
            "type": "object",
            "properties": {long_property: {"type": "string"}},
        }
    }
    api = lower(spec(ref(long_schema), schemas))
    (found,) = api.models
    assert len(found.name) <= 64 and found.name.isidentifier()
    (only,) = found.fields
    assert len(only.name) <= 64 and only.wire_name == long_property


def test_links_stay_relative_for_other_apis_and_go_to_stripe_for_stripe() -> None:
    schemas = {
        "A": {
            "type": "object",
            "description": "See [the guide](/docs/guide).",
            "properties": {"x": {"type": "string"}},
        }
    }
    assert model(lower(spec(ref("A"), schemas)), "A").doc == (
        "See [the guide](/docs/guide)."
    )
    docs = {"externalDocs": {"url": "https://docs.things.test/api/"}}
    assert model(lower(spec(ref("A"), schemas, **docs)), "A").doc == (
        "See [the guide](https://docs.things.test/docs/guide)."
    )
    stripe = spec(ref("A"), schemas)
    stripe["servers"] = [{"url": "https://api.stripe.com"}]
    assert model(lower(stripe), "A").doc == (
        "See [the guide](https://stripe.com/docs/guide)."
    )
    assert text.to_markdown("[a](/b)", base_url="") == "[a](/b)"


def test_an_unknown_defs_value_is_refused_with_its_pointer() -> None:
    schemas = {"Order": {"type": "object", "$defs": {"Line": 5}}}
    with pytest.raises(CodegenError) as caught:
        lower(spec(ref("Order"), schemas, version="3.1.0"))
    assert caught.value.pointer.startswith("/components/schemas/Order/$defs")


def test_examples_and_content_encoding_are_accepted() -> None:
    response = {
        "type": "object",
        "examples": [{"photo": "aGk="}],
        "properties": {
            "photo": {
                "type": "string",
                "contentEncoding": "base64",
                "contentMediaType": "image/png",
                "examples": ["aGk="],
            }
        },
    }
    api = lower(spec(response, version="3.1.0"))
    returned = response_type(api)
    assert isinstance(returned, ir.ModelRef)
    assert field(model(api, returned.name), "photo").type == ir.STR  # base64 text


def test_a_content_media_type_string_is_a_file_part() -> None:
    document = spec({}, version="3.1.0")
    operation = document["paths"]["/things"].pop("get")
    operation["requestBody"] = {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "photo": {"type": "string", "contentMediaType": "image/png"},
                        "note": {"type": "string"},
                    },
                }
            }
        }
    }
    document["paths"]["/things"]["post"] = operation
    (lowered,) = lower(document).operations
    assert lowered.body is not None
    types = {f.wire_name: f.type for f in lowered.body.fields}
    assert types == {"photo": ir.Primitive("bytes"), "note": ir.STR}


# --- required but never declared ------------------------------------------------------------


def test_a_required_property_the_schema_never_declares_is_an_any_field() -> None:
    """JSON Schema lets it hold anything, and it must be there (Figma's ``putWebhook`` body
    requires ``team_id`` without declaring it): a required field typed ``Any``."""
    schemas = {
        "Hook": {
            "type": "object",
            "required": ["endpoint", "team_id"],
            "properties": {"endpoint": {"type": "string"}},
        }
    }
    team = field(model(lower(spec(ref("Hook"), schemas)), "Hook"), "team_id")
    assert team.type == ir.ANY and team.required
    assert team.doc == schemas_module.UNDECLARED


def test_a_property_required_by_one_allof_member_and_declared_by_another_keeps_its_type() -> (
    None
):
    schemas = {
        "Base": {"type": "object", "properties": {"name": {"type": "string"}}},
        "Named": {"allOf": [ref("Base"), {"type": "object", "required": ["name"]}]},
    }
    name = field(model(lower(spec(ref("Named"), schemas)), "Named"), "name")
    assert name.type == ir.STR and name.required

"""Unit tests for generator.lower.oas: OpenAPI 3.0 and 3.1 objects read alike."""

from __future__ import annotations

from typing import Any

import pytest

from generator import ir
from generator.errors import CodegenError
from generator.lower import oas
from generator.spec import parse_document


def _parsed(version: str, schemas: dict[str, Any], **components: Any) -> Any:
    return parse_document(
        {
            "openapi": version,
            "info": {"title": "T", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas, **components},
        }
    )


def _schema(version: str, schema: dict[str, Any]) -> Any:
    return _parsed(version, {"S": schema}).components.schemas["S"]


@pytest.mark.parametrize(
    ("version", "schema"),
    [
        ("3.0.0", {"type": "string", "nullable": True}),
        ("3.1.0", {"type": ["string", "null"]}),
        ("3.0.0", {"type": "string", "enum": ["a", None]}),
    ],
)
def test_nullable_in_either_version(version: str, schema: dict[str, Any]) -> None:
    parsed = _schema(version, schema)
    assert oas.nullable(parsed)
    assert "string" in oas.types(parsed)


def test_types_and_enum_values() -> None:
    assert oas.types(_schema("3.0.0", {})) == []
    assert oas.enum_values(_schema("3.0.0", {"type": "string"})) is None
    assert oas.enum_values(_schema("3.0.0", {"enum": ["a", None, "b"]})) == ["a", "b"]
    assert oas.enum_values(_schema("3.1.0", {"const": "card"})) == ["card"]
    assert oas.unique_values([1, True, 1, "1", 1.0]) == [1, True, "1", 1.0]


def test_object_tag_needs_a_required_single_valued_object_enum() -> None:
    tagged = {
        "type": "object",
        "required": ["object"],
        "properties": {"object": {"type": "string", "enum": ["card"]}},
    }
    assert oas.object_tag(_schema("3.0.0", tagged)) == "card"
    assert oas.object_tag(_schema("3.0.0", {**tagged, "required": ["id"]})) is None
    two = {**tagged, "properties": {"object": {"enum": ["card", "bank"]}}}
    assert oas.object_tag(_schema("3.0.0", two)) is None


def test_constraints_become_pydantic_keywords() -> None:
    parsed = _schema("3.0.0", {"type": "string", "maxLength": 5, "minLength": 1})
    assert oas.constraints(parsed) == (
        ir.Constraint("max_length", 5, "max length 5"),
        ir.Constraint("min_length", 1, "min length 1"),
    )


@pytest.mark.parametrize(
    ("schema", "scalar", "model"),
    [
        ({"type": "string"}, True, False),
        ({"type": "object"}, False, True),
        ({"properties": {"a": {"type": "string"}}}, False, True),
        ({"type": "object", "additionalProperties": {"type": "string"}}, False, False),
        ({"type": "array", "items": {"type": "string"}}, False, False),
        ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, False, False),
    ],
)
def test_scalar_and_model_schemas(
    schema: dict[str, Any], scalar: bool, model: bool
) -> None:
    parsed = _schema("3.0.0", schema)
    assert oas.is_scalar(parsed) is scalar
    assert oas.is_model(parsed) is model


def test_compatible_property_definitions() -> None:
    string, integer = _schema("3.0.0", {"type": "string"}), _schema(
        "3.0.0", {"type": "integer"}
    )
    assert oas.compatible(string, string)
    assert not oas.compatible(string, integer)
    assert oas.compatible(_schema("3.0.0", {}), integer)


def test_components_key_and_resolve() -> None:
    document = _parsed(
        "3.0.0",
        {
            "a/b": {"type": "string"},
            "Alias": {"$ref": "#/components/schemas/a~1b"},
            "Loop": {"$ref": "#/components/schemas/Loop2"},
            "Loop2": {"$ref": "#/components/schemas/Loop"},
        },
    )
    components = oas.Components.of(document)
    assert components.key("#/components/schemas/a~1b", "/x") == "a/b"
    resolved, pointer = components.resolve(components.schemas["Alias"], "/start")
    assert oas.types(resolved) == ["string"]
    assert pointer == "/components/schemas/a~1b"
    with pytest.raises(CodegenError, match="unsupported \\$ref") as info:
        components.key("other.yaml#/x", "/here")
    assert info.value.pointer == "/here"
    with pytest.raises(CodegenError, match="does not exist") as info:
        components.key("#/components/schemas/Alais", "/here")
    assert "did you mean: Alias" in (info.value.hint or "")
    with pytest.raises(CodegenError, match="\\$ref cycle"):
        components.resolve(components.schemas["Loop"], "/l")


def test_components_parameter() -> None:
    document = _parsed(
        "3.0.0",
        {},
        parameters={
            "Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}
        },
    )
    components = oas.Components.of(document)
    parameter, pointer = components.parameter("#/components/parameters/Limit", "/p")
    assert (parameter.name, oas.location(parameter), oas.style(parameter)) == (
        "limit",
        "query",
        "form",
    )
    assert pointer == "/components/parameters/Limit"
    with pytest.raises(CodegenError, match="cannot be resolved") as info:
        components.parameter("#/components/parameters/Nope", "/p/0")
    assert info.value.pointer == "/p/0"


def test_paths_servers_and_pointers() -> None:
    assert oas.path_template_names("/v1/{a}/x/{b}") == ["a", "b"]
    document = parse_document(
        {
            "openapi": "3.0.0",
            "info": {"title": "T", "version": "1"},
            "servers": [
                {
                    "url": "https://{region}.example.test/v1",
                    "variables": {"region": {"default": "eu"}},
                }
            ],
            "paths": {},
        }
    )
    assert oas.server_url(document.servers[0]) == "https://eu.example.test/v1"
    assert oas.json_pointer_join("/paths", "/v1/x", "get") == "/paths/~1v1~1x/get"
    assert oas.schema_pointer("a/b") == "/components/schemas/a~1b"


def test_an_integer_keeps_integer_bounds_a_number_its_own() -> None:
    """openapi-pydantic reads bounds as floats; an integer's are integers again."""
    integer = _schema("3.0.0", {"type": "integer", "minimum": 1, "maximum": 100})
    assert oas.constraints(integer) == (
        ir.Constraint("le", 100, "at most 100"),
        ir.Constraint("ge", 1, "at least 1"),
    )
    assert all(type(c.value) is int for c in oas.constraints(integer))
    number = _schema("3.0.0", {"type": "number", "minimum": 0.5, "maximum": 2})
    assert [c.value for c in oas.constraints(number)] == [2.0, 0.5]

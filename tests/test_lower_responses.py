"""Responses of any OpenAPI spec to IR (issue 14): which response is the success, its body
(JSON, ``+json``; text, files, ``*/*`` and none are binary, marked ``text``/``empty``), ``$ref`` to components/responses, and the
error body of generic specs."""

from __future__ import annotations

from typing import Any, Optional

import pytest

from generator import ir
from generator.errors import CodegenError
from generator.lower import Selection, lower_document
from generator.spec import parse_document

SHA = "ef" * 32
Json = dict[str, Any]
THING: Json = {"type": "object", "properties": {"id": {"type": "string"}}}
PROBLEM: Json = {"type": "object", "properties": {"detail": {"type": "string"}}}


def body(media_type: str, schema: Optional[Json] = None) -> Json:
    return {
        "description": "a response",
        "content": {media_type: {"schema": schema if schema is not None else THING}},
    }


def lower(
    responses: Json, *, profile: str = "auto", components: Optional[Json] = None
) -> ir.Operation:
    document: Json = {
        "openapi": "3.0.3",
        "info": {"title": "Things", "version": "1"},
        "servers": [{"url": "https://api.things.test"}],
        "paths": {
            "/things": {"get": {"operationId": "things", "responses": responses}}
        },
        "components": {"schemas": {"Problem": PROBLEM}, **(components or {})},
    }
    api = lower_document(
        parse_document(document),
        Selection(all=True),
        spec_sha256=SHA,
        profile=profile,
    )
    (operation,) = api.operations
    return operation


def test_only_default_is_the_success() -> None:
    response = lower({"default": body("application/json")}).response
    assert isinstance(response.type, ir.ModelRef)
    assert response.media_type == "application/json"


def test_an_exact_2xx_code_wins_over_default() -> None:
    response = lower(
        {
            "default": body("application/json", PROBLEM),
            "201": body("text/plain", {"type": "string"}),
        }
    ).response
    assert response.binary and response.text and response.media_type == "text/plain"


@pytest.mark.parametrize(
    "media_type", ["application/problem+json", "application/json; charset=utf-8"]
)
def test_json_media_types(media_type: str) -> None:
    response = lower({"200": body(media_type)}).response
    assert isinstance(response.type, ir.ModelRef) and response.media_type == media_type


def test_a_file_and_star_star() -> None:
    binary = {"type": "string", "format": "binary"}
    pdf = lower({"200": body("application/pdf", binary)}).response
    assert pdf.binary and pdf.media_type == "application/pdf"
    assert lower({"200": body("*/*", binary)}).response.binary
    structured = lower({"200": body("*/*")}).response
    assert isinstance(structured.type, ir.ModelRef)


def test_no_content_is_marked_empty() -> None:
    response = lower({"204": {"description": "gone"}}).response
    assert response.empty and response.binary and not response.text


def test_json_without_a_schema_is_any() -> None:
    response = lower(
        {"200": {"description": "x", "content": {"application/json": {}}}}
    ).response
    assert response.type == ir.ANY


def test_a_response_ref_is_followed_through_a_chain() -> None:
    responses = {
        "Alias": {"$ref": "#/components/responses/Thing"},
        "Thing": body("application/json", {"$ref": "#/components/schemas/Problem"}),
    }
    operation = lower(
        {"200": {"$ref": "#/components/responses/Alias"}},
        components={"responses": responses},
    )
    assert operation.response.type == ir.ModelRef("Problem")


def test_an_unknown_response_ref_is_refused_with_its_pointer() -> None:
    with pytest.raises(CodegenError, match="cannot be resolved") as caught:
        lower({"200": {"$ref": "#/components/responses/Missing"}})
    assert caught.value.pointer == "/paths/~1things/get/responses/200"


def test_a_response_ref_cycle_is_refused() -> None:
    responses = {
        "A": {"$ref": "#/components/responses/B"},
        "B": {"$ref": "#/components/responses/A"},
    }
    with pytest.raises(CodegenError, match="cycle"):
        lower(
            {"200": {"$ref": "#/components/responses/A"}},
            components={"responses": responses},
        )


def test_generic_errors_come_from_4xx_when_there_is_no_default() -> None:
    problem = body("application/problem+json", {"$ref": "#/components/schemas/Problem"})
    operation = lower({"200": body("application/json"), "4XX": problem, "500": problem})
    assert operation.error == ir.ModelRef("Problem")


def test_stripe_errors_come_from_default_only() -> None:
    problem = body("application/json", {"$ref": "#/components/schemas/Problem"})
    responses = {"200": body("application/json"), "400": problem}
    assert lower(responses, profile="stripe").error is None
    assert lower(responses).error == ir.ModelRef("Problem")


def test_no_success_response_is_empty_for_generic_specs() -> None:
    responses = {"400": {"description": "bad"}, "404": {"description": "missing"}}
    assert lower(responses).response.empty
    with pytest.raises(CodegenError, match="no 2xx response"):
        lower(responses, profile="stripe")

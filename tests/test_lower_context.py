"""Unit tests for generator.lower.context: the frozen context and the registries it carries."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from generator import ir, naming
from generator.lower.context import Context, Namespace, same_shape
from generator.lower.limits import Depth
from generator.spec import parse_document


def _document() -> Any:
    return parse_document(
        {
            "openapi": "3.0.0",
            "info": {"title": "T", "version": "1"},
            "paths": {},
            "components": {
                "schemas": {
                    "customer": {"type": "object"},
                    "Field": {"type": "string"},
                }
            },
        }
    )


def _model(name: str, *wires: str, request: bool = False) -> ir.Model:
    fields = tuple(ir.Field(w, w, ir.STR, True, "") for w in wires)
    return ir.Model(name, fields, "", "/p", request=request)


def test_start_names_the_components_on_the_response_side() -> None:
    ctx = Context.start(_document())
    assert dict(ctx.component_names) == {"customer": "Customer", "Field": "FieldModel"}
    assert ctx.request is False
    assert ctx.namespace is ctx.found.response
    assert {"Customer", "FieldModel"} <= ctx.found.response.taken
    assert naming.CLASS_RESERVED <= ctx.found.response.taken
    assert ctx.depth == Depth()


def test_the_context_is_frozen_and_each_step_makes_a_new_one() -> None:
    ctx = Context.start(_document())
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.request = True  # type: ignore[misc]
    group = Namespace(taken=set())
    request = ctx.request_side(group)
    assert (request.request, request.namespace) == (True, group)
    assert (ctx.request, ctx.namespace) == (False, ctx.found.response)
    deeper = request.level("/a").level("/b")
    assert deeper.depth == Depth(2, 2, ())
    assert request.depth == Depth()
    assert deeper.found is ctx.found  # what accumulates is shared, explicitly


def test_a_component_is_lowered_on_the_response_side() -> None:
    ctx = Context.start(_document()).request_side(Namespace(taken=set()))
    inside = ctx.level("/a").component("customer", "/a/$ref")
    assert inside.request is False
    assert inside.namespace is ctx.found.response
    assert inside.depth == Depth(0, 2, ("customer",))
    back = inside.response_side()
    assert back.depth == Depth()


def test_claim_numbers_taken_names() -> None:
    namespace = Namespace(taken={"Card"})
    assert namespace.claim("Card") == "Card2"
    assert namespace.claim("Card") == "Card3"
    assert namespace.claim("Source") == "Source"
    assert namespace.taken == {"Card", "Card2", "Card3", "Source"}


def test_add_inline_reuses_a_model_of_the_same_shape() -> None:
    namespace = Namespace(taken=set())
    first = namespace.add_inline(["Address"], lambda name: _model(name, "city"))
    again = namespace.add_inline(["Address"], lambda name: _model(name, "city"))
    assert first == again == "Address"
    assert list(namespace.models) == ["Address"]


def test_add_inline_takes_the_next_candidate_then_a_number() -> None:
    namespace = Namespace(taken={"Reserved"})
    namespace.add_inline(["Address"], lambda name: _model(name, "city"))
    other = namespace.add_inline(
        ["Address", "CustomerAddress"], lambda name: _model(name, "line1")
    )
    assert other == "CustomerAddress"
    third = namespace.add_inline(
        ["Address", "CustomerAddress"], lambda name: _model(name, "zip")
    )
    assert third == "Address2"
    assert namespace.add_inline(["Reserved"], lambda n: _model(n, "x")) == "Reserved2"
    assert namespace.sorted_models()[0].name == "Address"
    assert [m.name for m in namespace.sorted_models()] == sorted(namespace.models)


def test_add_inline_builds_before_it_names() -> None:
    """Models nested inside claim their names first (the order decides collisions)."""
    namespace = Namespace(taken=set())

    def build(name: str) -> ir.Model:
        namespace.add_inline(["Outer"], lambda n: _model(n, "inner"))
        return _model(name, "outer")

    assert namespace.add_inline(["Outer"], build) == "Outer2"
    assert namespace.models["Outer"].fields[0].wire_name == "inner"


def test_same_shape_compares_fields_closed_and_side() -> None:
    assert same_shape(_model("A", "x"), _model("B", "x"))
    assert not same_shape(_model("A", "x"), _model("A", "y"))
    assert not same_shape(_model("A", "x"), _model("A", "x", request=True))

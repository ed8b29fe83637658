"""Unit tests for generator.lower.limits: the immutable nesting count and the stack room."""

from __future__ import annotations

import dataclasses
import sys

import pytest

from generator.errors import CodegenError
from generator.lower.limits import (
    MAX_REF_DEPTH,
    MAX_SCHEMA_DEPTH,
    Depth,
    check_all_of_depth,
    stack_room,
)


def test_a_level_is_a_new_depth_and_leaves_the_old_one_alone() -> None:
    start = Depth()
    deeper = start.level("/a")
    assert deeper == Depth(inline=1, total=1, chain=())
    assert start == Depth(0, 0, ())
    with pytest.raises(dataclasses.FrozenInstanceError):
        start.inline = 5  # type: ignore[misc]


def test_inline_levels_stop_at_the_limit_with_the_pointer() -> None:
    depth = Depth()
    for _ in range(MAX_SCHEMA_DEPTH):
        depth = depth.level("/x")
    with pytest.raises(CodegenError, match="nested deeper than 64 levels") as info:
        depth.level("/deep")
    assert info.value.pointer == "/deep"
    assert "$ref" in (info.value.hint or "")


def test_a_component_starts_a_new_inline_count_and_extends_the_chain() -> None:
    depth = Depth().level("/a").level("/b").component("Card", "/b/$ref")
    assert depth == Depth(inline=0, total=3, chain=("Card",))
    assert depth.level("/c") == Depth(1, 4, ("Card",))


def test_components_stop_at_the_ref_limit_showing_a_short_chain() -> None:
    depth = Depth()
    for n in range(MAX_REF_DEPTH):
        depth = depth.component(f"C{n}", "/p")
    with pytest.raises(CodegenError, match="deeper than 256 levels") as info:
        depth.component("Next", "/here")
    assert "256 components deep: C0 -> C1 -> C2 -> ... -> C253 -> C254 -> C255" in (
        info.value.message
    )
    assert info.value.pointer == "/here"
    with pytest.raises(CodegenError, match="deeper than 256 levels"):
        depth.level("/inline")  # an inline level counts towards the total too


def test_all_of_depth() -> None:
    check_all_of_depth(MAX_SCHEMA_DEPTH - 1, "/ok")
    with pytest.raises(CodegenError, match="allOf nested deeper than 64") as info:
        check_all_of_depth(MAX_SCHEMA_DEPTH, "/allOf/0")
    assert info.value.pointer == "/allOf/0"


def test_stack_room_raises_the_recursion_limit_and_restores_it() -> None:
    before = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(1000)
        with stack_room():
            assert sys.getrecursionlimit() > 8 * (MAX_REF_DEPTH + MAX_SCHEMA_DEPTH)
        assert sys.getrecursionlimit() == 1000
        with pytest.raises(RuntimeError):
            with stack_room():
                raise RuntimeError("boom")
        assert sys.getrecursionlimit() == 1000
    finally:
        sys.setrecursionlimit(before)

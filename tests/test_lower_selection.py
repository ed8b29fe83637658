"""Unit tests for generator.lower.selection: the spec's operations and which are selected."""

from __future__ import annotations

from typing import Any

import pytest

from generator.errors import CodegenError
from generator.lower.selection import (
    RawOperation,
    Selection,
    operations_of,
    refuse_duplicate_ids,
    select,
)
from generator.spec import parse_document

OK = {"200": {"description": "ok"}}


def _document(paths: dict[str, Any]) -> Any:
    return parse_document(
        {"openapi": "3.0.0", "info": {"title": "T", "version": "1"}, "paths": paths}
    )


def _raw(operation_id: str, path: str = "/v1/x", method: str = "get") -> RawOperation:
    return RawOperation(operation_id, method, path, None, f"/paths/{operation_id}")


def test_operations_in_document_order_with_synthesised_ids() -> None:
    document = _document(
        {
            "/v1/things": {
                "post": {"responses": OK},
                "get": {"operationId": "PostV1Things", "responses": OK},
            },
        }
    )
    found = operations_of(document)
    # methods in HTTP order; the synthesised ID never takes one the spec gives
    assert [(op.method, op.operation_id) for op in found] == [
        ("get", "PostV1Things"),
        ("post", "PostV1Things2"),
    ]
    assert found[1].pointer == "/paths/~1v1~1things/post"


def test_duplicate_ids_are_refused_naming_both() -> None:
    with pytest.raises(
        CodegenError, match="used twice: GET /v1/a and GET /v1/b"
    ) as info:
        refuse_duplicate_ids([_raw("A", "/v1/a"), _raw("A", "/v1/b")])
    assert info.value.pointer == "/paths/A/operationId"


def test_select_keeps_spec_order_and_unions_criteria() -> None:
    operations = [
        _raw("GetCharges", "/v1/charges"),
        _raw("GetCustomers", "/v1/customers"),
        _raw("PostCustomers", "/v1/customers", "post"),
    ]
    chosen = select(
        operations,
        Selection(operation_ids=("PostCustomers",), path_prefixes=("/v1/charges",)),
    )
    assert [op.operation_id for op in chosen] == ["GetCharges", "PostCustomers"]
    assert select(operations, Selection(all=True)) == operations
    by_glob = select(operations, Selection(globs=("*Customers",)))
    assert [op.operation_id for op in by_glob] == ["GetCustomers", "PostCustomers"]


def test_select_refuses_what_matches_nothing() -> None:
    operations = [_raw("GetCustomers")]
    with pytest.raises(CodegenError, match="unknown operation ID") as info:
        select(operations, Selection(operation_ids=("GetCustomer",)))
    assert info.value.hint == "did you mean: GetCustomers"
    with pytest.raises(CodegenError, match="no operation ID matches"):
        select(operations, Selection(globs=("Zz*",)))
    with pytest.raises(CodegenError, match="no operation path starts with"):
        select(operations, Selection(path_prefixes=("/v2",)))
    assert Selection().empty and not Selection(all=True).empty


def test_select_missing_ok_skips_what_matches_nothing() -> None:
    """One side of ``codegen diff``: what the spec lacks is skipped, the rest selected."""
    operations = [_raw("GetCustomers", "/v1/customers"), _raw("GetCharges", "/v1/x")]
    chosen = select(
        operations,
        Selection(
            operation_ids=("GetCustomer", "GetCharges"),
            globs=("Zz*",),
            path_prefixes=("/v2", "/v1/customers"),
            missing_ok=True,
        ),
    )
    assert [op.operation_id for op in chosen] == ["GetCustomers", "GetCharges"]
    assert select(operations, Selection(("Gone",), missing_ok=True)) == []

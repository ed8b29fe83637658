"""Hostile enums: duplicates, values that are not identifiers, mixed types, empty strings."""

from __future__ import annotations

from typing import Any

from hostile_support import Case
from support.specs import (
    form_body,
    ok_response,
    one_op,
    operation,
    param,
)

ENUMS: dict[str, Any] = {
    "duplicates": {"type": "string", "enum": ["a", "a", "b", "b"]},
    "not_identifiers": {
        "type": "string",
        "enum": [
            "a b",
            "1",
            "-",
            "class",
            "ü",
            "with.dot",
            "x[]",
            "None",
            'q"uote',
            "back\\slash",
        ],
    },
    "mixed": {"enum": ["a", 1, True, 1.5, None, "1"]},
    "empty_string": {"type": "string", "enum": [""]},
    "empty_and_more": {"type": "string", "enum": ["", "a"]},
    "ints_dup": {"type": "integer", "enum": [1, 1, 2]},
    "bools": {"type": "boolean", "enum": [True, False, True]},
    "true_and_one": {"enum": [True, 1, 1.0, 0, False]},
    "nullable": {"type": "string", "enum": ["a", None], "nullable": True},
    "text": {
        "type": "string",
        "enum": ['"""', "'''", "{{ 1234*1000 }}", "</script>", "\x00\x1b", "x" * 300],
    },
    "anyof_empty": {
        "anyOf": [
            {"type": "string", "maxLength": 5000},
            {"type": "string", "enum": [""]},
        ]
    },
}


def enum_cases() -> list[Case]:
    query_enums = {k: v for k, v in ENUMS.items()}
    return [
        Case(
            "enum-body",
            one_op(
                operation(
                    "PostThings",
                    body=form_body(ENUMS, required=["duplicates", "mixed"]),
                )
            ),
            "ok",
        ),
        Case(
            "enum-response",
            one_op(
                operation(
                    "GetThing",
                    response=ok_response({"$ref": "#/components/schemas/Enums"}),
                ),
                method="get",
                Enums={
                    "type": "object",
                    "properties": ENUMS,
                    "required": ["not_identifiers", "text"],
                },
            ),
            "ok",
        ),
        Case(
            "enum-query-and-path",
            one_op(
                operation(
                    "GetThing",
                    parameters=[param(k, "query", v) for k, v in query_enums.items()]
                    + [
                        param(
                            "kind",
                            "path",
                            {"type": "string", "enum": ["a", "a", "b c"]},
                        )
                    ],
                ),
                path="/v1/things/{kind}",
                method="get",
            ),
            "ok",
        ),
        Case(
            "enum-component-alias",
            one_op(
                operation(
                    "PostThings",
                    body=form_body({"status": {"$ref": "#/components/schemas/Status"}}),
                    response=ok_response({"$ref": "#/components/schemas/Status"}),
                ),
                Status={"type": "string", "enum": ["a", "a", "", "class"]},
            ),
            "ok",
        ),
        Case(
            "enum-object-values",
            one_op(
                operation(
                    "PostThings",
                    body=form_body({"odd": {"enum": [{"a": 1}, [1, 2], "x"]}}),
                )
            ),
            "ok",
        ),
        Case(
            "enum-empty-list",
            one_op(
                operation(
                    "PostThings",
                    body=form_body({"never": {"type": "string", "enum": []}}),
                )
            ),
            "error",
            message="enum",
        ),
        Case(
            "enum-only-null",
            one_op(
                operation(
                    "PostThings",
                    body=form_body({"nothing": {"enum": [None], "nullable": True}}),
                )
            ),
            "ok",
        ),
        Case(
            "enum-huge-number",
            one_op(
                operation(
                    "PostThings",
                    body=form_body(
                        {"big": {"type": "number", "enum": [1e400, -1e400, 1.5]}}
                    ),
                )
            ),
            "ok",
            fmt="raw-json",
        ),
    ]

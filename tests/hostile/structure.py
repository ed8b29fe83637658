"""Hostile structure: ``$ref`` cycles and missing targets, conflicting ``allOf``, deep
nesting, odd parameters, bodies and responses."""

from __future__ import annotations

from typing import Any

from hostile_support import Case
from support.specs import (
    THING,
    document,
    form_body,
    ok_response,
    one_op,
    operation,
)


def nested(depth: int, leaf: dict[str, Any]) -> dict[str, Any]:
    schema = leaf
    for level in range(depth):
        schema = {
            "type": "object",
            "properties": {f"level{level}": schema, "name": {"type": "string"}},
        }
    return schema


def structure_cases() -> list[Case]:
    node = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "parent": {"$ref": "#/components/schemas/Node"},
            "children": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Node"},
            },
            "by_name": {
                "type": "object",
                "additionalProperties": {"$ref": "#/components/schemas/Node"},
            },
            "either": {
                "anyOf": [{"$ref": "#/components/schemas/Node"}, {"type": "string"}]
            },
        },
    }
    return [
        Case(
            "cycle-self",
            one_op(
                operation(
                    "PostNode",
                    body=form_body({"node": {"$ref": "#/components/schemas/Node"}}),
                    response=ok_response({"$ref": "#/components/schemas/Node"}),
                ),
                Node=node,
            ),
            "ok",
        ),
        Case(
            "cycle-mutual",
            one_op(
                operation(
                    "GetA", response=ok_response({"$ref": "#/components/schemas/A"})
                ),
                method="get",
                A={
                    "type": "object",
                    "properties": {
                        "b": {"$ref": "#/components/schemas/B"},
                        "name": {"type": "string"},
                    },
                },
                B={
                    "type": "object",
                    "properties": {
                        "a": {"$ref": "#/components/schemas/A"},
                        "as": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/A"},
                        },
                    },
                },
            ),
            "ok",
        ),
        Case(
            "cycle-union-alias",
            one_op(
                operation(
                    "GetA", response=ok_response({"$ref": "#/components/schemas/Tree"})
                ),
                method="get",
                Tree={
                    "anyOf": [
                        {"type": "string"},
                        {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Tree"},
                        },
                    ]
                },
            ),
            "error",
            message="itself|cycle|recursive",
        ),
        Case(
            "cycle-pure-refs",
            one_op(
                operation(
                    "GetA", response=ok_response({"$ref": "#/components/schemas/A"})
                ),
                method="get",
                A={"$ref": "#/components/schemas/B"},
                B={"$ref": "#/components/schemas/A"},
            ),
            "error",
            message="cycle",
        ),
        Case(
            "cycle-self-ref-only",
            one_op(
                operation(
                    "GetA", response=ok_response({"$ref": "#/components/schemas/A"})
                ),
                method="get",
                A={"$ref": "#/components/schemas/A"},
            ),
            "error",
            message="cycle",
        ),
        Case(
            "missing-ref-response",
            one_op(
                operation(
                    "GetA", response=ok_response({"$ref": "#/components/schemas/Nope"})
                ),
                method="get",
            ),
            "error",
            message="Nope.*does not exist",
        ),
        Case(
            "missing-ref-deep",
            one_op(
                operation(
                    "PostA",
                    body=form_body(
                        {
                            "x": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Gone"},
                            }
                        }
                    ),
                )
            ),
            "error",
            message="Gone.*does not exist",
        ),
        Case(
            "missing-ref-parameter",
            one_op(
                operation(
                    "GetA", parameters=[{"$ref": "#/components/parameters/Nope"}]
                ),
                method="get",
            ),
            "error",
            message="Nope",
        ),
        Case(
            "external-ref",
            one_op(
                operation("GetA", response=ok_response({"$ref": "other.yaml#/Thing"})),
                method="get",
            ),
            "error",
            message="other.yaml",
        ),
        Case(
            "deep-nesting",
            one_op(
                operation(
                    "PostDeep",
                    body=form_body({"deep": nested(40, {"type": "string"})}),
                    response=ok_response(nested(40, {"type": "integer"})),
                )
            ),
            "ok",
        ),
        Case(
            "empty-schemas",
            one_op(
                operation(
                    "PostEmpty",
                    body=form_body(
                        {
                            "anything": {},
                            "obj": {"type": "object"},
                            "arr": {"type": "array"},
                        }
                    ),
                    response=ok_response({}),
                ),
            ),
            "ok",
        ),
        Case(
            "empty-body-schema",
            one_op(
                operation(
                    "PostEmpty",
                    body={
                        "content": {"application/x-www-form-urlencoded": {"schema": {}}}
                    },
                )
            ),
            "ok",
        ),
        Case(
            "empty-component",
            one_op(
                operation(
                    "GetEmpty",
                    response=ok_response({"$ref": "#/components/schemas/Empty"}),
                ),
                method="get",
                Empty={},
            ),
            "ok",
        ),
        Case(
            "allof-conflict",
            one_op(
                operation(
                    "GetA",
                    response=ok_response(
                        {
                            "allOf": [
                                {
                                    "type": "object",
                                    "properties": {"x": {"type": "string"}},
                                },
                                {
                                    "type": "object",
                                    "properties": {"x": {"type": "integer"}},
                                },
                            ]
                        }
                    ),
                ),
                method="get",
            ),
            "error",
            message="allOf.*'x'",
        ),
        Case(
            "allof-merge",
            one_op(
                operation(
                    "PostA",
                    body=form_body(
                        {
                            "both": {
                                "allOf": [
                                    {
                                        "type": "object",
                                        "properties": {"x": {"type": "string"}},
                                        "required": ["x"],
                                    },
                                    {"$ref": "#/components/schemas/Thing"},
                                ]
                            }
                        }
                    ),
                    response=ok_response(
                        {
                            "allOf": [
                                {"$ref": "#/components/schemas/Thing"},
                                {
                                    "type": "object",
                                    "properties": {"class": {"type": "string"}},
                                },
                            ]
                        }
                    ),
                )
            ),
            "ok",
        ),
        Case(
            "operation-name-collisions",
            document(
                {
                    "/v1/a": {"get": operation("get-thing")},
                    "/v1/b": {"get": operation("get_thing")},
                    "/v1/c": {"get": operation("GetThing")},
                    "/v1/d": {"get": operation("getThing")},
                    "/v1/e": {"get": operation("GET_THING")},
                },
                {"Thing": THING},
            ),
            "ok",
        ),
        Case(
            "path-template-braces",
            one_op(operation("GetA"), path="/v1/brace{{x}}", method="get"),
            "error",
            message="path template",
        ),
        Case(
            "path-template-undeclared",
            one_op(operation("GetA"), path="/v1/things/{id}", method="get"),
            "error",
            message="id",
        ),
        Case(
            "no-success-response",
            one_op(
                operation("GetA", response={"404": {"description": "no"}}), method="get"
            ),
            "ok",
        ),
        Case(
            "json-request-body",
            one_op(
                operation(
                    "PostA",
                    body={
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "a": {},
                                        "b": {"type": "string"},
                                        "n": {"type": "integer"},
                                    },
                                }
                            }
                        }
                    },
                )
            ),
            "ok",
        ),
        Case(
            "no-paths",
            document({}, {"Thing": THING}),
            "error",
            message="no operation",
        ),
        Case(
            "binary-text-and-no-content-responses",
            document(
                {
                    "/v1/report": {
                        "get": operation(
                            "GetReport",
                            response={
                                "200": {
                                    "description": "csv",
                                    "content": {
                                        "text/csv": {"schema": {"type": "string"}}
                                    },
                                }
                            },
                        )
                    },
                    "/v1/file": {
                        "get": operation(
                            "GetFile",
                            response={
                                "200": {
                                    "description": "pdf",
                                    "content": {"application/pdf": {}},
                                }
                            },
                        )
                    },
                    "/v1/none": {
                        "delete": operation(
                            "DeleteNone", response={"204": {"description": "gone"}}
                        )
                    },
                }
            ),
            "ok",
        ),
    ]

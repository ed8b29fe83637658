"""Hostile identifiers: keywords, builtins, pydantic and generated names as field,
parameter, component, operation and group names; names that collide after conversion."""

from __future__ import annotations

from hostile_support import (
    NAMES,
    PATH_NAMES,
    Case,
)
from support.specs import (
    THING,
    document,
    form_body,
    ok_response,
    one_op,
    operation,
    param,
    strings,
)


def half_required(names: list[str]) -> list[str]:
    return names[::2]


def identifier_cases() -> list[Case]:
    cases = [
        Case(
            "ident-body",
            one_op(
                operation(
                    "PostThings", body=form_body(strings(NAMES), half_required(NAMES))
                )
            ),
            "ok",
        ),
        Case(
            "ident-response",
            one_op(
                operation(
                    "GetThing",
                    response=ok_response({"$ref": "#/components/schemas/Hostile"}),
                ),
                method="get",
                Hostile={
                    "type": "object",
                    "properties": strings(NAMES),
                    "required": half_required(NAMES),
                },
            ),
            "ok",
        ),
        Case(
            "ident-response-inline",
            one_op(
                operation(
                    "GetThing",
                    response=ok_response(
                        {
                            "type": "object",
                            "properties": strings(NAMES),
                            "required": NAMES[1::2],
                        }
                    ),
                ),
                method="get",
            ),
            "ok",
            fmt="json",
        ),
        Case(
            "ident-query",
            one_op(
                operation(
                    "GetThings",
                    parameters=[
                        param(n, "query", required=(i % 2 == 0))
                        for i, n in enumerate(NAMES)
                    ],
                ),
                method="get",
            ),
            "ok",
        ),
        Case(
            "ident-path",
            one_op(
                operation(
                    "GetThing", parameters=[param(n, "path") for n in PATH_NAMES]
                ),
                path="/v1/things/" + "/".join("{" + n + "}" for n in PATH_NAMES),
                method="get",
            ),
            "ok",
        ),
        Case(
            "ident-everywhere-at-once",
            one_op(
                operation(
                    "PostThing",
                    parameters=[
                        param(n, "path")
                        for n in ("id", "from", "self", "timeout", "str")
                    ]
                    + [
                        param(n, "query")
                        for n in ("id", "from", "self", "timeout", "str", "params")
                    ],
                    body=form_body(
                        strings(
                            ["id", "from", "self", "timeout", "str", "params", "expand"]
                        )
                    ),
                ),
                path="/v1/things/{id}/{from}/{self}/{timeout}/{str}",
            ),
            "ok",
        ),
        Case(
            "ident-typed-builtin-fields",
            one_op(
                operation(
                    "PostThing",
                    body=form_body(
                        {
                            "str": {"type": "integer"},
                            "int": {"type": "string"},
                            "float": {"type": "boolean"},
                            "bool": {"type": "number"},
                            "list": {"type": "array", "items": {"type": "string"}},
                            "dict": {
                                "type": "object",
                                "additionalProperties": {"type": "integer"},
                            },
                            "bytes": {"type": "string", "format": "binary"},
                            "Optional": {"type": "string", "nullable": True},
                            "Any": {},
                            "type": {"type": "string", "enum": ["a", "b"]},
                        }
                    ),
                    response=ok_response({"$ref": "#/components/schemas/Typed"}),
                ),
                Typed={
                    "type": "object",
                    "properties": {
                        "str": {"type": "integer"},
                        "int": {"type": "string"},
                        "float": {"type": "boolean"},
                        "bool": {"type": "number"},
                        "list": {"type": "array", "items": {"type": "string"}},
                        "dict": {
                            "type": "object",
                            "additionalProperties": {"type": "integer"},
                        },
                        "Literal": {"type": "string", "enum": ["x"]},
                        "Field": {"type": "string", "nullable": True},
                        "Union": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    },
                },
            ),
            "ok",
        ),
    ]
    class_names = [
        "class",
        "Client",
        "AsyncClient",
        "Field",
        "str",
        "foo-bar",
        "foo_bar",
        "Foo",
        "foo",
        "1st",
        "Optional",
        "BaseModel",
        "StripeModel",
        "RequestModel",
        "ConfigDict",
        "AsyncAPIClient",
        "SyncAPIClient",
        "ResponseType",
        "RequestOptions",
        "Mapping",
        "TYPE_CHECKING",
        "Things",
        "AsyncThings",
        "名前",
        "ünï",
        "Any",
        "None",
        "typing",
        "Error",
        "ApiErrors",
        "StripeError",
        "CardError",
        # what the params and resource modules import since calls take plain data
        "TypedDict",
        "Required",
        "NotRequired",
        "ParamsType",
        "PageType",
        "SyncPage",
        "AsyncPage",
        "AsyncPaginator",
        "InvalidParamsError",
        "List",
        "Dict",
    ]
    schemas = {
        name: {
            "type": "object",
            "properties": {"id": {"type": "string"}, "名前": {"type": "string"}},
        }
        for name in class_names
    }
    holder = {
        "type": "object",
        "properties": {
            (name.lower() or "empty"): {"$ref": f"#/components/schemas/{name}"}
            for name in class_names
        },
    }
    cases.append(
        Case(
            "ident-component-names",
            document(
                {
                    "/v1/things": {
                        "post": operation(
                            "PostThings",
                            body=form_body(
                                {"card": {"$ref": "#/components/schemas/class"}}
                            ),
                            response=ok_response(
                                {"$ref": "#/components/schemas/Holder"}
                            ),
                        )
                    }
                },
                {**schemas, "Holder": holder},
            ),
            "ok",
        )
    )
    op_ids = [
        "class",
        "from",
        "import",
        "self",
        "__init__",
        "1st",
        "ünï",
        "名前",
        "get-thing",
        "get_thing",
        "GetThing",
        "getThing",
        "a/b",
        "../../escape",
        "..",
        "/",
        "C:\\evil",
        "/abs/olute",
        "with space",
        "",
        "close",
        "request",
        "__class__",
        "model_dump",
    ]
    cases.append(
        Case(
            "ident-operation-ids",
            document(
                {
                    f"/v1/things/op{i}": {"get": operation(op_id)}
                    for i, op_id in enumerate(op_ids)
                },
                {"Thing": THING},
            ),
            "ok",
        )
    )
    groups = [
        "class",
        "close",
        "request",
        "__init__",
        "models",
        "params",
        "resources",
        "errors",
        "with space",
        "ünï",
        "foo-bar",
        "foo_bar",
        "1st",
        "base_url",
        "max_retries",
        "stripe_version",
        "aclose",
        "_client",
        "Things",
        "things",
    ]
    cases.append(
        Case(
            "ident-resource-groups",
            document(
                {
                    f"/v1/{g}": {"get": operation(f"Get{i}")}
                    for i, g in enumerate(groups)
                }
                | {
                    "/": {"get": operation("GetRoot")},
                    "/v1": {"get": operation("GetV1")},
                },
                {"Thing": THING},
            ),
            "ok",
        )
    )
    cases.append(
        Case(
            "ident-no-operation-id",
            document(
                {
                    "/v1/things": {
                        "get": operation(),
                        "post": operation(body=form_body(strings(["a"]))),
                    },
                    "/v1/things/{id}": {
                        "get": operation(parameters=[param("id", "path")]),
                        "delete": operation(parameters=[param("id", "path")]),
                    },
                    "/v1/other": {"get": operation("GetV1Things")},
                },
                {"Thing": THING},
            ),
            "ok",
        )
    )
    cases.append(
        Case(
            "ident-duplicate-operation-id",
            document(
                {
                    "/v1/things": {"get": operation("GetThings")},
                    "/v1/others": {"get": operation("GetThings")},
                },
                {"Thing": THING},
            ),
            "error",
            message=r"GetThings.*(twice|duplicate|more than once)",
        )
    )
    cases.append(
        Case(
            "ident-multipart",
            one_op(
                operation(
                    "PostFiles",
                    body={
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "class": {"type": "string", "format": "binary"},
                                        "file-name": {"type": "string"},
                                        "from": {"type": "string"},
                                        "bytes": {"type": "string", "format": "binary"},
                                        "with space": {"type": "string"},
                                        "ünï": {"type": "string", "format": "binary"},
                                        "purpose[kind]": {"type": "string"},
                                    },
                                    "required": ["class"],
                                }
                            }
                        }
                    },
                )
            ),
            "ok",
        )
    )
    cases.append(
        Case(
            "ident-shared-and-ref-parameters",
            document(
                {
                    "/v1/things/{class}": {
                        "parameters": [
                            {"$ref": "#/components/parameters/Class"},
                            param("from", "query", description="path level"),
                        ],
                        "get": operation(
                            "GetThing",
                            parameters=[
                                param(
                                    "from",
                                    "query",
                                    {"type": "integer"},
                                    description="wins",
                                ),
                                {"$ref": "#/components/parameters/Import"},
                                param("X-Header", "header"),
                                param("session", "cookie"),
                            ],
                        ),
                        "delete": operation("DeleteThing"),
                    }
                },
                {"Thing": THING},
                parameters={
                    "Class": param("class", "path"),
                    "Import": param(
                        "import", "query", {"type": "string", "maxLength": 50}
                    ),
                },
            ),
            "ok",
        )
    )
    cases.append(
        Case(
            "methods-all",
            document(
                {
                    "/v1/things": {
                        m: operation(f"{m.title()}Things")
                        for m in (
                            "get",
                            "put",
                            "post",
                            "delete",
                            "patch",
                            "options",
                            "trace",
                        )
                    }
                },
                {"Thing": THING},
            ),
            "ok",
        )
    )
    cases.append(
        Case(
            "ident-empty-path-param",
            one_op(
                operation("GetThing", parameters=[param("", "path")]),
                path="/v1/things/{}",
                method="get",
            ),
            "ok",
        )
    )
    return cases

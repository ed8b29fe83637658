"""The one spec builder of the tests: small OpenAPI documents as plain dicts.

Every test that writes a spec of its own (hostile cases, stability, the spec stage, limits)
builds it from these pieces, so a document's common parts (``openapi``, ``info``,
``servers``) are written once. Each builder returns a fresh dict the caller may change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Optional

Json = dict[str, Any]

#: The server every built document declares.
SERVER = "https://api.example.test"


def document(
    paths: Mapping[str, Any],
    schemas: Optional[Mapping[str, Any]] = None,
    *,
    version: str = "3.0.3",
    title: str = "Hostile API",
    api_version: str = "2024-01-01",
    parameters: Optional[Mapping[str, Any]] = None,
) -> Json:
    doc: Json = {
        "openapi": version,
        "info": {"title": title, "version": api_version},
        "servers": [{"url": SERVER}],
        "paths": dict(paths),
    }
    components: Json = {}
    if schemas:
        components["schemas"] = dict(schemas)
    if parameters:
        components["parameters"] = dict(parameters)
    if components:
        doc["components"] = components
    return doc


def ok_response(schema: Optional[Any] = None, description: str = "OK") -> Json:
    body = schema if schema is not None else {"$ref": "#/components/schemas/Thing"}
    return {
        "200": {
            "description": description,
            "content": {"application/json": {"schema": body}},
        }
    }


def form_body(properties: Mapping[str, Any], required: Sequence[str] = ()) -> Json:
    schema: Json = {"type": "object", "properties": dict(properties)}
    if required:
        schema["required"] = list(required)
    return {"content": {"application/x-www-form-urlencoded": {"schema": schema}}}


def operation(
    operation_id: Optional[str] = None,
    *,
    parameters: Sequence[Json] = (),
    body: Optional[Json] = None,
    response: Optional[Json] = None,
    **extra: Any,
) -> Json:
    op: Json = {"responses": response if response is not None else ok_response()}
    if operation_id is not None:
        op["operationId"] = operation_id
    if parameters:
        op["parameters"] = list(parameters)
    if body is not None:
        op["requestBody"] = body
    op.update(extra)
    return op


def param(name: str, where: str, schema: Optional[Json] = None, **extra: Any) -> Json:
    p: Json = {
        "name": name,
        "in": where,
        "schema": schema if schema is not None else {"type": "string"},
    }
    if where == "path":
        p["required"] = True
    p.update(extra)
    return p


def strings(names: Iterable[str]) -> Json:
    return {name: {"type": "string"} for name in names}


def alias_bomb(levels: int = 7, width: int = 9) -> str:
    """About 500 bytes of YAML that expand to ``width ** levels`` strings."""
    lines = [
        "openapi: 3.0.3",
        "info: {title: Bomb, version: '1'}",
        "servers: [{url: 'https://api.example.test'}]",
        "paths:",
        "  /v1/things:",
        "    get:",
        "      operationId: GetThings",
        "      responses: {'200': {description: ok}}",
        "x-laughs:",
        "  l0: &l0 [" + ", ".join(["lol"] * width) + "]",
    ]
    for level in range(1, levels):
        aliases = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"  l{level}: &l{level} [{aliases}]")
    return "\n".join(lines) + "\n"


THING: Json = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "object": {"type": "string"}},
}


def one_op(
    op: Json, path: str = "/v1/things", method: str = "post", **schemas: Any
) -> Json:
    """A document with one operation and the ``Thing`` schema (plus ``schemas``)."""
    return document({path: {method: op}}, {"Thing": THING, **schemas})


def minimal(version: str, **extra: Any) -> Json:
    """The smallest document of an OpenAPI ``version``: no paths, no servers."""
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {},
        **extra,
    }

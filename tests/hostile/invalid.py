"""Invalid documents: not OpenAPI, wrong versions, wrong types, unsafe YAML."""

from __future__ import annotations

from hostile_support import Case
from support.specs import (
    THING,
    document,
    operation,
)

MINIMAL_PATHS = {"/v1/things": {"get": operation("GetThings")}}


def invalid_cases() -> list[Case]:
    valid = document(MINIMAL_PATHS, {"Thing": THING})
    swagger = {"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}
    return [
        Case(
            "invalid-garbage-yaml",
            "{{{ : : [ not yaml",
            "error",
            message="YAML|JSON",
            fmt="yaml",
        ),
        Case(
            "invalid-garbage-json",
            '{"openapi": "3.0.0", ',
            "error",
            message="JSON",
            fmt="json",
        ),
        Case(
            "invalid-binary",
            b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe",
            "error",
            message="YAML|JSON|UTF",
            fmt="yaml",
        ),
        Case(
            "invalid-empty-file",
            "",
            "error",
            message="empty|nothing|mapping",
            fmt="yaml",
        ),
        Case("invalid-yaml-list", "- a\n- b\n", "error", message="mapping", fmt="yaml"),
        Case(
            "invalid-yaml-scalar",
            "just a string\n",
            "error",
            message="mapping",
            fmt="yaml",
        ),
        Case("invalid-not-openapi", {"hello": "world"}, "error", message="openapi"),
        Case("invalid-swagger-2", swagger, "error", message="Swagger"),
        Case(
            "invalid-version-4",
            {**valid, "openapi": "4.0.0"},
            "error",
            message="unsupported OpenAPI version",
        ),
        Case(
            "invalid-version-2",
            {**valid, "openapi": "2.0"},
            "error",
            message="unsupported OpenAPI version",
        ),
        Case(
            "invalid-version-number",
            {**valid, "openapi": 3.0},
            "error",
            message="unsupported OpenAPI version",
        ),
        Case(
            "invalid-missing-info",
            {k: v for k, v in valid.items() if k != "info"},
            "error",
            message="info",
        ),
        Case(
            "invalid-paths-list",
            {**valid, "paths": ["/v1/things"]},
            "error",
            message="paths",
        ),
        Case(
            "invalid-schema-type",
            {
                **valid,
                "components": {
                    "schemas": {"Thing": {"type": "object", "properties": "nope"}}
                },
            },
            "error",
            message="properties|Thing",
        ),
        Case(
            "invalid-yaml-tag",
            "openapi: !!python/object:os.system 'echo hi'\n",
            "error",
            message="YAML",
        ),
        Case(
            "yaml-3.1",
            document(
                MINIMAL_PATHS,
                {
                    "Thing": {
                        **THING,
                        "properties": {"id": {"type": ["string", "null"]}},
                    }
                },
                version="3.1.0",
            ),
            "ok",
        ),
    ]

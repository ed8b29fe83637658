"""Hostile text: descriptions and titles with quotes, backslashes, Jinja, HTML, control
characters and code that would run if it ever reached the output as code."""

from __future__ import annotations

from hostile_support import (
    INJECTION,
    TEXT,
    TEXTS,
    Case,
)
from support.specs import (
    THING,
    document,
    one_op,
    operation,
    param,
)


def text_cases() -> list[Case]:
    described = {
        name: {"type": "string", "description": text, "example": text, "title": text}
        for name, text in zip(
            (
                "a",
                "b",
                "c",
                "d",
                "e",
                "f",
                "g",
                "h",
                "i",
                "j",
                "k",
                "l",
                "m",
                "n",
                "o",
                "p",
                "q",
                "r",
                "s",
            ),
            TEXTS,
        )
    }
    doc = document(
        {
            "/v1/things/{id}": {
                "description": TEXT,
                "summary": TEXT,
                "post": operation(
                    "PostThing",
                    summary=TEXT,
                    description=TEXT,
                    parameters=[
                        param(
                            "id",
                            "path",
                            {"type": "string", "description": TEXT},
                            description=TEXT,
                        ),
                        param(
                            "q",
                            "query",
                            {"type": "string", "description": TEXT},
                            description=TEXT,
                            example=TEXT,
                        ),
                    ],
                    body={
                        "description": TEXT,
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "description": TEXT,
                                    "properties": described,
                                }
                            }
                        },
                    },
                    response={
                        "200": {
                            "description": TEXT,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Described"}
                                }
                            },
                        },
                        "default": {
                            "description": TEXT,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Described"}
                                }
                            },
                        },
                    },
                    tags=[TEXT],
                ),
            }
        },
        {
            "Described": {
                "type": "object",
                "description": TEXT,
                "title": TEXT,
                "properties": described
                | {
                    "object": {
                        "type": "string",
                        "enum": ["described"],
                        "description": TEXT,
                    }
                },
                "example": {"a": TEXT},
            },
        },
        title=TEXT,
        api_version='2024-01-01"\n' + INJECTION,
    )
    doc["info"]["description"] = TEXT
    doc["servers"] = [
        {"url": 'https://api.example.test/v1"\n' + INJECTION + "#", "description": TEXT}
    ]
    title_only = document(
        {"/v1/things": {"get": operation("GetThings")}},
        {"Thing": THING},
        title='Evil"""\n' + INJECTION + "\n# \\",
        api_version="\\N{BULLET}" + "\n" + INJECTION,
    )
    per_op_server = one_op(
        operation(
            "GetThings", servers=[{"url": 'https://files.example.test/"' + INJECTION}]
        ),
        method="get",
    )
    return [
        Case("text-everywhere", doc, "ok"),
        Case("text-everywhere-json", doc, "ok", fmt="json"),
        Case("text-title-and-version", title_only, "ok"),
        Case("text-operation-server", per_op_server, "ok"),
        Case(
            "text-hostile-paths",
            document(
                {
                    "/v1/pipe|path": {"get": operation("GetPipe")},
                    "/v1/back`tick": {"get": operation("GetTick")},
                    '/v1/quote"path': {"get": operation("GetQuote")},
                    "/v1/ünï code": {"get": operation("GetUnicode")},
                },
                {"Thing": THING},
            ),
            "ok",
        ),
    ]

"""The spec's encoding styles go over the wire (issue 10, item 7).

A small spec of our own, unlike Stripe's, declares `style: form` with and without explode,
`deepObject`, and no style at all (OpenAPI's default: `form`, exploded) for query parameters
and form body fields. The package is generated from it, imported under its own name, and
called against the loopback server, so the bytes checked are the bytes sent.
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

from generator.lower import Selection, lower_document
from generator.render import RenderOptions, render
from generator.spec import parse_document

from .conftest import Reply, ScriptedServer

PACKAGE = "styles_sdk"

_OK = {
    "200": {
        "description": "ok",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "title": "result",
                    "properties": {"ok": {"type": "boolean"}},
                }
            }
        },
    }
}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_POINT = {
    "type": "object",
    "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}},
}


def _query(name: str, schema: Dict[str, Any], **style: Any) -> Dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, **style}


SPEC: Dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Styles API", "version": "1"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/v1/things": {
            "get": {
                "operationId": "GetThings",
                "parameters": [
                    _query("ids", _STRINGS, style="form", explode=True),
                    _query("tags", _STRINGS, style="form", explode=False),
                    _query("point", _POINT, style="form", explode=False),
                    _query(
                        "filter",
                        {
                            "type": "object",
                            "properties": {"status": {"type": "string"}},
                        },
                        style="form",
                    ),
                    _query(
                        "created",
                        {"type": "object", "properties": {"gt": {"type": "integer"}}},
                        style="deepObject",
                    ),
                    _query("names", _STRINGS),  # no style: form, exploded
                    _query("limit", {"type": "integer"}),
                    _query("extra", {}, style="form", explode=False),  # any value
                ],
                "responses": _OK,
            },
            "post": {
                "operationId": "PostThings",
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "name": {"type": "string"},
                                    "ids": _STRINGS,
                                    "tags": _STRINGS,
                                    "items": _STRINGS,
                                    "point": _POINT,
                                    "meta": {
                                        "type": "object",
                                        "additionalProperties": {"type": "string"},
                                    },
                                },
                            },
                            "encoding": {
                                "ids": {"style": "form"},
                                "tags": {"style": "form", "explode": False},
                                "point": {"style": "form", "explode": False},
                                "meta": {"style": "deepObject", "explode": True},
                            },
                        }
                    }
                },
                "responses": _OK,
            },
        }
    },
}


@pytest.fixture(scope="module")
def styles_sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[types.ModuleType]:
    """The package generated from `SPEC` (not formatted: black changes no behaviour)."""
    api = lower_document(
        parse_document(SPEC), Selection(all=True), spec_sha256="0" * 64
    )
    root = tmp_path_factory.mktemp("styles")
    for name, text in render(api, RenderOptions(package=PACKAGE)).items():
        if name.startswith(f"{PACKAGE}/"):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for module in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[module]


def _client(sdk: types.ModuleType, server: ScriptedServer) -> Any:
    return sdk.Client(base_url=server.url, max_retries=0)


def test_query_parameters_are_sent_in_their_style(
    styles_sdk: types.ModuleType, server: ScriptedServer
) -> None:
    server.script(Reply(body={"ok": True}))
    with _client(styles_sdk, server) as client:
        result = client.things.retrieve(
            ids=["a", "b"],
            tags=["x", "y,z"],
            point={"x": 1, "y": 2},
            filter={"status": "open"},
            created={"gt": 5},
            names=["n1", "n2"],
            limit=3,
            extra=["e1", "e2"],
        )
    assert result.ok is True
    assert server.requests[0].path == (
        "/v1/things?ids=a&ids=b"  # form, explode: true
        "&tags=x,y%2Cz"  # form, explode: false; the comma in "y,z" is not a delimiter
        "&point=x,1,y,2"  # an object, form, explode: false
        "&status=open"  # an object, form, explode: true: its properties as keys
        "&created[gt]=5"  # deepObject
        "&names=n1&names=n2"  # no style: OpenAPI's default, form with explode
        "&limit=3"
        "&extra=e1,e2"  # a schema without a type may be a list: its style is kept
    )


def test_form_body_fields_are_sent_in_their_encoding_style(
    styles_sdk: types.ModuleType, server: ScriptedServer
) -> None:
    server.script(Reply(body={"ok": True}))
    with _client(styles_sdk, server) as client:
        client.things.update(
            name="n",
            ids=["a", "b"],
            tags=["x", "y"],
            items=["i", "j"],
            point={"x": 1, "y": 2},
            meta={"k": "v"},
        )
    assert server.requests[0].body == (
        b"name=n&ids=a&ids=b&tags=x,y&items=i&items=j&point=x,1,y,2&meta[k]=v"
    )


def test_only_styles_that_change_the_bytes_are_generated(
    styles_sdk: types.ModuleType,
) -> None:
    """Scalars and deepObject parameters (the runtime's default) are left out."""
    resources = importlib.import_module(f"{PACKAGE}.resources.things")
    constants = {
        name: value
        for name, value in vars(resources).items()
        if name.endswith("_STYLES")
    }
    assert constants == {
        "_THINGS_RETRIEVE_QUERY_STYLES": {
            "ids": "form",
            "tags": "formUnexploded",
            "point": "formUnexploded",
            "filter": "form",
            "names": "form",
            "extra": "formUnexploded",
        },
        "_THINGS_UPDATE_BODY_STYLES": {
            "ids": "form",
            "tags": "formUnexploded",
            "items": "form",
            "point": "formUnexploded",
        },
    }

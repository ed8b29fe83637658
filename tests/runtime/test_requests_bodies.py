"""Request bodies and parameters of any OpenAPI spec over the wire (issue 14, items 1 and 2).

A small petstore-like spec of our own declares JSON bodies (an object by `$ref`, an array, a
`components.requestBodies` reference), a choice of media types, text, binary and multipart
bodies (an array of files, a JSON part), header and cookie parameters, the query styles
`spaceDelimited`, `pipeDelimited`, `deepObject` and a JSON-content parameter, integer and
`label` path parameters and a path item's own server. The package is generated from it,
checked with `mypy --strict`, imported under its own name and called against the loopback
server, so the bytes checked are the bytes sent.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

from generator.lower import Selection, lower_document
from generator.render import RenderOptions, render
from generator.spec import parse_document

from .conftest import Reply, ScriptedServer

PACKAGE = "requests_sdk"

_PET_OUT = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}


def _ok(schema: Dict[str, Any] = _PET_OUT) -> Dict[str, Any]:
    return {
        "200": {
            "description": "ok",
            "content": {"application/json": {"schema": schema}},
        }
    }


_PET = {"$ref": "#/components/schemas/Pet"}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_PATCH = {  # one RFC 6902 operation
    "type": "object",
    "required": ["op", "path"],
    "properties": {
        "op": {"type": "string"},
        "path": {"type": "string"},
        "value": {},
    },
}

SPEC: Dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Pet Store", "version": "1.0.0"},
    "servers": [{"url": "https://pets.example.com/v1"}],
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "parameters": [
                    {
                        "name": "tags",
                        "in": "query",
                        "style": "spaceDelimited",
                        "explode": False,
                        "schema": _STRINGS,
                    },
                    {
                        "name": "kinds",
                        "in": "query",
                        "style": "pipeDelimited",
                        "explode": False,
                        "schema": _STRINGS,
                    },
                    {
                        "name": "filter",
                        "in": "query",
                        "style": "deepObject",
                        "explode": True,
                        "schema": {
                            "type": "object",
                            "properties": {"age": {"type": "integer"}},
                        },
                    },
                    {
                        "name": "where",
                        "in": "query",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"name": {"type": "string"}},
                                }
                            }
                        },
                    },
                    {"$ref": "#/components/parameters/Limit"},
                    {
                        "name": "X-Trace",
                        "in": "header",
                        "schema": _STRINGS,
                        "description": "Trace ids.",
                    },
                ],
                "responses": _ok({"type": "array", "items": _PET_OUT}),
            },
            "post": {
                "operationId": "createPet",
                "parameters": [
                    {
                        "name": "X-Request-ID",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": "Idempotency of the call.",
                    },
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                    {"name": "Accept", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _PET}},
                },
                "responses": _ok(),
            },
        },
        "/pets/batch": {
            "post": {
                "operationId": "createPets",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"type": "array", "items": _PET}}
                    },
                },
                "responses": _ok(),
            }
        },
        "/patches": {
            "post": {
                "operationId": "patchPets",
                "requestBody": {
                    "required": True,
                    "content": {
                        media_type: {"schema": {"type": "array", "items": _PATCH}}
                        for media_type in (
                            "application/json",
                            "application/json-patch+json",
                        )
                    },
                },
                "responses": _ok(),
            }
        },
        "/pets/{petId}": {
            "parameters": [
                {
                    "name": "petId",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer"},
                }
            ],
            "put": {
                "operationId": "updatePet",
                "requestBody": {
                    "content": {
                        "application/json": {"schema": _PET},
                        "application/x-www-form-urlencoded": {"schema": _PET},
                        "application/xml": {"schema": _PET},
                    }
                },
                "responses": _ok(),
            },
            "patch": {
                "operationId": "patchPet",
                "requestBody": {"$ref": "#/components/requestBodies/PetPatch"},
                "responses": _ok(),
            },
        },
        "/pets/{petId}/photos": {
            "servers": [{"url": "https://uploads.example.com/v1"}],
            "post": {
                "operationId": "uploadPhotos",
                "parameters": [
                    {
                        "name": "petId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["photos"],
                                "properties": {
                                    "photos": {
                                        "type": "array",
                                        "items": {
                                            "type": "string",
                                            "format": "binary",
                                        },
                                    },
                                    "caption": {"type": "string"},
                                    "meta": {
                                        "type": "object",
                                        "properties": {"w": {"type": "integer"}},
                                    },
                                },
                            },
                            "encoding": {"meta": {"contentType": "application/json"}},
                        }
                    }
                },
                "responses": _ok(),
            },
        },
        "/pets/{petId}/avatar": {
            "put": {
                "operationId": "putAvatar",
                "parameters": [
                    {
                        "name": "petId",
                        "in": "path",
                        "required": True,
                        "style": "label",
                        "schema": {"type": "integer"},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "image/png": {"schema": {"type": "string", "format": "binary"}},
                        "image/jpeg": {
                            "schema": {"type": "string", "format": "binary"}
                        },
                    },
                },
                "responses": _ok(),
            }
        },
        "/tags": {
            "put": {
                "operationId": "setTags",
                "requestBody": {
                    "content": {"application/json": {"schema": _STRINGS}},
                },
                "responses": _ok(),
            }
        },
        "/notes": {
            "post": {
                "operationId": "addNote",
                "requestBody": {
                    "required": True,
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                },
                "responses": _ok(),
            }
        },
    },
    "components": {
        "schemas": {
            "Pet": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "maxLength": 20},
                    "tag": {"type": "string"},
                    "content_type": {"type": "string"},
                },
            }
        },
        "parameters": {
            "Limit": {
                "name": "limit",
                "in": "query",
                "schema": {"type": "integer", "maximum": 100},
            }
        },
        "requestBodies": {
            "PetPatch": {
                "content": {
                    "application/merge-patch+json": {
                        "schema": {
                            "type": "object",
                            "properties": {"tag": {"type": "string", "nullable": True}},
                        }
                    }
                }
            }
        },
    },
}


def write_package(spec: Dict[str, Any], root: Path, package: str) -> Path:
    """Generate `spec` as `package` under `root` (not formatted: black changes no
    behaviour); return the package folder."""
    api = lower_document(
        parse_document(spec), Selection(all=True), spec_sha256="0" * 64
    )
    for name, text in render(api, RenderOptions(package=package)).items():
        if name.startswith(f"{package}/"):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
    return root / package


@pytest.fixture(scope="module")
def package_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("requests")
    write_package(SPEC, root, PACKAGE)
    return root


@pytest.fixture(scope="module")
def pets(package_root: Path) -> Iterator[types.ModuleType]:
    sys.path.insert(0, str(package_root))
    importlib.invalidate_caches()
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(package_root))
        for module in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[module]


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    """The scripted server, answering PUT and PATCH as well."""
    scripted = ScriptedServer()
    handler: Any = scripted._server.RequestHandlerClass
    handler.do_PUT = handler.do_PATCH = handler.do_GET
    scripted.start()
    try:
        yield scripted
    finally:
        scripted.stop()


def _client(sdk: types.ModuleType, server: ScriptedServer) -> Any:
    return sdk.Client(base_url=server.url, max_retries=0)


def test_generated_package_passes_mypy_strict(package_root: Path) -> None:
    """Users call the methods with literals; a script doing so must type-check too."""
    script = package_root / "use_pets.py"
    script.write_text(
        "from requests_sdk import Client\n"
        "client = Client()\n"
        "client.pets.create(name='Rex', x_request_id='r1', session='s')\n"
        "from requests_sdk.params.pets import PetParam\n"
        "pet: PetParam = {'name': 'b', 'tag': 't'}\n"
        "client.pets.batch(body=[{'name': 'a'}, pet])\n"
        "client.pets.replace(\n    5, name='Rex', content_type='application/x-www-form-urlencoded'\n)\n"
        "client.pets.photos(3, photos=[b'1', b'2'], meta={'w': 2})\n"
        "client.pets.avatar.update(7, body=b'png', content_type='image/jpeg')\n"
        "client.notes.create(body='hello')\n"
        "client.tags.update()\n"
        "client.tags.update(body=['a'])\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", PACKAGE, "use_pets.py"],
        cwd=package_root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_json_body_header_and_cookie(
    pets: types.ModuleType, server: ScriptedServer
) -> None:
    server.script(Reply(body={"id": 1, "name": "Rex"}))
    with _client(pets, server) as client:
        pet = client.pets.create(
            name="Rex", tag="dog", x_request_id="r-1", session="a b"
        )
    assert pet.name == "Rex"
    sent = server.requests[0]
    assert sent.method == "POST" and sent.path == "/pets"
    assert sent.headers["content-type"] == "application/json"
    assert json.loads(sent.body) == {"name": "Rex", "tag": "dog"}
    assert sent.headers["x-request-id"] == "r-1"
    assert sent.headers["cookie"] == "session=a%20b"


def test_json_body_is_validated_before_sending(
    pets: types.ModuleType, server: ScriptedServer
) -> None:
    with _client(pets, server) as client:
        with pytest.raises(pets.InvalidParamsError) as raised:
            client.pets.create(name="x" * 21, x_request_id="r")
    assert "name" in str(raised.value)
    assert server.requests == []


def test_array_body_is_one_argument(
    pets: types.ModuleType, server: ScriptedServer
) -> None:
    server.script(Reply(body={"id": 1}))
    with _client(pets, server) as client:
        client.pets.batch(body=[{"name": "a"}, {"name": "b", "tag": "t"}])
    assert json.loads(server.requests[0].body) == [
        {"name": "a"},
        {"name": "b", "tag": "t"},
    ]


def test_array_body_offered_in_two_media_types_is_sent_as_itself(
    pets: types.ModuleType, server: ScriptedServer
) -> None:
    """Not as the one key of its ``TypedDict`` (``{"body": [...]}``)."""
    server.script(Reply(body={"id": 1}))
    patch = {"op": "replace", "path": "/name", "value": "b"}
    with _client(pets, server) as client:
        client.patches.create(body=[patch], content_type="application/json-patch+json")
    (sent,) = server.requests
    assert json.loads(sent.body) == [patch]
    assert sent.headers["content-type"] == "application/json-patch+json"


def test_caller_chooses_the_media_type(
    pets: types.ModuleType, server: ScriptedServer
) -> None:
    server.script(Reply(body={"id": 5}), Reply(body={"id": 5}))
    with _client(pets, server) as client:
        client.pets.replace(5, name="Rex", content_type_2="ct")
        client.pets.replace(
            5, name="Rex", content_type="application/x-www-form-urlencoded"
        )
    first, second = server.requests
    assert first.path == "/pets/5"
    assert first.headers["content-type"] == "application/json"
    assert json.loads(first.body) == {"name": "Rex", "content_type": "ct"}
    assert second.headers["content-type"] == "application/x-www-form-urlencoded"
    assert second.body == b"name=Rex"


def test_request_body_ref_and_plus_json_media_type(
    pets: types.ModuleType, server: ScriptedServer
) -> None:
    server.script(Reply(body={"id": 5}))
    with _client(pets, server) as client:
        client.pets.update(5, tag="t")
    sent = server.requests[0]
    assert sent.method == "PATCH"
    assert sent.headers["content-type"] == "application/merge-patch+json"
    assert json.loads(sent.body) == {"tag": "t"}


def test_multipart_array_of_files_and_json_part(
    pets: types.ModuleType, server: ScriptedServer
) -> None:
    server.script(Reply(body={"id": 3}))
    with _client(pets, server) as client:
        client.pets.photos(
            3, photos=[b"first-file", b"second-file"], caption="c", meta={"w": 2}
        )
    sent = server.requests[0]
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    body = sent.body
    assert body.count(b'name="photos"') == 2
    assert b"first-file" in body and b"second-file" in body
    assert b'name="caption"' in body
    meta = body.split(b'name="meta"', 1)[1]
    assert b"Content-Type: application/json" in meta.split(b"\r\n\r\n", 1)[0]
    assert meta.split(b"\r\n\r\n", 1)[1].startswith(b'{"w":2}')


def test_binary_body_with_chosen_type_and_label_path(
    pets: types.ModuleType, server: ScriptedServer
) -> None:
    server.script(Reply(body={"id": 7}), Reply(body={"id": 7}))
    with _client(pets, server) as client:
        client.pets.avatar.update(7, body=b"\x89PNG")
        client.pets.avatar.update(7, body=b"\xff\xd8", content_type="image/jpeg")
    first, second = server.requests
    assert first.path == "/pets/.7/avatar"
    assert first.body == b"\x89PNG"
    assert first.headers["content-type"] == "image/png"
    assert second.headers["content-type"] == "image/jpeg"


def test_text_body(pets: types.ModuleType, server: ScriptedServer) -> None:
    server.script(Reply(body={"id": 1}))
    with _client(pets, server) as client:
        client.notes.create(body="héllo")
    sent = server.requests[0]
    assert sent.body == "héllo".encode()
    assert sent.headers["content-type"].startswith("text/plain")


def test_query_styles_and_header_array(
    pets: types.ModuleType, server: ScriptedServer
) -> None:
    server.script(Reply(body="[]", headers={"Content-Type": "application/json"}))
    with _client(pets, server) as client:
        client.pets.list(
            tags=["a", "b c"],
            kinds=["x", "y"],
            filter={"age": 3},
            where={"name": "Rex"},
            limit=10,
            x_trace=["t1", "t2"],
        )
    sent = server.requests[0]
    assert sent.path == (
        "/pets?tags=a%20b+c"  # spaceDelimited: the delimiter %20, a space in a value +
        "&kinds=x|y"  # pipeDelimited
        "&filter[age]=3"  # deepObject
        "&where=%7B%22name%22%3A%22Rex%22%7D"  # content: application/json
        "&limit=10"
    )
    assert sent.headers["x-trace"] == "t1,t2"
    assert (
        "accept" in sent.headers
    )  # the spec's Accept parameter is ignored, as OpenAPI says


def test_optional_array_body_is_left_out_when_not_given(
    pets: types.ModuleType, server: ScriptedServer
) -> None:
    server.script(Reply(body={"id": 1}), Reply(body={"id": 1}))
    with _client(pets, server) as client:
        client.tags.update()
        client.tags.update(body=["a", "b"])
    first, second = server.requests
    assert first.body == b"" and "content-type" not in first.headers
    assert json.loads(second.body) == ["a", "b"]

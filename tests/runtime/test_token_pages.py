"""Another API's paging, as `[tool.codegen.pagination]` describes it, end to end.

A small spec of our own whose list call pages by an `after` cursor, the items under `files`
and the next cursor at `meta.cursor.next`, is lowered with that paging, rendered, imported,
and walked over a real socket; a user script calling it passes `mypy --strict`.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import types
from pathlib import Path
from typing import Any, Dict, Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest

from generator.lower import Selection, TokenPaging, lower_document
from generator.render import RenderOptions, render
from generator.spec import parse_document

from .conftest import Reply, ScriptedServer

PACKAGE = "token_pages_sdk"
PAGING = TokenPaging(
    cursor_parameter="after", items="files", next_cursor="meta.cursor.next"
)


def _object(properties: Dict[str, Any], *required: str) -> Dict[str, Any]:
    schema: Dict[str, Any] = {"type": "object", "properties": properties}
    return {**schema, "required": list(required)} if required else schema


SPEC: Dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Files API", "version": "1"},
    "servers": [{"url": "https://files.example.com"}],
    "paths": {
        "/files": {
            "get": {
                "operationId": "listFiles",
                "parameters": [
                    {"name": "after", "in": "query", "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {
                    "200": {
                        "description": "a page of files",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/FilePage"}
                            }
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "File": _object({"name": {"type": "string"}}, "name"),
            "FilePage": _object(
                {
                    "files": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/File"},
                    },
                    "meta": _object(
                        {
                            "cursor": _object(
                                {"next": {"type": "string", "nullable": True}}
                            )
                        }
                    ),
                },
                "files",
            ),
        }
    },
}


@pytest.fixture(scope="module")
def package_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("token_pages")
    api = lower_document(
        parse_document(SPEC), Selection(all=True), spec_sha256="0" * 64, paging=PAGING
    )
    for name, text in render(api, RenderOptions(package=PACKAGE)).items():
        if name.startswith(f"{PACKAGE}/"):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def sdk(package_root: Path) -> Iterator[types.ModuleType]:
    sys.path.insert(0, str(package_root))
    importlib.invalidate_caches()
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(package_root))
        for module in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[module]


def _page(names: str, following: Any) -> Reply:
    files = [{"name": name} for name in names]
    return Reply(body={"files": files, "meta": {"cursor": {"next": following}}})


def test_the_list_call_walks_every_page_by_the_cursor(
    sdk: types.ModuleType, server: ScriptedServer
) -> None:
    server.script(_page("ab", "c2"), _page("cd", "c4"), _page("e", None))
    with sdk.Client(base_url=server.url, max_retries=0) as client:
        page = client.files.list(limit=2)
        assert [f.name for f in page.data] == ["a", "b"]
        assert page.next_page_token == "c2"
        assert [f.name for f in page] == ["a", "b", "c", "d", "e"]
    queries = [parse_qsl(urlsplit(r.path).query) for r in server.requests]
    assert queries == [
        [("limit", "2")],
        [("limit", "2"), ("after", "c2")],
        [("limit", "2"), ("after", "c4")],
    ]


def test_a_script_walking_the_pages_passes_mypy_strict(package_root: Path) -> None:
    script = package_root / "walk_files.py"
    script.write_text(
        f"from {PACKAGE} import Client\n"
        f"from {PACKAGE}.models import File\n"
        "with Client() as client:\n"
        "    page = client.files.list(limit=10)\n"
        "    first: list[File] = page.data\n"
        "    cursor: str | None = page.next_page_token\n"
        "    names = [file.name for file in page]\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", PACKAGE, "walk_files.py"],
        cwd=package_root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr

"""The golden test: a small spec of our own that uses every construct codegen supports, and its
whole expected output tree (package, docs, reference, manifest) committed beside it.

``codegen check`` regenerates the tree in memory and must find no byte of drift; on drift the
test prints the diff. A change of output made on purpose is committed by refreshing the tree
(see the README, "The golden test"):

    .venv/bin/codegen generate --config tests/golden/pyproject.toml

The generated package is also imported under another name (it is vendorable) and checked
with ``mypy --strict``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

import pytest

from conftest import import_copy

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SPEC = GOLDEN / "feature.yaml"
CONFIG = GOLDEN / "pyproject.toml"
EXPECTED = GOLDEN / "expected"
PACKAGE = "orchard_client"
REFRESH = ".venv/bin/codegen generate --config tests/golden/pyproject.toml"


def codegen(*args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI, in a subprocess, on the golden settings."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_expected_tree_matches_the_generator_byte_for_byte() -> None:
    run = codegen(
        "check",
        "--config",
        str(CONFIG),
        "--spec",
        str(SPEC),
        "--all",
        "--output",
        str(EXPECTED),
        "--package",
        PACKAGE,
        "--diff",
    )
    assert run.returncode == 0, (
        f"tests/golden/expected/ is out of date (exit {run.returncode}). If the change of"
        f" output is on purpose, refresh it with `{REFRESH}` and review the diff.\n"
        + run.stdout
        + run.stderr
    )


def test_the_expected_tree_has_every_kind_of_output() -> None:
    """A stray refresh into the wrong folder, or a half-empty tree, is caught here."""
    files = {p.relative_to(EXPECTED).as_posix() for p in EXPECTED.rglob("*")}
    for expected in (
        ".codegen-manifest.json",
        f"{PACKAGE}/__init__.py",
        f"{PACKAGE}/models/__init__.py",
        f"{PACKAGE}/models/tree.py",
        f"{PACKAGE}/models/fruit.py",  # an alias (a union of two models)
        f"{PACKAGE}/py.typed",
        f"{PACKAGE}/resources/trees.py",
        f"{PACKAGE}/params/photos.py",
        "docs/index.md",
        "docs/models.md",
        "docs/operations/trees.create.md",  # pages are named by call
        "reference/index.html",
        "reference/operations/photos.create.html",
    ):
        assert expected in files, expected


def test_the_config_refreshes_exactly_the_checked_tree() -> None:
    """The one documented refresh command (config only) means the same as the check's options."""
    text = CONFIG.read_text(encoding="utf-8")
    assert 'spec = "feature.yaml"' in text
    assert 'output = "expected"' in text
    assert f'package = "{PACKAGE}"' in text
    assert "all = true" in text
    assert REFRESH in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The expected package, copied and imported as ``golden_orchard``."""
    module = import_copy(
        EXPECTED / PACKAGE, tmp_path_factory.mktemp("golden"), "golden_orchard"
    )
    yield module
    for key in [k for k in sys.modules if k.split(".")[0] == "golden_orchard"]:
        del sys.modules[key]


def test_the_golden_package_imports_under_another_name(golden: ModuleType) -> None:
    from golden_orchard import models  # type: ignore[import-not-found]

    assert golden.Client.__name__ == "Client"
    with golden.Client(bearer_token="tok_golden") as client:
        assert callable(client.trees.list)
        assert callable(client.trees.fruits.retrieve)  # a sub-resource
        assert callable(client.photos.create)
        assert not hasattr(client.trees, "get_trees_iter")  # the *_iter twins are gone
    # the discriminated union on `object` and an expandable field parse
    tree = models.Tree.model_validate(
        {
            "id": "tr_1",
            "object": "tree",
            "species": "pear",
            "status": "a new status",
            "created": 1,
            "metadata": {"k": "v"},
            "owner": {"id": "fa_1", "object": "farmer", "name": "Ada"},
            "latest_fruit": {"id": "fr_1", "object": "pear", "weight": 180},
        }
    )
    assert type(tree.owner).__name__ == "Farmer"
    assert type(tree.latest_fruit).__name__ == "Pear"


TREE = {
    "id": "tr_1",
    "object": "tree",
    "species": "pear",
    "status": "grown",
    "created": 1,
    "metadata": {},
}


def answer(request: httpx.Request) -> httpx.Response:
    """A canned orchard: enough of each endpoint to exercise the generated calls."""
    path, query = request.url.path, dict(request.url.params)
    if path == "/v1/trees" and request.method == "GET":
        last = query.get("starting_after") == "tr_1"
        data = [{**TREE, "id": "tr_2"}] if last else [TREE]
        page = {"object": "list", "url": path, "has_more": not last, "data": data}
        return httpx.Response(200, json=page)
    if path == "/v1/trees/tr_1/fruits/fr_1":
        return httpx.Response(200, json={"id": "fr_1", "object": "pear", "weight": 180})
    if path == "/v1/harvests/ha_1/report":
        return httpx.Response(
            200, content=b"%PDF-1.7", headers={"content-type": "application/pdf"}
        )
    if path == "/v1/photos":
        photo = {"id": "ph_1", "object": "photo", "purpose": "tree_photo", "size": 3}
        return httpx.Response(200, json=photo)
    if path == "/v1/trees/missing":
        error = {"type": "invalid_request_error", "message": "No such tree"}
        return httpx.Response(404, json={"error": error})
    return httpx.Response(200, json=TREE)


def test_the_golden_package_calls_the_wire_as_the_spec_says(golden: ModuleType) -> None:
    from golden_orchard.params.trees import (  # type: ignore[import-not-found]
        GraftParams,
        LocationParams,
        RangeQuery,
    )

    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answer(request)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with golden.Client(
        bearer_token="tok_golden", session_api_key="s_golden", http_client=http
    ) as client:
        # list pagination: the second page starts after the last item of the first
        pages = client.trees.list(
            limit=1, planted=RangeQuery(gte=5), species=["pear", "fig"]
        )
        assert [t.id for t in pages.data] == ["tr_1"] and pages.has_more
        assert len(sent) == 1  # the first page only, until more is asked for
        assert [t.id for t in pages] == ["tr_1", "tr_2"]
        first, second = (dict(r.url.params) for r in sent[:2])
        # deepObject for the range, form (not exploded) for the list
        assert first == {"limit": "1", "planted[gte]": "5", "species": "pear,fig"}
        assert second == {**first, "starting_after": "tr_1"}
        # a form body with a nested object, an array of objects, a map and `""`
        sent.clear()
        client.trees.create(
            species="pear",
            location=LocationParams(row=2),
            grafts=[GraftParams(variety="conference", year=2020)],
            metadata={"order": "7"},
            notes="",
        )
        body = urllib.parse.parse_qsl(sent[0].content.decode(), keep_blank_values=True)
        assert body == [
            ("species", "pear"),
            ("location[row]", "2"),
            ("grafts[0][variety]", "conference"),
            ("grafts[0][year]", "2020"),
            ("metadata[order]", "7"),
            ("notes", ""),
        ]
        assert sent[0].headers["content-type"] == "application/x-www-form-urlencoded"
        # path parameters in URL order, and the union told apart by `object`
        fruit = client.trees.fruits.retrieve("tr_1", "fr_1")
        assert type(fruit).__name__ == "Pear"
        # a binary response, and multipart to the operation's own server
        assert client.harvests.report("ha_1") == b"%PDF-1.7"
        sent.clear()
        client.photos.create(file=b"jpg", purpose="tree_photo")
        assert sent[0].url.host == "uploads.orchard.test"
        assert sent[0].headers["content-type"].startswith("multipart/form-data")
        # errors raise the exception of their status, with the spec's typed error body
        try:
            client.trees.retrieve("missing")
        except golden.NotFoundError as error:
            caught: Any = error
        else:
            raise AssertionError("no exception")
        assert caught.status_code == 404
        assert caught.body.error.message == "No such tree"
        assert sent[-1].headers["authorization"] == "Bearer tok_golden"


def test_the_golden_package_sends_json_and_reads_text_empty_and_token_pages(
    golden: ModuleType,
) -> None:
    """A JSON body with a request class of a component and a subtype of a discriminated
    base, a text response, a response without a body, and the configured paging."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        path, after = request.url.path, request.url.params.get("after")
        if path == "/v1/visitors":
            return httpx.Response(204)
        if path == "/v1/orchards/or_1/notes":
            return httpx.Response(
                200, text="Pr\u00fcne in May", headers={"content-type": "text/plain"}
            )
        assert path == "/v1/seasons"
        names, following = (["autumn"], None) if after else (["spring", "summer"], "c2")
        seasons = [{"id": f"se_{n}", "name": n} for n in names]
        return httpx.Response(
            200, json={"seasons": seasons, "meta": {"next": following}}
        )

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with golden.Client(bearer_token="tok_golden", http_client=http) as client:
        done = client.visitors.create(
            visitor={"kind": "bee", "pollen": True}, seen_by={"name": "Ada"}
        )
        assert done is None
        assert sent[0].headers["authorization"] == "Bearer tok_golden"
        assert json.loads(sent[0].content) == {
            "visitor": {"kind": "bee", "pollen": True},
            "seen_by": {"name": "Ada"},
        }
        assert client.orchards.notes("or_1") == "Pr\u00fcne in May"
        sent.clear()
        assert [s.name for s in client.seasons.list(limit=2)] == [
            "spring",
            "summer",
            "autumn",
        ]
        assert [dict(r.url.params) for r in sent] == [
            {"limit": "2"},
            {"limit": "2", "after": "c2"},
        ]
        with pytest.raises(golden.InvalidParamsError):  # a bird has no pollen
            client.visitors.create(visitor={"kind": "bird", "pollen": True})


def test_the_golden_package_passes_mypy_strict(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            PACKAGE,
        ],
        cwd=EXPECTED,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Success: no issues found" in run.stdout

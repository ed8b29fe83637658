"""Input limits, end to end through the CLI (issue 9): alias bombs, duplicate keys, documents
and schemas nested too deep. Each case ends in one of the two outcomes of the hostile tests
(``hostile_support``): exit 0 with code that compiles and imports, or exit 2 with one short
message naming the problem, where it is (a JSON pointer or a line) and how to fix it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from hostile_support import (
    Case,
    Run,
    run_case,
    run_cli,
    write_config,
    write_spec,
)
from support.specs import (
    THING,
    alias_bomb,
    document,
    form_body,
    ok_response,
    operation,
)

DUPLICATE_PATHS = """openapi: 3.0.3
info: {title: Dup, version: '1'}
servers: [{url: 'https://api.example.test'}]
paths:
  /v1/things:
    get:
      operationId: GetThings
      responses: {'200': {description: ok}}
  /v1/things:
    post:
      operationId: PostThings
      responses: {'200': {description: ok}}
"""

DUPLICATE_JSON_OPERATION = (
    '{"openapi": "3.0.3", "info": {"title": "Dup", "version": "1"}, "paths": '
    '{"/v1/things": {"get": {"operationId": "GetThings", "responses": {"200": '
    '{"description": "ok"}}}, "get": {"operationId": "GetThingsAgain", "responses": '
    '{"200": {"description": "ok"}}}}}}'
)


def one_get(schema: Any, schemas: Any = None) -> dict[str, Any]:
    return document(
        {"/v1/things": {"get": operation("GetThings", response=ok_response(schema))}},
        schemas,
    )


def objects(depth: int, leaf: dict[str, Any]) -> dict[str, Any]:
    schema = leaf
    for level in reversed(range(depth)):
        schema = {
            "type": "object",
            "properties": {f"level{level}": schema, "name": {"type": "string"}},
        }
    return schema


def containers(depth: int, leaf: dict[str, Any], kind: str) -> dict[str, Any]:
    """``depth`` nullable arrays (or maps) around ``leaf``: two brackets a level."""
    schema = leaf
    for _ in range(depth):
        schema = (
            {"type": "array", "items": schema, "nullable": True}
            if kind == "array"
            else {"type": "object", "additionalProperties": schema, "nullable": True}
        )
    return schema


def at_the_limits() -> dict[str, Any]:
    """The deepest schemas accepted: 64 levels below a request body, a response's root being
    a level of its own."""
    leaf = {"type": "string", "maxLength": 5}
    body = form_body(
        {
            "objects": objects(63, leaf),
            "arrays": containers(62, leaf, "array"),
            "maps": containers(62, leaf, "map"),
        }
    )
    response = {
        "type": "object",
        "properties": {
            "objects": objects(62, {"type": "string", "enum": ["a", "b"]}),
            "arrays": containers(
                61, {"anyOf": [{"type": "string"}, {"type": "integer"}]}, "array"
            ),
            "maps": containers(61, leaf, "map"),
        },
    }
    return document(
        {
            "/v1/things": {
                "post": operation(
                    "PostThings", body=body, response=ok_response(response)
                )
            }
        }
    )


def component_chain(length: int) -> dict[str, Any]:
    schemas = {
        f"C{n}": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "next": {"$ref": f"#/components/schemas/C{n + 1}"},
            },
        }
        for n in range(length)
    }
    schemas[f"C{length}"] = {"type": "object", "properties": {"id": {"type": "string"}}}
    return one_get({"$ref": "#/components/schemas/C0"}, schemas)


def nested_lists(depth: int) -> str:
    return "[" * depth + "]" * depth


CASES = [
    Case(
        "yaml-alias-bomb",
        alias_bomb(),
        "error",
        message=r"more than 2,000,000 values once its YAML aliases are expanded.*line 16",
    ),
    Case(
        "yaml-duplicate-paths",
        DUPLICATE_PATHS,
        "error",
        message=r"duplicate key '/v1/things' at line 9 \(first at line 5\)",
    ),
    Case(
        "json-duplicate-operation",
        DUPLICATE_JSON_OPERATION,
        "error",
        message=r"duplicate key 'get'(.|\n)*at: /paths/~1v1~1things/get",
        fmt="json",
    ),
    Case(
        # Each object in place is a class of its own: only the document's limit binds.
        "objects-100-deep",
        one_get(objects(100, {"type": "string"})),
        "ok",
        fmt="json",  # too deep for PyYAML's (recursive) dumper
    ),
    Case(
        # Two mappings a level: the document's own limit comes first.
        "objects-200-deep",
        one_get(objects(200, {"type": "string"})),
        "error",
        message=r"nested deeper than 256 levels of mappings(.|\n)*at: /paths/.*/level123\n",
        fmt="json",
    ),
    Case(
        "arrays-200-deep",
        one_get(containers(200, {"type": "string"}, "array")),
        "error",
        message=r"schema nested deeper than 64 levels(.|\n)*at: /paths/\S*/schema(/items){64}\n",
        fmt="json",
    ),
    Case(
        "document-300-deep",
        '{"openapi": "3.0.3", "x-deep": ' + nested_lists(300) + "}",
        "error",
        message=r"nested deeper than 256 levels(.|\n)*at: /x-deep/0/0",
        fmt="json",
    ),
    Case(
        "json-nested-past-the-interpreter-limit",
        '{"openapi": "3.0.3", "x-deep": ' + nested_lists(50_000) + "}",
        "error",
        message=r"nested deeper than 256 levels",
        fmt="json",
    ),
    Case("nesting-at-the-limits", at_the_limits(), "ok", fmt="json"),
    Case("chain-of-250-components", component_chain(250), "ok", fmt="json"),
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    base = tmp_path_factory.mktemp("limits")
    previous = _baseline(base / "baseline")

    def one(item: tuple[int, Case]) -> Run:
        index, case = item
        return run_case(
            case, base / f"case{index:02d}", f"limits_{index:02d}", previous
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(one, enumerate(CASES)))
    return {run.case.id: run for run in results}


def _baseline(root: Path) -> Path:
    """A previous generation to start each case from (and, on failure, to keep)."""
    spec = write_spec(
        Case(
            "baseline",
            one_get({"$ref": "#/components/schemas/Thing"}, {"Thing": THING}),
            "ok",
        ),
        root,
    )
    output = root / "generated"
    args = ["generate", "--config", str(write_config(root)), "--spec", str(spec)]
    result = run_cli([*args, "--output", str(output), "--all"], cwd=root)
    assert result.returncode == 0, result.stderr
    return output


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_limit(case: Case, runs: dict[str, Run]) -> None:
    run = runs[case.id]
    assert (
        run.outcome == case.expect
    ), f"stderr:\n{run.stderr}\nproblems: {run.problems}"
    assert not run.problems, "\n".join(run.problems) + f"\nstderr:\n{run.stderr}"


@pytest.mark.parametrize(
    "case_id", ["nesting-at-the-limits", "chain-of-250-components"]
)
def test_code_at_the_limits_imports(case_id: str, runs: dict[str, Run]) -> None:
    run = runs[case_id]
    assert run.outcome == "ok", run.stderr
    script = (
        f"import {run.package}.models as models, {run.package}.params.things as params\n"
        "for module in (models, params):\n"
        "    for value in vars(module).values():\n"
        "        if hasattr(value, 'model_rebuild'):\n"
        "            value.model_rebuild()\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=run.output,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_the_cases_are_what_they_claim() -> None:
    bomb = alias_bomb()
    assert len(bomb.encode()) < 600 and 9**7 > 2_000_000
    doc = json.dumps(at_the_limits())
    assert doc.count('"level62"') == 1 and doc.count('"level61"') == 2

"""Property-based hostile input: random small specs made of the ingredients of issue 5.

Hypothesis builds specs from hostile names (keywords, builtins, pydantic attributes,
punctuation, non-ASCII, empty, colliding pairs, random text), hostile texts, odd enums,
nested and recursive schemas with ``$ref`` cycles (and the odd missing target), and a few
operations with colliding or absent IDs. Each spec goes through the real pipeline in-process
(load, parse, lower, render, format, write) and must end in one of the two outcomes of
``test_hostile``: a ``CodegenError`` with a JSON pointer and the previous output untouched, or
a written package that compiles and has sane files. The packages written are then imported
and round-tripped by ``hostile_probe`` and checked by ``black --check`` and ``mypy --strict``,
once for the whole batch. Examples are derandomised, so every run tries the same specs.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.errors import CodegenError
from generator.settings import Settings
from hostile_support import (
    NAMES,
    TEXTS,
    Case,
    Run,
    batch_tools,
    check_success,
    probe,
    snapshot,
)
from support.specs import (
    THING,
    document,
    ok_response,
)

#: HOSTILE_EXAMPLES=500 HOSTILE_SEED=7 explore further than the default, deterministic run.
MAX_EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "25"))
SEED = os.environ.get("HOSTILE_SEED")
COMPONENTS = [
    "Thing",
    "Node",
    "class",
    "Foo",
    "foo",
    "名前",
    "Client",
    "1st",
    "foo-bar",
    "foo_bar",
]
OPERATION_IDS = [
    "GetThing",
    "get-thing",
    "get_thing",
    "class",
    "a/b",
    "../x",
    "..",
    "",
    "名前",
    "1st",
]
GROUPS = [
    "things",
    "class",
    "close",
    "foo-bar",
    "foo_bar",
    "ünï",
    "models",
    "1st",
    "with space",
]

# --- strategies ------------------------------------------------------------------------------------

plain_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12
)  # any character but lone surrogates (not encodable)
names = st.one_of(st.sampled_from(NAMES), plain_text)
texts = st.one_of(st.sampled_from(TEXTS), plain_text)
scalars = st.one_of(
    st.sampled_from(["", "a", "class", '"""', "a b", "1", "\x00", "ü"]),
    st.integers(-2, 2),
    st.booleans(),
    st.floats(width=32),
    st.none(),
)
enums = st.lists(scalars, min_size=1, max_size=5)


def schemas(refs: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    leaves = [
        st.just({}),
        st.builds(lambda d: {"type": "string", "description": d}, texts),
        st.sampled_from(
            [
                {"type": "integer"},
                {"type": "number"},
                {"type": "boolean"},
                {"type": "string", "nullable": True},
                {"type": "string", "format": "binary"},
                {"type": "string", "maxLength": 5000},
            ]
        ),
        st.builds(lambda v: {"enum": v}, enums),
        st.builds(
            lambda v, d: {"type": "string", "enum": v, "description": d}, enums, texts
        ),
    ]
    if refs:
        leaves.append(
            st.sampled_from([{"$ref": f"#/components/schemas/{r}"} for r in refs])
        )

    def extend(
        children: st.SearchStrategy[dict[str, Any]],
    ) -> st.SearchStrategy[dict[str, Any]]:
        objects = st.builds(
            lambda props, title: {
                "type": "object",
                "properties": props,
                **({"required": list(props)[::2]} if props else {}),
                **({"title": title} if title else {}),
            },
            st.dictionaries(names, children, max_size=4),
            st.one_of(st.none(), texts),
        )
        return st.one_of(
            objects,
            st.builds(lambda i: {"type": "array", "items": i}, children),
            st.builds(
                lambda m: {"anyOf": m}, st.lists(children, min_size=1, max_size=3)
            ),
            st.builds(
                lambda m: {"allOf": m}, st.lists(objects, min_size=2, max_size=2)
            ),
            st.builds(
                lambda v: {"type": "object", "additionalProperties": v}, children
            ),
        )

    return st.recursive(st.one_of(*leaves), extend, max_leaves=6)


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    component_names = draw(
        st.lists(st.sampled_from(COMPONENTS), unique=True, max_size=3)
    )
    refs = component_names + (["Missing"] if draw(st.integers(0, 9)) == 0 else [])
    schema = schemas(refs)
    components = {name: draw(schema) for name in component_names}
    components.setdefault("Thing", THING)
    paths: dict[str, Any] = {}
    for index in range(draw(st.integers(1, 3))):
        group = draw(st.sampled_from(GROUPS))
        method = draw(st.sampled_from(["get", "post", "delete"]))
        op: dict[str, Any] = {"description": draw(texts), "summary": draw(texts)}
        op_id = draw(st.one_of(st.none(), st.sampled_from(OPERATION_IDS), plain_text))
        if op_id is not None:
            op["operationId"] = op_id
        path = f"/v1/{group}/op{index}"
        parameters = []
        if draw(st.booleans()):
            name = draw(
                st.sampled_from([n for n in NAMES if n and not set(n) & set("/{}")])
            )
            path += "/{" + name + "}"
            parameters.append(
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
            )
        for name, query_schema in draw(
            st.dictionaries(names, schema, max_size=3)
        ).items():
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "schema": query_schema,
                    "description": draw(texts),
                }
            )
        if parameters:
            op["parameters"] = parameters
        if method == "post":
            body = draw(st.dictionaries(names, schema, max_size=4))
            media = draw(
                st.sampled_from(
                    ["application/x-www-form-urlencoded", "multipart/form-data"]
                )
            )
            op["requestBody"] = {
                "content": {media: {"schema": {"type": "object", "properties": body}}}
            }
        op["responses"] = ok_response(draw(schema), description=draw(texts))
        paths[path] = {method: op}
    doc = document(
        paths,
        components,
        title=draw(texts),
        api_version=draw(st.sampled_from(["2024-01-01", '1"\n2'])),
    )
    return doc


# --- the property ------------------------------------------------------------------------------------


def test_random_hostile_specs(tmp_path: Path) -> None:
    previous = _previous_output(tmp_path / "previous")
    written: list[Run] = []
    counts = {"ok": 0, "error": 0}
    numbers = itertools.count()

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=SEED is None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        # no shrinking: the specs are small already, and shrinking a slow test takes minutes
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
    )
    @seed(int(SEED or 0))
    @given(spec=specs())
    def one(spec: dict[str, Any]) -> None:
        index = next(numbers)
        root = tmp_path / f"ex{index:03d}"
        outcome, run = generate_in_process(spec, root, f"prop_{index:03d}", previous)
        counts[outcome] += 1
        if run is not None:
            written.append(run)

    one()
    print(
        f"random specs: {counts['ok']} generated code, {counts['error']} clear errors"
    )
    assert counts["ok"] + counts["error"] >= MAX_EXAMPLES
    assert (
        counts["ok"] >= 5
    ), f"too few random specs generated code to test it: {counts}"
    probe(written, tmp_path)
    batch_tools(written, tmp_path)
    failures = [
        f"{run.package}:\n"
        + "\n".join(run.problems)
        + "\nspec: "
        + json.dumps(run.spec_data, ensure_ascii=False)[:2000]
        for run in written
        if run.problems
    ]
    assert not failures, "\n\n".join(failures)


def generate_in_process(
    spec: dict[str, Any], root: Path, package: str, previous: Path
) -> tuple[str, Run | None]:
    """Run the pipeline on ``spec``; assert the outcome; return it and the run to batch-check."""
    spec_path = root / "in" / "spec.json"
    spec_path.parent.mkdir(parents=True)
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    (root / "work").mkdir()
    output = root / "out" / "generated"
    shutil.copytree(previous, output)
    (output / "NOTES.txt").write_text("a user's file\n", encoding="utf-8")
    before = snapshot(output)
    settings_ = Settings(
        root=root, spec=spec_path, output=output, package=package, all=True
    )
    try:
        pipeline.generate(settings_)
    except CodegenError as error:
        message = str(error)
        assert error.pointer is not None, f"no JSON pointer: {message}"
        assert error.pointer == "" or error.pointer.startswith("/"), message
        assert "\n\n" not in message and len(message.splitlines()) <= 3, message
        assert snapshot(output) == before, "a failed run changed the previous output"
        assert sorted(p.name for p in output.parent.iterdir()) == ["generated"]
        return "error", None
    run = Run(Case(package, spec, "ok"), root, output, package, 0, "", "")
    run.spec_data = json.loads(json.dumps(spec))
    problems = check_success(run)
    assert not problems, problems
    return "ok", run


def _previous_output(folder: Path) -> Path:
    settings_ = Settings(
        root=folder,
        spec=_write(
            folder / "spec.json",
            document(
                {"/v1/things": {"get": {"responses": ok_response()}}}, {"Thing": THING}
            ),
        ),
        output=folder / "generated",
        package="previous_pkg",
        all=True,
    )
    pipeline.generate(settings_)
    return settings_.output


def _write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path

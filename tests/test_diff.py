"""``codegen diff``: the changes to the generated API between two specs, each classed as
breaking or not for a caller (``generator.diff``), on small specs of our own and on the
pinned Stripe spec against copies edited in the test."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator import ir
from generator.cli import main
from generator.diff import Side, compare_apis, render_report
from generator.diff.compare import Change
from generator.lower import Selection, lower_document
from generator.spec import parse_document

ROOT = Path(__file__).resolve().parents[1]
PIN = ROOT / "spec" / "stripe.lock.json"

Edit = Callable[[dict[str, Any]], None]


def shop() -> dict[str, Any]:
    """A small API: one resource with a retrieve (path + query) and a create (JSON body)."""
    thing = {"$ref": "#/components/schemas/Thing"}
    returns_thing = {
        "200": {
            "description": "ok",
            "content": {"application/json": {"schema": thing}},
        }
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Shop", "version": "1"},
        "paths": {
            "/things/{thing}": {
                "get": {
                    "operationId": "getThing",
                    "parameters": [
                        {
                            "name": "thing",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {"name": "expand", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": returns_thing,
                }
            },
            "/things": {
                "post": {
                    "operationId": "createThing",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["name"],
                                    "properties": {
                                        "name": {"type": "string"},
                                        "color": {
                                            "type": "string",
                                            "enum": ["red", "green"],
                                        },
                                        "size": {"type": "integer"},
                                        "dims": {
                                            "type": "object",
                                            "properties": {
                                                "w": {"type": "integer"},
                                                "h": {"type": "integer"},
                                            },
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "responses": returns_thing,
                }
            },
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "required": ["id", "label", "weight"],
                    "properties": {
                        "id": {"type": "string"},
                        "label": {"type": "string"},
                        "color": {"type": "string", "enum": ["red", "green"]},
                        "weight": {"type": "integer"},
                        "note": {"type": "string", "nullable": True},
                    },
                }
            }
        },
    }


def lowered(document: dict[str, Any]) -> ir.Api:
    return lower_document(
        parse_document(document), Selection(all=True), spec_sha256="0" * 64
    )


def changes_of(edit: Edit) -> list[tuple[str, str, bool]]:
    old = shop()
    new = copy.deepcopy(old)
    edit(new)
    return [
        (change.kind, change.subject, change.breaking)
        for change in compare_apis(lowered(old), lowered(new))
    ]


def body(document: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = document["paths"]["/things"]["post"]["requestBody"][
        "content"
    ]["application/json"]["schema"]
    return schema


def thing(document: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"]["Thing"]
    return schema


def query(document: dict[str, Any]) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = document["paths"]["/things/{thing}"]["get"][
        "parameters"
    ]
    return parameters


def remove_create(d: dict[str, Any]) -> None:
    del d["paths"]["/things"]


def add_delete(d: dict[str, Any]) -> None:
    d["paths"]["/things/{thing}"]["delete"] = {
        "operationId": "deleteThing",
        "parameters": [
            {
                "name": "thing",
                "in": "path",
                "required": True,
                "schema": {"type": "string"},
            }
        ],
        "responses": {"204": {"description": "gone"}},
    }


def move_retrieve(d: dict[str, Any]) -> None:
    d["paths"]["/items/{thing}"] = d["paths"].pop("/things/{thing}")


def add_optional_query(d: dict[str, Any]) -> None:
    query(d).append({"name": "limit", "in": "query", "schema": {"type": "integer"}})


def add_required_query(d: dict[str, Any]) -> None:
    query(d).append(
        {"name": "store", "in": "query", "required": True, "schema": {"type": "string"}}
    )


def remove_query(d: dict[str, Any]) -> None:
    del query(d)[1]


def require_size(d: dict[str, Any]) -> None:
    body(d)["required"].append("size")


def unrequire_name(d: dict[str, Any]) -> None:
    del body(d)["required"]


def require_nested_key(d: dict[str, Any]) -> None:
    body(d)["properties"]["dims"]["required"] = ["h"]


def add_param_enum_value(d: dict[str, Any]) -> None:
    body(d)["properties"]["color"]["enum"].append("blue")


def remove_param_enum_value(d: dict[str, Any]) -> None:
    body(d)["properties"]["color"]["enum"].remove("green")


def size_as_string(d: dict[str, Any]) -> None:
    body(d)["properties"]["size"] = {"type": "string"}


def size_as_number(d: dict[str, Any]) -> None:
    body(d)["properties"]["size"] = {"type": "number"}


def name_as_enum(d: dict[str, Any]) -> None:
    body(d)["properties"]["name"]["enum"] = ["a", "b"]


def add_response_field(d: dict[str, Any]) -> None:
    thing(d)["properties"]["price"] = {"type": "integer"}


def remove_response_field(d: dict[str, Any]) -> None:
    del thing(d)["properties"]["note"]


def label_nullable(d: dict[str, Any]) -> None:
    thing(d)["properties"]["label"]["nullable"] = True


def note_non_nullable(d: dict[str, Any]) -> None:
    thing(d)["properties"]["note"] = {"type": "string"}
    thing(d)["required"].append("note")


def label_optional(d: dict[str, Any]) -> None:
    thing(d)["required"].remove("label")


def add_response_enum_value(d: dict[str, Any]) -> None:
    thing(d)["properties"]["color"]["enum"].append("blue")


def remove_response_enum_value(d: dict[str, Any]) -> None:
    thing(d)["properties"]["color"]["enum"].remove("green")


def weight_as_number(d: dict[str, Any]) -> None:
    thing(d)["properties"]["weight"] = {"type": "number"}


def add_model(d: dict[str, Any]) -> None:
    d["components"]["schemas"]["Tag"] = {
        "type": "object",
        "properties": {"name": {"type": "string"}},
    }
    thing(d)["properties"]["tag"] = {"$ref": "#/components/schemas/Tag"}


def rename_path_parameter(d: dict[str, Any]) -> None:
    operation = d["paths"].pop("/things/{thing}")
    operation["get"]["parameters"][0]["name"] = "thing_id"
    d["paths"]["/things/{thing_id}"] = operation


def add_path_parameter(d: dict[str, Any]) -> None:
    operation = d["paths"].pop("/things/{thing}")
    operation["get"]["parameters"].append(
        {
            "name": "version",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
        }
    )
    d["paths"]["/things/{thing}/{version}"] = operation


def create_returns_a_string(d: dict[str, Any]) -> None:
    d["paths"]["/things"]["post"]["responses"] = {
        "200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"type": "string"}}},
        }
    }


CASES: list[tuple[Edit, list[tuple[str, str, bool]]]] = [
    (remove_create, [("operation_removed", "client.things.create", True)]),
    (add_delete, [("operation_added", "client.things.delete", False)]),
    (move_retrieve, [("method_renamed", "client.items.retrieve", True)]),
    (
        add_optional_query,
        [("parameter_added", "client.things.retrieve(limit)", False)],
    ),
    (add_required_query, [("parameter_added", "client.things.retrieve(store)", True)]),
    (remove_query, [("parameter_removed", "client.things.retrieve(expand)", True)]),
    (require_size, [("parameter_required", "client.things.create(size)", True)]),
    (unrequire_name, [("parameter_optional", "client.things.create(name)", False)]),
    (
        require_nested_key,
        [("parameter_required", "client.things.create(dims.h)", True)],
    ),
    (
        add_param_enum_value,
        [("enum_values_added", "client.things.create(color)", False)],
    ),
    (
        remove_param_enum_value,
        [("enum_values_removed", "client.things.create(color)", True)],
    ),
    (size_as_string, [("type_changed", "client.things.create(size)", True)]),
    (size_as_number, [("type_widened", "client.things.create(size)", False)]),
    (name_as_enum, [("type_narrowed", "client.things.create(name)", True)]),
    (add_response_field, [("field_added", "Thing.price", False)]),
    (remove_response_field, [("field_removed", "Thing.note", True)]),
    (label_nullable, [("field_nullable", "Thing.label", True)]),
    (label_optional, [("field_nullable", "Thing.label", True)]),
    (note_non_nullable, [("field_non_nullable", "Thing.note", False)]),
    # Response enums are open (``Union[Literal[...], str]``): a new value already parses
    (add_response_enum_value, [("enum_values_added", "Thing.color", False)]),
    (remove_response_enum_value, [("enum_values_removed", "Thing.color", False)]),
    (weight_as_number, [("type_widened", "Thing.weight", True)]),
    (
        rename_path_parameter,
        [("parameter_renamed", "client.things.retrieve(thing_id)", True)],
    ),
    (
        add_path_parameter,
        [("parameter_added", "client.things.retrieve(version)", True)],
    ),
    (
        create_returns_a_string,
        [("type_changed", "client.things.create -> return", True)],
    ),
    (
        add_model,
        [("model_added", "Tag", False), ("field_added", "Thing.tag", False)],
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"), CASES, ids=[edit.__name__ for edit, _ in CASES]
)
def test_each_kind_of_change_is_classified(
    edit: Edit, expected: list[tuple[str, str, bool]]
) -> None:
    assert changes_of(edit) == expected


def test_a_model_removed_is_breaking() -> None:
    old, new = shop(), shop()
    add_model(old)
    assert [
        (c.kind, c.subject, c.breaking)
        for c in compare_apis(lowered(old), lowered(new))
    ] == [("model_removed", "Tag", True), ("field_removed", "Thing.tag", True)]


def test_the_same_spec_has_no_changes() -> None:
    assert compare_apis(lowered(shop()), lowered(shop())) == []


def test_a_renamed_method_keeps_comparing_its_parameters() -> None:
    def edit(d: dict[str, Any]) -> None:
        move_retrieve(d)
        del d["paths"]["/items/{thing}"]["get"]["parameters"][1]

    assert changes_of(edit) == [
        ("method_renamed", "client.items.retrieve", True),
        ("parameter_removed", "client.items.retrieve(expand)", True),
    ]


def response_model(literal: ir.LiteralType) -> ir.Api:
    """An API of one response model whose one field has the type ``literal``."""
    field = ir.Field("status", "status", literal, True, "")
    model = ir.Model("Thing", (field,), "", "/components/schemas/Thing")
    return ir.Api("Shop", "1", "https://x.invalid", "0" * 64, (), (model,), (), None)


@pytest.mark.parametrize(("open_enum", "breaking"), [(True, False), (False, True)])
def test_an_enum_value_added_to_a_response_field_breaks_only_a_closed_enum(
    open_enum: bool, breaking: bool
) -> None:
    old = response_model(ir.LiteralType(("on", "off"), open=open_enum))
    new = response_model(ir.LiteralType(("on", "off", "idle"), open=open_enum))
    [change] = compare_apis(old, new)
    assert (change.kind, change.subject, change.breaking) == (
        "enum_values_added",
        "Thing.status",
        breaking,
    )
    assert change.new == "'idle'"


def test_an_enum_made_open_in_a_response_is_breaking() -> None:
    old = response_model(ir.LiteralType(("on",), open=False))
    new = response_model(ir.LiteralType(("on",), open=True))
    assert [(c.kind, c.breaking) for c in compare_apis(old, new)] == [
        ("type_widened", True)
    ]


def changes_between(
    old: dict[str, Any], edit: Edit
) -> list[tuple[str, str, bool, str]]:
    new = copy.deepcopy(old)
    edit(new)
    return [
        (change.kind, change.subject, change.breaking, change.detail)
        for change in compare_apis(lowered(old), lowered(new))
    ]


def test_a_parameter_moved_from_query_to_body_is_reported_not_breaking() -> None:
    old = shop()
    old["paths"]["/things"]["post"]["parameters"] = [
        {"name": "idem", "in": "query", "schema": {"type": "string"}}
    ]

    def to_body(d: dict[str, Any]) -> None:
        del d["paths"]["/things"]["post"]["parameters"]
        body(d)["properties"]["idem"] = {"type": "string"}

    assert changes_between(old, to_body) == [
        (
            "parameter_moved",
            "client.things.create(idem)",
            False,
            "client.things.create: parameter idem moved from the query string to the "
            "body (calls unchanged)",
        )
    ]


def test_an_operation_id_changed_on_the_same_endpoint_is_one_change() -> None:
    def rename(d: dict[str, Any]) -> None:
        d["paths"]["/things"]["post"]["operationId"] = "makeThing"
        require_size(d)

    assert changes_between(shop(), rename) == [
        (
            "operation_id_changed",
            "client.things.create",
            False,
            "client.things.create: operation ID createThing changed to makeThing "
            "(POST /things)",
        ),
        (
            "parameter_required",
            "client.things.create(size)",
            True,
            "client.things.create: parameter size made required",
        ),
    ]


def test_an_operation_id_changed_with_its_path_is_removed_and_added() -> None:
    def rename(d: dict[str, Any]) -> None:
        d["paths"]["/items"] = d["paths"].pop("/things")
        d["paths"]["/items"]["post"]["operationId"] = "createItem"

    assert [kind for kind, *_ in changes_between(shop(), rename)] == [
        "operation_added",
        "operation_removed",
    ]


def with_tag(d: dict[str, Any]) -> dict[str, Any]:
    d["components"]["schemas"]["Tag"] = {
        "type": "object",
        "required": ["n"],
        "properties": {"n": {"type": "string"}},
    }
    thing(d)["properties"]["tag"] = {"$ref": "#/components/schemas/Tag"}
    thing(d)["properties"]["tags"] = {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Tag"},
    }
    return d


def test_a_response_model_widened_to_a_union_containing_it_is_breaking() -> None:
    """What the caller receives may not widen: ``Tag`` -> ``Union[Tag, str]`` means code
    reading ``thing.tag.n`` no longer type-checks."""

    def widen(d: dict[str, Any]) -> None:
        thing(d)["properties"]["tag"] = {
            "anyOf": [{"$ref": "#/components/schemas/Tag"}, {"type": "string"}]
        }

    assert changes_between(with_tag(shop()), widen) == [
        (
            "type_widened",
            "Thing.tag",
            True,
            "type of Thing.tag widened: Tag -> Union[Tag, str] (code reading it may "
            "now meet values the old type excluded)",
        )
    ]


def test_a_parameter_model_widened_to_a_union_containing_it_is_not_breaking() -> None:
    """The same widening where the caller sends it: every old call still type-checks."""

    def widen(d: dict[str, Any]) -> None:
        body(d)["properties"]["size"] = {
            "anyOf": [{"type": "integer"}, {"type": "string"}]
        }

    assert changes_between(shop(), widen) == [
        (
            "type_widened",
            "client.things.create(size)",
            False,
            "type of client.things.create(size) widened: int -> Union[int, str]",
        )
    ]


def test_a_list_item_type_changed_is_breaking() -> None:
    def retype(d: dict[str, Any]) -> None:
        thing(d)["properties"]["tags"] = {"type": "array", "items": {"type": "string"}}

    assert changes_between(with_tag(shop()), retype) == [
        (
            "type_changed",
            "Thing.tags",
            True,
            "type of Thing.tags changed: list[Tag] -> list[str]",
        )
    ]


def test_a_required_response_field_made_optional_says_so() -> None:
    assert changes_between(shop(), lambda d: thing(d)["required"].remove("weight")) == [
        (
            "field_nullable",
            "Thing.weight",
            True,
            "field Thing.weight made optional (None when not sent)",
        )
    ]


def paginated(item: str) -> dict[str, Any]:
    """The shop with a Stripe-style list of ``item`` (``GET /things``), and an ``Other``."""
    d = shop()
    d["components"]["schemas"]["Other"] = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}},
    }
    d["paths"]["/things"]["get"] = {
        "operationId": "listThings",
        "parameters": [
            {"name": "limit", "in": "query", "schema": {"type": "integer"}},
            {"name": "starting_after", "in": "query", "schema": {"type": "string"}},
        ],
        "responses": {
            "200": {
                "description": "ok",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["data", "has_more", "object", "url"],
                            "properties": {
                                "data": {
                                    "type": "array",
                                    "items": {"$ref": f"#/components/schemas/{item}"},
                                },
                                "has_more": {"type": "boolean"},
                                "object": {"type": "string", "enum": ["list"]},
                                "url": {"type": "string"},
                            },
                        }
                    }
                },
            }
        },
    }
    return d


def test_a_paginated_list_item_type_changed_is_reported_at_its_method() -> None:
    old, new = paginated("Thing"), paginated("Other")
    changes = [
        (c.kind, c.subject, c.breaking, c.detail)
        for c in compare_apis(lowered(old), lowered(new))
    ]
    assert changes[0] == (
        "type_changed",
        "client.things.list -> items",
        True,
        "type of client.things.list -> items changed: Thing -> Other",
    )
    assert [c[:3] for c in changes[1:]] == [
        ("model_added", "Other", False),  # used by nothing before
        ("type_changed", "ThingsListResponse.data", True),
    ]


# --- the report ----------------------------------------------------------------------------


def report_changes() -> list[Change]:
    old, new = shop(), shop()
    remove_query(new)
    add_response_field(new)
    thing(new)["properties"]["color"]["enum"].append("<b>|*x*")
    return compare_apis(lowered(old), lowered(new))


SIDES = (Side("old.yaml", "a" * 64, "1"), Side("new.yaml", "b" * 64, "2"))


def test_json_report_has_a_stable_schema() -> None:
    document = json.loads(render_report(report_changes(), "json", *SIDES))
    assert set(document) == {"format", "old", "new", "summary", "changes"}
    assert document["format"] == 1
    assert document["old"] == {
        "source": "old.yaml",
        "sha256": "a" * 64,
        "api_version": "1",
    }
    assert document["summary"] == {"changes": 3, "breaking": 1}
    assert [c["kind"] for c in document["changes"]] == [
        "parameter_removed",
        "enum_values_added",
        "field_added",
    ]
    assert set(document["changes"][0]) == {
        "group",
        "subject",
        "kind",
        "breaking",
        "detail",
        "operation_id",
        "old",
        "new",
    }
    assert document["changes"][0]["operation_id"] == "getThing"


CHANGE_KEYS = {
    "group": str,
    "subject": str,
    "kind": str,
    "breaking": bool,
    "detail": str,
    "operation_id": str,
    "old": str,
    "new": str,
}


def every_kind_of_change() -> list[Change]:
    """The changes of every classified case, and of an operation ID changed, a parameter
    moved and a paginated list's items changed."""
    changes: list[Change] = []
    for edit, _ in CASES:
        new = shop()
        edit(new)
        changes += compare_apis(lowered(shop()), lowered(new))
    old = shop()
    old["paths"]["/things"]["post"]["parameters"] = [
        {"name": "idem", "in": "query", "schema": {"type": "string"}}
    ]
    new = copy.deepcopy(old)
    del new["paths"]["/things"]["post"]["parameters"]
    body(new)["properties"]["idem"] = {"type": "string"}
    new["paths"]["/things"]["post"]["operationId"] = "makeThing"
    changes += compare_apis(lowered(old), lowered(new))
    changes += compare_apis(lowered(paginated("Thing")), lowered(paginated("Other")))
    removed = shop()
    add_model(removed)
    changes += compare_apis(lowered(removed), lowered(shop()))
    return changes


def test_every_change_object_in_the_json_report_has_the_documented_keys() -> None:
    from generator.diff.compare import KINDS, MODELS_GROUP

    changes = every_kind_of_change()
    document = json.loads(render_report(changes, "json", *SIDES))
    assert {c["kind"] for c in document["changes"]} == set(KINDS)
    for change in document["changes"]:
        assert {key: type(value) for key, value in change.items()} == CHANGE_KEYS
        assert change["kind"] in KINDS
        if change["group"] == MODELS_GROUP:
            assert change["operation_id"] == ""
        else:
            assert change["group"].startswith("client.")
            assert change["subject"].startswith(change["group"] + ".")
            assert change["operation_id"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for kind in KINDS:  # each kind is documented
        assert f"`{kind}`" in readme, kind


def test_markdown_report_escapes_hostile_names() -> None:
    old = shop()
    new = copy.deepcopy(old)
    new["paths"]["/things"]["post"]["operationId"] = "make`T`|<script>x</script>"
    body(new)["properties"]["color"]["enum"].append("a|b`c`<i>")
    markdown = render_report(
        compare_apis(lowered(old), lowered(new)), "markdown", *SIDES
    )
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert len(rows) == 3  # the header and one row per change: no cell split by a pipe
    for row in rows[1:]:
        cells = row.replace("\\|", "").split("|")
        assert len(cells) == 4, row
    unescaped = markdown.replace("\\<", "")
    assert "<script>" not in unescaped and "<i>" not in unescaped
    assert "make\\`T\\`\\|\\<script>x\\</script>" in markdown
    assert "`" not in markdown.replace("\\`", "")


def test_markdown_report_escapes_spec_text() -> None:
    markdown = render_report(report_changes(), "markdown", *SIDES)
    assert markdown.startswith("## Generated API changes: breaking\n")
    assert "### client.things\n" in markdown and "### models\n" in markdown
    assert "\\<b>\\|\\*x\\*" in markdown  # no tag, no cell border, no emphasis
    assert "<b>" not in markdown.replace("\\<b>", "")
    assert (
        "| **breaking** | client.things.retrieve: parameter expand removed |"
        in markdown
    )


def test_text_report_marks_breaking_changes() -> None:
    text = render_report(report_changes(), "text", *SIDES)
    lines = text.splitlines()
    assert lines[1] == "3 changes to the generated API, 1 breaking"
    assert "  BREAKING  client.things.retrieve: parameter expand removed" in lines
    assert "            field Thing.price added" in lines


# --- the command ---------------------------------------------------------------------------


def write_spec(folder: Path, name: str, document: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "fail_on", "code"),
    [
        (remove_query, "breaking", 1),
        (add_optional_query, "breaking", 0),
        (add_optional_query, "any", 1),
        (remove_query, "never", 0),
        (lambda d: None, "any", 0),
    ],
)
def test_diff_exit_codes(
    tmp_path: Path, edit: Edit, fail_on: str, code: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    new = shop()
    edit(new)
    old_path = write_spec(tmp_path, "old.json", shop())
    new_path = write_spec(tmp_path, "new.json", new)
    result = CliRunner().invoke(
        main, ["diff", str(old_path), str(new_path), "--all", "--fail-on", fail_on]
    )
    assert result.exit_code == code, result.output


def test_diff_selection_options_limit_the_operations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    new = shop()
    remove_query(new)
    require_size(new)
    old_path = write_spec(tmp_path, "old.json", shop())
    new_path = write_spec(tmp_path, "new.json", new)
    result = CliRunner().invoke(
        main,
        ["diff", str(old_path), str(new_path), "-o", "createThing", "--format", "json"],
    )
    document = json.loads(result.output)
    assert [c["subject"] for c in document["changes"]] == ["client.things.create(size)"]
    assert result.exit_code == 1


def test_diff_refuses_a_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    good = write_spec(tmp_path, "good.json", shop())
    bad = write_spec(tmp_path, "bad.json", {"swagger": "2.0"})
    result = CliRunner().invoke(main, ["diff", str(good), str(bad), "--all"])
    assert result.exit_code == 2
    assert "Swagger 2.0" in result.output


# --- the pinned Stripe spec ----------------------------------------------------------------


@pytest.fixture(scope="session")
def stripe_api(stripe_spec: dict[str, Any]) -> ir.Api:
    """The pinned spec lowered once, all operations, for every Stripe comparison."""
    return lowered(stripe_spec)


def test_stripe_spec_edited_in_three_places(
    stripe_spec: dict[str, Any], stripe_api: ir.Api
) -> None:
    edited = copy.deepcopy(stripe_spec)
    del edited["paths"]["/v1/customers/{customer}"]["post"]
    create = edited["paths"]["/v1/customers"]["post"]["requestBody"]["content"][
        "application/x-www-form-urlencoded"
    ]["schema"]
    create.setdefault("required", []).append("email")
    tax_exempt = edited["components"]["schemas"]["customer"]["properties"]["tax_exempt"]
    tax_exempt["enum"].append("partial")

    changes = compare_apis(stripe_api, lowered(edited))

    assert [(c.kind, c.subject, c.breaking, c.operation_id) for c in changes] == [
        (
            "parameter_required",
            "client.customers.create(email)",
            True,
            "PostCustomers",
        ),
        ("operation_removed", "client.customers.update", True, "PostCustomersCustomer"),
        ("enum_values_added", "Customer.tax_exempt", False, ""),
    ]


def test_codegen_diff_of_the_pin_against_itself() -> None:
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["diff", str(PIN), str(PIN), "--all"])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert "no changes to the generated API" in result.output
    print(f"codegen diff of the pin against itself, --all: {elapsed:.2f} s")


def test_a_discriminated_union_is_shown_as_the_union_a_caller_reads() -> None:
    def api(expr: ir.TypeExpr) -> ir.Api:
        field = ir.Field("source", "source", expr, True, "")
        models = (
            ir.Model("Card", (), "", "/components/schemas/card"),
            ir.Model("Bank", (), "", "/components/schemas/bank"),
            ir.Model("Thing", (field,), "", "/components/schemas/Thing"),
        )
        return ir.Api("Shop", "1", "https://x.invalid", "0" * 64, (), models, (), None)

    card, bank = ir.ModelRef("Card"), ir.ModelRef("Bank")
    old = api(ir.ListType(card))
    new = api(ir.ListType(ir.UnionType((card, bank), discriminator="object")))
    [change] = compare_apis(old, new)
    assert (change.kind, change.breaking, change.old, change.new) == (
        "type_widened",
        True,
        "list[Card]",
        "list[Union[Card, Bank]]",
    )
    assert "Annotated" not in change.detail


def test_an_enum_given_a_value_and_made_open_at_once_reports_both() -> None:
    old = response_model(ir.LiteralType(("on",), open=False))
    new = response_model(ir.LiteralType(("on", "off"), open=True))
    assert [(c.kind, c.breaking, c.old, c.new) for c in compare_apis(old, new)] == [
        ("type_widened", True, 'Literal["on"]', 'Union[Literal["on", "off"], str]'),
        ("enum_values_added", False, "", "'off'"),
    ]

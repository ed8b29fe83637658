"""Unit tests for generator.lower.calls: how each operation is called, from its path and method.

The small specs here are our own; the pinned Stripe spec's whole name table is a golden file
(``tests/golden/stripe_calls.tsv``, the output of ``codegen list``), checked in
``test_the_stripe_name_table_is_the_golden_one``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Optional

import pytest
from click.testing import CliRunner

from generator import spec as spec_stage
from generator.cli import main
from generator.errors import CodegenError
from generator.lower import TokenPaging, operation_calls, operations_of
from generator.lower.calls import BY_FALLBACK, BY_PATH, BY_SETTING, path_key
from generator.spec import parse_document
from tests.conftest import PIN, ROOT, user_cache_folder
from tests.support.specs import document, ok_response, operation

GOLDEN = Path(__file__).parent / "golden" / "stripe_calls.tsv"


def _object(tag: Optional[str] = None, **properties: Any) -> dict[str, Any]:
    props = dict(properties)
    required = []
    if tag is not None:
        props["object"] = {"type": "string", "enum": [tag]}
        required.append("object")
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    return schema


def _page() -> dict[str, Any]:
    return _object(
        "list", data={"type": "array", "items": _object("thing")}, has_more={}
    )


def _calls(paths: dict[str, Any], **renames: str) -> dict[str, str]:
    doc = parse_document(document(paths))
    found = operation_calls(doc, operations_of(doc), renames)
    return {op_id: name.dotted for op_id, name in found.items()}


def _op(op_id: str, response: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    return operation(op_id, response=ok_response(response or _object()))


def test_path_key_drops_the_version_and_blanks_parameters() -> None:
    assert path_key("/v1/customers/{customer}/sources") == (
        "customers",
        None,
        "sources",
    )
    assert path_key("/things/{id}") == ("things", None)
    assert path_key("/v2.1/x") == ("x",)
    assert path_key("/api/v1/dialogs/{id}") == ("dialogs", None)  # an api prefix too
    assert path_key("/api/users") == ("users",)
    assert path_key("/api") == ("api",)  # a path of its own
    assert path_key("/users/api") == ("users", "api")


def test_collections_instances_and_nested_collections() -> None:
    calls = _calls(
        {
            "/v1/customers": {"get": _op("L", _page()), "post": _op("C")},
            "/v1/customers/{customer}": {
                "get": _op("R"),
                "post": _op("U"),
                "delete": _op("D"),
            },
            "/v1/customers/{customer}/sources": {"post": _op("SC")},
            "/v1/customers/{customer}/sources/{id}": {"get": _op("SR")},
        }
    )
    assert calls == {
        "L": "customers.list",
        "C": "customers.create",
        "R": "customers.retrieve",
        "U": "customers.update",
        "D": "customers.delete",
        "SC": "customers.sources.create",
        "SR": "customers.sources.retrieve",
    }


def test_a_sibling_decides_between_collection_and_action() -> None:
    """Selecting fewer operations must not rename one: names come from the whole spec."""
    with_instances = {
        "/v1/customers/{customer}/sources": {"post": _op("SC")},
        "/v1/customers/{customer}/sources/{id}": {"get": _op("SR")},
    }
    alone = {"/v1/customers/{customer}/sources": {"post": _op("SC")}}
    assert _calls(with_instances)["SC"] == "customers.sources.create"
    assert _calls(alone)["SC"] == "customers.sources"  # an action, without siblings


def test_actions_singletons_namespaces_and_folding() -> None:
    calls = _calls(
        {
            "/v1/payment_intents/{intent}": {
                "get": _op("PR", _object("payment_intent"))
            },
            "/v1/payment_intents/{intent}/confirm": {
                "post": _op("PC", _object("payment_intent"))
            },
            "/v1/accounts/{account}/login_links": {
                "post": _op("LL", _object("login_link"))
            },
            "/v1/balance": {"get": _op("B")},
            "/v1/balance/history": {"get": _op("BH", _page())},
            "/v1/issuing/cards": {"get": _op("IC", _page())},
            "/v1/invoices/{invoice}": {"get": _op("IR", _object("invoice"))},
            "/v1/invoices/upcoming": {"get": _op("UP", _object("invoice"))},
            "/v1/invoices/upcoming/lines": {"get": _op("UL", _page())},
            "/v1/customers/{customer}/discount": {
                "get": _op("DR"),
                "delete": _op("DD"),
            },
            "/v1/customers/search": {
                "get": _op(
                    "S", _object("search_result", data={}, has_more={}, next_page={})
                )
            },
            "/v1/quotes/{quote}/pdf": {"get": _op("PDF")},
        }
    )
    assert calls["PC"] == "payment_intents.confirm"
    assert calls["LL"] == "accounts.login_links.create"  # the noun its response names
    assert calls["B"] == "balance.retrieve"
    assert calls["BH"] == "balance.history.list"
    assert calls["IC"] == "issuing.cards.list"
    assert calls["UP"] == "invoices.upcoming"
    assert calls["UL"] == "invoices.upcoming_lines"
    assert (calls["DR"], calls["DD"]) == (
        "customers.discount.retrieve",
        "customers.discount.delete",
    )
    assert calls["S"] == "customers.search"
    assert calls["PDF"] == "quotes.pdf"


def test_keywords_get_an_underscore() -> None:
    calls = _calls(
        {
            "/v1/transfers/{id}": {"get": _op("R")},
            "/v1/transfers/{id}/return": {"post": _op("Ret")},
            "/v1/class/{id}": {"get": _op("K")},
        }
    )
    assert calls["Ret"] == "transfers.return_"
    assert calls["K"] == "class_.retrieve"


def test_put_beside_patch_is_replace() -> None:
    calls = _calls({"/pets/{id}": {"put": _op("Put"), "patch": _op("Patch")}})
    assert calls == {"Put": "pets.replace", "Patch": "pets.update"}


def test_a_clash_falls_back_to_the_operation_id() -> None:
    calls = _calls(
        {
            "/v1/things/{id}": {"post": _op("UpdateThing")},
            "/v1/things/{id}/update": {"post": _op("ActOnThing")},
        }
    )
    assert calls == {
        "UpdateThing": "things.update_thing",
        "ActOnThing": "things.act_on_thing",
    }


def test_a_method_never_hides_a_sub_resource() -> None:
    calls = _calls(
        {
            "/v1/charges/{charge}/refunds": {"get": _op("RL", _page())},
            "/v1/charges/refunds": {"post": _op("Weird")},
            "/v1/charges/{charge}": {"get": _op("R")},
        }
    )
    assert calls["RL"] == "charges.refunds.list"
    assert calls["Weird"] != "charges.refunds"


def test_top_level_names_avoid_the_clients_own_attributes() -> None:
    calls = _calls({"/v1/timeout/{id}": {"get": _op("T")}})
    assert calls["T"] == "timeout_.retrieve"


def test_renames_by_operation_id() -> None:
    calls = _calls(
        {"/v1/customers/{customer}/sources": {"post": _op("SC")}},
        SC="customers.sources.add",
    )
    assert calls["SC"] == "customers.sources.add"


@pytest.mark.parametrize(
    ("renames", "message"),
    [
        ({"Nope": "a.b"}, "no operation 'Nope'"),
        ({"SC": "add"}, "must be a dotted call"),
        ({"SC": "customers.class.add"}, "must be a dotted call"),
        ({"SC": "customers._add"}, "must be a dotted call"),
        ({"SC": "things.create", "TC": "things.create"}, "would all be called"),
    ],
)
def test_bad_renames_are_refused(renames: dict[str, str], message: str) -> None:
    paths = {
        "/v1/customers/{customer}/sources": {"post": _op("SC")},
        "/v1/things": {"post": _op("TC")},
    }
    with pytest.raises(CodegenError, match=message):
        _calls(paths, **renames)


def test_the_stripe_name_table_is_the_golden_one() -> None:
    """Every operation of the pinned spec, named: the output of `codegen list`.

    Refresh with `.venv/bin/codegen list > tests/golden/stripe_calls.tsv` (and review it).
    """
    result = CliRunner().invoke(
        main, ["list", "--config", str(ROOT / "pyproject.toml")]
    )
    assert result.exit_code == 0, result.output
    assert result.output == GOLDEN.read_text(encoding="utf-8")
    rows = [line.split("\t") for line in result.output.splitlines()]
    assert len(rows) == 468
    assert len({row[3] for row in rows}) == 468  # one call per operation


def test_almost_every_stripe_name_comes_from_the_path_alone() -> None:
    document_ = spec_stage.load_spec(PIN, cache_folder=user_cache_folder()).document
    rules = Counter(
        name.rule
        for name in operation_calls(document_, operations_of(document_), {}).values()
    )
    assert rules[BY_FALLBACK] == 0 and rules[BY_SETTING] == 0
    assert rules[BY_PATH] >= 0.98 * 468  # the others: a keyword adjusted (``return_``)


def test_a_get_answering_an_array_is_a_collection_list() -> None:
    """``GET /pets`` answering a JSON array lists pets, even with no ``/pets/{id}`` beside it;
    the same GET answering one object stays ``retrieve`` (a singleton)."""
    array = {"type": "array", "items": _object()}
    assert _calls(
        {"/pets": {"get": _op("listPets", array), "post": _op("createPet")}}
    ) == {"listPets": "pets.list", "createPet": "pets.create"}
    assert _calls({"/balance": {"get": _op("getBalance")}}) == {
        "getBalance": "balance.retrieve"
    }


def test_a_2xx_range_response_is_read_for_naming() -> None:
    """A ``2XX`` key (no status code of its own) does not stop the path rules."""
    array = {"type": "array", "items": _object()}
    ranged = {
        "responses": {"2XX": ok_response(array)["200"]},
        "operationId": "listPets",
    }
    assert _calls({"/pets": {"get": ranged}}) == {"listPets": "pets.list"}


def test_a_get_taking_the_configured_cursor_is_a_collection_list() -> None:
    """With ``[tool.codegen.pagination]``, a GET that takes its cursor parameter (declared
    on the operation or its path item, also through a ``$ref``) lists; without it, or
    without the parameter, the same GET stays ``retrieve``."""
    cursor = {"name": "after", "in": "query", "schema": {"type": "string"}}
    spec = document(
        {
            "/files": {"get": {**_op("listFiles"), "parameters": [cursor]}},
            "/teams/{team}/styles": {
                "parameters": [{"$ref": "#/components/parameters/After"}],
                "get": _op("teamStyles"),
            },
            "/balance": {"get": _op("getBalance")},
        },
        parameters={"After": cursor},
    )
    doc = parse_document(spec)
    paged = operation_calls(doc, operations_of(doc), {}, TokenPaging("after", "d", "n"))
    assert {k: v.dotted for k, v in paged.items()} == {
        "listFiles": "files.list",
        "teamStyles": "teams.styles.list",
        "getBalance": "balance.retrieve",
    }
    plain = operation_calls(doc, operations_of(doc), {})
    assert plain["listFiles"].dotted == "files.retrieve"

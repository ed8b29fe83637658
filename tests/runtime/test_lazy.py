"""`_lazy` and the `models` package: one module per model, imported when first read.

A call imports the models of its response and nothing more; strict validation, pydantic's
own `model_validate` and `model_json_schema` still resolve the quoted names across modules.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pydantic
import pytest

from .conftest import API_KEY, PACKAGE, card_json, resource


def _fresh(package_dir: Path, code: str) -> str:
    """Run `code` in a new interpreter that can import the package; its stdout."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=package_dir.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_call_imports_only_the_models_of_its_response(
    package_dir: Path, tmp_path: Path
) -> None:
    body = tmp_path / "card.json"
    body.write_text(json.dumps(card_json()))
    loaded = json.loads(
        _fresh(
            package_dir,
            f"""
            import json, sys
            import httpx
            import {PACKAGE} as sdk

            before = sorted(m for m in sys.modules if m.startswith("{PACKAGE}.models."))
            body = open({str(body)!r}, "rb").read()
            transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
            client = sdk.Client(api_key={API_KEY!r}, http_client=httpx.Client(transport=transport))
            card = client.customers.sources.create("cus_1", source="tok_visa")
            after = sorted(m for m in sys.modules if m.startswith("{PACKAGE}.models."))
            print(json.dumps([type(card).__name__, before, after]))
            """,
        )
    )
    kind, before, after = loaded
    assert kind == "Card"
    # the response is `PaymentSource`: the alias and its four members, no model they name
    members = ("account", "bank_account", "card", "source")
    assert after == sorted(
        [f"{PACKAGE}.models.payment_source"]
        + [f"{PACKAGE}.models.{m}" for m in members]
    )
    assert before == []  # importing the package loads no model
    total = len(list((package_dir / "models").glob("*.py"))) - 1
    assert total > 100  # so the five above are few


def test_every_model_is_listed_and_imported_on_first_read(
    sdk: types.SimpleNamespace,
) -> None:
    models = sdk.models
    assert "Customer" in dir(models) and "Customer" in models.__all__
    customer = models.Customer
    assert customer.__module__ == f"{PACKAGE}.models.customer"
    assert vars(models)["Customer"] is customer  # kept: the next read is an attribute
    with pytest.raises(AttributeError, match="has no attribute 'Custommer'"):
        getattr(models, "Custommer")


def test_pydantic_validation_resolves_names_quoted_across_modules(
    package_dir: Path,
) -> None:
    """`model_validate`, `model_json_schema` and `model_dump` need every quoted name; in a
    fresh process, so that no earlier test has imported the models already."""
    card = card_json(customer=resource("customer"))
    out = _fresh(
        package_dir,
        f"""
        import json
        from {PACKAGE}.models import Card

        card = Card.model_validate(json.loads({json.dumps(card)!r}))
        schema = Card.model_json_schema()
        print(json.dumps([type(card.customer).__name__, "Customer" in schema["$defs"],
                          card.model_dump(by_alias=True)["customer"]["id"]]))
        """,
    )
    assert json.loads(out) == ["Customer", True, card["customer"]["id"]]


def test_strict_validation_rejects_through_quoted_names(
    sdk: types.SimpleNamespace,
) -> None:
    card = card_json(customer={"id": 5, "object": "customer"})  # id must be a str
    with pytest.raises(pydantic.ValidationError, match="customer"):
        sdk.models.Card.model_validate(card)


def test_quoted_names_resolve_only_in_lazy_packages(
    sdk: types.SimpleNamespace,
) -> None:
    lazy = sys.modules[f"{PACKAGE}._lazy"]
    found = lazy.namespace(f"{PACKAGE}.models.card")
    assert found is not None and found["Customer"] is sdk.models.Customer
    assert lazy.namespace(f"{PACKAGE}._model_base") is None  # the package itself: no
    assert lazy.resolve(f"{PACKAGE}.models.card", "Card") is sdk.models.Card
    with pytest.raises(AttributeError):
        lazy.resolve(f"{PACKAGE}.models.card", "NoSuchModel")

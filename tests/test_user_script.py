"""A user's script, as the calling issue's acceptance reads it: typed, type-checked, run.

A package with the target operation and a few list and search operations is generated into
a temporary folder. The script below calls it as a user would: a dict-literal card, one
shared parameter type (`RangeQuerySpecs`, from `params/_shared.py`) passed to operations of
two resource groups, `extra_body`, `with_options(max_retries=0)` and page loops. It must pass
`mypy --strict` and pyright strict, and run against the spec-validating server, every request
it sends accepted by the spec. The README's own example is checked the same way.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, generate_into
from tests.spec_server import Seen, SpecServer, running
from tests.support.typecheck import pyright_strict

PACKAGE = "stripe_user"
OPERATIONS = (
    "PostCustomersCustomerSources",
    "GetCustomers",
    "GetCharges",
    "GetChargesSearch",
)

SCRIPT = '''
"""List customers and charges created since a date, and add a card to a customer."""

from __future__ import annotations

import sys

from stripe_user import Client, InvalidParamsError, SyncPage
from stripe_user.models import Charge, Customer
from stripe_user.params.charges import ChargesListParams
from stripe_user.params.customers import RangeQuerySpecs


def main(base_url: str) -> None:
    since: RangeQuerySpecs = {"gte": 1690000000}
    charges_filter: ChargesListParams = {"created": since, "limit": 3}
    with Client(api_key="sk_test_user_script", base_url=base_url) as client:
        card = client.customers.sources.create(
            "cus_123",
            card={
                "number": "4242424242424242",
                "exp_month": 12,
                "exp_year": 2030,
                "cvc": "314",
                "metadata": {"order": "6735"},
            },
            metadata={"order": "6735"},
            extra_body={"metadata": {"order": "6735", "via": "extra_body"}},
        )
        response = card.last_response
        print("card", card.id, response.request_id if response else None)

        quiet = client.with_options(max_retries=0)
        customers: SyncPage[Customer] = quiet.customers.list(created=since, limit=2)
        for customer in customers:  # every page
            print("customer", customer.id)
        first_charges: list[Charge] = []
        for charge in client.charges.list(**charges_filter):
            first_charges.append(charge)
        print("charges", len(first_charges))
        found = client.charges.search(query="amount>100")
        print("search", [c.id for c in found.data], found.has_more)

        try:
            client.customers.sources.create("cus_123", card={"number": "4242", "exp_month": 1, "exp_year": 2030, "cvv": "1"})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        except InvalidParamsError as error:
            print("refused", error.problems[0][0])


if __name__ == "__main__":
    main(sys.argv[1])
'''


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("user") / "out"
    options = ["--package", PACKAGE]
    for operation_id in OPERATIONS:
        options += ["--operation", operation_id]
    generate_into(out, *options)
    (out / "script.py").write_text(SCRIPT.lstrip(), encoding="utf-8")
    return out


def _checker(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


def test_the_script_passes_mypy_strict(workspace: Path) -> None:
    result = _checker(
        [sys.executable, "-m", "mypy", "--strict", "script.py", PACKAGE], workspace
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_script_passes_pyright_strict(workspace: Path) -> None:
    result = pyright_strict(workspace, ["script.py", PACKAGE])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout


def test_the_script_runs_against_the_spec_validating_server(
    workspace: Path, stripe_spec: dict[str, Any], stripe_fixtures: dict[str, Any]
) -> None:
    customer = stripe_fixtures["customer"]

    def answer(seen: Seen) -> tuple[int, Any]:
        if seen.operation_id == "GetCustomers":
            # two pages: the loop must ask for the second one by itself
            second = "starting_after" in seen.query
            ids = ["cus_page2"] if second else ["cus_page1a", "cus_page1b"]
            data = [{**customer, "id": i} for i in ids]
            body = {"object": "list", "url": "/v1/customers", "has_more": not second}
            return 200, {**body, "data": data}
        operation = next(
            op for _, _, _, op in api.routes if op["operationId"] == seen.operation_id
        )
        return 200, api.example(operation, seen.path)

    api = SpecServer(stripe_spec, stripe_fixtures, respond=answer)
    with running(api) as server:
        result = subprocess.run(
            [sys.executable, "script.py", server.url],
            cwd=workspace,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(workspace)},
        )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"card [a-z]+_\w+ req_\w+", lines[0]), lines[0]
    assert [line for line in lines if line.startswith("customer ")] == [
        "customer cus_page1a",
        "customer cus_page1b",
        "customer cus_page2",
    ]
    assert "refused card.cvv" in lines
    assert all(seen.errors == [] for seen in api.seen), [s.errors for s in api.seen]
    operations = [seen.operation_id for seen in api.seen]
    assert operations.count("GetCustomers") == 2
    assert {"PostCustomersCustomerSources", "GetCharges", "GetChargesSearch"} <= set(
        operations
    )
    create = next(
        s for s in api.seen if s.operation_id == "PostCustomersCustomerSources"
    )
    assert create.body["card"]["number"] == "4242424242424242"
    assert create.body["metadata"] == {"order": "6735", "via": "extra_body"}
    assert (
        len([s for s in api.seen if s.operation_id == "PostCustomersCustomerSources"])
        == 1
    )


def _readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using the generated client", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README's client example is missing"
    return match.group(1)


def test_the_readme_example_passes_mypy_strict_and_pyright(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "generated" / "stripe_client", tmp_path / "stripe_client")
    (tmp_path / "example.py").write_text(_readme_example(), encoding="utf-8")
    result = _checker(
        [sys.executable, "-m", "mypy", "--strict", "example.py"], tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    result = pyright_strict(tmp_path, ["example.py"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_readme_example_runs_as_written(
    tmp_path: Path, stripe_spec: dict[str, Any], stripe_fixtures: dict[str, Any]
) -> None:
    """From a clone, `PYTHONPATH=generated python example.py`, as the README says; the
    server stands in for Stripe: the one change made to the script."""
    runnable = _readme_example().replace(
        'Client(api_key=os.environ["STRIPE_API_KEY"])',
        'Client(api_key=os.environ["STRIPE_API_KEY"], base_url=os.environ["BASE_URL"])',
    )
    (tmp_path / "example.py").write_text(runnable, encoding="utf-8")
    api = SpecServer(stripe_spec, stripe_fixtures)
    with running(api) as server:
        result = subprocess.run(
            [sys.executable, str(tmp_path / "example.py")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={
                **os.environ,
                "PYTHONPATH": "generated",
                "STRIPE_API_KEY": "sk_test_readme",
                "BASE_URL": server.url,
            },
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.fullmatch(r"[a-z]+_\w+ req_\w+\n", result.stdout), result.stdout
    [seen] = api.seen
    assert seen.errors == [] and seen.operation_id == "PostCustomersCustomerSources"

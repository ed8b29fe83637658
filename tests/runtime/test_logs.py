"""Logging (`_logs.py`): the logger and User-Agent follow the import name, `STRIPE_LOG`, and
no API key or card number in any record, over real sockets.

The package under test is the committed one, vendored as `vendored_sdk`; `STRIPE_LOG` is
read once at import, so those tests import the copy in a fresh Python process that calls the
scripted server of this process.
"""

from __future__ import annotations

import importlib
import logging
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from .conftest import (
    API_KEY,
    CARD_ID,
    GENERATED_NAME,
    PACKAGE,
    Reply,
    ScriptedServer,
    card_json,
    error_json,
)

NUMBER = "4242424242424242"
OTHER_KEY = "rk_test_PerCallRestrictedKeyForTheLogTests0xD00D"
REDACTED = "<redacted API key>"


def new_card() -> Dict[str, Any]:
    return {"number": NUMBER, "exp_month": 8, "exp_year": 2030, "cvc": "314"}


@pytest.fixture
def client(sdk: types.SimpleNamespace, server: ScriptedServer) -> Iterator[Any]:
    backoff = sdk.package.Backoff(initial=0.001, maximum=0.004)
    with sdk.package.Client(
        api_key=API_KEY, base_url=server.url, backoff=backoff
    ) as made:
        yield made


# --- the import name --------------------------------------------------------------------


def test_records_land_on_the_logger_of_the_import_name(
    client: Any, server: ScriptedServer, sdk: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger
    server.script(Reply(500, error_json("api_error")), Reply(200, card_json()))
    card = client.customers.sources.create("cus_1", source="tok_1")
    assert card.id == CARD_ID
    ours = [r for r in caplog.records if r.name == PACKAGE]
    assert [r.levelname for r in ours] == ["DEBUG", "DEBUG", "INFO", "DEBUG", "DEBUG"]
    assert ours[0].getMessage().startswith("Sending POST /v1/customers/cus_1/sources")
    assert ours[2].getMessage().startswith("Retrying POST /v1/customers/cus_1/sources")
    assert not [
        r
        for r in caplog.records
        if r.name == GENERATED_NAME or r.name.startswith(GENERATED_NAME + ".")
    ]
    logs = importlib.import_module(f"{PACKAGE}._logs")
    assert logs.IMPORT_NAME == PACKAGE
    assert logs.logger.name == PACKAGE
    assert logs.logger is logging.getLogger(PACKAGE)


def test_user_agent_follows_the_import_name(
    client: Any, server: ScriptedServer, sdk: Any
) -> None:
    server.script(Reply(200, card_json()))
    client.customers.sources.create("cus_1", source="tok_1")
    agent = server.requests[0].headers["user-agent"]
    assert agent.startswith(f"{PACKAGE}/0.1.0 (codegen; python ")
    assert GENERATED_NAME not in agent


# --- STRIPE_LOG in a fresh process ------------------------------------------------------

SCRIPT = """
import sys

sys.path.insert(0, {parent!r})
import {package} as sdk

backoff = sdk.Backoff(initial=0.001, maximum=0.002)
with sdk.Client(api_key={key!r}, base_url={url!r}, backoff=backoff) as client:
    card = client.customers.sources.create("cus_1", card={card!r})
print(card.id)
"""


def run_with_log(
    server: ScriptedServer, package_dir: Path, value: Optional[str]
) -> "subprocess.CompletedProcess[str]":
    """A call (HTTP 500, then 200) in a new Python process with STRIPE_LOG=`value`."""
    server.script(Reply(500, error_json("api_error")), Reply(200, card_json()))
    env = {k: v for k, v in os.environ.items() if k != "STRIPE_LOG"}
    env.pop("PYTHONPATH", None)
    if value is not None:
        env["STRIPE_LOG"] = value
    script = SCRIPT.format(
        parent=str(package_dir.parent),
        package=PACKAGE,
        key=API_KEY,
        url=server.url,
        card=new_card(),
    )
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == CARD_ID
    assert server.attempts == 2
    for text in (result.stdout, result.stderr):
        assert API_KEY not in text and API_KEY[-12:] not in text
        assert NUMBER not in text
    return result


def lines(text: str) -> List[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("value", ["debug", "DEBUG"])
def test_stripe_log_debug_prints_attempts_to_stderr(
    server: ScriptedServer, package_dir: Path, value: str
) -> None:
    result = run_with_log(server, package_dir, value)
    printed = lines(result.stderr)
    path = "POST /v1/customers/cus_1/sources"
    expected = [
        f"{PACKAGE} DEBUG Sending {path} (attempt 1 of 3)",
        f"{PACKAGE} DEBUG Received HTTP 500 for {path} (request id req_test1)",
        f"{PACKAGE} INFO Retrying {path} in ",
        f"{PACKAGE} DEBUG Sending {path} (attempt 2 of 3)",
        f"{PACKAGE} DEBUG Received HTTP 200 for {path} (request id req_test2)",
    ]
    assert len(printed) == len(expected), result.stderr
    for line, start in zip(printed, expected):
        assert start in line, result.stderr
    assert "HTTP Request" not in result.stderr  # httpx's own records are not printed


def test_stripe_log_info_prints_only_retries(
    server: ScriptedServer, package_dir: Path
) -> None:
    result = run_with_log(server, package_dir, "info")
    printed = lines(result.stderr)
    assert len(printed) == 1, result.stderr
    assert f"{PACKAGE} INFO Retrying POST /v1/customers/cus_1/sources in " in (
        printed[0]
    )
    assert printed[0].endswith("after HTTP 500 (attempt 2 of 3)")


@pytest.mark.parametrize("value", [None, "", "warning", "verbose"])
def test_without_stripe_log_nothing_is_printed(
    server: ScriptedServer, package_dir: Path, value: Optional[str]
) -> None:
    result = run_with_log(server, package_dir, value)
    assert result.stderr == ""


# --- nothing secret in any record -------------------------------------------------------


def test_no_key_or_card_number_in_any_record(
    client: Any, server: ScriptedServer, sdk: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx's and httpcore's
    echo = {"X-Echo": f"Bearer {API_KEY}", "X-Echo-Other": OTHER_KEY}
    server.script(
        Reply(500, error_json("api_error"), headers=echo, echo_authorization=True),
        Reply(200, card_json(), headers=echo),
        Reply(200, card_json(), headers=echo),
        Reply(402, error_json("card_error", f"Declined {NUMBER}"), headers=echo),
    )
    client.customers.sources.create("cus_1", card=new_card())
    client.with_raw_response.customers.sources.create(
        "cus_1", card=new_card(), api_key=OTHER_KEY
    )
    with pytest.raises(sdk.errors.CardError):
        client.customers.sources.create("cus_1", card=new_card())
    assert server.attempts == 4
    assert NUMBER.encode() in server.requests[0].body  # it was sent
    records = caplog.records
    names = {r.name.split(".")[0] for r in records}
    assert {PACKAGE, "httpx", "httpcore"} <= names, names
    texts = [r.getMessage() for r in records]
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    texts += [formatter.format(r) for r in records]
    for text in texts:
        assert API_KEY not in text and API_KEY[-12:] not in text
        assert OTHER_KEY not in text and OTHER_KEY[-12:] not in text
        assert NUMBER not in text
    # httpcore logged the echoed headers, with the keys blanked out
    header_records = [
        t for t in texts if "receive_response_headers.complete" in t and "X-Echo" in t
    ]
    assert header_records, "expected httpcore to log the response headers"
    assert all(t.count(REDACTED) >= 2 for t in header_records)


def test_query_strings_are_blanked_out_of_library_records(
    ops: types.SimpleNamespace, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    """httpx logs each URL at INFO; a list's query holds personal data (`email=`)."""
    caplog.set_level(logging.DEBUG)
    email = "jenny.rosen@example.com"
    server.script(
        Reply(
            200,
            {"object": "list", "url": "/v1/customers", "has_more": False, "data": []},
        )
    )
    with ops.package.Client(api_key=API_KEY, base_url=server.url) as client:
        page = client.customers.list(email=email, limit=3)
    assert page.data == []
    assert "email=jenny.rosen" in server.requests[0].path  # it was sent
    texts = [r.getMessage() for r in caplog.records]
    assert not [t for t in texts if "jenny.rosen" in t or "example.com" in t]
    requests = [t for t in texts if t.startswith("HTTP Request: GET")]
    assert requests and all("/v1/customers?<query redacted>" in t for t in requests)

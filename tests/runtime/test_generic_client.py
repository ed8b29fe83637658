"""The generic runtime (any API but Stripe's) over a real socket: credentials per security
scheme, errors by HTTP status with the typed body, retries with `Retry-After`.

The package under test is the committed golden package (`tests/golden/expected`, generated
from `tests/golden/feature.yaml`: bearer and an apiKey in the query by default, http basic for
`DELETE /v1/trees/{tree}`, an apiKey cookie for the fruits, `security: []` for the harvest
report), copied as `vendored_orchard` to prove it imports only relatively.
"""

from __future__ import annotations

import asyncio
import base64
import importlib
import os
import time
import types
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

from .conftest import Reply, ScriptedServer, _forget, _import, copy_package

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "expected" / "orchard_client"
PACKAGE = "vendored_orchard"
TOKEN = "tok_generic_1234567890_unique_enough"
ENV_VARS = (
    "ORCHARD_BEARER_TOKEN",
    "ORCHARD_ORCHARD_KEY_API_KEY",
    "ORCHARD_USERNAME",
    "ORCHARD_PASSWORD",
    "ORCHARD_SESSION_API_KEY",
)


@pytest.fixture(scope="module")
def orchard(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[types.SimpleNamespace]:
    folder = copy_package(GOLDEN, tmp_path_factory.mktemp("orchard"), PACKAGE)
    try:
        yield _import(folder, PACKAGE, errors="errors", base="_base_client")
    finally:
        _forget(folder, PACKAGE)


@pytest.fixture(autouse=True)
def no_credentials_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


def tree_json(**overrides: Any) -> Dict[str, Any]:
    tree = {
        "id": "tree_1",
        "object": "tree",
        "species": "malus domestica",
        "status": "grown",
        "created": 1700000000,
        "metadata": {},
    }
    tree.update(overrides)
    return tree


def client(
    orchard: types.SimpleNamespace, server: ScriptedServer, **kwargs: Any
) -> Any:
    backoff = orchard.package.Backoff(0.001, 0.002, 0.5)
    return orchard.package.Client(base_url=server.url, backoff=backoff, **kwargs)


def test_bearer_is_sent_by_default_and_nothing_of_stripe(
    orchard: types.SimpleNamespace, server: ScriptedServer
) -> None:
    server.script(Reply(200, tree_json()))
    with client(orchard, server, bearer_token=TOKEN) as api:
        tree = api.trees.retrieve("tree_1")
    assert tree.id == "tree_1"
    sent = server.requests[0]
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.path == "/v1/trees/tree_1"
    assert not [name for name in sent.headers if "stripe" in name]
    assert "idempotency-key" not in sent.headers
    assert sent.headers["user-agent"].startswith(f"{PACKAGE}/")


def test_the_next_alternative_is_sent_when_the_first_lacks_credentials(
    orchard: types.SimpleNamespace, server: ScriptedServer
) -> None:
    server.script(Reply(200, tree_json()))
    with client(orchard, server, orchard_key_api_key="k&y") as api:
        api.trees.retrieve("tree_1")
    sent = server.requests[0]
    assert sent.path == "/v1/trees/tree_1?key=k%26y"
    assert "authorization" not in sent.headers


def test_environment_variables_stand_in_for_arguments(
    orchard: types.SimpleNamespace,
    server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ORCHARD_BEARER_TOKEN", TOKEN)
    server.script(Reply(200, tree_json()))
    with client(orchard, server) as api:
        api.trees.retrieve("tree_1")
    assert server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"


def test_basic_cookie_and_no_security_per_operation(
    orchard: types.SimpleNamespace, server: ScriptedServer
) -> None:
    deleted = {"id": "tree_1", "object": "tree", "deleted": True}
    fruit = {"id": "fruit_1", "object": "fruit", "tree": "tree_1"}
    server.script(Reply(200, deleted), Reply(200, fruit), Reply(200, b"%PDF-1.4"))
    with client(
        orchard,
        server,
        bearer_token=TOKEN,
        username="keeper",
        password="pass word:1",
        session_api_key="s3ss",
    ) as api:
        api.trees.delete("tree_1")
        api.trees.fruits.retrieve("tree_1", "fruit_1")
        api.harvests.report("h_1")
    basic, cookie, public = server.requests
    expected = base64.b64encode(b"keeper:pass word:1").decode()
    assert basic.headers["authorization"] == f"Basic {expected}"
    assert cookie.headers["cookie"] == "orchard_session=s3ss"
    assert "authorization" not in cookie.headers
    assert "authorization" not in public.headers and "cookie" not in public.headers


def test_a_missing_credential_is_named_before_anything_is_sent(
    orchard: types.SimpleNamespace, server: ScriptedServer
) -> None:
    with client(orchard, server, username="keeper") as api:
        with pytest.raises(orchard.errors.MissingCredentialsError) as raised:
            api.trees.delete("tree_1")
        with pytest.raises(orchard.errors.MissingCredentialsError) as default:
            api.trees.retrieve("tree_1")
    assert "password=" in str(raised.value) and "ORCHARD_PASSWORD" in str(raised.value)
    assert "bearer_token=" in str(default.value)
    assert "ORCHARD_ORCHARD_KEY_API_KEY" in str(default.value)
    assert server.attempts == 0


def test_errors_by_status_carry_the_typed_body(
    orchard: types.SimpleNamespace, server: ScriptedServer
) -> None:
    errors = orchard.errors
    body = {"error": {"type": "invalid_request_error", "message": "No such tree"}}
    server.script(
        Reply(404, body),
        Reply(422, {"detail": "no"}),
        Reply(400, "plain text"),
    )
    with client(orchard, server, bearer_token=TOKEN, max_retries=0) as api:
        with pytest.raises(errors.NotFoundError) as not_found:
            api.trees.retrieve("tree_1")
        with pytest.raises(errors.UnprocessableEntityError) as refused:
            api.trees.retrieve("tree_1")
        with pytest.raises(errors.BadRequestError) as bad:
            api.trees.retrieve("tree_1")
    error = not_found.value
    assert isinstance(error, errors.APIStatusError) and isinstance(
        error, errors.APIError
    )
    assert error.status_code == 404 and error.request_id == "req_test1"
    assert error.body.error.message == "No such tree"  # the spec's `Error` model
    assert type(error.body).__name__ == "Error"
    assert refused.value.body == {"detail": "no"}  # not the error model's shape
    assert bad.value.body == "plain text"
    assert "Error code: 404" in str(error)


def test_retries_honour_retry_after_and_stop_on_client_errors(
    orchard: types.SimpleNamespace, server: ScriptedServer
) -> None:
    server.script(
        Reply(503, {}, headers={"Retry-After": "0.3"}),
        Reply(408, {}),
        Reply(429, {}),
        Reply(200, tree_json()),
        Reply(400, {}),
    )
    with client(orchard, server, bearer_token=TOKEN, max_retries=3) as api:
        started = time.monotonic()
        api.trees.retrieve("tree_1")
        assert time.monotonic() - started >= 0.3
        with pytest.raises(orchard.errors.BadRequestError):
            api.trees.retrieve("tree_1")
    assert server.attempts == 5


def test_server_errors_raise_after_the_retries(
    orchard: types.SimpleNamespace, server: ScriptedServer
) -> None:
    server.script(Reply(500, {}), Reply(502, {}))
    with client(orchard, server, bearer_token=TOKEN, max_retries=1) as api:
        with pytest.raises(orchard.errors.InternalServerError) as raised:
            api.trees.retrieve("tree_1")
    assert raised.value.status_code == 502 and server.attempts == 2


def test_connection_errors_are_retried(
    orchard: types.SimpleNamespace, server: ScriptedServer
) -> None:
    server.script(Reply(drop=True), Reply(200, tree_json()))
    with client(orchard, server, bearer_token=TOKEN) as api:
        assert api.trees.retrieve("tree_1").id == "tree_1"
    assert server.attempts == 2


def test_credentials_are_redacted_everywhere(
    orchard: types.SimpleNamespace, server: ScriptedServer
) -> None:
    server.script(Reply(401, {"seen": TOKEN}, headers={"X-Echo": TOKEN}))
    with client(
        orchard, server, bearer_token=TOKEN, orchard_key_api_key="key_secret_1"
    ) as api:
        assert TOKEN not in repr(api) and "key_secret_1" not in repr(api)
        with pytest.raises(orchard.errors.AuthenticationError) as raised:
            api.trees.retrieve("tree_1")
    error = raised.value
    shown = [
        str(error),
        repr(error),
        str(error.body),
        str(dict(error.headers)),
        error.response.text,
        str(dict(error.response.request.headers)),
        str(error.response.request.url),
    ]
    assert not [text for text in shown if TOKEN in text]


def test_no_idempotency_header_without_one_configured(
    orchard: types.SimpleNamespace, server: ScriptedServer
) -> None:
    server.script(Reply(200, tree_json()))
    with client(orchard, server, bearer_token=TOKEN) as api:
        api.trees.create(species="malus domestica")
        with pytest.raises(TypeError):
            api.trees.create(species="x", idempotency_key="k")  # type: ignore[call-arg]
    assert "idempotency-key" not in server.requests[0].headers
    assert server.attempts == 1


def test_with_options_keeps_and_replaces_credentials(
    orchard: types.SimpleNamespace, server: ScriptedServer
) -> None:
    server.script(Reply(200, tree_json()), Reply(200, tree_json()))
    with client(orchard, server, bearer_token=TOKEN) as api:
        api.with_options(max_retries=0).trees.retrieve("tree_1")
        api.with_options(bearer_token="other").trees.retrieve("tree_1")
        with pytest.raises(TypeError):
            api.with_options(stripe_account="acct_1")
    first, second = server.requests
    assert first.headers["authorization"] == f"Bearer {TOKEN}"
    assert second.headers["authorization"] == "Bearer other"


def test_async_client_sends_the_same(
    orchard: types.SimpleNamespace, server: ScriptedServer
) -> None:
    server.script(Reply(200, tree_json()), Reply(404, {"error": {"type": "x"}}))

    async def calls() -> Any:
        backoff = orchard.package.Backoff(0.001, 0.002, 0.5)
        async with orchard.package.AsyncClient(
            base_url=server.url, orchard_key_api_key="k", backoff=backoff, max_retries=0
        ) as api:
            tree = await api.trees.retrieve("tree_1")
            with pytest.raises(orchard.errors.NotFoundError):
                await api.trees.retrieve("tree_2")
            return tree

    assert asyncio.run(calls()).id == "tree_1"
    assert server.requests[0].path == "/v1/trees/tree_1?key=k"


def test_the_package_has_no_stripe_conventions() -> None:
    names = sorted(path.name for path in GOLDEN.glob("*.py"))
    assert "webhooks.py" not in names
    for path in GOLDEN.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for word in ("Stripe-Version", "Stripe-Account", "Stripe-Should-Retry"):
            assert word not in text, (path, word)
        for word in ("stripe_version", "stripe_account", "CardError", "StripeError"):
            assert word not in text, (path, word)
    assert os.sep not in PACKAGE


# --- a spec of its own, with [tool.codegen.auth] ---------------------------------------------

PETS_SPEC: Dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Pet Shop", "version": "1"},
    "servers": [{"url": "https://pets.example.com"}],
    "security": [{"shopKey": []}],
    "components": {
        "securitySchemes": {
            "shopKey": {"type": "apiKey", "in": "header", "name": "X-Key"}
        }
    },
    "paths": {
        "/pets": {
            "post": {
                "operationId": "createPet",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"name": {"type": "string"}},
                            }
                        }
                    },
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[types.SimpleNamespace]:
    from generator.lower import Selection, lower_document
    from generator.render import RenderOptions, render
    from generator.settings import AuthNames
    from generator.spec import parse_document

    auth = AuthNames(
        env_prefix="SHOP",
        idempotency_header="X-Idempotency-Key",
        arguments={"shopKey": ("shop_key",)},
    )
    api = lower_document(
        parse_document(PETS_SPEC), Selection(all=True), spec_sha256="0" * 64, auth=auth
    )
    root = tmp_path_factory.mktemp("shop")
    for name, text in render(api, RenderOptions(package="shop_sdk")).items():
        if name.startswith("shop_sdk/"):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
    try:
        yield _import(root / "shop_sdk", "shop_sdk", errors="errors")
    finally:
        _forget(root / "shop_sdk", "shop_sdk")


def test_auth_settings_name_the_arguments_env_vars_and_idempotency_header(
    shop: types.SimpleNamespace,
    server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server.script(Reply(500, {}), Reply(200, {}), Reply(200, {}))
    backoff = shop.package.Backoff(0.001, 0.002, 0.01)
    with shop.package.Client(
        shop_key="k1", base_url=server.url, backoff=backoff
    ) as api:
        api.pets.create(name="Rex")  # retried once: the same key both times
        api.pets.create(name="Rex", idempotency_key="mine")
    first, retried, mine = server.requests
    assert first.headers["x-key"] == "k1"
    key = first.headers["x-idempotency-key"]
    assert len(key) == 36 and retried.headers["x-idempotency-key"] == key
    assert mine.headers["x-idempotency-key"] == "mine"
    monkeypatch.setenv("SHOP_SHOP_KEY", "from-env")
    with shop.package.Client(base_url=server.url) as api:
        with pytest.raises(shop.errors.InternalServerError):
            api.with_options(max_retries=0).pets.create(name="Rex")
    assert server.requests[-1].headers["x-key"] == "from-env"
    constants = importlib.import_module("shop_sdk._constants")
    assert constants.LOG_ENV_VAR == "SHOP_LOG"  # the prefix of [tool.codegen.auth]
    assert constants.IDEMPOTENCY_HEADER == "X-Idempotency-Key"

"""Units of the generic runtime (`_profile_generic`, `errors_generic`, `_options_generic`),
as a package of an API other than Stripe's ships them: the golden package's copies, whose
`_constants` declare its security schemes (bearer, an apiKey in the query, http basic, an
apiKey cookie)."""

from __future__ import annotations

import base64
import logging
import types
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from .conftest import _forget, _import, copy_package

GOLDEN = Path(__file__).resolve().parents[2] / "tests/golden/expected/orchard_client"
PACKAGE = "orchard_units"


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[types.SimpleNamespace]:
    folder = copy_package(GOLDEN, tmp_path_factory.mktemp("units"), PACKAGE)
    try:
        yield _import(
            folder,
            PACKAGE,
            profile="_profile",
            errors="errors",
            options="_options",
            logs="_logs",
        )
    finally:
        _forget(folder, PACKAGE)


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ORCHARD_BEARER_TOKEN", "ORCHARD_USERNAME", "ORCHARD_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def test_the_first_alternative_with_every_credential_is_sent(
    rt: types.SimpleNamespace,
) -> None:
    both = rt.profile.Credentials({"bearer_token": "t", "orchard_key_api_key": "k"})
    sent = both.for_requirement(None, "GET /x")
    assert sent.headers == (("Authorization", "Bearer t"),) and sent.query == ()
    key_only = rt.profile.Credentials({"orchard_key_api_key": "k"})
    assert key_only.for_requirement(None, "GET /x").query == (("key", "k"),)
    assert key_only.for_requirement((), "GET /x") == rt.profile.SentCredentials()


def test_an_empty_alternative_sends_nothing_only_when_nothing_else_can(
    rt: types.SimpleNamespace,
) -> None:
    optional = ((), ("bearerAuth",))
    given = rt.profile.Credentials({"bearer_token": "t"})
    assert given.for_requirement(optional, "GET /x").headers == (
        ("Authorization", "Bearer t"),
    )
    none = rt.profile.Credentials({})
    assert none.for_requirement(optional, "GET /x") == rt.profile.SentCredentials()


def test_basic_needs_both_halves(rt: types.SimpleNamespace) -> None:
    half = rt.profile.Credentials({"username": "u"})
    with pytest.raises(rt.errors.MissingCredentialsError) as raised:
        half.for_requirement((("keeper",),), "DELETE /v1/trees/t")
    message = str(raised.value)
    assert message.startswith("DELETE /v1/trees/t needs credentials: pass password=")
    assert "ORCHARD_PASSWORD" in message and "username=" not in message
    whole = rt.profile.Credentials({"username": "u", "password": "p w"})
    token = base64.b64encode(b"u:p w").decode()
    sent = whole.for_requirement((("keeper",),), "DELETE /v1/trees/t")
    assert sent.headers == (("Authorization", f"Basic {token}"),)
    assert f"Basic {token}" in whole.secrets()


def test_environment_variables_fill_in(
    rt: types.SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORCHARD_BEARER_TOKEN", "from-env")
    credentials = rt.profile.Credentials({"bearer_token": None})
    assert credentials.given()["bearer_token"] == "from-env"
    assert "from-env" not in repr(credentials)


def test_bad_credentials_are_refused(rt: types.SimpleNamespace) -> None:
    with pytest.raises(TypeError, match="unknown credential argument: api_key"):
        rt.profile.Credentials({"api_key": "x"})
    with pytest.raises(ValueError, match="bearer_token"):
        rt.profile.Credentials({"bearer_token": "a\nb"})


def test_secrets_include_the_encoded_forms(rt: types.SimpleNamespace) -> None:
    secrets = rt.profile.Credentials({"orchard_key_api_key": "a&b/c"}).secrets()
    assert {"a&b/c", "a%26b%2Fc"} <= set(secrets)
    assert list(secrets) == sorted(secrets, key=lambda s: (-len(s), s))


def test_no_idempotency_header_is_configured(rt: types.SimpleNamespace) -> None:
    options = rt.options.RequestOptions()
    sent = rt.profile.SentCredentials((("Authorization", "Bearer t"),))
    headers = rt.profile.profile_headers(sent, "ua", "POST", options)
    assert headers == {"Authorization": "Bearer t", "User-Agent": "ua"}
    keyed = rt.options.RequestOptions(idempotency_key="k")
    with pytest.raises(TypeError, match="idempotency header"):
        rt.profile.profile_headers(sent, "ua", "POST", keyed)


@pytest.mark.parametrize(
    ("status", "expected"),
    [(408, True), (409, True), (429, True), (500, True), (503, True)]
    + [(400, False), (401, False), (404, False), (422, False)],
)
def test_should_retry(rt: types.SimpleNamespace, status: int, expected: bool) -> None:
    response = httpx.Response(status, headers={"Stripe-Should-Retry": "false"})
    assert rt.profile.should_retry(response) is expected  # no Stripe header honoured


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (400, "BadRequestError"),
        (401, "AuthenticationError"),
        (402, "APIStatusError"),
        (403, "PermissionDeniedError"),
        (404, "NotFoundError"),
        (409, "ConflictError"),
        (418, "APIStatusError"),
        (422, "UnprocessableEntityError"),
        (429, "RateLimitError"),
        (500, "InternalServerError"),
        (599, "InternalServerError"),
    ],
)
def test_errors_by_status(rt: types.SimpleNamespace, status: int, name: str) -> None:
    response = httpx.Response(status, headers={"X-Request-Id": "r1"})
    error = rt.errors.error_from_response(response, "")
    assert type(error).__name__ == name
    assert isinstance(error, rt.errors.APIStatusError)
    assert (error.status_code, error.request_id, error.body) == (status, "r1", "")
    assert str(error) == f"Error code: {status} (HTTP {status}, request r1)"


def test_error_bodies_are_typed_when_they_fit(rt: types.SimpleNamespace) -> None:
    response = httpx.Response(400)
    typed = rt.errors.error_from_response(response, '{"error": {"type": "x"}}')
    assert type(typed.body).__name__ == "Error" and typed.body.error.type == "x"
    other = rt.errors.error_from_response(response, '{"detail": 1}')
    assert other.body == {"detail": 1}
    long = rt.errors.error_from_response(response, "x" * 600)
    assert long.message == "Error code: 400 - " + "x" * 500 + "..."


def test_library_logs_lose_registered_credentials(
    rt: types.SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    rt.logs.redact_library_logs(["cred_7f3a9"])
    with caplog.at_level(logging.DEBUG, logger="httpcore.http11"):
        logging.getLogger("httpcore.http11").debug("echo %s", "cred_7f3a9")
    assert "cred_7f3a9" not in caplog.text and rt.logs.REDACTED in caplog.text

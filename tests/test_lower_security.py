"""Security schemes and requirements lowered from small inline specs (lower/security.py)."""

from __future__ import annotations

from typing import Any

import pytest

from generator import ir
from generator.errors import CodegenError
from generator.lower.security import (
    AuthNames,
    lower_security,
    operation_security,
)
from generator.spec import parse_document
from tests.support.specs import document, operation

SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer"},
    "basicAuth": {"type": "http", "scheme": "Basic"},
    "headerKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "oauth": {"type": "oauth2", "flows": {}},
}


def _doc(schemes: Any, security: Any = None, title: str = "Swagger Petstore") -> Any:
    spec = document({"/pets": {"get": operation("listPets")}}, title=title)
    spec["components"] = {"securitySchemes": schemes}
    if security is not None:
        spec["security"] = security
    return parse_document(spec)


def _by_key(schemes: tuple[ir.SecurityScheme, ...]) -> dict[str, ir.SecurityScheme]:
    return {s.key: s for s in schemes}


def test_kinds_arguments_and_environment_variables() -> None:
    security = lower_security(_doc(SCHEMES, [{"bearerAuth": []}]), "generic")
    found = _by_key(security.schemes)
    assert [s.key for s in security.schemes] == list(SCHEMES)
    assert (found["bearerAuth"].kind, found["bearerAuth"].arguments) == (
        "bearer",
        ("bearer_token",),
    )
    assert found["bearerAuth"].env_vars == ("PETSTORE_BEARER_TOKEN",)
    assert found["basicAuth"].arguments == ("username", "password")
    assert found["basicAuth"].env_vars == ("PETSTORE_USERNAME", "PETSTORE_PASSWORD")
    key = found["headerKey"]
    assert (key.kind, key.location, key.wire_name, key.arguments) == (
        "api_key",
        "header",
        "X-API-Key",
        ("api_key",),
    )
    assert (found["oauth"].kind, found["oauth"].arguments) == (
        "bearer",
        ("access_token",),
    )
    assert security.default == (("bearerAuth",),)


def test_schemes_of_one_kind_are_named_after_the_scheme() -> None:
    schemes = {
        "api_key": {"type": "apiKey", "in": "query", "name": "key"},
        "PartnerKey": {"type": "apiKey", "in": "cookie", "name": "partner"},
    }
    found = _by_key(lower_security(_doc(schemes), "generic").schemes)
    assert found["api_key"].arguments == ("api_key",)
    assert found["PartnerKey"].arguments == ("partner_key_api_key",)
    assert found["PartnerKey"].location == "cookie"


def test_settings_rename_arguments_and_environment_variables() -> None:
    names = AuthNames(
        env_prefix="PETS",
        arguments={"basicAuth": ("user", "secret")},
        env_vars={"bearerAuth": ("MY_TOKEN",)},
    )
    found = _by_key(lower_security(_doc(SCHEMES), "generic", names).schemes)
    assert found["basicAuth"].arguments == ("user", "secret")
    assert found["basicAuth"].env_vars == ("PETS_USER", "PETS_SECRET")
    assert found["bearerAuth"].env_vars == ("MY_TOKEN",)
    assert found["headerKey"].env_vars == ("PETS_API_KEY",)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (AuthNames(arguments={"nope": ("x",)}), "does not declare"),
        (AuthNames(arguments={"basicAuth": ("x",)}), "must be 2"),
        (AuthNames(arguments={"bearerAuth": ("timeout",)}), "free Python identifier"),
        (AuthNames(arguments={"bearerAuth": ("api_key",)}), "both take"),
    ],
)
def test_bad_renames_are_refused(names: AuthNames, message: str) -> None:
    with pytest.raises(CodegenError, match=message):
        lower_security(_doc(SCHEMES), "generic", names)


def test_per_operation_requirements() -> None:
    security = lower_security(_doc(SCHEMES, [{"bearerAuth": []}]), "generic")
    assert operation_security(security, _op(None), "/paths/x/get", "generic") is None
    assert operation_security(security, _op([]), "/p", "generic") == ()
    both = [{"headerKey": [], "basicAuth": []}, {"oauth": ["read"]}]
    assert operation_security(security, _op(both), "/p", "generic") == (
        ("headerKey", "basicAuth"),
        ("oauth",),
    )
    optional = [{}, {"headerKey": []}]
    assert operation_security(security, _op(optional), "/p", "generic") == (
        ("headerKey",),
        (),
    )


def test_unsupported_schemes_fall_back_to_an_alternative_or_are_refused() -> None:
    schemes = {
        **SCHEMES,
        "mtls": {"type": "mutualTLS"},
        "digest": {"type": "http", "scheme": "digest"},
    }
    security = lower_security(_doc(schemes), "generic")
    assert "mtls" not in _by_key(security.schemes)
    chosen = operation_security(
        security, _op([{"mtls": []}, {"bearerAuth": []}]), "/p", "generic"
    )
    assert chosen == (("bearerAuth",),)
    with pytest.raises(CodegenError) as refused:
        operation_security(security, _op([{"digest": []}]), "/p", "generic")
    assert refused.value.pointer == "/components/securitySchemes/digest"
    assert "digest" in refused.value.message


def test_undeclared_scheme_is_refused_with_its_pointer() -> None:
    security = lower_security(_doc(SCHEMES), "generic")
    with pytest.raises(CodegenError) as refused:
        operation_security(
            security,
            _op([{"bearerAuth": []}, {"missing": []}]),
            "/paths/~1p/get",
            "generic",
        )
    assert refused.value.pointer == "/paths/~1p/get/security/1"


def test_stripe_takes_one_api_key_whatever_the_spec_says() -> None:
    security = lower_security(_doc(SCHEMES, [{"basicAuth": []}]), "stripe")
    (scheme,) = security.schemes
    assert (scheme.arguments, scheme.env_vars, scheme.kind) == (
        ("api_key",),
        ("STRIPE_API_KEY",),
        "bearer",
    )
    assert security.default == (("api_key",),)
    assert operation_security(security, _op([]), "/p", "stripe") is None


def _op(security: Any) -> Any:
    class Raw:
        pass

    raw = Raw()
    setattr(raw, "security", security)
    return raw


def test_idempotency_header_is_stripes_or_configured() -> None:
    from generator.lower.security import idempotency_header

    assert idempotency_header("stripe", AuthNames()) == "Idempotency-Key"
    assert idempotency_header("generic", AuthNames()) is None
    configured = AuthNames(idempotency_header="X-Idempotency-Key")
    assert idempotency_header("generic", configured) == "X-Idempotency-Key"

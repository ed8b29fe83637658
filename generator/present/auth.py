"""What the generated client and its docs say of credentials: the constructor arguments, the
environment variables, and what each operation sends."""

from __future__ import annotations

import textwrap
from typing import Any

from .. import ir

STRIPE_CLIENT_EXAMPLE = 'api_key="sk_test_..."'
"""The constructor arguments of the documented example of Stripe's client."""

#: How wide a line of the ``Args:`` of the client's docstring is (8 spaces come before it).
CLIENT_DOC_WIDTH = 80


def client_context(api: ir.Api) -> dict[str, Any]:
    """What the client's templates say of its credentials: the constructor arguments of the
    example (``client_example``), and for any API but Stripe's (whose base class takes its
    one key) each credential argument (``credentials``) and its docstring lines."""
    if api.profile == "stripe":
        return {
            "client_example": STRIPE_CLIENT_EXAMPLE,
            "credentials": (),
            "credential_docs": (),
        }
    first = api.security[0] if api.security else ()
    by_key = {scheme.key: scheme for scheme in api.security_schemes}
    example = ", ".join(
        f'{argument}="..."'
        for key in first
        if key in by_key
        for argument in by_key[key].arguments
    )
    docs: list[str] = []
    for scheme in api.security_schemes:
        for argument, env_var in zip(scheme.arguments, scheme.env_vars):
            line = f"{argument}: {credential_sent_as(scheme, argument)}"
            if scheme.doc:
                line += f" {scheme.doc}"
            line += f" When None, the ``{env_var}`` environment variable."
            docs += textwrap.wrap(
                line, CLIENT_DOC_WIDTH, subsequent_indent="    ", break_on_hyphens=False
            )
    docs += textwrap.wrap(
        "settings: Those of the base client (``base_url``, ``timeout``,"
        " ``max_retries``, ...), typed by ``ClientSettings``"
        " (``AsyncClientSettings`` for ``AsyncClient``).",
        CLIENT_DOC_WIDTH,
        subsequent_indent="    ",
    )
    return {
        "client_example": example,
        "credentials": tuple(
            argument for scheme in api.security_schemes for argument in scheme.arguments
        ),
        "credential_docs": tuple(docs),
    }


def credential_sent_as(scheme: ir.SecurityScheme, argument: str) -> str:
    """How the credential ``argument`` of ``scheme`` goes over the wire, in words."""
    if scheme.kind == "bearer":
        return "Sent as ``Authorization: Bearer <token>``."
    if scheme.kind == "basic":
        return f"The {argument} of ``Authorization: Basic``."
    return f"Sent in the {scheme.location} ``{scheme.wire_name}``."


def scheme_of(api: ir.Api, key: str) -> ir.SecurityScheme:
    """The scheme ``key`` of ``api``."""
    return next(s for s in api.security_schemes if s.key == key)


def credential_names(scheme: ir.SecurityScheme) -> str:
    """``bearer_token`` (``ORCHARD_BEARER_TOKEN``), each argument with its env var."""
    return " and ".join(
        f"`{argument}` (`{env_var}`)"
        for argument, env_var in zip(scheme.arguments, scheme.env_vars)
    )


def auth_rows(api: ir.Api) -> tuple[tuple[str, str, str], ...]:
    """The docs index's credentials, for any API but Stripe's: argument, env var, how sent."""
    if api.profile == "stripe":
        return ()
    return tuple(
        (f"`{argument}`", f"`{env_var}`", credential_sent_as(scheme, argument))
        for scheme in api.security_schemes
        for argument, env_var in zip(scheme.arguments, scheme.env_vars)
    )


def operation_auth(api: ir.Api, operation: ir.Operation) -> str:
    """What an operation sends, in words, for any API but Stripe's ("" for Stripe's)."""
    if api.profile == "stripe":
        return ""
    requirement = api.security if operation.security is None else operation.security
    alternatives = [
        " with ".join(credential_names(scheme_of(api, key)) for key in alternative)
        for alternative in requirement
        if alternative
    ]
    if not alternatives:
        return "This operation sends no credentials."
    text = "Sends " + "; or else ".join(alternatives) + "."
    if len(alternatives) < len(requirement):
        text += " Without them it is sent without credentials."
    return text + " An argument not given is read from its environment variable."

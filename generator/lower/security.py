"""Security schemes and requirements: which credentials the client takes, and which each
operation sends.

``components.securitySchemes`` become ``ir.SecurityScheme``s: http bearer, OAuth 2 and OpenID
Connect are a token sent as ``Authorization: Bearer``, http basic a username and a password,
an apiKey a value sent in its header, query parameter or cookie. Each gets constructor
arguments named after its kind (``api_key``, ``bearer_token``, ``access_token``, ``username``
and ``password``; named after the scheme when several schemes would take the same name) and
environment variables named after the API (``PETSTORE_API_KEY``), both renamable in
``[tool.codegen.auth]``.

A requirement (``security``, top-level or per operation) is a list of alternatives; an
alternative that needs a scheme the client cannot send (mutualTLS, http digest, ...) is
dropped when another one remains, else the spec is refused with the scheme's pointer.

Stripe's profile takes one secret key, ``api_key`` (``STRIPE_API_KEY``), sent as a bearer
token by every operation, whatever its spec says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Optional

from .. import ir, naming, text
from ..errors import CodegenError, json_pointer
from ..settings import AuthNames
from .oas import Document
from .profile import STRIPE

SCHEMES_POINTER = json_pointer("components", "securitySchemes")

STRIPE_IDEMPOTENCY_HEADER = "Idempotency-Key"

STRIPE_SCHEME = ir.SecurityScheme(
    key="api_key",
    kind="bearer",
    location="header",
    wire_name="Authorization",
    arguments=("api_key",),
    env_vars=("STRIPE_API_KEY",),
    doc="Secret or restricted key.",
    pointer=SCHEMES_POINTER,
)


@dataclass(frozen=True)
class Security:
    """What the client needs to know: its schemes and the API's default requirement."""

    schemes: tuple[ir.SecurityScheme, ...]
    default: ir.SecurityRequirement
    unsupported: Mapping[str, str]  # scheme key -> why it cannot be sent
    notes: tuple[str, ...] = ()
    # the prefix of the environment variables (``[tool.codegen.auth] env_prefix``, or the
    # API's stem)
    env_prefix: str = "STRIPE"

    def requirement(self, raw: Any, pointer: str) -> ir.SecurityRequirement:
        """The alternatives of a ``security`` list, without those the client cannot send."""
        return _requirement(raw, pointer, self)


def lower_security(
    document: Document, profile: str, names: AuthNames = AuthNames()
) -> Security:
    """The client's schemes and the API's default requirement (top-level ``security``)."""
    if profile == STRIPE:
        return Security((STRIPE_SCHEME,), (("api_key",),), {})
    raw_schemes = _raw_schemes(document)
    kinds: dict[str, tuple[str, str, str]] = {}
    unsupported: dict[str, str] = {}
    for key, scheme in raw_schemes.items():
        found = _kind(scheme)
        if isinstance(found, str):
            unsupported[key] = found
        else:
            kinds[key] = found
    prefix = names.env_prefix or naming.env_var_prefix(document.info.title)
    arguments = _arguments(kinds, names)
    schemes = tuple(
        ir.SecurityScheme(
            key=key,
            kind="bearer" if kind == "oauth" else kind,
            location=location,
            wire_name=wire_name,
            arguments=arguments[key],
            env_vars=names.env_vars.get(key)
            or tuple(naming.env_var_name(prefix, a) for a in arguments[key]),
            doc=text.plain_line(getattr(raw_schemes[key], "description", None) or ""),
            pointer=json_pointer("components", "securitySchemes", key),
        )
        for key, (kind, location, wire_name) in kinds.items()
    )
    _check_renames(schemes, names)
    security = Security(schemes, (), unsupported)
    default = security.requirement(
        getattr(document, "security", None), json_pointer("security")
    )
    return Security(schemes, default, unsupported, env_prefix=prefix)


def operation_security(
    security: Security, operation: Any, pointer: str, profile: str
) -> Optional[ir.SecurityRequirement]:
    """The operation's own requirement, or None when it has none (the API's default)."""
    raw = getattr(operation, "security", None)
    if profile == STRIPE or raw is None:
        return None
    return security.requirement(raw, json_pointer_join(pointer, "security"))


def json_pointer_join(pointer: str, token: str) -> str:
    return pointer + "/" + token


# --- the kinds of schemes ---------------------------------------------------------------------


def _raw_schemes(document: Document) -> dict[str, Any]:
    components = document.components
    found = dict(getattr(components, "securitySchemes", None) or {})
    for key, scheme in found.items():
        ref = getattr(scheme, "ref", None)
        if ref is not None:
            target = ref.rpartition("/")[2]
            if (
                not ref.startswith("#/components/securitySchemes/")
                or target not in found
            ):
                raise CodegenError(
                    f"security scheme {key!r} refers to {ref!r}, which is not a scheme",
                    pointer=json_pointer("components", "securitySchemes", key),
                    hint="refer to another entry of components.securitySchemes",
                )
            found[key] = found[target]
    return found


def _kind(scheme: Any) -> tuple[str, str, str] | str:
    """``(kind, location, wire name)`` of a scheme the client sends, or why it cannot."""
    kind = str(getattr(scheme, "type", "") or "")
    kind = getattr(kind, "value", kind)
    if kind == "http":
        http = str(getattr(scheme, "scheme", "") or "").lower()
        if http == "bearer":
            return ("bearer", "header", "Authorization")
        if http == "basic":
            return ("basic", "header", "Authorization")
        return f"http {http or '(no scheme)'} authentication is not supported"
    if kind == "apiKey":
        location = str(getattr(scheme, "security_scheme_in", "") or "")
        location = getattr(location, "value", location)
        name = getattr(scheme, "name", None)
        if location not in ("header", "query", "cookie") or not name:
            return "an apiKey scheme needs `in` (header, query or cookie) and `name`"
        return ("api_key", location, str(name))
    if kind in ("oauth2", "openIdConnect"):
        return ("oauth", "header", "Authorization")
    return f"{kind or 'untyped'} security schemes are not supported"


def _arguments(
    kinds: Mapping[str, tuple[str, str, str]], names: AuthNames
) -> dict[str, tuple[str, ...]]:
    """The constructor arguments of each scheme: those of its kind, or, where several
    schemes of one kind would share them, named after the scheme (``partner_key_api_key``).
    """
    derived = {
        key: naming.CREDENTIAL_ARGUMENTS[kind] for key, (kind, _, _) in kinds.items()
    }
    counts: dict[str, int] = {}
    for arguments in derived.values():
        for argument in arguments:
            counts[argument] = counts.get(argument, 0) + 1
    result: dict[str, tuple[str, ...]] = {}
    for key, arguments in derived.items():
        if key in names.arguments:
            result[key] = names.arguments[key]
        elif any(counts[a] > 1 for a in arguments):
            stem = naming.attribute_name(key)
            result[key] = tuple(
                a if stem.endswith(a) and len(arguments) == 1 else f"{stem}_{a}"
                for a in arguments
            )
        else:
            result[key] = arguments
    return result


def _check_renames(schemes: Sequence[ir.SecurityScheme], names: AuthNames) -> None:
    """Renamed arguments must be identifiers the client has no other use for, one each."""
    keys = {s.key for s in schemes}
    for table in (names.arguments, names.env_vars):
        for key in table:
            if key not in keys:
                raise CodegenError(
                    f"[tool.codegen.auth.schemes] names the scheme {key!r}, which the spec"
                    " does not declare (or the client cannot send)",
                    pointer=SCHEMES_POINTER,
                    hint="use a key of components.securitySchemes: "
                    + (", ".join(sorted(keys)) or "(none)"),
                )
    seen: dict[str, str] = {}
    for scheme in schemes:
        wanted = 2 if scheme.kind == "basic" else 1
        for values, what in (
            (scheme.arguments, "arguments"),
            (scheme.env_vars, "env_vars"),
        ):
            if len(values) != wanted:
                raise CodegenError(
                    f"[tool.codegen.auth.schemes.{scheme.key}] {what} must be {wanted}"
                    f" name(s), found {len(values)}",
                    pointer=scheme.pointer,
                    hint="http basic takes two (username, password), other schemes one",
                )
        for argument in scheme.arguments:
            if (
                not argument.isidentifier()
                or naming.is_reserved_word(argument)
                or argument in naming.CLIENT_ARGUMENTS
            ):
                raise CodegenError(
                    f"the client argument {argument!r} of scheme {scheme.key!r} is not a"
                    " free Python identifier",
                    pointer=scheme.pointer,
                    hint="set another name in [tool.codegen.auth.schemes."
                    f"{scheme.key}] arguments",
                )
            if argument in seen:
                raise CodegenError(
                    f"schemes {seen[argument]!r} and {scheme.key!r} both take the client"
                    f" argument {argument!r}",
                    pointer=scheme.pointer,
                    hint="rename one in [tool.codegen.auth.schemes.<key>] arguments",
                )
            seen[argument] = scheme.key


# --- requirements -----------------------------------------------------------------------------


def _requirement(raw: Any, pointer: str, security: Security) -> ir.SecurityRequirement:
    """The alternatives of a ``security`` list (None: no requirement at all)."""
    if raw is None:
        return ()
    known = {s.key for s in security.schemes}
    alternatives: list[tuple[str, ...]] = []
    refused: list[tuple[str, str]] = []
    for index, alternative in enumerate(raw):
        keys = tuple(dict(alternative or {}))
        if not keys:  # {}: anonymous access is one way in
            alternatives.append(())
            continue
        for key in keys:
            if key not in known and key not in security.unsupported:
                raise CodegenError(
                    f"security requirement names the scheme {key!r}, which"
                    " components.securitySchemes does not declare",
                    pointer=json_pointer_join(pointer, str(index)),
                    hint="declare it under components.securitySchemes or fix the name",
                )
        blocked = [k for k in keys if k in security.unsupported]
        if blocked:
            refused.append((blocked[0], security.unsupported[blocked[0]]))
            continue
        if keys not in alternatives:
            alternatives.append(keys)
    if not alternatives and refused:
        key, reason = refused[0]
        raise CodegenError(
            f"security scheme {key!r}: {reason}, and the operation offers no other",
            pointer=json_pointer("components", "securitySchemes", key),
            hint="add an alternative the client can send (bearer, basic, apiKey, oauth2)"
            " to the operation's security, or leave the operation out",
        )
    if () in alternatives:  # credentials optional: sent when configured, else none
        alternatives = [a for a in alternatives if a] + [()]
    return tuple(alternatives)


def idempotency_header(profile: str, names: AuthNames) -> Optional[str]:
    """The header of POSTs' idempotency keys: Stripe's, or the configured one (or None)."""
    return STRIPE_IDEMPOTENCY_HEADER if profile == STRIPE else names.idempotency_header

"""What this API's client sends besides the parameters: its credentials, and the retry rule.

The API's security schemes (`_constants.SECURITY_SCHEMES`, from the spec's
`components.securitySchemes`) name the client's credential arguments and the environment
variable each one falls back to. Each operation has a requirement: alternatives, each a set
of schemes sent together (`_constants.DEFAULT_SECURITY` unless the operation has its own).
A request sends the first alternative whose credentials are all set (an empty one, as in
`security: []`, sends none); when none is, nothing is sent and `MissingCredentialsError`
names the arguments and environment variables that would do. Per scheme:

- http bearer (and OAuth 2, OpenID Connect): `Authorization: Bearer <token>`;
- http basic: `Authorization: Basic <base64 of username:password>`;
- apiKey: the key in its header, query parameter or cookie.

Every credential, and the forms it is sent in (base64, percent-encoded), is redacted from
`repr()`, exceptions, headers and logs.

Retries: connection errors, timeouts, and HTTP 408, 409, 429 and 5xx (`should_retry`). The
API's idempotency header (`_constants.IDEMPOTENCY_HEADER`, when the package was generated
with one) is sent on every POST, the caller's `idempotency_key` or a random UUID, kept across
the retries of the call.
"""

from __future__ import annotations

import base64
import os
import uuid
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Set, Tuple
from urllib.parse import quote, quote_plus

import httpx

from ._constants import DEFAULT_SECURITY, IDEMPOTENCY_HEADER, SECURITY_SCHEMES
from ._options import RequestOptions, checked_credential
from .errors import APIError, MissingCredentialsError

__all__ = [
    "Credentials",
    "Scheme",
    "SCHEMES",
    "SentCredentials",
    "profile_headers",
    "should_retry",
]

Requirement = Sequence[Sequence[str]]
"""Alternatives, each the keys of the schemes sent together; empty: no credentials."""


@dataclass(frozen=True)
class Scheme:
    """One security scheme of the API, as the client sends it.

    Attributes:
        key: The scheme's name in the spec's `components.securitySchemes`.
        kind: `bearer`, `basic` or `api_key`.
        location: Where an `api_key` goes: `header`, `query` or `cookie`.
        wire_name: The header, query parameter or cookie name.
        arguments: The client's constructor arguments for it (`username`, `password` for
            basic), in order.
        env_vars: The environment variable each argument falls back to, in the same order.
    """

    key: str
    kind: str
    location: str
    wire_name: str
    arguments: Tuple[str, ...]
    env_vars: Tuple[str, ...]


SCHEMES: Dict[str, Scheme] = {fields[0]: Scheme(*fields) for fields in SECURITY_SCHEMES}
"""The API's schemes by key."""

ARGUMENTS: Tuple[str, ...] = tuple(
    argument for scheme in SCHEMES.values() for argument in scheme.arguments
)
"""Every credential argument of the client, in the order of the schemes."""


@dataclass(frozen=True)
class SentCredentials:
    """What one request sends for its requirement: headers, query pairs and cookies."""

    headers: Tuple[Tuple[str, str], ...] = ()
    query: Tuple[Tuple[str, str], ...] = ()
    cookies: Tuple[Tuple[str, str], ...] = ()


class Credentials:
    """The client's credentials: each argument given, or else its environment variable.

    Raises (on construction):
        TypeError: An argument the API has no scheme for.
        ValueError: A value with non-printable characters (or spaces, but in a password).
    """

    def __init__(self, given: Mapping[str, Optional[str]]) -> None:
        unknown = sorted(set(given) - set(ARGUMENTS))
        if unknown:
            raise TypeError(f"unknown credential argument: {', '.join(unknown)}")
        self._values: Dict[str, str] = {}
        for scheme in SCHEMES.values():
            for argument, env_var in zip(scheme.arguments, scheme.env_vars):
                value = given.get(argument)
                if value is None:
                    value = os.environ.get(env_var) or None
                if value is not None:
                    self._values[argument] = checked_credential(argument, value)

    def given(self) -> Dict[str, Optional[str]]:
        """Every argument and its value (None: not set), as the constructor takes them."""
        return {argument: self._values.get(argument) for argument in ARGUMENTS}

    def secrets(self) -> Tuple[str, ...]:
        """Every value, and the forms it is sent in, longest first (for redaction)."""
        found: Set[str] = set()
        for scheme in SCHEMES.values():
            values = [self._values.get(a) for a in scheme.arguments]
            for value in values:
                if value:
                    found.update((value, quote(value, safe=""), quote_plus(value)))
            if scheme.kind == "basic" and all(values):
                found.add(_basic_token(values[0] or "", values[1] or ""))
        return tuple(sorted(found, key=lambda s: (-len(s), s)))

    def for_requirement(
        self, requirement: Optional[Requirement], what: str
    ) -> SentCredentials:
        """What a request (`what`: `GET /pets`) sends for `requirement` (None: the API's
        default).

        Raises:
            MissingCredentialsError: No alternative has all its credentials set.
        """
        alternatives = DEFAULT_SECURITY if requirement is None else requirement
        if not alternatives:
            return SentCredentials()
        for alternative in alternatives:
            if alternative and all(self._has(SCHEMES[key]) for key in alternative):
                return self._sent(alternative)
        if any(not alternative for alternative in alternatives):
            return SentCredentials()
        raise MissingCredentialsError(
            f"{what} needs credentials: "
            + "; or ".join(self._missing(alternative) for alternative in alternatives)
        )

    def _has(self, scheme: Scheme) -> bool:
        return all(argument in self._values for argument in scheme.arguments)

    def _missing(self, alternative: Sequence[str]) -> str:
        """`pass bearer_token=... or set PETSTORE_BEARER_TOKEN` for what is not set."""
        missing = [
            (argument, env_var)
            for key in alternative
            for argument, env_var in zip(SCHEMES[key].arguments, SCHEMES[key].env_vars)
            if argument not in self._values
        ]
        arguments = ", ".join(f"{argument}=..." for argument, _ in missing)
        env_vars = ", ".join(env_var for _, env_var in missing)
        return f"pass {arguments} or set {env_vars}"

    def _sent(self, alternative: Sequence[str]) -> SentCredentials:
        headers: List[Tuple[str, str]] = []
        query: List[Tuple[str, str]] = []
        cookies: List[Tuple[str, str]] = []
        for key in alternative:
            scheme = SCHEMES[key]
            values = [self._values[argument] for argument in scheme.arguments]
            if scheme.kind == "bearer":
                headers.append(("Authorization", f"Bearer {values[0]}"))
            elif scheme.kind == "basic":
                headers.append(("Authorization", _basic_token(values[0], values[1])))
            elif scheme.location == "query":
                query.append((scheme.wire_name, values[0]))
            elif scheme.location == "cookie":
                cookies.append((scheme.wire_name, values[0]))
            else:
                headers.append((scheme.wire_name, values[0]))
        return SentCredentials(tuple(headers), tuple(query), tuple(cookies))

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{argument}={'<redacted>' if argument in self._values else None}"
            for argument in ARGUMENTS
        )
        return f"Credentials({shown})"


def _basic_token(username: str, password: str) -> str:
    """The `Authorization` value of http basic: `Basic <base64 of username:password>`."""
    pair = f"{username}:{password}".encode("utf-8")
    return "Basic " + base64.b64encode(pair).decode("ascii")


def profile_headers(
    credentials: SentCredentials,
    user_agent: str,
    method: str,
    options: RequestOptions,
) -> Dict[str, str]:
    """The headers of a request before its body's and the caller's, in the order sent.

    Raises:
        TypeError: An `idempotency_key` given to a call that is not a POST, or to a client of
            an API without an idempotency header.
    """
    headers = dict(credentials.headers)
    headers["User-Agent"] = user_agent
    idempotency_key = options.idempotency_key
    if idempotency_key is not None and (IDEMPOTENCY_HEADER is None or method != "POST"):
        raise TypeError(
            "idempotency_key is for POST requests of an API with an idempotency header,"
            f" not {method}"
        )
    if IDEMPOTENCY_HEADER is not None and method == "POST":
        headers[IDEMPOTENCY_HEADER] = idempotency_key or str(uuid.uuid4())
    return headers


def should_retry(response: httpx.Response, error: Optional[APIError] = None) -> bool:
    """Whether an error response may be retried: HTTP 408, 409, 429 and 5xx."""
    status = response.status_code
    return status in (408, 409, 429) or status >= 500

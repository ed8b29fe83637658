"""The gateway's settings: defaults, limits, the upstream, validated once at start.

Stdlib only, so that ``codegen gateway --help`` shows these defaults without the extra.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from ..errors import CodegenError
from .origins import LOOPBACK_NAMES, OriginPolicy, is_loopback
from .redact import REDACTED
from .routes import RouteTable

KEY_VARIABLE = "STRIPE_API_KEY"
INSTALL_HINT = "pip install 'codegen[gateway]'"
DEFAULT_PORT = 8787
DEFAULT_UPSTREAM = "https://api.stripe.com"
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
UPSTREAM_TIMEOUT_SECONDS = 80.0  # Stripe's own limit for a request
# Limits (see ``Limits``); nginx's defaults for comparison: 60 s timeouts, 4 x 8 KB head buffers.
DEFAULT_HEADER_TIMEOUT = 10.0  # seconds for the whole request head
DEFAULT_BODY_TIMEOUT = 10.0  # seconds for the whole request body
DEFAULT_SEND_TIMEOUT = 30.0  # seconds for a client that stopped reading
DEFAULT_MAX_HEADER_BYTES = 32 * 1024  # request line plus headers
DEFAULT_MAX_HEADERS = 100  # header fields (Apache's LimitRequestFields)
DEFAULT_MAX_CONNECTIONS = 512  # served at once; more get 503
DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024  # upstream body; larger gets 502
# Upstream connections at once (nginx: max_conns); Stripe's test mode allows 25 requests/s.
UPSTREAM_POOL_SIZE = 16
# Key prefixes and their mode: secret and restricted keys, test and live.
KEY_MODES = (
    ("sk_test_", "test"),
    ("rk_test_", "test"),
    ("sk_live_", "live"),
    ("rk_live_", "live"),
)
# A key shorter than this gets no last 4 (they would be too much of it).
KEY_LAST4_MIN_LENGTH = 16


def key_status(api_key: str) -> dict[str, object]:
    """What the pages may know of the key: configured, test or live mode, its last 4.

    Never the key itself: the mode comes from its prefix only (``None`` for an unknown
    prefix), and the last 4 characters only of a key long enough for them to say little.
    """
    key = api_key.strip()
    mode: Optional[str] = None
    for prefix, name in KEY_MODES:
        if key.startswith(prefix):
            mode = name
            break
    last4 = key[-4:] if len(key) >= KEY_LAST4_MIN_LENGTH else None
    return {"key_configured": bool(key), "mode": mode, "key_last4": last4}


def check_upstream(text: str) -> str:
    """The upstream origin (plus an optional path prefix), validated once at start."""
    try:
        parts = urlsplit(text.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        reason = (
            "its port is not a number from 1 to 65535"
            if str(error).startswith("Port")
            else error
        )
        raise CodegenError(
            f"--upstream {text!r} is not a URL: {reason}",
            hint="e.g. https://api.stripe.com or http://127.0.0.1:12111 for a local mock",
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CodegenError(
            f"--upstream {text!r} is not an http(s) URL",
            hint="e.g. https://api.stripe.com or http://127.0.0.1:12111 for a local mock",
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise CodegenError(
            f"--upstream {text!r} must not carry a query, fragment or credentials",
            hint=f"the key comes from {KEY_VARIABLE}",
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise CodegenError(
            f"--upstream {text!r} would send the API key unencrypted",
            hint="use https://, or plain http:// only to a loopback address (a local mock)",
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


@dataclass(frozen=True)
class Limits:
    """What one caller may hold of the gateway: time, header space, connections, memory.

    Timeouts are in seconds and bound a whole phase, not one read: a client dripping a byte a
    second is cut off as surely as a silent one (nginx's ``client_body_timeout`` is per read,
    which a drip defeats).
    """

    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    send_timeout: float = DEFAULT_SEND_TIMEOUT
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES
    max_headers: int = DEFAULT_MAX_HEADERS
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    def check(self) -> None:
        """Refuse values that would disable a limit by accident (0, negative)."""
        for name in ("header_timeout", "body_timeout", "send_timeout"):
            if not getattr(self, name) > 0:
                option = "--" + name.replace("_", "-")
                raise CodegenError(
                    f"{option} must be more than 0 seconds", hint=f"e.g. {option} 10"
                )
        for name in (
            "max_header_bytes",
            "max_headers",
            "max_connections",
            "max_response_bytes",
        ):
            if getattr(self, name) < 1:
                option = "--" + name.replace("_", "-")
                raise CodegenError(
                    f"{option} must be at least 1",
                    hint=f"e.g. {option} {getattr(Limits, name)}",
                )


@dataclass(frozen=True)
class GatewayConfig:
    routes: RouteTable
    upstream: str
    api_key: str
    pages: Path
    host: str
    port: int
    allow_origins: tuple[str, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    limits: Limits = field(default_factory=Limits)

    def __repr__(self) -> str:  # never show the key
        return (
            f"GatewayConfig(upstream={self.upstream!r}, host={self.host!r}, port={self.port}, "
            f"routes={len(self.routes)}, api_key={REDACTED!r})"
        )

    @property
    def own_origins(self) -> tuple[str, ...]:
        host = f"[{self.host}]" if ":" in self.host else self.host
        names = [host]
        if is_loopback(self.host):
            names += list(LOOPBACK_NAMES)
        return tuple(f"http://{name}:{self.port}" for name in dict.fromkeys(names))

    @property
    def origins(self) -> frozenset[str]:
        return frozenset(self.own_origins + self.allow_origins)

    @property
    def host_names(self) -> frozenset[str]:
        """Domain names a request's Host may carry (IP literals are always fine)."""
        names = {"localhost"}
        for origin in self.allow_origins:
            if origin != "null":
                hostname = urlsplit(origin).hostname
                if hostname:
                    names.add(hostname.lower())
        return frozenset(names)

    @property
    def policy(self) -> OriginPolicy:
        return OriginPolicy(self.origins, self.host_names)

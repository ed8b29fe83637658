"""Which browsers' requests the gateway serves: the one origin check, and Host names.

Stdlib only. ``OriginPolicy.check`` is used for forwarded requests and CORS preflights alike.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

from ..errors import CodegenError

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def normalize_origin(text: str) -> str:
    """``scheme://host[:port]`` in lower case without a default port, as browsers send it."""
    value = text.strip()
    if value == "null":
        return value
    try:
        parts = urlsplit(value)
        hostname, port = parts.hostname, parts.port
    except ValueError as error:  # a port that is not a number 0-65535, a broken [IPv6]
        reason = (
            "its port is not a number from 1 to 65535"
            if str(error).startswith("Port")
            else error
        )
        raise CodegenError(
            f"--allow-origin {text!r} is not an origin: {reason}",
            hint="give scheme, host and a numeric port, e.g. http://localhost:3000",
        ) from None
    if parts.scheme not in ("http", "https") or not hostname:
        raise CodegenError(
            f"--allow-origin {text!r} is not an origin",
            hint="give scheme, host and port, e.g. http://localhost:3000",
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise CodegenError(
            f"--allow-origin {text!r} must be an origin only (no path, query or user)",
            hint="e.g. https://docs.example.com",
        )
    host = hostname
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def host_name(host: str) -> str:
    """The name part of a Host header value, lower case ("" when malformed)."""
    name = host.strip().lower()
    if name.startswith("["):
        return name.split("]", 1)[0] + "]" if "]" in name else ""
    return name.rsplit(":", 1)[0] if ":" in name else name


@dataclass(frozen=True)
class Verdict:
    """Whether a request may proceed, and the origin to answer CORS for (None: no CORS)."""

    allowed: bool
    cors_origin: Optional[str] = None


@dataclass(frozen=True)
class OriginPolicy:
    origins: frozenset[str]  # normalized: the gateway's own and the --allow-origin ones
    host_names: frozenset[str]  # domain names a Host header may carry

    def check(self, origin: Optional[str], host: str, fetch_site: str = "") -> Verdict:
        """The verdict on a request's ``Origin``, ``Host`` and ``Sec-Fetch-Site`` headers.

        With an ``Origin``: allowed when it is one of ours or the very host the request was
        sent to (a page served by this gateway under another name); a malformed one is
        refused. Without one the request is not a cross-origin browser request, unless Fetch
        Metadata says it is.
        """
        if origin is None:
            return Verdict(fetch_site not in ("cross-site", "same-site"))
        try:
            normalized = normalize_origin(origin)
        except CodegenError:
            return Verdict(False)
        own = normalized == f"http://{host.strip().lower()}"
        if normalized in self.origins or own:
            return Verdict(True, origin)
        return Verdict(False)

    def host_ok(self, host: str) -> bool:
        """An IP literal, or a domain name we were told about (DNS rebinding otherwise)."""
        name = host_name(host)
        return bool(name) and (is_ip_literal(name) or name in self.host_names)

"""The package's logger, and keeping credentials out of every log record.

The logger is named after the package as it is imported (`petstore_client`, or
`myapp._petstore` once vendored there), and so is the `User-Agent`. Each attempt and response
is logged at DEBUG (method, path, status, request id, attempt), each retry at INFO; headers,
bodies and query strings never are, so no parameter (a card number) can reach a log. httpx
and httpcore log request URLs at INFO and response headers at DEBUG: every credential a
client of this package holds, anything shaped like a Stripe secret or restricted key, and
every query string, is blanked out of their records.

The environment variable `LOG_ENV_VAR` (from `_constants`) set to `debug` or `info` prints
the package's records of that level and above to stderr, without configuring `logging`.
"""

from __future__ import annotations

import logging
import os
import re
from typing import List, Optional, Sequence

import httpx

from ._constants import LOG_ENV_VAR

__all__ = [
    "IMPORT_NAME",
    "LOG_ENV_VAR",
    "QUERY_REDACTED",
    "REDACTED",
    "log_attempt",
    "log_to_stderr_if_asked",
    "log_response",
    "log_retry",
    "logger",
    "redact",
    "redact_headers",
    "redact_library_logs",
]

REDACTED = "<redacted API key>"
"""What replaces the API key wherever it would be shown."""

# What Stripe's secret and restricted keys look like; used for the log records of httpx and
# httpcore, which cannot know the client's key.
_KEY_PATTERN = re.compile(r"\b[rs]k_(?:live|test)_[0-9A-Za-z]+")

IMPORT_NAME = __name__.rpartition(".")[0] or __name__
"""The package's name as it is imported: the logger's name and the start of the User-Agent."""


logger = logging.getLogger(IMPORT_NAME)


def log_to_stderr_if_asked(value: Optional[str]) -> None:
    """Print the package's records to stderr when `value` (`LOG_ENV_VAR`) is debug or info.

    Adds one handler, once; other values leave logging alone.
    """
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get((value or "").lower())
    if level is None:
        return
    logger.setLevel(level)
    if not any(getattr(h, "_package_log", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s")
        )
        setattr(handler, "_package_log", True)
        logger.addHandler(handler)


log_to_stderr_if_asked(os.environ.get(LOG_ENV_VAR))


# A query string in a URL of a library's record (httpx logs "HTTP Request: GET <url>" at
# INFO): list and search parameters can be personal data (`email=`, `query=`).
_QUERY_PATTERN = re.compile(r"(https?://[^\s?#\"']+)\?[^\s#\"']*")
QUERY_REDACTED = "?<query redacted>"
"""What replaces the query string of a URL in the records of httpx and httpcore."""


class _KeyRedactingFilter(logging.Filter):
    """Blanks out credentials, and the query strings of URLs, in records of httpx and httpcore.

    httpcore logs the response headers at DEBUG, so a key a server echoes in a header would
    reach the log; these libraries cannot know the client's key, so every credential given
    to `redact_library_logs` and anything shaped like a Stripe secret or restricted key is
    blanked out. httpx logs each request's URL at INFO,
    query string included, which for list and search calls holds parameters such as an
    email address: the query string is replaced too.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed record: logging reports it when it is emitted
        redacted = redact(_KEY_PATTERN.sub(REDACTED, message), _SECRETS)
        redacted = _QUERY_PATTERN.sub(
            lambda match: match.group(1) + QUERY_REDACTED, redacted
        )
        if redacted != message:
            record.msg = redacted
            record.args = ()
        return True


_LIBRARY_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


def redact(text: str, secrets: Sequence[str]) -> str:
    """`text` with each of `secrets` replaced by `REDACTED`."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def redact_headers(headers: httpx.Headers, secrets: Sequence[str]) -> httpx.Headers:
    """`headers` with `secrets` blanked out of every name and value (the same object when
    none of them occurs)."""
    if not any(
        secret in name or secret in value
        for name, value in headers.multi_items()
        for secret in secrets
    ):
        return headers
    return httpx.Headers(
        [
            (redact(name, secrets), redact(value, secrets))
            for name, value in headers.multi_items()
        ]
    )


_SECRETS: List[str] = []
"""The credentials of the clients made so far, longest first, for `_KeyRedactingFilter`."""


def redact_library_logs(secrets: Sequence[str] = ()) -> None:
    """Add a `_KeyRedactingFilter` to the loggers of httpx and httpcore, once; it blanks
    out `secrets` too (a client's credentials), from now on."""
    fresh = [secret for secret in secrets if secret and secret not in _SECRETS]
    if fresh:
        _SECRETS[:] = sorted([*_SECRETS, *fresh], key=lambda s: (-len(s), s))
    for name in _LIBRARY_LOGGERS:
        library_logger = logging.getLogger(name)
        if not any(isinstance(f, _KeyRedactingFilter) for f in library_logger.filters):
            library_logger.addFilter(_KeyRedactingFilter())


def log_attempt(request: httpx.Request, attempt: int, attempts: int) -> None:
    logger.debug(
        "Sending %s %s (attempt %d of %d)",
        request.method,
        request.url.path,
        attempt,
        attempts,
    )


def log_response(
    request: httpx.Request, status_code: int, headers: httpx.Headers
) -> None:
    """Log a response; `headers` are its headers with the API key redacted."""
    logger.debug(
        "Received HTTP %d for %s %s (request id %s)",
        status_code,
        request.method,
        request.url.path,
        headers.get("request-id"),
    )


def log_retry(
    request: httpx.Request, retry: int, attempts: int, delay: float, reason: str
) -> None:
    logger.info(
        "Retrying %s %s in %.3f s after %s (attempt %d of %d)",
        request.method,
        request.url.path,
        delay,
        reason,
        retry + 1,
        attempts,
    )

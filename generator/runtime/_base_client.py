"""The HTTP machinery behind `Client` and `AsyncClient`.

`SyncAPIClient` and `AsyncAPIClient` hold the configuration (API key, base URL, API version,
Connect account, timeouts, retries, size limits) and send every request of the generated
methods through `request()`, which adds the headers, retries what is safe to retry, maps error
responses to the exceptions of `errors` and parses successful responses into typed models.

Safety with money:

- Every POST carries an `Idempotency-Key`, the caller's or a random UUID, and keeps it across
  retries, so that a retried request can never charge twice.
- Retries (`max_retries`, 2 by default, 0 disables them) happen on connection errors,
  timeouts, HTTP 409 (except an `idempotency_error`: the key is in use by another request or
  was used with other parameters, and asking again changes nothing), 429 and 5xx, and
  whenever the response says `Stripe-Should-Retry: true`; never when it says
  `Stripe-Should-Retry: false`. The wait grows exponentially with jitter, capped; a
  `Retry-After` header can lengthen it up to a bound but never shorten it (see `Backoff`).
- The API key never appears in `repr()`, exception texts, exception or response headers, or
  log records, even when a server echoes it back, and is only sent over `https://`, or plain
  `http://` to a loopback address (a local mock server), unless `allow_insecure_http=True`.

Limits, so that a slow, broken or hostile server cannot hold a call or exhaust memory:

- `timeout` bounds each whole attempt, from connecting to the last byte of the body, not
  only each read (with an `http_client` of your own, the synchronous client bounds the
  response headers per read only; see `SyncAPIClient`). `max_total_time` (None by
  default) bounds the whole call, retries and waits included; without it a call takes at
  most about `(max_retries + 1) * timeout` plus `max_retries` waits of at most `max(Backoff.maximum, Backoff.max_retry_after)` each
  (80 s per attempt, 8 s or 60 s per wait by default).
- Responses are streamed and counted: a body larger than `max_response_size` (JSON and error
  bodies, 32 MiB by default) or `max_binary_response_size` (files such as PDFs, 256 MiB by
  default) raises `ResponseTooLargeError` before more than the limit is held in memory, and a
  `Content-Length` above the limit is refused before the body is read.

Logging goes to the logger named after the package as imported (`_logs.IMPORT_NAME`;
`STRIPE_LOG=debug|info` prints it to stderr): each attempt and response at DEBUG (method,
path, status, request id, attempt), each retry at INFO. Headers, bodies and query strings
are never logged. httpx and httpcore log too (response headers, at DEBUG): anything shaped
like a Stripe secret or restricted key is blanked out of their records as well.

Per call, every generated method takes `api_key`, `stripe_account`, `stripe_version`,
`timeout`, `max_retries`, `extra_headers`, `extra_query` and `extra_body` (POSTs also
`idempotency_key`), typed by `CallOptions` (`PostCallOptions`), see `RequestOptions`;
`with_options()` returns a client with other defaults sharing the same connection pool.
List and search methods return pages (`request_page()`): a `SyncPage`, or an
`AsyncPaginator` to await for an `AsyncPage`; iterating one yields every item, fetching the
following pages (`next_page()`) with the same call options as they are reached (`PageType`
says how).

This module is the stable place to import all of it from; the parts live in modules with one
job each: `_core` (configuration, requests, the decisions shared by both clients),
`_options` (`RequestOptions`, `CallOptions`, `NOT_GIVEN`), `_pagination` (pages of lists),
`_sync_client` and `_async_client` (sending and waiting), `_retries` (`Backoff`, which
failures are retried, `Retry-After`), `_deadlines` (bounding a whole attempt), `_responses`
(`ResponseType`, size limits, parsing) and `_logs` (the logger, key redaction in log records).
"""

from __future__ import annotations

from ._async_client import AsyncAPIClient
from ._core import (
    API_KEY_ENV_VAR,
    DEFAULT_BASE_URL,
    DEFAULT_MAX_BINARY_RESPONSE_SIZE,
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_MAX_RETRIES,
    DEFAULT_STRIPE_VERSION,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    USER_AGENT,
    NotGiven,
    RequestOptions,
)
from ._logs import logger
from ._options import CallOptions, PostCallOptions
from ._pagination import AsyncPage, AsyncPaginator, PageType, SyncPage
from ._raw import async_to_raw_response, to_raw_response
from ._responses import APIResponse, BinaryContent, ResponseType
from ._retries import DEFAULT_BACKOFF, Backoff
from ._sync_client import SyncAPIClient

__all__ = [
    "API_KEY_ENV_VAR",
    "APIResponse",
    "AsyncAPIClient",
    "AsyncPage",
    "AsyncPaginator",
    "Backoff",
    "BinaryContent",
    "CallOptions",
    "DEFAULT_BACKOFF",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_BINARY_RESPONSE_SIZE",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_STRIPE_VERSION",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "NotGiven",
    "PageType",
    "PostCallOptions",
    "RequestOptions",
    "ResponseType",
    "SyncAPIClient",
    "SyncPage",
    "USER_AGENT",
    "async_to_raw_response",
    "logger",
    "to_raw_response",
]

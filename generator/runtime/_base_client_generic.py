"""The HTTP machinery behind `Client` and `AsyncClient`.

`SyncAPIClient` and `AsyncAPIClient` hold the configuration (credentials, base URL,
timeouts, retries, size limits) and send every request of the generated methods through
`request()`, which adds the credentials the operation needs and the headers, retries what is
safe to retry, maps error responses to the exceptions of `errors` (by HTTP status) and parses
successful responses into typed models.

- Credentials: one constructor argument per argument of the API's security schemes, each
  defaulting to its environment variable; each request sends those of its operation's
  security requirement (see `_profile`). They never appear in `repr()`, exception texts,
  exception or response headers, or log records, even when a server echoes them back, and
  are only sent over `https://`, or plain `http://` to a loopback address (a local mock
  server), unless `allow_insecure_http=True`.
- Retries (`max_retries`, 2 by default, 0 disables them) happen on connection errors,
  timeouts, and HTTP 408, 409, 429 and 5xx. The wait grows exponentially with jitter,
  capped; a `Retry-After` header (seconds or an HTTP date) can lengthen it up to a bound but
  never shorten it (see `Backoff`). When the API has an idempotency header, every POST
  carries one, the caller's `idempotency_key` or a random UUID, kept across retries.

Limits, so that a slow, broken or hostile server cannot hold a call or exhaust memory:

- `timeout` bounds each whole attempt, from connecting to the last byte of the body, not
  only each read. `max_total_time` (None by default) bounds the whole call, retries and
  waits included.
- Responses are streamed and counted: a body larger than `max_response_size` (JSON and error
  bodies, 32 MiB by default) or `max_binary_response_size` (files, 256 MiB by default)
  raises `ResponseTooLargeError` before more than the limit is held in memory.

Logging goes to the logger named after the package as imported (`_logs.IMPORT_NAME`;
`_logs.LOG_ENV_VAR=debug|info` prints it to stderr): each attempt and response at DEBUG
(method, path, status, request id, attempt), each retry at INFO. Headers, bodies and query
strings are never logged.

Per call, every generated method takes `timeout`, `max_retries`, `extra_headers`,
`extra_query` and `extra_body` (POSTs also `idempotency_key` when the API has an
idempotency header), typed by `CallOptions` (`PostCallOptions`), see `RequestOptions`;
`with_options()` returns a client with other defaults sharing the same connection pool.
List methods return pages (`request_page()`), as for `SyncPage` and `AsyncPaginator`.

This module is the stable place to import all of it from; the parts live in modules with one
job each: `_core` (configuration, requests, the decisions shared by both clients),
`_profile` (credentials, retry rule), `_options` (`RequestOptions`, `CallOptions`,
`NOT_GIVEN`), `_pagination` (pages of lists), `_sync_client` and `_async_client` (sending
and waiting), `_retries` (`Backoff`, `Retry-After`), `_deadlines` (bounding a whole
attempt), `_responses` (`ResponseType`, size limits, parsing) and `_logs` (the logger,
redaction in log records).
"""

from __future__ import annotations

from ._async_client import AsyncAPIClient, AsyncClientSettings
from ._core import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_BINARY_RESPONSE_SIZE,
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_MAX_RETRIES,
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
from ._sync_client import ClientSettings, SyncAPIClient

__all__ = [
    "APIResponse",
    "AsyncAPIClient",
    "AsyncClientSettings",
    "AsyncPage",
    "AsyncPaginator",
    "Backoff",
    "BinaryContent",
    "CallOptions",
    "ClientSettings",
    "DEFAULT_BACKOFF",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_BINARY_RESPONSE_SIZE",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_MAX_RETRIES",
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

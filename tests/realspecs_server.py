"""A local server that plays any OpenAPI 3 API from its spec, validating with openapi-core.

Each request is checked by openapi-core against the spec (the operation found by method and
path, every parameter in path, query, header and cookie deserialized by its style, the body by
its media type, the security requirements): what it says is recorded with the raw request, and
a request it rejects gets a 400 with the errors. An accepted one is answered with the first
2xx response the operation declares (else its first response: petstore's ``updatePet``
declares only 400, 404 and 405): an example made from its schema (``realspecs_examples``)
for a JSON media type, a short text or bytes for others, nothing for a response without
content. The answer is validated by openapi-core too, so an example the harness got wrong is
reported as a harness error (500), never sent as if it were the API's.

The spec's servers are replaced by their path parts (``/v2``), relative, so that openapi-core
matches requests to 127.0.0.1; ``base_path`` is what the client's base URL must end with.

Werkzeug's request handler drops every header whose name has an underscore (CGI spells
``api_key`` and ``api-key`` alike, ``HTTP_API_KEY``, so one could pose as the other behind a
proxy), and openapi-core's werkzeug request copies the headers under werkzeug's names
(``Api-Key``); petstore's ``api_key`` header (a parameter and a security scheme) is one.
So the handler here keeps the headers as they were sent, and openapi-core validates those.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Optional
from urllib.parse import urlsplit

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.contrib.werkzeug import (
    WerkzeugOpenAPIRequest,
    WerkzeugOpenAPIResponse,
)
from werkzeug.datastructures import Headers
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.realspecs_examples import FIRST, RESPONSE, Examples

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
RAW_HEADERS = "realspecs.raw_headers"  # the environ key of the headers as sent


@dataclass
class Received:
    """One request as the server saw it, and what openapi-core said of it."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    cookies: dict[str, str]
    content_type: str
    body: bytes
    errors: list[str]
    status: int = 0
    response_error: Optional[str] = None
    response_body: bytes = b""


def server_path(url: str, variables: Optional[dict[str, Any]] = None) -> str:
    """The path part of a server URL, its variables given their defaults, without a trailing /."""
    for name, variable in (variables or {}).items():
        url = url.replace("{" + name + "}", str(variable.get("default", "")))
    path = urlsplit(url).path if "://" in url else url
    return path.rstrip("/")


def base_path(spec: dict[str, Any]) -> str:
    """The path of the spec's first server (``""`` when it has none)."""
    servers = spec.get("servers") or [{"url": "/"}]
    return server_path(servers[0]["url"], servers[0].get("variables"))


def localised(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy whose servers (document, path items, operations) are the root's path part only.

    Two things openapi-core 0.23 cannot validate are loosened in it (and only those): a
    JSON Schema 2020-12 ``$dynamicRef`` (with the ``$id`` that scopes it) accepts anything, and
    so does a 3.1 multipart property of ``format: binary`` (the part arrives as bytes, which
    its 3.1 validator will not take for a string).
    """
    local = copy.deepcopy(spec)
    without_dynamic_references(local)
    if str(spec.get("openapi", "")).startswith("3.1"):
        any_binary_multipart_part(local)
    relative = [{"url": base_path(spec) or "/"}]
    local["servers"] = relative
    for item in local.get("paths", {}).values():
        if not isinstance(item, dict):
            continue
        if "servers" in item:
            item["servers"] = relative
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict) and "servers" in operation:
                operation["servers"] = relative
    return local


def without_dynamic_references(node: Any, top: bool = True) -> None:
    if isinstance(node, dict):
        if "$dynamicRef" in node:
            node.clear()
            return
        if not top:
            node.pop("$id", None)
            node.pop("$dynamicAnchor", None)
        for value in node.values():
            without_dynamic_references(value, False)
    elif isinstance(node, list):
        for value in node:
            without_dynamic_references(value, False)


def any_binary_multipart_part(spec: dict[str, Any]) -> None:
    examples = Examples(spec)
    for item in spec.get("paths", {}).values():
        for method in METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            body = examples.resolve((operation or {}).get("requestBody"))
            for media_type, media in ((body or {}).get("content") or {}).items():
                if not media_type.startswith("multipart/"):
                    continue
                schema = examples.resolve(media.get("schema", {}))
                for name, prop in list(schema.get("properties", {}).items()):
                    prop = examples.resolve(prop)
                    if prop.get("format") == "binary" or "contentMediaType" in prop:
                        schema["properties"][name] = {}


@dataclass
class RealSpecServer:
    spec: dict[str, Any]
    variant: str = FIRST  # of the examples (``realspecs_examples.Examples``)
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.local = localised(self.spec)
        self.openapi = OpenAPI.from_dict(self.local)
        self.examples = Examples(self.spec, self.variant)
        self.base_path = base_path(self.spec)
        self.routes = []
        for path, item in self.spec.get("paths", {}).items():
            pattern = re.compile(
                "^"
                + re.escape(self.base_path)
                + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
                + "$"
            )
            for method in METHODS:
                if isinstance(item.get(method), dict):
                    self.routes.append((method, pattern, item[method]))
        # A literal segment wins over a template (``/dialogs/search`` before ``/dialogs/{id}``).
        self.routes.sort(key=lambda route: route[1].pattern.count("[^/]+"))

    # -- serving -------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        seen = Received(
            method=request.method.lower(),
            path=request.path,
            query=list(request.args.items(multi=True)),
            headers={
                k.lower(): v
                for k, v in environ.get(RAW_HEADERS, request.headers.items())
            },
            cookies=dict(request.cookies),
            content_type=request.content_type or "",
            body=request.get_data(),
            errors=[],
        )
        self.received.append(seen)
        openapi_request = WerkzeugOpenAPIRequest(request)
        if RAW_HEADERS in environ:
            openapi_request.parameters = RequestParameters(
                query=openapi_request.parameters.query,
                header=Headers(environ[RAW_HEADERS]),
                cookie=openapi_request.parameters.cookie,
            )
        try:
            seen.errors = [
                describe(error)
                for error in self.openapi.iter_request_errors(openapi_request)
            ]
        except Exception as error:  # the validator itself failed: a harness error
            seen.errors = [f"harness: openapi-core raised {describe(error)}"[:2000]]
        if seen.errors:
            response = json_response(400, {"errors": seen.errors})
        else:
            response = self.answer(seen)
            seen.response_error = self.response_error(openapi_request, response)
            if seen.response_error is not None:
                response = json_response(
                    500, {"harness_error": "the example response is invalid"}
                )
        seen.status = response.status_code
        seen.response_body = response.get_data()
        return response(environ, start_response)

    def operation(self, method: str, path: str) -> Optional[dict[str, Any]]:
        return next(
            (
                op
                for m, pattern, op in self.routes
                if m == method and pattern.match(path)
            ),
            None,
        )

    def answer(self, seen: Received) -> Response:
        operation = self.operation(seen.method, seen.path)
        if operation is None:  # openapi-core found it, so this cannot happen
            return json_response(500, {"harness_error": "no route"})
        status, response = success_response(operation, self.examples)
        content = (response or {}).get("content") or {}
        if not content or status == 204:
            return Response(b"", status=status)
        media_type = preferred_media_type(content)
        schema = content[media_type].get("schema", {})
        if is_json(media_type):
            value = self.examples.value(schema, RESPONSE)
            return Response(json.dumps(value), status=status, content_type=media_type)
        if media_type.startswith("text/"):
            return Response("example", status=status, content_type=media_type)
        return Response(b"example", status=status, content_type=media_type)

    def response_error(
        self, request: WerkzeugOpenAPIRequest, response: Response
    ) -> Optional[str]:
        try:
            errors = [
                describe(error)
                for error in self.openapi.iter_response_errors(
                    request, WerkzeugOpenAPIResponse(response)
                )
            ]
        except Exception as error:  # the validator itself failed: a harness error
            errors = [f"harness: openapi-core raised {describe(error)}"[:2000]]
        return "; ".join(errors) if errors else None


def success_response(
    operation: dict[str, Any], examples: Examples
) -> tuple[int, Optional[dict[str, Any]]]:
    """The response the server answers with, and its status code: the first 2xx (``200``,
    then ``2XX``, then ``default``), else the first one declared (``400``, ``4XX``)."""
    responses = operation.get("responses", {})
    for code in sorted(responses):
        if code.isdigit() and code.startswith("2"):
            return int(code), examples.resolve(responses[code])
    for code in ("2XX", "2xx", "default"):
        if code in responses:
            return 200, examples.resolve(responses[code])
    for code in sorted(responses):
        if re.fullmatch(r"[1-5]([0-9]{2}|XX|xx)", code):
            return int(code[0] + code[1:].replace("X", "0").replace("x", "0")), (
                examples.resolve(responses[code])
            )
    return 200, None


def preferred_media_type(content: dict[str, Any]) -> str:
    """JSON first (``application/json``, then any ``+json``), else the first listed."""
    for media_type in content:
        if media_type.split(";")[0].strip() == "application/json":
            return media_type
    for media_type in content:
        if is_json(media_type):
            return media_type
    return next(iter(content))


def is_json(media_type: str) -> bool:
    bare = media_type.split(";")[0].strip().lower()
    return bare == "application/json" or bare.endswith("+json") or bare == "*/*"


def json_response(status: int, body: Any) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def describe(error: Exception) -> str:
    """openapi-core's error with the schema errors under it (its own message is generic)."""
    parts = [f"{type(error).__name__}: {error}"]
    cause = error.__cause__
    while cause is not None:
        details = getattr(cause, "schema_errors", None)
        if details:
            parts += [
                f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
                for e in details
            ]
        else:
            parts.append(f"{type(cause).__name__}: {cause}")
        cause = cause.__cause__
    return " | ".join(parts)


class RawHeadersHandler(WSGIRequestHandler):
    """Werkzeug's handler, keeping every header as sent under ``RAW_HEADERS`` (its environ
    has no header whose name has an underscore: see the module)."""

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        environ[RAW_HEADERS] = list(self.headers.items())
        return environ


class serving:
    """Context manager: a ``RealSpecServer`` on 127.0.0.1 (random port) in a thread."""

    def __init__(self, api: RealSpecServer) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.api = api
        self.httpd = make_server(
            "127.0.0.1", 0, api, threaded=True, request_handler=RawHeadersHandler
        )
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The base URL a client must use: the server's address and the spec's base path."""
        return f"http://127.0.0.1:{self.httpd.port}{self.api.base_path}"

    def __enter__(self) -> "serving":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

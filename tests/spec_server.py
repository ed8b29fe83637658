"""A local HTTP server that plays the API from the spec itself, for round-trip tests.

It matches each request to an operation of the spec (method and path template), decodes the
form or multipart body and the query string back into nested data the way Stripe reads them
(``card[number]``, ``expand[0]``), coerces the strings by the operation's schema, validates
the result with openapi-schema-validator (OpenAPI 3.0 rules on top of jsonschema), and
answers with an example object from the fetched ``fixtures3.json``, or with a Stripe-shaped
error when validation fails. Everything it saw is kept for the test to assert on.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional
from urllib.parse import parse_qsl, urlsplit

from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

Responder = Callable[["Seen"], tuple[int, Any]]


@dataclass
class Seen:
    method: str
    path: str
    operation_id: str
    headers: dict[str, str]
    query: Any
    body: Any
    files: dict[str, bytes]
    errors: list[str]


@dataclass
class SpecServer:
    spec: dict[str, Any]
    fixtures: dict[str, Any]
    respond: Optional[Responder] = None
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.routes = []
        for path, item in self.spec["paths"].items():
            pattern = re.compile(
                "^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(path)) + "$"
            )
            for method, operation in item.items():
                if isinstance(operation, dict) and "operationId" in operation:
                    self.routes.append((method, pattern, path, operation))
        registry: Registry = Registry().with_resource(
            "spec.json", Resource(contents=self.spec, specification=DRAFT4)
        )
        self.registry = registry

    # -- decoding ----------------------------------------------------------------------------

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            name = schema["$ref"].split("/")[-1]
            schema = self.spec["components"]["schemas"][name]
        return schema

    def coerce(self, value: Any, schema: dict[str, Any]) -> Any:
        """Turn the strings of a form body back into the types the schema names."""
        schema = self.resolve(schema)
        options = schema.get("anyOf") or schema.get("oneOf")
        if options:
            for option in options:
                candidate = self.coerce(value, option)
                if not list(self.validator(option).iter_errors(candidate)):
                    return candidate
            return value
        kind = schema.get("type")
        if (
            kind == "array"
            and isinstance(value, dict)
            and all(k.isdigit() for k in value)
        ):
            value = [value[k] for k in sorted(value, key=int)]
        if kind == "array" and isinstance(value, list):
            return [self.coerce(item, schema.get("items", {})) for item in value]
        if kind == "object" and isinstance(value, dict):
            properties = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            return {
                k: self.coerce(
                    v, properties.get(k) or (extra if isinstance(extra, dict) else {})
                )
                for k, v in value.items()
            }
        if isinstance(value, str):
            if kind == "integer" and re.fullmatch(r"-?\d+", value):
                return int(value)
            if kind == "number" and re.fullmatch(r"-?\d+(\.\d+)?", value):
                return float(value)
            if kind == "boolean" and value in ("true", "false"):
                return value == "true"
        return value

    def validator(self, schema: dict[str, Any]) -> OAS30Validator:
        wrapped = dict(schema)
        wrapped["components"] = self.spec["components"]
        return OAS30Validator(wrapped, registry=self.registry)

    # -- serving -----------------------------------------------------------------------------

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        url = urlsplit(raw_path)
        route = next(
            (
                (path, op)
                for m, pattern, path, op in self.routes
                if m == method and pattern.match(url.path)
            ),
            None,
        )
        if route is None:
            return 404, error_body(
                "invalid_request_error", f"no route {method} {url.path}"
            )
        template, operation = route
        errors: list[str] = []
        query = self.decode_query(url.query, operation, errors)
        payload, files = self.decode_body(headers, body, operation, errors)
        seen = Seen(
            method,
            url.path,
            operation["operationId"],
            headers,
            query,
            payload,
            files,
            errors,
        )
        self.seen.append(seen)
        if errors:
            return 400, error_body("invalid_request_error", "; ".join(errors))
        if self.respond is not None:
            return self.respond(seen)
        return 200, self.example(operation, url.path)

    def decode_query(
        self, query: str, operation: dict[str, Any], errors: list[str]
    ) -> Any:
        data = nest(parse_qsl(query, keep_blank_values=True))
        parameters = {
            p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"
        }
        for name, value in list(data.items()):
            if name not in parameters:
                errors.append(f"unknown query parameter {name}")
                continue
            schema = parameters[name].get("schema", {})
            data[name] = self.coerce(value, schema)
            errors += [
                f"query {name}: {e.message}"
                for e in self.validator(schema).iter_errors(data[name])
            ]
        return data

    def decode_body(
        self,
        headers: dict[str, str],
        body: bytes,
        operation: dict[str, Any],
        errors: list[str],
    ) -> tuple[Any, dict[str, bytes]]:
        content = operation.get("requestBody", {}).get("content", {})
        media_type = headers.get("content-type", "").split(";")[0].strip()
        files: dict[str, bytes] = {}
        if not body:
            return None, files
        if media_type not in content:
            errors.append(f"unexpected content type {media_type!r}")
            return None, files
        if media_type == "multipart/form-data":
            pairs, files = parse_multipart(headers["content-type"], body)
        else:
            pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True)
        schema = content[media_type]["schema"]
        data = self.coerce(nest(pairs), schema)
        for name in files:
            data[name] = "<file>"
        errors += [
            f"body: {e.message} at {list(e.absolute_path)}"
            for e in self.validator(schema).iter_errors(data)
        ]
        return data, files

    def example(self, operation: dict[str, Any], path: str) -> Any:
        schema = (
            operation["responses"]["200"]["content"]
            .get("application/json", {})
            .get("schema", {})
        )
        return self.example_for(schema, path)

    def example_for(self, schema: dict[str, Any], path: str) -> Any:
        if "$ref" in schema:
            name = schema["$ref"].split("/")[-1]
            if name in self.fixtures:
                return self.fixtures[name]
            return self.example_for(self.resolve(schema), path)
        for option in schema.get("anyOf", []) + schema.get("oneOf", []):
            return self.example_for(option, path)
        properties = schema.get("properties", {})
        if "data" in properties and "has_more" in properties:
            item = self.example_for(properties["data"].get("items", {}), path)
            page: dict[str, Any] = {
                "object": "list",
                "data": [item],
                "has_more": False,
                "url": path,
            }
            if "next_page" in properties:
                page.update(object="search_result", next_page=None)
            return page
        return {}


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {"error": {"type": kind, "message": message}}


def nest(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``card[number]=1&expand[0]=a`` → ``{"card": {"number": "1"}, "expand": {"0": "a"}}``."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+|\[\]", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        last = parts[-1] if parts else key
        if last in node and not isinstance(node[last], list):
            node[last] = [node[last], value]  # form style: repeated key
        elif last in node:
            node[last].append(value)
        else:
            node[last] = value
    return root


def parse_multipart(
    content_type: str, body: bytes
) -> tuple[list[tuple[str, str]], dict[str, bytes]]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    pairs: list[tuple[str, str]] = []
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            files[str(name)] = payload
        else:
            pairs.append((str(name), payload.decode("utf-8")))
    return pairs, files


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    api: SpecServer

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, payload = self.api.handle(
            self.command.lower(), self.path, headers, body
        )
        binary = isinstance(payload, bytes)
        data = payload if binary else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header(
            "Content-Type", "application/pdf" if binary else "application/json"
        )
        self.send_header("Request-Id", f"req_{len(self.api.seen)}")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass


class running:
    """Context manager: serve a SpecServer on 127.0.0.1 (random port) in a thread."""

    def __init__(self, api: SpecServer) -> None:
        handler = type("Handler", (_Handler,), {"api": api})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "running":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

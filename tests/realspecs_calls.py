"""Operations of a real spec, the values to call them with, and the calls themselves.

For each operation this module makes one set of argument values from the spec alone
(``realspecs_examples``): every parameter it declares (path, query, header, cookie) and its
request body, the JSON one when it offers several. Those values are sent twice:

- as a *reference request*, encoded here by the OpenAPI rules (styles, explode, the body's
  media type, the credentials its first security requirement asks for) with plain httpx. The
  server must accept it: that checks the harness, independently of the generated client;
- through the generated client (its constructor given test values for each security
  scheme's arguments, ``ir.SecurityScheme.arguments``): the method named by ``codegen list``, each value passed to the
  argument whose name is the wire name in snake case (``If-Match`` -> ``if_match``,
  ``dialogId`` -> ``dialog_id``; of two alike, the one codegen suffixes ``_2``), and a JSON object body either flattened into keyword
  arguments (as codegen does for form bodies) or as one ``body`` argument.

The sample is chosen deterministically (operations ordered by the sha256 of method and path),
first one operation of each kind the spec has (JSON body, other body, header, query, path,
cookie parameters), then the next ones in that order.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Optional
from urllib.parse import quote

import httpx

from generator import naming
from generator.lower.profile import detect_profile
from generator.lower.security import lower_security
from generator.spec import parse_document
from tests.realspecs_examples import LAST, REQUEST, Examples
from tests.realspecs_server import METHODS, Received, is_json

TOKEN = "test-token-0123456789"
USERNAME = "test-user"
PASSWORD = "test-password"
BODY_ARGUMENTS = ("body", "json_body", "request_body", "payload", "data", "content")
CREDENTIAL = re.compile(r"key|token|secret|password|username|user|bearer|auth")
BINARY = b"example-bytes"


@dataclass
class Value:
    """One argument: where it goes on the wire, its wire name, its value, its schema."""

    location: str  # path, query, header, cookie, body-property, body
    name: str
    value: Any
    parameter: dict[str, Any] = field(default_factory=dict)


@dataclass
class Operation:
    method: str
    path: str
    operation_id: str
    spec: dict[str, Any]
    parameters: list[dict[str, Any]]
    body_media_type: Optional[str]
    body_schema: Optional[dict[str, Any]]
    body_media_types: list[str]
    security: list[dict[str, list[str]]]
    body_properties: tuple[str, ...] = ()  # of an object body, ``allOf`` merged

    @property
    def kinds(self) -> set[str]:
        """What this operation exercises: json-body, other-body, path, query, header, cookie."""
        kinds = {p["in"] for p in self.parameters}
        if self.body_media_type is not None:
            kinds.add("json-body" if is_json(self.body_media_type) else "other-body")
        return kinds

    @property
    def order(self) -> str:
        return hashlib.sha256(f"{self.method} {self.path}".encode()).hexdigest()


def operations(spec: dict[str, Any], examples: Examples) -> list[Operation]:
    """Every operation of the spec, parameters merged from the path item (the operation's win)."""
    found = []
    for path, item in spec.get("paths", {}).items():
        item = examples.resolve(item)
        shared = [examples.resolve(p) for p in item.get("parameters", [])]
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            own = [examples.resolve(p) for p in operation.get("parameters", [])]
            keys = {(p["name"], p["in"]) for p in own}
            parameters = [p for p in shared if (p["name"], p["in"]) not in keys] + own
            media_type, schema, media_types = request_body(operation, examples)
            security = operation.get("security", spec.get("security", []))
            found.append(
                Operation(
                    method=method,
                    path=path,
                    operation_id=operation.get("operationId", f"{method} {path}"),
                    spec=operation,
                    parameters=parameters,
                    body_media_type=media_type,
                    body_schema=schema,
                    body_media_types=media_types,
                    security=security,
                    body_properties=property_names(schema, examples),
                )
            )
    return found


def property_names(schema: Any, examples: Examples) -> tuple[str, ...]:
    """The top-level property names of an object schema, ``allOf`` merged."""
    schema = examples.resolve(schema)
    if isinstance(schema, dict) and "allOf" in schema:
        schema = examples.merged(schema)
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    return tuple(properties)


def request_body(
    operation: dict[str, Any], examples: Examples
) -> tuple[Optional[str], Optional[dict[str, Any]], list[str]]:
    """The media type this harness sends (JSON first) with its schema, and all offered."""
    body = examples.resolve(operation.get("requestBody"))
    if not isinstance(body, dict):
        return None, None, []
    content = body.get("content") or {}
    offered = list(content)
    ranking: list[Callable[[str], bool]] = [
        lambda m: m.split(";")[0] == "application/json",
        is_json,
        lambda m: m.startswith("application/x-www-form-urlencoded"),
        lambda m: m.startswith("multipart/form-data"),
        lambda m: m.startswith("application/octet-stream"),
        lambda m: m.startswith("text/plain"),
    ]
    for test in ranking:
        for media_type in offered:
            if test(media_type):
                return media_type, content[media_type].get("schema", {}), offered
    return None, None, offered


# -- values ------------------------------------------------------------------------------------


def argument_values(operation: Operation, examples: Examples) -> list[Value]:
    """A value for every parameter and for the body (or each of its top-level properties)."""
    values = []
    for parameter in operation.parameters:
        if examples.variant == LAST and not parameter.get("required"):
            continue  # the other variant sends them all
        schema = parameter.get("schema")
        if schema is None and parameter.get("content"):
            schema = next(iter(parameter["content"].values())).get("schema", {})
        value = examples.value(schema or {"type": "string"}, REQUEST)
        if (
            is_deep(value)
            and not parameter.get("required")
            and "content" not in parameter
        ):
            continue  # no style serialises nested values (a header typed as an object tree)
        values.append(Value(parameter["in"], parameter["name"], value, parameter))
    if operation.body_media_type is not None and not (
        examples.variant == LAST and leaves_out_body(operation, examples)
    ):
        body = examples.value(operation.body_schema or {}, REQUEST)
        if operation.body_media_type.startswith("multipart/") and isinstance(
            body, dict
        ):
            body = {k: binary_or(v, operation, k, examples) for k, v in body.items()}
        elif operation.body_media_type.startswith("application/octet-stream"):
            body = BINARY
        values.append(Value("body", "body", body))
    return values


def leaves_out_body(operation: Operation, examples: Examples) -> bool:
    """An optional body of which nothing is required: the LAST variant sends none. (One
    with required properties is sent: a client that flattens a body into arguments keeps
    them required, as Stripe's form bodies need although no requestBody says required.)
    """
    request_body = examples.resolve(operation.spec.get("requestBody")) or {}
    if request_body.get("required"):
        return False
    schema = examples.resolve(operation.body_schema or {})
    if isinstance(schema, dict) and "allOf" in schema:
        schema = examples.merged(schema)
    return isinstance(schema, dict) and not schema.get("required")


def is_deep(value: Any) -> bool:
    """An object or array holding objects or arrays: nothing the parameter styles define."""
    items = value.values() if isinstance(value, dict) else value
    if not isinstance(value, (dict, list)):
        return False
    return any(isinstance(item, (dict, list)) for item in items)


def binary_or(value: Any, operation: Operation, name: str, examples: Examples) -> Any:
    """Bytes for a multipart property of ``format: binary`` (or a 3.1 contentMediaType)."""
    schema = examples.resolve(operation.body_schema or {})
    if "allOf" in schema:
        schema = examples.merged(schema)
    prop = examples.resolve(schema.get("properties", {}).get(name, {}))
    if isinstance(prop, dict) and (
        prop.get("format") == "binary" or "contentMediaType" in prop
    ):
        return BINARY
    return value


# -- the reference request ---------------------------------------------------------------------


def reference_request(
    operation: Operation, values: list[Value], base_url: str, spec: dict[str, Any]
) -> httpx.Request:
    """The request the OpenAPI rules make of ``values``, built without the generated client."""
    path = operation.path
    query: list[tuple[str, str | int | float | bool | None]] = []
    headers: dict[str, str] = {}
    cookies: list[str] = []
    content: Optional[bytes] = None
    for value in values:
        if value.location == "path":
            path = path.replace("{" + value.name + "}", path_text(value))
        elif value.location == "query":
            query += query_pairs(value)
        elif value.location == "header":
            headers[value.name] = simple_text(value.value)
        elif value.location == "cookie":
            cookies.append(f"{value.name}={simple_text(value.value)}")
        elif value.location == "body":
            media_type = operation.body_media_type or ""
            content, headers["Content-Type"] = encoded_body(media_type, value.value)
    credentials(operation, spec, headers, query, cookies)
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    return httpx.Request(
        operation.method.upper(),
        base_url + path,
        params=query,
        headers=headers,
        content=content,
    )


def simple_text(value: Any) -> str:
    """``style: simple`` (path and header): arrays comma-joined, objects ``k,v,k,v``."""
    if isinstance(value, list):
        return ",".join(simple_text(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k},{simple_text(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def path_text(value: Value) -> str:
    style = value.parameter.get("style", "simple")
    text = quote(simple_text(value.value), safe=",")
    if style == "label":
        return "." + text
    if style == "matrix":
        return f";{value.name}={text}"
    return text


def query_pairs(value: Value) -> list[tuple[str, str]]:
    """A query parameter by its style (form, spaceDelimited, pipeDelimited, deepObject)."""
    style = value.parameter.get("style", "form")
    explode = value.parameter.get("explode", style == "form")
    data = value.value
    if value.parameter.get("content"):
        return [(value.name, json.dumps(data))]
    if isinstance(data, dict):
        if style == "deepObject":
            return [(f"{value.name}[{k}]", simple_text(v)) for k, v in data.items()]
        if explode:
            return [(k, simple_text(v)) for k, v in data.items()]
        return [(value.name, simple_text(data))]
    if isinstance(data, list):
        if explode:
            return [(value.name, simple_text(v)) for v in data]
        separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
        return [(value.name, separator.join(simple_text(v) for v in data))]
    return [(value.name, simple_text(data))]


def encoded_body(media_type: str, body: Any) -> tuple[bytes, str]:
    if is_json(media_type):
        return json.dumps(body).encode(), media_type
    if media_type.startswith("application/x-www-form-urlencoded"):
        pairs = httpx.QueryParams(
            [(k, simple_text(v)) for k, v in (body or {}).items()]
        )
        return str(pairs).encode(), media_type
    if media_type.startswith("multipart/form-data"):
        files = {
            k: (k, v) if isinstance(v, bytes) else (None, json_text(v))
            for k, v in (body or {}).items()
        }
        request = httpx.Request("POST", "http://x", files=files)
        return request.read(), request.headers["content-type"]
    if isinstance(body, bytes):
        return body, media_type
    return str(body).encode(), media_type


def json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def credentials(
    operation: Operation,
    spec: dict[str, Any],
    headers: dict[str, str],
    query: list[tuple[str, str | int | float | bool | None]],
    cookies: list[str],
) -> None:
    """What the first security requirement of the operation asks for, with test values."""
    schemes = spec.get("components", {}).get("securitySchemes", {})
    if not operation.security:
        return
    for name in operation.security[0]:
        scheme = schemes.get(name, {})
        kind = scheme.get("type")
        if kind == "apiKey":
            where = scheme.get("in")
            if where == "header":
                headers[scheme["name"]] = TOKEN
            elif where == "query":
                query.append((scheme["name"], TOKEN))
            elif where == "cookie":
                cookies.append(f"{scheme['name']}={TOKEN}")
        elif kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
            pair = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
            headers["Authorization"] = f"Basic {pair}"
        elif kind in ("http", "oauth2", "openIdConnect"):
            headers["Authorization"] = f"Bearer {TOKEN}"


# -- the call through the generated client -----------------------------------------------------


def normalised(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def scheme_arguments(spec: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """The constructor arguments codegen gives each security scheme the client can send
    (``ir.SecurityScheme.arguments``: ``api_key``, ``bearer_token``, ``username`` and
    ``password``, ...), by scheme key."""
    document = parse_document(spec)
    schemes = lower_security(document, detect_profile(document)).schemes
    return {scheme.key: scheme.arguments for scheme in schemes}


def client_credentials(
    client_class: type, schemes: dict[str, tuple[str, ...]]
) -> dict[str, str]:
    """Test values for every constructor argument of a security scheme, and for any other
    that looks like a credential (the values the reference requests send)."""
    wanted = {argument for arguments in schemes.values() for argument in arguments}
    arguments = {}
    for name, parameter in inspect.signature(client_class).parameters.items():
        if parameter.kind == parameter.VAR_KEYWORD:
            continue
        if name in wanted or CREDENTIAL.search(name.lower()):
            if "password" in name.lower():
                arguments[name] = PASSWORD
            elif "user" in name.lower():
                arguments[name] = USERNAME
            else:
                arguments[name] = TOKEN
    return arguments


CREDENTIALS_PROBLEM = "credentials: "


def unauthenticated(seen: list[Received], failure: str) -> bool:
    """Whether a call failed for its credentials alone: the server refused it for them, or
    it took the call (oauth2 and openIdConnect it does not check) and they were all that
    ``credential_problems`` found wrong."""
    errors = [error for received in seen for error in received.errors]
    if errors:
        return all(error.startswith("SecurityValidationError") for error in errors)
    return failure.startswith(CREDENTIALS_PROBLEM) and "; " not in failure


def credential_problems(
    operation: Operation, spec: dict[str, Any], seen: Received
) -> list[str]:
    """Whether the request carries the test credentials of one alternative of the
    operation's security requirement. openapi-core checks apiKey and http schemes for
    presence only, and oauth2 and openIdConnect not at all (it warns "Unsupported scheme
    type"), so the harness checks each scheme and value itself."""
    if not operation.security:  # none, or ``security: []``: no credentials needed
        return []
    schemes = spec.get("components", {}).get("securitySchemes", {})
    for alternative in operation.security:
        if all(credential_sent(schemes.get(name, {}), seen) for name in alternative):
            return []
    wanted = " or ".join("+".join(a) or "none" for a in operation.security)
    return [f"{CREDENTIALS_PROBLEM}sent none of {wanted}"]


def credential_sent(scheme: dict[str, Any], seen: Received) -> bool:
    kind = scheme.get("type")
    if kind == "apiKey":
        where, name = scheme.get("in"), str(scheme.get("name"))
        if where == "header":
            return seen.headers.get(name.lower()) == TOKEN
        if where == "query":
            return (name, TOKEN) in seen.query
        return where == "cookie" and seen.cookies.get(name) == TOKEN
    authorization = seen.headers.get("authorization", "")
    if kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
        pair = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        return authorization == f"Basic {pair}"
    return kind in ("http", "oauth2", "openIdConnect") and (
        authorization == f"Bearer {TOKEN}"
    )


def bound_call(
    method: Callable[..., Any], operation: Operation, values: list[Value]
) -> tuple[list[Any], dict[str, Any], list[str]]:
    """Positional and keyword arguments for ``method``, and what could not be passed."""
    signature = inspect.signature(method)
    by_name = {
        normalised(p.name): p
        for p in signature.parameters.values()
        if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    }
    wanted: list[tuple[Value, str, Any]] = []
    for value in values:
        if value.location == "body":
            wanted += body_arguments(value, by_name, operation)
        else:
            wanted.append((value, value.name, value.value))
    positional_only: dict[str, Any] = {}
    keywords: dict[str, Any] = {}
    problems = []
    renamed = collided_names(wanted)
    for value, wire_name, data in wanted:
        parameter = by_name.get(normalised(wire_name))
        if (value.location, wire_name) in renamed:
            parameter = signature.parameters.get(renamed[(value.location, wire_name)])
        if parameter is None:
            problems.append(
                f"no argument for {value.location} {wire_name!r} "
                f"(arguments: {', '.join(signature.parameters)})"
            )
        elif parameter.kind == parameter.POSITIONAL_ONLY:
            positional_only[parameter.name] = data
        else:
            keywords[parameter.name] = data
    positional = []
    for parameter in signature.parameters.values():
        if parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
            continue
        given = parameter.name in keywords or parameter.name in positional_only
        if parameter.kind == parameter.POSITIONAL_ONLY and given:
            positional.append(positional_only[parameter.name])
        if parameter.default is parameter.empty and not given:
            problems.append(f"required argument {parameter.name!r} has no value")
    return positional, keywords, problems


def collided_names(
    wanted: list[tuple[Value, str, Any]],
) -> dict[tuple[str, str], str]:
    """The arguments of values whose wire names collide (petstore's ``updateUser`` has a path
    parameter and a body property ``username``): one gets a suffix, by codegen's rule.
    """
    counts = Counter(normalised(wire) for _, wire, _ in wanted)
    if all(count == 1 for count in counts.values()):
        return {}
    keys = [(_argument_location(v.location), wire) for v, wire, _ in wanted]
    names = naming.argument_names(keys)
    return {
        (value.location, wire): names[(_argument_location(value.location), wire)]
        for value, wire, _ in wanted
        if counts[normalised(wire)] > 1
    }


def _argument_location(location: str) -> str:
    return "body" if location.startswith("body") else location


def body_arguments(
    value: Value, by_name: dict[str, inspect.Parameter], operation: Operation
) -> list[tuple[Value, str, Any]]:
    """An object body flattened into its properties when the method takes them as keyword
    arguments (an argument named like ``body`` or ``content`` may be one of them), else the
    body as one argument."""
    body = value.value
    properties = {normalised(name) for name in operation.body_properties}
    whole = next(
        (
            by_name[n]
            for n in BODY_ARGUMENTS
            if n in by_name and normalised(n) not in properties
        ),
        None,
    )
    if isinstance(body, dict) and (whole is None or not body_is_whole(operation)):
        return [(Value("body-property", k, v), k, v) for k, v in body.items()]
    if whole is not None:
        return [(value, whole.name, body)]
    return [(value, "body", body)]


def body_is_whole(operation: Operation) -> bool:
    """A body that is no object of properties goes as one argument."""
    return not operation.body_properties


def wire_problems(
    operation: Operation, values: list[Value], seen: Received, expected_path: str
) -> list[str]:
    """What the client's request lacks compared with the values it was given."""
    problems = []
    if seen.path != expected_path:
        problems.append(f"path {seen.path!r}, expected {expected_path!r}")
    query_names = {k for k, _ in seen.query}
    for value in values:
        if value.location == "query" and not (
            value.name in query_names
            or any(k.startswith(value.name + "[") for k in query_names)
            or isinstance(value.value, dict)
        ):
            problems.append(f"query parameter {value.name!r} not sent")
        elif value.location == "header" and value.name.lower() not in seen.headers:
            problems.append(f"header {value.name!r} not sent")
        elif value.location == "cookie" and value.name not in seen.cookies:
            problems.append(f"cookie {value.name!r} not sent")
        elif value.location == "body" and is_json(operation.body_media_type or ""):
            try:
                sent = json.loads(seen.body)
            except ValueError:
                problems.append(f"body is not JSON: {seen.body[:80]!r}")
                continue
            if sent != value.value:
                problems.append(
                    f"JSON body {json.dumps(sent)[:300]} differs from the arguments "
                    f"{json.dumps(value.value)[:300]}"
                )
    return problems


def sample(candidates: list[Operation], size: int) -> list[Operation]:
    """One of each kind first, then the rest, in the stable sha256 order."""
    ordered = sorted(candidates, key=lambda op: op.order)
    chosen: list[Operation] = []
    for kind in ("json-body", "header", "query", "path", "cookie", "other-body"):
        match = next(
            (op for op in ordered if kind in op.kinds and op not in chosen), None
        )
        if match is not None:
            chosen.append(match)
    for op in ordered:
        if len(chosen) >= size:
            break
        if op not in chosen:
            chosen.append(op)
    return chosen[:size]

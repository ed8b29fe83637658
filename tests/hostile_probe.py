"""Run in a fresh interpreter: import a generated package and round-trip its wire names.

Usage: ``python hostile_probe.py JOBS_JSON RESULT_JSON`` (see ``main``); one interpreter
probes a batch of packages, each under its own name.

Every method of every resource class (sync and async) is called against an in-process mock
transport, with a value made up for every argument from its type hints. The requests it sends
are matched against the spec: each path parameter value must land in its slot of the path
template, and each scalar query, header, cookie or body argument must go out under exactly
the wire name the spec gives it. The mock answers with a sample built from the spec's response schema, using the
spec's wire names; the parsed result must hold every value in a declared field (nothing left
over in ``model_extra``) and dump back to the same names. Every operation of the spec must be
reached. Prints problems and exits 1 if there are any.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import http.cookies
import importlib
import inspect
import itertools
import json
import os
import pkgutil
import re
import sys
import types
import typing
import urllib.parse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Optional, Union

import httpx
from pydantic import BaseModel
from typing_extensions import is_typeddict

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
FORM = ("application/x-www-form-urlencoded", "multipart/form-data")
JSON = "application/json"
NO_BODY = object()  # what the mock answered an operation whose response has no body

problems: list[str] = []
_counter = itertools.count(1)


#: The constructor arguments of a generated client that are settings, not credentials.
CLIENT_SETTINGS = frozenset(
    {
        "base_url",
        "timeout",
        "max_retries",
        "max_total_time",
        "max_response_size",
        "max_binary_response_size",
        "http_client",
        "allow_insecure_http",
        "backoff",
        "strict_response_validation",
        "credentials",
        "settings",
        "self",
        "stripe_version",  # Stripe's client: settings too
        "stripe_account",
    }
)


def probe_credentials(client_class: type) -> dict[str, str]:
    """A test value for each credential argument of a client's constructor: Stripe's
    ``api_key``, or those of the spec's security schemes."""
    return {
        name: "probe_secret"
        for name, parameter in inspect.signature(client_class).parameters.items()
        if name not in CLIENT_SETTINGS
        and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
    }


class Unmakeable(Exception):
    pass


class Unsatisfiable(Unmakeable):
    """The spec asks for infinitely deep data (a required field of its own type), or for a
    value JSON cannot carry (an enum of Infinity or NaN)."""


# --- the spec ----------------------------------------------------------------------------------


class Spec:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.schemas = (data.get("components") or {}).get("schemas") or {}
        self.parameters = (data.get("components") or {}).get("parameters") or {}

    def resolve(self, schema: Any) -> Any:
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 50:
            key = schema["$ref"].split("/")[-1].replace("~1", "/").replace("~0", "~")
            schema = self.schemas.get(key, {})
            seen += 1
        return schema if isinstance(schema, dict) else {}

    def properties(self, schema: Any) -> tuple[dict[str, Any], set[str]]:
        schema = self.resolve(schema)
        props: dict[str, Any] = {}
        required = set(schema.get("required") or [])
        for member in schema.get("allOf") or []:
            more, req = self.properties(member)
            props.update(more)
            required |= req
        props.update(schema.get("properties") or {})
        return props, required

    def simple(self, schema: Any) -> bool:
        """A plain string or integer: the client then takes it as ``str`` or ``int``."""
        schema = self.resolve(schema)
        for keyword in ("anyOf", "oneOf", "allOf"):
            members = schema.get(keyword) or []
            if len(members) == 1 and set(schema) <= {keyword, "description"}:
                return self.simple(members[0])  # a union of one is that one
            if (
                keyword != "allOf"
                and members
                and set(schema) <= {keyword, "description"}
            ):
                kinds = {self.resolve(m).get("type") for m in members}
                if len(kinds) == 1 and all(self.simple(m) for m in members):
                    return True  # a union of one plain type, twice, is that type
        kind = schema.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            kind = kinds[0] if len(kinds) == 1 else None
        return (
            kind in ("string", "integer")
            and "enum" not in schema
            and "const" not in schema
            and not any(k in schema for k in ("anyOf", "oneOf", "allOf"))
        )

    def operations(self) -> list[tuple[str, str, dict[str, Any], list[dict[str, Any]]]]:
        found = []
        for path, item in (self.data.get("paths") or {}).items():
            shared = item.get("parameters") or []
            for method in HTTP_METHODS:
                if method in item:
                    op = item[method]
                    merged: dict[tuple[str, str], dict[str, Any]] = {}
                    for p in shared + (op.get("parameters") or []):
                        if "$ref" in p:
                            p = self.parameters[p["$ref"].split("/")[-1]]
                        merged[(p["in"], p["name"])] = p
                    found.append((method, path, op, list(merged.values())))
        return found

    def sample(self, schema: Any, depth: int = 0, stack: tuple[str, ...] = ()) -> Any:
        """A JSON value for a schema, every property present (down to a depth)."""
        if isinstance(schema, dict) and "$ref" in schema:
            key = schema["$ref"]
            if stack.count(key) >= 2:
                raise Unsatisfiable(key)
            return self.sample(self.resolve(schema), depth, stack + (key,))
        if not isinstance(schema, dict):
            return f"any{next(_counter)}"
        for keyword in ("anyOf", "oneOf"):
            if schema.get(keyword):
                return self.sample(schema[keyword][0], depth, stack)
        if "enum" in schema:
            values = [v for v in schema["enum"] if v is not None]
            return values[0] if values else None
        if "const" in schema:
            return schema["const"]
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        props, required = self.properties(schema)
        if props or schema.get("allOf"):
            out = {}
            for name, prop in props.items():
                if depth > 4 and name not in required:
                    continue
                try:
                    out[name] = self.sample(prop, depth + 1, stack)
                except Unmakeable:
                    if name in required:
                        raise
            return out
        if kind == "array" or "items" in schema:
            if depth > 4:
                return []
            try:
                return [self.sample(schema.get("items"), depth + 1, stack)]
            except Unmakeable:
                return []
        if kind == "object":
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and depth <= 4:
                return {"key": self.sample(extra, depth + 1, stack)}
            return {}
        if kind == "integer":
            return 7000 + next(_counter)
        if kind == "number":
            return next(_counter) + 0.25
        if kind == "boolean":
            return True
        if kind == "string" and schema.get("format") == "binary":
            return f"any{next(_counter)}"
        return f"resp{next(_counter)}"


def template_regex(path: str) -> tuple[re.Pattern[str], list[str]]:
    names: list[str] = []
    pattern = ""
    for piece in re.split(r"(\{[^}]*\})", path):
        if piece.startswith("{") and piece.endswith("}"):
            names.append(piece[1:-1])
            pattern += "([^/]*)"
        else:
            pattern += re.escape(piece)
    return re.compile(pattern + "$"), names


# --- values for arguments ---------------------------------------------------------------------


def fresh_str() -> str:
    return f"zq{next(_counter)}x"


def make(tp: Any, depth: int = 0) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return make(args[0], depth)
    if tp is Any:
        return fresh_str()
    if tp is type(None) or tp is None:
        return None
    if origin in (Union, types.UnionType):
        for member in args:
            if member is type(None):
                continue
            try:
                return make(member, depth)
            except Unmakeable as error:
                failure = error
                continue
        if type(None) in args:
            return None  # e.g. an optional field whose type needs infinitely deep data
        raise failure if "failure" in locals() else Unmakeable(tp)
    if origin is Literal:
        return args[0]
    if tp is str:
        return fresh_str()
    if tp is bool:
        return True
    if tp is int:
        return 9000 + next(_counter)
    if tp is float:
        return next(_counter) + 0.5
    if tp is bytes:
        return b"file-bytes"
    if origin in (list, Sequence, typing.List):
        return [make(args[0], depth + 1)] if depth < 5 else []
    if origin in (dict, Mapping, typing.Dict):
        return {"key": make(args[1], depth + 1)} if depth < 5 else {}
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if depth > 12:
            raise Unsatisfiable(tp)
        tp.model_rebuild()
        kwargs = {}
        for name, info in tp.model_fields.items():
            if depth >= 4 and not info.is_required():
                continue
            kwargs[name] = make(info.annotation, depth + 1)
        return tp(**kwargs)
    if is_typeddict(tp):
        # request parameters: a dict keyed by wire names, its required keys at least
        if depth > 12:
            raise Unsatisfiable(tp)
        hints = typing.get_type_hints(tp)  # Required/NotRequired and Annotated removed
        required = getattr(tp, "__required_keys__", frozenset(hints))
        return {
            key: make(hint, depth + 1)
            for key, hint in hints.items()
            if key in required or depth < 4
        }
    raise Unmakeable(tp)


async def _awaited(value: Any) -> Any:
    return await value


def page_items(value: Any) -> Any:
    """The items of a page (``SyncPage``/``AsyncPage``), else ``value`` as it is."""
    if hasattr(value, "has_more") and hasattr(value, "iter_pages"):
        return list(value.data)
    return value


def plain(tp: Any) -> Any:
    """``Optional[str]`` → ``str``; anything else as it is."""
    if typing.get_origin(tp) in (Union, types.UnionType):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return tp


def jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, mode="json")
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(
        value, bytes
    ):  # a `format: binary` string in JSON, as pydantic dumps it
        return value.decode("utf-8")
    return value


def extras(value: Any, where: str) -> list[str]:
    found = []
    if isinstance(value, BaseModel):
        if value.model_extra:
            found.append(
                f"{where}: {type(value).__name__} kept {sorted(value.model_extra)} as extra"
            )
        for name in type(value).model_fields:
            found += extras(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, (list, tuple)):
        for item in value:
            found += extras(item, where + "[]")
    elif isinstance(value, dict):
        for key, item in value.items():
            found += extras(item, f"{where}[{key!r}]")
    return found


def subset(expected: Any, actual: Any, where: str) -> list[str]:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {actual!r:.80}"]
        out = []
        for key, value in expected.items():
            if key not in actual:
                out.append(
                    f"{where}: wire name {key!r} lost (got {sorted(actual)!r:.200})"
                )
            else:
                out += subset(value, actual[key], f"{where}.{key}")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected {expected!r:.80}, got {actual!r:.80}"]
        return [p for e, a in zip(expected, actual) for p in subset(e, a, where + "[]")]
    if expected != actual:
        return [f"{where}: expected {expected!r:.80}, got {actual!r:.80}"]
    return []


# --- the probe ----------------------------------------------------------------------------------


class Probe:
    def __init__(self, package: str, spec: Spec) -> None:
        self.package = package
        self.spec = spec
        self.ops = spec.operations()
        self.reached: set[tuple[str, str]] = set()
        self.current: Optional[
            tuple[str, str, dict[str, Any], list[dict[str, Any]]]
        ] = None
        self.request: Optional[httpx.Request] = None
        self.sent: Any = None
        self.excused: set[tuple[str, str]] = set()  # operations with unsatisfiable data
        self.unsatisfiable_answer = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.request = request
        path = request.url.path
        matches = [
            op
            for op in self.ops
            if op[0] == request.method.lower() and template_regex(op[1])[0].match(path)
        ]
        if len(matches) != 1:
            self.current = None
            return httpx.Response(404, json={"error": {"message": "no such operation"}})
        self.current = matches[0]
        method, template, op, _ = matches[0]
        try:
            return self._answer(op)
        except Unsatisfiable:
            self.excused.add((method, template))
            self.unsatisfiable_answer = True
            self.current = None
            return httpx.Response(418, json={})

    def _answer(self, op: dict[str, Any]) -> httpx.Response:
        success = sorted(
            str(c) for c in op.get("responses", {}) if str(c).startswith("2")
        )
        if not success:  # the call expects no body: answer with none
            self.sent = NO_BODY
            return httpx.Response(204)
        response = op["responses"][
            success[0] if success[0] in op["responses"] else int(success[0])
        ]
        content = response.get("content") or {}
        if not content:
            self.sent = NO_BODY
            return httpx.Response(204)
        if "application/json" not in content:
            if any(str(media).startswith("text/") for media in content):
                self.sent = "text \u00e9"
                return httpx.Response(
                    200, text=self.sent, headers={"content-type": "text/plain"}
                )
            self.sent = b"binary"
            return httpx.Response(200, content=b"binary")
        schema = content["application/json"].get("schema")
        self.sent = self.spec.sample(schema) if schema is not None else None
        try:
            body = json.dumps(self.sent, allow_nan=False).encode()
        except ValueError as error:  # no JSON text holds Infinity or NaN
            raise Unsatisfiable("a non-finite number") from error
        return httpx.Response(
            200, content=body, headers={"content-type": "application/json"}
        )

    def arguments(
        self, function: Any
    ) -> tuple[list[Any], dict[str, Any], dict[str, str]]:
        hints = typing.get_type_hints(function, include_extras=True)
        positional, keywords, tracked = [], {}, {}
        for name, parameter in inspect.signature(function).parameters.items():
            if name == "self" or parameter.kind is parameter.VAR_KEYWORD:
                continue  # ``**call_options``: the per-call options
            hint = hints[name]
            value = make(hint)
            if plain(hint) in (str, int) and not isinstance(value, bool):
                tracked[str(value)] = name
            if parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
                positional.append(value)
            else:
                keywords[name] = value
        return positional, keywords, tracked

    def judge(
        self, label: str, positional: list[Any], tracked: dict[str, str], result: Any
    ) -> None:
        if self.current is None or self.request is None:
            problems.append(
                f"{label}: sent {self.request and self.request.url} which matches no operation"
            )
            return
        method, template, op, parameters = self.current
        self.reached.add((method, template))
        pattern, names = template_regex(template)
        found = pattern.match(self.request.url.path)
        assert found is not None
        by_name = dict(zip(names, found.groups()))
        wanted = sorted(str(v) for v in positional)
        if sorted(by_name.values()) != wanted:
            problems.append(
                f"{label}: path {self.request.url.path!r} does not carry {wanted}"
            )
        pairs = [("query", k, v) for k, v in self.request.url.params.multi_items()]
        pairs += [("header", k, v) for k, v in self.request.headers.multi_items()]
        cookies = http.cookies.SimpleCookie(self.request.headers.get("cookie", ""))
        pairs += [("cookie", k, morsel.value) for k, morsel in cookies.items()]
        body = self.request.content.decode("utf-8", "replace")
        content_type = self.request.headers.get("content-type", "")
        if content_type.startswith(FORM[0]):
            pairs += [
                ("body", k, v)
                for k, v in urllib.parse.parse_qsl(body, keep_blank_values=True)
            ]
        if content_type.startswith(JSON):
            sent_json = json.loads(body) if body else None
            if isinstance(sent_json, dict):
                pairs += [
                    ("body", k, str(v))
                    for k, v in sent_json.items()
                    if isinstance(v, (str, int)) and not isinstance(v, bool)
                ]
        files: list[str] = []
        if content_type.startswith(FORM[1]):
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: "
                + content_type.encode()
                + b"\r\n\r\n"
                + self.request.content
            )
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                value = part.get_payload(decode=True) or b""
                if part.get_filename() is not None:
                    files.append(name)
                else:
                    pairs.append(("body", name, value.decode("utf-8")))
        observed: list[tuple[str, str]] = []
        for value, argument in tracked.items():
            if value in by_name.values():
                continue
            hits = [(where, key) for where, key, sent in pairs if sent == value]
            if len(hits) != 1:
                problems.append(
                    f"{label}: argument {argument} went out {len(hits)} times: {hits}"
                )
            observed += hits
        expected = {
            (p["in"], p["name"].lower() if p["in"] == "header" else p["name"])
            for p in parameters
            if p["in"] in ("query", "header", "cookie")
            and self.spec.simple(p.get("schema"))
        }
        content = (op.get("requestBody") or {}).get("content") or {}
        media = next((m for m in (*FORM, JSON) if m in content), None)
        if media is not None:
            props, _ = self.spec.properties(content[media].get("schema") or {})
            binary = {
                name
                for name, prop in props.items()
                if self.spec.resolve(prop).get("format") == "binary"
            }
            if media == FORM[1]:
                if sorted(files) != sorted(binary):
                    problems.append(
                        f"{label}: file parts {sorted(files)}, the spec has {sorted(binary)}"
                    )
                props = {k: v for k, v in props.items() if k not in binary}
            expected |= {
                ("body", name) for name, prop in props.items() if self.spec.simple(prop)
            }
        if sorted(observed) != sorted(expected):
            problems.append(
                f"{label}: wire names sent {sorted(observed)} but the spec names {sorted(expected)}"
            )
        if self.sent is NO_BODY:
            if result is not None:
                problems.append(f"{label}: an empty response returned {result!r}")
            return
        if isinstance(self.sent, (bytes, str)):
            if result != self.sent:  # bytes never equal a str, nor a str bytes
                kind = type(self.sent).__name__
                problems.append(f"{label}: {kind} response not returned as is")
            return
        sent = self.sent
        if page_items(result) is not result:  # a page: its items are what was answered
            result = page_items(result)
            sent = sent.get("data") if isinstance(sent, dict) else sent
        problems.extend(f"{label}: {p}" for p in extras(result, "response"))
        problems.extend(subset(sent, jsonable(result), f"{label}: response"))

    def run(self) -> None:
        package = importlib.import_module(self.package)
        modules = [
            importlib.import_module(info.name)
            for info in pkgutil.walk_packages(package.__path__, self.package + ".")
        ]
        transport = httpx.MockTransport(self.handler)
        client = package.Client(
            **probe_credentials(package.Client),
            base_url="https://probe.example",
            max_retries=0,
            http_client=httpx.Client(transport=transport),
        )
        aclient = package.AsyncClient(
            **probe_credentials(package.AsyncClient),
            base_url="https://probe.example",
            max_retries=0,
            http_client=httpx.AsyncClient(transport=transport),
        )
        calls = 0
        for module in modules:
            if not module.__name__.startswith(self.package + ".resources."):
                continue
            for cls_name, cls in sorted(vars(module).items()):
                if not isinstance(cls, type) or cls.__module__ != module.__name__:
                    continue
                if "client" not in inspect.signature(cls.__init__).parameters:
                    continue  # not a resource (e.g. a raw-response view of one)
                is_async = cls_name.startswith("Async")
                resource = cls(aclient if is_async else client)
                for name, function in sorted(vars(cls).items()):
                    if name.startswith("_") or not callable(function):
                        continue
                    label = f"{cls_name}.{name}"
                    self.current = self.request = None
                    self.unsatisfiable_answer = False
                    try:
                        positional, keywords, tracked = self.arguments(function)
                    except Unsatisfiable:
                        found = re.search(r"``([A-Z]+) (\S+)``", function.__doc__ or "")
                        if found:
                            self.excused.add((found[1].lower(), found[2]))
                        continue
                    except Unmakeable as error:
                        problems.append(
                            f"{label}: cannot make an argument of type {error}"
                        )
                        continue
                    bound = getattr(resource, name)
                    try:
                        if inspect.iscoroutinefunction(function):
                            result = asyncio.run(bound(*positional, **keywords))
                        else:
                            result = bound(*positional, **keywords)
                            if inspect.isawaitable(result):
                                # an async list call returns a paginator: awaiting it
                                # fetches the first page
                                result = asyncio.run(_awaited(result))
                    except Exception as error:  # noqa: BLE001 - reported as a problem
                        if self.unsatisfiable_answer:
                            continue  # no finite answer fits the spec (see handler)
                        problems.append(
                            f"{label}: raised {type(error).__name__}: {error}"[:600]
                        )
                        continue
                    if self.request is None and (
                        inspect.isgenerator(result)
                        or hasattr(result, "__next__")
                        or hasattr(result, "__anext__")
                    ):
                        continue  # a lazy iterator (pagination): nothing sent yet
                    calls += 1
                    self.judge(label, positional, tracked, result)
        missing = {(m, p) for m, p, _, _ in self.ops} - self.reached - self.excused
        if missing:
            problems.append(
                f"operations never reached through the client: {sorted(missing)}"
            )
        if not calls:
            problems.append("no operation was called")


def probe_one(output: str, package: str, spec_path: str) -> list[str]:
    problems.clear()
    sys.path.insert(0, output)
    try:
        spec = Spec(json.loads(Path(spec_path).read_text(encoding="utf-8")))
        Probe(package, spec).run()
    except Exception:  # noqa: BLE001 - the test shows it
        import traceback

        problems.append("probe crashed: " + traceback.format_exc()[-2500:])
    finally:
        sys.path.remove(output)
    return list(problems[:40])


def main() -> None:
    """``JOBS_JSON RESULT_JSON``: jobs are ``{"output", "package", "spec", "cwd"}`` objects;
    each package is imported with ``cwd`` as the working folder (so that anything its import
    writes shows up there). The result maps each package to its problems."""
    jobs = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    results = {}
    for job in jobs:
        os.chdir(job["cwd"])
        results[job["package"]] = probe_one(job["output"], job["package"], job["spec"])
    Path(sys.argv[2]).write_text(json.dumps(results), encoding="utf-8")


if __name__ == "__main__":
    main()

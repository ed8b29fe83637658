"""The operations the gateway forwards, read from the routes file of the tree it serves.

``codegen generate`` writes ``reference/routes.json`` next to the pages (see
``generator/present/reference/``); the gateway forwards exactly the routes listed there, so it never
reads the spec. Stdlib only.

A route matches on the raw (still percent-encoded) request path, segment by segment: a literal
segment byte for byte, a parameter as one non-empty segment that cannot leave its place once
decoded, and re-encoded before it is forwarded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote, unquote_to_bytes

from ..errors import CodegenError, json_pointer

ROUTES_FILE = "routes.json"  # in the served reference/ folder
ROUTES_FORMAT = 1

_PARAMETER = re.compile(r"\{([^{}]+)\}")
_SEGMENT_CHARS = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:@%]+$")
_METHOD = re.compile(r"^[A-Za-z]+$")

# One segment of a template: the text, its pattern (None: a literal) and its pieces
# (literal, name, literal, name, ..., literal) to rebuild it from clean values.
Segment = tuple[str, Optional["re.Pattern[str]"], tuple[str, ...]]


@dataclass(frozen=True)
class Route:
    """One forwardable operation: a method and a path template, compiled per segment."""

    method: str  # upper case
    template: str
    operation_id: str
    segments: tuple[Segment, ...]

    @classmethod
    def compile(cls, method: str, template: str, operation_id: str) -> Route:
        if not template.startswith("/"):
            raise ValueError(f"path template {template!r} must start with '/'")
        segments: list[Segment] = []
        for segment in template[1:].split("/"):
            pieces = tuple(_PARAMETER.split(segment))
            if len(pieces) == 1:
                segments.append((segment, None, pieces))
                continue
            pattern = "".join(
                re.escape(piece) if i % 2 == 0 else "([^/]+?)"
                for i, piece in enumerate(pieces)
            )
            segments.append((segment, re.compile(f"^{pattern}$"), pieces))
        return cls(method.upper(), template, operation_id, tuple(segments))

    def match(self, raw_segments: Sequence[str]) -> Optional[str]:
        """The upstream path for these raw (still percent-encoded) segments, or None."""
        if len(raw_segments) != len(self.segments):
            return None
        out = []
        for raw, (literal, pattern, pieces) in zip(raw_segments, self.segments):
            if pattern is None:
                if raw != literal:
                    return None
                out.append(literal)
                continue
            found = pattern.match(raw)
            if found is None:
                return None
            values = [path_value(value) for value in found.groups()]
            if any(value is None for value in values):
                return None
            rebuilt = [
                piece if i % 2 == 0 else quote(str(values[i // 2]), safe="")
                for i, piece in enumerate(pieces)
            ]
            out.append("".join(rebuilt))
        return "/" + "/".join(out)


def path_value(raw: str) -> Optional[str]:
    """A path parameter's decoded value, or None when it could leave its segment."""
    if not _SEGMENT_CHARS.match(raw):
        return None
    if re.search(r"%(?![0-9A-Fa-f]{2})", raw):
        return None  # a malformed escape
    try:
        value = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if value in (".", "..") or not value:
        return None
    if any(c in value for c in "/\\?#") or any(
        ord(c) < 0x20 or ord(c) == 0x7F for c in value
    ):
        return None
    return value


class RouteTable:
    """The generated operations, looked up by method and raw path."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = tuple(routes)

    def __len__(self) -> int:
        return len(self.routes)

    def match(self, method: str, raw_path: str) -> Optional[tuple[Route, str]]:
        """The route and the upstream path for a request, or None (→ 404)."""
        segments = _split(raw_path)
        if segments is None:
            return None
        for route in self.routes:
            if route.method != method.upper():
                continue
            upstream = route.match(segments)
            if upstream is not None:
                return route, upstream
        return None

    def methods_for(self, raw_path: str) -> list[str]:
        """The methods some route accepts at this path (for CORS preflight)."""
        segments = _split(raw_path)
        if segments is None:
            return []
        found = [r.method for r in self.routes if r.match(segments) is not None]
        return sorted(set(found))


def _split(raw_path: str) -> Optional[list[str]]:
    if not raw_path.startswith("/") or raw_path.startswith("//"):
        return None  # absolute-form or scheme-relative targets never match
    if "\\" in raw_path or "?" in raw_path or "#" in raw_path:
        return None
    return raw_path[1:].split("/")


# --- the routes file ---------------------------------------------------------------------------

_FIX = "run `codegen generate` to write it (or pass the --output that generate used)"


def load_routes(pages: Path) -> RouteTable:
    """The routes listed in ``pages/routes.json``; exit 2 when it is missing or malformed."""
    path = pages / ROUTES_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CodegenError(f"no routes file {path}", hint=_FIX) from None
    except (OSError, UnicodeDecodeError) as error:
        raise CodegenError(f"cannot read the routes file {path}: {error}", hint=_FIX)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CodegenError(
            f"the routes file {path} is not JSON: {error.msg} at line {error.lineno}",
            hint=_FIX,
        ) from None
    return RouteTable(_parse(document, path))


def _parse(document: Any, path: Path) -> list[Route]:
    def bad(what: str, *pointer: object) -> CodegenError:
        return CodegenError(
            f"the routes file {path} is malformed: {what}",
            pointer=json_pointer(*pointer) if pointer else None,
            hint=_FIX,
        )

    if not isinstance(document, dict):
        raise bad("expected an object")
    if document.get("format") != ROUTES_FORMAT:
        raise bad(f"expected format {ROUTES_FORMAT}", "format")
    entries = document.get("routes")
    if not isinstance(entries, list):
        raise bad("expected a list of routes", "routes")
    routes = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise bad("expected an object", "routes", index)
        for key in ("method", "path", "operation_id"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                raise bad(f"{key!r} must be a non-empty string", "routes", index, key)
        if not _METHOD.match(entry["method"]):
            raise bad("not an HTTP method", "routes", index, "method")
        if not entry["path"].startswith("/"):
            raise bad("a path must start with '/'", "routes", index, "path")
        routes.append(
            Route.compile(entry["method"], entry["path"], entry["operation_id"])
        )
    return routes

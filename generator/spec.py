"""The spec stage: the pin, fetch (local mirror or upstream URL), load (JSON or YAML) and parse.

The pin (``spec/stripe.lock.json``) names the upstream files and their checksums. ``fetch``
copies them into ``spec/cache/`` after checking the checksums, and every load checks the spec's
sha256 against the pin again. ``load_document`` reads any JSON or YAML file (pinned or not) and
can keep a JSON form of YAML files keyed by their sha256, in the user's cache folder, because
PyYAML needs about a second for Stripe's 4 MB spec and ``json`` about 20 ms.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import secrets
import typing
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Dict, Iterable, Union

import pydantic
import yaml  # type: ignore[import-untyped, unused-ignore]
from openapi_pydantic.v3.v3_0 import OpenAPI as OpenAPIv3_0
from openapi_pydantic.v3.v3_1 import OpenAPI as OpenAPIv3_1

from . import cache
from .errors import CodegenError, json_pointer

OpenAPIDocument = Union[OpenAPIv3_0, OpenAPIv3_1]
"""What ``parse_document`` returns: the openapi-pydantic model for the document's version."""

CACHE_DIR_NAME = "cache"
PIN_SUFFIX = ".lock.json"
DOWNLOAD_TIMEOUT_SECONDS = 60.0
MAX_REPORTED_ERRORS = 3

# Input limits: whatever the document, loading it takes bounded time and memory, and a document
# past a limit is refused (exit 2) with what was exceeded and where.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
"""A spec file larger than this (64 MiB; Stripe's is about 4 MB) is refused unread."""
MAX_DOCUMENT_DEPTH = 256
"""How deeply mappings and sequences (JSON objects and arrays) may nest; the top level is 1.
Room for the deepest schemas lowering accepts (``lower.MAX_SCHEMA_DEPTH``, two levels each)."""
MAX_DOCUMENT_NODES = 2_000_000
"""How many values (mappings, sequences, scalars) a document may hold once its YAML aliases are
expanded: every later stage walks the expanded tree, so an alias bomb ("billion laughs") is
refused here. Stripe's spec holds about 175,000."""

_FROM_HINT = (
    "pass --from with a local copy: a folder holding the pinned files by their upstream names "
    "(e.g. ../shared/stripe-openapi) or the spec file itself"
)


# --- the pin ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PinnedFile:
    """One upstream file named by the pin."""

    path: str
    url: str
    sha256: str
    bytes: int

    @property
    def name(self) -> str:
        """The file name used locally: the basename of the upstream path."""
        return PurePosixPath(self.path).name


@dataclass(frozen=True)
class Pin:
    """The contents of ``spec/stripe.lock.json`` plus where it was read from."""

    lock_path: Path
    repository: str
    commit: str
    api_version: str
    spec: PinnedFile
    fixtures: PinnedFile

    @property
    def files(self) -> tuple[PinnedFile, PinnedFile]:
        """The spec and the fixtures, in fetch order."""
        return (self.spec, self.fixtures)


def load_pin(path: Path) -> Pin:
    """Read the pin file; a missing or malformed pin is a ``CodegenError``."""
    raw = _read_bytes(path, what="pin file")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise CodegenError(
            f"pin file {path} is not valid JSON: {exc}",
            hint="restore spec/stripe.lock.json from version control",
        ) from exc
    if not isinstance(data, dict):
        raise CodegenError(f"pin file {path} must hold a JSON object", pointer="")
    fixtures = data.get("fixtures")
    if not isinstance(fixtures, dict):
        raise CodegenError(
            f"pin file {path} has no 'fixtures' object",
            pointer=json_pointer("fixtures"),
        )
    return Pin(
        lock_path=path,
        repository=_pin_str(path, data, "repository"),
        commit=_pin_str(path, data, "commit"),
        api_version=_pin_str(path, data, "api_version"),
        spec=_pinned_file(path, data, ()),
        fixtures=_pinned_file(path, fixtures, ("fixtures",)),
    )


def _pinned_file(path: Path, data: dict[str, Any], at: tuple[str, ...]) -> PinnedFile:
    sha256 = _pin_str(path, data, "sha256", at).lower()
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise CodegenError(
            f"pin file {path}: sha256 must be 64 hex digits",
            pointer=json_pointer(*at, "sha256"),
        )
    size = data.get("bytes")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise CodegenError(
            f"pin file {path}: 'bytes' must be a non-negative integer",
            pointer=json_pointer(*at, "bytes"),
        )
    file_path = _pin_str(path, data, "path", at)
    if not PurePosixPath(file_path).name or "\\" in file_path:
        raise CodegenError(
            f"pin file {path}: bad upstream path {file_path!r}",
            pointer=json_pointer(*at, "path"),
        )
    return PinnedFile(
        path=file_path, url=_pin_str(path, data, "url", at), sha256=sha256, bytes=size
    )


def _pin_str(
    path: Path, data: dict[str, Any], key: str, at: tuple[str, ...] = ()
) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise CodegenError(
            f"pin file {path}: '{key}' must be a non-empty string",
            pointer=json_pointer(*at, key),
            hint="restore spec/stripe.lock.json from version control",
        )
    return value


def is_pin_path(path: Path) -> bool:
    """Whether a configured spec setting names a pin file rather than a spec."""
    return path.name.endswith(PIN_SUFFIX)


def cache_dir(pin_path: Path) -> Path:
    """Where fetched files live: ``spec/cache/`` next to the pin (verified on every load)."""
    return pin_path.parent / CACHE_DIR_NAME


def resolve_spec_path(configured: Path) -> Path:
    """The spec file to load: the fetched copy when ``configured`` is a pin, else itself."""
    if not is_pin_path(configured):
        return configured
    pin = load_pin(configured)
    fetched = cache_dir(configured) / pin.spec.name
    if not fetched.is_file():
        raise CodegenError(
            f"the pinned spec has not been fetched yet ({fetched} is missing)",
            hint="run `codegen spec fetch` (offline: `codegen spec fetch --from ../shared/stripe-openapi`)",
        )
    return fetched


# --- fetch -----------------------------------------------------------------------------------


def fetch(pin: Pin, source: Path | None, *, dest: Path | None = None) -> list[Path]:
    """Copy the pinned spec and fixtures into the cache, checking their sha256 first.

    ``source`` is a local folder (files taken by their upstream basenames) or the spec file
    itself (the fixtures are then taken from the same folder); ``None`` downloads from the pin's
    URLs. Both files are read and verified before either is written, so a bad checksum leaves the
    cache as it was.
    """
    target = cache_dir(pin.lock_path) if dest is None else dest
    contents = [
        (entry, _obtain(entry, source, entry is pin.spec)) for entry in pin.files
    ]
    for entry, data in contents:
        _verify(entry, data)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for entry, data in contents:
        path = target / entry.name
        if not _has_bytes(path, entry.sha256):
            write_atomic(path, data)
        written.append(path)
    return written


def _obtain(entry: PinnedFile, source: Path | None, is_spec: bool) -> bytes:
    if source is None:
        return _download(entry)
    if source.is_dir():
        local = source / entry.name
    elif source.is_file():
        local = source if is_spec else source.parent / entry.name
    else:
        raise CodegenError(f"--from source {source} does not exist", hint=_FROM_HINT)
    return _read_bytes(local, what="local copy", hint=_FROM_HINT)


def _download(entry: PinnedFile) -> bytes:
    try:
        with urllib.request.urlopen(
            entry.url, timeout=DOWNLOAD_TIMEOUT_SECONDS
        ) as response:
            data = response.read(entry.bytes + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise CodegenError(
            f"could not download {entry.url}: {exc}", hint="no network? " + _FROM_HINT
        ) from exc
    if not isinstance(data, bytes):
        raise CodegenError(
            f"could not download {entry.url}: no bytes received", hint=_FROM_HINT
        )
    return data


def _verify(entry: PinnedFile, data: bytes) -> None:
    actual = hashlib.sha256(data).hexdigest()
    if actual != entry.sha256:
        raise CodegenError(
            f"checksum mismatch for {entry.name} ({entry.path}): expected sha256 "
            f"{entry.sha256} ({entry.bytes} bytes), got {actual} ({len(data)} bytes); "
            "nothing was written",
            hint="use an unmodified copy of the pinned upstream file, or update the pin on purpose",
        )


def _has_bytes(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``."""
    temp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


# --- load ------------------------------------------------------------------------------------


def load_document(path: Path, *, cache: Path | None = None) -> dict[str, Any]:
    """Read a JSON or YAML document into a dict.

    For YAML, ``cache`` (a folder) keeps ``<sha256 of the file>.json``, written atomically and
    rebuilt when unreadable; ``None`` means no cache. The result is always what JSON can hold
    (string keys, no dates), so a cached and an uncached load give equal dicts.

    Every source gets the same limits (``MAX_DOCUMENT_BYTES``, ``MAX_DOCUMENT_DEPTH``,
    ``MAX_DOCUMENT_NODES``) and duplicate keys are refused: YAML and JSON parsers would keep
    only the last of them, silently dropping the others.
    """
    raw = _read_bytes(
        path,
        what="spec file",
        hint="check the `spec` setting or the path given",
        limit=MAX_DOCUMENT_BYTES,
    )
    yaml_suffix = path.suffix.lower() in (".yaml", ".yml")
    if path.suffix.lower() == ".json" or (raw.lstrip()[:1] == b"{" and not yaml_suffix):
        data: object = _parse_json(path, raw)
    else:
        data = _load_yaml_cached(path, raw, cache)
    if not isinstance(data, dict):
        raise CodegenError(
            f"{path} must hold a mapping at the top level, not {_kind(data)}",
            pointer="",
            hint="point the generator at an OpenAPI document",
        )
    return data


def _parse_json(
    path: Path, raw: Union[bytes, str], *, from_yaml: bool = False
) -> object:
    """JSON text to data, refusing duplicate keys and documents past the limits (``from_yaml``:
    the text of a YAML document, whose limits were checked as it was constructed)."""
    try:
        data = json.loads(raw, object_pairs_hook=_unique_keys)
    except _DuplicateKey as duplicate:
        why = (
            "two YAML keys that are one in JSON, such as 200 and '200'"
            if from_yaml
            else "JSON parsers keep only the last, silently dropping the first"
        )
        raise CodegenError(
            f"{path}: duplicate key {duplicate.key!r} in one object ({why})",
            pointer=_duplicate_pointer(raw),
            hint="remove or rename one of the two keys",
        ) from None
    except RecursionError:
        raise _too_deep(path, []) from None
    except ValueError as exc:
        raise CodegenError(
            f"{path} is not valid JSON: {exc}",
            pointer="",
            hint="fix the file, or give YAML a .yaml suffix",
        ) from exc
    if not from_yaml:
        _check_limits(path, data)
    return data


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int | None = None, first: int | None = None):
        super().__init__(key)
        self.key, self.line, self.first = key, line, first


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json``'s object hook: a dict, or ``_DuplicateKey`` when a key comes twice."""
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKey(_first_duplicate(pairs))
    return result


def _first_duplicate(pairs: list[tuple[str, Any]]) -> str:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return key
        seen.add(key)
    raise AssertionError("no duplicate key")


class _Duplicated(dict):  # type: ignore[type-arg]
    """Marks the object holding a duplicate key while its pointer is looked for."""

    key = ""


def _duplicate_pointer(raw: Union[bytes, str]) -> str:
    """The pointer to the first duplicate key (parsing again: only done when there is one)."""

    def mark(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) == len(pairs):
            return result
        marked = _Duplicated(result)
        marked.key = _first_duplicate(pairs)
        return marked

    stack: list[tuple[object, tuple[object, ...]]] = [
        (json.loads(raw, object_pairs_hook=mark), ())
    ]
    while stack:  # depth first, in document order
        value, tokens = stack.pop()
        if isinstance(value, _Duplicated):
            return json_pointer(*tokens, value.key)
        items = _data_items(value) or []
        stack.extend((child, tokens + (token,)) for token, child in reversed(items))
    return ""


def _load_yaml_cached(path: Path, raw: bytes, cache: Path | None) -> object:
    cached = (
        None if cache is None else cache / f"{hashlib.sha256(raw).hexdigest()}.json"
    )
    if cached is not None:
        hit = _read_json_cache(cached)
        if hit is not None:
            return hit
    text = _yaml_to_json_text(path, raw)
    data = _parse_json(path, text, from_yaml=True)  # YAML's 200 and '200' meet in JSON
    if cached is not None:
        _write_json_cache(cached, text)
    return data


def _read_json_cache(cached: Path) -> dict[str, Any] | None:
    """The cached JSON form, or ``None`` when it is missing, corrupt or past the limits (then
    it is rebuilt from the YAML, which is checked again)."""
    try:
        data = json.loads(cached.read_bytes())
        _check_limits(cached, data)
    except (OSError, ValueError, RecursionError, CodegenError):
        return None
    return data if isinstance(data, dict) else None


def _write_json_cache(cached: Path, text: str) -> None:
    """Best effort: a read-only cache folder only costs speed."""
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cached, text.encode("utf-8"))
    except OSError:
        pass


def _yaml_to_json_text(path: Path, raw: bytes) -> str:
    try:
        data = yaml.load(raw, Loader=_SPEC_LOADER)
    except yaml.YAMLError as exc:
        raise CodegenError(
            f"{path} is not valid YAML (nor JSON): {_yaml_problem(exc)}",
            pointer="",
            hint="check the file is an OpenAPI document in JSON or YAML",
        ) from exc
    except _DuplicateKey as duplicate:
        raise CodegenError(
            f"{path}: duplicate key {duplicate.key!r} at line {duplicate.line} (first at "
            f"line {duplicate.first}); YAML keeps only the last, silently dropping the first",
            pointer="",
            hint="remove or rename one of the two keys",
        ) from None
    except _LimitExceeded as limit:
        raise limit.error(path) from None
    except RecursionError:  # the pure-Python parser, when PyYAML's C one is not built
        raise _too_deep(path, []) from None
    try:
        return json.dumps(
            data, ensure_ascii=False, allow_nan=False, default=_json_default
        )
    except (TypeError, ValueError) as exc:
        raise CodegenError(
            f"{path} holds a value JSON cannot represent: {exc}",
            pointer="",
            hint="OpenAPI documents may only use JSON-compatible values",
        ) from exc


def _json_default(value: object) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} value {value!r:.60}")


def _yaml_problem(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return str(problem)
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"


_MERGE_TAG = "tag:yaml.org,2002:merge"


class _CheckedConstruction:
    """Mixed into PyYAML's safe loader: a document is measured before it is returned (aliases
    make it a graph: a bomb is small here and huge once expanded), and mappings refuse
    duplicate keys. Keys brought in by a merge (``<<: *base``) may still be overridden.
    """

    def construct_document(self, node: Any) -> Any:
        # Constructing is linear even for a bomb (an aliased node is built once, then shared);
        # what follows (JSON, pydantic, lowering) walks the expanded tree.
        data = super().construct_document(node)  # type: ignore[misc]
        if not _check_tree(data):
            _measure_nodes(node)
        return data

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """``SafeConstructor.construct_mapping`` (merge keys, then the pairs), refusing a key
        given twice; as fast as the original, which matters for Stripe's 35,000 mappings.
        """
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)  # type: ignore[misc]
        own = node.value
        self.flatten_mapping(node)  # type: ignore[attr-defined]
        # ``own`` now holds the explicit pairs only; node.value also the merged ones, first.
        construct = self.construct_object  # type: ignore[attr-defined]
        mapping: dict[object, object] = {}
        for key_node, value_node in node.value:
            key = construct(key_node, deep=deep)
            value = construct(value_node, deep=deep)
            try:
                mapping[key] = value
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found unhashable key",
                    key_node.start_mark,
                ) from None
        # Fewer keys than pairs: merged keys were overridden, or a key came twice.
        if len(mapping) != len(node.value):
            first: dict[object, Any] = {}
            for key_node, _ in own:
                key = construct(key_node)
                if key in first:
                    raise _DuplicateKey(
                        key, _node_line(key_node), _node_line(first[key])
                    )
                first[key] = key_node
        return mapping


def _spec_loader() -> Any:
    """PyYAML's safe loader (C version when built) without implicit timestamps, with the checks
    of ``_CheckedConstruction``.

    OpenAPI is JSON data: ``2023-08-16`` must stay a string, as it would in JSON.
    """
    base = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    resolvers = {
        first: [
            (tag, regexp)
            for tag, regexp in entries
            if tag != "tag:yaml.org,2002:timestamp"
        ]
        for first, entries in base.yaml_implicit_resolvers.items()
    }
    return type(
        "SpecLoader",
        (_CheckedConstruction, base),
        {"yaml_implicit_resolvers": resolvers},
    )


_SPEC_LOADER = _spec_loader()


# --- load: limits ----------------------------------------------------------------------------


class _LimitExceeded(Exception):
    """A document past ``MAX_DOCUMENT_DEPTH`` or ``MAX_DOCUMENT_NODES``; the file is named later."""

    def __init__(self, problem: str, tokens: list[object], line: int | None, hint: str):
        super().__init__(problem)
        self.problem, self.tokens, self.line, self.hint = problem, tokens, line, hint

    def error(self, path: Path) -> CodegenError:
        where = "" if self.line is None else f" (line {self.line})"
        return CodegenError(
            f"{path} {self.problem}{where}",
            pointer=json_pointer(*self.tokens),
            hint=self.hint,
        )


def _too_deep(
    path: Path, tokens: list[object], line: int | None = None
) -> CodegenError:
    return _depth_limit(tokens, line).error(path)


def _depth_limit(tokens: list[object], line: int | None) -> _LimitExceeded:
    return _LimitExceeded(
        f"is nested deeper than {MAX_DOCUMENT_DEPTH} levels of mappings and sequences",
        tokens,
        line,
        "an OpenAPI document is never this deep: flatten the structure (move nested "
        "schemas to components/schemas and use $ref)",
    )


def _check_limits(path: Path, data: object) -> None:
    """The limits for data loaded from JSON (a tree: ``json`` never shares a part)."""
    try:
        _check_tree(data, may_share=False)
    except _LimitExceeded as limit:
        raise limit.error(path) from None


def _check_tree(data: object, *, may_share: bool = True) -> bool:
    """Raise ``_LimitExceeded`` when loaded data nests deeper than ``MAX_DOCUMENT_DEPTH`` or
    holds more than ``MAX_DOCUMENT_NODES`` values; ``False`` (and no verdict) as soon as a
    mapping or list is met twice, i.e. parts are shared (YAML aliases), which
    ``_measure_nodes`` must then count.

    One level at a time, so that the per-value work is one comprehension (about 15 ms for
    Stripe's spec); the pointer is only looked for once a limit is exceeded.
    """
    level: list[Any] = [data] if type(data) in (dict, list) else []
    seen = {id(data)}
    values, depth = 1, 1
    while level:
        values += sum(map(len, level))
        if values > MAX_DOCUMENT_NODES:
            raise _LimitExceeded(
                f"holds more than {MAX_DOCUMENT_NODES:,} values",
                [],
                None,
                "split the document: an OpenAPI document is far smaller (Stripe's spec "
                "holds about 175,000 values)",
            )
        level = [
            child
            for value in level
            for child in (value.values() if type(value) is dict else value)
            if type(child) is dict or type(child) is list
        ]
        if not level:
            break
        if depth >= MAX_DOCUMENT_DEPTH:
            raise _depth_limit(_path_to_depth(data, depth + 1), None)
        if may_share:
            known = len(seen)
            seen.update(map(id, level))
            if len(seen) - known != len(level):
                return False
        depth += 1
    return True


def _path_to_depth(data: object, depth: int) -> list[object]:
    """The tokens leading to the first container (in document order) at ``depth``."""
    stack: list[tuple[object, list[object]]] = [(data, [])]
    while stack:
        value, tokens = stack.pop()
        if len(tokens) + 1 == depth:
            return tokens
        items = _data_items(value) or []
        stack.extend(
            (child, tokens + [token])
            for token, child in reversed(items)
            if type(child) in (dict, list)
        )
    return []


def _data_items(value: object) -> list[tuple[object, object]] | None:
    if type(value) is dict:
        return list(value.items())
    if type(value) is list:
        return list(enumerate(value))
    return None


def _node_line(node: Any) -> int | None:
    mark = getattr(node, "start_mark", None)
    return None if mark is None else mark.line + 1


def _measure_nodes(root: Any) -> None:
    """Raise ``_LimitExceeded`` when YAML's composed nodes nest deeper than
    ``MAX_DOCUMENT_DEPTH``, hold more than ``MAX_DOCUMENT_NODES`` values counting an aliased
    node every time it is used, or contain themselves (a recursive alias).

    Aliases make the nodes a graph, not a tree: an aliased node is measured once and its size
    reused, so the cost is linear in the document, not in its expansion.
    """
    scalar, mapping = yaml.ScalarNode, yaml.MappingNode
    if root.__class__ is scalar:
        return
    measured: dict[int, tuple[int, int]] = {}  # id of a collection -> (values, height)
    open_ids = {id(root)}
    # A frame: [node, its entries, next entry, values so far, height so far]
    stack: list[list[Any]] = [[root, root.value, 0, 1, 1]]

    def tokens(extra: int = 0) -> list[object]:
        """The pointer tokens of the top frame's node, plus its entry ``extra`` back."""
        found: list[object] = []
        for frame in stack[:-1] if not extra else stack:
            index = frame[2] - 1
            if frame[0].__class__ is mapping:
                key = frame[1][index][0]
                found.append(key.value if key.__class__ is scalar else "?")
            else:
                found.append(index)
        return found

    def too_many(frame: list[Any]) -> _LimitExceeded:
        return _LimitExceeded(
            f"holds more than {MAX_DOCUMENT_NODES:,} values once its YAML aliases are "
            "expanded (an alias bomb?)",
            tokens(),
            _node_line(frame[0]),
            "remove the aliases (*name) that repeat large parts of the document, or split "
            "the document",
        )

    while stack:
        frame = stack[-1]
        entries = frame[1]
        index = frame[2]
        if index < len(entries):
            frame[2] = index + 1
            child = entries[index]
            if child.__class__ is tuple:  # a mapping's (key, value)
                child = child[1]
            if child.__class__ is scalar:
                frame[3] += 1
                continue
            known = measured.get(id(child))
            if known is not None:
                if len(stack) + known[1] > MAX_DOCUMENT_DEPTH:
                    raise _depth_limit(tokens(1), _node_line(child))
                frame[3] += known[0]
                if known[1] >= frame[4]:
                    frame[4] = known[1] + 1
                if frame[3] > MAX_DOCUMENT_NODES:
                    raise too_many(frame)
                continue
            if id(child) in open_ids:
                raise _LimitExceeded(
                    "has a YAML alias that refers to itself: a node containing itself",
                    tokens(1),
                    _node_line(child),
                    "replace the recursive alias with a copy of what it should repeat",
                )
            if len(stack) >= MAX_DOCUMENT_DEPTH:
                raise _depth_limit(tokens(1), _node_line(child))
            open_ids.add(id(child))
            stack.append([child, child.value, 0, 1, 1])
        else:
            if frame[3] > MAX_DOCUMENT_NODES:
                raise too_many(frame)
            stack.pop()
            open_ids.discard(id(frame[0]))
            measured[id(frame[0])] = (frame[3], frame[4])
            if stack:
                parent = stack[-1]
                parent[3] += frame[3]
                if frame[4] >= parent[4]:
                    parent[4] = frame[4] + 1


def _read_bytes(
    path: Path, *, what: str, hint: str | None = None, limit: int | None = None
) -> bytes:
    """The file's bytes; with ``limit``, a larger file is refused after reading ``limit + 1``."""
    try:
        with open(path, "rb") as handle:
            data = handle.read() if limit is None else handle.read(limit + 1)
    except FileNotFoundError as exc:
        raise CodegenError(f"{what} {path} does not exist", hint=hint) from exc
    except IsADirectoryError as exc:
        raise CodegenError(f"{what} {path} is a folder, not a file", hint=hint) from exc
    except OSError as exc:
        raise CodegenError(
            f"cannot read {what} {path}: {exc.strerror}", hint=hint
        ) from exc
    if limit is not None and len(data) > limit:
        raise CodegenError(
            f"{what} {path} is larger than the {limit // (1024 * 1024)} MiB limit "
            f"({limit:,} bytes) for spec documents",
            hint="OpenAPI documents are far smaller (Stripe's is about 4 MB): check that the "
            "path names the spec",
        )
    return data


def _kind(value: object) -> str:
    return "nothing (empty document)" if value is None else f"a {type(value).__name__}"


# --- parse -----------------------------------------------------------------------------------

_OPENAPI_CLASSES: Dict[str, type[OpenAPIv3_0] | type[OpenAPIv3_1]] = {
    version: cls
    for cls in (OpenAPIv3_0, OpenAPIv3_1)
    for version in typing.get_args(cls.model_fields["openapi"].annotation)
}


def parse_document(data: dict[str, Any]) -> OpenAPIDocument:
    """Validate a loaded document with openapi-pydantic (OpenAPI 3.0.x or 3.1.x)."""
    cls = _openapi_class(data)
    try:
        return cls.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _validation_error(data, exc) from None


def _openapi_class(data: object) -> type[OpenAPIv3_0] | type[OpenAPIv3_1]:
    supported = ", ".join(sorted(_OPENAPI_CLASSES))
    if not isinstance(data, dict) or "openapi" not in data:
        swagger = isinstance(data, dict) and "swagger" in data
        raise CodegenError(
            (
                "this is a Swagger 2.0 document, not OpenAPI 3"
                if swagger
                else "not an OpenAPI document: the top-level 'openapi' field is missing"
            ),
            pointer=json_pointer("openapi"),
            hint=(
                "convert it to OpenAPI 3 first"
                if swagger
                else f"supported: {supported}"
            ),
        )
    version = data["openapi"]
    cls = _OPENAPI_CLASSES.get(version) if isinstance(version, str) else None
    if cls is None:
        raise CodegenError(
            f"unsupported OpenAPI version {version!r}",
            pointer=json_pointer("openapi"),
            hint=f"supported versions: {supported}",
        )
    return cls


def _validation_error(
    data: dict[str, Any], exc: pydantic.ValidationError
) -> CodegenError:
    """A short error: the first few problems, each with a JSON pointer into the document."""
    errors = exc.errors(include_url=False, include_input=False)
    # A failing union of ``Reference | X`` also reports "$ref missing"; X's problems say more.
    useful = [error for error in errors if not _is_not_a_reference(error)] or errors
    problems = [_problem(data, error) for error in useful]
    shown = "; ".join(
        f"{pointer or '/'}: {message}" for pointer, message in problems[:3]
    )
    more = len(problems) - MAX_REPORTED_ERRORS
    suffix = f" (and {more} more)" if more > 0 else ""
    return CodegenError(
        f"the document is not valid OpenAPI {data.get('openapi')}: {shown}{suffix}",
        pointer=problems[0][0],
        hint="fix the document at the pointer shown",
    )


def _is_not_a_reference(error: Any) -> bool:
    loc = tuple(error["loc"])
    return error["type"] == "missing" and loc[-2:] == ("Reference", "$ref")


def _problem(data: dict[str, Any], error: Any) -> tuple[str, str]:
    """Map a pydantic error location onto the document, skipping union tags and the like."""
    loc = list(error["loc"])
    missing = error["type"] == "missing" and bool(loc)
    last = loc.pop() if missing else None
    tokens = _walk(data, loc)
    message = f"field '{last}' is required" if missing else str(error["msg"])
    return json_pointer(*tokens), message


def _walk(node: object, loc: Iterable[object]) -> list[object]:
    tokens: list[object] = []
    for item in loc:
        if isinstance(node, dict) and str(item) in node:
            node = node[str(item)]
            tokens.append(item)
        elif isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node):
            node = node[item]
            tokens.append(item)
    return tokens


# --- all together ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedSpec:
    """A spec ready for lowering: where it came from, its checksum, raw data and parsed form."""

    path: Path
    sha256: str
    data: dict[str, Any]
    document: OpenAPIDocument


def load_spec(configured: Path, *, cache_folder: Path | None = None) -> LoadedSpec:
    """Load and parse the configured spec: a pin (the fetched, verified copy) or a spec file.

    With ``cache_folder`` (the user's cache folder, see ``generator.cache``), the JSON form of a
    YAML spec is kept there, keyed by the file's sha256. Never in the project: a JSON form
    committed next to the pin would decide what ``check`` generates from.
    """
    path = resolve_spec_path(configured)
    sha256 = hashlib.sha256(
        _read_bytes(path, what="spec file", limit=MAX_DOCUMENT_BYTES)
    ).hexdigest()
    if is_pin_path(configured):
        expected = load_pin(configured).spec.sha256
        if sha256 != expected:
            raise CodegenError(
                f"{path} does not match the pin: expected sha256 {expected}, got {sha256}",
                hint="run `codegen spec fetch` again to restore the pinned file",
            )
    json_forms = None if cache_folder is None else cache.spec_json_folder(cache_folder)
    data = load_document(path, cache=json_forms)
    return LoadedSpec(
        path=path, sha256=sha256, data=data, document=parse_document(data)
    )

"""Load a JSON or YAML document into a dict: duplicate keys refused, limits checked, the JSON
form of YAML cached by checksum."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Union

from ..errors import CodegenError, json_pointer
from .limits import (
    MAX_DOCUMENT_BYTES,
    check_limits,
    kind_of,
    read_bytes,
    too_deep,
    walk,
)
from .pin import write_atomic
from .yaml_reader import yaml_to_json_text

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
    raw = read_bytes(
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
            f"{path} must hold a mapping at the top level, not {kind_of(data)}",
            pointer="",
            hint="point the generator at an OpenAPI document",
        )
    return data


def _parse_json(
    path: Path, raw: Union[bytes, str], *, from_yaml: bool = False
) -> object:
    """JSON text to data, refusing duplicate keys and documents past the limits (``from_yaml``:
    the JSON form of a YAML document, whose limits were checked as it was read)."""
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
        raise too_deep(path, []) from None
    except ValueError as exc:
        raise CodegenError(
            f"{path} is not valid JSON: {exc}",
            pointer="",
            hint="fix the file, or give YAML a .yaml suffix",
        ) from exc
    if not from_yaml:
        check_limits(path, data)
    return data


class _DuplicateKey(Exception):
    def __init__(self, key: object):
        super().__init__(key)
        self.key = key


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

    for value, tokens in walk(json.loads(raw, object_pairs_hook=mark)):
        if isinstance(value, _Duplicated):
            return json_pointer(*tokens, value.key)
    return ""


def _load_yaml_cached(path: Path, raw: bytes, cache: Path | None) -> object:
    cached = (
        None if cache is None else cache / f"{hashlib.sha256(raw).hexdigest()}.json"
    )
    if cached is not None:
        hit = _read_json_cache(cached)
        if hit is not None:
            return hit
    text = yaml_to_json_text(path, raw)
    data = _parse_json(path, text, from_yaml=True)  # YAML's 200 and '200' meet in JSON
    if cached is not None:
        _write_json_cache(cached, text)
    return data


def _read_json_cache(cached: Path) -> dict[str, Any] | None:
    """The cached JSON form, or ``None`` when it is missing, corrupt or past the limits (then
    it is rebuilt from the YAML, which is checked again)."""
    try:
        data = json.loads(cached.read_bytes())
        check_limits(cached, data)
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

"""Input limits: whatever the document, loading it takes bounded time and memory, and a
document past a limit is refused (exit 2) with what was exceeded and where."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CodegenError, json_pointer

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
"""A spec file larger than this (64 MiB; Stripe's is about 4 MB) is refused unread."""
MAX_DOCUMENT_DEPTH = 256
"""How deeply mappings and sequences (JSON objects and arrays) may nest; the top level is 1.
Room for the deepest schemas lowering accepts (``lower.MAX_SCHEMA_DEPTH``, two levels each)."""
MAX_DOCUMENT_NODES = 2_000_000
"""How many values (mappings, sequences, scalars) a document may hold once its YAML aliases are
expanded: every later stage walks the expanded tree, so an alias bomb ("billion laughs") is
refused here. Stripe's spec holds about 175,000."""


# --- load: limits ----------------------------------------------------------------------------


class LimitExceeded(Exception):
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


def too_deep(path: Path, tokens: list[object], line: int | None = None) -> CodegenError:
    return _depth_limit(tokens, line).error(path)


def _depth_limit(tokens: list[object], line: int | None) -> LimitExceeded:
    return LimitExceeded(
        f"is nested deeper than {MAX_DOCUMENT_DEPTH} levels of mappings and sequences",
        tokens,
        line,
        "an OpenAPI document is never this deep: flatten the structure (move nested "
        "schemas to components/schemas and use $ref)",
    )


def check_limits(path: Path, data: object) -> None:
    """The limits for data loaded from JSON (or YAML, whose aliases yaml-rs expands)."""
    try:
        check_tree(data)
    except LimitExceeded as limit:
        raise limit.error(path) from None


def check_tree(data: object) -> None:
    """Raise ``LimitExceeded`` when loaded data nests deeper than ``MAX_DOCUMENT_DEPTH`` or
    holds more than ``MAX_DOCUMENT_NODES`` values (a tree: JSON and yaml-rs never share a part).

    One level at a time, so that the per-value work is one comprehension (about 15 ms for
    Stripe's spec); the pointer is only looked for once a limit is exceeded.
    """
    level: list[Any] = [data] if type(data) in (dict, list) else []
    values, depth = 1, 1
    while level:
        values += sum(map(len, level))
        if values > MAX_DOCUMENT_NODES:
            raise LimitExceeded(
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
        depth += 1


def alias_bomb() -> LimitExceeded:
    """YAML aliases that would repeat more than ``MAX_DOCUMENT_NODES`` parser events (values,
    keys, ends of collections); yaml-rs refuses to expand them and does not say where.
    """
    return LimitExceeded(
        f"holds more than {MAX_DOCUMENT_NODES:,} values once its YAML aliases are "
        "expanded (keys and ends of collections counted too: an alias bomb?)",
        [],
        None,
        "remove the aliases (*name) that repeat large parts of the document, or split "
        "the document",
    )


def _path_to_depth(data: object, depth: int) -> list[object]:
    """The tokens leading to the first container (in document order) at ``depth``."""
    return next(
        (
            tokens
            for value, tokens in walk(data)
            if type(value) in (dict, list) and len(tokens) + 1 == depth
        ),
        [],
    )


def walk(data: object) -> Iterator[tuple[object, list[object]]]:
    """Every value of ``data`` with the pointer tokens that lead to it, depth first in
    document order (a generator: a search stops where it finds)."""
    stack: list[tuple[object, list[object]]] = [(data, [])]
    while stack:
        value, tokens = stack.pop()
        yield value, tokens
        items = data_items(value) or []
        stack.extend((child, tokens + [token]) for token, child in reversed(items))


def data_items(value: object) -> list[tuple[object, object]] | None:
    if type(value) is dict:
        return list(value.items())
    if type(value) is list:
        return list(enumerate(value))
    return None


def read_bytes(
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


def kind_of(value: object) -> str:
    return "nothing (empty document)" if value is None else f"a {type(value).__name__}"

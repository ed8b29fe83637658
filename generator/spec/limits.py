"""Input limits: whatever the document, loading it takes bounded time and memory, and a
document past a limit is refused (exit 2) with what was exceeded and where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]

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
    """The limits for data loaded from JSON (a tree: ``json`` never shares a part)."""
    try:
        check_tree(data, may_share=False)
    except LimitExceeded as limit:
        raise limit.error(path) from None


def check_tree(data: object, *, may_share: bool = True) -> bool:
    """Raise ``LimitExceeded`` when loaded data nests deeper than ``MAX_DOCUMENT_DEPTH`` or
    holds more than ``MAX_DOCUMENT_NODES`` values; ``False`` (and no verdict) as soon as a
    mapping or list is met twice, i.e. parts are shared (YAML aliases), which
    ``measure_nodes`` must then count.

    One level at a time, so that the per-value work is one comprehension (about 15 ms for
    Stripe's spec); the pointer is only looked for once a limit is exceeded.
    """
    level: list[Any] = [data] if type(data) in (dict, list) else []
    seen = {id(data)}
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
        items = data_items(value) or []
        stack.extend(
            (child, tokens + [token])
            for token, child in reversed(items)
            if type(child) in (dict, list)
        )
    return []


def data_items(value: object) -> list[tuple[object, object]] | None:
    if type(value) is dict:
        return list(value.items())
    if type(value) is list:
        return list(enumerate(value))
    return None


def node_line(node: Any) -> int | None:
    mark = getattr(node, "start_mark", None)
    return None if mark is None else mark.line + 1


def measure_nodes(root: Any) -> None:
    """Raise ``LimitExceeded`` when YAML's composed nodes nest deeper than
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

    def too_many(frame: list[Any]) -> LimitExceeded:
        return LimitExceeded(
            f"holds more than {MAX_DOCUMENT_NODES:,} values once its YAML aliases are "
            "expanded (an alias bomb?)",
            tokens(),
            node_line(frame[0]),
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
                    raise _depth_limit(tokens(1), node_line(child))
                frame[3] += known[0]
                if known[1] >= frame[4]:
                    frame[4] = known[1] + 1
                if frame[3] > MAX_DOCUMENT_NODES:
                    raise too_many(frame)
                continue
            if id(child) in open_ids:
                raise LimitExceeded(
                    "has a YAML alias that refers to itself: a node containing itself",
                    tokens(1),
                    node_line(child),
                    "replace the recursive alias with a copy of what it should repeat",
                )
            if len(stack) >= MAX_DOCUMENT_DEPTH:
                raise _depth_limit(tokens(1), node_line(child))
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

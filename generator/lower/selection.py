"""Which operations of the spec to generate: the spec's operations, their IDs, a selection."""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import naming
from ..errors import CodegenError, json_pointer
from .oas import HTTP_METHODS, Document


@dataclass(frozen=True)
class Selection:
    """Which operations to generate: IDs, globs on IDs, path prefixes, or all of them."""

    operation_ids: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()
    path_prefixes: tuple[str, ...] = ()
    all: bool = False
    missing_ok: bool = (
        False  # skip what matches nothing (comparing two specs: codegen diff)
    )

    @property
    def empty(self) -> bool:
        return not (self.operation_ids or self.globs or self.path_prefixes or self.all)


@dataclass(frozen=True)
class RawOperation:
    """One operation of the spec as parsed, with its (possibly synthesised) ID."""

    operation_id: str
    method: str
    path: str
    operation: Any
    pointer: str


def operations_of(document: Document) -> list[RawOperation]:
    """Every operation of the spec in document order, with a synthesised ID where none is set.

    A synthesised ID (``GetV1Things``) never takes an ID the spec gives another operation.
    """
    items = [
        (path, method, getattr(item, method))
        for path, item in (document.paths or {}).items()
        for method in HTTP_METHODS
        if getattr(item, method, None) is not None
    ]
    taken = {op.operationId for _, _, op in items if op.operationId}
    found = []
    for path, method, operation in items:
        pointer = json_pointer("paths", path, method)
        operation_id = operation.operationId
        if not operation_id:
            operation_id = naming.operation_id_for(method, path, taken)
            taken.add(operation_id)
        found.append(RawOperation(operation_id, method, path, operation, pointer))
    return found


def generatable_operations(document: Document) -> list[RawOperation]:
    """``operations_of(document)``, refused when there are none or two share an ID: the
    operations a spec must have for anything to be generated (or pinned) from it."""
    operations = operations_of(document)
    if not operations:
        raise CodegenError(
            "the spec has no operations",
            pointer=json_pointer("paths"),
            hint="add at least one path with an operation",
        )
    refuse_duplicate_ids(operations)
    return operations


def refuse_duplicate_ids(operations: Sequence[RawOperation]) -> None:
    first: dict[str, RawOperation] = {}
    for op in operations:
        if op.operation_id in first:
            raise CodegenError(
                f"operation ID {op.operation_id!r} is used twice: "
                f"{first[op.operation_id].method.upper()} {first[op.operation_id].path} "
                f"and {op.method.upper()} {op.path}",
                pointer=op.pointer + "/operationId",
                hint="operation IDs must be unique; rename one of them",
            )
        first[op.operation_id] = op


def select(
    operations: Sequence[RawOperation], selection: Selection
) -> list[RawOperation]:
    """The operations a selection names; unknown IDs or empty matches are errors (exit 2)."""
    if selection.all:
        return list(operations)
    by_id = {op.operation_id: op for op in operations}
    chosen: dict[str, RawOperation] = {}
    for operation_id in selection.operation_ids:
        if operation_id not in by_id:
            if selection.missing_ok:
                continue
            close = difflib.get_close_matches(
                operation_id, list(by_id), n=5, cutoff=0.6
            )
            hint = (
                "did you mean: " + ", ".join(close) if close else "run `codegen list`"
            )
            raise CodegenError(f"unknown operation ID {operation_id!r}", hint=hint)
        chosen[operation_id] = by_id[operation_id]
    for pattern in selection.globs:
        matched = [
            op for op in operations if fnmatch.fnmatchcase(op.operation_id, pattern)
        ]
        if not matched and not selection.missing_ok:
            raise CodegenError(
                f"no operation ID matches {pattern!r}", hint="run `codegen list`"
            )
        chosen.update((op.operation_id, op) for op in matched)
    for prefix in selection.path_prefixes:
        matched = [op for op in operations if op.path.startswith(prefix)]
        if not matched and not selection.missing_ok:
            raise CodegenError(
                f"no operation path starts with {prefix!r}", hint="run `codegen list`"
            )
        chosen.update((op.operation_id, op) for op in matched)
    order = {op.operation_id: index for index, op in enumerate(operations)}
    return sorted(chosen.values(), key=lambda op: order[op.operation_id])

"""The selected operations to one ``ir.Api``: groups, their params modules, the models."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Optional

from .. import ir, naming, text
from . import oas
from .context import Context, Namespace
from .oas import Document
from .operations import lower_operation
from .pagination import PageShape, page_shape
from .selection import RawOperation


def lower_api(
    document: Document, selected: Sequence[RawOperation], *, spec_sha256: str
) -> ir.Api:
    """Lower the selected operations, group by group, then everything they reach."""
    ctx = Context.start(document)
    model_names = set(ctx.component_names.values())
    group_names = naming.group_names(
        (naming.group_of_path(raw.path) for raw in selected), model_names=model_names
    )
    reserved_classes = model_names | set(naming.CLASS_RESERVED)
    reserved_classes |= {
        c
        for _, cls in group_names.values()
        for c in (cls, naming.async_class_name(cls))
    }
    by_group: dict[str, list[RawOperation]] = {}
    for raw in selected:
        by_group.setdefault(naming.group_of_path(raw.path), []).append(raw)
    method_names = naming.method_names(raw.operation_id for raw in selected)

    lowered: list[tuple[str, list[ir.Operation], Namespace]] = []
    pages: list[Optional[PageShape]] = []
    for key in sorted(by_group):
        module = group_names[key][0]
        namespace = Namespace(taken=set(reserved_classes))
        group_ctx = ctx.request_side(namespace)
        operations = []
        for raw in by_group[key]:
            operation = lower_operation(
                group_ctx, raw, method_names[raw.operation_id], module
            )
            operations.append(operation)
            pages.append(page_shape(operation, ctx.found.response.models))
        lowered.append((key, operations, namespace))

    flat = [op for _, operations, _ in lowered for op in operations]
    paginated = iter(_with_pagination(flat, pages, set(method_names.values())))
    groups = []
    for key, operations, namespace in lowered:
        module, class_name = group_names[key]
        groups.append(
            ir.Group(
                naming.file_stem(module),
                class_name,
                module,
                tuple(next(paginated) for _ in operations),
                namespace.sorted_models(),
            )
        )
    all_operations = tuple(op for group in groups for op in group.operations)
    errors = [op.error for op in all_operations if isinstance(op.error, ir.ModelRef)]
    found = ctx.found
    return ir.Api(
        title=text.plain_line(document.info.title),
        api_version=text.plain_line(document.info.version, limit=100),
        base_url=_base_url(document),
        spec_sha256=spec_sha256,
        groups=tuple(groups),
        models=found.response.sorted_models(),
        aliases=tuple(found.aliases[n] for n in sorted(found.aliases)),
        error_model=errors[0].name if errors else None,
        operations=all_operations,
    )


def _with_pagination(
    operations: Sequence[ir.Operation],
    pages: Sequence[Optional[PageShape]],
    method_names: set[str],
) -> list[ir.Operation]:
    """The operations with their pagination; iterators are named in operation order."""
    paged = [op.name for op, page in zip(operations, pages) if page is not None]
    names = iter(naming.iterator_names(paged, taken=method_names))
    return [
        op if page is None else replace(op, pagination=page.named(next(names)))
        for op, page in zip(operations, pages)
    ]


def _base_url(document: Document) -> str:
    servers = document.servers or []
    url = oas.server_url(servers[0]) if servers else "/"
    return url.rstrip("/") or "https://api.stripe.com"

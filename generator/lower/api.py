"""The selected operations to one ``ir.Api``: groups, their resources, params and models."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Optional

from .. import ir, naming, text
from . import oas
from .calls import CallName, call_names
from .context import Context, Namespace
from .defs import link_base
from .oas import Document
from .operations import lower_operation
from .pagination import page_shape
from .profile import STRIPE
from ..settings import AuthNames, TokenPaging
from .security import idempotency_header, lower_security, operation_security
from .schemas import lower
from .selection import RawOperation


def lower_api(
    document: Document,
    operations: Sequence[RawOperation],
    selected: Sequence[RawOperation],
    *,
    spec_sha256: str,
    renames: Mapping[str, str],
    profile: str = STRIPE,
    auth: AuthNames = AuthNames(),
    paging: Optional[TokenPaging] = None,
) -> ir.Api:
    """Lower the selected operations, group by group, then everything they reach.

    Calls are named over all ``operations`` of the spec (see ``calls``), so that selecting
    more of them never renames one. Request models live in one namespace: a shape used by
    several operations is one class, whatever groups they are in.
    """
    with text.links_resolved_against(link_base(document, profile)):
        return _lower_api(
            document, operations, selected, spec_sha256, renames, profile, auth, paging
        )


def _lower_api(
    document: Document,
    operations: Sequence[RawOperation],
    selected: Sequence[RawOperation],
    spec_sha256: str,
    renames: Mapping[str, str],
    profile: str,
    auth: AuthNames,
    paging: Optional[TokenPaging],
) -> ir.Api:
    """``lower_api``, with relative links resolved against the spec's site."""
    ctx = Context.start(document, profile)
    security = lower_security(document, profile, auth)
    model_names = set(ctx.component_names.values())
    calls = call_names(
        document,
        operations,
        renames,
        reserved=naming.CLIENT_RESERVED,
        cursor_parameter=paging.cursor_parameter if paging else None,
    )
    chosen = {raw.operation_id: calls[raw.operation_id] for raw in selected}
    class_names = naming.resource_class_names(
        _resource_paths(chosen.values()), model_names=model_names
    )
    reserved = model_names | set(naming.CLASS_RESERVED)
    reserved |= {c for n in class_names.values() for c in naming.twin_class_names(n)}
    namespace = Namespace(taken=reserved)
    request_ctx = ctx.request_side(namespace)

    by_group: dict[str, list[RawOperation]] = {}
    for raw in selected:
        by_group.setdefault(chosen[raw.operation_id].resource[0], []).append(raw)
    lowered: dict[str, list[ir.Operation]] = {}
    for module in sorted(by_group):
        found = []
        for raw in by_group[module]:
            operation = lower_operation(request_ctx, raw, chosen[raw.operation_id])
            page = page_shape(operation, ctx.found.response.models, paging)
            required = operation_security(security, raw.operation, raw.pointer, profile)
            found.append(replace(operation, pagination=page, security=required))
        lowered[module] = sorted(found, key=lambda op: op.call)

    groups = tuple(
        _group(module, operations, class_names, namespace)
        for module, operations in lowered.items()
    )
    all_operations = tuple(op for group in groups for op in group.operations)
    errors = [op.error for op in all_operations if isinstance(op.error, ir.ModelRef)]
    event_model = _lower_event(ctx)
    found_models = ctx.found
    return ir.Api(
        title=text.plain_line(document.info.title),
        api_version=text.plain_line(document.info.version, limit=100),
        base_url=_base_url(document),
        spec_sha256=spec_sha256,
        groups=groups,
        models=found_models.response.sorted_models(),
        aliases=tuple(found_models.aliases[n] for n in sorted(found_models.aliases)),
        error_model=errors[0].name if errors else None,
        operations=all_operations,
        event_model=event_model,
        profile=profile,
        security_schemes=security.schemes,
        security=security.default,
        idempotency_header=idempotency_header(profile, auth),
        notes=tuple(found_models.notes),
        env_prefix=security.env_prefix,
    )


EVENT_COMPONENT = "event"
"""The component of the objects webhooks deliver (Stripe's ``Event``)."""


def _lower_event(ctx: Context) -> Optional[str]:
    """The model of the ``event`` component, lowered whatever operations are selected.

    Webhooks deliver events to every package, so ``webhooks.construct_event`` needs the class
    even when no selected operation returns one. It is lowered last, on the response side, so
    that adding it never renames a model the operations reach. None without such a component
    (or when it is no object schema): events are then parsed as ``StripeObject``.
    """
    if EVENT_COMPONENT not in ctx.components.schemas:
        return None
    pointer = oas.schema_pointer(EVENT_COMPONENT)
    reference = oas.schema_ref(EVENT_COMPONENT)
    expr = lower(ctx.response_side(), reference, pointer, hint=EVENT_COMPONENT)
    if isinstance(expr, ir.ModelRef) and expr.name in ctx.found.response.models:
        return expr.name
    return None


def _resource_paths(calls: Iterable[CallName]) -> set[tuple[str, ...]]:
    """Every resource the calls need, their parents included (``issuing`` of ``issuing.cards``)."""
    return {
        call.resource[:depth]
        for call in calls
        for depth in range(1, len(call.resource) + 1)
    }


def _group(
    module: str,
    operations: Sequence[ir.Operation],
    class_names: Mapping[tuple[str, ...], str],
    namespace: Namespace,
) -> ir.Group:
    paths = sorted(
        p for p in class_names if p[0] == module
    )  # depth first: a parent sorts before its children
    resources = tuple(
        ir.Resource(
            path=path,
            class_name=class_names[path],
            operations=tuple(op for op in operations if op.resource == path),
            children=tuple(
                (child[-1], class_names[child])
                for child in paths
                if len(child) == len(path) + 1 and child[: len(path)] == path
            ),
        )
        for path in paths
    )
    return ir.Group(
        name=naming.file_stem(module),
        class_name=class_names[(module,)],
        attribute=module,
        operations=tuple(operations),
        request_models=_reached_models(operations, namespace),
        resources=resources,
    )


def _reached_models(
    operations: Sequence[ir.Operation], namespace: Namespace
) -> tuple[ir.Model, ...]:
    """The request models the operations' parameters reach, sorted by name."""
    pending = [
        name
        for op in operations
        for payload in (op.query, op.body, op.headers, op.cookies)
        if payload is not None
        for name in [payload.model]
    ]
    pending += [
        name
        for op in operations
        for p in op.path_params
        for name in ir.referenced_names(p.type)
    ]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        model = namespace.models.get(name)
        if name in seen or model is None:
            continue
        seen.add(name)
        for field in model.fields:
            pending += ir.referenced_names(field.type)
    return tuple(namespace.models[name] for name in sorted(seen))


def _base_url(document: Document) -> str:
    servers = document.servers or []
    url = oas.server_url(servers[0]) if servers else "/"
    return url.rstrip("/") or "https://api.stripe.com"

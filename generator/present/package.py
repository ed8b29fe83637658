"""The Python package: the views its templates receive and the files it is made of."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .. import __version__, ir, naming
from . import imports, params, python
from .files import File, Static, Template, Text, header
from .order import ordered_aliases, ordered_models


@dataclass(frozen=True)
class GroupView:
    """A resource group as the package templates name it."""

    name: str  # module name (``customers``)
    attribute: str  # ``client.customers``
    class_name: str  # ``CustomersResource``
    async_class_name: str  # ``AsyncCustomersResource``


@dataclass(frozen=True)
class ResourceClass:
    """One of the two classes of a resource module: the sync one and its awaitable twin."""

    name: str
    awaitable: bool


def group_view(group: ir.Group) -> GroupView:
    return GroupView(
        group.name,
        group.attribute,
        group.class_name,
        naming.async_class_name(group.class_name),
    )


def common_context(api: ir.Api, package: str) -> dict[str, Any]:
    """The values every template receives."""
    return {
        "package": package,
        "codegen_version": __version__,
        "api_version": api.api_version,
        "base_url": api.base_url,
        "error_model": api.error_model,
        "error_detail_model": error_detail_model(api),
        "title": api.title,
    }


def error_detail_model(api: ir.Api) -> Optional[str]:
    """The class of the ``error`` field of the error model (Stripe's ``ApiErrors``), if any.

    The runtime's exceptions carry it typed; a spec without such an error model (no
    ``default`` response, or one of another shape) gets the raw ``error`` object instead.
    """
    model = next((m for m in api.models if m.name == api.error_model), None)
    field = (
        next((f for f in model.fields if f.wire_name == "error"), None)
        if model
        else None
    )
    expr = field.type if field else None
    if isinstance(expr, ir.Nullable):
        expr = expr.inner
    if not isinstance(expr, ir.ModelRef):
        return None
    if not any(m.name == expr.name for m in api.models):
        return None  # an alias (a union), not a class with attributes
    return expr.name


def files(api: ir.Api, package: str, runtime_files: tuple[str, ...]) -> list[File]:
    """Every file of the package ``package``: the runtime modules (``runtime_files``, copied
    by the renderer from its static files), then the generated modules."""
    top = header(api, comment="#")
    groups = [group_view(g) for g in api.groups]
    out: list[File] = [
        Static(f"{package}/{name}", f"package/{name}", top) for name in runtime_files
    ]
    out += [
        Template(f"{package}/_constants.py", "package/_constants.py.jinja", {}, top),
        Text(f"{package}/py.typed", ""),
    ]
    for module in (
        "__init__.py",
        "_client.py",
        "params/__init__.py",
        "resources/__init__.py",
    ):
        out.append(
            Template(
                f"{package}/{module}",
                f"package/{module}.jinja",
                {"groups": groups},
                top,
            )
        )
    out.append(
        Template(
            f"{package}/models.py", "package/models.py.jinja", models_context(api), top
        )
    )
    layout = params.layout(api.groups)
    out += params.shared_files(layout, package, top)
    for group in api.groups:
        out.append(
            Template(
                f"{package}/params/{group.name}.py",
                "package/params/group.py.jinja",
                params.group_context(group, layout),
                top,
            )
        )
        out.append(
            Template(
                f"{package}/resources/{group.name}.py",
                "package/resources/group.py.jinja",
                resource_context(group),
                top,
            )
        )
    return out


# --- per-template contexts ----------------------------------------------------------------------


def models_context(api: ir.Api) -> dict[str, Any]:
    alias_names = frozenset(a.name for a in api.aliases)
    ordered = ordered_models(api.models, alias_names)
    aliases = ordered_aliases(api.aliases)
    uses = imports.union(imports.of_model(m) for m, _ in ordered)
    uses |= imports.union(imports.of_type(a.type) for a in aliases)
    return {
        "models": [python.model_view(m, q) for m, q in ordered],
        "aliases": [python.alias_view(a) for a in aliases],
        "typing_names": uses.typing_names(),
        "uses_field": uses.field,
    }


def resource_context(group: ir.Group) -> dict[str, Any]:
    operations = [python.operation_view(op) for op in group.operations]
    local = {m.name for m in group.request_models}
    used: set[str] = set()
    for op in group.operations:
        for expr in _signature_types(op):
            used |= ir.referenced_names(expr)
    payload_models = {
        p.model for op in group.operations for p in (op.query, op.body) if p is not None
    }
    constants: dict[str, python.ConstantView] = {}
    for op, view in zip(group.operations, operations):
        constants.setdefault(
            view.response_constant,
            python.ConstantView(
                view.response_constant,
                f"ResponseType[{view.returns}]",
                _response_value(op),
            ),
        )
    uses = imports.union(_signature_uses(op) for op in group.operations)
    paginated = any(op.pagination for op in group.operations)
    names = group_view(group)
    return {
        "group": names,
        "classes": [
            ResourceClass(names.class_name, False),
            ResourceClass(names.async_class_name, True),
        ],
        "operations": operations,
        "abc_names": (
            ["AsyncIterator", "Iterator", "Mapping"] if paginated else ["Mapping"]
        ),
        "uses_field": uses.field,
        "constants": sorted(constants.values(), key=lambda c: c.name),
        "model_imports": sorted(used - local),
        "param_imports": sorted((used & local) | payload_models),
        "typing_names": uses.typing_names(),
    }


def _signature_uses(operation: ir.Operation) -> imports.Uses:
    """What an operation's methods annotate with: the arguments (the call options use
    ``Optional`` and, for ``timeout``, ``Union``), the return type (also in its response
    constant), the iterator's items.
    """
    uses = imports.Uses(frozenset({"Optional", "Union"})) | imports.union(
        imports.of_type(p.type) for p in operation.path_params
    )
    for payload in (operation.query, operation.body):
        if payload is not None:
            uses |= imports.union(
                imports.of_optional(f.type, required=f.required) for f in payload.fields
            )
    if operation.response.type is not None:
        uses |= imports.of_type(operation.response.type)
    if operation.pagination is not None:
        uses |= imports.of_type(operation.pagination.item)
    return uses


def _signature_types(operation: ir.Operation) -> list[ir.TypeExpr]:
    types: list[ir.TypeExpr] = [p.type for p in operation.path_params]
    for payload in (operation.query, operation.body):
        if payload is not None:
            types += [f.type for f in payload.fields]
    if operation.response.type is not None:
        types.append(operation.response.type)
    if operation.pagination is not None:
        types.append(operation.pagination.item)
    return types


def _response_value(operation: ir.Operation) -> str:
    if operation.response.type is None:
        return "ResponseType.binary()"
    return f"ResponseType({operation.response.type.annotation()})"

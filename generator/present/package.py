"""The Python package: the views its templates receive and the files it is made of."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Optional

from .. import __version__, ir, naming
from . import imports, models, operations, params, python
from .auth import client_context
from .files import File, Static, Template, Text, header, runtime_header


@dataclass(frozen=True)
class GroupView:
    """A resource group as the package templates name it."""

    name: str  # module name (``customers``)
    attribute: str  # ``client.customers``
    class_name: str  # ``CustomersResource``
    async_class_name: str  # ``AsyncCustomersResource``
    raw_class_name: str  # ``CustomersResourceWithRawResponse``
    async_raw_class_name: str  # ``AsyncCustomersResourceWithRawResponse``

    @property
    def client_property(self) -> AccessorView:
        """``client.customers``."""
        return self._accessor(self.class_name, "self")

    @property
    def async_client_property(self) -> AccessorView:
        """``async_client.customers``."""
        return self._accessor(self.async_class_name, "self")

    @property
    def raw_property(self) -> AccessorView:
        """``client.with_raw_response.customers``."""
        return self._accessor(self.raw_class_name, f"self._client.{self.attribute}")

    @property
    def async_raw_property(self) -> AccessorView:
        """``async_client.with_raw_response.customers``."""
        return self._accessor(
            self.async_raw_class_name, f"self._client.{self.attribute}"
        )

    def _accessor(self, class_name: str, argument: str) -> AccessorView:
        return AccessorView(
            header=python.def_header(4, "def", self.attribute, "self", class_name),
            import_statement=python.import_from(
                f".resources.{self.name}", [class_name], indent=8
            ),
            body=python.laid_out(f"return {class_name}({argument})", 8),
        )


@dataclass(frozen=True)
class AccessorView:
    """The lines of a client's ``cached_property`` for a group, as black prints them: it
    imports the group's resource module on first use."""

    header: str  # ``def customers(self) -> CustomersResource:``
    import_statement: str  # ``from .resources.customers import CustomersResource``
    body: str  # ``return CustomersResource(self)``


def group_view(group: ir.Group) -> GroupView:
    return GroupView(
        group.name,
        group.attribute,
        group.class_name,
        naming.async_class_name(group.class_name),
        naming.raw_class_name(group.class_name),
        naming.raw_class_name(naming.async_class_name(group.class_name)),
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
        # the exception an error response raises a subclass of
        "error_base": "StripeError" if api.profile == "stripe" else "APIStatusError",
        **client_context(api),
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


def runtime_files(
    package: str,
    names: tuple[str, ...],
    profile: str = "stripe",
    twins: Mapping[str, str] = MappingProxyType({}),
) -> list[File]:
    """The runtime modules ``names`` of the package ``package``, copied by the renderer from
    its static files. Stripe's package ships each as it is; any other ships the generic twin
    of a module that has one (``twins``: ``_core.py`` -> ``_core_generic.py``) under the
    module's name, and no Stripe-only module."""
    top = runtime_header()
    if profile == "stripe":
        return [Static(f"{package}/{name}", f"package/{name}", top) for name in names]
    return [
        Static(f"{package}/{name}", f"package/{twins.get(name, name)}", top)
        for name in names
        if name not in STRIPE_ONLY_RUNTIME
    ]


STRIPE_ONLY_RUNTIME = frozenset({"webhooks.py"})
"""Runtime modules only Stripe's package ships (Stripe's webhook signatures)."""


def files(api: ir.Api, package: str) -> list[File]:
    """The generated modules of the package ``package`` (its runtime: ``runtime_files``)."""
    top = header(api, comment="#")
    groups = [group_view(g) for g in api.groups]
    generic = api.profile != "stripe"
    out: list[File] = [
        (
            Template(
                f"{package}/_constants.py",
                "package/generic/_constants.py.jinja",
                generic_constants_context(api),
                top,
            )
            if generic
            else Template(
                f"{package}/_constants.py",
                "package/_constants.py.jinja",
                {"event_model": api.event_model},
                top,
            )
        ),
        Text(f"{package}/py.typed", ""),
    ]
    for module in (
        "__init__.py",
        "_client.py",
        "params/__init__.py",
        "resources/__init__.py",
    ):
        own = generic and module == "__init__.py"
        out.append(
            Template(
                f"{package}/{module}",
                f"package/generic/{module}.jinja" if own else f"package/{module}.jinja",
                {"groups": groups},
                top,
            )
        )
    out += models.files(api, package, top)
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
                resource_context(
                    group, api.profile, idempotency=api.idempotency_header is not None
                ),
                top,
            )
        )
    return out


# --- per-template contexts ----------------------------------------------------------------------


def generic_constants_context(api: ir.Api) -> dict[str, Any]:
    """The ``_constants`` module of a package of any API but Stripe's: its credentials, the
    default requirement, the idempotency header and the error model, as Python literals.
    """
    schemes = tuple(
        (s.key, s.kind, s.location, s.wire_name, s.arguments, s.env_vars)
        for s in api.security_schemes
    )
    error_body_model = models.error_body_model(api)
    return {
        "log_env_var": naming.env_var_name(api.env_prefix, "log"),
        "security_schemes": repr(schemes),
        "default_security": repr(api.security),
        "idempotency_header": repr(api.idempotency_header),
        "error_body_model": error_body_model,
    }


def resource_context(
    group: ir.Group, profile: str = "stripe", *, idempotency: bool = False
) -> dict[str, Any]:
    """The resource module of a group: per resource, a sync class, its awaitable twin and
    the ``with_raw_response`` views of both."""
    classes = [
        view
        for r in group.resources
        for view in operations.class_views(r, profile, idempotency=idempotency)
    ]
    raw_classes = [
        view for r in group.resources for view in operations.raw_class_views(r)
    ]
    local = {m.name for m in group.request_models}
    used: set[str] = set()
    for op in group.operations:
        for expr in _signature_types(op):
            used |= ir.referenced_names(expr)
    payloads = [p for op in group.operations for p in operations.validated_payloads(op)]
    paged = any(op.pagination for op in group.operations)
    unpaged = any(op.pagination is None for op in group.operations)
    base = {"AsyncAPIClient", "RequestOptions", "SyncAPIClient"}
    base |= {"async_to_raw_response", "to_raw_response"}
    base |= {"AsyncPaginator", "PageType", "SyncPage"} if paged else set()
    base |= {"ResponseType"} if unpaged else set()
    if any(
        operations.response_annotation(op) == "BinaryContent" for op in group.operations
    ):
        base.add("BinaryContent")
    methods = [m for c in classes for m in c.methods]
    base |= {m.options_type for m in methods}
    base |= operations.base_imports(methods)
    encoding = operations.encoding_imports(group.operations, methods)
    uses = imports.union(_signature_uses(op) for op in group.operations)
    model_names = sorted(used - local)
    param_names = sorted((used & local) | {p.model for p in payloads})
    return {
        "group": group_view(group),
        "summary": ", ".join(f"``{'.'.join(r.path)}``" for r in group.resources),
        "classes": classes,
        "raw_classes": raw_classes,
        "children": any(r.children for r in group.resources),
        "base_imports": sorted(base),
        "encoding_imports": sorted(encoding),
        "constants": operations.constants(group.operations),
        "styles": _styles_constants(methods),
        "uses_field": uses.field,
        "model_imports": model_names,
        "param_imports": param_names,
        "typing_names": uses.typing_names(),
        # the same imports as statements, laid out as black prints them ("" for none)
        "typing_import": _import_line("typing", uses.typing_names()),
        "encoding_import": _import_line(".._encoding", sorted(encoding)),
        "model_import": _import_line("..models", model_names),
        "param_import": _import_line(f"..params.{group.name}", param_names),
    }


def _import_line(module: str, names: list[str]) -> str:
    return python.import_from(module, names) if names else ""


def _styles_constants(
    methods: list[operations.MethodView],
) -> list[python.ConstantView]:
    """The ``encoding_styles`` constants of the methods (each twin names the same one)."""
    found: dict[str, python.ConstantView] = {}
    for method in methods:
        for payload in (method.query, method.body):
            if payload is not None and payload.styles_constant:
                found[payload.styles_constant] = python.ConstantView(
                    payload.styles_constant, "", payload.styles
                )
    for name, value in operations.styles_constants(methods):
        found[name] = python.ConstantView(name, "", value)
    return sorted(found.values(), key=lambda c: c.name)


def _signature_uses(operation: ir.Operation) -> imports.Uses:
    """What an operation's methods annotate with: the arguments (the call options are
    ``**call_options: Unpack[...]``), the return type (also in its constant), the page's
    items.
    """
    generics = operations.TYPING_GENERICS
    uses = imports.union(
        imports.of_type(p.type, typing_generics=generics) for p in operation.path_params
    )
    uses |= imports.Uses(frozenset(operations.request_typing_names(operation)))
    for payload in operations.payloads(operation):
        if payload is not None:
            uses |= imports.union(
                imports.of_optional(
                    ir.without_discriminators(f.type),
                    required=f.required,
                    typing_generics=generics,
                )
                for f in payload.fields
            )
    if operation.response.type is not None:
        uses |= imports.of_type(operation.response.type, typing_generics=generics)
    if operation.pagination is not None:
        uses |= imports.of_type(operation.pagination.item, typing_generics=generics)
    return uses


def _signature_types(operation: ir.Operation) -> list[ir.TypeExpr]:
    types: list[ir.TypeExpr] = [p.type for p in operation.path_params]
    for payload in operations.payloads(operation):
        if payload is not None:
            types += [f.type for f in payload.fields]
    if operation.response.type is not None:
        types.append(operation.response.type)
    if operation.pagination is not None:
        types.append(operation.pagination.item)
    return types

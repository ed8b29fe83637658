"""The ``models`` package: one module per response model or alias, imported on first use.

Creating a pydantic class is the dearest part of importing a client, and one call needs only
the models of its response. So each class gets a module of its own whose annotations quote
every model they name (importing ``Card`` never imports ``Customer``; the names are imported
for type checkers only), and the package's ``__init__`` imports a module when its name is
first read (``_lazy.lazy_exports`` of the runtime). Aliases (``PaymentSource``, a union) are
evaluated when imported, so their modules import their members, which quote theirs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Optional

from .. import ir, naming
from ..errors import pointer_token
from . import imports, python
from .files import File, Template
from .order import ordered_aliases


@dataclass(frozen=True)
class ExportView:
    """A name of the package and the module that defines it."""

    name: str
    module: str
    literal: str  # ``name`` as a Python string literal

    @property
    def statement(self) -> str:
        """``from .module import name``, as black prints it at module level."""
        return python.import_from(f".{self.module}", [self.name])

    @property
    def guarded_statement(self) -> str:
        """The same import in the ``if TYPE_CHECKING:`` block."""
        return python.import_from(f".{self.module}", [self.name], indent=4)


@dataclass(frozen=True)
class KindView:
    """An object kind (``object`` tag) and the class of that kind."""

    tag: str  # a Python string literal
    model: str  # a Python string literal


def files(api: ir.Api, package: str, header: str) -> list[File]:
    """``models/__init__.py``, then a module per model, then a module per alias."""
    modules = module_names(api)
    out: list[File] = [
        Template(
            f"{package}/models/__init__.py",
            "package/models/__init__.py.jinja",
            package_context(api, modules),
            header,
        )
    ]
    out += [
        Template(
            f"{package}/models/{modules[model.name]}.py",
            "package/models/model.py.jinja",
            model_context(model, modules, base_class=base_class(api)),
            header,
        )
        for model in api.models
    ]
    out += [
        Template(
            f"{package}/models/{modules[alias.name]}.py",
            "package/models/alias.py.jinja",
            alias_context(alias, modules),
            header,
        )
        for alias in ordered_aliases(api.aliases)  # refuses an alias defined by itself
    ]
    return out


def module_names(api: ir.Api) -> dict[str, str]:
    """The module of each model and alias: ``PaymentSource`` → ``payment_source``."""
    return naming.model_modules(
        [m.name for m in api.models] + [a.name for a in api.aliases]
    )


# --- per-template contexts ----------------------------------------------------------------------


def package_context(api: ir.Api, modules: dict[str, str]) -> dict[str, Any]:
    exports = [
        ExportView(name, modules[name], python.python_literal(name))
        for name in sorted(modules)
    ]
    tagged = object_classes(api.models) if api.profile == "stripe" else {}
    kinds = [
        KindView(python.python_literal(tag), python.python_literal(name))
        for tag, name in sorted(tagged.items())
    ]
    return {"exports": exports, "object_kinds": kinds}


def base_class(api: ir.Api) -> str:
    """The runtime class models derive from: ``StripeModel`` for Stripe's API, the same
    class under its neutral name ``APIModel`` for any other."""
    return "StripeModel" if api.profile == "stripe" else "APIModel"


def model_context(
    model: ir.Model, modules: dict[str, str], *, base_class: str = "StripeModel"
) -> dict[str, Any]:
    """A model's module: every model it names is quoted, and imported for type checkers."""
    named = set().union(*(ir.referenced_names(f.type) for f in model.fields))
    uses = imports.of_model(model)
    others = sorted(named - {model.name}, key=lambda name: (modules[name], name))
    typing_names = uses.typing_names()
    if others:
        typing_names = ["TYPE_CHECKING", *typing_names]
    return {
        "model": python.model_view(model, frozenset(named)),
        "type_imports": [ExportView(n, modules[n], "") for n in others],
        "typing_names": typing_names,
        "uses_field": uses.field,
        "base_class": base_class,
    }


def alias_context(alias: ir.Alias, modules: dict[str, str]) -> dict[str, Any]:
    """An alias's module: it is evaluated when imported, so it imports what it names."""
    named = sorted(
        ir.referenced_names(alias.type), key=lambda name: (modules[name], name)
    )
    uses = imports.of_type(alias.type)
    return {
        "alias": python.alias_view(alias),
        "imports": [ExportView(n, modules[n], "") for n in named],
        "typing_names": uses.typing_names(),
        "uses_field": uses.field,
    }


# --- object kinds -------------------------------------------------------------------------------


COMPONENT_POINTER = "/components/schemas/"


def object_classes(models: Iterable[ir.Model]) -> dict[str, str]:
    """The class of each Stripe object kind (the ``object`` tag), for ``OBJECT_KINDS``.

    Webhooks carry objects of any kind in ``data.object``, typed by nothing but their tag:
    ``webhooks.construct_event`` parses each by this table. Only component models count
    (inline models tagged ``list`` or ``search_result`` are no resources), and no deletion
    receipts (a required ``deleted: true``): ``deleted_customer`` shares the tag
    ``customer``, but an event carries the customer itself. When components still share a
    tag, the one named like the tag wins, else the first by name.
    """
    found: dict[str, str] = {}
    for model in sorted(models, key=lambda m: m.name):
        tag = object_tag(model)
        key = _component_key(model.pointer)
        if tag is None or key is None or _is_deletion_receipt(model):
            continue
        if tag not in found or key == tag:
            found[tag] = model.name
    return found


def object_tag(model: ir.Model) -> Optional[str]:
    """The value of a required ``object`` field of one string literal (see ``oas.object_tag``)."""
    field = next((f for f in model.fields if f.wire_name == "object"), None)
    if (
        field is None
        or not field.required
        or not isinstance(field.type, ir.LiteralType)
    ):
        return None
    values = field.type.values
    return values[0] if len(values) == 1 and isinstance(values[0], str) else None


def _component_key(pointer: str) -> Optional[str]:
    if not pointer.startswith(COMPONENT_POINTER):
        return None
    token = pointer[len(COMPONENT_POINTER) :]
    return None if "/" in token else pointer_token(token)


def _is_deletion_receipt(model: ir.Model) -> bool:
    return any(
        f.wire_name == "deleted"
        and f.required
        and isinstance(f.type, ir.LiteralType)
        and f.type.values == (True,)
        for f in model.fields
    )


def error_body_model(api: ir.Api) -> Optional[str]:
    """The model the generic client types an error body with (``APIStatusError.body``): the
    API's error model, when it is a model of the ``models`` package; None otherwise."""
    model = api.error_model
    return model if any(m.name == model for m in api.models) else None

"""The ``params`` modules: request models as ``TypedDict``s, and which module holds each.

Users pass nested parameters as dict literals (``card={"number": ..., "cvc": ...}``); the
``TypedDict``s give those literals their types, so that ``mypy --strict`` and pyright catch
a misspelt key, and the runtime's ``ParamsType`` checks the same dicts against the same
classes before a request is sent. Keys are wire names, as users write them.

Every model is rendered once: a model that only one group uses lives in
``params/<group>.py``; one that several groups use, with the same shape in each, lives in
``params/_shared.py`` and each of those group modules re-exports it, so
``params.customers.RangeQuerySpecs is params.charges.RangeQuerySpecs``. A name two groups
give different shapes stays local to each of them.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from typing import Any

from .. import ir, text
from . import imports
from .files import Template
from .order import ordered_models
from .python import (
    CLASS_BODY_INDENT,
    assignment,
    docstring,
    import_from,
    laid_out,
    python_literal,
)

ENTRY_INDENT = 8  # a key of the functional form: ``X = TypedDict("X", {...})``

SHARED_MODULE = "_shared"
"""The module (``params/_shared.py``) of the models used by several groups."""

TYPING_EXTENSIONS_NAMES = ("Required", "TypedDict")
"""Imported from ``typing_extensions``: pydantic needs its ``TypedDict`` before Python 3.12,
and ``Required`` is new in 3.11."""


@dataclass(frozen=True)
class KeyView:
    """One key of a ``TypedDict``."""

    key: str  # the wire name, in class syntax
    literal: str  # the wire name as a string literal, in functional syntax
    annotation: str  # ``Required[...]`` for a required key
    docstring: str  # attribute docstring body ("" for none; class syntax only)

    @property
    def statement(self) -> str:
        """``key: annotation`` in the class body, as black prints it."""
        return assignment(self.key, self.annotation, None, CLASS_BODY_INDENT)

    @property
    def entry(self) -> str:
        """``"key": annotation,`` in the functional form's dict, as black prints it."""
        return laid_out(
            f"{self.literal}: {self.annotation},", ENTRY_INDENT, bracketed=True
        )


@dataclass(frozen=True)
class TypedDictView:
    name: str
    docstring: str
    keys: tuple[KeyView, ...]
    functional: (
        bool  # ``Name = TypedDict("Name", {...}, total=False)``: a key is no identifier
    )

    @property
    def spaced(self) -> bool:
        """Blank lines between keys only where docstrings need them to stay readable."""
        return any(k.docstring for k in self.keys)


ANNOTATION_NAMES = frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict", "Field", "Required"}
    | set(imports.TYPING_NAMES)
)
"""Names a ``TypedDict``'s annotations may read besides model names: a key of one of these
names would shadow it for the keys after it (pyright reads it so)."""


def class_syntax_key(
    wire_name: str, shadowed: frozenset[str] = ANNOTATION_NAMES
) -> bool:
    """Whether a key can be written as ``name: type`` in a class body.

    Not keywords (``from``), names Python would mangle (``__x``) or NFKC-normalise (``ﬁle``
    reads as ``file``), nor ``shadowed`` names the annotations read (``str``, a model's
    name): those need the functional form.
    """
    return (
        wire_name.isidentifier()
        and wire_name.isascii()
        and not keyword.iskeyword(wire_name)
        and not wire_name.startswith("__")
        and wire_name not in shadowed
    )


def key_annotation(field: ir.Field, quoted: frozenset[str] = frozenset()) -> str:
    """A key's type: constraints inline (``Annotated[str, Field(max_length=5000)]``, which
    pydantic checks), ``Optional`` only where the spec allows null; an optional key is left
    out rather than set to None."""
    annotation = field.type.annotation(validated=True, quoted=quoted)
    return f"Required[{annotation}]" if field.required else annotation


def typed_dict_view(
    model: ir.Model, quoted: frozenset[str] = frozenset()
) -> TypedDictView:
    """The ``TypedDict`` of a request model; ``quoted`` names are defined later."""
    shadowed = ANNOTATION_NAMES | _references(model)
    functional = not all(class_syntax_key(f.wire_name, shadowed) for f in model.fields)
    doc = model.doc or f"The ``{model.name}`` parameters."
    if functional:  # no attribute docstrings there: the keys are listed in the class's
        described = [
            f"- ``{f.wire_name}``: {text.summary_line(f.doc, limit=400)}"
            for f in model.fields
            if f.doc.strip()
        ]
        if described:
            doc += "\n\nKeys:\n\n" + "\n".join(described)
    indent = "" if functional else "    "
    return TypedDictView(
        name=model.name,
        docstring=docstring(doc, indent=indent),
        keys=tuple(
            KeyView(
                key=f.wire_name,
                literal=python_literal(f.wire_name),
                annotation=key_annotation(f, quoted),
                docstring="" if functional else docstring(f.doc, indent="    "),
            )
            for f in model.fields
        ),
        functional=functional,
    )


def uses_of(model: ir.Model) -> imports.Uses:
    """What a ``TypedDict``'s annotations use from ``typing`` and pydantic (``Field``)."""
    return imports.union(imports.of_type(f.type, validated=True) for f in model.fields)


# --- which module holds each model ---------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where each request model is rendered.

    ``shared``: the models of ``params/_shared.py``, used by several groups.
    ``local``: per group name, the models its own module defines.
    ``reexported``: per group name, the shared models its module re-exports.
    """

    shared: tuple[ir.Model, ...]
    local: dict[str, tuple[ir.Model, ...]]
    reexported: dict[str, tuple[str, ...]]


def layout(groups: tuple[ir.Group, ...]) -> Layout:
    """Share each model several groups use with one shape (the same ``TypedDict``, down to
    the models it references); keep the others in their groups' modules."""
    shapes: dict[str, list[ir.Model]] = {}
    users: dict[str, set[str]] = {}
    for group in groups:
        for model in group.request_models:
            known = shapes.setdefault(model.name, [])
            if not any(_shape(m) == _shape(model) for m in known):
                known.append(model)
            users.setdefault(model.name, set()).add(group.name)
    request_names = set(shapes)
    shared = {
        name
        for name, found in shapes.items()
        if len(found) == 1 and len(users[name]) > 1
    }
    changed = True
    while changed:  # a shared model may only reference shared models
        changed = False
        for name in sorted(shared):
            used = _references(shapes[name][0]) & request_names
            if not used <= shared:
                shared.discard(name)
                changed = True
    local: dict[str, tuple[ir.Model, ...]] = {}
    reexported: dict[str, tuple[str, ...]] = {}
    for group in groups:
        local[group.name] = tuple(
            m for m in group.request_models if m.name not in shared
        )
        reexported[group.name] = tuple(
            sorted(m.name for m in group.request_models if m.name in shared)
        )
    return Layout(
        shared=tuple(shapes[name][0] for name in sorted(shared)),
        local=local,
        reexported=reexported,
    )


def _shape(model: ir.Model) -> tuple[object, ...]:
    """What the rendered ``TypedDict`` depends on (not, say, the spec pointer)."""
    return (model.fields, model.doc)


def _references(model: ir.Model) -> set[str]:
    names: set[str] = set()
    for field in model.fields:
        names |= ir.referenced_names(field.type)
    return names


# --- the template contexts -------------------------------------------------------------------


def module_context(
    models: tuple[ir.Model, ...],
    *,
    docstring_text: str,
    reexported: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The context of ``package/params/group.py.jinja`` for a module defining ``models``.

    ``reexported`` names come from ``._shared``; other names the models reference but do
    not define are response models, imported from ``..models``.
    """
    ordered = ordered_models(models)
    uses = imports.union(uses_of(m) for m in models)
    referenced: set[str] = set()
    for model in models:
        referenced |= _references(model)
    here = {m.name for m in models} | set(reexported)
    required = any(f.required for m in models for f in m.fields)
    return {
        "docstring": docstring_text,
        # a module of a group that takes no parameters holds its docstring alone
        "empty": not models and not reexported,
        "models": [typed_dict_view(m, q) for m, q in ordered],
        "shared_imports": list(reexported),
        "imports": sorted(referenced - here),
        "typing_names": uses.typing_names(),
        "typing_extensions_names": [
            name
            for name in TYPING_EXTENSIONS_NAMES
            if models and (name != "Required" or required)
        ],
        "uses_field": uses.field,
        # the imports as statements, laid out as black prints them ("" for none)
        "shared_import": (
            import_from(f".{SHARED_MODULE}", [f"{n} as {n}" for n in reexported])
            if reexported
            else ""
        ),
        "models_import": (
            import_from("..models", sorted(referenced - here))
            if referenced - here
            else ""
        ),
    }


def group_context(group: ir.Group, where: Layout) -> dict[str, Any]:
    """The context of ``params/<group>.py``."""
    return module_context(
        where.local[group.name],
        docstring_text=f"Request parameters of the ``{group.attribute}`` operations.",
        reexported=where.reexported[group.name],
    )


def shared_context(where: Layout) -> dict[str, Any]:
    """The context of ``params/_shared.py``."""
    return module_context(
        where.shared,
        docstring_text=(
            "Request parameters several resource groups take; their modules re-export them."
        ),
    )


def shared_files(where: Layout, package: str, header: str) -> list[Template]:
    """``params/_shared.py``, when any model is shared."""
    if not where.shared:
        return []
    return [
        Template(
            f"{package}/params/{SHARED_MODULE}.py",
            "package/params/group.py.jinja",
            shared_context(where),
            header,
        )
    ]


def payload_import(group: ir.Group, payload: ir.Payload) -> tuple[str, str]:
    """``(module, name)`` of the ``TypedDict`` of a payload (``ir.Payload.model``), for
    ``from {module} import {name}`` in ``resources/<group>.py``. Every group module holds or
    re-exports the models of its group, so it is always ``..params.<group>``."""
    return f"..params.{group.name}", payload.model

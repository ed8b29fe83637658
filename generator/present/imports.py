"""What a generated module imports, computed from the IR types it annotates with.

Each function mirrors how ``ir.TypeExpr.annotation`` and ``python.field_view`` spell a type,
so a module imports exactly the ``typing`` names and ``Field`` its source text uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .. import ir
from .python import hoisted

TYPING_NAMES = ("Annotated", "Any", "Dict", "List", "Literal", "Optional", "Union")
"""The ``typing`` names generated annotations can use, in the order they are imported."""


@dataclass(frozen=True)
class Uses:
    """The ``typing`` names and whether pydantic's ``Field`` some source text needs."""

    typing: frozenset[str] = frozenset()
    field: bool = False

    def __or__(self, other: Uses) -> Uses:
        return Uses(self.typing | other.typing, self.field or other.field)

    def typing_names(self) -> list[str]:
        return [name for name in TYPING_NAMES if name in self.typing]


NOTHING = Uses()
OPTIONAL = Uses(frozenset({"Optional"}))


def union(uses: Iterable[Uses]) -> Uses:
    result = NOTHING
    for use in uses:
        result |= use
    return result


def of_type(
    expr: ir.TypeExpr, *, validated: bool = False, typing_generics: bool = False
) -> Uses:
    """What ``expr.annotation(validated, typing_generics=typing_generics)`` uses."""
    if isinstance(expr, ir.Primitive):
        names = {"Any"} if expr.name == "Any" else set()
        if validated and expr.constraints:
            return Uses(frozenset(names | {"Annotated"}), True)
        return Uses(frozenset(names))
    if isinstance(expr, ir.LiteralType):
        if not expr.open:
            return Uses(frozenset({"Literal"}))
        base = ir._open_base(expr.values)  # the base type the annotation adds
        return Uses(
            frozenset({"Literal", "Union"} | ({"Any"} if base == "Any" else set()))
        )
    generic = {"validated": validated, "typing_generics": typing_generics}
    if isinstance(expr, ir.ListType):
        own = Uses(frozenset({"List"})) if typing_generics else NOTHING
        return own | of_type(expr.item, **generic)
    if isinstance(expr, ir.MapType):
        own = Uses(frozenset({"Dict"})) if typing_generics else NOTHING
        return own | of_type(expr.value, **generic)
    if isinstance(expr, ir.Nullable):
        return OPTIONAL | of_type(expr.inner, **generic)
    if isinstance(expr, ir.UnionType):
        members = union(of_type(m, **generic) for m in expr.members)
        own = Uses(frozenset({"Union"}))
        if expr.discriminator is not None:
            own = Uses(frozenset({"Union", "Annotated"}), True)
        return own | members
    return NOTHING  # a model or alias name


def of_optional(
    expr: ir.TypeExpr,
    *,
    required: bool,
    validated: bool = False,
    typing_generics: bool = False,
) -> Uses:
    """What an annotation uses that gets ``Optional[...]`` when not ``required``."""
    uses = of_type(expr, validated=validated, typing_generics=typing_generics)
    if not required and not isinstance(expr, ir.Nullable) and expr != ir.ANY:
        uses |= OPTIONAL
    return uses


def of_field(field: ir.Field) -> Uses:
    """What a model field's annotation and default (``python.field_view``) use."""
    expr, constraints = hoisted(field.type)
    uses = of_optional(expr, required=field.required, validated=not constraints)
    return uses | Uses(field=field.aliased or bool(constraints))


def of_model(model: ir.Model) -> Uses:
    return union(of_field(f) for f in model.fields)

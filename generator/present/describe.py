"""The one vocabulary for describing types to people, shared by every output kind.

Type labels (``string``, ``list of Card``, ``Card or string``), constraint labels, enum values
and the nested models a field opens into are decided here; the docs pages and the HTML
reference only format them for their medium (Markdown cells, escaped HTML, JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Union

from .. import ir

PRIMITIVE_WORDS = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "bytes": "file",
    "Any": "any",
}
"""How each primitive type is named for people, and the ``kind`` of the reference's JSON."""

DOCS_DEPTH = 4
"""Nested request objects flattened this deep in the Markdown tables; deeper ones link to
their model (a table gets unreadable beyond that)."""
RESPONSE_DEPTH = 2
"""Nested response objects shown this deep on an operation page (a response object such as
``Account`` reaches hundreds of models); deeper ones, larger ones (``RESPONSE_INLINE_FIELDS``)
and every expandable reference link to their model page instead of repeating its tree."""
RESPONSE_INLINE_FIELDS = 8
"""A nested response object with more fields than this is not opened on an operation page:
its type links to its page (``Source`` holds twenty such objects, one per source type)."""
MODEL_PAGE_DEPTH = 1
"""A model page shows its own fields; the models they hold link to their own pages."""
REFERENCE_DEPTH = 6
"""Nested request objects shown this deep in the HTML reference's field tree (folded, so it
can go deeper than the tables); ``reference.js`` builds its form to the same depth, read from
the page's settings JSON, so the page and its script cannot disagree."""

EnumValue = Union[str, int, float, bool]


def primitive_word(expr: ir.Primitive) -> str:
    return PRIMITIVE_WORDS.get(expr.name, expr.name)


def words(
    expr: ir.TypeExpr,
    *,
    model: Callable[[str], str],
    literal: Callable[[ir.LiteralType], str],
    map_of: str,
) -> str:
    """A type in words; ``model`` names a model, ``literal`` an enum, ``map_of`` starts a map
    (each output kind links or qualifies these its own way)."""

    def say(e: ir.TypeExpr) -> str:
        if isinstance(e, ir.Primitive):
            return primitive_word(e)
        if isinstance(e, ir.LiteralType):
            return literal(e)
        if isinstance(e, ir.ListType):
            return "list of " + say(e.item)
        if isinstance(e, ir.MapType):
            return map_of + say(e.value)
        if isinstance(e, ir.Nullable):
            return say(e.inner) + " or null"
        if isinstance(e, ir.UnionType):
            return " or ".join(say(m) for m in e.members)
        return model(e.name)

    return say(expr)


def enum_kind_label(expr: ir.LiteralType) -> str:
    """``enum``, ``enum (int)``, or ``empty string`` for the one-value enum ``""``."""
    if expr.values == ("",):
        return "empty string"
    kinds = {type(v).__name__ for v in expr.values}
    return "enum" if kinds == {"str"} else "enum (" + ", ".join(sorted(kinds)) + ")"


def label(expr: ir.TypeExpr) -> str:
    """A type as the reference and its form say it: ``object (Card) or string``."""
    return words(
        expr,
        model=lambda name: f"object ({name})",
        literal=enum_kind_label,
        map_of="map of string to ",
    )


_MODEL_MARK = "\0"


def label_parts(expr: ir.TypeExpr) -> list[tuple[str, str]]:
    """``label(expr)`` in pieces: (text, model name) for each model it names (the piece a
    page links to that model), (text, "") for the words between; joined, the texts are
    ``label(expr)``."""
    marked = words(
        expr,
        model=lambda name: f"object ({_MODEL_MARK}{name}{_MODEL_MARK})",
        literal=enum_kind_label,
        map_of="map of string to ",
    )
    pieces = marked.split(_MODEL_MARK)
    return [
        (piece, piece if index % 2 else "")
        for index, piece in enumerate(pieces)
        if piece
    ]


def expandable(expr: ir.TypeExpr) -> bool:
    """Stripe's expandable reference: an ID (string), or the object(s) it names when the
    request asks to expand it (``Union[str, Customer, DeletedCustomer]``, maybe nullable).
    """
    members = union_members(expr)
    return (
        len(members) > 1
        and isinstance(members[0], ir.Primitive)
        and members[0].name == "str"
        and all(isinstance(m, ir.ModelRef) for m in members[1:])
    )


def nullable(expr: ir.TypeExpr) -> bool:
    return isinstance(expr, ir.Nullable)


def constraint_labels(expr: ir.TypeExpr, *, maps: bool = True) -> list[str]:
    """``max length 5000``, ``items: max length 10``; ``maps`` also labels map values."""
    if isinstance(expr, ir.Nullable):
        return constraint_labels(expr.inner, maps=maps)
    if isinstance(expr, ir.Primitive):
        return [c.label for c in expr.constraints]
    if isinstance(expr, ir.UnionType):
        return [c for m in expr.members for c in constraint_labels(m, maps=maps)]
    if isinstance(expr, ir.ListType):
        return ["items: " + c for c in constraint_labels(expr.item, maps=maps)]
    if isinstance(expr, ir.MapType) and maps:
        return ["values: " + c for c in constraint_labels(expr.value, maps=maps)]
    return []


def enum_groups(
    expr: ir.TypeExpr, *, lists: bool = True
) -> list[tuple[EnumValue, ...]]:
    """The values of each enum a field's type contains (a union may hold several);
    ``lists`` also looks into list items."""
    if isinstance(expr, ir.Nullable):
        return enum_groups(expr.inner, lists=lists)
    if isinstance(expr, ir.LiteralType):
        return [expr.values]
    if isinstance(expr, ir.UnionType):
        return [g for m in expr.members for g in enum_groups(m, lists=lists)]
    if isinstance(expr, ir.ListType) and lists:
        return enum_groups(expr.item, lists=lists)
    return []


def enum_values(expr: ir.TypeExpr, *, lists: bool = True) -> list[EnumValue]:
    """Every value an enum field may take, in order."""
    return [v for group in enum_groups(expr, lists=lists) for v in group]


def nested_models(expr: ir.TypeExpr) -> list[str]:
    """Model names a field's value can be, in order (a list or map of objects counts too)."""
    if isinstance(expr, ir.ModelRef):
        return [expr.name]
    if isinstance(expr, ir.ListType):
        return nested_models(expr.item)
    if isinstance(expr, ir.MapType):
        return nested_models(expr.value)
    if isinstance(expr, ir.Nullable):
        return nested_models(expr.inner)
    if isinstance(expr, ir.UnionType):
        return [n for m in expr.members for n in nested_models(m)]
    return []


def union_members(expr: ir.TypeExpr) -> tuple[ir.TypeExpr, ...]:
    """The alternatives of a (nullable) union, () for any other type."""
    if isinstance(expr, ir.Nullable):
        expr = expr.inner
    return expr.members if isinstance(expr, ir.UnionType) else ()


def body_kind(response: ir.Response) -> str:
    """What a call's successful response holds: ``"empty"`` (no body: the call returns
    None), ``"text"`` (a ``str``), ``"file"`` (``bytes``) or ``"typed"`` (its type)."""
    if response.empty:
        return "empty"
    if response.text:
        return "text"
    return "file" if response.type is None else "typed"

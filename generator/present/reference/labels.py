"""Words the reference shows for types, shared by the Try-it data and the rendered field trees:
enum values, the alternatives of a choice, constraints, the Python call."""

from __future__ import annotations

from typing import Union

from ... import ir, text
from .. import describe
from ..describe import label as type_label


def enum_label(value: Union[str, int, float, bool]) -> str:
    if value == "":
        return '"" (empty string)'
    if isinstance(value, bool):
        return "true" if value else "false"
    # controls (and other invisible characters) shown as escapes, as Python would write them
    return text.visible(str(value))


def choice_label(expr: ir.TypeExpr, members: tuple[ir.TypeExpr, ...]) -> str:
    has_model = any(isinstance(m, ir.ModelRef) for m in members)
    if isinstance(expr, ir.ModelRef):
        return f"object ({expr.name})"
    if isinstance(expr, ir.LiteralType) and expr.values == ("",):
        return "empty string (unsets the value)"
    if has_model and isinstance(expr, ir.Primitive) and expr.name == "str":
        return "token or ID (string)"
    return type_label(expr)


def limits(expr: ir.TypeExpr) -> list[str]:
    """``max length 5000`` and the like: shown on the page, but quietly (Stripe puts one on
    nearly every string), apart from the enum values a reader needs."""
    return list(dict.fromkeys(describe.constraint_labels(expr)))


def choices_detail(expr: ir.TypeExpr) -> list[str]:
    values = describe.enum_values(expr)
    return ["one of " + ", ".join(enum_label(v) for v in values)] if values else []


def python_call(op: ir.Operation) -> str:
    return f"client.{op.call}(...)"

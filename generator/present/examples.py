"""Example values of a type: one decision, for every output that shows an example.

An object whose kind (its ``object`` tag, see ``models.object_tag``) has an example in the
pinned fixtures (``ir.Api.fixtures``, Stripe's ``fixtures3.json``) is that example; any other
value is synthesized from its type: the spec's ``example`` first, then the first value of an
enum, the ID of an expandable reference (what the API returns unless asked to expand it),
the first member of a union, one item of a list, and a placeholder for a primitive
(``PRIMITIVE_EXAMPLES``). Deterministic: the order of the IR, no clocks, no sets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Optional

from .. import ir, text
from . import describe
from .models import object_tag

EXAMPLE_DEPTH = 4
"""Objects nested this deep in a synthesized example are left out (``null`` or ``{}``)."""


def primitive_example(expr: ir.Primitive, wire: str) -> Any:
    """The placeholder of a primitive value named ``wire``: ``"<wire>_value"``, 1, 1.0, true;
    None for ``Any`` (and for ``bytes``, which JSON cannot hold)."""
    if expr.name == "str":
        return f"{wire}_value"
    return {"int": 1, "float": 1.0, "bool": True}.get(expr.name)


class Examples:
    """Examples of the types of one API (its response and request models and aliases)."""

    def __init__(
        self,
        models: Mapping[str, ir.Model],
        aliases: Mapping[str, ir.Alias],
        fixtures: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.models = models
        self.aliases = aliases
        self.fixtures = dict(fixtures)
        self._parsed: dict[str, Any] = {}

    def fixture(self, name: str) -> Optional[Any]:
        """The fixtures' example of the model ``name``, None when they have none."""
        model = self.models.get(name)
        tag = object_tag(model) if model is not None else None
        if tag is None or tag not in self.fixtures:
            return None
        if tag not in self._parsed:
            self._parsed[tag] = json.loads(self.fixtures[tag])
        return self._parsed[tag]

    def of_model(self, name: str) -> tuple[Any, bool]:
        """An example of the model (or alias) ``name``, and whether it is the fixtures'."""
        alias = self.aliases.get(name)
        if alias is not None:  # a union: its first member's
            first = (describe.union_members(alias.type) or (alias.type,))[0]
            if isinstance(first, ir.ModelRef) and first.name != name:
                return self.of_model(first.name)
        found = self.fixture(name)
        if found is not None:
            return found, True
        return self.value(ir.ModelRef(name), "", 0, ()), False

    def value(
        self, expr: ir.TypeExpr, wire: str, depth: int, seen: tuple[str, ...]
    ) -> Any:
        """An example of a value of ``expr`` (a field ``wire``), ``depth`` objects deep."""
        if isinstance(expr, ir.Nullable):
            if depth >= EXAMPLE_DEPTH and describe.nested_models(expr):
                return None
            return self.value(expr.inner, wire, depth, seen)
        if isinstance(expr, ir.Primitive):
            return primitive_example(expr, wire)
        if isinstance(expr, ir.LiteralType):
            return expr.values[0]
        if isinstance(expr, ir.ListType):
            if depth >= EXAMPLE_DEPTH and describe.nested_models(expr):
                return []
            return [self.value(expr.item, wire, depth, seen)]
        if isinstance(expr, ir.MapType):
            if depth >= EXAMPLE_DEPTH:
                return {}
            return {"key": self.value(expr.value, "key", depth, seen)}
        if isinstance(expr, ir.UnionType):
            first = expr.members[0]
            return self.value(first, wire, depth, seen)
        return self._object(expr.name, depth, seen)

    def _object(self, name: str, depth: int, seen: tuple[str, ...]) -> Any:
        alias = self.aliases.get(name)
        if alias is not None:
            return self.value(alias.type, "", depth, seen + (name,))
        found = self.fixture(name)
        if found is not None:
            return found
        model = self.models.get(name)
        if model is None or name in seen or depth >= EXAMPLE_DEPTH:
            return {}
        if model.example:
            return json.loads(model.example)
        return {
            field.wire_name: self._field(field, depth + 1, seen + (name,))
            for field in model.fields
            if field.required or field.example or not describe.nested_models(field.type)
        }

    def _field(self, field: ir.Field, depth: int, seen: tuple[str, ...]) -> Any:
        """A field's example: the spec's, else synthesized. An object that may be null is
        null, one that may be missing is left out (as most are in a real response: the
        example stays readable)."""
        if field.example:
            return json.loads(field.example)
        if describe.nullable(field.type) and describe.nested_models(field.type):
            return None
        return self.value(field.type, field.wire_name, depth, seen)


def example_json(value: Any) -> str:
    """An example as the pages show it: JSON indented by two spaces, keys in their order,
    invisible characters (controls, bidi overrides; only ever inside strings) as ``\\u``
    escapes, so the page shows what the value holds."""
    return text.json_visible(json.dumps(value, indent=2, ensure_ascii=False))

"""The Try-it form's data: the JSON description of one operation's request that ``reference.js``
builds its form, snippets and request from (:func:`operation_data`)."""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from ... import ir
from .. import describe
from ..describe import label as type_label

from .html import markdown_html
from .labels import choice_label, choices_detail, limits

FORM_KINDS = frozenset({"form", "multipart"})
"""Bodies the Try-it form encodes (``reference.js``): form fields, with brackets."""


def _choice_key(expr: ir.TypeExpr) -> str:
    if isinstance(expr, ir.ModelRef):
        return "object"
    if isinstance(expr, ir.LiteralType):
        return "empty" if expr.values == ("",) else "enum"
    if isinstance(expr, ir.Primitive):
        return describe.primitive_word(expr)
    if isinstance(expr, ir.ListType):
        return "list"
    if isinstance(expr, ir.MapType):
        return "map"
    return "value"


class FormSchema:
    """Turns IR types into the JSON nodes ``reference.js`` builds its form from."""

    def __init__(
        self, components: Mapping[str, ir.Model], group: Optional[ir.Group]
    ) -> None:
        self.local = {m.name: m for m in group.request_models} if group else {}
        self.modules = (
            {m.name: f"params.{group.name}" for m in group.request_models}
            if group
            else {}
        )
        self.components = components
        self.models: dict[str, dict[str, Any]] = {}

    def model(self, name: str) -> Optional[ir.Model]:
        return self.local.get(name) or self.components.get(name)

    def node(self, expr: ir.TypeExpr) -> dict[str, Any]:
        if isinstance(expr, ir.Nullable):
            return {**self.node(expr.inner), "nullable": True}
        if isinstance(expr, ir.Primitive):
            node: dict[str, Any] = {
                "kind": describe.PRIMITIVE_WORDS.get(expr.name, "any")
            }
            if expr.constraints:
                node["constraints"] = {c.keyword: c.value for c in expr.constraints}
            return node
        if isinstance(expr, ir.LiteralType):
            return {"kind": "enum", "values": list(expr.values)}
        if isinstance(expr, ir.ListType):
            return {"kind": "array", "item": self.node(expr.item)}
        if isinstance(expr, ir.MapType):
            return {"kind": "map", "value": self.node(expr.value)}
        if isinstance(expr, ir.UnionType):
            choices = []
            seen: dict[str, int] = {}
            for member in expr.members:
                key = _choice_key(member)
                seen[key] = seen.get(key, 0) + 1
                if seen[key] > 1:
                    key = f"{key}{seen[key]}"
                choices.append(
                    {
                        "key": key,
                        "label": choice_label(member, expr.members),
                        "type": self.node(member),
                    }
                )
            return {"kind": "union", "choices": choices}
        self._add_model(expr.name)
        return {"kind": "object", "model": expr.name}

    def _add_model(self, name: str) -> None:
        if name in self.models:
            return
        model = self.model(name)
        entry: dict[str, Any] = {
            "module": self.modules.get(name, "models"),
            "fields": [],
        }
        self.models[name] = entry  # before the fields: models may be recursive
        if model is None:
            entry["open"] = True  # an alias or unknown shape: free-form keys
            return
        entry["fields"] = [self.field(f, f.name) for f in model.fields]
        entry["open"] = not model.closed

    def field(self, field: ir.Field, python: str) -> dict[str, Any]:
        return {
            "name": field.wire_name,
            "python": python,
            "required": field.required,
            "deprecated": field.deprecated,
            "label": type_label(field.type),
            "details": _details(field.type),
            "description_html": markdown_html(field.doc),
            "type": self.node(field.type),
        }


def _details(expr: ir.TypeExpr) -> list[str]:
    """Constraints and enum values: the form's data (``operation_data``) keeps both."""
    return list(dict.fromkeys(limits(expr) + choices_detail(expr)))


_PLACEHOLDER_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


def path_placeholder(name: str) -> str:
    """What the snippets show for a path parameter left empty: ``customer_...`` for
    ``{customer}``.

    Letters, digits, ``_`` and dots only, so it is one URL path segment (not a dot segment),
    a shell word and a Python string as it stands: no value to escape, no curl glob.
    """
    stem = _PLACEHOLDER_UNSAFE.sub("_", name).strip("_") or "value"
    return f"{stem}_..."


def components_by_name(api: ir.Api) -> dict[str, ir.Model]:
    """The response models by name: built once for all pages, not once per page."""
    return {m.name: m for m in api.models}


def operation_data(
    components: Mapping[str, ir.Model],
    group: Optional[ir.Group],
    op: ir.Operation,
    package: str,
) -> dict[str, Any]:
    """The JSON description of one operation's request that ``reference.js`` works from.

    ``components`` is ``components_by_name(api)``.
    """
    schema = FormSchema(components, group)

    def payload(value: Optional[ir.Payload]) -> Optional[dict[str, Any]]:
        if value is None:
            return None
        return {
            "media_type": value.media_type,
            "styles": dict(value.styles),
            "fields": [
                schema.field(f, argument) for argument, f in value.arguments_and_fields
            ],
        }

    path_params = [
        {
            "name": p.wire_name,
            "python": p.name,
            "required": True,
            "deprecated": False,
            "label": type_label(p.type),
            "details": _details(p.type),
            "description_html": markdown_html(p.doc),
            "type": schema.node(p.type),
            "placeholder": path_placeholder(p.wire_name),
        }
        for p in op.path_params
    ]
    data: dict[str, Any] = {
        "operation_id": op.operation_id,
        "method": op.method.upper(),
        "path": op.path,
        "package": package,
        "call": op.call,
        "path_params": path_params,
        "query": payload(op.query),
        # the form encodes form bodies only (see _try_note)
        "body": payload(op.body) if op.body and op.body.kind in FORM_KINDS else None,
    }
    data["models"] = {name: schema.models[name] for name in sorted(schema.models)}
    return data

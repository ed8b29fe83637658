"""Schemas to type expressions: primitives, enums, lists, maps, unions, models, aliases.

Every function takes the lowering ``Context`` first; a nested schema is lowered with a new
context one level deeper, a ``$ref`` target with the context of that component.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .. import ir, naming
from ..errors import CodegenError
from . import oas
from .context import Context
from .limits import check_all_of_depth
from .oas import DISCRIMINATOR, Components, SchemaLike

Properties = dict[str, tuple[SchemaLike, str]]  # wire name -> (schema, pointer)


def lower(ctx: Context, schema: SchemaLike, pointer: str, *, hint: str) -> ir.TypeExpr:
    """The type expression for a schema; ``hint`` names inline models found inside it."""
    if schema is None:
        return ir.ANY
    if oas.is_ref(schema):
        return _lower_ref(ctx, schema.ref, pointer)
    expr = _lower_inner(ctx.level(pointer), schema, pointer, hint=hint)
    if oas.nullable(schema) and not isinstance(expr, ir.Nullable) and expr != ir.ANY:
        return ir.Nullable(expr)
    return expr


def _lower_ref(ctx: Context, ref: str, pointer: str) -> ir.TypeExpr:
    """A component without structure is inlined (once lowered, reused); any other is named,
    and lowered the first time it is met."""
    found = ctx.found
    key = ctx.components.key(ref, pointer)
    target_pointer = oas.schema_pointer(key)
    target, _ = ctx.components.resolve(ctx.components.schemas[key], target_pointer)
    if oas.is_scalar(target):
        if key not in found.scalars:
            inner = ctx.component(key, pointer)
            found.scalars[key] = lower(inner, target, target_pointer, hint=key)
        return found.scalars[key]
    if key not in found.started:
        found.started.add(key)
        _lower_component(ctx.component(key, pointer), key)
    return ir.ModelRef(ctx.component_names[key])


def _lower_component(ctx: Context, key: str) -> None:
    """A component becomes a model of the ``models`` package, or an alias when it is no object."""
    schema, pointer = ctx.components.schemas[key], oas.schema_pointer(key)
    if oas.is_ref(schema):
        schema, pointer = ctx.components.resolve(schema, pointer)
    name = ctx.component_names[key]
    if oas.is_model(schema):
        ctx.found.response.models[name] = build_model(ctx, name, schema, pointer)
    else:
        doc = oas.description(schema)
        expr = lower(ctx, schema, pointer, hint=key)
        ctx.found.aliases[name] = ir.Alias(name, expr, doc, pointer)


def _lower_inner(
    ctx: Context, schema: SchemaLike, pointer: str, *, hint: str
) -> ir.TypeExpr:
    for keyword in ("anyOf", "oneOf"):
        members = getattr(schema, keyword, None)
        if members:
            return _lower_union(ctx, members, pointer + "/" + keyword, hint=hint)
    all_of = getattr(schema, "allOf", None)
    if all_of:
        if len(all_of) == 1:
            return lower(ctx, all_of[0], pointer + "/allOf/0", hint=hint)
        return _inline_model(ctx, schema, pointer, hint=hint)
    enum = oas.enum_values(schema)
    types = [t for t in oas.types(schema) if t != "null"]
    if enum is not None:
        if not enum:
            return (
                ir.Primitive("None")
                if not types
                else _primitive(types[0], schema, ctx.request)
            )
        return _enum_type(oas.unique_values(enum), open=not ctx.request)
    if getattr(schema, "properties", None):
        return _inline_model(ctx, schema, pointer, hint=hint)
    if "array" in types or getattr(schema, "items", None) is not None:
        items = getattr(schema, "items", None)
        return ir.ListType(lower(ctx, items, pointer + "/items", hint=hint))
    extra = getattr(schema, "additionalProperties", None)
    if "object" in types or extra not in (None, False, True):
        if extra is None or isinstance(extra, bool):
            return ir.MapType(ir.ANY)
        return ir.MapType(
            lower(ctx, extra, pointer + "/additionalProperties", hint=hint)
        )
    if len(types) > 1:
        return ir.UnionType(tuple(_primitive(t, schema, ctx.request) for t in types))
    if types:
        return _primitive(types[0], schema, ctx.request)
    return ir.ANY


def _primitive(kind: str, schema: SchemaLike, request: bool) -> ir.TypeExpr:
    python = {
        "string": "str",
        "integer": "int",
        "number": "float",
        "boolean": "bool",
    }.get(kind)
    if python is None:
        return ir.ANY
    constraints = oas.constraints(schema) if request else ()
    return ir.Primitive(python, constraints)


def _enum_type(values: Sequence[Any], *, open: bool) -> ir.TypeExpr:
    """A ``Literal`` of the enum's strings, integers and booleans. Other values cannot be
    literals: floats widen the type with ``float``, objects and arrays make it ``Any``.
    """
    literal = tuple(v for v in values if isinstance(v, (str, int)))
    rest = [v for v in values if not isinstance(v, (str, int))]
    if not rest:
        return ir.LiteralType(literal, open=open)
    if not all(isinstance(v, float) for v in rest):
        return ir.ANY
    if not literal:
        return ir.Primitive("float")
    return ir.UnionType((ir.LiteralType(literal, open=open), ir.Primitive("float")))


def _lower_union(
    ctx: Context, members: Sequence[SchemaLike], pointer: str, *, hint: str
) -> ir.TypeExpr:
    lowered: list[ir.TypeExpr] = []
    nullable = False
    for index, member in enumerate(members):
        expr = lower(ctx, member, f"{pointer}/{index}", hint=hint)
        if isinstance(expr, ir.Nullable):
            nullable, expr = True, expr.inner
        if isinstance(expr, ir.UnionType) and expr.discriminator is None:
            lowered.extend(expr.members)
        else:
            lowered.append(expr)
    unique = _dedupe(lowered)
    if ir.ANY in unique:
        return ir.ANY
    result = unique[0] if len(unique) == 1 else _discriminate(ctx, unique, members)
    return ir.Nullable(result) if nullable else result


def _dedupe(members: Iterable[ir.TypeExpr]) -> tuple[ir.TypeExpr, ...]:
    seen: list[ir.TypeExpr] = []
    for member in members:
        if member not in seen:
            seen.append(member)
    return tuple(seen)


def _discriminate(
    ctx: Context, members: tuple[ir.TypeExpr, ...], schemas: Sequence[SchemaLike]
) -> ir.TypeExpr:
    """Group the model members told apart by their ``object`` tag into a tagged union."""
    tags: dict[str, str] = {}
    for ref in (s for s in schemas if oas.is_ref(s)):
        key = ctx.components.key(ref.ref, "")
        target = ctx.components.schemas[key]
        tag = None if oas.is_ref(target) else oas.object_tag(target)
        if tag is not None:
            tags[ctx.component_names[key]] = tag
    tagged = [m for m in members if isinstance(m, ir.ModelRef) and m.name in tags]
    values = [tags[m.name] for m in tagged]
    if len(tagged) < 2 or len(set(values)) != len(values):
        return ir.UnionType(members)
    union = ir.UnionType(tuple(tagged), discriminator=DISCRIMINATOR)
    rest = [m for m in members if m not in tagged]
    if not rest:
        return union
    return ir.UnionType(tuple(rest) + (union,))


def _inline_model(
    ctx: Context, schema: SchemaLike, pointer: str, *, hint: str
) -> ir.TypeExpr:
    """An object schema written in place becomes a class of the context's namespace."""
    candidates = naming.inline_candidates(getattr(schema, "title", None), hint)

    def build(name: str) -> ir.Model:
        return build_model(ctx, name, schema, pointer)

    return ir.ModelRef(ctx.namespace.add_inline(candidates, build))


def build_model(
    ctx: Context,
    name: str,
    schema: SchemaLike,
    pointer: str,
    *,
    file_parts: bool = False,
) -> ir.Model:
    """The model class ``name`` for an object schema, on the context's side.

    With ``file_parts`` (the schema of a multipart body), binary string properties are file
    parts (``bytes``); a binary string anywhere else (nested, in a query, a form or JSON) is
    text, so the flag is not passed on to what the properties contain.
    """
    properties, required = merged_properties(ctx.components, schema, pointer)
    python_names = naming.field_names(properties)
    fields = []
    for wire, (prop, prop_pointer) in properties.items():
        if file_parts and _is_binary(ctx.components, prop, prop_pointer):
            expr: ir.TypeExpr = ir.Primitive("bytes")
        else:
            expr = lower(ctx, prop, prop_pointer, hint=naming.inline_hint(name, wire))
        if (
            wire == DISCRIMINATOR
            and isinstance(expr, ir.LiteralType)
            and len(expr.values) == 1
        ):
            expr = ir.LiteralType(
                expr.values
            )  # a type tag stays closed: unions switch on it
        resolved = None if oas.is_ref(prop) else prop
        fields.append(
            ir.Field(
                name=python_names[wire],
                wire_name=wire,
                type=expr,
                required=wire in required,
                doc=oas.description(resolved) if resolved else "",
                deprecated=bool(getattr(resolved, "deprecated", False)),
            )
        )
    closed = getattr(schema, "additionalProperties", None) is False
    return ir.Model(
        name,
        tuple(fields),
        oas.description(schema),
        pointer,
        request=ctx.request,
        closed=closed,
    )


def _is_binary(components: Components, schema: SchemaLike, pointer: str) -> bool:
    resolved, _ = components.resolve(schema, pointer)
    return (
        "string" in oas.types(resolved)
        and getattr(resolved, "schema_format", None) == "binary"
    )


def merged_properties(
    components: Components,
    schema: SchemaLike,
    pointer: str,
    within: tuple[str, ...] = (),
) -> tuple[Properties, set[str]]:
    """Properties and required names of a schema, merging ``allOf`` members.

    ``within`` holds the schemas being merged around this one: one of them again is a
    cycle, and more than ``MAX_SCHEMA_DEPTH`` of them (through $refs too, since all of
    them end up in one class) is too deep.
    """
    properties: Properties = {}
    required: set[str] = set(getattr(schema, "required", None) or [])
    within = within + (pointer,)
    for index, member in enumerate(getattr(schema, "allOf", None) or []):
        member_pointer = f"{pointer}/allOf/{index}"
        resolved, resolved_pointer = components.resolve(member, member_pointer)
        if resolved_pointer in within:
            raise CodegenError(
                f"allOf cycle: {resolved_pointer} includes itself through allOf",
                pointer=member_pointer,
                hint="a schema cannot be one of its own allOf members; remove the $ref",
            )
        check_all_of_depth(len(within), member_pointer)
        member_props, member_required = merged_properties(
            components, resolved, resolved_pointer, within
        )
        for key, value in member_props.items():
            if key in properties and not oas.compatible(properties[key][0], value[0]):
                raise CodegenError(
                    f"allOf members disagree on the type of property {key!r}",
                    pointer=value[1],
                    hint="make the allOf members agree, or drop one of the definitions",
                )
            properties[key] = value
        required |= member_required
    for key, value in (getattr(schema, "properties", None) or {}).items():
        properties[key] = (value, oas.json_pointer_join(pointer, "properties", key))
    return properties, required

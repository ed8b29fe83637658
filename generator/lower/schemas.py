"""Schemas to type expressions: primitives, enums, lists, maps, unions, models, aliases.

Every function takes the lowering ``Context`` first; a nested schema is lowered with a new
context one level deeper, a ``$ref`` target with the context of that component.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any, Optional

from .. import ir, naming
from ..errors import CodegenError
from . import oas
from .context import Context, Found
from .limits import check_all_of_depth
from .oas import DISCRIMINATOR, Components, SchemaLike
from .profile import STRIPE
from .constraints import request_constraints
from .defs import MAX_NAME, short_name

Properties = dict[str, tuple[SchemaLike, str]]  # wire name -> (schema, pointer)


def lower(ctx: Context, schema: SchemaLike, pointer: str, *, hint: str) -> ir.TypeExpr:
    """The type expression for a schema; ``hint`` names inline models found inside it."""
    if schema is None:
        return ir.ANY
    if oas.is_ref(schema):
        expr = _lower_ref(ctx, schema.ref, pointer)
        # ``nullable: true`` beside a ``$ref``: 3.0 ignores siblings, but specs mean it
        return ir.Nullable(expr) if oas.nullable(schema) else expr
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
    if ctx.request:
        return _request_component(ctx, key, pointer)
    if key not in found.started:
        found.started.add(key)
        _lower_component(ctx.component(key, pointer), key)
    return ir.ModelRef(ctx.component_names[key])


def _polymorphic(ctx: Context, key: str, base: SchemaLike) -> Optional[ir.TypeExpr]:
    """A component with a ``discriminator`` and no ``oneOf``/``anyOf`` is the base of the
    components that extend it (``allOf: [{$ref: base}, ...]``, or its ``mapping``'s
    targets): it is the union of those, told apart by the tag (an alias of the models
    package; in requests, a union of their request classes), so that a ``Lizard`` answered
    where a ``Pet`` is declared parses as a ``Lizard``. None when the component is no such
    base, or its subtypes cannot be told apart: then it is a model of its own."""
    discriminator = getattr(base, "discriminator", None)
    if (
        discriminator is None
        or getattr(base, "oneOf", None)
        or getattr(base, "anyOf", None)
    ):
        return None
    mapping = getattr(discriminator, "mapping", None) or {}
    children = [c for c in _subtypes(ctx.found, ctx.components, key) if c != key]
    for target in mapping.values():
        child = _mapped_key(target)
        if child != key and child in ctx.components.schemas and child not in children:
            children.append(child)
    if len(children) < 2:
        return None
    members = [oas.schema_ref(child) for child in children]
    return _discriminated_union(ctx, base, members, oas.schema_pointer(key), hint=key)


def _mapped_key(target: str) -> str:
    """The component a ``mapping`` value names: a ``$ref`` or a schema name."""
    return oas.schema_key(target) or target


def _subtypes(found: Found, components: Components, key: str) -> list[str]:
    """The components whose ``allOf`` refers to component ``key``, in spec order."""
    if found.subtypes is None:
        found.subtypes = {}
        for child, schema in components.schemas.items():
            for member in getattr(schema, "allOf", None) or ():
                parent = oas.schema_key(member.ref) if oas.is_ref(member) else None
                if parent is not None:
                    found.subtypes.setdefault(parent, []).append(child)
    return list(found.subtypes.get(key, ()))


def _request_component(ctx: Context, key: str, pointer: str) -> ir.TypeExpr:
    """A component sent in a request: an object becomes a ``TypedDict`` of the request
    namespace (``CategoryParam``, one for every operation that sends it), written before
    its fields are lowered so that a component reaching itself refers to its own class;
    any other structure (a union, a list of objects) is lowered in place, its objects as
    request classes too. Responses keep the component's model (``Category``)."""
    found = ctx.found.request_components
    if key in found:
        return ir.ModelRef(found[key])
    schema, target_pointer = ctx.components.resolve(
        ctx.components.schemas[key], oas.schema_pointer(key)
    )
    inner = ctx.request_component(key, pointer)
    subtypes = _polymorphic(inner, key, schema)
    if subtypes is not None:
        return subtypes
    if not oas.is_model(schema):
        return lower(inner, schema, target_pointer, hint=key)
    name = ctx.namespace.claim(naming.request_component_name(ctx.component_names[key]))
    found[key] = name
    model = build_model(inner, name, schema, target_pointer)
    if not model.doc:
        model = replace(
            model, doc=f"``{ctx.component_names[key]}``, as a request sends it."
        )
    ctx.namespace.models[name] = _tagged_model(ctx.found, model)
    return ir.ModelRef(name)


def _lower_component(ctx: Context, key: str) -> None:
    """A component becomes a model of the ``models`` package, or an alias when it is no object."""
    schema, pointer = ctx.components.schemas[key], oas.schema_pointer(key)
    if oas.is_ref(schema):
        schema, pointer = ctx.components.resolve(schema, pointer)
    name = ctx.component_names[key]
    subtypes = _polymorphic(ctx, key, schema)
    if subtypes is not None:
        ctx.found.aliases[name] = ir.Alias(
            name, subtypes, oas.description(schema), pointer
        )
    elif oas.is_model(schema):
        model = build_model(ctx, name, schema, pointer)
        ctx.found.response.models[name] = _tagged_model(ctx.found, model)
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
            where = pointer + "/" + keyword
            tagged = _discriminated_union(ctx, schema, members, where, hint=hint)
            if tagged is not None:
                return tagged
            return _lower_union(ctx, members, where, hint=hint)
    all_of = getattr(schema, "allOf", None)
    if all_of:
        if len(all_of) == 1:
            return lower(ctx, all_of[0], pointer + "/allOf/0", hint=hint)
        return _inline_model(ctx, schema, pointer, hint=hint)
    enum = oas.enum_values(schema)
    types = [t for t in oas.types(schema) if t != "null"]
    if _null_only(schema):
        return ir.Primitive("None")
    if enum is not None:
        if not enum:
            return (
                ir.Primitive("None")
                if not types
                else _primitive(ctx, types[0], schema, pointer)
            )
        return _enum_type(oas.unique_values(enum), open=not ctx.request)
    if getattr(schema, "properties", None):
        return _inline_model(ctx, schema, pointer, hint=hint)
    if getattr(schema, "prefixItems", None):
        return _tuple_items(ctx, schema, pointer, hint=hint)
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
        return ir.UnionType(tuple(_primitive(ctx, t, schema, pointer) for t in types))
    if types:
        return _primitive(ctx, types[0], schema, pointer)
    return ir.ANY


def _primitive(
    ctx: Context, kind: str, schema: SchemaLike, pointer: str
) -> ir.TypeExpr:
    python = {
        "string": "str",
        "integer": "int",
        "number": "float",
        "boolean": "bool",
    }.get(kind)
    if python is None:
        return ir.ANY
    constraints = request_constraints(schema, pointer, ctx.note) if ctx.request else ()
    return ir.Primitive(python, constraints)


def _enum_type(values: Sequence[Any], *, open: bool) -> ir.TypeExpr:
    """A ``Literal`` of the enum's strings, integers and booleans. Other values cannot be
    literals: floats widen the type with ``float``, objects and arrays make it ``Any``.

    Python holds ``1.0 == 1 == True``, and pydantic matches literals by equality: with a
    float in the enum, an integer or boolean equal to one of its floats is typed by its
    kind (``bool``, ``int``) instead, or ``1.0`` would be validated into ``True``.
    """
    rest = [v for v in values if not isinstance(v, (str, int))]
    if rest and not all(isinstance(v, float) for v in rest):
        return ir.ANY
    floats = [v for v in rest if isinstance(v, float)]
    colliding = [v for v in values if isinstance(v, int) and v in floats]
    literal = tuple(
        v for v in values if isinstance(v, (str, int)) and not _in(v, colliding)
    )
    widened = _dedupe(
        ir.Primitive("bool" if isinstance(v, bool) else "int") for v in colliding
    )
    if not rest:
        return ir.LiteralType(literal, open=open)
    kinds: tuple[ir.TypeExpr, ...] = widened + (ir.Primitive("float"),)
    if not literal:
        return kinds[0] if len(kinds) == 1 else ir.UnionType(kinds)
    return ir.UnionType((ir.LiteralType(literal, open=open),) + kinds)


def _in(value: Any, found: Sequence[Any]) -> bool:
    """``value`` is in ``found`` by type and value (``True`` is not ``1``)."""
    return any(type(value) is type(v) and value == v for v in found)


def _null_only(schema: SchemaLike) -> bool:
    """``type: null`` (3.1), or an enum of nothing but null: the value None."""
    declared = oas.types(schema)
    if declared:
        return set(declared) == {"null"}
    enum = getattr(schema, "enum", None)
    return enum is not None and len(enum) > 0 and all(v is None for v in enum)


def _lower_union(
    ctx: Context, members: Sequence[SchemaLike], pointer: str, *, hint: str
) -> ir.TypeExpr:
    lowered: list[ir.TypeExpr] = []
    nullable = False
    for index, member in enumerate(members):
        if not oas.is_ref(member) and _null_only(member):
            nullable = True  # ``oneOf: [X, {type: null}]``: X or None
            continue
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
    if not unique:
        return ir.Primitive("None")
    if len(unique) == 1:
        result = unique[0]
    elif ctx.profile == STRIPE:
        result = _discriminate(ctx, unique, members)
    else:
        result = ir.UnionType(unique)
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
    if ctx.profile != STRIPE:
        candidates = [short_name(c) for c in candidates]

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
    if ctx.profile != STRIPE:
        python_names = _short_field_names(python_names)
    ctx = ctx.fields(pointer)  # a class of its own: its annotations start anew
    fields = []
    for wire, (prop, prop_pointer) in properties.items():
        access = _access(ctx, prop, prop_pointer)
        if ctx.request and access == "readOnly":
            continue  # the server's to set: a request does not send it
        if file_parts and is_file(ctx.components, prop, prop_pointer):
            expr: ir.TypeExpr = ir.Primitive("bytes")
        else:
            expr = lower(ctx, prop, prop_pointer, hint=naming.inline_hint(name, wire))
        if (
            wire == DISCRIMINATOR
            and ctx.profile == STRIPE
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
                # a writeOnly property is required of requests only: responses lack it
                required=wire in required
                and not (access == "writeOnly" and not ctx.request),
                doc=oas.description(resolved) if resolved else "",
                deprecated=bool(getattr(resolved, "deprecated", False)),
                example=oas.example_json(resolved) if resolved else "",
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
        example=oas.example_json(schema),
    )


def _access(ctx: Context, schema: SchemaLike, pointer: str) -> Optional[str]:
    """``readOnly`` (sent in responses only) or ``writeOnly`` (in requests only), as the
    property (or the component it refers to) declares it; None for both ways.

    That is OpenAPI 3.0's rule (a required readOnly property is required of responses
    only). 3.1 dropped it: there the two are JSON Schema annotations, and a required
    property is required both ways, so None."""
    if oas.is_31(ctx.document):
        return None
    if oas.is_ref(schema):
        schema, _ = ctx.components.resolve(schema, pointer)
    for flag in ("readOnly", "writeOnly"):
        if getattr(schema, flag, None) is True:
            return flag
    return None


def is_file(components: Components, schema: SchemaLike, pointer: str) -> bool:
    """Whether the schema at ``pointer`` (a ``$ref`` followed) holds a file's bytes."""
    resolved, _ = components.resolve(schema, pointer)
    return oas.is_binary_string(resolved)


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
    whole = not within  # this is the schema merged, not one of its allOf members
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
    if whole:  # what the schema requires and never describes
        for key in sorted(required - set(properties)):
            properties[key] = (_undeclared(schema), pointer + "/required")
    return properties, required


UNDECLARED = "Required by the spec, which does not describe it: any JSON value."


def _undeclared(schema: SchemaLike) -> SchemaLike:
    """The schema of a property an object requires but does not declare (Figma's
    ``putWebhook`` body requires ``team_id``): JSON Schema lets it hold any value, and it
    must be sent, so it is a field of its own typed ``Any`` rather than dropped."""
    return type(schema).model_validate({"description": UNDECLARED})


def _short_field_names(names: dict[str, str]) -> dict[str, str]:
    """Python names of at most ``MAX_NAME`` characters (the wire name stays the alias)."""
    if all(len(name) <= MAX_NAME for name in names.values()):
        return names
    return naming.unique_names(
        {wire: short_name(name).lower() for wire, name in names.items()}
    )


# --- the OpenAPI discriminator ------------------------------------------------------------


def _discriminated_union(
    ctx: Context,
    schema: SchemaLike,
    members: Sequence[SchemaLike],
    pointer: str,
    *,
    hint: str,
) -> Optional[ir.TypeExpr]:
    """``oneOf``/``anyOf`` of component models with a ``discriminator``: a union pydantic
    (and the lenient parser) tell apart by the tag, never by trying members in turn.

    Each member's tag values are those the ``mapping`` gives it, else the single value its
    tag property declares, else its component name (the OpenAPI default). The tag field of
    each member model becomes a ``Literal`` of its values (``_tagged_model``). None (a plain
    union) when the members are not all component models, share a tag, or name the tag
    field differently.
    """
    discriminator = getattr(schema, "discriminator", None)
    wire = getattr(discriminator, "propertyName", None)
    if not isinstance(wire, str) or not wire:
        return None
    refs = [(i, m) for i, m in enumerate(members) if oas.is_ref(m)]
    nulls = [m for m in members if not oas.is_ref(m) and _null_only(m)]
    if len(refs) < 2 or len(refs) + len(nulls) != len(members):
        return None
    keys = [ctx.components.key(m.ref, f"{pointer}/{i}") for i, m in refs]
    tags = _tag_values(ctx, keys, wire, getattr(discriminator, "mapping", None) or {})
    flat = [tag for key in keys for tag in tags[key]]
    if len(set(flat)) != len(flat):
        return None
    exprs = [lower(ctx, m, f"{pointer}/{i}", hint=hint) for i, m in refs]
    field_names = set()
    for expr, key in zip(exprs, keys):
        if not isinstance(expr, ir.ModelRef) or not oas.is_model(
            ctx.components.resolve(ctx.components.schemas[key], "")[0]
        ):
            return None
        field_names.add(_tag_field_name(ctx, key, wire))
    if len(field_names) != 1:
        return None
    for expr, key in zip(exprs, keys):
        assert isinstance(expr, ir.ModelRef)
        _record_tags(ctx, expr.name, wire, tags[key])
    optional = not all(_requires_tag(ctx, key, wire) for key in keys)
    union = ir.UnionType(
        tuple(exprs),
        discriminator=field_names.pop(),
        optional_tag=wire if optional else None,
    )
    return ir.Nullable(union) if nulls else union


def _tag_values(
    ctx: Context, keys: Sequence[str], wire: str, mapping: dict[str, str]
) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {key: [] for key in keys}
    for value, target in mapping.items():
        key = _mapped_key(target)
        if key in tags and value not in tags[key]:
            tags[key].append(value)
    for key in keys:
        if not tags[key]:
            tags[key] = _declared_tag(ctx, key, wire) or [key]
    return tags


def _component_properties(ctx: Context, key: str) -> tuple[Properties, set[str]]:
    """The properties of component ``key``, its ``allOf`` merged, and those it requires."""
    schema, pointer = ctx.components.resolve(
        ctx.components.schemas[key], oas.schema_pointer(key)
    )
    return merged_properties(ctx.components, schema, pointer)


def _declared_tag(ctx: Context, key: str, wire: str) -> list[str]:
    """The values the member's own tag property allows, when it lists strings."""
    properties, _ = _component_properties(ctx, key)
    found = properties.get(wire)
    if found is None:
        return []
    resolved, _ = ctx.components.resolve(found[0], found[1])
    values = oas.enum_values(resolved) or []
    return [v for v in values if isinstance(v, str)]


def _requires_tag(ctx: Context, key: str, wire: str) -> bool:
    """Whether the member's schema makes its tag property required."""
    _, required = _component_properties(ctx, key)
    return wire in required


def _tag_field_name(ctx: Context, key: str, wire: str) -> str:
    """The Python name the tag gets in the member's model (added when it lacks it)."""
    properties, _ = _component_properties(ctx, key)
    names = naming.field_names(
        list(properties) + ([] if wire in properties else [wire])
    )
    if ctx.profile != STRIPE:
        names = _short_field_names(names)
    return names[wire]


def _record_tags(ctx: Context, model: str, wire: str, values: Sequence[str]) -> None:
    """Remember the tag values of ``model``, and apply them if it is lowered already (in
    the context's namespace: the models package, or the request classes)."""
    found = ctx.found
    known = found.tags.setdefault(model, {})
    merged = tuple(dict.fromkeys(known.get(wire, ()) + tuple(values)))
    known[wire] = merged
    lowered = ctx.namespace.models.get(model)
    if lowered is not None:
        ctx.namespace.models[model] = _tagged_model(found, lowered)


def _tagged_model(found: Found, model: ir.Model) -> ir.Model:
    """``model`` with each discriminator tag a closed ``Literal`` of its values (the field is
    added when the schema does not declare it).

    The tag stays as required as the schema makes it: the model is a type of its own too
    (``Satellite.orbit.planet`` is a ``Planet`` outside any union), where a tag the schema
    leaves optional may be missing. The union then says so (``UnionType.optional_tag``).
    """
    tags = found.tags.get(model.name)
    if not tags:
        return model
    fields = list(model.fields)
    for wire, values in tags.items():
        literal = ir.LiteralType(values)
        index = next((i for i, f in enumerate(fields) if f.wire_name == wire), None)
        if index is None:
            name = naming.field_names([f.wire_name for f in fields] + [wire])[wire]
            fields.append(ir.Field(name, wire, literal, False, ""))
        else:
            fields[index] = replace(fields[index], type=literal)
    return replace(model, fields=tuple(fields))


# --- prefixItems ----------------------------------------------------------------------------


def _tuple_items(
    ctx: Context, schema: SchemaLike, pointer: str, *, hint: str
) -> ir.TypeExpr:
    """A tuple (``prefixItems``, 3.1) is a list of its item types: ``list[Union[A, B]]``
    (the positions are documented by the spec, not checked)."""
    prefix = getattr(schema, "prefixItems", None) or []
    members = [
        lower(ctx, item, f"{pointer}/prefixItems/{index}", hint=hint)
        for index, item in enumerate(prefix)
    ]
    rest = getattr(schema, "items", None)
    if rest is not None and not isinstance(rest, bool):
        members.append(lower(ctx, rest, pointer + "/items", hint=hint))
    unique = _dedupe(members)
    if ir.ANY in unique:
        return ir.ListType(ir.ANY)
    item = unique[0] if len(unique) == 1 else ir.UnionType(unique)
    return ir.ListType(item)

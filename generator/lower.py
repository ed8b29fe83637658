"""Lower the parsed spec to the intermediate model (``ir.py``).

Only what the selected operations reach is lowered: their parameters, bodies and responses,
and the closure of the component schemas they reference. Component schemas become classes in
``models.py`` (response side); request bodies and query parameters become classes in one
``params`` module per resource group. Every name goes through ``naming.py``; every text through
``text.py``.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Optional, Union

from openapi_pydantic.v3.v3_0 import OpenAPI as OpenAPI30
from openapi_pydantic.v3.v3_0 import Reference as Reference30
from openapi_pydantic.v3.v3_1 import OpenAPI as OpenAPI31
from openapi_pydantic.v3.v3_1 import Reference as Reference31

from . import ir, naming, text
from .errors import CodegenError, json_pointer

Document = Union[OpenAPI30, OpenAPI31]
SchemaLike = Any  # an openapi-pydantic Schema or Reference, of either OpenAPI version

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
JSON_MEDIA_TYPE = "application/json"
DISCRIMINATOR = "object"  # Stripe tags every resource with an `object` field

MAX_SCHEMA_DEPTH = 64
"""How many schemas may nest inside each other inline: a response or parameter schema, and
every ``properties`` entry, ``items``, ``additionalProperties`` and ``anyOf``/``oneOf``/
``allOf`` member inside it, is one level. A ``$ref`` to a component starts a new count, since
the component becomes a class or alias of its own. Deeper schemas are refused (exit 2) with
their JSON pointer: each level can add two brackets to a generated annotation
(``Optional[list[...]]``), and Python's parser stops at 200."""
MAX_REF_DEPTH = 256
"""How deeply lowering may recurse counting the ``$ref`` targets met for the first time on
the way (a chain of components, each reached through the previous one), so that any spec
within the limits is lowered without exhausting Python's stack."""
_STACK_FRAMES_PER_LEVEL = 8  # Python frames one level of lowering takes, at most


@dataclass(frozen=True)
class Selection:
    """Which operations to generate: IDs, globs on IDs, path prefixes, or all of them."""

    operation_ids: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()
    path_prefixes: tuple[str, ...] = ()
    all: bool = False

    @property
    def empty(self) -> bool:
        return not (self.operation_ids or self.globs or self.path_prefixes or self.all)


@dataclass(frozen=True)
class RawOperation:
    operation_id: str
    method: str
    path: str
    operation: Any
    pointer: str


def operations_of(document: Document) -> list[RawOperation]:
    """Every operation of the spec in document order, with a synthesised ID where none is set.

    A synthesised ID (``GetV1Things``) never takes an ID the spec gives another operation.
    """
    items = [
        (path, method, getattr(item, method))
        for path, item in (document.paths or {}).items()
        for method in HTTP_METHODS
        if getattr(item, method, None) is not None
    ]
    taken = {op.operationId for _, _, op in items if op.operationId}
    found = []
    for path, method, operation in items:
        pointer = json_pointer("paths", path, method)
        operation_id = operation.operationId
        if not operation_id:
            preferred = naming.pascal_case(f"{method} {path}") or method.title()
            operation_id = naming.unique_names({"": preferred}, taken=taken)[""]
            taken.add(operation_id)
        found.append(RawOperation(operation_id, method, path, operation, pointer))
    return found


def _refuse_duplicate_ids(operations: Sequence[RawOperation]) -> None:
    first: dict[str, RawOperation] = {}
    for op in operations:
        if op.operation_id in first:
            raise CodegenError(
                f"operation ID {op.operation_id!r} is used twice: "
                f"{first[op.operation_id].method.upper()} {first[op.operation_id].path} "
                f"and {op.method.upper()} {op.path}",
                pointer=op.pointer + "/operationId",
                hint="operation IDs must be unique; rename one of them",
            )
        first[op.operation_id] = op


def select(
    operations: Sequence[RawOperation], selection: Selection
) -> list[RawOperation]:
    """The operations a selection names; unknown IDs or empty matches are errors (exit 2)."""
    if selection.all:
        return list(operations)
    by_id = {op.operation_id: op for op in operations}
    chosen: dict[str, RawOperation] = {}
    for operation_id in selection.operation_ids:
        if operation_id not in by_id:
            close = difflib.get_close_matches(
                operation_id, list(by_id), n=5, cutoff=0.6
            )
            hint = (
                "did you mean: " + ", ".join(close) if close else "run `codegen list`"
            )
            raise CodegenError(f"unknown operation ID {operation_id!r}", hint=hint)
        chosen[operation_id] = by_id[operation_id]
    for pattern in selection.globs:
        matched = [
            op for op in operations if fnmatch.fnmatchcase(op.operation_id, pattern)
        ]
        if not matched:
            raise CodegenError(
                f"no operation ID matches {pattern!r}", hint="run `codegen list`"
            )
        chosen.update((op.operation_id, op) for op in matched)
    for prefix in selection.path_prefixes:
        matched = [op for op in operations if op.path.startswith(prefix)]
        if not matched:
            raise CodegenError(
                f"no operation path starts with {prefix!r}", hint="run `codegen list`"
            )
        chosen.update((op.operation_id, op) for op in matched)
    order = {op.operation_id: index for index, op in enumerate(operations)}
    return sorted(chosen.values(), key=lambda op: order[op.operation_id])


# --- Schema helpers (both OpenAPI 3.0 and 3.1 objects) ----------------------------------------


def _is_ref(schema: SchemaLike) -> bool:
    return isinstance(schema, (Reference30, Reference31))


def _types(schema: SchemaLike) -> list[str]:
    declared = getattr(schema, "type", None)
    if declared is None:
        return []
    values = declared if isinstance(declared, list) else [declared]
    return [str(getattr(v, "value", v)) for v in values]


def _nullable(schema: SchemaLike) -> bool:
    """``nullable: true``, type ``null`` (3.1), or ``null`` listed among the enum values."""
    enum = getattr(schema, "enum", None) or ()
    return (
        bool(getattr(schema, "nullable", False))
        or "null" in _types(schema)
        or any(value is None for value in enum)
    )


def _enum_values(schema: SchemaLike) -> Optional[list[Any]]:
    if getattr(schema, "enum", None) is not None:
        return [v for v in schema.enum if v is not None]
    const = getattr(schema, "const", None)
    if const is not None:
        return [const]
    return None


def _object_tag(schema: SchemaLike) -> Optional[str]:
    """The single value of a schema's required ``object`` enum, Stripe's type tag."""
    properties = getattr(schema, "properties", None) or {}
    tag = properties.get(DISCRIMINATOR)
    if tag is None or _is_ref(tag) or DISCRIMINATOR not in (schema.required or []):
        return None
    values = _enum_values(tag)
    if values and len(values) == 1 and isinstance(values[0], str):
        return values[0]
    return None


def _constraints(schema: SchemaLike) -> tuple[ir.Constraint, ...]:
    rules = (
        ("maxLength", "max_length", "max length {}"),
        ("minLength", "min_length", "min length {}"),
        ("maximum", "le", "at most {}"),
        ("minimum", "ge", "at least {}"),
        ("maxItems", "max_length", "at most {} items"),
        ("minItems", "min_length", "at least {} items"),
    )
    found = []
    for spec_key, keyword, label in rules:
        value = getattr(schema, spec_key, None)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            found.append(ir.Constraint(keyword, value, label.format(value)))
    return tuple(found)


def _dedupe(members: Iterable[ir.TypeExpr]) -> tuple[ir.TypeExpr, ...]:
    seen: list[ir.TypeExpr] = []
    for member in members:
        if member not in seen:
            seen.append(member)
    return tuple(seen)


# --- Lowering ---------------------------------------------------------------------------------


@dataclass
class _Namespace:
    """Classes of one generated module: names taken, and inline models reused by structure."""

    taken: set[str]
    models: dict[str, ir.Model] = field(default_factory=dict)
    imports: set[str] = field(
        default_factory=set
    )  # component names used from models.py

    def claim(self, preferred: str) -> str:
        name = preferred
        counter = 2
        while name in self.taken:
            name = f"{preferred}{counter}"
            counter += 1
        self.taken.add(name)
        return name

    def add_inline(self, candidates: Sequence[str], build: Any) -> str:
        """Register an inline model under the first free candidate name.

        A model of the same shape already registered under a candidate is reused. When every
        candidate (the spec's title, then parent plus field name) is taken by a different
        shape, a number is added to the first: rare, and still deterministic.
        """
        model: ir.Model = build(candidates[0])
        for name in candidates:
            existing = self.models.get(name)
            if existing is not None and _same_shape(existing, model):
                return name
        free = next((n for n in candidates if n not in self.taken), None)
        name = free if free is not None else self.claim(candidates[0])
        self.taken.add(name)
        self.models[name] = replace(model, name=name)
        return name


def _same_shape(a: ir.Model, b: ir.Model) -> bool:
    return (a.fields, a.closed, a.request) == (b.fields, b.closed, b.request)


class Lowerer:
    """Turns one parsed document plus a selection into an ``ir.Api``."""

    def __init__(self, document: Document, *, spec_sha256: str) -> None:
        self.document = document
        self.spec_sha256 = spec_sha256
        schemas = (document.components.schemas if document.components else None) or {}
        self.components: dict[str, SchemaLike] = dict(schemas)
        self.component_names = naming.unique_names(
            {key: naming.class_name(key) for key in self.components},
            taken=naming.CLASS_RESERVED,
        )
        self.response_ns = _Namespace(
            taken=set(self.component_names.values()) | set(naming.CLASS_RESERVED)
        )
        self.aliases: dict[str, ir.Alias] = {}
        self.lowered_components: set[str] = set()
        self.inline_components: dict[str, ir.TypeExpr] = {}
        self.request_ns: Optional[_Namespace] = None
        # Only a multipart body can send file parts: elsewhere a binary string is text.
        self.file_parts = False
        # Nesting (MAX_SCHEMA_DEPTH, MAX_REF_DEPTH): inline levels since the last $ref, all
        # levels, and the components being lowered, outermost first.
        self.inline_depth = 0
        self.depth = 0
        self.ref_chain: list[str] = []

    # -- references ----------------------------------------------------------------------------

    def _component_key(self, ref: str, pointer: str) -> str:
        prefix = "#/components/schemas/"
        if not ref.startswith(prefix):
            raise CodegenError(
                f"unsupported $ref {ref!r}",
                pointer=pointer,
                hint="only local references to #/components/schemas/... are supported",
            )
        key = ref[len(prefix) :].replace("~1", "/").replace("~0", "~")
        if key not in self.components:
            close = difflib.get_close_matches(key, list(self.components), n=3)
            hint = (
                ("did you mean: " + ", ".join(close))
                if close
                else "add the schema to components"
            )
            raise CodegenError(
                f"$ref target {ref!r} does not exist", pointer=pointer, hint=hint
            )
        return key

    def _resolve(self, schema: SchemaLike, pointer: str) -> tuple[SchemaLike, str]:
        """Follow references to the schema they name (with its pointer); detect pure ref loops."""
        seen: list[str] = []
        while _is_ref(schema):
            key = self._component_key(schema.ref, pointer)
            if key in seen:
                raise CodegenError(
                    "$ref cycle with no schema in between: "
                    + " -> ".join(seen + [key]),
                    pointer=pointer,
                    hint="a schema must not be only a reference to itself",
                )
            seen.append(key)
            schema, pointer = self.components[key], json_pointer(
                "components", "schemas", key
            )
        return schema, pointer

    def _lower_ref(self, ref: str, pointer: str) -> ir.TypeExpr:
        key = self._component_key(ref, pointer)
        target_pointer = json_pointer("components", "schemas", key)
        target, _ = self._resolve(self.components[key], target_pointer)
        if self._is_scalar(target):
            if key not in self.inline_components:
                saved = self._enter_component(key, pointer)
                try:
                    self.inline_components[key] = self.lower(
                        target, target_pointer, hint=key, request=False
                    )
                finally:
                    self._leave_component(saved)
            expr = self.inline_components[key]
            return expr
        name = self.component_names[key]
        if self.request_ns is not None:
            self.request_ns.imports.add(name)
        if key not in self.lowered_components:
            self.lowered_components.add(key)
            saved = self._enter_component(key, pointer)
            try:
                self._lower_component(key)
            finally:
                self._leave_component(saved)
        return ir.ModelRef(name)

    # -- nesting limits (MAX_SCHEMA_DEPTH, MAX_REF_DEPTH) ------------------------------------

    def _enter_level(self, pointer: str) -> None:
        """One more inline level at ``pointer``; refused past the limits."""
        if self.inline_depth >= MAX_SCHEMA_DEPTH:
            raise CodegenError(
                f"schema nested deeper than {MAX_SCHEMA_DEPTH} levels (properties, items, "
                "additionalProperties, anyOf/oneOf/allOf members)",
                pointer=pointer,
                hint="flatten it, or move a nested schema to components/schemas and use "
                f"$ref (a $ref starts a new count of {MAX_SCHEMA_DEPTH})",
            )
        if self.depth >= MAX_REF_DEPTH:
            raise self._too_deep_through_refs(pointer)
        self.inline_depth += 1
        self.depth += 1

    def _leave_level(self) -> None:
        self.inline_depth -= 1
        self.depth -= 1

    def _enter_component(self, key: str, pointer: str) -> int:
        """Start lowering component ``key``: a new inline count. Returns the one to restore."""
        if self.depth >= MAX_REF_DEPTH:
            raise self._too_deep_through_refs(pointer)
        saved, self.inline_depth = self.inline_depth, 0
        self.depth += 1
        self.ref_chain.append(key)
        return saved

    def _leave_component(self, saved: int) -> None:
        self.ref_chain.pop()
        self.depth -= 1
        self.inline_depth = saved

    def _too_deep_through_refs(self, pointer: str) -> CodegenError:
        chain = self.ref_chain
        shown = chain if len(chain) <= 6 else chain[:3] + ["..."] + chain[-3:]
        return CodegenError(
            f"schemas nested deeper than {MAX_REF_DEPTH} levels counting the $ref targets "
            f"they lead to ({len(chain)} components deep: {' -> '.join(shown)})",
            pointer=pointer,
            hint="shorten the chain of components that each reach the next one through "
            "their properties",
        )

    def _is_scalar(self, schema: SchemaLike) -> bool:
        """A schema with no structure of its own is inlined where it is used, not named."""
        if any(
            getattr(schema, k, None)
            for k in ("properties", "anyOf", "oneOf", "allOf", "items")
        ):
            return False
        return not ({"object", "array"} & set(_types(schema))) and not getattr(
            schema, "additionalProperties", None
        )

    def _lower_component(self, key: str) -> None:
        schema = self.components[key]
        pointer = json_pointer("components", "schemas", key)
        name = self.component_names[key]
        schema, pointer = (
            self._resolve(schema, pointer) if _is_ref(schema) else (schema, pointer)
        )
        saved, self.request_ns = self.request_ns, None
        try:
            if self._is_model(schema):
                model = self._build_model(name, schema, pointer, request=False)
                self.response_ns.models[name] = model
            else:
                doc = text.to_markdown(getattr(schema, "description", None) or "")
                expr = self.lower(schema, pointer, hint=key, request=False)
                self.aliases[name] = ir.Alias(name, expr, doc, pointer)
        finally:
            self.request_ns = saved

    @staticmethod
    def _is_model(schema: SchemaLike) -> bool:
        """Objects become classes, even empty ones: fields added later then stay typed."""
        if (
            getattr(schema, "properties", None)
            or len(getattr(schema, "allOf", None) or []) > 1
        ):
            return True
        plain_object = "object" in _types(schema) and not getattr(schema, "anyOf", None)
        extra = getattr(schema, "additionalProperties", None)
        return (
            plain_object
            and not getattr(schema, "oneOf", None)
            and (extra is None or extra is False)
        )

    # -- schemas -------------------------------------------------------------------------------

    def lower(
        self, schema: SchemaLike, pointer: str, *, hint: str, request: bool
    ) -> ir.TypeExpr:
        """The type expression for a schema; ``hint`` names inline models found inside it."""
        if schema is None:
            return ir.ANY
        if _is_ref(schema):
            return self._lower_ref(schema.ref, pointer)
        self._enter_level(pointer)
        try:
            expr = self._lower_inner(schema, pointer, hint=hint, request=request)
        finally:
            self._leave_level()
        if _nullable(schema) and not isinstance(expr, ir.Nullable) and expr != ir.ANY:
            return ir.Nullable(expr)
        return expr

    def _lower_inner(
        self, schema: SchemaLike, pointer: str, *, hint: str, request: bool
    ) -> ir.TypeExpr:
        for keyword in ("anyOf", "oneOf"):
            members = getattr(schema, keyword, None)
            if members:
                return self._lower_union(
                    members, pointer + "/" + keyword, hint=hint, request=request
                )
        all_of = getattr(schema, "allOf", None)
        if all_of:
            if len(all_of) == 1:
                return self.lower(
                    all_of[0], pointer + "/allOf/0", hint=hint, request=request
                )
            return self._inline_model(schema, pointer, hint=hint, request=request)
        enum = _enum_values(schema)
        types = [t for t in _types(schema) if t != "null"]
        if enum is not None:
            if not enum:
                return (
                    ir.Primitive("None")
                    if not types
                    else self._primitive(types[0], schema, request)
                )
            return _enum_type(_unique_values(enum), open=not request)
        if getattr(schema, "properties", None):
            return self._inline_model(schema, pointer, hint=hint, request=request)
        if "array" in types or getattr(schema, "items", None) is not None:
            item = self.lower(
                getattr(schema, "items", None),
                pointer + "/items",
                hint=hint,
                request=request,
            )
            return ir.ListType(item)
        if "object" in types or getattr(schema, "additionalProperties", None) not in (
            None,
            False,
            True,
        ):
            extra = getattr(schema, "additionalProperties", None)
            if extra is None or isinstance(extra, bool):
                return ir.MapType(ir.ANY)
            return ir.MapType(
                self.lower(
                    extra, pointer + "/additionalProperties", hint=hint, request=request
                )
            )
        if len(types) > 1:
            return ir.UnionType(
                tuple(self._primitive(t, schema, request) for t in types)
            )
        if types:
            return self._primitive(types[0], schema, request)
        return ir.ANY

    def _primitive(self, kind: str, schema: SchemaLike, request: bool) -> ir.TypeExpr:
        python = {
            "string": "str",
            "integer": "int",
            "number": "float",
            "boolean": "bool",
        }.get(kind)
        if python is None:
            return ir.ANY
        constraints = _constraints(schema) if request else ()
        return ir.Primitive(python, constraints)

    def _lower_union(
        self, members: Sequence[SchemaLike], pointer: str, *, hint: str, request: bool
    ) -> ir.TypeExpr:
        lowered: list[ir.TypeExpr] = []
        nullable = False
        for index, member in enumerate(members):
            expr = self.lower(member, f"{pointer}/{index}", hint=hint, request=request)
            if isinstance(expr, ir.Nullable):
                nullable, expr = True, expr.inner
            if isinstance(expr, ir.UnionType) and expr.discriminator is None:
                lowered.extend(expr.members)
            else:
                lowered.append(expr)
        unique = _dedupe(lowered)
        if ir.ANY in unique:
            return ir.ANY
        result = unique[0] if len(unique) == 1 else self._discriminate(unique, members)
        return ir.Nullable(result) if nullable else result

    def _discriminate(
        self, members: tuple[ir.TypeExpr, ...], schemas: Sequence[SchemaLike]
    ) -> ir.TypeExpr:
        """Group the model members told apart by their ``object`` tag into a tagged union."""
        refs = [s for s in schemas if _is_ref(s)]
        tags: dict[str, str] = {}
        for ref in refs:
            key = self._component_key(ref.ref, "")
            target = self.components[key]
            tag = None if _is_ref(target) else _object_tag(target)
            if tag is not None:
                tags[self.component_names[key]] = tag
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
        self, schema: SchemaLike, pointer: str, *, hint: str, request: bool
    ) -> ir.TypeExpr:
        namespace = (
            self.request_ns
            if request and self.request_ns is not None
            else self.response_ns
        )
        title = getattr(schema, "title", None)
        candidates = [naming.class_name(title)] if title else []
        candidates += [naming.class_name(hint)]

        def build(name: str) -> ir.Model:
            return self._build_model(name, schema, pointer, request=request)

        name = namespace.add_inline(list(dict.fromkeys(candidates)), build)
        return ir.ModelRef(name)

    def _merged_properties(
        self, schema: SchemaLike, pointer: str, within: tuple[str, ...] = ()
    ) -> tuple[dict[str, tuple[SchemaLike, str]], set[str]]:
        """Properties and required names of a schema, merging ``allOf`` members.

        ``within`` holds the schemas being merged around this one: one of them again is a
        cycle, and more than ``MAX_SCHEMA_DEPTH`` of them (through $refs too, since all of
        them end up in one class) is too deep.
        """
        properties: dict[str, tuple[SchemaLike, str]] = {}
        required: set[str] = set(getattr(schema, "required", None) or [])
        within = within + (pointer,)
        for index, member in enumerate(getattr(schema, "allOf", None) or []):
            member_pointer = f"{pointer}/allOf/{index}"
            resolved, resolved_pointer = self._resolve(member, member_pointer)
            if resolved_pointer in within:
                raise CodegenError(
                    f"allOf cycle: {resolved_pointer} includes itself through allOf",
                    pointer=member_pointer,
                    hint="a schema cannot be one of its own allOf members; remove the $ref",
                )
            if len(within) >= MAX_SCHEMA_DEPTH:
                raise CodegenError(
                    f"allOf nested deeper than {MAX_SCHEMA_DEPTH} levels",
                    pointer=member_pointer,
                    hint="merge the allOf members into fewer levels",
                )
            member_props, member_required = self._merged_properties(
                resolved, resolved_pointer, within
            )
            for key, value in member_props.items():
                if key in properties and not _compatible(properties[key][0], value[0]):
                    raise CodegenError(
                        f"allOf members disagree on the type of property {key!r}",
                        pointer=value[1],
                        hint="make the allOf members agree, or drop one of the definitions",
                    )
                properties[key] = value
            required |= member_required
        for key, value in (getattr(schema, "properties", None) or {}).items():
            properties[key] = (value, json_pointer_join(pointer, "properties", key))
        return properties, required

    def _is_binary(self, schema: SchemaLike, pointer: str) -> bool:
        resolved, _ = self._resolve(schema, pointer)
        return (
            "string" in _types(resolved)
            and getattr(resolved, "schema_format", None) == "binary"
        )

    def _build_model(
        self, name: str, schema: SchemaLike, pointer: str, *, request: bool
    ) -> ir.Model:
        properties, required = self._merged_properties(schema, pointer)
        wire_names = list(properties)
        # Only the direct properties of a multipart body are file parts (bytes); a binary
        # string anywhere else (nested, in a query, a form or JSON) is text.
        file_parts, self.file_parts = self.file_parts, False
        python_names = naming.unique_names(
            {
                wire: naming.attribute_name(wire, reserved=naming.MODEL_RESERVED)
                for wire in wire_names
            }
        )
        fields = []
        for wire in wire_names:
            prop, prop_pointer = properties[wire]
            if file_parts and self._is_binary(prop, prop_pointer):
                expr: ir.TypeExpr = ir.Primitive("bytes")
            else:
                expr = self.lower(
                    prop, prop_pointer, hint=f"{name} {wire}", request=request
                )
            if (
                wire == DISCRIMINATOR
                and isinstance(expr, ir.LiteralType)
                and len(expr.values) == 1
            ):
                expr = ir.LiteralType(
                    expr.values
                )  # a type tag stays closed: unions switch on it
            resolved = prop if not _is_ref(prop) else None
            doc = (
                text.to_markdown(getattr(resolved, "description", None) or "")
                if resolved
                else ""
            )
            fields.append(
                ir.Field(
                    name=python_names[wire],
                    wire_name=wire,
                    type=expr,
                    required=wire in required,
                    doc=doc,
                    deprecated=bool(getattr(resolved, "deprecated", False)),
                )
            )
        doc = text.to_markdown(getattr(schema, "description", None) or "")
        closed = getattr(schema, "additionalProperties", None) is False
        return ir.Model(
            name, tuple(fields), doc, pointer, request=request, closed=closed
        )


def json_pointer_join(pointer: str, *tokens: str) -> str:
    return pointer + json_pointer(*tokens)


def _compatible(a: SchemaLike, b: SchemaLike) -> bool:
    if _is_ref(a) or _is_ref(b):
        return _is_ref(a) and _is_ref(b) and a.ref == b.ref
    ta, tb = _types(a), _types(b)
    return not ta or not tb or bool(set(ta) & set(tb))


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


def _unique_values(values: Iterable[Any]) -> list[Any]:
    """Enum values without duplicates, first occurrence first (``1`` and ``True`` differ)."""
    seen: set[tuple[str, Any]] = set()
    unique: list[Any] = []
    for value in values:
        key = (
            type(value).__name__,
            value if isinstance(value, (str, int, float)) else repr(value),
        )
        if key not in seen:
            seen.add(key)
            unique.append(value)
    return unique


# --- Operations -------------------------------------------------------------------------------


class ApiLowerer(Lowerer):
    """Lowers the selected operations, then everything they reach."""

    def lower_api(self, selected: Sequence[RawOperation]) -> ir.Api:
        groups = self._group_names(selected)
        group_classes = {name: cls for name, (_, cls) in groups.items()}
        reserved_classes = set(self.component_names.values()) | set(
            naming.CLASS_RESERVED
        )
        reserved_classes |= {
            c for cls in group_classes.values() for c in (cls, "Async" + cls)
        }
        by_group: dict[str, list[RawOperation]] = {}
        for raw in selected:
            by_group.setdefault(naming.group_of_path(raw.path), []).append(raw)
        # Method names are unique across groups too: each operation has one docs page by name.
        method_names = naming.unique_names(
            {
                raw.operation_id: naming.attribute_name(raw.operation_id)
                for raw in selected
            }
        )
        self.method_names_taken = set(method_names.values())
        built_groups: list[ir.Group] = []
        all_operations: list[ir.Operation] = []
        for key in sorted(by_group):
            module, class_name = groups[key]
            self.request_ns = _Namespace(taken=set(reserved_classes))
            operations = tuple(
                self._lower_operation(raw, method_names[raw.operation_id], module)
                for raw in by_group[key]
            )
            namespace = self.request_ns
            self.request_ns = None
            request_models = tuple(
                namespace.models[name] for name in sorted(namespace.models)
            )
            built_groups.append(
                ir.Group(
                    naming.file_stem(module),
                    class_name,
                    module,
                    operations,
                    request_models,
                )
            )
            all_operations.extend(operations)
        errors = [
            op.error for op in all_operations if isinstance(op.error, ir.ModelRef)
        ]
        return ir.Api(
            title=text.plain_line(self.document.info.title),
            api_version=text.plain_line(self.document.info.version, limit=100),
            base_url=self._base_url(),
            spec_sha256=self.spec_sha256,
            groups=tuple(built_groups),
            models=tuple(
                self.response_ns.models[n] for n in sorted(self.response_ns.models)
            ),
            aliases=tuple(self.aliases[n] for n in sorted(self.aliases)),
            error_model=errors[0].name if errors else None,
            operations=tuple(all_operations),
        )

    def _group_names(
        self, selected: Sequence[RawOperation]
    ) -> dict[str, tuple[str, str]]:
        """Module and class names of the groups; classes end in ``Resource`` so that they
        never meet a model name (``Account`` the model, ``AccountResource`` the operations).
        """
        keys = sorted({naming.group_of_path(raw.path) for raw in selected})
        modules = naming.unique_names(
            {
                key: naming.attribute_name(key, reserved=naming.CLIENT_RESERVED)
                for key in keys
            }
        )
        classes = naming.unique_names(
            {key: naming.class_name(key) + "Resource" for key in keys},
            taken=set(self.component_names.values()),
        )
        return {key: (modules[key], classes[key]) for key in keys}

    def _base_url(self) -> str:
        servers = self.document.servers or []
        url = _server_url(servers[0]) if servers else "/"
        return url.rstrip("/") or "https://api.stripe.com"

    def _lower_operation(
        self, raw: RawOperation, method_name: str, group: str
    ) -> ir.Operation:
        operation = raw.operation
        pascal = naming.class_name(raw.operation_id)
        parameters = self._parameters(raw)
        body_found = self._body_schema(raw)
        body_wire = list(body_found[1]) if body_found else []
        names = self._argument_names(parameters, body_wire)
        path_params = tuple(
            self._path_parameter(
                parameter,
                pointer,
                names[(_location(parameter), parameter.name)],
                pascal,
            )
            for parameter, pointer in parameters
            if _location(parameter) == "path"
        )
        query_parameters = [(p, at) for p, at in parameters if _location(p) == "query"]
        query = (
            self._query(raw, query_parameters, names, pascal)
            if query_parameters
            else None
        )
        response = self._response(raw, pascal)
        servers = operation.servers or []
        return ir.Operation(
            operation_id=raw.operation_id,
            name=method_name,
            group=group,
            method=raw.method,
            path=raw.path,
            summary=text.summary_line(
                text.to_markdown(operation.summary or operation.description or "")
            ),
            doc=text.to_markdown(operation.description or ""),
            path_params=path_params,
            query=query,
            body=self._body(raw, body_found, names, pascal) if body_found else None,
            response=response,
            error=self._error(raw, pascal),
            server=_server_url(servers[0]).rstrip("/") if servers else None,
            pointer=raw.pointer,
            deprecated=bool(operation.deprecated),
            pagination=self._pagination(raw, method_name, query, response),
        )

    def _pagination(
        self,
        raw: RawOperation,
        method_name: str,
        query: Optional[ir.Payload],
        response: ir.Response,
    ) -> Optional[ir.Pagination]:
        """Recognise Stripe's list and search endpoints by their parameters and page shape."""
        if raw.method != "get" or query is None:
            return None
        if not isinstance(response.type, ir.ModelRef):
            return None
        page = self.response_ns.models.get(response.type.name)
        fields = {f.wire_name: f for f in page.fields} if page else {}
        data, has_more = fields.get("data"), fields.get("has_more")
        if data is None or has_more is None or not isinstance(data.type, ir.ListType):
            return None
        arguments = dict(zip((f.wire_name for f in query.fields), query.arguments))
        skipped: tuple[str, ...] = ()
        if "next_page" in fields and "page" in arguments:
            kind, cursor = "search", arguments["page"]
        elif "starting_after" in arguments and self._items_have_id(data.type.item):
            kind, cursor = "cursor", arguments["starting_after"]
            skipped = tuple(arguments[w] for w in ("ending_before",) if w in arguments)
        else:
            return None
        name = naming.unique_names(
            {"iter": f"{method_name}_iter"}, taken=self.method_names_taken
        )["iter"]
        self.method_names_taken.add(name)
        return ir.Pagination(kind, name, data.type.item, cursor, skipped)

    def _items_have_id(self, item: ir.TypeExpr) -> bool:
        """Every possible item is a model with a required string ``id`` (the cursor)."""
        members = item.members if isinstance(item, ir.UnionType) else (item,)
        for member in members:
            if isinstance(member, ir.UnionType):
                if not self._items_have_id(member):
                    return False
                continue
            if not isinstance(member, ir.ModelRef):
                return False
            model = self.response_ns.models.get(member.name)
            id_field = (
                next((f for f in model.fields if f.wire_name == "id"), None)
                if model
                else None
            )
            id_type = id_field.type if id_field else None
            if isinstance(id_type, ir.Nullable):
                id_type = (
                    id_type.inner
                )  # e.g. an upcoming invoice has no id yet: paging stops
            if id_type is None or not _is_string(id_type):
                return False
        return True

    def _parameters(self, raw: RawOperation) -> list[tuple[Any, str]]:
        """Path-item and operation parameters (the operation's win), resolved, spec order."""
        item = (self.document.paths or {})[raw.path]
        merged: dict[tuple[str, str], tuple[Any, str]] = {}
        sources = [
            (item.parameters or [], json_pointer("paths", raw.path, "parameters")),
            (raw.operation.parameters or [], raw.pointer + "/parameters"),
        ]
        for parameters, base in sources:
            for index, parameter in enumerate(parameters):
                pointer = f"{base}/{index}"
                if _is_ref(parameter):
                    parameter, pointer = self._resolve_parameter(parameter.ref, pointer)
                location = _location(parameter)
                if location not in ("path", "query"):
                    continue  # header and cookie parameters: documented as not generated
                merged[(location, parameter.name)] = (parameter, pointer)
        for name in _path_template_names(raw.path):
            if ("path", name) not in merged:
                raise CodegenError(
                    f"path template names {{{name}}} but no path parameter {name!r} is declared",
                    pointer=raw.pointer,
                    hint=f"add a parameter with in: path and name: {name}",
                )
        return list(merged.values())

    def _resolve_parameter(self, ref: str, pointer: str) -> tuple[Any, str]:
        prefix = "#/components/parameters/"
        components = self.document.components
        table = (components.parameters if components else None) or {}
        key = ref[len(prefix) :] if ref.startswith(prefix) else None
        if key is None or key not in table or _is_ref(table[key]):
            raise CodegenError(
                f"parameter $ref {ref!r} cannot be resolved", pointer=pointer
            )
        return table[key], json_pointer("components", "parameters", key)

    def _argument_names(
        self, parameters: Sequence[tuple[Any, str]], body_wire: Sequence[str]
    ) -> dict[tuple[str, str], str]:
        """One keyword namespace per method: path, query and body names must not collide."""
        candidates = {}
        for parameter, _ in parameters:
            candidates[(_location(parameter), parameter.name)] = naming.attribute_name(
                parameter.name, reserved=naming.PARAMETER_RESERVED
            )
        for wire in body_wire:
            candidates[("body", wire)] = naming.attribute_name(
                wire, reserved=naming.PARAMETER_RESERVED
            )
        keyed = {f"{kind}\0{wire}": name for (kind, wire), name in candidates.items()}
        unique = naming.unique_names(keyed)
        return {tuple(key.split("\0", 1)): name for key, name in unique.items()}  # type: ignore[misc]

    def _path_parameter(
        self, parameter: Any, pointer: str, name: str, pascal: str
    ) -> ir.Parameter:
        schema = parameter.param_schema
        hint = f"{pascal} {parameter.name}"
        expr = (
            self.lower(schema, pointer + "/schema", hint=hint, request=True)
            if schema
            else ir.STR
        )
        return ir.Parameter(
            name, parameter.name, expr, text.to_markdown(parameter.description or "")
        )

    def _query(
        self,
        raw: RawOperation,
        parameters: Sequence[tuple[Any, str]],
        names: dict[tuple[str, str], str],
        pascal: str,
    ) -> ir.Payload:
        """Query parameters become a model too, so they are validated and dumped like a body."""
        model_names = naming.unique_names(
            {
                p.name: naming.attribute_name(p.name, reserved=naming.MODEL_RESERVED)
                for p, _ in parameters
            }
        )
        fields = []
        for parameter, pointer in parameters:
            schema = parameter.param_schema
            hint = f"{pascal} {parameter.name}"
            expr = (
                self.lower(schema, pointer + "/schema", hint=hint, request=True)
                if schema
                else ir.STR
            )
            fields.append(
                ir.Field(
                    name=model_names[parameter.name],
                    wire_name=parameter.name,
                    type=expr,
                    required=bool(parameter.required),
                    doc=text.to_markdown(parameter.description or ""),
                    deprecated=bool(parameter.deprecated),
                )
            )
        assert self.request_ns is not None
        name = self.request_ns.claim(f"{pascal}Query")
        doc = f"Query parameters of ``{raw.method.upper()} {raw.path}``."
        self.request_ns.models[name] = ir.Model(
            name,
            tuple(fields),
            doc,
            raw.pointer + "/parameters",
            request=True,
            closed=True,
        )
        styles = tuple(
            (p.name, getattr(p.style, "value", p.style) or "form")
            for p, _ in parameters
        )
        return ir.Payload(
            model=name,
            media_type="query",
            fields=tuple(fields),
            arguments=tuple(names[(_location(p), p.name)] for p, _ in parameters),
            styles=styles,
            required=any(f.required for f in fields),
        )

    def _body_schema(
        self, raw: RawOperation
    ) -> Optional[tuple[str, dict[str, Any], Any, str]]:
        """(media type, properties, schema, pointer) of a form body, or None without a body."""
        request_body = raw.operation.requestBody
        if request_body is None:
            return None
        pointer = raw.pointer + "/requestBody"
        if _is_ref(request_body):
            raise CodegenError(
                "requestBody $ref is not supported",
                pointer=pointer,
                hint="inline the request body",
            )
        content = request_body.content or {}
        media_type = next((m for m in FORM_MEDIA_TYPES if m in content), None)
        if media_type is None:
            raise CodegenError(
                f"unsupported request body media type(s): {', '.join(sorted(content)) or 'none'}",
                pointer=pointer + "/content",
                hint="codegen encodes application/x-www-form-urlencoded and multipart/form-data bodies",
            )
        media_pointer = json_pointer_join(pointer, "content", media_type)
        schema = content[media_type].media_type_schema
        if schema is None:
            return None
        resolved, resolved_pointer = self._resolve(schema, media_pointer + "/schema")
        properties, _ = self._merged_properties(resolved, resolved_pointer)
        if not properties and not getattr(resolved, "allOf", None):
            return None
        return media_type, properties, schema, media_pointer

    def _body(
        self,
        raw: RawOperation,
        found: tuple[str, dict[str, Any], Any, str],
        names: dict[tuple[str, str], str],
        pascal: str,
    ) -> ir.Payload:
        media_type, properties, schema, media_pointer = found
        resolved, resolved_pointer = self._resolve(schema, media_pointer + "/schema")
        self.file_parts = media_type == "multipart/form-data"
        try:
            model_name = self._request_model(
                f"{pascal}Request", resolved, resolved_pointer
            )
        finally:
            self.file_parts = False
        assert self.request_ns is not None
        model = self.request_ns.models[model_name]
        encoding = raw.operation.requestBody.content[media_type].encoding or {}
        styles = tuple(
            (
                (
                    f.wire_name,
                    (
                        getattr(
                            encoding[f.wire_name].style,
                            "value",
                            encoding[f.wire_name].style,
                        )
                        or "form"
                    ),
                )
                if f.wire_name in encoding
                else (f.wire_name, "form")
            )
            for f in model.fields
        )
        return ir.Payload(
            model=model_name,
            media_type=media_type,
            fields=model.fields,
            arguments=tuple(names[("body", f.wire_name)] for f in model.fields),
            styles=styles,
            required=bool(raw.operation.requestBody.required),
        )

    def _request_model(self, preferred: str, schema: SchemaLike, pointer: str) -> str:
        assert self.request_ns is not None
        name = self.request_ns.claim(preferred)
        self.request_ns.models[name] = self._build_model(
            name, schema, pointer, request=True
        )
        return name

    def _json_schema(
        self, response: Any, pointer: str
    ) -> tuple[Optional[Any], str, str]:
        content = response.content or {}
        if JSON_MEDIA_TYPE in content:
            return (
                content[JSON_MEDIA_TYPE].media_type_schema,
                JSON_MEDIA_TYPE,
                json_pointer_join(pointer, "content", JSON_MEDIA_TYPE),
            )
        media_type = next(iter(sorted(content)), "")
        return None, media_type, pointer

    def _response(self, raw: RawOperation, pascal: str) -> ir.Response:
        responses = raw.operation.responses or {}
        success = sorted(code for code in responses if str(code).startswith("2"))
        if not success:
            raise CodegenError(
                "operation has no 2xx response",
                pointer=raw.pointer + "/responses",
                hint="declare the successful response (e.g. 200) with its schema",
            )
        code = success[0]
        pointer = json_pointer_join(raw.pointer, "responses", str(code))
        response = responses[code]
        if _is_ref(response):
            raise CodegenError(
                "response $ref is not supported",
                pointer=pointer,
                hint="inline the response",
            )
        schema, media_type, schema_pointer = self._json_schema(response, pointer)
        doc = text.to_markdown(response.description or "")
        if schema is None:
            return ir.Response(None, media_type or "application/octet-stream", doc)
        saved, self.request_ns = self.request_ns, None
        try:
            expr = self.lower(
                schema,
                schema_pointer + "/schema",
                hint=f"{pascal} response",
                request=False,
            )
        finally:
            self.request_ns = saved
        return ir.Response(expr, media_type, doc)

    def _error(self, raw: RawOperation, pascal: str) -> Optional[ir.TypeExpr]:
        responses = raw.operation.responses or {}
        response = responses.get("default")
        if response is None or _is_ref(response):
            return None
        pointer = json_pointer_join(raw.pointer, "responses", "default")
        schema, _, schema_pointer = self._json_schema(response, pointer)
        if schema is None:
            return None
        saved, self.request_ns = self.request_ns, None
        try:
            return self.lower(
                schema,
                schema_pointer + "/schema",
                hint=f"{pascal} error",
                request=False,
            )
        finally:
            self.request_ns = saved


def _path_template_names(path: str) -> list[str]:
    return re.findall(r"\{([^}]*)\}", path)


def _is_string(expr: ir.TypeExpr) -> bool:
    return isinstance(expr, ir.Primitive) and expr.name == "str"


def _server_url(server: Any) -> str:
    """A server's URL with its variables set to their defaults, safe to put in source text."""
    url = str(server.url)
    for name, variable in (server.variables or {}).items():
        url = url.replace("{" + name + "}", str(variable.default))
    return text.safe_url(url)


def _location(parameter: Any) -> str:
    return str(getattr(parameter.param_in, "value", parameter.param_in))


def lower_document(
    document: Document, selection: Selection, *, spec_sha256: str
) -> ir.Api:
    """The IR for the selected operations of a parsed spec."""
    if selection.empty:
        raise CodegenError(
            "no operations selected",
            hint="list operation IDs in [tool.codegen] operations, or pass --all",
        )
    operations = operations_of(document)
    if not operations:
        raise CodegenError(
            "the spec has no operations",
            pointer=json_pointer("paths"),
            hint="add at least one path with an operation",
        )
    _refuse_duplicate_ids(operations)
    selected = select(operations, selection)
    # Lowering recurses once per level; the limits bound the levels, this gives them room.
    limit = sys.getrecursionlimit()
    needed = _STACK_FRAMES_PER_LEVEL * (MAX_REF_DEPTH + MAX_SCHEMA_DEPTH) + 1000
    sys.setrecursionlimit(max(limit, needed))
    try:
        return ApiLowerer(document, spec_sha256=spec_sha256).lower_api(selected)
    finally:
        sys.setrecursionlimit(limit)

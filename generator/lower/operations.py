"""One operation to IR: path, query, header and cookie parameters, the body (``responses.py``
lowers its responses and errors).

Schemas are lowered through ``schemas.py``; the request side of an operation lowers into the
one namespace of request models (the ``params`` modules), responses and errors with the
response side.

A parameter's ``style`` and ``explode`` are checked against what OpenAPI allows where the
parameter goes (``ALLOWED_STYLES``) and against its type; a body may be JSON, a form,
multipart, text or binary (``ir.media_kind``), and an operation offering several media types
sends the first of ``BODY_KINDS`` by default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional

from .. import ir, naming, text
from ..errors import CodegenError, json_pointer
from . import oas
from .context import Context
from .oas import SchemaLike, json_pointer_join
from .responses import lower_error, lower_response
from .schemas import build_model, is_file, lower, merged_properties
from .calls import CallName
from .selection import RawOperation

Parameters = Sequence[tuple[Any, str]]  # (parameter object, its pointer)
ArgumentNames = dict[tuple[str, str], str]  # (location, wire name) -> keyword argument

ALLOWED_STYLES = {
    "path": ("simple", "label", "matrix"),
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "header": ("simple",),
    "cookie": ("form",),
}
"""The styles OpenAPI allows in each parameter location."""

DEFAULT_STYLES = {
    "path": "simple",
    "query": "form",
    "header": "simple",
    "cookie": "form",
}

IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
"""Header parameters OpenAPI says to ignore: the client sets these itself."""

BODY_KINDS = ("json", "form", "multipart", "text", "binary")
"""Body encodings in the order an operation offering several picks its default."""

STRUCTURED_KINDS = frozenset({"json", "form", "multipart"})
"""Bodies of keyword arguments (an object's properties), the others are one ``body``."""

CONTENT_TYPE_ARGUMENT = ("", "content_type")
"""The key of the ``content_type=`` argument in ``naming.argument_names``: it sorts first,
so it keeps its name and a body field ``content_type`` becomes ``content_type_2``."""

WHOLE_BODY = "body"
"""The argument (and the one key of its ``TypedDict``) of a body that is no object."""


@dataclass(frozen=True)
class _Body:
    """A request body found in the spec, before it is lowered."""

    media_type: str
    properties: dict[str, Any]
    schema: SchemaLike
    pointer: str  # of the media type object
    media: Any  # the media type object
    required: bool
    whole: bool  # one argument ``body``, not one per property
    content_types: tuple[str, ...]
    unoffered: tuple[str, ...]

    @property
    def kind(self) -> str:
        return ir.media_kind(self.media_type)


def lower_operation(ctx: Context, raw: RawOperation, call: CallName) -> ir.Operation:
    """The operation without its pagination (``pagination.py`` recognises that after).

    ``ctx`` is on the request side, with the namespace of the request models. The order
    in which the parts are lowered decides which inline model gets a name first, so it is
    kept: path parameters, query, response, body, error, headers, cookies.
    """
    operation = raw.operation
    stem = naming.operation_stem(call.dotted)
    parameters = _parameters(ctx, raw)
    body_found = _body_schema(ctx, raw)
    names = naming.argument_names(
        [(oas.location(p), p.name) for p, _ in parameters]
        + [("body", wire) for wire in _body_wire_names(body_found)]
        + ([CONTENT_TYPE_ARGUMENT] if body_found and body_found.content_types else [])
    )
    path_params = tuple(
        _path_parameter(ctx, p, at, names[("path", p.name)], stem)
        for p, at in _in_url_order(raw.path, parameters)
    )
    query = _parameter_payload(
        ctx, raw, _located(parameters, "query"), names, stem, "query", body_found
    )
    response = lower_response(ctx, raw, stem)
    body = _body(ctx, raw, body_found, names, stem) if body_found else None
    error = lower_error(ctx, raw, stem)
    headers = _parameter_payload(
        ctx, raw, _located(parameters, "header"), names, stem, "header", body_found
    )
    cookies = _parameter_payload(
        ctx, raw, _located(parameters, "cookie"), names, stem, "cookie", body_found
    )
    return ir.Operation(
        operation_id=raw.operation_id,
        name=call.method,
        resource=call.resource,
        method=raw.method,
        path=raw.path,
        title=naming.operation_title(
            text.plain_line(operation.summary, limit=120),
            call.resource,
            call.method,
        ),
        summary=text.summary_line(
            text.to_markdown(operation.summary or operation.description or "")
        ),
        doc=text.to_markdown(operation.description or ""),
        path_params=path_params,
        query=query,
        body=body,
        response=response,
        error=error,
        server=_server(ctx, raw),
        pointer=raw.pointer,
        deprecated=bool(operation.deprecated),
        naming_rule=call.rule,
        headers=headers,
        cookies=cookies,
    )


def content_type_argument(names: ArgumentNames) -> str:
    """The name of the ``content_type=`` argument of an operation (``content_type``
    unless a parameter took it first)."""
    return names[CONTENT_TYPE_ARGUMENT]


def _server(ctx: Context, raw: RawOperation) -> Optional[str]:
    """The operation's own server: its ``servers``, else its path item's."""
    item = (ctx.document.paths or {})[raw.path]
    servers = raw.operation.servers or item.servers or []
    return oas.server_url(servers[0]).rstrip("/") if servers else None


# --- parameters ---------------------------------------------------------------------------------


def _parameters(ctx: Context, raw: RawOperation) -> list[tuple[Any, str]]:
    """Path-item and operation parameters (the operation's win), resolved, spec order."""
    item = (ctx.document.paths or {})[raw.path]
    merged: dict[tuple[str, str], tuple[Any, str]] = {}
    sources = [
        (item.parameters or [], json_pointer("paths", raw.path, "parameters")),
        (raw.operation.parameters or [], raw.pointer + "/parameters"),
    ]
    for parameters, base in sources:
        for index, parameter in enumerate(parameters):
            pointer = f"{base}/{index}"
            if oas.is_ref(parameter):
                parameter, pointer = ctx.components.parameter(parameter.ref, pointer)
            location = oas.location(parameter)
            if location == "header" and parameter.name.lower() in IGNORED_HEADERS:
                continue  # OpenAPI: such a definition SHALL be ignored
            merged[(location, parameter.name)] = (parameter, pointer)
    _check_path_template(raw, merged)
    return list(merged.values())


def _check_path_template(
    raw: RawOperation, merged: dict[tuple[str, str], tuple[Any, str]]
) -> None:
    """Every name of the path template is a declared path parameter, and back."""
    named = oas.path_template_names(raw.path)
    for name in named:
        if ("path", name) not in merged:
            raise CodegenError(
                f"path template names {{{name}}} but no path parameter {name!r} is declared",
                pointer=raw.pointer,
                hint=f"add a parameter with in: path and name: {name}",
            )
    for (location, name), (_, pointer) in merged.items():
        if location == "path" and name not in named:
            raise CodegenError(
                f"path parameter {name!r} is declared but the path {raw.path!r} has no"
                f" {{{name}}}",
                pointer=pointer,
                hint=f"add {{{name}}} to the path, or remove the parameter",
            )


def _located(parameters: Parameters, location: str) -> list[tuple[Any, str]]:
    return [(p, at) for p, at in parameters if oas.location(p) == location]


def _in_url_order(
    path: str, parameters: list[tuple[Any, str]]
) -> list[tuple[Any, str]]:
    """The path parameters in the order the URL names them, whatever order the spec lists them
    in: they become positional arguments, and ``(transfer, id)`` must not be called as
    ``(id, transfer)``."""
    position = {name: index for index, name in enumerate(oas.path_template_names(path))}
    found = _located(parameters, "path")
    return sorted(found, key=lambda item: position.get(item[0].name, len(position)))


def _parameter_schema(parameter: Any, pointer: str) -> tuple[SchemaLike, str, bool]:
    """The schema of a parameter, its pointer, and whether the value is sent as JSON text
    (a parameter with ``content: application/json`` instead of ``schema``)."""
    if parameter.param_schema is not None or not parameter.content:
        return parameter.param_schema, pointer + "/schema", False
    if len(parameter.content) != 1:
        raise CodegenError(
            f"parameter {parameter.name!r} has {len(parameter.content)} media types in"
            " content",
            pointer=pointer + "/content",
            hint="OpenAPI allows exactly one media type in a parameter's content",
        )
    media_type, media = next(iter(parameter.content.items()))
    at = json_pointer_join(pointer, "content", media_type)
    return media.media_type_schema, at + "/schema", ir.media_kind(media_type) == "json"


def _parameter_type(
    ctx: Context, parameter: Any, pointer: str, stem: str
) -> ir.TypeExpr:
    schema, schema_pointer, _ = _parameter_schema(parameter, pointer)
    if not schema:
        return ir.STR
    hint = naming.inline_hint(stem, parameter.name)
    return lower(ctx, schema, schema_pointer, hint=hint)


def _value_kind(ctx: Context, expr: ir.TypeExpr) -> str:
    """``object``, ``array``, ``scalar`` or ``any`` (a union of several kinds, or Any)."""
    if isinstance(expr, ir.Nullable):
        return _value_kind(ctx, expr.inner)
    if isinstance(expr, (ir.ModelRef, ir.MapType)):
        alias = (
            ctx.found.aliases.get(expr.name) if isinstance(expr, ir.ModelRef) else None
        )
        return _value_kind(ctx, alias.type) if alias else "object"
    if isinstance(expr, ir.ListType):
        return "array"
    if isinstance(expr, ir.UnionType):
        kinds = {_value_kind(ctx, m) for m in expr.members}
        return kinds.pop() if len(kinds) == 1 else "any"
    if isinstance(expr, ir.LiteralType) or (
        isinstance(expr, ir.Primitive) and expr.name != "Any"
    ):
        return "scalar"
    return "any"


def parameter_style(
    ctx: Context, parameter: Any, pointer: str, expr: ir.TypeExpr
) -> str:
    """The IR style of a parameter (see ``ir.Payload.styles`` and ``ir.Parameter.style``),
    refused where OpenAPI does not allow it."""
    location = oas.location(parameter)
    if _parameter_schema(parameter, pointer)[2]:
        return "json"
    declared = getattr(parameter.style, "value", parameter.style)
    style = str(declared) if declared else DEFAULT_STYLES[location]
    allowed = ALLOWED_STYLES[location]
    if style not in allowed:
        raise CodegenError(
            f"style {style!r} is not allowed for the {location} parameter"
            f" {parameter.name!r}",
            pointer=pointer + "/style",
            hint=f"use one of: {', '.join(allowed)} (OpenAPI's table of styles)",
        )
    explode = parameter.explode if parameter.explode is not None else style == "form"
    kind = _value_kind(ctx, expr)
    if style == "deepObject" and kind == "scalar" and ctx.profile != "stripe":
        # Stripe's spec has a few (a scalar is `key=value` in every style)
        raise CodegenError(
            f"style deepObject needs an object, but {parameter.name!r} is a single value",
            pointer=pointer + "/style",
            hint="give the parameter an object schema, or use style: form",
        )
    if style in ("spaceDelimited", "pipeDelimited"):
        return "form" if explode else style
    if style == "deepObject":
        return style
    if location in ("path", "header"):
        return style + ("Exploded" if explode else "")
    return "form" if explode else "formUnexploded"


def _path_parameter(
    ctx: Context, parameter: Any, pointer: str, name: str, stem: str
) -> ir.Parameter:
    expr = _parameter_type(ctx, parameter, pointer, stem)
    return ir.Parameter(
        name,
        parameter.name,
        expr,
        text.to_markdown(parameter.description or ""),
        style=parameter_style(ctx, parameter, pointer, expr),
    )


def _parameter_payload(
    ctx: Context,
    raw: RawOperation,
    parameters: Parameters,
    names: ArgumentNames,
    stem: str,
    location: str,
    body: Optional[_Body],
) -> Optional[ir.Payload]:
    """Query, header or cookie parameters as one model, so they are validated and dumped
    like a body."""
    if not parameters:
        return None
    model_names = naming.field_names(p.name for p, _ in parameters)
    fields = tuple(
        ir.Field(
            name=model_names[parameter.name],
            wire_name=parameter.name,
            type=_parameter_type(ctx, parameter, pointer, stem),
            required=bool(parameter.required),
            doc=text.to_markdown(parameter.description or ""),
            deprecated=bool(parameter.deprecated),
        )
        for parameter, pointer in parameters
    )
    styles = tuple(
        (parameter.name, parameter_style(ctx, parameter, pointer, field.type))
        for (parameter, pointer), field in zip(parameters, fields)
    )
    preferred = {
        "query": naming.query_model_name(stem, with_body=body is not None),
        "header": naming.header_model_name(stem),
        "cookie": naming.cookie_model_name(stem),
    }[location]
    name = ctx.namespace.claim(preferred)
    what = {"query": "Query", "header": "Header", "cookie": "Cookie"}[location]
    doc = f"{what} parameters of ``{raw.method.upper()} {raw.path}``."
    ctx.namespace.models[name] = ir.Model(
        name, fields, doc, raw.pointer + "/parameters", request=True, closed=True
    )
    return ir.Payload(
        model=name,
        media_type=location,
        fields=fields,
        arguments=tuple(names[(location, p.name)] for p, _ in parameters),
        styles=styles,
        required=any(f.required for f in fields),
    )


# --- the body -----------------------------------------------------------------------------------


def _request_body(ctx: Context, raw: RawOperation) -> Optional[tuple[Any, str]]:
    """The operation's request body object and its pointer, a ``$ref`` followed."""
    request_body = raw.operation.requestBody
    if request_body is None:
        return None
    pointer = raw.pointer + "/requestBody"
    if oas.is_ref(request_body):
        return oas.request_body(ctx.document, request_body.ref, pointer)
    return request_body, pointer


def _default_media_type(content: dict[str, Any], pointer: str) -> str:
    """The media type sent by default: the first of the best kind (``BODY_KINDS``)."""
    if not content:
        raise CodegenError(
            "the request body lists no media type",
            pointer=pointer + "/content",
            hint="add a media type to content, e.g. application/json",
        )
    rank = {kind: index for index, kind in enumerate(BODY_KINDS)}
    return min(content, key=lambda m: rank[ir.media_kind(m)])


def _same_schema(a: Any, b: Any) -> bool:
    schema_a, schema_b = a.media_type_schema, b.media_type_schema
    if schema_a is None or schema_b is None:
        return schema_a is schema_b
    dump = {"by_alias": True, "exclude_none": True}
    return bool(schema_a.model_dump(**dump) == schema_b.model_dump(**dump))


def _choices(
    content: dict[str, Any], default: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The media types the caller may choose besides the default (the same arguments: a
    structured kind with the same schema, or a text or binary kind like the default's), and
    those the method cannot send."""
    kind = ir.media_kind(default)
    offered = [default]
    unoffered = []
    for media_type, media in content.items():
        if media_type == default:
            continue
        other = ir.media_kind(media_type)
        structured = kind in STRUCTURED_KINDS and other in STRUCTURED_KINDS
        if (structured and _same_schema(media, content[default])) or other == kind:
            offered.append(media_type)
        else:
            unoffered.append(media_type)
    if len(offered) == 1 and "*" not in default:
        return (), tuple(unoffered)
    return tuple(offered), tuple(unoffered)


def _body_schema(ctx: Context, raw: RawOperation) -> Optional[_Body]:
    """The body of an operation, or None without one (or a form with no properties)."""
    found = _request_body(ctx, raw)
    if found is None:
        return None
    request_body, pointer = found
    content = request_body.content or {}
    media_type = _default_media_type(content, pointer)
    media_pointer = json_pointer_join(pointer, "content", media_type)
    media = content[media_type]
    content_types, unoffered = _choices(content, media_type)
    kind = ir.media_kind(media_type)
    schema = media.media_type_schema
    base = dict(
        media_type=media_type,
        schema=schema,
        pointer=media_pointer,
        media=media,
        required=bool(request_body.required),
        content_types=content_types,
        unoffered=unoffered,
    )
    if kind not in STRUCTURED_KINDS:
        return _Body(properties={}, whole=True, **base)
    if schema is None:
        return _Body(properties={}, whole=True, **base) if kind == "json" else None
    resolved, resolved_pointer = ctx.components.resolve(
        schema, media_pointer + "/schema"
    )
    properties, _ = merged_properties(ctx.components, resolved, resolved_pointer)
    if properties or getattr(resolved, "allOf", None):
        if content_types and kind != "multipart" and _has_files(ctx, properties):
            content_types = ()  # files go in multipart only
        return _Body(properties=properties, whole=False, **base)
    if kind == "json":
        return _Body(properties={}, whole=True, **base)
    if getattr(resolved, "additionalProperties", None):
        raise CodegenError(
            f"a {kind} body of free-form keys (additionalProperties, no properties) is"
            " not supported",
            pointer=media_pointer + "/schema",
            hint="declare the body's properties, or send it as application/json",
        )
    if not oas.is_model(resolved) and oas.types(resolved) not in ([], ["object"]):
        raise CodegenError(
            f"a {kind} body must be an object, not {', '.join(oas.types(resolved))}",
            pointer=media_pointer + "/schema",
            hint="give the body an object schema with properties, or send it as JSON",
        )
    return None


def _has_files(ctx: Context, properties: dict[str, Any]) -> bool:
    return any(
        _file_kind(ctx, prop, at) is not None for prop, at in properties.values()
    )


def _body_wire_names(found: Optional[_Body]) -> list[str]:
    if found is None:
        return []
    return [WHOLE_BODY] if found.whole else list(found.properties)


def _file_kind(ctx: Context, schema: SchemaLike, pointer: str) -> Optional[ir.TypeExpr]:
    """``bytes`` for a file part, ``List[bytes]`` for an array of them, else None."""
    if is_file(ctx.components, schema, pointer):
        return ir.Primitive("bytes")
    resolved, resolved_pointer = ctx.components.resolve(schema, pointer)
    items = getattr(resolved, "items", None)
    if items is not None and is_file(
        ctx.components, items, resolved_pointer + "/items"
    ):
        return ir.ListType(ir.Primitive("bytes"))
    return None


def _whole_type(ctx: Context, found: _Body, stem: str) -> ir.TypeExpr:
    if found.kind == "text":
        return ir.STR
    if found.kind == "binary":
        return ir.Primitive("bytes")
    if found.schema is None:
        return ir.ANY
    hint = naming.inline_hint(stem, "body")
    return lower(ctx, found.schema, found.pointer + "/schema", hint=hint)


def _body(
    ctx: Context,
    raw: RawOperation,
    found: _Body,
    names: ArgumentNames,
    stem: str,
) -> ir.Payload:
    name = ctx.namespace.claim(naming.body_model_name(stem))
    if found.whole:
        field = ir.Field(
            name=WHOLE_BODY,
            wire_name=WHOLE_BODY,
            type=_whole_type(ctx, found, stem),
            required=found.required,
            doc=oas.description(found.schema) if found.schema is not None else "",
        )
        model = ir.Model(
            name,
            (field,),
            f"The body of ``{raw.method.upper()} {raw.path}``.",
            found.pointer,
            request=True,
            closed=True,
        )
    else:
        model = _body_model(ctx, found, name)
    if found.kind in STRUCTURED_KINDS:
        ctx.namespace.models[name] = model
    encoding = found.media.encoding or {}
    styles = tuple(
        (f.wire_name, _encoding_style(ctx, found, f, encoding)) for f in model.fields
    )
    part_types = (
        _part_types(ctx, model.fields, encoding) if found.kind == "multipart" else ()
    )
    return ir.Payload(
        model=name if found.kind in STRUCTURED_KINDS else "",
        media_type=found.media_type,
        fields=model.fields,
        arguments=tuple(names[("body", f.wire_name)] for f in model.fields),
        styles=styles,
        required=found.required,
        whole=found.whole,
        content_types=found.content_types,
        part_types=part_types,
        unoffered=found.unoffered,
        content_type_argument=(
            content_type_argument(names) if found.content_types else ""
        ),
    )


def _part_types(
    ctx: Context, fields: Sequence[ir.Field], encoding: dict[str, Any]
) -> tuple[tuple[str, str], ...]:
    """The content types of multipart parts: the encoding object's ``contentType``; for
    a generic spec, an object (or a list of objects) without one or a style is JSON, as
    OpenAPI says (Stripe's spec spells them with brackets, as its API reads them)."""
    found = []
    for field in fields:
        declared = encoding.get(field.wire_name)
        if declared is not None and declared.contentType:
            found.append((field.wire_name, str(declared.contentType)))
        elif declared is not None and (declared.style or declared.explode is not None):
            continue  # the spec spells it with a style (deepObject: brackets)
        elif ctx.profile != "stripe" and _holds_objects(ctx, field.type):
            found.append((field.wire_name, "application/json"))
    return tuple(found)


def _holds_objects(ctx: Context, expr: ir.TypeExpr) -> bool:
    kind = _value_kind(ctx, expr)
    if kind == "array":
        inner = expr.inner if isinstance(expr, ir.Nullable) else expr
        return (
            isinstance(inner, ir.ListType) and _value_kind(ctx, inner.item) == "object"
        )
    return kind == "object"


def _body_model(ctx: Context, found: _Body, name: str) -> ir.Model:
    """The model of a body's properties; a multipart body's binary strings (and arrays of
    them) are files."""
    resolved, resolved_pointer = ctx.components.resolve(
        found.schema, found.pointer + "/schema"
    )
    multipart = found.kind == "multipart"
    model = build_model(ctx, name, resolved, resolved_pointer, file_parts=multipart)
    if not multipart:
        return model
    fields = []
    for field in model.fields:
        prop, at = found.properties[field.wire_name]
        file_type = _file_kind(ctx, prop, at)
        fields.append(field if file_type is None else _with_type(field, file_type))
    return ir.Model(
        model.name,
        tuple(fields),
        model.doc,
        model.pointer,
        request=model.request,
        closed=model.closed,
    )


def _with_type(field: ir.Field, expr: ir.TypeExpr) -> ir.Field:
    return ir.Field(
        field.name, field.wire_name, expr, field.required, field.doc, field.deprecated
    )


def _encoding_style(
    ctx: Context, found: _Body, field: ir.Field, encoding: dict[str, Any]
) -> str:
    """A form or multipart property's style (its encoding object's, else ``form``)."""
    if found.kind not in ("form", "multipart") or field.wire_name not in encoding:
        return "form"
    entry = encoding[field.wire_name]
    declared = getattr(entry.style, "value", entry.style)
    if declared is None and entry.explode is None:
        return "form"
    style = str(declared or "form")
    pointer = json_pointer_join(found.pointer, "encoding", field.wire_name)
    allowed = ALLOWED_STYLES["query"]
    if style not in allowed:
        raise CodegenError(
            f"style {style!r} is not allowed in an encoding object",
            pointer=pointer + "/style",
            hint=f"use one of: {', '.join(allowed)}",
        )
    explode = entry.explode if entry.explode is not None else style == "form"
    if style == "deepObject":
        return style
    if style in ("spaceDelimited", "pipeDelimited"):
        return "form" if explode else style
    return "form" if explode else "formUnexploded"

"""One operation to IR: path parameters, the query model, the body model (``responses.py``
lowers its responses and errors).

Schemas are lowered through ``schemas.py``; the request side of an operation lowers into the
one namespace of request models (the ``params`` modules), responses and errors with the
response side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional

from .. import ir, naming, text
from ..errors import CodegenError, json_pointer
from . import oas
from .context import Context
from .oas import (
    FORM_MEDIA_TYPES,
    MULTIPART,
    SchemaLike,
    json_pointer_join,
)
from .responses import lower_error, lower_response
from .schemas import build_model, lower, merged_properties
from .calls import CallName
from .selection import RawOperation

Parameters = Sequence[tuple[Any, str]]  # (parameter object, its pointer)
ArgumentNames = dict[tuple[str, str], str]  # (location, wire name) -> keyword argument


@dataclass(frozen=True)
class _Body:
    """A form body found in the spec, before it is lowered."""

    media_type: str
    properties: dict[str, Any]
    schema: SchemaLike
    pointer: str  # of the media type object


def lower_operation(ctx: Context, raw: RawOperation, call: CallName) -> ir.Operation:
    """The operation without its pagination (``pagination.py`` recognises that after).

    ``ctx`` is on the request side, with the namespace of the request models. The order
    in which the parts are lowered decides which inline model gets a name first, so it is
    kept: path parameters, query, response, body, error.
    """
    operation = raw.operation
    stem = naming.operation_stem(call.dotted)
    parameters = _parameters(ctx, raw)
    body_found = _body_schema(ctx, raw)
    body_wire = list(body_found.properties) if body_found else []
    names = naming.argument_names(
        [(oas.location(p), p.name) for p, _ in parameters]
        + [("body", wire) for wire in body_wire]
    )
    path_params = tuple(
        _path_parameter(ctx, p, at, names[("path", p.name)], stem)
        for p, at in _in_url_order(raw.path, parameters)
    )
    query_parameters = [(p, at) for p, at in parameters if oas.location(p) == "query"]
    query = (
        _query(
            ctx, raw, query_parameters, names, stem, with_body=body_found is not None
        )
        if query_parameters
        else None
    )
    response = lower_response(ctx, raw, stem)
    body = _body(ctx, raw, body_found, names, stem) if body_found else None
    error = lower_error(ctx, raw, stem)
    servers = operation.servers or []
    return ir.Operation(
        operation_id=raw.operation_id,
        name=call.method,
        resource=call.resource,
        method=raw.method,
        path=raw.path,
        summary=text.summary_line(
            text.to_markdown(operation.summary or operation.description or "")
        ),
        doc=text.to_markdown(operation.description or ""),
        path_params=path_params,
        query=query,
        body=body,
        response=response,
        error=error,
        server=oas.server_url(servers[0]).rstrip("/") if servers else None,
        pointer=raw.pointer,
        deprecated=bool(operation.deprecated),
        naming_rule=call.rule,
    )


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
            if location not in ("path", "query"):
                continue  # header and cookie parameters: documented as not generated
            merged[(location, parameter.name)] = (parameter, pointer)
    for name in oas.path_template_names(raw.path):
        if ("path", name) not in merged:
            raise CodegenError(
                f"path template names {{{name}}} but no path parameter {name!r} is declared",
                pointer=raw.pointer,
                hint=f"add a parameter with in: path and name: {name}",
            )
    return list(merged.values())


def _in_url_order(
    path: str, parameters: list[tuple[Any, str]]
) -> list[tuple[Any, str]]:
    """The path parameters in the order the URL names them, whatever order the spec lists them
    in: they become positional arguments, and ``(transfer, id)`` must not be called as
    ``(id, transfer)``."""
    position = {name: index for index, name in enumerate(oas.path_template_names(path))}
    found = [(p, at) for p, at in parameters if oas.location(p) == "path"]
    return sorted(found, key=lambda item: position.get(item[0].name, len(position)))


def _parameter_type(
    ctx: Context, parameter: Any, pointer: str, stem: str
) -> ir.TypeExpr:
    schema = parameter.param_schema
    if not schema:
        return ir.STR
    hint = naming.inline_hint(stem, parameter.name)
    return lower(ctx, schema, pointer + "/schema", hint=hint)


def _path_parameter(
    ctx: Context, parameter: Any, pointer: str, name: str, stem: str
) -> ir.Parameter:
    expr = _parameter_type(ctx, parameter, pointer, stem)
    return ir.Parameter(
        name, parameter.name, expr, text.to_markdown(parameter.description or "")
    )


def _query(
    ctx: Context,
    raw: RawOperation,
    parameters: Parameters,
    names: ArgumentNames,
    stem: str,
    *,
    with_body: bool,
) -> ir.Payload:
    """Query parameters become a model too, so they are validated and dumped like a body."""
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
    name = ctx.namespace.claim(naming.query_model_name(stem, with_body=with_body))
    doc = f"Query parameters of ``{raw.method.upper()} {raw.path}``."
    ctx.namespace.models[name] = ir.Model(
        name, fields, doc, raw.pointer + "/parameters", request=True, closed=True
    )
    return ir.Payload(
        model=name,
        media_type="query",
        fields=fields,
        arguments=tuple(names[("query", p.name)] for p, _ in parameters),
        styles=tuple((p.name, oas.style(p)) for p, _ in parameters),
        required=any(f.required for f in fields),
    )


def _body_schema(ctx: Context, raw: RawOperation) -> Optional[_Body]:
    """The form body of an operation, or None without one (or with no properties)."""
    request_body = raw.operation.requestBody
    if request_body is None:
        return None
    pointer = raw.pointer + "/requestBody"
    if oas.is_ref(request_body):
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
    resolved, resolved_pointer = ctx.components.resolve(
        schema, media_pointer + "/schema"
    )
    properties, _ = merged_properties(ctx.components, resolved, resolved_pointer)
    if not properties and not getattr(resolved, "allOf", None):
        return None
    return _Body(media_type, properties, schema, media_pointer)


def _body(
    ctx: Context,
    raw: RawOperation,
    found: _Body,
    names: ArgumentNames,
    stem: str,
) -> ir.Payload:
    resolved, resolved_pointer = ctx.components.resolve(
        found.schema, found.pointer + "/schema"
    )
    name = ctx.namespace.claim(naming.body_model_name(stem))
    model = build_model(
        ctx,
        name,
        resolved,
        resolved_pointer,
        file_parts=found.media_type == MULTIPART,
    )
    ctx.namespace.models[name] = model
    encoding = raw.operation.requestBody.content[found.media_type].encoding or {}
    styles = tuple(
        (
            f.wire_name,
            oas.style(encoding[f.wire_name]) if f.wire_name in encoding else "form",
        )
        for f in model.fields
    )
    return ir.Payload(
        model=name,
        media_type=found.media_type,
        fields=model.fields,
        arguments=tuple(names[("body", f.wire_name)] for f in model.fields),
        styles=styles,
        required=bool(raw.operation.requestBody.required),
    )

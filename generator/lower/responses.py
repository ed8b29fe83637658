"""An operation's responses to IR: the type of its successful response and of its errors."""

from __future__ import annotations

from typing import Any, Optional

from .. import ir, naming, text
from ..errors import CodegenError
from . import oas
from .context import Context
from .oas import JSON_MEDIA_TYPE, json_pointer_join
from .schemas import lower
from .selection import RawOperation


def _json_schema(response: Any, pointer: str) -> tuple[Optional[Any], str, str]:
    """(schema, media type, pointer of the media type) of a response's JSON content."""
    content = response.content or {}
    if JSON_MEDIA_TYPE in content:
        return (
            content[JSON_MEDIA_TYPE].media_type_schema,
            JSON_MEDIA_TYPE,
            json_pointer_join(pointer, "content", JSON_MEDIA_TYPE),
        )
    media_type = next(iter(sorted(content)), "")
    return None, media_type, pointer


def lower_response(ctx: Context, raw: RawOperation, stem: str) -> ir.Response:
    """The first 2xx response: a type for JSON, binary for anything else."""
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
    if oas.is_ref(response):
        raise CodegenError(
            "response $ref is not supported",
            pointer=pointer,
            hint="inline the response",
        )
    schema, media_type, schema_pointer = _json_schema(response, pointer)
    doc = text.to_markdown(response.description or "")
    if schema is None:
        return ir.Response(None, media_type or "application/octet-stream", doc)
    hint = naming.inline_hint(stem, "response")
    expr = lower(ctx.response_side(), schema, schema_pointer + "/schema", hint=hint)
    return ir.Response(expr, media_type, doc)


def lower_error(ctx: Context, raw: RawOperation, stem: str) -> Optional[ir.TypeExpr]:
    """The type of the ``default`` response, Stripe's error envelope."""
    responses = raw.operation.responses or {}
    response = responses.get("default")
    if response is None or oas.is_ref(response):
        return None
    pointer = json_pointer_join(raw.pointer, "responses", "default")
    schema, _, schema_pointer = _json_schema(response, pointer)
    if schema is None:
        return None
    hint = naming.inline_hint(stem, "error")
    return lower(ctx.response_side(), schema, schema_pointer + "/schema", hint=hint)

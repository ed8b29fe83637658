"""An operation's responses to IR: the type of its successful response and of its errors.

The successful response is the first 2xx status the spec declares (``200``, ``201``, ...,
then the range ``2XX``), else ``default``. Its body is JSON (``application/json`` or any
``+json`` type) parsed into a type; text (``text/*``), a file (anything else, ``*/*``
included, unless its schema is an object or array) and no content (``204``) have no type, told
apart by ``ir.Response.text`` and ``ir.Response.empty`` (the call returns ``str``, ``bytes``
and None). A ``$ref`` to ``components/responses`` is followed.

Errors: Stripe's spec describes its error envelope as the ``default`` response. For any other
spec the error body is the JSON schema of ``default``, else of the first 4xx/5xx response
that has one (``400`` before ``4XX`` before ``500``).
"""

from __future__ import annotations

from typing import Any, Optional

from .. import ir, naming, text
from ..errors import CodegenError, json_pointer, pointer_token
from . import oas
from .context import Context
from .oas import JSON_MEDIA_TYPE, json_pointer_join
from .profile import STRIPE
from .schemas import lower
from .selection import RawOperation

RESPONSE_PREFIX = "#/components/responses/"
NO_CONTENT = None
"""The type of a response without a body (``204``; ``ir.Response.empty``): none, as for
files; the call returns None."""


def is_json(media_type: str) -> bool:
    """``application/json``, ``application/problem+json``, ``application/json; charset=...``."""
    kind = media_type.split(";", 1)[0].strip().lower()
    return kind == JSON_MEDIA_TYPE or kind.endswith("+json")


def _is_text(media_type: str) -> bool:
    return media_type.split(";", 1)[0].strip().lower().startswith("text/")


def _content(ctx: Context, response: Any, pointer: str) -> tuple[Any, str]:
    """The response object a ``$ref`` names (chains followed), with its pointer."""
    seen: list[str] = []
    while oas.is_ref(response):
        ref = response.ref
        responses = getattr(ctx.document.components, "responses", None) or {}
        key = pointer_token(ref[len(RESPONSE_PREFIX) :])
        if not ref.startswith(RESPONSE_PREFIX) or key not in responses:
            raise CodegenError(
                f"response $ref {ref!r} cannot be resolved",
                pointer=pointer,
                hint="refer to a response of components/responses "
                "(#/components/responses/<name>)",
            )
        if key in seen:
            raise CodegenError(
                "response $ref cycle: " + " -> ".join(seen + [key]),
                pointer=pointer,
                hint="a response must not be only a reference to itself",
            )
        seen.append(key)
        response, pointer = responses[key], json_pointer("components", "responses", key)
    return response, pointer


def _body(response: Any, pointer: str) -> tuple[Optional[Any], str, str]:
    """(schema, media type, pointer of the media type) of the body a client reads: JSON
    first, then text, then anything else; (None, "", pointer) without content."""
    content = response.content or {}
    if not content:
        return None, "", pointer
    ordered = sorted(content)
    media_type = next((m for m in ordered if is_json(m)), None)
    if media_type is None:
        media_type = next((m for m in ordered if _is_text(m)), ordered[0])
    at = json_pointer_join(pointer, "content", media_type)
    return content[media_type].media_type_schema, media_type, at


def _success_code(responses: dict[str, Any]) -> Optional[str]:
    codes = [str(code) for code in responses]
    exact = sorted(c for c in codes if c.startswith("2") and c.isdigit())
    ranges = sorted(c for c in codes if c.upper() == "2XX")
    found = exact + ranges + (["default"] if "default" in codes else [])
    return found[0] if found else None


def lower_response(ctx: Context, raw: RawOperation, stem: str) -> ir.Response:
    """The successful response: its type (None for a file) and media type."""
    responses = raw.operation.responses or {}
    code = _success_code(responses)
    if code is None and ctx.profile != STRIPE and responses:
        ctx.note(
            f"{raw.pointer}/responses: {raw.operation_id} declares no successful "
            "response (2xx or default): its call returns None"
        )
        return ir.Response(NO_CONTENT, "", "")
    if code is None:
        raise CodegenError(
            "operation has no 2xx response",
            pointer=raw.pointer + "/responses",
            hint="declare the successful response (e.g. 200, 2XX or default) "
            "with its schema",
        )
    pointer = json_pointer_join(raw.pointer, "responses", code)
    response, pointer = _content(ctx, responses[code], pointer)
    doc = text.to_markdown(response.description or "")
    schema, media_type, media_pointer = _body(response, pointer)
    if not media_type:
        return ir.Response(NO_CONTENT, "", doc)
    if is_json(media_type) or (media_type == "*/*" and _structured(ctx, schema)):
        if schema is None:
            return ir.Response(ir.ANY, media_type, doc)
        hint = naming.inline_hint(stem, "response")
        expr = lower(ctx.response_side(), schema, media_pointer + "/schema", hint=hint)
        return ir.Response(expr, media_type, doc)
    return ir.Response(None, media_type, doc)  # a file, or text (``ir.Response.text``)


def _structured(ctx: Context, schema: Any) -> bool:
    """An object or array schema: a ``*/*`` body that is JSON in all but name."""
    if schema is None:
        return False
    resolved, _ = ctx.components.resolve(schema, "")
    return oas.is_model(resolved) or bool(
        {"object", "array"} & set(oas.types(resolved))
    )


def lower_error(ctx: Context, raw: RawOperation, stem: str) -> Optional[ir.TypeExpr]:
    """The type of the error body: the ``default`` response (Stripe's error envelope);
    for a generic API, else the first 4xx/5xx response with a JSON schema."""
    responses = raw.operation.responses or {}
    codes = ["default"] if "default" in responses else []
    if ctx.profile != STRIPE:
        codes += _error_codes(responses)
    for code in codes:
        expr = _error_type(ctx, raw, stem, responses, code)
        if expr is not None:
            return expr
    return None


def _error_codes(responses: dict[str, Any]) -> list[str]:
    """4xx/5xx status codes, each exact code before its range (``404``, ``4XX``, ``500``)."""
    codes = [str(c) for c in responses if str(c)[:1] in "45" and len(str(c)) == 3]
    return sorted(codes, key=lambda c: (c[0], not c.isdigit(), c))


def _error_type(
    ctx: Context, raw: RawOperation, stem: str, responses: dict[str, Any], code: str
) -> Optional[ir.TypeExpr]:
    pointer = json_pointer_join(raw.pointer, "responses", code)
    response = responses[code]
    if ctx.profile == STRIPE and oas.is_ref(response):
        return None
    response, pointer = _content(ctx, response, pointer)
    schema, media_type, media_pointer = _body(response, pointer)
    if schema is None or not is_json(media_type):
        return None
    hint = naming.inline_hint(stem, "error")
    return lower(ctx.response_side(), schema, media_pointer + "/schema", hint=hint)

"""The resource modules' views: one class per resource, one method per operation.

``client.customers.sources.create(customer, card={...})`` is the method ``create`` of the
class ``CustomersSourcesResource``, reached through the attribute ``sources`` of
``CustomersResource``. Every decision about the source text of a method (annotations,
defaults, docstring, what the body sends) is made here; the template loops and substitutes.

Resource modules annotate lists and maps with ``typing.List`` and ``typing.Dict``: their
classes have a method named ``list``, which would shadow the builtin in the signatures of the
other methods (mypy rejects ``list[str]`` there).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from .. import ir, naming, text
from .describe import body_kind
from .python import (
    ArgumentView,
    ConstantView,
    def_header,
    def_returns,
    docstring,
    laid_out,
    python_literal,
)

#: Lists and maps in resource modules are ``List[...]`` and ``Dict[...]`` (see above).
TYPING_GENERICS = True

IDEMPOTENT_METHODS = frozenset({"post"})
"""HTTP methods whose calls take `idempotency_key`: elsewhere it would do nothing."""

CALL_OPTIONS_PARAMETER = "call_options"
"""The name of the ``**`` parameter that takes the per-call options (``RequestOptions``)."""

METHOD_INDENT = 4  # a method's ``def`` in its class
BODY_INDENT = 8  # the statements of a method

RUNTIME_DEFAULT_STYLE = "deepObject"
"""The style ``encode_params`` uses for a parameter its ``styles`` do not list."""


def call_options(
    method: str, profile: str = "stripe", *, idempotency: bool = False
) -> tuple[str, ...]:
    """The per-call options of an operation with HTTP `method`, in ``RequestOptions`` order
    (those of the ``profile``'s client: ``naming.call_option_names``)."""
    if profile != "stripe":
        return naming.call_option_names(profile, method, idempotency=idempotency)
    if method.lower() in IDEMPOTENT_METHODS:
        return naming.CALL_OPTIONS
    return tuple(name for name in naming.CALL_OPTIONS if name != "idempotency_key")


def call_options_type(
    method: str, profile: str = "stripe", *, idempotency: bool = False
) -> str:
    """The TypedDict that types the ``**call_options`` of an operation with HTTP `method`:
    ``PostCallOptions`` when they include ``idempotency_key``."""
    options = call_options(method, profile, idempotency=idempotency)
    return "PostCallOptions" if "idempotency_key" in options else "CallOptions"


def annotation(expr: ir.TypeExpr) -> str:
    """How a resource module spells a type."""
    return expr.annotation(typing_generics=TYPING_GENERICS)


def path_expression(
    path: str,
    arguments: dict[str, str],
    styles: Optional[dict[str, tuple[str, ir.TypeExpr]]] = None,
) -> str:
    """An f-string for a path template, each parameter through ``quote_path``, or
    ``encode_path`` for one of another style than ``simple`` or that is no single value
    (``styles``: by wire name, the style and type)."""
    pieces = re.split(r"(\{[^}]*\})", path)
    templated = any(p.startswith("{") and p.endswith("}") for p in pieces)
    out = []
    for piece in pieces:
        if piece.startswith("{") and piece.endswith("}"):
            wire = piece[1:-1]
            style, expr = (styles or {}).get(wire, ("simple", ir.STR))
            if style == "simple" and _is_scalar(expr):
                out.append("{quote_path(" + arguments[wire] + ")}")
            else:
                call = f"encode_path({arguments[wire]}, {python_literal(style)}, {python_literal(wire)})"
                out.append("{" + call.replace('"', "'") + "}")
        else:
            literal = json.dumps(piece, ensure_ascii=False)[1:-1]
            if templated:  # braces of an f-string's literal text are doubled
                literal = literal.replace("{", "{{").replace("}", "}}")
            out.append(literal)
    body = "".join(out)
    return f'f"{body}"' if templated else f'"{body}"'


def _argument(name: str, expr: ir.TypeExpr, required: bool) -> ArgumentView:
    expr = ir.without_discriminators(expr)
    spelt = annotation(expr)
    if required:
        return ArgumentView(name, spelt, None)
    if not isinstance(expr, ir.Nullable) and expr != ir.ANY:
        spelt = f"Optional[{spelt}]"
    return ArgumentView(name, spelt, "None")


def _payload_arguments(payload: Optional[ir.Payload]) -> list[ArgumentView]:
    if payload is None:
        return []
    pairs = sorted(payload.arguments_and_fields, key=lambda pair: not pair[1].required)
    return [_argument(name, f.type, f.required) for name, f in pairs]


def payloads(operation: ir.Operation) -> tuple[ir.Payload, ...]:
    """The parts of a request its keyword arguments fill, in the signature's order."""
    found = (operation.query, operation.body, operation.headers, operation.cookies)
    return tuple(p for p in found if p is not None)


def validated_payloads(operation: ir.Operation) -> tuple[ir.Payload, ...]:
    """The payloads a ``ParamsType`` checks (a text or binary body is sent as given)."""
    return tuple(p for p in payloads(operation) if p.model)


def content_type_annotation(body: ir.Payload) -> str:
    """``Literal[...]`` of the media types a caller may choose; ``str`` when one of them is a
    range such as ``image/*`` (the caller names the exact type)."""
    if any("*" in m for m in body.content_types):
        return "str"
    return "Literal[" + ", ".join(python_literal(m) for m in body.content_types) + "]"


def sent_media_type(media_type: str) -> str:
    """The ``Content-Type`` sent for a media type of the spec: a range such as ``*/*`` or
    ``image/*`` is sent as ``application/octet-stream`` unless the caller says otherwise.
    """
    return "application/octet-stream" if "*" in media_type else media_type


def _content_type_arguments(operation: ir.Operation) -> list[ArgumentView]:
    body = operation.body
    if body is None or not body.content_types:
        return []
    default = python_literal(sent_media_type(body.media_type))
    return [
        ArgumentView(body.content_type_argument, content_type_annotation(body), default)
    ]


# --- constants ----------------------------------------------------------------------------------


def response_constant(operation: ir.Operation) -> str:
    """The ``ResponseType`` constant: one per response model, else one per operation."""
    response = operation.response.type
    model = response.name if isinstance(response, ir.ModelRef) else None
    return naming.response_constant(operation.call, model)


def page_constant(operation: ir.Operation) -> str:
    """The ``PageType`` constant of a list operation: one per page model."""
    response = operation.response.type
    assert isinstance(response, ir.ModelRef)
    return naming.constant_name(response.name, "page")


def params_constant(payload: ir.Payload) -> str:
    """The ``ParamsType`` constant that validates one payload, named after its TypedDict."""
    return naming.constant_name(payload.model)


def item_annotation(operation: ir.Operation) -> str:
    assert operation.pagination is not None
    return annotation(operation.pagination.item)


UNTYPED_RETURNS = {
    "empty": ("None", "ResponseType.empty()"),
    "text": ("str", "ResponseType.text()"),
    "file": ("BinaryContent", "ResponseType.binary()"),
}
"""The return type and response type of a call whose response has no type of its own
(``describe.body_kind``); a file is ``BinaryContent``: ``bytes`` with ``last_response``."""


def response_annotation(operation: ir.Operation) -> str:
    """The return type of the call."""
    kind = body_kind(operation.response)
    if kind in UNTYPED_RETURNS:
        return UNTYPED_RETURNS[kind][0]
    assert operation.response.type is not None
    return annotation(operation.response.type)


def response_type_value(operation: ir.Operation) -> str:
    """The ``ResponseType`` the call parses its response with."""
    kind = body_kind(operation.response)
    if kind in UNTYPED_RETURNS:
        return UNTYPED_RETURNS[kind][1]
    return f"ResponseType({response_annotation(operation)})"


def page_type_value(operation: ir.Operation) -> str:
    """The ``PageType`` of a list call: its list model and kind, and for the configured
    paging (``token``) where its cursor goes and where the body holds items and cursor.
    """
    paging = operation.pagination
    assert paging is not None
    arguments = [response_annotation(operation), python_literal(paging.kind)]
    if paging.kind == "token":
        arguments += [
            f"cursor_parameter={python_literal(paging.cursor_parameter)}",
            f"items={python_literal(paging.items)}",
            f"next_cursor={python_literal(paging.next_cursor)}",
        ]
    return f"PageType({', '.join(arguments)})"


def constants(operations: Sequence[ir.Operation]) -> list[ConstantView]:
    """The module's constants, sorted: response and page types, then parameter validators."""
    found: dict[str, ConstantView] = {}
    for op in operations:
        if op.pagination is not None:
            item = item_annotation(op)
            name = page_constant(op)
            value = page_type_value(op)
            found.setdefault(name, ConstantView(name, f"PageType[{item}]", value))
            continue
        name = response_constant(op)
        returns = response_annotation(op)
        value = response_type_value(op)
        found.setdefault(name, ConstantView(name, f"ResponseType[{returns}]", value))
    for op in operations:
        for payload in validated_payloads(op):
            if payload is not None:
                name = params_constant(payload)
                value = f"ParamsType({payload.model}, {python_literal(op.call)})"
                found.setdefault(
                    name, ConstantView(name, f"ParamsType[{payload.model}]", value)
                )
    return sorted(found.values(), key=lambda c: c.name)


# --- the body of a method -----------------------------------------------------------------------


@dataclass(frozen=True)
class PayloadView:
    constant: str  # the ParamsType constant that validates it
    arguments: tuple[
        tuple[str, str], ...
    ]  # (wire name literal, argument), files included
    styles_constant: Optional[str]
    styles: str  # python dict literal of `encoding_styles`
    files: tuple[str, ...]  # multipart: wire name literals of the file parts
    file_keys: str  # python tuple literal of them, "" when none
    # how the template sends it: query, header, cookie, form, multipart, json, raw
    # (text or binary: ``content=``) or choice (``**encode_body(...)``)
    send: str = "form"
    part_types: str = ""  # multipart: python dict literal of the parts' content types
    content_type: str = ""  # python literal of the Content-Type to name, "" for none
    whole: str = ""  # the wire name literal of a body that is one argument
    whole_argument: str = ""  # that argument
    optional_whole: bool = False  # ... which may be None: then no body is sent

    @property
    def multipart(self) -> bool:
        return self.send == "multipart"

    @property
    def unwrapped(self) -> str:
        """What follows the validated dict to send a whole body as itself, not as the one
        key of its ``TypedDict``: ``["body"]``, or ``.get("body", NOT_GIVEN)`` when it may
        be left out (then no body is sent); ``""`` for a body of keyword arguments."""
        if not self.whole:
            return ""
        if self.optional_whole:
            return f".get({self.whole}, NOT_GIVEN)"
        return f"[{self.whole}]"


RUNTIME_DEFAULT_STYLES = {"header": "simple", "cookie": "form"}
"""The style ``encode_headers`` and ``encode_cookies`` use for a parameter not listed."""


def encoding_styles(payload: ir.Payload) -> list[tuple[str, str]]:
    """The ``(wire name, style)`` pairs a payload's ``styles`` constant must list: those whose
    style is not the runtime's default and changes the bytes sent, i.e. not of a scalar type
    (a scalar is ``key=value`` in every style but ``json``). A JSON, text or binary body
    has none."""
    if payload.kind in ("json", "text", "binary"):
        return []
    default = RUNTIME_DEFAULT_STYLES.get(payload.kind, RUNTIME_DEFAULT_STYLE)
    types = {f.wire_name: f.type for f in payload.fields}
    return [
        (wire, style)
        for wire, style in payload.styles
        if style != default and (style == "json" or not _is_scalar(types[wire]))
    ]


def _is_scalar(expr: ir.TypeExpr) -> bool:
    if isinstance(expr, ir.Primitive):
        return expr.name != "Any"  # Any may be an object or a list
    if isinstance(expr, ir.LiteralType):
        return True
    if isinstance(expr, ir.Nullable):
        return _is_scalar(expr.inner)
    if isinstance(expr, ir.UnionType):
        return all(_is_scalar(m) for m in expr.members)
    return False


def payload_view(
    operation: ir.Operation, payload: Optional[ir.Payload], kind: str
) -> Optional[PayloadView]:
    if payload is None:
        return None
    multipart = payload.kind == "multipart"
    pairs = payload.arguments_and_fields
    files = tuple(
        python_literal(f.wire_name) for _, f in pairs if multipart and _is_file(f.type)
    )
    styles = encoding_styles(payload)
    literal = _dict_literal(styles)
    whole = payload.fields[0] if payload.whole else None
    return PayloadView(
        constant=params_constant(payload) if payload.model else "",
        arguments=tuple(
            (python_literal(f.wire_name), argument) for argument, f in pairs
        ),
        styles_constant=(
            naming.styles_constant(operation.call, kind) if styles else None
        ),
        styles=literal,
        files=files,
        file_keys=("(" + ", ".join(files) + ",)") if files else "",
        send=_send(payload),
        part_types=_dict_literal(payload.part_types) if payload.part_types else "",
        content_type=_content_type(payload),
        whole=python_literal(whole.wire_name) if whole else "",
        whole_argument=payload.arguments[0] if whole else "",
        optional_whole=whole is not None and not whole.required,
    )


def _dict_literal(pairs: Sequence[tuple[str, str]]) -> str:
    return (
        "{"
        + ", ".join(f"{python_literal(k)}: {python_literal(v)}" for k, v in pairs)
        + "}"
    )


def _is_file(expr: ir.TypeExpr) -> bool:
    bytes_type = ir.Primitive("bytes")
    return expr == bytes_type or expr == ir.ListType(bytes_type)


def _send(payload: ir.Payload) -> str:
    if payload.content_types and payload.kind in ("json", "form", "multipart"):
        return "choice"
    if payload.kind in ("text", "binary"):
        return "raw"
    return payload.kind


def _content_type(payload: ir.Payload) -> str:
    """The ``content_type=`` to send: the caller's choice, or a media type the runtime
    would not pick itself (it sends ``application/json``, and for raw content
    ``application/octet-stream`` or ``text/plain; charset=utf-8``)."""
    if payload.content_types:
        return payload.content_type_argument
    if payload.kind in ("json", "text", "binary"):
        if payload.media_type in RUNTIME_MEDIA_TYPES:
            return ""
        return python_literal(sent_media_type(payload.media_type))
    return ""


RUNTIME_MEDIA_TYPES = frozenset(
    {"application/json", "text/plain", "application/octet-stream"}
)
"""Media types the runtime sends without being told: JSON, text, bytes."""


def operation_docstring(
    operation: ir.Operation, profile: str = "stripe", *, idempotency: bool = False
) -> str:
    parts = [operation.doc or operation.summary or operation.operation_id]
    parts.append(
        f"``{operation.method.upper()} {operation.path}`` (operation ID"
        f" ``{operation.operation_id}``)"
    )
    arguments = [(p.name, p.doc) for p in operation.path_params]
    for payload in payloads(operation):
        arguments += [
            (name, _located_doc(payload, f)) for name, f in payload.arguments_and_fields
        ]
    body = operation.body
    if body is not None and body.content_types:
        choices = ", ".join(f"``{m}``" for m in body.content_types)
        arguments.append(
            (
                body.content_type_argument,
                f"The media type the body is sent as: {choices}; the first by default.",
            )
        )
    documented = [
        f"- {name}: {text.summary_line(doc, limit=400)}"
        for name, doc in arguments
        if doc.strip()
    ]
    if documented:
        parts.append("Args:\n" + "\n".join(documented))
    if body is not None:
        parts += _body_notes(body)
    options = ", ".join(
        f"``{name}``"
        for name in call_options(operation.method, profile, idempotency=idempotency)
    )
    parts.append(f"Per-call options ({options}) are those of ``RequestOptions``.")
    if operation.pagination is not None:
        parts.append(
            "Returns the first page. Iterating it yields every item of every page,"
            " fetching each page when needed; ``next_page()`` and ``iter_pages()`` walk"
            " page by page."
            + (
                " Given ``ending_before``, pages are walked backwards."
                if operation.pagination.kind == "cursor"
                else ""
            )
        )
    return docstring("\n\n".join(parts), indent="        ")


def _located_doc(payload: ir.Payload, field: ir.Field) -> str:
    """An argument's doc; a header or cookie parameter's says which one it is sent as."""
    if payload.kind not in ("header", "cookie"):
        return field.doc
    where = f"({payload.kind} ``{field.wire_name}``)"
    return f"{where} {field.doc}" if field.doc.strip() else where


def _body_notes(body: ir.Payload) -> list[str]:
    """What the docstring says of a body other than a form: how it is sent."""
    notes = []
    if body.kind not in ("form", "multipart") and not body.content_types:
        notes.append(f"The body is sent as ``{sent_media_type(body.media_type)}``.")
    if body.unoffered:
        listed = ", ".join(f"``{m}``" for m in body.unoffered)
        notes.append(
            f"The spec also accepts the body as {listed}, which this method does not"
            " send (a different shape); use ``with_raw_response`` or ``extra_body`` and"
            " ``extra_headers`` to send it yourself."
        )
    return notes


# --- methods and classes ------------------------------------------------------------------------


@dataclass(frozen=True)
class MethodView:
    """One method of one class: the sync and the awaitable twin differ in a few words."""

    name: str
    define: str  # "def" or "async def"
    positional: tuple[ArgumentView, ...]
    keywords: tuple[ArgumentView, ...]
    returns: str
    docstring: str
    send: str  # the start of the return statement: "self._client.request"
    response_constant: str
    http_method: Optional[str]  # None for request_page, always a GET
    path_expression: str
    query: Optional[PayloadView]
    body: Optional[PayloadView]
    base_url: Optional[str]  # python literal of a per-operation server, or None
    options_type: str  # the TypedDict of ``**call_options``
    headers: Optional[PayloadView] = None
    cookies: Optional[PayloadView] = None
    # python literal of the operation's own security requirement, or None (the API's)
    security: Optional[str] = None

    @property
    def sent_parameters(self) -> tuple[tuple[str, str, PayloadView], ...]:
        """``(request() keyword, encoder, view)`` of the header and cookie parameters."""
        found = [
            ("headers", "encode_headers", self.headers),
            ("cookies", "encode_cookies", self.cookies),
        ]
        return tuple((k, e, v) for k, e, v in found if v is not None)

    @property
    def call_options(self) -> str:
        """The signature's last line: the per-call options, typed."""
        return f"**{CALL_OPTIONS_PARAMETER}: Unpack[{self.options_type}],"

    @property
    def options(self) -> str:
        """The ``RequestOptions`` the call options make."""
        return f"RequestOptions(**{CALL_OPTIONS_PARAMETER})"

    @property
    def signature_end(self) -> str:
        """``) -> returns:`` after the parameters, as black prints it."""
        return def_returns(METHOD_INDENT, self.returns)


def method_view(
    operation: ir.Operation,
    *,
    awaitable: bool,
    profile: str = "stripe",
    idempotency: bool = False,
) -> MethodView:
    positional = tuple(
        ArgumentView(p.name, annotation(p.type), None) for p in operation.path_params
    )
    keywords = tuple(
        _payload_arguments(operation.query)
        + _payload_arguments(operation.body)
        + _payload_arguments(operation.headers)
        + _payload_arguments(operation.cookies)
        + _content_type_arguments(operation)
    )
    arguments = {p.wire_name: p.name for p in operation.path_params}
    path_styles = {p.wire_name: (p.style, p.type) for p in operation.path_params}
    paged = operation.pagination is not None
    if paged:
        item = item_annotation(operation)
        returns = f"AsyncPaginator[{item}]" if awaitable else f"SyncPage[{item}]"
        send, define = "self._client.request_page", "def"
    else:
        returns = response_annotation(operation)
        send = ("await " if awaitable else "") + "self._client.request"
        define = "async def" if awaitable else "def"
    return MethodView(
        name=operation.name,
        define=define,
        positional=positional,
        keywords=keywords,
        returns=returns,
        docstring=operation_docstring(operation, profile, idempotency=idempotency),
        send=send,
        response_constant=(
            page_constant(operation) if paged else response_constant(operation)
        ),
        http_method=None if paged else operation.method,
        path_expression=path_expression(operation.path, arguments, path_styles),
        query=payload_view(operation, operation.query, "query"),
        body=payload_view(operation, operation.body, "body"),
        base_url=python_literal(operation.server) if operation.server else None,
        options_type=call_options_type(
            operation.method, profile, idempotency=idempotency
        ),
        headers=payload_view(operation, operation.headers, "headers"),
        cookies=payload_view(operation, operation.cookies, "cookies"),
        security=None if operation.security is None else repr(operation.security),
    )


@dataclass(frozen=True)
class ChildView:
    attribute: str
    class_name: str
    docstring: str
    header: str  # ``def attribute(self) -> ClassName:``, as black prints it
    body: str  # ``return ClassName(...)``, as black prints it


def child_view(attribute: str, class_name: str, doc: str, argument: str) -> ChildView:
    """The ``cached_property`` of a sub-resource, built from ``argument``."""
    return ChildView(
        attribute,
        class_name,
        doc,
        def_header(METHOD_INDENT, "def", attribute, "self", class_name),
        laid_out(f"return {class_name}({argument})", BODY_INDENT),
    )


@dataclass(frozen=True)
class ClassView:
    name: str
    docstring: str
    client_class: str  # SyncAPIClient or AsyncAPIClient
    children: tuple[ChildView, ...]
    methods: tuple[MethodView, ...]


@dataclass(frozen=True)
class RawClassView:
    """The ``with_raw_response`` view of one resource class: each method wrapped."""

    name: str
    docstring: str
    resource_class: str  # the class it wraps
    wrapper: str  # to_raw_response or async_to_raw_response
    methods: tuple[str, ...]
    children: tuple[ChildView, ...]  # the raw views of the sub-resources

    @property
    def assignments(self) -> tuple[str, ...]:
        """``self.method = wrapper(resource.method)`` for each method, as black prints it."""
        return tuple(
            laid_out(f"self.{name} = {self.wrapper}(resource.{name})", BODY_INDENT)
            for name in self.methods
        )


def raw_class_views(resource: ir.Resource) -> tuple[RawClassView, RawClassView]:
    """The ``with_raw_response`` views of a resource's sync class and of its twin."""
    dotted = ".".join(resource.path)
    views = []
    for awaitable in (False, True):
        prefix = naming.ASYNC_PREFIX if awaitable else ""
        owner = "async_client" if awaitable else "client"
        views.append(
            RawClassView(
                name=naming.raw_class_name(prefix + resource.class_name),
                docstring=docstring(
                    f"``{owner}.with_raw_response.{dotted}``: the methods of"
                    f" ``{owner}.{dotted}``, returning an ``APIResponse``.",
                    indent="    ",
                ),
                resource_class=prefix + resource.class_name,
                wrapper="async_to_raw_response" if awaitable else "to_raw_response",
                methods=tuple(op.name for op in resource.operations),
                children=tuple(
                    child_view(
                        attribute,
                        naming.raw_class_name(prefix + class_name),
                        docstring(
                            f"``{owner}.with_raw_response.{dotted}.{attribute}``.",
                            indent="        ",
                        ),
                        f"self._resource.{attribute}",
                    )
                    for attribute, class_name in resource.children
                ),
            )
        )
    return views[0], views[1]


def class_views(
    resource: ir.Resource, profile: str = "stripe", *, idempotency: bool = False
) -> tuple[ClassView, ClassView]:
    """The sync class of a resource and its awaitable twin."""
    dotted = ".".join(resource.path)
    views = []
    for awaitable in (False, True):
        prefix = naming.ASYNC_PREFIX if awaitable else ""
        owner = "async_client" if awaitable else "client"
        summary = f"``{owner}.{dotted}``"
        views.append(
            ClassView(
                name=prefix + resource.class_name,
                docstring=docstring(summary + ".", indent="    "),
                client_class="AsyncAPIClient" if awaitable else "SyncAPIClient",
                children=tuple(
                    child_view(
                        attribute,
                        prefix + class_name,
                        docstring(
                            f"``{owner}.{dotted}.{attribute}``.", indent="        "
                        ),
                        "self._client",
                    )
                    for attribute, class_name in resource.children
                ),
                methods=tuple(
                    method_view(
                        op,
                        awaitable=awaitable,
                        profile=profile,
                        idempotency=idempotency,
                    )
                    for op in resource.operations
                ),
            )
        )
    return views[0], views[1]


# --- what a resource module imports for its requests ----------------------------------------


def encoding_imports(
    operations: Sequence[ir.Operation], methods: Sequence[MethodView]
) -> set[str]:
    """The ``_encoding`` functions the methods of a resource module call."""
    names: set[str] = set()
    for method in methods:
        if method.query is not None or (
            method.body is not None and method.body.send in ("form", "multipart")
        ):
            names.add("encode_params")
        if method.body is not None and method.body.multipart:
            names.add("split_files")
        if method.body is not None and method.body.send == "choice":
            names.add("encode_body")
        names |= {encoder for _, encoder, _ in method.sent_parameters}
        if "{quote_path(" in method.path_expression:
            names.add("quote_path")
        if "{encode_path(" in method.path_expression:
            names.add("encode_path")
    return names


def base_imports(methods: Sequence[MethodView]) -> set[str]:
    """The ``_base_client`` names the requests of the methods need besides the usual."""
    optional_whole = any(
        m.body is not None
        and m.body.send in ("json", "choice")
        and m.body.optional_whole
        for m in methods
    )
    return {"NOT_GIVEN"} if optional_whole else set()


def request_typing_names(operation: ir.Operation) -> set[str]:
    """``typing`` names a method's request arguments use beyond their fields' types."""
    body = operation.body
    if body is not None and body.content_types:
        return {"Literal"} if content_type_annotation(body).startswith("Lit") else set()
    return set()


def styles_constants(methods: Sequence[MethodView]) -> list[tuple[str, str]]:
    """``(name, dict literal)`` of the styles constants of the header and cookie
    parameters (the query and body ones: ``package._styles_constants``)."""
    return [
        (view.styles_constant, view.styles)
        for method in methods
        for _, _, view in method.sent_parameters
        if view.styles_constant
    ]

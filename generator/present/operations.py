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


def call_options(method: str) -> tuple[str, ...]:
    """The per-call options of an operation with HTTP `method`, in ``RequestOptions`` order."""
    if method.lower() in IDEMPOTENT_METHODS:
        return naming.CALL_OPTIONS
    return tuple(name for name in naming.CALL_OPTIONS if name != "idempotency_key")


def call_options_type(method: str) -> str:
    """The TypedDict that types the ``**call_options`` of an operation with HTTP `method`."""
    return "PostCallOptions" if method.lower() in IDEMPOTENT_METHODS else "CallOptions"


def annotation(expr: ir.TypeExpr) -> str:
    """How a resource module spells a type."""
    return expr.annotation(typing_generics=TYPING_GENERICS)


def path_expression(path: str, arguments: dict[str, str]) -> str:
    """An f-string for a path template, each parameter through ``quote_path``."""
    pieces = re.split(r"(\{[^}]*\})", path)
    templated = any(p.startswith("{") and p.endswith("}") for p in pieces)
    out = []
    for piece in pieces:
        if piece.startswith("{") and piece.endswith("}"):
            out.append("{quote_path(" + arguments[piece[1:-1]] + ")}")
        else:
            literal = json.dumps(piece, ensure_ascii=False)[1:-1]
            if templated:  # braces of an f-string's literal text are doubled
                literal = literal.replace("{", "{{").replace("}", "}}")
            out.append(literal)
    body = "".join(out)
    return f'f"{body}"' if templated else f'"{body}"'


def _argument(name: str, expr: ir.TypeExpr, required: bool) -> ArgumentView:
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


def response_annotation(operation: ir.Operation) -> str:
    """The return type; a file is ``BinaryContent``: ``bytes`` with ``last_response``."""
    if operation.response.type is None:
        return "BinaryContent"
    return annotation(operation.response.type)


def constants(operations: Sequence[ir.Operation]) -> list[ConstantView]:
    """The module's constants, sorted: response and page types, then parameter validators."""
    found: dict[str, ConstantView] = {}
    for op in operations:
        if op.pagination is not None:
            item = item_annotation(op)
            name = page_constant(op)
            value = f'PageType({response_annotation(op)}, "{op.pagination.kind}")'
            found.setdefault(name, ConstantView(name, f"PageType[{item}]", value))
            continue
        name = response_constant(op)
        returns = response_annotation(op)
        value = (
            "ResponseType.binary()"
            if op.response.type is None
            else f"ResponseType({returns})"
        )
        found.setdefault(name, ConstantView(name, f"ResponseType[{returns}]", value))
    for op in operations:
        for payload in (op.query, op.body):
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


def encoding_styles(payload: ir.Payload) -> list[tuple[str, str]]:
    """The ``(wire name, style)`` pairs a payload's ``styles`` constant must list: those whose
    style is not the runtime's default and changes the bytes sent, i.e. not of a scalar type
    (a scalar is ``key=value`` in every style)."""
    types = {f.wire_name: f.type for f in payload.fields}
    return [
        (wire, style)
        for wire, style in payload.styles
        if style != RUNTIME_DEFAULT_STYLE and not _is_scalar(types[wire])
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
    multipart = payload.media_type == "multipart/form-data"
    pairs = payload.arguments_and_fields
    files = tuple(
        python_literal(f.wire_name)
        for _, f in pairs
        if multipart and f.type == ir.Primitive("bytes")
    )
    styles = encoding_styles(payload)
    literal = (
        "{"
        + ", ".join(f"{python_literal(w)}: {python_literal(s)}" for w, s in styles)
        + "}"
    )
    return PayloadView(
        constant=params_constant(payload),
        arguments=tuple(
            (python_literal(f.wire_name), argument) for argument, f in pairs
        ),
        styles_constant=(
            naming.styles_constant(operation.call, kind) if styles else None
        ),
        styles=literal,
        files=files,
        file_keys=("(" + ", ".join(files) + ",)") if files else "",
    )


def operation_docstring(operation: ir.Operation) -> str:
    parts = [operation.doc or operation.summary or operation.operation_id]
    parts.append(
        f"``{operation.method.upper()} {operation.path}`` (operation ID"
        f" ``{operation.operation_id}``)"
    )
    arguments = [(p.name, p.doc) for p in operation.path_params]
    for payload in (operation.query, operation.body):
        if payload is not None:
            arguments += [(name, f.doc) for name, f in payload.arguments_and_fields]
    documented = [
        f"- {name}: {text.summary_line(doc, limit=400)}"
        for name, doc in arguments
        if doc.strip()
    ]
    if documented:
        parts.append("Args:\n" + "\n".join(documented))
    options = ", ".join(f"``{name}``" for name in call_options(operation.method))
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


def method_view(operation: ir.Operation, *, awaitable: bool) -> MethodView:
    positional = tuple(
        ArgumentView(p.name, annotation(p.type), None) for p in operation.path_params
    )
    keywords = tuple(
        _payload_arguments(operation.query) + _payload_arguments(operation.body)
    )
    arguments = {p.wire_name: p.name for p in operation.path_params}
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
        docstring=operation_docstring(operation),
        send=send,
        response_constant=(
            page_constant(operation) if paged else response_constant(operation)
        ),
        http_method=None if paged else operation.method,
        path_expression=path_expression(operation.path, arguments),
        query=payload_view(operation, operation.query, "query"),
        body=payload_view(operation, operation.body, "body"),
        base_url=python_literal(operation.server) if operation.server else None,
        options_type=call_options_type(operation.method),
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


def class_views(resource: ir.Resource) -> tuple[ClassView, ClassView]:
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
                    method_view(op, awaitable=awaitable) for op in resource.operations
                ),
            )
        )
    return views[0], views[1]

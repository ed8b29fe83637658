"""The Python source pieces package templates receive: plain, precomputed data from the IR.

Templates only loop and substitute. Every decision about Python source text (annotations,
defaults, docstrings, escaping, imports) is made here, where it is tested. The README's
"Template API" section documents these shapes for people who override templates.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Optional, Union

from .. import ir, naming, text

DOC_WIDTH = 88


@dataclass(frozen=True)
class FieldView:
    name: str
    annotation: str
    default: Optional[
        str
    ]  # right-hand side of the assignment, None for a required field
    docstring: str  # body of the attribute docstring ("" for none)


@dataclass(frozen=True)
class ModelView:
    name: str
    base: str
    docstring: str
    config: Optional[str]  # a ``model_config = ...`` right-hand side, or None
    fields: tuple[FieldView, ...]

    @property
    def spaced(self) -> bool:
        """Blank lines between fields only where docstrings need them to stay readable."""
        return any(f.docstring for f in self.fields)


@dataclass(frozen=True)
class AliasView:
    name: str
    annotation: str
    comment: str  # one line, may be ""


@dataclass(frozen=True)
class ArgumentView:
    name: str
    annotation: str
    default: Optional[str]


@dataclass(frozen=True)
class ConstantView:
    name: str
    annotation: str
    value: str


# --- small text helpers -----------------------------------------------------------------------


def docstring(markdown: str, *, indent: str) -> str:
    """Docstring body text, safe between triple quotes; "" when there is nothing to say."""
    if not markdown.strip():
        return ""
    return text.to_docstring(markdown, width=DOC_WIDTH, indent=indent)


def python_literal(value: Union[str, int, float, bool, None]) -> str:
    if isinstance(value, str):
        return text.python_string(value)
    return repr(value)


# --- models -----------------------------------------------------------------------------------


def hoisted(expr: ir.TypeExpr) -> tuple[ir.TypeExpr, tuple[ir.Constraint, ...]]:
    """Constraints of a (nullable) primitive move to ``Field(...)`` where they read better."""
    inner = expr.inner if isinstance(expr, ir.Nullable) else expr
    if isinstance(inner, ir.Primitive) and inner.constraints:
        return expr, inner.constraints
    return expr, ()


def field_view(
    field: ir.Field, *, request: bool, quoted: frozenset[str] = frozenset()
) -> FieldView:
    expr, constraints = hoisted(field.type)
    optional = not field.required
    annotation = expr.annotation(validated=not constraints, quoted=quoted)
    if optional and not isinstance(expr, ir.Nullable) and expr != ir.ANY:
        annotation = f"Optional[{annotation}]"
    if (optional or isinstance(expr, ir.Nullable)) and not request:
        optional = True  # responses: a null or missing value parses as None
    keywords: list[str] = []
    if optional:
        keywords.append("default=None")
    if field.aliased:
        wire = python_literal(field.wire_name)
        keywords += [f"validation_alias={wire}", f"serialization_alias={wire}"]
    keywords += [f"{c.keyword}={c.value!r}" for c in constraints]
    if not keywords:
        default = None
    elif keywords == ["default=None"]:
        default = "None"
    else:
        default = "Field(" + ", ".join(keywords) + ")"
    return FieldView(
        field.name, annotation, default, docstring(field.doc, indent="    ")
    )


def model_view(model: ir.Model, quoted: frozenset[str] = frozenset()) -> ModelView:
    config = None
    if model.request and not model.closed:
        config = 'ConfigDict(extra="allow")'
    doc = model.doc or f"The ``{model.name}`` object."
    return ModelView(
        name=model.name,
        base="RequestModel" if model.request else "StripeModel",
        docstring=docstring(doc, indent="    "),
        config=config,
        fields=tuple(
            field_view(f, request=model.request, quoted=quoted) for f in model.fields
        ),
    )


def alias_view(alias: ir.Alias) -> AliasView:
    return AliasView(
        alias.name,
        alias.type.annotation(),
        text.comment_text(text.summary_line(alias.doc)),
    )


# --- operations -------------------------------------------------------------------------------


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
    annotation = expr.annotation()
    if required:
        return ArgumentView(name, annotation, None)
    if not isinstance(expr, ir.Nullable) and expr != ir.ANY:
        annotation = f"Optional[{annotation}]"
    return ArgumentView(name, annotation, "None")


CALL_OPTION_ARGUMENTS = (
    ArgumentView("idempotency_key", "Optional[str]", "None"),
    ArgumentView("api_key", "Optional[str]", "None"),
    ArgumentView("stripe_account", "Optional[str]", "None"),
    ArgumentView("stripe_version", "Optional[str]", "None"),
    ArgumentView("timeout", "Union[float, httpx.Timeout, None]", "None"),
    ArgumentView("max_retries", "Optional[int]", "None"),
    ArgumentView("extra_headers", "Optional[Mapping[str, str]]", "None"),
    ArgumentView("extra_query", "Optional[Mapping[str, object]]", "None"),
    ArgumentView("extra_body", "Optional[Mapping[str, object]]", "None"),
)
"""The per-call options (`RequestOptions`) every generated method takes, in order."""

IDEMPOTENT_METHODS = frozenset({"post"})
"""HTTP methods whose calls take `idempotency_key`: elsewhere it would do nothing."""


def call_option_arguments(method: str) -> tuple[ArgumentView, ...]:
    """The call options of an operation with HTTP `method`."""
    if method.lower() in IDEMPOTENT_METHODS:
        return CALL_OPTION_ARGUMENTS
    return tuple(a for a in CALL_OPTION_ARGUMENTS if a.name != "idempotency_key")


def response_constant(operation: ir.Operation) -> str:
    response = operation.response.type
    model = response.name if isinstance(response, ir.ModelRef) else None
    return naming.response_constant(operation.name, model)


def response_annotation(operation: ir.Operation) -> str:
    if operation.response.type is None:
        return "bytes"
    return operation.response.type.annotation()


def operation_docstring(operation: ir.Operation) -> str:
    parts = [operation.doc or operation.summary or operation.operation_id]
    parts.append(f"``{operation.method.upper()} {operation.path}``")
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
    return docstring("\n\n".join(parts), indent="        ")


@dataclass(frozen=True)
class PayloadView:
    model: str
    arguments: tuple[tuple[str, str], ...]  # (model field, argument)
    styles_constant: Optional[str]
    styles: str  # python dict literal of `encoding_styles`
    multipart: bool
    files: tuple[
        tuple[str, str], ...
    ]  # multipart: (wire name literal, argument) of file parts
    exclude: str  # python set literal of model fields sent as files, "" when none


RUNTIME_DEFAULT_STYLE = "deepObject"
"""The style ``encode_params`` uses for a parameter its ``styles`` do not list."""


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
    binary = [
        (argument, f)
        for argument, f in payload.arguments_and_fields
        if multipart and f.type == ir.Primitive("bytes")
    ]
    styles = encoding_styles(payload)
    literal = (
        "{"
        + ", ".join(f"{python_literal(w)}: {python_literal(s)}" for w, s in styles)
        + "}"
    )
    return PayloadView(
        model=payload.model,
        arguments=tuple(
            (f.name, argument) for argument, f in payload.arguments_and_fields
        ),
        styles_constant=(
            naming.styles_constant(operation.name, kind) if styles else None
        ),
        styles=literal,
        multipart=multipart,
        files=tuple((python_literal(f.wire_name), argument) for argument, f in binary),
        exclude=(
            ("{" + ", ".join(python_literal(f.name) for _, f in binary) + "}")
            if binary
            else ""
        ),
    )


@dataclass(frozen=True)
class OperationView:
    name: str
    operation_id: str
    docstring: str
    positional: tuple[ArgumentView, ...]
    keywords: tuple[ArgumentView, ...]
    returns: str
    response_constant: str
    http_method: str
    path_expression: str
    query: Optional[PayloadView]
    body: Optional[PayloadView]
    base_url: Optional[str]  # python literal of a per-operation server, or None
    pagination: Optional[PaginationView]

    @property
    def options(self) -> tuple[str, ...]:
        """The names of the call options this operation's methods take."""
        names = {a.name for a in CALL_OPTION_ARGUMENTS}
        return tuple(a.name for a in self.keywords if a.name in names)


@dataclass(frozen=True)
class PaginationView:
    """The iterator method of a list or search endpoint, beside the page method."""

    name: str
    kind: str  # "cursor" | "search"
    item: str  # annotation of one item
    keywords: tuple[ArgumentView, ...]
    passed: tuple[str, ...]  # keyword arguments handed on to the page method
    cursor: str  # the argument that takes the cursor
    docstring: str


def pagination_view(
    operation: ir.Operation, keywords: tuple[ArgumentView, ...]
) -> Optional[PaginationView]:
    pagination = operation.pagination
    if pagination is None:
        return None
    kept = tuple(k for k in keywords if k.name not in pagination.skipped_arguments)
    start = "page" if pagination.kind == "search" else "starting_after"
    doc = (
        f"Every item of ``{operation.name}``, fetching the next page only when needed.\n\n"
        f"Takes the arguments of ``{operation.name}``; ``{pagination.cursor_argument}`` sets where to "
        f"start (the API's ``{start}``)."
    )
    return PaginationView(
        name=pagination.method_name,
        kind=pagination.kind,
        item=pagination.item.annotation(),
        keywords=kept,
        passed=tuple(k.name for k in kept if k.name != pagination.cursor_argument),
        cursor=pagination.cursor_argument,
        docstring=docstring(doc, indent="        "),
    )


def _payload_arguments(payload: Optional[ir.Payload]) -> list[ArgumentView]:
    if payload is None:
        return []
    pairs = sorted(payload.arguments_and_fields, key=lambda pair: not pair[1].required)
    return [_argument(name, f.type, f.required) for name, f in pairs]


def operation_view(operation: ir.Operation) -> OperationView:
    positional = tuple(
        ArgumentView(p.name, p.type.annotation(), None) for p in operation.path_params
    )
    keywords = tuple(
        _payload_arguments(operation.query) + _payload_arguments(operation.body)
    ) + call_option_arguments(operation.method)
    arguments = {p.wire_name: p.name for p in operation.path_params}
    return OperationView(
        name=operation.name,
        operation_id=operation.operation_id,
        docstring=operation_docstring(operation),
        positional=positional,
        keywords=keywords,
        returns=response_annotation(operation),
        response_constant=response_constant(operation),
        http_method=operation.method,
        path_expression=path_expression(operation.path, arguments),
        query=payload_view(operation, operation.query, "query"),
        body=payload_view(operation, operation.body, "body"),
        base_url=python_literal(operation.server) if operation.server else None,
        pagination=pagination_view(operation, keywords),
    )

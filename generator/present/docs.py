"""What the Markdown documentation templates receive: pages as plain rows of text.

Nested request fields are flattened into dotted rows (``card.number``), types are written for
people (``string``, ``CustomerPaymentSourceCard or string``), and every cell is escaped here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .. import ir, naming, text
from . import describe, models
from .auth import auth_rows, client_context, operation_auth
from .examples import primitive_example
from .files import Template, header
from .python import python_literal

DOCS_BODY_LABELS = {
    "empty": "None (no body)",
    "text": "str (the text)",
    "file": "bytes (the raw file)",
}
"""The Response line of a call whose response has no type (``describe.body_kind``)."""


@dataclass(frozen=True)
class Row:
    name: str
    type: str
    required: str
    details: str  # constraints and enum values
    description: str


@dataclass(frozen=True)
class DocsPage:
    file_name: str
    title: str
    lead: str
    operation_id: str
    method: str
    path: str
    call: str
    async_call: str
    description: str
    deprecated: bool
    path_rows: tuple[Row, ...]
    query_rows: tuple[Row, ...]
    body_media_type: str
    body_rows: tuple[Row, ...]
    response: str
    response_description: str
    errors: str
    server: str
    example: str
    header_rows: tuple[Row, ...] = ()
    cookie_rows: tuple[Row, ...] = ()
    # how the body's fields are sent, a sentence ("" without a body)
    body_note: str = ""
    # the credentials it sends, a sentence; "" for Stripe's API (one key for everything)
    auth: str = ""
    # errors by HTTP status (any API but Stripe's), or Stripe's error-type tree
    generic_errors: bool = False
    error_body: str = ""  # what APIStatusError.body holds (generic_errors only)


@dataclass(frozen=True)
class IndexRow:
    link: str
    method: str
    path: str
    call: str
    summary: str


@dataclass(frozen=True)
class DocsGroup:
    name: str
    attribute: str
    rows: tuple[IndexRow, ...]


@dataclass(frozen=True)
class ModelSection:
    name: str
    anchor: str
    description: str
    rows: tuple[Row, ...]
    alias: str  # for aliases: the type written for people; "" for classes


@dataclass(frozen=True)
class Index:
    title: str
    api_version: str
    groups: tuple[DocsGroup, ...]
    operation_count: int
    model_count: int
    # argument, environment variable, how it is sent (none for Stripe's API)
    auth_rows: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Models:
    sections: tuple[ModelSection, ...]


def human_type(
    expr: ir.TypeExpr,
    *,
    prefix: str = "models.md",
    linkable: Optional[frozenset[str]] = None,
) -> str:
    """A type as the docs say it: ``string``, ``list of Card``, ``Card or string``.

    Model names link to their section of the models page (``prefix``, "" for that page
    itself) when they are documented there (``linkable``; None means all).
    """

    def model(name: str) -> str:
        if linkable is None or name in linkable:
            return f"[{name}]({prefix}#{naming.markdown_anchor(name)})"
        return f"`{name}`"

    return describe.words(
        expr,
        model=model,
        literal=lambda e: "enum" if not e.open else "enum (open)",
        map_of="map of ",
    )


def _enum_details(expr: ir.TypeExpr) -> list[str]:
    return [
        "one of "
        + ", ".join(
            text.table_code(str(v)) if v != "" else '`""` (empty string)'
            for v in values
        )
        for values in describe.enum_groups(expr, lists=False)
    ]


def _details(expr: ir.TypeExpr) -> str:
    labels = describe.constraint_labels(expr, maps=False)
    parts = list(dict.fromkeys(labels + _enum_details(expr)))
    return text.markdown_table_cell("; ".join(parts))


def _row(name: str, field: ir.Field, *, prefix: str, linkable: frozenset[str]) -> Row:
    return Row(
        name=text.table_code(name),
        type=text.markdown_table_cell(
            human_type(field.type, prefix=prefix, linkable=linkable)
        ),
        required="yes" if field.required else "no",
        details=_details(field.type),
        description=text.markdown_table_cell(
            field.doc + (" (deprecated)" if field.deprecated else "")
        ),
    )


class Site:
    """Builds every documentation page of one API."""

    def __init__(self, api: ir.Api, package: str) -> None:
        self.api = api
        self.package = package
        self.request_models = {m.name: m for g in api.groups for m in g.request_models}
        documented = [m.name for m in api.models] + [a.name for a in api.aliases]
        self.linkable = frozenset(documented)

    def _flatten(
        self,
        fields: tuple[ir.Field, ...],
        names: tuple[str, ...],
        prefix: str,
        depth: int,
        seen: tuple[str, ...],
    ) -> list[Row]:
        rows = []
        for name, field in zip(names, fields):
            wire = prefix + field.wire_name
            rows.append(
                _row(wire, field, prefix="../models.md", linkable=self.linkable)
            )
            if depth >= describe.DOCS_DEPTH:
                continue
            for model_name in sorted(set(describe.nested_models(field.type))):
                nested = self.request_models.get(model_name)
                if nested is None or model_name in seen:
                    continue
                rows += self._flatten(
                    nested.fields,
                    tuple(f.wire_name for f in nested.fields),
                    f"{wire}.",
                    depth + 1,
                    seen + (model_name,),
                )
        return rows

    def _payload_rows(self, payload: Optional[ir.Payload]) -> tuple[Row, ...]:
        if payload is None:
            return ()
        return tuple(self._flatten(payload.fields, payload.arguments, "", 1, ()))

    def operations(self) -> list[DocsPage]:
        return [self.operation(op) for op in self.api.operations]

    def operation(self, op: ir.Operation) -> DocsPage:
        error = (
            human_type(op.error, prefix="../models.md", linkable=self.linkable)
            if op.error
            else "none declared"
        )
        kind = describe.body_kind(op.response)
        response = (
            human_type(op.response.type, prefix="../models.md", linkable=self.linkable)
            if op.response.type is not None
            else DOCS_BODY_LABELS[kind]
        )
        return DocsPage(
            file_name=naming.docs_page(op.call),
            title=text.markdown_text(op.title),
            lead=_lead(op),
            operation_id=text.markdown_text(op.operation_id),
            method=op.method.upper(),
            path=text.markdown_text(op.path),
            call=f"client.{op.call}(...)",
            async_call=(
                f"async for item in async_client.{op.call}(...)"
                if op.pagination
                else f"await async_client.{op.call}(...)"
            ),
            description=op.doc,
            deprecated=op.deprecated,
            path_rows=tuple(
                Row(
                    text.table_code(p.wire_name),
                    text.markdown_table_cell(
                        human_type(
                            p.type, prefix="../models.md", linkable=self.linkable
                        )
                    ),
                    "yes",
                    _details(p.type),
                    text.markdown_table_cell(p.doc),
                )
                for p in op.path_params
            ),
            query_rows=self._payload_rows(op.query),
            body_media_type=op.body.media_type if op.body else "",
            body_rows=self._payload_rows(op.body),
            response=response,
            response_description=text.summary_line(op.response.doc),
            errors=error,
            server=op.server or self.api.base_url,
            example=self.example(op),
            header_rows=self._payload_rows(op.headers),
            cookie_rows=self._payload_rows(op.cookies),
            body_note=_body_note(op.body),
            auth=operation_auth(self.api, op),
            generic_errors=self.api.profile != "stripe",
            error_body=self._error_body(),
        )

    def _error_body(self) -> str:
        """What the generic client's ``APIStatusError.body`` holds: the API's error model
        (the one the runtime types error bodies with) when the body has its shape."""
        model = models.error_body_model(self.api)
        if model is None:
            return "the parsed JSON, else the text"
        typed = human_type(
            ir.ModelRef(model), prefix="../models.md", linkable=self.linkable
        )
        return (
            f"typed as {typed} when it has that shape, else the parsed JSON or the text"
        )

    def example(self, op: ir.Operation) -> str:
        """A Python call: required arguments, plus the richest nested object and metadata."""
        arguments = [python_literal(f"{p.wire_name}_id") for p in op.path_params]
        for payload in (op.query, op.body, op.headers, op.cookies):
            if payload is None:
                continue
            showcase = self._showcase(payload)
            for name, field in payload.arguments_and_fields:
                wanted = (
                    field.required or field.wire_name == "metadata" or field is showcase
                )
                if not wanted:
                    continue
                value = self._example_value(field.type, field.wire_name)
                if value is not None:
                    arguments.append(f"{name}={value}")
        call = f"client.{op.call}(" + ", ".join(arguments) + ")"
        if len(call) > 72:  # one argument a line, as black would lay it out
            call = (
                f"client.{op.call}(\n"
                + "".join(f"        {argument},\n" for argument in arguments)
                + "    )"
            )
        use = (
            f"    for item in {call}:\n        print(item)\n"
            if op.pagination
            else f"    result = {call}\n    print(result)\n"
        )
        return (
            f"from {self.package} import Client\n\n"
            f"with Client({client_context(self.api)['client_example']}) as client:\n"
            + use
        )

    def _showcase(self, payload: ir.Payload) -> Optional[ir.Field]:
        """The optional field taking the request model with the most required fields."""
        best: Optional[ir.Field] = None
        best_count = 0
        for field in payload.fields:
            for name in sorted(ir.referenced_names(field.type)):
                model = self.request_models.get(name)
                count = sum(f.required for f in model.fields) if model else 0
                if not field.required and count > best_count:
                    best, best_count = field, count
        return best

    def _example_value(
        self, expr: ir.TypeExpr, wire: str, depth: int = 0
    ) -> Optional[str]:
        """A Python literal for a value of ``expr``: parameters are plain data (TypedDicts
        take dict literals with the wire names as keys)."""
        if isinstance(expr, ir.Nullable):
            return self._example_value(expr.inner, wire, depth)
        if isinstance(expr, ir.UnionType):
            models = [
                m
                for m in expr.members
                if isinstance(m, ir.ModelRef) and m.name in self.request_models
            ]
            first = models[0] if models else expr.members[0]
            return self._example_value(first, wire, depth)
        if isinstance(expr, ir.ModelRef):
            model = self.request_models.get(expr.name)
            if model is None or depth > 2:
                return None
            parts = [
                f"{python_literal(f.wire_name)}: {value}"
                for f in model.fields
                if f.required
                for value in [self._example_value(f.type, f.wire_name, depth + 1)]
                if value is not None
            ]
            return "{" + ", ".join(parts) + "}"
        if isinstance(expr, ir.LiteralType):
            return python_literal(expr.values[0])
        if isinstance(expr, ir.MapType):
            return '{"order_id": "6735"}'
        if isinstance(expr, ir.ListType):
            inner = self._example_value(expr.item, wire, depth + 1)
            return f"[{inner}]" if inner is not None else None
        if isinstance(expr, ir.Primitive):
            if expr.name == "bytes":
                return 'b"..."'
            value = primitive_example(expr, wire)  # the placeholders every example uses
            return None if value is None else python_literal(value)
        return None

    def index(self) -> Index:
        groups = []
        for group in self.api.groups:
            rows = tuple(
                IndexRow(
                    link=naming.docs_page_link(op.call),
                    method=op.method.upper(),
                    path=text.markdown_text(op.path),
                    call=f"`client.{op.call}`",
                    summary=text.markdown_table_cell(op.summary),
                )
                for op in group.operations
            )
            groups.append(DocsGroup(group.name, group.attribute, rows))
        return Index(
            title=self.api.title,
            api_version=self.api.api_version,
            groups=tuple(groups),
            operation_count=len(self.api.operations),
            model_count=len(self.api.models),
            auth_rows=auth_rows(self.api),
        )

    def models(self) -> Models:
        sections = [
            ModelSection(
                name=model.name,
                anchor=naming.markdown_anchor(model.name),
                description=model.doc,
                rows=tuple(
                    _row(f.wire_name, f, prefix="", linkable=self.linkable)
                    for f in model.fields
                ),
                alias="",
            )
            for model in self.api.models
        ]
        sections += [
            ModelSection(
                a.name,
                naming.markdown_anchor(a.name),
                a.doc,
                (),
                human_type(a.type, prefix="", linkable=self.linkable),
            )
            for a in self.api.aliases
        ]
        return Models(tuple(sorted(sections, key=lambda s: s.name)))


def _body_note(body: Optional[ir.Payload]) -> str:
    """What the docs page says of how a body is sent: Stripe's bracket spelling for forms,
    the media types a caller may choose, those not generated."""
    if body is None:
        return ""
    if body.kind in ("form", "multipart"):
        note = "Nested fields are shown with dots (`card.number` is sent as `card[number]`)."
    elif body.whole:
        note = "The body is one argument, `body`."
    else:
        note = "Nested fields are shown with dots."
    if body.content_types:
        choices = ", ".join(f"`{m}`" for m in body.content_types)
        note += (
            f" `{body.content_type_argument}=` chooses the media type: {choices}"
            " (the first by default)."
        )
    if body.unoffered:
        note += " Also accepted by the API, not sent by the client: " + ", ".join(
            f"`{m}`" for m in body.unoffered
        )
        note += "."
    return note


def _lead(op: ir.Operation) -> str:
    """The summary line, unless the description already starts with it."""
    stem = op.summary.rstrip(".…")
    return "" if not stem or op.doc.startswith(stem) else op.summary


def files(api: ir.Api, package: str) -> list[Template]:
    """The Markdown pages under ``docs/``: the index, the models page, one per operation."""
    site = Site(api, package)
    top = header(api, comment="<!--")
    out = [
        Template("docs/index.md", "docs/index.md.jinja", {"site": site.index()}, top),
        Template(
            "docs/models.md", "docs/models.md.jinja", {"site": site.models()}, top
        ),
    ]
    out += [
        Template(
            f"docs/{naming.docs_page_link(op.call)}",
            "docs/operation.md.jinja",
            {"page": page},
            top,
        )
        for op, page in zip(api.operations, site.operations())
    ]
    return out

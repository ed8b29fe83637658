"""The interactive API reference: one HTML page per operation, an index, and static assets.

Each operation page shows the reference (method, path, description, parameters and every body
field, nested) rendered on the server side by Jinja, and carries a JSON description of the
request (:func:`operation_data`) from which ``reference.js`` builds the "Try it" form, the live
code snippets and the request it sends to the gateway (``generator/gateway.py``).

Escaping, in one place:

- Spec text is Markdown (``text.py`` made it so); :func:`markdown_html` renders it with
  markdown-it with raw HTML *disabled*, so ``<script>`` or ``<img onerror=...>`` in a description
  comes out as text, and unsafe link schemes (``javascript:``) are refused.
- Every other value goes through Jinja's autoescape (``.html`` templates).
- The JSON data sits in ``<script type="application/json">``; :func:`script_json` escapes
  ``<``, ``>`` and ``&`` as ``\\u003c`` etc. so no value can close the element.
- The pages carry a Content-Security-Policy that allows only the page's own script file, so
  even a mistake above could not run inline code.

Everything here is deterministic: the order of the IR, no clocks, no sets in the output.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Optional, Union

from .. import ir, naming, text
from ..gateway_api import ACCOUNT_PATTERN, STATUS_PATH
from . import describe
from .describe import label as type_label
from .examples import Examples, example_json
from .models import object_tag
from .files import (
    File,
    Static,
    Template,
    Text,
    block_comment_header,
    html_header,
    notice,
)

if TYPE_CHECKING:  # pragma: no cover
    from markdown_it import MarkdownIt

__all__ = [
    "ReferencePage",
    "components_by_name",
    "files",
    "indented_json",
    "markdown_html",
    "operation_data",
    "script_json",
]

ASSETS = ("reference.css", "reference.js")
DEFAULT_GATEWAY = "http://127.0.0.1:8787"
STORAGE_KEY = "codegen.reference.gateway"
ACCOUNT_OPTION = "stripe_account"
"""The per-call option (one of ``naming.CALL_OPTIONS``) the Python snippet sets for the
connected account the page sends as ``Stripe-Account``."""

REFERENCE_BODY_LABELS = {
    "empty": "none (no body)",
    "text": "text",
    "file": "file (binary)",
}
"""The response type shown for a call whose response has no type (``describe.body_kind``)."""

# --- text -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _markdown() -> MarkdownIt:
    # CommonMark with raw HTML off: HTML in the source is shown as text, never interpreted.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


@functools.lru_cache(maxsize=4096)
def markdown_html(markdown: str) -> str:
    """Safe HTML for a Markdown description; "" for none."""
    if not markdown.strip():
        return ""
    html: str = _markdown().render(markdown)
    return html.strip()


_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(data: Any) -> str:
    """JSON text safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where ``\\u003c`` means the same
    character, so the data is unchanged while ``</script>`` or ``<!--`` cannot appear.
    Invisible characters (only ever inside JSON strings) become ``\\u`` escapes too.
    """
    text = indented_json(data)
    for char, escape in _script_escapes(text):
        text = text.replace(char, escape)
    return text


def indented_json(value: Any, margin: str = "") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1)``, in less time.

    With an indent, ``json`` encodes in Python, through one generator per container; here
    each container is one ``str.join``, and strings are encoded by ``json``'s C code. Keys
    must be strings (``json`` would quietly turn others into strings).
    """
    kind = type(value)
    if kind is str:
        return _json_string(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = margin + " "
        items = [_json_key(key) + indented_json(v, inner) for key, v in value.items()]
        return "{\n" + inner + (",\n" + inner).join(items) + "\n" + margin + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = margin + " "
        items = [indented_json(v, inner) for v in value]
        return "[\n" + inner + (",\n" + inner).join(items) + "\n" + margin + "]"
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    return json.dumps(value)  # numbers (and anything else) exactly as json writes them


_json_string = (
    json.encoder.encode_basestring
)  # ensure_ascii=False, as the C encoder does


def _json_key(key: object) -> str:
    if type(key) is not str:
        raise TypeError(f"JSON keys must be strings, not {type(key).__name__}")
    return _json_string(key) + ": "


def _script_escapes(text: str) -> list[tuple[str, str]]:
    """Each distinct character of ``text`` that needs an escape, with its escape.

    Found from the set of characters, so that the page's JSON is escaped by a few
    ``str.replace`` calls instead of one Python call per character.
    """
    escapes = []
    for char in sorted(set(text)):
        if char in _SCRIPT_ESCAPES:
            escapes.append((char, _SCRIPT_ESCAPES[char]))
        elif not char.isprintable() and char not in "\n ":
            escapes.append((char, json.dumps(char)[1:-1]))
    return escapes


# --- types ------------------------------------------------------------------------------------


def _enum_label(value: Union[str, int, float, bool]) -> str:
    if value == "":
        return '"" (empty string)'
    if isinstance(value, bool):
        return "true" if value else "false"
    # controls (and other invisible characters) shown as escapes, as Python would write them
    shown = str(value)
    if shown.isprintable():
        return shown
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in shown)


def _choice_key(expr: ir.TypeExpr) -> str:
    if isinstance(expr, ir.ModelRef):
        return "object"
    if isinstance(expr, ir.LiteralType):
        return "empty" if expr.values == ("",) else "enum"
    if isinstance(expr, ir.Primitive):
        return describe.primitive_word(expr)
    if isinstance(expr, ir.ListType):
        return "list"
    if isinstance(expr, ir.MapType):
        return "map"
    return "value"


def _choice_label(expr: ir.TypeExpr, members: tuple[ir.TypeExpr, ...]) -> str:
    has_model = any(isinstance(m, ir.ModelRef) for m in members)
    if isinstance(expr, ir.ModelRef):
        return f"object ({expr.name})"
    if isinstance(expr, ir.LiteralType) and expr.values == ("",):
        return "empty string (unsets the value)"
    if has_model and isinstance(expr, ir.Primitive) and expr.name == "str":
        return "token or ID (string)"
    return type_label(expr)


class _Schema:
    """Turns IR types into the JSON nodes ``reference.js`` builds its form from."""

    def __init__(
        self, components: Mapping[str, ir.Model], group: Optional[ir.Group]
    ) -> None:
        self.local = {m.name: m for m in group.request_models} if group else {}
        self.modules = (
            {m.name: f"params.{group.name}" for m in group.request_models}
            if group
            else {}
        )
        self.components = components
        self.models: dict[str, dict[str, Any]] = {}

    def model(self, name: str) -> Optional[ir.Model]:
        return self.local.get(name) or self.components.get(name)

    def node(self, expr: ir.TypeExpr) -> dict[str, Any]:
        if isinstance(expr, ir.Nullable):
            return {**self.node(expr.inner), "nullable": True}
        if isinstance(expr, ir.Primitive):
            node: dict[str, Any] = {
                "kind": describe.PRIMITIVE_WORDS.get(expr.name, "any")
            }
            if expr.constraints:
                node["constraints"] = {c.keyword: c.value for c in expr.constraints}
            return node
        if isinstance(expr, ir.LiteralType):
            return {"kind": "enum", "values": list(expr.values)}
        if isinstance(expr, ir.ListType):
            return {"kind": "array", "item": self.node(expr.item)}
        if isinstance(expr, ir.MapType):
            return {"kind": "map", "value": self.node(expr.value)}
        if isinstance(expr, ir.UnionType):
            choices = []
            seen: dict[str, int] = {}
            for member in expr.members:
                key = _choice_key(member)
                seen[key] = seen.get(key, 0) + 1
                if seen[key] > 1:
                    key = f"{key}{seen[key]}"
                choices.append(
                    {
                        "key": key,
                        "label": _choice_label(member, expr.members),
                        "type": self.node(member),
                    }
                )
            return {"kind": "union", "choices": choices}
        self._add_model(expr.name)
        return {"kind": "object", "model": expr.name}

    def _add_model(self, name: str) -> None:
        if name in self.models:
            return
        model = self.model(name)
        entry: dict[str, Any] = {
            "module": self.modules.get(name, "models"),
            "fields": [],
        }
        self.models[name] = entry  # before the fields: models may be recursive
        if model is None:
            entry["open"] = True  # an alias or unknown shape: free-form keys
            return
        entry["fields"] = [self.field(f, f.name) for f in model.fields]
        entry["open"] = not model.closed

    def field(self, field: ir.Field, python: str) -> dict[str, Any]:
        return {
            "name": field.wire_name,
            "python": python,
            "required": field.required,
            "deprecated": field.deprecated,
            "label": type_label(field.type),
            "details": _details(field.type),
            "description_html": markdown_html(field.doc),
            "type": self.node(field.type),
        }


def _details(expr: ir.TypeExpr) -> list[str]:
    """Constraints and enum values: the form's data (``operation_data``) keeps both."""
    return list(dict.fromkeys(_limits(expr) + _choices_detail(expr)))


def _limits(expr: ir.TypeExpr) -> list[str]:
    """``max length 5000`` and the like: shown on the page, but quietly (Stripe puts one on
    nearly every string), apart from the enum values a reader needs."""
    return list(dict.fromkeys(describe.constraint_labels(expr)))


def _choices_detail(expr: ir.TypeExpr) -> list[str]:
    values = describe.enum_values(expr)
    return ["one of " + ", ".join(_enum_label(v) for v in values)] if values else []


_PLACEHOLDER_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


def path_placeholder(name: str) -> str:
    """What the snippets show for a path parameter left empty: ``customer_...`` for
    ``{customer}``.

    Letters, digits, ``_`` and dots only, so it is one URL path segment (not a dot segment),
    a shell word and a Python string as it stands: no value to escape, no curl glob.
    """
    stem = _PLACEHOLDER_UNSAFE.sub("_", name).strip("_") or "value"
    return f"{stem}_..."


def components_by_name(api: ir.Api) -> dict[str, ir.Model]:
    """The response models by name: built once for all pages, not once per page."""
    return {m.name: m for m in api.models}


def operation_data(
    components: Mapping[str, ir.Model],
    group: Optional[ir.Group],
    op: ir.Operation,
    package: str,
) -> dict[str, Any]:
    """The JSON description of one operation's request that ``reference.js`` works from.

    ``components`` is ``components_by_name(api)``.
    """
    schema = _Schema(components, group)

    def payload(value: Optional[ir.Payload]) -> Optional[dict[str, Any]]:
        if value is None:
            return None
        return {
            "media_type": value.media_type,
            "styles": dict(value.styles),
            "fields": [
                schema.field(f, argument) for argument, f in value.arguments_and_fields
            ],
        }

    path_params = [
        {
            "name": p.wire_name,
            "python": p.name,
            "required": True,
            "deprecated": False,
            "label": type_label(p.type),
            "details": _details(p.type),
            "description_html": markdown_html(p.doc),
            "type": schema.node(p.type),
            "placeholder": path_placeholder(p.wire_name),
        }
        for p in op.path_params
    ]
    data: dict[str, Any] = {
        "operation_id": op.operation_id,
        "method": op.method.upper(),
        "path": op.path,
        "package": package,
        "call": op.call,
        "path_params": path_params,
        "query": payload(op.query),
        # the form encodes form bodies only (see _try_note)
        "body": payload(op.body) if op.body and op.body.kind in FORM_KINDS else None,
    }
    data["models"] = {name: schema.models[name] for name in sorted(schema.models)}
    return data


# --- server-side rendered reference -----------------------------------------------------------


@dataclass(frozen=True)
class TypePart:
    """A piece of a type's label: a model's name (``link`` its page) or the words between."""

    text: str
    link: str = ""


@dataclass(frozen=True)
class FieldDoc:
    name: str
    type: str
    required: bool
    deprecated: bool
    details: tuple[str, ...]
    description: str  # safe HTML
    choices: tuple[str, ...]  # "token or object": the alternatives, in words
    children: tuple["FieldDoc", ...]
    child_model: str  # the model the children belong to, "" for none
    truncated: bool  # nested deeper than describe.REFERENCE_DEPTH (or recursive): children left out
    limits: tuple[
        str, ...
    ] = ()  # constraint labels, shown de-emphasised (details: enum values)
    type_parts: tuple[
        TypePart, ...
    ] = ()  # ``type``, its model names linked to their pages
    child_link: str = ""  # the page of ``child_model``, "" for none
    expandable: bool = (
        False  # Stripe's expandable reference: an ID, or the object expanded
    )
    nullable: bool = False  # the value may be null


@dataclass(frozen=True)
class PayloadDoc:
    title: str
    media_type: str
    fields: tuple[FieldDoc, ...]
    bracketed: bool = False  # a form body: the page explains the bracket spelling
    note: str = ""  # how else it is sent (a JSON body, a choice of media types)

    @property
    def parameters(self) -> bool:
        """Query, header or cookie parameters: no media type to show."""
        return self.media_type in ("query", "header", "cookie")


@dataclass(frozen=True)
class ReferencePage:
    file_name: str
    title: str
    summary: str
    operation_id: str
    method: str
    path: str
    python_call: str
    description: str  # safe HTML
    deprecated: bool
    path_params: tuple[FieldDoc, ...]
    payloads: tuple[PayloadDoc, ...]
    server: str
    returns: "ResponseDoc"
    errors: "ErrorDoc"
    data_json: str  # already escaped for a <script type="application/json">
    # what the Try-it form leaves out (a JSON, text or binary body; header and cookie
    # parameters), "" when it sends the whole request
    try_note: str = ""


@dataclass(frozen=True)
class VariantDoc:
    """One object a response may be: its fields and an example."""

    name: str  # the model, or the type in words for a value that is no model
    link: str  # its model page, "" for none
    tag: str  # the value of its ``object`` field that tells it apart, "" for none
    description: str  # safe HTML
    fields: tuple[FieldDoc, ...]
    example: str  # JSON text (escaped by the template)
    example_source: str  # where the example comes from, in words
    anchor: str = ""  # the id of its block on the page


@dataclass(frozen=True)
class ResponseDoc:
    """What a call returns: its type, and one variant per object it may be."""

    type_parts: tuple[TypePart, ...]
    description: str  # safe HTML
    discriminator: str  # the field telling a union's variants apart, "" for none
    variants: tuple[VariantDoc, ...]


@dataclass(frozen=True)
class ErrorClass:
    """An exception the Python client raises for an error response, and when."""

    when: str
    name: str
    description: str  # safe HTML


@dataclass(frozen=True)
class ErrorDoc:
    """The body of an error response, the error types the spec names and the exceptions."""

    type_parts: tuple[TypePart, ...]
    fields: tuple[FieldDoc, ...]
    types: tuple[
        str, ...
    ]  # the values of the error's ``type`` field, () when not an enum
    codes: tuple[str, ...]  # the values of its ``code`` field, () when not an enum
    codes_note: str  # what the spec says of the codes when it lists none
    example: str  # JSON text
    classes: tuple[ErrorClass, ...]
    base: str  # the base class of every exception


@dataclass(frozen=True)
class OperationLink:
    link: str
    method: str
    path: str
    title: str


@dataclass(frozen=True)
class ModelPage:
    """One model's page: its fields (or, for a union, its members), an example, and the
    operations that return or take it."""

    file_name: str
    name: str
    kind: str  # "Response object", "Union", "Request parameters"
    description: str  # safe HTML
    fields: tuple[FieldDoc, ...]
    members: tuple[TypePart, ...]  # a union's members, linked; () for a class
    discriminator: str
    example: str  # JSON text, "" for request parameters
    example_source: str
    returned_by: tuple[OperationLink, ...]
    taken_by: tuple[OperationLink, ...]


@dataclass(frozen=True)
class ModelEntry:
    link: str
    name: str


@dataclass(frozen=True)
class IndexEntry:
    link: str
    method: str
    path: str
    title: str
    python_call: str
    operation_id: str = ""


@dataclass(frozen=True)
class ReferenceGroup:
    name: str
    entries: tuple[IndexEntry, ...]
    anchor: str = ""  # the section's id (naming.reference_group_anchor)


@dataclass(frozen=True)
class NavEntry:
    """An operation in the sidebar: its page (from the reference's root folder), its method
    and its call below the group (``sources.create`` under ``customers``)."""

    link: str
    method: str
    label: str
    current: bool


@dataclass(frozen=True)
class NavGroup:
    """A resource group in the sidebar: a link to its index section; its operations only
    when it holds the current page (62 groups and 468 operations on every page would weigh
    more than the page itself)."""

    name: str
    link: str
    current: bool
    entries: tuple[NavEntry, ...]


METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")
"""The index's method filter lists the API's methods in this order, any others after."""


class _Docs:
    """Field trees of one page: ``limit`` objects deep (then a link to the model's page);
    ``references`` also opens Stripe's expandable references (a request may send the object,
    a response holds the ID unless expanded: its page documents the object)."""

    def __init__(
        self,
        components: Mapping[str, ir.Model],
        group: Optional[ir.Group],
        links: Optional["ModelLinks"] = None,
        *,
        limit: int = describe.REFERENCE_DEPTH,
        references: bool = True,
        inline: Optional[int] = None,
        descriptions: bool = True,
        expansion: bool = True,
    ) -> None:
        self.schema = _Schema(components, group)
        self.links = links if links is not None else ModelLinks({}, "")
        self.limit = limit
        self.references = references
        # open nested models of at most this many fields (None: all)
        self.inline = inline
        # without: the shape only (the model pages describe the fields)
        self.descriptions = descriptions
        # the API expands an ``ID or object`` field on request (Stripe's ``expand[]``)
        self.expansion = expansion

    def fields(
        self, fields: tuple[ir.Field, ...], depth: int, seen: tuple[str, ...]
    ) -> tuple[FieldDoc, ...]:
        return tuple(self.field(f, depth, seen) for f in fields)

    def field(self, field: ir.Field, depth: int, seen: tuple[str, ...]) -> FieldDoc:
        expr = field.type
        members = describe.union_members(expr)
        expandable = (
            describe.expandable(expr) and not self.references and self.expansion
        )
        choices = tuple(_choice_label(m, members) for m in members)
        children: tuple[FieldDoc, ...] = ()
        child_model = ""
        truncated = False
        for name in describe.nested_models(expr)[:1]:
            model = self.schema.model(name)
            if model is None:
                continue
            child_model = name
            large = self.inline is not None and len(model.fields) > self.inline
            if depth >= self.limit or name in seen or expandable or large:
                truncated = True
                continue
            children = self.fields(model.fields, depth + 1, seen + (name,))
        return FieldDoc(
            name=text.visible(field.wire_name),
            type=type_label(expr),
            required=field.required,
            deprecated=field.deprecated,
            details=tuple(_choices_detail(expr)),
            description=markdown_html(field.doc) if self.descriptions else "",
            # a response's alternatives are its type's words already (with their links)
            choices=choices if len(choices) > 1 and self.references else (),
            children=children,
            child_model=child_model,
            truncated=truncated,
            type_parts=self.links.parts(expr),
            child_link=self.links.link(child_model),
            expandable=expandable,
            nullable=describe.nullable(expr),
            limits=tuple(_limits(expr)),
        )


@dataclass(frozen=True)
class ModelLinks:
    """The model pages a page links to: file names by model name, and the folder's path
    from the page (``../models/`` from an operation page, "" from a model page)."""

    pages: Mapping[str, str]
    prefix: str

    def link(self, name: str) -> str:
        page = self.pages.get(name)
        return self.prefix + page if page else ""

    def parts(self, expr: ir.TypeExpr) -> tuple[TypePart, ...]:
        return tuple(
            TypePart(piece, self.link(name))
            for piece, name in describe.label_parts(expr)
        )

    def moved(self, prefix: str) -> "ModelLinks":
        return ModelLinks(self.pages, prefix)


def _python_call(op: ir.Operation) -> str:
    return f"client.{op.call}(...)"


class Site:
    """What every page of one API's reference shares: the model pages and their links, the
    examples, the error section, and which operations return or take each model."""

    def __init__(self, api: ir.Api) -> None:
        self.api = api
        self.components = components_by_name(api)
        self.aliases = {a.name: a for a in api.aliases}
        self.request_models = request_models(api)
        self.pages = naming.reference_model_pages(model_page_names(api))
        self.links = ModelLinks(self.pages, "../models/")
        self.examples = Examples(
            {**self.request_models, **self.components}, self.aliases, api.fixtures
        )
        self.returned_by, self.taken_by = _usage(api, self)
        self._errors: Optional[ErrorDoc] = None

    def errors(self) -> ErrorDoc:
        if self._errors is None:
            self._errors = _error_doc(self)
        return self._errors

    def variants(
        self, expr: ir.TypeExpr, links: ModelLinks
    ) -> tuple[str, tuple[VariantDoc, ...]]:
        """The objects a response of type ``expr`` may be (one per union member) and the
        field telling them apart."""
        discriminator = ""
        members: tuple[ir.TypeExpr, ...] = (expr,)
        if isinstance(expr, ir.ModelRef) and expr.name in self.aliases:
            aliased = self.aliases[expr.name].type
            if isinstance(aliased, ir.UnionType):
                members = aliased.members
                discriminator = aliased.discriminator or ""
            else:
                members = (aliased,)
        docs = _Docs(
            self.components,
            None,
            links,
            limit=describe.RESPONSE_DEPTH,
            references=False,
            expansion=self.api.profile == "stripe",
            inline=describe.RESPONSE_INLINE_FIELDS,
        )
        variants = [self.variant(m, docs, links) for m in members]
        anchors = naming.page_anchors("returns", [v.name for v in variants])
        return discriminator, tuple(
            dataclasses.replace(v, anchor=a) for v, a in zip(variants, anchors)
        )

    def variant(
        self, expr: ir.TypeExpr, docs: "_Docs", links: ModelLinks
    ) -> VariantDoc:
        model = (
            self.components.get(expr.name) if isinstance(expr, ir.ModelRef) else None
        )
        if model is None:
            value = self.examples.value(expr, "", 0, ())
            return VariantDoc(
                name=type_label(expr),
                link="",
                tag="",
                description="",
                fields=(),
                example=example_json(value),
                example_source=SYNTHESIZED,
            )
        value, fixture = self.examples.of_model(model.name)
        return VariantDoc(
            name=model.name,
            link=links.link(model.name),
            tag=object_tag(model) or "",
            description=markdown_html(model.doc),
            fields=docs.fields(model.fields, 1, (model.name,)),
            example=example_json(value),
            example_source=FROM_FIXTURES if fixture else SYNTHESIZED,
        )

    def operation_link(self, op: ir.Operation, prefix: str) -> OperationLink:
        return OperationLink(
            link=prefix + naming.reference_page(op.call),
            method=op.method.upper(),
            path=text.visible(op.path),
            title=op.summary or text.visible(op.operation_id),
        )


FROM_FIXTURES = "Example from the API's fixtures"
SYNTHESIZED = "Example synthesized from the schema"


def request_models(api: ir.Api) -> dict[str, ir.Model]:
    """The models of request parameters by name (a name two groups share: the first's),
    without the payload models themselves (their fields are the operation's page)."""
    payloads = {
        payload.model
        for op in api.operations
        for payload in (op.query, op.body, op.headers, op.cookies)
        if payload is not None
    }
    found: dict[str, ir.Model] = {}
    for group in api.groups:
        for model in group.request_models:
            if model.name not in payloads:
                found.setdefault(model.name, model)
    return found


def model_page_names(api: ir.Api) -> list[str]:
    """Every model with a page, in the order of their pages: the response models and
    aliases (by name), then the request models a response model's name does not take."""
    names = sorted([m.name for m in api.models] + [a.name for a in api.aliases])
    taken = set(names)
    names += [name for name in request_models(api) if name not in taken]
    return names


def _usage(
    api: ir.Api, site: Site
) -> tuple[dict[str, list[ir.Operation]], dict[str, list[ir.Operation]]]:
    """The operations returning each model (the response's models, a union's members and a
    list's items) and those taking each request model (at any depth of the parameters).
    """
    returned: dict[str, list[ir.Operation]] = {}
    taken: dict[str, list[ir.Operation]] = {}
    for op in api.operations:
        names: list[str] = []
        if op.response.type is not None:
            names = describe.nested_models(op.response.type)
        for name in list(names):  # a list's items
            model = site.components.get(name)
            for field in model.fields if model is not None else ():
                if field.wire_name == "data" and isinstance(field.type, ir.ListType):
                    names += describe.nested_models(field.type)
        for name in list(names):  # a union's members
            alias = site.aliases.get(name)
            if alias is not None:
                names += describe.nested_models(alias.type)
        for name in dict.fromkeys(names):
            returned.setdefault(name, []).append(op)
        wanted = [
            n
            for payload in (op.query, op.body, op.headers, op.cookies)
            if payload is not None
            for f in payload.fields
            for n in describe.nested_models(f.type)
        ]
        found: dict[str, None] = {}
        while wanted:
            name = wanted.pop(0)
            model = site.request_models.get(name)
            if name in found or model is None:
                continue
            found[name] = None
            wanted += [n for f in model.fields for n in describe.nested_models(f.type)]
        for name in found:
            taken.setdefault(name, []).append(op)
    return returned, taken


def _error_doc(site: Site) -> ErrorDoc:
    """The error section every operation page shares: the API's error body (its fields,
    with the models it holds opened), its types and codes when the spec lists them, and
    the exceptions of the Python client (read from its runtime: one mapping, not two).
    """
    api = site.api
    model = site.components.get(api.error_model or "")
    fields: tuple[FieldDoc, ...] = ()
    types: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    codes_note = ""
    example = ""
    if model is not None:
        # the shape, on every operation page: its descriptions are on the models' pages
        docs = _Docs(
            site.components,
            None,
            site.links,
            limit=2,
            references=False,
            expansion=site.api.profile == "stripe",
            descriptions=False,
        )
        fields = docs.fields(model.fields, 1, (model.name,))
        types = _enum_of(site, model, "type")
        codes = _enum_of(site, model, "code")
        if not codes and _field_of(site, model, "code") is not None:
            codes_note = (
                "The spec gives code as a string without a list of values; its "
                "description above says what it means."
            )
        example = example_json(site.examples.value(ir.ModelRef(model.name), "", 0, ()))
    return ErrorDoc(
        type_parts=(
            site.links.parts(ir.ModelRef(api.error_model))
            if api.error_model
            else (TypePart("none declared"),)
        ),
        fields=fields,
        types=types,
        codes=codes,
        codes_note=codes_note,
        example=example,
        classes=error_classes(api.profile),
        base="StripeError" if api.profile == "stripe" else "APIStatusError",
    )


def _field_of(site: Site, model: ir.Model, wire: str) -> Optional[ir.Field]:
    """The field ``wire`` of the error model, or of a model it holds (Stripe's ``error``)."""
    for field in model.fields:
        if field.wire_name == wire:
            return field
    for field in model.fields:
        for name in describe.nested_models(field.type):
            inner = site.components.get(name)
            found = next(
                (f for f in inner.fields if f.wire_name == wire) if inner else iter(()),
                None,
            )
            if found is not None:
                return found
    return None


def _enum_of(site: Site, model: ir.Model, wire: str) -> tuple[str, ...]:
    field = _field_of(site, model, wire)
    if field is None:
        return ()
    return tuple(_enum_label(v) for v in describe.enum_values(field.type))


def error_classes(profile: str) -> tuple[ErrorClass, ...]:
    """Which exception the client raises for which error response, in the order the
    runtime decides: read from the runtime's own tables, so the page says what it does.
    """
    rules: list[tuple[str, type]] = []
    if profile == "stripe":
        from ..runtime import errors as stripe_errors

        rules += [
            (f"error type {kind}", cls)
            for kind, cls in stripe_errors._ERRORS_BY_TYPE.items()
        ]
        rules += [
            (f"HTTP {status} with error code {code}", cls)
            for (status, code), cls in stripe_errors._ERRORS_BY_CODE.items()
        ]
        by_status: Mapping[int, type] = stripe_errors._ERRORS_BY_STATUS
        default: type = stripe_errors._DEFAULT_ERROR
    else:
        from ..runtime import errors_generic

        rules.append(("HTTP 500 and above", errors_generic._SERVER_ERROR))
        by_status = errors_generic._ERRORS_BY_STATUS
        default = errors_generic._DEFAULT_ERROR
    statuses: dict[type, list[str]] = {}
    for status, cls in by_status.items():
        statuses.setdefault(cls, []).append(str(status))
    rules += [(f"HTTP {', '.join(codes)}", cls) for cls, codes in statuses.items()]
    rules.append(("any other status", default))
    return tuple(
        ErrorClass(when, cls.__name__, markdown_html(_first_line(cls.__doc__ or "")))
        for when, cls in rules
    )


def _first_line(doc: str) -> str:
    return " ".join(doc.strip().split("\n\n")[0].split())


def operation_page(
    api: ir.Api,
    components: Mapping[str, ir.Model],
    group: Optional[ir.Group],
    op: ir.Operation,
    package: str,
    site: Optional[Site] = None,
) -> ReferencePage:
    """One operation's page; ``components`` is ``components_by_name(api)``."""
    site = site if site is not None else Site(api)
    docs = _Docs(components, group, site.links)
    path_params = tuple(
        FieldDoc(
            name=text.visible(p.wire_name),
            type=type_label(p.type),
            required=True,
            deprecated=False,
            details=tuple(_choices_detail(p.type)),
            description=markdown_html(p.doc),
            choices=(),
            children=(),
            child_model="",
            truncated=False,
            limits=tuple(_limits(p.type)),
            type_parts=site.links.parts(p.type),
        )
        for p in op.path_params
    )
    payloads = []
    if op.query is not None:
        payloads.append(
            PayloadDoc("Query parameters", "query", docs.fields(op.query.fields, 1, ()))
        )
    if op.body is not None:
        payloads.append(
            PayloadDoc(
                "Body parameters",
                op.body.media_type,
                docs.fields(op.body.fields, 1, ()),
                bracketed=op.body.kind in FORM_KINDS,
                note=_body_note(op.body),
            )
        )
    for title, extra in (
        ("Header parameters", op.headers),
        ("Cookie parameters", op.cookies),
    ):
        if extra is not None:
            payloads.append(
                PayloadDoc(title, extra.kind, docs.fields(extra.fields, 1, ()))
            )
    if op.response.type is not None:
        response_parts = site.links.parts(op.response.type)
        discriminator, variants = site.variants(op.response.type, site.links)
    else:
        words = REFERENCE_BODY_LABELS[describe.body_kind(op.response)]
        response_parts, discriminator, variants = (TypePart(words),), "", ()
    return ReferencePage(
        file_name=naming.reference_page(op.call),
        title=op.title,
        summary=op.summary,
        operation_id=text.visible(op.operation_id),
        method=op.method.upper(),
        path=text.visible(op.path),
        python_call=_python_call(op),
        description=markdown_html(op.doc),
        deprecated=op.deprecated,
        path_params=path_params,
        payloads=tuple(payloads),
        server=op.server or api.base_url,
        returns=ResponseDoc(
            type_parts=response_parts,
            description=markdown_html(op.response.doc),
            discriminator=discriminator,
            variants=variants,
        ),
        errors=site.errors(),
        data_json=script_json(operation_data(components, group, op, package)),
        try_note=_try_note(op),
    )


def model_pages(site: Site) -> list[ModelPage]:
    """One page per model of ``model_page_names``, in that order."""
    links = site.links.moved("")
    docs = _Docs(
        {**site.request_models, **site.components},
        None,
        links,
        limit=describe.MODEL_PAGE_DEPTH,
        references=False,
        expansion=site.api.profile == "stripe",
    )
    pages = []
    for name, file_name in site.pages.items():
        alias = site.aliases.get(name)
        model = site.components.get(name) or site.request_models.get(name)
        request = model is not None and name not in site.components
        members: tuple[TypePart, ...] = ()
        discriminator = ""
        fields: tuple[FieldDoc, ...] = ()
        if alias is not None:
            kind, doc = (
                "Union" if describe.union_members(alias.type) else "Type"
            ), alias.doc
            members = links.parts(alias.type)
            if isinstance(alias.type, ir.UnionType):
                discriminator = alias.type.discriminator or ""
        elif model is not None:
            kind, doc = ("Request parameters" if request else "Object"), model.doc
            fields = docs.fields(model.fields, 1, (name,))
        else:  # pragma: no cover - every name has a model or an alias
            continue
        example, source = "", ""
        if not request:
            value, fixture = site.examples.of_model(name)
            example = example_json(value)
            source = FROM_FIXTURES if fixture else SYNTHESIZED
        pages.append(
            ModelPage(
                file_name=file_name,
                name=name,
                kind=kind,
                description=markdown_html(doc),
                fields=fields,
                members=members,
                discriminator=discriminator,
                example=example,
                example_source=source,
                returned_by=tuple(
                    site.operation_link(op, "../operations/")
                    for op in site.returned_by.get(name, ())
                ),
                taken_by=tuple(
                    site.operation_link(op, "../operations/")
                    for op in site.taken_by.get(name, ())
                ),
            )
        )
    return pages


def model_entries(site: Site) -> tuple[ModelEntry, ...]:
    """The index's list of models, by name."""
    return tuple(
        ModelEntry(link=f"models/{page}", name=name)
        for name, page in sorted(site.pages.items())
    )


FORM_KINDS = frozenset({"form", "multipart"})
"""Bodies the Try-it form encodes (``reference.js``): form fields, with brackets."""


def _body_note(body: ir.Payload) -> str:
    """How a body other than a form is sent, as plain text for the page."""
    notes = []
    if body.whole:
        notes.append("The body is one value: the argument body.")
    if body.content_types:
        notes.append(
            f"{body.content_type_argument}= chooses the media type: "
            + ", ".join(body.content_types)
            + " (the first by default)."
        )
    if body.unoffered:
        notes.append(
            "Also accepted by the API, not sent by the client: "
            + ", ".join(body.unoffered)
            + "."
        )
    return " ".join(notes)


def _try_note(op: ir.Operation) -> str:
    """What the Try-it form does not send, said on the page (the form sends path and query
    parameters and form bodies)."""
    left = []
    if op.body is not None and op.body.kind not in FORM_KINDS:
        left.append(f"the {op.body.media_type} body")
    if op.headers is not None:
        left.append("header parameters")
    if op.cookies is not None:
        left.append("cookie parameters")
    if not left:
        return ""
    verb = "is" if len(left) == 1 and left[0].endswith("body") else "are"
    return (
        "This form sends path and query parameters and form bodies only: "
        + " and ".join(left)
        + f" {verb} left out; use the Python client to send them."
    )


def index_groups(api: ir.Api) -> tuple[ReferenceGroup, ...]:
    return tuple(
        ReferenceGroup(
            name=group.attribute,
            entries=tuple(
                IndexEntry(
                    link=naming.reference_page_link(op.call),
                    method=op.method.upper(),
                    path=text.visible(op.path),
                    title=op.title,
                    python_call=_python_call(op),
                    operation_id=text.visible(op.operation_id),
                )
                for op in group.operations
            ),
            anchor=naming.reference_group_anchor(group.attribute),
        )
        for group in api.groups
    )


def index_methods(api: ir.Api) -> tuple[str, ...]:
    """The HTTP methods of the API's operations, for the index's filter (``METHOD_ORDER``)."""
    present = {op.method.upper() for op in api.operations}
    known = [m for m in METHOD_ORDER if m in present]
    return tuple(known + sorted(present - set(METHOD_ORDER)))


def _nav_label(group: ir.Group, op: ir.Operation) -> str:
    prefix = group.attribute + "."
    return op.call[len(prefix) :] if op.call.startswith(prefix) else op.call


def sidebar(
    api: ir.Api, current: Optional[ir.Operation] = None
) -> tuple[NavGroup, ...]:
    """The sidebar of every page: the groups, linking to the index's sections; the group of
    ``current`` (an operation page's) expanded with its operations, ``current`` marked.
    Links are from the reference's root folder (templates prefix them with ``root``)."""
    mark = current.operation_id if current is not None else None
    groups = []
    for group in api.groups:
        here = any(op.operation_id == mark for op in group.operations)
        entries = tuple(
            NavEntry(
                link=naming.reference_page_link(op.call),
                method=op.method.upper(),
                label=text.visible(_nav_label(group, op)),
                current=op.operation_id == mark,
            )
            for op in (group.operations if here else ())
        )
        groups.append(
            NavGroup(
                name=group.attribute,
                link="index.html#" + naming.reference_group_anchor(group.attribute),
                current=here,
                entries=entries,
            )
        )
    return tuple(groups)


# --- files ------------------------------------------------------------------------------------


def files(api: ir.Api, package: str) -> list[File]:
    """Every file under ``reference/``: the index, one page per operation, the assets and
    the routes the gateway forwards."""
    context = {
        "default_gateway": DEFAULT_GATEWAY,
        "storage_key": STORAGE_KEY,
        "max_form_depth": describe.REFERENCE_DEPTH,
        "status_path": STATUS_PATH,
        "account_pattern": ACCOUNT_PATTERN.pattern,
        "account_option": ACCOUNT_OPTION,
    }
    top = "<!DOCTYPE html>\n" + html_header(api)
    site = Site(api)
    out: list[File] = [
        Template(
            "reference/index.html",
            "reference/index.html.jinja",
            {
                "groups": index_groups(api),
                "methods": index_methods(api),
                "models": model_entries(site),
                "operation_count": len(api.operations),
                "nav": sidebar(api),
                "root": "",
                "assets": "assets/",
                **context,
            },
            top,
        )
    ]
    group_of = {op.operation_id: g for g in api.groups for op in g.operations}
    components = site.components
    for op in api.operations:
        page = operation_page(
            api, components, group_of.get(op.operation_id), op, package, site
        )
        out.append(
            Template(
                f"reference/operations/{page.file_name}",
                "reference/operation.html.jinja",
                {
                    "page": page,
                    "nav": sidebar(api, op),
                    "root": "../",
                    "assets": "../assets/",
                    **context,
                },
                top,
            )
        )
    nav = sidebar(api)
    for model_page in model_pages(site):
        out.append(
            Template(
                f"reference/models/{model_page.file_name}",
                "reference/model.html.jinja",
                {
                    "page": model_page,
                    "nav": nav,
                    "root": "../",
                    "assets": "../assets/",
                    **context,
                },
                top,
            )
        )
    out += [
        Static(
            f"reference/assets/{asset}",
            f"reference/assets/{asset}",
            block_comment_header(api),
        )
        for asset in ASSETS
    ]
    out.append(Text("reference/routes.json", routes_file(api)))
    return out


def routes_file(api: ir.Api) -> str:
    """``reference/routes.json``: what ``codegen gateway`` forwards, so it needs no spec.

    One entry per generated operation (method, path template, operation ID), in the IR's
    order; read by ``generator/gateway/routes.py`` (format 1). JSON has no comments, so the
    generated-file notice is the ``generated`` key. ASCII only (non-ASCII is escaped).
    """
    routes = [
        {"method": op.method.upper(), "path": op.path, "operation_id": op.operation_id}
        for op in api.operations
    ]
    document = {"generated": " ".join(notice(api)), "format": 1, "routes": routes}
    return json.dumps(document, indent=2) + "\n"

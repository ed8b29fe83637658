"""The intermediate model: what will be generated, free of OpenAPI detail.

Lowering (``generator.lower``) builds these frozen dataclasses from the parsed spec;
rendering only reads them. Every name in here is already a final Python identifier, every
text already converted to Markdown, so templates need no decisions of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union


@dataclass(frozen=True)
class Constraint:
    """A validation rule kept from the spec, e.g. ``max_length=5000``."""

    keyword: str  # pydantic Field keyword: max_length, min_length, ge, le, pattern, ...
    value: Union[int, float, str]
    label: str  # how the docs say it, e.g. "max length 5000"


# --- Type expressions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Primitive:
    """A Python builtin type: ``str``, ``int``, ``float``, ``bool``, ``bytes`` or ``Any``."""

    name: str
    constraints: tuple[Constraint, ...] = ()

    def annotation(
        self,
        validated: bool = False,
        quoted: frozenset[str] = frozenset(),
        typing_generics: bool = False,
    ) -> str:
        if validated and self.constraints:
            rules = ", ".join(f"{c.keyword}={c.value!r}" for c in self.constraints)
            return f"Annotated[{self.name}, Field({rules})]"
        return self.name


@dataclass(frozen=True)
class LiteralType:
    """An enum. ``open`` enums (in responses) also accept values added by newer API versions."""

    values: tuple[Union[str, int, float, bool], ...]
    open: bool = False

    def annotation(
        self,
        validated: bool = False,
        quoted: frozenset[str] = frozenset(),
        typing_generics: bool = False,
    ) -> str:
        literal = "Literal[" + ", ".join(_python_literal(v) for v in self.values) + "]"
        if not self.open:
            return literal
        base = _open_base(self.values)
        return f"Union[{literal}, {base}]"

    def __eq__(self, other: object) -> bool:
        """By type and value: ``Literal[True]`` is not ``Literal[1]`` (``True == 1``)."""
        if not isinstance(other, LiteralType):
            return NotImplemented
        return self.open == other.open and _typed(self.values) == _typed(other.values)

    def __hash__(self) -> int:
        return hash((_typed(self.values), self.open))


def _typed(
    values: tuple[Union[str, int, float, bool], ...],
) -> tuple[tuple[str, Union[str, int, float, bool]], ...]:
    return tuple((type(v).__name__, v) for v in values)


@dataclass(frozen=True)
class ListType:
    item: TypeExpr

    def annotation(
        self,
        validated: bool = False,
        quoted: frozenset[str] = frozenset(),
        typing_generics: bool = False,
    ) -> str:
        inner = self.item.annotation(validated, quoted, typing_generics)
        return f"List[{inner}]" if typing_generics else f"list[{inner}]"


@dataclass(frozen=True)
class MapType:
    value: TypeExpr

    def annotation(
        self,
        validated: bool = False,
        quoted: frozenset[str] = frozenset(),
        typing_generics: bool = False,
    ) -> str:
        inner = self.value.annotation(validated, quoted, typing_generics)
        return f"Dict[str, {inner}]" if typing_generics else f"dict[str, {inner}]"


@dataclass(frozen=True)
class ModelRef:
    """A generated model class, or a generated type alias (a discriminated union)."""

    name: str

    def annotation(
        self,
        validated: bool = False,
        quoted: frozenset[str] = frozenset(),
        typing_generics: bool = False,
    ) -> str:
        """``quoted`` names are defined later in the module: they become forward references."""
        return f'"{self.name}"' if self.name in quoted else self.name


@dataclass(frozen=True)
class UnionType:
    """``Union[...]``; with ``discriminator`` the members are models told apart by that field.

    ``optional_tag`` is the tag's wire name when a member's schema leaves it optional: that
    model is a type of its own too, where the tag may be missing, so its field is
    ``Optional[Literal[...]]``, which pydantic refuses as a discriminator. The union then
    names its tag the JSON-schema way (``Field(json_schema_extra=...)``): pydantic tries the
    members in turn (each takes only its own tag values) and the lenient parser still
    picks the member by the tag.
    """

    members: tuple[TypeExpr, ...]
    discriminator: Optional[str] = None
    optional_tag: Optional[str] = None

    def annotation(
        self,
        validated: bool = False,
        quoted: frozenset[str] = frozenset(),
        typing_generics: bool = False,
    ) -> str:
        inner = (
            "Union["
            + ", ".join(
                m.annotation(validated, quoted, typing_generics) for m in self.members
            )
            + "]"
        )
        if self.discriminator is None:
            return inner
        if self.optional_tag is not None:
            from .text import python_string

            wire = python_string(self.optional_tag)
            extra = '{"discriminator": {"propertyName": ' + wire + "}}"
            return f"Annotated[{inner}, Field(json_schema_extra={extra})]"
        return f'Annotated[{inner}, Field(discriminator="{self.discriminator}")]'


@dataclass(frozen=True)
class Nullable:
    inner: TypeExpr

    def annotation(
        self,
        validated: bool = False,
        quoted: frozenset[str] = frozenset(),
        typing_generics: bool = False,
    ) -> str:
        return f"Optional[{self.inner.annotation(validated, quoted, typing_generics)}]"


# ``annotation(validated, quoted, typing_generics)``: with ``validated`` constraints are spelt
# ``Annotated[..., Field(...)]``; ``quoted`` names become forward references; with
# ``typing_generics`` lists and maps are ``List``/``Dict`` (resource classes have a method
# named ``list``, which would shadow the builtin in the annotations of their other methods).
TypeExpr = Union[
    Primitive, LiteralType, ListType, MapType, ModelRef, UnionType, Nullable
]

ANY = Primitive("Any")
STR = Primitive("str")


def _python_literal(value: Union[str, int, float, bool]) -> str:
    if isinstance(value, str):
        from .text import python_string

        return python_string(value)
    return repr(value)


def _open_base(values: tuple[Union[str, int, float, bool], ...]) -> str:
    kinds = {type(v) for v in values}
    if kinds == {str}:
        return "str"
    if kinds <= {int, bool} and bool not in kinds:
        return "int"
    return "Any"


def referenced_names(expr: TypeExpr) -> set[str]:
    """The model and alias names a type expression mentions."""
    if isinstance(expr, ModelRef):
        return {expr.name}
    if isinstance(expr, (ListType,)):
        return referenced_names(expr.item)
    if isinstance(expr, MapType):
        return referenced_names(expr.value)
    if isinstance(expr, Nullable):
        return referenced_names(expr.inner)
    if isinstance(expr, UnionType):
        names: set[str] = set()
        for member in expr.members:
            names |= referenced_names(member)
        return names
    return set()


def without_discriminators(expr: TypeExpr) -> TypeExpr:
    """The same type with every union's discriminator dropped: how a method's argument is
    spelt (the TypedDict it is validated with keeps the discriminator; a signature needs
    no ``Annotated[..., Field(discriminator=...)]`` to say what it takes)."""
    if isinstance(expr, UnionType):
        return UnionType(tuple(without_discriminators(m) for m in expr.members))
    if isinstance(expr, ListType):
        return ListType(without_discriminators(expr.item))
    if isinstance(expr, MapType):
        return MapType(without_discriminators(expr.value))
    if isinstance(expr, Nullable):
        return Nullable(without_discriminators(expr.inner))
    return expr


# --- Models -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    wire_name: str
    type: TypeExpr
    required: bool
    doc: str
    deprecated: bool = False
    example: str = ""  # the spec's example of the value, as JSON text; "" for none

    @property
    def aliased(self) -> bool:
        return self.name != self.wire_name


@dataclass(frozen=True)
class Model:
    """A pydantic model. ``request`` models forbid unknown keys when the spec says so."""

    name: str
    fields: tuple[Field, ...]
    doc: str
    pointer: str
    request: bool = False
    closed: bool = False  # additionalProperties: false
    example: str = ""  # the spec's example of the object, as JSON text; "" for none


@dataclass(frozen=True)
class Alias:
    """A named type that is not a class, e.g. ``PaymentSource = Annotated[Union[...], ...]``."""

    name: str
    type: TypeExpr
    doc: str
    pointer: str


# --- Operations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """A path parameter: always required, always a positional argument."""

    name: str
    wire_name: str
    type: TypeExpr
    doc: str
    # "simple", "simpleExploded", "label", "labelExploded", "matrix" or "matrixExploded"
    style: str = "simple"


@dataclass(frozen=True)
class Payload:
    """The query string or the body of a request: one model, and how it goes on the wire.

    ``arguments[i]`` is the method's keyword argument for ``fields[i]``; the two names can
    differ (a field ``timeout`` is the argument ``timeout_``, an argument ``json`` the field
    ``json_``).
    """

    model: str
    media_type: str  # query | application/x-www-form-urlencoded | multipart/form-data
    fields: tuple[Field, ...]
    arguments: tuple[str, ...]
    styles: tuple[
        tuple[str, str], ...
    ]  # (wire name, "deepObject", "form" or "formUnexploded")
    required: bool
    # A body that is no object with properties (an array, a string, a union, bytes): one
    # argument ``body`` (``fields`` holds its one field, wire name "body").
    whole: bool = False
    # The media types the caller may choose with ``content_type=``, the default
    # (``media_type``) first; empty: only ``media_type``.
    content_types: tuple[str, ...] = ()
    # multipart: (wire name, the encoding object's contentType) of the parts that set one
    part_types: tuple[tuple[str, str], ...] = ()
    # media types the spec also offers for this body that the method does not send
    unoffered: tuple[str, ...] = ()
    # the method's argument choosing among ``content_types`` ("" without a choice)
    content_type_argument: str = ""

    @property
    def arguments_and_fields(self) -> tuple[tuple[str, Field], ...]:
        return tuple(zip(self.arguments, self.fields))

    @property
    def kind(self) -> str:
        """How the payload is encoded: query, header, cookie, json, form, multipart,
        text or binary."""
        return media_kind(self.media_type)


def media_kind(media_type: str) -> str:
    """The encoding a media type stands for (``query``, ``header`` and ``cookie`` are the
    parameter payloads): ``application/json`` and any ``+json`` type are ``json``; text and
    XML are ``text`` (sent as ``str``); any other is ``binary`` (``bytes``)."""
    base = media_type.split(";", 1)[0].strip().lower()
    if base in ("query", "header", "cookie"):
        return base
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base == "multipart/form-data":
        return "multipart"
    if base.endswith("/json") or base.endswith("+json"):
        return "json"
    if base.startswith("text/") or base.endswith("/xml") or base.endswith("+xml"):
        return "text"
    return "binary"


@dataclass(frozen=True)
class Response:
    type: Optional[TypeExpr]  # None for a binary body
    media_type: str
    doc: str

    @property
    def binary(self) -> bool:
        return self.type is None

    @property
    def empty(self) -> bool:
        """No body (``204``, or a response without content, ``media_type`` ""): the call
        returns None."""
        return self.type is None and not self.media_type

    @property
    def text(self) -> bool:
        """A ``text/*`` body (its schema a string): the call returns it as ``str``."""
        return self.type is None and self.media_type.lower().startswith("text/")


@dataclass(frozen=True)
class Pagination:
    """How a list endpoint pages: its method returns a page object that fetches the next.

    ``cursor``: Stripe lists (``has_more``; the next page starts after the last item's ``id``,
    or, walking backwards, before the first one's).
    ``search``: search endpoints (``has_more``; the next page is the ``next_page`` token).
    ``token``: the paging of ``[tool.codegen.pagination]``: the items are at ``items`` (a
    dotted path in the body), the next page is the one whose ``cursor_parameter`` is the
    cursor at ``next_cursor``; none when that is null or empty.
    """

    kind: str  # "cursor" | "search" | "token"
    item: TypeExpr
    cursor_parameter: str = ""  # token: the query parameter that asks for a page
    items: str = "data"  # token: the dotted path of the items
    next_cursor: str = ""  # token: the dotted path of the next page's cursor


@dataclass(frozen=True)
class SecurityScheme:
    """One way the API authenticates (``components.securitySchemes``), as the client takes it.

    ``kind`` is ``bearer`` (http bearer, oauth2 and openIdConnect: a token sent as
    ``Authorization: Bearer``), ``basic`` (http basic: a username and a password) or
    ``api_key`` (sent in the header, query parameter or cookie ``wire_name``). ``arguments``
    are the client's constructor arguments for it (``("username", "password")`` for basic),
    ``env_vars`` the environment variables read when an argument is not given, in the same
    order.
    """

    key: str  # the scheme's name in components.securitySchemes
    kind: str  # "bearer" | "basic" | "api_key"
    location: str  # "header" | "query" | "cookie"
    wire_name: str  # e.g. "Authorization", "X-API-Key", "api_key"
    arguments: tuple[str, ...]
    env_vars: tuple[str, ...]
    doc: str
    pointer: str


SecurityRequirement = tuple[tuple[str, ...], ...]
"""Alternatives, each a set of scheme keys that are sent together; ``()``: no credentials."""


@dataclass(frozen=True)
class Operation:
    operation_id: str
    name: str  # Python method name, e.g. "create"
    # attributes from the client, e.g. ("customers", "sources"); the first is the group
    resource: tuple[str, ...]
    method: str  # lower case
    path: str
    title: str  # short, plain: the spec's summary, else made from the call ("Create a source")
    summary: str  # the first sentence of the summary or description
    doc: str
    path_params: tuple[Parameter, ...]
    query: Optional[Payload]
    body: Optional[Payload]
    response: Response
    error: Optional[TypeExpr]
    server: Optional[str]
    pointer: str
    deprecated: bool = False
    pagination: Optional[Pagination] = None
    naming_rule: str = (
        "path"  # how the call was named: path, collision, fallback, setting
    )
    headers: Optional[Payload] = None  # header parameters, media_type "header"
    cookies: Optional[Payload] = None  # cookie parameters, media_type "cookie"
    # None: the API's default requirement (``Api.security``); else the operation's own
    security: Optional[SecurityRequirement] = None

    @property
    def call(self) -> str:
        """How the call reads after ``client.``: ``customers.sources.create``."""
        return ".".join(self.resource + (self.name,))


@dataclass(frozen=True)
class Resource:
    """One object of the client's tree, e.g. ``client.customers.sources``."""

    path: tuple[str, ...]  # attributes from the client: ("customers", "sources")
    class_name: str  # e.g. "CustomersSourcesResource" (its twin: "Async" + it)
    operations: tuple[Operation, ...]  # its methods
    children: tuple[
        tuple[str, str], ...
    ]  # (attribute, class name) of its sub-resources


@dataclass(frozen=True)
class Group:
    """The resources under one attribute of the client (``client.customers...``): a module."""

    name: str  # module name, e.g. "customers"
    class_name: str  # the top resource's class, e.g. "CustomersResource"
    attribute: str  # client attribute, e.g. "customers"
    operations: tuple[Operation, ...]
    request_models: tuple[Model, ...]
    resources: tuple[Resource, ...] = ()  # the top resource first, then depth first


@dataclass(frozen=True)
class Api:
    title: str
    api_version: str
    base_url: str
    spec_sha256: str
    groups: tuple[Group, ...]
    models: tuple[Model, ...]  # response models (components), sorted by name
    aliases: tuple[Alias, ...]
    error_model: Optional[str]
    operations: tuple[Operation, ...] = field(default=())
    # the model of the `event` component, which webhooks deliver
    event_model: Optional[str] = None
    # "stripe": Stripe's conventions (lower/profile.py); "generic": any other REST API
    profile: str = "stripe"
    security_schemes: tuple[SecurityScheme, ...] = ()
    security: SecurityRequirement = ()  # the API's default requirement
    # the header of the key that makes a retried POST safe (Stripe's Idempotency-Key), or None
    idempotency_header: Optional[str] = None
    # the prefix of the client's environment variables (``PETSTORE``; Stripe's ``STRIPE``)
    env_prefix: str = "STRIPE"
    # for the user, one line each, ``<JSON pointer>: <what is not generated, and why>``
    # (e.g. the spec's webhooks); the CLI prints them, the output does not change with them
    notes: tuple[str, ...] = ()
    # example objects by their ``object`` tag, as JSON text, sorted (Stripe's pinned
    # fixtures, read beside the spec; none for a spec without them)
    fixtures: tuple[tuple[str, str], ...] = ()

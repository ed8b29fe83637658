"""Every identifier the generator emits is decided here.

Wire names from the spec (``checkout.session``, ``foo-bar``, ``class``, ``3d_secure``) become
Python names that are valid, readable, free of keywords and of the names the generated modules
use themselves, and unique within their namespace. Collisions are resolved deterministically:
candidates are claimed in sorted order of their wire names, so the result does not depend on
the order of the spec or on hashing.
"""

from __future__ import annotations

import builtins
import hashlib
import keyword
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Optional

import inflection

_WORD = re.compile(
    r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[^\W_]+", re.UNICODE
)

#: Attributes of pydantic's BaseModel (and of our own model bases) a field may not shadow.
MODEL_RESERVED = frozenset(
    {
        "copy",
        "dict",
        "json",
        "schema",
        "schema_json",
        "construct",
        "validate",
        "fields",
        "parse_obj",
        "parse_raw",
        "parse_file",
        "from_orm",
        "update_forward_refs",
        "last_response",
        "register",
        *(
            # builtins the generated annotations use: a field named ``str`` would shadow
            # ``str`` in the annotations after it, inside the class body
            "str",
            "int",
            "float",
            "bool",
            "bytes",
            "list",
            "dict",
        ),
    }
)

#: Names the generated modules import or define; a class may not take them.
CLASS_RESERVED = frozenset(
    {
        "Any",
        "Annotated",
        "Field",
        "Literal",
        "Optional",
        "Union",
        "BaseModel",
        "ConfigDict",
        "StripeModel",
        "ResponseType",
        "RequestOptions",
        "CallOptions",
        "PostCallOptions",
        "Unpack",
        "Client",
        "AsyncClient",
        "SyncResource",
        "AsyncResource",
        # imported by the resource, params and errors modules
        "SyncAPIClient",
        "AsyncAPIClient",
        "Mapping",
        "Iterator",
        "AsyncIterator",
        "PrivateAttr",
        "ValidationError",
        "TYPE_CHECKING",
        "ResponseInfo",
        # the params and resource modules
        "TypedDict",
        "Required",
        "NotRequired",
        "ParamsType",
        "PageType",
        "SyncPage",
        "AsyncPage",
        "AsyncPaginator",
        "InvalidParamsError",
        "List",
        "Dict",
    }
)

#: Attributes of the generated ``Client``/``AsyncClient``; a resource group may not take them.
CLIENT_RESERVED = frozenset(
    {
        "base_url",
        "stripe_version",
        "stripe_account",
        "timeout",
        "max_retries",
        "close",
        "aclose",
        "request",
        "request_page",
        "with_options",
        "with_raw_response",
        "strict_response_validation",
        "api_key",
        "max_total_time",
        "max_response_size",
        "max_binary_response_size",
    }
)

#: Names a resource class has besides its methods, or that its annotations read (a method
#: named ``str`` would shadow the builtin in the signatures after it; ``list`` is allowed:
#: resource modules annotate with ``typing.List`` and ``typing.Dict`` instead).
RESOURCE_RESERVED = frozenset(
    {
        "with_raw_response",
        "with_streaming_response",
        *("str", "int", "float", "bool", "bytes", "dict", "type", "object"),
    }
)


def is_reserved_word(name: str) -> bool:
    """A Python keyword: never a name of a resource or a method."""
    return keyword.iskeyword(name)


#: The per-call options every generated method takes besides the spec's parameters (in its
#: ``**call_options``, typed by the runtime's ``CallOptions``), in ``RequestOptions`` order.
CALL_OPTIONS = (
    "idempotency_key",
    "api_key",
    "stripe_account",
    "stripe_version",
    "timeout",
    "max_retries",
    "extra_headers",
    "extra_query",
    "extra_body",
)

#: Names a generated method body or signature uses; a parameter may not shadow them.
PARAMETER_RESERVED = frozenset(
    {
        "self",
        "params",
        "quote_path",
        "encode_params",
        "call_options",
        *("str", "int", "float", "bool", "bytes", "list", "dict"),
        *CALL_OPTIONS,
    }
)


def words(text: str) -> list[str]:
    """Split any wire name into lowercase-insensitive words: camelCase, snake, dots, dashes."""
    normalized = unicodedata.normalize("NFKC", text)
    return _WORD.findall(normalized)


def snake_case(text: str) -> str:
    """``PostCustomersCustomerSources`` → ``post_customers_customer_sources``."""
    return "_".join(word.lower() for word in words(text))


def pascal_case(text: str) -> str:
    """``checkout.session`` → ``CheckoutSession``; ``customer_payment_source_card`` likewise."""
    return "".join(word[:1].upper() + word[1:] for word in words(text))


def _fix_identifier(name: str, fallback: str) -> str:
    """A valid identifier, NFKC-normalised as Python itself normalises identifiers
    (``ﬁle`` is read as ``file``, so it must be written that way to match its alias)."""
    name = unicodedata.normalize("NFKC", name)
    if not name:
        name = fallback
    if not (name[0].isalpha() or name[0] == "_"):
        name = f"{fallback}_{name}"
    if not name.isidentifier():
        name = "".join(ch if ("_" + ch).isidentifier() else "_" for ch in name)
    return name


def attribute_name(wire_name: str, *, reserved: Iterable[str] = ()) -> str:
    """A snake_case identifier for a field, parameter or method.

    Keywords, reserved names and names starting with ``model_`` (pydantic's namespace) get a
    trailing underscore; a leading digit gets an ``n`` prefix word; an empty name becomes
    ``value``.
    """
    name = _fix_identifier(
        snake_case(wire_name), "n" if wire_name[:1].isdigit() else "value"
    )
    if name[0].isdigit():
        name = "n_" + name
    if keyword.iskeyword(name) or name in set(reserved) or name.startswith("model_"):
        name += "_"
    return name


def class_name(wire_name: str, *, reserved: Iterable[str] = CLASS_RESERVED) -> str:
    """A PascalCase class name; one equal to a name the module needs gets a ``Model`` suffix."""
    name = _fix_identifier(pascal_case(wire_name), "Model")
    if not name[0].isupper():
        # e.g. ``名前``: a class name must not look like a field name (those are lower
        # case), or a field ``名前: 名前`` would shadow its own type
        name = "Model" + name
    if name in set(reserved) or keyword.iskeyword(name) or hasattr(builtins, name):
        name += "Model"
    return name


def unique_names(
    candidates: Mapping[str, str], *, taken: Iterable[str] = ()
) -> dict[str, str]:
    """Make preferred names unique: ``{key: preferred}`` → ``{key: final}``.

    Keys are processed in sorted order; the first keeps its name, later ones get ``_2``, ``_3``
    (``2``, ``3`` for PascalCase names), so that ``foo-bar`` and ``foo_bar`` always map the same
    way whatever order the spec lists them in.
    """
    used = set(taken)
    result: dict[str, str] = {}
    # A name that is its own wire name (``foo_bar``) goes first: it keeps its name and needs
    # no alias, while ``foo-bar`` becomes ``foo_bar_2``.
    for key in sorted(candidates, key=lambda key: (candidates[key] != key, key)):
        preferred = candidates[key]
        name = preferred
        counter = 2
        separator = "" if preferred[:1].isupper() else "_"
        while name in used:
            name = f"{preferred}{separator}{counter}"
            counter += 1
        used.add(name)
        result[key] = name
    return result


#: File names stay well below the 255 bytes most file systems allow, leaving room for the
#: suffix and for a folder's own name limits (eCryptfs allows 143).
MAX_STEM = 100


def file_stem(name: str) -> str:
    """The file name (without suffix) for a generated module or page named ``name``.

    Identifiers may be non-ASCII (``名前``), file names stay ASCII: file systems normalise
    Unicode differently (macOS stores NFD), which would break ``check`` and links. A
    non-ASCII name keeps its ASCII letters and gets a short hash of the name, so the
    result is stable and stays unique; so does a name longer than ``MAX_STEM`` (deeply
    nested inline schemas make such class names), cut to fit.
    """
    if name.isascii() and len(name) <= MAX_STEM:
        return name
    ascii_part = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_part = re.sub(r"[^A-Za-z0-9_]+", "_", ascii_part).strip("_")
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{ascii_part[: MAX_STEM - 9].rstrip('_') or 'x'}_{digest}"


def model_modules(names: Iterable[str]) -> dict[str, str]:
    """The module of each model or alias of the ``models`` package, by its class name:
    ``PaymentSource`` → ``payment_source``.

    Unique even on a file system that ignores case (snake case is lower case: ``ABTest`` and
    ``AbTest`` get ``ab_test`` and ``ab_test_2``), ASCII (``file_stem``), never a keyword
    (``Class`` → ``class_``, which ``from .class_ import Class`` can import).
    """
    stems = {}
    for name in names:
        stem = file_stem(snake_case(name) or "model")
        stems[name] = stem + "_" if keyword.iskeyword(stem) else stem
    return unique_names(stems)


# --- Names decided while lowering -------------------------------------------------------------
#
# Every class, method and argument name the lowering gives (``generator.lower``) is made by one
# of the functions below, so the suffixes and collision rules live here and nowhere else.

#: A resource group's class ends in this, so that it never meets a model name
#: (``Account`` the model, ``AccountResource`` the operations).
RESOURCE_SUFFIX = "Resource"
#: The async twin of a resource class: ``AsyncCustomersResource``.
ASYNC_PREFIX = "Async"
#: The parameters of an operation, its query or its body: ``CustomersListParams``.
PARAMS_SUFFIX = "Params"
#: The query parameters of an operation that also has a body: ``...QueryParams``.
QUERY_PARAMS_SUFFIX = "QueryParams"


def numbered(preferred: str, taken: Collection[str]) -> str:
    """``preferred``, else ``preferred2``, ``preferred3``, ...: the first one not ``taken``.

    For class names within one generated module (``Card``, ``Card2``).
    """
    name = preferred
    counter = 2
    while name in taken:
        name = f"{preferred}{counter}"
        counter += 1
    return name


def component_class_names(keys: Iterable[str]) -> dict[str, str]:
    """The class (or alias) name of every component schema, by its key in the spec."""
    return unique_names({key: class_name(key) for key in keys}, taken=CLASS_RESERVED)


def operation_id_for(method: str, path: str, taken: Collection[str]) -> str:
    """An ID for an operation the spec gives none (``GetV1Things``), never one in ``taken``."""
    preferred = pascal_case(f"{method} {path}") or method.title()
    return unique_names({"": preferred}, taken=taken)[""]


def operation_stem(call: str) -> str:
    """The PascalCase stem of the classes made for one operation, from its call
    (``customers.sources.create`` → ``CustomersSourcesCreate``)."""
    return class_name(call)


def resource_class_names(
    paths: Iterable[tuple[str, ...]], *, model_names: Collection[str]
) -> dict[tuple[str, ...], str]:
    """The class of every resource, by its attribute path from the client
    (``("customers", "sources")`` → ``CustomersSourcesResource``), unique and never a
    model's name."""
    ordered = sorted(set(paths))
    return {
        tuple(key.split(".")): name
        for key, name in unique_names(
            {".".join(p): class_name("_".join(p)) + RESOURCE_SUFFIX for p in ordered},
            taken=set(model_names) | CLASS_RESERVED,
        ).items()
    }


def async_class_name(name: str) -> str:
    """The async twin of a resource class."""
    return ASYNC_PREFIX + name


#: The ``with_raw_response`` view of a resource class: ``CustomersResourceWithRawResponse``.
RAW_SUFFIX = "WithRawResponse"


def raw_class_name(name: str) -> str:
    """The ``with_raw_response`` view of a (sync or async) resource class."""
    return name + RAW_SUFFIX


def twin_class_names(name: str) -> tuple[str, ...]:
    """Every class generated for a resource class: itself, its async twin, their raw views."""
    return tuple(
        variant
        for cls in (name, async_class_name(name))
        for variant in (cls, raw_class_name(cls))
    )


def field_names(wire_names: Iterable[str]) -> dict[str, str]:
    """The attribute of every field of one model, by wire name."""
    return unique_names(
        {wire: attribute_name(wire, reserved=MODEL_RESERVED) for wire in wire_names}
    )


def argument_names(
    keys: Iterable[tuple[str, str]],
) -> dict[tuple[str, str], str]:
    """The keyword arguments of one method, by ``(location, wire name)``.

    Locations are ``path``, ``query``, ``header``, ``cookie`` and ``body``: one keyword
    namespace per method, so names from different locations must not collide either. Of
    two alike, the one in the earlier location keeps its name (a path parameter ``username``
    stays ``username`` and a body property ``username`` becomes ``username_2``); a location
    not listed (``content_type=``'s ``""``) comes first.
    """
    keyed = {
        f"{_LOCATION_RANK.get(location, 0)}{location}\0{wire}": attribute_name(
            wire, reserved=PARAMETER_RESERVED
        )
        for location, wire in keys
    }
    unique = unique_names(keyed)
    result: dict[tuple[str, str], str] = {}
    for key, name in unique.items():
        location, wire = key[1:].split("\0", 1)
        result[(location, wire)] = name
    return result


_LOCATION_RANK = {"path": 1, "query": 2, "header": 3, "cookie": 4, "body": 5}


def query_model_name(stem: str, *, with_body: bool) -> str:
    return stem + (QUERY_PARAMS_SUFFIX if with_body else PARAMS_SUFFIX)


def body_model_name(stem: str) -> str:
    return stem + PARAMS_SUFFIX


def header_model_name(stem: str) -> str:
    """The ``TypedDict`` of an operation's header parameters."""
    return stem + "HeaderParams"


def cookie_model_name(stem: str) -> str:
    """The ``TypedDict`` of an operation's cookie parameters."""
    return stem + "CookieParams"


#: A component schema sent in a request: its ``TypedDict`` beside the response model
#: (``Category`` the model a response parses into, ``CategoryParam`` what a call takes).
REQUEST_COMPONENT_SUFFIX = "Param"


def request_component_name(model_name: str) -> str:
    """The ``TypedDict`` of a component schema on the request side: ``CategoryParam``."""
    return model_name + REQUEST_COMPONENT_SUFFIX


def inline_hint(owner: str, part: str) -> str:
    """What an inline schema is called after: its owner and its place in it
    (``PostCustomers metadata`` → the class ``PostCustomersMetadata``)."""
    return f"{owner} {part}"


def inline_candidates(title: Optional[str], hint: str) -> list[str]:
    """Class names an inline model may take, best first: the spec's title, then the hint."""
    candidates = [class_name(title)] if title else []
    candidates.append(class_name(hint))
    return list(dict.fromkeys(candidates))


# --- Names decided while presenting -----------------------------------------------------------
#
# The constants of generated modules and the file names and links of the pages.


def constant_name(*parts: str) -> str:
    """A module-private constant of a generated module: ``_POST_CUSTOMERS_BODY_STYLES``."""
    return "_" + "_".join(snake_case(p).upper() for p in parts if p)


def response_constant(operation_name: str, response_model: Optional[str]) -> str:
    """The ``ResponseType`` constant of an operation: one per response model
    (``_CUSTOMER``), else one per operation (``_GET_FILES_RESPONSE``)."""
    if response_model is not None:
        return constant_name(response_model)
    return constant_name(operation_name, "response")


def styles_constant(operation_name: str, part: str) -> str:
    """The ``encoding_styles`` constant of an operation's ``query`` or ``body``."""
    return constant_name(operation_name, part, "styles")


def docs_page(operation_name: str) -> str:
    """The Markdown page of an operation, in ``docs/operations/``."""
    return f"{file_stem(operation_name)}.md"


def docs_page_link(operation_name: str) -> str:
    """The link to an operation's Markdown page from ``docs/index.md``."""
    return f"operations/{docs_page(operation_name)}"


def reference_page(operation_name: str) -> str:
    """The HTML page of an operation, in ``reference/operations/``."""
    return f"{file_stem(operation_name)}.html"


def reference_page_link(operation_name: str) -> str:
    """The link to an operation's HTML page from ``reference/index.html``."""
    return f"operations/{reference_page(operation_name)}"


def reference_group_anchor(attribute: str) -> str:
    """The id of a resource group's section on ``reference/index.html`` (the sidebar links to it)."""
    return f"group-{file_stem(attribute)}"


def reference_model_pages(names: Iterable[str]) -> dict[str, str]:
    """The HTML page of each model, in ``reference/models/``: its module's name
    (``PaymentSource`` → ``payment_source.html``), so unique even ignoring case."""
    return {name: f"{stem}.html" for name, stem in model_modules(names).items()}


def page_anchors(prefix: str, names: Sequence[str]) -> list[str]:
    """HTML ids for blocks of one page named ``names`` (any text): ``returns-bank_account``;
    ASCII, unique in their order (``_2``, ``_3``)."""
    preferred = {
        f"{index:06d}": f"{prefix}-{file_stem(snake_case(name) or 'x')}"
        for index, name in enumerate(names)
    }
    unique = unique_names(preferred)
    return [unique[key] for key in sorted(unique)]


def markdown_anchor(name: str) -> str:
    """The heading anchor GitHub-flavoured Markdown gives a model heading on the models page."""
    return name.lower()


# --- operation titles -------------------------------------------------------------------------

_COLLECTION_VERBS = {"list": "List", "search": "Search"}
"""Methods whose title names the resource in the plural: "List customers"."""

_OBJECT_VERBS = frozenset(
    {
        *("create", "retrieve", "update", "delete", "cancel", "capture", "confirm"),
        *("refund", "void", "expire", "verify", "reverse", "finalize", "close"),
        *("approve", "reject", "accept", "decline", "attach", "detach", "release"),
        *("resume", "send", "submit", "ship", "deliver", "pay", "advance", "validate"),
        *("redact", "refresh", "disconnect", "return", "increment", "reactivate"),
        *("activate", "deactivate", "archive", "restore", "replace", "get", "add"),
        *("remove", "set", "start", "stop", "upload", "download", "find", "post"),
        *("fail", "succeed"),
    }
)
"""One-word methods that read as a verb taking the resource: "Cancel a subscription"."""

_TITLE_WORDS = {"id": "ID", "ids": "IDs", "url": "URL", "urls": "URLs", "api": "API"}


def operation_title(summary: str, resource: tuple[str, ...], method: str) -> str:
    """The short title of an operation: the spec's ``summary`` when it has one, else one made
    from its call, as Stripe's reference titles read.

    ``customers.sources.create`` → "Create a source", ``customers.list`` → "List customers",
    ``invoices.upcoming_lines`` → "Invoice: upcoming lines". ``summary`` is plain text.
    """
    if summary.strip():
        return " ".join(summary.split())
    verb = [w.lower() for w in words(method)]
    if not resource:
        return _sentence(verb)
    plural = [w.lower() for w in words(resource[-1])]
    if len(verb) == 1 and verb[0] in _COLLECTION_VERBS:
        return _sentence([_COLLECTION_VERBS[verb[0]]] + plural)
    singular = [w.lower() for w in words(inflection.singularize(resource[-1]))]
    if len(verb) == 1 and verb[0] in _OBJECT_VERBS:
        return _sentence(verb + [_article(singular[0])] + singular)
    return _sentence(singular) + ": " + " ".join(_title_words(verb))


def _title_words(parts: list[str]) -> list[str]:
    return [_TITLE_WORDS.get(w, w) for w in parts]


def _sentence(parts: list[str]) -> str:
    """Words as a title in sentence case: only the first capitalised (and initialisms)."""
    shown = _title_words(parts)
    return " ".join([shown[0][:1].upper() + shown[0][1:]] + shown[1:])


_CONSONANT_U = re.compile(r"u[bcdfghjklmnpqrstvwxz][aeiou]")
"""A "u" pronounced "you" (usage, user, unit), which takes "a"."""


def _article(word: str) -> str:
    """ "a" or "an" by the sound the word starts with, as far as its spelling tells."""
    if word in _TITLE_WORDS:
        return "an" if _TITLE_WORDS[word][0] in "AEFHILMNORSX" else "a"
    if word[:1] in ("a", "e", "i", "o"):
        return "an"
    if word[:1] == "u" and not _CONSONANT_U.match(word):
        return "an"
    return "a"


# --- credentials, environment variables, package names, call options per profile -----------

#: Words of an API's title that say nothing about which API it is (``Swagger Petstore -
#: OpenAPI 3.0`` is the Petstore): left out of its environment variables and package name.
_TITLE_NOISE = frozenset({"api", "apis", "openapi", "swagger", "rest", "http", "the"})
_VERSION_WORD = re.compile(r"v?\d+(?:\.\d+)*")


def api_stem(title: str) -> str:
    """The snake_case name of an API after its title: its words before a `` - ``, ``:`` or
    ``(``, without noise words (API, OpenAPI, REST, ...) and versions; ``api`` when nothing
    is left. ``Swagger Petstore - OpenAPI 3.0`` → ``petstore``, ``Stripe API`` → ``stripe``.
    """
    head = re.split(r"\s[-–—|]\s|:|\(", title, maxsplit=1)[0]
    found = re.findall(r"[a-z0-9]+(?:\.[0-9]+)*", _ascii(head).lower())
    kept = [
        word.replace(".", "_")
        for word in found
        if word not in _TITLE_NOISE and not _VERSION_WORD.fullmatch(word)
    ]
    stem = _fix_identifier("_".join(kept)[:MAX_STEM].strip("_"), "api")
    return stem if not keyword.iskeyword(stem) else f"{stem}_api"


def _ascii(text: str) -> str:
    """``text`` without its accents and other non-ASCII characters (``Ünïcode`` → ``Unicode``)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def env_var_prefix(title: str) -> str:
    """The prefix of an API's environment variables: ``PETSTORE`` for the Petstore."""
    return api_stem(title).upper()


def env_var_name(prefix: str, argument: str) -> str:
    """The environment variable read for a client argument: ``PETSTORE_API_KEY``."""
    return f"{prefix}_{argument}".upper() if prefix else argument.upper()


def default_package_name(title: str, profile: str) -> str:
    """The package's name when the ``package`` setting is not given: ``stripe_client`` for
    Stripe's spec, else the API's stem and ``_client`` (``petstore_client``)."""
    return "stripe_client" if profile == "stripe" else f"{api_stem(title)}_client"


#: The constructor arguments of a credential, by its kind (``ir.SecurityScheme.kind``);
#: OAuth 2 and OpenID Connect tokens are ``access_token``, an http bearer ``bearer_token``.
CREDENTIAL_ARGUMENTS = {
    "api_key": ("api_key",),
    "bearer": ("bearer_token",),
    "oauth": ("access_token",),
    "basic": ("username", "password"),
}

#: Arguments every generated client's constructor takes besides the credentials.
CLIENT_ARGUMENTS = frozenset(
    {
        "base_url",
        "timeout",
        "max_retries",
        "max_total_time",
        "max_response_size",
        "max_binary_response_size",
        "http_client",
        "allow_insecure_http",
        "backoff",
        "strict_response_validation",
        "credentials",  # the base class's mapping of them, see _sync_client_generic
        "settings",  # the generated constructor's ``**settings``
        "self",
    }
)

#: The per-call options of a client for any API but Stripe's (``CallOptions``), in order;
#: ``idempotency_key`` only when ``[tool.codegen.auth] idempotency_header`` is set.
GENERIC_CALL_OPTIONS = (
    "idempotency_key",
    "timeout",
    "max_retries",
    "extra_headers",
    "extra_query",
    "extra_body",
)


def call_option_names(
    profile: str, method: str, *, idempotency: bool = False
) -> tuple[str, ...]:
    """The per-call options a generated method of ``method`` (``get``, ``post``, ...) takes,
    in ``RequestOptions`` order: Stripe's (``CALL_OPTIONS``, ``idempotency_key`` on POSTs),
    or the generic client's (``idempotency_key`` on POSTs when ``idempotency``, i.e. an
    idempotency header is configured)."""
    names: tuple[str, ...] = CALL_OPTIONS
    keyed = True
    if profile != "stripe":
        names, keyed = GENERIC_CALL_OPTIONS, idempotency
    if method.lower() == "post" and keyed:
        return names
    return tuple(n for n in names if n != "idempotency_key")

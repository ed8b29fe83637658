"""Questions asked of OpenAPI 3.0 and 3.1 objects, whichever version parsed them.

openapi-pydantic gives the two versions different classes with mostly the same fields; these
helpers read them alike (``nullable: true`` in 3.0 is ``type: [..., "null"]`` in 3.1) and
resolve local references. Nothing here builds IR beyond constraints.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Optional, Union

from openapi_pydantic.v3.v3_0 import OpenAPI as OpenAPI30
from openapi_pydantic.v3.v3_0 import Reference as Reference30
from openapi_pydantic.v3.v3_1 import OpenAPI as OpenAPI31
from openapi_pydantic.v3.v3_1 import Reference as Reference31

from .. import ir, text
from ..errors import CodegenError, json_pointer, pointer_token

Document = Union[OpenAPI30, OpenAPI31]
SchemaLike = Any  # an openapi-pydantic Schema or Reference, of either OpenAPI version

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MULTIPART = "multipart/form-data"
JSON_MEDIA_TYPE = "application/json"
DISCRIMINATOR = "object"  # Stripe tags every resource with an `object` field

SCHEMA_PREFIX = "#/components/schemas/"
PARAMETER_PREFIX = "#/components/parameters/"


def json_pointer_join(pointer: str, *tokens: str) -> str:
    return pointer + json_pointer(*tokens)


def schema_pointer(key: str) -> str:
    """The JSON pointer of component schema ``key``."""
    return json_pointer("components", "schemas", key)


def schema_key(ref: str) -> Optional[str]:
    """The component key a local schema ``$ref`` names (unescaped), or None for another
    ``$ref``; whether that component exists is ``Components.key``'s to check."""
    if not ref.startswith(SCHEMA_PREFIX):
        return None
    return pointer_token(ref[len(SCHEMA_PREFIX) :])


def schema_ref(key: str) -> Reference30:
    """A ``$ref`` to component schema ``key`` (escaped as a JSON pointer)."""
    return Reference30.model_validate(
        {"$ref": "#" + json_pointer("components", "schemas", key)}
    )


def is_31(document: Document) -> bool:
    """Whether the document is OpenAPI 3.1 (else 3.0)."""
    return isinstance(document, OpenAPI31)


def is_ref(schema: SchemaLike) -> bool:
    return isinstance(schema, (Reference30, Reference31))


def types(schema: SchemaLike) -> list[str]:
    declared = getattr(schema, "type", None)
    if declared is None:
        return []
    values = declared if isinstance(declared, list) else [declared]
    return [str(getattr(v, "value", v)) for v in values]


def nullable(schema: SchemaLike) -> bool:
    """``nullable: true``, type ``null`` (3.1), or ``null`` listed among the enum values."""
    enum = getattr(schema, "enum", None) or ()
    return (
        bool(getattr(schema, "nullable", False))
        or "null" in types(schema)
        or any(value is None for value in enum)
    )


def enum_values(schema: SchemaLike) -> Optional[list[Any]]:
    """The values of ``enum`` (without ``null``) or ``const``; ``None`` for neither."""
    if getattr(schema, "enum", None) is not None:
        return [v for v in schema.enum if v is not None]
    const = getattr(schema, "const", None)
    if const is not None:
        return [const]
    return None


def unique_values(values: Iterable[Any]) -> list[Any]:
    """Enum values without duplicates, first occurrence first (``1`` and ``True`` differ)."""
    seen: set[tuple[str, Any]] = set()
    unique: list[Any] = []
    for value in values:
        key = (
            type(value).__name__,
            value if isinstance(value, (str, int, float)) else repr(value),
        )
        if key not in seen:
            seen.add(key)
            unique.append(value)
    return unique


def object_tag(schema: SchemaLike) -> Optional[str]:
    """The single value of a schema's required ``object`` enum, Stripe's type tag."""
    properties = getattr(schema, "properties", None) or {}
    tag = properties.get(DISCRIMINATOR)
    if tag is None or is_ref(tag) or DISCRIMINATOR not in (schema.required or []):
        return None
    values = enum_values(tag)
    if values and len(values) == 1 and isinstance(values[0], str):
        return values[0]
    return None


def constraints(schema: SchemaLike) -> tuple[ir.Constraint, ...]:
    """The schema's bounds; an integer's stay integers (``le=100``, "at most 100")."""
    rules = (
        ("maxLength", "max_length", "max length {}"),
        ("minLength", "min_length", "min length {}"),
        ("maximum", "le", "at most {}"),
        ("minimum", "ge", "at least {}"),
        ("maxItems", "max_length", "at most {} items"),
        ("minItems", "min_length", "at least {} items"),
    )
    integer = "integer" in types(schema)
    found = []
    for spec_key, keyword, label in rules:
        value = getattr(schema, spec_key, None)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if integer and isinstance(value, float) and value.is_integer():
                value = int(value)  # openapi-pydantic reads bounds as floats
            found.append(ir.Constraint(keyword, value, label.format(value)))
    return tuple(found)


def compatible(a: SchemaLike, b: SchemaLike) -> bool:
    """Two definitions of one property (from ``allOf`` members) that can both hold."""
    if is_ref(a) or is_ref(b):
        return is_ref(a) and is_ref(b) and a.ref == b.ref
    ta, tb = types(a), types(b)
    return not ta or not tb or bool(set(ta) & set(tb))


def is_binary_string(schema: SchemaLike) -> bool:
    """A file's bytes (on a resolved schema): a string of ``format: binary`` (3.0), or one
    with a ``contentMediaType`` and no text encoding (3.1; ``contentEncoding: base64`` is
    text: the file's bytes written as base64)."""
    if "string" not in types(schema):
        return False
    if getattr(schema, "schema_format", None) == "binary":
        return True
    media_type = getattr(schema, "contentMediaType", None)
    return bool(media_type) and not getattr(schema, "contentEncoding", None)


def is_scalar(schema: SchemaLike) -> bool:
    """A schema with no structure of its own is inlined where it is used, not named."""
    if any(
        getattr(schema, k, None)
        for k in ("properties", "anyOf", "oneOf", "allOf", "items")
    ):
        return False
    return not ({"object", "array"} & set(types(schema))) and not getattr(
        schema, "additionalProperties", None
    )


def is_model(schema: SchemaLike) -> bool:
    """Objects become classes, even empty ones: fields added later then stay typed."""
    if (
        getattr(schema, "properties", None)
        or len(getattr(schema, "allOf", None) or []) > 1
    ):
        return True
    plain_object = "object" in types(schema) and not getattr(schema, "anyOf", None)
    extra = getattr(schema, "additionalProperties", None)
    return (
        plain_object
        and not getattr(schema, "oneOf", None)
        and (extra is None or extra is False)
    )


def description(obj: Any) -> str:
    """An object's ``description`` as Markdown ("" without one)."""
    return text.to_markdown(getattr(obj, "description", None) or "")


def location(parameter: Any) -> str:
    """Where a parameter goes: ``path``, ``query``, ``header`` or ``cookie``."""
    return str(getattr(parameter.param_in, "value", parameter.param_in))


def style(obj: Any) -> str:
    """The IR style of a parameter or encoding object: its ``style`` (``form`` when unset),
    and ``formUnexploded`` for ``form`` with ``explode: false`` (explode defaults to true
    for ``form``, the only style where it changes the encoding)."""
    value = str(getattr(obj.style, "value", obj.style) or "form")
    return "formUnexploded" if value == "form" and obj.explode is False else value


REQUEST_BODY_PREFIX = "#/components/requestBodies/"


def request_body(document: Document, ref: str, pointer: str) -> tuple[Any, str]:
    """The request body a ``$ref`` names (``#/components/requestBodies/...``, one level),
    with its pointer."""
    components = document.components
    bodies = (components.requestBodies if components else None) or {}
    key = (
        pointer_token(ref[len(REQUEST_BODY_PREFIX) :])
        if ref.startswith(REQUEST_BODY_PREFIX)
        else None
    )
    if key is None or key not in bodies or is_ref(bodies[key]):
        close = difflib.get_close_matches(key or ref, list(bodies), n=3)
        raise CodegenError(
            f"request body $ref {ref!r} cannot be resolved",
            pointer=pointer,
            hint=(
                "did you mean: " + ", ".join(close)
                if close
                else "refer to a request body of #/components/requestBodies/ directly"
            ),
        )
    return bodies[key], json_pointer("components", "requestBodies", key)


def path_template_names(path: str) -> list[str]:
    return re.findall(r"\{([^}]*)\}", path)


def server_url(server: Any) -> str:
    """A server's URL with its variables set to their defaults, safe to put in source text."""
    url = str(server.url)
    for name, variable in (server.variables or {}).items():
        url = url.replace("{" + name + "}", str(variable.default))
    return text.safe_url(url)


@dataclass(frozen=True)
class Components:
    """The document's reusable schemas and parameters, and how ``$ref`` finds them."""

    schemas: Mapping[str, SchemaLike]
    parameters: Mapping[str, Any]

    @classmethod
    def of(cls, document: Document) -> Components:
        components = document.components
        schemas = (components.schemas if components else None) or {}
        parameters = (components.parameters if components else None) or {}
        return cls(dict(schemas), dict(parameters))

    def key(self, ref: str, pointer: str) -> str:
        """The component key a schema ``$ref`` names; refused unless it exists locally."""
        key = schema_key(ref)
        if key is None:
            raise CodegenError(
                f"unsupported $ref {ref!r}",
                pointer=pointer,
                hint="only local references to #/components/schemas/... are supported",
            )
        if key not in self.schemas:
            close = difflib.get_close_matches(key, list(self.schemas), n=3)
            hint = (
                ("did you mean: " + ", ".join(close))
                if close
                else "add the schema to components"
            )
            raise CodegenError(
                f"$ref target {ref!r} does not exist", pointer=pointer, hint=hint
            )
        return key

    def resolve(self, schema: SchemaLike, pointer: str) -> tuple[SchemaLike, str]:
        """Follow references to the schema they name (with its pointer); detect pure ref loops."""
        seen: list[str] = []
        while is_ref(schema):
            key = self.key(schema.ref, pointer)
            if key in seen:
                raise CodegenError(
                    "$ref cycle with no schema in between: "
                    + " -> ".join(seen + [key]),
                    pointer=pointer,
                    hint="a schema must not be only a reference to itself",
                )
            seen.append(key)
            schema, pointer = self.schemas[key], schema_pointer(key)
        return schema, pointer

    def parameter(self, ref: str, pointer: str) -> tuple[Any, str]:
        """The parameter a ``$ref`` names, with its pointer (one level, no chains)."""
        key = ref[len(PARAMETER_PREFIX) :] if ref.startswith(PARAMETER_PREFIX) else None
        if key is None or key not in self.parameters or is_ref(self.parameters[key]):
            raise CodegenError(
                f"parameter $ref {ref!r} cannot be resolved", pointer=pointer
            )
        return self.parameters[key], json_pointer("components", "parameters", key)


def example_json(schema: SchemaLike) -> str:
    """A schema's example (``example``, else the first of 3.1's ``examples``) as JSON text
    with sorted keys, "" for none (or one JSON cannot hold)."""
    value = getattr(schema, "example", None)
    if value is None:
        examples = getattr(schema, "examples", None)
        value = examples[0] if isinstance(examples, list) and examples else None
    if value is None:
        return ""
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return ""

"""What lowering learns of the whole document before the first operation.

- ``$defs`` (JSON Schema 2020-12, OpenAPI 3.1) nested in component schemas become components
  of their own, keyed ``X/$defs/Y``: ``$ref: '#/components/schemas/X/$defs/Y'`` then finds
  them like any component, and they get classes of their own (``Y``, or ``XY`` when taken).
- Class names stay reasonably short: a name longer than ``MAX_NAME`` characters is cut and
  made unique by a hash of the whole name.
- Notes for the user about parts of the document that are not generated (``webhooks``).
- Where relative links in descriptions point (``link_base``).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, Union

from openapi_pydantic.v3.v3_0 import Reference as Reference30
from openapi_pydantic.v3.v3_0 import Schema as Schema30
from openapi_pydantic.v3.v3_1 import Reference as Reference31
from openapi_pydantic.v3.v3_1 import Schema as Schema31
from pydantic import TypeAdapter, ValidationError

from .. import naming, text
from ..errors import CodegenError, json_pointer
from . import oas
from .oas import Components, Document, SchemaLike
from .profile import STRIPE

DEFS_KEYWORDS = ("$defs", "definitions")
MAX_NAME = 64
"""Class names longer than this are cut (a 300-character schema name is legal, and unreadable
in a traceback); the cut keeps the first 55 characters and adds 8 of a sha256."""


@functools.lru_cache(maxsize=2)
def _adapter(version: str) -> TypeAdapter[dict[str, Any]]:
    """Parses a ``$defs`` mapping as openapi-pydantic parses ``components/schemas``."""
    if version == "3.1":
        return TypeAdapter(dict[str, Union[Reference31, Schema31]])
    return TypeAdapter(dict[str, Union[Reference30, Schema30]])


def with_defs(components: Components, document: Document) -> Components:
    """``components`` plus every ``$defs`` entry of its schemas (and of theirs), by key."""
    schemas = dict(components.schemas)
    pending = list(components.schemas.items())
    while pending:
        key, schema = pending.pop()
        for word, found in _defs_of(schema, key, document).items():
            for name, sub in found.items():
                sub_key = f"{key}/{word}/{name}"
                if sub_key not in schemas:
                    schemas[sub_key] = sub
                    pending.append((sub_key, sub))
    if len(schemas) == len(components.schemas):
        return components
    return replace(components, schemas=schemas)


def _defs_of(
    schema: SchemaLike, key: str, document: Document
) -> dict[str, dict[str, SchemaLike]]:
    extra = getattr(schema, "model_extra", None) or {}
    found: dict[str, dict[str, SchemaLike]] = {}
    version = "3.1" if oas.is_31(document) else "3.0"
    for word in DEFS_KEYWORDS:
        raw = extra.get(word)
        if raw is None:
            continue
        pointer = json_pointer("components", "schemas", *key.split("/"), word)
        if not isinstance(raw, dict):
            raise CodegenError(
                f"{word} must be a mapping of names to schemas",
                pointer=pointer,
                hint=f"write {word} as an object whose values are schemas",
            )
        try:
            found[word] = _adapter(version).validate_python(raw)
        except ValidationError as error:
            first = error.errors()[0]
            where = "/".join(str(part) for part in first["loc"][:1])
            raise CodegenError(
                f"{word} holds something that is no schema: {first['msg']}",
                pointer=pointer + (f"/{where}" if where else ""),
                hint="each entry must be a schema object or a $ref",
            ) from None
    return found


def component_names(keys: Iterable[str], profile: str) -> dict[str, str]:
    """The class (or alias) name of every component schema: the spec's names first, then
    those of ``$defs`` (``Y``, else ``XY``); for the generic profile each at most
    ``MAX_NAME`` characters (Stripe's names, up to 112, stay as they are)."""
    keys = list(keys)
    limit = 10**6 if profile == STRIPE else MAX_NAME
    plain = [k for k in keys if "/" not in k]
    names = naming.component_class_names(plain)
    if any(len(name) > limit for name in names.values()):
        names = naming.unique_names(
            {key: short_name(name, limit) for key, name in names.items()},
            taken=naming.CLASS_RESERVED,
        )
    nested = sorted(k for k in keys if "/" in k)
    taken = set(names.values()) | set(naming.CLASS_RESERVED)
    for key in nested:
        parts = key.split("/")
        preferred = short_name(naming.class_name(parts[-1]), limit)
        if preferred in taken:
            owner = " ".join(parts[::2])  # X/$defs/Y -> "X Y"
            preferred = short_name(naming.class_name(owner), limit)
        name = naming.numbered(preferred, taken)
        taken.add(name)
        names[key] = name
    return names


def short_name(name: str, limit: int = MAX_NAME) -> str:
    """``name``, or its first characters and 8 of its sha256 when longer than ``limit``."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: limit - 9]}_{digest}"


def document_notes(document: Document) -> list[str]:
    """Notes on parts of the document that are not generated, each ``pointer: message``."""
    notes = []
    webhooks: Mapping[str, Any] = getattr(document, "webhooks", None) or {}
    if webhooks:
        names = ", ".join(sorted(webhooks)[:5]) + (", ..." if len(webhooks) > 5 else "")
        notes.append(
            f"/webhooks: {len(webhooks)} webhook(s) not generated ({names}): the client "
            "calls the API; receiving its webhooks is up to your web framework"
        )
    return notes


def link_base(document: Document, profile: str) -> str:
    """Where relative links in descriptions point: Stripe's go to stripe.com; another API's
    to its ``externalDocs`` site when it names one, else ("") they stay relative."""
    if profile == STRIPE:
        return text.STRIPE_LINK_BASE
    docs = getattr(document, "externalDocs", None)
    url = str(getattr(docs, "url", "") or "")
    return text.safe_url(url) if url.startswith(("https://", "http://")) else ""

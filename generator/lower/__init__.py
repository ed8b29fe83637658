"""Lower the parsed spec to the intermediate model (``ir.py``).

Only what the selected operations reach is lowered: their parameters, bodies and responses,
and the closure of the component schemas they reference. Component schemas become classes of
the ``models`` package (response side); request bodies and query parameters become classes
in one ``params`` module per resource group. Every name goes through ``naming.py``; every text through
``text.py``.

One job a module: ``selection`` (which operations), ``oas`` (questions asked of OpenAPI 3.0/3.1
objects), ``limits`` (nesting limits), ``context`` (the immutable context and the registries
it carries), ``schemas`` (schemas to types and models), ``operations`` (one operation), ``responses`` (its responses and errors),
``pagination`` (page shapes), ``profile`` (Stripe's conventions or generic ones), ``calls`` (how each operation is called) and ``api`` (the whole ``ir.Api``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Optional

from .. import ir, naming
from ..errors import CodegenError
from ..settings import AuthNames
from .api import lower_api
from .calls import CallName, call_names
from .profile import AUTO, chosen_profile
from .limits import MAX_REF_DEPTH, MAX_SCHEMA_DEPTH, stack_room
from ..settings import TokenPaging
from .oas import (
    DISCRIMINATOR,
    FORM_MEDIA_TYPES,
    HTTP_METHODS,
    JSON_MEDIA_TYPE,
    Document,
    SchemaLike,
    json_pointer_join,
)
from .selection import (
    RawOperation,
    Selection,
    generatable_operations,
    operations_of,
    select,
)

__all__ = [
    "DISCRIMINATOR",
    "FORM_MEDIA_TYPES",
    "HTTP_METHODS",
    "JSON_MEDIA_TYPE",
    "MAX_REF_DEPTH",
    "MAX_SCHEMA_DEPTH",
    "CallName",
    "Document",
    "RawOperation",
    "SchemaLike",
    "Selection",
    "TokenPaging",
    "json_pointer_join",
    "lower_document",
    "operation_calls",
    "operations_of",
    "select",
]


def lower_document(
    document: Document,
    selection: Selection,
    *,
    spec_sha256: str,
    renames: Mapping[str, str] = MappingProxyType({}),
    profile: str = AUTO,
    paging: Optional[TokenPaging] = None,
    auth: AuthNames = AuthNames(),
) -> ir.Api:
    """The IR for the selected operations of a parsed spec.

    ``renames`` are ``[tool.codegen] names``: operation ID to dotted call; ``profile`` is
    ``[tool.codegen] profile`` (``auto``: detected from the spec, see ``profile.py``);
    ``paging`` is ``[tool.codegen.pagination]`` (see ``pagination.py``).
    ``auth`` is ``[tool.codegen.auth]`` (``security.AuthNames``).
    """
    if selection.empty:
        raise CodegenError(
            "no operations selected",
            hint="list operation IDs in [tool.codegen] operations, or pass --all",
        )
    operations = generatable_operations(document)
    selected = select(operations, selection)
    with stack_room():
        return lower_api(
            document,
            operations,
            selected,
            spec_sha256=spec_sha256,
            renames=renames,
            profile=chosen_profile(document, profile),
            paging=paging,
            auth=auth,
        )


def operation_calls(
    document: Document,
    operations: list[RawOperation],
    renames: Mapping[str, str],
    paging: Optional[TokenPaging] = None,
) -> dict[str, CallName]:
    """How the generated client calls each operation, by operation ID (``codegen list``)."""
    return call_names(
        document,
        operations,
        renames,
        reserved=naming.CLIENT_RESERVED,
        cursor_parameter=paging.cursor_parameter if paging else None,
    )

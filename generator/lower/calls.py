"""How each operation is called: ``client.customers.sources.create(customer, ...)``.

Names come from the path and the method, the way Stripe's own SDKs and Stainless SDKs read,
and are decided over every operation of the spec, not only the selected ones: whether
``/customers/{customer}/sources`` is a collection (``.sources.create``) or an action
(``.confirm``) depends on its siblings, and selecting one more operation must not rename
another. The rules, on the path's segments after a version prefix (``/v1``), with path
parameters seen as placeholders:

- A literal segment is a **resource**: an attribute of the client or of its parent resource
  (``client.issuing.cards``). A resource with no operations and no instances of its own is a
  namespace (``issuing``).
- Operations on an instance (the path ends in a parameter) are ``retrieve`` (GET), ``update``
  (POST, PUT, PATCH) and ``delete``.
- Operations on a collection (it has instances, or its GET is a cursor list or answers an
  array) are ``list`` and
  ``create``; on a singleton (``/v1/balance``, ``/customers/{customer}/discount``)
  ``retrieve``, ``update`` (``create`` when it has no GET) and ``delete``.
- Below a resource, a segment with a single GET or POST that is neither a collection nor the
  noun its response names (``confirm``, ``search``, ``pdf``) is an **action**: a method named
  after the segment, ``client.payment_intents.confirm(intent)``. Segments below an action
  fold into its name: ``/invoices/upcoming/lines`` is ``client.invoices.upcoming_lines()``.

Identifiers go through ``naming`` (``return`` becomes ``return_``). Two operations that would
get the same name, or a method named like a sub-resource, fall back to the snake-case
operation ID; PUT beside PATCH on one instance is ``replace``. ``[tool.codegen] names``
renames any operation by ID.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional

from .. import naming
from ..errors import CodegenError, did_you_mean
from . import oas
from .oas import Components, Document
from .selection import RawOperation

#: How a call was named, for ``codegen list`` and the acceptance count.
BY_PATH = "path"
BY_COLLISION_RULE = "collision"
BY_FALLBACK = "fallback"
BY_SETTING = "setting"

_VERSION = re.compile(r"v\d+(\.\d+)?")
_API_PREFIX = "api"  # a first segment that only says the path is the API
_PLACEHOLDER = None  # a path parameter, whatever its name

_INSTANCE_VERBS = {
    "get": "retrieve",
    "post": "update",
    "put": "update",
    "patch": "update",
    "delete": "delete",
}
_COLLECTION_VERBS = {
    "get": "list",
    "post": "create",
    "put": "update",
    "patch": "update",
    "delete": "delete",
}


@dataclass(frozen=True)
class CallName:
    """Where an operation's method lives and what it is called."""

    resource: tuple[str, ...]  # attributes from the client: ("customers", "sources")
    method: str  # "create"
    rule: str = BY_PATH

    @property
    def dotted(self) -> str:
        """``customers.sources.create``: how the call reads after ``client.``."""
        return ".".join(self.resource + (self.method,))


Key = tuple[Optional[str], ...]  # path segments, None for a parameter


@dataclass
class _Node:
    operations: dict[str, RawOperation] = field(default_factory=dict)
    has_instances: bool = False  # some operation lies below a parameter right after it


def path_key(path: str) -> Key:
    """The path's segments after its ``api`` and version prefix (``/api/v1/dialogs`` is
    ``dialogs``, as ``/v1/customers`` is ``customers``), parameters as None."""
    segments = [s for s in path.split("/") if s]
    if len(segments) > 1 and segments[0].lower() == _API_PREFIX:
        segments = segments[1:]
    if segments and _VERSION.fullmatch(segments[0]):
        segments = segments[1:]
    return tuple(
        _PLACEHOLDER if s.startswith("{") and s.endswith("}") else s for s in segments
    )


def call_names(
    document: Document,
    operations: Sequence[RawOperation],
    renames: Mapping[str, str],
    *,
    reserved: frozenset[str] = frozenset(),
    cursor_parameter: Optional[str] = None,
) -> dict[str, CallName]:
    """The call of every operation, by operation ID.

    ``reserved`` are attributes of the client a top-level resource may not take;
    ``cursor_parameter`` is the one of ``[tool.codegen.pagination]``: a GET taking it in its
    query lists a collection, as a Stripe list does.
    """
    tree = _Tree(document, operations, cursor_parameter)
    found = {raw.operation_id: tree.name(raw) for raw in operations}
    found = {
        op_id: _identifiers(name, reserved=reserved) for op_id, name in found.items()
    }
    _check_renames(renames, found)
    for op_id, dotted in renames.items():
        parts = tuple(dotted.split("."))
        found[op_id] = CallName(parts[:-1], parts[-1], BY_SETTING)
    return _resolve_collisions(found, operations, renames)


class _Tree:
    """The paths as a tree of segments, and what each literal segment is."""

    def __init__(
        self,
        document: Document,
        operations: Sequence[RawOperation],
        cursor_parameter: Optional[str] = None,
    ):
        self.document = document
        self.cursor_parameter = cursor_parameter
        self.components = Components.of(document)
        self.nodes: dict[Key, _Node] = {(): _Node()}
        for raw in operations:
            key = path_key(raw.path)
            for depth in range(1, len(key) + 1):
                if key[depth - 1] is None:
                    self._node(key[: depth - 1]).has_instances = True
                self._node(key[:depth])
            self._node(key).operations[raw.method] = raw

    def _node(self, key: Key) -> _Node:
        return self.nodes.setdefault(key, _Node())

    def name(self, raw: RawOperation) -> CallName:
        key = path_key(raw.path)
        literals: list[str] = []
        for depth, segment in enumerate(key, start=1):
            if segment is None:
                continue
            prefix = key[:depth]
            if self.is_action(prefix):
                verb = "_".join(s for s in key[depth - 1 :] if s is not None)
                return CallName(tuple(literals), verb)
            literals.append(segment)
        if not key or key[-1] is None:
            if not literals:
                literals = ["root"]
            return CallName(
                tuple(literals), _INSTANCE_VERBS.get(raw.method, raw.method)
            )
        node = self.nodes[key]
        if self.is_collection(key):
            verb = _COLLECTION_VERBS.get(raw.method, raw.method)
        else:
            verb = _INSTANCE_VERBS.get(raw.method, raw.method)
            if raw.method == "post" and "get" not in node.operations:
                verb = "create"
        return CallName(tuple(literals), verb)

    def is_namespace(self, key: Key) -> bool:
        node = self.nodes[key]
        return not key or (
            key[-1] is not None and not node.operations and not node.has_instances
        )

    def is_collection(self, key: Key) -> bool:
        node = self.nodes[key]
        get = node.operations.get("get")
        return node.has_instances or (
            get is not None
            and (self._page(get) in ("cursor", "token") or self._is_array(get))
        )

    def is_action(self, key: Key) -> bool:
        """A segment below a resource with one GET or POST that names no noun of its own."""
        node = self.nodes[key]
        if all(self.is_namespace(key[:depth]) for depth in range(len(key))):
            return False  # at the top, or right below namespaces: a resource
        if self.is_collection(key) or len(node.operations) != 1:
            return False
        method, raw = next(iter(node.operations.items()))
        if method not in ("get", "post"):
            return False
        if self._page(raw) == "search":
            return True
        segment = key[-1]
        assert segment is not None
        return not _names_noun(segment, self._tag(raw))

    def _success_schema(self, raw: RawOperation) -> Any:
        responses = raw.operation.responses or {}
        codes = sorted(str(code) for code in responses if str(code).startswith("2"))
        if not codes:
            return None
        response = responses.get(codes[0])
        if response is None and codes[0].isdigit():
            response = responses.get(int(codes[0]))
        if response is None or oas.is_ref(response):
            return None
        media = (response.content or {}).get(oas.JSON_MEDIA_TYPE)
        schema = media.media_type_schema if media is not None else None
        if schema is None:
            return None
        try:
            return self.components.resolve(schema, raw.pointer)[0]
        except CodegenError:
            return None  # lowering reports it, where the operation is selected

    def _page(self, raw: RawOperation) -> Optional[str]:
        """``cursor`` or ``search`` for a GET answering a page (``data`` and ``has_more``),
        ``token`` for one taking the configured cursor parameter."""
        if raw.method != "get":
            return None
        if self.cursor_parameter and self._takes_query(raw, self.cursor_parameter):
            return "token"
        schema = self._success_schema(raw)
        properties = getattr(schema, "properties", None) or {}
        if not {"data", "has_more"} <= set(properties):
            return None
        return "search" if "next_page" in properties else "cursor"

    def _takes_query(self, raw: RawOperation, name: str) -> bool:
        """Whether the operation (or its path item) declares the query parameter ``name``."""
        item = (self.document.paths or {})[raw.path]
        for parameter in [*(item.parameters or []), *(raw.operation.parameters or [])]:
            if oas.is_ref(parameter):
                try:
                    parameter, _ = self.components.parameter(parameter.ref, raw.pointer)
                except CodegenError:
                    continue  # lowering reports it, where the operation is selected
            if oas.location(parameter) == "query" and parameter.name == name:
                return True
        return False

    def _is_array(self, raw: RawOperation) -> bool:
        """Whether the operation answers a JSON array (``GET /pets`` listing pets)."""
        schema = self._success_schema(raw)
        return schema is not None and "array" in oas.types(schema)

    def _tag(self, raw: RawOperation) -> Optional[str]:
        schema = self._success_schema(raw)
        return oas.object_tag(schema) if schema is not None else None


def _names_noun(segment: str, tag: Optional[str]) -> bool:
    """Whether a segment names what the response is (``login_links`` → ``login_link``)."""
    if tag is None:
        return False
    noun = tag.rsplit(".", 1)[-1]
    return noun in {segment, segment[:-1], segment[:-2]} and segment.endswith(
        (noun, noun + "s", noun + "es")
    )


def _identifiers(name: CallName, *, reserved: frozenset[str]) -> CallName:
    resource = tuple(naming.attribute_name(part) for part in name.resource)
    if resource and resource[0] in reserved:
        resource = (resource[0] + "_",) + resource[1:]
    method = naming.attribute_name(name.method, reserved=naming.RESOURCE_RESERVED)
    rule = name.rule
    if resource != name.resource or method != name.method:
        rule = BY_COLLISION_RULE
    return CallName(resource, method, rule)


def _check_renames(renames: Mapping[str, str], found: Mapping[str, CallName]) -> None:
    for op_id, dotted in renames.items():
        pointer = f"[tool.codegen] names.{op_id}"
        if op_id not in found:
            raise CodegenError(
                f"names: no operation {op_id!r} in the spec"
                + did_you_mean(op_id, found),
                pointer=pointer,
                hint="rename operations by their operation ID (see `codegen list`)",
            )
        parts = dotted.split(".") if isinstance(dotted, str) else []
        if len(parts) < 2 or not all(_is_plain_identifier(p) for p in parts):
            raise CodegenError(
                f"names.{op_id} must be a dotted call such as"
                f" 'customers.sources.create', found {dotted!r}",
                pointer=pointer,
                hint="a resource path and a method name: lower-case identifiers, no"
                " keywords, none starting with '_'",
            )


def _is_plain_identifier(part: str) -> bool:
    return (
        part.isidentifier()
        and not part.startswith("_")
        and not naming.is_reserved_word(part)
    )


def _resolve_collisions(
    found: dict[str, CallName],
    operations: Sequence[RawOperation],
    renames: Mapping[str, str],
) -> dict[str, CallName]:
    """Unique calls: PUT beside PATCH is ``replace``; else the operation ID's snake case."""
    by_id = {raw.operation_id: raw for raw in operations}
    result = dict(found)
    for _ in range(3):  # a fallback can only collide with another fallback once
        clashes = _clashes(result)
        if not clashes:
            return result
        for op_ids in clashes:
            if sum(op_id in renames for op_id in op_ids) > 1:
                raise _rename_clash(op_ids, result)
            methods = {by_id[o].method for o in op_ids}
            movable = [o for o in op_ids if o not in renames]
            if methods == {"put", "patch"}:
                for op_id in movable:
                    if by_id[op_id].method == "put":
                        name = result[op_id]
                        result[op_id] = CallName(
                            name.resource, "replace", BY_COLLISION_RULE
                        )
                continue
            # snake case is not one-to-one (``GetFoo``, ``get_foo``): number what meets
            fallbacks = naming.unique_names(
                {
                    op_id: naming.attribute_name(
                        op_id, reserved=naming.RESOURCE_RESERVED
                    )
                    for op_id in movable
                }
            )
            for op_id, method in fallbacks.items():
                result[op_id] = CallName(result[op_id].resource, method, BY_FALLBACK)
    clashes = _clashes(result)
    if clashes:
        raise _rename_clash(clashes[0], result)
    return result


def _clashes(names: Mapping[str, CallName]) -> list[list[str]]:
    """Operations sharing a call, or a method named like a sub-resource of its resource."""
    by_call: dict[tuple[str, ...], list[str]] = {}
    resources: set[tuple[str, ...]] = set()
    for op_id in sorted(names):
        name = names[op_id]
        by_call.setdefault(name.resource + (name.method,), []).append(op_id)
        for depth in range(1, len(name.resource) + 1):
            resources.add(name.resource[:depth])
    clashes = [ids for ids in by_call.values() if len(ids) > 1]
    clashes += [ids for call, ids in by_call.items() if call in resources]
    return clashes


def _rename_clash(op_ids: Sequence[str], names: Mapping[str, CallName]) -> CodegenError:
    listed = ", ".join(sorted(op_ids))
    return CodegenError(
        f"operations {listed} would all be called client.{names[op_ids[0]].dotted}",
        pointer="[tool.codegen] names",
        hint="give each of them a name of its own under [tool.codegen.names]",
    )

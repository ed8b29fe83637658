"""Compare two lowered APIs: the changes a caller of the generated client sees.

Operations are matched by operation ID (an operation whose ID changed while its method and
path did not is matched by those: the ID's change is reported, then the rest as for any
other operation), response models and aliases by class name, keyword
arguments by their Python name, the keys of a parameter's ``TypedDict`` (request models) by
their wire name, path parameters by position (they are positional arguments).

Breaking or not is decided for a caller of the generated client, by where a type sits:

- what the caller *sends* (a parameter, a key of a parameter's ``TypedDict``): a removed or
  newly required parameter, a narrowed type (an enum value removed, ``str`` -> a ``Literal``,
  ``float`` -> ``int``), an incompatible type (``str`` -> ``int``) break; an added optional
  parameter, a parameter made optional, a widened type (an enum value added) do not;
- what the caller *receives* (a response model's field, a method's return type): a removed
  field, a field made nullable (or optional), a widened or incompatible type break; an added
  field, a field made non-nullable, a narrowed type (an enum value removed) do not. An enum
  value added to a response field is not breaking when the field's ``Literal`` is open (how
  lowering types every response enum: ``Union[Literal[...], str]``, so values a newer API
  version adds already parse and type-check), breaking when it is closed;
- a removed method, a renamed method (same operation ID, another call), a removed model or
  alias break; added ones do not. An operation ID changed on the same method and path breaks
  nothing by itself (calls are named after the path); a keyword argument moved to another part
  of the request (query to body) breaks nothing either (the call reads the same), both are
  reported for the reviewer. The items a paginated list yields (``for item in
  client.things.list()``) are what the caller receives: their type is compared as a return.

Request models are not reported as models of their own: their changes are reported at each
parameter that takes them (``client.customers.create(address.city)``), where a caller meets
them, so a removed operation is one change, not one per ``TypedDict`` it used.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
import dataclasses
from dataclasses import dataclass, field
from typing import Optional, Union

from .. import ir

MODELS_GROUP = "models"
"""The group of the changes to response models and aliases (the others: a resource)."""

SAME, WIDER, NARROWER, CHANGED = "same", "wider", "narrower", "changed"

KINDS = (
    "operation_added",
    "operation_removed",
    "method_renamed",
    "operation_id_changed",
    "parameter_added",
    "parameter_removed",
    "parameter_renamed",
    "parameter_required",
    "parameter_optional",
    "parameter_moved",
    "type_narrowed",
    "type_widened",
    "type_changed",
    "enum_values_added",
    "enum_values_removed",
    "field_added",
    "field_removed",
    "field_nullable",
    "field_non_nullable",
    "model_added",
    "model_removed",
)
"""Every kind of change, in the order a report lists them within one subject."""


@dataclass(frozen=True)
class Change:
    """One change to the generated API.

    ``group``: the resource (``client.customers.sources``) or ``models``; ``subject``: the
    method, argument, model or field changed; ``old``/``new``: the values compared (type
    annotations, calls, enum values), ``""`` where there is none.
    """

    group: str
    subject: str
    kind: str
    breaking: bool
    detail: str
    operation_id: str = ""
    old: str = ""
    new: str = ""

    @property
    def order(self) -> tuple[bool, str, str, int, str]:
        return (
            self.group == MODELS_GROUP,
            self.group,
            self.subject,
            KINDS.index(self.kind),
            self.detail,
        )


def has_breaking(changes: list[Change]) -> bool:
    return any(change.breaking for change in changes)


def compare_apis(old: ir.Api, new: ir.Api) -> list[Change]:
    """Every change from ``old`` to ``new``, sorted by group, subject and kind."""
    context = _Context(_request_models(old), _request_models(new))
    changes = list(_operation_changes(context, old, new))
    changes += _model_changes(context, old, new)
    return sorted(changes, key=lambda change: change.order)


# --- operations ------------------------------------------------------------------------------


@dataclass
class _Context:
    """The request models of each side, and the pairs met while comparing one argument."""

    old_requests: Mapping[str, ir.Model]
    new_requests: Mapping[str, ir.Model]
    pairs: list[tuple[str, str]] = field(default_factory=list)


def _request_models(api: ir.Api) -> dict[str, ir.Model]:
    return {model.name: model for group in api.groups for model in group.request_models}


def _group_of(operation: ir.Operation) -> str:
    return ".".join(("client",) + operation.resource)


def _call_of(operation: ir.Operation) -> str:
    return f"client.{operation.call}"


def _operation_changes(context: _Context, old: ir.Api, new: ir.Api) -> Iterator[Change]:
    before = {op.operation_id: op for op in old.operations}
    after = {op.operation_id: op for op in new.operations}
    gone = {_endpoint(op): op for key, op in before.items() if key not in after}
    moved = {
        op.operation_id: gone[_endpoint(op)]
        for key, op in after.items()
        if key not in before and _endpoint(op) in gone
    }
    renamed = {was.operation_id for was in moved.values()}
    for operation_id, op in before.items():
        if operation_id not in after and operation_id not in renamed:
            yield Change(
                _group_of(op),
                _call_of(op),
                "operation_removed",
                True,
                f"method {_call_of(op)} removed ({op.method.upper()} {op.path})",
                operation_id,
                old=_call_of(op),
            )
    for operation_id, op in after.items():
        if operation_id in moved:
            was = moved[operation_id]
            yield Change(
                _group_of(op),
                _call_of(op),
                "operation_id_changed",
                False,
                f"{_call_of(op)}: operation ID {was.operation_id} changed to "
                f"{operation_id} ({op.method.upper()} {op.path})",
                operation_id,
                old=was.operation_id,
                new=operation_id,
            )
            yield from _changed_operation(context, was, op)
        elif operation_id not in before:
            yield Change(
                _group_of(op),
                _call_of(op),
                "operation_added",
                False,
                f"method {_call_of(op)} added ({op.method.upper()} {op.path})",
                operation_id,
                new=_call_of(op),
            )
        else:
            yield from _changed_operation(context, before[operation_id], op)


def _endpoint(operation: ir.Operation) -> tuple[str, str]:
    return operation.method.lower(), operation.path


def _changed_operation(
    context: _Context, old: ir.Operation, new: ir.Operation
) -> Iterator[Change]:
    call = _call_of(new)
    if old.call != new.call:
        yield Change(
            _group_of(new),
            call,
            "method_renamed",
            True,
            f"method {_call_of(old)} renamed to {call}",
            new.operation_id,
            old=_call_of(old),
            new=call,
        )
    at = _Place(_group_of(new), call, new.operation_id)
    yield from _path_parameter_changes(context, at, old, new)
    before, after = _arguments(old), _arguments(new)
    yield from _argument_changes(context, at, before, after)
    yield from _moved_arguments(at, _argument_places(old), _argument_places(new))
    yield from _return_changes(at, old, new)


@dataclass(frozen=True)
class _Place:
    """Where changes are reported: a group, the method (or model) and the operation ID."""

    group: str
    owner: str
    operation_id: str = ""

    def change(
        self,
        subject: str,
        kind: str,
        breaking: bool,
        detail: str,
        old: str = "",
        new: str = "",
    ) -> Change:
        return Change(
            self.group, subject, kind, breaking, detail, self.operation_id, old, new
        )

    def said(self, text: str) -> str:
        """A change's description, led by the method (or model) it is about."""
        return f"{self.owner}: {text}"

    def argument(self, name: str) -> str:
        return f"{self.owner}({name})"


def _arguments(operation: ir.Operation) -> dict[str, ir.Field]:
    """The method's keyword arguments (query, body, header and cookie parameters) by name."""
    payloads = (operation.query, operation.body, operation.headers, operation.cookies)
    return {
        argument: item
        for payload in payloads
        if payload is not None
        for argument, item in payload.arguments_and_fields
    }


_PLACE_WORDS = {
    "query": "the query string",
    "header": "a header",
    "cookie": "a cookie",
}


def _argument_places(operation: ir.Operation) -> dict[str, str]:
    """Where each keyword argument is sent: ``the query string``, ``a header``, ``a
    cookie`` or ``the body``."""
    payloads = (operation.query, operation.body, operation.headers, operation.cookies)
    return {
        argument: _PLACE_WORDS.get(payload.kind, "the body")
        for payload in payloads
        if payload is not None
        for argument in payload.arguments
    }


def _moved_arguments(
    at: _Place, before: Mapping[str, str], after: Mapping[str, str]
) -> Iterator[Change]:
    for name, now in after.items():
        was = before.get(name)
        if was is not None and was != now:
            yield at.change(
                at.argument(name),
                "parameter_moved",
                False,
                at.said(
                    f"parameter {name} moved from {was} to {now} (calls unchanged)"
                ),
                old=was,
                new=now,
            )


def _path_parameter_changes(
    context: _Context, at: _Place, old: ir.Operation, new: ir.Operation
) -> Iterator[Change]:
    before, after = old.path_params, new.path_params
    for index in range(max(len(before), len(after))):
        if index >= len(after):
            gone = before[index]
            yield at.change(
                at.argument(gone.name),
                "parameter_removed",
                True,
                at.said(f"positional parameter {gone.name} removed"),
                old=gone.name,
            )
        elif index >= len(before):
            added = after[index]
            yield at.change(
                at.argument(added.name),
                "parameter_added",
                True,
                at.said(f"required positional parameter {added.name} added"),
                new=added.name,
            )
        else:
            was, now = before[index], after[index]
            if was.name != now.name:
                yield at.change(
                    at.argument(now.name),
                    "parameter_renamed",
                    True,
                    at.said(
                        f"positional parameter {was.name} renamed to {now.name} "
                        "(calls passing it by keyword break)"
                    ),
                    old=was.name,
                    new=now.name,
                )
            yield from _type_changes(
                context, at, at.argument(now.name), was.type, now.type, sent=True
            )


def _argument_changes(
    context: _Context,
    at: _Place,
    before: Mapping[str, ir.Field],
    after: Mapping[str, ir.Field],
    prefix: str = "",
    seen: frozenset[tuple[str, str]] = frozenset(),
) -> Iterator[Change]:
    """Keyword arguments (or, under ``prefix``, the keys of a parameter's ``TypedDict``)."""
    what = "key" if prefix else "parameter"
    for name, gone in before.items():
        if name not in after:
            yield at.change(
                at.argument(prefix + name),
                "parameter_removed",
                True,
                at.said(f"{what} {prefix}{name} removed"),
                old=shown(gone.type),
            )
    for name, now in after.items():
        subject = at.argument(prefix + name)
        was = before.get(name)
        if was is None:
            required = "required" if now.required else "optional"
            yield at.change(
                subject,
                "parameter_added",
                now.required,
                at.said(f"{required} {what} {prefix}{name} added"),
                new=shown(now.type),
            )
            continue
        if was.required != now.required:
            yield at.change(
                subject,
                "parameter_required" if now.required else "parameter_optional",
                now.required,
                at.said(
                    f"{what} {prefix}{name} made "
                    f"{'required' if now.required else 'optional'}"
                ),
            )
        context.pairs = []
        yield from _type_changes(context, at, subject, was.type, now.type, sent=True)
        yield from _nested_changes(context, at, f"{prefix}{name}.", seen)


def _nested_changes(
    context: _Context, at: _Place, prefix: str, seen: frozenset[tuple[str, str]]
) -> Iterator[Change]:
    """The keys of the request models a compared argument takes, once per pair of models."""
    pairs, context.pairs = context.pairs, []
    for pair in dict.fromkeys(pairs):
        if pair in seen:
            continue
        was, now = context.old_requests[pair[0]], context.new_requests[pair[1]]
        yield from _argument_changes(
            context,
            at,
            {item.wire_name: item for item in was.fields},
            {item.wire_name: item for item in now.fields},
            prefix,
            seen | {pair},
        )


def _return_changes(
    at: _Place, old: ir.Operation, new: ir.Operation
) -> Iterator[Change]:
    if old.pagination is not None and new.pagination is not None:
        yield from _type_changes(
            _Context({}, {}),
            at,
            f"{at.owner} -> items",
            old.pagination.item,
            new.pagination.item,
            sent=False,
        )
    subject = f"{at.owner} -> return"
    was, now = _returned(old), _returned(new)
    if was == now:
        return
    if (
        old.response.type is not None
        and new.response.type is not None
        and ((old.pagination is None) == (new.pagination is None))
    ):
        yield from _type_changes(
            _Context({}, {}),
            at,
            subject,
            old.response.type,
            new.response.type,
            sent=False,
        )
        return
    yield at.change(
        subject, "type_changed", True, f"returns {now} instead of {was}", was, now
    )


def _returned(operation: ir.Operation) -> str:
    response = operation.response
    if response.type is not None:
        if operation.pagination is not None:
            return f"a page of {shown(operation.pagination.item)}"
        return shown(response.type)
    return "None" if response.empty else ("str" if response.text else "bytes")


# --- models ----------------------------------------------------------------------------------


def _model_changes(context: _Context, old: ir.Api, new: ir.Api) -> Iterator[Change]:
    before, after = _named_types(old), _named_types(new)
    for name in sorted(before.keys() - after.keys()):
        yield Change(MODELS_GROUP, name, "model_removed", True, f"model {name} removed")
    for name in sorted(after.keys() - before.keys()):
        yield Change(MODELS_GROUP, name, "model_added", False, f"model {name} added")
    for name in sorted(before.keys() & after.keys()):
        yield from _changed_model(context, before[name], after[name])


def _named_types(api: ir.Api) -> dict[str, Union[ir.Model, ir.Alias]]:
    """The response models and aliases by class name."""
    named: dict[str, Union[ir.Model, ir.Alias]] = {m.name: m for m in api.models}
    named.update((alias.name, alias) for alias in api.aliases)
    return named


def _changed_model(
    context: _Context,
    old: Union[ir.Model, ir.Alias],
    new: Union[ir.Model, ir.Alias],
) -> Iterator[Change]:
    at = _Place(MODELS_GROUP, new.name)
    if isinstance(old, ir.Alias) or isinstance(new, ir.Alias):
        if isinstance(old, ir.Alias) and isinstance(new, ir.Alias):
            yield from _type_changes(
                context, at, new.name, old.type, new.type, sent=False
            )
        elif old != new:
            yield at.change(
                new.name,
                "type_changed",
                True,
                f"{new.name} is now another kind of type",
            )
        return
    before = {item.name: item for item in old.fields}
    after = {item.name: item for item in new.fields}
    for name, gone in before.items():
        if name not in after:
            yield at.change(
                f"{new.name}.{name}",
                "field_removed",
                True,
                f"field {new.name}.{name} removed",
                old=shown(gone.type),
            )
    for name, now in after.items():
        subject = f"{new.name}.{name}"
        was = before.get(name)
        if was is None:
            yield at.change(
                subject,
                "field_added",
                False,
                f"field {subject} added",
                new=shown(now.type),
            )
            continue
        if _may_be_none(was) != _may_be_none(now):
            nullable = _may_be_none(now)
            yield at.change(
                subject,
                "field_nullable" if nullable else "field_non_nullable",
                nullable,
                f"field {subject} made {_none_words(was, now)}",
                shown(was.type),
                shown(now.type),
            )
        yield from _type_changes(
            context, at, subject, _non_null(was.type), _non_null(now.type), sent=False
        )


def _none_words(was: ir.Field, now: ir.Field) -> str:
    """How a response field's ``None`` changed: ``nullable``, ``optional (None when not
    sent)``, or their opposites."""
    if was.required != now.required:
        if now.required:
            return "required (always sent, never None)"
        return "optional (None when not sent)"
    return "nullable" if isinstance(now.type, ir.Nullable) else "non-nullable"


def shown(expr: ir.TypeExpr) -> str:
    """A type as the report shows it: its Python annotation, a discriminated union as the
    plain ``Union[...]`` a caller reads (how pydantic tells its members apart is not part
    of the type a caller's code checks against)."""
    return _undiscriminated(expr).annotation()


def _undiscriminated(expr: ir.TypeExpr) -> ir.TypeExpr:
    if isinstance(expr, ir.UnionType):
        return ir.UnionType(tuple(_undiscriminated(m) for m in expr.members))
    if isinstance(expr, ir.Nullable):
        return ir.Nullable(_undiscriminated(expr.inner))
    if isinstance(expr, ir.ListType):
        return dataclasses.replace(expr, item=_undiscriminated(expr.item))
    if isinstance(expr, ir.MapType):
        return dataclasses.replace(expr, value=_undiscriminated(expr.value))
    return expr


def _may_be_none(item: ir.Field) -> bool:
    """A response field a caller may find ``None``: nullable, or not always sent."""
    return isinstance(item.type, ir.Nullable) or not item.required


def _non_null(expr: ir.TypeExpr) -> ir.TypeExpr:
    return expr.inner if isinstance(expr, ir.Nullable) else expr


# --- types -----------------------------------------------------------------------------------


def _type_changes(
    context: _Context,
    at: _Place,
    subject: str,
    old: ir.TypeExpr,
    new: ir.TypeExpr,
    *,
    sent: bool,
) -> Iterator[Change]:
    """How a type changed where the caller sends it (``sent``) or receives it; a sent
    type's request models are recorded in ``context`` (their keys are compared next)."""
    relation = type_relation(old, new, context if sent else None)
    if old == new:
        return
    enums = _enum_pairs(old, new)
    if enums is not None:
        for was, now in enums:
            yield from _enum_changes(at, subject, was, now, sent=sent)
        return
    if relation == SAME:
        return
    kind = {WIDER: "type_widened", NARROWER: "type_narrowed"}.get(
        relation, "type_changed"
    )
    breaking = relation == CHANGED or (relation == NARROWER) == sent
    yield at.change(
        subject,
        kind,
        breaking,
        f"type of {subject} {_relation_words[relation]}: {shown(old)} -> "
        f"{shown(new)}{_why_breaking(relation, sent) if breaking else ''}",
        shown(old),
        shown(new),
    )


def _why_breaking(relation: str, sent: bool) -> str:
    """Why a widened or narrowed type breaks, for the reader of the report."""
    if relation == WIDER and not sent:
        return " (code reading it may now meet values the old type excluded)"
    if relation == NARROWER and sent:
        return " (calls passing values the new type excludes break)"
    return ""


_relation_words = {WIDER: "widened", NARROWER: "narrowed", CHANGED: "changed"}


def _enum_changes(
    at: _Place, subject: str, old: ir.LiteralType, new: ir.LiteralType, *, sent: bool
) -> Iterator[Change]:
    before, after = _typed_values(old), _typed_values(new)
    removed = [value for key, value in before.items() if key not in after]
    added = [value for key, value in after.items() if key not in before]
    if removed:
        values = ", ".join(repr(value) for value in removed)
        yield at.change(
            subject,
            "enum_values_removed",
            sent,
            f"enum values of {subject} removed: {values}",
            old=values,
        )
    if added:
        values = ", ".join(repr(value) for value in added)
        why = (
            ""
            if sent or not new.open
            else " (open enum: other values were accepted already)"
        )
        yield at.change(
            subject,
            "enum_values_added",
            not sent and not new.open,
            f"enum values of {subject} added: {values}{why}",
            new=values,
        )
    if old.open != new.open:
        relation = WIDER if new.open else NARROWER
        yield at.change(
            subject,
            "type_widened" if new.open else "type_narrowed",
            (relation == NARROWER) == sent,
            f"enum of {subject} made {'open' if new.open else 'closed'}",
            shown(old),
            shown(new),
        )


def _typed_values(
    literal: ir.LiteralType,
) -> dict[tuple[str, Union[str, int, float, bool]], Union[str, int, float, bool]]:
    return {(type(value).__name__, value): value for value in literal.values}


def _enum_pairs(
    old: ir.TypeExpr, new: ir.TypeExpr
) -> Optional[list[tuple[ir.LiteralType, ir.LiteralType]]]:
    """The enums at the same places of two types that differ in nothing else, or ``None``."""
    if isinstance(old, ir.LiteralType) and isinstance(new, ir.LiteralType):
        return [(old, new)]
    if type(old) is not type(new):
        return None
    if isinstance(old, ir.Nullable) and isinstance(new, ir.Nullable):
        return _enum_pairs(old.inner, new.inner)
    if isinstance(old, ir.ListType) and isinstance(new, ir.ListType):
        return _enum_pairs(old.item, new.item)
    if isinstance(old, ir.MapType) and isinstance(new, ir.MapType):
        return _enum_pairs(old.value, new.value)
    if isinstance(old, ir.UnionType) and isinstance(new, ir.UnionType):
        if len(old.members) != len(new.members):
            return None
        pairs: list[tuple[ir.LiteralType, ir.LiteralType]] = []
        for was, now in zip(old.members, new.members):
            inner = _enum_pairs(was, now)
            if inner is None:
                return None
            pairs += inner
        return pairs
    return [] if old == new else None


def type_relation(
    old: ir.TypeExpr, new: ir.TypeExpr, context: Optional[_Context] = None
) -> str:
    """Whether ``new`` accepts what ``old`` did and more (``wider``), less (``narrower``),
    the same, or something else (``changed``).

    With ``context`` (a sent type), two request models compare as the same type here, and
    the pair is recorded so that their keys are compared one by one.
    """
    if isinstance(old, ir.Nullable) or isinstance(new, ir.Nullable):
        return _nullable_relation(old, new, context)
    if isinstance(old, ir.UnionType) or isinstance(new, ir.UnionType):
        return _union_relation(_members(old), _members(new), context)
    if isinstance(old, ir.ModelRef) and isinstance(new, ir.ModelRef):
        return _model_relation(old.name, new.name, context)
    if old == new:
        return SAME
    if isinstance(old, ir.Primitive) and old.name == "Any":
        return NARROWER
    if isinstance(new, ir.Primitive) and new.name == "Any":
        return WIDER
    if isinstance(old, ir.ListType) and isinstance(new, ir.ListType):
        return type_relation(old.item, new.item, context)
    if isinstance(old, ir.MapType) and isinstance(new, ir.MapType):
        return type_relation(old.value, new.value, context)
    if isinstance(old, ir.LiteralType) and isinstance(new, ir.LiteralType):
        return _literal_relation(old, new)
    if isinstance(old, ir.LiteralType) and isinstance(new, ir.Primitive):
        return WIDER if _literal_base(old) == new.name else CHANGED
    if isinstance(old, ir.Primitive) and isinstance(new, ir.LiteralType):
        return NARROWER if _literal_base(new) == old.name else CHANGED
    if isinstance(old, ir.Primitive) and isinstance(new, ir.Primitive):
        return _primitive_relation(old.name, new.name)
    return CHANGED


def _combined(first: str, second: str) -> str:
    if first == SAME:
        return second
    if second == SAME or first == second:
        return first
    return CHANGED


def _nullable_relation(
    old: ir.TypeExpr, new: ir.TypeExpr, context: Optional[_Context]
) -> str:
    inner = type_relation(_non_null(old), _non_null(new), context)
    if isinstance(old, ir.Nullable) and isinstance(new, ir.Nullable):
        return inner
    return _combined(inner, WIDER if isinstance(new, ir.Nullable) else NARROWER)


def _members(expr: ir.TypeExpr) -> tuple[ir.TypeExpr, ...]:
    return expr.members if isinstance(expr, ir.UnionType) else (expr,)


def _union_relation(
    old: tuple[ir.TypeExpr, ...],
    new: tuple[ir.TypeExpr, ...],
    context: Optional[_Context],
) -> str:
    """``new`` is wider when each old member fits in a new one, narrower when the reverse.

    Only the pairs of request models of the members matched (old to new, an equal member
    first) are recorded in ``context``: not those of every member tried.
    """
    kept = all(_fits(o, new, context) for o in old)
    scratch = None if context is None else dataclasses.replace(context, pairs=[])
    within = all(
        any(type_relation(o, n, scratch) in (SAME, NARROWER) for o in old) for n in new
    )
    if kept and within:
        return SAME
    if kept:
        return WIDER
    return NARROWER if within else CHANGED


def _fits(
    old: ir.TypeExpr, new: tuple[ir.TypeExpr, ...], context: Optional[_Context]
) -> bool:
    """Whether a member of ``new`` takes every value of ``old`` (its request models recorded)."""
    for member in sorted(new, key=lambda member: member != old):
        trial = None if context is None else dataclasses.replace(context, pairs=[])
        if type_relation(old, member, trial) in (SAME, WIDER):
            if context is not None and trial is not None:
                context.pairs += trial.pairs
            return True
    return False


def _model_relation(old: str, new: str, context: Optional[_Context]) -> str:
    if (
        context is not None
        and old in context.old_requests
        and new in context.new_requests
    ):
        context.pairs.append((old, new))
        return SAME
    return SAME if old == new else CHANGED


def _literal_relation(old: ir.LiteralType, new: ir.LiteralType) -> str:
    before, after = set(_typed_values(old)), set(_typed_values(new))
    values = (
        SAME
        if before == after
        else (WIDER if before < after else NARROWER if after < before else CHANGED)
    )
    if old.open == new.open:
        return values
    return _combined(values, WIDER if new.open else NARROWER)


def _literal_base(literal: ir.LiteralType) -> str:
    kinds = {type(value).__name__ for value in literal.values}
    return kinds.pop() if len(kinds) == 1 else "Any"


_WIDER_PRIMITIVES = {("int", "float"), ("bool", "int")}
"""``new`` accepts every value of ``old`` (as the type checker sees them)."""


def _primitive_relation(old: str, new: str) -> str:
    if (old, new) in _WIDER_PRIMITIVES:
        return WIDER
    if (new, old) in _WIDER_PRIMITIVES:
        return NARROWER
    return SAME if old == new else CHANGED

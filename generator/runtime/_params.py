"""Checking request parameters against their `TypedDict`s before anything is sent.

The generated methods take nested objects as plain dicts, typed by the `TypedDict`s of the
`params` modules so that type checkers catch a misspelt key. At run time each method hands
its arguments, by wire name, to a `ParamsType`, which checks them all, at every depth, with
pydantic: unknown keys, missing required keys, types (strictly: `"5"` is no integer and
`True` no number, as for a type checker; an `int` or a `Decimal` is a fine `float`), enum
values and the spec's limits such as `max_length`. What passes is the dict `encode_params`
sends.

A problem raises `InvalidParamsError`, whose message names each key by its path
(`card.cvv`, `items.0.price`) and suggests the known key closest to a misspelt one. Values
never appear in it (they may be card numbers), nor does pydantic's `ValidationError`, which
quotes them.
"""

from __future__ import annotations

import collections.abc
import difflib
from typing import (
    Any,
    Dict,
    Generic,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
    TypeVar,
    Union,
    cast,
)

from pydantic import ConfigDict, TypeAdapter, ValidationError
from typing_extensions import (
    Annotated,
    NotRequired,
    Required,
    get_args,
    get_origin,
    get_type_hints,
    is_typeddict,
)

from ._model_base import complete
from .errors import InvalidParamsError

__all__ = ["ParamsType"]

P = TypeVar("P")

_CONFIG = ConfigDict(extra="forbid", strict=True)
"""Applied to every `TypedDict` inside the checked one: pydantic hands the config of the
enclosing type on to a `TypedDict` that has none of its own, so the generated classes stay
plain `TypedDict`s, free of pydantic decorators that type checkers do not know."""

_SAFE_MESSAGES = frozenset(
    {
        "literal_error",
        "string_too_long",
        "string_too_short",
        "string_pattern_mismatch",
        "too_long",
        "too_short",
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "multiple_of",
        "finite_number",
        "enum",
    }
)
"""Error types whose pydantic message never quotes the value given (nor do the `*_type`
ones, "Input should be a valid string"); any other gets a message of our own."""

_Segment = Union[str, int]


class ParamsType(Generic[P]):
    """How the parameters of one operation are checked before they are sent.

    Generated resource modules create one per operation, at import time and cheaply: the
    pydantic `TypeAdapter` is built on first use and then kept.

        _CREATE_SOURCE_PARAMS: ParamsType[CreateSourceParams] = ParamsType(
            CreateSourceParams, "customers.sources.create"
        )

    Args:
        typed_dict: The `TypedDict` of all the operation's parameters, keys by wire name.
        operation: The call as it reads, for messages: `customers.sources.create`.
    """

    __slots__ = ("_type", "_operation", "_adapter", "_dumps_models")

    def __init__(self, typed_dict: Any, operation: str) -> None:
        self._type = typed_dict
        self._operation = operation
        self._adapter: Optional[TypeAdapter[Any]] = None
        self._dumps_models = False

    def __repr__(self) -> str:
        return f"ParamsType({getattr(self._type, '__name__', self._type)}, {self._operation!r})"

    @property
    def operation(self) -> str:
        return self._operation

    def validate(self, values: Mapping[str, object]) -> Dict[str, Any]:
        """The parameters to send, checked: `values` without its top-level None values.

        None means "not given" (the generated methods pass every keyword argument); inside
        nested objects None is a value like any other, allowed only where the spec allows
        null.

        Returns:
            A new dict by wire name, ready for `encode_params`.

        Raises:
            InvalidParamsError: A parameter does not fit its type; nothing was sent.
        """
        given = {key: value for key, value in values.items() if value is not None}
        adapter = self._adapter
        if adapter is None:
            adapter = self._adapter = _adapter(self._type)
            self._dumps_models = _has_models(adapter.core_schema)
        try:
            result: Dict[str, Any] = adapter.validate_python(given)
            if self._dumps_models:
                # A parameter typed with a model (a component the spec's request refers
                # to) holds the model instance: encode_params takes plain data.
                result = adapter.dump_python(result, by_alias=True, exclude_none=True)
            return result
        except ValidationError as exc:
            problems = describe(self._type, given, exc)
        # Raised here, outside the `except`, so that the ValidationError, which quotes the
        # values, is neither the cause nor the context of the exception.
        raise InvalidParamsError(self._operation, problems)


def _adapter(typed_dict: Any) -> TypeAdapter[Any]:
    # TypeAdapter refuses a config for a TypedDict (it could have its own); wrapped in
    # Optional, which validates a dict exactly like the TypedDict alone, it takes one, and
    # hands it on to the TypedDict and every TypedDict nested in it. The type is built at
    # run time from a class a type checker only knows as a value: to it the form is Any.
    optional: Any = Optional[typed_dict]
    complete(typed_dict)  # response models it names may quote other models
    return TypeAdapter(optional, config=_CONFIG)


def _has_models(schema: object) -> bool:
    """Whether a pydantic core schema validates any model class (not only TypedDicts)."""
    # A core schema is JSON-like data: dicts with str keys, lists, scalars.
    if isinstance(schema, dict):
        node = cast(Dict[str, object], schema)
        if node.get("type") == "model":
            return True
        return any(_has_models(value) for value in node.values())
    if isinstance(schema, list):
        return any(_has_models(item) for item in cast(List[object], schema))
    return False


# --- messages -------------------------------------------------------------------------------


class _Problem:
    """One pydantic error, its location split into the data's path and union choices."""

    __slots__ = ("path", "choices", "message")

    def __init__(
        self,
        path: Tuple[_Segment, ...],
        choices: Tuple[Tuple[Tuple[Any, ...], str, int], ...],
        message: str,
    ) -> None:
        self.path = path
        # (location up to the union, member tag, length of the data path at the union)
        self.choices = choices
        self.message = message


def describe(
    typed_dict: Any, values: Mapping[str, object], exc: ValidationError
) -> List[Tuple[str, str]]:
    """The problems of a failed validation as `(path, message)`, without any value given.

    Pydantic locates an error inside a union member with the member's tag (`card.Card.cvv`,
    `card.str`); the paths here are keys and indexes of the data only. Of a union's members,
    the one that got past the type check (the dict branch for a dict) is reported, or when
    none did, one line says what the value should have been.
    """
    problems: List[_Problem] = []
    for error in exc.errors(
        include_url=False, include_context=False, include_input=False
    ):
        loc = tuple(error["loc"])
        path, choices, keys = _locate(typed_dict, loc)
        problems.append(_Problem(path, choices, _message(error, path, keys, values)))
    problems = _choose_members(problems)
    return [(".".join(str(part) for part in p.path), p.message) for p in problems]


def _message(
    error: Any,
    path: Tuple[_Segment, ...],
    keys: Sequence[str],
    values: Mapping[str, object],
) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        unknown = str(path[-1]) if path else ""
        given = _data_at(values, path[:-1])
        taken: Set[object] = (
            set(cast(Mapping[object, object], given))
            if isinstance(given, Mapping)
            else set()
        )
        close = difflib.get_close_matches(
            unknown, [key for key in keys if key not in taken], n=1
        )
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown parameter{hint}"
    if kind == "missing":
        return "missing required parameter"
    if kind.endswith("_type") or kind in _SAFE_MESSAGES:
        message = str(error["msg"])
        return message[:1].lower() + message[1:]
    return f"invalid value ({kind})"


def _locate(
    typed_dict: Any, loc: Tuple[Any, ...]
) -> Tuple[
    Tuple[_Segment, ...], Tuple[Tuple[Tuple[Any, ...], str, int], ...], Sequence[str]
]:
    """Walk the types along an error location: the data path, the union members chosen on
    the way, and the keys of the TypedDict holding the last key (for suggestions)."""
    path: List[_Segment] = []
    choices: List[Tuple[Tuple[Any, ...], str, int]] = []
    keys: Sequence[str] = ()
    current: Any = typed_dict
    for index, segment in enumerate(loc):
        members = _union_members(current)
        if members:
            tag = str(segment)
            choices.append((loc[:index], tag, len(path)))
            following = loc[index + 1] if index + 1 < len(loc) else None
            current = _member(members, tag, following)
            continue
        path.append(segment)
        current, found = _child(current, segment)
        if found is not None:
            keys = found
    return tuple(path), tuple(choices), keys


def _strip(annotation: Any) -> Any:
    """The type under `Annotated`, `Required`, `NotRequired` and `Optional`."""
    while True:
        origin = get_origin(annotation)
        if origin in (Annotated, Required, NotRequired):
            annotation = get_args(annotation)[0]
        elif origin is Union:
            members = [m for m in get_args(annotation) if m is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _union_members(annotation: Any) -> Tuple[Any, ...]:
    """The members of a union pydantic tags errors with (not `Optional[X]`), or ()."""
    annotation = _strip(annotation)
    if get_origin(annotation) is not Union:
        return ()
    return tuple(m for m in get_args(annotation) if m is not type(None))


def _member(members: Tuple[Any, ...], tag: str, following: Any) -> Any:
    """The union member a tag stands for: a TypedDict by its name (pydantic before 2.8
    tags every one `typed-dict`), else the one that can hold the next segment of the
    location (an index: a list; a key: a dict)."""
    stripped = [_strip(member) for member in members]
    typed_dicts = [member for member in stripped if is_typeddict(member)]
    for member in typed_dicts:
        if getattr(member, "__name__", None) == tag:
            return member
    if tag.startswith("typed-dict") and typed_dicts:
        return typed_dicts[0]
    for member in stripped:
        origin = get_origin(member)
        if isinstance(following, int) and origin in (list, tuple):
            return member
        if isinstance(following, str) and origin in (dict, collections.abc.Mapping):
            return member
    return None


def _child(annotation: Any, segment: Any) -> Tuple[Any, Optional[Sequence[str]]]:
    """The type found under `segment`, and the keys of the TypedDict it is a key of."""
    annotation = _strip(annotation)
    if is_typeddict(annotation):
        try:
            hints = get_type_hints(annotation, include_extras=True)
        except Exception:  # an unresolvable annotation: no suggestions, still a message
            return None, None
        return hints.get(segment), list(hints)
    args = get_args(annotation)
    origin = get_origin(annotation)
    if origin in (list, tuple) and args:
        return args[0], None
    if origin in (dict, collections.abc.Mapping) and len(args) == 2:
        return args[1], None
    return None, None


def _data_at(values: object, path: Sequence[_Segment]) -> object:
    for segment in path:
        if isinstance(values, Mapping):
            values = cast(Mapping[object, object], values).get(segment)
        elif isinstance(values, (list, tuple)) and isinstance(segment, int):
            items = cast(Sequence[object], values)
            values = items[segment] if -len(items) <= segment < len(items) else None
        else:
            return None
    return values


def _choose_members(problems: List[_Problem]) -> List[_Problem]:
    """Of each union, keep the problems of the member that fits the value's kind.

    A member with problems deeper than the union (a key of the dict) accepted the value's
    kind: it is the one reported (of several, the one with the fewest problems). When every
    member failed at the union itself, their messages become one ("input should be a valid
    dictionary or a valid string").
    """
    unions = sorted(
        {(choice[0], choice[2]) for p in problems for choice in p.choices},
        key=lambda union: len(union[0]),
    )
    for where, depth in unions:
        members: Dict[str, List[_Problem]] = {}
        for problem in problems:
            tag = next((c[1] for c in problem.choices if c[0] == where), None)
            if tag is not None:
                members.setdefault(tag, []).append(problem)
        if not members:
            continue  # a union inside a member already dropped
        deep = {
            tag: found
            for tag, found in members.items()
            if any(len(p.path) > depth for p in found)
        }
        if deep:
            chosen = min(deep, key=lambda tag: len(deep[tag]))
            dropped = {
                id(p) for tag, found in members.items() if tag != chosen for p in found
            }
            problems = [p for p in problems if id(p) not in dropped]
        else:
            involved = {id(p) for found in members.values() for p in found}
            failed = [p for p in problems if id(p) in involved]
            merged = _Problem(failed[0].path[:depth], (), _merge(failed))
            kept: List[_Problem] = []
            for problem in problems:
                if problem is failed[0]:
                    kept.append(merged)
                elif id(problem) not in involved:
                    kept.append(problem)
            problems = kept
    return problems


def _merge(problems: List[_Problem]) -> str:
    messages: List[str] = []
    for problem in problems:
        if problem.message not in messages:
            messages.append(problem.message)
    prefix = "input should be "
    if all(m.startswith(prefix) for m in messages):
        return prefix + " or ".join(m[len(prefix) :] for m in messages)
    return "; ".join(messages)

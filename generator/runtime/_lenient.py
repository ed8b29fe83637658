"""Lenient parsing: a successful response always becomes an object, and nothing sent is lost.

Servers drift from any pinned spec: a newer API version adds fields, enum values and object
kinds, makes a field nullable, or leaves out one the spec calls required. A payment client
must never turn a successful call into an exception over that (the money has moved), so
bodies are not validated by default: they are *built* along the types of the models.

- A field the body leaves out is None (and not in `model_fields_set`).
- A value of an unexpected type is kept as it was sent (a `str` where an `int` was
  documented stays a `str`).
- Unknown fields are kept (`model_extra`), with their JSON values.
- A union told apart by `object` (or the spec's discriminator) picks its member by that tag;
  a kind this client does not know becomes a `StripeObject`, which keeps every field. An
  object without a tag goes to the member whose required fields it holds and that knows
  most of its keys.
- Lists and maps are built item by item; anything else (enums included) is kept as sent.

`construct(type_, data)` does this for any annotation the generated models use. How to
build each model is worked out on its first use and kept, so parsing needs no validator of
the whole graph of models a response can reach.
"""

from __future__ import annotations

import typing
from typing import (
    Any,
    Callable,
    Dict,
    ForwardRef,
    List,
    Optional,
    Set,
    Tuple,
    Type,
    Union,
    cast,
)

from pydantic import BaseModel

from ._lazy import resolve
from ._model_base import StripeObject, wire_names

__all__ = ["construct", "converter", "generic_object", "sends_required"]

Convert = Callable[[Any], Any]

_NONE_TYPE = type(None)
_CONVERTERS: Dict[Any, Convert] = {}
_PLANS: Dict[type, "_Plan"] = {}


def construct(type_: Any, data: Any) -> Any:
    """`data` (parsed JSON) built as `type_`, never rejecting anything (see the module)."""
    return converter(type_)(data)


def converter(type_: Any, owner: Optional[type] = None) -> Convert:
    """The function that builds a JSON value as `type_`; `owner` resolves forward references."""
    key = (type_, owner) if isinstance(type_, (str, ForwardRef)) else type_
    try:
        found = _CONVERTERS.get(key)
    except TypeError:  # an unhashable annotation: not kept
        return _build_converter(type_, owner)
    if found is None:
        found = _CONVERTERS[key] = _build_converter(type_, owner)
    return found


def _keep(value: Any) -> Any:
    return value


def _build_converter(type_: Any, owner: Optional[type]) -> Convert:
    if isinstance(type_, (str, ForwardRef)):
        return _forward(type_, owner)
    if isinstance(type_, type) and issubclass(type_, BaseModel):
        return _model_converter(type_)
    origin = typing.get_origin(type_)
    arguments = typing.get_args(type_)
    if origin is typing.Annotated:
        discriminator = _discriminator(arguments[1:])
        inner = arguments[0]
        if discriminator is not None:
            return _tagged_union(typing.get_args(inner), discriminator, owner)
        return converter(inner, owner)
    if origin is Union:
        return _union(arguments, owner)
    if origin in (list, List):
        return _list(arguments[0] if arguments else Any, owner)
    if origin in (dict, Dict):
        return _dict(arguments[1] if len(arguments) == 2 else Any, owner)
    return _keep  # str, int, float, bool, Literal, Any: kept as sent


def _forward(reference: Union[str, ForwardRef], owner: Optional[type]) -> Convert:
    """A quoted annotation (a model of another module of the models package), resolved on
    first use; a name that cannot be resolved is kept as sent."""
    name = reference if isinstance(reference, str) else reference.__forward_arg__
    resolved: List[Convert] = []

    def convert(value: Any) -> Any:
        if not resolved:
            resolved.append(converter(_resolve(name, owner), owner))
        return resolved[0](value)

    return convert


def _resolve(name: str, owner: Optional[type]) -> Any:
    if owner is None:
        return Any
    try:
        return resolve(owner.__module__, name)
    except (AttributeError, ImportError, KeyError):
        return Any


def _discriminator(metadata: Tuple[Any, ...]) -> Optional[str]:
    """The tag of `Field(discriminator=name)`, or the wire name of the JSON-schema
    discriminator `Field(json_schema_extra={"discriminator": {"propertyName": wire}})` of a
    union whose members may leave the tag out."""
    for item in metadata:
        found = getattr(item, "discriminator", None)
        if isinstance(found, str):
            return found
        extra: Any = getattr(item, "json_schema_extra", None)
        named: Any = (
            cast(Dict[str, Any], extra).get("discriminator")
            if isinstance(extra, dict)
            else None
        )
        wire: Any = (
            cast(Dict[str, Any], named).get("propertyName")
            if isinstance(named, dict)
            else None
        )
        if isinstance(wire, str):
            return wire
    return None


def _list(item: Any, owner: Optional[type]) -> Convert:
    convert_item = converter(item, owner)
    if convert_item is _keep:
        return _keep

    def convert(value: Any) -> Any:
        if value.__class__ is not list:  # (not `type()`: keeps `value` typed Any)
            return value
        return [convert_item(entry) for entry in value]

    return convert


def _dict(item: Any, owner: Optional[type]) -> Convert:
    convert_item = converter(item, owner)
    if convert_item is _keep:
        return _keep

    def convert(value: Any) -> Any:
        if type(value) is not dict:
            return value
        items = cast(Dict[str, Any], value).items()
        return {key: convert_item(entry) for key, entry in items}

    return convert


def _union(members: Tuple[Any, ...], owner: Optional[type]) -> Convert:
    """`Optional[X]`, `Union[str, Model]` (an expandable field), `Union[A, B]`, ..."""
    options = [m for m in members if m is not _NONE_TYPE]
    if len(options) == 1:
        return converter(options[0], owner)
    converters = [converter(m, owner) for m in options]
    builders = [c for c in converters if c is not _keep]
    if not builders:
        return _keep
    if len(builders) == 1:
        build = builders[0]

        def convert_one(value: Any) -> Any:
            return build(value) if type(value) in (dict, list) else value

        return convert_one
    tagged = _tagged_union(tuple(options), "object", owner)

    def convert_many(value: Any) -> Any:
        return tagged(value) if type(value) is dict else value

    return convert_many


def _tagged_union(
    members: Tuple[Any, ...], discriminator: str, owner: Optional[type]
) -> Convert:
    """A union told apart by the field `discriminator` (Stripe's `object`, or the spec's
    discriminator, by field or wire name): the member of the tag sent, a `StripeObject` for
    a tag no member has. The tag is read under the field's wire name (`petType` for a field
    `pet_type`)."""
    table: List[Tuple[str, Dict[str, Convert]]] = []

    def by_tag() -> Tuple[str, Dict[str, Convert]]:
        if not table:
            found: Dict[str, Convert] = {}
            wire = discriminator
            for member in members:
                model = _resolved_model(member, owner)
                if model is None:
                    continue
                wires = wire_names(model)
                name = next((n for n, w in wires.items() if w == discriminator), None)
                name = discriminator if discriminator in wires else name
                if name is None:
                    continue
                wire = wires[name]
                for tag in _tags(model, name):
                    found.setdefault(tag, converter(model))
            table.append((wire, found))
        return table[0]

    def convert(value: Any) -> Any:
        if type(value) is not dict:
            return value
        data = cast(Dict[str, Any], value)
        wire, builders = by_tag()
        tag = data.get(wire)
        build = builders.get(tag) if isinstance(tag, str) else None
        if build is None and tag is None:
            build = _best_fit(members, owner, data)
        if build is None:
            return generic_object(data)
        return build(data)

    return convert


def _best_fit(
    members: Tuple[Any, ...], owner: Optional[type], data: Dict[str, Any]
) -> Optional[Convert]:
    """For an object without a tag (an API that tags nothing): the member whose required
    fields it all holds and that knows most of its keys; None when none fits."""
    best: Optional[Type[BaseModel]] = None
    best_known = 0
    for member in members:
        model = _resolved_model(member, owner)
        if model is None or not sends_required(model, data):
            continue
        known = len(set(wire_names(model).values()) & set(data))
        if known > best_known:
            best, best_known = model, known
    return converter(best) if best is not None else None


def _resolved_model(member: Any, owner: Optional[type]) -> Optional[Type[BaseModel]]:
    if isinstance(member, ForwardRef):
        member = member.__forward_arg__
    if isinstance(member, str):
        member = _resolve(member, owner)
    if isinstance(member, type) and issubclass(member, BaseModel):
        return member
    return None


def _tags(model: Type[BaseModel], discriminator: str) -> List[str]:
    field = model.model_fields.get(discriminator)
    if field is None:
        return []
    return [v for v in _literal_values(field.annotation) if isinstance(v, str)]


def _literal_values(annotation: Any) -> List[Any]:
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    values: List[Any] = []
    for argument in typing.get_args(annotation):
        values += _literal_values(argument)
    return values


def sends_required(model: Type[BaseModel], data: Dict[str, Any]) -> bool:
    """Whether `data` (a JSON object) holds every field `model` requires, by wire name."""
    wires = wire_names(model)
    fields = model.model_fields.items()
    return all(wires[name] in data for name, info in fields if info.is_required())


def generic_object(value: Dict[str, Any]) -> StripeObject:
    """An object of a kind this client does not know: every field kept, nested ones too."""
    return StripeObject.model_construct(
        **{key: _generic_value(entry) for key, entry in value.items()}
    )


def _generic_value(value: Any) -> Any:
    if type(value) is dict:
        data = cast(Dict[str, Any], value)
        return generic_object(data) if isinstance(data.get("object"), str) else data
    if value.__class__ is list:
        return [_generic_value(entry) for entry in value]
    return value


# --- models -----------------------------------------------------------------------------------


class _Plan:
    """How to build one model class: each wire key's field name and converter."""

    __slots__ = ("model", "fields", "names", "private")

    def __init__(self, model: Type[BaseModel]) -> None:
        self.model = model
        self.fields: Dict[str, Tuple[str, Convert]] = {}
        for name, wire in wire_names(model).items():
            info = model.model_fields[name]
            annotation: Any = info.annotation
            if _discriminator((info,)) is not None:
                annotation = typing.Annotated[annotation, info]
            self.fields[wire] = (name, converter(annotation, model))
        self.names = tuple(name for name, _ in self.fields.values())
        private = getattr(model, "__private_attributes__", {})
        self.private: Optional[Dict[str, Any]] = (
            {name: attribute.get_default() for name, attribute in private.items()}
            if private
            else None
        )


def _plan(model: Type[BaseModel]) -> _Plan:
    found = _PLANS.get(model)
    if found is None:
        found = _PLANS[model] = _Plan(model)
    return found


def _model_converter(model: Type[BaseModel]) -> Convert:
    def convert(value: Any) -> Any:
        if type(value) is not dict:
            return value
        return _build_model(_plan(model), cast(Dict[str, Any], value))

    return convert


def _build_model(plan: _Plan, data: Dict[str, Any]) -> BaseModel:
    """The instance `model_construct` would make, set up directly: it is the hot path.

    The same attributes pydantic's `model_construct` sets: the field values (None for those
    not sent), the names of the fields sent, the unknown fields, the private attributes.
    """
    values: Dict[str, Any] = dict.fromkeys(plan.names)
    extra: Dict[str, Any] = {}
    given: Set[str] = set()
    fields = plan.fields
    for key, value in data.items():
        found = fields.get(key)
        if found is None:
            extra[key] = value
            continue
        name, convert = found
        values[name] = value if value is None else convert(value)
        given.add(name)
    instance = plan.model.__new__(plan.model)
    _set = object.__setattr__
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", given)
    _set(instance, "__pydantic_extra__", extra)
    _set(instance, "__pydantic_private__", dict(plan.private) if plan.private else None)
    return instance

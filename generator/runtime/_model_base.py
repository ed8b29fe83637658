"""The base class of every response model in this package, and the response it came from.

Response models derive from `StripeModel`: lenient, so that a newer API version adding fields
does not break parsing, and carrying the HTTP response they came from. (Request parameters
are no models: they are plain dicts typed by the `TypedDict`s of `params`, checked by
`_params.ParamsType` before anything is sent.)

Fields whose Python name differs from the name on the wire carry the wire name as their alias;
models accept either name when built, and the client always validates by alias.

Objects are meant to be read: `repr` is one short line (class, id, the fields that were sent),
`str` the whole object as indented JSON, and neither shows card numbers, secrets or identity
numbers (`SENSITIVE_FIELDS`). `to_dict` and `to_json` give the data itself, unmasked.
"""

from __future__ import annotations

import datetime
import enum
import json
import typing
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Dict, Iterable, List, Mapping, Optional, Set, Tuple, cast

from pydantic import BaseModel, ConfigDict
from typing_extensions import is_typeddict

from ._lazy import namespace

__all__ = [
    "SENSITIVE_FIELDS",
    "APIModel",
    "ResponseInfo",
    "StripeModel",
    "StripeObject",
    "complete",
    "set_last_response",
]

SENSITIVE_FIELDS: Mapping[str, int] = MappingProxyType(
    {
        # Card and bank account numbers: a full number in a log line is a PCI / banking data
        # leak (`issuing.card.number` is the full PAN of a virtual card; bank account numbers
        # and IBANs of funding instructions and credit transfers). The last 4 stay visible
        # when the value is longer than 8 characters: they tell cards apart, as `last4` does.
        # `number` is also the public document number of invoices, credit notes and quotes:
        # those are not masked (see `_PUBLIC_NUMBER_OBJECTS`).
        "number": 4,
        "account_number": 4,
        "sender_account_number": 4,
        "tax_deduction_account_number": 4,
        "iban": 4,
        "sender_iban": 4,
        "refund_iban": 4,
        "primary_account_identifier": 4,
        # Card verification data: never shown, not even in part.
        "cvc": 0,
        "pin": 0,
        # Credentials: whoever reads them can act with them (`client_secret` of payment and
        # setup intents, sessions and sources; `secret` of ephemeral keys, terminal
        # connection tokens and webhook endpoints; Klarna's `client_token`). The rest are
        # not in Stripe's spec but are credentials wherever they turn up.
        "secret": 0,
        "client_secret": 0,
        "client_token": 0,
        "password": 0,
        "api_key": 0,
        "access_token": 0,
        "refresh_token": 0,
        # Identity documents (Stripe Identity's verified outputs, persons): id numbers keep
        # their last 4 as `ssn_last_4` would; dates of birth are hidden whole.
        "id_number": 4,
        "id_number_secondary": 4,
        "personal_id_number": 4,
        "ssn_last_4": 0,
        "dob": 0,
    }
)
"""Field names (on the wire, at any depth) whose values `repr` and `str` mask, with how many
trailing characters stay visible: `'****4242'` (kept only for values longer than 8
characters) or `'****'`. None is shown as None: it tells nothing."""

_PUBLIC_NUMBER_OBJECTS = frozenset({"invoice", "credit_note", "quote"})
"""Objects whose `number` is a document number printed on PDFs and emails, not a card's."""

_MASK = "****"
_ELLIPSIS = "..."  # ASCII, as `reprlib` writes it: logs may not be UTF-8
_REPR_LIMIT = 500  # characters of one `repr`, ellipsis included
_REPR_ITEMS = 3  # items of a list or map shown by `repr`
_REPR_TEXT = 80  # characters of one string shown by `repr`


@dataclass(frozen=True)
class ResponseInfo:
    """The HTTP response an object was parsed from.

    Attributes:
        status_code: The HTTP status, e.g. 200.
        headers: The response headers; lookups ignore case.
        request_id: Stripe's `Request-Id` header (the id Stripe support asks for), or None.
    """

    status_code: int
    headers: Mapping[str, str]
    request_id: Optional[str]


class StripeModel(BaseModel):
    """Base class of every object the API returns.

    Unknown fields are kept (see `model_extra`) instead of rejected, so that objects from a newer
    API version still parse. `last_response` tells which HTTP response the object came from.

    Printing shows what was sent, never every field the model could have:

    - `repr(obj)`: one line, at most 500 characters, `Card(id='card_1', brand='Visa', ...)`:
      the fields that were set (`model_fields_set`) and the unknown ones, `id` and `object`
      first; nested objects by class and id, lists and maps by their first 3 items.
    - `str(obj)` (`print`): `<Card card_1 at 0x...> JSON: {...}`, the whole object with
      nested ones as indented JSON, as stripe-python prints its objects.

    Both mask the values of `SENSITIVE_FIELDS` at any depth: card and bank account numbers
    (`'****4242'`), CVCs, PINs, client secrets and other credentials (`'****'`), identity
    numbers and dates of birth. Masking goes by field name: the last 4 digits, fingerprints,
    routing numbers, names, emails, addresses, phone numbers and metadata are shown, and a
    secret sent under another name is not caught. `to_dict()` and `to_json()` are the data,
    unmasked (as are pydantic's `model_dump`).
    """

    # Nothing here is annotated and no private attribute is declared: pydantic evaluates the
    # annotations of every base again for each of the hundreds of subclasses it creates, and a
    # declared private attribute makes it wrap `model_post_init` in a new function for each
    # subclass and call it for every validated object. The response is kept where pydantic
    # keeps private attributes (`__pydantic_private__`, copied, deep-copied and pickled with
    # the object), under `_last_response`, which reads and writes it as before.
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        defer_build=True,
        protected_namespaces=(),
    )

    @property
    def last_response(self) -> Optional[ResponseInfo]:
        """Status, headers and request id of the response this object was parsed from.

        Set on the object a client method returns; None on objects built by hand and on the
        objects nested inside another one.
        """
        return _stored_response(self)

    @property
    def _last_response(self) -> Optional[ResponseInfo]:
        return _stored_response(self)

    @_last_response.setter
    def _last_response(self, info: Optional[ResponseInfo]) -> None:
        set_last_response(self, info)

    @classmethod
    def model_rebuild(
        cls,
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Optional[Mapping[str, Any]] = None,
    ) -> Optional[bool]:
        """Pydantic's `model_rebuild`, resolving the quoted names of the generated models.

        Each model of the `models` package lives in its own module and quotes the models it
        names (see `_lazy`); pydantic builds a model's validator (strict validation,
        `model_validate`, `model_dump`) only after resolving those names, which it finds
        here among the package's models.
        """
        if _types_namespace is None and not cls.__pydantic_complete__:
            _types_namespace = namespace(cls.__module__)
        return super().model_rebuild(
            force=force,
            raise_errors=raise_errors,
            _parent_namespace_depth=_parent_namespace_depth + 1,
            _types_namespace=_types_namespace,
        )

    def __eq__(self, other: object) -> bool:
        """Compare type and field values (known and extra); `last_response` does not count."""
        if not isinstance(other, StripeModel):
            return NotImplemented
        return (
            type(self) is type(other)
            and self.__dict__ == other.__dict__
            and self.__pydantic_extra__ == other.__pydantic_extra__
        )

    def to_dict(self) -> Dict[str, Any]:
        """The object as parsed JSON: wire names, nested objects as dicts, unmasked.

        Holds the fields that were set (a field sent as null is there, as None; one never sent
        is left out) and the unknown ones, so that `to_dict()` of a parsed response gives back
        the body it was parsed from. Lists and dicts are new ones; other values are shared.
        """
        return {wire: _data(value) for _, wire, value in _set_fields(self)}

    def to_json(self, *, indent: Optional[int] = 2) -> str:
        """`to_dict()` as JSON text, indented by `indent` spaces (None: one line), unmasked.

        Values that are no JSON types (should a hand-built object hold any) are written as
        ISO dates, enum values or their `str`, rather than raising `TypeError`.
        """
        return json.dumps(
            self.to_dict(), indent=indent, ensure_ascii=False, default=_json_default
        )

    def __repr__(self) -> str:
        """`Card(id='card_1', brand='Visa', ...)`: short, masked (see the class)."""
        name = type(self).__name__
        parts: List[str] = []
        length = len(name) + 2
        kind = _kind(self)
        for field, wire, value in _set_fields(self):
            part = f"{field}={_brief(_masked(wire, value, kind))}"
            # Room is kept for the ", ...)" that closes a cut repr.
            if length + len(part) + 2 > _REPR_LIMIT - 5:
                if not parts:  # one huge field: cut inside it
                    parts.append(part[: _REPR_LIMIT - length - 5])
                parts.append(_ELLIPSIS)
                break
            parts.append(part)
            length += len(part) + 2
        return f"{name}({', '.join(parts)})"

    def __str__(self) -> str:
        """`<Card card_1 at 0x...> JSON: {...}`: the whole object, masked (see the class)."""
        return f"{_label(self)} JSON: " + json.dumps(
            _display(self), indent=2, ensure_ascii=False, default=_json_default
        )

    def __repr_args__(self) -> Iterable[Tuple[Optional[str], Any]]:
        """The fields pydantic's other printers (rich, devtools) show: set ones, masked."""
        kind = _kind(self)
        return [
            (field, _masked(wire, value, kind))
            for field, wire, value in _set_fields(self)
        ]


APIModel = StripeModel
"""The base class under a neutral name: the models of an API other than Stripe's derive from
it (it is the same class, so everything said of `StripeModel` holds)."""


class StripeObject(StripeModel):
    """An object of a kind this client does not know (an `object` tag newer than its spec).

    Lenient parsing keeps every field it was sent: read them with `model_extra`, or as
    attributes (`obj.id`), nested objects of unknown kinds as `StripeObject`s too.
    """


def complete(type_: Any) -> None:
    """Resolve the quoted names of every model `type_` names (a model class, a `TypedDict`
    of request parameters, or an alias of a union, list or map of them), so that pydantic
    can build a validator of it."""
    _complete(type_, set())


def _complete(type_: Any, seen: Set[Any]) -> None:
    if isinstance(type_, type):
        if type_ in seen:
            return
        seen.add(type_)
        if issubclass(type_, StripeModel):
            type_.model_rebuild()
        elif is_typeddict(cast(Any, type_)):
            for annotation in type_.__annotations__.values():
                _complete(annotation, seen)
        return
    for argument in typing.get_args(type_):
        _complete(argument, seen)


def set_last_response(model: StripeModel, info: Optional[ResponseInfo]) -> None:
    """Record the response `model` was parsed from (`_responses.parse_body` calls it).

    `last_response` stays read-only for users; this is the client's one way to write it, kept
    here beside the attribute rather than in the module that parses responses. It is kept
    in the object's private values (None until something is kept there).
    """
    private = model.__pydantic_private__
    if private is None:
        object.__setattr__(model, "__pydantic_private__", {_LAST_RESPONSE: info})
    else:
        private[_LAST_RESPONSE] = info


_LAST_RESPONSE = "_last_response"


def _stored_response(model: BaseModel) -> Optional[ResponseInfo]:
    private = model.__pydantic_private__
    return (
        cast(Optional[ResponseInfo], private.get(_LAST_RESPONSE)) if private else None
    )


# --- printing ---------------------------------------------------------------------------------

_WIRE_NAMES: Dict[type, Dict[str, str]] = {}


def wire_names(model: type) -> Dict[str, str]:
    """Field name -> name on the wire (its alias, else the name), in declaration order.

    The one reading of aliases: printing, lenient parsing and webhooks all go through it.
    """
    found = _WIRE_NAMES.get(model)
    if found is None:
        found = {}
        fields = model.model_fields if issubclass(model, BaseModel) else {}
        for name, info in fields.items():
            alias = info.validation_alias
            found[name] = alias if isinstance(alias, str) else (info.alias or name)
        _WIRE_NAMES[model] = found
    return found


def _set_fields(model: BaseModel) -> List[Tuple[str, str, Any]]:
    """(field name, wire name, value) of the fields set and the unknown ones, `id` and
    `object` first, then declaration order, then the unknown ones in the order sent."""
    given = model.model_fields_set
    values = model.__dict__
    found = [
        (name, wire, values.get(name))
        for name, wire in wire_names(type(model)).items()
        if name in given
    ]
    extra = model.__pydantic_extra__
    if extra:
        found += [(key, key, value) for key, value in extra.items()]
    first = [item for wire in ("id", "object") for item in found if item[1] == wire]
    return first + [item for item in found if item[1] not in ("id", "object")]


def _field(model: BaseModel, wire: str) -> Any:
    for _, name, value in _set_fields(model):
        if name == wire:
            return value
    return None


def _kind(model: BaseModel) -> Any:
    return _field(model, "object")


def _data(value: Any) -> Any:
    if isinstance(value, StripeModel):
        return value.to_dict()
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, exclude_unset=True)
    if isinstance(value, (list, tuple)):
        return [_data(item) for item in cast("Iterable[Any]", value)]
    if isinstance(value, dict):
        return {
            key: _data(item) for key, item in cast("Mapping[Any, Any]", value).items()
        }
    return value


def _masked(key: Any, value: Any, kind: Any) -> Any:
    """`value` as shown under `key` in an object of kind `kind` (its `object` tag)."""
    keep = SENSITIVE_FIELDS.get(key) if isinstance(key, str) else None
    if keep is None or value is None:
        return value
    if key == "number" and kind in _PUBLIC_NUMBER_OBJECTS:
        return value
    if keep and isinstance(value, (str, int)) and not isinstance(value, bool):
        text = str(value)
        if len(text) > 8:
            return _MASK + text[-keep:]
    return _MASK


def _display(value: Any) -> Any:
    """`value` for `str`: JSON types with wire names, sensitive values masked at any depth."""
    if isinstance(value, BaseModel):
        kind = _kind(value)
        return {
            wire: _display(_masked(wire, item, kind))
            for _, wire, item in _set_fields(value)
        }
    if isinstance(value, (list, tuple)):
        return [_display(item) for item in cast("Iterable[Any]", value)]
    if isinstance(value, dict):
        items = cast("Mapping[Any, Any]", value)
        kind = items.get("object")
        return {
            (key if isinstance(key, (str, int, float, bool)) else str(key)): _display(
                _masked(key, item, kind)
            )
            for key, item in items.items()
        }
    return value


def _json_default(value: Any) -> Any:
    """A JSON stand-in for a value `json` cannot write: never raises."""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, BaseModel):
        return _display(value)
    if isinstance(value, (set, frozenset)):
        return list(cast("Iterable[Any]", value))
    return str(value)


def _label(model: BaseModel) -> str:
    """`<Card card_1 at 0x...>`; an unknown kind (`StripeObject`) shows its `object` tag too."""
    parts = [type(model).__name__]
    kind = _kind(model)
    if not _declares_object(model) and isinstance(kind, str):
        parts.append(kind)
    ident = _field(model, "id")
    if isinstance(ident, str):
        parts.append(ident)
    return f"<{' '.join(parts)} at {hex(id(model))}>"


def _declares_object(model: BaseModel) -> bool:
    """Whether `object` is a field of the class: then the class name already tells it."""
    return "object" in wire_names(type(model)).values()


def _brief(value: Any) -> str:
    """`value` in a `repr`: nested objects by class and id, long lists, maps and strings cut."""
    if isinstance(value, BaseModel):
        shown = [
            f"{name}={_brief(item)}"
            for name, wire, item in _set_fields(value)
            if wire == "id" or (wire == "object" and not _declares_object(value))
        ]
        more = len(_set_fields(value)) > len(shown)
        return f"{type(value).__name__}({', '.join(shown + [_ELLIPSIS] * more)})"
    if isinstance(value, (list, tuple)):
        items = list(cast("Iterable[Any]", value))
        shown = [_brief(item) for item in items[:_REPR_ITEMS]]
        if len(items) > _REPR_ITEMS:
            shown.append(f"{_ELLIPSIS} {len(items) - _REPR_ITEMS} more")
        return f"[{', '.join(shown)}]"
    if isinstance(value, dict):
        entries = cast("Mapping[Any, Any]", value)
        kind = entries.get("object")
        shown = [
            f"{key!r}: {_brief(_masked(key, item, kind))}"
            for key, item in list(entries.items())[:_REPR_ITEMS]
        ]
        if len(entries) > _REPR_ITEMS:
            shown.append(f"{_ELLIPSIS} {len(entries) - _REPR_ITEMS} more")
        return "{" + ", ".join(shown) + "}"
    text = repr(value)
    if len(text) > _REPR_TEXT:
        text = text[: _REPR_TEXT - 2] + _ELLIPSIS + text[-1]
    return text

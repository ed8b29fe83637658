"""The Errors section every operation page shares: the error body, its types and codes when the
spec lists them, and the exceptions of the Python client (read from its runtime)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from ... import ir
from .. import describe
from ..examples import example_json

from .html import markdown_html
from .labels import enum_label
from .fields import FieldDoc, FieldTrees, TypePart
from .site import Site


@dataclass(frozen=True)
class ErrorClass:
    """An exception the Python client raises for an error response, and when."""

    when: str
    name: str
    description: str  # safe HTML


@dataclass(frozen=True)
class ErrorDoc:
    """The body of an error response, the error types the spec names and the exceptions."""

    type_parts: tuple[TypePart, ...]
    fields: tuple[FieldDoc, ...]
    types: tuple[
        str, ...
    ]  # the values of the error's ``type`` field, () when not an enum
    codes: tuple[str, ...]  # the values of its ``code`` field, () when not an enum
    codes_note: str  # what the spec says of the codes when it lists none
    example: str  # JSON text
    classes: tuple[ErrorClass, ...]
    base: str  # the base class of every exception


def error_doc(site: Site) -> ErrorDoc:
    """The error section every operation page shares: the API's error body (its fields,
    with the models it holds opened), its types and codes when the spec lists them, and
    the exceptions of the Python client (read from its runtime: one mapping, not two).
    """
    api = site.api
    model = site.components.get(api.error_model or "")
    fields: tuple[FieldDoc, ...] = ()
    types: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    codes_note = ""
    example = ""
    if model is not None:
        # the shape, on every operation page: its descriptions are on the models' pages
        docs = FieldTrees(
            site.components,
            None,
            site.links,
            limit=2,
            references=False,
            expansion=site.api.profile == "stripe",
            descriptions=False,
        )
        fields = docs.fields(model.fields, 1, (model.name,))
        types = _enum_of(site, model, "type")
        codes = _enum_of(site, model, "code")
        if not codes and _field_of(site, model, "code") is not None:
            codes_note = (
                "The spec gives code as a string without a list of values; its "
                "description above says what it means."
            )
        example = example_json(site.examples.value(ir.ModelRef(model.name), "", 0, ()))
    return ErrorDoc(
        type_parts=(
            site.links.parts(ir.ModelRef(api.error_model))
            if api.error_model
            else (TypePart("none declared"),)
        ),
        fields=fields,
        types=types,
        codes=codes,
        codes_note=codes_note,
        example=example,
        classes=error_classes(api.profile),
        base="StripeError" if api.profile == "stripe" else "APIStatusError",
    )


def _field_of(site: Site, model: ir.Model, wire: str) -> Optional[ir.Field]:
    """The field ``wire`` of the error model, or of a model it holds (Stripe's ``error``)."""
    for field in model.fields:
        if field.wire_name == wire:
            return field
    for field in model.fields:
        for name in describe.nested_models(field.type):
            inner = site.components.get(name)
            found = next(
                (f for f in inner.fields if f.wire_name == wire) if inner else iter(()),
                None,
            )
            if found is not None:
                return found
    return None


def _enum_of(site: Site, model: ir.Model, wire: str) -> tuple[str, ...]:
    field = _field_of(site, model, wire)
    if field is None:
        return ()
    return tuple(enum_label(v) for v in describe.enum_values(field.type))


def error_classes(profile: str) -> tuple[ErrorClass, ...]:
    """Which exception the client raises for which error response, in the order the
    runtime decides: read from the runtime's own tables, so the page says what it does.
    """
    rules: list[tuple[str, type]] = []
    if profile == "stripe":
        from ...runtime import errors as stripe_errors

        rules += [
            (f"error type {kind}", cls)
            for kind, cls in stripe_errors._ERRORS_BY_TYPE.items()
        ]
        rules += [
            (f"HTTP {status} with error code {code}", cls)
            for (status, code), cls in stripe_errors._ERRORS_BY_CODE.items()
        ]
        by_status: Mapping[int, type] = stripe_errors._ERRORS_BY_STATUS
        default: type = stripe_errors._DEFAULT_ERROR
    else:
        from ...runtime import errors_generic

        rules.append(("HTTP 500 and above", errors_generic._SERVER_ERROR))
        by_status = errors_generic._ERRORS_BY_STATUS
        default = errors_generic._DEFAULT_ERROR
    statuses: dict[type, list[str]] = {}
    for status, cls in by_status.items():
        statuses.setdefault(cls, []).append(str(status))
    rules += [(f"HTTP {', '.join(codes)}", cls) for cls, codes in statuses.items()]
    rules.append(("any other status", default))
    return tuple(
        ErrorClass(when, cls.__name__, markdown_html(_first_line(cls.__doc__ or "")))
        for when, cls in rules
    )


def _first_line(doc: str) -> str:
    return " ".join(doc.strip().split("\n\n")[0].split())

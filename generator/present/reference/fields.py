"""Field trees rendered on the pages (request parameters, response variants, model fields), with
every model a type names linked to its page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from ... import ir, text
from .. import describe
from ..describe import label as type_label

from .html import markdown_html
from .labels import choice_label, choices_detail, limits
from .form import FormSchema


@dataclass(frozen=True)
class TypePart:
    """A piece of a type's label: a model's name (``link`` its page) or the words between."""

    text: str
    link: str = ""


@dataclass(frozen=True)
class FieldDoc:
    name: str
    type: str
    required: bool
    deprecated: bool
    details: tuple[str, ...]
    description: str  # safe HTML
    choices: tuple[str, ...]  # "token or object": the alternatives, in words
    children: tuple["FieldDoc", ...]
    child_model: str  # the model the children belong to, "" for none
    truncated: bool  # nested deeper than describe.REFERENCE_DEPTH (or recursive): children left out
    limits: tuple[
        str, ...
    ] = ()  # constraint labels, shown de-emphasised (details: enum values)
    type_parts: tuple[
        TypePart, ...
    ] = ()  # ``type``, its model names linked to their pages
    child_link: str = ""  # the page of ``child_model``, "" for none
    expandable: bool = (
        False  # Stripe's expandable reference: an ID, or the object expanded
    )
    nullable: bool = False  # the value may be null


@dataclass(frozen=True)
class ModelLinks:
    """The model pages a page links to: file names by model name, and the folder's path
    from the page (``../models/`` from an operation page, "" from a model page)."""

    pages: Mapping[str, str]
    prefix: str

    def link(self, name: str) -> str:
        page = self.pages.get(name)
        return self.prefix + page if page else ""

    def parts(self, expr: ir.TypeExpr) -> tuple[TypePart, ...]:
        return tuple(
            TypePart(piece, self.link(name))
            for piece, name in describe.label_parts(expr)
        )

    def moved(self, prefix: str) -> "ModelLinks":
        return ModelLinks(self.pages, prefix)


class FieldTrees:
    """Field trees of one page: ``limit`` objects deep (then a link to the model's page);
    ``references`` also opens Stripe's expandable references (a request may send the object,
    a response holds the ID unless expanded: its page documents the object)."""

    def __init__(
        self,
        components: Mapping[str, ir.Model],
        group: Optional[ir.Group],
        links: Optional["ModelLinks"] = None,
        *,
        limit: int = describe.REFERENCE_DEPTH,
        references: bool = True,
        inline: Optional[int] = None,
        descriptions: bool = True,
        expansion: bool = True,
    ) -> None:
        self.schema = FormSchema(components, group)
        self.links = links if links is not None else ModelLinks({}, "")
        self.limit = limit
        self.references = references
        # open nested models of at most this many fields (None: all)
        self.inline = inline
        # without: the shape only (the model pages describe the fields)
        self.descriptions = descriptions
        # the API expands an ``ID or object`` field on request (Stripe's ``expand[]``)
        self.expansion = expansion

    def fields(
        self, fields: tuple[ir.Field, ...], depth: int, seen: tuple[str, ...]
    ) -> tuple[FieldDoc, ...]:
        return tuple(self.field(f, depth, seen) for f in fields)

    def field(self, field: ir.Field, depth: int, seen: tuple[str, ...]) -> FieldDoc:
        expr = field.type
        members = describe.union_members(expr)
        expandable = (
            describe.expandable(expr) and not self.references and self.expansion
        )
        choices = tuple(choice_label(m, members) for m in members)
        children: tuple[FieldDoc, ...] = ()
        child_model = ""
        truncated = False
        for name in describe.nested_models(expr)[:1]:
            model = self.schema.model(name)
            if model is None:
                continue
            child_model = name
            large = self.inline is not None and len(model.fields) > self.inline
            if depth >= self.limit or name in seen or expandable or large:
                truncated = True
                continue
            children = self.fields(model.fields, depth + 1, seen + (name,))
        return FieldDoc(
            name=text.visible(field.wire_name),
            type=type_label(expr),
            required=field.required,
            deprecated=field.deprecated,
            details=tuple(choices_detail(expr)),
            description=markdown_html(field.doc) if self.descriptions else "",
            # a response's alternatives are its type's words already (with their links)
            choices=choices if len(choices) > 1 and self.references else (),
            children=children,
            child_model=child_model,
            truncated=truncated,
            type_parts=self.links.parts(expr),
            child_link=self.links.link(child_model),
            expandable=expandable,
            nullable=describe.nullable(expr),
            limits=tuple(limits(expr)),
        )

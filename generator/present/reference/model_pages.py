"""One page per model (:func:`model_pages`) and the index's list of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ... import ir
from .. import describe
from ..examples import example_json

from .html import markdown_html
from .fields import FieldDoc, FieldTrees, TypePart
from .site import FROM_FIXTURES, OperationLink, SYNTHESIZED, Site


@dataclass(frozen=True)
class ModelPage:
    """One model's page: its fields (or, for a union, its members), an example, and the
    operations that return or take it."""

    file_name: str
    name: str
    kind: str  # "Response object", "Union", "Request parameters"
    description: str  # safe HTML
    fields: tuple[FieldDoc, ...]
    members: tuple[TypePart, ...]  # a union's members, linked; () for a class
    discriminator: str
    example: str  # JSON text, "" for request parameters
    example_source: str
    returned_by: tuple[OperationLink, ...]
    taken_by: tuple[OperationLink, ...]


@dataclass(frozen=True)
class ModelEntry:
    link: str
    name: str


def model_pages(site: Site) -> list[ModelPage]:
    """One page per model of ``model_page_names``, in that order."""
    make = model_page_maker(site)
    return [make(name, file_name) for name, file_name in site.pages.items()]


def model_page_maker(site: Site) -> Callable[[str, str], ModelPage]:
    """What makes the page of one model (its name, its file name), one at a time: the
    field trees of a page are alive only while it is rendered."""
    links = site.links.moved("")
    docs = FieldTrees(
        {**site.request_models, **site.components},
        None,
        links,
        limit=describe.MODEL_PAGE_DEPTH,
        references=False,
        expansion=site.api.profile == "stripe",
    )

    def make(name: str, file_name: str) -> ModelPage:
        alias = site.aliases.get(name)
        model = site.components.get(name) or site.request_models.get(name)
        request = model is not None and name not in site.components
        members: tuple[TypePart, ...] = ()
        discriminator = ""
        fields: tuple[FieldDoc, ...] = ()
        if alias is not None:
            kind = "Union" if describe.union_members(alias.type) else "Type"
            doc = alias.doc
            members = links.parts(alias.type)
            if isinstance(alias.type, ir.UnionType):
                discriminator = alias.type.discriminator or ""
        else:  # every name with a page has a model or an alias (model_page_names)
            assert model is not None, name
            kind = "Request parameters" if request else "Object"
            doc = model.doc
            fields = docs.fields(model.fields, 1, (name,))
        example, source = "", ""
        if not request:
            value, fixture = site.examples.of_model(name)
            example = example_json(value)
            source = FROM_FIXTURES if fixture else SYNTHESIZED
        return ModelPage(
            file_name=file_name,
            name=name,
            kind=kind,
            description=markdown_html(doc),
            fields=fields,
            members=members,
            discriminator=discriminator,
            example=example,
            example_source=source,
            returned_by=tuple(
                site.operation_link(op, "../operations/")
                for op in site.returned_by.get(name, ())
            ),
            taken_by=tuple(
                site.operation_link(op, "../operations/")
                for op in site.taken_by.get(name, ())
            ),
        )

    return make


def model_entries(site: Site) -> tuple[ModelEntry, ...]:
    """The index's list of models, by name."""
    return tuple(
        ModelEntry(link=f"models/{page}", name=name)
        for name, page in sorted(site.pages.items())
    )

"""What every page of one API's reference shares (:class:`Site`): the model pages and their links,
the examples, the response variants, and which operations return or take each model."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ... import ir, naming, text
from .. import describe
from ..describe import label as type_label
from ..examples import Examples, example_json
from ..models import object_tag

from .html import markdown_html
from .form import components_by_name
from .fields import FieldDoc, FieldTrees, ModelLinks, TypePart

FROM_FIXTURES = "Example from the API's fixtures"
SYNTHESIZED = "Example synthesized from the schema"


@dataclass(frozen=True)
class VariantDoc:
    """One object a response may be: its fields and an example."""

    name: str  # the model, or the type in words for a value that is no model
    link: str  # its model page, "" for none
    tag: str  # the value of its ``object`` field that tells it apart, "" for none
    description: str  # safe HTML
    fields: tuple[FieldDoc, ...]
    example: str  # JSON text (escaped by the template)
    example_source: str  # where the example comes from, in words
    anchor: str = ""  # the id of its block on the page


@dataclass(frozen=True)
class ResponseDoc:
    """What a call returns: its type, and one variant per object it may be."""

    type_parts: tuple[TypePart, ...]
    description: str  # safe HTML
    discriminator: str  # the field telling a union's variants apart, "" for none
    variants: tuple[VariantDoc, ...]


@dataclass(frozen=True)
class OperationLink:
    link: str
    method: str
    path: str
    title: str


class Site:
    """What every page of one API's reference shares: the model pages and their links, the
    examples, the error section, and which operations return or take each model."""

    def __init__(self, api: ir.Api) -> None:
        self.api = api
        self.components = components_by_name(api)
        self.aliases = {a.name: a for a in api.aliases}
        self.request_models = request_models(api)
        self.pages = naming.reference_model_pages(model_page_names(api))
        self.links = ModelLinks(self.pages, "../models/")
        self.examples = Examples(
            {**self.request_models, **self.components}, self.aliases, api.fixtures
        )
        self.returned_by, self.taken_by = _usage(api, self)

    def variants(
        self, expr: ir.TypeExpr, links: ModelLinks
    ) -> tuple[str, tuple[VariantDoc, ...]]:
        """The objects a response of type ``expr`` may be (one per union member) and the
        field telling them apart."""
        discriminator = ""
        members: tuple[ir.TypeExpr, ...] = (expr,)
        if isinstance(expr, ir.ModelRef) and expr.name in self.aliases:
            aliased = self.aliases[expr.name].type
            if isinstance(aliased, ir.UnionType):
                members = aliased.members
                discriminator = aliased.discriminator or ""
            else:
                members = (aliased,)
        docs = FieldTrees(
            self.components,
            None,
            links,
            limit=describe.RESPONSE_DEPTH,
            references=False,
            expansion=self.api.profile == "stripe",
            inline=describe.RESPONSE_INLINE_FIELDS,
        )
        variants = [self.variant(m, docs, links) for m in members]
        anchors = naming.page_anchors("returns", [v.name for v in variants])
        return discriminator, tuple(
            dataclasses.replace(v, anchor=a) for v, a in zip(variants, anchors)
        )

    def variant(
        self, expr: ir.TypeExpr, docs: "FieldTrees", links: ModelLinks
    ) -> VariantDoc:
        model = (
            self.components.get(expr.name) if isinstance(expr, ir.ModelRef) else None
        )
        if model is None:
            value = self.examples.value(expr, "", 0, ())
            return VariantDoc(
                name=type_label(expr),
                link="",
                tag="",
                description="",
                fields=(),
                example=example_json(value),
                example_source=SYNTHESIZED,
            )
        value, fixture = self.examples.of_model(model.name)
        return VariantDoc(
            name=model.name,
            link=links.link(model.name),
            tag=object_tag(model) or "",
            description=markdown_html(model.doc),
            fields=docs.fields(model.fields, 1, (model.name,)),
            example=example_json(value),
            example_source=FROM_FIXTURES if fixture else SYNTHESIZED,
        )

    def operation_link(self, op: ir.Operation, prefix: str) -> OperationLink:
        return OperationLink(
            link=prefix + naming.reference_page(op.call),
            method=op.method.upper(),
            path=text.visible(op.path),
            title=op.title,
        )


def request_models(api: ir.Api) -> dict[str, ir.Model]:
    """The models of request parameters by name (a name two groups share: the first's),
    without the payload models themselves (their fields are the operation's page)."""
    payloads = {
        payload.model
        for op in api.operations
        for payload in (op.query, op.body, op.headers, op.cookies)
        if payload is not None
    }
    found: dict[str, ir.Model] = {}
    for group in api.groups:
        for model in group.request_models:
            if model.name not in payloads:
                found.setdefault(model.name, model)
    return found


def model_page_names(api: ir.Api) -> list[str]:
    """Every model with a page, in the order of their pages: the response models and
    aliases (by name), then the request models a response model's name does not take."""
    names = sorted([m.name for m in api.models] + [a.name for a in api.aliases])
    taken = set(names)
    names += [name for name in request_models(api) if name not in taken]
    return names


def _usage(
    api: ir.Api, site: Site
) -> tuple[dict[str, list[ir.Operation]], dict[str, list[ir.Operation]]]:
    """The operations returning each model (the response's models, a union's members and a
    list's items) and those taking each request model (at any depth of the parameters).
    """
    returned: dict[str, list[ir.Operation]] = {}
    taken: dict[str, list[ir.Operation]] = {}
    for op in api.operations:
        names: list[str] = []
        if op.response.type is not None:
            names = describe.nested_models(op.response.type)
        for name in list(names):  # a list's items
            model = site.components.get(name)
            for field in model.fields if model is not None else ():
                if field.wire_name == "data" and isinstance(field.type, ir.ListType):
                    names += describe.nested_models(field.type)
        for name in list(names):  # a union's members
            alias = site.aliases.get(name)
            if alias is not None:
                names += describe.nested_models(alias.type)
        for name in dict.fromkeys(names):
            returned.setdefault(name, []).append(op)
        wanted = [
            n
            for payload in (op.query, op.body, op.headers, op.cookies)
            if payload is not None
            for f in payload.fields
            for n in describe.nested_models(f.type)
        ]
        found: dict[str, None] = {}
        while wanted:
            name = wanted.pop(0)
            model = site.request_models.get(name)
            if name in found or model is None:
                continue
            found[name] = None
            wanted += [n for f in model.fields for n in describe.nested_models(f.type)]
        for name in found:
            taken.setdefault(name, []).append(op)
    return returned, taken

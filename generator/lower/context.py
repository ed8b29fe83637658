"""What lowering passes from call to call, explicitly.

``Context`` is frozen: a nested schema, a component or the response side gets a new context
(``dataclasses.replace``) instead of swapping an attribute and restoring it afterwards. What
accumulates is in two kinds of explicit, append-only registries: a ``Namespace`` per generated
module (the class names taken and the models it holds) and ``Found``, what the whole run has
produced (response models, aliases, components already lowered).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Optional

from .. import ir, naming
from .defs import component_names, document_notes, with_defs
from .limits import Depth
from .oas import Components, Document


@dataclass
class Namespace:
    """Classes of one generated module: names taken, and the models registered so far."""

    taken: set[str]
    models: dict[str, ir.Model] = field(default_factory=dict)

    def claim(self, preferred: str) -> str:
        """Take ``preferred`` or the first free numbered variant of it."""
        name = naming.numbered(preferred, self.taken)
        self.taken.add(name)
        return name

    def add_inline(
        self, candidates: Sequence[str], build: Callable[[str], ir.Model]
    ) -> str:
        """Register an inline model under the first free candidate name.

        A model of the same shape already registered under a candidate is reused. When every
        candidate (the spec's title, then parent plus field name) is taken by a different
        shape, a number is added to the first: rare, and still deterministic. ``build`` runs
        before the name is chosen: the models nested inside claim their names first.
        """
        model = build(candidates[0])
        for name in candidates:
            existing = self.models.get(name)
            if existing is not None and same_shape(existing, model):
                return name
        free = next((n for n in candidates if n not in self.taken), None)
        name = free if free is not None else self.claim(candidates[0])
        self.taken.add(name)
        self.models[name] = replace(model, name=name)
        return name

    def sorted_models(self) -> tuple[ir.Model, ...]:
        return tuple(self.models[name] for name in sorted(self.models))


def same_shape(a: ir.Model, b: ir.Model) -> bool:
    return (a.fields, a.closed, a.request) == (b.fields, b.closed, b.request)


@dataclass
class Found:
    """What the whole run has lowered so far, shared by every operation."""

    response: Namespace  # the models package: component models, and inline models of responses
    aliases: dict[str, ir.Alias] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)  # components lowered or under way
    scalars: dict[str, ir.TypeExpr] = field(default_factory=dict)  # inlined components
    # the tag values of discriminated unions, by model name, then wire name of the tag
    tags: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # for the user: ``ir.Api.notes``
    # the request-side class of each component schema sent in a request, by component key
    request_components: dict[str, str] = field(default_factory=dict)
    # the components extending each one through ``allOf`` (found on first use)
    subtypes: Optional[dict[str, list[str]]] = None


@dataclass(frozen=True)
class Context:
    """Everything a lowering step reads: the document, and where the schema at hand sits.

    ``request`` is the side: request schemas keep their constraints and close their enums,
    and their inline models go to the group's ``params`` module (``namespace``); response
    schemas go to the ``models`` package.
    """

    document: Document
    components: Components
    component_names: Mapping[str, str]  # component key -> class or alias name
    found: Found
    namespace: Namespace
    request: bool
    depth: Depth = Depth()
    profile: str = "stripe"  # whose conventions apply (``profile.py``)

    @classmethod
    def start(cls, document: Document, profile: str = "stripe") -> Context:
        """The context of a run, on the response side, before any operation."""
        components = with_defs(Components.of(document), document)
        names = component_names(components.schemas, profile)
        response = Namespace(taken=set(names.values()) | set(naming.CLASS_RESERVED))
        found = Found(response, notes=document_notes(document))
        return cls(document, components, names, found, response, False, profile=profile)

    def note(self, message: str) -> None:
        """Tell the user about something of the spec the client does not do."""
        if message not in self.found.notes:
            self.found.notes.append(message)

    def request_side(self, namespace: Namespace) -> Context:
        """The top of an operation's parameters and body, whose models go to ``namespace``."""
        return replace(self, namespace=namespace, request=True, depth=Depth())

    def response_side(self) -> Context:
        """The top of a response or error schema: models go to the ``models`` package."""
        return replace(
            self, namespace=self.found.response, request=False, depth=Depth()
        )

    def level(self, pointer: str) -> Context:
        """One inline level deeper, at ``pointer`` (refused past the limits)."""
        return replace(self, depth=self.depth.level(pointer))

    def fields(self, pointer: str) -> Context:
        """The fields of the object at ``pointer``: a class of their own (see ``limits``)."""
        return replace(self, depth=self.depth.fields(pointer))

    def component(self, key: str, pointer: str) -> Context:
        """Inside component ``key``, reached from ``pointer``: response side, new count."""
        return replace(
            self,
            namespace=self.found.response,
            request=False,
            depth=self.depth.component(key, pointer),
        )

    def request_component(self, key: str, pointer: str) -> Context:
        """Inside component ``key`` sent in a request: the request side stays (its models
        go to the request namespace), with a new count."""
        return replace(self, depth=self.depth.component(key, pointer))

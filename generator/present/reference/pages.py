"""One operation's page (:func:`operation_page`): its parameters, body, Returns and Errors, and
the Try-it data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from ... import ir, naming, text
from .. import describe
from ..describe import label as type_label

from .html import markdown_html, script_json
from .labels import choices_detail, limits, python_call
from .form import FORM_KINDS, operation_data
from .fields import FieldDoc, FieldTrees, TypePart
from .site import ResponseDoc, Site
from .errors import ErrorDoc, error_doc

REFERENCE_BODY_LABELS = {
    "empty": "none (no body)",
    "text": "text",
    "file": "file (binary)",
}
"""The response type shown for a call whose response has no type (``describe.body_kind``)."""


@dataclass(frozen=True)
class PayloadDoc:
    title: str
    media_type: str
    fields: tuple[FieldDoc, ...]
    bracketed: bool = False  # a form body: the page explains the bracket spelling
    note: str = ""  # how else it is sent (a JSON body, a choice of media types)

    @property
    def parameters(self) -> bool:
        """Query, header or cookie parameters: no media type to show."""
        return self.media_type in ("query", "header", "cookie")


@dataclass(frozen=True)
class ReferencePage:
    file_name: str
    title: str
    summary: str
    operation_id: str
    method: str
    path: str
    python_call: str
    description: str  # safe HTML
    deprecated: bool
    path_params: tuple[FieldDoc, ...]
    payloads: tuple[PayloadDoc, ...]
    server: str
    returns: "ResponseDoc"
    errors: "ErrorDoc"
    data_json: str  # already escaped for a <script type="application/json">
    # what the Try-it form leaves out (a JSON, text or binary body; header and cookie
    # parameters), "" when it sends the whole request
    try_note: str = ""


def operation_page(
    api: ir.Api,
    components: Mapping[str, ir.Model],
    group: Optional[ir.Group],
    op: ir.Operation,
    package: str,
    site: Optional[Site] = None,
    errors: Optional[ErrorDoc] = None,
) -> ReferencePage:
    """One operation's page; ``components`` is ``components_by_name(api)``, ``site`` and
    ``errors`` what every page shares (made here when not given)."""
    site = site if site is not None else Site(api)
    errors = errors if errors is not None else error_doc(site)
    docs = FieldTrees(components, group, site.links)
    path_params = tuple(
        FieldDoc(
            name=text.visible(p.wire_name),
            type=type_label(p.type),
            required=True,
            deprecated=False,
            details=tuple(choices_detail(p.type)),
            description=markdown_html(p.doc),
            choices=(),
            children=(),
            child_model="",
            truncated=False,
            limits=tuple(limits(p.type)),
            type_parts=site.links.parts(p.type),
        )
        for p in op.path_params
    )
    payloads = []
    if op.query is not None:
        payloads.append(
            PayloadDoc("Query parameters", "query", docs.fields(op.query.fields, 1, ()))
        )
    if op.body is not None:
        payloads.append(
            PayloadDoc(
                "Body parameters",
                op.body.media_type,
                docs.fields(op.body.fields, 1, ()),
                bracketed=op.body.kind in FORM_KINDS,
                note=_body_note(op.body),
            )
        )
    for title, extra in (
        ("Header parameters", op.headers),
        ("Cookie parameters", op.cookies),
    ):
        if extra is not None:
            payloads.append(
                PayloadDoc(title, extra.kind, docs.fields(extra.fields, 1, ()))
            )
    if op.response.type is not None:
        response_parts = site.links.parts(op.response.type)
        discriminator, variants = site.variants(op.response.type, site.links)
    else:
        words = REFERENCE_BODY_LABELS[describe.body_kind(op.response)]
        response_parts, discriminator, variants = (TypePart(words),), "", ()
    return ReferencePage(
        file_name=naming.reference_page(op.call),
        title=op.title,
        summary=op.summary,
        operation_id=text.visible(op.operation_id),
        method=op.method.upper(),
        path=text.visible(op.path),
        python_call=python_call(op),
        description=markdown_html(op.doc),
        deprecated=op.deprecated,
        path_params=path_params,
        payloads=tuple(payloads),
        server=op.server or api.base_url,
        returns=ResponseDoc(
            type_parts=response_parts,
            description=markdown_html(op.response.doc),
            discriminator=discriminator,
            variants=variants,
        ),
        errors=errors,
        data_json=script_json(operation_data(components, group, op, package)),
        try_note=_try_note(op),
    )


def _body_note(body: ir.Payload) -> str:
    """How a body other than a form is sent, as plain text for the page."""
    notes = []
    if body.whole:
        notes.append("The body is one value: the argument body.")
    if body.content_types:
        notes.append(
            f"{body.content_type_argument}= chooses the media type: "
            + ", ".join(body.content_types)
            + " (the first by default)."
        )
    if body.unoffered:
        notes.append(
            "Also accepted by the API, not sent by the client: "
            + ", ".join(body.unoffered)
            + "."
        )
    return " ".join(notes)


def _try_note(op: ir.Operation) -> str:
    """What the Try-it form does not send, said on the page (the form sends path and query
    parameters and form bodies)."""
    left = []
    if op.body is not None and op.body.kind not in FORM_KINDS:
        left.append(f"the {op.body.media_type} body")
    if op.headers is not None:
        left.append("header parameters")
    if op.cookies is not None:
        left.append("cookie parameters")
    if not left:
        return ""
    verb = "is" if len(left) == 1 and left[0].endswith("body") else "are"
    return (
        "This form sends path and query parameters and form bodies only: "
        + " and ".join(left)
        + f" {verb} left out; use the Python client to send them."
    )

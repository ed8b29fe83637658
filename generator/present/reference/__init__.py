"""The interactive API reference: one HTML page per operation and per model, an index, static
assets, and the routes the gateway forwards.

One module per part of the pages:

- ``html``: escaping, in one place. Spec text is Markdown (``text`` made it so);
  ``markdown_html`` renders it with markdown-it with raw HTML *disabled*, so ``<script>`` or
  ``<img onerror=...>`` in a description comes out as text, and unsafe link schemes
  (``javascript:``) are refused. ``script_json`` escapes ``<``, ``>`` and ``&`` in the JSON that
  sits in ``<script type="application/json">``, so no value can close the element. Every other
  value goes through Jinja's autoescape (``.html`` templates), and the pages carry a
  Content-Security-Policy that allows only their own script file.
- ``labels``: the words shown for types (enum values, choices, constraints, the Python call).
- ``form``: the JSON description of a request that ``reference.js`` builds the Try-it form, the
  live snippets and the request to the gateway from (``operation_data``).
- ``fields``: the field trees rendered on the pages, every model linked to its page.
- ``site``: what all pages share (model pages, examples, response variants, usage);
  ``errors``: the Errors section; ``pages``: an operation's page; ``model_pages``: a model's;
  ``nav``: the index's groups and filters and the sidebar.

Everything here is deterministic: the order of the IR, no clocks, no sets in the output.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ... import ir, naming
from ...gateway_api import ACCOUNT_PATTERN, STATUS_PATH
from .. import describe
from ..files import (
    File,
    Static,
    Template,
    Text,
    block_comment_header,
    html_header,
    notice,
)
from .errors import ErrorClass, ErrorDoc, error_classes, error_doc
from .fields import FieldDoc, FieldTrees, ModelLinks, TypePart
from .form import FORM_KINDS, components_by_name, operation_data, path_placeholder
from .html import indented_json, markdown_html, script_json
from .model_pages import (
    ModelEntry,
    ModelPage,
    model_entries,
    model_page_maker,
    model_pages,
)
from .nav import (
    IndexEntry,
    NavEntry,
    NavGroup,
    ReferenceGroup,
    index_groups,
    index_methods,
    sidebar,
)
from .pages import PayloadDoc, ReferencePage, operation_page
from .site import FROM_FIXTURES, SYNTHESIZED, Site, VariantDoc, ResponseDoc

__all__ = [
    "ACCOUNT_OPTION",
    "ASSETS",
    "DEFAULT_GATEWAY",
    "FORM_KINDS",
    "FROM_FIXTURES",
    "STORAGE_KEY",
    "SYNTHESIZED",
    "ErrorClass",
    "ErrorDoc",
    "FieldDoc",
    "FieldTrees",
    "IndexEntry",
    "ModelEntry",
    "ModelLinks",
    "ModelPage",
    "NavEntry",
    "NavGroup",
    "PayloadDoc",
    "ReferenceGroup",
    "ReferencePage",
    "ResponseDoc",
    "Site",
    "TypePart",
    "VariantDoc",
    "components_by_name",
    "error_classes",
    "files",
    "index_groups",
    "index_methods",
    "indented_json",
    "markdown_html",
    "model_entries",
    "model_pages",
    "operation_data",
    "operation_page",
    "path_placeholder",
    "routes_file",
    "script_json",
    "sidebar",
]

ASSETS = ("reference.css", "reference.js")

DEFAULT_GATEWAY = "http://127.0.0.1:8787"

STORAGE_KEY = "codegen.reference.gateway"

ACCOUNT_OPTION = "stripe_account"
"""The per-call option (one of ``naming.CALL_OPTIONS``) the Python snippet sets for the
connected account the page sends as ``Stripe-Account``."""


def files(api: ir.Api, package: str) -> list[File]:
    """Every file under ``reference/``: the index, one page per operation, the assets and
    the routes the gateway forwards."""
    context = {
        "default_gateway": DEFAULT_GATEWAY,
        "storage_key": STORAGE_KEY,
        "max_form_depth": describe.REFERENCE_DEPTH,
        "status_path": STATUS_PATH,
        "account_pattern": ACCOUNT_PATTERN.pattern,
        "account_option": ACCOUNT_OPTION,
    }
    top = "<!DOCTYPE html>\n" + html_header(api)
    site = Site(api)
    out: list[File] = [
        Template(
            "reference/index.html",
            "reference/index.html.jinja",
            {
                "groups": index_groups(api),
                "methods": index_methods(api),
                "models": model_entries(site),
                "operation_count": len(api.operations),
                "nav": sidebar(api),
                "root": "",
                "assets": "assets/",
                **context,
            },
            top,
        )
    ]
    group_of = {op.operation_id: g for g in api.groups for op in g.operations}
    errors = error_doc(site)

    def operation_context(op: ir.Operation) -> Callable[[], dict[str, Any]]:
        def make() -> dict[str, Any]:
            group = group_of.get(op.operation_id)
            return {
                "page": operation_page(
                    api, site.components, group, op, package, site, errors
                ),
                "nav": sidebar(api, op),
                "root": "../",
                "assets": "../assets/",
                **context,
            }

        return make

    out += [
        Template(
            f"reference/operations/{naming.reference_page(op.call)}",
            "reference/operation.html.jinja",
            operation_context(op),
            top,
        )
        for op in api.operations
    ]
    nav = sidebar(api)
    model_page = model_page_maker(site)

    def model_context(name: str, file_name: str) -> Callable[[], dict[str, Any]]:
        def make() -> dict[str, Any]:
            return {
                "page": model_page(name, file_name),
                "nav": nav,
                "root": "../",
                "assets": "../assets/",
                **context,
            }

        return make

    out += [
        Template(
            f"reference/models/{file_name}",
            "reference/model.html.jinja",
            model_context(name, file_name),
            top,
        )
        for name, file_name in site.pages.items()
    ]
    out += [
        Static(
            f"reference/assets/{asset}",
            f"reference/assets/{asset}",
            block_comment_header(api),
        )
        for asset in ASSETS
    ]
    out.append(Text("reference/routes.json", routes_file(api)))
    return out


def routes_file(api: ir.Api) -> str:
    """``reference/routes.json``: what ``codegen gateway`` forwards, so it needs no spec.

    One entry per generated operation (method, path template, operation ID), in the IR's
    order; read by ``generator/gateway/routes.py`` (format 1). JSON has no comments, so the
    generated-file notice is the ``generated`` key. ASCII only (non-ASCII is escaped).
    """
    routes = [
        {"method": op.method.upper(), "path": op.path, "operation_id": op.operation_id}
        for op in api.operations
    ]
    document = {"generated": " ".join(notice(api)), "format": 1, "routes": routes}
    return json.dumps(document, indent=2) + "\n"

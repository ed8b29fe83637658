"""List endpoints: Stripe's shapes recognised, any other API's paging as configured.

Two shapes are recognised, for any spec: a GET whose response has a ``data`` list and a
boolean ``has_more``, and either a string ``starting_after`` parameter with items that all
have a string ``id`` (a cursor list), or a string ``page`` parameter and a string
``next_page`` token (a search). Another API's paging is not guessed at (page numbers,
offsets, ``Link`` headers): ``[tool.codegen.pagination]`` names its cursor parameter and
where its body holds the items and the next cursor (``TokenPaging``), and every GET that
has that parameter and that body pages so; other list calls return the response as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Optional

from .. import ir
from ..settings import TokenPaging


def page_shape(
    operation: ir.Operation,
    models: Mapping[str, ir.Model],
    configured: Optional[TokenPaging] = None,
) -> Optional[ir.Pagination]:
    """The paging of a GET whose response is a page: Stripe's (``data`` list,
    ``has_more``), else the ``configured`` one.

    ``models`` are the response models lowered so far (they include every model the
    operation's response reaches).
    """
    query, response = operation.query, operation.response
    if operation.method != "get" or query is None:
        return None
    if not isinstance(response.type, ir.ModelRef):
        return None
    found = _stripe_page(query, response.type, models)
    if found is None and configured is not None:
        return _token_page(query, response.type, models, configured)
    return found


def _token_page(
    query: ir.Payload,
    page: ir.ModelRef,
    models: Mapping[str, ir.Model],
    configured: TokenPaging,
) -> Optional[ir.Pagination]:
    """The configured paging, when the call takes its cursor parameter (a string) and its
    body has the items (a list) and the next cursor (a string) where it says."""
    parameter = next(
        (f for f in query.fields if f.wire_name == configured.cursor_parameter), None
    )
    if parameter is None or not _is_string(parameter.type):
        return None
    items = _field_at(page, configured.items, models)
    cursor = _field_at(page, configured.next_cursor, models)
    if items is None or cursor is None or not _is_string(cursor):
        return None
    items = items.inner if isinstance(items, ir.Nullable) else items
    if not isinstance(items, ir.ListType):
        return None
    return ir.Pagination(
        "token",
        items.item,
        cursor_parameter=configured.cursor_parameter,
        items=configured.items,
        next_cursor=configured.next_cursor,
    )


def _field_at(
    model: ir.ModelRef, path: str, models: Mapping[str, ir.Model]
) -> Optional[ir.TypeExpr]:
    """The type of the field at the dotted ``path`` below ``model``, or None."""
    expr: ir.TypeExpr = model
    for name in path.split("."):
        if isinstance(expr, ir.Nullable):
            expr = expr.inner
        found = models.get(expr.name) if isinstance(expr, ir.ModelRef) else None
        field = (
            next((f for f in found.fields if f.wire_name == name), None)
            if found
            else None
        )
        if field is None:
            return None
        expr = field.type
    return expr


def _stripe_page(
    query: ir.Payload, response: ir.ModelRef, models: Mapping[str, ir.Model]
) -> Optional[ir.Pagination]:
    """Stripe's list (``starting_after``) or search (``page`` token) shape, if it is one."""
    page = models.get(response.name)
    fields = {f.wire_name: f for f in page.fields} if page else {}
    data, has_more = fields.get("data"), fields.get("has_more")
    if data is None or has_more is None or not isinstance(data.type, ir.ListType):
        return None
    arguments = {f.wire_name: f for f in query.fields}
    if not _is_boolean(has_more.type):
        return None
    token, next_page = arguments.get("page"), fields.get("next_page")
    if token is not None and next_page is not None:
        # a token (Stripe's search), not a page number some other API counts up
        if _is_string(token.type) and _is_string(next_page.type):
            return ir.Pagination("search", data.type.item)
        return None
    after = arguments.get("starting_after")
    if (
        after is not None
        and _is_string(after.type)
        and _items_have_id(data.type.item, models)
    ):
        return ir.Pagination("cursor", data.type.item)
    return None


def _items_have_id(item: ir.TypeExpr, models: Mapping[str, ir.Model]) -> bool:
    """Every possible item is a model with a required string ``id`` (the cursor)."""
    members = item.members if isinstance(item, ir.UnionType) else (item,)
    for member in members:
        if isinstance(member, ir.UnionType):
            if not _items_have_id(member, models):
                return False
            continue
        if not isinstance(member, ir.ModelRef):
            return False
        model = models.get(member.name)
        id_field = (
            next((f for f in model.fields if f.wire_name == "id"), None)
            if model
            else None
        )
        id_type = id_field.type if id_field else None
        if isinstance(id_type, ir.Nullable):
            # e.g. an upcoming invoice has no id yet: paging stops
            id_type = id_type.inner
        if id_type is None or not _is_string(id_type):
            return False
    return True


def _is_string(expr: ir.TypeExpr) -> bool:
    """``str``, also when nullable (a last page's ``next_page`` is null)."""
    if isinstance(expr, ir.Nullable):
        expr = expr.inner
    return isinstance(expr, ir.Primitive) and expr.name == "str"


def _is_boolean(expr: ir.TypeExpr) -> bool:
    if isinstance(expr, ir.Nullable):
        expr = expr.inner
    return isinstance(expr, ir.Primitive) and expr.name == "bool"

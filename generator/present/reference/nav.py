"""Finding things: the index's groups and method filter, and the sidebar of every page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ... import ir, naming, text

from .labels import python_call


@dataclass(frozen=True)
class IndexEntry:
    link: str
    method: str
    path: str
    title: str
    python_call: str
    operation_id: str = ""


@dataclass(frozen=True)
class ReferenceGroup:
    name: str
    entries: tuple[IndexEntry, ...]
    anchor: str = ""  # the section's id (naming.reference_group_anchor)


@dataclass(frozen=True)
class NavEntry:
    """An operation in the sidebar: its page (from the reference's root folder), its method
    and its call below the group (``sources.create`` under ``customers``)."""

    link: str
    method: str
    label: str
    current: bool


@dataclass(frozen=True)
class NavGroup:
    """A resource group in the sidebar: a link to its index section; its operations only
    when it holds the current page (62 groups and 468 operations on every page would weigh
    more than the page itself)."""

    name: str
    link: str
    current: bool
    entries: tuple[NavEntry, ...]


METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")
"""The index's method filter lists the API's methods in this order, any others after."""


def index_groups(api: ir.Api) -> tuple[ReferenceGroup, ...]:
    return tuple(
        ReferenceGroup(
            name=group.attribute,
            entries=tuple(
                IndexEntry(
                    link=naming.reference_page_link(op.call),
                    method=op.method.upper(),
                    path=text.visible(op.path),
                    title=op.title,
                    python_call=python_call(op),
                    operation_id=text.visible(op.operation_id),
                )
                for op in group.operations
            ),
            anchor=naming.reference_group_anchor(group.attribute),
        )
        for group in api.groups
    )


def index_methods(api: ir.Api) -> tuple[str, ...]:
    """The HTTP methods of the API's operations, for the index's filter (``METHOD_ORDER``)."""
    present = {op.method.upper() for op in api.operations}
    known = [m for m in METHOD_ORDER if m in present]
    return tuple(known + sorted(present - set(METHOD_ORDER)))


def _nav_label(group: ir.Group, op: ir.Operation) -> str:
    prefix = group.attribute + "."
    return op.call[len(prefix) :] if op.call.startswith(prefix) else op.call


def sidebar(
    api: ir.Api, current: Optional[ir.Operation] = None
) -> tuple[NavGroup, ...]:
    """The sidebar of every page: the groups, linking to the index's sections; the group of
    ``current`` (an operation page's) expanded with its operations, ``current`` marked.
    Links are from the reference's root folder (templates prefix them with ``root``)."""
    mark = current.operation_id if current is not None else None
    groups = []
    for group in api.groups:
        here = any(op.operation_id == mark for op in group.operations)
        entries = tuple(
            NavEntry(
                link=naming.reference_page_link(op.call),
                method=op.method.upper(),
                label=text.visible(_nav_label(group, op)),
                current=op.operation_id == mark,
            )
            for op in (group.operations if here else ())
        )
        groups.append(
            NavGroup(
                name=group.attribute,
                link="index.html#" + naming.reference_group_anchor(group.attribute),
                current=here,
                entries=entries,
            )
        )
    return tuple(groups)

"""``codegen diff``'s report: readable text, Markdown (a pull-request comment) or JSON.

The JSON form (``JSON_SCHEMA_VERSION`` 1) is one object::

    {"format": 1,
     "old": {"source": "...", "sha256": "...", "api_version": "..."},
     "new": {...},
     "summary": {"changes": 3, "breaking": 2},
     "changes": [{"group": "client.customers", "subject": "client.customers.create(email)",
                  "kind": "parameter_required", "breaking": true, "detail": "...",
                  "operation_id": "PostCustomers", "old": "", "new": ""}, ...]}

``kind`` is one of ``compare.KINDS``; ``group`` a resource (``client.<path>``) or ``models``;
the changes are sorted by group (resources, then models), subject and kind. Keys are only
ever added within one ``format``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from itertools import groupby

from .compare import Change

JSON_SCHEMA_VERSION = 1
REPORT_FORMATS = ("text", "markdown", "json")


@dataclass(frozen=True)
class Side:
    """One of the two specs compared, as the report names it."""

    source: str  # the path given
    sha256: str
    api_version: str


def render_report(changes: list[Change], fmt: str, old: Side, new: Side) -> str:
    if fmt == "json":
        return _json(changes, old, new)
    if fmt == "markdown":
        return _markdown(changes, old, new)
    return _text(changes, old, new)


def _counts(changes: list[Change]) -> tuple[int, int]:
    return len(changes), sum(change.breaking for change in changes)


def _summary(changes: list[Change]) -> str:
    total, breaking = _counts(changes)
    if not total:
        return "no changes to the generated API"
    noun = "change" if total == 1 else "changes"
    return f"{total} {noun} to the generated API, {breaking} breaking"


def _versions(old: Side, new: Side) -> str:
    return (
        f"{old.source} (API {old.api_version}, sha256 {old.sha256[:12]}) -> "
        f"{new.source} (API {new.api_version}, sha256 {new.sha256[:12]})"
    )


def _grouped(changes: list[Change]) -> list[tuple[str, list[Change]]]:
    return [
        (group, list(items)) for group, items in groupby(changes, lambda c: c.group)
    ]


# --- text ------------------------------------------------------------------------------------


def _text(changes: list[Change], old: Side, new: Side) -> str:
    lines = [_versions(old, new), _summary(changes)]
    for group, items in _grouped(changes):
        lines.append("")
        lines.append(group)
        for change in items:
            mark = "BREAKING" if change.breaking else "        "
            lines.append(f"  {mark}  {_plain(change.detail)}")
    return "\n".join(lines) + "\n"


def _plain(text: str) -> str:
    """Spec text shown on a terminal: control characters as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


# --- markdown --------------------------------------------------------------------------------


def _markdown(changes: list[Change], old: Side, new: Side) -> str:
    total, breaking = _counts(changes)
    title = "breaking" if breaking else "no breaking changes"
    lines = [
        f"## Generated API changes: {title}",
        "",
        _md(_versions(old, new)),
        "",
        f"**{_md(_summary(changes))}**",
    ]
    for group, items in _grouped(changes):
        lines += ["", f"### {_md(group)}", "", "| | Change |", "|---|---|"]
        for change in items:
            mark = "**breaking**" if change.breaking else ""
            lines.append(f"| {mark} | {_md(change.detail)} |")
    return "\n".join(lines) + "\n"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<|~&])")


def _md(text: str) -> str:
    """Text from the spec as literal Markdown: every punctuation mark Markdown (or a table
    cell) could read as syntax escaped, line breaks as spaces."""
    flat = " ".join(_plain(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


# --- json ------------------------------------------------------------------------------------


def _json(changes: list[Change], old: Side, new: Side) -> str:
    total, breaking = _counts(changes)
    document = {
        "format": JSON_SCHEMA_VERSION,
        "old": asdict(old),
        "new": asdict(new),
        "summary": {"changes": total, "breaking": breaking},
        "changes": [asdict(change) for change in changes],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

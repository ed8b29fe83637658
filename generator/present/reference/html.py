"""Escaping for the reference pages, in one place: spec Markdown to safe HTML (raw HTML off,
unsafe link schemes refused) and JSON that cannot close the ``<script>`` element holding it.
"""

from __future__ import annotations

import functools
import json

from typing import TYPE_CHECKING, Any

from ...text import json_visible

if TYPE_CHECKING:  # pragma: no cover
    from markdown_it import MarkdownIt


@functools.lru_cache(maxsize=None)
def _markdown() -> MarkdownIt:
    # CommonMark with raw HTML off: HTML in the source is shown as text, never interpreted.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


@functools.lru_cache(maxsize=4096)
def markdown_html(markdown: str) -> str:
    """Safe HTML for a Markdown description; "" for none."""
    if not markdown.strip():
        return ""
    html: str = _markdown().render(markdown)
    return html.strip()


_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def script_json(data: Any) -> str:
    """JSON text safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where ``\\u003c`` means the same
    character, so the data is unchanged while ``</script>`` or ``<!--`` cannot appear.
    Invisible characters (only ever inside JSON strings) become ``\\u`` escapes too
    (``text.json_visible``).
    """
    escaped = json_visible(indented_json(data))
    for char, escape in _SCRIPT_ESCAPES.items():
        escaped = escaped.replace(char, escape)
    return escaped


def indented_json(value: Any, margin: str = "") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1)``, in less time.

    With an indent, ``json`` encodes in Python, through one generator per container; here
    each container is one ``str.join``, and strings are encoded by ``json``'s C code. Keys
    must be strings (``json`` would quietly turn others into strings).
    """
    kind = type(value)
    if kind is str:
        return _json_string(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = margin + " "
        items = [_json_key(key) + indented_json(v, inner) for key, v in value.items()]
        return "{\n" + inner + (",\n" + inner).join(items) + "\n" + margin + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = margin + " "
        items = [indented_json(v, inner) for v in value]
        return "[\n" + inner + (",\n" + inner).join(items) + "\n" + margin + "]"
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    return json.dumps(value)  # numbers (and anything else) exactly as json writes them


_json_string = (
    json.encoder.encode_basestring
)  # ensure_ascii=False, as the C encoder does


def _json_key(key: object) -> str:
    if type(key) is not str:
        raise TypeError(f"JSON keys must be strings, not {type(key).__name__}")
    return _json_string(key) + ": "

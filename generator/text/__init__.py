"""Every text decision for descriptions taken from the spec.

Stripe's descriptions mix HTML (``<p>``, ``<a href="/docs/...">``, ``<code>``) with
Markdown (links, backticks, lists). :func:`to_markdown` turns either into clean
Markdown; the other functions turn that Markdown into text that is safe where the
generator places it: a docstring body, a Python string literal, a ``#`` comment, a
Markdown table cell.

All functions are pure and deterministic. The expensive ones are cached, because the
spec repeats the same description many times.

One module a job: ``clean`` (what every job starts from), ``markdown`` (spec text into
Markdown), ``docstrings`` and ``inline`` (Markdown into text for one place).
"""

from .docstrings import to_docstring
from .inline import (
    ELLIPSIS,
    comment_text,
    json_visible,
    markdown_inline,
    markdown_table_cell,
    markdown_text,
    plain_line,
    python_string,
    safe_url,
    summary_line,
    table_code,
    visible,
)
from .markdown import STRIPE_LINK_BASE, links_resolved_against, to_markdown

__all__ = [
    "ELLIPSIS",
    "STRIPE_LINK_BASE",
    "comment_text",
    "json_visible",
    "markdown_inline",
    "markdown_table_cell",
    "markdown_text",
    "plain_line",
    "python_string",
    "safe_url",
    "links_resolved_against",
    "summary_line",
    "table_code",
    "to_docstring",
    "to_markdown",
    "visible",
]

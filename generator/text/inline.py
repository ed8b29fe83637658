"""Markdown into text for one place: a summary line, a table cell, a Python string literal,
a ``#`` comment, a URL or name the templates put anywhere."""

from __future__ import annotations

import functools
import json
import re
from typing import Optional
from urllib.parse import quote


from .clean import LIST_ITEM, clean, outside_code, tidy
from .markdown import to_markdown

ELLIPSIS = "…"

# --- one-line texts -------------------------------------------------------------------

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(
    r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`\"'(\[“‘*])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|no|Inc|Ltd|Co|U\.S)|\b[A-Z])\.$"
)


def _strip_inline_markup(text: str) -> str:
    """Links and images become their text; emphasis and heading markers are dropped."""
    text = _LINK.sub(r"\1", _IMAGE.sub(r"\1", text))
    text = _EMPHASIS.sub(lambda match: match.group(2) or match.group(3), text)
    return re.sub(r"^\s*#{1,6}\s+", "", text)


def _first_lines(text: str) -> str:
    """The first paragraph; its lead-in if a list follows; the item if it is a list."""
    lines = text.split("\n\n", 1)[0].split("\n")
    kept: list[str] = []
    for line in lines:
        item = LIST_ITEM.match(line)
        if item and kept:
            break
        kept.append(line[item.end() :] if item else line)
    return " ".join(kept)


def _first_sentence(text: str) -> str:
    for match in _SENTENCE_END.finditer(text):
        head = text[: match.start()]
        if head.count("`") % 2 == 0 and not _ABBREVIATION.search(head):
            return head
    return text


def _truncate(text: str, limit: int) -> str:
    """Cut at a word boundary so that the result plus "…" fits in ``limit``."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    if " " in cut and not text[len(cut)].isspace():
        cut = cut.rsplit(" ", 1)[0]
    if cut.count("`") % 2:
        cut = cut[: cut.rfind("`")]
    return cut.rstrip(" ,;:") + ELLIPSIS


@functools.lru_cache(maxsize=65536)
def summary_line(markdown: str, limit: int = 120) -> str:
    """The first sentence of ``markdown`` on one line, at most ``limit`` characters.

    Links are reduced to their text and emphasis is dropped; code spans and Markdown
    escapes are kept, so the result is still safe inline Markdown.
    """
    return _summary_line(markdown, limit)


@functools.lru_cache(maxsize=16384)
def _summary_line(markdown: str, limit: int) -> str:
    text = _first_lines(tidy(clean(markdown)))
    text = outside_code(text, _strip_inline_markup)
    text = _first_sentence(" ".join(text.split()))
    return _truncate(text, limit)


def _segments(markdown: str) -> list[str]:
    """The paragraphs and list items (without marker) of ``markdown``, one line each."""
    segments: list[str] = []
    for block in markdown.split("\n\n"):
        current: list[str] = []
        for line in block.split("\n"):
            item = LIST_ITEM.match(line)
            if item:
                segments.append(" ".join(current))
                current = [line[item.end() :]]
            else:
                current.append(line)
        segments.append(" ".join(current))
    return [" ".join(segment.split()) for segment in segments if segment.strip()]


def markdown_inline(text: str) -> str:
    """Markdown on one line: soft breaks become spaces; paragraphs and list items are
    joined with " · " (with a space after a lead-in ending in ":")."""
    out = ""
    for segment in _segments(tidy(clean(text))):
        separator = " " if out.endswith(":") else " · "
        out = out + separator + segment if out else segment
    return out


@functools.lru_cache(maxsize=65536)
def markdown_table_cell(text: str) -> str:
    """One-line Markdown safe inside a GFM table cell: each unescaped "|" is escaped."""
    return re.sub(r"(?<!\\)((?:\\\\)*)\|", r"\1\\|", markdown_inline(text))


# --- Python source --------------------------------------------------------------------

_SIMPLE_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def python_string(value: str) -> str:
    """A Python string literal for ``value``, exactly as black would leave it.

    Double quotes unless the value has more ``"`` than ``'`` (black's rule: it never
    adds escapes to switch quotes); non-printable characters are escaped as by ``repr``.
    """
    return _python_string(value)


@functools.lru_cache(maxsize=16384)
def _python_string(value: str) -> str:
    quote = "'" if value.count('"') > value.count("'") else '"'
    out: list[str] = []
    for char in value:
        if char in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[char])
        elif char == quote:
            out.append("\\" + char)
        elif not char.isprintable():
            out.append(repr(char)[1:-1])
        else:
            out.append(char)
    return quote + "".join(out) + quote


# What tools read as a directive in a comment: "# type: ignore", "# noqa", "# fmt: off".
_PRAGMA = re.compile(
    r"(?i)(^|[#;])(\s*)"
    r"(type|noqa|fmt|yapf|pylint|mypy|pyright|pragma|isort|ruff|nosec|flake8)\b"
)


def comment_text(text: str) -> str:
    """Text for one ``# `` comment: one line, no control characters, no directives.

    A directive word (``type``, ``noqa``, ``fmt``, ...) at the start or after "#"/";"
    is wrapped in backticks, so ``type: ignore`` cannot silence mypy.
    """
    line = " ".join(clean(text).split())
    return _PRAGMA.sub(r"\1\2`\3`", line)


# --- names and URLs the templates put anywhere ------------------------------------------

_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


def plain_line(value: Optional[str], *, limit: int = 200) -> str:
    """One line of plain text, safe wherever a template puts a title or a version.

    That is: in a docstring, a ``#`` comment, between the double quotes of a string
    literal, an HTTP header value, a Markdown heading or code span. HTML becomes Markdown
    first; line breaks and controls go; backslashes (escapes), ``"``, backticks and angle
    brackets are dropped or made single quotes.
    """
    line = markdown_inline(to_markdown(value or ""))
    line = line.replace("\\", "").replace('"', "'").replace("`", "'")
    line = " ".join(re.sub(r"[<>]", "", line).split())
    return _truncate(line, limit) if len(line) > limit else line


def safe_url(url: str) -> str:
    """A URL with every character that could end a string, comment or code span
    percent-encoded (spaces and controls are dropped); already-encoded parts are kept.
    """
    compact = "".join(clean(url).split())
    return quote(compact, safe=_URL_SAFE)


def visible(value: str) -> str:
    """``value`` with invisible characters (controls, odd spaces, bidi marks) written as
    Python escapes, e.g. ``"a\\x1fb"`` → ``a\\x1fb``: for names shown in docs as they are.
    """
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)


def json_visible(json_text: str) -> str:
    """JSON text with its invisible characters (controls, odd spaces, bidi marks: only ever
    inside its strings) written as ``\\u`` escapes, which mean the same characters; the
    line breaks and spaces of its layout are kept. Found from the set of characters, so a
    large text takes a few ``str.replace`` calls, not one Python call per character."""
    for char in sorted(set(json_text)):
        if not char.isprintable() and char not in "\n ":
            json_text = json_text.replace(char, json.dumps(char)[1:-1])
    return json_text


def table_code(value: str) -> str:
    """``value`` as an inline code span that is safe in a GFM table cell.

    Pipes are escaped (inside a table they would end the cell even in code), backticks get a
    longer fence, edge spaces survive, invisible characters show as escapes and the empty
    string shows as ``""``.
    """
    shown = visible(str(value)).replace("|", "\\|")
    if not shown:
        return '`""`'
    runs = [len(run) for run in re.findall(r"`+", shown)]
    fence = "`" * (max(runs, default=0) + 1)
    if shown[0] in " `" or shown[-1] in " `":
        shown = f" {shown} "
    return f"{fence}{shown}{fence}"


def markdown_text(value: str) -> str:
    """Literal text (an operation ID, a path) that reads the same as Markdown, in a heading,
    a code span or a table cell: invisible characters become escapes, and the characters
    that would start markup or HTML (`` \\ ` * < > [ ] | ``, and ``_`` at a word edge) are
    backslash-escaped. Ordinary IDs and paths come out unchanged."""
    out = []
    shown = visible(value)
    for index, char in enumerate(shown):
        before = shown[index - 1] if index else " "
        after = shown[index + 1] if index + 1 < len(shown) else " "
        if char in "\\`*<>[]|" or (
            char == "_" and not (before.isalnum() and after.isalnum())
        ):
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)

"""Every text decision for descriptions taken from the spec.

Stripe's descriptions mix HTML (``<p>``, ``<a href="/docs/...">``, ``<code>``) with
Markdown (links, backticks, lists). :func:`to_markdown` turns either into clean
Markdown; the other functions turn that Markdown into text that is safe where the
generator places it: a docstring body, a Python string literal, a ``#`` comment, a
Markdown table cell.

All functions are pure and deterministic. The expensive ones are cached, because the
spec repeats the same description many times.
"""

from __future__ import annotations

import functools
import html
import re
import textwrap
from typing import Callable, Optional
from urllib.parse import quote, urljoin

from bs4 import BeautifulSoup, Tag
from markdownify import MarkdownConverter

__all__ = [
    "comment_text",
    "markdown_inline",
    "markdown_table_cell",
    "python_string",
    "summary_line",
    "to_docstring",
    "to_markdown",
]

ELLIPSIS = "…"

# --- cleaning -------------------------------------------------------------------------


def _clean_table() -> dict[int, Optional[str]]:
    """Map line breaks to "\\n", odd spaces to " ", drop invisible or unsafe characters.

    Dropped: C0/C1 controls, surrogates (not encodable as UTF-8), soft hyphen,
    zero-width and bidirectional formatting characters (the "Trojan Source" trick),
    tag characters.
    """
    table: dict[int, Optional[str]] = {}
    dropped = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000)]
    dropped += [0xAD, 0x61C, 0x180E, 0x200B, 0x200E, 0x200F, 0xFEFF]
    dropped += [*range(0x202A, 0x202F), *range(0x2060, 0x2065), *range(0x2066, 0x2070)]
    dropped += [*range(0xFFF9, 0xFFFC), *range(0xE0000, 0xE0080)]
    table.update(dict.fromkeys(dropped))
    spaces = [0x1F, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]
    table.update(dict.fromkeys(spaces, " "))
    breaks = [0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028]
    table.update(dict.fromkeys(breaks, "\n"))
    table[0x2029] = "\n\n"
    table[0x09] = "\t"
    return table


_CLEAN = _clean_table()


def _clean(text: Optional[str]) -> str:
    """Normalise line breaks and spaces, expand tabs, drop controls and invisibles."""
    if not text:
        return ""
    return text.replace("\r\n", "\n").translate(_CLEAN).expandtabs(4)


def _tidy(text: str) -> str:
    """Strip trailing spaces, collapse runs of blank lines to one, strip the ends."""
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- code spans -----------------------------------------------------------------------

# A fenced code block, or an inline code span that does not cross a blank line.
_CODE = re.compile(
    r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n(?:.*?\n)??[ ]{0,3}(?P=fence)[ \t]*$"
    r"|(?<!`)(?P<ticks>`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)(?P=ticks)(?!`)",
    re.S | re.M,
)


def _outside_code(text: str, edit: Callable[[str], str]) -> str:
    """Apply ``edit`` to the parts of Markdown ``text`` that are not code."""
    parts: list[str] = []
    pos = 0
    for match in _CODE.finditer(text):
        parts += [edit(text[pos : match.start()]), match.group()]
        pos = match.end()
    parts.append(edit(text[pos:]))
    return "".join(parts)


# --- links ----------------------------------------------------------------------------

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_URL_ESCAPES = str.maketrans(
    {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"}
)


def _absolute_url(url: str, base_url: str) -> str:
    """Resolve ``url`` against ``base_url``; "" for a scheme that runs code."""
    url = url.strip()
    scheme = _SCHEME.match(url)
    if scheme:
        return url if scheme.group(1).lower() in _SAFE_SCHEMES else ""
    if not url:
        return ""
    return urljoin(base_url.rstrip("/") + "/", url)


# [text](target or ![alt](target: only the target's start matters.
_MD_LINK = re.compile(r"(\]\(\s*)(<?)([^\s)>]*)")
_UNSAFE_MD_LINK = re.compile(
    r"!?\[([^\]]*)\]\(\s*<?(?:javascript|vbscript|data|file):(?:[^()]|\([^()]*\))*\)",
    re.I,
)


def _fix_markdown_links(text: str, base_url: str) -> str:
    """Make Markdown link targets absolute; links with unsafe schemes become text."""
    text = _UNSAFE_MD_LINK.sub(r"\1", text)

    def fix(match: re.Match[str]) -> str:
        target = match.group(3)
        if not target or _SCHEME.match(target):
            return match.group()
        return match.group(1) + match.group(2) + _absolute_url(target, base_url)

    return _MD_LINK.sub(fix, text)


# --- HTML -----------------------------------------------------------------------------

_HTML_TAGS = frozenset(
    """a abbr address article aside audio b big blockquote body br button canvas caption
    center cite code col colgroup dd del details dfn div dl dt em embed figcaption
    figure font footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins
    kbd label li link main mark math meta nav noscript object ol p picture pre q s samp
    script section select small source span strike strong style sub summary sup svg
    table tbody td template textarea tfoot th thead title tr tt u ul var video
    wbr""".split()
)
# Elements dropped together with their content.
_DROPPED_TAGS = """script style template noscript iframe object embed svg math canvas
    head textarea select""".split()
# Every "<": a comment, a tag (group "name"), or a lone "<".
_ANGLE = re.compile(
    r"<(?:!--.*?-->|/?(?P<name>[A-Za-z][\w:-]*)(?:\s[^<>]*)?/?>)?", re.S
)
_CLOSING = re.compile(r"</([A-Za-z][\w:-]*)\s*>")
# "<" that Markdown would read as raw HTML; autolinks like <https://x> stay, but not
# <javascript:...>.
_RAW_HTML_START = re.compile(r"(?<!\\)<(?=[A-Za-z/!?])(?!(?i:https?|mailto):[^\s<>]*>)")

_CODE_MARK = "\x01{}\x02"
_PARAGRAPH_MARK = "\x03"


def _escape_non_tags(text: str) -> tuple[str, bool]:
    """Escape each "<" that does not open a real tag; say whether a real tag was found.

    Real tags are known HTML elements, comments, and unknown elements that are closed
    somewhere (Stripe writes ``<currency>100</currency>``). Placeholders such as
    ``Bearer <api_key>`` stay text.
    """
    closed = {name.lower() for name in _CLOSING.findall(text)}
    found = False

    def escape(match: re.Match[str]) -> str:
        nonlocal found
        name = match.group("name")
        whole = match.group()
        if whole.startswith("<!--") or (
            name and (name.lower() in _HTML_TAGS or name.lower() in closed)
        ):
            found = True
            return whole
        return "&lt;" + whole[1:]

    return _ANGLE.sub(escape, text), found


class _Converter(MarkdownConverter):
    """markdownify with absolute, safe links and ``<br>`` as a paragraph break."""

    def __init__(self, base_url: str) -> None:
        super().__init__(
            autolinks=False,
            bullets="-",
            escape_asterisks=False,
            escape_underscores=False,
            escape_misc=False,
            heading_style="atx",
            strip_document="strip",
        )
        self._base_url = base_url

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        href = el.get("href")
        url = _absolute_url(href, self._base_url) if isinstance(href, str) else ""
        label = text.strip()
        if "_noformat" in parent_tags or not url or not label:
            return text
        prefix = " " if text[:1].isspace() else ""
        suffix = " " if text[-1:].isspace() else ""
        return f"{prefix}[{label}]({url.translate(_URL_ESCAPES)}){suffix}"

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        src, alt = el.get("src"), el.get("alt")
        url = _absolute_url(src, self._base_url) if isinstance(src, str) else ""
        alt_text = alt if isinstance(alt, str) else ""
        if "_inline" in parent_tags or not url:
            return alt_text
        return f"![{alt_text}]({url.translate(_URL_ESCAPES)})"

    def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return " " if "_inline" in parent_tags else "\n\n"


@functools.lru_cache(maxsize=8)
def _converter(base_url: str) -> _Converter:
    return _Converter(base_url)


def _html_to_markdown(text: str, base_url: str) -> str:
    """Convert HTML with Markdown inside; Markdown code and blank lines survive."""
    spans: list[str] = []

    def protect(match: re.Match[str]) -> str:
        spans.append(match.group())
        return _CODE_MARK.format(len(spans) - 1)

    text = _CODE.sub(protect, text)
    text = re.sub(r"\n[ \t]*\n\s*", _PARAGRAPH_MARK, text)
    text, _ = _escape_non_tags(text)
    # The leading space stops bs4 warning that markup like "https://x<b>y</b>" is a URL.
    soup = BeautifulSoup(" " + text, "html.parser")
    for element in soup.find_all(_DROPPED_TAGS):
        element.decompose()
    markdown = _converter(base_url).convert_soup(soup).replace(_PARAGRAPH_MARK, "\n\n")
    markdown = _outside_code(
        markdown, lambda part: re.sub(r"(?<=\S) {2,}(?=\S)", " ", part)
    )
    return re.sub("\x01(\\d+)\x02", lambda match: spans[int(match.group(1))], markdown)


def _markdown_text_fixes(text: str, base_url: str) -> str:
    """Outside code: absolute links, and "<" escaped so nothing reads as raw HTML."""
    return _RAW_HTML_START.sub(r"\\<", _fix_markdown_links(text, base_url))


def to_markdown(text: Optional[str], *, base_url: str = "https://stripe.com") -> str:
    """Turn a spec description (HTML, Markdown, or both) into clean Markdown.

    Links become absolute against ``base_url``; ``<code>`` becomes backticks; other tags
    are dropped (``<script>``/``<style>`` with their content). Text that is already
    Markdown is kept as written: ``snake_case``, ``*`` and ``[links](...)`` are not
    escaped, and a "<" that is not a tag is escaped as ``\\<``.
    """
    return _to_markdown(text or "", base_url)


@functools.lru_cache(maxsize=16384)
def _to_markdown(text: str, base_url: str) -> str:
    text = _clean(text)
    if not text.strip():
        return ""
    if "<" in text and _escape_non_tags(text)[1]:
        text = _html_to_markdown(text, base_url)
    elif "&" in text:
        text = _outside_code(text, html.unescape)
    text = _outside_code(text, lambda part: _markdown_text_fixes(part, base_url))
    return _close_fence(_tidy(text))


_FENCE_LINE = re.compile(r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")


def _close_fence(text: str) -> str:
    """Close a code fence the text leaves open, or it would swallow the rest of a page."""
    open_fence = ""
    for line in text.split("\n"):
        match = _FENCE_LINE.match(line)
        if match is None:
            continue
        fence, info = match.group("fence"), match.group("info")
        if not open_fence:
            if not (fence[0] == "`" and "`" in info):
                open_fence = fence
        elif (
            fence[0] == open_fence[0]
            and len(fence) >= len(open_fence)
            and not info.strip()
        ):
            open_fence = ""
    return text + "\n" + open_fence if open_fence else text


# --- docstrings -----------------------------------------------------------------------

_LIST_ITEM = re.compile(r"^(?P<lead>\s*)(?P<marker>[-*+]|\d{1,9}[.)])(?:\s+|$)")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_VERBATIM = re.compile(r"^\s*(?:#{1,6}(?:\s|$)|\||>|(?:[-*_=]\s*){3,}$)")
# What would start a new Markdown block if it began a wrapped line.
_BLOCK_START = re.compile(
    r"^(?:[-*+](?:\s|$)|[>|]|#{1,6}(?:\s|$)|=+$|\d{1,9}[.)](?:\s|$)|```|~~~)"
)


def _protect_code_spaces(text: str) -> str:
    """Glue inline code spans together with NUL so textwrap never breaks inside them."""

    def glue(match: re.Match[str]) -> str:
        span = match.group()
        return span if match.group("fence") else re.sub(r"[ \n]", "\x00", span)

    return _CODE.sub(glue, text)


def _escape_for_docstring(text: str) -> str:
    """Escape backslashes and runs of three quotes, for a non-raw ``\"\"\"`` string."""
    text = text.replace("\\", "\\\\")
    text = re.sub(r'"{3,}', lambda match: '\\"' * len(match.group()), text)
    return re.sub(r"'{3,}", lambda match: "\\'" * len(match.group()), text)


class _Wrapper:
    """Wrap Markdown blocks: paragraphs and list items are filled, the rest is kept."""

    def __init__(self, first_width: int, width: int) -> None:
        self.first_width = first_width
        self.width = width
        self.lines: list[str] = []
        self.words: list[str] = []
        self.lead = ""
        self.hang = ""

    def start(self, line: str, lead: str, hang: str) -> None:
        self.flush()
        self.words, self.lead, self.hang = [line.strip()], lead, hang

    def flush(self) -> None:
        if not self.words:
            return
        first = not self.lines
        pad = " " * (self.width - self.first_width) if first else ""
        wrapper = textwrap.TextWrapper(
            width=self.width,
            initial_indent=pad + self.lead,
            subsequent_indent=self.hang,
            break_long_words=False,
            break_on_hyphens=False,
        )
        wrapped = wrapper.wrap(" ".join(self.words))
        if first and wrapped:
            wrapped[0] = wrapped[0][len(pad) :]
        self.lines += _rejoin_block_starts(wrapped)
        self.words = []

    def add(self, line: str) -> None:
        if self.words:
            self.words.append(line.strip())
        else:
            lead = line[: len(line) - len(line.lstrip())]
            self.start(line, lead, lead)

    def keep(self, line: str) -> None:
        self.flush()
        self.lines.append(line)


def _rejoin_block_starts(lines: list[str]) -> list[str]:
    """Undo breaks that put "- ", "1. " or "#" first on a line (a new block)."""
    out: list[str] = []
    for line in lines:
        if out and _BLOCK_START.match(line.lstrip()):
            out[-1] += " " + line.lstrip()
        else:
            out.append(line)
    return out


def _wrap_markdown(text: str, first_width: int, width: int) -> list[str]:
    """Wrap ``text`` line by line; the first output line has ``first_width`` columns."""
    wrapper = _Wrapper(first_width, width)
    fence = ""
    for line in text.split("\n"):
        opening = _FENCE.match(line)
        if fence:
            wrapper.keep(line)
            fence = "" if line.strip().startswith(fence) else fence
        elif opening:
            wrapper.keep(line)
            fence = opening.group(1)
        elif not line.strip():
            wrapper.keep("")
        elif _LIST_ITEM.match(line):
            item = _LIST_ITEM.match(line)
            assert item is not None
            wrapper.start(line, item.group("lead"), " " * len(item.group()))
        elif _VERBATIM.match(line) or (not wrapper.words and line.startswith("    ")):
            wrapper.keep(line)
        else:
            wrapper.add(line)
    wrapper.flush()
    return [line.replace("\x00", " ").rstrip() for line in wrapper.lines]


def _dedent_rest(lines: list[str]) -> list[str]:
    """Strip the first line; dedent the others by their common indent, as black does."""
    rest = [line for line in lines[1:] if line.strip()]
    common = min((len(line) - len(line.lstrip()) for line in rest), default=0)
    return [lines[0].strip()] + [line[common:] for line in lines[1:]]


@functools.lru_cache(maxsize=65536)
def to_docstring(markdown: str, *, width: int = 88, indent: str = "    ") -> str:
    """Turn Markdown into the body of a ``\"\"\"`` docstring, safe and black-stable.

    Contract: the caller writes ``indent + '\"\"\"' + result + '\"\"\"'``, where
    ``indent`` is the indentation of the docstring statement itself (black's: four
    spaces per level). The result is either one line (black never splits a one-line
    docstring; a ``"`` at its end gets a space, as black adds) or several lines: the
    first unindented, the others already indented with ``indent`` (blank lines empty),
    ending in ``"\\n" + indent`` so the closing quotes sit on their own line. Lines
    are wrapped at ``width`` counting indent and quotes; code blocks, tables and
    headings are kept, and words (URLs, code spans) are never split. Empty input gives
    "".
    """
    return _to_docstring(markdown, width, indent)


@functools.lru_cache(maxsize=16384)
def _to_docstring(markdown: str, width: int, indent: str) -> str:
    text = _tidy(_clean(markdown))
    if not text:
        return ""
    text = _escape_for_docstring(_protect_code_spaces(text))
    budget = width - len(indent)
    lines = _dedent_rest(_wrap_markdown(text, budget - 3, budget))
    if lines[0].startswith('"'):
        lines[0] = "\\" + lines[0]
    if len(lines) == 1:
        return lines[0] + (" " if lines[0].endswith('"') else "")
    body = "\n".join(indent + line if line else "" for line in lines)
    return body[len(indent) :] + "\n" + indent


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
        item = _LIST_ITEM.match(line)
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
    text = _first_lines(_tidy(_clean(markdown)))
    text = _outside_code(text, _strip_inline_markup)
    text = _first_sentence(" ".join(text.split()))
    return _truncate(text, limit)


def _segments(markdown: str) -> list[str]:
    """The paragraphs and list items (without marker) of ``markdown``, one line each."""
    segments: list[str] = []
    for block in markdown.split("\n\n"):
        current: list[str] = []
        for line in block.split("\n"):
            item = _LIST_ITEM.match(line)
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
    for segment in _segments(_tidy(_clean(text))):
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
    line = " ".join(_clean(text).split())
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
    compact = "".join(_clean(url).split())
    return quote(compact, safe=_URL_SAFE)


def visible(value: str) -> str:
    """``value`` with invisible characters (controls, odd spaces, bidi marks) written as
    Python escapes, e.g. ``"a\\x1fb"`` → ``a\\x1fb``: for names shown in docs as they are.
    """
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)


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

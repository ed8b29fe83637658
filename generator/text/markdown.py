"""Descriptions from the spec (HTML, Markdown or both) into clean, safe Markdown."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import html
import re
from typing import Iterator, Optional
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from markdownify import MarkdownConverter

from .clean import CODE, clean, outside_code, tidy

# --- links ----------------------------------------------------------------------------

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_URL_ESCAPES = str.maketrans(
    {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"}
)


STRIPE_LINK_BASE = "https://stripe.com"

_LINK_BASE: contextvars.ContextVar[str] = contextvars.ContextVar(
    "link_base", default=STRIPE_LINK_BASE
)
"""What relative links in descriptions are resolved against ("": they stay relative).
Stripe's descriptions link to ``/docs/...`` on stripe.com; another API's links mean its own
site, or nothing we know of."""


@contextlib.contextmanager
def links_resolved_against(base_url: str) -> Iterator[None]:
    """Within the block, resolve relative links of the descriptions converted against
    ``base_url`` ("" keeps them relative); the base before it is restored on leaving, so
    one spec's site never leaks into the next build in the same process."""
    token = _LINK_BASE.set(base_url)
    try:
        yield
    finally:
        _LINK_BASE.reset(token)


def _absolute_url(url: str, base_url: str) -> str:
    """Resolve ``url`` against ``base_url`` (kept as it is without one); "" for a scheme
    that runs code."""
    url = url.strip()
    scheme = _SCHEME.match(url)
    if scheme:
        return url if scheme.group(1).lower() in _SAFE_SCHEMES else ""
    if not url:
        return ""
    if not base_url:
        return url
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

    text = CODE.sub(protect, text)
    text = re.sub(r"\n[ \t]*\n\s*", _PARAGRAPH_MARK, text)
    text, _ = _escape_non_tags(text)
    # The leading space stops bs4 warning that markup like "https://x<b>y</b>" is a URL.
    soup = BeautifulSoup(" " + text, "html.parser")
    for element in soup.find_all(_DROPPED_TAGS):
        element.decompose()
    markdown = _converter(base_url).convert_soup(soup).replace(_PARAGRAPH_MARK, "\n\n")
    markdown = outside_code(
        markdown, lambda part: re.sub(r"(?<=\S) {2,}(?=\S)", " ", part)
    )
    return re.sub("\x01(\\d+)\x02", lambda match: spans[int(match.group(1))], markdown)


def _markdown_text_fixes(text: str, base_url: str) -> str:
    """Outside code: absolute links, and "<" escaped so nothing reads as raw HTML."""
    return _RAW_HTML_START.sub(r"\\<", _fix_markdown_links(text, base_url))


def to_markdown(text: Optional[str], *, base_url: Optional[str] = None) -> str:
    """Turn a spec description (HTML, Markdown, or both) into clean Markdown.

    Links become absolute against ``base_url`` (by default the spec's, see
    ``links_resolved_against``; https://stripe.com unless set); ``<code>`` becomes backticks; other tags
    are dropped (``<script>``/``<style>`` with their content). Text that is already
    Markdown is kept as written: ``snake_case``, ``*`` and ``[links](...)`` are not
    escaped, and a "<" that is not a tag is escaped as ``\\<``.
    """
    base = _LINK_BASE.get() if base_url is None else base_url
    return _to_markdown(text or "", base)


@functools.lru_cache(maxsize=16384)
def _to_markdown(text: str, base_url: str) -> str:
    text = clean(text)
    if not text.strip():
        return ""
    if "<" in text and _escape_non_tags(text)[1]:
        text = _html_to_markdown(text, base_url)
    elif "&" in text:
        text = outside_code(text, html.unescape)
    text = outside_code(text, lambda part: _markdown_text_fixes(part, base_url))
    return _close_fence(tidy(text))


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

"""Markdown into a docstring body: wrapped, escaped, its blocks kept."""

from __future__ import annotations

import functools
import re
import textwrap


from .clean import CODE, LIST_ITEM, clean, tidy

# --- docstrings -----------------------------------------------------------------------

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

    return CODE.sub(glue, text)


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
        elif LIST_ITEM.match(line):
            item = LIST_ITEM.match(line)
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
    text = tidy(clean(markdown))
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

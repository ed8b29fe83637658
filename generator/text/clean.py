"""What every text job starts from: spec text cleaned of odd characters, and code spans
kept out of the way of edits."""

from __future__ import annotations

import re
from typing import Callable, Optional

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


def clean(text: Optional[str]) -> str:
    """Normalise line breaks and spaces, expand tabs, drop controls and invisibles."""
    if not text:
        return ""
    return text.replace("\r\n", "\n").translate(_CLEAN).expandtabs(4)


def tidy(text: str) -> str:
    """Strip trailing spaces, collapse runs of blank lines to one, strip the ends."""
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- code spans -----------------------------------------------------------------------

# A fenced code block, or an inline code span that does not cross a blank line.
CODE = re.compile(
    r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n(?:.*?\n)??[ ]{0,3}(?P=fence)[ \t]*$"
    r"|(?<!`)(?P<ticks>`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)(?P=ticks)(?!`)",
    re.S | re.M,
)


def outside_code(text: str, edit: Callable[[str], str]) -> str:
    """Apply ``edit`` to the parts of Markdown ``text`` that are not code."""
    parts: list[str] = []
    pos = 0
    for match in CODE.finditer(text):
        parts += [edit(text[pos : match.start()]), match.group()]
        pos = match.end()
    parts.append(edit(text[pos:]))
    return "".join(parts)


LIST_ITEM = re.compile(r"^(?P<lead>\s*)(?P<marker>[-*+]|\d{1,9}[.)])(?:\s+|$)")
"""A Markdown list item's marker."""

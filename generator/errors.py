"""The one error type every stage raises for bad input.

The CLI turns it into a message on stderr and exit code 2; nothing else in the generator
prints or exits.
"""

from __future__ import annotations


class CodegenError(Exception):
    """Bad input: what went wrong, where (a JSON pointer into the spec, or a file), how to fix it."""

    def __init__(
        self, message: str, *, pointer: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.pointer = pointer
        self.hint = hint

    def __str__(self) -> str:
        parts = [_visible(self.message)]
        if self.pointer is not None:
            parts.append(f"  at: {_visible(self.pointer) or '/'}")
        if self.hint:
            parts.append(f"  fix: {_visible(self.hint)}")
        return "\n".join(parts)


def _visible(text: str) -> str:
    """Names from the spec may hold line breaks or controls: shown as escapes, so that the
    message stays the three lines it is meant to be."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def json_pointer(*tokens: object) -> str:
    """Build an RFC 6901 JSON pointer from raw tokens (escaping ``~`` and ``/``)."""
    escaped = (str(token).replace("~", "~0").replace("/", "~1") for token in tokens)
    return "".join("/" + token for token in escaped)

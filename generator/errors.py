"""The one error type every stage raises for bad input.

The CLI turns it into a message on stderr and exit code 2; nothing else in the generator
prints or exits.
"""

from __future__ import annotations

import difflib
import errno
from collections.abc import Iterable


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


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def json_pointer(*tokens: object) -> str:
    """Build an RFC 6901 JSON pointer from raw tokens (escaping ``~`` and ``/``)."""
    escaped = (str(token).replace("~", "~0").replace("/", "~1") for token in tokens)
    return "".join("/" + token for token in escaped)


def pointer_token(escaped: str) -> str:
    """The raw token of one escaped JSON pointer token (``~1`` is ``/``, ``~0`` is ``~``)."""
    return escaped.replace("~1", "/").replace("~0", "~")


#: How to fix the OS errors a user can cause (a full disk, a read-only file system, a path it
#: may not use), by errno: the one table every stage and the CLI take their hint from.
OS_ERROR_FIXES = {
    errno.EACCES: "check the permissions of that path, or run as a user who may use it",
    errno.EPERM: "check the permissions of that path, or run as a user who may use it",
    errno.ENOSPC: "free space on that disk (or choose an --output on another), then run again",
    errno.EDQUOT: "free space within your disk quota, then run again",
    errno.EROFS: "the file system is read-only: choose a writable --output",
    errno.ENAMETOOLONG: "a name is too long for this file system: "
    "choose a shorter --output or --package",
    errno.EBUSY: "the path is in use or a mount point: use a folder inside it as --output",
    errno.ELOOP: "a symlink loop is in the way: remove it",
    errno.ENOENT: "check that the path exists",
    errno.ENOTDIR: "a file stands where a folder must be: move it, or choose another path",
    errno.EISDIR: "the path is a folder; a file was expected",
}


def os_error_fix(code: int | None) -> str:
    """The hint for an OS error, by its errno."""
    return OS_ERROR_FIXES.get(code or 0, "check the path, then run again")

"""Format rendered text into the final bytes: black for Python, light tidying for Markdown.

Black runs through its Python API with one fixed mode, so the output depends only on the
pinned black version. Black is the slow stage; files are formatted in parallel processes,
and a caller can skip a file whose unformatted text is unchanged since the last run (the
manifest records the hash of that text next to the hash of the bytes it produced).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from typing import Optional

from importlib.metadata import version

import black
from black.mode import TargetVersion

from .errors import CodegenError

BLACK_VERSION = version("black")
MODE = black.Mode(target_versions={TargetVersion.PY39}, line_length=88)
#: Characters of Python below which starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200_000

Cached = Callable[[str, str], Optional[bytes]]  # (path, source sha256) -> bytes or None
Progress = Callable[[int], None]  # told how many more files are finished


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def format_python(path: str, text: str) -> bytes:
    try:
        formatted = black.format_str(text, mode=MODE)
    except Exception as error:  # black raises several types for unparsable input
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise CodegenError(
            f"generated file {path} is not valid Python: {first_line}",
            hint="this is a bug in codegen or in a custom template; please report it with the spec",
        ) from error
    return formatted.encode("utf-8")


def tidy_markdown(text: str) -> bytes:
    """Strip trailing spaces, collapse blank-line runs, end with exactly one newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return (tidy + "\n").encode("utf-8")


def format_file(path: str, text: str) -> bytes:
    if path.endswith(".py"):
        return format_python(path, text)
    if path.endswith(".md"):
        return tidy_markdown(text)
    return text.encode("utf-8")


def _format_pair(item: tuple[str, str]) -> tuple[str, bytes]:
    return item[0], format_file(*item)


def format_files(
    files: Mapping[str, str],
    *,
    cached: Optional[Cached] = None,
    jobs: Optional[int] = None,
    progress: Optional[Progress] = None,
) -> dict[str, bytes]:
    """Every file's final bytes, in sorted path order; ``cached`` may supply unchanged ones."""
    out: dict[str, bytes] = {}
    todo: list[tuple[str, str]] = []
    for path in sorted(files):
        hit = cached(path, source_hash(files[path])) if cached else None
        if hit is not None:
            out[path] = hit
        else:
            todo.append((path, files[path]))
    if progress:
        progress(len(out))
    python_size = sum(len(text) for path, text in todo if path.endswith(".py"))
    workers = min(jobs or os.cpu_count() or 1, len(todo))
    if workers > 1 and python_size > PARALLEL_THRESHOLD:
        heavy_first = sorted(todo, key=lambda item: -len(item[1]))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(_format_pair, heavy_first)
            _collect(results, out, progress)
    else:
        _collect(map(_format_pair, todo), out, progress)
    return {path: out[path] for path in sorted(out)}


def _collect(
    results: Iterable[tuple[str, bytes]],
    out: dict[str, bytes],
    progress: Optional[Progress],
) -> None:
    for path, data in results:
        out[path] = data
        if progress:
            progress(1)

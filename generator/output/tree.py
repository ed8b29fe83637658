"""What is on disk in an output folder: safe relative paths, a scan, reads, and OS errors
turned into messages that name the path and the fix."""

from __future__ import annotations

import contextlib
import hashlib
import os
import posixpath
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import CodegenError, os_error_fix

MANIFEST_NAME = ".codegen-manifest.json"
"""The one name in the output folder that is not a generated file: the manifest's."""

#: The executable bits: generated files never have them (git records only these mode bits).
EXECUTABLE_BITS = stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH


# --- paths -----------------------------------------------------------------------------------


def validate_relative_path(rel: str) -> str:
    """Accept only plain relative POSIX paths that stay inside the output folder."""
    segments = rel.split("/")
    bad = (
        not rel
        or "\\" in rel
        or "\0" in rel
        or rel.startswith("/")
        or (len(rel) > 1 and rel[1] == ":")
        or any(segment in ("", ".", "..") for segment in segments)
        or posixpath.normpath(rel) != rel
    )
    if bad:
        raise CodegenError(
            f"refusing to write {rel!r}: output paths must be relative, use '/', "
            "and stay inside the output folder",
            hint="this is a generator bug: report it with the template or option that made it",
        )
    if rel == MANIFEST_NAME:
        raise CodegenError(f"{MANIFEST_NAME} is reserved for the manifest")
    return rel


def _is_inside(out_dir: Path, rel: str) -> bool:
    """Whether ``rel`` stays inside ``out_dir`` once symlinks on disk are followed."""
    root = out_dir.resolve()
    target = (root / rel).resolve()
    return target == root or root in target.parents


def check_inside(out_dir: Path, rel: str) -> None:
    if not _is_inside(out_dir, rel):
        raise CodegenError(
            f"refusing to write {rel!r}: a symlink in {out_dir} leads it outside the folder",
            hint="remove the symlink from the output folder",
        )


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Tree:
    """What is on disk, as relative POSIX paths: files and symlinks, folders, empty folders.

    ``dirs`` holds every real folder, the output folder itself as ``""``.
    """

    files: frozenset[str]
    dirs: frozenset[str]
    empty_dirs: frozenset[str]


def scan(out_dir: Path) -> Tree:
    files: set[str] = set()
    folders: set[str] = set()
    empty: set[str] = set()
    if not out_dir.is_dir():
        return Tree(frozenset(), frozenset(), frozenset())
    for top, dirs, names in os.walk(out_dir, onerror=_raise):
        rel_top = Path(top).relative_to(out_dir).as_posix()
        prefix = "" if rel_top == "." else rel_top + "/"
        folders.add(prefix.rstrip("/"))
        links = [name for name in dirs if os.path.islink(os.path.join(top, name))]
        dirs[:] = sorted(name for name in dirs if name not in links)
        files.update(prefix + name for name in [*names, *links])
        if not dirs and not names and not links and prefix:
            empty.add(rel_top)
    files.discard(MANIFEST_NAME)
    return Tree(frozenset(files), frozenset(folders), frozenset(empty))


def _raise(error: OSError) -> None:
    """``os.walk`` skips unreadable folders by default; a write or check must not."""
    raise error


def read_disk(out_dir: Path, rel: str) -> bytes | None:
    path = out_dir / rel
    if path.is_symlink() or not path.is_file() or not _is_inside(out_dir, rel):
        return None
    return path.read_bytes()


# --- OS errors -------------------------------------------------------------------------------


@contextlib.contextmanager
def os_errors(where: Path, doing: str) -> Iterator[None]:
    """Turn an ``OSError`` into a ``CodegenError`` that names the path and how to fix it."""
    try:
        yield
    except OSError as error:
        path = error.filename or where
        reason = error.strerror or str(error)
        fix = os_error_fix(error.errno)
        unchanged = f"; {where} was left as it was" if doing == "write" else ""
        raise CodegenError(
            f"cannot {doing} {path}: {reason}{unchanged}", hint=fix
        ) from error


def is_executable(path: Path) -> bool:
    return bool(os.lstat(path).st_mode & EXECUTABLE_BITS)

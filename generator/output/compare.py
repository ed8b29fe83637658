"""Compare a generated tree with the folder on disk, byte for byte and mode for mode."""

from __future__ import annotations

import difflib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Mapping

from .manifest import ManifestInfo, build_manifest, read_manifest
from .tree import (
    EXECUTABLE_BITS,
    MANIFEST_NAME,
    Tree,
    is_executable,
    os_errors,
    read_disk,
    scan,
    validate_relative_path,
)

NOT_REPORTED_DIRS = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache"})
"""Tool caches inside the output folder: carried over like user files, never reported."""

DifferenceKind = Literal["changed", "mode", "missing", "stale", "unowned", "manifest"]


# --- check -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One way the tree on disk differs from what would be generated.

    ``changed`` (with a unified diff), ``mode`` (an executable bit that generated files never
    have), ``missing``, ``stale`` (owned but no longer produced) and ``manifest`` fail a check;
    ``unowned`` (a user's file, left alone) is only reported.
    """

    kind: DifferenceKind
    path: str
    diff: str = ""

    @property
    def fails_check(self) -> bool:
        """Whether ``codegen check`` should fail because of this difference."""
        return self.kind != "unowned"


def compare_tree(
    out_dir: Path, files: Mapping[str, bytes], manifest_info: ManifestInfo | None = None
) -> list[Difference]:
    """Compare ``files`` byte for byte with ``out_dir``, sorted by path.

    With ``manifest_info``, the manifest on disk must also be the one a write would produce.
    """
    for rel in files:
        validate_relative_path(rel)
    with os_errors(out_dir, "read"):
        manifest = read_manifest(out_dir)
        owned = frozenset() if manifest is None else frozenset(manifest.owned())
        tree = scan(out_dir)
        found = [
            item
            for rel in files
            for item in _compare_found(out_dir, rel, files[rel], tree)
        ]
        found += [Difference("stale", rel) for rel in (owned & tree.files) - set(files)]
        found += [Difference("unowned", rel) for rel in _unowned(tree, owned, files)]
        if manifest_info is not None:
            found += _compare_manifest(out_dir, files, manifest_info)
    return sorted(found, key=_difference_order)


def _difference_order(item: Difference) -> tuple[str, str]:
    return (item.path, item.kind)


def _compare_found(
    out_dir: Path, rel: str, expected: bytes, tree: Tree
) -> list[Difference]:
    """Compare one file, with one ``lstat`` and one read when the scan found it.

    A regular file the scan found lies inside the folder (the scan never follows a symlinked
    folder), so it needs no symlink resolution; anything else takes ``_compare_file``.
    """
    if rel not in tree.files:
        return _compare_file(out_dir, rel, expected)
    path = out_dir / rel
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        return _compare_file(out_dir, rel, expected)
    with open(path, "rb") as handle:
        actual = handle.read()
    found = []
    if actual != expected:
        found.append(Difference("changed", rel, unified_diff(rel, actual, expected)))
    if info.st_mode & EXECUTABLE_BITS:
        found.append(_mode_difference(rel, info.st_mode))
    return found


def _compare_file(out_dir: Path, rel: str, expected: bytes) -> list[Difference]:
    path = out_dir / rel
    if not path.exists() and not path.is_symlink():
        return [Difference("missing", rel)]
    actual = read_disk(out_dir, rel)
    if actual is None:
        return [Difference("changed", rel, f"{rel}: on disk is not a regular file\n")]
    found = []
    if actual != expected:
        found.append(Difference("changed", rel, unified_diff(rel, actual, expected)))
    if is_executable(path):
        found.append(_mode_difference(rel, os.lstat(path).st_mode))
    return found


def _mode_difference(rel: str, st_mode: int) -> Difference:
    mode = stat.S_IMODE(st_mode)
    return Difference(
        "mode",
        rel,
        f"{rel}: mode {mode:o} on disk, but generated files are not executable\n",
    )


def _unowned(
    tree: Tree, owned: frozenset[str], files: Mapping[str, bytes]
) -> list[str]:
    return [
        rel
        for rel in tree.files - owned - set(files)
        if not NOT_REPORTED_DIRS.intersection(rel.split("/")[:-1])
    ]


def _compare_manifest(
    out_dir: Path, files: Mapping[str, bytes], info: ManifestInfo
) -> list[Difference]:
    expected = build_manifest(files, info).to_bytes()
    actual = read_disk(out_dir, MANIFEST_NAME)
    if actual == expected:
        return []
    if actual is None:
        return [Difference("manifest", MANIFEST_NAME, f"{MANIFEST_NAME} is missing\n")]
    return [
        Difference(
            "manifest", MANIFEST_NAME, unified_diff(MANIFEST_NAME, actual, expected)
        )
    ]


def unified_diff(rel: str, old: bytes, new: bytes) -> str:
    """A git-style text diff from the bytes on disk (``a/``) to the generated bytes (``b/``)."""
    old_lines = old.decode("utf-8", "replace").splitlines(keepends=True)
    new_lines = new.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(old_lines, new_lines, f"a/{rel}", f"b/{rel}")
    text = "".join(_terminated(line) for line in lines)
    return (
        text or f"Files a/{rel} and b/{rel} differ in bytes that are not valid UTF-8\n"
    )


def diff_stat(diff: str) -> tuple[int, int]:
    """Lines added and removed by a diff that ``unified_diff`` made."""
    lines = [line for line in diff.splitlines() if not line.startswith(("+++", "---"))]
    added = sum(1 for line in lines if line.startswith("+"))
    return added, sum(1 for line in lines if line.startswith("-"))


def _terminated(line: str) -> str:
    if line.endswith("\n"):
        return line
    return line + "\n\\ No newline at end of file\n"

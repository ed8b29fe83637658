"""The write/check stage: swap a generated tree into place atomically, or diff it against disk.

The output folder holds a manifest (``.codegen-manifest.json``, written last) that says which
files codegen owns. Owned files that are no longer produced are removed; anything else found in
the folder belongs to the user and is carried over untouched (hard-linked, with the modes and
owners of its folders kept). A non-empty folder without a manifest is not taken over unless the
caller forces it: it is somebody else's folder.

A write builds the whole new tree in a sibling temporary folder, then renames the old folder
aside, renames the new one in and deletes the old one. Until the first rename the previous output
is untouched; a run interrupted between the two renames is repaired by the next run, and
``check`` reports it meanwhile. Every OS error on the way is a ``CodegenError`` naming the path
and what to do about it.

The manifest only says what codegen owns. It never decides whether a file is up to date: ``check``
compares bytes with what the generator produces now.

One module a job: ``tree`` (paths, scans, OS errors), ``manifest``, ``write`` (the swap) and
``compare`` (what ``check`` reports).
"""

from .compare import (
    NOT_REPORTED_DIRS,
    Difference,
    DifferenceKind,
    compare_tree,
    diff_stat,
    unified_diff,
)
from .manifest import (
    MANIFEST_FORMAT,
    Manifest,
    ManifestEntry,
    ManifestInfo,
    build_manifest,
    read_manifest,
)
from .tree import EXECUTABLE_BITS, MANIFEST_NAME, os_errors, validate_relative_path
from .write import (
    WriteResult,
    check_writable,
    interrupted_write,
    recover,
    write_tree,
)

__all__ = [
    "EXECUTABLE_BITS",
    "MANIFEST_FORMAT",
    "MANIFEST_NAME",
    "NOT_REPORTED_DIRS",
    "Difference",
    "DifferenceKind",
    "Manifest",
    "ManifestEntry",
    "ManifestInfo",
    "WriteResult",
    "build_manifest",
    "check_writable",
    "compare_tree",
    "diff_stat",
    "interrupted_write",
    "os_errors",
    "read_manifest",
    "recover",
    "unified_diff",
    "validate_relative_path",
    "write_tree",
]

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
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import functools
import hashlib
import json
import os
import posixpath
import secrets
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Literal, Mapping

from . import __version__
from .errors import CodegenError

MANIFEST_NAME = ".codegen-manifest.json"
MANIFEST_FORMAT = 1
NOT_REPORTED_DIRS = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache"})
"""Tool caches inside the output folder: carried over like user files, never reported."""

_NEW_TAG = "codegen-new"
_OLD_TAG = "codegen-old"

DifferenceKind = Literal["changed", "mode", "missing", "stale", "unowned", "manifest"]
#: The executable bits: generated files never have them (git records only these mode bits).
EXECUTABLE_BITS = stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH


# --- the manifest ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ManifestEntry:
    """One owned file: its path and the sha256 of its bytes."""

    path: str
    sha256: str


@dataclass(frozen=True)
class ManifestInfo:
    """What the caller knows about a run, recorded in the manifest next to the file hashes."""

    spec_sha256: str
    black_version: str
    generator_version: str = __version__


@dataclass(frozen=True)
class Manifest:
    """The parsed ``.codegen-manifest.json``; ``files`` is sorted by path."""

    generator_version: str
    black_version: str
    spec_sha256: str
    files: tuple[ManifestEntry, ...]

    def entry(self, rel: str) -> ManifestEntry | None:
        """The entry for ``rel``, if codegen owns that file."""
        return self._by_path.get(rel)

    def owned(self) -> dict[str, ManifestEntry]:
        """Owned files by relative path."""
        return dict(self._by_path)

    @functools.cached_property
    def _by_path(self) -> dict[str, ManifestEntry]:
        return {item.path: item for item in self.files}

    def to_bytes(self) -> bytes:
        """Deterministic JSON: sorted keys, indent 2, trailing newline."""
        document = {
            "format": MANIFEST_FORMAT,
            "generator_version": self.generator_version,
            "black_version": self.black_version,
            "spec_sha256": self.spec_sha256,
            "files": [_entry_json(item) for item in self.files],
        }
        return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _entry_json(item: ManifestEntry) -> dict[str, str]:
    return {"path": item.path, "sha256": item.sha256}


def build_manifest(files: Mapping[str, bytes], info: ManifestInfo) -> Manifest:
    """The manifest describing ``files`` as produced by the run ``info`` describes."""
    entries = tuple(ManifestEntry(rel, _sha256(files[rel])) for rel in sorted(files))
    return Manifest(
        info.generator_version, info.black_version, info.spec_sha256, entries
    )


def read_manifest(out_dir: Path) -> Manifest | None:
    """The manifest in ``out_dir``; ``None`` when there is none, ``CodegenError`` when corrupt."""
    path = out_dir / MANIFEST_NAME
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise CodegenError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return _parse_manifest(json.loads(raw))
    except (ValueError, KeyError, TypeError) as exc:
        raise CodegenError(
            f"{path} is corrupt ({exc}), so codegen cannot tell which files it owns",
            hint="delete the manifest and run again; files it would overwrite are then refused "
            "unless their bytes already match",
        ) from exc


def _parse_manifest(data: Any) -> Manifest:
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise ValueError(f"expected a format {MANIFEST_FORMAT} manifest object")
    entries = []
    for item in data["files"]:
        entries.append(ManifestEntry(_text(item["path"]), _text(item["sha256"])))
        validate_relative_path(entries[-1].path)
    return Manifest(
        generator_version=_text(data["generator_version"]),
        black_version=_text(data["black_version"]),
        spec_sha256=_text(data["spec_sha256"]),
        files=tuple(sorted(entries, key=lambda item: item.path)),
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


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


def _check_inside(out_dir: Path, rel: str) -> None:
    if not _is_inside(out_dir, rel):
        raise CodegenError(
            f"refusing to write {rel!r}: a symlink in {out_dir} leads it outside the folder",
            hint="remove the symlink from the output folder",
        )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class _Tree:
    """What is on disk, as relative POSIX paths: files and symlinks, folders, empty folders.

    ``dirs`` holds every real folder, the output folder itself as ``""``.
    """

    files: frozenset[str]
    dirs: frozenset[str]
    empty_dirs: frozenset[str]


def _scan(out_dir: Path) -> _Tree:
    files: set[str] = set()
    folders: set[str] = set()
    empty: set[str] = set()
    if not out_dir.is_dir():
        return _Tree(frozenset(), frozenset(), frozenset())
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
    return _Tree(frozenset(files), frozenset(folders), frozenset(empty))


def _raise(error: OSError) -> None:
    """``os.walk`` skips unreadable folders by default; a write or check must not."""
    raise error


def _read_disk(out_dir: Path, rel: str) -> bytes | None:
    path = out_dir / rel
    if path.is_symlink() or not path.is_file() or not _is_inside(out_dir, rel):
        return None
    return path.read_bytes()


# --- OS errors -------------------------------------------------------------------------------

_OS_ERROR_FIXES = {
    errno.ENOSPC: "free space on that disk, then run again",
    errno.EDQUOT: "free space within your disk quota, then run again",
    errno.EROFS: "the file system is read-only: choose a writable --output",
    errno.EACCES: "fix the permissions of that path, or choose another --output",
    errno.EPERM: "fix the permissions of that path, or choose another --output",
    errno.EBUSY: "the folder is in use or a mount point: use a folder inside it as --output",
    errno.ENAMETOOLONG: "a name is too long for this file system: "
    "choose a shorter --output or --package",
    errno.ELOOP: "a symlink loop is in the way: remove it",
    errno.ENOTDIR: "a file stands where a folder must be: move it, or choose another --output",
}


@contextlib.contextmanager
def os_errors(where: Path, doing: str) -> Iterator[None]:
    """Turn an ``OSError`` into a ``CodegenError`` that names the path and how to fix it."""
    try:
        yield
    except OSError as error:
        path = error.filename or where
        reason = error.strerror or str(error)
        fix = _OS_ERROR_FIXES.get(error.errno or 0, "fix the cause, then run again")
        unchanged = f"; {where} was left as it was" if doing == "write" else ""
        raise CodegenError(
            f"cannot {doing} {path}: {reason}{unchanged}", hint=fix
        ) from error


# --- write -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WriteResult:
    """What a write did, by relative path (each tuple sorted)."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    kept: tuple[str, ...]


def check_writable(out_dir: Path, *, force: bool = False) -> None:
    """Refuse an output folder that codegen must not replace, before any work is done.

    That is a file, a mount point (the swap renames the folder, which a mount point does not
    allow), or a non-empty folder without a manifest: somebody else's folder, which only
    ``force`` takes over (its files are then kept as the user's).
    """
    out_dir = Path(os.path.realpath(out_dir))
    with os_errors(out_dir, "write"):
        if not out_dir.exists():
            return
        if not out_dir.is_dir():
            raise CodegenError(
                f"output folder {out_dir} exists and is not a folder",
                hint="choose another --output, or move the file away",
            )
        if os.path.ismount(out_dir):
            raise CodegenError(
                f"output folder {out_dir} is a mount point, which codegen cannot replace "
                "in one rename",
                hint=f"use a folder inside it, e.g. --output {out_dir / 'generated'}",
            )
        if force or read_manifest(out_dir) is not None:
            return
        if any(os.scandir(out_dir)):
            raise CodegenError(
                f"output folder {out_dir} is not empty and has no {MANIFEST_NAME}, so it "
                "was not written by codegen; refusing to take it over",
                hint="choose an empty or new --output, or pass --force to generate into "
                "it anyway (its files are kept as they are)",
            )


def write_tree(
    out_dir: Path,
    files: Mapping[str, bytes],
    manifest_info: ManifestInfo,
    *,
    force: bool = False,
) -> WriteResult:
    """Replace the owned files in ``out_dir`` with ``files`` in one swap, keeping user files."""
    out_dir = Path(os.path.realpath(out_dir))
    with os_errors(out_dir, "write"):
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        recover(out_dir)
        check_writable(out_dir, force=force)
        for rel in files:
            validate_relative_path(rel)
            _check_inside(out_dir, rel)
        owned = _owned_paths(out_dir)
        tree = _scan(out_dir)
        user_files = sorted(tree.files - owned)
        _refuse_conflicts(out_dir, files, user_files, tree.empty_dirs)
        result = _plan(out_dir, files, owned, tree, user_files)
        staging = _make_sibling(out_dir, _NEW_TAG)
        try:
            _populate(
                staging, out_dir, files, manifest_info, user_files, tree.empty_dirs
            )
            _keep_folder_attributes(out_dir, staging, tree.dirs)
            _swap_in(staging, out_dir)
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            if error.filename:  # name the path the user knows, not the staging folder's
                error.filename = str(error.filename).replace(
                    str(staging), str(out_dir), 1
                )
            raise
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return result


def _owned_paths(out_dir: Path) -> frozenset[str]:
    manifest = read_manifest(out_dir)
    return frozenset() if manifest is None else frozenset(manifest.owned())


def _refuse_conflicts(
    out_dir: Path,
    files: Mapping[str, bytes],
    user_files: list[str],
    empty_dirs: frozenset[str],
) -> None:
    """Never overwrite or shadow a user's file or folder, unless it already holds our bytes."""
    produced_dirs = {d for rel in files for d in _ancestors(posixpath.dirname(rel))}
    for rel in user_files:
        if rel in files and _read_disk(out_dir, rel) == files[rel]:
            continue
        if rel in produced_dirs or any(d in files for d in _ancestors(rel)):
            raise _in_the_way(out_dir, rel)
    for rel in empty_dirs:
        if any(d in files for d in _ancestors(rel)):
            raise _in_the_way(out_dir, rel)


def _in_the_way(out_dir: Path, rel: str) -> CodegenError:
    return CodegenError(
        f"{out_dir / rel} is not owned by codegen (not in {MANIFEST_NAME}) "
        "but is in the way of a generated file",
        hint="move or delete it, then run again",
    )


def _ancestors(rel: str) -> Iterator[str]:
    """``a/b/c`` gives ``a/b/c``, ``a/b`` and ``a``; ``""`` gives nothing."""
    while rel:
        yield rel
        rel = posixpath.dirname(rel)


def _plan(
    out_dir: Path,
    files: Mapping[str, bytes],
    owned: frozenset[str],
    tree: _Tree,
    user_files: list[str],
) -> WriteResult:
    added, changed, unchanged = [], [], []
    for rel in sorted(files):
        if rel not in tree.files:
            added.append(rel)
        elif _read_disk(out_dir, rel) == files[rel] and not _is_executable(
            out_dir / rel
        ):
            unchanged.append(rel)
        else:
            changed.append(rel)
    removed = sorted((owned & tree.files) - set(files))
    kept = [rel for rel in user_files if rel not in files]
    return WriteResult(
        tuple(added), tuple(changed), tuple(unchanged), tuple(removed), tuple(kept)
    )


def _populate(
    staging: Path,
    out_dir: Path,
    files: Mapping[str, bytes],
    info: ManifestInfo,
    user_files: list[str],
    empty_dirs: frozenset[str],
) -> None:
    """Fill the staging folder: generated files, the user's files, then the manifest."""
    for rel in sorted(files):
        _write_file(staging / rel, files[rel])
    for rel in user_files:
        if rel not in files:
            _carry_over(out_dir / rel, staging / rel)
    for rel in sorted(empty_dirs):
        (staging / rel).mkdir(parents=True, exist_ok=True)
    _write_file(staging / MANIFEST_NAME, build_manifest(files, info).to_bytes())


def _write_file(path: Path, data: bytes) -> None:
    """A new, non-executable file (its mode otherwise follows the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as handle:
        handle.write(data)


def _carry_over(source: Path, target: Path) -> None:
    """Hard-link (the same file: mode, owner and times stay) or copy a user's file.

    Symlinks stay symlinks.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
        _keep_owner(source, target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
        _keep_owner(source, target)


def _keep_folder_attributes(out_dir: Path, staging: Path, dirs: frozenset[str]) -> None:
    """Give each folder that existed before the swap its old mode and owner.

    Deepest first and after every write, so that a read-only folder is made read-only only
    once nothing more goes into it.
    """
    for rel in sorted(dirs, key=lambda rel: (-rel.count("/"), rel)):
        target = staging / rel if rel else staging
        if target.is_dir() and not target.is_symlink():
            source = out_dir / rel if rel else out_dir
            _keep_owner(source, target)
            os.chmod(target, stat.S_IMODE(os.lstat(source).st_mode))


def _keep_owner(source: Path, target: Path) -> None:
    """Copy the owner and group when they differ; only root may give a file away."""
    info, current = os.lstat(source), os.lstat(target)
    if (info.st_uid, info.st_gid) == (current.st_uid, current.st_gid):
        return
    try:
        os.chown(target, info.st_uid, info.st_gid, follow_symlinks=False)
    except PermissionError:
        pass  # not root: the new copy stays ours, as with any tool that rewrites a file


def _make_sibling(out_dir: Path, tag: str) -> Path:
    """A fresh folder next to ``out_dir`` (same filesystem, so renames are atomic)."""
    path = out_dir.with_name(
        f".{out_dir.name}.{tag}-{os.getpid()}-{secrets.token_hex(4)}"
    )
    path.mkdir()
    return path


def _swap_in(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    aside = out_dir.with_name(
        f".{out_dir.name}.{_OLD_TAG}-{os.getpid()}-{secrets.token_hex(4)}"
    )
    os.rename(out_dir, aside)
    try:
        os.rename(staging, out_dir)
    except BaseException:
        os.rename(aside, out_dir)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def recover(out_dir: Path) -> None:
    """Repair what an interrupted write left next to ``out_dir``.

    A folder set aside while the output folder is missing is the previous output: it is put
    back. Other leftovers (half-built staging folders, old folders already replaced) are deleted.
    Leftovers of a codegen process that is still running are left to it.
    """
    out_dir = Path(os.path.realpath(out_dir))
    aside = _leftovers(out_dir, _OLD_TAG)
    previous = interrupted_write(out_dir)
    if previous is not None:
        os.rename(previous, out_dir)
        aside.remove(previous)
    for path in [*aside, *_leftovers(out_dir, _NEW_TAG)]:
        shutil.rmtree(path, ignore_errors=True)


def interrupted_write(out_dir: Path) -> Path | None:
    """The previous output, set aside by a write that died before putting the new one in.

    ``None`` when the output folder is there (or nothing was set aside).
    """
    out_dir = Path(os.path.realpath(out_dir))
    if out_dir.exists():
        return None
    aside = _leftovers(out_dir, _OLD_TAG)
    return max(aside, key=lambda path: path.stat().st_mtime) if aside else None


def _leftovers(out_dir: Path, tag: str) -> list[Path]:
    parent = out_dir.parent
    if not parent.is_dir():
        return []
    return sorted(
        path
        for path in parent.glob(f".{out_dir.name}.{tag}-*")
        if path.is_dir() and not _owner_is_running(path, tag)
    )


def _owner_is_running(path: Path, tag: str) -> bool:
    """Whether the leftover belongs to another codegen process that is still at work."""
    pid_text = path.name.rsplit(f".{tag}-", 1)[-1].split("-", 1)[0]
    if not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, and somebody else's
    return True


def _is_executable(path: Path) -> bool:
    return bool(os.lstat(path).st_mode & EXECUTABLE_BITS)


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
        tree = _scan(out_dir)
        found = [
            item for rel in files for item in _compare_file(out_dir, rel, files[rel])
        ]
        found += [Difference("stale", rel) for rel in (owned & tree.files) - set(files)]
        found += [Difference("unowned", rel) for rel in _unowned(tree, owned, files)]
        if manifest_info is not None:
            found += _compare_manifest(out_dir, files, manifest_info)
    return sorted(found, key=_difference_order)


def _difference_order(item: Difference) -> tuple[str, str]:
    return (item.path, item.kind)


def _compare_file(out_dir: Path, rel: str, expected: bytes) -> list[Difference]:
    path = out_dir / rel
    if not path.exists() and not path.is_symlink():
        return [Difference("missing", rel)]
    actual = _read_disk(out_dir, rel)
    if actual is None:
        return [Difference("changed", rel, f"{rel}: on disk is not a regular file\n")]
    found = []
    if actual != expected:
        found.append(Difference("changed", rel, unified_diff(rel, actual, expected)))
    if _is_executable(path):
        mode = stat.S_IMODE(os.lstat(path).st_mode)
        found.append(
            Difference(
                "mode",
                rel,
                f"{rel}: mode {mode:o} on disk, but generated files are not executable\n",
            )
        )
    return found


def _unowned(
    tree: _Tree, owned: frozenset[str], files: Mapping[str, bytes]
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
    actual = _read_disk(out_dir, MANIFEST_NAME)
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

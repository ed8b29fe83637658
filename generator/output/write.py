"""Write a generated tree: one swap of the whole folder, the user's files kept, interrupted
swaps repaired."""

from __future__ import annotations

import os
import posixpath
import secrets
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from ..errors import CodegenError
from .manifest import ManifestInfo, build_manifest, read_manifest
from .tree import (
    MANIFEST_NAME,
    Tree,
    check_inside,
    is_executable,
    os_errors,
    read_disk,
    scan,
    validate_relative_path,
)

_NEW_TAG = "codegen-new"
_OLD_TAG = "codegen-old"


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
            check_inside(out_dir, rel)
        owned = _owned_paths(out_dir)
        tree = scan(out_dir)
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
        if rel in files and read_disk(out_dir, rel) == files[rel]:
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
    tree: Tree,
    user_files: list[str],
) -> WriteResult:
    added, changed, unchanged = [], [], []
    for rel in sorted(files):
        if rel not in tree.files:
            added.append(rel)
        elif read_disk(out_dir, rel) == files[rel] and not is_executable(out_dir / rel):
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

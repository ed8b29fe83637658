"""Work remembered outside the repository, so that ``check`` and ``generate`` are fast.

Four things are cached, each keyed by content: whole builds (``BuildCache``: every file a
build made, by a key of everything it read: the spec, the pinned fixtures, the settings, ...;
see ``pipeline.build_key``), black's output for
each top-level chunk of a module (``FormatCache``: a sha256 of the black version, codegen's
formatting mode and the sha256 of the chunk black is given), the JSON form of a YAML spec
(``spec_json_folder``: the sha256 of the YAML file; written by ``generator.spec``) and Jinja's
compiled templates (``template_code_folder``: the template's file and the sha1 of its source;
written by ``generator.render``). All live in the user's cache folder (``CODEGEN_CACHE_DIR``,
else the platform's user cache folder, e.g. ``~/.cache/codegen``), never in the project: anything
committed in the repository is written by the same change that ``check`` is asked to judge, so
the repository may not decide what black "would have" produced or what the pinned spec says.
A cache folder that lies inside the project is therefore not used (``trusted_folder``).

Entries are written atomically (a temporary file, then a rename), so an interrupted run leaves
no half-written entry; a format entry also carries the sha256 of its bytes, checked on every
read, so a damaged one is a miss. The format store, the one that grows with use, is kept under
``CODEGEN_CACHE_MAX_MB`` megabytes (256 by default) by removing its least recently used
entries, after a run that wrote to it. The cache only ever saves time: an unreadable or
unwritable cache is the same as an empty one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple, Optional, Union

from .errors import CodegenError

CACHE_ENV = "CODEGEN_CACHE_DIR"
#: Bumped when the meaning of an entry changes, so that old entries are never read.
CACHE_FORMAT = "1"


def default_folder() -> Path:
    """``$CODEGEN_CACHE_DIR``, else the platform's user cache folder for codegen."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    import platformdirs  # black's own dependency, for the same job

    return Path(platformdirs.user_cache_dir("codegen", appauthor=False))


def is_inside(folder: Path, root: Path) -> bool:
    """Whether ``folder`` is ``root`` or lies below it, once symlinks are followed."""
    resolved, top = Path(os.path.realpath(folder)), Path(os.path.realpath(root))
    return resolved == top or top in resolved.parents


def trusted_folder(*project: Path) -> tuple[Optional[Path], Optional[str]]:
    """The cache folder, or ``None`` and why not when it lies inside one of ``project``'s folders.

    A cache inside the project could be written by a commit, and so decide a ``check``.
    """
    folder = default_folder()
    for root in project:
        if is_inside(folder, root):
            return None, (
                f"the cache folder {folder} is inside {root}, where a commit could write it; "
                f"running without it (set {CACHE_ENV} to a folder outside the project)"
            )
    return folder, None


def spec_json_folder(folder: Path) -> Path:
    """Where ``generator.spec`` keeps the JSON forms of YAML specs inside the cache folder."""
    return folder / f"spec-json-v{CACHE_FORMAT}"


def template_code_folder(folder: Path) -> Path:
    """Where ``generator.render`` keeps Jinja's compiled templates inside the cache folder."""
    return folder / f"templates-v{CACHE_FORMAT}"


FORMAT_LAYOUT = "2"
"""The format store's own layout: 2 keeps a sha256 of each entry's bytes in front of them
(entries of layout 1 had none and are removed by the first prune)."""
MAX_MB_ENV = "CODEGEN_CACHE_MAX_MB"
DEFAULT_MAX_MB = 256
#: A pruned store is brought down to this share of its cap, so the next runs need not prune.
PRUNE_TO = 0.8
#: A hit refreshes its entry's age at most this often (one metadata write, not one per run).
TOUCH_SECONDS = 3600.0
#: Without pruning for this long, the store is measured again (the running estimate may drift).
RESCAN_SECONDS = 86400.0
#: A temporary file older than this was left by a killed run (a live one renames it in ms).
STALE_TEMPORARY_SECONDS = 3600.0
DIGEST_SIZE = 64  # hex digits of a sha256


def max_bytes() -> int:
    """The format store's size cap: ``$CODEGEN_CACHE_MAX_MB`` megabytes, else 256."""
    configured = os.environ.get(MAX_MB_ENV, "").strip()
    if not configured:
        return DEFAULT_MAX_MB * 1024 * 1024
    try:
        megabytes = float(configured)
    except ValueError:
        megabytes = -1.0
    if not megabytes >= 0:  # also refuses nan
        raise CodegenError(
            f"{MAX_MB_ENV}={configured!r} is not a size in megabytes",
            hint=f"set it to a number such as {DEFAULT_MAX_MB}, or unset it",
        )
    return int(megabytes * 1024 * 1024)


def sealed(body: bytes) -> bytes:
    """An entry: the sha256 of ``body`` in hex, a newline, then ``body``."""
    return b"".join(sealed_parts([body]))


def sealed_parts(parts: Sequence[bytes]) -> list[bytes]:
    """``sealed(b"".join(parts))`` as the parts it is made of, without joining them: a whole
    build's entry is tens of megabytes, and each copy of it would count in the peak memory.
    """
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return [digest.hexdigest().encode("ascii"), b"\n", *parts]


def unsealed(entry: bytes) -> Optional[bytes]:
    """The body of an entry, or ``None`` when it is truncated or damaged."""
    digest, body = entry[:DIGEST_SIZE], entry[DIGEST_SIZE + 1 :]
    if entry[DIGEST_SIZE : DIGEST_SIZE + 1] != b"\n":
        return None
    if hashlib.sha256(body).hexdigest().encode("ascii") != digest:
        return None
    return body


class FormatCache:
    """A content-addressed store of black's output, for one black version and mode.

    Entries are keyed by what black was given (a top-level chunk of a module, see
    ``generator.format.split_at_classes``) and hold black's output sealed with its own
    sha256: an entry that was truncated or damaged on disk is a miss, never output.

    The store is bounded (``max_bytes``): a run that wrote entries adds their size to an
    estimate kept in the store, and only when that estimate passes the cap (or was last
    measured a day ago) is the store measured and its least recently used entries removed.
    A run that only read never lists the store. Use is recorded cheaply: a hit refreshes its
    entry's modification time when that is over an hour old.

    Several processes may share the store: an entry appears by an atomic rename, so a reader
    sees all of it or nothing; an entry another process removes is a miss (or, once open,
    still read whole); two writers of one key write the same bytes.
    """

    def __init__(self, folder: Path, black_version: str, mode: str) -> None:
        self.folder = folder
        self.black_version = black_version
        self.mode = mode
        self.hits = 0
        self.misses = 0
        self.written_bytes = 0

    @property
    def entries(self) -> Path:
        return self.folder / f"format-v{FORMAT_LAYOUT}"

    def key(self, source_sha256: str) -> str:
        """The entry name for a text: it changes with the black version, the mode or the text."""
        parts = (FORMAT_LAYOUT, self.black_version, self.mode, source_sha256)
        return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.entries / key[:2] / key

    def get(self, source_sha256: str) -> Optional[bytes]:
        """Black's output for the text with this sha256, if a previous run stored it whole."""
        body = read_sealed(self._path(self.key(source_sha256)))
        if body is None:
            self.misses += 1
        else:
            self.hits += 1
        return body

    def put(self, source_sha256: str, formatted: bytes) -> bool:
        """Remember ``formatted`` as black's output for that text; ``False`` if it could not."""
        path = self._path(self.key(source_sha256))
        entry = sealed(formatted)
        if not _write_atomically(path, entry):
            return False
        self.written_bytes += len(entry)
        return True

    def prune_if_needed(self, now: Optional[float] = None) -> bool:
        """After a run that wrote entries: prune when the estimated size passes the cap.

        ``True`` when the store was measured (and pruned if it was over its cap).
        """
        if self.written_bytes == 0:
            return False
        now = time.time() if now is None else now
        cap = max_bytes()
        estimate, measured_at = self._read_usage()
        estimate += self.written_bytes
        self.written_bytes = 0
        if estimate <= cap and now - measured_at < RESCAN_SECONDS:
            self._write_usage(estimate, measured_at)
            return False
        self._write_usage(prune(self.entries, cap, now), now)
        shutil.rmtree(self.folder / "format-v1", ignore_errors=True)  # layout 1
        return True

    def _read_usage(self) -> tuple[int, float]:
        """The estimated size and when it was last measured; zeros when unknown."""
        try:
            size, measured_at = (self.entries / USAGE).read_text("ascii").split()
            return int(size), float(measured_at)
        except (OSError, ValueError):
            return 0, 0.0

    def _write_usage(self, size: int, measured_at: float) -> None:
        _write_atomically(self.entries / USAGE, f"{size} {measured_at}\n".encode())


USAGE = "usage"  # the estimate, in the store's folder (entries are in its sub-folders)


def prune(entries: Path, cap: int, now: float) -> int:
    """Remove least recently used entries until the store holds at most ``PRUNE_TO`` of
    ``cap`` (only when it holds more than ``cap``), and temporary files left by killed runs.

    Returns the bytes left. Entries that vanish meanwhile (another run pruned them) are
    skipped; one that another run is reading stays readable to it until it closes it.
    """
    found: list[tuple[float, int, str]] = []
    for folder in [str(entries), *_subfolders(entries)]:
        try:
            listing = list(os.scandir(folder))
        except OSError:
            continue
        for item in listing:
            try:
                status = item.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(status.st_mode) or item.name == USAGE:
                continue
            if item.name.startswith(".tmp-"):
                if now - status.st_mtime > STALE_TEMPORARY_SECONDS:
                    _remove(item.path)
                continue
            found.append((status.st_mtime, status.st_size, item.path))
    total = sum(size for _, size, _ in found)
    if total <= cap:
        return total
    goal = int(cap * PRUNE_TO)
    for _, size, path in sorted(found):  # oldest first
        if total <= goal:
            break
        _remove(path)
        total -= size
    return total


def _subfolders(entries: Path) -> list[str]:
    try:
        return [item.path for item in os.scandir(entries) if item.is_dir()]
    except OSError:
        return []


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def read_sealed(path: Path) -> Optional[bytes]:
    """The body of the entry at ``path``, marked as used; ``None`` when it is missing,
    unreadable, truncated or damaged."""
    try:
        with open(path, "rb") as stream:
            entry = stream.read()
            _refresh_age(stream.fileno())
    except OSError:
        return None
    return unsealed(entry)


def _refresh_age(descriptor: int) -> None:
    """Mark an entry as used now, when its recorded use is over ``TOUCH_SECONDS`` old."""
    try:
        if time.time() - os.fstat(descriptor).st_mtime > TOUCH_SECONDS:
            os.utime(descriptor)
    except (
        OSError,
        NotImplementedError,
    ):  # fd-based utime is missing on some platforms
        pass


def _write_atomically(path: Path, data: Union[bytes, Sequence[bytes]]) -> bool:
    """Write ``data`` (bytes, or parts written one after the other) to ``path`` by a
    rename, so no reader sees part of it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.writelines([data] if isinstance(data, bytes) else data)
        os.replace(temporary, path)
    except OSError:
        _remove(temporary)
        return False
    return True


# --- whole builds -------------------------------------------------------------------------------

#: How many builds the build store keeps (the most recently used): a project's own, its
#: ``--all`` tree, and a few left by recent changes to the spec, the settings or codegen.
BUILDS_KEPT = 8


class BuildCache:
    """Every file of a build, kept by a key of everything the build reads (``build_key``).

    A ``check`` or ``generate`` on inputs built before takes the files from here instead of
    lowering, rendering and formatting again: the same spec, settings, templates, codegen
    source and installed packages gave these bytes. An entry is sealed like a format entry
    (a damaged one is a miss), and the store keeps the ``BUILDS_KEPT`` most recently used.
    """

    def __init__(self, folder: Path) -> None:
        self.entries = folder / f"builds-v{CACHE_FORMAT}"

    def get(self, key: str) -> Optional[StoredBuild]:
        """The build with this key, if an earlier run stored it intact."""
        body = read_sealed(self.entries / key)
        return None if body is None else _unpacked(body)

    def put(
        self, key: str, files: Mapping[str, bytes], notes: Sequence[str] = ()
    ) -> bool:
        """Keep ``files`` and the build's ``notes`` for the user as the build with this key,
        then forget the least recently used builds beyond ``BUILDS_KEPT``; ``False`` if they
        could not be kept."""
        kept = _write_atomically(
            self.entries / key, sealed_parts(_packed(files, notes))
        )
        if kept:
            self._forget_old()
        return kept

    def _forget_old(self) -> None:
        try:
            found = [entry for entry in os.scandir(self.entries) if entry.is_file()]
            ages = {entry.path: entry.stat().st_mtime for entry in found}
        except OSError:
            return
        newest_first = sorted(ages, key=lambda path: -ages[path])
        for path in newest_first[BUILDS_KEPT:]:
            _remove(path)


class StoredBuild(NamedTuple):
    """A build read back from the store: its files, and its notes for the user."""

    files: dict[str, bytes]
    notes: tuple[str, ...]


def _packed(files: Mapping[str, bytes], notes: Sequence[str]) -> list[bytes]:
    """The parts of a build's body: an index line (JSON: each path and its length, in
    order), a line of the notes (JSON), then the files' bytes."""
    names = sorted(files)
    index = json.dumps([[name, len(files[name])] for name in names]).encode("utf-8")
    told = json.dumps(list(notes)).encode("utf-8")
    return [index, b"\n", told, b"\n", *(files[name] for name in names)]


def _unpacked(body: bytes) -> Optional[StoredBuild]:
    lines = body.split(b"\n", 2)
    if len(lines) != 3:
        return None
    try:
        index, notes = json.loads(lines[0]), json.loads(lines[1])
    except ValueError:
        return None
    if not isinstance(index, list) or not isinstance(notes, list):
        return None
    if not all(isinstance(note, str) for note in notes):
        return None
    files: dict[str, bytes] = {}
    offset = len(body) - len(lines[2])
    for item in index:
        if not (isinstance(item, list) and len(item) == 2):
            return None
        name, size = item
        if not isinstance(name, str) or not isinstance(size, int) or size < 0:
            return None
        files[name] = body[offset : offset + size]
        offset += size
    return StoredBuild(files, tuple(notes)) if offset == len(body) else None


def folder_fingerprint(folder: Path) -> str:
    """The sha256 of every file below ``folder`` (relative path and bytes), bytecode caches
    left out: what a build key records of codegen's source and of a templates folder."""
    digest = hashlib.sha256()
    for path in sorted(_files_below(folder)):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _files_below(folder: Path) -> list[Path]:
    found: list[Path] = []
    for top, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if name != "__pycache__"]
        found += [Path(top) / name for name in names if not name.endswith(".pyc")]
    return found


def installed_distributions() -> list[str]:
    """The name and version of every package installed where Python imports from (the
    ``.dist-info`` folders on ``sys.path``): a build key changes with any of them."""
    found: set[str] = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found.update(n for n in names if n.endswith((".dist-info", ".egg-info")))
    return sorted(found)

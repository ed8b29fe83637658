"""The pin (``*.lock.json``: upstream files and their checksums) and fetching what it pins."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any


from ..errors import CodegenError, json_pointer
from .limits import MAX_DOCUMENT_BYTES, read_bytes

CACHE_DIR_NAME = "cache"
PIN_SUFFIX = ".lock.json"
DOWNLOAD_TIMEOUT_SECONDS = 60.0

_FROM_HINT = (
    "pass --from with a local copy: a folder holding the pinned files by their upstream names "
    "(e.g. ../shared/stripe-openapi) or the spec file itself"
)


# --- the pin ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PinnedFile:
    """One upstream file named by the pin."""

    path: str
    url: str
    sha256: str
    bytes: int

    @property
    def name(self) -> str:
        """The file name used locally: the basename of the upstream path."""
        return PurePosixPath(self.path).name


@dataclass(frozen=True)
class Pin:
    """The contents of ``spec/stripe.lock.json`` plus where it was read from."""

    lock_path: Path
    repository: str
    commit: str
    api_version: str
    spec: PinnedFile
    fixtures: PinnedFile

    @property
    def files(self) -> tuple[PinnedFile, PinnedFile]:
        """The spec and the fixtures, in fetch order."""
        return (self.spec, self.fixtures)


def load_pin(path: Path) -> Pin:
    """Read the pin file; a missing or malformed pin is a ``CodegenError``."""
    raw = read_bytes(path, what="pin file")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise CodegenError(
            f"pin file {path} is not valid JSON: {exc}",
            pointer="",
            hint=_restore_hint(path),
        ) from exc
    if not isinstance(data, dict):
        raise CodegenError(
            f"pin file {path} must hold a JSON object",
            pointer="",
            hint=_restore_hint(path),
        )
    fixtures = data.get("fixtures")
    if not isinstance(fixtures, dict):
        raise CodegenError(
            f"pin file {path} has no 'fixtures' object",
            pointer=json_pointer("fixtures"),
            hint=_restore_hint(path),
        )
    return Pin(
        lock_path=path,
        repository=_pin_str(path, data, "repository"),
        commit=_pin_str(path, data, "commit"),
        api_version=_pin_str(path, data, "api_version"),
        spec=_pinned_file(path, data, ()),
        fixtures=_pinned_file(path, fixtures, ("fixtures",)),
    )


def _pinned_file(path: Path, data: dict[str, Any], at: tuple[str, ...]) -> PinnedFile:
    sha256 = _pin_str(path, data, "sha256", at).lower()
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise CodegenError(
            f"pin file {path}: sha256 must be 64 hex digits",
            pointer=json_pointer(*at, "sha256"),
            hint=_restore_hint(path),
        )
    size = data.get("bytes")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise CodegenError(
            f"pin file {path}: 'bytes' must be a non-negative integer",
            pointer=json_pointer(*at, "bytes"),
            hint=_restore_hint(path),
        )
    file_path = _pin_str(path, data, "path", at)
    if not is_plain_path(file_path):
        raise CodegenError(
            f"pin file {path}: bad upstream path {file_path!r}",
            pointer=json_pointer(*at, "path"),
            hint=_restore_hint(path),
        )
    return PinnedFile(
        path=file_path, url=_pin_str(path, data, "url", at), sha256=sha256, bytes=size
    )


def _pin_str(
    path: Path, data: dict[str, Any], key: str, at: tuple[str, ...] = ()
) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise CodegenError(
            f"pin file {path}: '{key}' must be a non-empty string",
            pointer=json_pointer(*at, key),
            hint=_restore_hint(path),
        )
    return value


def _restore_hint(path: Path) -> str:
    return (
        f"restore {path} from version control, or write it again with "
        "`codegen spec pin SOURCE`"
    )


def is_plain_path(path: str) -> bool:
    """Whether an upstream path ends in a file name the cache can use as it is: POSIX, not
    ``.``/``..``, no control characters."""
    name = PurePosixPath(path).name
    return (
        bool(name)
        and name not in (".", "..")
        and "\\" not in path
        and all(c.isprintable() for c in path)
    )


def is_pin_path(path: Path) -> bool:
    """Whether a configured spec setting names a pin file rather than a spec."""
    return path.name.endswith(PIN_SUFFIX)


def spec_digest(configured: Path) -> tuple[Path, str]:
    """The spec file to load (``resolve_spec_path``) and its sha256, checked against the pin
    when ``configured`` is one."""
    path = resolve_spec_path(configured)
    sha256 = hashlib.sha256(
        read_bytes(path, what="spec file", limit=MAX_DOCUMENT_BYTES)
    ).hexdigest()
    if is_pin_path(configured):
        expected = load_pin(configured).spec.sha256
        if sha256 != expected:
            raise CodegenError(
                f"{path} does not match the pin: expected sha256 {expected}, got {sha256}",
                hint="run `codegen spec fetch` again to restore the pinned file",
            )
    return path, sha256


def fixtures_digest(configured: Path) -> tuple[Path, str] | None:
    """The fetched fixtures file (example objects beside the spec) and its sha256, checked
    against the pin; None when ``configured`` is a spec file (no fixtures then)."""
    found = _pinned_fixtures(configured)
    return None if found is None else (found[0], found[2])


def load_fixtures(configured: Path) -> tuple[tuple[str, str], ...]:
    """The pinned fixtures' example objects by name (``resources.<object>``), each as JSON
    text with sorted keys, sorted by name; () for a spec file or fixtures without them.
    """
    found = _pinned_fixtures(configured)
    if found is None:
        return ()
    path, data, _ = found
    try:
        parsed = json.loads(data)
    except ValueError as exc:
        raise CodegenError(f"fixtures file {path} is not valid JSON: {exc}") from exc
    resources = parsed.get("resources") if isinstance(parsed, dict) else None
    if not isinstance(resources, dict):
        return ()
    return tuple(
        (name, json.dumps(value, sort_keys=True, ensure_ascii=False))
        for name, value in sorted(resources.items())
        if isinstance(value, dict)
    )


def _pinned_fixtures(configured: Path) -> tuple[Path, bytes, str] | None:
    """The fetched fixtures file, its bytes and their sha256, read once and checked against
    the pin; None for a spec file."""
    if not is_pin_path(configured):
        return None
    pin = load_pin(configured)
    path = cache_dir(configured) / pin.fixtures.name
    if not path.is_file():
        raise CodegenError(
            f"the pinned fixtures have not been fetched yet ({path} is missing)",
            hint="run `codegen spec fetch` (offline: `codegen spec fetch --from ../shared/stripe-openapi`)",
        )
    data = read_bytes(path, what="fixtures file", limit=MAX_DOCUMENT_BYTES)
    sha256 = hashlib.sha256(data).hexdigest()
    if sha256 != pin.fixtures.sha256:
        raise CodegenError(
            f"{path} does not match the pin: expected sha256 {pin.fixtures.sha256}, got {sha256}",
            hint="run `codegen spec fetch` again to restore the pinned file",
        )
    return path, data, sha256


def cache_dir(pin_path: Path) -> Path:
    """Where fetched files live: ``spec/cache/`` next to the pin (verified on every load)."""
    return pin_path.parent / CACHE_DIR_NAME


def resolve_spec_path(configured: Path) -> Path:
    """The spec file to load: the fetched copy when ``configured`` is a pin, else itself."""
    if not is_pin_path(configured):
        return configured
    pin = load_pin(configured)
    fetched = cache_dir(configured) / pin.spec.name
    if not fetched.is_file():
        raise CodegenError(
            f"the pinned spec has not been fetched yet ({fetched} is missing)",
            hint="run `codegen spec fetch` (offline: `codegen spec fetch --from ../shared/stripe-openapi`)",
        )
    return fetched


# --- fetch -----------------------------------------------------------------------------------


def fetch(pin: Pin, source: Path | None, *, dest: Path | None = None) -> list[Path]:
    """Copy the pinned spec and fixtures into the cache, checking their sha256 first.

    ``source`` is a local folder (files taken by their upstream basenames) or the spec file
    itself (the fixtures are then taken from the same folder); ``None`` downloads from the pin's
    URLs. Both files are read and verified before either is written, so a bad checksum leaves the
    cache as it was.
    """
    target = cache_dir(pin.lock_path) if dest is None else dest
    contents = [
        (entry, _obtain(entry, source, entry is pin.spec)) for entry in pin.files
    ]
    for entry, data in contents:
        _verify(entry, data)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for entry, data in contents:
        path = target / entry.name
        if not _has_bytes(path, entry.sha256):
            write_atomic(path, data)
        written.append(path)
    return written


def _obtain(entry: PinnedFile, source: Path | None, is_spec: bool) -> bytes:
    if source is None:
        return _download(entry)
    if source.is_dir():
        local = source / entry.name
    elif source.is_file():
        local = source if is_spec else source.parent / entry.name
    else:
        raise CodegenError(f"--from source {source} does not exist", hint=_FROM_HINT)
    return read_bytes(local, what="local copy", hint=_FROM_HINT)


def _download(entry: PinnedFile) -> bytes:
    # Imported here: only a fetch from upstream needs it, and it costs ~25 ms to import.
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(
            entry.url, timeout=DOWNLOAD_TIMEOUT_SECONDS
        ) as response:
            data = response.read(entry.bytes + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise CodegenError(
            f"could not download {entry.url}: {exc}", hint="no network? " + _FROM_HINT
        ) from exc
    if not isinstance(data, bytes):
        raise CodegenError(
            f"could not download {entry.url}: no bytes received", hint=_FROM_HINT
        )
    return data


def _verify(entry: PinnedFile, data: bytes) -> None:
    actual = hashlib.sha256(data).hexdigest()
    if actual != entry.sha256:
        raise CodegenError(
            f"checksum mismatch for {entry.name} ({entry.path}): expected sha256 "
            f"{entry.sha256} ({entry.bytes} bytes), got {actual} ({len(data)} bytes); "
            "nothing was written",
            hint="use an unmodified copy of the pinned upstream file, or update the pin on purpose",
        )


def _has_bytes(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``."""
    temp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise

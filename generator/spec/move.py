"""Moving the pin (``codegen spec pin SOURCE``) and finding the spec any pin names.

A new pin is written only once its spec has been read (with the limits every spec load has),
loaded and parsed the way the pipeline does, and stored in the cache: a document ``generate``
would refuse is refused here, and the old pin and cache are then left as they were. The spec
the old pin named is kept in the cache by its sha256 (``spec/cache/by-sha256/``), so that
``codegen diff`` and ``codegen check`` can still compare with it.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Optional
from urllib.parse import unquote, urlparse

from ..errors import CodegenError, json_pointer
from .limits import MAX_DOCUMENT_BYTES, read_bytes
from .load import load_document
from .parse import parse_document
from .pin import (
    DOWNLOAD_TIMEOUT_SECONDS,
    Pin,
    PinnedFile,
    _download,
    _has_bytes,
    _verify,
    cache_dir,
    is_pin_path,
    is_plain_path,
    load_pin,
    write_atomic,
)

STORE_DIR_NAME = "by-sha256"
"""The cache's folder of specs kept by checksum (``<sha256><suffix>``), e.g. the one a pin
named before ``codegen spec pin`` moved it."""

_RAW_GITHUB = re.compile(
    r"https://raw\.githubusercontent\.com/(?P<repository>[^/]+/[^/]+)/(?P<commit>[^/]+)/(?P<path>.+)"
)
_REPOSITORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*")


# --- the store by checksum -------------------------------------------------------------------


def stored_copy(cache: Path, sha256: str, name: str) -> Path:
    """Where the cache folder ``cache`` keeps the spec with this sha256 (named ``name``)."""
    return cache / STORE_DIR_NAME / f"{sha256}{PurePosixPath(name).suffix.lower()}"


def locate_spec(pin: Pin, stores: Sequence[Path] = ()) -> Path:
    """A local file holding the spec ``pin`` names, verified by its sha256.

    Looked for next to the pin (its cache folder, and that folder's store by checksum), then
    in the store of each of ``stores`` (e.g. the project's cache); else downloaded from the
    pin's URL into the first store (so a pin taken from an old commit can be compared).
    """
    own = cache_dir(pin.lock_path)
    candidates = [own / pin.spec.name] + [
        stored_copy(folder, pin.spec.sha256, pin.spec.name) for folder in (own, *stores)
    ]
    for candidate in candidates:
        if _has_bytes(candidate, pin.spec.sha256):
            return candidate
    try:
        data = _download(pin.spec)
    except CodegenError as error:
        raise CodegenError(
            f"the spec {pin.lock_path} pins (sha256 {pin.spec.sha256}) is not in the cache "
            f"and could not be downloaded: {error.message}",
            hint="pass the spec file itself instead of the pin",
        ) from None
    _verify(pin.spec, data)
    target = stored_copy(stores[0] if stores else own, pin.spec.sha256, pin.spec.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data)
    return target


# --- reading a source ------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A file given to ``codegen spec pin``: its bytes and what is known of where it is from."""

    data: bytes
    name: str  # the file name (its suffix says JSON or YAML)
    url: Optional[str]  # given as a URL
    local: Optional[Path]  # given as a file
    repository: Optional[str] = None  # read from a raw.githubusercontent.com URL
    commit: Optional[str] = None
    path: Optional[str] = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def is_url(source: str) -> bool:
    return "://" in source


def read_source(source: str, *, what: str = "spec") -> Source:
    """The bytes of a URL (http or https) or of a local file, within the spec size limit."""
    if not is_url(source):
        local = Path(source)
        if is_pin_path(local):
            raise CodegenError(
                f"{source} is a pin, not a {what} file",
                hint="pass the spec file (or its URL) to pin; `codegen diff` compares pins",
            )
        data = read_bytes(local, what=f"{what} file", limit=MAX_DOCUMENT_BYTES)
        return Source(data, local.name, None, local.resolve())
    parsed = urlparse(source)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise CodegenError(
            f"cannot pin {source!r}: only http:// and https:// URLs (or a local file) are read",
            hint="download the file first and pass its path",
        )
    name = PurePosixPath(unquote(parsed.path)).name or "spec.json"
    github = _RAW_GITHUB.fullmatch(source.split("?", 1)[0])
    data = download(source, what=what)
    if github is None:
        return Source(data, name, source, None)
    return Source(
        data,
        name,
        source,
        None,
        repository=github["repository"],
        commit=github["commit"],
        path=unquote(github["path"]),
    )


def download(url: str, *, what: str = "spec", limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The body at ``url``; more than ``limit`` bytes, a redirect (the pin would record a URL
    that is not where the file is), an HTTP error or no answer within
    ``DOWNLOAD_TIMEOUT_SECONDS`` is refused."""
    import urllib.error
    import urllib.request

    class Refuse(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
            raise CodegenError(
                f"the {what} URL {url} redirects (HTTP {code}) to {newurl}",
                hint="pin the URL it redirects to, so that the pin records where the file is",
            )

    opener = urllib.request.build_opener(Refuse)
    try:
        with opener.open(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            data = response.read(limit + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        # a timeout while reading, or while connecting (then the URLError's reason)
        if isinstance(exc, TimeoutError) or isinstance(
            getattr(exc, "reason", None), TimeoutError
        ):
            raise CodegenError(
                f"could not download the {what} {url}: no answer within "
                f"{DOWNLOAD_TIMEOUT_SECONDS:g} s",
                hint="check the URL and the network, or download the file and pass its path",
            ) from exc
        raise CodegenError(
            f"could not download the {what} {url}: {exc}",
            hint="check the URL, or download the file and pass its path",
        ) from exc
    if len(data) > limit:
        raise CodegenError(
            f"the {what} at {url} is larger than the {limit // (1024 * 1024)} MiB limit "
            f"({limit:,} bytes) for spec documents",
            hint="check that the URL names the spec",
        )
    return bytes(data)


# --- checking a spec -------------------------------------------------------------------------


Lowering = Callable[[Path], object]
"""Lowers a spec file as ``generate`` would (the project's selection and settings); raises
``CodegenError`` for a document it refuses."""


def checked_document(
    source: Source, lower: Optional[Lowering] = None
) -> dict[str, Any]:
    """The source loaded and parsed as the pipeline does (and lowered by ``lower``), or a
    ``CodegenError`` (with a JSON pointer and a hint). A URL's bytes are checked in a
    temporary folder outside the project; its errors name the URL.
    """
    if source.local is not None:
        return _checked_file(source.local, lower)
    suffix = PurePosixPath(source.name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="codegen-pin-") as folder:
        temp = Path(folder) / f"spec{suffix}"
        temp.write_bytes(source.data)
        try:
            return _checked_file(temp, lower)
        except CodegenError as error:
            assert source.url is not None
            raise CodegenError(
                error.message.replace(str(temp), source.url),
                pointer=error.pointer,
                hint=error.hint,
            ) from None


def _checked_file(path: Path, lower: Optional[Lowering]) -> dict[str, Any]:
    from ..lower.selection import generatable_operations

    data = load_document(path)
    document = parse_document(data)  # OpenAPI 3.0/3.1, as `generate` reads it
    _require_mapping(data, "info")
    if not isinstance(data["info"].get("version"), str) or not data["info"]["version"]:
        raise CodegenError(
            "the spec has no info.version, the API version a pin records",
            pointer=json_pointer("info", "version"),
            hint="pin an OpenAPI document with info.version",
        )
    _require_mapping(data, "paths")
    generatable_operations(document)
    if lower is not None:
        lower(path)  # dangling $refs, names that collide, ...: what `generate` refuses
    return data


def _require_mapping(data: dict[str, Any], key: str) -> None:
    if not isinstance(data.get(key), dict):
        raise CodegenError(
            f"not an OpenAPI document to generate from: the top-level '{key}' object is missing",
            pointer=json_pointer(key),
            hint="pin an OpenAPI 3 document with info and paths",
        )


def checked_fixtures(source: str) -> Source:
    """The fixtures file read, refused unless it is a JSON object."""
    fixtures = read_source(source, what="fixtures")
    try:
        data = json.loads(fixtures.data)
    except ValueError as exc:
        raise CodegenError(
            f"the fixtures file {source} is not valid JSON: {exc}",
            hint="pass the API's fixtures JSON (Stripe's openapi/fixtures3.json)",
        ) from exc
    if not isinstance(data, dict):
        raise CodegenError(
            f"the fixtures file {source} must hold a JSON object",
            pointer="",
            hint="pass the API's fixtures JSON (Stripe's openapi/fixtures3.json)",
        )
    return fixtures


# --- moving the pin --------------------------------------------------------------------------


@dataclass(frozen=True)
class PinMove:
    """What ``pin_spec`` did: the pin before (``None`` when there was none) and after."""

    old: Optional[Pin]
    new: Pin
    written: tuple[Path, ...]  # files put into the cache
    previous: Optional[Path]  # where the old pin's spec is kept, if it was in the cache
    fixtures_kept: bool


def pin_spec(
    lock_path: Path,
    source: str,
    *,
    commit: Optional[str] = None,
    path: Optional[str] = None,
    repository: Optional[str] = None,
    fixtures: Optional[str] = None,
    lower: Optional[Lowering] = None,
) -> PinMove:
    """Check ``source``, store it in the cache, keep the old spec by checksum, write the pin.

    Upstream record: ``repository``/``commit``/``path`` given, else read from a
    raw.githubusercontent.com URL, else the old pin's repository and the file's name; the URL
    is the one given, else the raw GitHub URL of repository/commit/path when a commit is
    known, else the local file's ``file:`` URL (so ``codegen spec fetch`` works from it).
    The fixtures entry is the old pin's unless ``fixtures`` (a URL or a file) is given.
    ``lower`` lowers the spec as ``generate`` would, to refuse what it refuses.
    """
    old = load_pin(lock_path) if lock_path.exists() else None
    old_raw = _raw_pin(lock_path) if old is not None else {}
    cache = cache_dir(lock_path)
    spec_source = read_source(source)
    document = checked_document(spec_source, lower)
    repository = (
        repository
        or spec_source.repository
        or (old.repository if old is not None else None)
    )
    commit = commit or spec_source.commit
    upstream_path = path or spec_source.path or spec_source.name
    spec_entry = _entry(spec_source, upstream_path, repository, commit)
    fixtures_source = None if fixtures is None else checked_fixtures(fixtures)
    if fixtures_source is not None:
        folder = PurePosixPath(upstream_path).parent
        fixtures_path = (
            str(folder / fixtures_source.name)
            if str(folder) != "."
            else fixtures_source.name
        )
        fixtures_entry = _entry(
            fixtures_source, fixtures_source.path or fixtures_path, repository, commit
        )
    elif old is not None:
        fixtures_entry = old.fixtures
    else:
        raise CodegenError(
            f"{lock_path} does not exist yet, and a new pin needs a fixtures file",
            hint="pass --fixtures with the fixtures file (a URL or a path)",
        )
    new = Pin(
        lock_path=lock_path,
        repository=repository or "unknown",
        commit=commit or "unknown",
        api_version=document["info"]["version"],
        spec=spec_entry,
        fixtures=fixtures_entry,
    )
    previous = _keep_previous(old, cache)
    cache.mkdir(parents=True, exist_ok=True)
    written = [_store(cache, spec_entry, spec_source.data)]
    if fixtures_source is not None:
        written.append(_store(cache, fixtures_entry, fixtures_source.data))
    write_atomic(lock_path, pin_bytes(new, old_raw))
    return PinMove(
        old, load_pin(lock_path), tuple(written), previous, fixtures_source is None
    )


def _raw_pin(lock_path: Path) -> dict[str, Any]:
    data = json.loads(read_bytes(lock_path, what="pin file"))
    return data if isinstance(data, dict) else {}


def _entry(
    source: Source, upstream_path: str, repository: Optional[str], commit: Optional[str]
) -> PinnedFile:
    if not is_plain_path(upstream_path):
        raise CodegenError(
            f"bad upstream path {upstream_path!r}: the pin and the cache need a file name",
            hint="pass --path as a POSIX path inside the repository, e.g. openapi/spec3.yaml",
        )
    if source.url is not None:
        url = source.url
    elif commit and repository and _REPOSITORY.fullmatch(repository):
        url = f"https://raw.githubusercontent.com/{repository}/{commit}/{upstream_path}"
    else:
        assert source.local is not None
        url = source.local.as_uri()
    return PinnedFile(
        path=upstream_path, url=url, sha256=source.sha256, bytes=len(source.data)
    )


def _keep_previous(old: Optional[Pin], cache: Path) -> Optional[Path]:
    """Copy the old pin's spec into the store by checksum, when the cache holds it."""
    if old is None:
        return None
    current = cache / old.spec.name
    kept = stored_copy(cache, old.spec.sha256, old.spec.name)
    if _has_bytes(kept, old.spec.sha256):
        return kept
    if not _has_bytes(current, old.spec.sha256):
        return None
    kept.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(kept, current.read_bytes())
    return kept


def _store(cache: Path, entry: PinnedFile, data: bytes) -> Path:
    target = cache / entry.name
    if not _has_bytes(target, entry.sha256):
        write_atomic(target, data)
    return target


def pin_bytes(pin: Pin, keep: dict[str, Any]) -> bytes:
    """The pin file: the old pin's other keys kept, the known ones written in their order."""
    fixtures = keep.get("fixtures")
    document: dict[str, Any] = {
        "repository": pin.repository,
        "commit": pin.commit,
        **_file_json(pin.spec),
        "api_version": pin.api_version,
        "fixtures": {
            **(fixtures if isinstance(fixtures, dict) else {}),
            **_file_json(pin.fixtures),
        },
    }
    others = {key: value for key, value in keep.items() if key not in document}
    return (json.dumps({**document, **others}, indent=2) + "\n").encode("utf-8")


def _file_json(entry: PinnedFile) -> dict[str, Any]:
    return {
        "path": entry.path,
        "url": entry.url,
        "sha256": entry.sha256,
        "bytes": entry.bytes,
    }

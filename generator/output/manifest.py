"""The manifest: which files codegen owns, with their sha256 (it never decides a check)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .. import __version__
from ..errors import CodegenError
from .tree import MANIFEST_NAME, sha256_of, validate_relative_path

MANIFEST_FORMAT = 1

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
    entries = tuple(ManifestEntry(rel, sha256_of(files[rel])) for rel in sorted(files))
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

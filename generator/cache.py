"""Work remembered outside the repository, so that ``check`` and ``generate`` are fast.

Three things are cached, each keyed by content: black's output (``FormatCache``: a sha256 of
the black version, codegen's formatting mode and the sha256 of the text black is given), the
JSON form of a YAML spec (``spec_json_folder``: the sha256 of the YAML file; written by
``generator.spec``) and Jinja's compiled templates (``template_code_folder``: the template's
file and the sha1 of its source; written by ``generator.render``). Both live in the user's cache folder (``CODEGEN_CACHE_DIR``, else the
platform's user cache folder, e.g. ``~/.cache/codegen``), never in the project: anything
committed in the repository is written by the same change that ``check`` is asked to judge, so
the repository may not decide what black "would have" produced or what the pinned spec says.
A cache folder that lies inside the project is therefore not used (``trusted_folder``).

Entries are written atomically (a temporary file, then a rename), so an interrupted run leaves
no half-written entry. The cache only ever saves time: an unreadable or unwritable cache is the
same as an empty one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

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


@dataclass(frozen=True)
class FormatCache:
    """A content-addressed store of formatted Python, for one black version and mode."""

    folder: Path
    black_version: str
    mode: str

    def key(self, source_sha256: str) -> str:
        """The entry name for a text: it changes with the black version, the mode or the text."""
        parts = (CACHE_FORMAT, self.black_version, self.mode, source_sha256)
        return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / f"format-v{CACHE_FORMAT}" / key[:2] / key

    def get(self, source_sha256: str) -> Optional[bytes]:
        """Black's output for the text with this sha256, if a previous run stored it."""
        try:
            return self._path(self.key(source_sha256)).read_bytes()
        except OSError:
            return None

    def put(self, source_sha256: str, formatted: bytes) -> bool:
        """Remember ``formatted`` as black's output for that text; ``False`` if it could not."""
        path = self._path(self.key(source_sha256))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        except OSError:
            return False
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(formatted)
            os.replace(temporary, path)
        except OSError:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            return False
        return True

"""The stages in order: load → parse → lower → render → format, then write or check."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from . import format as formatting
from . import cache, ir, output, spec
from .cache import FormatCache
from .lower import Selection, lower_document
from .render import RenderOptions, render
from .settings import Settings


@dataclass(frozen=True)
class Build:
    api: ir.Api
    files: dict[str, bytes]
    cache_note: Optional[str] = (
        None  # why the format cache was not used, when it was wanted
    )

    @property
    def manifest_info(self) -> output.ManifestInfo:
        return output.ManifestInfo(
            spec_sha256=self.api.spec_sha256, black_version=formatting.BLACK_VERSION
        )


def selection_of(settings: Settings) -> Selection:
    return Selection(
        operation_ids=settings.operations,
        globs=settings.globs,
        path_prefixes=settings.path_prefixes,
        all=settings.all,
    )


def lower(settings: Settings) -> ir.Api:
    loaded = spec.load_spec(settings.spec, cache_folder=cache_folder(settings)[0])
    return lower_document(
        loaded.document,
        selection_of(settings),
        spec_sha256=loaded.sha256,
        renames=dict(settings.names),
    )


def cache_folder(settings: Settings) -> tuple[Optional[Path], Optional[str]]:
    """The user's cache folder, unless it lies inside the project or the output (then why)."""
    return cache.trusted_folder(settings.root, settings.output)


def format_store(folder: Path) -> FormatCache:
    """The format cache in the user's cache folder ``folder``."""
    return FormatCache(folder, formatting.BLACK_VERSION, formatting.MODE_ID)


def build(
    settings: Settings,
    *,
    use_cache: bool = True,
    progress: Optional[Callable[[int, int], None]] = None,
) -> Build:
    """Generate every file in memory.

    With ``use_cache``, each top-level chunk of Python whose unformatted text black has
    formatted before (same black version and mode) is taken from the user's format cache
    instead of being formatted again, and what black formats now is stored there (the store
    is then pruned to its size cap if needed); the compiled templates are kept there too.
    The cache lives outside the project, so the result never depends on anything the
    repository holds (see ``generator.cache``).
    """
    with fewer_collections():
        return _build(settings, use_cache, progress)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Let the garbage collector rarely run while a tree is built, as it has nothing to free.

    A build makes millions of objects that all live until it ends (the spec's models, the IR,
    the pages), and the default thresholds scan them again every 700 allocations: a fifth of
    a cached ``check``. The objects of the imports are frozen (never scanned) meanwhile.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _build(
    settings: Settings,
    use_cache: bool,
    progress: Optional[Callable[[int, int], None]],
) -> Build:
    api = lower(settings)
    folder, note = cache_folder(settings) if use_cache else (None, None)
    texts = render(
        api,
        RenderOptions(
            package=settings.package,
            templates=settings.templates,
            cache_folder=folder,
        ),
    )
    store = None if folder is None else format_store(folder)
    total = len(texts)
    report = (lambda done: progress(done, total)) if progress else None
    files = formatting.format_files(texts, store=store, progress=report)
    if store is not None:
        store.prune_if_needed()  # only lists the store when this run wrote to it
    return Build(api, files, note)


def generate(
    settings: Settings,
    *,
    use_cache: bool = True,
    force: bool = False,
    progress: Optional[Callable[[int, int], None]] = None,
) -> tuple[output.WriteResult, Build]:
    """Build and write; ``force`` lets codegen take over a non-empty folder it has no manifest for."""
    output.check_writable(settings.output, force=force)
    result = build(settings, use_cache=use_cache, progress=progress)
    written = output.write_tree(
        settings.output, result.files, result.manifest_info, force=force
    )
    return written, result


@dataclass(frozen=True)
class CheckResult:
    differences: list[output.Difference]
    black_mismatch: Optional[tuple[str, str]]  # (recorded, installed)
    interrupted: Optional[Path] = (
        None  # previous output set aside by an interrupted write
    )
    cache_note: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.interrupted is None and not any(
            d.fails_check for d in self.differences
        )


def check(
    settings: Settings,
    *,
    use_cache: bool = True,
    progress: Optional[Callable[[int, int], None]] = None,
) -> CheckResult:
    """Build in memory and compare with the output folder; nothing on disk is written to it.

    The verdict depends only on the spec, the settings, the templates, codegen and black:
    the manifest on disk is compared like any other file, never trusted.
    """
    interrupted = output.interrupted_write(settings.output)
    manifest = output.read_manifest(settings.output)
    mismatch = None
    if manifest is not None and manifest.black_version != formatting.BLACK_VERSION:
        mismatch = (manifest.black_version, formatting.BLACK_VERSION)
    result = build(settings, use_cache=use_cache, progress=progress)
    differences = output.compare_tree(
        settings.output, result.files, result.manifest_info
    )
    return CheckResult(differences, mismatch, interrupted, result.cache_note)

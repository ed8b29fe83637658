"""The stages in order: load → parse → lower → render → format, then write or check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from . import format as formatting
from . import ir, output, spec
from .lower import Selection, lower_document
from .render import RenderOptions, render
from .settings import Settings


@dataclass(frozen=True)
class Build:
    api: ir.Api
    files: dict[str, bytes]
    sources: dict[str, str]  # path → sha256 of the unformatted text

    @property
    def manifest_info(self) -> output.ManifestInfo:
        return output.ManifestInfo(
            spec_sha256=self.api.spec_sha256,
            black_version=formatting.BLACK_VERSION,
            source_sha256=self.sources,
        )


def selection_of(settings: Settings) -> Selection:
    return Selection(
        operation_ids=settings.operations,
        globs=settings.globs,
        path_prefixes=settings.path_prefixes,
        all=settings.all,
    )


def lower(settings: Settings) -> ir.Api:
    loaded = spec.load_spec(settings.spec)
    return lower_document(
        loaded.document, selection_of(settings), spec_sha256=loaded.sha256
    )


def build(
    settings: Settings,
    *,
    reuse_from: Optional[Path] = None,
    progress: Optional[Callable[[int, int], None]] = None,
) -> Build:
    """Generate every file in memory.

    With ``reuse_from`` (an output folder), a file whose unformatted text is unchanged since
    that folder was written, by the same black version, is taken from disk instead of being
    formatted again: this is what keeps ``check`` fast on a fresh clone.
    """
    api = lower(settings)
    texts = render(
        api, RenderOptions(package=settings.package, templates=settings.templates)
    )
    sources = {path: formatting.source_hash(text) for path, text in texts.items()}
    cached = None
    if reuse_from is not None:
        manifest = output.read_manifest(reuse_from)
        if manifest is not None:
            folder = reuse_from

            def cached(path: str, source_sha256: str) -> Optional[bytes]:
                return output.unchanged_by_source(
                    folder,
                    path,
                    source_sha256,
                    formatting.BLACK_VERSION,
                    manifest=manifest,
                )

    total = len(texts)
    report = (lambda done: progress(done, total)) if progress else None
    files = formatting.format_files(texts, cached=cached, progress=report)
    return Build(api, files, sources)


def generate(
    settings: Settings, *, progress: Optional[Callable[[int, int], None]] = None
) -> output.WriteResult:
    result = build(settings, reuse_from=settings.output, progress=progress)
    return output.write_tree(settings.output, result.files, result.manifest_info)


@dataclass(frozen=True)
class CheckResult:
    differences: list[output.Difference]
    black_mismatch: Optional[tuple[str, str]]  # (recorded, installed)

    @property
    def ok(self) -> bool:
        return not any(d.fails_check for d in self.differences)


def check(
    settings: Settings,
    *,
    use_cache: bool = True,
    progress: Optional[Callable[[int, int], None]] = None,
) -> CheckResult:
    manifest = output.read_manifest(settings.output)
    mismatch = None
    if manifest is not None and manifest.black_version != formatting.BLACK_VERSION:
        mismatch = (manifest.black_version, formatting.BLACK_VERSION)
    reuse = settings.output if use_cache else None
    result = build(settings, reuse_from=reuse, progress=progress)
    differences = output.compare_tree(
        settings.output, result.files, result.manifest_info
    )
    return CheckResult(differences, mismatch)

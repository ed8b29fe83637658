"""The stages in order: load → parse → lower → render → format, then write or check."""

from __future__ import annotations

import contextlib
import gc
import dataclasses
import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from . import cache, naming, output, sources, spec
from .cache import BuildCache, FormatCache
from .errors import CodegenError
from .settings import Settings

if TYPE_CHECKING:
    from . import ir
    from .lower import Selection

# The stages a build runs (lower, render, format) are imported by the first build that runs
# them: a run answered by the build cache never imports openapi-pydantic, Jinja or black.


@dataclass(frozen=True)
class Build:
    files: dict[str, bytes]
    spec_sha256: str
    cache_note: Optional[str] = (
        None  # why the format cache was not used, when it was wanted
    )
    notes: tuple[
        str, ...
    ] = ()  # the spec's parts not generated, for the user (ir.Api.notes)

    @property
    def manifest_info(self) -> output.ManifestInfo:
        return output.ManifestInfo(
            spec_sha256=self.spec_sha256, black_version=black_version()
        )


def black_version() -> str:
    """The installed black's version, which the manifest records."""
    from . import format as formatting

    return formatting.BLACK_VERSION


def selection_of(settings: Settings, *, missing_ok: bool = False) -> Selection:
    from .lower import Selection

    return Selection(
        operation_ids=settings.operations,
        globs=settings.globs,
        path_prefixes=settings.path_prefixes,
        all=settings.all,
        missing_ok=missing_ok,
    )


def lower(settings: Settings, *, missing_ok: bool = False) -> ir.Api:
    """The spec lowered with ``settings``; ``missing_ok``: selected operations the spec does
    not have are skipped (one side of ``codegen diff``), not an error."""
    from .lower import lower_document

    loaded = spec.load_spec(settings.spec, cache_folder=cache_folder(settings)[0])
    api = lower_document(
        loaded.document,
        selection_of(settings, missing_ok=missing_ok),
        spec_sha256=loaded.sha256,
        renames=dict(settings.names),
        profile=settings.profile,
        paging=settings.pagination,
        auth=settings.auth,
    )
    # the pinned fixtures: example bodies of the reference (none for a spec file)
    return dataclasses.replace(api, fixtures=spec.load_fixtures(settings.spec))


def cache_folder(settings: Settings) -> tuple[Optional[Path], Optional[str]]:
    """The user's cache folder, unless it lies inside the project or the output (then why)."""
    return cache.trusted_folder(settings.root, settings.output)


def format_store(folder: Path) -> FormatCache:
    """The format cache in the user's cache folder ``folder``."""
    from . import format as formatting

    return FormatCache(folder, formatting.BLACK_VERSION, formatting.MODE_ID)


def build_key(settings: Settings, spec_sha256: str) -> str:
    """Everything a build's bytes depend on, hashed: the spec (and the pinned fixtures the
    reference's examples come from), the settings that shape the output (not where it is written), the templates folder's files, codegen's own source and
    templates, the Python version and every installed package (black, Jinja, pydantic, ...).
    """
    inputs = {
        "format": cache.CACHE_FORMAT,
        "spec": spec_sha256,
        "fixtures": fixtures_sha256(settings),
        "settings": shaping_settings(settings),
        "templates": (
            None
            if settings.templates is None
            else [
                settings.templates.is_dir(),
                cache.folder_fingerprint(settings.templates),
            ]
        ),
        "codegen": codegen_fingerprint(),
        "python": sys.version,
        "installed": cache.installed_distributions(),
    }
    text = json.dumps(inputs, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fixtures_sha256(settings: Settings) -> Optional[str]:
    """The sha256 of the pinned fixtures the build reads, None without (a spec file)."""
    found = spec.fixtures_digest(settings.spec)
    return None if found is None else found[1]


WHERE_SETTINGS = ("root", "spec", "output", "templates")
"""Settings that say where things are, not what is built: not part of a build's key (the
spec and templates count by their content instead)."""


def shaping_settings(settings: Settings) -> dict[str, object]:
    """Every setting that shapes the output, by name: a new setting is in the key at once."""
    return {
        field.name: _json_value(getattr(settings, field.name))
        for field in dataclasses.fields(settings)
        if field.name not in WHERE_SETTINGS
    }


def _json_value(value: object) -> object:
    """A setting as JSON holds it: a table of settings (``auth``) as a dict."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


def codegen_fingerprint() -> str:
    """The sha256 of codegen's own files: its source (runtime and assets too) and templates."""
    folders = [sources.PACKAGE_FOLDER]
    if not sources.BUILTIN_TEMPLATES.is_relative_to(sources.PACKAGE_FOLDER):
        folders.append(sources.BUILTIN_TEMPLATES)
    return "+".join(cache.folder_fingerprint(folder) for folder in folders)


def build(
    settings: Settings,
    *,
    use_cache: bool = True,
    progress: Optional[Callable[[int, int], None]] = None,
) -> Build:
    """Generate every file in memory.

    With ``use_cache``, a build whose inputs (``build_key``) were built before is taken whole
    from the user's build store, without lowering, rendering or formatting; otherwise each
    top-level chunk of Python whose unformatted text black has formatted before (same black
    version and mode) is taken from the user's format cache instead of being formatted
    again, and what black formats now is stored there (the store is then pruned to its size
    cap if needed); the compiled templates are kept there too, and so is the build.
    The cache lives outside the project, so the result never depends on anything the
    repository holds (see ``generator.cache``).
    """
    folder, note = cache_folder(settings) if use_cache else (None, None)
    if folder is None:
        with fewer_collections():
            return _build(settings, None, progress, note)
    _, spec_sha256 = spec.spec_digest(settings.spec)
    builds, key = BuildCache(folder), build_key(settings, spec_sha256)
    stored = builds.get(key)
    if stored is not None:
        return Build(stored.files, spec_sha256, notes=stored.notes)
    with fewer_collections():
        result = _build(settings, folder, progress, note)
    if (
        result.spec_sha256 == spec_sha256
    ):  # else the spec changed meanwhile: not this key's
        builds.put(key, result.files, result.notes)
    return result


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


#: A spec file this large makes enough Python for black's worker processes to pay: they are
#: then started before the spec is parsed (Stripe's spec is 4 MB; a small one may never
#: need them, see ``format.PARALLEL_THRESHOLD``).
WORKERS_FROM_SPEC_BYTES = 256 * 1024


def _spec_size(settings: Settings) -> int:
    """The size of the spec file the build reads (0 if it cannot be told: loading says why)."""
    try:
        return spec.resolve_spec_path(settings.spec).stat().st_size
    except (CodegenError, OSError):
        return 0


def _build(
    settings: Settings,
    folder: Optional[Path],
    progress: Optional[Callable[[int, int], None]],
    note: Optional[str],
) -> Build:
    from . import format as formatting
    from .render import RenderOptions, render_one_by_one, render_runtime

    store = None if folder is None else format_store(folder)
    options = RenderOptions(
        package=settings.package or "",
        templates=settings.templates,
        cache_folder=folder,
    )
    with formatting.Formatter(store) as formatter:
        if _spec_size(settings) >= WORKERS_FROM_SPEC_BYTES:
            formatter.start_workers()  # while this process is small: see Formatter
        runtime: list[tuple[str, str]] = []
        if settings.package is not None:
            runtime = render_runtime(options)
            # the workers format these while the spec is read
            for path, text in runtime:
                formatter.add(path, text)
        api = lower(settings)
        spec_sha256, notes = api.spec_sha256, api.notes
        if settings.package is None:  # named after the spec: known only now
            package = naming.default_package_name(api.title, api.profile)
            options = dataclasses.replace(options, package=package)
            runtime = render_runtime(options)
            for path, text in runtime:
                formatter.add(path, text)
        profile_runtime = render_runtime(options, api.profile)
        for path, text in profile_runtime:
            formatter.add(path, text)
        runtime += profile_runtime
        count, texts = render_one_by_one(api, options)
        del api  # let the IR go once the last file is rendered, not when the build returns
        if progress:
            total = len(runtime) + count
            formatter.report_to(lambda done: progress(done, total))
        for path, text in texts:  # black starts on the first while the rest render
            formatter.add(path, text)
        files = formatter.result()
    if store is not None:
        store.prune_if_needed()  # only lists the store when this run wrote to it
    return Build(files, spec_sha256, note, notes)


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
    notes: tuple[str, ...] = ()  # the spec's parts not generated (``Build.notes``)
    spec_sha256: str = ""  # the spec this check generated from
    recorded_spec_sha256: Optional[str] = None  # the one the output's manifest names

    @property
    def pin_moved(self) -> bool:
        """The output was generated from another spec than the one configured now."""
        return (
            self.recorded_spec_sha256 is not None
            and self.recorded_spec_sha256 != self.spec_sha256
        )

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
    if manifest is not None and manifest.black_version != black_version():
        mismatch = (manifest.black_version, black_version())
    result = build(settings, use_cache=use_cache, progress=progress)
    differences = output.compare_tree(
        settings.output, result.files, result.manifest_info
    )
    return CheckResult(
        differences,
        mismatch,
        interrupted,
        result.cache_note,
        result.notes,
        result.spec_sha256,
        None if manifest is None else manifest.spec_sha256,
    )


def lower_spec_file(
    settings: Settings, path: Path, *, missing_ok: bool = False
) -> ir.Api:
    """Lower the spec file ``path`` (not a pin) with ``settings``' selection and names."""
    return lower(dataclasses.replace(settings, spec=path), missing_ok=missing_ok)

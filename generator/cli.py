"""The ``codegen`` command line: parse options, call the pipeline, map errors to exit codes.

Exit codes: 0 success; 1 ``check`` found drift (``diff``: a breaking change, see --fail-on);
2 bad input (spec, settings, options).
"""

from __future__ import annotations

import fnmatch
import functools
import os
import platform
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, Optional, TypeVar

import click

from . import __version__, cache, output, pipeline, spec
from .errors import CodegenError, os_error_fix
from .settings import Settings, load_settings, package_name_problem

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    """Turn a ``CodegenError`` (or any unexpected failure) into a message and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CodegenError as error:
            click.echo(f"codegen: error: {error}", err=True)
            sys.exit(2)
        except (
            BrokenPipeError
        ):  # `codegen list | head`: the reader is gone, nothing to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except KeyboardInterrupt:
            # The black workers finish the piece they hold before the process can end: a
            # second Ctrl-C meanwhile would only print a traceback from Python's shutdown.
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.SIG_IGN)
            click.echo(
                "codegen: interrupted; the output folder was left as it was", err=True
            )
            sys.exit(130)
        except OSError as error:  # not made a CodegenError by a stage: still bad input
            if _debug():
                raise
            click.echo(f"codegen: error: {os_error(error)}", err=True)
            sys.exit(2)
        except Exception as error:  # a bug: say so in one line, never a bare traceback
            click.echo(
                f"codegen: internal error: {type(error).__name__}: {error}\n"
                "  fix: please report this with the spec and the command; set CODEGEN_DEBUG=1 for details",
                err=True,
            )
            if _debug():
                raise
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def os_error(error: OSError) -> CodegenError:
    """An OS error as a message naming the path, the reason and a fix."""
    where = error.filename if error.filename is not None else "a file"
    if error.filename2 is not None:
        where = f"{where} -> {error.filename2}"
    reason = (error.strerror or str(error) or type(error).__name__).lower()
    return CodegenError(
        f"{where}: {reason}",
        hint=os_error_fix(error.errno),
    )


def _debug() -> bool:
    return os.environ.get("CODEGEN_DEBUG") == "1"


def selection_option_list() -> list[Callable[[F], F]]:
    """``-o``, ``--glob``, ``--path-prefix``, ``--all``: which operations (generate, diff)."""
    return [
        click.option(
            "--operation",
            "-o",
            "operations",
            multiple=True,
            help="Operation ID to generate; repeatable. Replaces the configured selection.",
        ),
        click.option(
            "--glob",
            "globs",
            multiple=True,
            help="Glob on operation IDs, e.g. 'GetCustomers*'; repeatable.",
        ),
        click.option(
            "--path-prefix",
            "path_prefixes",
            multiple=True,
            help="Generate the operations whose path starts with this; repeatable.",
        ),
        click.option(
            "--all",
            "all_operations",
            is_flag=True,
            help="Generate every operation of the spec.",
        ),
    ]


def selection_options(command: F) -> F:
    """The selection options alone (``codegen diff``)."""
    for decorator in reversed(selection_option_list()):
        command = decorator(command)
    return command


def settings_options(command: F) -> F:
    """The options every command that reads the spec shares; each overrides a setting."""
    decorators = [
        click.option(
            "--config",
            type=click.Path(dir_okay=False, path_type=Path),
            help="pyproject.toml to read [tool.codegen] from (default: found upward from the current folder).",
        ),
        click.option(
            "--spec",
            "spec_path",
            type=click.Path(path_type=Path),
            help="Spec pin (*.lock.json) or an OpenAPI file (JSON or YAML).",
        ),
        click.option(
            "--output",
            type=click.Path(file_okay=False, path_type=Path),
            help="Output folder (default: generated).",
        ),
        click.option(
            "--package",
            help="Name of the generated Python package (default: after the spec's title,"
            " stripe_client for Stripe's, petstore_client for a Petstore).",
        ),
        *selection_option_list(),
        click.option(
            "--templates",
            type=click.Path(file_okay=False, path_type=Path),
            help="Folder of templates overriding the built-in ones by file name.",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def resolve_settings(
    config: Optional[Path],
    spec_path: Optional[Path],
    output: Optional[Path],
    package: Optional[str],
    operations: tuple[str, ...],
    globs: tuple[str, ...],
    path_prefixes: tuple[str, ...],
    all_operations: bool,
    templates: Optional[Path],
) -> Settings:
    settings = load_settings(config, spec_given=spec_path is not None)
    problem = None if package is None else package_name_problem(package)
    if problem is not None:
        raise CodegenError(
            f"--package: {problem}",
            hint="the package name is what users import: pass --package NAME",
        )
    return settings.with_overrides(
        spec=spec_path,
        output=output,
        package=package,
        operations=operations,
        globs=globs,
        path_prefixes=path_prefixes,
        all=all_operations,
        templates=templates,
    )


class ProgressBar:
    """click's progress bar on a terminal; nothing at all otherwise or with --quiet."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar: Optional[Any] = None

    def __call__(self, finished: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(
                length=total, label="formatting", file=sys.stderr
            )
            self.bar.__enter__()
        self.bar.update(finished)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _version_message() -> str:
    """Like black's: the tool's version, then what its output depends on."""
    from .format import BLACK_VERSION

    python = f"Python ({platform.python_implementation()}) {platform.python_version()}"
    return f"codegen, version {__version__}\nblack {BLACK_VERSION}, {python}"


def _print_version(context: click.Context, _: click.Parameter, value: bool) -> None:
    """``--version``: printed on demand, so that other commands never import black for it."""
    if value and not context.resilient_parsing:
        click.echo(_version_message())
        context.exit()


class Program(click.Group):
    """The ``codegen`` group; run as the program, it ends without Python's teardown.

    At exit Python frees every object of the run one by one (the spec's models, the IR, every
    page), up to a third of a second after a cached ``check``; nothing of that is needed once
    the output is flushed. Called with ``args`` (tests, ``CliRunner``), it returns and raises as
    any click group does.
    """

    def main(self, args: Optional[Any] = None, *rest: Any, **extra: Any) -> Any:
        as_program = args is None and not rest and extra.get("standalone_mode", True)
        if not as_program:
            return super().main(args, *rest, **extra)
        try:
            return super().main(args, *rest, **extra)
        except SystemExit as done:
            exit_now(done)


#: The outcomes after which nothing is left running: success, and ``check`` finding drift.
#: Errors and interruptions (2, 130) take Python's normal exit, which waits for black workers.
_FINISHED = (0, 1, None)


def exit_now(done: SystemExit) -> NoReturn:
    """End the process with ``done``'s code after flushing the output, skipping the teardown.

    Anything else than a finished run, output that cannot be flushed, or a process that a
    profiler, debugger or coverage tool watches (it writes its results at exit) re-raises
    ``done``.
    """
    watched = sys.gettrace() is not None or sys.getprofile() is not None
    if done.code not in _FINISHED or watched:
        raise done
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise done from None
    os._exit(int(done.code or 0))


@click.group(cls=Program, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-V",
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def main() -> None:
    """Generate a typed Python client and its docs from Stripe's OpenAPI spec."""


@main.group(name="spec")
def spec_group() -> None:
    """Manage the pinned spec."""


@spec_group.command(name="fetch")
@click.option(
    "--from",
    "source",
    type=click.Path(exists=False, path_type=Path),
    help="A local copy: the spec file, or a folder holding it and the fixtures (e.g. ../shared/stripe-openapi). Default: the pinned upstream URL.",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="pyproject.toml to read [tool.codegen] from.",
)
@reports_errors
def fetch_command(source: Optional[Path], config: Optional[Path]) -> None:
    """Fetch the pinned spec and fixtures, verify their sha256, store them in spec/cache/."""
    settings = load_settings(config)
    pin = spec.load_pin(settings.spec)
    for path in spec.fetch(pin, source):
        click.echo(f"fetched {path} (sha256 verified)")


@spec_group.command(name="pin")
@click.argument("source")
@click.option(
    "--commit",
    help="The upstream commit the file is from (recorded; with a GitHub repository, the pin's "
    "URL is the file's raw URL at that commit). Read from a raw.githubusercontent.com URL.",
)
@click.option(
    "--path",
    "upstream_path",
    help="The file's path in the upstream repository, e.g. openapi/spec3.yaml "
    "(default: read from a raw GitHub URL, else the file's name).",
)
@click.option(
    "--repository",
    help="The upstream repository, owner/name (default: read from a raw GitHub URL, else the "
    "old pin's).",
)
@click.option(
    "--fixtures",
    help="A new fixtures file (URL or path) to pin with the spec. Without it the old pin's "
    "fixtures entry is kept as it is (still verified by its sha256), even though it belongs "
    "to the old spec's commit.",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="pyproject.toml to read [tool.codegen] from (its `spec` setting names the pin).",
)
@reports_errors
def pin_command(
    source: str,
    commit: Optional[str],
    upstream_path: Optional[str],
    repository: Optional[str],
    fixtures: Optional[str],
    config: Optional[Path],
) -> None:
    """Pin another spec: SOURCE is a URL (http, https) or a file, JSON or YAML.

    \b
      codegen spec pin https://raw.githubusercontent.com/stripe/openapi/<commit>/openapi/spec3.yaml
      codegen spec pin ~/spec3.yaml --commit <commit> --path openapi/spec3.yaml

    The document is checked the way `generate` reads it (an OpenAPI 3.0/3.1 document with
    info.version and operations, lowered with the project's selection; anything else, or a
    URL that redirects, fails or does not answer, is exit 2 and the pin and cache stay as
    they were), stored in spec/cache/, and the pin (sha256, bytes, API version, upstream
    record) is rewritten. The spec the old pin named stays in spec/cache/by-sha256/ for
    `codegen diff`, whose command line is printed.
    """
    from .spec.move import pin_spec

    settings = load_settings(config)
    if not spec.is_pin_path(settings.spec):
        raise CodegenError(
            f"the `spec` setting names {settings.spec}, not a pin (*.lock.json)",
            hint="point `spec` at a pin such as spec/stripe.lock.json, or edit the spec file",
        )
    moved = pin_spec(
        settings.spec,
        source,
        commit=commit,
        path=upstream_path,
        repository=repository,
        fixtures=fixtures,
        lower=functools.partial(
            pipeline.lower_spec_file,
            # the project's selection (every operation when it has none yet)
            settings.with_overrides(all=pipeline.selection_of(settings).empty),
            missing_ok=True,
        ),
    )
    new = moved.new
    lock = _shown(settings.spec)
    if moved.old is None:
        click.echo(
            f"pinned {lock}: API {new.api_version} (sha256 {new.spec.sha256[:12]})"
        )
    elif moved.old.spec.sha256 == new.spec.sha256:
        click.echo(
            f"pinned {lock}: the spec is unchanged (API {new.api_version}, sha256 "
            f"{new.spec.sha256[:12]}); only its upstream record was written again"
        )
    else:
        old = moved.old
        click.echo(
            f"pinned {lock}: API {old.api_version} (sha256 {old.spec.sha256[:12]}) -> "
            f"{new.api_version} (sha256 {new.spec.sha256[:12]})"
        )
    for path in moved.written:
        click.echo(f"stored {_shown(path)} (sha256 verified)")
    if moved.fixtures_kept:
        click.echo(
            f"kept the fixtures entry {new.fixtures.path} (pass --fixtures to move it)"
        )
    if new.spec.url.startswith("file:"):
        click.echo(
            "codegen: note: the pin records a local file's URL; pass --commit and --path to "
            "record where it is upstream",
            err=True,
        )
    if (
        moved.previous is not None
        and moved.old is not None
        and moved.old.spec.sha256 != new.spec.sha256
    ):
        click.echo(
            f"next: codegen diff {_shown(moved.previous)} {lock}   (what changed in the "
            "generated API), then codegen generate"
        )
    elif moved.old is not None and moved.old.spec.sha256 != new.spec.sha256:
        click.echo(
            f"next: the old pin's spec (sha256 {moved.old.spec.sha256[:12]}) was not in the "
            f"cache; for what changed in the generated API: `git show HEAD:{lock} > "
            f"/tmp/old.lock.json` then codegen diff /tmp/old.lock.json {lock} (it downloads "
            "what the old pin names), then codegen generate"
        )


def _shown(path: Path) -> str:
    """A path as the user may type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def no_cache_option(command: F) -> F:
    return click.option(
        "--no-cache",
        is_flag=True,
        help="Format every file with black again; do not read or write the format cache "
        f"(kept outside the project, in ${cache.CACHE_ENV} or the user cache folder).",
    )(command)


def note(message: Optional[str], quiet: bool) -> None:
    """A remark on stderr that changes nothing about the result; silent with --quiet."""
    if message and not quiet:
        click.echo(f"codegen: note: {message}", err=True)


@main.command(name="generate")
@settings_options
@click.option(
    "--force",
    is_flag=True,
    help="Generate into a non-empty folder that has no codegen manifest (its files are kept).",
)
@no_cache_option
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success.")
@reports_errors
def generate_command(force: bool, no_cache: bool, quiet: bool, **options: Any) -> None:
    """Generate the client and docs into the output folder (atomically)."""
    settings = resolve_settings(**options)
    bar = ProgressBar(quiet)
    try:
        result, build = pipeline.generate(
            settings, use_cache=not no_cache, force=force, progress=bar
        )
    finally:
        bar.close()
    note(build.cache_note, quiet)
    for message in build.notes:
        note(message, quiet)
    if not quiet:
        click.echo(
            f"generated {settings.output}: {len(result.added)} added, {len(result.changed)} changed, "
            f"{len(result.unchanged)} unchanged, {len(result.removed)} removed"
        )


@main.command(name="check")
@settings_options
@no_cache_option
@click.option(
    "--diff",
    "show",
    flag_value="diff",
    help="Show a unified diff for each file that differs.",
)
@click.option(
    "--stat",
    "show",
    flag_value="stat",
    help="Show how many lines each differing file gains and loses.",
)
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Print only what is out of date; nothing when all is up to date.",
)
@reports_errors
def check_command(
    no_cache: bool, show: Optional[str], quiet: bool, **options: Any
) -> None:
    """Regenerate in memory and compare byte for byte with the output folder.

    Nothing is read from the repository to decide the verdict: the manifest is compared like
    any other file. Exit 0 when identical, 1 when not (one line per file; --diff or --stat for
    more), 2 on bad input.
    """
    settings = resolve_settings(**options)
    bar = ProgressBar(quiet)
    try:
        result = pipeline.check(settings, use_cache=not no_cache, progress=bar)
    finally:
        bar.close()
    note(result.cache_note, quiet)
    for message in result.notes:
        note(message, quiet)
    if result.interrupted is not None:
        click.echo(
            f"codegen check: a write of {settings.output} was interrupted; the previous "
            f"output is in {result.interrupted}. Run `codegen generate` to put it back and "
            "regenerate",
            err=True,
        )
        sys.exit(1)
    if result.black_mismatch is not None:
        # Every byte may differ only because black does: say that, in one line, instead of
        # printing diffs nobody can act on. The files that differ are still named.
        recorded, installed = result.black_mismatch
        click.echo(
            f"codegen check: {settings.output} was formatted by black {recorded} but black "
            f"{installed} is installed; install black=={recorded} to check it, or run "
            f"`codegen generate` to rewrite it with black {installed}",
            err=True,
        )
        for difference in result.differences:
            if difference.fails_check and difference.kind != "manifest":
                click.echo(f"{difference.kind}: {difference.path}")
        sys.exit(1)
    for difference in result.differences:
        if difference.kind == "unowned":
            note(f"{difference.path} is not generated by codegen; left alone", quiet)
            continue
        click.echo(describe_difference(difference, show))
        if show == "diff" and difference.diff:
            click.echo(difference.diff, nl=False)
    if not result.ok:
        more = "" if show else " (--diff shows the changes)"
        click.echo(
            f"codegen check: {settings.output} is out of date{more}; run `codegen generate`",
            err=True,
        )
        if result.pin_moved:
            click.echo(pin_moved_message(settings, result), err=True)
        sys.exit(1)
    if not quiet:
        click.echo(f"codegen check: {settings.output} is up to date")


def pin_moved_message(settings: Settings, result: pipeline.CheckResult) -> str:
    """Which command shows what the moved spec changed in the generated API."""
    recorded = result.recorded_spec_sha256 or ""
    moved = (
        f"codegen check: the spec moved since {settings.output} was generated (sha256 "
        f"{recorded[:12]} -> {result.spec_sha256[:12]}); "
    )
    target = _shown(settings.spec)
    if spec.is_pin_path(settings.spec):
        from .spec.move import stored_copy

        pin = spec.load_pin(settings.spec)
        kept = stored_copy(spec.cache_dir(settings.spec), recorded, pin.spec.name)
        if kept.is_file():
            return f"{moved}the API changelog: codegen diff {_shown(kept)} {target}"
    return (
        f"{moved}the API changelog: codegen diff OLD {target}, OLD being the spec or pin the "
        f"output was generated from (sha256 {recorded}), e.g. the pin from version control: "
        f"`git show HEAD:{target} > /tmp/old.lock.json` (codegen diff downloads what a pin names)"
    )


def describe_difference(difference: output.Difference, show: Optional[str]) -> str:
    """``kind: path``, with ``+added -removed`` lines under --stat."""
    line = f"{difference.kind}: {difference.path}"
    if show == "stat" and difference.kind in ("changed", "manifest"):
        added, removed = output.diff_stat(difference.diff)
        line += f" (+{added} -{removed})"
    return line


@main.command(name="diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="pyproject.toml to read [tool.codegen] from (selection, names, profile).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for a pull-request comment, json for tools.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["breaking", "any", "never"]),
    default="breaking",
    show_default=True,
    help="Exit 1 when a breaking change (or any change) is found; never: always exit 0.",
)
@selection_options
@reports_errors
def diff_command(
    old: Path,
    new: Path,
    config: Optional[Path],
    fmt: str,
    fail_on: str,
    operations: tuple[str, ...],
    globs: tuple[str, ...],
    path_prefixes: tuple[str, ...],
    all_operations: bool,
) -> None:
    """What changes in the generated Python API from spec OLD to spec NEW.

    \b
      codegen diff spec/cache/by-sha256/<sha256>.yaml spec/stripe.lock.json
      codegen diff old.yaml new.yaml --all --format markdown > changes.md

    OLD and NEW are pins (*.lock.json: the spec they name is taken from the cache, or
    downloaded and verified) or spec files. Both are lowered with the project's settings and
    selection; -o/--glob/--path-prefix/--all choose the operations compared instead (one
    that a spec lacks is reported as added or removed). The report lists, by resource, then
    models: methods added, removed or renamed, operation IDs changed, parameters, types,
    enum values, response fields and models, each breaking or not for a caller of the
    client, and a summary line. Exit 0: nothing breaking (with --fail-on any: no change);
    1: otherwise; 2: bad input (nothing is written).
    """
    from . import diff

    settings = load_settings(config, spec_given=True).with_overrides(
        operations=operations,
        globs=globs,
        path_prefixes=path_prefixes,
        all=all_operations,
    )
    before, before_sha = _diff_input(settings, old)
    after, after_sha = _diff_input(settings, new)
    # an operation selected on one side only is reported as added or removed
    old_api = pipeline.lower_spec_file(settings, before, missing_ok=True)
    if after_sha == before_sha:
        new_api = old_api  # the same bytes lower to the same API
    else:
        new_api = pipeline.lower_spec_file(settings, after, missing_ok=True)
    _refuse_unknown_operations(settings, old_api, new_api)
    changes = diff.compare_apis(old_api, new_api)
    report = diff.render_report(
        changes,
        fmt,
        diff.Side(str(old), before_sha, old_api.api_version),
        diff.Side(str(new), after_sha, new_api.api_version),
    )
    click.echo(report, nl=False)
    failing = {
        "breaking": diff.has_breaking(changes),
        "any": bool(changes),
        "never": False,
    }[fail_on]
    sys.exit(1 if failing else 0)


def _refuse_unknown_operations(settings: Settings, old: Any, new: Any) -> None:
    """An operation ID selected that neither spec has is a mistake, as for `generate`."""
    known = {op.operation_id for api in (old, new) for op in api.operations}
    unknown = [name for name in settings.operations if name not in known]
    if unknown and not settings.all:
        raise CodegenError(
            f"unknown operation ID {unknown[0]!r}: in neither spec",
            hint="run `codegen list` (with --spec) to see the operation IDs",
        )


def _diff_input(settings: Settings, given: Path) -> tuple[Path, str]:
    """The spec file a diff argument stands for (a pin's, from the cache or downloaded) and
    its sha256."""
    from .spec.move import locate_spec

    if not spec.is_pin_path(given):
        return spec.spec_digest(given)
    pin = spec.load_pin(given)
    stores = [spec.cache_dir(settings.spec)] if spec.is_pin_path(settings.spec) else []
    return locate_spec(pin, stores), pin.spec.sha256


@main.command(name="list")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="pyproject.toml to read [tool.codegen] from.",
)
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(path_type=Path),
    help="Spec pin (*.lock.json) or an OpenAPI file (JSON or YAML).",
)
@click.option(
    "--filter",
    "filter_text",
    help="Only operations whose ID, path or summary contains this text (case-insensitive).",
)
@click.option(
    "--glob",
    "globs",
    multiple=True,
    help="Only operation IDs matching this glob; repeatable.",
)
@click.option(
    "--method",
    type=click.Choice(["get", "post", "delete", "put", "patch"], case_sensitive=False),
    help="Only this HTTP method.",
)
@reports_errors
def list_command(
    config: Optional[Path],
    spec_path: Optional[Path],
    filter_text: Optional[str],
    globs: tuple[str, ...],
    method: Optional[str],
) -> None:
    """List the spec's operations: ID, method, path, Python call, summary (tab-separated).

    The call is how the generated client reads (``client.customers.sources.create``), with
    [tool.codegen] names applied. The summary is the spec's, or the first sentence of the
    description when it has none.
    """
    from . import text
    from .lower import operation_calls, operations_of

    settings = load_settings(config, spec_given=spec_path is not None).with_overrides(
        spec=spec_path
    )
    folder, _ = pipeline.cache_folder(settings)
    document = spec.load_spec(settings.spec, cache_folder=folder).document
    needle = (filter_text or "").lower()
    operations = operations_of(document)
    calls = operation_calls(
        document, operations, dict(settings.names), settings.pagination
    )
    for raw in operations:
        if method and raw.method != method.lower():
            continue
        if globs and not any(fnmatch.fnmatchcase(raw.operation_id, g) for g in globs):
            continue
        summary = text.summary_line(
            text.to_markdown(raw.operation.summary or raw.operation.description or "")
        )
        call = f"client.{calls[raw.operation_id].dotted}"
        if (
            needle
            and needle not in f"{raw.operation_id} {raw.path} {call} {summary}".lower()
        ):
            continue
        click.echo(
            f"{raw.operation_id}\t{raw.method.upper()}\t{raw.path}\t{call}\t{summary}"
        )


class LazyCommand(click.Command):
    """A command built on first use, so that its module is imported only when it runs.

    ``codegen gateway`` takes its defaults from the gateway package (an optional extra): the
    package is imported when the command runs or shows its help, never for ``check``,
    ``generate``, ``list`` or ``spec fetch``. ``codegen --help`` lists it from ``short_help``.
    """

    def __init__(
        self, name: str, build: Callable[[], click.Command], short_help: str
    ) -> None:
        super().__init__(name, short_help=short_help)
        self.build = build

    @functools.cached_property
    def command(self) -> click.Command:
        return self.build()

    def make_context(
        self,
        info_name: Optional[str],
        args: list[str],
        parent: Optional[click.Context] = None,
        **extra: Any,
    ) -> click.Context:
        return self.command.make_context(info_name, args, parent=parent, **extra)


def gateway_command() -> click.Command:
    """``codegen gateway`` with its options; the defaults come from ``generator.gateway.config``.

    That module and ``routes`` need only the standard library, so ``--help`` works without the
    extra; running needs Starlette and uvicorn, and says how to install them when missing.
    """
    from .gateway import config as defaults

    @click.command(name="gateway")
    @click.option(
        "--config",
        type=click.Path(dir_okay=False, path_type=Path),
        help="pyproject.toml to read [tool.codegen] from (the output folder).",
    )
    @click.option(
        "--output",
        type=click.Path(file_okay=False, path_type=Path),
        help="Output folder whose reference/ pages (and reference/routes.json) are served (default: generated).",
    )
    @click.option(
        "--host", default="127.0.0.1", show_default=True, help="Address to listen on."
    )
    @click.option(
        "--port",
        type=click.IntRange(0, 65535),
        default=defaults.DEFAULT_PORT,
        show_default=True,
        help="Port to listen on; 0 picks a free one.",
    )
    @click.option(
        "--upstream",
        default=defaults.DEFAULT_UPSTREAM,
        show_default=True,
        help="The API every request is forwarded to, fixed at start (http:// only to loopback).",
    )
    @click.option(
        "--allow-origin",
        "allow_origins",
        multiple=True,
        help="Another origin whose pages may call the gateway (CORS), e.g. http://localhost:3000; repeatable.",
    )
    @click.option(
        "--max-body-bytes",
        type=click.IntRange(min=1),
        default=defaults.DEFAULT_MAX_BODY_BYTES,
        show_default=True,
        help="Largest request body forwarded; larger ones get 413.",
    )
    @click.option(
        "--header-timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=defaults.DEFAULT_HEADER_TIMEOUT,
        show_default=True,
        help="Seconds for a request's whole head (request line and headers); then 408 and close.",
    )
    @click.option(
        "--body-timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=defaults.DEFAULT_BODY_TIMEOUT,
        show_default=True,
        help="Seconds for a request's whole body; then 408 and close.",
    )
    @click.option(
        "--send-timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=defaults.DEFAULT_SEND_TIMEOUT,
        show_default=True,
        help="Seconds a response waits for a client that stopped reading; then the connection is dropped.",
    )
    @click.option(
        "--max-header-bytes",
        type=click.IntRange(min=1),
        default=defaults.DEFAULT_MAX_HEADER_BYTES,
        show_default=True,
        help="Largest request head (request line and headers); larger ones get 431 (or 400).",
    )
    @click.option(
        "--max-headers",
        type=click.IntRange(min=1),
        default=defaults.DEFAULT_MAX_HEADERS,
        show_default=True,
        help="Most header fields in a request; more get 431.",
    )
    @click.option(
        "--max-connections",
        type=click.IntRange(min=1),
        default=defaults.DEFAULT_MAX_CONNECTIONS,
        show_default=True,
        help="Connections served at once; requests beyond get 503.",
    )
    @click.option(
        "--max-response-bytes",
        type=click.IntRange(min=1),
        default=defaults.DEFAULT_MAX_RESPONSE_BYTES,
        show_default=True,
        help="Largest upstream response body passed on; larger ones get 502.",
    )
    @reports_errors
    def gateway(
        config: Optional[Path],
        output: Optional[Path],
        host: str,
        port: int,
        upstream: str,
        allow_origins: tuple[str, ...],
        max_body_bytes: int,
        header_timeout: float,
        body_timeout: float,
        send_timeout: float,
        max_header_bytes: int,
        max_headers: int,
        max_connections: int,
        max_response_bytes: int,
    ) -> None:
        """Serve the reference pages and forward the generated operations to the API.

        The API key comes from STRIPE_API_KEY in the gateway's environment and is added to
        each forwarded request; the pages never see it. Only the operations listed in the
        output's reference/routes.json (written by `codegen generate`) are forwarded.
        Needs the gateway extra: pip install 'codegen[gateway]'.
        """
        try:
            from .gateway.serve import serve
        except ImportError as error:
            if (error.name or "").startswith("generator"):
                raise  # a bug of ours, not a missing extra
            raise CodegenError(
                f"`codegen gateway` needs the gateway extra: {error.name or error} is not installed",
                hint=f"{defaults.INSTALL_HINT} (Starlette and uvicorn)",
            ) from None
        settings = load_settings(config).with_overrides(output=output)
        serve(
            pages=settings.output / "reference",
            host=host,
            port=port,
            upstream=upstream,
            allow_origins=allow_origins,
            max_body_bytes=max_body_bytes,
            limits=defaults.Limits(
                header_timeout=header_timeout,
                body_timeout=body_timeout,
                send_timeout=send_timeout,
                max_header_bytes=max_header_bytes,
                max_headers=max_headers,
                max_connections=max_connections,
                max_response_bytes=max_response_bytes,
            ),
        )

    return gateway


main.add_command(
    LazyCommand(
        "gateway",
        gateway_command,
        "Serve the reference pages and forward their calls (needs the gateway extra).",
    )
)

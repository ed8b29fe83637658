"""Render the IR into source text: ``{relative path: text}``.

The renderer only renders: one Jinja2 environment, a template by name, a static file, the
generated-file header. Which files exist and what each template receives is decided by
``generator.present`` (one module per output kind); the renderer knows no page kind.

Templates come from the top-level ``templates/`` folder. A user folder set by the
``templates`` setting comes first in the search path, so a file there overrides the built-in
template of the same name.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import pickle
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import jinja2
import jinja2.bccache

from . import cache, ir, present
from .errors import CodegenError
from .present.files import File, Static, Template, Text
from .present.files import header as header
from .present.files import runtime_header as runtime_header
from .sources import ASSETS, BUILTIN_TEMPLATES, RUNTIME

GENERIC_SUFFIX = "_generic.py"
RUNTIME_FILES = tuple(
    sorted(
        path.name
        for path in RUNTIME.glob("*.py")
        if path.name not in ("__init__.py", "_constants.py")
        and not path.name.endswith(GENERIC_SUFFIX)
    )
)
"""Modules of ``generator/runtime/`` that every package ships (``_constants.py`` there is
only the runtime's own stand-in for the generated one)."""
GENERIC_TWINS = {
    name: twin
    for name in RUNTIME_FILES
    if (RUNTIME / (twin := name[: -len(".py")] + GENERIC_SUFFIX)).is_file()
}
"""The runtime modules that differ for an API other than Stripe's, and the twin
(``_core.py``: ``_core_generic.py``) its package ships under the module's name."""
PROFILE_FILES = tuple(
    name
    for name in RUNTIME_FILES
    if name in GENERIC_TWINS or name in present.package.STRIPE_ONLY_RUNTIME
)
"""The runtime modules that depend on the profile: rendered once the spec is read."""
COMMON_FILES = tuple(name for name in RUNTIME_FILES if name not in PROFILE_FILES)
"""The runtime modules every package ships as they are: rendered before the spec is read."""
STATIC_FILES: dict[str, Path] = {
    **{f"package/{name}": RUNTIME / name for name in RUNTIME_FILES},
    **{f"package/{twin}": RUNTIME / twin for twin in GENERIC_TWINS.values()},
    **{
        f"reference/assets/{name}": ASSETS / name
        for name in ("reference.css", "reference.js")
    },
}
"""Files copied, not rendered, by the name a user's templates folder overrides them with."""


@dataclass(frozen=True)
class RenderOptions:
    package: str
    templates: Optional[Path] = (
        None  # a user folder whose files override the built-in ones
    )
    # the user's cache folder, where compiled templates are kept (None: compile every run)
    cache_folder: Optional[Path] = None


def builtin_names() -> list[str]:
    """Every name a user file can override: the built-in templates relative to ``templates/``
    (``docs/index.md.jinja``) and the static files (``package/_base_client.py``)."""
    return sorted(
        [
            path.relative_to(BUILTIN_TEMPLATES).as_posix()
            for path in BUILTIN_TEMPLATES.rglob("*")
            if path.is_file()
        ]
        + list(STATIC_FILES)
    )


def _files_under(folder: Path) -> list[str]:
    """Relative names of the files in a user templates folder; hidden files and folders
    (``.git``, ``.DS_Store``) are left out. A folder that cannot be read is an error."""

    def refuse(error: OSError) -> None:
        raise CodegenError(
            f"cannot read templates folder {error.filename or folder}: "
            f"{(error.strerror or str(error)).lower()}",
            hint="make it readable, or point `templates` / --templates elsewhere",
        ) from error

    names = []
    for top, dirs, files in os.walk(folder, onerror=refuse):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.startswith("."):
                names.append((Path(top) / name).relative_to(folder).as_posix())
    return sorted(names)


def _misspelt(name: str, builtins: list[str]) -> Optional[str]:
    """The built-in template a user file was probably meant to override, or ``None`` when it
    is a helper template (base name starting with ``_``, not a near-miss of a built-in one).
    """
    if name.endswith(".jinja") and name[: -len(".jinja")] in STATIC_FILES:
        return name[: -len(".jinja")]  # static files are copied, not rendered
    folder, _, base = name.rpartition("/")
    same_base = [b for b in builtins if b.rpartition("/")[2] == base]
    if same_base:  # the right name in the wrong folder
        return same_base[0]
    if base.startswith("_"):
        siblings = [
            b.rpartition("/")[2] for b in builtins if b.rpartition("/")[0] == folder
        ]
        close = difflib.get_close_matches(base, siblings, n=1, cutoff=0.9)
        return f"{folder}/{close[0]}".lstrip("/") if close else None
    return (
        difflib.get_close_matches(name, builtins, n=1, cutoff=0.0) or [builtins[0]]
    )[0]


def check_overrides(folder: Path) -> None:
    """Refuse a file in the user templates folder that overrides no built-in template.

    A misspelt override would otherwise be ignored silently. Helper templates (for
    ``{% include %}`` / ``{% import %}`` from an override) are allowed: their base names
    start with ``_`` (``docs/_macros.md.jinja``).
    """
    builtins = builtin_names()
    known = set(builtins)
    wrong = []
    for name in _files_under(folder):
        if name in known:
            continue
        meant = _misspelt(name, builtins)
        if meant is not None:
            wrong.append(f"{name!r} (did you mean {meant!r}?)")
    if wrong:
        raise CodegenError(
            f"templates folder {folder}: {', '.join(wrong)} "
            f"{'overrides' if len(wrong) == 1 else 'override'} no built-in template",
            hint="name an override exactly like the built-in file it replaces (relative to "
            "templates/; the runtime modules and reference assets without .jinja); helper "
            "templates for include/import must start with `_`",
        )


#: The environment's settings: they shape the compiled templates, so they key their cache too.
_ENVIRONMENT_SETTINGS: dict[str, Any] = {
    "keep_trailing_newline": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
}
_AUTOESCAPED = ("html", "html.jinja")


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates, kept in the user's cache folder (``generator.cache``).

    Compiling the templates costs more than rendering them for one operation. Jinja keys an
    entry by the template's name and file and checks the sha1 of its source; the folder's
    name adds the Jinja and Python versions and the environment's settings. As with every
    cache here, one that cannot be read or written is an empty one.
    """

    def __init__(self, folder: Path) -> None:
        settings = repr(
            (jinja2.__version__, sys.version, _ENVIRONMENT_SETTINGS, _AUTOESCAPED)
        )
        key = hashlib.sha256(settings.encode("utf-8")).hexdigest()[:16]
        super().__init__(str(cache.template_code_folder(folder) / key))

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def environment(
    user_templates: Optional[Path], cache_folder: Optional[Path] = None
) -> jinja2.Environment:
    """The one Jinja environment; with ``cache_folder``, compiled templates are kept there."""
    loaders: list[jinja2.BaseLoader] = []
    if user_templates is not None:
        if not user_templates.is_dir():
            raise CodegenError(
                f"templates folder {user_templates} does not exist",
                hint="point the `templates` setting or --templates at a folder of .jinja files",
            )
        check_overrides(user_templates)
        loaders.append(jinja2.FileSystemLoader(str(user_templates)))
    loaders.append(jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES)))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(
            enabled_extensions=_AUTOESCAPED, default_for_string=False
        ),
        bytecode_cache=(
            None if cache_folder is None else _CompiledTemplates(cache_folder)
        ),
        **_ENVIRONMENT_SETTINGS,
    )


class Renderer:
    """Templates by name and static files, with ``common`` values given to every template."""

    def __init__(self, options: RenderOptions, common: dict[str, Any]) -> None:
        self.options = options
        self.env = environment(options.templates, options.cache_folder)
        self.common = common

    def template(self, name: str, **context: Any) -> str:
        try:
            template = self.env.get_template(name)
            return template.render(**self.common, **context)
        except jinja2.TemplateNotFound as error:
            if error.name == name:
                raise CodegenError(
                    f"template {name!r} not found",
                    hint="restore it, or remove the override",
                ) from error
            raise self._error(
                name, error, "failed", f"template {error.name!r} not found"
            ) from error
        except jinja2.TemplateSyntaxError as error:  # compile errors, also of includes
            where = (error.filename, error.lineno)
            raise self._error(
                name, error, "is invalid", error.message, where
            ) from error
        except OSError as error:  # an override that cannot be read
            raise CodegenError(
                f"cannot read template {error.filename or name}: "
                f"{(error.strerror or str(error)).lower()}",
                hint="make the file readable, or remove the override",
            ) from error
        except (
            Exception
        ) as error:  # undefined variables, bad filters, errors in expressions
            raise self._error(name, error, "failed", str(error)) from error

    def _error(
        self,
        name: str,
        error: BaseException,
        verb: str,
        detail: Optional[str],
        where: Optional[tuple[Optional[str], Optional[int]]] = None,
    ) -> CodegenError:
        """``template 'docs/index.md.jinja' failed at line 3: ...``, with ``file:line`` as the
        place. The line comes from the error itself (syntax errors) or, at run time, from the
        last template frame of the traceback: Jinja rewrites tracebacks so that those frames
        carry the template's file name and line."""
        filename, lineno = where or self._template_frame(error)
        inner = self._template_name(filename) if filename else None
        shown = repr(name) if inner in (None, name) else f"{inner!r} (used by {name!r})"
        at = f" at line {lineno}" if lineno else ""
        builtin = filename is not None and self._is_builtin(filename)
        return CodegenError(
            f"template {shown} {verb}{at}: {detail or type(error).__name__}",
            pointer=f"{filename}:{lineno}" if filename and lineno else filename,
            hint=(
                "this is a bug in a built-in template; please report it"
                if builtin
                else "fix the template"
            ),
        )

    def _roots(self) -> list[Path]:
        roots = [BUILTIN_TEMPLATES]
        if self.options.templates is not None:
            roots.insert(0, Path(os.path.abspath(self.options.templates)))
        return roots

    def _template_frame(
        self, error: BaseException
    ) -> tuple[Optional[str], Optional[int]]:
        last: tuple[Optional[str], Optional[int]] = (None, None)
        for frame in traceback.extract_tb(error.__traceback__):
            if self._template_name(frame.filename) is not None:
                last = (frame.filename, frame.lineno)
        return last

    def _template_name(self, filename: str) -> Optional[str]:
        path = Path(os.path.abspath(filename))
        for root in self._roots():
            if path.is_relative_to(root):
                return path.relative_to(root).as_posix()
        return None

    def _is_builtin(self, filename: str) -> bool:
        path = Path(os.path.abspath(filename))
        user = self._roots()[0] if self.options.templates is not None else None
        return path.is_relative_to(BUILTIN_TEMPLATES) and not (
            user is not None and path.is_relative_to(user)
        )

    def static(self, name: str) -> str:
        """The text of a static file (``package/_base_client.py``): the user's override of
        that name if there is one, else the built-in file. It is copied, not rendered.
        """
        path = STATIC_FILES[name]
        if self.options.templates is not None:
            override = self.options.templates / name
            if override.is_file():
                path = override
        try:
            return path.read_text(encoding="utf-8")
        except OSError as error:
            raise CodegenError(
                f"cannot read {path}: {(error.strerror or str(error)).lower()}",
                hint="make the file readable, or remove the override",
            ) from error
        except UnicodeDecodeError as error:
            raise CodegenError(
                f"{path} is not UTF-8 text: {error}",
                hint="save the file as UTF-8",
            ) from error

    def emit(self, file: File) -> str:
        """The text of one planned file."""
        if isinstance(file, Template):
            return file.header + self.template(file.name, **file.values())
        if isinstance(file, Static):
            return file.header + self.static(file.name)
        assert isinstance(file, Text)
        return file.text


def render(api: ir.Api, options: RenderOptions) -> dict[str, str]:
    """Every generated file's text, keyed by its path relative to the output folder."""
    _, files = render_one_by_one(api, options)
    runtime = render_runtime(options) + render_runtime(options, api.profile)
    return dict(runtime) | dict(files)


def render_runtime(
    options: RenderOptions, profile: Optional[str] = None
) -> list[tuple[str, str]]:
    """The runtime modules' ``(path, text)`` (``present.runtime_plan``): without a
    ``profile`` those that depend on no spec (``COMMON_FILES``), with one those of that
    profile (``PROFILE_FILES``)."""
    if profile is None:
        plan = present.runtime_plan(options.package, COMMON_FILES)
    else:
        plan = present.runtime_plan(
            options.package, PROFILE_FILES, profile, GENERIC_TWINS
        )
    renderer = Renderer(options, plan.common)
    return [(file.path, renderer.emit(file)) for file in plan.files]


def render_one_by_one(
    api: ir.Api, options: RenderOptions
) -> tuple[int, Iterator[tuple[str, str]]]:
    """How many files the spec makes, and each one's ``(path, text)``, rendered only when it
    is reached: the next stage can start on the first files while the rest are rendered.
    """
    plan = present.plan(api, options.package)
    renderer = Renderer(options, plan.common)
    return len(plan.files), ((file.path, renderer.emit(file)) for file in plan.files)

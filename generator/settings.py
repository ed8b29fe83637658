"""Settings: ``[tool.codegen]`` in ``pyproject.toml``, each overridable by a CLI option."""

from __future__ import annotations

import keyword
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Optional

from .errors import CodegenError, did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.9 and 3.10
    import tomli as tomllib

KNOWN_KEYS = (
    "spec",
    "output",
    "package",
    "operations",
    "globs",
    "path_prefixes",
    "all",
    "templates",
    "names",
    "profile",
    "pagination",
    "auth",
)

AUTH_KEYS = ("env_prefix", "idempotency_header", "schemes")
"""The keys of ``[tool.codegen.auth]``."""
SCHEME_KEYS = ("arguments", "env_vars")
"""The keys of ``[tool.codegen.auth.schemes.<key>]``."""
_ENV_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an HTTP token (RFC 9110)

PROFILE_CHOICES = ("auto", "stripe", "generic")

PAGINATION_KEYS = ("cursor_parameter", "items", "next_cursor")
"""``[tool.codegen.pagination]``: how the API's list calls page, when it is not one of the
shapes codegen recognises (Stripe's): the query parameter that asks for a page, and the
dotted paths in the response body of the items and of the next page's cursor."""


@dataclass(frozen=True)
class TokenPaging:
    """``[tool.codegen.pagination]``: the query parameter that asks for a page, and the
    dotted paths in the response body of the items and of the next page's cursor."""

    cursor_parameter: str
    items: str
    next_cursor: str


@dataclass(frozen=True)
class AuthNames:
    """``[tool.codegen.auth]``: the prefix of the environment variables and, per scheme key,
    the constructor arguments and environment variables that replace the derived ones.
    """

    env_prefix: Optional[str] = None
    idempotency_header: Optional[str] = None  # generic profile: sent on POSTs when set
    arguments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    env_vars: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    root: Path  # folder of the pyproject.toml; relative paths are relative to it
    spec: Path
    output: Path
    # None: named after the spec's title (``naming.default_package_name``)
    package: Optional[str] = None
    operations: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()
    path_prefixes: tuple[str, ...] = ()
    all: bool = False
    templates: Optional[Path] = None
    # operation ID -> dotted call after ``client.`` (``customers.sources.add``)
    names: tuple[tuple[str, str], ...] = ()
    # whose conventions the client follows: "auto" (detected from the spec), "stripe", "generic"
    profile: str = "auto"
    # [tool.codegen.pagination], or None: only Stripe's page shapes are recognised
    pagination: Optional[TokenPaging] = None
    # [tool.codegen.auth]: the env var prefix, the idempotency header, per-scheme renames
    auth: AuthNames = AuthNames()

    def with_overrides(self, **values: Any) -> "Settings":
        """Apply CLI options that were given (``None`` or empty means not given)."""
        given = {k: v for k, v in values.items() if v not in (None, (), False)}
        for key in ("spec", "output", "templates"):
            if key in given:
                given[key] = Path(given[key]).resolve()
        if any(k in given for k in ("operations", "globs", "path_prefixes", "all")):
            given = {
                "operations": (),
                "globs": (),
                "path_prefixes": (),
                "all": False,
                **given,
            }
        return replace(self, **given)


def is_package_name(name: str) -> bool:
    """A name ``import`` accepts: an identifier that is not a keyword."""
    return package_name_problem(name) is None


def package_name_problem(name: str) -> Optional[str]:
    """Why ``name`` cannot be the generated package's name (with a fix), or ``None``."""
    if keyword.iskeyword(name):  # soft keywords (match, type) are fine to import
        return f"{name!r} is a Python keyword; pick another name such as {name}_client"
    if name.isidentifier():
        return None
    suggestion = re.sub(r"\W+", "_", name).strip("_") or "stripe_client"
    if not suggestion[0].isalpha():
        suggestion = "client_" + suggestion
    if not suggestion.isidentifier() or keyword.iskeyword(suggestion):
        suggestion = "stripe_client"
    return f"{name!r} is not a Python identifier; pick a name such as {suggestion}"


def describe(value: object) -> str:
    """A TOML value as a user would name it: ``the string 'no'``, ``a list``."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {value!r}" if value else "an empty string"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the float {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a date/time ({value})"


def find_config(start: Path) -> Optional[Path]:
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


#: What each key holds, as said in error messages.
EXPECTED = {
    "spec": "a path (a string)",
    "output": "a path (a string)",
    "templates": "a path (a string)",
    "package": "a Python identifier (a string)",
    "operations": "a list of strings",
    "globs": "a list of strings",
    "path_prefixes": "a list of strings",
    "all": "true or false",
    "names": "a table of operation IDs to dotted calls (strings)",
    "profile": "one of " + ", ".join(repr(p) for p in PROFILE_CHOICES),
    "pagination": "a table of " + ", ".join(PAGINATION_KEYS) + " (non-empty strings)",
    "auth": "a table (env_prefix, idempotency_header, schemes)",
    "auth.env_prefix": "an environment variable prefix such as 'PETSTORE' (a string)",
    "auth.idempotency_header": "an HTTP header name such as 'Idempotency-Key' (a string)",
    "auth.schemes": "a table of security scheme keys to tables",
    "auth.arguments": "a list of Python identifiers",
    "auth.env_vars": "a list of environment variable names",
}
EXAMPLES = {
    "spec": 'spec = "spec/stripe.lock.json"',
    "output": 'output = "generated"',
    "templates": 'templates = "my_templates"',
    "package": 'package = "stripe_client"',
    "operations": 'operations = ["PostCustomersCustomerSources"]',
    "globs": 'globs = ["GetCustomers*"]',
    "path_prefixes": 'path_prefixes = ["/v1/customers"]',
    "all": "all = true   (or false; a TOML boolean, without quotes)",
    "names": '[tool.codegen.names] then PostCustomersCustomerSources = "customers.sources.add"',
    "profile": 'profile = "generic"   (or "stripe"; "auto", the default, detects it)',
    "pagination": '[tool.codegen.pagination] then cursor_parameter = "after", '
    'items = "data", next_cursor = "meta.next_cursor"',
    "auth": '[tool.codegen.auth] then env_prefix = "PETSTORE"',
    "auth.env_prefix": '[tool.codegen.auth] then env_prefix = "PETSTORE"',
    "auth.idempotency_header": '[tool.codegen.auth] then idempotency_header = "Idempotency-Key"',
    "auth.schemes": '[tool.codegen.auth.schemes.api_key] then arguments = ["token"]',
    "auth.arguments": '[tool.codegen.auth.schemes.api_key] then arguments = ["token"]',
    "auth.env_vars": '[tool.codegen.auth.schemes.api_key] then env_vars = ["PETSTORE_TOKEN"]',
}


def load_settings(config: Optional[Path], *, spec_given: bool = False) -> Settings:
    """The ``[tool.codegen]`` settings of ``config`` or of the pyproject.toml found upward
    from the current folder. With none found, a command given ``--spec`` (``spec_given``)
    runs with the defaults, rooted at the current folder: no project is needed to try a spec.
    """
    path = config or find_config(Path.cwd())
    if path is None:
        if spec_given:
            return _settings_from({}, Path.cwd().resolve(), where="")
        raise CodegenError(
            "no pyproject.toml found",
            hint="run inside the project, pass --config, or pass --spec with a spec file",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise CodegenError(
            f"cannot read {path}: {reason}",
            hint="make the file readable, or pass --config with another pyproject.toml",
        ) from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CodegenError(
            f"cannot read {path}: {error}", hint="fix the file or pass --config"
        ) from error
    tool = data.get("tool", {})
    table = tool.get("codegen", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise CodegenError(
            f"[tool.codegen] must be a table, found {describe(table)}",
            pointer=str(path),
            hint="write the settings under a `[tool.codegen]` header, one `key = value` a line",
        )
    unknown = sorted(set(table) - set(KNOWN_KEYS))
    if unknown:
        named = ", ".join(f"{key!r}{did_you_mean(key, KNOWN_KEYS)}" for key in unknown)
        raise CodegenError(
            f"unknown setting(s) in [tool.codegen]: {named}",
            pointer=f"{path}",
            hint="known settings: " + ", ".join(KNOWN_KEYS),
        )
    return _settings_from(table, path.parent.resolve(), where=str(path))


def _settings_from(table: dict[str, Any], root: Path, *, where: str) -> Settings:
    """The settings a ``[tool.codegen]`` table holds (read from ``where``), checked; paths
    are relative to ``root``."""

    def wrong(key: str, found: str) -> CodegenError:
        return CodegenError(
            f"[tool.codegen] {key} must be {EXPECTED[key]}, found {found}",
            pointer=where,
            hint=f"write it as: {EXAMPLES[key]}",
        )

    def as_tuple(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list):
            raise wrong(key, describe(value))
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise wrong(key, f"{describe(item)} at {key}[{index}]")
        return tuple(value)

    def as_path(key: str, default: Optional[str]) -> Optional[Path]:
        value = table.get(key, default)
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise wrong(key, describe(value))
        return (root / value).resolve()

    package = table.get("package")
    if package is not None and not isinstance(package, str):
        raise wrong("package", describe(package))
    problem = None if package is None else package_name_problem(package)
    if problem is not None:
        raise CodegenError(
            f"[tool.codegen] package: {problem}",
            pointer=where,
            hint="the package name is what users import; change `package` in [tool.codegen]",
        )
    everything = table.get("all", False)
    if not isinstance(everything, bool):
        raise wrong("all", describe(everything))
    names = table.get("names", {})
    if not isinstance(names, dict):
        raise wrong("names", describe(names))
    for op_id, call in names.items():
        if not isinstance(call, str):
            raise wrong("names", f"{describe(call)} at names.{op_id}")
    profile = table.get("profile", "auto")
    if profile not in PROFILE_CHOICES:
        raise wrong("profile", describe(profile))
    pagination = _pagination(table.get("pagination"), wrong)
    auth = _auth_names(table.get("auth", {}), wrong)
    spec = as_path("spec", "spec/stripe.lock.json")
    output = as_path("output", "generated")
    assert spec is not None and output is not None
    return Settings(
        root=root,
        spec=spec,
        output=output,
        package=package,
        operations=as_tuple("operations"),
        globs=as_tuple("globs"),
        path_prefixes=as_tuple("path_prefixes"),
        all=everything,
        templates=as_path("templates", None),
        names=tuple(sorted(names.items())),
        profile=profile,
        pagination=pagination,
        auth=auth,
    )


def _auth_names(table: object, wrong: Callable[[str, str], CodegenError]) -> AuthNames:
    """``[tool.codegen.auth]`` checked: ``wrong(key, found)`` makes the error of a value."""
    if not isinstance(table, dict):
        raise wrong("auth", describe(table))
    unknown = sorted(set(table) - set(AUTH_KEYS))
    if unknown:
        key = unknown[0]
        raise wrong("auth", f"the unknown key {key!r}{did_you_mean(key, AUTH_KEYS)}")
    prefix = table.get("env_prefix")
    if prefix is not None and (
        not isinstance(prefix, str) or not _ENV_VAR.fullmatch(prefix)
    ):
        raise wrong("auth.env_prefix", describe(prefix))
    header = table.get("idempotency_header")
    if header is not None and (
        not isinstance(header, str) or not _HEADER_NAME.fullmatch(header)
    ):
        raise wrong("auth.idempotency_header", describe(header))
    schemes = table.get("schemes", {})
    if not isinstance(schemes, dict):
        raise wrong("auth.schemes", describe(schemes))
    arguments: dict[str, tuple[str, ...]] = {}
    env_vars: dict[str, tuple[str, ...]] = {}
    for key, scheme in schemes.items():
        if not isinstance(scheme, dict):
            raise wrong("auth.schemes", f"{describe(scheme)} at schemes.{key}")
        extra = sorted(set(scheme) - set(SCHEME_KEYS))
        if extra:
            found = f"the unknown key {extra[0]!r}{did_you_mean(extra[0], SCHEME_KEYS)}"
            raise wrong("auth.schemes", f"{found} at schemes.{key}")
        for name, pattern, into in (
            ("arguments", None, arguments),
            ("env_vars", _ENV_VAR, env_vars),
        ):
            if name not in scheme:
                continue
            values = scheme[name]
            if not isinstance(values, list) or not values:
                raise wrong(
                    f"auth.{name}", f"{describe(values)} at schemes.{key}.{name}"
                )
            for index, value in enumerate(values):
                valid = isinstance(value, str) and (
                    pattern.fullmatch(value)
                    if pattern is not None
                    else value.isidentifier() and not keyword.iskeyword(value)
                )
                if not valid:
                    raise wrong(
                        f"auth.{name}",
                        f"{describe(value)} at schemes.{key}.{name}[{index}]",
                    )
            into[key] = tuple(values)
    return AuthNames(
        env_prefix=prefix,
        idempotency_header=header,
        arguments=arguments,
        env_vars=env_vars,
    )


def _pagination(
    value: object, wrong: Callable[[str, str], CodegenError]
) -> Optional[TokenPaging]:
    """``[tool.codegen.pagination]`` checked: every key of ``PAGINATION_KEYS``, each a
    non-empty string (the paths dotted names: ``meta.cursor.after``)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise wrong("pagination", describe(value))
    unknown = sorted(set(value) - set(PAGINATION_KEYS))
    if unknown:
        key = unknown[0]
        raise wrong(
            "pagination", f"the unknown key {key!r}{did_you_mean(key, PAGINATION_KEYS)}"
        )
    found = []
    for key in PAGINATION_KEYS:
        item = value.get(key)
        if item is None:
            raise wrong("pagination", f"no {key}")
        if not isinstance(item, str) or not item.strip():
            raise wrong("pagination", f"{describe(item)} at pagination.{key}")
        if key != "cursor_parameter" and not all(part for part in item.split(".")):
            raise wrong("pagination", f"the path {item!r} at pagination.{key}")
        found.append(item)
    return TokenPaging(*found)

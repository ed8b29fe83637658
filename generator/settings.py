"""Settings: ``[tool.codegen]`` in ``pyproject.toml``, each overridable by a CLI option."""

from __future__ import annotations

import keyword
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Optional

from .errors import CodegenError

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
)


@dataclass(frozen=True)
class Settings:
    root: Path  # folder of the pyproject.toml; relative paths are relative to it
    spec: Path
    output: Path
    package: str = "stripe_client"
    operations: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()
    path_prefixes: tuple[str, ...] = ()
    all: bool = False
    templates: Optional[Path] = None

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
    return name.isidentifier() and not keyword.iskeyword(name)


def find_config(start: Path) -> Optional[Path]:
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(config: Optional[Path]) -> Settings:
    path = config or find_config(Path.cwd())
    if path is None:
        raise CodegenError(
            "no pyproject.toml found", hint="run inside the project, or pass --config"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CodegenError(
            f"cannot read {path}: {error}", hint="fix the file or pass --config"
        ) from error
    table = data.get("tool", {}).get("codegen", {})
    unknown = sorted(set(table) - set(KNOWN_KEYS))
    if unknown:
        raise CodegenError(
            f"unknown setting(s) in [tool.codegen]: {', '.join(unknown)}",
            pointer=f"{path}",
            hint="known settings: " + ", ".join(KNOWN_KEYS),
        )
    root = path.parent.resolve()

    def as_tuple(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CodegenError(
                f"[tool.codegen] {key} must be a list of strings", pointer=str(path)
            )
        return tuple(value)

    templates = table.get("templates")
    package = str(table.get("package", "stripe_client"))
    if not is_package_name(package):
        raise CodegenError(
            f"package {package!r} is not a Python identifier", pointer=str(path)
        )
    return Settings(
        root=root,
        spec=(root / table.get("spec", "spec/stripe.lock.json")).resolve(),
        output=(root / table.get("output", "generated")).resolve(),
        package=package,
        operations=as_tuple("operations"),
        globs=as_tuple("globs"),
        path_prefixes=as_tuple("path_prefixes"),
        all=bool(table.get("all", False)),
        templates=(root / templates).resolve() if templates else None,
    )

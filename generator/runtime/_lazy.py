"""Names imported on first use: how the `models` package keeps the first call fast.

Creating a pydantic class costs far more than any other part of importing the package, and a
call needs only the models of its response. So each model lives in a module of its own,
annotations that name another model are quoted (importing `Card` never imports `Customer`),
and the package imports a model's module when the name is first read:

    from .._lazy import lazy_exports

    __getattr__, __dir__ = lazy_exports(__name__, {"Card": "card", "Customer": "customer"})

Quoted names are resolved by `resolve` (lenient parsing) and by `namespace` (pydantic's
strict validation and serialisation), both looking them up in the models package.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, Callable, Dict, List, Mapping, Optional, Set, Tuple

__all__ = ["lazy_exports", "namespace", "resolve"]

_LAZY_PACKAGES: Set[str] = set()


def lazy_exports(
    package: str, modules: Mapping[str, str]
) -> Tuple[Callable[[str], Any], Callable[[], List[str]]]:
    """The module-level `__getattr__` and `__dir__` of `package`, whose name `X` is defined
    in its submodule `modules["X"]`."""

    _LAZY_PACKAGES.add(package)

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(
            sys.modules[package], name, value
        )  # read as a plain attribute from now on
        return value

    def __dir__() -> List[str]:
        return sorted(set(vars(sys.modules[package])) | set(modules))

    return __getattr__, __dir__


def resolve(module: str, name: str) -> Any:
    """What the quoted annotation `name` in `module` (a model's module) stands for: a name
    of the module itself, else of its package (importing it). Raises AttributeError."""
    found = vars(sys.modules[module]).get(name)
    if found is not None:
        return found
    package = module.rpartition(".")[0]
    return getattr(importlib.import_module(package), name)


def namespace(module: str) -> Optional[Dict[str, Any]]:
    """Every name the package of `module` exports (`__all__`), each imported; None when
    that package is no package of `lazy_exports` (its models quote nothing).

    Pydantic resolves quoted annotations in one namespace before it validates or serialises a
    model, and the graph of models one response reaches is most of the package anyway.
    """
    name = module.rpartition(".")[0]
    if name not in _LAZY_PACKAGES:
        return None
    package = sys.modules[name]
    names: List[str] = list(getattr(package, "__all__", ()))
    return {export: getattr(package, export) for export in names}

"""Shared fixtures: the fetched spec and fixtures, and the generated package under a new name."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator import cache, spec

ROOT = Path(__file__).resolve().parents[1]
PIN = ROOT / "spec" / "stripe.lock.json"


@pytest.fixture(scope="session")
def stripe_spec() -> dict[str, Any]:
    """The pinned spec, as fetched by `codegen spec fetch` (never a copy in the repo)."""
    return spec.load_spec(PIN, cache_folder=user_cache_folder()).data


def user_cache_folder() -> Path | None:
    """The cache folder codegen itself uses for this project (outside the repository)."""
    return cache.trusted_folder(ROOT)[0]


@pytest.fixture(scope="session")
def stripe_fixtures() -> dict[str, Any]:
    path = spec.cache_dir(PIN) / spec.load_pin(PIN).fixtures.name
    resources: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))[
        "resources"
    ]
    return resources


def generate_into(out: Path, *options: str) -> Path:
    """Run `codegen generate --quiet` with the repo's settings into `out`; return `out`.

    The spec must have been fetched (`codegen spec fetch`); if not, the run fails and says so.
    """
    command = [sys.executable, "-m", "generator", "generate", "--quiet"]
    command += [
        "--config",
        str(ROOT / "pyproject.toml"),
        "--output",
        str(out),
        *options,
    ]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""  # --quiet, and no progress bar when not on a terminal
    return out


def import_copy(source: Path, target_parent: Path, name: str) -> ModuleType:
    """Copy a generated package under another name and import it: proves it is vendorable."""
    shutil.copytree(source, target_parent / name)
    sys.path.insert(0, str(target_parent))
    try:
        importlib.invalidate_caches()
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(target_parent))


@pytest.fixture(scope="session")
def vendored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The committed `generated/stripe_client`, imported as `vendored_stripe`."""
    module = import_copy(
        ROOT / "generated" / "stripe_client",
        tmp_path_factory.mktemp("vendor"),
        "vendored_stripe",
    )
    yield module
    for key in [
        k
        for k in sys.modules
        if k == "vendored_stripe" or k.startswith("vendored_stripe.")
    ]:
        del sys.modules[key]


ALL_OPERATIONS_PACKAGE = "stripe_all"


@pytest.fixture(scope="session")
def all_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every operation of the pinned spec, generated once per session (package ``stripe_all``):
    the all-operations tests call it, the reference's browser tests search its index."""
    out = tmp_path_factory.mktemp("all") / "out"
    return generate_into(out, "--all", "--package", ALL_OPERATIONS_PACKAGE)

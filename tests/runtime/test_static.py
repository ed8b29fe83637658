"""The generated runtime is `mypy --strict` clean and black-stable, also under another name."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Set

from .conftest import COMMITTED, RUNTIME_FILES


def test_mypy_strict(package_dir: Path, ops_dir: Path, tmp_path: Path) -> None:
    """Both copies type-check under their new names: only relative imports."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "mypy_cache"),
            str(package_dir),
            str(ops_dir),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_black_stable(package_dir: Path) -> None:
    files = [str(package_dir / name) for name in (*RUNTIME_FILES, "_constants.py")]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "black",
            "--check",
            "--diff",
            "--target-version",
            "py39",
            *files,
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_both_copies_share_the_committed_runtime(ops_dir: Path) -> None:
    """The operations package runs the very runtime modules that are committed."""
    for name in RUNTIME_FILES:
        assert (ops_dir / name).read_bytes() == (
            COMMITTED / name
        ).read_bytes(), f"{name}: generated/ is stale, run `codegen generate`"


# --- errors.py for a spec without a typed error object -----------------------------------
# Stripe's spec has one; without it the generated `_constants.py` hands errors the raw
# `error` object, as `generator/runtime/_constants.py` does (tested in test_runtime_modules).


def _exported(tree: ast.Module) -> Set[str]:
    """The names listed in the module's `__all__`."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__"
            for target in node.targets
        ):
            return set(ast.literal_eval(node.value))
    return set()


def unused_imports(source: str) -> Set[str]:
    tree = ast.parse(source)
    imported: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imported |= {(a.asname or a.name).split(".")[0] for a in node.names}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used |= _exported(
        tree
    )  # a re-export, as `_base_client` does for the split-out modules
    return imported - used


def test_runtime_modules_import_only_what_they_use() -> None:
    for name in (*RUNTIME_FILES, "_constants.py"):
        assert unused_imports((COMMITTED / name).read_text()) == set(), name

"""The generated runtime is `mypy --strict` clean and black-stable, also under another name."""

from __future__ import annotations

import ast
import subprocess
import sys
import types
from pathlib import Path
from typing import Set

import httpx

from generator.render import environment

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


def test_black_stable(package_dir: Path, tmp_path: Path) -> None:
    without_error_model = tmp_path / "errors_without_error_model.py"
    without_error_model.write_text(render_errors_without_error_model())
    files = [str(package_dir / name) for name in RUNTIME_FILES]
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
            str(without_error_model),
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
# Stripe's spec has one, so this variant of the template exists in no real package: it is
# rendered here from `templates/package/errors.py.jinja` and tested as a unit.


def render_errors_without_error_model() -> str:
    template = environment(None).get_template("package/errors.py.jinja")
    return template.render(error_detail_model=None, error_model=None)


def unused_imports(source: str) -> Set[str]:
    tree = ast.parse(source)
    imported: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imported |= {(a.asname or a.name).split(".")[0] for a in node.names}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return imported - used


def test_errors_module_imports_only_what_it_uses() -> None:
    assert unused_imports((COMMITTED / "errors.py").read_text()) == set()
    assert unused_imports(render_errors_without_error_model()) == set()


def test_errors_without_error_model_keep_the_raw_error() -> None:
    module = types.ModuleType("errors_without_error_model")
    exec(
        compile(render_errors_without_error_model(), module.__name__, "exec"),
        vars(module),
    )
    body = '{"error": {"type": "card_error", "message": "Declined", "code": "x"}}'
    error = module.error_from_response(402, httpx.Headers({"Request-Id": "r"}), body)
    assert type(error) is module.CardError
    assert error.error == {"type": "card_error", "message": "Declined", "code": "x"}
    assert (error.message, error.code, error.request_id) == ("Declined", "x", "r")
    assert module.error_from_response(400, httpx.Headers(), "<html>").error is None

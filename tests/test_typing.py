"""The generator itself is ``mypy --strict`` clean (the settings are in pyproject.toml), and the
runtime modules every generated package ships, as well as the committed package, are clean
under pyright strict (for users who check their code with pyright or Pylance)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from tests.support.typecheck import pyright_strict

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_strict_passes_on_the_generator(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "generator",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Success: no issues found" in run.stdout


def _pyright_strict(folder: Path, tmp_path: Path) -> Dict[str, Any]:
    """pyright's JSON report on `folder` (see `tests.support.typecheck`)."""
    run = pyright_strict(
        tmp_path, [os.path.relpath(folder, tmp_path)], json_report=True
    )
    try:
        report: Dict[str, Any] = json.loads(run.stdout)
    except ValueError:
        pytest.fail(
            f"pyright did not report (exit {run.returncode}; it needs node, which it"
            f" downloads on first run):\n{run.stdout}\n{run.stderr}"
        )
    return report


def _problems(report: Dict[str, Any]) -> List[str]:
    return [
        f"{item['file']}:{item['range']['start']['line'] + 1}: {item['message']}"
        f" ({item.get('rule', '')})"
        for item in report["generalDiagnostics"]
        if item["severity"] == "error"
    ]


def _stripe_runtime(folder: Path) -> Path:
    """The runtime as Stripe's package ships it, in `folder`: without the generic twins,
    which are checked where they are shipped (the golden package)."""
    runtime = folder / "runtime"
    runtime.mkdir()
    for path in (ROOT / "generator" / "runtime").glob("*.py"):
        if not path.name.endswith("_generic.py"):
            shutil.copy(path, runtime / path.name)
    return runtime


GOLDEN = ROOT / "tests" / "golden" / "expected" / "orchard_client"


@pytest.mark.parametrize(
    "folder",
    [
        pytest.param(None, id="runtime"),
        pytest.param(ROOT / "generated" / "stripe_client", id="generated-package"),
        pytest.param(GOLDEN, id="generic-package"),
    ],
)
@pytest.mark.timeout(600)
def test_pyright_strict_passes(folder: Optional[Path], tmp_path: Path) -> None:
    if folder is None:
        folder = _stripe_runtime(tmp_path)
    report = _pyright_strict(folder, tmp_path)
    summary = report["summary"]
    # Every module was checked, not an empty selection.
    assert summary["filesAnalyzed"] >= len(list(folder.glob("*.py"))), summary
    problems = _problems(report)
    if folder == GOLDEN:
        # The generic runtime, `_client` and `_constants`: the modules made per operation
        # (models/, params/, resources/) are checked by mypy in tests/test_golden.py.
        problems = [p for p in problems if Path(p.split(":")[0]).parent == GOLDEN]
        assert not problems, "\n".join(problems)
        return
    assert summary["errorCount"] == 0 and not problems, "\n".join(problems)

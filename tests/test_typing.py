"""The generator itself is ``mypy --strict`` clean (the settings are in pyproject.toml), and the
runtime modules every generated package ships, as well as the committed package, are clean
under pyright strict (for users who check their code with pyright or Pylance)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

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
    """pyright's JSON report on `folder`, checked in strict mode for Python 3.9 (the oldest
    version generated packages support) with the test interpreter's packages (httpx,
    pydantic).

    Fails, never skips, when pyright is missing: it is in the `test` extra, so a missing one
    is a broken setup and skipping would hide every error.
    """
    if importlib.util.find_spec("pyright") is None:
        pytest.fail(
            "pyright is not installed; it is a test dependency: pip install -e '.[test]'"
        )
    config = tmp_path / "pyrightconfig.json"
    # pyright ignores absolute paths in "include": they are relative to the config's folder.
    config.write_text(
        json.dumps(
            {
                "typeCheckingMode": "strict",
                "include": [os.path.relpath(folder, tmp_path)],
                "pythonVersion": "3.9",
            }
        )
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pyright",
            "--outputjson",
            "--pythonpath",
            sys.executable,
            "-p",
            str(config),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=540,
        # No "new version available" notice (nor its network look-up) in the output.
        env={**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"},
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


@pytest.mark.parametrize(
    "folder",
    [
        pytest.param(ROOT / "generator" / "runtime", id="runtime"),
        pytest.param(ROOT / "generated" / "stripe_client", id="generated-package"),
    ],
)
@pytest.mark.timeout(600)
def test_pyright_strict_passes(folder: Path, tmp_path: Path) -> None:
    report = _pyright_strict(folder, tmp_path)
    summary = report["summary"]
    # Every module was checked, not an empty selection.
    assert summary["filesAnalyzed"] >= len(list(folder.glob("*.py"))), summary
    problems = _problems(report)
    assert summary["errorCount"] == 0 and not problems, "\n".join(problems)

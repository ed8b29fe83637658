"""The one way the tests run pyright strict: on files of a folder, for Python 3.9.

pyright is in the `test` extra, so a missing one is a broken setup: the run fails, never
skips, since skipping would hide every error. It checks against the test interpreter's
packages (httpx, pydantic), and needs node, which it downloads on its first run.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest


def pyright_strict(
    cwd: Path, include: Sequence[str], *, json_report: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run pyright strict on `include` (paths relative to `cwd`, where its config is written).

    With `json_report`, stdout is pyright's JSON report (`--outputjson`).
    """
    if importlib.util.find_spec("pyright") is None:
        pytest.fail(
            "pyright is not installed; it is a test dependency: pip install -e '.[test]'"
        )
    config = cwd / "pyrightconfig.json"
    # pyright ignores absolute paths in "include": they are relative to the config's folder.
    config.write_text(
        json.dumps(
            {
                "typeCheckingMode": "strict",
                "include": list(include),
                "pythonVersion": "3.9",
            }
        ),
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "pyright"]
    command += ["--outputjson"] if json_report else []
    command += ["--pythonpath", sys.executable, "-p", str(config)]
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=540,
        # No "new version available" notice (nor its network look-up) in the output.
        env={**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"},
    )

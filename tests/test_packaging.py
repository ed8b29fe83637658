"""What installing codegen brings: declared dependencies, the gateway as an optional extra.

``codegen check`` (the job CI runs) must work without the gateway's web stack: the CLI is run
in a subprocess whose ``sitecustomize`` makes ``import starlette`` and ``import uvicorn`` fail,
as on a machine where ``pip install codegen`` was run without ``[gateway]``.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import generate_into

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
GATEWAY_ONLY = ("starlette", "uvicorn")

BLOCKER = """\
import sys

BLOCKED = {blocked!r}


class Blocker:
    \"\"\"As if these distributions were not installed.\"\"\"

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None


sys.meta_path.insert(0, Blocker())
"""


def run_without_extra(
    tmp_path: Path, *args: str, python_options: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(BLOCKER.format(blocked=GATEWAY_ONLY))
    path = os.pathsep.join([str(hook), str(ROOT)])
    return subprocess.run(
        [sys.executable, *python_options, "-m", "generator", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path, "STRIPE_API_KEY": "sk_test_x"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_into(tmp_path_factory.mktemp("generated"))


def test_the_blocker_really_blocks(tmp_path: Path) -> None:
    probe = run_without_extra(tmp_path, "--version")
    assert probe.returncode == 0, probe.stderr
    code = "import starlette"
    hook = tmp_path / "hook"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(hook)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "No module named 'starlette'" in result.stderr


def test_check_works_without_the_gateway_extra_and_imports_none_of_it(
    tmp_path: Path, tree: Path
) -> None:
    result = run_without_extra(
        tmp_path,
        "check",
        "--config",
        str(ROOT / "pyproject.toml"),
        "--output",
        str(tree),
        python_options=("-X", "importtime"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    imported = {
        found.group(1).strip()
        for found in re.finditer(r"^import time:.*\|\s*(\S+)\s*$", result.stderr, re.M)
    }
    assert "generator.cli" in imported  # the log is what it seems
    for name in ("starlette", "uvicorn", "generator.gateway"):
        assert not any(
            module == name or module.startswith(name + ".") for module in imported
        ), name


def test_gateway_without_the_extra_is_exit_2_with_the_install_hint(
    tmp_path: Path, tree: Path
) -> None:
    result = run_without_extra(tmp_path, "gateway", "--output", str(tree))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert re.fullmatch(
        r"codegen: error: `codegen gateway` needs the gateway extra: "
        r"(starlette|uvicorn) is not installed",
        lines[0],
    ), lines
    assert lines[1] == "  fix: pip install 'codegen[gateway]' (Starlette and uvicorn)"
    assert "Traceback" not in result.stderr
    # Its help (and its defaults) need only the standard library.
    helped = run_without_extra(tmp_path, "gateway", "--help")
    assert helped.returncode == 0 and "[default: 8787;" in helped.stdout


# --- pyproject.toml: every import declared, every package shipped -----------------------------


def _distribution(requirement: str) -> str:
    name = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"generator", "__future__"}


def test_every_import_of_generator_is_a_declared_dependency() -> None:
    core = {_distribution(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = PYPROJECT["project"]["optional-dependencies"]
    gateway = core | {_distribution(r) for r in extras["gateway"]}
    providers = importlib.metadata.packages_distributions()
    undeclared = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        allowed = gateway if "gateway" in path.relative_to(ROOT).parts else core
        for name in sorted(_imports(path)):
            if name == "tomli":  # Python < 3.11 only, declared with a marker
                continue
            dists = {_distribution(d) for d in providers.get(name, [name])}
            if not dists & allowed:
                undeclared.append(f"{path.relative_to(ROOT)}: {name} ({dists})")
    assert undeclared == []
    assert {"beautifulsoup4", "markdownify", "black", "markdown-it-py"} <= core
    assert not {"starlette", "uvicorn"} & core


def test_only_what_shapes_the_output_is_pinned_exactly() -> None:
    pinned = {
        _distribution(r)
        for r in PYPROJECT["project"]["dependencies"]
        if "==" in r.split(";")[0]
    }
    # yaml-rs decides what a YAML spec's scalars are, so it shapes the output too; inflection
    # the singular nouns of the titles made from calls ("Create a source")
    shaping = {
        *("black", "markdown-it-py", "markdownify", "beautifulsoup4", "yaml-rs"),
        "inflection",
    }
    assert pinned == shaping
    for name in pinned:  # and the pin is what this environment generates with
        pin = next(
            r for r in PYPROJECT["project"]["dependencies"] if _distribution(r) == name
        )
        assert pin.split("==")[1].split()[0] == importlib.metadata.version(name)


def _folders(root: Path, prefix: str) -> set[str]:
    """Dotted names of ``root`` and of its folders that hold files (git keeps no empty ones)."""
    return {
        ".".join([prefix, *folder.relative_to(root).parts])
        for folder in [root, *root.rglob("*")]
        if folder == root
        or folder.is_dir()
        and folder.name != "__pycache__"
        and any(child.is_file() for child in folder.iterdir())
    }


def test_every_folder_of_generator_and_templates_is_shipped() -> None:
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    expected = _folders(ROOT / "generator", "generator") | _folders(
        ROOT / "templates", "generator.templates"
    )
    assert listed == expected
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {
        "generator.templates": "templates"
    }

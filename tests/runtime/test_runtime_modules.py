"""The runtime as code: `generator/runtime/` imported, type-checked and run directly.

The generated packages ship these modules unchanged (with the generated-file header); the
tests against a generated copy are in the other files of this folder.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from generator import __version__
from generator.render import GENERIC_TWINS, RUNTIME, RUNTIME_FILES
from generator.runtime import _base_client, _constants, _encoding, errors


def _run(*command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


ALL_RUNTIME_FILES = (*RUNTIME_FILES, *GENERIC_TWINS.values())
"""Every shipped runtime module, the generic twins included."""


def generic_runtime(folder: Path) -> Path:
    """The runtime as a package of an API other than Stripe's ships it, in `folder`: each
    generic twin under its module's name, no webhooks, and the stand-in `_constants`."""
    package = folder / "generic_runtime"
    package.mkdir()
    for name in (*RUNTIME_FILES, "_constants.py", "__init__.py"):
        if name != "webhooks.py":
            shutil.copy(RUNTIME / GENERIC_TWINS.get(name, name), package / name)
    return package


def test_the_runtime_is_mypy_strict_clean_on_its_own(tmp_path: Path) -> None:
    # The twins type-check where they are shipped: test_the_generic_runtime_is_mypy_...
    twins = [f"(^|/){re.escape(twin)}$" for twin in GENERIC_TWINS.values()]
    _run(
        "mypy",
        "--strict",
        "--no-incremental",
        "--cache-dir",
        str(tmp_path / "cache"),
        "--exclude",
        "|".join(twins),
        str(RUNTIME),
    )


def test_the_generic_runtime_is_mypy_strict_clean_on_its_own(tmp_path: Path) -> None:
    package = generic_runtime(tmp_path)
    _run(
        "mypy",
        "--strict",
        "--no-incremental",
        "--cache-dir",
        str(tmp_path / "cache"),
        str(package),
    )


def test_the_runtime_is_black_formatted() -> None:
    """The copy in the output is then what black would make of it (the header is comments)."""
    files = [str(RUNTIME / name) for name in (*ALL_RUNTIME_FILES, "_constants.py")]
    _run("black", "--check", "--diff", "--target-version", "py39", *files)


def test_the_runtime_has_no_template_syntax() -> None:
    for name in ALL_RUNTIME_FILES:
        text = (RUNTIME / name).read_text(encoding="utf-8")
        assert "{{" not in text and "{%" not in text, name


def test_per_package_values_come_from_constants() -> None:
    assert _constants.VERSION == __version__
    assert _base_client.DEFAULT_BASE_URL == _constants.BASE_URL
    assert _base_client.DEFAULT_STRIPE_VERSION == _constants.API_VERSION
    # The User-Agent and the logger follow the import name: here `generator.runtime`.
    assert _base_client.USER_AGENT.startswith(f"generator.runtime/{__version__} ")
    assert _base_client.logger.name == "generator.runtime"


def test_without_a_typed_error_model_errors_keep_the_raw_error() -> None:
    body = '{"error": {"type": "card_error", "message": "Declined", "code": "x"}}'
    error = errors.error_from_response(402, httpx.Headers({"Request-Id": "r"}), body)
    assert type(error) is errors.CardError
    assert error.error == {"type": "card_error", "message": "Declined", "code": "x"}
    assert (error.message, error.code, error.request_id) == ("Declined", "x", "r")
    assert errors.error_from_response(400, httpx.Headers(), "<html>").error is None
    assert (
        errors.error_from_response(400, httpx.Headers(), '{"error": 1}').error is None
    )


# --- encoding styles -----------------------------------------------------------------------


def _encoded(values: dict[str, object], styles: dict[str, str]) -> str:
    return _encoding.urlencode_pairs(_encoding.encode_params(values, styles))


def test_unlisted_parameters_are_deep_objects() -> None:
    values = {"card": {"number": "42", "tags": ["a", None, "b"]}, "n": 1}
    assert _encoded(values, {}) == "card[number]=42&card[tags][0]=a&card[tags][1]=b&n=1"


def test_form_with_explode() -> None:
    values = {"ids": ["a", None, "b"], "filter": {"status": "open", "x": None}}
    styles = {"ids": "form", "filter": "form"}
    assert _encoded(values, styles) == "ids=a&ids=b&status=open"


def test_form_without_explode_keeps_delimiting_commas_literal() -> None:
    values = {
        "tags": ["x", "y,z", None, "a b"],
        "point": {"x": 1, "y": Decimal("0.5"), "z": None},
        "one": True,
        "empty": [],
    }
    styles = {name: "formUnexploded" for name in values}
    assert _encoded(values, styles) == "tags=x,y%2Cz,a+b&point=x,1,y,0.5&one=true"
    # a multipart field takes the plain text
    assert _encoding.encode_params({"tags": ["x", "y"]}, styles) == [("tags", "x,y")]


def test_values_a_style_cannot_spell_are_sent_as_deep_objects() -> None:
    """OpenAPI defines form only for scalars, arrays of scalars and objects, and without
    explode only one level deep: the rest keeps the bracket notation."""
    assert _encoded({"a": [{"k": "v"}, "x"]}, {"a": "form"}) == "a[0][k]=v&a[1]=x"
    assert _encoded({"o": {"p": {"q": 1}}}, {"o": "form"}) == "p[q]=1"
    unexploded = {"t": "formUnexploded", "o": "formUnexploded"}
    values = {"t": [["x"], "y"], "o": {"p": {"q": 1}}}
    assert _encoded(values, unexploded) == "t[0][0]=x&t[1]=y&o[p][q]=1"


def test_an_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="tabDelimited"):
        _encoding.encode_params({"ids": [1]}, {"ids": "tabDelimited"})


# --- the runtime's shape: modules with one job each, no cycles ----------------------------

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"


def _relative_imports(name: str) -> set[str]:
    """The runtime modules `name` imports (`from .x import ...`), as file names."""
    tree = ast.parse((RUNTIME / name).read_text(encoding="utf-8"))
    return {
        f"{node.module}.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
    }


def test_every_runtime_module_is_shipped() -> None:
    modules = {path.name for path in RUNTIME.glob("*.py")}
    assert set(ALL_RUNTIME_FILES) == modules - {"__init__.py", "_constants.py"}
    assert set(GENERIC_TWINS) <= set(RUNTIME_FILES)
    assert list(RUNTIME_FILES) == sorted(RUNTIME_FILES)
    assert {"_base_client.py", "_retries.py", "_logs.py"} <= set(RUNTIME_FILES)
    assert {"_params.py", "_pagination.py"} <= set(RUNTIME_FILES)  # params, pages


@pytest.mark.parametrize("generic", [False, True], ids=["stripe", "generic"])
def test_runtime_modules_import_no_cycle(generic: bool) -> None:
    twins = GENERIC_TWINS if generic else {}
    graph = {
        name: _relative_imports(twins.get(name, name))
        for name in (*RUNTIME_FILES, "_constants.py")
        if not (generic and name == "webhooks.py")
    }
    assert all(imported <= set(graph) for imported in graph.values()), graph
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name not in done:
            for imported in sorted(graph[name]):
                visit(imported, (*path, name))
            done.add(name)

    for name in sorted(graph):
        visit(name, ())
    assert "_base_client.py" not in set().union(*graph.values())  # only a facade


def test_runtime_modules_are_small() -> None:
    for name in ALL_RUNTIME_FILES:
        lines = (RUNTIME / name).read_text(encoding="utf-8").count("\n")
        assert lines <= 600, f"{name}: {lines} lines"


def _base_client_imports(text: str) -> set[str]:
    """The names a module or template imports from `_base_client`, one line or parenthesized
    (a Jinja line inside the parentheses, such as a loop over names, is skipped)."""
    names: set[str] = set()
    for match in re.finditer(
        r"from \.+_base_client import (?:\(([^)]*)\)|([\w, ]+))", text
    ):
        block = match.group(1) if match.group(1) is not None else match.group(2)
        for line in block.splitlines() or [block]:
            if "{" in line:
                continue
            names |= {n.strip() for n in line.split(",") if n.strip()}
    return names


GENERATED_PACKAGES = [
    ROOT / "generated" / "stripe_client",
    ROOT / "tests" / "golden" / "expected" / "orchard_client",
]


def test_base_client_exports_what_the_templates_import() -> None:
    """Every name the templates and the generated modules take from `_base_client` exists.

    Resource modules import a computed list (`base_imports`), so the committed output and
    the golden tree are read as well as the templates."""
    imported: set[str] = set()
    for template in TEMPLATES.glob("package/**/*.jinja"):
        imported |= _base_client_imports(template.read_text("utf-8"))
    assert {"SyncAPIClient", "AsyncAPIClient", "Backoff", "SyncPage"} <= imported
    for package in GENERATED_PACKAGES:
        for module in package.rglob("*.py"):
            imported |= _base_client_imports(module.read_text("utf-8"))
    assert {
        "SyncAPIClient",
        "AsyncAPIClient",
        "RequestOptions",
        "ResponseType",
        "Backoff",
        "PageType",
        "SyncPage",
        "AsyncPage",
        "AsyncPaginator",
    } <= imported
    exported = set(_base_client.__all__) | _exports(RUNTIME / "_base_client_generic.py")
    assert imported <= exported, imported - exported
    for name in _base_client.__all__:
        assert getattr(_base_client, name) is not None, name


def _exports(path: Path) -> set[str]:
    """The names in the `__all__` of the module at `path`."""
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__"
            for target in node.targets
        ):
            return set(ast.literal_eval(node.value))
    return set()


def test_each_package_imports_what_its_base_client_exports() -> None:
    for package in GENERATED_PACKAGES:
        exported = _exports(package / "_base_client.py")
        for module in package.rglob("*.py"):
            imported = _base_client_imports(module.read_text("utf-8"))
            assert imported <= exported, (module, imported - exported)

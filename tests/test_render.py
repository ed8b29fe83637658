"""Unit tests for generator.render: the file set, headers, and user template overrides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest

from generator import __version__, ir
from generator.errors import CodegenError
from generator.format import format_python
from generator.lower import Selection, lower_document
from generator.render import (
    ASSETS,
    BUILTIN_TEMPLATES,
    GENERIC_TWINS,
    RUNTIME,
    RUNTIME_FILES,
    RenderOptions,
    header,
    runtime_header,
    render,
)
from generator.spec import parse_document

SHA = "0123456789abcdef" * 4


def _ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "200": {
            "description": "ok",
            "content": {"application/json": {"schema": schema}},
        }
    }


SPEC: dict[str, Any] = {
    "openapi": "3.0.0",
    "info": {"title": "Tiny API", "version": "2024-06-01"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/v1/customers/{customer}": {
            "get": {
                "operationId": "GetCustomersCustomer",
                "summary": "Retrieve a customer",
                "parameters": [
                    {
                        "name": "customer",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "expand",
                        "in": "query",
                        "style": "deepObject",
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                ],
                "responses": _ok({"$ref": "#/components/schemas/customer"}),
            },
            "post": {
                "operationId": "PostCustomersCustomer",
                "parameters": [
                    {
                        "name": "customer",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "email": {"type": "string", "maxLength": 512},
                                    "metadata": {
                                        "anyOf": [
                                            {
                                                "type": "object",
                                                "additionalProperties": {
                                                    "type": "string"
                                                },
                                            },
                                            {"type": "string", "enum": [""]},
                                        ]
                                    },
                                },
                            },
                            "encoding": {
                                "metadata": {"style": "deepObject", "explode": True}
                            },
                        }
                    }
                },
                "responses": _ok({"$ref": "#/components/schemas/customer"}),
            },
        },
        "/v1/balance": {
            "get": {
                "operationId": "GetBalance",
                "responses": _ok(
                    {
                        "type": "object",
                        "title": "balance",
                        "properties": {"available": {"type": "integer"}},
                    }
                ),
            }
        },
    },
    "components": {
        "schemas": {
            "customer": {
                "type": "object",
                "required": ["id", "object"],
                "properties": {
                    "id": {"type": "string"},
                    "object": {"type": "string", "enum": ["customer"]},
                    "email": {"type": "string", "nullable": True},
                },
            }
        }
    },
}

PACKAGE = "tiny"


@pytest.fixture(scope="module")
def api() -> ir.Api:
    return lower_document(parse_document(SPEC), Selection(all=True), spec_sha256=SHA)


@pytest.fixture(scope="module")
def files(api: ir.Api) -> dict[str, str]:
    return render(api, RenderOptions(package=PACKAGE))


# The tiny spec is not Stripe's: its package ships the generic runtime, without webhooks.
SHIPPED_RUNTIME = tuple(name for name in RUNTIME_FILES if name != "webhooks.py")


def test_file_set(files: dict[str, str]) -> None:
    # every runtime module is shipped (more are added as the runtime grows), at least these
    runtime = set(SHIPPED_RUNTIME)
    assert {
        "_async_client.py",
        "_base_client.py",
        "_core.py",
        "_deadlines.py",
        "_encoding.py",
        "_logs.py",
        "_model_base.py",
        "_options.py",
        "_pagination.py",
        "_params.py",
        "_responses.py",
        "_retries.py",
        "_sync_client.py",
        "errors.py",
    } <= runtime
    package = {
        f"{PACKAGE}/{name}"
        for name in (
            *runtime,
            "__init__.py",
            "_client.py",
            "_constants.py",
            # one module per model, imported on first use
            "models/__init__.py",
            "models/balance.py",
            "models/customer.py",
            "py.typed",
            "params/__init__.py",
            "params/balance.py",
            "params/customers.py",
            "resources/__init__.py",
            "resources/balance.py",
            "resources/customers.py",
        )
    }
    # pages are named by call
    operations = ("balance.retrieve", "customers.retrieve", "customers.update")
    documentation = {"docs/index.md", "docs/models.md"} | {
        f"docs/operations/{name}.md" for name in operations
    }
    reference = {
        "reference/index.html",
        "reference/assets/reference.css",
        "reference/assets/reference.js",
        "reference/routes.json",  # what the gateway forwards
    } | {f"reference/operations/{name}.html" for name in operations}
    # one page per model, as the models package has one module per model
    reference |= {"reference/models/balance.html", "reference/models/customer.html"}
    assert set(files) == package | documentation | reference


def test_every_python_file_compiles(files: dict[str, str]) -> None:
    python = [path for path in files if path.endswith(".py")]
    # the runtime modules and twelve of the package's own: __init__, _client, _constants,
    # models/ (an __init__ and one module per model), params/ and resources/ (an __init__
    # and one module per group each)
    assert len(python) == len(SHIPPED_RUNTIME) + 12
    for path in python:
        compile(files[path], path, "exec")


def test_every_file_starts_with_the_header(files: dict[str, str], api: ir.Api) -> None:
    lines = [
        f"Generated by codegen {__version__} from Tiny API 2024-06-01",
        f"(spec sha256 {SHA}).",
        "Do not edit: change the spec, settings or templates and run `codegen generate`.",
    ]
    python_header = "".join(f"# {line}\n" for line in lines)
    markdown_header = "<!--\n" + "".join(f"  {line}\n" for line in lines) + "-->\n"
    html_header = "<!DOCTYPE html>\n" + markdown_header
    asset_header = "/*\n" + "".join(f" * {line}\n" for line in lines) + " */\n"
    assert header(api, comment="#") == python_header
    expected = {".py": python_header, ".md": markdown_header, ".html": html_header}
    runtime = {f"{PACKAGE}/{name}" for name in RUNTIME_FILES}
    for path, text in files.items():
        if path.endswith(".typed"):
            assert text == ""
            continue
        if path in runtime:  # the same in every package: no spec named
            assert text.startswith(
                f"# Generated by codegen {__version__}: the runtime every generated"
                " package ships,\n# copied unchanged. Do not edit: it is replaced by"
                " `codegen generate`.\n"
            ), path
            continue
        if path.endswith(".json"):  # JSON has no comments: the header is a field
            assert text.startswith('{\n  "generated": "' + " ".join(lines[:2])), path
            continue
        suffix = path[path.rindex(".") :]
        assert text.startswith(expected.get(suffix, asset_header)), path


def test_markdown_header_is_an_html_comment(api: ir.Api) -> None:
    assert header(api, comment="<!--") == (
        "<!--\n"
        f"  Generated by codegen {__version__} from Tiny API 2024-06-01\n"
        f"  (spec sha256 {SHA}).\n"
        "  Do not edit: change the spec, settings or templates and run `codegen generate`.\n"
        "-->\n"
    )


def test_generated_code_uses_the_ir(files: dict[str, str]) -> None:
    resources = files[f"{PACKAGE}/resources/customers.py"]
    assert "class CustomersResource:" in resources
    assert "class AsyncCustomersResource:" in resources
    assert 'f"/v1/customers/{quote_path(customer)}"' in resources
    params = files[f"{PACKAGE}/params/customers.py"]
    assert "class CustomersUpdateParams(TypedDict, total=False):" in params
    assert "class CustomersRetrieveParams(TypedDict, total=False):" in params
    assert "RequestModel" not in params
    assert "    def update(\n" in resources and "    def retrieve(\n" in resources
    assert "class Customer(APIModel):" in files[f"{PACKAGE}/models/customer.py"]
    assert "class Balance(APIModel):" in files[f"{PACKAGE}/models/balance.py"]
    exports = files[f"{PACKAGE}/models/__init__.py"]
    assert "    from .customer import Customer\n" in exports
    assert '    "Customer": "customer",\n' in exports


def test_runtime_files_and_assets_are_copied_unchanged(
    files: dict[str, str], api: ir.Api
) -> None:
    """Only the header is added: `generator/runtime/` is black-formatted, so the copy is what
    black makes of it, and the assets have no template syntax left to render."""
    for name in SHIPPED_RUNTIME:
        expected = (RUNTIME / GENERIC_TWINS.get(name, name)).read_text(encoding="utf-8")
        assert files[f"{PACKAGE}/{name}"] == runtime_header() + expected, name
    for name in ("reference.css", "reference.js"):
        text = files[f"reference/assets/{name}"]
        assert text.endswith("*/\n" + (ASSETS / name).read_text(encoding="utf-8"))


def test_constants_hold_the_per_package_values(files: dict[str, str]) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(files[f"{PACKAGE}/_constants.py"], "_constants.py", "exec"), namespace)
    assert namespace["PACKAGE_NAME"] == PACKAGE
    assert namespace["VERSION"] == __version__
    assert namespace["API_VERSION"] == "2024-06-01"
    assert namespace["BASE_URL"] == "https://api.example.com"
    assert namespace["LOG_ENV_VAR"] == "TINY_LOG"
    assert namespace["IDEMPOTENCY_HEADER"] is None
    # the tiny spec declares no typed error object: the JSON object is kept
    assert namespace["parse_error_body"]({"a": 1}) == {"a": 1}
    assert namespace["parse_error_body"]([1]) is None


def test_package_name_is_used(api: ir.Api) -> None:
    other = render(api, RenderOptions(package="vendored"))
    assert "vendored/_client.py" in other
    assert not any(path.startswith(f"{PACKAGE}/") for path in other)
    assert "from vendored import Client" in other["docs/operations/balance.retrieve.md"]


# --- user templates ------------------------------------------------------------------------


def test_override_one_template_by_file_name(
    tmp_path: Path, api: ir.Api, files: dict[str, str]
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md.jinja").write_text(
        "CUSTOM INDEX for {{ site.title }} ({{ site.operation_count }} operations)\n",
        encoding="utf-8",
    )
    custom = render(api, RenderOptions(package=PACKAGE, templates=tmp_path))
    assert custom["docs/index.md"] == (
        header(api, comment="<!--") + "CUSTOM INDEX for Tiny API (3 operations)\n"
    )
    assert set(custom) == set(files)
    for path in files:
        if path != "docs/index.md":
            assert custom[path] == files[path], path


def test_override_a_runtime_file_and_an_asset_by_name(
    tmp_path: Path, api: ir.Api, files: dict[str, str]
) -> None:
    """Static files are overridden by a plain file of their name, copied as it is."""
    # the tiny spec's package ships the generic twin, overridden by its own name
    write(tmp_path, "package/_base_client_generic.py", "# {{ not rendered }}\n")
    write(tmp_path, "reference/assets/reference.css", "body { color: red; }\n")
    custom = render(api, RenderOptions(package=PACKAGE, templates=tmp_path))
    base = f"{PACKAGE}/_base_client.py"
    assert custom[base] == runtime_header() + "# {{ not rendered }}\n"
    assert custom["reference/assets/reference.css"].endswith(
        "*/\nbody { color: red; }\n"
    )
    changed = {base, "reference/assets/reference.css"}
    assert {p for p in files if custom[p] != files[p]} == changed


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("package/_base_client.py.jinja", "package/_base_client.py"),  # not a template
        ("package/_base_clent.py", "package/_base_client.py"),
        ("reference/assets/reference.js.jinja", "reference/assets/reference.js"),
        ("package/runtime/errors.py", "package/errors.py"),
    ],
)
def test_a_misspelt_static_override_is_refused(
    tmp_path: Path, api: ir.Api, name: str, meant: str
) -> None:
    write(tmp_path, name, "x = 1\n")
    with pytest.raises(CodegenError, match="overrides no built-in template") as caught:
        render(api, RenderOptions(package=PACKAGE, templates=tmp_path))
    assert f"{name!r} (did you mean {meant!r}?)" in caught.value.message


def test_builtin_templates_folder_exists() -> None:
    assert (BUILTIN_TEMPLATES / "docs" / "index.md.jinja").is_file()
    assert (BUILTIN_TEMPLATES / "package" / "models" / "model.py.jinja").is_file()


def test_missing_templates_folder(tmp_path: Path, api: ir.Api) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(CodegenError, match="templates folder .* does not exist"):
        render(api, RenderOptions(package=PACKAGE, templates=missing))


def test_undefined_variable_in_override_is_codegen_error(
    tmp_path: Path, api: ir.Api
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md.jinja").write_text(
        "{{ no_such_variable }}\n", encoding="utf-8"
    )
    with pytest.raises(CodegenError) as caught:
        render(api, RenderOptions(package=PACKAGE, templates=tmp_path))
    assert caught.value.message == (
        "template 'docs/index.md.jinja' failed at line 1: 'no_such_variable' is undefined"
    )
    assert caught.value.hint == "fix the template"


def test_undefined_attribute_in_override_is_codegen_error(
    tmp_path: Path, api: ir.Api
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "models.md.jinja").write_text(
        "{{ site.no_such_attribute }}\n", encoding="utf-8"
    )
    with pytest.raises(CodegenError, match="docs/models.md.jinja"):
        render(api, RenderOptions(package=PACKAGE, templates=tmp_path))


@pytest.mark.parametrize(
    "source",
    ["{% if %}broken{% endif %}\n", "{{ site.title | no_such_filter }}\n"],
    ids=["syntax", "unknown-filter"],
)
def test_template_compile_error_is_codegen_error(
    tmp_path: Path, api: ir.Api, source: str
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md.jinja").write_text(source, encoding="utf-8")
    with pytest.raises(CodegenError, match="docs/index.md.jinja"):
        render(api, RenderOptions(package=PACKAGE, templates=tmp_path))


# --- misspelt overrides, helper templates, line numbers (issue 9, item 6) -------------------


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("docs/index.md.jnja", "docs/index.md.jinja"),  # a typo in the extension
        ("docs/indx.md.jinja", "docs/index.md.jinja"),
        ("index.md.jinja", "docs/index.md.jinja"),  # the right name in the wrong folder
        ("package/_clent.py.jinja", "package/_client.py.jinja"),  # not a helper: a typo
        ("docs/_macros.md.jinja", None),  # a helper template
    ],
)
def test_a_file_that_overrides_nothing_is_refused(
    tmp_path: Path, api: ir.Api, name: str, meant: "str | None"
) -> None:
    write(tmp_path, name, "custom\n")
    if meant is None:  # a helper template: allowed
        render(api, RenderOptions(package=PACKAGE, templates=tmp_path))
        return
    with pytest.raises(CodegenError) as caught:
        render(api, RenderOptions(package=PACKAGE, templates=tmp_path))
    assert caught.value.message == (
        f"templates folder {tmp_path}: {name!r} (did you mean {meant!r}?) "
        "overrides no built-in template"
    )
    assert "`_`" in (caught.value.hint or "")


def test_hidden_files_in_the_templates_folder_are_ignored(
    tmp_path: Path, api: ir.Api, files: dict[str, str]
) -> None:
    write(tmp_path, ".DS_Store", "x")
    write(tmp_path, ".git/config", "x")
    assert render(api, RenderOptions(package=PACKAGE, templates=tmp_path)) == files


def test_helper_templates_starting_with_underscore_can_be_included(
    tmp_path: Path, api: ir.Api
) -> None:
    write(
        tmp_path,
        "docs/_macros.md.jinja",
        "{% macro shout(t) %}{{ t | upper }}{% endmacro %}",
    )
    write(
        tmp_path,
        "docs/index.md.jinja",
        '{% import "docs/_macros.md.jinja" as m %}{{ m.shout(site.title) }}\n',
    )
    custom = render(api, RenderOptions(package=PACKAGE, templates=tmp_path))
    assert custom["docs/index.md"] == header(api, comment="<!--") + "TINY API\n"


def test_a_runtime_error_names_the_template_line(tmp_path: Path, api: ir.Api) -> None:
    template = write(
        tmp_path,
        "docs/index.md.jinja",
        "# {{ site.title }}\n\n{{ no_such_variable }}\n",
    )
    with pytest.raises(CodegenError) as caught:
        render(api, RenderOptions(package=PACKAGE, templates=tmp_path))
    assert caught.value.message == (
        "template 'docs/index.md.jinja' failed at line 3: 'no_such_variable' is undefined"
    )
    assert caught.value.pointer == f"{template}:3"
    assert caught.value.hint == "fix the template"


def test_a_syntax_error_names_the_template_line(tmp_path: Path, api: ir.Api) -> None:
    template = write(tmp_path, "docs/index.md.jinja", "ok\nok\n{% if %}x{% endif %}\n")
    with pytest.raises(CodegenError) as caught:
        render(api, RenderOptions(package=PACKAGE, templates=tmp_path))
    assert caught.value.message.startswith(
        "template 'docs/index.md.jinja' is invalid at line 3: "
    ), caught.value.message
    assert caught.value.pointer == f"{template}:3"


def test_an_error_in_a_helper_names_the_helper_and_its_line(
    tmp_path: Path, api: ir.Api
) -> None:
    helper = write(tmp_path, "docs/_part.md.jinja", "a\nb\n{{ 1 // 0 }}\n")
    write(tmp_path, "docs/index.md.jinja", '{% include "docs/_part.md.jinja" %}\n')
    with pytest.raises(CodegenError) as caught:
        render(api, RenderOptions(package=PACKAGE, templates=tmp_path))
    assert caught.value.message == (
        "template 'docs/_part.md.jinja' (used by 'docs/index.md.jinja') failed at line 3: "
        "integer division or modulo by zero"
    )
    assert caught.value.pointer == f"{helper}:3"


def test_an_unreadable_override_names_the_path(
    tmp_path: Path, api: ir.Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = write(tmp_path, "docs/index.md.jinja", "x\n")
    real_open = open

    def denied(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(template):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", denied)  # as root, chmod 0 would not deny
    with pytest.raises(CodegenError) as caught:
        render(api, RenderOptions(package=PACKAGE, templates=tmp_path))
    assert caught.value.message == f"cannot read template {template}: permission denied"


def test_generated_modules_are_rendered_as_black_prints_them(
    files: dict[str, str],
) -> None:
    """The templates receive their long lines laid out (``present.python``), so black finds
    nothing to change in the package's modules: formatting is cheap."""
    modules = [path for path in files if path.endswith(".py")]
    assert modules
    for path in modules:
        assert format_python(path, files[path]).decode() == files[path], path

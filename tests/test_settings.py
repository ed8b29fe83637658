"""Unit tests for generator.settings: ``[tool.codegen]`` and CLI overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import CodegenError
from generator.settings import KNOWN_KEYS, Settings, find_config, load_settings


def write_config(folder: Path, table: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pyproject.toml"
    path.write_text(
        '[project]\nname = "x"\n\n[tool.codegen]\n' + table, encoding="utf-8"
    )
    return path


def test_full_table(tmp_path: Path) -> None:
    path = write_config(
        tmp_path / "proj",
        'spec = "specs/api.yaml"\n'
        'output = "out"\n'
        'package = "my_client"\n'
        'operations = ["GetCustomers", "PostCustomers"]\n'
        'globs = ["GetCharges*"]\n'
        'path_prefixes = ["/v1/balance"]\n'
        "all = true\n"
        'templates = "my_templates"\n',
    )
    root = (tmp_path / "proj").resolve()
    assert load_settings(path) == Settings(
        root=root,
        spec=root / "specs" / "api.yaml",
        output=root / "out",
        package="my_client",
        operations=("GetCustomers", "PostCustomers"),
        globs=("GetCharges*",),
        path_prefixes=("/v1/balance",),
        all=True,
        templates=root / "my_templates",
    )


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(write_config(tmp_path, ""))
    root = tmp_path.resolve()
    assert settings == Settings(
        root=root,
        spec=root / "spec" / "stripe.lock.json",
        output=root / "generated",
    )
    assert settings.package == "stripe_client"
    assert settings.templates is None
    assert settings.all is False


def test_relative_paths_resolve_against_the_pyproject_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(
        tmp_path / "a" / "b",
        'spec = "../spec.json"\noutput = "./gen"\ntemplates = "t"\n',
    )
    monkeypatch.chdir(tmp_path)  # the working folder must not matter
    settings = load_settings(path)
    assert settings.spec == (tmp_path / "a" / "spec.json").resolve()
    assert settings.output == (tmp_path / "a" / "b" / "gen").resolve()
    assert settings.templates == (tmp_path / "a" / "b" / "t").resolve()
    assert settings.root == (tmp_path / "a" / "b").resolve()


def test_absolute_paths_are_kept(tmp_path: Path) -> None:
    elsewhere = (tmp_path / "elsewhere" / "spec.json").resolve()
    settings = load_settings(write_config(tmp_path / "p", f'spec = "{elsewhere}"\n'))
    assert settings.spec == elsewhere


def test_unknown_keys_are_an_error(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'spec = "s.json"\noperation = ["X"]\nzeta = 1\n')
    with pytest.raises(CodegenError) as caught:
        load_settings(path)
    assert (
        caught.value.message == "unknown setting(s) in [tool.codegen]: operation, zeta"
    )
    assert caught.value.hint == "known settings: " + ", ".join(KNOWN_KEYS)
    assert caught.value.pointer == str(path)


@pytest.mark.parametrize("package", ["my-client", "1client", "my client", ""])
def test_invalid_package_name(tmp_path: Path, package: str) -> None:
    path = write_config(tmp_path, f'package = "{package}"\n')
    with pytest.raises(CodegenError, match="is not a Python identifier"):
        load_settings(path)


@pytest.mark.parametrize(
    "line", ['operations = "GetCustomers"', "globs = [1, 2]", 'path_prefixes = "/v1"']
)
def test_lists_must_be_lists_of_strings(tmp_path: Path, line: str) -> None:
    key = line.split(" ", 1)[0]
    with pytest.raises(CodegenError, match=f"{key} must be a list of strings"):
        load_settings(write_config(tmp_path, line + "\n"))


def test_invalid_toml_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.codegen\n", encoding="utf-8")
    with pytest.raises(CodegenError, match="cannot read"):
        load_settings(path)


def test_find_config_walks_up(tmp_path: Path) -> None:
    path = write_config(tmp_path, "")
    nested = tmp_path / "x" / "y"
    nested.mkdir(parents=True)
    assert find_config(nested) == path


# --- with_overrides ------------------------------------------------------------------------


def _configured(tmp_path: Path) -> Settings:
    return load_settings(
        write_config(
            tmp_path,
            'operations = ["A", "B"]\nglobs = ["C*"]\npath_prefixes = ["/v1/d"]\n',
        )
    )


def test_selection_option_replaces_the_whole_selection(tmp_path: Path) -> None:
    settings = _configured(tmp_path).with_overrides(operations=("X",))
    assert settings.operations == ("X",)
    assert settings.globs == ()
    assert settings.path_prefixes == ()
    assert settings.all is False


def test_all_replaces_configured_lists(tmp_path: Path) -> None:
    settings = _configured(tmp_path).with_overrides(all=True)
    assert (
        settings.operations,
        settings.globs,
        settings.path_prefixes,
        settings.all,
    ) == (
        (),
        (),
        (),
        True,
    )


def test_two_selection_options_together(tmp_path: Path) -> None:
    settings = _configured(tmp_path).with_overrides(
        globs=("Z*",), path_prefixes=("/v1/z",)
    )
    assert (settings.operations, settings.globs, settings.path_prefixes) == (
        (),
        ("Z*",),
        ("/v1/z",),
    )


def test_options_not_given_change_nothing(tmp_path: Path) -> None:
    configured = _configured(tmp_path)
    assert (
        configured.with_overrides(
            operations=(), globs=(), all=False, spec=None, templates=None, package=None
        )
        == configured
    )


def test_path_overrides_resolve_against_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = _configured(tmp_path / "proj")
    monkeypatch.chdir(tmp_path)
    settings = configured.with_overrides(
        spec="other.json", output="out", templates="tpl", package="vendored"
    )
    assert settings.spec == (tmp_path / "other.json").resolve()
    assert settings.output == (tmp_path / "out").resolve()
    assert settings.templates == (tmp_path / "tpl").resolve()
    assert settings.package == "vendored"
    # the selection is untouched by non-selection options
    assert settings.operations == ("A", "B")
    assert settings.root == configured.root


def test_keyword_package_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CodegenError):
        load_settings(write_config(tmp_path, 'package = "class"\n'))

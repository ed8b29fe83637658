"""Unit tests for generator.settings: ``[tool.codegen]`` and CLI overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import CodegenError
from generator.settings import (
    KNOWN_KEYS,
    AuthNames,
    Settings,
    TokenPaging,
    find_config,
    load_settings,
)


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
    assert settings.package is None  # named after the spec's title when it is read
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
        caught.value.message == "unknown setting(s) in [tool.codegen]: "
        "'operation' (did you mean 'operations'?), 'zeta'"
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


# --- every setting's type is checked (issue 9, item 6) ---------------------------------------


@pytest.mark.parametrize(
    ("line", "key", "found", "expected"),
    [
        ('all = "no"', "all", "the string 'no'", "true or false"),
        ("all = 1", "all", "the integer 1", "true or false"),
        ('all = "true"', "all", "the string 'true'", "true or false"),
        ("spec = 3", "spec", "the integer 3", "a path (a string)"),
        ("output = true", "output", "the boolean true", "a path (a string)"),
        ('templates = ["t"]', "templates", "a list", "a path (a string)"),
        ('spec = ""', "spec", "an empty string", "a path (a string)"),
        ("package = 7", "package", "the integer 7", "a Python identifier"),
        (
            'operations = "GetCustomers"',
            "operations",
            "the string 'GetCustomers'",
            "a list of strings",
        ),
        ("globs = [1, 2]", "globs", "the integer 1 at globs[0]", "a list of strings"),
        (
            "path_prefixes = { a = 1 }",
            "path_prefixes",
            "a table",
            "a list of strings",
        ),
    ],
)
def test_every_setting_has_its_type_checked(
    tmp_path: Path, line: str, key: str, found: str, expected: str
) -> None:
    path = write_config(tmp_path, line + "\n")
    with pytest.raises(CodegenError) as caught:
        load_settings(path)
    error = caught.value
    assert f"[tool.codegen] {key} " in error.message, error.message
    assert found in error.message, error.message
    assert expected in error.message, error.message
    assert str(path) in str(error)  # the file is named
    assert error.hint  # and how to fix it


def test_all_as_a_string_does_not_select_everything(tmp_path: Path) -> None:
    """`all = "no"` used to be truthy and generate all 468 operations."""
    with pytest.raises(CodegenError, match="all must be true or false"):
        load_settings(write_config(tmp_path, 'all = "no"\n'))


def test_codegen_table_must_be_a_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool]\ncodegen = "x"\n', encoding="utf-8")
    with pytest.raises(CodegenError, match=r"\[tool.codegen\] must be a table"):
        load_settings(path)


def test_unknown_setting_suggests_the_closest_key(tmp_path: Path) -> None:
    path = write_config(
        tmp_path, 'operation = ["X"]\npath_prefix = ["/v1"]\nzeta = 1\n'
    )
    with pytest.raises(CodegenError) as caught:
        load_settings(path)
    message = caught.value.message
    assert "'operation' (did you mean 'operations'?)" in message, message
    assert "'path_prefix' (did you mean 'path_prefixes'?)" in message, message
    assert "'zeta'" in message and "zeta' (did you mean" not in message, message


def test_keyword_package_name_says_it_is_a_keyword(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'package = "class"\n')
    with pytest.raises(CodegenError) as caught:
        load_settings(path)
    assert caught.value.message == (
        "[tool.codegen] package: 'class' is a Python keyword; "
        "pick another name such as class_client"
    )
    assert "not a Python identifier" not in str(caught.value)


def test_invalid_package_name_suggests_an_identifier(tmp_path: Path) -> None:
    with pytest.raises(CodegenError) as caught:
        load_settings(write_config(tmp_path, 'package = "my-client"\n'))
    assert "such as my_client" in caught.value.message


def test_unreadable_config_names_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(tmp_path, "")

    def denied(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", denied)  # as root, chmod 0 would not deny
    with pytest.raises(CodegenError) as caught:
        load_settings(path)
    assert caught.value.message == f"cannot read {path}: permission denied"
    assert caught.value.hint


def test_config_that_is_a_folder_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(CodegenError) as caught:
        load_settings(tmp_path)
    assert caught.value.message.startswith(f"cannot read {tmp_path}: ")


# --- [tool.codegen.names]: renames by operation ID ---------------------------------------------


def test_names_table_is_read_as_sorted_pairs(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        "\n[tool.codegen.names]\n"
        'PostCustomersCustomerSources = "customers.sources.add"\n'
        'GetBalance = "balance.get"\n',
    )
    settings = load_settings(path)
    assert settings.names == (
        ("GetBalance", "balance.get"),
        ("PostCustomersCustomerSources", "customers.sources.add"),
    )
    assert isinstance(settings.names, tuple)
    assert "names" in KNOWN_KEYS


def test_names_inline_table_and_default(tmp_path: Path) -> None:
    inline = write_config(tmp_path / "a", 'names = { GetBalance = "balance.get" }\n')
    assert load_settings(inline).names == (("GetBalance", "balance.get"),)
    assert load_settings(write_config(tmp_path / "b", "")).names == ()


@pytest.mark.parametrize(
    ("table", "found"),
    [
        ('names = "customers.sources.add"', "the string 'customers.sources.add'"),
        ('names = ["customers.sources.add"]', "a list"),
        ("names = 3", "the integer 3"),
        ("names = { GetBalance = 1 }", "the integer 1 at names.GetBalance"),
        ("names = { GetBalance = true }", "the boolean true at names.GetBalance"),
        (
            '[tool.codegen.names]\nGetBalance = ["balance", "get"]\n',
            "a list at names.GetBalance",
        ),
        (
            "[tool.codegen.names.GetBalance]\ncall = 'balance.get'\n",
            "a table at names.GetBalance",
        ),
    ],
)
def test_names_must_be_a_table_of_strings(
    tmp_path: Path, table: str, found: str
) -> None:
    path = write_config(tmp_path, table + "\n")
    with pytest.raises(CodegenError) as caught:
        load_settings(path)
    error = caught.value
    assert "[tool.codegen] names " in error.message, error.message
    assert found in error.message, error.message
    assert "a table of operation IDs to dotted calls" in error.message
    assert str(path) in str(error)  # the file is named
    assert error.hint and "[tool.codegen.names]" in error.hint


def test_outside_a_project_a_given_spec_runs_with_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``codegen list|generate|check --spec FILE`` needs no pyproject.toml: the defaults,
    rooted at the current folder."""
    monkeypatch.chdir(tmp_path)
    assert find_config(tmp_path) is None
    root = tmp_path.resolve()
    assert load_settings(None, spec_given=True) == Settings(
        root=root, spec=root / "spec" / "stripe.lock.json", output=root / "generated"
    )
    with pytest.raises(CodegenError, match="no pyproject.toml found") as error:
        load_settings(None)
    assert "--spec" in (error.value.hint or "")


# --- [tool.codegen.pagination] ------------------------------------------------------------


def test_pagination_table(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        "[tool.codegen.pagination]\n"
        'cursor_parameter = "after"\n'
        'items = "meta.components"\n'
        'next_cursor = "meta.cursor.after"\n',
    )
    assert load_settings(path).pagination == TokenPaging(
        "after", "meta.components", "meta.cursor.after"
    )
    assert load_settings(write_config(tmp_path / "none", "")).pagination is None


@pytest.mark.parametrize(
    ("table", "found"),
    [
        ('pagination = "cursor"', "the string 'cursor'"),
        (
            '[tool.codegen.pagination]\ncursor_parameter = "a"\nitems = "d"\n',
            "no next_cursor",
        ),
        (
            '[tool.codegen.pagination]\ncursor_parameter = "a"\nitem = "d"\n',
            "the unknown key 'item' (did you mean 'items'?)",
        ),
        (
            '[tool.codegen.pagination]\ncursor_parameter = 1\nitems = "d"\n'
            'next_cursor = "n"\n',
            "the integer 1 at pagination.cursor_parameter",
        ),
        (
            '[tool.codegen.pagination]\ncursor_parameter = "a"\nitems = "d"\n'
            'next_cursor = "meta..next"\n',
            "the path 'meta..next' at pagination.next_cursor",
        ),
    ],
)
def test_a_wrong_pagination_table_is_refused(
    tmp_path: Path, table: str, found: str
) -> None:
    path = write_config(tmp_path, table)
    with pytest.raises(CodegenError) as caught:
        load_settings(path)
    message = caught.value.message
    assert message.startswith("[tool.codegen] pagination must be a table of"), message
    assert found in message, message
    assert "cursor_parameter" in (caught.value.hint or "")


# --- [tool.codegen.auth] ---------------------------------------------------------------------


def test_auth_table_is_read_into_auth_names(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        "[tool.codegen.auth]\n"
        'env_prefix = "PETS"\n'
        'idempotency_header = "X-Idempotency-Key"\n'
        "[tool.codegen.auth.schemes.basicAuth]\n"
        'arguments = ["user", "secret"]\n'
        'env_vars = ["PETS_USER", "PETS_SECRET"]\n'
        "[tool.codegen.auth.schemes.apiKey]\n"
        'arguments = ["token"]\n',
    )
    auth = load_settings(path).auth
    assert auth == AuthNames(
        env_prefix="PETS",
        idempotency_header="X-Idempotency-Key",
        arguments={"basicAuth": ("user", "secret"), "apiKey": ("token",)},
        env_vars={"basicAuth": ("PETS_USER", "PETS_SECRET")},
    )


def test_auth_defaults_to_the_derived_names(tmp_path: Path) -> None:
    assert load_settings(write_config(tmp_path, "")).auth == AuthNames()


@pytest.mark.parametrize(
    ("table", "key", "found"),
    [
        ('auth = "x"', "auth", "the string 'x'"),
        ("[tool.codegen.auth]\nenv_prefx = 'A'", "auth", "'env_prefix'"),
        ("[tool.codegen.auth]\nenv_prefix = 'A B'", "auth.env_prefix", "'A B'"),
        ("[tool.codegen.auth]\nenv_prefix = 3", "auth.env_prefix", "the integer 3"),
        (
            "[tool.codegen.auth]\nidempotency_header = 'Idem Key'",
            "auth.idempotency_header",
            "'Idem Key'",
        ),
        ("[tool.codegen.auth]\nschemes = []", "auth.schemes", "a list"),
        ("[tool.codegen.auth.schemes]\nk = 1", "auth.schemes", "at schemes.k"),
        (
            "[tool.codegen.auth.schemes.k]\nargument = ['a']",
            "auth.schemes",
            "'arguments'",
        ),
        (
            "[tool.codegen.auth.schemes.k]\narguments = 'a'",
            "auth.arguments",
            "at schemes.k.arguments",
        ),
        (
            "[tool.codegen.auth.schemes.k]\narguments = []",
            "auth.arguments",
            "a list at schemes.k.arguments",
        ),
        (
            "[tool.codegen.auth.schemes.k]\narguments = ['class']",
            "auth.arguments",
            "at schemes.k.arguments[0]",
        ),
        (
            "[tool.codegen.auth.schemes.k]\nenv_vars = ['MY-KEY']",
            "auth.env_vars",
            "the string 'MY-KEY' at schemes.k.env_vars[0]",
        ),
    ],
)
def test_bad_auth_values_are_refused(
    tmp_path: Path, table: str, key: str, found: str
) -> None:
    path = write_config(tmp_path, table + "\n")
    with pytest.raises(CodegenError) as caught:
        load_settings(path)
    error = caught.value
    assert f"[tool.codegen] {key} must be" in error.message, error.message
    assert found in error.message, error.message
    assert str(path) in str(error) and error.hint

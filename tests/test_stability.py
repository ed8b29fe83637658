"""Safe writes and stable output (issue 5).

Safe writes: a run that fails (bad spec, formatter error, write error, interruption) leaves the
previous output folder exactly as it was, with nothing left beside it; files a user adds to the
output folder survive ``generate`` and are reported, never deleted, by ``check``.

Stable output: the CLI, run in separate processes under different hash seeds, working folders,
locales and time zones, writes the same bytes; ``check`` against a tree written by another
black version says so in one line naming both versions.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import black
import pytest

from generator import format as formatting
from generator import naming
from generator import output, pipeline
from generator.output import write as output_write
from generator.errors import CodegenError
from generator.output import MANIFEST_NAME
from generator.settings import Settings
from hostile_support import (
    NAMES,
    TEXT,
    Case,
    cli_env,
    run_cli,
    snapshot,
    write_config,
    write_spec,
)
from support.specs import (
    THING,
    document,
    form_body,
    ok_response,
    operation,
    param,
    strings,
)

#: The package an empty ``[tool.codegen]`` table generates: named after the spec's title.
PACKAGE = naming.default_package_name("Hostile API", "generic")


def rich_spec(extra_operation: bool = False) -> dict[str, Any]:
    """Enough names, enums, texts and models for hash order or locale to show if they leak."""
    paths: dict[str, Any] = {
        "/v1/things/{id}": {
            "post": operation(
                "PostThing",
                description=TEXT,
                parameters=[param("id", "path"), param("expand", "query")],
                body=form_body(
                    {
                        **strings(NAMES),
                        "status": {"type": "string", "enum": ["b", "a", "", "ü", "Z"]},
                        "when": {
                            "type": "integer",
                            "description": "Unix time, e.g. 1700000000",
                        },
                    }
                ),
                response=ok_response({"$ref": "#/components/schemas/Hostile"}),
            ),
            "get": operation("GetThing", parameters=[param("id", "path")]),
        },
        "/v1/ünï/things": {"get": operation("ListThings")},
    }
    if extra_operation:
        paths["/v1/others"] = {"delete": operation("DeleteOthers")}
    schemas = {
        "Thing": THING,
        "Hostile": {
            "type": "object",
            "description": TEXT,
            "properties": {
                **strings(NAMES),
                "things": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/Thing"},
                },
            },
        },
        **{
            name: {"type": "object", "properties": {"id": {"type": "string"}}}
            for name in ("Zeta", "alpha", "Émile", "名前", "foo-bar", "foo_bar")
        },
    }
    schemas["Hostile"]["properties"].update(
        {
            name.lower() or "x": {"$ref": f"#/components/schemas/{name}"}
            for name in ("Zeta", "alpha", "Émile", "名前", "foo-bar")
        }
    )
    return document(paths, schemas)


#: The page of ``ListThings``: named by its call, ASCII with a hash for the non-ASCII path.
LIST_THINGS_PAGE = naming.docs_page("ünï.things.retrieve")


def cli_args(
    command: str, config: Path, spec: Path, out: Path, *selection: str
) -> list[str]:
    """``codegen <command>`` on this project's spec and output; ``--all`` unless selected."""
    chosen = list(selection) or ["--all"]
    paths = ["--config", str(config), "--spec", str(spec), "--output", str(out)]
    return [command, *paths, *chosen, "-q"]


def generate_args(config: Path, spec: Path, out: Path, *selection: str) -> list[str]:
    return cli_args("generate", config, spec, out, *selection)


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    """(config, spec) of a small project in ``tmp_path/in``."""
    inputs = tmp_path / "in"
    return write_config(inputs), write_spec(Case("rich", rich_spec(), "ok"), inputs)


def siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir())


# --- stable output ---------------------------------------------------------------------------------


def test_same_bytes_across_hash_seeds_folders_locales_and_time_zones(
    tmp_path: Path, project: tuple[Path, Path]
) -> None:
    config, spec = project
    variants = [
        {"PYTHONHASHSEED": "0", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "TZ": "UTC"},
        {"PYTHONHASHSEED": "1", "LC_ALL": "C", "LANG": "C", "TZ": "Pacific/Kiritimati"},
        {"PYTHONHASHSEED": "4242", "LANG": "C.UTF-8", "TZ": "America/St_Johns"},
        {"PYTHONHASHSEED": "random", "LC_ALL": "POSIX", "TZ": "Asia/Kathmandu"},
    ]

    def run(index: int) -> dict[str, bytes]:
        env = cli_env(**variants[index])
        if "LC_ALL" not in variants[index]:
            env.pop("LC_ALL", None)
        cwd = tmp_path / f"cwd{index}" / ("deeper" * index)
        cwd.mkdir(parents=True)
        out = tmp_path / f"out{index}" / "generated"
        if index == 3:  # relative paths, resolved against another working folder
            cwd = out.parent
            cwd.mkdir(parents=True)
            args = generate_args(
                Path(os.path.relpath(config, cwd)),
                Path(os.path.relpath(spec, cwd)),
                Path("generated"),
            )
        else:
            args = generate_args(config, spec, out)
        result = run_cli(args, cwd=cwd, env=env)
        assert result.returncode == 0, result.stderr
        return snapshot(out)

    with ThreadPoolExecutor(max_workers=2) as pool:
        trees = list(pool.map(run, range(len(variants))))
    assert len(trees[0]) > 10
    assert MANIFEST_NAME in trees[0]
    for index, tree in enumerate(trees[1:], 1):
        differing = sorted(
            k for k in set(tree) | set(trees[0]) if tree.get(k) != trees[0].get(k)
        )
        assert not differing, f"variant {variants[index]} differs in {differing}"


def test_check_with_another_black_version_says_so_in_one_line(
    tmp_path: Path, project: tuple[Path, Path]
) -> None:
    config, spec = project
    out = tmp_path / "generated"
    assert run_cli(generate_args(config, spec, out), cwd=tmp_path).returncode == 0
    check = cli_args("check", config, spec, out)
    same = run_cli(check, cwd=tmp_path)
    assert same.returncode == 0, same.stdout + same.stderr
    assert "black" not in same.stderr

    copy = tmp_path / "copy" / "generated"
    shutil.copytree(out, copy)
    manifest = json.loads((copy / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["black_version"] == black.__version__
    manifest["black_version"] = "0.0.1"
    (copy / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
    )
    before = snapshot(copy)

    other = run_cli(check[:-3] + [str(copy), "--all", "-q"], cwd=tmp_path)
    assert other.returncode == 1
    lines = (other.stdout + other.stderr).strip().splitlines()
    naming_both = [
        line for line in lines if "0.0.1" in line and black.__version__ in line
    ]
    assert len(naming_both) == 1, lines
    assert "install black==0.0.1" in naming_both[0]
    assert not any(
        line.startswith(("@@", "---", "+++")) for line in lines
    ), "printed a diff"
    assert "Traceback" not in other.stderr
    assert snapshot(copy) == before, "check changed the tree"


# --- safe writes: failures leave the previous output as it was ----------------------------------------


def test_a_spec_failing_midway_leaves_the_previous_output(
    tmp_path: Path, project: tuple[Path, Path]
) -> None:
    config, spec = project
    out = tmp_path / "generated"
    assert run_cli(generate_args(config, spec, out), cwd=tmp_path).returncode == 0
    before = snapshot(out)
    broken = rich_spec(extra_operation=True)
    broken["paths"]["/v1/others"]["delete"]["responses"] = ok_response(
        {"$ref": "#/components/schemas/Gone"}
    )
    bad_spec = write_spec(Case("broken", broken, "error"), tmp_path / "bad")
    result = run_cli(generate_args(config, bad_spec, out), cwd=tmp_path)
    assert result.returncode == 2
    assert "Gone" in result.stderr and "at: /paths/~1v1~1others/delete" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before
    assert siblings(out) == ["bad", "generated", "in"]


def _settings(tmp_path: Path, spec: Path, out: Path) -> Settings:
    return Settings(
        root=tmp_path, spec=spec, output=out, package="stripe_client", all=True
    )


@pytest.fixture
def previous(
    tmp_path: Path, project: tuple[Path, Path]
) -> tuple[Settings, dict[str, bytes]]:
    """A generated folder (with a user's file in it), and settings for a changed spec."""
    _, spec = project
    out = tmp_path / "out" / "generated"
    pipeline.generate(_settings(tmp_path, spec, out))
    (out / "NOTES.md").write_text("mine\n", encoding="utf-8")
    changed = write_spec(
        Case("changed", rich_spec(extra_operation=True), "ok"), tmp_path / "changed"
    )
    return _settings(tmp_path, changed, out), snapshot(out)


def test_a_formatter_failure_leaves_the_previous_output(
    previous: tuple[Settings, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, before = previous
    real = formatting.format_python
    calls = []

    def failing(path: str, text: str) -> bytes:
        calls.append(path)
        # the second file, _deadlines.py: one chunk, so its failure is final (a chunk of a
        # module cut in several would be retried as the whole module)
        if len(calls) == 2:
            raise CodegenError(f"generated file {path} is not valid Python: boom")
        return real(path, text)

    monkeypatch.setattr(formatting, "format_python", failing)
    # format in this process, where the patch is seen (the runtime modules alone are now
    # enough Python for format_files to use worker processes)
    monkeypatch.setattr(formatting, "PARALLEL_THRESHOLD", float("inf"))
    with pytest.raises(CodegenError, match="boom"):
        pipeline.generate(settings, use_cache=False)  # black must run on every file
    assert len(calls) == 2 and calls[1].endswith("/_deadlines.py")
    assert snapshot(settings.output) == before
    assert siblings(settings.output) == ["generated"]


@pytest.mark.parametrize(
    "failure", [OSError(28, "No space left on device"), KeyboardInterrupt()]
)
def test_a_write_failure_midway_leaves_the_previous_output(
    previous: tuple[Settings, dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
    failure: BaseException,
) -> None:
    settings, before = previous
    real = output_write._write_file
    written = []

    def failing(path: Path, data: bytes) -> None:
        written.append(path)
        if len(written) == 5:
            raise failure
        real(path, data)

    monkeypatch.setattr(output_write, "_write_file", failing)
    # An OS error reaches the CLI as a CodegenError (exit 2) naming the path.
    expected = CodegenError if isinstance(failure, OSError) else type(failure)
    with pytest.raises(expected):
        pipeline.generate(settings)
    assert len(written) == 5
    assert snapshot(settings.output) == before
    assert siblings(settings.output) == [
        "generated"
    ], "the staging folder was left behind"


def test_a_failure_between_the_two_renames_puts_the_previous_output_back(
    previous: tuple[Settings, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, before = previous
    real = os.rename
    renames = []

    def failing(source: Any, target: Any) -> None:
        renames.append((Path(source).name, Path(target).name))
        if len(renames) == 2:  # output aside already; the new tree fails to move in
            raise KeyboardInterrupt
        real(source, target)

    monkeypatch.setattr(os, "rename", failing)
    with pytest.raises(KeyboardInterrupt):
        pipeline.generate(settings)
    assert snapshot(settings.output) == before
    assert siblings(settings.output) == ["generated"]


def test_a_crash_between_the_two_renames_is_repaired_by_the_next_run(
    previous: tuple[Settings, dict[str, bytes]],
) -> None:
    settings, before = previous
    out = settings.output
    aside = out.with_name(f".{out.name}.codegen-old-99999-deadbeef")
    staging = out.with_name(f".{out.name}.codegen-new-99999-deadbeef")
    os.rename(
        out, aside
    )  # the process died right here, with a half-built staging folder
    staging.mkdir()
    (staging / "half.py").write_text("x = 1\n", encoding="utf-8")
    output.recover(out)
    assert snapshot(out) == before
    assert siblings(out) == ["generated"]


# --- safe writes: the user's files -------------------------------------------------------------------


def test_user_files_survive_generate_and_check_reports_them(
    tmp_path: Path, project: tuple[Path, Path]
) -> None:
    config, spec = project
    out = tmp_path / "generated"
    assert run_cli(generate_args(config, spec, out), cwd=tmp_path).returncode == 0
    user_files = {
        "NOTES.md": b"my notes\n",
        "stripe_client/custom_helpers.py": b"def helper() -> int:\n    return 1\n",
        "docs/extra/page.md": b"# mine\n",
    }
    for rel, data in user_files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    # pages are named by call: GET /v1/ünï/things is ``client.ünï.things.retrieve``
    owned_page = out / "docs" / "operations" / LIST_THINGS_PAGE
    assert owned_page.is_file()

    # A narrower selection: codegen removes the pages it no longer produces, and only those.
    narrower = run_cli(
        generate_args(config, spec, out, "-o", "PostThing", "-o", "GetThing"),
        cwd=tmp_path,
    )
    assert narrower.returncode == 0, narrower.stderr
    assert not owned_page.exists()
    for rel, data in user_files.items():
        assert (out / rel).read_bytes() == data, f"{rel} was changed or deleted"

    check_args = cli_args(
        "check", config, spec, out, "-o", "PostThing", "-o", "GetThing"
    )
    check = run_cli([arg for arg in check_args if arg != "-q"], cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    for rel in user_files:
        assert f"note: {rel} is not generated by codegen; left alone" in check.stderr
    for rel, data in user_files.items():
        assert (out / rel).read_bytes() == data


def test_a_user_file_in_the_way_is_refused_not_overwritten(
    tmp_path: Path, project: tuple[Path, Path]
) -> None:
    config, spec = project
    out = tmp_path / "generated"
    page = out / "docs" / "index.md"
    page.parent.mkdir(parents=True)
    page.write_text("my own index\n", encoding="utf-8")
    before = snapshot(out)
    result = run_cli([*generate_args(config, spec, out), "--force"], cwd=tmp_path)
    assert result.returncode == 2
    assert "docs/index.md" in result.stderr and "not owned by codegen" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before


def test_a_symlink_in_the_output_is_never_written_through(
    tmp_path: Path, project: tuple[Path, Path]
) -> None:
    config, spec = project
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "generated"
    out.mkdir()
    (out / "docs").symlink_to(outside, target_is_directory=True)
    result = run_cli([*generate_args(config, spec, out), "--force"], cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "docs" in result.stderr and "Traceback" not in result.stderr
    assert list(outside.iterdir()) == []
    assert (out / "docs").is_symlink()


# --- a check nobody can fool -------------------------------------------------------------------------


def dead_pid() -> int:
    """The pid of a process that has exited: leftovers named after it are nobody's."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def generated(tmp_path: Path, project: tuple[Path, Path]) -> tuple[Path, Path, Path]:
    """(config, spec, out): the small project generated once, with a warm format cache."""
    config, spec = project
    out = tmp_path / "generated"
    result = run_cli(generate_args(config, spec, out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return config, spec, out


def test_a_tampered_file_with_a_matching_manifest_fails_check(
    tmp_path: Path, generated: tuple[Path, Path, Path]
) -> None:
    """The pull request that edits a file can edit the manifest too: check must not care."""
    config, spec, out = generated
    rel = f"{PACKAGE}/models/__init__.py"
    tampered = (out / rel).read_bytes() + b'import os\nos.system("echo pwned")\n'
    (out / rel).write_bytes(tampered)
    manifest = json.loads((out / MANIFEST_NAME).read_bytes())
    for entry in manifest["files"]:
        if entry["path"] == rel:
            entry["sha256"] = hashlib.sha256(tampered).hexdigest()
    (out / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    )

    check = cli_args("check", config, spec, out)
    for cache in (
        None,
        tmp_path / "empty-cache",
    ):  # the warm user cache, then none at all
        env = cli_env() if cache is None else cli_env(CODEGEN_CACHE_DIR=str(cache))
        run = run_cli(check, cwd=tmp_path, env=env)
        assert run.returncode == 1, run.stdout + run.stderr
        assert run.stdout.splitlines() == [
            f"manifest: {MANIFEST_NAME}",
            f"changed: {rel}",
        ]
    shown = run_cli([*check, "--diff"], cwd=tmp_path)
    assert '-os.system("echo pwned")' in shown.stdout


def test_an_executable_bit_fails_check_and_generate_clears_it(
    tmp_path: Path, generated: tuple[Path, Path, Path]
) -> None:
    config, spec, out = generated
    rel = f"{PACKAGE}/_client.py"
    os.chmod(out / rel, 0o755)
    run = run_cli(cli_args("check", config, spec, out), cwd=tmp_path)
    assert run.returncode == 1 and run.stdout == f"mode: {rel}\n", run.stdout
    assert run_cli(generate_args(config, spec, out), cwd=tmp_path).returncode == 0
    assert not os.stat(out / rel).st_mode & 0o111
    assert run_cli(cli_args("check", config, spec, out), cwd=tmp_path).returncode == 0


def test_check_reports_an_interrupted_write_and_generate_repairs_it(
    tmp_path: Path, generated: tuple[Path, Path, Path]
) -> None:
    config, spec, out = generated
    before = snapshot(out)
    aside = out.with_name(f".{out.name}.codegen-old-{dead_pid()}-deadbeef")
    os.rename(out, aside)  # killed between the two renames of the swap
    run = run_cli(cli_args("check", config, spec, out), cwd=tmp_path)
    assert run.returncode == 1
    assert "interrupted" in run.stderr and str(aside) in run.stderr
    assert "codegen generate" in run.stderr
    assert not out.exists() and aside.is_dir()  # check itself changes nothing
    assert run_cli(generate_args(config, spec, out), cwd=tmp_path).returncode == 0
    assert snapshot(out) == before
    assert not aside.exists()


def test_generate_refuses_a_folder_it_does_not_own(
    tmp_path: Path, project: tuple[Path, Path]
) -> None:
    config, spec = project
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("secret\n")
    os.chmod(home / ".ssh", 0o700)
    inode = os.stat(home / ".ssh").st_ino
    run = run_cli(generate_args(config, spec, home), cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert "not empty" in run.stderr and "--force" in run.stderr
    assert "Traceback" not in run.stderr
    assert os.stat(home / ".ssh").st_ino == inode
    assert sorted(os.listdir(home)) == [".ssh"]
    forced = run_cli([*generate_args(config, spec, home), "--force"], cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert (home / ".ssh" / "id_ed25519").read_text() == "secret\n"
    assert os.stat(home / ".ssh").st_mode & 0o777 == 0o700


def test_a_cache_inside_the_project_is_never_used(
    tmp_path: Path, project: tuple[Path, Path]
) -> None:
    config, spec = project
    inside = config.parent / ".cache" / "codegen"
    out = tmp_path / "generated"
    env = cli_env(CODEGEN_CACHE_DIR=str(inside))
    args = [arg for arg in generate_args(config, spec, out) if arg != "-q"]
    run = run_cli(args, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    assert "cache folder" in run.stderr and "CODEGEN_CACHE_DIR" in run.stderr
    assert not inside.exists()  # nothing was read from or written to it


def test_a_name_too_long_for_the_file_system_is_exit_2(
    tmp_path: Path, project: tuple[Path, Path]
) -> None:
    config, spec = project
    out = tmp_path / "generated"
    args = [*generate_args(config, spec, out), "--package", "p" * 300]
    run = run_cli(args, cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert "too long" in run.stderr and "Traceback" not in run.stderr
    assert "internal error" not in run.stderr
    assert siblings(out) == ["in"]

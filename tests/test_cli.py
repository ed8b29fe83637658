"""End-to-end tests of the ``codegen`` command line, each run in a fresh subprocess.

Every command runs as ``python -m generator ...`` (the tree under test is put first on
``PYTHONPATH``), so exit codes, stdout and stderr are exactly what a user or CI sees.

Generating costs a few seconds, so one module-scoped workspace (a copy of the repo's settings,
pointing at the repo's fetched spec, plus one generated tree) is made once; each test that needs
to damage a tree works on its own copy of it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from generator import __version__
from generator.cache import BuildCache

REPO = Path(__file__).resolve().parents[1]
SHARED_SPEC = REPO.parent / "shared" / "stripe-openapi"
PIN = REPO / "spec" / "stripe.lock.json"
MANIFEST = ".codegen-manifest.json"
TARGET = "PostCustomersCustomerSources"
TARGET_CALL = "client.customers.sources.create"
OTHER = "GetCustomersCustomer"
OTHER_PAGE = "docs/operations/customers.retrieve.md"  # pages are named by call
BLACK_PIN = "26.10.1"
TIMEOUT = 240

pytestmark = pytest.mark.timeout(600)


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str

    def __repr__(self) -> str:  # shown by pytest when an assertion fails
        return (
            f"exit {self.returncode}\n--- stdout ---\n{self.stdout[-4000:]}"
            f"\n--- stderr ---\n{self.stderr[-4000:]}"
        )


def env_for(hash_seed: str = "0") -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CODEGEN_DEBUG", None)
    env["PYTHONHASHSEED"] = hash_seed
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return env


def codegen(
    *args: object, cwd: Path, hash_seed: str = "0", cache: Optional[Path] = None
) -> Run:
    """Run ``python -m generator`` with ``args`` in ``cwd`` (``cache``: its cache folder)."""
    env = env_for(hash_seed)
    if cache is not None:
        env["CODEGEN_CACHE_DIR"] = str(cache)
    done = subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def forget_builds(cache: Path) -> None:
    """Empty the build store of the cache folder ``cache``, keeping its other stores."""
    shutil.rmtree(BuildCache(cache).entries, ignore_errors=True)


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (tool caches left out) by relative POSIX path."""
    skip = {"__pycache__", ".mypy_cache", ".pytest_cache"}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not skip.intersection(p.relative_to(root).parts)
    }


def reported(run: Run, kind: str) -> list[str]:
    """The paths ``check`` reported as ``kind`` (changed, missing, stale, manifest)."""
    return [
        line.split(": ", 1)[1]
        for line in run.stdout.splitlines()
        if line.startswith(f"{kind}: ")
    ]


def toml_value(value: object) -> str:
    # JSON strings, lists of strings and booleans are valid TOML as written by json.dumps
    return json.dumps(value)


class Pending:
    """A ``python -m generator`` run started in the background; ``result()`` waits for it."""

    def __init__(self, *args: object, cwd: Path, hash_seed: str = "0") -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "generator", *map(str, args)],
            cwd=cwd,
            env=env_for(hash_seed),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        self._run: Optional[Run] = None

    def result(self) -> Run:
        if self._run is None:
            try:
                out, err = self._process.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self._process.kill()
                out, err = self._process.communicate()
            self._run = Run(self._process.returncode, out, err)
        return self._run


@dataclass(frozen=True)
class Workspace:
    root: Path  # holds pyproject.toml (the repo's settings, spec made absolute)
    pristine: Path  # the tree generated once: never modify it, copy it
    package: str
    second: (
        Path  # the same generated again, from another folder under another hash seed
    )
    second_run: Pending

    def copy_tree(self, dest: Path) -> Path:
        shutil.copytree(self.pristine, dest, symlinks=True)
        return dest


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    if not PIN.is_file():
        pytest.skip("spec/stripe.lock.json is missing")
    table = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    settings = dict(table.get("tool", {}).get("codegen", {}))
    settings["spec"] = str(
        (REPO / settings.get("spec", "spec/stripe.lock.json")).resolve()
    )
    if "templates" in settings:
        settings["templates"] = str((REPO / settings["templates"]).resolve())
    settings["output"] = "generated"
    root = tmp_path_factory.mktemp("workspace")
    lines = [
        "[tool.codegen]",
        *(f"{k} = {toml_value(v)}" for k, v in settings.items()),
        "",
    ]
    config = root / "pyproject.toml"
    config.write_text("\n".join(lines), encoding="utf-8")

    # Two cold generates at once (one core each): the workspace's own, found from the current
    # folder, and one from a deep unrelated folder with another hash seed, for the determinism test.
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "some" / "other" / "cwd"
    elsewhere.mkdir(parents=True)
    second = elsewhere.parent / "second"
    second_run = Pending(
        "generate",
        "--config",
        config,
        "--output",
        second,
        "--no-cache",  # built for real, not taken from a build the first run stored
        cwd=elsewhere,
        hash_seed="4242",
    )
    try:
        run = Pending("generate", cwd=root, hash_seed="0").result()
        if run.returncode == 2 and "has not been fetched" in run.stderr:
            pytest.skip("the spec is not fetched: run `codegen spec fetch` first")
        assert run.returncode == 0, run
        assert run.stdout.startswith("generated "), run
        pristine = root / "generated"
        manifest = json.loads((pristine / MANIFEST).read_bytes())
        package = next(
            e["path"] for e in manifest["files"] if e["path"].endswith("/py.typed")
        ).split("/")[0]
        yield Workspace(root, pristine, package, second, second_run)
    finally:
        second_run.result()


# --- help and version --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [[], ["spec"], ["spec", "fetch"], ["generate"], ["check"], ["list"]],
    ids=lambda c: " ".join(c) or "codegen",
)
def test_help_on_every_command_and_group(command: list[str], tmp_path: Path) -> None:
    run = codegen(*command, "--help", cwd=tmp_path)  # no pyproject needed for --help
    assert run.returncode == 0, run
    assert run.stdout.startswith("Usage:"), run
    assert "Traceback" not in run.stderr
    if command == []:
        for sub in ("spec", "generate", "check", "list"):
            assert re.search(rf"^\s+{sub}\s", run.stdout, re.M), run
    if command == ["spec"]:
        assert re.search(r"^\s+fetch\s", run.stdout, re.M), run
    if command == ["list"]:
        for option in ("--filter", "--glob", "--method", "--config", "--spec"):
            assert option in run.stdout, (option, run)
    if command in (["generate"], ["check"]):
        for option in (
            "--operation",
            "--glob",
            "--path-prefix",
            "--all",
            "--config",
            "--spec",
            "--output",
            "--package",
            "--templates",
        ):
            assert option in run.stdout, (option, run)
    if command == ["check"]:
        assert "--no-cache" in run.stdout


# --- the golden check on the committed tree ----------------------------------------------------


def test_check_passes_on_the_committed_tree() -> None:
    run = codegen("check", cwd=REPO)
    assert run.returncode == 0, run
    assert "up to date" in run.stdout
    assert reported(run, "changed") == reported(run, "missing") == []


def test_check_passes_on_a_fresh_tree_with_and_without_cache(
    workspace: Workspace,
) -> None:
    cached = codegen("check", cwd=workspace.root)
    assert cached.returncode == 0, cached
    uncached = codegen("check", "--no-cache", cwd=workspace.root)
    assert uncached.returncode == 0, uncached
    assert cached.stderr == uncached.stderr == ""


def test_compiled_templates_are_cached_and_a_damaged_entry_is_compiled_again(
    workspace: Workspace, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = codegen("check", cwd=workspace.root, cache=cache)
    assert first.returncode == 0, first
    entries = sorted((cache / "templates-v1").rglob("*.cache"))
    assert entries, "no compiled template was kept"
    for entry in entries:
        entry.write_bytes(b"j2 damaged")
    forget_builds(cache)  # so that check renders again rather than reuse the build
    again = codegen("check", cwd=workspace.root, cache=cache)
    assert again.returncode == 0, again
    assert again.stderr == ""
    assert all(entry.read_bytes() != b"j2 damaged" for entry in entries)


def test_format_cache_is_shared_by_generate_and_check_and_damage_is_a_miss(
    workspace: Workspace, tmp_path: Path
) -> None:
    """``generate`` fills the format store and ``check`` reads it; entries damaged on disk
    (truncated, or whole but wrong) are formatted again, never copied to the output."""
    cache = tmp_path / "cache"
    out = tmp_path / "out"
    made = codegen("generate", "--output", out, cwd=workspace.root, cache=cache)
    assert made.returncode == 0, made
    entries = [
        p for p in (cache / "format-v2").rglob("*") if p.parent.name != "format-v2"
    ]
    assert entries, "black's output was not stored"
    for index, entry in enumerate(entries):
        body = entry.read_bytes()
        entry.write_bytes(
            body[: len(body) // 2] if index % 2 else body[:64] + b"\nx = 1\n"
        )
    forget_builds(cache)  # so that check formats again rather than reuse the build
    again = codegen("check", "--output", out, cwd=workspace.root, cache=cache)
    assert again.returncode == 0, again
    assert again.stderr == ""


# --- check fails with the right diff ------------------------------------------------------------


def test_check_reports_an_edited_file(workspace: Workspace, tmp_path: Path) -> None:
    out = workspace.copy_tree(tmp_path / "out")
    rel = f"{workspace.package}/_client.py"  # small: check formats only it again
    lines = (out / rel).read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("class "))
    original = lines[index].rstrip("\n")
    lines[index] = original.replace("class ", "class Hand", 1) + "  # edited by hand\n"
    (out / rel).write_text("".join(lines), encoding="utf-8")

    plain = codegen("check", "--output", out, cwd=workspace.root)
    assert plain.returncode == 1, plain
    assert plain.stdout == f"changed: {rel}\n"  # like black --check: --diff shows more
    assert "--diff" in plain.stderr
    stat = codegen("check", "--stat", "--output", out, cwd=workspace.root)
    assert stat.stdout == f"changed: {rel} (+1 -1)\n", stat
    run = codegen("check", "--diff", "--output", out, cwd=workspace.root)
    assert run.returncode == 1, run
    assert reported(run, "changed") == [rel], run
    assert reported(run, "missing") == reported(run, "stale") == []
    assert f"--- a/{rel}\n+++ b/{rel}\n" in run.stdout
    assert "\n-" + lines[index] in run.stdout  # the edited line, as on disk
    assert "\n+" + original + "\n" in run.stdout  # what generate would write back
    assert "out of date" in run.stderr


def test_check_reports_a_deleted_file(workspace: Workspace, tmp_path: Path) -> None:
    out = workspace.copy_tree(tmp_path / "out")
    rel = f"{workspace.package}/errors.py"
    (out / rel).unlink()
    run = codegen("check", "--output", out, cwd=workspace.root)
    assert run.returncode == 1, run
    assert reported(run, "missing") == [rel], run
    assert reported(run, "changed") == []


def test_check_reports_a_changed_template(workspace: Workspace, tmp_path: Path) -> None:
    out = workspace.copy_tree(tmp_path / "out")
    overrides = tmp_path / "my-templates"
    (overrides / "docs").mkdir(parents=True)
    builtin = (REPO / "templates" / "docs" / "index.md.jinja").read_text(
        encoding="utf-8"
    )
    marker = "Maintained by the payments team: see the internal wiki."
    (overrides / "docs" / "index.md.jinja").write_text(
        builtin.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8"
    )
    run = codegen(
        "check", "--diff", "--templates", overrides, "--output", out, cwd=workspace.root
    )
    assert run.returncode == 1, run
    assert reported(run, "changed") == ["docs/index.md"], run
    assert "--- a/docs/index.md\n+++ b/docs/index.md\n" in run.stdout
    assert f"\n+{marker}\n" in run.stdout
    assert reported(run, "missing") == reported(run, "stale") == []


def test_check_reports_a_changed_operation_list(
    workspace: Workspace, tmp_path: Path
) -> None:
    out = workspace.copy_tree(tmp_path / "out")
    run = codegen("check", "-o", OTHER, "--output", out, cwd=workspace.root)
    assert run.returncode == 1, run
    assert OTHER_PAGE in reported(run, "missing"), run
    pages = sorted(p for p in files_of(out) if p.startswith("docs/operations/"))
    assert pages and set(pages) <= set(reported(run, "stale")), run
    assert "docs/index.md" in reported(run, "changed")


def test_user_file_is_reported_but_does_not_fail_check(
    workspace: Workspace, tmp_path: Path
) -> None:
    out = workspace.copy_tree(tmp_path / "out")
    (out / "NOTES.md").write_text("our own notes\n", encoding="utf-8")
    run = codegen("check", "--output", out, cwd=workspace.root)
    assert run.returncode == 0, run
    assert "NOTES.md is not generated by codegen" in run.stderr, run
    assert "NOTES.md" not in run.stdout


def test_generate_removes_files_it_no_longer_produces_and_keeps_user_files(
    workspace: Workspace, tmp_path: Path
) -> None:
    out = workspace.copy_tree(tmp_path / "out")
    user = out / workspace.package / "my_helpers.py"
    user.write_text("HELPER = 1\n", encoding="utf-8")
    before = files_of(out)
    owned_before = {entry["path"] for entry in json.loads(before[MANIFEST])["files"]}

    run = codegen("generate", "-o", OTHER, "--output", out, cwd=workspace.root)
    assert run.returncode == 0, run
    after = files_of(out)
    owned_after = {entry["path"] for entry in json.loads(after[MANIFEST])["files"]}
    old_pages = {p for p in before if p.startswith("docs/operations/")}
    removed = owned_before - owned_after
    assert old_pages and old_pages <= removed
    assert not removed & set(after)  # gone from disk
    assert set(after) - {MANIFEST} == owned_after | {user.relative_to(out).as_posix()}
    assert OTHER_PAGE in after
    assert user.read_text(encoding="utf-8") == "HELPER = 1\n"
    assert user.relative_to(out).as_posix() not in owned_after
    assert f"{len(removed)} removed" in run.stdout, run
    # and the new tree is what check expects for the new selection
    recheck = codegen("check", "-o", OTHER, "--output", out, cwd=workspace.root)
    assert recheck.returncode == 0, recheck


# --- bad input ----------------------------------------------------------------------------------


def test_unknown_operation_suggests_the_closest_matches(
    workspace: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "never-written"
    for command in ("check", "generate"):
        run = codegen(command, "-o", TARGET[:-1], "--output", out, cwd=workspace.root)
        assert run.returncode == 2, run
        assert TARGET[:-1] in run.stderr
        assert TARGET in run.stderr, run  # the closest match is offered
        assert "Traceback" not in run.stderr
        assert run.stdout == ""
    assert not out.exists()


# --- list ---------------------------------------------------------------------------------------


def test_list_prints_id_method_path_call(workspace: Workspace) -> None:
    run = codegen("list", cwd=workspace.root)
    assert run.returncode == 0, run
    lines = run.stdout.splitlines()
    assert len(lines) == 468
    expected = f"{TARGET}\tPOST\t/v1/customers/{{customer}}/sources\t{TARGET_CALL}"
    assert any(
        line == expected or line.startswith(expected + "\t") for line in lines
    ), run
    rows = [line.split("\t") for line in lines]
    assert all(len(row) == 5 for row in rows), run
    calls = [row[3] for row in rows]
    assert all(call.startswith("client.") for call in calls)
    assert len(set(calls)) == len(calls)  # every operation has a call of its own


def test_list_summary_falls_back_to_the_description(workspace: Workspace) -> None:
    run = codegen("list", "--glob", TARGET, cwd=workspace.root)
    assert run.returncode == 0, run
    [line] = run.stdout.splitlines()
    assert line.split("\t")[3] == TARGET_CALL, line
    summary = line.split("\t")[4]
    assert summary.startswith("When you create a new credit card"), line


def test_list_filters_by_glob(workspace: Workspace) -> None:
    run = codegen("list", "--glob", "Zzz*", cwd=workspace.root)
    assert run.returncode == 0, run
    assert run.stdout == ""


def test_list_filters_by_text_and_method(workspace: Workspace) -> None:
    run = codegen("list", "--filter", "sources", "--method", "post", cwd=workspace.root)
    assert run.returncode == 0, run
    rows = [line.split("\t") for line in run.stdout.splitlines()]
    ids = [row[0] for row in rows]
    assert TARGET in ids
    assert "GetCustomersCustomerSources" not in ids
    assert "PostCustomers" not in ids
    for row in rows:
        assert row[1] == "POST", row
        assert "sources" in "\t".join(row).lower(), row


# --- spec fetch ----------------------------------------------------------------------------------


@pytest.fixture
def fetch_project(tmp_path: Path) -> Path:
    """A project whose pin is a copy of the repo's: a fetch here never touches the repo's cache."""
    root = tmp_path / "project"
    (root / "spec").mkdir(parents=True)
    shutil.copyfile(PIN, root / "spec" / "stripe.lock.json")
    (root / "pyproject.toml").write_text(
        '[tool.codegen]\nspec = "spec/stripe.lock.json"\n', encoding="utf-8"
    )
    return root


def written(project: Path) -> list[str]:
    cache = project / "spec" / "cache"
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


@pytest.mark.parametrize("corrupt", ["spec3.yaml", "fixtures3.json"])
def test_fetch_refuses_a_corrupted_copy(
    fetch_project: Path, tmp_path: Path, corrupt: str
) -> None:
    if not SHARED_SPEC.is_dir():
        pytest.skip(f"{SHARED_SPEC} is missing")
    source = tmp_path / "mirror"
    source.mkdir()
    for name in ("spec3.yaml", "fixtures3.json"):
        shutil.copyfile(SHARED_SPEC / name, source / name)
    data = bytearray((source / corrupt).read_bytes())
    data[len(data) // 2] ^= 0x01  # one flipped bit, same size
    (source / corrupt).write_bytes(bytes(data))

    run = codegen("spec", "fetch", "--from", source, cwd=fetch_project)
    assert run.returncode == 2, run
    assert "sha256" in run.stderr, run
    assert corrupt in run.stderr
    assert "Traceback" not in run.stderr
    assert written(fetch_project) == []  # not even the good file of the two


def test_fetch_from_a_missing_path(fetch_project: Path, tmp_path: Path) -> None:
    run = codegen(
        "spec", "fetch", "--from", tmp_path / "no-such-mirror", cwd=fetch_project
    )
    assert run.returncode == 2, run
    assert "no-such-mirror" in run.stderr
    assert "Traceback" not in run.stderr
    assert written(fetch_project) == []


def test_fetch_from_a_good_copy(fetch_project: Path) -> None:
    if not SHARED_SPEC.is_dir():
        pytest.skip(f"{SHARED_SPEC} is missing")
    run = codegen("spec", "fetch", "--from", SHARED_SPEC, cwd=fetch_project)
    assert run.returncode == 0, run
    assert written(fetch_project) == ["fixtures3.json", "spec3.yaml"]
    for name in ("fixtures3.json", "spec3.yaml"):
        cached = fetch_project / "spec" / "cache" / name
        assert cached.read_bytes() == (SHARED_SPEC / name).read_bytes()


# --- the committed package: mypy --strict and black --check -------------------------------------


def run_tool(args: list[str], cwd: Path) -> Run:
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def committed_package() -> str:
    manifest = json.loads((REPO / "generated" / MANIFEST).read_bytes())
    typed: str = next(
        e["path"] for e in manifest["files"] if e["path"].endswith("/py.typed")
    )
    return typed.split("/")[0]


def test_generated_package_passes_mypy_strict(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    run = run_tool(
        [
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            committed_package(),
        ],
        cwd=REPO / "generated",
    )
    assert run.returncode == 0, run
    assert "Success: no issues found" in run.stdout


def test_generated_package_passes_black_check() -> None:
    version = run_tool(["black", "--version"], cwd=REPO / "generated")
    assert BLACK_PIN in version.stdout, version
    run = run_tool(["black", "--check", "."], cwd=REPO / "generated")
    assert run.returncode == 0, run
    assert "would be left unchanged" in run.stderr


# --- determinism --------------------------------------------------------------------------------


def test_generate_is_byte_identical_across_hash_seeds_and_folders(
    workspace: Workspace,
) -> None:
    run = (
        workspace.second_run.result()
    )  # started by the fixture, beside the first generate
    assert run.returncode == 0, run
    first, second = files_of(workspace.pristine), files_of(workspace.second)
    assert sorted(first) == sorted(second)
    different = [rel for rel in first if first[rel] != second[rel]]
    assert different == []


# --- user mistakes: exit 2, one message, how to fix it (issue 9, item 6) -----------------------


def error_lines(run: Run) -> list[str]:
    """stderr of a failed run: ``codegen: error: ...`` and its indented at/fix lines."""
    lines = run.stderr.splitlines()
    assert lines and lines[0].startswith("codegen: error: "), run
    assert all(line.startswith("  ") for line in lines[1:]), run
    assert "Traceback" not in run.stderr, run
    return lines


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version_short_and_long(flag: str, tmp_path: Path) -> None:
    run = codegen(flag, cwd=tmp_path)
    assert run.returncode == 0, run
    first, *rest = run.stdout.splitlines()
    assert first == f"codegen, version {__version__}"
    assert rest == [
        f"black {BLACK_PIN}, Python (CPython) {sys.version.split()[0]}"
    ], run


def test_a_setting_of_the_wrong_type_is_exit_2(tmp_path: Path) -> None:
    """`all = "no"` used to be true (a non-empty string) and generated all 468 operations."""
    config = tmp_path / "pyproject.toml"
    config.write_text(f'[tool.codegen]\nspec = "{PIN}"\nall = "no"\n', encoding="utf-8")
    out = tmp_path / "out"
    run = codegen("generate", "--output", out, cwd=tmp_path)
    assert run.returncode == 2, run
    lines = error_lines(run)
    assert lines[0] == (
        "codegen: error: [tool.codegen] all must be true or false, found the string 'no'"
    ), run
    assert f"  at: {config}" in lines, run
    assert any(line.startswith("  fix: ") and "all = true" in line for line in lines)
    assert not out.exists()


def test_unknown_setting_suggests_the_closest_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.codegen]\npackge = "x"\n', encoding="utf-8"
    )
    run = codegen("generate", cwd=tmp_path)
    assert run.returncode == 2, run
    assert "'packge' (did you mean 'package'?)" in error_lines(run)[0], run


@pytest.mark.parametrize("command", ["generate", "check"])
def test_keyword_package_option_is_called_a_keyword(
    command: str, tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.codegen]\nspec = "{PIN}"\n', encoding="utf-8"
    )
    run = codegen(
        command, "--package", "class", "--output", tmp_path / "o", cwd=tmp_path
    )
    assert run.returncode == 2, run
    assert error_lines(run)[0] == (
        "codegen: error: --package: 'class' is a Python keyword; "
        "pick another name such as class_client"
    ), run
    assert "not a Python identifier" not in run.stderr


def test_the_hint_for_an_unfetched_spec_is_a_real_command(fetch_project: Path) -> None:
    """A fresh clone's `check` used to hint `codegen fetch --from ...`, which does not exist."""
    from click.testing import CliRunner

    from generator.cli import main

    run = codegen("check", cwd=fetch_project)
    assert run.returncode == 2, run
    assert "has not been fetched" in run.stderr, run
    assert "`codegen spec fetch --from ../shared/stripe-openapi`" in run.stderr, run
    hinted = re.findall(r"`codegen ([^`]*)`", run.stderr)
    assert hinted, run
    for command in hinted:
        result = CliRunner().invoke(main, [*command.split(), "--help"])
        assert result.exit_code == 0, (command, result.output)
        assert result.output.startswith("Usage: "), (command, result.output)


def test_a_misspelt_template_override_is_refused(
    workspace: Workspace, tmp_path: Path
) -> None:
    overrides = tmp_path / "overrides"
    (overrides / "docs").mkdir(parents=True)
    (overrides / "docs" / "index.md.jnja").write_text("custom\n", encoding="utf-8")
    out = tmp_path / "out"
    run = codegen(
        "generate", "--templates", overrides, "--output", out, cwd=workspace.root
    )
    assert run.returncode == 2, run
    lines = error_lines(run)
    assert "docs/index.md.jnja" in lines[0], run
    assert "did you mean 'docs/index.md.jinja'?" in lines[0], run
    assert not out.exists()


def test_a_template_error_names_the_line(workspace: Workspace, tmp_path: Path) -> None:
    overrides = tmp_path / "overrides"
    (overrides / "docs").mkdir(parents=True)
    template = overrides / "docs" / "index.md.jinja"
    template.write_text(
        "# {{ site.title }}\n\n{{ no_such_variable }}\n", encoding="utf-8"
    )
    run = codegen(
        "check",
        "--templates",
        overrides,
        "--output",
        tmp_path / "o",
        cwd=workspace.root,
    )
    assert run.returncode == 2, run
    lines = error_lines(run)
    assert f"{template}:3" in run.stderr, run
    assert "'no_such_variable' is undefined" in lines[0], run


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            PermissionError(13, "Permission denied", "/srv/out/x.py"),
            "codegen: error: /srv/out/x.py: permission denied",
        ),
        (
            OSError(28, "No space left on device", "/srv/out"),
            "codegen: error: /srv/out: no space left on device",
        ),
        (
            OSError(36, "File name too long", "/srv/" + "a" * 300),
            "codegen: error: /srv/" + "a" * 300 + ": file name too long",
        ),
    ],
    ids=["EACCES", "ENOSPC", "ENAMETOOLONG"],
)
def test_an_os_error_is_exit_2_naming_the_path(
    error: OSError,
    expected: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An OS error no stage turned into a message used to be an "internal error"."""
    from generator.cli import reports_errors

    monkeypatch.delenv("CODEGEN_DEBUG", raising=False)

    @reports_errors
    def command() -> None:
        raise error

    with pytest.raises(SystemExit) as exit_:
        command()
    assert exit_.value.code == 2
    first, fix = capsys.readouterr().err.splitlines()
    assert first == expected
    assert fix.startswith("  fix: ") and "report" not in fix


# --- [tool.codegen.names]: renames by operation ID ----------------------------------------------


def names_config(folder: Path, names: dict[str, str]) -> Path:
    """A pyproject selecting TARGET from the pinned spec, with ``names`` as renames."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "[tool.codegen]",
        f"spec = {toml_value(str(PIN))}",
        f"operations = {toml_value([TARGET])}",
        "",
        "[tool.codegen.names]",
        *(f"{op_id} = {toml_value(call)}" for op_id, call in names.items()),
        "",
    ]
    config = folder / "pyproject.toml"
    config.write_text("\n".join(lines), encoding="utf-8")
    return config


def test_a_rename_is_generated_and_listed(tmp_path: Path) -> None:
    if not PIN.is_file():
        pytest.skip("spec/stripe.lock.json is missing")
    names_config(tmp_path, {TARGET: "customers.sources.add"})
    out = tmp_path / "out"
    run = codegen("generate", "--output", out, cwd=tmp_path)
    if run.returncode == 2 and "has not been fetched" in run.stderr:
        pytest.skip("the spec is not fetched: run `codegen spec fetch` first")
    assert run.returncode == 0, run
    # the renamed call exists on the client, and the path's own name does not
    probe = (
        "from stripe_client import Client\n"
        "client = Client(api_key='sk_test_x')\n"
        "sources = client.customers.sources\n"
        "print(type(sources).__name__, callable(sources.add),"
        " hasattr(sources, 'create'))\n"
    )
    imported = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=out,
        env={**env_for(), "PYTHONPATH": str(out)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.split() == ["CustomersSourcesResource", "True", "False"]
    resources = (out / "stripe_client" / "resources" / "customers.py").read_text(
        encoding="utf-8"
    )
    assert "    def add(\n" in resources and "    def create(\n" not in resources
    assert (out / "docs" / "operations" / "customers.sources.add.md").is_file()
    assert (out / "reference" / "operations" / "customers.sources.add.html").is_file()
    assert not (out / "docs" / "operations" / "customers.sources.create.md").exists()
    check = codegen("check", "--output", out, cwd=tmp_path)
    assert check.returncode == 0, check

    listed = codegen("list", "--glob", TARGET, cwd=tmp_path)
    assert listed.returncode == 0, listed
    [line] = listed.stdout.splitlines()
    assert line.split("\t")[:4] == [
        TARGET,
        "POST",
        "/v1/customers/{customer}/sources",
        "client.customers.sources.add",
    ], line
    # the other operations keep the names the path gives them
    other = codegen("list", "--glob", "GetCustomersCustomerSources", cwd=tmp_path)
    assert other.stdout.split("\t")[3] == "client.customers.sources.list", other


def test_a_rename_of_an_unknown_operation_is_exit_2(tmp_path: Path) -> None:
    if not PIN.is_file():
        pytest.skip("spec/stripe.lock.json is missing")
    config = names_config(tmp_path, {TARGET[:-1]: "customers.sources.add"})
    out = tmp_path / "out"
    for command in ("generate", "check", "list"):
        args = (command,) if command == "list" else (command, "--output", out)
        run = codegen(*args, cwd=tmp_path)
        assert run.returncode == 2, run
        lines = error_lines(run)  # no traceback, the codegen error format
        assert lines[0].startswith(
            f"codegen: error: names: no operation {TARGET[:-1]!r} in the spec"
        ), run
        assert TARGET in lines[0], run  # the closest match is offered
        assert any(f"names.{TARGET[:-1]}" in line for line in lines), run
        assert any(line.startswith("  fix: ") for line in lines), run
        assert run.stdout == ""
    assert not out.exists()
    assert config.is_file()


def test_two_renames_to_one_call_are_exit_2(tmp_path: Path) -> None:
    if not PIN.is_file():
        pytest.skip("spec/stripe.lock.json is missing")
    names_config(
        tmp_path,
        {
            TARGET: "customers.sources.add",
            "GetCustomersCustomerSources": "customers.sources.add",
        },
    )
    out = tmp_path / "out"
    for command in ("generate", "list"):
        args = (command,) if command == "list" else (command, "--output", out)
        run = codegen(*args, cwd=tmp_path)
        assert run.returncode == 2, run
        lines = error_lines(run)
        assert lines[0] == (
            "codegen: error: operations GetCustomersCustomerSources,"
            f" {TARGET} would all be called client.customers.sources.add"
        ), run
        assert any(
            line.startswith("  fix: ") and "[tool.codegen.names]" in line
            for line in lines
        ), run
        assert run.stdout == ""
    assert not out.exists()


def test_a_rename_that_is_no_dotted_call_is_exit_2(tmp_path: Path) -> None:
    if not PIN.is_file():
        pytest.skip("spec/stripe.lock.json is missing")
    names_config(tmp_path, {TARGET: "add"})
    run = codegen("list", cwd=tmp_path)
    assert run.returncode == 2, run
    lines = error_lines(run)
    assert lines[0] == (
        f"codegen: error: names.{TARGET} must be a dotted call such as"
        " 'customers.sources.create', found 'add'"
    ), run


def test_list_generate_and_check_a_spec_outside_any_project(tmp_path: Path) -> None:
    """``--spec`` alone is enough: no pyproject.toml, the defaults rooted at the current
    folder (the output in ``generated/`` there)."""
    import json

    from tests.support.specs import document, ok_response, operation, param

    spec = document(
        {
            "/pets": {
                "get": operation(
                    "listPets",
                    parameters=[param("limit", "query", {"type": "integer"})],
                    response=ok_response({"type": "string"}),
                )
            }
        },
        title="Pet Store",
    )
    (tmp_path / "pets.json").write_text(json.dumps(spec), encoding="utf-8")
    cache = tmp_path / "cache"
    listed = codegen("list", "--spec", "pets.json", cwd=tmp_path, cache=cache)
    assert listed.returncode == 0, listed
    assert listed.stdout.startswith("listPets\tGET\t/pets\t")
    made = codegen(
        "generate", "--spec", "pets.json", "--all", "-q", cwd=tmp_path, cache=cache
    )
    assert made.returncode == 0, made
    # the package is named after the spec's title (no `package` setting)
    assert (
        tmp_path / "generated" / "pet_store_client" / "resources" / "pets.py"
    ).is_file()
    assert not (tmp_path / "generated" / "stripe_client").exists()
    checked = codegen(
        "check", "--spec", "pets.json", "--all", "-q", cwd=tmp_path, cache=cache
    )
    assert checked.returncode == 0, checked
    alone = codegen("list", cwd=tmp_path, cache=cache)
    assert alone.returncode == 2 and "no pyproject.toml found" in alone.stderr, alone


def test_the_parts_of_a_spec_not_generated_are_noted_on_every_run(
    tmp_path: Path,
) -> None:
    """A 3.1 spec's ``webhooks`` are not generated: ``generate`` and ``check`` say so on
    stderr, also when the build comes from the build store; ``--quiet`` says nothing."""
    import json

    from tests.support.specs import document, ok_response, operation

    spec = document(
        {"/pets": {"get": operation("listPets", response=ok_response({}))}},
        version="3.1.0",
        title="Pet Store",
    )
    spec["webhooks"] = {
        "newPet": {"post": operation("newPet", response=ok_response({}))}
    }
    (tmp_path / "pets.json").write_text(json.dumps(spec), encoding="utf-8")
    cache = tmp_path / "cache"
    expected = "codegen: note: /webhooks: 1 webhook(s) not generated (newPet)"
    first = codegen(
        "generate", "--spec", "pets.json", "--all", cwd=tmp_path, cache=cache
    )
    assert first.returncode == 0, first
    assert expected in first.stderr, first
    again = codegen("check", "--spec", "pets.json", "--all", cwd=tmp_path, cache=cache)
    assert again.returncode == 0 and expected in again.stderr, again
    quiet = codegen(
        "generate", "--spec", "pets.json", "--all", "-q", cwd=tmp_path, cache=cache
    )
    assert quiet.returncode == 0 and quiet.stderr == "", quiet

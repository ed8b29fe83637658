"""Tests for the write/check stage: atomic swap, manifest, user files, byte diff, fast path."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import __version__, output
from generator.output import write as output_write
from generator.errors import CodegenError
from generator.output import (
    MANIFEST_NAME,
    Difference,
    ManifestInfo,
    compare_tree,
    check_writable,
    read_manifest,
    write_tree,
)

INFO = ManifestInfo(spec_sha256="a" * 64, black_version="26.10.1")
FILES = {
    "pkg/__init__.py": b'"""Package."""\n',
    "pkg/models.py": b"class A:\n    pass\n",
    "README.md": b"# client\n",
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative POSIX path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def siblings(out: Path) -> list[str]:
    return sorted(os.listdir(out.parent))


def dead_pid() -> int:
    """The pid of a process that has exited: leftovers named after it are nobody's."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def inventory(root: Path) -> dict[str, tuple[int, int, int, int]]:
    """(inode, mode, uid, gid) of every file and folder under ``root``, the root included."""
    found = {}
    for path in [root, *sorted(root.rglob("*"))]:
        info = os.lstat(path)
        key = "" if path == root else path.relative_to(root).as_posix()
        found[key] = (info.st_ino, info.st_mode, info.st_uid, info.st_gid)
    return found


# --- write -------------------------------------------------------------------------------------


def test_first_write_creates_tree_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    result = write_tree(out, FILES, INFO)
    on_disk = tree(out)
    manifest_bytes = on_disk.pop(MANIFEST_NAME)
    assert on_disk == FILES
    assert result.added == ("README.md", "pkg/__init__.py", "pkg/models.py")
    assert result.changed == result.removed == result.kept == ()
    manifest = json.loads(manifest_bytes)
    assert manifest["spec_sha256"] == "a" * 64
    assert manifest["black_version"] == "26.10.1"
    assert manifest["generator_version"] == __version__
    assert manifest["files"][1] == {
        "path": "pkg/__init__.py",
        "sha256": sha(FILES["pkg/__init__.py"]),
    }
    assert siblings(out) == ["generated"]  # no staging or aside folder left behind


def test_bytes_are_preserved_exactly(tmp_path: Path) -> None:
    files = {
        "crlf.txt": b"a\r\nb\r\n",
        "bin.dat": bytes(range(256)),
        "nonl.py": b"x = 1",
    }
    write_tree(tmp_path / "out", files, INFO)
    assert {
        k: v for k, v in tree(tmp_path / "out").items() if k != MANIFEST_NAME
    } == files


def test_manifest_is_deterministic(tmp_path: Path) -> None:
    info = ManifestInfo("b" * 64, "26.10.1")
    reordered = dict(reversed(list(FILES.items())))
    write_tree(tmp_path / "one", FILES, info)
    write_tree(tmp_path / "two", reordered, info)
    one = (tmp_path / "one" / MANIFEST_NAME).read_bytes()
    assert one == (tmp_path / "two" / MANIFEST_NAME).read_bytes()
    assert one.endswith(b"}\n")
    parsed = json.loads(one)
    assert one.decode() == json.dumps(parsed, indent=2, sort_keys=True) + "\n"
    assert [f["path"] for f in parsed["files"]] == sorted(FILES)
    entry = read_manifest(tmp_path / "one")
    assert entry is not None
    assert entry.entry("pkg/models.py") == output.ManifestEntry(
        "pkg/models.py", sha(FILES["pkg/models.py"])
    )
    assert entry.entry("README.md") is not None


def test_read_manifest_absent_and_corrupt(tmp_path: Path) -> None:
    assert read_manifest(tmp_path / "nothing") is None
    (tmp_path / MANIFEST_NAME).write_text("{broken")
    with pytest.raises(CodegenError, match="corrupt"):
        read_manifest(tmp_path)


def test_rewrite_removes_stale_owned_and_keeps_user_files(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree(out, FILES, INFO)
    (out / "NOTES.txt").write_bytes(b"mine\n")
    (out / "pkg" / "custom.py").write_bytes(b"# hand written\n")
    (out / "mine" / "empty").mkdir(parents=True)
    os.symlink("README.md", out / "link.md")
    new_files = {
        "pkg/__init__.py": b'"""Package v2."""\n',
        "README.md": FILES["README.md"],
    }
    result = write_tree(out, new_files, INFO)
    assert result.removed == ("pkg/models.py",)
    assert result.changed == ("pkg/__init__.py",)
    assert result.unchanged == ("README.md",)
    assert result.kept == ("NOTES.txt", "link.md", "pkg/custom.py")
    assert not (out / "pkg" / "models.py").exists()
    assert (out / "NOTES.txt").read_bytes() == b"mine\n"
    assert (out / "pkg" / "custom.py").read_bytes() == b"# hand written\n"
    assert (out / "mine" / "empty").is_dir()
    assert os.readlink(out / "link.md") == "README.md"
    assert (out / "pkg" / "__init__.py").read_bytes() == b'"""Package v2."""\n'
    manifest = read_manifest(out)
    assert manifest is not None
    assert sorted(manifest.owned()) == ["README.md", "pkg/__init__.py"]


def test_stale_owned_folder_disappears(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"a/b/c.py": b"x\n", "d.py": b"y\n"}, INFO)
    write_tree(out, {"d.py": b"y\n"}, INFO)
    assert not (out / "a").exists()


def test_failure_midway_keeps_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "generated"
    write_tree(out, FILES, INFO)
    (out / "NOTES.txt").write_bytes(b"mine\n")
    before = tree(out)
    calls = []
    real_write = output_write._write_file

    def failing_write(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full")
        real_write(path, data)

    monkeypatch.setattr(output_write, "_write_file", failing_write)
    with pytest.raises(CodegenError, match="disk full"):
        write_tree(out, {k: v + b"# new\n" for k, v in FILES.items()}, INFO)
    assert len(calls) == 2
    assert tree(out) == before
    assert siblings(out) == ["generated"]


def test_failed_rename_in_restores_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "generated"
    write_tree(out, FILES, INFO)
    before = tree(out)
    real_rename = os.rename

    def rename(src: str | Path, dst: str | Path) -> None:
        if Path(src).name.startswith(".generated.codegen-new"):
            raise OSError("interrupted")
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(CodegenError, match="interrupted"):
        write_tree(out, {"other.py": b"z\n"}, INFO)
    assert tree(out) == before
    assert siblings(out) == ["generated"]


def test_recovers_from_interrupted_swap(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree(out, FILES, INFO)
    before = tree(out)
    # A crash after "rename old aside" and before "rename new in": only leftovers remain.
    gone = dead_pid()
    os.rename(out, tmp_path / f".generated.codegen-old-{gone}-abcd")
    (tmp_path / f".generated.codegen-new-{gone}-abcd" / "pkg").mkdir(parents=True)
    output.recover(out)
    assert tree(out) == before
    assert siblings(out) == ["generated"]
    # A crash after the swap leaves the old folder aside: it is simply deleted next time.
    (tmp_path / f".generated.codegen-old-{dead_pid()}-ef01").mkdir()
    write_tree(out, FILES, INFO)
    assert siblings(out) == ["generated"]


@pytest.mark.parametrize(
    "bad",
    [
        "/etc/passwd",
        "../up.py",
        "a/../../b.py",
        "a\\b.py",
        "a//b.py",
        "./a.py",
        "",
        "C:x",
        MANIFEST_NAME,
    ],
)
def test_bad_paths_are_rejected(tmp_path: Path, bad: str) -> None:
    with pytest.raises(CodegenError):
        write_tree(tmp_path / "out", {bad: b"x"}, INFO)
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "up.py").exists()


def test_symlink_leading_outside_is_rejected(tmp_path: Path) -> None:
    out = tmp_path / "out"
    outside = tmp_path / "outside"
    outside.mkdir()
    out.mkdir()
    os.symlink(outside, out / "sub")
    with pytest.raises(CodegenError, match="outside"):
        write_tree(out, {"sub/x.py": b"x\n"}, INFO)
    assert list(outside.iterdir()) == []


def test_user_file_in_the_way_is_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "pkg.py").write_bytes(b"user\n")
    # Even when told to take the folder over, codegen never overwrites a user's file.
    with pytest.raises(CodegenError, match="not owned by codegen"):
        write_tree(out, {"pkg.py": b"generated\n"}, INFO, force=True)
    assert (out / "pkg.py").read_bytes() == b"user\n"
    with pytest.raises(CodegenError, match="in the way"):
        write_tree(out, {"pkg.py/inner.py": b"generated\n"}, INFO, force=True)
    # Identical bytes are not a conflict: the file simply becomes owned.
    result = write_tree(out, {"pkg.py": b"user\n"}, INFO, force=True)
    assert result.unchanged == ("pkg.py",)
    manifest = read_manifest(out)
    assert manifest is not None and manifest.entry("pkg.py") is not None


# --- check -------------------------------------------------------------------------------------


def test_compare_clean_tree_has_no_differences(tmp_path: Path) -> None:
    write_tree(tmp_path / "out", FILES, INFO)
    assert compare_tree(tmp_path / "out", FILES) == []
    assert compare_tree(tmp_path / "out", FILES, INFO) == []


def test_compare_reports_each_kind(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, FILES, INFO)
    (out / "pkg" / "models.py").write_bytes(b"class A:\n    passed\n")
    (out / "NOTES.txt").write_bytes(b"mine\n")
    (out / "pkg" / "__pycache__").mkdir()
    (out / "pkg" / "__pycache__" / "models.cpython-311.pyc").write_bytes(b"\0")
    produced = {k: v for k, v in FILES.items() if k != "README.md"}
    produced["pkg/new.py"] = b"new\n"
    found = compare_tree(out, produced)
    assert [(d.kind, d.path) for d in found] == [
        ("unowned", "NOTES.txt"),
        ("stale", "README.md"),
        ("changed", "pkg/models.py"),
        ("missing", "pkg/new.py"),
    ]
    assert [d.fails_check for d in found] == [False, True, True, True]
    assert found[2].diff == (
        "--- a/pkg/models.py\n"
        "+++ b/pkg/models.py\n"
        "@@ -1,2 +1,2 @@\n"
        " class A:\n"
        "-    passed\n"
        "+    pass\n"
    )


def test_compare_missing_output_folder(tmp_path: Path) -> None:
    found = compare_tree(tmp_path / "absent", {"a.py": b"x\n"})
    assert found == [Difference("missing", "a.py")]


def test_diff_marks_missing_final_newline_and_invalid_utf8() -> None:
    text = output.unified_diff("x.py", b"a = 1", b"a = 1\n")
    assert text.startswith("--- a/x.py\n+++ b/x.py\n")
    assert "-a = 1\n\\ No newline at end of file\n+a = 1\n" in text
    invisible = output.unified_diff("b.bin", b"\xff", b"\xfe")
    assert "differ" in invisible


def test_compare_with_manifest_info_reports_manifest_change(tmp_path: Path) -> None:
    write_tree(tmp_path / "out", FILES, INFO)
    newer = ManifestInfo(spec_sha256="f" * 64, black_version="26.10.1")
    found = compare_tree(tmp_path / "out", FILES, newer)
    assert [(d.kind, d.path) for d in found] == [("manifest", MANIFEST_NAME)]
    assert '+  "spec_sha256": "' + "f" * 64 in found[0].diff


# --- a folder codegen does not own ------------------------------------------------------------


def foreign_folder(root: Path) -> Path:
    """A home-like folder: a private ``.ssh`` and a notes file, and no manifest."""
    (root / ".ssh").mkdir(parents=True)
    (root / ".ssh" / "id_ed25519").write_text("secret\n")
    os.chmod(root / ".ssh", 0o700)
    os.chmod(root / ".ssh" / "id_ed25519", 0o600)
    (root / "notes.txt").write_text("mine\n")
    return root


def test_a_non_empty_folder_without_manifest_is_refused_untouched(
    tmp_path: Path,
) -> None:
    home = foreign_folder(tmp_path / "home")
    before = inventory(home)
    with pytest.raises(CodegenError, match="no .codegen-manifest.json") as caught:
        write_tree(home, FILES, INFO)
    assert "--force" in str(caught.value)
    with pytest.raises(CodegenError, match="not empty"):
        check_writable(home)
    assert inventory(home) == before
    assert siblings(home) == ["home"]


def test_an_empty_folder_or_our_own_is_taken_without_force(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    write_tree(tmp_path / "empty", FILES, INFO)
    write_tree(tmp_path / "empty", FILES, INFO)  # now it has a manifest
    assert read_manifest(tmp_path / "empty") is not None


def test_force_keeps_modes_owners_and_inodes_of_what_it_does_not_own(
    tmp_path: Path,
) -> None:
    home = foreign_folder(tmp_path / "home")
    os.chmod(home, 0o750)
    if os.geteuid() == 0:  # CI runs as root: hand the user's things to somebody else
        for path in (home, home / ".ssh", home / ".ssh" / "id_ed25519"):
            os.chown(path, 12345, 23456)
    before = inventory(home)
    write_tree(home, FILES, INFO, force=True)
    after = inventory(home)
    for rel in (".ssh/id_ed25519", "notes.txt"):
        assert after[rel] == before[rel]  # the same inode: mode, owner, times untouched
    for rel in (
        "",
        ".ssh",
    ):  # folders are new inodes after the swap, with the old attributes
        assert after[rel][1:] == before[rel][1:], rel
    assert stat.S_IMODE(after[".ssh"][1]) == 0o700
    assert (home / "pkg" / "models.py").read_bytes() == FILES["pkg/models.py"]
    manifest = read_manifest(home)
    assert manifest is not None and ".ssh/id_ed25519" not in manifest.owned()


def test_a_read_only_user_folder_survives_a_rewrite(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree(out, FILES, INFO)
    (out / "vendor").mkdir()
    (out / "vendor" / "keep.txt").write_text("x")
    os.chmod(out / "vendor", 0o555)
    write_tree(out, {**FILES, "README.md": b"# new\n"}, INFO)
    assert stat.S_IMODE((out / "vendor").stat().st_mode) == 0o555
    assert (out / "vendor" / "keep.txt").read_text() == "x"


# --- interrupted writes -------------------------------------------------------------------------


def test_an_interrupted_swap_is_found_until_repaired(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree(out, FILES, INFO)
    assert output.interrupted_write(out) is None
    aside = tmp_path / f".generated.codegen-old-{dead_pid()}-abcd"
    os.rename(out, aside)
    assert output.interrupted_write(out) == aside
    write_tree(out, FILES, INFO)  # the next write puts it back first, then writes
    assert output.interrupted_write(out) is None
    assert siblings(out) == ["generated"]


@pytest.fixture
def running_pid() -> Iterator[int]:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield child.pid
    finally:
        child.kill()
        child.wait()


def test_leftovers_of_a_running_codegen_are_left_to_it(
    tmp_path: Path, running_pid: int
) -> None:
    out = tmp_path / "generated"
    write_tree(out, FILES, INFO)
    busy = tmp_path / f".generated.codegen-new-{running_pid}-abcd"
    busy.mkdir()
    output.recover(out)
    assert busy.is_dir()


# --- file modes ----------------------------------------------------------------------------------


def test_an_executable_bit_fails_the_comparison_and_a_write_clears_it(
    tmp_path: Path,
) -> None:
    out = tmp_path / "generated"
    write_tree(out, FILES, INFO)
    target = out / "pkg" / "models.py"
    os.chmod(target, 0o755)
    found = compare_tree(out, FILES, INFO)
    assert [(d.kind, d.path) for d in found] == [("mode", "pkg/models.py")]
    assert found[0].fails_check and "755" in found[0].diff
    result = write_tree(out, FILES, INFO)
    assert result.changed == ("pkg/models.py",)
    assert not target.stat().st_mode & output.EXECUTABLE_BITS
    assert compare_tree(out, FILES, INFO) == []


# --- OS errors become exit-2 errors that name the path ---------------------------------------


def test_an_os_error_names_the_path_and_a_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "generated"
    write_tree(out, FILES, INFO)
    before = tree(out)

    def denied(path: Path, data: bytes) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(output_write, "_write_file", denied)
    with pytest.raises(CodegenError) as caught:
        write_tree(out, {"x.py": b"x\n"}, INFO)
    message = str(caught.value)
    assert "cannot write" in message and "Permission denied" in message
    assert "left as it was" in message and "fix: check the permissions" in message
    assert tree(out) == before
    assert siblings(out) == ["generated"]


def test_a_name_too_long_for_the_file_system(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    with pytest.raises(CodegenError, match="too long") as caught:
        write_tree(out, {"p" * 300 + ".py": b"x\n"}, INFO)
    assert "--package" in str(caught.value)
    assert siblings(out) == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 512 kB tmpfs mounted for the test (CI runs as root)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)], check=True
    )
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def test_a_full_disk_is_exit_2_and_leaves_the_output(small_disk: Path) -> None:
    out = small_disk / "generated"
    write_tree(out, FILES, INFO)
    before = tree(out)
    with pytest.raises(CodegenError, match="No space left") as caught:
        write_tree(out, {"big.bin": b"x" * 2_000_000}, INFO)
    assert "free space" in str(caught.value)
    assert tree(out) == before
    assert siblings(out) == ["generated"]


def test_a_read_only_disk_is_exit_2_and_check_still_reads(small_disk: Path) -> None:
    out = small_disk / "generated"
    write_tree(out, FILES, INFO)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(CodegenError, match="Read-only file system") as caught:
        write_tree(out, {**FILES, "new.py": b"y\n"}, INFO)
    assert "writable --output" in str(caught.value)
    assert compare_tree(out, FILES, INFO) == []


def test_a_mount_point_is_refused_before_any_work(small_disk: Path) -> None:
    with pytest.raises(CodegenError, match="mount point") as caught:
        write_tree(small_disk, FILES, INFO)
    assert f"--output {small_disk / 'generated'}" in str(caught.value)
    assert os.listdir(small_disk) == []

"""Tests for the write/check stage: atomic swap, manifest, user files, byte diff, fast path."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from generator import __version__, output
from generator.errors import CodegenError
from generator.output import (
    MANIFEST_NAME,
    Difference,
    ManifestInfo,
    compare_tree,
    read_manifest,
    unchanged_by_source,
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
    info = ManifestInfo("b" * 64, "26.10.1", source_sha256={"pkg/models.py": "c" * 64})
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
        "pkg/models.py", sha(FILES["pkg/models.py"]), "c" * 64
    )
    assert entry.entry("README.md") is not None
    assert entry.entry("README.md").source_sha256 is None  # type: ignore[union-attr]


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
    real_write = output._write_file

    def failing_write(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full")
        real_write(path, data)

    monkeypatch.setattr(output, "_write_file", failing_write)
    with pytest.raises(OSError, match="disk full"):
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
    with pytest.raises(OSError, match="interrupted"):
        write_tree(out, {"other.py": b"z\n"}, INFO)
    assert tree(out) == before
    assert siblings(out) == ["generated"]


def test_recovers_from_interrupted_swap(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree(out, FILES, INFO)
    before = tree(out)
    # A crash after "rename old aside" and before "rename new in": only leftovers remain.
    os.rename(out, tmp_path / ".generated.codegen-old-1-abcd")
    (tmp_path / ".generated.codegen-new-1-abcd" / "pkg").mkdir(parents=True)
    output.recover(out)
    assert tree(out) == before
    assert siblings(out) == ["generated"]
    # A crash after the swap leaves the old folder aside: it is simply deleted next time.
    (tmp_path / ".generated.codegen-old-2-ef01").mkdir()
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
    with pytest.raises(CodegenError, match="not owned by codegen"):
        write_tree(out, {"pkg.py": b"generated\n"}, INFO)
    assert (out / "pkg.py").read_bytes() == b"user\n"
    with pytest.raises(CodegenError, match="in the way"):
        write_tree(out, {"pkg.py/inner.py": b"generated\n"}, INFO)
    # Identical bytes are not a conflict: the file simply becomes owned.
    result = write_tree(out, {"pkg.py": b"user\n"}, INFO)
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


# --- fast path ---------------------------------------------------------------------------------


def test_unchanged_by_source_conditions(tmp_path: Path) -> None:
    out = tmp_path / "out"
    info = ManifestInfo("a" * 64, "26.10.1", source_sha256={"pkg/models.py": "s" * 64})
    write_tree(out, FILES, info)
    rel = "pkg/models.py"
    assert unchanged_by_source(out, rel, "s" * 64, "26.10.1") == FILES[rel]
    assert unchanged_by_source(out, rel, "t" * 64, "26.10.1") is None  # other source
    assert unchanged_by_source(out, rel, "s" * 64, "25.1.0") is None  # other black
    assert (
        unchanged_by_source(out, "README.md", "s" * 64, "26.10.1") is None
    )  # no source hash
    assert (
        unchanged_by_source(out, "pkg/nope.py", "s" * 64, "26.10.1") is None
    )  # not owned
    manifest = read_manifest(out)
    (out / rel).write_bytes(b"edited by hand\n")
    assert unchanged_by_source(out, rel, "s" * 64, "26.10.1", manifest=manifest) is None
    (out / rel).unlink()
    assert unchanged_by_source(out, rel, "s" * 64, "26.10.1", manifest=manifest) is None
    assert unchanged_by_source(tmp_path / "absent", rel, "s" * 64, "26.10.1") is None

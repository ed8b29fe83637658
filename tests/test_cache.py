"""Unit tests for generator.cache's format store: sealed entries, a size cap, shared use."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import pytest

from generator import cache
from generator import format as formatting
from generator.cache import FormatCache
from generator.errors import CodegenError

SHA = "ab" * 32  # a source sha256 (any 64 hex digits will do)


def store(folder: Path, black_version: str = "1.0", mode: str = "m") -> FormatCache:
    return FormatCache(folder, black_version, mode)


def entry_path(formats: FormatCache, source_sha256: str = SHA) -> Path:
    key = formats.key(source_sha256)
    return formats.entries / key[:2] / key


def fill(formats: FormatCache, count: int, size: int, now: float) -> list[Path]:
    """``count`` entries of about ``size`` bytes, the first the least recently used."""
    paths = []
    for index in range(count):
        sha = f"{index:064x}"
        assert formats.put(sha, b"x" * size)
        path = entry_path(formats, sha)
        os.utime(path, (now - 1000 + index, now - 1000 + index))
        paths.append(path)
    return paths


def test_an_entry_is_read_back_and_sealed_with_its_sha256(tmp_path: Path) -> None:
    formats = store(tmp_path)
    assert formats.get(SHA) is None
    assert formats.put(SHA, b"x = 1\n")
    assert formats.get(SHA) == b"x = 1\n"
    assert entry_path(formats).read_bytes() == cache.sealed(b"x = 1\n")
    assert (formats.hits, formats.misses) == (1, 1)


def test_the_key_changes_with_black_version_mode_and_text(tmp_path: Path) -> None:
    keys = {
        store(tmp_path).key(SHA),
        store(tmp_path, black_version="2.0").key(SHA),
        store(tmp_path, mode="other").key(SHA),
        store(tmp_path).key("cd" * 32),
    }
    assert len(keys) == 4


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: entry[: len(entry) - 3],  # truncated body
        lambda entry: entry[:40],  # truncated digest
        lambda entry: b"",
        lambda entry: entry[:-2] + b"!" + entry[-1:],  # one byte changed
        lambda entry: os.urandom(len(entry)),
    ],
    ids=["truncated", "truncated-digest", "empty", "flipped", "garbage"],
)
def test_a_damaged_entry_is_a_miss(tmp_path: Path, damage: Any) -> None:
    formats = store(tmp_path)
    formats.put(SHA, b"x = 1\n" * 20)
    path = entry_path(formats)
    path.write_bytes(damage(path.read_bytes()))
    assert formats.get(SHA) is None


def test_a_damaged_entry_never_reaches_the_output(tmp_path: Path) -> None:
    text = "x=[1,\n2]\n\n\nclass A :\n  pass\n"
    formats = store(tmp_path, formatting.BLACK_VERSION, formatting.MODE_ID)
    expected = formatting.format_files({"m.py": text}, store=formats)
    for path in formats.entries.rglob("*"):
        if path.is_file() and path.name != cache.USAGE:
            path.write_bytes(cache.sealed(b"wrong = 1\n")[:-1] + b"2")
    again = store(tmp_path, formatting.BLACK_VERSION, formatting.MODE_ID)
    assert formatting.format_files({"m.py": text}, store=again) == expected
    assert (
        again.hits == 0 and again.written_bytes > 0
    )  # formatted again, entries repaired
    assert formatting.format_files({"m.py": text}, store=again) == expected
    assert again.hits > 0


def test_a_hit_refreshes_an_old_entry_only(tmp_path: Path) -> None:
    formats = store(tmp_path)
    formats.put(SHA, b"x = 1\n")
    path = entry_path(formats)
    recent = time.time() - 60
    os.utime(path, (recent, recent))
    formats.get(SHA)
    assert path.stat().st_mtime == pytest.approx(recent)  # no write for a recent one
    old = time.time() - 2 * cache.TOUCH_SECONDS
    os.utime(path, (old, old))
    formats.get(SHA)
    assert path.stat().st_mtime > time.time() - 60


def test_prune_removes_the_least_recently_used_down_to_its_share(
    tmp_path: Path,
) -> None:
    formats = store(tmp_path)
    now = time.time()
    paths = fill(formats, 10, 1000, now)
    size = paths[0].stat().st_size
    left = cache.prune(formats.entries, cap=5 * size, now=now)
    kept = [path.exists() for path in paths]
    assert kept == [False] * 6 + [True] * 4  # down to 80 % of the cap: 4 entries
    assert left == 4 * size


def test_prune_keeps_a_store_within_its_cap(tmp_path: Path) -> None:
    formats = store(tmp_path)
    now = time.time()
    paths = fill(formats, 3, 1000, now)
    assert cache.prune(formats.entries, cap=10**6, now=now) == sum(
        path.stat().st_size for path in paths
    )
    assert all(path.exists() for path in paths)


def test_prune_removes_temporary_files_of_killed_runs_only(tmp_path: Path) -> None:
    formats = store(tmp_path)
    formats.put(SHA, b"x")
    folder = entry_path(formats).parent
    stale, live = folder / ".tmp-stale", folder / ".tmp-live"
    stale.write_bytes(b"half")
    live.write_bytes(b"half")
    old = time.time() - 2 * cache.STALE_TEMPORARY_SECONDS
    os.utime(stale, (old, old))
    cache.prune(formats.entries, cap=10**6, now=time.time())
    assert not stale.exists() and live.exists()


def test_an_entry_pruned_while_another_run_reads_it(tmp_path: Path) -> None:
    """A reader that opened an entry reads all of it; one that comes later has a miss."""
    formats = store(tmp_path)
    body = b"y = 2\n" * 10_000
    formats.put(SHA, body)
    with open(entry_path(formats), "rb") as reader:
        first = reader.read(10)
        assert cache.prune(formats.entries, cap=0, now=time.time()) == 0
        assert not entry_path(formats).exists()
        assert cache.unsealed(first + reader.read()) == body
    assert formats.get(SHA) is None


def test_a_run_that_wrote_nothing_never_lists_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    formats = store(tmp_path)
    formats.put(SHA, b"x")
    formats.prune_if_needed()
    warm = store(tmp_path)
    assert warm.get(SHA) == b"x"

    def refuse(*args: object) -> None:
        raise AssertionError("the store was listed")

    monkeypatch.setattr(cache, "prune", refuse)
    monkeypatch.setattr(os, "scandir", refuse)
    assert warm.prune_if_needed() is False


def test_the_store_is_measured_when_the_estimate_passes_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.MAX_MB_ENV, str(10_000 / 2**20))  # 10 000 bytes
    formats = store(tmp_path)
    now = time.time()
    formats.put("00" * 32, b"x" * 3000)
    assert formats.prune_if_needed(now) is True  # no estimate yet: measured
    formats.put("01" * 32, b"x" * 3000)
    assert formats.prune_if_needed(now) is False  # about 6 000 of 10 000 bytes
    formats.put("02" * 32, b"x" * 3000)
    assert formats.prune_if_needed(now) is False
    formats.put("03" * 32, b"x" * 3000)
    assert formats.prune_if_needed(now) is True  # about 12 000: pruned to 8 000
    assert [formats.get(f"{i:02d}" * 32) is not None for i in range(4)] == [
        False,
        False,
        True,
        True,
    ]
    formats.put("04" * 32, b"x")
    later = now + cache.RESCAN_SECONDS + 1
    assert formats.prune_if_needed(later) is True  # measured again a day later


def test_the_first_prune_removes_the_old_layout(tmp_path: Path) -> None:
    old = tmp_path / "format-v1" / "ab" / ("ab" * 32)
    old.parent.mkdir(parents=True)
    old.write_bytes(b"x = 1\n")
    formats = store(tmp_path)
    formats.put(SHA, b"x")
    assert formats.prune_if_needed() is True
    assert not (tmp_path / "format-v1").exists()


@pytest.mark.parametrize(
    "value, expected",
    [(None, 256 * 2**20), ("", 256 * 2**20), ("1", 2**20), ("0.5", 2**19), ("0", 0)],
)
def test_the_cap_is_configured_in_megabytes(
    value: str | None, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    if value is None:
        monkeypatch.delenv(cache.MAX_MB_ENV, raising=False)
    else:
        monkeypatch.setenv(cache.MAX_MB_ENV, value)
    assert cache.max_bytes() == expected


@pytest.mark.parametrize("value", ["lots", "-1", "nan"])
def test_a_cap_that_is_no_size_is_an_error(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.MAX_MB_ENV, value)
    with pytest.raises(CodegenError, match=cache.MAX_MB_ENV):
        cache.max_bytes()


def put_many(folder: str, body: bytes, rounds: int) -> int:
    formats = store(Path(folder))
    return sum(formats.put(SHA, body) for _ in range(rounds))


def read_many(folder: str, body: bytes, rounds: int) -> int:
    """How many reads of the entry's file saw part of it (expected: none); the seal is not
    checked here, so a partial file would be counted rather than be a miss."""
    path = entry_path(store(Path(folder)))
    partial = 0
    for _ in range(rounds):
        try:
            partial += path.read_bytes() != cache.sealed(body)
        except FileNotFoundError:
            pass
    return partial


def prune_many(folder: str, rounds: int) -> int:
    for _ in range(rounds):
        cache.prune(store(Path(folder)).entries, cap=0, now=time.time())
    return 0


@pytest.mark.timeout(120)
def test_runs_sharing_the_store_see_whole_entries_or_none(tmp_path: Path) -> None:
    """Writers of one key, readers and pruners at once: no error, no partial entry."""
    body = b"z = 3\n" * 50_000  # large enough that a write takes a while
    context = multiprocessing.get_context("spawn")
    with context.Pool(6) as pool:
        writes = [
            pool.apply_async(put_many, (str(tmp_path), body, 40)) for _ in range(2)
        ]
        reads = [
            pool.apply_async(read_many, (str(tmp_path), body, 200)) for _ in range(2)
        ]
        prunes = [pool.apply_async(prune_many, (str(tmp_path), 40)) for _ in range(2)]
        assert [write.get(timeout=100) for write in writes] == [40, 40]
        assert [read.get(timeout=100) for read in reads] == [0, 0]
        assert [prune.get(timeout=100) for prune in prunes] == [0, 0]
    store(tmp_path).put(SHA, body)
    assert store(tmp_path).get(SHA) == body
    assert not [p for p in tmp_path.rglob(".tmp-*")]


# --- the build store ----------------------------------------------------------------------------

BUILD = {
    "pkg/__init__.py": b"",
    "pkg/a.py": b"x = 1\n",
    "docs/\u540d.md": b"# \xc3\xa9\n",
}


def test_a_build_is_read_back_whole(tmp_path: Path) -> None:
    builds = cache.BuildCache(tmp_path)
    assert builds.get("k1") is None
    assert builds.put("k1", BUILD, ["/webhooks: not generated"])
    assert builds.get("k1") == (BUILD, ("/webhooks: not generated",))
    assert builds.get("k2") is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda body: body[: len(body) // 2],  # truncated
        lambda body: body[:-1] + b"!",  # one byte changed
        lambda body: b"",
    ],
)
def test_a_damaged_build_is_a_miss(tmp_path: Path, damage: Any) -> None:
    builds = cache.BuildCache(tmp_path)
    assert builds.put("k", BUILD)
    entry = builds.entries / "k"
    entry.write_bytes(damage(entry.read_bytes()))
    assert builds.get("k") is None


def test_a_sealed_build_with_a_bad_index_is_a_miss(tmp_path: Path) -> None:
    builds = cache.BuildCache(tmp_path)
    builds.entries.mkdir(parents=True)
    bodies = (
        b"not json\n[]\n",
        b'[["a", 99]]\n[]\nshort',
        b'{"a": 1}\n[]\n',
        b"[[1, 2]]\n[]\n",
        b"[]\n[1]\n",  # a note that is no text
        b"[]\n",  # no notes line
    )
    for body in bodies:
        (builds.entries / "k").write_bytes(cache.sealed(body))
        assert builds.get("k") is None, body


def test_the_store_keeps_the_most_recently_used_builds(tmp_path: Path) -> None:
    builds = cache.BuildCache(tmp_path)
    now = time.time()
    for index in range(cache.BUILDS_KEPT):
        assert builds.put(f"old{index}", BUILD)
        stamp = now - 10_000 + index
        os.utime(builds.entries / f"old{index}", (stamp, stamp))
    assert builds.put("new", BUILD)
    kept = {p.name for p in builds.entries.iterdir()}
    assert len(kept) == cache.BUILDS_KEPT
    assert "new" in kept and "old0" not in kept  # the least recently used went


def test_fingerprints_follow_every_file_but_bytecode(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.jinja").write_text("{{ x }}")
    first = cache.folder_fingerprint(tmp_path)
    (tmp_path / "sub" / "__pycache__").mkdir()
    (tmp_path / "sub" / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"\0")
    assert cache.folder_fingerprint(tmp_path) == first
    (tmp_path / "sub" / "b.jinja").write_text("")
    second = cache.folder_fingerprint(tmp_path)
    assert second != first
    (tmp_path / "sub" / "b.jinja").rename(tmp_path / "b.jinja")  # same bytes, moved
    assert cache.folder_fingerprint(tmp_path) not in (first, second)


def test_installed_distributions_name_their_versions() -> None:
    found = cache.installed_distributions()
    assert any(name.startswith(f"black-{formatting.BLACK_VERSION}.") for name in found)

"""Tests for the spec stage: pin, fetch, load (with the JSON cache) and parse."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped, unused-ignore]
import yaml_rs
from openapi_pydantic.v3.v3_0 import OpenAPI as OpenAPIv3_0
from openapi_pydantic.v3.v3_1 import OpenAPI as OpenAPIv3_1

from generator import cache, spec
from generator.errors import CodegenError
from support.specs import alias_bomb, minimal

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared" / "stripe-openapi"
REAL_PIN = REPO_ROOT / "spec" / "stripe.lock.json"

needs_shared = pytest.mark.skipif(
    not (SHARED / "spec3.yaml").is_file(), reason=f"no local mirror at {SHARED}"
)

SMALL_SPEC = b"""openapi: 3.0.0
info:
  title: Small
  version: 2023-08-16
paths:
  /v1/things:
    get:
      responses:
        200:
          description: ok
"""
SMALL_FIXTURES = b'{"resources": {"thing": {"id": "th_1"}}}\n'


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_pin(folder: Path, spec_bytes: bytes, fixture_bytes: bytes) -> Path:
    """A pin in ``folder/spec/`` naming small upstream files with the given contents."""
    pin = {
        "repository": "example/openapi",
        "commit": "0" * 40,
        "path": "openapi/spec3.yaml",
        "url": "https://example.invalid/openapi/spec3.yaml",
        "sha256": sha(spec_bytes),
        "bytes": len(spec_bytes),
        "api_version": "2023-08-16",
        "fixtures": {
            "path": "openapi/fixtures3.json",
            "url": "https://example.invalid/openapi/fixtures3.json",
            "sha256": sha(fixture_bytes),
            "bytes": len(fixture_bytes),
        },
    }
    path = folder / "spec" / "stripe.lock.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(pin))
    return path


def mirror(folder: Path, spec_bytes: bytes, fixture_bytes: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec3.yaml").write_bytes(spec_bytes)
    (folder / "fixtures3.json").write_bytes(fixture_bytes)
    return folder


# --- pin ---------------------------------------------------------------------------------------


def test_load_pin_reads_the_real_pin() -> None:
    pin = spec.load_pin(REAL_PIN)
    assert pin.repository == "stripe/openapi"
    assert pin.spec.name == "spec3.yaml"
    assert pin.fixtures.name == "fixtures3.json"
    assert pin.spec.bytes == 4164836
    assert pin.api_version == "2023-08-16"
    assert spec.cache_dir(REAL_PIN) == REPO_ROOT / "spec" / "cache"


def test_load_pin_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CodegenError, match="does not exist"):
        spec.load_pin(tmp_path / "nope.lock.json")


def test_load_pin_bad_json_and_bad_fields(tmp_path: Path) -> None:
    bad = tmp_path / "bad.lock.json"
    bad.write_text("{not json")
    with pytest.raises(CodegenError, match="not valid JSON"):
        spec.load_pin(bad)
    pin_path = write_pin(tmp_path, SMALL_SPEC, SMALL_FIXTURES)
    data = json.loads(pin_path.read_text())
    data["fixtures"]["sha256"] = "xyz"
    pin_path.write_text(json.dumps(data))
    with pytest.raises(CodegenError) as info:
        spec.load_pin(pin_path)
    assert info.value.pointer == "/fixtures/sha256"


# --- fetch -------------------------------------------------------------------------------------


@needs_shared
def test_fetch_from_shared_folder(tmp_path: Path) -> None:
    pin_path = tmp_path / "spec" / "stripe.lock.json"
    pin_path.parent.mkdir()
    shutil.copy(REAL_PIN, pin_path)
    pin = spec.load_pin(pin_path)
    paths = spec.fetch(pin, SHARED)
    cache = tmp_path / "spec" / "cache"
    assert paths == [cache / "spec3.yaml", cache / "fixtures3.json"]
    assert sha(paths[0].read_bytes()) == pin.spec.sha256
    assert sha(paths[1].read_bytes()) == pin.fixtures.sha256
    assert sorted(os.listdir(cache)) == ["fixtures3.json", "spec3.yaml"]


def test_fetch_from_folder_and_refetch_keeps_files(tmp_path: Path) -> None:
    pin = spec.load_pin(write_pin(tmp_path, SMALL_SPEC, SMALL_FIXTURES))
    source = mirror(tmp_path / "mirror", SMALL_SPEC, SMALL_FIXTURES)
    first = spec.fetch(pin, source)
    inode = first[0].stat().st_ino
    second = spec.fetch(pin, source)
    assert first == second
    assert second[0].read_bytes() == SMALL_SPEC
    assert second[0].stat().st_ino == inode  # already correct: not rewritten


def test_fetch_from_spec_file_takes_fixtures_beside_it(tmp_path: Path) -> None:
    pin = spec.load_pin(write_pin(tmp_path, SMALL_SPEC, SMALL_FIXTURES))
    source = mirror(tmp_path / "mirror", SMALL_SPEC, SMALL_FIXTURES)
    paths = spec.fetch(pin, source / "spec3.yaml")
    assert [p.read_bytes() for p in paths] == [SMALL_SPEC, SMALL_FIXTURES]


@pytest.mark.parametrize("broken", ["spec", "fixtures"])
def test_wrong_checksum_writes_nothing(tmp_path: Path, broken: str) -> None:
    pin = spec.load_pin(write_pin(tmp_path, SMALL_SPEC, SMALL_FIXTURES))
    spec_bytes = SMALL_SPEC + (b"# edited\n" if broken == "spec" else b"")
    fixture_bytes = SMALL_FIXTURES + (b" " if broken == "fixtures" else b"")
    source = mirror(tmp_path / "mirror", spec_bytes, fixture_bytes)
    with pytest.raises(CodegenError) as info:
        spec.fetch(pin, source)
    entry = pin.spec if broken == "spec" else pin.fixtures
    actual = sha(spec_bytes if broken == "spec" else fixture_bytes)
    assert entry.sha256 in info.value.message
    assert actual in info.value.message
    assert entry.name in info.value.message
    cache = spec.cache_dir(pin.lock_path)
    assert not cache.exists() or list(cache.iterdir()) == []


def test_fetch_missing_source(tmp_path: Path) -> None:
    pin = spec.load_pin(write_pin(tmp_path, SMALL_SPEC, SMALL_FIXTURES))
    with pytest.raises(CodegenError, match="does not exist"):
        spec.fetch(pin, tmp_path / "nowhere")
    half = tmp_path / "half"
    half.mkdir()
    (half / "spec3.yaml").write_bytes(SMALL_SPEC)
    with pytest.raises(CodegenError, match="fixtures3.json"):
        spec.fetch(pin, half)
    assert not spec.cache_dir(pin.lock_path).exists()


def test_fetch_without_network_says_use_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def offline(*args: object, **kwargs: object) -> object:
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    pin = spec.load_pin(write_pin(tmp_path, SMALL_SPEC, SMALL_FIXTURES))
    with pytest.raises(CodegenError) as info:
        spec.fetch(pin, None)
    assert "--from" in (info.value.hint or "")
    assert pin.spec.url in info.value.message


def test_fetch_downloads_from_pin_urls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = {
        "https://example.invalid/openapi/spec3.yaml": SMALL_SPEC,
        "https://example.invalid/openapi/fixtures3.json": SMALL_FIXTURES,
    }
    seen: list[tuple[str, object]] = []

    def fake_urlopen(url: str, timeout: object = None) -> io.BytesIO:
        seen.append((url, timeout))
        return io.BytesIO(served[url])

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    pin = spec.load_pin(write_pin(tmp_path, SMALL_SPEC, SMALL_FIXTURES))
    paths = spec.fetch(pin, None)
    assert [p.read_bytes() for p in paths] == [SMALL_SPEC, SMALL_FIXTURES]
    assert [url for url, _ in seen] == list(served)
    assert all(timeout is not None for _, timeout in seen)


def test_write_atomic_failure_keeps_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "file.txt"
    target.write_bytes(b"old")

    def broken_replace(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        spec.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["file.txt"]


# --- load --------------------------------------------------------------------------------------


def test_yaml_and_json_load_to_equal_data(tmp_path: Path) -> None:
    yaml_path = tmp_path / "api.yaml"
    yaml_path.write_bytes(SMALL_SPEC)
    from_yaml = spec.load_document(yaml_path)
    json_path = tmp_path / "api.json"
    json_path.write_text(json.dumps(from_yaml))
    assert spec.load_document(json_path) == from_yaml
    assert from_yaml["info"]["version"] == "2023-08-16"  # not a datetime.date
    assert list(from_yaml["paths"]["/v1/things"]["get"]["responses"]) == ["200"]


def test_yaml_cache_hit_skips_yaml_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "api.yaml"
    path.write_bytes(SMALL_SPEC)
    cache = tmp_path / "cache"
    first = spec.load_document(path, cache=cache)
    cached = cache / f"{sha(SMALL_SPEC)}.json"
    assert json.loads(cached.read_bytes()) == first

    def no_yaml(*args: object, **kwargs: object) -> object:
        raise AssertionError("YAML parsed although the JSON cache was there")

    monkeypatch.setattr(yaml_rs, "loads", no_yaml)
    assert spec.load_document(path, cache=cache) == first


def test_corrupt_cache_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_bytes(SMALL_SPEC)
    cache = tmp_path / "cache"
    cache.mkdir()
    cached = cache / f"{sha(SMALL_SPEC)}.json"
    cached.write_text('{"truncat')
    data = spec.load_document(path, cache=cache)
    assert data["info"]["title"] == "Small"
    assert json.loads(cached.read_bytes()) == data


def test_no_cache_by_default(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_bytes(SMALL_SPEC)
    spec.load_document(path)
    assert os.listdir(tmp_path) == ["api.yaml"]


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("bad.yaml", b"openapi: [3.0.0\ninfo: {", "not valid YAML.*line"),
        ("list.yaml", b"- a\n- b\n", "mapping.*list"),
        ("empty.yaml", b"", "mapping.*empty"),
        ("bad.json", b'{"openapi": ', "not valid JSON"),
        ("scalar.json", b"42", "mapping.*int"),
        ("binary.yaml", b"\x89PNG\r\n\x1a\n\x00\x00", "not valid YAML"),
    ],
)
def test_load_rejects_bad_documents(
    tmp_path: Path, name: str, content: bytes, match: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CodegenError, match=match) as info:
        spec.load_document(path, cache=tmp_path / "cache")
    assert info.value.hint


def test_load_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(CodegenError, match="does not exist"):
        spec.load_document(tmp_path / "missing.yaml")
    with pytest.raises(CodegenError, match="folder"):
        spec.load_document(tmp_path)


# --- load: input limits --------------------------------------------------------------------------


def nested_lists(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.timeout(60)  # expanding the bomb would take far longer (and gigabytes)
def test_yaml_alias_bomb_is_refused_quickly_with_its_line(tmp_path: Path) -> None:
    """Refused at the node limit, not expanded: about 1 s (yaml-rs stops at the limit, then
    a bisection finds the alias). The time is not asserted here (a shared machine is noisy);
    the timeout only catches an expansion."""
    path = tmp_path / "bomb.yaml"
    path.write_bytes(
        alias_bomb(7).encode()
    )  # 9**7 = 4.8 million strings from 500 bytes
    assert path.stat().st_size < 600
    with pytest.raises(CodegenError, match="aliases") as info:
        spec.load_document(path, cache=tmp_path / "cache")
    message = str(info.value)
    assert f"{spec.MAX_DOCUMENT_NODES:,}" in message
    # The second *l5 in l6 is the alias at which the expansion passes the limit.
    assert "the alias at line 16, column 17" in message
    assert info.value.pointer == "/x-laughs/l6/1"
    assert info.value.hint
    assert not (tmp_path / "cache").exists()  # nothing cached for a refused document


def test_yaml_aliases_within_the_limit_still_load(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_bytes(alias_bomb(3).encode())  # 729 strings: fine
    data = spec.load_document(path)
    assert len(data["x-laughs"]["l2"]) == 9
    assert data["x-laughs"]["l2"][0][0] == ["lol"] * 9


def test_recursive_yaml_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_bytes(b"openapi: 3.0.0\npaths: {}\nx-loop: &loop\n  again: *loop\n")
    with pytest.raises(CodegenError, match="refers to itself") as info:
        spec.load_document(path)
    assert "line 4, column 10" in str(info.value)  # the alias, *loop
    assert info.value.pointer == "/x-loop/again"
    assert info.value.hint


@pytest.mark.parametrize(
    "content",
    [
        b"x: &a [1, [2, *a]]\n",
        b"- &a\n  - *a\n",
        b"x: &a {b: {c: [*a]}}\ny: *a\n",
    ],
)
def test_recursive_yaml_aliases_in_any_form_are_refused(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "loop.yaml"
    path.write_bytes(content)
    with pytest.raises(CodegenError, match="refers to itself"):
        spec.load_document(path)


def test_aliases_of_null_and_aliases_named_in_text_still_load(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_bytes(
        b"x-none: &none\nx-null: &null ~\nx-copies: [*none, *null]\n"
        b"x-text: 'see *none and &null'\nx-block: |\n  *none &null\n"
    )
    data = spec.load_document(path)
    assert data["x-copies"] == [None, None]
    assert data["x-text"] == "see *none and &null"
    assert data["x-block"] == "*none &null\n"


def test_document_nested_too_deep_is_refused_with_a_pointer(tmp_path: Path) -> None:
    depth = spec.MAX_DOCUMENT_DEPTH + 10
    path = tmp_path / "deep.json"
    path.write_text('{"openapi": "3.0.0", "x-deep": ' + nested_lists(depth) + "}")
    with pytest.raises(CodegenError, match="nested deeper than 256 levels") as info:
        spec.load_document(path)
    assert info.value.pointer is not None
    assert info.value.pointer.startswith("/x-deep/0/0/0/")
    assert info.value.hint


def test_yaml_nested_too_deep_is_refused_with_a_pointer(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(
        "openapi: 3.0.0\nx-deep:\n"
        + "".join(f"{' ' * 2 * i}- x{i}:\n" for i in range(140))
    )
    with pytest.raises(CodegenError, match="nested deeper than 256 levels") as info:
        spec.load_document(path)
    assert (info.value.pointer or "").startswith("/x-deep/0/x0/0/x1/")
    assert info.value.hint


def test_yaml_flow_collections_nested_too_deep_give_the_line(tmp_path: Path) -> None:
    """yaml-rs's parser reads 255 levels of [ ] and { } at most, and says where it stopped."""
    path = tmp_path / "deep.yaml"
    path.write_text('{"openapi": "3.0.0", "x-deep": ' + nested_lists(300) + "}")
    with pytest.raises(
        CodegenError, match="nested deeper than 255 levels of flow"
    ) as info:
        spec.load_document(path)
    assert "(line 1, column 286)" in info.value.message
    assert info.value.hint


@pytest.mark.parametrize(
    "content",
    [
        "x:\n" + "- " * 30_000 + "y\n",  # compact sequences, one line
        "x:\n" + "".join(" " * i + "? y\n" for i in range(1, 400)),  # complex keys
        "".join(" " * i + "x:\n" for i in range(11_400)),  # 11,400 levels: 64 MB
    ],
    ids=["compact-sequences", "complex-keys", "indented-mappings"],
)
def test_yaml_nested_past_what_the_parser_survives_is_an_error_not_a_crash(
    tmp_path: Path, content: str
) -> None:
    """yaml-rs overflows the C stack (a crash) near 11,000 levels: refused before it reads."""
    path = tmp_path / "deep.yaml"
    path.write_text(content)
    script = (
        "import sys\nfrom pathlib import Path\nfrom generator.spec import load_document\n"
        "from generator.errors import CodegenError\n"
        "try:\n    load_document(Path(sys.argv[1]))\n"
        "except CodegenError as error:\n    print(error.message)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "nested deeper than 256 levels" in result.stdout


def test_yaml_aliases_nested_too_deep_are_refused(tmp_path: Path) -> None:
    """Each alias replayed inside another may add a document's depth: nine are refused."""
    path = tmp_path / "aliases.yaml"
    path.write_text(alias_bomb(10, 2))  # 2**10 values: few, but aliases nine deep
    with pytest.raises(CodegenError, match="nests YAML aliases more than 8 deep"):
        spec.load_document(path)
    path.write_text(alias_bomb(9, 2))
    assert len(spec.load_document(path)["x-laughs"]["l8"]) == 2


def test_json_nested_past_the_interpreter_limit_is_a_clear_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "deeper.json"
    path.write_text('{"x-deep": ' + nested_lists(100_000) + "}")
    with pytest.raises(CodegenError, match="nested deeper than 256 levels"):
        spec.load_document(path)


def test_nesting_at_the_document_limit_loads(tmp_path: Path) -> None:
    path = tmp_path / "limit.json"
    # The top-level object is level 1, so the lists may add MAX_DOCUMENT_DEPTH - 1 levels.
    path.write_text('{"x": ' + nested_lists(spec.MAX_DOCUMENT_DEPTH - 1) + "}")
    assert "x" in spec.load_document(path)


@pytest.mark.parametrize("name", ["huge.yaml", "huge.json"])
def test_document_larger_than_the_limit_is_refused_without_reading_it_all(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    with open(path, "wb") as handle:  # sparse: no disk space used
        handle.truncate(spec.MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(CodegenError, match="larger than the 64 MiB limit") as info:
        spec.load_document(path)
    assert str(path) in info.value.message
    assert info.value.hint


def test_document_size_limit_is_generous(tmp_path: Path) -> None:
    assert spec.MAX_DOCUMENT_BYTES == 64 * 1024 * 1024  # Stripe's spec is about 4 MB
    path = tmp_path / "padded.yaml"
    path.write_bytes(SMALL_SPEC + b"#" * (8 * 1024 * 1024) + b"\n")
    assert spec.load_document(path)["info"]["title"] == "Small"


DUPLICATE_PATHS = b"""openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /v1/things:
    get:
      responses: {'200': {description: first}}
  /v1/other:
    get:
      responses: {'200': {description: other}}
  /v1/things:
    post:
      responses: {'200': {description: second}}
"""


def test_duplicate_yaml_keys_are_refused_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_bytes(DUPLICATE_PATHS)
    with pytest.raises(CodegenError, match="duplicate key '/v1/things'") as info:
        spec.load_document(path, cache=tmp_path / "cache")
    message = str(info.value)
    assert "line 10" in message and "line 4" in message
    assert str(path) in message
    assert info.value.hint
    assert not (tmp_path / "cache").exists()


def test_duplicate_yaml_keys_in_flow_mappings_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_bytes(b"openapi: 3.0.0\ninfo: {title: a, version: '1', title: b}\n")
    with pytest.raises(CodegenError, match="duplicate key 'title'.*line 2"):
        spec.load_document(path)


def test_yaml_keys_that_collide_as_json_are_refused(tmp_path: Path) -> None:
    # 200 (an integer) and '200' (a string) are both "200" in JSON: one would be lost.
    path = tmp_path / "collide.yaml"
    path.write_bytes(
        b"openapi: 3.0.0\nresponses:\n  200: {description: a}\n  '200': {description: b}\n"
    )
    with pytest.raises(CodegenError, match="duplicate key '200'") as info:
        spec.load_document(path)
    assert info.value.pointer == "/responses/200"


def test_yaml_merge_keys_may_be_overridden(tmp_path: Path) -> None:
    path = tmp_path / "merge.yaml"
    path.write_bytes(
        b"openapi: 3.0.0\n"
        b"x-base: &base {type: string, maxLength: 5}\n"
        b"x-derived:\n  <<: *base\n  maxLength: 10\n"
    )
    data = spec.load_document(path)
    assert data["x-derived"] == {"type": "string", "maxLength": 10}


def test_yaml_merge_keys_take_a_list_and_the_earlier_mapping_wins(
    tmp_path: Path,
) -> None:
    path = tmp_path / "merge.yaml"
    path.write_bytes(
        b"openapi: 3.0.0\n"
        b"x-a: &a {type: string, maxLength: 5}\n"
        b"x-b: &b {type: integer, minimum: 1, <<: *a}\n"
        b"x-derived:\n  <<: [*a, *b]\n  minimum: 2\n"
        b"x-list:\n  - <<: *b\n    nullable: true\n"
    )
    data = spec.load_document(path)
    # x-b's own type wins over the one it merges in.
    assert data["x-b"] == {"type": "integer", "maxLength": 5, "minimum": 1}
    # Among merged mappings the earlier (x-a) wins; the mapping's own keys win over both.
    assert data["x-derived"] == {"type": "string", "maxLength": 5, "minimum": 2}
    assert data["x-list"] == [{**data["x-b"], "nullable": True}]
    # Keys in PyYAML's order: the merged ones (the last mapping's first), then the own ones.
    assert list(data["x-derived"]) == ["type", "maxLength", "minimum"]


@pytest.mark.parametrize("value", [b"3", b"[*a, 3]", b"~"])
def test_yaml_merge_key_of_something_else_is_refused(
    tmp_path: Path, value: bytes
) -> None:
    path = tmp_path / "merge.yaml"
    path.write_bytes(b"x-a: &a {type: string}\nx-b:\n  <<: " + value + b"\n")
    with pytest.raises(CodegenError, match="merge key .* mapping or a list") as info:
        spec.load_document(path)
    assert info.value.pointer == "/x-b/<<"
    assert info.value.hint


@pytest.mark.parametrize(
    "content",
    [
        "\ufeffopenapi: 3.0.0\n".encode("utf-8"),
        "openapi: 3.0.0\n".encode("utf-16"),  # with its byte-order mark
        "openapi: 3.0.0\n".encode("utf-16-be").join([b"\xfe\xff", b""]),
        "openapi: 3.0.0\n".encode("utf-32"),
    ],
    ids=["utf-8-bom", "utf-16", "utf-16-be", "utf-32"],
)
def test_yaml_byte_order_marks_are_not_part_of_the_document(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(content)
    assert spec.load_document(path) == {"openapi": "3.0.0"}


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"openapi: 3.0.0\nx: a\x00b\n", r"U\+0000.*\(line 2, column 5\)"),
        (b"openapi: 3.0.0\nx: 'a\x07b'\n", r"U\+0007.*\(line 2, column 6\)"),
        (b"openapi: 3.0.0\nx: a\x7fb\n", r"U\+007F.*\(line 2, column 5\)"),
        (b"x: \xc2\x9b\n", r"U\+009B.*\(line 1, column 4\)"),
        ("x: \ufffe\n".encode(), r"U\+FFFE"),
        ("x: y\n".encode("utf-16-le"), r"U\+0000(.|\n)*byte-order mark"),
    ],
)
def test_characters_yaml_forbids_are_refused_with_their_line(
    tmp_path: Path, content: bytes, match: str
) -> None:
    path = tmp_path / "control.yaml"
    path.write_bytes(content)
    with pytest.raises(CodegenError, match=match) as info:
        spec.load_document(path)
    assert "YAML does not allow" in info.value.message
    assert info.value.hint


def test_tabs_line_breaks_and_escapes_are_allowed(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_bytes(b'openapi: 3.0.0\r\nx: "a\\x00b\tc\\u0007"\r\ny: "\xc2\x85"\r\n')
    assert spec.load_document(path)["x"] == "a\x00b\tc\x07"


def test_text_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("openapi: 3.0.0\ntitle: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(
        CodegenError, match=r"not UTF-8 text .*line 2, column 11"
    ) as info:
        spec.load_document(path)
    assert "UTF-8" in (info.value.hint or "")


@pytest.mark.parametrize(
    ("content", "count"),
    [
        (b"openapi: 3.0.0\n---\nb: 2\n", 2),
        (b"---\nopenapi: 3.0.0\n---\nb: 2\n...\n---\n- c\n", 3),
        (b"openapi: 3.0.0\n...\nb: 2\n", 2),
        (b"- a\n---\n- b\n", 2),
        (b"openapi: 3.0.0\n---\n", 2),
    ],
)
def test_several_yaml_documents_in_one_file_are_refused(
    tmp_path: Path, content: bytes, count: int
) -> None:
    path = tmp_path / "docs.yaml"
    path.write_bytes(content)
    with pytest.raises(CodegenError, match=f"holds {count} YAML documents") as info:
        spec.load_document(path)
    assert info.value.hint


@pytest.mark.parametrize(
    "content",
    [b"---\n- a\n- b\n", b"- a\n- '---'\n- |\n  ---\n", b"%YAML 1.2\n---\n- a\n"],
)
def test_one_yaml_document_that_is_a_list_is_not_taken_for_several(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "list.yaml"
    path.write_bytes(content)
    with pytest.raises(
        CodegenError, match="must hold a mapping at the top level, not a list"
    ):
        spec.load_document(path)


def test_one_yaml_document_with_markers_loads(tmp_path: Path) -> None:
    path = tmp_path / "marked.yaml"
    path.write_bytes(b"%YAML 1.2\n---\nopenapi: 3.0.0\nx: |\n  ---\n...\n")
    assert spec.load_document(path) == {"openapi": "3.0.0", "x": "---\n"}


def test_yaml_is_read_as_yaml_12(tmp_path: Path) -> None:
    """YAML 1.2's core schema, as OpenAPI recommends: no "Norway problem" (``on``, ``no`` and
    ``y`` were booleans in YAML 1.1), ``1e3`` is a float, ``017`` is 17 (not octal 15).
    """
    path = tmp_path / "scalars.yaml"
    path.write_bytes(
        b"openapi: 3.0.0\nproperties:\n  on: {type: string}\n  no: {type: string}\n"
        b"x-words: [yes, no, on, off, y, n, Yes, NO]\n"
        b"x-bools: [true, false, True, FALSE]\n"
        b"x-numbers: [1e3, 017, 0o17, 0x1F, 1_000, -.5, 12:30]\n"
        b"x-nulls: [~, null, Null, ]\n"
        b"x-date: 2023-08-16\n"
    )
    data = spec.load_document(path)
    assert list(data["properties"]) == ["on", "no"]
    assert data["x-words"] == ["yes", "no", "on", "off", "y", "n", "Yes", "NO"]
    assert data["x-bools"] == [True, False, True, False]
    numbers = data["x-numbers"]
    assert numbers[:4] == [1000.0, 17, 15, 31] and type(numbers[0]) is float
    assert numbers[4:] == [1000, -0.5, "12:30"]  # YAML 1.1 read 12:30 as 750 (base 60)
    assert data["x-nulls"] == [None, None, None]
    assert data["x-date"] == "2023-08-16"


@pytest.mark.parametrize(
    ("content", "tag", "where"),
    [
        (b"openapi: 3.0.0\nx: !foo bar\n", "!foo", "line 2, column 4"),
        (b"openapi: 3.0.0\nx: !foo {a: 1}\n", "!foo", "line 2, column 4"),
        (b"openapi: 3.0.0\nx:\n  - !<tag:x> [1]\n", "!<tag:x>", "line 3, column 5"),
        (
            b"openapi: !!python/object:os.system 'echo hi'\n",
            "!!python/object:os.system",
            "line 1",
        ),
        (b"x: !!python/name:os.system {}\n", "!!python/name:os.system", "line 1"),
        (b"x: [a, !!binary aGVsbG8=]\n", "!!binary", "line 1, column 8"),
        (b"x: !!timestamp 2023-08-16\n", "!!timestamp", "line 1"),
        (b"%TAG !e! tag:example.com,2000:\n---\nx: !e!thing 1\n", "!e!thing", "line 3"),
    ],
)
def test_yaml_tags_json_has_no_value_for_are_refused(
    tmp_path: Path, content: bytes, tag: str, where: str
) -> None:
    path = tmp_path / "tag.yaml"
    path.write_bytes(content)
    with pytest.raises(CodegenError, match="YAML tag") as info:
        spec.load_document(path)
    assert repr(tag) in info.value.message and where in info.value.message
    assert info.value.hint


def test_yaml_core_tags_and_exclamation_marks_in_text_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "tags.yaml"
    path.write_bytes(
        b'openapi: 3.0.0\nx: [!!str 1, !!int "2", !!float 3, !!bool true, !!null ""]\n'
        b"y: Hello !world\nz: \"not !a tag\"\nw: 'nor !this'\nv: |\n  !nor\n# !that\n"
    )
    data = spec.load_document(path)
    assert data["x"] == ["1", 2, 3.0, True, None]
    assert (data["y"], data["z"], data["w"], data["v"]) == (
        "Hello !world",
        "not !a tag",
        "nor !this",
        "!nor\n",
    )


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"openapi: 3.0.0\nx: !!set {a, b}\n", "set value"),
        (b"openapi: 3.0.0\n? [a, b]\n: c\n", "not tuple"),
        (b"openapi: 3.0.0\n? {a: 1}\n: c\n", "not frozenset"),
        (b"openapi: 3.0.0\nx: .nan\n", "Out of range float"),
    ],
)
def test_yaml_values_json_cannot_hold_are_refused(
    tmp_path: Path, content: bytes, match: str
) -> None:
    path = tmp_path / "values.yaml"
    path.write_bytes(content)
    with pytest.raises(
        CodegenError, match=f"value JSON cannot represent: .*{match}"
    ) as info:
        spec.load_document(path)
    assert info.value.hint


@pytest.mark.parametrize(
    ("content", "key", "lines", "pointer"),
    [
        (b"openapi: 3.0.0\nx:\n- a: 1\n  b: 2\n  'a': 1\n", "'a'", (5, 3), "/x/0/a"),
        (
            b"openapi: 3.0.0\nr:\n  200: {}\n  404: {}\n  200: {}\n",
            "200",
            (5, 3),
            "/r/200",
        ),
        (b'{"openapi": "3.0.0", "a": {"b": 1,\n "b": 2}}\n', "'b'", (2, 1), "/a/b"),
    ],
)
def test_duplicate_yaml_keys_are_refused_with_their_lines_and_pointer(
    tmp_path: Path, content: bytes, key: str, lines: tuple[int, int], pointer: str
) -> None:
    path = tmp_path / "dup.yaml"
    path.write_bytes(content)
    with pytest.raises(CodegenError, match=f"duplicate key {key}") as info:
        spec.load_document(path)
    assert f"at line {lines[0]} (first at line {lines[1]})" in info.value.message
    assert info.value.pointer == pointer


def test_duplicate_yaml_key_that_other_mappings_also_have(tmp_path: Path) -> None:
    """``description`` comes in many mappings: only the one holding it twice is named."""
    path = tmp_path / "dup.yaml"
    path.write_bytes(
        b"openapi: 3.0.0\npaths:\n  /a:\n    description: a\n"
        b"  /b:\n    summary: b\n    description: |\n      description: text\n"
        b"    description: again\n"
    )
    with pytest.raises(CodegenError, match="duplicate key 'description'") as info:
        spec.load_document(path)
    assert "at line 9 (first at line 7)" in info.value.message
    assert info.value.pointer == "/paths/~1b/description"


def real_spec_path() -> Path:
    pin = spec.load_pin(REAL_PIN)
    return spec.cache_dir(REAL_PIN) / pin.spec.name


def pyyaml_reading(path: Path) -> object:
    """What the loader gave before yaml-rs: PyYAML's safe loader without timestamps, through
    JSON (200 and '200' meet there)."""
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    resolvers = {
        first: [
            (tag, regexp) for tag, regexp in entries if not tag.endswith(":timestamp")
        ]
        for first, entries in base.yaml_implicit_resolvers.items()
    }
    loader = type("OldSpecLoader", (base,), {"yaml_implicit_resolvers": resolvers})
    return json.loads(json.dumps(yaml.load(path.read_bytes(), Loader=loader)))


def test_the_pinned_spec_loads_as_pyyaml_read_it() -> None:
    """The pinned Stripe spec (``codegen spec fetch``): yaml-rs's YAML 1.2 and the YAML 1.1 it
    was read as before give the same data, key order included."""
    path = real_spec_path()
    assert sha(path.read_bytes()) == spec.load_pin(REAL_PIN).spec.sha256
    loaded = spec.load_document(path)
    expected = pyyaml_reading(path)
    assert loaded == expected
    assert json.dumps(loaded) == json.dumps(expected)


def test_the_golden_spec_loads_as_pyyaml_read_it() -> None:
    path = REPO_ROOT / "tests" / "golden" / "feature.yaml"
    loaded = spec.load_document(path)
    assert json.dumps(loaded) == json.dumps(pyyaml_reading(path))


def test_duplicate_json_keys_are_refused_with_their_pointer(tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    path.write_text(
        '{"openapi": "3.0.0", "paths": {"/v1/a": {"get": {"responses": {}}, '
        '"post": {}, "get": {"responses": {"200": {}}}}}}'
    )
    with pytest.raises(CodegenError, match="duplicate key 'get'") as info:
        spec.load_document(path)
    assert info.value.pointer == "/paths/~1v1~1a/get"
    assert info.value.hint


def test_the_json_cache_gets_the_same_limits(tmp_path: Path) -> None:
    """A cache file is only a faster form of the YAML: a broken or hostile one changes nothing."""
    path = tmp_path / "api.yaml"
    path.write_bytes(SMALL_SPEC)
    cache = tmp_path / "cache"
    cache.mkdir()
    cached = cache / f"{sha(SMALL_SPEC)}.json"
    cached.write_text('{"openapi": "3.0.0", "x": ' + nested_lists(100_000) + "}")
    data = spec.load_document(path, cache=cache)
    assert data["info"]["title"] == "Small"
    assert json.loads(cached.read_bytes()) == data


# --- parse -------------------------------------------------------------------------------------


def test_parse_openapi_30_and_31() -> None:
    assert isinstance(spec.parse_document(minimal("3.0.3")), OpenAPIv3_0)
    assert isinstance(spec.parse_document(minimal("3.1.0")), OpenAPIv3_1)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"swagger": "2.0", "info": {}, "paths": {}}, "Swagger 2.0"),
        ({"info": {}, "paths": {}}, "'openapi' field is missing"),
        (minimal("4.0.0"), "unsupported OpenAPI version '4.0.0'"),
        (minimal("3.0"), "unsupported OpenAPI version '3.0'"),
        ({**minimal("3.0.0"), "openapi": 3.0}, "unsupported OpenAPI version 3.0"),
    ],
)
def test_parse_rejects_non_openapi_3(data: dict[str, Any], match: str) -> None:
    with pytest.raises(CodegenError, match=match) as info:
        spec.parse_document(data)
    assert info.value.pointer == "/openapi"


def test_validation_error_points_into_the_document() -> None:
    parameter = {"name": "x", "in": "nowhere"}
    data = minimal(
        "3.0.0", paths={"/v1/a": {"get": {"parameters": [parameter], "responses": {}}}}
    )
    with pytest.raises(CodegenError) as info:
        spec.parse_document(data)
    assert info.value.pointer == "/paths/~1v1~1a/get/parameters/0/in"
    assert "Reference" not in info.value.message
    assert "/paths/~1v1~1a/get/parameters/0/in" in info.value.message


def test_missing_field_points_at_its_parent() -> None:
    data = minimal("3.0.0")
    del data["info"]["version"]
    with pytest.raises(CodegenError) as info:
        spec.parse_document(data)
    assert info.value.pointer == "/info"
    assert "field 'version' is required" in info.value.message


def test_many_validation_errors_stay_short() -> None:
    schemas = {f"S{i}": {"type": "strin"} for i in range(50)}
    data = minimal("3.0.0", components={"schemas": schemas})
    with pytest.raises(CodegenError) as info:
        spec.parse_document(data)
    assert info.value.pointer == "/components/schemas/S0/type"
    assert "(and 47 more)" in info.value.message
    assert len(info.value.message) < 800


# --- all together ------------------------------------------------------------------------------


def test_resolve_spec_path(tmp_path: Path) -> None:
    other = tmp_path / "mine.yaml"
    assert spec.resolve_spec_path(other) == other
    pin_path = write_pin(tmp_path, SMALL_SPEC, SMALL_FIXTURES)
    with pytest.raises(CodegenError, match="not been fetched"):
        spec.resolve_spec_path(pin_path)
    spec.fetch(
        spec.load_pin(pin_path), mirror(tmp_path / "m", SMALL_SPEC, SMALL_FIXTURES)
    )
    assert (
        spec.resolve_spec_path(pin_path) == tmp_path / "spec" / "cache" / "spec3.yaml"
    )


def test_load_spec_from_pin_caches_and_verifies(tmp_path: Path) -> None:
    pin_path = write_pin(tmp_path, SMALL_SPEC, SMALL_FIXTURES)
    spec.fetch(
        spec.load_pin(pin_path), mirror(tmp_path / "m", SMALL_SPEC, SMALL_FIXTURES)
    )
    user_cache = tmp_path / "user-cache"
    loaded = spec.load_spec(pin_path, cache_folder=user_cache)
    assert loaded.sha256 == sha(SMALL_SPEC)
    assert isinstance(loaded.document, OpenAPIv3_0)
    json_form = cache.spec_json_folder(user_cache) / f"{sha(SMALL_SPEC)}.json"
    assert json_form.is_file()
    assert sorted(os.listdir(tmp_path / "spec" / "cache")) == [
        "fixtures3.json",
        "spec3.yaml",
    ]  # nothing but the fetched, verified files in the project
    (tmp_path / "spec" / "cache" / "spec3.yaml").write_bytes(SMALL_SPEC + b"\n")
    with pytest.raises(CodegenError, match="does not match the pin"):
        spec.load_spec(pin_path)


def test_a_json_form_committed_next_to_the_pin_is_never_read(tmp_path: Path) -> None:
    """A pull request could force-add ``spec/cache/<sha256>.json`` with a spec of its own."""
    pin_path = write_pin(tmp_path, SMALL_SPEC, SMALL_FIXTURES)
    spec.fetch(
        spec.load_pin(pin_path), mirror(tmp_path / "m", SMALL_SPEC, SMALL_FIXTURES)
    )
    honest = spec.load_document(tmp_path / "spec" / "cache" / "spec3.yaml")
    forged = {**honest, "info": {"title": "Forged", "version": "1"}}
    planted = json.dumps(forged).encode()
    for folder in (tmp_path / "spec" / "cache", tmp_path / "spec"):
        (folder / f"{sha(SMALL_SPEC)}.json").write_bytes(planted)
    for user_cache in (None, tmp_path / "user-cache"):
        loaded = spec.load_spec(pin_path, cache_folder=user_cache)
        assert loaded.data["info"]["title"] == "Small"


def test_load_spec_from_plain_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_bytes(SMALL_SPEC)
    loaded = spec.load_spec(path)
    assert loaded.path == path
    assert loaded.data["info"]["title"] == "Small"
    assert os.listdir(tmp_path) == ["mine.yaml"]


@needs_shared
def test_real_stripe_spec_loads_and_parses_from_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_path = tmp_path / "spec" / "stripe.lock.json"
    pin_path.parent.mkdir()
    shutil.copy(REAL_PIN, pin_path)
    spec.fetch(spec.load_pin(pin_path), SHARED)
    user_cache = tmp_path / "user-cache"
    first = spec.load_spec(pin_path, cache_folder=user_cache)
    monkeypatch.setattr(
        yaml_rs, "loads", None
    )  # the second load must come from the JSON cache
    second = spec.load_spec(pin_path, cache_folder=user_cache)
    assert second.data == first.data
    assert len(second.document.paths or {}) == 318
    assert first.data["info"]["version"] == "2023-08-16"

"""``codegen spec pin``: a new spec checked, stored in the cache and pinned; a wrong one
refused with the old pin and cache untouched; and ``check`` naming the diff when the pin
moved."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.spec import load_pin
from generator.spec.move import stored_copy
from tests.test_diff import remove_query, require_size, shop

OLD_SPEC = json.dumps(shop(), indent=1).encode("utf-8")
OLD_FIXTURES = b'{"resources": {}}\n'


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_spec() -> bytes:
    """The shop moved on: a query parameter removed, a body field made required, v2."""
    document = shop()
    remove_query(document)
    require_size(document)
    document["info"]["version"] = "2"
    return json.dumps(document).encode("utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project pinning ``OLD_SPEC`` (fetched into its cache), all operations selected."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.codegen]\nspec = "spec/shop.lock.json"\noutput = "generated"\n'
        'package = "shop_client"\nall = true\n',
        encoding="utf-8",
    )
    pin = {
        "repository": "example/shop",
        "commit": "1" * 40,
        "path": "openapi/shop.json",
        "url": "https://example.invalid/openapi/shop.json",
        "sha256": sha(OLD_SPEC),
        "bytes": len(OLD_SPEC),
        "api_version": "1",
        "fixtures": {
            "path": "openapi/fixtures.json",
            "url": "https://example.invalid/openapi/fixtures.json",
            "sha256": sha(OLD_FIXTURES),
            "bytes": len(OLD_FIXTURES),
        },
    }
    cache = tmp_path / "spec" / "cache"
    cache.mkdir(parents=True)
    (tmp_path / "spec" / "shop.lock.json").write_text(
        json.dumps(pin, indent=2) + "\n", encoding="utf-8"
    )
    (cache / "shop.json").write_bytes(OLD_SPEC)
    (cache / "fixtures.json").write_bytes(OLD_FIXTURES)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under spec/ by path: the pin and the whole cache."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted((root / "spec").rglob("*"))
        if path.is_file()
    }


def test_pin_a_local_file(project: Path) -> None:
    source = project / "downloads" / "shop-v2.json"
    source.parent.mkdir()
    source.write_bytes(new_spec())
    result = run(
        "spec", "pin", str(source), "--commit", "2" * 40, "--path", "openapi/shop.json"
    )
    assert result.exit_code == 0, result.output
    pin = load_pin(project / "spec" / "shop.lock.json")
    assert pin.spec.sha256 == sha(new_spec()) and pin.spec.bytes == len(new_spec())
    assert pin.api_version == "2"
    assert (pin.repository, pin.commit, pin.spec.path) == (
        "example/shop",
        "2" * 40,
        "openapi/shop.json",
    )
    assert pin.spec.url == (
        f"https://raw.githubusercontent.com/example/shop/{'2' * 40}/openapi/shop.json"
    )
    assert pin.fixtures.sha256 == sha(OLD_FIXTURES)  # kept: no --fixtures
    assert (project / "spec" / "cache" / "shop.json").read_bytes() == new_spec()
    kept = stored_copy(project / "spec" / "cache", sha(OLD_SPEC), "shop.json")
    assert kept.read_bytes() == OLD_SPEC
    assert (
        f"pinned spec/shop.lock.json: API 1 (sha256 {sha(OLD_SPEC)[:12]}) -> 2 "
        f"(sha256 {sha(new_spec())[:12]})"
    ) in result.output
    assert "kept the fixtures entry openapi/fixtures.json" in result.output
    assert (
        f"codegen diff {kept.relative_to(project)} spec/shop.lock.json" in result.output
    )


def test_a_pinned_local_file_is_fetched_again_from_its_url(project: Path) -> None:
    source, fixtures = project / "shop-v2.json", project / "fixtures-v2.json"
    source.write_bytes(new_spec())
    fixtures.write_bytes(b'{"resources": {"thing": {}}}\n')
    assert run("spec", "pin", str(source), "--fixtures", str(fixtures)).exit_code == 0
    pin = load_pin(project / "spec" / "shop.lock.json")
    assert pin.spec.url == source.resolve().as_uri()
    assert pin.fixtures.path == "fixtures-v2.json"
    for path in (project / "spec" / "cache").glob("*.json"):
        path.unlink()
    result = run("spec", "fetch")
    assert result.exit_code == 0, result.output
    assert (project / "spec" / "cache" / "shop-v2.json").read_bytes() == new_spec()
    assert (project / "spec" / "cache" / "fixtures-v2.json").read_bytes() == (
        fixtures.read_bytes()
    )


@pytest.fixture
def loopback(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on 127.0.0.1 serving a folder: (base URL, folder)."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(folder)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()


def test_pin_a_loopback_url(project: Path, loopback: tuple[str, Path]) -> None:
    base, folder = loopback
    (folder / "shop.yaml").write_bytes(new_spec())  # JSON is YAML too
    (folder / "fixtures.json").write_bytes(OLD_FIXTURES)
    result = run(
        "spec", "pin", f"{base}/shop.yaml", "--fixtures", f"{base}/fixtures.json"
    )
    assert result.exit_code == 0, result.output
    pin = load_pin(project / "spec" / "shop.lock.json")
    assert pin.spec.url == f"{base}/shop.yaml" and pin.spec.path == "shop.yaml"
    assert pin.spec.sha256 == sha(new_spec()) and pin.api_version == "2"
    assert pin.fixtures.url == f"{base}/fixtures.json"
    (project / "spec" / "cache" / "shop.yaml").unlink()
    fetched = run("spec", "fetch")  # from the pinned URL
    assert fetched.exit_code == 0, fetched.output
    assert (project / "spec" / "cache" / "shop.yaml").read_bytes() == new_spec()


WRONG_DOCUMENTS = {
    "swagger": (
        b'{"swagger": "2.0", "info": {}, "paths": {}}',
        "Swagger 2.0",
        "/openapi",
    ),
    "not-openapi": (b"- just\n- a list\n", "must hold a mapping", "/"),
    "version": (
        b'{"openapi": "2.5.0", "info": {}, "paths": {}}',
        "unsupported",
        "/openapi",
    ),
    "no-info": (
        b'{"openapi": "3.0.3", "paths": {}}',
        "field 'info' is required",
        "/",
    ),
    "no-paths": (
        b'{"openapi": "3.1.0", "info": {"title": "x", "version": "1"}}',
        "'paths' object is missing",
        "/paths",
    ),
    "no-operations": (
        b'{"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}}',
        "no operations",
        "/paths",
    ),
    "invalid": (
        b'{"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, '
        b'"paths": {"/a": {"get": {"responses": {"200": {}}}}}}',
        "not valid OpenAPI",
        "/paths/~1a/get/responses/200",
    ),
    "not-json": (b'{"openapi": ', "not valid JSON", "/"),
}


@pytest.mark.parametrize("case", sorted(WRONG_DOCUMENTS))
def test_a_wrong_document_is_refused_and_the_pin_untouched(
    project: Path, case: str
) -> None:
    data, message, pointer = WRONG_DOCUMENTS[case]
    source = project / ("wrong.yaml" if case == "not-openapi" else "wrong.json")
    source.write_bytes(data)
    before = snapshot(project)
    result = run("spec", "pin", str(source))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert f"  at: {pointer}\n" in result.output and "  fix: " in result.output
    assert snapshot(project) == before


def test_a_wrong_url_is_refused_and_the_pin_untouched(
    project: Path, loopback: tuple[str, Path]
) -> None:
    base, folder = loopback
    (folder / "wrong.json").write_bytes(WRONG_DOCUMENTS["swagger"][0])
    before = snapshot(project)
    for source in (
        f"{base}/wrong.json",
        f"{base}/missing.json",
        "ftp://example.invalid/x",
    ):
        result = run("spec", "pin", source)
        assert result.exit_code == 2, result.output
        assert "codegen: error: " in result.output
    assert snapshot(project) == before


def test_the_upgrade_path(project: Path) -> None:
    """generate, pin, check (fails naming the diff), diff (breaking), generate, check."""
    assert run("generate", "-q").exit_code == 0
    source = project / "shop-v2.json"
    source.write_bytes(new_spec())
    assert run("spec", "pin", str(source)).exit_code == 0

    checked = run("check", "-q")
    assert checked.exit_code == 1
    kept = stored_copy(Path("spec/cache"), sha(OLD_SPEC), "shop.json")
    command = f"codegen diff {kept} spec/shop.lock.json"
    assert (
        f"the spec moved since {project / 'generated'} was generated (sha256 "
        f"{sha(OLD_SPEC)[:12]} -> {sha(new_spec())[:12]}); the API changelog: {command}"
    ) in checked.output

    diffed = run(*command.split()[1:], "--format", "json")
    assert diffed.exit_code == 1
    assert [c["kind"] for c in json.loads(diffed.output)["changes"]] == [
        "parameter_required",
        "parameter_removed",
    ]
    assert run("generate", "-q").exit_code == 0
    assert run("check", "-q").exit_code == 0


def test_check_without_the_old_spec_says_how_to_get_it(project: Path) -> None:
    assert run("generate", "-q").exit_code == 0
    source = project / "shop-v2.json"
    source.write_bytes(new_spec())
    assert run("spec", "pin", str(source)).exit_code == 0
    kept = stored_copy(project / "spec" / "cache", sha(OLD_SPEC), "shop.json")
    kept.unlink()
    checked = run("check", "-q")
    assert checked.exit_code == 1
    assert "codegen diff OLD spec/shop.lock.json" in checked.output
    assert f"(sha256 {sha(OLD_SPEC)})" in checked.output
    assert "git show HEAD:spec/shop.lock.json" in checked.output


def test_diff_of_an_old_pin_finds_its_spec_in_the_project_store(project: Path) -> None:
    old_pin = project / "old.lock.json"
    old_pin.write_bytes((project / "spec" / "shop.lock.json").read_bytes())
    source = project / "shop-v2.json"
    source.write_bytes(new_spec())
    assert run("spec", "pin", str(source)).exit_code == 0
    result = run("diff", str(old_pin), "spec/shop.lock.json", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert "2 changes to the generated API, 2 breaking" in result.output


def test_wrong_fixtures_are_refused_and_the_pin_untouched(project: Path) -> None:
    source, fixtures = project / "shop-v2.json", project / "fixtures.txt"
    source.write_bytes(new_spec())
    fixtures.write_bytes(b"not json")
    before = snapshot(project)
    result = run("spec", "pin", str(source), "--fixtures", str(fixtures))
    assert result.exit_code == 2
    assert "is not valid JSON" in result.output
    assert snapshot(project) == before


def test_pinning_the_pinned_spec_again_changes_nothing(project: Path) -> None:
    source = project / "again.json"
    source.write_bytes(OLD_SPEC)
    before = snapshot(project)["spec/shop.lock.json"]
    result = run(
        "spec", "pin", str(source), "--commit", "1" * 40, "--path", "openapi/shop.json"
    )
    assert result.exit_code == 0, result.output
    pin = load_pin(project / "spec" / "shop.lock.json")
    assert pin.spec.sha256 == sha(OLD_SPEC) and pin.commit == "1" * 40
    assert "unchanged" in result.output
    # the same record but the URL, which is now the raw GitHub one
    assert json.loads(before) | {"url": pin.spec.url} == json.loads(
        (project / "spec" / "shop.lock.json").read_bytes()
    )


def test_pinning_the_stripe_spec_with_its_record_writes_the_same_pin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real pin, rewritten from the fetched spec and its commit and path: byte for byte."""
    root = Path(__file__).resolve().parents[1]
    real = root / "spec" / "stripe.lock.json"
    pin = load_pin(real)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.codegen]\nspec = "spec/stripe.lock.json"\n', encoding="utf-8"
    )
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "stripe.lock.json").write_bytes(real.read_bytes())
    monkeypatch.chdir(tmp_path)
    fetched = root / "spec" / "cache" / pin.spec.name
    result = run(
        "spec", "pin", str(fetched), "--commit", pin.commit, "--path", pin.spec.path
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "spec" / "stripe.lock.json").read_bytes() == real.read_bytes()
    assert "the spec is unchanged (API 2023-08-16" in result.output


# --- every wrong input: exit 2, one message, nothing written -------------------------------


def alias_bomb() -> bytes:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 9):
        items = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{items}]")
    return ("\n".join(lines) + "\nopenapi: 3.0.3\n").encode("utf-8")


def dangling_ref() -> bytes:
    document = shop()
    thing_schema = document["components"]["schemas"].pop("Thing")
    document["components"]["schemas"]["Thing2"] = thing_schema
    return json.dumps(document).encode("utf-8")


BAD_FILES: dict[str, tuple[str, Any, str]] = {
    # name: (file name, bytes or a maker, what the message says)
    "missing": ("nothere.json", None, "does not exist"),
    "folder": ("afolder.json", "folder", "is a folder, not a file"),
    "not-utf8": (
        "latin.yaml",
        b'openapi: "3.0.3"\ninfo: {title: "caf\xe9", version: "1"}\n',
        "not UTF-8",
    ),
    "alias-bomb": ("bomb.yaml", alias_bomb(), "alias bomb"),
    "too-large": ("huge.json", "huge", "larger than the 64 MiB limit"),
    "swagger-2": ("old.json", WRONG_DOCUMENTS["swagger"][0], "Swagger 2.0"),
    "no-paths": ("nopaths.json", WRONG_DOCUMENTS["no-paths"][0], "at: /paths\n"),
    "bad-shape": ("shape.json", WRONG_DOCUMENTS["invalid"][0], "not valid OpenAPI"),
    "dangling-ref": (
        "ref.json",
        dangling_ref(),
        "$ref target '#/components/schemas/Thing' does not exist",
    ),
}


def make_bad_file(folder: Path, case: str) -> Path:
    from generator.spec.limits import MAX_DOCUMENT_BYTES

    name, content, _ = BAD_FILES[case]
    path = folder / name
    if content == "folder":
        path.mkdir()
    elif content == "huge":
        with open(path, "wb") as handle:  # sparse: one byte over the limit
            handle.truncate(MAX_DOCUMENT_BYTES + 1)
    elif content is not None:
        path.write_bytes(content)
    return path


def assert_one_error(result: Result, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.output.count("codegen: error: ") == 1, result.output
    assert message in result.output


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_spec_pin_refuses_a_bad_file(project: Path, case: str) -> None:
    (project / "downloads").mkdir()
    path = make_bad_file(project / "downloads", case)
    before = snapshot(project)
    assert_one_error(run("spec", "pin", str(path)), BAD_FILES[case][2])
    assert snapshot(project) == before


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_diff_refuses_a_bad_file(project: Path, case: str) -> None:
    (project / "downloads").mkdir()
    path = make_bad_file(project / "downloads", case)
    assert_one_error(run("diff", "spec/shop.lock.json", str(path)), BAD_FILES[case][2])
    assert_one_error(run("diff", str(path), "spec/shop.lock.json"), BAD_FILES[case][2])


def test_an_unreadable_file_is_refused(project: Path) -> None:
    """A file that opens but cannot be read (as root, permissions do not stop a read)."""
    unreadable = "/proc/self/mem"
    before = snapshot(project)
    assert_one_error(
        run("spec", "pin", unreadable), f"cannot read spec file {unreadable}"
    )
    assert snapshot(project) == before
    assert_one_error(run("diff", "spec/shop.lock.json", unreadable), "cannot read")


def test_a_bad_pointer_is_shown_for_a_bad_shape(project: Path) -> None:
    (project / "downloads").mkdir()
    path = make_bad_file(project / "downloads", "dangling-ref")
    result = run("spec", "pin", str(path))
    assert "  at: /components/schemas/Thing\n" not in result.output
    assert "  at: /paths/~1things~1{thing}/get/responses/200" in result.output
    assert "  fix: " in result.output


BAD_PINS = {
    "not-json": (b"{", "is not valid JSON", "/"),
    "not-object": (b"[]", "must hold a JSON object", "/"),
    "no-fixtures": (b'{"sha256": "x"}', "has no 'fixtures' object", "/fixtures"),
    "bad-sha": (None, "sha256 must be 64 hex digits", "/sha256"),
    "dot-dot-path": (None, "bad upstream path '../..'", "/path"),
}


def bad_pin(project: Path, case: str) -> bytes:
    data = BAD_PINS[case][0]
    if data is not None:
        return data
    pin = json.loads((project / "spec" / "shop.lock.json").read_bytes())
    if case == "bad-sha":
        pin["sha256"] = "nope"
    else:
        pin["path"] = "../.."
    return json.dumps(pin).encode("utf-8")


@pytest.mark.parametrize("case", sorted(BAD_PINS))
def test_a_malformed_pin_is_refused(project: Path, case: str) -> None:
    _, message, pointer = BAD_PINS[case]
    lock = project / "spec" / "shop.lock.json"
    other = project / "other.lock.json"
    other.write_bytes(bad_pin(project, case))
    result = run("diff", str(other), "spec/shop.lock.json")
    assert_one_error(result, message)
    assert f"  at: {pointer}\n" in result.output
    assert f"  fix: restore {other} from version control" in result.output
    # the project's own pin malformed: spec pin refuses to move it, and writes nothing
    lock.write_bytes(bad_pin(project, case))
    source = project / "shop-v2.json"
    source.write_bytes(new_spec())
    before = snapshot(project)
    assert_one_error(run("spec", "pin", str(source)), message)
    assert snapshot(project) == before


def test_a_pin_naming_a_spec_nowhere_to_be_found_is_refused(
    project: Path, loopback: tuple[str, Path]
) -> None:
    base, _ = loopback
    pin = json.loads((project / "spec" / "shop.lock.json").read_bytes())
    pin |= {"sha256": "0" * 64, "url": f"{base}/gone.json", "path": "gone.json"}
    other = project / "gone.lock.json"
    other.write_text(json.dumps(pin), encoding="utf-8")
    before = snapshot(project)
    result = run("diff", str(other), "spec/shop.lock.json")
    assert_one_error(result, "is not in the cache and could not be downloaded")
    assert "HTTP Error 404" in result.output
    assert "  fix: pass the spec file itself instead of the pin" in result.output
    assert snapshot(project) == before


@pytest.fixture
def odd_server(project: Path) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1: /redirect answers 302, /slow never answers."""
    release = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "/elsewhere/spec.json")
                self.end_headers()
            elif self.path == "/slow":
                release.wait(30)
            else:
                self.send_error(404)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def test_a_url_that_redirects_or_does_not_answer_is_refused(
    project: Path, odd_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.spec import move

    monkeypatch.setattr(move, "DOWNLOAD_TIMEOUT_SECONDS", 0.5)
    before = snapshot(project)
    redirected = run("spec", "pin", f"{odd_server}/redirect")
    assert_one_error(
        redirected,
        f"the spec URL {odd_server}/redirect redirects (HTTP 302) to "
        f"{odd_server}/elsewhere/spec.json",
    )
    assert "  fix: pin the URL it redirects to" in redirected.output
    slow = run("spec", "pin", f"{odd_server}/slow")
    assert_one_error(slow, f"{odd_server}/slow: no answer within 0.5 s")
    missing = run("spec", "pin", f"{odd_server}/missing.json")
    assert_one_error(missing, "HTTP Error 404")
    assert snapshot(project) == before


def test_a_wrong_document_at_a_url_is_named_by_its_url(
    project: Path, loopback: tuple[str, Path]
) -> None:
    base, folder = loopback
    (folder / "broken.yaml").write_bytes(b"openapi: [3\n")
    before = snapshot(project)
    result = run("spec", "pin", f"{base}/broken.yaml")
    assert_one_error(result, f"{base}/broken.yaml is not valid YAML")
    assert "codegen-pin-" not in result.output  # not the temporary copy's path
    assert snapshot(project) == before


def test_a_url_naming_no_file_is_refused(
    project: Path, loopback: tuple[str, Path]
) -> None:
    base, folder = loopback
    (folder / "spec.json").write_bytes(new_spec())
    before = snapshot(project)
    result = run("spec", "pin", f"{base}/spec.json", "--path", "openapi/..")
    assert_one_error(result, "bad upstream path 'openapi/..'")
    assert snapshot(project) == before


def test_diff_reports_a_selected_operation_removed_and_refuses_an_unknown_one(
    project: Path,
) -> None:
    new = shop()
    del new["paths"]["/things"]
    (project / "new.json").write_text(json.dumps(new), encoding="utf-8")
    result = run("diff", "spec/shop.lock.json", "new.json", "-o", "createThing")
    assert result.exit_code == 1, result.output
    assert "BREAKING  method client.things.create removed (POST /things)" in (
        result.output
    )
    assert_one_error(
        run("diff", "spec/shop.lock.json", "new.json", "-o", "createThingz"),
        "unknown operation ID 'createThingz': in neither spec",
    )


def test_pinning_when_the_old_spec_is_not_in_the_cache_says_how_to_diff(
    project: Path,
) -> None:
    (project / "spec" / "cache" / "shop.json").unlink()
    source = project / "shop-v2.json"
    source.write_bytes(new_spec())
    result = run("spec", "pin", str(source))
    assert result.exit_code == 0, result.output
    assert load_pin(project / "spec" / "shop.lock.json").spec.sha256 == sha(new_spec())
    assert (
        f"next: the old pin's spec (sha256 {sha(OLD_SPEC)[:12]}) was not in the cache"
    ) in result.output
    assert "git show HEAD:spec/shop.lock.json > /tmp/old.lock.json" in result.output


def test_a_pin_given_as_the_spec_to_pin_is_refused(project: Path) -> None:
    other = project / "other.lock.json"
    other.write_bytes((project / "spec" / "shop.lock.json").read_bytes())
    before = snapshot(project)
    result = run("spec", "pin", str(other))
    assert_one_error(result, f"{other} is a pin, not a spec file")
    assert "  fix: pass the spec file (or its URL) to pin" in result.output
    assert snapshot(project) == before

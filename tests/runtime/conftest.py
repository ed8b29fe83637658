"""Fixtures for the runtime tests: the real generated package and a scripted HTTP server.

The package under test is the real generator output, copied under an unusual name to prove
that it only uses relative imports:

- `sdk`: the committed `generated/stripe_client`, imported as `vendored_sdk`. Its one operation
  (`PostCustomersCustomerSources`, `client.customers.sources.create`) carries most tests:
  headers, form bodies, parameter checks, retries, faults, errors and the key-leak scan.
- `ops`: a package generated once per session into a temporary folder with a few more
  operations (GET with a query, DELETE, a list, multipart upload to files.stripe.com, binary
  PDF), imported as `vendored_ops`. It holds only the operations these tests call, because
  `--all` takes 30-60 s and the runtime (the modules of `generator/runtime/`) is the same
  either way.

Both copies are the generated code byte for byte; the User-Agent and the logger name follow
the name a copy is imported by (`vendored_sdk`), not the one it was generated under.

Response bodies are the example objects of Stripe's `fixtures3.json` (the pinned, fetched
copy), so the real models must accept them.

The server is a real HTTP/1.1 server on 127.0.0.1 that records every request and answers
with scripted replies, so that retries, timeouts and dropped connections go over sockets.
"""

from __future__ import annotations

import collections
import copy
import functools
import importlib
import json
import shutil
import sys
import threading
import types
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Deque, Dict, Iterator, List, Optional, Union

import pytest

from generator import spec
from generator.render import RUNTIME_FILES
from tests.conftest import generate_into

ROOT = Path(__file__).resolve().parents[2]
PIN = ROOT / "spec" / "stripe.lock.json"
COMMITTED = ROOT / "generated" / "stripe_client"
GENERATED_NAME = "stripe_client"  # the name both copies were generated under
PACKAGE = "vendored_sdk"  # the committed package, copied
OPS_PACKAGE = "vendored_ops"  # the package with more operations, generated and copied
OPS_OPERATIONS = (
    "GetCustomers",  # GET, query with a nested object, a list: pages
    "GetCustomersCustomerSourcesId",  # GET, quoted path parameters, expand query
    "DeleteCustomersCustomer",  # DELETE
    "PostFiles",  # multipart, served by https://files.stripe.com
    "GetQuotesQuotePdf",  # binary response
)
API_KEY = "sk_test_51NotARealKeyButUniqueEnoughToSpotAnywhere0xC0FFEE"


def copy_package(source: Path, parent: Path, name: str) -> Path:
    """Copy a generated package to `parent/name` (without caches); return its folder."""
    target = parent / name
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def generate_ops(out: Path) -> Path:
    """Generate the package with `OPS_OPERATIONS` into `out`; return the package folder."""
    options = ["--package", GENERATED_NAME]
    for operation_id in OPS_OPERATIONS:
        options += ["--operation", operation_id]
    generate_into(out, *options)
    return out / GENERATED_NAME


def _import(package_dir: Path, name: str, **modules: str) -> types.SimpleNamespace:
    sys.path.insert(0, str(package_dir.parent))
    importlib.invalidate_caches()
    namespace = types.SimpleNamespace(
        package=importlib.import_module(name), dir=package_dir
    )
    for attribute, module in modules.items():
        setattr(namespace, attribute, importlib.import_module(f"{name}.{module}"))
    return namespace


def _forget(package_dir: Path, name: str) -> None:
    sys.path.remove(str(package_dir.parent))
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]


RUNTIME_MODULES = {
    "base": "_base_client",
    "retries": "_retries",
    "profile": "_profile",
    "sync_client": "_sync_client",
    "encoding": "_encoding",
    "errors": "errors",
    "model_base": "_model_base",
    "models": "models",
    "params_check": "_params",
    "pagination": "_pagination",
}


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed package, copied as `vendored_sdk`."""
    return copy_package(COMMITTED, tmp_path_factory.mktemp("sdk"), PACKAGE)


@pytest.fixture(scope="session")
def sdk(package_dir: Path) -> Iterator[types.SimpleNamespace]:
    """The committed package imported as `vendored_sdk`, and its modules."""
    try:
        yield _import(
            package_dir,
            PACKAGE,
            **RUNTIME_MODULES,
            params="params.customers",
            resources="resources.customers",
        )
    finally:
        _forget(package_dir, PACKAGE)


@pytest.fixture(scope="session")
def ops_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package with `OPS_OPERATIONS`, generated once and copied as `vendored_ops`."""
    generated = generate_ops(tmp_path_factory.mktemp("ops") / "out")
    return copy_package(generated, tmp_path_factory.mktemp("ops_copy"), OPS_PACKAGE)


@pytest.fixture(scope="session")
def ops(ops_dir: Path) -> Iterator[types.SimpleNamespace]:
    """The package with more operations imported as `vendored_ops`, and its modules."""
    try:
        yield _import(
            ops_dir,
            OPS_PACKAGE,
            **RUNTIME_MODULES,
            params="params.customers",
            resources="resources.customers",
        )
    finally:
        _forget(ops_dir, OPS_PACKAGE)


# --- response bodies from Stripe's fixtures ------------------------------------------------


@functools.lru_cache(maxsize=None)
def _resources() -> Dict[str, Any]:
    path = spec.cache_dir(PIN) / spec.load_pin(PIN).fixtures.name
    resources: Dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))[
        "resources"
    ]
    return resources


def resource(name: str, **overrides: Any) -> Dict[str, Any]:
    """A fresh copy of the example object `name` of fixtures3.json, with `overrides`."""
    data: Dict[str, Any] = copy.deepcopy(_resources()[name])
    data.update(overrides)
    return data


def card_json(**overrides: Any) -> Dict[str, Any]:
    """The fixture card, with a field a newer API version may add."""
    return resource(
        "card", field_from_a_newer_api_version={"nested": True}, **overrides
    )


CARD_ID: str = card_json()["id"]


def list_json(url: str, *items: Dict[str, Any], has_more: bool = False) -> Any:
    """A list object (`{"object": "list", ...}`) of fixture objects."""
    return {"object": "list", "data": list(items), "has_more": has_more, "url": url}


def error_json(
    type_: str = "invalid_request_error",
    message: str = "Bad thing",
    **extra: Optional[str],
) -> Dict[str, Any]:
    return {"error": {"type": type_, "message": message, **extra}}


# --- the scripted server ------------------------------------------------------------------


@dataclass
class Reply:
    """One scripted answer. `drop` closes the socket without answering; `delay` stalls first."""

    status: int = 200
    body: Union[bytes, str, Dict[str, Any]] = b""
    headers: Dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    echo_authorization: bool = False


@dataclass
class Recorded:
    """One request the server received."""

    method: str
    path: str
    headers: Dict[str, str]  # lower-case names
    body: bytes


class ScriptedServer:
    """An HTTP/1.1 server on 127.0.0.1 that records requests and plays scripted replies."""

    def __init__(self) -> None:
        self.replies: Deque[Reply] = collections.deque()
        self.requests: List[Recorded] = []
        self.release = threading.Event()  # set at shutdown, ends every pending delay
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                owner._handle(self)

            do_POST = do_DELETE = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # clients that gave up (timeouts) make writes fail; that is expected

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            daemon=True,
        )

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def attempts(self) -> int:
        return len(self.requests)

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        with self._lock:
            self.requests.append(
                Recorded(
                    method=handler.command,
                    path=handler.path,
                    headers={k.lower(): v for k, v in handler.headers.items()},
                    body=body,
                )
            )
            number = len(self.requests)
            reply = self.replies.popleft() if self.replies else None
        if reply is None:
            reply = Reply(
                500, {"error": {"type": "api_error", "message": "no scripted reply"}}
            )
        if reply.delay:
            self.release.wait(reply.delay)
        if reply.drop:
            handler.close_connection = True
            return
        payload = reply.body
        content_type = "application/json"
        if isinstance(payload, dict):
            payload = json.dumps(payload).encode()
        elif isinstance(payload, str):
            payload = payload.encode()
            content_type = "text/html; charset=utf-8"
        if reply.echo_authorization:
            payload += handler.headers.get("Authorization", "").encode()
        handler.send_response(reply.status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        handler.send_header("Request-Id", f"req_test{number}")
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    scripted.start()
    try:
        yield scripted
    finally:
        scripted.stop()

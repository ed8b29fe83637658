"""``codegen gateway``: only the generated operations, to a fixed upstream, with the key injected.

The gateway runs as a real process (``python -m generator gateway``) on 127.0.0.1 with a free
port, in front of a recording upstream server on 127.0.0.1; a second "decoy" server records any
request that a trick managed to send elsewhere. Raw requests go through ``http.client`` or a
plain socket so that nothing normalises ``..`` or ``%2F`` on the way.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import logging
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

from generator import gateway_api
from generator.gateway import config, origins, redact, routes
from generator.errors import CodegenError
from tests.conftest import generate_into

ROOT = Path(__file__).resolve().parents[1]
API_KEY = "sk_test_51GatewayKeyThatMustNeverLeak0000000000000000000000000000XyZ"
ALLOWED_ORIGIN = "http://allowed.example:3000"
MAX_BODY = 4096
OPERATION = "/v1/customers/cus_123/sources"


# --- a recording upstream -------------------------------------------------------------------------


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Upstream:
    server: ThreadingHTTPServer
    requests: list[Recorded] = field(default_factory=list)
    reply: Callable[[Recorded], tuple[int, dict[str, str], bytes]] = lambda r: (
        200,
        {"Content-Type": "application/json", "Request-Id": "req_test"},
        json.dumps({"id": "card_123", "object": "card"}).encode(),
    )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def start_upstream() -> Upstream:
    holder: dict[str, Upstream] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            upstream = holder["upstream"]
            recorded = Recorded(
                self.command, self.path, dict(self.headers.items()), body
            )
            upstream.requests.append(recorded)
            status, headers, payload = upstream.reply(recorded)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            chunked = headers.get("Transfer-Encoding") == "chunked"
            if not chunked:
                self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if chunked:  # no declared size: the gateway has to count
                for start in range(0, len(payload), 65536):
                    piece = payload[start : start + 65536]
                    self.wfile.write(b"%X\r\n%s\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = (
            _handle
        )

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    upstream = Upstream(server)
    holder["upstream"] = upstream
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return upstream


# --- the gateway process ----------------------------------------------------------------------------


@dataclass
class Gateway:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_gateway(
    output: Path, upstream: str, log: Path, *extra: str, key: str = API_KEY
) -> Gateway:
    env = {**os.environ, "STRIPE_API_KEY": key, "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable,
        "-m",
        "generator",
        "gateway",
        "--config",
        str(ROOT / "pyproject.toml"),
        "--output",
        str(output),
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--upstream",
        upstream,
        *extra,
    ]
    handle = open(log, "wb")
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT
    )
    handle.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        found = re.search(r"codegen gateway: http://127\.0\.0\.1:(\d+)/", text)
        if found and "Application startup complete" in text:
            return Gateway(process, int(found.group(1)), log)
        if process.poll() is not None:
            raise AssertionError(f"the gateway exited early:\n{text}")
        time.sleep(0.1)
    process.kill()
    raise AssertionError(f"the gateway did not start:\n{log.read_text()}")


def generate(out: Path) -> Path:
    return generate_into(out)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


SEEN: list[Reply] = []  # every reply of this module, scanned for the key at the end


def request(
    gw: Gateway,
    method: str,
    target: str,
    body: Optional[bytes] = None,
    headers: Optional[dict[str, str]] = None,
    chunks: Optional[list[bytes]] = None,
) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=20)
    try:
        all_headers = dict(headers or {})
        skip_host = any(k.lower() == "host" for k in all_headers)
        connection.putrequest(
            method, target, skip_host=skip_host, skip_accept_encoding=True
        )
        if chunks is not None:
            all_headers["Transfer-Encoding"] = "chunked"
        elif body is not None:
            all_headers.setdefault("Content-Length", str(len(body)))
        for name, value in all_headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        try:
            if chunks is not None:
                for chunk in chunks:
                    connection.send(f"{len(chunk):X}\r\n".encode() + chunk + b"\r\n")
                connection.send(b"0\r\n\r\n")
            elif body:
                connection.send(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the gateway may answer 413 and close before the body is sent
        response = connection.getresponse()
        reply = Reply(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            response.read(),
        )
    finally:
        connection.close()
    SEEN.append(reply)
    return reply


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


# --- fixtures -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("generated"))


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    server = start_upstream()
    yield server
    server.server.shutdown()


@pytest.fixture(scope="module")
def decoy() -> Iterator[Upstream]:
    server = start_upstream()
    yield server
    server.server.shutdown()


@pytest.fixture(scope="module")
def gw(
    output: Path, upstream: Upstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gateway]:
    log = tmp_path_factory.mktemp("logs") / "gateway.log"
    running = start_gateway(
        output,
        upstream.url,
        log,
        "--allow-origin",
        ALLOWED_ORIGIN,
        "--max-body-bytes",
        str(MAX_BODY),
    )
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _reset(request: pytest.FixtureRequest) -> None:
    for name in ("upstream", "decoy"):
        if name in request.fixturenames:
            server = request.getfixturevalue(name)
            server.requests.clear()
            server.reply = Upstream.reply


# --- unit tests: routes, origins, upstream, redaction -------------------------------------------------


ROUTES = routes.RouteTable(
    [
        routes.Route.compile(
            "post", "/v1/customers/{customer}/sources", "PostCustomersCustomerSources"
        ),
        routes.Route.compile("get", "/v1/customers", "GetCustomers"),
        routes.Route.compile("get", "/v1/files/{file}.json", "Hypothetical"),
    ]
)


@pytest.mark.parametrize(
    ("method", "path", "upstream_path"),
    [
        ("POST", "/v1/customers/cus_123/sources", "/v1/customers/cus_123/sources"),
        ("post", "/v1/customers/cus_123/sources", "/v1/customers/cus_123/sources"),
        ("POST", "/v1/customers/cus%20x/sources", "/v1/customers/cus%20x/sources"),
        ("POST", "/v1/customers/cus%7e1/sources", "/v1/customers/cus~1/sources"),
        ("POST", "/v1/customers/caf%C3%A9/sources", "/v1/customers/caf%C3%A9/sources"),
        ("POST", "/v1/customers/a:b@c/sources", "/v1/customers/a%3Ab%40c/sources"),
        ("GET", "/v1/customers", "/v1/customers"),
        ("GET", "/v1/files/file_1.json", "/v1/files/file_1.json"),
    ],
)
def test_routes_match_the_generated_operations(
    method: str, path: str, upstream_path: str
) -> None:
    found = ROUTES.match(method, path)
    assert found is not None
    assert found[1] == upstream_path


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/customers/cus_123/sources"),  # listed path, unlisted method
        ("DELETE", "/v1/customers/cus_123/sources"),
        ("HEAD", "/v1/customers"),
        ("POST", "/v1/customers"),
        ("POST", "/v1/charges"),
        ("POST", "/v1/customers/cus_123/sources/extra"),
        ("POST", "/v1/customers/cus_123/sources/"),
        ("POST", "/v1/customers//sources"),
        ("POST", "/V1/customers/cus_123/sources"),
        ("POST", "/v1/customers/../sources"),
        ("POST", "/v1/customers/./sources"),
        ("POST", "/v1/customers/%2E%2E/sources"),
        ("POST", "/v1/customers/%2e/sources"),
        ("POST", "/v1/customers/cus%2F..%2F..%2Fcharges/sources"),
        ("POST", "/v1/customers/cus%2fx/sources"),
        ("POST", "/v1/customers/cus%5Cx/sources"),
        ("POST", "/v1/customers/cus\\x/sources"),
        ("POST", "/v1/customers/cus%00/sources"),
        ("POST", "/v1/customers/cus%0d%0aX:%20y/sources"),
        ("POST", "/v1/customers/cus%zz/sources"),
        ("POST", "/v1/customers/cus%FF/sources"),
        ("POST", "/v1/customers/cus%3Fx=1/sources"),
        ("POST", "http://evil.example/v1/customers/cus_123/sources"),
        ("POST", "//evil.example/v1/customers/cus_123/sources"),
        ("GET", "/v1/files/a%2F..%2Fb.json"),
        ("GET", "/v1/files/.json"),
    ],
)
def test_routes_refuse_everything_else(method: str, path: str) -> None:
    assert ROUTES.match(method, path) is None


def test_preflight_methods_and_origins() -> None:
    assert ROUTES.methods_for("/v1/customers/cus_1/sources") == ["POST"]
    assert ROUTES.methods_for("/v1/nothing") == []
    assert origins.normalize_origin("HTTP://LocalHost:80/") == "http://localhost"
    assert (
        origins.normalize_origin("https://docs.example.com:8443")
        == "https://docs.example.com:8443"
    )
    assert origins.normalize_origin("http://[::1]:8787") == "http://[::1]:8787"
    with pytest.raises(CodegenError):
        origins.normalize_origin("https://docs.example.com/path")
    with pytest.raises(CodegenError):
        origins.normalize_origin("ftp://x")


def test_upstream_is_validated_once() -> None:
    assert config.check_upstream("https://api.stripe.com/") == "https://api.stripe.com"
    assert config.check_upstream("http://127.0.0.1:12111") == "http://127.0.0.1:12111"
    for bad in (
        "http://api.stripe.com",
        "ftp://x",
        "https://u:p@api.stripe.com",
        "https://x?y=1",
        "nonsense",
        "http://127.0.0.1:x",
        "http://127.0.0.1:70000",
    ):
        with pytest.raises(CodegenError):
            config.check_upstream(bad)


def test_redact_filter_hides_the_key_in_messages_arguments_and_tracebacks() -> None:
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    logger = logging.getLogger("test.gateway.redact")
    handler = Collect()
    handler.addFilter(redact.RedactFilter([API_KEY]))
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("key %s in %r", API_KEY, {"auth": f"Bearer {API_KEY}"})
        logger.warning(f"inline {API_KEY}")
        try:
            raise RuntimeError(f"boom {API_KEY}")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    text = "\n".join(records)
    assert API_KEY not in text
    assert text.count("[redacted]") == 4
    gateway_config = config.GatewayConfig(
        routes.RouteTable([]), "https://x", API_KEY, Path("."), "127.0.0.1", 1
    )
    assert API_KEY not in repr(gateway_config) and API_KEY not in str(gateway_config)


def test_one_origin_check_for_requests_and_preflights() -> None:
    policy = origins.OriginPolicy(
        frozenset({"http://127.0.0.1:8787", ALLOWED_ORIGIN}), frozenset({"localhost"})
    )
    host = "127.0.0.1:8787"
    assert policy.check(ALLOWED_ORIGIN, host) == origins.Verdict(True, ALLOWED_ORIGIN)
    assert policy.check("http://127.0.0.1:8787", host).cors_origin is not None
    assert policy.check("http://other:1", "other:1").allowed  # the host it was sent to
    assert not policy.check("http://evil.example", host).allowed
    assert not policy.check(
        "http://x:abc", host
    ).allowed  # malformed: refused, no error
    assert policy.check(None, host) == origins.Verdict(True, None)
    assert not policy.check(None, host, "cross-site").allowed
    assert not policy.check(None, host, "same-site").allowed
    assert policy.host_ok("127.0.0.1:1") and policy.host_ok("[::1]:2")
    assert policy.host_ok("LocalHost:3") and not policy.host_ok("evil.example")
    assert not policy.host_ok("")


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("", {"key_configured": False, "mode": None, "key_last4": None}),
        (API_KEY, {"key_configured": True, "mode": "test", "key_last4": "0XyZ"}),
        (
            "rk_test_51RestrictedKey00000000Ab12",
            {"key_configured": True, "mode": "test", "key_last4": "Ab12"},
        ),
        (
            "sk_live_51LiveKey0000000000000000Zz99",
            {"key_configured": True, "mode": "live", "key_last4": "Zz99"},
        ),
        (
            "rk_live_51RestrictedLiveKey0000Qq77",
            {"key_configured": True, "mode": "live", "key_last4": "Qq77"},
        ),
        # an unknown prefix: no mode guessed; a short key: no last 4 (too much of it)
        (
            "pk_test_51Publishable0000000000Pp00",
            {"key_configured": True, "mode": None, "key_last4": "Pp00"},
        ),
        ("sk_test_short", {"key_configured": True, "mode": "test", "key_last4": None}),
        (
            " sk_live_51Padded00000000000Ww11 \n",
            {"key_configured": True, "mode": "live", "key_last4": "Ww11"},
        ),
    ],
)
def test_key_status_tells_mode_and_last4_never_the_key(
    key: str, status: dict[str, Any]
) -> None:
    told = config.key_status(key)
    assert told == status
    if key.strip():
        assert key.strip() not in json.dumps(told)
        assert key.strip()[:-4] not in json.dumps(told)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("acct_1032D82eZvKYlo2C", True),
        ("acct_1", True),
        ("acct_", False),
        ("acct", False),
        ("ACCT_1032D82eZvKYlo2C", False),
        ("acct_1032D82e ZvKYlo2C", False),
        ("acct_1032D82eZvKYlo2C\n", False),
        ("acct_../../v1/x", False),
        ("acct_12;3", False),
        ("cus_1032D82eZvKYlo2C", False),
        ("acct_" + "a" * 65, False),
    ],
)
def test_account_shape(value: str, ok: bool) -> None:
    assert gateway_api.is_account(value) is ok


# --- the routes file: what the gateway forwards is what the served tree lists ---------------------


def routes_document(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"generated": "by a test", "format": 1, "routes": list(entries)}


def test_generate_writes_the_routes_file_the_gateway_reads(output: Path) -> None:
    path = output / "reference" / routes.ROUTES_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == routes.ROUTES_FORMAT
    assert document["generated"].startswith("Generated by codegen ")
    assert document["routes"] == [
        {
            "method": "POST",
            "path": "/v1/customers/{customer}/sources",
            "operation_id": "PostCustomersCustomerSources",
        }
    ]
    manifest = json.loads((output / ".codegen-manifest.json").read_text())
    assert "reference/routes.json" in {entry["path"] for entry in manifest["files"]}
    table = routes.load_routes(output / "reference")
    assert [(r.method, r.template) for r in table.routes] == [
        ("POST", "/v1/customers/{customer}/sources")
    ]
    assert table.match("POST", OPERATION) is not None


@pytest.mark.parametrize(
    ("text", "problem", "pointer"),
    [
        (None, "no routes file", None),
        ("{not json", "is not JSON", None),
        ("[]", "expected an object", None),
        (json.dumps({"routes": []}), "expected format 1", "/format"),
        (json.dumps({"format": 1, "routes": {}}), "a list of routes", "/routes"),
        (json.dumps(routes_document("GET")), "expected an object", "/routes/0"),
        (
            json.dumps(routes_document({"method": "GET", "path": "/v1/x"})),
            "'operation_id' must be a non-empty string",
            "/routes/0/operation_id",
        ),
        (
            json.dumps(
                routes_document({"method": "G T", "path": "/v1", "operation_id": "X"})
            ),
            "not an HTTP method",
            "/routes/0/method",
        ),
        (
            json.dumps(
                routes_document({"method": "GET", "path": "v1", "operation_id": "X"})
            ),
            "must start with '/'",
            "/routes/0/path",
        ),
    ],
)
def test_a_missing_or_malformed_routes_file_says_what_where_and_how_to_fix(
    tmp_path: Path, text: Optional[str], problem: str, pointer: Optional[str]
) -> None:
    if text is not None:
        (tmp_path / routes.ROUTES_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(CodegenError) as caught:
        routes.load_routes(tmp_path)
    assert problem in caught.value.message
    assert str(tmp_path / routes.ROUTES_FILE) in caught.value.message
    assert caught.value.pointer == pointer
    assert caught.value.hint is not None and "codegen generate" in caught.value.hint


def test_start_without_a_routes_file_is_exit_2(output: Path, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(output / "reference", tree / "reference")
    (tree / "reference" / routes.ROUTES_FILE).unlink()
    result = subprocess.run(
        [sys.executable, "-m", "generator", "gateway", "--output", str(tree)],
        cwd=ROOT,
        env={**os.environ, "STRIPE_API_KEY": API_KEY},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("codegen: error: no routes file ")
    assert (
        "routes.json" in result.stderr
        and "fix: run `codegen generate`" in result.stderr
    )


def test_the_gateway_forwards_exactly_the_routes_of_its_tree(
    output: Path, upstream: Upstream, tmp_path: Path
) -> None:
    """Another tree, another list: the spec and settings play no part at start."""
    tree = tmp_path / "tree"
    shutil.copytree(output / "reference", tree / "reference")
    listed = {"method": "GET", "path": "/v1/customers", "operation_id": "GetCustomers"}
    (tree / "reference" / routes.ROUTES_FILE).write_text(
        json.dumps(routes_document(listed)), encoding="utf-8"
    )
    running = start_gateway(tree, upstream.url, tmp_path / "gw.log")
    try:
        assert request(running, "POST", OPERATION, b"a=b", FORM).status == 404
        assert request(running, "GET", "/v1/customers?limit=3").status == 200
    finally:
        running.stop()
    assert [(r.method, r.path) for r in upstream.requests] == [
        ("GET", "/v1/customers?limit=3")
    ]
    assert "1 operation(s) from routes.json" in running.logs()


# --- the running gateway ---------------------------------------------------------------------------------


def test_allowed_operation_is_forwarded_with_the_key_injected(
    gw: Gateway, upstream: Upstream
) -> None:
    body = b"card[number]=4242424242424242&card[exp_month]=12&metadata[order]=6735&expand[0]=customer"
    reply = request(
        gw,
        "POST",
        OPERATION + "?expand[1]=default_source",
        body,
        {
            **FORM,
            "Authorization": "Bearer sk_live_from_the_caller",
            "Cookie": "session=abc",
            "Idempotency-Key": "idem-1",
            "Stripe-Version": "2023-08-16",
            "Stripe-Account": "acct_1032D82eZvKYlo2C",
            "X-Forwarded-Host": "evil.example",
            "X-Custom": "dropped",
        },
    )
    assert reply.status == 200, reply.body
    assert reply.json() == {"id": "card_123", "object": "card"}
    assert reply.headers["request-id"] == "req_test"
    [seen] = upstream.requests
    assert seen.method == "POST"
    assert seen.path == OPERATION + "?expand[1]=default_source"
    assert seen.body == body
    headers = {k.lower(): v for k, v in seen.headers.items()}
    assert headers["authorization"] == f"Bearer {API_KEY}"
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert headers["idempotency-key"] == "idem-1"
    assert headers["stripe-version"] == "2023-08-16"
    assert headers["stripe-account"] == "acct_1032D82eZvKYlo2C"
    assert headers["host"] == upstream.url.removeprefix("http://")
    for dropped in ("cookie", "x-forwarded-host", "x-custom"):
        assert dropped not in headers
    assert headers["user-agent"].startswith("codegen-gateway/")


def test_path_parameters_are_reencoded_as_one_segment(
    gw: Gateway, upstream: Upstream
) -> None:
    reply = request(gw, "POST", "/v1/customers/cus%7E%201/sources", b"", FORM)
    assert reply.status == 200
    assert upstream.requests[0].path == "/v1/customers/cus~%201/sources"


@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("GET", OPERATION),
        ("PUT", OPERATION),
        ("DELETE", OPERATION),
        ("PATCH", OPERATION),
        ("HEAD", OPERATION),
        ("TRACE", OPERATION),
        ("POST", "/v1/customers"),
        ("GET", "/v1/customers"),
        ("POST", "/v1/charges"),
        ("POST", "/v1/customers/cus_123/sources/card_1"),
        ("POST", "/v1/customers/cus_123/sources/"),
        ("POST", "/v2/customers/cus_123/sources"),
        ("POST", "/v1/customers/../charges/sources"),
        ("POST", "/v1/customers/cus_123/../../charges"),
        ("POST", "/v1/customers/%2E%2E/sources"),
        ("POST", "/v1/customers/..%2F..%2Fv1%2Fcharges/sources"),
        ("POST", "/v1/customers/cus%2F1/sources"),
        ("POST", "/v1/customers/cus%5C1/sources"),
        ("POST", "//127.0.0.1/v1/customers/cus_123/sources"),
        ("POST", "/reference/../v1/customers/cus_123/sources"),
    ],
)
def test_unlisted_paths_and_methods_get_404(
    gw: Gateway, upstream: Upstream, method: str, target: str
) -> None:
    reply = request(
        gw,
        method,
        target,
        b"a=b" if method not in ("GET", "HEAD", "TRACE") else None,
        FORM,
    )
    assert reply.status in (404, 405), (reply.status, reply.body)
    assert upstream.requests == []


def test_the_request_cannot_choose_the_upstream(
    gw: Gateway, upstream: Upstream, decoy: Upstream
) -> None:
    decoy_host = decoy.url.removeprefix("http://")
    # An absolute-form request line naming the decoy: never sent there.
    reply = request(
        gw,
        "POST",
        f"{decoy.url}{OPERATION}",
        b"a=b",
        {**FORM, "Host": f"127.0.0.1:{gw.port}"},
    )
    assert reply.status in (200, 404)
    # A Host header naming the decoy: the request still goes to the fixed upstream.
    reply = request(gw, "POST", OPERATION, b"a=b", {**FORM, "Host": decoy_host})
    assert reply.status == 200
    assert upstream.requests[-1].headers["Host"] == upstream.url.removeprefix("http://")
    # Forwarding headers and a query parameter naming the decoy change nothing either.
    reply = request(
        gw,
        "POST",
        f"{OPERATION}?upstream={decoy.url}&url={decoy.url}",
        b"a=b",
        {
            **FORM,
            "X-Forwarded-Host": decoy_host,
            "Forwarded": f"host={decoy_host}",
            "X-Original-URL": f"{decoy.url}/x",
        },
    )
    assert reply.status == 200
    # A domain name the gateway does not know (DNS rebinding) is refused outright.
    reply = request(gw, "POST", OPERATION, b"a=b", {**FORM, "Host": "evil.example"})
    assert reply.status == 421
    assert decoy.requests == []
    assert all(r.path.startswith(OPERATION) for r in upstream.requests)


def test_oversized_bodies_get_413(gw: Gateway, upstream: Upstream) -> None:
    reply = request(gw, "POST", OPERATION, b"a=" + b"x" * MAX_BODY, FORM)
    assert reply.status == 413
    assert "larger than 4096 bytes" in reply.json()["error"]["message"]
    reply = request(gw, "POST", OPERATION, None, FORM, chunks=[b"a=" + b"x" * 1000] * 5)
    assert reply.status == 413
    reply = request(gw, "POST", OPERATION, b"a=" + b"x" * (MAX_BODY - 2), FORM)
    assert reply.status == 200
    assert len(upstream.requests) == 1


def test_cors_only_for_own_and_configured_origins(
    gw: Gateway, upstream: Upstream
) -> None:
    for origin in (ALLOWED_ORIGIN, gw.url, f"http://localhost:{gw.port}"):
        reply = request(gw, "POST", OPERATION, b"a=b", {**FORM, "Origin": origin})
        assert reply.status == 200
        assert reply.headers["access-control-allow-origin"] == origin
        assert "request-id" in reply.headers["access-control-expose-headers"].lower()
        assert "access-control-allow-credentials" not in reply.headers
        preflight = request(
            gw,
            "OPTIONS",
            OPERATION,
            None,
            {
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,idempotency-key",
            },
        )
        assert preflight.status == 204
        assert preflight.headers["access-control-allow-origin"] == origin
        assert preflight.headers["access-control-allow-methods"] == "POST"
        assert "Idempotency-Key" in preflight.headers["access-control-allow-headers"]
    forwarded = len(upstream.requests)

    for origin in (
        "http://evil.example",
        "null",
        f"http://127.0.0.1:{gw.port + 1}",
        "https://allowed.example:3000",
    ):
        reply = request(gw, "POST", OPERATION, b"a=b", {**FORM, "Origin": origin})
        assert reply.status == 403, origin
        assert "access-control-allow-origin" not in reply.headers
        preflight = request(
            gw,
            "OPTIONS",
            OPERATION,
            None,
            {"Origin": origin, "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status == 403
        assert "access-control-allow-origin" not in preflight.headers
    # A cross-site request without Origin (e.g. a no-cors GET) is refused by Fetch Metadata.
    reply = request(
        gw, "POST", OPERATION, b"a=b", {**FORM, "Sec-Fetch-Site": "cross-site"}
    )
    assert reply.status == 403
    # Preflight for an unlisted method or path: 404.
    preflight = request(
        gw,
        "OPTIONS",
        OPERATION,
        None,
        {"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "DELETE"},
    )
    assert preflight.status == 404
    assert len(upstream.requests) == forwarded


def test_status_tells_the_key_mode_and_last4_never_the_key(
    gw: Gateway, upstream: Upstream
) -> None:
    reply = request(gw, "GET", gateway_api.STATUS_PATH)
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"] == "application/json"
    assert reply.headers["cache-control"] == "no-store"
    assert reply.json() == {
        "key_configured": True,
        "mode": "test",
        "key_last4": API_KEY[-4:],
    }
    assert (
        API_KEY.encode() not in reply.body and API_KEY[:-4].encode() not in reply.body
    )
    # the same origin check and CORS as a forwarded operation
    for origin in (ALLOWED_ORIGIN, f"http://localhost:{gw.port}"):
        reply = request(gw, "GET", gateway_api.STATUS_PATH, headers={"Origin": origin})
        assert reply.status == 200
        assert reply.headers["access-control-allow-origin"] == origin
        preflight = request(
            gw,
            "OPTIONS",
            gateway_api.STATUS_PATH,
            None,
            {"Origin": origin, "Access-Control-Request-Method": "GET"},
        )
        assert preflight.status == 204
        assert preflight.headers["access-control-allow-methods"] == "GET"
    reply = request(
        gw, "GET", gateway_api.STATUS_PATH, headers={"Origin": "http://evil.example"}
    )
    assert reply.status == 403 and "access-control-allow-origin" not in reply.headers
    assert b"key_last4" not in reply.body
    reply = request(
        gw, "GET", gateway_api.STATUS_PATH, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert reply.status == 403
    reply = request(gw, "POST", gateway_api.STATUS_PATH, b"a=b", FORM)
    assert reply.status == 405 and reply.headers["allow"] == "GET, HEAD"
    # neither a page nor a forwarded route: nothing reached the upstream
    assert "content-security-policy" not in reply.headers
    assert upstream.requests == []


def test_status_of_a_live_key_says_live(output: Path, tmp_path: Path) -> None:
    live = "sk_live_51LiveGatewayKeyThatMustNeverLeak000000000000000000Lv42"
    running = start_gateway(
        output, "https://api.stripe.com", tmp_path / "gw.log", key=live
    )
    try:
        reply = request(running, "GET", gateway_api.STATUS_PATH)
    finally:
        running.stop()
    assert reply.json() == {"key_configured": True, "mode": "live", "key_last4": "Lv42"}
    assert live.encode() not in reply.body
    assert live not in running.logs()


def test_stripe_account_is_forwarded_only_when_well_formed(
    gw: Gateway, upstream: Upstream
) -> None:
    origin = ALLOWED_ORIGIN
    reply = request(
        gw,
        "POST",
        OPERATION,
        b"a=b",
        {**FORM, "Origin": origin, "Stripe-Account": "acct_1032D82eZvKYlo2C"},
    )
    assert reply.status == 200
    sent = {k.lower(): v for k, v in upstream.requests[-1].headers.items()}
    assert sent["stripe-account"] == "acct_1032D82eZvKYlo2C"
    before = len(upstream.requests)
    for bad in ("acct_", "cus_123", "acct_1 2", "acct_1,acct_2", "acct_../x"):
        reply = request(
            gw,
            "POST",
            OPERATION,
            b"a=b",
            {**FORM, "Origin": origin, "Stripe-Account": bad},
        )
        assert reply.status == 400, bad
        error = reply.json()["error"]
        assert error["type"] == "invalid_request_error"
        assert "Stripe-Account" in error["message"] and "acct_" in error["message"]
        assert reply.headers["access-control-allow-origin"] == origin  # readable
    assert len(upstream.requests) == before
    # without the header nothing is sent for it (no account from anywhere else)
    reply = request(gw, "POST", OPERATION + "?stripe_account=acct_1", b"a=b", FORM)
    assert reply.status == 200
    assert "stripe-account" not in {k.lower() for k in upstream.requests[-1].headers}
    # the browser may send it: the preflight allows it
    preflight = request(
        gw,
        "OPTIONS",
        OPERATION,
        None,
        {
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,idempotency-key,stripe-account",
        },
    )
    assert preflight.status == 204
    allowed = preflight.headers["access-control-allow-headers"].lower().split(", ")
    assert "stripe-account" in allowed


def test_pages_are_served_with_a_strict_policy(gw: Gateway) -> None:
    reply = request(gw, "GET", "/")
    assert reply.status in (302, 307) and reply.headers["location"] == "/reference/"
    index = request(gw, "GET", "/reference/")
    assert index.status == 200 and b"customers.sources.create.html" in index.body
    page = request(gw, "GET", "/reference/operations/customers.sources.create.html")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    script = request(gw, "GET", "/reference/assets/reference.js")
    assert script.status == 200 and "javascript" in script.headers["content-type"]
    for target in (
        "/reference/../pyproject.toml",
        "/reference/%2e%2e/%2e%2e/pyproject.toml",
        "/reference/..%2F..%2Fpyproject.toml",
    ):
        assert request(gw, "GET", target).status == 404


def test_upstream_echoing_the_key_is_redacted(gw: Gateway, upstream: Upstream) -> None:
    def echo(recorded: Recorded) -> tuple[int, dict[str, str], bytes]:
        auth = recorded.headers.get("Authorization", "")
        body = json.dumps(
            {"error": {"type": "invalid_request_error", "message": f"you sent {auth}"}}
        )
        return (
            401,
            {
                "Content-Type": "application/json",
                "Request-Id": auth,
                "Set-Cookie": f"k={auth}",
            },
            body.encode(),
        )

    upstream.reply = echo
    reply = request(gw, "POST", OPERATION, b"a=b", FORM)
    assert reply.status == 401
    assert upstream.requests[0].headers["Authorization"] == f"Bearer {API_KEY}"
    assert reply.json()["error"]["message"] == "you sent Bearer [redacted]"
    assert reply.headers["request-id"] == "Bearer [redacted]"
    assert "set-cookie" not in reply.headers


def test_unreachable_upstream_is_a_clear_502(output: Path, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    running = start_gateway(output, f"http://127.0.0.1:{closed}", tmp_path / "gw.log")
    try:
        reply = request(running, "POST", OPERATION, b"a=b", FORM)
    finally:
        running.stop()
    assert reply.status == 502
    assert (
        reply.json()["error"]["message"]
        == "The gateway could not reach the upstream API."
    )
    assert API_KEY not in running.logs()


def test_start_refuses_a_missing_key_and_an_unencrypted_upstream(output: Path) -> None:
    base = [
        sys.executable,
        "-m",
        "generator",
        "gateway",
        "--config",
        str(ROOT / "pyproject.toml"),
        "--output",
        str(output),
        "--port",
        "0",
    ]
    env = {k: v for k, v in os.environ.items() if k != "STRIPE_API_KEY"}
    missing = subprocess.run(
        base, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert missing.returncode == 2
    assert "STRIPE_API_KEY is not set" in missing.stderr
    plain = subprocess.run(
        [*base, "--upstream", "http://api.stripe.com"],
        cwd=ROOT,
        env={**env, "STRIPE_API_KEY": API_KEY},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert plain.returncode == 2
    assert "unencrypted" in plain.stderr
    assert API_KEY not in plain.stdout + plain.stderr


# --- limits: cookies, slow clients, header size, connections, framing, origins ---------------------

TIGHT = config.Limits(
    header_timeout=0.5,
    body_timeout=0.5,
    send_timeout=1.0,
    max_header_bytes=8192,
    max_headers=40,
    max_connections=12,
    max_response_bytes=16 * 1024 * 1024,  # above what loopback's socket buffers take
)
HEAD = (
    f"POST {OPERATION} HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\n"
    "Content-Type: application/x-www-form-urlencoded\r\n"
).encode()


@pytest.fixture(scope="module")
def tight(
    output: Path, upstream: Upstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gateway]:
    """A gateway with small limits, so that each limit test takes about a second."""
    log = tmp_path_factory.mktemp("logs") / "tight.log"
    options = [
        f"--{name.replace('_', '-')}={value}"
        for name, value in dataclasses.asdict(TIGHT).items()
    ]
    running = start_gateway(output, upstream.url, log, *options)
    yield running
    running.stop()


def raw(gw: Gateway, timeout: float = 5.0) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", gw.port), timeout=timeout)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything until the gateway closes (or the socket's timeout: then what came)."""
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return data


def drip(
    sock: socket.socket, head: bytes, byte: bytes, seconds: float
) -> tuple[bytes, float, bool]:
    """Send ``head``, then ``byte`` every 0.1 s until the gateway answers and closes.

    Returns what was received, the seconds it took, and whether the gateway closed.
    """
    sock.sendall(head)
    started = time.monotonic()
    received = b""
    while time.monotonic() - started < seconds:
        ready, _, _ = select.select([sock], [], [], 0.1)
        try:
            if not ready:
                sock.sendall(byte)
                continue
            chunk = sock.recv(65536)
        except (BrokenPipeError, ConnectionResetError):
            return received, time.monotonic() - started, True
        if not chunk:
            return received, time.monotonic() - started, True
        received += chunk
    return received, time.monotonic() - started, False


def status_of(data: bytes) -> int:
    found = re.match(rb"HTTP/1\.1 (\d{3}) ", data)
    return int(found.group(1)) if found else 0


def test_responses_are_not_held_back_by_nagle(gw: Gateway) -> None:
    """Each response's body used to wait ~40 ms behind its head: no TCP_NODELAY."""
    connection = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=5)
    seconds = []
    try:
        for _ in range(15):
            started = time.monotonic()
            connection.request("GET", "/reference/assets/reference.css")
            connection.getresponse().read()
            seconds.append(time.monotonic() - started)
    finally:
        connection.close()
    assert sorted(seconds)[len(seconds) // 2] < 0.025, seconds


def test_upstream_cookies_are_neither_kept_nor_passed_on(
    gw: Gateway, upstream: Upstream
) -> None:
    def set_cookie(recorded: Recorded) -> tuple[int, dict[str, str], bytes]:
        return (
            200,
            {
                "Content-Type": "application/json",
                "Set-Cookie": "session=s3cr3t; Path=/",
            },
            b"{}",
        )

    upstream.reply = set_cookie
    first = request(gw, "POST", OPERATION, b"a=b", FORM)
    upstream.reply = Upstream.reply
    second = request(gw, "POST", OPERATION, b"a=b", FORM)
    assert first.status == second.status == 200
    assert "set-cookie" not in first.headers
    assert [r.headers.get("Cookie") for r in upstream.requests] == [None, None]


def test_a_slow_or_silent_request_head_is_cut_off(tight: Gateway) -> None:
    with raw(tight) as sock:
        received, seconds, closed = drip(sock, HEAD + b"X-Slow: ", b"a", 4.0)
    assert closed and seconds < 2.0, (seconds, received)
    assert status_of(received) == 408
    with raw(tight) as sock:  # connects, sends nothing
        started = time.monotonic()
        assert read_all(sock) == b""
        assert time.monotonic() - started < 2.0
    # The timer is per head, not per connection: a kept-alive connection works as before.
    connection = http.client.HTTPConnection("127.0.0.1", tight.port, timeout=5)
    try:
        for _ in range(3):
            connection.request("POST", OPERATION, b"a=b", FORM)
            response = connection.getresponse()
            assert response.status == 200
            response.read()
            time.sleep(0.3)  # 0.9 s on one connection, more than the head timeout
        assert connection.sock is not None  # still the same connection
    finally:
        connection.close()


def test_a_slow_request_body_gets_408(tight: Gateway, upstream: Upstream) -> None:
    with raw(tight) as sock:
        received, seconds, closed = drip(
            sock, HEAD + b"Content-Length: 1000\r\n\r\na=", b"x", 4.0
        )
    assert closed and seconds < 2.0, (seconds, received)
    assert status_of(received) == 408
    assert b"not received within 0.5 s" in received
    with raw(tight) as sock:  # chunked, one chunk every 0.1 s
        received, seconds, closed = drip(
            sock, HEAD + b"Transfer-Encoding: chunked\r\n\r\n", b"1\r\nx\r\n", 4.0
        )
    assert closed and seconds < 2.0 and status_of(received) == 408
    assert upstream.requests == []


def test_request_heads_are_limited_in_size_and_count(
    tight: Gateway, upstream: Upstream
) -> None:
    def send_head(extra: bytes) -> int:
        with raw(tight) as sock:
            sock.sendall(HEAD + extra + b"Content-Length: 3\r\n\r\na=b")
            return status_of(read_all(sock))

    assert send_head(b"".join(b"X-%d: y\r\n" % i for i in range(45))) == 431
    assert send_head(b"".join(b"X-%d: y\r\n" % i for i in range(5000))) in (400, 431)
    assert send_head(b"X-Big: " + b"y" * 9000 + b"\r\n") in (400, 431)
    # The same head written in small pieces: h11's own buffer limit refuses it.
    with raw(tight) as sock:
        sock.sendall(HEAD)
        try:
            for _ in range(40):
                sock.sendall(b"X-Pad: " + b"p" * 500 + b"\r\n")
                time.sleep(0.001)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert status_of(read_all(sock)) in (400, 431)
    assert send_head(b"".join(b"X-%d: y\r\n" % i for i in range(30))) == 200
    assert len(upstream.requests) == 1


def test_connections_beyond_the_limit_get_503(tight: Gateway) -> None:
    held = [raw(tight) for _ in range(TIGHT.max_connections)]
    try:
        for sock in held:
            sock.sendall(HEAD)  # an unfinished head holds its connection
        time.sleep(0.1)
        reply = request(tight, "POST", OPERATION, b"a=b", FORM)
        assert reply.status == 503
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.3)
    assert request(tight, "POST", OPERATION, b"a=b", FORM).status == 200


def test_content_length_with_transfer_encoding_is_400(
    gw: Gateway, upstream: Upstream
) -> None:
    body = b"3\r\na=b\r\n0\r\n\r\n"
    for framing in (
        b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: chunked\r\nContent-Length: 13\r\n",
    ):
        with raw(gw) as sock:
            sock.sendall(HEAD + framing + b"\r\n" + body)
            reply = read_all(sock)  # and the gateway closes the connection
        assert status_of(reply) == 400, reply
    assert upstream.requests == []


def test_upstream_responses_above_the_limit_are_502(
    tight: Gateway, upstream: Upstream
) -> None:
    big = b'{"data": "' + b"x" * TIGHT.max_response_bytes + b'"}'
    for framing in ({}, {"Transfer-Encoding": "chunked"}):
        upstream.reply = lambda r, f=framing: (  # type: ignore[misc]
            200,
            {"Content-Type": "application/json", **f},
            big,
        )
        reply = request(tight, "POST", OPERATION, b"a=b", FORM)
        assert reply.status == 502, framing
        assert "larger than 16777216 bytes" in reply.json()["error"]["message"]
    upstream.reply = lambda r: (
        200,
        {"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        big[: TIGHT.max_response_bytes],
    )
    assert request(tight, "POST", OPERATION, b"a=b", FORM).status == 200


def test_a_client_that_stops_reading_is_dropped(
    tight: Gateway, upstream: Upstream
) -> None:
    size = TIGHT.max_response_bytes - 100  # the kernel buffers ~4 MB, the rest waits
    upstream.reply = lambda r: (200, {"Content-Type": "application/json"}, b"x" * size)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(5)
    sock.connect(("127.0.0.1", tight.port))
    with sock:
        sock.sendall(HEAD + b"Content-Length: 3\r\n\r\na=b")
        time.sleep(TIGHT.send_timeout + 1.0)  # read nothing past the send timeout
        received = read_all(sock)
    assert 0 < len(received) < size, len(received)


@pytest.mark.parametrize(
    "origin",
    ["http://x:abc", "http://[::1", "http://x:99999", "http://a b", "http://:80"],
)
def test_a_malformed_origin_is_403_not_500(
    gw: Gateway, upstream: Upstream, origin: str
) -> None:
    reply = request(gw, "POST", OPERATION, b"a=b", {**FORM, "Origin": origin})
    assert reply.status == 403, reply.body
    preflight = request(
        gw,
        "OPTIONS",
        OPERATION,
        None,
        {"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status == 403
    assert upstream.requests == []
    assert "Traceback" not in gw.logs()


def test_a_bad_allow_origin_is_exit_2_with_a_fix(output: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "gateway",
            "--config",
            str(ROOT / "pyproject.toml"),
            "--output",
            str(output),
            "--port",
            "0",
            "--allow-origin",
            "http://x:abc",
        ],
        cwd=ROOT,
        env={**os.environ, "STRIPE_API_KEY": API_KEY},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("codegen: error: --allow-origin 'http://x:abc'")
    assert "port" in result.stderr and "fix:" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_limits_must_be_positive() -> None:
    with pytest.raises(CodegenError, match="--header-timeout must be more than 0"):
        config.Limits(header_timeout=0).check()
    with pytest.raises(CodegenError, match="--max-headers must be at least 1"):
        config.Limits(max_headers=0).check()
    config.Limits().check()


def test_the_key_never_appears_in_responses_pages_or_logs(
    gw: Gateway, upstream: Upstream
) -> None:
    # A few more kinds of reply, then everything this module saw.
    request(gw, "POST", OPERATION, b"a=b", FORM)
    request(gw, "GET", "/reference/assets/reference.js")
    request(gw, "POST", "/v1/nothing", b"a=b", FORM)
    for reply in SEEN:
        assert API_KEY.encode() not in reply.body
        assert all(API_KEY not in f"{k}: {v}" for k, v in reply.headers.items())
    time.sleep(0.3)
    logs = gw.logs()
    assert "POST /v1/customers/{customer}/sources -> 200" in logs
    assert API_KEY not in logs
    assert API_KEY[8:40] not in logs  # no fragment of it either

"""Fixtures for the runtime tests: a rendered package and a scripted HTTP server.

The package under test is rendered from the runtime templates (`templates/package/*.jinja`)
into a temporary folder, under the unusual name `vendored_sdk` to prove that it only uses
relative imports, next to a small hand-written `models.py` and `_client.py` that call the
runtime the way generated code does.

TODO(lead): switch `sdk` to the real generated package (`generated/stripe_client`, copied
under another name) once the generator produces it.

The server is a real HTTP/1.1 server on 127.0.0.1 that records every request and answers
with scripted replies, so that retries, timeouts and dropped connections go over sockets.
"""

from __future__ import annotations

import collections
import importlib
import json
import sys
import threading
import types
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Deque, Dict, Iterator, List, Optional, Union

import jinja2
import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates" / "package"
RUNTIME_FILES = ("_base_client.py", "_encoding.py", "_model_base.py", "errors.py")
PACKAGE = "vendored_sdk"
API_KEY = "sk_test_51NotARealKeyButUniqueEnoughToSpotAnywhere0xC0FFEE"

TEMPLATE_VARIABLES = {
    "package": PACKAGE,
    "codegen_version": "0.1.0",
    "api_version": "2023-08-16",
    "base_url": "https://api.stripe.com",
    "error_model": "Error",
}

MODELS_PY = '''\
"""Hand-written stand-ins for the generated models."""

from __future__ import annotations

from typing import Annotated, Dict, List, Literal, Optional, Union

from pydantic import Field

from ._model_base import RequestModel, StripeModel


class ApiErrors(StripeModel):
    """The error object."""

    type: str
    code: Optional[str] = None
    decline_code: Optional[str] = None
    doc_url: Optional[str] = None
    message: Optional[str] = None
    param: Optional[str] = None
    request_log_url: Optional[str] = None


class Error(StripeModel):
    """An error response."""

    error: ApiErrors


class Card(StripeModel):
    """A card."""

    id: str
    object: Literal["card"]
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    metadata: Optional[Dict[str, str]] = None
    name: Optional[str] = None


class BankAccount(StripeModel):
    """A bank account."""

    id: str
    object: Literal["bank_account"]
    last4: str
    bank_name: Optional[str] = None


PaymentSource = Annotated[Union[Card, BankAccount], Field(discriminator="object")]


class CustomerPaymentSourceCard(RequestModel):
    """Card details."""

    number: str = Field(max_length=5000)
    exp_month: int
    exp_year: int
    cvc: Optional[str] = None
    metadata: Optional[Dict[str, str]] = None
    object_: Optional[Literal["card"]] = Field(default=None, alias="object")


class PostCustomersCustomerSourcesRequest(RequestModel):
    """Form body of POST /v1/customers/{customer}/sources."""

    card: Union[CustomerPaymentSourceCard, str, None] = None
    expand: Optional[List[str]] = None
    metadata: Union[Dict[str, str], Literal[""], None] = None
    source: Optional[str] = None


class GetCardRequest(RequestModel):
    """Query of GET /v1/customers/{customer}/sources/{id}."""

    expand: Optional[List[str]] = None
'''

CLIENT_PY = '''\
"""Hand-written stand-in for the generated clients, calling the runtime like generated code."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Union

import httpx

from ._base_client import AsyncAPIClient, RequestOptions, ResponseType, SyncAPIClient
from ._encoding import encode_params, quote_path
from .models import (
    Card,
    CustomerPaymentSourceCard,
    GetCardRequest,
    PaymentSource,
    PostCustomersCustomerSourcesRequest,
)

_PAYMENT_SOURCE: ResponseType[PaymentSource] = ResponseType(PaymentSource)
_CARD: ResponseType[Card] = ResponseType(Card)
_BODY_STYLES = {"card": "deepObject", "expand": "deepObject", "metadata": "deepObject"}
_QUERY_STYLES = {"expand": "deepObject"}


class Client(SyncAPIClient):
    """The synchronous stand-in."""

    def create_source(
        self,
        customer: str,
        *,
        card: Union[CustomerPaymentSourceCard, str, None] = None,
        expand: Optional[List[str]] = None,
        metadata: Union[Dict[str, str], str, None] = None,
        source: Optional[str] = None,
        idempotency_key: Optional[str] = None,
        stripe_account: Optional[str] = None,
        timeout: Union[float, httpx.Timeout, None] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> PaymentSource:
        """POST /v1/customers/{customer}/sources."""
        body = PostCustomersCustomerSourcesRequest.model_validate(
            {"card": card, "expand": expand, "metadata": metadata, "source": source}
        )
        return self.request(
            _PAYMENT_SOURCE,
            "post",
            f"/v1/customers/{quote_path(customer)}/sources",
            form=encode_params(
                body.model_dump(by_alias=True, exclude_none=True), _BODY_STYLES
            ),
            options=RequestOptions(
                idempotency_key=idempotency_key,
                stripe_account=stripe_account,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def get_card(
        self,
        customer: str,
        id: str,
        *,
        expand: Optional[List[str]] = None,
        stripe_account: Optional[str] = None,
    ) -> Card:
        """GET /v1/customers/{customer}/sources/{id}."""
        query = GetCardRequest(expand=expand)
        return self.request(
            _CARD,
            "get",
            f"/v1/customers/{quote_path(customer)}/sources/{quote_path(id)}",
            query=encode_params(
                query.model_dump(by_alias=True, exclude_none=True), _QUERY_STYLES
            ),
            options=RequestOptions(stripe_account=stripe_account),
        )

    def delete_card(self, customer: str, id: str) -> Card:
        """DELETE /v1/customers/{customer}/sources/{id}."""
        return self.request(
            _CARD,
            "delete",
            f"/v1/customers/{quote_path(customer)}/sources/{quote_path(id)}",
        )

    def quote_pdf(self, quote: str) -> bytes:
        """GET /v1/quotes/{quote}/pdf, served by files.stripe.com."""
        return self.request(
            ResponseType.binary(),
            "get",
            f"/v1/quotes/{quote_path(quote)}/pdf",
            base_url="https://files.stripe.com",
        )

    def create_file(self, *, file: bytes, purpose: str) -> Dict[str, Any]:
        """POST /v1/files (multipart), served by files.stripe.com."""
        return self.request(
            ResponseType(Dict[str, Any]),
            "post",
            "/v1/files",
            form=encode_params({"purpose": purpose}, {}),
            files={"file": ("upload.csv", file, "text/csv")},
            base_url="https://files.stripe.com",
        )


class AsyncClient(AsyncAPIClient):
    """The asynchronous stand-in."""

    async def create_source(
        self,
        customer: str,
        *,
        card: Union[CustomerPaymentSourceCard, str, None] = None,
        expand: Optional[List[str]] = None,
        metadata: Union[Dict[str, str], str, None] = None,
        idempotency_key: Optional[str] = None,
        stripe_account: Optional[str] = None,
        timeout: Union[float, httpx.Timeout, None] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> PaymentSource:
        """POST /v1/customers/{customer}/sources."""
        body = PostCustomersCustomerSourcesRequest.model_validate(
            {"card": card, "expand": expand, "metadata": metadata}
        )
        return await self.request(
            _PAYMENT_SOURCE,
            "post",
            f"/v1/customers/{quote_path(customer)}/sources",
            form=encode_params(
                body.model_dump(by_alias=True, exclude_none=True), _BODY_STYLES
            ),
            options=RequestOptions(
                idempotency_key=idempotency_key,
                stripe_account=stripe_account,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    async def quote_pdf(self, quote: str) -> bytes:
        """GET /v1/quotes/{quote}/pdf."""
        return await self.request(
            ResponseType.binary(), "get", f"/v1/quotes/{quote_path(quote)}/pdf"
        )
'''

INIT_PY = '''\
"""Hand-written stand-in for the generated package root."""

from ._base_client import Backoff, RequestOptions
from ._client import AsyncClient, Client

__all__ = ["AsyncClient", "Backoff", "Client", "RequestOptions"]
'''


def render_runtime(package_dir: Path) -> List[Path]:
    """Render the four runtime templates into `package_dir`; return the written files."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    package_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in RUNTIME_FILES:
        text = env.get_template(f"{name}.jinja").render(**TEMPLATE_VARIABLES)
        path = package_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def build_package(root: Path) -> Path:
    """The complete test package `vendored_sdk` under `root`."""
    package_dir = root / PACKAGE
    render_runtime(package_dir)
    (package_dir / "models.py").write_text(MODELS_PY, encoding="utf-8")
    (package_dir / "_client.py").write_text(CLIENT_PY, encoding="utf-8")
    (package_dir / "__init__.py").write_text(INIT_PY, encoding="utf-8")
    (package_dir / "py.typed").write_text("", encoding="utf-8")
    return package_dir


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_package(tmp_path_factory.mktemp("sdk"))


@pytest.fixture(scope="session")
def sdk(package_dir: Path) -> Iterator[types.SimpleNamespace]:
    """The imported test package and its modules."""
    sys.path.insert(0, str(package_dir.parent))
    try:
        yield types.SimpleNamespace(
            package=importlib.import_module(PACKAGE),
            base=importlib.import_module(f"{PACKAGE}._base_client"),
            encoding=importlib.import_module(f"{PACKAGE}._encoding"),
            errors=importlib.import_module(f"{PACKAGE}.errors"),
            model_base=importlib.import_module(f"{PACKAGE}._model_base"),
            models=importlib.import_module(f"{PACKAGE}.models"),
        )
    finally:
        sys.path.remove(str(package_dir.parent))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


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
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
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
            reply = Reply(500, {"error": {"type": "api_error", "message": "no scripted reply"}})
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


def card_json(**overrides: Any) -> Dict[str, Any]:
    """A card object as the API returns it (made-up values), with a field it may add later."""
    data: Dict[str, Any] = {
        "id": "card_123",
        "object": "card",
        "brand": "Visa",
        "exp_month": 8,
        "exp_year": 2030,
        "last4": "4242",
        "metadata": {},
        "name": "Jenny Rosen",
        "field_from_a_newer_api_version": {"nested": True},
    }
    data.update(overrides)
    return data


def error_json(
    type_: str = "invalid_request_error", message: str = "Bad thing", **extra: Optional[str]
) -> Dict[str, Any]:
    return {"error": {"type": type_, "message": message, **extra}}

"""The reference page in a real browser: Debian's Chromium, headless, driven by Playwright.

The page is loaded from a running gateway (``python -m generator gateway``) in front of a
recording upstream on 127.0.0.1. The test fills the "Try it" form (a card object, metadata
pairs, expand entries), watches both snippets follow, sends, reads the response on the page,
checks that the upstream received exactly what the generated client's encoder produces, and
reloads to find the gateway URL restored from local storage.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

try:
    from test_gateway import (
        API_KEY,
        output,
        upstream,
        Gateway,
        Upstream,
        start_gateway,
    )
    from test_reference import render_sample
except ImportError:  # pragma: no cover - other import modes
    from tests.test_gateway import (
        API_KEY,
        output,
        upstream,
        Gateway,
        Upstream,
        start_gateway,
    )
    from tests.test_reference import render_sample

from playwright import sync_api as playwright  # noqa: E402  (a test dependency)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGE = "/reference/operations/customers.sources.create.html"  # pages by call

# Outside CI a machine without Chromium skips these; in CI (CI=true) they run and fail loudly,
# since scripts/setup.sh installs Chromium there.
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Chromium is not installed (apt-get install chromium)",
)


@pytest.fixture(scope="module")
def gw(
    output: Path, upstream: Upstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gateway]:
    running = start_gateway(
        output, upstream.url, tmp_path_factory.mktemp("logs") / "gateway.log"
    )
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    page.errors = errors
    yield page
    context.close()
    assert errors == []


def client_encoding(output: Path) -> Any:
    """The generated package's own encoder, loaded from its file (it has no imports of its own)."""
    path = output / "stripe_client" / "_encoding.py"
    spec = importlib.util.spec_from_file_location("browser_test_encoding", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def snippets(page: Any) -> tuple[str, str]:
    return page.text_content("#snippet-python"), page.text_content("#snippet-curl")


def test_fill_the_form_watch_the_snippet_send_and_reload(
    page: Any, gw: Gateway, upstream: Upstream, output: Path, tmp_path: Path
) -> None:
    page.goto(gw.url + PAGE)
    page.wait_for_selector("body[data-ready]")
    assert (
        page.input_value("#gateway-url") == gw.url
    )  # the page's own origin by default
    python, curl = snippets(page)
    assert "client.customers.sources.create(" in python
    assert '"customer_...",' in python and "card=" not in python
    assert page.is_disabled("#send")  # until the path parameter is filled in

    page.fill('[data-path="customer"]', "cus_123")
    python, curl = snippets(page)
    assert '"cus_123",' in python
    assert f"curl -X POST '{gw.url}/v1/customers/cus_123/sources'" in curl

    page.select_option('[data-choice="card"]', "object")
    page.fill('[data-path="card[number]"]', "4242424242424242")
    python, curl = snippets(page)
    # params are plain data: a nested object is a dict keyed by wire names, no import
    assert 'card={"number": "4242424242424242"},' in python
    assert "from stripe_client.params" not in python
    assert "CustomerPaymentSourceCard" not in python
    assert "-d 'card[number]=4242424242424242'" in curl
    assert "exp_month" not in python  # only what is filled in
    page.fill('[data-path="card[exp_month]"]', "12")
    page.fill('[data-path="card[exp_year]"]', "2030")

    page.click('[data-add="metadata"]')
    page.locator('[data-field="metadata"] .map-key').nth(0).fill("order_id")
    page.locator('[data-field="metadata"] .map-value').nth(0).fill("6735")
    page.click('[data-add="metadata"]')
    page.locator('[data-field="metadata"] .map-key').nth(1).fill(
        "note"
    )  # empty value: unset
    python, curl = snippets(page)
    assert 'metadata={"order_id": "6735", "note": ""},' in python
    assert "-d 'metadata[order_id]=6735'" in curl and "-d 'metadata[note]='" in curl

    page.click('[data-add="expand"]')
    page.locator('[data-field="expand"] input').nth(0).fill("customer")
    page.click('[data-add="expand"]')
    page.locator('[data-field="expand"] input').nth(1).fill("default_source")
    assert 'expand=["customer", "default_source"],' in snippets(page)[0]
    page.locator('[data-field="expand"] button.remove').nth(
        0
    ).click()  # items can be removed
    python, curl = snippets(page)
    assert 'expand=["default_source"],' in python
    assert "-d 'expand[0]=default_source'" in curl and "customer'" not in curl
    page.click('[data-add="expand"]')
    page.locator('[data-field="expand"] input').nth(1).fill("customer")
    python, curl = snippets(page)
    assert 'expand=["default_source", "customer"],' in python
    assert "sk_" not in python + curl and "Authorization" not in curl
    page.click("#snippets .tab[data-tab='curl']")
    assert page.is_visible("#snippet-curl") and not page.is_visible("#snippet-python")

    page.click("#send")
    page.wait_for_selector("#response-status[data-status]")
    assert page.get_attribute("#response-status", "data-status") == "200"
    assert page.text_content("#response-status").startswith("200")
    body = page.text_content("#response-body")
    assert '"id": "card_123"' in body and '"object": "card"' in body
    assert "req_test" in page.text_content("#response-headers")
    page.screenshot(path=str(tmp_path / "reference.png"), full_page=True)

    # What reached the upstream is exactly what the generated client would have sent.
    [seen] = upstream.requests
    assert seen.method == "POST" and seen.path == "/v1/customers/cus_123/sources"
    headers = {name.lower(): value for name, value in seen.headers.items()}
    assert headers["authorization"] == f"Bearer {API_KEY}"
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert len(headers["idempotency-key"]) >= 32
    encoding = client_encoding(output)
    styles = {"card": "deepObject", "expand": "deepObject", "metadata": "deepObject"}
    expected = encoding.urlencode_pairs(
        encoding.encode_params(
            {
                "card": {
                    "exp_month": 12,
                    "exp_year": 2030,
                    "number": "4242424242424242",
                },
                "expand": ["default_source", "customer"],
                "metadata": {"order_id": "6735", "note": ""},
            },
            styles,
        )
    )
    assert seen.body.decode() == expected
    assert parse_qsl(seen.body.decode(), keep_blank_values=True) == [
        ("card[exp_month]", "12"),
        ("card[exp_year]", "2030"),
        ("card[number]", "4242424242424242"),
        ("expand[0]", "default_source"),
        ("expand[1]", "customer"),
        ("metadata[order_id]", "6735"),
        ("metadata[note]", ""),
    ]
    assert API_KEY not in page.content()
    assert API_KEY not in str(page.evaluate("JSON.stringify(window.localStorage)"))

    # The Python snippet runs as shown with the generated client and sends the same body.
    python_snippet = snippets(page)[0]
    runnable = python_snippet.replace(
        'Client(api_key=os.environ["STRIPE_API_KEY"])',
        f'Client(api_key=os.environ["STRIPE_API_KEY"], base_url="{upstream.url}", max_retries=0)',
    )
    assert runnable != python_snippet
    script = "import sys\ntry:\n    exec(sys.stdin.read(), {})\nexcept Exception as error:\n    print(type(error).__name__)\n"
    before = len(upstream.requests)
    subprocess.run(
        [sys.executable, "-c", script],
        input=runnable,
        text=True,
        env={
            **os.environ,
            "PYTHONPATH": str(output),
            "STRIPE_API_KEY": "sk_test_snippet",
        },
        cwd=tmp_path,
        check=True,
        timeout=60,
    )
    assert len(upstream.requests) == before + 1, "the snippet did not send a request"
    client_request = upstream.requests[-1]
    assert client_request.headers["Authorization"] == "Bearer sk_test_snippet"
    assert client_request.path == seen.path
    assert client_request.body == seen.body

    # Another gateway URL (same gateway under its other loopback name: a cross-origin call)
    # is saved, restored after a reload, and used.
    other = f"http://localhost:{gw.port}"
    page.fill("#gateway-url", other)
    page.reload()
    page.wait_for_selector("body[data-ready]")
    assert page.input_value("#gateway-url") == other
    page.fill('[data-path="customer"]', "cus_456")
    assert f"'{other}/v1/customers/cus_456/sources'" in snippets(page)[1]
    page.click("#send")
    page.wait_for_selector("#response-status[data-status]")
    assert page.get_attribute("#response-status", "data-status") == "200"
    assert upstream.requests[-1].path == "/v1/customers/cus_456/sources"


def test_problems_are_shown_instead_of_sending(
    page: Any, gw: Gateway, upstream: Upstream
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    page.goto(gw.url + PAGE)
    page.wait_for_selector("body[data-ready]")
    before = len(upstream.requests)

    # Missing path parameter and a half-filled card: listed, Send disabled until the path
    # parameter is there; then a click says what to fix and sends nothing.
    page.select_option('[data-choice="card"]', "object")
    page.fill('[data-path="card[exp_month]"]', "twelve")
    issues = page.text_content("#issues")
    assert "customer: required (path parameter)" in issues
    assert 'card[exp_month]: "twelve" is not an integer' in issues
    assert "card[number]: required" in issues
    assert page.is_disabled("#send")
    assert (
        page.text_content("#send-hint")
        == "Fill in the path parameter customer to enable sending."
    )
    page.fill('[data-path="customer"]', "cus_1")
    assert page.is_enabled("#send") and page.is_hidden("#send-hint")
    page.click("#send")
    assert page.text_content("#response-status").startswith("Not sent")

    # A gateway that cannot be reached: a clear message.
    page.fill('[data-path="customer"]', "cus_1")
    page.select_option('[data-choice="card"]', "string")
    page.fill('[data-path="card"]', "tok_visa")
    page.fill("#gateway-url", f"http://127.0.0.1:{closed}")
    page.click("#send")
    page.wait_for_selector("#response-status[data-status]")
    assert page.get_attribute("#response-status", "data-status") == "unreachable"
    assert (
        f"Could not reach the gateway at http://127.0.0.1:{closed}"
        in page.text_content("#response-status")
    )
    assert len(upstream.requests) == before


def test_hostile_spec_text_cannot_run_code(page: Any, tmp_path: Path) -> None:
    for relative, text in render_sample().items():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    page.goto((tmp_path / "reference/operations/things.sources.create.html").as_uri())
    page.wait_for_selector("body[data-ready]")
    page.select_option('[data-choice="card"]', "object")  # renders nested help text too
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img").count() == 0
    assert "</script><script>window.__pwned = 1</script>" in page.inner_text(
        ".description"
    )
    assert "Create a <b>thing</b> </script>" in page.inner_text("h1")
    # page.errors (checked by the fixture) stays empty: no dialog, no script error.

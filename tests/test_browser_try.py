"""The Try-it flow in a real browser: gateway field, Authentication panel, connected account,
Copy, and snippets that stay valid shell and Python for every state of the form.

Same set-up as ``test_browser.py`` (whose fixtures this module shares): Debian's Chromium driven
by Playwright, pages served by a real gateway in front of a recording upstream on 127.0.0.1.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

import pytest
from playwright.sync_api import expect

try:
    from test_browser import PAGE, browser, gw, page, pytestmark, snippets  # noqa: F401
    from test_browser_find import BLOCKING, SCHEMES, axe_source, axe_violations
    from test_gateway import (
        API_KEY,
        Gateway,
        Upstream,
        output,
        start_gateway,
        upstream,
    )  # noqa: F401
except ImportError:  # pragma: no cover - other import modes
    from tests.test_browser_find import (
        BLOCKING,
        SCHEMES,
        axe_source,
        axe_violations,
    )
    from tests.test_browser import (
        PAGE,
        browser,
        gw,
        page,
        pytestmark,
        snippets,
    )  # noqa: F401
    from tests.test_gateway import (  # noqa: F401
        API_KEY,
        Gateway,
        Upstream,
        output,
        start_gateway,
        upstream,
    )

from generator.present.reference import STORAGE_KEY

LIVE_KEY = "sk_live_51BrowserLiveKeyThatMustNeverLeak00000000000000000000Lv42"
SEND_HINT = "Enter a gateway URL above to enable sending."


@pytest.fixture(autouse=True)
def _clear_upstream(upstream: Upstream) -> None:
    upstream.requests.clear()
    upstream.reply = Upstream.reply


@pytest.fixture(scope="module")
def live_gw(
    output: Path, upstream: Upstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gateway]:
    running = start_gateway(
        output,
        upstream.url,
        tmp_path_factory.mktemp("live") / "gateway.log",
        key=LIVE_KEY,
    )
    yield running
    running.stop()


def open_page(page: Any, gw: Gateway) -> None:
    page.goto(gw.url + PAGE)
    page.wait_for_selector("body[data-ready]")


def auth_state(page: Any, state: str) -> str:
    page.wait_for_selector(f'#auth-status[data-state="{state}"]')
    return str(page.text_content("#auth-status"))


def stored_gateway(page: Any) -> Any:
    return page.evaluate(f"window.localStorage.getItem({STORAGE_KEY!r})")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def curl_words(curl: str) -> list[str]:
    """The curl snippet as the shell splits it (comment dropped, continuations joined)."""
    lines = [line for line in curl.splitlines() if not line.startswith("#")]
    return shlex.split(" ".join(line.removesuffix("\\") for line in lines))


def curl_url(words: list[str]) -> str:
    [url] = [word for word in words if word.startswith("http")]
    return url


def bash_accepts(script: str) -> None:
    result = subprocess.run(
        ["bash", "-n"], input=script, text=True, capture_output=True, timeout=30
    )
    assert result.returncode == 0, result.stderr


def first_python_arguments(python: str) -> tuple[list[Any], dict[str, Any]]:
    """The literal arguments of the snippet's client call (the snippet must parse)."""
    tree = ast.parse(python)
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "create"
    ]
    [call] = calls
    args = [ast.literal_eval(arg) for arg in call.args]
    kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords if kw.arg}
    return args, kwargs


def test_send_is_disabled_until_a_gateway_is_set_and_reset_restores_it(
    page: Any, gw: Gateway, upstream: Upstream
) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    open_page(page, gw)
    page.fill('[data-path="customer"]', "cus_1")
    page.select_option('[data-choice="card"]', "string")
    page.fill('[data-path="card"]', "tok_visa")
    assert page.is_enabled("#send") and page.is_hidden("#send-hint")

    for value in ("", "   ", "not a url", "ftp://127.0.0.1/", "//127.0.0.1:1"):
        page.fill("#gateway-url", value)
        assert page.is_disabled("#send"), value
        assert (
            page.is_visible("#send-hint")
            and page.text_content("#send-hint") == SEND_HINT
        )
        page.evaluate("document.getElementById('send').click()")  # even when forced
        page.press("#gateway-url", "Enter")
    assert stored_gateway(page) is not None  # the last invalid text is kept for editing
    page.fill("#gateway-url", "")
    assert stored_gateway(page) is None  # an empty field forgets the saved URL
    assert "No gateway set" in auth_state(page, "unset")
    # the snippets still show a gateway to call, and nothing was posted anywhere
    assert f"'{gw.url}/v1/customers/cus_1/sources'" in snippets(page)[1]
    assert upstream.requests == []
    assert not [url for url in requests if "/v1/" in url]
    assert page.text_content("#response-status") == "Nothing sent yet."

    other = f"http://localhost:{gw.port}"
    page.fill("#gateway-url", other)
    assert page.is_enabled("#send") and page.is_hidden("#send-hint")
    assert stored_gateway(page) == other
    assert f"the gateway at {other} holds a test key" in auth_state(page, "test")
    page.reload()
    page.wait_for_selector("body[data-ready]")
    assert page.input_value("#gateway-url") == other

    page.fill("#gateway-url", f"http://127.0.0.1:{closed_port()}")
    auth_state(page, "unreachable")
    page.click("#gateway-reset")
    assert page.input_value("#gateway-url") == gw.url  # the default: the page's origin
    assert stored_gateway(page) is None
    auth_state(page, "test")  # the status is asked again
    page.reload()
    page.wait_for_selector("body[data-ready]")
    assert page.input_value("#gateway-url") == gw.url

    page.fill('[data-path="customer"]', "cus_2")
    page.select_option('[data-choice="card"]', "string")
    page.fill('[data-path="card"]', "tok_visa")
    page.click("#send")
    page.wait_for_selector("#response-status[data-status]")
    assert page.get_attribute("#response-status", "data-status") == "200"
    assert [r.path for r in upstream.requests] == ["/v1/customers/cus_2/sources"]


def test_authentication_panel_shows_test_mode_and_last4_never_the_key(
    page: Any, gw: Gateway, upstream: Upstream
) -> None:
    seen: list[Any] = []
    page.on("response", lambda response: seen.append(response))
    requests: list[Any] = []
    page.on("request", lambda request: requests.append(request))
    open_page(page, gw)
    text = auth_state(page, "test")
    assert text.startswith("Test mode:")
    assert f"ending …{API_KEY[-4:]}" in text
    assert page.is_hidden("#auth-live")
    assert "STRIPE_API_KEY=sk_test_... codegen gateway" in page.inner_text(".auth")

    # send one request too, so that the traffic has every kind of exchange in it
    page.fill('[data-path="customer"]', "cus_1")
    page.select_option('[data-choice="card"]', "string")
    page.fill('[data-path="card"]', "tok_visa")
    page.fill("#stripe-account", "acct_1032D82eZvKYlo2C")
    page.click("#send")
    page.wait_for_selector("#response-status[data-status]")
    assert page.get_attribute("#response-status", "data-status") == "200"

    status = [r for r in seen if r.url.endswith("/reference/gateway/status")]
    assert status and status[0].json()["key_last4"] == API_KEY[-4:]
    assert any("/v1/customers/cus_1/sources" in r.url for r in seen)
    for response in seen:
        headers = response.all_headers()
        assert all(API_KEY not in f"{k}: {v}" for k, v in headers.items())
        try:
            body = response.body()
        except Exception:  # a preflight or redirect has none
            continue
        assert API_KEY.encode() not in body and API_KEY[:-4].encode() not in body
    for sent in requests:
        assert API_KEY not in sent.url
        assert all(API_KEY not in f"{k}: {v}" for k, v in sent.all_headers().items())
        assert API_KEY not in (sent.post_data or "")
    assert API_KEY not in page.content() and API_KEY[:-4] not in page.content()
    assert API_KEY not in str(page.evaluate("JSON.stringify(window.localStorage)"))
    # the gateway, not the page, put the key on the upstream request
    assert upstream.requests[-1].headers["Authorization"] == f"Bearer {API_KEY}"


def test_a_live_key_gets_a_loud_warning(page: Any, live_gw: Gateway) -> None:
    open_page(page, live_gw)
    text = auth_state(page, "live")
    assert text.startswith("Live mode:") and "ending …Lv42" in text
    alert = page.locator('#auth-live[role="alert"]')
    assert alert.is_visible()
    assert "real money and real customer data" in alert.inner_text()
    assert LIVE_KEY not in page.content()

    page.fill(
        "#gateway-url", f"http://127.0.0.1:{closed_port()}"
    )  # gone: so is the alert
    text = auth_state(page, "unreachable")
    assert text.startswith("Gateway unreachable at http://127.0.0.1:")
    assert "codegen gateway" in text
    assert page.is_hidden("#auth-live")


def test_the_connected_account_is_sent_and_in_both_snippets(
    page: Any, gw: Gateway, upstream: Upstream, output: Path, tmp_path: Path
) -> None:
    open_page(page, gw)
    page.fill('[data-path="customer"]', "cus_1")
    page.select_option('[data-choice="card"]', "string")
    page.fill('[data-path="card"]', "tok_visa")
    python, curl = snippets(page)
    assert "stripe_account" not in python and "Stripe-Account" not in curl

    page.fill("#stripe-account", "acct_12;3")
    assert "Stripe-Account" in page.text_content("#issues")
    page.click("#send")
    assert page.text_content("#response-status").startswith("Not sent")
    assert upstream.requests == []

    page.fill("#stripe-account", "acct_1032D82eZvKYlo2C")
    assert "Stripe-Account" not in page.text_content("#issues")
    python, curl = snippets(page)
    assert '        stripe_account="acct_1032D82eZvKYlo2C",\n' in python
    assert "-H 'Stripe-Account: acct_1032D82eZvKYlo2C'" in curl
    bash_accepts(curl)
    page.click("#send")
    page.wait_for_selector("#response-status[data-status]")
    assert page.get_attribute("#response-status", "data-status") == "200"
    [seen] = upstream.requests
    headers = {k.lower(): v for k, v in seen.headers.items()}
    assert headers["stripe-account"] == "acct_1032D82eZvKYlo2C"

    # the Python snippet's option is the generated client's: it sends the same header
    runnable = python.replace(
        'Client(api_key=os.environ["STRIPE_API_KEY"])',
        f'Client(api_key=os.environ["STRIPE_API_KEY"], base_url="{upstream.url}", max_retries=0)',
    )
    assert runnable != python
    subprocess.run(
        [sys.executable, "-c", runnable],
        env={**os.environ, "PYTHONPATH": str(output), "STRIPE_API_KEY": "sk_test_x"},
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=60,
    )
    client_headers = {k.lower(): v for k, v in upstream.requests[-1].headers.items()}
    assert client_headers["stripe-account"] == "acct_1032D82eZvKYlo2C"
    assert upstream.requests[-1].body == seen.body


def test_copy_says_copied_or_copy_failed(browser: Any, gw: Gateway) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=gw.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        open_page(page, gw)
        button = page.get_by_role("button", name="Copy Python snippet")
        assert button.count() == 1
        assert page.get_attribute("#copy-status", "aria-live") == "polite"
        button.click()
        expect(page.locator("#copy-status")).to_have_text("Copied")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert (
            copied == snippets(page)[0] and "client.customers.sources.create(" in copied
        )

        page.click("#snippets .tab[data-tab='curl']")
        assert page.get_by_role("button", name="Copy Python snippet").count() == 0
        page.get_by_role("button", name="Copy curl").click()
        expect(page.locator("#copy-status")).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()") == snippets(page)[1]

        page.evaluate(
            "() => { navigator.clipboard.writeText = () => Promise.reject(new Error('denied')); }"
        )
        page.get_by_role("button", name="Copy curl").click()
        expect(page.locator("#copy-status")).to_have_text(re.compile("^Copy failed"))
        assert page.get_attribute("#copy-status", "data-result") == "failed"
    finally:
        context.close()
    assert errors == []


HOSTILE = 'it\'s "q" \\ $(touch pwned) `id` ü 🎉 [1]{a} %41 &x=1'


def test_snippets_stay_valid_for_every_form_state(
    page: Any, gw: Gateway, tmp_path: Path
) -> None:
    open_page(page, gw)
    # An empty path parameter: a placeholder, valid in the shell, the URL and Python.
    python, curl = snippets(page)
    bash_accepts(curl)
    words = curl_words(curl)
    assert curl_url(words) == f"{gw.url}/v1/customers/customer_.../sources"
    assert "-g" not in words  # nothing for curl to glob
    args, _ = first_python_arguments(python)
    assert args == ["customer_..."]
    assert page.get_attribute('[data-path="customer"]', "placeholder") == "customer_..."
    assert page.is_disabled("#send")

    # Quotes, backslashes, $( ), backticks, unicode, brackets and braces in every kind of
    # value: each snippet still parses, and says exactly the values of the form.
    page.fill('[data-path="customer"]', HOSTILE)
    page.select_option('[data-choice="card"]', "string")
    page.fill('[data-path="card"]', HOSTILE)
    page.click('[data-add="metadata"]')
    page.locator('[data-field="metadata"] .map-key').nth(0).fill(HOSTILE)
    page.locator('[data-field="metadata"] .map-value').nth(0).fill(HOSTILE)
    page.fill("#stripe-account", "acct_1032D82eZvKYlo2C")
    python, curl = snippets(page)

    args, kwargs = first_python_arguments(python)
    assert args == [HOSTILE]
    assert kwargs == {
        "card": HOSTILE,
        "metadata": {HOSTILE: HOSTILE},
        "stripe_account": "acct_1032D82eZvKYlo2C",
    }

    bash_accepts(curl)
    words = curl_words(curl)
    assert words[0] == "curl"
    assert curl_url(words) == (
        f"{gw.url}/v1/customers/{quote(HOSTILE, safe='')}/sources"
    )
    data = [words[i + 1] for i, word in enumerate(words) if word == "-d"]
    pairs = [pair for item in data for pair in parse_qsl(item, keep_blank_values=True)]
    assert pairs == [("card", HOSTILE), (f"metadata[{HOSTILE}]", HOSTILE)]
    headers = [words[i + 1] for i, word in enumerate(words) if word == "-H"]
    assert "Stripe-Account: acct_1032D82eZvKYlo2C" in headers
    # the shell runs nothing of the values: echo the words through bash itself
    echoed = subprocess.run(
        [
            "bash",
            "-c",
            'printf "%s\\n" ' + curl.split("curl ", 1)[1].replace("\\\n", " "),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=30,
    )
    assert echoed.returncode == 0, echoed.stderr
    assert echoed.stdout.splitlines() == words[1:]
    assert not (tmp_path / "pwned").exists()

    # A gateway whose URL has brackets (IPv6): curl's globbing is turned off.
    page.fill("#gateway-url", "http://[::1]:8787")
    words = curl_words(snippets(page)[1])
    assert "-g" in words and curl_url(words).startswith("http://[::1]:8787/v1/")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_live_page_after_a_send_has_no_blocking_axe_violation(
    browser: Any, live_gw: Gateway, axe_source: str, scheme: str
) -> None:
    """The states the static pages never show: the live-mode alert, a connected account
    rejected, a response with its status and headers, in both colour schemes."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme=scheme, bypass_csp=True
    )
    try:
        page = context.new_page()
        open_page(page, live_gw)
        auth_state(page, "live")
        page.fill('[data-path="customer"]', "cus_1")
        page.fill("#stripe-account", "acct_12;3")  # an issue shown under the form
        page.click("#send")
        page.fill("#stripe-account", "")
        page.click("#send")
        page.wait_for_selector("#response-status[data-status]")
        page.click("#response-headers-box summary")
        blocking = [
            v for v in axe_violations(page, axe_source) if v["impact"] in BLOCKING
        ]
        assert blocking == [], blocking
    finally:
        context.close()

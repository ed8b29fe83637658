"""The reference's layout in a real browser: find anything, accessible, every screen.

Debian's Chromium, headless, driven by Playwright (the fixtures of ``test_browser.py``). The
pages are opened as files: the index of every operation (``all_output``, generated once per
session, shared with ``test_all_operations.py``), the committed target operation page, and the
model pages under ``reference/models/`` when the output has them.

- Search (by operation ID, Python call, path; case-insensitive, every word), the method and
  resource filters, the count announced in a status region, the ``/`` shortcut.
- The sidebar of resources on every page, the current operation marked ``aria-current``.
- axe-core (``tests/browser.lock.json``, fetched by ``scripts/fetch_realspecs.py --lock``) run
  inside each kind of page, light and dark: no critical or serious violation.
- At 390 px nothing scrolls sideways, and Try it is one link away from the top.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

try:
    from test_browser import CHROMIUM, CHROMIUM_ARGS, browser, pytestmark  # noqa: F401
except ImportError:  # pragma: no cover - other import modes
    from tests.test_browser import (  # noqa: F401
        CHROMIUM,
        CHROMIUM_ARGS,
        browser,
        pytestmark,
    )

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "generated" / "reference"
TARGET = "customers.sources.create.html"
TARGET_ID = "PostCustomersCustomerSources"
SCHEMES = ("light", "dark")
BLOCKING = ("critical", "serious")


def _fetch_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "fetch_realspecs", ROOT / "scripts" / "fetch_realspecs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fetch_realspecs"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe.min.js of the pinned axe-core; a missing copy fails and names the command."""
    fetch = _fetch_module()
    [entry] = [e for e in fetch.load_lock(ROOT / "tests" / "browser.lock.json")]
    if not fetch.is_fetched(entry):
        pytest.fail(fetch.missing_message(entry))
    text: str = fetch.fetched_path(entry).read_text(encoding="utf-8")
    return text


def test_axe_is_pinned_like_the_real_specs(tmp_path: Path) -> None:
    """The browser lock goes through the real specs' fetcher, into its own cache folder."""
    fetch = _fetch_module()
    [entry] = fetch.load_lock(ROOT / "tests" / "browser.lock.json")
    assert (
        entry.package.startswith("npm:axe-core@")
        and entry.member == "package/axe.min.js"
    )
    assert fetch.fetched_path(entry).parent.name == "browser"
    assert fetch.fetched_path(entry).name == "axe.js"
    assert not fetch.is_fetched(entry, tmp_path)
    message = fetch.missing_message(entry, tmp_path)
    assert "scripts/fetch_realspecs.py --lock tests/browser.lock.json" in message
    # the real specs' entries keep their folder and their command
    spec = fetch.load_lock()[0]
    assert fetch.fetched_path(spec).parent == fetch.default_dest()
    assert "--lock" not in fetch.missing_message(spec, tmp_path)


def open_page(
    browser: Any, width: int = 1280, scheme: str = "light", **options: Any
) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, **options
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    return page


@pytest.fixture()
def pages(browser: Any) -> Iterator[Any]:
    """Opens pages (``pages(width, scheme)``); closes them and checks no script failed."""
    opened: list[Any] = []

    def make(width: int = 1280, scheme: str = "light", **options: Any) -> Any:
        page = open_page(browser, width, scheme, **options)
        opened.append(page)
        return page

    yield make
    for page in opened:
        errors = page.errors
        page.context.close()
        assert errors == []


def goto(page: Any, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready]")


def visible_links(page: Any) -> list[str]:
    """The operation pages the index shows now (rows not hidden by the finder)."""
    links: list[str] = page.eval_on_selector_all(
        ".operations > li",
        "rows => rows.filter(r => r.offsetParent !== null)"
        ".map(r => r.querySelector('a').getAttribute('href'))",
    )
    return links


def search(page: Any, text: str) -> list[str]:
    page.fill("#search", text)  # fires input, as typing does
    return visible_links(page)


def model_pages(reference: Path) -> list[Path]:
    return sorted((reference / "models").glob("*.html"))


# --- find anything ------------------------------------------------------------------------------


def test_search_finds_the_target_by_id_call_and_path(
    pages: Any, all_output: Path
) -> None:
    page = pages()
    goto(page, all_output / "reference" / "index.html")
    total = len(visible_links(page))
    assert total == 468
    assert page.text_content("#search-count") == "468 operations"
    target = f"operations/{TARGET}"
    for query in (
        TARGET_ID,
        "customers.sources.create",
        "client.customers.sources.create(...)",
        "/v1/customers/{customer}/sources",
        TARGET_ID.lower(),  # case does not matter
        "SOURCES create /v1/customers/",  # every word, in any order
    ):
        shown = search(page, query)
        assert target in shown, query
        assert 0 < len(shown) < 20, (query, len(shown))
        # every row shown holds every word; the count says how many
        texts = page.eval_on_selector_all(
            ".operations > li",
            "rows => rows.filter(r => r.offsetParent !== null).map(r => r.textContent.toLowerCase())",
        )
        assert all(w in t for t in texts for w in query.lower().split()), query
        assert page.text_content("#search-count").startswith(
            f"{len(shown)} of 468 operations match, and "
        )
        assert page.is_hidden("#search-none")
    assert search(page, "customers.sources.create") == [target]
    # the count is announced to screen readers as it changes
    assert page.get_attribute("#search-count", "role") == "status"
    assert page.get_attribute("#search-count", "aria-live") == "polite"

    assert search(page, "no such operation zzz") == []
    models = len(model_pages(all_output / "reference"))
    assert page.text_content("#search-count") == (
        f"0 of 468 operations match, and 0 of {models} models"
    )
    assert page.is_visible("#search-none")
    # sections left empty are hidden with their heading
    assert (
        page.eval_on_selector_all(
            "section.group", "s => s.filter(x => x.offsetParent !== null).length"
        )
        == 0
    )
    assert len(search(page, "")) == total

    # models are found by name, in their own section
    search(page, "CustomerPaymentSourceCard")
    found = page.eval_on_selector_all(
        ".models > li:not([hidden]) a", "a => a.map(x => x.getAttribute('href'))"
    )
    assert found and all("customer_payment_source_card" in href for href in found)
    assert page.is_visible("#models")
    assert page.text_content("#search-count") == (
        f"0 of 468 operations match, and {len(found)} of {models} models"
    )


def test_filters_by_method_and_resource(pages: Any, all_output: Path) -> None:
    page = pages()
    goto(page, all_output / "reference" / "index.html")
    methods = page.eval_on_selector_all(
        "#filter-method option", "o => o.map(x => x.value)"
    )
    assert methods == ["", "GET", "POST", "DELETE"]  # the spec's methods, in order

    page.select_option("#filter-method", "DELETE")
    shown = visible_links(page)
    assert 0 < len(shown) < 468
    assert set(
        page.eval_on_selector_all(
            ".operations > li",
            "rows => rows.filter(r => r.offsetParent !== null).map(r => r.dataset.method)",
        )
    ) == {"DELETE"}
    assert page.text_content("#search-count") == f"{len(shown)} of 468 operations match"

    page.select_option("#filter-method", "")
    page.select_option("#filter-group", "group-customers")
    in_customers = visible_links(page)
    assert f"operations/{TARGET}" in in_customers
    assert page.eval_on_selector_all(
        "section.group", "s => s.filter(x => x.offsetParent !== null).map(x => x.id)"
    ) == ["group-customers"]

    # filters and search together
    page.select_option("#filter-method", "POST")
    shown = search(page, "sources")
    assert f"operations/{TARGET}" in shown
    assert set(shown) < set(in_customers)
    page.select_option("#filter-method", "GET")
    assert f"operations/{TARGET}" not in visible_links(page)


def test_slash_focuses_search_unless_typing(pages: Any, all_output: Path) -> None:
    page = pages()
    goto(page, all_output / "reference" / "index.html")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search"
    assert page.input_value("#search") == ""  # the shortcut is not typed
    page.keyboard.type("a/b")  # in the field, "/" is a character
    assert page.input_value("#search") == "a/b"
    page.focus("#filter-method")
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search"

    # On an operation page, "/" typed in a form field stays there; elsewhere it opens the
    # index with its search focused.
    operation = pages()
    goto(operation, REFERENCE / "operations" / TARGET)
    operation.click('[data-path="customer"]')
    operation.keyboard.type("cus_/1")
    assert operation.input_value('[data-path="customer"]') == "cus_/1"
    operation.evaluate("document.activeElement.blur()")
    operation.keyboard.press("/")
    operation.wait_for_url("**/index.html#search")
    operation.wait_for_selector("body[data-ready]")
    assert operation.evaluate("document.activeElement.id") == "search"


def test_sidebar_on_every_page_marks_the_current_operation(
    pages: Any, all_output: Path
) -> None:
    reference = all_output / "reference"
    index = pages()
    goto(index, reference / "index.html")
    groups = index.eval_on_selector_all(
        "#sidebar .nav-groups > li > a", "a => a.map(x => x.getAttribute('href'))"
    )
    assert len(groups) == 62
    # each links to its section of the index, which exists
    for href in groups:
        assert href.startswith("index.html#group-")
        assert index.locator(href[len("index.html") :]).count() == 1
    assert index.locator("#sidebar [aria-current]").count() == 0
    assert index.locator("#sidebar .nav-ops").count() == 0  # groups only on the index

    page = pages()
    goto(page, reference / "operations" / TARGET)
    assert page.get_attribute("#sidebar", "aria-label") == "Resources"
    assert page.locator("#sidebar .nav-groups > li").count() == 62
    current = page.locator('#sidebar a[aria-current="page"]')
    assert current.count() == 1
    assert current.get_attribute("href") == f"../operations/{TARGET}"
    assert current.inner_text() == "POST sources.create"
    # only the current group is expanded, with every operation of the group
    assert page.locator("#sidebar .nav-ops").count() == 1
    assert page.locator("#sidebar .nav-current > a").inner_text() == "customers"
    customers = index.eval_on_selector_all(
        "#group-customers .operations > li", "rows => rows.length"
    )
    assert page.locator("#sidebar .nav-ops > li").count() == customers
    # its links lead to real pages
    for href in page.eval_on_selector_all(
        "#sidebar .nav-ops a", "a => a.map(x => x.getAttribute('href'))"
    ):
        assert (reference / "operations" / href).resolve().is_file(), href
    page.click('#sidebar a[href="../index.html#group-customers"]')
    page.wait_for_url("**/index.html#group-customers")
    page.wait_for_selector("body[data-ready]")
    # the section comes to rest in view, not under the sticky topbar and finder
    assert page.evaluate(
        """(() => { const h = document.querySelector("#group-customers h2");
        const r = h.getBoundingClientRect();
        return r.top > 0 && h.contains(document.elementFromPoint(r.left + 5, r.top + r.height / 2)); })()"""
    )
    for model in model_pages(reference)[:1]:
        goto(page, model)
        assert page.locator("#sidebar .nav-groups > li").count() == 62


# --- accessible ---------------------------------------------------------------------------------


def page_kinds() -> list[str]:
    kinds = ["operation", "index"]
    if model_pages(REFERENCE):  # the model pages, once the output has them
        kinds.append("model")
    return kinds


# Operations of the --all build with words wider than a phone: a form that nests lists three
# objects deep ("Add documents[company_license][files] item"), a returned list whose model name
# is one 50-letter word, a description with a bare URL in it.
WIDE_WORDS = {
    "deep operation": "accounts.create.html",
    "long model name": "treasury.outbound_payments.list.html",
    "long url": "issuing.disputes.create.html",
}


def open_kind(page: Any, kind: str, all_output: Path) -> None:
    if kind in WIDE_WORDS:
        goto(page, all_output / "reference" / "operations" / WIDE_WORDS[kind])
    elif kind == "operation":
        goto(page, REFERENCE / "operations" / TARGET)
        # the controls the form builds on demand are checked too
        page.select_option('[data-choice="card"]', "object")
        page.click('[data-add="metadata"]')
        page.click('[data-add="expand"]')
        page.click('[data-field="metadata"] button.more')
    elif kind == "index":
        goto(page, all_output / "reference" / "index.html")
    else:
        goto(page, model_pages(REFERENCE)[0])


def axe_violations(page: Any, axe_source: str) -> list[dict[str, Any]]:
    page.add_script_tag(content=axe_source)
    violations: list[dict[str, Any]] = page.evaluate(
        """() => axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
            id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary)})))"""
    )
    return violations


def test_axe_sees_a_violation_when_there_is_one(pages: Any, axe_source: str) -> None:
    """The harness can fail: an image without alt text and grey on grey are reported."""
    page = pages()
    page.set_content(
        '<html lang="en"><body><main><img src="data:,">'
        '<p class="x">faint</p></main></body></html>'
    )
    page.add_style_tag(content=".x { color: #999; background: #aaa; }")
    found = {v["id"]: v["impact"] for v in axe_violations(page, axe_source)}
    assert found.get("image-alt") == "critical"
    assert found.get("color-contrast") == "serious"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", page_kinds())
def test_no_critical_or_serious_axe_violations(
    pages: Any, all_output: Path, axe_source: str, kind: str, scheme: str
) -> None:
    # the page's Content-Security-Policy allows only its own script: axe is injected around it
    page = pages(scheme=scheme, bypass_csp=True)
    open_kind(page, kind, all_output)
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert dark == (scheme == "dark")
    blocking = [v for v in axe_violations(page, axe_source) if v["impact"] in BLOCKING]
    assert blocking == [], json.dumps(blocking, indent=1)


def test_landmarks_focus_ring_and_named_controls(pages: Any) -> None:
    page = pages()
    goto(page, REFERENCE / "operations" / TARGET)
    assert page.locator("main#main").count() == 1
    assert page.locator("header.topbar").count() == 1
    # the tablist holds only its tabs; each tab controls its panel
    assert page.eval_on_selector_all(
        '#snippets [role="tablist"] > *', "c => c.map(x => x.getAttribute('role'))"
    ) == ["tab", "tab"]
    # a visible focus ring: opaque, at least 2 px
    page.focus('[data-path="customer"]')
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"""
    )
    assert outline[0] == "solid" and outline[1] >= 2, outline
    assert "rgba" not in outline[2], outline  # not see-through

    # buttons and inputs the form builds are named for their field
    add_metadata = page.get_by_role("button", name="Add metadata entry")
    add_metadata.click()
    assert page.get_by_role("textbox", name="metadata entry 1 key").count() == 1
    assert page.get_by_role("textbox", name="metadata entry 1 value").count() == 1
    assert page.get_by_role("button", name="Remove metadata entry 1").count() == 1
    page.get_by_role("button", name="Add expand item").click()
    assert page.get_by_role("textbox", name="expand item 1").count() == 1
    assert page.get_by_role("button", name="Remove expand item 1").count() == 1
    page.select_option('[data-choice="card"]', "string")
    assert page.get_by_role("textbox", name="card (token or ID (string))").count() == 1
    # fields are described by their help
    help_id = page.get_attribute('[data-path="alipay_account"]', "aria-describedby")
    assert help_id and "Alipay" in page.text_content(f"#{help_id}")


def test_tab_goes_from_control_to_control(pages: Any) -> None:
    page = pages()
    goto(page, REFERENCE / "operations" / TARGET)
    page.fill('[data-path="customer"]', "cus_123")  # Send is enabled, so it is a stop
    page.focus("#gateway-url")
    seen = []
    for _ in range(14):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                "(() => { const e = document.activeElement;"
                " return e.getAttribute('data-path') || e.getAttribute('data-choice')"
                " || e.getAttribute('data-add') || e.id"
                " || e.getAttribute('aria-label') || e.tagName; })()"
            )
        )
        if seen[-1] == "send":
            break
    # the form's help links are not stops (the reference on the left has them)
    assert seen == [
        "gateway-reset",
        "stripe-account",
        "customer",
        "alipay_account",
        "bank_account",
        "card",
        "expand",
        "metadata",
        "More about metadata",
        "source",
        "send",
    ], seen


# --- every screen -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*page_kinds(), *WIDE_WORDS])
def test_no_sideways_scroll_at_390_px(pages: Any, all_output: Path, kind: str) -> None:
    page = pages(width=390)
    open_kind(page, kind, all_output)
    if kind != "index":  # every choice and list open: the widest the form gets
        page.evaluate("""() => document.querySelectorAll("select.choice").forEach(s => {
                s.value = s.options[s.options.length - 1].value;
                s.dispatchEvent(new Event("change", {bubbles: true})); })""")
        page.evaluate("""() => document.querySelectorAll("button[data-add]").forEach(
                b => b.click())""")
    if kind == "deep operation":  # the long "Add ... item" buttons are there, and wrap
        longest = page.eval_on_selector_all(
            "button[data-add]", "b => Math.max(...b.map(x => x.textContent.length))"
        )
        assert longest > 60, longest
    if kind == "long model name":
        assert page.locator(
            ".variant-page a",
            has_text="TreasuryOutboundPaymentsResourceOutboundPaymentList",
        ).is_visible()
    if kind == "long url":
        assert page.locator(
            ".field-description", has_text="(https://stripe.com/docs/api/treasury/"
        ).first.is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width


def test_try_it_is_reachable_from_the_top_on_a_phone(pages: Any) -> None:
    page = pages(width=390)
    goto(page, REFERENCE / "operations" / TARGET)
    jump = page.locator('.jump a[href="#try-it"]')
    assert jump.is_visible()
    assert jump.bounding_box()["y"] < 900  # on the first screen
    assert page.locator("#try-it").bounding_box()["y"] > 900  # the panel is below
    jump.click()
    top = page.evaluate("document.getElementById('try-it').getBoundingClientRect().top")
    assert 0 <= top < 20, top  # at the top of the screen (its scroll margin above)
    # the sidebar is one button on a phone, and opens
    assert page.is_hidden("#sidebar .nav-groups")
    page.click("#sidebar .sidebar-toggle")
    assert page.is_visible("#sidebar .nav-groups")
    assert page.get_attribute("#sidebar .sidebar-toggle", "aria-expanded") == "true"

    wide = pages(width=1280)
    goto(wide, REFERENCE / "operations" / TARGET)
    assert wide.is_hidden(".jump")  # beside the reference there, nothing to jump to
    assert wide.is_visible("#sidebar .nav-groups")


def test_dark_mode_follows_the_system(pages: Any) -> None:
    colours = {}
    for scheme in SCHEMES:
        page = pages(scheme=scheme)
        goto(page, REFERENCE / "operations" / TARGET)
        colours[scheme] = page.evaluate(
            """() => ["body", "#gateway-url", ".method", "pre.code", "#send"].map(
                s => { const c = getComputedStyle(document.querySelector(s));
                       return [c.backgroundColor, c.color]; })"""
        )
    light, dark = colours["light"], colours["dark"]
    assert light[0][0] == "rgb(255, 255, 255)"
    assert dark[0][0] == "rgb(15, 18, 32)"  # --bg of the dark palette
    assert dark[1][0] == "rgb(15, 18, 32)"  # inputs too
    assert light[0][1] != dark[0][1]  # ink
    assert light[4] != dark[4]  # the Send button


def test_long_help_expands(pages: Any) -> None:
    page = pages()
    goto(page, REFERENCE / "operations" / TARGET)
    help_box = page.locator('[data-field="metadata"] .help')
    more = page.locator('[data-field="metadata"] button.more')
    assert more.get_attribute("aria-expanded") == "false"
    clipped = help_box.evaluate("e => e.scrollHeight > e.clientHeight + 1")
    assert clipped
    short_height = help_box.evaluate("e => e.clientHeight")
    more.click()
    assert more.get_attribute("aria-expanded") == "true"
    assert more.inner_text() == "Less"
    assert help_box.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    assert help_box.evaluate("e => e.clientHeight") > short_height
    # short help has no button
    assert page.locator('[data-field="alipay_account"] button.more').count() == 0
    # the reference keeps the limits, quietly, apart from the field's type
    limits = page.locator(".field-doc .field-limits").first
    assert limits.inner_text() == "max length 5000"
    assert page.locator(".field-details .detail", has_text="max length").count() == 0

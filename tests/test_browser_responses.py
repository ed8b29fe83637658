"""The response side of the target page in a real browser (the fixtures of test_browser.py):
the card variant's fields and its example body, and a type link opening its model page.
"""

from __future__ import annotations

import json
import re
from typing import Any

try:
    from test_browser import PAGE, browser, gw, page, pytestmark  # noqa: F401
    from test_gateway import Gateway, output, upstream  # noqa: F401
except ImportError:  # pragma: no cover - other import modes
    from tests.test_browser import PAGE, browser, gw, page, pytestmark  # noqa: F401
    from tests.test_gateway import Gateway, output, upstream  # noqa: F401


def test_the_target_page_shows_the_response_fields_and_an_example(
    page: Any, gw: Gateway, stripe_fixtures: dict[str, Any]
) -> None:
    page.goto(gw.url + PAGE)
    returns = page.locator("#returns")
    assert returns.locator("h2").text_content() == "Returns"
    card = returns.locator(
        "details.variant", has=page.locator("summary", has_text=re.compile("^Card"))
    )
    assert card.count() == 1
    # the variant's own page is linked from its block, not from inside the summary
    assert card.locator("p.variant-page a").get_attribute("href") == (
        "../models/card.html"
    )
    # every variant is listed open, with its fields and its example
    assert returns.locator("details.variant[open]").count() == 4
    for name in ("last4", "brand", "exp_month"):
        assert card.locator(f".field-name:text-is('{name}')").is_visible()
    example = card.locator("pre.example code")
    assert example.is_visible()
    body = json.loads(example.text_content())
    assert body == stripe_fixtures["card"]  # the pinned fixture, as JSON
    assert body["last4"] and body["brand"]
    customer = card.locator(
        "li.field-doc", has=page.locator(".field-name:text-is('customer')")
    )
    assert customer.locator(".badge-expandable").is_visible()
    # a variant folds away; the error section lists the types
    card.locator("summary").click()
    assert not card.locator(".field-name:text-is('last4')").is_visible()
    errors = page.locator("#errors")
    assert errors.locator(".values code", has_text="card_error").is_visible()
    assert errors.locator("table.exceptions code", has_text="CardError").is_visible()


def test_a_type_link_opens_its_model_page(page: Any, gw: Gateway) -> None:
    page.goto(gw.url + PAGE)
    card = page.locator("#returns details.variant").nth(2)
    card.locator("li.field-doc a.type-link", has_text="Customer").first.click()
    page.wait_for_url("**/reference/models/customer.html")
    assert page.locator("main h1").text_content() == "Customer"
    assert page.locator("main .field-name:text-is('email')").is_visible()

    page.goto(gw.url + PAGE)
    page.click("#returns .returns-type a.type-link")  # object (PaymentSource)
    page.wait_for_url("**/reference/models/payment_source.html")
    assert page.locator("main h1").text_content() == "PaymentSource"
    page.click("main a.type-link:text-is('Card')")
    page.wait_for_url("**/reference/models/card.html")
    assert page.locator("main .field-name:text-is('last4')").is_visible()
    # the operations returning it link back
    page.click("main a[href$='customers.sources.create.html']")
    page.wait_for_url("**" + PAGE)
    page.click("nav.crumbs a")  # All operations
    page.wait_for_url("**/reference/index.html")
    assert page.locator("#models a[href='models/payment_source.html']").is_visible()


def test_the_new_sections_fit_a_phone(browser: Any, gw: Gateway) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800})
    phone = context.new_page()
    try:
        for path in ("/reference/models/account.html", "/reference/index.html"):
            phone.goto(gw.url + path)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
        phone.goto(gw.url + PAGE)
        for section in ("#returns", "#errors"):
            box = phone.locator(section).bounding_box()
            assert box is not None and box["x"] + box["width"] <= 390, section
    finally:
        context.close()

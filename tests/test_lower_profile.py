"""Unit tests for generator.lower.profile: Stripe's conventions for Stripe's spec only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.errors import CodegenError
from generator.lower import Selection, lower_document
from generator.lower.profile import GENERIC, STRIPE, chosen_profile, detect_profile
from generator.settings import load_settings
from generator.spec import parse_document
from tests.support.specs import document, ok_response, operation


def _doc(**changes: Any) -> Any:
    thing = {"type": "object", "properties": {"id": {"type": "string"}}}
    raw = document(
        {"/things": {"get": operation("getThings", response=ok_response(thing))}}
    )
    raw.update(changes)
    return raw


def test_a_spec_served_from_api_stripe_com_is_stripes() -> None:
    doc = _doc(servers=[{"url": "https://api.stripe.com/"}])
    assert detect_profile(parse_document(doc)) == STRIPE


def test_stripes_info_extension_is_enough() -> None:
    doc = _doc(info={"title": "T", "version": "1", "x-stripeSpecFilename": "spec3"})
    assert detect_profile(parse_document(doc)) == STRIPE


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.test",
        "https://api.stripe.com.example.test/v1",  # only the host counts, exactly
        "https://example.test/api.stripe.com",
    ],
)
def test_any_other_spec_is_generic(url: str) -> None:
    assert detect_profile(parse_document(_doc(servers=[{"url": url}]))) == GENERIC


def test_the_setting_overrides_what_is_detected() -> None:
    doc = parse_document(_doc())
    assert chosen_profile(doc, "auto") == GENERIC
    assert chosen_profile(doc, "stripe") == STRIPE
    api = lower_document(
        doc, Selection(all=True), spec_sha256="0" * 64, profile="stripe"
    )
    assert api.profile == STRIPE
    assert lower_document(doc, Selection(all=True), spec_sha256="0" * 64).profile == (
        GENERIC
    )


def test_the_profile_setting_is_checked(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.codegen]\nprofile = "generic"\n', encoding="utf-8")
    assert load_settings(config).profile == GENERIC
    config.write_text('[tool.codegen]\nprofile = "Stripe"\n', encoding="utf-8")
    with pytest.raises(CodegenError) as caught:
        load_settings(config)
    assert "profile must be one of 'auto', 'stripe', 'generic'" in caught.value.message
    assert "the string 'Stripe'" in caught.value.message

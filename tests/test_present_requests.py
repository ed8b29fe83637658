"""How the request side of a non-Stripe spec is presented (issue 14, items 1 and 2): method
signatures and docstrings, the Markdown docs and the HTML reference, for the petstore-like
spec of tests/runtime/test_requests_bodies.py."""

from __future__ import annotations

import functools

from generator.lower import Selection, lower_document
from generator.render import RenderOptions, render
from generator.spec import parse_document
from tests.runtime.test_requests_bodies import SPEC

PACKAGE = "pets_client"


@functools.lru_cache(maxsize=1)
def rendered() -> dict[str, str]:
    api = lower_document(
        parse_document(SPEC), Selection(all=True), spec_sha256="0" * 64
    )
    return dict(render(api, RenderOptions(package=PACKAGE)))


def _file(end: str) -> str:
    (name,) = [n for n in rendered() if n.endswith(end)]
    return rendered()[name]


def _method(source: str, name: str) -> str:
    """The source of the first method ``name`` (the sync one)."""
    start = source.index(f"    def {name}(")
    end = source.index("\n    def ", start + 1)
    return source[start:end]


def test_generic_docstrings_list_the_generic_call_options() -> None:
    create = _method(_file("resources/pets.py"), "create")
    assert "stripe_account" not in create and "stripe_version" not in create
    assert "``timeout``" in create


def test_header_and_cookie_arguments_are_documented_with_their_wire_names() -> None:
    create = _method(_file("resources/pets.py"), "create")
    assert "x_request_id: str," in create
    assert (
        "- x_request_id: (header ``X-Request-ID``) Idempotency of the call." in create
    )
    assert "- session: (cookie ``session``)" in create
    assert "headers=encode_headers(" in create and "cookies=encode_cookies(" in create


def test_content_type_choice_is_a_literal_with_the_json_default() -> None:
    replace = _method(_file("resources/pets.py"), "replace")
    assert "content_type: Literal[" in replace
    assert '"application/json", "application/x-www-form-urlencoded"' in replace
    assert '] = "application/json",' in replace
    assert "``application/xml``, which this method does" in replace
    assert "**encode_body(" in replace


def test_raw_and_whole_bodies() -> None:
    notes = _file("resources/notes.py")
    assert "body: str," in notes and "content=body," in notes
    pets = _file("resources/pets.py")
    assert "body: List[PetParam]," in _method(pets, "batch")
    assert "from ..params.pets import" in pets and "PetParam" in _file("params/pets.py")
    assert "json=_PETS_BATCH_PARAMS.validate(" in pets
    assert "f\"/pets/{encode_path(pet_id, 'label', 'petId')}/avatar\"" in pets


def test_docs_page_has_header_cookie_and_body_sections() -> None:
    page = _file("docs/operations/pets.create.md")
    assert "## Header parameters" in page and "`X-Request-ID`" in page
    assert "## Cookie parameters" in page
    assert "## Body (`application/json`)" in page
    assert "card[number]" not in page  # Stripe's bracket note is for form bodies
    replace = _file("docs/operations/pets.replace.md")
    assert "`content_type=` chooses the media type" in replace
    assert "`application/xml`" in replace
    avatar = _file("docs/operations/pets.avatar.update.md")
    assert "The body is one argument, `body`." in avatar


def test_reference_page_documents_headers_and_says_what_try_it_leaves_out() -> None:
    page = _file("reference/operations/pets.create.html")
    assert "<h2>Header parameters</h2>" in page
    assert "<h2>Cookie parameters</h2>" in page
    assert "Nested fields are sent with brackets" not in page
    assert (
        "This form sends path and query parameters and form bodies only: the"
        " application/json body and header parameters and cookie parameters are left out"
    ) in page


def test_reference_page_of_a_multipart_body_keeps_the_bracket_hint() -> None:
    page = _file("reference/operations/pets.photos.html")
    assert "Nested fields are sent with brackets" in page
    assert "This form sends path and query" not in page


def test_resource_modules_import_only_the_typing_names_they_use() -> None:
    """The call options are ``**call_options: Unpack[...]``: no ``Optional`` or ``Union``
    is imported for them (pyright strict reports an unused import)."""
    for name, source in rendered().items():
        if "/resources/" not in name or not name.endswith(".py"):
            continue
        lines = [l for l in source.splitlines() if l.startswith("from typing import")]
        if not lines:
            continue
        line = lines[0]
        body = source.replace(line, "")
        unused = [
            n for n in line[len("from typing import ") :].split(", ") if n not in body
        ]
        assert unused == [], f"{name}: {unused}"

"""OpenAPI's parameter styles in the runtime's encoder (`generator/runtime/_encoding.py`):
query styles beyond form and deepObject, header, cookie and path parameters, multipart parts
and the body a caller's `content_type` picks. The spelling follows the style table of the
OpenAPI specification (RFC 6570 for path parameters)."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from generator.runtime import _encoding as encoding

COLOR = ["blue", "black", "brown"]
RGB = {"R": 100, "G": 200, "B": 150}


def query(values: Dict[str, Any], **styles: str) -> str:
    return encoding.urlencode_pairs(encoding.encode_params(values, styles))


@pytest.mark.parametrize(
    ("style", "value", "expected"),
    [
        ("spaceDelimited", COLOR, "color=blue%20black%20brown"),
        ("pipeDelimited", COLOR, "color=blue|black|brown"),
        ("spaceDelimited", RGB, "color=R%20100%20G%20200%20B%20150"),
        ("pipeDelimited", RGB, "color=R|100|G|200|B|150"),
        ("pipeDelimited", ["a|b", "c"], "color=a%7Cb|c"),  # a value's pipe is encoded
        ("spaceDelimited", ["a b"], "color=a+b"),
        ("json", {"a": [1, 2]}, "color=%7B%22a%22%3A[1%2C2]%7D"),  # brackets stay
        ("json", "text", "color=%22text%22"),
    ],
)
def test_query_styles(style: str, value: Any, expected: str) -> None:
    assert query({"color": value}, color=style) == expected


def test_delimited_text_in_a_multipart_field_is_plain() -> None:
    ((_, value),) = encoding.encode_params({"c": COLOR}, {"c": "spaceDelimited"})
    assert str.__str__(value) == "blue black brown"


@pytest.mark.parametrize(
    ("style", "value", "expected"),
    [
        ("simple", "blue", "blue"),
        ("simple", COLOR, "blue,black,brown"),
        ("simple", RGB, "R,100,G,200,B,150"),
        ("simpleExploded", RGB, "R=100,G=200,B=150"),
        ("simple", True, "true"),
        ("json", {"a": 1}, '{"a":1}'),
    ],
)
def test_header_simple_style(style: str, value: Any, expected: str) -> None:
    assert encoding.encode_headers({"X-Color": value}, {"X-Color": style}) == [
        ("X-Color", expected)
    ]


def test_header_none_is_left_out_and_line_breaks_refused() -> None:
    assert encoding.encode_headers({"X-A": None}) == []
    with pytest.raises(ValueError, match="X-A"):
        encoding.encode_headers({"X-A": "a\r\nInjected: yes"})


@pytest.mark.parametrize(
    ("style", "value", "expected"),
    [
        ("form", "blue", [("color", "blue")]),
        ("form", "a b;c", [("color", "a%20b%3Bc")]),
        ("form", COLOR, [("color", "blue"), ("color", "black"), ("color", "brown")]),
        ("formUnexploded", COLOR, [("color", "blue,black,brown")]),
        ("form", RGB, [("R", "100"), ("G", "200"), ("B", "150")]),
        ("formUnexploded", RGB, [("color", "R,100,G,200,B,150")]),
        ("form", 5, [("color", "5")]),
    ],
)
def test_cookie_form_style(style: str, value: Any, expected: Any) -> None:
    assert encoding.encode_cookies({"color": value}, {"color": style}) == expected


@pytest.mark.parametrize(
    ("style", "value", "expected"),
    [
        ("simple", 5, "5"),
        ("simple", COLOR, "blue,black,brown"),
        ("simple", RGB, "R,100,G,200,B,150"),
        ("simpleExploded", RGB, "R=100,G=200,B=150"),
        ("label", "blue", ".blue"),
        ("label", COLOR, ".blue,black,brown"),
        ("labelExploded", COLOR, ".blue.black.brown"),
        ("labelExploded", RGB, ".R=100.G=200.B=150"),
        ("matrix", "blue", ";color=blue"),
        ("matrix", COLOR, ";color=blue,black,brown"),
        ("matrixExploded", COLOR, ";color=blue;color=black;color=brown"),
        ("matrix", RGB, ";color=R,100,G,200,B,150"),
        ("matrixExploded", RGB, ";R=100;G=200;B=150"),
        ("simple", ["a/b", "c"], "a%2Fb,c"),  # a slash cannot leave the segment
    ],
)
def test_path_styles(style: str, value: Any, expected: str) -> None:
    assert encoding.encode_path(value, style, "color") == expected


def test_quote_path_takes_numbers() -> None:
    assert encoding.quote_path(42) == "42"
    assert encoding.quote_path(1.5) == "1.5"
    assert encoding.quote_path("a b") == "a%20b"


def test_split_files_repeats_a_list_of_files_and_types_parts() -> None:
    fields, files = encoding.split_files(
        {"photos": [b"1", b"2"], "caption": "c", "meta": {"w": 2}, "one": b"x"},
        ("photos", "one"),
        {"meta": "application/json", "one": "image/png"},
    )
    assert fields == {"caption": "c"}
    assert files == [
        ("photos", b"1"),
        ("photos", b"2"),
        ("meta", (None, '{"w":2}', "application/json")),
        ("one", ("one", b"x", "image/png")),
    ]


def test_split_files_without_lists_or_types_is_a_dict_as_before() -> None:
    assert encoding.split_files({"file": b"x", "purpose": "p"}, ("file",)) == (
        {"purpose": "p"},
        {"file": b"x"},
    )


def test_encode_body_follows_the_chosen_media_type() -> None:
    values = {"name": "Rex", "tags": ["a", "b"]}
    assert encoding.encode_body(values, "application/json") == {
        "json": values,
        "content_type": "application/json",
    }
    assert encoding.encode_body(
        values, "application/x-www-form-urlencoded", {"tags": "form"}
    ) == {"form": [("name", "Rex"), ("tags", "a"), ("tags", "b")]}
    multipart = encoding.encode_body(
        {"name": "Rex", "file": b"x"}, "multipart/form-data", None, ("file",)
    )
    assert multipart == {"form": [("name", "Rex")], "files": {"file": b"x"}}

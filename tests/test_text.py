"""Tests for generator.text: Markdown, docstrings, literals and comments."""

from __future__ import annotations

import ast
import io
import json
import re
import sys
import tokenize
import warnings
from typing import Optional

import black
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import text
from generator.text import clean as text_clean
from generator.text import (
    comment_text,
    markdown_inline,
    markdown_table_cell,
    python_string,
    summary_line,
    to_docstring,
    to_markdown,
)

# --- strategies -----------------------------------------------------------------------

TRICKY = [
    '"', '"""', "'''", "\\", "\\\n", "\n", "\n\n", " ", "\t", "\r", "\r\n", "\x00",
    "\x0b", "\x1b", "\x7f", "\x85", "\xa0", "\u2028", "\u2029", "\u202e", "\ufeff",
    "\ud800", "`", "```", "<p>", "</p>", "<script>x</script>", "</script>",
    '<a href="/docs/x">', "</a>", "<code>", "</code>", "<br>", "<api_key>", "{{ x }}",
    "{% if %}", "- ", "1. ", "# ", "|", "*", "_", "\\N{DASH}", "\\x41", "    ", "’",
    "[a](/b)", "&amp;", "&lt;b&gt;", "word", "https://stripe.com/docs/api#x",
    "<https://x.com>", "<javascript:x>", "a" * 100,
]  # fmt: skip

tricky_text = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=5)), max_size=30).map(
        "".join
    ),
)

CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u202a-\u202e]"
)


def _docstring_source(body: str, indent: str) -> str:
    """A module whose only docstring sits at ``indent`` and holds ``body``."""
    if indent == "":
        return '"""' + body + '"""\n'
    if indent == "    ":
        return 'def f():\n    """' + body + '"""\n'
    return 'class C:\n    def f(self):\n        """' + body + '"""\n'


def _docstring_of(source: str, indent: str) -> Optional[str]:
    """Compile ``source`` with warnings as errors; return its docstring's value."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile(source, "<test>", "exec")
    node: ast.AST = ast.parse(source)
    for _ in range(len(indent) // 4):
        node = node.body[0]  # type: ignore[attr-defined]
    assert isinstance(node, (ast.Module, ast.FunctionDef))
    return ast.get_docstring(node)


def _without_code(markdown: str) -> str:
    return text_clean.CODE.sub("", markdown)


# --- to_markdown ----------------------------------------------------------------------


def test_html_paragraphs_with_relative_link_and_code() -> None:
    source = (
        '<p>Updates a <a href="/docs/api#update_customer">customer</a> by its '
        "<code>customer_id</code>.</p>\n\n"
        "<p>The customer\u2019s <strong>source</strong> changes.</p>"
    )
    assert to_markdown(source) == (
        "Updates a [customer](https://stripe.com/docs/api#update_customer) by its "
        "`customer_id`.\n\nThe customer\u2019s **source** changes."
    )


def test_markdown_links_relative_and_absolute() -> None:
    source = "See [the guide](/docs/guide) and [Stripe.js](https://stripe.com/docs/js)."
    assert to_markdown(source) == (
        "See [the guide](https://stripe.com/docs/guide) and "
        "[Stripe.js](https://stripe.com/docs/js)."
    )
    assert to_markdown("[x](/a)", base_url="https://example.org/") == (
        "[x](https://example.org/a)"
    )


def test_markdown_is_not_escaped() -> None:
    source = "Set `unit_amount * quantity` on line_items, *not* on snake_case_field."
    assert to_markdown(source) == source
    mixed = "<p>Use <code>payment_method_types</code> with a_b * c.</p>"
    assert to_markdown(mixed) == "Use `payment_method_types` with a_b * c."


def test_markdown_lists_and_paragraphs_survive() -> None:
    source = "One of:\n\n - `checking`\n - `savings`\n\n\n\nOtherwise `other`.  \n"
    assert (
        to_markdown(source)
        == "One of:\n\n - `checking`\n - `savings`\n\nOtherwise `other`."
    )


def test_html_list() -> None:
    source = (
        "<p>Either:</p>\n<ul>\n<li>a <code>refund</code></li>\n<li>a credit</li>\n</ul>"
    )
    assert to_markdown(source) == "Either:\n\n- a `refund`\n- a credit"


def test_mixed_html_and_markdown_with_br() -> None:
    source = "A [payout](/docs/payouts) account. <br><br>By default, `x` is set."
    assert to_markdown(source) == (
        "A [payout](https://stripe.com/docs/payouts) account.\n\n"
        "By default, `x` is set."
    )


def test_unknown_paired_tags_keep_their_text_and_placeholders_stay_text() -> None:
    assert to_markdown("a total of <currency>100</currency>") == "a total of 100"
    assert (
        to_markdown("Authorization: Bearer <api_key>")
        == "Authorization: Bearer \\<api_key>"
    )
    assert to_markdown("`<p>` is <b>bold</b>") == "`<p>` is **bold**"


def test_scripts_styles_and_unsafe_links_are_dropped() -> None:
    source = (
        'a<script>alert("x")</script> <style>p {}</style>b '
        '<a href="javascript:alert(1)">c</a> [d](javascript:void(0)) '
        "<img src=x onerror=y>"
    )
    assert to_markdown(source) == "a b c d ![](https://stripe.com/x)"


def test_entities_curly_quotes_and_control_characters() -> None:
    assert (
        to_markdown("AT&amp;T\u2019s\x00 \x1b[31mred\ttab")
        == "AT&T\u2019s [31mred  tab"
    )
    assert to_markdown("&lt;b&gt; stays text") == "\\<b> stays text"
    assert to_markdown("line\u2028next\r\nlast") == "line\nnext\nlast"


@pytest.mark.parametrize("empty", ["", None, "   \n\t", "\x00", "<p></p>"])
def test_empty_input(empty: Optional[str]) -> None:
    assert to_markdown(empty) == ""
    assert to_docstring(to_markdown(empty)) == ""
    assert summary_line(to_markdown(empty)) == ""


def test_autolinks_are_plain_links() -> None:
    html = '<a href="https://x.com/a">https://x.com/a</a> or <https://x.com/b>'
    expected = "[https://x.com/a](https://x.com/a) or <https://x.com/b>"
    assert to_markdown(html) == expected
    assert to_markdown("<javascript:alert(1)>") == "\\<javascript:alert(1)>"


@pytest.mark.filterwarnings("error")
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(tricky_text)
def test_to_markdown_never_returns_raw_html_or_controls(value: str) -> None:
    result = to_markdown(value)
    assert not CONTROL.search(result)
    raw_html = re.compile(r"(?<!\\)<(?!(?i:https?|mailto):)[A-Za-z/!?]")
    assert not raw_html.search(_without_code(result))
    assert result == result.strip()
    assert "\n\n\n" not in result
    assert all(line == line.rstrip() for line in result.split("\n"))


# --- to_docstring ---------------------------------------------------------------------


def test_docstring_single_line() -> None:
    assert to_docstring("Retrieves a `Customer`.") == "Retrieves a `Customer`."


def test_docstring_wraps_and_indents_for_a_closing_line() -> None:
    markdown = (
        "Creates a [customer](https://stripe.com/docs/api#create_customer) object for "
        "the `customer_id` given.\n\n"
        "One of:\n\n- `a_value` which is long enough to wrap around\n- `b`"
    )
    assert to_docstring(markdown, width=60) == (
        "Creates a\n"
        "    [customer](https://stripe.com/docs/api#create_customer)\n"
        "    object for the `customer_id` given.\n"
        "\n"
        "    One of:\n"
        "\n"
        "    - `a_value` which is long enough to wrap around\n"
        "    - `b`\n"
        "    "
    )


def test_docstring_never_breaks_code_spans() -> None:
    result = to_docstring("Equals `unit_amount * quantity` always, " * 3, width=40)
    assert all(line.count("`") % 2 == 0 for line in result.split("\n"))


def test_docstring_escapes() -> None:
    assert to_docstring('say """hi""" \\ now') == 'say \\"\\"\\"hi\\"\\"\\" \\\\ now'
    assert to_docstring('"quoted"') == '\\"quoted" '
    assert to_docstring("ends with \\") == "ends with \\\\"
    jinja = "Use {{ value }} and {% raw %} here."
    assert to_docstring(jinja) == jinja


def test_docstring_examples_are_black_stable() -> None:
    for markdown in [
        to_markdown(
            "<p>Creates a <code>Charge</code>.</p>\n\n<p>Second paragraph.</p>"
        ),
        "If `category` is `cash`, one of:\n\n - `checking`\n - `savings`",
        '"Quoted" start and end "',
        "x" * 200,
    ]:
        for indent in ("", "    ", "        "):
            source = _docstring_source(to_docstring(markdown, indent=indent), indent)
            assert black.format_str(source, mode=black.Mode()) == source


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    tricky_text,
    st.integers(min_value=10, max_value=120),
    st.sampled_from(["", "    ", "        "]),
)
def test_docstring_always_compiles_and_keeps_the_text(
    value: str, width: int, indent: str
) -> None:
    body = to_docstring(value, width=width, indent=indent)
    docstring = _docstring_of(_docstring_source(body, indent), indent)
    assert not CONTROL.search(docstring or "")
    assert "".join((docstring or "").split()) == "".join(
        text_clean.clean(value).split()
    )
    lines = body.split("\n")
    assert all(line == line.rstrip() for line in lines[:-1])
    assert lines[-1] in (indent, body.rstrip() + (" " if body.endswith('" ') else ""))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tricky_text, st.sampled_from(["", "    ", "        "]))
def test_docstring_is_black_stable(value: str, indent: str) -> None:
    source = _docstring_source(to_docstring(value, indent=indent), indent)
    assert black.format_str(source, mode=black.Mode()) == source


# --- one-line texts -------------------------------------------------------------------


def test_summary_line() -> None:
    markdown = (
        "Creates a [customer](https://x.com/c). It has `a.b` fields, e.g. this one."
    )
    assert summary_line(markdown) == "Creates a customer."
    assert summary_line("For example, e.g. the `a. B` value. Then more.") == (
        "For example, e.g. the `a. B` value."
    )
    assert summary_line("One of:\n\n- `a`\n- `b`") == "One of:"
    assert summary_line("- first item\n- second item") == "first item"
    assert summary_line("**Bold** claim\nacross lines") == "Bold claim across lines"


def test_summary_line_limit() -> None:
    assert summary_line("word " * 40, limit=20) == "word word word word…"
    assert summary_line("see `some long code span here`", limit=20) == "see…"
    assert len(summary_line("x" * 300)) == 120


@given(tricky_text, st.integers(min_value=1, max_value=200))
def test_summary_line_is_one_short_line(value: str, limit: int) -> None:
    result = summary_line(value, limit)
    assert len(result) <= limit
    assert "\n" not in result and not CONTROL.search(result)


def test_markdown_table_cell() -> None:
    markdown = "If `a|b`, one of:\n\n - `x`\n - `y`\n\nOr a \\| b\nand c|d."
    assert markdown_table_cell(markdown) == (
        "If `a\\|b`, one of: `x` · `y` · Or a \\| b and c\\|d."
    )
    assert markdown_inline("para one\n\npara two") == "para one · para two"
    assert markdown_table_cell("|edge|") == "\\|edge\\|"


@given(tricky_text)
def test_markdown_table_cell_stays_in_its_cell(value: str) -> None:
    result = markdown_table_cell(value)
    assert "\n" not in result and not CONTROL.search(result)
    assert not re.search(r"(?<!\\)(?:\\\\)*\|", result.replace("\\|", ""))


# --- Python source --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("plain", '"plain"'),
        ("it's", '"it\'s"'),
        ('say "hi"', "'say \"hi\"'"),
        ("both ' and \"", '"both \' and \\""'),
        ("back\\slash\n\t\x00\u2028", '"back\\\\slash\\n\\t\\x00\\u2028"'),
        ("{{ jinja }}", '"{{ jinja }}"'),
    ],
)
def test_python_string(value: str, literal: str) -> None:
    assert python_string(value) == literal
    assert ast.literal_eval(literal) == value


@settings(max_examples=300, deadline=None)
@given(tricky_text)
def test_python_string_round_trips_and_is_black_stable(value: str) -> None:
    literal = python_string(value)
    assert ast.literal_eval(literal) == value
    assert "\n" not in literal
    source = f"x = {literal}\n"
    assert black.format_str(source, mode=black.Mode(line_length=10**6)) == source


def test_comment_text() -> None:
    assert comment_text("two\nlines\x00 here\u2028") == "two lines here"
    assert comment_text("type: ignore") == "`type`: ignore"
    assert (
        comment_text("see # noqa: E501; fmt: skip") == "see # `noqa`: E501; `fmt`: skip"
    )
    assert comment_text("Typed values") == "Typed values"


@given(tricky_text)
def test_comment_text_is_one_inert_comment(value: str) -> None:
    line = "x = 1  # " + comment_text(value) + "\n"
    tokens = list(tokenize.generate_tokens(io.StringIO(line).readline))
    comments = [token for token in tokens if token.type == tokenize.COMMENT]
    assert len(comments) == 1
    assert not re.search(r"#\s*(type|noqa|fmt)\b", comments[0].string[1:], re.I)


def test_clean_maps_every_whitespace_and_line_break() -> None:
    odd = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    cleaned = text_clean.clean("".join(odd))
    assert set(cleaned) <= {" ", "\n"}
    breaks = [c for c in odd if len(("a" + c + "b").splitlines()) == 2]
    assert [text_clean.clean(c) for c in breaks] == ["\n"] * 9 + ["\n\n"]


def test_json_visible_escapes_invisible_characters_and_keeps_the_layout() -> None:
    value = {"note": "bell \x07 bidi \u202e line \u2028 é"}
    shown = text.json_visible(json.dumps(value, indent=2, ensure_ascii=False))
    assert "\\u0007" in shown and "\\u202e" in shown and "\\u2028" in shown
    assert "é" in shown and "\n  " in shown  # printable text and the layout as they were
    assert all(c.isprintable() or c == "\n" for c in shown)
    assert json.loads(shown) == value  # the same data

"""The interactive reference pages: page data, escaping of spec text, determinism.

Most tests render a small hand-built IR whose descriptions are hostile (``</script>``, raw
HTML with event handlers, ``javascript:`` links); one generates the real pages from the pinned
spec into a temporary folder and runs ``codegen check`` on them.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from generator import gateway_api, ir, naming
from generator.present import package, reference
from generator.render import Renderer, RenderOptions
from tests.conftest import generate_into

ROOT = Path(__file__).resolve().parents[1]

HOSTILE = (
    "Ends the script: </script><script>window.__pwned = 1</script> and "
    '<img src=x onerror="window.__pwned = 2"> and [a link](javascript:alert(1)) '
    "and <!-- a comment opener & an ampersand."
)
STR5000 = ir.Primitive("str", (ir.Constraint("max_length", 5000, "max length 5000"),))


# --- a small IR ---------------------------------------------------------------------------------


def _field(
    name: str, type_: ir.TypeExpr, required: bool = False, doc: str = ""
) -> ir.Field:
    return ir.Field(name=name, wire_name=name, type=type_, required=required, doc=doc)


def sample_api() -> ir.Api:
    card = ir.Model(
        name="CardParams",
        fields=(
            _field("exp_month", ir.Primitive("int"), True, "Two-digit month."),
            _field("exp_year", ir.Primitive("int"), True),
            _field("metadata", ir.MapType(ir.STR)),
            _field("number", STR5000, True, HOSTILE),
            _field("object", ir.LiteralType(("card",))),
        ),
        doc="",
        pointer="#/card",
        request=True,
        closed=False,
    )
    body_fields = (
        _field(
            "card",
            ir.UnionType((ir.ModelRef("CardParams"), STR5000)),
            doc="A token, like the ones returned by [Stripe.js](https://stripe.com/docs/js).",
        ),
        _field(
            "description", ir.UnionType((STR5000, ir.LiteralType(("",)))), doc=HOSTILE
        ),
        _field("expand", ir.ListType(STR5000), doc="Fields to expand."),
        _field("metadata", ir.MapType(ir.STR), doc="Key-value pairs."),
        _field("tax_exempt", ir.LiteralType(("exempt", "none", "reverse"))),
        _field("validate", ir.Primitive("bool")),
    )
    body = ir.Payload(
        model="ThingsSourcesCreateParams",
        media_type="application/x-www-form-urlencoded",
        fields=body_fields,
        arguments=tuple(f.name for f in body_fields),
        styles=(
            ("card", "deepObject"),
            ("description", "form"),
            ("expand", "deepObject"),
            ("metadata", "deepObject"),
            ("tax_exempt", "form"),
            ("validate", "form"),
        ),
        required=False,
    )
    request = ir.Model(
        "ThingsSourcesCreateParams",
        body_fields,
        "",
        "#/body",
        request=True,
        closed=True,
    )
    operation = ir.Operation(
        operation_id="PostThingsThingSources",
        name="create",
        resource=("things", "sources"),
        method="post",
        path="/v1/things/{thing}/sources",
        title="Create a <b>thing</b> </script>",
        summary="Creates a <b>thing</b> </script>",
        doc=HOSTILE,
        path_params=(ir.Parameter("thing", "thing", STR5000, "The thing's ID."),),
        query=None,
        body=body,
        response=ir.Response(ir.ModelRef("Thing"), "application/json", "A thing."),
        error=ir.ModelRef("Error"),
        server=None,
        pointer="#/paths/thing",
    )
    group = ir.Group("things", "Things", "things", (operation,), (card, request))
    return ir.Api(
        title="Test API </script>",
        api_version="2023-08-16",
        base_url="https://api.stripe.com",
        spec_sha256="0" * 64,
        groups=(group,),
        models=(),
        aliases=(),
        error_model=None,
        operations=(operation,),
    )


def render_sample() -> dict[str, str]:
    api = sample_api()
    renderer = Renderer(
        RenderOptions(package="stripe_client"),
        package.common_context(api, "stripe_client"),
    )
    return {f.path: renderer.emit(f) for f in reference.files(api, "stripe_client")}


def sample_digest() -> str:
    """A hash of every rendered file (used from a subprocess for the determinism test)."""
    files = render_sample()
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path].encode() + b"\0")
    return digest.hexdigest()


PAGE = "reference/operations/things.sources.create.html"


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, Any]]] = []
        self.scripts: list[tuple[dict[str, Any], str]] = []
        self._in_script: dict[str, Any] | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Any]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self._script_text = []

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._script_text)))
            self._in_script = None


def parse(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser


# --- unit tests --------------------------------------------------------------------------------


def test_script_json_cannot_close_the_script_element() -> None:
    data = {"text": "</script><!-- <script> & \u2028", "n": 1}
    encoded = reference.script_json(data)
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert "\u2028" not in encoded
    assert json.loads(encoded) == data


def test_indented_json_writes_what_json_dumps_writes() -> None:
    data = {
        "text": 'quote " backslash \\ tab \t é \u2028 \x7f',
        "numbers": [0, -3, 2.5, 1e-07, 10**20, True, False, None],
        "empty": {"list": [], "dict": {}, "tuple": ()},
        "nested": [{"a": [{"b": "c"}]}, [[]], ("x", 1)],
    }
    expected = json.dumps(data, ensure_ascii=False, indent=1)
    assert reference.indented_json(data) == expected
    with pytest.raises(TypeError, match="keys must be strings"):
        reference.indented_json({1: "one"})


def test_markdown_html_escapes_raw_html_and_drops_javascript_links() -> None:
    html = reference.markdown_html(HOSTILE)
    assert "<script" not in html and "<img" not in html
    assert "&lt;/script&gt;" in html and "&lt;img" in html
    assert "javascript:" not in html.replace("[a link](javascript:alert(1))", "")
    assert 'href="javascript' not in html
    assert reference.markdown_html("See [docs](https://stripe.com/docs).") == (
        '<p>See <a href="https://stripe.com/docs">docs</a>.</p>'
    )
    assert reference.markdown_html("  ") == ""


def test_operation_data_describes_every_field() -> None:
    api = sample_api()
    data = reference.operation_data(
        reference.components_by_name(api),
        api.groups[0],
        api.operations[0],
        "stripe_client",
    )
    assert data["method"] == "POST"
    assert data["path"] == "/v1/things/{thing}/sources"
    # the page's snippet calls ``client.<call>(``: the data names the whole call
    assert data["call"] == "things.sources.create"
    assert "group" not in data and "function" not in data
    assert [p["name"] for p in data["path_params"]] == ["thing"]
    assert data["path_params"][0]["type"] == {
        "kind": "string",
        "constraints": {"max_length": 5000},
    }
    body = data["body"]
    assert body["media_type"] == "application/x-www-form-urlencoded"
    assert (
        body["styles"]["card"] == "deepObject" and body["styles"]["validate"] == "form"
    )
    fields = {f["name"]: f for f in body["fields"]}
    assert list(fields) == [
        "card",
        "description",
        "expand",
        "metadata",
        "tax_exempt",
        "validate",
    ]

    card = fields["card"]["type"]
    assert card["kind"] == "union"
    assert [(c["key"], c["label"]) for c in card["choices"]] == [
        ("object", "object (CardParams)"),
        ("string", "token or ID (string)"),
    ]
    assert card["choices"][0]["type"] == {"kind": "object", "model": "CardParams"}
    assert fields["card"]["description_html"].startswith(
        '<p>A token, like the ones returned by <a href="https://stripe.com/docs/js">'
    )

    empty = fields["description"]["type"]["choices"][1]
    assert empty["key"] == "empty" and empty["type"] == {"kind": "enum", "values": [""]}
    assert fields["expand"]["type"] == {
        "kind": "array",
        "item": {"kind": "string", "constraints": {"max_length": 5000}},
    }
    assert fields["expand"]["label"] == "list of string"
    assert fields["expand"]["details"] == ["items: max length 5000"]
    assert fields["metadata"]["type"] == {"kind": "map", "value": {"kind": "string"}}
    assert fields["tax_exempt"]["type"] == {
        "kind": "enum",
        "values": ["exempt", "none", "reverse"],
    }
    assert fields["tax_exempt"]["details"] == ["one of exempt, none, reverse"]
    assert fields["validate"]["type"] == {"kind": "boolean"}
    assert all(f["required"] is False for f in fields.values())

    model = data["models"]["CardParams"]
    assert model["module"] == "params.things" and model["open"] is True
    nested = {f["name"]: f for f in model["fields"]}
    assert nested["number"]["required"] and nested["exp_month"]["type"] == {
        "kind": "integer"
    }
    assert nested["metadata"]["type"]["kind"] == "map"
    assert nested["object"]["type"] == {"kind": "enum", "values": ["card"]}
    assert "&lt;/script&gt;" in nested["number"]["description_html"]


def test_page_shows_the_reference_and_escapes_spec_text() -> None:
    html = render_sample()[PAGE]
    tags = parse(html)
    # Only our own scripts: the asset and two JSON data blocks. No <img>, no event handlers.
    scripts = [attrs for attrs, _text in tags.scripts]
    assert scripts == [
        {"src": "../assets/reference.js", "defer": None},
        {"type": "application/json", "id": "operation-data"},
        {"type": "application/json", "id": "reference-settings"},
    ]
    assert not [t for t, _ in tags.tags if t in ("img", "iframe", "object", "embed")]
    assert not [
        a for _, attrs in tags.tags for a in attrs if a.lower().startswith("on")
    ]
    assert not [
        attrs["href"]
        for tag, attrs in tags.tags
        if tag == "a" and str(attrs.get("href", "")).lower().startswith("javascript")
    ]
    # The hostile text is shown as text.
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert "Create a &lt;b&gt;thing&lt;/b&gt; &lt;/script&gt;" in html
    # The JSON block holds the data unchanged, and nothing in it can end the element.
    data_text = dict((attrs.get("id"), text) for attrs, text in tags.scripts)[
        "operation-data"
    ]
    assert "<" not in data_text
    data = json.loads(data_text)
    assert data["operation_id"] == "PostThingsThingSources"
    # The reference itself: method, path, nested fields, choices, constraints, enum values.
    for expected in (
        '<span class="method method-post">POST</span>',
        "/v1/things/{thing}/sources",
        "client.things.sources.create(...)",
        "Fields of <code>CardParams</code>",
        "token or ID (string)",
        "empty string (unsets the value)",
        "max length 5000",
        "one of exempt, none, reverse",
        "map of string to string",
        "list of string",
        "Authentication",
        'id="gateway-url"',
        "never asks for, stores or sends a secret key",
    ):
        assert expected in html, expected
    # The Content-Security-Policy forbids inline script as a second line of defence.
    csp = next(
        a
        for t, a in tags.tags
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert (
        "script-src 'self';" in csp["content"] and "unsafe-inline" not in csp["content"]
    )
    # The header comment cannot be closed early by the title.
    assert html.startswith("<!DOCTYPE html>\n<!--\n")
    assert html.split("-->", 1)[0].count("<!--") == 1


@pytest.mark.parametrize(
    ("name", "placeholder"),
    [
        ("customer", "customer_..."),
        ("thing", "thing_..."),
        ("payment-method", "payment_method_..."),
        ("a'b\"c\\d", "a_b_c_d_..."),
        ("{x}[y] $z", "x_y_z_..."),
        ("ünï", "n_..."),
        ("'", "value_..."),
    ],
)
def test_path_placeholder_needs_no_escaping_anywhere(
    name: str, placeholder: str
) -> None:
    value = reference.path_placeholder(name)
    assert value == placeholder
    # one URL path segment as it stands, a shell word, a Python string without escapes
    assert re.fullmatch(r"[A-Za-z0-9_.]+", value) and value not in (".", "..")
    assert urllib.parse.quote(value, safe="") == value
    assert shlex.split(value) == [value]
    assert ast.literal_eval(json.dumps(value)) == value


def test_try_it_knows_the_gateways_status_path_and_account_shape() -> None:
    html = render_sample()[PAGE]
    tags = parse(html)
    texts = dict((attrs.get("id"), text) for attrs, text in tags.scripts)
    settings = json.loads(texts["reference-settings"])
    # the gateway's own values, from the one module both sides read
    assert settings["statusPath"] == gateway_api.STATUS_PATH
    assert settings["accountPattern"] == gateway_api.ACCOUNT_PATTERN.pattern
    assert settings["accountOption"] in naming.CALL_OPTIONS
    data = json.loads(texts["operation-data"])
    assert data["path_params"][0]["placeholder"] == "thing_..."
    ids = {attrs.get("id") for _, attrs in tags.tags}
    for control in (
        "gateway-reset",
        "auth-status",
        "auth-live",
        "stripe-account",
        "send-hint",
        "copy-status",
    ):
        assert control in ids, control
    live = next(a for t, a in tags.tags if a.get("id") == "auth-live")
    assert live["role"] == "alert"
    copy = next(a for t, a in tags.tags if a.get("id") == "copy-status")
    assert copy["aria-live"] == "polite"
    assert "STRIPE_API_KEY=sk_test_... codegen gateway" in html


def test_index_lists_every_operation_and_assets_are_self_contained() -> None:
    files = render_sample()
    assert sorted(files) == [
        "reference/assets/reference.css",
        "reference/assets/reference.js",
        "reference/index.html",
        "reference/models/card_params.html",  # the body's nested model has a page
        PAGE,
        "reference/routes.json",  # what the gateway forwards
    ]
    index = files["reference/index.html"]
    assert 'href="operations/things.sources.create.html"' in index
    assert "Test API &lt;/script&gt;" in index
    for path, text in files.items():
        # No CDN: every script, stylesheet or image the pages load is one of their own files
        # (links to stripe.com docs are plain navigation).
        if path.endswith(".html"):
            for tag, attrs in parse(text).tags:
                loaded = attrs.get("src") or (
                    attrs.get("href") if tag == "link" else None
                )
                if loaded:
                    assert loaded == "data:," or not re.match(
                        r"([a-z]+:)?//", loaded
                    ), (path, loaded)
        assert "@import" not in text and "url(" not in text, path
    js = files["reference/assets/reference.js"]
    # the script is a static file: the page passes it its settings as JSON
    assert "localStorage" in js and "{{" not in js
    assert '"storageKey": "codegen.reference.gateway"' in files[PAGE]
    assert "Authorization" not in js  # the page never sends credentials


def test_rendering_is_deterministic_across_hash_seeds() -> None:
    assert render_sample() == render_sample()
    digests = set()
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "import test_reference as t; print(t.sample_digest())",
            ],
            cwd=Path(__file__).parent,
            env={
                **env,
                "PYTHONPATH": os.pathsep.join([str(ROOT), str(Path(__file__).parent)]),
            },
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(out.stdout.strip())
    assert digests == {sample_digest()}


# --- the real spec ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_into(tmp_path_factory.mktemp("generated"))


def test_generated_pages_from_the_spec_are_checked(generated: Path) -> None:
    page = generated / "reference" / "operations" / "customers.sources.create.html"
    html = page.read_text(encoding="utf-8")
    tags = parse(html)
    data = json.loads(dict((a.get("id"), t) for a, t in tags.scripts)["operation-data"])
    fields = {f["name"]: f for f in data["body"]["fields"]}
    assert set(fields) >= {
        "alipay_account",
        "bank_account",
        "card",
        "expand",
        "metadata",
        "source",
    }
    assert [c["key"] for c in fields["card"]["type"]["choices"]] == ["object", "string"]
    card_model = data["models"]["CustomerPaymentSourceCard"]
    assert card_model["module"] == "params.customers"
    required = {f["name"] for f in card_model["fields"] if f["required"]}
    assert required == {"exp_month", "exp_year", "number"}
    assert (generated / "reference" / "index.html").is_file()
    assert (generated / "reference" / "assets" / "reference.js").is_file()

    check = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "check",
            "--config",
            str(ROOT / "pyproject.toml"),
            "--output",
            str(generated),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    # A hand edit of a page is drift that `codegen check` reports.
    page.write_text(html.replace("Try it", "Try this"), encoding="utf-8")
    drift = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "check",
            "--config",
            str(ROOT / "pyproject.toml"),
            "--output",
            str(generated),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    page.write_text(html, encoding="utf-8")
    assert drift.returncode == 1
    assert "reference/operations/customers.sources.create.html" in drift.stdout


# --- the sidebar, the index's finder, quiet limits ----------------------------------------------


def two_group_api() -> ir.Api:
    """The sample API and a second group with a GET and a DELETE."""
    import dataclasses

    api = sample_api()
    [things] = api.groups
    base = things.operations[0]
    listing = dataclasses.replace(
        base,
        operation_id="GetWidgets",
        name="list",
        resource=("widgets",),
        method="get",
        path="/v1/widgets",
        body=None,
        path_params=(),
    )
    removal = dataclasses.replace(
        listing, operation_id="DeleteWidgetsWidget", name="delete", method="delete"
    )
    widgets = ir.Group("widgets", "Widgets", "widgets", (listing, removal), ())
    return dataclasses.replace(
        api,
        groups=(things, widgets),
        operations=(base, listing, removal),
    )


def test_sidebar_links_every_group_and_expands_the_current_one() -> None:
    api = two_group_api()
    everywhere = reference.sidebar(api)
    assert [(g.name, g.link, g.current, g.entries) for g in everywhere] == [
        ("things", "index.html#group-things", False, ()),
        ("widgets", "index.html#group-widgets", False, ()),
    ]
    removal = api.groups[1].operations[1]
    things, widgets = reference.sidebar(api, removal)
    assert not things.current and things.entries == ()
    assert widgets.current
    assert widgets.entries == (
        reference.NavEntry("operations/widgets.list.html", "GET", "list", False),
        reference.NavEntry("operations/widgets.delete.html", "DELETE", "delete", True),
    )
    # a call below its group is named from the group down (customers -> sources.create)
    sample = sample_api()
    [own] = reference.sidebar(sample, sample.operations[0])[0].entries
    assert own.label == "sources.create"
    assert reference.index_methods(api) == ("GET", "POST", "DELETE")
    assert naming.reference_group_anchor("things") == "group-things"


def test_pages_carry_the_sidebar_and_the_index_its_finder() -> None:
    api = two_group_api()
    renderer = Renderer(
        RenderOptions(package="stripe_client"),
        package.common_context(api, "stripe_client"),
    )
    files = {f.path: renderer.emit(f) for f in reference.files(api, "stripe_client")}
    index = parse(files["reference/index.html"])
    ids = [attrs.get("id") for _, attrs in index.tags]
    for expected in ("main", "sidebar", "search", "filter-method", "filter-group"):
        assert expected in ids, expected
    assert "group-things" in ids and "group-widgets" in ids
    options = [attrs.get("value") for tag, attrs in index.tags if tag == "option"]
    assert options == ["", "GET", "POST", "DELETE", "", "group-things", "group-widgets"]
    assert not [a for _, a in index.tags if "aria-current" in a]  # no current page
    status = [a for _, a in index.tags if a.get("id") == "search-count"]
    assert status == [
        {
            "id": "search-count",
            "class": "search-count",
            "role": "status",
            "aria-live": "polite",
        }
    ]
    page = parse(files["reference/operations/widgets.delete.html"])
    current = [a for t, a in page.tags if t == "a" and "aria-current" in a]
    assert current == [
        {"href": "../operations/widgets.delete.html", "aria-current": "page"}
    ]
    hrefs = [a["href"] for t, a in page.tags if t == "a" and "href" in a]
    assert (
        "../index.html#group-things" in hrefs and "../index.html#group-widgets" in hrefs
    )
    assert "../operations/widgets.list.html" in hrefs
    assert (
        "../operations/things.sources.create.html" not in hrefs
    )  # other groups folded
    assert [t for t, _ in page.tags].count("main") == 1
    # the tablist of the snippets holds its two tabs only (the heading and Copy beside it)
    tablist = next(
        i for i, (_, a) in enumerate(page.tags) if a.get("role") == "tablist"
    )
    assert [a.get("role") for _, a in page.tags[tablist + 1 : tablist + 3]] == [
        "tab",
        "tab",
    ]
    assert page.tags[tablist + 3][1].get("id") == "copy-snippet"


def test_limits_are_kept_apart_from_enum_values() -> None:
    api = sample_api()
    page = reference.operation_page(
        api,
        reference.components_by_name(api),
        api.groups[0],
        api.operations[0],
        "stripe_client",
    )
    [body] = page.payloads
    fields = {f.name: f for f in body.fields}
    assert fields["expand"].limits == ("items: max length 5000",)
    assert fields["expand"].details == ()
    assert fields["tax_exempt"].details == ("one of exempt, none, reverse",)
    assert fields["tax_exempt"].limits == ()
    assert page.path_params[0].limits == ("max length 5000",)
    html = render_sample()[PAGE]
    assert '<span class="field-limits">max length 5000</span>' in html
    assert '<span class="detail">max length 5000</span>' not in html
    # the form's data keeps both, as before
    data = reference.operation_data(
        reference.components_by_name(api), api.groups[0], api.operations[0], "x"
    )
    tax = next(f for f in data["body"]["fields"] if f["name"] == "tax_exempt")
    assert tax["details"] == ["one of exempt, none, reverse"]

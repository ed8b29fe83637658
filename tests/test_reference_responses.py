"""Whole operations in the HTML reference: the response's fields per variant, example bodies
(the pinned fixtures, else synthesized), the error section and one page per model."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator import ir, naming, pipeline, spec
from generator.present import describe, examples, package, reference
from generator.render import Renderer, RenderOptions
from generator.runtime import errors as stripe_errors
from generator.runtime import errors_generic
from generator.settings import load_settings

try:
    from test_reference import HOSTILE, parse, sample_api
except ImportError:  # pragma: no cover - other import modes
    from tests.test_reference import HOSTILE, parse, sample_api

ROOT = Path(__file__).resolve().parents[1]
PIN = ROOT / "spec" / "stripe.lock.json"
TARGET = "PostCustomersCustomerSources"


# --- helpers ------------------------------------------------------------------------------------


def fits(value: Any, expr: ir.TypeExpr, shapes: examples.Examples) -> bool:
    """Whether a JSON value has the shape of ``expr`` (models: their required fields
    present, every key a field whose value fits)."""
    if isinstance(expr, ir.Nullable):
        return value is None or fits(value, expr.inner, shapes)
    if isinstance(expr, ir.Primitive):
        kinds: dict[str, tuple[type, ...]] = {
            "str": (str,),
            "int": (int,),
            "float": (int, float),
            "bool": (bool,),
        }
        if expr.name == "Any":
            return True
        wanted = kinds[expr.name]
        if isinstance(value, bool) and bool not in wanted:
            return False
        return isinstance(value, wanted)
    if isinstance(expr, ir.LiteralType):
        return value in expr.values
    if isinstance(expr, ir.ListType):
        return isinstance(value, list) and all(
            fits(v, expr.item, shapes) for v in value
        )
    if isinstance(expr, ir.MapType):
        return isinstance(value, dict) and all(
            fits(v, expr.value, shapes) for v in value.values()
        )
    if isinstance(expr, ir.UnionType):
        return any(fits(value, m, shapes) for m in expr.members)
    alias = shapes.aliases.get(expr.name)
    if alias is not None:
        return fits(value, alias.type, shapes)
    model = shapes.models.get(expr.name)
    if model is None or value == {}:  # past the depth limit: an empty object
        return isinstance(value, dict)
    if not isinstance(value, dict):
        return False
    by_wire = {f.wire_name: f for f in model.fields}
    if any(key not in by_wire for key in value):
        return False
    for field in model.fields:
        if field.wire_name not in value:
            if field.required:
                return False
            continue
        if not fits(value[field.wire_name], field.type, shapes):
            return False
    return True


def thing_models() -> tuple[dict[str, ir.Model], dict[str, ir.Alias]]:
    owner = ir.Model(
        "Owner",
        (
            ir.Field("id", "id", ir.STR, True, ""),
            ir.Field("object", "object", ir.LiteralType(("owner",)), True, ""),
            ir.Field(
                "email", "email", ir.Nullable(ir.STR), True, "", example='"a@b.c"'
            ),
        ),
        "",
        "/components/schemas/owner",
    )
    thing = ir.Model(
        "Thing",
        (
            ir.Field("id", "id", ir.STR, True, ""),
            ir.Field("count", "count", ir.Primitive("int"), True, ""),
            ir.Field("ratio", "ratio", ir.Primitive("float"), True, ""),
            ir.Field("live", "live", ir.Primitive("bool"), True, ""),
            ir.Field("kind", "kind", ir.LiteralType(("big", "small")), True, ""),
            ir.Field("tags", "tags", ir.ListType(ir.STR), True, ""),
            ir.Field("meta", "meta", ir.MapType(ir.STR), True, ""),
            ir.Field(
                "owner",
                "owner",
                ir.UnionType((ir.STR, ir.ModelRef("Owner"))),
                True,
                "",
            ),
            ir.Field("parent", "parent", ir.Nullable(ir.ModelRef("Thing")), True, ""),
            ir.Field("extra", "extra", ir.ModelRef("Owner"), False, ""),
            ir.Field("shape", "shape", ir.ModelRef("Shape"), True, ""),
        ),
        "",
        "/components/schemas/thing",
    )
    circle = ir.Model(
        "Circle",
        (
            ir.Field("object", "object", ir.LiteralType(("circle",)), True, ""),
            ir.Field("radius", "radius", ir.Primitive("float"), True, ""),
        ),
        "",
        "/components/schemas/circle",
        example='{"object": "circle", "radius": 2.5}',
    )
    square = ir.Model(
        "Square",
        (ir.Field("object", "object", ir.LiteralType(("square",)), True, ""),),
        "",
        "/components/schemas/square",
    )
    shape = ir.Alias(
        "Shape",
        ir.UnionType((ir.ModelRef("Circle"), ir.ModelRef("Square")), "object"),
        "",
        "/components/schemas/shape",
    )
    models = {m.name: m for m in (owner, thing, circle, square)}
    return models, {"Shape": shape}


@pytest.fixture(scope="module")
def stripe_api() -> ir.Api:
    """The repository's own selection (the target operation), with the pinned fixtures."""
    return pipeline.lower(load_settings(ROOT / "pyproject.toml"))


@pytest.fixture(scope="module")
def target_page(stripe_api: ir.Api) -> reference.ReferencePage:
    op = next(o for o in stripe_api.operations if o.operation_id == TARGET)
    group = next(g for g in stripe_api.groups if op in g.operations)
    site = reference.Site(stripe_api)
    return reference.operation_page(
        stripe_api, site.components, group, op, "stripe_client", site
    )


def render(api: ir.Api) -> dict[str, str]:
    renderer = Renderer(
        RenderOptions(package="stripe_client"),
        package.common_context(api, "stripe_client"),
    )
    return {f.path: renderer.emit(f) for f in reference.files(api, "stripe_client")}


def fixtures_file() -> Path:
    return spec.cache_dir(PIN) / spec.load_pin(PIN).fixtures.name


# --- example synthesis --------------------------------------------------------------------------


def test_a_synthesized_example_fits_its_schema_and_is_the_same_every_time() -> None:
    models, aliases = thing_models()
    shapes = examples.Examples(models, aliases)
    value, fixture = shapes.of_model("Thing")
    assert not fixture
    assert fits(value, ir.ModelRef("Thing"), shapes)
    assert value["kind"] == "big"  # an enum's first value
    assert value["owner"] == "owner_value"  # an expandable reference: its ID
    assert value["parent"] is None  # an object that may be null is null
    assert "extra" not in value  # one that may be missing is left out
    assert value["shape"] == {"object": "circle", "radius": 2.5}  # the spec's example
    assert examples.Examples(models, aliases).of_model("Thing") == (value, False)
    owner, _ = shapes.of_model("Owner")
    assert owner["email"] == "a@b.c"  # a field's example from the spec comes first
    text = examples.example_json(value)
    assert json.loads(text) == value


def test_synthesized_examples_of_every_stripe_model_fit_their_schema(
    stripe_api: ir.Api,
) -> None:
    site = reference.Site(stripe_api)
    synthesized = examples.Examples(site.examples.models, site.aliases)  # no fixtures
    names = [m.name for m in stripe_api.models] + [a.name for a in stripe_api.aliases]
    assert len(names) > 100
    for name in names:
        value, fixture = synthesized.of_model(name)
        assert not fixture
        assert fits(value, ir.ModelRef(name), synthesized), name


def test_the_pinned_fixtures_are_the_examples_of_their_objects(
    stripe_api: ir.Api, stripe_fixtures: dict[str, Any]
) -> None:
    assert dict(stripe_api.fixtures)["card"]  # read beside the pinned spec
    site = reference.Site(stripe_api)
    value, fixture = site.examples.of_model("Card")
    assert fixture and value == stripe_fixtures["card"]
    # a spec file has no fixtures: its examples are synthesized
    settings = load_settings(ROOT / "pyproject.toml")
    assert spec.load_fixtures(spec.resolve_spec_path(settings.spec)) == ()


# --- the Returns section ------------------------------------------------------------------------


def test_a_response_union_has_one_block_per_variant_with_its_fields(
    target_page: reference.ReferencePage, stripe_fixtures: dict[str, Any]
) -> None:
    returns = target_page.returns
    assert [p.text for p in returns.type_parts] == ["object (", "PaymentSource", ")"]
    assert returns.type_parts[1].link == "../models/payment_source.html"
    assert returns.discriminator == "object"
    assert [v.name for v in returns.variants] == [
        "Account",
        "BankAccount",
        "Card",
        "Source",
    ]
    assert [v.tag for v in returns.variants] == [
        "account",
        "bank_account",
        "card",
        "source",
    ]
    assert [v.anchor for v in returns.variants] == [
        "returns-account",
        "returns-bank_account",
        "returns-card",
        "returns-source",
    ]
    card = returns.variants[2]
    fields = {f.name: f for f in card.fields}
    assert {"last4", "brand", "exp_month", "customer", "metadata"} <= set(fields)
    assert fields["last4"].required and fields["last4"].type == "string"
    customer = fields["customer"]
    assert customer.expandable and customer.nullable and not customer.children
    assert [p.link for p in customer.type_parts if p.link] == [
        "../models/customer.html",
        "../models/deleted_customer.html",
    ]
    assert card.example_source == reference.FROM_FIXTURES
    assert json.loads(card.example) == stripe_fixtures["card"]
    # nested objects: opened when small, else (and past the depth) linked to their page
    account = {f.name: f for f in returns.variants[0].fields}
    opened = [f for f in account.values() if f.children]
    assert opened and all(
        len(f.children) <= describe.RESPONSE_INLINE_FIELDS for f in opened
    )
    assert all(not c.children for f in opened for c in f.children)
    settings = account["settings"]
    assert not settings.children and settings.child_link == (
        "../models/account_settings.html"
    )


def test_the_error_section_lists_the_specs_types_and_the_clients_exceptions(
    target_page: reference.ReferencePage, stripe_spec: dict[str, Any]
) -> None:
    errors = target_page.errors
    schema = stripe_spec["components"]["schemas"]["api_errors"]["properties"]
    assert list(errors.types) == schema["type"]["enum"]
    assert "enum" not in schema["code"]  # the spec lists no codes: the page says so
    assert errors.codes == () and "without a list of values" in errors.codes_note
    assert {f.name for f in errors.fields} == {"error"}
    inner = {f.name for f in errors.fields[0].children}
    assert {"type", "code", "message", "param", "decline_code"} <= inner
    assert errors.base == "StripeError"
    assert json.loads(errors.example)["error"]["type"] == schema["type"]["enum"][0]


@pytest.mark.parametrize("profile", ["stripe", "generic"])
def test_each_exception_rule_is_what_the_runtime_raises(profile: str) -> None:
    rules = reference.error_classes(profile)
    assert rules[-1].when == "any other status"
    for rule in rules:
        status, body = _response_for(rule.when)
        if profile == "stripe":
            raised = stripe_errors.error_from_response(status, {}, json.dumps(body))
            assert type(raised).__name__ == rule.name, rule
            assert rule.description  # the class's own docstring
        else:
            assert errors_generic.error_class(status).__name__ == rule.name, rule


def _response_for(when: str) -> tuple[int, dict[str, Any]]:
    """A status and an error body that the rule ``when`` says which class it gets."""
    if when.startswith("error type "):
        return 400, {"error": {"type": when.split()[-1]}}
    found = re.fullmatch(r"HTTP (\d+) with error code (\S+)", when)
    if found:
        return int(found[1]), {"error": {"code": found[2]}}
    if when == "HTTP 500 and above":
        return 503, {}
    if when == "any other status":
        return 418, {}
    first = re.fullmatch(r"HTTP ([\d, ]+)", when)
    assert first, when
    return int(first[1].split(",")[0]), {}


# --- pages, links, escaping ---------------------------------------------------------------------


def test_every_type_link_opens_a_model_page_and_the_index_lists_them(
    stripe_api: ir.Api,
) -> None:
    files = render(stripe_api)
    pages = {p for p in files if p.startswith("reference/models/")}
    site = reference.Site(stripe_api)
    assert len(pages) == len(site.pages) > 100
    assert "reference/models/card.html" in pages
    for path, html in files.items():
        if not path.endswith(".html"):
            continue
        folder = Path(path).parent
        for tag, attrs in parse(html).tags:
            href = attrs.get("href", "")
            if tag == "a" and "models/" in href:
                target = (folder / href.split("#")[0]).as_posix()
                target = str(Path(target)).replace(
                    "reference/operations/../", "reference/"
                )
                target = target.replace("reference/models/../", "reference/")
                assert target in files, (path, href)
    index = parse(files["reference/index.html"])
    models = [a for t, a in index.tags if t == "a" and a["href"].startswith("models/")]
    assert len(models) == len(pages)
    assert any(a.get("id") == "models" for t, a in index.tags if t == "section")
    card = files["reference/models/card.html"]
    assert "<main" in card and 'class="topbar"' in card
    assert 'href="../operations/customers.sources.create.html"' in card  # returned by
    assert "last4" in card and reference.FROM_FIXTURES in _unescape(card)
    source = files["reference/models/payment_source.html"]
    for member in ("account", "bank_account", "card", "source"):
        assert f'href="{member}.html"' in source


def test_model_pages_are_named_by_naming_once() -> None:
    pages = naming.reference_model_pages(["PaymentSource", "ABTest", "AbTest", "Class"])
    assert pages == {
        "PaymentSource": "payment_source.html",
        "ABTest": "ab_test.html",
        "AbTest": "ab_test_2.html",
        "Class": "class_.html",
    }


def test_hostile_text_in_examples_and_model_pages_stays_text() -> None:
    api = sample_api()
    [group] = api.groups
    card, request = group.request_models
    hostile_card = ir.Model(
        card.name,
        card.fields
        + (
            ir.Field(
                "note",
                "</script><b>note",
                ir.STR,
                True,
                HOSTILE,
                example=json.dumps(HOSTILE),
            ),
        ),
        HOSTILE,
        card.pointer,
    )
    thing = ir.Model(
        "Thing",
        (ir.Field("card", "card", ir.ModelRef(card.name), True, HOSTILE),),
        HOSTILE,
        "/components/schemas/thing",
    )
    api = ir.Api(
        **{
            **api.__dict__,
            "models": (hostile_card, thing),
            "groups": (ir.Group(**{**group.__dict__, "request_models": (request,)}),),
        }
    )
    files = render(api)
    page = files["reference/operations/things.sources.create.html"]
    model_page = files["reference/models/card_params.html"]
    for html in (page, model_page):
        assert "<script>window" not in html and "<img" not in html
        assert "<b>note" not in html
        assert "&lt;/script&gt;&lt;b&gt;note" in html
        assert "onerror=&#34;" in html or "onerror=&quot;" in html  # text, not markup
    # the example's hostile string is in the page as text of the <pre><code>
    example = model_page.split('<pre class="code example"', 1)[1]
    example = example.split("<code>", 1)[1].split("</code>")[0]
    assert json.loads(_unescape(example))["</script><b>note"] == HOSTILE


def _unescape(html: str) -> str:
    import html as html_module

    return html_module.unescape(html)


# --- the fixtures are an input of the build -----------------------------------------------------

SMALL_SPEC = {
    "openapi": "3.0.0",
    "info": {"title": "Stripe API", "version": "2023-08-16"},
    "servers": [{"url": "https://api.stripe.com/"}],
    "paths": {
        "/v1/widgets/{widget}": {
            "get": {
                "operationId": "GetWidgetsWidget",
                "parameters": [
                    {
                        "name": "widget",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "Successful response.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/widget"}
                            }
                        },
                    },
                    "default": {
                        "description": "Error response.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/error"}
                            }
                        },
                    },
                },
            }
        }
    },
    "components": {
        "schemas": {
            "widget": {
                "type": "object",
                "required": ["id", "object"],
                "properties": {
                    "id": {"type": "string"},
                    "object": {"type": "string", "enum": ["widget"]},
                    "size": {"type": "integer"},
                },
            },
            "error": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {"type": "object"}},
            },
        }
    },
}


def _project(root: Path, fixtures: dict[str, Any]) -> Path:
    """A project whose pin names a small spec and ``fixtures``, both fetched."""
    cache_dir = root / "spec" / "cache"
    cache_dir.mkdir(parents=True)
    spec_bytes = json.dumps(SMALL_SPEC).encode()
    fixture_bytes = json.dumps({"resources": fixtures}).encode()
    (cache_dir / "spec3.json").write_bytes(spec_bytes)
    (cache_dir / "fixtures3.json").write_bytes(fixture_bytes)

    def entry(name: str, data: bytes) -> dict[str, Any]:
        return {
            "path": f"openapi/{name}",
            "url": f"https://example.invalid/{name}",
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
        }

    pin = {
        "repository": "stripe/openapi",
        "commit": "0" * 40,
        "api_version": "2023-08-16",
        **entry("spec3.json", spec_bytes),
        "fixtures": entry("fixtures3.json", fixture_bytes),
    }
    (root / "spec" / "stripe.lock.json").write_text(json.dumps(pin))
    (root / "pyproject.toml").write_text(
        '[tool.codegen]\nspec = "spec/stripe.lock.json"\noutput = "generated"\n'
        'operations = ["GetWidgetsWidget"]\n'
    )
    return root


def test_changing_the_fixtures_changes_the_build_key_and_the_page(
    tmp_path: Path,
) -> None:
    widget = {"id": "wd_fixture_1", "object": "widget", "size": 3}
    first = load_settings(
        _project(tmp_path / "a", {"widget": widget}) / "pyproject.toml"
    )
    other = {**widget, "id": "wd_fixture_2"}
    second = load_settings(
        _project(tmp_path / "b", {"widget": other}) / "pyproject.toml"
    )
    spec_sha = hashlib.sha256(json.dumps(SMALL_SPEC).encode()).hexdigest()
    assert pipeline.build_key(first, spec_sha) != pipeline.build_key(second, spec_sha)
    page = "reference/operations/widgets.retrieve.html"
    built = pipeline.build(first, use_cache=False).files[page].decode()
    assert "wd_fixture_1" in built and reference.FROM_FIXTURES in _unescape(built)
    assert (
        "wd_fixture_2" in pipeline.build(second, use_cache=False).files[page].decode()
    )
    # fixtures changed without the pin: refused, as a changed spec is
    shutil.copyfile(
        tmp_path / "b" / "spec" / "cache" / "fixtures3.json",
        tmp_path / "a" / "spec" / "cache" / "fixtures3.json",
    )
    from generator.errors import CodegenError

    with pytest.raises(CodegenError, match="does not match the pin"):
        pipeline.build(first, use_cache=False)


def test_a_spec_file_without_fixtures_synthesizes(tmp_path: Path) -> None:
    path = tmp_path / "widgets.json"
    path.write_text(json.dumps(SMALL_SPEC))
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.codegen]\nspec = "{path.name}"\noutput = "generated"\nall = true\n'
    )
    settings = load_settings(tmp_path / "pyproject.toml")
    assert pipeline.fixtures_sha256(settings) is None
    built = pipeline.build(settings, use_cache=False).files
    page = built["reference/operations/widgets.retrieve.html"].decode()
    assert reference.SYNTHESIZED in page and "id_value" in page


def test_an_example_shows_invisible_characters_as_escapes() -> None:
    value = {"note": "bell \x07 bidi \u202e nel \x85 line \u2028 é"}
    text = examples.example_json(value)
    assert json.loads(text) == value
    assert all(c.isprintable() or c in "\n " for c in text)
    assert "\\u202e" in text and "é" in text


def test_label_parts_are_the_label_with_its_models_marked() -> None:
    expr = ir.Nullable(
        ir.UnionType(
            (ir.STR, ir.ModelRef("Customer"), ir.ListType(ir.ModelRef("Card")))
        )
    )
    parts = describe.label_parts(expr)
    assert "".join(text for text, _ in parts) == describe.label(expr)
    assert [name for _, name in parts if name] == ["Customer", "Card"]
    assert describe.expandable(ir.UnionType((ir.STR, ir.ModelRef("Customer"))))
    assert not describe.expandable(ir.UnionType((ir.ModelRef("A"), ir.STR)))


def test_a_unions_example_is_its_first_members_and_says_where_it_is_from(
    stripe_api: ir.Api, stripe_fixtures: dict[str, Any]
) -> None:
    site = reference.Site(stripe_api)
    assert site.examples.of_model("PaymentSource") == (stripe_fixtures["account"], True)
    models, aliases = thing_models()
    assert examples.Examples(models, aliases).of_model("Shape") == (
        {"object": "circle", "radius": 2.5},
        False,
    )


def test_an_operation_returns_its_lists_items_and_their_union_members() -> None:
    import dataclasses

    models, aliases = thing_models()
    listing = ir.Model(
        "ShapeList",
        (
            ir.Field("object", "object", ir.LiteralType(("list",)), True, ""),
            ir.Field("data", "data", ir.ListType(ir.ModelRef("Shape")), True, ""),
        ),
        "",
        "/components/schemas/shape_list",
    )
    api = sample_api()
    [op] = api.operations
    op = dataclasses.replace(
        op, response=ir.Response(ir.ModelRef("ShapeList"), "application/json", "")
    )
    api = dataclasses.replace(
        api,
        operations=(op,),
        groups=(dataclasses.replace(api.groups[0], operations=(op,)),),
        models=tuple(sorted([*models.values(), listing], key=lambda m: m.name)),
        aliases=tuple(aliases.values()),
    )
    site = reference.Site(api)
    returned = {name for name, ops in site.returned_by.items() if op in ops}
    assert returned == {"ShapeList", "Shape", "Circle", "Square"}
    assert set(site.taken_by) == {"CardParams"}  # the body's nested model
    page = reference.operation_page(
        api, site.components, api.groups[0], op, "stripe_client", site
    )
    [variant] = page.returns.variants
    assert variant.name == "ShapeList" and variant.tag == "list"
    assert json.loads(variant.example)["data"] == [{"object": "circle", "radius": 2.5}]


def test_variant_blocks_have_unique_ascii_anchors() -> None:
    assert naming.page_anchors("returns", ["BankAccount", "Card", "card", "名前"]) == [
        "returns-bank_account",
        "returns-card",
        "returns-card_2",
        naming.page_anchors("returns", ["名前"])[0],
    ]
    assert all(a.isascii() for a in naming.page_anchors("returns", ["名前", "</a>"]))

"""The ``params`` modules: request models rendered as ``TypedDict``s, each exactly once.

A small spec of two groups sharing one nested object is lowered and rendered; its params
modules are then imported (the shared class is one object), checked at run time by
``ParamsType``, and type-checked with ``mypy --strict`` and pyright strict on a user's
snippet of dict literals, which must pass, and misspelt ones, which must fail.
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator import ir
from generator.lower import Selection, lower_document
from generator.present import params
from generator.render import RenderOptions, render
from generator.runtime._params import ParamsType
from generator.runtime.errors import InvalidParamsError
from generator.spec import parse_document
from tests.support import specs
from tests.support.typecheck import pyright_strict

PACKAGE = "pp_pkg"

CARD = {
    "title": "card_params",
    "type": "object",
    "description": "The card to charge.",
    "properties": {
        "number": {"type": "string", "maxLength": 19, "description": "The number."},
        "cvc": {"type": "string"},
        "exp_month": {"type": "integer"},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["number", "exp_month"],
}


def _body(extra: dict[str, Any]) -> dict[str, Any]:
    card = {"anyOf": [CARD, {"type": "string", "maxLength": 5000}]}
    return specs.form_body({"card": card, **extra})


SPEC = specs.document(
    {
        "/v1/customers/{customer}/sources": {
            "post": specs.operation(
                "PostCustomersCustomerSources",
                parameters=[specs.param("customer", "path")],
                body=_body(
                    {
                        "items": {
                            "type": "array",
                            "items": {
                                "title": "item_params",
                                "type": "object",
                                "properties": {
                                    "price": {"type": "string"},
                                    "quantity": {"type": "integer"},
                                },
                                "required": ["price"],
                            },
                        },
                        "mode": {"type": "string", "enum": ["live", "test"]},
                        "window": {
                            "title": "window_params",
                            "type": "object",
                            "properties": {
                                "from": {"type": "integer"},
                                "foo-bar": {"type": "string"},
                                "str": {"type": "string"},
                            },
                        },
                    }
                ),
            )
        },
        "/v1/charges": {
            "post": specs.operation(
                "PostCharges",
                body=_body({"amount": {"type": "integer"}}),
            )
        },
    },
    {"Thing": specs.THING},
)


@pytest.fixture(scope="module")
def api() -> ir.Api:
    return lower_document(
        parse_document(SPEC), Selection(all=True), spec_sha256="0" * 64
    )


@pytest.fixture(scope="module")
def names(api: ir.Api) -> dict[str, str]:
    """The class names lowering chose: the payloads' and the nested objects'."""
    groups = {g.name: g for g in api.groups}
    found: dict[str, str] = {}
    for group in ("customers", "charges"):
        (op,) = [op for op in groups[group].operations if op.body is not None]
        assert op.body is not None
        found[group] = op.body.model
    models = {m.name: m for g in api.groups for m in g.request_models}

    def nested(model: str, key: str) -> str:
        (field,) = [f for f in models[model].fields if f.wire_name == key]
        (name,) = ir.referenced_names(field.type)
        return name

    found["card"] = nested(found["customers"], "card")
    found["item"] = nested(found["customers"], "items")
    found["window"] = nested(found["customers"], "window")
    assert nested(found["charges"], "card") == found["card"]
    return found


@pytest.fixture(scope="module")
def package(api: ir.Api, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rendered params modules, in a package of their own (the rest is not theirs)."""
    root = tmp_path_factory.mktemp("params")
    files = render(api, RenderOptions(PACKAGE))
    (root / PACKAGE / "params").mkdir(parents=True)
    (root / PACKAGE / "__init__.py").write_text("")
    for path, text in files.items():
        if path.startswith(f"{PACKAGE}/params/"):
            (root / path).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def modules(package: Path) -> Any:
    sys.path.insert(0, str(package))
    try:
        importlib.invalidate_caches()
        yield {
            name: importlib.import_module(f"{PACKAGE}.params.{name}")
            for name in ("customers", "charges", "_shared")
        }
    finally:
        sys.path.remove(str(package))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]


# --- the views ----------------------------------------------------------------------------------


def _field(
    wire: str, expr: ir.TypeExpr, required: bool = False, doc: str = ""
) -> ir.Field:
    return ir.Field(wire, wire, expr, required, doc)


LIMITED = ir.Primitive("str", (ir.Constraint("max_length", 5000, "max length 5000"),))


def test_keys_are_wire_names_with_required_and_inline_constraints() -> None:
    model = ir.Model(
        "CardParams",
        (
            _field("number", LIMITED, required=True, doc="The card number."),
            _field("cvc", ir.Primitive("str")),
            _field("nickname", ir.Nullable(ir.Primitive("str"))),
            _field("kind", ir.LiteralType(("credit", "debit"))),
        ),
        "",
        "#/x",
        request=True,
    )
    view = params.typed_dict_view(model)
    assert not view.functional
    assert [(k.key, k.annotation) for k in view.keys] == [
        ("number", "Required[Annotated[str, Field(max_length=5000)]]"),
        ("cvc", "str"),
        ("nickname", "Optional[str]"),
        ("kind", 'Literal["credit", "debit"]'),
    ]
    assert view.keys[0].docstring == "The card number."
    assert view.docstring == "The ``CardParams`` parameters."


@pytest.mark.parametrize(
    "wire, ok",
    [
        ("amount", True),
        ("type", True),
        ("object", True),
        ("from", False),  # a keyword
        ("foo-bar", False),
        ("1st", False),
        ("__x", False),  # mangled in a class body
        ("ﬁle", False),  # read as "file"
        ("str", False),  # would shadow the type for the keys after it
        ("Optional", False),
    ],
)
def test_keys_that_cannot_be_class_attributes(wire: str, ok: bool) -> None:
    assert params.class_syntax_key(wire) is ok


def test_a_key_named_like_a_referenced_model_needs_the_functional_form() -> None:
    model = ir.Model(
        "Outer",
        (_field("Inner", ir.ModelRef("Inner")), _field("b", ir.ModelRef("Inner"))),
        "",
        "#/x",
        request=True,
    )
    view = params.typed_dict_view(model)
    assert view.functional
    assert [(k.literal, k.annotation) for k in view.keys] == [
        ('"Inner"', "Inner"),
        ('"b"', "Inner"),
    ]


def test_the_functional_form_lists_the_keys_in_the_class_docstring() -> None:
    model = ir.Model(
        "Range",
        (_field("from", ir.Primitive("int"), doc="Start, inclusive."),),
        "A range.",
        "#/x",
        request=True,
    )
    view = params.typed_dict_view(model)
    assert view.functional
    assert "``from``: Start, inclusive." in view.docstring
    assert view.keys[0].docstring == ""


def _group(name: str, *models: ir.Model) -> ir.Group:
    return ir.Group(name, name.title(), name, (), tuple(models))


def _model(name: str, *fields: ir.Field) -> ir.Model:
    return ir.Model(name, fields, "", f"#/{name}", request=True)


def test_layout_shares_a_model_of_several_groups_and_keeps_the_others_local() -> None:
    card = _model("Card", _field("number", ir.Primitive("str")))
    a = _model("AParams", _field("card", ir.ModelRef("Card")))
    b = _model("BParams", _field("card", ir.ModelRef("Card")))
    where = params.layout((_group("a", a, card), _group("b", b, card)))
    assert where.shared == (card,)
    assert where.local == {"a": (a,), "b": (b,)}
    assert where.reexported == {"a": ("Card",), "b": ("Card",)}


def test_layout_keeps_a_name_local_where_groups_give_it_different_shapes() -> None:
    """Until lowering names request models uniquely across the API."""
    card_a = _model("Card", _field("number", ir.Primitive("str")))
    card_b = _model("Card", _field("token", ir.Primitive("str")))
    # Uses is the same everywhere, but its Card is not: it must not be shared either
    uses_a = _model("Uses", _field("card", ir.ModelRef("Card")))
    same = _model("Same", _field("x", ir.Primitive("int")))
    where = params.layout(
        (_group("a", card_a, uses_a, same), _group("b", card_b, uses_a, same))
    )
    assert where.shared == (same,)
    assert where.local == {"a": (card_a, uses_a), "b": (card_b, uses_a)}


def test_payload_import_names_the_group_module(api: ir.Api) -> None:
    group = next(g for g in api.groups if g.name == "charges")
    (op,) = [op for op in group.operations if op.body is not None]
    assert op.body is not None
    assert params.payload_import(group, op.body) == ("..params.charges", op.body.model)


# --- the rendered modules -----------------------------------------------------------------------


def test_each_shared_class_is_defined_once_and_re_exported(
    package: Path, modules: Any, names: dict[str, str]
) -> None:
    customers, charges, shared = (
        modules["customers"],
        modules["charges"],
        modules["_shared"],
    )
    card = names["card"]
    assert getattr(customers, card) is getattr(charges, card) is getattr(shared, card)
    texts = [p.read_text() for p in (package / PACKAGE / "params").glob("*.py")]
    assert sum(f"class {card}(TypedDict" in t for t in texts) == 1
    assert names["item"] in vars(customers) and names["item"] not in vars(charges)


def test_the_rendered_classes_check_dicts_at_run_time(
    modules: Any, names: dict[str, str]
) -> None:
    payload = getattr(modules["customers"], names["customers"])
    checker = ParamsType(payload, "customers.sources.create")
    good = {
        "card": {"number": "4242424242424242", "exp_month": 8},
        "items": [{"price": "p", "quantity": 1}],
        "window": {"from": 1, "foo-bar": "x", "str": "y"},
        "mode": None,
    }
    assert checker.validate(good) == {k: v for k, v in good.items() if v is not None}
    with pytest.raises(InvalidParamsError) as caught:
        checker.validate(
            {
                "card": {"number": "4242424242424242", "exp_month": 8, "cvv": "1"},
                "items": [{"price": "p", "quantty": 1}],
                "window": {"fro": 1},
                "mode": "prod",
            }
        )
    assert sorted(caught.value.problems) == [
        ("card.cvv", "unknown parameter (did you mean 'cvc'?)"),
        ("items.0.quantty", "unknown parameter (did you mean 'quantity'?)"),
        ("mode", "input should be 'live' or 'test'"),
        ("window.fro", "unknown parameter (did you mean 'from'?)"),
    ]
    assert "4242" not in str(caught.value)


GOOD_SNIPPET = """\
from {package}.params import charges, customers
from {package}.params.customers import {card}, {customers}

card: {card} = {{"number": "4242424242424242", "exp_month": 8, "metadata": {{"k": "v"}}}}
params: {customers} = {{
    "card": {{"number": "4242424242424242", "exp_month": 8, "cvc": "314"}},
    "items": [{{"price": "price_1", "quantity": 2}}],
    "mode": "live",
    "window": {{"from": 1, "foo-bar": "x", "str": "y"}},
}}
token: {customers} = {{"card": "tok_visa"}}
charge: charges.{charges} = {{"card": card, "amount": 5}}
same: charges.{card} = customers.{card}(number="4242424242424242", exp_month=8)
"""

BAD_SNIPPETS = {
    # key: (the assignment, whether the checkers name the key: inside a union such as
    # `Union[CardParams, str]` they only say the dict fits no member)
    "cvv": (
        '{customers} = {{"card": {{"number": "4", "exp_month": 8, "cvv": "1"}}}}',
        False,
    ),
    "cvvv": ('{card} = {{"number": "4", "exp_month": 8, "cvvv": "1"}}', True),
    "quantty": ('{customers} = {{"items": [{{"price": "p", "quantty": 1}}]}}', True),
    "exp_month": ('{card} = {{"number": "4"}}', True),
    "prod": ('{customers} = {{"mode": "prod"}}', False),
    "fro": ('{customers} = {{"window": {{"fro": 1}}}}', True),
    "amount": ('{charges} = {{"amount": "5"}}', False),
}


def _snippets(
    package: Path, names: dict[str, str]
) -> tuple[Path, dict[str, tuple[Path, bool]]]:
    good = package / "good.py"
    good.write_text(GOOD_SNIPPET.format(package=PACKAGE, **names))
    bad: dict[str, tuple[Path, bool]] = {}
    for key, (assignment, named) in BAD_SNIPPETS.items():
        kind = next(
            k for k in ("customers", "charges", "card") if f"{{{k}}}" in assignment
        )
        module = "charges" if kind == "charges" else "customers"
        path = package / f"bad_{key}.py"
        path.write_text(
            f"from {PACKAGE}.params.{module} import {names[kind]}\n\n"
            f"p: {assignment.format(**names)}\n"
        )
        bad[key] = (path, named)
    return good, bad


def _error_lines(output: str, path: Path) -> list[str]:
    return [
        line for line in output.splitlines() if "error" in line and path.name in line
    ]


def _run(*command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_mypy_strict_takes_dict_literals_and_refuses_misspelt_keys(
    package: Path, names: dict[str, str], tmp_path: Path
) -> None:
    good, bad = _snippets(package, names)
    mypy = ("mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path))
    result = _run(*mypy, good.name, f"{PACKAGE}/params", cwd=package)
    assert result.returncode == 0, result.stdout + result.stderr
    for key, (path, named) in bad.items():
        result = _run(*mypy, path.name, cwd=package)
        assert result.returncode == 1, (key, result.stdout)
        errors = _error_lines(result.stdout, path)
        assert errors and all(f"{path.name}:3:" in e for e in errors), (key, errors)
        if named:
            assert f'"{key}"' in result.stdout, (key, result.stdout)


def test_pyright_strict_takes_dict_literals_and_refuses_misspelt_keys(
    package: Path, names: dict[str, str]
) -> None:
    good, bad = _snippets(package, names)
    result = pyright_strict(package, [good.name, f"{PACKAGE}/params"])
    assert result.returncode == 0, result.stdout + result.stderr
    for key, (path, named) in bad.items():
        result = pyright_strict(package, [path.name])
        assert result.returncode == 1, (key, result.stdout)
        errors = _error_lines(result.stdout, path)
        assert errors and all(f"{path.name}:3:" in e for e in errors), (key, errors)
        if named:
            assert f'"{key}"' in result.stdout, (key, result.stdout)


def test_a_group_without_parameter_classes_imports_nothing() -> None:
    """A group whose operations take path parameters only (Figma's ``component_sets``)."""
    context = params.module_context((), docstring_text="Request parameters.")
    assert context["typing_extensions_names"] == [] and context["typing_names"] == []

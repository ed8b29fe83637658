"""`present.models`: the views of the `models` package, one module per model or alias."""

from __future__ import annotations

import dataclasses

import pytest

from generator import ir
from generator.errors import CodegenError
from generator.present import models
from generator.present.files import Template

STR = ir.Primitive("str")


def _field(name: str, type_: ir.TypeExpr, *, required: bool = False) -> ir.Field:
    return ir.Field(name, name, type_, required=required, doc="")


def _model(name: str, *fields: ir.Field) -> ir.Model:
    return ir.Model(name, fields, doc="", pointer=f"/components/schemas/{name.lower()}")


CARD = _model(
    "Card",
    _field("id", STR, required=True),
    _field("customer", ir.UnionType((STR, ir.ModelRef("Customer")))),
    _field("twins", ir.ListType(ir.ModelRef("Card"))),
)
CUSTOMER = _model("Customer", _field("default_card", ir.ModelRef("Card")))
SOURCE = ir.Alias(
    "PaymentSource",
    ir.UnionType(
        (ir.ModelRef("Card"), ir.ModelRef("Customer")), discriminator="object"
    ),
    doc="",
    pointer="/components/schemas/payment_source",
)
MODULES = {"Card": "card", "Customer": "customer", "PaymentSource": "payment_source"}


def test_a_model_quotes_every_model_it_names_and_imports_them_for_type_checkers() -> (
    None
):
    context = models.model_context(CARD, MODULES)
    fields = {f.name: f.annotation for f in context["model"].fields}
    assert fields["customer"] == 'Optional[Union[str, "Customer"]]'
    assert fields["twins"] == 'Optional[list["Card"]]'  # itself too: not yet defined
    assert [(i.module, i.name) for i in context["type_imports"]] == [
        ("customer", "Customer")
    ]
    assert context["typing_names"][0] == "TYPE_CHECKING"


def test_a_model_naming_no_model_imports_nothing_for_type_checkers() -> None:
    context = models.model_context(_model("Plain", _field("id", STR)), MODULES)
    assert context["type_imports"] == []
    assert "TYPE_CHECKING" not in context["typing_names"]


def test_an_alias_imports_what_it_names() -> None:
    context = models.alias_context(SOURCE, MODULES)
    assert [(i.module, i.name) for i in context["imports"]] == [
        ("card", "Card"),
        ("customer", "Customer"),
    ]
    # evaluated at import: the members are the classes, not quoted names
    assert context["alias"].annotation.startswith("Annotated[Union[Card, Customer]")


def test_the_package_lists_each_name_with_its_module() -> None:
    api_models = (CARD, CUSTOMER)
    context = models.package_context(_api(api_models, (SOURCE,)), MODULES)
    assert [(e.name, e.module, e.literal) for e in context["exports"]] == [
        ("Card", "card", '"Card"'),
        ("Customer", "customer", '"Customer"'),
        ("PaymentSource", "payment_source", '"PaymentSource"'),
    ]


def test_files_are_the_package_then_one_module_per_model_and_alias() -> None:
    out = models.files(_api((CARD, CUSTOMER), (SOURCE,)), "pkg", "# header\n")
    assert [f.path for f in out] == [
        "pkg/models/__init__.py",
        "pkg/models/card.py",
        "pkg/models/customer.py",
        "pkg/models/payment_source.py",
    ]
    assert all(isinstance(f, Template) and f.header == "# header\n" for f in out)


def test_models_of_a_generic_api_derive_from_the_neutral_base_class() -> None:
    stripe = _api((CARD, CUSTOMER), ())
    generic = dataclasses.replace(stripe, profile="generic")
    assert models.base_class(stripe) == "StripeModel"
    assert models.base_class(generic) == "APIModel"
    contexts = [f.context for f in models.files(generic, "pkg", "")[1:]]
    assert all(isinstance(c, dict) and c["base_class"] == "APIModel" for c in contexts)


def test_object_kinds_are_stripes_only() -> None:
    tagged = _model("Card", _field("object", ir.LiteralType(("card",)), required=True))
    stripe = _api((tagged,), ())
    generic = dataclasses.replace(stripe, profile="generic")
    kinds = models.package_context(stripe, {"Card": "card"})["object_kinds"]
    assert [k.tag for k in kinds] == ['"card"']
    assert models.package_context(generic, {"Card": "card"})["object_kinds"] == []


def test_an_alias_defined_by_itself_is_refused() -> None:
    loop = ir.Alias("Loop", ir.ListType(ir.ModelRef("Loop")), doc="", pointer="/x")
    with pytest.raises(CodegenError, match="defined only in terms of itself"):
        models.files(_api((), (loop,)), "pkg", "")


def _api(api_models: tuple[ir.Model, ...], aliases: tuple[ir.Alias, ...]) -> ir.Api:
    return ir.Api(
        title="T",
        api_version="1",
        base_url="https://example.com",
        spec_sha256="0" * 64,
        models=api_models,
        aliases=aliases,
        groups=(),
        error_model=None,
    )

"""Unit tests for generator.naming: identifiers, keywords, collisions, stable ordering."""

from __future__ import annotations

import itertools
import keyword

import pytest

from generator import naming
from generator.naming import (
    CLASS_RESERVED,
    MODEL_RESERVED,
    PARAMETER_RESERVED,
    RESOURCE_RESERVED,
    attribute_name,
    class_name,
    pascal_case,
    snake_case,
    unique_names,
)

# --- snake_case / pascal_case --------------------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("PostCustomersCustomerSources", "post_customers_customer_sources"),
        ("checkout.session", "checkout_session"),
        ("foo-bar", "foo_bar"),
        ("already_snake", "already_snake"),
        ("HTTPServer", "http_server"),
        ("getURLForThing", "get_url_for_thing"),
        ("ID", "id"),
        ("", ""),
    ],
)
def test_snake_case(wire: str, expected: str) -> None:
    assert snake_case(wire) == expected


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("checkout.session", "CheckoutSession"),
        ("customer_payment_source_card", "CustomerPaymentSourceCard"),
        ("PostCustomersCustomerSources", "PostCustomersCustomerSources"),
        ("foo-bar", "FooBar"),
        ("api_errors", "ApiErrors"),
        ("", ""),
    ],
)
def test_pascal_case(wire: str, expected: str) -> None:
    assert pascal_case(wire) == expected


def test_words_are_nfkc_normalised() -> None:
    # U+FB01 (the "fi" ligature) is read by Python as "fi" in identifiers
    assert snake_case("\ufb01le") == "file"


# --- attribute_name ------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["class", "from", "import", "async", "lambda", "if"])
def test_attribute_name_keywords_get_trailing_underscore(word: str) -> None:
    assert keyword.iskeyword(word)
    assert attribute_name(word) == word + "_"


def test_attribute_name_keyword_after_case_conversion() -> None:
    # "Class" is not a keyword, but its snake form is
    assert attribute_name("Class") == "class_"


def test_attribute_name_soft_keywords_and_capitalised_constants_are_fine() -> None:
    assert attribute_name("match") == "match"
    assert attribute_name("None") == "none"


def test_attribute_name_reserved_names() -> None:
    assert attribute_name("json") == "json"
    assert attribute_name("json", reserved=MODEL_RESERVED) == "json_"
    assert attribute_name("dict", reserved=MODEL_RESERVED) == "dict_"
    assert attribute_name("timeout", reserved=PARAMETER_RESERVED) == "timeout_"
    assert attribute_name("self", reserved=PARAMETER_RESERVED) == "self_"
    assert attribute_name("customer", reserved=MODEL_RESERVED) == "customer"


def test_attribute_name_pydantic_namespace_prefix() -> None:
    assert attribute_name("model_config") == "model_config_"
    assert attribute_name("model_dump") == "model_dump_"
    assert attribute_name("modeled") == "modeled"


@pytest.mark.parametrize(
    ("wire", "expected"),
    [("3d_secure", "n_3d_secure"), ("1st", "n_1st"), ("2", "n_2")],
)
def test_attribute_name_leading_digit(wire: str, expected: str) -> None:
    assert attribute_name(wire) == expected
    assert expected.isidentifier()


@pytest.mark.parametrize("wire", ["", "---", "..."])
def test_attribute_name_empty(wire: str) -> None:
    assert attribute_name(wire) == "value"


def test_attribute_name_normalises_like_python() -> None:
    assert attribute_name("\ufb01le") == "file"


def test_attribute_name_camel_and_dots() -> None:
    assert attribute_name("PostCustomersCustomerSources") == (
        "post_customers_customer_sources"
    )
    assert attribute_name("billing_details.address") == "billing_details_address"


# --- class_name ----------------------------------------------------------------------------


def test_class_name_plain() -> None:
    assert class_name("checkout.session") == "CheckoutSession"
    assert class_name("customer") == "Customer"


@pytest.mark.parametrize("reserved", ["Field", "Optional", "BaseModel", "Client"])
def test_class_name_reserved_gets_model_suffix(reserved: str) -> None:
    assert reserved in CLASS_RESERVED
    assert class_name(reserved) == reserved + "Model"


def test_class_name_builtins_and_keywords_get_model_suffix() -> None:
    assert class_name("exception") == "ExceptionModel"
    assert class_name("None") == "NoneModel"
    # "str" becomes "Str", which shadows nothing
    assert class_name("str") == "Str"


def test_class_name_custom_reserved() -> None:
    assert class_name("customer", reserved={"Customer"}) == "CustomerModel"
    # the default reserved set is replaced, not extended
    assert class_name("field", reserved=()) == "Field"


def test_class_name_invalid_starts() -> None:
    assert class_name("") == "Model"
    assert class_name("3ds") == "Model_3ds"
    assert class_name("\u540d\u524d") == "Model\u540d\u524d"


# --- unique_names --------------------------------------------------------------------------


def test_unique_names_own_wire_name_wins_regardless_of_order() -> None:
    expected = {"foo_bar": "foo_bar", "foo-bar": "foo_bar_2"}
    assert unique_names({"foo-bar": "foo_bar", "foo_bar": "foo_bar"}) == expected
    assert unique_names({"foo_bar": "foo_bar", "foo-bar": "foo_bar"}) == expected


def test_unique_names_is_independent_of_input_order() -> None:
    items = [("b", "Foo"), ("a", "Foo"), ("c", "Foo")]
    results = {
        tuple(sorted(unique_names(dict(order)).items()))
        for order in itertools.permutations(items)
    }
    assert results == {(("a", "Foo"), ("b", "Foo2"), ("c", "Foo3"))}


def test_unique_names_snake_case_separator() -> None:
    assert unique_names({"x": "foo", "y": "foo"}) == {"x": "foo", "y": "foo_2"}


def test_unique_names_respects_taken() -> None:
    assert unique_names({"x": "foo"}, taken={"foo", "foo_2"}) == {"x": "foo_3"}
    assert unique_names({"x": "Card"}, taken={"Card"}) == {"x": "Card2"}


def test_unique_names_result_is_unique_even_when_suffix_is_a_candidate() -> None:
    result = unique_names({"a": "x", "b": "x", "c": "x_2"})
    assert len(set(result.values())) == 3
    assert result == {"a": "x", "b": "x_2", "c": "x_2_2"}


def test_unique_names_keeps_distinct_names() -> None:
    assert unique_names({"a": "one", "b": "two"}) == {"a": "one", "b": "two"}


# --- reserved words of resources and methods ----------------------------------------------


@pytest.mark.parametrize("word", ["class", "return", "import", "None", "async"])
def test_is_reserved_word_is_a_python_keyword(word: str) -> None:
    assert naming.is_reserved_word(word)


@pytest.mark.parametrize("word", ["list", "create", "match", "type", "sources"])
def test_is_reserved_word_leaves_other_names(word: str) -> None:
    # soft keywords (``match``) and builtins are fine as attribute names of a resource
    assert not naming.is_reserved_word(word)


def test_resource_reserved_names_get_a_trailing_underscore_as_methods() -> None:
    assert {"with_raw_response", "str", "dict", "type"} <= RESOURCE_RESERVED
    # ``list`` is a method of most resources: the modules annotate with typing.List
    assert "list" not in RESOURCE_RESERVED
    assert attribute_name("list", reserved=RESOURCE_RESERVED) == "list"
    assert attribute_name("type", reserved=RESOURCE_RESERVED) == "type_"
    assert attribute_name("with_raw_response", reserved=RESOURCE_RESERVED) == (
        "with_raw_response_"
    )


def test_reserved_sets_are_consistent() -> None:
    assert set(naming.CALL_OPTIONS) <= PARAMETER_RESERVED
    assert "register" in MODEL_RESERVED


# --- names decided while lowering ----------------------------------------------------------


def test_numbered_takes_the_first_free_number() -> None:
    assert naming.numbered("Card", set()) == "Card"
    assert naming.numbered("Card", {"Card"}) == "Card2"
    assert naming.numbered("Card", {"Card", "Card2"}) == "Card3"


def test_component_class_names_are_unique_and_avoid_reserved_names() -> None:
    names = naming.component_class_names(["customer", "Customer", "Field"])
    # the key that is its own class name keeps it, whatever the spec's order
    assert names == {
        "Customer": "Customer",
        "customer": "Customer2",
        "Field": "FieldModel",
    }


def test_operation_id_for_an_operation_without_one() -> None:
    assert naming.operation_id_for("get", "/v1/things", set()) == "GetV1Things"
    assert naming.operation_id_for("get", "/v1/things", {"GetV1Things"}) == (
        "GetV1Things2"
    )
    assert naming.operation_id_for("post", "/", set()) == "Post"


def test_operation_stem_and_payload_model_names() -> None:
    stem = naming.operation_stem("customers.sources.create")
    assert stem == "CustomersSourcesCreate"
    assert naming.query_model_name(stem, with_body=False) == stem + "Params"
    # an operation with a body too: its query gets a name of its own
    assert naming.query_model_name(stem, with_body=True) == stem + "QueryParams"
    assert naming.body_model_name(stem) == stem + "Params"


def test_operation_stem_of_a_reserved_class_name_gets_model_suffix() -> None:
    # a call ``client.field(...)`` must not make a class shadowing ``Field``
    assert naming.operation_stem("field") == "FieldModel"


def test_resource_class_names_avoid_models_and_reserved_names() -> None:
    names = naming.resource_class_names(
        [("customers",), ("customers", "sources"), ("request",), ("customers",)],
        model_names={"CustomersResource"},
    )
    assert names == {
        ("customers",): "CustomersResource2",
        ("customers", "sources"): "CustomersSourcesResource",
        ("request",): "RequestResource",
    }
    assert names[("request",)] == "Request" + naming.RESOURCE_SUFFIX


def test_resource_class_names_are_unique_whatever_the_order() -> None:
    # ``a_b`` at the top and ``b`` below ``a`` read alike: the sorted first keeps the name
    paths = [("a", "b"), ("a_b",)]
    results = {
        tuple(sorted(naming.resource_class_names(order, model_names=()).items()))
        for order in itertools.permutations(paths)
    }
    assert results == {((("a", "b"), "ABResource"), (("a_b",), "ABResource2"))}


def test_async_class_name() -> None:
    assert naming.async_class_name("CustomersResource") == "AsyncCustomersResource"


def test_field_names_avoid_model_attributes_and_collide_deterministically() -> None:
    assert naming.field_names(["json", "foo-bar", "foo_bar"]) == {
        "json": "json_",
        "foo_bar": "foo_bar",
        "foo-bar": "foo_bar_2",
    }


def test_argument_names_share_one_namespace_across_locations() -> None:
    names = naming.argument_names(
        [("path", "customer"), ("query", "customer"), ("body", "timeout")]
    )
    assert names == {
        ("body", "timeout"): "timeout_",  # a call option
        ("path", "customer"): "customer",
        ("query", "customer"): "customer_2",
    }


def test_a_path_parameter_keeps_its_name_over_a_body_property() -> None:
    """Petstore's ``PUT /user/{username}`` also has a body property ``username``: the
    positional path argument stays ``username`` whatever the order of the locations."""
    names = naming.argument_names(
        [("body", "username"), ("header", "username"), ("path", "username")]
    )
    assert names == {
        ("path", "username"): "username",
        ("header", "username"): "username_2",
        ("body", "username"): "username_3",
    }


def test_inline_model_candidates_title_first_then_hint() -> None:
    hint = naming.inline_hint("PostThings", "card")
    assert hint == "PostThings card"
    assert naming.inline_candidates("card_details", hint) == [
        "CardDetails",
        "PostThingsCard",
    ]
    assert naming.inline_candidates(None, hint) == ["PostThingsCard"]
    assert naming.inline_candidates("", hint) == ["PostThingsCard"]
    assert naming.inline_candidates("PostThingsCard", hint) == ["PostThingsCard"]


# --- names decided while presenting -----------------------------------------------------------


def test_constant_names_are_private_upper_snake_case_of_their_parts() -> None:
    assert naming.constant_name("PostCustomers", "body", "styles") == (
        "_POST_CUSTOMERS_BODY_STYLES"
    )
    assert naming.constant_name("Customer", "") == "_CUSTOMER"  # empty parts left out
    assert naming.styles_constant("get_customers", "query") == (
        "_GET_CUSTOMERS_QUERY_STYLES"
    )


def test_response_constants_are_shared_per_model_else_per_operation() -> None:
    # two operations returning Customer share one constant
    assert naming.response_constant("get_customer", "Customer") == "_CUSTOMER"
    assert naming.response_constant("post_customer", "Customer") == "_CUSTOMER"
    assert naming.response_constant("get_files", None) == "_GET_FILES_RESPONSE"


def test_page_file_names_and_links_follow_the_method_name() -> None:
    assert naming.docs_page("get_customers") == "get_customers.md"
    assert naming.docs_page_link("get_customers") == "operations/get_customers.md"
    assert naming.reference_page("get_customers") == "get_customers.html"
    assert naming.reference_page_link("get_customers") == (
        "operations/get_customers.html"
    )
    # pages are named by call now: the dots stay in the file name
    assert naming.docs_page("customers.sources.create") == (
        "customers.sources.create.md"
    )
    assert naming.reference_page_link("customers.sources.create") == (
        "operations/customers.sources.create.html"
    )


def test_page_file_names_of_non_ascii_methods_stay_ascii_and_agree() -> None:
    stem = naming.file_stem("名前_get")
    assert stem.isascii() and stem != "名前_get"
    assert naming.docs_page("名前_get") == f"{stem}.md"
    assert naming.reference_page_link("名前_get") == f"operations/{stem}.html"


def test_markdown_anchor_is_what_github_gives_a_model_heading() -> None:
    assert naming.markdown_anchor("CustomerPaymentSourceCard") == (
        "customerpaymentsourcecard"
    )


def test_model_modules_are_snake_case_unique_ascii_and_importable() -> None:
    names = ["PaymentSource", "ABTest", "AbTest", "AbTest2", "Class", "Model名前"]
    modules = naming.model_modules(names)
    assert modules["PaymentSource"] == "payment_source"
    # one folder may ignore case: ABTest and AbTest must not share a file
    assert {modules["ABTest"], modules["AbTest"]} == {"ab_test", "ab_test_2"}
    assert modules["AbTest2"] not in {"ab_test", "ab_test_2"}
    assert modules["Class"] == "class_"  # `from .class import Class` would not parse
    assert modules["Model名前"].isascii()
    assert len(set(modules.values())) == len(names)
    for module in modules.values():
        assert module.isidentifier() and not keyword.iskeyword(module)
        assert module == module.lower()


def test_a_long_name_gets_a_short_stable_unique_file_stem() -> None:
    deep = "_".join(f"level{n}" for n in range(40))
    stem = naming.file_stem(deep)
    assert len(stem) <= naming.MAX_STEM and stem.isascii()
    assert stem.startswith("level0_level1_") and stem == naming.file_stem(deep)
    assert stem != naming.file_stem(deep + "_level40")
    assert naming.file_stem("x" * naming.MAX_STEM) == "x" * naming.MAX_STEM


@pytest.mark.parametrize(
    ("call", "title"),
    [
        ("customers.sources.create", "Create a source"),
        ("customers.list", "List customers"),
        ("customers.retrieve", "Retrieve a customer"),
        ("payment_intents.search", "Search payment intents"),
        ("invoices.delete", "Delete an invoice"),
        ("charges.capture", "Capture a charge"),
        ("orders.return_", "Return an order"),
        ("subscription_items.usage_records.create", "Create a usage record"),
        ("customers.tax_ids.create", "Create a tax ID"),
        ("accounts.capabilities.list", "List capabilities"),
        ("invoices.upcoming_lines", "Invoice: upcoming lines"),
        ("quotes.pdf", "Quote: pdf"),
        ("ping", "Ping"),
        ("health_check", "Health check"),
    ],
)
def test_a_title_is_made_from_the_call_when_the_spec_has_no_summary(
    call: str, title: str
) -> None:
    *resource, method = call.split(".")
    assert naming.operation_title("", tuple(resource), method) == title


def test_the_specs_summary_is_the_title_on_one_line() -> None:
    assert (
        naming.operation_title("  Plant a\n tree ", ("trees",), "create")
        == "Plant a tree"
    )

"""Unit tests for the generator fixes the hostile-input tests led to (naming, text, lowering)."""

from __future__ import annotations

import keyword
import re
from typing import Any

import pytest
from pydantic import BaseModel

from generator import ir, naming, text
from generator.errors import CodegenError
from generator.lower import Selection, lower_document, operations_of
from generator.spec import parse_document
from hostile_support import NAMES, THING, document, form_body, ok_response, operation

# --- naming --------------------------------------------------------------------------------------


def test_every_public_basemodel_attribute_is_reserved_for_fields() -> None:
    public = [n for n in dir(BaseModel) if not n.startswith("_")]
    assert public, "pydantic changed shape"
    unreserved = [
        n
        for n in public
        if n not in naming.MODEL_RESERVED and not n.startswith("model_")
    ]
    assert unreserved == []


@pytest.mark.parametrize(
    "builtin", ["str", "int", "float", "bool", "bytes", "list", "dict"]
)
def test_fields_and_arguments_never_shadow_the_builtins_annotations_use(
    builtin: str,
) -> None:
    assert (
        naming.attribute_name(builtin, reserved=naming.MODEL_RESERVED) == builtin + "_"
    )
    assert (
        naming.attribute_name(builtin, reserved=naming.PARAMETER_RESERVED)
        == builtin + "_"
    )


@pytest.mark.parametrize("name", ["quote_path", "encode_params", "self", "timeout"])
def test_arguments_never_shadow_what_a_method_body_uses(name: str) -> None:
    assert naming.attribute_name(name, reserved=naming.PARAMETER_RESERVED) != name


@pytest.mark.parametrize("name", ["close", "request", "base_url", "timeout"])
def test_resource_groups_never_shadow_client_attributes(name: str) -> None:
    assert naming.attribute_name(name, reserved=naming.CLIENT_RESERVED) == name + "_"


@pytest.mark.parametrize("wire", NAMES)
def test_attribute_names_are_normalised_identifiers(wire: str) -> None:
    name = naming.attribute_name(wire, reserved=naming.MODEL_RESERVED)
    assert name.isidentifier() and not keyword.iskeyword(name)
    assert not name.startswith("model_") or name.endswith("_")
    assert name == __import__("unicodedata").normalize("NFKC", name)


def test_nfkc_is_applied_as_python_applies_it() -> None:
    assert (
        naming.attribute_name("ﬁle") == "file"
    )  # the parser would read ``ﬁle`` as ``file``


@pytest.mark.parametrize("wire", ["名前", "1st", "", "class", "ünï", "foo-bar"])
def test_class_names_start_upper_case_so_no_field_can_shadow_them(wire: str) -> None:
    name = naming.class_name(wire)
    assert name.isidentifier() and name[0].isupper()


def test_a_name_that_is_its_own_wire_name_wins_a_collision() -> None:
    assert naming.unique_names({"foo-bar": "foo_bar", "foo_bar": "foo_bar"}) == {
        "foo_bar": "foo_bar",
        "foo-bar": "foo_bar_2",
    }
    assert naming.unique_names({"Foo": "foo", "foo": "foo"}) == {
        "foo": "foo",
        "Foo": "foo_2",
    }


@pytest.mark.parametrize("name", ["get_thing", "名前", "ünï", "ﬁ", "a_名"])
def test_file_stems_are_ascii_stable_and_distinct(name: str) -> None:
    stem = naming.file_stem(name)
    assert re.fullmatch(r"[A-Za-z0-9_]+", stem)
    assert stem == naming.file_stem(name)
    assert name.isascii() == (stem == name)


def test_file_stems_of_different_names_differ() -> None:
    names = ["名前", "名", "ünï", "uni", "üni"]
    assert len({naming.file_stem(n) for n in names}) == len(names)


# --- text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        'Evil"""\nimport os',
        "back\\slash \\N{X}",
        "<script>x</script> `tick`",
        "a\x00b\u2028c",
    ],
)
def test_plain_line_is_safe_in_strings_comments_docstrings_and_headings(
    value: str,
) -> None:
    line = text.plain_line(value)
    assert "\n" not in line and '"' not in line and "\\" not in line and "`" not in line
    assert "<" not in line and ">" not in line and line.isprintable()
    compile(f'"""{line}"""\n# {line}\nx = "{line}"\n', "t", "exec")


def test_plain_line_keeps_ordinary_titles() -> None:
    assert text.plain_line("Stripe API") == "Stripe API"
    assert text.plain_line("2024-01-01") == "2024-01-01"


def test_safe_url_encodes_what_could_end_a_literal() -> None:
    url = text.safe_url('https://x.test/a"b\\c d`e\n')
    assert url == "https://x.test/a%22b%5Ccd%60e"
    assert (
        text.safe_url("https://api.stripe.com/v1?a=%20b")
        == "https://api.stripe.com/v1?a=%20b"
    )


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("a", "`a`"),
        ("a|b", "`a\\|b`"),
        ("", '`""`'),
        ("a`b", "``a`b``"),
        ("`x", "`` `x ``"),
        (" padded ", "`  padded  `"),
        ("\x1f", "`\\x1f`"),
    ],
)
def test_table_code(value: str, code: str) -> None:
    assert text.table_code(value) == code


def test_markdown_text_leaves_ordinary_ids_and_paths_alone() -> None:
    assert text.markdown_text("GetCustomers") == "GetCustomers"
    assert text.markdown_text("post_customers_customer") == "post_customers_customer"
    assert text.markdown_text("/v1/customers/{customer}") == "/v1/customers/{customer}"
    assert text.markdown_text("<b>*x*</b>|`") == "\\<b\\>\\*x\\*\\</b\\>\\|\\`"


def test_an_unclosed_code_fence_is_closed() -> None:
    assert text.to_markdown("a\n\n```python\nx = 1\n") == "a\n\n```python\nx = 1\n```"
    closed = "a\n\n~~~\nx\n~~~\n\nb"
    assert text.to_markdown(closed) == closed


def test_error_messages_stay_three_lines_whatever_the_names() -> None:
    error = CodegenError("bad name 'a\nb'", pointer="/paths/~1x\x85y", hint="fix\rit")
    assert str(error).splitlines() == [
        "bad name 'a\\nb'",
        "  at: /paths/~1x\\x85y",
        "  fix: fix\\rit",
    ]


# --- lowering ------------------------------------------------------------------------------------


def lower(doc: dict[str, Any]) -> ir.Api:
    return lower_document(
        parse_document(doc), Selection(all=True), spec_sha256="0" * 64
    )


def body_types(api: ir.Api) -> dict[str, ir.TypeExpr]:
    op = api.operations[0]
    assert op.body is not None
    return {f.wire_name: f.type for f in op.body.fields}


def test_enum_values_that_cannot_be_literals_widen_the_type() -> None:
    api = lower(
        document(
            {
                "/v1/x": {
                    "post": operation(
                        "PostX",
                        body=form_body(
                            {
                                "floats": {"enum": ["a", 1, 1.5]},
                                "objects": {"enum": [{"a": 1}, "x"]},
                                "only_floats": {"type": "number", "enum": [0.5, 2.5]},
                                "fine": {"enum": ["a", "a", 1, True]},
                            }
                        ),
                    )
                }
            },
            {"Thing": THING},
        )
    )
    types = body_types(api)
    assert types["floats"] == ir.UnionType(
        (ir.LiteralType(("a", 1)), ir.Primitive("float"))
    )
    assert types["objects"] == ir.ANY
    assert types["only_floats"] == ir.Primitive("float")
    assert types["fine"] == ir.LiteralType(("a", 1, True))


def test_null_among_the_enum_values_makes_the_type_nullable() -> None:
    api = lower(
        document(
            {
                "/v1/x": {
                    "post": operation(
                        "PostX",
                        body=form_body({"e": {"type": "string", "enum": ["a", None]}}),
                    )
                }
            },
            {"Thing": THING},
        )
    )
    assert body_types(api)["e"] == ir.Nullable(ir.LiteralType(("a",)))


def test_binary_strings_are_bytes_only_as_multipart_file_parts() -> None:
    binary = {"type": "string", "format": "binary"}
    nested = {"type": "object", "properties": {"inner": binary}}
    multipart = {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": binary, "meta": nested},
                }
            }
        }
    }
    api = lower(
        document(
            {
                "/v1/files": {"post": operation("PostFiles", body=multipart)},
                "/v1/forms": {
                    "post": operation("PostForms", body=form_body({"file": binary}))
                },
            },
            {"Thing": THING},
        )
    )
    files, forms = api.operations
    assert files.body is not None and forms.body is not None
    assert files.body.fields[0].type == ir.Primitive("bytes")
    assert forms.body.fields[0].type == ir.STR
    nested_model = next(
        m
        for g in api.groups
        for m in g.request_models
        if m.fields and m.fields[0].wire_name == "inner"
    )
    assert nested_model.fields[0].type == ir.STR


def test_duplicate_operation_ids_are_an_error_naming_both() -> None:
    doc = document(
        {"/v1/a": {"get": operation("GetX")}, "/v1/b": {"get": operation("GetX")}},
        {"Thing": THING},
    )
    with pytest.raises(CodegenError, match="GET /v1/a and GET /v1/b") as caught:
        lower(doc)
    assert caught.value.pointer == "/paths/~1v1~1b/get/operationId"


def test_synthesised_operation_ids_avoid_the_ids_the_spec_gives() -> None:
    doc = document(
        {
            "/v1/things": {"get": operation()},
            "/v1/other": {"get": operation("GetV1Things")},
        },
        {"Thing": THING},
    )
    ids = [op.operation_id for op in operations_of(parse_document(doc))]
    assert ids == ["GetV1Things2", "GetV1Things"]


def test_a_spec_without_operations_is_an_error_at_paths() -> None:
    with pytest.raises(CodegenError, match="no operations") as caught:
        lower(document({}, {"Thing": THING}))
    assert caught.value.pointer == "/paths"


def test_server_variables_take_their_defaults() -> None:
    doc = document(
        {"/v1/x": {"get": operation("GetX", response=ok_response())}}, {"Thing": THING}
    )
    doc["servers"] = [
        {
            "url": "https://{region}.example.test/v1",
            "variables": {"region": {"default": "eu"}},
        }
    ]
    assert lower(doc).base_url == "https://eu.example.test/v1"

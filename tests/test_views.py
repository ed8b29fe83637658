"""Unit tests for generator.present.python, .operations, .order and .imports: what package
templates receive."""

from __future__ import annotations

import re
from typing import Any, NoReturn, Optional

import pytest

from generator import ir, naming
from generator.present import imports
from generator.present import operations
from generator.present import order as ordering
from generator.present import python as views
from generator.errors import CodegenError
from generator.present.operations import (
    IDEMPOTENT_METHODS,
    call_options,
    call_options_type,
    method_view,
    path_expression,
)
from generator.present.order import ordered_aliases
from generator.present.python import (
    ArgumentView,
    ConstantView,
    FieldView,
    field_view,
)

STR = ir.Primitive("str")


def max_len(n: int) -> ir.Constraint:
    return ir.Constraint("max_length", n, f"max length {n}")


def field(
    type_: ir.TypeExpr,
    *,
    name: str = "email",
    wire: Optional[str] = None,
    required: bool = False,
    doc: str = "",
) -> ir.Field:
    return ir.Field(name, wire or name, type_, required, doc)


# --- field_view ----------------------------------------------------------------------------


def test_optional_field_is_optional_with_none_default() -> None:
    view = field_view(field(STR))
    assert view == FieldView("email", "Optional[str]", "None", "")


def test_required_field_has_no_default() -> None:
    view = field_view(field(ir.Primitive("int"), required=True))
    assert view == FieldView("email", "int", None, "")


def test_any_is_not_wrapped_in_optional() -> None:
    view = field_view(field(ir.ANY))
    assert (view.annotation, view.default) == ("Any", "None")


def test_aliased_wire_name() -> None:
    view = field_view(field(STR, name="from_", wire="from"))
    assert view.name == "from_"
    assert view.annotation == "Optional[str]"
    assert view.default == (
        'Field(default=None, validation_alias="from", serialization_alias="from")'
    )


def test_required_aliased_field_has_no_default_keyword() -> None:
    view = field_view(field(STR, name="class_", wire="class", required=True))
    assert (
        view.default == 'Field(validation_alias="class", serialization_alias="class")'
    )


def test_constraints_hoisted_into_field_for_primitives() -> None:
    constrained = ir.Primitive("str", (max_len(5),))
    assert field_view(field(constrained, required=True)) == FieldView(
        "email", "str", "Field(max_length=5)", ""
    )
    optional = field_view(field(constrained))
    assert optional.annotation == "Optional[str]"
    assert optional.default == "Field(default=None, max_length=5)"


def test_constraints_hoisted_through_nullable() -> None:
    constrained = ir.Nullable(ir.Primitive("str", (max_len(5),)))
    view = field_view(field(constrained, required=True))
    assert view.annotation == "Optional[str]"
    # a response may send null for it: it parses as None, constraints kept
    assert view.default == "Field(default=None, max_length=5)"


def test_nullable_required_response_field_defaults_to_none() -> None:
    view = field_view(field(ir.Nullable(STR), required=True))
    assert (view.annotation, view.default) == ("Optional[str]", "None")


def test_field_view_takes_no_request_flag() -> None:
    # request models are TypedDicts now (present.params): field_view is response-only
    with pytest.raises(TypeError):
        field_view(field(STR), request=True)  # type: ignore[call-arg]


def test_constraints_inside_union_use_annotated() -> None:
    union = ir.UnionType((ir.Primitive("str", (max_len(5),)), ir.LiteralType(("",))))
    view = field_view(field(union))
    assert view.annotation == (
        'Optional[Union[Annotated[str, Field(max_length=5)], Literal[""]]]'
    )
    assert view.default == "None"


def test_constraints_inside_list_use_annotated() -> None:
    items = ir.ListType(ir.Primitive("str", (max_len(5),)))
    view = field_view(field(items, required=True))
    assert view.annotation == "list[Annotated[str, Field(max_length=5)]]"
    assert view.default is None


def test_several_constraints_keep_their_order() -> None:
    number = ir.Primitive(
        "int",
        (ir.Constraint("le", 10, "at most 10"), ir.Constraint("ge", 1, "at least 1")),
    )
    view = field_view(field(number, required=True))
    assert view.default == "Field(le=10, ge=1)"


def test_discriminated_union_annotation() -> None:
    union = ir.UnionType((ir.ModelRef("Card"), ir.ModelRef("Bank")), "object")
    view = field_view(field(union, required=True))
    assert view.annotation == (
        'Annotated[Union[Card, Bank], Field(discriminator="object")]'
    )


def test_open_enum_annotation() -> None:
    view = field_view(field(ir.LiteralType(("a", "b"), open=True), required=True))
    assert view.annotation == 'Union[Literal["a", "b"], str]'


def test_field_docstring() -> None:
    view = field_view(field(STR, doc="The customer's email."))
    assert view.docstring == "The customer's email."


def test_model_view_of_a_response_model() -> None:
    response = ir.Model("Customer", (field(STR),), "", "/x")
    view = views.model_view(response)
    assert view.name == "Customer"
    assert view.docstring == "The ``Customer`` object."
    assert view.fields == (FieldView("email", "Optional[str]", "None", ""),)
    assert not view.spaced
    documented = ir.Model("Card", (field(STR, doc="An email."),), "A card.", "/x")
    assert views.model_view(documented).docstring == "A card."
    assert views.model_view(documented).spaced
    # every model is a StripeModel: there is no base or config to choose any more
    assert not hasattr(view, "base") and not hasattr(view, "config")


# --- path_expression -----------------------------------------------------------------------


def _evaluate(expression: str, **arguments: Any) -> str:
    code = compile(expression, "<path>", "eval")
    namespace = {"quote_path": lambda value: f"<{value}>", **arguments}
    result = eval(code, namespace)  # noqa: S307 - our own generated expression
    assert isinstance(result, str)
    return result


def test_path_expression_without_parameters_is_a_plain_string() -> None:
    assert path_expression("/v1/customers", {}) == '"/v1/customers"'


def test_path_expression_quotes_each_parameter() -> None:
    expression = path_expression(
        "/v1/customers/{customer}/sources/{id}", {"customer": "customer", "id": "id_"}
    )
    assert expression == (
        'f"/v1/customers/{quote_path(customer)}/sources/{quote_path(id_)}"'
    )
    assert _evaluate(expression, customer="cus 1", id_="src") == (
        "/v1/customers/<cus 1>/sources/<src>"
    )


def test_path_expression_escapes_braces_and_quotes_in_literal_parts() -> None:
    path = '/v1/a}b/"q"\\x/{id}'
    expression = path_expression(path, {"id": "id_"})
    assert expression == 'f"/v1/a}}b/\\"q\\"\\\\x/{quote_path(id_)}"'
    assert _evaluate(expression, id_="1") == '/v1/a}b/"q"\\x/<1>'


def test_path_expression_uses_argument_names() -> None:
    expression = path_expression("/v1/{quote}", {"quote": "quote_"})
    assert expression == 'f"/v1/{quote_path(quote_)}"'


def test_path_expression_literal_brace_without_parameters() -> None:
    assert _evaluate(path_expression("/v1/a}b", {})) == "/v1/a}b"


# --- ordered_aliases -----------------------------------------------------------------------


def _alias(name: str, type_: ir.TypeExpr) -> ir.Alias:
    return ir.Alias(name, type_, "", f"/components/schemas/{name.lower()}")


def test_ordered_aliases_puts_dependencies_first() -> None:
    source = _alias("Source", ir.UnionType((ir.ModelRef("Card"), ir.ModelRef("Bank"))))
    sources = _alias("Sources", ir.ListType(ir.ModelRef("Source")))
    nested = _alias("Wrapper", ir.MapType(ir.ModelRef("Sources")))
    ordered = ordered_aliases((nested, sources, source))
    assert [a.name for a in ordered] == ["Source", "Sources", "Wrapper"]


def test_ordered_aliases_keeps_independent_order() -> None:
    a = _alias("A", STR)
    b = _alias("B", ir.Primitive("int"))
    assert ordered_aliases((b, a)) == [b, a]


def test_self_referential_alias_is_an_error() -> None:
    loop = _alias("Loop", ir.ListType(ir.ModelRef("Loop")))
    with pytest.raises(CodegenError) as caught:
        ordered_aliases((loop,))
    assert caught.value.pointer == "/components/schemas/loop"
    assert "'Loop'" in caught.value.message


def test_alias_cycle_through_two_aliases_is_an_error() -> None:
    a = _alias("A", ir.ListType(ir.ModelRef("B")))
    b = _alias("B", ir.Nullable(ir.ModelRef("A")))
    with pytest.raises(CodegenError):
        ordered_aliases((a, b))


# --- imports, from the IR ---------------------------------------------------------------


def test_typing_names_come_from_the_types_in_fixed_order() -> None:
    open_enum = ir.LiteralType(("a",), open=True)
    uses = imports.of_type(ir.UnionType((open_enum, ir.Nullable(STR))))
    assert uses.typing_names() == ["Literal", "Optional", "Union"]
    assert not uses.field
    assert imports.of_type(ir.ANY).typing_names() == ["Any"]
    mixed = ir.LiteralType((1, "a"), open=True)  # open base Any
    assert imports.of_type(mixed).typing_names() == ["Any", "Literal", "Union"]


def test_constraints_need_annotated_and_field_only_when_validated() -> None:
    limited = ir.Primitive("str", (max_len(5),))
    assert imports.of_type(limited).typing_names() == []
    validated = imports.of_type(ir.ListType(limited), validated=True)
    assert validated.typing_names() == ["Annotated"] and validated.field
    tagged = ir.UnionType((ir.ModelRef("A"), ir.ModelRef("B")), discriminator="kind")
    assert imports.of_type(tagged) == imports.Uses(
        frozenset({"Annotated", "Union"}), True
    )


def test_field_uses_match_the_field_view() -> None:
    """Whatever ``field_view`` writes, the computed imports cover, and no more."""
    cases = [
        field(STR, required=True),
        field(STR, wire="e-mail"),
        field(STR, required=False),
        field(ir.Primitive("str", (max_len(5),)), required=False),
        field(ir.ListType(ir.Primitive("str", (max_len(5),)))),
        field(ir.Nullable(ir.ANY), required=False),
    ]
    for case in cases:
        view = field_view(case)
        uses = imports.of_field(case)
        source = view.annotation + " = " + (view.default or "")
        words = set(re.findall(r"[A-Za-z]+", source))
        assert set(uses.typing_names()) == words & set(imports.TYPING_NAMES)
        assert uses.field == ("Field(" in source)


def test_names_of_longer_identifiers_are_not_imports() -> None:
    assert imports.of_type(ir.ModelRef("AnyThing")) == imports.NOTHING
    assert imports.union([]) == imports.NOTHING


# --- method_view (present.operations) -------------------------------------------------------


def _payload(
    fields: tuple[ir.Field, ...],
    *,
    media_type: str,
    styles: tuple[tuple[str, str], ...],
    model: str = "CustomersUpdateParams",
) -> ir.Payload:
    return ir.Payload(
        model=model,
        media_type=media_type,
        fields=fields,
        arguments=tuple(f.name for f in fields),
        styles=styles,
        required=any(f.required for f in fields),
    )


def _operation(**overrides: Any) -> ir.Operation:
    values: dict[str, Any] = dict(
        operation_id="PostCustomersCustomer",
        name="update",
        resource=("customers",),
        method="post",
        path="/v1/customers/{customer}",
        title="Update a customer",
        summary="Updates a customer.",
        doc="Updates a customer.",
        path_params=(ir.Parameter("customer", "customer", STR, "The ID."),),
        query=None,
        body=None,
        response=ir.Response(ir.ModelRef("Customer"), "application/json", "ok"),
        error=None,
        server=None,
        pointer="/paths/x/post",
    )
    values.update(overrides)
    return ir.Operation(**values)


def _list_operation(kind: str = "cursor") -> ir.Operation:
    query = _payload(
        (field(ir.Primitive("int"), name="limit"), field(STR, name="starting_after")),
        media_type="query",
        styles=(("limit", "form"), ("starting_after", "form")),
        model="CustomersListParams",
    )
    return _operation(
        operation_id="GetCustomers",
        name="list",
        method="get",
        path="/v1/customers",
        path_params=(),
        query=query,
        response=ir.Response(ir.ModelRef("CustomerList"), "application/json", ""),
        pagination=ir.Pagination(kind, ir.ModelRef("Customer")),
    )


def test_method_view_keywords_required_first_then_call_options() -> None:
    body = _payload(
        (
            field(STR, name="description"),
            field(ir.Primitive("int"), name="amount", required=True),
            field(ir.MapType(STR), name="metadata"),
            field(STR, name="currency", required=True),
        ),
        media_type="application/x-www-form-urlencoded",
        styles=(("metadata", "deepObject"),),
    )
    view = method_view(_operation(body=body), awaitable=False)
    assert view.name == "update"
    assert view.positional == (ArgumentView("customer", "str", None),)
    # resource modules spell maps and lists with typing's Dict and List (see the module)
    assert view.keywords == (
        ArgumentView("amount", "int", None),
        ArgumentView("currency", "str", None),
        ArgumentView("description", "Optional[str]", "None"),
        ArgumentView("metadata", "Optional[Dict[str, str]]", "None"),
    )
    assert view.call_options == "**call_options: Unpack[PostCallOptions],"
    assert view.options == "RequestOptions(**call_options)"


def test_idempotency_key_is_offered_on_post_operations_only() -> None:
    """On GET and DELETE an `Idempotency-Key` does nothing, so their ``**call_options``
    (``CallOptions``) have no such key."""
    assert IDEMPOTENT_METHODS == frozenset({"post"})
    assert call_options("POST") == naming.CALL_OPTIONS
    assert call_options_type("POST") == "PostCallOptions"
    for method in ("get", "delete"):
        view = method_view(_operation(method=method), awaitable=False)
        assert view.call_options == "**call_options: Unpack[CallOptions],"
        assert call_options(method) == (
            "api_key",
            "stripe_account",
            "stripe_version",
            "timeout",
            "max_retries",
            "extra_headers",
            "extra_query",
            "extra_body",
        )
        assert call_options_type(method) == "CallOptions"


def test_method_view_request_details() -> None:
    body = _payload(
        (field(ir.MapType(STR), name="metadata"), field(STR, name="name")),
        media_type="application/x-www-form-urlencoded",
        # the runtime's default is deepObject, and a scalar is sent alike in every style:
        # only the map in form style is listed
        styles=(("metadata", "form"), ("name", "form")),
    )
    operation = _operation(body=body)
    assert operations.encoding_styles(body) == [("metadata", "form")]
    view = method_view(operation, awaitable=False)
    assert view.define == "def"
    assert view.send == "self._client.request"
    assert view.http_method == "post"
    assert view.path_expression == 'f"/v1/customers/{quote_path(customer)}"'
    assert view.returns == "Customer"
    assert view.response_constant == "_CUSTOMER"
    assert operations.response_constant(operation) == "_CUSTOMER"
    assert view.base_url is None
    assert view.query is None
    assert view.body is not None
    assert view.body.constant == "_CUSTOMERS_UPDATE_PARAMS"
    assert operations.params_constant(body) == "_CUSTOMERS_UPDATE_PARAMS"
    assert view.body.styles == '{"metadata": "form"}'
    # named after the call, not the operation ID
    assert view.body.styles_constant == "_CUSTOMERS_UPDATE_BODY_STYLES"
    assert view.body.files == ()
    assert view.body.file_keys == ""
    assert view.body.arguments == (('"metadata"', "metadata"), ('"name"', "name"))


def test_method_view_of_the_awaitable_twin() -> None:
    view = method_view(_operation(), awaitable=True)
    assert view.define == "async def"
    assert view.send == "await self._client.request"
    assert view.returns == "Customer"
    sync = method_view(_operation(), awaitable=False)
    assert {k for k in view.__dict__ if view.__dict__[k] != sync.__dict__[k]} == {
        "define",
        "send",
    }


def test_method_view_of_a_list_returns_pages() -> None:
    operation = _list_operation()
    sync = method_view(operation, awaitable=False)
    assert sync.returns == "SyncPage[Customer]"
    assert sync.send == "self._client.request_page"
    assert sync.http_method is None  # request_page always GETs
    assert sync.response_constant == "_CUSTOMER_LIST_PAGE"
    assert operations.page_constant(operation) == "_CUSTOMER_LIST_PAGE"
    assert sync.query is not None and sync.query.constant == "_CUSTOMERS_LIST_PARAMS"
    assert sync.query.styles_constant is None  # scalars only
    awaitable = method_view(operation, awaitable=True)
    # not a coroutine: it returns the paginator, awaited or iterated by the caller
    assert awaitable.define == "def"
    assert awaitable.send == "self._client.request_page"
    assert awaitable.returns == "AsyncPaginator[Customer]"
    assert "Returns the first page." in sync.docstring
    assert "walked backwards" in sync.docstring
    search = method_view(_list_operation("search"), awaitable=False)
    assert "Returns the first page." in search.docstring
    assert "walked backwards" not in search.docstring


def test_constants_are_shared_sorted_and_typed() -> None:
    body = _payload(
        (field(STR, name="name"),),
        media_type="application/x-www-form-urlencoded",
        styles=(),
    )
    update = _operation(body=body)
    retrieve = _operation(name="retrieve", method="get", operation_id="GetCustomer")
    binary = _operation(
        name="pdf",
        operation_id="GetCustomerPdf",
        method="get",
        response=ir.Response(None, "application/pdf", "pdf"),
    )
    found = operations.constants([update, retrieve, binary, _list_operation()])
    assert found == [
        ConstantView(
            "_CUSTOMER", "ResponseType[Customer]", "ResponseType(Customer)"
        ),  # update and retrieve share it
        ConstantView(
            "_CUSTOMERS_LIST_PARAMS",
            "ParamsType[CustomersListParams]",
            'ParamsType(CustomersListParams, "customers.list")',
        ),
        ConstantView(
            "_CUSTOMERS_PDF_RESPONSE",
            "ResponseType[BinaryContent]",
            "ResponseType.binary()",
        ),
        ConstantView(
            "_CUSTOMERS_UPDATE_PARAMS",
            "ParamsType[CustomersUpdateParams]",
            'ParamsType(CustomersUpdateParams, "customers.update")',
        ),
        ConstantView(
            "_CUSTOMER_LIST_PAGE",
            "PageType[Customer]",
            'PageType(CustomerList, "cursor")',
        ),
    ]
    assert [c.name for c in found] == sorted(c.name for c in found)


def test_method_view_binary_response_and_server() -> None:
    view = method_view(
        _operation(
            response=ir.Response(None, "application/pdf", "pdf"),
            server="https://files.example.com",
        ),
        awaitable=False,
    )
    assert view.returns == "BinaryContent"  # bytes with last_response
    assert view.response_constant == "_CUSTOMERS_UPDATE_RESPONSE"
    assert view.base_url == '"https://files.example.com"'


@pytest.mark.parametrize(
    ("response", "returns", "value"),
    [
        (ir.Response(None, "", "gone"), "None", "ResponseType.empty()"),
        (ir.Response(None, "text/csv", "csv"), "str", "ResponseType.text()"),
        (ir.Response(None, "*/*", "any"), "BinaryContent", "ResponseType.binary()"),
    ],
)
def test_a_response_without_a_type_returns_none_text_or_bytes(
    response: ir.Response, returns: str, value: str
) -> None:
    view = method_view(_operation(response=response), awaitable=False)
    assert view.returns == returns
    found = operations.constants([_operation(response=response)])
    assert [(c.annotation, c.value) for c in found] == [
        (f"ResponseType[{returns}]", value)
    ]


def test_method_view_multipart_files() -> None:
    body = _payload(
        (
            field(ir.Primitive("bytes"), name="file", required=True),
            field(STR, name="purpose"),
        ),
        media_type="multipart/form-data",
        styles=(("file", "form"), ("purpose", "form")),
    )
    view = method_view(_operation(body=body), awaitable=False)
    assert view.body is not None
    assert view.body.files == ('"file"',)
    assert view.body.file_keys == '("file",)'
    # the file stays among the arguments: split_files takes it out of the validated body
    assert view.body.arguments == (('"file"', "file"), ('"purpose"', "purpose"))
    assert view.body.styles_constant is None
    # bytes outside multipart are no file part
    form = _payload(
        (field(ir.Primitive("bytes"), name="file"),),
        media_type="application/x-www-form-urlencoded",
        styles=(),
    )
    form_view = method_view(_operation(body=form), awaitable=False)
    assert form_view.body is not None and form_view.body.files == ()


def test_operation_docstring_lists_documented_arguments() -> None:
    body = _payload(
        (field(STR, name="name", doc="The name."), field(STR, name="silent")),
        media_type="application/x-www-form-urlencoded",
        styles=(),
    )
    view = method_view(_operation(body=body), awaitable=False)
    assert view.docstring == (
        "Updates a customer.\n\n"
        "        ``POST /v1/customers/{customer}`` (operation ID"
        " ``PostCustomersCustomer``)\n\n"
        "        Args:\n"
        "        - customer: The ID.\n"
        "        - name: The name.\n\n"
        "        Per-call options (``idempotency_key``, ``api_key``, ``stripe_account``,\n"
        "        ``stripe_version``, ``timeout``, ``max_retries``, ``extra_headers``,\n"
        "        ``extra_query``, ``extra_body``) are those of ``RequestOptions``.\n"
        "        "
    )


def test_class_views_of_a_resource_and_its_twin() -> None:
    create = _operation(
        operation_id="PostCustomersCustomerSources",
        name="create",
        resource=("customers", "sources"),
        path="/v1/customers/{customer}/sources",
    )
    resource = ir.Resource(
        ("customers", "sources"),
        "CustomersSourcesResource",
        (create,),
        (("verify", "CustomersSourcesVerifyResource"),),
    )
    sync, awaitable = operations.class_views(resource)
    assert sync.name == "CustomersSourcesResource"
    assert awaitable.name == "AsyncCustomersSourcesResource"
    assert (sync.client_class, awaitable.client_class) == (
        "SyncAPIClient",
        "AsyncAPIClient",
    )
    assert sync.docstring == "``client.customers.sources``."
    assert awaitable.docstring == "``async_client.customers.sources``."
    assert [(c.attribute, c.class_name) for c in sync.children] == [
        ("verify", "CustomersSourcesVerifyResource")
    ]
    assert [(c.attribute, c.class_name) for c in awaitable.children] == [
        ("verify", "AsyncCustomersSourcesVerifyResource")
    ]
    assert sync.children[0].docstring == "``client.customers.sources.verify``."
    assert sync.methods == (method_view(create, awaitable=False),)
    assert awaitable.methods == (method_view(create, awaitable=True),)


# --- dependency order without recursion ----------------------------------------------------------


def test_a_chain_of_thousands_of_models_is_ordered_dependencies_first() -> None:
    """Python's recursion limit is about 1,000: a long chain of schemas must not reach it."""
    count = 5000
    chain = tuple(
        ir.Model(
            f"M{i}",
            (field(ir.ModelRef(f"M{i + 1}")),) if i + 1 < count else (),
            "",
            f"/components/schemas/M{i}",
        )
        for i in range(count)
    )
    order = [model.name for model, _ in ordering.ordered_models(chain)]
    assert order == [f"M{i}" for i in reversed(range(count))]
    aliases = tuple(
        _alias(f"A{i}", ir.ModelRef(f"A{i + 1}") if i + 1 < count else STR)
        for i in range(count)
    )
    assert [a.name for a in ordered_aliases(aliases)][:2] == [
        f"A{count - 1}",
        f"A{count - 2}",
    ]


def test_depth_first_order_hands_cycles_over_or_skips_them() -> None:
    graph = {"a": ["b"], "b": ["c"], "c": ["a"], "d": []}
    assert ordering.depth_first_order(["a", "d"], graph.__getitem__) == [
        "c",
        "b",
        "a",
        "d",
    ]
    seen: list[str] = []

    def refuse(name: str) -> NoReturn:
        seen.append(name)
        raise ValueError(name)

    with pytest.raises(ValueError):
        ordering.depth_first_order(["a"], graph.__getitem__, on_cycle=refuse)
    assert seen == ["a"]

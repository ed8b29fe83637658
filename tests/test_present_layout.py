"""The source text laid out as black prints it (``generator.present.python``'s layout helpers).

Each test puts a laid-out piece in its place in a small module and asserts that black leaves
the module as it is: the rendered text is already the final text, so black has nothing to do.
"""

from __future__ import annotations

import black
import pytest

from generator.format import black_mode
from generator.present.package import GroupView
from generator.present.python import (
    LINE_LENGTH,
    assignment,
    def_header,
    def_returns,
    import_from,
    laid_out,
)

ZONES = ", ".join(f'"Zone/{n:03d}"' for n in range(12))
LONG_LITERAL = f"Literal[{ZONES}]"


def assert_black_stable(source: str) -> None:
    assert black.format_str(source, mode=black_mode()) == source


def method(*parameters: str, returns: str = "None") -> str:
    """A method whose parameters (laid out at 8 columns) are one a line, as rendered."""
    lines = "".join(f"        {p}\n" for p in parameters)
    return f"class C:\n    def m(\n        self,\n        *,\n{lines}    {returns}\n        pass\n"


@pytest.mark.parametrize(
    "annotation",
    [
        "Optional[str]",
        "Optional[Union[CustomersSubscriptionsUpdateParamsTransferData, Literal['']]]",
        f"Optional[{LONG_LITERAL}]",
        f"Optional[Union[{LONG_LITERAL}, Dict[str, {LONG_LITERAL}], None]]",
        f"List[{LONG_LITERAL}]",
    ],
)
def test_a_parameter_is_split_inside_its_annotation_like_black(annotation: str) -> None:
    line = f"payment_behavior: {annotation} = None,"
    source = method(laid_out(line, 8, bracketed=True), returns=") -> None:")
    assert_black_stable(source.replace("'", '"'))


def test_a_long_literal_is_one_value_a_line_with_a_trailing_comma() -> None:
    text = laid_out(f"zone: {LONG_LITERAL} = None,", 8, bracketed=True)
    lines = text.splitlines()
    assert lines[0] == "zone: Literal["
    assert lines[1:3] == ['            "Zone/000",', '            "Zone/001",']
    assert lines[-2:] == ['            "Zone/011",', "        ] = None,"]


def test_a_line_that_fits_stays_on_one_line() -> None:
    assert laid_out("currency: Optional[str] = None,", 8, bracketed=True) == (
        "currency: Optional[str] = None,"
    )


@pytest.mark.parametrize(
    "line",
    [
        "x: " + " | ".join(f"Type{n}" for n in range(20)) + " = None,",  # an operator
        "x: str = " + '"' + "a" * 100 + '",',  # a string longer than a line
        "x: Zoné[" + ", ".join(f"T{n}" for n in range(30)) + "] = None,",  # wide text
    ],
)
def test_an_unknown_shape_is_left_to_black(line: str) -> None:
    assert laid_out(line, 8, bracketed=True) == line


@pytest.mark.parametrize(
    "names",
    [
        ["Balance", "BalanceTransaction"],
        [f"BalanceHistoryListParamsNumber{n}" for n in range(4)],
        ["CheckoutCustomerBalanceBankTransferPaymentMethodOptionsWithAVeryLongName"],
    ],
)
@pytest.mark.parametrize("indent", [0, 4])
def test_imports_are_one_line_or_one_name_a_line(names: list[str], indent: int) -> None:
    statement = import_from("..models", names, indent)
    if indent:
        source = f"if TYPE_CHECKING:\n    {statement}\n"
    else:
        source = f"{statement}\n"
    assert_black_stable(source)
    assert max(len(line) for line in source.splitlines()) <= LINE_LENGTH


@pytest.mark.parametrize(
    "name, annotation, value",
    [
        ("_BALANCE", "ResponseType[Balance]", "ResponseType(Balance)"),
        (  # split inside the value's call
            "_BALANCE_HISTORY_LIST_PARAMS",
            "ParamsType[BalanceHistoryListParams]",
            'ParamsType(BalanceHistoryListParams, "balance.history.list")',
        ),
        (  # the value alone in parentheses
            "_CUSTOMERS_BANK_ACCOUNTS_LIST_PARAMS",
            "ParamsType[CustomersBankAccountsListParams]",
            'ParamsType(CustomersBankAccountsListParams, "customers.bank_accounts.list")',
        ),
        (  # split inside the annotation, then inside the value's call
            "_CUSTOMERS_CASH_BALANCE_TRANSACTIONS_RETRIEVE_PARAMS",
            "ParamsType[CustomersCashBalanceTransactionsRetrieveParams]",
            "ParamsType(CustomersCashBalanceTransactionsRetrieveParams,"
            ' "customers.cash_balance_transactions.retrieve")',
        ),
        (  # a display is one item a line even when the items would fit on one
            "_CREATE_BODY_STYLES",
            "",
            '{"expand": "form", "metadata": "deepObject", "line_items": "deepObject"}',
        ),
    ],
)
@pytest.mark.parametrize("indent", [0, 4])
def test_assignments_are_laid_out_like_black(
    name: str, annotation: str, value: str, indent: int
) -> None:
    statement = assignment(name, annotation, value, indent)
    source = f"class C:\n    {statement}\n" if indent else f"{statement}\n"
    assert_black_stable(source)


def test_a_field_without_value_is_split_inside_its_annotation() -> None:
    statement = assignment("timezone", f"Required[{LONG_LITERAL}]", None, 4)
    assert statement.startswith("timezone: Required[\n        Literal[\n")
    assert_black_stable(f"class C:\n    {statement}\n")


@pytest.mark.parametrize(
    "name, returns",
    [
        ("balance", "BalanceResource"),
        (
            "cash_balance_transactions",
            "CustomersCashBalanceTransactionsResourceWithRawResponse",
        ),
    ],
)
def test_a_property_header_is_laid_out_like_black(name: str, returns: str) -> None:
    header = def_header(4, "def", name, "self", returns)
    assert_black_stable(f"class C:\n    {header}\n        pass\n")


@pytest.mark.parametrize(
    "returns",
    [
        "SyncPage[Customer]",
        'SyncPage[Annotated[Union[BankAccount, Card, Source], Field(discriminator="object")]]',
        f"AsyncPaginator[Union[{LONG_LITERAL}, Customer]]",
    ],
)
def test_a_return_type_is_laid_out_like_black(returns: str) -> None:
    source = method("limit: Optional[int] = None,", returns=def_returns(4, returns))
    assert_black_stable(source)


@pytest.mark.parametrize(
    "name, annotation, value",
    [
        ("account_country", "Optional[str]", "None"),
        (  # the value alone in parentheses, rather than the annotation split
            "affirm_payments",
            'Optional[Union[Literal["active", "inactive", "pending"], str]]',
            "None",
        ),
        (  # too long for that: split inside the annotation, its string left too long
            "applied_to_payment",
            'Optional["CustomerBalanceResourceCashBalanceTransactionResourceAppliedToPayment'
            'Transaction"]',
            "None",
        ),
    ],
)
def test_a_model_field_is_laid_out_like_black(
    name: str, annotation: str, value: str
) -> None:
    statement = assignment(name, annotation, value, 4)
    assert_black_stable(f"class C:\n    {statement}\n")


def test_a_client_property_for_a_long_group_name_is_laid_out_like_black() -> None:
    group = GroupView(
        "payment_method_domains",
        "payment_method_domains",
        "PaymentMethodDomainsResource",
        "AsyncPaymentMethodDomainsResource",
        "PaymentMethodDomainsResourceWithRawResponse",
        "AsyncPaymentMethodDomainsResourceWithRawResponse",
    )
    accessor = group.async_raw_property
    source = (
        f"class C:\n    {accessor.header}\n        {accessor.import_statement}\n\n"
        f"        {accessor.body}\n"
    )
    assert "(\n" in source  # the import and the call are too long for one line
    assert_black_stable(source)


def test_a_tuple_after_a_keyword_is_one_item_a_line() -> None:
    items = ", ".join(f"item_number_{n}" for n in range(8))
    statement = laid_out(f"return ({items})", 8)
    assert statement.splitlines()[1:3] == [
        "            item_number_0,",
        "            item_number_1,",
    ]
    assert_black_stable(f"def f():\n    if x:\n        {statement}\n")

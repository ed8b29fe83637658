"""The validation rules a request schema keeps: bounds, exclusive bounds, multiples, patterns.

``oas.constraints`` reads the inclusive bounds and lengths; this adds what it leaves out:
``exclusiveMinimum``/``exclusiveMaximum`` in both spellings (3.0: a boolean beside
``minimum``/``maximum``; 3.1: the bound itself), ``multipleOf`` and ``pattern``. Each becomes
a pydantic ``Field`` keyword that the runtime checks before a request is sent.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any, Optional, Union

from pydantic import Field, TypeAdapter

from .. import ir
from . import oas

Number = Union[int, float]
Note = Callable[[str], None]  # records a note for the user (``ir.Api.notes``)


def request_constraints(
    schema: Any, pointer: str = "", note: Optional[Note] = None
) -> tuple[ir.Constraint, ...]:
    """Every rule of ``schema`` the client checks; ``note`` hears of a rule it cannot check."""
    integer = "integer" in oas.types(schema)
    found = list(oas.constraints(schema))
    for bound, keyword, inclusive, label in (
        ("exclusiveMinimum", "gt", "ge", "greater than {}"),
        ("exclusiveMaximum", "lt", "le", "less than {}"),
    ):
        value = _exclusive_bound(schema, bound, inclusive, found, integer)
        if value is not None:
            found = [c for c in found if c.keyword != inclusive]
            found.append(ir.Constraint(keyword, value, label.format(value)))
    multiple = _number(getattr(schema, "multipleOf", None), integer)
    if multiple is not None:
        found.append(
            ir.Constraint("multiple_of", multiple, f"a multiple of {multiple}")
        )
    pattern = getattr(schema, "pattern", None)
    if isinstance(pattern, str) and "string" in oas.types(schema):
        if _pydantic_accepts(pattern):
            found.append(ir.Constraint("pattern", pattern, f"pattern {pattern}"))
        elif note is not None:
            note(
                f"{pointer}: pattern {pattern!r} is documented but not checked by the "
                "client (pydantic's regex engine has no look-around or backreferences)"
            )
    return tuple(found)


def _exclusive_bound(
    schema: Any,
    bound: str,
    inclusive: str,
    found: list[ir.Constraint],
    integer: bool,
) -> Optional[Number]:
    """The exclusive bound: 3.1's number, or 3.0's ``true`` applied to the inclusive one."""
    value = getattr(schema, bound, None)
    if value is True:
        kept = next((c.value for c in found if c.keyword == inclusive), None)
        return kept if isinstance(kept, (int, float)) else None
    return _number(value, integer)


def _number(value: Any, integer: bool) -> Optional[Number]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if integer and isinstance(value, float) and value.is_integer():
        return int(value)  # openapi-pydantic reads numbers as floats
    return value


@functools.lru_cache(maxsize=1024)
def _pydantic_accepts(pattern: str) -> bool:
    """Whether pydantic (its default Rust regex engine) can compile ``pattern``."""
    try:
        TypeAdapter(Annotated[str, Field(pattern=pattern)])
    except Exception:  # pydantic-core's SchemaError, which pydantic does not re-export
        return False
    return True

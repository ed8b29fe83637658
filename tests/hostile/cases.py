"""Every hostile case, in one list: ``ALL_CASES`` (ids unique, see tests/test_hostile.py).

To add a case, append a ``Case(id, spec, "ok" | "error", message=...)`` to the list of its
kind (identifiers, enums, text, structure, invalid); ``spec`` is built with
``support.specs`` or is raw YAML/JSON text.
"""

from __future__ import annotations

from hostile.enums import enum_cases
from hostile.identifiers import identifier_cases
from hostile.invalid import MINIMAL_PATHS, invalid_cases
from hostile.structure import structure_cases
from hostile.text import text_cases
from hostile_support import Case

ALL_CASES: list[Case] = (
    identifier_cases()
    + enum_cases()
    + text_cases()
    + structure_cases()
    + invalid_cases()
)

__all__ = ["ALL_CASES", "MINIMAL_PATHS"]

"""How deeply schemas may nest, and the stack room lowering needs for that.

Every depth limit of lowering is here. The count travels as an immutable ``Depth`` inside the
lowering context: entering a level makes a new one, so leaving it needs no bookkeeping.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..errors import CodegenError

MAX_SCHEMA_DEPTH = 64
"""How many schemas may nest inside each other inline: a response or parameter schema, and
every ``properties`` entry, ``items``, ``additionalProperties`` and ``anyOf``/``oneOf``/
``allOf`` member inside it, is one level. A ``$ref`` to a component starts a new count, since
the component becomes a class or alias of its own. Deeper schemas are refused (exit 2) with
their JSON pointer: each level can add two brackets to a generated annotation
(``Optional[list[...]]``), and Python's parser stops at 200. ``allOf`` members merged into one
class may nest as deeply, counting through their ``$ref`` targets."""
MAX_OBJECT_DEPTH = 200
"""How many objects written in place may nest inside each other below a component or the
top of a request or response. Each becomes a class of its own whose fields' annotations start
anew, so only the levels within one annotation count towards ``MAX_SCHEMA_DEPTH``; every level
still counts towards ``MAX_REF_DEPTH``, which bounds the recursion."""
MAX_REF_DEPTH = 256
"""How deeply lowering may recurse counting the ``$ref`` targets met for the first time on
the way (a chain of components, each reached through the previous one), so that any spec
within the limits is lowered without exhausting Python's stack."""
_STACK_FRAMES_PER_LEVEL = 8  # Python frames one level of lowering takes, at most


@dataclass(frozen=True)
class Depth:
    """Where a schema sits: inline levels since the last ``$ref`` or class, all levels, the
    components being lowered around it (outermost first), and the objects written in place
    around it since the last ``$ref``."""

    inline: int = 0
    total: int = 0
    chain: tuple[str, ...] = ()
    objects: int = 0

    def level(self, pointer: str) -> Depth:
        """One more inline level at ``pointer``; refused past the limits."""
        if self.inline >= MAX_SCHEMA_DEPTH:
            raise CodegenError(
                f"schema nested deeper than {MAX_SCHEMA_DEPTH} levels (properties, items, "
                "additionalProperties, anyOf/oneOf/allOf members)",
                pointer=pointer,
                hint="flatten it, or move a nested schema to components/schemas and use "
                f"$ref (a $ref starts a new count of {MAX_SCHEMA_DEPTH})",
            )
        if self.total >= MAX_REF_DEPTH:
            raise self._too_deep_through_refs(pointer)
        return Depth(self.inline + 1, self.total + 1, self.chain, self.objects)

    def fields(self, pointer: str) -> Depth:
        """The fields of the object at ``pointer``, a class of their own: a new inline
        count; refused past ``MAX_OBJECT_DEPTH`` objects in place."""
        if self.objects > MAX_OBJECT_DEPTH:
            raise CodegenError(
                f"objects nested deeper than {MAX_OBJECT_DEPTH} levels",
                pointer=pointer,
                hint="move a nested object to components/schemas and use $ref (a $ref "
                "starts a new count)",
            )
        return Depth(0, self.total, self.chain, self.objects + 1)

    def component(self, key: str, pointer: str) -> Depth:
        """Inside component ``key``, reached at ``pointer``: a new inline count."""
        if self.total >= MAX_REF_DEPTH:
            raise self._too_deep_through_refs(pointer)
        return Depth(0, self.total + 1, self.chain + (key,))

    def _too_deep_through_refs(self, pointer: str) -> CodegenError:
        chain = list(self.chain)
        shown = chain if len(chain) <= 6 else chain[:3] + ["..."] + chain[-3:]
        return CodegenError(
            f"schemas nested deeper than {MAX_REF_DEPTH} levels counting the $ref targets "
            f"they lead to ({len(chain)} components deep: {' -> '.join(shown)})",
            pointer=pointer,
            hint="shorten the chain of components that each reach the next one through "
            "their properties",
        )


def check_all_of_depth(within: int, pointer: str) -> None:
    """``within`` schemas are being merged around an ``allOf`` member at ``pointer``."""
    if within >= MAX_SCHEMA_DEPTH:
        raise CodegenError(
            f"allOf nested deeper than {MAX_SCHEMA_DEPTH} levels",
            pointer=pointer,
            hint="merge the allOf members into fewer levels",
        )


@contextmanager
def stack_room() -> Iterator[None]:
    """Lowering recurses once per level; the limits bound the levels, this gives them room."""
    limit = sys.getrecursionlimit()
    needed = _STACK_FRAMES_PER_LEVEL * (MAX_REF_DEPTH + MAX_SCHEMA_DEPTH) + 1000
    sys.setrecursionlimit(max(limit, needed))
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)

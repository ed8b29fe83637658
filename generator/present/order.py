"""The order of classes and aliases in a generated module, and the names each must quote."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NoReturn, Optional

from .. import ir
from ..errors import CodegenError


def ordered_models(
    models: tuple[ir.Model, ...], later: frozenset[str] = frozenset()
) -> list[tuple[ir.Model, frozenset[str]]]:
    """Models in an order that defines most names before they are used, with the names each
    one must still quote (defined later: cycles, and the ``later`` names such as aliases).

    Generated modules do not use ``from __future__ import annotations``: annotations are
    then evaluated by Python itself at class creation, which imports several times faster
    than pydantic compiling and evaluating thousands of strings.
    """
    by_name = {m.name: m for m in models}

    def uses(name: str) -> list[str]:
        fields = by_name[name].fields
        used = set().union(*(ir.referenced_names(f.type) for f in fields))
        return sorted(used & by_name.keys())

    names = depth_first_order(sorted(by_name), uses)
    order = [by_name[name] for name in names]
    position = {model.name: index for index, model in enumerate(order)}
    result = []
    for index, model in enumerate(order):
        used = set().union(*(ir.referenced_names(f.type) for f in model.fields))
        pending = frozenset(n for n in used if position.get(n, -1) >= index) | later
        result.append((model, pending))
    return result


def ordered_aliases(aliases: tuple[ir.Alias, ...]) -> list[ir.Alias]:
    """Aliases are evaluated at import: each must come after the aliases it uses."""
    by_name = {a.name: a for a in aliases}

    def uses(name: str) -> list[str]:
        return sorted(ir.referenced_names(by_name[name].type) & by_name.keys())

    def refuse_cycle(name: str) -> NoReturn:
        raise CodegenError(
            f"schema {name!r} is defined only in terms of itself",
            pointer=by_name[name].pointer,
            hint="give the recursive schema object properties, or break the cycle",
        )

    names = depth_first_order([a.name for a in aliases], uses, on_cycle=refuse_cycle)
    return [by_name[name] for name in names]


def depth_first_order(
    roots: Iterable[str],
    children: Callable[[str], list[str]],
    *,
    on_cycle: Optional[Callable[[str], NoReturn]] = None,
) -> list[str]:
    """Every name reachable from ``roots``, each after its children (depth-first post-order).

    Without recursion: a spec may chain thousands of schemas. A child met again while it is
    still being visited closes a cycle: skipped, or handed to ``on_cycle``.
    """
    done: dict[str, bool] = {}  # False while on the current path, True once ordered
    order: list[str] = []
    for root in roots:
        if root in done:
            continue
        done[root] = False
        stack = [(root, iter(children(root)))]
        while stack:
            name, pending = stack[-1]
            for child in pending:
                if child not in done:
                    done[child] = False
                    stack.append((child, iter(children(child))))
                    break
                if not done[child] and on_cycle is not None:
                    on_cycle(child)
            else:
                stack.pop()
                done[name] = True
                order.append(name)
    return order

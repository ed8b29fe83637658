"""Cut an OpenAPI document down to one operation and the components it reaches.

Used by the benchmark to give openapi-python-client the same single operation codegen generates.
The result is written to a temporary file at run time and never committed.

    python benchmarks/subset_spec.py SPEC /v1/customers/{customer}/sources post OUT.json [WHOLE.json]

SPEC is a JSON or YAML file, or codegen's pin (``spec/stripe.lock.json``: the fetched copy is
read). With WHOLE.json, the whole document is also written there as JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

_COMPONENT_REF = "#/components/"


def _refs(node: Any) -> set[str]:
    """Every ``$ref`` string in ``node``."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                found.add(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def subset(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    """``document`` with only ``method path`` and the transitive closure of its ``$ref``s."""
    operation = document["paths"][path][method]
    item = {method: operation}
    shared = document["paths"][path].get("parameters")
    if shared is not None:
        item["parameters"] = shared
    components = document.get("components", {})
    kept: dict[str, dict[str, Any]] = {}
    todo = sorted(_refs(item))
    seen: set[str] = set()
    while todo:
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        if not ref.startswith(_COMPONENT_REF):
            raise ValueError(f"unsupported $ref {ref!r}")
        section, name = ref[len(_COMPONENT_REF) :].split("/", 1)
        target = components[section][name]
        kept.setdefault(section, {})[name] = target
        todo.extend(sorted(_refs(target) - seen))
    if "securitySchemes" in components:
        kept["securitySchemes"] = components["securitySchemes"]
    out = {
        key: value
        for key, value in document.items()
        if key not in ("paths", "components")
    }
    out["paths"] = {path: item}
    out["components"] = {
        section: dict(sorted(kept[section].items())) for section in sorted(kept)
    }
    return out


def load(source: Path) -> dict[str, Any]:
    """The document, read the way codegen reads it (pins resolve to the fetched, checked file)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from generator import spec

    return spec.load_spec(source).data


def main(argv: list[str]) -> int:
    if len(argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    source, path, method, target = argv[:4]
    document = load(Path(source))
    if len(argv) == 5:
        Path(argv[4]).write_text(json.dumps(document), encoding="utf-8")
    result = subset(document, path, method.lower())
    Path(target).write_text(json.dumps(result, indent=1), encoding="utf-8")
    schemas = len(result["components"].get("schemas", {}))
    print(f"{target}: 1 operation, {schemas} component schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

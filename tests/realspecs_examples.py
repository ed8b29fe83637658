"""Example values made from a spec's JSON schemas, for the real-spec round trips.

``Examples(spec).value(schema, direction)`` builds one deterministic value that satisfies the
schema: ``$ref``s resolved inside the document, ``allOf`` merged, the first ``oneOf``/``anyOf``
option (the discriminator's first mapping, with its property set), the first ``enum`` value or
the ``const``, the first non-null type of a 3.1 type array, formats (date-time, uuid, email,
uri, byte, ...), bounds, lengths and patterns (a pattern's shortest match, found by
hypothesis). Every property is included down to a depth, then only the required ones; a
property that is ``readOnly`` is left out of requests and one that is ``writeOnly`` out of
responses, as OpenAPI says. The spec's own ``example`` is used where the schema accepts it.
The server checks every value with openapi-core anyway, so a schema this cannot satisfy shows
up as a harness error, never as a silently wrong value.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Optional

from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st

REQUEST = "request"
RESPONSE = "response"
FULL_DEPTH = 4  # below this depth every property, then only required ones
MAX_DEPTH = 12

_FORMATS = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "time": "03:04:05Z",
    "uuid": "0b5f0d42-7b1c-4f6e-9a53-0f4a1c2d3e4f",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com/x",
    "url": "https://example.com/x",
    "uri-reference": "https://example.com/x",
    "iri": "https://example.com/x",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": base64.b64encode(b"example").decode(),
    "binary": "example",
    "password": "secret-example",
    "duration": "P1D",
}


FIRST = "first"
LAST = "last"


@dataclass
class Examples:
    """``variant`` FIRST takes the first option of each choice and every property down to
    ``FULL_DEPTH``; LAST takes the last option (``oneOf`` member, discriminator mapping,
    enum value, non-null type) and only the required properties, so that a second round
    trip reaches what the first one never does."""

    spec: dict[str, Any]
    variant: str = FIRST
    _patterns: dict[str, str] = field(default_factory=dict)

    def pick(self, options: list[Any]) -> Any:
        return options[-1] if self.variant == LAST else options[0]

    @property
    def is_31(self) -> bool:
        """OpenAPI 3.1 dropped 3.0's rule that a required readOnly property is response-only."""
        return str(self.spec.get("openapi", "")).startswith("3.1")

    # -- references ----------------------------------------------------------------------------

    def resolve(self, node: Any) -> Any:
        """Follow ``$ref`` (a JSON pointer inside the document) until a non-reference node."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 50:
            node = self.pointer(node["$ref"])
            seen += 1
        return node

    def pointer(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise ValueError(f"only local references are supported: {ref}")
        node: Any = self.spec
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    # -- values --------------------------------------------------------------------------------

    def value(self, schema: Any, direction: str, depth: int = 0) -> Any:
        """One value that satisfies ``schema`` in ``direction`` (REQUEST or RESPONSE)."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or depth > MAX_DEPTH:
            return None
        if (
            "$dynamicRef" in schema
        ):  # a 2020-12 generic (``PaginatedResource<T>``): any object
            return {}
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            choices = [v for v in schema["enum"] if v is not None]
            return self.pick(choices) if choices else None
        if "allOf" in schema:
            return self.value(self.merged(schema), direction, depth)
        if schema.get("oneOf") and self.variant == LAST:
            # Exactly one member must match: minimal objects may match several, so a
            # ``oneOf`` is made as the FIRST variant makes it.
            first = Examples(self.spec, FIRST, self._patterns)
            return first.value(schema, direction, depth)
        options = schema.get("oneOf") or schema.get("anyOf")
        if options:
            return self.option_value(schema, options, direction, depth)
        kind = self.kind(schema)
        if kind == "object":
            return self.object_value(schema, direction, depth)
        if kind == "array":
            return self.array_value(schema, direction, depth)
        if kind == "null":
            return None
        return self.scalar_value(schema, kind)

    def kind(self, schema: dict[str, Any]) -> Optional[str]:
        kind = schema.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            kind = self.pick(kinds) if kinds else "null"
        if kind is None:
            if "properties" in schema or "additionalProperties" in schema:
                return "object"
            if "items" in schema or "prefixItems" in schema:
                return "array"
        return kind

    def merged(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``allOf`` flattened into one schema: properties and required lists joined."""
        result: dict[str, Any] = {
            k: v for k, v in schema.items() if k not in ("allOf", "example")
        }
        properties: dict[str, Any] = dict(result.get("properties", {}))
        required: list[str] = list(result.get("required", []))
        for part in schema["allOf"]:
            part = self.resolve(part)
            if "allOf" in part:
                part = self.merged(part)
            for key, item in part.items():
                if key == "properties":
                    for name, prop in item.items():  # in several parts: all must hold
                        known = properties.get(name)
                        properties[name] = (
                            prop if known is None else {"allOf": [known, prop]}
                        )
                elif key == "required":
                    required += [r for r in item if r not in required]
                elif key not in result and key != "example":
                    result[key] = item
        if properties:
            result["properties"] = properties
            result.setdefault("type", "object")
        if required:
            result["required"] = required
        return result

    def option_value(
        self,
        schema: dict[str, Any],
        options: list[Any],
        direction: str,
        depth: int,
    ) -> Any:
        discriminator = schema.get("discriminator")
        base = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
        usable = [o for o in options if self.kind(self.resolve(o)) != "null"]
        chosen = self.pick(usable) if usable else options[0]
        tag_name = tag_value = None
        if isinstance(discriminator, dict):
            tag_name = discriminator.get("propertyName")
            mapping = discriminator.get("mapping") or {}
            if mapping:
                tag_value, ref = self.pick(list(mapping.items()))
                chosen = {"$ref": ref}
            elif isinstance(chosen, dict) and "$ref" in chosen:
                tag_value = chosen["$ref"].rsplit("/", 1)[-1]
        if base.get("properties") or base.get("allOf"):
            chosen = {"allOf": [base, chosen]}
        result = self.value(chosen, direction, depth)
        if tag_name and isinstance(result, dict) and tag_value is not None:
            result[tag_name] = tag_value
        return result

    def object_value(
        self, schema: dict[str, Any], direction: str, depth: int
    ) -> dict[str, Any]:
        required = set(schema.get("required", []))
        result: dict[str, Any] = {}
        for name, item in schema.get("properties", {}).items():
            resolved = self.resolve(item)
            if not isinstance(resolved, dict):
                continue
            hidden = "readOnly" if direction == REQUEST else "writeOnly"
            if resolved.get(hidden) or (isinstance(item, dict) and item.get(hidden)):
                if not (self.is_31 and name in required):
                    continue
            if name not in required and (depth >= FULL_DEPTH or self.variant == LAST):
                continue
            result[name] = self.value(item, direction, depth + 1)
        for name, item in schema.get("properties", {}).items():
            if len(result) >= int(schema.get("minProperties", 0)):
                break
            if name not in result and not self.resolve(item).get("readOnly"):
                result[name] = self.value(item, direction, depth + 1)
        for name in sorted(required - set(result)):
            if name not in schema.get("properties", {}):
                result[name] = (
                    "example"  # required but never declared: any value will do
                )
        extra = schema.get("additionalProperties")
        if not result and isinstance(extra, dict) and extra and depth < FULL_DEPTH:
            result["key"] = self.value(extra, direction, depth + 1)
        return result

    def array_value(self, schema: dict[str, Any], direction: str, depth: int) -> Any:
        prefix = schema.get("prefixItems")
        if prefix:
            return [self.value(item, direction, depth + 1) for item in prefix]
        least = int(schema.get("minItems", 0))
        count = max(1, least) if depth < FULL_DEPTH else least  # deep: stop recursing
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        items = schema.get("items", {})
        values = [self.value(items, direction, depth + 1) for _ in range(count)]
        if schema.get("uniqueItems") and count > 1:
            values = values[:1]
        return values

    def scalar_value(self, schema: dict[str, Any], kind: Optional[str]) -> Any:
        if "default" in schema and schema["default"] is not None:
            return schema["default"]
        example = schema.get("example")
        if example is None and schema.get("examples"):
            examples = schema["examples"]
            example = examples[0] if isinstance(examples, list) else None
        if kind == "boolean":
            return example if isinstance(example, bool) else True
        if kind in ("integer", "number"):
            return self.number_value(schema, kind, example)
        return self.string_value(schema, example)

    def number_value(self, schema: dict[str, Any], kind: str, example: Any) -> Any:
        if isinstance(example, (int, float)) and not isinstance(example, bool):
            if kind == "number" or float(example).is_integer():
                return int(example) if kind == "integer" else example
        low = schema.get("minimum")
        exclusive = schema.get("exclusiveMinimum")
        if isinstance(exclusive, (int, float)) and not isinstance(exclusive, bool):
            low = exclusive + 1
        elif exclusive is True and low is not None:
            low = low + 1
        value = low if low is not None else 1
        high = schema.get("maximum")
        if high is not None and value > high:
            value = high
        multiple = schema.get("multipleOf")
        if multiple:
            value = multiple * max(1, -(-value // multiple))
        return int(value) if kind == "integer" else value

    def string_value(self, schema: dict[str, Any], example: Any) -> str:
        pattern = schema.get("pattern")
        if isinstance(example, str) and (not pattern or self.matches(pattern, example)):
            return example
        if pattern:
            return self.pattern_value(pattern, schema)
        text = _FORMATS.get(str(schema.get("format")), "example")
        low = int(schema.get("minLength", 0))
        if len(text) < low:
            text = text + "x" * (low - len(text))
        if "maxLength" in schema:
            text = text[: int(schema["maxLength"])]
        return text

    @staticmethod
    def matches(pattern: str, text: str) -> bool:
        import re

        try:
            return re.search(pattern, text) is not None
        except re.error:
            return True

    def pattern_value(self, pattern: str, schema: dict[str, Any]) -> str:
        """The shortest string hypothesis finds that matches ``pattern`` and the length bounds."""
        if pattern in self._patterns:
            return self._patterns[pattern]
        low = int(schema.get("minLength", 0))
        high = int(schema.get("maxLength", 10_000))
        try:
            text = find(
                st.from_regex(pattern),
                lambda s: low <= len(s) <= high and s.isprintable(),
                settings=settings(
                    database=None,
                    max_examples=2000,
                    suppress_health_check=list(HealthCheck),
                    derandomize=True,
                ),
            )
        except Exception:  # no match found: the server's validation will say so
            text = "example"
        self._patterns[pattern] = text
        return text

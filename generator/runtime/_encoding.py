"""Encoding of request parameters: Stripe's bracket form encoding, and OpenAPI's styles.

Stripe takes parameters as `application/x-www-form-urlencoded` pairs, in the request body for
POST and in the query string otherwise. Nested values are spelt with brackets:

    card[number]=4242424242424242&card[metadata][order]=6735&expand[0]=customer

Rules, for every style:

- None means "not given": the key is left out (also inside objects and arrays, where the
  remaining array items are numbered without gaps).
- An empty string is sent as `key=`, which is how Stripe unsets a value (`metadata=` clears all
  metadata keys).
- An empty object or array sends nothing, like Stripe's own SDKs do; pass an empty string to
  unset instead.
- Booleans are `true` and `false`, integers decimal, floats and `Decimal`s in plain decimal
  notation (`0.0000001`, never `1e-07`). Any other type raises `TypeError`, and NaN or
  infinity raises `ValueError`.
- Keys keep the order of the given mappings, so the same input always gives the same bytes.

Other APIs declare OpenAPI styles (`style`, `explode`) per parameter: `encode_params` spells
query and form parameters in them, `encode_headers` header parameters (`simple`),
`encode_cookies` cookie parameters (`form`) and `encode_path` path parameters of a style other
than a plain `simple` value (`label`, `matrix`, arrays and objects); `split_files` and
`encode_body` prepare multipart bodies and bodies whose media type the caller chooses.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union, cast
from urllib.parse import quote, quote_plus

__all__ = [
    "encode_body",
    "encode_cookies",
    "encode_headers",
    "encode_params",
    "encode_path",
    "merged_pairs",
    "quote_path",
    "split_files",
    "urlencode_pairs",
]

_Pairs = List[Tuple[str, str]]
# What `isinstance` proves about a parameter value (user data, typed Any): a mapping or an
# array of unknown items. The casts below say so to type checkers, which otherwise see
# items of unknown type.
_AnyMapping = Mapping[object, object]
_AnyArray = Sequence[object]

# Text made only of these characters is the same after `quote_plus(text, safe="[]")`.
_NEEDS_NO_QUOTING = re.compile(r"[A-Za-z0-9_.~\[\]-]*").fullmatch


def encode_params(
    values: Mapping[str, Any], styles: Optional[Mapping[str, str]] = None
) -> List[Tuple[str, str]]:
    """Flatten parameters into the ordered `(key, value)` pairs Stripe expects.

    Args:
        values: Top-level parameters by wire name, e.g. the result of
            `model.model_dump(by_alias=True, exclude_none=True)`. Values are str, bool, int,
            float, Decimal, None, or mappings and lists/tuples of those.
        styles: The spec's encoding style of each top-level parameter: `"deepObject"`
            (objects as `key[prop]=v`, arrays indexed as `key[0]=v`), `"form"` with explode
            (arrays repeated as `key=a&key=b`, each object property its own key) or
            `"formUnexploded"` (`form` with `explode: false`: `key=a,b` and
            `key=prop1,v1,prop2,v2`, the delimiting commas literal, commas in values
            encoded), `"spaceDelimited"` and `"pipeDelimited"` (like `"formUnexploded"`,
            the items joined by `%20` or `|`) or `"json"` (the value as compact JSON text,
            a parameter declared with `content: application/json`). Parameters not listed
            (all of them without `styles`) use `"deepObject"`; a scalar is simply `key=v`
            in every style. A value its style cannot spell (an array holding objects or
            arrays; without explode, any nested value) is sent as `"deepObject"`.

    Returns:
        The pairs, ready for `urlencode_pairs`.
    """
    pairs: _Pairs = []
    styles = styles or {}
    for name, value in values.items():
        style = styles.get(name, "deepObject")
        if style == "deepObject":
            _encode_deep_object(name, value, pairs)
        elif style == "form":
            _encode_form(name, value, pairs)
        elif style in _DELIMITERS:
            _encode_form_unexploded(name, value, pairs, style)
        elif style == "json":
            if value is not None:
                pairs.append((name, _json_text(value)))
        else:
            raise ValueError(f"unsupported encoding style {style!r} for {name!r}")
    return pairs


def split_files(
    values: Mapping[str, Any],
    file_keys: Sequence[str],
    part_types: Optional[Mapping[str, str]] = None,
) -> Tuple[Dict[str, Any], Any]:
    """Validated `multipart/form-data` parameters as (fields, files): the parts named in
    `file_keys` that were given go to httpx's `files=`, the rest to `encode_params`.

    With `part_types` (the spec's `encoding.contentType` of some parts) or a file key
    holding a list of files, the files are a list of `(name, file)` pairs, a list
    repeating its name; a file with a part type is sent as `(name, content, type)`, and a
    field with one as a part of its own: JSON text for a JSON type, else its text.
    """
    types = part_types or {}
    fields = {
        key: value
        for key, value in values.items()
        if key not in file_keys and key not in types
    }
    if not types and not any(isinstance(values.get(k), list) for k in file_keys):
        return fields, {key: values[key] for key in file_keys if key in values}
    parts: List[Tuple[str, Any]] = []
    for key, value in values.items():
        if key in file_keys:
            items: List[Any] = (
                list(cast(_AnyArray, value)) if isinstance(value, list) else [value]
            )
            for item in items:
                parts.append((key, (key, item, types[key]) if key in types else item))
        elif key in types:
            parts.append((key, (None, _part_text(key, value, types[key]), types[key])))
    return fields, parts


def _part_text(key: str, value: Any, content_type: str) -> str:
    base = content_type.split(";", 1)[0].strip().lower()
    if base.endswith("/json") or base.endswith("+json"):
        return _json_text(value)
    return _encode_scalar(key, value)


def encode_body(
    values: Any,
    content_type: str,
    styles: Optional[Mapping[str, str]] = None,
    file_keys: Sequence[str] = (),
    part_types: Optional[Mapping[str, str]] = None,
) -> Dict[str, Any]:
    """The body arguments of `request()` for validated body parameters (or a whole JSON
    body, such as an array) sent as the media type `content_type` the caller chose:
    `json=` (with `content_type=`), `form=`, or `form=` and `files=` for
    `multipart/form-data`."""
    base = content_type.split(";", 1)[0].strip().lower()
    if base == "application/x-www-form-urlencoded":
        return {"form": encode_params(values, styles)}
    if base == "multipart/form-data":
        fields, files = split_files(values, file_keys, part_types)
        return {"form": encode_params(fields, styles), "files": files}
    return {"json": values, "content_type": content_type}


def merged_pairs(pairs: _Pairs, extra: Mapping[str, Any]) -> _Pairs:
    """`pairs` with the parameters of `extra` (`extra_query`, `extra_body`) added last.

    `extra` is encoded like the generated parameters (`"deepObject"`, scalars as
    `encode_params` writes them) and wins: each of its keys replaces every pair of the same
    top-level name, `key` as well as `key[...]`.
    """
    kept = [(key, value) for key, value in pairs if key.split("[", 1)[0] not in extra]
    return kept + encode_params(extra)


def urlencode_pairs(pairs: Sequence[Tuple[str, str]]) -> str:
    """Percent-encode pairs as `application/x-www-form-urlencoded` text.

    The same text as `urllib.parse.urlencode(pairs, safe="[]")`, faster: brackets stay literal
    (`card[number]`), as Stripe's own SDK sends them; Stripe reads both.
    """
    return "&".join([f"{_quote(key)}={_quote(value)}" for key, value in pairs])


def quote_path(value: Union[str, int, float, Decimal]) -> str:
    """Percent-encode a path parameter so that it stays one path segment.

    Everything but unreserved characters (letters, digits, `-`, `.`, `_`, `~`) is encoded, so
    `/`, `?` and `#` cannot change the path; the dot segments `.` and `..` are encoded too,
    because HTTP clients would otherwise resolve them. A number or boolean is spelt as
    `encode_params` spells it.

    Raises:
        ValueError: If the value is empty, which would change the path as well.
    """
    if type(value) is not str:
        value = _encode_scalar("path parameter", value)
    if not value:
        raise ValueError("a path parameter must not be empty")
    if value in (".", ".."):
        return value.replace(".", "%2E")
    return quote(value, safe="")


def encode_path(value: Any, style: str, name: str) -> str:
    """A path parameter in an OpenAPI style (RFC 6570), each value percent-encoded as by
    `quote_path`: `simple` (`blue`, `blue,black`, `R,100,G,200`), `label` (`.blue`,
    `.blue,black`), `matrix` (`;color=blue`, `;color=blue,black`); an `Exploded` style
    (`simpleExploded`) spells arrays and objects exploded (`R=100,G=200`, `.blue.black`,
    `;color=blue;color=black`, `;R=100;G=200`)."""
    explode = style.endswith("Exploded")
    base = style[: -len("Exploded")] if explode else style
    if isinstance(value, Mapping):
        mapping = cast(_AnyMapping, value)
        named = [
            (str(k), quote_path(_encode_scalar(name, v))) for k, v in mapping.items()
        ]
        if explode:
            items = [f"{quote_path(k)}={v}" for k, v in named]
        else:
            items = [part for k, v in named for part in (quote_path(k), v)]
    elif isinstance(value, (list, tuple)):
        array = cast(_AnyArray, value)
        items = [quote_path(_encode_scalar(name, item)) for item in array]
    else:
        items = [quote_path(_encode_scalar(name, value))]
    scalar = not isinstance(value, (Mapping, list, tuple))
    if base == "label":
        return "." + ("." if explode else ",").join(items)
    if base == "matrix":
        if explode and isinstance(value, Mapping):
            return "".join(f";{item}" for item in items)
        if explode and not scalar:
            return "".join(f";{name}={item}" for item in items)
        return f";{name}=" + ",".join(items)
    return ",".join(items)


def encode_headers(
    values: Mapping[str, Any], styles: Optional[Mapping[str, str]] = None
) -> List[Tuple[str, str]]:
    """Header parameters as `(name, value)` pairs in OpenAPI's `simple` style: arrays
    `a,b`, objects `R,100,G,200` (`"simpleExploded"`: `R=100,G=200`), `"json"` as JSON text.

    Raises:
        ValueError: A value holding a line break or NUL, which would split the header.
    """
    pairs: _Pairs = []
    styles = styles or {}
    for name, value in values.items():
        if value is None:
            continue
        style = styles.get(name, "simple")
        if style == "json":
            text = _json_text(value)
        elif isinstance(value, Mapping):
            mapping = cast(_AnyMapping, value)
            named = [(str(k), _encode_scalar(name, v)) for k, v in mapping.items()]
            if style == "simpleExploded":
                text = ",".join(f"{k}={v}" for k, v in named)
            else:
                text = ",".join(part for k, v in named for part in (k, v))
        elif isinstance(value, (list, tuple)):
            text = ",".join(_encode_scalar(name, v) for v in cast(_AnyArray, value))
        else:
            text = _encode_scalar(name, value)
        if any(c in text for c in "\r\n\0"):
            raise ValueError(f"header parameter {name!r} must not hold a line break")
        pairs.append((name, text))
    return pairs


def encode_cookies(
    values: Mapping[str, Any], styles: Optional[Mapping[str, str]] = None
) -> List[Tuple[str, str]]:
    """Cookie parameters as `(name, value)` pairs in OpenAPI's `form` style, values
    percent-encoded (`;`, `,`, spaces and quotes cannot end up in the `Cookie` header):
    exploded (the default) an array is one cookie per item and an object one per property;
    `"formUnexploded"` joins them with commas (`a,b`, `R,100,G,200`); `"json"` is JSON
    text."""
    pairs: _Pairs = []
    styles = styles or {}
    for name, value in values.items():
        if value is None:
            continue
        style = styles.get(name, "form")
        if style == "json":
            pairs.append((name, quote(_json_text(value), safe="")))
        elif isinstance(value, Mapping):
            mapping = cast(_AnyMapping, value)
            named = [(str(k), _cookie_text(name, v)) for k, v in mapping.items()]
            if style == "formUnexploded":
                joined = ",".join(part for k, v in named for part in (quote(k), v))
                pairs.append((name, joined))
            else:
                pairs += [(k, v) for k, v in named]
        elif isinstance(value, (list, tuple)):
            texts = [_cookie_text(name, v) for v in cast(_AnyArray, value)]
            if style == "formUnexploded":
                pairs.append((name, ",".join(texts)))
            else:
                pairs += [(name, text) for text in texts]
        else:
            pairs.append((name, _cookie_text(name, value)))
    return pairs


def _cookie_text(name: str, value: Any) -> str:
    return quote(_encode_scalar(name, value), safe="")


def _json_text(value: Any) -> str:
    """Compact JSON text of a parameter value (Decimals as numbers)."""
    return json.dumps(
        value,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_json_default,
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


class _Delimited(str):
    """A value of comma-delimited items (`formUnexploded`): in a form-encoded body or query
    the delimiting commas stay literal and each item is encoded on its own, so that a comma
    inside an item cannot split it. A multipart field gets the plain text."""

    quoted: str


_DELIMITERS = {
    "formUnexploded": (",", ","),
    "spaceDelimited": (" ", "%20"),
    "pipeDelimited": ("|", "|"),
}
"""Per delimited style: the delimiter in plain text (multipart) and in encoded text."""


def _delimited(items: List[str], style: str = "formUnexploded") -> _Delimited:
    plain, encoded = _DELIMITERS[style]
    value = _Delimited(plain.join(items))
    value.quoted = encoded.join([_quote(item) for item in items])
    return value


def _quote(text: str) -> str:
    """`quote_plus` keeping brackets, skipped for the usual text that needs no escaping."""
    if _NEEDS_NO_QUOTING(text):
        return text
    if type(text) is _Delimited:
        return text.quoted
    return quote_plus(text, safe="[]")


def _encode_deep_object(key: str, value: Any, pairs: _Pairs) -> None:
    """Append `value` under `key`, spelling nested objects and arrays with brackets."""
    if type(value) is str:  # the most common value first
        pairs.append((key, value))
    elif value is None:
        return
    elif isinstance(value, (dict, Mapping)):
        for name, item in cast(_AnyMapping, value).items():
            _encode_deep_object(f"{key}[{name}]", item, pairs)
    elif isinstance(value, (list, tuple)):
        index = 0
        for item in cast(_AnyArray, value):
            count = len(pairs)
            _encode_deep_object(f"{key}[{index}]", item, pairs)
            if len(pairs) > count:
                index += 1
    else:
        pairs.append((key, _encode_scalar(key, value)))


def _encode_form(key: str, value: Any, pairs: _Pairs) -> None:
    """Append `value` under `key` in the exploded form style."""
    if value is None:
        return
    if isinstance(value, Mapping):
        for name, item in cast(_AnyMapping, value).items():
            _encode_deep_object(str(name), item, pairs)
    elif isinstance(value, (list, tuple)):
        array = cast(_AnyArray, value)
        if any(_is_nested(item) for item in array):
            _encode_deep_object(key, array, pairs)  # form has no spelling for these
            return
        for item in array:
            if item is not None:
                pairs.append((key, _encode_scalar(key, item)))
    else:
        pairs.append((key, _encode_scalar(key, value)))


def _encode_form_unexploded(
    key: str, value: Any, pairs: _Pairs, style: str = "formUnexploded"
) -> None:
    """Append `value` under `key` in the form style without explode (or a delimited
    `style`): one pair per parameter."""
    if value is None:
        return
    items: List[str] = []
    if isinstance(value, Mapping):
        mapping = cast(_AnyMapping, value)
        if any(_is_nested(item) for item in mapping.values()):
            _encode_deep_object(key, mapping, pairs)  # a comma list cannot spell these
            return
        for name, item in mapping.items():
            if item is not None:
                items += [str(name), _encode_scalar(f"{key}[{name}]", item)]
    elif isinstance(value, (list, tuple)):
        array = cast(_AnyArray, value)
        if any(_is_nested(item) for item in array):
            _encode_deep_object(key, array, pairs)  # a comma list cannot spell these
            return
        items = [_encode_scalar(key, item) for item in array if item is not None]
    else:
        pairs.append((key, _encode_scalar(key, value)))
        return
    if items:
        pairs.append((key, _delimited(items, style)))


def _is_nested(value: Any) -> bool:
    return isinstance(value, (dict, Mapping, list, tuple))


def _encode_scalar(key: str, value: Any) -> str:
    """The text of one scalar value."""
    if isinstance(value, str):
        # str.__str__ also turns str-based enum members into their plain value.
        return str.__str__(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, (float, Decimal)):
        return _encode_number(key, value)
    raise TypeError(
        f"cannot encode parameter {key!r}: unsupported type {type(value).__name__}"
    )


def _encode_number(key: str, value: Union[float, Decimal]) -> str:
    """Plain decimal notation of a float or Decimal, without exponent."""
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    if not number.is_finite():
        raise ValueError(
            f"cannot encode parameter {key!r}: {value!r} is not a finite number"
        )
    return format(number, "f")

"""Request bodies other than parameters: JSON, raw content, and the `Cookie` header.

Form and multipart bodies are encoded by `_encoding`; this module picks the one body a request
has and gives its bytes and `Content-Type`.
"""

from __future__ import annotations

import json as _json
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union, cast

from ._encoding import urlencode_pairs
from ._options import NotGiven

__all__ = ["cookie_header", "encode_json", "merged_json", "request_body"]


def encode_json(value: object) -> bytes:
    """`value` as a compact JSON body: UTF-8, no spaces, keys in the order given, so that
    the same value always gives the same bytes.

    Raises:
        TypeError: A value JSON cannot hold (bytes, a set, an object of another type).
        ValueError: NaN or infinity, which JSON has no spelling for.
    """
    return _json.dumps(
        value, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def cookie_header(cookies: Sequence[Tuple[str, str]]) -> str:
    """The `Cookie` header of `(name, value)` pairs, in their order: `a=1; b=2`."""
    return "; ".join(f"{name}={value}" for name, value in cookies)


def merged_json(value: object, extra: Mapping[str, object]) -> object:
    """A JSON body object with `extra_body`'s keys added (replacing those it has)."""
    if not isinstance(value, Mapping):
        raise TypeError("extra_body can only be added to a JSON body that is an object")
    merged: Dict[str, object] = dict(cast(Mapping[str, object], value))
    merged.update(extra)
    return merged


def request_body(
    form: Optional[List[Tuple[str, str]]],
    files: Any,
    json: object,
    content: Union[bytes, str, None],
    content_type: Optional[str],
) -> Tuple[Optional[bytes], Optional[Dict[str, List[str]]], Any, Optional[str]]:
    """The body of a request: its bytes, or the fields and files of a multipart body (httpx
    writes that one and its `Content-Type` with the boundary), and its `Content-Type`.

    At most one kind of body: a form (with or without files), JSON, or raw content. A
    multipart body (`files` given) stays multipart when no file was passed: httpx would send
    its fields urlencoded, so they go as parts of their own, without a file name.
    """
    kinds = [
        name
        for name, given in (
            ("form", form is not None or files is not None),
            ("json", not isinstance(json, NotGiven)),
            ("content", content is not None),
        )
        if given
    ]
    if len(kinds) > 1:
        raise TypeError(f"a request has one body, not {' and '.join(kinds)}")
    if files is not None and not files:
        return None, None, [(key, (None, value)) for key, value in form or ()], None
    if files is not None:
        data: Dict[str, List[str]] = {}
        for key, value in form or ():
            data.setdefault(key, []).append(value)
        return None, data, files, None
    if form is not None:
        encoded = urlencode_pairs(form).encode("ascii")
        return encoded, None, None, "application/x-www-form-urlencoded"
    if not isinstance(json, NotGiven):
        return encode_json(json), None, None, content_type or "application/json"
    if isinstance(content, str):
        return (
            content.encode("utf-8"),
            None,
            None,
            content_type or "text/plain; charset=utf-8",
        )
    if content is not None:
        return bytes(content), None, None, content_type or "application/octet-stream"
    return None, None, None, None

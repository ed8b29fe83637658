"""The general request API of the runtime: JSON and raw bodies, header and cookie parameters.

`request()` is called the way generated methods call it, on the freshly generated `ops`
package (the runtime of `generator/runtime/`), with an httpx mock transport recording what
would go over the wire.
"""

from __future__ import annotations

import json
from typing import Any, List

import httpx
import pytest

from .conftest import API_KEY


def _client(ops: Any, seen: List[httpx.Request], status: int = 200) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(status, json={"ok": True})

    return ops.package.Client(
        api_key=API_KEY,
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(answer)),
    )


def _call(ops: Any, **arguments: Any) -> httpx.Request:
    seen: List[httpx.Request] = []
    client = _client(ops, seen)
    method = arguments.pop("method", "post")
    client.request(ops.base.ResponseType(dict), method, "/v1/x", **arguments)
    (request,) = seen
    return request


def test_json_body_is_compact_ordered_utf8(ops: Any) -> None:
    value = {"b": 1, "a": [True, None, 1.5, "é"], "nested": {"z": {}, "y": []}}
    request = _call(ops, json=value)
    assert (
        request.content
        == '{"b":1,"a":[true,null,1.5,"é"],"nested":{"z":{},"y":[]}}'.encode()
    )
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == value


@pytest.mark.parametrize("value", [None, [1, 2], "text", 0, False])
def test_any_json_value_is_a_body(ops: Any, value: Any) -> None:
    request = _call(ops, method="put", json=value)
    assert request.method == "PUT"
    assert json.loads(request.content) == value


def test_json_content_type_can_be_named(ops: Any) -> None:
    request = _call(
        ops, method="patch", json={"a": 1}, content_type="application/merge-patch+json"
    )
    assert request.headers["content-type"] == "application/merge-patch+json"


def test_json_refuses_nan_and_unknown_types(ops: Any) -> None:
    with pytest.raises(ValueError):
        _call(ops, json={"x": float("nan")})
    with pytest.raises(TypeError):
        _call(ops, json={"x": b"bytes"})


def test_raw_content(ops: Any) -> None:
    request = _call(ops, content=b"\x00\x01")
    assert request.content == b"\x00\x01"
    assert request.headers["content-type"] == "application/octet-stream"
    request = _call(ops, content="héllo")
    assert request.content == "héllo".encode()
    assert request.headers["content-type"] == "text/plain; charset=utf-8"
    request = _call(ops, content=b"<a/>", content_type="application/xml")
    assert request.headers["content-type"] == "application/xml"


def test_one_body_only(ops: Any) -> None:
    with pytest.raises(TypeError, match="one body"):
        _call(ops, json={}, form=[("a", "b")])
    with pytest.raises(TypeError, match="one body"):
        _call(ops, json={}, content=b"x")


def test_headers_and_cookies(ops: Any) -> None:
    request = _call(
        ops,
        method="get",
        headers=[("X-Request-ID", "abc"), ("user-agent", "mine")],
        cookies=[("session", "s1"), ("theme", "dark")],
        options=ops.base.RequestOptions(extra_headers={"X-Request-Id": "last"}),
    )
    assert request.headers["x-request-id"] == "last"  # extra_headers come last
    assert request.headers["user-agent"] == "mine"  # a header parameter replaces ours
    assert request.headers["cookie"] == "session=s1; theme=dark"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"


def test_extra_body_joins_a_json_object(ops: Any) -> None:
    options = ops.base.RequestOptions(extra_body={"new": 1, "a": 2})
    request = _call(ops, json={"a": 1}, options=options)
    assert json.loads(request.content) == {"a": 2, "new": 1}
    with pytest.raises(TypeError, match="object"):
        _call(ops, json=[1], options=options)
    with pytest.raises(TypeError, match="raw content"):
        _call(ops, content=b"x", options=options)


def test_form_body_unchanged(ops: Any) -> None:
    request = _call(ops, form=[("a[b]", "1"), ("c", "x y")])
    assert request.content == b"a[b]=1&c=x+y"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "idempotency-key" in request.headers  # Stripe's profile: every POST has one


def test_a_multipart_body_without_a_file_stays_multipart(ops: Any) -> None:
    request = _call(
        ops, form=[("purpose", "dispute_evidence"), ("a[b]", "1")], files={}
    )
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1].encode()
    parts = request.content.split(b"--" + boundary)[1:-1]
    assert [p.split(b"\r\n\r\n", 1)[0].strip() for p in parts] == [
        b'Content-Disposition: form-data; name="purpose"',
        b'Content-Disposition: form-data; name="a[b]"',
    ]
    assert [p.split(b"\r\n\r\n", 1)[1] for p in parts] == [
        b"dispute_evidence\r\n",
        b"1\r\n",
    ]


def test_a_multipart_body_with_a_file_sends_fields_and_file(ops: Any) -> None:
    request = _call(ops, form=[("purpose", "x")], files={"file": b"%PDF"})
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert b'name="purpose"' in request.content
    assert b'name="file"; filename="upload"' in request.content
    assert b"%PDF" in request.content


def test_async_request_takes_the_same_arguments(ops: Any) -> None:
    import asyncio

    seen: List[httpx.Request] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        await request.aread()
        seen.append(request)
        return httpx.Response(200, json={})

    async def main() -> None:
        client = ops.package.AsyncClient(
            api_key=API_KEY,
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(answer)),
        )
        await client.request(
            ops.base.ResponseType(dict),
            "post",
            "/v1/x",
            json={"a": 1},
            headers=[("X-A", "1")],
            cookies=[("c", "2")],
        )

    asyncio.run(main())
    (request,) = seen
    assert request.content == b'{"a":1}'
    assert request.headers["x-a"] == "1"
    assert request.headers["cookie"] == "c=2"

"""The `event` component is always lowered (webhooks need it), and the object-kind registry.

Small specs of our own: a `widget` resource reached by the selected operations, a `gadget`
no operation reaches, Stripe's shape of `event` (`data.object` free-form), and a deletion
receipt sharing the `widget` tag. The end-to-end tests render the package, import it, and
parse a signed webhook with `webhooks.construct_event`. Object kinds and events are Stripe's
conventions, so these specs are lowered with the Stripe profile.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import importlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator import ir
from generator.lower import Selection, lower_document
from generator.present.models import object_classes, package_context
from generator.render import RenderOptions, render
from generator.spec import parse_document

SHA = "cd" * 32
SECRET = "whsec_test_secret_of_our_own"


def _tagged(tag: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "object"],
        "properties": {
            "id": {"type": "string"},
            "object": {"type": "string", "enum": [tag]},
            **extra,
        },
    }


def _ok(name: str) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{name}"}
    return {
        "200": {
            "description": "ok",
            "content": {"application/json": {"schema": schema}},
        }
    }


SCHEMAS: dict[str, Any] = {
    "widget": _tagged(
        "widget",
        size={"type": "integer"},
        parts={  # an inline list model, tagged `list`: no resource
            "type": "object",
            "required": ["object", "data"],
            "properties": {
                "object": {"type": "string", "enum": ["list"]},
                "data": {"type": "array", "items": {"type": "string"}},
            },
        },
    ),
    "deleted_widget": _tagged("widget", deleted={"type": "boolean", "enum": [True]}),
    "gadget": _tagged("gadget", colour={"type": "string"}),
    "notification_event_data": {
        "type": "object",
        "required": ["object"],
        "properties": {
            "object": {"type": "object"},
            "previous_attributes": {"type": "object"},
        },
    },
    "event": _tagged(
        "event",
        type={"type": "string"},
        created={"type": "integer"},
        data={"$ref": "#/components/schemas/notification_event_data"},
    ),
}
SCHEMAS["deleted_widget"]["required"].append("deleted")


def _spec(*, with_event: bool) -> dict[str, Any]:
    schemas = copy.deepcopy(SCHEMAS)
    if not with_event:
        del schemas["event"], schemas["notification_event_data"]
    return {
        "openapi": "3.0.0",
        "info": {"title": "Widget API", "version": "2024-01-01"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": {
            "/v1/widgets/{widget}": {
                "get": {
                    "operationId": "GetWidgetsWidget",
                    "parameters": [
                        {
                            "name": "widget",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": _ok("widget"),
                },
                "delete": {
                    "operationId": "DeleteWidgetsWidget",
                    "parameters": [
                        {
                            "name": "widget",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": _ok("deleted_widget"),
                },
            }
        },
        "components": {"schemas": schemas},
    }


def _lower(*, with_event: bool) -> ir.Api:
    return lower_document(
        parse_document(_spec(with_event=with_event)),
        Selection(all=True),
        spec_sha256=SHA,
        profile="stripe",  # events and webhooks are Stripe's conventions
    )


def _names(api: ir.Api) -> set[str]:
    return {m.name for m in api.models}


def test_the_event_model_is_generated_though_no_operation_reaches_it() -> None:
    api = _lower(with_event=True)
    assert api.event_model == "Event"
    assert {"Event", "NotificationEventData", "Widget", "DeletedWidget"} <= _names(api)
    assert "Gadget" not in _names(api)  # other unreached components still are not
    event = next(m for m in api.models if m.name == "Event")
    data = next(f for f in event.fields if f.wire_name == "data")
    assert data.type == ir.ModelRef("NotificationEventData")


def test_a_spec_without_an_event_component_has_no_event_model() -> None:
    api = _lower(with_event=False)
    assert api.event_model is None
    assert _names(api) == {"Widget", "DeletedWidget", "WidgetParts"}


def test_the_event_never_renames_what_the_operations_reach() -> None:
    without = {m.name: m for m in _lower(with_event=False).models}
    with_event = {m.name: m for m in _lower(with_event=True).models}
    assert set(with_event) - set(without) == {"Event", "NotificationEventData"}
    for name, model in without.items():
        assert with_event[name] == model


def test_the_event_component_when_it_is_no_object_is_ignored() -> None:
    spec = _spec(with_event=True)
    spec["components"]["schemas"]["event"] = {"type": "string"}
    api = lower_document(
        parse_document(spec), Selection(all=True), spec_sha256=SHA, profile="stripe"
    )
    assert api.event_model is None


def test_object_classes_map_each_resource_kind_to_its_component() -> None:
    api = _lower(with_event=True)
    # the deletion receipt shares `widget` and the inline `list` model has a tag too
    assert object_classes(api.models) == {"event": "Event", "widget": "Widget"}
    kinds = package_context(api, {m.name: m.name.lower() for m in api.models})
    assert [(k.tag, k.model) for k in kinds["object_kinds"]] == [
        ('"event"', '"Event"'),
        ('"widget"', '"Widget"'),
    ]


def test_a_shared_tag_goes_to_the_component_named_like_it() -> None:
    spec = _spec(with_event=False)
    schemas = spec["components"]["schemas"]
    schemas["a_widget_variant"] = _tagged("widget", extra={"type": "string"})
    spec["paths"]["/v1/widgets/{widget}"]["get"]["responses"] = {
        "200": {
            "description": "ok",
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [
                            {"$ref": "#/components/schemas/a_widget_variant"},
                            {"$ref": "#/components/schemas/widget"},
                        ]
                    }
                }
            },
        }
    }
    api = lower_document(
        parse_document(spec), Selection(all=True), spec_sha256=SHA, profile="stripe"
    )
    assert {"AWidgetVariant", "Widget"} <= _names(api)
    assert object_classes(api.models) == {"widget": "Widget"}


# --- end to end: the rendered package parses a signed webhook ---------------------------


def _import_rendered(api: ir.Api, folder: Path, package: str) -> Iterator[ModuleType]:
    for path, text in render(api, RenderOptions(package=package)).items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m.split(".")[0] == package]:
            del sys.modules[name]


@pytest.fixture()
def with_event(tmp_path: Path) -> Iterator[ModuleType]:
    yield from _import_rendered(_lower(with_event=True), tmp_path, "widgets_evt")


@pytest.fixture()
def without_event(tmp_path: Path) -> Iterator[ModuleType]:
    yield from _import_rendered(_lower(with_event=False), tmp_path, "widgets_noevt")


def _signed(event: dict[str, Any]) -> tuple[bytes, str]:
    payload = json.dumps(event).encode("utf-8")
    timestamp = int(time.time())
    signature = hmac.new(
        SECRET.encode(), b"%d." % timestamp + payload, hashlib.sha256
    ).hexdigest()
    return payload, f"t={timestamp},v1={signature}"


EVENT = {
    "id": "evt_1",
    "object": "event",
    "type": "widget.updated",
    "created": 1700000000,
    "data": {
        "object": {"id": "wd_1", "object": "widget", "size": 3, "new_field": [1]},
        "previous_attributes": {"size": 2},
    },
}


def test_the_rendered_package_types_the_event_and_its_object(
    with_event: ModuleType,
) -> None:
    event = with_event.webhooks.construct_event(*_signed(EVENT), SECRET)
    models = importlib.import_module("widgets_evt.models")
    assert type(event) is models.Event
    assert (event.id, event.type, event.created) == (
        "evt_1",
        "widget.updated",
        1700000000,
    )
    assert type(event.data) is models.NotificationEventData
    assert type(event.data.object) is models.Widget
    assert event.data.object.size == 3
    assert event.data.object.model_extra == {"new_field": [1]}
    assert event.data.previous_attributes == {"size": 2}
    assert models.OBJECT_KINDS == {"event": "Event", "widget": "Widget"}


def test_without_an_event_component_the_event_is_a_stripe_object(
    without_event: ModuleType,
) -> None:
    event = without_event.webhooks.construct_event(*_signed(EVENT), SECRET)
    model_base = importlib.import_module("widgets_noevt._model_base")
    models = importlib.import_module("widgets_noevt.models")
    assert type(event) is model_base.StripeObject
    assert (event.id, event.type) == ("evt_1", "widget.updated")
    # the object is still typed by kind: the package has a Widget model
    assert type(event.data["object"]) is models.Widget
    assert event.data["object"].size == 3
    assert event.data["previous_attributes"] == {"size": 2}


def test_the_rendered_package_refuses_a_bad_signature(with_event: ModuleType) -> None:
    payload, header = _signed(EVENT)
    with pytest.raises(with_event.SignatureVerificationError, match="No v1 signature"):
        with_event.webhooks.construct_event(payload + b" ", header, SECRET)

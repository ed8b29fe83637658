"""Parse a loaded document with openapi-pydantic, and the whole load of a configured spec."""

from __future__ import annotations

import functools
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterable, Union

from .. import cache
from ..errors import CodegenError, json_pointer
from .load import load_document
from .pin import spec_digest

if TYPE_CHECKING:
    import pydantic
    from openapi_pydantic.v3.v3_0 import OpenAPI as OpenAPIv3_0
    from openapi_pydantic.v3.v3_1 import OpenAPI as OpenAPIv3_1

    OpenAPIDocument = Union[OpenAPIv3_0, OpenAPIv3_1]
    """What ``parse_document`` returns: the openapi-pydantic model for the document's
    version."""

MAX_REPORTED_ERRORS = 3


# --- parse -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _openapi_classes() -> Dict[str, type[OpenAPIv3_0] | type[OpenAPIv3_1]]:
    """The openapi-pydantic model of each OpenAPI version, imported on first use: a run
    that takes its files from the build cache never parses a document."""
    from openapi_pydantic.v3.v3_0 import OpenAPI as OpenAPIv3_0
    from openapi_pydantic.v3.v3_1 import OpenAPI as OpenAPIv3_1

    return {
        version: cls
        for cls in (OpenAPIv3_0, OpenAPIv3_1)
        for version in typing.get_args(cls.model_fields["openapi"].annotation)
    }


def parse_document(data: dict[str, Any]) -> OpenAPIDocument:
    """Validate a loaded document with openapi-pydantic (OpenAPI 3.0.x or 3.1.x)."""
    import pydantic

    cls = _openapi_class(data)
    try:
        return cls.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _validation_error(data, exc) from None


def _openapi_class(data: object) -> type[OpenAPIv3_0] | type[OpenAPIv3_1]:
    classes = _openapi_classes()
    supported = ", ".join(sorted(classes))
    if not isinstance(data, dict) or "openapi" not in data:
        swagger = isinstance(data, dict) and "swagger" in data
        raise CodegenError(
            (
                "this is a Swagger 2.0 document, not OpenAPI 3"
                if swagger
                else "not an OpenAPI document: the top-level 'openapi' field is missing"
            ),
            pointer=json_pointer("openapi"),
            hint=(
                "convert it to OpenAPI 3 first"
                if swagger
                else f"supported: {supported}"
            ),
        )
    version = data["openapi"]
    cls = classes.get(version) if isinstance(version, str) else None
    if cls is None:
        raise CodegenError(
            f"unsupported OpenAPI version {version!r}",
            pointer=json_pointer("openapi"),
            hint=f"supported versions: {supported}",
        )
    return cls


def _validation_error(
    data: dict[str, Any], exc: pydantic.ValidationError
) -> CodegenError:
    """A short error: the first few problems, each with a JSON pointer into the document."""
    errors = exc.errors(include_url=False, include_input=False)
    # A failing union of ``Reference | X`` also reports "$ref missing"; X's problems say more.
    useful = [error for error in errors if not _is_not_a_reference(error)] or errors
    problems = [_problem(data, error) for error in useful]
    shown = "; ".join(
        f"{pointer or '/'}: {message}" for pointer, message in problems[:3]
    )
    more = len(problems) - MAX_REPORTED_ERRORS
    suffix = f" (and {more} more)" if more > 0 else ""
    return CodegenError(
        f"the document is not valid OpenAPI {data.get('openapi')}: {shown}{suffix}",
        pointer=problems[0][0],
        hint="fix the document at the pointer shown",
    )


def _is_not_a_reference(error: Any) -> bool:
    loc = tuple(error["loc"])
    return error["type"] == "missing" and loc[-2:] == ("Reference", "$ref")


def _problem(data: dict[str, Any], error: Any) -> tuple[str, str]:
    """Map a pydantic error location onto the document, skipping union tags and the like."""
    loc = list(error["loc"])
    missing = error["type"] == "missing" and bool(loc)
    last = loc.pop() if missing else None
    tokens = _walk(data, loc)
    message = f"field '{last}' is required" if missing else str(error["msg"])
    return json_pointer(*tokens), message


def _walk(node: object, loc: Iterable[object]) -> list[object]:
    tokens: list[object] = []
    for item in loc:
        if isinstance(node, dict) and str(item) in node:
            node = node[str(item)]
            tokens.append(item)
        elif isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node):
            node = node[item]
            tokens.append(item)
    return tokens


# --- all together ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedSpec:
    """A spec ready for lowering: where it came from, its checksum, raw data and parsed form."""

    path: Path
    sha256: str
    data: dict[str, Any]
    document: OpenAPIDocument


def load_spec(configured: Path, *, cache_folder: Path | None = None) -> LoadedSpec:
    """Load and parse the configured spec: a pin (the fetched, verified copy) or a spec file.

    With ``cache_folder`` (the user's cache folder, see ``generator.cache``), the JSON form of a
    YAML spec is kept there, keyed by the file's sha256. Never in the project: a JSON form
    committed next to the pin would decide what ``check`` generates from.
    """
    path, sha256 = spec_digest(configured)
    json_forms = None if cache_folder is None else cache.spec_json_folder(cache_folder)
    data = load_document(path, cache=json_forms)
    return LoadedSpec(
        path=path, sha256=sha256, data=data, document=parse_document(data)
    )

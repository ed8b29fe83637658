"""The spec stage: the pin, fetch (local mirror or upstream URL), load (JSON or YAML) and parse.

The pin (``spec/stripe.lock.json``) names the upstream files and their checksums. ``fetch``
copies them into ``spec/cache/`` after checking the checksums, and every load checks the spec's
sha256 against the pin again. ``load_document`` reads any JSON or YAML file (pinned or not) and
can keep a JSON form of YAML files keyed by their sha256, in the user's cache folder, because
reading YAML (yaml-rs, with the checks PyYAML's safe loader made) takes about 0.25 s for
Stripe's 4 MB spec and ``json`` about 30 ms.

One module a job: ``pin`` (the pin and fetching), ``load`` (JSON/YAML into a dict),
``yaml_reader`` (YAML to JSON text),
``limits`` (what any document may cost), ``parse`` (openapi-pydantic, and ``load_spec``, all of
it together), ``move`` (``codegen spec pin``, and finding the spec any pin names).
"""

from .limits import MAX_DOCUMENT_BYTES, MAX_DOCUMENT_DEPTH, MAX_DOCUMENT_NODES
from .load import load_document
from .parse import LoadedSpec, load_spec, parse_document
from .pin import (
    Pin,
    PinnedFile,
    cache_dir,
    fetch,
    fixtures_digest,
    is_pin_path,
    load_fixtures,
    load_pin,
    resolve_spec_path,
    spec_digest,
    write_atomic,
)

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_DOCUMENT_DEPTH",
    "MAX_DOCUMENT_NODES",
    "LoadedSpec",
    "Pin",
    "PinnedFile",
    "cache_dir",
    "fetch",
    "fixtures_digest",
    "is_pin_path",
    "load_fixtures",
    "load_document",
    "load_pin",
    "load_spec",
    "parse_document",
    "resolve_spec_path",
    "spec_digest",
    "write_atomic",
]

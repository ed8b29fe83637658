"""The presentation layer: the IR turned into the plain views templates receive.

One module per output kind (``package``, ``docs``, ``reference``) returns the files it is
made of (``files.Template``, ``Static``, ``Text``); ``describe`` is the vocabulary they share
for telling people about types. Nothing here renders: ``generator.render`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .. import ir
from . import docs, package, reference
from .files import Plan


def plan(api: ir.Api, package_name: str) -> Plan:
    """Every file made from the spec, in order: the package, its docs, its HTML reference."""
    files = package.files(api, package_name)
    files += docs.files(api, package_name)
    files += reference.files(api, package_name)
    return Plan(package.common_context(api, package_name), tuple(files))


def runtime_plan(
    package_name: str,
    runtime_files: tuple[str, ...],
    profile: str = "stripe",
    twins: Mapping[str, str] = MappingProxyType({}),
) -> Plan:
    """The package's runtime modules ``runtime_files``: those the same in every package can
    be rendered (and formatted) before the spec is read; those of a profile
    (``package.runtime_files``) once it is known."""
    return Plan(
        {}, tuple(package.runtime_files(package_name, runtime_files, profile, twins))
    )

"""Where codegen's own files are: the templates, the runtime every package ships, the assets.

Kept apart from ``render`` (which imports Jinja) so that a run answered by the build cache
can fingerprint codegen without importing the stages it skips.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_FOLDER = Path(__file__).resolve().parent
# templates/ beside generator/ in a checkout; a wheel carries it as generator/templates
# (see [tool.setuptools] in pyproject.toml).
_PACKED_TEMPLATES = PACKAGE_FOLDER / "templates"
BUILTIN_TEMPLATES = (
    _PACKED_TEMPLATES
    if _PACKED_TEMPLATES.is_dir()
    else PACKAGE_FOLDER.parent / "templates"
)
RUNTIME = PACKAGE_FOLDER / "runtime"
ASSETS = PACKAGE_FOLDER / "assets"

"""What a spec change does to the generated Python API (``codegen diff``).

``compare`` takes two lowered APIs (``ir.Api``) and lists the changes a caller of the
generated client sees, each classed as breaking or not; ``report`` prints them as text,
Markdown or JSON. Both work on the IR, never on generated text.
"""

from .compare import Change, compare_apis, has_breaking
from .report import JSON_SCHEMA_VERSION, REPORT_FORMATS, Side, render_report

__all__ = [
    "Change",
    "JSON_SCHEMA_VERSION",
    "REPORT_FORMATS",
    "Side",
    "compare_apis",
    "has_breaking",
    "render_report",
]

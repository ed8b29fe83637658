"""The Python source pieces package templates receive: plain, precomputed data from the IR.

Templates only loop and substitute. Every decision about Python source text (annotations,
defaults, docstrings, escaping, imports) is made here, where it is tested. The README's
"Template API" section documents these shapes for people who override templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

from .. import ir, text

DOC_WIDTH = 88


@dataclass(frozen=True)
class FieldView:
    name: str
    annotation: str
    default: Optional[
        str
    ]  # right-hand side of the assignment, None for a required field
    docstring: str  # body of the attribute docstring ("" for none)


@dataclass(frozen=True)
class ModelView:
    name: str
    docstring: str
    fields: tuple[FieldView, ...]

    @property
    def spaced(self) -> bool:
        """Blank lines between fields only where docstrings need them to stay readable."""
        return any(f.docstring for f in self.fields)


@dataclass(frozen=True)
class AliasView:
    name: str
    annotation: str
    comment: str  # one line, may be ""


@dataclass(frozen=True)
class ArgumentView:
    name: str
    annotation: str
    default: Optional[str]


@dataclass(frozen=True)
class ConstantView:
    name: str
    annotation: str
    value: str


# --- small text helpers -----------------------------------------------------------------------


def docstring(markdown: str, *, indent: str) -> str:
    """Docstring body text, safe between triple quotes; "" when there is nothing to say."""
    if not markdown.strip():
        return ""
    return text.to_docstring(markdown, width=DOC_WIDTH, indent=indent)


def python_literal(value: Union[str, int, float, bool, None]) -> str:
    if isinstance(value, str):
        return text.python_string(value)
    return repr(value)


# --- models -----------------------------------------------------------------------------------


def hoisted(expr: ir.TypeExpr) -> tuple[ir.TypeExpr, tuple[ir.Constraint, ...]]:
    """Constraints of a (nullable) primitive move to ``Field(...)`` where they read better."""
    inner = expr.inner if isinstance(expr, ir.Nullable) else expr
    if isinstance(inner, ir.Primitive) and inner.constraints:
        return expr, inner.constraints
    return expr, ()


def field_view(field: ir.Field, *, quoted: frozenset[str] = frozenset()) -> FieldView:
    """A response model's field: a null or missing value parses as None."""
    expr, constraints = hoisted(field.type)
    optional = not field.required
    annotation = expr.annotation(validated=not constraints, quoted=quoted)
    if optional and not isinstance(expr, ir.Nullable) and expr != ir.ANY:
        annotation = f"Optional[{annotation}]"
    if isinstance(expr, ir.Nullable):
        optional = True
    keywords: list[str] = []
    if optional:
        keywords.append("default=None")
    if field.aliased:
        wire = python_literal(field.wire_name)
        keywords += [f"validation_alias={wire}", f"serialization_alias={wire}"]
    keywords += [f"{c.keyword}={c.value!r}" for c in constraints]
    if not keywords:
        default = None
    elif keywords == ["default=None"]:
        default = "None"
    else:
        default = "Field(" + ", ".join(keywords) + ")"
    return FieldView(
        field.name, annotation, default, docstring(field.doc, indent="    ")
    )


def model_view(model: ir.Model, quoted: frozenset[str] = frozenset()) -> ModelView:
    """A response model (request models are TypedDicts: ``present.params``)."""
    doc = model.doc or f"The ``{model.name}`` object."
    return ModelView(
        name=model.name,
        docstring=docstring(doc, indent="    "),
        fields=tuple(field_view(f, quoted=quoted) for f in model.fields),
    )


def alias_view(alias: ir.Alias) -> AliasView:
    return AliasView(
        alias.name,
        alias.type.annotation(),
        text.comment_text(text.summary_line(alias.doc)),
    )

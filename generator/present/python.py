"""The Python source pieces package templates receive: plain, precomputed data from the IR.

Templates only loop and substitute. Every decision about Python source text (annotations,
defaults, docstrings, escaping, imports) is made here, where it is tested. The README's
"Template API" section documents these shapes for people who override templates.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Optional, Union

from .. import ir, text
from ..format import LINE_LENGTH

DOC_WIDTH = 88


@dataclass(frozen=True)
class FieldView:
    name: str
    annotation: str
    default: Optional[
        str
    ]  # right-hand side of the assignment, None for a required field
    docstring: str  # body of the attribute docstring ("" for none)

    @property
    def statement(self) -> str:
        """``name: annotation = default`` in the class body, as black prints it."""
        return assignment(self.name, self.annotation, self.default, CLASS_BODY_INDENT)


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

    @property
    def statement(self) -> str:
        """``Name = annotation``, as black prints it."""
        return assignment(self.name, "", self.annotation)


@dataclass(frozen=True)
class ArgumentView:
    name: str
    annotation: str
    default: Optional[str]

    @property
    def parameter(self) -> str:
        """The line of a method's signature that declares it, as black prints it."""
        default = "" if self.default is None else f" = {self.default}"
        line = f"{self.name}: {self.annotation}{default},"
        return laid_out(line, PARAMETER_INDENT, bracketed=True)


@dataclass(frozen=True)
class ConstantView:
    name: str
    annotation: str  # "" for none
    value: str

    @property
    def statement(self) -> str:
        """The module-level assignment, as black prints it."""
        return assignment(self.name, self.annotation, self.value)


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


# --- laying out lines the way black prints them -------------------------------------------------
#
# Black formats every generated module, and most of its time goes to the lines it must split or
# re-indent. The templates receive their long lines already laid out as black prints them, so
# black finds little to do. A shape these helpers do not model is returned as one line, for
# black to split. The output bytes stay black's: a line split here without a trailing comma
# is joined again by black if it must be, and a trailing comma (which black never removes) is
# only added where black adds one itself.
INDENT = "    "
PARAMETER_INDENT = 8  # a method's parameters, one a line
CLASS_BODY_INDENT = 4  # the fields of a class
_OPENING = "([{"
_CLOSING = ")]}"
_OPERATORS: tuple[str, ...] = (
    " | ",
    " + ",
    " - ",
    " * ",
    " / ",
    " % ",
    "==",
    "!=",
    "<",
    ">",
)
_OPERATORS += (
    "**",
    " if ",
    " and ",
    " or ",
    " not ",
    " in ",
    " is ",
    "lambda",
    '"" ""',
)
"""Text at the top level of a line that makes black split it at an operator (and two
adjacent strings, which it splits between): shapes left to black."""


class _Unknown(Exception):
    """A shape black may split in a way these helpers do not model."""


def laid_out(line: str, indent: int = 0, *, bracketed: bool = False) -> str:
    """``line``, one logical line without its indentation, as black prints it at ``indent``
    columns: the first line without indentation (the template puts it), the others with theirs.

    ``bracketed`` says the line is inside brackets (an argument or an entry), where black first
    splits at the commas. Unknown shapes come back as they are.
    """
    try:
        lines = _split(" " * indent, line, bracketed)
    except _Unknown:
        return line
    return "\n".join(lines)[indent:]


def assignment(
    name: str, annotation: str, value: Optional[str], indent: int = 0
) -> str:
    """``name: annotation = value`` (or ``name: annotation``, or ``name = value``) at
    ``indent``, as black prints it: split inside the value's last bracket when the line up
    to it fits; else, for an annotation with brackets, the value alone in parentheses when
    it fits so; else split inside the annotation's brackets, the rest after them."""
    target = f"{name}: {annotation}" if annotation else name
    line = target if value is None else f"{target} = {value}"
    margin = " " * indent
    inner = margin + INDENT
    try:
        pairs = _scan(line)[1]
        if _fits(margin, line):
            return line
        if value is None or (pairs and pairs[-1][0] > len(target)):
            return "\n".join(_split(margin, line, False))[indent:]
    except _Unknown:
        pass
    if value is None:
        return line
    try:
        if "[" in annotation and _fits(margin, f"{target} = (") and _fits(inner, value):
            return f"{target} = (\n{inner}{value}\n{margin})"
        outer, bracket, rest = annotation.partition("[")
        if bracket and annotation.endswith("]") and _fits(margin, f"{name}: {outer}["):
            body = _body_lines(inner, rest[:-1])
            after = _split(margin, f"_ = {value}", False)  # "_" holds the place of "]"
            first = f"{margin}]{after[0][indent + 1:]}"
            return "\n".join([f"{name}: {outer}[", *body, first, *after[1:]])
    except _Unknown:
        pass
    return line


def _body_lines(indent: str, body: str) -> list[str]:
    """The lines of a bracket's body; one string too long for a line stays so."""
    try:
        return _split(indent, body, True)
    except _Unknown:
        if _is_string(body):
            return [indent + body]
        raise


def _is_string(text: str) -> bool:
    return text[:1] in "\"'" and _string_end(text, 0) == len(text)


def import_from(module: str, names: list[str], indent: int = 0) -> str:
    """``from module import a, b`` on one line, or one name a line when too long (black's)."""
    line = f"from {module} import {', '.join(names)}"
    margin = " " * indent
    if len(margin) + len(line) <= LINE_LENGTH:
        return line
    inner = margin + INDENT
    return "\n".join(
        [f"from {module} import ("] + [f"{inner}{n}," for n in names] + [f"{margin})"]
    )


def def_header(
    indent: int, define: str, name: str, parameter: str, returns: str
) -> str:
    """``def name(parameter) -> returns:`` at ``indent``, split as black splits a definition
    of one parameter that is too long: the parameter alone on its line, with a comma."""
    line = f"{define} {name}({parameter}) -> {returns}:"
    margin = " " * indent
    tail = f") -> {returns}:"
    try:
        if _fits(margin, line) or not _fits(margin, tail):
            return line
    except _Unknown:
        return line
    return f"{define} {name}(\n{margin}{INDENT}{parameter},\n{margin}{tail}"


def def_returns(indent: int, returns: str) -> str:
    """``) -> returns:``, the last line of a definition whose parameters are one a line, as
    black prints it: a return type too long is split inside its brackets."""
    line = f") -> {returns}:"
    margin = " " * indent
    outer, bracket, inner = returns.partition("[")
    try:
        if _fits(margin, line) or not (bracket and returns.endswith("]")):
            return line
        if not _fits(margin, f") -> {outer}["):
            return line
        body = _split(margin + INDENT, inner[:-1], True)
    except _Unknown:
        return line
    return "\n".join([f") -> {outer}[", *body, f"{margin}]:"])


def _fits(indent: str, line: str) -> bool:
    if not line.isascii():
        raise _Unknown(line)  # black counts the width of wide characters
    return len(indent) + len(line) <= LINE_LENGTH


def _split(indent: str, line: str, bracketed: bool) -> list[str]:
    """Black's ``transform_line`` for the shapes modelled here: a line that fits stays; inside
    brackets, a line with commas is one item a line (a comma added to the last); otherwise the
    line is split at its last bracket pair, the body one level deeper."""
    if _fits(indent, line):
        return [indent + line]
    commas, pairs, skeleton = _scan(line)
    items = _items(line, commas)
    if bracketed and len(items) > 1:
        return [out for item in items for out in _split(indent, item + ",", True)]
    if any(operator in skeleton for operator in _OPERATORS):
        raise _Unknown(line)
    if not pairs:
        raise _Unknown(line)
    opening, closing = pairs[-1]
    head, body, tail = line[: opening + 1], line[opening + 1 : closing], line[closing:]
    if not body.strip() or not _fits(indent, head) or not _fits(indent, tail):
        raise _Unknown(line)
    inner = indent + INDENT
    body_commas = _scan(body)[0]
    if body_commas and _is_display(line, opening):  # black always explodes these
        body_lines = [
            out
            for item in _items(body, body_commas)
            for out in _split(inner, item + ",", True)
        ]
    else:
        body_lines = _split(inner, body, True)
    return [indent + head, *body_lines, indent + tail]


def _items(line: str, commas: list[int]) -> list[str]:
    """The comma-separated items of ``line`` (a trailing comma ends the last one)."""
    starts = [0] + [c + 1 for c in commas]
    ends = commas + [len(line)]
    items = [line[s:e].strip() for s, e in zip(starts, ends)]
    return items[:-1] if items and not items[-1] else items


def _is_display(line: str, opening: int) -> bool:
    """A list, dict or tuple display (not a call or a subscript): black explodes its items."""
    before = line[:opening].rstrip()
    if not before or keyword.iskeyword(before.split()[-1]):  # ``return (a, b)``
        return True
    return not (before[-1].isalnum() or before[-1] in "_)]")


#: What ``_scan`` stops at: a string's quote, a comment, a bracket, a comma.
_SPECIAL = re.compile(r"[\"'#()\[\]{},]")
#: The rest of a one-line string literal after its opening quote, the closing one included.
_STRING_REST = {quote: re.compile(rf"(?:[^{quote}\\]|\\.)*{quote}") for quote in "\"'"}


def _scan(line: str) -> tuple[list[int], list[tuple[int, int]], str]:
    """The top-level commas of ``line``, its top-level bracket pairs and its top-level text
    with string contents removed (runs of spaces as one, none leading)."""
    commas: list[int] = []
    pairs: list[tuple[int, int]] = []
    skeleton: list[str] = []
    stack: list[int] = []
    index = 0
    while True:
        match = _SPECIAL.search(line, index)
        stop = len(line) if match is None else match.start()
        if not stack and stop > index:
            _add_text(skeleton, line[index:stop])
        if match is None:
            break
        char = line[stop]
        index = stop + 1
        if char in "\"'":
            index = _string_end(line, stop)
            if not stack:
                skeleton.append('""')
        elif char == "#":
            raise _Unknown(line)
        elif char in _OPENING:
            stack.append(stop)
        elif char in _CLOSING:
            if not stack:
                raise _Unknown(line)
            opening = stack.pop()
            if not stack:
                pairs.append((opening, stop))
        elif not stack:  # a comma
            commas.append(stop)
            skeleton.append(",")
    if stack:
        raise _Unknown(line)
    return commas, pairs, "".join(skeleton)


def _add_text(skeleton: list[str], part: str) -> None:
    """Add top-level text to a skeleton: runs of spaces as one, none after a space or first."""
    part = re.sub(" {2,}", " ", part)
    if part.startswith(" ") and (not skeleton or skeleton[-1].endswith(" ")):
        part = part[1:]
    if part:
        skeleton.append(part)


def _string_end(line: str, start: int) -> int:
    """The index after the string literal opening at ``start`` (no triple quotes)."""
    quote = line[start]
    if line.startswith(quote * 3, start):
        raise _Unknown(line)
    match = _STRING_REST[quote].match(line, start + 1)
    if match is None:
        raise _Unknown(line)
    return match.end()

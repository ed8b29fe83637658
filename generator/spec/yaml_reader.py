"""YAML to JSON text: yaml-rs reads YAML 1.2, and this module makes the checks it does not.

yaml-rs (Rust) reads Stripe's 4 MB spec in about 0.2 s, against about 2 s for PyYAML's C
loader. What PyYAML's safe loader refused is refused here too, with its line: characters YAML
forbids, several documents, tags beyond JSON's, recursive aliases, alias bombs, duplicate keys;
merge keys (``<<``), which YAML 1.2 dropped, are applied; and nesting deep enough to crash
yaml-rs is refused before it reads the text.
"""

from __future__ import annotations

import ast
import codecs
import json
import re
from pathlib import Path
from typing import Any, Union

import yaml_rs

from ..errors import CodegenError, json_pointer
from .limits import (
    MAX_DOCUMENT_DEPTH,
    MAX_DOCUMENT_NODES,
    LimitExceeded,
    alias_bomb,
    check_tree,
    kind_of,
    too_deep,
    walk,
)


def yaml_to_json_text(path: Path, raw: bytes) -> str:
    """YAML 1.2 (read by yaml-rs) to JSON text, with the checks yaml-rs does not make."""
    text = _decode(path, raw)
    _refuse_forbidden_characters(path, text)
    _refuse_block_nesting_past_the_parser(path, text)
    data = _parse_yaml(path, text)
    if type(data) is list and _DOCUMENT_MARKER.search(text):
        _refuse_several_documents(path, text)
    if _may_hold_indicator(text, "!"):
        _refuse_unsupported_tags(path, text)
    if any(f"*{name}" in text for name in _anchor_names(text)):
        _refuse_recursive_aliases(path, text)
    try:
        check_tree(data)
    except LimitExceeded as limit:
        raise limit.error(path) from None
    if "<<" in text:
        data = _apply_merge_keys(path, data)
    try:
        return json.dumps(
            data, ensure_ascii=False, allow_nan=False, default=_json_default
        )
    except (TypeError, ValueError) as exc:
        raise CodegenError(
            f"{path} holds a value JSON cannot represent: {exc}",
            pointer="",
            hint="OpenAPI documents may only use JSON-compatible values",
        ) from exc


def _may_hold_indicator(text: str, indicator: str) -> bool:
    """Whether ``indicator`` (``!`` of a tag, ``&`` of an anchor) comes where a node may start:
    at the start of a line or after a space or flow indicator. Most specs have few or none, so
    looking at each is faster than a regular expression over the text (Stripe's: 3 ``&``).
    """
    at = text.find(indicator)
    while at >= 0:
        if at == 0 or text[at - 1] in _BEFORE_A_NODE:
            return True
        at = text.find(indicator, at + 1)
    return False


_BEFORE_A_NODE = frozenset(" \t\r\n[]{},")
_AFTER_A_NAME = frozenset(" \t\r\n[]{},")


def _anchor_names(text: str) -> set[str]:
    """The names after each ``&`` where an anchor may be (a superset: text counts too)."""
    names, at = set(), text.find("&")
    while at >= 0:
        end = at + 1
        while end < len(text) and text[end] not in _AFTER_A_NAME:
            end += 1
        if end > at + 1 and (at == 0 or text[at - 1] in _BEFORE_A_NODE):
            names.add(text[at + 1 : end])
        at = text.find("&", at + 1)
    return names


def _json_default(value: object) -> str:
    raise TypeError(f"{type(value).__name__} value {value!r:.60}")


# --- YAML: text --------------------------------------------------------------------------------

_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose mark it starts with
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF16_LE, "utf-16"),
)


def _decode(path: Path, raw: bytes) -> str:
    """The text of a YAML file: UTF-8, or UTF-16/32 with a byte-order mark (the encodings YAML
    allows); the mark itself is dropped, as it is not part of the document."""
    encoding = next(
        (name for mark, name in _BYTE_ORDER_MARKS if raw.startswith(mark)), "utf-8"
    )
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line, column = _line_and_column(raw, exc.start)
        raise CodegenError(
            f"{path} is not valid YAML (nor JSON): it is not {exc.encoding.upper()} text "
            f"({exc.reason} at line {line}, column {column})",
            pointer="",
            hint="save the file as UTF-8 (or UTF-16 with a byte-order mark)",
        ) from None


def _line_and_column(text: Union[str, bytes], offset: int) -> tuple[int, int]:
    newline = "\n" if isinstance(text, str) else b"\n"
    start = text.rfind(newline, 0, offset) + 1  # type: ignore[arg-type]
    return text.count(newline, 0, offset) + 1, offset - start + 1  # type: ignore[arg-type]


_FORBIDDEN_CHARACTER = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
"""What YAML does not allow in a document (C0 controls but tab and line breaks, DEL, C1
controls but NEL, U+FFFE/U+FFFF); yaml-rs would cut a value at a NUL instead of refusing it."""


def _refuse_forbidden_characters(path: Path, text: str) -> None:
    found = _FORBIDDEN_CHARACTER.search(text)
    if found is None:
        return
    line, column = _line_and_column(text, found.start())
    hint = (
        "remove the character, or write it as an escape (such as \\x07) inside a "
        "double-quoted string"
    )
    if found.group() == "\0":
        hint += (
            "; a file of NUL bytes is UTF-16 or UTF-32 without a byte-order mark: save "
        )
        hint += "it as UTF-8"
    raise CodegenError(
        f"{path} is not valid YAML (nor JSON): it holds the control character "
        f"U+{ord(found.group()):04X}, which YAML does not allow (line {line}, column {column})",
        pointer="",
        hint=hint,
    )


_BLOCK_COLUMNS = 300
"""More indentation levels than this (columns at which block mappings and sequences start,
compact ``- - -`` ones included) are refused before yaml-rs reads the document: it converts
recursively and overflows the C stack (a crash, not an error) near 11,000 levels. A level
needs a column (but a sequence under a mapping key), so the limit is past what
``MAX_DOCUMENT_DEPTH`` allows, with room for the indentation of text in block scalars."""
_LONG_INDENTATION = re.compile(r"\n[ \t?:-]{%d}" % _BLOCK_COLUMNS)
"""A line starting with that many spaces and indicators (after a line break: much faster to
look for than ``^``; the first line is looked at on its own)."""
_ALIAS_REPLAY_DEPTH = 8
"""How deeply YAML aliases may nest (an alias inside an anchored node used by an alias...):
each replay may add the depth of a document (at most 2 * 300 block levels and 255 flow
ones), so this bounds the expanded depth too: 9 * 855, well below yaml-rs's crash."""


def _refuse_block_nesting_past_the_parser(path: Path, text: str) -> None:
    """Refuse a document indented past ``_BLOCK_COLUMNS`` levels. Cheap for any document whose
    lines start with fewer than that many spaces and indicators: they cannot be deeper.
    """
    if _LONG_INDENTATION.search("\n" + text[: _BLOCK_COLUMNS + 1]) is None:
        if _LONG_INDENTATION.search(text) is None:
            return
    line = _first_line_past_block_columns(text)
    if line is not None:
        raise too_deep(path, [], line)


def _first_line_past_block_columns(text: str) -> int | None:
    """The first line at which more than ``_BLOCK_COLUMNS`` indentation levels are open.

    A stack of the columns where open block collections start (a line's indentation, then one
    column after each ``-``, ``?`` or ``:`` indicator at its start); a level of nesting needs
    a column of its own, but for a sequence under a mapping key, so the depth is at least half
    the stack. Lines of block scalars count too: an overestimate, only ever past 300 columns.
    """
    stack: list[int] = []
    for number, line in enumerate(text.split("\n"), 1):
        indent = len(line) - len(line.lstrip(" "))
        if indent == len(line.rstrip()) or line[indent] == "#":
            continue  # blank or comment
        while stack and stack[-1] >= indent:
            stack.pop()
        stack.append(indent)
        position = indent
        while line[position : position + 1] in ("-", "?", ":") and line[
            position + 1 : position + 2
        ] in (" ", "\t"):
            position += 2
            while line[position : position + 1] in (" ", "\t"):
                position += 1
            stack.append(position)
        if len(stack) > _BLOCK_COLUMNS:
            return number
    return None


# --- YAML: parse ------------------------------------------------------------------------------

_ALIAS_LIMITS = yaml_rs.AliasLimits(
    # yaml-rs counts events (a scalar, a key, a collection's start and end): one or two a
    # value. Past this, expanding builds millions of objects before the count can stop it.
    max_total_replayed_events=MAX_DOCUMENT_NODES,
    max_replay_stack_depth=_ALIAS_REPLAY_DEPTH,
)
_LENIENT: dict[str, Any] = {
    "alias_limits": _ALIAS_LIMITS,
    "duplicate_key_policy": yaml_rs.DuplicateKeyPolicy.LastWins,
}
"""For the readings that only look for where a problem is."""
_PARSE_ERROR = re.compile(r"YAML parse error at line (\d+), column (\d+)\n")


def _parse_yaml(
    path: Path,
    text: str,
    duplicates: yaml_rs.DuplicateKeyPolicy = yaml_rs.DuplicateKeyPolicy.Error,
) -> object:
    """yaml-rs's reading of ``text``: YAML 1.2 (``yes``/``on`` stay strings), no dates (OpenAPI
    is JSON data: ``2023-08-16`` stays a string, as it would be in JSON)."""
    try:
        return yaml_rs.loads(
            text,
            parse_datetime=False,
            alias_limits=_ALIAS_LIMITS,
            duplicate_key_policy=duplicates,
        )
    except yaml_rs.YAMLDecodeError as exc:
        raise _yaml_error(path, text, str(exc)) from None


def _yaml_error(path: Path, text: str, message: str) -> CodegenError:
    if message.startswith("alias replay limit exceeded"):
        return _alias_bomb_error(path, text)
    if message.startswith("alias replay stack depth exceeded"):
        return CodegenError(
            f"{path} nests YAML aliases more than {_ALIAS_REPLAY_DEPTH} deep (an alias in "
            "an anchored node repeated by an alias in another...)",
            pointer="",
            hint="replace the inner aliases (*name) with copies of what they repeat",
        )
    if message.startswith("duplicate mapping key"):
        return _duplicate_key_error(path, text, message.partition(": ")[2])
    if message.startswith("Invalid tag"):
        _refuse_unsupported_tags(path, text)
    if _yaml_problem(message).startswith("recursion limit exceeded"):
        return _flow_too_deep(path, message)
    return CodegenError(
        f"{path} is not valid YAML (nor JSON): {_yaml_problem(message)}",
        pointer="",
        hint="check the file is an OpenAPI document in JSON or YAML",
    )


def _flow_too_deep(path: Path, message: str) -> CodegenError:
    """yaml-rs's parser reads flow collections (``[ ]``, ``{ }``) 255 levels deep at most."""
    found = _PARSE_ERROR.match(message)
    where = f" (line {found.group(1)}, column {found.group(2)})" if found else ""
    limit = too_deep(path, [])
    return CodegenError(
        f"{path} is nested deeper than 255 levels of flow mappings and sequences "
        f"([ ] and {{ }}), the most its YAML is read with{where}",
        pointer="",
        hint=limit.hint,
    )


def _yaml_problem(message: str) -> str:
    """yaml-rs's ``YAML parse error at line L, column C`` and a snippet as one short line."""
    found = _PARSE_ERROR.match(message)
    if found is None:
        return message.splitlines()[0] if message else "unreadable"
    problem = message.rstrip().splitlines()[-1]
    return f"{problem} (line {found.group(1)}, column {found.group(2)})"


_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?=[ \t\r\n]|$)", re.MULTILINE)
"""``---`` or ``...`` at the start of a line: always a document marker, never content."""


def _refuse_several_documents(path: Path, text: str) -> None:
    """yaml-rs gives a list for a file of several documents: tell that from a document that is
    a list by adding one more document (then the list always holds the documents)."""
    try:
        count = len(yaml_rs.loads(text + "\n---\n~\n", parse_datetime=False)) - 1
    except (yaml_rs.YAMLDecodeError, TypeError):
        return
    if count < 2:
        return
    lines = [
        _line_and_column(text, found.start())[0]
        for found in _DOCUMENT_MARKER.finditer(text)
    ]
    shown = ", ".join(map(str, lines[:3])) + (", ..." if len(lines) > 3 else "")
    raise CodegenError(
        f"{path} holds {count} YAML documents (markers --- or ... at line "
        f"{shown}); an OpenAPI file is one document",
        pointer="",
        hint="keep one document in the file: remove the other documents and their --- lines",
    )


# --- YAML: duplicate keys ---------------------------------------------------------------------

_FRESH_KEY = re.compile(r"__codegen_duplicate_(\d+)__\Z")


def _duplicate_key_error(path: Path, text: str, key_repr: str) -> CodegenError:
    """yaml-rs names the key given twice, not where: the key's spellings in the text are given
    unique names and the text read again; the first mapping holding two of them (or one and
    the key itself) is the one, and the spellings' lines are where."""
    why = "YAML keeps only the last, silently dropping the first"
    try:
        key: object = ast.literal_eval(key_repr)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        key = key_repr
    found = _locate_duplicate(text, key)
    hint = "remove or rename one of the two keys"
    if found is None:
        return CodegenError(
            f"{path}: duplicate key {key_repr} in one mapping; {why}",
            pointer="",
            hint=hint,
        )
    tokens, lines = found
    where = f"at line {lines[-1]}"
    if len(lines) > 1:
        where += f" (first at line {lines[0]})"
    return CodegenError(
        f"{path}: duplicate key {key!r} {where}; {why}",
        pointer=json_pointer(*tokens, key),
        hint=hint,
    )


def _key_spellings(key: object) -> list[str]:
    """How a key may be written: plain, single- or double-quoted (or a number, a boolean)."""
    if key is None:
        return ["null", "~"]
    if not isinstance(key, str):
        return [str(key), str(key).lower()]
    return [
        key,
        "'" + key.replace("'", "''") + "'",
        json.dumps(key, ensure_ascii=False),
    ]


def _locate_duplicate(text: str, key: object) -> tuple[list[object], list[int]] | None:
    spellings = "|".join(map(re.escape, _key_spellings(key)))
    pattern = re.compile(
        r"(?<![^\s{\[,?])(?:" + spellings + r")(?=[ \t]*:(?:[\s,\]}]|\Z))"
    )
    starts: list[int] = []

    def fresh(found: re.Match[str]) -> str:
        starts.append(found.start())
        return f"__codegen_duplicate_{len(starts) - 1}__"

    renamed = pattern.sub(fresh, text)
    if not starts:
        return None
    try:
        data = yaml_rs.loads(renamed, parse_datetime=False, **_LENIENT)
    except yaml_rs.YAMLDecodeError:
        return None
    for value, tokens in walk(data):
        if type(value) is dict:
            indices = [
                int(match.group(1))
                for match in map(_FRESH_KEY.match, map(str, value))
                if match is not None
            ]
            if indices and len(indices) + (key in value) >= 2:
                lines = [_line_and_column(text, starts[i])[0] for i in indices]
                return tokens, sorted(lines)[-2:]
    return None


# --- YAML: tags -------------------------------------------------------------------------------

_TAG_CANDIDATE = re.compile(r"(?<![^\s\[\]{},])!(?:<[^>\s]*>|[^\s,\[\]{}]*)")
"""Where a tag may start (``!name``, ``!!name``, ``!<...>``), or an ``!`` in text."""
_JSON_TAGS = frozenset(
    {"!!str", "!!int", "!!float", "!!bool", "!!null", "!!seq", "!!map", "!!set"}
)
"""The tags of JSON's values, read as YAML's core schema does (``!!set`` gives a set, which
JSON cannot hold: refused as such)."""
_UNKNOWN_ANCHOR = "*__codegen_unsupported_tag__"
"""Replaces the ``!`` of a tag: an alias (the tag's name is the end of the anchor's name)."""


def _refuse_unsupported_tags(path: Path, text: str) -> None:
    """yaml-rs ignores local tags (``!foo x`` is ``'x'``) and most tags on mappings and lists
    (``!!python/object {}``); PyYAML's safe loader refused them, and so does this.

    Each ``!`` that may start such a tag is replaced with ``*`` and a name no anchor has, and
    the text read again: inside a string that is only text; as a tag, it is an alias of an
    unknown anchor, which yaml-rs refuses with its line and column.
    """
    candidates: list[tuple[int, str]] = []

    def replace(found: re.Match[str]) -> str:
        directive = text.startswith("%", text.rfind("\n", 0, found.start()) + 1)
        if (
            found.group() in _JSON_TAGS or directive
        ):  # %TAG !e! ...: a handle, not a tag
            return found.group()
        candidates.append((found.start(), found.group()))
        # Only the "!": in a quoted string, the rest (a closing quote, say) stays as it was.
        return _UNKNOWN_ANCHOR + found.group()[1:]

    rewritten = _TAG_CANDIDATE.sub(replace, text)
    if not candidates:
        return
    try:
        yaml_rs.loads(rewritten, parse_datetime=False, **_LENIENT)
        return
    except yaml_rs.YAMLDecodeError as exc:
        position = _PARSE_ERROR.match(str(exc))
    error_at = len(rewritten)
    if position is not None:
        error_at = _offset(rewritten, int(position.group(1)), int(position.group(2)))
    # The last replaced tag before the error (offsets in the rewritten text shift by the
    # difference in length of each replacement before).
    shift, tag_at, tag = 0, candidates[0][0], candidates[0][1]
    for start, name in candidates:
        if start + shift > error_at:
            break
        tag_at, tag = start, name
        shift += len(_UNKNOWN_ANCHOR) - 1
    line, column = _line_and_column(text, tag_at)
    raise CodegenError(
        f"{path} uses the YAML tag {tag!r} (line {line}, column {column}), which an "
        "OpenAPI document cannot use",
        pointer="",
        hint="remove the tag: an OpenAPI document holds JSON data only (strings, numbers, "
        "booleans, null, mappings and lists)",
    )


def _offset(text: str, line: int, column: int) -> int:
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
    return start + column - 1


# --- YAML: recursive aliases -------------------------------------------------------------------

_ANCHOR_CANDIDATE = re.compile(r"(?<![^\s\[\]{},])&[^\s,\[\]{}]+")
_ALIAS_CANDIDATE = re.compile(r"(?<![^\s\[\]{},])\*[^\s,\[\]{}]+")
_ALIAS_MARK = re.compile(r"__codegen_alias_(\d+)__")


def _refuse_recursive_aliases(path: Path, text: str) -> None:
    """yaml-rs reads an alias inside the node of its own anchor (``x: &a {again: *a}``) as
    null; PyYAML refused it, and so does this.

    Two more readings: one with each ``*`` that may start an alias made a plain string (where
    the aliases are), one with each anchor given the tag ``!!str`` (an alias of a null node is
    then a string, so a null where an alias was can only be a recursive alias). Marks inside
    strings only change the strings.
    """
    starts: list[int] = []

    def mark(found: re.Match[str]) -> str:
        starts.append(found.start())
        return f"__codegen_alias_{len(starts) - 1}__{found.group()[1:]}"

    marked = _ALIAS_CANDIDATE.sub(mark, text)
    if not starts:
        return
    forced = _ANCHOR_CANDIDATE.sub(lambda found: found.group() + " !!str", text)
    try:
        aliases = yaml_rs.loads(marked, parse_datetime=False, **_LENIENT)
        expanded = yaml_rs.loads(forced, parse_datetime=False, **_LENIENT)
    except yaml_rs.YAMLDecodeError:
        return  # an anchor with a tag of its own, say: not a recursive alias
    stack: list[tuple[object, object, list[object]]] = [(aliases, expanded, [])]
    while stack:  # depth first, in document order
        where, value, tokens = stack.pop()
        if type(where) is str and value is None:
            found = _ALIAS_MARK.match(where)
            if found is not None:
                line, column = _line_and_column(text, starts[int(found.group(1))])
                raise CodegenError(
                    f"{path} has a YAML alias that refers to itself: a node containing "
                    f"itself (line {line}, column {column})",
                    pointer=json_pointer(*tokens),
                    hint="replace the recursive alias with a copy of what it should repeat",
                )
        pairs = _common_children(where, value)
        stack.extend((a, b, tokens + [token]) for token, a, b in reversed(pairs))


def _common_children(
    where: object, value: object
) -> list[tuple[object, object, object]]:
    if type(where) is dict and type(value) is dict:
        return [
            (key, child, value[key]) for key, child in where.items() if key in value
        ]
    if type(where) is list and type(value) is list and len(where) == len(value):
        return [(index, *pair) for index, pair in enumerate(zip(where, value))]
    return []


def _alias_bomb_error(path: Path, text: str) -> CodegenError:
    """yaml-rs stops expanding aliases past the limit without saying where: the alias that
    passes it is found by bisection, reading the text with the aliases from the ``n``-th on
    made plain strings (more aliases, more to expand: the first ``n`` that passes is the one).
    """
    starts = [found.start() for found in _ALIAS_CANDIDATE.finditer(text)]

    def first_marked(count: int) -> str:
        """The text with the aliases from ``count`` on marked as strings."""
        parts, end = [text[: starts[count]] if count < len(starts) else text], 0
        for index in range(count, len(starts)):
            end = starts[index + 1] if index + 1 < len(starts) else len(text)
            parts.append(f"__codegen_alias_{index}__{text[starts[index] + 1 : end]}")
        return "".join(parts)

    def passes_the_limit(count: int) -> bool:
        try:
            yaml_rs.loads(first_marked(count), parse_datetime=False, **_LENIENT)
        except yaml_rs.YAMLDecodeError as exc:
            return str(exc).startswith("alias replay limit exceeded")
        return False

    low, high = 0, len(starts)  # passes_the_limit(high), not (low)
    if not starts or passes_the_limit(0):
        return alias_bomb().error(path)
    while high - low > 1:
        middle = (low + high) // 2
        if passes_the_limit(middle):
            high = middle
        else:
            low = middle
    culprit = high - 1
    tokens = _alias_tokens(first_marked(0), culprit)
    line, column = _line_and_column(text, starts[culprit])
    limit = alias_bomb()
    return LimitExceeded(
        limit.problem + f": the alias at line {line}, column {column} passes it",
        tokens if tokens is not None else [],
        None,
        limit.hint,
    ).error(path)


def _alias_tokens(marked: str, index: int) -> list[object] | None:
    """The pointer tokens of the alias ``index`` in a text where aliases are marked strings."""
    try:
        data = yaml_rs.loads(marked, parse_datetime=False, **_LENIENT)
    except yaml_rs.YAMLDecodeError:
        return None
    wanted = f"__codegen_alias_{index}__"
    return next(
        (
            tokens
            for value, tokens in walk(data)
            if type(value) is str and value.startswith(wanted)
        ),
        None,
    )


# --- YAML: merge keys --------------------------------------------------------------------------


def _apply_merge_keys(path: Path, data: object) -> object:
    """YAML 1.1's merge keys, which OpenAPI files use and yaml-rs (YAML 1.2) leaves as a key
    ``<<``: ``<<: *base`` (or a list of them) brings in the keys of ``base``; the mapping's own
    keys win, and among merged mappings the earlier one. Keys come in PyYAML's order: the
    merged ones first (the last mapping's first), then the mapping's own.

    Children before parents (the reverse of document order), so that a merged mapping has had
    its own merges applied; walked without recursion (the depth was checked, but may be 256).
    """
    order = [(v, tokens) for v, tokens in walk(data) if type(v) in (dict, list)]
    replaced: dict[int, dict[object, object]] = {}
    for value, tokens in reversed(order):
        if type(value) is list:
            value[:] = [replaced.get(id(child), child) for child in value]
        elif type(value) is dict:
            for key, child in list(value.items()):
                if id(child) in replaced:
                    value[key] = replaced[id(child)]
            if "<<" in value:
                replaced[id(value)] = _merged(path, value, tokens)
    return replaced.get(id(data), data)


def _merged(
    path: Path, mapping: dict[object, object], tokens: list[object]
) -> dict[object, object]:
    sources = mapping["<<"]
    if type(sources) is dict:
        sources = [sources]
    if type(sources) is not list or any(type(s) is not dict for s in sources):
        raise CodegenError(
            f"{path}: a YAML merge key (<<) must be given a mapping or a list of mappings "
            f"(such as *base or [*base, *other]), not {kind_of(sources)}",
            pointer=json_pointer(*tokens, "<<"),
            hint="give << an alias of a mapping, or rename the key",
        )
    result: dict[object, object] = {}
    for source in reversed(sources):
        result.update(source)
    for key, value in mapping.items():
        if key != "<<":
            result[key] = value
    return result

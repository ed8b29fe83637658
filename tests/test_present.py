"""Unit tests for generator.present: the shared vocabulary, the plan of files, no cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from generator import ir, naming
from generator.errors import CodegenError
from generator.lower import Selection, lower_document
from generator.present import describe, docs, files, package, plan, reference
from generator.render import RUNTIME_FILES, Renderer, RenderOptions, render
from generator.spec import parse_document
from tests.test_render import SPEC  # one small spec: path, query, body, enum, union

GENERATOR = Path(__file__).resolve().parent.parent / "generator"
STR = ir.Primitive("str")
LIMITED = ir.Primitive("str", (ir.Constraint("max_length", 5, "max length 5"),))


def _api() -> ir.Api:
    return lower_document(
        parse_document(SPEC), Selection(all=True), spec_sha256="0" * 64
    )


# --- describe -----------------------------------------------------------------------------------


def test_labels_say_types_in_words() -> None:
    card = ir.ModelRef("Card")
    assert describe.label(ir.UnionType((card, STR))) == "object (Card) or string"
    assert describe.label(ir.MapType(ir.ListType(STR))) == (
        "map of string to list of string"
    )
    assert describe.label(ir.Nullable(ir.Primitive("int"))) == "integer or null"
    assert describe.label(ir.LiteralType(("",))) == "empty string"
    assert describe.label(ir.LiteralType((1, "a"))) == "enum (int, str)"


def test_words_leave_models_and_enums_to_the_output_kind() -> None:
    said = describe.words(
        ir.ListType(ir.UnionType((ir.ModelRef("Card"), ir.LiteralType(("a",))))),
        model=lambda name: f"<{name}>",
        literal=lambda e: f"one of {len(e.values)}",
        map_of="map of ",
    )
    assert said == "list of <Card> or one of 1"


def test_constraints_and_enums_look_inside_containers_unless_told_not_to() -> None:
    expr = ir.UnionType((ir.ListType(LIMITED), ir.MapType(LIMITED)))
    assert describe.constraint_labels(expr) == [
        "items: max length 5",
        "values: max length 5",
    ]
    assert describe.constraint_labels(expr, maps=False) == ["items: max length 5"]
    listed = ir.Nullable(ir.ListType(ir.LiteralType(("a", "b"))))
    assert describe.enum_values(listed) == ["a", "b"]
    assert describe.enum_values(listed, lists=False) == []
    two = ir.UnionType((ir.LiteralType(("a",)), ir.LiteralType(("",))))
    assert describe.enum_groups(two) == [("a",), ("",)]


def test_nested_models_in_order_and_union_members() -> None:
    expr = ir.Nullable(
        ir.UnionType((ir.ModelRef("B"), ir.ListType(ir.ModelRef("A")), STR))
    )
    assert describe.nested_models(expr) == ["B", "A"]
    assert len(describe.union_members(expr)) == 3
    assert describe.union_members(STR) == ()


# --- the plan ---------------------------------------------------------------------------------


def test_the_plan_lists_every_rendered_file_in_order() -> None:
    api = _api()
    planned = plan(api, "tiny", RUNTIME_FILES)
    rendered = render(api, RenderOptions(package="tiny"))
    assert [f.path for f in planned.files] == list(rendered)
    assert planned.common["package"] == "tiny"
    kinds = {type(f) for f in planned.files}
    assert kinds == {files.Template, files.Static, files.Text}


def test_each_output_kind_plans_its_own_folder() -> None:
    api = _api()
    assert all(f.path.startswith("docs/") for f in docs.files(api, "tiny"))
    assert all(f.path.startswith("reference/") for f in reference.files(api, "tiny"))
    assert all(
        f.path.startswith("tiny/") for f in package.files(api, "tiny", RUNTIME_FILES)
    )


def test_the_renderer_emits_a_file_it_is_handed() -> None:
    renderer = Renderer(RenderOptions(package="tiny"), {"title": "T"})
    assert renderer.emit(files.Text("a.txt", "text")) == "text"
    script = renderer.emit(
        files.Static("y.js", "reference/assets/reference.js", "/**/\n")
    )
    assert script.startswith("/**/\n") and len(script) > 1000
    page = files.Template("x.md", "docs/index.md.jinja", {}, "HEADER\n")
    with pytest.raises(CodegenError, match="docs/index.md.jinja"):
        renderer.emit(
            page
        )  # the template needs `site`: the renderer says which template


def test_async_class_names_reach_the_templates_from_naming() -> None:
    api = _api()
    group = api.groups[0]
    view = package.group_view(group)
    assert view.async_class_name == "Async" + group.class_name
    context = package.resource_context(group)
    # a twin per resource, the top resource first; the twin awaits an AsyncAPIClient
    classes = context["classes"]
    assert [(c.name, c.client_class) for c in classes[:2]] == [
        (group.class_name, "SyncAPIClient"),
        (view.async_class_name, "AsyncAPIClient"),
    ]
    assert [c.name for c in classes] == [
        prefix + r.class_name for r in group.resources for prefix in ("", "Async")
    ]
    assert all(
        naming.async_class_name(sync.name) == twin.name
        for sync, twin in zip(classes[::2], classes[1::2])
    )


# --- no cycle ---------------------------------------------------------------------------------


def _imports(path: Path) -> set[str]:
    """The generator modules one module imports (relative imports resolved)."""
    module = ".".join(path.relative_to(GENERATOR.parent).with_suffix("").parts)
    package_name = module if path.name == "__init__.py" else module.rpartition(".")[0]
    package_name = package_name.removesuffix(".__init__")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package_name
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            target = (
                (f"{base}.{node.module}" if node.level and node.module else base)
                if node.level
                else (node.module or "")
            )
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("generator")}


def test_the_presentation_layer_never_imports_the_renderer() -> None:
    for path in sorted((GENERATOR / "present").glob("*.py")):
        imported = _imports(path)
        assert not any(
            name == "generator.render" or name.startswith("generator.render.")
            for name in imported
        ), path.name
    assert "generator.present" in _imports(GENERATOR / "render.py")

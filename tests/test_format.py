"""Unit tests for generator.format: black for Python, tidying for Markdown, cache, parallelism."""

from __future__ import annotations

import concurrent.futures
from typing import Optional

import black
from black.mode import TargetVersion
import pytest

from generator import format as formatting
from generator.errors import CodegenError

UGLY = (
    "import os,sys\n"
    "def f( a,b = 1 ):\n"
    "  return {'a':a,'b':b}\n"
    "class C :\n"
    "  x : int=1\n"
)

UGLY_2 = "x=[1,2,\n3]\ny = {  }\nprint( 'hi' )\n"


def test_python_equals_black_with_the_pinned_mode() -> None:
    out = formatting.format_files({"pkg/a.py": UGLY})
    expected = black.format_str(UGLY, mode=formatting.black_mode())
    assert out == {"pkg/a.py": expected.encode("utf-8")}
    assert expected.startswith("import os, sys\n\n\ndef f(a, b=1):\n")
    assert 'return {"a": a, "b": b}' in expected


def test_python_output_is_black_stable() -> None:
    once = formatting.format_files({"a.py": UGLY})["a.py"].decode("utf-8")
    assert black.format_str(once, mode=formatting.black_mode()) == once
    assert formatting.format_files({"a.py": once})["a.py"] == once.encode("utf-8")


def test_mode_is_fixed() -> None:
    assert formatting.black_mode().line_length == 88
    assert formatting.black_mode().target_versions == {TargetVersion.PY39}


def test_markdown_tidy() -> None:
    text = "# Title   \n\n\n\nBody line \t\nnext\n\n\n\n"
    assert formatting.format_files({"docs/a.md": text}) == {
        "docs/a.md": b"# Title\n\nBody line\nnext\n"
    }


def test_markdown_tidy_strips_leading_blank_lines_and_adds_final_newline() -> None:
    assert formatting.tidy_markdown("\n\ntext") == b"text\n"
    assert formatting.tidy_markdown("a\n\nb") == b"a\n\nb\n"
    assert formatting.tidy_markdown("") == b"\n"


def test_other_files_are_passed_through() -> None:
    text = "body {  }  \n\n\n\n"
    assert formatting.format_files({"r/a.css": text, "p/py.typed": ""}) == {
        "p/py.typed": b"",
        "r/a.css": text.encode("utf-8"),
    }


def test_output_is_sorted_by_path() -> None:
    out = formatting.format_files({"b.md": "b", "a.py": "x=1\n", "c.txt": "c"})
    assert list(out) == ["a.py", "b.md", "c.txt"]


def test_invalid_python_is_codegen_error() -> None:
    with pytest.raises(CodegenError) as caught:
        formatting.format_files({"pkg/bad.py": "def f(:\n    pass\n"})
    assert caught.value.message.startswith(
        "generated file pkg/bad.py is not valid Python: "
    )
    assert caught.value.hint is not None


def test_source_hash() -> None:
    assert formatting.source_hash("") == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def test_cached_file_is_not_formatted(monkeypatch: pytest.MonkeyPatch) -> None:
    formatted: list[str] = []
    real = formatting.format_python

    def spy(path: str, text: str) -> bytes:
        formatted.append(path)
        return real(path, text)

    monkeypatch.setattr(formatting, "format_python", spy)
    asked: list[tuple[str, str]] = []

    def cached(path: str, source_sha256: str) -> Optional[bytes]:
        asked.append((path, source_sha256))
        return b"# from cache\n" if path == "hit.py" else None

    out = formatting.format_files({"hit.py": UGLY, "miss.py": UGLY_2}, cached=cached)
    assert formatted == ["miss.py"]
    assert out["hit.py"] == b"# from cache\n"
    assert (
        out["miss.py"]
        == black.format_str(UGLY_2, mode=formatting.black_mode()).encode()
    )
    assert asked == [
        ("hit.py", formatting.source_hash(UGLY)),
        ("miss.py", formatting.source_hash(UGLY_2)),
    ]


def test_progress_counts_every_file() -> None:
    reports: list[int] = []
    formatting.format_files(
        {"a.py": "x=1\n", "b.md": "b", "c.py": "y=2\n"},
        cached=lambda path, _: b"z = 3\n" if path == "c.py" else None,
        progress=reports.append,
    )
    assert reports[0] == 1  # the cached file, reported up front
    assert sum(reports) == 3


def test_parallel_path_gives_identical_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"pkg/m{i}.py": UGLY.replace("f(", f"f{i}(") + UGLY_2 for i in range(4)}
    files["docs/x.md"] = "x  \n\n\n"
    serial = formatting.format_files(files, jobs=1)

    pools: list[int] = []

    class CountingPool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, max_workers: Optional[int] = None) -> None:
            pools.append(max_workers or 0)
            super().__init__(max_workers=max_workers)

    monkeypatch.setattr(formatting, "PARALLEL_THRESHOLD", 10)
    monkeypatch.setattr(formatting, "ProcessPoolExecutor", CountingPool)
    parallel = formatting.format_files(files, jobs=2)
    assert pools == [2]
    assert parallel == serial
    assert list(parallel) == sorted(files)


def test_small_input_stays_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(formatting, "ProcessPoolExecutor", refuse)
    out = formatting.format_files({"a.py": "x=1\n", "b.py": "y=2\n"}, jobs=2)
    assert out == {"a.py": b"x = 1\n", "b.py": b"y = 2\n"}


def test_pieces_of_the_real_models_module_format_like_the_whole(
    stripe_spec: object,
) -> None:
    """Formatting a large module in pieces gives black's bytes for the whole module."""
    from generator import pipeline
    from generator.render import RenderOptions, render
    from generator.settings import load_settings
    from tests.conftest import ROOT

    settings = load_settings(ROOT / "pyproject.toml")
    api = pipeline.lower(settings)
    models = render(api, RenderOptions(package="stripe_client"))[
        "stripe_client/models.py"
    ]
    pieces = formatting.split_at_classes(models, 2000)
    assert len(pieces) > 3
    joined = formatting.join_pieces(
        [formatting.format_python("models.py", p).decode() for p in pieces]
    )
    assert joined == formatting.format_python("models.py", models).decode()

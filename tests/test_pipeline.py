"""`pipeline.build`: a build is taken from the build store only when nothing it reads changed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline
from generator.settings import Settings, load_settings
from tests.conftest import ROOT


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The project's settings, writing to a temporary folder, with a cache of its own."""
    monkeypatch.setenv("CODEGEN_CACHE_DIR", str(tmp_path / "cache"))
    return replace(load_settings(ROOT / "pyproject.toml"), output=tmp_path / "out")


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """The settings of every build that really ran (lowered, rendered, formatted)."""
    ran: list[Settings] = []
    real = pipeline._build

    def recording(settings: Settings, *args: Any) -> pipeline.Build:
        ran.append(settings)
        return real(settings, *args)

    monkeypatch.setattr(pipeline, "_build", recording)
    return ran


def test_the_same_inputs_are_built_once(
    settings: Settings, builds: list[Settings]
) -> None:
    first = pipeline.build(settings)
    second = pipeline.build(replace(settings, output=settings.output / "elsewhere"))
    assert second.files == first.files and second.spec_sha256 == first.spec_sha256
    assert len(builds) == 1  # where the output goes is no input of the build


def test_no_cache_always_builds(settings: Settings, builds: list[Settings]) -> None:
    pipeline.build(settings)
    pipeline.build(settings, use_cache=False)
    assert len(builds) == 2


@pytest.mark.parametrize(
    "change",
    [
        {"package": "other_client"},
        {"names": (("PostCustomersCustomerSources", "customers.sources.add"),)},
        {"operations": ("GetBalance",)},
    ],
    ids=["package", "names", "selection"],
)
def test_a_changed_setting_builds_again(
    settings: Settings, builds: list[Settings], change: dict[str, Any]
) -> None:
    first = pipeline.build(settings)
    second = pipeline.build(replace(settings, **change))
    assert len(builds) == 2 and second.files != first.files


def test_a_changed_template_builds_again(
    settings: Settings, builds: list[Settings], tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    (templates / "docs").mkdir(parents=True)
    page = templates / "docs" / "index.md.jinja"
    page.write_text("one\n", encoding="utf-8")
    custom = replace(settings, templates=templates)
    assert pipeline.build(custom).files["docs/index.md"].endswith(b"-->\none\n")
    page.write_text("two\n", encoding="utf-8")
    assert pipeline.build(custom).files["docs/index.md"].endswith(b"-->\ntwo\n")
    assert len(builds) == 2


def test_the_key_follows_codegen_itself_and_the_installed_packages(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = pipeline.build_key(settings, "0" * 64)
    assert pipeline.build_key(settings, "1" * 64) != key  # the spec
    monkeypatch.setattr(pipeline, "codegen_fingerprint", lambda: "edited")
    assert pipeline.build_key(settings, "0" * 64) != key
    monkeypatch.undo()
    monkeypatch.setattr(
        pipeline.cache, "installed_distributions", lambda: ["black-0.0.dist-info"]
    )
    assert pipeline.build_key(settings, "0" * 64) != key


def test_a_spec_that_changes_during_a_build_is_not_stored_under_the_old_key(
    settings: Settings, builds: list[Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key is taken from the spec as it was before the build read it again."""
    real = pipeline.spec.spec_digest
    monkeypatch.setattr(
        pipeline.spec, "spec_digest", lambda path: (real(path)[0], "0" * 64)
    )
    pipeline.build(settings)
    pipeline.build(settings)
    assert len(builds) == 2


def test_a_large_spec_starts_the_workers_before_it_is_parsed(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe's spec is past the size: black's workers are forked before the spec is loaded
    (while this process is small), and the build is the same as one without workers."""
    from generator import format as formatting

    events: list[str] = []
    real_start, real_lower = formatting.Formatter.start_workers, pipeline.lower

    def start(formatter: formatting.Formatter) -> None:
        events.append("workers")
        real_start(formatter)

    def lower(settings: Settings) -> Any:
        events.append("lower")
        return real_lower(settings)

    monkeypatch.setattr(formatting.Formatter, "start_workers", start)
    monkeypatch.setattr(pipeline, "lower", lower)
    assert pipeline._spec_size(settings) >= pipeline.WORKERS_FROM_SPEC_BYTES
    parallel = pipeline.build(settings, use_cache=False)
    assert events == ["workers", "lower"]
    monkeypatch.setattr(pipeline, "WORKERS_FROM_SPEC_BYTES", float("inf"))
    monkeypatch.setattr(formatting, "PARALLEL_THRESHOLD", float("inf"))
    serial = pipeline.build(settings, use_cache=False)
    assert events == ["workers", "lower", "lower"]
    assert parallel.files == serial.files

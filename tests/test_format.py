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

#: Three classes just over ``CHUNK_LINES`` lines each: cut into three chunks.
MANY_CLASSES = [
    f"\n\nclass C{i}:\n"
    + "".join(f"    {letter}_{j} = {j}\n" for j in range(formatting.CHUNK_LINES))
    for i, letter in enumerate("abc")
]


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


class DictStore:
    """A ``ChunkStore`` in memory that records what it was asked."""

    def __init__(self, entries: Optional[dict[str, bytes]] = None) -> None:
        self.entries = dict(entries or {})
        self.asked: list[str] = []
        self.put_keys: list[str] = []

    def get(self, source_sha256: str) -> Optional[bytes]:
        self.asked.append(source_sha256)
        return self.entries.get(source_sha256)

    def put(self, source_sha256: str, formatted: bytes) -> bool:
        self.put_keys.append(source_sha256)
        self.entries[source_sha256] = formatted
        return True


def black_of(text: str) -> str:
    return black.format_str(text, mode=formatting.black_mode())


def test_a_stored_chunk_is_not_formatted_and_new_ones_are_stored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    formatted: list[str] = []
    real = formatting.format_python

    def spy(path: str, text: str) -> bytes:
        formatted.append(path)
        return real(path, text)

    monkeypatch.setattr(formatting, "format_python", spy)
    store = DictStore({formatting.source_hash(UGLY): b"# from cache\n"})
    out = formatting.format_files({"hit.py": UGLY, "miss.py": UGLY_2}, store=store)
    assert formatted == ["miss.py"]
    assert out["hit.py"] == b"# from cache\n"
    assert out["miss.py"] == black_of(UGLY_2).encode()
    assert store.asked == [formatting.source_hash(UGLY), formatting.source_hash(UGLY_2)]
    assert store.put_keys == [formatting.source_hash(UGLY_2)]
    assert store.entries[formatting.source_hash(UGLY_2)] == black_of(UGLY_2).encode()


def test_only_the_chunks_missing_from_the_store_are_formatted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = "import os\n" + "".join(MANY_CLASSES)
    chunks = formatting.split_at_classes(module, formatting.CHUNK_LINES)
    assert len(chunks) == 3
    first_run = DictStore()
    whole = formatting.format_files({"m.py": module}, store=first_run)["m.py"]
    assert whole == black_of(module).encode()
    assert len(first_run.put_keys) == 3
    changed = module.replace("b_0 =", "b_0  =  ")  # only the second chunk changes
    formatted: list[str] = []
    real = formatting.format_python

    def spy(path: str, text: str) -> bytes:
        formatted.append(text)
        return real(path, text)

    monkeypatch.setattr(formatting, "format_python", spy)
    second_run = DictStore(first_run.entries)
    out = formatting.format_files({"m.py": changed}, store=second_run)["m.py"]
    assert out == black_of(changed).encode()
    assert formatted == [
        formatting.split_at_classes(changed, formatting.CHUNK_LINES)[1]
    ]
    assert len(second_run.put_keys) == 1


def test_markdown_and_other_files_never_reach_the_store() -> None:
    store = DictStore()
    formatting.format_files({"a.md": "x  \n", "b.css": "y"}, store=store)
    assert store.asked == [] and store.put_keys == []


def test_progress_counts_every_file() -> None:
    reports: list[int] = []
    formatting.format_files(
        {"a.py": "x=1\n", "b.md": "b", "c.py": "y=2\n"},
        store=DictStore({formatting.source_hash("y=2\n"): b"y = 2\n"}),
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
        def __init__(self, max_workers: Optional[int] = None, **kwargs: object) -> None:
            pools.append(max_workers or 0)
            super().__init__(max_workers=max_workers, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(formatting, "PARALLEL_THRESHOLD", 10)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountingPool)
    parallel = formatting.format_files(files, jobs=3)
    assert pools == [2]  # and this process formats too
    assert parallel == serial
    assert list(parallel) == sorted(files)


def test_small_input_stays_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    out = formatting.format_files({"a.py": "x=1\n", "b.py": "y=2\n"}, jobs=2)
    assert out == {"a.py": b"x = 1\n", "b.py": b"y = 2\n"}


def chunked(text: str) -> bytes:
    """What ``format_files`` makes of ``text`` when it cuts before every class it may."""
    return formatting.join_pieces(
        [black_of(piece) for piece in formatting.split_at_classes(text, 1)]
    ).encode("utf-8")


#: Modules whose every cut must give black's bytes for the whole (name: text, chunks).
EDGE_CASES = {
    "decorators and comments before classes": (
        "import dataclasses\n\n\n@dataclasses.dataclass\nclass A:\n    x: int\n\n\n"
        "# about B\nclass B:\n  pass\n\n# about C, apart\n\nclass C( object ) :\n"
        "    y=1\n    # the end of C\n\n\n\n\nclass D: ...\n",
        3,
    ),
    "no class": ("import os\ndef f( x ):\n  return x\nY=[1,\n2]\n", 1),
    "no final newline": ("x=1\n\nclass A:\n  y=2\n\nclass B:\n  z=3", 3),
    "TYPE_CHECKING block before the first class": (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n"
        "    from .c import C\n\nclass A:\n    b: 'B'\n\nclass D(A): pass\n",
        3,
    ),
    "ugly spacing and whitespace-only lines": (
        "import os,sys\n   \n\n\n\n\nclass A :\n  def f( self ):\n     return {'a':1}\n"
        "  \t\nclass B(A):\n  x : int=1\n",
        3,
    ),
    "after a function, a stub and a statement": (
        "def f(): ...\n\nclass A: ...\ndef g():\n  pass\n\nclass B:\n  'Doc.'\n"
        "x = 1  # trailing\n\nclass C:\n  pass\nif x:\n    pass\nelse:\n    y = 2\n"
        "\nclass E:\n  pass\n",
        5,
    ),
    "module docstring, then a class": ('"""Doc."""\n\nclass A:\n  pass\n', 2),
    "a class first": ("class A:\n  pass\n\nclass B:\n  pass\n", 2),
}


@pytest.mark.parametrize("text, count", EDGE_CASES.values(), ids=list(EDGE_CASES))
def test_chunks_format_like_the_whole_module(text: str, count: int) -> None:
    assert len(formatting.split_at_classes(text, 1)) == count
    assert chunked(text) == black_of(text).encode("utf-8")
    assert formatting.format_files({"m.py": text}, store=DictStore()) == {
        "m.py": black_of(text).encode("utf-8")
    }


#: Modules cut where a cut is not sound: black refuses a chunk, so the whole is formatted.
UNSOUND_CUTS = {
    "a class line inside a string": 'X = """\n\nclass Fake:\n"""\n\nclass A:\n  pass\n',
    "a decorator apart from its class": "@dec\n\nclass A:\n  pass\n",
    "a continued line": "x = 1 + \\\n\nclass A: pass\n",
}


@pytest.mark.parametrize("text", UNSOUND_CUTS.values(), ids=list(UNSOUND_CUTS))
def test_a_cut_black_refuses_falls_back_to_the_whole_module(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formatting, "CHUNK_LINES", 1)
    assert len(formatting.split_at_classes(text, 1)) > 1
    try:
        expected: Optional[bytes] = black_of(text).encode("utf-8")
    except Exception:
        expected = None  # not valid Python as a whole either
    store = DictStore()
    if expected is None:
        with pytest.raises(
            CodegenError, match="generated file m.py is not valid Python"
        ):
            formatting.format_files({"m.py": text}, store=store)
    else:
        assert formatting.format_files({"m.py": text}, store=store) == {
            "m.py": expected
        }
    assert store.put_keys == []  # the chunks of a module formatted whole are not stored


@pytest.mark.parametrize("marker", ["# fmt: off", "# yapf: disable", "\r", "\f"])
def test_a_module_black_reads_as_a_whole_is_not_cut(marker: str) -> None:
    text = f"{marker}\nx = [1,\n  2]\n\nclass A:\n  pass\n\nclass B:\n  pass\n"
    assert formatting.split_at_classes(text, 1) == [text]


@pytest.mark.parametrize("separator", ["\u2028", "\x0b", "\x1c", "\x85"])
def test_a_comment_is_not_cut_where_str_splitlines_would_break_it(
    separator: str,
) -> None:
    """Inside a comment these characters are no line break for Python: what follows them is
    still the comment, so a ``class`` after them must not start a chunk."""
    text = f"x = 1\n# note{separator}{separator}class A:\n\nclass B:\n  pass\n"
    chunks = formatting.split_at_classes(text, 1)
    assert chunks == [
        "x = 1\n# note" + separator * 2 + "class A:\n",
        "class B:\n  pass\n",
    ]
    assert chunked(text) == black_of(text).encode("utf-8")


def test_chunks_join_back_into_the_module_less_the_blank_lines_before_cuts() -> None:
    for text, _ in EDGE_CASES.values():
        chunks = formatting.split_at_classes(text, 1)
        assert all(not chunk.endswith("\n\n") for chunk in chunks)
        assert strip_blank_lines("".join(chunks)) == strip_blank_lines(text)


def strip_blank_lines(text: str) -> str:
    return "".join(line for line in text.splitlines(True) if line.strip(" \t\n"))


def test_black_makes_one_pass_over_chunks_it_would_not_change() -> None:
    """A chunk already in black's layout is given back unchanged, so black's second pass
    (run only when the first changed the text) is skipped."""
    module = black_of("x=1\nclass A:\n  y=2\nclass B:\n  z=3\n")
    for chunk in formatting.split_at_classes(module, 1):
        assert black_of(chunk) == chunk


def test_leading_blank_lines_are_not_a_chunk() -> None:
    text = "\n\nclass A:\n  pass\n"
    assert formatting.split_at_classes(text, 1) == [text]


@pytest.fixture(scope="module")
def rendered(stripe_spec: object) -> dict[str, str]:
    """The default package's files as rendered, before black."""
    from generator import pipeline
    from generator.render import RenderOptions, render
    from generator.settings import load_settings
    from tests.conftest import ROOT

    settings = load_settings(ROOT / "pyproject.toml")
    return render(pipeline.lower(settings), RenderOptions(package="stripe_client"))


def test_chunks_of_real_modules_format_like_the_whole(rendered: dict[str, str]) -> None:
    """Every module of the default package with a cut, cut before each class it may be,
    formats to black's bytes for the whole module (the rendered text, before black)."""
    modules = {
        path: text
        for path, text in rendered.items()
        if path.endswith(".py") and len(formatting.split_at_classes(text, 1)) > 1
    }
    assert "stripe_client/resources/customers.py" in modules
    assert len(modules) > 100  # models, resources, params and runtime modules
    for path, text in sorted(modules.items()):
        assert chunked(text) == formatting.format_python(path, text), path


def test_black_leaves_the_runtime_modules_as_they_are(rendered: dict[str, str]) -> None:
    """``generator/runtime/`` is black-formatted: with its header, each copy is black's
    fixed point under the pinned mode (so a package's runtime is the repository's text).
    """
    from generator.render import RUNTIME, RUNTIME_FILES

    for name in RUNTIME_FILES:
        text = rendered[f"stripe_client/{name}"]
        assert text.endswith((RUNTIME / name).read_text(encoding="utf-8")), name
        assert black_of(text) == text, name


# --- worker processes die with their parent; Ctrl-C is one line (issue 9, item 3) ------------

import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402


def children(pid: int) -> list[int]:
    """The live child processes of ``pid``, from /proc (psutil may not be installed)."""
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as listing:
                found += [int(child) for child in listing.read().split()]
    except (FileNotFoundError, ProcessLookupError):
        pass
    return [child for child in found if alive(child)]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # zombies are dead
    except FileNotFoundError:
        return False


def start_generate_all(out: Path) -> "subprocess.Popen[str]":
    """`codegen generate --all` (black runs in two workers: the format cache is empty), in its
    own process group."""
    from tests.conftest import PIN, ROOT

    from generator import spec

    fetched = spec.cache_dir(PIN) / spec.load_pin(PIN).spec.name
    assert fetched.is_file(), "run `codegen spec fetch` first"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env["CODEGEN_CACHE_DIR"] = str(out.parent / "empty-format-cache")  # so black runs
    env.pop("CODEGEN_DEBUG", None)
    command = [sys.executable, "-m", "generator", "generate", "--all", "--quiet"]
    command += ["--config", str(ROOT / "pyproject.toml"), "--output", str(out)]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a terminal's Ctrl-C signals the whole group: so do we
    )


def wait_for_workers(process: "subprocess.Popen[str]", count: int = 1) -> list[int]:
    """The workers of ``process`` once ``count`` have started (one per core but one: the
    parent formats too)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and process.poll() is None:
        workers = children(process.pid)
        if len(workers) >= count:
            return workers
        time.sleep(0.01)
    process.kill()
    raise AssertionError(f"no {count} workers within 15 s: {process.communicate()}")


def cleanup(process: "subprocess.Popen[str]", workers: list[int]) -> None:
    for pid in [process.pid, *workers]:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    process.communicate()


needs_proc = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc"
)


@needs_proc
@pytest.mark.timeout(60)
def test_workers_die_when_the_parent_is_killed(tmp_path: Path) -> None:
    process = start_generate_all(tmp_path / "out")
    workers = wait_for_workers(process)
    try:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
        killed = time.monotonic()
        while any(alive(pid) for pid in workers) and time.monotonic() - killed < 2:
            time.sleep(0.01)
        survivors = [pid for pid in workers if alive(pid)]
        assert (
            survivors == []
        ), f"workers {survivors} outlived their killed parent by 2 s"
    finally:
        cleanup(process, workers)


@needs_proc
@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "delay", [0.0, 0.8], ids=["as-workers-start", "while-formatting"]
)
def test_ctrl_c_exits_130_with_one_line(tmp_path: Path, delay: float) -> None:
    process = start_generate_all(tmp_path / "out")
    workers = wait_for_workers(process, count=1)
    try:
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGINT)
        try:
            stdout, stderr = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            raise AssertionError("generate hung after Ctrl-C") from None
        assert process.returncode == 130, stderr
        assert "Traceback" not in stderr, stderr
        assert stderr.count("\n") == 1 and stderr.startswith("codegen: "), stderr
        assert stdout == ""
        assert not (tmp_path / "out").exists()
    finally:
        cleanup(process, workers)


@needs_proc
@pytest.mark.timeout(30)
def test_the_watchdog_ends_a_worker_when_prctl_is_not_available(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the kernel cannot kill a worker with its parent, a thread polls the parent."""
    monkeypatch.setattr(formatting, "_kill_me_with_parent", lambda: False)
    ready_r, ready_w = os.pipe()
    pid_r, pid_w = os.pipe()
    middle = os.fork()
    if middle == 0:  # the parent of the worker, which dies once the worker is set up
        worker = os.fork()
        if worker == 0:
            formatting._worker_init(os.getppid())
            os.write(ready_w, b"x")
            time.sleep(20)
            os._exit(0)
        os.write(pid_w, str(worker).encode())
        os.read(ready_r, 1)
        os._exit(0)
    worker = int(os.read(pid_r, 32))
    os.waitpid(middle, 0)
    died = time.monotonic()
    while alive(worker) and time.monotonic() - died < 5:
        time.sleep(0.01)
    try:
        assert not alive(worker), "the worker outlived its parent by 5 s"
        assert time.monotonic() - died < 2 * formatting.WATCHDOG_SECONDS + 1
    finally:
        if alive(worker):
            os.kill(worker, signal.SIGKILL)
        for fd in (ready_r, ready_w, pid_r, pid_w):
            os.close(fd)


def test_workers_started_first_take_batches_and_this_process_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Started before any file comes, the workers get batches as the files come; whatever
    no worker has taken when ``result`` is asked for is formatted here; the bytes are the
    serial ones either way."""
    files = {f"pkg/m{i}.py": UGLY.replace("f(", f"f{i}(") + UGLY_2 for i in range(12)}
    serial = formatting.format_files(files, jobs=1)
    monkeypatch.setattr(formatting, "BATCH_CHARACTERS", 1)  # a batch per module
    here: list[str] = []
    real = formatting._format_unit

    def recording(unit: formatting.Unit) -> formatting.FormattedUnit:
        here.append(unit[0])  # a forked worker appends to its own copy of the list
        return real(unit)

    monkeypatch.setattr(formatting, "_format_unit", recording)
    with formatting.Formatter(jobs=2) as formatter:
        formatter.start_workers()
        for path in sorted(files):
            formatter.add(path, files[path])
        assert len(formatter._submitted) == len(files)
        first = formatter._submitted[0][1]
        deadline = time.monotonic() + 30
        while not (first.running() or first.done()) and time.monotonic() < deadline:
            time.sleep(
                0.01
            )  # until a worker holds a batch, which this cannot take back
        out = formatter.result()
    assert out == serial
    assert len(here) < len(files)  # the forked worker formatted some

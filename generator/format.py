"""Format rendered text into the final bytes: black for Python, light tidying for Markdown.

Black runs through its Python API with one fixed mode, so the output depends only on the
pinned black version. Black is the slow stage: modules are cut into top-level chunks whose
formatted text a store may already hold (black formats each chunk as it would in the whole
module, see ``split_at_classes``), and the rest are formatted in parallel processes.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional, Protocol

from importlib.metadata import version

from .errors import CodegenError

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

BLACK_VERSION = version("black")


LINE_LENGTH = 88
TARGET_VERSION = "PY39"
#: Names the one black mode without importing black (part of the format cache's key).
MODE_ID = f"line_length={LINE_LENGTH};target_versions={TARGET_VERSION}"


@functools.lru_cache(maxsize=None)
def black_mode() -> Any:
    """The one black mode (imported on first use: a cached ``check`` never needs black)."""
    import black
    from black.mode import TargetVersion

    return black.Mode(
        target_versions={TargetVersion[TARGET_VERSION]}, line_length=LINE_LENGTH
    )


#: Characters of Python below which starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200_000
#: Chunks are handed to a worker in batches of about this many characters (some 0.1 s of
#: black): one chunk at a time, the workers waited for the parent's busy threads.
BATCH_CHARACTERS = 40_000
#: A module is cut before a top-level class once its current chunk has this many lines. Each
#: black call costs about a millisecond however small the text, so small modules (most model
#: modules, which recur whole anyway) stay one chunk and small classes share one.
CHUNK_LINES = 150

Progress = Callable[[int], None]  # told how many more files are finished


class ChunkStore(Protocol):
    """Black's output by the sha256 of what it was given (``generator.cache.FormatCache``)."""

    def get(self, source_sha256: str) -> Optional[bytes]: ...

    def put(self, source_sha256: str, formatted: bytes) -> bool: ...


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def format_python(path: str, text: str) -> bytes:
    try:
        import black

        formatted = black.format_str(text, mode=black_mode())
    except Exception as error:  # black raises several types for unparsable input
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise CodegenError(
            f"generated file {path} is not valid Python: {first_line}",
            hint="this is a bug in codegen or in a custom template; please report it with the spec",
        ) from error
    return formatted.encode("utf-8")


def tidy_markdown(text: str) -> bytes:
    """Strip trailing spaces, collapse blank-line runs, end with exactly one newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return (tidy + "\n").encode("utf-8")


def format_file(path: str, text: str) -> bytes:
    if path.endswith(".py"):
        return format_python(path, text)
    if path.endswith(".md"):
        return tidy_markdown(text)
    return text.encode("utf-8")


#: Text black reads across the whole module (``# fmt: off`` runs to the end of the file, the
#: first line decides the line endings, form feeds are kept by position): never cut.
WHOLE_MODULE_MARKERS = ("fmt:", "yapf:", "\r", "\f")


def split_at_classes(text: str, size: int) -> list[str]:
    """Cut a module into chunks of at least ``size`` lines, each cut before a top-level class.

    A cut is made before a line ``class ...`` that follows a blank line (only spaces or
    tabs), in a chunk that already holds a non-blank line. Black formats such a class on its
    own terms and puts exactly two blank lines before it whatever precedes it (only a
    decorator, a comment directly above or the start of the file change that, and none can
    precede a cut), and no state of black outlives a top-level class; so formatting the
    chunks separately and joining them with two blank lines gives black's bytes for the
    whole module (tests hold this to black). The blank lines that end a chunk are left out
    (``without_final_blank_lines``). A line ``class`` inside a string is not a real cut: the
    chunk before it then ends inside the string, which black refuses, and the ``Formatter``
    formats the whole module instead (a cached chunk was accepted by black, so it never
    ends so).
    """
    if any(marker in text for marker in WHOLE_MODULE_MARKERS):
        return [text]
    lines = python_lines(text)
    starts = [0]
    has_code = False
    for index, line in enumerate(lines):
        after_blank = index > 0 and not lines[index - 1].strip(" \t\n")
        cut = line.startswith("class ") and after_blank and has_code
        if cut and index - starts[-1] >= size:
            starts.append(index)
            has_code = False
        has_code = has_code or bool(line.strip(" \t\n"))
    ends = starts[1:] + [len(lines)]
    return [
        without_final_blank_lines(lines[start:end]) for start, end in zip(starts, ends)
    ]


def without_final_blank_lines(lines: list[str]) -> str:
    """The lines joined, less the blank ones that end them. Black drops those at the end of
    a module, so its output is the same; given them, it would format the text twice (it
    makes a second pass whenever its first changed something)."""
    end = len(lines)
    while end > 0 and not lines[end - 1].strip(" \t\n"):
        end -= 1
    return "".join(lines[:end])


def python_lines(text: str) -> list[str]:
    """The lines of ``text`` as Python counts them, each with its ``\\n``: not
    ``str.splitlines``, which also breaks at characters such as U+2028 that may sit inside a
    comment (a "line" after one is still the comment)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def join_pieces(pieces: list[str]) -> str:
    """Formatted pieces end with one newline; two more make the two blank lines black wants."""
    return "\n\n".join(pieces)


Unit = tuple[str, int, str, bool]  # (path, chunk index, text, one of several chunks)


def _format_batch(batch: list[Unit]) -> list[FormattedUnit]:
    """A worker's task: a batch of chunks, so that handing them over (done by the pool's
    threads in the parent, which wait for the GIL while it renders) costs little per chunk.
    """
    return [_format_unit(unit) for unit in batch]


def _import_black() -> None:
    """A worker's first task: have black ready before the first chunk comes."""
    black_mode()


FormattedUnit = tuple[str, int, Optional[str]]  # (path, chunk index, formatted or None)


def _format_unit(unit: Unit) -> FormattedUnit:
    """A chunk's formatted text; ``None`` when black refused one of several chunks (then the
    cut may be at fault, not the module: the caller formats the whole module)."""
    path, index, text, cut = unit
    try:
        return path, index, format_file(path, text).decode("utf-8")
    except CodegenError:
        if cut:
            return path, index, None
        raise


def format_files(
    files: Mapping[str, str],
    *,
    store: Optional[ChunkStore] = None,
    jobs: Optional[int] = None,
    progress: Optional[Progress] = None,
) -> dict[str, bytes]:
    """Every file's final bytes, in sorted path order (see ``Formatter``)."""
    with Formatter(store, jobs=jobs, progress=progress) as formatter:
        for path in sorted(files):
            formatter.add(path, files[path])
        return formatter.result()


class Formatter:
    """Formats files as they are handed over, so that black works while the rest are still
    being rendered.

    Python modules are cut into chunks (``split_at_classes``); with a ``store``, a chunk
    black has formatted before is taken from it, and what black formats now is put in it.
    ``jobs`` processes format (default: one per core): this one and ``jobs - 1`` workers.
    The workers start with ``start_workers``, or once the chunks left for black hold more
    than ``PARALLEL_THRESHOLD`` characters; they take the chunks in batches of about
    ``BATCH_CHARACTERS``, in the order they come, and in ``result`` this process formats,
    from the other end, every batch no worker has taken yet. So the cores stay busy while
    rendering goes on (the renderer and the workers) and after it (all of them), with one
    process fewer in memory. Workers are forked: every page of memory this process changes
    afterwards is copied for them, so a caller that knows the work will be large starts
    them early, while this process is small.
    Use it as a context manager: leaving it early (an error, Ctrl-C) stops the workers.
    """

    def __init__(
        self,
        store: Optional[ChunkStore] = None,
        *,
        jobs: Optional[int] = None,
        progress: Optional[Progress] = None,
    ) -> None:
        self._assembly = _Assembly(store, progress)
        self._workers = (jobs or os.cpu_count() or 1) - 1
        self._waiting: list[Unit] = []  # for black, while no worker runs
        self._waiting_size = 0
        self._pool: Optional[ProcessPoolExecutor] = None
        self._submitted: list[tuple[list[Unit], Future[list[FormattedUnit]]]] = []

    def __enter__(self) -> Formatter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is None:
            return
        if exc_info[0] is None:
            self._pool.shutdown(wait=True)
        else:  # Ctrl-C, or a file black refused: stop now, not after the rest
            _stop(self._pool, [future for _, future in self._submitted])

    def start_workers(self) -> None:
        """Start the workers now (if there are any to start), before the files come."""
        if self._pool is None and self._workers > 0:
            self._start_pool()

    def report_to(self, progress: Progress) -> None:
        """Tell ``progress`` how many more files are finished: those finished so far now,
        then each as it is."""
        self._assembly.progress = progress
        if self._assembly.out:
            progress(len(self._assembly.out))

    def add(self, path: str, text: str) -> None:
        """Hand over one file's text; its chunks start formatting if workers run."""
        units = self._assembly.plan(path, text)
        self._waiting += units
        self._waiting_size += sum(len(unit[2]) for unit in units)
        if self._pool is None:
            if self._workers == 0 or self._waiting_size <= PARALLEL_THRESHOLD:
                return
            self._start_pool()
        if self._waiting_size >= BATCH_CHARACTERS:
            self._submit(self._waiting)
            self._waiting, self._waiting_size = [], 0

    def result(self) -> dict[str, bytes]:
        """Every file handed over, formatted, in sorted path order."""
        for unit in self._waiting:  # the last, short batch
            self._assembly.record(*_format_unit(unit))
        self._waiting, self._waiting_size = [], 0
        for batch, future in reversed(self._submitted):
            if future.cancel():  # no worker has taken it: format it here
                for formatted in _format_batch(batch):
                    self._assembly.record(*formatted)
        for _, future in self._submitted:
            if not future.cancelled():
                for formatted in future.result():
                    self._assembly.record(*formatted)
        out = self._assembly.out
        return {path: out[path] for path in sorted(out)}

    def _start_pool(self) -> None:
        # Imported here, like ctypes below: a run whose files are all cached starts no workers.
        import concurrent.futures

        with _sigint_blocked():  # workers start with Ctrl-C held back, then ignore it
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self._workers,
                initializer=_worker_init,
                initargs=(os.getpid(),),
            )
            for _ in range(self._workers):  # fork now; each imports black meanwhile
                self._pool.submit(_import_black)

    def _submit(self, batch: list[Unit]) -> None:
        assert self._pool is not None
        with _sigint_blocked():  # the first submission forks the workers
            self._submitted.append((batch, self._pool.submit(_format_batch, batch)))


@dataclass
class _Module:
    """A Python module while its chunks are being formatted."""

    text: str  # the whole, formatted whole if black refuses one of its chunks
    keys: list[str]  # each chunk's sha256, its key in the store
    done: dict[int, str] = field(default_factory=dict)  # formatted chunks by index
    fresh: set[int] = field(default_factory=set)  # chunks formatted now, to be stored


class _Assembly:
    """The chunks of every file, found in the store or formatted, put back together. A
    module's parts are let go as soon as it is finished."""

    def __init__(self, store: Optional[ChunkStore], progress: Optional[Progress]):
        self.store = store
        self.progress = progress
        self.modules: dict[str, _Module] = {}  # the modules not finished yet
        self.out: dict[str, bytes] = {}

    def plan(self, path: str, text: str) -> list[Unit]:
        """Take ``path``'s chunks from the store; the units left for black (none: the file
        is finished and reported now, as is every file but Python)."""
        if not path.endswith(".py"):  # light work: done here at once
            self._finish(path, format_file(path, text))
            return []
        chunks = split_at_classes(text, CHUNK_LINES)
        module = _Module(text, [source_hash(chunk) for chunk in chunks])
        units: list[Unit] = []
        for index, (chunk, key) in enumerate(zip(chunks, module.keys)):
            hit = self._cached(key)
            if hit is None:
                units.append((path, index, chunk, len(chunks) > 1))
            else:
                module.done[index] = hit
        if units:
            self.modules[path] = module
        else:
            self._finish(path, self._joined(module))
        return units

    def _cached(self, key: str) -> Optional[str]:
        found = self.store.get(key) if self.store else None
        try:
            return None if found is None else found.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def record(self, path: str, index: int, text: Optional[str]) -> None:
        """One formatted chunk (``None``: black refused it); a file is done with its last."""
        module = self.modules.get(path)
        if module is None:
            return  # formatted whole already, after black refused one of its chunks
        if text is None:
            del self.modules[path]
            self._finish(path, format_python(path, module.text))  # raises if invalid
            return
        module.done[index] = text
        module.fresh.add(index)
        if len(module.done) == len(module.keys):
            del self.modules[path]
            self._store(module)
            self._finish(path, self._joined(module))

    def _finish(self, path: str, formatted: bytes) -> None:
        self.out[path] = formatted
        if self.progress:
            self.progress(1)

    @staticmethod
    def _joined(module: _Module) -> bytes:
        pieces = [module.done[i] for i in range(len(module.keys))]
        return join_pieces(pieces).encode("utf-8")

    def _store(self, module: _Module) -> None:
        if self.store is None:
            return
        for index in sorted(module.fresh):
            self.store.put(module.keys[index], module.done[index].encode("utf-8"))


# --- worker processes: die with the parent, leave Ctrl-C to it ---------------------------------

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCHDOG_SECONDS = 0.5


def _worker_init(parent: int) -> None:
    """Run first in each worker. Ctrl-C goes to the whole foreground process group: the parent
    handles it (exit 130, one line), so a worker ignores it rather than printing a traceback.
    A worker must not outlive its parent (killed with SIGKILL, it cannot clean up): on Linux
    the kernel kills it when the parent dies; elsewhere a thread polls the parent's pid.
    What the worker inherits from a forked parent (the spec, the IR, ...) is frozen: its
    garbage collector then never walks those objects, so their pages stay shared with the
    parent instead of being copied into every worker.
    """
    gc.freeze()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if not _kill_me_with_parent():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before any of that was in place
        os._exit(1)


def _kill_me_with_parent() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCHDOG_SECONDS)
    os._exit(1)


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Hold SIGINT back while workers are forked (they inherit the mask, then ignore the
    signal in ``_worker_init``); a Ctrl-C meanwhile reaches the parent when this ends. Without
    it, a worker interrupted before its initializer ran died and left the pool hanging.
    """
    if not hasattr(signal, "pthread_sigmask") or (
        threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _stop(pool: ProcessPoolExecutor, futures: list[Future[Any]]) -> None:
    """Cancel every piece not yet started and return at once; the workers finish the few
    pieces they already hold and exit while the interpreter is on its way out.

    The futures are cancelled here, in this thread: ``shutdown(cancel_futures=True)`` alone
    leaves the cancelling to the pool's thread, which skips it once the pool object has been
    garbage-collected, as it is by the time an exception has left this function; all the
    queued work then still ran before the process could exit. Killing the workers is not
    safe either: one killed while sending a result leaves half a message in the pipe, and
    the pool's thread, which Python joins at exit, then waits forever for the rest."""
    for future in futures:
        future.cancel()  # only those not yet handed to a worker
    pool.shutdown(wait=False, cancel_futures=True)

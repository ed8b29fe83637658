"""Format rendered text into the final bytes: black for Python, light tidying for Markdown.

Black runs through its Python API with one fixed mode, so the output depends only on the
pinned black version. Black is the slow stage; files are formatted in parallel processes,
and a caller can skip a file whose unformatted text is unchanged since the last run (the
manifest records the hash of that text next to the hash of the bytes it produced).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Optional

from importlib.metadata import version

from .errors import CodegenError

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
#: Lines per piece when a large module is formatted in parallel pieces.
PIECE_LINES = 1500

Cached = Callable[[str, str], Optional[bytes]]  # (path, source sha256) -> bytes or None
Progress = Callable[[int], None]  # told how many more files are finished


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


def split_at_classes(text: str, size: int) -> list[str]:
    """Cut a module into pieces of about ``size`` lines, each cut before a top-level class.

    Black formats each top-level class on its own terms and always puts exactly two blank
    lines before one, so formatting the pieces separately and joining them with two blank
    lines gives the same bytes as formatting the whole module (a test holds this to black),
    while letting one large module use every core.
    """
    lines = text.splitlines(keepends=True)
    starts = [0]
    for index, line in enumerate(lines):
        after_blank = index > 0 and not lines[index - 1].strip()
        if line.startswith("class ") and after_blank and index - starts[-1] >= size:
            starts.append(index)
    ends = starts[1:] + [len(lines)]
    return ["".join(lines[start:end]) for start, end in zip(starts, ends)]


def join_pieces(pieces: list[str]) -> str:
    """Formatted pieces end with one newline; two more make the two blank lines black wants."""
    return "\n\n".join(pieces)


Unit = tuple[str, int, str]  # (path, piece index, text)


def _format_unit(unit: Unit) -> tuple[str, int, str]:
    path, index, text = unit
    if not path.endswith(".py"):
        return path, index, format_file(path, text).decode("utf-8")
    return path, index, format_python(path, text).decode("utf-8")


def format_files(
    files: Mapping[str, str],
    *,
    cached: Optional[Cached] = None,
    jobs: Optional[int] = None,
    progress: Optional[Progress] = None,
) -> dict[str, bytes]:
    """Every file's final bytes, in sorted path order; ``cached`` may supply unchanged ones.

    Large Python modules are cut into pieces (``split_at_classes``) and all pieces of all
    files are formatted in worker processes, largest first, so the cores stay busy.
    """
    out: dict[str, bytes] = {}
    todo: dict[str, str] = {}
    for path in sorted(files):
        hit = cached(path, source_hash(files[path])) if cached else None
        if hit is not None:
            out[path] = hit
        else:
            todo[path] = files[path]
    if progress:
        progress(len(out))
    python_size = sum(len(text) for path, text in todo.items() if path.endswith(".py"))
    workers = min(jobs or os.cpu_count() or 1, max(len(todo), 1))
    parallel = workers > 1 and python_size > PARALLEL_THRESHOLD
    units: list[Unit] = []
    for path, text in todo.items():
        pieces = (
            split_at_classes(text, PIECE_LINES)
            if parallel and path.endswith(".py")
            else [text]
        )
        units += [(path, index, piece) for index, piece in enumerate(pieces)]
    expected = {path: sum(1 for unit in units if unit[0] == path) for path in todo}
    done: dict[str, dict[int, str]] = {path: {} for path in todo}
    if parallel:
        heavy_first = sorted(units, key=lambda unit: -len(unit[2]))
        pool: Optional[ProcessPoolExecutor] = None
        futures: list[Future[tuple[str, int, str]]] = []
        try:
            with (
                _sigint_blocked()
            ):  # workers start with Ctrl-C held back, then ignore it
                pool = ProcessPoolExecutor(
                    max_workers=workers,
                    initializer=_worker_init,
                    initargs=(os.getpid(),),
                )
                futures = [pool.submit(_format_unit, unit) for unit in heavy_first]
            # a Ctrl-C held back above arrives here at the latest, and is handled below
            for future in futures:
                _finish(*future.result(), done, expected, out, progress)
        except (
            BaseException
        ):  # Ctrl-C, or a file black refused: stop now, not after the rest
            if pool is not None:
                _stop(pool, futures)
            raise
        pool.shutdown(wait=True)
    else:
        for path, index, text in map(_format_unit, units):
            _finish(path, index, text, done, expected, out, progress)
    return {path: out[path] for path in sorted(out)}


# --- worker processes: die with the parent, leave Ctrl-C to it ---------------------------------

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCHDOG_SECONDS = 0.5


def _worker_init(parent: int) -> None:
    """Run first in each worker. Ctrl-C goes to the whole foreground process group: the parent
    handles it (exit 130, one line), so a worker ignores it rather than printing a traceback.
    A worker must not outlive its parent (killed with SIGKILL, it cannot clean up): on Linux
    the kernel kills it when the parent dies; elsewhere a thread polls the parent's pid.
    """
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


def _finish(
    path: str,
    index: int,
    text: str,
    done: dict[str, dict[int, str]],
    expected: dict[str, int],
    out: dict[str, bytes],
    progress: Optional[Progress],
) -> None:
    """Record one formatted piece; a file is complete when all its pieces are."""
    done[path][index] = text
    if len(done[path]) < expected[path]:
        return
    pieces = [done[path][i] for i in range(expected[path])]
    out[path] = (join_pieces(pieces) if len(pieces) > 1 else pieces[0]).encode("utf-8")
    if progress:
        progress(1)

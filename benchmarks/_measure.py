"""Measure whole processes: wall time and peak memory, in one place for the benchmark script.

``measure`` starts a command in its own session, waits for it with ``os.wait4`` and reports:

- ``wall_s``: from just before the spawn to the reaping of the process;
- ``cpu_s``: user plus system CPU time of the whole tree (less sensitive than wall time to other
  work on a shared machine);
- ``maxrss_mb``: the largest resident set of any single process in the tree (``ru_maxrss``),
  read by ``/usr/bin/time`` (Debian's ``time``) or, without it, by a small Python wrapper
  process. The command is never forked from this (large) Python process directly: a child's
  ``ru_maxrss`` counts the pages it shared with its parent before ``exec``, so a command forked
  from a 100 MB benchmark driver would never report less than 100 MB;
- ``tree_mb``: the largest sum, over the live processes of the tree, of their proportional set
  size (PSS, so pages shared between a parent and its forked workers count once), sampled every
  ``SAMPLE_SECONDS``. It catches multi-process tools (worker pools, formatter subprocesses) that
  ``ru_maxrss`` underestimates; it can miss a peak shorter than the sampling interval.

``peak_mb`` is the larger of the two.

The machine these run on is shared, so comparisons are made run by run: ``alternate`` runs the
contenders in rounds (A B A B ...), so that a change of load hits both sides of a pair, and
``Spread`` reports the median and the range of the runs, or of the pairs' ratios. ``conditions``
records what else decides the numbers (load average, cores, whether Python writes bytecode).
"""

from __future__ import annotations

import os
import signal
import statistics
import sys
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence, TypeVar

T = TypeVar("T")

SAMPLE_SECONDS = 0.05
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
GNU_TIME = Path("/usr/bin/time")

# Runs argv[2:], writes its children's ru_maxrss (KB) and CPU seconds (user, system) to
# argv[1] as /usr/bin/time -f "%M %U %S" would, and exits with the command's exit code.
_WRAPPER = (
    "import os, resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "open(sys.argv[1], 'w').write(f'{u.ru_maxrss} {u.ru_utime} {u.ru_stime}')\n"
    "sys.exit(code if code >= 0 else 128 - code)\n"
)


def _wrapped(command: Sequence[str], report: Path) -> list[str]:
    """``command`` run under a small process that reports its peak RSS (KB) into ``report``."""
    if GNU_TIME.exists():
        return [str(GNU_TIME), "--quiet", "-f", "%M %U %S", "-o", str(report), *command]
    return [sys.executable, "-c", _WRAPPER, str(report), *command]


def _read_report(report: Path) -> tuple[float, float]:
    """(peak RSS in KB, CPU seconds) from the wrapper's report; zeros when it has none."""
    try:
        kb, user, system = report.read_text().split()[-3:]
        return float(kb), float(user) + float(system)
    except (OSError, ValueError):
        return 0.0, 0.0


@dataclass(frozen=True)
class Measurement:
    wall_s: float
    cpu_s: float
    maxrss_mb: float
    tree_mb: float
    returncode: int
    timed_out: bool = False
    stdout: str = ""
    stderr: str = ""

    @property
    def peak_mb(self) -> float:
        return max(self.maxrss_mb, self.tree_mb)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def failure(self) -> str:
        """One line saying why the run failed (empty when it did not)."""
        if self.timed_out:
            return f"timed out after {self.wall_s:.0f} s"
        if self.returncode == 0:
            return ""
        tail = (self.stderr.strip() or self.stdout.strip()).splitlines()[-3:]
        # `codegen check` names what drifted on stdout ("changed: path", "missing: path", ...)
        drift = [
            line
            for line in self.stdout.splitlines()
            if line.split(":", 1)[0] in ("changed", "missing", "stale", "manifest")
        ][:3]
        return f"exit {self.returncode}: " + " | ".join(
            line.strip() for line in [*drift, *tail]
        )


@dataclass(frozen=True)
class Spread:
    """The median and the range (min–max) of a few values: runs, or ratios of paired runs."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def show(self, digits: int = 2, suffix: str = "") -> str:
        """``median (min–max)``; the value alone when there is one."""
        median = f"{self.median:.{digits}f}{suffix}"
        if len(self.values) < 2:
            return median
        low, high = min(self.values), max(self.values)
        return f"{median} ({low:.{digits}f}–{high:.{digits}f}{suffix})"


def pair_ratios(mine: Sequence[float], theirs: Sequence[float]) -> Spread:
    """The ratio of each pair of runs (``mine[i] / theirs[i]``, run ``i`` of each round)."""
    return Spread(tuple(a / b for a, b in zip(mine, theirs) if b > 0))


def alternate(steps: Sequence[Callable[[], T]], rounds: int) -> list[list[T]]:
    """Run ``steps`` in ``rounds`` rounds, each step once a round (A B A B ...); the results
    of each step, in round order. Interleaving puts the runs of a pair as close in time as
    possible, so that the load of a shared machine drifts over both sides of a ratio alike.
    """
    results: list[list[T]] = [[] for _ in steps]
    for _ in range(rounds):
        for step, found in zip(steps, results):
            found.append(step())
    return results


def bytecode_caching() -> bool:
    """Whether the Python processes started from here write ``__pycache__``
    (``PYTHONDONTWRITEBYTECODE`` unset). Without it, modules that have no bytecode yet are
    compiled from source on every import; bytecode written before (by pip) is still read.
    """
    return (
        not os.environ.get("PYTHONDONTWRITEBYTECODE")
        and not sys.flags.dont_write_bytecode
    )


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as ``uptime`` prints them."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def conditions() -> dict[str, str]:
    """What, beside the code, decides the numbers: read at the start and at the end of a run."""
    return {
        "python": ".".join(map(str, sys.version_info[:3])),
        "cores": str(os.cpu_count()),
        "load": load_average(),
        "bytecode": (
            "on"
            if bytecode_caching()
            else "off (PYTHONDONTWRITEBYTECODE is set: no `__pycache__` is written, so code "
            "without one, such as a package just generated or codegen's own source, is "
            "compiled on every import; installed packages read the bytecode pip wrote)"
        ),
    }


@dataclass
class Summary:
    """Several runs of one measurement, reported by ``spread`` (median and range)."""

    runs: list[Measurement] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(run.ok for run in self.runs)

    def spread(self, attribute: str) -> Spread:
        """``wall_s``, ``cpu_s`` or ``peak_mb`` over the runs."""
        return Spread(tuple(getattr(run, attribute) for run in self.runs))

    def failure(self) -> str:
        return next((run.failure() for run in self.runs if not run.ok), "")


def _session_pss_kb(session: int) -> int:
    """Sum of PSS (or RSS where PSS is unreadable) of the live processes in ``session``."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
            # fields after the command name (which may hold spaces and parentheses)
            fields = stat[stat.rindex(b")") + 2 :].split()
            if int(fields[3]) != session or fields[0] == b"Z":
                continue
            total += _pss_kb(entry.name)
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
    return total


def _pss_kb(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    with open(f"/proc/{pid}/statm", "rb") as handle:
        return int(handle.read().split()[1]) * _PAGE_KB


def measure(
    command: Sequence[str],
    *,
    cwd: Optional[Path] = None,
    env: Optional[Mapping[str, str]] = None,
    timeout: float = 300.0,
) -> Measurement:
    """Run ``command`` once (output captured to temporary files) and measure it."""
    with (
        tempfile.TemporaryDirectory() as scratch,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        report = Path(scratch) / "maxrss"
        start = time.perf_counter()
        process = subprocess.Popen(
            _wrapped(command, report),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,  # its own session: the sampler finds its whole tree
        )
        session = process.pid
        peak_kb = 0
        done = threading.Event()
        timed_out = threading.Event()

        def sample() -> None:
            nonlocal peak_kb
            while not done.is_set():
                peak_kb = max(peak_kb, _session_pss_kb(session))
                if time.perf_counter() - start > timeout and not timed_out.is_set():
                    timed_out.set()
                    try:
                        os.killpg(session, signal.SIGKILL)  # the group this run started
                    except ProcessLookupError:
                        pass
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, _ = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        maxrss_kb, cpu = _read_report(report)
        out.seek(0)
        err.seek(0)
        return Measurement(
            wall_s=wall,
            cpu_s=cpu,
            maxrss_mb=maxrss_kb / 1024,
            tree_mb=peak_kb / 1024,
            returncode=process.returncode,
            timed_out=timed_out.is_set(),
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )

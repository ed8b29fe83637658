"""Shared helpers of the hostile-input tests: small spec builders, running the CLI, and the
checks that decide whether one run ended in one of the two acceptable outcomes.

Outcome (a): exit 0, and the generated package compiles, imports in a fresh interpreter, sends
and receives every wire name unchanged (``hostile_probe.py``), is black-stable and passes
``mypy --strict`` (both run once over a batch of packages). Outcome (b): exit 2 with one short
paragraph on stderr that names the problem and gives a JSON pointer, and no traceback. In both
cases nothing is written outside the output folder, and on failure the previous output is left
exactly as it was.
"""

from __future__ import annotations

import ast
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml  # type: ignore[import-untyped, unused-ignore]

from support.specs import Json

# The spec builders live in support.specs (one module for every test); these are re-exported
# for test_hostile_units, which imports them from here.
from support.specs import (
    THING,
    document,
    form_body,
    ok_response,
    operation,
)  # noqa: F401

REPO_ROOT = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).resolve().parent / "hostile_probe.py"
FORKSERVER = Path(__file__).resolve().parent / "cli_forkserver.py"
INJECTION_MARKER = "HOSTILE_INJECTED"
#: Python that would leave a marker file behind if it ever ran as code.
INJECTION = f'__import__("pathlib").Path("{INJECTION_MARKER}").write_text("x")'


# --- ingredients -------------------------------------------------------------------------------

KEYWORDS = ["from", "class", "import", "None", "True", "async", "lambda", "def"]
SOFT_KEYWORDS = ["type", "match", "case", "_", "id"]
BUILTINS = ["str", "int", "float", "bool", "bytes", "list", "dict", "object", "print"]
PYDANTIC = [
    "json",
    "schema",
    "copy",
    "model_config",
    "model_dump",
    "model_fields",
    "model_validate",
    "validate",
    "construct",
    "fields",
    "__fields__",
    "__class__",
    "__init__",
    "__dict__",
]
GENERATED = [
    "self",
    "params",
    "timeout",
    "idempotency_key",
    "stripe_account",
    "extra_headers",
    "quote_path",
    "encode_params",
    "last_response",
    "Optional",
    "Field",
    "Literal",
    "Any",
    "annotations",
    "ResponseType",
    "RequestOptions",
]
PUNCTUATED = [
    "foo-bar",
    "foo_bar",
    "foo.bar",
    "foo[]",
    "foo[bar]",
    "with space",
    " padded ",
    "1st",
    "2",
    "-",
    "--",
    "[]",
    "a/b",
    "a\\b",
    'quote"name',
    "apos'name",
    "ünïcödé",
    "ﬁle",
    "名前",
    "Ωmega",
    "émoji😀",
    "",
    "Foo",
    "foo",
    "FOO",
    "fooBar",
    "foo__bar",
    "_private",
]
NAMES = KEYWORDS + SOFT_KEYWORDS + BUILTINS + PYDANTIC + GENERATED + PUNCTUATED
#: Names that can sit in a path template (no "/", braces or "%").
PATH_NAMES = [n for n in NAMES if n and not set(n) & set("/{}%?#") and n.strip() == n]

TEXTS = [
    'triple """ double quotes',
    "triple ''' single quotes",
    'ends with a quote"',
    "back\\slash \\N{DASH} \\x41 \\u0041 \\",
    "jinja {{ 1234*1000 }} {% if x %}y{% endif %} {# comment #} {% raw %}",
    "</script><script>alert(1)</script>",
    '<b>bold</b> <a href="javascript:alert(1)">link</a> <img src=x onerror=alert(1)> <!-- c -->',
    "control \x00 \x01 \x1b[31m red \x7f \x85 \u2028 \u2029 \ufeff \u202e evil",
    "tab\tand\r\nCRLF\rCR",
    "x" * 5000,
    "word " * 2000,
    '"""\n' + INJECTION + '\n"""',
    "'''\n" + INJECTION + "\n'''",
    "\n# comment\n" + INJECTION + "\n",
    "```python\n" + INJECTION + "\n",
    "| a | b |\n|---|---|\n| c | d",
    "# heading\n\n---\n\n> quote",
    "`unclosed code",
    "ends with backslash \\",
]
TEXT = "\n\n".join(TEXTS)


# --- running -------------------------------------------------------------------------------------


@dataclass
class Case:
    """One hostile spec and the outcome it must end in: ``"ok"`` or ``"error"``.

    ``spec`` is a dict (written as YAML or JSON, see ``fmt``) or raw text. ``message`` is a
    regular expression the error message must match (it names the problem).
    """

    id: str
    spec: Any
    expect: str
    message: str = ""
    fmt: str = "yaml"
    topic: str = ""


@dataclass
class Run:
    case: Case
    root: Path
    output: Path
    package: str
    returncode: int
    stdout: str
    stderr: str
    problems: list[str] = field(default_factory=list)
    spec_data: Optional[Json] = None

    @property
    def outcome(self) -> str:
        if self.returncode == 0:
            return "ok"
        if self.returncode == 2:
            return "error"
        return f"exit {self.returncode}"


def snapshot(root: Path, skip: Iterable[Path] = ()) -> dict[str, bytes]:
    """Every file (and symlink target) below ``root`` by relative path, except under ``skip``."""
    skipped = [s.resolve() for s in skip]
    found: dict[str, bytes] = {}
    for top, dirs, names in os.walk(root):
        here = Path(top).resolve()
        dirs[:] = sorted(
            d for d in dirs if (here / d) not in skipped and d != "__pycache__"
        )
        for name in names:
            path = Path(top) / name
            rel = path.relative_to(root).as_posix()
            found[rel] = (
                os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
            )
        for d in dirs:
            found.setdefault(Path(top, d).relative_to(root).as_posix() + "/", b"<dir>")
    return found


def write_spec(case: Case, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(case.spec, (bytes, str)):
        raw = case.spec.encode("utf-8") if isinstance(case.spec, str) else case.spec
        path = folder / f"spec.{case.fmt}"
        path.write_bytes(raw)
        return path
    if case.fmt == "json":
        path = folder / "spec.json"
        path.write_text(json.dumps(case.spec, ensure_ascii=False), encoding="utf-8")
    else:
        path = folder / "spec.yaml"
        path.write_text(
            yaml.safe_dump(case.spec, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
    return path


def cli_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "CODEGEN", "COV_"))
    }
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(overrides)
    return env


def run_cli(
    args: Sequence[str], *, cwd: Path, env: Optional[Mapping[str, str]] = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=dict(env) if env is not None else cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


@dataclass
class Completed:
    returncode: int
    stdout: str
    stderr: str


class CliPool:
    """Warm ``cli_forkserver`` processes, one per worker thread (see that module)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._servers: "queue.Queue[subprocess.Popen[str]]" = queue.Queue()
        for _ in range(size):
            self._servers.put(
                subprocess.Popen(
                    [sys.executable, str(FORKSERVER)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    env=cli_env(),
                    text=True,
                )
            )

    def run(self, args: Sequence[str], *, cwd: Path, logs: Path) -> Completed:
        out, err = logs / "stdout.txt", logs / "stderr.txt"
        request = {
            "args": list(args),
            "cwd": str(cwd),
            "stdout": str(out),
            "stderr": str(err),
        }
        server = self._servers.get()
        try:
            assert server.stdin is not None and server.stdout is not None
            server.stdin.write(json.dumps(request) + "\n")
            server.stdin.flush()
            answer = json.loads(server.stdout.readline())
        finally:
            self._servers.put(server)
        return Completed(
            answer["returncode"],
            out.read_text(encoding="utf-8", errors="replace"),
            err.read_text(encoding="utf-8", errors="replace"),
        )

    def close(self) -> None:
        for _ in range(self.size):
            server = self._servers.get()
            assert server.stdin is not None
            server.stdin.close()
            server.wait(timeout=30)


def write_config(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "pyproject.toml"
    config.write_text("[tool.codegen]\n", encoding="utf-8")
    return config


def run_case(
    case: Case,
    root: Path,
    package: str,
    previous: Optional[Path],
    pool: Optional[CliPool] = None,
) -> Run:
    """Generate ``case`` into ``root/out/generated`` (seeded with ``previous``) and judge it.

    The CLI runs in a child process: forked from a warm ``pool`` when given, else a fresh
    ``python -m generator``.
    """
    inputs = root / "in"
    config = write_config(inputs)
    spec_path = write_spec(case, inputs)
    work = root / "work"
    work.mkdir(parents=True, exist_ok=True)
    out_parent = root / "out"
    output = out_parent / "generated"
    if previous is not None:
        shutil.copytree(previous, output, symlinks=True)
    (output / "NOTES.txt").parent.mkdir(parents=True, exist_ok=True)
    (output / "NOTES.txt").write_text("a user's file\n", encoding="utf-8")
    before_out = snapshot(output)
    args = [
        "generate",
        "--config",
        str(config),
        "--spec",
        str(spec_path),
        "--output",
        str(output),
        "--package",
        package,
        "--all",
    ]
    logs = root / "logs"
    logs.mkdir()
    before_rest = snapshot(root, skip=[output, logs])
    result = pool.run(args, cwd=work, logs=logs) if pool else run_cli(args, cwd=work)
    run = Run(
        case, root, output, package, result.returncode, result.stdout, result.stderr
    )
    if not isinstance(case.spec, (bytes, str)):
        run.spec_data = json.loads(json.dumps(case.spec))
    after_rest = snapshot(root, skip=[output, logs])
    if after_rest != before_rest:
        changed = sorted(set(after_rest) ^ set(before_rest)) or [
            k for k in after_rest if after_rest[k] != before_rest.get(k)
        ]
        run.problems.append(f"files written outside the output folder: {changed[:5]}")
    if run.returncode == 0:
        run.problems += check_success(run)
    else:
        run.problems += check_failure(run, before_out)
    return run


# --- judging -------------------------------------------------------------------------------------

_POINTER = re.compile(r"^\s+at: /\S*", re.MULTILINE)


def check_failure(run: Run, before_out: Mapping[str, bytes]) -> list[str]:
    problems = []
    err = run.stderr
    if run.returncode != 2:
        problems.append(f"exit code {run.returncode}, expected 0 or 2")
    if "Traceback" in err or "Traceback" in run.stdout:
        problems.append("a traceback was printed")
    if "internal error" in err:
        problems.append(
            "an internal error (a generator bug) instead of a clear message"
        )
    if not err.startswith("codegen: error: "):
        problems.append("stderr does not start with 'codegen: error: '")
    if not _POINTER.search(err):
        problems.append("no JSON pointer ('at: /...') in the message")
    if "\n\n" in err.strip() or len(err.strip().splitlines()) > 4:
        problems.append("the message is not one short paragraph")
    if run.case.message and not re.search(run.case.message, err, re.IGNORECASE):
        problems.append(f"message does not match {run.case.message!r}")
    after = snapshot(run.output)
    if after != before_out:
        problems.append("the previous output was changed by a failed run")
    leftovers = [p.name for p in run.output.parent.iterdir() if p != run.output]
    if leftovers:
        problems.append(f"leftovers next to the output folder: {leftovers}")
    return problems


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def check_success(run: Run) -> list[str]:
    problems = []
    if "Traceback" in run.stderr:
        problems.append("a traceback was printed")
    out = run.output
    if not (out / "NOTES.txt").is_file():
        problems.append("the user's file next to the output was deleted")
    leftovers = [p.name for p in out.parent.iterdir() if p != out]
    if leftovers:
        problems.append(f"leftovers next to the output folder: {leftovers}")
    package = out / run.package
    if not (package / "__init__.py").is_file():
        return problems + [f"no package {run.package} in the output"]
    for path in sorted(out.rglob("*")):
        if not path.is_file() or path.name == "NOTES.txt":
            continue
        rel = path.relative_to(out).as_posix()
        if not re.fullmatch(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*", rel) or ".." in rel:
            problems.append(f"unexpected output path {rel!r}")
        if not path.resolve().is_relative_to(out.resolve()):
            problems.append(f"{rel} resolves outside the output folder")
        data = path.read_bytes()
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"{rel} is not UTF-8")
            continue
        control = CONTROL.search(source)
        if control:
            context = source[max(0, control.start() - 40) : control.end() + 40]
            problems.append(f"{rel} contains control characters: {context!r}")
        if "1234000" in source:
            problems.append(f"{rel}: Jinja syntax from the spec was evaluated")
        if rel.endswith(".py"):
            problems += _python_problems(rel, source)
        elif rel.endswith(".md"):
            problems += _markdown_problems(rel, source)
        elif rel.endswith(".html"):
            problems += _html_problems(rel, source)
    return problems


#: CPython 3.11 keeps the AST converter's recursion counter in one per-interpreter state, so
#: two threads parsing at once (a finalizer can hand the GIL over mid-conversion) can fail with
#: "SystemError: AST constructor recursion depth mismatch". The case threads parse one at a time.
_PARSING = threading.Lock()


def _python_problems(rel: str, source: str) -> list[str]:
    try:
        with _PARSING:
            tree = ast.parse(source, rel)
            compile(source, rel, "exec", dont_inherit=True)
    except SyntaxError as error:
        return [f"{rel} does not compile: {error}"]
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "__import__":
            problems.append(f"{rel}: code from the spec was injected")
        if isinstance(node, ast.Name) and node.id != unicodedata.normalize(
            "NFKC", node.id
        ):
            problems.append(f"{rel}: identifier {node.id!r} is not NFKC-normalized")
    return problems


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_TABLE_SEPARATOR = re.compile(r"^\|(\s*:?-+:?\s*\|)+\s*$")


def _cells(line: str) -> int:
    """The number of cells of a GFM table row: every unescaped pipe splits, even one inside
    a code span."""
    line = re.sub(r"\\.", "", line)
    return line.strip().strip("|").count("|") + 1


_CODE = re.compile(r"```.*?```|(`+).*?\1", re.DOTALL)
#: Markup from the spec's texts that must never reach a page as markup.
_LIVE_MARKUP = re.compile(
    r"<\s*/?\s*script|<img\b|<a\s+href|javascript:|<b>|<!--\s*c", re.IGNORECASE
)


def _html_problems(rel: str, source: str) -> list[str]:
    """The reference pages may have their own scripts, but spec text must arrive escaped."""
    problems = []
    own = re.compile(r'<script (type="application/json"[^>]*|src="[^"<>]*"( defer)?)>')
    for match in re.finditer(r"<\s*script\b[^>]*>", source, re.IGNORECASE):
        if not own.fullmatch(match.group(0)):
            problems.append(f"{rel}: a script tag from the spec: {match.group(0)!r}")
    for pattern in ("<img src=x", "onerror=alert(1)>", 'href="javascript:'):
        if pattern in source:
            problems.append(f"{rel}: unescaped markup from the spec: {pattern!r}")
    return problems


def _markdown_problems(rel: str, source: str) -> list[str]:
    problems = []
    prose = _CODE.sub("", source)
    prose = re.sub(r"^<!--.*?-->", "", prose, flags=re.DOTALL)  # the generated header
    live = _LIVE_MARKUP.search(prose)
    if live:
        problems.append(
            f"{rel}: raw HTML from the spec outside code: {live.group(0)!r}"
        )
    lines = source.splitlines()
    fence = ""  # the open fence, per CommonMark
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if match and not fence:
            opener, info = match.groups()
            if not (opener[0] == "`" and "`" in info):
                fence = opener
                continue
        elif (
            match
            and match.group(1)[0] == fence[0]
            and len(match.group(1)) >= len(fence)
        ):
            if not match.group(2).strip():
                fence = ""
                continue
        if fence or not _TABLE_SEPARATOR.match(line) or index == 0:
            continue
        width = _cells(lines[index - 1])
        for row in lines[index + 1 :]:
            if not row.startswith("|"):
                break
            if _cells(row) != width:
                problems.append(
                    f"{rel}: a table row has the wrong number of cells: {row!r}"
                )
                break
    if fence:
        problems.append(f"{rel}: a code fence is never closed")
    return problems


def probe(runs: Sequence[Run], scratch: Path) -> None:
    """Import each generated package in a fresh interpreter and round-trip its wire names
    (one interpreter for the whole batch; each package has its own name and working folder).
    """
    jobs = []
    for run in runs:
        if run.returncode != 0 or run.problems or run.spec_data is None:
            continue
        spec_json = run.root / "in" / "probe-spec.json"
        spec_json.write_text(json.dumps(run.spec_data), encoding="utf-8")
        jobs.append(
            {
                "output": str(run.output),
                "package": run.package,
                "spec": str(spec_json),
                "cwd": str(run.root / "work"),
            }
        )
    if not jobs:
        return
    jobs_file, results_file = (
        scratch / "probe-jobs.json",
        scratch / "probe-results.json",
    )
    jobs_file.write_text(json.dumps(jobs), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(PROBE), str(jobs_file), str(results_file)],
        cwd=scratch,
        env=cli_env(PYTHONPATH=""),
        capture_output=True,
        text=True,
        timeout=600,
    )
    found = (
        json.loads(results_file.read_text(encoding="utf-8"))
        if results_file.is_file()
        else {}
    )
    for run in runs:
        if not any(job["package"] == run.package for job in jobs):
            continue
        if run.package not in found:
            run.problems.append("probe did not finish: " + result.stderr[-2000:])
            continue
        run.problems += [f"probe: {p}" for p in found[run.package]]
        if list((run.root / "work").iterdir()):
            run.problems.append("importing the package wrote files (injected code?)")
        if list(run.root.rglob(INJECTION_MARKER)):
            run.problems.append("code from the spec ran on import")


def batch_tools(runs: Sequence[Run], scratch: Path) -> None:
    """``black --check`` and ``mypy --strict`` once over every generated package."""
    good = [r for r in runs if r.returncode == 0 and not r.problems]
    if not good:
        return
    black = subprocess.run(
        [sys.executable, "-m", "black", "--check", "--target-version", "py39"]
        + [str(r.output / r.package) for r in good],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if black.returncode != 0:
        for run in good:
            mine = [
                line for line in black.stderr.splitlines() if f"/{run.package}/" in line
            ]
            if mine:
                run.problems.append("not black-stable: " + "\n".join(mine[:10]))
        if not any(f"/{r.package}/" in black.stderr for r in good):
            for run in good:
                run.problems.append("black failed: " + black.stderr[-1500:])
    # mypy in parallel over slices of the batch (its start-up is the same for any slice)
    count = max(1, min(len(good), os.cpu_count() or 1))
    slices = [good[i::count] for i in range(count)]
    processes = []
    for index, part in enumerate(slices):
        env = cli_env(MYPYPATH=os.pathsep.join(str(r.output) for r in part))
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "mypy",
                    "--strict",
                    "--no-error-summary",
                    "--config-file",
                    os.devnull,
                    "--cache-dir",
                    str(scratch / f"mypy-cache-{index}"),
                ]
                + [arg for r in part for arg in ("-p", r.package)],
                cwd=scratch,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for part, process in zip(slices, processes):
        stdout, stderr = process.communicate(timeout=600)
        _mypy_problems(part, process.returncode, stdout, stderr)


def _mypy_problems(
    good: Sequence[Run], returncode: int, stdout: str, stderr: str
) -> None:
    if returncode != 0:
        lines = stdout.splitlines()
        for run in good:
            mine = [line for line in lines if f"{run.package}/" in line]
            if mine:
                run.problems.append("mypy --strict: " + "\n".join(mine[:10]))
        if not any(f"{r.package}/" in stdout for r in good):
            for run in good:
                run.problems.append("mypy failed: " + (stdout + stderr)[-1500:])

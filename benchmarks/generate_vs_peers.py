"""Benchmark codegen against openapi-python-client and datamodel-code-generator, in one run.

Every measurement is a whole process (wall time, CPU time and peak memory, see ``_measure.py``).
The tools are compared run by run: each task's contenders run in rounds (codegen, then each
peer, then codegen again, ...), so that the load of a shared machine drifts over both sides of
a ratio alike. For each contender the report gives the median and the range (min–max) of its
runs, and for each pair the median and the range of the ratios codegen ÷ peer of the runs of
the same round. The load average (before and after), the number of cores and whether Python
writes bytecode are recorded with the results, printed as Markdown and written to
``benchmarks/results.md``.

    python benchmarks/generate_vs_peers.py [--skip-peers] [--quick]
    python benchmarks/generate_vs_peers.py --realspecs [--quick]

``--realspecs`` measures the real public specs of ``tests/realspecs.lock.json`` instead (fetch
them with ``scripts/fetch_realspecs.py --benchmark``): for each, codegen's ``generate --spec FILE
--all`` (cold and warm, run outside any project, as a new user would) and openapi-python-client's
``generate`` of the same file, in rounds, with the operations each tool generated counted in its
output. It writes its own section of ``benchmarks/results.md`` and keeps the rest.

codegen is measured cold (an empty, fresh format cache, ``CODEGEN_CACHE_DIR``, for each run)
and warm (the cache the cold run of the same round filled); the peers cache nothing, so both
are compared with the same peer runs. ``codegen check`` on the tree just generated is compared
with openapi-python-client's ``generate`` of the same size, as the aims of the issues compare
them.

The peers are installed on first use into their own virtual environments under
``benchmarks/.peers/`` (git-ignored), at exact versions. The spec must have been fetched
(``codegen spec fetch``). Nothing in the repository other than ``benchmarks/results.md`` is
written: outputs go to a temporary folder that is deleted at the end.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from _measure import (  # noqa: E402
    Measurement,
    Spread,
    Summary,
    alternate,
    conditions,
    measure,
    pair_ratios,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

OPERATION = "PostCustomersCustomerSources"
OPERATION_PATH = "/v1/customers/{customer}/sources"
OPERATION_METHOD = "post"
OPC = ("openapi-python-client", "0.29.1")
DCG = ("datamodel-code-generator", "0.89.0")
REPEATS = 3
PEER_TIMEOUT_S = 300.0
DCG_TIMEOUT_S = 600.0
CODEGEN_TIMEOUT_S = 300.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def remove(*paths: Path) -> Callable[[], None]:
    def clean() -> None:
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)

    return clean


@dataclass
class Contender:
    """One command of a task, measured once a round; ``before`` runs untimed before each run."""

    tool: str
    task: str
    key: str
    command: list[str]
    cwd: Path
    env: Optional[dict[str, str]] = None
    timeout: float = CODEGEN_TIMEOUT_S
    before: Optional[Callable[[], None]] = None
    result: Summary = field(default_factory=Summary)

    def run_once(self) -> Measurement:
        if self.before is not None:
            self.before()
        run = measure(self.command, cwd=self.cwd, env=self.env, timeout=self.timeout)
        self.result.runs.append(run)
        status = "ok" if run.ok else f"FAILED ({run.failure()})"
        log(
            f"  {self.tool}: {self.task} [{len(self.result.runs)}]: {run.wall_s:.2f} s "
            f"(CPU {run.cpu_s:.2f} s), peak {run.peak_mb:.0f} MB "
            f"(largest process {run.maxrss_mb:.0f} MB) {status}"
        )
        return run


@dataclass(frozen=True)
class Pair:
    """A ratio codegen ÷ peer to report: the keys of two contenders of the same rounds."""

    mine: str
    theirs: str
    memory: bool = False  # also the ratio of peak memory


@dataclass
class Report:
    """What a run measured: the contenders in the order they ran, and the ratios to show."""

    contenders: list[Contender] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # tool, task, why

    def by_key(self) -> dict[str, Contender]:
        return {c.key: c for c in self.contenders}


def run_rounds(title: str, contenders: list[Contender], times: int) -> list[Contender]:
    """Measure ``contenders`` in ``times`` rounds, each once a round, in the order given."""
    log(f"{title}: {times} round(s) of {', '.join(c.key for c in contenders)}")
    alternate([c.run_once for c in contenders], times)
    return contenders


# --- peers -----------------------------------------------------------------------------------


def ensure_peer(peers: Path, name: str, version: str) -> Path:
    """The ``bin`` folder of a venv holding exactly ``name==version``; installed if missing."""
    venv = peers / f"{name}-{version}"
    python = venv / "bin" / "python"
    probe = [
        str(python),
        "-c",
        f"import importlib.metadata as m; print(m.version({name!r}))",
    ]
    if python.exists():
        found = subprocess.run(probe, capture_output=True, text=True)
        if found.returncode == 0 and found.stdout.strip() == version:
            return venv / "bin"
    log(f"installing {name}=={version} into {venv} ...")
    shutil.rmtree(venv, ignore_errors=True)
    peers.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"{name}=={version}",
        ],
        check=True,
    )
    found = subprocess.run(probe, capture_output=True, text=True, check=True)
    if found.stdout.strip() != version:
        raise SystemExit(
            f"{name}: expected version {version}, got {found.stdout.strip()}"
        )
    return venv / "bin"


def peer_env(bin_dir: Path) -> dict[str, str]:
    """The peer's venv first on PATH (openapi-python-client runs `ruff` as a post hook)."""
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(bin_dir.parent)
    env.pop("PYTHONPATH", None)
    return env


# --- the tasks -------------------------------------------------------------------------------


def codegen_command(*args: object) -> list[str]:
    return [
        sys.executable,
        "-m",
        "generator",
        *map(str, args),
        "--config",
        str(REPO / "pyproject.toml"),
    ]


def codegen_settings() -> dict[str, object]:
    """The ``[tool.codegen]`` table of the project's ``pyproject.toml``."""
    settings = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(settings.get("tool", {}).get("codegen", {}))


def cache_env(cache: Path) -> dict[str, str]:
    """This environment with codegen's cache folder (format cache, spec JSON) at ``cache``."""
    return {**os.environ, "CODEGEN_CACHE_DIR": str(cache)}


def codegen_contenders(
    scope: Sequence[str], label: str, key: str, out: Path, cache: Path
) -> list[Contender]:
    """generate and check of ``scope`` (``-o OP`` or ``--all``), cold and warm.

    Cold: the output and the format cache folder are removed first (the spec's JSON form,
    which lives in the same folder, is made again too: a new machine). Warm: the cache the
    cold run just before filled, the output removed (generate) or kept (check).
    """
    env = cache_env(cache)
    generate = codegen_command("generate", "-q", *scope, "--output", out)
    check = codegen_command("check", *scope, "--output", out)
    return [
        Contender(
            "codegen",
            f"generate {label}, cold (empty cache)",
            f"generate-{key}-cold",
            generate,
            REPO,
            env,
            before=remove(out, cache),
        ),
        Contender(
            "codegen",
            f"generate {label}, warm cache",
            f"generate-{key}-warm",
            generate,
            REPO,
            env,
            before=remove(out),
        ),
        Contender(
            "codegen",
            f"check {label}, unchanged tree, empty cache (a fresh clone)",
            f"check-{key}-cold",
            check,
            REPO,
            env,
            before=remove(cache),
        ),
        Contender(
            "codegen",
            f"check {label}, unchanged tree, warm cache",
            f"check-{key}-warm",
            check,
            REPO,
            env,
        ),
    ]


@dataclass(frozen=True)
class Peers:
    """The peers' installed commands, and where their inputs and outputs go."""

    opc_bin: Path
    dcg_bin: Path
    work: Path
    spec_json: Path
    subset_json: Path

    @property
    def opc_label(self) -> str:
        return f"{OPC[0]} {OPC[1]}"

    @property
    def dcg_label(self) -> str:
        return f"{DCG[0]} {DCG[1]}"

    def opc(self, task: str, key: str, source: Path) -> Contender:
        config = self.work / "opc-config.yaml"
        config.write_text("literal_enums: true\n", encoding="utf-8")
        out = self.work / key
        command = [
            str(self.opc_bin / "openapi-python-client"),
            "generate",
            "--path",
            str(source),
            "--config",
            str(config),
            "--output-path",
            str(out),
            "--overwrite",
        ]
        return Contender(
            self.opc_label,
            task,
            key,
            command,
            self.work,
            peer_env(self.opc_bin),
            timeout=PEER_TIMEOUT_S,
            before=remove(out),
        )

    @property
    def dcg_models(self) -> Path:
        """Stripe's dotted schema names (``checkout.session``) make its output a package."""
        return self.work / "dcg" / "models"

    def dcg(self) -> Contender:
        self.dcg_models.parent.mkdir(exist_ok=True)
        command = [
            str(self.dcg_bin / "datamodel-codegen"),
            "--input",
            str(self.spec_json),
            "--input-file-type",
            "openapi",
            "--output",
            str(self.dcg_models),
            "--output-model-type",
            "pydantic_v2.BaseModel",
            "--disable-timestamp",
            "--formatters",  # its current default, named to silence its FutureWarning
            "black",
            "isort",
        ]
        return Contender(
            self.dcg_label,
            "models, whole spec (package `models/`)",
            "dcg-all",
            command,
            self.work,
            peer_env(self.dcg_bin),
            timeout=DCG_TIMEOUT_S,
            before=remove(self.dcg_models),
        )


def one_operation(
    report: Report, work: Path, peers: Optional[Peers], times: int
) -> Path:
    """Round: codegen's generate and check of one operation, then openapi-python-client's
    generate of that operation's subset of the spec. Returns codegen's output folder."""
    one, cache = work / "codegen-one", work / "cache-one"
    contenders = codegen_contenders(["-o", OPERATION], "1 operation", "one", one, cache)
    contenders.append(
        Contender(
            "codegen",
            "check --no-cache, 1 operation (formats every file; spec JSON from the cache)",
            "check-one-nocache",
            codegen_command("check", "--no-cache", "-o", OPERATION, "--output", one),
            REPO,
            cache_env(cache),
        )
    )
    if peers is not None:
        contenders.append(
            peers.opc(
                "generate, 1 operation (subset: the path + its $ref closure)",
                "opc-one",
                peers.subset_json,
            )
        )
        report.pairs += [
            Pair(c.key, "opc-one") for c in contenders if c.tool == "codegen"
        ]
    report.contenders += run_rounds("one operation", contenders, times)
    return one


def all_operations(
    report: Report, work: Path, peers: Optional[Peers], times: int, quick: bool
) -> Path:
    """Round: codegen's generate and check of all operations, openapi-python-client's generate
    of the whole spec (not with ``--quick``) and datamodel-code-generator's models of it.
    """
    every = work / "codegen-all"
    contenders = codegen_contenders(
        ["--all"], "--all", "all", every, work / "cache-all"
    )
    mine = [c.key for c in contenders]
    if peers is not None:
        if quick:
            report.skipped.append(
                (peers.opc_label, "generate, whole spec", "skipped (--quick)")
            )
        else:
            contenders.append(
                peers.opc(
                    "generate, whole spec (`literal_enums: true`)",
                    "opc-all",
                    peers.spec_json,
                )
            )
            report.pairs += [
                Pair(key, "opc-all", memory=key.startswith("generate")) for key in mine
            ]
        contenders.append(peers.dcg())
        report.pairs += [
            Pair(key, "dcg-all", memory=True)
            for key in mine
            if key.startswith("generate")
        ]
    report.contenders += run_rounds("all operations", contenders, times)
    return every


def imports(
    report: Report, work: Path, every: Path, peers: Optional[Peers], times: int
) -> None:
    """Round: import codegen's all-operations package, datamodel-code-generator's models, and
    start the interpreter alone (for scale); all with this interpreter (pydantic 2)."""
    package = str(codegen_settings().get("package", "stripe_client"))
    import_code = f"import {package}; import {package}.models"
    contenders = [
        Contender(
            "codegen",
            f"import all-ops package (`{import_code}`)",
            "import",
            [sys.executable, "-c", import_code],
            every,
        ),
        Contender(
            "python",
            "interpreter start (`python -c pass`), for scale",
            "python",
            [sys.executable, "-c", "pass"],
            work,
        ),
    ]
    if peers is not None:
        if peers.dcg_models.is_dir():
            contenders.insert(
                1,
                Contender(
                    peers.dcg_label,
                    "import its models (`import models`)",
                    "dcg-import",
                    [sys.executable, "-c", "import models"],
                    peers.dcg_models.parent,
                ),
            )
            report.pairs.append(Pair("import", "dcg-import"))
        else:
            report.skipped.append(
                (peers.dcg_label, "import its models", "skipped: no models generated")
            )
    report.contenders += run_rounds("imports", contenders, times)


# --- real public specs (--realspecs) ---------------------------------------------------------

OPC_ENDPOINT_FILE = re.compile(r"^def sync_detailed\(", re.MULTILINE)
CODEGEN_OPERATION_ID = re.compile(r"operation\s+ID\s+``([^`]+)``")
BOM = b"\xef\xbb\xbf"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@dataclass
class RealSpecTask:
    """One real spec: its file, its operation count, and the contenders that generate it."""

    name: str
    path: Path
    operations: int
    contenders: list[Contender]
    outputs: dict[str, Path]  # contender key -> output folder
    generated: dict[str, int] = field(
        default_factory=dict
    )  # key -> operations generated


def load_realspecs() -> list[tuple[str, Path, str]]:
    """(name, fetched file, why) of every lock entry, fetched or not (the path says)."""
    import importlib.util

    loader = importlib.util.spec_from_file_location(
        "fetch_realspecs", REPO / "scripts" / "fetch_realspecs.py"
    )
    assert loader is not None and loader.loader is not None
    fetch_realspecs = importlib.util.module_from_spec(loader)
    sys.modules["fetch_realspecs"] = (
        fetch_realspecs  # its dataclasses look themselves up
    )
    loader.loader.exec_module(fetch_realspecs)

    return [
        (spec.name, fetch_realspecs.fetched_path(spec), spec.why)
        for spec in fetch_realspecs.load_lock()
        if fetch_realspecs.is_fetched(spec)
    ] + [
        (spec.name, Path(""), "not fetched")
        for spec in fetch_realspecs.load_lock()
        if not fetch_realspecs.is_fetched(spec)
    ]


def count_spec_operations(path: Path) -> int:
    from generator.spec import load_document

    document = load_document(path)
    return sum(
        1
        for item in document.get("paths", {}).values()
        if isinstance(item, dict)
        for method in HTTP_METHODS
        if isinstance(item.get(method), dict)
    )


def codegen_operations(out: Path) -> int:
    """Distinct operation IDs named in the docstrings of the generated resource methods."""
    found: set[str] = set()
    for module in out.rglob("resources/**/*.py"):
        found.update(CODEGEN_OPERATION_ID.findall(module.read_text(encoding="utf-8")))
    return len(found)


def opc_operations(out: Path) -> int:
    """openapi-python-client writes one module per endpoint under ``<package>/api/<tag>/``."""
    return sum(
        1
        for module in out.rglob("api/**/*.py")
        if OPC_ENDPOINT_FILE.search(module.read_text(encoding="utf-8"))
    )


def realspec_task(
    name: str, path: Path, work: Path, peers: Optional[Peers]
) -> RealSpecTask:
    out, cache = work / f"codegen-{name}", work / f"cache-{name}"
    generate = [
        sys.executable,
        "-m",
        "generator",
        "generate",
        "-q",
        "--spec",
        str(path),
        "--all",
        "--output",
        str(out),
        "--package",
        f"{name}_client",
    ]
    outside = work / "outside"  # no pyproject.toml above it: codegen's default settings
    outside.mkdir(exist_ok=True)
    env = cache_env(cache)
    contenders = [
        Contender(
            "codegen",
            f"{name}: generate --all, cold",
            f"{name}-cold",
            generate,
            outside,
            env,
            before=remove(out, cache),
        ),
        Contender(
            "codegen",
            f"{name}: generate --all, warm",
            f"{name}-warm",
            generate,
            outside,
            env,
            before=remove(out),
        ),
    ]
    outputs = {f"{name}-cold": out, f"{name}-warm": out}
    if peers is not None:
        contenders.append(peers.opc(f"{name}: generate", f"{name}-opc", path))
        outputs[f"{name}-opc"] = peers.work / f"{name}-opc"
        data = path.read_bytes()
        if data.startswith(
            BOM
        ):  # it refuses the file; measured again on a copy without it
            copy = work / f"{name}-nobom{path.suffix}"
            copy.write_bytes(data[len(BOM) :])
            key = f"{name}-nobom-opc"
            contenders.append(
                peers.opc(f"{name}: generate, the file without its BOM", key, copy)
            )
            outputs[key] = peers.work / key
    return RealSpecTask(name, path, count_spec_operations(path), contenders, outputs)


def run_realspecs(args: argparse.Namespace) -> int:
    times = 1 if args.quick else REPEATS
    start = conditions()
    work = Path(tempfile.mkdtemp(prefix="codegen-bench-realspecs-"))
    tasks: list[RealSpecTask] = []
    missing: list[str] = []
    try:
        peers = None
        if not args.skip_peers:
            peers = Peers(
                ensure_peer(args.peers, *OPC),
                ensure_peer(args.peers, *DCG),
                work,
                work / "unused.json",
                work / "unused.json",
            )
        for name, path, why in load_realspecs():
            if why == "not fetched":
                missing.append(name)
                continue
            task = realspec_task(name, path, work, peers)
            run_rounds(name, task.contenders, times)
            # What the last round left: the warm run's output (the cold run's is the same
            # tree, removed by the warm run) and each peer run's own folder.
            for contender in task.contenders:
                if contender.key.endswith("-opc"):
                    count = opc_operations(task.outputs[contender.key])
                else:
                    count = codegen_operations(task.outputs[f"{name}-warm"])
                task.generated[contender.key] = count
            tasks.append(task)
            for contender in task.contenders:
                shutil.rmtree(task.outputs[contender.key], ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = render_realspecs(tasks, missing, start, conditions(), times)
    print(text)
    if args.results is not None:
        write_section(args.results, text)
        log(f"wrote {args.results}")
    return (
        0
        if all(c.result.ok for t in tasks for c in t.contenders if c.tool == "codegen")
        else 1
    )


def realspec_failure(contender: Contender) -> str:
    """Why a run failed, in one table cell: the first lines of what it printed."""
    run = next(r for r in contender.result.runs if not r.ok)
    if run.timed_out:
        return run.failure()
    text = " ".join((run.stderr.strip() or run.stdout.strip()).split())
    return f"exit {run.returncode}: " + text.replace("|", "\\|")[:160]


def render_realspecs(
    tasks: list[RealSpecTask],
    missing: list[str],
    start: dict[str, str],
    end: dict[str, str],
    times: int,
) -> str:
    lines = [
        "## Real public specs: codegen and openapi-python-client",
        "",
        f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC by "
        f"`benchmarks/generate_vs_peers.py --realspecs{' --quick' if times == 1 else ''}` at "
        f"commit {git_head()}; {start['cores']} cores, load average {start['load']} before, "
        f"{end['load']} after; {times} round(s) per spec (codegen cold, codegen warm, "
        "openapi-python-client, in turn). The specs are those of `tests/realspecs.lock.json` "
        "(fetch: `scripts/fetch_realspecs.py --benchmark`). *Generated* counts the operations "
        "found in each output: codegen's methods by the operation ID in their docstrings, "
        "openapi-python-client's endpoint modules (`api/<tag>/<operation>.py`); the spec's "
        "count is every method of every path. A failed run (exit status not 0) is marked.",
        "",
        "| spec | operations | tool | generated | wall s | peak MB | wall ÷ opc | memory ÷ opc |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for task in tasks:
        peers_ok = [
            c for c in task.contenders if c.key.endswith("-opc") and c.result.ok
        ]
        opc = peers_ok[0] if peers_ok else None
        for contender in task.contenders:
            result = contender.result
            head = f"| {task.name} | {task.operations} | {contender.task.split(': ', 1)[1]} ({contender.tool}) |"
            if not result.ok:
                failure = realspec_failure(contender)
                lines.append(
                    f"{head} {task.generated.get(contender.key, 0)} | **failed**: {failure} | | | |"
                )
                continue
            ratio_wall = ratio_memory = ""
            if opc is not None and contender.tool == "codegen":
                ratio_wall = _ratios(result, opc.result, "wall_s").show(2, "×")
                ratio_memory = _ratios(result, opc.result, "peak_mb").show(2, "×")
            lines.append(
                f"{head} {task.generated.get(contender.key, 0)} | "
                f"{_cell(result, 'wall_s', 2)} | {_cell(result, 'peak_mb', 0)} | "
                f"{ratio_wall} | {ratio_memory} |"
            )
    if missing:
        lines += ["", f"Not fetched, so not measured: {', '.join(missing)}."]
    lines += [
        "",
        f"openapi-python-client {OPC[1]} runs from its venv under `benchmarks/.peers/` with the "
        "config of the Stripe rows (`literal_enums: true`) and its default post hooks (ruff), "
        "given the same file codegen reads. codegen runs as `python -m generator generate -q "
        "--spec FILE --all --output <tmp> --package <name>_client` from a folder with no "
        "`pyproject.toml` above it; cold removes its cache folder first (black formats every "
        "file), warm keeps the one the cold run filled.",
        "",
    ]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    """Replace the section of ``path`` headed like ``section`` (or append it), keeping the rest."""
    heading = section.splitlines()[0]
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    parts = re.split(r"^(?=## )", old, flags=re.MULTILINE)
    kept = [part.rstrip("\n") for part in parts if part.splitlines()[:1] != [heading]]
    kept = [part for part in kept if part]
    path.write_text("\n\n".join([*kept, section.rstrip("\n")]) + "\n", encoding="utf-8")


# --- the run ---------------------------------------------------------------------------------


def memory_gib() -> str:
    meminfo = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()
    return f"{int(meminfo[1]) / 1024 / 1024:.0f} GiB"


def prepare_specs(work: Path) -> Optional[tuple[Path, Path]]:
    """The whole pinned spec as JSON (no YAML cost for the peers) and the one-operation subset;
    ``None`` (with the reason logged) when the spec cannot be read."""
    pin = REPO / str(codegen_settings().get("spec", "spec/stripe.lock.json"))
    spec_json, subset_json = work / "spec.json", work / "subset.json"
    prepared = subprocess.run(
        [
            sys.executable,
            str(HERE / "subset_spec.py"),
            str(pin),
            OPERATION_PATH,
            OPERATION_METHOD,
            str(subset_json),
            str(spec_json),
        ],
        capture_output=True,
        text=True,
    )
    if prepared.returncode != 0:
        lines = prepared.stderr.strip().splitlines()
        log(lines[-1] if lines else "could not load the spec")
        log("run `codegen spec fetch` first")
        return None
    return spec_json, subset_json


def run(args: argparse.Namespace) -> int:
    if args.realspecs:
        return run_realspecs(args)
    # This driver stays small (no spec, no black in memory): the measured commands are its
    # grandchildren, and a lean driver keeps the sampler cheap.
    times = 1 if args.quick else REPEATS
    start = conditions()
    report = Report()
    work = Path(tempfile.mkdtemp(prefix="codegen-bench-"))
    try:
        specs = prepare_specs(work)
        if specs is None:
            return 2
        peers = None
        if not args.skip_peers:
            peers = Peers(
                ensure_peer(args.peers, *OPC),
                ensure_peer(args.peers, *DCG),
                work,
                *specs,
            )
        one_operation(report, work, peers, times)
        every = all_operations(report, work, peers, times, args.quick)
        if report.by_key()["generate-all-warm"].result.ok:
            imports(report, work, every, peers, times)
        else:
            report.skipped.append(
                ("codegen", "import all-ops package", "skipped: generate --all failed")
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    text = render(
        report, start, conditions(), args, importlib.metadata.version("black")
    )
    print(text)
    if args.results is not None:
        write_results(args.results, text)
        log(f"wrote {args.results}")
    codegen_ok = all(c.result.ok for c in report.contenders if c.tool == "codegen")
    return 0 if codegen_ok else 1


def write_results(path: Path, report: str) -> None:
    """Write ``report`` to ``path``, keeping the sections of the file this script does not
    write (other benchmarks' results, such as the gateway's, added by hand)."""
    own = {line for line in report.splitlines() if line.startswith("## ")}
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    sections = re.split(r"^(?=## )", old, flags=re.MULTILINE)[1:]
    kept = [s for s in sections if s.splitlines()[0] not in own]
    path.write_text(
        "\n".join([report.rstrip("\n"), *(s.rstrip("\n") for s in kept)]) + "\n",
        encoding="utf-8",
    )


# --- the report ------------------------------------------------------------------------------


def _cell(summary: Summary, attribute: str, digits: int) -> str:
    return summary.spread(attribute).show(digits)


def _ratios(mine: Summary, theirs: Summary, attribute: str) -> Spread:
    """``attribute`` of each run of ``mine`` over that of the peer's run of the same round."""
    return pair_ratios(
        [getattr(run, attribute) for run in mine.runs],
        [getattr(run, attribute) for run in theirs.runs],
    )


# The speed issue's aims measured here (the runtime ones are benchmarks/runtime_overhead.py's):
# (aim, contender key, peer key or None, the test on the median wall time or median ratio)
AIMS: list[tuple[str, str, Optional[str], str, Callable[[float], bool]]] = [
    (
        "`generate --all`, cold, at most 1/3 of openapi-python-client's wall time",
        "generate-all-cold",
        "opc-all",
        "wall_s",
        lambda ratio: ratio <= 1 / 3,
    ),
    (
        "`generate --all`, warm, at most 0.1× openapi-python-client's wall time",
        "generate-all-warm",
        "opc-all",
        "wall_s",
        lambda ratio: ratio <= 0.1,
    ),
    (
        "`generate`, 1 operation, cold, faster than openapi-python-client",
        "generate-one-cold",
        "opc-one",
        "wall_s",
        lambda ratio: ratio < 1.0,
    ),
    (
        "`generate`, 1 operation, warm, at most 1/3 of openapi-python-client's wall time",
        "generate-one-warm",
        "opc-one",
        "wall_s",
        lambda ratio: ratio <= 1 / 3,
    ),
    (
        "`check`, 1 operation, warm, under 0.3 s",
        "check-one-warm",
        None,
        "wall_s",
        lambda wall: wall < 0.3,
    ),
    (
        "`check --all`, warm, under 1 s",
        "check-all-warm",
        None,
        "wall_s",
        lambda wall: wall < 1.0,
    ),
    (
        "`check --all`, cold, at most 1/3 of openapi-python-client's `--all` generate",
        "check-all-cold",
        "opc-all",
        "wall_s",
        lambda ratio: ratio <= 1 / 3,
    ),
    (
        "`generate --all`, cold, peak memory at most 1/4 of openapi-python-client's",
        "generate-all-cold",
        "opc-all",
        "peak_mb",
        lambda ratio: ratio <= 1 / 4,
    ),
]


def aims(report: Report) -> list[str]:
    """One line per aim: met, not met or not measured (from medians)."""
    by_key = report.by_key()
    lines = []
    for text, key, peer, attribute, test in AIMS:
        mine, theirs = by_key.get(key), by_key.get(peer or "")
        verdict = "not measured"
        if mine is not None and mine.result.ok:
            if peer is None:
                value = mine.result.spread(attribute).median
                verdict = (
                    "met" if test(value) else "**not met**"
                ) + f" ({value:.2f} s)"
            elif theirs is not None and theirs.result.ok:
                value = _ratios(mine.result, theirs.result, attribute).median
                verdict = ("met" if test(value) else "**not met**") + f" ({value:.2f}×)"
        lines.append(f"- {text}: {verdict}")
    return lines


def render(
    report: Report,
    start: dict[str, str],
    end: dict[str, str],
    args: argparse.Namespace,
    black_version: str,
) -> str:
    times = 1 if args.quick else REPEATS
    flags = f"{' --quick' if args.quick else ''}{' --skip-peers' if args.skip_peers else ''}"
    lines = [
        "# Benchmark: codegen against its peers",
        "",
        f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC by "
        f"`benchmarks/generate_vs_peers.py{flags}` at commit {git_head()}; "
        f"Python {start['python']}, black {black_version}, {start['cores']} cores, "
        f"{memory_gib()}; load average {start['load']} before, {end['load']} after "
        "(the machine is shared, so expect some noise); Python bytecode caching "
        f"{start['bytecode']}.",
        "",
        f"Whole processes, {times} round(s): in each round every contender of the task runs "
        "once, one after the other (codegen, then the peers), so that each ratio compares runs "
        "made seconds apart. Values are the median and, in brackets, the range (min–max). Peak "
        "memory is the larger of the biggest single process (`ru_maxrss`) and the sampled sum "
        "of the process tree's PSS; CPU s is user plus system time of the whole tree.",
        "",
        "| tool | task | wall s | CPU s | peak MB |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for contender in report.contenders:
        name = f"| {contender.tool} | {contender.task} |"
        result = contender.result
        if not result.ok:
            failure = result.failure().replace("|", "\\|")[:300]
            lines.append(f"{name} **failed**: {failure} | | |")
            continue
        lines.append(
            f"{name} {_cell(result, 'wall_s', 2)} | {_cell(result, 'cpu_s', 2)} | "
            f"{_cell(result, 'peak_mb', 0)} |"
        )
    lines += [f"| {tool} | {task} | {why} | | |" for tool, task, why in report.skipped]
    lines += [
        "",
        "## Ratios codegen ÷ peer, round by round",
        "",
        "The ratio of the runs of each round, median (min–max); below 1× codegen is faster or "
        "smaller. The warm rows are compared with the same peer runs as the cold ones.",
        "",
        "| codegen | peer | wall time | peak memory |",
        "| --- | --- | ---: | ---: |",
    ]
    by_key = report.by_key()
    for pair in report.pairs:
        mine, theirs = by_key[pair.mine], by_key[pair.theirs]
        if not (mine.result.ok and theirs.result.ok):
            lines.append(f"| {mine.task} | {theirs.tool}: {theirs.task} | failed | |")
            continue
        memory = (
            _ratios(mine.result, theirs.result, "peak_mb").show(2, "×")
            if pair.memory
            else ""
        )
        lines.append(
            f"| {mine.task} | {theirs.tool}: {theirs.task.split(' (')[0]} | "
            f"{_ratios(mine.result, theirs.result, 'wall_s').show(2, '×')} | {memory} |"
        )
    lines += ["", "## Aims (the speed issue)", "", *aims(report)]
    lines += [
        "",
        "## Method",
        "",
        "- codegen runs as `python -m generator ... --config pyproject.toml --output <tmp>`. "
        '"Cold" removes the output folder and the whole cache folder (`CODEGEN_CACHE_DIR`, a '
        "folder of this run) first: black formats every file and everything else codegen "
        "keeps there (the pinned YAML spec's JSON form, compiled templates) is made again, as "
        'on a new machine. "Warm" keeps the cache the cold run of the same round filled and '
        "removes only the output folder.",
        "- `check` runs on the tree the `generate` of the same round wrote (the same bytes as a "
        "fresh clone), with the cache folder emptied first (a fresh clone on a new machine) or "
        "warm (the cache kept between CI runs); `--no-cache` formats every file and neither "
        "reads nor writes the format cache (it still reads the spec's JSON form from the warm "
        "cache folder).",
        f"- openapi-python-client {OPC[1]} and datamodel-code-generator {DCG[1]} run from their "
        "own venvs under `benchmarks/.peers/`, given the pinned spec as JSON (so they pay no "
        "YAML parsing). openapi-python-client uses a config with `literal_enums: true` (it "
        "crashes on this spec without it) and its default post hooks (ruff); its one-operation "
        f"input is `{OPERATION_METHOD.upper()} {OPERATION_PATH}` plus the transitive closure of "
        "its `$ref`s (`benchmarks/subset_spec.py`), made at run time. Neither caches anything "
        "between runs.",
        "- datamodel-code-generator: `--input-file-type openapi --output-model-type "
        "pydantic_v2.BaseModel --disable-timestamp --formatters black isort` (its default "
        "formatters); Stripe's dotted schema names make it write a package (`models/`, its "
        "`__init__` importing the models from `models/_internal.py`), not one file.",
        "- Imports run with the same interpreter (pydantic 2). With bytecode caching off "
        "(`PYTHONDONTWRITEBYTECODE`), each import compiles both packages from source, as the "
        "first import after generating does; with it on, the first round writes the "
        "`__pycache__` the later rounds read. The same holds for codegen's own source (the "
        "peers and black read the bytecode pip wrote when they were installed).",
        "",
    ]
    return "\n".join(lines)


def git_head() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    head = done.stdout.strip() or "unknown"
    return head + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--skip-peers",
        action="store_true",
        help="measure codegen only (no peer install or run)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one run per measurement, and skip openapi-python-client on the "
        "whole spec (about 50 s)",
    )
    parser.add_argument(
        "--realspecs",
        action="store_true",
        help="the real public specs of tests/realspecs.lock.json instead of Stripe's",
    )
    parser.add_argument(
        "--peers",
        type=Path,
        default=HERE / ".peers",
        help="where the peers' venvs live (default: benchmarks/.peers)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=HERE / "results.md",
        help="Markdown file to write (default: benchmarks/results.md)",
    )
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark codegen against openapi-python-client and datamodel-code-generator, in one run.

Every measurement is a whole process (wall time and peak memory, see ``_measure.py``), repeated
three times and reported as the median; a peer run longer than 30 s is run once. Results are
printed as a Markdown table and written to ``benchmarks/results.md``.

    python benchmarks/generate_vs_peers.py [--skip-peers] [--quick]

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
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from _measure import Summary, measure  # noqa: E402

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
LONG_RUN_S = 30.0  # a peer run longer than this is not repeated
PEER_TIMEOUT_S = 300.0
DCG_TIMEOUT_S = 600.0
CODEGEN_TIMEOUT_S = 300.0


@dataclass
class Row:
    tool: str
    task: str
    result: Optional[Summary]  # None: skipped
    baseline: Optional[str] = None  # key of the codegen row to compare with
    key: str = ""
    note: str = ""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def repeat(
    label: str,
    command: Sequence[str],
    *,
    times: int,
    cwd: Path,
    env: Optional[dict[str, str]] = None,
    timeout: float = CODEGEN_TIMEOUT_S,
    before: Optional[Callable[[], None]] = None,
    long_run_once: bool = False,
) -> Summary:
    """Measure ``command`` up to ``times`` times (``before`` runs untimed before each)."""
    summary = Summary()
    for index in range(times):
        if before is not None:
            before()
        run = measure(command, cwd=cwd, env=env, timeout=timeout)
        summary.runs.append(run)
        status = "ok" if run.ok else f"FAILED ({run.failure()})"
        log(
            f"  {label} [{index + 1}/{times}]: {run.wall_s:.2f} s (CPU {run.cpu_s:.2f} s), "
            f"peak {run.peak_mb:.0f} MB "
            f"(largest process {run.maxrss_mb:.0f} MB) {status}"
        )
        if not run.ok or (long_run_once and run.wall_s > LONG_RUN_S):
            break
    return summary


def remove(*paths: Path) -> Callable[[], None]:
    def clean() -> None:
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)

    return clean


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


# --- the run ---------------------------------------------------------------------------------


def codegen_command(*args: object) -> list[str]:
    return [
        sys.executable,
        "-m",
        "generator",
        *map(str, args),
        "--config",
        str(REPO / "pyproject.toml"),
    ]


def machine_info() -> dict[str, str]:
    meminfo = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()
    return {
        "python": platform.python_version(),
        "cores": str(os.cpu_count()),
        "memory": f"{int(meminfo[1]) / 1024 / 1024:.0f} GiB",
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


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


def run(args: argparse.Namespace) -> int:
    # This driver stays small (no spec, no black in memory): the measured commands are its
    # grandchildren, and a lean driver keeps the sampler cheap.
    times = 1 if args.quick else REPEATS
    codegen_settings = tomllib.loads(
        (REPO / "pyproject.toml").read_text(encoding="utf-8")
    )
    codegen_settings = codegen_settings.get("tool", {}).get("codegen", {})
    package = codegen_settings.get("package", "stripe_client")
    pin = REPO / codegen_settings.get("spec", "spec/stripe.lock.json")
    start_info = machine_info()
    rows: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="codegen-bench-"))
    try:
        spec_json = (
            work / "spec.json"
        )  # the same data for every peer, as JSON (no YAML cost)
        subset_json = work / "subset.json"
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
            log(
                prepared.stderr.strip().splitlines()[-1]
                if prepared.stderr.strip()
                else "could not load the spec"
            )
            log("run `codegen spec fetch` first")
            return 2

        # codegen, one operation; black's output is cached in a folder of this run only
        one = work / "codegen-one"
        cache = work / "format-cache"
        env = {**os.environ, "CODEGEN_CACHE_DIR": str(cache)}
        log(f"codegen, one operation ({OPERATION}):")
        rows.append(
            Row(
                "codegen",
                f"generate, 1 operation, cold (`-o {OPERATION}`, empty cache)",
                repeat(
                    "generate",
                    codegen_command("generate", "-q", "-o", OPERATION, "--output", one),
                    times=times,
                    cwd=REPO,
                    env=env,
                    before=remove(one, cache),
                ),
                key="one",
            )
        )
        rows.append(
            Row(
                "codegen",
                "check, 1 operation, unchanged tree, empty cache (a fresh clone)",
                repeat(
                    "check, empty cache",
                    codegen_command("check", "-o", OPERATION, "--output", one),
                    times=times,
                    cwd=REPO,
                    env=env,
                    before=remove(cache),
                ),
                key="check-one-cold",
            )
        )
        rows.append(
            Row(
                "codegen",
                "check, 1 operation, unchanged tree, warm cache",
                repeat(
                    "check",
                    codegen_command("check", "-o", OPERATION, "--output", one),
                    times=times,
                    cwd=REPO,
                    env=env,
                ),
                key="check-one",
            )
        )
        rows.append(
            Row(
                "codegen",
                "check --no-cache, 1 operation",
                repeat(
                    "check --no-cache",
                    codegen_command(
                        "check", "--no-cache", "-o", OPERATION, "--output", one
                    ),
                    times=times,
                    cwd=REPO,
                ),
                key="check-one-nocache",
            )
        )

        # codegen, all operations
        every = work / "codegen-all"
        log("codegen, all operations:")
        generated_all = repeat(
            "generate --all",
            codegen_command("generate", "-q", "--all", "--output", every),
            times=times,
            cwd=REPO,
            env=env,
            before=remove(every, cache),
        )
        rows.append(
            Row(
                "codegen",
                "generate --all, cold (empty cache)",
                generated_all,
                key="all",
            )
        )
        if generated_all.ok:
            rows.append(
                Row(
                    "codegen",
                    "check --all, unchanged tree, empty cache (a fresh clone)",
                    repeat(
                        "check --all, empty cache",
                        codegen_command("check", "--all", "--output", every),
                        times=times,
                        cwd=REPO,
                        env=env,
                        before=remove(cache),
                    ),
                    key="check-all-cold",
                )
            )
            rows.append(
                Row(
                    "codegen",
                    "check --all, unchanged tree, warm cache",
                    repeat(
                        "check --all",
                        codegen_command("check", "--all", "--output", every),
                        times=times,
                        cwd=REPO,
                        env=env,
                    ),
                    key="check-all",
                )
            )
            import_code = f"import {package}; import {package}.models"
            measure(
                [sys.executable, "-c", import_code], cwd=every
            )  # writes __pycache__
            rows.append(
                Row(
                    "codegen",
                    f"import all-ops package (`{import_code}`)",
                    repeat(
                        "import",
                        [sys.executable, "-c", import_code],
                        times=times,
                        cwd=every,
                    ),
                    key="import",
                )
            )
        else:
            note = "skipped: generate --all failed"
            rows.append(Row("codegen", "check --all, unchanged tree", None, note=note))
            rows.append(Row("codegen", "import all-ops package", None, note=note))
        rows.append(
            Row(
                "python",
                "interpreter start (`python -c pass`), for scale",
                repeat(
                    "python -c pass",
                    [sys.executable, "-c", "pass"],
                    times=times,
                    cwd=work,
                ),
            )
        )

        if not args.skip_peers:
            rows += run_peers(args, work, spec_json, subset_json, times)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    report = render(
        rows, start_info, machine_info(), args, importlib.metadata.version("black")
    )
    print(report)
    if args.results is not None:
        args.results.write_text(report, encoding="utf-8")
        log(f"wrote {args.results}")
    return (
        0
        if all(r.result is None or r.result.ok for r in rows if r.tool == "codegen")
        else 1
    )


def run_peers(
    args: argparse.Namespace, work: Path, spec_json: Path, subset_json: Path, times: int
) -> list[Row]:
    rows: list[Row] = []
    opc_bin = ensure_peer(args.peers, *OPC)
    dcg_bin = ensure_peer(args.peers, *DCG)
    opc_label = f"{OPC[0]} {OPC[1]}"
    dcg_label = f"{DCG[0]} {DCG[1]}"

    config = work / "opc-config.yaml"
    config.write_text("literal_enums: true\n", encoding="utf-8")
    opc = str(opc_bin / "openapi-python-client")

    def opc_command(source: Path, out: Path) -> list[str]:
        return [
            opc,
            "generate",
            "--path",
            str(source),
            "--config",
            str(config),
            "--output-path",
            str(out),
            "--overwrite",
        ]

    log(f"{opc_label}:")
    out = work / "opc-one"
    rows.append(
        Row(
            opc_label,
            f"generate, 1 operation (subset: the path + its $ref closure)",
            repeat(
                "one operation",
                opc_command(subset_json, out),
                times=times,
                cwd=work,
                env=peer_env(opc_bin),
                timeout=PEER_TIMEOUT_S,
                before=remove(out),
                long_run_once=True,
            ),
            baseline="one",
        )
    )
    if args.quick:
        rows.append(
            Row(
                opc_label,
                "generate, whole spec",
                None,
                baseline="all",
                note="skipped (--quick)",
            )
        )
    else:
        out = work / "opc-all"
        rows.append(
            Row(
                opc_label,
                "generate, whole spec (`literal_enums: true`)",
                repeat(
                    "whole spec",
                    opc_command(spec_json, out),
                    times=times,
                    cwd=work,
                    env=peer_env(opc_bin),
                    timeout=PEER_TIMEOUT_S,
                    before=remove(out),
                    long_run_once=True,
                ),
                baseline="all",
            )
        )

    log(f"{dcg_label}:")
    # Stripe's dotted schema names (`checkout.session`) make its output modular: a package
    models_dir = work / "dcg"
    models_dir.mkdir()
    models = models_dir / "models"
    dcg_command = [
        str(dcg_bin / "datamodel-codegen"),
        "--input",
        str(spec_json),
        "--input-file-type",
        "openapi",
        "--output",
        str(models),
        "--output-model-type",
        "pydantic_v2.BaseModel",
        "--disable-timestamp",
        "--formatters",  # its current default, named to silence its FutureWarning
        "black",
        "isort",
    ]
    generated = repeat(
        "models, whole spec",
        dcg_command,
        times=times,
        cwd=work,
        env=peer_env(dcg_bin),
        timeout=DCG_TIMEOUT_S,
        before=remove(models),
        long_run_once=True,
    )
    rows.append(
        Row(
            dcg_label,
            "models, whole spec (package `models/`)",
            generated,
            baseline="all",
        )
    )
    if generated.ok and models.is_dir():
        # the same interpreter as codegen's import (pydantic 2), bytecode cache warmed first
        measure([sys.executable, "-c", "import models"], cwd=models_dir)
        rows.append(
            Row(
                dcg_label,
                "import its models (`import models`)",
                repeat(
                    "import models",
                    [sys.executable, "-c", "import models"],
                    times=times,
                    cwd=models_dir,
                ),
                baseline="import",
            )
        )
    else:
        rows.append(
            Row(
                dcg_label,
                "import its models",
                None,
                baseline="import",
                note="skipped: no models were generated",
            )
        )
    return rows


# --- the report ------------------------------------------------------------------------------


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.1f}×" if base > 0 else "—"


AIMS = [
    (
        "check",
        "check-one",
        lambda s, rows: s.wall_s < 1.0,
        "`check`, 1 operation, under 1 s",
    ),
    (
        "generate",
        "one",
        None,
        "`generate`, 1 operation, no slower than openapi-python-client",
    ),
    (
        "all-wall",
        "all",
        None,
        "`generate --all` at most 1/3 of openapi-python-client's wall time",
    ),
    (
        "all-mem",
        "all",
        None,
        "`generate --all` at most 1/2 of openapi-python-client's peak memory",
    ),
    (
        "check-all",
        "check-all",
        lambda s, rows: s.wall_s < 2.0,
        "`check --all` under 2 s",
    ),
    (
        "import",
        "import",
        lambda s, rows: s.wall_s < 0.5,
        "importing the all-ops package under 0.5 s",
    ),
]


def render(
    rows: list[Row],
    start: dict[str, str],
    end: dict[str, str],
    args: argparse.Namespace,
    black_version: str,
) -> str:
    by_key = {
        row.key: row.result for row in rows if row.key and row.result and row.result.ok
    }
    lines = [
        "# Benchmark: codegen against its peers",
        "",
        f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC by "
        f"`benchmarks/generate_vs_peers.py{' --quick' if args.quick else ''}"
        f"{' --skip-peers' if args.skip_peers else ''}` at commit {git_head()}; "
        f"Python {start['python']}, black {black_version}, {start['cores']} cores, "
        f"{start['memory']}; load average {start['load']} at the start, {end['load']} at the end "
        "(the machine is shared, so expect some noise).",
        "",
        f"Whole processes; median of {1 if args.quick else REPEATS} runs (a peer run over "
        f"{LONG_RUN_S:.0f} s is run once). Peak memory is the larger of the biggest single "
        "process (`ru_maxrss`) and the sampled sum of the process tree's PSS; CPU s is user plus "
        "system time of the whole tree, steadier than wall time when the machine is busy. "
        "Ratios are "
        "the peer's value over codegen's for the comparable task (generate 1 operation; "
        "generate all; import the all-ops package).",
        "",
        "| tool | task | wall s | CPU s | peak MB | ratio peer ÷ codegen (wall, CPU, memory) |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        if row.result is None:
            lines.append(f"| {row.tool} | {row.task} | — | — | — | {row.note} |")
            continue
        if not row.result.ok:
            failure = row.result.failure().replace("|", "\\|")[:300]
            lines.append(
                f"| {row.tool} | {row.task} | — | — | — | **failed**: {failure} |"
            )
            continue
        ratio = ""
        base = by_key.get(row.baseline or "")
        if base is not None:
            ratio = (
                f"{_ratio(row.result.wall_s, base.wall_s)}, "
                f"{_ratio(row.result.cpu_s, base.cpu_s)}, "
                f"{_ratio(row.result.peak_mb, base.peak_mb)}"
            )
        elif row.tool == "codegen":
            ratio = "1.0× (baseline)" if row.key in ("one", "all", "import") else ""
        runs = len(row.result.runs)
        once = " (1 run)" if runs == 1 and not args.quick else ""
        lines.append(
            f"| {row.tool} | {row.task} | {row.result.wall_s:.2f}{once} | "
            f"{row.result.cpu_s:.2f} | {row.result.peak_mb:.0f} | {ratio} |"
        )
    lines += ["", "## Aims (issues 2 and 4)", ""]
    peer = {
        row.baseline: row.result
        for row in rows
        if row.tool.startswith(OPC[0]) and row.result is not None and row.result.ok
    }
    for name, key, test, text in AIMS:
        mine = by_key.get(key)
        verdict = "not measured"
        if mine is not None:
            if test is not None:
                verdict = "met" if test(mine, rows) else "**not met**"
            elif key in peer:
                other = peer[key]
                if name == "generate":
                    ok = mine.wall_s <= other.wall_s
                elif name == "all-wall":
                    ok = mine.wall_s <= other.wall_s / 3
                else:
                    ok = mine.peak_mb <= other.peak_mb / 2
                verdict = "met" if ok else "**not met**"
        lines.append(f"- {text}: {verdict}")
    lines += [
        "",
        "## Method",
        "",
        f"- codegen runs as `python -m generator ... --config pyproject.toml --output <tmp>`; "
        '"cold" means the output folder and the format cache (`CODEGEN_CACHE_DIR`, a folder of '
        "this run) are removed first; the pinned spec's JSON form (`spec/cache/<sha256>.json`, "
        "made on first load) is kept.",
        "- `check` runs on the tree the last `generate` wrote (same bytes as a fresh clone), "
        "with the format cache emptied first (a fresh clone on a new machine) or warm (the "
        "cache kept between CI runs); `--no-cache` formats every file and touches no cache.",
        f"- openapi-python-client {OPC[1]} and datamodel-code-generator {DCG[1]} run from their "
        "own venvs under `benchmarks/.peers/`, given the pinned spec as JSON (so they pay no "
        "YAML parsing). openapi-python-client uses a config with `literal_enums: true` (it "
        "crashes on this spec without it) and its default post hooks (ruff); its one-operation "
        f"input is `{OPERATION_METHOD.upper()} {OPERATION_PATH}` plus the transitive closure of "
        "its `$ref`s (`benchmarks/subset_spec.py`), made at run time.",
        "- datamodel-code-generator: `--input-file-type openapi --output-model-type "
        "pydantic_v2.BaseModel --disable-timestamp --formatters black isort` (its default "
        "formatters); Stripe's dotted schema names make it write a package (`models/`, its "
        "`__init__` importing the models from `models/_internal.py`), not one file.",
        "- Imports run with the same interpreter (pydantic 2), after one untimed import that "
        "writes the bytecode cache.",
        "",
    ]
    return "\n".join(lines)


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

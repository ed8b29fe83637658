"""Run the ``codegen`` CLI many times, fast: one warm interpreter forks a child per run.

Usage (by ``hostile_support.CliPool``): started as ``python cli_forkserver.py``, it imports
``generator.cli`` once, then reads one JSON request per line on stdin,
``{"args": [...], "cwd": "...", "stdout": "file", "stderr": "file"}``, and answers each with
``{"returncode": N}`` once the run is over.

Each run is a separate process (a fork taken before any generation happened), with its own
working folder and its stdout and stderr going to files: the same entry point, output and exit
code as ``python -m generator ...``, minus the second or so of imports per run. Tests that vary
the interpreter itself (hash seed, locale) start real ``python -m generator`` processes instead.
"""

from __future__ import annotations

import json
import os
import sys


def _child(request: dict) -> None:  # type: ignore[type-arg]
    """In the forked child: run the CLI once and leave with its exit code."""
    code = 1
    try:
        os.chdir(request["cwd"])
        out = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(out, 1)
        os.dup2(err, 2)
        sys.stdin = open(os.devnull)  # noqa: SIM115 - the child never returns
        from generator.cli import main

        sys.argv = ["codegen", *request["args"]]
        try:
            main(args=request["args"], prog_name="codegen")
            code = 0
        except SystemExit as exit_:
            code = (
                exit_.code
                if isinstance(exit_.code, int)
                else (0 if exit_.code is None else 1)
            )
    except (
        BaseException
    ):  # noqa: BLE001 - shown on the child's stderr, like an uncaught error
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def main() -> None:
    import generator.cli  # noqa: F401 - warm: every later fork starts with it imported

    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        sys.stdout.write(json.dumps({"returncode": code}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

"""Per-call overhead of the generated client against Stripe's own SDK, without network.

Measured in one run, each number the best of several repeats, in microseconds per call:

- **request**: build the parameters of `POST /v1/customers/{customer}/sources` from keyword
  arguments (a card with metadata, `expand`, `metadata`), validate them, and encode the form
  body. Generated client: the `ParamsType` check of the TypedDict parameters (every keyword
  argument, as the generated method passes them), `encode_params` and `urlencode_pairs`. Stripe:
  `_api_encode` and `urlencode`, as `stripe._api_requestor` does (it validates nothing).
- **parse card / parse account**: turn a response body (the `card` and `account` examples of
  Stripe's `fixtures3.json`) into an object. Generated client: the `PaymentSource` response type
  (a union told apart by `object`). Stripe: `json.loads` and `_convert_to_stripe_object`.
- **whole call**: the operation method end to end (headers, idempotency key, retry loop,
  error check, parsing), with the HTTP layer answering from memory: an `httpx.MockTransport`
  for the generated client, a canned `stripe.HTTPClient` for Stripe's SDK.

Then the import time of each package (`python -X importtime`), the first call of a fresh
process (import, model schemas built on first use, one call) and the import of every model of
the all-operations package (`codegen generate --all`: each name of `stripe_client.models`
read, after `import stripe_client.models`; Stripe's SDK: each name of its lazily imported
`stripe._import_map`, after `import stripe`): fresh processes, run by run in turn
(stripe_client, stripe, stripe_client, ...) so that both sides of each ratio see the same
load; the median and range (min–max) of each, and of the ratios of the runs of each round.
Whether Python writes bytecode (`PYTHONDONTWRITEBYTECODE` unset) is printed with them: without
it every fresh process compiles the generated package from source, while Stripe's SDK reads the
bytecode pip wrote when it was installed.

    python benchmarks/runtime_overhead.py [--quick] [--fixtures PATH] [--generated PATH]
        [--all-operations PATH] [--only-every-model]

Needs the generated package in `generated/stripe_client` (`codegen generate`), or in the folder
given by `--generated PATH`, and Stripe's SDK (`pip install stripe`, an optional benchmark
dependency). The all-operations package is generated into a temporary folder (about 20 s),
unless `--all-operations PATH` names a folder holding one; `--only-every-model` measures that
row alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import timeit
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qsl, urlencode

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from _measure import Spread, alternate, conditions, pair_ratios  # noqa: E402

GENERATED = REPO / "generated"
DEFAULT_FIXTURES = REPO.parent / "shared" / "stripe-openapi" / "fixtures3.json"
API_KEY = "sk_test_benchmark"


def _generated_folder(argv: List[str]) -> Path:
    """The folder holding `stripe_client`: `--generated PATH`, read before argparse runs
    because the package is imported at module level."""
    for index, argument in enumerate(argv):
        if argument == "--generated" and index + 1 < len(argv):
            return Path(argv[index + 1]).resolve()
        if argument.startswith("--generated="):
            return Path(argument.split("=", 1)[1]).resolve()
    return GENERATED


PACKAGE_ROOT = _generated_folder(sys.argv[1:])
sys.path.insert(0, str(PACKAGE_ROOT))

try:
    import httpx
    import stripe_client
    from stripe_client._base_client import ResponseType
    from stripe_client._encoding import encode_params, urlencode_pairs
    from stripe_client._params import ParamsType
    from stripe_client.models import PaymentSource
    from stripe_client.params.customers import CustomersSourcesCreateParams
except ImportError as error:
    sys.exit(
        f"cannot import the generated package from {PACKAGE_ROOT} ({error}).\n"
        "Generate it first: `codegen generate` (see the README)."
    )

try:
    import stripe
    from stripe._api_requestor import _APIRequestor
    from stripe._encode import _api_encode
    from stripe._util import _convert_to_stripe_object
except ImportError as error:
    sys.exit(
        f"cannot import Stripe's SDK ({error}).\n"
        "Install it into this environment: `pip install stripe`."
    )

BODY_STYLES = {
    name: "deepObject" for name in ("bank_account", "card", "expand", "metadata")
}


def card_arguments() -> Dict[str, Any]:
    """The card of the request, the same for both clients."""
    return {
        "number": "4242424242424242",
        "exp_month": 8,
        "exp_year": 2030,
        "cvc": "314",
        "name": "Jenny Rosen",
        "address_zip": "94107",
        "metadata": {"order": "6735", "channel": "benchmark"},
    }


EXPAND = ["customer", "customer.default_source"]
METADATA = {"order": "6735"}


# --- the steps, one function per client and step --------------------------------------------


PARAMS: "ParamsType[CustomersSourcesCreateParams]" = ParamsType(
    CustomersSourcesCreateParams, "customers.sources.create"
)


def ours_request() -> str:
    """What `client.customers.sources.create` does before sending: every keyword argument
    (None when not given) checked against the TypedDict, then encoded."""
    body = PARAMS.validate(
        {
            "alipay_account": None,
            "bank_account": None,
            "card": card_arguments(),
            "expand": EXPAND,
            "metadata": METADATA,
            "source": None,
        }
    )
    return urlencode_pairs(encode_params(body, BODY_STYLES))


def stripe_request() -> str:
    params = {"card": card_arguments(), "expand": EXPAND, "metadata": METADATA}
    encoded = urlencode(list(_api_encode(params)))
    return encoded.replace("%5B", "[").replace("%5D", "]")


def parsers(
    fixtures: Dict[str, Any],
) -> Dict[str, Tuple[Callable[[], Any], Callable[[], Any]]]:
    response_type: ResponseType[PaymentSource] = ResponseType(PaymentSource)
    requestor = _APIRequestor._global_with_options(api_key=API_KEY)
    steps = {}
    for name in ("card", "account"):
        raw = json.dumps(fixtures[name])
        content = raw.encode()

        def ours(content: bytes = content) -> Any:
            return response_type.parse(content)

        def theirs(raw: str = raw) -> Any:
            return _convert_to_stripe_object(
                resp=json.loads(raw), requestor=requestor, api_mode="V1"
            )

        steps[f"parse {name}"] = (ours, theirs)
    return steps


class CannedHTTPClient(stripe.HTTPClient):
    """Stripe's HTTP client seam, answering every request with one body."""

    name = "canned"

    def __init__(self, body: str) -> None:
        super().__init__()
        self._body = body

    def request(
        self,
        method: str,
        url: str,
        headers: Any,
        post_data: Any = None,
        *,
        _usage: Any = None,
    ) -> Tuple[str, int, Dict[str, str]]:
        return (
            self._body,
            200,
            {"Request-Id": "req_benchmark", "Content-Type": "application/json"},
        )

    def close(self) -> None:
        pass


def whole_calls(
    fixtures: Dict[str, Any],
) -> Tuple[Callable[[], Any], Callable[[], Any], Callable[[], None]]:
    body = json.dumps(fixtures["card"])
    content = body.encode()

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            content=content,
            headers={"Request-Id": "req_benchmark", "Content-Type": "application/json"},
        )

    ours_client = stripe_client.Client(
        api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(answer))
    )
    theirs_client = stripe.StripeClient(API_KEY, http_client=CannedHTTPClient(body))

    def ours() -> Any:
        return ours_client.customers.sources.create(
            "cus_123",
            card=card_arguments(),
            expand=EXPAND,
            metadata=METADATA,
        )

    def theirs() -> Any:
        return theirs_client.v1.customers.payment_sources.create(
            "cus_123",
            {"card": card_arguments(), "expand": EXPAND, "metadata": METADATA},
        )

    def check() -> None:
        mine, stripes = ours(), theirs()
        assert type(mine).__name__ == "Card" and mine.id == fixtures["card"]["id"], mine
        assert stripes.id == fixtures["card"]["id"], stripes

    return ours, theirs, check


# --- measuring -------------------------------------------------------------------------------


def per_call_us(function: Callable[[], Any], repeat: int) -> float:
    """Best time of one call, in microseconds, over `repeat` rounds of about 0.2 s each."""
    timer = timeit.Timer(function)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number * 1e6


def import_ms(module: str) -> float:
    """Cumulative import time of `module` in a fresh interpreter, in milliseconds."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    )
    lines = [
        line
        for line in result.stderr.splitlines()
        if line.rstrip().endswith(f"| {module}")
    ]
    return int(lines[-1].split("|")[1]) / 1e3


FIRST_CALL = {
    "stripe_client": """
        import time
        started = time.perf_counter()
        import httpx, stripe_client
        body = open(FIXTURE, "rb").read()
        transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
        client = stripe_client.Client(api_key="sk_test_x", http_client=httpx.Client(transport=transport))
        client.customers.sources.create(
            "cus_123", card={"number": "4242424242424242", "exp_month": 8, "exp_year": 2030}
        )
        print(time.perf_counter() - started)
    """,
    "stripe": """
        import time
        started = time.perf_counter()
        import stripe
        body = open(FIXTURE).read()
        class Canned(stripe.HTTPClient):
            name = "canned"
            def request(self, method, url, headers, post_data=None, *, _usage=None):
                return body, 200, {"Request-Id": "req_1"}
            def close(self):
                pass
        client = stripe.StripeClient("sk_test_x", http_client=Canned())
        client.v1.customers.payment_sources.create(
            "cus_123", {"card": {"number": "4242424242424242", "exp_month": 8, "exp_year": 2030}}
        )
        print(time.perf_counter() - started)
    """,
}


def first_call_ms(package: str, fixture_path: Path) -> float:
    """Time from a fresh interpreter's first import to the end of its first call, in ms."""
    code = f"FIXTURE = {str(fixture_path)!r}\n" + textwrap.dedent(FIRST_CALL[package])
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    )
    return float(result.stdout) * 1e3


EVERY_MODEL = {
    "stripe_client": """
        import time
        import stripe_client.models as models
        started = time.perf_counter()
        for name in models.__all__:
            getattr(models, name)
        print(time.perf_counter() - started)
    """,
    "stripe": """
        import time
        import stripe
        started = time.perf_counter()
        for name in stripe._import_map:
            getattr(stripe, name)
        print(time.perf_counter() - started)
    """,
}


def every_model_ms(package: str, all_operations: Path) -> float:
    """Time to read every model name of a fresh interpreter's imported package, in ms."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(EVERY_MODEL[package])],
        capture_output=True,
        text=True,
        env=_env(all_operations),
        check=True,
    )
    return float(result.stdout) * 1e3


def generate_all_operations(folder: Path) -> Path:
    """`codegen generate --all` into `folder`; the folder that then holds `stripe_client`."""
    subprocess.run(
        [sys.executable, "-m", "generator", "generate", "-q", "--all"]
        + ["--output", str(folder), "--config", str(REPO / "pyproject.toml")],
        cwd=REPO,
        check=True,
    )
    return folder


def every_model_row(
    all_operations: Optional[Path], runs: int
) -> Tuple[str, str, str, str]:
    """The row of the all-operations package: the one given, else one generated for it."""
    if all_operations is not None:
        return _every_model_row(all_operations, runs)
    with tempfile.TemporaryDirectory(prefix="runtime_overhead_all_") as folder:
        return _every_model_row(generate_all_operations(Path(folder)), runs)


def _every_model_row(all_operations: Path, runs: int) -> Tuple[str, str, str, str]:
    def measure(package: str) -> float:
        return every_model_ms(package, all_operations)

    # One run of each first, not counted: with bytecode caching on, a package just generated
    # is compiled and its bytecode written then, as the other rows' packages were before.
    measure("stripe_client"), measure("stripe")
    return fresh_process_row(
        "import every model, all-operations package (ms)", measure, runs
    )


def fresh_process_row(
    label: str, measure: Callable[[str], float], runs: int
) -> Tuple[str, str, str, str]:
    """One table row: `measure` of each package, run in turn (A B A B ...), `runs` rounds."""
    mine, stripes = alternate(
        [lambda: measure("stripe_client"), lambda: measure("stripe")], runs
    )
    return (
        label,
        Spread(tuple(mine)).show(0),
        Spread(tuple(stripes)).show(0),
        pair_ratios(mine, stripes).show(2),
    )


def _env(package_root: Path = PACKAGE_ROOT) -> Dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(package_root), env.get("PYTHONPATH")])
    )
    return env


# --- report ----------------------------------------------------------------------------------


def table(rows: List[Tuple[str, str, str, str]]) -> str:
    header = ("", "stripe_client", f"stripe {stripe.VERSION}", "ratio")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    lines = [
        "| "
        + " | ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        )
        + " |"
        for row in [header, *rows]
    ]
    lines.insert(
        1,
        "| "
        + " | ".join(
            "-" * widths[0] if i == 0 else "-" * (widths[i] - 1) + ":" for i in range(4)
        )
        + " |",
    )
    return "\n".join(lines)


def per_call_rows(
    fixtures: Dict[str, Any], repeat: int
) -> List[Tuple[str, str, str, str]]:
    """The µs/call rows: request, parse card, parse account, whole call."""
    # Same pairs; the order differs (the models keep the spec's field order).
    same = sorted(parse_qsl(ours_request())) == sorted(parse_qsl(stripe_request()))
    assert same, "the two encoders disagree on the request body"
    steps: Dict[str, Tuple[Callable[[], Any], Callable[[], Any]]] = {
        "request": (ours_request, stripe_request)
    }
    steps.update(parsers(fixtures))
    ours_call, theirs_call, check = whole_calls(fixtures)
    check()
    steps["whole call"] = (ours_call, theirs_call)

    rows = []
    for name, (ours, theirs) in steps.items():
        mine, stripes = per_call_us(ours, repeat), per_call_us(theirs, repeat)
        rows.append(
            (
                f"{name} (µs/call)",
                f"{mine:.1f}",
                f"{stripes:.1f}",
                f"{mine / stripes:.2f}",
            )
        )
    return rows


def fresh_process_rows(
    fixtures: Dict[str, Any], runs: int
) -> List[Tuple[str, str, str, str]]:
    """The rows of the import and of the first call of a fresh process."""
    card_path = Path(os.environ.get("TMPDIR", "/tmp")) / "runtime_overhead_card.json"
    card_path.write_text(json.dumps(fixtures["card"]))
    try:
        return [
            fresh_process_row("import (ms)", import_ms, runs),
            fresh_process_row(
                "first call, fresh process (ms)",
                lambda package: first_call_ms(package, card_path),
                runs,
            ),
        ]
    finally:
        card_path.unlink()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats (noisier numbers)"
    )
    parser.add_argument(
        "--fixtures",
        type=Path,
        default=DEFAULT_FIXTURES,
        help="Stripe's fixtures3.json",
    )
    parser.add_argument(
        "--generated",
        type=Path,
        default=GENERATED,
        help="folder holding stripe_client (default: generated/)",
    )
    parser.add_argument(
        "--all-operations",
        type=Path,
        default=None,
        help="folder holding an all-operations stripe_client (default: generate one)",
    )
    parser.add_argument(
        "--only-every-model",
        action="store_true",
        help="measure only the row of every model of the all-operations package",
    )
    options = parser.parse_args(argv)
    if not options.fixtures.is_file():
        sys.exit(
            f"fixtures not found: {options.fixtures} (pass --fixtures PATH to fixtures3.json)"
        )
    fixtures = json.loads(options.fixtures.read_text())["resources"]
    repeat, import_runs = (3, 3) if options.quick else (7, 7)

    rows = [] if options.only_every_model else per_call_rows(fixtures, repeat)
    start = conditions()
    if not options.only_every_model:
        rows += fresh_process_rows(fixtures, import_runs)
    rows.append(every_model_row(options.all_operations, import_runs))

    source = Path(stripe_client.__file__).parent.parent
    print(
        f"Python {platform.python_version()}, httpx {httpx.__version__}, "
        f"pydantic {__import__('pydantic').VERSION}; stripe_client from {source}; "
        f"{start['cores']} cores, load average {start['load']} before the fresh processes, "
        f"{conditions()['load']} after; Python bytecode caching {start['bytecode']}.\n"
        "µs/call: best of several rounds. Fresh processes: median (min–max) of "
        f"{import_runs} runs each, stripe_client and stripe in turn; their ratio is the median "
        "(min–max) of the ratios of the runs of each round.\n"
        "ratio = stripe_client / stripe (below 1 is faster)\n"
    )
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A bounded load test of ``codegen gateway`` on loopback, with slow clients mixed in.

Run from the repository root, with the gateway extra installed (``pip install -e '.[gateway]'``,
as ``scripts/setup.sh`` does) and ``generated/`` present as committed: the gateway forwards the
operations listed in its ``reference/routes.json`` (another tree: ``-- --output DIR``)::

    .venv/bin/python benchmarks/gateway_load.py            # 500 clients, 30 s
    .venv/bin/python benchmarks/gateway_load.py --clients 100 --seconds 5   # a quick look

It starts, all on 127.0.0.1 and nothing else: a fake upstream (uvicorn with a tiny ASGI app
in its own process, answering like Stripe with a card object, or with ``size`` bytes when the
query asks), the gateway (``python -m generator gateway``, default limits unless options say
otherwise) and, in this process, the clients on one asyncio loop, speaking HTTP/1.1 through
h11 over keep-alive connections:

- **normal** clients post the form of ``PostCustomersCustomerSources`` as fast as they get
  answers (the latency figures are theirs);
- **slow readers** ask for a 256 KB response and read it 4 KB every 0.1 s (a slow network:
  they must be served, and must not slow the others);
- **slow head writers** send a request head a byte every 0.5 s, and **slow body writers** a
  head and then the body a byte every 0.5 s (slowloris): the gateway must cut them off, with
  408, after ``--header-timeout`` / ``--body-timeout``; they reconnect and do it again.

Bounded: the clients stop after ``--seconds``; whatever is still open is cancelled, and the whole
run is killed after ``--seconds`` + 60 s in any case. At the end it prints a Markdown section:
requests served, errors (any failure of a normal client or slow reader: a status other than
200, a reset, a timeout), latency p50/p99 of the normal clients, the gateway's peak resident
memory (``VmHWM`` of its process) and how the slow writers were cut off.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import h11

ROOT = Path(__file__).resolve().parents[1]
OPERATION = "/v1/customers/cus_load/sources"
FORM = b"card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2030&metadata[order]=1"
CARD = json.dumps(
    {
        "id": "card_1Load",
        "object": "card",
        "brand": "Visa",
        "last4": "4242",
        "exp_month": 12,
        "exp_year": 2030,
        "customer": "cus_load",
        "metadata": {"order": "1"},
    }
).encode()
SLOW_READER_BYTES = 256 * 1024
KEY = "sk_test_load_0000000000000000000000000000000000000000000000000000"


# --- the fake upstream (its own process) -------------------------------------------------------


async def upstream_app(scope: Any, receive: Any, send: Any) -> None:
    """Stripe-like answers: a card, or ``size`` bytes of JSON when the query asks."""
    if scope["type"] != "http":
        return
    more = True
    while more:  # drain the request body
        message = await receive()
        more = message.get("more_body", False)
    found = re.search(rb"(?:^|&)size=(\d+)", scope.get("query_string", b""))
    body = CARD
    if found:
        size = min(int(found.group(1)), 16 * 1024 * 1024)
        body = b'{"data": "' + b"x" * max(size - 12, 0) + b'"}'
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"request-id", b"req_load"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def serve_upstream(port_file: str) -> None:
    import uvicorn

    # IPPROTO_TCP given explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says
    # TCP, and without it every response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    Path(port_file).write_text(str(sock.getsockname()[1]))
    config = uvicorn.Config(
        upstream_app, log_level="warning", access_log=False, lifespan="off"
    )
    uvicorn.Server(config).run(sockets=[sock])


# --- processes --------------------------------------------------------------------------------


@dataclass
class Process:
    popen: "subprocess.Popen[bytes]"
    port: int

    def peak_rss_mb(self) -> float:
        """The process's peak resident set (``VmHWM``), in MB."""
        status = Path(f"/proc/{self.popen.pid}/status").read_text()
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(found.group(1)) / 1024 if found else float("nan")

    def cpu_seconds(self) -> float:
        """User plus system CPU time the process has used so far."""
        fields = (
            Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        )
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.popen.pid}/status").read_text()
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        return int(found.group(1)) / 1024 if found else float("nan")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def start_upstream(workdir: Path) -> Process:
    port_file = workdir / "upstream.port"
    popen = subprocess.Popen(
        [sys.executable, __file__, "--serve-upstream", str(port_file)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "upstream.log", "wb"),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if port_file.exists() and port_file.read_text():
            return Process(popen, int(port_file.read_text()))
        time.sleep(0.05)
    popen.kill()
    raise SystemExit("the fake upstream did not start")


def start_gateway(
    workdir: Path, upstream_port: int, extra: Sequence[str]
) -> tuple[Process, Path]:
    log = workdir / "gateway.log"
    command = [
        sys.executable,
        "-m",
        "generator",
        "gateway",
        "--config",
        str(ROOT / "pyproject.toml"),
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--upstream",
        f"http://127.0.0.1:{upstream_port}",
        *extra,
    ]
    env = {**os.environ, "STRIPE_API_KEY": KEY, "PYTHONUNBUFFERED": "1"}
    popen = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        found = re.search(r"codegen gateway: http://127\.0\.0\.1:(\d+)/", text)
        if found and "Application startup complete" in text:
            return Process(popen, int(found.group(1))), log
        if popen.poll() is not None:
            raise SystemExit(f"the gateway exited:\n{text}")
        time.sleep(0.1)
    popen.kill()
    raise SystemExit("the gateway did not start")


# --- clients -----------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # normal clients, seconds
    served: Counter[str] = field(default_factory=Counter)  # kind -> 200 responses
    errors: Counter[str] = field(default_factory=Counter)  # "kind: what" -> count
    cut: Counter[str] = field(default_factory=Counter)  # "kind: status" -> count
    cut_after: list[float] = field(default_factory=list)  # seconds until cut off
    retries: int = 0  # requests resent after a kept-alive connection closed under them


class Connection:
    """One keep-alive client connection, HTTP/1.1 framing by h11."""

    def __init__(self, port: int, receive_buffer: Optional[int] = None) -> None:
        self.port = port
        self.receive_buffer = receive_buffer
        self.reader: Optional[asyncio.StreamReader] = None
        self.writer: Optional[asyncio.StreamWriter] = None
        self.h11 = h11.Connection(h11.CLIENT)
        self.answered = False  # a response began on the current attempt

    async def open(self) -> None:
        sock = socket.socket()
        sock.setblocking(False)
        if self.receive_buffer:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.receive_buffer)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", self.port))
        self.reader, self.writer = await asyncio.open_connection(sock=sock)
        self.h11 = h11.Connection(h11.CLIENT)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def exchange(
        self,
        target: str,
        body: bytes,
        tally: Tally,
        read_size: int = 65536,
        pause: float = 0.0,
    ) -> tuple[int, int]:
        """Send one POST and read its whole response: (status, body bytes).

        Like browsers, retry once on a new connection when a kept-alive one turns out to be
        closed before any byte of the response (the server may close an idle connection just
        as a request is sent: RFC 9112, section 9.3.1); such retries are counted.
        """
        reused = self.writer is not None
        try:
            return await self._exchange(target, body, read_size, pause)
        except (OSError, ConnectionError, h11.ProtocolError):
            if not reused or self.answered:
                raise
        tally.retries += 1
        self.close()
        return await self._exchange(target, body, read_size, pause)

    async def _exchange(
        self, target: str, body: bytes, read_size: int, pause: float
    ) -> tuple[int, int]:
        self.answered = False
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        request = h11.Request(
            method="POST",
            target=target,
            headers=[
                ("Host", f"127.0.0.1:{self.port}"),
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Content-Length", str(len(body))),
            ],
        )
        self.writer.write(self.h11.send(request) + self.h11.send(h11.Data(data=body)))
        self.writer.write(self.h11.send(h11.EndOfMessage()))
        await self.writer.drain()
        status, size = 0, 0
        while True:
            event = self.h11.next_event()
            if event is h11.NEED_DATA:
                if pause:
                    await asyncio.sleep(pause)
                self.h11.receive_data(await self.reader.read(read_size))
            elif isinstance(event, h11.Response):
                status = event.status_code
                self.answered = True
            elif isinstance(event, h11.Data):
                size += len(event.data)
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.ConnectionClosed):
                raise ConnectionError("closed before the response ended")
        if self.h11.our_state is h11.DONE and self.h11.their_state is h11.DONE:
            self.h11.start_next_cycle()
        else:
            self.close()
        return status, size


async def normal_client(port: int, until: float, tally: Tally) -> None:
    connection = Connection(port)
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            status, _ = await connection.exchange(OPERATION, FORM, tally)
        except (OSError, ConnectionError, h11.ProtocolError) as error:
            tally.errors[f"normal: {type(error).__name__}"] += 1
            connection.close()
            await asyncio.sleep(0.05)
            continue
        if status == 200:
            tally.served["normal"] += 1
            tally.latencies.append(time.monotonic() - started)
        else:
            tally.errors[f"normal: HTTP {status}"] += 1
    connection.close()


async def slow_reader(port: int, until: float, tally: Tally) -> None:
    connection = Connection(port, receive_buffer=8192)
    target = f"{OPERATION}?size={SLOW_READER_BYTES}"
    while time.monotonic() < until:
        try:
            status, size = await connection.exchange(
                target, FORM, tally, read_size=4096, pause=0.1
            )
        except (OSError, ConnectionError, h11.ProtocolError) as error:
            tally.errors[f"slow reader: {type(error).__name__}"] += 1
            connection.close()
            continue
        if status == 200 and size == SLOW_READER_BYTES:
            tally.served["slow reader"] += 1
        else:
            tally.errors[f"slow reader: HTTP {status}, {size} bytes"] += 1
    connection.close()


async def slow_writer(port: int, until: float, tally: Tally, kind: str) -> None:
    """Slowloris: a byte every 0.5 s, of the head or of the body, until cut off."""
    head = (
        f"POST {OPERATION} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
    ).encode()
    if kind == "slow body":
        head += b"Content-Length: 100000\r\n\r\na="
    else:
        head += b"X-Slow: "
    while time.monotonic() < until:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        started = time.monotonic()
        writer.write(head)
        received = b""
        try:
            while time.monotonic() < until:
                try:
                    chunk = await asyncio.wait_for(reader.read(4096), 0.5)
                except asyncio.TimeoutError:
                    writer.write(b"a")
                    await writer.drain()
                    continue
                if not chunk:
                    break
                received += chunk
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()
        if time.monotonic() >= until and not received:
            return  # still going when the run ended: not cut off (yet)
        found = re.match(rb"HTTP/1\.1 (\d{3})", received)
        tally.cut[f"{kind}: {found.group(1).decode() if found else 'closed'}"] += 1
        tally.cut_after.append(time.monotonic() - started)


async def run_clients(port: int, args: argparse.Namespace, tally: Tally) -> None:
    until = time.monotonic() + args.seconds
    readers = args.clients * args.slow_readers_percent // 100
    writers = args.clients * args.slow_writers_percent // 100
    normal = args.clients - readers - writers
    tasks = [normal_client(port, until, tally) for _ in range(normal)]
    tasks += [slow_reader(port, until, tally) for _ in range(readers)]
    tasks += [
        slow_writer(port, until, tally, "slow head" if i % 2 else "slow body")
        for i in range(writers)
    ]
    running = [asyncio.ensure_future(task) for task in tasks]
    done, pending = await asyncio.wait(running, timeout=args.seconds + 15)
    for task in pending:
        task.cancel()
    for task in done:
        if task.exception() is not None:
            tally.errors[f"client crashed: {task.exception()!r}"] += 1


# --- report --------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


def report(
    args: argparse.Namespace,
    tally: Tally,
    wall: float,
    peak_mb: float,
    start_mb: float,
    load: tuple[str, str],
    extra: Sequence[str],
    cpu: float,
) -> str:
    served = sum(tally.served.values())
    errors = sum(tally.errors.values())
    readers = args.clients * args.slow_readers_percent // 100
    writers = args.clients * args.slow_writers_percent // 100
    lines = [
        "## Gateway under load (`benchmarks/gateway_load.py`)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
        f"`.venv/bin/python benchmarks/gateway_load.py"
        + (f" {' '.join(sys.argv[1:])}" if sys.argv[1:] else "")
        + "`; "
        f"Python {platform.python_version()}, {os.cpu_count()} cores shared with other work "
        f"(load average {load[0]} at the start, {load[1]} at the end). Everything on "
        "127.0.0.1: a fake upstream (uvicorn, own process), the gateway (own process, "
        + (f"options `{' '.join(extra)}`" if extra else "default limits")
        + "), the clients (one asyncio process, h11, keep-alive).",
        "",
        f"- clients: {args.clients} at once for {args.seconds:g} s "
        f"({args.clients - readers - writers} normal, {readers} slow readers, "
        f"{writers} slow writers: half slow heads, half slow bodies); wall {wall:.1f} s",
        f"- requests served: **{served}** ({tally.served['normal']} normal, "
        f"{tally.served['slow reader']} slow-reader responses of 256 KB); "
        f"{served / args.seconds:.0f}/s",
        f"- errors: **{errors}**"
        + (
            " (" + ", ".join(f"{k}: {v}" for k, v in sorted(tally.errors.items())) + ")"
            if errors
            else ""
        ),
        f"- retries (a request resent once because its kept-alive connection was closed "
        f"before any response, as browsers do): {tally.retries}",
        f"- latency of the normal clients: p50 **{percentile(tally.latencies, 0.5) * 1000:.0f} ms**, "
        f"p99 **{percentile(tally.latencies, 0.99) * 1000:.0f} ms**, "
        f"max {max(tally.latencies, default=float('nan')) * 1000:.0f} ms",
        f"- gateway CPU: {cpu:.1f} s in {wall:.1f} s ({cpu / wall:.0%} of one core; "
        f"{cpu / max(served, 1) * 1000:.1f} ms a request)",
        f"- gateway peak memory (VmHWM): **{peak_mb:.0f} MB** "
        f"({start_mb:.0f} MB resident before the load)",
        "- slow writers cut off: "
        + (
            ", ".join(f"{k}: {v}" for k, v in sorted(tally.cut.items()))
            + f"; after {statistics.median(tally.cut_after):.1f} s median, "
            f"{max(tally.cut_after):.1f} s max"
            if tally.cut_after
            else "none"
        ),
    ]
    return "\n".join(lines) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--slow-readers-percent", type=int, default=6)
    parser.add_argument("--slow-writers-percent", type=int, default=10)
    parser.add_argument("--serve-upstream", metavar="PORT_FILE", help=argparse.SUPPRESS)
    parser.add_argument(
        "gateway_options",
        nargs="*",
        help="passed to `codegen gateway` after `--`, e.g. -- --header-timeout 5",
    )
    args = parser.parse_args(argv)
    if args.serve_upstream:
        serve_upstream(args.serve_upstream)
        return 0
    if not 1 <= args.clients <= 2000 or not 0 < args.seconds <= 300:
        parser.error(
            "--clients must be 1-2000 and --seconds 0-300 (the run is bounded)"
        )
    signal.alarm(int(args.seconds) + 180)  # whatever happens, this process ends
    with tempfile.TemporaryDirectory(prefix="gateway-load-") as tmp:
        workdir = Path(tmp)
        upstream = start_upstream(workdir)
        gateway: Optional[Process] = None
        try:
            gateway, log = start_gateway(workdir, upstream.port, args.gateway_options)
            start_mb = gateway.rss_mb()
            start_cpu = gateway.cpu_seconds()
            load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
            tally = Tally()
            started = time.monotonic()
            asyncio.run(run_clients(gateway.port, args, tally))
            wall = time.monotonic() - started
            peak_mb = gateway.peak_rss_mb()
            cpu = gateway.cpu_seconds() - start_cpu
            load_end = " ".join(f"{x:.2f}" for x in os.getloadavg())
            if "Traceback" in log.read_text(errors="replace"):
                tally.errors["traceback in the gateway log"] += 1
        finally:
            if gateway is not None:
                gateway.stop()
            upstream.stop()
    print(
        report(
            args,
            tally,
            wall,
            peak_mb,
            start_mb,
            (load_start, load_end),
            args.gateway_options,
            cpu,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Start the gateway: check what it was given, listen, run uvicorn until interrupted."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Optional

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from ..errors import CodegenError
from .app import create_app
from .config import KEY_VARIABLE, GatewayConfig, Limits, check_upstream
from .origins import normalize_origin
from .protocol import protocol_class
from .redact import RedactFilter
from .routes import ROUTES_FILE, load_routes


def log_config(secrets: Sequence[str]) -> dict[str, Any]:
    """uvicorn's logging, every handler behind the redacting filter, plus our logger."""
    return {
        **LOGGING_CONFIG,
        "filters": {"redact": {"()": RedactFilter, "secrets": tuple(secrets)}},
        "handlers": {
            name: {**handler, "filters": ["redact"]}
            for name, handler in LOGGING_CONFIG["handlers"].items()
        },
        "loggers": {
            **LOGGING_CONFIG["loggers"],
            "codegen.gateway": {
                "handlers": ["default"],
                "level": "INFO",
                "propagate": False,
            },
        },
    }


def listen(host: str, port: int, backlog: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto is TCP, and
    # without it each response's body waits ~40 ms behind its head (Nagle + delayed ACK).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise CodegenError(
            f"cannot listen on {host}:{port}: {error.strerror}",
            hint="choose another --port (0 picks a free one)",
        ) from error
    sock.listen(max(128, min(backlog, 4096)))
    sock.set_inheritable(True)
    return sock


def serve(
    *,
    pages: Path,
    host: str,
    port: int,
    upstream: str,
    allow_origins: Sequence[str],
    max_body_bytes: int,
    limits: Optional[Limits] = None,
    environ: Optional[Mapping[str, str]] = None,
) -> None:
    """Run the gateway until interrupted. Port 0 picks a free port (printed at start).

    The routes are those of ``pages/routes.json``, the tree being served.
    """
    env = os.environ if environ is None else environ
    api_key = env.get(KEY_VARIABLE, "").strip()
    if not api_key:
        raise CodegenError(
            f"{KEY_VARIABLE} is not set",
            hint=f"export {KEY_VARIABLE}=sk_test_... in the gateway's environment; "
            "the pages never handle the key",
        )
    if not (pages / "index.html").is_file():
        raise CodegenError(
            f"no reference pages in {pages}",
            hint="run `codegen generate` first (or pass the --output it used)",
        )
    routes = load_routes(pages)
    if max_body_bytes < 1:
        raise CodegenError("--max-body-bytes must be at least 1", hint="e.g. 1048576")
    limits = limits or Limits()
    limits.check()
    fixed_upstream = check_upstream(upstream)
    origins = tuple(dict.fromkeys(normalize_origin(o) for o in allow_origins))
    sock = listen(host, port, limits.max_connections)
    config = GatewayConfig(
        routes=routes,
        upstream=fixed_upstream,
        api_key=api_key,
        pages=pages.resolve(),
        host=host,
        port=sock.getsockname()[1],
        allow_origins=origins,
        max_body_bytes=max_body_bytes,
        limits=limits,
    )
    shown = f"[{host}]" if ":" in host else host
    print(
        f"codegen gateway: http://{shown}:{config.port}/reference/ "
        f"({len(routes)} operation(s) from {ROUTES_FILE} forwarded to {fixed_upstream}; "
        f"key from {KEY_VARIABLE}; origins: {', '.join(sorted(config.origins))})",
        flush=True,
    )
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config),
            log_config=log_config((api_key,)),
            server_header=False,
            date_header=True,
            proxy_headers=False,
            forwarded_allow_ips="",
            timeout_graceful_shutdown=5,
            http=protocol_class(limits),
            # h11 buffers an incomplete head up to this size (then 400); a complete head
            # that arrived in one read is measured by the guard (431).
            h11_max_incomplete_event_size=limits.max_header_bytes,
            limit_concurrency=limits.max_connections,
        )
    )
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    sys.stdout.flush()

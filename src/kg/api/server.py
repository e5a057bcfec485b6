"""Run the app under uvicorn; ``kg serve`` calls ``serve`` after making sure the store is built."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI

from kg.api.main import build_routes, create_app
from kg.settings import Settings


def make_server(
    app: FastAPI, host: str = "127.0.0.1", port: int = 8000, **options: Any
) -> uvicorn.Server:
    """A uvicorn server for ``app``; ``options`` go to ``uvicorn.Config`` (tests quieten logs).

    The lifespan is required ("on") so that a store that cannot be opened stops the server
    with its message instead of failing every request; there are no websocket routes. The
    routes are built before the first request (``kg.api.main.build_routes``).
    """
    build_routes(app)
    config = uvicorn.Config(app, host=host, port=port, lifespan="on", ws="none", **options)
    return uvicorn.Server(config)


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn in a background thread on a free port of 127.0.0.1, quietly,
    until the block ends; yields the base URL (tests and benchmarks talk to it over real HTTP).

    The socket is made here with IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on
    sockets that say they are TCP, and without it every response waits out a 40 ms delayed ACK.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = make_server(app, port=port, log_config=None, log_level="warning", access_log=False)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the store named by ``settings`` until interrupted (Ctrl-C)."""
    make_server(create_app(settings), host, port).run()

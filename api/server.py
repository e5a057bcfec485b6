"""Run the app under uvicorn; ``kg serve`` calls ``serve`` after making sure the store is built."""

from __future__ import annotations

from typing import Any

import uvicorn
from fastapi import FastAPI

from api.main import create_app
from kg.settings import Settings


def make_server(
    app: FastAPI, host: str = "127.0.0.1", port: int = 8000, **options: Any
) -> uvicorn.Server:
    """A uvicorn server for ``app``; ``options`` go to ``uvicorn.Config`` (tests quieten logs).

    The lifespan is required ("on") so that a store that cannot be opened stops the server
    with its message instead of failing every request; there are no websocket routes.
    """
    config = uvicorn.Config(app, host=host, port=port, lifespan="on", ws="none", **options)
    return uvicorn.Server(config)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the store named by ``settings`` until interrupted (Ctrl-C)."""
    make_server(create_app(settings), host, port).run()

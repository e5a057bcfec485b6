"""The SPARQL servers the tests start (tests/conftest.py), as the sparql: store sees them."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

from kg.stores.base import Store
from kg.stores.oxigraph import OxigraphStore
from kg.stores.sparql import SparqlStore


@dataclass(frozen=True)
class Server:
    """A SPARQL server's endpoints as the sparql: store is configured with them. Test
    instances take anonymous updates (never so in production: docs/virtuoso.md)."""

    query: str
    update: str
    gsp: str

    def store(self, *, graph_prefix: str | None = None, gsp: bool = False) -> SparqlStore:
        """A writable sparql: store on this server (through the Graph Store Protocol if
        ``gsp``, else SPARQL Update), seeing the graphs under ``graph_prefix`` (default: ours)."""
        extra = {} if graph_prefix is None else {"graph_prefix": graph_prefix}
        return SparqlStore(self.query, self.update, gsp_endpoint=self.gsp if gsp else None, **extra)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def load_built(store: Store, built: Path) -> None:
    """Every graph of the built on-disk store ``built`` into ``store`` (a SPARQL server's)."""
    source = OxigraphStore(built, read_only=True)
    try:
        for graph in source.graphs():
            store.replace_graph(graph, source.dump("ntriples", graph))
    finally:
        source.close()

"""A tiny in-memory dataset and the app over it, for protocol behaviour without a full build."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from kg.settings import Settings
from kg.stores.base import QueryResult
from kg.stores.oxigraph import OxigraphStore

EX = "https://example.org/"
G1 = EX + "graph/one"
G2 = EX + "graph/two"
JAPAN, UNODC, FUNDING = EX + "japan", EX + "unodc", EX + "funding-1"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
FUNDER = "https://schema.org/funder"
RECIPIENT = "https://w3id.org/coop-kg/ontology#recipient"


def _quads() -> list[ox.Quad]:
    def quad(s: str, p: str, o: ox.NamedNode | ox.Literal, g: str) -> ox.Quad:
        return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, ox.NamedNode(g))

    return [
        quad(FUNDING, FUNDER, ox.NamedNode(JAPAN), G1),
        quad(FUNDING, RECIPIENT, ox.NamedNode(UNODC), G1),
        quad(JAPAN, LABEL, ox.Literal("Japan", language="en"), G1),
        quad(UNODC, LABEL, ox.Literal("UNODC", language="en"), G2),
        quad(UNODC, COMMENT, ox.Literal('says "hi"\tand\nbreaks'), G2),
    ]


@dataclass
class SpyStore:
    """The tiny store, recording every query so tests can prove what reached the engine."""

    inner: OxigraphStore
    calls: list[dict[str, Any]] = field(default_factory=list)
    gate: threading.Event | None = None

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        self.calls.append(
            {"sparql": sparql, "default_graphs": default_graphs, "named_graphs": named_graphs}
        )
        if self.gate is not None:  # a stuck engine, released by the test
            self.gate.wait(timeout=10)
        return self.inner.query(sparql, default_graphs=default_graphs, named_graphs=named_graphs)

    def graphs(self) -> list[str]:
        return self.inner.graphs()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture(scope="session")
def tiny_store() -> Iterator[OxigraphStore]:
    store = OxigraphStore()
    store.load_nquads(_quads())
    yield store
    store.close()


@pytest.fixture
def spy(tiny_store: OxigraphStore) -> SpyStore:
    return SpyStore(tiny_store)


class Tiny:
    """The IRIs of the tiny dataset, for assertions."""

    G1, G2 = G1, G2
    JAPAN, UNODC, FUNDING = JAPAN, UNODC, FUNDING
    LABEL, COMMENT, FUNDER, RECIPIENT = LABEL, COMMENT, FUNDER, RECIPIENT
    TRIPLES = len(_quads())


@pytest.fixture(scope="session")
def tiny() -> type[Tiny]:
    return Tiny


AppFactory = Callable[..., FastAPI]


@pytest.fixture(scope="session")
def make_app() -> AppFactory:
    """``make_app(store, **settings)``: the app over ``store`` with test settings."""

    def factory(store: Any, **settings: Any) -> FastAPI:
        return create_app(Settings(store="oxigraph:memory", **settings), store=store)

    return factory


@pytest.fixture
def client(spy: SpyStore, make_app: AppFactory) -> Iterator[TestClient]:
    with TestClient(make_app(spy)) as opened:
        yield opened

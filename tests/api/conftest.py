"""A tiny in-memory dataset and the app over it, for protocol behaviour without a full build."""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from _kept_open import KeptOpen
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rdflib import Dataset

from kg.api.main import create_app
from kg.derive import derive
from kg.settings import Settings
from kg.stores.base import QueryResult, Store, Term
from kg.stores.oxigraph import OxigraphStore
from kg.stores.sparql import SparqlStore

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
    #: Queries are recorded in this process, so the API must run them in threads here, not
    #: in worker processes holding a copy of the data (``Store.in_process``).
    in_process = False

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Term] | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        self.calls.append(
            {"sparql": sparql, "default_graphs": default_graphs, "named_graphs": named_graphs}
        )
        if self.gate is not None:  # a stuck engine, released by the test
            self.gate.wait(timeout=10)
        return self.inner.query(
            sparql, default_graphs=default_graphs, named_graphs=named_graphs, bindings=bindings
        )

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


# --- linked data over the shipped data ------------------------------------------------------
# (the app itself is ``api_client``, below)

RdfParser = Callable[[bytes, str], Dataset]


@pytest.fixture(scope="session")
def parse_rdf() -> RdfParser:
    """``parse_rdf(body, format_name)``: an RDF response as an rdflib Dataset (the triples of
    a triple format land in its default graph), for counting and checking triples."""
    from kg.export import get_format

    def parse(body: bytes, name: str) -> Dataset:
        # rdflib 7.6's JSON-LD and dataset parsers go through its own deprecated
        # ConjunctiveGraph and default_context; that is rdflib talking to itself.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset = Dataset()
            dataset.parse(data=body, format=get_format(name).rdflib_name)
        return dataset

    return parse


# --- the REST API ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def api_client(
    store: OxigraphStore, backend: str, settings: Settings, kept_open: KeptOpen
) -> TestClient:
    """The app over the session build of the shipped data, served by each backend in turn:
    /api, /id, /ontology, /export, pages; each started once per session (``KeptOpen``). Under
    a deadline of minutes, not the default 10 s: the rdflib reference engine answers some REST
    routes in seconds on a busy machine, and these suites check answers; the deadline has its
    own tests (test_deadline.py)."""
    lenient = settings.model_copy(update={"query_timeout": 300.0})
    return kept_open.get(
        ("api_client", backend), lambda: TestClient(create_app(lenient, store=store))
    )


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def money_client(money_store: OxigraphStore, make_app: AppFactory) -> Iterator[TestClient]:
    with TestClient(make_app(money_store)) as opened:
        yield opened


# --- imported IATI data beside the shipped data ----------------------------------------------

IATI_FIXTURE = ROOT / "tests" / "data" / "iati" / "imported-fixture.trig"


def load_iati_fixture(store: OxigraphStore, path: Path = IATI_FIXTURE) -> None:
    """Add the hand-written import fixture (what docs/iati.md says `kg import iati` writes) to
    ``store`` and rewrite the derived closures, as an import does."""
    store.load_nquads(ox.parse(path=path, format=ox.RdfFormat.TRIG))
    derive(store)


#: The stores the IATI tests run on: the hand-written fixture on pyoxigraph and on Virtuoso, and
#: the same files through the real importer (the whole Netherlands sample, whose 13th activity
#: the fixture copies, and fixture-activities.xml) with the fixture's curated deliveries. rdflib
#: is left out: its evaluation of fundings.rq alone takes seconds per request (the shared suite
#: covers it over the shipped data).
IATI_STORES = ["oxigraph", "virtuoso", "imported"]
IATI_DELIVERIES = "https://w3id.org/coop-kg/graph/fixture-deliveries"


@pytest.fixture(scope="session", params=IATI_STORES)
def iati_store(
    built: Any,
    kept_open: KeptOpen,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Store:
    """The session build of the shipped data with the IATI import fixture added, in memory, or
    copied into a Virtuoso of its own (the shared one serves the shipped data alone), or
    imported by `kg import iati`'s own code; each made once per session (``KeptOpen``)."""
    kind = str(request.param)

    @contextlib.contextmanager
    def open_() -> Iterator[Store]:
        if kind == "imported":
            folder = tmp_path_factory.mktemp("iati-imported")
            with contextlib.closing(_import_fixture_files(built.store, folder)) as imported:
                yield imported
            return
        store = OxigraphStore.in_memory_copy(built.store)
        store.read_only = False
        load_iati_fixture(store)
        if kind == "oxigraph":
            with contextlib.closing(store):
                yield store
            return
        start = request.getfixturevalue("start_virtuoso")
        with start(tmp_path_factory.mktemp("virtuoso-iati")) as base:
            served = SparqlStore(base + "/sparql", base + "/sparql")
            for graph in store.graphs():
                served.replace_graph(graph, store.dump("ntriples", graph))
            store.close()
            with contextlib.closing(served):
                yield served

    return kept_open.get(("iati_store", kind), open_)


def _import_fixture_files(build: Path, folder: Path) -> OxigraphStore:
    """The fixture's IATI files through the importer into a copy of ``build`` on disk (an
    import stages its graph there), then its curated deliveries graph; served from memory."""
    from kg.iati_import import default_iati_graph, import_iati

    source = OxigraphStore(build, read_only=True)
    store = OxigraphStore(folder / "store")
    store.native.bulk_extend(source.native)
    source.close()
    data = ROOT / "tests" / "data" / "iati"
    for path in (data / "netherlands-mfa-2.03.xml", data / "fixture-activities.xml"):
        import_iati(
            store,
            path,
            graph=default_iati_graph(path),
            imports_dir=folder / "imports",
            data_dir=ROOT / "data",
            max_bytes=10**8,
        )
    store.load_nquads(
        q
        for q in ox.parse(path=IATI_FIXTURE, format=ox.RdfFormat.TRIG)
        if q.graph_name == ox.NamedNode(IATI_DELIVERIES)
    )
    derive(store)
    store.close()
    return OxigraphStore.in_memory_copy(folder / "store")


@pytest.fixture(scope="session")
def iati_client(iati_store: Store, make_app: AppFactory, kept_open: KeptOpen) -> TestClient:
    """The app over each ``iati_store``, started once per session (``KeptOpen``)."""
    key = ("iati_client", str(id(iati_store)))  # each store is kept for the session too
    return kept_open.get(key, lambda: TestClient(make_app(iati_store)))


@pytest.fixture
def copy_store(built_in_memory: OxigraphStore) -> Iterator[OxigraphStore]:
    """A private, writable in-memory copy of the session build (for write tests)."""
    copy = OxigraphStore()
    copy.native.bulk_extend(built_in_memory.native)
    yield copy

"""Query limits at /sparql: a runaway query is cut at the deadline (and its worker replaced)
while light requests keep being answered, in process and over HTTP, on every backend; the
byte cap; the per-client query-time budget."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.requests import Request

from kg.api.main import create_app
from kg.api.problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE
from kg.api.ratelimit import QueryBudget, client_of, trusted_networks
from kg.api.server import serving
from kg.settings import Settings
from kg.stores.base import Store
from kg.stores.memory import MemoryStore
from kg.stores.oxigraph import OxigraphStore

DEADLINE = 1.0
#: Cut within a second: one worker runs the serial tests in turn (tests/conftest.py), never two at once.
pytestmark = pytest.mark.serial
P = "http://example.org/p"
GRAPH = "http://example.org/chain"
#: Every pair of nodes of the chain, both ways: quadratic in its length (pyoxigraph, 5,000
#: nodes: about a minute; rdflib, 600: about 30 s, and a longer chain exceeds its recursion
#: limit instead).
PATH_QUERY = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a (<{P}>|^<{P}>)* ?b }}"
#: A cartesian product of all triples three times over.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"
CHAIN = {"oxigraph": 5_000, "memory": 600}
#: Light requests sent while a runaway query runs: the health check and a small REST answer
#: (one page of a collection: 0.2 s on rdflib with the shipped data, a safe margin under the
#: 1 s REST deadline these apps run with even on a busy machine; a search took 0.6-1.5 s there
#: and was cut by that deadline under load).
LIGHT = ("/health", "/api/actors?limit=5")

Get = Callable[[str], Any]


def chain_quads(length: int) -> list[ox.Quad]:
    node = [ox.NamedNode(f"http://example.org/node/{i}") for i in range(length + 1)]
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    graph, p = ox.NamedNode(GRAPH), ox.NamedNode(P)
    return [ox.Quad(node[i], p, node[i + 1], graph) for i in range(length)] + [
        ox.Quad(node[0], label, ox.Literal("node zero", language="en"), graph)
    ]


def chain_store(kind: str, length: int | None = None) -> Store:
    quads = chain_quads(CHAIN[kind] if length is None else length)
    if kind == "oxigraph":
        store = OxigraphStore()
        store.load_nquads(quads)
        return store
    memory = MemoryStore()
    memory.load_nquads(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    return memory


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def chain(request: pytest.FixtureRequest) -> Iterator[Store]:
    store = chain_store(request.param)
    yield store
    store.close()


def app_over(store: Store, **settings: Any) -> FastAPI:
    return create_app(Settings(store="oxigraph:memory", **settings), store=store)


@dataclass
class Light:
    """A light request answered while the runaway query ran: path, status, when it started
    and ended (time.monotonic)."""

    path: str
    status: int
    started: float
    ended: float


@dataclass
class Cut:
    """The runaway query's response, how long it took, when it came (time.monotonic), and
    the light requests sent meanwhile."""

    response: Any
    elapsed: float
    answered: float
    light: list[Light]


def cut_while_light_requests_run(get: Get, query: str) -> Cut:
    """Send ``query`` while two threads keep sending light requests until it is answered."""
    done = threading.Event()
    light: list[Light] = []

    def keep_asking(path: str) -> None:
        while not done.is_set():
            started = time.monotonic()
            status = get(path).status_code
            light.append(Light(path, status, started, time.monotonic()))

    threads = [threading.Thread(target=keep_asking, args=(path,)) for path in LIGHT]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    try:
        response = get(f"/sparql?{httpx.QueryParams({'query': query})}")
        answered = time.monotonic()
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=60)
    sent = [r for r in light if r.started < answered]
    return Cut(response, answered - started, answered, sent)


def assert_cut(cut: Cut, deadline: float = DEADLINE) -> None:
    response = cut.response
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.json()["type"] == PROBLEM_BASE + "query-timeout"
    assert cut.elapsed < deadline + 1, f"answered after {cut.elapsed:.2f} s"
    # Every light request sent while the runaway ran succeeded, and some were answered
    # before it was cut (on rdflib the REST answer itself can take about as long as the deadline).
    assert {r.path for r in cut.light} == set(LIGHT), cut.light
    assert all(r.status == 200 for r in cut.light), [(r.path, r.status) for r in cut.light]
    assert any(r.ended < cut.answered for r in cut.light), cut.light


def wait_until_ready(get: Get) -> None:
    """Setup, not under test: the first worker starts in the background with the app (the
    forkserver's imports, once per test session, take longer than the short test deadline)."""
    for _ in range(60):
        if get("/sparql?query=ASK%20%7B%7D").status_code == 200:
            return
    pytest.fail("the query worker did not start")


def assert_worker_replaced(get: Get) -> None:
    """With one worker, a query after the cut is answered only if the killed worker was
    replaced (the replacement may still be starting on a busy machine: then 503, retried)."""
    for _ in range(10):
        response = get("/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D")
        if response.status_code != 503:
            break
    assert response.status_code == 200, response.text
    assert response.json()["boolean"] is True


# --- in process -----------------------------------------------------------------------------


@pytest.mark.parametrize("query", [PATH_QUERY, CARTESIAN], ids=["path", "cartesian"])
def test_runaway_is_cut_in_process(chain: Store, query: str) -> None:
    with TestClient(app_over(chain, query_timeout=DEADLINE)) as client:
        wait_until_ready(client.get)
        assert_cut(cut_while_light_requests_run(client.get, query))
        assert_worker_replaced(client.get)


#: The deadline over the shipped data: REST answers share it, and rdflib's page of actors (0.2 s
#: on an idle machine) took over 1 s at load 5-7 and was cut with the runaway query.
SHIPPED_DEADLINE = 3.0


def test_runaway_is_cut_on_every_backend(store: Store, settings: Settings) -> None:
    """The shipped data on oxigraph, rdflib and Virtuoso (which is told the deadline)."""
    update = {"query_timeout": SHIPPED_DEADLINE}
    app = create_app(settings.model_copy(update=update), store=store)
    with TestClient(app) as client:
        wait_until_ready(client.get)
        assert_cut(cut_while_light_requests_run(client.get, CARTESIAN), SHIPPED_DEADLINE)
        assert_worker_replaced(client.get)


def test_queued_queries_are_answered_by_the_deadline(chain: Store) -> None:
    """One worker, three runaway queries at once: each is answered 503 in time, whether it
    ran or waited for the worker all along."""
    with TestClient(app_over(chain, query_timeout=DEADLINE)) as client:
        wait_until_ready(client.get)
        answers: list[tuple[int, str, float]] = []

        def ask() -> None:
            started = time.monotonic()
            response = client.get("/sparql", params={"query": CARTESIAN})
            answers.append(
                (response.status_code, response.json()["type"], time.monotonic() - started)
            )

        threads = [threading.Thread(target=ask) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert len(answers) == 3
        for status, kind, elapsed in answers:
            assert status == 503
            assert kind in {PROBLEM_BASE + "query-timeout", PROBLEM_BASE + "query-workers-busy"}
            assert elapsed < DEADLINE + 1, f"answered after {elapsed:.2f} s"
        assert_worker_replaced(client.get)


def test_store_served_from_disk(tmp_path: Path) -> None:
    """KG_SERVE_FROM_MEMORY=false: the worker opens the store directory read-only beside the
    server, and reopens it after a write."""
    path = tmp_path / "store"
    built = OxigraphStore(path)
    built.load_nquads(chain_quads(CHAIN["oxigraph"]))
    built.close()
    settings = Settings(store=str(path), serve_from_memory=False, query_timeout=DEADLINE)
    with TestClient(create_app(settings)) as client:
        wait_until_ready(client.get)
        assert_cut(cut_while_light_requests_run(client.get, PATH_QUERY))
        assert_worker_replaced(client.get)


@pytest.mark.parametrize("kind", ["oxigraph", "memory"])
def test_workers_see_writes_after_data_changed(kind: str) -> None:
    store = chain_store(kind, length=3)
    ask = {"query": "ASK { <http://example.org/new> ?p ?o }"}
    with TestClient(app_over(store)) as client:
        assert client.get("/sparql", params=ask).json()["boolean"] is False
        store.replace_graph(
            "http://example.org/new-graph",
            b"<http://example.org/new> <http://example.org/p> <http://example.org/x> .\n",
        )
        client.app.state.data_changed()  # type: ignore[attr-defined]
        assert client.get("/sparql", params=ask).json()["boolean"] is True
    store.close()


# --- over HTTP ------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [PATH_QUERY, CARTESIAN], ids=["path", "cartesian"])
def test_runaway_is_cut_over_http(chain: Store, query: str) -> None:
    clients: list[httpx.Client] = []
    local = threading.local()
    with serving(app_over(chain, query_timeout=DEADLINE)) as base:

        def get(path: str) -> httpx.Response:
            if not hasattr(local, "client"):  # one connection per thread, as browsers do
                local.client = httpx.Client(base_url=base, timeout=30)
                clients.append(local.client)
            return local.client.get(path)  # type: ignore[no-any-return]

        try:
            wait_until_ready(get)
            assert_cut(cut_while_light_requests_run(get, query))
            assert_worker_replaced(get)
        finally:
            for client in clients:
                client.close()


# --- the byte cap ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "format"),
    [
        ("SELECT ?s ?o WHERE { ?s ?p ?o } LIMIT 1000", "json"),
        ("SELECT ?s ?o WHERE { ?s ?p ?o } LIMIT 1000", "csv"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1000", "ntriples"),
    ],
)
def test_byte_cap_cuts_whole_rows_and_says_so(chain: Store, query: str, format: str) -> None:
    cap = 5_000
    with TestClient(app_over(chain, max_result_bytes=cap)) as client:
        response = client.get("/sparql", params={"query": query, "format": format})
        assert response.status_code == 200, response.text
        assert response.headers["X-Result-Truncated"] == "true"
        assert response.headers["X-Result-Byte-Limit"] == str(cap)
        assert "X-Result-Limit" not in response.headers  # the row cap did not cut it
        assert len(response.content) <= cap
        text = response.text
        if format == "json":
            rows = len(json.loads(text)["results"]["bindings"])
        elif format == "csv":
            rows = len(text.splitlines()) - 1
        else:
            rows = len(list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)))
        assert 0 < rows < 1000


def test_results_under_the_byte_cap_are_whole(chain: Store) -> None:
    with TestClient(app_over(chain, max_result_bytes=5_000)) as client:
        response = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"})
        assert response.status_code == 200
        assert "X-Result-Truncated" not in response.headers
        assert len(response.json()["results"]["bindings"]) == 3


def test_openapi_documents_the_limits(chain: Store) -> None:
    with TestClient(app_over(chain)) as client:
        operation = client.get("/openapi.json").json()["paths"]["/sparql"]["get"]
        for words in ("KG_MAX_RESULT_BYTES", "X-Result-Byte-Limit", "KG_CLIENT_QUERY_SECONDS"):
            assert words in operation["description"]
        assert "application/problem+json" in operation["responses"]["429"]["content"]


# --- the per-client budget ------------------------------------------------------------------


def test_a_client_over_its_budget_gets_429(chain: Store) -> None:
    app = app_over(chain, query_timeout=0.6, client_query_seconds=0.5)
    with TestClient(app) as client:
        wait_until_ready(client.get)
        cut = client.get("/sparql", params={"query": CARTESIAN})
        assert cut.status_code == 503  # cost the whole 0.6 s deadline: over the 0.5 s budget
        refused = client.get("/sparql", params={"query": "ASK {}"})
        assert refused.status_code == 429, refused.text
        assert refused.headers["content-type"] == PROBLEM_MEDIA_TYPE
        assert refused.json()["type"] == PROBLEM_BASE + "query-budget-exceeded"
        assert int(refused.headers["Retry-After"]) >= 1  # the value: test_budget_drains_...
        assert client.get("/health").status_code == 200  # only /sparql is budgeted


def test_budget_drains_over_the_minute() -> None:
    now = [0.0]
    budget = QueryBudget(6.0, clock=lambda: now[0])  # 6 s per minute: drains 0.1 s per s
    assert budget.retry_after("a") is None
    budget.charge("a", 8.0)
    assert budget.retry_after("a") == 20  # 2 s over, at 0.1 s per second
    assert budget.retry_after("b") is None  # clients are separate
    now[0] = 19.0
    assert budget.retry_after("a") == 1
    now[0] = 20.5
    assert budget.retry_after("a") is None


def test_no_budget_means_no_limit() -> None:
    budget = QueryBudget(0.0)
    budget.charge("a", 1e9)
    assert budget.retry_after("a") is None


def request_from(peer: str, forwarded: list[str]) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return Request({"type": "http", "client": (peer, 50000), "headers": headers})


def test_forwarded_for_counts_only_from_a_trusted_proxy() -> None:
    proxies = trusted_networks(["10.0.0.0/8", "::1"])
    spoofed = request_from("203.0.113.9", ["198.51.100.1"])
    assert client_of(spoofed, proxies) == "203.0.113.9"
    assert client_of(spoofed, ()) == "203.0.113.9"
    # The client may send its own X-Forwarded-For; the proxy appends the address it saw.
    proxied = request_from("10.1.2.3", ["198.51.100.1, 192.0.2.7", "10.9.9.9"])
    assert client_of(proxied, proxies) == "192.0.2.7"
    assert client_of(request_from("::1", []), proxies) == "::1"


def test_trusted_proxies_must_be_addresses() -> None:
    from kg.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="KG_TRUSTED_PROXIES"):
        create_app(Settings(store="oxigraph:memory", trusted_proxies=["proxy.example"]))

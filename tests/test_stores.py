"""Query parameters (``Store.query(bindings=)``): how they are written into the query, and that
a value from a user can only ever be one RDF term."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg.build import BuildResult
from kg.errors import QueryError, StoreError
from kg.sparql_guard import where_body
from kg.stores.base import SelectResult, sparql_term, with_values
from kg.stores.oxigraph import OxigraphStore

EX = "https://example.org/"


@pytest.fixture(scope="module")
def store() -> Iterator[OxigraphStore]:
    opened = OxigraphStore()
    graph = ox.NamedNode(EX + "g")
    opened.load_nquads(
        [
            ox.Quad(
                ox.NamedNode(EX + "a"), ox.NamedNode(EX + "name"), ox.Literal('say "hi"\n'), graph
            ),
            ox.Quad(ox.NamedNode(EX + "b"), ox.NamedNode(EX + "name"), ox.Literal("b"), graph),
            ox.Quad(
                ox.NamedNode(EX + "b"),
                ox.NamedNode(EX + "size"),
                ox.Literal("3", datatype=ox.NamedNode(str(XSD.integer))),
                graph,
            ),
        ]
    )
    yield opened
    opened.close()


def names(result: object) -> set[str]:
    assert isinstance(result, SelectResult)
    return {str(row[0]) for row in result.rows}


@pytest.mark.parametrize(
    ("term", "text"),
    [
        (URIRef(EX + "a"), f"<{EX}a>"),
        (Literal("plain"), '"plain"'),
        (Literal('a "quoted"\\ line\nand\r'), '"a \\"quoted\\"\\\\ line\\nand\\r"'),
        (Literal("chat", lang="fr"), '"chat"@fr'),
        (Literal(2017), f'"2017"^^<{XSD.integer}>'),
        (Literal(Decimal("1.5")), f'"1.5"^^<{XSD.decimal}>'),
    ],
)
def test_sparql_term(term: URIRef | Literal, text: str) -> None:
    assert sparql_term(term) == text


@pytest.mark.parametrize(
    "term",
    [URIRef(EX + "a> } ; DROP ALL #"), URIRef(EX + "a b"), BNode("x")],
)
def test_sparql_term_refuses_what_is_not_one_term(term: URIRef | BNode) -> None:
    with pytest.raises(QueryError):
        sparql_term(term)


def test_values_go_to_the_top_of_the_where_clause() -> None:
    query = (
        "# a WHERE { in a comment\n"
        "PREFIX ex: <https://example.org/{WHERE}#>\n"
        'SELECT ?s WHERE { ?s ex:name "WHERE {" . { SELECT ?s WHERE { ?s ?p ?o } } }'
    )
    at = where_body(query)
    assert query[:at].endswith("SELECT ?s WHERE {")
    rewritten = with_values(query, {"s": URIRef(EX + "a"), "o": Literal("x")})
    assert f'SELECT ?s WHERE {{ VALUES (?s ?o) {{ (<{EX}a> "x") }}\n ?s ex:name' in rewritten
    with pytest.raises(QueryError, match="WHERE"):
        where_body("SELECT * { ?s ?p ?o }")


def test_bindings_filter_and_unbound_means_no_filter(store: OxigraphStore) -> None:
    query = f"SELECT ?s WHERE {{ ?s <{EX}name> ?n FILTER (!BOUND(?want) || ?n = ?want) }}"
    assert names(store.query(query)) == {EX + "a", EX + "b"}
    assert names(store.query(query, bindings={"want": Literal("b")})) == {EX + "b"}
    assert names(store.query(query, bindings={"want": Literal('say "hi"\n')})) == {EX + "a"}


def test_a_hostile_value_stays_one_literal(store: OxigraphStore) -> None:
    query = f"SELECT ?s WHERE {{ ?s <{EX}name> ?want }}"
    hostile = Literal('b") } UNION { ?s ?p ?o } #')
    assert names(store.query(query, bindings={"want": hostile})) == set()
    with pytest.raises(QueryError):
        store.query(query, bindings={"want ) { (": Literal("b")})


def test_in_memory_copy_serves_the_same_data_without_holding_the_directory(
    built: BuildResult,
) -> None:
    assert built.store is not None
    on_disk = OxigraphStore(built.store, read_only=True)
    copy = OxigraphStore.in_memory_copy(built.store)
    try:
        assert copy.count() == on_disk.count() > 0
        assert copy.graphs() == on_disk.graphs()
        assert copy.path == built.store and copy.read_only
    finally:
        copy.close()
        on_disk.close()


_ABANDONED_QUERY = """
import concurrent.futures, gc, time
import pyoxigraph as ox
from kg import deadline
from kg.errors import QueryTimeoutError
from kg.stores.oxigraph import OxigraphStore

store = OxigraphStore()
store.native.extend(
    ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal(str(i)),
            ox.NamedNode("http://g"))
    for i in range(5000)
)

def answer():
    with deadline.within(0.0001):
        time.sleep(0.01)
        return store.query("SELECT * WHERE { ?s ?p ?o }")

with concurrent.futures.ThreadPoolExecutor(1) as pool:
    future = pool.submit(answer)
    try:
        future.result()
    except QueryTimeoutError as exc:
        error = exc
del future, error
gc.collect()
print("served on")
"""


def test_an_answer_stopped_at_its_deadline_frees_its_rows_on_its_own_thread() -> None:
    """A query stopped by the deadline while its rows are read raises in the route's worker
    thread and is handed to the event loop's thread; pyoxigraph's result object may only be
    dropped by the thread that made it (else a RuntimeError, which ended a benchmark process
    under load). The store clears the exception's frames before it leaves."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _ABANDONED_QUERY], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "served on" in done.stdout
    assert "unsendable" not in done.stderr, done.stderr


# --- opening a directory read-only while another handle reopens it ---------------------------


def _failing_opens(monkeypatch: pytest.MonkeyPatch, failures: int, message: str) -> list[str]:
    """Make the next ``failures`` read-only openings raise ``RuntimeError(message)``, as
    RocksDB does when files vanish under it; returns the list of attempts."""
    from kg.stores import oxigraph

    attempts: list[str] = []
    real = oxigraph._READ_ONLY

    def opening(path: str) -> ox.Store:
        attempts.append(path)
        if len(attempts) <= failures:
            raise RuntimeError(message)
        return real(path)

    monkeypatch.setattr(oxigraph, "_READ_ONLY", opening)
    monkeypatch.setattr("time.sleep", lambda _: None)
    return attempts


CORRUPTION = "Corruption: IO error: No such file or directory: While open a file: 000028.sst"


def test_a_read_only_opening_is_tried_again_while_rocksdb_reports_corruption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    OxigraphStore(tmp_path / "s").close()
    attempts = _failing_opens(monkeypatch, 2, CORRUPTION)
    opened = OxigraphStore(tmp_path / "s", read_only=True)
    assert len(attempts) == 3 and opened.count() == 0
    opened.close()


def test_a_read_only_opening_gives_up_with_a_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.stores.oxigraph import READ_ONLY_ATTEMPTS

    OxigraphStore(tmp_path / "s").close()
    attempts = _failing_opens(monkeypatch, 99, CORRUPTION)
    with pytest.raises(StoreError, match="read-only after 5 attempts"):
        OxigraphStore(tmp_path / "s", read_only=True)
    assert len(attempts) == READ_ONLY_ATTEMPTS == 5
    other = _failing_opens(monkeypatch, 1, "some other failure")
    with pytest.raises(RuntimeError, match="some other failure"):
        OxigraphStore(tmp_path / "s", read_only=True)
    assert len(other) == 1

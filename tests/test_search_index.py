"""The search index (``kg.search_index``) answers exactly what ``queries/search.rq`` answers:
the same entities in the same order, with the same labels, kinds and types, on the shipped data,
on a small graph made of the hard cases, after a curator's write and after an import.

The reference is ``entities.search`` on the very same pyoxigraph store, wrapped as a store that
can change in place, which gets no index and runs ``search.rq``.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from kg import entities, search_index
from kg.api.main import create_app
from kg.build import BuildResult
from kg.errors import ConfigurationError
from kg.importer import import_rdf
from kg.settings import Settings
from kg.stores.base import Store
from kg.stores.oxigraph import OxigraphStore

Answer = tuple[int, list[tuple[str, str, str, tuple[str, ...]]]]

#: Queries every check runs besides those drawn from the data: acronyms inside words, one and
#: two letters (the scan path), case, spaces and quotes (FTS5 syntax must not leak through).
FIXED = [
    "unodc",
    "nodc",
    "UN",
    "a",
    "as",
    "j",
    "asia",
    "Japan",
    "health",
    "south",
    'a"b',
    "e e",
    "nodc*",
    "no AND dc",
    "(nodc)",
    "-nod",
    "nodc OR x",
    "^no",
]


def served(native: ox.Store) -> OxigraphStore:
    """``native`` as the server holds it: read-only, so it gets an index."""
    store = OxigraphStore.wrapping(native)
    store.read_only = True
    return store


def answer(store: OxigraphStore, q: str, kinds: tuple[str, ...] = entities.KINDS) -> Answer:
    page = entities.search(store, q, kinds=kinds, limit=1_000_000)
    return page.total, [(i.id, i.label, i.kind, tuple(t.id for t in i.types)) for i in page.items]


def assert_parity(native: ox.Store, queries: Iterable[str]) -> int:
    """Compare index and search.rq on every query (and an actor-only filter); the number of
    queries that found something, so a test can prove it compared real answers."""
    indexed, reference = served(native), OxigraphStore.wrapping(native)
    assert search_index.index_for(indexed) is not None
    assert search_index.index_for(reference) is None
    found = 0
    for q in dict.fromkeys(queries):
        for kinds in (entities.KINDS, ("actor",)):
            expected = answer(reference, q, kinds)
            assert answer(indexed, q, kinds) == expected, (q, kinds)
            found += expected[0] > 0
    return found


def queries_from(native: ox.Store, every: int) -> list[str]:
    """Pieces of every ``every``-th name: whole, first letters, a middle run, a last word."""
    names = sorted(
        q.object.value
        for p in ("rdfs#label", "skos/core#altLabel")
        for q in native.quads_for_pattern(None, ox.NamedNode(_PREDICATES[p]), None, None)
    )
    picked: list[str] = []
    for name in names[::every]:
        words = re.findall(r"\w+", name)
        picked += [
            name,
            name[:1],
            name[:2],
            name[:4].upper(),
            name[2:7],
            words[-1] if words else "",
        ]
    return [q for q in picked if q.strip()]


_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_ORGANIZATION = "https://w3id.org/coop-kg/ontology#Organization"
_PREDICATES = {
    "rdfs#label": "http://www.w3.org/2000/01/rdf-schema#label",
    "skos/core#altLabel": "http://www.w3.org/2004/02/skos/core#altLabel",
}


@pytest.fixture(scope="module")
def shipped(built_in_memory: OxigraphStore) -> ox.Store:
    copy = ox.Store()
    copy.bulk_extend(built_in_memory.native)
    return copy


def test_parity_on_the_shipped_data(shipped: ox.Store) -> None:
    assert assert_parity(shipped, FIXED + queries_from(shipped, 7)) > 100


HARD_CASES = """
@prefix id: <https://w3id.org/coop-kg/id/> .
@prefix ck: <https://w3id.org/coop-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
GRAPH <https://w3id.org/coop-kg/graph/t1> {
  id:unodc a ck:Organization ; rdfs:label "United Nations Office on Drugs and Crime"@en ;
    skos:altLabel "UNODC" .
  id:nodc a ck:Organization ; rdfs:label "NODC" .
  id:nodc-fan a ck:Organization ; rdfs:label "nodc fans" ; skos:altLabel "NODC" .
  id:describer a ck:Organization ; rdfs:label "Someone" ; dcterms:description "works on nodc" .
  id:istanbul a schema:City ; rdfs:label "İstanbul"@tr ; skos:altLabel "STRASSE Straße" .
  id:untyped rdfs:label "nodc untyped" .
  id:split rdfs:label "Split entity nodc" .
  id:tie-b a ck:Organization ; rdfs:label "Tie nodc" .
  id:tie-a a ck:Organization ; rdfs:label "tie NODC" .
  id:no-label a ck:Organization ; skos:altLabel "xnodcx" .
  id:quote a ck:Organization ; rdfs:label "say \\"nodc\\" twice" .
  id:cafe a ck:Organization ; rdfs:label "Café Économie" ; skos:altLabel "CAFE" .
  id:cafe-2 a ck:Organization ; rdfs:label "cafe economie" .
  id:cafe-3 a ck:Organization ; rdfs:label "CAFÉ" .
  id:twice a ck:Organization ; rdfs:label "nodc label" ; skos:altLabel "nodc" ;
    dcterms:description "nodc described" .
  id:many a ck:Organization ; rdfs:label "Zeta nodc" , "alpha nodc" .
  id:region-nodc a schema:Country ; rdfs:label "Nodcland" .
  id:last-char a ck:Organization ; rdfs:label "zq\\U0010FFFF end" ; skos:altLabel "zq\\uD7FF" .
}
GRAPH <https://w3id.org/coop-kg/graph/t2> {
  id:split a ck:Organization .
  id:unodc a schema:GovernmentOrganization .
}
"""


@pytest.fixture
def hard_cases(shipped: ox.Store) -> ox.Store:
    """The shipped data (for its ontology and kinds) plus graphs made of the hard cases: labels
    and types in different graphs, an entity without a label, one without a kind, ties that
    only the case differs in, Unicode whose lower case is longer, quotes."""
    store = ox.Store()
    store.bulk_extend(shipped)
    store.load(HARD_CASES.encode(), format=ox.RdfFormat.TRIG)
    return store


def test_parity_on_the_hard_cases(hard_cases: ox.Store) -> None:
    queries = [
        "nodc",
        "NODC",
        "no",
        "unodc",
        "i̇stanbul",
        "İST",
        "straße",
        "STRASSE",
        "tie",
        '"nodc"',
        "café",
        "CAFÉ",
        "cafe",
        "éco",
        "É",
        "Économie",
        "nodc label",
        "alpha",
        "zeta",
        "nodcland",
        "zq\U0010ffff",  # no character after the last one: the prefix range has no end
        "zq\ud7ff",  # the next one would be a surrogate
        "zq",
    ]
    assert assert_parity(hard_cases, FIXED + queries) > 10
    total, items = answer(served(hard_cases), "nodc")
    ids = [i[0].rsplit("/", 1)[1] for i in items]
    # rank 0, 1, 2 (label starts), 3 (label or altLabel contains: ties by label), 4
    assert total == len(ids) and ids[:2] == ["nodc", "nodc-fan"]  # rank 0, then 1
    assert ids.index("tie-a") + 1 == ids.index("tie-b")  # same label but for case: by IRI
    # rank 4 (found in its description alone) after rank 3 ("xnodcx", an altLabel)
    assert ids.index("describer") > max(ids.index("no-label"), ids.index("tie-b"))
    assert "untyped" not in ids and "split" in ids and "no-label" in ids
    assert answer(served(hard_cases), "zq\U0010ffff")[0] == 1
    assert answer(served(hard_cases), "ZQ\ud7ff")[0] == 1
    assert ids[2:4] == ["twice", "region-nodc"]  # altLabel "nodc" (rank 1, by label), then 2
    assert [i[0].rsplit("/", 1)[1] for i in answer(served(hard_cases), "café")[1]] == [
        "cafe-3",  # the label is "café" (rank 0), then starts with it; "cafe" does not match
        "cafe",
    ]


def test_pages_and_kinds_agree_with_search_rq(hard_cases: ox.Store) -> None:
    """Every page of a long answer, and each kind alone, cut as search.rq's answer is cut."""
    indexed, reference = served(hard_cases), OxigraphStore.wrapping(hard_cases)
    for q in ("nodc", "a", "an"):
        for kinds in [entities.KINDS, *((k,) for k in entities.KINDS)]:
            for limit, offset in ((1, 0), (3, 2), (5, 5), (50, 1), (2, 10_000)):
                got = entities.search(indexed, q, kinds=kinds, limit=limit, offset=offset)
                expected = entities.search(reference, q, kinds=kinds, limit=limit, offset=offset)
                assert got == expected, (q, kinds, limit, offset)
    assert entities.search(indexed, "nodc", kinds=("region",)).total == 1
    with pytest.raises(ConfigurationError):
        entities.search(indexed, "nodc", limit=0)


def test_search_rq_answers_while_the_index_warms(
    hard_cases: ox.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At server start the index builds in the background (a minute at 10M triples); searches
    meanwhile are answered by search.rq, and the same; a write's refresh waits for the build."""
    release = threading.Event()
    build = search_index.SearchIndex.build

    def slow_build(native: ox.Store) -> search_index.SearchIndex:
        release.wait(30)
        return build(native)

    monkeypatch.setattr(search_index.SearchIndex, "build", slow_build)
    store, reference = served(hard_cases), OxigraphStore.wrapping(hard_cases)
    search_index.warm(store)
    assert search_index.index_for(store) is None  # still building: search.rq answers
    assert answer(store, "nodc") == answer(reference, "nodc")
    t1 = ox.NamedNode("https://w3id.org/coop-kg/graph/t1")
    was = ox.Store()
    was.extend(hard_cases.quads_for_pattern(None, None, None, t1))
    hard_cases.remove_graph(t1)  # the write, in place, while the index still builds
    search_index.follow(store, was, [t1.value])  # does not wait for the build
    assert search_index.index_for(store) is None
    release.set()
    for _ in range(300):
        if search_index.index_for(store) is not None:
            break
        time.sleep(0.1)
    assert search_index.index_for(store) is not None
    for q in ("nodc", "zqxj", "a"):
        assert answer(store, q) == answer(reference, q)


def test_a_refreshed_graph_answers_like_a_fresh_build(hard_cases: ox.Store) -> None:
    """A write changes the served store in place (``kg.writes``); its index re-reads the graphs
    the write changed (``follow``) and answers as a fresh build would."""
    after = served(hard_cases)
    assert search_index.index_for(after) is not None
    after_native = hard_cases
    t1 = ox.NamedNode("https://w3id.org/coop-kg/graph/t1")
    was = ox.Store()
    was.extend(after_native.quads_for_pattern(None, None, None, t1))
    after_native.remove_graph(t1)
    after_native.add(
        ox.Quad(
            ox.NamedNode("https://w3id.org/coop-kg/id/split"),
            ox.NamedNode(_PREDICATES["rdfs#label"]),
            ox.Literal("Renamed zqxj"),
            t1,
        )
    )
    search_index.follow(after, was, [t1.value])
    for q in ("nodc", "zqxj", "tie", "a", "renamed"):
        assert answer(after, q) == answer(OxigraphStore.wrapping(after_native), q)
    assert [i[0] for i in answer(after, "zqxj")[1]] == ["https://w3id.org/coop-kg/id/split"]
    assert "https://w3id.org/coop-kg/id/nodc" not in [i[0] for i in answer(after, "nodc")[1]]
    assert_fresh(after)


def test_a_refreshed_graph_of_types_alone(hard_cases: ox.Store) -> None:
    """A write that changes only types (graph t2) changes the kinds of entities whose names
    live in another graph (t1), and a new label elsewhere moves an entity in the order."""
    after = served(hard_cases)
    assert search_index.index_for(after) is not None
    after_native = hard_cases
    t2 = ox.NamedNode("https://w3id.org/coop-kg/graph/t2")
    t3 = ox.NamedNode("https://w3id.org/coop-kg/graph/t3")
    was = ox.Store()
    was.extend(after_native.quads_for_pattern(None, None, None, t2))
    was.extend(after_native.quads_for_pattern(None, None, None, t3))
    after_native.remove_graph(t2)
    tie_b = ox.NamedNode("https://w3id.org/coop-kg/id/tie-b")
    after_native.add(ox.Quad(tie_b, ox.NamedNode(_PREDICATES["rdfs#label"]), ox.Literal("A"), t3))
    search_index.follow(after, was, [t2.value, t3.value])
    reference = OxigraphStore.wrapping(after_native)
    assert assert_parity(after_native, ["nodc", "unodc", "tie", "a"]) > 2
    for q in ("nodc", "unodc", "tie", "a"):
        assert answer(after, q) == answer(reference, q)
    assert "https://w3id.org/coop-kg/id/split" not in [i[0] for i in answer(after, "nodc")[1]]
    assert_fresh(after)


def assert_fresh(store: OxigraphStore) -> None:
    """A refreshed index holds what a build from the same content holds: every entity's label,
    types and names (by place order, so also the order), and the same text rows."""
    refreshed = search_index.index_for(store)
    assert refreshed is not None
    fresh = search_index.SearchIndex.build(store.native)

    def content(index: search_index.SearchIndex) -> list[object]:
        db = index._db
        entities_ = db.execute("SELECT iri, label, typeset FROM entity ORDER BY id").fetchall()
        names = db.execute(
            "SELECT e.iri, (n.id >> 18) & 3, n.low FROM name n JOIN entity e ON e.id = n.id >> 20"
            " ORDER BY 1, 2, 3"
        ).fetchall()
        typed = [(iri, label, index._typesets[t]) for iri, label, t in entities_]
        return [typed, names]

    assert content(refreshed) == content(fresh)


CURATED = """\
@prefix id: <https://w3id.org/coop-kg/id/> .
@prefix ck: <https://w3id.org/coop-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
id:atlantis a schema:Country ; rdfs:label "Atlantis"@en ; skos:altLabel "ATL"@en ;
    ck:iso3166Alpha2 "XA" ; schema:containedInPlace id:world .
"""
GRAPH = "https://w3id.org/coop-kg/graph/curated-search-test"
TOKEN = "curator-token-" + "x" * 24


def test_parity_after_a_write(built: BuildResult, tmp_path: Path) -> None:
    """A PUT through the API, on an on-disk store served from memory (as ``kg serve`` does):
    the served copy follows the write in place (``kg.writes``), its index re-reads the changed
    graph, and it answers like search.rq."""
    assert built.store is not None
    path = tmp_path / "store"
    source = OxigraphStore(built.store, read_only=True)
    source.native.backup(str(path))
    source.close()
    settings = Settings(store=str(path), write_token=TOKEN, backup_dir=tmp_path / "backups")
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/search", params={"q": "atlantis"}).json()["total"] == 0
        old = client.app.state.store  # type: ignore[attr-defined]
        response = client.put(
            "/graphs",
            params={"graph": GRAPH},
            content=CURATED,
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"},
        )
        assert response.status_code == 201, response.text
        new = client.app.state.store  # type: ignore[attr-defined]
        index = search_index._INDEXES.get(new)
        assert new is old and index is not None  # followed, not rebuilt
        found = client.get("/api/search", params={"q": "atl"}).json()["items"]
        assert found[0]["slug"] == "atlantis"
        assert assert_parity(new.native, [*FIXED, "atl", "atlantis", "ATL"]) > 5
        assert search_index._INDEXES.get(new) is index
        rebuilt = search_index.SearchIndex.build(new.native)
        for q in [*FIXED, "atl", "atlantis", "ATL"]:
            every = {"wanted": lambda types: True, "limit": 10_000, "offset": 0}
            assert index.search(q, **every) == rebuilt.search(q, **every), q  # type: ignore[arg-type]


def test_parity_after_an_import(built: BuildResult, tmp_path: Path) -> None:
    """``kg import rdf`` writes the store on disk; the server opens it again, read-only, and
    that new store object's index is built from what the import left."""
    assert built.store is not None
    path = tmp_path / "store"
    source = OxigraphStore(built.store, read_only=True)
    source.native.backup(str(path))
    source.close()
    data = tmp_path / "atlantis.ttl"
    data.write_text(CURATED, encoding="utf-8")
    writable = OxigraphStore(path)
    import_rdf(writable, data, graph=GRAPH, contract=None)
    writable.close()
    reopened = OxigraphStore(path, read_only=True)
    try:
        assert answer(reopened, "atlantis")[0] == 1
        assert assert_parity(reopened.native, [*FIXED, "atl", "atlantis"]) > 5
    finally:
        reopened.close()


def answer_of(store: object, q: str, kinds: tuple[str, ...] = entities.KINDS) -> Answer:
    page = entities.search(store, q, kinds=kinds, limit=1_000_000)  # type: ignore[arg-type]
    return page.total, [(i.id, i.label, i.kind, tuple(t.id for t in i.types)) for i in page.items]


def built_for(store: object) -> search_index.SearchIndex:
    """The index ``warm`` builds for ``store`` in the background (the server's start)."""
    search_index.warm(store)
    for _ in range(600):
        index = search_index.index_for(store)
        if index is not None:
            return index
        time.sleep(0.1)
    raise AssertionError("the index was not built within a minute")


@pytest.mark.parametrize("backend", ["virtuoso", "oxigraph-server"], indirect=True)
def test_parity_on_a_sparql_server(store: Store, shipped: ox.Store) -> None:
    """A ``sparql:`` store gets an index too, read from the server graph by graph when the
    server starts (before: search.rq only, 30x the embedded search on Virtuoso at 1M); it
    answers what search.rq answers on the same server, and follows writes made through the
    store (``kg.writes`` calls ``follow`` after its commit)."""
    assert search_index.index_for(store) is None  # nobody warmed it: search.rq answers
    # Every 39th name: search.rq on a server is the cost of this test (each query a round
    # trip, 26 s on Virtuoso for every 13th); the embedded parity test takes every 7th.
    queries = list(dict.fromkeys(FIXED + queries_from(shipped, 39)))
    expected = {
        (q, k): answer_of(store, q, k) for q in queries for k in (entities.KINDS, ("actor",))
    }
    assert sum(found[0] > 0 for found in expected.values()) > 200
    graph = "https://w3id.org/coop-kg/graph/search-index-server-test"
    entity = ox.NamedNode("https://w3id.org/coop-kg/id/zqxj-server")
    triples = [
        ox.Triple(entity, _TYPE, ox.NamedNode("https://w3id.org/coop-kg/ontology#Organization")),
        ox.Triple(entity, ox.NamedNode(_PREDICATES["rdfs#label"]), ox.Literal("Zqxj Server Test")),
    ]
    added = ox.Store()
    added.extend(ox.Quad(*t, ox.NamedNode(graph)) for t in triples)
    try:
        built_for(store)
        for (q, kinds), found in expected.items():
            assert answer_of(store, q, kinds) == found, (q, kinds)
        store.replace_graph(graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
        search_index.follow(store, ox.Store(), [graph], after=added)
        assert [i[0] for i in answer_of(store, "zqxj")[1]] == [entity.value]
        store.replace_graph(graph, b"")
        search_index.follow(store, added, [graph], after=ox.Store())
        assert answer_of(store, "zqxj") == (0, [])
    finally:
        store.replace_graph(graph, b"")
        search_index._INDEXES.pop(store, None)  # the session's other tests search without it


def test_a_write_with_no_place_left_builds_again(
    hard_cases: ox.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Places leave gaps for entities a write adds or relabels; where a gap is used up the
    refresh numbers every entity again (a build), and answers the same."""
    entities_ = {q.subject for q in hard_cases.quads_for_pattern(None, None, None, None)}
    monkeypatch.setattr(search_index, "_PLACES", len(entities_) + 2)  # gaps of one: none free
    builds: list[ox.Store] = []
    build = search_index.SearchIndex.build

    def counted(native: ox.Store) -> search_index.SearchIndex:
        builds.append(native)
        return build(native)

    monkeypatch.setattr(search_index.SearchIndex, "build", counted)
    store = served(hard_cases)
    assert search_index.index_for(store) is not None
    t3 = ox.NamedNode("https://w3id.org/coop-kg/graph/t3")
    was = ox.Store()
    was.extend(hard_cases.quads_for_pattern(None, None, None, t3))
    newcomer = ox.NamedNode("https://w3id.org/coop-kg/id/newcomer")
    hard_cases.add(ox.Quad(newcomer, _TYPE, ox.NamedNode(_ORGANIZATION), t3))
    hard_cases.add(
        ox.Quad(newcomer, ox.NamedNode(_PREDICATES["rdfs#label"]), ox.Literal("Nodc newcomer"), t3)
    )
    search_index.follow(store, was, [t3.value])
    assert len(builds) == 2  # the first, and the one the refresh fell back to
    assert "https://w3id.org/coop-kg/id/newcomer" in [i[0] for i in answer(store, "nodc")[1]]
    assert assert_parity(hard_cases, ["nodc", "newcomer", "a", "tie"]) > 2
    assert_fresh(store)

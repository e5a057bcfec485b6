"""Export, then re-import: the same graphs come back, in every format."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg._namespaces import REFERENCE_GRAPH
from kg.export import FORMATS
from kg.stores.oxigraph import OxigraphStore, to_oxigraph

# rdflib 7.6's own dataset parsers (TriG, N-Quads, JSON-LD) use its deprecated
# default_context and ConjunctiveGraph internally; nothing in our code can change that.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]


def _canonical(graph: Graph) -> frozenset[str]:
    """The triples rdflib read, their blank nodes labelled by RDFC-1.0 (pyoxigraph's
    canonicalisation): equal exactly when the graphs are isomorphic. rdflib's own
    ``to_isomorphic`` gave the same verdicts but cost most of this file's time (75 s of the
    suite); the parsing stays rdflib's, the reader whose view of our exports this checks."""
    return _canonical_triples(
        ox.Triple(to_oxigraph(s), ox.NamedNode(str(p)), to_oxigraph(o))  # type: ignore[arg-type]
        for s, p, o in graph
    )


def _canonical_triples(triples: Iterable[ox.Triple]) -> frozenset[str]:
    """``_canonical`` of triples pyoxigraph read (the reference side: the store's own N-Triples,
    read without rdflib, which is the reader under test)."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return frozenset(str(quad) for quad in dataset)


class Reference:
    """Each graph of the store read back from N-Triples and canonicalised once per backend, for
    all six formats: this side of every comparison is the same each time."""

    def __init__(self, store: OxigraphStore) -> None:
        self.store = store
        self._forms: dict[str | None, frozenset[str]] = {}

    def _triples(self, graph: str) -> list[ox.Triple]:
        dumped = self.store.dump("ntriples", graph)
        return [q.triple for q in ox.parse(dumped, format=ox.RdfFormat.N_TRIPLES)]

    def graph(self, graph: str) -> frozenset[str]:
        if graph not in self._forms:
            self._forms[graph] = _canonical_triples(self._triples(graph))
        return self._forms[graph]

    def union(self) -> frozenset[str]:
        """Every graph's triples together, as the triple formats dump the whole dataset."""
        if None not in self._forms:
            union = {t for graph in self.store.graphs() for t in self._triples(graph)}
            self._forms[None] = _canonical_triples(union)
        return self._forms[None]


@pytest.fixture(scope="module")
def reference(store: OxigraphStore) -> Reference:
    return Reference(store)


#: The backend whose dumps rdflib reads: pyoxigraph's own. The other backends hand their quads
#: to the same pyoxigraph serialiser (``kg.export.serialize_quads``); what their round trips
#: must show is that those quads are the store's, which pyoxigraph's reader checks in a tenth of
#: rdflib's time (rdflib took 0.5-2 s per dump here).
RDFLIB_READS = "oxigraph"


def _read_back(data: bytes, name: str, backend: str) -> dict[str | None, frozenset[str]]:
    """Each non-empty graph of a dump, canonicalised, by name (``None``: the default graph,
    where a triple format and a one-graph dump put their triples), as rdflib reads it for
    ``RDFLIB_READS`` and as pyoxigraph reads it for the others."""
    fmt = FORMATS[name]
    if backend != RDFLIB_READS:
        by_graph: dict[str | None, list[ox.Triple]] = {}
        for quad in ox.parse(data, format=fmt.rdf_format):
            graph = quad.graph_name
            key = graph.value if isinstance(graph, ox.NamedNode) else None
            by_graph.setdefault(key, []).append(quad.triple)
        return {graph: _canonical_triples(triples) for graph, triples in by_graph.items()}
    if not fmt.supports_datasets:
        return {None: _canonical(Graph().parse(data=data, format=fmt.rdflib_name))}
    dataset = Dataset()
    dataset.parse(data=data, format=fmt.rdflib_name)
    return {
        None if g.identifier == DATASET_DEFAULT_GRAPH_ID else str(g.identifier): _canonical(g)
        for g in dataset.graphs()
        if len(g)
    }


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_one_graph_round_trips(
    store: OxigraphStore, reference: Reference, backend: str, name: str
) -> None:
    graphs = _read_back(store.dump(name, str(REFERENCE_GRAPH)), name, backend)
    assert graphs == {None: reference.graph(str(REFERENCE_GRAPH))}


#: The whole dataset, on the two serialisers: pyoxigraph's own dump and ``serialize_quads``,
#: which a SPARQL server's store and rdflib's store both hand their quads to. rdflib's store
#: differs only in how it lists its quads, which ``test_one_graph_round_trips`` reads back in
#: every format and the write tests compare whole (tests/api/test_writes.py).
SERIALISERS = pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"], indirect=True)


@SERIALISERS
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_whole_dataset_round_trips(
    store: OxigraphStore, reference: Reference, backend: str, name: str
) -> None:
    graphs = _read_back(store.dump(name), name, backend)
    if FORMATS[name].supports_datasets:
        assert sorted(g for g in graphs if g is not None) == store.graphs()
        for graph in store.graphs():
            assert graphs[graph] == reference.graph(graph), graph
    else:
        assert graphs[None] == reference.union()


def test_reimport_into_a_fresh_store_gives_the_same_quads(store: OxigraphStore) -> None:
    import pyoxigraph as ox

    copy = OxigraphStore(None)
    copy.native.load(store.dump("nquads"), format=ox.RdfFormat.N_QUADS)
    assert copy.count() == store.count()
    assert copy.graphs() == store.graphs()


def test_the_canonical_form_tells_isomorphic_graphs_from_others() -> None:
    """What the round trips compare: blank node labels do not matter, a changed value does."""
    one = Graph().parse(data='<urn:a> <urn:p> [ <urn:q> "x" ] .', format="turtle")
    renamed = Graph().parse(data='<urn:a> <urn:p> _:other . _:other <urn:q> "x" .', format="turtle")
    changed = Graph().parse(data='<urn:a> <urn:p> [ <urn:q> "y" ] .', format="turtle")
    assert _canonical(one) == _canonical(renamed)
    assert _canonical(one) != _canonical(changed)

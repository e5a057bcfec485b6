"""Export, then re-import: the same graphs come back, in every format."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg._namespaces import REFERENCE_GRAPH
from kg.export import FORMATS
from kg.stores.oxigraph import OxigraphStore

# rdflib 7.6's own dataset parsers (TriG, N-Quads, JSON-LD) use its deprecated
# default_context and ConjunctiveGraph internally; nothing in our code can change that.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]


def _store_graph(store: OxigraphStore, graph: str | None) -> Graph:
    return Graph().parse(data=store.dump("ntriples", graph), format="nt")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_one_graph_round_trips(store: OxigraphStore, name: str) -> None:
    fmt = FORMATS[name]
    data = store.dump(name, str(REFERENCE_GRAPH))
    if fmt.supports_datasets:
        dataset = Dataset()
        dataset.parse(data=data, format=fmt.rdflib_name)
        again = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            again.add((s, p, o))
    else:
        again = Graph().parse(data=data, format=fmt.rdflib_name)
    assert isomorphic(again, _store_graph(store, str(REFERENCE_GRAPH)))


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_whole_dataset_round_trips(store: OxigraphStore, name: str) -> None:
    fmt = FORMATS[name]
    data = store.dump(name)
    if fmt.supports_datasets:
        dataset = Dataset()
        dataset.parse(data=data, format=fmt.rdflib_name)
        for graph in store.graphs():
            assert isomorphic(dataset.graph(graph), _store_graph(store, graph)), graph
    else:
        union = Graph()
        for graph in store.graphs():
            union += _store_graph(store, graph)
        assert isomorphic(Graph().parse(data=data, format=fmt.rdflib_name), union)


def test_reimport_into_a_fresh_store_gives_the_same_quads(store: OxigraphStore) -> None:
    import pyoxigraph as ox

    copy = OxigraphStore(None)
    copy.native.load(store.dump("nquads"), format=ox.RdfFormat.N_QUADS)
    assert copy.count() == store.count()
    assert copy.graphs() == store.graphs()

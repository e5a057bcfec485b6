"""kg.void on a two-graph store whose counts can be read off the Turtle below: every figure of
the description comes from the store, each graph is a subset with its own dumps, and a graph
made from a source document says so."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from kg.export import FORMATS
from kg.stores.oxigraph import OxigraphStore
from kg.void import DATASET, GRAPH_TITLES, serialize_void, void_triples

VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
GRAPHS = "https://w3id.org/coop-kg/graph/"
ID = "https://w3id.org/coop-kg/id/"
BASE_URL = "https://kg.example.org"

REFERENCE = """
@prefix ck: <https://w3id.org/coop-kg/ontology#> .
@prefix id: <https://w3id.org/coop-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
id:japan a ck:State ; rdfs:label "Japan"@en .
id:unodc a ck:UNEntity ; rdfs:label "UNODC"@en .
"""
#: Five triples, one of them (the type of Japan) also in the reference graph.
DOCUMENT = """
@prefix ck: <https://w3id.org/coop-kg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix id: <https://w3id.org/coop-kg/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/coop-kg/graph/fact-sheet> ck:document id:fact-sheet .
id:fact-sheet a ck:SourceDocument ; dcterms:title "Fact sheet"@en ;
    dcterms:issued "2025-06-12"^^xsd:date .
id:japan a ck:State .
"""


@pytest.fixture(scope="module")
def store() -> Iterator[OxigraphStore]:
    opened = OxigraphStore()
    for graph, turtle in (("reference", REFERENCE), ("fact-sheet", DOCUMENT)):
        name = ox.NamedNode(GRAPHS + graph)
        opened.load_nquads(
            ox.Quad(t.subject, t.predicate, t.object, name)
            for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE)
        )
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def description(store: OxigraphStore) -> ox.Store:
    """The description as a store of its own, to query it as a client would."""
    described = ox.Store()
    described.extend(
        ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
        for t in void_triples(store, base_url=BASE_URL + "/")
    )
    return described


def values(description: ox.Store, subject: str, predicate: str) -> set[str]:
    return {
        q.object.value
        for q in description.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)
    }


def test_the_dataset_counts_quads_and_each_graph_its_own(description: ox.Store) -> None:
    # The type of Japan is in both graphs and counts twice, as in the N-Quads dump.
    assert values(description, DATASET, VOID + "triples") == {"9"}
    assert values(description, GRAPHS + "reference", VOID + "triples") == {"4"}
    assert values(description, GRAPHS + "fact-sheet", VOID + "triples") == {"5"}
    assert values(description, DATASET, VOID + "subset") == {
        GRAPHS + "reference",
        GRAPHS + "fact-sheet",
    }


def test_distinct_subjects_and_classes_are_counted(description: ox.Store) -> None:
    # japan, unodc, fact-sheet and the fact-sheet graph; three classes, one entity each.
    assert values(description, DATASET, VOID + "distinctSubjects") == {"4"}
    assert values(description, DATASET, VOID + "classes") == {"3"}
    partitions = values(description, DATASET, VOID + "classPartition")
    assert len(partitions) == 3


def test_a_document_graph_names_its_source(description: ox.Store) -> None:
    graph = GRAPHS + "fact-sheet"
    assert values(description, graph, DCTERMS + "source") == {ID + "fact-sheet"}
    assert values(description, graph, DCTERMS + "title") == {"Curated from: Fact sheet"}
    assert values(description, ID + "fact-sheet", DCTERMS + "issued") == {"2025-06-12"}


def test_a_known_graph_has_its_title(description: ox.Store) -> None:
    titles = values(description, GRAPHS + "reference", DCTERMS + "title")
    assert titles == {GRAPH_TITLES["reference"]}


def test_urls_are_made_from_the_base_url_without_its_trailing_slash(
    description: ox.Store,
) -> None:
    assert values(description, DATASET, VOID + "sparqlEndpoint") == {BASE_URL + "/sparql"}
    dumps = values(description, DATASET, VOID + "dataDump")
    assert dumps == {f"{BASE_URL}/export?format={name}" for name in FORMATS}
    graph_dumps = values(description, GRAPHS + "reference", VOID + "dataDump")
    assert graph_dumps == {f"{BASE_URL}/export?format={name}&graph=reference" for name in FORMATS}


def test_the_dataset_comes_first(store: OxigraphStore) -> None:
    triples = void_triples(store, base_url=BASE_URL)
    first_other = next(i for i, t in enumerate(triples) if t.subject != ox.NamedNode(DATASET))
    assert all(t.subject != ox.NamedNode(DATASET) for t in triples[first_other:])
    blank = [isinstance(t.subject, ox.BlankNode) for t in triples]
    assert blank == sorted(blank)  # blank nodes last


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_reads_back_as_the_same_triples(store: OxigraphStore, name: str) -> None:
    triples = void_triples(store, base_url=BASE_URL)
    parsed = list(ox.parse(serialize_void(triples, name), format=FORMATS[name].rdf_format))
    assert len(parsed) == len(triples)

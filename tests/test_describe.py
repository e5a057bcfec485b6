"""kg.describe over the shipped data: descriptions are complete and parameters are safe."""

from __future__ import annotations

import pytest
from rdflib import BNode, URIRef

from kg._namespaces import ID
from kg.describe import bind_this, describe, entity_view, participation_quotes
from kg.errors import QueryError
from kg.stores.base import SelectResult
from kg.stores.oxigraph import OxigraphStore

ENTITIES = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER STRSTARTS(STR(?s), STR(id:)) }"

#: Describing every entity sends about a thousand queries: a minute and a half on rdflib (the
#: memory backend parses each in some 30 ms), 50 s over HTTP to Virtuoso. The same queries run
#: on every backend for single entities in tests/api (pages, /id), so the loops run on the
#: default backend only.
every_entity = pytest.mark.parametrize("backend", ["oxigraph"], indirect=True)


@pytest.fixture(scope="module")
def entities(store: OxigraphStore) -> list[str]:
    result = store.query(ENTITIES)
    assert isinstance(result, SelectResult)
    return [str(row[0]) for row in result.rows if "#" not in str(row[0])]


@every_entity
def test_every_entity_is_described_with_its_blank_nodes(
    store: OxigraphStore, entities: list[str]
) -> None:
    """The description query follows blank nodes three levels deep; the data must not need
    more, or values would be cut off (a blank node object without its own triples)."""
    assert len(entities) > 300
    for iri in entities:
        description = describe(store, iri)
        assert description.found, iri
        subjects = {s for s, _, _ in description.triples}
        dangling = [o for _, _, o in description.triples if isinstance(o, BNode)]
        assert all(b in subjects for b in dangling), iri


@every_entity
def test_every_page_view_builds(store: OxigraphStore, entities: list[str]) -> None:
    for iri in entities[::7]:
        quotes, labels = participation_quotes(store, iri)
        view = entity_view(describe(store, iri), quotes, labels)
        assert view.iri == URIRef(iri)


def test_evidence_of_a_fact_and_of_the_nodes_an_entity_takes_part_in(
    store: OxigraphStore,
) -> None:
    own = describe(store, ID["un-women"]).quotes()
    assert [q.quote for q in own] == ["Japan has been strengthening partnership with UN Women."]
    quotes, labels = participation_quotes(store, ID["un-women"])
    assert {q.about for q in quotes} == {
        ID["funding-japan-un-women-2013"],
        ID["funding-japan-un-women-2016"],
        ID["funding-japan-un-women-since-2015"],
    }
    assert all(q.start is not None and q.end is not None for q in quotes)
    assert labels[ID["funding-japan-un-women-2013"]] == "Japan's contributions to UN Women in 2013"


def test_bind_this_writes_one_iri() -> None:
    query = "SELECT * WHERE { $this ?p ?o . ?x ?q $thisOne . BIND($this AS ?s) }"
    bound = bind_this(query, "https://w3id.org/coop-kg/id/japan")
    assert bound.count("<https://w3id.org/coop-kg/id/japan>") == 2
    assert "$thisOne" in bound


@pytest.mark.parametrize(
    "iri",
    [
        "https://w3id.org/coop-kg/id/x> } DELETE WHERE { ?s ?p ?o",
        "https://w3id.org/coop-kg/id/a b",
        'https://w3id.org/coop-kg/id/"',
    ],
)
def test_bind_this_refuses_anything_but_an_iri(iri: str) -> None:
    with pytest.raises(QueryError):
        bind_this("SELECT * WHERE { $this ?p ?o }", iri)

"""kg.describe over the shipped data: descriptions are complete and parameters are safe; the
entity pages read the one entity model (kg.entities.describe) the JSON answer reads."""

from __future__ import annotations

import pytest
from rdflib import BNode

from kg import browse
from kg import entities as entities_module
from kg._namespaces import CK, ID
from kg.api.routes.pages import entity_view
from kg.api.views import quotes_of
from kg.describe import bind_this, describe
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
    kinds = entities_module.kind_map(store)
    for iri in entities[::7]:
        view = entity_view(store, kinds, iri)
        assert view.detail.id == iri


def test_evidence_of_a_fact_and_of_the_nodes_an_entity_takes_part_in(
    store: OxigraphStore,
) -> None:
    detail = entities_module.describe(store, str(ID["un-women"]))
    own = detail.evidence
    assert [q.quote for q in own] == ["Japan has been strengthening partnership with UN Women."]
    received = [r for r in detail.incoming if r.property.id == str(CK.recipient)]
    assert {r.value.id for r in received if r.evidence} == {  # type: ignore[union-attr]
        str(ID["funding-japan-un-women-2013"]),
        str(ID["funding-japan-un-women-2016"]),
        str(ID["funding-japan-un-women-since-2015"]),
    }
    assert all(e.start < e.end for r in received for e in r.evidence)
    labels = {r.value.id: r.value.label for r in received}  # type: ignore[union-attr]
    assert (
        labels[str(ID["funding-japan-un-women-2013"])]
        == "Japan's contributions to UN Women in 2013"
    )
    # The page shows each of those quotes once, saying which fact it supports.
    texts = browse.texts(store, [e.document.id for r in received for e in r.evidence])
    about = {ref.id for q in quotes_of(detail, texts) for ref in q.about}
    assert {str(r.value.id) for r in received} <= about  # type: ignore[union-attr]


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

"""Relation tallies (``kg.tallies``): the counts an entity's page shows, kept in the derived
graph for the entities the derived index points at most, are what ``entity-relations.rq``
counts, and the page that reads them is the page that counts. The shipped data has no entity
over the real threshold (the world has a few hundred derived triples, not thousands), so
these tests lower it; ``tests/test_derive_incremental.py`` checks that writes keep them."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from kg import entities, queries, tallies
from kg.derive import DERIVED_GRAPH, _native_rows, materialise
from kg.stores.oxigraph import OxigraphStore

#: Low enough that the world, the continents and the DAC sector list are tallied.
LOW: int = 40


def _copy_of_build(built_in_memory: OxigraphStore) -> ox.Store:
    copy = ox.Store()
    copy.bulk_extend(built_in_memory.native)
    return copy


@pytest.fixture(scope="module")
def untallied_native(built_in_memory: OxigraphStore) -> ox.Store:
    return _copy_of_build(built_in_memory)


@pytest.fixture(scope="module")
def tallied_native(built_in_memory: OxigraphStore) -> ox.Store:
    native = _copy_of_build(built_in_memory)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tallies, "THRESHOLD", LOW)
        materialise(native)
    return native


@pytest.fixture(scope="module")
def untallied(untallied_native: ox.Store) -> OxigraphStore:
    return OxigraphStore.wrapping(untallied_native)


@pytest.fixture(scope="module")
def tallied(tallied_native: ox.Store) -> OxigraphStore:
    return OxigraphStore.wrapping(tallied_native)


def _kept(native: ox.Store) -> set[str]:
    return tallies.tallied(_native_rows(native))


def _counts(store: OxigraphStore, name: str, entity: str) -> set[tuple[str, str, int]]:
    rows = queries.select(store, name, constants={"entity": URIRef(entity)}).dicts()
    return {(str(r["direction"]), str(r["property"]), int(str(r["count"]))) for r in rows}


def test_only_the_entities_over_the_threshold_are_tallied(
    tallied_native: ox.Store, untallied_native: ox.Store
) -> None:
    native = tallied_native
    kept = _kept(native)
    assert "https://w3id.org/coop-kg/id/world" in kept
    assert "https://w3id.org/coop-kg/id/japan" not in kept
    assert not _kept(untallied_native)  # the real threshold: none in the shipped data
    pointing = tallies.over_threshold(
        _native_rows(native), DERIVED_GRAPH, ["https://w3id.org/coop-kg/id/japan", *kept]
    )
    assert pointing == set()  # THRESHOLD is back to its real value outside the fixture
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tallies, "THRESHOLD", LOW)
        assert tallies.over_threshold(_native_rows(native), DERIVED_GRAPH, kept) == kept


def test_a_tally_is_what_the_relations_query_counts(
    tallied: OxigraphStore, tallied_native: ox.Store
) -> None:
    kept = _kept(tallied_native)
    assert len(kept) >= 5
    for entity in sorted(kept):
        stored = _counts(tallied, entities.TALLIES_QUERY, entity)
        assert stored, entity
        assert stored == _counts(tallied, entities.RELATIONS_QUERY, entity), entity


def test_an_entity_without_a_tally_has_no_tally_rows(tallied: OxigraphStore) -> None:
    assert not _counts(tallied, entities.TALLIES_QUERY, "https://w3id.org/coop-kg/id/japan")


@pytest.mark.parametrize("slug", ["world", "asia", "dac-sectors"])
def test_the_page_of_a_tallied_entity_is_the_page_counted_live(
    tallied: OxigraphStore, tallied_native: ox.Store, untallied: OxigraphStore, slug: str
) -> None:
    iri = f"https://w3id.org/coop-kg/id/{slug}"
    assert iri in _kept(tallied_native)
    with queries.recording() as ran:
        from_tally = entities.describe(tallied, iri)
    assert entities.TALLIES_QUERY in ran
    assert entities.RELATIONS_QUERY not in ran  # in process, the tally stands for the count
    assert from_tally == entities.describe(untallied, iri)
    first = next(g for g in from_tally.groups if g.direction == "incoming")
    paged = entities.GroupPage(first.direction, first.property.id, 1)
    assert entities.describe(tallied, iri, page=paged) == entities.describe(
        untallied, iri, page=paged
    )


def test_the_page_of_any_other_entity_is_counted_live(tallied: OxigraphStore) -> None:
    with queries.recording() as ran:
        entities.describe(tallied, "https://w3id.org/coop-kg/id/japan")
    assert entities.RELATIONS_QUERY in ran


def test_hubs_count_derived_triples_but_not_tallies() -> None:
    world, japan = "https://w3id.org/coop-kg/id/world", "https://w3id.org/coop-kg/id/japan"
    serves = "https://w3id.org/coop-kg/ontology#servesWithin"
    derived = {(f"https://example.org/f{n}", serves, world) for n in range(tallies.THRESHOLD)}
    derived |= {(f"https://example.org/f{n}", serves, japan) for n in range(3)}
    tally = tallies.node(japan, "incoming", serves)
    derived |= {(f"{tally}{n}", tallies.OF, japan) for n in range(tallies.THRESHOLD)}
    assert tallies.hubs(derived) == {world}


def test_the_hubs_listed_decide_which_counts_are_read(
    tallied: OxigraphStore, untallied: OxigraphStore
) -> None:
    """``describe(hubs=...)``: a listed hub reads its tally and is not counted; an entity not
    listed is counted without a look for a tally; a list out of date (a hub listed on a store
    that keeps no tally of it) still gives the page counted live."""
    world, japan = "https://w3id.org/coop-kg/id/world", "https://w3id.org/coop-kg/id/japan"
    hubs = entities.tallied(tallied)
    assert world in hubs and japan not in hubs
    expected = entities.describe(untallied, world)
    with queries.recording() as ran:
        assert entities.describe(tallied, world, hubs=hubs) == expected
    assert entities.TALLIES_QUERY in ran and entities.RELATIONS_QUERY not in ran
    with queries.recording() as ran:
        entities.describe(tallied, japan, hubs=hubs)
    assert entities.RELATIONS_QUERY in ran and entities.TALLIES_QUERY not in ran
    with queries.recording() as ran:
        assert entities.describe(untallied, world, hubs=hubs) == expected
    assert entities.TALLIES_QUERY in ran and entities.RELATIONS_QUERY in ran


def test_the_rest_answer_and_the_page_of_a_hub_read_its_tally(
    tallied: OxigraphStore, untallied: OxigraphStore
) -> None:
    """Served: ``/api/regions/world`` names the tally query in its Link header (not the count),
    answers what the store without tallies answers, and so does its HTML page."""
    from fastapi.testclient import TestClient

    from kg.api.main import create_app
    from kg.settings import Settings

    answers = {}
    for name, store in (("tallied", tallied), ("untallied", untallied)):
        with TestClient(create_app(Settings(store="oxigraph:memory"), store=store)) as client:
            rest = client.get("/api/regions/world")
            page = client.get("/id/world", headers={"Accept": "text/html"})
            assert rest.status_code == 200 and page.status_code == 200
            linked = {
                part.split(";")[0].strip(" <>").rsplit("/", 1)[-1]
                for part in rest.headers["link"].split(",")
            }
            answers[name] = (rest.json(), page.text, linked)
    assert answers["tallied"][0] == answers["untallied"][0]
    assert answers["tallied"][1] == answers["untallied"][1]
    assert entities.TALLIES_QUERY in answers["tallied"][2]
    assert entities.RELATIONS_QUERY not in answers["tallied"][2]
    assert entities.RELATIONS_QUERY in answers["untallied"][2]

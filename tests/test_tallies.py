"""Relation tallies (``kg.tallies``): the counts and first pages an entity's page shows, kept
in the derived graph for the entities the most triples point at, are what
``entity-relations.rq`` counts and ``entity-incoming.rq`` cuts, and the page that reads them is
the page that counts. The shipped data has no entity over the real threshold (the most
pointed at has a few hundred triples, not thousands), so these tests lower it;
``tests/test_derive_incremental.py`` checks that writes keep them."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from kg import entities, queries, tallies
from kg.derive import DERIVED_GRAPH, _native_rows, materialise
from kg.stores.oxigraph import OxigraphStore

_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: Low enough that the world, the continents, the DAC sector list and Japan (81 triples point
#: at it in the shipped data) are tallied, not UNODC (43).
LOW: int = 60
WORLD: str = "https://w3id.org/coop-kg/id/world"
JAPAN: str = "https://w3id.org/coop-kg/id/japan"
UNODC: str = "https://w3id.org/coop-kg/id/unodc"


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
    assert {WORLD, JAPAN} <= kept and UNODC not in kept
    # Classes are pointed at by every instance (237 quotes are ck:Evidence): only entities.
    assert all(tallies.is_entity(entity) for entity in kept)
    assert not _kept(untallied_native)  # the real threshold: none in the shipped data
    pointing = tallies.over_threshold(_native_rows(native), [UNODC, *kept])
    assert pointing == set()  # THRESHOLD is back to its real value outside the fixture
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tallies, "THRESHOLD", LOW)
        rows = _native_rows(native)
        assert tallies.over_threshold(rows, [UNODC, *kept]) == kept == tallies.hubs(rows)


def test_a_tally_is_what_the_relations_query_counts(
    tallied: OxigraphStore, tallied_native: ox.Store
) -> None:
    kept = _kept(tallied_native)
    assert len(kept) >= 5
    for entity in sorted(kept):
        stored = _counts(tallied, entities.TALLIES_QUERY, entity)
        assert stored, entity
        assert stored == _counts(tallied, entities.RELATIONS_QUERY, entity), entity


def test_a_tally_keeps_the_first_page_the_incoming_query_cuts(
    tallied: OxigraphStore, tallied_native: ox.Store
) -> None:
    """Each incoming group the page lists keeps the subjects of its first page; the derived
    index (counted, listed only when paged) keeps none."""
    kept_pages = 0
    for entity in sorted(_kept(tallied_native)):
        rows = queries.select(tallied, entities.TALLIES_QUERY, constants={"entity": URIRef(entity)})
        pages = entities._kept_pages(rows)
        for direction, prop, count in _counts(tallied, entities.TALLIES_QUERY, entity):
            if prop in tallies.INDEX_PROPERTIES:
                assert prop not in pages, (entity, prop)
            if direction == "outgoing" or prop in tallies.INDEX_PROPERTIES:
                continue
            cut = queries.select(
                tallied,
                entities.INCOMING_QUERY,
                constants={"entity": URIRef(entity), "property": URIRef(prop)},
                page=(tallies.PAGE_SIZE, 0),
            )
            assert set(pages[prop]) == {str(r["subject"]) for r in cut.dicts()}, (entity, prop)
            assert len(pages[prop]) == min(count, tallies.PAGE_SIZE)
            kept_pages += 1
    assert kept_pages >= 20


def test_an_entity_without_a_tally_has_no_tally_rows(tallied: OxigraphStore) -> None:
    assert not _counts(tallied, entities.TALLIES_QUERY, UNODC)


@pytest.mark.parametrize("slug", ["world", "asia", "dac-sectors", "japan"])
def test_the_page_of_a_tallied_entity_is_the_page_counted_live(
    tallied: OxigraphStore, tallied_native: ox.Store, untallied: OxigraphStore, slug: str
) -> None:
    iri = f"https://w3id.org/coop-kg/id/{slug}"
    assert iri in _kept(tallied_native)
    with queries.recording() as ran:
        from_tally = entities.describe(tallied, iri)
    assert entities.TALLIES_QUERY in ran
    # In process, the tally stands for the count and for the cut of every first page listed.
    assert entities.RELATIONS_QUERY not in ran and entities.INCOMING_QUERY not in ran
    assert from_tally == entities.describe(untallied, iri)
    assert from_tally.incoming
    first = next(g for g in from_tally.groups if g.direction == "incoming")
    for offset in (0, 1):  # the first page again, then one the tally does not keep
        paged = entities.GroupPage(first.direction, first.property.id, offset)
        assert entities.describe(tallied, iri, page=paged) == entities.describe(
            untallied, iri, page=paged
        )
    # Another page size than the kept one is cut live.
    with queries.recording() as ran:
        small = entities.describe(tallied, iri, limit=3)
    assert entities.INCOMING_QUERY in ran
    assert small == entities.describe(untallied, iri, limit=3)


def test_the_page_of_any_other_entity_is_counted_live(tallied: OxigraphStore) -> None:
    with queries.recording() as ran:
        entities.describe(tallied, UNODC)
    assert entities.RELATIONS_QUERY in ran


def test_hubs_count_the_triples_of_every_graph_but_not_tallies_or_classes() -> None:
    """World: half its triples in a data graph, half in the derived graph; Japan: a few, and
    as many tally triples as the threshold (not counted); a class and a node in no collection
    (an evidence node, say): more than the threshold, and never tallied."""
    serves = ox.NamedNode("https://w3id.org/coop-kg/ontology#servesWithin")
    funder = ox.NamedNode("https://schema.org/funder")
    cites = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    data, derived = ox.NamedNode("https://example.org/graph"), ox.NamedNode(DERIVED_GRAPH)
    world, japan = ox.NamedNode(WORLD), ox.NamedNode(JAPAN)
    evidence = ox.NamedNode("https://w3id.org/coop-kg/id/evidence/doc/1-2")
    funding = ox.NamedNode("https://w3id.org/coop-kg/ontology#Funding")
    country = ox.NamedNode("https://schema.org/Country")
    within = ox.NamedNode("https://w3id.org/coop-kg/ontology#withinClass")
    store = ox.Store()
    store.add(ox.Quad(country, within, ox.NamedNode("https://schema.org/Place"), derived))
    for place in (world, japan):
        store.add(ox.Quad(place, ox.NamedNode(_TYPE), country, data))
    half = tallies.THRESHOLD // 2
    for n in range(tallies.THRESHOLD):
        node = ox.NamedNode(f"https://w3id.org/coop-kg/id/f{n}")
        store.add(
            ox.Quad(node, serves if n < half else funder, world, derived if n < half else data)
        )
        store.add(ox.Quad(node, ox.NamedNode(_TYPE), funding, data))
        store.add(ox.Quad(node, cites, evidence, data))
        tally = ox.NamedNode(tallies.node(JAPAN, "incoming", f"https://example.org/p{n}"))
        store.add(ox.Quad(tally, ox.NamedNode(tallies.OF), japan, derived))
        store.add(ox.Quad(tally, ox.NamedNode(tallies.FIRST), japan, derived))
        if n < 3:
            store.add(ox.Quad(node, funder, japan, data))
    rows = _native_rows(store)
    assert tallies.hubs(rows) == {WORLD}
    candidates = [WORLD, JAPAN, funding.value, evidence.value]
    assert tallies.over_threshold(rows, candidates) == {WORLD}


def test_the_hubs_listed_decide_which_counts_are_read(
    tallied: OxigraphStore, untallied: OxigraphStore
) -> None:
    """``describe(hubs=...)``: a listed hub reads its tally and is not counted; an entity not
    listed is counted without a look for a tally; a list out of date (a hub listed on a store
    that keeps no tally of it) still gives the page counted live."""
    world, unodc = WORLD, UNODC
    hubs = entities.tallied(tallied)
    assert world in hubs and unodc not in hubs
    expected = entities.describe(untallied, world)
    with queries.recording() as ran:
        assert entities.describe(tallied, world, hubs=hubs) == expected
    assert entities.TALLIES_QUERY in ran and entities.RELATIONS_QUERY not in ran
    with queries.recording() as ran:
        entities.describe(tallied, unodc, hubs=hubs)
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

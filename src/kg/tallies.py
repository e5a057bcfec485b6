"""Relation tallies: the group counts of an entity's page and the first page of each group
of its incoming relations, kept in the derived graph for the entities the most triples point
at (the world, a continent, the biggest funders).

Why: an entity's page counts its relations per direction and property
(``entity-relations.rq``) and lists the first page of each group (``entity-incoming.rq``),
and both read every triple pointing at it. The derived index points ``ck:servesWithin`` and
``ck:activityWithin`` at every place a funding or an activity lies in, so the world has a
triple for nearly every funding and activity of the store: at 1M triples 31-36k of them, and
counting them cost 38 ms in memory (95 ms on disk) where the page target is 10 ms. A big
funder has its thousands of fundings instead: at 1M synthetic triples ``japan`` has 4,395
triples pointing at it, and its page spent 14.5 ms reading the subjects of its 14 incoming
groups to cut each first page and 6.8 ms counting them. pyoxigraph scans the triples of an
object whatever the filter (a plain ``COUNT(*)`` of the world's was 13 ms on disk), and a
first page in IRI order needs every subject of its group, so both are kept instead, as the
summary totals are (``kg.totals``): for each entity of a collection (``kinds.rq``) that at
least ``THRESHOLD`` triples of any graph point at, one node per group, holding what
``entity-relations.rq`` answers for it and, for an incoming group the page lists
(``INDEX_PROPERTIES`` aside), the subjects of its first page of ``PAGE_SIZE``.
``entity-relation-tallies.rq`` reads them back.

They are computed by running those two queries themselves, after the rest of the derived
graph is written (the counts include its groups), so a tally is by construction what the
queries answer at that moment. A whole derive tallies every entity over the threshold; a
write recounts the tallied entities it touched (a quad of the write, or a derived triple it
changed, names the entity) and those its quads may have taken over the threshold
(``kg.derive.apply_change``). ``tests/test_derive_incremental.py`` checks that after random
writes the tallies are the ones a whole derive computes. A tally does not count itself:
``entity-relations.rq`` leaves ``ck:tallyOf``, ``ck:tallyProperty`` and ``ck:tallyFirst`` out
of the incoming relations, and the threshold does not count them either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Final
from urllib.parse import quote

from rdflib import URIRef

from kg import totals
from kg._namespaces import BASE, CK, ID
from kg.queries import load_query, with_constants
from kg.sparql_guard import where_body
from kg.stores.base import iri_values
from kg.totals import Object, Text, Triple

#: The triples (of any graph, tallies aside) that must point at an entity for its page to be
#: kept. Reading a group's subjects costs ~3.3 us a triple in memory and counting them ~1.5
#: (1M triples), so an entity under the threshold costs its page at most ~5 ms more than one
#: with nothing pointing at it. Every tallied entity a write touches is recounted (the world
#: 38-95 ms at 1M triples), so only the hubs are: 45 entities at 1M synthetic triples, 545 at
#: 10M (every country and theme), whose tallies take a whole derive 54 s on disk there.
THRESHOLD: Final = 1000
#: The relations kept of each incoming group: the first page an entity's answer lists unless
#: asked for another (``kg.entities.GROUP_LIMIT`` is this).
PAGE_SIZE: Final = 20
#: The properties of the derived graph (``kg.derive``): closures and the funding index that
#: every load computes from the rest of the data, for queries. No user asserted them, and they
#: repeat what the page shows anyway ("within place" repeats the place hierarchy, "serves
#: within" the areas served), so an entity's answer counts their groups but lists them only
#: when asked for that group (``kg.entities.GroupPage``): listing them cost most of the answer
#: at 1M triples (a continent has a funding serving within it for every funding in its
#: countries). Their first pages are not kept either: the world's ``ck:servesWithin`` group
#: has a subject for nearly every funding. ``/api/fundings?region=`` lists those fundings with
#: amounts and filters. The summary totals (``kg.totals``) point at the funders, recipients,
#: places and themes they count.
INDEX_PROPERTIES: Final = (
    frozenset(
        str(CK[name])
        for name in (
            "withinPlace",
            "withinTheme",
            "withinClass",
            "withinProperty",
            "servesWithin",
            "fundingOrder",
            "fundingYear",
            "positionWithin",
            "fundingCount",
            "activityWithin",
            "activityOrder",
        )
    )
    | totals.PREDICATES
)
#: The predicates of a tally node.
OF: Final = str(CK["tallyOf"])
DIRECTION: Final = str(CK["tallyDirection"])
PROPERTY: Final = str(CK["tallyProperty"])
COUNT: Final = str(CK["tallyCount"])
FIRST: Final = str(CK["tallyFirst"])
PREDICATES: Final = frozenset({OF, DIRECTION, PROPERTY, COUNT, FIRST})
#: Where tally nodes live (``node``).
NODES: Final = BASE + "derived/tally/"
#: The named queries whose answers a tally keeps, and the one that lists the tallied entities.
RELATIONS_QUERY: Final = "entity-relations"
PAGE_QUERY: Final = "entity-incoming"
TALLIED_QUERY: Final = "tallied-entities"

#: Runs a SELECT, rows as IRIs or (second argument True) lexical forms: ``kg.derive.Rows``.
Rows = Callable[[str, bool], list[tuple[str | None, ...]]]
#: The subjects of the first page of an entity's incoming relations by a property, in IRI
#: order: (entity, property) -> subject IRIs, at most ``PAGE_SIZE``.
FirstPage = Callable[[str, str], list[str]]

#: The classes of the collections (``kinds.rq``: actors, initiatives, places...), whose
#: entities have pages; what points at the other nodes (evidence, selectors, fundings: most of
#: the triples) is not counted: the count of 10M triples on disk took 57.4 s over every
#: object, 9.8 s over these entities, and found the same 545.
KINDS_QUERY: Final = "kinds"
_POINTING: Final = """\
SELECT ?entity (COUNT(*) AS ?n) WHERE {
  { SELECT DISTINCT ?entity WHERE {
      %s
      { %s }
      ?entity a ?class .
  } }
  ?node ?link ?entity .
  FILTER (isIRI(?entity) && ?link NOT IN (<%s>, <%s>, <%s>))
} GROUP BY ?entity HAVING (COUNT(*) >= %d)"""
_STORED: Final = """\
SELECT ?tally ?entity ?direction ?property ?count ?first WHERE {
  VALUES ?entity { %s }
  GRAPH <%s> {
    ?tally <%s> ?entity ; <%s> ?direction ; <%s> ?property ; <%s> ?count .
    OPTIONAL { ?tally <%s> ?first }
  }
}"""


def node(entity: str, direction: str, prop: str) -> str:
    """The IRI of the tally of ``entity``'s ``direction`` relations by ``prop``."""
    return f"{NODES}{quote(entity, safe='')}/{direction}/{quote(prop, safe='')}"


def is_entity(iri: str) -> bool:
    """Whether ``iri`` may be tallied: an entity of the graph (under ``id:``), not a class or a
    property of the ontology, which every write adds triples pointing at; it must also be in
    a collection (``kinds.rq``), which the count asks."""
    return iri.startswith(str(ID))


def hubs(rows: Rows) -> set[str]:
    """The entities of the collections that at least ``THRESHOLD`` triples of the store point
    at (tallies aside): those a whole derive tallies. One aggregate over what points at them
    (0.9 s at 1M triples in memory, 9.8 s at 10M on disk), run once the rest of the derived
    graph is written (a class's collection is read through its ``ck:withinClass``)."""
    return _pointed_at(rows, "")


def over_threshold(rows: Rows, entities: Iterable[str]) -> set[str]:
    """Those of ``entities`` that at least ``THRESHOLD`` triples of the store (as it holds
    them now, tallies aside) point at."""
    given = sorted({e for e in entities if is_entity(e)})
    if not given:
        return set()
    return _pointed_at(rows, f"VALUES ?entity {{ {iri_values(given)} }}")


def _pointed_at(rows: Rows, values: str) -> set[str]:
    kinds = load_query(KINDS_QUERY)
    classes = kinds[where_body(kinds) : kinds.rindex("}")]
    sparql = _POINTING % (values, classes, OF, PROPERTY, FIRST, THRESHOLD)
    return {e for e, _ in rows(sparql, True) if e is not None and is_entity(e)}


def tallied(rows: Rows) -> set[str]:
    """The entities the derived graph keeps tallies of (``tallied-entities.rq``)."""
    return {e for (e,) in rows(load_query(TALLIED_QUERY), False) if e is not None}


def stored(rows: Rows, derived_graph: str, entities: Iterable[str]) -> set[Triple]:
    """The tally triples the derived graph holds for ``entities``."""
    given = sorted(set(entities))
    if not given:
        return set()
    sparql = _STORED % (iri_values(given), derived_graph, OF, DIRECTION, PROPERTY, COUNT, FIRST)
    found: set[Triple] = set()
    nodes: set[str] = set()
    for tally, entity, direction, prop, count, first in rows(sparql, True):
        if tally and entity and direction and prop and count:
            if tally not in nodes:  # one row per kept subject of its first page
                nodes.add(tally)
                found |= _node_triples(entity, direction, prop, int(count), (), tally)
            if first:
                found.add((tally, FIRST, first))
    return found


def counted(
    rows: Rows, entities: Iterable[str], first_page: FirstPage | None = None
) -> set[Triple]:
    """The tallies of ``entities``: ``entity-relations.rq`` run for each, and the first page
    of each incoming group it lists, their answers as tally triples (the derived graph must be
    up to date but for its tallies). ``first_page`` cuts a page; by default
    ``entity-incoming.rq``, whose sort is most of the work on pyoxigraph (108 of 134 s for the
    545 entities tallied at 10M triples): ``kg.derive`` passes the same page cut from the
    store's index (``OxigraphStore.subjects_page``)."""
    cut = first_page or partial(_first_page, rows)
    found: set[Triple] = set()
    for entity in sorted(set(entities)):
        sparql = with_constants(RELATIONS_QUERY, {"entity": URIRef(entity)})
        for direction, prop, _label, count in rows(sparql, True):
            if direction is None or prop is None or count is None:
                continue
            listed = direction == "incoming" and prop not in INDEX_PROPERTIES
            first = cut(entity, prop) if listed else []
            found |= _node_triples(entity, direction, prop, int(count), first)
    return found


def _first_page(rows: Rows, entity: str, prop: str) -> list[str]:
    """``FirstPage`` by ``entity-incoming.rq``."""
    constants = {"entity": URIRef(entity), "property": URIRef(prop)}
    page = with_constants(PAGE_QUERY, constants, (PAGE_SIZE, 0))
    return list(dict.fromkeys(s for s, _ in rows(page, False) if s is not None))


def _node_triples(
    entity: str,
    direction: str,
    prop: str,
    count: int,
    first: Iterable[str] = (),
    tally: str | None = None,
) -> set[Triple]:
    at = tally or node(entity, direction, prop)
    values: tuple[tuple[str, Object], ...] = (
        (OF, entity),
        (DIRECTION, Text(direction)),
        (PROPERTY, prop),
        (COUNT, count),
    )
    return {(at, predicate, value) for predicate, value in values} | {
        (at, FIRST, subject) for subject in first
    }

"""Relation tallies: the group counts of an entity's page, kept in the derived graph for the
entities the derived index points at most (a continent, the world).

Why: an entity's page counts its relations per direction and property
(``entity-relations.rq``), and counting reads every triple pointing at it. The derived index
points ``ck:servesWithin`` and ``ck:activityWithin`` at every place a funding or an activity
lies in, so the world has a triple for nearly every funding and activity of the store: at 1M
triples 31-36k of them, and counting them cost 38 ms in memory (95 ms on disk) where the page
target is 10 ms. pyoxigraph scans the triples of an object whatever the filter (a plain
``COUNT(*)`` of the world's was 13 ms on disk), so the counts are kept instead, as the summary
totals are (``kg.totals``): for each entity that at least ``THRESHOLD`` triples of the derived
graph point at, one node per group, holding what ``entity-relations.rq`` answers for it.
``entity-relation-tallies.rq`` reads them back.

They are computed by running ``entity-relations.rq`` itself, after the rest of the derived
graph is written (the counts include its groups), so a tally is by construction what the
query answers at that moment. A whole derive tallies every entity over the threshold; a write
recounts the tallied entities it touched (a quad of the write, or a derived triple it changed,
names the entity) and those the derived triples it added may have taken over the threshold
(``kg.derive.apply_change``). ``tests/test_derive_incremental.py`` checks that after random
writes the tallies are the ones a whole derive computes. A tally does not count itself:
``entity-relations.rq`` leaves ``ck:tallyOf`` and ``ck:tallyProperty`` out of the incoming
relations, and the threshold does not count them either.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Final
from urllib.parse import quote

from rdflib import URIRef

from kg._namespaces import BASE, CK
from kg.queries import load_query, with_constants
from kg.stores.base import iri_values
from kg.totals import Object, Text, Triple

#: The triples of the derived graph that must point at an entity for its counts to be kept.
#: The world has 31-36k at 1M triples; a country a few hundred. Every tallied entity touched
#: by a write is recounted (38-95 ms for the world at 1M triples), so only the hubs are.
THRESHOLD: Final = 5000
#: The predicates of a tally node.
OF: Final = str(CK["tallyOf"])
DIRECTION: Final = str(CK["tallyDirection"])
PROPERTY: Final = str(CK["tallyProperty"])
COUNT: Final = str(CK["tallyCount"])
PREDICATES: Final = frozenset({OF, DIRECTION, PROPERTY, COUNT})
#: Where tally nodes live (``node``).
NODES: Final = BASE + "derived/tally/"
#: The named query whose answer a tally keeps, and the one that lists the tallied entities.
RELATIONS_QUERY: Final = "entity-relations"
TALLIED_QUERY: Final = "tallied-entities"

#: Runs a SELECT, rows as IRIs or (second argument True) lexical forms: ``kg.derive.Rows``.
Rows = Callable[[str, bool], list[tuple[str | None, ...]]]

_INDEXED: Final = """\
SELECT ?entity (COUNT(*) AS ?n) WHERE {
  VALUES ?entity { %s }
  GRAPH <%s> { ?node ?link ?entity }
  FILTER (?link NOT IN (<%s>, <%s>))
} GROUP BY ?entity"""
_STORED: Final = """\
SELECT ?tally ?entity ?direction ?property ?count WHERE {
  VALUES ?entity { %s }
  GRAPH <%s> {
    ?tally <%s> ?entity ; <%s> ?direction ; <%s> ?property ; <%s> ?count .
  }
}"""


def node(entity: str, direction: str, prop: str) -> str:
    """The IRI of the tally of ``entity``'s ``direction`` relations by ``prop``."""
    return f"{NODES}{quote(entity, safe='')}/{direction}/{quote(prop, safe='')}"


def hubs(derived: Iterable[Triple]) -> set[str]:
    """The entities at least ``THRESHOLD`` of these derived triples point at (tallies aside):
    those a whole derive tallies."""
    pointing = Counter(o for _, p, o in derived if type(o) is str and p not in PREDICATES)
    return {entity for entity, n in pointing.items() if n >= THRESHOLD}


def over_threshold(rows: Rows, derived_graph: str, entities: Iterable[str]) -> set[str]:
    """Those of ``entities`` that at least ``THRESHOLD`` triples of the derived graph (as the
    store holds it now, tallies aside) point at."""
    given = sorted(set(entities))
    if not given:
        return set()
    found = rows(_INDEXED % (iri_values(given), derived_graph, OF, PROPERTY), True)
    return {e for e, n in found if e is not None and n is not None and int(n) >= THRESHOLD}


def tallied(rows: Rows) -> set[str]:
    """The entities the derived graph keeps tallies of (``tallied-entities.rq``)."""
    return {e for (e,) in rows(load_query(TALLIED_QUERY), False) if e is not None}


def stored(rows: Rows, derived_graph: str, entities: Iterable[str]) -> set[Triple]:
    """The tally triples the derived graph holds for ``entities``."""
    given = sorted(set(entities))
    if not given:
        return set()
    sparql = _STORED % (iri_values(given), derived_graph, OF, DIRECTION, PROPERTY, COUNT)
    found: set[Triple] = set()
    for tally, entity, direction, prop, count in rows(sparql, True):
        if tally and entity and direction and prop and count:
            found |= _node_triples(entity, direction, prop, int(count), tally)
    return found


def counted(rows: Rows, entities: Iterable[str]) -> set[Triple]:
    """The tallies of ``entities``: ``entity-relations.rq`` run for each, its answer as
    tally triples (the derived graph must be up to date but for its tallies)."""
    found: set[Triple] = set()
    for entity in sorted(set(entities)):
        sparql = with_constants(RELATIONS_QUERY, {"entity": URIRef(entity)})
        for direction, prop, _label, count in rows(sparql, True):
            if direction is None or prop is None or count is None:
                continue
            found |= _node_triples(entity, direction, prop, int(count))
    return found


def _node_triples(
    entity: str, direction: str, prop: str, count: int, tally: str | None = None
) -> set[Triple]:
    at = tally or node(entity, direction, prop)
    values: tuple[tuple[str, Object], ...] = (
        (OF, entity),
        (DIRECTION, Text(direction)),
        (PROPERTY, prop),
        (COUNT, count),
    )
    return {(at, predicate, value) for predicate, value in values}

"""Triples derived from the rest of the store at load time, kept in one graph of their own.

Queries ask "is this place inside that region?" on every request, and evaluating
``schema:containedInPlace*`` for every candidate is what made the region filter slow at scale
(MEASURED.md: 229 ms with the path, 88 ms with the closure as plain triples, at 1M triples).
So after every build and import the closure is written as ``ck:withinPlace`` triples into
``DERIVED_GRAPH``, which nobody edits and every load rewrites.

``ck:withinPlace`` is reflexive on places (every place is within itself, as GeoSPARQL's
``sfWithin`` is): a region filter is then one triple pattern, ``?area ck:withinPlace
?regionParam``, meaning what ``?area schema:containedInPlace* ?regionParam`` means for a place.
"""

from __future__ import annotations

from typing import Final

import pyoxigraph as ox

from kg._namespaces import GRAPH, PREFIXES

DERIVED_GRAPH: Final = str(GRAPH["derived"])

#: Every place with every place it is within, itself included. Places are the nodes typed
#: schema:Place or a subclass of it, and every node on either side of schema:containedInPlace.
#: Only IRIs: a blank node written back through INSERT DATA would be a new node.
CLOSURE_QUERY: Final = """\
SELECT DISTINCT ?place ?within WHERE {
  { ?place schema:containedInPlace+ ?within }
  UNION { ?place schema:containedInPlace [] BIND (?place AS ?within) }
  UNION { [] schema:containedInPlace ?place BIND (?place AS ?within) }
  UNION { ?type rdfs:subClassOf* schema:Place . ?place a ?type BIND (?place AS ?within) }
  FILTER (isIRI(?place) && isIRI(?within))
}"""


def closure_update(pairs: list[tuple[str, str]]) -> str:
    """The update that replaces ``DERIVED_GRAPH`` with ``ck:withinPlace`` for ``pairs`` of IRIs.

    One update is one transaction in pyoxigraph: a reader sees the old closure or the new one.
    """
    triples = "\n".join(f"<{place}> ck:withinPlace <{within}> ." for place, within in pairs)
    return (
        f"DROP SILENT GRAPH <{DERIVED_GRAPH}> ;\n"
        f"INSERT DATA {{ GRAPH <{DERIVED_GRAPH}> {{\n{triples}\n}} }}"
    )


def materialise(store: ox.Store) -> int:
    """Rewrite the derived graph of ``store`` from the rest of it; returns its size in triples.

    Run it on a store before readers see it (a freshly written build, a staged import), so the
    data and its closure change together. Why a query and then INSERT DATA, not one
    ``INSERT ... WHERE``: an update's WHERE reads the store's default graph, which is empty here
    (all data sits in named graphs), and naming the graphs with ``USING`` made the path run per
    graph combination: 3.5 s at 1M triples in 430 graphs, against 7 ms for the same closure
    queried over the union of the graphs.
    """
    solutions = store.query(CLOSURE_QUERY, prefixes=PREFIXES, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    pairs = []
    for place, within in solutions:
        assert isinstance(place, ox.NamedNode) and isinstance(within, ox.NamedNode)
        pairs.append((place.value, within.value))
    pairs.sort()
    store.update(closure_update(pairs), prefixes=PREFIXES)
    return len(pairs)

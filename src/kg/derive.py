"""Triples derived from the rest of the store at load time, kept in one graph of their own.

Queries ask "is this place inside that region?", "is this theme narrower than that one?" and
"is this class a kind of ck:Funding?" on every request. Evaluating property paths such as
``schema:containedInPlace*`` for every candidate is what made the region filter slow at scale
(MEASURED.md: 229 ms with the path, 88 ms with the closure as plain triples, at 1M triples),
and Virtuoso 7.2.5 drops rows of paths joined to other patterns in a restricted dataset
(openlink/virtuoso-opensource#127). So after every build, import and write the closures are
written as plain triples into ``DERIVED_GRAPH``, which nobody edits and every load rewrites,
and the named queries use them instead of paths:

* ``ck:withinPlace``: a place and every place it lies in (``schema:containedInPlace``);
* ``ck:withinTheme``: a theme and every broader theme (``skos:broader``);
* ``ck:withinClass``: a class and every superclass (``rdfs:subClassOf``);
* ``ck:withinProperty``: a property and every superproperty (``rdfs:subPropertyOf``);
* ``ck:servesWithin``: a funding and every place its areas lie in, its own
  ``schema:areaServed`` and those of the initiative it funds (``schema:fundedItem``), so "the
  fundings in Asia" is one index lookup (1 ms at 1M triples, against 28 ms for the join);
* ``ck:fundingOrder``: a funding's position (an ``xsd:integer``, 0 first) in the default order
  of the fundings list, by label ignoring case, then IRI. Sorting by an integer costs no
  string decoding: at 1M triples pyoxigraph sorted the 5,157 fundings in Asia by
  ``LCASE(STR(?label))`` in ~25 ms, and the label join that fed it cost as much again. The
  index doubles as "is a labelled funding", so the list needs no class join either. Every
  funding after a new one moves one place, so a write rewrites their positions.
* ``ck:fundingYear``: each calendar year (an ``xsd:integer``) a funding counts in for a
  summary by year (``kg.fundings`` states the rule: its period, a transaction's day, an open
  end closed by the date its source document is current to), so that the summary is one GROUP
  BY instead of every funding's details and evidence read into Python (8.2 s at 1M triples). A
  funding with no period has none. Per funding: its own dates and the documents its evidence
  quotes, nothing else.

The four closures are reflexive (every place is within itself, as GeoSPARQL's ``sfWithin`` is),
so a filter is one triple pattern: ``?area ck:withinPlace ?region`` means what ``?area
schema:containedInPlace* ?region`` means for a place. The closures are computed in Python from
the edges, each read with a plain triple pattern: the same on every backend, and cheap (the
hierarchies are small; the funding index is one row per funding and area).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Final

import pyoxigraph as ox
from rdflib import Literal, URIRef

from kg._namespaces import CK, GRAPH, PREFIXES
from kg.stores.base import SelectResult, Store, sparql_term

DERIVED_GRAPH: Final = str(GRAPH["derived"])

_SCHEMA: Final = "https://schema.org/"
_SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
_CK: Final = str(CK)

#: Edges of the class and property hierarchies, and the declared classes and properties (so
#: that a class with no superclass is still within itself).
_CLASS_EDGES: Final = "SELECT ?from ?to WHERE { ?from rdfs:subClassOf ?to }"
_CLASSES: Final = """\
SELECT DISTINCT ?node WHERE {
  { ?node a owl:Class } UNION { ?node a rdfs:Class } UNION { [] a ?node }
}"""
_PROPERTY_EDGES: Final = "SELECT ?from ?to WHERE { ?from rdfs:subPropertyOf ?to }"
_PROPERTIES: Final = """\
SELECT DISTINCT ?node WHERE {
  { ?node a owl:ObjectProperty } UNION { ?node a owl:DatatypeProperty }
  UNION { ?node a owl:AnnotationProperty } UNION { ?node a rdf:Property }
}"""
_PLACE_EDGES: Final = "SELECT ?from ?to WHERE { ?from schema:containedInPlace ?to }"
_THEME_EDGES: Final = "SELECT ?from ?to WHERE { ?from skos:broader ?to }"
#: Instances of any of the classes in VALUES (filled in by ``_instances``).
_INSTANCES: Final = "SELECT DISTINCT ?node WHERE { VALUES ?type { %s } ?node a ?type }"
#: Every labelled funding with its labels (the order needs them; a label-less funding is listed
#: nowhere, as before).
_FUNDING_LABELS: Final = """\
SELECT ?funding ?label WHERE {
  VALUES ?type { %s }
  ?funding a ?type ; rdfs:label ?label .
}"""
#: Every labelled funding's period and a transaction's day (the summary by year counts the
#: fundings kg.fundings lists: labelled ones).
_FUNDING_DATES: Final = """\
SELECT ?funding ?start ?end ?day WHERE {
  VALUES ?type { %s }
  ?funding a ?type ; rdfs:label [] .
  OPTIONAL { ?funding schema:startDate ?start }
  OPTIONAL { ?funding schema:endDate ?end }
  OPTIONAL { ?funding ck:transactionDate ?day }
}"""
#: The period of each document a funding's evidence quotes (as funding-evidence.rq reads it:
#: the end is the document's ck:currentTo, else the end of the period it covers).
_FUNDING_DOCUMENTS: Final = """\
SELECT ?funding ?documentStart ?documentEnd WHERE {
  VALUES ?type { %s }
  ?funding a ?type ; prov:wasDerivedFrom ?evidence .
  ?evidence oa:hasSource ?item ;
      oa:hasSelector [ oa:exact ?quote ] , [ oa:start ?quoteStart ; oa:end ?quoteEnd ] .
  OPTIONAL { ?item schema:startDate ?documentStart }
  OPTIONAL { ?item schema:endDate ?coverageEnd }
  OPTIONAL { ?item ck:currentTo ?currentTo }
  BIND (COALESCE(?currentTo, ?coverageEnd) AS ?documentEnd)
}"""
_FUNDING_AREAS: Final = """\
SELECT DISTINCT ?funding ?area WHERE {
  VALUES ?type { %s }
  ?funding a ?type .
  { ?funding schema:areaServed ?area }
  UNION { ?funding schema:fundedItem ?initiative . ?initiative schema:areaServed ?area }
}"""

#: What the activities list lists (activities.rq): every IATI activity and every node with an
#: organisation in one of the IATI participation roles (curated initiatives such as JICA's
#: projects).
ACTIVITIES: Final = """\
  { ?activity a ck:IatiActivity }
  UNION { ?activity ck:implementedBy [] }
  UNION { ?activity ck:fundedBy [] }
  UNION { ?activity ck:accountableOrganisation [] }
  UNION { ?activity ck:extendingOrganisation [] }"""
_ACTIVITY_LABELS: Final = (
    "SELECT ?activity ?label WHERE {\n  { SELECT DISTINCT ?activity WHERE {\n"
    + ACTIVITIES
    + "\n  } }\n  ?activity rdfs:label ?label .\n}"
)
_ACTIVITY_AREAS: Final = (
    "SELECT DISTINCT ?activity ?area WHERE {\n  { SELECT DISTINCT ?activity WHERE {\n"
    + ACTIVITIES
    + "\n  } }\n  ?activity schema:areaServed ?area .\n}"
)

Closure = dict[str, set[str]]
#: A derived triple: subject and predicate IRIs, and an IRI or (for ``ck:fundingOrder``) an
#: integer.
Triple = tuple[str, str, str | int]
_INTEGER: Final = "http://www.w3.org/2001/XMLSchema#integer"


def derive(store: Store) -> int:
    """Rewrite the derived graph of ``store`` from the rest of it; returns its size in triples.

    Run it before readers see the data (a fresh build, a staged import) or right after a
    write: the graph is replaced in one step (``Store.replace_graph``), so a reader sees the
    old closures or the new ones. Running it twice gives the same graph.
    """
    triples = derived_triples(_store_rows(store))
    lines = "".join(
        f"<{subject}> <{predicate}> {_ntriples_object(obj)} .\n"
        for subject, predicate, obj in sorted(triples)
    )
    store.replace_graph(DERIVED_GRAPH, lines.encode("utf-8"))
    return len(triples)


def materialise(store: ox.Store) -> int:
    """``derive`` for a bare pyoxigraph store that no one reads yet (a fresh build, a staged
    import or write); returns the derived triples.

    Faster than ``derive`` on the same store, which matters at scale (1M triples on disk,
    100k derived: 9.6 s through ``derive``, most of it a transactional ``extend``): rows are
    read without converting terms to rdflib, and the graph is written with ``bulk_extend``,
    which is not one transaction, hence only for a store no reader sees.
    """
    triples = derived_triples(_native_rows(store))
    graph = ox.NamedNode(DERIVED_GRAPH)
    old: set[Triple] = set()
    for q in store.quads_for_pattern(None, None, None, graph):
        if not isinstance(q.subject, ox.NamedNode):
            continue
        if isinstance(q.object, ox.NamedNode):
            old.add((q.subject.value, q.predicate.value, q.object.value))
        elif isinstance(q.object, ox.Literal) and q.object.datatype.value == _INTEGER:
            old.add((q.subject.value, q.predicate.value, int(q.object.value)))
    gone = old - triples
    if len(gone) > len(old) // 2:
        # Mostly new: dropping the graph at once is cheaper than quad by quad.
        store.remove_graph(graph)
        old = set()
    else:
        # An import or write changes a few closures: touching only those is what keeps this
        # fast (removing 100k derived quads on disk took 2.2 s, at 1M triples).
        for s, p, o in gone:
            store.remove(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), _native_object(o), graph))
    store.bulk_extend(
        ox.Quad(ox.NamedNode(s), ox.NamedNode(p), _native_object(o), graph)
        for s, p, o in sorted(triples - old)
    )
    return len(triples)


def _native_object(obj: str | int) -> ox.NamedNode | ox.Literal:
    if isinstance(obj, int):
        return ox.Literal(str(obj), datatype=ox.NamedNode(_INTEGER))
    return ox.NamedNode(obj)


def _ntriples_object(obj: str | int) -> str:
    return f'"{obj}"^^<{_INTEGER}>' if isinstance(obj, int) else f"<{obj}>"


#: Runs a SELECT and returns its rows as IRIs (None for anything else: blank nodes, and
#: literals unless the second argument is True, when they come as their lexical form).
Rows = Callable[[str, bool], list[tuple[str | None, ...]]]


def _store_rows(store: Store) -> Rows:
    def rows(sparql: str, literals: bool) -> list[tuple[str | None, ...]]:
        result = store.query(sparql)
        assert isinstance(result, SelectResult), sparql
        return [
            tuple(
                str(t) if isinstance(t, URIRef) or (literals and isinstance(t, Literal)) else None
                for t in r
            )
            for r in result.rows
        ]

    return rows


def _native_rows(store: ox.Store) -> Rows:
    def rows(sparql: str, literals: bool) -> list[tuple[str | None, ...]]:
        result = store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions), sparql
        return [
            tuple(
                t.value
                if isinstance(t, ox.NamedNode) or (literals and isinstance(t, ox.Literal))
                else None
                for t in solution
            )
            for solution in result
        ]

    return rows


def derived_triples(rows: Rows) -> set[Triple]:
    """Every derived triple, as (subject, predicate, object) IRIs, from the store ``rows``
    reads."""
    classes = closure(_pairs(rows, _CLASS_EDGES), _nodes(rows, _CLASSES))
    properties = closure(_pairs(rows, _PROPERTY_EDGES), _nodes(rows, _PROPERTIES))
    places = closure(
        _pairs(rows, _PLACE_EDGES), _instances(rows, subclasses(classes, _SCHEMA + "Place"))
    )
    themes = closure(
        _pairs(rows, _THEME_EDGES), _instances(rows, subclasses(classes, _SKOS + "Concept"))
    )
    triples: set[Triple] = set()
    for name, relation in (
        ("withinClass", classes),
        ("withinProperty", properties),
        ("withinPlace", places),
        ("withinTheme", themes),
    ):
        predicate = _CK + name
        triples.update((node, predicate, up) for node, ups in relation.items() for up in ups)
    funding_types = subclasses(classes, _CK + "Funding")
    serves = _CK + "servesWithin"
    for funding, area in _pairs(rows, _FUNDING_AREAS % _values(funding_types)):
        triples.update((funding, serves, up) for up in places.get(area, {area}))
    order = _CK + "fundingOrder"
    labelled = _pairs(rows, _FUNDING_LABELS % _values(funding_types), literals=True)
    triples.update((funding, order, n) for n, funding in enumerate(label_order(labelled)))
    triples.update(_funding_years(rows, _values(funding_types)))
    triples.update(activity_triples(rows, places))
    return triples


def activity_triples(rows: Rows, places: Closure) -> set[Triple]:
    """``ck:activityWithin`` and ``ck:activityOrder`` of every activity (see the module
    docstring), given the place closure. ``ck:activityWithin`` is per activity (its own areas
    and the closure); ``ck:activityOrder`` needs every activity's label."""
    within = _CK + "activityWithin"
    triples: set[Triple] = {
        (activity, within, up)
        for activity, area in _pairs(rows, _ACTIVITY_AREAS)
        for up in places.get(area, ())  # as ck:withinPlace: places only
    }
    order = _CK + "activityOrder"
    labelled = _pairs(rows, _ACTIVITY_LABELS, literals=True)
    triples.update((activity, order, n) for n, activity in enumerate(label_order(labelled)))
    return triples


def _funding_years(rows: Rows, types: str) -> set[Triple]:
    """``ck:fundingYear`` of every labelled funding (``funding_years`` per funding)."""
    dates: dict[str, tuple[str | None, ...]] = {}
    for funding, *period in rows(_FUNDING_DATES % types, True):
        if funding is not None:
            dates.setdefault(funding, tuple(period))
    documents: dict[str, list[tuple[str | None, str | None]]] = {}
    for funding, start, end in rows(_FUNDING_DOCUMENTS % types, True):
        if funding is not None:
            documents.setdefault(funding, []).append((start, end))
    predicate = _CK + "fundingYear"
    return {
        (funding, predicate, year)
        for funding, (start, end, day) in dates.items()
        for year in funding_years(start, end, day, documents.get(funding, ()))
    }


def funding_years(
    start: str | None,
    end: str | None,
    day: str | None,
    documents: Iterable[tuple[str | None, str | None]] = (),
) -> range:
    """The calendar years a funding counts in for a summary by year, from the lexical forms
    of its start, end, transaction day and the (start, end) of each document its evidence
    quotes: its period's years (a transaction's is its day's); an open end runs to the latest
    document end (or stays the start year), an open start from the earliest document start (or
    the end year); an end before the start counts the start year alone; no period, no year."""
    first, last = _year(start if start is not None else day), _year(end if end is not None else day)
    if first is None and last is None:
        return range(0)
    if last is None:
        assert first is not None
        last = max([first, *(y for _, e in documents if (y := _year(e)) is not None)])
    if first is None:
        first = min([*(y for s, _ in documents if (y := _year(s)) is not None), last])
    return range(first, last + 1) if first <= last else range(first, first + 1)


def _year(text: str | None) -> int | None:
    """The year of an xsd:gYear, gYearMonth or date (its first four digits), else None."""
    return int(text[:4]) if text is not None and text[:4].isdigit() else None


def label_order(labelled: Iterable[tuple[str, str]]) -> list[str]:
    """Nodes sorted as ``ORDER BY LCASE(STR(?label)) ?node`` sorts them (Python's ``lower``
    and code-point order are SPARQL's ``LCASE`` and pyoxigraph's string order), each once, at
    its first label in that order."""
    first: dict[str, str] = {}
    for node, label in labelled:
        key = label.lower()
        if node not in first or key < first[node]:
            first[node] = key
    return sorted(first, key=lambda node: (first[node], node))


def closure(edges: Iterable[tuple[str, str]], nodes: Iterable[str] = ()) -> Closure:
    """The reflexive, transitive closure of ``edges`` over their ends and ``nodes``.

    A cycle (which the shapes refuse in curated data) cannot make this loop: each node's
    ancestors are collected once with an explicit stack.
    """
    up: dict[str, set[str]] = {}
    for lower, upper in edges:
        up.setdefault(lower, set()).add(upper)
        up.setdefault(upper, set())
    for node in nodes:
        up.setdefault(node, set())
    result: Closure = {}
    for start in up:
        seen = {start}
        stack = [start]
        while stack:
            for parent in up[stack.pop()]:
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        result[start] = seen
    return result


def subclasses(classes: Mapping[str, set[str]], root: str) -> set[str]:
    """The classes within ``root`` (itself included), by the class closure."""
    return {cls for cls, ups in classes.items() if root in ups} | {root}


def _pairs(rows: Rows, sparql: str, *, literals: bool = False) -> list[tuple[str, str]]:
    """IRI pairs from a two-variable SELECT, leaving out blank nodes and (unless ``literals``)
    literals (a blank node written back as N-Triples would be a new node)."""
    return [(a, b) for a, b in rows(sparql, literals) if a is not None and b is not None]


def _nodes(rows: Rows, sparql: str) -> list[str]:
    return [n for (n,) in rows(sparql, False) if n is not None]


def _instances(rows: Rows, types: Iterable[str]) -> list[str]:
    return _nodes(rows, _INSTANCES % _values(types))


def _values(iris: Iterable[str]) -> str:
    return " ".join(sparql_term(URIRef(i)) for i in sorted(iris))

"""Triples derived from the rest of the store at load time, kept in one graph of their own.

Queries ask "is this place inside that region?", "is this theme narrower than that one?" and
"is this class a kind of ck:Funding?" on every request. Evaluating property paths such as
``schema:containedInPlace*`` for every candidate is what made the region filter slow at scale
(docs/measured.md: 229 ms with the path, 88 ms with the closure as plain triples, at 1M triples),
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
* ``ck:positionWithin`` and ``ck:fundingCount``: the fundings serving within a place
  (``ck:servesWithin``), numbered in the list's order (``ck:fundingOrder``) per place: the
  funding at position ``n`` among those within ``place`` points to the node
  ``position_node(place, n)``, and the place has its ``ck:fundingCount``. A page of "the
  fundings in Asia" is then a lookup of its positions and the total one triple, where the
  list read and sorted every funding in the region twice, for the page and for the count
  (5,155 in Asia at 1M triples, 55k at 10M: 85 and 729 ms). Every funding after a new one
  in a place moves one position there, so a write that adds, removes, relabels or moves a
  funding rewrites the positions of its places; one that changes neither its order nor its
  places leaves them.

* ``ck:tallyOf`` and the rest of a tally (``kg.tallies``): the group counts of an entity's page
  and the first page of its incoming groups, kept for the entities at least
  ``tallies.THRESHOLD`` triples point at (the world, the continents, the biggest funders),
  answered by ``entity-relations.rq`` and ``entity-incoming.rq`` once the rest of the graph is
  written.

The four closures are reflexive (every place is within itself, as GeoSPARQL's ``sfWithin`` is),
so a filter is one triple pattern: ``?area ck:withinPlace ?region`` means what ``?area
schema:containedInPlace* ?region`` means for a place. The closures are computed in Python from
the edges, each read with a plain triple pattern: the same on every backend, and cheap (the
hierarchies are small; the funding index is one row per funding and area).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Literal, URIRef

from kg import tallies, totals
from kg._namespaces import BASE, CK, GRAPH, PREFIXES
from kg.stores.base import SelectResult, Store, iri_values
from kg.stores.oxigraph import OxigraphStore
from kg.totals import Object, Text, Triple

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
#: The same two for the fundings a write touched (VALUES, then the types as a FILTER, as
#: ``_FUNDING_AREAS_OF`` below explains).
_FUNDING_DATES_OF: Final = _FUNDING_DATES.replace(
    "  VALUES ?type { %s }\n  ?funding a ?type ;",
    "  VALUES ?funding { %s }\n  ?funding a ?type . FILTER (?type IN (%s))\n  ?funding",
)
_FUNDING_DOCUMENTS_OF: Final = _FUNDING_DOCUMENTS.replace(
    "  VALUES ?type { %s }\n  ?funding a ?type ;",
    "  VALUES ?funding { %s }\n  ?funding a ?type . FILTER (?type IN (%s))\n  ?funding",
)
#: The nodes whose evidence is, or quotes, one of the nodes in VALUES. The pattern bound by
#: VALUES comes first in each branch: the other way round pyoxigraph 0.5.13 read every
#: prov:wasDerivedFrom first (45 s for the 447 subjects of one graph at 1M triples, 4 ms so).
_QUOTING: Final = """\
SELECT DISTINCT ?node WHERE {
  VALUES ?touched { %s }
  { ?node prov:wasDerivedFrom ?touched }
  UNION { ?evidence oa:hasSource ?touched . ?node prov:wasDerivedFrom ?evidence }
}"""
_AREAS: Final = """\
  { ?funding schema:areaServed ?area }
  UNION { ?funding schema:fundedItem ?initiative . ?initiative schema:areaServed ?area }"""
_FUNDING_AREAS: Final = f"""\
SELECT DISTINCT ?funding ?area WHERE {{
  VALUES ?type {{ %s }}
  ?funding a ?type .
{_AREAS}
}}"""
#: The same for the fundings a write touched (VALUES, then the types as a FILTER: with two
#: VALUES blocks pyoxigraph 0.5.13 took 8 s for 130 fundings at 1M triples, this 15 ms).
_FUNDING_AREAS_OF: Final = f"""\
SELECT DISTINCT ?funding ?area WHERE {{
  VALUES ?funding {{ %s }}
  ?funding a ?type . FILTER (?type IN (%s))
{_AREAS}
}}"""

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

_ACTIVITY_AREAS_OF: Final = (
    "SELECT DISTINCT ?activity ?area WHERE {\n  VALUES ?activity { %s }\n"
    + ACTIVITIES
    + "\n  ?activity schema:areaServed ?area .\n}"
)
#: The participation roles that make a node an activity (``ACTIVITIES``).
_ROLES: Final = frozenset(
    _CK + name
    for name in ("implementedBy", "fundedBy", "accountableOrganisation", "extendingOrganisation")
)
_IATI_ACTIVITY: Final = _CK + "IatiActivity"
#: What ``ck:activityOrder`` reads: an activity's types, labels and roles.
_ACTIVITY_ORDER_READS: Final = (
    frozenset(
        {
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
            "http://www.w3.org/2000/01/rdf-schema#label",
        }
    )
    | _ROLES
)

Closure = dict[str, set[str]]
_INTEGER: Final = "http://www.w3.org/2001/XMLSchema#integer"
_DECIMAL: Final = "http://www.w3.org/2001/XMLSchema#decimal"
_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"


def derive(store: Store) -> int:
    """Rewrite the derived graph of ``store`` from the rest of it; returns its size in triples.

    Run it before readers see the data (a fresh build, a staged import) or right after a
    write: the graph is replaced in one step (``Store.replace_graph``), so a reader sees the
    old closures or the new ones. Running it twice gives the same graph.
    """
    rows = _store_rows(store)
    triples = derived_triples(rows)
    store.replace_graph(DERIVED_GRAPH, _ntriples(triples))
    hubs = tallies.hubs(rows)
    if hubs:
        # Counted on the graph just written (its groups are part of the counts), then written
        # with it: a reader meanwhile counts the relations live, as for any other entity.
        native = store.pyoxigraph()
        cut = None if native is None else _first_page(native.native)
        triples |= tallies.counted(rows, hubs, cut)
        store.replace_graph(DERIVED_GRAPH, _ntriples(triples))
    return len(triples)


def _ntriples(triples: Iterable[Triple]) -> bytes:
    lines = "".join(
        f"<{subject}> <{predicate}> {_ntriples_object(obj)} .\n"
        for subject, predicate, obj in sorted(triples)
    )
    return lines.encode("utf-8")


def materialise(store: ox.Store) -> int:
    """``derive`` for a bare pyoxigraph store that no one reads yet (a fresh build, a staged
    import or write); returns the derived triples.

    Faster than ``derive`` on the same store, which matters at scale (1M triples on disk,
    100k derived: 9.6 s through ``derive``, most of it a transactional ``extend``): rows are
    read without converting terms to rdflib, and the graph is written with ``bulk_extend``,
    which is not one transaction, hence only for a store no reader sees.
    """
    return len(_rederive(store)[1])


def _rederive(store: ox.Store) -> tuple[set[Triple], set[Triple]]:
    """``materialise``'s work: the derived graph of ``store`` computed whole and written;
    returns its triples before and after (the derived graph is read once)."""
    rows = _native_rows(store)
    triples = derived_triples(rows)
    graph = ox.NamedNode(DERIVED_GRAPH)
    was = _triples(store.quads_for_pattern(None, None, None, graph))
    # The tallies are counted once the rest is written (below).
    old = {t for t in was if t[1] not in tallies.PREDICATES}
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
    old_tallies = tallies.stored(rows, DERIVED_GRAPH, tallies.tallied(rows))
    kept = tallies.counted(rows, tallies.hubs(rows), _first_page(store))
    _replace(store, old_tallies, kept)
    return was, triples | kept


def _replace(
    store: ox.Store, old: set[Triple], new: set[Triple]
) -> tuple[set[Triple], set[Triple]]:
    """Replace the derived triples ``old`` by ``new`` (only those that differ are touched);
    returns (removed, added)."""
    removed, added = old - new, new - old
    for triple in removed:
        store.remove(native_quad(triple))
    store.extend(native_quad(triple) for triple in sorted(added))
    return removed, added


#: Subjects a change touches from which ``apply_change`` derives the whole graph again
#: (``materialise``) and compares, instead of recomputing what the touched subjects derive:
#: removing an imported IATI graph of 977,786 quads at 1M triples took 67-73 s that way on
#: disk (the totals alone counted 100k touched fundings twice: 14.5 s).
WHOLE_DERIVE_FROM: Final = 10_000


def apply_change(
    store: ox.Store, change: Change, before: ox.Store | None = None
) -> tuple[set[Triple], set[Triple]]:
    """Bring the derived graph of ``store`` (a staged write no one reads yet) up to date with
    a ``change`` of its data graphs; returns the derived triples (removed, added).

    Only what the change can alter is recomputed (``derived_part``) and compared with the
    same part of the derived graph, so a one-graph write costs a few queries, not a whole
    derive (1.2 s at 1M triples on disk). When a closure the per-funding rules read changed
    (a place moved, a class gained a superclass), the whole graph is recomputed: every
    funding may serve somewhere else now. The summary totals (``kg.totals``) change by the
    difference of what the touched fundings counted in ``before`` (the state the change was
    applied to, with its derived graph) and count now; without ``before`` they are recounted
    whole. ``tests/test_derive_incremental.py`` checks the result against ``materialise``
    after random writes. A change touching ``WHOLE_DERIVE_FROM`` subjects or more is derived
    whole.
    """
    if len(change.subjects) >= WHOLE_DERIVE_FROM:
        was, now = _rederive(store)
        return was - now, now - was
    rows = _native_rows(store)
    part = derived_part(rows, change)
    old = _old_part(store, part)
    recounted = False
    if part.subjects is not None and any(
        {t for t in part.triples if t[1] == p} != {t for t in old if t[1] == p}
        for p in PER_FUNDING_READS
    ):
        part = derived_part(rows, None)
        old = _old_part(store, part)
        recounted = True
    removed, added = _replace(store, old, part.triples)
    if not recounted:
        gone, new = _totals_change(store, change, before)
        _replace(store, gone, new)
        removed, added = removed | gone, added | new
    gone, new = _tallies_change(store, change, removed, added, whole=recounted)
    return removed | gone, added | new


def _tallies_change(
    store: ox.Store,
    change: Change,
    removed: set[Triple],
    added: set[Triple],
    *,
    whole: bool,
) -> tuple[set[Triple], set[Triple]]:
    """Bring the relation tallies (``kg.tallies``) up to date once the rest of the derived
    graph is: recount the tallied entities the change touched (a quad of the write or a
    derived triple it changed names them), every tallied entity after a closure changed (the
    outgoing counts leave out the properties within ``skos:notation``), and the other entities
    it named, which it may have taken over the threshold; after a whole recount of the derived
    graph (``whole``), every hub of the store."""
    rows = _native_rows(store)
    kept = tallies.tallied(rows)
    if whole:
        hubs = tallies.hubs(rows)
        recount = kept | hubs
    else:
        named = set(change.nodes)
        for s, _, o in removed | added:
            named.add(s)
            if type(o) is str:
                named.add(o)
        recount = set(kept) if change.closures else kept & named
        hubs = tallies.over_threshold(rows, recount | (named - kept))
        recount |= hubs
    old = tallies.stored(rows, DERIVED_GRAPH, recount)
    return _replace(store, old, tallies.counted(rows, hubs, _first_page(store)))


def _first_page(store: ox.Store) -> tallies.FirstPage:
    """``tallies.FirstPage`` cut from pyoxigraph's index, as an entity page cuts it."""
    wrapped = OxigraphStore.wrapping(store)

    def first_page(entity: str, prop: str) -> list[str]:
        page = wrapped.subjects_page(prop, entity, limit=tallies.PAGE_SIZE, offset=0)
        return [subject for subject, _ in page]

    return first_page


def change_of(after: ox.Store, removed: Iterable[ox.Quad], added: Iterable[ox.Quad]) -> Change:
    """The ``Change`` that removing and adding these data quads made, ``after`` being the
    store with them applied (its derived graph not yet updated).

    ``subjects``: the subjects of the quads, and the nodes that point to one of them (a
    funding whose initiative now serves elsewhere); a link that the write itself removed or
    added has its own subject among the quads, so ``after`` alone is enough. ``closures``: a
    quad is an edge of a hierarchy, or a type that may add or remove a node of one (a class
    not known yet, a class no longer used, a declaration, a place or a theme). ``order``: a
    type or a label of a funding (an IRI that has a funding type before or after) changed.
    A blank node's type or label changes neither the order nor an instance set (both list
    IRIs only); a PUT of a graph with blank nodes rewrites all of them, so this matters.
    """
    removed, added = list(removed), list(added)
    gone = set(removed)
    rows = _native_rows(after)
    classes = _stored(rows, "withinClass")
    funding_types = subclasses(classes, _CK + "Funding")
    listed = subclasses(classes, _SCHEMA + "Place") | subclasses(classes, _SKOS + "Concept")
    closures = order = False
    nodes: set[ox.NamedNode | ox.BlankNode] = set()
    still_classes: dict[str, bool] = {}  # asked once per class, not per removed instance

    def still_a_class(kind: str) -> bool:
        if kind not in still_classes:
            still_classes[kind] = _still_a_class(after, kind)
        return still_classes[kind]

    # The IRIs whose types or labels changed (the funding order reads them), and those whose
    # roles or activity type changed (the activity order): each asked about once, below.
    reading_order: set[ox.NamedNode] = set()
    reading_activity_order: set[ox.NamedNode] = set()
    for quad in (*removed, *added):
        predicate = quad.predicate.value
        if isinstance(quad.subject, ox.NamedNode | ox.BlankNode):
            nodes.add(quad.subject)  # a blank initiative: its funding still points to it
        if isinstance(quad.subject, ox.NamedNode):
            if predicate in _ORDER_READS:
                reading_order.add(quad.subject)
            if predicate in _ACTIVITY_ORDER_READS:
                reading_activity_order.add(quad.subject)
        if predicate in _EDGES:
            closures = True
        elif predicate == _RDF_TYPE and not closures:
            kind = quad.object.value if isinstance(quad.object, ox.NamedNode) else None
            closures = (
                kind is None
                or kind in _DECLARATIONS
                or kind in listed
                or kind not in classes
                or (quad in gone and not still_a_class(kind))
            )
    # Each node asked once, the removed quads looked up by subject: scanning them for every
    # quad made a write of n quads cost n^2 (4.3 s of a PUT of the 5,751-quad reference graph).
    removed_of: dict[ox.NamedNode, list[ox.Quad]] = defaultdict(list)
    for quad in removed:
        if isinstance(quad.subject, ox.NamedNode):
            removed_of[quad.subject].append(quad)
    order = any(
        _was_or_is_funding(after, node, removed_of.get(node, []), funding_types)
        for node in reading_order
    )
    activity_order = any(
        _was_or_is_activity(after, node, removed_of.get(node, []))
        for node in reading_activity_order
    )
    subjects = {node.value for node in nodes if isinstance(node, ox.NamedNode)}
    derived = ox.NamedNode(DERIVED_GRAPH)
    for node in nodes:
        for quad in after.quads_for_pattern(None, None, node, None):
            if quad.graph_name != derived and isinstance(quad.subject, ox.NamedNode):
                subjects.add(quad.subject.value)
    named = {
        term.value
        for quad in (*removed, *added)
        for term in (quad.subject, quad.object)
        if isinstance(term, ox.NamedNode)
    }
    return Change(closures, order, frozenset(subjects), activity_order, frozenset(named))


def _still_a_class(store: ox.Store, cls: str) -> bool:
    """Whether ``cls`` is still a node of the class hierarchy (``_CLASSES``, or an edge end)."""
    answer = store.query(
        f"""ASK {{ {{ ?any a <{cls}> }} UNION {{ <{cls}> a owl:Class }}
        UNION {{ <{cls}> a rdfs:Class }} UNION {{ <{cls}> rdfs:subClassOf ?up }}
        UNION {{ ?down rdfs:subClassOf <{cls}> }} }}""",
        prefixes=PREFIXES,
        use_default_graph_as_union=True,
    )
    return bool(answer)


def _was_or_is_funding(
    after: ox.Store, node: ox.NamedNode, removed: list[ox.Quad], funding_types: set[str]
) -> bool:
    """Whether ``node`` has a funding type after the change, or had one before it (``removed``:
    the change's removed quads about ``node``)."""
    type_ = ox.NamedNode(_RDF_TYPE)
    now = {q.object for q in after.quads_for_pattern(node, type_, None, None)}
    gone = {q.object for q in removed if q.predicate == type_}
    return any(isinstance(t, ox.NamedNode) and t.value in funding_types for t in now | gone)


def _was_or_is_activity(after: ox.Store, node: ox.NamedNode, removed: list[ox.Quad]) -> bool:
    """Whether ``node`` is an activity (``ACTIVITIES``) after the change, or was one before
    (``removed``: the change's removed quads about ``node``)."""
    for quad in removed:
        if quad.predicate.value in _ROLES or (
            quad.predicate.value == _RDF_TYPE and quad.object == ox.NamedNode(_IATI_ACTIVITY)
        ):
            return True
    if next(
        iter(
            after.quads_for_pattern(
                node, ox.NamedNode(_RDF_TYPE), ox.NamedNode(_IATI_ACTIVITY), None
            )
        ),
        None,
    ):
        return True
    return any(
        next(iter(after.quads_for_pattern(node, ox.NamedNode(role), None, None)), None)
        for role in _ROLES
    )


def _old_part(store: ox.Store, part: Part) -> set[Triple]:
    """The triples of the derived graph that ``part`` recomputed."""
    graph = ox.NamedNode(DERIVED_GRAPH)
    old: set[Triple] = set()
    for predicate in part.whole | (PER_FUNDING if part.subjects is None else frozenset()):
        old |= _triples(store.quads_for_pattern(None, ox.NamedNode(predicate), None, graph))
    scoped = [(s, p) for s in part.subjects or () for p in PER_FUNDING]
    scoped += [(s, p) for p, subjects in part.scopes.items() for s in subjects]
    for subject, predicate in scoped:
        old |= _triples(
            store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, graph)
        )
    for predicate, objects in part.objects.items():
        for obj in objects:
            old |= _triples(
                store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(obj), graph)
            )
    return old


def _triples(quads: Iterable[ox.Quad]) -> set[Triple]:
    """Derived quads as ``Triple``s (anything else in the graph is not ours, and skipped)."""
    found: set[Triple] = set()
    for q in quads:
        if not isinstance(q.subject, ox.NamedNode):
            continue
        if isinstance(q.object, ox.NamedNode):
            found.add((q.subject.value, q.predicate.value, q.object.value))
        elif isinstance(q.object, ox.Literal):
            kind = q.object.datatype.value
            value = q.object.value
            obj: Object | None = (
                int(value)
                if kind == _INTEGER
                else Decimal(value)
                if kind == _DECIMAL
                else Text(value)
                if kind == _STRING
                else None
            )
            if obj is not None:
                found.add((q.subject.value, q.predicate.value, obj))
    return found


def native_quad(triple: Triple) -> ox.Quad:
    """A derived triple as a quad of ``DERIVED_GRAPH``."""
    s, p, o = triple
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), _native_object(o), ox.NamedNode(DERIVED_GRAPH))


def _native_object(obj: Object) -> ox.NamedNode | ox.Literal:
    if isinstance(obj, int):
        return ox.Literal(str(obj), datatype=ox.NamedNode(_INTEGER))
    if isinstance(obj, Decimal):
        return ox.Literal(f"{obj:f}", datatype=ox.NamedNode(_DECIMAL))
    if isinstance(obj, Text):
        return ox.Literal(str(obj))
    return ox.NamedNode(obj)


def _ntriples_object(obj: Object) -> str:
    if isinstance(obj, int):
        return f'"{obj}"^^<{_INTEGER}>'
    if isinstance(obj, Decimal):
        return f'"{obj:f}"^^<{_DECIMAL}>'
    if isinstance(obj, Text):
        return str(ox.Literal(str(obj)))  # pyoxigraph writes the N-Triples form, escaped
    return f"<{obj}>"


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
    return derived_part(rows, None).triples


@dataclass(frozen=True, slots=True)
class Change:
    """What a write changed in the data graphs, as far as the derived graph cares
    (``change_of``): whether the closures or the funding order may differ, and the subjects
    whose per-funding triples (``PER_FUNDING``) may."""

    closures: bool
    order: bool
    subjects: frozenset[str]
    #: A type, label or participation role of an activity changed (``ck:activityOrder``).
    activity_order: bool = True
    #: The IRIs the changed quads name as subject or object: the entities whose relation
    #: counts may differ (``kg.tallies``).
    nodes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Part:
    """Derived triples computed for a ``Change``: for each predicate in ``whole`` all of its
    triples; for the ``PER_FUNDING`` predicates those whose subject is in ``subjects`` (all of
    them when ``subjects`` is None). Predicates in neither were not recomputed: the change
    cannot alter them."""

    triples: set[Triple]
    whole: frozenset[str]
    subjects: frozenset[str] | None
    #: Further per-subject rules recomputed for some subjects only: predicate -> subjects.
    scopes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: Rules recomputed for some objects only (the position nodes of the places a write
    #: renumbers): predicate -> objects.
    objects: Mapping[str, frozenset[str]] = field(default_factory=dict)


_RDF_TYPE: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS_LABEL: Final = "http://www.w3.org/2000/01/rdf-schema#label"
_SERVES: Final = _CK + "servesWithin"
_ORDER: Final = _CK + "fundingOrder"
_YEAR: Final = _CK + "fundingYear"
_POSITION: Final = _CK + "positionWithin"
_COUNT: Final = _CK + "fundingCount"
#: Where the nodes of ``ck:positionWithin`` live (``position_node``).
_POSITIONS: Final = BASE + "derived/position/"
#: Rules computed per funding: each triple's subject is a funding, and it reads only that
#: funding's own triples, those of the nodes it points to, and the closures in
#: ``PER_FUNDING_READS``. A write recomputes them for the fundings it touched (``Change``).
PER_FUNDING: Final = frozenset({_SERVES})
#: The closures the per-funding rules (and the funding order) read: when a write changes one
#: of these, every funding is recomputed (``apply_change`` falls back to the whole graph).
PER_FUNDING_READS: Final = frozenset({_CK + "withinClass", _CK + "withinPlace"})
#: The predicates of the rules that are recomputed whole when a closure changed, else per
#: subject (funding years, activity areas: ``Part.scopes``) or, for the activity order, when
#: an activity's type, label or role changed.
_WHOLE_ALWAYS: Final = frozenset(
    {_CK + "fundingYear", _CK + "activityWithin", _CK + "activityOrder"}
)
#: Edges of the hierarchies the closures are made of.
_EDGES: Final = frozenset(
    {
        "http://www.w3.org/2000/01/rdf-schema#subClassOf",
        "http://www.w3.org/2000/01/rdf-schema#subPropertyOf",
        _SCHEMA + "containedInPlace",
        _SKOS + "broader",
    }
)
#: Types that declare a node of the class or property hierarchy (``_CLASSES``, ``_PROPERTIES``).
_DECLARATIONS: Final = frozenset(
    {
        "http://www.w3.org/2002/07/owl#Class",
        "http://www.w3.org/2000/01/rdf-schema#Class",
        "http://www.w3.org/2002/07/owl#ObjectProperty",
        "http://www.w3.org/2002/07/owl#DatatypeProperty",
        "http://www.w3.org/2002/07/owl#AnnotationProperty",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property",
    }
)
#: What ``ck:fundingOrder`` reads besides the class closure: recomputed only when a write
#: changes a type or a label.
_ORDER_READS: Final = frozenset({_RDF_TYPE, _RDFS_LABEL})


def derived_part(rows: Rows, change: Change | None) -> Part:
    """The derived triples a ``change`` can alter (``None``: every derived triple).

    This is the one place for the rules. The closures are small hierarchies, recomputed
    whole (about 0.1 s at 1M triples on disk) when the change has an edge or a type, else read
    back from the derived graph for the rules that need them; ``ck:servesWithin`` only for the
    fundings in ``change.subjects``; ``ck:fundingOrder`` only when types or labels changed
    (it is a global order, so then whole). A new rule is safe by default if it is added to
    ``whole``: computed over the whole store on every write. Only a rule whose triples are
    about one funding and read only that funding's neighbourhood may go in ``PER_FUNDING``.
    """
    triples: set[Triple] = set()
    whole: set[str] = set()
    if change is not None and not change.closures:
        # The closures cannot have changed: the derived graph has them.
        classes, places = _stored(rows, "withinClass"), _stored(rows, "withinPlace")
    else:
        classes = closure(_pairs(rows, _CLASS_EDGES), _nodes(rows, _CLASSES))
        properties = closure(_pairs(rows, _PROPERTY_EDGES), _nodes(rows, _PROPERTIES))
        places = closure(
            _pairs(rows, _PLACE_EDGES), _instances(rows, subclasses(classes, _SCHEMA + "Place"))
        )
        themes = closure(
            _pairs(rows, _THEME_EDGES), _instances(rows, subclasses(classes, _SKOS + "Concept"))
        )
        for name, relation in (
            ("withinClass", classes),
            ("withinProperty", properties),
            ("withinPlace", places),
            ("withinTheme", themes),
        ):
            predicate = _CK + name
            whole.add(predicate)
            triples.update((node, predicate, up) for node, ups in relation.items() for up in ups)
    funding_types = subclasses(classes, _CK + "Funding")
    scope = None if change is None else change.subjects
    if scope is None or scope:
        query = (
            _FUNDING_AREAS % iri_values(funding_types)
            if scope is None
            else _FUNDING_AREAS_OF
            % (iri_values(scope), ", ".join(iri_values(funding_types).split()))
        )
        for funding, area in _pairs(rows, query):
            triples.update((funding, _SERVES, up) for up in places.get(area, {area}))
    if change is None or change.order:
        whole.add(_ORDER)
        labelled = _pairs(rows, _FUNDING_LABELS % iri_values(funding_types), literals=True)
        triples.update((funding, _ORDER, n) for n, funding in enumerate(label_order(labelled)))
    positions = _positions_part(rows, change, triples)
    position_scopes: dict[str, frozenset[str]] = {}
    position_nodes: dict[str, frozenset[str]] = {}
    if positions is not None:
        triples |= positions.triples
        if positions.places is None:
            whole.update((_POSITION, _COUNT))
        else:
            position_scopes[_COUNT] = positions.places
            position_nodes[_POSITION] = positions.nodes
    types = iri_values(funding_types)
    if change is None or change.closures:
        triples.update(_funding_years(rows, types))
        triples.update(activity_triples(rows, places))
        whole |= _WHOLE_ALWAYS
        if change is None:
            # Otherwise ``apply_change`` brings the totals up to date once the rest is written.
            triples |= _all_totals(rows, funding_types, triples)
            whole |= totals.PREDICATES
        return Part(triples, frozenset(whole), scope, position_scopes, position_nodes)
    # Per funding and per activity, for the subjects the write touched (at 1M triples a
    # one-graph write derived in 0.2 s on the IATI-shaped store instead of 1.5 s, 4 ms on the
    # synthetic one instead of 1.8 s). A funding's years also
    # read the dates of the documents its evidence quotes: the fundings two steps from a
    # touched node (funding -> evidence -> document) are recomputed too.
    years = frozenset(change.subjects) | _quoting(rows, change.subjects)
    triples.update(_funding_years(rows, types, years))
    activities = frozenset(change.subjects)
    triples.update(_activities_within(rows, places, activities))
    scopes = {_CK + "fundingYear": years, _CK + "activityWithin": activities, **position_scopes}
    if change.activity_order:
        whole.add(_CK + "activityOrder")
        triples.update(_activity_order(rows))
    return Part(triples, frozenset(whole), scope, scopes, position_nodes)


def _all_totals(rows: Rows, funding_types: Iterable[str], computed: set[Triple]) -> set[Triple]:
    """The summary totals (``kg.totals``) of every funding, the fundings listed and their
    years taken from the ``computed`` rules (the derived graph may not be written yet)."""
    listed: dict[str, set[int]] = {s: set() for s, p, _ in computed if p == _ORDER}
    for subject, predicate, year in computed:
        if predicate == _YEAR and subject in listed:
            assert isinstance(year, int)
            listed[subject].add(year)
    frozen = {funding: frozenset(years) for funding, years in listed.items()}
    counted = totals.counted(rows, None, listed=frozen, types=funding_types)
    return totals.triples(totals.add_up(counted.values()))


def _totals_change(
    store: ox.Store, change: Change, before: ox.Store | None
) -> tuple[set[Triple], set[Triple]]:
    """The total triples to remove and add after ``change`` (the rest of the derived graph of
    ``store`` already up to date): the difference of what the touched fundings counted in
    ``before`` and count now, or, without ``before`` or after a closure changed (a new kind of
    funding), a whole recount."""
    rows = _native_rows(store)
    if before is None or change.closures:
        graph = ox.NamedNode(DERIVED_GRAPH)
        old = set().union(
            *(
                _triples(store.quads_for_pattern(None, ox.NamedNode(p), None, graph))
                for p in totals.PREDICATES
            )
        )
        funding_types = subclasses(_stored(rows, "withinClass"), _CK + "Funding")
        counted = totals.counted(rows, None, types=funding_types)
        fresh = totals.triples(totals.add_up(counted.values()))
        return old - fresh, fresh - old
    touched = change.subjects | _quoting(rows, change.subjects)
    was = totals.counted(_native_rows(before), touched)
    now = totals.counted(rows, touched)
    return totals.changed(rows, was, now)


def position_node(place: str, position: int) -> str:
    """The node standing for ``position`` (0 first) among the fundings within ``place``
    (``ck:positionWithin``): an IRI of the derived graph that a page of the list looks up."""
    return f"{_POSITIONS}{quote(place, safe='')}/{position}"


def _positions_part(rows: Rows, change: Change | None, fresh: set[Triple]) -> _Positions | None:
    """``ck:positionWithin`` and ``ck:fundingCount`` of the places ``change`` can renumber
    (``None``: of every place), from the funding order and the places each funding serves
    within: what ``fresh`` holds (what ``derived_part`` recomputed), the rest as the derived
    graph holds it. None when the change renumbers nothing: the touched fundings serve where
    they did and the order stayed.

    Only the places a touched funding serves within, before or after, are renumbered: the
    order is a total order by label and IRI, so a write moves no untouched funding before
    another one; a new funding in Asia renumbers Asia and the places around it, not Europe
    (renumbering every place cost 1.4-2.4 s of CPU per write at 1M triples)."""
    serves = {(s, o) for s, p, o in fresh if p == _SERVES and isinstance(o, str)}
    orders = {s: o for s, p, o in fresh if p == _ORDER and isinstance(o, int)}
    if change is None:
        return _Positions(funding_positions(serves, orders), None, frozenset())
    scope = change.subjects
    before = _stored_serves(rows, scope)
    if not change.order and serves == before:
        return None
    places = frozenset(place for _, place in before | serves)
    if not places:
        return _Positions(set(), places, frozenset())
    members = serves | {
        (funding, place)
        for funding, place, _ in _stored_members(rows, places)
        if funding not in scope
    }
    if not change.order:
        orders = {funding: order for funding, _, order in _stored_members(rows, places)} | (
            _stored_orders(rows, scope)
        )
    counts = _stored_counts(rows, places)
    nodes = frozenset(position_node(p, n) for p in places for n in range(counts.get(p, 0)))
    return _Positions(funding_positions(members, orders), places, nodes)


@dataclass(frozen=True, slots=True)
class _Positions:
    """Positions and counts recomputed for ``places`` (None: every place), and the position
    nodes the derived graph held for those places (whose old triples they replace)."""

    triples: set[Triple]
    places: frozenset[str] | None
    nodes: frozenset[str]


def funding_positions(serves: Iterable[tuple[str, str]], orders: Mapping[str, int]) -> set[Triple]:
    """The positions and counts of the fundings within each place: ``serves`` holds (funding,
    place) pairs, ``orders`` each listed funding's ``ck:fundingOrder`` (a funding without one
    is listed nowhere, so it has no position either)."""
    within: dict[str, list[tuple[int, str]]] = {}
    for funding, place in serves:
        if funding in orders:
            within.setdefault(place, []).append((orders[funding], funding))
    triples: set[Triple] = set()
    for place, listed in within.items():
        listed.sort()
        triples.add((place, _COUNT, len(listed)))
        triples.update(
            (funding, _POSITION, position_node(place, n)) for n, (_, funding) in enumerate(listed)
        )
    return triples


def _stored_serves(rows: Rows, subjects: frozenset[str] | None) -> set[tuple[str, str]]:
    """The ``ck:servesWithin`` pairs the derived graph holds (of ``subjects`` only, if given)."""
    if subjects is not None and not subjects:
        return set()
    given = "" if subjects is None else f"VALUES ?a {{ {iri_values(subjects)} }} "
    query = f"SELECT ?a ?b WHERE {{ {given}GRAPH <{DERIVED_GRAPH}> {{ ?a <{_SERVES}> ?b }} }}"
    return set(_pairs(rows, query))


def _stored_orders(rows: Rows, subjects: frozenset[str]) -> dict[str, int]:
    """The ``ck:fundingOrder`` of each of ``subjects`` that the derived graph holds."""
    if not subjects:
        return {}
    query = (
        f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {iri_values(subjects)} }} "
        f"GRAPH <{DERIVED_GRAPH}> {{ ?a <{_ORDER}> ?b }} }}"
    )
    return {a: int(b) for a, b in _pairs(rows, query, literals=True)}


def _stored_members(rows: Rows, places: frozenset[str]) -> list[tuple[str, str, int]]:
    """(funding, place, order) of every listed funding the derived graph has serving within
    one of ``places``."""
    query = (
        f"SELECT ?a ?b ?n WHERE {{ VALUES ?b {{ {iri_values(places)} }} "
        f"GRAPH <{DERIVED_GRAPH}> {{ ?a <{_SERVES}> ?b . ?a <{_ORDER}> ?n }} }}"
    )
    return [(a, b, int(n)) for a, b, n in rows(query, True) if a and b and n is not None]


def _stored_counts(rows: Rows, places: frozenset[str]) -> dict[str, int]:
    """The ``ck:fundingCount`` of each of ``places`` that the derived graph holds."""
    query = (
        f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {iri_values(places)} }} "
        f"GRAPH <{DERIVED_GRAPH}> {{ ?a <{_COUNT}> ?b }} }}"
    )
    return {a: int(b) for a, b in _pairs(rows, query, literals=True)}


def _stored(rows: Rows, name: str) -> Closure:
    """A closure as the derived graph holds it (``ck:{name}``)."""
    found: Closure = {}
    query = f"SELECT ?a ?b WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?a <{_CK}{name}> ?b }} }}"
    for lower, upper in _pairs(rows, query):
        found.setdefault(lower, set()).add(upper)
    return found


def activity_triples(rows: Rows, places: Closure) -> set[Triple]:
    """``ck:activityWithin`` and ``ck:activityOrder`` of every activity (see the module
    docstring), given the place closure. ``ck:activityWithin`` is per activity (its own areas
    and the closure); ``ck:activityOrder`` needs every activity's label."""
    return _activities_within(rows, places, None) | _activity_order(rows)


def _activities_within(rows: Rows, places: Closure, scope: frozenset[str] | None) -> set[Triple]:
    """``ck:activityWithin`` of every activity, or of those in ``scope``."""
    if scope is not None and not scope:
        return set()
    query = _ACTIVITY_AREAS if scope is None else _ACTIVITY_AREAS_OF % iri_values(scope)
    within = _CK + "activityWithin"
    return {
        (activity, within, up)
        for activity, area in _pairs(rows, query)
        for up in places.get(area, ())  # as ck:withinPlace: places only
    }


def _activity_order(rows: Rows) -> set[Triple]:
    """``ck:activityOrder``: every activity's position by label (a global order)."""
    order = _CK + "activityOrder"
    labelled = _pairs(rows, _ACTIVITY_LABELS, literals=True)
    return {(activity, order, n) for n, activity in enumerate(label_order(labelled))}


def _quoting(rows: Rows, nodes: frozenset[str]) -> frozenset[str]:
    """The nodes whose evidence is one of ``nodes`` or quotes one of them
    (``prov:wasDerivedFrom``, then ``oa:hasSource``): the fundings whose years may move."""
    if not nodes:
        return frozenset()
    query = _QUOTING % iri_values(nodes)
    return frozenset(node for (node,) in rows(query, False) if node is not None)


def _funding_years(rows: Rows, types: str, scope: frozenset[str] | None = None) -> set[Triple]:
    """``ck:fundingYear`` of every labelled funding, or of those in ``scope``
    (``funding_years`` per funding)."""
    if scope is not None and not scope:
        return set()
    if scope is None:
        dates_query, documents_query = _FUNDING_DATES % types, _FUNDING_DOCUMENTS % types
    else:
        given, kinds = iri_values(scope), ", ".join(types.split())
        dates_query = _FUNDING_DATES_OF % (given, kinds)
        documents_query = _FUNDING_DOCUMENTS_OF % (given, kinds)
    dates: dict[str, tuple[str | None, ...]] = {}
    for funding, *period in rows(dates_query, True):
        if funding is not None:
            dates.setdefault(funding, tuple(period))
    documents: dict[str, list[tuple[str | None, str | None]]] = {}
    for funding, start, end in rows(documents_query, True):
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
    return _nodes(rows, _INSTANCES % iri_values(types))

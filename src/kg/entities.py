"""Entities as the REST API shows them: references, kinds, name resolution, lists, search, detail.

Everything here is computed by a named query in ``kg/queries/`` (the ``*_QUERY`` constants say
which), so that a researcher can rerun it at /sparql; Python only groups rows, ranks and pages.
The result types are plain dataclasses; ``src/kg/api/schemas.py`` says how they look in JSON.

Kinds: every entity a user can browse lives in one or more collections, by class
(``kinds.rq``): actor (``ck:Actor``), initiative (``ck:Initiative``), region (``schema:Place``),
theme (``skos:Concept``), event (``schema:Event``/``schema:EventSeries``) and document
(``ck:SourceDocument``), each with its subclasses as the ontology graph states them. A
``ck:State`` is an actor and a region: it is listed in both collections, and its ``kind`` (the
one reported in lists and search) is the first in ``KINDS`` order, "actor". Fundings,
priorities, targets, posts and evidence have no kind: they are reached through their own routes
or as relations of entities.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Final, Generic, TypeVar
from urllib.parse import quote

from rdflib import BNode, Literal, URIRef

from kg import queries, search_index, tallies
from kg._namespaces import ABSOLUTE_IRI, ID, PREFIXES, slug_of
from kg._unbound import select_bound
from kg.errors import AmbiguousNameError, ConfigurationError, NotFoundError, UnknownNameError
from kg.queries import select, select_each, together
from kg.stores.base import SelectResult, Store, Term

#: Kinds in order of precedence: an entity's ``kind`` is the first of its kinds in this order.
KINDS: Final = ("actor", "initiative", "region", "theme", "event", "document")
#: Collection name (URL segment) -> kind.
COLLECTIONS: Final = {
    "actors": "actor",
    "initiatives": "initiative",
    "regions": "region",
    "themes": "theme",
    "events": "event",
    "documents": "document",
}

KINDS_QUERY: Final = tallies.KINDS_QUERY
RESOLVE_ID_QUERY: Final = "resolve-id"
RESOLVE_LABEL_QUERY: Final = "resolve-label"
SEARCH_QUERY: Final = "search"
ENTITY_QUERY: Final = "entity"
OUTGOING_QUERY: Final = "entity-outgoing"
INCOMING_QUERY: Final = tallies.PAGE_QUERY
EVIDENCE_QUERY: Final = "entity-evidence"
ELEMENTS_QUERY: Final = "entity-element-evidence"
RELATIONS_QUERY: Final = tallies.RELATIONS_QUERY
TALLIES_QUERY: Final = "entity-relation-tallies"
TALLIED_QUERY: Final = tallies.TALLIED_QUERY
INCOMING_EVIDENCE_QUERY: Final = "entity-incoming-evidence"
INCOMING_ELEMENTS_QUERY: Final = "entity-incoming-elements"
NODE_LABELS_QUERY: Final = "node-labels"
HIERARCHY_QUERY: Final = "place-hierarchy"
#: Directions of a relation group: statements made by the entity, or pointing at it.
DIRECTIONS: Final = ("outgoing", "incoming")
#: Relations listed per group unless the caller asks for another page size: the first page
#: the relation tallies keep (``kg.tallies``).
GROUP_LIMIT: Final = tallies.PAGE_SIZE
#: The largest page of one group: evidence is fetched for every relation on the page.
MAX_GROUP_LIMIT: Final = 1000
#: The groups of the derived index: counted, listed only when paged (``kg.tallies``).
INDEX_PROPERTIES: Final = tallies.INDEX_PROPERTIES


def collection_query(collection: str) -> str:
    """The named query that lists a collection."""
    return f"collection-{collection}"


# A name with a scheme is taken as an IRI; the characters are those an IRI may contain.
_MATCH_ORDER: Final = {"id": 0, "label": 1, "altLabel": 2}
_SUGGESTIONS: Final = 5

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class EntityRef:
    """How every response points at an entity (or a term): its IRI, slug and label.

    ``slug`` is None for IRIs outside ``https://w3id.org/coop-kg/id/`` (ontology terms such as
    ``ck:Achieved``); ``label`` falls back to the slug or the prefixed name, so it is never
    empty.
    """

    id: str
    slug: str | None
    label: str

    @classmethod
    def of(cls, iri: Term | str, label: Term | str | None = None) -> EntityRef:
        text = str(iri)
        slug = slug_of(text)
        return cls(text, slug, str(label) if label is not None else (slug or compact(text)))


@dataclass(frozen=True, slots=True)
class EntityItem:
    """An entity in a list or a search result: its reference, kind and types."""

    id: str
    slug: str | None
    label: str
    kind: str
    types: tuple[EntityRef, ...]


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a longer list: ``total`` counts all items, ``items`` holds this page.

    Pages are cut in Python from every match, not with LIMIT/OFFSET in SPARQL: a match spans
    several rows (one per type, region, quote...), ``total`` needs every match anyway, and the
    lists are a few hundred entities at most.
    """

    items: tuple[T, ...]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, items: Iterable[T], *, limit: int, offset: int) -> Page[T]:
        if limit < 1 or offset < 0:
            raise ConfigurationError(
                f"limit must be at least 1 and offset at least 0, not {limit}, {offset}"
            )
        everything = tuple(items)
        return cls(everything[offset : offset + limit], len(everything), limit, offset)


@dataclass(frozen=True, slots=True)
class Evidence:
    """A verbatim quote that supports a fact, with its code-point offsets in the document."""

    document: EntityRef
    quote: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ElementEvidence:
    """The element of an imported data file a fact comes from (docs/iati.md): the file, the
    element's XPath and the line it starts on."""

    file: EntityRef
    xpath: str
    line: int | None


@dataclass(frozen=True, slots=True)
class Period:
    """Start and end as the source gives them (a year, year-month or date); None when open."""

    start: str | None = None
    end: str | None = None

    @classmethod
    def of(cls, start: Term | None, end: Term | None) -> Period:
        return cls(None if start is None else str(start), None if end is None else str(end))


@dataclass(frozen=True, slots=True)
class LiteralValue:
    """A literal relation value: its lexical form, datatype IRI (None for plain strings and
    language-tagged text) and language tag."""

    value: str
    datatype: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """One property and value of a structured value (a blank node such as a schema:amount)."""

    property: EntityRef
    value: EntityRef | LiteralValue


@dataclass(frozen=True, slots=True)
class NodeValue:
    """A structured value without an IRI of its own, given by its statements."""

    properties: tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class Relation:
    """One statement linking the entity to something, with the evidence for it.

    For an outgoing relation ``value`` is the object; for an incoming one it is the subject.
    """

    property: EntityRef
    value: EntityRef | LiteralValue | NodeValue
    evidence: tuple[Evidence, ...]
    element_evidence: tuple[ElementEvidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Identifier:
    """A code such as ISO 3166-1 alpha-2, UN M49 or a DAC purpose code (skos:notation and its
    subproperties)."""

    property: EntityRef
    value: str


@dataclass(frozen=True, slots=True)
class EntityDetail:
    """Everything the API says about one entity (see ``describe``)."""

    id: str
    slug: str | None
    label: str
    kind: str | None
    kinds: tuple[str, ...]
    types: tuple[EntityRef, ...]
    alt_labels: tuple[str, ...]
    description: str | None
    identifiers: tuple[Identifier, ...]
    same_as: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    outgoing: tuple[Relation, ...]
    incoming: tuple[Relation, ...]
    ancestors: tuple[EntityRef, ...] | None = None
    children: tuple[EntityRef, ...] | None = None
    element_evidence: tuple[ElementEvidence, ...] = ()
    groups: tuple[RelationGroup, ...] = ()


@dataclass(frozen=True, slots=True)
class RelationGroup:
    """The relations of one property in one direction: how many there are (``total``) and
    which page of them ``EntityDetail.outgoing``/``incoming`` list (``offset``, ``limit``,
    ``shown``). A continent has thousands of fundings serving within it; the answer counts
    them and lists a page, so its cost does not grow with them."""

    direction: str
    property: EntityRef
    total: int
    limit: int
    offset: int
    shown: int
    #: The offset of the next page, or None on the last one.
    next_offset: int | None
    #: A group of the derived index (``INDEX_PROPERTIES``): counted, listed only when paged.
    derived: bool = False


@dataclass(frozen=True, slots=True)
class GroupPage:
    """Which page of which group ``describe`` should list: ``property`` (an IRI) in
    ``direction``, from ``offset``. Only that group is then listed."""

    direction: str
    property: str
    offset: int = 0

    @classmethod
    def parse(cls, direction: str | None, prop: str | None, offset: int = 0) -> GroupPage | None:
        """The group a request pages (``direction=``, ``property=``, ``offset=``), or None for
        the first page of every group. ``prop`` is an IRI or a prefixed name
        (``ck:servesWithin``); a direction without a property or the reverse, or an offset
        without them, raises ``ConfigurationError`` saying what to give."""
        if direction is None and prop is None:
            if offset:
                raise ConfigurationError(
                    "offset pages one group: give direction= and property= too (see groups)"
                )
            return None
        if direction is None or prop is None:
            raise ConfigurationError(
                "direction= and property= go together: they name the group to page (see groups)"
            )
        return cls(direction, expand(prop), offset)

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ConfigurationError(
                f"direction must be {' or '.join(DIRECTIONS)}, not {self.direction!r}"
            )
        if self.offset < 0:
            raise ConfigurationError(f"offset must be at least 0, not {self.offset}")


@dataclass(frozen=True, slots=True)
class KindMap:
    """Which kinds each class stands for, and the class labels (from ``kinds.rq``)."""

    kinds: Mapping[str, frozenset[str]]
    labels: Mapping[str, str]

    def kinds_of(self, types: Iterable[str]) -> tuple[str, ...]:
        found = set().union(*(self.kinds.get(t, frozenset()) for t in types))
        return tuple(k for k in KINDS if k in found)

    def type_ref(self, iri: str) -> EntityRef:
        return EntityRef.of(iri, self.labels.get(iri))


def compact(iri: str) -> str:
    """``schema:Country`` for ``https://schema.org/Country``; the IRI itself if no prefix fits."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def expand(name: str) -> str:
    """The IRI a prefixed name such as ``ck:servesWithin`` stands for (``compact`` in
    reverse); an absolute IRI as it is. Anything else raises ``ConfigurationError``."""
    text = name.strip()
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    if ABSOLUTE_IRI.fullmatch(text) and local.startswith("//"):
        return text
    raise ConfigurationError(
        f"{name!r} is neither an IRI nor a prefixed name; use a full IRI or one of the "
        f"prefixes {', '.join(sorted(PREFIXES))}, as in ck:servesWithin"
    )


def tallied(store: Store) -> frozenset[str]:
    """The entities whose relation counts the derived graph keeps (``kg.tallies``): the
    ``hubs`` of ``describe``."""
    return frozenset(str(row["entity"]) for row in select(store, TALLIED_QUERY).dicts())


def kind_map(store: Store) -> KindMap:
    kinds: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for row in select(store, KINDS_QUERY).dicts():
        iri = str(row["class"])
        kinds.setdefault(iri, set()).add(str(row["kind"]))
        if "label" in row:
            labels[iri] = str(row["label"])
    return KindMap({k: frozenset(v) for k, v in kinds.items()}, labels)


def _items(
    result: SelectResult, kinds: KindMap, wanted: Collection[str] = KINDS
) -> list[EntityItem]:
    """Group (entity, label, type) rows into items, in first-seen order, keeping entities that
    have one of the ``wanted`` kinds."""
    labels: dict[str, str] = {}
    types: dict[str, list[str]] = {}
    for row in result.dicts():
        entity = str(row["entity"])
        labels.setdefault(entity, str(row.get("label", EntityRef.of(entity).label)))
        entity_types = types.setdefault(entity, [])
        if "type" in row and str(row["type"]) not in entity_types:
            entity_types.append(str(row["type"]))
    items = []
    for entity, label in labels.items():
        entity_kinds = kinds.kinds_of(types[entity])
        if not any(k in wanted for k in entity_kinds):
            continue
        refs = tuple(kinds.type_ref(t) for t in sorted(types[entity]))
        items.append(EntityItem(entity, slug_of(entity), label, entity_kinds[0], refs))
    return items


def list_collection(
    store: Store,
    collection: str,
    *,
    q: str | None = None,
    within: str | None = None,
    limit: int = 50,
    offset: int = 0,
    kind_info: KindMap | None = None,
) -> Page[EntityItem]:
    """The entities of one collection, sorted by label; ``q`` keeps those whose label or an
    altLabel contains it (ignoring case), ``within`` (an IRI, regions only) those inside that
    place, transitively."""
    if collection not in COLLECTIONS:
        raise NotFoundError(
            f"there is no collection {collection!r}; use one of {', '.join(COLLECTIONS)}"
        )
    if within is not None and collection != "regions":
        raise ConfigurationError("within= only applies to regions")
    bindings: dict[str, Term | None] = {"q": None if q is None else Literal(q)}
    if collection == "regions":
        bindings["within"] = None if within is None else URIRef(within)
    result = select(store, collection_query(collection), bindings)
    # Sorted again here although the query sorts: Virtuoso 7.2.5 returns DISTINCT rows ordered
    # by an expression (LCASE) out of order, and the page is cut here anyway.
    items = sorted(
        _items(result, kind_info or kind_map(store)),
        key=lambda item: (item.label.casefold(), item.id),
    )
    return Page.of(items, limit=limit, offset=offset)


def search(
    store: Store,
    q: str,
    *,
    kinds: Collection[str] = KINDS,
    limit: int = 50,
    offset: int = 0,
    kind_info: KindMap | None = None,
) -> Page[EntityItem]:
    """Entities whose label, altLabel or description contains ``q``, best match first: the
    label equals it, an altLabel (often an acronym) equals it, a label or altLabel starts with
    it, one contains it, the description contains it; ties by label."""
    if not q.strip():
        raise ConfigurationError("the search text is empty; give q= some letters")
    index = search_index.index_for(store)
    if index is not None:
        # The text index answers what search.rq answers (tests/test_search_index.py), ranked
        # and paged inside the index: milliseconds instead of a scan of every name. The answer
        # is search.rq's, so that is the query an answer names to be rerun (kg.queries.used).
        queries.used(SEARCH_QUERY)
        Page.of((), limit=limit, offset=offset)  # the same checks of limit and offset
        kind_info = kind_info or kind_map(store)
        total, hits = index.search(
            q.strip(),
            lambda types: any(k in kinds for k in kind_info.kinds_of(types)),
            limit=limit,
            offset=offset,
        )
        shown = tuple(
            EntityItem(
                entity,
                slug_of(entity),
                named if named is not None else EntityRef.of(entity).label,
                kind_info.kinds_of(types)[0],
                tuple(kind_info.type_ref(t) for t in types),
            )
            for entity, named, types in hits
        )
        return Page(shown, total, limit, offset)
    result = select(store, SEARCH_QUERY, {"q": Literal(q.strip())})
    rank: dict[str, int] = {}
    least: dict[str, str] = {}  # an entity with several labels shows the least, on any engine
    for row in result.dicts():
        entity = str(row["entity"])
        value = int(str(row["rank"]))
        rank[entity] = min(value, rank.get(entity, value))
        if "label" in row:
            label = str(row["label"])
            least[entity] = min(label, least.get(entity, label))
    items = [
        replace(item, label=least.get(item.id, item.label))
        for item in _items(result, kind_info or kind_map(store), kinds)
    ]
    items.sort(key=lambda item: (rank[item.id], item.label.casefold(), item.id))
    return Page.of(items, limit=limit, offset=offset)


def resolve(
    store: Store,
    name: str,
    *,
    kinds: Collection[str] = KINDS,
    parameter: str = "name",
    kind_info: KindMap | None = None,
) -> str:
    """The IRI of the one entity of one of ``kinds`` that ``name`` means.

    ``name`` may be the entity's slug, its full IRI, or its exact rdfs:label or skos:altLabel,
    ignoring case. An IRI or slug wins over a label (``resolve-id.rq``, then
    ``resolve-label.rq``), a label over an altLabel; several entities tied at the best level
    make the name ambiguous. Raises ``UnknownNameError`` (near misses as candidates) or
    ``AmbiguousNameError`` (the entities it could mean); ``parameter`` names the filter in their
    messages.
    """
    text = name.strip()
    wanted = " or ".join(kinds)
    if not text:
        raise UnknownNameError(
            f"{parameter} is empty; give the slug, IRI or label of a {wanted}", name=name
        )
    kind_info = kind_info or kind_map(store)
    iri = (
        URIRef(text)
        if ABSOLUTE_IRI.fullmatch(text)
        else URIRef(str(ID) + quote(text.lower(), safe=""))
    )
    by_id = _candidates(select(store, RESOLVE_ID_QUERY, {"iri": iri}), kind_info, kinds)
    if by_id:
        return next(iter(by_id))
    by_label = _candidates(
        select(store, RESOLVE_LABEL_QUERY, {"name": Literal(text)}), kind_info, kinds
    )
    if by_label:
        top = min(level for level, _ in by_label.values())
        chosen = sorted(
            (c for level, c in by_label.values() if level == top),
            key=lambda c: (str(c["label"]).casefold(), str(c["id"])),
        )
        if len(chosen) == 1:
            return str(chosen[0]["id"])
        raise AmbiguousNameError(
            f"{parameter}={text!r} could mean {len(chosen)} entities; use the slug or IRI of the one "
            "you mean (see candidates)",
            name=text,
            candidates=chosen,
        )
    near = search(store, text, kinds=kinds, limit=_SUGGESTIONS, kind_info=kind_info).items
    raise UnknownNameError(
        f"{parameter}={text!r} is not the slug, IRI, label or altLabel of any {wanted}"
        + ("; did you mean one of the candidates?" if near else ""),
        name=text,
        candidates=[_candidate(i.id, i.label, (i.kind,)) for i in near],
    )


def _candidates(
    result: SelectResult, kind_info: KindMap, kinds: Collection[str]
) -> dict[str, tuple[int, dict[str, str | None]]]:
    """Matching entities of the wanted kinds: IRI -> (best match level, candidate record)."""
    types: dict[str, set[str]] = {}
    level: dict[str, int] = {}
    labels: dict[str, str] = {}
    for row in result.dicts():
        entity = str(row["entity"])
        types.setdefault(entity, set()).add(str(row.get("type", "")))
        labels[entity] = str(row.get("label", entity))
        here = _MATCH_ORDER[str(row.get("match", "id"))]
        level[entity] = min(here, level.get(entity, here))
    found = {}
    for entity, entity_types in types.items():
        entity_kinds = kind_info.kinds_of(entity_types)
        if any(k in kinds for k in entity_kinds):
            found[entity] = (level[entity], _candidate(entity, labels[entity], entity_kinds))
    return found


def _candidate(iri: str, label: str, kinds: tuple[str, ...]) -> dict[str, str | None]:
    return {"id": iri, "slug": slug_of(iri), "label": label, "kind": kinds[0] if kinds else None}


def describe(
    store: Store,
    iri: str,
    *,
    kind: str | None = None,
    kind_info: KindMap | None = None,
    limit: int = GROUP_LIMIT,
    page: GroupPage | None = None,
    hubs: Collection[str] | None = None,
) -> EntityDetail:
    """The entity with its fields, its relations in both directions, grouped by property and
    paged, and the evidence of the relations listed.

    Relations come in groups (``EntityDetail.groups``: direction, property, total): every group
    is counted, and the first ``limit`` relations of each are listed, except the groups of the
    derived index (``INDEX_PROPERTIES``: counted, marked ``derived``, listed only when paged);
    ``page`` lists one group only, from its offset. The work therefore grows with ``limit``
    and the number of groups, not with the relations: counting is one aggregate, an incoming
    page is read with LIMIT and OFFSET in IRI order (the same page on every engine; sorting
    thousands by label costs more than the answer may; a page is sorted by label for
    display), and evidence is fetched for the nodes on the page only. For the entities the
    most triples point at, the counts and the first page of each incoming group are kept
    (``kg.tallies``) and read instead. Outgoing relations are stated on the entity itself, so
    they are few: they are read at once, sorted by label and paged here.

    Evidence of a relation is the evidence of the node the statement is made on, because that
    is where curators attach quotes: for an outgoing relation, the entity's own evidence; for an
    incoming one, the evidence of its subject, which is often an n-ary node (a funding, a
    priority, a membership, a commitment) whose quotes are exactly about the link. The entity's
    evidence is therefore repeated on each of its outgoing relations: the data does not say which
    of its quotes supports which statement.

    Imported facts cite elements of data files instead of quotes (``element_evidence``, on the
    entity and on each relation, found the same way). Places also get ``ancestors``
    (transitively containing places) and ``children`` (places directly inside). ``kind``, when
    given, must be one of the entity's kinds, or this raises ``NotFoundError`` as for an IRI
    that names nothing. ``hubs``, when given, are the entities whose relation counts (and
    first pages) the derived graph keeps (``tallied``, as a server keeps it between writes):
    the others are counted without looking for a tally first. It may be out of date: a tally
    is only read where one is kept, and an entity without one is counted.
    """
    if not 1 <= limit <= MAX_GROUP_LIMIT:
        raise ConfigurationError(f"limit must be between 1 and {MAX_GROUP_LIMIT}, not {limit}")
    subject = URIRef(iri)
    # Queries that do not depend on each other: at once on a SPARQL server (a round trip
    # each; the entity's own fields too, though an IRI that names nothing makes the others
    # wasted), in turn in process. The outgoing relations are read unless the page asked is of
    # an incoming group (the whole answer lists an outgoing group whenever it has one). The
    # counts and first pages are kept for the entities the most triples point at (kg.tallies:
    # reading the world's or a big funder's relations is most of its answer): read for the
    # ``hubs``, counted for the others; without ``hubs``, a tally is looked for first, and a
    # server counts meanwhile rather than take a second round trip for every entity that has
    # none.
    count = partial(select, store, RELATIONS_QUERY, constants={"entity": subject})
    asked: dict[str, Callable[[], SelectResult]] = {
        "fields": partial(select, store, ENTITY_QUERY, {"entity": subject}),
        "quotes": partial(select, store, EVIDENCE_QUERY, {"entity": subject}),
        "files": partial(select, store, ELEMENTS_QUERY, {"entity": subject}),
    }
    if page is None or page.direction == "outgoing":
        asked["stated"] = partial(select, store, OUTGOING_QUERY, {"entity": subject})
    if hubs is None or iri in hubs:
        asked["kept"] = partial(select, store, TALLIES_QUERY, constants={"entity": subject})
    if (hubs is None and not store.in_process) or (hubs is not None and iri not in hubs):
        asked["counted"] = count
    if kind == "region":
        # Asked for a place's page: with the others, not in a round trip of its own after
        # them (Virtuoso at 1M triples, the world's page 14.6 -> 13.6 ms).
        asked["placed"] = partial(select, store, HIERARCHY_QUERY, {"entity": subject})
    got = dict(zip(asked, together(store, *asked.values()), strict=True))
    fields = got["fields"]
    if not fields.rows:
        raise NotFoundError(f"nothing is known about {iri}; /api/search?q= finds entities by name")
    kind_info = kind_info or kind_map(store)
    types: dict[str, str | None] = {}
    alt_labels: list[str] = []
    label: str | None = None
    description: str | None = None
    identifiers: list[Identifier] = []
    same_as: list[str] = []
    for row in fields.dicts():
        value, which = row["value"], str(row["field"])
        if which == "type":
            types[str(value)] = str(row["valueLabel"]) if "valueLabel" in row else None
        elif which == "label":
            label = str(value)
        elif which == "altLabel":
            alt_labels.append(str(value))
        elif which == "description":
            description = str(value)
        elif which == "sameAs":
            same_as.append(str(value))
        else:
            identifiers.append(
                Identifier(EntityRef.of(row["property"], row.get("propertyLabel")), str(value))
            )
    kinds = kind_info.kinds_of(types)
    if kind is not None and kind not in kinds:
        shown = f"of kind {' and '.join(kinds)}" if kinds else "in no collection"
        raise NotFoundError(f"{iri} is {shown}, not {kind}")
    kept = got.get("kept")
    relations = kept if kept is not None and kept.rows else got.get("counted")
    if relations is None:
        relations = count()
    counts, property_refs = _counts(relations)
    offset = page.offset if page is not None else 0
    # The tally keeps the first page of each listed incoming group, at the default size.
    first_pages = _kept_pages(relations) if (limit, offset) == (tallies.PAGE_SIZE, 0) else {}
    wanted = (
        [(page.direction, page.property)]
        if page is not None
        else sorted(counts, key=lambda g: (DIRECTIONS.index(g[0]), g[1]))
    )
    # The derived index is listed only when its group is paged (INDEX_PROPERTIES).
    listed_groups = [g for g in wanted if page is not None or g[1] not in INDEX_PROPERTIES]
    own = _evidence(got["quotes"])
    own_elements = _elements(got["files"])
    outgoing_all = _outgoing(got["stated"], own, own_elements) if "stated" in got else ()
    incoming_pages = _incoming_pages(
        store,
        subject,
        [
            property_refs.get(prop) or EntityRef.of(prop)
            for direction, prop in listed_groups
            if direction == "incoming" and counts.get((direction, prop), 0) > offset
        ],
        limit,
        offset,
        first_pages,
    )
    outgoing: list[Relation] = []
    incoming: list[Relation] = []
    groups: list[RelationGroup] = []
    for direction, prop in wanted:
        prop_ref = property_refs.get(prop) or EntityRef.of(prop)
        total = counts.get((direction, prop), 0)
        derived = prop in INDEX_PROPERTIES
        if (direction, prop) not in listed_groups:
            # Counted, not listed: its first page is at offset 0.
            groups.append(
                RelationGroup(direction, prop_ref, total, limit, 0, 0, 0 if total else None, True)
            )
            continue
        if direction == "outgoing":
            members = [r for r in outgoing_all if r.property.id == prop]
            listed = members[offset : offset + limit]
            outgoing.extend(listed)
        else:
            listed = incoming_pages.get(prop, [])
            incoming.extend(listed)
        after = offset + limit
        groups.append(
            RelationGroup(
                direction,
                prop_ref,
                total,
                limit,
                offset,
                len(listed),
                after if after < total else None,
                derived,
            )
        )
    groups.sort(key=lambda g: (DIRECTIONS.index(g.direction), g.property.label.casefold()))
    ancestors = children = None
    if "region" in kinds:
        placed = got.get("placed")
        if placed is None:  # a place asked for by IRI or in another collection
            placed = select(store, HIERARCHY_QUERY, {"entity": subject})
        ancestors, children = _hierarchy(placed)
    return EntityDetail(
        id=iri,
        slug=slug_of(iri),
        label=label or EntityRef.of(iri).label,
        kind=kinds[0] if kinds else None,
        kinds=kinds,
        types=tuple(sorted((EntityRef.of(t, lbl) for t, lbl in types.items()), key=lambda r: r.id)),
        alt_labels=tuple(sorted(alt_labels, key=str.casefold)),
        description=description,
        identifiers=tuple(sorted(identifiers, key=lambda i: (i.property.id, i.value))),
        same_as=tuple(sorted(same_as)),
        evidence=own,
        outgoing=tuple(sorted(outgoing, key=_relation_key)),
        incoming=tuple(sorted(incoming, key=_relation_key)),
        ancestors=ancestors,
        children=children,
        element_evidence=own_elements,
        groups=tuple(groups),
    )


def _counts(result: SelectResult) -> tuple[dict[tuple[str, str], int], dict[str, EntityRef]]:
    """(direction, property IRI) -> number of relations, and a reference to each property,
    from ``entity-relations.rq`` (a property with several labels comes once per label)."""
    counts: dict[tuple[str, str], int] = {}
    refs: dict[str, EntityRef] = {}
    for row in result.dicts():
        prop = str(row["property"])
        counts[(str(row["direction"]), prop)] = int(str(row["count"]))
        if prop not in refs or "propertyLabel" in row:
            refs[prop] = EntityRef.of(prop, row.get("propertyLabel"))
    return counts, refs


def _incoming_pages(
    store: Store,
    entity: URIRef,
    props: Sequence[EntityRef],
    limit: int,
    offset: int,
    known: Mapping[str, Mapping[str, str | None]],
) -> dict[str, list[Relation]]:
    """The page at ``offset`` of the incoming relations of each of ``props`` (property IRI ->
    relations), each with its subject's evidence: three queries whatever the number of groups.

    The pages ``known`` (property IRI -> {subject: label}, the first pages a tally keeps) are
    taken as they are; the others are cut once (``select_each``: sorting every subject of a
    group is the cost of the answer for a place that thousands of fundings serve); the
    evidence queries are then bound to the subjects on the pages (VALUES), since a subject's
    evidence does not depend on the group it was listed in.
    """
    if not props:
        return {}
    cut = [p for p in props if p.id not in known]
    labels = _cut_pages(store, entity, cut, limit, offset) if cut else {}
    for ref in props:
        for node, label in known.get(ref.id, {}).items():
            labels[(ref.id, node)] = label
    subjects = [URIRef(s) for s in sorted({subject for _, subject in labels})]
    quotes: dict[str, list[Evidence]] = {}
    elements: dict[str, dict[tuple[str, str], ElementEvidence]] = {}
    if subjects:
        # The cited documents' labels: in the quotes' query on a SPARQL server (one round
        # trip fewer), read once per document on pyoxigraph (entity-incoming-evidence.rq).
        in_query = store.pyoxigraph() is None
        quoted, filed = together(
            store,
            partial(
                select_bound,
                store,
                INCOMING_EVIDENCE_QUERY,
                {"labelsParam": Literal(True) if in_query else None},
                rows=("subject", subjects),
            ),
            partial(select, store, INCOMING_ELEMENTS_QUERY, rows=("subject", subjects)),
        )
        rows = list(quoted.dicts())
        cited = {} if in_query else least_labels(store, (str(r["document"]) for r in rows))
        for row in rows:
            quotes.setdefault(str(row["subject"]), []).append(
                evidence_of(row, label=cited.get(str(row["document"])))
            )
        for row in filed.dicts():
            element = _element_of(row)
            elements.setdefault(str(row["subject"]), {})[(element.file.id, element.xpath)] = element
    refs = {p.id: p for p in props}
    pages: dict[str, list[Relation]] = {}
    for (prop, node), label in labels.items():
        pages.setdefault(prop, []).append(
            Relation(
                refs[prop],
                EntityRef.of(node, label),
                sort_evidence(quotes.get(node, ())),
                _sort_elements(elements.get(node, {}).values()),
            )
        )
    return pages


def _kept_pages(result: SelectResult) -> dict[str, dict[str, str | None]]:
    """Property IRI -> {subject: its least label} of the first pages a tally keeps, from the
    rows of ``entity-relation-tallies.rq`` (none from ``entity-relations.rq``): the pages
    ``_cut_pages`` would cut at the default size."""
    pages: dict[str, dict[str, str | None]] = {}
    for row in result.dicts():
        if "subject" not in row:
            continue
        page = pages.setdefault(str(row["property"]), {})
        node = str(row["subject"])
        page[node] = _least(page.get(node), row.get("subjectLabel"))
    return pages


def _least(known: str | None, label: Term | None) -> str | None:
    """The least of a subject's labels seen so far: a subject with several shows the least,
    on any engine (``OxigraphStore.subjects_page`` takes it too)."""
    if label is None:
        return known
    return str(label) if known is None else min(known, str(label))


def _cut_pages(
    store: Store, entity: URIRef, props: Sequence[EntityRef], limit: int, offset: int
) -> dict[tuple[str, str], str | None]:
    """(property IRI, subject IRI) -> the subject's label, for the subjects on the page at
    ``offset`` of each group: ``entity-incoming.rq``, or on pyoxigraph the same pages cut
    from its index (``OxigraphStore.subjects_page``: the query's sort is most of the answer
    for an entity thousands of fundings point at). A subject with several labels shows the
    least, on any engine."""
    native = store.pyoxigraph()
    labels: dict[tuple[str, str], str | None] = {}
    if native is not None:
        queries.used(INCOMING_QUERY)
        for prop in props:
            for subject, label in native.subjects_page(
                prop.id, str(entity), limit=limit, offset=offset
            ):
                labels[(prop.id, subject)] = label
        return labels
    branches = [{"entity": entity, "property": URIRef(p.id)} for p in props]
    for row in select_each(
        store, INCOMING_QUERY, branches, tag="property", page=(limit, offset)
    ).dicts():
        key = (str(row["property"]), str(row["subject"]))
        labels[key] = _least(labels.get(key), row.get("subjectLabel"))
    return labels


def least_labels(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """IRI -> its least label, for those of ``iris`` that have one: the documents an entity
    page's quotes cite, the groups of a summary (``node-labels.rq``, bound to at most
    ``queries.VALUES_CHUNK`` IRIs at a time; on pyoxigraph read from the index,
    ``OxigraphStore.least_labels``)."""
    wanted = sorted(set(iris))
    if not wanted:
        return {}
    native = store.pyoxigraph()
    if native is not None:
        queries.used(NODE_LABELS_QUERY)
        return native.least_labels(wanted)
    found: dict[str, str] = {}
    for start in range(0, len(wanted), queries.VALUES_CHUNK):
        nodes = [URIRef(iri) for iri in wanted[start : start + queries.VALUES_CHUNK]]
        for row in select(store, NODE_LABELS_QUERY, rows=("node", nodes)).dicts():
            least = _least(found.get(str(row["node"])), row["label"])
            if least is not None:
                found[str(row["node"])] = least
    return found


def evidence_of(
    row: Mapping[str, Term], *, document: str = "document", label: str | None = None
) -> Evidence:
    """Evidence from a row with ``?{document}``, ``?{document}Label`` or ``?itemLabel``
    (optional; ``label`` when the document's label was read apart), ``?quote``,
    ``?quoteStart`` and ``?quoteEnd``: the names every query uses."""
    if label is None:
        found = row.get(f"{document}Label", row.get("itemLabel"))
        label = None if found is None else str(found)
    return Evidence(
        EntityRef.of(row[document], label),
        str(row["quote"]),
        int(str(row["quoteStart"])),
        int(str(row["quoteEnd"])),
    )


def sort_evidence(evidence: Iterable[Evidence]) -> tuple[Evidence, ...]:
    """Evidence without repeats, by document and position."""
    return tuple(sorted(set(evidence), key=lambda e: (e.document.id, e.start, e.end)))


def sorted_refs(refs: Iterable[EntityRef]) -> tuple[EntityRef, ...]:
    """References by label (ignoring case), then IRI."""
    return tuple(sorted(refs, key=lambda r: (r.label.casefold(), r.id)))


def _evidence(result: SelectResult) -> tuple[Evidence, ...]:
    return sort_evidence(evidence_of(row) for row in result.dicts())


def _element_of(row: Mapping[str, Term]) -> ElementEvidence:
    line = row.get("line")
    return ElementEvidence(
        EntityRef.of(row["file"], row.get("fileLabel")),
        str(row["xpath"]),
        int(str(line)) if line is not None else None,
    )


def _sort_elements(elements: Iterable[ElementEvidence]) -> tuple[ElementEvidence, ...]:
    """Elements without repeats, by file, line and XPath."""
    unique = {(e.file.id, e.xpath): e for e in elements}
    return tuple(sorted(unique.values(), key=lambda e: (e.file.id, e.line or 0, e.xpath)))


def _elements(result: SelectResult) -> tuple[ElementEvidence, ...]:
    return _sort_elements(_element_of(row) for row in result.dicts())


def value_of(term: Term, label: Term | None = None) -> EntityRef | LiteralValue:
    """A relation value: a reference for an IRI, a ``LiteralValue`` for a literal."""
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return LiteralValue(str(term), datatype, term.language)
    return EntityRef.of(term, label)


def _relation_key(relation: Relation) -> tuple[str, str, str]:
    value = relation.value
    text = (
        value.label
        if isinstance(value, EntityRef)
        else value.value
        if isinstance(value, LiteralValue)
        else ""
    )
    return (relation.property.label.casefold(), text.casefold(), getattr(value, "id", ""))


def _outgoing(
    result: SelectResult,
    evidence: tuple[Evidence, ...],
    elements: tuple[ElementEvidence, ...] = (),
) -> tuple[Relation, ...]:
    plain: dict[tuple[str, str], Relation] = {}
    nodes: dict[tuple[str, str], tuple[EntityRef, dict[tuple[str, str], Statement]]] = {}
    for row in result.dicts():
        prop = EntityRef.of(row["property"], row.get("propertyLabel"))
        value = row["value"]
        key = (prop.id, value.n3())
        if isinstance(value, BNode):
            _, statements = nodes.setdefault(key, (prop, {}))
            if "subProperty" in row:
                sub = Statement(
                    EntityRef.of(row["subProperty"], row.get("subPropertyLabel")),
                    value_of(row["subValue"], row.get("subValueLabel")),
                )
                statements[(str(row["subProperty"]), row["subValue"].n3())] = sub
        else:
            plain[key] = Relation(prop, value_of(value, row.get("valueLabel")), evidence, elements)
    structured = [
        Relation(
            prop,
            NodeValue(tuple(sorted(st.values(), key=lambda s: s.property.id))),
            evidence,
            elements,
        )
        for prop, st in nodes.values()
    ]
    return tuple(sorted([*plain.values(), *structured], key=_relation_key))


def _hierarchy(result: SelectResult) -> tuple[tuple[EntityRef, ...], tuple[EntityRef, ...]]:
    found: dict[str, dict[str, EntityRef]] = {"ancestor": {}, "child": {}}
    for row in result.dicts():
        ref = EntityRef.of(row["place"], row.get("label"))
        found[str(row["relation"])][ref.id] = ref
    return tuple(found["ancestor"].values()), tuple(found["child"].values())

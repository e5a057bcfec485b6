"""A text index for search (``entities.search``): the answers of ``queries/search.rq`` without
scanning every name, ranked and paged in a few milliseconds.

``search.rq`` lower-cases and scans every rdfs:label, skos:altLabel and dcterms:description on
each request (217 ms at 1M triples). This module keeps those names, lower-cased, in an in-memory
SQLite database (standard library, no new dependency): an FTS5 table with the trigram tokenizer
finds the names that contain a text of 3 or more characters without a scan (shorter texts scan
the names inside SQLite, ``instr``), and the rank, the kinds filter, the order and the page
follow ``search.rq``'s rules and ``entities.search``'s order exactly
(``tests/test_search_index.py`` proves it against the query).

What makes a match cheap: a name's row id says whose name it is and in which field
(``entity << 20 | field << 18 | n``), so the FTS5 match alone gives every matching entity and
whether it matched in a label or altLabel (rank 3) or only in a description (rank 4), without
reading any text; the few names that equal or start with the text (ranks 0-2) come from a
B-tree range over the labels and altLabels. Entities are numbered; their place in the
(label, IRI) order and their set of types sit in two arrays, so the kinds filter and the page
are integer work; IRIs, labels and types are read for the page only. Against the previous index
(every matching name re-ranked in Python with its label and types from dictionaries), same
process and store, loaded machine: "health" 3.5-6.6x faster at 1M triples and 7x at 10M (563 ->
81 ms: still 4x the 20 ms target, the per-name loop in Python is what is left), 28% less memory
at 10M (+0.9 GB, of it 0.48 GB SQLite). Ranking inside SQLite (GROUP BY over the row ids) was
tried and was slower: its sorter costs more than the loop.

Where it lives, and why it is never stale: in memory, attached to the store object it was built
from, and only for read-only pyoxigraph stores (what ``kg serve`` answers from: an in-memory
copy or a read-only handle on the directory). Such a store does not change after it is opened:
a build or an import writes a new directory that the server opens as a new store object, and a
curator's write (``kg.writes``) hands the server a new snapshot object. So an index is built
from its store's content once (at server start in a background thread, ``warm``: searches that
come while it builds are answered by ``search.rq``, slower but the same) and is dropped with
the store. A file beside the store would need a stamp proving it matches the store, which
RocksDB does not offer. A write does not rebuild: ``carry`` copies the served index and
re-reads only the graphs the write changed. Stores that can change in place (``memory``,
``oxigraph:memory`` written directly, a store being built) and ``sparql:`` servers get no
index: ``search.rq`` answers.
"""

from __future__ import annotations

import heapq
import sqlite3
import sys
import threading
import weakref
from array import array
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Final, Protocol

import pyoxigraph as ox

from kg._namespaces import PREFIXES

if TYPE_CHECKING:
    from kg.stores.base import Store

__all__ = ["Hit", "SearchIndex", "carry", "follow", "index_for", "warm"]

LABEL: Final = 0
ALT_LABEL: Final = 1
DESCRIPTION: Final = 2

_NAME_PREDICATES: Final = {
    PREFIXES["rdfs"] + "label": LABEL,
    PREFIXES["skos"] + "altLabel": ALT_LABEL,
    PREFIXES["dcterms"] + "description": DESCRIPTION,
}
_LABEL: Final = ox.NamedNode(PREFIXES["rdfs"] + "label")
_TYPE: Final = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_TRIGRAM: Final = 3
"""The trigram tokenizer finds texts of at least three characters; shorter ones scan."""

_FIELD_SHIFT: Final = 18
_ENTITY_SHIFT: Final = 20
_SLOTS: Final = 1 << _FIELD_SHIFT
"""Names one entity may have in one field (row ids ``entity << 20 | field << 18 | n``)."""

_SCHEMA: Final = """
CREATE TABLE name (id INTEGER PRIMARY KEY, low TEXT NOT NULL);
CREATE VIRTUAL TABLE names USING fts5(
    low, content = 'name', content_rowid = 'id', tokenize = 'trigram case_sensitive 1'
);
CREATE TABLE entity (
    id INTEGER PRIMARY KEY, iri TEXT NOT NULL, label TEXT, sort TEXT NOT NULL,
    typeset INTEGER NOT NULL
);
"""
_INDEXES_SQL: Final = (
    "CREATE INDEX named ON name (low) WHERE ((id >> 18) & 3) < 2",
    "CREATE UNIQUE INDEX entity_iri ON entity (iri)",
)
"""Made after a build's bulk insert (faster than keeping them up to date row by row):
``named`` finds the labels and altLabels that start with a text (ranks 0-2), ``entity_iri``
the entity a refreshed graph names."""


class _Native(Protocol):
    """What the index needs of a store: pyoxigraph's own store, read-only."""

    @property
    def native(self) -> ox.Store: ...

    read_only: bool


Hit = tuple[str, str | None, tuple[str, ...]]
"""An entity found: its IRI, its label (the least, if it has several; None: it has none) and
its distinct types, sorted."""


class SearchIndex:
    """The names of one store in an in-memory SQLite database (``_SCHEMA``), with two arrays per
    entity number: its place in the (label, IRI) order and its set of types.

    The FTS5 table reads its text from the ``name`` table (``content='name'``): the match itself
    answers from the index alone (row ids), and the text is there to delete a name again when a
    graph is refreshed and to scan for texts shorter than a trigram. Names are lower-cased with
    ``str.lower`` (full Unicode lower-casing, as SPARQL's ``LCASE``) before SQLite sees them,
    and the tokenizer is case-sensitive, so SQLite's ASCII-only case folding never decides a
    match, and a phrase of trigrams matches exactly the names that contain the text. One
    connection, guarded by a lock: requests run on several threads.
    """

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._order = array("q")
        """{entity number: its place in the (label, IRI) order}"""
        self._typeset_of = array("q")
        """{entity number: its set of types, a number in ``_typesets``}"""
        self._typesets: list[tuple[str, ...]] = []
        self._typeset_ids: dict[tuple[str, ...], int] = {}
        self._rows_of: dict[str, array[int]] = {}
        """{graph: row ids of its names}, so that a graph's names can be dropped."""

    @classmethod
    def build(cls, store: ox.Store) -> SearchIndex:
        """The index of everything ``store`` holds."""
        index = cls()
        names: list[tuple[str, int, str, str]] = []  # (entity, field, name, graph)
        labels: dict[str, str] = {}
        for predicate, field in _NAME_PREDICATES.items():
            for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
                entity, value = _entity(quad), quad.object
                if field == LABEL:
                    text = _text(value)
                    if entity not in labels or text < labels[entity]:
                        labels[entity] = text
                if isinstance(value, ox.Literal | ox.NamedNode):  # STR() of others: an error
                    names.append((entity, field, value.value.lower(), _graph(quad)))
        types: dict[str, set[str]] = {entity: set() for entity, _, _, _ in names}
        for quad in store.quads_for_pattern(None, _TYPE, None, None):
            found = types.get(_entity(quad))
            if found is not None:
                found.add(sys.intern(_text(quad.object)))
        ordered = sorted(types, key=lambda e: (_sort_key(e, labels.get(e)), e))
        number = {entity: n for n, entity in enumerate(ordered)}
        with index._lock:
            db = index._db
            db.executescript(_SCHEMA)
            db.execute("BEGIN")
            index._order = array("q", range(len(ordered)))
            index._typeset_of = array("q", (index._typeset(types[e]) for e in ordered))
            db.executemany(
                "INSERT INTO entity VALUES (?, ?, ?, ?, ?)",
                (
                    (n, e, labels.get(e), _sort_key(e, labels.get(e)), index._typeset_of[n])
                    for n, e in enumerate(ordered)
                ),
            )
            slots: dict[int, int] = {}
            rows: list[tuple[int, str]] = []
            rows_of: dict[str, list[int]] = {}
            for entity, field, low, graph in names:
                base = number[entity] << _ENTITY_SHIFT | field << _FIELD_SHIFT
                slot = slots.get(base, 0)
                slots[base] = _next_slot(slot)
                rows.append((base | slot, low))
                rows_of.setdefault(graph, []).append(base | slot)
            rows.sort()
            db.executemany("INSERT INTO name VALUES (?, ?)", rows)
            db.execute("INSERT INTO names (names) VALUES ('rebuild')")
            db.execute("INSERT INTO names (names) VALUES ('optimize')")
            for statement in _INDEXES_SQL:
                db.execute(statement)
            db.execute("COMMIT")
            index._rows_of = {g: array("q", r) for g, r in rows_of.items()}
        return index

    def copy(self) -> SearchIndex:
        """An independent copy (SQLite's backup API, copies of the arrays), so a write can
        change the copy while the original keeps answering."""
        other = SearchIndex()
        with self._lock:
            self._db.backup(other._db)
            other._order, other._typeset_of = array("q", self._order), array("q", self._typeset_of)
            other._typesets, other._typeset_ids = list(self._typesets), dict(self._typeset_ids)
            other._rows_of = dict(self._rows_of)  # arrays are replaced, never changed in place
        return other

    def refresh(self, before: ox.Store, after: ox.Store, graphs: Iterable[str]) -> None:
        """Re-read ``graphs`` from ``after``, the store that replaced ``before`` (the one this
        index was made from): their names, and the label and types of every entity they name
        before or after, which may come from any graph."""
        with self._lock:
            db = self._db
            db.execute("BEGIN")
            try:
                touched: set[str] = set()
                known = len(self._order)
                for graph in graphs:
                    touched |= self._drop(graph)
                    node = ox.NamedNode(graph)
                    for store in (before, after):
                        for predicate in (_LABEL, _TYPE):
                            touched.update(
                                _entity(q)
                                for q in store.quads_for_pattern(None, predicate, None, node)
                            )
                    self._add(after, node, touched)
                self._update(after, touched, placed=known)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def search(
        self, q: str, wanted: Callable[[tuple[str, ...]], bool], *, limit: int, offset: int
    ) -> tuple[int, list[Hit]]:
        """How many entities with one of the ``wanted`` sets of types have a name that contains
        ``q`` (ignoring case), and the page ``offset``, ``offset + limit`` of them: best rank
        first, then by label (case-folded), then by IRI. ``search.rq``'s ranks: 0 the label is
        ``q``, 1 an altLabel is, 2 a label or altLabel starts with it, 3 one contains it, 4 only
        the description contains it."""
        low = q.lower()
        best: dict[int, int] = {}
        get = best.get
        with self._lock:
            db = self._db
            if len(low) >= _TRIGRAM:
                phrase = '"' + low.replace('"', '""') + '"'
                found = db.execute("SELECT rowid FROM names WHERE names MATCH ?", (phrase,))
            else:  # too short for trigrams: SQLite scans every name
                found = db.execute("SELECT id FROM name WHERE instr(low, ?) > 0", (low,))
            for (row,) in found:  # rank 3 or 4: the field says which, no text is read
                rank = 4 if (row >> _FIELD_SHIFT) & 3 == DESCRIPTION else 3
                entity = row >> _ENTITY_SHIFT
                if rank < get(entity, 5):
                    best[entity] = rank
            for row, rank in self._starting(low):  # ranks 0-2
                entity = row >> _ENTITY_SHIFT
                if rank < get(entity, 5):
                    best[entity] = rank
            allowed = {n for n, types in enumerate(self._typesets) if wanted(types)}
            order, typeset_of = self._order, self._typeset_of
            kept = [
                (rank, order[entity], entity)
                for entity, rank in best.items()
                if typeset_of[entity] in allowed
            ]
            page = [e for _, _, e in heapq.nsmallest(offset + limit, kept)[offset:]]
            shown = {
                n: (iri, label, self._typesets[typeset])
                for n, iri, label, typeset in db.execute(
                    "SELECT id, iri, label, typeset FROM entity WHERE id IN "
                    f"({','.join('?' * len(page))})",
                    page,
                )
            }
        return len(kept), [shown[e] for e in page]

    def _starting(self, low: str) -> Iterable[tuple[int, int]]:
        """(row id, rank) of the labels and altLabels that equal ``low`` (rank 0 or 1, the
        field) or start with it (2): ranges of the ``named`` index, no text read."""
        bounds: list[str | int]
        named = "SELECT id, {rank} FROM name WHERE {where} AND ((id >> 18) & 3) < 2"
        yield from self._db.execute(named.format(rank="(id >> 18) & 3", where="low = ?"), (low,))
        last = ord(low[-1])
        if last < sys.maxunicode and not 0xD7FF <= last <= 0xDFFF:
            # from low to the first text after every text that starts with it
            where, bounds = "low > ? AND low < ?", [low, low[:-1] + chr(last + 1)]
        else:  # no next character: the range runs to the end
            where, bounds = "low > ? AND substr(low, 1, ?) = ?", [low, len(low), low]
        yield from self._db.execute(named.format(rank="2", where=where), bounds)

    def _typeset(self, types: Iterable[str]) -> int:
        key = tuple(sorted(set(types)))
        found = self._typeset_ids.get(key)
        if found is None:
            found = self._typeset_ids[key] = len(self._typesets)
            self._typesets.append(key)
        return found

    def _drop(self, graph: str) -> set[str]:
        """Drop the names ``graph`` gave; the entities they belonged to."""
        rows = self._rows_of.pop(graph, array("q"))
        db, touched = self._db, set[str]()
        for start in range(0, len(rows), 500):
            chunk = list(rows[start : start + 500])
            marks = ",".join("?" * len(chunk))
            dropped = db.execute(
                f"SELECT id, low FROM name WHERE id IN ({marks})", chunk
            ).fetchall()
            db.executemany("INSERT INTO names (names, rowid, low) VALUES ('delete', ?, ?)", dropped)
            db.execute(f"DELETE FROM name WHERE id IN ({marks})", chunk)
            entities = {row >> _ENTITY_SHIFT for row in chunk}
            touched.update(
                iri
                for (iri,) in db.execute(
                    f"SELECT iri FROM entity WHERE id IN ({','.join('?' * len(entities))})",
                    list(entities),
                )
            )
        return touched

    def _add(self, store: ox.Store, graph: ox.NamedNode, touched: set[str]) -> None:
        """Add the names ``graph`` holds in ``store``; their entities join ``touched``."""
        db, rows = self._db, array("q")
        for predicate, field in _NAME_PREDICATES.items():
            for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, graph):
                value, entity = quad.object, _entity(quad)
                touched.add(entity)
                if not isinstance(value, ox.Literal | ox.NamedNode):
                    continue
                base = self._number(entity) << _ENTITY_SHIFT | field << _FIELD_SHIFT
                (last,) = db.execute(
                    "SELECT max(id) FROM name WHERE id BETWEEN ? AND ?", (base, base + _SLOTS - 1)
                ).fetchone()
                row = base | (0 if last is None else _next_slot(last - base))
                low = value.value.lower()
                db.execute("INSERT INTO name VALUES (?, ?)", (row, low))
                db.execute("INSERT INTO names (rowid, low) VALUES (?, ?)", (row, low))
                rows.append(row)
        self._rows_of[graph.value] = array("q", (*self._rows_of.get(graph.value, ()), *rows))

    def _number(self, entity: str) -> int:
        """The number of ``entity``, a new one (placed by ``_update``) if it has none yet."""
        found = self._db.execute("SELECT id FROM entity WHERE iri = ?", (entity,)).fetchone()
        if found is not None:
            return int(found[0])
        number = len(self._order)
        self._db.execute(
            "INSERT INTO entity VALUES (?, ?, NULL, ?, 0)",
            (number, entity, _sort_key(entity, None)),
        )
        self._order.append(number)
        self._typeset_of.append(self._typeset(()))
        return number

    def _update(self, store: ox.Store, touched: Iterable[str], *, placed: int) -> None:
        """Read the label and types of the ``touched`` entities again, from every graph of
        ``store``, and the (label, IRI) order of all entities if a label changed or entities
        beyond the first ``placed`` were added."""
        db, moved = self._db, False
        for entity in touched:
            found = db.execute("SELECT id, label FROM entity WHERE iri = ?", (entity,)).fetchone()
            if found is None:
                continue  # it has no names: search never shows it
            node = _subject(entity)
            if node is None:
                continue
            label = min(
                (_text(q.object) for q in store.quads_for_pattern(node, _LABEL, None, None)),
                default=None,
            )
            types = {_text(q.object) for q in store.quads_for_pattern(node, _TYPE, None, None)}
            self._typeset_of[found[0]] = typeset = self._typeset(types)
            moved |= label != found[1]
            db.execute(
                "UPDATE entity SET label = ?, sort = ?, typeset = ? WHERE id = ?",
                (label, _sort_key(entity, label), typeset, found[0]),
            )
        if moved or len(self._order) != placed:
            self._order = array("q", bytes(8 * len(self._order)))
            for place, (number,) in enumerate(
                db.execute("SELECT id FROM entity ORDER BY sort, iri")
            ):
                self._order[number] = place


def _next_slot(slot: int) -> int:
    if slot + 1 >= _SLOTS:
        raise ValueError(f"an entity has more than {_SLOTS} names in one field")
    return slot + 1


def _sort_key(entity: str, label: str | None) -> str:
    """What ``entities.search`` sorts equal ranks by: the label (the IRI's slug or prefixed name
    when there is none), case-folded; Python compares strings by code point and SQLite compares
    their UTF-8 bytes, which is the same order."""
    from kg.entities import EntityRef  # kg.entities uses this module: imported when needed

    return (label if label is not None else EntityRef.of(entity).label).casefold()


def _subject(entity: str) -> ox.NamedNode | ox.BlankNode | None:
    """The store term of an entity the index names by text (an IRI or a blank node id)."""
    try:
        return ox.NamedNode(entity)
    except ValueError:
        try:
            return ox.BlankNode(entity)
        except ValueError:
            return None


def _graph(quad: ox.Quad) -> str:
    """The graph a quad is in; "" for the default graph, which the union that ``search.rq``
    reads includes."""
    return sys.intern(quad.graph_name.value) if isinstance(quad.graph_name, ox.NamedNode) else ""


def _entity(quad: ox.Quad) -> str:
    return sys.intern(_text(quad.subject))


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """What ``str()`` of the rdflib term the store would return for ``term`` gives."""
    return str(term) if isinstance(term, ox.Triple) else term.value


_INDEXES: Final[weakref.WeakKeyDictionary[object, SearchIndex]] = weakref.WeakKeyDictionary()
_WARMING: Final[weakref.WeakKeyDictionary[object, threading.Event]] = weakref.WeakKeyDictionary()
_BUILDING: Final = threading.Lock()


def _indexable(store: Store) -> ox.Store | None:
    """The pyoxigraph store behind ``store`` if it is one that cannot change (see the module
    docstring), else None."""
    found = store.pyoxigraph()
    return found.native if found is not None and found.read_only else None


def _built(store: Store, native: ox.Store) -> SearchIndex:
    with _BUILDING:  # one build per store, however many threads ask at once
        found = _INDEXES.get(store)
        if found is None:
            found = _INDEXES[store] = SearchIndex.build(native)
    return found


def index_for(store: Store) -> SearchIndex | None:
    """The index of ``store``; None for a store that gets none (one that can change in place, or
    a SPARQL server) and while ``warm`` is still building it: then ``search.rq`` answers. A
    store nobody warmed gets its index built now, on first use."""
    native = _indexable(store)
    if native is None:
        return None
    found = _INDEXES.get(store)
    if found is not None or store in _WARMING:
        return found
    return _built(store, native)


def warm(store: Store) -> None:
    """Build the index of ``store`` in a background thread, so that no search waits for it
    (seconds at 1M triples, a minute at 10M): searches meanwhile run ``search.rq``."""
    native = _indexable(store)
    if native is None or store in _INDEXES or store in _WARMING:
        return
    done = _WARMING[store] = threading.Event()

    def build() -> None:
        try:
            _built(store, native)
        finally:
            done.set()
            _WARMING.pop(store, None)

    threading.Thread(target=build, name="kg-search-index", daemon=True).start()


def carry(before: Store, after: Store, changed: Sequence[str]) -> None:
    """Give ``after`` (the state a write produced) the index of ``before`` (the state it
    replaces) with only the ``changed`` graphs re-read, instead of a full build. Waits for
    ``before``'s index if it is still being built (a write takes longer anyway); does nothing
    when ``before`` has no index or ``after`` gets none."""
    native, previous = _indexable(after), _indexable(before)
    if native is None or previous is None:
        return
    warming = _WARMING.get(before)
    if warming is not None:
        warming.wait()
    index = _INDEXES.get(before)
    if index is None:
        return
    index = index.copy()
    index.refresh(previous, native, changed)
    _INDEXES[after] = index


def follow(store: Store, before: ox.Store, changed: Sequence[str]) -> None:
    """``store`` (a served in-memory copy that a write changed in place, in one transaction:
    ``kg.writes``) now holds new content in the ``changed`` graphs, which ``before`` (a scratch
    store) holds as they were: its index re-reads them. When the index is still being built
    (``warm``) the refresh waits for it in a thread of its own, not in the write."""
    native = _indexable(store)
    if native is None:
        return
    warming = _WARMING.get(store)
    if warming is not None and not warming.is_set():
        threading.Thread(
            target=_follow_after_build,
            args=(store, warming, before, native, list(changed)),
            name="kg-search-index-follow",
            daemon=True,
        ).start()
        return
    index = _INDEXES.get(store)
    if index is not None:
        index.refresh(before, native, changed)


def _follow_after_build(
    store: Store, warming: threading.Event, before: ox.Store, native: ox.Store, changed: list[str]
) -> None:
    warming.wait()
    index = _INDEXES.get(store)
    if index is not None:
        index.refresh(before, native, changed)

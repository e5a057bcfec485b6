"""A text index for search (``entities.search``): the answers of ``queries/search.rq`` without
scanning every name.

``search.rq`` lower-cases and scans every rdfs:label, skos:altLabel and dcterms:description on
each request (217 ms at 1M triples). This module keeps those names, lower-cased, in an
in-memory SQLite FTS5 table with the trigram tokenizer (standard library, no new dependency),
which finds the rows that contain a text of 3 or more characters without a scan; shorter texts
scan the same table (``instr``). Every candidate is checked again in Python with the exact
rule of ``search.rq`` (``q.lower() in name.lower()``), and the rank, the kinds filter and the
order are computed the way ``entities.search`` computes them on the query's rows, so the
index answers what the query answers (``tests/test_search_index.py`` proves it).

Where it lives, and why it is never stale: in memory, attached to the store object it was built
from, and only for read-only pyoxigraph stores (what ``kg serve`` answers from: an in-memory
copy or a read-only handle on the directory). Such a store does not change after it is opened:
a build or an import writes a new directory that the server opens as a new store object, and a
curator's write (``kg.writes``) hands the server a new snapshot object. So an index is built
from its store's content once, on first use, and is dropped with it. Building it at 1M triples
took about as long as one extra second of startup, far less than copying the store into memory;
a file beside the store would need a stamp proving it matches the store, which RocksDB does not
offer. A write does not rebuild: ``carry`` copies the served index and re-reads only the graphs
the write changed. Stores that can change in place (``memory``, ``oxigraph:memory`` written
directly, a store being built) and ``sparql:`` servers get no index: ``search.rq`` answers.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
import weakref
from collections.abc import Iterable, Sequence
from typing import Final, Protocol

import pyoxigraph as ox

from kg._namespaces import PREFIXES

__all__ = ["Info", "SearchIndex", "carry", "follow", "index_for", "warm"]

LABEL: Final = 0
ALT_LABEL: Final = 1
DESCRIPTION: Final = 2

_NAME_PREDICATES: Final = {
    PREFIXES["rdfs"] + "label": LABEL,
    PREFIXES["skos"] + "altLabel": ALT_LABEL,
    PREFIXES["dcterms"] + "description": DESCRIPTION,
}
_TYPE: Final = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_TRIGRAM: Final = 3
"""The trigram tokenizer finds texts of at least three characters; shorter ones scan."""

_SCHEMA: Final = """
CREATE VIRTUAL TABLE names USING fts5(low, content = '', tokenize = 'trigram case_sensitive 1');
"""


class _Native(Protocol):
    """What the index needs of a store: pyoxigraph's own store, read-only."""

    @property
    def native(self) -> ox.Store: ...

    read_only: bool


def rank_of(field: int, name: str, q: str) -> int | None:
    """``search.rq``'s rank of one name for ``q`` (both already lower-cased), None if the name
    does not contain ``q``: 0 the label is ``q``, 1 an altLabel is, 2 a label or altLabel starts
    with it, 3 one contains it, 4 the description contains it."""
    if q not in name:
        return None
    if field == DESCRIPTION:
        return 4
    if name == q:
        return field
    return 2 if name.startswith(q) else 3


Row = tuple[str, int, str]
"""A name: (entity, field, the name lower-cased)."""
Info = tuple[str | None, tuple[str, ...]]
"""An entity's label (the least, if it has several; None: it has none) and types."""


class SearchIndex:
    """The names of one store: their trigrams in an in-memory SQLite FTS5 table, the names
    themselves and their entities' labels and types in Python dictionaries.

    The FTS5 table is contentless (``content=''``) with positions (``detail=full``): a phrase
    query then answers with rowids from the index alone, without reading any text back. At 1M
    triples that took 3 ms for "health" (4,000 names) where a GLOB over a table holding the text
    took 40 ms, and fetching labels and types from SQLite cost more again (same run, loaded
    machine). Names are lower-cased with ``str.lower`` (full Unicode lower-casing, as SPARQL's
    ``LCASE``) before SQLite sees them, and the tokenizer is case-sensitive, so SQLite's
    ASCII-only case folding never decides a match; every hit is checked again in Python.
    Everything is kept per graph so that one graph can be replaced (``refresh``) without
    reading the others. Dictionary values are never changed in place, only replaced, so
    ``copy`` can be shallow. One connection, guarded by a lock: requests run on several threads.
    """

    def __init__(self) -> None:
        self._db = _connect()
        self._lock = threading.Lock()
        self._names: dict[int, Row] = {}
        self._rows_of: dict[str, tuple[int, ...]] = {}
        """{graph: rowids of its names}"""
        self._members: dict[str, frozenset[str]] = {}
        """{graph: entities with a label or a type in it}"""
        self._labels: dict[str, tuple[tuple[str, str], ...]] = {}
        """{entity: ((graph, label), ...)}"""
        self._types: dict[str, tuple[tuple[str, str], ...]] = {}
        """{entity: ((graph, type IRI), ...)}"""
        self._info: dict[str, Info] = {}
        self._next = 1

    @classmethod
    def build(cls, store: ox.Store) -> SearchIndex:
        """The index of everything ``store`` holds."""
        index = cls()
        with index._lock:
            index._db.executescript(_SCHEMA)
            index._db.execute("BEGIN")
            index._add(store, None)
            index._db.execute("INSERT INTO names (names) VALUES ('optimize')")
            index._db.execute("COMMIT")
        return index

    def copy(self) -> SearchIndex:
        """An independent copy (SQLite's backup API and shallow copies of the dictionaries), so
        a write can change the copy while the original keeps answering."""
        other = SearchIndex()
        with self._lock:
            self._db.backup(other._db)
            other._names, other._rows_of = dict(self._names), dict(self._rows_of)
            other._members, other._labels = dict(self._members), dict(self._labels)
            other._types, other._info = dict(self._types), dict(self._info)
            other._next = self._next
        return other

    def refresh(self, store: ox.Store, graphs: Iterable[str]) -> None:
        """Re-read ``graphs`` (their names, labels and types) from ``store``; a graph ``store``
        no longer holds is dropped."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                for graph in graphs:
                    dropped = [(r, self._names.pop(r)[2]) for r in self._rows_of.pop(graph, ())]
                    self._db.executemany(
                        "INSERT INTO names (names, rowid, low) VALUES ('delete', ?, ?)", dropped
                    )
                    touched = self._members.pop(graph, frozenset())
                    for table in (self._labels, self._types):
                        for entity in touched:
                            kept = tuple(v for v in table.get(entity, ()) if v[0] != graph)
                            if kept:
                                table[entity] = kept
                            else:
                                table.pop(entity, None)
                    self._add(store, ox.NamedNode(graph), touched)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def search(self, q: str) -> list[tuple[str, int, Info]]:
        """(entity, best rank, label and types) of every entity with a name that contains
        ``q`` (ignoring case), in no particular order."""
        low = q.lower()
        with self._lock:
            names, info = self._names, self._info
            if len(low) >= _TRIGRAM:
                phrase = '"' + low.replace('"', '""') + '"'
                hits: Iterable[Row] = [
                    names[r]
                    for (r,) in self._db.execute(
                        "SELECT rowid FROM names WHERE names MATCH ?", (phrase,)
                    )
                ]
            else:
                hits = names.values()  # too short for trigrams: every name is checked
            best: dict[str, int] = {}
            for entity, field, name in hits:
                rank = rank_of(field, name, low)
                if rank is not None and rank < best.get(entity, 5):
                    best[entity] = rank
        return [(e, rank, info.get(e, _NOTHING)) for e, rank in best.items()]

    def _add(
        self, store: ox.Store, graph: ox.NamedNode | None, touched: Iterable[str] = ()
    ) -> None:
        names: list[tuple[int, str]] = []
        members: dict[str, set[str]] = {}
        rows_of: dict[str, list[int]] = {}
        labels, types = self._labels, self._types
        for predicate, field in _NAME_PREDICATES.items():
            for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, graph):
                where, entity, value = _graph(quad), _entity(quad), quad.object
                if field == LABEL:
                    labels[entity] = (*labels.get(entity, ()), (where, _text(value)))
                    members.setdefault(where, set()).add(entity)
                if isinstance(value, ox.Literal | ox.NamedNode):  # STR() of others: an error
                    low = value.value.lower()
                    self._names[self._next] = (entity, field, low)
                    rows_of.setdefault(where, []).append(self._next)
                    names.append((self._next, low))
                    self._next += 1
        for quad in store.quads_for_pattern(None, _TYPE, None, graph):
            where, entity = _graph(quad), _entity(quad)
            types[entity] = (*types.get(entity, ()), (where, sys.intern(_text(quad.object))))
            members.setdefault(where, set()).add(entity)
        self._db.executemany("INSERT INTO names (rowid, low) VALUES (?, ?)", names)
        for where, rows in rows_of.items():
            self._rows_of[where] = (*self._rows_of.get(where, ()), *rows)
        changed = set(touched)
        for where, entities in members.items():
            self._members[where] = self._members.get(where, frozenset()) | entities
            changed |= entities
        for entity in changed:
            self._info[entity] = _info(labels.get(entity, ()), types.get(entity, ()))
            if self._info[entity] == _NOTHING:
                del self._info[entity]


_NOTHING: Final[Info] = (None, ())


def _info(labels: Iterable[tuple[str, str]], types: Iterable[tuple[str, str]]) -> Info:
    """What search shows of an entity: one label, whichever graph it comes from (the least,
    so that the answer does not depend on the order quads come in), and its distinct types."""
    return min((label for _, label in labels), default=None), tuple(
        dict.fromkeys(t for _, t in types)
    )


def _graph(quad: ox.Quad) -> str:
    """The graph a quad is in; "" for the default graph, which the union that ``search.rq``
    reads includes. Interned, like ``_entity``: the index keeps one copy of each IRI however
    many names, labels and types mention it (at 1M triples interning halved its memory)."""
    return sys.intern(quad.graph_name.value) if isinstance(quad.graph_name, ox.NamedNode) else ""


def _entity(quad: ox.Quad) -> str:
    return sys.intern(_text(quad.subject))


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """What ``str()`` of the rdflib term the store would return for ``term`` gives."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def _connect() -> sqlite3.Connection:
    return sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)


_INDEXES: Final[weakref.WeakKeyDictionary[object, SearchIndex]] = weakref.WeakKeyDictionary()
_BUILDING: Final = threading.Lock()


def _indexable(store: object) -> ox.Store | None:
    """The pyoxigraph store behind ``store`` if it is one that cannot change (see the module
    docstring), else None."""
    native = getattr(store, "native", None)
    if isinstance(native, ox.Store) and getattr(store, "read_only", False) is True:
        return native
    return None


def index_for(store: object) -> SearchIndex | None:
    """The index of ``store``, built on first use; None for a store that gets none (one that can
    change in place, or a SPARQL server): then ``search.rq`` answers."""
    native = _indexable(store)
    if native is None:
        return None
    found = _INDEXES.get(store)
    if found is not None:
        return found
    with _BUILDING:  # one build per store, however many requests arrive at once
        found = _INDEXES.get(store)
        if found is None:
            found = _INDEXES[store] = SearchIndex.build(native)
    return found


def warm(store: object) -> None:
    """Build the index of ``store`` in a background thread, so that the first search after a
    server starts does not wait for it (seconds at 1M triples); a search that comes first
    waits for the same build instead of starting another."""
    if _indexable(store) is not None:
        threading.Thread(
            target=index_for, args=(store,), name="kg-search-index", daemon=True
        ).start()


def carry(before: object, after: object, changed: Sequence[str]) -> None:
    """Give ``after`` (the state a write produced) the index of ``before`` (the state it
    replaces) with only the ``changed`` graphs re-read, instead of a full build on the next
    search. Does nothing when ``before`` has no index yet or ``after`` gets none."""
    native = _indexable(after)
    previous = _INDEXES.get(before) if _indexable(before) is not None else None
    if native is None or previous is None:
        return
    index = previous.copy()
    index.refresh(native, changed)
    _INDEXES[after] = index


def follow(store: object, changed: Sequence[str]) -> None:
    """``store`` (a served in-memory copy that a write changed in place, in one transaction:
    ``kg.writes``) now holds new content in the ``changed`` graphs: its index re-reads them.
    When a build of the index is still running (``warm``, seconds at 1M triples) the refresh
    waits for it in a thread of its own, not in the write: the build may have read some
    graphs before the write and some after, and the refresh re-reads the changed ones."""
    native = _indexable(store)
    if native is None:
        return
    if _BUILDING.acquire(blocking=False):
        try:
            index = _INDEXES.get(store)
        finally:
            _BUILDING.release()
        if index is not None:
            index.refresh(native, changed)
        return
    threading.Thread(
        target=_follow_after_build,
        args=(store, native, list(changed)),
        name="kg-search-index-follow",
        daemon=True,
    ).start()


def _follow_after_build(store: object, native: ox.Store, changed: list[str]) -> None:
    with _BUILDING:
        index = _INDEXES.get(store)
    if index is not None:
        index.refresh(native, changed)

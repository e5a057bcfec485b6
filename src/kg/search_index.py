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

import json
import re
import sqlite3
import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

import pyoxigraph as ox

from kg._namespaces import PREFIXES

__all__ = ["Match", "SearchIndex", "carry", "index_for"]

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

_GLOB_SPECIAL: Final = re.compile(r"[*?\[]")

_SCHEMA: Final = """
CREATE VIRTUAL TABLE names USING fts5(
    low, entity UNINDEXED, field UNINDEXED, graph UNINDEXED,
    tokenize = 'trigram case_sensitive 1', detail = 'none'
);
CREATE TABLE labels (graph TEXT NOT NULL, entity TEXT NOT NULL, label TEXT NOT NULL);
CREATE INDEX labels_entity ON labels (entity);
CREATE INDEX labels_graph ON labels (graph);
CREATE TABLE types (graph TEXT NOT NULL, entity TEXT NOT NULL, type TEXT NOT NULL);
CREATE INDEX types_entity ON types (entity);
CREATE INDEX types_graph ON types (graph);
"""


class _Native(Protocol):
    """What the index needs of a store: pyoxigraph's own store, read-only."""

    @property
    def native(self) -> ox.Store: ...

    read_only: bool


@dataclass(frozen=True, slots=True)
class Match:
    """One entity ``q`` found: its best rank (``search.rq``), label (None: it has none) and
    types."""

    entity: str
    rank: int
    label: str | None
    types: tuple[str, ...]


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


class SearchIndex:
    """The names, labels and types of one store, in an in-memory SQLite database.

    Names are lower-cased with ``str.lower`` (full Unicode lower-casing, as SPARQL's ``LCASE``)
    before SQLite sees them, and the tokenizer is case-sensitive, so SQLite's ASCII-only case
    folding never decides a match. Labels and types are kept per graph so that one graph can be
    replaced (``refresh``) without reading the others. One connection, guarded by a lock: a
    lookup takes milliseconds, and requests run on several threads.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._lock = threading.Lock()

    @classmethod
    def build(cls, store: ox.Store) -> SearchIndex:
        """The index of everything ``store`` holds."""
        index = cls(_connect())
        with index._lock, index._db:
            index._db.executescript(_SCHEMA)
            index._add(store, None)
        return index

    def copy(self) -> SearchIndex:
        """An independent copy (SQLite's backup API: tens of milliseconds at 1M triples), so a
        write can change the copy while the original keeps answering."""
        target = _connect()
        with self._lock:
            self._db.backup(target)
        return SearchIndex(target)

    def refresh(self, store: ox.Store, graphs: Iterable[str]) -> None:
        """Re-read ``graphs`` (their names, labels and types) from ``store``; a graph ``store``
        no longer holds is dropped."""
        with self._lock, self._db:
            for graph in graphs:
                for table in ("names", "labels", "types"):
                    self._db.execute(f"DELETE FROM {table} WHERE graph = ?", (graph,))
                self._add(store, ox.NamedNode(graph))

    def search(self, q: str) -> list[Match]:
        """Every entity with a name that contains ``q`` (ignoring case), with its best rank, in
        no particular order."""
        low = q.lower()
        with self._lock:
            if len(low) >= _TRIGRAM:
                # GLOB, not MATCH: the trigram index serves it with detail=none (a third of
                # the size), and it means "contains" exactly; [x] escapes GLOB's wildcards.
                pattern = "*" + _GLOB_SPECIAL.sub(r"[\g<0>]", low) + "*"
                rows = self._db.execute(
                    "SELECT entity, field, low FROM names WHERE low GLOB ?", (pattern,)
                ).fetchall()
            else:
                rows = self._db.execute(
                    "SELECT entity, field, low FROM names WHERE instr(low, ?) > 0", (low,)
                ).fetchall()
            best: dict[str, int] = {}
            for entity, field, name in rows:
                rank = rank_of(field, name, low)
                if rank is not None and rank < best.get(entity, 5):
                    best[entity] = rank
            if not best:
                return []
            wanted = list(best)
            labels = _by_entity(self._db, "SELECT entity, label FROM labels", wanted)
            types = _by_entity(self._db, "SELECT DISTINCT entity, type FROM types", wanted)
        return [
            Match(
                entity,
                rank,
                min(labels[entity]) if entity in labels else None,
                tuple(types.get(entity, ())),
            )
            for entity, rank in best.items()
        ]

    def _add(self, store: ox.Store, graph: ox.NamedNode | None) -> None:
        names: list[tuple[str, str, int, str]] = []
        labels: list[tuple[str, str, str]] = []
        for predicate, field in _NAME_PREDICATES.items():
            for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, graph):
                where, entity, value = _graph(quad), _text(quad.subject), quad.object
                if field == LABEL:
                    labels.append((where, entity, _text(value)))
                if isinstance(value, ox.Literal | ox.NamedNode):  # STR() of others: an error
                    names.append((value.value.lower(), entity, field, where))
        types = [
            (_graph(quad), _text(quad.subject), _text(quad.object))
            for quad in store.quads_for_pattern(None, _TYPE, None, graph)
        ]
        self._db.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", names)
        self._db.executemany("INSERT INTO labels VALUES (?, ?, ?)", labels)
        self._db.executemany("INSERT INTO types VALUES (?, ?, ?)", types)


def _graph(quad: ox.Quad) -> str:
    """The graph a quad is in; "" for the default graph, which the union that ``search.rq``
    reads includes."""
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """What ``str()`` of the rdflib term the store would return for ``term`` gives."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def _connect() -> sqlite3.Connection:
    return sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)


def _by_entity(
    db: sqlite3.Connection, select: str, entities: Sequence[str]
) -> dict[str, list[str]]:
    """{entity: values} for ``entities``, passed as one JSON array (no limit on their number)."""
    found: dict[str, list[str]] = {}
    rows = db.execute(
        f"{select} WHERE entity IN (SELECT value FROM json_each(?))",
        (json.dumps(entities),),
    )
    for entity, value in rows:
        found.setdefault(entity, []).append(value)
    return found


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

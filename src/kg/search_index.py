"""A text index for search (``entities.search``): the answers of ``queries/search.rq`` without
scanning every name, ranked and paged in a few milliseconds.

``search.rq`` lower-cases and scans every rdfs:label, skos:altLabel and dcterms:description on
each request (217 ms at 1M triples). This module keeps those names, lower-cased, in an in-memory
SQLite database (standard library, no new dependency): an FTS5 table with the trigram tokenizer
finds the names that contain a text of 3 or more characters without a scan (shorter texts scan
the names inside SQLite, ``instr``), and the rank, the kinds filter, the order and the page
follow ``search.rq``'s rules and ``entities.search``'s order exactly
(``tests/test_search_index.py`` proves it against the query).

What makes a match cheap: every entity has one row of the FTS5 table (its labels and altLabels
in one column, its descriptions in the other), and its row id is its place in the (label, IRI)
order and its set of types (``place << 20 | typeset``). So the match returns entities already in
the order of the answer, the kinds filter is arithmetic on the row id, and SQLite counts the
matches and reads the page (``ORDER BY rowid LIMIT``) without handing every match to Python:
ranks 0-2 (the name equals or starts with the text: a B-tree range over the labels and
altLabels, few rows) come first, then the rest of the names matches, then the description-only
ones. Before (one FTS row per name, every matching name ranked in a Python loop), "health" at
10M triples took 81 ms: see ``benchmarks/search_index.py`` for the figures now.

Where it lives, and why it is never stale: in memory, attached to the store object it was built
from, and only for read-only pyoxigraph stores (what ``kg serve`` answers from: an in-memory
copy or a read-only handle on the directory). Such a store does not change after it is opened:
a build or an import writes a new directory that the server opens as a new store object, and a
curator's write (``kg.writes``) hands the server a new snapshot object. So an index is built
from its store's content once (at server start in a background thread, ``warm``: searches that
come while it builds are answered by ``search.rq``, slower but the same) and is dropped with
the store. A file beside the store would need a stamp proving it matches the store, which
RocksDB does not offer. A write does not rebuild: ``follow`` re-reads only the graphs the write
changed in the served copy's index. Stores that can change in place (``memory``,
``oxigraph:memory`` written directly, a store being built) get no index: ``search.rq`` answers.

A ``sparql:`` server (Virtuoso) gets an index too, but only when the server starts (``warm``;
never built on a first search, so a one-shot CLI search asks ``search.rq`` once instead of
reading every name): its names are read graph by graph (``_read_server``), and writes made
through that store object (``kg.writes``) refresh it like the embedded one. Writes that reach
the server by another way (another process, ``kg import`` from the command line) are not seen
until the server restarts: a SPARQL server offers no cheap stamp of its state to check against.
On Virtuoso at 1M triples this took search from about 1 s (``search.rq``) to milliseconds.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
import weakref
from array import array
from collections.abc import Callable, Collection, Iterable, Sequence
from itertools import groupby
from typing import TYPE_CHECKING, Final, Protocol

import pyoxigraph as ox

from kg._namespaces import PREFIXES

if TYPE_CHECKING:
    from kg.stores.base import Store

__all__ = ["Hit", "Name", "SearchIndex", "follow", "index_for", "warm"]

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
_SEP: Final = "\uffff"
"""Between the names an entity's text row joins: a noncharacter, so that no trigram of a search
text spans two names (a text that holds it is answered by the scan)."""

_FIELD_SHIFT: Final = 18
_PLACE_SHIFT: Final = 20
_LOW: Final = (1 << _PLACE_SHIFT) - 1
_SLOTS: Final = 1 << _FIELD_SHIFT
"""Names one entity may have in one field (name row ids ``place << 20 | field << 18 | n``)."""
_PLACES: Final = 1 << 43
"""Places are below this, so that ``place << 20 | ...`` fits SQLite's 64-bit row ids."""

_SCHEMA: Final = """
CREATE TABLE name (id INTEGER PRIMARY KEY, low TEXT NOT NULL, graph INTEGER NOT NULL);
CREATE VIRTUAL TABLE texts USING fts5(
    names, about, content = '', columnsize = 0, tokenize = 'trigram case_sensitive 1'
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

Name = tuple[str, int, str, str]
"""A name as the index reads it: (entity, field, the name lower-cased, graph; "" the default
graph)."""


class _Rebuild(Exception):
    """No free place is left between two entities for one a write added or relabelled."""


class SearchIndex:
    """The names of one store in an in-memory SQLite database (``_SCHEMA``).

    Every entity has a place: a number that grows with its (label, IRI) order, with gaps, so
    that an entity a write adds or relabels gets a place between its neighbours without
    renumbering the others. The place keys the ``entity`` row, the entity's ``name`` rows
    (``place << 20 | field << 18 | n``) and its one row of ``texts`` (``place << 20 |
    typeset``): an FTS5 table (trigram tokenizer, contentless) with two columns, the entity's
    labels and altLabels joined, and its descriptions joined. So an FTS5 match returns whole
    entities in the order of the answer with their types in the row id: the count, the kinds
    filter and the page (``ORDER BY rowid LIMIT``) run inside SQLite, and only the page reaches
    Python. Names are lower-cased with ``str.lower`` (full Unicode lower-casing, as SPARQL's
    ``LCASE``) before SQLite sees them, and the tokenizer is case-sensitive, so SQLite's
    ASCII-only case folding never decides a match, and a phrase of trigrams matches exactly the
    texts that contain it. The ``name`` table keeps each name: for the ranks 0-2 (a B-tree
    range), for texts shorter than a trigram (a scan) and to delete an entity's text row (a
    contentless table needs the text it indexed). One connection, guarded by a lock: requests
    run on several threads.
    """

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._typesets: list[tuple[str, ...]] = []
        self._typeset_ids: dict[tuple[str, ...], int] = {}
        self._graphs: list[str] = []
        self._graph_ids: dict[str, int] = {}
        self._rows_of: dict[str, array[int]] = {}
        """{graph: row ids of its names}, so that a graph's names can be dropped."""

    @classmethod
    def build(cls, store: ox.Store) -> SearchIndex:
        """The index of everything ``store`` holds."""
        return cls.of(*_read(store))

    @classmethod
    def of(
        cls, names: Iterable[Name], labels: dict[str, str], types: dict[str, set[str]]
    ) -> SearchIndex:
        """The index of ``names``, given the least label and the types of their entities (an
        entity missing from ``types`` has none)."""
        index = cls()
        names = list(names)
        ordered = sorted(
            {entity for entity, _, _, _ in names}, key=lambda e: (_sort_key(e, labels.get(e)), e)
        )
        gap = _PLACES // (len(ordered) + 2)
        place = {entity: (n + 1) * gap for n, entity in enumerate(ordered)}
        with index._lock:
            db = index._db
            db.executescript(_SCHEMA)
            db.execute("BEGIN")
            typeset = {e: index._typeset(types.get(e, ())) for e in ordered}
            db.executemany(
                "INSERT INTO entity VALUES (?, ?, ?, ?, ?)",
                (
                    (place[e], e, labels.get(e), _sort_key(e, labels.get(e)), typeset[e])
                    for e in ordered
                ),
            )
            slots: dict[int, int] = {}
            rows: list[tuple[int, str, int]] = []
            rows_of: dict[str, list[int]] = {}
            for entity, field, low, graph in names:
                base = place[entity] << _PLACE_SHIFT | field << _FIELD_SHIFT
                slot = slots.get(base, 0)
                slots[base] = _next_slot(slot)
                rows.append((base | slot, low, index._graph(graph)))
                rows_of.setdefault(graph, []).append(base | slot)
            del slots
            rows.sort()
            db.executemany("INSERT INTO name VALUES (?, ?, ?)", rows)
            typeset_at = {place[e]: typeset[e] for e in ordered}
            db.executemany(
                "INSERT INTO texts (rowid, names, about) VALUES (?, ?, ?)",
                (
                    (at << _PLACE_SHIFT | typeset_at[at], *_joined(group))
                    for at, group in groupby(rows, key=lambda row: row[0] >> _PLACE_SHIFT)
                ),
            )
            db.execute("INSERT INTO texts (texts) VALUES ('optimize')")
            for statement in _INDEXES_SQL:
                db.execute(statement)
            db.execute("COMMIT")
            index._rows_of = {g: array("q", r) for g, r in rows_of.items()}
        return index

    def copy(self) -> SearchIndex:
        """An independent copy (SQLite's backup API), so that a change to the copy leaves the
        original answering as it was."""
        other = SearchIndex()
        with self._lock:
            self._db.backup(other._db)
            other._typesets, other._typeset_ids = list(self._typesets), dict(self._typeset_ids)
            other._graphs, other._graph_ids = list(self._graphs), dict(self._graph_ids)
            other._rows_of = dict(self._rows_of)  # arrays are replaced, never changed in place
        return other

    def refresh(self, before: ox.Store, after: ox.Store, graphs: Iterable[str]) -> None:
        """Re-read ``graphs`` from ``after``, the store that replaced ``before`` (the one this
        index was made from): their names, and the label and types of every entity they name
        before or after, which may come from any graph."""
        graphs = list(graphs)
        with self._lock:
            db = self._db
            db.execute("BEGIN")
            try:
                self._refresh(before, after, graphs)
            except _Rebuild:  # places ran out between two entities: number them all again
                db.execute("ROLLBACK")
                fresh = SearchIndex.build(after)
                self._db, self._typesets, self._typeset_ids = (
                    fresh._db,
                    fresh._typesets,
                    fresh._typeset_ids,
                )
                self._graphs, self._graph_ids = fresh._graphs, fresh._graph_ids
                self._rows_of = fresh._rows_of
                return
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _refresh(self, before: ox.Store, after: ox.Store, graphs: list[str]) -> None:
        db = self._db
        touched: set[str] = set()
        added: dict[str, list[tuple[int, str, str]]] = {}
        for graph in graphs:
            touched |= self._iris_at({row >> _PLACE_SHIFT for row in self._rows_of.get(graph, ())})
            named = ox.NamedNode(graph)
            for store in (before, after):
                for term in (_LABEL, _TYPE):
                    touched.update(
                        _entity(q) for q in store.quads_for_pattern(None, term, None, named)
                    )
            for predicate, field in _NAME_PREDICATES.items():
                for quad in after.quads_for_pattern(None, ox.NamedNode(predicate), None, named):
                    entity, value = _entity(quad), quad.object
                    touched.add(entity)
                    if isinstance(value, ox.Literal | ox.NamedNode):  # STR() of others: error
                        added.setdefault(entity, []).append((field, value.value.lower(), graph))
        was: dict[str, tuple[int, str]] = {}
        for entity in touched:  # text rows go first: deleting one needs the text it indexed
            found = db.execute(
                "SELECT id, sort, typeset FROM entity WHERE iri = ?", (entity,)
            ).fetchone()
            if found is not None:
                place, sort, typeset = found
                was[entity] = (place, sort)
                db.execute(
                    "INSERT INTO texts (texts, rowid, names, about) VALUES ('delete', ?, ?, ?)",
                    (place << _PLACE_SHIFT | typeset, *_joined(self._names_at(place))),
                )
        for graph in graphs:
            self._drop(graph)
        for entity in touched:
            subject = _subject(entity)
            label = (
                None
                if subject is None
                else min(
                    (_text(q.object) for q in after.quads_for_pattern(subject, _LABEL, None, None)),
                    default=None,
                )
            )
            types = (
                set()
                if subject is None
                else {_text(q.object) for q in after.quads_for_pattern(subject, _TYPE, None, None)}
            )
            sort = _sort_key(entity, label)
            old, old_sort = was.get(entity, (None, None))
            kept = [] if old is None else self._names_at(old)
            if old is not None and (old_sort != sort or (not kept and entity not in added)):
                db.execute("DELETE FROM entity WHERE id = ?", (old,))
            if not kept and entity not in added:
                continue  # it has no names any more: search never shows it
            place = old if old is not None and old_sort == sort else self._place_for(sort, entity)
            if old is not None and place != old:
                self._move(kept, old, place)
            typeset = self._typeset(types)
            db.execute(
                "INSERT OR REPLACE INTO entity VALUES (?, ?, ?, ?, ?)",
                (place, entity, label, sort, typeset),
            )
            for field, low, graph in added.get(entity, ()):
                base = place << _PLACE_SHIFT | field << _FIELD_SHIFT
                (last,) = db.execute(
                    "SELECT max(id) FROM name WHERE id BETWEEN ? AND ?", (base, base + _SLOTS - 1)
                ).fetchone()
                row = base | (0 if last is None else _next_slot(last - base))
                db.execute("INSERT INTO name VALUES (?, ?, ?)", (row, low, self._graph(graph)))
                self._rows_of[graph] = array("q", (*self._rows_of.get(graph, ()), row))
            db.execute(
                "INSERT INTO texts (rowid, names, about) VALUES (?, ?, ?)",
                (place << _PLACE_SHIFT | typeset, *_joined(self._names_at(place))),
            )

    def _names_at(self, place: int) -> list[tuple[int, str, int]]:
        """The name rows of the entity at ``place``, in row id order."""
        return self._db.execute(
            "SELECT id, low, graph FROM name WHERE id BETWEEN ? AND ? ORDER BY id",
            (place << _PLACE_SHIFT, place << _PLACE_SHIFT | _LOW),
        ).fetchall()

    def _move(self, rows: list[tuple[int, str, int]], old: int, new: int) -> None:
        """Give the name rows of an entity at place ``old`` their ids at place ``new``."""
        db, shift = self._db, (new - old) << _PLACE_SHIFT
        db.execute(
            "DELETE FROM name WHERE id BETWEEN ? AND ?",
            (old << _PLACE_SHIFT, old << _PLACE_SHIFT | _LOW),
        )
        db.executemany("INSERT INTO name VALUES (?, ?, ?)", [(r + shift, t, g) for r, t, g in rows])
        for number in {g for _, _, g in rows}:
            graph = self._graphs[number]
            mine = {r for r, _, g in rows if g == number}
            self._rows_of[graph] = array(
                "q", (r + shift if r in mine else r for r in self._rows_of[graph])
            )

    def _place_for(self, sort: str, iri: str) -> int:
        """A free place between the entities before and after (``sort``, ``iri``): the place
        order is the (label, IRI) order, so a bisection over places finds them."""
        db, key = self._db, (sort, iri)
        low, high = 0, _PLACES  # the first place after every entity before key: in [low, high]
        while low < high:
            middle = (low + high) // 2
            found = db.execute(
                "SELECT id, sort, iri FROM entity WHERE id >= ? ORDER BY id LIMIT 1", (middle,)
            ).fetchone()
            if found is None or (found[1], found[2]) > key:
                high = middle
            else:
                low = found[0] + 1
        (before,) = db.execute("SELECT max(id) FROM entity WHERE id < ?", (low,)).fetchone()
        (after,) = db.execute("SELECT min(id) FROM entity WHERE id >= ?", (low,)).fetchone()
        before, after = before or 0, _PLACES if after is None else after
        if after - before < 2:
            raise _Rebuild
        return (before + after) // 2

    def search(
        self, q: str, wanted: Callable[[tuple[str, ...]], bool], *, limit: int, offset: int
    ) -> tuple[int, list[Hit]]:
        """How many entities with one of the ``wanted`` sets of types have a name that contains
        ``q`` (ignoring case), and the page ``offset``, ``offset + limit`` of them: best rank
        first, then by label (case-folded), then by IRI. ``search.rq``'s ranks: 0 the label is
        ``q``, 1 an altLabel is, 2 a label or altLabel starts with it, 3 one contains it, 4 only
        the description contains it."""
        low = q.lower()
        with self._lock:
            allowed = {n for n, types in enumerate(self._typesets) if wanted(types)}
            if not allowed:
                return 0, []
            total, page = self._matched(low, allowed, limit=limit, offset=offset)
            shown = {
                place: (iri, label, self._typesets[typeset])
                for place, iri, label, typeset in self._db.execute(
                    "SELECT id, iri, label, typeset FROM entity WHERE id IN "
                    f"({','.join('?' * len(page))})",
                    page,
                )
            }
        return total, [shown[place] for place in page]

    def _matched(
        self, low: str, allowed: set[int], *, limit: int, offset: int
    ) -> tuple[int, list[int]]:
        """The count and the page (places) of the entities whose names contain ``low``, with
        an ``allowed`` set of types. The answer is ranks 0-2 (sorted here: few), then the rest
        of the names matches, then the description-only matches, both in place order already,
        so SQLite reads the page and stops. A text of three or more characters is found by the
        FTS5 trigrams; a shorter one (or one holding ``_SEP``) by a scan of the names, inside
        SQLite as well, that stops at the page (the count still reads every name)."""
        db = self._db
        every = len(allowed) == len(self._typesets)
        # integers made here, no text from outside
        kinds = "" if every else f"IN ({','.join(map(str, sorted(allowed)))})"
        first = self._first(low, kinds)
        found = self._found(low, kinds)
        (total,) = db.execute(*found["count"]).fetchone()
        end = offset + limit
        page = first[offset:end]
        if end <= len(first):
            return total, page
        skip, ahead = max(0, offset - len(first)), set(first)
        want = end - max(offset, len(first))
        sql, args = found["names"]
        named = [place for (place,) in db.execute(sql, (*args, skip + want + len(first)))]
        fetched = len(named)
        named = [place for place in named if place not in ahead]
        page += named[skip : skip + want]
        if len(page) == limit or fetched == skip + want + len(first):
            return total, page
        before = len(first) + len(named)  # every names match: the description-only ones follow
        sql, args = found["about"]
        page += [
            place
            for (place,) in db.execute(sql, (*args, limit - len(page), max(0, offset - before)))
        ]
        return total, page

    def _found(self, low: str, kinds: str) -> dict[str, tuple[str, tuple[object, ...]]]:
        """The three queries of an answer: count the matching entities, the names matches in
        place order (``LIMIT ?`` last), the description-only ones (``LIMIT ? OFFSET ?``)."""
        if len(low) >= _TRIGRAM and _SEP not in low:
            phrase = '"' + low.replace('"', '""') + '"'
            where = "texts MATCH ?" + (f" AND (rowid & {_LOW}) {kinds}" if kinds else "")
            place = f"rowid >> {_PLACE_SHIFT}"
            return {
                "count": (f"SELECT count(*) FROM texts WHERE {where}", (phrase,)),
                "names": (
                    f"SELECT {place} FROM texts WHERE {where} ORDER BY rowid LIMIT ?",
                    ("names : " + phrase,),
                ),
                "about": (
                    f"SELECT {place} FROM texts WHERE {where} ORDER BY rowid LIMIT ? OFFSET ?",
                    (f"about : {phrase} NOT names : {phrase}",),
                ),
            }
        # names of the entity at e.id: fields 0-1 are the row ids below (e.id << 20 | 2 << 18)
        names = (
            "EXISTS (SELECT 1 FROM name n WHERE n.id >= e.id << 20 AND n.id < (e.id << 20 | "
            f"{DESCRIPTION << _FIELD_SHIFT}) AND instr(n.low, ?) > 0)"
        )
        about = (
            f"EXISTS (SELECT 1 FROM name n WHERE n.id >= (e.id << 20 | {DESCRIPTION << _FIELD_SHIFT})"
            " AND n.id <= (e.id << 20 | ?) AND instr(n.low, ?) > 0)"
        )
        typed = f"e.typeset {kinds} AND " if kinds else ""
        return {
            "count": (
                f"SELECT count(*) FROM entity e WHERE {typed}({names} OR {about})",
                (low, _LOW, low),
            ),
            "names": (
                f"SELECT e.id FROM entity e WHERE {typed}{names} ORDER BY e.id LIMIT ?",
                (low,),
            ),
            "about": (
                f"SELECT e.id FROM entity e WHERE {typed}NOT {names} AND {about} "
                "ORDER BY e.id LIMIT ? OFFSET ?",
                (low, _LOW, low),
            ),
        }

    def _first(self, low: str, kinds: str) -> list[int]:
        """The places of the entities of ranks 0-2, best rank first, then in place order: a
        range of the ``named`` index (names that equal or start with ``low``)."""
        bounds: list[str | int]
        last = ord(low[-1])
        if last < sys.maxunicode and not 0xD7FF <= last <= 0xDFFF:
            # from low to the first text after every text that starts with it
            where, bounds = "n.low >= ? AND n.low < ?", [low, low[:-1] + chr(last + 1)]
        else:  # no next character: the range runs to the end
            where, bounds = "n.low >= ? AND substr(n.low, 1, ?) = ?", [low, len(low), low]
        typed = f" AND e.typeset {kinds}" if kinds else ""
        return [
            place
            for (place,) in self._db.execute(
                f"SELECT n.id >> {_PLACE_SHIFT} AS place FROM name n INDEXED BY named "
                f"JOIN entity e ON e.id = n.id >> {_PLACE_SHIFT} "
                f"WHERE {where} AND ((n.id >> 18) & 3) < 2{typed} GROUP BY place "
                "ORDER BY min(CASE WHEN n.low = ? THEN (n.id >> 18) & 3 ELSE 2 END), place",
                (*bounds, low),
            )
        ]

    def _typeset(self, types: Iterable[str]) -> int:
        key = tuple(sorted(set(types)))
        found = self._typeset_ids.get(key)
        if found is None:
            if len(self._typesets) > _LOW:
                raise ValueError(f"the names' entities have more than {_LOW + 1} sets of types")
            found = self._typeset_ids[key] = len(self._typesets)
            self._typesets.append(key)
        return found

    def _graph(self, graph: str) -> int:
        found = self._graph_ids.get(graph)
        if found is None:
            found = self._graph_ids[graph] = len(self._graphs)
            self._graphs.append(graph)
        return found

    def _iris_at(self, places: Collection[int]) -> set[str]:
        if not places:
            return set()
        return {
            iri
            for (iri,) in self._db.execute(
                "SELECT iri FROM entity WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(list(places)),),
            )
        }

    def _drop(self, graph: str) -> None:
        """Drop the names ``graph`` gave."""
        rows = self._rows_of.pop(graph, array("q"))
        for start in range(0, len(rows), 10_000):
            self._db.execute(
                "DELETE FROM name WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(list(rows[start : start + 10_000])),),
            )


def _read(store: ox.Store) -> tuple[list[Name], dict[str, str], dict[str, set[str]]]:
    """The names of ``store``, the least label and the types of the entities they name."""
    names: list[Name] = []
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
    return names, labels, types


def _joined(rows: Iterable[tuple[int, str, int]]) -> tuple[str, str]:
    """The two columns of an entity's text row, from its name rows: labels and altLabels, and
    descriptions, each joined by ``_SEP``."""
    names: list[str] = []
    about: list[str] = []
    for row, low, _ in rows:
        (about if (row >> _FIELD_SHIFT) & 3 == DESCRIPTION else names).append(low)
    return _SEP.join(names), _SEP.join(about)


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


class _Server(Protocol):
    """What the index needs of a SPARQL server's store (``kg.stores.sparql.SparqlStore``)."""

    query_endpoint: str

    def graphs(self) -> list[str]: ...

    def query(self, sparql: str, *, default_graphs: Sequence[str] | None = None) -> object: ...


_NAMES_SPARQL: Final = (
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o "
    f"VALUES ?p {{ {' '.join(f'<{p}>' for p in _NAME_PREDICATES)} }} }}"
)
_TYPES_SPARQL: Final = f"SELECT ?s ?o WHERE {{ ?s <{_TYPE.value}> ?o }}"


def _read_server(store: _Server) -> tuple[list[Name], dict[str, str], dict[str, set[str]]]:
    """What ``_read`` reads of a pyoxigraph store, asked of a SPARQL server graph by graph (a
    graph's answer stays under the server's row limit, which docs/virtuoso.md has operators set
    to at least the largest graph). Values are what ``search.rq`` sees through the same
    store: rdflib terms, ``str()`` as its ``STR()``."""
    from rdflib import Literal, URIRef  # the sparql store answers in rdflib terms

    names: list[Name] = []
    labels: dict[str, str] = {}
    types: dict[str, set[str]] = {}
    for graph in store.graphs():
        for row in _rows(store.query(_NAMES_SPARQL, default_graphs=[graph])):
            entity, value = sys.intern(str(row["s"])), row["o"]
            field = _NAME_PREDICATES[str(row["p"])]
            text = str(value)
            if field == LABEL and (entity not in labels or text < labels[entity]):
                labels[entity] = text
            if isinstance(value, Literal | URIRef):
                names.append((entity, field, text.lower(), sys.intern(graph)))
        for row in _rows(store.query(_TYPES_SPARQL, default_graphs=[graph])):
            types.setdefault(sys.intern(str(row["s"])), set()).add(sys.intern(str(row["o"])))
    return names, labels, types


def _rows(result: object) -> Iterable[dict[str, object]]:
    dicts = getattr(result, "dicts", None)
    if dicts is None:
        raise TypeError("the SPARQL store did not answer a SELECT with rows")
    return dicts()  # type: ignore[no-any-return]


def _is_server(store: Store) -> bool:
    """A store the index reads through SPARQL (``_read_server``): a server's, not pyoxigraph."""
    return store.pyoxigraph() is None and not store.in_process


def _indexable(store: Store) -> ox.Store | None:
    """The pyoxigraph store behind ``store`` if it is one that cannot change (see the module
    docstring), else None."""
    found = store.pyoxigraph()
    return found.native if found is not None and found.read_only else None


def _built(store: Store, native: ox.Store | None) -> SearchIndex:
    with _BUILDING:  # one build per store, however many threads ask at once
        found = _INDEXES.get(store)
        if found is None:
            found = _INDEXES[store] = (
                SearchIndex.build(native)
                if native is not None
                else SearchIndex.of(*_read_server(store))  # type: ignore[arg-type]
            )
    return found


def index_for(store: Store) -> SearchIndex | None:
    """The index of ``store``; None for a store that gets none (one that can change in place, or
    a SPARQL server) and while ``warm`` is still building it: then ``search.rq`` answers. A
    store nobody warmed gets its index built now, on first use."""
    native = _indexable(store)
    if native is None:
        return _INDEXES.get(store)  # a SPARQL server's, once ``warm`` built it; else none
    found = _INDEXES.get(store)
    if found is not None or store in _WARMING:
        return found
    return _built(store, native)


def warm(store: Store) -> None:
    """Build the index of ``store`` in a background thread, so that no search waits for it
    (seconds at 1M triples, a minute at 10M): searches meanwhile run ``search.rq``."""
    native = _indexable(store)
    if (native is None and not _is_server(store)) or store in _INDEXES or store in _WARMING:
        return
    done = _WARMING[store] = threading.Event()

    def build() -> None:
        try:
            _built(store, native)
        finally:
            done.set()
            _WARMING.pop(store, None)

    threading.Thread(target=build, name="kg-search-index", daemon=True).start()


def follow(
    store: Store, before: ox.Store, changed: Sequence[str], *, after: ox.Store | None = None
) -> None:
    """``store`` (a served in-memory copy that a write changed in place, in one transaction, or
    a SPARQL server the write went to: ``kg.writes``) now holds new content in the ``changed``
    graphs, which ``before`` (a scratch store) holds as they were and ``after`` (for a server:
    a scratch store of its whole content now) as they are: its index re-reads them. When the
    index is still being built (``warm``) the refresh waits for it in a thread of its own, not
    in the write."""
    native = _indexable(store) or after
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

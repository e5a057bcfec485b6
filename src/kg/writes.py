"""Curators' writes: Graph Store Protocol PUT/POST/DELETE and SPARQL Update, validated and atomic.

Every write goes the same way, one at a time (a lock in this process; the store's own lock
against other processes), and costs what the change costs, not what the store holds:

1. stage: on pyoxigraph on disk (what ``kg serve`` writes) a RocksDB checkpoint of the store
   beside it (hard links: a few ms at 1M triples) is the state the write is applied to; the
   store itself stays the state before;
2. apply the write to the staged store. PUT, POST and DELETE name their graph. A SPARQL
   Update runs on a scratch store holding only the graphs it names by IRI (``_named_graphs``)
   and its result replaces those graphs in the staged store; an update that names graphs by
   a variable (``GRAPH ?g``), by ``ALL``/``NAMED``, or has a ``BASE``, runs on the staged store
   itself and then every graph is compared (seconds at 1M triples: the one slow case). Only
   the graphs a write can have touched are compared, quad by quad, to find what changed;
3. refuse what may not change: the ontology, shapes and derived graphs (``RESERVED_GRAPHS``: the
   first two are the contract every write is checked against, so a write that could edit them
   could switch validation off; the derived graph is recomputed), the default graph (queries see
   the union of the named graphs, so a triple there would be invisible), ``LOAD`` and
   ``SERVICE`` (nothing is fetched on a client's behalf);
4. bring the derived graph up to date with what changed (``kg.derive.apply_change``: the
   closures and the fundings the change touched, not the whole store) and validate what the
   changed graphs reach (``Writer._validate``: the changed graphs, the nodes they mention and
   the nodes that point to what they rewrote, with their neighbourhood) against the shapes; a
   write is refused when that has a violation that the store did not already have, so data
   that was loaded unchecked (``kg import --no-validate``) does not block unrelated corrections;
5. keep the previous state (``kg.backup.Backups``: a checkpoint, again hard links), then commit
   (``OxigraphStore.stage``): the change (``_Delta``) applied to the store as one SPARQL update,
   one transaction; or, for a delta of ``SWAP_FROM`` quads or more, or blank nodes an update
   cannot name, the staged store swapped in by two renames. Readers and a crash see all old or
   all new. A server answering from an in-memory copy of the store gets the same update: a
   query sees the copy before or after it, and the copy is not replaced by a new one (which at
   1M triples took seconds to make), except after a delta that large, when a fresh copy is
   cheaper than the update. Its search index re-reads the changed graphs
   (``search_index.follow``).

Other stores take a simpler path, as small stores: an in-memory store (``memory``,
``oxigraph:memory``, tests) or a SPARQL server (``sparql:``) is copied into a pyoxigraph store
in memory for steps 2-4, the derived graph is recomputed whole, and the changed graphs are
replaced in the store one at a time, each atomically, with the graphs already replaced put back
if a later one fails. Nothing touches the store before step 5, so a refused write leaves it
exactly as it was.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pyoxigraph as ox

from kg import _reach, journal, search_index
from kg._namespaces import ABSOLUTE_IRI, PREFIXES, RESERVED_GRAPHS
from kg.backup import Backups
from kg.derive import DERIVED_GRAPH, apply_change, change_of, materialise, native_quad
from kg.errors import (
    GraphNotFoundError,
    ReservedGraphError,
    StoreError,
    UpdateSyntaxError,
    WriteError,
    WriteNotConformingError,
)
from kg.settings import Settings
from kg.sparql_guard import Refusal, inspect
from kg.stores.oxigraph import InPlace, OxigraphStore, identity, to_rdflib
from kg.totals import Triple

if TYPE_CHECKING:
    from kg.importer import Contract
    from kg.stores.base import Store
    from kg.validate import ValidationReport, Violation

_UPDATE_LOCATION: Final = re.compile(r"error at (\d+):(\d+)")
#: Quads a write's delta writes one by one (``_Delta.written``) from which the store on disk
#: takes the staged copy by swapping it in, and a served in-memory copy is made afresh, instead
#: of applying the delta as one SPARQL update: deleting an imported IATI graph of 977,786 quads
#: at 1M triples (636k derived triples gone with it) spent 83 s committing that update and
#: 19 s applying it to the served copy.
SWAP_FROM: Final = 100_000


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What a committed (or empty) write did."""

    operation: str
    changed: tuple[str, ...]
    """Graphs whose content changed, the derived graph included; empty: nothing to do."""
    created: bool
    """The graph a Graph Store Protocol request named held nothing before."""
    triples: dict[str, int]
    """Triples now in each changed graph."""
    warnings: tuple[Violation, ...]
    """Recommendations (sh:Warning) the data written does not follow."""
    backup: Path | None
    seconds: dict[str, float] = field(default_factory=dict)
    snapshot: OxigraphStore | None = None
    """The whole new state in memory, for a server that serves a copy of an on-disk store."""
    difference: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Triples (removed, added) in each changed graph: what the history records."""


def check_graph(graph: str) -> str:
    """``graph`` if a write may address it; ``WriteError``/``ReservedGraphError`` otherwise."""
    if not ABSOLUTE_IRI.fullmatch(graph):
        raise WriteError(f"{graph!r} is not an absolute IRI; name the graph by its full IRI")
    if graph in RESERVED_GRAPHS:
        raise ReservedGraphError(_reserved_message(graph))
    return graph


def _reserved_message(graph: str) -> str:
    if graph == DERIVED_GRAPH:
        return f"{graph} is computed from the other graphs after every write; it is not written."
    return (
        f"{graph} is the modelling contract every write is checked against; it changes only "
        "by editing ontology/ or shapes/ in the repository and running `kg build`."
    )


class Writer:
    """Applies writes to the store that ``settings`` name, one at a time.

    ``served`` (the store a server answers from) is written directly when the settings name no
    on-disk or server store (``memory``, ``oxigraph:memory``, tests); otherwise the writer opens
    the configured store for each write and releases it after, so ``kg build`` and ``kg import``
    can run between writes.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.backups = Backups(settings.backups_path(), settings.backup_keep)
        self._lock = threading.Lock()
        self._contract: Contract | None = None

    # --- operations ---------------------------------------------------------------------

    def put(self, served: Store, graph: str, triples: Sequence[ox.Triple]) -> WriteResult:
        """Replace ``graph`` with ``triples`` (Graph Store Protocol PUT); none: it goes."""
        name = ox.NamedNode(check_graph(graph))

        def change(work: ox.Store) -> _Delta:
            new = {ox.Quad(t.subject, t.predicate, t.object, name) for t in triples}
            return _Delta.apply(work, graph, new)

        return self._write(served, "put", change, graph)

    def post(self, served: Store, graph: str, triples: Sequence[ox.Triple]) -> WriteResult:
        """Add ``triples`` to ``graph`` (Graph Store Protocol POST)."""
        name = ox.NamedNode(check_graph(graph))

        def change(work: ox.Store) -> _Delta:
            old = set(work.quads_for_pattern(None, None, None, name))
            added = {ox.Quad(t.subject, t.predicate, t.object, name) for t in triples}
            return _Delta.apply(work, graph, old | added, old)

        return self._write(served, "post", change, graph)

    def delete(self, served: Store, graph: str) -> WriteResult:
        """Remove ``graph`` (Graph Store Protocol DELETE); ``GraphNotFoundError`` if absent."""
        name = ox.NamedNode(check_graph(graph))

        def change(work: ox.Store) -> _Delta:
            if not _holds(work, name):
                raise GraphNotFoundError(
                    f"the store holds no graph {graph}; GET /graphs lists the ones it has"
                )
            return _Delta.apply(work, graph, set())

        return self._write(served, "delete", change, graph)

    def update(self, served: Store, sparql: str) -> WriteResult:
        """Apply a SPARQL 1.1 Update: all its operations or none."""
        refusal = outbound(sparql)
        if refusal is not None:
            raise WriteError(
                f"{refusal.keyword} at line {refusal.line}, column {refusal.column} is not "
                "allowed: nothing is fetched on a client's behalf. Send the data itself (INSERT "
                "DATA, or PUT/POST /graphs)."
            )
        named = _named_graphs(sparql)

        def change(work: ox.Store) -> _Delta | None:
            if named is None:
                _run_update(work, sparql)
                return None
            # Only the graphs the update names can be read or written by it: run it on those
            # alone, and put what it made of them into ``work``.
            scratch = ox.Store()
            olds: dict[str, set[ox.Quad]] = {}
            for graph in named:
                name = ox.NamedNode(graph)
                if work.contains_named_graph(name):
                    olds[graph] = set(work.quads_for_pattern(None, None, None, name))
                    scratch.add_graph(name)
                    scratch.extend(olds[graph])
            _run_update(scratch, sparql)
            delta = _Delta({})
            for graph in named:
                name = ox.NamedNode(graph)
                new = set(scratch.quads_for_pattern(None, None, None, name))
                if new != olds.get(graph, set()):
                    delta.graphs |= _Delta.apply(work, graph, new, olds.get(graph, set())).graphs
            return delta

        return self._write(served, "update", change, None)

    # --- the one path every write takes -------------------------------------------------

    def _write(
        self,
        served: Store,
        operation: str,
        change: _Apply,
        graph: str | None,
    ) -> WriteResult:
        seconds: dict[str, float] = {}
        clock = _Clock(seconds)
        with self._lock, self._target(served) as target:
            native = target.pyoxigraph()
            if native is not None and native.path and not native.in_memory and not native.read_only:
                return self._write_staged(served, native, operation, change, graph, clock)
            return self._write_copied(served, target, operation, change, graph, clock)

    def _write_staged(
        self,
        served: Store,
        target: OxigraphStore,
        operation: str,
        change: _Apply,
        graph: str | None,
        clock: _Clock,
    ) -> WriteResult:
        """Steps 1-5 of the module docstring on a pyoxigraph store on disk."""
        path = target.path
        assert path is not None
        origin = identity(path)
        done: dict[str, Any] = {}
        # The served in-memory copy, when it is the state on disk: reading the graphs a write
        # did not change from memory is several times faster than from RocksDB.
        copy = _follows(served, path, origin)

        def work(staged: ox.Store) -> InPlace | None:
            clock.stop("stage")
            # A local, not the caller's: the swap closes ``target``'s store, and RocksDB keeps
            # a directory locked while any handle on it lives.
            before = target.native
            with clock("apply"):
                found = change(staged)
                delta = (
                    found if isinstance(found, _Delta) else _Delta.between(before, staged, found)
                )
                changed = list(delta.graphs)
                self._admissible(target, changed)
                done["created"] = graph is not None and not _holds(before, ox.NamedNode(graph))
                if not changed:
                    raise _Unchanged
            with clock("derive"):
                # The totals change by what the touched fundings counted before: read from the
                # served copy where there is one (memory is faster than RocksDB).
                was = before if copy is None else copy.native
                removed, added = apply_change(
                    staged, change_of(staged, *delta.data_quads()), before=was
                )
                if removed or added:
                    delta.derived = (removed, added)
                    changed.append(DERIVED_GRAPH)
            with clock("validate"):
                # Validation reads the changed graphs from ``contents`` and only the other,
                # unchanged graphs from the stores: the same in both states and in the copy.
                contents = delta.contents()
                other = before if copy is None else copy.native
                done["warnings"] = self._validate(other, other, changed, contents)
            with clock("backup"):
                done["backup"] = self.backups.take(target, operation)
            done["changed"], done["delta"] = changed, delta
            difference = {g: (len(r), len(a)) for g, (r, a, _) in delta.graphs.items()}
            if DERIVED_GRAPH in changed:
                difference[DERIVED_GRAPH] = (len(delta.derived[0]), len(delta.derived[1]))
            done["difference"] = difference
            done["counts"] = {
                g: len(delta.graphs[g][2]) if g in delta.graphs else _size(staged, g)
                for g in changed
            }
            clock.start("commit")
            if delta.written >= SWAP_FROM:
                return None
            update = delta.as_update(exact=operation == "update")
            return None if update is None else InPlace(update)

        clock.start("stage")
        try:
            target.stage(work)
        except _Unchanged:
            return WriteResult(operation, (), done["created"], {}, (), None, clock.seconds)
        clock.stop("commit")
        changed, delta = done["changed"], done["delta"]
        snapshot = None
        if self.settings.serve_from_memory:
            with clock("serve"):
                snapshot = _follow(served, target, origin, delta)
        return WriteResult(
            operation,
            tuple(changed),
            done["created"],
            done["counts"],
            done["warnings"],
            done["backup"],
            clock.seconds,
            snapshot,
            done["difference"],
        )

    def _write_copied(
        self,
        served: Store,
        target: Store,
        operation: str,
        change: _Apply,
        graph: str | None,
        clock: _Clock,
    ) -> WriteResult:
        """The simpler path for in-memory stores and SPARQL servers (module docstring)."""
        with clock("copy"):
            if self._durable_one_by_one():
                journal.recover(target, self.settings.backups_path())
            before = _copy_of(target)
            work = OxigraphStore()
            work.native.bulk_extend(before)
        with clock("apply"):
            found = change(work.native)
            touched = list(found.graphs) if isinstance(found, _Delta) else found
            difference = _changed(before, work.native, touched)
            changed = list(difference)
        self._admissible(target, changed)
        created = graph is not None and not _holds(before, ox.NamedNode(graph))
        if not changed:
            return WriteResult(operation, (), created, {}, (), None, clock.seconds)
        with clock("derive"):
            materialise(work.native)
            difference = _changed(before, work.native, [*changed, DERIVED_GRAPH])
            changed = list(difference)
        with clock("validate"):
            warnings = self._validate(before, work.native, changed)
        with clock("backup"):
            kept = self.backups.take(target, operation, before=before)
        with clock("commit"), self._all_or_nothing(target, before, changed):
            target.replace_graphs(work.native, changed, previous=before)
            for store in {id(s): s for s in (served, target)}.values():  # a server's index
                search_index.follow(store, before, changed, after=work.native)
        counts = {g: _size(work.native, g) for g in changed}
        return WriteResult(
            operation,
            tuple(changed),
            created,
            counts,
            warnings,
            kept,
            clock.seconds,
            difference=difference,
        )

    def _durable_one_by_one(self) -> bool:
        """Whether this writer's store outlives it and takes graphs one at a time: a SPARQL
        server (an in-memory store dies with a crash, one on disk swaps all at once)."""
        return self.settings.store.startswith("sparql:")

    def _all_or_nothing(
        self, target: Store, before: ox.Store, changed: Sequence[str]
    ) -> contextlib.AbstractContextManager[None]:
        """A multi-graph commit on a SPARQL server kept recoverable (``kg.journal``)."""
        if not self._durable_one_by_one():
            return contextlib.nullcontext()
        return journal.all_or_nothing(target, self.settings.backups_path(), before, changed)

    def _admissible(self, target: Store, changed: Sequence[str]) -> None:
        """Refuse a change of a reserved graph, or of a graph outside the store's prefix."""
        reserved = sorted(set(changed) & RESERVED_GRAPHS)
        if reserved:
            raise ReservedGraphError(_reserved_message(reserved[0]))
        prefix = getattr(target, "graph_prefix", None)
        outside = [g for g in changed if isinstance(prefix, str) and not g.startswith(prefix)]
        if outside:
            raise WriteError(
                f"{outside[0]} is not under {prefix}: the store this server writes to "
                "only holds graphs there."
            )

    @contextmanager
    def _target(self, served: Store) -> Iterator[Store]:
        """The store to write: the configured on-disk or server store, opened for this write,
        or else ``served`` itself."""
        settings = self.settings
        path = settings.store_path()
        if path is None and not settings.store.startswith("sparql:"):
            yield served
            return
        if path is not None and not path.is_dir():
            raise StoreError(f"there is no store at {path}; run `kg build` first")
        from kg.stores import open_configured

        target = open_configured(settings)  # StoreError while another process writes it
        try:
            yield target
        finally:
            target.close()

    def _validate(
        self,
        before: ox.Store,
        after: ox.Store,
        changed: Sequence[str],
        contents: tuple[set[ox.Quad], set[ox.Quad]] | None = None,
    ) -> tuple[Violation, ...]:
        """The warnings about what changed; raise when the write introduces a violation.

        Only what the changed graphs reach is validated (``kg._reach``), not the whole store:
        the nodes they mention before and after the write, and the nodes elsewhere that point
        to a node whose own triples changed (a deleted actor leaves its fundings pointing at
        nothing). Each is validated with its triples and two steps outward, in both states with
        the same nodes, so that a result which the cut-off neighbourhood produces alike before
        and after is not taken for a new one. A write is refused when the state after has an
        error about those nodes that the state before did not have, so data that was loaded
        unchecked (``kg import --no-validate``) does not block unrelated corrections.
        ``contents``: the quads of the changed data graphs before and after, when the caller
        has them already (else they are read).
        """
        contract = self.contract()
        graphs = [g for g in changed if g not in RESERVED_GRAPHS]
        old, new = contents or (_graph_quads(before, graphs), _graph_quads(after, graphs))
        focus = _focus(before, after, graphs, old, new)
        names = {node.value for node in focus}
        report = _check(after, new, graphs, focus, contract)
        errors = [v for v in report.errors() if v.focus in names]
        if errors:
            baseline = _check(before, old, graphs, focus, contract)
            known = {_key(v) for v in baseline.errors()}
            added = [v for v in errors if _key(v) not in known]
            if added:
                raise WriteNotConformingError(added)
        subjects = {str(to_rdflib(q.subject)) for q in new}
        return tuple(v for v in report.warnings() if v.focus in subjects)

    def contract(self) -> Contract:
        """The shapes and class tree writes are checked against, read once from the files."""
        if self._contract is None:
            from kg.importer import Contract

            self._contract = Contract.load(self.settings)
        return self._contract


_Apply = Callable[[ox.Store], "_Delta | Iterable[str] | None"]
"""Applies a write to a store; returns what it changed, or the graphs it may have changed
(None: any)."""


class _Unchanged(Exception):
    """The write changes nothing: the staged store is dropped and nothing is committed."""


def _run_update(store: ox.Store, sparql: str) -> None:
    """Run ``sparql`` on ``store`` (one pyoxigraph transaction); our errors for its errors, and
    a refusal when it wrote into the default graph."""
    try:
        store.update(sparql, prefixes=PREFIXES)
    except SyntaxError as exc:
        message = str(exc.msg or exc)
        found = _UPDATE_LOCATION.search(message)
        line, column = (int(found[1]), int(found[2])) if found else (None, None)
        where = f" at line {line}, column {column}" if found else ""
        raise UpdateSyntaxError(
            f"SPARQL Update syntax error{where}: {message}",
            line=line,
            column=column,
        ) from exc
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        # RuntimeError: pyoxigraph's evaluation errors (DROP of a missing graph, ...).
        raise WriteError(f"the update could not be applied: {exc}") from exc
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
        raise WriteError(
            "the update writes into the default graph, which here is the union of the "
            "named graphs and holds nothing of its own: name the graph (INSERT DATA { "
            "GRAPH <...> { ... } }, or WITH <...>). In WHERE, too, read named graphs "
            "with GRAPH or USING: the default graph is empty during an update."
        )


#: Strings and comments (blanked before ``_named_graphs`` looks for keywords), and IRIs (kept:
#: an IRI may hold a ``#``).
_TOKENS: Final = re.compile(
    r"""(<[^<>"{}|^`\\\x00-\x20]*>)|("{3}[\s\S]*?"{3}|'{3}[\s\S]*?'{3}|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\#[^\n]*)"""
)
_ANY_GRAPH: Final = re.compile(r"\bGRAPH\s*[?$]|\b(?:ALL|NAMED|BASE)\b", re.IGNORECASE)
_PREFIX_DECLARATION: Final = re.compile(
    r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE
)
_PREFIXED: Final = re.compile(r"(?<![\w:<])([A-Za-z][\w.-]*)?:((?:[\w\-.%:]|\\.)*)")


def _named_graphs(sparql: str) -> frozenset[str] | None:
    """Every IRI an update names (in full or prefixed), a superset of the graphs it can read or
    write, or None when it can reach graphs it does not name: ``GRAPH ?g`` (a variable graph,
    in a template or in WHERE), ``ALL``/``NAMED`` (``CLEAR ALL``, ``USING NAMED``) or ``BASE``
    (relative IRIs). During an update the default graph is empty here, so an update that
    names every graph it touches sees, on a store of just those graphs, what it sees on the
    whole store. Being a superset is what matters: a word in a string or a comment, or an IRI
    that is no graph, costs a look at a graph that is not there. A prefixed name is expanded
    with every prefix it could mean (the update's own declarations and ``PREFIXES``)."""
    iris: set[str] = set()
    code: list[str] = []
    last = 0
    for found in _TOKENS.finditer(sparql):
        code.append(sparql[last : found.start()])
        if found[1]:
            iris.add(found[1][1:-1])
            code.append(" " * len(found[1]))
        else:
            code.append(" ")
        last = found.end()
    code.append(sparql[last:])
    text = "".join(code)
    if _ANY_GRAPH.search(text):
        return None
    prefixes = dict(PREFIXES)
    for name, iri in _PREFIX_DECLARATION.findall(sparql):
        prefixes[name] = iri
    for name, local in _PREFIXED.findall(text):
        if name in prefixes:
            iris.add(prefixes[name] + local.rstrip("."))
            iris.add(prefixes[name] + local)
    return frozenset(i for i in iris if ABSOLUTE_IRI.fullmatch(i) and _is_iri(i))


def _is_iri(text: str) -> bool:
    """Whether pyoxigraph takes ``text`` as an absolute IRI (a graph name must be one)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def outbound(sparql: str) -> Refusal | None:
    """The first ``LOAD`` or ``SERVICE`` in an update, found by ``kg.sparql_guard``'s scan.

    The scan stops at the first update keyword (it guards a read-only endpoint), so each one it
    finds is blanked out and the scan repeated: an update has a handful of keywords.
    """
    text = sparql
    while (refusal := inspect(text).refusal) is not None:
        if refusal.keyword in {"LOAD", "SERVICE"}:
            return refusal
        lines = text.split("\n")
        start = sum(len(line) + 1 for line in lines[: refusal.line - 1]) + refusal.column - 1
        text = text[:start] + " " * len(refusal.keyword) + text[start + len(refusal.keyword) :]
    return None


# --- helpers ------------------------------------------------------------------------------


class _Clock:
    """Seconds per phase of a write (``WriteResult.seconds``)."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds
        self._started: dict[str, float] = {}

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        self.start(phase)
        try:
            yield
        finally:
            self.stop(phase)

    def start(self, phase: str) -> None:
        self._started[phase] = time.perf_counter()

    def stop(self, phase: str) -> None:
        if phase in self._started:
            started = self._started.pop(phase)
            self.seconds[phase] = round(time.perf_counter() - started, 4)


@dataclass(slots=True)
class _Delta:
    """What a write did to each changed data graph, and to the derived graph: what a served
    in-memory copy of the store needs to follow it."""

    graphs: dict[str, tuple[set[ox.Quad], set[ox.Quad], set[ox.Quad]]]
    """{graph: (removed, added, the graph's new content)}"""
    derived: tuple[set[Triple], set[Triple]] = field(default_factory=lambda: (set(), set()))

    @property
    def written(self) -> int:
        """Quads ``as_update`` would write out one by one (a dropped graph is one operation)."""
        data = sum(len(r) + len(a) for r, a, content in self.graphs.values() if content)
        return data + len(self.derived[0]) + len(self.derived[1])

    @classmethod
    def between(cls, before: ox.Store, after: ox.Store, touched: Iterable[str] | None) -> _Delta:
        """The delta of the graphs among ``touched`` (None: every graph) that differ."""
        names = _graph_names(before) | _graph_names(after) if touched is None else touched
        graphs = {}
        for graph in sorted(names):
            name = ox.NamedNode(graph)
            old = set(before.quads_for_pattern(None, None, None, name))
            new = set(after.quads_for_pattern(None, None, None, name))
            if old != new:
                graphs[graph] = (old - new, new - old, new)
        return cls(graphs)

    @classmethod
    def apply(
        cls, store: ox.Store, graph: str, new: set[ox.Quad], old: set[ox.Quad] | None = None
    ) -> _Delta:
        """Give ``graph`` of ``store`` the content ``new``, touching only the difference (a
        PUT mostly sends a graph back with a few edits); the delta. ``old``: the graph's
        content in ``store``, when the caller has read it already."""
        name = ox.NamedNode(graph)
        if old is None:
            old = set(store.quads_for_pattern(None, None, None, name))
        if old == new:
            return cls({})
        if not new:
            store.remove_graph(name)
        else:
            for quad in old - new:
                store.remove(quad)
            store.extend(new - old)
        return cls({graph: (old - new, new - old, new)})

    def contents(self) -> tuple[set[ox.Quad], set[ox.Quad]]:
        """The quads of the changed data graphs before and after."""
        new = {q for _, _, content in self.graphs.values() for q in content}
        removed, added = self.data_quads()
        return (new - set(added)) | set(removed), new

    def data_quads(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        """(removed, added) over every changed data graph."""
        removed = [q for gone, _, _ in self.graphs.values() for q in gone]
        added = [q for _, new, _ in self.graphs.values() for q in new]
        return removed, added

    def as_update(self, *, exact: bool = False) -> str | None:
        """The delta as one SPARQL update (one transaction in pyoxigraph): DELETE DATA and
        INSERT DATA, a graph left empty dropped (the store would list it otherwise).

        SPARQL cannot name a stored blank node, and a blank node in INSERT DATA is a new one.
        So when the removed quads of a graph hold blank nodes, all its quads with a blank node
        are deleted by a pattern and its new ones inserted (they get new labels, as any load
        gives them); added quads with blank nodes are inserted with new labels. That is exact
        for PUT, POST and DELETE, whose blank nodes come from the request (new) or go with the
        graph. An update may link to a blank node it found elsewhere in the store: with
        ``exact`` (for the store on disk) such a delta gives None, and the write swaps the
        staged store in instead."""
        operations: list[str] = []
        for graph, (removed, added, content) in self.graphs.items():
            if not content:
                operations.append(f"DROP SILENT GRAPH <{graph}>")
                continue
            if exact and any(_has_blank(q) for q in (*removed, *added)):
                return None
            if any(_has_blank(q) for q in removed):
                operations.append(
                    f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph}> "
                    "{ ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) } }"
                )
                removed = {q for q in removed if not _has_blank(q)}
                added = {q for q in added if not _has_blank(q)} | {
                    q for q in content if _has_blank(q)
                }
            if removed:
                operations.append(_data("DELETE", graph, removed))
            if added:
                operations.append(_data("INSERT", graph, added))
        removed_derived, added_derived = self.derived
        if removed_derived:
            operations.append(_data("DELETE", DERIVED_GRAPH, map(native_quad, removed_derived)))
        if added_derived:
            operations.append(_data("INSERT", DERIVED_GRAPH, map(native_quad, added_derived)))
        return " ;\n".join(operations)


def _follows(served: Store, path: Path, origin: tuple[int, int]) -> OxigraphStore | None:
    """``served`` if it is an in-memory copy of the directory ``path`` whose identity was
    ``origin`` (``OxigraphStore.in_memory_copy``, kept current by the writes), else None."""
    copy = served.pyoxigraph()
    if (
        copy is not None
        and copy.path == path
        and copy.read_only
        and copy.origin is not None
        and copy.origin == origin
    ):
        return copy
    return None


def _has_blank(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _data(verb: str, graph: str, quads: Iterable[ox.Quad]) -> str:
    triples = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    return f"{verb} DATA {{ GRAPH <{graph}> {{\n{triples}\n}} }}"


def _follow(
    served: Store, target: OxigraphStore, origin: tuple[int, int], delta: _Delta
) -> OxigraphStore:
    """The served in-memory copy of ``target`` (the store on disk the write committed to),
    brought to the state just committed.

    When ``served`` is the copy of the directory the write started from (``identity``), the
    write's delta is applied to it in one update (one pyoxigraph transaction: a query running
    meanwhile keeps the state it started on) and its search index re-reads the changed graphs.
    Otherwise (a build or an import replaced the directory since the server copied it, or the
    server serves something else), or when the delta is ``SWAP_FROM`` quads or more, a fresh
    copy is made from ``target``, as a restart would: seconds at 1M.
    """
    path = target.path
    assert path is not None
    copy = _follows(served, path, origin)
    if copy is not None and delta.written < SWAP_FROM:
        update = delta.as_update()
        if update:
            copy.native.update(update)
        copy.origin = identity(path)
        was = ox.Store()
        was.extend(delta.contents()[0])
        search_index.follow(copy, was, list(delta.graphs))
        return copy
    fresh = target.copied_into_memory()
    search_index.warm(fresh)
    return fresh


def _copy_of(store: Store) -> ox.Store:
    copy = ox.Store()
    native = store.pyoxigraph()
    if native is not None:
        copy.bulk_extend(native.native)
    else:
        copy.bulk_extend(ox.parse(store.dump("nquads"), format=ox.RdfFormat.N_QUADS))
    return copy


def _holds(store: ox.Store, name: ox.NamedNode) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, name)), None) is not None


def _size(store: ox.Store, graph: str) -> int:
    counted = store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(counted, ox.QuerySolutions)
    total = next(iter(counted))["n"]
    return 0 if total is None else int(total.value)


def _graph_names(store: ox.Store) -> set[str]:
    names = set()
    for name in store.named_graphs():
        if not isinstance(name, ox.NamedNode):
            raise WriteError("graphs are named by IRIs here, not by blank nodes")
        names.add(name.value)
    return names


def _changed(
    before: ox.Store, after: ox.Store, touched: Iterable[str] | None
) -> dict[str, tuple[int, int]]:
    """The graphs among ``touched`` (None: all) whose quads differ, data graphs first and the
    derived graph last, each with the triples (removed, added)."""
    names = _graph_names(before) | _graph_names(after) if touched is None else set(touched)
    changed = {}
    for graph in sorted(names, key=lambda g: (g == DERIVED_GRAPH, g)):
        name = ox.NamedNode(graph)
        old = set(before.quads_for_pattern(None, None, None, name))
        new = set(after.quads_for_pattern(None, None, None, name))
        if old != new:
            changed[graph] = (len(old - new), len(new - old))
    return changed


def _graph_quads(store: ox.Store, graphs: Iterable[str]) -> set[ox.Quad]:
    return {q for g in graphs for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))}


def _focus(
    before: ox.Store,
    after: ox.Store,
    graphs: Sequence[str],
    old: set[ox.Quad],
    new: set[ox.Quad],
) -> set[_reach.Node]:
    """The nodes whose results a change of ``graphs`` (``old`` and ``new``, their quads
    before and after) may change: see ``Writer._validate``."""
    focus: set[_reach.Node] = set()
    for quad in old | new:
        focus.add(quad.subject)  # type: ignore[arg-type]  # no triple terms in our data
        if isinstance(quad.object, (ox.NamedNode, ox.BlankNode)):
            focus.add(quad.object)
    rewritten = {
        q.subject for q in old ^ new if isinstance(q.subject, (ox.NamedNode, ox.BlankNode))
    }
    skip = set(RESERVED_GRAPHS) | set(graphs)
    for state in (before, after):
        focus |= _reach.referrers(state, rewritten, skip=skip)
    return focus


def _check(
    state: ox.Store,
    quads: set[ox.Quad],
    graphs: Sequence[str],
    focus: set[_reach.Node],
    contract: Contract,
) -> ValidationReport:
    """Validate ``graphs`` of ``state`` whole (``quads``: their content there), with what
    ``focus`` reaches in the rest of it."""
    from kg.validate import validate_store

    scratch = ox.Store()
    scratch.extend(quads)
    _reach.add_neighbours(
        scratch, state, focus, skip=set(RESERVED_GRAPHS) | set(graphs), full_second_step=True
    )
    return validate_store(scratch, shapes=contract.shapes, ontology=contract.ontology)


def _key(v: Violation) -> tuple[str, str | None, str, str, str | None]:
    return (v.focus, v.path, v.message, v.shape, v.value)


__all__ = [
    "RESERVED_GRAPHS",
    "GraphNotFoundError",
    "ReservedGraphError",
    "UpdateSyntaxError",
    "WriteError",
    "WriteNotConformingError",
    "WriteResult",
    "Writer",
    "check_graph",
    "outbound",
]

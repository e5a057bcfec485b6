"""Curators' writes: Graph Store Protocol PUT/POST/DELETE and SPARQL Update, validated and atomic.

Every write goes the same way, one at a time (a lock in this process; the store's own lock
against other processes):

1. copy the store's current content into memory (pyoxigraph), and the copy once more;
2. apply the write to the second copy: any SPARQL Update, however many operations, is one
   pyoxigraph transaction there; graphs are compared with the first copy to find what changed;
3. refuse what may not change: the ontology, shapes and derived graphs (``RESERVED_GRAPHS``: the
   first two are the contract every write is checked against, so a write that could edit them
   could switch validation off; the derived graph is recomputed), the default graph (queries see
   the union of the named graphs, so a triple there would be invisible), ``LOAD`` and
   ``SERVICE`` (nothing is fetched on a client's behalf);
4. recompute the derived graph (``kg.derive.materialise``) and validate what the changed graphs
   reach (``Writer._validate``: the changed graphs, the nodes they mention and the nodes that
   point to what they rewrote, with their neighbourhood) against the shapes; a write is refused
   when that has a violation that the store did not already have, so data that was loaded
   unchecked (``kg import --no-validate``) does not block unrelated corrections;
5. keep the previous state (``kg.backup.Backups``), then replace the changed graphs in the store
   in one step: on pyoxigraph a staged copy swapped in by renames (``load_graph``), readers and
   a crash see all old or all new; on the rdflib store and on a SPARQL server one graph at a
   time, each atomically, with the graphs already replaced put back if a later one fails.

Nothing touches the store before step 5, so a refused write leaves it exactly as it was. The
validation grows with the changed graphs, not with the store; the copies of step 1 and the
derive of step 4 still grow with the store.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pyoxigraph as ox

from kg import _reach
from kg._namespaces import ONTOLOGY_GRAPH, PREFIXES, SHAPES_GRAPH
from kg.backup import Backups
from kg.derive import DERIVED_GRAPH, materialise
from kg.errors import (
    DataNotConformingError,
    KGError,
    NotFoundError,
    QueryError,
    StoreError,
)
from kg.settings import Settings
from kg.sparql_guard import Refusal, inspect
from kg.stores.oxigraph import OxigraphStore, to_rdflib

if TYPE_CHECKING:
    from kg.importer import Contract
    from kg.stores.base import Store
    from kg.validate import ValidationReport, Violation

#: Graphs no write may change: see the module docstring.
RESERVED_GRAPHS: Final = frozenset({str(ONTOLOGY_GRAPH), str(SHAPES_GRAPH), DERIVED_GRAPH})

_IRI: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]+")
_UPDATE_LOCATION: Final = re.compile(r"error at (\d+):(\d+)")


class WriteError(KGError):
    """A write that cannot be done as asked (HTTP 400); the store is unchanged."""


class ReservedGraphError(WriteError):
    """A write that would change the ontology, shapes or derived graph (HTTP 403)."""


class GraphNotFoundError(NotFoundError):
    """DELETE of a graph the store does not hold (HTTP 404)."""


class UpdateSyntaxError(QueryError):
    """A SPARQL Update that does not parse; ``line``/``column`` say where (1-based)."""

    def __init__(self, message: str, *, line: int | None, column: int | None) -> None:
        self.line = line
        self.column = column
        super().__init__(message)


class WriteNotConformingError(DataNotConformingError):
    """The data after the write would not conform to the shapes (HTTP 422)."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = tuple(violations)
        super().__init__("\n".join(f"  - {_describe(v)}" for v in self.violations))


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


def check_graph(graph: str) -> str:
    """``graph`` if a write may address it; ``WriteError``/``ReservedGraphError`` otherwise."""
    if not _IRI.fullmatch(graph):
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

        def change(work: ox.Store) -> None:
            if work.contains_named_graph(name):
                work.remove_graph(name)
            work.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)

        return self._write(served, "put", change, graph)

    def post(self, served: Store, graph: str, triples: Sequence[ox.Triple]) -> WriteResult:
        """Add ``triples`` to ``graph`` (Graph Store Protocol POST)."""
        name = ox.NamedNode(check_graph(graph))

        def change(work: ox.Store) -> None:
            work.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)

        return self._write(served, "post", change, graph)

    def delete(self, served: Store, graph: str) -> WriteResult:
        """Remove ``graph`` (Graph Store Protocol DELETE); ``GraphNotFoundError`` if absent."""
        name = ox.NamedNode(check_graph(graph))

        def change(work: ox.Store) -> None:
            if not _holds(work, name):
                raise GraphNotFoundError(
                    f"the store holds no graph {graph}; GET /graphs lists the ones it has"
                )
            work.remove_graph(name)

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

        def change(work: ox.Store) -> None:
            try:
                work.update(sparql, prefixes=PREFIXES)
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
            if next(iter(work.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
                raise WriteError(
                    "the update writes into the default graph, which here is the union of the "
                    "named graphs and holds nothing of its own: name the graph (INSERT DATA { "
                    "GRAPH <...> { ... } }, or WITH <...>). In WHERE, too, read named graphs "
                    "with GRAPH or USING: the default graph is empty during an update."
                )

        return self._write(served, "update", change, None)

    # --- the one path every write takes -------------------------------------------------

    def _write(
        self,
        served: Store,
        operation: str,
        change: Callable[[ox.Store], None],
        graph: str | None,
    ) -> WriteResult:
        seconds: dict[str, float] = {}
        clock = _Clock(seconds)
        with self._lock, self._target(served) as target:
            with clock("copy"):
                before = _copy_of(target)
                work = OxigraphStore()
                work.native.bulk_extend(before)
            with clock("apply"):
                change(work.native)
                changed = _changed(before, work.native)
            reserved = sorted(set(changed) & RESERVED_GRAPHS)
            if reserved:
                raise ReservedGraphError(_reserved_message(reserved[0]))
            created = graph is not None and not _holds(before, ox.NamedNode(graph))
            if not changed:
                return WriteResult(operation, (), created, {}, (), None, seconds)
            prefix = getattr(target, "graph_prefix", None)
            outside = [g for g in changed if isinstance(prefix, str) and not g.startswith(prefix)]
            if outside:
                raise WriteError(
                    f"{outside[0]} is not under {prefix}: the store this server writes to "
                    "only holds graphs there."
                )
            with clock("derive"):
                materialise(work.native)
                changed = _changed(before, work.native)
            with clock("validate"):
                warnings = self._validate(before, work.native, changed)
            with clock("backup"):
                kept = self.backups.take(target, operation, before=before)
            with clock("commit"):
                _commit(target, before, work.native, changed)
            counts = {g: _size(work.native, g) for g in changed}
        path = self.settings.store_path()
        if path is not None:
            work.path, work.read_only = path, True
        return WriteResult(
            operation, tuple(changed), created, counts, warnings, kept, seconds, work
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
        self, before: ox.Store, after: ox.Store, changed: Sequence[str]
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
        """
        contract = self.contract()
        graphs = [g for g in changed if g not in RESERVED_GRAPHS]
        focus = _focus(before, after, graphs)
        names = {node.value for node in focus}
        report = _check(after, graphs, focus, contract)
        errors = [v for v in report.errors() if v.focus in names]
        if errors:
            baseline = _check(before, graphs, focus, contract)
            known = {_key(v) for v in baseline.errors()}
            new = [v for v in errors if _key(v) not in known]
            if new:
                raise WriteNotConformingError(new)
        return _about(report, after, changed)

    def contract(self) -> Contract:
        """The shapes and class tree writes are checked against, read once from the files."""
        if self._contract is None:
            from kg.importer import Contract

            self._contract = Contract.load(self.settings)
        return self._contract


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
    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] = round(time.perf_counter() - started, 4)


def _copy_of(store: Store) -> ox.Store:
    copy = ox.Store()
    if isinstance(store, OxigraphStore):
        copy.bulk_extend(store.native)
    else:
        copy.bulk_extend(ox.parse(store.dump("nquads"), format=ox.RdfFormat.N_QUADS))
    return copy


def _holds(store: ox.Store, name: ox.NamedNode) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, name)), None) is not None


def _size(store: ox.Store, graph: str) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def _graph_names(store: ox.Store) -> set[str]:
    names = set()
    for name in store.named_graphs():
        if not isinstance(name, ox.NamedNode):
            raise WriteError("graphs are named by IRIs here, not by blank nodes")
        names.add(name.value)
    return names


def _changed(before: ox.Store, after: ox.Store) -> list[str]:
    """The graphs whose quads differ, data graphs first and the derived graph last."""
    changed = []
    for graph in sorted(_graph_names(before) | _graph_names(after)):
        name = ox.NamedNode(graph)
        old = set(before.quads_for_pattern(None, None, None, name))
        if old != set(after.quads_for_pattern(None, None, None, name)):
            changed.append(graph)
    return sorted(changed, key=lambda g: g == DERIVED_GRAPH)


def _graph_quads(store: ox.Store, graphs: Iterable[str]) -> set[ox.Quad]:
    return {q for g in graphs for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))}


def _focus(before: ox.Store, after: ox.Store, graphs: Sequence[str]) -> set[_reach.Node]:
    """The nodes whose results a change of ``graphs`` may change: see ``Writer._validate``."""
    old, new = _graph_quads(before, graphs), _graph_quads(after, graphs)
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
    state: ox.Store, graphs: Sequence[str], focus: set[_reach.Node], contract: Contract
) -> ValidationReport:
    """Validate ``graphs`` of ``state`` whole, with what ``focus`` reaches in the rest of it."""
    from kg.validate import validate_store

    scratch = ox.Store()
    scratch.extend(_graph_quads(state, graphs))
    _reach.add_neighbours(
        scratch, state, focus, skip=set(RESERVED_GRAPHS) | set(graphs), full_second_step=True
    )
    return validate_store(scratch, shapes=contract.shapes, ontology=contract.ontology)


def _key(v: Violation) -> tuple[str, str | None, str, str, str | None]:
    return (v.focus, v.path, v.message, v.shape, v.value)


def _about(
    report: ValidationReport, store: ox.Store, changed: Iterable[str]
) -> tuple[Violation, ...]:
    """The warnings whose focus node is a subject of a changed data graph."""
    subjects = {
        str(to_rdflib(q.subject))
        for g in changed
        if g not in RESERVED_GRAPHS
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))
    }
    return tuple(v for v in report.warnings() if v.focus in subjects)


def _ntriples(store: ox.Store, graph: str) -> bytes:
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
    return bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")


def _commit(target: Store, before: ox.Store, after: ox.Store, changed: Sequence[str]) -> None:
    """Give ``target`` the content of ``after`` in the ``changed`` graphs."""
    if isinstance(target, OxigraphStore):
        emptied = [ox.NamedNode(g) for g in changed if not _holds(after, ox.NamedNode(g))]

        def drop_emptied(staged: ox.Store) -> None:
            for name in emptied:
                if staged.contains_named_graph(name):
                    staged.remove_graph(name)

        with tempfile.TemporaryDirectory(prefix="kg-write-") as folder:
            changes = Path(folder) / "changes.nq"
            quads = (
                q
                for g in changed
                for q in after.quads_for_pattern(None, None, None, ox.NamedNode(g))
            )
            ox.serialize(quads, output=str(changes), format=ox.RdfFormat.N_QUADS)
            target.load_graph(None, changes, format="nquads", before_swap=drop_emptied)
        return
    done: list[str] = []
    try:
        for graph in changed:
            target.replace_graph(graph, _ntriples(after, graph))
            done.append(graph)
    except KGError:
        # Put back what was already replaced; if the store fails again, the backup has it.
        for graph in done:
            with contextlib.suppress(KGError):
                target.replace_graph(graph, _ntriples(before, graph))
        raise


def _describe(v: Violation) -> str:
    parts = [f"{v.severity}: <{v.focus}>"]
    if v.path:
        parts.append(f"path <{v.path}>")
    if v.value:
        parts.append(f"value {v.value}")
    return ", ".join(parts) + f": {v.message}"


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

"""The embedded default store: pyoxigraph, on disk or in memory.

pyoxigraph evaluates SPARQL natively (two orders of magnitude faster than rdflib on our
shape of data, see docs/measured.md) and its ``load``/``update`` are atomic, which is why it
is the default.
"""

from __future__ import annotations

import heapq
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Final

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg import deadline
from kg._namespaces import PREFIXES
from kg._no_fetch import check_query
from kg.errors import ConfigurationError, QueryError, SourceError, StoreError
from kg.export import get_format
from kg.sparql_guard import has_dataset_clause
from kg.stores.base import (
    AskResult,
    GraphResult,
    QueryResult,
    SelectResult,
    Term,
    with_values,
)

#: rdfs:label, the name a page shows beside each subject.
_LABEL: Final = PREFIXES["rdfs"] + "label"
#: Attempts at opening a directory read-only, 50 ms apart and more: RocksDB may fail such an
#: opening while another handle on the directory, just reopened after a swap, removes the files
#: it no longer needs ("Corruption: ... .sst: No such file", seen once in CI).
READ_ONLY_ATTEMPTS: Final = 5
# A triple format of the whole dataset is the union of the graphs, each triple once.
_UNION: Final = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


@lru_cache(maxsize=16_384)
def to_rdflib(term: object) -> Term:
    """Convert a pyoxigraph term to its rdflib twin.

    Cached because the same terms (labels, IRIs, datatypes) recur in every answer and rdflib's
    constructors validate and parse: about 2.4 µs a term uncached, 0.15 µs from the cache,
    which is most of the cost of a few-hundred-row result. rdflib terms are immutable.
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else datatype)
    raise QueryError(f"unsupported RDF term in a result: {term!r} (RDF-star is not supported)")


def to_oxigraph(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to its pyoxigraph twin."""
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    if term.language:
        return ox.Literal(term, language=term.language)
    if term.datatype is not None:
        return ox.Literal(term, datatype=ox.NamedNode(term.datatype))
    return ox.Literal(term)


@dataclass(frozen=True, slots=True)
class InPlace:
    """What a staged change (``OxigraphStore.stage``) asks for instead of a swap: apply
    ``update`` (the same change as a SPARQL update; empty: nothing) to the store itself."""

    update: str


class OxigraphStore:
    """A pyoxigraph ``Store``; ``path=None`` keeps it in memory (tests, throwaway builds)."""

    in_process = True

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        #: Whether the data lives in memory (also for a copy whose ``path`` is its source).
        self.in_memory = path is None
        self.origin: tuple[int, int] | None = None
        """For an in-memory copy (``in_memory_copy``): the ``identity`` of the directory it
        was copied from, which the writes that bring it up to date keep current."""
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = _open_read_only(path)
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(
                f"cannot open the store at {path}: {exc}. If another kg process (build or "
                "serve) is using it, stop that process or use another --store."
            ) from exc

    @classmethod
    def in_memory_copy(cls, path: Path) -> OxigraphStore:
        """The store at ``path`` copied into memory, read-only by convention, for serving.

        Queries on the on-disk RocksDB store cost 3-6x more than in memory on the shipped data
        (a place's relations with their evidence: 9 ms on disk, 1.5 ms in memory), and copying
        its 6k quads takes about 60 ms (docs/measured.md: 3.9 s for 1M). The copy also leaves the
        directory unlocked, so ``kg build`` can write a new store while this one serves.
        ``path`` stays recorded so that /health can report which build is served.
        """
        origin = identity(path)  # before opening: a directory swapped in meanwhile is newer
        source = cls(path, read_only=True)
        try:
            return source._copied(origin)
        finally:
            source.close()

    def copied_into_memory(self) -> OxigraphStore:
        """``in_memory_copy`` of this open on-disk store, read through this handle: opening the
        directory a second time, read-only, while this process has it open read-write can
        fail as RocksDB cleans up after the reopening (``Corruption: ... .sst: No such file``,
        seen in CI right after a write swapped a staged copy in)."""
        assert self.path is not None, "an in-memory store is its own copy"
        return self._copied(identity(self.path))

    def _copied(self, origin: tuple[int, int]) -> OxigraphStore:
        """This store's quads in a new in-memory store that records this one's directory and
        ``origin``, the identity it had when the copy began."""
        copy = type(self)()
        copy._store.bulk_extend(self._store)
        copy.path, copy.read_only, copy.origin = self.path, True, origin
        return copy

    @classmethod
    def wrapping(cls, native: ox.Store) -> OxigraphStore:
        """A ``Store`` over an open pyoxigraph store (a staged import), which stays the caller's
        to close."""
        wrapper = cls.__new__(cls)
        wrapper.path, wrapper.read_only, wrapper._store = None, False, native
        wrapper.origin, wrapper.in_memory = None, True
        return wrapper

    @property
    def native(self) -> ox.Store:
        """The underlying pyoxigraph store, for code that needs its speed directly."""
        return self._store

    def subjects_page(
        self, predicate: str, obj: str, *, limit: int, offset: int
    ) -> list[tuple[str, str | None]]:
        """The IRIs ``?s`` of ``?s predicate obj`` in any named graph, each once, in IRI order,
        from ``offset``, at most ``limit``, each with its least ``rdfs:label`` (or None): the
        page ``queries/entity-incoming.rq`` cuts (ORDER BY ?subject LIMIT OFFSET), cut here.

        Why not the query: pyoxigraph sorts by decoding both terms at every comparison, 12 ms
        for the 2,824 fundings of one funder at 1M triples and 90 ms for 11,000; read from the
        index and kept to the smallest ``limit + offset`` here, 3 ms and 13 ms. Python compares
        strings by code point, as SPARQL orders IRIs (tests/unit/test_entities.py proves the
        pages equal the query's)."""
        deadline.check()
        subjects = {
            quad.subject.value
            for quad in self._store.quads_for_pattern(
                None, ox.NamedNode(predicate), ox.NamedNode(obj)
            )
            if isinstance(quad.subject, ox.NamedNode)
            and not isinstance(quad.graph_name, ox.DefaultGraph)
        }
        page = heapq.nsmallest(offset + limit, subjects)[offset:]
        labels = self.least_labels(page)
        return [(subject, labels.get(subject)) for subject in page]

    def least_labels(self, iris: Iterable[str]) -> dict[str, str]:
        """IRI -> its least ``rdfs:label`` in any named graph, for those of ``iris`` that have
        one: what ``queries/node-labels.rq`` answers, the least kept, read from the index.

        Why not the query: asked for the few documents the quotes of an entity page cite, it
        is a lookup per IRI either way, and the query costs its parse and plan (the label probe
        in the evidence query was 1.4 ms of 2.9 ms for the median funder at 1M triples)."""
        label = ox.NamedNode(_LABEL)
        found: dict[str, str] = {}
        for iri in iris:
            names = [
                quad.object.value
                for quad in self._store.quads_for_pattern(ox.NamedNode(iri), label, None)
                if isinstance(quad.object, ox.Literal)
                and not isinstance(quad.graph_name, ox.DefaultGraph)
            ]
            if names:
                found[iri] = min(names)
        return found

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Term] | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        # ``timeout``: pyoxigraph cannot stop an evaluation (see ``Store.in_process``).
        try:
            return self._evaluate(sparql, default_graphs, named_graphs, bindings)
        except BaseException as exc:
            # pyoxigraph's results may only be dropped by the thread that made them ("is
            # unsendable, but is being dropped on another thread": a RuntimeError where the last
            # reference goes). An exception carries its frames, and the deadline's
            # QueryTimeoutError is raised while the rows are read, then handed by the route's
            # worker thread to the event loop: clear those frames here, on this thread.
            _clear_frames(exc)
            raise

    def _evaluate(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
        bindings: Mapping[str, Term] | None,
    ) -> QueryResult:
        check_query(sparql)  # pyoxigraph runs SERVICE itself (kg._no_fetch)
        default = None if default_graphs is None else [ox.NamedNode(g) for g in default_graphs]
        named = None if named_graphs is None else [ox.NamedNode(g) for g in named_graphs]
        # Asked of the text before its bindings are written in: cached (kg._no_fetch), and
        # VALUES never adds a dataset clause.
        union = default is None and not has_dataset_clause(sparql)
        if bindings:
            sparql = with_values(sparql, bindings)
        try:
            result = self._store.query(
                sparql,
                prefixes=PREFIXES,
                # The union option would override the query's own FROM (measured, 0.5.13).
                use_default_graph_as_union=union,
                default_graph=default,  # type: ignore[arg-type]
                named_graphs=named,  # type: ignore[arg-type]
            )
            if isinstance(result, ox.QueryBoolean):
                return AskResult(bool(result))
            if isinstance(result, ox.QuerySolutions):
                variables = tuple(v.value for v in result.variables)
                # A solution iterates its values in the order of ``variables``.
                rows = tuple(
                    tuple(None if t is None else to_rdflib(t) for t in solution)
                    for solution in _checked(result)
                )
                return SelectResult(variables, rows)
            triples = tuple(
                (to_rdflib(t.subject), URIRef(t.predicate.value), to_rdflib(t.object))
                for t in result
            )
            return GraphResult(triples)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except (OSError, ValueError, TypeError, RuntimeError) as exc:
            # RuntimeError: evaluation failures, such as an unsupported function.
            raise QueryError(f"the query could not be evaluated: {exc}") from exc

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        # Parse first so a syntax error leaves the graph untouched, then swap in one update.
        name = ox.NamedNode(graph)
        try:
            quads = [
                ox.Quad(t.subject, t.predicate, t.object, name)
                for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
            ]
        except SyntaxError as exc:
            raise StoreError(f"cannot parse the new content of {graph}: {exc}") from exc
        self._store.remove_graph(name) if self._store.contains_named_graph(name) else None
        self._store.extend(quads)

    def replace_graphs(
        self, content: ox.Store, graphs: Sequence[str], *, previous: ox.Store | None = None
    ) -> None:
        """One staged swap (``load_graph``): readers and a crash see all old or all new."""
        import tempfile

        emptied = [
            ox.NamedNode(g)
            for g in graphs
            if next(iter(content.quads_for_pattern(None, None, None, ox.NamedNode(g))), None)
            is None
        ]

        def drop_emptied(staged: ox.Store) -> None:
            for name in emptied:
                if staged.contains_named_graph(name):
                    staged.remove_graph(name)

        with tempfile.TemporaryDirectory(prefix="kg-write-") as folder:
            changes = Path(folder) / "changes.nq"
            quads = (
                q
                for g in graphs
                for q in content.quads_for_pattern(None, None, None, ox.NamedNode(g))
            )
            ox.serialize(quads, output=str(changes), format=ox.RdfFormat.N_QUADS)
            self.load_graph(None, changes, format="nquads", before_swap=drop_emptied)

    def refresh(self) -> None:
        """Nothing is remembered: every call reads the store."""

    def checkpoint(self, dest: Path) -> bool:
        if self.in_memory:
            return False
        self._store.backup(str(dest))
        return True

    def directory(self) -> Path | None:
        """Its own directory, or the one an in-memory copy was made from: the writes commit
        there before they bring the copy up to date (``kg.writes``)."""
        return self.path

    def pyoxigraph(self) -> OxigraphStore:
        return self

    def load_nquads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one atomic step (used by the build on a fresh store)."""
        self._store.extend(quads)

    def load_graph(
        self,
        graph: str | None,
        path: Path,
        *,
        format: str | None = None,
        progress: Callable[[int], None] | None = None,
        before_swap: Callable[[ox.Store], object] | None = None,
    ) -> int:
        """Replace named graphs with the content of an RDF file, atomically; returns the quads
        now in the graphs it filled.

        ``graph`` receives every triple of the file (a quad file's own graph names are dropped);
        with ``graph=None`` an N-Quads or TriG file keeps its graphs (a quad in no graph is
        refused). Every graph the file fills loses its old content; other graphs are untouched.
        ``format`` is a ``kg.export.FORMATS`` name, by default the file's extension.
        ``progress(n)``: n of the file's bytes are done (an N-Quads or TriG file with
        ``graph=None`` is read twice, once for its graph names, each pass counting half).
        ``before_swap`` gets the loaded store before any reader can see it (the importer
        rewrites the derived graph there, and holds the swap until the data is validated);
        when it raises, the store stays as it was.

        Readers see the old content or the new, never a mix: the load goes into a staged copy
        that then replaces the store. On disk the copy is a RocksDB checkpoint (hard links, a few
        ms at 1M quads) swapped in by two renames; a process that opens the store later sees the
        new one, one that had it open keeps its files. In memory the copy is a new store object.
        Not in place, because ``bulk_load`` (the fast, streaming load) makes each of its batches
        visible as it goes, and ``load``/``extend`` are one transaction but hold the whole file
        in memory (1M quads on disk: 41 s and 1.6 GB RSS, against 12 s and 0.9 GB); not through a
        temporary graph either, which readers of the union would see, and which ``MOVE`` copies
        a second time in one transaction.
        """
        from kg._rdf_files import counting, import_format, quads, syntax_error

        fmt = import_format(path, format)
        target = None if graph is None else ox.NamedNode(graph)
        if target is None and not fmt.supports_datasets:
            raise ConfigurationError(
                f"{path} holds triples ({fmt.name}), not graphs: name the graph to load it into"
            )

        def half(second: bool) -> Callable[[int], None] | None:
            if progress is None:
                return None
            report, size = progress, path.stat().st_size
            if second:
                return lambda done: report(size // 2 + done - done // 2)
            return lambda done: report(done // 2)

        def graphs_of_file() -> list[ox.NamedNode]:
            seen: set[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = set()
            for quad in quads(path, fmt, half(False)):
                seen.add(quad.graph_name)
            named = [g for g in seen if isinstance(g, ox.NamedNode)]
            if len(named) < len(seen):
                raise SourceError(
                    f"{path} has triples in no named graph (or in a blank-node graph); name "
                    "the graph to load the file into"
                )
            return sorted(named, key=lambda g: g.value)

        def fill(staged: ox.Store, refill: Callable[[ox.Store, ox.NamedNode], None]) -> None:
            if target is None:
                # bulk_load cannot say which graphs it filled, and their old content has to go
                # first: one parse pass for the graph names (1.6 s per 1M quads), then the load.
                for name in graphs_of_file():
                    refill(staged, name)
                with path.open("rb") as raw:
                    staged.bulk_load(
                        counting(raw, half(True)),
                        fmt.rdf_format,
                        base_iri=path.resolve().as_uri(),
                    )
            elif fmt.supports_datasets:
                refill(staged, target)
                staged.bulk_extend(
                    ox.Quad(q.subject, q.predicate, q.object, target)
                    for q in quads(path, fmt, progress)
                )
            else:
                refill(staged, target)
                with path.open("rb") as raw:
                    staged.bulk_load(
                        counting(raw, progress),
                        fmt.rdf_format,
                        base_iri=path.resolve().as_uri(),
                        to_graph=target,
                    )

        try:
            return self._replace_staged(fill, before_swap)
        except SyntaxError as exc:
            raise syntax_error(path, exc) from exc
        except OSError as exc:
            raise StoreError(f"cannot load {path}: {exc}") from exc

    def load_graph_pieces(
        self,
        graph: str,
        pieces: Iterable[bytes],
        *,
        before_swap: Callable[[ox.Store], object] | None = None,
    ) -> int:
        """Replace ``graph`` with N-Triples that arrive in pieces (each ending at a line end),
        as ``load_graph`` replaces it with a file: staged, ``before_swap``, swapped in
        atomically; returns the quads now in the graph.

        For a producer that maps records to triples as it reads them (``kg import iati``): each
        piece is bulk-loaded in a thread of its own while ``pieces`` makes the next one
        (pyoxigraph releases the GIL while it loads), and at most two pieces are in memory, so
        memory stays bounded by the piece size (one ``bulk_load`` of 1.7M quads peaked at 1.3 GB;
        pieces of 300k lines at 0.4 GB). A blank node label means the same node in every piece.
        When ``pieces`` raises, the staged copy is dropped and the store is unchanged.
        """
        import queue
        from concurrent.futures import ThreadPoolExecutor

        target = ox.NamedNode(graph)

        def fill(staged: ox.Store, refill: Callable[[ox.Store, ox.NamedNode], None]) -> None:
            refill(staged, target)
            waiting: queue.Queue[bytes | None] = queue.Queue(maxsize=1)

            def load() -> None:
                while (piece := waiting.get()) is not None:
                    staged.bulk_load(piece, ox.RdfFormat.N_TRIPLES, to_graph=target)

            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-load") as pool:
                loading = pool.submit(load)

                def hand_over(piece: bytes | None) -> None:
                    while not loading.done():
                        try:
                            waiting.put(piece, timeout=0.1)
                            return
                        except queue.Full:
                            continue
                    loading.result()  # the loader failed: its error, here

                try:
                    for piece in pieces:
                        hand_over(piece)
                finally:
                    hand_over(None)  # after the last piece, or at once on an error
                loading.result()

        try:
            return self._replace_staged(fill, before_swap)
        except SyntaxError as exc:
            raise StoreError(f"the triples to load into {graph} are not N-Triples: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"cannot load into {graph}: {exc}") from exc

    def stage(self, work: Callable[[ox.Store], InPlace | None]) -> None:
        """Run ``work`` on a staged copy of the store and commit what it did, atomically.

        On disk the copy is a RocksDB checkpoint (hard links, a few ms at 1M quads) beside the
        store. While ``work`` runs, this store still holds the state before (``kg.writes``
        compares the two). When ``work`` returns ``InPlace``, its update (the same change,
        written as SPARQL) is applied to this store in one transaction and the copy dropped:
        no reopening of the store (a few hundred ms at 1M quads). When it returns None, the
        copy is swapped in by two renames, as ``load_graph`` does. Either way readers and a
        crash see all old or all new. When ``work`` raises, the copy is dropped and the store
        is unchanged."""

        def fill(staged: ox.Store, refill: Callable[[ox.Store, ox.NamedNode], None]) -> None:
            return None

        self._replace_staged(fill, work)

    def _replace_staged(
        self,
        fill: Callable[[ox.Store, Callable[[ox.Store, ox.NamedNode], None]], None],
        before_swap: Callable[[ox.Store], object] | None,
    ) -> int:
        """Fill a staged copy of the store (``fill`` calls ``refill(staged, graph)`` for each
        graph it replaces, before loading it), run ``before_swap`` on it, swap it in; returns
        the quads in the refilled graphs. On any error the staged copy is dropped and the error
        raised. When ``before_swap`` returns ``InPlace``, its update is applied to this store
        instead of the swap (``stage``)."""
        import shutil
        import tempfile
        import traceback

        if self.read_only:
            raise StoreError(f"the store at {self.path} is open read-only; cannot load into it")
        staged_dir: Path | None = None
        if self.path is None:
            staged = ox.Store()
            staged.bulk_extend(self._store)
        else:
            # We hold the store's lock, so any staged copy beside it is a crashed load's.
            for leftover in self.path.parent.glob(self.path.name + ".import-*"):
                shutil.rmtree(leftover, ignore_errors=True)
            self._store.flush()
            staged_dir = Path(
                tempfile.mkdtemp(prefix=self.path.name + ".import-", dir=self.path.parent)
            )
            staged_dir.rmdir()  # backup() creates it
            self._store.backup(str(staged_dir))
            staged = ox.Store(str(staged_dir))
        filled: list[ox.NamedNode] = []

        def refill(into: ox.Store, name: ox.NamedNode) -> None:
            filled.append(name)
            if into.contains_named_graph(name):
                into.remove_graph(name)

        def count_filled(into: ox.Store) -> int:
            # A function of its own: query results must not outlive it in a traceback, because
            # pyoxigraph refuses to drop them in another thread (the importer loads in one).
            names = " ".join(str(name) for name in filled)
            counted = into.query(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            )
            assert isinstance(counted, ox.QuerySolutions)
            total = next(iter(counted))["n"]
            return 0 if total is None else int(total.value)

        try:
            fill(staged, refill)
            loaded = count_filled(staged) if filled else 0
            outcome = before_swap(staged) if before_swap is not None else None
            if not isinstance(outcome, InPlace):
                staged.flush()
        except BaseException as exc:
            # Close the staged copy now: frames in the traceback (``before_swap``'s, the
            # caller's) would keep it open, and RocksDB locks its directory until it closes.
            traceback.clear_frames(exc.__traceback__)
            del staged
            if staged_dir is not None:
                shutil.rmtree(staged_dir, ignore_errors=True)
            raise
        if isinstance(outcome, InPlace):
            del staged
            if staged_dir is not None:
                shutil.rmtree(staged_dir, ignore_errors=True)
            if outcome.update:
                self._store.update(outcome.update)
            return loaded
        if staged_dir is None or self.path is None:
            self._store = staged
            return loaded
        del staged
        stale = self.path.with_name(self.path.name + ".old")
        shutil.rmtree(stale, ignore_errors=True)
        # RocksDB refuses to open a directory this process still has open: close ours first.
        self._store.flush()
        del self._store
        self.path.rename(stale)
        staged_dir.rename(self.path)
        try:
            self._store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(
                f"the new content was loaded into {self.path}, but reopening it failed: {exc}. "
                "If another kg process opened the store meanwhile, it holds the new content."
            ) from exc
        shutil.rmtree(stale, ignore_errors=True)
        return loaded

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self._store)
        result = self._store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert isinstance(result, ox.QuerySolutions)
        for solution in result:
            value = solution["n"]
            return int(value.value) if value is not None else 0
        return 0

    def dump(self, format: str, graph: str | None = None) -> bytes:
        fmt = get_format(format)
        if graph is not None:
            return bytes(
                self._store.dump(
                    format=fmt.rdf_format, from_graph=ox.NamedNode(graph), prefixes=PREFIXES
                )
                or b""
            )
        if fmt.supports_datasets:
            return bytes(self._store.dump(format=fmt.rdf_format, prefixes=PREFIXES) or b"")
        # A triple format for the whole dataset: the union of the named graphs.
        union = {ox.Triple(q.subject, q.predicate, q.object) for q in self._store}
        return bytes(ox.serialize(union, format=fmt.rdf_format, prefixes=PREFIXES) or b"")

    def dump_to(self, out: Path | IO[bytes], format: str, graph: str | None = None) -> None:
        """Streamed by pyoxigraph (the store is never one ``bytes``); a triple format of the
        whole dataset is the union of the graphs, each triple once, as ``dump`` gives it."""
        fmt = get_format(format)
        target: str | IO[bytes] = str(out) if isinstance(out, Path) else out
        options: dict[str, object] = {"format": fmt.rdf_format, "prefixes": PREFIXES}
        if graph is not None:
            self._store.dump(target, from_graph=ox.NamedNode(graph), **options)  # type: ignore[arg-type]
        elif fmt.supports_datasets:
            self._store.dump(target, **options)  # type: ignore[arg-type]
        else:
            union = self._store.query(_UNION, use_default_graph_as_union=True)
            ox.serialize(union, target, **options)  # type: ignore[arg-type]

    def flush(self) -> None:
        # pyoxigraph refuses to flush a read-only store; there is nothing to write anyway.
        if self.path is not None and not self.read_only:
            self._store.flush()

    def close(self) -> None:
        self.flush()
        del self._store


def identity(path: Path) -> tuple[int, int]:
    """Which directory is at ``path`` now: builds, imports and writes swap a new one in by a
    rename, so a copy made from the directory before has another identity (device, inode)."""
    found = path.stat()
    return found.st_dev, found.st_ino


def _open_read_only(path: Path) -> ox.Store:
    """``ox.Store.read_only(path)``, tried again while it fails with RocksDB's "Corruption"
    (see ``READ_ONLY_ATTEMPTS``); after the last attempt, a ``StoreError`` saying so."""
    attempt = 1
    while True:
        try:
            return _READ_ONLY(str(path))
        except RuntimeError as exc:
            if "Corruption" not in str(exc):
                raise
            if attempt == READ_ONLY_ATTEMPTS:
                raise StoreError(
                    f"cannot open the store at {path} read-only after {attempt} attempts: "
                    f"{exc}. If it was being replaced (an import or a write swapping a copy "
                    "in), try again."
                ) from exc
        time.sleep(0.05 * attempt)
        attempt += 1


#: The opening ``_open_read_only`` retries (a name of its own so that a test can make it fail).
_READ_ONLY = ox.Store.read_only


def _clear_frames(exc: BaseException) -> None:
    """Drop the local variables of the finished frames ``exc`` and its causes carry."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)
        pending += [current.__cause__, current.__context__]


def _checked(solutions: ox.QuerySolutions) -> Iterator[ox.QuerySolution]:
    """The solutions, stopping with ``QueryTimeoutError`` once the request's deadline has
    passed (``kg.deadline``): pyoxigraph computes rows as they are read, so an answer the API
    gave up on stops here instead of reading (and converting) every row."""
    for count, solution in enumerate(solutions):
        if count % 512 == 0:
            deadline.check()
        yield solution

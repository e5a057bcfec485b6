"""The embedded default store: pyoxigraph, on disk or in memory.

pyoxigraph evaluates SPARQL natively (two orders of magnitude faster than rdflib on our
shape of data, see shared/MEASURED.md) and its ``load``/``update`` are atomic, which is why it
is the default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg._namespaces import PREFIXES
from kg.errors import QueryError, StoreError
from kg.export import get_format
from kg.stores.base import (
    AskResult,
    GraphResult,
    QueryResult,
    SelectResult,
    Term,
    with_values,
)


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


class OxigraphStore:
    """A pyoxigraph ``Store``; ``path=None`` keeps it in memory (tests, throwaway builds)."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
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
        its 6k quads takes about 60 ms (MEASURED.md: 3.9 s for 1M). The copy also leaves the
        directory unlocked, so ``kg build`` can write a new store while this one serves.
        ``path`` stays recorded so that /health can report which build is served.
        """
        source = cls(path, read_only=True)
        copy = cls()
        copy._store.bulk_extend(source._store)
        source.close()
        copy.path, copy.read_only = path, True
        return copy

    @property
    def native(self) -> ox.Store:
        """The underlying pyoxigraph store, for code that needs its speed directly."""
        return self._store

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Term] | None = None,
    ) -> QueryResult:
        default = None if default_graphs is None else [ox.NamedNode(g) for g in default_graphs]
        named = None if named_graphs is None else [ox.NamedNode(g) for g in named_graphs]
        if bindings:
            sparql = with_values(sparql, bindings)
        try:
            result = self._store.query(
                sparql,
                prefixes=PREFIXES,
                use_default_graph_as_union=default is None,
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
                    for solution in result
                )
                return SelectResult(variables, rows)
            triples = tuple(
                (to_rdflib(t.subject), URIRef(t.predicate.value), to_rdflib(t.object))
                for t in result
            )
            return GraphResult(triples)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except (OSError, ValueError, TypeError) as exc:
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

    def load_nquads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one atomic step (used by the build on a fresh store)."""
        self._store.extend(quads)

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

    def flush(self) -> None:
        # pyoxigraph refuses to flush a read-only store; there is nothing to write anyway.
        if self.path is not None and not self.read_only:
            self._store.flush()

    def close(self) -> None:
        self.flush()
        del self._store

"""The reference store: an rdflib ``Dataset`` in memory.

rdflib is two orders of magnitude slower than pyoxigraph (docs/measured.md), so this backend
is not for serving; it exists so that the same test suite can check our answers against a second,
independent SPARQL engine on small data.

Two rdflib behaviours are switched off or worked around. rdflib fetches the IRI of a ``FROM``
clause from the web (or reads a ``file:`` IRI) unless ``SPARQL_LOAD_GRAPHS`` is false, and runs
``SERVICE``; ``kg._no_fetch`` switches both off for the whole process when ``kg`` is imported, so
``FROM <g>`` reads graph ``g`` of the dataset (empty if there is none), as the other backends do.
And rdflib's SPARQL Update is not atomic across operations (and ``Dataset.update`` raised
``ValueError`` in 7.6), so the store never uses it: graphs are changed directly, under a lock.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.paths import Path as PropertyPath
from rdflib.plugins.sparql.sparql import AlreadyBound, QueryContext

from kg._namespaces import PREFIXES
from kg._no_fetch import check_query
from kg.errors import QueryError, StoreError
from kg.export import get_format, serialize_quads
from kg.stores._terms import canonical
from kg.stores.base import (
    AskResult,
    GraphResult,
    QueryResult,
    SelectResult,
    Term,
    WithoutDirectory,
    with_values,
)
from kg.stores.oxigraph import OxigraphStore, to_oxigraph, to_rdflib

Quad = tuple[Term, URIRef, Term, Graph]
Pattern = tuple[Any, Any, Any]

#: True while this module evaluates a query, so that the join order below applies to our
#: queries only and not to other rdflib users in the process (pySHACL).
_EVALUATING: ContextVar[bool] = ContextVar("kg_memory_evaluating", default=False)


def _evaluate(ctx: QueryContext, part: Any) -> Iterator[Any]:
    """Our evaluation of the parts rdflib evaluates too slowly for our queries (basic graph
    patterns, joins); every other part, and every query of other rdflib users in the process
    (pySHACL), is left to rdflib."""
    if not _EVALUATING.get():
        raise NotImplementedError
    if part.name == "BGP":
        return _evaluate_bgp(ctx, part)
    if part.name == "Join" and not part.lazy:
        return _hash_join(ctx, part)
    raise NotImplementedError


def _hash_join(ctx: QueryContext, join: Any) -> Iterator[Any]:
    """The join of two groups that rdflib evaluates apart (a sub-select beside other
    patterns), with the right side's solutions indexed by the variables both sides have.

    rdflib puts the right side in a set and compares every left solution with every member:
    its solutions hash by XOR-ing their terms, which collides a lot, so building the set alone
    made 715k mapping comparisons for fundings.rq on the shipped data (6 s; pyoxigraph: 30 ms).
    Here a left solution meets only the right ones that agree on the shared variables bound in
    every right solution (all of them when the left one leaves such a variable unbound); the
    rest of the compatibility check is rdflib's own. The right side stays a multiset, as SPARQL
    says a join's operands are (rdflib's set dropped repeated solutions).
    """
    from rdflib.plugins.sparql.evaluate import evalPart

    right = list(evalPart(ctx, join.p2))
    bounds = [dict(row.items()) for row in right]  # its own bindings, not the context's
    shared = sorted(set(join.p1.get("_vars") or ()) & set(join.p2.get("_vars") or ()))
    keys = [v for v in shared if all(bound.get(v) is not None for bound in bounds)]
    index: dict[tuple[Any, ...], list[Any]] = {}
    for row, bound in zip(right, bounds, strict=True):
        index.setdefault(tuple(bound[v] for v in keys), []).append(row)
    for left in evalPart(ctx, join.p1):
        bound = dict(left.items())
        values = tuple(bound.get(v) for v in keys)
        for row in right if None in values else index.get(values, ()):
            if left.compatible(row):
                yield left.merge(row)


def _evaluate_bgp(ctx: QueryContext, part: Any) -> Iterator[Any]:
    """rdflib's basic graph pattern evaluation, choosing the next pattern at every step.

    rdflib orders a pattern's triples once, before evaluating, by how many of their terms
    are constants; on ``?e a ck:Evidence ; oa:hasSelector [ a oa:TextQuoteSelector ] ...``
    it starts with the three rdf:type patterns, a cross product (155 s on the shipped data
    for a query pyoxigraph answers in 20 ms). Choosing, after each binding, the pattern with
    the fewest unbound terms (a bound subject first: subjects have few triples, rdf:type
    objects many) makes the same query take well under a second. The answers are the same;
    only the order of the nested loops changes.
    """
    return _join_patterns(ctx, list(part.triples))


def _cost(ctx: QueryContext, pattern: Pattern) -> tuple[int, bool, bool]:
    s, p, o = (ctx[term] is None for term in pattern)
    return (s + p + o, s, o)


def _join_patterns(ctx: QueryContext, patterns: list[Pattern]) -> Iterator[Any]:
    if not patterns:
        yield ctx.solution()
        return
    best = min(range(len(patterns)), key=lambda i: _cost(ctx, patterns[i]))
    rest = patterns[:best] + patterns[best + 1 :]
    s, p, o = patterns[best]
    bound: Any = (ctx[s], ctx[p], ctx[o])
    for source in _sources(ctx.graph, p):
        for triple in source.triples(bound):
            branch = ctx.push() if None in bound else ctx
            try:
                for term, value, known in zip((s, p, o), triple, bound, strict=True):
                    if known is None:
                        branch[term] = value
            except AlreadyBound:  # the same variable twice in the pattern, bound differently
                continue
            yield from _join_patterns(branch, rest)


def _sources(graph: Graph | None, predicate: object) -> list[Graph]:
    """Where a triple pattern is matched: each named graph in turn for the union default
    graph, so that a triple stated in two graphs matches twice, as on pyoxigraph and
    Virtuoso (rdflib's own union would match it once: the entity query gave 2,024 rows
    here against 2,039 there, an evidence node shared by two graphs). A property path runs
    over the whole union: its steps may cross graphs, and its answers are distinct pairs."""
    assert graph is not None
    if (
        isinstance(graph, Dataset)
        and graph.default_union
        and not isinstance(predicate, PropertyPath)
    ):
        return [g for g in graph.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID]
    return [graph]


rdflib.plugins.sparql.CUSTOM_EVALS["kg.stores.memory"] = _evaluate


class MemoryStore(WithoutDirectory):
    """An rdflib ``Dataset`` whose default graph is the union of its named graphs.

    ``path`` records where the data was copied from (``copy_of``), so that /health can report
    the build it serves; the store itself never touches the disk.
    """

    in_process = True

    def __init__(self, *, path: Path | None = None) -> None:
        self.path = path
        self._dataset = Dataset(default_union=True)
        # rdflib's graphs are not safe to read while another thread writes them; queries and
        # replacements take turns. rdflib holds the GIL while it evaluates, so little is lost.
        self._lock = threading.Lock()

    @classmethod
    def copy_of(cls, path: Path) -> MemoryStore:
        """The built pyoxigraph store at ``path``, copied into rdflib."""
        source = OxigraphStore(path, read_only=True)
        try:
            data = source.dump("nquads")
        finally:
            source.close()
        store = cls(path=path)
        store.load_nquads(data)
        return store

    def load_nquads(self, data: bytes) -> None:
        """Add the quads of an N-Quads document (parsed by pyoxigraph: ten times faster)."""
        try:
            quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
        except SyntaxError as exc:
            raise StoreError(f"cannot parse the N-Quads to load: {exc}") from exc
        with self._lock:
            self._dataset.addN(self._quads(quads))

    def _quads(self, quads: Iterable[ox.Quad]) -> Iterable[Quad]:
        contexts: dict[str, Graph] = {}
        for quad in quads:
            name = quad.graph_name
            key = name.value if isinstance(name, ox.NamedNode) else str(DATASET_DEFAULT_GRAPH_ID)
            context = contexts.get(key)
            if context is None:
                context = contexts[key] = self._dataset.graph(URIRef(key))
            yield (
                to_rdflib(quad.subject),
                URIRef(quad.predicate.value),
                to_rdflib(quad.object),
                context,
            )

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Term] | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        # ``timeout``: rdflib cannot stop an evaluation (see ``Store.in_process``).
        check_query(sparql)
        if bindings:
            sparql = with_values(sparql, bindings)
        with self._lock, warnings.catch_warnings():
            # rdflib's SPARQL engine calls its own deprecated Dataset.contexts().
            warnings.simplefilter("ignore", DeprecationWarning)
            evaluating = _EVALUATING.set(True)
            target = self._dataset
            if default_graphs is not None or named_graphs is not None:
                target = self._view(default_graphs, named_graphs)
            try:
                result = target.query(sparql, initNs=PREFIXES)
                return _convert(result)
            except QueryError:
                raise
            except ParseException as exc:
                raise QueryError(f"SPARQL syntax error: {exc}") from exc
            except Exception as exc:  # rdflib raises many unrelated types
                raise QueryError(f"the query could not be evaluated: {exc}") from exc
            finally:
                _EVALUATING.reset(evaluating)

    def _view(
        self, default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None
    ) -> Dataset:
        """A dataset with the chosen graphs: those in ``default_graphs`` merged into its
        default graph (all named graphs when None) and those in ``named_graphs`` as its named
        graphs (all when None), as the SPARQL Protocol's default-graph-uri/named-graph-uri do.

        rdflib cannot restrict a dataset without copying, so this copies; on the small data
        this store is for, that costs milliseconds.
        """
        names = {str(g.identifier) for g in self._stored_graphs()}
        view = Dataset(default_union=False)
        for name in names if default_graphs is None else default_graphs:
            if name in names:
                view.default_context += self._dataset.get_context(URIRef(name))
        for name in names if named_graphs is None else named_graphs:
            if name in names:
                named = view.graph(URIRef(name))
                named += self._dataset.get_context(URIRef(name))
        return view

    def _stored_graphs(self) -> list[Graph]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return [
                g
                for g in self._dataset.graphs()
                if g.identifier != DATASET_DEFAULT_GRAPH_ID and isinstance(g.identifier, URIRef)
            ]

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        # Parse and convert first, so that a syntax error leaves the graph untouched; the swap
        # itself happens under the lock, so no query sees the graph half replaced.
        try:
            triples = [
                (to_rdflib(t.subject), URIRef(t.predicate.value), to_rdflib(t.object))
                for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
            ]
        except SyntaxError as exc:
            raise StoreError(f"cannot parse the new content of {graph}: {exc}") from exc
        name = URIRef(graph)
        with self._lock:
            self._dataset.remove_graph(name)
            context = self._dataset.graph(name)
            context.addN((s, p, o, context) for s, p, o in triples)

    def graphs(self) -> list[str]:
        with self._lock:
            return sorted(str(g.identifier) for g in self._stored_graphs() if len(g))

    def count(self, graph: str | None = None) -> int:
        with self._lock:
            if graph is None:
                return sum(len(g) for g in self._stored_graphs())
            return len(self._dataset.get_context(URIRef(graph)))

    def dump(self, format: str, graph: str | None = None) -> bytes:
        fmt = get_format(format)
        with self._lock:
            graphs = self._stored_graphs()
            if graph is not None:
                graphs = [g for g in graphs if str(g.identifier) == graph]
            quads = _quads_of(graphs)
        return serialize_quads(quads, fmt, whole=graph is None)

    def refresh(self) -> None:
        """Nothing is remembered: every call reads the dataset."""

    def close(self) -> None:
        with self._lock:
            self._dataset = Dataset(default_union=True)


def _quads_of(graphs: Iterable[Graph]) -> list[ox.Quad]:
    """The graphs' quads for pyoxigraph, sorted so that Turtle and TriG group each subject's
    statements as pyoxigraph's own dump does."""
    quads: list[ox.Quad] = []
    for graph in sorted(graphs, key=lambda g: str(g.identifier)):
        name = ox.NamedNode(str(graph.identifier))
        triples: list[Any] = sorted(graph, key=lambda t: (str(t[0]), str(t[1])))
        quads += [
            ox.Quad(to_oxigraph(s), ox.NamedNode(str(p)), to_oxigraph(o), name)  # type: ignore[arg-type]
            for s, p, o in triples
        ]
    return quads


def _convert(result: Any) -> QueryResult:
    if result.type == "ASK":
        return AskResult(bool(result.askAnswer))
    if result.type == "SELECT":
        variables = tuple(str(v) for v in result.vars)
        rows = tuple(tuple(_term(row[i]) for i in range(len(variables))) for row in result)
        return SelectResult(variables, rows)
    triples = tuple(
        (_term(s), URIRef(p), _term(o))
        for s, p, o in result.graph
        if isinstance(p, URIRef) and s is not None and o is not None
    )
    return GraphResult(triples)  # type: ignore[arg-type]


def _term(term: object) -> Term | None:
    if term is None or isinstance(term, URIRef | BNode):
        return term
    if isinstance(term, Literal):
        return canonical(term)
    raise QueryError(f"unsupported RDF term in a result: {term!r}")

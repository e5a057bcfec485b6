"""The store interface and its result types, independent of any backend.

Results use rdflib terms because every backend can produce them and every consumer (CLI,
API, tests) already speaks rdflib; one result type per query form keeps callers honest.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Final, Protocol, cast

from rdflib import BNode, Literal, URIRef

from kg.errors import QueryError
from kg.sparql_guard import where_body

if TYPE_CHECKING:
    import pyoxigraph as ox

    from kg.stores.oxigraph import OxigraphStore

Term = URIRef | Literal | BNode

_VARIABLE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IRI: Final = re.compile(r"[^\x00-\x20<>\"{}|^`\\]+")
_LANGUAGE: Final = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_STRING_ESCAPES: Final = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


@dataclass(frozen=True, slots=True)
class SelectResult:
    """Rows of a SELECT: one tuple per solution, None where a variable is unbound."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]

    def dicts(self) -> Iterator[dict[str, Term]]:
        """Each solution as {variable: term}, unbound variables left out."""
        for row in self.rows:
            yield {v: t for v, t in zip(self.variables, row, strict=True) if t is not None}


@dataclass(frozen=True, slots=True)
class AskResult:
    """The answer of an ASK query."""

    value: bool


@dataclass(frozen=True, slots=True)
class GraphResult:
    """Triples of a CONSTRUCT or DESCRIBE."""

    triples: tuple[tuple[Term, URIRef, Term], ...]


QueryResult = SelectResult | AskResult | GraphResult


class Store(Protocol):
    """What every backend offers. Graph names are IRIs as strings.

    Callers use a store through these methods only, never by asking which class it is: when a
    caller needs something new of a store (a dump to a file, a checkpoint, a deadline), this
    protocol grows a method that each backend implements (``tests/test_store_protocol.py``
    fails on an ``isinstance`` of a store class outside ``kg.stores``).
    """

    #: True for an engine that evaluates queries in this process (pyoxigraph, rdflib): a
    #: running evaluation cannot be stopped from Python, so the API runs user SPARQL on such a
    #: store in worker processes it kills at the deadline (``kg.api.query_runner``). False for
    #: a server, which is told the time left (``query(timeout=...)``) and stops by itself.
    in_process: bool

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Term] | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        """Evaluate a query; the default graph is the union of all named graphs unless
        ``default_graphs`` names some.

        ``bindings`` are query parameters, {variable name without "?": term}. They mean what
        ``VALUES`` at the top of the outermost WHERE group means (``with_values`` writes that,
        every backend can do the same): the variables are bound for that group, its FILTERs and
        EXISTS, and for triple patterns in nested groups by the join. A parameter left out stays
        unbound; the named queries read that as "no such filter" (``!BOUND(?param) || ...``).

        ``timeout`` (seconds) is passed on to a store that can stop a query itself (a server,
        ``in_process`` False); an embedded engine cannot, and ignores it.
        """
        ...

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        """Atomically replace one named graph's content with the given N-Triples."""
        ...

    def replace_graphs(
        self, content: ox.Store, graphs: Sequence[str], *, previous: ox.Store | None = None
    ) -> None:
        """Give each of ``graphs`` the content it has in ``content`` (none: the graph goes).

        As atomic as the backend allows: pyoxigraph swaps in a staged copy (all or nothing);
        the others replace graph after graph and put the replaced ones back when one fails,
        from ``previous`` (the state now, when the caller has a copy) or read first."""
        ...

    def graphs(self) -> list[str]:
        """The named graphs the store holds."""
        ...

    def refresh(self) -> None:
        """Forget what the store remembers of its content (a server's graph list), because
        it was changed through another connection."""
        ...

    def count(self, graph: str | None = None) -> int:
        """Quads in one named graph, or in the whole store."""
        ...

    def dump(self, format: str, graph: str | None = None) -> bytes:
        """Serialise the store or one graph; ``format`` is a key of ``kg.export.FORMATS``."""
        ...

    def dump_to(self, out: Path | IO[bytes], format: str, graph: str | None = None) -> None:
        """``dump`` into a file (a path, or a binary stream): streamed where the backend can,
        so that a large store is never one ``bytes`` in memory."""
        ...

    def checkpoint(self, dest: Path) -> bool:
        """Write the store as a pyoxigraph directory at ``dest`` (which must not exist) and
        return True, when its data is such a directory: a RocksDB checkpoint, hard links, a few
        milliseconds. False (nothing written) for any other store: dump it instead."""
        ...

    def directory(self) -> Path | None:
        """A pyoxigraph directory holding the data this store serves, which another process
        may open read-only (the store's own, or the one an in-memory copy follows); None."""
        ...

    def pyoxigraph(self) -> OxigraphStore | None:
        """This store, when it is pyoxigraph (on disk or in memory): for the code that works
        on pyoxigraph's own API for speed (the staged writes, the search index); None for the
        other engines, which those callers serve by the portable methods above."""
        ...

    def close(self) -> None:
        """Release files and locks."""
        ...


class WithoutDirectory:
    """The capabilities of a store with no directory of its own (rdflib in memory, a SPARQL
    server): no checkpoint, graphs replaced one at a time (``replace_one_by_one``), dumps
    gathered through ``dump``. The two backends had the same five methods, word for word."""

    def replace_graphs(
        self, content: ox.Store, graphs: Sequence[str], *, previous: ox.Store | None = None
    ) -> None:
        replace_one_by_one(cast(Store, self), content, graphs, previous)

    def dump_to(self, out: Path | IO[bytes], format: str, graph: str | None = None) -> None:
        dump_into(cast(Store, self), out, format, graph)

    def checkpoint(self, dest: Path) -> bool:
        return False

    def directory(self) -> Path | None:
        return None

    def pyoxigraph(self) -> None:
        return None


def replace_one_by_one(
    store: Store, content: ox.Store, graphs: Sequence[str], previous: ox.Store | None
) -> None:
    """``Store.replace_graphs`` for a backend without a staged swap: graph after graph with
    ``replace_graph``; when one fails, the graphs already replaced get their old content back
    (if the store fails again, the write's backup has it) and the error is raised."""
    import pyoxigraph as ox

    from kg.errors import KGError

    def ntriples(source: Store | ox.Store, graph: str) -> bytes:
        if isinstance(source, ox.Store):
            found = source.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            triples = [q.triple for q in found]
            return bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
        return source.dump("ntriples", graph)

    old = store if previous is None else previous
    before = {graph: ntriples(old, graph) for graph in graphs}
    done: list[str] = []
    try:
        for graph in graphs:
            store.replace_graph(graph, ntriples(content, graph))
            done.append(graph)
    except KGError:
        for graph in done:
            with contextlib.suppress(KGError):
                store.replace_graph(graph, before[graph])
        raise


def dump_into(store: Store, out: Path | IO[bytes], format: str, graph: str | None) -> None:
    """``Store.dump_to`` for a backend that serialises to ``bytes`` anyway."""
    data = store.dump(format, graph)
    if isinstance(out, Path):
        out.write_bytes(data)
    else:
        out.write(data)


def with_values(sparql: str, bindings: Mapping[str, Term]) -> str:
    """``sparql`` with ``VALUES (?name ...) { (term ...) }`` at the top of its WHERE group.

    Terms are written by ``sparql_term``, which checks and escapes them, so a value from a user
    can only ever be one RDF term. Why not pyoxigraph's native ``substitutions`` (SEP-0007):
    its planner then treats the variable as unknown, and a lookup such as "the evidence of
    every node pointing at ?entity" took 19 ms instead of 0.13 ms on the shipped data, while
    VALUES at the top is planned like a constant.
    """
    if not bindings:
        return sparql
    names = list(bindings)
    for name in names:
        if not _VARIABLE.fullmatch(name):
            raise QueryError(f"{name!r} is not a SPARQL variable name")
    row = " ".join(sparql_term(bindings[name]) for name in names)
    values = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}\n"
    at = where_body(sparql)
    return sparql[:at] + values + sparql[at:]


def with_rows(sparql: str, variable: str, terms: Sequence[Term]) -> str:
    """``sparql`` with ``VALUES ?variable { term ... }`` at the top of its WHERE group: one
    solution per term (the page of fundings whose details to fetch), where ``with_values``
    binds several variables to one value each. Checked and escaped the same way."""
    if not _VARIABLE.fullmatch(variable):
        raise QueryError(f"{variable!r} is not a SPARQL variable name")
    values = f" VALUES ?{variable} {{ {' '.join(sparql_term(t) for t in terms)} }}\n"
    at = where_body(sparql)
    return sparql[:at] + values + sparql[at:]


def iri_values(iris: Iterable[str]) -> str:
    """IRIs as the body of a SPARQL ``VALUES`` block, sorted, each checked by ``sparql_term``."""
    return " ".join(sparql_term(URIRef(iri)) for iri in sorted(iris))


def sparql_term(term: Term) -> str:
    """One RDF term in SPARQL syntax, refusing anything that could be more than one term."""
    if isinstance(term, URIRef):
        if not _IRI.fullmatch(term):
            raise QueryError(f"not a usable IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be a query parameter; use an IRI or a literal")
    lexical = f'"{str(term).translate(_STRING_ESCAPES)}"'
    if term.language:
        if not _LANGUAGE.fullmatch(term.language):
            raise QueryError(f"not a language tag: {term.language!r}")
        return f"{lexical}@{term.language}"
    if term.datatype is not None:
        return f"{lexical}^^{sparql_term(URIRef(term.datatype))}"
    return lexical

"""The store interface and its result types, independent of any backend.

Results use rdflib terms because every backend can produce them and every consumer (CLI,
API, tests) already speaks rdflib; one result type per query form keeps callers honest.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from rdflib import BNode, Literal, URIRef

Term = URIRef | Literal | BNode


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
    """What every backend offers. Graph names are IRIs as strings."""

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Evaluate a query; the default graph is the union of all named graphs unless
        ``default_graphs`` names some."""
        ...

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        """Atomically replace one named graph's content with the given N-Triples."""
        ...

    def graphs(self) -> list[str]:
        """The named graphs the store holds."""
        ...

    def count(self, graph: str | None = None) -> int:
        """Quads in one named graph, or in the whole store."""
        ...

    def dump(self, format: str, graph: str | None = None) -> bytes:
        """Serialise the store or one graph; ``format`` is a key of ``kg.export.FORMATS``."""
        ...

    def close(self) -> None:
        """Release files and locks."""
        ...

"""Serialise query results in the W3C formats (SPARQL JSON/XML/CSV/TSV, RDF for graphs).

rdflib's result serialisers follow the W3C specs, so we hand them our backend-neutral
results instead of writing our own.
"""

from __future__ import annotations

from typing import Final

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result

from kg._namespaces import PREFIXES
from kg.errors import ConfigurationError
from kg.export import RESULT_FORMATS as RESULT_FORMATS
from kg.export import get_format
from kg.stores.base import AskResult, GraphResult, QueryResult, SelectResult, Term
from kg.stores.oxigraph import to_oxigraph


def to_rdflib_result(result: SelectResult | AskResult) -> Result:
    if isinstance(result, AskResult):
        ask = Result("ASK")
        ask.askAnswer = result.value
        return ask
    select = Result("SELECT")
    select.vars = [Variable(v) for v in result.variables]
    select.bindings = [{Variable(k): v for k, v in row.items()} for row in result.dicts()]
    return select


def to_graph(result: GraphResult) -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in result.triples:
        graph.add(triple)
    return graph


def serialize(result: QueryResult, format: str) -> bytes:
    """Bytes of ``result`` in ``format`` (a result format for SELECT/ASK, an RDF one for graphs)."""
    if isinstance(result, GraphResult):
        return serialize_triples(result, format)
    if format not in RESULT_FORMATS:
        raise ConfigurationError(
            f"format {format!r} does not fit a SELECT/ASK result; use one of "
            f"{', '.join(RESULT_FORMATS)}"
        )
    fmt = RESULT_FORMATS[format]
    if isinstance(result, AskResult) and not fmt.boolean:
        raise ConfigurationError(
            f"an ASK result has no {format.upper()} form; use "
            + " or ".join(f.name for f in RESULT_FORMATS.values() if f.boolean)
        )
    if fmt.serializer is None:
        assert isinstance(result, SelectResult)
        return _tsv(result)
    data = to_rdflib_result(result).serialize(format=fmt.serializer, encoding="utf-8")
    return data if isinstance(data, bytes) else b""


def serialize_triples(result: GraphResult, format: str) -> bytes:
    """A CONSTRUCT/DESCRIBE result in an RDF format, written by pyoxigraph (far faster than
    rdflib). Dataset formats get the triples in their default graph."""
    fmt = get_format(format)
    triples = [
        ox.Triple(to_oxigraph(s), ox.NamedNode(p), to_oxigraph(o))  # type: ignore[arg-type]
        for s, p, o in result.triples
    ]
    return bytes(ox.serialize(triples, format=fmt.rdf_format, prefixes=PREFIXES) or b"")


_TSV_ESCAPES: Final = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
)


def _tsv(result: SelectResult) -> bytes:
    """SPARQL 1.1 TSV results (rdflib 7 parses TSV results but cannot write them)."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines.extend("\t".join(_tsv_term(t) for t in row) for row in result.rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _tsv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    lexical = f'"{str(term).translate(_TSV_ESCAPES)}"'
    if term.language:
        return f"{lexical}@{term.language}"
    if term.datatype is not None and term.datatype != XSD.string:
        return f"{lexical}^^<{term.datatype}>"
    return lexical

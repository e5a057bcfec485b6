"""Serialise query results in the W3C formats (SPARQL JSON/XML/CSV/TSV, RDF for graphs).

rdflib's result serialisers follow the W3C specs, so we hand them our backend-neutral
results instead of writing our own.
"""

from __future__ import annotations

from typing import Final

from rdflib import Graph, Variable
from rdflib.query import Result

from kg._namespaces import PREFIXES
from kg.errors import ConfigurationError
from kg.export import get_format
from kg.stores.base import AskResult, GraphResult, QueryResult, SelectResult

#: Result formats for SELECT and ASK: name -> (rdflib serializer, media type).
RESULT_FORMATS: Final[dict[str, tuple[str, str]]] = {
    "json": ("json", "application/sparql-results+json"),
    "xml": ("xml", "application/sparql-results+xml"),
    "csv": ("csv", "text/csv"),
    "tsv": ("tsv", "text/tab-separated-values"),
}


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
        return to_graph(result).serialize(format=get_format(format).rdflib_name, encoding="utf-8")
    if format not in RESULT_FORMATS:
        raise ConfigurationError(
            f"format {format!r} does not fit a SELECT/ASK result; use one of "
            f"{', '.join(RESULT_FORMATS)}"
        )
    serializer, _ = RESULT_FORMATS[format]
    if serializer == "tsv" and isinstance(result, AskResult):
        raise ConfigurationError("an ASK result has no TSV form; use json or xml")
    data = to_rdflib_result(result).serialize(format=serializer, encoding="utf-8")
    return data if isinstance(data, bytes) else b""

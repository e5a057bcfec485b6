"""kg.results: SELECT, ASK and graph results in each W3C result format, read back by rdflib's
and pyoxigraph's own parsers (not compared with hand-written bytes), and TSV escapes by the
SPARQL 1.1 TSV rules, which rdflib cannot write."""

from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result

from kg.errors import ConfigurationError
from kg.export import FORMATS
from kg.results import RESULT_FORMATS, serialize
from kg.stores.base import AskResult, GraphResult, SelectResult

JAPAN = URIRef("https://w3id.org/coop-kg/id/japan")
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
ROWS = SelectResult(
    ("s", "o"),
    (
        (JAPAN, Literal("Japan", lang="en")),
        (BNode("b0"), Literal("2.50", datatype=XSD.decimal)),
        (JAPAN, None),
        (JAPAN, Literal('says "hi"\tand\nbreaks\\')),
    ),
)


@pytest.mark.parametrize("name", ["json", "xml", "csv"])
def test_a_select_reads_back_in_each_format(name: str) -> None:
    body = serialize(ROWS, name)
    parsed = Result.parse(io.BytesIO(body), format=name)
    assert [str(v) for v in parsed.vars or ()] == ["s", "o"]
    rows = list(parsed)
    assert len(rows) == len(ROWS.rows)
    assert rows[0][0] == JAPAN
    assert rows[2][1] is None or str(rows[2][1]) == ""  # CSV has no unbound: an empty field
    if name != "csv":  # CSV keeps the lexical forms only
        assert rows[0][1] == Literal("Japan", lang="en")
        assert rows[1][1] == Literal("2.50", datatype=XSD.decimal)
        assert isinstance(rows[1][0], BNode)


def test_tsv_writes_terms_in_sparql_syntax() -> None:
    lines = serialize(ROWS, "tsv").decode().split("\n")
    assert lines[0] == "?s\t?o"
    assert lines[1] == f'<{JAPAN}>\t"Japan"@en'
    assert lines[2] == f'_:b0\t"2.50"^^<{XSD.decimal}>'
    assert lines[3] == f"<{JAPAN}>\t"
    # Tab, newline, quote and backslash escaped, so each row stays one line of two fields.
    assert lines[4] == f'<{JAPAN}>\t"says \\"hi\\"\\tand\\nbreaks\\\\"'
    assert lines[5:] == [""]


def test_tsv_reads_back_with_rdflib() -> None:
    parsed = list(Result.parse(io.BytesIO(serialize(ROWS, "tsv")), format="tsv"))
    assert parsed[3][1] == Literal('says "hi"\tand\nbreaks\\')


@pytest.mark.parametrize(("value", "name"), [(True, "json"), (False, "xml")])
def test_an_ask_reads_back(value: bool, name: str) -> None:
    parsed = Result.parse(io.BytesIO(serialize(AskResult(value), name)), format=name)
    assert parsed.askAnswer is value


def test_an_ask_has_no_csv_or_tsv_form() -> None:
    for name in ("csv", "tsv"):
        with pytest.raises(ConfigurationError, match=r"no (CSV|TSV) form"):
            serialize(AskResult(True), name)


def test_a_select_refuses_an_rdf_format() -> None:
    with pytest.raises(ConfigurationError, match="does not fit"):
        serialize(ROWS, "turtle")


def test_result_formats_name_their_media_types() -> None:
    body = json.loads(serialize(ROWS, "json"))
    assert body["head"]["vars"] == ["s", "o"]
    assert RESULT_FORMATS["json"].media_type == "application/sparql-results+json"


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_graph_result_reads_back_in_every_rdf_format(name: str) -> None:
    graph = GraphResult(
        (
            (JAPAN, LABEL, Literal("Japan", lang="en")),
            (BNode("x"), LABEL, Literal("2", datatype=XSD.integer)),
        )
    )
    parsed = list(ox.parse(serialize(graph, name), format=FORMATS[name].rdf_format))
    triples = {
        (str(q.subject) if isinstance(q.subject, ox.NamedNode) else "_", q.object.value)
        for q in parsed
    }
    assert triples == {(f"<{JAPAN}>", "Japan"), ("_", "2")}

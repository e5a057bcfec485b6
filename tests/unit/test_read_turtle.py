"""``kg._rdf_files.read_turtle``: curated Turtle parsed by pyoxigraph into an rdflib graph.

The build, intake, publish, the shapes and the ontology are all read through it, so what
rdflib's own parser did for them must still hold: the same triples, blank nodes kept apart
per file, relative IRIs against the file, and a syntax error that says where.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg._rdf_files import read_turtle
from kg.errors import SourceError

ROOT = Path(__file__).resolve().parents[2]

TURTLE = """\
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:amount "540054.60"^^xsd:decimal ; ex:label "Japan"@en , "plain" ;
    ex:node [ ex:start 12 ; ex:end 1.50 ] ; ex:list ( ex:b true ) .
_:shared ex:in ex:a .
<relative> ex:to ex:a .
"""


def test_the_triples_are_those_rdflibs_parser_reads(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    ours = read_turtle(path)
    theirs = Graph().parse(path, format="turtle")
    assert isomorphic(ours, theirs)
    amount = ours.value(URIRef("https://example.org/a"), URIRef("https://example.org/amount"))
    assert isinstance(amount, Literal) and str(amount) == "540054.60"  # the lexical form kept
    assert (URIRef((tmp_path / "relative").resolve().as_uri()), None, None) in ours


def test_blank_nodes_of_two_files_stay_apart(tmp_path: Path) -> None:
    for name in ("one.ttl", "two.ttl"):
        (tmp_path / name).write_text(TURTLE, encoding="utf-8")
    graph = read_turtle(tmp_path / "one.ttl")
    read_turtle(tmp_path / "two.ttl", into=graph)
    shared = set(graph.subjects(URIRef("https://example.org/in"), None))
    assert len(shared) == 2 and all(isinstance(node, BNode) for node in shared)


def test_a_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text('@prefix ex: <https://example.org/> .\nex:a ex:b "open .\n', encoding="utf-8")
    with pytest.raises(SourceError, match=r"broken\.ttl:2:\d+: syntax error: .+run the command"):
        read_turtle(path)


def test_a_missing_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read"):
        read_turtle(tmp_path / "absent.ttl")


def test_the_shipped_shapes_read_as_rdflib_reads_them() -> None:
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        assert isomorphic(read_turtle(path), Graph().parse(path, format="turtle")), path

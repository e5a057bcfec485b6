"""Quality checks on ontology/*.ttl: every query in ontology/qc/*-violation.rq returns no rows.

Like the Ontology Development Kit's sparql_test step. Each query is also run over a small
ontology that breaks its rule, so a query that can never return a row fails here too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "ontology"
QC_QUERIES = sorted((ONTOLOGY_DIR / "qc").glob("*-violation.rq"))

_PREFIXES = """
@prefix ck: <https://w3id.org/coop-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
schema:Place a owl:Class .
"""

# For each query, an ontology that breaks its rule and the terms the query must report.
BROKEN: dict[str, tuple[str, set[str]]] = {
    "term-label-violation": (
        """
        ck:Region a owl:Class ; skos:definition "A region."@en ; rdfs:subClassOf schema:Place .
        ck:Country a owl:Class ; rdfs:label "Country"@en, "Nation"@en ;
            skos:definition "A country."@en ; rdfs:subClassOf schema:Place .
        ck:City a owl:Class ; rdfs:label "Stadt"@de ;
            skos:definition "A city."@en ; rdfs:subClassOf schema:Place .
        ck:Exact a ck:ValueQualifier ; skos:definition "Exact."@en .
        """,
        {"Region", "Country", "City", "Exact"},
    ),
    "property-label-violation": (
        """
        ck:recipient a owl:ObjectProperty ; skos:definition "Who receives."@en .
        ck:edition a owl:DatatypeProperty ; rdfs:label "edition"@en, "number"@en ;
            skos:definition "Which edition."@en .
        """,
        {"recipient", "edition"},
    ),
    "definition-violation": (
        """
        ck:Region a owl:Class ; rdfs:label "Region"@en ; rdfs:subClassOf schema:Place .
        ck:recipient a owl:ObjectProperty ; rdfs:label "recipient"@en ;
            skos:definition "Le bénéficiaire."@fr .
        """,
        {"Region", "recipient"},
    ),
    "class-parent-violation": (
        """
        ck:Region a owl:Class ; rdfs:label "Region"@en ; skos:definition "A region."@en .
        ck:Area a owl:Class ; rdfs:label "Area"@en ; skos:definition "An area."@en ;
            rdfs:subClassOf schema:Plcae .
        ck:Loop a owl:Class ; rdfs:label "Loop"@en ; skos:definition "Itself."@en ;
            rdfs:subClassOf ck:Loop .
        ck:Status a owl:Class ; rdfs:label "Status"@en ; skos:definition "A status."@en .
        ck:City a owl:Class ; rdfs:label "City"@en ; skos:definition "A city."@en ;
            rdfs:subClassOf schema:Place .
        """,
        {"Region", "Area", "Loop"},
    ),
}


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for file in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        graph.parse(file, format="turtle")
    return graph


def reported_terms(graph: rdflib.Graph, query: Path) -> list[str]:
    """The first column of each row, shortened to the ck: local name for readable failures."""
    rows = graph.query(query.read_text(encoding="utf-8"))
    return [str(row[0]).removeprefix("https://w3id.org/coop-kg/ontology#") for row in rows]  # type: ignore[index]


def test_qc_queries_exist() -> None:
    assert QC_QUERIES


@pytest.mark.parametrize("query", QC_QUERIES, ids=lambda p: p.stem)
def test_ontology_passes_quality_check(ontology: rdflib.Graph, query: Path) -> None:
    assert reported_terms(ontology, query) == []


@pytest.mark.parametrize("query", QC_QUERIES, ids=lambda p: p.stem)
def test_quality_check_catches_its_violation(query: Path) -> None:
    assert query.stem in BROKEN, f"add a broken ontology for {query.name} to BROKEN"
    turtle, expected = BROKEN[query.stem]
    broken = rdflib.Graph().parse(data=_PREFIXES + turtle, format="turtle")
    assert set(reported_terms(broken, query)) == expected

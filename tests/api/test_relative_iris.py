"""Relative IRIs in a query or an update resolve against the endpoint's IRI (SPARQL 1.1
Protocol; the W3C protocol tests send ``CONSTRUCT { <s> <p> 1 } WHERE {}``), on every backend
the HTTP suites run on; a query's own BASE still wins. The update case is in test_writes.py."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kg.api.sparql_protocol import with_base

NTRIPLES = {"Accept": "application/n-triples"}
JSON = {"Accept": "application/sparql-results+json"}
#: TestClient's server name: the endpoint IRI the app sees.
ENDPOINT = "http://testserver/sparql"


def test_a_relative_iri_in_construct_resolves_against_the_endpoint(api_client: TestClient):
    response = api_client.get(
        "/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"}, headers=NTRIPLES
    )
    assert response.status_code == 200, response.text
    assert response.text.split() == [
        "<http://testserver/s>",
        "<http://testserver/p>",
        '"1"^^<http://www.w3.org/2001/XMLSchema#integer>',
        ".",
    ]


def test_a_relative_iri_in_select_by_post(api_client: TestClient):
    response = api_client.post(
        "/sparql",
        content="SELECT ?x WHERE { BIND (<other#x> AS ?x) }",
        headers={**JSON, "Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 200, response.text
    [row] = response.json()["results"]["bindings"]
    assert row["x"]["value"] == "http://testserver/other#x"


def test_the_query_own_base_wins(api_client: TestClient):
    query = "BASE <https://example.org/a/> SELECT ?x WHERE { BIND (<b> AS ?x) }"
    response = api_client.get("/sparql", params={"query": query}, headers=JSON)
    assert response.status_code == 200, response.text
    [row] = response.json()["results"]["bindings"]
    assert row["x"]["value"] == "https://example.org/a/b"


@pytest.mark.parametrize(
    ("text", "changed"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", False),
        ("SELECT * WHERE { ?s <http://example.org/p> ?o }", False),
        ("ASK { ?s ?p 'a <b> c' }", False),  # an IRI inside a string is no IRI
        ("# <comment>\nASK {}", False),
        ("CONSTRUCT { <s> <p> 1 } WHERE {}", True),
        ("PREFIX ex: <rel/> ASK { ex:a ?p ?o }", True),
        ("ASK { <> ?p ?o }", True),
        ("BASE <https://example.org/> ASK { <a> ?p ?o }", False),  # its own base wins
        ("BASE <a/> ASK { <b> ?p ?o }", True),  # a relative base resolves against ours
    ],
)
def test_only_a_text_with_a_relative_iri_gets_a_base(text: str, changed: bool):
    based = with_base(text, ENDPOINT)
    assert (based != text) is changed
    if changed:  # on the first line: the user's line numbers stay as they were
        assert based == f"BASE <{ENDPOINT}> {text}"

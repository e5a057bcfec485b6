"""Real SPARQL clients (SPARQLWrapper, rdflib's SPARQLStore) against the app served over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.dom.minidom import Document

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.api.server import serving
from kg.stores.oxigraph import OxigraphStore


@pytest.fixture(scope="session")
def endpoint(tiny_store: OxigraphStore, make_app: Any) -> Iterator[str]:
    """The app over the tiny store, served by uvicorn on a free port of 127.0.0.1."""
    with serving(make_app(tiny_store)) as base:
        yield f"{base}/sparql"


def wrapper(endpoint: str, query: str, return_format: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    return client


@pytest.mark.parametrize("method", ["GET", POST, POSTDIRECTLY])
def test_sparqlwrapper_select_json(endpoint: str, tiny: Any, method: str) -> None:
    client = wrapper(
        endpoint,
        "SELECT ?funder ?label WHERE { ?f schema:funder ?funder . ?funder rdfs:label ?label }",
        JSON,
    )
    if method == POSTDIRECTLY:
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    else:
        client.setMethod(method)
    result = client.queryAndConvert()
    assert isinstance(result, dict)
    assert result["head"]["vars"] == ["funder", "label"]
    assert [
        (b["funder"]["value"], b["label"]["value"], b["label"]["xml:lang"])
        for b in result["results"]["bindings"]
    ] == [(tiny.JAPAN, "Japan", "en")]


@pytest.mark.parametrize("return_format", [JSON, XML])
def test_sparqlwrapper_ask(endpoint: str, tiny: Any, return_format: str) -> None:
    yes = wrapper(endpoint, f"ASK {{ ?f schema:funder <{tiny.JAPAN}> }}", return_format)
    no = wrapper(endpoint, f"ASK {{ ?f schema:funder <{tiny.UNODC}> }}", return_format)
    if return_format == JSON:
        assert yes.queryAndConvert() == {"head": {}, "boolean": True}
        assert no.queryAndConvert() == {"head": {}, "boolean": False}
    else:  # SPARQLWrapper hands back the parsed XML document
        document = yes.queryAndConvert()
        assert isinstance(document, Document)
        assert document.getElementsByTagName("boolean")[0].toxml() == "<boolean>true</boolean>"


def test_sparqlwrapper_construct_turtle(endpoint: str, tiny: Any) -> None:
    client = wrapper(endpoint, "CONSTRUCT WHERE { ?s rdfs:label ?o }", TURTLE)
    data = client.queryAndConvert()
    assert isinstance(data, bytes)
    graph = Graph().parse(data=data, format="turtle")
    assert set(graph) == {
        (URIRef(tiny.JAPAN), URIRef(tiny.LABEL), Literal("Japan", lang="en")),
        (URIRef(tiny.UNODC), URIRef(tiny.LABEL), Literal("UNODC", lang="en")),
    }


def test_sparqlwrapper_sees_refusals_as_errors(endpoint: str) -> None:
    client = wrapper(endpoint, "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", JSON)
    with pytest.raises(QueryBadFormed, match="SERVICE"):
        client.queryAndConvert()


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_as_a_graph(endpoint: str, tiny: Any, method: str) -> None:
    graph = Graph(store=SPARQLStore(endpoint, method=method))
    rows = graph.query(
        "SELECT ?recipient ?label WHERE { ?f ck:recipient ?recipient . ?recipient rdfs:label ?label }"
    )
    assert [(r[0], r[1]) for r in rows] == [  # type: ignore[index]
        (URIRef(tiny.UNODC), Literal("UNODC", lang="en"))
    ]
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
    assert set(graph.objects(URIRef(tiny.FUNDING), URIRef(tiny.FUNDER))) == {URIRef(tiny.JAPAN)}
    assert len(graph) == tiny.TRIPLES
    constructed = graph.query("CONSTRUCT WHERE { ?s rdfs:label ?o }").graph
    assert constructed is not None and len(constructed) == 2


def test_rdflib_sparqlstore_graph_identifier_selects_the_default_graph(
    endpoint: str, tiny: Any
) -> None:
    # A Graph with an IRI identifier sends it as default-graph-uri.
    graph = Graph(store=SPARQLStore(endpoint), identifier=URIRef(tiny.G2))
    assert set(graph.subjects()) == {URIRef(tiny.UNODC)}
    assert len(graph) == 2

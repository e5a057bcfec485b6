"""Dereferenceable IRIs over the shipped data: /id/{slug}, /ontology, /shapes, /.well-known/void."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg._namespaces import CK, GRAPH, ID, OA, ONTOLOGY_GRAPH, PROV, SCHEMA, SHAPES_GRAPH
from kg.api.problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE
from kg.export import FORMATS
from kg.stores.oxigraph import OxigraphStore

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
JICA_QUOTE = "JICA has been promoting “gender mainstreaming,”"
JICA_EVIDENCE = ID["evidence/japan-gender-equality-cooperation/9345-9392"]
GENDER_DOC = ID["japan-gender-equality-cooperation"]
RDF_FORMATS = list(FORMATS)


def media_type(response: Any) -> str:
    return str(response.headers["content-type"]).split(";")[0]


def triples(dataset: Dataset) -> Graph:
    """Every triple of a parsed response, whichever graph it landed in."""
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def rdf(client: TestClient, parse_rdf: Any, url: str, name: str = "turtle") -> Graph:
    response = client.get(url, params={"format": name})
    assert response.status_code == 200, response.text
    assert media_type(response) == FORMATS[name].media_type
    return triples(parse_rdf(response.content, name))


def assert_problem(response: Any, status: int, slug: str | None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert media_type(response) == PROBLEM_MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["detail"]
    assert body["type"] == (PROBLEM_BASE + slug if slug else "about:blank")
    return body


# --- /id/{slug}: negotiation ----------------------------------------------------------------


@pytest.mark.parametrize("accept", [None, "*/*", "text/*", "application/x-unknown, */*;q=0.1"])
def test_entity_defaults_to_turtle(api_client: TestClient, accept: str | None) -> None:
    headers = {} if accept is None else {"accept": accept}
    response = api_client.get("/id/jica", headers=headers)
    assert response.status_code == 200
    assert media_type(response) == "text/turtle"
    assert response.headers["vary"] == "Accept"
    assert Graph().parse(data=response.content, format="turtle")


@pytest.mark.parametrize("name", RDF_FORMATS)
@pytest.mark.parametrize("by", ["accept", "format"])
def test_entity_in_every_rdf_format(
    api_client: TestClient, parse_rdf: Any, name: str, by: str
) -> None:
    fmt = FORMATS[name]
    if by == "accept":
        response = api_client.get("/id/jica", headers={"accept": fmt.media_type})
    else:
        response = api_client.get("/id/jica", params={"format": name}, headers={"accept": BROWSER})
    assert response.status_code == 200, response.text
    assert media_type(response) == fmt.media_type
    graph = triples(parse_rdf(response.content, name))
    label = Literal("Japan International Cooperation Agency", lang="en")
    assert (ID.jica, RDFS.label, label) in graph


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
        ("application/rdf+xml;q=0.9, text/html;q=0.1", "application/rdf+xml"),
        ("text/html;q=0, */*", "text/turtle"),
        ("application/n-triples;q=0.2, text/turtle;q=0.3", "text/turtle"),
        ("application/ld+json;q=0.4, application/n-triples;q=0.5", "application/n-triples"),
        (BROWSER, "text/html"),
        ("application/xhtml+xml", "text/html"),
    ],
)
def test_q_values_choose(api_client: TestClient, accept: str, expected: str) -> None:
    response = api_client.get("/id/un-women", headers={"accept": accept})
    assert response.status_code == 200
    assert media_type(response) == expected


def test_format_parameter_wins_over_accept(api_client: TestClient) -> None:
    response = api_client.get(
        "/id/un-women", params={"format": "application/n-triples"}, headers={"accept": BROWSER}
    )
    assert media_type(response) == "application/n-triples"


@pytest.mark.parametrize(
    ("accept", "params"),
    [("text/csv", {}), ("application/sparql-results+json", {}), (None, {"format": "csv"})],
)
def test_nothing_fits_is_406(
    api_client: TestClient, accept: str | None, params: dict[str, str]
) -> None:
    headers = {} if accept is None else {"accept": accept}
    response = api_client.get("/id/jica", params=params, headers=headers)
    body = assert_problem(response, 406, "not-acceptable")
    assert "text/turtle" in body["available"] and "text/html" in body["available"]


# --- /id/{slug}: what the description holds ------------------------------------------------


def test_description_holds_label_types_links_and_evidence(
    api_client: TestClient, parse_rdf: Any
) -> None:
    graph = rdf(api_client, parse_rdf, "/id/jica")
    assert (ID.jica, RDF.type, CK.DevelopmentAgency) in graph
    assert (ID.jica, URIRef("http://www.w3.org/ns/org#subOrganizationOf"), ID.japan) in graph
    # The evidence of its description: the evidence node, both selectors, the document.
    assert (ID.jica, PROV.wasDerivedFrom, JICA_EVIDENCE) in graph
    assert (JICA_EVIDENCE, OA.hasSource, GENDER_DOC) in graph
    quote = graph.value(predicate=OA.exact, object=Literal(JICA_QUOTE))
    assert quote is not None and (JICA_EVIDENCE, OA.hasSelector, quote) in graph
    positions = [s for s in graph.objects(JICA_EVIDENCE, OA.hasSelector) if s != quote]
    assert len(positions) == 1
    assert graph.value(positions[0], OA.start).toPython() == 9345  # type: ignore[union-attr]
    assert graph.value(positions[0], OA.end).toPython() == 9392  # type: ignore[union-attr]
    # Labels of what it links to: the parent body, its class, the quoted document.
    assert (ID.japan, RDFS.label, Literal("Japan", lang="en")) in graph
    assert graph.value(CK.DevelopmentAgency, RDFS.label) is not None
    assert graph.value(GENDER_DOC, RDFS.label) is not None
    # Incoming: what points at JICA, with labels, but not the description of those nodes.
    project = ID["jica-project-mdt-thailand"]
    assert (project, CK.implementedBy, ID.jica) in graph
    assert graph.value(project, RDFS.label) is not None
    assert graph.value(project, SCHEMA.startDate) is None


def test_description_follows_blank_nodes(api_client: TestClient, parse_rdf: Any) -> None:
    funding = ID["funding-japan-un-women-2013"]
    graph = rdf(api_client, parse_rdf, f"/id/{funding.removeprefix(str(ID))}", "ntriples")
    amount = graph.value(funding, SCHEMA.amount)
    assert isinstance(amount, BNode)
    assert (amount, RDF.type, SCHEMA.MonetaryAmount) in graph
    assert graph.value(amount, SCHEMA.value) == Literal("2000000", datatype=XSD.decimal)
    assert graph.value(amount, SCHEMA.currency) == Literal("USD")
    assert graph.value(amount, CK.valueQualifier) == CK.Approximately
    quotes = {str(o) for o in graph.objects(None, OA.exact)}
    assert quotes == {"Japan's contributions amounted to approximately US$2 million in 2013"}


def test_incoming_relations_stop_at_their_subjects(api_client: TestClient, parse_rdf: Any) -> None:
    """The description is the CBD plus incoming triples (a symmetric CBD without recursion):
    /id/un-women says which fundings name it as recipient, but their amounts live at
    /id/funding-..., one request away."""
    graph = rdf(api_client, parse_rdf, "/id/un-women")
    fundings = set(graph.subjects(CK.recipient, ID["un-women"]))
    assert ID["funding-japan-un-women-2013"] in fundings and len(fundings) == 3
    for funding in fundings:
        assert graph.value(funding, RDFS.label) is not None
    assert not list(graph.triples((None, SCHEMA.amount, None)))
    assert not list(graph.triples((None, SCHEMA.value, None)))


def test_evidence_iris_dereference(api_client: TestClient, parse_rdf: Any) -> None:
    slug = JICA_EVIDENCE.removeprefix(str(ID))
    graph = rdf(api_client, parse_rdf, f"/id/{slug}")
    assert (JICA_EVIDENCE, RDF.type, CK.Evidence) in graph
    assert (None, OA.exact, Literal(JICA_QUOTE)) in graph
    assert (ID.jica, PROV.wasDerivedFrom, JICA_EVIDENCE) in graph  # what it supports
    page = api_client.get(f"/id/{slug}", headers={"accept": BROWSER})
    assert page.status_code == 200
    assert JICA_QUOTE in page.text and 'id="quote"' in page.text


@pytest.mark.parametrize("slug", ["no-such-entity", "Japan", "japan%20", "evidence/x/1-2", "a//b"])
def test_unknown_slug_is_404_problem(api_client: TestClient, slug: str) -> None:
    response = api_client.get(f"/id/{slug}")
    body = assert_problem(response, 404, "unknown-entity")
    assert "/api/search" in body["detail"]
    assert response.headers["vary"] == "Accept"


def test_unknown_slug_is_an_html_404_for_browsers(api_client: TestClient) -> None:
    response = api_client.get("/id/no-such-entity", headers={"accept": BROWSER})
    assert response.status_code == 404
    assert media_type(response) == "text/html"
    assert "https://w3id.org/coop-kg/id/no-such-entity" in response.text


# --- /ontology and /shapes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "graph"), [("/ontology", ONTOLOGY_GRAPH), ("/shapes", SHAPES_GRAPH)]
)
@pytest.mark.parametrize("name", RDF_FORMATS)
def test_vocabulary_graphs_in_every_format(
    api_client: TestClient,
    parse_rdf: Any,
    store: OxigraphStore,
    path: str,
    graph: URIRef,
    name: str,
) -> None:
    parsed = rdf(api_client, parse_rdf, path, name)
    assert len(parsed) == store.count(str(graph))


@pytest.mark.parametrize("path", ["/ontology", "/shapes"])
def test_vocabulary_graphs_default_to_turtle(api_client: TestClient, path: str) -> None:
    response = api_client.get(path)
    assert media_type(response) == "text/turtle"
    assert response.headers["vary"] == "Accept"
    assert_problem(api_client.get(path, headers={"accept": "text/csv"}), 406, "not-acceptable")


def test_ontology_turtle_states_the_classes(api_client: TestClient, parse_rdf: Any) -> None:
    graph = rdf(api_client, parse_rdf, "/ontology")
    assert (CK.Funding, RDF.type, OWL.Class) in graph
    assert (CK.recipient, RDFS.domain, CK.Funding) in graph


# --- /.well-known/void --------------------------------------------------------------------


@pytest.fixture(scope="module")
def void(api_client: TestClient) -> Graph:
    response = api_client.get("/.well-known/void")
    assert response.status_code == 200
    assert media_type(response) == "text/turtle"
    return Graph().parse(data=response.content, format="turtle")


DATASET = URIRef("https://w3id.org/coop-kg/")


def test_void_counts_triples_per_named_graph(void: Graph, store: OxigraphStore) -> None:
    assert (DATASET, RDF.type, VOID.Dataset) in void
    assert (DATASET, RDF.type, DCAT.Dataset) in void
    assert void.value(DATASET, VOID.triples).toPython() == store.count()  # type: ignore[union-attr]
    subsets = set(void.objects(DATASET, VOID.subset))
    assert subsets == {URIRef(g) for g in store.graphs()}
    for subset in subsets:
        assert void.value(subset, VOID.triples).toPython() == store.count(str(subset))  # type: ignore[union-attr]


def test_void_names_sources_licence_endpoint_and_dumps(void: Graph) -> None:
    assert void.value(DATASET, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert void.value(DATASET, DCTERMS.title) is not None
    assert void.value(DATASET, DCTERMS.description) is not None
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://testserver/sparql")
    dumps = {str(d) for d in void.objects(DATASET, VOID.dataDump)}
    assert dumps == {f"http://testserver/export?format={name}" for name in FORMATS}
    distributions = [
        d for d in void.objects(DATASET, DCAT.distribution) if void.value(d, DCAT.downloadURL)
    ]
    assert len(distributions) == len(FORMATS)
    media = {str(void.value(d, DCAT.mediaType)).rsplit("media-types/")[1] for d in distributions}
    assert media == {f.media_type for f in FORMATS.values()}
    unodc_graph = GRAPH["japan-unodc-2024-2026"]
    document = ID["japan-unodc-2024-2026"]
    assert void.value(unodc_graph, DCTERMS.source) == document
    assert void.value(unodc_graph, CK.document) == document
    assert (DATASET, DCTERMS.source, GENDER_DOC) in void
    assert void.value(document, DCTERMS.title) is not None
    assert (document, RDF.type, CK.SourceDocument) in void


def test_void_class_partitions(void: Graph) -> None:
    partitions = {
        void.value(p, VOID["class"]): void.value(p, VOID.entities).toPython()  # type: ignore[union-attr]
        for p in void.objects(DATASET, VOID.classPartition)
    }
    assert void.value(DATASET, VOID.classes).toPython() == len(partitions)  # type: ignore[union-attr]
    evidence = len(set(void.subjects(RDF.type, CK.Evidence)))  # none in the VoID file itself
    assert evidence == 0 and partitions[CK.Evidence] > 200
    assert partitions[CK.State] >= 1


@pytest.mark.parametrize("name", RDF_FORMATS)
def test_void_in_every_rdf_format(api_client: TestClient, parse_rdf: Any, name: str) -> None:
    graph = triples(
        parse_rdf(
            api_client.get(
                "/.well-known/void", headers={"accept": FORMATS[name].media_type}
            ).content,
            name,
        )
    )
    assert (DATASET, RDF.type, VOID.Dataset) in graph


# --- OpenAPI --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "media"),
    [
        ("/id/{slug}", ["text/turtle", "text/html", "application/ld+json"]),
        ("/ontology", ["text/turtle", "text/html"]),
        ("/shapes", ["text/turtle", "text/html"]),
        ("/.well-known/void", ["text/turtle", "application/rdf+xml"]),
        ("/export", ["application/trig", "text/turtle", "application/n-quads"]),
        ("/health", ["application/json"]),
        ("/", ["text/html"]),
    ],
)
def test_routes_are_documented(api_client: TestClient, path: str, media: list[str]) -> None:
    operation = api_client.get("/openapi.json").json()["paths"][path]["get"]
    assert operation["summary"] and operation.get("description")
    content = operation["responses"]["200"]["content"]
    assert set(media) <= set(content)
    assert any("example" in c or "schema" in c for c in content.values())

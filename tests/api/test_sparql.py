"""SPARQL 1.1 Protocol behaviour of /sparql over the tiny two-graph dataset."""

from __future__ import annotations

import io
import threading
import warnings
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result, ResultRow

from kg.api.main import create_app
from kg.api.problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE
from kg.errors import StoreError
from kg.settings import Settings
from kg.stores.oxigraph import OxigraphStore

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SELECT_ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
CONSTRUCT_ALL = "CONSTRUCT WHERE { ?s ?p ?o }"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"

SELECT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
# format name -> (media type, rdflib parser, parses into a dataset)
GRAPH_TYPES = {
    "turtle": ("text/turtle", "turtle", False),
    "ntriples": ("application/n-triples", "nt", False),
    "jsonld": ("application/ld+json", "json-ld", False),
    "rdfxml": ("application/rdf+xml", "xml", False),
    "trig": ("application/trig", "trig", True),
    "nquads": ("application/n-quads", "nquads", True),
}


def media_type(response: Any) -> str:
    return str(response.headers["content-type"]).split(";")[0]


def assert_problem(response: Any, status: int, slug: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert media_type(response) == PROBLEM_MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["instance"] == "/sparql"
    assert body["title"] and body["detail"]
    assert body["type"] == (PROBLEM_BASE + slug if slug else "about:blank")
    return body


def parse_rows(response: Any, format: str) -> list[dict[str, str]]:
    """SELECT results parsed back with rdflib's parser for ``format``, as plain strings."""
    result = Result.parse(io.BytesIO(response.content), format=format)
    return [
        {str(k): str(v) for k, v in row.asdict().items()}
        for row in result
        if isinstance(row, ResultRow)
    ]


def parse_graph(response: Any, parser: str, dataset: bool) -> Graph:
    """The triples of an RDF response (of a dataset format: its default graph)."""
    # rdflib 7.6's JSON-LD and dataset parsers go through its own deprecated ConjunctiveGraph
    # and default_context; that is rdflib talking to itself, not a problem of ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if dataset:
            parsed = Dataset()
            parsed.parse(data=response.content, format=parser)
            graph: Graph = Graph() + parsed.default_graph
            return graph
        return Graph().parse(data=response.content, format=parser)


def all_triples(client: TestClient) -> Graph:
    response = client.get("/sparql", params={"query": CONSTRUCT_ALL, "format": "ntriples"})
    return Graph().parse(data=response.content, format="nt")


# --- result formats -----------------------------------------------------------------------


@pytest.mark.parametrize("accept", [None, "*/*", "", "application/*", BROWSER])
def test_select_defaults_to_sparql_json(client: TestClient, accept: str | None, tiny: Any) -> None:
    headers = {} if accept is None else {"accept": accept}
    response = client.get("/sparql", params={"query": SELECT_ALL}, headers=headers)
    assert response.status_code == 200
    assert media_type(response) == "application/sparql-results+json"
    assert response.headers["vary"] == "Accept"
    body = response.json()
    assert body["head"]["vars"] == ["s", "p", "o"]
    assert len(body["results"]["bindings"]) == tiny.TRIPLES


@pytest.mark.parametrize("name", SELECT_TYPES)
def test_select_in_every_format_by_accept(client: TestClient, name: str, tiny: Any) -> None:
    response = client.get(
        "/sparql", params={"query": SELECT_ALL}, headers={"accept": SELECT_TYPES[name]}
    )
    assert response.status_code == 200
    assert media_type(response) == SELECT_TYPES[name]
    rows = parse_rows(response, name)
    assert len(rows) == tiny.TRIPLES
    assert {"s": tiny.JAPAN, "p": tiny.LABEL, "o": "Japan"} in rows


@pytest.mark.parametrize("name", SELECT_TYPES)
def test_select_in_every_format_by_format_parameter(client: TestClient, name: str) -> None:
    # format= beats Accept, for browsers and clients that cannot set headers.
    response = client.get(
        "/sparql",
        params={"query": SELECT_ALL, "format": name},
        headers={"accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    assert media_type(response) == SELECT_TYPES[name]


def test_format_parameter_accepts_media_types_and_the_first_fitting_value(
    client: TestClient,
) -> None:
    # SPARQLWrapper sends format=tsv&format=text/tab-separated-values (and rdf+xml likewise).
    response = client.get(
        "/sparql",
        params=[("query", SELECT_ALL), ("format", "text/csv")],
    )
    assert media_type(response) == "text/csv"
    response = client.get(
        "/sparql",
        params=[("query", CONSTRUCT_ALL), ("format", "rdf+xml"), ("format", "application/rdf+xml")],
    )
    assert media_type(response) == "application/rdf+xml"


def test_tsv_escapes_terms(client: TestClient, tiny: Any) -> None:
    query = f"SELECT ?o WHERE {{ <{tiny.UNODC}> <{tiny.COMMENT}> ?o }}"
    response = client.get("/sparql", params={"query": query, "format": "tsv"})
    assert response.text == '?o\n"says \\"hi\\"\\tand\\nbreaks"\n'
    assert parse_rows(response, "tsv") == [{"o": 'says "hi"\tand\nbreaks'}]


def test_unbound_variables_stay_empty(client: TestClient) -> None:
    query = "SELECT ?s ?missing WHERE { ?s ?p ?o OPTIONAL { ?s <urn:x:none> ?missing } } LIMIT 1"
    response = client.get("/sparql", params={"query": query, "format": "tsv"})
    assert response.text.splitlines()[1].endswith("\t")
    response = client.get("/sparql", params={"query": query})
    assert "missing" not in response.json()["results"]["bindings"][0]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/*;q=0.9, text/csv;q=0.1", "text/tab-separated-values"),
        ("*/*;q=0.1, text/csv", "text/csv"),
        ("application/sparql-results+json;q=0, */*", "application/sparql-results+xml"),
        ("application/json", "application/sparql-results+json"),
        ("TEXT/CSV", "text/csv"),
        ("text/csv;charset=utf-8;q=0.8, text/tab-separated-values;q=0.7", "text/csv"),
    ],
)
def test_q_values_choose(client: TestClient, accept: str, expected: str) -> None:
    response = client.get("/sparql", params={"query": SELECT_ALL}, headers={"accept": accept})
    assert response.status_code == 200
    assert media_type(response) == expected


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "application/sparql-results+xml"]
)
@pytest.mark.parametrize(
    ("query", "answer"), [("ASK { ?s ?p ?o }", True), ("ASK { ?s ?s ?s }", False)]
)
def test_ask(client: TestClient, accept: str, query: str, answer: bool) -> None:
    response = client.get("/sparql", params={"query": query}, headers={"accept": accept})
    assert response.status_code == 200
    assert media_type(response) == accept
    result = Result.parse(io.BytesIO(response.content), format=accept.rsplit("+", 1)[1])
    assert result.askAnswer is answer


@pytest.mark.parametrize("name", GRAPH_TYPES)
@pytest.mark.parametrize("by", ["accept", "format"])
def test_construct_in_every_rdf_format(client: TestClient, name: str, by: str) -> None:
    media, parser, dataset = GRAPH_TYPES[name]
    expected = all_triples(client)
    if by == "accept":
        response = client.get("/sparql", params={"query": CONSTRUCT_ALL}, headers={"accept": media})
    else:
        response = client.get("/sparql", params={"query": CONSTRUCT_ALL, "format": name})
    assert response.status_code == 200
    assert media_type(response) == media
    assert len(expected) == 5
    assert isomorphic(parse_graph(response, parser, dataset), expected)


@pytest.mark.parametrize("accept", [None, "*/*", BROWSER.replace("application/xml;q=0.9,", "")])
def test_graph_results_default_to_turtle(client: TestClient, accept: str | None) -> None:
    headers = {} if accept is None else {"accept": accept}
    response = client.get("/sparql", params={"query": CONSTRUCT_ALL}, headers=headers)
    assert media_type(response) == "text/turtle"
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"


def test_describe(client: TestClient, tiny: Any) -> None:
    response = client.get("/sparql", params={"query": f"DESCRIBE <{tiny.JAPAN}>"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    assert (URIRef(tiny.JAPAN), URIRef(tiny.LABEL), Literal("Japan", lang="en")) in graph


@pytest.mark.parametrize(
    ("query", "headers", "params"),
    [
        (SELECT_ALL, {"accept": "text/html"}, {}),
        (SELECT_ALL, {"accept": "application/pdf, image/*"}, {}),
        (SELECT_ALL, {"accept": "text/turtle"}, {}),
        (SELECT_ALL, {}, {"format": "turtle"}),
        (SELECT_ALL, {}, {"format": "yaml"}),
        ("ASK {}", {"accept": "text/csv"}, {}),
        (CONSTRUCT_ALL, {"accept": "application/sparql-results+json"}, {}),
        (CONSTRUCT_ALL, {}, {"format": "csv"}),
    ],
)
def test_nothing_fits_is_406_before_evaluation(
    client: TestClient, spy: Any, query: str, headers: dict[str, str], params: dict[str, str]
) -> None:
    response = client.get("/sparql", params={"query": query, **params}, headers=headers)
    body = assert_problem(response, 406, "not-acceptable")
    assert "use one of" in body["detail"] or "Accept one of" in body["detail"]
    assert body["available"]
    assert spy.calls == []


def test_never_html_for_a_query(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT_ALL, "format": "html"})
    assert_problem(response, 406, "not-acceptable")


# --- service description ------------------------------------------------------------------


def test_service_description_is_turtle_by_default(client: TestClient, tiny: Any) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert media_type(response) == "text/turtle"
    graph = Graph().parse(data=response.content, format="turtle")
    service = graph.value(predicate=SD.endpoint, object=URIRef("http://testserver/sparql"))
    assert service is not None
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert len(set(graph.objects(service, SD.resultFormat))) == 10
    dataset = graph.value(service, SD.defaultDataset)
    names = {graph.value(g, SD.name) for g in graph.objects(dataset, SD.namedGraph)}
    assert names == {URIRef(tiny.G1), URIRef(tiny.G2)}
    assert graph.value(dataset, SD.defaultGraph) is not None


@pytest.mark.parametrize("name", GRAPH_TYPES)
def test_service_description_in_every_rdf_format(client: TestClient, name: str) -> None:
    media, parser, dataset = GRAPH_TYPES[name]
    response = client.get("/sparql", headers={"accept": media})
    assert media_type(response) == media
    graph = parse_graph(response, parser, dataset)
    assert set(graph.objects(None, SD.endpoint)) == {URIRef("http://testserver/sparql")}


def test_service_description_page_for_browsers(client: TestClient, tiny: Any) -> None:
    response = client.get("/sparql", headers={"accept": BROWSER})
    assert response.status_code == 200
    assert media_type(response) == "text/html"
    page = response.text
    assert '<form method="get" action="http://testserver/sparql">' in page
    assert '<textarea id="query" name="query"' in page
    assert tiny.G1 in page and tiny.G2 in page
    assert (
        client.get("/sparql", params={"format": "html"})
        .headers["content-type"]
        .startswith("text/html")
    )


def test_service_description_refuses_result_formats(client: TestClient) -> None:
    response = client.get("/sparql", headers={"accept": "application/sparql-results+json"})
    assert_problem(response, 406, "not-acceptable")


# --- dataset --------------------------------------------------------------------------------


def select_subjects(client: TestClient, query: str, **params: Any) -> set[str]:
    response = client.get("/sparql", params={"query": query, **params})
    assert response.status_code == 200, response.text
    return {b["s"]["value"] for b in response.json()["results"]["bindings"]}


def test_default_graph_is_the_union_without_dataset_parameters(
    client: TestClient, spy: Any, tiny: Any
) -> None:
    subjects = select_subjects(client, "SELECT DISTINCT ?s { ?s ?p ?o }")
    assert subjects == {tiny.FUNDING, tiny.JAPAN, tiny.UNODC}
    assert spy.calls[-1]["default_graphs"] is None and spy.calls[-1]["named_graphs"] is None


def test_default_graph_uri_limits_the_default_graph(client: TestClient, tiny: Any) -> None:
    query = "SELECT DISTINCT ?s { ?s ?p ?o }"
    assert select_subjects(client, query, **{"default-graph-uri": tiny.G2}) == {tiny.UNODC}
    both = select_subjects(client, query, **{"default-graph-uri": [tiny.G1, tiny.G2]})
    assert both == {tiny.FUNDING, tiny.JAPAN, tiny.UNODC}


def test_named_graph_uri_limits_graph_patterns(client: TestClient, tiny: Any) -> None:
    query = "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query, "named-graph-uri": tiny.G1})
    graphs = {b["g"]["value"] for b in response.json()["results"]["bindings"]}
    assert graphs == {tiny.G1}
    # Only named graphs given: the default graph is empty, as the protocol says.
    assert (
        select_subjects(client, "SELECT ?s { ?s ?p ?o }", **{"named-graph-uri": tiny.G1}) == set()
    )


def test_dataset_parameters_in_a_form_post(client: TestClient, tiny: Any) -> None:
    response = client.post(
        "/sparql",
        data={"query": "SELECT DISTINCT ?s { ?s ?p ?o }", "default-graph-uri": tiny.G2},
    )
    assert response.status_code == 200, response.text
    assert [b["s"]["value"] for b in response.json()["results"]["bindings"]] == [tiny.UNODC]


def test_dataset_parameters_in_the_url_of_a_direct_post(client: TestClient, tiny: Any) -> None:
    response = client.post(
        "/sparql",
        params={"default-graph-uri": tiny.G2},
        content=b"SELECT DISTINCT ?s { ?s ?p ?o }",
        headers={"content-type": "application/sparql-query"},
    )
    assert response.status_code == 200, response.text
    assert [b["s"]["value"] for b in response.json()["results"]["bindings"]] == [tiny.UNODC]


def test_graph_parameters_must_be_iris(client: TestClient, spy: Any) -> None:
    response = client.get(
        "/sparql", params={"query": SELECT_ALL, "default-graph-uri": "not an iri"}
    )
    assert "not an absolute IRI" in assert_problem(response, 400)["detail"]
    assert spy.calls == []


# --- POST -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/sparql-query",
        "application/sparql-query; charset=utf-8",
        "Application/SPARQL-Query;charset=UTF-8",
    ],
)
def test_direct_post(client: TestClient, content_type: str) -> None:
    response = client.post(
        "/sparql",
        content=b'ASK { ?s ?p "Japan"@en }',
        headers={"content-type": content_type},
    )
    assert response.status_code == 200, response.text
    assert response.json()["boolean"] is True


def test_form_post_with_utf8(client: TestClient) -> None:
    response = client.post(
        "/sparql", data={"query": 'SELECT ("日本" AS ?name) {}'}, headers={"accept": "text/csv"}
    )
    assert response.status_code == 200
    assert response.content.decode("utf-8") == "name\r\n日本\r\n"


# --- refusals -------------------------------------------------------------------------------

REFUSED = {
    "INSERT DATA": "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
    "DELETE WHERE": "DELETE WHERE { ?s ?p ?o }",
    "WITH": "WITH <urn:x:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD": "LOAD <http://127.0.0.1:9/data.ttl>",
    "CLEAR": "CLEAR ALL",
    "DROP": "DROP GRAPH <https://example.org/graph/one>",
    "CREATE": "CREATE GRAPH <urn:x:g>",
    "COPY": "COPY <urn:x:a> TO <urn:x:b>",
    "MOVE": "MOVE <urn:x:a> TO <urn:x:b>",
    "ADD": "ADD <urn:x:a> TO <urn:x:b>",
    "SERVICE": "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SERVICE SILENT": "SELECT * { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SERVICE ?x": "SELECT * { ?x ?p ?o . SERVICE ?x { ?s ?p ?o } }",
    "lowercase service": "select * { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
}


@pytest.mark.parametrize("query", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize("method", ["get", "form", "direct"])
def test_refused_before_evaluation(
    client: TestClient, spy: Any, tiny: Any, query: str, method: str
) -> None:
    if method == "get":
        response = client.get("/sparql", params={"query": query})
    elif method == "form":
        response = client.post("/sparql", data={"query": query})
    else:
        response = client.post(
            "/sparql", content=query.encode(), headers={"content-type": "application/sparql-query"}
        )
    body = assert_problem(response, 400, "query-refused")
    assert "line 1, column" in body["detail"]
    assert "read-only" in body["detail"] or "does not contact other servers" in body["detail"]
    assert spy.calls == []
    assert len(all_triples(client)) == tiny.TRIPLES


@pytest.mark.parametrize(
    "update", ["INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }", "anything at all"]
)
def test_update_parameter_is_refused(client: TestClient, spy: Any, update: str) -> None:
    response = client.post("/sparql", data={"update": update})
    body = assert_problem(response, 400, "query-refused")
    assert "read-only" in body["detail"] or "queries only" in body["detail"]
    assert spy.calls == []


def test_keywords_inside_literals_are_not_refused(client: TestClient) -> None:
    query = 'SELECT ?service WHERE { BIND("SERVICE <x> {} # LOAD" AS ?service) }'
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"][0]["service"]["value"].startswith("SERVICE")


# --- malformed requests ---------------------------------------------------------------------


def test_malformed_query_reports_the_parser_message(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    body = assert_problem(response, 400, "query-error")
    assert body["detail"].startswith("SPARQL syntax error: error at 1:")


def test_two_queries(client: TestClient, spy: Any) -> None:
    response = client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert "2 queries" in assert_problem(response, 400)["detail"]
    response = client.post("/sparql", data={"query": ["ASK {}", "ASK {}"]})
    assert_problem(response, 400)
    response = client.post(
        "/sparql",
        params={"query": "ASK {}"},
        content=b"ASK {}",
        headers={"content-type": "application/sparql-query"},
    )
    assert_problem(response, 400)
    assert spy.calls == []


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "GET", "params": {"default-graph-uri": "https://example.org/graph/one"}},
        {"method": "GET", "params": {"query": "  "}},
        {"method": "POST", "data": {"default-graph-uri": "https://example.org/graph/one"}},
        {"method": "POST", "content": b"", "headers": {"content-type": "application/sparql-query"}},
    ],
    ids=["get-dataset-only", "get-blank", "form", "direct-empty"],
)
def test_missing_query(client: TestClient, request_kwargs: dict[str, Any]) -> None:
    response = client.request(url="/sparql", **request_kwargs)
    assert "No query" in assert_problem(response, 400)["detail"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_method(client: TestClient, method: str) -> None:
    response = client.request(method, "/sparql", params={"query": "ASK {}"})
    assert_problem(response, 405)
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "text/plain",
        None,
        "application/sparql-update",
        "application/sparql-query; charset=utf-16",
        "application/x-www-form-urlencoded; charset=iso-8859-1",
    ],
)
def test_wrong_content_type(client: TestClient, spy: Any, content_type: str | None) -> None:
    headers = {} if content_type is None else {"content-type": content_type}
    response = client.post("/sparql", content=b"ASK {}", headers=headers)
    body = assert_problem(response, 415)
    assert "application/sparql-query" in body["detail"] or "UTF-8" in body["detail"]
    assert spy.calls == []


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ("ASK {}".encode("utf-16"), "application/sparql-query"),
        (b'ASK { ?s ?p "\xff" }', "application/sparql-query"),
        (b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D", "application/x-www-form-urlencoded"),
    ],
    ids=["utf-16", "invalid-byte", "form-percent-escape"],
)
def test_non_utf8_body(client: TestClient, content: bytes, content_type: str) -> None:
    response = client.post("/sparql", content=content, headers={"content-type": content_type})
    assert "UTF-8" in assert_problem(response, 400)["detail"]


# --- bounds ---------------------------------------------------------------------------------


def test_truncation_header(make_app: Any, spy: Any, tiny: Any) -> None:
    with TestClient(make_app(spy, max_rows=2)) as client:
        response = client.get("/sparql", params={"query": SELECT_ALL})
        assert response.headers["x-result-truncated"] == "true"
        assert response.headers["x-result-limit"] == "2"
        assert len(response.json()["results"]["bindings"]) == 2
        response = client.get("/sparql", params={"query": CONSTRUCT_ALL, "format": "ntriples"})
        assert response.headers["x-result-truncated"] == "true"
        assert len(response.text.splitlines()) == 2
        response = client.get("/sparql", params={"query": "SELECT ?s { ?s ?p ?o } LIMIT 2"})
        assert "x-result-truncated" not in response.headers
        response = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert "x-result-truncated" not in response.headers


def test_oversized_queries_get_413_before_the_engine(make_app: Any, spy: Any) -> None:
    padding = "#" + "x" * 300 + "\n"
    big = padding + "ASK {}"
    with TestClient(make_app(spy, max_query_bytes=200)) as client:
        attempts = [
            client.get("/sparql", params={"query": big}),
            client.post("/sparql", data={"query": big}),
            client.post(
                "/sparql", content=big, headers={"Content-Type": "application/sparql-query"}
            ),
        ]
        for response in attempts:
            assert response.status_code == 413, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert "KG_MAX_QUERY_BYTES" in response.json()["detail"]
        assert spy.calls == []
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_deadline_gives_503(make_app: Any, spy: Any) -> None:
    spy.gate = threading.Event()
    try:
        with TestClient(make_app(spy, query_timeout=0.05)) as client:
            response = client.get("/sparql", params={"query": "ASK {}"})
            body = assert_problem(response, 503, "query-timeout")
            assert "0.05 s" in body["detail"]
    finally:
        spy.gate.set()


# --- documentation --------------------------------------------------------------------------


def test_openapi_documents_both_methods_with_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    get, post = schema["paths"]["/sparql"]["get"], schema["paths"]["/sparql"]["post"]
    query = next(p for p in get["parameters"] if p["name"] == "query")
    assert "ASK" in str(query["examples"]) and "CONSTRUCT" in str(query["examples"])
    assert {"application/sparql-query", "application/x-www-form-urlencoded"} <= set(
        post["requestBody"]["content"]
    )
    for operation in (get, post):
        assert X_TRUNCATED in operation["description"]
        assert set(SELECT_TYPES.values()) <= set(operation["responses"]["200"]["content"])
        for status in ("400", "406", "503"):
            assert "application/problem+json" in operation["responses"][status]["content"]
    assert "ProblemDetails" in schema["components"]["schemas"]


X_TRUNCATED = "X-Result-Truncated"


# --- the app's own store ------------------------------------------------------------------


def test_app_opens_the_built_store_read_only(tmp_path: Path, tiny: Any) -> None:
    path = tmp_path / "store"
    built = OxigraphStore(path)
    built.load_nquads(
        [
            ox.Quad(
                ox.NamedNode(tiny.JAPAN),
                ox.NamedNode(tiny.LABEL),
                ox.Literal("Japan"),
                ox.NamedNode(tiny.G1),
            )
        ]
    )
    built.close()
    with TestClient(create_app(Settings(store=str(path)))) as client:
        response = client.get("/sparql", params={"query": "SELECT ?o { ?s ?p ?o }"})
        assert response.json()["results"]["bindings"] == [
            {"o": {"type": "literal", "value": "Japan"}}
        ]


def test_app_without_a_store_says_how_to_build_one(tmp_path: Path) -> None:
    app = create_app(Settings(store=str(tmp_path / "missing")))
    with pytest.raises(StoreError, match="kg build"), TestClient(app):
        pass

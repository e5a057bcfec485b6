"""GET /export: every format, the whole dataset and one graph, read back and counted.

The bodies are read with pyoxigraph's parsers, ten times faster than rdflib's: what rdflib
reads of each format, graph by graph and blank nodes included, tests/test_export.py proves on
the same serialisers (``Store.dump``, which this route sends)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from kg._namespaces import REFERENCE_GRAPH
from kg.api.problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE
from kg.export import FORMATS
from kg.stores.oxigraph import OxigraphStore

DISTINCT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


def media_type(response: Any) -> str:
    return str(response.headers["content-type"]).split(";")[0]


def statements(body: bytes, name: str) -> list[ox.Quad]:
    """The statements of an export as its reader sees them (a triple format's in the default
    graph)."""
    return list(ox.parse(body, format=FORMATS[name].rdf_format))


@pytest.fixture(scope="module")
def union_size(store: OxigraphStore) -> int:
    result = store.query(DISTINCT_TRIPLES)
    return int(next(iter(result.rows))[0])  # type: ignore[union-attr, arg-type]


@pytest.mark.parametrize("name", list(FORMATS))
def test_whole_dataset_round_trips(
    api_client: TestClient, store: OxigraphStore, union_size: int, name: str
) -> None:
    fmt = FORMATS[name]
    response = api_client.get("/export", params={"format": name})
    assert response.status_code == 200, response.text
    assert media_type(response) == fmt.media_type
    assert response.headers["content-disposition"] == (
        f'attachment; filename="coop-kg.{fmt.extension}"'
    )
    assert int(response.headers["content-length"]) == len(response.content)
    parsed = statements(response.content, name)
    if fmt.supports_datasets:  # every named graph, each triple once per graph
        assert len(set(parsed)) == len(parsed) == store.count()
        assert {q.graph_name.value for q in parsed} == set(store.graphs())  # type: ignore[union-attr]
    else:  # the union: a triple stated in two graphs once
        assert len({q.triple for q in parsed}) == union_size
        assert union_size < store.count()


@pytest.mark.parametrize("name", list(FORMATS))
@pytest.mark.parametrize("graph", ["reference", str(REFERENCE_GRAPH)])
def test_one_graph_round_trips(
    api_client: TestClient, store: OxigraphStore, name: str, graph: str
) -> None:
    fmt = FORMATS[name]
    response = api_client.get("/export", params={"format": name, "graph": graph})
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        f'attachment; filename="coop-kg-reference.{fmt.extension}"'
    )
    parsed = statements(response.content, name)
    assert len(set(parsed)) == len(parsed) == store.count(str(REFERENCE_GRAPH))


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/trig"),
        ("*/*", "application/trig"),
        ("application/n-triples", "application/n-triples"),
        ("text/turtle;q=0.4, application/n-quads;q=0.8", "application/n-quads"),
    ],
)
def test_without_format_accept_decides(
    api_client: TestClient, accept: str | None, expected: str
) -> None:
    headers = {} if accept is None else {"accept": accept}
    response = api_client.get("/export", headers=headers)
    assert response.status_code == 200
    assert media_type(response) == expected
    assert response.headers["vary"] == "Accept"


def test_format_accepts_a_media_type(api_client: TestClient) -> None:
    response = api_client.get("/export", params={"format": "text/turtle", "graph": "shapes"})
    assert media_type(response) == "text/turtle"
    assert response.headers["content-disposition"].endswith('coop-kg-shapes.ttl"')


def test_nothing_acceptable_is_406(api_client: TestClient) -> None:
    response = api_client.get("/export", headers={"accept": "text/html"})
    assert response.status_code == 406
    assert media_type(response) == PROBLEM_MEDIA_TYPE


@pytest.mark.parametrize(
    ("params", "valid"),
    [
        ({"format": "csv"}, list(FORMATS)),
        ({"format": "turtle", "graph": "nowhere"}, None),
        ({"graph": "https://example.org/graph"}, None),
    ],
)
def test_unknown_format_or_graph_is_400_listing_valid_values(
    api_client: TestClient, store: OxigraphStore, params: dict[str, str], valid: list[str] | None
) -> None:
    response = api_client.get("/export", params=params)
    assert response.status_code == 400
    assert media_type(response) == PROBLEM_MEDIA_TYPE
    body = response.json()
    assert body["type"] == PROBLEM_BASE + "bad-parameter"
    expected = valid or [g.rsplit("/", 1)[1] for g in store.graphs()]
    assert body["valid"] == expected
    for value in expected:
        assert value in body["detail"]

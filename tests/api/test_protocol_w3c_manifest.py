"""Every entry of the W3C SPARQL 1.1 Protocol manifest has a case, by its name
(tests/api/data/w3c-protocol-manifest-entries.txt names them and their origin).

test_protocol_w3c.py holds the request-form cases on /sparql (``GOOD``, ``BAD``); this file the
dataset and content-type queries, the update cases against ``/sparql/update`` with a curator's
token, and the bad updates sent there too. The manifest's data (kasei.us documents) is replaced
by the tiny dataset (queries) and by a graph of the shipped build's copy (updates); each case
keeps what the W3C test checks. Where the service deliberately differs, the case is in
``REFUSED`` with its reason and the status it asserts, never skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_protocol_w3c import BAD, GOOD
from test_writes import AUTH, GRAPH, writes_app

from kg.export import RDF_ANSWERS, RESULT_FORMATS
from kg.stores.oxigraph import OxigraphStore

ENTRIES = [
    line
    for line in (Path(__file__).parent / "data" / "w3c-protocol-manifest-entries.txt")
    .read_text()
    .splitlines()
    if line and not line.startswith("#")
]
EX = "https://example.org/"
G1, G2 = EX + "graph/one", EX + "graph/two"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
FORM = "application/x-www-form-urlencoded"
RESULT_TYPES = {f.media_type for f in RESULT_FORMATS.values()}
RDF_TYPES = {f.media_type for f in RDF_ANSWERS}


def _ask(response: Any) -> bool:
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


#: Dataset queries: (method, URL parameters, body or None); each must answer true.
DATASET = {
    # default graphs from the protocol, merged: each label is in another graph
    "query_dataset_default_graphs_post": (
        "POST",
        [("default-graph-uri", G1), ("default-graph-uri", G2)],
        f"ASK {{ <{EX}japan> {LABEL} ?a . <{EX}unodc> {LABEL} ?b }}",
    ),
    "query_dataset_named_graphs_get": (
        "GET",
        [
            (
                "query",
                f"ASK {{ GRAPH ?g1 {{ <{EX}japan> {LABEL} ?a }} "
                f"GRAPH ?g2 {{ <{EX}unodc> {LABEL} ?b }} }}",
            ),
            ("named-graph-uri", G1),
            ("named-graph-uri", G2),
        ],
        None,
    ),
    "query_dataset_full": (
        "POST",
        [("default-graph-uri", G2), ("named-graph-uri", G1)],
        f"ASK {{ <{EX}unodc> {LABEL} ?a GRAPH ?g {{ <{EX}japan> {LABEL} ?b }} }}",
    ),
    # the protocol's dataset wins over the query's FROM (which names the other graph)
    "query_multiple_dataset": (
        "POST",
        [("default-graph-uri", G1)],
        f"ASK FROM <{G2}> {{ <{EX}japan> {LABEL} ?a }}",
    ),
}


@pytest.mark.parametrize("name", DATASET)
def test_dataset_query(client: TestClient, name: str) -> None:
    method, params, body = DATASET[name]
    headers = {"Accept": "application/sparql-results+json"}
    if body is not None:
        headers["Content-Type"] = DIRECT
    response = client.request(
        method,
        "/sparql",
        params=params,
        content=None if body is None else body.encode(),
        headers=headers,
    )
    assert _ask(response) is True


#: Content-type queries, sent without Accept: (query, the media types the answer may have).
CONTENT_TYPE = {
    "query_content_type_select": ("SELECT ?x WHERE { BIND (1 AS ?x) }", RESULT_TYPES),
    "query_content_type_ask": ("ASK {}", RESULT_TYPES),
    "query_content_type_describe": (f"DESCRIBE <{EX}japan>", RDF_TYPES),
    # relative IRIs: resolved against the endpoint (test_relative_iris.py)
    "query_content_type_construct": ("CONSTRUCT { <s> <p> 1 } WHERE {}", RDF_TYPES),
}


@pytest.mark.parametrize("name", CONTENT_TYPE)
def test_content_type(client: TestClient, name: str) -> None:
    query, allowed = CONTENT_TYPE[name]
    response = client.post("/sparql", content=query.encode(), headers={"Content-Type": DIRECT})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] in allowed
    assert response.content


@pytest.fixture
def curator(copy_store: OxigraphStore, tmp_path: Path) -> Iterator[TestClient]:
    """The app over a private copy of the shipped build, writes on (test_writes.py's token)."""
    with TestClient(writes_app(copy_store, tmp_path)) as opened:
        yield opened


THING = f"<{EX}protocol-update-test>"
INSERT = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ {THING} {LABEL} "Protocol test"@en }} }}'
CHECK = f'ASK {{ GRAPH <{GRAPH}> {{ {THING} {LABEL} "Protocol test"@en }} }}'

#: Updates the service applies: (request keyword arguments, the ASK that must then be true).
UPDATES: dict[str, tuple[dict[str, Any], str]] = {
    "update_post_form": ({"data": {"update": INSERT}, "headers": AUTH}, CHECK),
    "update_post_direct": (
        {"content": INSERT.encode(), "headers": {**AUTH, "Content-Type": UPDATE}},
        CHECK,
    ),
    # the manifest's: a relative IRI resolves against the update endpoint's IRI
    "update_base_uri": (
        {
            "content": f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <thing> {LABEL} "x" }} }}'.encode(),
            "headers": {**AUTH, "Content-Type": UPDATE},
        },
        f'ASK {{ <http://testserver/sparql/thing> {LABEL} "x" }}',
    ),
}


@pytest.mark.parametrize("name", UPDATES)
def test_update(curator: TestClient, name: str) -> None:
    request, check = UPDATES[name]
    response = curator.post("/sparql/update", **request)
    assert response.status_code == 200, response.text
    answer = curator.get(
        "/sparql", params={"query": check}, headers={"Accept": "application/sparql-results+json"}
    )
    assert _ask(answer) is True


USING = "using-graph-uri"
NAMED = "using-named-graph-uri"
#: Cases the service refuses on purpose: (reason, method, URL parameters, body, status).
REFUSED: dict[str, tuple[str, str, list[tuple[str, str]], str | None, int]] = {
    name: (
        "The protocol's using-graph-uri / using-named-graph-uri are refused with 400, not "
        "ignored: the service does not implement them (USING and WITH in the update text "
        "work); and the W3C update begins with CLEAR ALL or DROP ALL, which would empty the "
        "curated graphs.",
        "POST",
        params,
        "DROP ALL",
        400,
    )
    for name, params in {
        "update_dataset_default_graph": [(USING, G1)],
        "update_dataset_default_graphs": [(USING, G1), (USING, G2)],
        "update_dataset_named_graphs": [(NAMED, G1), (NAMED, G2)],
        "update_dataset_full": [(USING, G1), (NAMED, G2)],
    }.items()
}


@pytest.mark.parametrize("name", REFUSED)
def test_refused_on_purpose(curator: TestClient, name: str) -> None:
    reason, method, params, body, status = REFUSED[name]
    assert reason
    before = curator.get("/graphs", headers={"Accept": "application/json"}).json()
    response = curator.request(
        method,
        "/sparql/update",
        params=params,
        content=None if body is None else body.encode(),
        headers={**AUTH, "Content-Type": UPDATE},
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert curator.get("/graphs", headers={"Accept": "application/json"}).json() == before


#: The manifest's bad updates, sent where updates go, with the token: (method, params,
#: body, content type, status).
BAD_UPDATES: dict[str, tuple[str, list[tuple[str, str]], bytes | None, str | None, int]] = {
    "bad_update_get": ("GET", [("update", "CLEAR NAMED")], None, None, 405),
    "bad_multiple_updates": ("POST", [], b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM, 400),
    "bad_update_wrong_media_type": ("POST", [], b"CLEAR NAMED", "text/plain", 415),
    "bad_update_missing_form_type": ("POST", [], b"update=CLEAR%20NAMED", None, 415),
    "bad_update_non_utf8": (
        "POST",
        [],
        "CLEAR NAMED".encode("utf-16"),
        f"{UPDATE}; charset=UTF-16",
        415,
    ),
    "bad_update_syntax": ("POST", [], b"update=CLEAR%20XYZ", FORM, 400),
    "bad_update_dataset_conflict": (
        "POST",
        [(USING, "http://example.org/protocol-update-dataset-test/")],
        b"update=WITH%20%3Curn%3Ax%3Ag%3E%20DELETE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20WHERE%20%7B%7D",
        FORM,
        400,
    ),
}


@pytest.mark.parametrize("name", BAD_UPDATES)
def test_bad_update_at_the_update_endpoint(curator: TestClient, name: str) -> None:
    method, params, body, content_type, status = BAD_UPDATES[name]
    headers = dict(AUTH)
    if content_type is not None:
        headers["Content-Type"] = content_type
    response = curator.request(
        method, "/sparql/update", params=params, content=body, headers=headers
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


#: Each manifest entry and the table that holds its case.
CASES: dict[str, object] = {
    **dict.fromkeys(BAD, BAD),
    **dict.fromkeys(GOOD, GOOD),
    **dict.fromkeys(DATASET, DATASET),
    **dict.fromkeys(CONTENT_TYPE, CONTENT_TYPE),
    **dict.fromkeys(UPDATES, UPDATES),
    **dict.fromkeys(REFUSED, REFUSED),
}


def test_every_manifest_entry_has_a_case() -> None:
    assert len(ENTRIES) == len(set(ENTRIES)) == 34
    missing = [name for name in ENTRIES if name not in CASES]
    assert not missing, f"manifest entries without a case: {missing}"
    # a bad update is checked at /sparql (refused: read-only) and at /sparql/update
    assert {n for n in ENTRIES if n.startswith("bad_update")} <= set(BAD) & set(BAD_UPDATES)

"""The W3C SPARQL 1.1 Protocol tests that a read-only query service can run (issue 5, test 7).

Each case is named after its entry in the W3C manifest
(https://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest), with the request
the test describes, sent to /sparql over the tiny dataset. The bad-request cases must get a 4xx
``application/problem+json`` without reaching the engine. This endpoint has no update
operation, so the ``bad_update_*`` cases (and every ``update_*`` one) are sent to it and must be
refused like any other update. test_sparql.py covers the same ground by behaviour; this file
is the conformance list, one row per W3C test, plus the few malformed requests the manifest
does not spell out (a query and an update together, non-UTF-8 in a URL).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from kg.api.problems import PROBLEM_MEDIA_TYPE, Problem
from kg.api.sparql_protocol import url_params as _url_params

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"


@dataclass(frozen=True)
class Case:
    method: str
    params: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    content_type: str | None = None
    status: int = 400
    #: Only the engine parses queries (src/kg/api/routes/sparql.py): a syntax error is its answer.
    parsed_by_engine: bool = False


BAD = {
    # "invoke query operation with a method other than GET or POST"
    "bad_query_method": Case("PUT", [("query", "ASK {}")], status=405),
    "bad_query_method_delete": Case("DELETE", [("query", "ASK {}")], status=405),
    # "invoke query operation with more than one query string"
    "bad_multiple_queries": Case("GET", [("query", "ASK {}"), ("query", "SELECT * {}")]),
    "bad_multiple_queries_post_form": Case(
        "POST", body=b"query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", content_type=FORM
    ),
    # "invoke query operation with a POST with media type that's not url-encoded or
    # application/sparql-query"
    "bad_query_wrong_media_type": Case(
        "POST", body=b"ASK {}", content_type="text/plain", status=415
    ),
    # "invoke query operation with url-encoded body, but without application/x-www-form-
    # urlencoded media type"
    "bad_query_missing_form_type": Case("POST", body=b"query=ASK%20%7B%7D", status=415),
    # "invoke query operation with SPARQL body, but without application/sparql-query media type"
    "bad_query_missing_direct_type": Case("POST", body=b"ASK {}", status=415),
    # "invoke query operation with direct POST, but with a non-UTF8 encoding (UTF-16)"
    "bad_query_non_utf8": Case("POST", body="ASK {}".encode("utf-16"), content_type=DIRECT),
    # "invoke query operation with invalid query syntax (4XX result)"
    "bad_query_syntax": Case("GET", [("query", "ASK {")], parsed_by_engine=True),
    # "invoke update operation with GET"
    "bad_update_get": Case("GET", [("update", "CLEAR ALL")]),
    # "invoke update operation with more than one update string"
    "bad_multiple_updates": Case(
        "POST", body=b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", content_type=FORM
    ),
    # "invoke update operation with a POST with media type that's not url-encoded or
    # application/sparql-update"
    "bad_update_wrong_media_type": Case(
        "POST", body=b"CLEAR NAMED", content_type="text/plain", status=415
    ),
    # "invoke update operation with url-encoded body, but without application/x-www-form-
    # urlencoded media type"
    "bad_update_missing_form_type": Case("POST", body=b"update=CLEAR%20NAMED", status=415),
    # "invoke update operation with direct POST, but with a non-UTF8 encoding"
    "bad_update_non_utf8": Case(
        "POST",
        body="CLEAR NAMED".encode("utf-16"),
        content_type="application/sparql-update",
        status=415,
    ),
    # "invoke update operation with invalid update syntax"
    "bad_update_syntax": Case("POST", body=b"update=CLEAR%20XYZ", content_type=FORM),
    # "invoke update with both using-graph-uri/using-named-graph-uri parameter and
    # USING/WITH clause"
    "bad_update_dataset_conflict": Case(
        "POST",
        [("using-graph-uri", "http://example.org/protocol-update-dataset-test/")],
        body=b"update=WITH%20%3Curn%3Ax%3Ag%3E%20DELETE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20WHERE%20%7B%7D",
        content_type=FORM,
    ),
    # Not in the manifest, and as malformed: the SPARQL Protocol allows one operation per
    # request, and percent-encoded UTF-8 only.
    "bad_query_and_update": Case(
        "POST", body=b"query=ASK%20%7B%7D&update=CLEAR%20ALL", content_type=FORM
    ),
    "bad_query_and_update_get": Case("GET", [("query", "ASK {}"), ("update", "CLEAR ALL")]),
    "bad_query_missing_post_form": Case(
        "POST", body=b"default-graph-uri=urn%3Ax%3Ag", content_type=FORM
    ),
    "bad_query_missing_post_direct": Case("POST", body=b"", content_type=DIRECT),
    "bad_query_non_utf8_form": Case(
        "POST", body=b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D", content_type=FORM
    ),
    "bad_query_non_utf8_charset": Case(
        "POST", body=b"ASK {}", content_type=DIRECT + "; charset=iso-8859-1", status=415
    ),
}


def _send(client: TestClient, case: Case, **headers: str) -> Any:
    if case.content_type is not None:
        headers["content-type"] = case.content_type
    return client.request(
        case.method, "/sparql", params=case.params, content=case.body, headers=headers
    )


@pytest.mark.parametrize("name", BAD)
def test_bad_request(client: TestClient, spy: Any, name: str) -> None:
    case = BAD[name]
    response = _send(client, case)
    assert response.status_code == case.status, response.text
    assert response.headers["content-type"].split(";")[0] == PROBLEM_MEDIA_TYPE
    body = response.json()
    assert body["status"] == case.status and body["detail"]
    if not case.parsed_by_engine:
        assert spy.calls == [], "a malformed request reached the engine"


def test_bad_query_non_utf8_in_the_url() -> None:
    """The GET form of bad_query_non_utf8: a percent escape that is not UTF-8 is a 400, not a
    query silently changed by a replacement character. (HTTP clients refuse to send such a URL,
    so the request is built at the ASGI level.)"""
    raw = b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D"
    with pytest.raises(Problem) as refused:
        _url_params(Request({"type": "http", "query_string": raw, "headers": []}))
    assert refused.value.status == 400 and "UTF-8" in refused.value.detail
    ok = _url_params(Request({"type": "http", "query_string": b"query=%C3%A9&x=", "headers": []}))
    assert ok == [("query", "\u00e9"), ("x", "")]


def test_bad_query_method_names_the_allowed_methods(client: TestClient) -> None:
    assert _send(client, BAD["bad_query_method"]).headers["allow"] == "GET, HEAD, OPTIONS, POST"


# The manifest's positive query cases that concern the request form, for contrast: the same
# query sent each way the protocol allows is answered.
GOOD = {
    "query_get": Case("GET", [("query", "ASK {}")], status=200),
    "query_post_form": Case("POST", body=b"query=ASK%20%7B%7D", content_type=FORM, status=200),
    "query_post_direct": Case("POST", body=b"ASK {}", content_type=DIRECT, status=200),
    "query_dataset_default_graphs_get": Case(
        "GET",
        [("query", "ASK { ?s ?p ?o }"), ("default-graph-uri", "https://example.org/graph/one")],
        status=200,
    ),
    "query_dataset_named_graphs_post": Case(
        "POST",
        body=b"query=ASK%20%7B%20GRAPH%20%3Fg%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%7D"
        b"&named-graph-uri=https%3A%2F%2Fexample.org%2Fgraph%2Ftwo",
        content_type=FORM,
        status=200,
    ),
}


@pytest.mark.parametrize("name", GOOD)
def test_query(client: TestClient, name: str) -> None:
    response = _send(client, GOOD[name], accept="application/sparql-results+json")
    assert response.status_code == 200, response.text
    assert response.json()["boolean"] is True

"""HEAD and OPTIONS on the SPARQL endpoints, and CORS: off unless KG_CORS_ORIGINS names
origins, then for reads only (a curator's token is never sent by another origin's page)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from kg.api.routes.sparql import ALLOWED_METHODS

ASK = {"query": "ASK { ?s ?p ?o }"}
JSON = {"Accept": "application/sparql-results+json"}
ORIGIN = "https://notebook.example.org"


def test_head_has_the_get_headers_and_no_body(client: TestClient):
    got = client.get("/sparql", params=ASK, headers=JSON)
    head = client.head("/sparql", params=ASK, headers=JSON)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))


def test_head_of_the_service_description(client: TestClient):
    head = client.head("/sparql", headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"].startswith("text/turtle")
    assert int(head.headers["content-length"]) > 0


def test_head_of_a_bad_query_is_its_status(client: TestClient):
    assert client.head("/sparql", params={"query": "ASK {"}).status_code == 400


def test_options_names_the_methods(client: TestClient):
    response = client.options("/sparql")
    assert response.status_code == 204 and response.content == b""
    assert response.headers["allow"] == ALLOWED_METHODS
    assert client.options("/sparql/update").headers["allow"] == "OPTIONS, POST"
    refused = client.put("/sparql", params=ASK)
    assert refused.status_code == 405 and refused.headers["allow"] == ALLOWED_METHODS


def test_cors_is_off_by_default(client: TestClient):
    response = client.get("/sparql", params=ASK, headers={**JSON, "Origin": ORIGIN})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(
        "/sparql", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_a_named_origin_may_read(tiny_store: Any, make_app: Any):
    with TestClient(make_app(tiny_store, cors_origins=[ORIGIN])) as client:
        response = client.get("/sparql", params=ASK, headers={**JSON, "Origin": ORIGIN})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == ORIGIN
        other = client.get(
            "/sparql", params=ASK, headers={**JSON, "Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers
        preflight = client.options(
            "/sparql",
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == ORIGIN
        assert "POST" in preflight.headers["access-control-allow-methods"]


def test_another_origin_cannot_send_a_curators_token(tiny_store: Any, make_app: Any):
    with TestClient(make_app(tiny_store, cors_origins=["*"])) as client:
        preflight = client.options(
            "/sparql/update",
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert preflight.status_code == 400  # Starlette refuses the disallowed header
        assert "access-control-allow-headers" not in preflight.headers or (
            "authorization" not in preflight.headers["access-control-allow-headers"].lower()
        )


def test_head_is_get_without_the_body_on_every_get_route(client: TestClient):
    got = client.get("/api/queries")
    head = client.head("/api/queries")
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers.get("link") == got.headers.get("link")
    assert client.head("/no-such-page").status_code == 404

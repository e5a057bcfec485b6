"""Hypothesis-generated bad input for every filter and format parameter (issue 5, test 6).

Each route gets arbitrary text (any Unicode but surrogates, NUL and controls included),
numbers out of range and malformed media types in every parameter it takes, in any
combination, and ``Accept`` headers of any printable ASCII. Whatever it is sent, it must not
answer 5xx, and every 4xx must be ``application/problem+json`` whose ``status`` is the HTTP
status. The one exception by design: a browser asking an unknown /id/ for HTML gets the HTML
404 page. Runs in process over the small made-up dataset (``money_client``); examples are
bounded so the file stays well under 30 s.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.api.problems import PROBLEM_MEDIA_TYPE

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Anything a URL can carry, weighted towards what parsers trip on.
text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "%",
            "%FF",
            "'",
            '"',
            "<",
            ">",
            "{",
            "}",
            "\\",
            "../../etc/passwd",
            "file:///etc/passwd",
            "http://127.0.0.1:9/x",
            "japan",
            "JAPAN",
            "id:japan",
            "https://w3id.org/coop-kg/id/japan",
            "a" * 5000,
            "ünïcödé ≠ ascii",
            "日本",
            "NaN",
            "-1",
            "1e309",
            "99999999999999999999999999",
        ]
    ),
)
number = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    text,
)
media = st.one_of(
    text,
    st.sampled_from(
        [
            "turtle",
            "json",
            "csv",
            "html",
            "jsonld",
            "text/turtle",
            "text/*",
            "*/*",
            "application/x-unknown",
            "text/turtle;q=0",
            ";;;",
            "/",
        ]
    ),
)
accept = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60),
    st.sampled_from(["*/*", "text/html", "application/json;q=0", "x/y, */*;q=0", "q=1"]),
)


def params(**strategies: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, str]]:
    """Any subset of the named parameters, each from its strategy."""
    return st.fixed_dictionaries({}, optional=strategies)


def check(response: Any, path: str) -> None:
    status = response.status_code
    assert status < 500, f"{path}: {status} {response.text[:500]}"
    if status < 400:
        return
    media_type = response.headers.get("content-type", "").split(";")[0]
    if media_type == "text/html":  # the HTML 404 page, for browsers only
        assert status == 404 and path.startswith("/id/"), path
        return
    assert media_type == PROBLEM_MEDIA_TYPE, f"{path}: {status} as {media_type}"
    body = response.json()
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]


def get(
    client: TestClient, path: str, query: dict[str, str] | None = None, accept: str | None = None
) -> None:
    headers = {} if accept is None else {"accept": accept}
    check(client.get(path, params=query, headers=headers), path)


NAME = text
PAGE = {"limit": number, "offset": number}
COLLECTIONS = st.one_of(
    st.sampled_from(["actors", "initiatives", "regions", "themes", "events", "documents"]), text
)


@FUZZ
@given(query=params(q=text, kind=text, **PAGE))
def test_search(money_client: TestClient, query: dict[str, str]) -> None:
    get(money_client, "/api/search", query)


FUNDING_FILTERS = {
    "funder": NAME,
    "recipient": NAME,
    "initiative": NAME,
    "region": NAME,
    "theme": NAME,
    "year": number,
    "currency": text,
    "min_amount": number,
    **PAGE,
}


@FUZZ
@given(query=params(**FUNDING_FILTERS))
def test_fundings(money_client: TestClient, query: dict[str, str]) -> None:
    get(money_client, "/api/fundings", query)


@FUZZ
@given(
    query=params(**FUNDING_FILTERS),
    by=st.one_of(
        text, st.sampled_from(["year", "funder,theme", "region,region", "a,b,c", ",", "year,"])
    ),
)
def test_fundings_summary(money_client: TestClient, query: dict[str, str], by: str) -> None:
    get(money_client, "/api/fundings/summary", {**query, "by": by})


@FUZZ
@given(query=params(region=NAME, theme=NAME, actor=NAME, **PAGE))
def test_priorities(money_client: TestClient, query: dict[str, str]) -> None:
    get(money_client, "/api/priorities", query)


@FUZZ
@given(collection=COLLECTIONS, query=params(q=text, within=NAME, **PAGE))
def test_collections(money_client: TestClient, collection: str, query: dict[str, str]) -> None:
    get(money_client, f"/api/{_segment(collection)}", query)


@FUZZ
@given(collection=COLLECTIONS, slug=text)
def test_entity(money_client: TestClient, collection: str, slug: str) -> None:
    get(money_client, f"/api/{_segment(collection)}/{_segment(slug)}")


@FUZZ
@given(name=text, query=params(**PAGE))
def test_queries(money_client: TestClient, name: str, query: dict[str, str]) -> None:
    get(money_client, "/api/queries", query)
    get(money_client, f"/api/queries/{_segment(name)}")


@FUZZ
@given(slug=text, query=params(format=media), accept=accept)
def test_id(money_client: TestClient, slug: str, query: dict[str, str], accept: str | None) -> None:
    get(money_client, f"/id/{_segment(slug, keep='/')}", query, accept)


@FUZZ
@given(
    path=st.sampled_from(["/ontology", "/shapes", "/.well-known/void", "/"]),
    query=params(format=media),
    accept=accept,
)
def test_documents(
    money_client: TestClient, path: str, query: dict[str, str], accept: str | None
) -> None:
    get(money_client, path, query, accept)


@FUZZ
@given(query=params(format=media, graph=text), accept=accept)
def test_export(money_client: TestClient, query: dict[str, str], accept: str | None) -> None:
    get(money_client, "/export", query, accept)


SPARQL_TEXT = st.one_of(
    text,
    st.sampled_from(
        [
            "ASK {}",
            "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
            "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1",
            "DESCRIBE <urn:x>",
            "SELECT * WHERE { ?s ?p ",
            "PREFIX : <",
            "SELECT (1/0 AS ?x) {}",
            'SELECT (STRDT("x", <urn:bad>) AS ?x) {}',
            'SELECT (xsd:integer("x") AS ?x) {}',
            'SELECT ("\\uD800" AS ?x) {}',
            "SELECT ?x { BIND(<> AS ?x) }",
            "BASE <rel> SELECT * {}",
            "SELECT * FROM <file:///etc/passwd> {}",
        ]
    ),
)
IRI_LIST = st.lists(st.one_of(text, st.just("https://example.org/graph/money")), max_size=3)


@FUZZ
@given(
    query=SPARQL_TEXT,
    format=st.lists(media, max_size=2),
    default=IRI_LIST,
    named=IRI_LIST,
    accept=accept,
    method=st.sampled_from(["get", "form", "direct"]),
)
def test_sparql(
    money_client: TestClient,
    query: str,
    format: list[str],
    default: list[str],
    named: list[str],
    accept: str | None,
    method: str,
) -> None:
    pairs = [("format", f) for f in format]
    pairs += [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in named]
    headers = {} if accept is None else {"accept": accept}
    if method == "get":
        response = money_client.get("/sparql", params=[("query", query), *pairs], headers=headers)
    elif method == "form":
        response = money_client.post(
            "/sparql", data={"query": query, **_grouped(pairs)}, headers=headers
        )
    else:
        headers["content-type"] = "application/sparql-query"
        response = money_client.post(
            "/sparql", params=pairs, content=query.encode(), headers=headers
        )
    check(response, "/sparql")


@FUZZ
@given(body=st.binary(max_size=200), content_type=st.one_of(st.none(), media))
def test_sparql_post_bodies(
    money_client: TestClient, body: bytes, content_type: str | None
) -> None:
    headers = {}
    if content_type is not None and content_type.isprintable() and content_type.isascii():
        headers["content-type"] = content_type
    check(money_client.post("/sparql", content=body, headers=headers), "/sparql")


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def _segment(value: str, keep: str = "") -> str:
    """``value`` as one path segment: httpx would read '?' and '#' as the end of the path."""
    from urllib.parse import quote

    return quote(value, safe=keep) or "x"


@pytest.mark.parametrize("path", ["/api/fundings", "/api/search?q=a", "/export", "/sparql"])
def test_repeated_and_unknown_parameters(money_client: TestClient, path: str) -> None:
    separator = "&" if "?" in path else "?"
    get(money_client, f"{path}{separator}limit=1&limit=2&format=turtle&format=csv&zzz=%FF")

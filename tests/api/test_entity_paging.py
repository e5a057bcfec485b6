"""Entity detail in groups: every relation counted per property and direction, a page of each
listed with its evidence, further pages of one group by direction/property/offset (REST and
pages), and a 400 problem for every unusable paging parameter."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from kg.api.main import create_app
from kg.api.problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE
from kg.settings import Settings
from kg.stores.base import SelectResult, Store

ID = "https://w3id.org/coop-kg/id/"
SKOS_BROADER = "http://www.w3.org/2004/02/skos/core#broader"


def ok(client: TestClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


def incoming_count(store: Store, slug: str, prop: str) -> int:
    """The number of IRIs stating ``prop`` of the entity, asked of the store directly."""
    result = store.query(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{prop}> <{ID}{slug}> }}")
    assert isinstance(result, SelectResult)
    return int(str(result.rows[0][0]))


def test_groups_count_what_the_store_holds(api_client: TestClient, store: Store) -> None:
    body = ok(api_client, "/api/themes/dac-sectors")
    broader = next(
        g
        for g in body["groups"]
        if g["direction"] == "incoming" and g["property"]["id"] == SKOS_BROADER
    )
    assert broader["total"] == incoming_count(store, "dac-sectors", SKOS_BROADER)
    assert broader["total"] > broader["limit"] == 20  # the shipped data has 44 sectors
    assert broader["shown"] == 20 and broader["offset"] == 0 and broader["nextOffset"] == 20
    shown = [r for r in body["incoming"] if r["property"]["id"] == SKOS_BROADER]
    assert len(shown) == 20
    # Every group is listed, each with at most a page of relations.
    for group in body["groups"]:
        listed = body[group["direction"]]
        assert (
            len([r for r in listed if r["property"]["id"] == group["property"]["id"]])
            == (group["shown"])
            <= group["limit"]
        )


WITHIN_PLACE = "https://w3id.org/coop-kg/ontology#withinPlace"


def test_the_derived_index_is_counted_and_listed_only_when_paged(
    api_client: TestClient, store: Store
) -> None:
    """ck:withinPlace, ck:servesWithin and the other closures of the derived graph are an
    index for queries, not statements: the answer counts them (marked derived) but lists none
    until that group is paged; the paged group lists them as any other group."""
    body = ok(api_client, "/api/regions/world")
    derived = [g for g in body["groups"] if g["derived"]]
    incoming = next(
        g for g in derived if g["direction"] == "incoming" and g["property"]["id"] == WITHIN_PLACE
    )
    assert incoming["total"] == incoming_count(store, "world", WITHIN_PLACE) > 20
    for group in derived:
        assert group["shown"] == 0 and group["nextOffset"] == 0 < group["total"]
        listed = body[group["direction"]]
        assert not [r for r in listed if r["property"]["id"] == group["property"]["id"]]
    assert all(not g["derived"] for g in body["groups"] if g not in derived)
    assert any(g["shown"] for g in body["groups"])  # the asserted relations are listed
    page = ok(api_client, "/api/regions/world?direction=incoming&property=ck:withinPlace")
    (group,) = page["groups"]
    assert group["derived"] and group["shown"] == 20 and group["nextOffset"] == 20
    assert len(page["incoming"]) == 20


def test_paging_through_a_group_lists_each_relation_once(
    api_client: TestClient, store: Store
) -> None:
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        body = ok(
            api_client,
            "/api/themes/dac-sectors?direction=incoming&property=skos:broader"
            f"&limit=15&offset={offset}",
        )
        (group,) = body["groups"]  # only the group asked for
        assert body["outgoing"] == []
        seen.extend(r["value"]["id"] for r in body["incoming"])
        offset = group["nextOffset"]
    assert len(seen) == len(set(seen)) == incoming_count(store, "dac-sectors", SKOS_BROADER)


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"], indirect=True)
def test_a_page_carries_the_evidence_the_whole_list_has(store: Store, settings: Settings) -> None:
    """Evidence fetched for a page only is the same evidence, relation by relation. On the
    backends of the HTTP suites (tests/conftest.py, ``HTTP_BACKENDS``): this is one, with an app
    of its own for the longer deadline a busy machine needs for Japan's 17 groups."""
    app = create_app(settings.model_copy(update={"query_timeout": 120.0}), store=store)
    with TestClient(app) as api_client:
        _same_evidence(api_client)


def _same_evidence(api_client: TestClient) -> None:
    whole = ok(api_client, "/api/actors/japan?limit=1000")
    evidence = {
        (r["property"]["id"], r["value"]["id"]): (r["evidence"], r["elementEvidence"])
        for r in whole["incoming"]
    }
    assert any(quotes for quotes, _ in evidence.values())
    for group in whole["groups"]:
        if group["direction"] != "incoming":
            continue
        for offset in range(0, group["total"], 3):
            page = ok(
                api_client,
                f"/api/actors/japan?direction=incoming&property={group['property']['id']}"
                f"&limit=3&offset={offset}",
            )
            for r in page["incoming"]:
                key = (r["property"]["id"], r["value"]["id"])
                assert (r["evidence"], r["elementEvidence"]) == evidence[key]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("direction=sideways&property=skos:broader", "direction"),
        ("property=skos:broader", "direction= and property= go together"),
        ("direction=incoming", "direction= and property= go together"),
        ("offset=20", "offset pages one group"),
        ("direction=incoming&property=skos:broader&offset=-1", "offset"),
        ("direction=incoming&property=nope", "neither an IRI nor a prefixed name"),
        ("direction=incoming&property=zz:broader", "neither an IRI nor a prefixed name"),
    ],
)
def test_unusable_paging_parameters_are_a_400(
    api_client: TestClient, query: str, words: str
) -> None:
    # /id/{slug} has no limit (its RDF is never paged); it checks the group parameters.
    paths = ["/api/themes/dac-sectors"] + ([] if query.startswith("limit") else ["/id/dac-sectors"])
    for path in paths:
        response = api_client.get(f"{path}?{query}", headers={"accept": "text/turtle"})
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
        body = response.json()
        assert body["type"] in {PROBLEM_BASE + "bad-parameter", PROBLEM_BASE + "invalid-request"}
        assert words in body["detail"]


def test_the_page_shows_counts_and_links_to_further_pages(api_client: TestClient) -> None:
    first = api_client.get("/id/dac-sectors", headers={"accept": "text/html"})
    assert first.status_code == 200
    assert "1\u201320 of 44" in first.text
    link = "/id/dac-sectors?direction=incoming&amp;property=skos%3Abroader&amp;offset=20#incoming"
    assert link in first.text
    second = api_client.get(
        "/id/dac-sectors?direction=incoming&property=skos%3Abroader&offset=20",
        headers={"accept": "text/html"},
    )
    assert second.status_code == 200
    assert "21\u201340 of 44" in second.text and 'rel="prev"' in second.text
    assert "All relations of DAC sectors" in second.text
    bad = api_client.get("/id/dac-sectors?offset=20", headers={"accept": "text/html"})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("text/html")


def test_openapi_describes_the_paging(api_client: TestClient) -> None:
    schema = ok(api_client, "/openapi.json")
    route = schema["paths"]["/api/{collection}/{slug}"]["get"]
    names = {p["name"] for p in route["parameters"]}
    assert {"limit", "direction", "property", "offset"} <= names
    group = schema["components"]["schemas"]["RelationGroup"]["properties"]
    assert {"direction", "property", "total", "limit", "offset", "shown", "nextOffset"} <= set(
        group
    )
    detail = schema["components"]["schemas"]["EntityDetail"]["properties"]
    assert "groups" in detail


def test_quotes_name_their_documents_by_label(api_client: TestClient, store: Store) -> None:
    """The cited documents' labels come from the quotes' query on a SPARQL server and are read
    once per document on pyoxigraph (entity-incoming-evidence.rq's ?labelsParam): either way
    each quote on a page names its document by the label the store holds for it."""
    body = ok(api_client, "/api/actors/japan")
    cited = {
        quote["document"]["id"]: quote["document"]["label"]
        for relation in body["incoming"]
        for quote in relation["evidence"]
    }
    assert len(cited) == 2  # both seed documents are quoted on Japan's first pages
    for document, label in cited.items():
        result = store.query(f"SELECT ?label WHERE {{ <{document}> rdfs:label ?label }}")
        assert isinstance(result, SelectResult)
        assert [label] == [str(row[0]) for row in result.rows]

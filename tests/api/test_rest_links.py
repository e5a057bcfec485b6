"""Every REST answer's ``Link: rel="describedby"`` header names exactly the named queries that
computed it: checked for every route of the app (a route without a case here fails), against a
spy on ``kg.queries.used``, the one call every named query goes through when it is loaded to
run (or its kept answer reused), so a hand-kept list or a lost recording cannot pass."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

import kg.queries
from kg.queries import query_names

#: One request per REST route (several for some), on the IATI fixture beside the shipped data
#: (the fixture has activities, transactions and a pledge with deliveries).
CASES: dict[str, list[str]] = {
    "/api/search": ["/api/search?q=japan", "/api/search?q=asia&kind=region"],
    "/api/fundings": [
        "/api/fundings",
        "/api/fundings?funder=japan",
        "/api/fundings?region=southeast-asia",
        "/api/fundings?region=southeast-asia&recipient=UN%20Women",
    ],
    "/api/fundings/summary": [
        "/api/fundings/summary?by=funder",
        "/api/fundings/summary?by=region,theme&split=percentage",
        "/api/fundings/summary?by=year&funder=Japan",
    ],
    "/api/priorities": ["/api/priorities", "/api/priorities?applies_to=afghanistan"],
    "/api/activities": ["/api/activities", "/api/activities?org=jica&role=extending"],
    "/api/pledges/{slug}/delivery": [
        "/api/pledges/pledge-fixture-japan-border-management/delivery"
    ],
    "/api/deliveries": ["/api/deliveries"],
    "/api/queries": ["/api/queries"],
    "/api/queries/{name}": ["/api/queries/fundings"],
    "/api/{collection}": ["/api/actors", "/api/regions?within=asia"],
    "/api/{collection}/{slug}": ["/api/regions/thailand", "/api/actors/japan"],
}


class Spy:
    """The names passed to ``kg.queries.used`` while armed, in first-use order."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, name: str) -> None:
        with self._lock:
            if name not in self.names:
                self.names.append(name)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Spy]:
    watcher = Spy()
    real = kg.queries.used

    def used(name: str) -> None:
        watcher(name)
        real(name)

    monkeypatch.setattr(kg.queries, "used", used)
    yield watcher


def linked(response: object) -> list[str]:
    header = response.headers.get("link", "")  # type: ignore[attr-defined]
    names = []
    for part in filter(None, (p.strip() for p in header.split(","))):
        target, *params = part.split(";")
        assert 'rel="describedby"' in [p.strip() for p in params], part
        names.append(target.strip(" <>").removeprefix("/api/queries/"))
    return names


def test_every_rest_route_has_a_case(iati_client: TestClient) -> None:
    # The app's own account of its routes (FastAPI 0.165 nests included routers, so the
    # OpenAPI paths are the flat list; every REST route is documented there).
    paths = iati_client.app.openapi()["paths"]  # type: ignore[attr-defined]
    routes = {path for path in paths if path.startswith("/api/")}
    assert routes == set(CASES), "give each new /api route a case in CASES"


@pytest.mark.parametrize("url", [url for urls in CASES.values() for url in urls])
def test_link_header_names_the_queries_that_ran(
    iati_client: TestClient, spy: Spy, url: str
) -> None:
    response = iati_client.get(url)
    assert response.status_code == 200, response.text
    names = linked(response)
    assert names == spy.names
    assert set(names) <= set(query_names())
    if url.startswith("/api/queries"):  # texts shown, none run
        assert names == []
    else:
        assert names, "every other answer is computed by named queries"


def test_names_not_run_are_not_linked(iati_client: TestClient) -> None:
    """The two faults of the hand-kept lists: evidence that a summary never reads, and the
    label lookup for a name the slug lookup already settled."""
    summary = linked(iati_client.get("/api/fundings/summary?by=funder"))
    assert "funding-evidence" not in summary and "funding-totals-stored" in summary
    filtered = linked(iati_client.get("/api/fundings/summary?by=funder&type=commitment"))
    assert "funding-evidence" not in filtered and "funding-totals" in filtered
    by_slug = linked(iati_client.get("/api/fundings?funder=japan"))
    assert "resolve-id" in by_slug and "resolve-label" not in by_slug
    by_label = linked(iati_client.get("/api/fundings?funder=Government%20of%20Japan"))
    assert "resolve-label" in by_label


def test_recording_is_per_request(iati_client: TestClient) -> None:
    """A request names only its own queries, not those of the request before it."""
    iati_client.get("/api/fundings?funder=japan")
    assert "resolve-id" not in linked(iati_client.get("/api/deliveries"))

"""The response cache in front of the read routes (src/kg/api/cache.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kg.api.main import create_app
from kg.build import BuildResult
from kg.settings import Settings


@pytest.fixture
def served(settings: Settings, built: BuildResult) -> Iterator[TestClient]:
    """The app serving the session build itself, as kg serve does (the cache is on)."""
    assert built.store is not None
    with TestClient(create_app(settings)) as client:
        yield client


def test_a_repeated_read_is_answered_from_the_cache(served: TestClient) -> None:
    first = served.get("/api/actors/japan")
    again = served.get("/api/actors/japan")
    assert first.status_code == again.status_code == 200
    assert (first.headers["x-cache"], again.headers["x-cache"]) == ("miss", "hit")
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert int(again.headers["content-length"]) == len(first.content)


def test_accept_and_query_string_are_part_of_the_key(served: TestClient) -> None:
    turtle = served.get("/id/japan", headers={"accept": "text/turtle"})
    html = served.get("/id/japan", headers={"accept": "text/html"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert html.headers["content-type"].startswith("text/html")
    paged = served.get("/api/actors?limit=1")
    assert len(paged.json()["items"]) == 1
    assert len(served.get("/api/actors?limit=2").json()["items"]) == 2


def test_etag_and_if_none_match(served: TestClient) -> None:
    served.get("/api/fundings")
    hit = served.get("/api/fundings")
    etag = hit.headers["etag"]
    assert len(hit.headers.get_list("etag")) == 1
    assert served.get("/api/fundings", headers={"if-none-match": etag}).status_code == 304
    other = served.get("/api/fundings", headers={"if-none-match": '"elsewhere"'})
    assert other.status_code == 200 and other.content == hit.content


def test_errors_sparql_and_health_are_never_cached(served: TestClient) -> None:
    for url in ("/api/actors/no-such-actor", "/sparql?query=ASK%7B%7D", "/health"):
        served.get(url)
        assert served.get(url).headers.get("x-cache") != "hit", url


def test_a_write_empties_the_cache(served: TestClient) -> None:
    served.get("/api/themes")
    assert served.get("/api/themes").headers["x-cache"] == "hit"
    app = served.app
    app.state.data_changed()  # type: ignore[attr-defined]
    assert served.get("/api/themes").headers["x-cache"] == "miss"


def test_the_cache_can_be_turned_off(settings: Settings, built: BuildResult) -> None:
    off = settings.model_copy(update={"response_cache_entries": 0})
    with TestClient(create_app(off)) as client:
        client.get("/api/themes")
        assert "x-cache" not in client.get("/api/themes").headers

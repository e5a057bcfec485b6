"""REST routing does not depend on the order the routers are included in: ``/api/{collection}``
matches only the collection names, so it cannot shadow ``/api/fundings``, ``/api/queries/NAME``
or any other resource's path. Checked without a store: in many orders of ``rest.routers``
(each first and last), every request path reaches the route it was written for."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from kg.api import main
from kg.api.problems import PROBLEM_MEDIA_TYPE
from kg.api.routes import rest
from kg.api.routes.rest import entities as rest_entities
from kg.entities import COLLECTIONS
from kg.settings import Settings

#: A value for each path parameter of the REST routes.
SAMPLES = {"slug": "thailand", "name": "fundings"}


def concrete(path: str) -> list[str]:
    """Request paths for a route's path: one per collection name for ``{collection:...}``."""
    collections = list(COLLECTIONS) if "{collection" in path else [""]
    out = []
    for collection in collections:
        filled = re.sub(r"\{collection(?::[^}]*)?\}", collection, path)
        out.append(re.sub(r"\{(\w+)(?::[^}]*)?\}", lambda m: SAMPLES[m[1]], filled))
    return out


def endpoints() -> dict[str, tuple[str, Callable[..., Any]]]:
    """Request path -> (the route's path, its endpoint), for every route of ``rest.routers``."""
    out = {}
    for router in rest.routers:
        for route in router.routes:
            assert isinstance(route, APIRoute)
            for path in concrete(route.path):
                assert path not in out, f"{path} is written for two routes"
                out[path] = (route.path, route.endpoint)
    return out


def reached(app: FastAPI, path: str) -> object:
    """The endpoint the app routes a GET of ``path`` to (None: no route), read from the scope
    the router fills in. The endpoint runs without a store and may fail: that is not checked."""
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "http_version": "1.1",
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("testclient", 1),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: object) -> None:
        return None

    with contextlib.suppress(Exception):
        asyncio.run(app(scope, receive, send))
    return scope.get("endpoint")


def orders() -> list[tuple[int, ...]]:
    """Every rotation of the shipped order and of its reverse: each router comes first and
    last, before and after the collection routes."""
    ahead = list(range(len(rest.routers)))
    rotations = [tuple(ahead[i:] + ahead[:i]) for i in range(len(ahead))]
    return rotations + [tuple(reversed(order)) for order in rotations]


@pytest.mark.parametrize("order", orders(), ids=str)
def test_every_order_reaches_every_route(order: tuple[int, ...]) -> None:
    expected = endpoints()
    assert len({route for route, _ in expected.values()}) >= 11, "every REST route is checked"
    app = FastAPI()
    for i in order:
        app.include_router(rest.routers[i])
    for path, (route, endpoint) in expected.items():
        assert reached(app, path) is endpoint, f"{path} did not reach {route}"


def test_collection_routes_match_only_collections() -> None:
    app = FastAPI()
    app.include_router(rest_entities.router)
    assert reached(app, "/api/actors") is not None
    for path in ("/api/fundings", "/api/queries/fundings", "/api/fundings/summary"):
        assert reached(app, path) is None, path


@pytest.fixture(scope="module")
def client() -> TestClient:
    # No lifespan (no ``with``): a path that matches no route never reads the store.
    return TestClient(main.create_app(Settings(store="oxigraph:memory")))


@pytest.mark.parametrize("path", ["/api/donors", "/api/donors/japan", "/api/Actors"])
def test_a_path_naming_no_collection_is_a_404_listing_them(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    detail = response.json()["detail"]
    assert "no collection" in detail and all(name in detail for name in COLLECTIONS)


@pytest.mark.parametrize("path", ["/nothing/here", "/api/a/b/c"])
def test_other_unknown_paths_keep_the_plain_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Nothing here")

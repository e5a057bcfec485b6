"""GET /health: fields, the build fingerprint, and 503 when the store cannot answer."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

import kg
from kg.api.problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE
from kg.build import BuildResult, manifest_path
from kg.stores.oxigraph import OxigraphStore


def test_health_reports_the_store(
    api_client: TestClient, store: OxigraphStore, built: BuildResult
) -> None:
    response = api_client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["store_reachable"] is True
    assert body["triples"] == store.count()
    assert {g["name"]: g["triples"] for g in body["graphs"]} == {
        g: store.count(g) for g in store.graphs()
    }
    # Every backend serves the session build; its record is beside the built store.
    assert built.store is not None
    manifest = json.loads(manifest_path(built.store).read_text())
    assert body["data_version"] == manifest["fingerprint"]
    assert body["kg_version"] == kg.__version__


def test_health_without_a_build_record(tiny_store: OxigraphStore, make_app: Any) -> None:
    with TestClient(make_app(tiny_store)) as client:
        body = client.get("/health").json()
    assert body["data_version"] is None and body["triples"] == len(tiny_store.native)


class Unreachable:
    path = None
    in_process = False  # a store elsewhere: /sparql queries run in threads, not worker processes

    def graphs(self) -> list[str]:
        raise OSError("the disk went away")

    def count(self, graph: str | None = None) -> int:
        raise OSError("the disk went away")


def test_health_is_503_when_the_store_does_not_answer(make_app: Any) -> None:
    with TestClient(make_app(Unreachable())) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body = response.json()
    assert body["type"] == PROBLEM_BASE + "store-unavailable"
    assert "the disk went away" in body["detail"]

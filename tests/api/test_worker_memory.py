"""A query worker's memory is capped (KG_QUERY_WORKER_MEMORY_MB, RLIMIT_AS): a query that
grows past the cap ends with 503 and a fresh worker, and the service keeps answering."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from kg.api.query_runner import worker_memory_bytes
from kg.settings import Settings

JSON = {"Accept": "application/sparql-results+json"}


def doubling(levels: int) -> str:
    """A query whose answer is a string of 16 * 2**levels characters, each step a copy."""
    binds = " ".join(f"BIND (CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(levels))
    return f'SELECT (STRLEN(?s{levels}) AS ?n) WHERE {{ BIND ("0123456789abcdef" AS ?s0) {binds} }}'


def test_a_query_past_the_cap_is_a_503_and_the_next_one_is_answered(tiny_store: Any, make_app: Any):
    app = make_app(tiny_store, query_worker_memory_mb=512, query_timeout=60)
    with TestClient(app) as client:
        small = client.get("/sparql", params={"query": doubling(4)}, headers=JSON)
        assert small.status_code == 200, small.text
        assert small.json()["results"]["bindings"][0]["n"]["value"] == str(16 * 2**4)
        # 1 GiB of string, twice the cap: without it, the worker would simply take the memory
        huge = client.get("/sparql", params={"query": doubling(26)}, headers=JSON)
        assert huge.status_code == 503, huge.text
        assert huge.headers["content-type"].startswith("application/problem+json")
        assert "KG_QUERY_WORKER_MEMORY_MB" in huge.json()["detail"]
        after = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=JSON)
        assert after.status_code == 200 and after.json()["boolean"] is True


@pytest.mark.parametrize(
    ("configured", "workers", "expected"),
    [(0, 1, None), (256, 1, 256 * 2**20), (256, 4, 256 * 2**20)],
)
def test_the_cap_setting(configured: int, workers: int, expected: int | None):
    settings = Settings(query_worker_memory_mb=configured, query_workers=workers)
    assert worker_memory_bytes(settings) == expected


def test_by_default_the_workers_share_half_the_machine():
    one = worker_memory_bytes(Settings(query_workers=1))
    four = worker_memory_bytes(Settings(query_workers=4))
    assert one is not None and four is not None
    assert four == one // 4
    assert one > 512 * 2**20  # enough for real queries on any machine the service runs on

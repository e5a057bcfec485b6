"""`kg serve` as a user runs it: a real process on 127.0.0.1 that answers SPARQL."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from _servers import free_port

from kg.build import BuildResult
from kg.settings import Settings


@pytest.fixture()
def served(settings: Settings, built: BuildResult) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "KG_STORE": settings.store}
    process = subprocess.Popen(
        [sys.executable, "-c", "from kg.cli import app; app()", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/sparql", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"kg serve exited early: {output}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_kg_serve_answers_sparql_over_http(served: str) -> None:
    response = httpx.get(
        f"{served}/sparql",
        params={"query": "SELECT ?l WHERE { id:jica rdfs:label ?l }"},
        timeout=10,
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    values = [b["l"]["value"] for b in response.json()["results"]["bindings"]]
    assert values == ["Japan International Cooperation Agency"]

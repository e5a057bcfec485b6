"""REST routes and pages answer within KG_QUERY_TIMEOUT (src/kg/api/deadline.py): a route whose
queries hang gets a 503 at the deadline, the server keeps answering meanwhile, and the
abandoned answer runs no further query once the engine lets go."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kg.api.problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE

DEADLINE = 0.5
#: Cut within a second: one worker runs the serial tests in turn (tests/conftest.py), never two at once.
pytestmark = pytest.mark.serial


def _ask_in_background(client: TestClient, path: str, **headers: str) -> dict[str, Any]:
    """Start ``GET path`` on a thread; the dict gets ``response`` and ``seconds`` when done."""
    answer: dict[str, Any] = {}

    def ask() -> None:
        started = time.monotonic()
        answer["response"] = client.get(path, headers=headers)
        answer["seconds"] = time.monotonic() - started

    answer["thread"] = threading.Thread(target=ask)
    answer["thread"].start()
    return answer


def test_stuck_rest_answer_gets_503_at_the_deadline_while_health_answers(
    spy: Any, make_app: Any
) -> None:
    spy.gate = threading.Event()  # every query the route runs hangs until released
    with TestClient(make_app(spy, query_timeout=DEADLINE)) as client:
        slow = _ask_in_background(client, "/api/actors/japan")
        time.sleep(DEADLINE / 5)
        health_seconds = []
        while slow["thread"].is_alive() and len(health_seconds) < 20:
            started = time.monotonic()
            health = client.get("/health")
            health_seconds.append(time.monotonic() - started)
            assert health.status_code == 200, health.text
        slow["thread"].join(timeout=10)
        response = slow["response"]
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
        assert response.json()["type"] == PROBLEM_BASE + "query-timeout"
        assert response.headers["retry-after"] == "1"
        assert DEADLINE <= slow["seconds"] < DEADLINE + 1.0
        # /health answered while the route hung, each time well within the deadline.
        assert health_seconds and max(health_seconds) < DEADLINE
        # Released, the abandoned answer stops at its next query: no query is started after.
        started_queries = len(spy.calls)
        spy.gate.set()
        time.sleep(0.3)
        assert len(spy.calls) == started_queries
        # And the same route answers as usual once the engine does (the tiny data's Japan has
        # no type, so it is in no collection: a 404, not a 503).
        assert client.get("/api/actors/japan").status_code == 404


def test_stuck_page_gets_an_error_page(spy: Any, make_app: Any) -> None:
    spy.gate = threading.Event()
    with TestClient(make_app(spy, query_timeout=DEADLINE)) as client:
        slow = _ask_in_background(client, "/id/japan", accept="text/html")
        slow["thread"].join(timeout=10)
        spy.gate.set()
        response = slow["response"]
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("text/html")
        assert "KG_QUERY_TIMEOUT" in response.text


def test_fast_answers_are_untouched(spy: Any, make_app: Any) -> None:
    with TestClient(make_app(spy, query_timeout=DEADLINE)) as client:
        response = client.get("/api/actors")
        assert response.status_code == 200, response.text
        assert response.json()["items"] == []  # the tiny data has no typed entities
        assert spy.calls  # and the answer did come from the store

"""The HTML pages and their downloads page with the bounds of ``kg.api.deps`` (one ``Limit``,
one ``PageOffset``), the same ``limit`` bound as the REST API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kg.api.deps import MAX_LIMIT, MAX_PAGE_OFFSET

LIMITED = ["/fundings", "/fundings.csv", "/fundings.json", "/api/fundings", "/api/actors"]
OFFSET_BOUNDED = ["/fundings", "/fundings.csv", "/fundings.json", "/search", "/actors"]


def with_query(path: str, query: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{query}"


@pytest.mark.parametrize("path", LIMITED)
def test_limit_bounds_are_shared(client: TestClient, path: str) -> None:
    assert client.get(with_query(path, f"limit={MAX_LIMIT}")).status_code == 200
    for limit in (0, MAX_LIMIT + 1):
        assert client.get(with_query(path, f"limit={limit}")).status_code == 400, limit


@pytest.mark.parametrize("path", OFFSET_BOUNDED)
def test_page_offsets_are_bounded(client: TestClient, path: str) -> None:
    assert client.get(with_query(path, f"offset={MAX_PAGE_OFFSET}")).status_code == 200
    for offset in (-1, MAX_PAGE_OFFSET + 1):
        assert client.get(with_query(path, f"offset={offset}")).status_code == 400, offset

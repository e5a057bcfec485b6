"""Hypothesis-generated bad input for the pages' parameters: whatever a form or a hand-edited
address sends, a page never answers 5xx; a problem is an HTML page (the form again, for
/fundings) with the status of the API's problem, and blank form fields are a redirect.
Over the small made-up dataset, bounded like tests/api/test_fuzz_parameters.py."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "%", "%FF", "'", "<script>", "../../etc/passwd", "japan", "-1", "1e309", "日本"]
    ),
)
FORM = {
    name: text
    for name in (
        "funder",
        "recipient",
        "region",
        "theme",
        "year",
        "currency",
        "min_amount",
        "by",
        "offset",
        "limit",
    )
}
BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def check(response: Any, path: str) -> None:
    status = response.status_code
    assert status < 500, f"{path}: {status} {response.text[:500]}"
    if status == 303:
        assert "=&" not in response.headers["location"] + "&"  # no blank field kept
        return
    assert response.headers["content-type"] == "text/html; charset=utf-8", path
    if status >= 400:
        assert 'role="alert"' in response.text or "<h1>Not found</h1>" in response.text


@FUZZ
@given(query=st.fixed_dictionaries({}, optional=FORM))
def test_fundings(money_client: TestClient, query: dict[str, str]) -> None:
    check(
        money_client.get("/fundings", params=query, headers=BROWSER, follow_redirects=False),
        "/fundings",
    )


@FUZZ
@given(path=st.sampled_from(["/search", "/regions", "/actors", "/themes"]), q=text, within=text)
def test_lists(money_client: TestClient, path: str, q: str, within: str) -> None:
    params = {"q": q, "within": within}
    check(money_client.get(path, params=params, headers=BROWSER, follow_redirects=False), path)


@FUZZ
@given(query=text, example=st.one_of(st.none(), text))
def test_query_page(money_client: TestClient, query: str, example: str | None) -> None:
    params = {"query": query} if example is None else {"example": example}
    check(money_client.get("/query", params=params, headers=BROWSER), "/query")


@FUZZ
# "", ".", ".." and "/" lead out of /documents/{slug}, to no route at all.
@given(slug=text.filter(lambda s: s.strip(".") and "/" not in s), line=text)
def test_documents(money_client: TestClient, slug: str, line: str) -> None:
    path = "/documents/" + quote(slug, safe="")
    check(money_client.get(path, params={"line": line}, headers=BROWSER), path)

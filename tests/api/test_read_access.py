"""A private deployment (``KG_READ_ACCESS=token``): every read needs a reader's, a curator's or
the write token, by Bearer or HTTP Basic; /health stays open; a reader never writes; a revoked
token stops reading at its next request. Public (the default) needs none."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_writes import ATLANTIS, GRAPH, TOKEN, writes_app
from typer.testing import CliRunner

from kg import curators
from kg.api.read_access import token_of
from kg.cli import app as cli
from kg.stores.oxigraph import OxigraphStore

#: One read of each kind: SPARQL, REST, an entity page, an export, the dataset description.
READS = (
    "/sparql?query=ASK%20%7B%7D",
    "/api/fundings",
    "/id/japan",
    "/export?format=nquads",
    "/api/queries",
)


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    return tmp_path / "curators.json"


@pytest.fixture
def private(copy_store: OxigraphStore, tmp_path: Path, roster: Path) -> Iterator[TestClient]:
    app = writes_app(copy_store, tmp_path, curators_file=roster, read_access="token")
    with TestClient(app) as opened:
        yield opened


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_public_by_default(copy_store: OxigraphStore, tmp_path: Path) -> None:
    with TestClient(writes_app(copy_store, tmp_path)) as client:
        for url in READS:
            assert client.get(url).status_code == 200, url


def test_without_a_token_nothing_is_read(private: TestClient) -> None:
    for url in READS:
        response = private.get(url)
        assert response.status_code == 401, url
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("/problems/unauthorized")
        challenges = response.headers.get_list("www-authenticate")
        assert challenges[0].startswith("Basic ") and challenges[1].startswith("Bearer ")
    assert private.post("/sparql", data={"query": "ASK {}"}).status_code == 401
    assert private.get("/api/fundings", headers=bearer("nobody.nothing")).status_code == 401
    assert private.get("/health").status_code == 200


def test_readers_read_and_never_write(private: TestClient, roster: Path) -> None:
    reader = curators.add(roster, "rita", curators.READER)
    for url in READS:
        assert private.get(url, headers=bearer(reader)).status_code == 200, url
    basic = base64.b64encode(f"anyone:{reader}".encode()).decode()
    assert private.get("/api/fundings", headers={"Authorization": f"Basic {basic}"}).is_success
    put = private.put(
        "/graphs",
        params={"graph": GRAPH},
        content=ATLANTIS.encode(),
        headers={**bearer(reader), "Content-Type": "text/turtle"},
    )
    assert put.status_code == 403, put.text


def test_curators_and_the_write_token_read_and_write(private: TestClient, roster: Path) -> None:
    ana = curators.add(roster, "ana")
    for token in (ana, TOKEN):
        assert private.get("/api/fundings", headers=bearer(token)).status_code == 200
    put = private.put(
        "/graphs",
        params={"graph": GRAPH},
        content=ATLANTIS.encode(),
        headers={**bearer(ana), "Content-Type": "text/turtle"},
    )
    assert put.status_code == 201, put.text


def test_a_revoked_reader_stops_at_the_next_request(private: TestClient, roster: Path) -> None:
    reader = curators.add(roster, "rita", curators.READER)
    assert private.get("/api/fundings", headers=bearer(reader)).status_code == 200
    curators.revoke(roster, "rita")
    assert private.get("/api/fundings", headers=bearer(reader)).status_code == 401


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc.def", "abc.def"),
        ("bearer  abc ", "abc"),
        ("Basic " + base64.b64encode(b"u:abc").decode(), "abc"),
        ("Basic " + base64.b64encode(b"u:").decode(), None),
        ("Basic not-base64!", None),
        ("Digest abc", None),
        ("Bearer", None),
        ("", None),
    ],
)
def test_the_token_of_an_authorization_header(header: str, token: str | None) -> None:
    assert token_of(header) == token


def test_cli_adds_readers(tmp_path: Path) -> None:
    roster = tmp_path / "c.json"
    env = {"KG_CURATORS_FILE": str(roster), "KG_STORE": "oxigraph:memory"}
    runner = CliRunner()
    added = runner.invoke(cli, ["curator", "add", "rita", "--role", "reader"], env=env)
    assert added.exit_code == 0, added.output
    token = added.stdout.strip().splitlines()[-1]
    holder = curators.holder_of(roster, token)
    assert holder is not None and holder.role == "reader"
    assert curators.identify(roster, token) is None  # a reader is no curator
    assert "rita    reader" in runner.invoke(cli, ["curator", "list"], env=env).output
    wrong = runner.invoke(cli, ["curator", "add", "x1", "--role", "admin"], env=env)
    assert wrong.exit_code == 2 and "not a role" in wrong.output

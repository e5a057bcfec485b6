"""Writes by named curators: each token writes as its curator, a revoked one is refused at
once, and every committed write is in the history (GET /graphs/history, kg history), from
which `kg restore --entry` takes the state back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_writes import ATLANTIS, GRAPH, TOKEN, ask, writes_app
from typer.testing import CliRunner

from kg import curators, history
from kg.cli import app as cli
from kg.stores.oxigraph import OxigraphStore


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    return tmp_path / "curators.json"


@pytest.fixture
def server(copy_store: OxigraphStore, tmp_path: Path, roster: Path) -> Iterator[TestClient]:
    with TestClient(writes_app(copy_store, tmp_path, curators_file=roster)) as opened:
        yield opened


def put(client: TestClient, token: str, body: str = ATLANTIS) -> int:
    response = client.put(
        "/graphs",
        params={"graph": GRAPH},
        content=body.encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"},
    )
    return response.status_code


def test_each_write_is_recorded_with_its_curator(server: TestClient, roster: Path):
    ana = curators.add(roster, "ana")
    assert put(server, ana) == 201
    assert put(server, TOKEN, ATLANTIS + "id:atlantis rdfs:comment 'x'@en .\n") == 200
    page = server.get("/graphs/history").json()
    assert page["total"] == 2
    newest, oldest = page["@graph"]
    assert newest["curator"].endswith("/curator/operator")
    assert oldest["curator"].endswith("/curator/ana")
    assert oldest["type"] == "prov:Activity" and oldest["started"] <= oldest["ended"]
    assert oldest["graphs"][GRAPH] == 4 and oldest["operation"] == "put"
    # What each write took away and added: the first created the graph (4 triples), the
    # second added a comment to it.
    assert (oldest["removed"][GRAPH], oldest["added"][GRAPH]) == (0, 4)
    assert (newest["removed"][GRAPH], newest["added"][GRAPH]) == (0, 1)
    assert newest["graphs"][GRAPH] == 5
    assert page["@context"]["curator"]["@id"] == "prov:wasAssociatedWith"
    assert server.get("/graphs/history", params={"limit": 1, "offset": 1}).json()["@graph"] == [
        oldest
    ]
    page = server.get("/graphs/history", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["vary"] == "Accept"
    for shown in ("ana", "operator", "put", oldest["id"].rsplit("/", 1)[-1], "(\u22120, +4)"):
        assert shown in page.text, shown
    second = server.get("/graphs/history", params={"format": "html", "limit": 1})
    assert 'rel="next"' in second.text and "1\u20131 of 2" in second.text
    assert server.get("/graphs/history", params={"format": "xml"}).status_code == 406


def test_a_revoked_token_is_refused_at_once(server: TestClient, roster: Path):
    ana = curators.add(roster, "ana")
    curators.revoke(roster, "ana")
    assert put(server, ana) == 403
    assert not ask(server, "ASK { id:atlantis ?p ?o }")
    assert server.get("/graphs/history").json()["total"] == 0


def test_a_refused_write_leaves_no_entry(server: TestClient, roster: Path):
    ana = curators.add(roster, "ana")
    assert put(server, ana, ATLANTIS.replace("schema:Country", "ck:Contribution")) == 422
    assert history.entries(server.app.state.settings.history_path()) == []  # type: ignore[attr-defined]


def test_curators_alone_enable_writes(copy_store: OxigraphStore, tmp_path: Path, roster: Path):
    app = writes_app(copy_store, tmp_path, write_token=None, curators_file=roster)
    with TestClient(app) as client:
        assert put(client, "nobody.nothing") == 403  # writes disabled: no curator yet
        ana = curators.add(roster, "ana")
        assert put(client, ana) == 201
        assert put(client, TOKEN) == 403  # the shared token is off here


def test_cli_curators_and_history(tmp_path: Path):
    runner = CliRunner()
    roster = tmp_path / "c.json"
    env = {"KG_CURATORS_FILE": str(roster), "KG_STORE": "oxigraph:memory"}
    added = runner.invoke(cli, ["curator", "add", "ana"], env=env)
    assert added.exit_code == 0, added.output
    token = added.stdout.strip().splitlines()[-1]
    assert curators.identify(roster, token) == "ana"
    listed = runner.invoke(cli, ["curator", "list"], env=env)
    assert "ana" in listed.output and "active" in listed.output and token not in listed.output
    assert runner.invoke(cli, ["curator", "add", "ana"], env=env).exit_code == 2
    assert runner.invoke(cli, ["curator", "revoke", "ana"], env=env).exit_code == 0
    assert "revoked" in runner.invoke(cli, ["curator", "list"], env=env).output
    assert runner.invoke(cli, ["curator", "revoke", "ana"], env=env).exit_code == 2
    log = roster.with_name("c.history.jsonl")
    entry = _recorded(log, "put", 4)
    shown = runner.invoke(cli, ["history"], env=env)
    assert shown.exit_code == 0 and entry.id in shown.output and "ana" in shown.output
    assert "(4)" in shown.output  # an entry that kept no difference prints none
    _recorded(log, "update", 5, difference={GRAPH: (1, 2)})
    assert "(5, -1 +2)" in runner.invoke(cli, ["history"], env=env).output
    refused = runner.invoke(cli, ["restore", "--entry", entry.id], env=env)
    assert refused.exit_code == 2 and "kept no backup" in refused.output
    unknown = runner.invoke(cli, ["restore", "--entry", "nope"], env=env)
    assert unknown.exit_code != 0 and "no write 'nope'" in unknown.output


def _recorded(
    log: Path, operation: str, size: int, difference: dict[str, tuple[int, int]] | None = None
) -> history.Entry:
    """A write of ``GRAPH`` by ana, recorded as the API records one."""
    return history.record(
        log,
        curator="ana",
        started=history.datetime.now(history.UTC),
        operation=operation,
        graphs={GRAPH: size},
        warnings=0,
        backup=None,
        difference=difference,
    )

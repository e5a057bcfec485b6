"""Curators' writes: bearer token, validation before commit, all-or-nothing, untrusted uploads.

Valid writes run on a private copy of the build (and, per backend, add a graph and delete it
again, leaving the shared store as it was); refused writes run on every backend's shared store
and prove it unchanged by comparing canonical dumps.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kg.api.main import create_app
from kg.build import BuildResult
from kg.derive import DERIVED_GRAPH
from kg.settings import Settings
from kg.stores.base import Store
from kg.stores.oxigraph import OxigraphStore

TOKEN = "curator-token-" + "x" * 24
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TURTLE = {**AUTH, "Content-Type": "text/turtle"}
UPDATE = {**AUTH, "Content-Type": "application/sparql-update"}
GRAPH = "https://w3id.org/coop-kg/graph/curated-writes-test"
ONTOLOGY = "https://w3id.org/coop-kg/graph/ontology"
PREFIXES = """\
@prefix id: <https://w3id.org/coop-kg/id/> .
@prefix ck: <https://w3id.org/coop-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
"""
#: A new country inside an existing region: valid, and it changes the derived closure.
ATLANTIS = PREFIXES + (
    'id:atlantis a schema:Country ; rdfs:label "Atlantis"@en ; ck:iso3166Alpha2 "XA" ;\n'
    "    schema:containedInPlace id:world .\n"
)
#: A funding with nothing a funding needs.
BAD_FUNDING = PREFIXES + "id:bad-funding a ck:Contribution .\n"


def canonical_of(nquads: bytes) -> set[str]:
    """The quads of an N-Quads dump, blank nodes canonicalised (RDFC-1.0), as strings."""
    dataset = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


def assert_unchanged(store: Store, before: bytes) -> None:
    """``store`` holds the quads of the dump ``before``. The same lines prove it without
    canonicalising (0.2-0.8 s on the shipped data); a blank node relabelled by a backend
    between dumps falls back to the canonical comparison, which decides."""
    after = store.dump("nquads")
    if set(after.splitlines()) != set(before.splitlines()):
        assert canonical_of(after) == canonical_of(before)


def writes_app(store: Any, tmp_path: Path, **settings: Any) -> FastAPI:
    options: dict[str, Any] = {
        "store": "oxigraph:memory",
        "write_token": TOKEN,
        "backup_dir": tmp_path / "backups",
        **settings,
    }
    return create_app(Settings(**options), store=store)


@pytest.fixture
def writer(copy_store: OxigraphStore, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(writes_app(copy_store, tmp_path)) as opened:
        yield opened


def ask(client: TestClient, query: str) -> bool:
    response = client.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


# --- authentication -----------------------------------------------------------------------


def test_writes_are_off_without_a_configured_token(copy_store: OxigraphStore, tmp_path: Path):
    with TestClient(writes_app(copy_store, tmp_path, write_token=None)) as client:
        response = client.put("/graphs", params={"graph": GRAPH}, content=ATLANTIS, headers=TURTLE)
    assert response.status_code == 403
    assert "KG_WRITE_TOKEN" in response.json()["detail"]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Basic Zm9vOmJhcg=="}, 401),
        ({"Authorization": "Bearer"}, 401),
        ({"Authorization": "Bearer wrong-token-wrong-token"}, 403),
        ({"Authorization": f"Bearer {TOKEN}x"}, 403),
        ({"Authorization": "Bearer tökén".encode("latin-1")}, 403),
    ],
)
def test_a_write_needs_the_token(writer: TestClient, headers: dict[str, Any], status: int):
    before = writer.get("/graphs").json()
    for response in (
        writer.put("/graphs", params={"graph": GRAPH}, content=ATLANTIS, headers=headers),
        writer.post("/graphs", params={"graph": GRAPH}, content=ATLANTIS, headers=headers),
        writer.delete("/graphs", params={"graph": ONTOLOGY}, headers=headers),
        writer.post("/sparql/update", content="CLEAR ALL", headers=headers),
    ):
        assert response.status_code == status
        assert response.headers["content-type"] == "application/problem+json"
        if status == 401:
            assert response.headers["www-authenticate"].startswith("Bearer")
    assert writer.get("/graphs").json() == before


def test_short_tokens_are_refused_at_startup():
    with pytest.raises(ValueError, match="at least 16"):
        Settings(write_token="short")


# --- writes that commit -------------------------------------------------------------------


def test_put_post_delete_read_back(writer: TestClient, copy_store: OxigraphStore):
    original = copy_store.dump("nquads")
    response = writer.put("/graphs", params={"graph": GRAPH}, content=ATLANTIS, headers=TURTLE)
    assert response.status_code == 201, response.text
    summary = response.json()
    assert [g["name"] for g in summary["changed"]] == [GRAPH, DERIVED_GRAPH]
    assert summary["backup"]
    # Read back through the Graph Store Protocol, SPARQL, and the derived closure.
    turtle = writer.get("/graphs", params={"graph": GRAPH}, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and "Atlantis" in turtle.text
    assert ask(writer, 'ASK { id:atlantis rdfs:label "Atlantis"@en }')
    assert ask(writer, "ASK { id:atlantis ck:withinPlace id:world }")

    more = PREFIXES + 'id:atlantis ck:m49Code "999" .\n'
    response = writer.post("/graphs", params={"graph": GRAPH}, content=more, headers=TURTLE)
    assert response.status_code == 200, response.text
    assert not response.json()["created"]
    assert ask(writer, f'ASK {{ GRAPH <{GRAPH}> {{ id:atlantis ck:m49Code "999" }} }}')

    response = writer.put("/graphs", params={"graph": GRAPH}, content=ATLANTIS, headers=TURTLE)
    assert response.status_code == 200
    assert not ask(writer, "ASK { id:atlantis ck:m49Code ?code }")

    response = writer.delete("/graphs", params={"graph": GRAPH}, headers=AUTH)
    assert response.status_code == 200, response.text
    assert writer.get("/graphs", params={"graph": GRAPH}).status_code == 404
    assert not ask(writer, "ASK { id:atlantis ?p ?o }")
    assert_unchanged(copy_store, original)
    assert writer.delete("/graphs", params={"graph": GRAPH}, headers=AUTH).status_code == 404


def test_a_write_is_checked_for_what_it_breaks_in_other_graphs(writer: TestClient):
    """Writes validate what the changed graph reaches, not the whole store (issue 12); that
    includes nodes elsewhere that point into it: deleting the graph that makes id:atlantis a
    place leaves another graph's organisation serving a place that no longer is one."""
    other = "https://w3id.org/coop-kg/graph/curated-writes-test-2"
    serving = PREFIXES + (
        'id:atlantis-relief a ck:NonGovernmentalOrganization ; rdfs:label "Atlantis Relief"@en ;\n'
        "    schema:areaServed id:atlantis .\n"
    )
    response = writer.put("/graphs", params={"graph": GRAPH}, content=ATLANTIS, headers=TURTLE)
    assert response.status_code == 201, response.text
    response = writer.put("/graphs", params={"graph": other}, content=serving, headers=TURTLE)
    assert response.status_code == 201, response.text
    response = writer.delete("/graphs", params={"graph": GRAPH}, headers=AUTH)
    assert response.status_code == 422, response.text
    focus = {r["focus"] for r in response.json()["results"]}
    assert focus == {"https://w3id.org/coop-kg/id/atlantis-relief"}
    assert ask(writer, "ASK { id:atlantis a schema:Country }")
    # Once nothing points at it, the place may go.
    assert writer.delete("/graphs", params={"graph": other}, headers=AUTH).status_code == 200
    assert writer.delete("/graphs", params={"graph": GRAPH}, headers=AUTH).status_code == 200


def test_a_relative_iri_in_an_update_resolves_against_the_update_endpoint(writer: TestClient):
    """As a query's (test_relative_iris.py): against the IRI of /sparql/update."""
    update = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <thing> rdfs:label "A thing"@en }} }}'
    response = writer.post("/sparql/update", content=update, headers=UPDATE)
    assert response.status_code == 200, response.text
    assert ask(writer, 'ASK { <http://testserver/sparql/thing> rdfs:label "A thing"@en }')


def test_sparql_update_applies_every_operation(writer: TestClient):
    update = (
        f"INSERT DATA {{ GRAPH <{GRAPH}> {{ id:atlantis a schema:Country ; "
        'rdfs:label "Atlantis"@en ; ck:iso3166Alpha2 "XA" } } ;\n'
        f"INSERT DATA {{ GRAPH <{GRAPH}> {{ id:atlantis schema:containedInPlace id:world }} }} ;\n"
        f'DELETE {{ GRAPH ?g {{ id:atlantis rdfs:label ?l }} }} INSERT {{ GRAPH ?g {{ id:atlantis rdfs:label "New Atlantis"@en }} }}\n'
        f"WHERE {{ GRAPH ?g {{ id:atlantis rdfs:label ?l }} }}"
    )
    response = writer.post("/sparql/update", content=update, headers=UPDATE)
    assert response.status_code == 200, response.text
    assert ask(writer, 'ASK { id:atlantis rdfs:label "New Atlantis"@en }')
    assert ask(writer, "ASK { id:atlantis ck:withinPlace id:world }")
    form = {"update": f"DROP GRAPH <{GRAPH}>"}
    response = writer.post("/sparql/update", data=form, headers=AUTH)
    assert response.status_code == 200, response.text
    assert not ask(writer, "ASK { id:atlantis ?p ?o }")


def test_every_committed_write_tells_the_app(copy_store: OxigraphStore, tmp_path: Path):
    calls: list[int] = []
    app = writes_app(copy_store, tmp_path)
    with TestClient(app) as client:
        app.state.data_changed = lambda: calls.append(1)
        client.put("/graphs", params={"graph": GRAPH}, content=ATLANTIS, headers=TURTLE)
        client.put("/graphs", params={"graph": GRAPH}, content=ATLANTIS, headers=TURTLE)  # same
        client.post("/graphs", params={"graph": GRAPH}, content=BAD_FUNDING, headers=TURTLE)
        client.delete("/graphs", params={"graph": GRAPH}, headers=AUTH)
    assert len(calls) == 2  # the unchanged PUT and the refused POST changed nothing


def test_backups_are_kept_and_bounded(copy_store: OxigraphStore, tmp_path: Path):
    with TestClient(writes_app(copy_store, tmp_path, backup_keep=2)) as client:
        for _ in range(2):
            client.put("/graphs", params={"graph": GRAPH}, content=ATLANTIS, headers=TURTLE)
            client.delete("/graphs", params={"graph": GRAPH}, headers=AUTH)
    kept = sorted((tmp_path / "backups").iterdir())
    assert len(kept) == 2 and all(p.suffix == ".nq" for p in kept)
    last = OxigraphStore()
    last.native.load(path=str(kept[-1]), format=ox.RdfFormat.N_QUADS)
    assert last.count(GRAPH) == 4  # the state before the last delete


# --- refused writes leave every backend exactly as it was ---------------------------------


#: Each backend's shared store dumped before any refused write: every refusal must leave the
#: store holding these quads (dumped once per backend, not once per test).
_PRISTINE: dict[str, bytes] = {}


def pristine(backend: str, store: Store) -> bytes:
    """The N-Quads dump of the backend's shared store when first asked for in the session."""
    if backend not in _PRISTINE:
        _PRISTINE[backend] = store.dump("nquads")
    return _PRISTINE[backend]


@pytest.fixture
def on_backend(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    """The app writing to the shared store of each backend (refusals only change nothing)."""
    with TestClient(writes_app(store, tmp_path)) as opened:
        yield opened


REFUSED: list[tuple[str, dict[str, Any], int]] = [
    ("put", {"content": BAD_FUNDING, "headers": TURTLE}, 422),
    ("post", {"content": BAD_FUNDING, "headers": TURTLE}, 422),
    ("put", {"content": PREFIXES + "id:a id:b .", "headers": TURTLE}, 400),
    (
        "update",
        {
            "content": f"INSERT DATA {{ GRAPH <{GRAPH}> {{ id:x rdfs:label 'x'@en }} }} ;\n"
            "DROP GRAPH <https://w3id.org/coop-kg/graph/no-such-graph>",
            "headers": UPDATE,
        },
        400,
    ),
    (
        "update",
        {
            "content": f"INSERT DATA {{ GRAPH <{GRAPH}> {{ id:atlantis a schema:Country ; "
            'rdfs:label "Atlantis"@en ; ck:iso3166Alpha2 "XA" } } ;\n'
            f"INSERT DATA {{ GRAPH <{GRAPH}> {{ id:bad-funding a ck:Contribution }} }}",
            "headers": UPDATE,
        },
        422,
    ),
    ("update", {"content": "INSERT DATA { id:x rdfs:label 'x' }", "headers": UPDATE}, 400),
    ("update", {"content": f"CLEAR GRAPH <{ONTOLOGY}>", "headers": UPDATE}, 403),
    ("update", {"content": "DROP ALL", "headers": UPDATE}, 403),
    ("update", {"content": "LOAD <http://127.0.0.1:9/x.ttl>", "headers": UPDATE}, 400),
    (
        "update",
        {
            "content": f"INSERT {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} WHERE "
            "{ SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
            "headers": UPDATE,
        },
        400,
    ),
    ("update", {"content": "INSERT DATA { GRAPH <g> { <a> <b> <c> ", "headers": UPDATE}, 400),
]


@pytest.mark.parametrize(("operation", "request_args", "status"), REFUSED)
def test_refused_writes_change_nothing(
    on_backend: TestClient,
    backend: str,
    store: Store,
    operation: str,
    request_args: dict[str, Any],
    status: int,
):
    before = pristine(backend, store)
    if operation == "update":
        response = on_backend.post("/sparql/update", **request_args)
    else:
        response = on_backend.request(
            operation.upper(), "/graphs", params={"graph": GRAPH}, **request_args
        )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if status == 422:
        results = response.json()["results"]
        assert results and all(r["severity"] == "Violation" for r in results)
        assert "https://w3id.org/coop-kg/id/bad-funding" in {r["focus"] for r in results}
    assert_unchanged(store, before)


def test_reserved_graphs_are_not_writable(on_backend: TestClient):
    for graph in (ONTOLOGY, "https://w3id.org/coop-kg/graph/shapes", DERIVED_GRAPH):
        response = on_backend.put("/graphs", params={"graph": graph}, content="", headers=TURTLE)
        assert response.status_code == 403
        assert response.json()["type"].endswith("reserved-graph")


def test_a_write_round_trip_on_every_backend(store: Store, tmp_path: Path):
    if isinstance(store, OxigraphStore):
        # The session's pyoxigraph store is opened read-only: write to an in-memory copy of it.
        copy = OxigraphStore()
        copy.native.bulk_extend(store.native)
        store = copy
    with TestClient(writes_app(store, tmp_path)) as on_backend:
        _round_trip(on_backend, store)


def _round_trip(on_backend: TestClient, store: Store) -> None:
    before = store.dump("nquads")
    try:
        response = on_backend.put(
            "/graphs", params={"graph": GRAPH}, content=ATLANTIS, headers=TURTLE
        )
        assert response.status_code == 201, response.text
        assert ask(on_backend, "ASK { id:atlantis ck:withinPlace id:world }")
        got = on_backend.get("/graphs", params={"graph": GRAPH, "format": "ntriples"})
        assert got.status_code == 200 and got.text.count("\n") == 4
    finally:
        response = on_backend.delete("/graphs", params={"graph": GRAPH}, headers=AUTH)
    assert response.status_code == 200, response.text
    assert_unchanged(store, before)


# --- untrusted uploads --------------------------------------------------------------------


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e/">
<rdf:Description rdf:about="http://e/a"><ex:p>&b;</ex:p></rdf:Description></rdf:RDF>"""


@pytest.mark.parametrize(
    ("content_type", "body", "line", "column"),
    [
        ("text/turtle", PREFIXES.encode() + b"id:a rdfs:label 'x'@en\nid:b", 6, None),
        ("application/n-triples", b'<http://e/a> <http://e/b> "x" .\n<http://e/a> <b> .', 2, 14),
        ("application/ld+json", b'{"@id": "http://e/a",\n  "http://e/p": }', 2, None),
        ("application/rdf+xml", BILLION_LAUGHS, 2, 1),
    ],
)
def test_syntax_errors_say_where(
    writer: TestClient, content_type: str, body: bytes, line: int, column: int | None
):
    headers = {**AUTH, "Content-Type": content_type}
    response = writer.put("/graphs", params={"graph": GRAPH}, content=body, headers=headers)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["line"] == line
    if column is not None:
        assert problem["column"] == column
    assert f"line {line}" in problem["detail"]


def test_update_syntax_errors_say_where(writer: TestClient):
    update = "INSERT DATA {\n  <http://e/a> <http://e/b> }"
    response = writer.post("/sparql/update", content=update, headers=UPDATE)
    assert response.status_code == 400
    assert (response.json()["line"], response.json()["column"]) == (2, 29)


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - shared on purpose: the test reads it

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(b'{"@context": {"name": "http://schema.org/name"}}')

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def stub_server() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.hits = []
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("where", ["remote", "file", "import", "list"])
def test_json_ld_contexts_are_never_fetched(writer: TestClient, stub_server: str, where: str):
    context: object = {
        "remote": f"{stub_server}/context.jsonld",
        "file": "file:///etc/passwd",
        "import": {"@import": f"{stub_server}/context.jsonld"},
        "list": [{"x": "http://e/x"}, f"{stub_server}/context.jsonld"],
    }[where]
    import json

    body = json.dumps({"@context": context, "@id": "http://e/a", "name": "x"})
    headers = {**AUTH, "Content-Type": "application/ld+json"}
    response = writer.put("/graphs", params={"graph": GRAPH}, content=body, headers=headers)
    assert response.status_code == 400, response.text
    assert "never fetched" in response.json()["detail"]
    assert _Recorder.hits == []


def test_inline_json_ld_and_rdf_xml_are_accepted(writer: TestClient):
    jsonld = (
        '{"@context": {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}, "@id": '
        '"https://w3id.org/coop-kg/id/atlantis", "rdfs:comment": "from JSON-LD"}'
    )
    headers = {**AUTH, "Content-Type": "application/ld+json"}
    response = writer.put("/graphs", params={"graph": GRAPH}, content=jsonld, headers=headers)
    assert response.status_code == 201, response.text
    xml = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
        '<rdf:Description rdf:about="https://w3id.org/coop-kg/id/atlantis">'
        "<rdfs:comment>from RDF/XML</rdfs:comment></rdf:Description></rdf:RDF>"
    )
    headers = {**AUTH, "Content-Type": "application/rdf+xml"}
    response = writer.post("/graphs", params={"graph": GRAPH}, content=xml, headers=headers)
    assert response.status_code == 200, response.text
    assert ask(writer, 'ASK { id:atlantis rdfs:comment "from RDF/XML", "from JSON-LD" }')


def test_blank_nodes_of_two_uploads_stay_apart(writer: TestClient):
    body = '_:b0 <http://www.w3.org/2000/01/rdf-schema#comment> "one" .\n'
    headers = {**AUTH, "Content-Type": "application/n-triples"}
    writer.put("/graphs", params={"graph": GRAPH}, content=body, headers=headers)
    writer.post(
        "/graphs", params={"graph": GRAPH}, content=body.replace("one", "two"), headers=headers
    )
    assert not ask(writer, 'ASK { ?b rdfs:comment "one", "two" }')


@pytest.mark.parametrize(
    "content_type",
    ["application/trig", "application/n-quads", "text/html", "", "text/turtle; charset=latin-1"],
)
def test_unknown_media_types_get_415(writer: TestClient, content_type: str):
    headers = {**AUTH, "Content-Type": content_type}
    response = writer.put("/graphs", params={"graph": GRAPH}, content=ATLANTIS, headers=headers)
    assert response.status_code == 415, response.text
    response = writer.post("/sparql/update", content="CLEAR ALL", headers=headers)
    assert response.status_code == 415


def test_bodies_over_the_cap_get_413(copy_store: OxigraphStore, tmp_path: Path):
    with TestClient(writes_app(copy_store, tmp_path, max_upload_bytes=1000)) as client:
        big = ATLANTIS + "#" * 2000
        response = client.put("/graphs", params={"graph": GRAPH}, content=big, headers=TURTLE)
        assert response.status_code == 413
        # Without Content-Length (chunked): the cap holds while streaming.
        chunks = iter([big.encode()[:900], big.encode()[900:]])
        response = client.put("/graphs", params={"graph": GRAPH}, content=chunks, headers=TURTLE)
        assert response.status_code == 413
        response = client.post("/sparql/update", content="#" * 1001, headers=UPDATE)
        assert response.status_code == 413
        assert client.get("/graphs", params={"graph": GRAPH}).status_code == 404


def test_graph_must_be_an_absolute_iri(writer: TestClient):
    response = writer.put("/graphs", params={"graph": "not an iri"}, content="", headers=TURTLE)
    assert response.status_code == 400


# --- an on-disk store: durable, and what is served follows -------------------------------


@pytest.mark.parametrize("from_memory", [True, False])
def test_writes_to_an_on_disk_store_persist_and_are_served(
    built: BuildResult, tmp_path: Path, from_memory: bool
):
    assert built.store is not None
    path = tmp_path / "store"
    source = OxigraphStore(built.store, read_only=True)
    source.native.backup(str(path))
    source.close()
    settings = Settings(
        store=str(path),
        write_token=TOKEN,
        serve_from_memory=from_memory,
    )
    with TestClient(create_app(settings)) as client:
        response = client.put("/graphs", params={"graph": GRAPH}, content=ATLANTIS, headers=TURTLE)
        assert response.status_code == 201, response.text
        assert ask(client, "ASK { id:atlantis ck:withinPlace id:world }")
        assert client.get("/graphs", params={"graph": GRAPH}).status_code == 200
    reopened = OxigraphStore(path, read_only=True)
    try:
        assert reopened.count(GRAPH) == 4
        assert reopened.query("ASK { id:atlantis ck:withinPlace id:world }").value  # type: ignore[union-attr]
    finally:
        reopened.close()
    backups = list((tmp_path / "store.backups").iterdir())
    assert len(backups) == 1 and backups[0].is_dir()
    kept = OxigraphStore(backups[0], read_only=True)
    assert kept.count(GRAPH) == 0
    kept.close()

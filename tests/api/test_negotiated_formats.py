"""Every negotiating route picks the same format for the same request as it did before the
offered formats came from one table (``kg.export.FORMATS``): checked against the choices
recorded from the routes before that change (``data/negotiated.json``), for each route and each
``Accept`` header or ``format=`` value below.

To record anew (only when a route's choice changes on purpose, and say so in the commit):
``KG_RECORD_NEGOTIATION=1 pytest tests/api/test_negotiated_formats.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from kg._namespaces import GRAPH, ID, ONTOLOGY_GRAPH, SHAPES_GRAPH
from kg.stores.oxigraph import OxigraphStore

RECORDED = Path(__file__).parent / "data" / "negotiated.json"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
REFERENCE = str(GRAPH) + "reference"

#: The routes that negotiate, with a request each that reaches the negotiation.
ROUTES = {
    "export": "/export",
    "entity": "/id/japan",
    "ontology": "/ontology",
    "shapes": "/shapes",
    "void": "/.well-known/void",
    "sparql-description": "/sparql",
    "sparql-select": "/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 1"),
    "sparql-ask": "/sparql?query=" + quote("ASK { ?s ?p ?o }"),
    "sparql-construct": "/sparql?query=" + quote("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"),
    "graph": "/graphs?graph=" + quote(REFERENCE),
}

MEDIA_TYPES = [
    "text/turtle",
    "application/x-turtle",
    "text/n3",
    "application/n-triples",
    "application/ld+json",
    "application/json",
    "application/rdf+xml",
    "application/trig",
    "application/n-quads",
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/html",
    "application/xhtml+xml",
]
ACCEPTS = [
    None,
    "*/*",
    "text/*",
    "application/*",
    "image/png",
    *MEDIA_TYPES,
    # Ties: the route's own order decides.
    "application/rdf+xml, text/turtle",
    "application/n-quads, application/trig",
    "application/ld+json, application/n-triples",
    "application/n-triples;q=0.5, application/rdf+xml;q=0.5, application/trig;q=0.5",
    "text/csv, application/sparql-results+xml",
    "text/turtle;q=0.1, application/*;q=0.2",
    # What a browser sends.
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
]
FORMAT_VALUES = [
    "turtle", "ttl", "n3", "trig", "nquads", "nq", "n-quads", "ntriples", "nt", "n-triples",
    "jsonld", "json-ld", "json", "rdfxml", "rdf", "rdf+xml", "xml", "srj", "srx", "csv", "tsv",
    "html", "text/turtle", "application/json", "application/trig", "bogus",
]  # fmt: skip


@pytest.fixture(scope="module")
def store() -> Iterator[OxigraphStore]:
    opened = OxigraphStore()
    opened.load_nquads(
        [
            ox.Quad(
                ox.NamedNode(str(ID) + "japan"),
                LABEL,
                ox.Literal("Japan", language="en"),
                ox.NamedNode(REFERENCE),
            ),
            ox.Quad(
                ox.NamedNode(str(ONTOLOGY_GRAPH) + "#Funding"),
                LABEL,
                ox.Literal("Funding", language="en"),
                ox.NamedNode(str(ONTOLOGY_GRAPH)),
            ),
            ox.Quad(
                ox.NamedNode(str(SHAPES_GRAPH) + "#FundingShape"),
                LABEL,
                ox.Literal("Funding shape", language="en"),
                ox.NamedNode(str(SHAPES_GRAPH)),
            ),
        ]
    )
    yield opened
    opened.close()


def chosen(client: TestClient, path: str, accept: str | None, format: str | None) -> str:
    url = path if format is None else f"{path}{'&' if '?' in path else '?'}format={quote(format)}"
    response = client.get(url, headers={"Accept": accept} if accept is not None else {})
    media_type = response.headers.get("content-type", "").split(";")[0]
    return f"{response.status_code} {media_type}"


def choices(client: TestClient) -> dict[str, str]:
    out = {}
    for route, path in ROUTES.items():
        for accept in ACCEPTS:
            out[f"{route} | Accept: {accept}"] = chosen(client, path, accept, None)
        for value in FORMAT_VALUES:
            out[f"{route} | format={value}"] = chosen(client, path, None, value)
    return out


def test_every_route_negotiates_as_recorded(store: OxigraphStore, make_app: object) -> None:
    with TestClient(make_app(store)) as client:  # type: ignore[operator]
        found = choices(client)
    if os.environ.get("KG_RECORD_NEGOTIATION"):
        RECORDED.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    recorded = json.loads(RECORDED.read_text())
    assert len(recorded) == len(ROUTES) * (len(ACCEPTS) + len(FORMAT_VALUES))
    changed = {
        key: (recorded.get(key), now) for key, now in found.items() if recorded.get(key) != now
    }
    assert not changed, changed
    # The recording is not trivial: every route offers several formats, and refuses some.
    for route in ROUTES:
        answers = {v for k, v in recorded.items() if k.startswith(route + " |")}
        assert len({a for a in answers if a.startswith("200")}) >= 2, route
        assert any(not a.startswith("200") for a in answers), route

"""An entity page lists its relations in both directions through one macro
(``macros.relation_rows``): outgoing as "property", incoming as "property → this", each row
with its values."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from kg._namespaces import GRAPH, ID
from kg.stores.oxigraph import OxigraphStore

LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SUB_ORGANIZATION_OF = ox.NamedNode("http://www.w3.org/ns/org#subOrganizationOf")
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(make_app: object) -> Iterator[TestClient]:
    store = OxigraphStore()
    graph = ox.NamedNode(str(GRAPH) + "reference")
    japan, jica = ox.NamedNode(str(ID) + "japan"), ox.NamedNode(str(ID) + "jica")
    store.load_nquads(
        [
            ox.Quad(japan, LABEL, ox.Literal("Japan", language="en"), graph),
            ox.Quad(jica, LABEL, ox.Literal("JICA", language="en"), graph),
            ox.Quad(jica, SUB_ORGANIZATION_OF, japan, graph),
        ]
    )
    with TestClient(make_app(store)) as opened:  # type: ignore[operator]
        yield opened
    store.close()


def row_of(page: str, marker: str) -> str:
    start = page.index(marker)
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


def test_outgoing_relations_are_rows_with_their_values(client: TestClient) -> None:
    page = client.get("/id/jica", headers=HTML).text
    row = row_of(page, "subOrganizationOf")
    assert 'href="/id/japan"' in row and "→" not in row


def test_incoming_relations_are_rows_pointing_at_this(client: TestClient) -> None:
    page = client.get("/id/japan", headers=HTML).text
    assert "Referenced by" in page
    row = row_of(page, "subOrganizationOf")
    assert '<span aria-hidden="true">→</span> this' in row and 'href="/id/jica"' in row

"""Imported facts on the pages and in the entity model: the XML element an imported transaction
comes from, on its page and in its JSON, and the data file's own page.

The data is written by hand as docs/iati.md says an IATI import writes it (an activity, one
transaction, ck:ElementEvidence into a ck:DataFile kept in the imports folder), so these tests
need no importer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from kg import browse
from kg.api.main import create_app
from kg.derive import derive
from kg.settings import Settings
from kg.stores.oxigraph import OxigraphStore

ROOT = Path(__file__).resolve().parents[2]
BROWSER = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
STORED_AT = "ab/abcdef.xml"
XML = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
  <iati-activity default-currency="EUR">
    <iati-identifier>XX-1-ACT</iati-identifier>
    <title><narrative>A made-up activity</narrative></title>
    <transaction>
      <transaction-type code="3"/>
      <value value-date="2017-12-14">308971</value>
    </transaction>
  </iati-activity>
</iati-activities>
"""
TTL = f"""
@prefix ck: <https://w3id.org/coop-kg/ontology#> .
@prefix id: <https://w3id.org/coop-kg/id/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:japan a ck:State ; rdfs:label "Japan"@en .
id:iati-file-made-up a ck:DataFile ; rdfs:label "IATI file made-up.xml"@en ;
    dcterms:title "made-up.xml" ; ck:storedAt "{STORED_AT}" ; ck:sha256 "00" .
id:iati-xx-1-act a ck:IatiActivity ; rdfs:label "A made-up activity"@en ;
    prov:wasDerivedFrom <https://w3id.org/coop-kg/id/evidence/iati-file-made-up/activity-1> .
id:iati-xx-1-act-transaction-1 a ck:Transaction ; rdfs:label "Disbursement of XX-1-ACT"@en ;
    schema:funder id:japan ; schema:fundedItem id:iati-xx-1-act ;
    schema:amount [ a schema:MonetaryAmount ; schema:currency "EUR" ;
        schema:value 308971.0 ; ck:valueQualifier ck:Exact ] ;
    prov:wasDerivedFrom <https://w3id.org/coop-kg/id/evidence/iati-file-made-up/activity-1-transaction-1> .
<https://w3id.org/coop-kg/id/evidence/iati-file-made-up/activity-1> a ck:ElementEvidence ;
    oa:hasSource id:iati-file-made-up ; ck:line 3 ;
    oa:hasSelector [ a oa:XPathSelector ; rdf:value "/iati-activities/iati-activity[1]" ] .
<https://w3id.org/coop-kg/id/evidence/iati-file-made-up/activity-1-transaction-1> a ck:ElementEvidence ;
    oa:hasSource id:iati-file-made-up ; ck:line 6 ;
    oa:hasSelector [ a oa:XPathSelector ;
        rdf:value "/iati-activities/iati-activity[1]/transaction[1]" ] .
"""


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path]]:
    root = tmp_path_factory.mktemp("site")
    folder = root / ".kg" / "imports"
    (folder / STORED_AT).parent.mkdir(parents=True)
    (folder / STORED_AT).write_text(XML, encoding="utf-8")
    for name in ("ontology", "tests"):  # the ontology for kinds; no competency questions
        (root / name).mkdir()
    store = OxigraphStore()
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for graph, triples in (
            (
                "https://w3id.org/coop-kg/graph/ontology",
                [
                    t
                    for path in sorted((ROOT / "ontology").glob("*.ttl"))
                    for t in ox.parse(path=path, format=ox.RdfFormat.TURTLE)
                ],
            ),
            (
                "https://w3id.org/coop-kg/graph/iati-made-up",
                ox.parse(TTL, format=ox.RdfFormat.TURTLE),
            ),
        )
        for t in triples
    ]
    store.load_nquads(quads)
    derive(store)
    app = create_app(Settings(root=root, store="oxigraph:memory"), store=store)
    with TestClient(app) as client:
        yield client, folder
    store.close()


def page(client: TestClient, path: str) -> str:
    response = client.get(path, headers={"accept": BROWSER})
    assert response.status_code == 200, response.text[:1000]
    return response.text


def test_the_json_answer_names_the_element(imported: Any) -> None:
    client, _ = imported
    body = client.get("/api/initiatives/iati-xx-1-act").json()
    assert body["elementEvidence"] == [
        {
            "file": {
                "id": "https://w3id.org/coop-kg/id/iati-file-made-up",
                "slug": "iati-file-made-up",
                "label": "IATI file made-up.xml",
            },
            "xpath": "/iati-activities/iati-activity[1]",
            "line": 3,
        }
    ]
    funded = [r for r in body["incoming"] if r["property"]["id"] == "https://schema.org/fundedItem"]
    assert funded[0]["elementEvidence"][0]["line"] == 6


def test_an_imported_fact_shows_its_xml_element(imported: Any) -> None:
    client, _ = imported
    text = page(client, "/id/iati-xx-1-act-transaction-1")
    assert "From imported data files" in text
    assert (
        '<pre class="xml"><code>&lt;transaction&gt;\n  &lt;transaction-type code=&#34;3&#34;/&gt;'
        in text
    )
    assert "&lt;/transaction&gt;</code></pre>" in text
    assert 'href="/documents/iati-file-made-up?line=6#element"' in text
    # The activity's page lists the element of the transaction that funds it, for that fact.
    activity = page(client, "/id/iati-xx-1-act")
    assert 'for <a href="/id/iati-xx-1-act-transaction-1"' in activity


def test_the_data_file_page_lists_and_shows_the_cited_elements(imported: Any) -> None:
    client, _ = imported
    text = page(client, "/documents/iati-file-made-up")
    assert "2 elements" in text and '<a href="?line=6#element">6</a>' in text
    at_line = page(client, "/documents/iati-file-made-up?line=6")
    assert 'id="element"' in at_line and "&lt;value value-date=" in at_line
    assert 'href="/id/iati-xx-1-act-transaction-1"' in at_line


def test_an_element_is_read_from_the_imports_folder_only(imported: Any) -> None:
    _, folder = imported
    element = "/iati-activities/iati-activity[1]/transaction[1]"
    excerpt = browse.xml_element(folder, STORED_AT, element, 6)
    assert excerpt is not None and excerpt.complete
    assert excerpt.lines[0] == "<transaction>" and excerpt.lines[-1] == "</transaction>"
    assert browse.xml_element(folder, "../../../etc/passwd", element, 1) is None
    assert browse.xml_element(folder, "ab/missing.xml", element, 1) is None
    whole = browse.xml_element(folder, STORED_AT, "/iati-activities/iati-activity[1]", 3)
    assert whole is not None and whole.lines[-1] == "</iati-activity>"


@pytest.fixture(scope="module")
def fixture_client(iati_store: Any, make_app: Any) -> Iterator[TestClient]:
    """The shipped data with the hand-written IATI import fixture (tests/api/conftest.py)."""
    with TestClient(make_app(iati_store)) as client:
        yield client


@pytest.mark.parametrize("iati_store", ["oxigraph"], indirect=True)
def test_a_pledge_page_shows_what_delivers_it(fixture_client: TestClient) -> None:
    text = page(fixture_client, "/id/pledge-fixture-japan-border-management")
    assert "What delivers this pledge" in text
    assert 'href="/id/iati-xm-fixture-a-transaction-1"' in text
    assert '<table class="delivery">' in text
    delivery = fixture_client.get("/api/pledges/pledge-fixture-japan-border-management/delivery")
    for flow in delivery.json()["totals"]:
        assert f'<th scope="row">{flow["currency"]}</th>' in text


@pytest.mark.parametrize("iati_store", ["oxigraph"], indirect=True)
def test_places_and_organisations_list_their_activities(fixture_client: TestClient) -> None:
    activities = fixture_client.get("/api/activities", params={"limit": 1}).json()["items"]
    activity = fixture_client.get(f"/api/initiatives/{activities[0]['slug']}").json()
    place = next(
        r["value"]
        for r in activity["outgoing"]
        if r["property"]["id"] == "https://schema.org/areaServed"
    )
    text = page(fixture_client, f"/id/{place['slug']}")
    assert "Activities in this place" in text and f'href="/id/{activities[0]["slug"]}"' in text


def test_home_lists_sources_with_their_graphs(imported: Any) -> None:
    """The tables of sources on the home page (macros ``source_cell`` and ``graph_cell``): each
    row links the source's page and record, and the Turtle download of its named graph."""
    client, _ = imported
    text = client.get("/").text
    sources = text.split("<h2>Where the facts come from</h2>", 1)[1].split("<h2>", 1)[0]
    rows = re.findall(r"<tr>\n(.*?)</tr>", sources, re.DOTALL)
    assert rows
    for row in rows:
        graph = re.search(r"<code>([^<]+)</code> · <a href=\"/export\?graph=([^&]+)&", row)
        assert re.search(r'<a href="/documents/[^"]+">', row) and ">record</a>" in row, row
        assert graph and graph[1] == graph[2], row

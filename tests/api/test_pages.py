"""The HTML pages: home, entities (with their evidence quotes), ontology, shapes, stylesheet."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from rdflib import URIRef
from rdflib.namespace import OWL, RDF

from kg._namespaces import ONTOLOGY_GRAPH
from kg.describe import curie, named_graph
from kg.stores.oxigraph import OxigraphStore

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def page(client: TestClient, path: str) -> str:
    response = client.get(path, headers={"accept": BROWSER})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


def test_home_links_everywhere(api_client: TestClient) -> None:
    text = page(api_client, "/")
    for target in ("/sparql", "/docs", "/ontology", "/shapes", "/export", "/.well-known/void"):
        assert f'href="{target}"' in text
    for actor in ("japan", "unodc", "jica", "un-women"):
        assert f'href="/id/{actor}"' in text
    assert 'href="/static/style.css"' in text


def test_entity_page_shows_the_entity(api_client: TestClient) -> None:
    text = page(api_client, "/id/jica")
    assert "<h1>Japan International Cooperation Agency</h1>" in text
    assert "JICA" in text  # altLabel
    assert 'href="/ontology#ck:DevelopmentAgency"' in text
    assert "promotes gender mainstreaming" in text  # its description
    assert 'href="/id/japan"' in text  # outgoing relation, by label
    assert ">Japan</a>" in text
    assert 'href="/id/jica-project-mdt-thailand"' in text  # incoming relation
    assert 'rel="alternate" type="text/turtle" href="?format=turtle"' in text


def test_entity_page_renders_its_evidence_quotes(api_client: TestClient) -> None:
    text = page(api_client, "/id/jica")
    assert "<blockquote" in text and "JICA has been promoting “gender mainstreaming,”" in text
    assert 'href="/id/evidence/japan-gender-equality-cooperation/9345-9392"' in text
    assert "characters 9345\u20139392" in text  # an en dash
    assert 'href="/id/japan-gender-equality-cooperation"' in text  # the quoted document


def test_entity_page_quotes_the_evidence_of_fundings_it_receives(api_client: TestClient) -> None:
    """UN Women's facts are on funding nodes: their quotes show on its page, HTML-escaped."""
    text = page(api_client, "/id/un-women")
    quote = "Japan's contributions amounted to approximately US$2 million in 2013"
    assert str(escape(quote)) in text  # Japan&#39;s ...
    assert quote not in text  # the apostrophe is escaped, so the raw text never appears
    assert 'for <a href="/id/funding-japan-un-women-2013"' in text


def test_entity_page_shows_identifiers_and_same_as(api_client: TestClient) -> None:
    text = page(api_client, "/id/thailand")
    identifiers = text[text.index("<h2>Identifiers</h2>") : text.index("</dl>")]
    assert "ck:iso3166Alpha2" in identifiers and "<code>TH</code>" in identifiers
    assert 'href="http://www.wikidata.org/entity/Q869"' in identifiers


def test_entity_page_shows_blank_nodes_inline(api_client: TestClient) -> None:
    text = page(api_client, "/id/funding-japan-un-women-2013")
    amount = text[text.index("schema:amount") :]
    assert '<dl class="nested">' in amount and "USD" in amount and "2000000" in amount


def test_document_page_folds_its_text(api_client: TestClient) -> None:
    text = page(api_client, "/id/japan-unodc-2024-2026")
    assert "<details><summary>" in text and "characters)</summary>" in text


def test_ontology_page_documents_every_term(api_client: TestClient, store: OxigraphStore) -> None:
    text = page(api_client, "/ontology")
    graph = named_graph(store, str(ONTOLOGY_GRAPH))
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in graph.subjects(RDF.type, kind):
            assert f'id="{curie(term)}"' in text, term
    funding = section(text, "ck:Funding")
    assert "Money or support" in funding  # definition
    assert 'href="#schema:MonetaryGrant"' in funding  # superclass (a reused term, documented)
    assert 'href="#ck:Contribution"' in funding  # subclass
    assert "Properties with this domain" in funding and 'href="#ck:recipient"' in funding
    recipient = section(text, "ck:recipient")
    assert "Domain" in recipient and "Range" in recipient and 'href="#ck:Actor"' in recipient
    under = section(text, "ck:underFramework")
    assert "Subproperty of" in under and "dcterms:isPartOf" in under


def test_shapes_page_documents_shapes_and_messages(api_client: TestClient) -> None:
    text = page(api_client, "/shapes")
    funding = section(text, "cks:Funding")
    assert "sh:targetClass ck:Funding" in funding
    assert "<code>schema:funder</code>" in funding
    assert "A funding needs exactly one schema:funder." in funding
    evidence = section(text, "cks:Evidence")
    assert "<code>oa:hasSelector/rdf:type</code>" in evidence  # a sequence path
    assert "sh:in ( oa:TextQuoteSelector oa:TextPositionSelector )" in evidence
    sign = section(text, "cks:QuantitySign")
    assert "<pre><code>" in sign and "isNumeric" in sign  # a SPARQL constraint
    assert "Property shapes with their own targets" in text


def section(text: str, anchor: str) -> str:
    match = re.search(rf'<section class="\w+" id="{re.escape(anchor)}">(.*?)</section>', text, re.S)
    assert match, anchor
    return match.group(1)


def test_stylesheet(api_client: TestClient) -> None:
    response = api_client.get("/static/style.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert api_client.get("/static/../main.py").status_code == 404
    assert api_client.get("/static/missing.css").status_code == 404


@pytest.mark.parametrize("path", ["/id/jica", "/ontology", "/shapes", "/"])
def test_pages_are_well_formed_enough(api_client: TestClient, path: str) -> None:
    text = page(api_client, path)
    assert text.startswith("<!doctype html>") and text.rstrip().endswith("</html>")
    for tag in ("section", "table", "dl", "figure", "ul"):
        assert text.count(f"<{tag}") == text.count(f"</{tag}>"), tag


def test_autoescape_is_on(api_client: TestClient, monkeypatch: Any) -> None:
    from kg.api.routes import pages

    rendered = pages.environment().from_string("{{ value }}").render(value="<b>&</b>")
    assert rendered == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert pages.href(URIRef("https://w3id.org/coop-kg/id/japan")) == "/id/japan"

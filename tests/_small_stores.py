"""Small in-memory stores for tests that need a few entities, not the shipped build: the
ontology (for kinds and the class tree) plus a Turtle document, derived as a build derives.

``MONEY_TTL`` is the made-up funding data the REST tests (``money_client``) and the unit tests
of kg.fundings, kg.entities and kg.void share."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.derive import derive
from kg.stores.oxigraph import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_GRAPH = "https://w3id.org/coop-kg/graph/ontology"
MONEY_GRAPH = "https://example.org/graph/money"

#: Made-up fundings for what the shipped data cannot show: two currencies, places and themes
#: served through a funded initiative, an open period, two entities sharing a label.
MONEY_TTL = """
@prefix ck: <https://w3id.org/coop-kg/ontology#> .
@prefix id: <https://w3id.org/coop-kg/id/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:japan a ck:State ; rdfs:label "Japan"@en ; schema:containedInPlace id:world .
id:germany a ck:State ; rdfs:label "Germany"@en ; schema:containedInPlace id:world .
id:unodc a ck:UNEntity ; rdfs:label "United Nations Office on Drugs and Crime"@en ;
    skos:altLabel "UNODC"@en .
id:world a ck:Region ; rdfs:label "World"@en .
id:indo-pacific a ck:Region ; rdfs:label "Indo-Pacific"@en ; schema:containedInPlace id:world .
id:southeast-asia a ck:Region ; rdfs:label "Southeast Asia"@en ;
    schema:containedInPlace id:indo-pacific .
id:thailand a schema:Country ; rdfs:label "Thailand"@en ; schema:containedInPlace id:southeast-asia .
id:africa a ck:Region ; rdfs:label "Africa"@en ; schema:containedInPlace id:world .
id:kenya a schema:Country ; rdfs:label "Kenya"@en ; schema:containedInPlace id:africa .
id:crime a skos:Concept ; rdfs:label "Crime"@en .
id:drugs a skos:Concept ; rdfs:label "Drugs"@en ; skos:broader id:crime .
id:health a skos:Concept ; rdfs:label "Health"@en .
id:mekong-project a ck:Project ; rdfs:label "Mekong project"@en ;
    schema:areaServed id:thailand ; dcterms:subject id:drugs .
id:mekong-programme a ck:Programme ; rdfs:label "Mekong Project"@en .
id:doc a ck:SourceDocument ; rdfs:label "A test document"@en ;
    schema:startDate "2015"^^xsd:gYear ; schema:endDate "2021"^^xsd:gYear .

id:f-eur-1 a ck:Contribution ; rdfs:label "Germany to UNODC, 2019-2020"@en ;
    schema:funder id:germany ; ck:recipient id:unodc ;
    schema:amount [ a schema:MonetaryAmount ; schema:currency "EUR" ;
        schema:value 1000000.0 ; ck:valueQualifier ck:Exact ] ;
    schema:areaServed id:thailand ; dcterms:subject id:drugs ;
    schema:startDate "2019"^^xsd:gYear ; schema:endDate "2020"^^xsd:gYear .
id:f-eur-2 a ck:Contribution ; rdfs:label "Germany to UNODC, 2020"@en ;
    schema:funder id:germany ; ck:recipient id:unodc ;
    schema:amount [ a schema:MonetaryAmount ; schema:currency "EUR" ;
        schema:value 250000.0 ; ck:valueQualifier ck:Exact ] ;
    schema:startDate "2020"^^xsd:gYear ; schema:endDate "2020"^^xsd:gYear .
id:f-usd-1 a ck:Contribution ; rdfs:label "Japan to UNODC in Kenya, 2019"@en ;
    schema:funder id:japan ; ck:recipient id:unodc ;
    schema:amount [ a schema:MonetaryAmount ; schema:currency "USD" ;
        schema:value 2000000.0 ; ck:valueQualifier ck:Approximately ] ;
    schema:areaServed id:kenya ; dcterms:subject id:health ;
    schema:startDate "2019"^^xsd:gYear ; schema:endDate "2019"^^xsd:gYear .
id:f-usd-2 a ck:Pledge ; rdfs:label "Japan for the Mekong project, since 2018"@en ;
    schema:funder id:japan ; schema:fundedItem id:mekong-project ;
    schema:amount [ a schema:MonetaryAmount ; schema:currency "USD" ;
        schema:minValue 500000.0 ; ck:valueQualifier ck:AtLeast ] ;
    schema:startDate "2018"^^xsd:gYear ;
    prov:wasDerivedFrom <https://w3id.org/coop-kg/id/evidence/doc/0-11> .
id:f-none a ck:Funding ; rdfs:label "Japan's support to UNODC"@en ;
    schema:funder id:japan ; ck:recipient id:unodc .

<https://w3id.org/coop-kg/id/evidence/doc/0-11> a ck:Evidence ; oa:hasSource id:doc ;
    oa:hasSelector <https://example.org/selector/q>, <https://example.org/selector/p> .
<https://example.org/selector/q> a oa:TextQuoteSelector ; oa:exact "since 2018" .
<https://example.org/selector/p> a oa:TextPositionSelector ; oa:start 0 ; oa:end 11 .
"""


def small_store(turtle: str, graph: str = MONEY_GRAPH) -> OxigraphStore:
    """The ontology in its graph plus ``turtle`` in ``graph``, derived, in memory."""
    store = OxigraphStore()
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(ONTOLOGY_GRAPH))
        for path in sorted((ROOT / "ontology").glob("*.ttl"))
        for t in ox.parse(path=path, format=ox.RdfFormat.TURTLE)
    ]
    quads += [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE)
    ]
    store.load_nquads(quads)
    derive(store)
    return store

"""Data uses only terms the ontology defines or declares it reuses."""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from kg._namespaces import CK
from kg.build import Assembled
from kg.sources import Inputs


def _ontology(assembled: Assembled, inputs: Inputs) -> Graph:
    return assembled.union(inputs.graphs("ontology"))


def _data(assembled: Assembled, inputs: Inputs) -> Graph:
    structural = set(inputs.graphs("ontology")) | set(inputs.graphs("shapes"))
    return assembled.union(g for g in assembled.graphs if g not in structural)


def _declared(ontology: Graph) -> set[URIRef]:
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property}
    return {
        s
        for s, _, k in ontology.triples((None, RDF.type, None))
        if k in kinds and isinstance(s, URIRef)
    }


def test_every_predicate_in_data_is_declared(assembled: Assembled, inputs: Inputs) -> None:
    declared = _declared(_ontology(assembled, inputs))
    used = set(_data(assembled, inputs).predicates())
    assert sorted(used - declared) == []


def test_every_class_in_data_is_declared(assembled: Assembled, inputs: Inputs) -> None:
    ontology = _ontology(assembled, inputs)
    declared = _declared(ontology)
    individuals = {
        c for c in ontology.subjects(RDF.type, None) if (c, RDF.type, OWL.Class) not in ontology
    }
    used = set(_data(assembled, inputs).objects(None, RDF.type))
    assert sorted(used - declared - individuals) == []


def test_every_ck_term_has_label_and_definition(assembled: Assembled, inputs: Inputs) -> None:
    ontology = _ontology(assembled, inputs)
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(str(CK))}
    assert terms
    missing = [
        t
        for t in terms
        if (t, RDFS.label, None) not in ontology or (t, SKOS.definition, None) not in ontology
    ]
    assert missing == []


def test_every_ck_term_used_in_data_exists(assembled: Assembled, inputs: Inputs) -> None:
    ontology = _ontology(assembled, inputs)
    data = _data(assembled, inputs)
    used = {t for triple in data for t in triple if isinstance(t, URIRef) and t.startswith(str(CK))}
    assert sorted(t for t in used if (t, None, None) not in ontology) == []

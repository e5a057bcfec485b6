"""IRIs of the public modelling contract, in one place so that no module spells them twice."""

from __future__ import annotations

import re
from typing import Final

from rdflib import Namespace

BASE: Final = "https://w3id.org/coop-kg/"
CK: Final = Namespace(BASE + "ontology#")
ID: Final = Namespace(BASE + "id/")
GRAPH: Final = Namespace(BASE + "graph/")
SCHEMA: Final = Namespace("https://schema.org/")
ORG: Final = Namespace("http://www.w3.org/ns/org#")
OA: Final = Namespace("http://www.w3.org/ns/oa#")
PROV: Final = Namespace("http://www.w3.org/ns/prov#")
DCTERMS: Final = Namespace("http://purl.org/dc/terms/")

ONTOLOGY_GRAPH: Final = GRAPH["ontology"]
SHAPES_GRAPH: Final = GRAPH["shapes"]
#: An absolute IRI: a scheme, a colon and at least one character that may stand in an IRI
#: (RFC 3987; no space, control character or ``<>"{}|^`\\``). What the API and writes accept
#: as a graph or entity IRI.
ABSOLUTE_IRI: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]+")
#: The graphs only the build and ``kg.derive`` write (the contract, and the derived graph), which
#: neither an import nor a write through the API may fill.
RESERVED_GRAPHS: Final = frozenset({str(ONTOLOGY_GRAPH), str(SHAPES_GRAPH), str(GRAPH["derived"])})
REFERENCE_GRAPH: Final = GRAPH["reference"]

#: Prefixes we bind in every serialisation and accept in every query, so researchers can
#: write ``ck:`` and ``id:`` without declaring them.
PREFIXES: Final[dict[str, str]] = {
    "ck": str(CK),
    "id": str(ID),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "oa": str(OA),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}


def slug_of(iri: str) -> str | None:
    """The slug of an entity IRI, or None when the IRI is not one of ours."""
    prefix = str(ID)
    if iri.startswith(prefix):
        return iri[len(prefix) :]
    return None

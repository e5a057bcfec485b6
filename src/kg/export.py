"""Serialisation formats we export, with their media types and file extensions.

One table serves the CLI, the HTTP export and content negotiation, so a format added here is
available everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pyoxigraph as ox

from kg._namespaces import PREFIXES
from kg.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class Format:
    """An RDF serialisation: its CLI name, pyoxigraph format and whether it holds graphs."""

    name: str
    rdf_format: ox.RdfFormat
    media_type: str
    extension: str
    rdflib_name: str

    @property
    def supports_datasets(self) -> bool:
        return bool(self.rdf_format.supports_datasets)


FORMATS: Final[dict[str, Format]] = {
    f.name: f
    for f in (
        Format("turtle", ox.RdfFormat.TURTLE, "text/turtle", "ttl", "turtle"),
        Format("trig", ox.RdfFormat.TRIG, "application/trig", "trig", "trig"),
        Format("nquads", ox.RdfFormat.N_QUADS, "application/n-quads", "nq", "nquads"),
        Format("ntriples", ox.RdfFormat.N_TRIPLES, "application/n-triples", "nt", "nt"),
        Format("jsonld", ox.RdfFormat.JSON_LD, "application/ld+json", "jsonld", "json-ld"),
        Format("rdfxml", ox.RdfFormat.RDF_XML, "application/rdf+xml", "rdf", "xml"),
    )
}


def get_format(name: str) -> Format:
    """The format called ``name``, or an error listing the ones we have."""
    try:
        return FORMATS[name.lower()]
    except KeyError:
        raise ConfigurationError(
            f"unknown format {name!r}; use one of: {', '.join(FORMATS)}"
        ) from None


def serialize_quads(quads: Sequence[ox.Quad], fmt: Format, *, whole: bool) -> bytes:
    """``quads`` in ``fmt``: with their graphs when ``whole`` (the dataset) and the format holds
    graphs; otherwise (one graph, or a triple format) their triples once each, which for the
    dataset is the union of the named graphs. Stores that gather quads themselves dump
    through this, so every backend writes the same thing."""
    if fmt.supports_datasets and whole:
        data = ox.serialize(quads, format=fmt.rdf_format, prefixes=PREFIXES)
    else:
        triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
        data = ox.serialize(triples, format=fmt.rdf_format, prefixes=PREFIXES)
    return bytes(data or b"")

"""The formats we write, with their media types, file extensions and the names clients use:
RDF serialisations (``FORMATS``) and SPARQL result formats (``RESULT_FORMATS``).

One table serves the CLI, the HTTP export, the query results, content negotiation (every route's
offers are built from it, ``kg.api.negotiation.offers``), the VoID distributions and the SPARQL
service description, so a format added here is available everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pyoxigraph as ox

from kg._namespaces import PREFIXES
from kg.errors import ConfigurationError

#: W3C's IRIs for formats (``w3c`` names one under it), for the SPARQL service description.
W3C_FORMATS: Final = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True, slots=True)
class MediaFormat:
    """A format a response can be written in.

    ``name`` is its ``format=`` value and CLI name, ``media_type`` what a response in it says it
    is; ``aliases`` are other ``format=`` values clients send (SPARQLWrapper's among them) and
    ``also`` other media types that ask for it. ``w3c`` names it under ``W3C_FORMATS``.
    """

    name: str
    media_type: str
    w3c: str
    aliases: tuple[str, ...]
    also: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Format(MediaFormat):
    """An RDF serialisation: its pyoxigraph format, file extension and rdflib name.

    ``rank`` orders the RDF answers of a route when ``Accept`` leaves the choice open (no
    header, ``*/*``, a tie): Turtle, the readable one, first; the dataset formats last.
    """

    rdf_format: ox.RdfFormat
    extension: str
    rdflib_name: str
    rank: int

    @property
    def supports_datasets(self) -> bool:
        return bool(self.rdf_format.supports_datasets)


@dataclass(frozen=True, slots=True)
class ResultFormat(MediaFormat):
    """A SPARQL result format, written by rdflib's ``serializer`` (None: by ``kg.results``);
    ``boolean`` when it has a form for an ASK answer (CSV and TSV have none)."""

    serializer: str | None
    boolean: bool


# One row a format; the columns are the fields of its class, in order.
# fmt: off
#: The RDF formats, in the order the CLI, /export and VoID list them.
FORMATS: Final[dict[str, Format]] = {f.name: f for f in (
    #      name        media_type               w3c          aliases                        also                                 rdf_format              ext       rdflib     rank
    Format("turtle",   "text/turtle",           "Turtle",    ("ttl", "n3"),                 ("application/x-turtle", "text/n3"), ox.RdfFormat.TURTLE,    "ttl",    "turtle",  0),
    Format("trig",     "application/trig",      "TriG",      (),                            (),                                  ox.RdfFormat.TRIG,      "trig",   "trig",    4),
    Format("nquads",   "application/n-quads",   "N-Quads",   ("nq", "n-quads"),             (),                                  ox.RdfFormat.N_QUADS,   "nq",     "nquads",  5),
    Format("ntriples", "application/n-triples", "N-Triples", ("nt", "n-triples"),           (),                                  ox.RdfFormat.N_TRIPLES, "nt",     "nt",      1),
    Format("jsonld",   "application/ld+json",   "JSON-LD",   ("json-ld", "json"),           ("application/json",),               ox.RdfFormat.JSON_LD,   "jsonld", "json-ld", 2),
    Format("rdfxml",   "application/rdf+xml",   "RDF_XML",   ("rdf", "rdf+xml", "xml"),     (),                                  ox.RdfFormat.RDF_XML,   "rdf",    "xml",     3),
)}

#: The SPARQL result formats for SELECT (all) and ASK (the ``boolean`` ones), in the order a
#: route offers them.
RESULT_FORMATS: Final[dict[str, ResultFormat]] = {f.name: f for f in (
    #            name    media_type                         w3c                    aliases   also                   serializer boolean
    ResultFormat("json", "application/sparql-results+json", "SPARQL_Results_JSON", ("srj",), ("application/json",), "json",    True),
    ResultFormat("xml",  "application/sparql-results+xml",  "SPARQL_Results_XML",  ("srx",), (),                    "xml",     True),
    ResultFormat("csv",  "text/csv",                        "SPARQL_Results_CSV",  (),       (),                    "csv",     False),
    ResultFormat("tsv",  "text/tab-separated-values",       "SPARQL_Results_TSV",  (),       (),                    None,      False),
)}
# fmt: on

#: The RDF formats in ``rank`` order: what a route that answers RDF offers.
RDF_ANSWERS: Final[tuple[Format, ...]] = tuple(sorted(FORMATS.values(), key=lambda f: f.rank))


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

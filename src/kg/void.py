"""The VoID and DCAT description of the dataset that ``/.well-known/void`` serves.

Counts come from the store at request time (``queries/stats-graphs.rq``, ``void-*.rq``), so
the description never disagrees with the data. ``void:triples`` of the dataset is the number
of quads in it, the sum over its named graphs; a triple stated in two graphs counts twice, as
it does in the TriG and N-Quads dumps (the triple-format dumps of the whole dataset hold the
union, where it counts once).

Endpoint and dump URLs depend on where the API is served, so callers pass ``base_url``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

import pyoxigraph as ox
from rdflib import Literal

from kg._namespaces import BASE, GRAPH, ID, PREFIXES
from kg.errors import QueryError
from kg.export import FORMATS, Format, get_format
from kg.queries import load_query
from kg.stores.base import SelectResult, Store, Term

VOID: Final = "http://rdfs.org/ns/void#"
DCAT: Final = "http://www.w3.org/ns/dcat#"
DCTERMS: Final = PREFIXES["dcterms"]
RDF_TYPE: Final = ox.NamedNode(PREFIXES["rdf"] + "type")
#: Prefixes of the VoID document: the data's, plus VoID's and DCAT's.
VOID_PREFIXES: Final[dict[str, str]] = {**PREFIXES, "void": VOID, "dcat": DCAT}

DATASET: Final = BASE
LICENSE: Final = "https://creativecommons.org/licenses/by/4.0/"
TITLE: Final = "coop-kg: who funds what where in international cooperation"
DESCRIPTION: Final = (
    "A knowledge graph of actors, initiatives, regions, themes, fundings, targets, priorities "
    "and events in international cooperation, curated by hand from public policy documents; "
    "every fact cites a verbatim quote with its character offsets in the source's stored text."
)
VOCABULARIES: Final = ("ck", "schema", "org", "prov", "oa", "skos", "dcterms")
EXAMPLES: Final = ("japan", "unodc", "jica", "funding-japan-un-women-2013")
#: What the graphs that do not come from one source document hold (docs/modelling.md).
GRAPH_TITLES: Final = {
    "ontology": "The coop-kg ontology and the standard terms it reuses",
    "shapes": "The SHACL shapes the data is validated against",
    "reference": "Regions, themes, and the actors and initiatives both sources mention",
}


@dataclass(frozen=True, slots=True)
class SourceDocument:
    graph: str
    iri: str
    title: Literal | None
    issued: Literal | None


def graph_slug(graph: str) -> str:
    """``reference`` for ``…/graph/reference``; other IRIs stay whole."""
    return graph.removeprefix(str(GRAPH))


def export_url(base_url: str, fmt: Format, graph: str | None = None) -> str:
    params = {"format": fmt.name} | ({"graph": graph_slug(graph)} if graph else {})
    return f"{base_url}/export?{urlencode(params)}"


def void_triples(store: Store, *, base_url: str) -> list[ox.Triple]:
    """The VoID + DCAT description of the store's dataset as served from ``base_url``."""
    base_url = base_url.rstrip("/")
    out: list[ox.Triple] = []
    dataset = ox.NamedNode(DATASET)

    def add(
        s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    def text(value: str) -> ox.Literal:
        return ox.Literal(value, language="en")

    def integer(value: int) -> ox.Literal:
        return ox.Literal(str(value), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))

    counts = {str(row["graph"]): _int(row["triples"]) for row in _select(store, "stats-graphs")}
    documents = [
        SourceDocument(
            str(row["graph"]),
            str(row["document"]),
            row.get("title"),  # type: ignore[arg-type]
            row.get("issued"),  # type: ignore[arg-type]
        )
        for row in _select(store, "void-documents")
    ]
    totals = next(iter(_select(store, "void-totals")), {})
    classes = [(str(row["class"]), _int(row["entities"])) for row in _select(store, "void-classes")]

    add(dataset, RDF_TYPE.value, ox.NamedNode(VOID + "Dataset"))
    add(dataset, RDF_TYPE.value, ox.NamedNode(DCAT + "Dataset"))
    add(dataset, DCTERMS + "title", text(TITLE))
    add(dataset, DCTERMS + "description", text(DESCRIPTION))
    add(dataset, DCTERMS + "license", ox.NamedNode(LICENSE))
    add(dataset, DCAT + "landingPage", ox.NamedNode(base_url + "/"))
    add(dataset, VOID + "sparqlEndpoint", ox.NamedNode(base_url + "/sparql"))
    add(dataset, VOID + "uriSpace", ox.Literal(str(ID)))
    for prefix in VOCABULARIES:
        add(dataset, VOID + "vocabulary", ox.NamedNode(PREFIXES[prefix]))
    for slug in EXAMPLES:
        add(dataset, VOID + "exampleResource", ox.NamedNode(ID[slug]))
    add(dataset, VOID + "triples", integer(sum(counts.values())))
    for key, predicate in (
        ("subjects", "distinctSubjects"),
        ("properties", "properties"),
        ("objects", "distinctObjects"),
    ):
        if key in totals:
            add(dataset, VOID + predicate, integer(_int(totals[key])))
    add(dataset, VOID + "classes", integer(len(classes)))
    for cls, entities in classes:
        partition = ox.BlankNode()
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", ox.NamedNode(cls))
        add(partition, VOID + "entities", integer(entities))

    for fmt in FORMATS.values():
        url = ox.NamedNode(export_url(base_url, fmt))
        add(dataset, VOID + "dataDump", url)
        distribution = ox.BlankNode()
        what = "all named graphs" if fmt.supports_datasets else "the union of all named graphs"
        add(dataset, DCAT + "distribution", distribution)
        add(distribution, RDF_TYPE.value, ox.NamedNode(DCAT + "Distribution"))
        add(distribution, DCTERMS + "title", text(f"coop-kg as {_format_title(fmt)} ({what})"))
        add(distribution, DCAT + "downloadURL", url)
        add(distribution, DCAT + "accessURL", url)
        add(distribution, DCAT + "mediaType", _media_type(fmt))
        add(distribution, DCTERMS + "license", ox.NamedNode(LICENSE))
    endpoint = ox.NamedNode(base_url + "/sparql")
    service, sparql_distribution = ox.BlankNode(), ox.BlankNode()
    add(dataset, DCAT + "distribution", sparql_distribution)
    add(sparql_distribution, RDF_TYPE.value, ox.NamedNode(DCAT + "Distribution"))
    add(sparql_distribution, DCTERMS + "title", text("coop-kg SPARQL 1.1 endpoint"))
    add(sparql_distribution, DCAT + "accessURL", endpoint)
    add(sparql_distribution, DCAT + "accessService", service)
    add(service, RDF_TYPE.value, ox.NamedNode(DCAT + "DataService"))
    add(service, DCAT + "endpointURL", endpoint)
    add(service, DCAT + "servesDataset", dataset)
    add(service, DCTERMS + "conformsTo", ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/"))

    by_graph: dict[str, list[SourceDocument]] = {}
    for document in documents:
        by_graph.setdefault(document.graph, []).append(document)
    for graph, triples in sorted(counts.items()):
        subset = ox.NamedNode(graph)
        add(dataset, VOID + "subset", subset)
        add(subset, RDF_TYPE.value, ox.NamedNode(VOID + "Dataset"))
        add(subset, VOID + "triples", integer(triples))
        title = GRAPH_TITLES.get(graph_slug(graph))
        for document in by_graph.get(graph, []):
            add(subset, DCTERMS + "source", ox.NamedNode(document.iri))
            add(subset, PREFIXES["ck"] + "document", ox.NamedNode(document.iri))
            if document.title is not None:
                title = f"Curated from: {document.title}"
        if title is not None:
            add(subset, DCTERMS + "title", text(title))
        for fmt in FORMATS.values():
            add(subset, VOID + "dataDump", ox.NamedNode(export_url(base_url, fmt, graph)))

    for document in documents:
        node = ox.NamedNode(document.iri)
        add(dataset, DCTERMS + "source", node)
        add(node, RDF_TYPE.value, ox.NamedNode(PREFIXES["ck"] + "SourceDocument"))
        for predicate, value in (("title", document.title), ("issued", document.issued)):
            if value is not None:
                add(node, DCTERMS + predicate, _literal(value))
    # The dataset's own statements first, then named resources, then blank nodes: Turtle
    # writers group consecutive triples by subject, so this reads top-down.
    return sorted(dict.fromkeys(out), key=lambda t: _rank(t.subject, dataset))


def _rank(subject: object, dataset: ox.NamedNode) -> int:
    if subject == dataset:
        return 0
    return 2 if isinstance(subject, ox.BlankNode) else 1


def serialize_void(triples: list[ox.Triple], format: str) -> bytes:
    """The description in ``format`` (a key of ``kg.export.FORMATS``), with VoID's prefixes."""
    fmt = get_format(format)
    return bytes(ox.serialize(triples, format=fmt.rdf_format, prefixes=VOID_PREFIXES) or b"")


def _select(store: Store, name: str) -> list[dict[str, Term]]:
    result = store.query(load_query(name))
    if not isinstance(result, SelectResult):
        raise QueryError(f"{name}.rq must be a SELECT query")
    return list(result.dicts())


def _int(term: Term | None) -> int:
    return int(term) if isinstance(term, Literal) else 0


def _literal(term: Literal) -> ox.Literal:
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _media_type(fmt: Format) -> ox.NamedNode:
    return ox.NamedNode("https://www.iana.org/assignments/media-types/" + fmt.media_type)


def _format_title(fmt: Format) -> str:
    return {
        "turtle": "Turtle",
        "trig": "TriG",
        "nquads": "N-Quads",
        "ntriples": "N-Triples",
        "jsonld": "JSON-LD",
        "rdfxml": "RDF/XML",
    }.get(fmt.name, fmt.name)

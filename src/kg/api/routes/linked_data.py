"""Dereferenceable IRIs: entities at ``/id/{slug}``, the ontology, the shapes, the VoID file.

Each resource is one URL with content negotiation (``Accept`` with q-values, or
``format=``; responses say ``Vary: Accept``): HTML for browsers, RDF for everyone else, and
Turtle when the client does not say. An entity's RDF is its concise bounded description (own
triples, blank nodes, evidence and selectors) plus every triple pointing at it and the labels
of what it links to, from two named queries (``kg.describe``). Its page is built from the
entity model the JSON answer gives (``kg.entities.describe``, arranged by
``kg.api.routes.pages.entity_view``), so the two never say different things.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from kg._namespaces import ID, ONTOLOGY_GRAPH, SHAPES_GRAPH
from kg.api.deps import KindMapDep, SettingsDep, StoreDep, hubs
from kg.api.negotiation import HTML, Offer, negotiate
from kg.api.problems import Problem, problem_responses
from kg.api.routes.pages import HTML_EXAMPLE, entity_page, imports_folder, render, void_view
from kg.api.sparql_eval import GRAPH_OFFERS
from kg.describe import describe, named_graph, ontology_doc, shapes_doc
from kg.entities import GroupPage
from kg.errors import NotFoundError
from kg.results import serialize_triples
from kg.void import serialize_void, void_triples

router = APIRouter(tags=["Linked data"])

#: Turtle first: it is what a client that states no preference gets. Browsers ask for HTML.
PAGE_OFFERS: Final = (GRAPH_OFFERS[0], HTML, *GRAPH_OFFERS[1:])
#: VoID is RDF first (clients that say nothing get Turtle); browsers get a page to read.
VOID_OFFERS: Final = (*GRAPH_OFFERS, HTML)
VARY: Final = {"Vary": "Accept"}
# Slugs are lowercase words joined by hyphens; evidence adds /{doc}/{start}-{end}.
_SLUG: Final = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*(?:/[a-z0-9]+(?:[-.][a-z0-9]+)*)*")


def _format_help(offers: tuple[Offer, ...]) -> str:
    return (
        "Overrides `Accept`: " + ", ".join(o.name for o in offers) + " (or a media type), for "
        "browsers and clients that cannot set headers."
    )


FormatParam = Annotated[
    str | None, Query(description=_format_help(PAGE_OFFERS), examples=["turtle"])
]
RdfFormatParam = Annotated[
    str | None, Query(description=_format_help(VOID_OFFERS), examples=["turtle"])
]

_ENTITY_TURTLE: Final = """\
id:jica a ck:DevelopmentAgency ;
    rdfs:label "Japan International Cooperation Agency"@en ;
    skos:altLabel "JICA"@en ;
    org:subOrganizationOf id:japan ;
    prov:wasDerivedFrom <https://w3id.org/coop-kg/id/evidence/japan-gender-equality-cooperation/9345-9392> .
<https://w3id.org/coop-kg/id/evidence/japan-gender-equality-cooperation/9345-9392#quote>
    oa:exact "JICA has been promoting “gender mainstreaming,”" .
id:japan rdfs:label "Japan"@en .
"""


def _content(turtle_example: str, *, html: bool = True) -> dict[str, Any]:
    content: dict[str, Any] = {GRAPH_OFFERS[0].media_type: {"example": turtle_example}}
    if html:
        content["text/html"] = {"example": HTML_EXAMPLE}
    for offer in GRAPH_OFFERS[1:]:
        content[offer.media_type] = {}
    return content


def _rdf_response(body: bytes, offer: Offer) -> Response:
    return Response(body, media_type=offer.media_type, headers=VARY)


def _formats(format: str | None) -> list[str]:
    return [format] if format else []


@router.get(
    "/id/{slug:path}",
    name="entity",
    summary="Dereference an entity IRI",
    description="The resource `https://w3id.org/coop-kg/id/{slug}`, including evidence "
    "(`evidence/{doc}/{start}-{end}`). HTML for browsers: label, types, description, "
    "identifiers, sameAs links, every outgoing and incoming relation with links, and the "
    "evidence quotes with their documents and offsets (its own and those of the fundings, "
    "priorities, memberships, targets and commitments it takes part in). RDF otherwise "
    "(Turtle when `Accept` says nothing): the concise bounded description (its triples, those "
    "of its blank nodes such as `schema:amount`, its evidence and their selectors), every "
    "triple pointing at it, and the `rdfs:label` of every IRI either links to; the RDF is "
    "complete, never paged, so linked-data clients see every statement. The HTML page shows "
    "each group of relations with its count and its first page, and links to the others "
    "(`direction`, `property`, `offset`, as on `/api/{collection}/{slug}`). Queries: "
    "`ld-describe.rq`, `ld-context.rq`; HTML comes from the entity model of "
    "`/api/{collection}/{slug}` (`entity*.rq`).",
    response_class=Response,
    responses={
        200: {"description": "The entity.", "content": _content(_ENTITY_TURTLE)},
        **problem_responses(400, 404, 406),
    },
)
def entity(
    request: Request,
    slug: str,
    store: StoreDep,
    settings: SettingsDep,
    kinds_of: KindMapDep,
    format: FormatParam = None,
    direction: Annotated[
        Literal["outgoing", "incoming"] | None,
        Query(description="HTML only, with `property`: show one group of relations from `offset`."),
    ] = None,
    property: Annotated[
        str | None,
        Query(
            min_length=1,
            description="HTML only, with `direction`: the property of the group to page, an IRI "
            "or a prefixed name such as `ck:servesWithin`.",
        ),
    ] = None,
    offset: Annotated[
        int, Query(ge=0, description="HTML only, with `direction` and `property`.")
    ] = 0,
) -> Response:
    offer = negotiate(
        request.headers.get("accept"), PAGE_OFFERS, _formats(format), what=f"/id/{slug}"
    )
    if offer is HTML:
        request.state.page = True  # a bad paging parameter is shown as a page
    # Checked for every format, so a bad value is a 400 whatever the client asked for.
    group_page = GroupPage.parse(direction, property, offset)
    iri = str(ID) + slug
    valid = _SLUG.fullmatch(slug) is not None
    detail = (
        f"There is no entity {iri} in the graph. Slugs are lowercase words joined by "
        "hyphens, such as japan or un-women; /api/search?q= finds one by name."
    )
    if offer is HTML:
        # The page reads the entity model of the JSON answer (kg.entities), not the triples.
        try:
            if valid:
                return entity_page(
                    store,
                    kinds_of,
                    iri,
                    imports=imports_folder(settings),
                    group_page=group_page,
                    hubs=hubs(request, store),
                    headers=VARY,
                    alternates=GRAPH_OFFERS,
                )
        except NotFoundError:
            pass
        return render("not_found.html", status_code=404, headers=VARY, detail=detail)
    description = describe(store, iri) if valid else None
    if description is None or not description.found:
        raise Problem(404, detail, type_="unknown-entity", title="Unknown entity", headers=VARY)
    return _rdf_response(serialize_triples(description.graph(), offer.name), offer)


@router.get(
    "/ontology",
    summary="The ontology",
    description="HTML documentation of every class (label, definition, superclasses, "
    "subclasses, properties whose domain it is), property (label, definition, domain, range, "
    "superproperty) and individual, or the ontology graph in an RDF format (Turtle when "
    "`Accept` says nothing).",
    response_class=Response,
    responses={
        200: {
            "description": "The ontology.",
            "content": _content(
                'ck:Funding a owl:Class ;\n    rdfs:label "Funding"@en ;\n'
                "    rdfs:subClassOf schema:MonetaryGrant, prov:Entity .\n"
            ),
        },
        **problem_responses(406),
    },
)
def ontology(request: Request, store: StoreDep, format: FormatParam = None) -> Response:
    offer = negotiate(
        request.headers.get("accept"), PAGE_OFFERS, _formats(format), what="/ontology"
    )
    if offer is HTML:
        doc = ontology_doc(named_graph(store, str(ONTOLOGY_GRAPH)))
        documented = {t.iri for t in (*doc.classes, *doc.properties, *doc.individuals)}
        return render(
            "ontology.html", headers=VARY, doc=doc, documented=documented, alternates=GRAPH_OFFERS
        )
    return _rdf_response(store.dump(offer.name, str(ONTOLOGY_GRAPH)), offer)


@router.get(
    "/shapes",
    summary="The SHACL shapes",
    description="HTML documentation of every node shape (targets, constraints, property "
    "constraints with their messages and severities, SPARQL constraints) and every property "
    "shape with targets of its own, or the shapes graph in an RDF format (Turtle when "
    "`Accept` says nothing).",
    response_class=Response,
    responses={
        200: {
            "description": "The shapes.",
            "content": _content(
                "cks:Funding a sh:NodeShape ;\n    sh:targetClass ck:Funding ;\n"
                "    sh:property cks:NeedsEvidence, cks:Funding-funder, cks:Funding-amount .\n"
            ),
        },
        **problem_responses(406),
    },
)
def shapes(request: Request, store: StoreDep, format: FormatParam = None) -> Response:
    offer = negotiate(request.headers.get("accept"), PAGE_OFFERS, _formats(format), what="/shapes")
    if offer is HTML:
        doc = shapes_doc(named_graph(store, str(SHAPES_GRAPH)))
        return render("shapes.html", headers=VARY, doc=doc, alternates=GRAPH_OFFERS)
    return _rdf_response(store.dump(offer.name, str(SHAPES_GRAPH)), offer)


@router.get(
    "/.well-known/void",
    summary="VoID and DCAT description of the dataset",
    description="The dataset as `void:Dataset` and `dcat:Dataset`: title, description, licence "
    "(CC BY 4.0), SPARQL endpoint, a `void:dataDump` and `dcat:Distribution` per export "
    "format, triple count, class partitions, one `void:subset` per named graph with its "
    "triples and source document, and the source documents. Turtle unless `Accept` asks for "
    "another RDF format; a page to read for browsers.",
    response_class=Response,
    responses={
        200: {
            "description": "The description.",
            "content": _content(
                "<https://w3id.org/coop-kg/> a void:Dataset, dcat:Dataset ;\n"
                "    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;\n"
                "    void:sparqlEndpoint <http://127.0.0.1:8000/sparql> ;\n"
                "    void:triples 6049 .\n",
            ),
        },
        **problem_responses(406),
    },
)
def void(request: Request, store: StoreDep, format: RdfFormatParam = None) -> Response:
    offer = negotiate(
        request.headers.get("accept"), VOID_OFFERS, _formats(format), what="the VoID description"
    )
    base_url = str(request.base_url).rstrip("/")
    triples = void_triples(store, base_url=base_url)
    if offer is HTML:
        return render("void.html", headers=VARY, void=void_view(triples), alternates=GRAPH_OFFERS)
    return _rdf_response(serialize_void(triples, offer.name), offer)

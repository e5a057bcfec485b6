"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: read-only, bounded in size and time.

The hot path is deliberately short: a regex scan refuses updates, SERVICE and LOAD
(``kg.sparql_guard``), content negotiation picks the format from the query form the scan saw,
the client's query-time budget is checked (``kg.api.ratelimit``), and ``evaluate`` runs in a query
worker process that the deadline kills (``kg.api.query_runner``): it queries, truncates to the row
and byte caps and serialises once, so the server process only passes bytes on. Nothing here
parses the query; the engine does that, and its syntax errors come back as 400.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from kg import sparql_guard
from kg._namespaces import ABSOLUTE_IRI
from kg._no_fetch import check_query
from kg.api.deps import (
    QueryBudgetDep,
    QueryRunnerDep,
    SettingsDep,
    StoreDep,
    read_capped,
)
from kg.api.negotiation import HTML, negotiate
from kg.api.problems import Problem, problem_responses
from kg.api.ratelimit import client_of
from kg.api.sparql_eval import (
    GRAPH_OFFERS,
    OFFERS_BY_FORM,
    SELECT_OFFERS,
    QueryAnswer,
    QueryJob,
    evaluate,
)
from kg.api.sparql_protocol import (
    FORM_MEDIA_TYPE,
    QUERY_MEDIA_TYPE,
    ProtocolRequest,
    read_post,
    url_params,
    with_base,
)
from kg.export import RDF_ANSWERS, RESULT_FORMATS, W3C_FORMATS
from kg.results import serialize
from kg.settings import Settings
from kg.stores.base import GraphResult, Store

router = APIRouter(tags=["SPARQL"])

SD: Final = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS: Final = Namespace(W3C_FORMATS)

DESCRIPTION_OFFERS: Final = (*GRAPH_OFFERS, HTML)
#: W3C format IRIs of the result formats, for the service description.
FORMAT_IRIS: Final = {f.name: FORMATS_NS[f.w3c] for f in (*RESULT_FORMATS.values(), *RDF_ANSWERS)}

TRUNCATED_HEADER: Final = "X-Result-Truncated"
LIMIT_HEADER: Final = "X-Result-Limit"
BYTE_LIMIT_HEADER: Final = "X-Result-Byte-Limit"
EXAMPLES: Final = {
    "fundings": {
        "summary": "Who funds whom (SELECT)",
        "value": "SELECT ?funding ?funder ?recipient WHERE {\n"
        "  ?funding schema:funder ?funder .\n"
        "  OPTIONAL { ?funding ck:recipient ?recipient }\n"
        "} LIMIT 100",
    },
    "graphs": {
        "summary": "Triples per named graph (SELECT)",
        "value": "SELECT ?g (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    },
    "ask": {
        "summary": "Does Japan fund anything? (ASK)",
        "value": "ASK { ?funding schema:funder id:japan }",
    },
    "construct": {
        "summary": "Japan's fundings as RDF (CONSTRUCT)",
        "value": "CONSTRUCT { ?f ?p ?o } WHERE { ?f schema:funder id:japan ; ?p ?o }",
    },
    "describe": {"summary": "Everything about Japan (DESCRIBE)", "value": "DESCRIBE id:japan"},
}
FORMAT_NAMES: Final = [o.name for o in (*SELECT_OFFERS, *GRAPH_OFFERS)]

_PARAMETERS: Final[list[dict[str, Any]]] = [
    {
        "name": "default-graph-uri",
        "in": "query",
        "required": False,
        "description": "A graph to merge into the default graph (repeatable). Without this and "
        "named-graph-uri the default graph is the union of all named graphs.",
        "schema": {"type": "array", "items": {"type": "string", "format": "iri"}},
        "examples": {"ontology": {"value": ["https://w3id.org/coop-kg/graph/ontology"]}},
    },
    {
        "name": "named-graph-uri",
        "in": "query",
        "required": False,
        "description": "A graph that GRAPH patterns may match (repeatable).",
        "schema": {"type": "array", "items": {"type": "string", "format": "iri"}},
    },
    {
        "name": "format",
        "in": "query",
        "required": False,
        # No enum: aliases (ttl, srj, ...), media types and an empty value are accepted too.
        "description": "Overrides Accept: a short name ("
        + ", ".join(FORMAT_NAMES)
        + "), an alias such as ttl, or a media type; empty means Accept decides.",
        "schema": {"type": "string"},
        "examples": {"csv": {"value": "csv"}, "turtle": {"value": "turtle"}},
    },
]
_QUERY_PARAMETER: Final = {
    "name": "query",
    "in": "query",
    "required": False,
    "description": "The SPARQL query. Leave it out to get the service description. The "
    "prefixes ck, id, schema, org, oa, prov, dcterms, skos, rdf, rdfs, owl, xsd and sh are "
    "predeclared.",
    "schema": {"type": "string"},
    "examples": EXAMPLES,
}

_LIMITS: Final = f"""
**Read-only.** SPARQL Update (also sent as `update=`), `SERVICE` (including `SERVICE SILENT`
and `SERVICE ?var`) and `LOAD` are refused with 400 before anything is evaluated.

**Result size.** At most `KG_MAX_ROWS` rows (SELECT) or triples (CONSTRUCT/DESCRIBE), 10,000 by
default, and at most `KG_MAX_RESULT_BYTES` bytes of response body (10,000,000 by default). A
longer result is cut to whole rows, and the response then carries `{TRUNCATED_HEADER}: true`
with `{LIMIT_HEADER}: <the row limit>` when the row cap cut it and
`{BYTE_LIMIT_HEADER}: <the byte limit>` when the byte cap did; use LIMIT/OFFSET to page.

**Time.** A query gets `KG_QUERY_TIMEOUT` seconds (10 by default), waiting for a free query
worker included, to be evaluated and serialised. Past that it is stopped (its worker process is
killed and replaced; a SPARQL server behind the store is told the same deadline) and the client
gets 503 `query-timeout`; 503 `query-workers-busy` with `Retry-After` when no worker came free
in that time.

**Rate.** Each client may use `KG_CLIENT_QUERY_SECONDS` seconds of query time per minute (60 by
default); past it the endpoint answers 429 with `Retry-After` until enough time has drained.
The client is the connection's address, or behind a trusted proxy (`KG_TRUSTED_PROXIES`) the
address that proxy names in `X-Forwarded-For`.

**Formats.** SELECT: SPARQL JSON (default), SPARQL XML, CSV, TSV. ASK: SPARQL JSON or XML.
CONSTRUCT/DESCRIBE: Turtle (default), N-Triples, JSON-LD, RDF/XML, TriG, N-Quads. Chosen by
`Accept` (q-values honoured) or by `format=`; 406 when nothing fits.

**Dataset.** The default graph is the union of all named graphs unless `default-graph-uri` or
`named-graph-uri` is given, in which case the dataset is exactly those graphs.
"""

#: Examples of answers in some formats, by format name, for the OpenAPI document.
_EXAMPLES: Final[dict[str, object]] = {
    "json": {
        "head": {"vars": ["funder"]},
        "results": {
            "bindings": [{"funder": {"type": "uri", "value": "https://w3id.org/coop-kg/id/japan"}}]
        },
    },
    "csv": "funder\r\nhttps://w3id.org/coop-kg/id/japan\r\n",
    "tsv": "?funder\n<https://w3id.org/coop-kg/id/japan>\n",
    "turtle": "id:funding-japan-unodc-projects schema:funder id:japan .\n",
}
_RESULT_CONTENT: Final = {
    offer.media_type: {"example": _EXAMPLES[offer.name]} if offer.name in _EXAMPLES else {}
    for offer in (*SELECT_OFFERS, *GRAPH_OFFERS)
}
_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    200: {
        "description": "Query results (when cut: X-Result-Truncated, with X-Result-Limit "
        "or X-Result-Byte-Limit).",
        "content": _RESULT_CONTENT,
    },
    **problem_responses(400, 406, 413, 415, 429, 503),
}


async def _body(request: Request) -> bytes:
    """The request body, refused with 413 as soon as it exceeds ``max_query_bytes``."""
    return await read_capped(request, request.app.state.settings.max_query_bytes, _too_large)


def _too_large(size: int, limit: int) -> Problem:
    return Problem(
        413,
        f"The request carries at least {size} bytes of query; this endpoint accepts at most "
        f"{limit} (KG_MAX_QUERY_BYTES). Shorten the query, e.g. move long VALUES lists into "
        "fewer patterns, or run it with `kg query` on a local build.",
        type_="query-too-large",
        title="Query too large",
    )


BodyDep = Annotated[bytes, Depends(_body)]


@router.get(
    "/sparql",
    name="sparql",
    summary="SPARQL query by GET, or the service description",
    description="SPARQL 1.1 Protocol query via GET `?query=`. Without a query: the SPARQL "
    "Service Description as Turtle (or another RDF format by Accept), or an HTML page with a "
    "query form for browsers.\n" + _LIMITS,
    response_class=Response,
    responses={
        **_RESPONSES,
        200: {
            "description": _RESPONSES[200]["description"]
            + " Without a query: the service description.",
            "content": {**_RESULT_CONTENT, "text/html": {}},
        },
    },
    openapi_extra={"parameters": [_QUERY_PARAMETER, *_PARAMETERS]},
)
async def sparql_get(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    runner: QueryRunnerDep,
    budget: QueryBudgetDep,
) -> Response:
    params = ProtocolRequest().add(url_params(request))
    if params.is_empty:  # lists the store's graphs: a blocking call
        return await run_in_threadpool(_service_description, request, store, params.formats)
    return await _answer(request, settings, runner, budget, params)


@router.post(
    "/sparql",
    summary="SPARQL query by POST (form or direct)",
    description="SPARQL 1.1 Protocol query via POST, either as an "
    "`application/x-www-form-urlencoded` form with `query=` (and the dataset parameters) or "
    "with the query itself as an `application/sparql-query` body (dataset parameters in the "
    "URL). Bodies must be UTF-8.\n" + _LIMITS,
    response_class=Response,
    responses=_RESPONSES,
    openapi_extra={
        "parameters": _PARAMETERS,
        "requestBody": {
            "required": True,
            "content": {
                QUERY_MEDIA_TYPE: {
                    "schema": {"type": "string"},
                    "examples": EXAMPLES,
                },
                FORM_MEDIA_TYPE: {
                    "schema": {
                        "type": "object",
                        "required": ["query"],
                        "properties": {
                            "query": {"type": "string"},
                            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                    "examples": {
                        key: {"summary": example["summary"], "value": {"query": example["value"]}}
                        for key, example in EXAMPLES.items()
                    },
                },
            },
        },
    },
)
async def sparql_post(
    request: Request,
    body: BodyDep,
    settings: SettingsDep,
    runner: QueryRunnerDep,
    budget: QueryBudgetDep,
) -> Response:
    params = read_post(request, body, "query")
    return await _answer(request, settings, runner, budget, params)


#: The methods /sparql answers (its 405s and OPTIONS name them; HEAD: ``kg.api.head``).
ALLOWED_METHODS: Final = "GET, HEAD, OPTIONS, POST"


@router.options("/sparql", include_in_schema=False)
def sparql_options() -> Response:
    return Response(status_code=204, headers={"Allow": ALLOWED_METHODS})


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
def sparql_other_methods() -> Response:
    # Starlette's own 405 would name only the first route's method (GET).
    raise Problem(
        405,
        "The SPARQL endpoint takes queries by GET or POST only; it has no update operation.",
        headers={"Allow": ALLOWED_METHODS},
    )


async def _answer(
    request: Request,
    settings: Settings,
    runner: QueryRunnerDep,
    budget: QueryBudgetDep,
    params: ProtocolRequest,
) -> Response:
    """Check the request, then evaluate, truncate and serialise the query under the deadline
    in a query worker, charging its time to the client."""
    for update in params.updates:
        sparql_guard.check(update)  # names the offending keyword when it can
    if params.updates:
        raise Problem(
            400,
            "This endpoint answers queries only: SPARQL Update is not accepted. Send a "
            "SELECT, ASK, CONSTRUCT or DESCRIBE as query=.",
            type_="query-refused",
            title="Query refused: this endpoint is read-only",
        )
    for text in params.queries:
        size = len(text.encode("utf-8"))
        if size > settings.max_query_bytes:
            raise _too_large(size, settings.max_query_bytes)
    if len(params.queries) > 1:
        raise Problem(
            400,
            f"The request carries {len(params.queries)} queries; send exactly one, either as "
            "one query= parameter or as the body.",
        )
    if not params.queries or not params.queries[0].strip():
        raise Problem(
            400,
            "No query: send the SPARQL text as query= (GET or form POST) or as an "
            f"{QUERY_MEDIA_TYPE} body. GET /sparql with no parameters describes the service.",
        )
    # Relative IRIs resolve against the endpoint's IRI (SPARQL 1.1 Protocol), whichever
    # page sent the query.
    sparql = with_base(params.queries[0], str(request.url_for("sparql")))
    form = check_query(sparql)  # also Virtuoso's pragmas and bif: functions, which fetch
    accept = request.headers.get("accept")
    what = f"a {form} result" if form else "this query"
    if form is not None:  # answer 406 before spending engine time
        negotiate(accept, OFFERS_BY_FORM[form], params.formats, what=what)
    dataset = bool(params.default_graphs or params.named_graphs)
    for name, iris in (
        ("default-graph-uri", params.default_graphs),
        ("named-graph-uri", params.named_graphs),
    ):
        for iri in iris:
            if not ABSOLUTE_IRI.fullmatch(iri):
                raise Problem(400, f"{name}={iri!r} is not an absolute IRI.")

    client = client_of(request, request.app.state.trusted_proxies)
    wait = budget.retry_after(client)
    if wait is not None:
        raise Problem(
            429,
            f"This client used its {budget.seconds:g} s of query time per minute "
            f"(KG_CLIENT_QUERY_SECONDS); try again in {wait} s. Cheaper queries (LIMIT, fewer "
            "patterns) stretch the budget.",
            type_="query-budget-exceeded",
            title="Query time budget exceeded",
            headers={"Retry-After": str(wait)},
        )
    job = QueryJob(
        sparql=sparql,
        default_graphs=tuple(params.default_graphs) if dataset else None,
        named_graphs=tuple(params.named_graphs) if dataset else None,
        accept=accept,
        formats=tuple(params.formats),
        what=what,
        max_rows=settings.max_rows,
        max_bytes=settings.max_result_bytes,
    )
    started = time.monotonic()
    try:
        answer: QueryAnswer = await runner.run(evaluate, job)
    finally:
        # Errors cost time too (a query cut at the deadline costs the whole deadline).
        budget.charge(client, time.monotonic() - started)
    headers = {"Vary": "Accept"}
    if answer.rows_cut or answer.bytes_cut:
        headers[TRUNCATED_HEADER] = "true"
    if answer.rows_cut:
        headers[LIMIT_HEADER] = str(settings.max_rows)
    if answer.bytes_cut:
        headers[BYTE_LIMIT_HEADER] = str(settings.max_result_bytes)
    return Response(answer.body, media_type=answer.media_type, headers=headers)


async def run_query(
    request: Request,
    settings: Settings,
    runner: QueryRunnerDep,
    budget: QueryBudgetDep,
    sparql: str,
    format: str,
) -> Response:
    """One query answered as this endpoint answers it (the same checks, budget, deadline and
    caps), in ``format``: for the SPARQL editor page (``kg.api.routes.query_page``)."""
    params = ProtocolRequest(queries=[sparql], formats=[format])
    return await _answer(request, settings, runner, budget, params)


def _service_description(request: Request, store: Store, formats: Sequence[str]) -> Response:
    offer = negotiate(
        request.headers.get("accept"),
        DESCRIPTION_OFFERS,
        formats,
        what="the service description",
    )
    endpoint = str(request.url.replace(query="", fragment=""))
    graphs = store.graphs()
    headers = {"Vary": "Accept"}
    if offer.name == "html":
        return Response(_html_page(endpoint, graphs), media_type="text/html", headers=headers)
    description = _description_graph(endpoint, graphs)
    triples = GraphResult(tuple(description))  # type: ignore[arg-type]
    return Response(serialize(triples, offer.name), media_type=offer.media_type, headers=headers)


def _description_graph(endpoint: str, graphs: Sequence[str]) -> Graph:
    """SPARQL 1.1 Service Description of this endpoint and its dataset."""
    description = Graph()
    description.bind("sd", SD)
    description.bind("formats", FORMATS_NS)
    description.bind("dcterms", DCTERMS)
    service, dataset, default_graph = BNode(), BNode(), BNode()
    description.add((service, RDF.type, SD.Service))
    description.add((service, SD.endpoint, URIRef(endpoint)))
    description.add((service, DCTERMS.title, Literal("coop-kg SPARQL endpoint", lang="en")))
    description.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    description.add((service, SD.feature, SD.UnionDefaultGraph))
    for iri in FORMAT_IRIS.values():
        description.add((service, SD.resultFormat, iri))
    description.add((service, SD.defaultDataset, dataset))
    description.add((dataset, RDF.type, SD.Dataset))
    description.add((dataset, SD.defaultGraph, default_graph))
    description.add((default_graph, RDF.type, SD.Graph))
    description.add(
        (default_graph, DCTERMS.description, Literal("The union of all named graphs.", lang="en"))
    )
    for name in graphs:
        named = BNode()
        description.add((dataset, SD.namedGraph, named))
        description.add((named, RDF.type, SD.NamedGraph))
        description.add((named, SD.name, URIRef(name)))
    return description


def _html_page(endpoint: str, graphs: Sequence[str]) -> str:
    # Imported here: query workers import this module (api.query_runner.PRELOAD), not pages.
    from kg.api.routes.pages import environment

    return (
        environment()
        .get_template("sparql.html")
        .render(
            endpoint=endpoint,
            example=str(EXAMPLES["fundings"]["value"]),
            offers=(*SELECT_OFFERS, *GRAPH_OFFERS),
            graphs=graphs,
        )
    )

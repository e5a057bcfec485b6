"""Curators' writes: the Graph Store Protocol on ``/graphs`` and SPARQL Update on ``/sparql/update``.

Reading a graph (``GET /graphs``) is public; every write needs ``Authorization: Bearer
<KG_WRITE_TOKEN>``, and with no token configured writes are off. The work itself (validation,
backup, atomic commit) is ``kg.writes``; this module reads bodies under a size cap, parses
uploads (``kg.uploads``), maps their errors to problems, and makes the server answer from the new
state once a write has committed.
"""

from __future__ import annotations

import hmac
import json
import threading
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any, Final, cast

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from kg import curators, history
from kg.api.deps import Limit, Offset, SettingsDep, StoreDep, read_capped
from kg.api.negotiation import HTML, Offer, negotiate
from kg.api.problems import Problem, problem_responses
from kg.api.routes.pages import pager_links, render
from kg.api.schemas import GraphCount
from kg.api.sparql_eval import GRAPH_OFFERS
from kg.api.sparql_protocol import (
    FORM_MEDIA_TYPE,
    UPDATE_MEDIA_TYPE,
    UPDATE_URL_PARAMETERS,
    endpoint_iri,
    read_post,
    update_text,
    with_base,
)
from kg.entities import Page
from kg.export import get_format
from kg.settings import Settings
from kg.stores.oxigraph import OxigraphStore
from kg.uploads import parse_upload, upload_format
from kg.writes import (
    Writer,
    WriteResult,
    check_graph,
)

router = APIRouter(tags=["Writes"])

#: A graph is read as triples: the formats of one graph, Turtle first.
READ_OFFERS: Final = tuple(
    o for o in GRAPH_OFFERS if o.name in {"turtle", "ntriples", "jsonld", "rdfxml"}
)
_WRITER_LOCK: Final = threading.Lock()

GraphParam = Annotated[
    str,
    Query(
        description="The graph's full IRI.",
        examples=["https://w3id.org/coop-kg/graph/japan-unodc-2024-2026"],
    ),
]


#: The history as data (JSON-LD, the default) or as a page.
HISTORY_OFFERS: Final = (Offer("jsonld", "application/ld+json", ("json-ld",)), HTML)


# --- authentication -----------------------------------------------------------------------


def require_writer(request: Request, settings: SettingsDep) -> Writer:
    """The writer, once the request has shown a curator's token (``kg.curators``) or the
    shared ``KG_WRITE_TOKEN`` (the curator ``operator``); the name goes to the history."""
    shared = settings.write_token
    roster = settings.curators_path()
    if shared is None and not any(c.active for c in curators.load(roster).values()):
        raise Problem(
            403,
            "Writes are disabled on this server: no curator has a token. An operator adds one "
            "with `kg curator add NAME`, or sets KG_WRITE_TOKEN (at least 16 characters) and "
            "restarts.",
            type_="writes-disabled",
            title="Writes are disabled",
        )
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise Problem(
            401,
            "Writing needs a curator's token: send `Authorization: Bearer <token>`.",
            type_="unauthorized",
            title="Authentication required",
            headers={"WWW-Authenticate": 'Bearer realm="coop-kg"'},
        )
    token = credentials.strip()
    # Constant time, on bytes: compare_digest refuses non-ASCII str.
    if shared is not None and hmac.compare_digest(
        token.encode("utf-8"), shared.get_secret_value().encode("utf-8")
    ):
        name: str | None = curators.OPERATOR
    else:
        name = curators.identify(roster, token)
    if name is None:
        raise Problem(403, "This token may not write here.", type_="forbidden", title="Wrong token")
    request.state.curator = name
    request.state.write_started = datetime.now(UTC)
    state = request.app.state
    with _WRITER_LOCK:
        writer = getattr(state, "writer", None)
        if writer is None:
            writer = state.writer = Writer(settings)
    return cast(Writer, writer)


WriterDep = Annotated[Writer, Depends(require_writer)]


# --- responses ----------------------------------------------------------------------------


class Finding(BaseModel):
    """One SHACL result, as in the report of a refused write."""

    focus: str
    path: str | None
    message: str
    severity: str
    shape: str
    value: str | None


class WriteSummary(BaseModel):
    """What a write did."""

    operation: str = Field(examples=["put"])
    changed: list[GraphCount] = Field(
        description="Graphs whose content changed, with their triples now; the derived graph "
        "appears when the write changed places or containment. Empty: nothing to change."
    )
    created: bool = Field(description="The graph named in the request held nothing before.")
    warnings: list[Finding] = Field(
        description="Recommendations (sh:Warning) the written data does not follow."
    )
    backup: str | None = Field(
        description="Name of the backup of the state before the write (`kg restore` takes it)."
    )
    seconds: dict[str, float] = Field(description="Time per phase.")


class GraphList(BaseModel):
    graphs: list[GraphCount]


WRITE_RESPONSES: Final = problem_responses(400, 401, 403, 404, 413, 415, 422, 503)


# --- routes -------------------------------------------------------------------------------


@router.get(
    "/graphs/history",
    summary="The history of writes (PROV-O, JSON-LD)",
    description="Every committed write, newest first: the curator (`prov:wasAssociatedWith`), "
    "start and end, the operation, the graphs it changed with their size after it, the "
    "warnings the data left, and the backup of the state before (`kg restore --entry ID`). "
    "Public, as the graphs are.",
    responses={
        200: {"content": {"application/ld+json": {}, "text/html": {}}},
        **problem_responses(400, 406),
    },
    response_model=None,
)
def write_history(
    request: Request,
    settings: SettingsDep,
    limit: Limit = 50,
    offset: Offset = 0,
    format: Annotated[
        str | None, Query(description="jsonld (the default) or html; else by `Accept`.")
    ] = None,
) -> Response:
    found = history.entries(settings.history_path())
    offer = negotiate(
        request.headers.get("accept"),
        HISTORY_OFFERS,
        [format] if format else [],
        what="the history of writes",
    )
    if offer is HTML:
        page = Page.of(found, limit=limit, offset=offset)
        return render(
            "history.html",
            headers={"Vary": "Accept"},
            page=page,
            pager=pager_links(request.url.path, page, {"limit": limit}),
        )
    document = {
        "@context": history.CONTEXT,
        "total": len(found),
        "limit": limit,
        "offset": offset,
        "@graph": [history.as_jsonld(e) for e in found[offset : offset + limit]],
    }
    return Response(
        json.dumps(document), media_type="application/ld+json", headers={"Vary": "Accept"}
    )


@router.get(
    "/graphs",
    summary="Read a named graph (Graph Store Protocol GET), or list the graphs",
    description="With `graph`, that graph's triples in the format `Accept` asks for (Turtle "
    "by default); without it, every named graph and its size, as JSON. Public.",
    responses={
        200: {"content": {o.media_type: {} for o in READ_OFFERS}},
        **problem_responses(404, 406),
    },
    response_model=None,
)
def read_graph(
    request: Request,
    store: StoreDep,
    graph: Annotated[str | None, Query(description="The graph's full IRI.")] = None,
    format: Annotated[str | None, Query(description="Overrides Accept.")] = None,
) -> Response:
    graphs = store.graphs()
    if graph is None:
        listing = GraphList(graphs=[GraphCount(name=g, triples=store.count(g)) for g in graphs])
        return Response(listing.model_dump_json(), media_type="application/json")
    if graph not in graphs:
        raise Problem(
            404,
            f"The store holds no graph {graph}; GET /graphs lists the ones it has.",
            type_="not-found",
            title="No such graph",
        )
    offer = negotiate(
        request.headers.get("accept"), READ_OFFERS, [format] if format else [], what="a graph"
    )
    body = store.dump(get_format(offer.name).name, graph)
    return Response(body, media_type=offer.media_type, headers={"Vary": "Accept"})


@router.put(
    "/graphs",
    summary="Replace a named graph (Graph Store Protocol PUT)",
    description="The body (Turtle, N-Triples, RDF/XML or JSON-LD) becomes the graph's whole "
    "content, if the resulting data conforms to the shapes. 201 when the graph is new. Needs "
    "the bearer token.",
    response_model=WriteSummary,
    responses=WRITE_RESPONSES,
)
async def put_graph(
    request: Request, writer: WriterDep, store: StoreDep, graph: GraphParam
) -> Response:
    return await _graph_write(request, writer, store, graph, "put")


@router.post(
    "/graphs",
    summary="Add triples to a named graph (Graph Store Protocol POST)",
    description="The body's triples are merged into the graph, if the resulting data conforms "
    "to the shapes. Needs the bearer token.",
    response_model=WriteSummary,
    responses=WRITE_RESPONSES,
)
async def post_graph(
    request: Request, writer: WriterDep, store: StoreDep, graph: GraphParam
) -> Response:
    return await _graph_write(request, writer, store, graph, "post")


@router.delete(
    "/graphs",
    summary="Remove a named graph (Graph Store Protocol DELETE)",
    description="If the data without it still conforms to the shapes. Needs the bearer token.",
    response_model=WriteSummary,
    responses=WRITE_RESPONSES,
)
def delete_graph(
    request: Request, writer: WriterDep, store: StoreDep, graph: GraphParam
) -> Response:
    result = writer.delete(store, graph)
    return _committed(request, result)


@router.post(
    "/sparql/update",
    summary="SPARQL 1.1 Update",
    description="An update as `application/sparql-update` or as the form field `update`. All "
    "its operations apply or none; the result must conform to the shapes. Write into named "
    "graphs (`GRAPH`, `WITH`); `LOAD` and `SERVICE` are refused. Needs the bearer token.",
    response_model=WriteSummary,
    responses=WRITE_RESPONSES,
    openapi_extra={
        "requestBody": {
            "content": {
                UPDATE_MEDIA_TYPE: {"schema": {"type": "string"}},
                FORM_MEDIA_TYPE: {
                    "schema": {"type": "object", "properties": {"update": {"type": "string"}}}
                },
            }
        }
    },
)
async def sparql_update(request: Request, writer: WriterDep, store: StoreDep) -> Response:
    body = await _body(request)
    params = read_post(request, body, "update", url_parameters=UPDATE_URL_PARAMETERS)
    text = with_base(update_text(params), endpoint_iri(request))
    result = await run_in_threadpool(writer.update, store, text)
    return _committed(request, result)


@router.options("/sparql/update", include_in_schema=False)
def sparql_update_options() -> Response:
    return Response(status_code=204, headers={"Allow": "OPTIONS, POST"})


# --- helpers ------------------------------------------------------------------------------


async def _graph_write(
    request: Request, writer: Writer, store: Any, graph: str, operation: str
) -> Response:
    check_graph(graph)
    fmt = upload_format(request.headers.get("content-type"))
    body = await _body(request)

    def work() -> WriteResult:
        triples = parse_upload(body, fmt, base_iri=graph)
        if operation == "put":
            return writer.put(store, graph, triples)
        return writer.post(store, graph, triples)

    result = await run_in_threadpool(work)
    return _committed(request, result)


async def _body(request: Request) -> bytes:
    """The body, refused with 413 past ``max_upload_bytes``."""
    limit = cast(Settings, request.app.state.settings).max_upload_bytes
    return await read_capped(request, limit, _too_large)


def _too_large(size: int, limit: int) -> Problem:
    return Problem(
        413,
        f"The body has at least {size} bytes; writes accept at most {limit} "
        "(KG_MAX_UPLOAD_BYTES). Split the data over several POSTs, or load it on the host "
        "with `kg import rdf`.",
        type_="upload-too-large",
        title="Upload too large",
    )


def _committed(request: Request, result: WriteResult) -> Response:
    """Serve the new state, tell whoever listens (``app.state.data_changed``), and answer."""
    state = request.app.state
    settings = cast(Settings, state.settings)
    if result.changed:
        path = settings.store_path()
        if path is not None:
            # The writer wrote the store on disk; this server answers from a copy of it (or
            # a read-only handle, which sees the state it was opened on): replace that.
            state.store = (
                result.snapshot
                if settings.serve_from_memory and result.snapshot is not None
                else OxigraphStore(path, read_only=True)
            )
        # A server store lists its graphs every few seconds; this write (through another
        # connection) must not wait for that to show a new graph.
        state.store.refresh()
        state.data_changed()
        history.record(
            settings.history_path(),
            curator=getattr(request.state, "curator", curators.OPERATOR),
            started=getattr(request.state, "write_started", datetime.now(UTC)),
            operation=result.operation,
            graphs={g: result.triples[g] for g in result.changed},
            warnings=len(result.warnings),
            backup=result.backup.name if result.backup is not None else None,
            difference=result.difference,
        )
    summary = WriteSummary(
        operation=result.operation,
        changed=[GraphCount(name=g, triples=result.triples[g]) for g in result.changed],
        created=result.created,
        warnings=[Finding(**asdict(v)) for v in result.warnings],
        backup=result.backup.name if result.backup is not None else None,
        seconds=result.seconds,
    )
    status = 201 if result.created and result.changed else 200
    return Response(summary.model_dump_json(), status_code=status, media_type="application/json")

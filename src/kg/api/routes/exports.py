"""``GET /export``: the whole dataset or one named graph, in every format of ``kg export``.

The serialisation is written once, by pyoxigraph, into a spooled temporary file (memory up to
``SPOOL_IN_MEMORY`` bytes, disk beyond) and streamed from there in chunks: the response never
holds a second copy, the length is known before the first byte, and a store error becomes a
problem response instead of a truncated download.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, Annotated, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from kg._namespaces import GRAPH
from kg.api.deps import StoreDep
from kg.api.negotiation import Offer, by_format, negotiate, offers
from kg.api.problems import Problem, problem_responses
from kg.errors import StoreError
from kg.export import FORMATS, Format
from kg.stores.base import Store
from kg.void import graph_slug

router = APIRouter(tags=["Export"])

CHUNK: Final = 64 * 1024
SPOOL_IN_MEMORY: Final = 16 * 1024 * 1024
#: The export formats as negotiation offers, in the order of kg.export.FORMATS but with TriG
#: first: a client that states no preference gets every named graph, nothing merged.
OFFERS: Final = offers(sorted(FORMATS.values(), key=lambda f: f.name != "trig"))


@router.get(
    "/export",
    summary="Download the dataset or one named graph",
    description="The whole dataset, or the named graph given as `graph` (a slug such as "
    "`reference` or `japan-unodc-2024-2026`, or the full graph IRI), in the format given as "
    "`format`, or else chosen by `Accept` (TriG when it says nothing). Dataset formats (TriG, "
    "N-Quads, JSON-LD) keep the named graphs; triple formats of the whole dataset hold the "
    "union of the named graphs. Sent as an attachment named "
    "`coop-kg[-graph].{extension}` (`Content-Disposition`).",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The serialisation, as an attachment.",
            "content": {
                FORMATS["trig"].media_type: {
                    "example": "<https://w3id.org/coop-kg/graph/reference> {\n"
                    '\tid:japan a ck:State ;\n\t\trdfs:label "Japan"@en .\n}\n'
                },
                **{o.media_type: {} for o in OFFERS if o.name != "trig"},
            },
            "headers": {
                "Content-Disposition": {
                    "description": "attachment; filename=...",
                    "schema": {"type": "string"},
                    "example": 'attachment; filename="coop-kg-reference.ttl"',
                }
            },
        },
        **problem_responses(400, 406),
    },
)
def export(
    request: Request,
    store: StoreDep,
    format: Annotated[
        str | None,
        Query(
            description="One of " + ", ".join(FORMATS) + " (or its media type). Without it, "
            "`Accept` decides.",
            examples=["turtle"],
        ),
    ] = None,
    graph: Annotated[
        str | None,
        Query(
            description="A named graph, by slug or IRI; without it, the whole dataset.",
            examples=["reference"],
        ),
    ] = None,
) -> StreamingResponse:
    graphs = store.graphs()
    graph_iri = _graph(graph, graphs) if graph is not None else None
    fmt = FORMATS[_offer(request, format).name]
    spool = _spool(store, fmt, graph_iri)
    size = spool.seek(0, 2)
    spool.seek(0)
    name = "coop-kg" + (f"-{_file_slug(graph_iri)}" if graph_iri else "") + f".{fmt.extension}"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Content-Length": str(size),
        "Vary": "Accept",
    }
    return StreamingResponse(_chunks(spool), media_type=fmt.media_type, headers=headers)


def _offer(request: Request, format: str | None) -> Offer:
    if format is not None:
        offer = by_format(format, OFFERS)
        if offer is None:
            raise Problem(
                400,
                f"format={format!r} is not an export format; use one of: {', '.join(FORMATS)}.",
                type_="bad-parameter",
                title="Unusable parameter",
                valid=list(FORMATS),
            )
        return offer
    return negotiate(request.headers.get("accept"), OFFERS, what="/export")


def _graph(value: str, graphs: list[str]) -> str:
    for candidate in (value, str(GRAPH) + value):
        if candidate in graphs:
            return candidate
    slugs = [graph_slug(g) for g in graphs]
    raise Problem(
        400,
        f"graph={value!r} is not a named graph of this dataset; use one of: {', '.join(slugs)} "
        "(or its full IRI), or leave graph out for the whole dataset.",
        type_="bad-parameter",
        title="Unusable parameter",
        valid=slugs,
    )


def _file_slug(graph: str) -> str:
    slug = graph_slug(graph)
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in slug)


def _spool(store: Store, fmt: Format, graph: str | None) -> IO[bytes]:
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    try:
        store.dump_to(spool, fmt.name, graph)
    except OSError as exc:
        spool.close()
        raise StoreError(f"the store could not be exported: {exc}") from exc
    except BaseException:
        spool.close()
        raise
    return spool


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(CHUNK):
            yield chunk

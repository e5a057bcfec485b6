"""The REST API under ``/api``: entities by collection, search, fundings, summaries, priorities.

Every answer is computed by named SPARQL queries (``kg/queries/*.rq``) through ``kg.entities``,
``kg.fundings`` and ``kg.priorities``; each response names them in ``Link: </api/queries/NAME>;
rel="describedby"`` headers, and ``/api/queries/NAME`` serves the text so a researcher can rerun
it at /sparql. Filters that name an entity take its slug, IRI, label or altLabel (ignoring case);
a name that fits no entity or several is a 400 problem listing candidates.

Responses are encoded here with the models of ``api.schemas`` (one validation, JSON written by
pydantic) rather than through ``response_model``, which would convert and validate each result
twice; the routes still declare their models for the OpenAPI document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Final, Literal, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api import schemas
from api.deps import StoreDep
from api.problems import Problem, problem_responses
from kg import entities, fundings, priorities
from kg._namespaces import ID
from kg.entities import COLLECTIONS, KindMap
from kg.errors import NotFoundError
from kg.queries import load_query, query_names
from kg.stores.base import Store

router = APIRouter(prefix="/api", tags=["REST API"])

QUERY_MEDIA_TYPE: Final = "application/sparql-query"
_SLUG: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
M = TypeVar("M", bound=BaseModel)

Limit = Annotated[
    int, Query(ge=1, le=1000, description="Items per page (1 to 1000).", examples=[50])
]
Offset = Annotated[int, Query(ge=0, description="Items to skip.", examples=[0])]
NAME_HELP: Final = "A slug, full IRI, or exact label or altLabel (ignoring case)."


def _name(description: str, example: str) -> Any:
    return Query(
        description=f"{description} {NAME_HELP}",
        openapi_examples={example: {"value": example}},
    )


def kind_map(request: Request, store: StoreDep) -> KindMap:
    """The class-to-kind map of the served store, computed once per app: the store does not
    change while the app serves it, and every answer needs the map (``kinds.rq``)."""
    cached = getattr(request.app.state, "rest_kind_map", None)
    if cached is None or cached[0] is not store:
        cached = (store, entities.kind_map(store))
        request.app.state.rest_kind_map = cached
    return cached[1]


KindMapDep = Annotated[KindMap, Depends(kind_map)]


def respond(model: type[M], result: object, queries: Sequence[str]) -> Response:
    """``result`` as ``model`` JSON, with a describedby link to each query that computed it."""
    body = model.model_validate(result).model_dump_json().encode("utf-8")
    links = ", ".join(
        f'</api/queries/{name}>; rel="describedby"; type="{QUERY_MEDIA_TYPE}"' for name in queries
    )
    return Response(body, media_type="application/json", headers={"Link": links} if links else None)


def _resolve(
    store: Store,
    kinds_of: KindMap,
    value: str | None,
    parameter: str,
    kinds: Sequence[str],
    used: list[str],
) -> str | None:
    if value is None:
        return None
    used.extend(
        q for q in (entities.RESOLVE_ID_QUERY, entities.RESOLVE_LABEL_QUERY) if q not in used
    )
    return entities.resolve(store, value, kinds=kinds, parameter=parameter, kind_info=kinds_of)


def _docs(model: type[BaseModel], *statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "model": model,
            "description": 'JSON; `Link: </api/queries/NAME>; rel="describedby"` names the '
            "SPARQL queries that computed it.",
        },
        **problem_responses(*statuses),
    }


@router.get(
    "/search",
    summary="Find entities by name",
    description="Entities of every kind whose label, altLabel or description contains `q` "
    "(ignoring case), best first: the label is `q`, an altLabel (often an acronym) is `q`, a "
    "label or altLabel starts with it, contains it, the description contains it; ties by "
    "label. Each item carries its `kind`, the collection it lives in.",
    response_class=Response,
    responses=_docs(schemas.ListPage[schemas.EntityItem], 400),
)
def search(
    store: StoreDep,
    kinds_of: KindMapDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            description="Text to look for.",
            openapi_examples={"unodc": {"value": "UNODC"}, "asia": {"value": "asia"}},
        ),
    ],
    kind: Annotated[
        Literal["actor", "initiative", "region", "theme", "event", "document"] | None,
        Query(description="Only entities of this kind."),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    page = entities.search(
        store,
        q,
        kinds=(kind,) if kind else entities.KINDS,
        limit=limit,
        offset=offset,
        kind_info=kinds_of,
    )
    return respond(
        schemas.ListPage[schemas.EntityItem], page, [entities.SEARCH_QUERY, entities.KINDS_QUERY]
    )


@dataclass(frozen=True, slots=True)
class FundingSelection:
    """The resolved filters shared by /api/fundings and /api/fundings/summary, with the store
    they were resolved against and the queries that resolved them (for the Link header)."""

    store: Store
    filters: fundings.FundingFilters
    used: list[str]


def funding_selection(
    store: StoreDep,
    kinds_of: KindMapDep,
    funder: Annotated[str | None, _name("Who gives.", "japan")] = None,
    recipient: Annotated[str | None, _name("Who receives.", "UN Women")] = None,
    initiative: Annotated[str | None, _name("The initiative funded.", "we-fi")] = None,
    region: Annotated[
        str | None, _name("A place served, or one inside it.", "southeast-asia")
    ] = None,
    theme: Annotated[str | None, _name("A theme, or a narrower one.", "gender-equality")] = None,
    year: Annotated[
        int | None, Query(ge=1, le=9999, description="A year the period overlaps.", examples=[2017])
    ] = None,
    currency: Annotated[
        str | None, Query(pattern="^[A-Za-z]{3}$", description="ISO 4217 code.", examples=["USD"])
    ] = None,
    min_amount: Annotated[
        Decimal | None,
        Query(
            ge=0,
            description="Smallest amount (the minimum for 'at least' amounts).",
            examples=[1000000],
        ),
    ] = None,
) -> FundingSelection:
    """Resolve the funding filters once, for both funding routes."""
    used: list[str] = [fundings.DETAILS_QUERY, fundings.EVIDENCE_QUERY]
    filters = fundings.FundingFilters(
        funder=_resolve(store, kinds_of, funder, "funder", ("actor",), used),
        recipient=_resolve(store, kinds_of, recipient, "recipient", ("actor",), used),
        initiative=_resolve(store, kinds_of, initiative, "initiative", ("initiative",), used),
        region=_resolve(store, kinds_of, region, "region", ("region",), used),
        theme=_resolve(store, kinds_of, theme, "theme", ("theme",), used),
        year=year,
        currency=currency.upper() if currency else None,
        min_amount=min_amount,
    )
    selection = fundings.REGION_QUERY if filters.region else fundings.FUNDINGS_QUERY
    return FundingSelection(store, filters, [selection, *used])


FundingSelectionDep = Annotated[FundingSelection, Depends(funding_selection)]


@router.get(
    "/fundings",
    summary="Who funds what where",
    description="Fundings (contributions, pledges, support without an amount) with funder, "
    "recipient, funded initiative, amount, period, regions, themes and evidence. `region` "
    "includes places inside it transitively (Thailand counts for Southeast Asia and the "
    "Indo-Pacific); a funding's regions are its own `schema:areaServed` and those of the "
    "initiative it funds. `theme` includes narrower themes. `year` keeps periods that overlap "
    "it (open ends count; fundings without a period are left out). `min_amount` compares in "
    "each funding's own currency; combine it with `currency`.",
    response_class=Response,
    responses=_docs(schemas.ListPage[schemas.Funding], 400),
)
def list_fundings(
    selection: FundingSelectionDep,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    page = fundings.fundings(selection.store, selection.filters, limit=limit, offset=offset)
    return respond(schemas.ListPage[schemas.Funding], page, selection.used)


@router.get(
    "/fundings/summary",
    summary="Funding totals per group and currency",
    description="Counts and totals of the fundings the same filters as /api/fundings select, "
    "grouped by `by`: one or two (comma-separated) of funder, recipient, region, theme, year. "
    "Totals are per currency, never adding currencies; `withoutAmount` counts fundings whose "
    "source gives no amount. A funding counts in every group it belongs to (each of its "
    "regions, themes, years), so `overall` gives the grand totals. `by=year`: a funding counts "
    "in each year its period covers; an open end runs to the end of the period its source "
    "document covers; fundings without a period are in the null year.",
    response_class=Response,
    responses=_docs(schemas.Summary, 400),
)
def summarize_fundings(
    selection: FundingSelectionDep,
    by: Annotated[
        str,
        Query(
            description="funder, recipient, region, theme or year; two comma-separated for two levels.",
            openapi_examples={"year": {"value": "year"}, "funder,theme": {"value": "funder,theme"}},
        ),
    ],
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    dimensions = [d.strip() for d in by.split(",")]
    summary = fundings.summarize(
        selection.store, dimensions, selection.filters, limit=limit, offset=offset
    )
    return respond(schemas.Summary, summary, selection.used)


@router.get(
    "/priorities",
    summary="Priority regions with their themes",
    description="Who prioritises which regions for which themes (the Japan-UNODC goals and "
    "priorities). `region` includes places inside it transitively, `theme` narrower themes, "
    "`actor` the actor or initiative that sets the priority or takes part in the cooperation "
    "that does.",
    response_class=Response,
    responses=_docs(schemas.ListPage[schemas.Priority], 400),
)
def list_priorities(
    store: StoreDep,
    kinds_of: KindMapDep,
    region: Annotated[
        str | None, _name("A priority region, or one inside it.", "southeast-asia")
    ] = None,
    theme: Annotated[str | None, _name("A theme, or a narrower one.", "maritime-security")] = None,
    actor: Annotated[str | None, _name("Who prioritises.", "unodc")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    used: list[str] = [priorities.PRIORITIES_QUERY]
    page = priorities.priorities(
        store,
        region=_resolve(store, kinds_of, region, "region", ("region",), used),
        theme=_resolve(store, kinds_of, theme, "theme", ("theme",), used),
        actor=_resolve(store, kinds_of, actor, "actor", ("actor", "initiative"), used),
        limit=limit,
        offset=offset,
    )
    return respond(schemas.ListPage[schemas.Priority], page, used)


@router.get(
    "/queries",
    summary="The named SPARQL queries behind the REST answers",
    response_class=Response,
    responses=_docs(schemas.ListPage[schemas.QueryInfo], 400),
)
def list_queries(limit: Limit = 50, offset: Offset = 0) -> Response:
    infos = [
        schemas.QueryInfo(
            name=name, href=f"/api/queries/{name}", summary=_summary(load_query(name))
        )
        for name in query_names()
    ]
    page = entities.Page.of(infos, limit=limit, offset=offset)
    return respond(schemas.ListPage[schemas.QueryInfo], page, [])


@router.get(
    "/queries/{name}",
    summary="The text of one named SPARQL query",
    description="The query as the API runs it, to rerun at /sparql (the prefixes are "
    "predeclared there). Its header comment says which parameters it takes; add them as "
    "`VALUES` inside WHERE.",
    response_class=Response,
    responses={
        200: {"content": {QUERY_MEDIA_TYPE: {"example": "SELECT ..."}}},
        **problem_responses(404),
    },
)
def query_text(name: Annotated[str, Path(examples=["fundings"])]) -> Response:
    if name not in query_names():
        raise Problem(404, f"There is no query {name!r}; /api/queries lists them.")
    return Response(load_query(name), media_type=QUERY_MEDIA_TYPE)


def _summary(text: str) -> str:
    """The first sentence of a query's leading comment, its one-line description."""
    words: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#") or not line.strip("# "):
            break
        words.extend(line.lstrip("#").split())
    sentence = " ".join(words)
    end = sentence.find(". ")
    return sentence if end == -1 else sentence[: end + 1]


CollectionParam = Annotated[
    str,
    Path(
        description="actors, initiatives, regions, themes, events or documents.",
        json_schema_extra={"enum": list(COLLECTIONS)},
        examples=["regions"],
    ),
]


def _collection(collection: str) -> str:
    if collection not in COLLECTIONS:
        raise Problem(
            404,
            f"There is no collection {collection!r} under /api; use one of "
            f"{', '.join(COLLECTIONS)} (or search, fundings, priorities, queries).",
        )
    return COLLECTIONS[collection]


@router.get(
    "/{collection}",
    summary="List a collection",
    description="Entities of one kind, sorted by label: `actors`, `initiatives`, `regions` "
    "(places: regions, countries, states, cities), `themes`, `events`, `documents`. `q` keeps "
    "entities whose label or an altLabel contains it (ignoring case); `within` (regions only) "
    "keeps places inside that place, transitively. A state is listed in actors and regions.",
    response_class=Response,
    responses=_docs(schemas.ListPage[schemas.EntityItem], 400, 404),
)
def list_collection(
    store: StoreDep,
    kinds_of: KindMapDep,
    collection: CollectionParam,
    q: Annotated[
        str | None,
        Query(min_length=1, description="Part of a label or altLabel.", examples=["asia"]),
    ] = None,
    within: Annotated[
        str | None, _name("Regions only: a place to look inside.", "southeast-asia")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    _collection(collection)
    used = [entities.collection_query(collection), entities.KINDS_QUERY]
    # Only a region list can use within=; elsewhere the library refuses it (400) unresolved.
    place = (
        _resolve(store, kinds_of, within, "within", ("region",), used)
        if collection == "regions"
        else within
    )
    page = entities.list_collection(
        store, collection, q=q, within=place, limit=limit, offset=offset, kind_info=kinds_of
    )
    return respond(schemas.ListPage[schemas.EntityItem], page, used)


@router.get(
    "/{collection}/{slug}",
    summary="One entity with its relations and evidence",
    description="Types, label, altLabels, description, identifiers, sameAs links, every "
    "outgoing and incoming relation with the evidence of the node it is stated on, and for "
    "places their ancestors and children. 404 when the slug names nothing in that collection.",
    response_class=Response,
    responses=_docs(schemas.EntityDetail, 404),
)
def get_entity(
    store: StoreDep,
    kinds_of: KindMapDep,
    collection: CollectionParam,
    slug: Annotated[str, Path(examples=["thailand"])],
) -> Response:
    kind = _collection(collection)
    if not _SLUG.fullmatch(slug):
        raise NotFoundError(
            f"{slug!r} is not a slug: slugs are lowercase letters, digits and hyphens"
        )
    detail = entities.describe(store, str(ID) + slug, kind=kind, kind_info=kinds_of)
    used = [
        q
        for q in entities.DESCRIBE_QUERIES
        if q != entities.HIERARCHY_QUERY or detail.ancestors is not None
    ]
    return respond(schemas.EntityDetail, detail, used)

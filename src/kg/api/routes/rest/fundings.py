"""REST fundings: ``/api/fundings`` and ``/api/fundings/summary`` (filters resolved once, by
``kg.api.deps.funding_selection``, which the fundings pages share)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query
from fastapi.responses import Response

from kg import fundings
from kg.api import schemas
from kg.api.deps import Convert, FundingSelectionDep, Limit, Offset, target
from kg.api.routes.rest._answer import api_router, docs, respond

router = api_router()


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
    responses=docs(schemas.ListPage[schemas.Funding], 400),
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
        convert=target(convert),
    )
    return respond(schemas.ListPage[schemas.Funding], page)


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
    responses=docs(schemas.Summary, 400),
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
        convert=target(convert),
    )
    return respond(schemas.Summary, summary)

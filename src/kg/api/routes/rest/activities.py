"""REST activities: ``/api/activities``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.responses import Response

from kg import activities
from kg.api import schemas
from kg.api.deps import (
    APPLIES_TO_HELP,
    ROLE_HELP,
    KindsWhenNeededDep,
    Limit,
    Offset,
    Role,
    StoreDep,
    named,
    resolve,
)
from kg.api.routes.rest._answer import api_router, docs, respond

router = api_router()


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
    responses=docs(schemas.ListPage[schemas.Activity], 400),
)
def list_activities(
    store: StoreDep,
    kinds_of: KindsWhenNeededDep,
    org: Annotated[str | None, named("An organisation taking part (see `role`).", "jica")] = None,
    role: Annotated[Role | None, Query(description=ROLE_HELP)] = None,
    region: Annotated[str | None, named("A place, or one inside it.", "southeast-asia")] = None,
    applies_to: Annotated[str | None, named(APPLIES_TO_HELP, "afghanistan")] = None,
    theme: Annotated[str | None, named("A theme, or a narrower one.", "rule-of-law")] = None,
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
    activities.check_role(org, role)
    filters = activities.ActivityFilters(
        org=resolve(store, kinds_of, org, "org", ("actor",)),
        role=role,
        region=resolve(store, kinds_of, region, "region", ("region",)),
        applies_to=resolve(store, kinds_of, applies_to, "applies_to", ("region",)),
        theme=resolve(store, kinds_of, theme, "theme", ("theme",)),
        year=year,
        status=status,
        q=q,
    )
    page = activities.activities(store, filters, limit=limit, offset=offset)
    return respond(schemas.ListPage[schemas.Activity], page)

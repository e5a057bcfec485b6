"""REST priorities: ``/api/priorities``."""

from __future__ import annotations

from typing import Annotated

from fastapi.responses import Response

from kg import priorities
from kg.api import schemas
from kg.api.deps import APPLIES_TO_HELP, KindsWhenNeededDep, Limit, Offset, StoreDep, named, resolve
from kg.api.routes.rest._answer import api_router, docs, respond

router = api_router()


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
    responses=docs(schemas.ListPage[schemas.Priority], 400),
)
def list_priorities(
    store: StoreDep,
    kinds_of: KindsWhenNeededDep,
    region: Annotated[
        str | None, named("A priority region, or one inside it.", "southeast-asia")
    ] = None,
    theme: Annotated[str | None, named("A theme, or a narrower one.", "maritime-security")] = None,
    actor: Annotated[str | None, named("Who prioritises.", "unodc")] = None,
    applies_to: Annotated[str | None, named(APPLIES_TO_HELP, "afghanistan")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    page = priorities.priorities(
        store,
        region=resolve(store, kinds_of, region, "region", ("region",)),
        applies_to=resolve(store, kinds_of, applies_to, "applies_to", ("region",)),
        theme=resolve(store, kinds_of, theme, "theme", ("theme",)),
        actor=resolve(store, kinds_of, actor, "actor", ("actor", "initiative")),
        limit=limit,
        offset=offset,
    )
    return respond(schemas.ListPage[schemas.Priority], page)

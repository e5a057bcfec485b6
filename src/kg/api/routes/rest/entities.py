"""REST entities: ``/api/search``, ``/api/{collection}`` and ``/api/{collection}/{slug}``; the
collection segment matches only collection names (``CollectionConvertor``)."""

from __future__ import annotations

import re
from typing import Annotated, Final, Literal

from fastapi import Path, Query
from fastapi.responses import Response
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

from kg import entities
from kg._namespaces import ID
from kg.api import schemas
from kg.api.deps import HubsDep, KindMapDep, Limit, Offset, StoreDep, named, resolve
from kg.api.problems import Problem
from kg.api.routes.rest._answer import api_router, check_slug, docs, respond
from kg.entities import COLLECTIONS

router = api_router()


@router.get(
    "/search",
    summary="Find entities by name",
    description="Entities of every kind whose label, altLabel or description contains `q` "
    "(ignoring case), best first: the label is `q`, an altLabel (often an acronym) is `q`, a "
    "label or altLabel starts with it, contains it, the description contains it; ties by "
    "label. Each item carries its `kind`, the collection it lives in.",
    response_class=Response,
    responses=docs(schemas.ListPage[schemas.EntityItem], 400),
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
    return respond(schemas.ListPage[schemas.EntityItem], page)


class CollectionConvertor(Convertor[str]):
    """A path segment that is one of the collection names, and nothing else: ``/api/{collection}``
    then cannot match ``/api/fundings`` or ``/api/queries/NAME``, whatever order the routers are
    included in. Another segment matches no route, and ``not_found`` names the collections."""

    regex = "(?:" + "|".join(map(re.escape, COLLECTIONS)) + ")"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


# Starlette's convertor names are identifiers: "{collection:kg_collection}".
register_url_convertor("kg_collection", CollectionConvertor())

CollectionParam = Annotated[
    str,
    Path(
        description="actors, initiatives, regions, themes, events or documents.",
        json_schema_extra={"enum": list(COLLECTIONS)},
        examples=["regions"],
    ),
]

#: ``/api/NAME`` or ``/api/NAME/SLUG``: where a request that matched no route asked for a
#: collection.
_COLLECTION_PATH: Final = re.compile(r"/api/([^/]+)(?:/[^/]+)?")


async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
    """The app's answer when no route matches (the router's ``default``): a 404 that lists the
    collections for a path shaped like one, the plain 404 otherwise."""
    found = _COLLECTION_PATH.fullmatch(scope.get("path", ""))
    if found:
        raise Problem(
            404,
            f"There is no collection {found[1]!r} under /api; use one of "
            f"{', '.join(COLLECTIONS)} (or search, fundings, priorities, activities, "
            "deliveries, queries).",
        )
    raise HTTPException(404)


@router.get(
    "/{collection:kg_collection}",
    summary="List a collection",
    description="Entities of one kind, sorted by label: `actors`, `initiatives`, `regions` "
    "(places: regions, countries, states, cities), `themes`, `events`, `documents`. `q` keeps "
    "entities whose label or an altLabel contains it (ignoring case); `within` (regions only) "
    "keeps places inside that place, transitively. A state is listed in actors and regions.",
    response_class=Response,
    responses=docs(schemas.ListPage[schemas.EntityItem], 400, 404),
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
        str | None, named("Regions only: a place to look inside.", "southeast-asia")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    # Only a region list can use within=; elsewhere the library refuses it (400) unresolved.
    place = (
        resolve(store, lambda: kinds_of, within, "within", ("region",))
        if collection == "regions"
        else within
    )
    page = entities.list_collection(
        store, collection, q=q, within=place, limit=limit, offset=offset, kind_info=kinds_of
    )
    return respond(schemas.ListPage[schemas.EntityItem], page)


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
    "/{collection:kg_collection}/{slug}",
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
    responses=docs(schemas.EntityDetail, 400, 404),
)
def get_entity(
    store: StoreDep,
    kinds_of: KindMapDep,
    hubs: HubsDep,
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
    kind = COLLECTIONS[collection]
    check_slug(slug)
    page = entities.GroupPage.parse(direction, property, offset)
    detail = entities.describe(
        store, str(ID) + slug, kind=kind, kind_info=kinds_of, limit=limit, page=page, hubs=hubs
    )
    return respond(schemas.EntityDetail, detail)

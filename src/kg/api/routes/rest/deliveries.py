"""REST deliveries: ``/api/pledges/{slug}/delivery`` and ``/api/deliveries``."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Path
from fastapi.responses import Response

from kg import deliveries
from kg._namespaces import ID
from kg.api import schemas
from kg.api.deps import Convert, Limit, Offset, StoreDep, target
from kg.api.routes.rest._answer import api_router, check_slug, docs, respond

router = api_router()

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
    responses=docs(schemas.PledgeDelivery, 400, 404),
)
def pledge_delivery(
    store: StoreDep,
    slug: Annotated[str, Path(examples=["pledge-japan-we-fi-2017"])],
    convert: Convert = None,
) -> Response:
    check_slug(slug)
    answer = deliveries.pledge_delivery(store, str(ID) + slug, convert=target(convert))
    return respond(schemas.PledgeDelivery, answer)


@router.get(
    "/deliveries",
    summary="Every pledge with a delivery, against what delivers it",
    description=DELIVERY_HELP + " Sorted by the pledge's label.",
    response_class=Response,
    responses=docs(schemas.ListPage[schemas.PledgeDelivery], 400),
)
def list_deliveries(
    store: StoreDep, convert: Convert = None, limit: Limit = 50, offset: Offset = 0
) -> Response:
    page = deliveries.deliveries(store, convert=target(convert), limit=limit, offset=offset)
    return respond(schemas.ListPage[schemas.PledgeDelivery], page)

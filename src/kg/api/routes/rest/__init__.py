"""The REST API under ``/api``: entities by collection, search, fundings, summaries, priorities,
activities and pledges against their delivery.

Every answer is computed by named SPARQL queries (``kg/queries/*.rq``) through ``kg.entities``,
``kg.fundings``, ``kg.priorities``, ``kg.activities`` and ``kg.deliveries``; each response names
the ones that ran for it in ``Link: </api/queries/NAME>; rel="describedby"`` headers
(``_answer.respond``), and ``/api/queries/NAME`` serves the text so a researcher can rerun it
at /sparql. Filters that name an entity take its slug, IRI, label or altLabel (ignoring case);
a name that fits no entity or several is a 400 problem listing candidates.

Places in both directions: ``region=`` keeps what lies inside the region (a funding in
Thailand counts for Southeast Asia), ``applies_to=`` what applies to a place: its places are
the place, inside it, or a region that contains it (the priorities for "Afghanistan and its
neighbouring countries" apply to Afghanistan). ``region=`` keeps that one meaning everywhere,
priorities included; ``applies_to=`` is the question "what concerns this country?".

One router module per resource; ``routers`` lists them for ``create_app``, ``not_found`` answers
a path under /api that names no collection.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter

from kg.api.routes.rest import activities, deliveries, entities, fundings, priorities, queries

#: The REST routers, in the order the OpenAPI document lists them. Any order routes the same:
#: ``/api/{collection}`` matches only the collection names (``entities.CollectionConvertor``),
#: so it shadows no other resource's path; tests/api/test_rest_routing.py checks every order.
routers: Final[tuple[APIRouter, ...]] = (
    fundings.router,
    priorities.router,
    activities.router,
    deliveries.router,
    queries.router,
    entities.router,
)

#: The app's answer to a path no route matches: a 404 naming the collections under /api.
not_found: Final = entities.not_found

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

One router module per resource; ``routers`` lists them for ``create_app``.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter

from kg.api.routes.rest import activities, deliveries, entities, fundings, priorities, queries

#: The REST routers. ``entities`` serves ``/api/{collection}``, which would also match the
#: other resources' paths: it goes last, and tests/api/test_rest_links.py requests every
#: route so that a resource it shadowed would fail there.
routers: Final[tuple[APIRouter, ...]] = (
    fundings.router,
    priorities.router,
    activities.router,
    deliveries.router,
    queries.router,
    entities.router,
)

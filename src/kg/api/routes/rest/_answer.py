"""How every REST answer is written: JSON by the models of ``kg.api.schemas``, with a
``Link: </api/queries/NAME>; rel="describedby"`` header for each named query the request used.

The names come from the request's recording (``kg.api.deps.record_queries``), filled by
``kg.queries`` as the queries run, so the header cannot drift from the code: a query that did
not run is not named, and one that did cannot be forgotten.

Responses are encoded here (one validation, JSON written by pydantic) rather than through
``response_model``, which would convert and validate each result twice; the routes still
declare their models for the OpenAPI document (``docs``).
"""

from __future__ import annotations

import re
from typing import Any, Final, TypeVar

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel

from kg.api.deps import queries_used, record_queries
from kg.api.problems import problem_responses
from kg.api.sparql_protocol import QUERY_MEDIA_TYPE
from kg.errors import NotFoundError

_SLUG: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
M = TypeVar("M", bound=BaseModel)


def api_router() -> APIRouter:
    """A router of one REST resource: under ``/api``, recording the named queries it uses."""
    return APIRouter(prefix="/api", tags=["REST API"], dependencies=[Depends(record_queries)])


def respond(model: type[M], result: object) -> Response:
    """``result`` as ``model`` JSON, with a describedby link to each named query used."""
    body = model.model_validate(result).model_dump_json().encode("utf-8")
    links = ", ".join(
        f'</api/queries/{name}>; rel="describedby"; type="{QUERY_MEDIA_TYPE}"'
        for name in queries_used()
    )
    return Response(body, media_type="application/json", headers={"Link": links} if links else None)


def docs(model: type[BaseModel], *statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented responses of a JSON route: ``model`` and the problems it may answer."""
    return {
        200: {
            "model": model,
            "description": 'JSON; `Link: </api/queries/NAME>; rel="describedby"` names the '
            "SPARQL queries that computed it.",
        },
        **problem_responses(*statuses),
    }


def check_slug(slug: str) -> None:
    """A 404 for a path segment that cannot be a slug, before any query."""
    if not _SLUG.fullmatch(slug):
        raise NotFoundError(
            f"{slug!r} is not a slug: slugs are lowercase letters, digits and hyphens"
        )

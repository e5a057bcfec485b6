"""The named SPARQL queries behind the REST answers: ``/api/queries`` and ``/api/queries/{name}``.

Their texts are shown here, not run: ``kg.queries.query_text`` reads them without recording
them as used, so these answers name no query in their ``Link`` header.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from fastapi.responses import Response

from kg import queries as named_queries
from kg.api import schemas
from kg.api.deps import Limit, Offset
from kg.api.problems import Problem, problem_responses
from kg.api.routes.rest._answer import api_router, docs, respond
from kg.api.sparql_protocol import QUERY_MEDIA_TYPE
from kg.entities import Page
from kg.queries import query_names

router = api_router()


@router.get(
    "/queries",
    summary="The named SPARQL queries behind the REST answers",
    response_class=Response,
    responses=docs(schemas.ListPage[schemas.QueryInfo], 400),
)
def list_queries(limit: Limit = 50, offset: Offset = 0) -> Response:
    infos = [
        schemas.QueryInfo(
            name=name, href=f"/api/queries/{name}", summary=_summary(named_queries.query_text(name))
        )
        for name in query_names()
    ]
    page = Page.of(infos, limit=limit, offset=offset)
    return respond(schemas.ListPage[schemas.QueryInfo], page)


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
    return Response(named_queries.query_text(name), media_type=QUERY_MEDIA_TYPE)


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

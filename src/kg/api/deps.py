"""Dependencies shared by the routers: the settings, the open store, the query runner and the
per-client query budget.

``create_app`` puts them on ``app.state`` once (the store and the runner in the lifespan);
routes ask for them with these ``Annotated`` aliases, and tests can swap them with
``app.dependency_overrides``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, cast

from fastapi import Depends, Request

from kg.api.query_runner import QueryRunner
from kg.api.ratelimit import QueryBudget
from kg.errors import StoreError
from kg.settings import Settings
from kg.stores.base import Store


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

"""Dependencies shared by the routers: the settings, the open store, the query worker pool.

``create_app`` puts them on ``app.state`` once (the store in the lifespan); routes ask for them
with these ``Annotated`` aliases, and tests can swap them with ``app.dependency_overrides``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, cast

from fastapi import Depends, Request

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


def get_query_pool(request: Request) -> ThreadPoolExecutor:
    return cast(ThreadPoolExecutor, request.app.state.query_pool)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
QueryPoolDep = Annotated[ThreadPoolExecutor, Depends(get_query_pool)]

"""The FastAPI application: ``create_app(settings)`` builds it; importing this module does nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

import kg
from kg import journal, search_index
from kg.api import problems
from kg.api.cache import CacheMiddleware, ResponseCache
from kg.api.deadline import DeadlineMiddleware
from kg.api.head import HeadAsGet
from kg.api.query_runner import QueryRunner, worker_memory_bytes
from kg.api.ratelimit import QueryBudget, trusted_networks
from kg.api.read_access import ReadAccess, TokenKeeper
from kg.api.routes import (
    exports,
    funding_pages,
    graphs,
    health,
    linked_data,
    pages,
    query_page,
    rest,
    sparql,
)
from kg.api.routes.pages import DropBlankFields
from kg.entities import COLLECTIONS
from kg.errors import SettingsError
from kg.settings import Settings
from kg.stores import open_configured
from kg.stores.base import Store
from kg.stores.oxigraph import OxigraphStore

DESCRIPTION = """\
Who funds what where: a curated, evidence-backed knowledge graph of development cooperation.

* `/sparql`: SPARQL 1.1 Protocol endpoint (read-only; GET without a query describes the service).
* `/id/{slug}`: every entity IRI dereferences: HTML for browsers, RDF by `Accept` or `format=`.
* `/ontology`, `/shapes`: the vocabulary and the validation rules, as documentation or RDF.
* `/export`: the dataset or one named graph in any RDF format; `/.well-known/void`: VoID + DCAT.
* `/health`: store status, triple count and build fingerprint.
* Pages for people (not listed here): `/` home, `/search`, `/actors` and the other
  collections, `/documents/{slug}` (the text with its quoted passages), `/fundings` (who funds
  what where, with downloads), `/query` (the SPARQL editor).

Errors are RFC 9457 `application/problem+json`.
"""


#: Pages whose GET forms send blank fields (api.routes.pages.DropBlankFields).
FORM_PATHS: Final = (
    "/fundings",
    "/fundings.csv",
    "/fundings.json",
    "/search",
    *(f"/{c}" for c in COLLECTIONS),
)


def open_store(settings: Settings) -> Store:
    """Open the store the settings name, read-only; building it is the caller's job (``kg
    serve`` builds an on-disk store; a sparql: store is loaded by whoever runs the server)."""
    path = settings.store_path()
    if path is not None:
        from kg.backup import recover_swap

        recover_swap(path)  # a store swap cut short by a crash: the previous store is whole
    elif journal.record_path(settings.backups_path()).exists():
        # A write to a SPARQL server cut short between two graphs: put them back first.
        writable = open_configured(settings)
        try:
            journal.recover(writable, settings.backups_path())
        finally:
            writable.close()
    if settings.serve_from_memory and path is not None and path.is_dir():
        return OxigraphStore.in_memory_copy(path)
    return open_configured(settings, read_only=True)  # says so when there is no store yet


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The application, serving ``store`` if given (tests) or else the store the settings name.

    A given store stays open after shutdown; one the app opened itself is closed.
    """
    settings = settings if settings is not None else Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = store if store is not None else open_store(settings)
        # User SPARQL runs in worker processes that the deadline kills (src/kg/api/query_runner.py).
        # When the served store has a directory (also when the app serves an in-memory copy of
        # it: writes commit to the directory before the copy is swapped), workers open that
        # directory read-only instead of loading a snapshot: a snapshot is one more copy of the
        # data in RAM per worker, which at 1M triples broke the 1 GB serving budget.
        on_disk = store is None
        app.state.store = opened
        if on_disk:
            search_index.warm(opened)  # seconds at 1M triples: not in the first search
        runner: QueryRunner[Any, Any] = QueryRunner(
            lambda: app.state.store,
            timeout=settings.query_timeout,
            workers=settings.query_workers,
            memory_bytes=worker_memory_bytes(settings),
            on_disk=opened.directory() if on_disk else None,
        )
        app.state.query_runner = runner
        if on_disk:  # served: a worker ready for the first query (QueryRunner.start)
            await runner.start()
        # The writes call this after every commit; workers then reload before their next
        # query, and rendered answers are dropped.

        def data_changed() -> None:
            runner.data_changed()
            if cache is not None:
                cache.clear()

        app.state.data_changed = data_changed
        try:
            yield
        finally:
            runner.close()
            app.state.data_changed = lambda: None
            # A write may have swapped another store in (``routes.graphs``): close every
            # store the app opened, the one served now included; a store handed in stays open.
            served, app.state.store = app.state.store, None
            mine = [] if store is not None else [opened]
            if served is not None and served is not store and served is not opened:
                mine.append(served)
            for each in mine:
                each.close()

    # Rendered answers of the read routes, only for a store the app opened itself: a store
    # handed in (tests, embedding) may change without the app knowing (src/kg/api/cache.py).
    cache = (
        ResponseCache(settings.response_cache_entries)
        if store is None and settings.response_cache_entries > 0
        else None
    )

    app = FastAPI(
        title="coop-kg",
        version=kg.__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        # /docs is served from the vendored Swagger UI (src/kg/api/routes/pages.py), never a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = None
    # Called after every committed write; the lifespan makes it reload the query workers.
    app.state.data_changed = lambda: None
    try:
        app.state.trusted_proxies = trusted_networks(settings.trusted_proxies)
    except ValueError as exc:
        raise SettingsError(f"KG_TRUSTED_PROXIES: {exc}") from exc
    app.state.query_budget = QueryBudget(settings.client_query_seconds)
    problems.install(app)
    app.state.problem_page = pages.problem_pages({"/fundings": funding_pages.fundings_problem_page})
    app.include_router(sparql.router)
    # The REST API (/api/...), entity pages (/id/...), exports and /health are included here.
    for router in rest.routers:
        app.include_router(router)
    app.router.default = rest.not_found
    app.include_router(pages.router)
    app.include_router(funding_pages.router)
    app.include_router(query_page.router)
    app.include_router(linked_data.router)
    app.include_router(exports.router)
    app.include_router(health.router)
    # Curators' writes (Graph Store Protocol, SPARQL Update), with a bearer token.
    app.include_router(graphs.router)
    app.add_middleware(DropBlankFields, paths=FORM_PATHS)
    # Outside the response cache: a replayed answer needs no deadline (src/kg/api/deadline.py).
    app.add_middleware(
        DeadlineMiddleware, seconds=settings.query_timeout, page=app.state.problem_page
    )
    if cache is not None:
        app.add_middleware(CacheMiddleware, cache=cache)
    app.state.response_cache = cache
    if settings.read_access == "token":
        # Outside the response cache: a cached answer goes only to a reader too.
        shared = settings.write_token.get_secret_value() if settings.write_token else None
        app.add_middleware(ReadAccess, keeper=TokenKeeper(settings.curators_path(), shared))
    if settings.cors_origins:
        # Outside the deadline and the cache, so that a preflight is answered first; GET,
        # HEAD and POST (a SPARQL query by form or body), never the curators' writes.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "HEAD", "POST"],
            allow_headers=["Accept", "Content-Type"],
            expose_headers=["Link", "Content-Location", "Retry-After"],
            max_age=600,
        )
    # Outermost: HEAD is GET for everything inside, the body dropped last (kg.api.head).
    app.add_middleware(HeadAsGet)
    if store is None:  # served as deployed (kg serve, uvicorn --factory); see build_routes
        build_routes(app)
    return app


def build_routes(app: FastAPI) -> None:
    """Have FastAPI build every route's parameters now, before a server takes requests:
    FastAPI 0.165 builds them at the first request that reaches each route, and once in CI
    that build answered ``/health`` 500 while other requests were under way over HTTP
    (pydantic's "alias has no effect" warning, raised under the tests' warnings-as-errors;
    tests/api/test_query_limits.py). Its cause was not pinned down; built here, no request
    builds them. Matching a path no route has builds them all (90-200 ms), so it is done for
    apps that a server runs (``create_app`` without a store, ``kg.api.server.make_server``),
    not for each of the suite's hundreds of in-process test apps, which it cost 0.1-0.2 s each."""
    nowhere = {
        "type": "http",
        "method": "GET",
        "path": "/.kg-build-routes",
        "root_path": "",
        "headers": [],
        "query_string": b"",
    }
    for route in app.router.routes:
        route.matches(nowhere)

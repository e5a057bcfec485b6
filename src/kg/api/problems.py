"""Every error the API returns is RFC 9457 ``application/problem+json``, made here and only here.

Routes raise: a ``KGError`` from the library, a ``Problem`` for HTTP-level conditions (406, 503
on a deadline), or let FastAPI raise ``HTTPException``/``RequestValidationError``. One handler
turns each into ``{"type", "title", "status", "detail", "instance", ...}``. ``type`` is
``about:blank`` when the status code says it all, and an IRI under ``PROBLEM_BASE`` otherwise.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import asdict
from http import HTTPStatus
from typing import Any, Final, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from kg._namespaces import BASE
from kg.errors import (
    AmbiguousNameError,
    ConfigurationError,
    DataNotConformingError,
    FetchRefusedError,
    GraphNotFoundError,
    KGError,
    NameResolutionError,
    NotFoundError,
    QueryError,
    QueryTimeoutError,
    RefusedQueryError,
    ReservedGraphError,
    SettingsError,
    SourceError,
    StoreError,
    UnknownNameError,
    UnsupportedMediaTypeError,
    UpdateSyntaxError,
    UploadError,
    WriteError,
    WriteNotConformingError,
)

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"
PROBLEM_BASE: Final = BASE + "problems/"

log = logging.getLogger(__name__)

#: Library errors by class (most specific first): status, type slug (None: ``about:blank``),
#: title (None: the status phrase). The only place a library error gets its HTTP status.
_KG_ERRORS: Final[tuple[tuple[type[KGError], int, str | None, str | None], ...]] = (
    (RefusedQueryError, 400, "query-refused", "Query refused: this endpoint is read-only"),
    (FetchRefusedError, 400, "fetch-refused", "Refused: nothing is fetched on a request's behalf"),
    (UpdateSyntaxError, 400, "syntax-error", "The data does not parse"),
    (UploadError, 400, "syntax-error", "The data does not parse"),
    (QueryError, 400, "query-error", "Malformed or unanswerable SPARQL query"),
    (QueryTimeoutError, 503, "query-timeout", "Query timed out"),
    # The server's own settings: not something the client can fix (ConfigurationError from a
    # request is an unusable parameter).
    (SettingsError, 500, "server-misconfigured", "The server is misconfigured"),
    (ConfigurationError, 400, "bad-parameter", "Unusable parameter"),
    (GraphNotFoundError, 404, "not-found", "No such graph"),
    (NotFoundError, 404, "not-found", "No such entity"),
    (AmbiguousNameError, 400, "ambiguous-name", "The name fits several entities"),
    (UnknownNameError, 400, "unknown-name", "The name fits no entity"),
    (ReservedGraphError, 403, "reserved-graph", "Reserved graph"),
    (WriteError, 400, "write-refused", "Write refused"),
    (UnsupportedMediaTypeError, 415, None, None),
    (StoreError, 503, "store-unavailable", "The store is unavailable"),
    (WriteNotConformingError, 422, "data-not-conforming", "The data does not conform"),
    (DataNotConformingError, 500, "data-not-conforming", "The data does not conform"),
    (SourceError, 500, "source-error", "A source file cannot be used"),
    (KGError, 500, "kg-error", "Knowledge graph error"),
)


class Problem(Exception):
    """An HTTP problem a route raises directly; extra keyword arguments become members."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        type_: str | None = None,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type = PROBLEM_BASE + type_ if type_ else "about:blank"
        self.title = title or HTTPStatus(status).phrase
        self.headers = dict(headers or {})
        self.extensions = extensions


class ProblemDetails(BaseModel):
    """RFC 9457 problem details, as documented in the OpenAPI schema."""

    type: str = Field(examples=[PROBLEM_BASE + "query-error"])
    title: str = Field(examples=["Malformed or unanswerable SPARQL query"])
    status: int = Field(examples=[400])
    detail: str = Field(examples=["SPARQL syntax error: error at 1:10: expected CONSTRUCT"])
    instance: str = Field(examples=["/sparql"])


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries saying these statuses come as problem+json."""
    schema = {"$ref": "#/components/schemas/ProblemDetails"}
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}},
        }
        for status in statuses
    }


def problem_response(request: Request, problem: Problem) -> Response:
    body = {
        "type": problem.type,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.url.path,
        **problem.extensions,
    }
    return Response(
        json.dumps(body, ensure_ascii=False).encode("utf-8"),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


def to_problem(exc: Exception) -> Problem:
    """The problem that reports ``exc``; unknown exceptions become an opaque 500."""
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, KGError):
        detail, extra = _details(exc)
        for kind, status, slug, title in _KG_ERRORS:
            if isinstance(exc, kind):
                return Problem(status, detail, type_=slug, title=title, **extra)
    if isinstance(exc, RequestValidationError):
        errors = [
            {"location": list(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors()
        ]
        listing = "; ".join(f"{'.'.join(map(str, e['location']))}: {e['message']}" for e in errors)
        return Problem(
            400,
            f"Invalid request: {listing}",
            type_="invalid-request",
            title="Invalid request",
            errors=errors,
        )
    if isinstance(exc, HTTPException):
        phrase = HTTPStatus(exc.status_code).phrase
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else ""
        if exc.status_code == 405 and exc.headers and "Allow" in exc.headers:
            detail = detail or f"Use one of: {exc.headers['Allow']}."
        if exc.status_code == 404 and not detail:
            detail = "Nothing here; the OpenAPI document at /docs lists every route."
        return Problem(exc.status_code, detail or phrase, headers=exc.headers)
    return Problem(500, "An unexpected error occurred; the server log has the details.")


def _details(exc: KGError) -> tuple[str, dict[str, Any]]:
    """The detail of the problem that reports ``exc``, and the members it adds."""
    if isinstance(exc, NameResolutionError):
        # A name that fits no entity or several: say which, so a client can offer a choice.
        return str(exc), {"name": exc.name, "candidates": list(exc.candidates)}
    if isinstance(exc, UploadError | UpdateSyntaxError):
        return str(exc), {"line": exc.line, "column": exc.column} if exc.line else {}
    if isinstance(exc, WriteNotConformingError):
        return (
            f"The data after this write would not conform to the shapes ({len(exc.violations)} "
            "new violation(s)); nothing was written. Each result names the node, the property "
            "and what the shape asks for.",
            {"results": [asdict(v) for v in exc.violations]},
        )
    if isinstance(exc, SettingsError):
        # Settings name hosts and paths of the server: the log has them, the client not.
        return "The server's configuration cannot be used; the server log has the details.", {}
    return str(exc), {}


async def handle(request: Request, exc: Exception) -> Response:
    """The one exception handler of the app."""
    problem = to_problem(exc)
    # A query cut at its deadline is the limit working, not a fault: no traceback.
    if problem.status >= 500 and not isinstance(exc, QueryTimeoutError):
        log.error("%s %s: %s", request.method, request.url.path, exc, exc_info=exc)
    # The pages for people mark their requests; they get the same problem as a page.
    page = getattr(request.app.state, "problem_page", None)
    if page is not None and getattr(request.state, "page", False):
        return cast(Response, page(request, problem))
    return problem_response(request, problem)


def install(app: FastAPI) -> None:
    """Route every error through ``handle`` and document the problem schema."""
    for kind in (Problem, KGError, RequestValidationError, HTTPException, Exception):
        app.add_exception_handler(kind, handle)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            schemas["ProblemDetails"] = ProblemDetails.model_json_schema()
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]

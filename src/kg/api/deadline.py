"""REST routes and pages answer within a deadline, as /sparql does: 503 at the deadline.

/sparql runs user queries in worker processes that its deadline kills (``src/kg/api/query_runner``),
because a user query can be anything. REST routes and pages run our own named queries, on the
served store in memory, in the server process; moving them into killable workers would make
each answer cross a process boundary and read the store from disk (3-6x slower, docs/measured.md).
What this middleware does instead, for every GET/HEAD outside the excluded paths:

* it sets the request's deadline (``kg.deadline``, ``KG_QUERY_TIMEOUT`` seconds) and runs the
  route as a task; the route's queries run in a worker thread (FastAPI runs plain ``def``
  routes in a thread pool) into which the deadline is copied;
* at the deadline, if the route has not started its response, the client gets a 503:
  problem+json (``query-timeout``), or an error page for a request of a page for people,
  and the route's later messages are dropped;
* the abandoned thread stops at its next named query or its next rows (``kg.deadline.check``
  in ``kg.queries`` and ``kg.stores.oxigraph``); only the one query evaluation in progress runs
  to its end. pyoxigraph releases the GIL while it evaluates, so meanwhile the server keeps
  answering (/health, other routes) on its other threads.

The trade-off: no hard stop. A single evaluation that takes minutes keeps a thread (and a
core) busy for minutes after its client got the 503; the thread pool (40 threads) bounds how
many can pile up. A killable worker would stop it at once, at the price of every answer.
The named queries are bounded per answer (entity relations are paged, lists have LIMITs), so
that case is one we avoid by design, and the deadline catches what slips through.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Final

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg import deadline
from kg.api.problems import Problem, problem_response
from kg.errors import QueryTimeoutError

log = logging.getLogger(__name__)

#: Paths with a deadline of their own or none by design: /sparql (killable workers), writes
#: and downloads (their size is the client's choice), health, static files and the API docs.
EXCLUDED: Final = (
    "/sparql",
    "/graphs",
    "/export",
    "/health",
    "/static/",
    "/docs",
    "/openapi.json",
)


class DeadlineMiddleware:
    """ASGI middleware: GET/HEAD requests outside ``excluded`` answer within ``seconds`` or
    get a 503 (see the module docstring). ``page`` renders a problem as a page for people."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        seconds: float,
        page: Callable[[Request, Problem], Response] | None = None,
        excluded: Sequence[str] = EXCLUDED,
    ) -> None:
        self.app = app
        self.seconds = seconds
        self.page = page
        self.excluded = tuple(excluded)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"].startswith(self.excluded)
        ):
            await self.app(scope, receive, send)
            return
        started = late = False

        async def guarded(message: Message) -> None:
            nonlocal started
            if late:
                return  # the client already has its 503
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        with deadline.within(self.seconds):
            # The task copies the context, deadline included, and passes it to the threads.
            task = asyncio.ensure_future(self.app(scope, receive, guarded))
        done, _ = await asyncio.wait({task}, timeout=self.seconds)
        if task in done or started:
            await task  # finished, or streaming a response already begun: let it end
            return
        late = True
        task.add_done_callback(_forget)
        await self._timeout(scope, receive, send)

    async def _timeout(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = Problem(
            503,
            f"The answer did not come within {self.seconds:g} s, this server's limit "
            "(KG_QUERY_TIMEOUT), and was abandoned. Ask for less (a smaller page, a narrower "
            "filter) or try again when the server is less busy.",
            type_="query-timeout",
            title="Query timed out",
            headers={"Retry-After": str(max(1, round(self.seconds)))},
        )
        request = Request(scope, receive)
        response = (
            self.page(request, problem)
            if self.page is not None and _wants_page(scope)
            else problem_response(request, problem)
        )
        await response(scope, receive, send)


def _wants_page(scope: Scope) -> bool:
    """A request for a page for people: not under /api, and asking for HTML."""
    if scope["path"].startswith("/api/") or scope["path"] == "/api":
        return False
    accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1")
    return "text/html" in accept


def _forget(task: asyncio.Future[None]) -> None:
    """Collect the abandoned route's outcome: a deadline stop is expected, anything else is
    logged as it would have been."""
    if task.cancelled():
        return
    error = task.exception()
    if error is not None and not isinstance(error, QueryTimeoutError):
        log.error("an answer abandoned at its deadline failed afterwards: %s", error)

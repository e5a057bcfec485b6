"""The deadline of the request being answered, seen by the code that runs its queries.

The API answers a REST or page request with 503 when its deadline passes
(``src/kg/api/deadline.py``) and stops waiting for the route; the thread computing the answer goes
on until it looks at the clock. It looks here: before every named query (``kg.queries``) and
between result rows (``kg.stores.oxigraph``), so an abandoned answer stops at its next query or
its next rows instead of running to the end. A single query evaluation cannot be stopped from
Python (pyoxigraph has no cancel; docs/measured.md): that part runs to its end, on a thread
that has released the GIL, while the server answers other requests.

A ``ContextVar`` carries the deadline because the answer runs in a worker thread that the
request's context is copied into; code outside a request (the CLI, builds) sees no deadline.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

from kg.errors import QueryTimeoutError

#: ``time.monotonic()`` by which the current answer must be done, or None for no deadline.
DEADLINE: Final[ContextVar[float | None]] = ContextVar("kg_deadline", default=None)


def check() -> None:
    """Raise ``QueryTimeoutError`` if the current deadline has passed."""
    deadline = DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTimeoutError(
            "the answer ran past its deadline (KG_QUERY_TIMEOUT) and was stopped"
        )


@contextmanager
def within(seconds: float) -> Iterator[float]:
    """Give the code inside (and the tasks and threads it starts) ``seconds`` to finish;
    yields the deadline."""
    deadline = time.monotonic() + seconds
    token = DEADLINE.set(deadline)
    try:
        yield deadline
    finally:
        DEADLINE.reset(token)

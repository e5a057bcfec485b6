"""Named SPARQL queries (``*.rq``): every answer the CLI and API give comes from one of these."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from functools import cache
from importlib import resources
from typing import Final, TypeVar

from kg import deadline
from kg.errors import QueryError
from kg.sparql_guard import where_body
from kg.stores.base import SelectResult, Store, Term, sparql_term, with_rows

_PAGE = re.compile(r"\bLIMIT\s+\d+\s+OFFSET\s+\d+")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
T = TypeVar("T")
#: Threads that wait on a SPARQL server for ``together``: a few answers at once, each asking a
#: few queries at once.
_WAITERS: Final = ThreadPoolExecutor(max_workers=8, thread_name_prefix="kg-queries")
#: The most terms one VALUES block binds (``select``'s ``rows``): callers with more (a
#: summary's fundings or groups) ask in chunks of this many, which a SPARQL server parses
#: quickly.
VALUES_CHUNK: Final = 1000

__all__ = [
    "VALUES_CHUNK",
    "load_query",
    "query_names",
    "query_text",
    "recorded",
    "recording",
    "select",
    "select_each",
    "start_recording",
    "together",
    "used",
    "with_rows",
]

#: The names of the named queries used by the answer being computed, in first-use order, or
#: None outside a recording. A ``ContextVar`` holding one list: the answer runs in a worker
#: thread the request's context is copied into, and appends to the list the request reads.
_USED: ContextVar[list[str] | None] = ContextVar("kg_queries_used", default=None)


def start_recording() -> list[str]:
    """Record, from here on in this context (and the threads it starts), every named query
    used; the returned list fills as they run. The REST routes name them in ``Link``
    headers, so the header says what computed the answer rather than what a hand-kept list
    guesses."""
    names: list[str] = []
    _USED.set(names)
    return names


@contextmanager
def recording() -> Iterator[list[str]]:
    """``start_recording`` for the code inside only."""
    names: list[str] = []
    token = _USED.set(names)
    try:
        yield names
    finally:
        _USED.reset(token)


def recorded() -> list[str]:
    """The names recorded so far in this context, in first-use order (empty when none is)."""
    return list(_USED.get() or ())


def used(name: str) -> None:
    """Note that the answer being computed uses ``queries/{name}.rq`` (a no-op outside a
    recording). ``load_query`` calls it; call it directly for an answer kept from an earlier
    run of the query (a per-app cache), which this answer uses as much as a fresh one."""
    names = _USED.get()
    if names is not None and name not in names:
        names.append(name)


def load_query(name: str) -> str:
    """The text of ``queries/{name}.rq``, to run: noted as used (``used``). To show a query's
    text without running it, use ``query_text``."""
    used(name)
    return query_text(name)


@cache
def query_text(name: str) -> str:
    """The text of ``queries/{name}.rq`` (read once per process: the files ship with the code)."""
    return resources.files(__name__).joinpath(f"{name}.rq").read_text(encoding="utf-8")


def with_constants(
    name: str, constants: Mapping[str, Term], page: tuple[int, int] | None = None
) -> str:
    """The text of ``queries/{name}.rq`` to run, each ``$name`` of ``constants`` written as
    its term and its page as ``page`` (see ``select``): for callers that evaluate it
    themselves (``kg.tallies``)."""
    return _written(name, load_query(name), constants, page)


def query_names() -> list[str]:
    return sorted(
        p.name.removesuffix(".rq")
        for p in resources.files(__name__).iterdir()
        if p.name.endswith(".rq")
    )


def select(
    store: Store,
    name: str,
    bindings: Mapping[str, Term | None] | None = None,
    *,
    rows: tuple[str, Sequence[Term]] | None = None,
    constants: Mapping[str, Term] | None = None,
    page: tuple[int, int] | None = None,
) -> SelectResult:
    """Run the SELECT ``queries/{name}.rq`` with parameters; a ``None`` parameter stays unbound,
    which the named queries read as "no such filter". ``rows`` (variable, terms) binds one
    variable to several values (see ``with_rows``).

    ``constants`` writes terms in place of ``$name`` (as SHACL-SPARQL does with ``$this``) and
    ``page`` (limit, offset) rewrites the query's one ``LIMIT n OFFSET m``, for the queries
    whose comment says the server does: a page cut inside a sub-select, whose variables a
    VALUES block outside cannot reach, and whose pattern pyoxigraph then plans from the
    constants (a VALUES of many rows it joins after evaluating the pattern: 15 ms instead of
    1 ms for a page of Japan's relations on the shipped data).
    """
    given = {k: v for k, v in (bindings or {}).items() if v is not None}
    text = load_query(name)
    if rows is not None:
        text = with_rows(text, *rows)
    return _run_select(store, name, _written(name, text, constants, page), given or None)


def together(store: Store, *calls: Callable[[], T]) -> list[T]:
    """The results of ``calls`` (each runs named queries on ``store``), in their order.

    On a SPARQL server (``store.in_process`` False) they run at once, each in a thread with a
    copy of the caller's context (its deadline and its recording of the queries used): the
    answer waits for the slowest query, not for the sum of the round trips and of the server
    writing each result (Virtuoso spends more time writing JSON than evaluating a page of
    funding details at 1M triples). An embedded engine shares this process's cores with the
    other requests: there they run one after the other.
    """
    if store.in_process or len(calls) < 2:
        return [call() for call in calls]
    futures = [_WAITERS.submit(copy_context().run, call) for call in calls]
    return [future.result() for future in futures]


def select_each(
    store: Store,
    name: str,
    branches: Sequence[Mapping[str, Term]],
    *,
    tag: str,
    page: tuple[int, int] | None = None,
) -> SelectResult:
    """Run ``queries/{name}.rq`` once per set of ``constants`` (see ``select``), as one query:
    the WHERE group of each, joined by UNION, with ``?{tag}`` bound to the branch's ``tag``
    constant so that rows say which branch gave them. One query instead of one per branch:
    on the shipped data the checks and conversions around each query cost as much as the
    query (the first page of each of Japan's 14 groups of incoming relations).
    """
    if not _VARIABLE.fullmatch(tag):
        raise QueryError(f"{tag!r} is not a SPARQL variable name")
    text = load_query(name)
    start = where_body(text)
    end = text.rindex("}")
    parts = []
    for constants in branches:
        body = _written(name, text[start:end], constants, page)
        parts.append(f"{{ BIND ({sparql_term(constants[tag])} AS ?{tag})\n{body}}}")
    union = "\n UNION ".join(parts) if parts else "FILTER (false)"
    head = "\n".join(
        line for line in text[: start - 1].splitlines() if not line.lstrip().startswith("#")
    )
    head = re.sub(r"\bSELECT(\s+DISTINCT)?", lambda m: f"{m.group()} ?{tag}", head, count=1)
    return _run_select(store, name, f"{head}{{\n{union}\n}}\n", None)


def _run_select(
    store: Store, name: str, text: str, bindings: Mapping[str, Term] | None
) -> SelectResult:
    """Run the written text of ``queries/{name}.rq`` unless the request's deadline has passed
    (``kg.deadline``): the one place a named query reaches the store."""
    deadline.check()
    result = store.query(text, bindings=bindings)
    if not isinstance(result, SelectResult):
        raise QueryError(f"queries/{name}.rq is not a SELECT query")
    return result


def _written(
    name: str,
    text: str,
    constants: Mapping[str, Term] | None,
    page: tuple[int, int] | None,
) -> str:
    """``text`` with each ``$name`` of ``constants`` written as its term and the one
    ``LIMIT n OFFSET m`` rewritten to ``page`` (see ``select``)."""
    for variable, term in (constants or {}).items():
        written = sparql_term(term)  # refuses anything that is not one term
        text = written.join(re.split(rf"\${re.escape(variable)}\b", text))
    if page is not None:
        limit, offset = page
        if limit < 1 or offset < 0:
            raise QueryError(f"a page needs limit >= 1 and offset >= 0, not {limit}, {offset}")
        text, found = _PAGE.subn(f"LIMIT {int(limit)} OFFSET {int(offset)}", text)
        if found != 1:
            raise QueryError(f"queries/{name}.rq has {found} LIMIT n OFFSET m clauses, not one")
    return text

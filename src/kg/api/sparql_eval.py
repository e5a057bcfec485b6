"""Evaluate one checked SPARQL query and serialise its answer: the work a query worker does.

The ``/sparql`` route (``kg.api.routes.sparql``) checks a request and hands a ``QueryJob`` to the
query runner (``kg.api.query_runner``), which runs ``evaluate`` in a worker process it can kill
at the deadline (or in a thread, for a store that lives elsewhere). Kept apart from the route so
that a worker imports the evaluation and the result formats, not the web routes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from kg.api.negotiation import Offer, negotiate, offers
from kg.export import RDF_ANSWERS, RESULT_FORMATS
from kg.results import serialize
from kg.stores.base import AskResult, GraphResult, QueryResult, SelectResult, Store

#: What each query form is answered in, from the one table of formats (``kg.export``).
SELECT_OFFERS: Final = offers(RESULT_FORMATS.values())
ASK_OFFERS: Final = offers(f for f in RESULT_FORMATS.values() if f.boolean)
GRAPH_OFFERS: Final = offers(RDF_ANSWERS)
OFFERS_BY_FORM: Final = {
    "SELECT": SELECT_OFFERS,
    "ASK": ASK_OFFERS,
    "CONSTRUCT": GRAPH_OFFERS,
    "DESCRIBE": GRAPH_OFFERS,
}


@dataclass(frozen=True, slots=True)
class QueryJob:
    """One checked query, as sent to a query worker."""

    sparql: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    accept: str | None
    formats: tuple[str, ...]
    what: str
    max_rows: int
    max_bytes: int


@dataclass(frozen=True, slots=True)
class QueryAnswer:
    """A serialised result and whether the row or byte cap cut it."""

    body: bytes
    media_type: str
    rows_cut: bool
    bytes_cut: bool


def evaluate(store: Store, job: QueryJob, seconds_left: float) -> QueryAnswer:
    """Evaluate, truncate and serialise ``job`` on ``store``: in a query worker process, or
    in a thread for a store that lives elsewhere (``kg.api.query_runner``).

    Serialising is part of the work under the deadline: a long result in SPARQL XML costs more
    than evaluating it. A SPARQL server is given the time left, so that it stops the query too.
    The byte cap cuts rows, not bytes, so that a cut response is still a whole document: the
    result is serialised again with the share of rows that fits (with a margin), usually once.
    """
    result = store.query(
        job.sparql,
        default_graphs=job.default_graphs,
        named_graphs=job.named_graphs,
        timeout=max(seconds_left, 0.001),
    )
    offer = negotiate(job.accept, _offers_for(result), job.formats, what=job.what)
    result, rows_cut = _truncate(result, job.max_rows)
    body = serialize(result, offer.name)
    bytes_cut = False
    while len(body) > job.max_bytes and (rows := _length(result)) > 0:
        keep = min(rows - 1, int(rows * job.max_bytes / len(body) * 0.95))
        result, bytes_cut = _truncate(result, keep)[0], True
        body = serialize(result, offer.name)
    return QueryAnswer(body, offer.media_type, rows_cut, bytes_cut)


def _length(result: QueryResult) -> int:
    if isinstance(result, SelectResult):
        return len(result.rows)
    if isinstance(result, GraphResult):
        return len(result.triples)
    return 0


def _offers_for(result: QueryResult) -> Sequence[Offer]:
    if isinstance(result, SelectResult):
        return SELECT_OFFERS
    if isinstance(result, AskResult):
        return ASK_OFFERS
    return GRAPH_OFFERS


def _truncate(result: QueryResult, limit: int) -> tuple[QueryResult, bool]:
    if isinstance(result, SelectResult) and len(result.rows) > limit:
        return SelectResult(result.variables, result.rows[:limit]), True
    if isinstance(result, GraphResult) and len(result.triples) > limit:
        return GraphResult(result.triples[:limit]), True
    return result, False

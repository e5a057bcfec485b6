"""Named queries without the filters of parameters left unbound.

The named queries take every optional parameter as ``FILTER (!BOUND(?xParam) || ...)``: a
researcher reads one query with every rule in it, and a parameter left unbound filters
nothing. Engines still evaluate each such filter for every candidate row: at 1M triples the
fifteen filters of ``fundings.rq`` cost pyoxigraph about 40% of selecting the fundings in Asia,
and Virtuoso 7.2 evaluated their ``EXISTS`` for every funding in the store (18.6 s). A filter
whose expression is ``!BOUND(?p) || anything`` is true whenever ``?p`` is unbound (``||`` is the
lowest precedence, and ``true || error`` is true), so dropping it when ``?p`` is not a bound
parameter changes no answer; ``prune`` does only that, and only for filters of that exact form
written first on their line. Likewise a block ``OPTIONAL { FILTER (BOUND(?p)) ... }`` (a part
of an answer asked for by a parameter) never matches while ``?p`` is unbound, so it goes, and
while ``?p`` is bound its filter is true, so the filter goes.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Final

from kg import deadline
from kg.errors import QueryError
from kg.queries import load_query
from kg.stores.base import SelectResult, Store, Term, with_rows

_FILTER: Final = re.compile(r"(?m)^[ \t]*FILTER \(!BOUND\(\?(\w+)\)\s*\|\|")
_OPTIONAL: Final = re.compile(r"(?m)^[ \t]*OPTIONAL \{ (FILTER \(BOUND\(\?(\w+)\)\)\s*)")
_IRI: Final = re.compile(r"<[^\s<>\"{}|^`\\]*>")


def prune(sparql: str, bound: Collection[str]) -> str:
    """``sparql`` without the ``FILTER (!BOUND(?p) || ...)`` and ``OPTIONAL { FILTER
    (BOUND(?p)) ... }`` blocks (whole lines) of every ``?p`` not in ``bound`` (variable names
    without "?"), and without the ``FILTER (BOUND(?p))`` of such blocks whose ``?p`` is."""
    return _prune_optionals(_prune_filters(sparql, bound), bound)


def _prune_optionals(sparql: str, bound: Collection[str]) -> str:
    out: list[str] = []
    at = 0
    for match in _OPTIONAL.finditer(sparql):
        if match.start() < at:
            continue
        if match.group(2) in bound:
            out.append(sparql[at : match.start(1)])
            at = match.end(1)
            continue
        end = _closing(sparql, sparql.index("{", match.start()), "{}")
        if end is None:
            continue
        rest = sparql.find("\n", end)
        line_end = len(sparql) if rest == -1 else rest + 1
        if sparql[end + 1 : line_end].strip():
            continue
        out.append(sparql[at : match.start()])
        at = line_end
    out.append(sparql[at:])
    return "".join(out)


def _prune_filters(sparql: str, bound: Collection[str]) -> str:
    out: list[str] = []
    at = 0
    for match in _FILTER.finditer(sparql):
        if match.start() < at or match.group(1) in bound:
            continue
        end = _closing(sparql, sparql.index("(", match.start()))
        if end is None:
            continue
        rest = sparql.find("\n", end)
        line_end = len(sparql) if rest == -1 else rest + 1
        if sparql[end + 1 : line_end].strip():
            continue  # something else follows on the line: leave the filter alone
        out.append(sparql[at : match.start()])
        at = line_end
    out.append(sparql[at:])
    return "".join(out)


def _closing(text: str, opening: int, pair: str = "()") -> int | None:
    """The index of the bracket (of ``pair``) that closes the one at ``opening``, skipping
    strings, IRIs and comments; None if there is none."""
    depth = 0
    i = opening
    while i < len(text):
        char = text[i]
        if char in "\"'":
            close = text.find(char, i + 1)
            if close == -1:
                return None
            i = close
        elif char == "<" and (iri := _IRI.match(text, i)):
            i = iri.end() - 1
        elif char == "#":
            newline = text.find("\n", i)
            i = len(text) if newline == -1 else newline
        elif char == pair[0]:
            depth += 1
        elif char == pair[1]:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def select_bound(
    store: Store,
    name: str,
    bindings: Mapping[str, Term | None],
    *,
    suffix: str = "",
    rows: tuple[str, Sequence[Term]] | None = None,
) -> SelectResult:
    """``kg.queries.select`` of the named query ``name`` without the filters of the parameters
    ``bindings`` leaves None (``prune``); ``suffix`` (a solution modifier such as ``LIMIT 50
    OFFSET 0``) goes after the query's own; ``rows`` (variable, terms) binds one variable to
    several values, as ``select`` does."""
    given = {k: v for k, v in bindings.items() if v is not None}
    text = prune(load_query(name), given)
    if rows is not None:
        text = with_rows(text, *rows)
    if suffix:
        text = f"{text.rstrip()}\n{suffix}\n"
    deadline.check()
    result = store.query(text, bindings=given or None)
    if not isinstance(result, SelectResult):
        raise QueryError(f"queries/{name}.rq is not a SELECT query")
    return result

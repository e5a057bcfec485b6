"""Refuse SPARQL that could change data or reach other servers, before any engine sees it.

Both engines we use execute ``SERVICE`` (pyoxigraph even ``SERVICE SILENT``) and rdflib executes
``LOAD`` (see docs/measured.md), so a public endpoint must decide from the text alone. Parsing
the query with rdflib would cost more than pyoxigraph takes to answer it, so this is a lexical
scan: one regular expression walks the text token by token, skipping string literals, IRIs
``<...>``, comments, variables, language tags and prefixed names (``ex:load``, ``service:x``), and
looks at the bare words that remain, which in a SPARQL query can only be keywords, function names
and numbers. The scan errs on the side of refusing: text it cannot tokenise is read as words.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final

from kg._sparql_lexer import TOKEN
from kg.errors import QueryError
from kg.errors import RefusedQueryError as RefusedQueryError

#: Bare words that only occur in SPARQL Update (``WITH`` starts a ``DELETE``/``INSERT`` template).
UPDATE_KEYWORDS: Final = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
#: Query forms, in the order the grammar allows them after the prologue.
QUERY_FORMS: Final = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})

_WORD_PART: Final = re.compile(r"[^.\-]+")


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a query may not run here: the offending keyword and where it starts."""

    keyword: str
    line: int
    column: int

    @property
    def message(self) -> str:
        where = f"line {self.line}, column {self.column}"
        if self.keyword == "SERVICE":
            return (
                f"SERVICE (federated query) at {where} is not allowed: this endpoint does not "
                "contact other servers. Run the federated query from your own SPARQL engine "
                "and use this endpoint as one of its services."
            )
        if self.keyword == "LOAD":
            return (
                f"LOAD at {where} is not allowed: this endpoint is read-only and does not "
                "fetch documents. Load data through the curated sources and `kg build`."
            )
        return (
            f"{self.keyword} at {where} is SPARQL Update, and this endpoint is read-only. "
            "Send a SELECT, ASK, CONSTRUCT or DESCRIBE query; the data changes only through "
            "the curated sources and `kg build`."
        )


@dataclass(frozen=True, slots=True)
class Inspection:
    """What the scan learned: the query form (None if none was seen) and any refusal."""

    form: str | None
    refusal: Refusal | None


def inspect(sparql: str) -> Inspection:
    """Scan ``sparql`` once for its query form and the first forbidden keyword."""
    form: str | None = None
    for match in TOKEN.finditer(sparql):
        if match.lastgroup != "word":
            continue
        token = match.group()
        if ":" in token:  # a prefixed name or blank node label, never a keyword
            continue
        # "?o.SERVICE" is a variable, a dot and a keyword; numbers like 1.5e-3 split harmlessly.
        for part in _WORD_PART.finditer(token):
            upper = part.group().upper()
            if upper == "SERVICE" or upper in UPDATE_KEYWORDS:
                return Inspection(form, _refusal(sparql, upper, match.start() + part.start()))
            if form is None and upper in QUERY_FORMS:
                form = upper
    return Inspection(form, None)


def check(sparql: str) -> str | None:
    """The query form of ``sparql`` (SELECT, ASK, ...), or raise ``RefusedQueryError``.

    None means the scan saw no query form; the engine will then report the syntax error.
    """
    found = inspect(sparql)
    if found.refusal is not None:
        raise RefusedQueryError(found.refusal)
    return found.form


def _refusal(text: str, keyword: str, start: int) -> Refusal:
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return Refusal(keyword, line, column)


def where_body(sparql: str) -> int:
    """The offset just after the ``{`` that opens the query's (outermost) WHERE clause.

    Used to put a ``VALUES`` block at the top of the WHERE group (see
    ``kg.stores.base.with_values``). Strings, IRIs and comments are skipped as in ``inspect``,
    so a brace or the word WHERE inside them does not count. Raises ``QueryError`` for a query
    without an explicit WHERE keyword.
    """
    seen_where = False
    position = 0
    for match in TOKEN.finditer(sparql):
        if seen_where:
            brace = sparql.find("{", position, match.start())
            if brace != -1:
                return brace + 1
        if match.lastgroup == "word" and match.group().upper() == "WHERE":
            seen_where = True
        position = match.end()
    brace = sparql.find("{", position) if seen_where else -1
    if brace == -1:
        raise QueryError("parameters need a query with an explicit WHERE { ... } clause")
    return brace + 1


@functools.lru_cache(maxsize=1024)
def has_dataset_clause(sparql: str) -> bool:
    """Whether ``sparql`` names its own dataset (``FROM`` or ``FROM NAMED``).

    A store that builds the dataset for the caller (the union of our graphs, sent to a SPARQL
    server as protocol parameters) must leave such a query alone: protocol parameters would
    override the query's own choice.
    """
    return any(
        match.lastgroup == "word" and match.group().upper() == "FROM"
        for match in TOKEN.finditer(sparql)
    )

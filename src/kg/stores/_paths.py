"""Whether a SPARQL query has a variable-length property path (``p*``, ``p+``, ``p?``).

The sparql: store needs to know because Virtuoso 7.2 evaluates such paths wrongly under its
fast way of keeping a query to our graphs (the exclusion pragmas; docs/virtuoso.md), so those
queries alone go out the slow way. The answer comes from rdflib's SPARQL parser, not from a
pattern over the text: ``*`` is also ``SELECT *``, ``COUNT(*)`` and a product, ``+`` a sum,
and ``?`` starts every variable. Parsing costs 10-150 ms, more than most of our queries take on
the server, so a lexical pass comes first and settles the common case: a query with no ``*``,
no ``+`` and no lone ``?`` outside strings, IRIs and comments cannot have such a path. Only
the rest are parsed, and each text once (named queries repeat).
"""

from __future__ import annotations

import functools
from typing import Any, Final

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg.sparql_guard import _TOKEN

#: The path modifiers of the SPARQL grammar (``PathMod``) that make a path's length vary.
_MODIFIERS: Final = frozenset({"*", "+", "?"})


def has_variable_path(sparql: str) -> bool:
    """True when ``sparql`` has a ``*``, ``+`` or ``?`` property path anywhere (subqueries,
    ``EXISTS`` and ``OPTIONAL`` included). A query rdflib cannot parse counts as having one
    (the server will judge it; the slow way is the safe way)."""
    return _might_have_path(sparql) and _parsed_has_path(sparql)


def _might_have_path(sparql: str) -> bool:
    """False only when no path modifier can be there: none of ``*``/``+`` between tokens, and
    no ``?`` standing alone (a ``?`` followed by a name is a variable)."""
    end = 0
    for match in _TOKEN.finditer(sparql):
        if "*" in sparql[end : match.start()] or "+" in sparql[end : match.start()]:
            return True
        if match.lastgroup == "variable" and len(match.group()) == 1:
            return True
        end = match.end()
    return "*" in sparql[end:] or "+" in sparql[end:]


@functools.lru_cache(maxsize=512)
def _parsed_has_path(sparql: str) -> bool:
    try:
        tree = parseQuery(sparql)
    except (ParseException, ValueError, TypeError):
        return True
    return _walk(tree)


def _walk(node: Any) -> bool:
    if isinstance(node, CompValue):
        if node.name == "PathElt" and node.get("mod") in _MODIFIERS:
            return True
        return any(_walk(value) for value in node.values())
    if isinstance(node, (list, tuple, ParseResults)):
        return any(_walk(value) for value in node)
    return False

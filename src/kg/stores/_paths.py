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
import re
from typing import Any, Final, NamedTuple

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg._sparql_lexer import TOKEN

#: A ``?`` not starting a variable name: a path modifier, or a character in a string or IRI.
_LONE_MARK: Final = re.compile(r"\?(?![\w\u00b7\u0300-\u036f\u203f-\u2040])")
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
    if "*" not in sparql and "+" not in sparql and _LONE_MARK.search(sparql) is None:
        # Settled without the lexer (0.4 ms in Python for a 4 kB union of entity groups,
        # on every query a sparql: store sends): none of the three characters is there at all.
        return False
    end = 0
    for match in TOKEN.finditer(sparql):
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


#: Rows a path's sub-select may give: more than any store holds, so the LIMIT never cuts; it is
#: there only because Virtuoso evaluates a sub-select with a LIMIT on its own (see below).
_NO_CUT: Final = 1_000_000_000
#: What may stand between a path triple's subject and object: IRIs, prefixed names, ``a``, and
#: the path operators. Anything else (``;``, ``,``, ``[``, a keyword) leaves the triple alone.
_PATH_PUNCTUATION: Final = frozenset("/|^()!*+?")
#: A word token that is a prefixed name (``skos:broader``; ``:x``), not a keyword or a number.
_PREFIXED: Final = re.compile(r"^[A-Za-z_]?[\w.-]*:[\w.%\\:-]*$")


def isolate_paths(sparql: str) -> str:
    """``sparql`` with each triple whose predicate is a variable-length path, written as a
    statement of its own (``?t skos:broader* id:x .``), turned into a sub-select of that
    triple alone with a LIMIT no answer reaches: ``{ SELECT ?t WHERE { ?t skos:broader* id:x }
    LIMIT 1000000000 }``.

    Why: Virtuoso 7.2, when the path is joined with other patterns of its group, evaluates it
    from the other patterns' bindings and loses rows (competency question 12 at 1M triples: 1
    row of 5 naming our graphs, 13 with duplicates under the exclusion pragmas;
    ``benchmarks/virtuoso_paths.py`` reproduces it). A sub-select with a LIMIT is evaluated
    first and on its own (as it is for the closures in ``collection-*.rq``), and then gives
    every row. The meaning is the same in SPARQL: a triple pattern is evaluated apart from the
    rest of its group and joined, exactly what a sub-select projecting its variables is.

    Triples written in a predicate-object list (``?x a ?t ; p* ?o``) or with a literal, blank
    node or collection at either end are left as written (the parse that decides would be
    the whole grammar's); so are paths with a variable at both ends (Virtuoso refuses such a
    path on its own: "transitive start not given"; joined it gave every row at 1M) or at
    neither, and paths inside
    ``GRAPH`` or ``EXISTS`` groups (a sub-select there means more than the triple: it would
    be evaluated against the graph or the row outside, which Virtuoso was not checked on).
    Strings, IRIs and comments are skipped by the same lexer as ``kg.sparql_guard``."""
    if not _might_have_path(sparql):
        return sparql
    tokens = _tokens(sparql)
    guarded = _guarded(tokens)
    out: list[str] = []
    end = 0
    i = 0
    while i < len(tokens):
        found = None if guarded[i] else _path_triple(tokens, i)
        if found is None:
            i += 1
            continue
        last = found
        subject, obj = tokens[i], tokens[last]
        names = dict.fromkeys(t.text for t in (subject, obj) if t.kind == "variable")
        if len(names) != 1 or subject.text == obj.text:
            # Both ends variables: Virtuoso evaluates such a path only from bindings the
            # rest of the group gives ("transitive start not given" on its own), and at
            # 1M triples it gave every row that way. No variable: nothing to isolate.
            i += 1
            continue
        body = sparql[subject.start : obj.end]
        out.append(sparql[end : subject.start])
        out.append(f"{{ SELECT {' '.join(names)} WHERE {{ {body} }} LIMIT {_NO_CUT} }}")
        end = obj.end
        i = last + 1
    out.append(sparql[end:])
    return "".join(out)


class _Token(NamedTuple):
    kind: str  # "variable", "iri", "name" (prefixed name or keyword), "punct", "other"
    text: str
    start: int
    end: int


def _tokens(sparql: str) -> list[_Token]:
    """The query as tokens, comments dropped, punctuation one character each; a word's
    trailing ``.`` (``id:x.``: a statement's end, never part of a prefixed name) split off."""
    out: list[_Token] = []

    def gap(start: int, stop: int) -> None:
        for offset, char in enumerate(sparql[start:stop]):
            if not char.isspace():
                out.append(_Token("punct", char, start + offset, start + offset + 1))

    end = 0
    for match in TOKEN.finditer(sparql):
        gap(end, match.start())
        end = match.end()
        kind, text, start = match.lastgroup or "other", match.group(), match.start()
        if kind == "comment":
            continue
        if kind == "word":
            stripped = text.rstrip(".")
            if stripped:
                out.append(_Token("name", stripped, start, start + len(stripped)))
            for offset in range(len(stripped), len(text)):
                out.append(_Token("punct", ".", start + offset, start + offset + 1))
            continue
        out.append(_Token(kind if kind in {"variable", "iri"} else "other", text, start, end))
    gap(end, len(sparql))
    return out


def _guarded(tokens: list[_Token]) -> list[bool]:
    """For each token, whether it lies inside a ``GRAPH ... { }`` or ``EXISTS { }`` group."""
    out: list[bool] = []
    stack: list[bool] = []
    for k, token in enumerate(tokens):
        if token.kind == "punct" and token.text == "{":
            before = [t.text.upper() for t in tokens[max(0, k - 2) : k]]
            stack.append(
                bool(stack and stack[-1]) or "GRAPH" in before[:1] or "EXISTS" in before[-1:]
            )
        elif token.kind == "punct" and token.text == "}" and stack:
            stack.pop()
        out.append(bool(stack and stack[-1]))
    return out


def _is_end(token: _Token) -> bool:
    """A term that can be a path triple's subject or object: a variable, an IRI or a
    prefixed name (a lone ``?`` is a path modifier, not a variable)."""
    if token.kind == "variable":
        return len(token.text) > 1
    return token.kind == "iri" or (token.kind == "name" and bool(_PREFIXED.match(token.text)))


def _path_triple(tokens: list[_Token], i: int) -> int | None:
    """The index of the object when a path triple statement starts at ``tokens[i]``."""
    if i == 0 or not _is_end(tokens[i]):
        return None
    if tokens[i - 1].kind != "punct" or tokens[i - 1].text not in "{.}":
        return None
    modified = False
    j = i + 1
    while j < len(tokens):
        token = tokens[j]
        after = tokens[j + 1] if j + 1 < len(tokens) else None
        if (
            j > i + 1
            and _is_end(token)
            and after is not None
            and after.kind == "punct"
            and after.text in ".}"
        ):
            return j if modified else None
        if token.kind == "punct" and token.text in _PATH_PUNCTUATION:
            modified = modified or token.text in "*+"
        elif token.kind == "variable" and token.text == "?":
            modified = True
        elif not (
            token.kind in {"iri", "name"}
            and (token.kind == "iri" or _is_end(token) or token.text == "a")
        ):
            return None
        j += 1
    return None

"""Summary totals kept in the derived graph: counts and sums per group and currency, one node
each, so that an unfiltered summary (``/api/fundings/summary?by=funder``) reads a few hundred
triples instead of aggregating every funding.

Why: the aggregate (funding-totals.rq) scans every funding twice, once grouped and once for
the overall tally. At 1M triples that took 214-859 ms in memory and 3.2-5.5 s on disk (the
embedded default), against a 200 ms target. The totals are what that query returns without
filters and without conversion, for each dimension alone (``DIMENSIONS``) and for no dimension
(the overall tally, ``ALL``); filtered, converted, split and two-dimension summaries still ask
the engine.

A write changes the totals by what its fundings counted before and count now (``delta``): the
fundings it touched are counted in the state before and in the staged state and the difference
is added to the stored nodes, so a one-graph write costs a few queries over those fundings, not
a scan of all of them. ``tests/test_derive_incremental.py`` checks that the result is the one a
whole recount gives.

What a funding counts in, by the rules of funding-totals.rq: each labelled funding (one that
has a ``ck:fundingOrder``) once in every group of a dimension it belongs to, the null group
when it has none (by funder ``schema:funder``, recipient ``ck:recipient``, region its own
``schema:areaServed`` and those of the initiative it funds, theme likewise with
``dcterms:subject``, year ``ck:fundingYear``); once per amount with a currency, a qualifier and
a value (``schema:minValue`` when the amount has no ``schema:value``), or once unpriced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Final
from urllib.parse import quote

from kg._namespaces import BASE, CK

_CK: Final = str(CK)
_SCHEMA: Final = "https://schema.org/"
_DCTERMS: Final = "http://purl.org/dc/terms/"

#: The dimensions whose totals are stored, and the name of the overall tally.
DIMENSIONS: Final = ("funder", "recipient", "region", "theme", "year")
ALL: Final = "all"
#: The predicates of a total node.
BY: Final = _CK + "totalBy"
GROUP: Final = _CK + "totalGroup"
YEAR: Final = _CK + "totalYear"
CURRENCY: Final = _CK + "totalCurrency"
QUALIFIER: Final = _CK + "totalQualifier"
COUNT: Final = _CK + "totalCount"
VALUE: Final = _CK + "totalValue"
PREDICATES: Final = frozenset({BY, GROUP, YEAR, CURRENCY, QUALIFIER, COUNT, VALUE})
#: Where total nodes live (``node``).
NODES: Final = BASE + "derived/total/"


class Text(str):
    """A plain string literal among derived objects (a plain ``str`` is an IRI there)."""

    __slots__ = ()


#: A derived triple's object: an IRI (str), an xsd:integer, an xsd:decimal or a string.
Object = str | int | Decimal | Text
Triple = tuple[str, str, Object]
Rows = Callable[[str, bool], list[tuple[str | None, ...]]]

#: A group of one dimension: an entity IRI, a year, or None (the null group).
GroupKey = str | int | None
#: One total node: dimension, group, and (currency, qualifier IRI) or None for the unpriced.
Key = tuple[str, GroupKey, tuple[str, str] | None]

_LINKS: Final = {
    _SCHEMA + "funder": "funder",
    _CK + "recipient": "recipient",
    _SCHEMA + "areaServed": "region",
    _DCTERMS + "subject": "theme",
}
_EDGES: Final = """\
SELECT DISTINCT ?funding ?link ?node WHERE {
%s
  ?funding ?link ?node .
  FILTER (?link IN (schema:funder, ck:recipient, schema:areaServed, dcterms:subject))
}"""
#: The initiatives the fundings fund, and (``_INITIATIVE_EDGES``) their places and themes,
#: joined in Python: read per funding, an IATI activity's places and sectors came once for
#: each of its transactions (141k rows, 1.1 s at 1M triples, against 0.4 s this way). Those
#: the funding names itself are merged in (a set per funding): funding-totals.rq counts each
#: once.
_FUNDED: Final = """\
SELECT DISTINCT ?funding ?initiative WHERE {
%s
  ?funding schema:fundedItem ?initiative .
}"""
_INITIATIVE_EDGES: Final = """\
SELECT DISTINCT ?initiative ?link ?node WHERE {
  { SELECT DISTINCT ?initiative WHERE {
%s
    ?funding schema:fundedItem ?initiative .
  } }
  ?initiative ?link ?node .
  FILTER (?link IN (schema:areaServed, dcterms:subject))
}"""
_AMOUNTS: Final = """\
SELECT DISTINCT ?funding ?money ?currency ?qualifier ?figure WHERE {
%s
  ?funding schema:amount ?money .
  ?money schema:currency ?currency ; ck:valueQualifier ?qualifier .
  { ?money schema:value ?figure }
  UNION { ?money schema:minValue ?figure FILTER NOT EXISTS { ?money schema:value [] } }
}"""
#: (The links as a FILTER, not a second VALUES block: with two, pyoxigraph 0.5 read every
#: triple of the four properties first, 1.7 s for one graph's fundings at 1M triples.)
#: The labelled fundings among those in VALUES, with their years (from the derived graph).
_LISTED: Final = """\
SELECT ?funding ?year WHERE {
  VALUES ?funding { %s }
  ?funding ck:fundingOrder [] .
  OPTIONAL { ?funding ck:fundingYear ?year }
}"""
_LISTED_ALL: Final = """\
SELECT ?funding ?year WHERE {
  ?funding ck:fundingOrder [] .
  OPTIONAL { ?funding ck:fundingYear ?year }
}"""
_NODE_TRIPLES: Final = "SELECT ?node ?p ?o WHERE { VALUES ?node { %s } ?node ?p ?o }"


@dataclass(frozen=True, slots=True)
class Counted:
    """What one funding counts in: its groups per dimension and its amounts."""

    groups: Mapping[str, frozenset[GroupKey]]
    #: (currency, qualifier IRI, value) per amount; empty when unpriced.
    amounts: tuple[tuple[str, str, Decimal], ...]

    def counts_in(self) -> Iterable[tuple[Key, Decimal]]:
        """Each total node this funding counts in, with what it adds to the node's value."""
        priced: list[tuple[tuple[str, str] | None, Decimal]] = [
            ((code, qualifier), value) for code, qualifier, value in self.amounts
        ] or [(None, Decimal(0))]
        for money, value in priced:
            yield (ALL, None, money), value
            for dimension in DIMENSIONS:
                for group in self.groups.get(dimension) or (None,):
                    yield (dimension, group, money), value


def counted(
    rows: Rows,
    fundings: Iterable[str] | None,
    *,
    listed: Mapping[str, frozenset[int]] | None = None,
    types: Iterable[str] = (),
) -> dict[str, Counted]:
    """What each labelled funding counts in: every one (``fundings`` None) or those given.

    ``listed`` (labelled funding -> its years) comes from the rules being computed when the
    derived graph is not written yet (a whole derive, with ``types`` the funding classes);
    without it both are read from the derived graph."""
    scope: str
    if fundings is not None:
        given = sorted(set(fundings))
        if not given:
            return {}
        values = " ".join(f"<{iri}>" for iri in given)
        scope = f"  VALUES ?funding {{ {values} }}\n  ?funding ck:fundingOrder [] ."
        if listed is None:
            listed = _listed(rows(_LISTED % values, True))
    else:
        kinds = " ".join(f"<{iri}>" for iri in sorted(types))
        scope = f"  VALUES ?type {{ {kinds} }}\n  ?funding a ?type ."
        if listed is None:
            listed = _listed(rows(_LISTED_ALL, True))
    groups: dict[str, dict[str, set[GroupKey]]] = {f: {} for f in listed}
    for funding, years in listed.items():
        if years:
            groups[funding]["year"] = set(years)
    for source, link, target in rows(_EDGES % scope, False):
        if source in groups and link is not None and target is not None:
            groups[source].setdefault(_LINKS[link], set()).add(target)
    initiatives: dict[str, list[tuple[str, str]]] = {}
    for initiative, link, target in rows(_INITIATIVE_EDGES % scope, False):
        if initiative is not None and link is not None and target is not None:
            initiatives.setdefault(initiative, []).append((_LINKS[link], target))
    for source, initiative in rows(_FUNDED % scope, False):
        if source in groups and initiative is not None:
            for dimension, target in initiatives.get(initiative, ()):
                groups[source].setdefault(dimension, set()).add(target)
    amounts: dict[str, set[tuple[str | None, str, str, Decimal]]] = {}
    for priced, money, code, qualifier, figure in rows(_AMOUNTS % scope, True):
        if priced in groups and code is not None and qualifier is not None and figure:
            try:
                value = Decimal(figure)
            except ArithmeticError:
                continue  # not a number (data loaded unchecked): the engine cannot sum it
            amounts.setdefault(priced, set()).add((money, code, qualifier, value))
    return {
        funding: Counted(
            {d: frozenset(g) for d, g in found.items()},
            tuple(sorted((c, q, v) for _, c, q, v in amounts.get(funding, ()))),
        )
        for funding, found in groups.items()
    }


def _listed(found: list[tuple[str | None, ...]]) -> dict[str, frozenset[int]]:
    years: dict[str, set[int]] = {}
    for funding, year in found:
        if funding is not None:
            years.setdefault(funding, set()).update(() if year is None else (int(year),))
    return {funding: frozenset(y) for funding, y in years.items()}


#: Count and value per total node.
Sums = dict[Key, tuple[int, Decimal]]


def add_up(fundings: Iterable[Counted], sign: int = 1) -> Sums:
    """The totals of ``fundings`` (``sign`` -1: what taking them away subtracts)."""
    sums: Sums = {}
    with localcontext() as exact:
        exact.prec = 200  # sums are exact, whatever the order they are added in
        for funding in fundings:
            for key, value in funding.counts_in():
                count, total = sums.get(key, (0, Decimal(0)))
                sums[key] = (count + sign, total + sign * value)
    return sums


def triples(sums: Sums) -> set[Triple]:
    """The derived triples of the total nodes in ``sums`` (nodes counting no funding: none)."""
    found: set[Triple] = set()
    for key, (count, total) in sums.items():
        if count > 0:
            found |= _node_triples(key, count, total)
    return found


def node(key: Key) -> str:
    """The IRI of a total node: readable, and the same for the same key on every derive."""
    dimension, group, money = key
    parts = [dimension, "-" if group is None else str(group)]
    parts += ["-", "-"] if money is None else list(money)
    return NODES + "/".join(quote(part, safe="") for part in parts)


def _node_triples(key: Key, count: int, total: Decimal) -> set[Triple]:
    dimension, group, money = key
    subject = node(key)
    found: set[Triple] = {(subject, BY, Text(dimension)), (subject, COUNT, count)}
    if isinstance(group, int):
        found.add((subject, YEAR, group))
    elif group is not None:
        found.add((subject, GROUP, group))
    if money is not None:
        code, qualifier = money
        found |= {(subject, CURRENCY, Text(code)), (subject, QUALIFIER, qualifier)}
        found.add((subject, VALUE, total))
    return found


def changed(
    rows: Rows, before: Mapping[str, Counted], after: Mapping[str, Counted]
) -> tuple[set[Triple], set[Triple]]:
    """The total triples to remove and to add in the store ``rows`` reads (the staged state,
    whose total nodes still hold the counts of ``before``) when its fundings went from
    ``before`` to ``after``: the stored nodes, changed by the difference."""
    difference = add_up(after.values())
    with localcontext() as exact:
        exact.prec = 200
        for key, (count, total) in add_up(before.values(), -1).items():
            was_count, was_total = difference.get(key, (0, Decimal(0)))
            difference[key] = (was_count + count, was_total + total)
        moved = {key: sums for key, sums in difference.items() if sums != (0, Decimal(0))}
        if not moved:
            return set(), set()
        stored = _stored(rows, moved)
        new: Sums = {}
        for key, (count, total) in moved.items():
            old_count, old_total = _sums_of(stored.get(node(key), set()))
            new[key] = (old_count + count, old_total + total)
    old = set().union(*stored.values()) if stored else set()
    fresh = triples(new)
    return old - fresh, fresh - old


def _stored(rows: Rows, keys: Iterable[Key]) -> dict[str, set[Triple]]:
    """The stored triples of the total nodes of ``keys``, per node."""
    nodes = sorted({node(key) for key in keys})
    found: dict[str, set[Triple]] = {}
    for subject, predicate, obj in rows(_NODE_TRIPLES % " ".join(f"<{n}>" for n in nodes), True):
        if subject is None or predicate not in PREDICATES or obj is None:
            continue
        found.setdefault(subject, set()).add((subject, predicate, _object(predicate, obj)))
    return found


def _object(predicate: str, lexical: str) -> Object:
    if predicate in (COUNT, YEAR):
        return int(lexical)
    if predicate == VALUE:
        return Decimal(lexical)
    if predicate in (BY, CURRENCY):
        return Text(lexical)
    return lexical


def _sums_of(node_triples: Iterable[Triple]) -> tuple[int, Decimal]:
    count, total = 0, Decimal(0)
    for _, predicate, obj in node_triples:
        if predicate == COUNT:
            assert isinstance(obj, int)
            count = obj
        elif predicate == VALUE:
            assert isinstance(obj, Decimal)
            total = obj
    return count, total

"""Who funds what where: fundings with their amounts, periods, places, themes and evidence, and
summaries of them that never add different currencies.

``fundings.rq`` selects the fundings that pass the filters (its header states each filter's
rule), sorted, and the engine cuts the page asked for; ``funding-details.rq``,
``funding-items.rq`` (regions and themes) and ``funding-evidence.rq`` fetch the details of
that page (at once on a SPARQL server: ``kg.queries.together``), which Python groups into one
``Funding`` each. A list filtered by region and nothing else (the fundings in Asia) is cut
from the positions ``kg build`` numbers per place instead (``funding-positions.rq``, and
``funding-count.rq`` for its total): two index lookups where the query read and sorted every
funding in the region twice, for the page and for the count; the answer is the same. Summaries are totalled by the engine (``funding-totals.rq``, one GROUP BY
over the selection, by year through the derived ``ck:fundingYear``); a split summary reads what
it counts of each selected funding (``funding-parts.rq``) and its shares
(``funding-shares.rq``), one query each, and shares the values out in Python, with decimals.

Curated fundings (contributions, pledges, support) and imported IATI transactions and budgets
(docs/iati.md) are answered together. Rules worth knowing:

* A funding's regions and themes are its own ``schema:areaServed``/``dcterms:subject`` plus
  those of the initiative it funds (``schema:fundedItem``), one hop; not those of the recipient
  or of the recipient's other projects. The ``region`` filter includes places inside the region
  transitively, ``theme`` narrower themes. ``applies_to`` keeps fundings whose places are the
  place, inside it, or contain it (a funding for Asia applies to Afghanistan).
* ``type`` is one of ``FUNDING_TYPES`` (the table of docs/iati.md); ``org`` keeps fundings whose
  funded initiative has that organisation in ``role`` (one of ``kg.activities.ROLES``), or in
  any role without one. An imported transaction or budget whose file names no provider has no
  funder (``funder`` None).
* ``year`` keeps fundings whose period overlaps the year; an open start or end is open, and a
  funding with no period at all is unknown, so it is left out. A transaction's period is its
  ``ck:transactionDate``.
* Summaries: a funding counts in every group it belongs to (each of its regions, themes and
  years), so group totals can add up to more than the ``overall`` totals, which count each
  funding once. ``by=year`` puts a funding in each calendar year its period covers; an open end
  runs to the date the facts of its source document are current to (``ck:currentTo`` of the
  document its evidence quotes, else the end of the period it covers, ``schema:endDate``; an
  open start likewise from the document's start), because the source cannot speak for later
  years, and a funding with no period is in the ``None`` (unknown) year.
* ``split=True`` (``split=percentage``) shares a funding's value out over the groups of
  ``region`` and ``theme`` instead, as IATI d-portal does, so the groups add up to the overall
  totals: see ``SPLIT_RULE``, which every split summary repeats.
* ``convert="USD"`` converts each amount at the ECB rate of its value date (``kg.currency``
  says how, and what cannot be converted). Totals in the target currency sum converted figures
  only; what could not be converted stays in its own currency's total, and nothing is ever
  added across currencies otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, Final

from rdflib import Literal, URIRef

from kg import currency, totals
from kg._namespaces import CK, slug_of
from kg._unbound import prune, select_bound
from kg.activities import ROLES, check_role
from kg.currency import Conversion
from kg.derive import funding_years, position_node
from kg.entities import (
    ElementEvidence,
    EntityRef,
    Evidence,
    Page,
    Period,
    evidence_of,
    least_labels,
    sort_evidence,
    sorted_refs,
)
from kg.errors import ConfigurationError
from kg.queries import VALUES_CHUNK, load_query, select, together
from kg.stores.base import SelectResult, Store, Term, with_values

FUNDINGS_QUERY: Final = "fundings"
#: fundings.rq driven by the region index, for requests with a region.
REGION_QUERY: Final = "fundings-in-region"
#: A page of the fundings in a region by their derived positions, and their count, for a list
#: filtered by region alone (``kg.derive``: ``ck:positionWithin``, ``ck:fundingCount``).
POSITIONS_QUERY: Final = "funding-positions"
COUNT_QUERY: Final = "funding-count"
DETAILS_QUERY: Final = "funding-details"
ITEMS_QUERY: Final = "funding-items"
EVIDENCE_QUERY: Final = "funding-evidence"
#: The XML elements imported fundings come from (run only for pages that hold some).
ELEMENTS_QUERY: Final = "funding-element-evidence"
#: Classes whose fundings are imported and cite XML elements (docs/iati.md).
_IMPORTED: Final = frozenset({str(CK.Transaction), str(CK.Budget)})
#: The places and themes of fundings with their allocation percentages (split=percentage).
SHARES_QUERY: Final = "funding-shares"
#: Totals per group and currency computed by the engine (every summary but a split one).
TOTALS_QUERY: Final = "funding-totals"
#: The same totals without filters, kept in the derived graph (``kg.totals``).
STORED_TOTALS_QUERY: Final = "funding-totals-stored"
#: What a split summary counts of each funding besides its shares.
PARTS_QUERY: Final = "funding-parts"
#: Each selected funding's amount and dates, for a summary's conversion report.
AMOUNTS_QUERY: Final = "funding-amounts"
#: The line of funding-totals.rq and funding-amounts.rq that stands for "every funding", where
#: the selection goes when filters are given.
_EVERY_FUNDING: Final = "?funding ck:fundingOrder ?order ."
#: The dimensions funding-totals.rq groups by, with the parameter that asks for each.
_TOTALS_BY: Final = {
    "funder": "byFunderParam",
    "recipient": "byRecipientParam",
    "region": "byRegionParam",
    "theme": "byThemeParam",
    "year": "byYearParam",
}
#: How a qualifier IRI reads in JSON.
QUALIFIERS: Final = {
    str(CK.Exact): "exact",
    str(CK.AtLeast): "at least",
    str(CK.Approximately): "approximately",
}
DIMENSIONS: Final = ("funder", "recipient", "region", "theme", "year")
#: The dimensions a split shares values out over.
SPLIT_DIMENSIONS: Final = ("region", "theme")
#: The kinds of funding ``type`` accepts (docs/iati.md; fundings.rq holds the table).
FUNDING_TYPES: Final = (
    "pledge",
    "contribution",
    "commitment",
    "disbursement",
    "expenditure",
    "incoming",
    "budget",
)
SPLIT_RULE: Final = (
    "split=percentage shares each funding's value out over regions and themes, as IATI "
    "d-portal does. A funding's own places or themes (an IATI transaction's recipient country, "
    "region or sector) win, in equal shares. Otherwise the percentages of the allocations of "
    "the initiative it funds (an IATI activity's recipient-country/recipient-region percentages "
    "for regions, its sector percentages for themes): each allocation gets its percentage of "
    "the value; allocations without a percentage share equally what the others leave (so a "
    "single one without is 100%); when the percentages add up to less than 100 and every "
    "allocation has one, the remainder goes to the group marked unallocated; when they add up "
    "to more than 100 they are scaled down in proportion (each gets percentage/sum). Otherwise "
    "the funded initiative's places or themes, in equal shares. A funding with none is in the "
    "null group, whole. With two split dimensions a share is the product of both. Groups that "
    "hold a part of a funding's value are marked split; shares are not rounded."
)


@dataclass(frozen=True, slots=True)
class Amount:
    """How much, as the source says it: ``value`` is the minimum when ``qualifier`` is "at least"."""

    value: Decimal
    currency: str
    qualifier: str


@dataclass(frozen=True, slots=True)
class Funding:
    """One contribution, pledge or other funding."""

    id: str
    slug: str | None
    label: str
    type: EntityRef
    status: EntityRef | None
    funder: EntityRef | None
    recipient: EntityRef | None
    initiative: EntityRef | None
    amount: Amount | None
    period: Period
    regions: tuple[EntityRef, ...]
    themes: tuple[EntityRef, ...]
    evidence: tuple[Evidence, ...]
    element_evidence: tuple[ElementEvidence, ...] = ()
    transaction_type: EntityRef | None = None
    transaction_date: str | None = None
    value_date: str | None = None
    conversion: Conversion | None = None


@dataclass(frozen=True, slots=True)
class FundingFilters:
    """Filters of ``fundings``; entity filters are IRIs (``kg.entities.resolve`` makes them)."""

    funder: str | None = None
    recipient: str | None = None
    initiative: str | None = None
    region: str | None = None
    theme: str | None = None
    year: int | None = None
    currency: str | None = None
    min_amount: Decimal | None = None
    type: str | None = None
    org: str | None = None
    role: str | None = None
    applies_to: str | None = None

    def __post_init__(self) -> None:
        if self.type is not None and self.type not in FUNDING_TYPES:
            raise ConfigurationError(
                f"type={self.type!r} is not a kind of funding; use one of "
                f"{', '.join(FUNDING_TYPES)}"
            )
        check_role(self.org, self.role)

    def bindings(self) -> dict[str, Term | None]:
        def iri(value: str | None) -> URIRef | None:
            return None if value is None else URIRef(value)

        return {
            "typeParam": None if self.type is None else Literal(self.type),
            "orgParam": iri(self.org),
            "roleParam": None if self.role is None else URIRef(ROLES[self.role]),
            "appliesToParam": iri(self.applies_to),
            "funderParam": iri(self.funder),
            "recipientParam": iri(self.recipient),
            "initiativeParam": iri(self.initiative),
            "regionParam": iri(self.region),
            "themeParam": iri(self.theme),
            "yearParam": None if self.year is None else Literal(self.year),
            "currencyParam": None if self.currency is None else Literal(self.currency.upper()),
            "minAmountParam": None if self.min_amount is None else Literal(self.min_amount),
        }


@dataclass(frozen=True, slots=True)
class Part:
    """What a converted total was converted from: the sum of the original amounts in one
    currency (of their shares, in a split summary)."""

    currency: str
    value: Decimal
    count: int


@dataclass(frozen=True, slots=True)
class Total:
    """The sum of the amounts in one currency; ``qualifiers`` says how exact its parts are
    (a sum with an "at least" part is itself a minimum). With ``convert=``, the total in the
    target currency sums converted figures and ``converted_from`` says from what."""

    currency: str
    value: Decimal
    count: int
    qualifiers: tuple[str, ...]
    converted_from: tuple[Part, ...] | None = None


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts and per-currency totals of a set of fundings."""

    count: int
    without_amount: int
    totals: tuple[Total, ...]


@dataclass(frozen=True, slots=True)
class Group:
    """One group of a summary: its key (dimension -> entity, year or None) and its tally.

    ``split``: the group holds a share (not the whole) of at least one funding's value;
    ``unallocated``: the dimensions whose None in ``key`` stands for the unallocated remainder of
    allocation percentages that add up to less than 100, not for "none"."""

    key: Mapping[str, EntityRef | int | None]
    count: int
    without_amount: int
    totals: tuple[Total, ...]
    split: bool = False
    unallocated: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FundingConversion:
    """How one funding's amount was converted, or why it was not."""

    funding: EntityRef
    conversion: Conversion


@dataclass(frozen=True, slots=True)
class ConversionReport:
    """The conversions behind a summary with ``convert=``: the target currency, the source of
    the rates, and each funding's conversion (converted or not, each funding once)."""

    currency: str
    source: str
    converted: int
    not_converted: int
    items: tuple[FundingConversion, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """Groups of fundings (one page of them), and the tally over all fundings selected."""

    by: tuple[str, ...]
    items: tuple[Group, ...]
    total: int
    limit: int
    offset: int
    overall: Tally
    split: bool = False
    split_rule: str | None = None
    conversion: ConversionReport | None = None


@dataclass(slots=True)
class _Builder:
    """Rows of one funding, gathered before they become a ``Funding``."""

    row: Mapping[str, Term]
    regions: dict[str, EntityRef] = field(default_factory=dict)
    themes: dict[str, EntityRef] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    types: dict[str, EntityRef] = field(default_factory=dict)
    #: (start, end) of each document its evidence quotes, as lexical forms.
    document_periods: list[tuple[str | None, str | None]] = field(default_factory=list)
    elements: dict[str, ElementEvidence] = field(default_factory=dict)


@dataclass(slots=True)
class _Bucket:
    """The fundings of one summary group, each with the share of its value the group holds."""

    key: dict[str, EntityRef | int | None]
    unallocated: tuple[str, ...]
    shares: dict[str, tuple[_Countable, Decimal]] = field(default_factory=dict)

    def add(self, funding: _Countable, share: Decimal) -> None:
        _, before = self.shares.get(funding.id, (funding, Decimal(0)))
        self.shares[funding.id] = (funding, before + share)

    def group(self, into: str | None) -> Group:
        parts = list(self.shares.values())
        count, without, totals = _tally_fields(parts, into)
        split = any(share != _ONE for _, share in parts)
        return Group(self.key, count, without, totals, split, self.unallocated)


_NONE: Final = _Builder({})

#: A funding's place in one dimension of a summary: the value, its share of the funding's
#: value, and whether it is the unallocated remainder.
_Share = tuple[EntityRef | int | None, Decimal, bool]
_ONE: Final = Decimal(1)
_HUNDRED: Final = Decimal(100)


def fundings(
    store: Store,
    filters: FundingFilters = FundingFilters(),
    *,
    limit: int = 50,
    offset: int = 0,
    convert: str | None = None,
) -> Page[Funding]:
    """The fundings that pass ``filters``, sorted by label: one page, whose details alone are
    fetched (at 1M triples, fetching every match's details and cutting the page afterwards
    took 38-57 s for a continent). ``convert`` (an ISO 4217 code) adds each amount's
    conversion."""
    if limit < 1 or offset < 0:
        raise ConfigurationError(
            f"limit must be at least 1 and offset at least 0, not {limit}, {offset}"
        )
    into = None if convert is None else currency.target(convert)
    if _by_position(filters):
        assert filters.region is not None
        total = _count_within(store, filters.region)
        page = _at_positions(store, filters.region, range(offset, min(offset + limit, total)))
    else:
        page = _selected(store, filters, page=(limit, offset))
        total = _count(store, filters)
    items = tuple(f for f, _ in _details(store, page, convert=into))
    return Page(items, total, limit, offset)


def _by_position(filters: FundingFilters) -> bool:
    """Whether the list is the fundings within a region and nothing else, which the derived
    positions and count answer: any other filter selects some of them, which only the query
    can tell."""
    return filters.region is not None and filters == FundingFilters(region=filters.region)


def _count_within(store: Store, region: str) -> int:
    """How many fundings the list has within ``region`` (funding-count.rq; a place no funding
    serves has no count: 0). A store derived before the positions were has none either: ``kg
    build`` rebuilds it, as for any change of the code."""
    result = select(store, COUNT_QUERY, {"regionParam": URIRef(region)})
    return max((int(str(row[0])) for row in result.rows if row[0] is not None), default=0)


def _at_positions(store: Store, region: str, positions: range) -> list[Term]:
    """The fundings at ``positions`` among those within ``region``, in that order
    (funding-positions.rq; not run for an empty page: rdflib cannot parse an empty VALUES)."""
    if not positions:
        return []
    nodes = [URIRef(position_node(region, n)) for n in positions]
    found = {
        str(row["position"]): row["funding"]
        for row in select(store, POSITIONS_QUERY, rows=("position", nodes)).dicts()
    }
    return [found[str(node)] for node in nodes if str(node) in found]


def by_id(store: Store, iris: Sequence[str], *, convert: str | None = None) -> list[Funding]:
    """The fundings among ``iris`` (others are left out), in that order, with their details
    and evidence; ``convert`` adds each amount's conversion (an ISO 4217 code, checked)."""
    into = None if convert is None else currency.target(convert)
    return [f for f, _ in _details(store, [URIRef(i) for i in iris], convert=into)]


def summarize(
    store: Store,
    by: Sequence[str],
    filters: FundingFilters = FundingFilters(),
    *,
    limit: int = 50,
    offset: int = 0,
    split: bool = False,
    convert: str | None = None,
) -> Summary:
    """Counts and totals per group of ``by`` (one or two of ``DIMENSIONS``) and currency;
    ``split`` shares values out over regions and themes (``SPLIT_RULE``), ``convert`` converts
    amounts into that currency where it can (``kg.currency``)."""
    if not 1 <= len(by) <= 2 or any(d not in DIMENSIONS for d in by) or len(set(by)) != len(by):
        raise ConfigurationError(
            f"by={','.join(by)!r} cannot group fundings: give one or two different dimensions "
            f"out of {', '.join(DIMENSIONS)}, comma-separated (for example by=funder,year)"
        )
    into = None if convert is None else currency.target(convert)
    split_by = [d for d in by if d in SPLIT_DIMENSIONS] if split else []
    if not split_by:
        return _summary_of_totals(store, by, filters, limit=limit, offset=offset, into=into)
    return _summary_of_details(
        store, by, filters, limit=limit, offset=offset, split_by=split_by, into=into
    )


def _summary_of_details(
    store: Store,
    by: Sequence[str],
    filters: FundingFilters,
    *,
    limit: int,
    offset: int,
    split_by: Sequence[str],
    into: str | None,
    lean: bool = True,
) -> Summary:
    """``summarize`` from each selected funding (and, for ``split_by``, its shares): what
    split summaries need. A split summary reads only what it counts of each funding
    (``_parts``) unless not ``lean``; otherwise, and without ``split_by``, every funding's
    details are read: the reference the lean parts and the engine's totals are tested
    against."""
    selected: Sequence[tuple[_Countable, tuple[int, ...] | None]]
    if split_by and lean:
        selected = _parts(store, filters, by, into)
    else:
        # The evidence only matters to a summary by year (an open period ends where its
        # source document's period ends); skipping it halves the queries for the others.
        selected = _select(store, filters, evidence="year" in by, convert=into)
    shares = _shares(store, filters, [f.id for f, _ in selected], split_by) if split_by else {}
    buckets: dict[tuple[object, ...], _Bucket] = {}
    for funding, years in selected:
        for key, share, unallocated in _keys(funding, years, by, shares):
            identity = (*(_sort_key(k) for k in key), unallocated)
            bucket = buckets.get(identity)
            if bucket is None:
                bucket = buckets[identity] = _Bucket(dict(zip(by, key, strict=True)), unallocated)
            bucket.add(funding, share)
    items = [buckets[identity].group(into) for identity in sorted(buckets)]
    return _paged_summary(
        by,
        items,
        limit,
        offset,
        Tally(*_tally_fields([(f, _ONE) for f, _ in selected], into)),
        split=bool(split_by),
        split_rule=SPLIT_RULE if split_by else None,
        conversion=None if into is None else _report(into, [f for f, _ in selected]),
    )


@dataclass(frozen=True, slots=True)
class _Counted:
    """What a split summary counts of a funding (funding-parts.rq): no places, themes or
    evidence, which its shares and the group labels stand in for; a label only when its
    conversion is reported."""

    id: str
    slug: str | None
    label: str
    amount: Amount | None
    conversion: Conversion | None
    funder: EntityRef | None
    recipient: EntityRef | None
    regions: tuple[EntityRef, ...] = ()
    themes: tuple[EntityRef, ...] = ()


#: What summaries count: a funding with its details, or what a split summary fetches of it.
_Countable = Funding | _Counted


def _parts(
    store: Store, filters: FundingFilters, by: Sequence[str], into: str | None
) -> list[tuple[_Countable, tuple[int, ...] | None]]:
    """Every selected funding's amount (converted with ``into``), funder, recipient and years
    (those of ``by``), in the order of the list: one query (funding-parts.rq)."""
    asked = {_TOTALS_BY[d] for d in by if d in ("funder", "recipient", "year")}
    asked |= {"convertParam"} if into is not None else set()
    result = store.query(_over_selection(prune(load_query(PARTS_QUERY), asked), filters))
    assert isinstance(result, SelectResult)
    rows: dict[str, Mapping[str, Term]] = {}
    years: dict[str, set[int]] = {}
    for row in result.dicts():
        iri = str(row["funding"])
        rows.setdefault(iri, row)
        if "yearGroup" in row:
            years.setdefault(iri, set()).add(int(str(row["yearGroup"])))
    entities = {
        row[k] for row in rows.values() for k in ("funderGroup", "recipientGroup") if k in row
    }
    labels = least_labels(store, map(str, entities))

    def ref(row: Mapping[str, Term], name: str) -> EntityRef | None:
        term = row.get(name)
        return None if term is None else EntityRef.of(term, labels.get(str(term)))

    counted: list[tuple[_Countable, tuple[int, ...] | None]] = []
    for iri, first in rows.items():
        amount = conversion = None
        if "figure" in first and "currency" in first:
            amount = Amount(
                Decimal(str(first["figure"])),
                str(first["currency"]),
                QUALIFIERS.get(str(first.get("qualifier")), "exact"),
            )
            if into is not None:
                conversion = currency.convert(
                    amount.value,
                    amount.currency,
                    into,
                    value_date=_text(first.get("valueDate")),
                    start_date=_text(first.get("startDate")),
                )
        funding = _Counted(
            iri,
            slug_of(iri),
            str(first.get("label", "")),
            amount,
            conversion,
            ref(first, "funderGroup"),
            ref(first, "recipientGroup"),
        )
        counted.append((funding, tuple(sorted(years[iri])) if iri in years else None))
    return counted


def _summary_of_totals(
    store: Store,
    by: Sequence[str],
    filters: FundingFilters,
    *,
    limit: int,
    offset: int,
    into: str | None,
) -> Summary:
    """``summarize`` from the engine's totals (funding-totals.rq): groups by funder,
    recipient, region and theme, unsplit. The answer is the one every funding's details would
    give; a converted total converts each (currency, value date, start) sum at once."""
    # The groups and the overall tally at once on a SPARQL server (two aggregates over the
    # same selection when it is filtered).
    grouped, tallied = together(
        store,
        partial(_totals, store, filters, by, into),
        partial(_totals, store, filters, (), into),
    )
    groups: dict[tuple[object, ...], _Sums] = {}
    for key, row in grouped:
        identity = tuple(_sort_key(k) for k in key)
        groups.setdefault(identity, _Sums(dict(zip(by, key, strict=True)))).add(row, into)
    overall = _Sums({})
    for _, row in tallied:
        overall.add(row, into)
    items = [groups[identity].group(into) for identity in sorted(groups)]
    return _paged_summary(
        by,
        items,
        limit,
        offset,
        Tally(overall.count, overall.without, overall.totals(into)),
        conversion=None if into is None else _amounts_report(store, filters, into),
    )


def _paged_summary(
    by: Sequence[str],
    items: list[Group],
    limit: int,
    offset: int,
    overall: Tally,
    **extra: Any,
) -> Summary:
    """The page of ``items`` at ``offset`` as a Summary: one place for the paging both ways of
    summing (every funding's details, or the engine's totals) share."""
    page = Page.of(items, limit=limit, offset=offset)
    return Summary(tuple(by), page.items, page.total, limit, offset, overall, **extra)


@dataclass(slots=True)
class _Sums:
    """One group of a summary (or the overall tally) added up from funding-totals.rq rows."""

    key: dict[str, EntityRef | int | None]
    count: int = 0
    without: int = 0
    #: currency -> (sum, fundings, qualifiers)
    sums: dict[str, tuple[Decimal, int, set[str]]] = field(default_factory=dict)
    #: what the converted total was converted from: currency -> (sum, fundings)
    origins: dict[str, tuple[Decimal, int]] = field(default_factory=dict)

    def add(self, row: Mapping[str, Term], into: str | None) -> None:
        count = int(str(row["fundings"]))
        self.count += count
        if "currency" not in row or "total" not in row:  # a row of unpriced fundings
            self.without += count
            return
        code, value = str(row["currency"]), Decimal(str(row["total"]))
        qualifier = QUALIFIERS.get(str(row.get("qualifier")), "exact")
        if into is not None:
            conversion = currency.convert(
                value,
                code,
                into,
                value_date=str(row["valueDate"]) if "valueDate" in row else None,
                start_date=str(row["startDate"]) if "startDate" in row else None,
            )
            if conversion.value is not None:
                origin, counted = self.origins.get(code, (Decimal(0), 0))
                self.origins[code] = (origin + value, counted + count)
                code, value = into, conversion.value
        total, counted, qualifiers = self.sums.get(code, (Decimal(0), 0, set()))
        qualifiers.add(qualifier)
        self.sums[code] = (total + value, counted + count, qualifiers)

    def totals(self, into: str | None) -> tuple[Total, ...]:
        return tuple(
            Total(
                code,
                value,
                count,
                tuple(sorted(qualifiers)),
                tuple(Part(c, v, n) for c, (v, n) in sorted(self.origins.items()))
                if code == into and self.origins
                else None,
            )
            for code, (value, count, qualifiers) in sorted(self.sums.items())
        )

    def group(self, into: str | None) -> Group:
        return Group(self.key, self.count, self.without, self.totals(into))


def _totals(
    store: Store, filters: FundingFilters, by: Sequence[str], into: str | None
) -> list[tuple[tuple[EntityRef | int | None, ...], Mapping[str, Term]]]:
    """The rows of funding-totals.rq grouped by ``by``, each with its group key (an entity,
    labelled, a year, or None per dimension)."""
    rows = _stored_totals(store, filters, by, into)
    if rows is None:
        asked = {_TOTALS_BY[d] for d in by} | ({"convertParam"} if into is not None else set())
        grouped = {f"{d}Group" for d in by} | ({"valueDate", "startDate"} if into else set())
        sparql = _grouped_only(prune(load_query(TOTALS_QUERY), asked), grouped)
        result = store.query(_over_selection(sparql, filters))
        assert isinstance(result, SelectResult)
        rows = list(result.dicts())
    entities = [d for d in by if d != "year"]
    keys = {row[f"{d}Group"] for row in rows for d in entities if f"{d}Group" in row}
    labels = least_labels(store, map(str, keys))

    def key(row: Mapping[str, Term], dimension: str) -> EntityRef | int | None:
        term = row.get(f"{dimension}Group")
        if term is None:
            return None
        if dimension == "year":
            return int(str(term))
        return EntityRef.of(term, labels.get(str(term)))

    return [(tuple(key(row, d) for d in by), row) for row in rows]


def _stored_totals(
    store: Store, filters: FundingFilters, by: Sequence[str], into: str | None
) -> list[dict[str, Term]] | None:
    """The rows of funding-totals.rq as the derived graph keeps them (``kg.totals``), for a
    summary of every funding by one dimension or none, unconverted; None when it does not
    keep them (filters, conversion, two dimensions, or a store derived before they were
    kept)."""
    if into is not None or len(by) > 1 or any(v is not None for v in filters.bindings().values()):
        return None
    dimension = by[0] if by else totals.ALL
    rows = list(select(store, STORED_TOTALS_QUERY, constants={"by": Literal(dimension)}).dicts())
    if not rows:
        return None  # no funding, or none kept: the engine's answer is as quick then
    for row in rows:
        if "group" in row:
            row[f"{dimension}Group"] = row.pop("group")
    return rows


#: The variables funding-totals.rq groups by that only some summaries ask for.
_OPTIONAL_KEYS: Final = (
    "funderGroup",
    "recipientGroup",
    "regionGroup",
    "themeGroup",
    "yearGroup",
    "valueDate",
    "startDate",
)


def _grouped_only(sparql: str, keep: Collection[str]) -> str:
    """funding-totals.rq selecting and grouping by the keys in ``keep`` only.

    Why not group by a variable that no row binds (the dimensions ``prune`` took out): SPARQL
    says it changes nothing, but Virtuoso 7.2 then returns most rows without any of their keys
    (at 1M triples, 445 of 558 rows of a summary by funder came back with neither the funder
    nor the currency), and it costs every engine a comparison per row.
    """
    found = re.search(r"(?m)^SELECT\b", sparql)
    assert found is not None, "funding-totals.rq starts its query with SELECT on a line"
    select = found.start()
    where, group = sparql.index("WHERE", select), sparql.rindex("GROUP BY")
    drop = re.compile(
        "|".join(rf"\?{name}\b" for name in _OPTIONAL_KEYS if name not in keep) or "(?!)"
    )

    def cut(part: str) -> str:
        return re.sub(r"[ ]{2,}", " ", drop.sub("", part))

    head, body, tail = sparql[select:where], sparql[where:group], sparql[group:]
    return sparql[:select] + cut(head) + body + cut(tail)


def _over_selection(sparql: str, filters: FundingFilters) -> str:
    """``sparql`` (funding-totals.rq or funding-amounts.rq) over the fundings that pass
    ``filters``: the selection query, filters bound, as a sub-select in the place of the line
    that stands for every funding."""
    given = {k: v for k, v in filters.bindings().items() if v is not None}
    if not given:
        return sparql
    name = FUNDINGS_QUERY if filters.region is None else REGION_QUERY
    selection = with_values(prune(load_query(name), given), given)
    body = selection[selection.index("{", selection.index("SELECT")) + 1 : selection.rindex("}")]
    return sparql.replace(_EVERY_FUNDING, body.strip(), 1)


def _amounts_report(store: Store, filters: FundingFilters, into: str) -> ConversionReport:
    """The conversion of every selected funding's amount, in the order of the list."""
    result = store.query(_over_selection(load_query(AMOUNTS_QUERY), filters))
    assert isinstance(result, SelectResult)
    items: dict[str, FundingConversion] = {}
    for row in result.dicts():
        iri = str(row["funding"])
        if iri in items:
            continue
        conversion = currency.convert(
            Decimal(str(row["figure"])),
            str(row["currency"]),
            into,
            value_date=str(row["valueDate"]) if "valueDate" in row else None,
            start_date=str(row["startDate"]) if "startDate" in row else None,
        )
        items[iri] = FundingConversion(EntityRef(iri, slug_of(iri), str(row["label"])), conversion)
    converted = sum(1 for i in items.values() if i.conversion.converted)
    return ConversionReport(
        into, currency.source(), converted, len(items) - converted, tuple(items.values())
    )


def _selected(
    store: Store, filters: FundingFilters, *, page: tuple[int, int] | None = None
) -> list[Term]:
    """The IRIs of the fundings that pass ``filters``, sorted by label (fundings.rq); with
    ``page`` (limit, offset) only those of that page, cut by the engine: the rows of every
    match cost more than the query as soon as there are many (at 1M triples, turning the
    5,157 fundings in Asia into Python terms took about as long as selecting them)."""
    name = FUNDINGS_QUERY if filters.region is None else REGION_QUERY
    if page is None:
        result = select_bound(store, name, filters.bindings())
    else:
        limit, offset = page
        result = select_bound(
            store, name, filters.bindings(), suffix=f"LIMIT {int(limit)} OFFSET {int(offset)}"
        )
    return [row[0] for row in result.rows if row[0]]


def _count(store: Store, filters: FundingFilters) -> int:
    """How many fundings pass ``filters``: fundings.rq counted by the engine (each funding is
    one row of it, whose one ck:fundingOrder it sorts by)."""
    given = {k: v for k, v in filters.bindings().items() if v is not None}
    name = FUNDINGS_QUERY if filters.region is None else REGION_QUERY
    selection = prune(load_query(name), given)
    head = selection.index("SELECT ?funding WHERE {")
    counted = (
        selection[:head]
        + "SELECT (COUNT(?funding) AS ?total) WHERE {"
        + selection[head + len("SELECT ?funding WHERE {") : selection.rindex("}") + 1]
    )
    result = store.query(counted, bindings=given or None)
    assert isinstance(result, SelectResult)
    return int(str(result.rows[0][0]))


def _select(
    store: Store, filters: FundingFilters, *, evidence: bool = True, convert: str | None = None
) -> list[tuple[Funding, tuple[int, ...] | None]]:
    """Every selected funding with the calendar years it covers (None: no period)."""
    return _details(store, _selected(store, filters), evidence=evidence, convert=convert)


def _details(
    store: Store,
    fundings: Sequence[Term],
    *,
    evidence: bool = True,
    convert: str | None = None,
) -> list[tuple[Funding, tuple[int, ...] | None]]:
    """``fundings`` (IRIs), in that order, with their details and the calendar years each
    covers (None: no period); without ``evidence`` their quotes are left out (and an open
    period is not closed by its document's); with ``convert`` each amount's conversion."""
    builders: dict[str, _Builder] = {}
    for start in range(0, len(fundings), VALUES_CHUNK):
        chunk = fundings[start : start + VALUES_CHUNK]
        asked = [DETAILS_QUERY, ITEMS_QUERY] + ([EVIDENCE_QUERY] if evidence else [])
        details, items, *quotes = together(
            store, *(partial(select, store, name, rows=("funding", chunk)) for name in asked)
        )
        for row in details.dicts():
            _add(builders.setdefault(str(row["funding"]), _Builder(row)), row)
        for row in items.dicts():
            if str(row["funding"]) in builders:
                _add(builders[str(row["funding"])], row)
        if not evidence:
            continue
        for row in quotes[0].dicts():
            if str(row["funding"]) in builders:
                _add(builders[str(row["funding"])], {**row, "part": Literal("evidence")})
        imported = [t for t in chunk if _IMPORTED & builders.get(str(t), _NONE).types.keys()]
        if imported:
            for row in select(store, ELEMENTS_QUERY, rows=("funding", imported)).dicts():
                _add(builders[str(row["funding"])], {**row, "part": Literal("evidence")})
    ordered = [str(t) for t in fundings]
    return [
        (_funding(i, builders[i], convert), _years(builders[i])) for i in ordered if i in builders
    ]


def _add(builder: _Builder, row: Mapping[str, Term]) -> None:
    """One row of funding-details.rq, funding-items.rq (its ?part says region or theme) or
    funding-evidence.rq (as part "evidence") into its funding's builder."""
    if "type" in row:
        builder.types[str(row["type"])] = EntityRef.of(row["type"], row.get("typeLabel"))
    part = str(row.get("part", ""))
    if part == "region":
        builder.regions[str(row["item"])] = EntityRef.of(row["item"], row.get("itemLabel"))
    elif part == "theme":
        builder.themes[str(row["item"])] = EntityRef.of(row["item"], row.get("itemLabel"))
    elif part == "evidence" and "quote" in row:
        builder.evidence.append(evidence_of(row, document="item"))
        builder.document_periods.append(
            (_text(row.get("documentStart")), _text(row.get("documentEnd")))
        )
    elif part == "evidence" and "xpath" in row:
        line = int(str(row["line"])) if "line" in row else None
        element = ElementEvidence(
            EntityRef.of(row["item"], row.get("itemLabel")), str(row["xpath"]), line
        )
        builder.elements[element.xpath + " " + element.file.id] = element


def _funding(iri: str, b: _Builder, convert: str | None = None) -> Funding:
    row = b.row

    def ref(name: str) -> EntityRef | None:
        return EntityRef.of(row[name], row.get(f"{name}Label")) if name in row else None

    def text(name: str) -> str | None:
        return str(row[name]) if name in row else None

    # The most specific class: a contribution or pledge rather than the ck:Funding it also is.
    specific = [t for t in b.types.values() if t.id != str(CK.Funding)] or list(b.types.values())
    amount = None
    if "value" in row and "currency" in row:
        amount = Amount(
            Decimal(str(row["value"])),
            str(row["currency"]),
            QUALIFIERS.get(str(row.get("qualifier")), "exact"),
        )
    start, end = _period(row)
    conversion = None
    if convert is not None and amount is not None:
        conversion = currency.convert(
            amount.value,
            amount.currency,
            convert,
            value_date=text("valueDate"),
            start_date=text("start"),
        )
    return Funding(
        id=iri,
        slug=slug_of(iri),
        label=str(row["label"]),
        type=sorted(specific, key=lambda t: t.id)[0],
        status=ref("status"),
        funder=ref("funder"),
        recipient=ref("recipient"),
        initiative=ref("initiative"),
        amount=amount,
        period=Period.of(start, end),
        regions=sorted_refs(b.regions.values()),
        themes=sorted_refs(b.themes.values()),
        evidence=sort_evidence(b.evidence),
        element_evidence=tuple(b.elements[k] for k in sorted(b.elements)),
        transaction_type=ref("transactionType"),
        transaction_date=text("transactionDate"),
        value_date=text("valueDate"),
        conversion=conversion,
    )


def _period(row: Mapping[str, Term]) -> tuple[Term | None, Term | None]:
    """Start and end of a funding; a transaction, which has neither, is of its own day."""
    day = row.get("transactionDate")
    return row.get("start", day), row.get("end", day)


def _years(b: _Builder) -> tuple[int, ...] | None:
    """The calendar years a funding counts in for ``by=year`` (see the module docstring), by
    the rule that derives its ``ck:fundingYear``; None: no period."""
    start, end, day = (_text(b.row.get(name)) for name in ("start", "end", "transactionDate"))
    return tuple(funding_years(start, end, day, b.document_periods)) or None


def _keys(
    funding: _Countable,
    years: tuple[int, ...] | None,
    by: Sequence[str],
    shares: Mapping[tuple[str, str], list[_Share]],
) -> list[tuple[tuple[EntityRef | int | None, ...], Decimal, tuple[str, ...]]]:
    """Every combination of the funding's values along the ``by`` dimensions, with the share
    of its value each holds (1 unless split) and the dimensions in which it is the unallocated
    remainder."""
    values: dict[str, list[_Share]] = {
        "funder": [(funding.funder, _ONE, False)],
        "recipient": [(funding.recipient, _ONE, False)],
        "region": [(r, _ONE, False) for r in funding.regions] or [(None, _ONE, False)],
        "theme": [(t, _ONE, False) for t in funding.themes] or [(None, _ONE, False)],
        "year": [(y, _ONE, False) for y in years or [None]],
    }
    for dimension in SPLIT_DIMENSIONS:
        if (funding.id, dimension) in shares:
            values[dimension] = shares[(funding.id, dimension)]
    keys: list[tuple[tuple[EntityRef | int | None, ...], Decimal, tuple[str, ...]]] = [
        ((), _ONE, ())
    ]
    for dimension in by:
        keys = [
            ((*key, value), share * part, (*rest, dimension) if remainder else rest)
            for key, share, rest in keys
            for value, part, remainder in values[dimension]
        ]
    return keys


def _shares(
    store: Store, filters: FundingFilters, fundings: Sequence[str], dimensions: Sequence[str]
) -> dict[tuple[str, str], list[_Share]]:
    """(funding, dimension) -> the funding's shares in that dimension (``SPLIT_RULE``), from
    funding-shares.rq over the selection (one query); every funding of ``fundings`` gets an
    entry per dimension."""
    rows: dict[tuple[str, str], dict[str, dict[str, tuple[EntityRef, Decimal | None]]]] = {}
    result = store.query(_over_selection(load_query(SHARES_QUERY), filters))
    assert isinstance(result, SelectResult)
    for row in result.dicts():
        dimension = str(row["dimension"])
        if dimension not in dimensions:
            continue
        origins = rows.setdefault((str(row["funding"]), dimension), {})
        items = origins.setdefault(str(row["origin"]), {})
        item = EntityRef.of(row["item"], row.get("itemLabel"))
        percentage = Decimal(str(row["percentage"])) if "percentage" in row else None
        # Two allocations to one place or theme add up.
        _, before = items.get(item.id, (item, None))
        if before is not None and percentage is not None:
            percentage += before
        items[item.id] = (item, percentage if percentage is not None else before)
    return {
        (funding, dimension): _share_out(rows.get((funding, dimension), {}))
        for funding in fundings
        for dimension in dimensions
    }


def _share_out(
    origins: Mapping[str, Mapping[str, tuple[EntityRef, Decimal | None]]],
) -> list[_Share]:
    """One funding's shares in one dimension, by ``SPLIT_RULE``."""
    for origin in ("own", "allocation", "initiative"):
        items = sorted(
            origins.get(origin, {}).values(), key=lambda i: (i[0].label.casefold(), i[0].id)
        )
        if not items:
            continue
        if origin != "allocation":
            return [(item, _ONE / len(items), False) for item, _ in items]
        given = [(item, p) for item, p in items if p is not None]
        rest = [item for item, p in items if p is None]
        total = sum((p for _, p in given), Decimal(0))
        if total > _HUNDRED:
            return [(item, p / total, False) for item, p in given]
        shares: list[_Share] = [(item, p / _HUNDRED, False) for item, p in given]
        left = (_HUNDRED - total) / _HUNDRED
        if rest:
            shares += [(item, left / len(rest), False) for item in rest]
        elif left > 0:
            shares.append((None, left, True))
        return shares
    return [(None, _ONE, False)]


def _sort_key(value: EntityRef | int | None) -> tuple[int, int, str, str]:
    """Years ascending, entities by label, the unknown (None) last."""
    if value is None:
        return (1, 0, "", "")
    if isinstance(value, int):
        return (0, value, "", "")
    return (0, 0, value.label.casefold(), value.id)


def _tally_fields(
    members: Iterable[tuple[_Countable, Decimal]], into: str | None = None
) -> tuple[int, int, tuple[Total, ...]]:
    """(count, without amount, totals per currency) of fundings, each with the share of its
    value to count: amounts in different currencies are never added, and each funding counts
    once even when it appears twice in ``members``. With ``into``, converted amounts are added
    in that currency (recording what they were converted from) and the others stay in theirs."""
    seen: dict[str, tuple[_Countable, Decimal]] = {f.id: (f, share) for f, share in members}
    sums: dict[str, tuple[Decimal, int, set[str]]] = {}
    origins: dict[str, tuple[Decimal, int]] = {}
    without = 0
    for funding, share in seen.values():
        amount = funding.amount
        if amount is None:
            without += 1
            continue
        conversion = funding.conversion if into is not None else None
        if conversion is not None and conversion.value is not None:
            code, value = conversion.currency, conversion.value * share
            origin, count = origins.get(amount.currency, (Decimal(0), 0))
            origins[amount.currency] = (origin + amount.value * share, count + 1)
        else:
            code, value = amount.currency, amount.value * share
        total, count, qualifiers = sums.get(code, (Decimal(0), 0, set()))
        qualifiers.add(amount.qualifier)
        sums[code] = (total + value, count + 1, qualifiers)
    totals = tuple(
        Total(
            code,
            value,
            count,
            tuple(sorted(qualifiers)),
            tuple(Part(c, v, n) for c, (v, n) in sorted(origins.items()))
            if code == into and origins
            else None,
        )
        for code, (value, count, qualifiers) in sorted(sums.items())
    )
    return len(seen), without, totals


def _report(into: str, selected: Sequence[_Countable]) -> ConversionReport:
    items = tuple(
        FundingConversion(EntityRef(f.id, f.slug, f.label), f.conversion)
        for f in selected
        if f.conversion is not None
    )
    converted = sum(1 for i in items if i.conversion.converted)
    return ConversionReport(into, currency.source(), converted, len(items) - converted, items)


def _text(term: Term | None) -> str | None:
    return None if term is None else str(term)

"""Who funds what where: fundings with their amounts, periods, places, themes and evidence, and
summaries of them that never add different currencies.

``fundings.rq`` selects the fundings that pass the filters (its header states each filter's
rule), sorted; ``funding-details.rq`` and ``funding-evidence.rq`` fetch the details of the page
asked for (of every selected funding for a summary); Python groups those rows into one ``Funding`` each and,
for summaries (which need every match), totals them.

Rules worth knowing:

* A funding's regions and themes are its own ``schema:areaServed``/``dcterms:subject`` plus
  those of the initiative it funds (``schema:fundedItem``), one hop; not those of the recipient
  or of the recipient's other projects. The ``region`` filter includes places inside the region
  transitively, ``theme`` narrower themes.
* ``year`` keeps fundings whose period overlaps the year; an open start or end is open, and a
  funding with no period at all is unknown, so it is left out.
* Summaries: a funding counts in every group it belongs to (each of its regions, themes and
  years), so group totals can add up to more than the ``overall`` totals, which count each
  funding once. ``by=year`` puts a funding in each calendar year its period covers; an open end
  runs to the date the facts of its source document are current to (``ck:currentTo`` of the
  document its evidence quotes, else the end of the period it covers, ``schema:endDate``; an
  open start likewise from the document's start), because the source cannot speak for later
  years, and a funding with no period is in the ``None`` (unknown) year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from rdflib import Literal, URIRef

from kg._namespaces import CK, slug_of
from kg.entities import EntityRef, Evidence, Page, Period, evidence_of, sort_evidence, sorted_refs
from kg.errors import ConfigurationError
from kg.queries import select
from kg.stores.base import Store, Term

FUNDINGS_QUERY: Final = "fundings"
#: fundings.rq driven by the region index, for requests with a region.
REGION_QUERY: Final = "fundings-in-region"
DETAILS_QUERY: Final = "funding-details"
EVIDENCE_QUERY: Final = "funding-evidence"
#: Fundings whose details one query fetches (a VALUES block of IRIs; summaries need them all).
DETAILS_CHUNK: Final = 1000
#: How a qualifier IRI reads in JSON.
QUALIFIERS: Final = {
    str(CK.Exact): "exact",
    str(CK.AtLeast): "at least",
    str(CK.Approximately): "approximately",
}
DIMENSIONS: Final = ("funder", "recipient", "region", "theme", "year")


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
    funder: EntityRef
    recipient: EntityRef | None
    initiative: EntityRef | None
    amount: Amount | None
    period: Period
    regions: tuple[EntityRef, ...]
    themes: tuple[EntityRef, ...]
    evidence: tuple[Evidence, ...]


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

    def bindings(self) -> dict[str, Term | None]:
        def iri(value: str | None) -> URIRef | None:
            return None if value is None else URIRef(value)

        return {
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
class Total:
    """The sum of the amounts in one currency; ``qualifiers`` says how exact its parts are
    (a sum with an "at least" part is itself a minimum)."""

    currency: str
    value: Decimal
    count: int
    qualifiers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts and per-currency totals of a set of fundings."""

    count: int
    without_amount: int
    totals: tuple[Total, ...]


@dataclass(frozen=True, slots=True)
class Group:
    """One group of a summary: its key (dimension -> entity, year or None) and its tally."""

    key: Mapping[str, EntityRef | int | None]
    count: int
    without_amount: int
    totals: tuple[Total, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """Groups of fundings (one page of them), and the tally over all fundings selected."""

    by: tuple[str, ...]
    items: tuple[Group, ...]
    total: int
    limit: int
    offset: int
    overall: Tally


@dataclass(slots=True)
class _Builder:
    """Rows of one funding, gathered before they become a ``Funding``."""

    row: Mapping[str, Term]
    regions: dict[str, EntityRef] = field(default_factory=dict)
    themes: dict[str, EntityRef] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    types: dict[str, EntityRef] = field(default_factory=dict)
    document_years: list[tuple[int | None, int | None]] = field(default_factory=list)


def fundings(
    store: Store, filters: FundingFilters = FundingFilters(), *, limit: int = 50, offset: int = 0
) -> Page[Funding]:
    """The fundings that pass ``filters``, sorted by label: one page, whose details alone are
    fetched (at 1M triples, fetching every match's details and cutting the page afterwards
    took 38-57 s for a continent)."""
    if limit < 1 or offset < 0:
        raise ConfigurationError(
            f"limit must be at least 1 and offset at least 0, not {limit}, {offset}"
        )
    selected = _selected(store, filters)
    page = selected[offset : offset + limit]
    items = tuple(f for f, _ in _details(store, page))
    return Page(items, len(selected), limit, offset)


def summarize(
    store: Store,
    by: Sequence[str],
    filters: FundingFilters = FundingFilters(),
    *,
    limit: int = 50,
    offset: int = 0,
) -> Summary:
    """Counts and totals per group of ``by`` (one or two of ``DIMENSIONS``) and currency."""
    if not 1 <= len(by) <= 2 or any(d not in DIMENSIONS for d in by) or len(set(by)) != len(by):
        raise ConfigurationError(
            f"by={','.join(by)!r} cannot group fundings: give one or two different dimensions "
            f"out of {', '.join(DIMENSIONS)}, comma-separated (for example by=funder,year)"
        )
    # The evidence only matters to a summary by year (an open period ends where its source
    # document's period ends); skipping it halves the queries for the other dimensions.
    selected = _select(store, filters, evidence="year" in by)
    groups: dict[tuple[object, ...], tuple[dict[str, EntityRef | int | None], list[Funding]]] = {}
    for funding, years in selected:
        for key in _keys(funding, years, by):
            groups.setdefault(
                tuple(_sort_key(k) for k in key), (dict(zip(by, key, strict=True)), [])
            )[1].append(funding)
    ordered = [groups[k] for k in sorted(groups)]
    items = [Group(key, *_tally_fields(members)) for key, members in ordered]
    page = Page.of(items, limit=limit, offset=offset)
    return Summary(
        tuple(by),
        page.items,
        page.total,
        limit,
        offset,
        Tally(*_tally_fields([f for f, _ in selected])),
    )


def _selected(store: Store, filters: FundingFilters) -> list[Term]:
    """The IRIs of the fundings that pass ``filters``, sorted by label (fundings.rq)."""
    name = FUNDINGS_QUERY if filters.region is None else REGION_QUERY
    return [row[0] for row in select(store, name, filters.bindings()).rows if row[0]]


def _select(
    store: Store, filters: FundingFilters, *, evidence: bool = True
) -> list[tuple[Funding, tuple[int, ...] | None]]:
    """Every selected funding with the calendar years it covers (None: no period)."""
    return _details(store, _selected(store, filters), evidence=evidence)


def _details(
    store: Store, fundings: Sequence[Term], *, evidence: bool = True
) -> list[tuple[Funding, tuple[int, ...] | None]]:
    """``fundings`` (IRIs), in that order, with their details and the calendar years each
    covers (None: no period); without ``evidence`` their quotes are left out (and an open
    period is not closed by its document's)."""
    builders: dict[str, _Builder] = {}
    for start in range(0, len(fundings), DETAILS_CHUNK):
        chunk = fundings[start : start + DETAILS_CHUNK]
        for row in select(store, DETAILS_QUERY, rows=("funding", chunk)).dicts():
            _add(builders.setdefault(str(row["funding"]), _Builder(row)), row)
        if not evidence:
            continue
        for row in select(store, EVIDENCE_QUERY, rows=("funding", chunk)).dicts():
            if str(row["funding"]) in builders:
                _add(builders[str(row["funding"])], {**row, "part": Literal("evidence")})
    ordered = [str(t) for t in fundings]
    return [(_funding(i, builders[i]), _years(builders[i])) for i in ordered if i in builders]


def _add(builder: _Builder, row: Mapping[str, Term]) -> None:
    """One row of funding-details.rq (or of funding-evidence.rq, as part "evidence") into its
    funding's builder."""
    if "type" in row:
        builder.types[str(row["type"])] = EntityRef.of(row["type"], row.get("typeLabel"))
    part = str(row.get("part", ""))
    if part == "region":
        builder.regions[str(row["item"])] = EntityRef.of(row["item"], row.get("itemLabel"))
    elif part == "theme":
        builder.themes[str(row["item"])] = EntityRef.of(row["item"], row.get("itemLabel"))
    elif part == "evidence":
        builder.evidence.append(evidence_of(row, document="item"))
        builder.document_years.append(
            (_year(row.get("documentStart")), _year(row.get("documentEnd")))
        )


def _funding(iri: str, b: _Builder) -> Funding:
    row = b.row

    def ref(name: str) -> EntityRef | None:
        return EntityRef.of(row[name], row.get(f"{name}Label")) if name in row else None

    # The most specific class: a contribution or pledge rather than the ck:Funding it also is.
    specific = [t for t in b.types.values() if t.id != str(CK.Funding)] or list(b.types.values())
    amount = None
    if "value" in row and "currency" in row:
        amount = Amount(
            Decimal(str(row["value"])),
            str(row["currency"]),
            QUALIFIERS.get(str(row.get("qualifier")), "exact"),
        )
    return Funding(
        id=iri,
        slug=slug_of(iri),
        label=str(row["label"]),
        type=sorted(specific, key=lambda t: t.id)[0],
        status=ref("status"),
        funder=EntityRef.of(row["funder"], row.get("funderLabel")),
        recipient=ref("recipient"),
        initiative=ref("initiative"),
        amount=amount,
        period=Period.of(row.get("start"), row.get("end")),
        regions=sorted_refs(b.regions.values()),
        themes=sorted_refs(b.themes.values()),
        evidence=sort_evidence(b.evidence),
    )


def _years(b: _Builder) -> tuple[int, ...] | None:
    """The calendar years a funding counts in for ``by=year`` (see the module docstring)."""
    start, end = _year(b.row.get("start")), _year(b.row.get("end"))
    if start is None and end is None:
        return None
    if end is None:
        ends = [e for _, e in b.document_years if e is not None]
        end = max([start, *ends]) if start is not None else None
    if start is None:
        starts = [s for s, _ in b.document_years if s is not None]
        start = min([*starts, end]) if end is not None else None
    assert start is not None and end is not None
    return tuple(range(start, end + 1)) if start <= end else (start,)


def _keys(
    funding: Funding, years: tuple[int, ...] | None, by: Sequence[str]
) -> list[tuple[EntityRef | int | None, ...]]:
    """Every combination of the funding's values along the ``by`` dimensions."""
    values: dict[str, Sequence[EntityRef | int | None]] = {
        "funder": [funding.funder],
        "recipient": [funding.recipient],
        "region": funding.regions or [None],
        "theme": funding.themes or [None],
        "year": years or [None],
    }
    keys: list[tuple[EntityRef | int | None, ...]] = [()]
    for dimension in by:
        keys = [(*key, value) for key in keys for value in values[dimension]]
    return keys


def _sort_key(value: EntityRef | int | None) -> tuple[int, int, str, str]:
    """Years ascending, entities by label, the unknown (None) last."""
    if value is None:
        return (1, 0, "", "")
    if isinstance(value, int):
        return (0, value, "", "")
    return (0, 0, value.label.casefold(), value.id)


def _tally_fields(members: Iterable[Funding]) -> tuple[int, int, tuple[Total, ...]]:
    """(count, without amount, totals per currency): amounts in different currencies are
    never added, and each funding counts once even when it appears twice in ``members``."""
    seen: dict[str, Funding] = {f.id: f for f in members}
    sums: dict[str, tuple[Decimal, int, set[str]]] = {}
    without = 0
    for funding in seen.values():
        if funding.amount is None:
            without += 1
            continue
        value, count, qualifiers = sums.get(funding.amount.currency, (Decimal(0), 0, set()))
        qualifiers.add(funding.amount.qualifier)
        sums[funding.amount.currency] = (value + funding.amount.value, count + 1, qualifiers)
    totals = tuple(
        Total(currency, value, count, tuple(sorted(qualifiers)))
        for currency, (value, count, qualifiers) in sorted(sums.items())
    )
    return len(seen), without, totals


def _year(term: Term | None) -> int | None:
    """The year of an xsd:gYear, gYearMonth or date literal (its first four digits)."""
    if term is None:
        return None
    text = str(term)
    return int(text[:4]) if text[:4].isdigit() else None

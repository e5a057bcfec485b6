"""A list filtered by region alone, read from the derived positions and count, gives the page
and total the selection query gives. Summaries computed by the engine (funding-totals.rq over the derived ck:fundingYear) give the
answer every funding's details give (the per-funding path that split summaries still take),
for every grouping, with and without filters and conversion, on the shipped data, the money
fixture and the IATI fixture (on pyoxigraph, Virtuoso and through the importer)."""

from __future__ import annotations

import itertools

import pytest

from kg import currency
from kg._namespaces import ID
from kg.derive import funding_positions, funding_years
from kg.fundings import (
    DIMENSIONS,
    FundingFilters,
    _by_position,
    _count,
    _selected,
    _stored_totals,
    _summary_of_details,
    _summary_of_totals,
    fundings,
)
from kg.stores.base import SelectResult, Store
from kg.stores.oxigraph import OxigraphStore

GROUPINGS = [(d,) for d in DIMENSIONS] + [
    pair for pair in itertools.permutations(DIMENSIONS, 2) if "year" in pair
]
FILTERS = [
    FundingFilters(),
    FundingFilters(year=2018),
    FundingFilters(region=str(ID["asia"])),
    FundingFilters(funder=str(ID["japan"])),
]


def _both(store: Store, by: tuple[str, ...], filters: FundingFilters, into: str | None) -> None:
    paging = {"limit": 1000, "offset": 0, "into": into}
    totals = _summary_of_totals(store, by, filters, **paging)  # type: ignore[arg-type]
    details = _summary_of_details(store, by, filters, split_by=(), **paging)  # type: ignore[arg-type]
    assert totals == details, f"by={','.join(by)} {filters}"


#: The engines the REST summary is served from in the HTTP suites (tests/conftest.py,
#: ``HTTP_BACKENDS``). rdflib took 14 s here for what pyoxigraph does in 0.5 s; its answers to
#: the summary's named queries are compared with pyoxigraph's in test_store_backends.py.
SERVED = pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"], indirect=True)


@SERVED
@pytest.mark.parametrize("by", GROUPINGS, ids=lambda by: ",".join(by))
def test_totals_match_the_details_on_the_shipped_data(store: Store, by: tuple[str, ...]) -> None:
    for filters in FILTERS:
        _both(store, by, filters, None)


@pytest.mark.parametrize("by", GROUPINGS, ids=lambda by: ",".join(by))
def test_totals_match_the_details_for_money(
    money_store: OxigraphStore, by: tuple[str, ...]
) -> None:
    for filters, into in itertools.product(FILTERS, (None, currency.target("USD"))):
        _both(money_store, by, filters, into)


@pytest.mark.parametrize("by", [("year",), ("region", "year"), ("funder",)], ids=",".join)
def test_totals_match_the_details_for_iati(iati_store: Store, by: tuple[str, ...]) -> None:
    for into in (None, "USD"):
        _both(iati_store, by, FundingFilters(), into)
        _both(iati_store, by, FundingFilters(year=2012), into)


@pytest.mark.parametrize(
    ("start", "end", "day", "documents", "years"),
    [
        ("2013", "2013", None, [], [2013]),
        ("2016", "2018-06", None, [], [2016, 2017, 2018]),
        (None, None, "2012-05-03", [], [2012]),
        ("2015", None, None, [("2010", "2018"), (None, "2017-12-31")], [2015, 2016, 2017, 2018]),
        ("2015", None, None, [], [2015]),
        ("2015", None, None, [(None, "2012")], [2015]),
        (None, "2014", None, [("2011", None), ("2012", "2020")], [2011, 2012, 2013, 2014]),
        ("2019", "2017", None, [], [2019]),
        (None, None, None, [("2010", "2020")], []),
    ],
)
def test_the_years_of_a_funding(
    start: str | None,
    end: str | None,
    day: str | None,
    documents: list[tuple[str | None, str | None]],
    years: list[int],
) -> None:
    assert list(funding_years(start, end, day, documents)) == years


SPLITS = [("region",), ("theme",), ("region", "theme"), ("funder", "region"), ("theme", "year")]


def _split_both(
    store: Store, by: tuple[str, ...], filters: FundingFilters, into: str | None
) -> None:
    split_by = [d for d in by if d in ("region", "theme")]
    paging = {"limit": 1000, "offset": 0, "into": into, "split_by": split_by}
    lean = _summary_of_details(store, by, filters, **paging)  # type: ignore[arg-type]
    full = _summary_of_details(store, by, filters, lean=False, **paging)  # type: ignore[arg-type]
    assert lean == full, f"by={','.join(by)} split {filters}"


@pytest.mark.parametrize("by", SPLITS, ids=",".join)
def test_split_parts_match_the_details(iati_store: Store, by: tuple[str, ...]) -> None:
    for filters, into in itertools.product(FILTERS[:3], (None, "USD")):
        _split_both(iati_store, by, filters, into)


@pytest.mark.parametrize("by", SPLITS, ids=",".join)
def test_split_parts_match_the_details_for_money(
    money_store: OxigraphStore, by: tuple[str, ...]
) -> None:
    for filters, into in itertools.product(FILTERS, (None, "USD")):
        _split_both(money_store, by, filters, into)


@pytest.mark.parametrize("kind", ["none", "region", "region and year", "funder"])
def test_a_page_of_the_list_is_cut_and_counted_by_the_engine(iati_store: Store, kind: str) -> None:
    store = iati_store
    # The place most fundings serve within (the count has its own query for a region alone).
    most = store.query(
        "SELECT ?place (COUNT(?funding) AS ?n) WHERE { ?funding ck:servesWithin ?place } "
        "GROUP BY ?place ORDER BY DESC(?n) ?place LIMIT 1"
    )
    assert isinstance(most, SelectResult)
    region = str(most.rows[0][0])
    filters = {
        "none": FundingFilters(),
        "region": FundingFilters(region=region),
        "region and year": FundingFilters(region=region, year=2018),
        "funder": FundingFilters(funder=str(ID["japan"])),
    }[kind]
    every = [str(f) for f in _selected(store, filters)]
    assert every, "nothing selected: the test would prove nothing"
    for limit, offset in ((2, 0), (3, 1), (50, len(every) - 1)):
        page = fundings(store, filters, limit=limit, offset=offset)
        assert page.total == len(every)
        assert [f.id for f in page.items] == every[offset : offset + limit]


def _places_served(store: Store) -> list[str]:
    result = store.query("SELECT DISTINCT ?place WHERE { ?funding ck:servesWithin ?place }")
    assert isinstance(result, SelectResult)
    return sorted(str(row[0]) for row in result.rows)


@pytest.mark.parametrize("data", ["money", "iati"])
def test_the_positions_in_a_region_are_the_pages_of_the_query(
    money_store: OxigraphStore, iati_store: Store, data: str
) -> None:
    """Every place any funding serves within (and one none does): the page read by position
    (funding-positions.rq, funding-count.rq) is the one fundings-in-region.rq cuts, at the
    start, in the middle, at the end and past it. (The shipped data names no place served.)"""
    chosen = money_store if data == "money" else iati_store
    places = _places_served(chosen)
    assert len(places) > 3, "too few places: the test would prove little"
    for region in [*places, str(ID["no-such-place"])]:
        filters = FundingFilters(region=region)
        assert _by_position(filters)
        every = [str(f) for f in _selected(chosen, filters)]
        assert _count(chosen, filters) == len(every)
        for limit, offset in (
            (1, 0),
            (3, len(every) // 2),
            (50, max(len(every) - 2, 0)),
            (5, len(every)),
        ):
            page = fundings(chosen, filters, limit=limit, offset=offset)
            assert page.total == len(every), region
            assert [f.id for f in page.items] == every[offset : offset + limit], region


def test_any_other_filter_takes_the_query() -> None:
    region = str(ID["asia"])
    assert not _by_position(FundingFilters())
    assert not _by_position(FundingFilters(region=region, year=2018))
    assert not _by_position(FundingFilters(region=region, theme=str(ID["health"])))


def test_positions_number_each_place_in_the_order_of_the_list() -> None:
    """A funding without a ck:fundingOrder (not listed) has no position; the count is the
    place's listed fundings; positions follow the order, not the IRIs."""
    serves = [("f:b", "p:asia"), ("f:a", "p:asia"), ("f:b", "p:world"), ("f:x", "p:asia")]
    triples = funding_positions(serves, {"f:a": 7, "f:b": 2})
    counts = {(s, o) for s, p, o in triples if p.endswith("fundingCount")}
    assert counts == {("p:asia", 2), ("p:world", 1)}
    positions = sorted((str(o), s) for s, p, o in triples if p.endswith("positionWithin"))
    assert [s for _, s in positions if "asia" in _] == ["f:b", "f:a"]
    assert [s for _, s in positions if "world" in _] == ["f:b"]


def _reads_stored_totals(store: Store) -> None:
    for by in [(d,) for d in DIMENSIONS] + [()]:
        assert _stored_totals(store, FundingFilters(), by, None), f"none stored by {by}"
        assert _stored_totals(store, FundingFilters(year=2018), by, None) is None
        assert _stored_totals(store, FundingFilters(), by, "USD") is None


def test_a_summary_of_every_funding_reads_the_stored_totals(store: Store) -> None:
    """The comparisons above go through the totals kept in the derived graph (``kg.totals``)
    wherever those apply (every funding, one dimension or none, unconverted), not through the
    engine's aggregate: the stored rows exist on every backend."""
    _reads_stored_totals(store)


def test_imported_fundings_have_stored_totals(iati_store: Store) -> None:
    _reads_stored_totals(iati_store)

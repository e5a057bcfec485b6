"""kg.fundings on ``MONEY_TTL`` (tests/_small_stores.py): five fundings whose counts and totals
are worked out by hand from the Turtle, so every figure below can be checked by reading it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.errors import ConfigurationError
from kg.fundings import FundingFilters, by_id, fundings, summarize
from kg.stores.oxigraph import OxigraphStore

ID = "https://w3id.org/coop-kg/id/"


def test_the_list_is_sorted_by_label_and_counts_every_match(money_store: OxigraphStore) -> None:
    page = fundings(money_store)
    assert page.total == 5
    labels = [f.label for f in page.items]
    assert labels == sorted(labels, key=str.casefold)


def test_a_page_is_cut_after_counting(money_store: OxigraphStore) -> None:
    whole = fundings(money_store)
    page = fundings(money_store, limit=2, offset=1)
    assert page.total == whole.total
    assert [f.id for f in page.items] == [f.id for f in whole.items[1:3]]


def test_a_funding_carries_its_details(money_store: OxigraphStore) -> None:
    (funding,) = by_id(money_store, [ID + "f-eur-1"])
    assert funding.funder is not None and funding.funder.slug == "germany"
    assert funding.recipient is not None and funding.recipient.slug == "unodc"
    assert funding.amount is not None
    assert (funding.amount.value, funding.amount.currency) == (Decimal(1_000_000), "EUR")
    assert funding.amount.qualifier == "exact"
    assert (funding.period.start, funding.period.end) == ("2019", "2020")
    assert [r.slug for r in funding.regions] == ["thailand"]
    assert [t.slug for t in funding.themes] == ["drugs"]


def test_by_id_keeps_the_order_asked_and_leaves_out_what_is_not_a_funding(
    money_store: OxigraphStore,
) -> None:
    asked = [ID + "f-usd-1", ID + "japan", ID + "f-eur-2"]
    assert [f.slug for f in by_id(money_store, asked)] == ["f-usd-1", "f-eur-2"]


def test_a_pledge_with_a_minimum_keeps_its_quote(money_store: OxigraphStore) -> None:
    (pledge,) = by_id(money_store, [ID + "f-usd-2"])
    assert pledge.amount is not None and pledge.amount.qualifier == "at least"
    assert pledge.initiative is not None and pledge.initiative.slug == "mekong-project"
    assert [(e.quote, e.start, e.end) for e in pledge.evidence] == [("since 2018", 0, 11)]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (FundingFilters(funder=ID + "japan"), {"f-usd-1", "f-usd-2", "f-none"}),
        (FundingFilters(currency="eur"), {"f-eur-1", "f-eur-2"}),
        (FundingFilters(min_amount=Decimal(1_500_000)), {"f-usd-1"}),
        (FundingFilters(year=2020), {"f-eur-1", "f-eur-2", "f-usd-2"}),
        # Thailand is inside Southeast Asia, served by f-eur-1 and, through the Mekong project
        # it funds, by f-usd-2; the Kenyan funding is not.
        (FundingFilters(region=ID + "southeast-asia"), {"f-eur-1", "f-usd-2"}),
        # Drugs is narrower than crime (the Mekong project's theme too).
        (FundingFilters(theme=ID + "crime"), {"f-eur-1", "f-usd-2"}),
        (FundingFilters(type="pledge"), {"f-usd-2"}),
    ],
    ids=["funder", "currency", "min-amount", "year", "region", "theme", "type"],
)
def test_filters(money_store: OxigraphStore, filters: FundingFilters, expected: set[str]) -> None:
    page = fundings(money_store, filters)
    assert {f.slug for f in page.items} == expected
    assert page.total == len(expected)


def test_an_unknown_funding_type_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="not a kind of funding"):
        FundingFilters(type="Gift")


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (10, -1)])
def test_a_bad_page_is_a_configuration_error(
    money_store: OxigraphStore, limit: int, offset: int
) -> None:
    with pytest.raises(ConfigurationError, match="limit must be at least 1"):
        fundings(money_store, limit=limit, offset=offset)


def test_a_summary_by_funder_adds_each_currency_apart(money_store: OxigraphStore) -> None:
    summary = summarize(money_store, ["funder"])
    groups = {group.key["funder"].slug: group for group in summary.items}  # type: ignore[union-attr]
    assert set(groups) == {"germany", "japan"}
    germany, japan = groups["germany"], groups["japan"]
    assert (germany.count, germany.without_amount) == (2, 0)
    assert [(t.currency, t.value, t.count) for t in germany.totals] == [
        ("EUR", Decimal(1_250_000), 2)
    ]
    # f-none has no amount; a minimum makes the sum a minimum ("at least") too.
    assert (japan.count, japan.without_amount) == (3, 1)
    (usd,) = japan.totals
    assert (usd.currency, usd.value, usd.count) == ("USD", Decimal(2_500_000), 2)
    assert set(usd.qualifiers) == {"approximately", "at least"}
    assert summary.overall.count == 5
    assert {t.currency: t.value for t in summary.overall.totals} == {
        "EUR": Decimal(1_250_000),
        "USD": Decimal(2_500_000),
    }


def test_a_summary_by_year_counts_a_funding_in_every_year_it_runs(
    money_store: OxigraphStore,
) -> None:
    summary = summarize(money_store, ["year"])
    counts = {group.key["year"]: group.count for group in summary.items}
    # f-usd-2 is open from 2018: its quote's document runs to 2021, so 2018-2021.
    assert counts == {2018: 1, 2019: 3, 2020: 3, 2021: 1, None: 1}


def test_two_dimensions_group_by_both(money_store: OxigraphStore) -> None:
    summary = summarize(money_store, ["funder", "year"])
    keys = {(g.key["funder"].slug, g.key["year"]) for g in summary.items}  # type: ignore[union-attr]
    assert ("germany", 2020) in keys and ("japan", 2019) in keys
    assert ("germany", 2018) not in keys


@pytest.mark.parametrize("by", [[], ["funder", "region", "year"], ["colour"], ["year", "year"]])
def test_a_summary_needs_one_or_two_known_dimensions(
    money_store: OxigraphStore, by: list[str]
) -> None:
    with pytest.raises(ConfigurationError, match="cannot group fundings"):
        summarize(money_store, by)
